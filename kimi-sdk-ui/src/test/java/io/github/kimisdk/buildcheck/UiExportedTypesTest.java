package io.github.kimisdk.buildcheck;

import io.github.kimisdk.ui.UiResponse;
import java.util.List;

/**
 * kimi-sdk-ui's exported types grow only with a reason, as the core's and kimi-sdk-agents' do:
 * {@code api/exported-types.txt} lists every public type of the package the module exports, and
 * each is named in CHANGELOG.md.
 */
class UiExportedTypesTest extends ModuleExportedTypesContract {

  @Override
  String module() {
    return "kimi-sdk-ui";
  }

  @Override
  Class<?> anchor() {
    return UiResponse.class;
  }

  @Override
  List<String> mustExport() {
    return List.of("io.github.kimisdk.ui.AgentChat", "io.github.kimisdk.ui.UiResponse");
  }
}
