package io.github.kimisdk.buildcheck;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The published POMs keep what the baseline release's promised, the part of the compatibility gate
 * japicmp cannot see ({@code compat/README.md}): {@code kimi-sdk-bom} still lists every artifact it
 * listed, and each artifact still brings every dependency it brought to an application (compile or
 * runtime scope, not optional), which is all {@code kimi-sdk-spring-ai-starter}, a jar without
 * classes, promises. A break is accepted when the changelog's "Breaking changes" since the baseline
 * name it as this test does: {@code kimi-sdk-bom lists GROUP:ARTIFACT[:CLASSIFIER]} or {@code
 * ARTIFACT depends on GROUP:ARTIFACT[:CLASSIFIER]}.
 */
class PublishedPomsTest {

  /** One entry of a POM's dependency list, as far as the gate compares it. */
  record Dependency(
      String groupId, String artifactId, String classifier, String scope, boolean optional) {

    /** {@code GROUP:ARTIFACT}, and {@code :CLASSIFIER} when there is one. */
    String coordinates() {
      return groupId + ":" + artifactId + (classifier.isEmpty() ? "" : ":" + classifier);
    }

    /** Whether an application that depends on the POM gets it: compile or runtime, not optional. */
    boolean reachesTheApplication() {
      return !optional && (scope.equals("compile") || scope.equals("runtime"));
    }
  }

  private static final Pattern COMMENT = Pattern.compile("<!--.*?-->", Pattern.DOTALL);
  private static final Pattern DEPENDENCY =
      Pattern.compile("<dependency>(.*?)</dependency>", Pattern.DOTALL);

  @Test
  void theBomStillListsEveryArtifactOfTheBaseline() throws Exception {
    String v = Compat.baseline();
    String baseline = Files.readString(Compat.baselineDir().resolve("kimi-sdk-bom-" + v + ".pom"));
    String current = Files.readString(Compat.root().resolve("kimi-sdk-bom/pom.xml"));
    assertThat(breaks("kimi-sdk-bom", managed(baseline), managed(current), accepted()))
        .as(
            "artifacts kimi-sdk-bom %s listed that it no longer lists; a break unless CHANGELOG.md"
                + " names it under \"%s\" (compat/README.md)",
            v, Compat.BREAKING_CHANGES)
        .isEmpty();
  }

  @Test
  void eachArtifactStillBringsEveryDependencyOfTheBaseline() throws Exception {
    String v = Compat.baseline();
    List<String> found = new ArrayList<>();
    for (Dependency artifact :
        managed(Files.readString(Compat.baselineDir().resolve("kimi-sdk-bom-" + v + ".pom")))) {
      if (!artifact.classifier().isEmpty()) {
        continue; // the same POM as the artifact's own
      }
      String a = artifact.artifactId();
      Path module = Compat.root().resolve(a).resolve("pom.xml");
      if (!Files.isRegularFile(module)) {
        continue; // gone: the BOM's check names it
      }
      String baseline = Files.readString(Compat.baselineDir().resolve(a + "-" + v + ".pom"));
      found.addAll(
          breaks(a, dependencies(baseline), dependencies(Files.readString(module)), accepted()));
    }
    assertThat(found)
        .as(
            "dependencies the %s artifacts brought to an application that they no longer bring; a"
                + " break unless CHANGELOG.md names it under \"%s\" (compat/README.md)",
            v, Compat.BREAKING_CHANGES)
        .isEmpty();
  }

  @Test
  void aDependencyDroppedNarrowedOrMadeOptionalIsABreakUnlessTheChangelogNamesIt() {
    String baseline =
        pom(
            dep("org.example", "kept", "", ""),
            dep("org.example", "dropped", "", ""),
            dep("org.example", "narrowed", "", ""),
            dep("org.example", "optional", "", ""),
            dep("org.example", "runtime", "", "<scope>runtime</scope>"),
            dep("org.example", "classified", "tests", ""),
            dep("org.example", "accepted", "", ""),
            dep("org.example", "was-test", "", "<scope>test</scope>"),
            dep("org.example", "was-optional", "", "<optional>true</optional>"));
    String current =
        pom(
                dep("org.example", "kept", "", "<!-- <scope>test</scope> -->"),
                dep("org.example", "narrowed", "", "<scope>provided</scope>"),
                dep("org.example", "optional", "", "<optional>true</optional>"),
                dep("org.example", "runtime", "", "<scope>compile</scope>"),
                dep("org.example", "classified", "", ""),
                dep("org.example", "added", "", ""))
            + "<!-- <dependency><groupId>org.example</groupId><artifactId>dropped</artifactId>"
            + "</dependency> -->";
    assertThat(
            breaks(
                "lib",
                dependencies(baseline),
                dependencies(current),
                List.of(
                    "lib depends on org.example:accepted", "other depends on org.example:kept")))
        .containsExactly(
            "lib depends on org.example:dropped",
            "lib depends on org.example:narrowed",
            "lib depends on org.example:optional",
            "lib depends on org.example:classified:tests");
  }

  @Test
  void anArtifactTheBomNoLongerListsIsABreakUnlessTheChangelogNamesIt() {
    String baseline =
        "<dependencyManagement><dependencies>"
            + dep("io.github.kimisdk", "kept", "", "")
            + dep("io.github.kimisdk", "kept", "standalone", "")
            + dep("io.github.kimisdk", "dropped", "", "")
            + dep("io.github.kimisdk", "accepted", "", "")
            + "</dependencies></dependencyManagement>";
    String current =
        "<dependencyManagement><dependencies>"
            + dep("io.github.kimisdk", "kept", "", "")
            + dep("io.github.kimisdk", "new", "", "")
            + "</dependencies></dependencyManagement>"
            + "<build><plugins><plugin><dependencies>"
            + dep("io.github.kimisdk", "dropped", "", "")
            + "</dependencies></plugin></plugins></build>";
    assertThat(
            breaks(
                "kimi-sdk-bom",
                managed(baseline),
                managed(current),
                List.of("kimi-sdk-bom lists io.github.kimisdk:accepted")))
        .containsExactly(
            "kimi-sdk-bom lists io.github.kimisdk:kept:standalone",
            "kimi-sdk-bom lists io.github.kimisdk:dropped");
  }

  /**
   * Returns each entry of {@code baseline} that reached the application and is missing from {@code
   * current} (or no longer reaches it), named as the changelog accepts it, unless {@code accepted}
   * names it: {@code ARTIFACT lists ...} for a BOM, {@code ARTIFACT depends on ...} otherwise.
   */
  static List<String> breaks(
      String artifact,
      Collection<Dependency> baseline,
      Collection<Dependency> current,
      Collection<String> accepted) {
    String verb = artifact.endsWith("-bom") ? " lists " : " depends on ";
    List<String> out = new ArrayList<>();
    for (Dependency d : baseline) {
      if (!d.reachesTheApplication()) {
        continue;
      }
      boolean kept =
          current.stream()
              .anyMatch(c -> c.coordinates().equals(d.coordinates()) && c.reachesTheApplication());
      String name = artifact + verb + d.coordinates();
      if (!kept && !accepted.contains(name)) {
        out.add(name);
      }
    }
    return out;
  }

  /** The entries of a POM's {@code <dependencyManagement>}: a BOM's list. */
  static List<Dependency> managed(String pom) {
    String text = COMMENT.matcher(pom).replaceAll("");
    int start = text.indexOf("<dependencyManagement>");
    int end = text.indexOf("</dependencyManagement>");
    return start < 0 || end < start ? List.of() : read(text.substring(start, end));
  }

  /** The entries of a POM's own {@code <dependencies>}, outside its management and its build. */
  static List<Dependency> dependencies(String pom) {
    String text = COMMENT.matcher(pom).replaceAll("");
    text = text.replaceAll("(?s)<dependencyManagement>.*?</dependencyManagement>", "");
    text = text.replaceAll("(?s)<build>.*?</build>", "");
    text = text.replaceAll("(?s)<profiles>.*?</profiles>", "");
    return read(text);
  }

  private static List<Dependency> read(String text) {
    List<Dependency> out = new ArrayList<>();
    Matcher m = DEPENDENCY.matcher(text);
    while (m.find()) {
      String d = m.group(1);
      out.add(
          new Dependency(
              element(d, "groupId", ""),
              element(d, "artifactId", ""),
              element(d, "classifier", ""),
              element(d, "scope", "compile"),
              element(d, "optional", "false").equals("true")));
    }
    return out;
  }

  private static String element(String xml, String name, String absent) {
    Matcher m = Pattern.compile("<" + name + ">\\s*([^<]*?)\\s*</" + name + ">").matcher(xml);
    return m.find() ? m.group(1) : absent;
  }

  private static List<String> accepted() throws Exception {
    return Compat.breakingChanges(Compat.sinceBaseline());
  }

  private static String pom(String... dependencies) {
    return "<project><dependencies>" + String.join("", dependencies) + "</dependencies></project>";
  }

  private static String dep(String group, String artifact, String classifier, String more) {
    return "<dependency><groupId>"
        + group
        + "</groupId><artifactId>"
        + artifact
        + "</artifactId>"
        + (classifier.isEmpty() ? "" : "<classifier>" + classifier + "</classifier>")
        + more
        + "</dependency>";
  }
}
