package io.github.kimisdk.agents;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * What the guides say of {@link JdbcRunStore}'s tables is what {@link JdbcRunStore#schema} makes:
 * as many tables, each named, in docs/agents.md (by the default prefix) and
 * docs/operating-agents.md (by {@code PREFIX}); a table added to the schema fails this until both
 * pages say so.
 */
class JdbcSchemaDocsTest {
  static final List<String> COUNTS =
      List.of("no", "one", "two", "three", "four", "five", "six", "seven", "eight");

  static String page(String name) throws Exception {
    Path build = Path.of(System.getProperty("kimisdk.buildDirectory", "target"));
    return Files.readString(build.toAbsolutePath().getParent().getParent().resolve(name));
  }

  @Test
  void bothGuidesNameEveryTableTheSchemaMakesAndCountThemAlike() throws Exception {
    List<String> tables = JdbcRunStore.tables("kimi_agent");
    assertThat(tables)
        .containsExactly(
            "kimi_agent_claims", "kimi_agent_records", "kimi_agent_runs", "kimi_agent_labels");
    String count = COUNTS.get(tables.size()) + " tables";
    String agents = page("docs/agents.md");
    String operating = page("docs/operating-agents.md");
    assertThat(agents).contains("It keeps " + count);
    assertThat(operating).contains(count + " in all");
    for (String t : tables) {
      assertThat(agents).contains("`" + t + "`");
      assertThat(operating).contains("`PREFIX" + t.substring("kimi_agent".length()) + "`");
    }
    assertThat(agents).doesNotContain("two tables").doesNotContain("It keeps two");
  }
}
