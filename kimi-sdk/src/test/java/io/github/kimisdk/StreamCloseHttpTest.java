package io.github.kimisdk;

import static io.github.kimisdk.KimiClientHttpTest.content;
import static org.assertj.core.api.Assertions.assertThat;

import io.github.kimisdk.chat.ChatCompletionChunk;
import io.github.kimisdk.chat.ChatRequest;
import io.github.kimisdk.chat.ChatStream;
import io.github.kimisdk.testing.FakeKimiServer;
import io.github.kimisdk.testing.FakeResponse;
import java.time.Duration;
import java.util.Iterator;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Flow;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * A stream closed from another thread, by {@link ChatStream#close()} or {@link KimiClient#close()},
 * while its consumer waits: the consumer is told with a {@link KimiException} that says it was
 * closed, carrying what arrived, and the call is not retried.
 */
class StreamCloseHttpTest {

  static final ChatRequest HELLO = ChatRequest.of("kimi-k2.6", "Hello");

  FakeKimiServer server;
  KimiClient kimi;

  @BeforeEach
  void start() {
    server = new FakeKimiServer().start();
    kimi = KimiClient.builder().apiKey("sk-test").baseUrl(server.baseUrl()).build();
  }

  @AfterEach
  void stop() {
    kimi.close();
    server.close();
  }

  /** How the consumer reads the stream; each returns what it ended with (a failure, or null). */
  enum Consumer {
    ITERATOR(
        s -> {
          Iterator<ChatCompletionChunk> it = s.iterator();
          while (it.hasNext()) {
            it.next();
          }
          return null;
        }),
    TO_COMPLETION(ChatStream::toCompletion),
    FOR_EACH_TEXT(s -> s.forEachText(t -> {})),
    FLOW_SUBSCRIBER(
        s -> {
          CompletableFuture<Void> end = new CompletableFuture<>();
          s.subscribe(
              new Flow.Subscriber<>() {
                @Override
                public void onSubscribe(Flow.Subscription sub) {
                  sub.request(Long.MAX_VALUE);
                }

                @Override
                public void onNext(ChatCompletionChunk item) {}

                @Override
                public void onError(Throwable t) {
                  end.completeExceptionally(t);
                }

                @Override
                public void onComplete() {
                  end.complete(null);
                }
              });
          return end.join();
        });

    final Function<ChatStream, Object> read;

    Consumer(Function<ChatStream, Object> read) {
      this.read = read;
    }
  }

  /** Consumes {@code s} on another thread; the future holds what the consumer ended with. */
  static CompletableFuture<Throwable> consume(ChatStream s, Consumer how) {
    CompletableFuture<Throwable> outcome = new CompletableFuture<>();
    Thread t =
        new Thread(
            () -> {
              try {
                how.read.apply(s);
                outcome.complete(null);
              } catch (java.util.concurrent.CompletionException e) {
                outcome.complete(e.getCause());
              } catch (Throwable e) {
                outcome.complete(e);
              }
            });
    t.setDaemon(true);
    t.start();
    return outcome;
  }

  private static Throwable outcome(CompletableFuture<Throwable> f) {
    return f.orTimeout(20, TimeUnit.SECONDS).join();
  }

  /** Waits until the server sent the first chunk and the consumer is past it. */
  private static void awaitFirstChunk(FakeKimiServer server) throws InterruptedException {
    server.takeRequest();
    Thread.sleep(200); // the chunk crosses loopback and the consumer blocks for the next one
  }

  @ParameterizedTest
  @EnumSource(Consumer.class)
  void closingTheStreamFailsTheWaitingConsumerWithWhatArrived(Consumer how) throws Exception {
    server.enqueue(FakeResponse.sse().data(content("first")).build().holdingOpen());
    ChatStream s = kimi.stream(HELLO);
    CompletableFuture<Throwable> result = consume(s, how);
    awaitFirstChunk(server);

    s.close();

    Throwable t = outcome(result);
    assertThat(t).isInstanceOf(StreamAbortedException.class).hasMessageContaining("closed");
    assertThat(((StreamAbortedException) t).partial().text()).isEqualTo("first");
    assertThat(((StreamAbortedException) t).reason()).hasMessageContaining("closed");
    assertThat(server.awaitDisconnect(Duration.ofSeconds(10))).isTrue();
    assertThat(server.requestCount()).as("closing is never retried").isEqualTo(1);
  }

  @ParameterizedTest
  @EnumSource(Consumer.class)
  void closingTheClientFailsTheWaitingConsumerWithWhatArrived(Consumer how) throws Exception {
    server.enqueue(FakeResponse.sse().data(content("first")).build().holdingOpen());
    ChatStream s = kimi.stream(HELLO);
    CompletableFuture<Throwable> result = consume(s, how);
    awaitFirstChunk(server);

    kimi.close();

    Throwable t = outcome(result);
    assertThat(t).isInstanceOf(StreamAbortedException.class).hasMessageContaining("closed");
    assertThat(((StreamAbortedException) t).partial().text()).isEqualTo("first");
    assertThat(server.requestCount()).isEqualTo(1);
  }

  @ParameterizedTest
  @EnumSource(Consumer.class)
  void closingBeforeTheFirstChunkFailsWithThePlainReason(Consumer how) throws Exception {
    server.enqueue(
        FakeResponse.sse()
            .data(content("late"))
            .done()
            .build()
            .withHeadersDelay(Duration.ofSeconds(5)));
    ChatStream s = kimi.stream(HELLO);
    CompletableFuture<Throwable> result = consume(s, how);
    server.takeRequest();
    Thread.sleep(100);

    s.close();

    Throwable t = outcome(result);
    assertThat(t).isInstanceOf(CancelledException.class).hasMessageContaining("closed");
    assertThat(server.requestCount()).as("closing is never retried").isEqualTo(1);
  }

  @Test
  void aStreamQueuedInTheLimiterFailsWhenClosed() throws Exception {
    try (KimiClient limited =
        KimiClient.builder()
            .apiKey("sk-test")
            .baseUrl(server.baseUrl())
            .rateLimit(RateLimit.builder().maxConcurrency(1).build())
            .build()) {
      server.enqueue(FakeResponse.sse().data(content("first")).build().holdingOpen());
      ChatStream holder = limited.stream(HELLO);
      assertThat(holder.iterator().next().text()).isEqualTo("first");
      ChatStream queued = limited.stream(HELLO);
      CountDownLatch consuming = new CountDownLatch(1);
      CompletableFuture<Throwable> result =
          CompletableFuture.supplyAsync(
                  () -> {
                    consuming.countDown();
                    try {
                      return "returned: " + queued.toCompletion().text();
                    } catch (Throwable e) {
                      return e;
                    }
                  })
              .thenApply(o -> o instanceof Throwable e ? e : new AssertionError(o));
      consuming.await();
      Thread.sleep(200);

      queued.close();

      assertThat(outcome(result))
          .isInstanceOf(CancelledException.class)
          .hasMessageContaining("closed");
      assertThat(server.requestCount()).isEqualTo(1);
      holder.close();
    }
  }
}
