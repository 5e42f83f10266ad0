package io.github.kimisdk.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.kimisdk.agents.Claim;
import io.github.kimisdk.agents.PendingCall;
import io.github.kimisdk.agents.RunPage;
import io.github.kimisdk.agents.RunQuery;
import io.github.kimisdk.agents.RunState;
import io.github.kimisdk.agents.RunStore;
import io.github.kimisdk.agents.RunStoreContract;
import io.github.kimisdk.agents.RunSummary;
import io.lettuce.core.RedisURI;
import io.lettuce.core.api.StatefulRedisConnection;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.springframework.data.redis.connection.RedisStandaloneConfiguration;
import org.springframework.data.redis.connection.lettuce.LettuceClientConfiguration;
import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;
import redis.clients.jedis.RedisClient;

/**
 * The run store contract on a real redis-server, through Jedis, Lettuce and Spring Data Redis; and
 * what the Redis store does of its own: the index that finds runs, told after each fenced write and
 * kept to the newest change whatever order the changes reach it in, mended by a run's next change
 * when an update was lost, read a bounded number of runs per script, counting as it lists.
 */
class RedisRunStoreTest {
  static RedisServer server;
  static RedisClient jedis;
  static io.lettuce.core.RedisClient lettuce;
  static StatefulRedisConnection<String, String> connection;
  static LettuceConnectionFactory spring;
  static final AtomicInteger PREFIXES = new AtomicInteger();

  @BeforeAll
  static void start() throws Exception {
    server = RedisServer.start();
    jedis = server.client();
    lettuce =
        io.lettuce.core.RedisClient.create(
            RedisURI.builder()
                .withHost("127.0.0.1")
                .withPort(server.port())
                .withTimeout(Duration.ofSeconds(2))
                .build());
    connection = lettuce.connect();
    spring =
        new LettuceConnectionFactory(
            new RedisStandaloneConfiguration("127.0.0.1", server.port()),
            LettuceClientConfiguration.builder().commandTimeout(Duration.ofSeconds(2)).build());
    spring.afterPropertiesSet();
    spring.start();
  }

  @AfterAll
  static void stop() {
    if (spring != null) {
      spring.destroy();
    }
    if (connection != null) {
      connection.close();
      lettuce.shutdown();
    }
    if (jedis != null) {
      jedis.close();
    }
    if (server != null) {
      server.close();
    }
  }

  @Nested
  class OnJedis extends RunStoreContract {
    @Override
    protected RunStore store() {
      return prefixed(JedisScripts.of(jedis), "t");
    }

    @Test
    void aRunIsOneHashInOneSlotAndTheIndexIsInASlotOfItsOwn() {
      RunStore s = RedisRunStore.of(JedisScripts.of(jedis), "slot:");
      Claim.Held a = (Claim.Held) s.claim("run-1", "a", T0, T0.plus(LEASE));
      s.put(a, "state", bytes("{}"));
      s.putState(
          a,
          bytes("{}"),
          summary(
              "run-1", "payments", RunState.Status.RUNNING, null, T0, "a", Map.of("k", "v"), 3));
      assertThat(jedis.hkeys("slot:{run-1}")).contains("c:token", "r:state", "s", "v");
      assertThat(jedis.keys("slot:*"))
          .allMatch(k -> k.equals("slot:{run-1}") || k.startsWith("slot:{slot:index}:"))
          .contains(
              "slot:{slot:index}:runs",
              "slot:{slot:index}:c:running",
              "slot:{slot:index}:a:payments:running",
              "slot:{slot:index}:l:k=v",
              "slot:{slot:index}:held");
    }
  }

  @Nested
  class OnLettuce extends RunStoreContract {
    @Override
    protected RunStore store() {
      return prefixed(LettuceScripts.of(connection), "l");
    }
  }

  @Nested
  class OnSpringDataRedis extends RunStoreContract {
    @Override
    protected RunStore store() {
      return prefixed(SpringDataRedisScripts.of(spring), "s");
    }
  }

  static final Instant T0 = Instant.parse("2026-12-01T10:00:00Z");
  static final Duration LEASE = Duration.ofSeconds(30);

  static RedisRunStore store(RedisScripts scripts) {
    return prefixed(scripts, "x");
  }

  /** A store on {@code scripts} under a prefix of its own: {@code letter}, a number, a colon. */
  static RedisRunStore prefixed(RedisScripts scripts, String letter) {
    return RedisRunStore.of(scripts, letter + PREFIXES.incrementAndGet() + ":");
  }

  static byte[] bytes(String s) {
    return s.getBytes(java.nio.charset.StandardCharsets.UTF_8);
  }

  static RunSummary summary(
      String runId, String agent, RunState.Status status, PendingCall.Kind waiting, Instant at) {
    return RunStoreContract.summary(runId, agent, status, waiting, at, "w", Map.of(), 1);
  }

  static List<String> ids(RunStore store, RunQuery q) {
    List<String> out = new ArrayList<>();
    while (true) {
      RunPage p = store.list(q);
      p.runs().forEach(r -> out.add(r.runId()));
      if (p.next() == null) {
        return out;
      }
      q = q.after(p.next());
    }
  }

  @Test
  void anUpdateThatReachesTheIndexLateOrTwiceLeavesItAsTheNewestChangeLeftIt() {
    RedisRunStore store = store(JedisScripts.of(jedis));
    Claim.Held c = (Claim.Held) store.claim("late", "w", T0, T0.plus(LEASE));
    store.putState(c, bytes("{}"), summary("late", "payments", RunState.Status.RUNNING, null, T0));
    store.putState(
        c,
        bytes("{}"),
        summary(
            "late",
            "payments",
            RunState.Status.PAUSED,
            PendingCall.Kind.APPROVAL,
            T0.plusSeconds(5)));
    // the first save's update, had it been held up on the way: an older version of the run
    String older =
        "[\"1\","
            + io.github.kimisdk.json.Json.write(
                io.github.kimisdk.json.JsonString.of(
                    summary("late", "payments", RunState.Status.RUNNING, null, T0).toJson()))
            + ",\"w\",\""
            + T0.plus(LEASE).toEpochMilli()
            + "\"]";
    store.index().put("late", older);

    Instant now = T0.plusSeconds(10);
    assertThat(ids(store, RunQuery.in(RunQuery.State.PAUSED).at(now))).containsExactly("late");
    assertThat(ids(store, RunQuery.in(RunQuery.State.RUNNING, RunQuery.State.ORPHANED).at(now)))
        .isEmpty();

    // deleted: a late update does not bring it back, and a run started again under its id shows
    store.release(c);
    assertThat(store.delete("late", now)).isTrue();
    store.index().put("late", older);
    assertThat(ids(store, RunQuery.all().at(now))).isEmpty();
    Claim.Held again = (Claim.Held) store.claim("late", "w2", now, now.plus(LEASE));
    store.putState(
        again, bytes("{}"), summary("late", "payments", RunState.Status.ANSWERED, null, now));
    assertThat(ids(store, RunQuery.in(RunQuery.State.ANSWERED).at(now))).containsExactly("late");
  }

  /** Scripts that fail every call on the index's keys while {@code down} is set. */
  record IndexDown(RedisScripts scripts, AtomicBoolean down) implements RedisScripts {
    @Override
    public long eval(String script, String sha1, List<String> keys, List<String> args) {
      fail(keys);
      return scripts.eval(script, sha1, keys, args);
    }

    @Override
    public String evalText(String script, String sha1, List<String> keys, List<String> args) {
      fail(keys);
      return scripts.evalText(script, sha1, keys, args);
    }

    private void fail(List<String> keys) {
      if (down.get() && keys.get(0).contains("index}")) {
        throw new RedisUnavailableException("the index's node is down (a test's)", null);
      }
    }
  }

  @Test
  void aRunsWriteStandsWhenTheIndexCannotBeToldAndItsNextChangeMendsTheListing() {
    AtomicBoolean down = new AtomicBoolean();
    RedisRunStore store = store(new IndexDown(JedisScripts.of(jedis), down));
    Claim.Held c = (Claim.Held) store.claim("mend", "w", T0, T0.plus(LEASE));
    store.putState(
        c, bytes("{\"v\":1}"), summary("mend", "payments", RunState.Status.RUNNING, null, T0));

    down.set(true);
    store.putState(
        c,
        bytes("{\"v\":2}"),
        summary("mend", "payments", RunState.Status.PAUSED, PendingCall.Kind.APPROVAL, T0));
    assertThat(new String(store.get("mend", "state"), java.nio.charset.StandardCharsets.UTF_8))
        .isEqualTo("{\"v\":2}");
    down.set(false);
    Instant now = T0.plusSeconds(1);
    // stale: the listing still has the run's first save
    assertThat(ids(store, RunQuery.in(RunQuery.State.RUNNING).at(now))).containsExactly("mend");

    store.release(c); // the run's next change tells the index everything the run holds
    assertThat(ids(store, RunQuery.in(RunQuery.State.PAUSED).at(now))).containsExactly("mend");
    assertThat(ids(store, RunQuery.in(RunQuery.State.RUNNING, RunQuery.State.ORPHANED).at(now)))
        .isEmpty();
  }

  @Test
  void aListingReadsABoundedNumberOfRunsAndItsPagesGoOnFromWhereTheyStopped() {
    RedisRunStore store = RedisRunStore.of(JedisScripts.of(jedis), "budget:", 5);
    List<String> rare = new ArrayList<>();
    for (int i = 0; i < 30; i++) {
      String id = String.format("run-%02d", i);
      String owner = i % 10 == 3 ? "rare" : "common";
      if (owner.equals("rare")) {
        rare.add(id);
      }
      Claim.Held c = (Claim.Held) store.claim(id, owner, T0, T0.plus(LEASE));
      store.putState(
          c,
          bytes("{}"),
          RunStoreContract.summary(
              id,
              "payments",
              RunState.Status.ANSWERED,
              null,
              T0.plusSeconds(i),
              owner,
              Map.of(),
              1));
      store.release(c);
    }
    RunQuery q = RunQuery.all().owner("rare").limit(10).at(T0.plusSeconds(60));
    RunPage first = store.list(q);
    // five runs read, none of them the owner's: an empty page that says where to go on from
    assertThat(first.runs()).hasSizeLessThan(10);
    assertThat(first.next()).isNotNull();
    assertThat(ids(store, q)).isEqualTo(rare);
    assertThat(store.count(q)).isEqualTo(3);
    assertThat(ids(store, RunQuery.all().limit(7).at(T0.plusSeconds(60)))).hasSize(30);
  }

  @Test
  void pageTokensAreRunQuerysOwnAndAMalformedOneIsRefused() {
    RedisRunStore store = store(JedisScripts.of(jedis));
    for (String id : List.of("a", "b", "c")) {
      Claim.Held c = (Claim.Held) store.claim(id, "w", T0, T0.plus(LEASE));
      store.putState(c, bytes("{}"), summary(id, "payments", RunState.Status.ANSWERED, null, T0));
      store.release(c);
    }
    RunPage p = store.list(RunQuery.all().limit(2).at(T0));
    assertThat(p.next()).isEqualTo(String.format("%020d:b", T0.toEpochMilli()));
    assertThat(store.list(RunQuery.all().after(p.next()).at(T0)).runs())
        .extracting(RunSummary::runId)
        .containsExactly("c");
    assertThatThrownBy(() -> store.list(RunQuery.all().after("page-2").at(T0)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("not a page token of this store");
  }

  @Test
  void countsAgreeWithTheListingForEveryStateAgentAndSaveTime() {
    RedisRunStore store = store(JedisScripts.of(jedis));
    Random r = new Random(98);
    RunState.Status[] statuses = RunState.Status.values();
    for (int i = 0; i < 80; i++) {
      String id = "run-" + i;
      String agent = r.nextBoolean() ? "payments" : "research";
      RunState.Status status = statuses[r.nextInt(statuses.length)];
      PendingCall.Kind waiting =
          status == RunState.Status.PAUSED
              ? (r.nextBoolean() ? PendingCall.Kind.IN_DOUBT : PendingCall.Kind.APPROVAL)
              : null;
      Instant at = T0.plusSeconds(r.nextInt(100));
      Claim.Held c = (Claim.Held) store.claim(id, "w", at, at.plus(LEASE));
      store.putState(c, bytes("{}"), summary(id, agent, status, waiting, at));
      switch (r.nextInt(3)) {
        case 0 -> store.release(c); // ended cleanly, or an orphan
        case 1 -> store.forceRelease(id); // an operator's release
        default -> {} // still held, until its lease lapses
      }
    }
    List<RunQuery> queries = new ArrayList<>();
    Instant now = T0.plusSeconds(90); // some leases have lapsed, some have not
    queries.add(RunQuery.all().at(now));
    for (RunQuery.State s : RunQuery.State.values()) {
      queries.add(RunQuery.in(s).at(now));
      queries.add(RunQuery.in(s).agent("payments").at(now));
      queries.add(RunQuery.in(s).updatedBefore(T0.plusSeconds(50)).at(now));
    }
    queries.add(RunQuery.in(RunQuery.State.RUNNING, RunQuery.State.ORPHANED).at(now));
    queries.add(
        new RunQuery(
            EnumSet.of(RunQuery.State.ORPHANED, RunQuery.State.PAUSED, RunQuery.State.FAILED),
            "research",
            null,
            Map.of(),
            T0.plusSeconds(70),
            100,
            null,
            now));
    long total = 0;
    for (RunQuery q : queries) {
      List<String> listed = ids(store, q.limit(13));
      assertThat(store.count(q)).as("%s", q).isEqualTo(listed.size());
      assertThat(Set.copyOf(listed)).as("no run twice: %s", q).hasSize(listed.size());
      total += listed.size();
    }
    assertThat(total).isPositive();
    assertThat(store.count(RunQuery.all().at(now))).isEqualTo(80);
  }
}
