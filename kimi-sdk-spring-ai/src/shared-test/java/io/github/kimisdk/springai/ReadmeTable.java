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

/**
 * A table of kimi-sdk-spring-ai's README.md (the reference of both Spring lines) that a test holds
 * the code to: each row's name and reason; on the Boot 3.5 line, with the rows its own README adds
 * under the same heading.
 */
final class ReadmeTable {

  private static final Pattern ROW = Pattern.compile("^\\| `([\\w-]+)` \\| (.*) \\|$");

  private ReadmeTable() {}

  /**
   * The rows {@code | `name` | reason |} under the heading {@code heading} (a whole line, such as
   * {@code "## Not mapped"}), up to the next heading; fails when the README has no such heading.
   */
  static Map<String, String> rows(String heading) throws IOException {
    Path reference = Path.of("..", "kimi-sdk-spring-ai", "README.md");
    List<String> lines = Files.readAllLines(reference, StandardCharsets.UTF_8);
    int start = lines.indexOf(heading);
    if (start < 0) {
      throw new AssertionError("README.md has no heading \"" + heading + "\"");
    }
    Map<String, String> rows = rows(lines, start);
    // the Boot 3.5 line's README adds the rows of what only its line has, under the same heading
    Path own = Path.of("README.md");
    if (!own.toAbsolutePath().normalize().equals(reference.toAbsolutePath().normalize())) {
      List<String> more = Files.readAllLines(own, StandardCharsets.UTF_8);
      if (more.contains(heading)) {
        rows.putAll(rows(more, more.indexOf(heading)));
      }
    }
    return rows;
  }

  private static Map<String, String> rows(List<String> lines, int start) {
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
