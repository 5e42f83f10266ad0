package io.github.kimisdk.examples;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * README.md stays a front page: at most {@value #MAX_LINES} lines, the first code a reader meets
 * makes a client, the two fresh-clone commands and the install come first, and each path of "Pick
 * your path" opens with its dependency (the BOM import, the artifact) and shows the versions it is
 * tested with, which are the build's own.
 */
class FrontPageTest {

  /**
   * The front page's length, a design decision (DESIGN.md, CONTRIBUTING.md "Documentation"): README
   * is one screen of paths and the two commands, as the libraries people like keep theirs (OkHttp's
   * 281 lines with {@code docs/} beside it, Spring AI's 69), and a topic's detail goes into its
   * guide, a module's reference into the module's README. A README that is also the docs site is
   * edited by every feature and read past by every user; this cap is where a page of paths turns
   * into that, and a feature that reaches it moves its detail to a guide rather than shortening
   * what is there.
   */
  static final int MAX_LINES = 400;

  static List<String> lines() {
    return Docs.lines(Docs.README);
  }

  /** The 1-based number of the first line that is {@code text} exactly, or 0. */
  static int lineOf(String text) {
    return lines().indexOf(text) + 1;
  }

  @Test
  void isAtMostFourHundredLines() {
    assertThat(lines()).hasSizeLessThanOrEqualTo(MAX_LINES);
  }

  @Test
  void opensWithAClientThenTheTwoCommandsThenTheInstall() {
    int firstJava = lineOf("```java");
    assertThat(firstJava).as("the first ```java block's line").isBetween(1, 30);
    assertThat(lines().subList(firstJava, firstJava + 4))
        .as("the first code a reader meets makes a KimiClient")
        .anyMatch(l -> l.contains("KimiClient kimi = KimiClient."));
    int example = lineOf(ReadmeShellCommandsTest.MAIN_EXAMPLE);
    int tests = lineOf("mvn -B verify");
    int install = lineOf("mvn -B -P artifacts install -DskipTests");
    assertThat(example).as("the main example's command").isBetween(1, 60);
    assertThat(tests).as("the test command").isBetween(example, 60);
    assertThat(install).as("the install command").isBetween(tests, 80);
    assertThat(lineOf("## Pick your path")).isBetween(install, 90);
  }

  /** A path: its heading, the artifact it adds, and the tag of its blocks. */
  record PathSpec(String heading, String artifact, String fence) {}

  static final List<PathSpec> PATHS =
      List.of(
          new PathSpec("### Plain Java", "kimi-sdk", "xml"),
          new PathSpec("### Tools and agents", "kimi-sdk-agents", "xml"),
          new PathSpec("### Spring Boot", "kimi-sdk-spring-ai-starter", "xml spring-ai"),
          new PathSpec(
              "### LangChain4j and LangGraph4j", "kimi-sdk-langchain4j", "xml langchain4j"),
          new PathSpec("### A fleet on Redis", "kimi-sdk-redis", "xml"),
          new PathSpec("### Data pipelines on Flink", "kimi-sdk-flink", "xml"),
          new PathSpec("### Tests with the fake", "kimi-sdk-testing", "xml"));

  /**
   * Each path opens with its dependency: the first code block under its heading is the XML that
   * adds its artifact (after the BOM import, or with the path saying the BOM is imported as above),
   * so a reader who scans the paths finds what to add before how to use it, however many paths
   * there are.
   */
  @Test
  void everyPathOpensWithTheBomAndItsDependency() {
    List<String> lines = lines();
    String bom = "<artifactId>kimi-sdk-bom</artifactId>";
    for (PathSpec path : PATHS) {
      int start = lineOf(path.heading());
      assertThat(start).as(path.heading()).isPositive();
      int end = start;
      while (end < lines.size()
          && !lines.get(end).startsWith("### ")
          && !lines.get(end).startsWith("## ")) {
        end++;
      }
      String text = String.join("\n", lines.subList(start - 1, end));
      int fence = start;
      while (fence < end && !lines.get(fence).startsWith("```")) {
        fence++;
      }
      assertThat(fence).as("%s has a code block", path.heading()).isLessThan(end);
      assertThat(lines.get(fence))
          .as("%s's first code block is its dependency", path.heading())
          .isEqualTo("```" + path.fence());
      int close = fence + 1;
      while (close < end && !lines.get(close).startsWith("```")) {
        close++;
      }
      String block = String.join("\n", lines.subList(fence + 1, close));
      assertThat(block)
          .as("%s's first code block adds %s", path.heading(), path.artifact())
          .contains("<artifactId>" + path.artifact() + "</artifactId>");
      assertThat(block.contains(bom) || text.replaceAll("\\s+", " ").contains("BOM imported"))
          .as("%s imports the BOM, or says it is imported as above", path.heading())
          .isTrue();
      assertThat(text).as("%s links to its guide or reference", path.heading()).contains("](");
    }
  }

  /**
   * The Spring Boot path's dependency block names the starter of each Spring line, each under the
   * line it takes, the Boot 3.5 one commented out: a team on Boot 3.5 that copies the block sees
   * which starter to keep, and the block as copied is one starter, not two.
   */
  @Test
  void theSpringBootPathShowsTheStarterOfEachLine() {
    List<String> lines = lines();
    int start = lineOf("```xml spring-ai");
    int end = start;
    while (!lines.get(end).equals("```")) {
      end++;
    }
    String block = String.join("\n", lines.subList(start, end));
    int boot4 = block.indexOf("Spring Boot 4.0 or 4.1, Spring AI 2.0");
    int starter4 = block.indexOf("<artifactId>kimi-sdk-spring-ai-starter</artifactId>");
    int boot3 = block.indexOf("<!-- Spring Boot 3.5, Spring AI 1.1: this one instead");
    int starter3 = block.indexOf("<artifactId>kimi-sdk-spring-ai-boot3-starter</artifactId>");
    int commentEnd = block.indexOf("-->", boot3);
    assertThat(boot4).as("the Boot 4 line named").isPositive();
    assertThat(starter4).as("its starter, after it").isGreaterThan(boot4);
    assertThat(boot3).as("the Boot 3.5 line named, after").isGreaterThan(starter4);
    assertThat(starter3).as("its starter, inside the comment").isGreaterThan(boot3);
    assertThat(commentEnd).as("the comment closed after it").isGreaterThan(starter3);
  }

  @Test
  void theTestedVersionsAreTheBuildsOwn() throws IOException {
    String front = Docs.text(Docs.README);
    String spring = pom("kimi-sdk-spring-ai");
    assertThat(front)
        .contains(
            "Tested with Spring Boot "
                + property(spring, "spring-boot.version")
                + " and Spring AI "
                + property(spring, "spring-ai.version"));
    String langchain4j = pom("kimi-sdk-langchain4j");
    assertThat(front)
        .contains(
            "Tested with `langchain4j-core` "
                + property(
                    Files.readString(Docs.ROOT.resolve("pom.xml"), StandardCharsets.UTF_8),
                    "langchain4j.version"))
        .contains("as built, " + property(langchain4j, "langchain4j-oldest.version") + " (");
    // the oldest Spring pair README names is the one CI runs the tests on
    String ci = Files.readString(Docs.ROOT.resolve(".ci/run"), StandardCharsets.UTF_8);
    Matcher oldest =
        Pattern.compile("-Dspring-boot\\.version=(\\S+) -Dspring-ai\\.version=(\\S+)").matcher(ci);
    assertThat(oldest.find()).as(".ci/run runs the Spring modules on their oldest pair").isTrue();
    assertThat(front.replaceAll("\\s+", " "))
        .contains(
            "as built on Spring Boot " + oldest.group(1) + " with Spring AI " + oldest.group(2));
    // the Boot 3.5 line's starter: built on its pom's versions, its oldest Spring AI the one CI
    // runs its tests on
    String boot3 = pom("kimi-sdk-spring-ai-boot3");
    Matcher oldest3 =
        Pattern.compile(
                "-pl kimi-sdk-spring-ai-boot3,kimi-sdk-spring-ai-boot3-starter surefire:test"
                    + "\\s*\\\\?\\s*-Dspring-ai\\.version=(\\S+)")
            .matcher(ci);
    assertThat(oldest3.find())
        .as(".ci/run runs the Boot 3.5 line on its oldest Spring AI")
        .isTrue();
    assertThat(front.replaceAll("\\s+", " "))
        .contains(
            "the Boot 3.5 starter with Spring Boot "
                + property(boot3, "spring-boot.version")
                + " and Spring AI "
                + property(boot3, "spring-ai.version")
                + " and "
                + oldest3.group(1));
    assertThat(front)
        .contains("Jedis " + property(pom("kimi-sdk-redis"), "jedis.version"))
        .contains("Lettuce " + property(pom("kimi-sdk-redis"), "lettuce.version"))
        .contains(
            "Tested with Flink "
                + property(pom("kimi-sdk-flink"), "flink.version")
                + " and, as built, "
                + property(pom("kimi-sdk-flink"), "flink-oldest.version"))
        .contains(
            "LangGraph4j "
                + property(
                    Files.readString(
                        Docs.ROOT.resolve("kimi-sdk-examples/langchain4j/pom.xml"),
                        StandardCharsets.UTF_8),
                    "langgraph4j.version"));
  }

  static String pom(String module) throws IOException {
    return Files.readString(Docs.ROOT.resolve(Path.of(module, "pom.xml")), StandardCharsets.UTF_8);
  }

  static String property(String pom, String name) {
    Matcher m = Pattern.compile("<" + Pattern.quote(name) + ">([^<]+)</").matcher(pom);
    assertThat(m.find()).as("the property %s", name).isTrue();
    return m.group(1);
  }
}
