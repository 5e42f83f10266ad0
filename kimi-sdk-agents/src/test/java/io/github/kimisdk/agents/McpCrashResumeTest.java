package io.github.kimisdk.agents;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.kimisdk.testing.FakeKimiServer;
import io.github.kimisdk.testing.RecordedRequest;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Twenty durable runs whose transfers are an MCP server's tool (over Streamable HTTP, {@link
 * LoopbackMcpServer}, which honours the idempotency key each call carries in its {@code _meta}),
 * each killed with SIGKILL at a seeded point (before or after a write to the store, before or after
 * a transfer is sent) in a worker JVM of its own ({@link McpWorker}), then resumed by new JVMs
 * until it answers: every planned transfer is made exactly once, under the key of its call, and
 * every request the model server received keeps Kimi's rules (kimi-k3 thinks on every step). Half
 * the runs declare the transfer idempotent (a call found begun runs again with its key), half leave
 * it {@code ONCE} (it comes back in doubt, and the worker's person approves running it again,
 * knowing the service honours keys).
 */
@Tag("multiprocess") // worker JVMs killed and resumed: mvn -B -P slow verify
class McpCrashResumeTest {
  static final int RUNS = 20;
  static final int WRITES_PER_RUN = 17; // the start, 3 replies and 6 calls twice, the answer

  @TempDir Path dir;

  @Test
  void killedAtTwentySeededPointsAndResumedEveryMcpTransferIsMadeOnce() throws Exception {
    Path store = Files.createDirectories(dir.resolve("runs"));
    List<String> points = new ArrayList<>();
    try (FakeKimiServer server = new FakeKimiServer().start();
        LoopbackMcpServer bank = LoopbackMcpServer.start("bank")) {
      Random r = new Random(9700);
      for (int i = 0; i < RUNS; i++) {
        String kill = KillPoint.seeded(r, WRITES_PER_RUN);
        boolean idempotent = r.nextBoolean();
        String runId = "mcp-crash-" + i;
        points.add(kill + (idempotent ? " idempotent" : " once"));
        KillPoint.killAndResume(
            McpWorker.class,
            runId,
            kill,
            (mode, at) -> args(mode, store, server, bank, runId, at, idempotent),
            result -> {});
      }
      // every transfer once: three a run, under the keys of its three transfer calls
      Map<String, LoopbackMcpServer.Transfer> expected = new HashMap<>();
      for (int i = 0; i < RUNS; i++) {
        String runId = "mcp-crash-" + i;
        String instance =
            RunState.fromBytes(FileRunStore.of(store).get(runId, Ids.STATE)).data().instance;
        for (int step = 1; step <= 3; step++) {
          String key = Ids.idempotencyKey(instance, runId, step, 0);
          expected.put(key, new LoopbackMcpServer.Transfer(key, "acct-" + step, 10 + step));
        }
      }
      assertThat(bank.transfers())
          .as("points %s", points)
          .hasSize(3 * RUNS)
          .containsExactlyInAnyOrderElementsOf(expected.values());
      assertThat(bank.transferRequests()).isGreaterThanOrEqualTo(3 * RUNS);
      for (RecordedRequest req : server.requests()) {
        assertThat(req.status()).as(req.bodyText()).isEqualTo(200);
        KimisRules.check(req);
      }
      assertThat(server.requests()).hasSizeGreaterThanOrEqualTo(RUNS * 4);
    }
  }

  private static List<String> args(
      String mode,
      Path store,
      FakeKimiServer server,
      LoopbackMcpServer bank,
      String runId,
      String kill,
      boolean idempotent) {
    return List.of(
        mode,
        store.toString(),
        server.baseUrl(),
        bank.url(),
        runId,
        kill,
        Boolean.toString(idempotent));
  }
}
