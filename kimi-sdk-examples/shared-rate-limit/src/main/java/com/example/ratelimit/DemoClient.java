package com.example.ratelimit;

import io.github.kimisdk.KimiClient;
import io.github.kimisdk.RateLimit;
import io.github.kimisdk.Timeouts;
import io.github.kimisdk.chat.ChatCompletion;
import io.github.kimisdk.chat.ChatRequest;
import io.github.kimisdk.redis.JedisScripts;
import io.github.kimisdk.redis.RedisRateLimitStore;
import io.github.kimisdk.redis.RedisRateLimitStore.Fallback;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import redis.clients.jedis.DefaultJedisClientConfig;
import redis.clients.jedis.RedisClient;

/**
 * One of run.sh's client processes: sends {@code requests} chat calls at once through a client
 * limited to the account's numbers, counting in process alone or in the Redis store shared with
 * the other processes, and prints how many were answered, failed, or never ended (lost).
 *
 * <p>Arguments: base URL, {@code in-process} or {@code shared}, Redis port, requests, concurrency,
 * requests per minute.
 */
public final class DemoClient {

  private DemoClient() {}

  /**
   * Runs the client.
   *
   * @param args base URL, mode, Redis port, requests, concurrency, requests per minute
   */
  public static void main(String[] args) {
    String baseUrl = args[0];
    boolean shared = args[1].equals("shared");
    int requests = Integer.parseInt(args[3]);
    RateLimit.Builder limit =
        RateLimit.builder()
            .maxConcurrency(Integer.parseInt(args[4]))
            .requestsPerMinute(Integer.parseInt(args[5]));
    RedisClient redis = null;
    if (shared) {
      redis =
          RedisClient.builder()
              .hostAndPort("127.0.0.1", Integer.parseInt(args[2]))
              .clientConfig(
                  DefaultJedisClientConfig.builder()
                      .connectionTimeoutMillis(500)
                      .socketTimeoutMillis(500)
                      .build())
              .build();
      // the five lines README's "Many processes, one account" shows
      limit.store(
          RedisRateLimitStore.create(JedisScripts.of(redis), Fallback.FAIL_CLOSED), "org-demo");
    }
    int ok = 0;
    int failed = 0;
    int lost = 0;
    try (KimiClient kimi =
        KimiClient.builder()
            .apiKey("sk-demo")
            .baseUrl(baseUrl)
            .timeouts(Timeouts.defaults().withOverall(Duration.ofSeconds(30)))
            .rateLimit(limit.build())
            .build()) {
      List<CompletableFuture<ChatCompletion>> calls = new ArrayList<>();
      for (int i = 0; i < requests; i++) {
        calls.add(kimi.chatAsync(ChatRequest.of("kimi-k2.6", "question " + i)));
      }
      try {
        CompletableFuture.allOf(calls.toArray(CompletableFuture[]::new))
            .exceptionally(e -> null)
            .get(45, TimeUnit.SECONDS);
      } catch (TimeoutException | InterruptedException | ExecutionException e) {
        // those not done are counted as lost below
      }
      for (CompletableFuture<ChatCompletion> f : calls) {
        if (!f.isDone()) {
          lost++;
        } else if (f.isCompletedExceptionally()) {
          failed++;
        } else {
          ok++;
        }
      }
    } finally {
      if (redis != null) {
        redis.close();
      }
    }
    System.out.println("client ok " + ok + " failed " + failed + " lost " + lost);
  }
}
