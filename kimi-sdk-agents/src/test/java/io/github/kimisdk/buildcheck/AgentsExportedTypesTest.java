package io.github.kimisdk.buildcheck;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.kimisdk.agents.Agent;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/**
 * kimi-sdk-agents' exported types grow only with a reason, as the core's and kimi-sdk-mcp's do:
 * {@value #LIST} lists every public type of the package the module exports, and each is named in
 * CHANGELOG.md.
 */
class AgentsExportedTypesTest {

  static final String LIST = "kimi-sdk-agents/api/exported-types.txt";

  static Path agentsLocation() throws Exception {
    return Path.of(Agent.class.getProtectionDomain().getCodeSource().getLocation().toURI());
  }

  @Test
  void theExportedTypesAreTheCommittedList() throws Exception {
    Path agents = agentsLocation();
    assertThat(ClassFiles.exportedTypes(agents))
        .contains("io.github.kimisdk.agents.Agent", "io.github.kimisdk.agents.RunStore");
    ExportedTypes.assertListed(agents, Compat.rootOf(agents).resolve(LIST), LIST);
  }

  @Test
  void everyTopLevelExportedTypeIsNamedInTheChangelog() throws Exception {
    Path agents = agentsLocation();
    String since = String.join("\n", Compat.sinceBaseline(Compat.rootOf(agents)));
    java.util.List<String> unnamed = new java.util.ArrayList<>();
    for (String type : ClassFiles.exportedTypes(agents)) {
      String simple = ExportedTypes.withoutPackage(type);
      if (!simple.contains(".") && !ExportedTypes.namedInACodeSpan(since, simple)) {
        unnamed.add(simple);
      }
    }
    assertThat(unnamed)
        .as("kimi-sdk-agents' exported types CHANGELOG.md does not name in a code span")
        .isEmpty();
  }
}
