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
    Matcher jar =
        Pattern.compile("kimi-sdk(?:-examples|-testing)?-(\\d[^\\s/:]*?)\\.jar").matcher(readme);
    while (jar.find()) {
      seen.add(jar.group(1).replaceFirst("-(sources|javadoc|standalone)$", ""));
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
        .contains("kimi-sdk/target/kimi-sdk-" + version + ".jar")
        .contains("kimi-sdk-testing/target/kimi-sdk-testing-" + version + ".jar");
  }

  /**
   * The README's dependency and plugin snippets are the standalone project's, and its third, the
   * test server's dependency, is kimi-sdk-testing's README's; the standalone project holds that one
   * too, at compile scope (its program asks the fake when no key is set).
   */
  @Test
  void theMavenSnippetsAreTheStandaloneProjectsOwn() throws IOException {
    String pom = squeeze(Files.readString(STANDALONE_POM, StandardCharsets.UTF_8));
    List<String> xml = blocks(readme(), "xml");
    assertThat(xml).hasSize(3);
    assertThat(squeeze(xml.get(0)))
        .startsWith("<dependency> <groupId>io.github.kimisdk</groupId>")
        .contains("<version>" + projectVersion() + "</version>");
    assertThat(squeeze(xml.get(1))).contains("<cleanupDaemonThreads>false</cleanupDaemonThreads>");
    for (String snippet : xml.subList(0, 2)) {
      assertThat(pom)
          .as("standalone/pom.xml holds the README's snippet")
          .contains(squeeze(snippet));
    }
    String testing = squeeze(xml.get(2));
    assertThat(testing)
        .contains("<artifactId>kimi-sdk-testing</artifactId>")
        .contains("<version>" + projectVersion() + "</version>")
        .endsWith("<scope>test</scope> </dependency>");
    String moduleReadme =
        Files.readString(ROOT.resolve("kimi-sdk-testing/README.md"), StandardCharsets.UTF_8);
    assertThat(blocks(moduleReadme, "xml")).map(ReadmeInStepTest::squeeze).contains(testing);
    assertThat(pom).contains(testing.replace(" <scope>test</scope>", ""));
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

  /**
   * Where README.md says which build runs a test class, the class's {@code @Tag("slow")} agrees: a
   * test named in a paragraph (or a paragraph and the list it introduces) that speaks of the
   * default {@code mvn -B verify} must not be tagged slow, unless its own sentence or list item
   * says {@code slow}; one whose sentence or item says {@code slow} must be tagged slow (the class
   * or one of its tests). The "Changes" section, which is history, is left out.
   */
  @Test
  void everyTestTheReadmeSaysABuildRunsIsTaggedForThatBuild() throws IOException {
    String readme = readme();
    readme = readme.substring(0, readme.indexOf("\n## Changes"));
    List<String> wrong = new ArrayList<>();
    int claims = 0;
    for (String unit : claimUnits(readme)) {
      boolean defaultBuild = DEFAULT_BUILD.matcher(unit).find();
      for (String scope : scopes(unit)) {
        Matcher test = TEST_CLASS.matcher(scope);
        while (test.find()) {
          boolean slow = scope.contains("slow");
          if (!slow && !defaultBuild) {
            continue; // no claim about a build
          }
          claims++;
          String name = test.group(1);
          String source = testSource(name);
          if (source == null) {
            wrong.add(name + ": README says a build runs it, but there is no such test class");
          } else if (slow && !source.contains("@Tag(\"slow\")")) {
            wrong.add(name + ": README says it runs with -P slow, but it is not tagged slow");
          } else if (!slow && classTaggedSlow(source, name)) {
            wrong.add(
                name
                    + ": README says mvn -B verify runs it, but it is tagged slow: \""
                    + scope
                    + "\"");
          }
        }
      }
    }
    assertThat(claims).as("README's claims about which build runs a test").isGreaterThan(5);
    assertThat(wrong).isEmpty();
  }

  @Test
  void aClaimThatTheDefaultBuildRunsASlowTestIsCaught() throws IOException {
    String drifted =
        "Tested by `.ci/run`. `mvn -B verify` checks all of this, and fails when:\n\n"
            + "- the image does not run (`JlinkImageTest`);\n"
            + "- the Quickstart does not run (`LaunchModesTest`).\n";
    List<String> units = claimUnits(drifted);
    assertThat(units).hasSize(1);
    assertThat(scopes(units.get(0)))
        .hasSize(4)
        .contains("- the image does not run (`JlinkImageTest`);");
    assertThat(classTaggedSlow(testSource("JlinkImageTest"), "JlinkImageTest")).isTrue();
    assertThat(classTaggedSlow(testSource("LaunchModesTest"), "LaunchModesTest")).isFalse();
  }

  static final Pattern DEFAULT_BUILD = Pattern.compile("`mvn -B (?:clean )?verify`");
  static final Pattern TEST_CLASS = Pattern.compile("`(?:[\\w./-]*/)?([A-Z]\\w*Test)`");

  /**
   * Splits Markdown into claim units: paragraphs, where a paragraph that ends with a colon takes
   * the list after it along. Fenced code blocks are left out.
   */
  static List<String> claimUnits(String markdown) {
    String prose = markdown.replaceAll("(?ms)^```.*?^```$", "");
    List<String> units = new ArrayList<>();
    StringBuilder current = new StringBuilder();
    for (String block : prose.split("\n\\s*\n")) {
      if (block.strip().startsWith("- ") && current.toString().strip().endsWith(":")) {
        current.append('\n').append(block.strip());
      } else {
        if (!current.toString().isBlank()) {
          units.add(current.toString().strip());
        }
        current = new StringBuilder(block);
      }
    }
    if (!current.toString().isBlank()) {
      units.add(current.toString().strip());
    }
    return units;
  }

  /** A unit's list items, and the sentences of its other text. */
  static List<String> scopes(String unit) {
    List<String> out = new ArrayList<>();
    String[] parts = unit.split("\n(?=- )");
    for (int i = 0; i < parts.length; i++) {
      if (i > 0 || parts[i].startsWith("- ")) {
        out.add(parts[i]);
      } else {
        for (String sentence : parts[i].split("(?<=[.;:])\\s+(?=[A-Z`(])")) {
          out.add(sentence);
        }
      }
    }
    return out;
  }

  /** The source of the test class {@code name} in any module of the repository, or null. */
  static String testSource(String name) throws IOException {
    try (java.util.stream.Stream<Path> files = Files.walk(ROOT)) {
      Path found =
          files
              .filter(p -> p.getFileName().toString().equals(name + ".java"))
              .filter(p -> p.toString().contains("src" + java.io.File.separator + "test"))
              .filter(p -> !p.toString().contains(java.io.File.separator + "target"))
              .findFirst()
              .orElse(null);
      return found == null ? null : Files.readString(found, StandardCharsets.UTF_8);
    }
  }

  /** Whether the class itself (not only some of its tests) is tagged slow. */
  static boolean classTaggedSlow(String source, String name) {
    int declaration = source.indexOf("class " + name);
    int tag = source.indexOf("@Tag(\"slow\")");
    return tag >= 0 && declaration >= 0 && tag < declaration;
  }

  @Test
  void theLoggingPropertiesShownAreTheExamplesFile() throws IOException {
    assertThat(blocks(readme(), "properties"))
        .containsExactly(Files.readString(Path.of("logging.properties"), StandardCharsets.UTF_8));
  }
}
