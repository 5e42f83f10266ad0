package io.github.kimisdk.internal.client;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.kimisdk.KimiClient;
import io.github.kimisdk.RateLimit;
import io.github.kimisdk.chat.ChatCompletion;
import io.github.kimisdk.chat.ChatCompletionChunk;
import io.github.kimisdk.chat.ChatRequest;
import io.github.kimisdk.testing.FakeKimiServer;
import io.github.kimisdk.testing.FakeResponse;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Flow;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Streams of a rate-limited client cancelled at seeded random moments while Kimi refuses their
 * first attempt with {@code 503} and {@code Retry-After: 0}: a cancel lands before the request,
 * while its headers arrive, while its body is judged, or during the retry. However it lands, the
 * client keeps serving: a stream started after each round streams to its end. (A cancel that came
 * just before the transport told the refusal's headers once left the limiter waiting for good for a
 * body no one would judge: every later request of the client waited.)
 */
class CancelledRefusalsHttpTest {

  private static final int ROUNDS = 200;
  private static final int CANCELLED_PER_ROUND = 8;

  private final Set<String> refused = ConcurrentHashMap.newKeySet();
  private final FakeKimiServer server =
      new FakeKimiServer()
          .respondWith(
              r -> {
                String body = r.bodyText();
                int at = body.indexOf("id=");
                String id = body.substring(at, body.indexOf('"', at));
                if (refused.add(id)) {
                  return FakeResponse.error(503, "{\"error\":{\"type\":\"server_error\"}}")
                      .withHeader("Retry-After", "0");
                }
                return FakeResponse.stream(
                    List.of(
                        "{\"id\":\"c\",\"choices\":[{\"index\":0,\"delta\":{\"content\":\"x\"},"
                            + "\"finish_reason\":null}]}"));
              })
          .start();
  private final KimiClient kimi =
      KimiClient.builder()
          .apiKey("sk-test")
          .baseUrl(server.baseUrl())
          .rateLimit(RateLimit.builder().maxConcurrency(CANCELLED_PER_ROUND).build())
          .build();
  private final ExecutorService cancellers = Executors.newFixedThreadPool(2);
  private final ExecutorService waiting = Executors.newSingleThreadExecutor();

  @AfterEach
  void close() {
    cancellers.shutdownNow();
    waiting.shutdownNow();
    kimi.close();
    server.close();
  }

  @Test
  void cancelsAtAnyMomentOfARefusedAttemptLeaveTheClientServing() throws Exception {
    Random random = new Random(20261129);
    long ids = 0;
    for (int round = 0; round < ROUNDS; round++) {
      for (int i = 0; i < CANCELLED_PER_ROUND; i++) {
        long after = random.nextInt(3_000_000);
        kimi.stream(ChatRequest.of("kimi-k2.6", "id=" + ++ids))
            .subscribe(
                new Flow.Subscriber<ChatCompletionChunk>() {
                  @Override
                  public void onSubscribe(Flow.Subscription s) {
                    s.request(1);
                    cancellers.execute(
                        () -> {
                          // a busy wait places the cancel anywhere in the first 3 ms of the call
                          long end = System.nanoTime() + after;
                          while (System.nanoTime() - end < 0) {
                            Thread.onSpinWait();
                          }
                          s.cancel();
                        });
                  }

                  @Override
                  public void onNext(ChatCompletionChunk c) {}

                  @Override
                  public void onError(Throwable t) {}

                  @Override
                  public void onComplete() {}
                });
      }
      ChatRequest next = ChatRequest.of("kimi-k2.6", "id=" + ++ids);
      CompletableFuture<ChatCompletion> served =
          CompletableFuture.supplyAsync(() -> kimi.stream(next).toCompletion(), waiting);
      try {
        served.get(30, TimeUnit.SECONDS);
      } catch (TimeoutException stalled) {
        throw new AssertionError("round " + round + ": the client stopped sending", stalled);
      }
      assertThat(served.join().text()).as("round %d", round).isEqualTo("x");
    }
  }
}
