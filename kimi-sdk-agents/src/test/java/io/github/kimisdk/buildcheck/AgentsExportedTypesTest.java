package io.github.kimisdk.buildcheck;

import io.github.kimisdk.agents.Agent;
import java.util.List;

/**
 * kimi-sdk-agents' exported types grow only with a reason, as the core's and kimi-sdk-mcp's do:
 * {@code api/exported-types.txt} lists every public type of the package the module exports, and
 * each is named in CHANGELOG.md.
 */
class AgentsExportedTypesTest extends ModuleExportedTypesContract {

  @Override
  String module() {
    return "kimi-sdk-agents";
  }

  @Override
  Class<?> anchor() {
    return Agent.class;
  }

  @Override
  List<String> mustExport() {
    return List.of("io.github.kimisdk.agents.Agent", "io.github.kimisdk.agents.RunStore");
  }
}
