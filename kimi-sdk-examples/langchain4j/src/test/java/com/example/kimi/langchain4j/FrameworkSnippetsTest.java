package com.example.kimi.langchain4j;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.Predicate;
import java.util.regex.Pattern;
import javax.tools.Diagnostic;
import javax.tools.DiagnosticCollector;
import javax.tools.JavaCompiler;
import javax.tools.JavaFileObject;
import javax.tools.SimpleJavaFileObject;
import javax.tools.ToolProvider;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The framework snippets compile against this project's classpath (kimi-sdk-langchain4j,
 * LangChain4j, LangGraph4j): the {@code ```java langchain4j} and {@code ```java langgraph4j} blocks
 * of the repository README and of the guides ({@code docs/}; kimi-sdk-examples' ReadmeSnippetsTest
 * compiles the plain {@code ```java} blocks against the SDK alone and skips these), and every
 * {@code ```java} block of kimi-sdk-langchain4j/README.md ({@code ```java quarkus} needs Quarkus and
 * is not compiled).
 *
 * <p>Each Markdown file's snippets share one package. A section (from one {@code ##} or {@code ###}
 * heading to the next) shows its imports once, in its snippets' {@code import} lines, and those
 * imports alone serve every snippet of the section: a name a section uses without importing it
 * fails. A snippet that declares a top-level type ({@code interface}, {@code class}, {@code
 * record}, {@code enum} in the first column) is a source file of its own; any other is the body of
 * a method {@code void run() throws Exception} of a class holding the names snippets use without
 * declaring them: {@code model} (a {@code ChatModel}), {@code serializer} (a LangGraph4j state
 * serializer), {@code tools} (tool specifications) and {@code runTools(message)}.
 */
class FrameworkSnippetsTest {

  static final Path README = Path.of("..", "..", "README.md");
  static final Path MODULE_README = Path.of("..", "..", "kimi-sdk-langchain4j", "README.md");
  static final Path GUIDES = Path.of("..", "..", "docs");

  /** Whether a fence opens a LangChain4j or LangGraph4j block. */
  static boolean framework(String fence) {
    return fence.equals("```java langchain4j") || fence.equals("```java langgraph4j");
  }

  /** The names snippets use without declaring them, spelled out so they import nothing. */
  static final String CONTEXT =
      """
        dev.langchain4j.model.chat.ChatModel model;
        org.bsc.langgraph4j.serializer.std.ObjectStreamStateSerializer<
            org.bsc.langgraph4j.prebuilt.MessagesState<dev.langchain4j.data.message.ChatMessage>>
            serializer;
        java.util.List<dev.langchain4j.agent.tool.ToolSpecification> tools;
        java.util.List<dev.langchain4j.data.message.ChatMessage> runTools(
            dev.langchain4j.data.message.ChatMessage last) {
          return java.util.List.of();
        }
      """;

  private static final Pattern TYPE =
      Pattern.compile("^(?:public\\s+|final\\s+|abstract\\s+)*(?:class|interface|record|enum)\\s");

  @TempDir Path out;

  /**
   * One fenced block: the Markdown line of its first code line, the code, and the section it is in
   * (the number of headings above it).
   */
  record Snippet(int line, List<String> lines, int section) {
    Snippet(int line, List<String> lines) {
      this(line, lines, 0);
    }

    boolean isImport(String l) {
      return l.startsWith("import ");
    }
  }

  static List<Snippet> snippets(Path markdown, Predicate<String> fence) throws IOException {
    List<String> md = Files.readAllLines(markdown, StandardCharsets.UTF_8);
    List<Snippet> found = new ArrayList<>();
    int section = 0;
    for (int i = 0; i < md.size(); i++) {
      String l = md.get(i).strip();
      if (l.startsWith("## ") || l.startsWith("### ")) {
        section++;
      }
      if (!l.startsWith("```")) {
        continue;
      }
      int end = i + 1;
      while (!md.get(end).strip().equals("```")) {
        end++;
      }
      if (fence.test(l)) {
        found.add(new Snippet(i + 2, md.subList(i + 1, end), section));
      }
      i = end;
    }
    return found;
  }

  /** Compiles the snippets of one file; returns the errors, each with its Markdown line. */
  List<String> compile(String name, List<Snippet> snippets) throws IOException {
    String pkg = "snippets." + name.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9]", "_");
    Map<Integer, Set<String>> imports = new TreeMap<>();
    for (Snippet s : snippets) {
      s.lines().stream()
          .filter(s::isImport)
          .forEach(l -> imports.computeIfAbsent(s.section(), k -> new TreeSet<>()).add(l));
    }
    List<Source> sources = new ArrayList<>();
    for (Snippet s : snippets) {
      boolean type = s.lines().stream().anyMatch(l -> TYPE.matcher(l).find());
      String cls = type ? typeName(s) : "Snippet" + s.line();
      Source src = new Source(pkg.replace('.', '/') + "/" + cls + ".java", s.line());
      src.add("package " + pkg + ";");
      imports.getOrDefault(s.section(), Set.of()).forEach(src::add);
      if (!type) {
        src.add("class " + cls + " {");
        src.add(CONTEXT);
        src.add("void run() throws Exception {");
      }
      src.markStart();
      // an import line stays as a blank one, so the generated lines keep the Markdown's numbering
      s.lines().forEach(l -> src.add(s.isImport(l) ? "" : l));
      if (!type) {
        src.add("}}");
      }
      sources.add(src);
    }
    JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
    DiagnosticCollector<JavaFileObject> diagnostics = new DiagnosticCollector<>();
    List<String> options =
        List.of(
            "--release",
            "17",
            "-proc:none",
            "-classpath",
            System.getProperty("java.class.path"),
            "-d",
            out.toString());
    try (var files = javac.getStandardFileManager(diagnostics, Locale.ROOT, null)) {
      javac.getTask(null, files, diagnostics, options, null, sources).call();
    }
    List<String> errors = new ArrayList<>();
    for (Diagnostic<? extends JavaFileObject> d : diagnostics.getDiagnostics()) {
      if (d.getKind() == Diagnostic.Kind.ERROR) {
        Source src = (Source) d.getSource();
        errors.add(
            name + ":" + (src == null ? "?" : src.markdownLine(d.getLineNumber())) + ": "
                + d.getMessage(Locale.ROOT));
      }
    }
    return errors;
  }

  private static String typeName(Snippet s) {
    for (String l : s.lines()) {
      var m = Pattern.compile("(?:class|interface|record|enum)\\s+(\\w+)").matcher(l);
      if (TYPE.matcher(l).find() && m.find()) {
        return m.group(1);
      }
    }
    throw new AssertionError("no type in the snippet at line " + s.line());
  }

  @Test
  void theReadmesFrameworkSnippetsCompile() throws IOException {
    List<Snippet> snippets = snippets(README, FrameworkSnippetsTest::framework);
    assertThat(snippets).as("```java langchain4j and langgraph4j blocks").isNotEmpty();
    assertThat(compile("README.md", snippets)).isEmpty();
  }

  @Test
  void theGuidesFrameworkSnippetsCompile() throws IOException {
    List<String> errors = new ArrayList<>();
    int n = 0;
    try (var pages = Files.list(GUIDES)) {
      for (Path page : pages.filter(p -> p.toString().endsWith(".md")).sorted().toList()) {
        List<Snippet> snippets = snippets(page, FrameworkSnippetsTest::framework);
        if (!snippets.isEmpty()) {
          n += snippets.size();
          errors.addAll(compile("docs/" + page.getFileName(), snippets));
        }
      }
    }
    assertThat(n).as("```java langchain4j blocks in docs/").isPositive();
    assertThat(errors).isEmpty();
  }

  @Test
  void theModuleReadmesSnippetsCompile() throws IOException {
    List<Snippet> snippets = snippets(MODULE_README, f -> f.equals("```java"));
    assertThat(snippets).as("```java blocks").hasSizeGreaterThan(3);
    assertThat(compile("kimi-sdk-langchain4j/README.md", snippets)).isEmpty();
  }

  @Test
  void aSectionsImportsServeItsSnippetsAndNoOtherSections() throws IOException {
    List<Snippet> snippets =
        List.of(
            new Snippet(3, List.of("import java.time.Duration;", "Duration a = null;"), 1),
            new Snippet(9, List.of("Duration b = Duration.ofSeconds(1);"), 1),
            new Snippet(15, List.of("Duration c = null;"), 2));
    assertThat(compile("DOC.md", snippets))
        .singleElement(org.assertj.core.api.InstanceOfAssertFactories.STRING)
        .startsWith("DOC.md:15: cannot find symbol");
  }

  @Test
  void aSnippetThatDoesNotCompileIsReportedWithItsLine() throws IOException {
    List<Snippet> broken =
        List.of(
            new Snippet(
                5,
                List.of(
                    "import dev.langchain4j.model.chat.ChatModel;",
                    "import io.github.kimisdk.langchain4j.KimiChatModel;",
                    "ChatModel m = KimiChatModel.builder().bild();")));
    assertThat(compile("DOC.md", broken))
        .singleElement(org.assertj.core.api.InstanceOfAssertFactories.STRING)
        .startsWith("DOC.md:7: cannot find symbol");
  }

  /** A generated source that knows which of its lines came from which Markdown line. */
  static final class Source extends SimpleJavaFileObject {
    private final StringBuilder text = new StringBuilder();
    private final int firstMarkdownLine;
    private int lines;
    private int start;

    Source(String path, int firstMarkdownLine) {
      super(URI.create("string:///" + path), Kind.SOURCE);
      this.firstMarkdownLine = firstMarkdownLine;
    }

    void add(String code) {
      text.append(code).append('\n');
      lines += (int) code.chars().filter(c -> c == '\n').count() + 1;
    }

    void markStart() {
      start = lines;
    }

    long markdownLine(long generatedLine) {
      return generatedLine > start ? firstMarkdownLine + generatedLine - start - 1 : 0;
    }

    @Override
    public CharSequence getCharContent(boolean ignoreEncodingErrors) {
      return text;
    }
  }
}
