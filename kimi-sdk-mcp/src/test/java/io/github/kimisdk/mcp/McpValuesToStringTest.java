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
  void skill() {
    assertPrints(
        new McpSkill(
            "skill://pdf/SKILL.md",
            JsonObject.of("name", io.github.kimisdk.json.JsonString.of("pdf")),
            List.of(new McpSkill.Resource("skill://pdf/SKILL.md", "sha256:00", 3)),
            false),
        "McpSkill[uri=skill://pdf/SKILL.md, name=pdf, resources=1]",
        new McpSkill("skill://n/SKILL.md", JsonObject.of(), List.of(), true),
        "McpSkill[uri=skill://n/SKILL.md, resources=0, dynamic=true]");
  }

  @Test
  void progress() {
    assertPrints(
        new McpProgress("tools/call", 0.5, null, null),
        "McpProgress[operation=tools/call, progress=0.5]",
        new McpProgress("tools/call", 1, 2.0, "half"),
        "McpProgress[operation=tools/call, progress=1.0, total=2.0, message=half]");
  }

  @Test
  void credentialsSayWhatIsHeldNeverWhatItIs() {
    assertPrints(
        new McpCredentials(
            "client-1",
            "s3cret",
            "client_secret_basic",
            "at-123456",
            "rt-123456",
            java.time.Instant.parse("2026-11-26T10:00:00Z"),
            List.of("mcp:read")),
        "McpCredentials[clientId=client-1, authMethod=client_secret_basic, clientSecret=true,"
            + " accessToken=true, refreshToken=true, expiresAt=2026-11-26T10:00:00Z,"
            + " scopes=[mcp:read]]",
        new McpCredentials("https://app.example/c.json", null, "none", null, null, null, List.of()),
        "McpCredentials[clientId=https://app.example/c.json, authMethod=none]");
  }

  @Test
  void authorizationAndUserAgentsShowNoSecret() {
    assertPrints(
        McpAuthorization.clientCredentials("bot", "s3cret").issuer("https://as.example").build(),
        "McpAuthorization[client credentials, client bot, issuer https://as.example]",
        McpAuthorization.authorizationCode(McpUserAgent.headless("http://localhost:1/cb"))
            .clientMetadataDocument("https://app.example/c.json")
            .build(),
        "McpAuthorization[authorization code, client https://app.example/c.json]",
        McpUserAgent.headless("http://localhost:1/cb"),
        "McpUserAgent.headless[http://localhost:1/cb]",
        McpUserAgent.loopback(u -> {}),
        "McpUserAgent.loopback[a free port]");
  }

  @Test
  void serverRequests() {
    assertPrints(
        McpElicitation.Result.accept(
            JsonObject.of("name", io.github.kimisdk.json.JsonString.of("Ada"))),
        "Result[action=ACCEPT, answered=[name]]",
        new McpSampling.Result("kimi-k2.6", "four", "endTurn"),
        "Result[model=kimi-k2.6, chars=4, stopReason=endTurn]",
        new McpRoot("file:///tmp", null),
        "McpRoot[uri=file:///tmp, name=null]");
  }

  /** Asserts that each value prints as the text after it. */
  private static void assertPrints(Object... valueThenText) {
    for (int i = 0; i < valueThenText.length; i += 2) {
      assertThat(valueThenText[i].toString()).as("row %d", i / 2).isEqualTo(valueThenText[i + 1]);
    }
  }
}
