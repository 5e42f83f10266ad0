package io.github.kimisdk.agents;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.kimisdk.KimiClient;
import io.github.kimisdk.chat.Message;
import io.github.kimisdk.mcp.McpClient;
import io.github.kimisdk.testing.FakeKimiExtension;
import io.github.kimisdk.testing.FakeKimiServer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 97's MCP scenario, against the fake and an MCP server the test starts over Streamable HTTP
 * ({@link LoopbackMcpServer}): a durable run on a {@link FileRunStore} takes the server's tools and
 * {@code $web_search}, runs the read-only lookup and the search, and pauses before the MCP {@code
 * transfer} that needs approval ({@code tools(source, adjust)}); a second process ({@link
 * McpWorker}, a JVM of its own) loads the run and approves the call it was shown (by its id and
 * digest, or by a signed token); the server makes the transfer once, under the call's idempotency
 * key, and every request the fake received keeps Kimi's rules.
 */
@ExtendWith(FakeKimiExtension.class)
@Tag("multiprocess") // worker JVMs killed and resumed: mvn -B -P slow verify
class McpApprovalProcessHttpTest {
  static final byte[] KEY_BYTES =
      "an application key, 32 bytes....".getBytes(StandardCharsets.UTF_8);
  static final RunKey KEY = RunKey.of(KEY_BYTES);

  @TempDir Path dir;
  LoopbackMcpServer bank;

  @BeforeEach
  void start() {
    bank = LoopbackMcpServer.start("bank");
  }

  @AfterEach
  void stop() {
    bank.close();
  }

  /** Starts the run in this process: it pauses on the transfer. */
  PendingCall startPaused(Agent agent, FakeKimiServer server) {
    RunResult r = agent.run("invoice-42", List.of(Message.user(McpWorker.APPROVAL_TASK)));
    assertThat(r).as("%s", r).isInstanceOf(RunResult.Paused.class);
    List<PendingCall> pending = ((RunResult.Paused) r).pending();
    assertThat(pending).hasSize(1);
    PendingCall p = pending.get(0);
    assertThat(p.kind()).isEqualTo(PendingCall.Kind.APPROVAL);
    assertThat(p.tool()).isEqualTo("transfer");
    assertThat(p.arguments()).isEqualTo("{\"to\":\"acct-7\",\"amount\":100}");
    // the lookup (read-only by the server's hint) ran without asking; the search was echoed
    assertThat(bank.events()).containsExactly("call balance {\"account\":\"acct-7\"}");
    assertThat(bank.transfers()).isEmpty();
    assertThat(server.requests().get(1).bodyText()).contains("\"name\":\"$web_search\"");
    return p;
  }

  void approvedInAnotherProcess(Agent agent, PendingCall p, FakeKimiServer server, List<String> how)
      throws Exception {
    int before = server.requestCount();
    List<String> args =
        new java.util.ArrayList<>(
            List.of(
                "approve",
                dir.toString(),
                server.baseUrl(),
                bank.url(),
                "invoice-42",
                Base64.getEncoder().encodeToString(KEY_BYTES)));
    args.addAll(how);
    List<String> out = ChildJvm.run(McpWorker.class, args, false);

    assertThat(ChildJvm.result(out))
        .as("%s", out)
        .startsWith("ANSWERED From the tools: ")
        .contains("transfer says transferred 100 to acct-7");
    assertThat(bank.transfers())
        .containsExactly(new LoopbackMcpServer.Transfer(p.idempotencyKey(), "acct-7", 100));
    assertThat(bank.transferRequests()).isEqualTo(1);
    assertThat(server.requestCount()).isEqualTo(before + 1);
    // back here: the run as the store holds it, answered; resumed, nothing runs again
    RunState saved = agent.load("invoice-42").orElseThrow();
    assertThat(saved.status()).isEqualTo(RunState.Status.ANSWERED);
    assertThat(agent.resume(saved, List.of())).isInstanceOf(RunResult.Answered.class);
    assertThat(bank.transferRequests()).isEqualTo(1);
    assertThat(server.requestCount()).isEqualTo(before + 1);
    KimisRules.check(server.requests());
  }

  @Test
  void aTransferApprovedInASecondProcessByItsIdAndDigestIsMadeOnce(
      FakeKimiServer server, KimiClient kimi) throws Exception {
    pausedThenApprovedInAnotherProcess(
        server, kimi, (agent, p) -> List.of("target", p.id(), p.argumentsSha256()));
  }

  @Test
  void aTransferApprovedInASecondProcessByASignedTokenIsMadeOnce(
      FakeKimiServer server, KimiClient kimi) throws Exception {
    pausedThenApprovedInAnotherProcess(
        server, kimi, (agent, p) -> List.of("token", agent.token(p)));
  }

  /** Runs the agent until it pauses on its transfer, then approves it in another process. */
  void pausedThenApprovedInAnotherProcess(
      FakeKimiServer server,
      KimiClient kimi,
      java.util.function.BiFunction<Agent, PendingCall, List<String>> how)
      throws Exception {
    try (McpClient mcp = McpClient.http(bank.url())) {
      Agent agent = McpWorker.approvalAgent(kimi, FileRunStore.of(dir), mcp, KEY);
      PendingCall p = startPaused(agent, server);
      approvedInAnotherProcess(agent, p, server, how.apply(agent, p));
    }
  }
}
