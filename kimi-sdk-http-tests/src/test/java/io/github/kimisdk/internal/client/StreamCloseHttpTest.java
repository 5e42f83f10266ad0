package io.github.kimisdk.internal.client;

import static io.github.kimisdk.ClientInternals.content;
import static org.assertj.core.api.Assertions.assertThat;

import io.github.kimisdk.ClientInternals;
import io.github.kimisdk.FakeSuite;
import io.github.kimisdk.KimiClient;
import io.github.kimisdk.RateLimit;
import io.github.kimisdk.chat.ChatCompletionChunk;
import io.github.kimisdk.chat.ChatRequest;
import io.github.kimisdk.chat.ChatStream;
import io.github.kimisdk.errors.CancelledException;
import io.github.kimisdk.errors.KimiException;
import io.github.kimisdk.errors.StreamAbortedException;
import io.github.kimisdk.testing.FakeResponse;
import java.time.Duration;
import java.util.Iterator;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Flow;
import java.util.concurrent.TimeUnit;
import java.util.function.BiFunction;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * A stream closed from another thread, by {@link ChatStream#close()} or {@link KimiClient#close()},
 * while its consumer waits: the consumer is told with a {@link KimiException} that says it was
 * closed, carrying what arrived, and the call is not retried.
 */
class StreamCloseHttpTest extends FakeSuite {

  static final ChatRequest HELLO = ChatRequest.of("kimi-k2.6", "Hello");

  /**
   * How the consumer reads the stream; each returns what it ended with (a failure, or null) and
   * counts {@code first} down when the first chunk reached it.
   */
  enum Consumer {
    ITERATOR(
        (s, first) -> {
          Iterator<ChatCompletionChunk> it = s.iterator();
          while (it.hasNext()) {
            it.next();
            first.countDown();
          }
          return null;
        }),
    // toCompletion() is forEachText with a sink that ignores the text: this one says it arrived
    TO_COMPLETION((s, first) -> s.forEachText(t -> first.countDown())),
    FOR_EACH_TEXT((s, first) -> s.forEachText(r -> {}, t -> first.countDown())),
    FLOW_SUBSCRIBER(
        (s, first) -> {
          CompletableFuture<Void> end = new CompletableFuture<>();
          s.subscribe(
              new Flow.Subscriber<>() {
                @Override
                public void onSubscribe(Flow.Subscription sub) {
                  sub.request(Long.MAX_VALUE);
                }

                @Override
                public void onNext(ChatCompletionChunk item) {
                  first.countDown();
                }

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

    final BiFunction<ChatStream, CountDownLatch, Object> read;

    Consumer(BiFunction<ChatStream, CountDownLatch, Object> read) {
      this.read = read;
    }
  }

  /** What a consumer on another thread ended with, and when its first chunk came. */
  record Consuming(CompletableFuture<Throwable> outcome, CountDownLatch first) {

    /** Waits until the consumer holds the first chunk (and waits for the next). */
    void awaitFirstChunk() throws InterruptedException {
      assertThat(first.await(10, TimeUnit.SECONDS)).as("the first chunk arrived").isTrue();
    }
  }

  /** Consumes {@code s} on another thread. */
  static Consuming consume(ChatStream s, Consumer how) {
    CompletableFuture<Throwable> outcome = new CompletableFuture<>();
    CountDownLatch first = new CountDownLatch(1);
    Thread t =
        new Thread(
            () -> {
              try {
                how.read.apply(s, first);
                outcome.complete(null);
              } catch (java.util.concurrent.CompletionException e) {
                outcome.complete(e.getCause());
              } catch (Throwable e) {
                outcome.complete(e);
              }
            });
    t.setDaemon(true);
    t.start();
    return new Consuming(outcome, first);
  }

  private static Throwable outcome(CompletableFuture<Throwable> f) {
    return f.orTimeout(20, TimeUnit.SECONDS).join();
  }

  /**
   * A stream held open after its first chunk ("first"), consumed {@code how}, ended by {@code
   * close} while the consumer waits: its failure, a {@link StreamAbortedException} that says
   * "closed" and holds the chunk.
   */
  private StreamAbortedException abortedAfterTheFirstChunk(
      Consumer how, java.util.function.Consumer<ChatStream> close) throws Exception {
    server.enqueue(FakeResponse.sse().data(content("first")).build().holdingOpen());
    ChatStream s = kimi.stream(HELLO);
    Consuming result = consume(s, how);
    result.awaitFirstChunk();

    close.accept(s);

    Throwable t = outcome(result.outcome());
    assertThat(t).isInstanceOf(StreamAbortedException.class).hasMessageContaining("closed");
    assertThat(((StreamAbortedException) t).partial().text()).isEqualTo("first");
    return (StreamAbortedException) t;
  }

  @ParameterizedTest
  @EnumSource(Consumer.class)
  void closingTheStreamFailsTheWaitingConsumerWithWhatArrived(Consumer how) throws Exception {
    StreamAbortedException t = abortedAfterTheFirstChunk(how, ChatStream::close);

    assertThat(t.reason()).hasMessageContaining("closed");
    assertThat(server.awaitDisconnect(Duration.ofSeconds(10))).isTrue();
    assertThat(server.requestCount()).as("closing is never retried").isEqualTo(1);
  }

  @ParameterizedTest
  @EnumSource(Consumer.class)
  void closingTheClientFailsTheWaitingConsumerWithWhatArrived(Consumer how) throws Exception {
    abortedAfterTheFirstChunk(how, s -> kimi.close());

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
    Consuming result = consume(s, how);
    server.takeRequest(); // sent, its answer held back: closing does not wait for the consumer

    s.close();

    Throwable t = outcome(result.outcome());
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
      java.util.Iterator<ChatCompletionChunk> it = queued.iterator(); // queued in the limiter now
      assertThat(ClientInternals.core(limited).limiter().queued()).isEqualTo(1);
      CompletableFuture<Throwable> result =
          CompletableFuture.supplyAsync(
                  () -> {
                    try {
                      return "returned: " + it.hasNext();
                    } catch (Throwable e) {
                      return e;
                    }
                  })
              .thenApply(o -> o instanceof Throwable e ? e : new AssertionError(o));

      queued.close();

      assertThat(outcome(result))
          .isInstanceOf(CancelledException.class)
          .hasMessageContaining("closed");
      assertThat(server.requestCount()).isEqualTo(1);
      holder.close();
    }
  }
}
