package io.github.kimisdk.ui;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.OutputStream;
import java.io.PrintStream;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import javax.tools.JavaCompiler;
import javax.tools.ToolProvider;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The snippets of docs/ui-message-stream.md and this module's README are the code that runs: the
 * {@code ```java ui} blocks compile against this module (the repository's own snippet test skips
 * them: its module path has no kimi-sdk-ui), each the body of a method with the imports the blocks
 * show and {@code kimi} (a client) and {@code transfer} (a tool) in scope; every line of a {@code
 * ```java spring} block is in kimi-sdk-examples/ui-spring's sources, which its tests run on both
 * Spring lines; every line of a {@code ```jsx} block is in the example page's App.jsx.
 */
class DocSnippetsTest {
  static final Path ROOT = Path.of(System.getProperty("kimisdk.repositoryRoot", ".."));
  static final List<Path> PAGES =
      List.of(ROOT.resolve("docs").resolve("ui-message-stream.md"), Path.of("README.md"));

  @TempDir Path dir;

  static List<List<String>> blocks(String fence) throws Exception {
    List<List<String>> out = new ArrayList<>();
    for (Path page : PAGES) {
      List<String> lines = Files.readAllLines(page, StandardCharsets.UTF_8);
      for (int i = 0; i < lines.size(); i++) {
        if (!lines.get(i).strip().equals(fence)) {
          continue;
        }
        List<String> block = new ArrayList<>();
        for (i++; !lines.get(i).strip().equals("```"); i++) {
          block.add(lines.get(i));
        }
        out.add(block);
      }
    }
    return out;
  }

  @Test
  void everyJavaUiSnippetCompiles() throws Exception {
    Set<String> imports =
        new LinkedHashSet<>(
            List.of(
                "import java.util.*;",
                "import java.time.*;",
                "import java.nio.file.*;",
                "import io.github.kimisdk.*;",
                "import io.github.kimisdk.chat.*;"));
    List<String> bodies = new ArrayList<>();
    for (List<String> block : blocks("```java ui")) {
      StringBuilder body = new StringBuilder();
      for (String l : block) {
        if (l.startsWith("import ")) {
          imports.add(l.strip());
        } else {
          body.append(l).append('\n');
        }
      }
      bodies.add(body.toString());
    }
    assertThat(bodies).as("the ```java ui snippets").hasSizeGreaterThanOrEqualTo(2);
    List<String> args =
        new ArrayList<>(
            List.of(
                "-d",
                dir.resolve("classes").toString(),
                "-cp",
                System.getProperty("java.class.path"),
                "-proc:none"));
    for (int n = 0; n < bodies.size(); n++) {
      String source =
          "package snippets;\n"
              + String.join("\n", imports)
              + "\n@SuppressWarnings(\"all\")\nclass Snippet"
              + n
              + " {\n  KimiClient kimi;\n  io.github.kimisdk.agents.AgentTool transfer;\n"
              + "  void run() throws Exception {\n"
              + bodies.get(n)
              + "  }\n}\n";
      Path file = dir.resolve("snippets").resolve("Snippet" + n + ".java");
      Files.createDirectories(file.getParent());
      Files.writeString(file, source, StandardCharsets.UTF_8);
      args.add(file.toString());
    }
    JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
    StringWriter out = new StringWriter();
    PrintStream sink =
        new PrintStream(
            new OutputStream() {
              @Override
              public void write(int b) {
                out.write(b);
              }
            },
            true,
            StandardCharsets.UTF_8);
    assertThat(javac.run(null, sink, sink, args.toArray(String[]::new)))
        .as("javac said:\n%s", out)
        .isZero();
  }

  @Test
  void everySpringSnippetIsInTheSpringExample() throws Exception {
    StringBuilder sources = new StringBuilder();
    try (Stream<Path> files =
        Files.walk(ROOT.resolve("kimi-sdk-examples").resolve("ui-spring").resolve("src"))) {
      for (Path f : files.filter(p -> p.toString().endsWith(".java")).toList()) {
        sources.append(Files.readString(f, StandardCharsets.UTF_8)).append('\n');
      }
    }
    List<List<String>> blocks = blocks("```java spring");
    assertThat(blocks).as("the ```java spring snippets").hasSizeGreaterThanOrEqualTo(2);
    for (List<String> block : blocks) {
      for (String line : block) {
        if (!line.isBlank()) {
          assertThat(sources.toString()).as("ui-spring's sources").contains(line);
        }
      }
    }
  }

  @Test
  void everyJsxSnippetIsInTheExamplePage() throws Exception {
    String app =
        Files.readString(
            ROOT.resolve("kimi-sdk-examples/ui-chat/page/src/App.jsx"), StandardCharsets.UTF_8);
    List<List<String>> blocks = blocks("```jsx");
    assertThat(blocks).as("the ```jsx snippets").isNotEmpty();
    for (List<String> block : blocks) {
      for (String line : block) {
        if (!line.isBlank()) {
          assertThat(app).as("App.jsx").contains(line.strip());
        }
      }
    }
  }
}
