package io.github.kimisdk;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.kimisdk.chat.ChatRequest;
import io.github.kimisdk.platform.ChatResult;
import io.github.kimisdk.testing.FakeKimiServer;
import io.github.kimisdk.testing.FakeResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The client's concurrency for a host adapts to what the host takes: against a server that answers
 * one request at a time and refuses the rest with Kimi's concurrency 429 (which states the limit),
 * or two at a time refusing the rest with SGLang's 503 (which states none), the calls are sent
 * about as many at a time as it takes instead of each backing off on its own, none fails and none
 * spends a retry on it. How long they take and how many refusals they drew are printed (measures,
 * not bounds: both move with how a busy machine schedules the callers; benchmarks/README.md); what
 * is asserted is what the server recorded. That the gate keeps refusals below the calls is held on
 * virtual time by {@code ConcurrencyGateSimulationTest}.
 */
class AdaptiveConcurrencyHttpTest {

  private FakeKimiServer server;

  @BeforeEach
  void start() {
    server = new FakeKimiServer().maxConcurrency(1).latency(Duration.ofMillis(250)).start();
  }

  @AfterEach
  void stop() {
    server.close();
  }

  /**
   * Asserts what the server recorded: the 20 answers and its 429s, each refused call sent again
   * (the clients spend no retry: the 429 stated a concurrency limit, which is waited out).
   */
  private void assertEachRefusalWaitedOutAndSentAgain() {
    assertThat(server.requestCount())
        .as("the 20 answers and the refusals, each sent again")
        .isEqualTo(20 + server.rateLimitedCount());
  }

  private static List<ChatRequest> twenty() {
    List<ChatRequest> requests = new ArrayList<>();
    for (int i = 0; i < 20; i++) {
      requests.add(ChatRequest.of("kimi-k2.6", "Hi " + i));
    }
    return requests;
  }

  /** What twenty calls through {@code chatAll} got, and how long they took. */
  private record Run(List<ChatResult> results, long millis) {}

  /** A client of the fake that spends no retry: each refusal is waited out by the limiter alone. */
  private KimiClient spendingNoRetry() {
    return KimiClient.builder()
        .apiKey("sk-test")
        .baseUrl(server.baseUrl())
        .retryPolicy(RetryPolicy.defaults().withMaxRetries(0))
        .build();
  }

  /** Sends the twenty through {@code chatAll}, 8 at once, by a client that spends no retry. */
  private Run chatAllTwenty() {
    long started = System.nanoTime();
    try (KimiClient kimi = spendingNoRetry()) {
      List<ChatResult> results = kimi.chatAll(twenty(), 8, null);
      return new Run(results, Duration.ofNanos(System.nanoTime() - started).toMillis());
    }
  }

  @Test
  void twentyCallsThroughChatAllAreSentAboutOneAtATime() {
    Run run = chatAllTwenty();
    assertThat(run.results()).allMatch(ChatResult::isSuccess);
    assertEachRefusalWaitedOutAndSentAgain();
    System.out.printf(
        "chatAll, 20 calls, one at a time at 250 ms: %d ms (serialized 5000 ms), %d 429s%n",
        run.millis(), server.rateLimitedCount());
  }

  @Test
  void twentyAsyncCallsAtOnceAdaptToo() {
    long started = System.nanoTime();

    List<CompletableFuture<?>> calls = new ArrayList<>();
    try (KimiClient kimi = spendingNoRetry()) {
      for (ChatRequest r : twenty()) {
        calls.add(kimi.chatAsync(r));
      }
      CompletableFuture.allOf(calls.toArray(new CompletableFuture<?>[0])).join();
    }
    long ms = Duration.ofNanos(System.nanoTime() - started).toMillis();
    assertThat(calls).allMatch(c -> !c.isCompletedExceptionally());
    assertEachRefusalWaitedOutAndSentAgain();
    System.out.printf(
        "chatAsync, 20 calls at once, one at a time at 250 ms: %d ms, %d 429s%n",
        ms, server.rateLimitedCount());
  }

  /**
   * A server that answers two requests at a time and refuses the rest with SGLang's 503 "The
   * request queue is full." (no {@code Retry-After}, no limit stated): the gate finds the two by
   * itself, each refused call goes again when a slot frees, none fails.
   */
  @Test
  void twentyCallsEightAtOnceToAServerAdmittingTwoThatAnswers503WhenFullAllAnswered() {
    server.maxConcurrency(0).latency(Duration.ZERO);
    AtomicInteger open = new AtomicInteger();
    AtomicInteger refused = new AtomicInteger();
    server.respondWith(
        r -> {
          if (open.incrementAndGet() > 2) {
            open.decrementAndGet();
            refused.incrementAndGet();
            return FakeResponse.json(
                503,
                "{\"object\":\"error\",\"message\":\"The request queue is full.\","
                    + "\"type\":\"Service Unavailable\",\"param\":null,\"code\":503}");
          }
          try {
            Thread.sleep(250); // the model's work: the server holds the request meanwhile
            return FakeResponse.reply("ok");
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return FakeResponse.reply("interrupted");
          } finally {
            open.decrementAndGet();
          }
        });
    Run run = chatAllTwenty();
    assertThat(run.results()).allMatch(ChatResult::isSuccess);
    assertThat(server.requestCount())
        .as("the 20 answers and the refusals, each sent again")
        .isEqualTo(20 + refused.get());
    System.out.printf(
        "chatAll, 20 calls, two at a time at 250 ms, 503 when full: %d ms (serialized 2500 ms),"
            + " %d 503s%n",
        run.millis(), refused.get());
  }

  @Test
  void aWaitForASlotIsBoundedAsTheRateLimitersQueueIs() {
    server.latency(Duration.ZERO); // the refusal comes at once; an admitted call takes 3 s
    server.respondWith(r -> FakeResponse.reply("slow").withHeadersDelay(Duration.ofSeconds(3)));
    try (KimiClient kimi =
        KimiClient.builder()
            .apiKey("sk-test")
            .baseUrl(server.baseUrl())
            .retryPolicy(RetryPolicy.defaults().withMaxRetries(0))
            .rateLimit(
                RateLimit.builder().maxConcurrency(8).maxQueueWait(Duration.ofMillis(300)).build())
            .build()) {
      CompletableFuture<?> first = kimi.chatAsync(ChatRequest.of("kimi-k2.6", "one"));
      CompletableFuture<?> second = kimi.chatAsync(ChatRequest.of("kimi-k2.6", "two"));
      // one of them is refused for concurrency (the limit learned: 1) and waits for the other's
      // slot, which the server holds for 3 s: past 300 ms it fails, unsent again
      Throwable failed =
          org.assertj.core.api.Assertions.catchThrowable(
              () -> CompletableFuture.allOf(first, second).join());
      assertThat(failed)
          .hasCauseInstanceOf(io.github.kimisdk.errors.KimiTimeoutException.class)
          .hasMessageContaining("RateLimit.Builder.maxQueueWait");
      assertThat(server.rateLimitedCount()).isEqualTo(1);
    }
  }
}
