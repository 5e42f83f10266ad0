package io.github.kimisdk.redis;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.kimisdk.KimiClient;
import io.github.kimisdk.agents.Agent;
import io.github.kimisdk.agents.ChildJvm;
import io.github.kimisdk.agents.Claim;
import io.github.kimisdk.agents.RestartFixtures;
import io.github.kimisdk.agents.RunPage;
import io.github.kimisdk.agents.RunQuery;
import io.github.kimisdk.agents.RunResult;
import io.github.kimisdk.agents.RunStore;
import io.github.kimisdk.agents.RunSummary;
import io.github.kimisdk.agents.TestKeys;
import io.github.kimisdk.chat.Message;
import io.github.kimisdk.testing.FakeKimiExtension;
import io.github.kimisdk.testing.FakeKimiServer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import redis.clients.jedis.RedisClient;

/**
 * A worker JVM on a Redis store, stopped in the middle of its runs, and another that goes on with
 * them: stopped with SIGTERM, its claims are released as it shuts down, so its runs are listed as
 * orphans at once and another worker resumes each within the 5 s it waits, though the dead worker's
 * lease was a minute; killed with SIGKILL ({@code kill -9}), it holds its run until its lease (10
 * s, the default) lapses, and a worker restarted after it resumes the run within the 15 s it waits.
 */
@ExtendWith(FakeKimiExtension.class)
class RedisRestartAfterKillTest {
  RedisServer redis;
  RedisClient jedis;

  @BeforeEach
  void start() throws Exception {
    redis = RedisServer.start();
    jedis = redis.client();
  }

  @AfterEach
  void stop() {
    if (jedis != null) {
      jedis.close();
    }
    if (redis != null) {
      redis.close();
    }
  }

  @Test
  void aWorkerStoppedWithSigtermReleasesItsClaimsSoAnotherResumesEachRunWithinFiveSeconds(
      FakeKimiServer server, KimiClient kimi) throws Exception {
    List<String> lines = worker("sigterm", server, 2);
    assertThat(lines).filteredOn("IN-TOOL"::equals).hasSize(2);
    RunStore store = RedisRunStore.of(JedisScripts.of(jedis));

    // released: both are orphans now, though the dead worker's lease was a minute
    RunPage orphans = store.list(RunQuery.in(RunQuery.State.ORPHANED));
    assertThat(orphans.runs())
        .extracting(RunSummary::runId)
        .containsExactlyInAnyOrder("job-1", "job-2");
    assertThat(orphans.runs()).allMatch(s -> s.holder() == null);

    Agent next =
        Agent.builder(kimi, "kimi-k3")
            .tool(RestartFixtures.tool((a, ctx) -> "looked up"))
            .key(TestKeys.KEY)
            .store(store)
            .claimWait(Duration.ofSeconds(5))
            .build();
    assertThat(next.resume("job-1", List.of())).isInstanceOf(RunResult.Answered.class);
    assertThat(next.resume("job-2", List.of())).isInstanceOf(RunResult.Answered.class);
    assertThat(store.count(RunQuery.in(RunQuery.State.ANSWERED))).isEqualTo(2);
  }

  @Test
  void aWorkerRestartedAfterAKillResumesTheRunOnceTheDeadHoldersLeaseLapses(
      FakeKimiServer server, KimiClient kimi) throws Exception {
    List<String> lines = worker("kill", server, 1);
    assertThat(lines).contains("IN-TOOL");
    RunStore redisStore = RedisRunStore.of(JedisScripts.of(jedis));
    // listed as running: the dead worker's claim holds until its lease lapses
    RunSummary held = redisStore.list(RunQuery.all()).runs().get(0);
    assertThat(held.holder()).isEqualTo("the-dead-worker");

    List<Claim> seen = new ArrayList<>();
    Agent restarted =
        Agent.builder(kimi, "kimi-k3")
            .tool(RestartFixtures.tool((a, ctx) -> "looked up " + a.get("to").asString()))
            .key(TestKeys.KEY)
            .store(new RestartFixtures.Watching(redisStore, seen))
            .claimWait(Duration.ofSeconds(15))
            .build();
    assertThat(restarted.resume("job-1", List.of())).isInstanceOf(RunResult.Answered.class);
    assertThat(seen.get(seen.size() - 1)).isInstanceOf(Claim.Held.class);
    for (Claim c : seen.subList(0, seen.size() - 1)) {
      assertThat(c).isInstanceOf(Claim.Taken.class);
      assertThat(((Claim.Taken) c).holder()).isEqualTo("the-dead-worker");
      assertThat(c.until()).isAfterOrEqualTo(held.claimedUntil());
    }
  }

  /**
   * Starts a worker JVM on this test's Redis, waits until {@code runs} of its runs are inside their
   * tool, stops it (SIGTERM for {@code sigterm}, SIGKILL for {@code kill}) and waits until it
   * ended; returns what it printed.
   */
  private List<String> worker(String mode, FakeKimiServer server, int runs) throws Exception {
    // SIGTERM: the JVM's shutdown hooks run; SIGKILL: no release, no last write
    return ChildJvm.run(
        Worker.class,
        List.of(mode, Integer.toString(redis.port()), server.baseUrl(), Integer.toString(runs)),
        "IN-TOOL",
        runs,
        !mode.equals("sigterm"));
  }

  /**
   * A worker on a Redis store whose runs' tool says where it is, then waits to be stopped: {@code
   * sigterm|kill REDIS_PORT BASE_URL RUNS}. Stopped with SIGTERM, its lease is a minute (only a
   * release frees its runs sooner); killed, it has the default settings.
   */
  public static final class Worker {
    private Worker() {}

    public static void main(String[] args) throws Exception {
      boolean sigterm = args[0].equals("sigterm");
      int runs = Integer.parseInt(args[3]);
      try (RedisClient jedis =
              RedisClient.builder().hostAndPort("127.0.0.1", Integer.parseInt(args[1])).build();
          KimiClient kimi = KimiClient.builder().apiKey("sk-test").baseUrl(args[2]).build()) {
        Agent.Builder b =
            Agent.builder(kimi, "kimi-k3")
                .owner("the-dead-worker")
                .tool(RestartFixtures.untilKilled())
                .key(TestKeys.KEY)
                .store(RedisRunStore.of(JedisScripts.of(jedis)));
        if (sigterm) {
          b.lease(Duration.ofMinutes(1));
        }
        Agent agent = b.build();
        List<Thread> threads = new ArrayList<>();
        for (int i = 1; i <= runs; i++) {
          String id = "job-" + i;
          Thread t =
              new Thread(
                  () -> agent.run(id, List.of(Message.user("transfer to=acct-1 amount=5"))), id);
          t.start();
          threads.add(t);
        }
        for (Thread t : threads) {
          t.join();
        }
      }
    }
  }
}
