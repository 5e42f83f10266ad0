package io.github.kimisdk.internal.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import io.github.kimisdk.CallEvent;
import io.github.kimisdk.CallListener;
import io.github.kimisdk.KimiClient;
import io.github.kimisdk.RateLimit;
import io.github.kimisdk.RateLimitStore;
import io.github.kimisdk.RetryPolicy;
import io.github.kimisdk.chat.ChatRequest;
import io.github.kimisdk.chat.ChatStream;
import io.github.kimisdk.errors.RateLimitException;
import io.github.kimisdk.testing.FakeKimiServer;
import io.github.kimisdk.testing.FakeResponse;
import java.util.List;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Issue 75, for each call shape: the pause of a 429 reaches the shared store before the refused
 * call's slot goes back and before the call's listeners hear of the failure, with the wait Kimi
 * asked for and the limits it stated. (In a fresh JVM, before the exception is built: {@code
 * FirstRefusalPausesFirstTest}.)
 */
class RefusalPausesFirstHttpTest {

  private final FakeKimiServer server =
      new FakeKimiServer().respondWith(r -> refusal("max RPM: 30", 7)).start();

  /**
   * Kimi's 429 for the account's {@code limit}: "please try again after {@code seconds} seconds".
   */
  static FakeResponse refusal(String limit, int seconds) {
    return FakeResponse.error(
        429,
        "{\"error\":{\"type\":\"rate_limit_reached_error\",\"message\":\"Your account org<ak>"
            + " request reached organization "
            + limit
            + ", please try again after "
            + seconds
            + " seconds\"}}");
  }

  /** What happened, in order: the store's pause and give-back, the listener's events. */
  private final List<String> events = new CopyOnWriteArrayList<>();

  private final RateLimitStore store = new HeardStore(events::add);

  private final KimiClient kimi =
      KimiClient.builder()
          .apiKey("sk-test")
          .baseUrl(server.baseUrl())
          .retryPolicy(RetryPolicy.defaults().withMaxRetries(0))
          .rateLimit(RateLimit.builder().maxConcurrency(2).store(store, "org").build())
          .listener(
              new CallListener() {
                @Override
                public void onFailure(CallEvent.Failure event) {
                  events.add("failure heard");
                }
              })
          .build();

  @AfterEach
  void close() {
    kimi.close();
    server.close();
  }

  private void refused(Consumer<KimiClient> call) {
    Throwable e = catchThrowable(() -> call.accept(kimi));

    assertThat(e instanceof CompletionException ? e.getCause() : e)
        .isInstanceOf(RateLimitException.class);
    // the store's part is done when the call ends; the listener may hear of it just after
    assertThat(events.subList(0, 2)).containsExactly("pause 7 s, rpm 30", "give back");
    assertThat(events.indexOf("failure heard")).isNotIn(0, 1);
  }

  @Test
  void aChatsRefusalPausesTheStoreFirst() {
    refused(k -> k.chat(ChatRequest.of("kimi-k2.6", "hi")));
  }

  @Test
  void aStreamsRefusalPausesTheStoreFirst() {
    refused(
        k -> {
          try (ChatStream s = k.stream(ChatRequest.of("kimi-k2.6", "hi"))) {
            s.forEach(c -> {});
          }
        });
  }

  @Test
  void anAsyncChatsRefusalPausesTheStoreFirst() {
    refused(k -> k.chatAsync(ChatRequest.of("kimi-k2.6", "hi")).join());
  }
}
