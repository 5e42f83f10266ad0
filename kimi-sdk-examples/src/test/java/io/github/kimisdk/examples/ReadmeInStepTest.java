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
        Pattern.compile("(?:<version>|io\\.github\\.kimisdk:kimi-sdk:|kimi-sdk-java/)([^<\"\\s]+)")
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

  @Test
  void theLoggingPropertiesShownAreTheExamplesFile() throws IOException {
    assertThat(blocks(readme(), "properties"))
        .containsExactly(Files.readString(Path.of("logging.properties"), StandardCharsets.UTF_8));
  }
}
