package io.github.kimisdk.internal.client;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.kimisdk.ClientInternals;
import io.github.kimisdk.KimiClient;
import io.github.kimisdk.RequestOptions;
import io.github.kimisdk.RetryPolicy;
import io.github.kimisdk.TestClients;
import io.github.kimisdk.base.flow.StoppablePublisher;
import io.github.kimisdk.chat.ChatRequest;
import io.github.kimisdk.internal.chain.Chain;
import io.github.kimisdk.internal.chain.Interceptor;
import io.github.kimisdk.internal.chain.Sending;
import io.github.kimisdk.sse.EventStream;
import io.github.kimisdk.sse.ServerSentEvent;
import io.github.kimisdk.testing.FakeKimiExtension;
import io.github.kimisdk.testing.FakeKimiServer;
import io.github.kimisdk.testing.FakeResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Every call shape goes through the client's one {@link Chain}: an interceptor added through the
 * internal seam (below the retrier) sees each attempt of each of the five shapes once, a retried
 * one included, streams' attempts as futures of their end.
 */
@ExtendWith(FakeKimiExtension.class)
class ChainHttpTest {

  static final ChatRequest HI = ChatRequest.of("kimi-k2.6", "Hi");
  static final RetryPolicy FAST =
      RetryPolicy.defaults()
          .withMaxRetries(2)
          .withBackoff(Duration.ofMillis(1), Duration.ofMillis(1));
  static final String BUSY = "{\"error\":{\"type\":\"server_error\",\"message\":\"busy\"}}";

  /**
   * Writes down what passes: the operation and attempt of each future, how each attempt ended, and
   * the operation of each stream hook (never called below the retrier).
   */
  static final class Counting implements Interceptor {
    final List<String> seen = new ArrayList<>();
    final List<String> ended = new ArrayList<>();

    @Override
    public <T> CompletableFuture<T> future(Sending sending, Chain.Futures<T> next) {
      String name = sending.call().operation() + "#" + sending.number();
      synchronized (seen) {
        seen.add(name);
      }
      CompletableFuture<T> f = next.proceed(sending);
      f.whenComplete(
          (r, e) -> {
            synchronized (seen) {
              ended.add(name + (e == null ? " ok" : " failed"));
              seen.notifyAll();
            }
          });
      return f;
    }

    @Override
    public <T> StoppablePublisher<T> stream(Sending sending, Chain.Streams<T> next) {
      synchronized (seen) {
        seen.add(sending.call().operation() + " stream");
      }
      return next.proceed(sending);
    }

    List<String> seen() {
      synchronized (seen) {
        return List.copyOf(seen);
      }
    }

    List<String> ended() {
      synchronized (seen) {
        return List.copyOf(ended);
      }
    }

    /**
     * What ended once {@code n} attempts did, or after 10 s: an attempt a close stops may end on
     * the thread still handing its last item over, just after {@code close()} returned.
     */
    List<String> ended(int n) throws InterruptedException {
      long until = System.nanoTime() + Duration.ofSeconds(10).toNanos();
      synchronized (seen) {
        for (long left = until - System.nanoTime();
            ended.size() < n && left > 0;
            left = until - System.nanoTime()) {
          seen.wait(Math.max(1, left / 1_000_000));
        }
        return List.copyOf(ended);
      }
    }
  }

  KimiClient kimi;
  Counting counting;

  @BeforeEach
  void counted(FakeKimiExtension.Clients clients) {
    kimi = clients.build(b -> b.retryPolicy(FAST));
    counting = new Counting();
    TestClients.core(kimi).intercept(counting);
  }

  @Test
  void aRetriedChatPassesTheInterceptorOncePerAttempt(FakeKimiServer server) {
    server.enqueue(FakeResponse.error(503, BUSY));
    server.enqueue(FakeResponse.reply("hello"));

    assertThat(kimi.chat(HI).text()).isEqualTo("hello");

    assertThat(counting.seen()).containsExactly("CHAT#1", "CHAT#2");
  }

  @Test
  void aRetriedRequestPassesTheInterceptorOncePerAttempt(FakeKimiServer server) {
    server.enqueue(FakeResponse.error(503, BUSY));
    server.enqueue(FakeResponse.json("{\"ok\":true}"));

    kimi.request("GET", "things", null);

    assertThat(counting.seen()).containsExactly("REQUEST#1", "REQUEST#2");
  }

  @Test
  void aRetriedPlatformCallPassesTheInterceptorOncePerAttempt(FakeKimiServer server) {
    server.enqueue(FakeResponse.error(503, BUSY));
    server.enqueue(FakeResponse.json("{\"object\":\"list\",\"data\":[]}"));

    kimi.withOptions(RequestOptions.builder().retryPolicy(FAST).build()).models().list();

    assertThat(counting.seen()).containsExactly("PLATFORM#1", "PLATFORM#2");
  }

  @Test
  void aRetriedChatStreamPassesTheInterceptorOncePerAttempt(FakeKimiServer server) {
    server.enqueue(FakeResponse.error(503, BUSY));
    server.enqueue(FakeResponse.reply("hello"));

    assertThat(kimi.stream(HI).toCompletion().text()).isEqualTo("hello");

    assertThat(server.requestCount()).isEqualTo(2);
    assertThat(counting.seen()).containsExactly("CHAT_STREAM#1", "CHAT_STREAM#2");
    assertThat(counting.ended()).containsExactly("CHAT_STREAM#1 failed", "CHAT_STREAM#2 ok");
  }

  @Test
  void aRetriedEventStreamPassesTheInterceptorOncePerAttempt(FakeKimiServer server) {
    server.enqueue(FakeResponse.error(503, BUSY));
    server.enqueue(FakeResponse.rawSse("data: one\n\n"));

    try (EventStream events = kimi.requestEvents("GET", "events", null)) {
      assertThat(events.stream().map(ServerSentEvent::data)).containsExactly("one");
    }

    assertThat(server.requestCount()).isEqualTo(2);
    assertThat(counting.seen()).containsExactly("REQUEST_EVENTS#1", "REQUEST_EVENTS#2");
    assertThat(counting.ended()).containsExactly("REQUEST_EVENTS#1 failed", "REQUEST_EVENTS#2 ok");
  }

  @Test
  void aStreamAttemptRunsWhileItsItemsComeAndEndsCancelledWhenClosed(FakeKimiServer server)
      throws InterruptedException {
    server.enqueue(
        FakeResponse.sse()
            .data(ClientInternals.content("hel"))
            .pause(Duration.ofSeconds(30))
            .data(ClientInternals.content("lo"))
            .build());

    try (var stream = kimi.stream(HI)) {
      assertThat(stream.iterator().next().text()).isEqualTo("hel");
      assertThat(counting.seen()).containsExactly("CHAT_STREAM#1");
      assertThat(counting.ended()).as("the attempt runs while its items come").isEmpty();
    }

    assertThat(counting.ended(1)).containsExactly("CHAT_STREAM#1 failed");
  }
}
