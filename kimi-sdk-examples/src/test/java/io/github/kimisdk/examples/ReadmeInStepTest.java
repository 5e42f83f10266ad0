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
 * What README.md and the guides say about depending on the SDK matches the build: the version
 * everywhere it appears, the Maven and exec-maven-plugin snippets (they are the standalone
 * project's own), which build runs a test, and the logging.properties they show.
 */
class ReadmeInStepTest {

  static final Path ROOT = Path.of("..");
  static final Path STANDALONE_POM = Path.of("standalone", "pom.xml");

  /**
   * The project's version: the parent pom's {@code revision}, which {@code .mvn/maven.config} gives
   * every build as {@code -Drevision=...}; the two must agree.
   */
  static String projectVersion() throws IOException {
    String pom = Files.readString(ROOT.resolve("pom.xml"), StandardCharsets.UTF_8);
    Matcher version =
        Pattern.compile(
                "(?s)<artifactId>kimi-sdk-parent</artifactId>\\s*(?:<!--.*?-->\\s*)?<version>")
            .matcher(pom);
    assertThat(version.find()).as("the parent pom's version element").isTrue();
    assertThat(pom.substring(version.end())).startsWith("${revision}</version>");
    Matcher m = Pattern.compile("<revision>([^<]+)</revision>").matcher(pom);
    assertThat(m.find()).as("the parent pom's revision property").isTrue();
    String config =
        Files.readString(ROOT.resolve(".mvn/maven.config"), StandardCharsets.UTF_8).strip();
    assertThat(config.split("\\s+"))
        .as(".mvn/maven.config gives the parent pom's revision")
        .contains("-Drevision=" + m.group(1));
    return m.group(1);
  }

  @Test
  void everyModuleTakesTheOneVersion() throws IOException {
    List<Path> modules = new ArrayList<>();
    try (var poms = Files.walk(ROOT)) {
      for (Path pom : poms.filter(p -> p.getFileName().toString().equals("pom.xml")).toList()) {
        String text = Files.readString(pom, StandardCharsets.UTF_8);
        if (!pom.toString().contains("target")
            && text.contains("<artifactId>kimi-sdk-parent</artifactId>")
            && !pom.normalize().equals(ROOT.resolve("pom.xml").normalize())) {
          modules.add(pom);
          assertThat(text)
              .as(pom + ": its parent's version is ${revision}, so -Drevision releases it too")
              .containsPattern(
                  "<parent>\\s*<groupId>io\\.github\\.kimisdk</groupId>\\s*"
                      + "<artifactId>kimi-sdk-parent</artifactId>\\s*<version>\\$\\{revision\\}");
        }
      }
    }
    assertThat(modules).hasSizeGreaterThanOrEqualTo(9);
  }

  /** Every page a reader reads (README.md, the guides, CONTRIBUTING.md), one after the other. */
  static String readme() throws IOException {
    return Docs.all();
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
        Pattern.compile("(?:io\\.github\\.kimisdk:kimi-sdk(?:-bom)?:|kimi-sdk-java/)([^<\"\\s},]+)")
            .matcher(readme);
    while (other.find()) {
      seen.add(other.group(1));
    }
    // a POM's <version> of an io.github.kimisdk artifact (the group named last before it); a
    // plugin's, or a reader's own project's, is another's
    Matcher pom = Pattern.compile("<version>([^<]*)</version>").matcher(readme);
    while (pom.find()) {
      int group = readme.lastIndexOf("<groupId>", pom.start());
      if (group >= 0 && readme.startsWith("<groupId>io.github.kimisdk</groupId>", group)) {
        seen.add(pom.group(1));
      }
    }
    assertThat(seen).hasSizeGreaterThan(8).containsOnly(version);
    assertThat(readme)
        .contains("platform(\"io.github.kimisdk:kimi-sdk-bom:" + version + "\")")
        .contains("<version>" + version + "</version>");
    assertThat(Files.readString(Path.of("kimi.jsh"), StandardCharsets.UTF_8))
        .contains("kimi-sdk/target/kimi-sdk-" + version + ".jar")
        .contains("kimi-sdk-testing/target/kimi-sdk-testing-" + version + ".jar");
  }

  /**
   * The plain Java path's BOM import and dependency (README.md, and docs/install.md, which shows
   * the exec-maven-plugin setting too) are the standalone project's own, and docs/install.md's
   * whole pom of a new project is the standalone project's pom (which .ci/run builds and runs on
   * the machine's Maven, 3.8.7: the snippet a new project copies works there); the test server's
   * dependency of the tests path is kimi-sdk-testing's README's, managed by the BOM; and every path
   * imports the BOM and names its artifact without a version.
   */
  @Test
  void theMavenSnippetsAreTheStandaloneProjectsOwn() throws IOException {
    String pom = squeeze(Files.readString(STANDALONE_POM, StandardCharsets.UTF_8));
    String front = Docs.text(Docs.README);
    List<String> xml = blocks(front, "xml");
    String plain = squeeze(xml.get(0));
    String bomImport = plain.substring(0, plain.indexOf("</dependencyManagement>") + 23);
    assertThat(bomImport)
        .contains("<artifactId>kimi-sdk-bom</artifactId>")
        .contains("<version>" + projectVersion() + "</version>")
        .contains("<scope>import</scope>");
    assertThat(pom).as("standalone/pom.xml imports the BOM as README shows").contains(bomImport);
    String dependency = plain.substring(plain.indexOf("</dependencyManagement>"));
    dependency = dependency.substring(dependency.indexOf("<dependency>"));
    dependency = dependency.substring(0, dependency.indexOf("</dependency>") + 13);
    assertThat(dependency)
        .contains("<artifactId>kimi-sdk</artifactId>")
        .doesNotContain("<version>");
    assertThat(pom).as("standalone/pom.xml names kimi-sdk as README shows").contains(dependency);
    List<String> install = blocks(Docs.text(Docs.page("docs/install.md")), "xml");
    assertThat(install).hasSize(3);
    assertThat(squeeze(install.get(0))).isEqualTo(plain);
    // a new project's whole pom: the standalone project's, which CI builds and runs with the Maven
    // README names (3.8, whose default compiler plugin would compile for Java 5)
    String whole = squeeze(install.get(1));
    assertThat(whole)
        .as("docs/install.md's new project's pom is standalone/pom.xml, but for its comments")
        .isEqualTo(squeeze(pom.replaceAll("(?s)<!--.*?-->", "")))
        .contains("<maven.compiler.release>17</maven.compiler.release>")
        .containsPattern(
            "<artifactId>maven-compiler-plugin</artifactId> <version>[0-9.]+</version>");
    assertThat(squeeze(install.get(2)))
        .contains("<cleanupDaemonThreads>false</cleanupDaemonThreads>");
    assertThat(pom).contains(squeeze(install.get(2)));
    // the tests path: kimi-sdk-testing at test scope, its version from the BOM
    String testing = squeeze(xml.get(xml.size() - 1));
    assertThat(testing)
        .contains("<artifactId>kimi-sdk-testing</artifactId>")
        .doesNotContain("<version>")
        .endsWith("<scope>test</scope> </dependency>");
    String moduleReadme =
        Files.readString(ROOT.resolve("kimi-sdk-testing/README.md"), StandardCharsets.UTF_8);
    assertThat(blocks(moduleReadme, "xml"))
        .map(ReadmeInStepTest::squeeze)
        .anySatisfy(b -> assertThat(b).contains("<artifactId>kimi-sdk-testing</artifactId>"));
    // every path imports the BOM and names its artifact without a version
    for (String path : List.of("spring-ai", "langchain4j")) {
      String block = squeeze(blocks(front, "xml " + path).get(0));
      assertThat(block).as("the %s path's block", path).startsWith(bomImport);
    }
  }

  /** The 1-based line of the first line that is {@code text} exactly, or -1. */
  static int lineOf(List<String> lines, String text) {
    return lines.indexOf(text) + 1 == 0 ? -1 : lines.indexOf(text) + 1;
  }

  /**
   * Where README.md says which build runs a test class, the class's tags agree: a test named in a
   * paragraph (or a paragraph and the list it introduces) that speaks of the default {@code mvn -B
   * verify} must not be tagged {@code slow} or {@code multiprocess} (the tags {@code -P slow}
   * runs), unless its own sentence or list item says {@code slow} or {@code multi-process}; one
   * whose sentence or item says so must be tagged one of them (the class or one of its tests). The
   * pages are README.md, the guides and CONTRIBUTING.md (CHANGELOG.md, which is history, is not
   * one).
   */
  @Test
  void everyTestTheReadmeSaysABuildRunsIsTaggedForThatBuild() throws IOException {
    String readme = readme();
    List<String> wrong = new ArrayList<>();
    int claims = 0;
    for (String unit : claimUnits(readme)) {
      boolean defaultBuild = DEFAULT_BUILD.matcher(unit).find();
      for (String scope : scopes(unit)) {
        Matcher test = TEST_CLASS.matcher(scope);
        while (test.find()) {
          boolean slow =
              scope.contains("slow")
                  || scope.contains("multi-process")
                  || scope.contains("multiprocess");
          if (!slow && !defaultBuild) {
            continue; // no claim about a build
          }
          claims++;
          String name = test.group(1);
          String source = testSource(name);
          if (source == null) {
            wrong.add(name + ": README says a build runs it, but there is no such test class");
          } else if (slow && APART.stream().noneMatch(source::contains)) {
            wrong.add(
                name
                    + ": README says it runs with -P slow, but it is not tagged slow or"
                    + " multiprocess");
          } else if (!slow && classTaggedSlow(source, name)) {
            wrong.add(
                name
                    + ": README says mvn -B verify runs it, but it is tagged to run apart: \""
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
    assertThat(classTaggedSlow(testSource("LaunchModesTest"), "LaunchModesTest")).isTrue();
    assertThat(classTaggedSlow(testSource("QuickstartTest"), "QuickstartTest")).isFalse();
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

  /** The tags {@code -P slow} runs, as a class's source writes them. */
  static final List<String> APART = List.of("@Tag(\"slow\")", "@Tag(\"multiprocess\")");

  /**
   * Whether the class itself (not only some of its tests) is tagged to run apart: slow or
   * multiprocess.
   */
  static boolean classTaggedSlow(String source, String name) {
    int declaration = source.indexOf("class " + name);
    for (String apart : APART) {
      int tag = source.indexOf(apart);
      if (tag >= 0 && declaration >= 0 && tag < declaration) {
        return true;
      }
    }
    return false;
  }

  /**
   * The figures the pages state about the install and the tests ("downloads N to M MB", "takes N to
   * M minutes") are README's, which .ci/run prints beside what it measures on every run: a page
   * that repeats one repeats it exactly.
   */
  @Test
  void everyPageStatesTheBuildFiguresCiMeasures() {
    Pattern figure = Pattern.compile("(downloads|takes) (\\d+) to (\\d+) (MB|minutes)");
    List<String> front = new ArrayList<>();
    Matcher m = figure.matcher(Docs.text(Docs.README).replaceAll("\\s+", " "));
    while (m.find()) {
      front.add(m.group());
    }
    assertThat(front).as("README's install and test figures").hasSize(3);
    for (Path page : Docs.pages()) {
      Matcher p = figure.matcher(Docs.text(page).replaceAll("\\s+", " "));
      while (p.find()) {
        assertThat(front).as("%s states %s", Docs.name(page), p.group()).contains(p.group());
      }
    }
  }

  @Test
  void theLoggingPropertiesShownAreTheExamplesFile() throws IOException {
    assertThat(blocks(readme(), "properties"))
        .containsExactly(Files.readString(Path.of("logging.properties"), StandardCharsets.UTF_8));
  }
}
