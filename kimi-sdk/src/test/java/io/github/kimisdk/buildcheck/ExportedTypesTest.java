package io.github.kimisdk.buildcheck;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The exported types grow only with a reason: {@code kimi-sdk/api/exported-types.txt} lists every
 * public type of the packages {@code io.github.kimisdk} exports (and every protected nested one),
 * and the build fails when the compiled classes hold one more or one fewer; a type added since the
 * baseline release must also be named, in a code span, in what {@code CHANGELOG.md} says since that
 * release. A removed type is japicmp's: a binary-incompatible change ({@code
 * CompatibilityGateTest}).
 */
class ExportedTypesTest {

  static final String LIST = "kimi-sdk/api/exported-types.txt";

  @Test
  void theExportedTypesAreTheCommittedList() throws Exception {
    assertThat(ClassFiles.exportedTypes(BuildTools.sdkLocation())).hasSizeGreaterThan(100);
    ExportedTypes.assertListed(BuildTools.sdkLocation(), Compat.root().resolve(LIST), LIST);
  }

  @Test
  void everyTypeAddedSinceTheBaselineIsNamedInTheChangelog() throws Exception {
    Path baselineJar = Compat.baselineDir().resolve("kimi-sdk-" + Compat.baseline() + ".jar");
    assertThat(
            ExportedTypes.unnamedSinceBaseline(
                BuildTools.sdkLocation(), baselineJar, Compat.sinceBaseline()))
        .as(
            "exported types added since %s that CHANGELOG.md does not name (in a code span, in what"
                + " changed since %s): say why each is public",
            Compat.baseline(), Compat.baseline())
        .isEmpty();
  }

  @Test
  void theListHoldsThePublicTypesOfExportedPackagesAndTheirProtectedNestedOnes(@TempDir Path dir)
      throws Exception {
    Map<String, String> sources = new TreeMap<>();
    sources.put("module-info.java", "module synth { exports api; }");
    sources.put(
        "api/Open.java",
        """
        package api;
        public class Open {
          public static class Nested {}
          protected static class Kept {}
          static class Hidden { public static class Inside {} }
          private interface Private {}
          public Runnable anonymous() { class Local {} return new Runnable() { public void run() {} }; }
        }
        """);
    sources.put("api/Closed.java", "package api; class Closed { public static class Out {} }");
    sources.put("api/Ready.java", "package api; public record Ready(int x) {}");
    sources.put("internal/Secret.java", "package internal; public class Secret {}");
    assertThat(ClassFiles.exportedTypes(LayoutTest.compile(dir, sources)))
        .containsExactly("api.Open", "api.Open.Kept", "api.Open.Nested", "api.Ready");
  }

  @Test
  void aTypeIsNamedByItsNameInACodeSpan() {
    String text = "New `ChatRequest.Builder#foo()` and `io.github.kimisdk.Fresh`; Plain is prose.";
    assertThat(ExportedTypes.namedInACodeSpan(text, "ChatRequest.Builder")).isTrue();
    assertThat(ExportedTypes.namedInACodeSpan(text, "Fresh")).isTrue();
    assertThat(ExportedTypes.namedInACodeSpan(text, "Builder")).isTrue();
    assertThat(ExportedTypes.namedInACodeSpan(text, "Plain")).isFalse();
    assertThat(ExportedTypes.namedInACodeSpan(text, "Request")).isFalse();
    assertThat(ExportedTypes.namedInACodeSpan("`FreshOne`", "Fresh")).isFalse();
    assertThat(ExportedTypes.namedInACodeSpan("`A` then Plain then `B`", "Plain"))
        .as("between spans")
        .isFalse();
  }
}
