package io.github.kimisdk.flink;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.tools.JavaCompiler;
import javax.tools.ToolProvider;
import org.apache.flink.util.ExceptionUtils;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The guide's, this module's README's and the front page's SQL, as written: each {@code ```sql}
 * block's statements run in a fresh in-memory catalog with a {@code tickets} view (id, prompt),
 * {@code CREATE MODEL} executed and each query planned (which runs the provider's checks; nothing
 * is sent). The guide's {@code ```java flink} blocks compile against the Table API, and its quoted
 * planning error is the one the provider gives.
 */
class DocsSqlTest {

  private static final Path ROOT = Path.of("..");
  private static final List<Path> PAGES =
      List.of(
          ROOT.resolve("docs/flink.md"),
          ROOT.resolve("kimi-sdk-flink/README.md"),
          ROOT.resolve("README.md"));
  private static final AtomicInteger CATALOGS = new AtomicInteger();

  @TempDir Path out;

  /** The blocks of {@code page} fenced {@code ```tag}, each with its first code line's number. */
  static List<String[]> blocks(Path page, String fence) throws IOException {
    List<String> lines = Files.readAllLines(page, StandardCharsets.UTF_8);
    List<String[]> blocks = new ArrayList<>();
    for (int i = 0; i < lines.size(); i++) {
      if (lines.get(i).strip().equals(fence)) {
        int end = i + 1;
        while (!lines.get(end).strip().equals("```")) {
          end++;
        }
        blocks.add(
            new String[] {
              page.getFileName() + ":" + (i + 2), String.join("\n", lines.subList(i + 1, end))
            });
        i = end;
      }
    }
    return blocks;
  }

  @Test
  void everySqlBlockRunsAsWritten() throws Exception {
    LocalFlink flink = LocalFlink.shared();
    int run = 0;
    for (Path page : PAGES) {
      for (String[] block : blocks(page, "```sql")) {
        String catalog = "docs" + CATALOGS.incrementAndGet();
        flink.env.executeSql("CREATE CATALOG " + catalog + " WITH ('type' = 'generic_in_memory')");
        flink.env.useCatalog(catalog);
        flink.prompts("tickets", List.of("The app crashes on start"));
        for (String statement : block[1].split(";\\s*(\\n|$)")) {
          String sql = statement.strip();
          if (sql.isEmpty()) {
            continue;
          }
          try {
            if (sql.toUpperCase(Locale.ROOT).startsWith("SELECT")) {
              assertThat(flink.env.explainSql(sql)).contains("ML_PREDICT");
            } else {
              flink.env.executeSql(sql);
            }
          } catch (RuntimeException e) {
            throw new AssertionError(block[0] + ": " + sql + "\n" + e, e);
          }
          run++;
        }
      }
    }
    flink.env.useCatalog("default_catalog");
    assertThat(run).as("statements run").isGreaterThanOrEqualTo(7);
  }

  /**
   * The guide's table of a local job's Flink dependencies is the example job's: the same artifacts
   * of {@code org.apache.flink}, at the version its pom gives them.
   */
  @Test
  void theGuidesLocalJobDependenciesAreTheExampleJobs() throws Exception {
    String pom =
        Files.readString(
            ROOT.resolve("kimi-sdk-examples/flink-sql/pom.xml"), StandardCharsets.UTF_8);
    Matcher version = Pattern.compile("<flink.version>([^<]+)</flink.version>").matcher(pom);
    assertThat(version.find()).isTrue();
    Map<String, String> inPom = new TreeMap<>();
    Matcher dependency =
        Pattern.compile(
                "<groupId>org\\.apache\\.flink</groupId>\\s*<artifactId>([^<]+)</artifactId>"
                    + "\\s*<version>([^<]+)</version>")
            .matcher(pom);
    while (dependency.find()) {
      inPom.put(
          dependency.group(1), dependency.group(2).replace("${flink.version}", version.group(1)));
    }
    Map<String, String> inGuide = new TreeMap<>();
    boolean table = false;
    for (String line : Files.readAllLines(ROOT.resolve("docs/flink.md"), StandardCharsets.UTF_8)) {
      if (line.startsWith("| artifact (`org.apache.flink`)")) {
        table = true;
      } else if (table && !line.startsWith("|")) {
        break;
      } else if (table && !line.startsWith("|---")) {
        String[] cells = line.split("\\|");
        String artifact = cells[1].strip();
        artifact = artifact.substring(artifact.lastIndexOf('`', artifact.length() - 2) + 1);
        inGuide.put(artifact.substring(0, artifact.length() - 1), cells[2].strip());
      }
    }
    assertThat(inGuide).hasSize(6).isEqualTo(inPom);
  }

  @Test
  void theGuidesPlanningErrorIsTheOneGiven() throws Exception {
    List<String[]> texts = blocks(ROOT.resolve("docs/flink.md"), "```text");
    String quoted =
        texts.stream()
            .map(b -> b[1])
            .filter(t -> t.startsWith("Kimi would refuse"))
            .findFirst()
            .orElseThrow();
    LocalFlink flink = LocalFlink.shared();
    flink.prompts("k3tickets", List.of("anything"));
    flink.env.executeSql(
        "CREATE TEMPORARY MODEL k3hot INPUT (prompt STRING) OUTPUT (answer STRING) WITH"
            + " ('provider' = 'kimi', 'model' = 'kimi-k3', 'thinking' = 'enabled',"
            + " 'temperature' = '0.3')");

    assertThatThrownBy(
            () ->
                flink.env.explainSql(
                    "SELECT * FROM ML_PREDICT(TABLE k3tickets, MODEL k3hot, DESCRIPTOR(prompt))"))
        .satisfies(e -> assertThat(ExceptionUtils.stringifyException(e)).contains(quoted));
  }

  @Test
  void theGuidesJavaBlocksCompile() throws Exception {
    List<String[]> blocks = blocks(ROOT.resolve("docs/flink.md"), "```java flink");
    assertThat(blocks).isNotEmpty();
    StringBuilder source =
        new StringBuilder(
            "import org.apache.flink.table.api.*;\n"
                + "class GuideSnippets {\n"
                + "  TableEnvironment tableEnv;\n");
    for (int i = 0; i < blocks.size(); i++) {
      source.append("  void block").append(i).append("() {\n").append(blocks.get(i)[1]);
      source.append("\n  }\n");
    }
    source.append("}\n");
    Path file = out.resolve("GuideSnippets.java");
    Files.writeString(file, source);
    JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
    java.io.StringWriter errors = new java.io.StringWriter();
    int status =
        javac.run(
            null,
            null,
            new java.io.PrintStream(
                new java.io.OutputStream() {
                  @Override
                  public void write(int b) {
                    errors.write(b);
                  }
                },
                true,
                StandardCharsets.UTF_8),
            "-proc:none",
            "-d",
            out.toString(),
            "-cp",
            System.getProperty("java.class.path"),
            file.toString());
    assertThat(status).as(errors.toString()).isZero();
  }
}
