package io.github.kimisdk.buildcheck;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * {@code McpClient} is kimi-sdk-mcp's facade, held as {@code KimiClient} is ({@code
 * FacadeMembersTest}): by the list of its public members, not by the length of its file. {@value
 * #LIST} lists every public member of {@code McpClient} and of its builders, and the build fails
 * when the compiled classes hold one more or one fewer; a member added since the baseline release
 * must also be named, in a code span, in what {@code CHANGELOG.md} says since that release. The
 * client's API grows only with a reason; how it does its work goes into {@code mcp.internal.*}, one
 * concern to a package (CONTRIBUTING.md, "Architecture of kimi-sdk-mcp").
 */
class McpClientMembersTest {

  static final String LIST = "kimi-sdk-mcp/api/mcp-client-members.txt";

  /** The facade's classes, by binary name. */
  static final List<String> FACADE =
      List.of(
          "io.github.kimisdk.mcp.McpClient",
          "io.github.kimisdk.mcp.McpClient$Builder",
          "io.github.kimisdk.mcp.McpClient$StdioBuilder",
          "io.github.kimisdk.mcp.McpClient$HttpBuilder");

  @Test
  void mcpClientsPublicMembersAreTheCommittedList() throws Exception {
    Path mcp = McpLayoutTest.mcpLocation();
    FacadeMembers.assertListed(
        mcp,
        FACADE,
        Compat.rootOf(mcp).resolve(LIST),
        LIST,
        "how the client does its work goes into mcp.internal.*, one concern to a package");
  }

  @Test
  void everyMemberAddedSinceTheBaselineIsNamedInTheChangelog() throws Exception {
    Path mcp = McpLayoutTest.mcpLocation();
    Path root = Compat.rootOf(mcp);
    String baseline = Compat.baseline(root);
    Path baselineJar = Compat.baselineJar(root, "kimi-sdk-mcp");
    assertThat(
            FacadeMembers.unnamedSinceBaseline(
                mcp, baselineJar, FACADE, Compat.sinceBaseline(root)))
        .as(
            "members of McpClient added since %s that CHANGELOG.md does not name (in a code span"
                + " such as `McpClient.Builder.protocol(McpProtocol)`, in what changed since %s):"
                + " say what each is for",
            baseline, baseline)
        .isEmpty();
  }
}
