package io.github.kimisdk.agents;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.github.kimisdk.KimiClient;
import io.github.kimisdk.chat.Message;
import io.github.kimisdk.testing.FakeKimiExtension;
import io.github.kimisdk.testing.FakeKimiServer;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * Runs a team operates, against the fake on loopback: orphans found and resumed once while two
 * sweepers run at once, ended runs retired after their time, an expired approval swept, and a
 * worker stopped with SIGTERM whose claims another worker takes at once.
 */
@ExtendWith(FakeKimiExtension.class)
class SweeperHttpTest {
  static final Instant T0 = Instant.parse("2026-11-28T09:00:00Z");
  @TempDir Path dir;
  final Bank bank = new Bank();

  Agent.Builder payments(KimiClient kimi, RunStore store) {
    return Agent.builder(kimi, "kimi-k3")
        .name("payments", "1")
        .tool(bank.tool().asIdempotent())
        .key(TestKeys.KEY)
        .store(store);
  }

  @Test
  void twoSweepersAtOnceResumeEveryOrphanOnceAndEachTransferIsMadeOnce(KimiClient kimi)
      throws Exception {
    RunStore store = FileRunStore.of(dir);
    int runs = 12;
    for (int i = 0; i < runs; i++) {
      // the worker dies as the transfer's intent is written: the run is left running, unclaimed
      Agent dying = payments(kimi, new FailingStore(store, "call/", 0)).build();
      RunResult r =
          dying.run("job-" + i, List.of(Message.user("transfer to=acct-" + i + " amount=" + i)));
      assertThat(r).isInstanceOf(RunResult.Failed.class);
    }
    assertThat(store.count(RunQuery.in(RunQuery.State.ORPHANED))).isEqualTo(runs);
    assertThat(bank.requests()).isZero();

    Agent agent = payments(kimi, store).build();
    CompletableFuture<Sweeper.Report> one =
        CompletableFuture.supplyAsync(() -> Sweeper.of(agent).maxConcurrent(3).sweep());
    CompletableFuture<Sweeper.Report> two =
        CompletableFuture.supplyAsync(() -> Sweeper.of(agent).maxConcurrent(3).sweep());
    Sweeper.Report a = one.get(120, TimeUnit.SECONDS);
    Sweeper.Report b = two.get(120, TimeUnit.SECONDS);

    Set<String> resumed = new HashSet<>(a.resumed());
    assertThat(b.resumed()).allMatch(id -> !resumed.contains(id)); // none resumed twice
    resumed.addAll(b.resumed());
    assertThat(resumed).hasSize(runs);
    assertThat(a.refused()).isEmpty();
    assertThat(b.refused()).isEmpty();
    assertThat(bank.transfers()).hasSize(runs);
    assertThat(store.count(RunQuery.in(RunQuery.State.ANSWERED))).isEqualTo(runs);
    assertThat(store.count(RunQuery.in(RunQuery.State.ORPHANED))).isZero();
  }

  @Test
  void retentionDeletesExactlyTheRunsThatEndedLongerAgoThanItKeeps(KimiClient kimi) {
    RunStore store = RunStore.inMemory();
    for (int day = 0; day < 5; day++) {
      Clock at = Clock.fixed(T0.plus(Duration.ofDays(day)), ZoneOffset.UTC);
      payments(kimi, store).clock(at).build().run("day-" + day, List.of(Message.user("Say hello")));
    }
    Agent today =
        payments(kimi, store)
            .clock(Clock.fixed(T0.plus(Duration.ofDays(5)), ZoneOffset.UTC))
            .build();

    Sweeper.Report r = Sweeper.of(today).retention(Duration.ofDays(3)).sweep();

    // day-0 and day-1 ended more than three days before day 5; day-2 ended exactly three days ago
    assertThat(r.deleted()).containsExactly("day-0", "day-1");
    assertThat(today.load("day-0")).isEmpty();
    assertThat(today.load("day-2")).isPresent();
    assertThat(store.count(RunQuery.all())).isEqualTo(3);
  }

  @Test
  void aSweepDrivesAPausedRunWhoseApprovalExpiredSoItIsRejected(KimiClient kimi) {
    RunStore store = RunStore.inMemory();
    Approval daily = Approval.always().expiresAfter(Duration.ofHours(24), Approval.Expiry.REJECT);
    Agent.Builder b =
        Agent.builder(kimi, "kimi-k3")
            .name("payments", "1")
            .tool(bank.tool().approval(daily))
            .key(TestKeys.KEY)
            .store(store);
    b.clock(Clock.fixed(T0, ZoneOffset.UTC))
        .build()
        .run("r1", List.of(Message.user("transfer to=acct-1 amount=9")));
    Agent early = b.clock(Clock.fixed(T0.plus(Duration.ofHours(1)), ZoneOffset.UTC)).build();
    assertThat(Sweeper.of(early).sweep().resumed()).isEmpty();

    Agent later = b.clock(Clock.fixed(T0.plus(Duration.ofHours(25)), ZoneOffset.UTC)).build();
    Sweeper.Report r = Sweeper.of(later).sweep();

    assertThat(r.resumed()).containsExactly("r1");
    assertThat(later.load("r1").orElseThrow().status()).isEqualTo(RunState.Status.ANSWERED);
    assertThat(bank.requests()).isZero();
  }

  @Test
  void sweepsEveryPeriodOnTheirOwnThreadSoARunTheyDriveKeepsItsClaimWhileItsToolWorks(
      KimiClient kimi) throws Exception {
    RunStore store = FileRunStore.of(dir);
    Agent dying = payments(kimi, new FailingStore(store, "call/", 0)).build();
    assertThat(dying.run("slow", List.of(Message.user("transfer to=acct-7 amount=7"))))
        .isInstanceOf(RunResult.Failed.class);

    // the swept run's transfer takes longer than several leases: its claim must be renewed
    // meanwhile
    CountDownLatch entered = new CountDownLatch(1);
    CountDownLatch done = new CountDownLatch(1);
    AgentTool slow =
        bank.tool(
            () -> {
              entered.countDown();
              if (!done.await(60, TimeUnit.SECONDS)) {
                throw new IllegalStateException("the test never let the transfer finish");
              }
            });
    ClaimerTest.Counting renewals = new ClaimerTest.Counting(store, 3);
    CompletableFuture<RunEvent.Ended> ended = new CompletableFuture<>();
    Agent worker =
        Agent.builder(kimi, "kimi-k3")
            .name("payments", "1")
            .tool(slow.asIdempotent())
            .key(TestKeys.KEY)
            .store(renewals)
            .lease(Duration.ofMillis(600))
            .listener(
                e -> {
                  if (e instanceof RunEvent.Ended end) {
                    ended.complete(end);
                  }
                })
            .build();

    Runnable stop = Sweeper.of(worker).every(Duration.ofMillis(20));
    try {
      assertThat(entered.await(60, TimeUnit.SECONDS)).isTrue();
      // three heartbeats while the sweep waits on the tool: the timer is not the sweep's thread
      assertThat(renewals.renewed.await(60, TimeUnit.SECONDS)).isTrue();
      done.countDown();
      assertThat(ended.get(60, TimeUnit.SECONDS).status()).isEqualTo(RunState.Status.ANSWERED);
    } finally {
      done.countDown();
      stop.run();
    }
    assertThat(bank.transfers()).hasSize(1);
  }

  @Test
  @Tag("multiprocess") // a worker JVM and a PostgreSQL server: mvn -B -P slow verify
  void aWorkerStoppedWithSigtermReleasesItsClaimsSoAnotherResumesWithinFiveSeconds(
      FakeKimiServer server, KimiClient kimi) throws Exception {
    String why = PostgresServer.unavailable();
    assumeTrue(why == null, why);
    try (PostgresServer pg = PostgresServer.start(false)) {
      JdbcRunStore.of(pg.dataSource(), "restart").createTables();
      // SIGTERM inside the tool: the JVM's shutdown hooks run
      List<String> lines =
          ChildJvm.run(
              RestartAfterKillTest.Worker.class,
              List.of("jdbc:" + pg.url(), server.baseUrl()),
              "IN-TOOL",
              false);
      assertThat(lines).contains("IN-TOOL");

      Agent next =
          Agent.builder(kimi, "kimi-k3")
              .tool(RestartFixtures.tool((a, ctx) -> "looked up"))
              .key(TestKeys.KEY)
              .store(JdbcRunStore.of(pg.dataSource(), "restart"))
              .claimWait(Duration.ofSeconds(5))
              .build();
      // the lease is 10 s: only a released claim lets this in within the 5 s it waits
      assertThat(next.resume("job-1", List.of())).isInstanceOf(RunResult.Answered.class);
    }
  }
}
