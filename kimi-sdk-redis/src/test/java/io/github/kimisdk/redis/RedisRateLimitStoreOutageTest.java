package io.github.kimisdk.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.kimisdk.RateLimit;
import io.github.kimisdk.redis.RedisRateLimitStore.Fallback;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/**
 * What the store asks of Redis while it is down, against a {@link RedisScripts} that answers or
 * fails as told and records each script run, on a clock moved by hand; its probes run at once, on
 * the taking thread.
 */
class RedisRateLimitStoreOutageTest {

  private static final RateLimit TWO = RateLimit.builder().maxConcurrency(2).build();
  private static final Duration LEASE = Duration.ofSeconds(15);

  /** Scripts that answer 0 while {@code up}, else fail as a cluster client does; recorded. */
  private static final class FakeRedis implements RedisScripts {
    boolean up = true;
    final List<String> runs = new ArrayList<>();

    @Override
    public long eval(String script, String sha1, List<String> keys, List<String> args) {
      String name =
          script.equals(RedisRateLimitStore.TAKE)
              ? "take"
              : script.equals(RedisRateLimitStore.GIVE_BACK)
                  ? "giveBack"
                  : script.equals(RedisRateLimitStore.PROBE) ? "probe" : "other";
      runs.add(name + (name.equals("giveBack") ? args : ""));
      if (!up) {
        throw new RedisUnavailableException("No more cluster attempts left.", null);
      }
      return 0;
    }
  }

  private final FakeRedis redis = new FakeRedis();
  private final AtomicLong now = new AtomicLong();

  private RedisRateLimitStore store(Fallback fallback) {
    return RedisRateLimitStore.builder(redis)
        .fallback(fallback)
        .nanoTime(now::get)
        .probes(Runnable::run)
        .build();
  }

  private void advance(Duration d) {
    now.addAndGet(d.toNanos());
  }

  @Test
  void failingClosedATakeInAnOutageFailsAtOnceAndAProbeAsksRedisEvery200Millis() {
    RedisRateLimitStore store = store(Fallback.FAIL_CLOSED);
    redis.up = false;
    for (int i = 0; i < 3; i++) {
      assertThatThrownBy(() -> store.tryTake("org", "a", TWO, 0, LEASE))
          .isInstanceOf(IllegalStateException.class)
          .hasMessage(
              "Redis is unreachable, and the shared rate limit fails closed: No more cluster"
                  + " attempts left.");
    }
    assertThat(redis.runs).containsExactly("take"); // the first found it down; the others knew
    assertThat(store.fallenBack()).isFalse(); // it counts nothing alone

    advance(RedisRateLimitStore.RECHECK_CLOSED.minusMillis(1));
    assertThatThrownBy(() -> store.tryTake("org", "b", TWO, 0, LEASE))
        .isInstanceOf(IllegalStateException.class);
    assertThat(redis.runs).containsExactly("take");
    advance(Duration.ofMillis(1));
    assertThatThrownBy(() -> store.tryTake("org", "b", TWO, 0, LEASE))
        .isInstanceOf(IllegalStateException.class);
    assertThat(redis.runs).containsExactly("take", "probe");

    redis.up = true;
    advance(RedisRateLimitStore.RECHECK_CLOSED);
    assertThat(store.tryTake("org", "b", TWO, 0, LEASE)).isZero(); // the probe found it back
    assertThat(store.tryTake("org", "c", TWO, 0, LEASE)).isZero(); // asked again each time
    assertThat(redis.runs).containsExactly("take", "probe", "probe", "take", "take");
  }

  @Test
  void countingAloneATakeInAnOutageCountsAtOnceAndAProbeAsksRedisEveryTwoSeconds() {
    RedisRateLimitStore store = store(Fallback.IN_PROCESS);
    redis.up = false;
    assertThat(store.tryTake("org", "a1", TWO, 0, LEASE)).isZero();
    assertThat(store.tryTake("org", "a2", TWO, 0, LEASE)).isZero();
    assertThat(store.tryTake("org", "a3", TWO, 0, LEASE)).isPositive(); // its own limit of 2
    assertThat(store.fallenBack()).isTrue();
    assertThat(redis.runs).containsExactly("take");

    advance(RedisRateLimitStore.RETRY_REDIS.minusMillis(1));
    store.giveBack("org", "a1"); // taken alone: given back alone
    assertThat(store.tryTake("org", "a3", TWO, 0, LEASE)).isZero();
    assertThat(redis.runs).containsExactly("take");
    advance(Duration.ofMillis(1));
    assertThat(store.tryTake("org", "a4", TWO, 0, LEASE)).isPositive(); // still alone: 2 of 2
    assertThat(redis.runs).containsExactly("take", "probe");

    redis.up = true;
    advance(RedisRateLimitStore.RETRY_REDIS);
    assertThat(store.tryTake("org", "b1", TWO, 0, LEASE)).isZero();
    assertThat(store.fallenBack()).isFalse();
    assertThat(redis.runs).containsExactly("take", "probe", "probe", "take");
  }

  @Test
  void aLeaseGivenBackInAnOutageIsGivenBackByTheNextCallThatReachesRedis() {
    RedisRateLimitStore store = store(Fallback.FAIL_CLOSED);
    assertThat(store.tryTake("org", "a1", TWO, 0, LEASE)).isZero();
    assertThat(store.tryTake("org", "a2", TWO, 0, LEASE)).isZero();
    redis.up = false;
    store.giveBack("org", "a1"); // its call ended while no master served
    store.giveBack("org", "a2"); // known to be down: not asked
    redis.up = true;

    store.renew("other-org", List.of("x1"), LEASE); // another account's call: a1 is not its own
    assertThat(store.tryTake("org", "b1", TWO, 0, LEASE)).isZero();
    assertThat(redis.runs)
        .containsExactly("take", "take", "giveBack[a1]", "other", "giveBack[a1, a2]", "take");
    assertThat(store.tryTake("org", "b2", TWO, 0, LEASE)).isZero();
    assertThat(redis.runs).endsWith("giveBack[a1, a2]", "take", "take"); // given back once
  }

  @Test
  void aLeaseGivenBackInAnOutageIsForgottenOnceItHasExpiredInRedisAnyway() {
    RedisRateLimitStore store = store(Fallback.FAIL_CLOSED);
    assertThat(store.tryTake("org", "a1", TWO, 0, LEASE)).isZero();
    redis.up = false;
    store.giveBack("org", "a1");
    redis.up = true;
    advance(RedisRateLimitStore.LONGEST_LEASE.plusMillis(1));
    assertThat(store.tryTake("org", "b1", TWO, 0, LEASE)).isZero();
    assertThat(redis.runs).containsExactly("take", "giveBack[a1]", "probe", "take");
  }
}
