package io.github.kimisdk.buildcheck;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.kimisdk.ui.UiResponse;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/**
 * kimi-sdk-ui's exported types grow only with a reason, as the core's and kimi-sdk-agents' do:
 * {@value #LIST} lists every public type of the package the module exports, and each is named in
 * CHANGELOG.md.
 */
class UiExportedTypesTest {

  static final String LIST = "kimi-sdk-ui/api/exported-types.txt";

  static Path uiLocation() throws Exception {
    return Path.of(UiResponse.class.getProtectionDomain().getCodeSource().getLocation().toURI());
  }

  @Test
  void theExportedTypesAreTheCommittedList() throws Exception {
    Path ui = uiLocation();
    assertThat(ClassFiles.exportedTypes(ui))
        .contains("io.github.kimisdk.ui.AgentChat", "io.github.kimisdk.ui.UiResponse");
    ExportedTypes.assertListed(ui, Compat.rootOf(ui).resolve(LIST), LIST);
  }

  @Test
  void everyTopLevelExportedTypeIsNamedInTheChangelog() throws Exception {
    Path ui = uiLocation();
    String since = String.join("\n", Compat.sinceBaseline(Compat.rootOf(ui)));
    java.util.List<String> unnamed = new java.util.ArrayList<>();
    for (String type : ClassFiles.exportedTypes(ui)) {
      String simple = ExportedTypes.withoutPackage(type);
      if (!simple.contains(".") && !ExportedTypes.namedInACodeSpan(since, simple)) {
        unnamed.add(simple);
      }
    }
    assertThat(unnamed)
        .as("kimi-sdk-ui's exported types CHANGELOG.md does not name in a code span")
        .isEmpty();
  }
}
