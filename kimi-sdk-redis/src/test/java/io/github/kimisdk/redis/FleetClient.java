package io.github.kimisdk.redis;

import io.github.kimisdk.KimiClient;
import io.github.kimisdk.RateLimit;
import io.github.kimisdk.RetryPolicy;
import io.github.kimisdk.chat.ChatCompletion;
import io.github.kimisdk.chat.ChatRequest;
import io.github.kimisdk.redis.RedisRateLimitStore.Fallback;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import redis.clients.jedis.DefaultJedisClientConfig;
import redis.clients.jedis.RedisClient;

/**
 * One client process of the {@link Fleet}: a {@link KimiClient} whose rate limit is kept in the
 * Redis on {@code redis=PORT}, under the account {@code org-fleet}, with default {@code Timeouts}
 * and {@code RetryPolicy}. It prints {@code ready}, waits for a line {@code go} on its standard
 * input, sends {@code calls=N} chat calls at once (each asking {@code fleet:TAG:i}), and prints
 * {@code done ok N failed N lost N} and the failures by type once they ended (or after 300 s).
 *
 * <p>Arguments, as {@code key=value}: {@code base}, {@code redis}, {@code tag}, {@code calls},
 * {@code concurrency}, {@code rpm} (0: none), {@code fallback} ({@code FAIL_CLOSED} or {@code
 * IN_PROCESS}), {@code window} (milliseconds of the store's minute, 0: 60 s; the fleet's scaled
 * runs only), {@code retries} (default 2).
 */
final class FleetClient {

  private FleetClient() {}

  public static void main(String[] args) throws Exception {
    Map<String, String> a = new HashMap<>();
    for (String arg : args) {
      int eq = arg.indexOf('=');
      a.put(arg.substring(0, eq), arg.substring(eq + 1));
    }
    String tag = a.get("tag");
    int calls = Integer.parseInt(a.get("calls"));
    RateLimit.Builder limit = RateLimit.builder();
    int concurrency = Integer.parseInt(a.getOrDefault("concurrency", "0"));
    int rpm = Integer.parseInt(a.getOrDefault("rpm", "0"));
    if (concurrency > 0) {
      limit.maxConcurrency(concurrency);
    }
    if (rpm > 0) {
      limit.requestsPerMinute(rpm);
    }
    RedisClient redis =
        RedisClient.builder()
            .hostAndPort("127.0.0.1", Integer.parseInt(a.get("redis")))
            .clientConfig(
                DefaultJedisClientConfig.builder()
                    .connectionTimeoutMillis(500)
                    .socketTimeoutMillis(500)
                    .build())
            .build();
    RedisRateLimitStore.Builder store =
        RedisRateLimitStore.builder(redis)
            .fallback(Fallback.valueOf(a.getOrDefault("fallback", "FAIL_CLOSED")));
    long window = Long.parseLong(a.getOrDefault("window", "0"));
    if (window > 0) {
      store.window(Duration.ofMillis(window));
    }
    limit.store(store.build(), "org-fleet");
    BufferedReader in =
        new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
    try (KimiClient kimi =
        KimiClient.builder()
            .apiKey("sk-fleet")
            .baseUrl(a.get("base"))
            .retryPolicy(
                RetryPolicy.defaults()
                    .withMaxRetries(Integer.parseInt(a.getOrDefault("retries", "2"))))
            .rateLimit(limit.build())
            .build()) {
      System.out.println("ready");
      System.out.flush();
      String line = in.readLine();
      if (!"go".equals(line)) {
        return;
      }
      List<CompletableFuture<ChatCompletion>> sent = new ArrayList<>();
      for (int i = 0; i < calls; i++) {
        sent.add(kimi.chatAsync(ChatRequest.of("kimi-k2.6", "fleet:" + tag + ":" + i)));
      }
      try {
        CompletableFuture.allOf(sent.toArray(CompletableFuture[]::new))
            .exceptionally(e -> null)
            .get(300, TimeUnit.SECONDS);
      } catch (java.util.concurrent.TimeoutException e) {
        // those not done are counted as lost
      }
      int ok = 0;
      int lost = 0;
      Map<String, Integer> failures = new TreeMap<>();
      for (CompletableFuture<ChatCompletion> f : sent) {
        if (!f.isDone()) {
          lost++;
        } else if (f.isCompletedExceptionally()) {
          Throwable t = f.handle((r, e) -> e).join();
          failures.merge(t.getClass().getSimpleName(), 1, Integer::sum);
        } else {
          ok++;
        }
      }
      int failed = failures.values().stream().mapToInt(Integer::intValue).sum();
      System.out.println("done ok " + ok + " failed " + failed + " lost " + lost + " " + failures);
      System.out.flush();
    } finally {
      redis.close();
    }
  }
}
