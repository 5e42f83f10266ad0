package io.github.kimisdk.buildcheck;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SortedSet;
import java.util.TreeSet;
import java.util.regex.Pattern;

/**
 * A module's exported types held to its committed list ({@code <module>/api/exported-types.txt}):
 * every public type of the packages it exports (and every protected nested one), and, for a type
 * added since the baseline release, a reason in {@code CHANGELOG.md}. A removed type is japicmp's:
 * a binary-incompatible change ({@code CompatibilityGateTest}).
 */
final class ExportedTypes {

  private ExportedTypes() {}

  /** Fails unless the module in {@code classes} exports exactly the types {@code list} names. */
  static void assertListed(Path classes, Path list, String listName) throws IOException {
    SortedSet<String> compiled = ClassFiles.exportedTypes(classes);
    SortedSet<String> listed = Compat.committedList(list);
    assertThat(compiled).as("exported types of %s", classes).isNotEmpty();
    SortedSet<String> added = new TreeSet<>(compiled);
    added.removeAll(listed);
    SortedSet<String> removed = new TreeSet<>(listed);
    removed.removeAll(compiled);
    assertThat(added)
        .as(
            "exported types %s does not list: add each, and say in CHANGELOG.md why it is public"
                + " (CONTRIBUTING.md, \"Compatibility\")",
            listName)
        .isEmpty();
    assertThat(removed)
        .as(
            "types %s lists that are no longer exported: take them off, and name the break in"
                + " CHANGELOG.md's \"%s\"",
            listName, Compat.BREAKING_CHANGES)
        .isEmpty();
  }

  /**
   * Returns the types {@code classes} exports that {@code baselineJar} did not and that {@code
   * since} (the changelog since the baseline) does not name in a code span.
   */
  static List<String> unnamedSinceBaseline(Path classes, Path baselineJar, List<String> since)
      throws IOException {
    SortedSet<String> added = ClassFiles.exportedTypes(classes);
    added.removeAll(ClassFiles.exportedTypes(baselineJar));
    String text = String.join("\n", since);
    List<String> unnamed = new ArrayList<>();
    for (String type : added) {
      if (!namedInACodeSpan(text, withoutPackage(type))) {
        unnamed.add(type);
      }
    }
    return unnamed;
  }

  /**
   * Returns the top-level types a satellite module's {@code classes} export (one published after the
   * baseline, all of whose types are new) that the changelog since the baseline does not name in a
   * code span.
   */
  static List<String> unnamedTopLevel(Path classes) throws IOException {
    String since = String.join("\n", Compat.sinceBaseline(Compat.rootOf(classes)));
    List<String> unnamed = new ArrayList<>();
    for (String type : ClassFiles.exportedTypes(classes)) {
      String simple = withoutPackage(type);
      if (!simple.contains(".") && !namedInACodeSpan(since, simple)) {
        unnamed.add(simple);
      }
    }
    return unnamed;
  }

  static String withoutPackage(String canonical) {
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
