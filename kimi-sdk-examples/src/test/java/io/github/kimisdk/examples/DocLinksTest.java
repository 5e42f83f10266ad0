package io.github.kimisdk.examples;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Every relative link of every Markdown file of the repository (outside build output) resolves: the
 * file or folder it names exists, and an anchor ({@code page.md#a-heading}, or {@code #a-heading}
 * within the page) names a heading of that page, spelled as GitHub makes anchors from headings.
 * Links inside code (fenced blocks, inline code) are not links; links to other sites are not
 * checked (no test talks to the internet).
 */
class DocLinksTest {

  private static final Pattern LINK = Pattern.compile("\\[[^\\]\\n]*\\]\\(([^)\\s]+)\\)");

  /** The Markdown files of the repository, outside {@code target/}, {@code .git} and npm's. */
  static List<Path> markdownFiles() throws IOException {
    Path root = Docs.ROOT.toAbsolutePath().normalize();
    try (Stream<Path> all = Files.walk(root)) {
      return all.filter(Files::isRegularFile)
          .filter(p -> p.getFileName().toString().endsWith(".md"))
          .filter(
              p -> {
                String rel = root.relativize(p).toString().replace('\\', '/');
                return !rel.startsWith(".git/")
                    && !rel.contains("/target/")
                    && !rel.startsWith("target/")
                    && !rel.contains("node_modules/");
              })
          .sorted()
          .toList();
    }
  }

  /** A Markdown text without its fenced code blocks and inline code spans. */
  static String prose(String markdown) {
    StringBuilder out = new StringBuilder();
    boolean fenced = false;
    for (String line : markdown.split("\n", -1)) {
      if (line.strip().startsWith("```")) {
        fenced = !fenced;
        out.append('\n');
        continue;
      }
      out.append(fenced ? "" : line.replaceAll("``[^`]*``|`[^`]*`", "")).append('\n');
    }
    return out.toString();
  }

  /** The anchors GitHub gives the headings of a Markdown text. */
  static Set<String> anchors(String markdown) {
    Set<String> out = new HashSet<>();
    Map<String, Integer> seen = new HashMap<>();
    boolean fenced = false;
    for (String line : markdown.split("\n", -1)) {
      if (line.strip().startsWith("```")) {
        fenced = !fenced;
        continue;
      }
      if (fenced || !line.matches("#{1,6} .*")) {
        continue;
      }
      String slug = slug(line.replaceFirst("^#+ ", ""));
      int n = seen.merge(slug, 1, Integer::sum);
      out.add(n == 1 ? slug : slug + "-" + (n - 1));
    }
    return out;
  }

  /** GitHub's anchor for a heading's text. */
  static String slug(String heading) {
    String text = heading.replaceAll("\\[([^\\]]*)\\]\\([^)]*\\)", "$1"); // a link: its text
    return text.strip()
        .toLowerCase(Locale.ROOT)
        .replaceAll("[^\\p{L}\\p{N} _-]", "")
        .replace(' ', '-');
  }

  @Test
  void everyRelativeLinkAndAnchorResolves() throws IOException {
    List<String> broken = new ArrayList<>();
    int checked = 0;
    Path root = Docs.ROOT.toAbsolutePath().normalize();
    for (Path file : markdownFiles()) {
      String text = Files.readString(file);
      Matcher m = LINK.matcher(prose(text));
      while (m.find()) {
        String target = m.group(1);
        if (target.matches("[a-z][a-z0-9+.-]*:.*")) {
          continue; // https:, mailto: ...: another site
        }
        checked++;
        int hash = target.indexOf('#');
        String path = hash < 0 ? target : target.substring(0, hash);
        String anchor = hash < 0 ? null : target.substring(hash + 1);
        Path resolved = path.isEmpty() ? file : file.getParent().resolve(path).normalize();
        String where = root.relativize(file) + ": (" + target + ")";
        if (!Files.exists(resolved)) {
          broken.add(where + ": no file " + root.relativize(resolved));
        } else if (anchor != null) {
          if (!resolved.toString().endsWith(".md")) {
            broken.add(where + ": an anchor into a file that is not Markdown");
          } else if (!anchors(Files.readString(resolved)).contains(anchor)) {
            broken.add(where + ": no heading #" + anchor + " in " + root.relativize(resolved));
          }
        }
      }
    }
    assertThat(checked).as("relative links checked").isGreaterThan(100);
    assertThat(broken).as("links that do not resolve").isEmpty();
  }

  @Test
  void anchorsAreSpelledAsGitHubSpellsThem() {
    assertThat(slug("JSON codec (`io.github.kimisdk.json`)"))
        .isEqualTo("json-codec-iogithubkimisdkjson");
    assertThat(slug("Escape hatches: per-call options, derived clients"))
        .isEqualTo("escape-hatches-per-call-options-derived-clients");
    assertThat(slug("Running with exec:java")).isEqualTo("running-with-execjava");
    assertThat(slug("A fleet on Redis")).isEqualTo("a-fleet-on-redis");
    assertThat(anchors("# A\n## Setup\n```\n## Not a heading\n```\n### Setup\n"))
        .containsExactlyInAnyOrder("a", "setup", "setup-1");
  }

  @Test
  void aBrokenLinkIsFound() {
    String page = "See [the guide](docs/nowhere.md) and `[code](not/a/link.md)`.\n";
    Matcher m = LINK.matcher(prose(page));
    List<String> targets = new ArrayList<>();
    while (m.find()) {
      targets.add(m.group(1));
    }
    assertThat(targets).containsExactly("docs/nowhere.md");
  }
}
