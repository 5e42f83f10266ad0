package io.github.kimisdk.examples;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * kimi-sdk-bom manages what the documented code needs, at the versions the modules are built on,
 * and the example projects README's paths link to depend on kimi-sdk the way README teaches: the
 * BOM imported, the artifacts named without a version.
 */
class BomInStepTest {

  static final Path ROOT = ReadmeInStepTest.ROOT;

  /** The example projects README's "Pick your path" links to, each a project of a reader's own. */
  static final List<String> PATH_PROJECTS =
      List.of(
          "kimi-sdk-examples/standalone",
          "kimi-sdk-examples/spring-boot",
          "kimi-sdk-examples/langchain4j");

  static String read(String file) throws IOException {
    return Files.readString(ROOT.resolve(file), StandardCharsets.UTF_8);
  }

  /** The version the root POM's property {@code name} holds. */
  static String rootProperty(String name) throws IOException {
    Matcher m =
        Pattern.compile("<" + Pattern.quote(name) + ">([^<]+)</" + Pattern.quote(name) + ">")
            .matcher(read("pom.xml"));
    assertThat(m.find()).as("the root POM's %s", name).isTrue();
    return m.group(1);
  }

  @Test
  void theBomManagesLangchain4jCoreAtTheVersionKimiSdkLangchain4jIsBuiltOn() throws IOException {
    String bom = read("kimi-sdk-bom/pom.xml");
    Matcher managed =
        Pattern.compile(
                "<groupId>dev\\.langchain4j</groupId>\\s*<artifactId>langchain4j-core</artifactId>"
                    + "\\s*<version>([^<]+)</version>")
            .matcher(bom);
    assertThat(managed.find()).as("kimi-sdk-bom manages langchain4j-core").isTrue();
    assertThat(managed.group(1)).isEqualTo(rootProperty("langchain4j.version"));
    assertThat(read("kimi-sdk-langchain4j/pom.xml"))
        .as("kimi-sdk-langchain4j is compiled against the root POM's langchain4j.version")
        .containsPattern(
            "<artifactId>langchain4j-core</artifactId>\\s*<version>\\$\\{langchain4j\\.version\\}")
        .doesNotContain("<langchain4j.version>1");
  }

  @Test
  void theExampleProjectsOfReadmesPathsImportTheBomAndNameNoKimiSdkVersion() throws IOException {
    String readme = read("README.md");
    List<String> unlike = new ArrayList<>();
    for (String project : PATH_PROJECTS) {
      assertThat(readme).as("README links %s", project).contains("(" + project + ")");
      String pom = read(project + "/pom.xml");
      if (!pom.matches(
          "(?s).*<dependencyManagement>.*<artifactId>kimi-sdk-bom</artifactId>.*"
              + "<type>pom</type>\\s*<scope>import</scope>.*</dependencyManagement>.*")) {
        unlike.add(project + " does not import kimi-sdk-bom");
      }
      Matcher dependency =
          Pattern.compile(
                  "<dependency>\\s*<groupId>io\\.github\\.kimisdk</groupId>\\s*"
                      + "<artifactId>(kimi-sdk[a-z0-9-]*)</artifactId>\\s*(<version>)?")
              .matcher(pom.substring(pom.indexOf("</dependencyManagement>")));
      while (dependency.find()) {
        if (dependency.group(2) != null) {
          unlike.add(project + " names a version of " + dependency.group(1));
        }
      }
      if (pom.contains("<artifactId>spring-ai-bom</artifactId>")) {
        unlike.add(project + " imports spring-ai-bom, which the starter alone does not need");
      }
    }
    assertThat(unlike).as("example projects unlike README's paths").isEmpty();
  }
}
