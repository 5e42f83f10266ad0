package io.github.kimisdk.internal.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import io.github.kimisdk.CallEvent;
import io.github.kimisdk.CallListener;
import io.github.kimisdk.KimiClient;
import io.github.kimisdk.RetryPolicy;
import io.github.kimisdk.Timeouts;
import io.github.kimisdk.chat.ChatRequest;
import io.github.kimisdk.chat.ChatStream;
import io.github.kimisdk.errors.KimiException;
import io.github.kimisdk.errors.KimiTimeoutException;
import io.github.kimisdk.testing.FakeKimiExtension;
import io.github.kimisdk.testing.FakeKimiServer;
import io.github.kimisdk.testing.FakeResponse;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * A stream whose attempts stall after their headers, over loopback: each attempt is dropped by its
 * own idle timeout and retried, and a call ended by its total bound reports every attempt it sent
 * (issue 47, defects 1 and 2: the second attempt used to run without an idle timeout, and the
 * total-time failure said {@code attempts() == 1}).
 */
@ExtendWith(FakeKimiExtension.class)
class StreamStallHttpTest {

  static final ChatRequest HELLO = ChatRequest.of("kimi-k2.6", "Hello");

  /** Headers, then nothing, for far longer than any bound of the test. */
  static FakeResponse headersThenSilence() {
    return FakeResponse.sse().pause(Duration.ofSeconds(60)).build();
  }

  /** A listener that counts the requests a client sends, every attempt's. */
  static CallListener counting(AtomicInteger requests) {
    return new CallListener() {
      @Override
      public void onRequest(CallEvent.Request event) {
        requests.incrementAndGet();
      }
    };
  }

  static RetryPolicy threeAttempts() {
    return RetryPolicy.defaults()
        .withMaxRetries(2)
        .withBackoff(Duration.ofMillis(20), Duration.ofMillis(200));
  }

  /**
   * A client of three attempts within {@code timeouts}, counting its requests in {@code requests}.
   */
  static KimiClient client(
      FakeKimiExtension.Clients clients, Timeouts timeouts, AtomicInteger requests) {
    return clients.build(
        b -> b.retryPolicy(threeAttempts()).timeouts(timeouts).listener(counting(requests)));
  }

  @Test
  void everyStalledAttemptIsDroppedByItsOwnIdleTimeoutAndTheThirdAnswers(
      FakeKimiServer server, FakeKimiExtension.Clients clients) {
    server.enqueue(headersThenSilence());
    server.enqueue(headersThenSilence());
    server.enqueue(FakeResponse.reply("Hello back"));
    AtomicInteger requests = new AtomicInteger();
    KimiClient kimi =
        client(
            clients,
            Timeouts.defaults()
                .withStreamIdle(Duration.ofMillis(300))
                .withFirstEvent(Duration.ofMillis(300)),
            requests);

    String text =
        assertTimeoutPreemptively(
            Duration.ofSeconds(20), // the server holds each stalled attempt for 60 s
            () -> {
              try (ChatStream s = kimi.stream(HELLO)) {
                return s.toCompletion().text();
              }
            });

    assertThat(text).isEqualTo("Hello back");
    assertThat(server.requestCount()).isEqualTo(3);
    assertThat(requests).hasValue(3);
  }

  @Test
  void everyCallIsBoundedByDefault() {
    assertThat(Timeouts.defaults().streamTotal()).contains(Duration.ofHours(2));
    assertThat(Timeouts.defaults().overall()).contains(Duration.ofHours(2));
  }

  @Test
  void theTotalBoundAfterARetryReportsBothAttempts(
      FakeKimiServer server, FakeKimiExtension.Clients clients) {
    server.enqueue(headersThenSilence());
    // keep-alive comments only, on a clock they restart: the idle timeout never fires, the total
    // bound does
    server.enqueue(FakeResponse.sse().comment("thinking").build().holdingOpen());
    AtomicInteger requests = new AtomicInteger();
    KimiClient kimi =
        client(
            clients,
            Timeouts.defaults()
                .withIdleClock(Timeouts.IdleClock.ANY_BYTES)
                .withStreamIdle(Duration.ofMillis(300))
                .withFirstEvent(Duration.ofMillis(300))
                .withStreamTotal(Duration.ofMillis(1500)),
            requests);

    Throwable t =
        assertTimeoutPreemptively(
            Duration.ofSeconds(20),
            () -> {
              try (ChatStream s = kimi.stream(HELLO)) {
                return catchThrowable(s::toCompletion);
              }
            });

    assertThat(t).isInstanceOf(KimiTimeoutException.class).hasMessageContaining("total time");
    assertThat(((KimiException) t).attempts()).isEqualTo(2).isEqualTo(requests.get());
    assertThat(t.getSuppressed())
        .as("the stalled first attempt")
        .singleElement()
        .isInstanceOf(KimiException.class);
    assertThat(server.requestCount()).isEqualTo(2);
  }
}
