package io.github.kimisdk.buildcheck;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.kimisdk.mcp.McpClient;
import java.io.IOException;
import java.lang.module.ModuleDescriptor;
import java.lang.module.ModuleFinder;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/**
 * kimi-sdk-mcp keeps the layout CONTRIBUTING.md draws for it: {@link Layout}'s rules, read on this
 * module's classes beside the core's (the MCP client knows nothing of Kimi, its Kimi adapters stand
 * above it, {@code mcp} holds public types only), the exported packages, the architecture table,
 * and a package-info for every package that says what it holds. One concern to a package is what
 * these hold; the facade, {@code McpClient}, is held by the list of its members ({@code
 * McpClientMembersTest}), not by a line count, which a file passes by being squeezed as well as by
 * being split by what it does.
 */
class McpLayoutTest {

  /** Where this module's classes were loaded from: {@code target/classes}, or the jar. */
  static Path mcpLocation() throws URISyntaxException {
    return Path.of(McpClient.class.getProtectionDomain().getCodeSource().getLocation().toURI());
  }

  @Test
  void theMcpClientKnowsNothingOfKimiAndItsAdaptersStandAboveIt() throws Exception {
    Layout layout = Layout.read(BuildTools.sdkLocation(), mcpLocation());
    assertThat(layout.classes())
        .contains(
            "KimiClient",
            "mcp.McpClient",
            "mcp.kimi.McpToolset",
            "mcp.kimi.KimiSampling",
            "mcp.internal.auth.Authorizer",
            "mcp.internal.http.StreamableHttp");
    assertThat(layout.uses("mcp.kimi.McpToolset"))
        .contains("mcp.McpClient", "tool.ToolSource", "tool.FunctionTool");
    assertThat(layout.uses("mcp.McpClient")).contains("mcp.internal.client.Connection");
    assertThat(layout.violations()).as("layout rules broken in kimi-sdk-mcp").isEmpty();
  }

  @Test
  void theModuleExportsTheClientAndItsKimiAdaptersOnly() throws Exception {
    ModuleDescriptor descriptor = descriptor();
    Set<String> exported = new TreeSet<>();
    for (ModuleDescriptor.Exports e : descriptor.exports()) {
      assertThat(e.isQualified()).as("qualified export %s", e).isFalse();
      exported.add(e.source());
    }
    assertThat(exported).containsExactly("io.github.kimisdk.mcp", "io.github.kimisdk.mcp.kimi");
    assertThat(descriptor.packages())
        .as("the transports and the authorization, not exported")
        .contains(
            "io.github.kimisdk.mcp.internal.auth",
            "io.github.kimisdk.mcp.internal.http",
            "io.github.kimisdk.mcp.internal.stdio");
  }

  /** CONTRIBUTING.md's table of this module names each of its packages once, and no other. */
  @Test
  void theArchitectureTableIsThePackagesOfTheModule() throws Exception {
    assertThat(
            ArchitectureTable.problems(
                Compat.rootOf(mcpLocation()).resolve("CONTRIBUTING.md"),
                "## Architecture of kimi-sdk-mcp",
                descriptor(),
                "io.github.kimisdk.mcp",
                "(mcp)"))
        .as("CONTRIBUTING.md, Architecture of kimi-sdk-mcp")
        .isEmpty();
  }

  @Test
  void everyPackageSaysWhatItHolds() throws Exception {
    Path sources = sources();
    List<String> silent = new ArrayList<>();
    for (String pkg : descriptor().packages()) {
      Path info = sources.resolve(pkg.replace('.', '/')).resolve("package-info.java");
      if (!Files.isRegularFile(info) || !Files.readString(info).startsWith("/**")) {
        silent.add(pkg);
      }
    }
    assertThat(silent)
        .as("packages without a package-info.java that says what they hold")
        .isEmpty();
  }

  private static ModuleDescriptor descriptor() throws URISyntaxException {
    return ModuleFinder.of(mcpLocation()).find("io.github.kimisdk.mcp").orElseThrow().descriptor();
  }

  private static Path sources() throws URISyntaxException, IOException {
    Path src = Compat.rootOf(mcpLocation()).resolve("kimi-sdk-mcp/src/main/java");
    assertThat(src).isDirectory();
    return src;
  }
}
