package io.github.kimisdk.redis;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.kimisdk.agents.Claim;
import io.github.kimisdk.agents.RunQuery;
import io.github.kimisdk.agents.RunStore;
import io.github.kimisdk.agents.RunStoreContract;
import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/**
 * The run store contract, finding runs included, on a Redis Cluster of 3 masters and 3 replicas,
 * through Jedis's and Lettuce's cluster clients: each run's hash in its own slot, the index in one
 * slot of its own, every script on the node of its keys' slot (a script that touched another slot
 * would fail there with CROSSSLOT).
 */
class RedisRunStoreClusterTest {
  static RedisCluster cluster;
  static ClientKind.Connected jedis;
  static ClientKind.Connected lettuce;
  static final AtomicInteger PREFIXES = new AtomicInteger();

  @BeforeAll
  static void start() throws Exception {
    cluster = RedisCluster.start(3, 5_000);
    jedis = ClientKind.JEDIS.cluster(cluster.ports());
    lettuce = ClientKind.LETTUCE.cluster(cluster.ports());
  }

  @AfterAll
  static void stop() {
    if (jedis != null) {
      jedis.close();
    }
    if (lettuce != null) {
      lettuce.close();
    }
    if (cluster != null) {
      cluster.close();
    }
  }

  @Nested
  class OnJedis extends RunStoreContract {
    @Override
    protected RunStore store() {
      return RedisRunStore.of(jedis.scripts(), "cj" + PREFIXES.incrementAndGet() + ":");
    }

    @Test
    void runsSpreadOverTheMastersWhileTheIndexIsOnOne() throws Exception {
      String prefix = "spread:";
      RunStore s = RedisRunStore.of(jedis.scripts(), prefix);
      Set<Integer> masters = new HashSet<>();
      for (int i = 0; i < 12; i++) {
        String id = "run-" + i;
        Claim.Held c =
            save(
                s,
                summary(
                    id,
                    "payments",
                    io.github.kimisdk.agents.RunState.Status.ANSWERED,
                    null,
                    T0,
                    "w",
                    java.util.Map.of(),
                    3),
                T0);
        s.release(c);
        masters.add(cluster.masterOf(prefix + "{" + id + "}").port());
      }
      assertThat(masters).hasSizeGreaterThan(1);
      assertThat(s.count(RunQuery.all().at(T0))).isEqualTo(12);
      String base = RedisRunStore.indexBase(prefix);
      int index = cluster.masterOf(base + "runs").port();
      for (String k : new String[] {"runs", "held", "c:answered", "a:payments:answered"}) {
        assertThat(cluster.masterOf(base + k).port()).isEqualTo(index);
      }
    }
  }

  @Nested
  class OnLettuce extends RunStoreContract {
    @Override
    protected RunStore store() {
      return RedisRunStore.of(lettuce.scripts(), "cl" + PREFIXES.incrementAndGet() + ":");
    }
  }
}
