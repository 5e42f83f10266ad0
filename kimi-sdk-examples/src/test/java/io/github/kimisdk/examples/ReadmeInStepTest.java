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
 * What README.md says about depending on the SDK matches the build: the version everywhere it
 * appears, the Maven and exec-maven-plugin snippets (they are the standalone project's own), and
 * the logging.properties it shows.
 */
class ReadmeInStepTest {

  static final Path ROOT = Path.of("..");
  static final Path STANDALONE_POM = Path.of("standalone", "pom.xml");

  /** The project's version, from the parent pom. */
  static String projectVersion() throws IOException {
    String pom = Files.readString(ROOT.resolve("pom.xml"), StandardCharsets.UTF_8);
    Matcher m =
        Pattern.compile("<artifactId>kimi-sdk-parent</artifactId>\\s*<version>([^<]+)</version>")
            .matcher(pom);
    assertThat(m.find()).as("the parent pom's version").isTrue();
    return m.group(1);
  }

  static String readme() throws IOException {
    return Files.readString(ReadmeSnippetsTest.README, StandardCharsets.UTF_8);
  }

  /** The contents of the fenced blocks with the given language, in order. */
  static List<String> blocks(String markdown, String language) {
    List<String> out = new ArrayList<>();
    Matcher m =
        Pattern.compile("(?m)^```" + Pattern.quote(language) + "\\n(.*?)^```$", Pattern.DOTALL)
            .matcher(markdown);
    while (m.find()) {
      out.add(m.group(1));
    }
    return out;
  }

  static String squeeze(String xml) {
    return xml.replaceAll("\\s+", " ").strip();
  }

  @Test
  void everyVersionTheReadmeNamesIsThePoms() throws IOException {
    String version = projectVersion();
    String readme = readme();
    List<String> seen = new ArrayList<>();
    Matcher jar = Pattern.compile("kimi-sdk(?:-examples)?-(\\d[^\\s/:]*?)\\.jar").matcher(readme);
    while (jar.find()) {
      seen.add(jar.group(1).replaceFirst("-(sources|javadoc)$", ""));
    }
    Matcher other =
        Pattern.compile(
                "(?:<version>|io\\.github\\.kimisdk:kimi-sdk:|kimi-sdk-java/)([^<\"\\s},]+)")
            .matcher(readme);
    while (other.find()) {
      if (!other.group(1).equals("3.5.0")) { // the exec-maven-plugin's version
        seen.add(other.group(1));
      }
    }
    assertThat(seen).hasSizeGreaterThan(8).containsOnly(version);
    assertThat(readme)
        .contains("implementation(\"io.github.kimisdk:kimi-sdk:" + version + "\")")
        .contains("<version>" + version + "</version>");
    assertThat(Files.readString(Path.of("kimi.jsh"), StandardCharsets.UTF_8))
        .contains("kimi-sdk/target/kimi-sdk-" + version + ".jar");
  }

  @Test
  void theMavenSnippetsAreTheStandaloneProjectsOwn() throws IOException {
    String pom = squeeze(Files.readString(STANDALONE_POM, StandardCharsets.UTF_8));
    List<String> xml = blocks(readme(), "xml");
    assertThat(xml).hasSize(2);
    assertThat(squeeze(xml.get(0)))
        .startsWith("<dependency> <groupId>io.github.kimisdk</groupId>")
        .contains("<version>" + projectVersion() + "</version>");
    assertThat(squeeze(xml.get(1))).contains("<cleanupDaemonThreads>false</cleanupDaemonThreads>");
    for (String snippet : xml) {
      assertThat(pom)
          .as("standalone/pom.xml holds the README's snippet")
          .contains(squeeze(snippet));
    }
  }

  /** The 1-based line of the first line that is {@code text} exactly, or -1. */
  static int lineOf(List<String> lines, String text) {
    return lines.indexOf(text) + 1 == 0 ? -1 : lines.indexOf(text) + 1;
  }

  @Test
  void theReadmeOpensWithUsageAndTheTwoCommands() throws IOException {
    List<String> lines = readme().lines().toList();
    int firstJava = lineOf(lines, "```java");
    assertThat(firstJava).as("the first ```java block's line").isBetween(1, 60);
    assertThat(lines.subList(firstJava, firstJava + 3))
        .as("the first code a reader meets makes a KimiClient")
        .anyMatch(l -> l.contains("KimiClient kimi = KimiClient."));
    assertThat(lineOf(lines, "mvn -B -q -pl kimi-sdk-examples -am compile exec:java"))
        .as("the main example's command")
        .isBetween(1, 100);
    assertThat(lineOf(lines, "mvn -B verify")).as("the test command").isBetween(1, 100);
    assertThat(lineOf(lines, "## Contents")).as("a table of contents").isBetween(1, 100);
    // what contributors need comes after every section a user needs
    int lastUserSection = lineOf(lines, "## MCP servers (Model Context Protocol)");
    assertThat(lastUserSection).isPositive();
    for (String contributors :
        List.of("## Building and testing", "## Build rules", "## Architecture", "## Changes")) {
      assertThat(lineOf(lines, contributors)).as(contributors).isGreaterThan(lastUserSection);
    }
    // every link of the table of contents points at a heading
    String readme = readme();
    int start = readme.indexOf("## Contents");
    String toc = readme.substring(start, readme.indexOf("\n## ", start + 1));
    Matcher link = Pattern.compile("\\]\\(#([a-z0-9-]+)\\)").matcher(toc);
    List<String> anchors = new ArrayList<>();
    for (String l : lines) {
      if (l.startsWith("## ") || l.startsWith("### ")) {
        anchors.add(
            l.replaceFirst("^#+ ", "")
                .toLowerCase(java.util.Locale.ROOT)
                .replaceAll("[^a-z0-9 -]", "")
                .replace(' ', '-'));
      }
    }
    int links = 0;
    while (link.find()) {
      links++;
      assertThat(anchors).as("the heading of #" + link.group(1)).contains(link.group(1));
    }
    assertThat(links).isGreaterThan(10);
  }

  @Test
  void theLoggingPropertiesShownAreTheExamplesFile() throws IOException {
    assertThat(blocks(readme(), "properties"))
        .containsExactly(Files.readString(Path.of("logging.properties"), StandardCharsets.UTF_8));
  }
}
