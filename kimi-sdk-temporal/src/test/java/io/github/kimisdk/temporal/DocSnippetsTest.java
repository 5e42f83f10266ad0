package io.github.kimisdk.temporal;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import javax.tools.JavaCompiler;
import javax.tools.ToolProvider;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The {@code ```java temporal} blocks of docs/temporal.md and this module's README compile against
 * the module and Temporal's SDK (the repository's own snippet test skips them: it has no Temporal).
 * Each block is the body of a method in a class of its own, with the imports the blocks show and
 * what every block may use undeclared: {@code kimi} (a client), {@code agent}, {@code transfer} (a
 * tool), {@code client} (a {@code WorkflowClient}) and {@code service} (its stubs).
 */
class DocSnippetsTest {
  static final List<Path> PAGES =
      List.of(Path.of("..", "docs", "temporal.md"), Path.of("README.md"));
  static final String FENCE = "```java temporal";

  @TempDir Path dir;

  @Test
  void everyTemporalSnippetOfTheGuideAndTheReadmeCompiles() throws Exception {
    Set<String> imports =
        new LinkedHashSet<>(
            List.of(
                "import java.util.*;",
                "import java.time.*;",
                "import io.github.kimisdk.*;",
                "import io.github.kimisdk.chat.*;"));
    List<String> bodies = new ArrayList<>();
    for (Path page : PAGES) {
      List<String> lines = Files.readAllLines(page, StandardCharsets.UTF_8);
      for (int i = 0; i < lines.size(); i++) {
        if (!lines.get(i).strip().equals(FENCE)) {
          continue;
        }
        StringBuilder body = new StringBuilder();
        for (i++; !lines.get(i).strip().equals("```"); i++) {
          String l = lines.get(i);
          if (l.startsWith("import ")) {
            imports.add(l.strip());
          } else {
            body.append(l).append('\n');
          }
        }
        bodies.add(body.toString());
      }
    }
    assertThat(bodies).as("the temporal snippets").hasSizeGreaterThanOrEqualTo(4);
    List<Path> sources = new ArrayList<>();
    for (int n = 0; n < bodies.size(); n++) {
      String source =
          "package snippets;\n"
              + String.join("\n", imports)
              + "\n@SuppressWarnings(\"all\")\nclass Snippet"
              + n
              + " {\n  KimiClient kimi;\n  io.github.kimisdk.agents.Agent agent;\n"
              + "  io.github.kimisdk.agents.AgentTool transfer;\n"
              + "  io.temporal.client.WorkflowClient client;\n"
              + "  io.temporal.serviceclient.WorkflowServiceStubs service;\n"
              + "  void run() throws Exception {\n"
              + bodies.get(n)
              + "  }\n}\n";
      Path file = dir.resolve("snippets").resolve("Snippet" + n + ".java");
      Files.createDirectories(file.getParent());
      Files.writeString(file, source, StandardCharsets.UTF_8);
      sources.add(file);
    }
    JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
    List<String> args =
        new ArrayList<>(
            List.of(
                "-d",
                dir.resolve("classes").toString(),
                "-cp",
                System.getProperty("java.class.path"),
                "-proc:none"));
    sources.forEach(s -> args.add(s.toString()));
    StringWriter out = new StringWriter();
    java.io.PrintStream said = // javac's output and its errors, both into out
        new java.io.PrintStream(
            new java.io.OutputStream() {
              @Override
              public void write(int b) {
                out.write(b);
              }
            },
            true,
            StandardCharsets.UTF_8);
    int rc = javac.run(null, said, said, args.toArray(String[]::new));
    assertThat(rc).as("javac said:\n%s", out).isZero();
  }
}
