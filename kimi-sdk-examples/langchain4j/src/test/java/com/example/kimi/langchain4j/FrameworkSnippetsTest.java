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
 * LangChain4j, LangGraph4j): the repository README's {@code ```java langchain4j} and {@code ```java
 * langgraph4j} blocks (kimi-sdk-examples' ReadmeSnippetsTest compiles the plain {@code ```java}
 * blocks against the SDK alone and skips these), and every {@code ```java} block of
 * kimi-sdk-langchain4j/README.md.
 *
 * <p>Each Markdown file's snippets share one package. A snippet that declares a top-level type
 * ({@code interface}, {@code class}, {@code record}, {@code enum} in the first column) is a source
 * file of its own; any other is the body of a method {@code void run() throws Exception} of a class
 * holding the names snippets use without declaring them: {@code model} (a {@code ChatModel}),
 * {@code serializer} (a LangGraph4j state serializer), {@code tools} (tool specifications) and
 * {@code runTools(message)}. The imports are {@link #IMPORTS}.
 */
class FrameworkSnippetsTest {

  static final Path README = Path.of("..", "..", "README.md");
  static final Path MODULE_README = Path.of("..", "..", "kimi-sdk-langchain4j", "README.md");

  static final List<String> IMPORTS =
      List.of(
          "import static org.bsc.langgraph4j.StateGraph.END;",
          "import static org.bsc.langgraph4j.StateGraph.START;",
          "import static org.bsc.langgraph4j.action.AsyncEdgeAction.edge_async;",
          "import static org.bsc.langgraph4j.action.AsyncNodeAction.node_async;",
          "import dev.langchain4j.agent.tool.*;",
          "import dev.langchain4j.data.message.*;",
          // the messages, not dev.langchain4j.service's annotations of the same names
          "import dev.langchain4j.data.message.SystemMessage;",
          "import dev.langchain4j.data.message.UserMessage;",
          "import dev.langchain4j.memory.chat.*;",
          "import dev.langchain4j.model.*;",
          "import dev.langchain4j.model.chat.*;",
          "import dev.langchain4j.model.chat.request.*;",
          "import dev.langchain4j.model.chat.response.*;",
          "import dev.langchain4j.service.*;",
          "import io.github.kimisdk.KimiClient;",
          "import io.github.kimisdk.chat.Thinking;",
          "import io.github.kimisdk.model.SamplingPolicy;",
          "import io.github.kimisdk.token.KimiTokenizer;",
          "import io.github.kimisdk.langchain4j.*;",
          "import java.time.Duration;",
          "import java.util.*;",
          "import org.bsc.langgraph4j.*;",
          "import org.bsc.langgraph4j.checkpoint.*;",
          "import org.bsc.langgraph4j.prebuilt.*;",
          "import org.bsc.langgraph4j.serializer.std.*;");

  static final String CONTEXT =
      """
        ChatModel model;
        ObjectStreamStateSerializer<MessagesState<ChatMessage>> serializer;
        List<ToolSpecification> tools;
        List<ChatMessage> runTools(ChatMessage last) { return List.of(); }
      """;

  private static final Pattern TYPE =
      Pattern.compile("^(?:public\\s+|final\\s+|abstract\\s+)*(?:class|interface|record|enum)\\s");

  @TempDir Path out;

  /** One fenced block: the Markdown line of its first code line, and the code. */
  record Snippet(int line, List<String> lines) {}

  static List<Snippet> snippets(Path markdown, Predicate<String> fence) throws IOException {
    List<String> md = Files.readAllLines(markdown, StandardCharsets.UTF_8);
    List<Snippet> found = new ArrayList<>();
    for (int i = 0; i < md.size(); i++) {
      if (!fence.test(md.get(i).strip())) {
        continue;
      }
      int end = i + 1;
      while (!md.get(end).strip().equals("```")) {
        end++;
      }
      found.add(new Snippet(i + 2, md.subList(i + 1, end)));
      i = end;
    }
    return found;
  }

  /** Compiles the snippets of one file; returns the errors, each with its Markdown line. */
  List<String> compile(String name, List<Snippet> snippets) throws IOException {
    String pkg = "snippets." + name.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9]", "_");
    List<Source> sources = new ArrayList<>();
    for (Snippet s : snippets) {
      boolean type = s.lines().stream().anyMatch(l -> TYPE.matcher(l).find());
      String cls = type ? typeName(s) : "Snippet" + s.line();
      Source src = new Source(pkg.replace('.', '/') + "/" + cls + ".java", s.line());
      src.add("package " + pkg + ";");
      IMPORTS.forEach(src::add);
      if (!type) {
        src.add("class " + cls + " {");
        src.add(CONTEXT);
        src.add("void run() throws Exception {");
      }
      src.markStart();
      s.lines().forEach(src::add);
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
    List<Snippet> snippets =
        snippets(README, f -> f.equals("```java langchain4j") || f.equals("```java langgraph4j"));
    assertThat(snippets).as("```java langchain4j and langgraph4j blocks").hasSizeGreaterThan(1);
    assertThat(compile("README.md", snippets)).isEmpty();
  }

  @Test
  void theModuleReadmesSnippetsCompile() throws IOException {
    List<Snippet> snippets = snippets(MODULE_README, f -> f.equals("```java"));
    assertThat(snippets).as("```java blocks").hasSizeGreaterThan(3);
    assertThat(compile("kimi-sdk-langchain4j/README.md", snippets)).isEmpty();
  }

  @Test
  void aSnippetThatDoesNotCompileIsReportedWithItsLine() throws IOException {
    List<Snippet> broken =
        List.of(new Snippet(7, List.of("ChatModel m = KimiChatModel.builder().bild();")));
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
