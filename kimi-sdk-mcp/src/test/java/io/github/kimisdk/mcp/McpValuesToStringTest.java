package io.github.kimisdk.mcp;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.kimisdk.json.Json;
import io.github.kimisdk.json.JsonObject;
import java.util.List;
import org.junit.jupiter.api.Test;

/** What the MCP records print: the members that are set, one table per type. */
class McpValuesToStringTest {

  @Test
  void serverInfo() {
    assertPrints(
        new McpServerInfo("s", "1.0", null, "2025-06-18", null, JsonObject.of()),
        "McpServerInfo[name=s, version=1.0, protocolVersion=2025-06-18]");
  }

  @Test
  void toolResult() {
    assertPrints(
        new McpToolResult(List.of(Json.parse("{\"type\":\"text\",\"text\":\"ok\"}")), null, false),
        "McpToolResult[content=[{\"type\":\"text\",\"text\":\"ok\"}]]",
        new McpToolResult(List.of(), Json.parse("{\"n\":1}"), true),
        "McpToolResult[structuredContent={\"n\":1}, isError=true]");
  }

  @Test
  void progress() {
    assertPrints(
        new McpProgress("tools/call", 0.5, null, null),
        "McpProgress[operation=tools/call, progress=0.5]",
        new McpProgress("tools/call", 1, 2.0, "half"),
        "McpProgress[operation=tools/call, progress=1.0, total=2.0, message=half]");
  }

  /** Asserts that each value prints as the text after it. */
  private static void assertPrints(Object... valueThenText) {
    for (int i = 0; i < valueThenText.length; i += 2) {
      assertThat(valueThenText[i].toString()).as("row %d", i / 2).isEqualTo(valueThenText[i + 1]);
    }
  }
}
