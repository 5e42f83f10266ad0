package io.github.kimisdk.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.kimisdk.KimiClient;
import io.github.kimisdk.RateLimit;
import io.github.kimisdk.RetryPolicy;
import io.github.kimisdk.chat.ChatCompletion;
import io.github.kimisdk.chat.ChatRequest;
import io.github.kimisdk.errors.ConnectionException;
import io.github.kimisdk.redis.RedisRateLimitStore.Fallback;
import io.github.kimisdk.testing.FakeKimiServer;
import io.github.kimisdk.testing.FakeResponse;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import redis.clients.jedis.RedisClient;

/**
 * The Redis store against a real redis-server and a {@link FakeKimiServer}, over loopback: what
 * depends on the client (scripts loaded again after a restart, outages, fallbacks) on each of
 * {@link ClientKind}, the rest of the Lua's rules on Jedis.
 */
class RedisRateLimitStoreTest {

  private static final String ANSWER =
      "{\"id\":\"chatcmpl-1\",\"object\":\"chat.completion\",\"created\":1,\"model\":\"kimi-k2.6\","
          + "\"choices\":[{\"index\":0,\"message\":{\"role\":\"assistant\",\"content\":\"ok\"},"
          + "\"finish_reason\":\"stop\"}],"
          + "\"usage\":{\"prompt_tokens\":3,\"completion_tokens\":1,\"total_tokens\":4}}";

  private RedisServer redis;
  private final List<AutoCloseable> open = new ArrayList<>();
  private FakeKimiServer kimi;
  private ClientKind kind = ClientKind.JEDIS;

  @BeforeEach
  void start() throws Exception {
    redis = RedisServer.start();
    kimi =
        new FakeKimiServer()
            .respondWith(r -> FakeResponse.json(ANSWER).withHeadersDelay(Duration.ofMillis(30)))
            .start();
  }

  @AfterEach
  void stop() throws Exception {
    for (int i = open.size() - 1; i >= 0; i--) { // the Kimi clients before their Redis clients
      open.get(i).close();
    }
    kimi.close();
    redis.close();
  }

  /**
   * Returns a store with leases of 3 s, so that a Redis just started gives out its first slot after
   * 3 s (a third of the lease plus two seconds) rather than 7.
   */
  private RedisRateLimitStore store(Fallback fallback) {
    return store(fallback, System::nanoTime);
  }

  private RedisRateLimitStore store(Fallback fallback, java.util.function.LongSupplier nanoTime) {
    return RedisRateLimitStore.builder(scripts())
        .fallback(fallback)
        .nanoTime(nanoTime)
        .leaseLength(Duration.ofSeconds(3))
        .build();
  }

  private KimiClient client(Setup h) {
    KimiClient c =
        KimiClient.builder()
            .apiKey("sk-test")
            .baseUrl(kimi.baseUrl())
            .retryPolicy(h.retries)
            .rateLimit(
                RateLimit.builder()
                    .maxConcurrency(2)
                    .requestsPerMinute(1_000)
                    .store(h.store, "org-test")
                    .build())
            .build();
    open.add(c);
    return c;
  }

  private record Setup(RedisRateLimitStore store, RetryPolicy retries) {}

  private static List<CompletableFuture<ChatCompletion>> send(KimiClient c, int n) {
    List<CompletableFuture<ChatCompletion>> calls = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      calls.add(c.chatAsync(ChatRequest.of("kimi-k2.6", "q" + i)));
    }
    return calls;
  }

  private static void awaitAll(List<CompletableFuture<ChatCompletion>> calls) {
    CompletableFuture.allOf(calls.toArray(CompletableFuture[]::new))
        .exceptionally(e -> null)
        .orTimeout(30, TimeUnit.SECONDS)
        .join();
  }

  @Test
  void twoClientsInOneJvmShareOneBudget() {
    kimi.maxConcurrency(2);
    KimiClient a = client(new Setup(store(Fallback.FAIL_CLOSED), RetryPolicy.none()));
    KimiClient b = client(new Setup(store(Fallback.FAIL_CLOSED), RetryPolicy.none()));

    List<CompletableFuture<ChatCompletion>> calls = new ArrayList<>(send(a, 12));
    calls.addAll(send(b, 12));
    awaitAll(calls);

    assertThat(calls).allMatch(f -> !f.isCompletedExceptionally());
    assertThat(kimi.rateLimitedCount()).isZero(); // each alone would have sent 2, together 4
    assertThat(kimi.peakConcurrency()).isBetween(1, 2);
    assertThat(kimi.requestCount()).isEqualTo(24);
  }

  @Test
  void requestsPerMinuteAreSharedAndTheWaitIsTheOldestRequestsAgePlusItsWayToKimi() {
    RedisRateLimitStore one = store(Fallback.FAIL_CLOSED);
    RedisRateLimitStore two = store(Fallback.FAIL_CLOSED);
    RateLimit limit = RateLimit.builder().requestsPerMinute(3).tokensPerMinute(1_000).build();
    Duration minute = Duration.ofMinutes(1).plus(RedisRateLimitStore.SEND_MARGIN);

    assertThat(one.tryTake("org-rpm", "a1", limit, 100, Duration.ZERO)).isZero();
    assertThat(two.tryTake("org-rpm", "b1", limit, 100, Duration.ZERO)).isZero();
    assertThat(two.tryTake("org-other", "b2", limit, 100, Duration.ZERO)).isZero();
    assertThat(one.tryTake("org-rpm", "a2", limit, 900, Duration.ZERO)) // tokens: 200 + 900 > 1000
        .isBetween(minute.minusSeconds(1), minute);
    one.giveBack("org-rpm", "a2"); // it stops waiting, and leaves the line
    assertThat(one.tryTake("org-rpm", "a3", limit, 100, Duration.ZERO)).isZero();
    // the third request was the minute's last
    assertThat(two.tryTake("org-rpm", "b3", limit, 1, Duration.ZERO))
        .isBetween(minute.minusSeconds(1), minute);
    try (RedisClient c = redis.client()) {
      assertThat(c.pttl(RedisRateLimitStore.keys("org-rpm").get(0)))
          .isBetween(minute.toMillis() - 1_000, minute.toMillis());
    }
  }

  @Test
  void eachTenantOfAClientCountsUnderItsOwnAccountKey() {
    KimiClient c =
        KimiClient.builder()
            .apiKey("sk-test")
            .baseUrl(kimi.baseUrl())
            .rateLimit(
                RateLimit.builder()
                    .requestsPerMinute(1)
                    .store(store(Fallback.FAIL_CLOSED), "org-test")
                    .build())
            .build();
    open.add(c);
    KimiClient acme = c.withCredentials("acme", () -> "sk-acme-key");
    KimiClient globex = c.withCredentials("globex", () -> "sk-globex-key");
    ChatRequest q = ChatRequest.of("kimi-k2.6", "q");

    // one request a minute each: none waits for another's
    c.chat(q);
    acme.chat(q);
    globex.chat(q);
    CompletableFuture<ChatCompletion> again = acme.chatAsync(q);
    assertThat(again).as("acme's minute is spent").isNotDone();
    again.cancel(true);
    try (RedisClient r = redis.client()) {
      for (String account : List.of("org-test", "acme", "globex")) {
        assertThat(r.exists(RedisRateLimitStore.keys(account).get(0))).as(account).isTrue();
      }
    }
    assertThat(kimi.requestCount()).isEqualTo(3);
  }

  @Test
  void aCallerThatGaveASlotBackDoesNotTakeItAgainBeforeTheOneWaiting() {
    RedisRateLimitStore one = store(Fallback.FAIL_CLOSED);
    RedisRateLimitStore two = store(Fallback.FAIL_CLOSED);
    RateLimit limit = RateLimit.builder().maxConcurrency(1).build();
    Duration lease = Duration.ofSeconds(15);
    awaitTake(one, "org-fair", "a1", limit, lease); // a fresh Redis waits for holders first
    assertThat(two.tryTake("org-fair", "b1", limit, 0, lease)).isPositive(); // waits in line

    one.giveBack("org-fair", "a1");
    assertThat(one.tryTake("org-fair", "a2", limit, 0, lease)).isPositive(); // b1 first
    assertThat(two.tryTake("org-fair", "b1", limit, 0, lease)).isZero();
    two.giveBack("org-fair", "b1");
    assertThat(one.tryTake("org-fair", "a2", limit, 0, lease)).isZero();
  }

  @Test
  void aTakeAskedAgainByACallerThatHoldsItsLeaseGetsItCountedOnce() {
    // a client that retried a take whose reply it lost (a timeout) asks for a lease it holds
    RedisRateLimitStore one = store(Fallback.FAIL_CLOSED);
    RateLimit limit = RateLimit.builder().maxConcurrency(1).requestsPerMinute(100).build();
    Duration lease = Duration.ofSeconds(15);
    awaitTake(one, "org-again", "a1", limit, lease);
    assertThat(one.tryTake("org-again", "a1", limit, 0, lease)).isZero();
    assertThat(one.tryTake("org-again", "b1", limit, 0, lease)).isPositive(); // one slot, held
    try (RedisClient c = redis.client()) {
      assertThat(c.zcard(RedisRateLimitStore.keys("org-again").get(0))).isEqualTo(1); // requests
    }
  }

  @Test
  void aCallerThatStoppedAskingLeavesTheLineASecondAfterItWasDue() throws Exception {
    RedisRateLimitStore one = store(Fallback.FAIL_CLOSED);
    RateLimit limit = RateLimit.builder().maxConcurrency(1).build();
    Duration lease = Duration.ofSeconds(15);
    awaitTake(one, "org-gone", "a1", limit, lease);
    assertThat(one.tryTake("org-gone", "dead", limit, 0, lease)).isPositive(); // then it dies
    one.giveBack("org-gone", "a1");

    long start = System.nanoTime();
    Duration wait = one.tryTake("org-gone", "next", limit, 0, lease);
    assertThat(wait).isPositive(); // "dead" is ahead of it, for now
    while (!wait.isZero()) {
      assertThat(System.nanoTime() - start).isLessThan(Duration.ofSeconds(10).toNanos());
      Thread.sleep(wait.toMillis());
      wait = one.tryTake("org-gone", "next", limit, 0, lease);
    }
    assertThat(Duration.ofNanos(System.nanoTime() - start))
        .isGreaterThanOrEqualTo(Duration.ofMillis(RedisRateLimitStore.LINE_SLACK_MILLIS - 100));
  }

  @Test
  void aPauseHoldsEveryStoreOfTheAccountAndALaterShorterOneNeverShortensIt() {
    RedisRateLimitStore one = store(Fallback.FAIL_CLOSED);
    RedisRateLimitStore two = store(Fallback.FAIL_CLOSED);
    RateLimit limit = RateLimit.builder().requestsPerMinute(100).build();

    one.pause("org-pause", Duration.ofSeconds(30), null);
    two.pause("org-pause", Duration.ofSeconds(2), null);
    // 30 s from the write's microsecond, ended on a whole millisecond: up to 1 ms more
    assertThat(two.tryTake("org-pause", "b1", limit, 0, Duration.ZERO))
        .isBetween(Duration.ofSeconds(29), Duration.ofMillis(30_001));
    assertThat(two.tryTake("org-other", "b2", limit, 0, Duration.ZERO)).isZero();
    try (RedisClient c = redis.client()) {
      assertThat(c.pttl(RedisRateLimitStore.keys("org-pause").get(4))).isBetween(29_000L, 30_001L);
    }
  }

  /**
   * A take reads Redis's clock in whole milliseconds: a pause whose end dropped its write's
   * fraction of a millisecond let takes through up to a millisecond early, which the fleet's shared
   * 429 can tell (issue 75). Twenty pauses, each written within a millisecond of the time read
   * before it in most runs, so that an end rounded down shows.
   */
  @Test
  void aPauseEndsNoSoonerThanItsWholeLengthAfterItWasWritten() {
    RedisRateLimitStore store = store(Fallback.FAIL_CLOSED);
    try (RedisClient c = redis.client()) {
      for (int i = 0; i < 20; i++) {
        String account = "org-whole-" + i;
        List<?> before = (List<?>) c.eval("return redis.call('TIME')");
        long beforeMicros =
            Long.parseLong(String.valueOf(before.get(0))) * 1_000_000
                + Long.parseLong(String.valueOf(before.get(1)));
        store.pause(account, Duration.ofSeconds(5), null);
        long endMillis = Long.parseLong(c.get(RedisRateLimitStore.keys(account).get(4)));
        assertThat(endMillis * 1000).isGreaterThanOrEqualTo(beforeMicros + 5_000_000);
      }
    }
  }

  @Test
  void limitsStatedInA429HoldForEveryStoreOfTheAccount() {
    RedisRateLimitStore one = store(Fallback.FAIL_CLOSED);
    RedisRateLimitStore two = store(Fallback.FAIL_CLOSED);
    RateLimit mine = RateLimit.builder().requestsPerMinute(100).build();

    one.pause("org-said", Duration.ofMillis(1), RateLimit.builder().requestsPerMinute(2).build());
    awaitTake(two, "org-said", "b1", mine, Duration.ZERO);
    assertThat(two.tryTake("org-said", "b2", mine, 0, Duration.ZERO)).isZero();
    assertThat(two.tryTake("org-said", "b3", mine, 0, Duration.ZERO)) // 2, not 100
        .isGreaterThan(Duration.ofSeconds(50));
  }

  @ParameterizedTest
  @EnumSource(ClientKind.class)
  void renewedLeasesOutliveTheirLengthAndLeasesLostInARestartAreRegisteredAgain(ClientKind kind)
      throws Exception {
    this.kind = kind;
    RedisRateLimitStore one =
        RedisRateLimitStore.builder(scripts()).leaseLength(Duration.ofSeconds(3)).build();
    assertThat(one.renewedLease()).isEqualTo(Duration.ofSeconds(3));
    RateLimit limit = RateLimit.builder().maxConcurrency(2).build();
    Duration lease = Duration.ofSeconds(3);
    awaitTake(one, "org-renew", "a1", limit, lease);
    awaitTake(one, "org-renew", "a2", limit, lease);

    try (RedisClient c = redis.client()) {
      String leases = RedisRateLimitStore.keys("org-renew").get(2);
      one.renew("org-renew", List.of("a1", "a2"), Duration.ofSeconds(20));
      assertThat(c.zscore(leases, "a1") - c.zscore(leases, "a2")).isZero();
      assertThat(c.pttl(leases)).isBetween(19_000L, 20_001L);
    }
    redis.stop();
    redis.restart(); // empty: both leases are gone
    try (RedisClient c = redis.client()) {
      String leases = RedisRateLimitStore.keys("org-renew").get(2);
      assertThat(c.exists(leases)).isFalse();
      // a new slot waits for the holders to register theirs again (a third of the lease + 2 s,
      // and up to a second more: Redis states its uptime in whole seconds)
      Duration wait = reconnected(() -> one.tryTake("org-renew", "new", limit, 0, lease));
      assertThat(wait).isPositive().isLessThanOrEqualTo(Duration.ofSeconds(4));
      one.renew("org-renew", List.of("a1", "a2"), Duration.ofSeconds(20)); // outlives the wait
      assertThat(c.zcard(leases)).isEqualTo(2);
      Thread.sleep(wait.toMillis());
      awaitRefused(one, "org-renew", "new", limit, lease); // both slots are held again
    }
  }

  @Test
  void aRedisThatJustStartedGivesNoSlotUntilAThirdOfTheLeasePlusTwoSecondsAfterItStarted()
      throws Exception {
    RedisRateLimitStore store = store(Fallback.FAIL_CLOSED); // leases of 3 s: a grace of 3 s
    RateLimit one = RateLimit.builder().maxConcurrency(1).build();
    Duration lease = Duration.ofSeconds(3);
    // Redis states its uptime in whole seconds, its start's fraction dropped: started in the
    // second half of a second and asked early in the next, it says 1 s when it has been up for
    // about half of one. Each attempt restarts it at that point of the wall clock (Redis's).
    for (int attempt = 1; ; attempt++) {
      redis.stop();
      sleepUntilMillisOfSecond(500);
      long launched = System.nanoTime();
      redis.restart();
      sleepUntilMillisOfSecond(20);
      try (RedisClient c = redis.client()) {
        String up =
            c.info("server")
                .lines()
                .filter(l -> l.startsWith("uptime_in_seconds:"))
                .findFirst()
                .orElseThrow();
        if (!up.equals("uptime_in_seconds:1")
            || System.nanoTime() - launched > Duration.ofMillis(900).toNanos()) {
          assertThat(attempt).as("Redis never started in time for the check").isLessThan(5);
          continue;
        }
      }
      Duration wait = reconnected(() -> store.tryTake("org-fresh", "a1", one, 0, lease));
      while (!wait.isZero()) { // asking again when the store says, as the rate limiter does
        Thread.sleep(wait.toMillis());
        wait = store.tryTake("org-fresh", "a1", one, 0, lease);
      }
      assertThat(Duration.ofNanos(System.nanoTime() - launched))
          .isGreaterThanOrEqualTo(Duration.ofSeconds(3)) // a third of the lease plus 2 s
          .isLessThan(Duration.ofSeconds(5)); // and at most a second more, the uptime's rounding
      return;
    }
  }

  @ParameterizedTest
  @EnumSource(ClientKind.class)
  void aStoreWithoutTheRestartWaitGivesItsFirstSlotOnARedisThatJustStartedAtOnce(ClientKind kind)
      throws Exception {
    this.kind = kind;
    RateLimit one = RateLimit.builder().maxConcurrency(1).build();
    Duration lease = Duration.ofSeconds(3);
    redis.stop();
    redis.restart();
    // a lease of 30 s: the store that waits waits 12 s from the start, longer than a loaded
    // machine takes to connect (a lease of 3 s left it 3 s, which a busy machine used up)
    RedisRateLimitStore waits =
        RedisRateLimitStore.builder(scripts())
            .fallback(Fallback.FAIL_CLOSED)
            .leaseLength(Duration.ofSeconds(30))
            .build();
    RedisRateLimitStore test =
        RedisRateLimitStore.builder(scripts())
            .leaseLength(Duration.ofSeconds(3))
            .restartWait(false)
            .build();
    assertThat(test.toString()).endsWith(", restartWait=false]");

    assertThat(reconnected(() -> waits.tryTake("org-waits", "a1", one, 0, lease)))
        .isGreaterThan(Duration.ofSeconds(1));
    assertThat(reconnected(() -> test.tryTake("org-test", "a1", one, 0, lease))).isZero();
    // the limit still holds, and the store that waits keeps waiting on its own account
    assertThat(test.tryTake("org-test", "a2", one, 0, lease))
        .isEqualTo(Duration.ofMillis(RedisRateLimitStore.LEASE_POLL_MILLIS));
    assertThat(waits.tryTake("org-waits", "a1", one, 0, lease)).isGreaterThan(Duration.ZERO);
  }

  /** Sleeps until the wall clock's millisecond of the second is {@code millis}, the next time. */
  private static void sleepUntilMillisOfSecond(long millis) throws InterruptedException {
    Thread.sleep(Math.floorMod(millis - System.currentTimeMillis() % 1000, 1000L));
  }

  @ParameterizedTest
  @EnumSource(ClientKind.class)
  void aStoreThatCannotBeReachedNamesItselfWhenItRenewsOrPauses(ClientKind kind) {
    this.kind = kind;
    RedisRateLimitStore store = store(Fallback.IN_PROCESS);
    redis.stop();
    RateLimit limit = RateLimit.builder().maxConcurrency(1).build();
    assertThatThrownBy(() -> store.renew("org-down", List.of("a1"), Duration.ofSeconds(15)))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("Redis is unreachable");
    assertThatThrownBy(() -> store.pause("org-down", Duration.ofSeconds(5), null))
        .hasMessageContaining("Redis is unreachable");
    // the fallback counts alone, and still honours the pause this process saw
    assertThat(store.tryTake("org-down", "a1", limit, 0, Duration.ofSeconds(15))).isPositive();
  }

  @Test
  void aPromotedReplicaHoldsTheLeasesItReplicatedAndTheFleetGoesOnThere() throws Exception {
    try (RedisServer replica = RedisServer.startReplicaOf(redis.port());
        RedisClient onPrimary = redis.client();
        RedisClient onReplica = replica.client()) {
      RedisRateLimitStore primary =
          RedisRateLimitStore.create(JedisScripts.of(onPrimary), Fallback.FAIL_CLOSED);
      RateLimit two = RateLimit.builder().maxConcurrency(2).build();
      Duration lease = Duration.ofSeconds(15);
      awaitTake(primary, "org-ha", "a1", two, lease);
      awaitTake(primary, "org-ha", "a2", two, lease);
      String leases = RedisRateLimitStore.keys("org-ha").get(2);
      long end = System.nanoTime() + Duration.ofSeconds(10).toNanos();
      while (onReplica.zcard(leases) < 2) { // replicated asynchronously
        assertThat(System.nanoTime()).isLessThan(end);
        Thread.sleep(10);
      }

      redis.stop(); // the primary dies, and its replica takes over
      replica.promote();
      RedisRateLimitStore promoted =
          RedisRateLimitStore.create(JedisScripts.of(onReplica), Fallback.FAIL_CLOSED);
      awaitRefused(promoted, "org-ha", "b1", two, lease); // both slots are still held
      promoted.renew("org-ha", List.of("a1", "a2"), lease); // their holders renew there
      promoted.giveBack("org-ha", "a1");
      awaitTake(promoted, "org-ha", "b1", two, lease);
    }
  }

  /**
   * Returns what {@code take} answers once the client reconnected to a Redis that restarted: a
   * Lettuce connection refuses commands until it has (within its reconnect delay).
   */
  private static Duration reconnected(java.util.function.Supplier<Duration> take)
      throws InterruptedException {
    long end = System.nanoTime() + Duration.ofSeconds(5).toNanos();
    while (true) {
      try {
        return take.get();
      } catch (IllegalStateException e) {
        assertThat(e).hasMessageContaining("Redis is unreachable");
        assertThat(System.nanoTime()).isLessThan(end);
        Thread.sleep(10);
      }
    }
  }

  /** Takes when the store allows, asking again as the rate limiter does, within 10 s. */
  private static void awaitTake(
      RedisRateLimitStore s, String account, String name, RateLimit limit, Duration lease) {
    long end = System.nanoTime() + Duration.ofSeconds(10).toNanos();
    Duration wait;
    while (!(wait = s.tryTake(account, name, limit, 0, lease)).isZero()) {
      assertThat(System.nanoTime()).isLessThan(end);
      try {
        Thread.sleep(Math.min(wait.toMillis(), 1_000));
      } catch (InterruptedException e) {
        throw new AssertionError(e);
      }
    }
  }

  /** Asserts that the store refuses, once the restart grace (if any) has passed. */
  private static void awaitRefused(
      RedisRateLimitStore s, String account, String name, RateLimit limit, Duration lease)
      throws InterruptedException {
    Duration poll = Duration.ofMillis(RedisRateLimitStore.LEASE_POLL_MILLIS);
    Duration wait = s.tryTake(account, name, limit, 0, lease);
    for (int i = 0; i < 3 && !wait.equals(poll); i++) { // Redis counts its uptime in seconds
      Thread.sleep(wait.toMillis());
      wait = s.tryTake(account, name, limit, 0, lease);
    }
    assertThat(wait).isEqualTo(poll);
  }

  /** Returns the scripts of a new client of {@link #kind}, closed after the test. */
  private RedisScripts scripts() {
    ClientKind.Connected c = kind.standalone(redis.port());
    open.add(c);
    return c.scripts();
  }

  @Test
  void aLeaseExpiresAfterItsHolderWasKilled() throws Exception {
    Process holder =
        new ProcessBuilder(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp",
                System.getProperty("java.class.path"),
                LeaseHolder.class.getName(),
                Integer.toString(redis.port()),
                "1500")
            .redirectError(ProcessBuilder.Redirect.DISCARD)
            .start();
    long taken;
    try {
      BufferedReader out =
          new BufferedReader(
              new InputStreamReader(holder.getInputStream(), StandardCharsets.UTF_8));
      assertThat(out.readLine()).isEqualTo("held");
      taken = System.nanoTime();
    } finally {
      ProcessHandle.of(holder.pid()).ifPresent(ProcessHandle::destroyForcibly);
      holder.onExit().get(10, TimeUnit.SECONDS);
    }
    RedisRateLimitStore store = store(Fallback.FAIL_CLOSED);
    RateLimit one = RateLimit.builder().maxConcurrency(1).build();
    Duration lease = Duration.ofSeconds(10);

    Duration wait = store.tryTake("org-killed", "mine", one, 0, lease);
    assertThat(wait).isEqualTo(Duration.ofMillis(RedisRateLimitStore.LEASE_POLL_MILLIS));
    while (!wait.isZero()) { // ask again when the store says, as the rate limiter does
      assertThat(System.nanoTime() - taken).isLessThan(Duration.ofSeconds(5).toNanos());
      Thread.sleep(wait.toMillis());
      wait = store.tryTake("org-killed", "mine", one, 0, lease);
    }
    assertThat(System.nanoTime() - taken).isGreaterThan(Duration.ofMillis(1_000).toNanos());
    store.giveBack("org-killed", "mine");
    assertThat(store.tryTake("org-killed", "next", one, 0, lease)).isZero();
  }

  @ParameterizedTest
  @EnumSource(ClientKind.class)
  void whenRedisGoesAwayMidRunFailingClosedRefusesTheRestWithAClearError(ClientKind kind)
      throws Exception {
    this.kind = kind;
    RedisRateLimitStore store = store(Fallback.FAIL_CLOSED);
    KimiClient c = client(new Setup(store, RetryPolicy.none()));
    assertThat(c.chat(ChatRequest.of("kimi-k2.6", "before")).text()).isEqualTo("ok");

    redis.stop();
    List<CompletableFuture<ChatCompletion>> calls = send(c, 5);
    awaitAll(calls);

    assertThat(calls).allMatch(CompletableFuture::isCompletedExceptionally);
    Throwable e = calls.get(0).handle((r, t) -> t).join();
    assertThat(e)
        .isInstanceOf(ConnectionException.class)
        .hasMessageContaining("shared rate-limit store of account org-test failed")
        .hasMessageContaining("Redis is unreachable, and the shared rate limit fails closed");
    assertThat(kimi.requestCount()).isEqualTo(1); // nothing was sent without a permit
  }

  @ParameterizedTest
  @EnumSource(ClientKind.class)
  void whenRedisGoesAwayMidRunFallingBackCountsInProcessAndLosesNothing(ClientKind kind)
      throws Exception {
    this.kind = kind;
    // the store's retry time runs on this clock, moved by hand: no waiting for it
    java.util.concurrent.atomic.AtomicLong now = new java.util.concurrent.atomic.AtomicLong();
    // and its probe of a Redis that was down runs on the take that starts it: no other thread
    RedisRateLimitStore store =
        RedisRateLimitStore.builder(scripts())
            .fallback(Fallback.IN_PROCESS)
            .nanoTime(now::get)
            .leaseLength(Duration.ofSeconds(3))
            .probes(Runnable::run)
            .build();
    kimi.maxConcurrency(2);
    KimiClient c = client(new Setup(store, RetryPolicy.none()));
    List<CompletableFuture<ChatCompletion>> calls = send(c, 10);
    calls.get(3).join();

    redis.stop(); // some calls hold leases in Redis, others still wait for theirs
    calls.addAll(send(c, 10));
    awaitAll(calls);

    assertThat(calls).allMatch(f -> !f.isCompletedExceptionally());
    assertThat(store.fallenBack()).isTrue();
    assertThat(kimi.rateLimitedCount()).isZero();
    assertThat(kimi.peakConcurrency()).isLessThanOrEqualTo(2);

    redis.restart(); // and it comes back: the store shares again once its retry time passed
    // Until the client has reconnected (Jedis: a pooled connection to the stopped server fails once
    // more; Lettuce: its reconnect delay), a call starts another retry time: each call is answered
    // all the same.
    long end = System.nanoTime() + Duration.ofSeconds(10).toNanos();
    while (store.fallenBack()) {
      assertThat(System.nanoTime()).isLessThan(end);
      now.addAndGet(RedisRateLimitStore.RETRY_REDIS.toNanos());
      assertThat(c.chat(ChatRequest.of("kimi-k2.6", "after")).text()).isEqualTo("ok");
      Thread.sleep(10); // paces the asking while the Redis client reconnects on its own clock
    }
  }
}
