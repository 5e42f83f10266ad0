package io.github.kimisdk.redis;

import io.github.kimisdk.Budget;
import java.time.Duration;
import redis.clients.jedis.RedisClient;

/**
 * A process that reserves {@code args[2]} units of the budget counter {@code holder|} of the
 * current UTC day in the Redis on port {@code args[0]}, with leases of {@code args[1]} milliseconds
 * that its store renews, says {@code held}, and then holds them until it is killed.
 */
final class BudgetHolder {

  private BudgetHolder() {}

  public static void main(String[] args) throws InterruptedException {
    RedisClient client = RedisClient.create("127.0.0.1", Integer.parseInt(args[0]));
    RedisRateLimitStore store =
        RedisRateLimitStore.builder(JedisScripts.of(client))
            .leaseLength(Duration.ofMillis(Long.parseLong(args[1])))
            .build();
    long amount = Long.parseLong(args[2]);
    Budget.Tally t = store.reserve(RedisBudgetTest.counter(), amount, amount, "holder-reservation");
    System.out.println(t.taken() ? "held" : "refused " + t);
    System.out.flush();
    new java.util.concurrent.CountDownLatch(1).await(); // until killed
  }
}
