package io.github.kimisdk.agents;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.kimisdk.KimiClient;
import io.github.kimisdk.chat.Message;
import io.github.kimisdk.chat.ToolMessage;
import io.github.kimisdk.mcp.McpClient;
import io.github.kimisdk.mcp.McpException;
import io.github.kimisdk.mcp.kimi.McpToolset;
import io.github.kimisdk.testing.FakeKimiExtension;
import io.github.kimisdk.testing.FakeKimiServer;
import io.github.kimisdk.tool.JsonSchema;
import io.github.kimisdk.tool.Tool;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * An MCP server's tools in a run in memory (ported from the core's McpToolRunnerHttpTest), against
 * the fake, whose model calls the tools named, and {@link LoopbackMcpServer} over Streamable HTTP:
 * beside local tools, renamed, clashing across servers, a list that changes, a timeout that cancels
 * the call on the server, an error result, a failed call, a server that cannot list; and the
 * server's hints as the run's effects and approvals, its idempotency key in the call's {@code
 * _meta}.
 */
@ExtendWith(FakeKimiExtension.class)
class AgentMcpHttpTest {

  private LoopbackMcpServer server;

  @BeforeEach
  void start() {
    server = LoopbackMcpServer.start("loopback");
  }

  @AfterEach
  void stop() {
    server.close();
  }

  /** The tool messages a run added, as {@code name: content}. */
  static List<String> toolMessages(RunState s) {
    return s.messages().subList(s.newMessageIndex(), s.messages().size()).stream()
        .filter(m -> m instanceof ToolMessage)
        .map(m -> ((ToolMessage) m).name() + ": " + ((ToolMessage) m).content())
        .toList();
  }

  /** A local tool of one required argument, {@code text}, answering {@code answer} of it. */
  static AgentTool textTool(String name, String description, UnaryOperator<String> answer) {
    return AgentTool.of(
        name,
        description,
        JsonSchema.object().required("text", JsonSchema.string()).build(),
        (a, ctx) -> answer.apply(a.get("text").asString()));
  }

  /** The answered state of a run of K2.6 given {@code task} and the loopback server's tools. */
  RunState answeredWithServersTools(KimiClient kimi, String task) {
    try (McpClient mcp = McpClient.http(server.url())) {
      Agent agent = Agent.builder(kimi, "kimi-k2.6").tools(McpToolset.of(mcp)).build();
      return answered(agent.run(List.of(Message.user(task))));
    }
  }

  static RunState answered(RunResult r) {
    assertThat(r).isInstanceOf(RunResult.Answered.class);
    return ((RunResult.Answered) r).state();
  }

  @Test
  void theModelCallsAnMcpToolBesideALocalOne(KimiClient kimi) {
    try (McpClient mcp = McpClient.http(server.url())) {
      Agent agent =
          Agent.builder(kimi, "kimi-k2.6")
              .tool(textTool("shout", "Upper-cases a text", String::toUpperCase))
              .tools(McpToolset.of(mcp))
              .build();
      RunResult r = agent.run(List.of(Message.user("Use echo and shout with text=hello")));
      assertThat(toolMessages(answered(r))).containsExactly("echo: echo: hello", "shout: HELLO");
      assertThat(r.text()).isEqualTo("From the tools: echo says echo: hello; shout says HELLO.");
      assertThat(agent.tools()).extracting(Tool::name).startsWith("shout", "echo", "dotted_name");
    }
  }

  @Test
  void aRenamedToolReachesTheServersToolAndErrorsReachTheModel(KimiClient kimi) {
    RunState s = answeredWithServersTools(kimi, "Use dotted_name and fail");
    assertThat(toolMessages(s))
        .containsExactly("dotted_name: dotted.name ok", "fail: Error: the tool failed on purpose");
    assertThat(server.events()).contains("call dotted.name {}", "call fail {}");
  }

  @Test
  void toolsWithTheSameNameOnSeveralServersGetTheServersName(KimiClient kimi) {
    try (LoopbackMcpServer other = LoopbackMcpServer.start("other");
        McpClient a = McpClient.httpBuilder(server.url()).name("alpha").build();
        McpClient b = McpClient.httpBuilder(other.url()).name("beta").build()) {
      Agent agent =
          Agent.builder(kimi, "kimi-k2.6")
              .tool(textTool("echo", "A local echo", text -> "local " + text))
              .tools(McpToolset.builder(a).filter(t -> t.name().equals("echo")).build())
              .tools(McpToolset.builder(b).filter(t -> t.name().equals("echo")).build())
              .build();
      assertThat(agent.tools())
          .extracting(Tool::name)
          .containsExactly("echo", "alpha_echo", "beta_echo");
      RunState s =
          answered(
              agent.run(List.of(Message.user("Use echo, alpha_echo and beta_echo with text=x"))));
      assertThat(toolMessages(s))
          .containsExactly("echo: local x", "alpha_echo: echo: x", "beta_echo: echo: x");
      assertThat(server.events()).contains("call echo {\"text\":\"x\"}");
      assertThat(other.events()).contains("call echo {\"text\":\"x\"}");
    }
  }

  @Test
  void aChangedToolListIsOfferedAtTheNextStep(FakeKimiServer fake, KimiClient kimi) {
    RunState s = answeredWithServersTools(kimi, "Use add_tool, then use added_tool");
    assertThat(toolMessages(s)).containsExactly("add_tool: added", "added_tool: added_tool ok");
    assertThat(fake.takeRequest().bodyText()).doesNotContain("\"added_tool\"");
    assertThat(fake.takeRequest().bodyText()).contains("\"added_tool\"");
  }

  /**
   * A call the tool timeout cut is answered as timed out, whatever its handler threw once
   * interrupted (ToolRunner's behaviour). Fails today: the MCP client turns the interrupt into an
   * {@code McpException} ("interrupted while waiting for an answer; the request was cancelled on
   * the server"), and the loop ({@code Execution.handle}) reports a timeout only for an {@code
   * InterruptedException}, so the model reads "hang failed: McpException: ...".
   */
  @Test
  void aToolTimeoutCancelsTheCallOnTheServer(KimiClient kimi) throws Exception {
    try (McpClient mcp = McpClient.http(server.url())) {
      Agent agent =
          Agent.builder(kimi, "kimi-k2.6")
              .tools(McpToolset.of(mcp))
              .toolTimeout(Duration.ofMillis(300))
              .build();
      RunState s = answered(agent.run(List.of(Message.user("Use hang"))));
      assertThat(toolMessages(s))
          .containsExactly("hang: Error: hang did not finish within 300 ms and was cancelled");
      assertThat(server.awaitEvent("cancelled ", Duration.ofSeconds(30)))
          .endsWith(": the client cancelled the request");
    }
  }

  /**
   * Changed on purpose: the agent module keeps one timer of its own for tool timeouts and claims'
   * heartbeats ({@code kimi-agent-watchdog}), beside the core's; no call starts a timer thread.
   */
  @Test
  void anAgentRunWithAnMcpToolTimingOutStartsNoTimerThreadOfItsOwn(KimiClient kimi) {
    List<String> timers = new CopyOnWriteArrayList<>();
    try (McpClient mcp =
        McpClient.httpBuilder(server.url()).callTimeout(Duration.ofMinutes(5)).build()) {
      Agent agent =
          Agent.builder(kimi, "kimi-k2.6")
              .tools(McpToolset.of(mcp))
              .toolTimeout(Duration.ofMillis(300))
              .listener(
                  e -> {
                    if (e instanceof RunEvent.ToolFinished) {
                      // right after the timeout fired, while the MCP call's own timeout waits
                      for (Thread t : Thread.getAllStackTraces().keySet()) {
                        String n = t.getName();
                        if ((n.startsWith("mcp-") || n.startsWith("kimi-"))
                            && (n.contains("time") || n.contains("watchdog"))) {
                          timers.add(n);
                        }
                      }
                    }
                  })
              .build();
      RunState s = answered(agent.run(List.of(Message.user("Use hang"))));
      // the wording of the timeout is aToolTimeoutCancelsTheCallOnTheServer's concern
      assertThat(toolMessages(s)).singleElement().asString().startsWith("hang: Error: hang ");
    }
    assertThat(timers)
        .as("the SDK's timer threads during the run: DaemonTimer's and the agent's watchdog")
        .isNotEmpty()
        .allMatch(n -> n.startsWith("kimi-timer-") || n.equals("kimi-agent-watchdog"))
        .anyMatch(n -> n.startsWith("kimi-timer-shared-"))
        .anyMatch(n -> n.equals("kimi-agent-watchdog"));
  }

  @Test
  void aFailedCallIsAnErrorTheModelReads(KimiClient kimi) {
    RunState s = answeredWithServersTools(kimi, "Use crash");
    assertThat(toolMessages(s))
        .singleElement()
        .asString()
        .startsWith("crash: Error: crash failed: McpException: MCP server \"loopback\": ");
  }

  /** Changed on purpose: no model call was made, so the run counts no step (ToolRunner said 1). */
  @Test
  void aServerThatCannotListItsToolsEndsTheRun(FakeKimiServer fake, KimiClient kimi) {
    McpClient mcp = McpClient.http(server.url());
    mcp.close();
    Agent agent = Agent.builder(kimi, "kimi-k2.6").tools(McpToolset.of(mcp)).build();
    RunResult r = agent.run(List.of(Message.user("Use echo")));
    assertThat(r).isInstanceOf(RunResult.Failed.class);
    RunResult.Failed f = (RunResult.Failed) r;
    assertThat(f.error())
        .isInstanceOf(McpException.class)
        .hasMessage("MCP server \"loopback\": tools/list not sent: the connection is closed");
    assertThat(f.state().steps()).isZero();
    assertThat(f.state().messages()).hasSize(1);
    assertThat(fake.requestCount()).isZero();
  }

  @Test
  void aServersHintsBecomeTheToolsEffectsAndApprovalsAndItsCallsCarryTheirKeys(KimiClient kimi) {
    try (McpClient mcp = McpClient.http(server.url())) {
      Agent agent = Agent.builder(kimi, "kimi-k3").tools(McpToolset.of(mcp)).build();
      RunResult r =
          agent.run(
              List.of(
                  Message.user(
                      "Use balance with account=acct-1 then transfer to=acct-1 amount=5")));

      // balance is read-only: it ran without asking; transfer is destructive: it waits
      assertThat(r).isInstanceOf(RunResult.Paused.class);
      PendingCall p = ((RunResult.Paused) r).pending().get(0);
      assertThat(p.tool()).isEqualTo("transfer");
      assertThat(p.policy()).isEqualTo("always");
      assertThat(server.events()).containsExactly("call balance {\"account\":\"acct-1\"}");
      assertThat(server.transfers()).isEmpty();

      RunResult done = agent.resume(((RunResult.Paused) r).state(), List.of(Decision.approve(p)));

      assertThat(done.text()).contains("transfer says transferred 5 to acct-1");
      assertThat(server.transfers())
          .containsExactly(new LoopbackMcpServer.Transfer(p.idempotencyKey(), "acct-1", 5));
    }
  }
}
