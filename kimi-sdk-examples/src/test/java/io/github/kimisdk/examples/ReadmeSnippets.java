package io.github.kimisdk.examples;

import java.io.File;
import java.io.IOException;
import java.io.StringWriter;
import java.net.URI;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.tools.Diagnostic;
import javax.tools.DiagnosticCollector;
import javax.tools.JavaCompiler;
import javax.tools.JavaFileObject;
import javax.tools.SimpleJavaFileObject;
import javax.tools.ToolProvider;

/**
 * Extracts the {@code ```java} blocks of Markdown files and compiles them against the SDK, as
 * {@link ReadmeSnippetsTest} does for README.md and the guides ({@link Docs#pages()}), all of them
 * together. The rules, kept simple so an author can predict them:
 *
 * <ol>
 *   <li>A snippet is the text between a line {@code ```java} (or {@code ```java offline}, a snippet
 *       that also runs against {@code FakeKimiServer}: {@code OfflineSnippetsTest}) and the next
 *       line {@code ```} (both may be indented, as inside a list). Other fences ({@code ```},
 *       {@code ```xml}, {@code ```java spring-ai}) are not compiled here and are skipped. It
 *       belongs to the section of the last {@code ## } heading above it in its file.
 *   <li>The {@code import} lines a snippet starts with are its section's imports: every snippet of
 *       that section, and no other (a section of another file is another section), is compiled with
 *       them, so a section shows what it imports. Besides them, only what jshell imports by default
 *       and {@code java.time.*} are imported ({@link #IMPLICIT}). A section shows each import once.
 *   <li>A snippet whose other lines only declare names ({@code KimiClient kimi;}, no initializer)
 *       is a <em>prelude</em>: the names become fields of the class every snippet is wrapped in, so
 *       snippets anywhere (in any file) may use them without declaring them, and may declare their
 *       own with the same name.
 *   <li>A snippet with a line that declares a top-level type ({@code class}, {@code record}, {@code
 *       interface} or {@code enum}, optionally after {@code public}, {@code final}, {@code
 *       abstract}, {@code sealed} or {@code non-sealed}, starting in the first column) is compiled
 *       as a source file of its own, after its section's imports.
 *   <li>Every other snippet is a list of statements: it becomes the body of {@code void run()
 *       throws Exception} in a class holding the preludes' fields. So a snippet shows a result by
 *       printing or assigning it, never with {@code return}; and it declares each local variable
 *       once.
 * </ol>
 *
 * Each snippet gets a package of its own ({@code readme.<file>.l<LINE>}), so snippets never clash.
 * The SDK is on the module path: a snippet that uses a package the SDK does not export does not
 * compile. Only errors fail; warnings are ignored.
 */
final class ReadmeSnippets {

  /** What every snippet may use without showing an import: jshell's defaults and java.time. */
  static final List<String> IMPLICIT =
      List.of(
          "java.io",
          "java.math",
          "java.net",
          "java.nio.file",
          "java.time",
          "java.util",
          "java.util.concurrent",
          "java.util.function",
          "java.util.regex",
          "java.util.stream");

  /** The fence of a snippet that also runs against {@code FakeKimiServer} in the build. */
  static final String OFFLINE_FENCE = "```java offline";

  /** A declaration without an initializer, as a prelude holds: {@code List<Message> history;}. */
  private static final Pattern FIELD =
      Pattern.compile("^[A-Za-z_][\\w.<>,?\\[\\] ]*\\s+[A-Za-z_$][\\w$]*\\s*;\\s*(//.*)?$");

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
   * @param file the Markdown file it is in, as messages name it ({@code docs/install.md})
   * @param line the Markdown line number (1-based) of the block's first code line
   * @param lines the code
   * @param section the {@code ## } heading it stands under ({@code ""} before the first)
   * @param offline whether its fence is {@code ```java offline}: it runs against {@code
   *     FakeKimiServer} in the build ({@code OfflineSnippetsTest}), as its page says
   */
  record Snippet(String file, int line, List<String> lines, String section, boolean offline) {

    Snippet(String file, int line, List<String> lines, String section) {
      this(file, line, lines, section, false);
    }

    Snippet(int line, List<String> lines) {
      this("DOC.md", line, lines, "");
    }

    /** Its section, told apart from a section of the same name in another file. */
    String sectionKey() {
      return file + "\n" + section;
    }

    /** The package its class is compiled in: {@code readme.<file>.l<LINE>}. */
    String pkg() {
      String slug =
          file.replaceFirst("\\.md$", "").toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9]+", "_");
      return "readme." + slug + ".l" + line;
    }

    /** How many lines the leading imports (and the blank lines among them) take. */
    int importLines() {
      int n = 0;
      int last = 0;
      for (String l : lines) {
        n++;
        if (l.strip().startsWith("import ")) {
          last = n;
        } else if (!l.isBlank()) {
          break;
        }
      }
      return last;
    }

    /** The import lines the snippet starts with. */
    List<String> imports() {
      return lines.subList(0, importLines()).stream().filter(l -> !l.isBlank()).toList();
    }

    Kind kind() {
      List<String> body = lines.subList(importLines(), lines.size());
      boolean declaresOnly = true;
      for (String l : body) {
        String code = l.strip();
        if (!code.isEmpty() && !code.startsWith("//") && !FIELD.matcher(code).matches()) {
          declaresOnly = false;
        }
      }
      if (declaresOnly) {
        return Kind.PRELUDE;
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
    String section = "";
    for (int i = 0; i < markdown.size(); i++) {
      if (markdown.get(i).startsWith("## ")) {
        section = markdown.get(i).substring(3).strip();
      }
      String fence = markdown.get(i).strip();
      boolean java = fence.equals("```java") || fence.equals(OFFLINE_FENCE);
      if (fence.startsWith("```") && !java) {
        // another fence: skip to its end, so a heading-like line inside it is not a heading
        int j = i + 1;
        while (j < markdown.size() && !markdown.get(j).strip().equals("```")) {
          j++;
        }
        i = j;
        continue;
      }
      if (!java) {
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
      out.add(
          new Snippet(fileName, i + 2, List.copyOf(code), section, fence.equals(OFFLINE_FENCE)));
      i = j;
    }
    return out;
  }

  /**
   * A generated source file that remembers which Markdown file and line each of its lines came
   * from.
   */
  static final class Source extends SimpleJavaFileObject {
    private final StringBuilder text = new StringBuilder();
    private final List<String> origin = new ArrayList<>(); // "file:line", or null if generated

    Source(String path) {
      super(URI.create("string:///" + path), Kind.SOURCE);
    }

    Source add(String line, String file, int markdownLine) {
      text.append(line).append('\n');
      origin.add(markdownLine > 0 ? file + ":" + markdownLine : null);
      return this;
    }

    Source add(String line) {
      return add(line, null, 0);
    }

    /** The "file:line" a generated line (1-based) came from, or null if the test wrote it. */
    String origin(long generatedLine) {
      return generatedLine >= 1 && generatedLine <= origin.size()
          ? origin.get((int) generatedLine - 1)
          : null;
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
    // section -> {import, file, markdownLine}
    Map<String, List<String[]>> imports = new HashMap<>();
    for (Snippet s : snippets) {
      List<String[]> own = imports.computeIfAbsent(s.sectionKey(), k -> new ArrayList<>());
      for (int i = 0; i < s.importLines(); i++) {
        if (!s.lines().get(i).isBlank()) {
          own.add(new String[] {s.lines().get(i), s.file(), String.valueOf(s.line() + i)});
        }
      }
    }
    List<Source> out = new ArrayList<>();
    // The preludes' names: fields of one class, compiled with their own sections' imports, which
    // every statement snippet extends (so those imports reach no other section).
    Source names = new Source("readme/names/Names.java");
    names.add("package readme.names;");
    addImports(names, List.of());
    List<String> preludeSections = new ArrayList<>();
    for (Snippet s : snippets) {
      if (s.kind() == Kind.PRELUDE && !preludeSections.contains(s.sectionKey())) {
        preludeSections.add(s.sectionKey());
        addImports(names, imports.get(s.sectionKey()));
      }
    }
    names.add("public abstract class Names {");
    boolean anyName = false;
    for (Snippet s : snippets) {
      if (s.kind() == Kind.PRELUDE) {
        for (int i = s.importLines(); i < s.lines().size(); i++) {
          String l = s.lines().get(i);
          boolean field = !l.isBlank() && !l.strip().startsWith("//");
          names.add(field ? "protected " + l : l, s.file(), s.line() + i);
          anyName |= field;
        }
      }
    }
    names.add("}");
    if (anyName) {
      out.add(names);
    }
    for (Snippet s : snippets) {
      Kind kind = s.kind();
      if (kind == Kind.PRELUDE) {
        continue; // its imports are its section's, its names Names'
      }
      String pkg = s.pkg();
      String type = kind == Kind.TYPE ? s.typeName() : "Snippet";
      Source src = new Source(pkg.replace('.', '/') + "/" + type + ".java");
      src.add("package " + pkg + ";");
      addImports(src, imports.get(s.sectionKey()));
      if (kind == Kind.TYPE) {
        addAll(src, s, s.importLines());
      } else {
        src.add("final class Snippet" + (anyName ? " extends readme.names.Names" : "") + " {");
        src.add("void run() throws Exception {");
        addAll(src, s, s.importLines());
        src.add("}");
        src.add("}");
      }
      out.add(src);
    }
    return out;
  }

  private static void addImports(Source src, List<String[]> sectionImports) {
    for (String p : IMPLICIT) {
      src.add("import " + p + ".*;");
    }
    for (String[] i : sectionImports) {
      src.add(i[0], i[1], Integer.parseInt(i[2]));
    }
  }

  /** Where a section shows an import a second time: one message per repeat, with its line. */
  static List<String> importsNotShownOnce(List<Snippet> snippets) {
    List<String> out = new ArrayList<>();
    Map<String, Integer> shown = new HashMap<>(); // section + import -> line
    for (Snippet s : snippets) {
      for (int i = 0; i < s.importLines(); i++) {
        String l = s.lines().get(i).strip();
        if (l.isEmpty()) {
          continue;
        }
        Integer first = shown.putIfAbsent(s.sectionKey() + "\n" + l, s.line() + i);
        if (first != null) {
          out.add(
              s.file()
                  + ":"
                  + (s.line() + i)
                  + ": \""
                  + s.section()
                  + "\" shows "
                  + l
                  + " again (line "
                  + first
                  + "); show each import once per section");
        }
      }
    }
    return out;
  }

  private static void addAll(Source src, Snippet s, int from) {
    for (int i = from; i < s.lines().size(); i++) {
      src.add(s.lines().get(i), s.file(), s.line() + i);
    }
  }

  /**
   * Compiles the snippets against the SDK at {@code sdk} (a jar or an exploded module),
   * kimi-sdk-testing (FakeKimiServer), kimi-sdk-mcp, kimi-sdk-agents, kimi-sdk-budget,
   * kimi-sdk-batch and kimi-sdk-hostcheck into {@code out}.
   *
   * @return one message per error, each starting with {@code FILE:LINE:}; empty when all compile
   */
  static List<String> compile(List<Snippet> snippets, Path sdk, Path out) throws IOException {
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
            sdk
                + File.pathSeparator
                + ChildProcess.location(io.github.kimisdk.testing.FakeKimiServer.class)
                + File.pathSeparator
                + ChildProcess.location(io.github.kimisdk.mcp.McpClient.class)
                + File.pathSeparator
                + ChildProcess.location(io.github.kimisdk.agents.Agent.class)
                + File.pathSeparator
                + ChildProcess.location(io.github.kimisdk.budget.Budget.class)
                + File.pathSeparator
                + ChildProcess.location(io.github.kimisdk.batch.BatchRun.class)
                + File.pathSeparator
                + ChildProcess.location(io.github.kimisdk.hostcheck.HostCheck.class),
            "--add-modules",
            "io.github.kimisdk,io.github.kimisdk.testing,io.github.kimisdk.mcp,"
                + "io.github.kimisdk.agents,io.github.kimisdk.budget,io.github.kimisdk.batch,"
                + "io.github.kimisdk.hostcheck",
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
      String where = "?";
      String code = "";
      if (d.getSource() instanceof Source src) {
        String origin = src.origin(d.getLineNumber());
        String[] lines = src.text().split("\n", -1);
        long n = d.getLineNumber();
        code = n >= 1 && n <= lines.length ? lines[(int) n - 1].strip() : "";
        where = origin != null ? origin : "in the wrapping of the snippet " + src.toUri().getPath();
      }
      errors.add(where + ": " + d.getMessage(Locale.ROOT) + "\n    " + code);
    }
    if (!ok && errors.isEmpty()) {
      errors.add("javac said: " + log);
    }
    return errors;
  }
}
