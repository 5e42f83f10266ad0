package io.github.kimisdk.mcp;

import static io.github.kimisdk.mcp.TestServers.awaitStderr;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.kimisdk.KimiClient;
import io.github.kimisdk.json.Json;
import io.github.kimisdk.json.JsonObject;
import io.github.kimisdk.json.JsonString;
import io.github.kimisdk.json.JsonValue;
import io.github.kimisdk.mcp.kimi.KimiSampling;
import io.github.kimisdk.testing.FakeKimiServer;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * The server's requests (sampling, elicitation, roots) answered by the handlers the builder sets:
 * as requests of the server's own (protocol versions to 2025-11-25, over stdio) and as inputs a
 * 2026-07-28 result asks for ({@code input_required}), with the capabilities the client declares.
 */
@Tag("multiprocess") // MCP servers as child processes: mvn -B -P slow verify
class McpServerRequestsTest {

  private static final List<McpRoot> ROOTS =
      List.of(new McpRoot("file:///home/ada/project", "project"), new McpRoot("file:///tmp", null));

  @Test
  void theClientDeclaresExactlyTheCapabilitiesItHasHandlersFor() throws Exception {
    try (McpClient none = McpClient.stdio(TestServers.stdio())) {
      awaitStderr(none, "event initialize 2025-11-25 {}");
    }
    try (McpClient all =
        McpClient.stdioBuilder(TestServers.stdio())
            .roots(ROOTS)
            .sampling(r -> new McpSampling.Result("m", "", null))
            .elicitation(r -> McpElicitation.Result.decline())
            .build()) {
      awaitStderr(
          all, "event initialize 2025-11-25 {\"roots\":{},\"sampling\":{},\"elicitation\":{}}");
    }
  }

  @Test
  void aServersSamplingRequestIsAnsweredByKimi() throws Exception {
    try (FakeKimiServer fake = new FakeKimiServer().start();
        KimiClient kimi = KimiClient.builder().apiKey("test-key").baseUrl(fake.baseUrl()).build();
        McpClient mcp =
            McpClient.stdioBuilder(TestServers.stdio())
                .sampling(KimiSampling.of(kimi, "kimi-k2.6"))
                .build()) {
      McpToolResult r =
          mcp.call("sample", JsonObject.of("prompt", JsonString.of("What is 2 + 2?")));
      JsonObject answer = Json.parse(r.text()).asObject();
      assertThat(answer.get("role")).isEqualTo(JsonString.of("assistant"));
      assertThat(answer.get("content"))
          .isEqualTo(
              JsonObject.of(
                  "type",
                  JsonString.of("text"),
                  "text",
                  JsonString.of("You said: What is 2 + 2?")));
      assertThat(answer.get("model")).isEqualTo(JsonString.of("kimi-k2.6"));
      assertThat(answer.get("stopReason")).isEqualTo(JsonString.of("endTurn"));
      JsonValue sent = Json.parse(fake.takeRequest().bodyText());
      assertThat(sent.get("model")).isEqualTo(JsonString.of("kimi-k2.6"));
      assertThat(Json.write(sent.get("messages")))
          .isEqualTo(
              "[{\"role\":\"system\",\"content\":\"Be brief.\"},"
                  + "{\"role\":\"user\",\"content\":\"What is 2 + 2?\"}]");
      assertThat(sent.get("max_completion_tokens").asInt()).isEqualTo(64);
      assertThat(Json.write(sent.get("stop"))).isEqualTo("[\"END\"]");
      assertThat(Json.write(sent.get("thinking"))).isEqualTo("{\"type\":\"disabled\"}");
    }
  }

  @Test
  void aSamplingRequestThatComesWithAResultIsAnsweredTheSameWayAndTheRequestSentAgain()
      throws Exception {
    try (FakeKimiServer fake = new FakeKimiServer().start();
        KimiClient kimi = KimiClient.builder().apiKey("test-key").baseUrl(fake.baseUrl()).build();
        McpClient mcp =
            McpClient.stdioBuilder(TestServers.stdio("modern"))
                .sampling(KimiSampling.of(kimi, "kimi-k2.6"))
                .build()) {
      assertThat(mcp.protocolVersion()).isEqualTo("2026-07-28");
      assertThat(mcp.serverInfo().name()).isEqualTo("modern-server");
      McpToolResult r = mcp.call("sample", null);
      assertThat(Json.parse(r.text()).get("content").get("text"))
          .isEqualTo(JsonString.of("You said: What is 2 + 2?"));
      awaitStderr(mcp, "event retry state=\"state-of-sample\"");
    }
  }

  @Test
  void anAcceptedElicitationGetsTheDefaultsTheUserLeftOut() throws Exception {
    List<McpElicitation.Request> asked = new CopyOnWriteArrayList<>();
    McpElicitation user =
        r -> {
          asked.add(r);
          return McpElicitation.Result.accept(JsonObject.of("name", JsonString.of("Ada")));
        };
    for (String mode : List.of("requests", "modern")) {
      asked.clear();
      try (McpClient mcp =
          McpClient.stdioBuilder(
                  mode.equals("modern") ? TestServers.stdio("modern") : TestServers.stdio())
              .elicitation(user)
              .build()) {
        assertThat(Json.parse(mcp.call("elicit", null).text()))
            .as(mode)
            .isEqualTo(
                Json.parse(
                    "{\"action\":\"accept\",\"content\":{\"name\":\"Ada\",\"age\":30,\"tier\":\"free\"}}"));
      }
      assertThat(asked).hasSize(1);
      assertThat(asked.get(0).message()).isEqualTo("Who are you?");
      assertThat(asked.get(0).requestedSchema().get("required"))
          .isEqualTo(Json.parse("[\"name\"]"));
    }
  }

  @Test
  void declinedAndCancelledAnswersCarryNoContent() throws Exception {
    try (McpClient mcp =
        McpClient.stdioBuilder(TestServers.stdio())
            .elicitation(r -> McpElicitation.Result.cancel())
            .build()) {
      assertThat(mcp.call("elicit", null).text()).isEqualTo("{\"action\":\"cancel\"}");
    }
    assertThatThrownBy(
            () -> new McpElicitation.Result(McpElicitation.Action.DECLINE, JsonObject.of()))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void rootsAreListedForTheServerEitherWay() throws Exception {
    for (List<String> command : List.of(TestServers.stdio(), TestServers.stdio("modern"))) {
      try (McpClient mcp = McpClient.stdioBuilder(command).roots(ROOTS).build()) {
        assertThat(mcp.call("roots", null).text())
            .isEqualTo(
                "{\"roots\":[{\"uri\":\"file:///home/ada/project\",\"name\":\"project\"},"
                    + "{\"uri\":\"file:///tmp\"}]}");
      }
    }
  }

  @Test
  void withoutAHandlerTheServerIsRefusedOrTheCallSaysWhichHandlerToSet() throws Exception {
    try (McpClient mcp = McpClient.stdio(TestServers.stdio())) {
      assertThat(mcp.call("sample", null).text()).isEqualTo("error -32601");
    }
    try (McpClient mcp = McpClient.stdio(TestServers.stdio("modern"))) {
      assertThatThrownBy(() -> mcp.call("sample", null))
          .isInstanceOf(McpException.class)
          .hasMessage(
              "MCP server \"modern-server\": asked for sampling/createMessage in answer to"
                  + " tools/call, which this client has no handler for (set"
                  + " McpClient.Builder.sampling)")
          .satisfies(
              e -> assertThat(((McpException) e).kind()).isEqualTo(McpException.Kind.PROTOCOL));
    }
  }

  @Test
  void everyStatelessRequestCarriesTheClientsVersionAndCapabilities() throws Exception {
    try (McpClient mcp = McpClient.stdioBuilder(TestServers.stdio("modern")).roots(ROOTS).build()) {
      mcp.call("echo", JsonObject.of("text", JsonString.of("hi")));
      awaitStderr(mcp, "event meta server/discover \"2026-07-28\" {\"roots\":{}}");
      awaitStderr(mcp, "event meta tools/call \"2026-07-28\" {\"roots\":{}}");
      assertThat(mcp.stderr()).doesNotContain("initialize");
      assertThat(mcp.serverInfo().instructions()).isEqualTo("Call echo first.");
    }
  }

  @Test
  void aToolListIsKeptForAsLongAsTheServerSaysAndNoLonger() throws Exception {
    try (McpClient keeps = McpClient.stdio(TestServers.stdio("modern", "ttl=600000"))) {
      List<McpTool> first = keeps.listTools();
      assertThat(keeps.listTools()).isSameAs(first);
      awaitStderr(keeps, "event tools/list 0");
      mcpCall(keeps);
      assertThat(keeps.stderr()).containsOnlyOnce("event tools/list 0");
    }
    try (McpClient fresh = McpClient.stdio(TestServers.stdio("modern", "ttl=0"))) {
      List<McpTool> first = fresh.listTools();
      List<McpTool> again = fresh.listTools();
      assertThat(again).as("the same tools: the same list").isSameAs(first);
      awaitStderr(fresh, "event meta tools/list");
      mcpCall(fresh);
      assertThat(fresh.stderr().split("event tools/list 0", -1)).hasSize(3);
    }
  }

  /** A request that goes after the listings, so that their events were written before its own. */
  private static void mcpCall(McpClient mcp) throws InterruptedException {
    mcp.call("echo", JsonObject.of("text", JsonString.of("sync")));
    awaitStderr(mcp, "event call echo");
  }
}
