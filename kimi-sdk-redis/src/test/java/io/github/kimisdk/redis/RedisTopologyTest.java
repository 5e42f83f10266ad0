package io.github.kimisdk.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.kimisdk.RateLimit;
import io.github.kimisdk.redis.RedisRateLimitStore.Fallback;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.exceptions.JedisDataException;

/**
 * The store on each topology a team runs, other than a lone redis-server, on each client: a Redis
 * Cluster of 3 masters and 3 replicas whose account's master is killed ({@code kill -9}), and a
 * master and replica watched by a Sentinel that fails over when the master is killed. Each fallback
 * does there what it does on one server, every take answers within 100 ms while no master serves,
 * and the fleet goes on on the promoted replica.
 */
class RedisTopologyTest {

  private static final String ACCOUNT = "org-topology";
  private static final String KEY = RedisRateLimitStore.keys(ACCOUNT).get(2); // the leases
  private static final RateLimit TWO = RateLimit.builder().maxConcurrency(2).build();
  /** The stores' lease length: a Redis that just started gives out slots after 3 s. */
  private static final Duration LEASE = Duration.ofSeconds(3);
  /** How long the leases taken here last: longer than the test, so that none expires in it. */
  private static final Duration HOLD = RedisRateLimitStore.LONGEST_LEASE;
  private static final long QUICK_MILLIS = 100;

  @ParameterizedTest
  @EnumSource(ClientKind.class)
  void onAClusterAKilledMasterIsAnOutageForEachFallbackUntilItsReplicaServesTheSameLeases(
      ClientKind kind) throws Exception {
    try (RedisCluster cluster = RedisCluster.start(3, 1_000);
        ClientKind.Connected closed = kind.cluster(cluster.ports());
        ClientKind.Connected counting = kind.cluster(cluster.ports())) {
      RedisServer master = cluster.masterOf(KEY);
      RedisServer replica = cluster.replicaOf(master);
      failover(
          closed,
          counting,
          master,
          () -> cluster.awaitMasterOf(KEY, master, Duration.ofSeconds(30)) == replica,
          replica);
    }
  }

  @ParameterizedTest
  @EnumSource(ClientKind.class)
  void withASentinelAKilledMasterIsAnOutageForEachFallbackUntilItsReplicaServesTheSameLeases(
      ClientKind kind) throws Exception {
    try (RedisServer master = RedisServer.start();
        RedisServer replica = RedisServer.startReplicaOf(master.port())) {
      awaitLine(replica, "info", "replication", "master_link_status:up");
      try (RedisServer sentinel = RedisServer.startSentinel("kimi", master.port(), 1_000)) {
        awaitLine(sentinel, "sentinel", "replicas", "kimi", Integer.toString(replica.port()));
        try (ClientKind.Connected closed = kind.sentinel(sentinel.port(), "kimi");
            ClientKind.Connected counting = kind.sentinel(sentinel.port(), "kimi")) {
          failover(
              closed,
              counting,
              master,
              () -> {
                awaitLine(replica, "info", "replication", "role:master");
                return true;
              },
              replica);
        }
      }
    }
  }

  /** Waits until the killed master's replica serves; returns true if that replica serves. */
  interface Promotion {
    boolean await() throws Exception;
  }

  /**
   * Takes both slots through the two stores, kills {@code master}, takes through both (and gives
   * one slot back) until {@code promotion} says its replica serves, then takes again there.
   */
  private static void failover(
      ClientKind.Connected closedClient,
      ClientKind.Connected countingClient,
      RedisServer master,
      Promotion promotion,
      RedisServer replica)
      throws Exception {
    RedisRateLimitStore closed =
        RedisRateLimitStore.builder(closedClient.scripts())
            .fallback(Fallback.FAIL_CLOSED)
            .leaseLength(LEASE)
            .build();
    RedisRateLimitStore counting =
        RedisRateLimitStore.builder(countingClient.scripts())
            .fallback(Fallback.IN_PROCESS)
            .leaseLength(LEASE)
            .build();
    // one limit shared by both stores, in Redis
    awaitTake(closed, "a1");
    awaitTake(counting, "b1");
    assertThat(closed.tryTake(ACCOUNT, "a2", TWO, 0, HOLD))
        .isEqualTo(Duration.ofMillis(RedisRateLimitStore.LEASE_POLL_MILLIS));
    awaitReplicated(replica, 2);

    long killedAt = System.nanoTime();
    master.stop();
    closed.giveBack(ACCOUNT, "a1"); // its call ended: no master serves, so it is kept
    java.util.concurrent.CompletableFuture<Boolean> promoted =
        java.util.concurrent.CompletableFuture.supplyAsync(
            () -> {
              try {
                return promotion.await();
              } catch (Exception e) {
                throw new IllegalStateException(e);
              }
            });
    long slowest = 0;
    int takes = 0;
    List<Long> times = new java.util.ArrayList<>();
    // every take until the replica serves answers quickly: failing closed with the message, or
    // counting alone
    boolean sawOutage = false;
    while (!promoted.isDone() || !sawOutage) {
      long t0 = System.nanoTime();
      try {
        closed.tryTake(ACCOUNT, "a3", TWO, 0, HOLD);
      } catch (IllegalStateException e) {
        assertThat(e).hasMessageContaining(
            "Redis is unreachable, and the shared rate limit fails closed");
        sawOutage = true;
      }
      long t1 = System.nanoTime();
      Duration local = counting.tryTake(ACCOUNT, "b" + takes, TWO, 0, HOLD);
      long t2 = System.nanoTime();
      if (counting.fallenBack()) {
        assertThat(local).isZero(); // counted alone, with a limit of its own
      }
      counting.giveBack(ACCOUNT, "b" + takes); // its call ended, or stopped waiting
      slowest = Math.max(slowest, Math.max(t1 - t0, t2 - t1));
      times.add((t1 - t0) / 1_000_000);
      times.add((t2 - t1) / 1_000_000);
      takes++;
      assertThat(System.nanoTime() - killedAt).isLessThan(Duration.ofSeconds(40).toNanos());
      Thread.sleep(20); // a caller's pace
    }
    assertThat(promoted.join()).isTrue();
    long servedAt = System.nanoTime();
    System.out.printf(
        "failover: %d takes while no master served, slowest %d ms; replica served after %.2f s%n",
        takes, slowest / 1_000_000, (servedAt - killedAt) / 1e9);
    System.out.println("DEBUG times " + times.stream().sorted().toList());
    assertThat(Duration.ofNanos(slowest)).isLessThan(Duration.ofMillis(QUICK_MILLIS));

    // the promoted replica holds a1 and b1; a1, given back in the outage, is given back now
    Duration wait;
    long end = System.nanoTime() + Duration.ofSeconds(20).toNanos();
    while (true) {
      try {
        wait = closed.tryTake(ACCOUNT, "a3", TWO, 0, HOLD);
        if (wait.isZero()) {
          break;
        }
        try (Jedis j = new Jedis("127.0.0.1", replica.port())) {
          System.out.println("DEBUG refused " + wait + " leases " + j.zrangeWithScores(KEY, 0, -1) + " line " + j.zrangeWithScores(RedisRateLimitStore.keys(ACCOUNT).get(6), 0, -1) + " role " + j.info("replication").lines().filter(l -> l.startsWith("role")).toList());
        }
      } catch (IllegalStateException e) {
        // the client has not found the new master yet
        System.out.println("DEBUG " + (System.nanoTime() - servedAt) / 1_000_000 + " " + e);
      }
      assertThat(System.nanoTime()).isLessThan(end);
      Thread.sleep(20);
    }
    System.out.printf(
        "failover: a slot taken again %.2f s after the replica served%n",
        (System.nanoTime() - servedAt) / 1e9);
    assertThat(replicaCard(replica)).isEqualTo(2); // b1 and a3: a1 was given back
  }

  private static void awaitTake(RedisRateLimitStore s, String name) throws InterruptedException {
    long end = System.nanoTime() + Duration.ofSeconds(10).toNanos();
    Duration wait;
    while (!(wait = s.tryTake(ACCOUNT, name, TWO, 0, HOLD)).isZero()) {
      assertThat(System.nanoTime()).isLessThan(end);
      Thread.sleep(wait.toMillis());
    }
  }

  private static void awaitReplicated(RedisServer replica, long leases) throws Exception {
    long end = System.nanoTime() + Duration.ofSeconds(10).toNanos();
    while (replicaCard(replica) < leases) {
      assertThat(System.nanoTime()).isLessThan(end);
      Thread.sleep(10);
    }
  }

  /** Returns how many leases {@code node} holds, read on the node itself (a replica too). */
  private static long replicaCard(RedisServer node) {
    try (Jedis j = new Jedis("127.0.0.1", node.port())) {
      try {
        j.readonly(); // a cluster's replica answers reads of its master's slots
      } catch (JedisDataException e) {
        // not a cluster node
      }
      return j.zcard(KEY);
    }
  }

  /** Waits until redis-cli's answer to {@code args} on {@code node} contains the last one. */
  private static void awaitLine(RedisServer node, String... args) throws Exception {
    String[] command = List.of(args).subList(0, args.length - 1).toArray(String[]::new);
    String want = args[args.length - 1];
    long end = System.nanoTime() + Duration.ofSeconds(30).toNanos();
    while (!node.cli(command).contains(want)) {
      assertThat(System.nanoTime()).isLessThan(end);
      Thread.sleep(50);
    }
  }
}
