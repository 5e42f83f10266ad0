package io.github.kimisdk.internal.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import io.github.kimisdk.FakeSuite;
import io.github.kimisdk.KimiClient;
import io.github.kimisdk.Timeouts;
import io.github.kimisdk.chat.ChatCompletion;
import io.github.kimisdk.chat.ChatCompletionChunk;
import io.github.kimisdk.chat.ChatRequest;
import io.github.kimisdk.chat.ChatStream;
import io.github.kimisdk.errors.CancelledException;
import io.github.kimisdk.errors.KimiTimeoutException;
import io.github.kimisdk.testing.FakeResponse;
import java.time.Duration;
import java.util.Iterator;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class CancellationHttpTest extends FakeSuite {

  static final ChatRequest PING = ChatRequest.of("kimi-k2.6", "ping");

  /** A client of the fake whose every call is bounded to 300 ms overall. */
  private KimiClient boundTo300Ms() {
    return KimiClient.builder()
        .apiKey("sk-test")
        .baseUrl(server.baseUrl())
        .timeouts(Timeouts.defaults().withOverall(Duration.ofMillis(300)))
        .build();
  }

  /** A chunk of a streamed answer, "Hi", as an event. */
  static final String HI_CHUNK =
      "data: {\"id\":\"c\",\"object\":\"chat.completion.chunk\",\"created\":1,\"model\":\"m\","
          + "\"choices\":[{\"index\":0,\"delta\":{\"content\":\"Hi\"}}]}\n\n";

  /** A body that trickles forever, so the server notices a closed connection within ~50 ms. */
  static FakeResponse endlessDrip(String contentType, String first) {
    FakeResponse.SseBuilder b = FakeResponse.sse().raw(first);
    for (int i = 0; i < 2000; i++) {
      b.pause(Duration.ofMillis(50)).raw(contentType.startsWith("text/event") ? ": tick\n\n" : " ");
    }
    return b.build().withHeader("Content-Type", contentType);
  }

  @Test
  void cancellingAChatFutureClosesTheConnection() throws Exception {
    server.enqueue(endlessDrip("application/json", "{"));
    CompletableFuture<ChatCompletion> f = kimi.chatAsync(PING);
    server.takeRequest();
    f.cancel(true);
    assertThat(server.awaitDisconnect(Duration.ofSeconds(20))).isTrue();
    assertThat(f).isCancelled();
    assertThat(server.requestCount()).isEqualTo(1);
  }

  @Test
  void closingAStreamClosesTheConnection() {
    server.enqueue(endlessDrip("text/event-stream", HI_CHUNK));
    ChatStream s = kimi.stream(PING);
    Iterator<ChatCompletionChunk> it = s.iterator();
    assertThat(it.next().text()).isEqualTo("Hi");
    s.close();
    assertThat(server.awaitDisconnect(Duration.ofSeconds(20))).isTrue();
    assertThat(server.requestCount()).isEqualTo(1);
  }

  @Test
  void closingTheClientGivesUpAConnectionStillLingeringAfterDone() {
    // [DONE], then the body is held open: the SDK reads on for up to 2 s to keep the connection
    server.enqueue(endlessDrip("text/event-stream", HI_CHUNK + "data: [DONE]\n\n"));
    // a caller's HttpClient, which close() leaves open: only the linger's own end can let go
    KimiClient own =
        KimiClient.builder()
            .apiKey("sk-test")
            .baseUrl(server.baseUrl())
            .httpClient(java.net.http.HttpClient.newHttpClient())
            .build();
    assertThat(own.stream(PING).toCompletion().text()).isEqualTo("Hi");
    long closed = System.nanoTime();
    own.close();
    assertThat(server.awaitDisconnect(Duration.ofSeconds(20))).isTrue();
    assertThat(Duration.ofNanos(System.nanoTime() - closed))
        .as("given up at close, not when the 2 s linger ran out")
        .isLessThan(Duration.ofMillis(1500));
  }

  @Test
  void overallTimeoutAbortsAChatCall() throws Exception {
    server.enqueue(endlessDrip("application/json", "{"));
    try (KimiClient strict = boundTo300Ms()) {
      Throwable t =
          catchThrowable(
              () -> {
                try {
                  strict.chatAsync(PING).get(30, TimeUnit.SECONDS);
                } catch (ExecutionException e) {
                  throw e.getCause();
                }
              });
      assertThat(t).isInstanceOf(KimiTimeoutException.class).hasMessageContaining("300 ms");
      assertThat(server.awaitDisconnect(Duration.ofSeconds(20))).isTrue();
    }
  }

  @Test
  void overallTimeoutAbortsABlockingChatSentOnTheCallersThreadAndLeavesNoInterrupt() {
    server.enqueue(endlessDrip("application/json", "{"));
    try (KimiClient strict = boundTo300Ms()) {
      Throwable t = catchThrowable(() -> strict.chat(PING));
      assertThat(t).isInstanceOf(KimiTimeoutException.class).hasMessageContaining("300 ms");
      // the timeout interrupted the send on this thread; that interrupt was the call's, not ours
      assertThat(Thread.interrupted()).isFalse();
      assertThat(server.awaitDisconnect(Duration.ofSeconds(20))).isTrue();
    }
  }

  @Test
  void closingTheClientEndsABlockingChatSentOnTheCallersThread() throws Exception {
    server.enqueue(endlessDrip("application/json", "{"));
    CompletableFuture<Throwable> failure = new CompletableFuture<>();
    Thread caller = new Thread(() -> failure.complete(catchThrowable(() -> kimi.chat(PING))));
    caller.start();
    server.takeRequest(); // the caller is inside its send
    kimi.close();
    assertThat(failure.get(10, TimeUnit.SECONDS)).isInstanceOf(CancelledException.class);
    caller.join(10_000);
    assertThat(caller.isAlive()).isFalse();
    assertThat(server.awaitDisconnect(Duration.ofSeconds(20))).isTrue();
  }
}
