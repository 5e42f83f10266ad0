package io.github.kimisdk.buildcheck;

import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SortedSet;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The compatibility gate's inputs ({@code compat/README.md}): the repository, the release the build
 * compares with (the root POM's {@code compat.baseline}, whose files are in {@code
 * compat/<release>/}), and what {@code CHANGELOG.md} says since that release. The root POM reads
 * the changelog by the same rules for japicmp ({@code CompatibilityGateTest} holds the two readings
 * equal).
 */
final class Compat {

  /** The heading of the list of accepted breaks in a release's section of the changelog. */
  static final String BREAKING_CHANGES = "### Breaking changes";

  private static final Pattern BASELINE =
      Pattern.compile("<compat\\.baseline>([^<]+)</compat\\.baseline>");

  private Compat() {}

  /** The repository: the parent of the module whose classes are under test. */
  static Path root() throws URISyntaxException {
    return rootOf(BuildTools.sdkLocation());
  }

  /**
   * The repository of a module's classes: {@code target/classes} or {@code target/<jar>}, in the
   * module's directory.
   */
  static Path rootOf(Path classesDirOrJar) {
    return classesDirOrJar.toAbsolutePath().getParent().getParent().getParent();
  }

  /** The release the build compares with, as the root POM names it. */
  static String baseline() throws IOException, URISyntaxException {
    return baseline(root());
  }

  /** The release the build compares with, as the root POM of {@code root} names it. */
  static String baseline(Path root) throws IOException {
    Matcher m = BASELINE.matcher(Files.readString(root.resolve("pom.xml")));
    if (!m.find()) {
      throw new AssertionError("the root pom.xml names no <compat.baseline>");
    }
    return m.group(1).strip();
  }

  /** The baseline's files: {@code compat/<release>/}. */
  static Path baselineDir() throws IOException, URISyntaxException {
    return root().resolve("compat").resolve(baseline());
  }

  /** The baseline's jar of {@code artifact}, such as {@code kimi-sdk-mcp}, in {@code root}. */
  static Path baselineJar(Path root, String artifact) throws IOException {
    String baseline = baseline(root);
    return root.resolve("compat").resolve(baseline).resolve(artifact + "-" + baseline + ".jar");
  }

  /** The baseline's {@code kimi-sdk} jar. */
  static Path baselineSdkJar() throws IOException, URISyntaxException {
    return baselineDir().resolve("kimi-sdk-" + baseline() + ".jar");
  }

  /**
   * The entries of a list committed in the repository, such as {@code
   * kimi-sdk/api/exported-types.txt}: one a line, blank lines and {@code #} comments aside.
   */
  static SortedSet<String> committedList(String path) throws IOException, URISyntaxException {
    return committedList(root().resolve(path));
  }

  /** The entries of a committed list file: one a line, blank lines and {@code #} comments aside. */
  static SortedSet<String> committedList(Path list) throws IOException {
    SortedSet<String> listed = new TreeSet<>();
    for (String line : Files.readAllLines(list)) {
      if (!line.isBlank() && !line.startsWith("#")) {
        listed.add(line.strip());
      }
    }
    return listed;
  }

  /** The elements of {@code a} that {@code b} lacks. */
  static SortedSet<String> without(SortedSet<String> a, SortedSet<String> b) {
    SortedSet<String> out = new TreeSet<>(a);
    out.removeAll(b);
    return out;
  }

  /** The changelog's lines written since the baseline release. */
  static List<String> sinceBaseline() throws IOException, URISyntaxException {
    return sinceBaseline(root());
  }

  /** The lines of {@code root}'s changelog written since the baseline release. */
  static List<String> sinceBaseline(Path root) throws IOException {
    return sinceBaseline(Files.readAllLines(root.resolve("CHANGELOG.md")), baseline(root));
  }

  /**
   * Returns the lines above the release's heading ({@code ## 0.1.0}, or {@code ## 0.1.0} followed
   * by a space and more), which are what changed since it; none when there is no such heading, so
   * that a changelog without it accepts no break.
   */
  static List<String> sinceBaseline(List<String> changelog, String release) {
    for (int i = 0; i < changelog.size(); i++) {
      String line = changelog.get(i);
      if (line.equals("## " + release) || line.startsWith("## " + release + " ")) {
        return changelog.subList(0, i);
      }
    }
    return List.of();
  }

  /**
   * Returns the accepted breaks among {@code lines}: in each {@code ### Breaking changes} section
   * (to the next heading), the first code span of every line that starts with {@code - `}.
   */
  static List<String> breakingChanges(List<String> lines) {
    List<String> out = new ArrayList<>();
    boolean inSection = false;
    for (String line : lines) {
      if (line.startsWith("#")) {
        inSection = line.strip().equals(BREAKING_CHANGES);
      } else if (inSection && line.startsWith("- `") && line.indexOf('`', 3) > 3) {
        out.add(line.substring(3, line.indexOf('`', 3)));
      }
    }
    return out;
  }

  /** The excludes the baseline itself names: {@code compat/<release>/excludes.txt}. */
  static List<String> baselineExcludes() throws IOException, URISyntaxException {
    List<String> out = new ArrayList<>();
    for (String line : Files.readAllLines(baselineDir().resolve("excludes.txt"))) {
      String entry = line.strip();
      if (!entry.isEmpty() && !entry.startsWith("#")) {
        out.add(entry);
      }
    }
    return out;
  }
}
