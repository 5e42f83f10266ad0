package io.github.kimisdk.agents;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.kimisdk.testing.FakeKimiServer;
import io.github.kimisdk.testing.RecordedRequest;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Twenty runs, each killed with SIGKILL at a seeded point (before or after a write to the store,
 * before or after a transfer's effect) in a JVM of its own, then resumed by a new JVM until it
 * answers: every planned transfer is done exactly once, every run answers, and every request the
 * model server received keeps Kimi's rules (each tool call answered, {@code reasoning_content} on
 * each assistant message; kimi-k3 thinks on every step).
 */
@Tag("multiprocess") // worker JVMs killed and resumed: mvn -B -P slow verify
class CrashResumeTest {
  static final int RUNS = 20;
  static final int WRITES_PER_RUN = 17; // the start, 3 replies and 6 calls twice, the answer

  @TempDir Path dir;

  @Test
  void killedAtTwentySeededPointsAndResumedEveryTransferIsDoneOnce() throws Exception {
    Path store = Files.createDirectories(dir.resolve("runs"));
    Path bank = Files.createDirectories(dir.resolve("bank"));
    List<String> points = new ArrayList<>();
    try (FakeKimiServer server = new FakeKimiServer().start()) {
      Random r = new Random(9100); // one stream: nearby seeds give alike first draws
      for (int i = 0; i < RUNS; i++) {
        String kill = KillPoint.seeded(r, WRITES_PER_RUN);
        boolean idempotent = r.nextBoolean();
        String runId = "crash-" + i;
        points.add(kill + (idempotent ? " idempotent" : ""));
        KillPoint.killAndResume(
            CrashWorker.class,
            runId,
            kill,
            (mode, at) -> args(mode, store, bank, server, runId, at, idempotent),
            result -> {
              if (result.startsWith("TAKEN ")) {
                waitUntil(Instant.ofEpochMilli(Long.parseLong(result.substring(6).trim())));
              }
            });
      }
      // every transfer once: three effects a run, under the keys of its three transfer calls
      Set<String> expected = new HashSet<>();
      for (int i = 0; i < RUNS; i++) {
        String instance =
            RunState.fromBytes(FileRunStore.of(store).get("crash-" + i, Ids.STATE)).data().instance;
        for (int step = 1; step <= 3; step++) {
          expected.add(Ids.idempotencyKey(instance, "crash-" + i, step, 0));
        }
      }
      Set<String> effects = new HashSet<>();
      try (Stream<Path> files = Files.list(bank)) {
        files
            .map(p -> p.getFileName().toString())
            .filter(n -> n.startsWith("kimi-"))
            .forEach(effects::add);
      }
      assertThat(effects).as("points %s", points).isEqualTo(expected);
      for (RecordedRequest req : server.requests()) {
        KimisRules.check(req);
      }
      assertThat(server.requests()).hasSizeGreaterThanOrEqualTo(RUNS * 4);
    }
  }

  /** Waits until a dead worker's claim lapses: the instant the store named. */
  private static void waitUntil(Instant until) throws InterruptedException {
    long ms = until.toEpochMilli() - System.currentTimeMillis() + 20;
    if (ms > 0) {
      TimeUnit.MILLISECONDS.sleep(Math.min(ms, 5_000));
    }
  }

  private static List<String> args(
      String mode,
      Path store,
      Path bank,
      FakeKimiServer server,
      String runId,
      String kill,
      boolean idempotent) {
    return List.of(
        mode,
        store.toString(),
        bank.toString(),
        server.baseUrl(),
        runId,
        kill,
        Boolean.toString(idempotent));
  }
}
