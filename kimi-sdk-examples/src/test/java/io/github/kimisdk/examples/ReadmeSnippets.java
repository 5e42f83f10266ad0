package io.github.kimisdk.examples;

import java.io.File;
import java.io.IOException;
import java.io.StringWriter;
import java.net.URI;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.tools.Diagnostic;
import javax.tools.DiagnosticCollector;
import javax.tools.JavaCompiler;
import javax.tools.JavaFileObject;
import javax.tools.SimpleJavaFileObject;
import javax.tools.ToolProvider;

/**
 * Extracts the {@code ```java} blocks of a Markdown file and compiles them against the SDK, as
 * {@link ReadmeSnippetsTest} does for README.md. The rules, kept simple so a README author can
 * predict them:
 *
 * <ol>
 *   <li>A snippet is the text between a line {@code ```java} and the next line {@code ```} (both
 *       may be indented, as inside a list). Other fences ({@code ```}, {@code ```xml}) are not Java
 *       and are skipped.
 *   <li>A snippet whose first non-blank line starts with {@code import} is a <em>prelude</em>: its
 *       {@code import} lines are added to every snippet, and its other lines (declarations such as
 *       {@code KimiClient kimi;}) become fields of the class each snippet is wrapped in, so
 *       snippets may use those names without declaring them, and may declare their own with the
 *       same name.
 *   <li>A snippet with a line that declares a top-level type ({@code class}, {@code record}, {@code
 *       interface} or {@code enum}, optionally after {@code public}, {@code final}, {@code
 *       abstract}, {@code sealed} or {@code non-sealed}, starting in the first column) is compiled
 *       as a source file of its own, after the preludes' imports.
 *   <li>Every other snippet is a list of statements: it becomes the body of {@code void run()
 *       throws Exception} in a class holding the preludes' fields. So a snippet shows a result by
 *       printing or assigning it, never with {@code return}; and it declares each local variable
 *       once.
 * </ol>
 *
 * Each snippet gets a package of its own ({@code readme.l<LINE>}), so snippets never clash. The SDK
 * is on the module path: a snippet that uses a package the SDK does not export does not compile.
 * Only errors fail; warnings are ignored.
 */
final class ReadmeSnippets {

  private static final Pattern TYPE =
      Pattern.compile(
          "^(?:(?:public|final|abstract|sealed|non-sealed)\\s+)*(?:class|record|interface|enum)"
              + "\\s+([A-Za-z_$][A-Za-z_$0-9]*)");

  /** What a snippet is, by the rules above. */
  enum Kind {
    PRELUDE,
    TYPE,
    STATEMENTS
  }

  /**
   * One {@code ```java} block.
   *
   * @param line the Markdown line number (1-based) of the block's first code line
   * @param lines the code
   */
  record Snippet(int line, List<String> lines) {

    Kind kind() {
      for (String l : lines) {
        if (!l.isBlank()) {
          if (l.strip().startsWith("import ")) {
            return Kind.PRELUDE;
          }
          break;
        }
      }
      return typeName() == null ? Kind.STATEMENTS : Kind.TYPE;
    }

    /** The first top-level type the snippet declares, or null. */
    String typeName() {
      for (String l : lines) {
        Matcher m = TYPE.matcher(l);
        if (m.find()) {
          return m.group(1);
        }
      }
      return null;
    }
  }

  private ReadmeSnippets() {}

  /** Finds the {@code ```java} blocks of a Markdown text given as lines. */
  static List<Snippet> extract(String fileName, List<String> markdown) {
    List<Snippet> out = new ArrayList<>();
    for (int i = 0; i < markdown.size(); i++) {
      if (!markdown.get(i).strip().equals("```java")) {
        continue;
      }
      List<String> code = new ArrayList<>();
      int j = i + 1;
      while (j < markdown.size() && !markdown.get(j).strip().equals("```")) {
        code.add(markdown.get(j));
        j++;
      }
      if (j == markdown.size()) {
        throw new AssertionError(fileName + ":" + (i + 1) + ": the ```java block is never closed");
      }
      out.add(new Snippet(i + 2, List.copyOf(code)));
      i = j;
    }
    return out;
  }

  /** A generated source file that remembers which Markdown line each of its lines came from. */
  static final class Source extends SimpleJavaFileObject {
    private final StringBuilder text = new StringBuilder();
    private final List<Integer> origin = new ArrayList<>(); // Markdown line, or 0 if generated

    Source(String path) {
      super(URI.create("string:///" + path), Kind.SOURCE);
    }

    Source add(String line, int markdownLine) {
      text.append(line).append('\n');
      origin.add(markdownLine);
      return this;
    }

    /** The Markdown line a generated line (1-based) came from, or 0 if the test wrote it. */
    int origin(long generatedLine) {
      return generatedLine >= 1 && generatedLine <= origin.size()
          ? origin.get((int) generatedLine - 1)
          : 0;
    }

    @Override
    public CharSequence getCharContent(boolean ignoreEncodingErrors) {
      return text;
    }

    String text() {
      return text.toString();
    }
  }

  /** Turns the snippets into source files by the rules in the class comment. */
  static List<Source> sources(List<Snippet> snippets) {
    List<String[]> imports = new ArrayList<>(); // {line, markdownLine}
    List<String[]> fields = new ArrayList<>();
    for (Snippet s : snippets) {
      if (s.kind() == Kind.PRELUDE) {
        for (int i = 0; i < s.lines().size(); i++) {
          String l = s.lines().get(i);
          String[] entry = {l, String.valueOf(s.line() + i)};
          (l.strip().startsWith("import ") ? imports : fields).add(entry);
        }
      }
    }
    List<Source> out = new ArrayList<>();
    for (Snippet s : snippets) {
      String pkg = "readme.l" + s.line();
      Kind kind = s.kind();
      String type = kind == Kind.TYPE ? s.typeName() : "Snippet";
      Source src = new Source(pkg.replace('.', '/') + "/" + type + ".java");
      src.add("package " + pkg + ";", 0);
      for (String[] i : imports) {
        src.add(i[0], Integer.parseInt(i[1]));
      }
      if (kind == Kind.TYPE) {
        addAll(src, s);
      } else if (kind == Kind.PRELUDE) {
        src.add("final class Snippet {", 0);
        for (int i = 0; i < s.lines().size(); i++) {
          String l = s.lines().get(i);
          if (!l.strip().startsWith("import ")) {
            src.add(l, s.line() + i);
          }
        }
        src.add("}", 0);
      } else {
        src.add("final class Snippet {", 0);
        for (String[] f : fields) {
          src.add(f[0], Integer.parseInt(f[1]));
        }
        src.add("void run() throws Exception {", 0);
        addAll(src, s);
        src.add("}", 0);
        src.add("}", 0);
      }
      out.add(src);
    }
    return out;
  }

  private static void addAll(Source src, Snippet s) {
    for (int i = 0; i < s.lines().size(); i++) {
      src.add(s.lines().get(i), s.line() + i);
    }
  }

  /**
   * Compiles the snippets against the SDK at {@code sdk} (a jar or an exploded module) and
   * kimi-sdk-testing (FakeKimiServer) into {@code out}.
   *
   * @return one message per error, each starting with {@code fileName:LINE:}; empty when all
   *     compile
   */
  private static Path testing() {
    try {
      return ChildProcess.testingLocation();
    } catch (java.net.URISyntaxException e) {
      throw new AssertionError(e);
    }
  }

  static List<String> compile(String fileName, List<Snippet> snippets, Path sdk, Path out)
      throws IOException {
    JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
    if (javac == null) {
      throw new AssertionError("no Java compiler in " + System.getProperty("java.home"));
    }
    List<Source> sources = sources(snippets);
    DiagnosticCollector<JavaFileObject> diagnostics = new DiagnosticCollector<>();
    List<String> options =
        List.of(
            "--release",
            "17",
            "-proc:none",
            "-Xlint:none",
            "--module-path",
            sdk + File.pathSeparator + testing(),
            "--add-modules",
            "io.github.kimisdk,io.github.kimisdk.testing",
            "-d",
            out.toString());
    StringWriter log = new StringWriter();
    boolean ok;
    try (var files = javac.getStandardFileManager(diagnostics, Locale.ROOT, null)) {
      ok = javac.getTask(log, files, diagnostics, options, null, sources).call();
    }
    List<String> errors = new ArrayList<>();
    for (Diagnostic<? extends JavaFileObject> d : diagnostics.getDiagnostics()) {
      if (d.getKind() != Diagnostic.Kind.ERROR) {
        continue;
      }
      String where = fileName;
      String code = "";
      if (d.getSource() instanceof Source src) {
        int line = src.origin(d.getLineNumber());
        String[] lines = src.text().split("\n", -1);
        long n = d.getLineNumber();
        code = n >= 1 && n <= lines.length ? lines[(int) n - 1].strip() : "";
        where =
            line > 0
                ? fileName + ":" + line
                : fileName + ": in the wrapping of the snippet " + src.toUri().getPath();
      }
      errors.add(where + ": " + d.getMessage(Locale.ROOT) + "\n    " + code);
    }
    if (!ok && errors.isEmpty()) {
      errors.add(fileName + ": javac said: " + log);
    }
    return errors;
  }
}
