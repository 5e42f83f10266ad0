package io.github.kimisdk.agents;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.kimisdk.json.Json;
import io.github.kimisdk.json.JsonObject;
import io.github.kimisdk.json.JsonValue;
import io.github.kimisdk.testing.FakeKimiServer;
import io.github.kimisdk.testing.RecordedRequest;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
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
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Twenty runs, each killed with SIGKILL at a seeded point (before or after a write to the store,
 * before or after a transfer's effect) in a JVM of its own, then resumed by a new JVM until it
 * answers: every planned transfer is done exactly once, every run answers, and every request the
 * model server received keeps Kimi's rules (each tool call answered, {@code reasoning_content} on
 * each assistant message; kimi-k3 thinks on every step).
 */
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
        String kill =
            switch (r.nextInt(4)) {
              case 0 -> "put-before:" + (1 + r.nextInt(WRITES_PER_RUN));
              case 1 -> "put-after:" + (1 + r.nextInt(WRITES_PER_RUN));
              case 2 -> "effect-before:" + (1 + r.nextInt(3));
              default -> "effect-after:" + (1 + r.nextInt(3));
            };
        boolean idempotent = r.nextBoolean();
        String runId = "crash-" + i;
        List<String> first = worker("run", store, bank, server, runId, kill, idempotent, true);
        assertThat(first)
            .as("run %s with %s", runId, kill)
            .anyMatch(l -> l.startsWith("KILL-POINT"));
        points.add(kill + (idempotent ? " idempotent" : ""));
        String result = null;
        for (int attempt = 0;
            attempt < 6 && (result == null || !result.startsWith("ANSWERED"));
            attempt++) {
          List<String> out =
              worker("resume", store, bank, server, runId, "none", idempotent, false);
          result = last(out);
          if (result.startsWith("TAKEN ")) {
            waitUntil(Instant.ofEpochMilli(Long.parseLong(result.substring(6).trim())));
          }
        }
        assertThat(result).as("run %s killed %s", runId, kill).startsWith("ANSWERED");
        assertThat(result).contains("acct-1").contains("acct-2").contains("acct-3");
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
        keepsKimisRules(req);
      }
      assertThat(server.requests()).hasSizeGreaterThanOrEqualTo(RUNS * 4);
    }
  }

  /**
   * Each assistant message carries reasoning, and each of its calls is answered before the next.
   */
  static void keepsKimisRules(RecordedRequest req) {
    if (!req.path().endsWith("/chat/completions")) {
      return;
    }
    JsonObject body = Json.parse(req.bodyText()).asObject();
    List<JsonValue> messages = body.get("messages").asArray().values();
    Set<String> open = new HashSet<>();
    for (JsonValue v : messages) {
      JsonObject m = v.asObject();
      String role = m.get("role").asString();
      if (role.equals("tool")) {
        assertThat(open.remove(m.get("tool_call_id").asString())).as(req.bodyText()).isTrue();
        continue;
      }
      assertThat(open).as("calls answered before the next message: %s", req.bodyText()).isEmpty();
      if (role.equals("assistant")) {
        assertThat(m.get("reasoning_content")).as(req.bodyText()).isNotNull();
        if (m.get("tool_calls") != null) {
          for (JsonValue c : m.get("tool_calls").asArray().values()) {
            open.add(c.get("id").asString());
          }
        }
      }
    }
    assertThat(open).as("the request ends with every call answered").isEmpty();
  }

  private static String last(List<String> out) {
    for (int i = out.size() - 1; i >= 0; i--) {
      if (out.get(i).startsWith("RESULT ")) {
        return out.get(i).substring(7);
      }
    }
    return "no RESULT: " + out;
  }

  /** Waits until a dead worker's claim lapses: the instant the store named. */
  private static void waitUntil(Instant until) throws InterruptedException {
    long ms = until.toEpochMilli() - System.currentTimeMillis() + 20;
    if (ms > 0) {
      TimeUnit.MILLISECONDS.sleep(Math.min(ms, 5_000));
    }
  }

  /** Runs a worker JVM; with {@code killable}, kills it with SIGKILL once it reaches its point. */
  private static List<String> worker(
      String mode,
      Path store,
      Path bank,
      FakeKimiServer server,
      String runId,
      String kill,
      boolean idempotent,
      boolean killable)
      throws Exception {
    List<String> command =
        List.of(
            Path.of(System.getProperty("java.home"), "bin", "java").toString(),
            "-XX:TieredStopAtLevel=1",
            "-Xshare:auto",
            "-cp",
            System.getProperty("java.class.path"),
            CrashWorker.class.getName(),
            mode,
            store.toString(),
            bank.toString(),
            server.baseUrl(),
            runId,
            kill,
            Boolean.toString(idempotent));
    Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
    List<String> lines = new ArrayList<>();
    try (BufferedReader in =
        new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
      String line;
      while ((line = in.readLine()) != null) {
        lines.add(line);
        if (killable && line.startsWith("KILL-POINT")) {
          p.destroyForcibly(); // SIGKILL
          break;
        }
      }
    }
    assertThat(p.waitFor(60, TimeUnit.SECONDS)).as("worker %s %s ended", mode, runId).isTrue();
    return lines;
  }
}
