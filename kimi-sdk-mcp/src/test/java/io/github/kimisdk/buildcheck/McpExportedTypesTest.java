package io.github.kimisdk.buildcheck;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/**
 * kimi-sdk-mcp's exported types grow only with a reason, as the core's do ({@code
 * ExportedTypesTest}): {@value #LIST} lists every public type of the packages the module exports
 * (and every protected nested one); a type added since the baseline release is named in what {@code
 * CHANGELOG.md} says since then.
 */
class McpExportedTypesTest {

  static final String LIST = "kimi-sdk-mcp/api/exported-types.txt";

  @Test
  void theExportedTypesAreTheCommittedList() throws Exception {
    Path mcp = McpLayoutTest.mcpLocation();
    assertThat(ClassFiles.exportedTypes(mcp))
        .contains("io.github.kimisdk.mcp.McpClient", "io.github.kimisdk.mcp.kimi.McpToolset");
    ExportedTypes.assertListed(mcp, Compat.rootOf(mcp).resolve(LIST), LIST);
  }

  @Test
  void everyTypeAddedSinceTheBaselineIsNamedInTheChangelog() throws Exception {
    Path mcp = McpLayoutTest.mcpLocation();
    Path root = Compat.rootOf(mcp);
    String baseline = Compat.baseline(root);
    Path baselineJar = Compat.baselineJar(root, "kimi-sdk-mcp");
    assertThat(ExportedTypes.unnamedSinceBaseline(mcp, baselineJar, Compat.sinceBaseline(root)))
        .as(
            "kimi-sdk-mcp's exported types added since %s that CHANGELOG.md does not name (in a"
                + " code span, in what changed since %s): say why each is public",
            baseline, baseline)
        .isEmpty();
  }
}
