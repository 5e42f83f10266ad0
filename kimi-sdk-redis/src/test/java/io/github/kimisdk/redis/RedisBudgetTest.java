package io.github.kimisdk.redis;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.kimisdk.KimiClient;
import io.github.kimisdk.budget.Budget;
import io.github.kimisdk.chat.ChatCompletion;
import io.github.kimisdk.chat.ChatRequest;
import io.github.kimisdk.errors.BudgetExceededException;
import io.github.kimisdk.model.PriceTable;
import io.github.kimisdk.testing.FakeKimiServer;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import redis.clients.jedis.RedisClient;

/**
 * Budgets kept in a real redis-server: exact under concurrency (threads of several stores, each on
 * its own connection, and several clients, never reserve or spend past the limit, and use it up),
 * and a reservation whose holder was killed with {@code kill -9} (a child JVM) released within one
 * lease by Redis's own clock, while a live holder's is renewed.
 */
class RedisBudgetTest {

  private RedisServer redis;
  private final List<AutoCloseable> open = new ArrayList<>();

  @BeforeEach
  void start() throws Exception {
    redis = RedisServer.start();
  }

  @AfterEach
  void stop() throws Exception {
    for (int i = open.size() - 1; i >= 0; i--) {
      open.get(i).close();
    }
    redis.close();
  }

  /** A counter of today's budget {@code holder}, as a calendar day's would be. */
  static Budget.Counter counter() {
    long now = System.currentTimeMillis();
    long day = Duration.ofDays(1).toMillis();
    return new Budget.Counter("holder", "", "today", now, now + day, now + 2 * day);
  }

  private RedisBudgetStore store(ClientKind kind) {
    ClientKind.Connected c = kind.standalone(redis.port());
    open.add(c);
    RedisBudgetStore s =
        RedisBudgetStore.of(RedisRateLimitStore.builder(c.scripts()).restartWait(false).build());
    open.add(s::stopRenewals);
    return s;
  }

  private RedisClient jedis() {
    RedisClient j = RedisClient.create("127.0.0.1", redis.port());
    open.add(j);
    return j;
  }

  /**
   * Twelve threads of three stores (each on its own connection) reserve random amounts of one
   * counter and settle each at a random part of it: at every moment what the test knows to be
   * reserved or spent stays within the limit, the spend Redis counted is exactly what was settled,
   * and the budget is used up (the last refusals are of amounts that did not fit a nearly full
   * one).
   */
  @ParameterizedTest
  @EnumSource(ClientKind.class)
  void manyThreadsOfSeveralStoresNeverReserveOrSpendPastTheLimitAndUseItUp(ClientKind kind)
      throws Exception {
    List<RedisBudgetStore> stores = List.of(store(kind), store(kind), store(kind));
    long limit = 1_000_000;
    Budget.Counter c = new Budget.Counter("exact", "", "p", 1, Long.MAX_VALUE / 2, 60_000_000L);
    AtomicLong committed = new AtomicLong(); // reserved and not settled, plus spent
    AtomicLong settled = new AtomicLong();
    AtomicLong peak = new AtomicLong();
    AtomicInteger taken = new AtomicInteger();
    AtomicInteger refused = new AtomicInteger();
    AtomicReference<Throwable> failure = new AtomicReference<>();
    ExecutorService pool = Executors.newFixedThreadPool(12);
    List<CompletableFuture<?>> work = new ArrayList<>();
    for (int t = 0; t < 12; t++) {
      RedisBudgetStore s = stores.get(t % 3);
      Random random = new Random(7919L * t);
      int thread = t;
      work.add(
          CompletableFuture.runAsync(
              () -> {
                try {
                  for (int i = 0; i < 250; i++) {
                    long amount = 1 + random.nextInt(50_000);
                    String id = "t" + thread + "-" + i;
                    Budget.Tally r = s.reserve(c, limit, amount, id);
                    if (!r.taken()) {
                      refused.incrementAndGet();
                      continue;
                    }
                    taken.incrementAndGet();
                    peak.accumulateAndGet(committed.addAndGet(amount), Math::max);
                    long spent = random.nextInt((int) amount + 1);
                    committed.addAndGet(spent - amount); // before the store frees the rest
                    settled.addAndGet(spent);
                    s.settle(c, id, spent);
                  }
                } catch (Throwable e) {
                  failure.compareAndSet(null, e);
                }
              },
              pool));
    }
    CompletableFuture.allOf(work.toArray(CompletableFuture[]::new)).get(120, TimeUnit.SECONDS);
    pool.shutdown();
    assertThat(failure.get()).isNull();

    assertThat(peak.get()).as("reserved and spent at once").isLessThanOrEqualTo(limit);
    assertThat(settled.get()).isLessThanOrEqualTo(limit);
    Budget.Tally end = stores.get(0).reserve(c, limit, limit, "the-last");
    assertThat(end.taken()).isFalse();
    assertThat(end.spent()).as("what Redis counted").isEqualTo(settled.get());
    assertThat(end.held()).isZero();
    assertThat(limit - settled.get()).as("room left").isLessThan(50_000);
    assertThat(taken.get()).isPositive();
    assertThat(refused.get()).isPositive();
  }

  /**
   * Three clients (like three processes: each its own store, connection and budget instance of one
   * name) call at once on eight threads each until refused: what they spent at the fake's prices is
   * at most the budget, is what Redis counted, and every refusal names the budget.
   */
  @Test
  void severalClientsCallingAtOnceNeverSpendPastTheBudget() throws Exception {
    try (FakeKimiServer kimi = new FakeKimiServer().start()) {
      List<KimiClient> clients = new ArrayList<>();
      ClientKind[] kinds = {ClientKind.JEDIS, ClientKind.LETTUCE, ClientKind.JEDIS};
      for (ClientKind k : kinds) {
        Budget shared = Budget.spend("fleet", "USD", "0.01").store(store(k)).build();
        KimiClient c =
            KimiClient.builder()
                .apiKey("sk-test")
                .baseUrl(kimi.baseUrl())
                .interceptor(Budget.interceptor(shared))
                .build();
        open.add(c);
        clients.add(c);
      }
      List<BigDecimal> costs = new CopyOnWriteArrayList<>();
      List<String> refusals = new CopyOnWriteArrayList<>();
      ExecutorService pool = Executors.newFixedThreadPool(24);
      List<CompletableFuture<?>> work = new ArrayList<>();
      for (int t = 0; t < 24; t++) {
        KimiClient c = clients.get(t % 3);
        work.add(
            CompletableFuture.runAsync(
                () -> {
                  for (int i = 0; i < 1_000; i++) {
                    try {
                      costs.add(hi(c, 120));
                    } catch (BudgetExceededException e) {
                      refusals.add(e.getMessage());
                      return;
                    }
                  }
                },
                pool));
      }
      CompletableFuture.allOf(work.toArray(CompletableFuture[]::new)).get(180, TimeUnit.SECONDS);
      pool.shutdown();

      BigDecimal spent = costs.stream().reduce(BigDecimal.ZERO, BigDecimal::add);
      assertThat(spent).isLessThanOrEqualTo(new BigDecimal("0.01"));
      assertThat(costs).hasSizeGreaterThan(10);
      assertThat(kimi.requestCount()).isEqualTo(costs.size());
      assertThat(refusals).hasSize(24).allMatch(m -> m.startsWith("Budget fleet refused"));
      assertThat(redisSpent("fleet")).isEqualByComparingTo(spent);
    }
  }

  /** The cost of one "Hi" to K3 with a cap of {@code maxTokens}, as the budget counts it. */
  static BigDecimal hi(KimiClient kimi, int maxTokens) {
    return counted(
        kimi.chat(
            ChatRequest.builder("kimi-k3").addUser("Hi").maxCompletionTokens(maxTokens).build()));
  }

  /** What a reply costs as the budget counts it: at the default prices, rounded up to 10^-8. */
  static BigDecimal counted(ChatCompletion r) {
    return PriceTable.defaults()
        .cost(r.model(), r.usage())
        .orElseThrow()
        .total()
        .setScale(8, RoundingMode.CEILING);
  }

  /** What Redis counted as spent in budget {@code name}'s counters, in USD. */
  BigDecimal redisSpent(String name) {
    RedisClient j = jedis();
    long units = 0;
    for (String key : j.keys("kimi-budget:{" + name + "|*}:spent")) {
      for (String v : j.hvals(key)) {
        units += Long.parseLong(v);
      }
    }
    return BigDecimal.valueOf(units, 8);
  }

  /**
   * A child JVM holds the whole budget and is killed with {@code kill -9}: while it lives its store
   * renews the lease (Redis's lease end moves on), once it is killed the lease Redis holds ends
   * within one lease length by Redis's own clock (the default, 3 s: back within seconds, where it
   * took 15 s), and then another store reserves the budget.
   */
  @Test
  void aKilledHoldersReservationIsReleasedWithinOneLeaseAndALiveOnesIsRenewed() throws Exception {
    long lease = RedisBudgetStore.DEFAULT_LEASE.toMillis();
    assertThat(lease).as("the default lease").isEqualTo(3_000);
    Process holder =
        new ProcessBuilder(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp",
                System.getProperty("java.class.path"),
                BudgetHolder.class.getName(),
                Integer.toString(redis.port()),
                "1000")
            .redirectError(ProcessBuilder.Redirect.DISCARD)
            .start();
    RedisClient j = jedis();
    String held = RedisBudgetStore.keys(counter()).get(1);
    try {
      BufferedReader out =
          new BufferedReader(
              new InputStreamReader(holder.getInputStream(), StandardCharsets.UTF_8));
      assertThat(out.readLine()).isEqualTo("held");
      RedisBudgetStore mine = store(ClientKind.JEDIS);
      assertThat(mine.reserve(counter(), 1000, 1, "mine").taken()).isFalse();

      double first = j.zscore(held, "holder-reservation");
      long cap = System.nanoTime() + Duration.ofSeconds(20).toNanos();
      while (j.zscore(held, "holder-reservation") <= first + lease / 3.0) {
        assertThat(System.nanoTime() - cap).as("renewed within 20 s").isNegative();
        Thread.sleep(50);
      }
    } finally {
      ProcessHandle.of(holder.pid()).ifPresent(ProcessHandle::destroyForcibly);
      holder.onExit().get(10, TimeUnit.SECONDS);
    }
    long killedAt = redisMillis(j);
    Double end = j.zscore(held, "holder-reservation");
    assertThat(end).as("the killed holder's lease").isNotNull();
    assertThat(end - killedAt).as("ms of lease left at the kill").isLessThanOrEqualTo(lease);

    RedisBudgetStore mine = store(ClientKind.JEDIS);
    long cap = System.nanoTime() + Duration.ofSeconds(20).toNanos();
    Budget.Tally t;
    while (true) {
      long asked = redisMillis(j);
      t = mine.reserve(counter(), 1000, 1000, "mine");
      if (t.taken()) {
        break;
      }
      assertThat(asked).as("refused while the lease ran").isLessThan(end.longValue() + 1);
      assertThat(System.nanoTime() - cap).as("released within 20 s").isNegative();
      Thread.sleep(50);
    }
    System.out.printf(
        "budget reservation of a killed holder released %.2f s after the kill (bound %.1f s)%n",
        (redisMillis(j) - killedAt) / 1000.0, lease / 1000.0);
    assertThat(t.held()).isEqualTo(1000);
  }

  private static long redisMillis(RedisClient j) {
    return (Long)
        j.eval(
            "local t = redis.call('TIME') return tonumber(t[1]) * 1000 + math.floor(tonumber(t[2])"
                + " / 1000)");
  }
}
