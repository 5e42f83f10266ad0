package io.github.kimisdk.redis;

import static org.assertj.core.api.Assertions.assertThat;

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
import redis.clients.jedis.RedisClient;

/** The Redis store against a real redis-server and a {@link FakeKimiServer}, over loopback. */
class RedisRateLimitStoreTest {

  private static final String ANSWER =
      "{\"id\":\"chatcmpl-1\",\"object\":\"chat.completion\",\"created\":1,\"model\":\"kimi-k2.6\","
          + "\"choices\":[{\"index\":0,\"message\":{\"role\":\"assistant\",\"content\":\"ok\"},"
          + "\"finish_reason\":\"stop\"}],"
          + "\"usage\":{\"prompt_tokens\":3,\"completion_tokens\":1,\"total_tokens\":4}}";

  private RedisServer redis;
  private final List<AutoCloseable> open = new ArrayList<>();
  private FakeKimiServer kimi;

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
    for (AutoCloseable c : open) {
      c.close();
    }
    kimi.close();
    redis.close();
  }

  private RedisRateLimitStore store(Fallback fallback) {
    RedisClient client = redis.client();
    open.add(client);
    return RedisRateLimitStore.create(client, fallback);
  }

  private RedisRateLimitStore store(Fallback fallback, java.util.function.LongSupplier nanoTime) {
    RedisClient client = redis.client();
    open.add(client);
    return RedisRateLimitStore.create(client, fallback, nanoTime);
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
  void requestsPerMinuteAreSharedAndTheWaitIsTheOldestRequestsAge() {
    RedisRateLimitStore one = store(Fallback.FAIL_CLOSED);
    RedisRateLimitStore two = store(Fallback.FAIL_CLOSED);
    RateLimit limit = RateLimit.builder().requestsPerMinute(3).tokensPerMinute(1_000).build();

    assertThat(one.tryTake("org-rpm", "", limit, 100, Duration.ZERO)).isZero();
    assertThat(two.tryTake("org-rpm", "", limit, 100, Duration.ZERO)).isZero();
    assertThat(two.tryTake("org-other", "", limit, 100, Duration.ZERO)).isZero();
    assertThat(one.tryTake("org-rpm", "", limit, 900, Duration.ZERO)) // tokens: 200 + 900 > 1000
        .isBetween(Duration.ofSeconds(59), Duration.ofSeconds(60));
    assertThat(one.tryTake("org-rpm", "", limit, 100, Duration.ZERO)).isZero();
    // the third request was the minute's last
    assertThat(two.tryTake("org-rpm", "", limit, 1, Duration.ZERO))
        .isBetween(Duration.ofSeconds(59), Duration.ofSeconds(60));
    try (RedisClient c = redis.client()) {
      assertThat(c.pttl(RedisRateLimitStore.keys("org-rpm").get(0))).isBetween(59_000L, 60_000L);
    }
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

  @Test
  void whenRedisGoesAwayMidRunFailingClosedRefusesTheRestWithAClearError() throws Exception {
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

  @Test
  void whenRedisGoesAwayMidRunFallingBackCountsInProcessAndLosesNothing() throws Exception {
    // the store's retry time runs on this clock, moved by hand: no waiting for it
    java.util.concurrent.atomic.AtomicLong now = new java.util.concurrent.atomic.AtomicLong();
    RedisRateLimitStore store = store(Fallback.IN_PROCESS, now::get);
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
    // A pooled connection to the stopped server may fail once more and start another retry time:
    // a few retry times at most, each call answered all the same.
    for (int i = 0; i < 3 && store.fallenBack(); i++) {
      now.addAndGet(RedisRateLimitStore.RETRY_REDIS.toNanos());
      assertThat(c.chat(ChatRequest.of("kimi-k2.6", "after")).text()).isEqualTo("ok");
    }
    assertThat(store.fallenBack()).isFalse();
  }
}
