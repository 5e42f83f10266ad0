package io.github.kimisdk.agents;

import io.github.kimisdk.KimiClient;
import io.github.kimisdk.chat.Message;
import io.github.kimisdk.chat.Thinking;
import io.github.kimisdk.json.JsonValue;
import io.github.kimisdk.mcp.McpClient;
import io.github.kimisdk.mcp.kimi.McpToolset;
import io.github.kimisdk.tool.FunctionTool;
import io.github.kimisdk.tool.ToolSource;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * A program that drives one durable run whose transfers are an MCP server's tool ({@link
 * LoopbackMcpServer}'s {@code transfer}, reached over Streamable HTTP): a separate JVM for {@link
 * McpApprovalProcessHttpTest} (the second process, which approves a paused transfer) and {@link
 * McpCrashResumeTest} (a worker its test kills with SIGKILL at a chosen point: it prints {@code
 * KILL-POINT} and waits to be killed). At its end it prints {@code RESULT} and how the run ended.
 *
 * <p>Arguments: {@code approve STORE_DIR BASE_URL MCP_URL RUN_ID KEY (target CALL_ID SHA256 | token
 * TOKEN)}; or {@code run|resume STORE_DIR BASE_URL MCP_URL RUN_ID KILL IDEMPOTENT}, where {@code
 * KILL} is a {@link KillPoint} (its transfers: those sent to the server).
 */
public final class McpWorker {
  /** The approval run's task: a lookup and a search, then a transfer that needs approval. */
  static final String APPROVAL_TASK =
      "balance account=acct-7 and $web_search then transfer to=acct-7 amount=100";

  /** The crash runs' task: three MCP transfers, each with a local notice. */
  static final String CRASH_TASK = CrashWorker.TASK;

  private McpWorker() {}

  /**
   * The approval run's agent, built alike in both processes: the MCP server's tools (the transfer
   * marked as needing a person's approval, and idempotent: its key goes to the server), Kimi's
   * {@code $web_search} (which wants thinking off), on a file store, under the application's key.
   */
  static Agent approvalAgent(KimiClient kimi, RunStore store, McpClient mcp, RunKey key) {
    return Agent.builder(kimi, "kimi-k2.6")
        .name("mcp-payments", "1")
        .tools(
            McpToolset.of(mcp),
            t -> t.name().equals("transfer") ? t.approval(Approval.always()).asIdempotent() : t)
        .tool(AgentTool.webSearch())
        .request(b -> b.thinking(Thinking.disabled()))
        .key(TestKeys.KEY)
        .store(store)
        .key(key)
        .build();
  }

  public static void main(String[] args) throws Exception {
    String mode = args[0];
    Path storeDir = Path.of(args[1]);
    String baseUrl = args[2];
    String mcpUrl = args[3];
    String runId = args[4];
    try (KimiClient kimi = KimiClient.builder().apiKey("sk-mcp-worker").baseUrl(baseUrl).build();
        McpClient mcp = McpClient.http(mcpUrl)) {
      RunResult r;
      if (mode.equals("approve")) {
        r = approve(kimi, mcp, storeDir, runId, args);
      } else {
        r = crash(kimi, mcp, storeDir, runId, mode, args[5], Boolean.parseBoolean(args[6]));
      }
      System.out.println("RESULT " + KillPoint.describe(r));
      System.out.flush();
    }
  }

  /** The second process: loads the paused run and approves the call it was shown. */
  private static RunResult approve(
      KimiClient kimi, McpClient mcp, Path storeDir, String runId, String[] args) {
    Agent agent = approvalAgent(kimi, FileRunStore.of(storeDir), mcp, RunKey.fromBase64(args[5]));
    Decision.Target target =
        args[6].equals("token")
            ? Decision.Target.fromToken(args[7])
            : Decision.Target.of(args[7], args[8]);
    RunState saved = agent.load(runId).orElseThrow();
    System.out.println("PENDING " + saved.pending());
    return agent.resume(runId, List.of(Decision.approve(target).by("alice", "invoice checked")));
  }

  /** A crash worker: runs or resumes the run, dying at its kill point. */
  private static RunResult crash(
      KimiClient kimi,
      McpClient mcp,
      Path storeDir,
      String runId,
      String mode,
      String kill,
      boolean idempotent) {
    KillPoint point = KillPoint.parse(kill);
    RunStore store = point.store(FileRunStore.of(storeDir));
    ToolSource bank =
        new Killing(
            McpToolset.builder(mcp).filter(t -> t.name().equals("transfer")).build(), point);
    AgentTool notify = BankTools.notifier();
    Agent agent =
        Agent.builder(kimi, "kimi-k3")
            .name("mcp-crash", "1")
            .tools(
                bank,
                t ->
                    idempotent
                        ? t.approval(Approval.never())
                        : new AgentTool(
                            t.tool(), t.handler(), Approval.never(), AgentTool.Effect.ONCE))
            .tool(notify)
            .key(TestKeys.KEY)
            .store(store)
            .claimWait(Duration.ofSeconds(30))
            .build();
    if (mode.equals("run")) {
      return agent.run(runId, List.of(Message.user(CRASH_TASK)));
    }
    RunResult r = agent.runOrResume(runId, List.of(Message.user(CRASH_TASK)));
    // a call found begun after a crash and not declared idempotent waits for a person: the
    // service honours the call's key, so running it again makes no second transfer
    for (int i = 0; i < 5 && r instanceof RunResult.Paused p; i++) {
      List<Decision> decisions = new ArrayList<>();
      for (PendingCall c : p.pending()) {
        decisions.add(Decision.approve(c).by("ops", "the bank honours the key"));
      }
      r = agent.resume(p.state(), decisions);
    }
    return r;
  }

  /** The MCP toolset, dying before or after the K-th transfer it sends to the server. */
  private static final class Killing implements ToolSource {
    private final ToolSource source;
    private final KillPoint point;

    Killing(ToolSource source, KillPoint point) {
      this.source = source;
      this.point = point;
    }

    @Override
    public String name() {
      return source.name();
    }

    @Override
    public List<FunctionTool> tools() {
      return source.tools();
    }

    @Override
    public Hints hints(String name) {
      return source.hints(name);
    }

    @Override
    public Result call(String name, JsonValue arguments, String idempotencyKey) throws Exception {
      if (!name.equals("transfer")) {
        return source.call(name, arguments, idempotencyKey);
      }
      int n = point.beforeEffect();
      Result r = source.call(name, arguments, idempotencyKey);
      point.afterEffect(n);
      return r;
    }
  }
}
