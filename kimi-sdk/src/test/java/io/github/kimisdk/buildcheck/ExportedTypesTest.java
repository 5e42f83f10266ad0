package io.github.kimisdk.buildcheck;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SortedSet;
import java.util.TreeMap;
import java.util.regex.Pattern;
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
    SortedSet<String> compiled = ClassFiles.exportedTypes(BuildTools.sdkLocation());
    SortedSet<String> listed = Compat.committedList(LIST);
    assertThat(compiled)
        .as("exported types of %s", BuildTools.sdkLocation())
        .hasSizeGreaterThan(100);
    assertThat(Compat.without(compiled, listed))
        .as(
            "exported types %s does not list: add each, and say in CHANGELOG.md why it is public"
                + " (CONTRIBUTING.md, \"Compatibility\")",
            LIST)
        .isEmpty();
    assertThat(Compat.without(listed, compiled))
        .as(
            "types %s lists that are no longer exported: take them off, and name the break in"
                + " CHANGELOG.md's \"%s\"",
            LIST, Compat.BREAKING_CHANGES)
        .isEmpty();
  }

  @Test
  void everyTypeAddedSinceTheBaselineIsNamedInTheChangelog() throws Exception {
    SortedSet<String> added =
        Compat.without(
            ClassFiles.exportedTypes(BuildTools.sdkLocation()),
            ClassFiles.exportedTypes(Compat.baselineSdkJar()));
    String since = String.join("\n", Compat.sinceBaseline());
    List<String> unnamed = new ArrayList<>();
    for (String type : added) {
      if (!namedInACodeSpan(since, withoutPackage(type))) {
        unnamed.add(type);
      }
    }
    assertThat(unnamed)
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
    assertThat(namedInACodeSpan(text, "ChatRequest.Builder")).isTrue();
    assertThat(namedInACodeSpan(text, "Fresh")).isTrue();
    assertThat(namedInACodeSpan(text, "Builder")).isTrue();
    assertThat(namedInACodeSpan(text, "Plain")).isFalse();
    assertThat(namedInACodeSpan(text, "Request")).isFalse();
    assertThat(namedInACodeSpan("`FreshOne`", "Fresh")).isFalse();
    assertThat(namedInACodeSpan("`A` then Plain then `B`", "Plain")).as("between spans").isFalse();
  }

  private static String withoutPackage(String canonical) {
    String[] parts = canonical.split("\\.");
    int i = 0;
    while (i < parts.length - 1 && !Character.isUpperCase(parts[i].charAt(0))) {
      i++;
    }
    return String.join(".", List.of(parts).subList(i, parts.length));
  }

  /** Whether a code span of {@code text} holds {@code name} as a whole word or dotted part. */
  static boolean namedInACodeSpan(String text, String name) {
    Pattern word = Pattern.compile("(?<!\\w)" + Pattern.quote(name) + "(?!\\w)");
    String[] parts = text.split("`", -1);
    for (int i = 1; i < parts.length - 1; i += 2) {
      if (word.matcher(parts[i]).find()) {
        return true;
      }
    }
    return false;
  }
}
