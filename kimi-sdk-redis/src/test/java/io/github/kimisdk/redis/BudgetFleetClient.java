package io.github.kimisdk.redis;

import static io.github.kimisdk.redis.RedisRateLimitStore.Fallback.FAIL_CLOSED;

import io.github.kimisdk.KimiClient;
import io.github.kimisdk.budget.Budget;
import io.github.kimisdk.chat.ChatRequest;
import io.github.kimisdk.errors.BudgetExceededException;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import redis.clients.jedis.RedisClient;

/**
 * One process of the budget fleet, written from docs/cost-and-caching.md ("Budgets a fleet
 * shares"): a {@link KimiClient} with the budget {@code fleet-daily}, USD 0.05 a day, kept in the
 * Redis on port {@code redis=}, its day read from a clock fixed at {@code day=} (an ISO date; the
 * time 10:00 UTC) so that the harness can move to the next day. It prints {@code ready} and waits
 * for {@code go} on its standard input, then:
 *
 * <ul>
 *   <li>{@code mode=spend}: {@code threads=} threads call at once ({@code Hi}, 200 output tokens at
 *       most), each until its first refusal, or, with {@code patience=} milliseconds, asking again
 *       every 50 ms after a refusal until that long passed since its first one; it prints a line
 *       {@code refused MESSAGE} for each refusal it stops on and then {@code done calls=N
 *       spent=USD}, what its calls cost as the budget counts them (each reply's usage at the
 *       default prices, rounded up to 10<sup>-8</sup>);
 *   <li>{@code mode=hold}: one call asking {@code hold} with 3,000 output tokens at most, whose
 *       worst case holds nine tenths of the budget; the harness's fake never answers it, and the
 *       harness kills this process.
 * </ul>
 */
final class BudgetFleetClient {

  private BudgetFleetClient() {}

  public static void main(String[] args) throws Exception {
    Map<String, String> a = new HashMap<>();
    for (String arg : args) {
      int eq = arg.indexOf('=');
      a.put(arg.substring(0, eq), arg.substring(eq + 1));
    }
    RedisClient jedis = RedisClient.create("127.0.0.1", Integer.parseInt(a.get("redis")));
    RedisBudgetStore store =
        RedisBudgetStore.builder(RedisRateLimitStore.create(JedisScripts.of(jedis), FAIL_CLOSED))
            .leaseLength(Duration.ofMillis(Long.parseLong(a.getOrDefault("lease", "3000"))))
            .build();
    Clock day =
        Clock.fixed(Instant.parse(a.get("day") + "T10:00:00Z"), ZoneOffset.UTC); // the harness's
    Budget fleetDaily = Budget.spend("fleet-daily", "USD", "0.05").store(store).clock(day).build();
    KimiClient kimi =
        KimiClient.builder()
            .apiKey("sk-test")
            .baseUrl(a.get("base"))
            .interceptor(Budget.interceptor(fleetDaily))
            .build();
    System.out.println("ready");
    System.out.flush();
    BufferedReader in =
        new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
    if (!"go".equals(in.readLine())) {
      return;
    }
    if (a.get("mode").equals("hold")) {
      kimi.chat(ChatRequest.builder("kimi-k3").addUser("hold").maxCompletionTokens(3_000).build());
      return;
    }
    int threads = Integer.parseInt(a.getOrDefault("threads", "8"));
    long patience = Long.parseLong(a.getOrDefault("patience", "0"));
    List<BigDecimal> costs = new CopyOnWriteArrayList<>();
    List<String> refusals = new CopyOnWriteArrayList<>();
    AtomicInteger calls = new AtomicInteger();
    List<CompletableFuture<?>> all = new ArrayList<>();
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    for (int t = 0; t < threads; t++) {
      all.add(
          CompletableFuture.runAsync(
              () -> {
                long firstRefusal = 0;
                while (true) {
                  try {
                    costs.add(RedisBudgetTest.hi(kimi, 200));
                    calls.incrementAndGet();
                  } catch (BudgetExceededException e) {
                    long now = System.nanoTime();
                    firstRefusal = firstRefusal == 0 ? now : firstRefusal;
                    if (now - firstRefusal >= patience * 1_000_000L) {
                      refusals.add(e.getMessage());
                      return;
                    }
                    try {
                      Thread.sleep(50);
                    } catch (InterruptedException stop) {
                      return;
                    }
                  }
                }
              },
              pool));
    }
    CompletableFuture.allOf(all.toArray(CompletableFuture[]::new)).join();
    pool.shutdown();
    for (String r : refusals) {
      System.out.println("refused " + r);
    }
    BigDecimal spent = costs.stream().reduce(BigDecimal.ZERO, BigDecimal::add);
    System.out.println("done calls=" + calls.get() + " spent=" + spent.toPlainString());
    System.out.flush();
    kimi.close();
    store.stopRenewals();
    jedis.close();
  }
}
