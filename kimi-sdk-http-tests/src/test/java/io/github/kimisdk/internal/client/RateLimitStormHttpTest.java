package io.github.kimisdk.internal.client;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.kimisdk.KimiClient;
import io.github.kimisdk.RateLimit;
import io.github.kimisdk.chat.ChatCompletionChunk;
import io.github.kimisdk.chat.ChatRequest;
import io.github.kimisdk.errors.RateLimitException;
import io.github.kimisdk.internal.http.CountingHttpClient;
import io.github.kimisdk.internal.http.EndingSubscriber;
import io.github.kimisdk.testing.FakeKimiServer;
import io.github.kimisdk.testing.FakeResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A storm of callers against a server that refuses every request with {@code 429} and {@code
 * Retry-After: 2}, on virtual time: once the first refusal came back, the client sends at most one
 * request per pause, whether the callers stream or call {@code chatAsync}, because every retry
 * waits for a permit of its own behind the client-wide pause.
 */
class RateLimitStormHttpTest {

  private static final int CALLERS = 100;
  private static final String REFUSAL =
      "{\"error\":{\"type\":\"rate_limit_reached_error\",\"message\":\"Your account org-1 request"
          + " reached organization max RPM: 200, please try again after 2 seconds\"}}";

  private final ManualScheduler time = new ManualScheduler();
  private final CountingHttpClient http = new CountingHttpClient();
  private final Map<Long, Integer> sentAt = new TreeMap<>();
  private final FakeKimiServer server =
      new FakeKimiServer(new RateLimitHttpTest.VirtualClock(time))
          .respondWith(
              r -> {
                synchronized (sentAt) {
                  sentAt.merge(time.nanoTime(), 1, Integer::sum);
                }
                return FakeResponse.error(429, REFUSAL).withHeader("Retry-After", "2");
              })
          .start();
  private final KimiClient kimi =
      RateLimitHttpTest.virtual(time, http, server).rateLimit(RateLimit.tier(1)).build();

  @AfterEach
  void close() {
    kimi.close();
    server.close();
  }

  /**
   * Each stream is subscribed to from the test's thread before virtual time moves: with a caller
   * thread each ({@code toCompletion()}), a thread that had started but not yet reached the client
   * when time moved sent its first request at the end of the first pause, beside that pause's one
   * retry (seen once, in a whole CI run beside two busy loops).
   */
  @Test
  void streamingCallersSendAtMostOneRequestPerPause() {
    List<CompletableFuture<Throwable>> calls = new ArrayList<>();
    for (int i = 0; i < CALLERS; i++) {
      EndingSubscriber<ChatCompletionChunk> ended = new EndingSubscriber<>();
      kimi.stream(ChatRequest.of("kimi-k2.6", "question " + i)).subscribe(ended);
      calls.add(ended.error);
    }
    runUntil(() -> calls.stream().allMatch(CompletableFuture::isDone), new AtomicInteger(CALLERS));

    assertAtMostOneRequestPerPause();
    assertThat(calls).allSatisfy(c -> assertThat(c.join()).isInstanceOf(RateLimitException.class));
  }

  @Test
  void asyncCallersSendAtMostOneRequestPerPause() {
    List<CompletableFuture<?>> calls = new ArrayList<>();
    for (int i = 0; i < CALLERS; i++) {
      calls.add(kimi.chatAsync(ChatRequest.of("kimi-k2.6", "question " + i)));
    }
    runUntil(() -> calls.stream().allMatch(CompletableFuture::isDone), new AtomicInteger(CALLERS));

    assertAtMostOneRequestPerPause();
    for (CompletableFuture<?> c : calls) {
      assertThat(c).isCompletedExceptionally();
      assertThat(catchCause(c)).isInstanceOf(RateLimitException.class);
    }
  }

  /** The first burst may fill the concurrency; after the first 429, one request per pause. */
  private void assertAtMostOneRequestPerPause() {
    List<Map.Entry<Long, Integer>> instants;
    synchronized (sentAt) {
      instants = List.copyOf(sentAt.entrySet());
    }
    assertThat(instants.get(0).getValue()).isBetween(1, 50);
    long previous = instants.get(0).getKey();
    for (Map.Entry<Long, Integer> e : instants.subList(1, instants.size())) {
      assertThat(e.getValue())
          .as("requests sent %s after the first burst", Duration.ofNanos(e.getKey() - previous))
          .isEqualTo(1);
      assertThat(Duration.ofNanos(e.getKey() - previous))
          .isGreaterThanOrEqualTo(Duration.ofSeconds(2));
      previous = e.getKey();
    }
    // every caller made its three attempts (RetryPolicy.defaults(): two retries)
    assertThat(instants.stream().mapToInt(Map.Entry::getValue).sum()).isEqualTo(3 * CALLERS);
  }

  /** Runs virtual time whenever every exchange has settled, until {@code done}. */
  private void runUntil(java.util.function.BooleanSupplier done, AtomicInteger started) {
    long idleSince = System.nanoTime();
    while (!done.getAsBoolean()) {
      http.awaitSettled();
      if (started.get() == CALLERS && time.advanceToNext()) {
        idleSince = System.nanoTime();
        continue;
      }
      // callers still subscribing, or blocked threads about to finish: wait a little, in real time
      if (System.nanoTime() - idleSince > Duration.ofSeconds(30).toNanos()) {
        throw new AssertionError("the callers wait on nothing");
      }
      try {
        Thread.sleep(5);
      } catch (InterruptedException e) {
        throw new AssertionError(e);
      }
    }
  }

  private static Throwable catchCause(CompletableFuture<?> f) {
    try {
      f.get();
      return null;
    } catch (ExecutionException e) {
      return e.getCause();
    } catch (InterruptedException e) {
      throw new AssertionError(e);
    }
  }
}
