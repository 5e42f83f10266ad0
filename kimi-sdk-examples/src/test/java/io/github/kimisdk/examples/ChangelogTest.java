package io.github.kimisdk.examples;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * CHANGELOG.md is release notes a user reads, not a diary (the history is in git), and it grows by
 * release with no cap on its length: every new exported type and facade member must be named there
 * (CONTRIBUTING.md, "Compatibility"), so a cap on the whole would be passed only by squeezing what
 * is already written. What such a cap protected is held by the notes' shape instead:
 *
 * <ul>
 *   <li>each release is a {@code ## } section, newest first (what changed since the compatibility
 *       baseline above the baseline's own section), and the notes end with the licence;
 *   <li>a release's entries are grouped under {@code ### } headings, each entry (a bullet, or a
 *       paragraph or table) at most {@value #MAX_ENTRY_LINES} lines: a reader takes in an entry at
 *       a glance, and its detail goes into the guide it links to;
 *   <li>every break is named under its release's {@code ### Breaking changes}, the release's last
 *       group, as a bullet that opens with the code span naming what broke (what the compatibility
 *       gate reads, {@code CompatibilityGateTest}).
 * </ul>
 */
class ChangelogTest {

  /** The most lines of one entry: a dozen, the detail in the guides. */
  static final int MAX_ENTRY_LINES = 12;

  private static final String BREAKING = "### Breaking changes";
  private static final Pattern SINCE =
      Pattern.compile("## Since the (\\d+\\.\\d+\\.\\d+) compatibility baseline");
  private static final Pattern VERSION = Pattern.compile("## (\\d+)\\.(\\d+)\\.(\\d+)( \\(.*\\))?");

  @Test
  void theNotesAreReleasesOfShortEntriesWithEveryBreakNamed() {
    List<String> changelog = Docs.lines(Docs.ROOT.resolve("CHANGELOG.md"));
    assertThat(changelog).filteredOn(l -> VERSION.matcher(l).matches()).isNotEmpty();
    assertThat(problems(changelog)).as("CHANGELOG.md").isEmpty();
  }

  @Test
  void eachBrokenShapeIsFound() {
    List<String> notes =
        """
        # Changelog

        Intro.

        ## Since the 0.2.0 compatibility baseline

        ### Breaking changes

        - `a.B#c()`: gone.

        plain prose, not a named break

        ### Later

        - one
        - two
          2
          3
          4
          5
          6
          7
          8
          9
          10
          11
          12
          13

        ## 0.1.0

        ### New

        - ok

        ## 0.3.0

        ### Breaking changes

        - `x.Y`: ok.

        ## Ideas

        ## License

        ### Stray

        ## 0.0.1
        """
            .lines()
            .toList();
    assertThat(problems(notes))
        .containsExactly(
            "line 11: under ### Breaking changes, each entry is a bullet opening with the code"
                + " span of what broke: plain prose, not a named break",
            "line 13: ### Later follows ### Breaking changes: the breaks are their release's last"
                + " group",
            "line 16: an entry of 13 lines (at most 12): put the detail in its guide and link it",
            "line 36: ## 0.3.0 is not newer than the release above it",
            "line 42: ## Ideas is not a release (## Since the <version> compatibility baseline, or"
                + " ## <version>)",
            "line 46: ### Stray is outside a release",
            "line 48: ## 0.0.1 follows the licence, which ends the notes",
            "line 5: ## Since the 0.2.0 compatibility baseline names a baseline without a section"
                + " of its own");
  }

  /** What in {@code lines} breaks the notes' shape, one line each; empty when none. */
  static List<String> problems(List<String> lines) {
    List<String> out = new ArrayList<>();
    if (lines.isEmpty() || !lines.get(0).equals("# Changelog")) {
      out.add("line 1: the notes open with # Changelog");
    }
    boolean inRelease = false;
    boolean licence = false;
    boolean breaking = false;
    String since = null;
    int sinceLine = 0;
    boolean baselineFound = false;
    long[] newest = null;
    int entryStart = 0;
    int entryLines = 0;
    for (int i = 0; i <= lines.size(); i++) {
      String line = i < lines.size() ? lines.get(i) : "";
      int n = i + 1;
      boolean newEntry = line.isBlank() || line.startsWith("#") || line.startsWith("- ");
      if (newEntry && entryLines > MAX_ENTRY_LINES) {
        out.add(
            "line "
                + entryStart
                + ": an entry of "
                + entryLines
                + " lines (at most "
                + MAX_ENTRY_LINES
                + "): put the detail in its guide and link it");
      }
      if (newEntry) {
        entryLines = 0;
      }
      if (line.startsWith("## ")) {
        breaking = false;
        inRelease = false;
        if (licence) {
          out.add("line " + n + ": " + line + " follows the licence, which ends the notes");
          continue;
        }
        if (line.equals("## License")) {
          licence = true;
          continue;
        }
        Matcher s = SINCE.matcher(line);
        Matcher v = VERSION.matcher(line);
        if (s.matches() && newest == null && since == null) {
          since = s.group(1);
          sinceLine = n;
          inRelease = true;
        } else if (v.matches()) {
          long[] version = {
            Long.parseLong(v.group(1)), Long.parseLong(v.group(2)), Long.parseLong(v.group(3))
          };
          if (newest != null && compare(version, newest) >= 0) {
            out.add("line " + n + ": " + line + " is not newer than the release above it");
          }
          newest = version;
          baselineFound |= (v.group(1) + "." + v.group(2) + "." + v.group(3)).equals(since);
          inRelease = true;
        } else {
          out.add(
              "line "
                  + n
                  + ": "
                  + line
                  + " is not a release (## Since the <version> compatibility baseline, or"
                  + " ## <version>)");
        }
        continue;
      }
      if (line.startsWith("### ")) {
        if (!inRelease) {
          out.add("line " + n + ": " + line + " is outside a release");
        } else if (breaking) {
          out.add(
              "line "
                  + n
                  + ": "
                  + line
                  + " follows "
                  + BREAKING
                  + ": the breaks are their release's last group");
        }
        breaking = inRelease && line.strip().equals(BREAKING);
        continue;
      }
      if (line.isBlank()) {
        continue;
      }
      if (entryLines == 0) {
        entryStart = n;
        if (breaking && !(line.startsWith("- `") && line.indexOf('`', 3) > 3)) {
          out.add(
              "line "
                  + n
                  + ": under "
                  + BREAKING
                  + ", each entry is a bullet opening with the code span of what broke: "
                  + line);
        }
      }
      entryLines++;
    }
    if (since != null && !baselineFound) {
      out.add(
          "line "
              + sinceLine
              + ": ## Since the "
              + since
              + " compatibility baseline names a baseline without a section of its own");
    }
    return out;
  }

  private static int compare(long[] a, long[] b) {
    for (int i = 0; i < 3; i++) {
      if (a[i] != b[i]) {
        return Long.compare(a[i], b[i]);
      }
    }
    return 0;
  }
}
