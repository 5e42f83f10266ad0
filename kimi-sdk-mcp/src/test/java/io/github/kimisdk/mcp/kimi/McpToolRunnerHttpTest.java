package io.github.kimisdk.mcp.kimi;

import static io.github.kimisdk.mcp.TestServers.awaitStderr;
import static io.github.kimisdk.mcp.TestServers.stdio;
import static org.assertj.core.api.Assertions.assertThat;

import io.github.kimisdk.KimiClient;
import io.github.kimisdk.agent.ToolRunner;
import io.github.kimisdk.chat.ChatRequest;
import io.github.kimisdk.chat.ToolMessage;
import io.github.kimisdk.mcp.McpClient;
import io.github.kimisdk.mcp.McpException;
import io.github.kimisdk.mcp.McpHttpTestServer;
import io.github.kimisdk.testing.FakeKimiServer;
import io.github.kimisdk.tool.JsonSchema;
import io.github.kimisdk.tool.Tool;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** ToolRunner with MCP servers, against FakeKimiServer, whose model calls the tools named. */
class McpToolRunnerHttpTest {

  private FakeKimiServer kimiServer;
  private KimiClient kimi;

  @BeforeEach
  void start() {
    kimiServer = new FakeKimiServer().start();
    kimi = KimiClient.builder().apiKey("test-key").baseUrl(kimiServer.baseUrl()).build();
  }

  @AfterEach
  void stop() {
    kimi.close();
    kimiServer.close();
  }

  private static List<String> toolMessages(ToolRunner.Result r) {
    return r.newMessages().stream()
        .filter(m -> m instanceof ToolMessage)
        .map(m -> ((ToolMessage) m).name() + ": " + ((ToolMessage) m).content())
        .toList();
  }

  @Test
  void theModelCallsAnMcpToolBesideALocalOne() {
    try (McpClient mcp = McpClient.stdio(stdio())) {
      ToolRunner runner =
          ToolRunner.builder(kimi)
              .tool(
                  "shout",
                  "Upper-cases a text",
                  JsonSchema.object().required("text", JsonSchema.string()).build(),
                  a -> a.get("text").asString().toUpperCase())
              .tools(McpToolset.of(mcp))
              .build();
      ToolRunner.Result r =
          runner.run(ChatRequest.of("kimi-k2.6", "Use echo and shout with text=hello"));
      assertThat(r.outcome()).isEqualTo(ToolRunner.Outcome.ANSWERED);
      assertThat(toolMessages(r)).containsExactly("echo: echo: hello", "shout: HELLO");
      assertThat(r.text()).isEqualTo("From the tools: echo says echo: hello; shout says HELLO.");
      assertThat(runner.tools()).extracting(Tool::name).startsWith("shout", "echo", "add");
    }
  }

  @Test
  void aRenamedToolReachesTheServersToolAndErrorsReachTheModel() {
    try (McpClient mcp = McpClient.stdio(stdio())) {
      ToolRunner runner = ToolRunner.builder(kimi).tools(McpToolset.of(mcp)).build();
      ToolRunner.Result r = runner.run(ChatRequest.of("kimi-k2.6", "Use dotted_name and fail"));
      assertThat(toolMessages(r))
          .containsExactly(
              "dotted_name: dotted.name ok", "fail: Error: the tool failed on purpose");
      assertThat(r.newMessages().get(0).toString()).contains("dotted_name");
    }
  }

  @Test
  void toolsWithTheSameNameOnSeveralServersGetTheServersName() throws Exception {
    try (McpHttpTestServer http = McpHttpTestServer.start();
        McpClient a = McpClient.stdioBuilder(stdio()).name("alpha").build();
        McpClient b = McpClient.httpBuilder(http.url()).name("beta").build()) {
      ToolRunner runner =
          ToolRunner.builder(kimi)
              .tool(
                  "echo",
                  "A local echo",
                  JsonSchema.object().required("text", JsonSchema.string()).build(),
                  x -> "local " + x.get("text").asString())
              .tools(McpToolset.builder(a).filter(t -> t.name().equals("echo")).build())
              .tools(McpToolset.builder(b).filter(t -> t.name().equals("echo")).build())
              .build();
      assertThat(runner.tools())
          .extracting(Tool::name)
          .containsExactly("echo", "alpha_echo", "beta_echo");
      ToolRunner.Result r =
          runner.run(ChatRequest.of("kimi-k2.6", "Use echo, alpha_echo and beta_echo with text=x"));
      assertThat(toolMessages(r))
          .containsExactly("echo: local x", "alpha_echo: echo: x", "beta_echo: echo: x");
      awaitStderr(a, "event call echo {\"text\":\"x\"}");
      assertThat(http.events()).contains("call echo {\"text\":\"x\"}");
    }
  }

  @Test
  void aChangedToolListIsOfferedAtTheNextStep() {
    try (McpClient mcp = McpClient.stdio(stdio())) {
      ToolRunner runner = ToolRunner.builder(kimi).tools(McpToolset.of(mcp)).build();
      ToolRunner.Result r =
          runner.run(ChatRequest.of("kimi-k2.6", "Use add_tool, then use added_tool"));
      assertThat(r.outcome()).isEqualTo(ToolRunner.Outcome.ANSWERED);
      assertThat(toolMessages(r)).containsExactly("add_tool: added", "added_tool: added_tool ok");
      assertThat(kimiServer.takeRequest().bodyText()).doesNotContain("\"added_tool\"");
      assertThat(kimiServer.takeRequest().bodyText()).contains("\"added_tool\"");
    }
  }

  @Test
  void aToolTimeoutCancelsTheCallOnTheServer() throws Exception {
    try (McpClient mcp = McpClient.stdio(stdio())) {
      ToolRunner runner =
          ToolRunner.builder(kimi)
              .tools(McpToolset.of(mcp))
              .toolTimeout(Duration.ofMillis(300))
              .build();
      ToolRunner.Result r = runner.run(ChatRequest.of("kimi-k2.6", "Use hang"));
      assertThat(toolMessages(r))
          .containsExactly("hang: Error: hang did not finish within 300 ms and was cancelled");
      awaitStderr(mcp, "event cancelled 10: the client cancelled the request");
    }
  }

  @Test
  void anAgentRunWithAnMcpToolTimingOutUsesOneTimerMechanism() {
    List<String> timers = new CopyOnWriteArrayList<>();
    try (McpClient mcp =
        McpClient.stdioBuilder(stdio()).callTimeout(Duration.ofMinutes(5)).build()) {
      ToolRunner runner =
          ToolRunner.builder(kimi)
              .tools(McpToolset.of(mcp))
              .toolTimeout(Duration.ofMillis(300))
              .listener(
                  new ToolRunner.Listener() {
                    @Override
                    public void onToolResult(int step, ToolRunner.ToolResult result) {
                      // Right after the timeout fired, while the MCP call's own timeout waits.
                      for (Thread t : Thread.getAllStackTraces().keySet()) {
                        String n = t.getName();
                        if ((n.startsWith("mcp-") || n.startsWith("kimi-")) && n.contains("time")) {
                          timers.add(n);
                        }
                      }
                    }
                  })
              .build();
      ToolRunner.Result r = runner.run(ChatRequest.of("kimi-k2.6", "Use hang"));
      assertThat(toolMessages(r))
          .containsExactly("hang: Error: hang did not finish within 300 ms and was cancelled");
    }
    assertThat(timers)
        .as("the SDK's timer threads during the run: DaemonTimer's only")
        .isNotEmpty()
        .allMatch(n -> n.startsWith("kimi-timer-"), "start with kimi-timer-")
        .anyMatch(n -> n.startsWith("kimi-timer-shared-"));
  }

  @Test
  void aFailedCallIsAnErrorTheModelReads() {
    try (McpClient mcp = McpClient.stdio(stdio())) {
      ToolRunner runner = ToolRunner.builder(kimi).tools(McpToolset.of(mcp)).build();
      ToolRunner.Result r = runner.run(ChatRequest.of("kimi-k2.6", "Use crash"));
      assertThat(r.outcome()).isEqualTo(ToolRunner.Outcome.ANSWERED);
      assertThat(toolMessages(r).get(0))
          .startsWith(
              "crash: Error: crash failed: McpException: MCP server \"test-server\": the server"
                  + " closed its output and exited with status 3");
    }
  }

  @Test
  void aServerThatCannotListItsToolsEndsTheRun() {
    McpClient mcp = McpClient.stdio(stdio());
    mcp.close();
    ToolRunner runner = ToolRunner.builder(kimi).tools(McpToolset.of(mcp)).build();
    ToolRunner.Result r = runner.run(ChatRequest.of("kimi-k2.6", "Use echo"));
    assertThat(r.outcome()).isEqualTo(ToolRunner.Outcome.FAILED);
    assertThat(r.error())
        .isInstanceOf(McpException.class)
        .hasMessage("MCP server \"test-server\": tools/list not sent: the connection is closed");
    assertThat(r.steps()).isEqualTo(1);
    assertThat(r.newMessages()).isEmpty();
  }
}
