package io.github.kimisdk.buildcheck;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.lang.module.ModuleDescriptor;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A module's architecture table in CONTRIBUTING.md, held to the module: every package named once,
 * with how it is exported, and no package the module lacks, so the table cannot go stale. A row's
 * first cell names packages in code spans, relative to the module's base package ({@code root} for
 * the base package itself; a name ending in {@code .*} covers its subpackages); its second says
 * {@code yes}, {@code no} or {@code to <module>}.
 */
final class ArchitectureTable {

  private static final Pattern CODE_SPAN = Pattern.compile("`([^`]+)`");

  private ArchitectureTable() {}

  /**
   * Returns what the table under {@code heading} says that the module does not hold; empty when the
   * two agree.
   *
   * @param contributing CONTRIBUTING.md
   * @param heading the section's heading line, such as {@code "## Architecture"}
   * @param module the module's descriptor
   * @param base the base package, such as {@code "io.github.kimisdk"}
   * @param root how the table names the base package, such as {@code "(root)"}
   */
  static List<String> problems(
      Path contributing, String heading, ModuleDescriptor module, String base, String root)
      throws IOException {
    Map<String, String> actual = new TreeMap<>(); // package -> "yes", "no" or "to <module>"
    for (String pkg : module.packages()) {
      actual.put(relative(pkg, base), "no");
    }
    for (ModuleDescriptor.Exports e : module.exports()) {
      actual.put(
          relative(e.source(), base),
          e.isQualified() ? "to " + String.join(", ", new TreeSet<>(e.targets())) : "yes");
    }
    List<String> problems = new ArrayList<>();
    Map<String, String> covered = new TreeMap<>();
    for (List<String> row : rows(contributing, heading)) {
      String exported =
          row.get(1).replace("`", "").replaceAll("kimi-sdk-([a-z]+)", "io.github.kimisdk.$1");
      for (String entry : codeSpans(row.get(0))) {
        String name = entry.equals(root) ? "" : entry;
        boolean prefix = name.endsWith(".*");
        String stem = prefix ? name.substring(0, name.length() - 2) : name;
        int matched = 0;
        for (Map.Entry<String, String> p : actual.entrySet()) {
          String pkg = p.getKey();
          if (pkg.equals(stem) || prefix && pkg.startsWith(stem + ".")) {
            matched++;
            if (covered.put(pkg, entry) != null) {
              problems.add(pkg + " is in two rows");
            }
            if (!p.getValue().equals(exported)) {
              problems.add(
                  pkg + " is exported \"" + p.getValue() + "\", the table says " + exported);
            }
          }
        }
        if (matched == 0) {
          problems.add("the table names " + entry + ", which the module does not have");
        }
      }
    }
    for (String pkg : actual.keySet()) {
      if (!covered.containsKey(pkg)) {
        problems.add((pkg.isEmpty() ? root : pkg) + " is missing from the table");
      }
    }
    return problems;
  }

  /** The rows of the table under {@code heading}, each a list of its cells. */
  private static List<List<String>> rows(Path contributing, String heading) throws IOException {
    List<List<String>> rows = new ArrayList<>();
    boolean inSection = false;
    for (String line : Files.readAllLines(contributing)) {
      if (line.startsWith("## ")) {
        inSection = line.equals(heading);
      } else if (inSection && line.startsWith("| `")) {
        List<String> cells = new ArrayList<>();
        for (String cell : line.substring(1).split("\\|", -1)) {
          cells.add(cell.strip());
        }
        rows.add(cells);
      }
    }
    assertThat(rows).as("rows of CONTRIBUTING.md's table under %s", heading).isNotEmpty();
    return rows;
  }

  private static List<String> codeSpans(String cell) {
    List<String> out = new ArrayList<>();
    Matcher m = CODE_SPAN.matcher(cell);
    while (m.find()) {
      out.add(m.group(1));
    }
    return out;
  }

  private static String relative(String pkg, String base) {
    return pkg.equals(base) ? "" : pkg.substring(base.length() + 1);
  }
}
