package io.github.kimisdk.buildcheck;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The compatibility gate's baseline and its reading of the changelog ({@code compat/README.md}).
 * japicmp, in the build, compares each published jar with the baseline's and fails on a
 * binary-incompatible change that neither the baseline's {@code excludes.txt} nor the changelog's
 * "Breaking changes" since the baseline names; these tests hold what it reads: the baseline files
 * as {@code compat/baseline.sh} wrote them, and the changelog read by the rules of {@link Compat}.
 */
class CompatibilityGateTest {

  @Test
  void theBaselineIsTheReleaseThePomNamesAndEachFileIsAsItsChecksumSays() throws Exception {
    Path dir = Compat.baselineDir();
    assertThat(dir).as("compat/baseline.sh %s writes it", Compat.baseline()).isDirectory();
    assertThat(Files.readAllLines(dir.resolve("SOURCE")))
        .contains(
            "version=" + Compat.baseline(), "command=compat/baseline.sh " + Compat.baseline());

    Map<String, String> listed = new TreeMap<>();
    for (String line : Files.readAllLines(dir.resolve("SHA256SUMS"))) {
      String[] parts = line.split(" +", 2);
      listed.put(parts[1].replaceFirst("^\\*", ""), parts[0]);
    }
    Map<String, String> actual = new TreeMap<>();
    try (Stream<Path> files = Files.list(dir)) {
      for (Path f : files.filter(f -> !f.endsWith("SHA256SUMS")).toList()) {
        actual.put(f.getFileName().toString(), sha256(f));
      }
    }
    assertThat(actual)
        .as("%s: every file, as SHA256SUMS lists it (regenerate with compat/baseline.sh)", dir)
        .isEqualTo(listed);
  }

  @Test
  void theBaselineHoldsTheJarAndPomOfEveryArtifactItsBomLists() throws Exception {
    Path dir = Compat.baselineDir();
    String v = Compat.baseline();
    List<String> artifacts =
        PublishedPomsTest.managed(Files.readString(dir.resolve("kimi-sdk-bom-" + v + ".pom")))
            .stream()
            .map(PublishedPomsTest.Dependency::artifactId)
            .distinct()
            .toList();
    assertThat(artifacts).contains("kimi-sdk", "kimi-sdk-testing", "kimi-sdk-spring-ai-starter");
    for (String a : artifacts) {
      assertThat(dir.resolve(a + "-" + v + ".jar")).isRegularFile();
      assertThat(dir.resolve(a + "-" + v + ".pom")).isRegularFile();
    }
  }

  @Test
  void theBaselineKeepsChatRequestsCanonicalConstructorOutOfThePromise() throws Exception {
    Path jar = Compat.baselineDir().resolve("kimi-sdk-" + Compat.baseline() + ".jar");
    byte[] request = ClassFiles.classFiles(jar).get("io/github/kimisdk/chat/ChatRequest.class");
    String parameters = String.join(",", ClassFiles.recordComponentTypes(request));
    assertThat(Compat.baselineExcludes())
        .as("the canonical constructor of the baseline's ChatRequest, erased, as japicmp names it")
        .contains("io.github.kimisdk.chat.ChatRequest#ChatRequest(" + parameters + ")");
  }

  @Test
  void theBuildReadsTheBreakingChangesThisReaderReads() throws Exception {
    String read = System.getProperty("kimisdk.compat.excludes");
    assumeTrue(read != null, "run by Maven, which passes the build's reading");
    List<String> build =
        new ArrayList<>(Arrays.asList(read.replaceFirst("^excludes=", "").split(";")));
    build.removeIf(String::isEmpty);
    assertThat(build)
        .as("the root pom's reading (compatExcludes), the baseline's excludes first")
        .startsWith(Compat.baselineExcludes().toArray(String[]::new));
    assertThat(build.subList(Compat.baselineExcludes().size(), build.size()))
        .isEqualTo(Compat.breakingChanges(Compat.sinceBaseline()));
  }

  @Test
  void whatChangedSinceAReleaseIsTheTextAboveItsHeading() {
    List<String> changelog =
        List.of(
            "# Changelog",
            "## 0.2.0 (unreleased)",
            "new",
            "## 0.1.01",
            "not a heading of 0.1.0",
            "## 0.1.0 (2026-12-01)",
            "old");
    assertThat(Compat.sinceBaseline(changelog, "0.1.0"))
        .containsExactly(changelog.subList(0, 5).toArray(String[]::new));
    assertThat(Compat.sinceBaseline(changelog, "0.2.0")).containsExactly("# Changelog");
    assertThat(Compat.sinceBaseline(List.of("# Changelog", "## 0.1.0", "x"), "0.1.0"))
        .containsExactly("# Changelog");
    assertThat(Compat.sinceBaseline(changelog, "0.0.9"))
        .as("no heading of the release: nothing is accepted")
        .isEmpty();
  }

  @Test
  void anAcceptedBreakIsTheFirstCodeSpanOfABulletUnderBreakingChanges() {
    List<String> lines =
        List.of(
            "## 0.2.0 (unreleased)",
            "- `io.github.kimisdk.Other#notAccepted()`: under no heading",
            "### Breaking changes",
            "",
            "Accepted by the compatibility gate:",
            "",
            "- `io.github.kimisdk.KimiClient#isAvailable()`: removed; `ping().isOk()` says the",
            "  same, `io.github.kimisdk.Continued#line()` is not an entry.",
            "- `kimi-sdk-bom lists io.github.kimisdk:kimi-sdk-redis`: moved.",
            "- no code span first, `io.github.kimisdk.X`",
            "-`io.github.kimisdk.NoSpace`",
            "* `io.github.kimisdk.OtherBullet`",
            "- ``: empty",
            "### Added",
            "- `io.github.kimisdk.Added`: new",
            "### Breaking changes ",
            "- `io.github.kimisdk.chat.ChatRequest`: a second section");
    assertThat(Compat.breakingChanges(lines))
        .containsExactly(
            "io.github.kimisdk.KimiClient#isAvailable()",
            "kimi-sdk-bom lists io.github.kimisdk:kimi-sdk-redis",
            "io.github.kimisdk.chat.ChatRequest");
  }

  private static String sha256(Path file) throws Exception {
    return HexFormat.of()
        .formatHex(MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(file)));
  }
}
