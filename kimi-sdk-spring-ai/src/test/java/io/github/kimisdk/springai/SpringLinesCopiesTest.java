package io.github.kimisdk.springai;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The two Spring lines are one source where Spring's APIs agree: what each line holds of its own
 * (its {@code src/main} and {@code src/test}) repeats at most {@value #MOST} code lines of the
 * other's. A code line is a line of Java that is not blank, a comment, an import or package line,
 * or punctuation alone, its white space folded; a line counts as copied when it stands in a run of
 * {@value #RUN} or more code lines that the other line's files hold in the same order, alike but
 * for names, strings and numbers (so a copy with its types renamed counts too). What both lines
 * share belongs in {@code src/shared} and {@code src/shared-test}; what differs, in a small class
 * of each line's ({@code SpringAiLine}, {@code SpringLine}, {@code HealthContexts}, ...). The test
 * prints the count: {@code mvn -B -P artifacts -pl kimi-sdk-spring-ai test
 * -Dtest=SpringLinesCopiesTest}.
 */
class SpringLinesCopiesTest {

  /** The most code lines of one line's own that may repeat the other's. */
  static final int MOST = 100;

  /** The shortest run of code lines that counts as a copy (the repository's duplicate finder's). */
  static final int RUN = 6;

  private static final Path BOOT4 = Path.of(".");
  private static final Path BOOT3 = Path.of("../kimi-sdk-spring-ai-boot3");

  private static final Set<String> KEYWORDS =
      Set.of(
          "abstract assert boolean break byte case catch char class const continue default do"
              + " double else enum extends final finally float for goto if implements import"
              + " instanceof int interface long native new package private protected public return"
              + " short static strictfp super switch synchronized this throw throws transient try"
              + " void volatile while var record yield null true false".split(" "));

  private static final Pattern STRING = Pattern.compile("\"(\\\\.|[^\"\\\\])*\"");
  private static final Pattern NUMBER = Pattern.compile("\\b\\d[\\d_.]*[lLdDfF]?\\b");
  private static final Pattern NAME = Pattern.compile("[A-Za-z_$][\\w$]*");
  private static final Pattern PUNCTUATION = Pattern.compile("[{}()\\[\\];,]+");

  @Test
  void eachLineHoldsOnlyWhatItsSpringSpellsItsOwnWay() throws IOException {
    int copied = copied(own(BOOT4), own(BOOT3));
    int back = copied(own(BOOT3), own(BOOT4));
    System.out.printf(
        "SpringLinesCopiesTest: kimi-sdk-spring-ai's own code lines repeating"
            + " kimi-sdk-spring-ai-boot3's: %d of %d; the other way: %d of %d%n",
        copied, codeLines(own(BOOT4)), back, codeLines(own(BOOT3)));
    assertThat(Math.max(copied, back))
        .as(
            "code lines of one Spring line's own sources (src/main, src/test) in runs of %d or more"
                + " that the other line repeats: move what the lines share to"
                + " kimi-sdk-spring-ai/src/shared (or shared-test), and keep in each line a small"
                + " class for what its Spring spells its own way",
            RUN)
        .isLessThanOrEqualTo(MOST);
  }

  @Test
  void aCopyIsFoundWhateverItsNamesAndNotBelowARun() {
    List<String> a =
        List.of(
            "package x;",
            "import a.B;",
            "class A {",
            "  // a comment",
            "  int one = 1;",
            "  String two = \"two\";",
            "  void three() {",
            "    call(one, two);",
            "  }",
            "  int four() { return 4; }",
            "  int five = 5;",
            "}");
    List<String> renamed = new ArrayList<>();
    for (String line : a) {
      renamed.add(line.replace("one", "uno").replace("\"two\"", "\"dos\"").replace("4", "44"));
    }
    List<List<String>> other = List.of(codeLinesOf(renamed));

    // class, one, two, three(), call, four(), five: 7 code lines in one run
    assertThat(copiedIn(codeLinesOf(a), other)).isEqualTo(7);
    assertThat(copiedIn(codeLinesOf(a.subList(0, 8)), other))
        .as("5 code lines are no run")
        .isZero();
  }

  /** Each Java file's code lines, shaped, under the module's own source directories. */
  private static List<List<String>> own(Path module) throws IOException {
    List<List<String>> files = new ArrayList<>();
    for (String dir : List.of("src/main/java", "src/test/java")) {
      Path root = module.resolve(dir);
      if (!Files.isDirectory(root)) {
        continue;
      }
      try (Stream<Path> walk = Files.walk(root)) {
        for (Path f : walk.filter(p -> p.toString().endsWith(".java")).sorted().toList()) {
          files.add(codeLinesOf(Files.readAllLines(f, StandardCharsets.UTF_8)));
        }
      }
    }
    assertThat(files).as("Java files under %s", module.toAbsolutePath().normalize()).isNotEmpty();
    return files;
  }

  private static int codeLines(List<List<String>> files) {
    return files.stream().mapToInt(List::size).sum();
  }

  /** How many code lines of {@code files} stand in a run that {@code other}'s files hold. */
  private static int copied(List<List<String>> files, List<List<String>> other) {
    int n = 0;
    for (List<String> f : files) {
      n += copiedIn(f, other);
    }
    return n;
  }

  private static int copiedIn(List<String> file, List<List<String>> other) {
    Set<List<String>> runs = new HashSet<>();
    for (List<String> o : other) {
      for (int i = 0; i + RUN <= o.size(); i++) {
        runs.add(o.subList(i, i + RUN));
      }
    }
    boolean[] copied = new boolean[file.size()];
    for (int i = 0; i + RUN <= file.size(); i++) {
      if (runs.contains(file.subList(i, i + RUN))) {
        for (int j = i; j < i + RUN; j++) {
          copied[j] = true;
        }
      }
    }
    int n = 0;
    for (boolean c : copied) {
      n += c ? 1 : 0;
    }
    return n;
  }

  /** A file's code lines, each shaped: names, strings and numbers as placeholders. */
  static List<String> codeLinesOf(List<String> lines) {
    List<String> out = new ArrayList<>();
    boolean inComment = false;
    for (String raw : lines) {
      String s = raw.strip();
      if (inComment) {
        int end = s.indexOf("*/");
        if (end < 0) {
          continue;
        }
        inComment = false;
        s = s.substring(end + 2).strip();
      }
      if (s.startsWith("/*")) {
        int end = s.indexOf("*/");
        if (end < 0) {
          inComment = true;
          continue;
        }
        s = s.substring(end + 2).strip();
      }
      s = s.replaceAll("\\s+", " ");
      if (s.isEmpty()
          || s.startsWith("//")
          || s.startsWith("import ")
          || s.startsWith("package ")
          || PUNCTUATION.matcher(s).matches()) {
        continue;
      }
      out.add(shape(s));
    }
    return out;
  }

  private static String shape(String line) {
    String s = STRING.matcher(line).replaceAll("S");
    s = NUMBER.matcher(s).replaceAll("N");
    Matcher m = NAME.matcher(s);
    StringBuilder sb = new StringBuilder();
    while (m.find()) {
      m.appendReplacement(sb, KEYWORDS.contains(m.group()) ? m.group() : "I");
    }
    return m.appendTail(sb).toString();
  }
}
