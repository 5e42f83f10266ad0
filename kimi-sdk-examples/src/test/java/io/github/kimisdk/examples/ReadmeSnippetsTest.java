package io.github.kimisdk.examples;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.kimisdk.examples.ReadmeSnippets.Kind;
import io.github.kimisdk.examples.ReadmeSnippets.Snippet;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every {@code ```java} snippet of README.md and the guides ({@link Docs#pages()}) compiles against
 * the SDK, so the pages cannot rot. How snippets are wrapped (preludes, whole types, statement
 * lists) is described in {@link ReadmeSnippets}; a snippet that does not compile fails this test
 * with its file and line.
 */
class ReadmeSnippetsTest {

  static final Path README = Docs.README;

  @TempDir Path out;

  /** Every page's snippets, in page order. */
  static List<Snippet> everySnippet() throws Exception {
    List<Snippet> all = new java.util.ArrayList<>();
    for (Path page : Docs.pages()) {
      all.addAll(
          ReadmeSnippets.extract(
              Docs.name(page), Files.readAllLines(page, StandardCharsets.UTF_8)));
    }
    return all;
  }

  @Test
  void everyJavaSnippetOfThePagesCompiles() throws Exception {
    List<Snippet> snippets = everySnippet();
    assertThat(snippets.size()).as("```java blocks in the pages").isGreaterThan(50);
    assertThat(snippets)
        .extracting(Snippet::file)
        .contains("README.md", "docs/chat-and-streaming.md", "docs/testing.md");
    assertThat(snippets).extracting(Snippet::kind).contains(Kind.PRELUDE, Kind.STATEMENTS);
    List<String> errors = ReadmeSnippets.compile(snippets, ChildProcess.sdkLocation(), out);
    assertThat(errors)
        .as("snippets that do not compile (fix the page, see ReadmeSnippets)")
        .isEmpty();
  }

  @Test
  void everySectionShowsEachOfItsImportsOnce() throws Exception {
    assertThat(ReadmeSnippets.importsNotShownOnce(everySnippet())).isEmpty();
  }

  @Test
  void aSectionsImportsReachOnlyItsOwnSnippets() throws Exception {
    List<String> markdown =
        List.of(
            "## One", // 1
            "```java", // 2
            "import io.github.kimisdk.chat.*;", // 3
            "ChatRequest a = ChatRequest.of(\"kimi-k3\", \"hi\");", // 4
            "```", // 5
            "```java", // 6
            "ChatRequest b = ChatRequest.of(\"kimi-k3\", \"hi\");", // 7
            "```", // 8
            "## Two", // 9
            "```java", // 10
            "ChatRequest c = ChatRequest.of(\"kimi-k3\", \"hi\");", // 11
            "```",
            "```java",
            "import io.github.kimisdk.*;", // 14: imports for the rest of its section
            "```");
    List<Snippet> snippets = ReadmeSnippets.extract("DOC.md", markdown);
    assertThat(snippets).extracting(Snippet::section).containsExactly("One", "One", "Two", "Two");
    List<String> errors = ReadmeSnippets.compile(snippets, ChildProcess.sdkLocation(), out);
    assertThat(errors).isNotEmpty().allSatisfy(e -> assertThat(e).startsWith("DOC.md:11: "));
    assertThat(ReadmeSnippets.importsNotShownOnce(snippets)).isEmpty();
    List<String> twice =
        List.of(
            "## One",
            "```java",
            "import java.net.URI;",
            "```",
            "```java",
            "import java.net.URI;",
            "```");
    assertThat(ReadmeSnippets.importsNotShownOnce(ReadmeSnippets.extract("DOC.md", twice)))
        .containsExactly(
            "DOC.md:6: \"One\" shows import java.net.URI; again (line 3); show each import once"
                + " per section");
  }

  @Test
  void aSnippetThatDoesNotCompileIsReportedWithItsLine() throws Exception {
    List<String> markdown =
        List.of(
            "# Title", // 1
            "```java", // 2
            "import io.github.kimisdk.*;", // 3
            "String key;", // 4
            "```", // 5
            "Some prose.", // 6
            "```java", // 7
            "KimiClient kimi = KimiClient.builder().apiKey(key).build();", // 8
            "kimi.chatt(null);", // 9
            "```", // 10
            "  ```java", // 11: inside a list item
            "  record Point(int x, int y) {}", // 12
            "  ```"); // 13
    List<Snippet> snippets = ReadmeSnippets.extract("DOC.md", markdown);
    assertThat(snippets)
        .extracting(Snippet::line, Snippet::kind)
        .containsExactly(
            org.assertj.core.groups.Tuple.tuple(3, Kind.PRELUDE),
            org.assertj.core.groups.Tuple.tuple(8, Kind.STATEMENTS),
            org.assertj.core.groups.Tuple.tuple(12, Kind.STATEMENTS));
    List<String> errors = ReadmeSnippets.compile(snippets, ChildProcess.sdkLocation(), out);
    assertThat(errors).hasSize(1);
    assertThat(errors.get(0)).startsWith("DOC.md:9: cannot find symbol").contains("kimi.chatt");
  }

  @Test
  void aTypeDeclarationIsCompiledAsItsOwnFileWithThePreludeImports() throws Exception {
    List<String> markdown =
        List.of(
            "```java",
            "import io.github.kimisdk.chat.*;",
            "```",
            "```java",
            "public final class Greeter {",
            "  ChatRequest hello() { return ChatRequest.of(\"kimi-k2.6\", \"Hello\"); }",
            "}",
            "```",
            "```java",
            "record Greeting(ChatRequest request) {}",
            "```");
    List<Snippet> snippets = ReadmeSnippets.extract("DOC.md", markdown);
    assertThat(snippets)
        .extracting(Snippet::kind)
        .containsExactly(Kind.PRELUDE, Kind.TYPE, Kind.TYPE);
    assertThat(ReadmeSnippets.compile(snippets, ChildProcess.sdkLocation(), out)).isEmpty();
    assertThat(out.resolve("readme/doc/l5/Greeter.class")).exists();
  }

  @Test
  void snippetsSeeOnlyWhatTheSdkExports() throws Exception {
    List<String> markdown =
        List.of(
            "```java",
            "var codec = io.github.kimisdk.internal.wire.chat.ChatCodec.class;",
            "String fine = io.github.kimisdk.chat.ChatRequest.class.getName();",
            "```");
    List<String> errors =
        ReadmeSnippets.compile(
            ReadmeSnippets.extract("DOC.md", markdown), ChildProcess.sdkLocation(), out);
    assertThat(errors).hasSize(1);
    assertThat(errors.get(0)).startsWith("DOC.md:2: package io.github.kimisdk.internal.wire.chat");
  }

  @Test
  void anUnclosedBlockIsAnError() {
    List<String> markdown = List.of("text", "```java", "int x = 1;");
    org.assertj.core.api.Assertions.assertThatThrownBy(
            () -> ReadmeSnippets.extract("DOC.md", markdown))
        .hasMessage("DOC.md:2: the ```java block is never closed");
  }
}
