package io.github.kimisdk.redis;

import io.github.kimisdk.RateLimit;
import java.time.Duration;
import redis.clients.jedis.RedisClient;

/**
 * A process that takes one concurrency lease of {@code leaseFor} milliseconds in the Redis on port
 * {@code args[0]}, says so, and then holds it until it is killed.
 */
final class LeaseHolder {

  private LeaseHolder() {}

  /** A store failing closed, on Jedis, of the Redis on loopback at {@code port}. */
  static RedisRateLimitStore onPort(String port) {
    return RedisRateLimitStore.create(
        JedisScripts.of(RedisClient.create("127.0.0.1", Integer.parseInt(port))),
        RedisRateLimitStore.Fallback.FAIL_CLOSED);
  }

  public static void main(String[] args) throws InterruptedException {
    var store = onPort(args[0]);
    Duration wait;
    long end = System.nanoTime() + Duration.ofSeconds(20).toNanos();
    // a Redis that just started gives out slots once holders had time to register theirs again
    while (!(wait =
            store.tryTake(
                "org-killed",
                "holder-lease",
                RateLimit.builder().maxConcurrency(1).build(),
                0,
                Duration.ofMillis(Long.parseLong(args[1]))))
        .isZero()) {
      if (System.nanoTime() - end > 0) {
        break;
      }
      Thread.sleep(wait.toMillis());
    }
    System.out.println(wait.isZero() ? "held" : "refused");
    System.out.flush();
    new java.util.concurrent.CountDownLatch(1).await(); // until killed
  }
}
