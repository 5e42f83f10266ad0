package io.github.kimisdk.springai;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** A table of this module's README.md that a test holds the code to: each row's name and reason. */
final class ReadmeTable {

  private static final Pattern ROW = Pattern.compile("^\\| `([\\w-]+)` \\| (.*) \\|$");

  private ReadmeTable() {}

  /**
   * The rows {@code | `name` | reason |} under the heading {@code heading} (a whole line, such as
   * {@code "## Not mapped"}), up to the next heading; fails when the README has no such heading.
   */
  static Map<String, String> rows(String heading) throws IOException {
    List<String> lines = Files.readAllLines(Path.of("README.md"), StandardCharsets.UTF_8);
    int start = lines.indexOf(heading);
    if (start < 0) {
      throw new AssertionError("README.md has no heading \"" + heading + "\"");
    }
    Map<String, String> rows = new LinkedHashMap<>();
    for (String line : lines.subList(start + 1, lines.size())) {
      if (line.startsWith("#")) {
        break;
      }
      Matcher m = ROW.matcher(line.strip());
      if (m.matches()) {
        rows.put(m.group(1), m.group(2).strip());
      }
    }
    return rows;
  }
}
