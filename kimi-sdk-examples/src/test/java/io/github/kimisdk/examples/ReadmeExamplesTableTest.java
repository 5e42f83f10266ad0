package io.github.kimisdk.examples;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The examples table (docs/examples.md) names exactly the runnable programs of this module, and its
 * run command is the one the examples' Javadoc gives, so no example is missing from the guide and
 * the guide names none that does not exist.
 */
class ReadmeExamplesTableTest {

  static final String COMMAND =
      "mvn -B -q -pl kimi-sdk-examples -am compile exec:java"
          + " -Dexec.mainClass=io.github.kimisdk.examples.";
  static final Path SOURCES = Path.of("src/main/java/io/github/kimisdk/examples");

  @Test
  void theTableListsEveryProgramWithAMainAndNothingElse() throws IOException {
    String section = Docs.section(Docs.page("docs/examples.md"), "## The programs");
    assertThat(section).contains(COMMAND + "X\n");
    TreeSet<String> listed = new TreeSet<>();
    Matcher row = Pattern.compile("\n\\| `([A-Za-z]+)` \\|").matcher(section);
    while (row.find()) {
      if (!row.group(1).equals("X")) {
        listed.add(row.group(1));
      }
    }
    TreeSet<String> programs = new TreeSet<>();
    try (Stream<Path> files = Files.list(SOURCES)) {
      for (Path f : (Iterable<Path>) files::iterator) {
        String code = Files.readString(f, StandardCharsets.UTF_8);
        if (code.contains("public static void main(String[] args)")) {
          String name = f.getFileName().toString().replace(".java", "");
          programs.add(name);
          // each program's Javadoc shows the same one-line command
          assertThat(code).as(name).contains(COMMAND + name);
        }
      }
    }
    assertThat(programs).hasSizeGreaterThanOrEqualTo(14);
    assertThat(listed).isEqualTo(programs);
  }

  @Test
  void theReadmeNamesTheExamplesThatStayOnChatCompletions() throws IOException {
    TreeSet<String> staying = new TreeSet<>();
    try (Stream<Path> files = Files.list(SOURCES)) {
      for (Path f : (Iterable<Path>) files::iterator) {
        String name = f.getFileName().toString().replace(".java", "");
        if (!name.equals("ExampleSession")
            && Files.readString(f, StandardCharsets.UTF_8)
                .contains("ExampleSession.openChatCompletions(")) {
          staying.add(name);
        }
      }
    }
    String readme = Docs.text(Docs.page("docs/examples.md"));
    int at =
        readme.indexOf("With `KIMI_PROTOCOL=anthropic` every example talks Anthropic Messages");
    assertThat(at).as("the paragraph on KIMI_PROTOCOL=anthropic in Examples").isPositive();
    String paragraph = readme.substring(at, readme.indexOf("\n\n", at));
    String[] counts = {"no", "one", "two", "three", "four", "five", "six", "seven", "eight"};
    assertThat(staying).hasSizeLessThan(counts.length);
    assertThat(paragraph)
        .contains("with " + counts[staying.size()] + " exceptions that say so")
        .contains(staying.stream().map(n -> "`" + n + "`").toList());
    assertThat(Docs.text(Docs.page("docs/wires.md")))
        .contains("the " + counts[staying.size()] + " that need chat");
  }

  @Test
  void theDefaultMainClassIsTheQuickstartTheReadmeRunsFirst() throws IOException {
    String pom = Files.readString(Path.of("pom.xml"), StandardCharsets.UTF_8);
    assertThat(pom)
        .contains("<exec.mainClass>io.github.kimisdk.examples.Quickstart</exec.mainClass>");
    assertThat(Docs.lines(Docs.README)).contains(ReadmeShellCommandsTest.MAIN_EXAMPLE);
  }
}
