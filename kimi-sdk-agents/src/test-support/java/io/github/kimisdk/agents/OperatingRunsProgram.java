package io.github.kimisdk.agents;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.kimisdk.KimiClient;
import io.github.kimisdk.chat.Message;
import io.github.kimisdk.json.Json;
import io.github.kimisdk.json.JsonObject;
import io.github.kimisdk.json.JsonValue;
import io.github.kimisdk.testing.FakeKimiServer;
import io.github.kimisdk.testing.FakeResponse;
import io.github.kimisdk.testing.RecordedRequest;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 98's "done when", on a store a subclass names (PostgreSQL, Redis): a team's program,
 * written from the guide (operating-agents.md) with the public API alone, runs 200 payments runs
 * into mixed states: answered ten days and one day ago, paused for a day on a large transfer's
 * approval, a refund in doubt after a crash, orphans whose worker died (in this process, as the
 * transfer's intent or its result was written, and three worker JVMs killed with SIGKILL in their
 * transfer), failed, stopped by a limit, and two being driven now. Then:
 *
 * <ul>
 *   <li>the listing finds each run in its state, with its age;
 *   <li>two sweepers at once resume every orphan exactly once, each transfer made once (the bank
 *       counts every effect by run), every request the model server received keeping Kimi's rules;
 *   <li>retention deletes exactly the runs that ended more than a week ago.
 * </ul>
 *
 * <p>Runs are made in this process on the agent's clock set back (ten days, a day, two hours), and
 * three in killed JVMs with a 2 s lease, whose claims the program waits out as the listing states
 * them.
 */
public abstract class OperatingRunsProgram {
  /** For subclasses: each store's test. */
  protected OperatingRunsProgram() {}

  /** The store, new and empty. */
  protected abstract RunStore store() throws Exception;

  /**
   * What a worker JVM opens the same store with: a class that is a {@code Function<String,
   * RunStore>}, and the text it is given.
   */
  protected abstract List<String> workerStore();

  @TempDir Path dir;

  static final int OLD = 55;
  static final int RECENT = 40;
  static final int PAUSED = 30;
  static final int IN_DOUBT = 20;
  static final int ORPHANS = 30;
  static final int KILLED = 3;
  static final int FAILED = 10;
  static final int STOPPED = 10;
  static final int RUNNING = 2;

  @Test
  void twoHundredRunsAreFoundInTheirStatesTheirOrphansResumedOnceAndTheOldOnesRetired()
      throws Exception {
    assertThat(OLD + RECENT + PAUSED + IN_DOUBT + ORPHANS + KILLED + FAILED + STOPPED + RUNNING)
        .isEqualTo(200);
    RunStore store = store();
    Path bank = Files.createDirectories(dir.resolve("bank"));
    Instant now = Instant.now();
    CountDownLatch held = new CountDownLatch(1);
    CountDownLatch inHold = new CountDownLatch(RUNNING);
    try (FakeKimiServer server = new FakeKimiServer().start();
        KimiClient kimi =
            KimiClient.builder().apiKey("sk-operating").baseUrl(server.baseUrl()).build()) {
      List<AgentTool> tools =
          OperatingWorker.tools(
              bank,
              to -> to.startsWith("hold-"),
              () -> {
                inHold.countDown();
                try {
                  held.await();
                } catch (InterruptedException e) {
                  Thread.currentThread().interrupt();
                }
              });
      Map<String, RunQuery.State> expected = new TreeMap<>();

      // failed: the model call is refused (first, while nothing else asks the server)
      for (int i = 0; i < FAILED; i++) {
        server.enqueue(FakeResponse.error(400, "{\"error\":{\"type\":\"invalid_request_error\"}}"));
        RunResult r =
            payments(kimi, store, tools, now.minus(Duration.ofHours(2)))
                .build()
                .run("failed-" + i, task("transfer to=f" + i + " amount=5"), kind("failed"));
        assertThat(r).isInstanceOf(RunResult.Failed.class);
        expected.put("failed-" + i, RunQuery.State.FAILED);
      }

      ExecutorService pool = Executors.newFixedThreadPool(4);
      List<Future<?>> made = new ArrayList<>();
      try {
        // ended ten days and a day ago, and paused a day on an approval (5000 needs one)
        Agent old = payments(kimi, store, tools, now.minus(Duration.ofDays(10))).build();
        Agent recent = payments(kimi, store, tools, now.minus(Duration.ofDays(1))).build();
        made.addAll(submit(pool, expected, old, "old", OLD, 5, RunQuery.State.ANSWERED));
        made.addAll(submit(pool, expected, recent, "recent", RECENT, 5, RunQuery.State.ANSWERED));
        made.addAll(submit(pool, expected, recent, "paused", PAUSED, 5000, RunQuery.State.PAUSED));
        for (int i = 0; i < IN_DOUBT; i++) {
          String id = "doubt-" + i;
          expected.put(id, RunQuery.State.IN_DOUBT);
          made.add(
              pool.submit(
                  () -> {
                    // the worker dies after the refund, as its result is written
                    Instant at = now.minus(Duration.ofHours(2));
                    RunResult crashed =
                        payments(kimi, new Crashing(store, 1), tools, at)
                            .build()
                            .run(id, task("refund to=" + id + " amount=7"), kind("doubt"));
                    assertThat(crashed).isInstanceOf(RunResult.Failed.class);
                    // resumed: a refund found begun waits for a person
                    RunResult r = payments(kimi, store, tools, at).build().resume(id, List.of());
                    assertThat(r).isInstanceOf(RunResult.Paused.class);
                    return null;
                  }));
        }
        for (int i = 0; i < ORPHANS; i++) {
          String id = "orphan-" + i;
          expected.put(id, RunQuery.State.ORPHANED);
          int allowed = i % 2; // dies as the intent is written, or after the effect
          made.add(
              pool.submit(
                  () ->
                      assertThat(
                              payments(
                                      kimi,
                                      new Crashing(store, allowed),
                                      tools,
                                      now.minus(Duration.ofHours(2)))
                                  .build()
                                  .run(id, task("transfer to=" + id + " amount=5"), kind("orphan")))
                          .isInstanceOf(RunResult.Failed.class)));
        }
        for (int i = 0; i < STOPPED; i++) {
          String id = "stopped-" + i;
          expected.put(id, RunQuery.State.STOPPED);
          made.add(
              pool.submit(
                  () ->
                      assertThat(
                              payments(kimi, store, tools, now.minus(Duration.ofHours(2)))
                                  .maxSteps(1)
                                  .build()
                                  .run(
                                      id,
                                      task(
                                          "transfer to="
                                              + id
                                              + " amount=5 then transfer to="
                                              + id
                                              + "-b amount=5"),
                                      kind("stopped")))
                          .isInstanceOf(RunResult.Stopped.class)));
        }
        for (Future<?> f : made) {
          f.get(10, TimeUnit.MINUTES);
        }
      } finally {
        pool.shutdown();
      }

      // being driven now: held in their transfers until the end
      List<CompletableFuture<RunResult>> running = new ArrayList<>();
      for (int i = 0; i < RUNNING; i++) {
        String id = "running-" + i;
        expected.put(id, RunQuery.State.RUNNING);
        running.add(
            CompletableFuture.supplyAsync(
                () ->
                    payments(kimi, store, tools, null)
                        .build()
                        .run(id, task("transfer to=hold-" + id + " amount=5"), kind("running"))));
      }
      assertThat(inHold.await(2, TimeUnit.MINUTES)).isTrue();

      // three worker JVMs killed in their transfers, after its effect
      List<Process> workers = new ArrayList<>();
      for (int i = 0; i < KILLED; i++) {
        String id = "killed-" + i;
        expected.put(id, RunQuery.State.ORPHANED);
        workers.add(worker(server, bank, id));
      }
      for (Process w : workers) {
        killInTool(w);
      }
      // their claims lapse at the end of their leases, as the listing states them
      Instant lapse = Instant.EPOCH;
      for (RunSummary s : all(store, RunQuery.all().label("kind", "killed"))) {
        assertThat(s.holder()).startsWith("worker-killed-");
        lapse = s.claimedUntil().isAfter(lapse) ? s.claimedUntil() : lapse;
      }
      // (and a third of a lease more: a store whose listing heard of a renewal late lists the one
      // before it)
      long wait = Duration.between(Instant.now(), lapse).toMillis() + 1_000;
      if (wait > 0) {
        TimeUnit.MILLISECONDS.sleep(wait);
      }

      // the listing: each run in its state, with its age
      Instant listedAt = Instant.now();
      List<RunSummary> listed = all(store, RunQuery.all().agent("payments").limit(37));
      assertThat(listed).hasSize(200);
      Map<String, RunQuery.State> found = new TreeMap<>();
      for (RunSummary s : listed) {
        found.put(s.runId(), s.state(listedAt));
        Duration age = Duration.between(s.updatedAt(), listedAt);
        String kind = s.labels().get("kind");
        switch (kind) {
          case "old" -> assertThat(age).isGreaterThan(Duration.ofDays(10));
          case "recent" -> assertThat(age).isBetween(Duration.ofDays(1), Duration.ofDays(2));
          case "paused" -> {
            assertThat(Duration.between(s.waitingSince(), listedAt))
                .isBetween(Duration.ofDays(1), Duration.ofDays(1).plusHours(1));
            assertThat(s.pending()).isEqualTo(1);
          }
          case "doubt" ->
              assertThat(Duration.between(s.waitingSince(), listedAt))
                  .isBetween(Duration.ofHours(2), Duration.ofHours(3));
          case "running" -> assertThat(s.holder()).isNotNull();
          default -> assertThat(age).isLessThan(Duration.ofHours(3));
        }
      }
      assertThat(found).isEqualTo(expected);
      Map<RunQuery.State, Long> byState = new HashMap<>();
      expected.values().forEach(s -> byState.merge(s, 1L, Long::sum));
      for (RunQuery.State s : RunQuery.State.values()) {
        assertThat(store.count(RunQuery.in(s).at(listedAt)))
            .as("runs %s", s)
            .isEqualTo(byState.getOrDefault(s, 0L));
      }
      assertThat(all(store, RunQuery.in(RunQuery.State.PAUSED).label("kind", "paused")))
          .hasSize(PAUSED);

      // two sweepers at once: every orphan resumed once; the ended runs over a week old deleted
      Agent a = payments(kimi, store, tools, null).owner("sweeper-a").build();
      Agent b = payments(kimi, store, tools, null).owner("sweeper-b").build();
      CompletableFuture<Sweeper.Report> one =
          CompletableFuture.supplyAsync(
              () -> Sweeper.of(a).maxConcurrent(4).retention(Duration.ofDays(7)).sweep());
      CompletableFuture<Sweeper.Report> two =
          CompletableFuture.supplyAsync(
              () -> Sweeper.of(b).maxConcurrent(4).retention(Duration.ofDays(7)).sweep());
      Sweeper.Report ra = one.get(10, TimeUnit.MINUTES);
      Sweeper.Report rb = two.get(10, TimeUnit.MINUTES);

      Set<String> orphans = new HashSet<>();
      expected.forEach(
          (id, s) -> {
            if (s == RunQuery.State.ORPHANED) {
              orphans.add(id);
            }
          });
      // disjoint, whichever sweeper found the orphans first (one may resume none)
      assertThat(Collections.disjoint(ra.resumed(), rb.resumed()))
          .as("resumed by both: %s and %s", ra.resumed(), rb.resumed())
          .isTrue();
      Set<String> resumed = new HashSet<>(ra.resumed());
      resumed.addAll(rb.resumed());
      assertThat(resumed).isEqualTo(orphans);
      assertThat(ra.refused()).isEmpty();
      assertThat(rb.refused()).isEmpty();
      Set<String> deleted = new HashSet<>(ra.deleted());
      deleted.addAll(rb.deleted());
      assertThat(Collections.disjoint(ra.deleted(), rb.deleted()))
          .as("deleted by both: %s and %s", ra.deleted(), rb.deleted())
          .isTrue();
      Set<String> old = new HashSet<>();
      for (int i = 0; i < OLD; i++) {
        old.add("old-" + i);
      }
      assertThat(deleted).isEqualTo(old);
      assertThat(a.load("old-0")).isEmpty();
      assertThat(a.load("recent-0")).isPresent();

      held.countDown();
      for (CompletableFuture<RunResult> r : running) {
        assertThat(r.get(2, TimeUnit.MINUTES)).isInstanceOf(RunResult.Answered.class);
      }
      Instant after = Instant.now();
      assertThat(store.count(RunQuery.in(RunQuery.State.ORPHANED).at(after))).isZero();
      assertThat(store.count(RunQuery.in(RunQuery.State.ANSWERED).at(after)))
          .isEqualTo(RECENT + ORPHANS + KILLED + RUNNING);
      assertThat(store.count(RunQuery.in(RunQuery.State.PAUSED).at(after))).isEqualTo(PAUSED);
      assertThat(store.count(RunQuery.in(RunQuery.State.IN_DOUBT).at(after))).isEqualTo(IN_DOUBT);
      assertThat(store.count(RunQuery.all().at(after))).isEqualTo(200 - OLD);

      // each effect once: a transfer per run that reached it, a refund per run in doubt
      Map<String, Integer> effects = new TreeMap<>();
      for (String line : Files.readAllLines(bank.resolve("effects.log"))) {
        effects.merge(line.split(" ")[0], 1, Integer::sum);
      }
      Map<String, Integer> once = new TreeMap<>();
      expected.forEach(
          (id, s) -> {
            if (s != RunQuery.State.PAUSED && s != RunQuery.State.FAILED) {
              once.put(id, 1); // a paused run waits before its transfer; a failed one made none
            }
          });
      assertThat(effects).isEqualTo(once);
      for (RecordedRequest req : server.requests()) {
        KimisRules.history(req); // the failed runs' requests were answered 400, as scripted
      }
    } finally {
      held.countDown();
    }
  }

  /**
   * Submits {@code count} runs named {@code kind-i}, each a transfer of {@code amount} labelled
   * {@code kind}, each to end in {@code state} (answered or paused), and records what it expects.
   */
  static List<Future<?>> submit(
      ExecutorService pool,
      Map<String, RunQuery.State> expected,
      Agent agent,
      String kind,
      int count,
      int amount,
      RunQuery.State state) {
    Class<?> ends =
        state == RunQuery.State.PAUSED ? RunResult.Paused.class : RunResult.Answered.class;
    List<Future<?>> made = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      String id = kind + "-" + i;
      expected.put(id, state);
      made.add(
          pool.submit(
              () ->
                  assertThat(
                          agent.run(id, task("transfer to=" + id + " amount=" + amount), kind(kind)))
                      .isInstanceOf(ends)));
    }
    return made;
  }

  /** The payments agent, its clock at {@code at} (the system's when null). */
  static Agent.Builder payments(
      KimiClient kimi, RunStore store, List<AgentTool> tools, Instant at) {
    return Agent.builder(kimi, "kimi-k3")
        .name(OperatingWorker.AGENT, "1")
        .tools(tools)
        .key(TestKeys.KEY).store(store)
        .clock(at == null ? Clock.systemUTC() : Clock.fixed(at, ZoneOffset.UTC));
  }

  static List<Message> task(String text) {
    return List.of(Message.user(text));
  }

  static Map<String, String> kind(String kind) {
    return Map.of("kind", kind);
  }

  /** Every run a query finds, page by page. */
  static List<RunSummary> all(RunStore store, RunQuery q) {
    List<RunSummary> out = new ArrayList<>();
    RunQuery page = q.at(Instant.now());
    while (true) {
      RunPage p = store.list(page);
      out.addAll(p.runs());
      if (p.next() == null) {
        return out;
      }
      page = page.after(p.next());
    }
  }

  /** Starts a worker JVM that runs {@code runId} and stops in its transfer. */
  private Process worker(FakeKimiServer server, Path bank, String runId) throws Exception {
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.add("-XX:TieredStopAtLevel=1");
    command.add("-cp");
    command.add(System.getProperty("java.class.path"));
    command.add(OperatingWorker.class.getName());
    command.addAll(workerStore());
    command.add(server.baseUrl());
    command.add(bank.toString());
    command.add(runId);
    return new ProcessBuilder(command).redirectErrorStream(true).start();
  }

  /** Waits until a worker is in its transfer, after the effect, and kills it with SIGKILL. */
  private static void killInTool(Process w) throws Exception {
    List<String> lines = new ArrayList<>();
    try (BufferedReader out =
        new BufferedReader(new InputStreamReader(w.getInputStream(), StandardCharsets.UTF_8))) {
      String line;
      while ((line = out.readLine()) != null) {
        lines.add(line);
        if (line.equals("IN-TOOL")) {
          break;
        }
      }
    } finally {
      w.destroyForcibly(); // SIGKILL: no release, no last write
    }
    assertThat(w.waitFor(60, TimeUnit.SECONDS)).isTrue();
    assertThat(lines).as("the worker's output").contains("IN-TOOL");
  }

  /**
   * A store whose worker dies at a tool call's record: it lets the first {@code allowed} writes of
   * call records through, then fails every write, as a process killed there would leave the run.
   */
  static final class Crashing extends ForwardingRunStore {
    private int allowed; // guarded by this

    Crashing(RunStore store, int allowed) {
      super(store);
      this.allowed = allowed;
    }




    @Override
    public synchronized void put(Claim.Held claim, String key, byte[] value) {
      if (key.startsWith("call/") && allowed-- <= 0) {
        throw new RunStoreException("the worker died here (a test's)", null);
      }
      if (allowed < 0) {
        throw new RunStoreException("the worker died here (a test's)", null);
      }
      store.put(claim, key, value);
    }

    @Override
    public synchronized void putState(Claim.Held claim, byte[] state, RunSummary summary) {
      if (allowed < 0) {
        throw new RunStoreException("the worker died here (a test's)", null);
      }
      store.putState(claim, state, summary);
    }

  }

}
