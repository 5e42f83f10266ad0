package io.github.kimisdk.mcp;

import static io.github.kimisdk.mcp.TestServers.awaitStderr;
import static io.github.kimisdk.mcp.TestServers.stdio;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.kimisdk.json.JsonObject;
import io.github.kimisdk.json.JsonString;
import java.util.List;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * The protocol chosen per connection: whichever the server speaks ({@link McpProtocol#AUTO}), the
 * 2026-07-28 protocol only, or 2025-11-25 and older only; and the client's own name and version.
 */
class McpProtocolChoiceTest {

  private static final JsonObject ECHO = JsonObject.of("text", JsonString.of("hi"));

  /**
   * A choice, a server of one generation, and what the client speaks with it (or "fails"): a
   * 2026-07-28 server refuses {@code initialize}; a modern-only client never falls back to it.
   */
  private static final List<String[]> TABLE =
      List.of(
          new String[] {"AUTO", "legacy", "2025-11-25"},
          new String[] {"AUTO", "modern", "2026-07-28"},
          new String[] {"MODERN", "modern", "2026-07-28"},
          new String[] {"MODERN", "legacy", "2026-07-28"}, // it has no server/discover: asked so
          new String[] {"LEGACY", "legacy", "2025-11-25"},
          new String[] {"LEGACY", "modern", "fails"});

  private static List<String> server(String generation) {
    return generation.equals("modern") ? stdio("modern") : stdio();
  }

  @Test
  @Tag("multiprocess") // an MCP server as a child process: mvn -B -P slow verify
  void eachChoiceSpeaksOnlyItsGeneration() throws Exception {
    for (String[] row : TABLE) {
      String what = row[0] + " with a " + row[1] + " server";
      McpClient.StdioBuilder b =
          McpClient.stdioBuilder(server(row[1])).protocol(McpProtocol.valueOf(row[0]));
      if (row[2].equals("fails")) {
        assertThatThrownBy(b::build).as(what).isInstanceOf(McpException.class);
        continue;
      }
      try (McpClient mcp = b.build()) {
        assertThat(mcp.protocolVersion()).as(what).isEqualTo(row[2]);
        assertThat(mcp.call("echo", ECHO).text()).as(what).isEqualTo("echo: hi");
        boolean initialized = row[2].equals("2025-11-25");
        String seen = awaitStderr(mcp, initialized ? "event initialized" : "server/discover");
        assertThat(seen.contains("server/discover"))
            .as(what + ": asked server/discover")
            .isEqualTo(!row[0].equals("LEGACY"));
        assertThat(seen.contains("initialize"))
            .as(what + ": sent initialize")
            .isEqualTo(initialized);
      }
    }
  }

  @Test
  @Tag("multiprocess") // build() refuses, or starts the server: mvn -B -P slow verify
  void aPinnedVersionOfAnotherGenerationIsRefused() {
    assertThatThrownBy(
            () ->
                McpClient.stdioBuilder(stdio())
                    .protocol(McpProtocol.MODERN)
                    .protocolVersion("2025-06-18")
                    .build())
        .isInstanceOf(IllegalStateException.class)
        .hasMessage("protocolVersion(\"2025-06-18\") is not of the protocol MODERN");
    assertThatThrownBy(
            () ->
                McpClient.stdioBuilder(stdio())
                    .protocol(McpProtocol.LEGACY)
                    .protocolVersion("2026-07-28")
                    .build())
        .isInstanceOf(IllegalStateException.class)
        .hasMessage("protocolVersion(\"2026-07-28\") is not of the protocol LEGACY");
  }

  @Test
  @Tag("multiprocess") // an MCP server as a child process: mvn -B -P slow verify
  void theClientNamesItselfAsSetInBothGenerations() throws Exception {
    for (String generation : List.of("legacy", "modern")) {
      try (McpClient mcp =
          McpClient.stdioBuilder(server(generation)).clientInfo("release-agent", "4.2.0").build()) {
        awaitStderr(mcp, "event clientInfo {\"name\":\"release-agent\",\"version\":\"4.2.0\"}");
      }
    }
    try (McpClient mcp = McpClient.stdio(stdio())) {
      awaitStderr(mcp, "event clientInfo {\"name\":\"kimi-sdk-java\",\"version\":\"");
    }
  }

  @Test
  void clientInfoMustNameSomething() {
    McpClient.StdioBuilder b = McpClient.stdioBuilder(stdio());
    assertThatThrownBy(() -> b.clientInfo(" ", "1.0"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("name must not be blank");
    assertThatThrownBy(() -> b.clientInfo("agent", null))
        .isInstanceOf(NullPointerException.class)
        .hasMessage("version must not be null");
    assertThatThrownBy(() -> b.protocol(null))
        .isInstanceOf(NullPointerException.class)
        .hasMessage("protocol must not be null");
  }
}
