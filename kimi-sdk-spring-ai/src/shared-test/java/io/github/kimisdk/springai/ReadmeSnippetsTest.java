package io.github.kimisdk.springai;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.kimisdk.springai.autoconfigure.Contexts;
import io.github.kimisdk.springai.autoconfigure.KimiAutoConfiguration;
import io.github.kimisdk.springai.autoconfigure.KimiChatClientAutoConfiguration;
import io.github.kimisdk.testing.FakeKimiServer;
import java.io.IOException;
import java.lang.reflect.Constructor;
import java.lang.reflect.Field;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.net.URI;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import javax.tools.Diagnostic;
import javax.tools.DiagnosticCollector;
import javax.tools.JavaCompiler;
import javax.tools.JavaFileObject;
import javax.tools.SimpleJavaFileObject;
import javax.tools.ToolProvider;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.ai.chat.client.ChatClient;
import org.springframework.ai.model.chat.client.autoconfigure.ChatClientAutoConfiguration;
import org.springframework.ai.model.tool.autoconfigure.ToolCallingAutoConfiguration;
import org.springframework.boot.SpringBootVersion;
import org.springframework.boot.autoconfigure.AutoConfigurations;

/**
 * The Spring AI snippets compile against this module's test class path (on each Spring line: the
 * repository README's and the guides' are both lines') (the module, Spring AI's ChatClient,
 * Reactor): the {@code ```java spring-ai} blocks of the repository README and the guides, which
 * kimi-sdk-examples' ReadmeSnippetsTest (the SDK alone) skips, and every {@code ```java} block of
 * this module's README.md. Each block is the body of a method of a class that has a {@code
 * ChatClient chatClient} and a record {@code City(String name, int population)}; the {@code import}
 * lines a block starts with are its file's, beside only {@link #IMPORTS} (what that class needs),
 * so a block that uses a type it does not import fails, as it would for a reader who copies it. And
 * they run offline as shown, {@code .entity(City.class)} included: each block's method is called
 * with the {@code ChatClient} a Spring Boot application gets from the auto-configuration, over
 * FakeKimiServer; only the blocks that make a client of their own from the environment ({@code
 * KimiClient.fromEnv()}, which needs a real key) are compiled alone.
 */
class ReadmeSnippetsTest {

  /** The imports of the class a block is wrapped in: the type of its {@code chatClient}. */
  static final List<String> IMPORTS =
      List.of("import org.springframework.ai.chat.client.ChatClient;");

  @TempDir Path out;

  /** A block: the Markdown line of its first code line, and its code. */
  record Block(int line, List<String> code) {}

  static List<Block> blocks(Path markdown, String fence) throws IOException {
    List<String> lines = Files.readAllLines(markdown, StandardCharsets.UTF_8);
    List<Block> blocks = new ArrayList<>();
    for (int i = 0; i < lines.size(); i++) {
      if (lines.get(i).strip().equals(fence)) {
        int end = i + 1;
        while (!lines.get(end).strip().equals("```")) {
          end++;
        }
        blocks.add(new Block(i + 2, lines.subList(i + 1, end)));
        i = end;
      }
    }
    return blocks;
  }

  /** Compiles the blocks; returns one message per error, naming the Markdown line. */
  List<String> compile(String file, List<Block> blocks) throws IOException {
    List<Wrapped> sources = new ArrayList<>();
    for (Block b : blocks) {
      sources.add(new Wrapped(b));
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
        long line =
            d.getSource() instanceof Wrapped w
                ? w.markdownLine(d.getLineNumber())
                : d.getLineNumber();
        errors.add(file + ":" + line + ": " + d.getMessage(Locale.ROOT));
      }
    }
    return errors;
  }

  @Test
  void theRepositoryReadmesSpringAiSnippetsCompile() throws IOException {
    List<Block> blocks = blocks(Path.of("..", "README.md"), "```java spring-ai");

    assertThat(blocks).as("```java spring-ai blocks").isNotEmpty();
    assertThat(compile("README.md", blocks)).isEmpty();
  }

  @Test
  void theGuidesSpringAiSnippetsCompile() throws IOException {
    List<String> errors = new ArrayList<>();
    int n = 0;
    try (var pages = Files.list(Path.of("..", "docs"))) {
      for (Path page : pages.filter(p -> p.toString().endsWith(".md")).sorted().toList()) {
        List<Block> blocks = blocks(page, "```java spring-ai");
        if (!blocks.isEmpty()) {
          n += blocks.size();
          errors.addAll(compile("docs/" + page.getFileName(), blocks));
        }
      }
    }
    assertThat(n).as("```java spring-ai blocks in docs/").isPositive();
    assertThat(errors).isEmpty();
  }

  /**
   * kimi-sdk-spring-ai's README is Spring AI 2's code: on Spring Boot 3.5 with Spring AI 1.1 its
   * snippets do not all compile ({@code ChatClient}'s {@code options(..)} takes the options built
   * there, the builder here), which kimi-sdk-spring-ai-boot3's README says in its table; that line
   * runs the repository README's and the guides' snippets, which are both lines'.
   */
  private static void assumeTheModuleReadmesLine() {
    Assumptions.assumeTrue(
        !SpringBootVersion.getVersion().startsWith("3."),
        "kimi-sdk-spring-ai/README.md's snippets are Spring AI 2's; Spring AI 1.1's differences"
            + " are kimi-sdk-spring-ai-boot3/README.md's table");
  }

  @Test
  void theModuleReadmesSnippetsCompile() throws IOException {
    assumeTheModuleReadmesLine();
    List<Block> blocks = blocks(Path.of("..", "kimi-sdk-spring-ai", "README.md"), "```java");

    assertThat(blocks).as("```java blocks").hasSizeGreaterThan(1);
    assertThat(compile("kimi-sdk-spring-ai/README.md", blocks)).isEmpty();
  }

  /** Compiles the blocks, then calls each one's method with an auto-configured ChatClient. */
  void run(String file, List<Block> blocks) throws Exception {
    run(file, blocks, List.of("spring.ai.kimi.api-key=sk-readme"));
  }

  /**
   * Compiles the blocks, then calls each one's method with the ChatClient an application with these
   * properties (and its base URL on a FakeKimiServer) gets.
   */
  void run(String file, List<Block> blocks, List<String> properties) throws Exception {
    assertThat(compile(file, blocks)).isEmpty();
    try (FakeKimiServer kimi = new FakeKimiServer().start();
        URLClassLoader loader =
            new URLClassLoader(new URL[] {out.toUri().toURL()}, getClass().getClassLoader())) {
      Contexts.withoutEnvironmentVariables()
          .withConfiguration(
              AutoConfigurations.of(
                  KimiAutoConfiguration.class,
                  KimiChatClientAutoConfiguration.class,
                  ToolCallingAutoConfiguration.class,
                  ChatClientAutoConfiguration.class))
          .withPropertyValues(properties.toArray(String[]::new))
          .withPropertyValues("spring.ai.kimi.base-url=" + kimi.baseUrl())
          .run(
              context -> {
                for (Block b : blocks) {
                  Class<?> snippet = loader.loadClass("snippets.l" + b.line() + ".Snippet");
                  Constructor<?> constructor = snippet.getDeclaredConstructor();
                  constructor.setAccessible(true);
                  Object instance = constructor.newInstance();
                  Field chatClient = snippet.getDeclaredField("chatClient");
                  chatClient.setAccessible(true);
                  chatClient.set(instance, context.getBean(ChatClient.Builder.class).build());
                  Method run = snippet.getDeclaredMethod("run");
                  run.setAccessible(true);
                  try {
                    run.invoke(instance);
                  } catch (InvocationTargetException e) {
                    throw new AssertionError(
                        file + ":" + b.line() + ": the snippet failed offline", e.getCause());
                  }
                }
              });
      assertThat(kimi.requestCount()).as("calls the snippets made").isPositive();
    }
  }

  @Test
  void theRepositoryReadmesSpringAiSnippetsRunOfflineEntityIncluded() throws Exception {
    List<Block> blocks = blocks(Path.of("..", "README.md"), "```java spring-ai");

    assertThat(String.join("\n", blocks.get(blocks.size() - 1).code())).contains(".entity(");
    run("README.md", blocks);
  }

  /**
   * The front page's Spring Boot path as an application has it: its {@code application.properties}
   * (the key from the environment, the model) and, offline, the base URL it names of the fake,
   * under which its snippets run.
   */
  @Test
  void theRepositoryReadmesApplicationPropertiesStartTheApplication() throws Exception {
    List<Block> properties = blocks(Path.of("..", "README.md"), "```properties spring-ai");
    // the Spring Boot path's block starts the application; the others (the fleet path's) name
    // only properties of this module's README, whose tables RateLimitPropertiesReadmeTest and
    // OptionsPropertiesParityTest hold to the configuration metadata and the options
    List<Block> starting =
        properties.stream().filter(b -> b.code().toString().contains("api-key")).toList();
    assertThat(starting).hasSize(1);
    String moduleReadme =
        Files.readString(Path.of("..", "kimi-sdk-spring-ai", "README.md"), StandardCharsets.UTF_8);
    for (Block b : properties) {
      for (String line : b.code()) {
        if (!line.isBlank() && !line.startsWith("#")) {
          assertThat(moduleReadme)
              .as("README.md line %d's property in kimi-sdk-spring-ai/README.md", b.line())
              .contains(line.substring(0, line.indexOf('=')).strip());
        }
      }
    }
    List<String> values = new ArrayList<>(List.of("MOONSHOT_API_KEY=sk-from-the-environment"));
    for (String line : starting.get(0).code()) {
      if (!line.isBlank() && !line.startsWith("#")) {
        values.add(line.strip());
      }
    }
    assertThat(values).contains("spring.ai.kimi.chat.model=kimi-k3");
    String readme = Files.readString(Path.of("..", "README.md"), StandardCharsets.UTF_8);
    assertThat(readme).contains("`spring.ai.kimi.base-url=http://127.0.0.1:8089/v1`");
    run("README.md", blocks(Path.of("..", "README.md"), "```java spring-ai"), values);
  }

  @Test
  void theModuleReadmesChatClientSnippetsRunOffline() throws Exception {
    assumeTheModuleReadmesLine();
    List<Block> blocks = new ArrayList<>();
    for (Block b : blocks(Path.of("..", "kimi-sdk-spring-ai", "README.md"), "```java")) {
      if (!String.join("\n", b.code()).contains("KimiClient.fromEnv()")) {
        blocks.add(b);
      }
    }

    assertThat(blocks).as("blocks over chatClient alone").isNotEmpty();
    run("kimi-sdk-spring-ai/README.md", blocks);
  }

  @Test
  void aSnippetThatFailsOfflineIsReportedAtItsLine() {
    // the fake answers in words, which are no number
    List<Block> failing =
        List.of(
            new Block(40, List.of("Integer.parseInt(chatClient.prompt(\"x\").call().content());")));

    assertThatThrownBy(() -> run("DOC.md", failing))
        .isInstanceOf(AssertionError.class)
        .hasMessageContaining("DOC.md:40: the snippet failed offline");
  }

  @Test
  void aSnippetThatDoesNotCompileIsReportedAtItsLine() throws IOException {
    List<Block> broken = List.of(new Block(12, List.of("int a = 1;", "chatClient.prompt(a);")));

    assertThat(compile("DOC.md", broken)).singleElement().asString().startsWith("DOC.md:13: ");
  }

  @Test
  void aSnippetCompilesWithTheImportsItShowsAndNotWithoutThem() throws IOException {
    String supplier = "KimiApiKeySupplier kimiApiKey = () -> System.getProperty(\"kimi.api-key\");";
    List<Block> shown =
        List.of(
            new Block(
                20,
                List.of(
                    "import io.github.kimisdk.springai.autoconfigure.KimiApiKeySupplier;",
                    "",
                    supplier)));
    List<Block> missing = List.of(new Block(30, List.of(supplier)));

    assertThat(compile("DOC.md", shown)).isEmpty();
    assertThat(compile("DOC.md", missing))
        .isNotEmpty()
        .allSatisfy(e -> assertThat(e).startsWith("DOC.md:30: cannot find symbol"));
  }

  /** A block wrapped in a class of its own, remembering where its code starts. */
  static final class Wrapped extends SimpleJavaFileObject {
    private final String text;
    private final int firstMarkdownLine;
    private final int firstCodeLine;
    private final int importsAt;
    private final int imports;

    Wrapped(Block b) {
      super(URI.create("string:///snippets/l" + b.line() + "/Snippet.java"), Kind.SOURCE);
      // the block's own imports (its first lines, blank lines among them) go to the file's top
      int body = 0;
      while (body < b.code().size()
          && (b.code().get(body).strip().startsWith("import ") || b.code().get(body).isBlank())) {
        body++;
      }
      List<String> lines = new ArrayList<>();
      lines.add("package snippets.l" + b.line() + ";");
      lines.addAll(b.code().subList(0, body));
      lines.addAll(IMPORTS);
      lines.add("class Snippet {");
      lines.add("  ChatClient chatClient;");
      lines.add("  record City(String name, int population) {}");
      lines.add("  void run() throws Exception {");
      this.firstCodeLine = lines.size() + 1;
      lines.addAll(b.code().subList(body, b.code().size()));
      lines.add("  }");
      lines.add("}");
      this.text = String.join("\n", lines) + "\n";
      this.firstMarkdownLine = b.line() + body;
      this.importsAt = b.line();
      this.imports = body;
    }

    long markdownLine(long generatedLine) {
      if (generatedLine >= firstCodeLine) {
        return firstMarkdownLine + generatedLine - firstCodeLine;
      }
      // the block's imports follow the package line
      return generatedLine >= 2 && generatedLine < 2 + imports ? importsAt + generatedLine - 2 : 0;
    }

    @Override
    public CharSequence getCharContent(boolean ignoreEncodingErrors) {
      return text;
    }
  }
}
