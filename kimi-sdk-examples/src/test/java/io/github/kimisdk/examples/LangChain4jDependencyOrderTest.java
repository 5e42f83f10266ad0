package io.github.kimisdk.examples;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.github.kimisdk.examples.ReadmeShellCommandsTest.Run;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * README's LangChain4j dependency block compiles the documented {@code chatAsync} and {@code Flow}
 * code whatever the order of the application's dependencies: two projects of a reader's own, each
 * README's block with {@code dev.langchain4j:langchain4j} 1.19.0 (the newest {@code AiServices} on
 * Maven Central, which brings {@code langchain4j-core} 1.19.0) added before, or after, {@code
 * kimi-sdk-langchain4j}, each compiling the front page's LangChain4j snippet and the code of
 * kimi-sdk-langchain4j/README.md's "Async and Flow" section. Maven picks the nearest, then the
 * first, of two versions of one artifact, so with 1.19.0 first only kimi-sdk-bom's management of
 * {@code langchain4j-core} makes the second compile. The projects are built in a copy of the
 * repository, in one nested Maven build with the modules they need (kimi-sdk, kimi-sdk-bom,
 * kimi-sdk-langchain4j), as the example projects are built against the reactor.
 */
@Tag("slow") // a nested Maven build: mvn -B -P slow verify
class LangChain4jDependencyOrderTest {

  static final String LANGCHAIN4J =
      "    <dependency>\n"
          + "      <groupId>dev.langchain4j</groupId>\n"
          + "      <artifactId>langchain4j</artifactId>\n"
          + "      <version>1.19.0</version>\n"
          + "    </dependency>\n";

  /** The blocks of a Markdown text fenced with exactly {@code fence}, in order. */
  static List<List<String>> blocks(String markdown, String fence) {
    List<List<String>> out = new ArrayList<>();
    List<String> lines = markdown.lines().toList();
    for (int i = 0; i < lines.size(); i++) {
      if (lines.get(i).strip().equals(fence)) {
        int end = i + 1;
        while (!lines.get(end).strip().equals("```")) {
          end++;
        }
        out.add(lines.subList(i + 1, end));
        i = end;
      }
    }
    return out;
  }

  /** README's LangChain4j dependency block: its dependency management and its dependencies. */
  static String readmeDependencies() {
    List<List<String>> xml = blocks(Docs.text(Docs.README), "```xml langchain4j");
    assertThat(xml).as("README.md's ```xml langchain4j blocks").hasSize(1);
    String block = String.join("\n", xml.get(0)) + "\n";
    assertThat(block)
        .contains("<artifactId>kimi-sdk-bom</artifactId>")
        .contains("<artifactId>kimi-sdk-langchain4j</artifactId>");
    return block;
  }

  /** README's block with langchain4j 1.19.0 first or last among its dependencies. */
  static String withLangchain4j(String block, boolean first) {
    int dependencies = block.indexOf("<dependencies>", block.indexOf("</dependencyManagement>"));
    assertThat(dependencies).as("the block's own <dependencies>").isPositive();
    if (first) {
      int at = block.indexOf('\n', dependencies) + 1;
      return block.substring(0, at) + LANGCHAIN4J + block.substring(at);
    }
    int at = block.lastIndexOf("</dependencies>");
    at = block.lastIndexOf('\n', at) + 1;
    return block.substring(0, at) + LANGCHAIN4J + block.substring(at);
  }

  static String pom(String artifactId, String dependencies) {
    return "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
        + "<project xmlns=\"http://maven.apache.org/POM/4.0.0\">\n"
        + "  <modelVersion>4.0.0</modelVersion>\n"
        + "  <groupId>com.example</groupId>\n"
        + "  <artifactId>"
        + artifactId
        + "</artifactId>\n"
        + "  <version>1.0</version>\n"
        + "  <properties>\n"
        + "    <maven.compiler.release>17</maven.compiler.release>\n"
        + "    <project.build.sourceEncoding>UTF-8</project.build.sourceEncoding>\n"
        + "  </properties>\n"
        + dependencies
        + "  <build>\n"
        + "    <plugins>\n"
        + "      <plugin>\n"
        + "        <groupId>org.apache.maven.plugins</groupId>\n"
        + "        <artifactId>maven-resources-plugin</artifactId>\n"
        + "        <version>3.3.1</version>\n"
        + "      </plugin>\n"
        + "      <plugin>\n"
        + "        <groupId>org.apache.maven.plugins</groupId>\n"
        + "        <artifactId>maven-compiler-plugin</artifactId>\n"
        + "        <version>3.13.0</version>\n"
        + "      </plugin>\n"
        + "    </plugins>\n"
        + "  </build>\n"
        + "</project>\n";
  }

  /**
   * The documented code as one source file: the front page's LangChain4j snippet, and the "Async
   * and Flow" section's snippets of kimi-sdk-langchain4j/README.md, each the body of a method, with
   * every snippet's imports.
   */
  static String documentedCode() {
    List<List<String>> front = blocks(Docs.text(Docs.README), "```java langchain4j");
    assertThat(front).as("README.md's ```java langchain4j blocks").hasSize(1);
    String section =
        Docs.section(
            Docs.page("kimi-sdk-langchain4j/README.md"),
            "## Async and Flow (LangChain4j 1.20 and later)");
    List<List<String>> async = blocks(section, "```java");
    assertThat(async).as("the Async and Flow section's snippets").hasSizeGreaterThanOrEqualTo(2);
    assertThat(String.join("\n", async.get(0))).contains(".chatAsync(");
    assertThat(String.join("\n", async.get(1))).contains("Flow.Publisher<ChatModelStreamingEvent>");

    Set<String> imports = new LinkedHashSet<>();
    imports.add("import dev.langchain4j.model.chat.ChatModel;"); // the section's model
    StringBuilder frontBody = new StringBuilder();
    StringBuilder asyncBody = new StringBuilder();
    for (List<String> block : front) {
      split(block, imports, frontBody);
    }
    for (List<String> block : async) {
      split(block, imports, asyncBody);
    }
    return "package com.example;\n\n"
        + String.join("\n", imports)
        + "\n\nclass Documented {\n"
        + "  void frontPage() throws Exception {\n"
        + frontBody
        + "  }\n\n"
        + "  void asyncAndFlow(ChatModel model) throws Exception {\n"
        + asyncBody
        + "  }\n"
        + "}\n";
  }

  private static void split(List<String> block, Set<String> imports, StringBuilder body) {
    for (String line : block) {
      if (line.startsWith("import ")) {
        imports.add(line.strip());
      } else {
        body.append("    ").append(line).append('\n');
      }
    }
  }

  @Test
  void theDocumentedDependencyBlockCompilesTheDocumentedCodeInBothOrders(@TempDir Path copy)
      throws Exception {
    String mavenHome = System.getProperty("kimisdk.maven.home", "");
    assumeTrue(!mavenHome.isEmpty(), "run by Maven, which passes kimisdk.maven.home");
    ReadmeShellCommandsTest.copySources(copy);
    ReadmeShellCommandsTest.mavenConfig(copy, List.of());

    Path order = copy.resolve("dependency-order");
    String block = readmeDependencies();
    String code = documentedCode();
    List<String> projects = List.of("langchain4j-first", "langchain4j-last");
    for (String project : projects) {
      Path dir = order.resolve(project);
      Files.createDirectories(dir.resolve("src/main/java/com/example"));
      String dependencies = withLangchain4j(block, project.equals("langchain4j-first"));
      Files.writeString(dir.resolve("pom.xml"), pom(project, dependencies), StandardCharsets.UTF_8);
      Files.writeString(
          dir.resolve("src/main/java/com/example/Documented.java"), code, StandardCharsets.UTF_8);
    }
    // the projects and the modules they need, built together as the example projects are
    Files.writeString(
        order.resolve("pom.xml"),
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
            + "<project xmlns=\"http://maven.apache.org/POM/4.0.0\">\n"
            + "  <modelVersion>4.0.0</modelVersion>\n"
            + "  <groupId>com.example</groupId>\n"
            + "  <artifactId>dependency-order</artifactId>\n"
            + "  <version>1.0</version>\n"
            + "  <packaging>pom</packaging>\n"
            + "  <modules>\n"
            + "    <module>../kimi-sdk</module>\n"
            + "    <module>../kimi-sdk-bom</module>\n"
            + "    <module>../kimi-sdk-langchain4j</module>\n"
            + "    <module>langchain4j-first</module>\n"
            + "    <module>langchain4j-last</module>\n"
            + "  </modules>\n"
            + "</project>\n",
        StandardCharsets.UTF_8);

    Run run =
        ReadmeShellCommandsTest.run(
            copy, "mvn -B -q -f dependency-order/pom.xml compile", mavenHome);

    assertThat(run.status()).as(run.describe()).isZero();
    for (String project : projects) {
      assertThat(order.resolve(project).resolve("target/classes/com/example/Documented.class"))
          .as(project + " compiled the documented code\n" + run.describe())
          .isRegularFile();
    }
  }

  @Test
  void langchain4jGoesFirstOrLastAmongTheBlocksDependencies() throws IOException {
    String block = readmeDependencies();
    String first = withLangchain4j(block, true);
    String last = withLangchain4j(block, false);
    String own = first.substring(first.indexOf("</dependencyManagement>"));
    assertThat(own.indexOf("<artifactId>langchain4j</artifactId>"))
        .isLessThan(own.indexOf("<artifactId>kimi-sdk-langchain4j</artifactId>"));
    own = last.substring(last.indexOf("</dependencyManagement>"));
    assertThat(own.indexOf("<artifactId>langchain4j</artifactId>"))
        .isGreaterThan(own.indexOf("<artifactId>kimi-sdk-langchain4j</artifactId>"));
    assertThat(documentedCode()).contains("class Documented").contains(".chatAsync(");
  }
}
