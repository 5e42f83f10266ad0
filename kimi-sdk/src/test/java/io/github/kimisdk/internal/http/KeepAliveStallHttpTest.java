package io.github.kimisdk.internal.http;

import static io.github.kimisdk.internal.http.HostileServerHttpTest.HELLO;
import static io.github.kimisdk.internal.http.HostileServerHttpTest.KEY;
import static io.github.kimisdk.internal.http.HostileServerHttpTest.chunk;
import static io.github.kimisdk.internal.http.HostileServerHttpTest.keepAliveForever;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import io.github.kimisdk.KimiClient;
import io.github.kimisdk.RetryPolicy;
import io.github.kimisdk.Timeouts;
import io.github.kimisdk.chat.ChatCompletion;
import io.github.kimisdk.errors.KimiException;
import io.github.kimisdk.errors.KimiTimeoutException;
import io.github.kimisdk.errors.TruncatedStreamException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A server that keeps a stream open with SSE comments while sending nothing else (a stalled model
 * behind a gateway's keep-alives) is cut by the first-event budget or the idle timeout, not held
 * until the stream's total time: only data events, and the bytes of one arriving, restart the idle
 * clock. A thinking model that sends keep-alives before its first token still gets its answer
 * through, and so does a stream whose events arrive a byte at a time. Limits are short real times:
 * which one cut a stream is told by the failure (its type and the setting it names), never by how
 * long the call took; a limit a stream must not reach is many times the gap between the bytes that
 * hold it, so a loaded machine's pauses do not reach it.
 */
class KeepAliveStallHttpTest {

  /** Far above every limit a test sets: a stream held this long was not cut. */
  static final Duration TOTAL = Duration.ofSeconds(30);

  HostileServer server;

  @BeforeEach
  void start() throws IOException {
    server = new HostileServer();
  }

  @AfterEach
  void stop() throws IOException {
    server.close();
  }

  /**
   * An event stream: {@code comments} keep-alive comments 100 ms apart, then {@code events} (at
   * once, or one byte per {@value #DRIP_MILLIS} ms when {@code dripped}), then keep-alive comments
   * until the client goes (or a minute passes).
   */
  static HostileServer.Reply commentsThen(int comments, String events, boolean dripped) {
    return out -> {
      out.write(
          "HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\nConnection: close\r\n\r\n"
              .getBytes(StandardCharsets.US_ASCII));
      out.flush();
      for (int i = 0; i < comments; i++) {
        out.write(": keep-alive\n\n".getBytes(StandardCharsets.US_ASCII));
        out.flush();
        Thread.sleep(100);
      }
      byte[] bytes = events.getBytes(StandardCharsets.UTF_8);
      for (int i = 0; i < bytes.length; i += dripped ? 1 : bytes.length) {
        out.write(bytes, i, dripped ? 1 : bytes.length);
        out.flush();
        if (dripped) {
          Thread.sleep(DRIP_MILLIS);
        }
      }
      for (int i = 0; i < 600; i++) {
        out.write(": keep-alive\n\n".getBytes(StandardCharsets.US_ASCII));
        out.flush();
        Thread.sleep(100);
      }
    };
  }

  static HostileServer.Reply commentsThen(int comments, String events) {
    return commentsThen(comments, events, false);
  }

  /** A dripped event's bytes come this many ms apart: 50 times less than {@link #DRIP_IDLE}. */
  static final int DRIP_MILLIS = 20;

  /**
   * The idle timeout the dripped streams are read with: far above the gap between two bytes, so a
   * loaded machine's pauses do not reach it, and below the time a whole event takes to drip.
   */
  static final Duration DRIP_IDLE = Duration.ofSeconds(1);

  /** An event stream whose events arrive one byte at a time, then only keep-alive comments. */
  static HostileServer.Reply dripped(String events) {
    return commentsThen(0, events, true);
  }

  /**
   * A short chunk: each of its events (about 70 bytes) takes about 1.4 s to drip, longer than the
   * dripped streams' idle timeout.
   */
  static String shortChunk(String text, String finish) {
    return "{\"choices\":[{\"index\":0,\"delta\":{\"content\":\""
        + text
        + "\"},\"finish_reason\":"
        + (finish == null ? "null" : "\"" + finish + "\"")
        + "}]}";
  }

  /** "Hello" as two chunk events and [DONE], with {@code between} after the first event. */
  static String hello(String between) {
    return "data: "
        + chunk(0, "Hel", null)
        + "\n\n"
        + between
        + "data: "
        + chunk(0, "lo", "stop")
        + "\n\ndata: [DONE]\n\n";
  }

  KimiClient client(Timeouts timeouts, int retries) {
    return KimiClient.builder()
        .apiKey(KEY)
        .baseUrl(server.baseUrl())
        .retryPolicy(
            RetryPolicy.defaults()
                .withMaxRetries(retries)
                .withBackoff(Duration.ofMillis(1), Duration.ofMillis(5)))
        .timeouts(timeouts.withStreamTotal(TOTAL))
        .build();
  }

  @Test
  void aStreamOfOnlyKeepAlivesEndsAtItsFirstEventBudgetAndIsRetried() {
    server.always(keepAliveForever());
    Timeouts t =
        Timeouts.defaults()
            .withFirstEvent(Duration.ofMillis(600))
            .withStreamIdle(Duration.ofMillis(300));
    Throwable e;
    try (KimiClient kimi = client(t, 1)) {
      e = catchThrowable(() -> kimi.stream(HELLO).toCompletion());
    }
    // which limit cut it, from the failure itself, not from how long it took (at a load of 30 on
    // two cores the two attempts took 23 s): the stream's total time would be a
    // KimiTimeoutException naming Timeouts.withStreamTotal
    assertThat(e)
        .isInstanceOf(KimiException.class)
        .isNotInstanceOf(KimiTimeoutException.class) // not the stream's total time
        .hasMessageContaining("no data event for 600 ms after the response headers")
        .hasMessageContaining("Timeouts.withFirstEvent")
        .hasMessageContaining("keep-alive comments and pings do not count");
    assertThat(((KimiException) e).attempts()).isEqualTo(2);
    assertThat(server.requests()).hasSize(2); // each attempt bounded on its own, then retried
  }

  @Test
  void keepAlivesAfterTheFirstChunkDoNotHoldTheStreamPastItsIdleTimeout() {
    server.always(commentsThen(0, "data: " + chunk(0, "Hel", null) + "\n\n"));
    isCutAfterHel();
  }

  /**
   * Streams with a 400 ms idle timeout and two retries: the stream is cut by the idle timeout, long
   * before its total time, with "Hel" delivered, and not retried.
   */
  void isCutAfterHel() {
    Timeouts t = Timeouts.defaults().withStreamIdle(Duration.ofMillis(400));
    Throwable e;
    try (KimiClient kimi = client(t, 2)) {
      e = catchThrowable(() -> kimi.stream(HELLO).toCompletion());
    }
    assertThat(e)
        .isInstanceOf(TruncatedStreamException.class)
        .hasMessageContaining("no data event for 400 ms while the stream was read");
    assertThat(((TruncatedStreamException) e).partial().text()).isEqualTo("Hel");
    assertThat(server.requests()).as("a chunk reached the caller: not retried").hasSize(1);
  }

  @Test
  void aThinkingModelThatSendsOnlyKeepAlivesBeforeItsFirstTokenGetsItsAnswerThrough() {
    // twelve comments, 1.2 s, four times the idle timeout: the first event has a budget of its own
    server.always(commentsThen(12, hello(": keep-alive\n\n")));
    answersHello(Duration.ofSeconds(20));
  }

  /** Streams with a 300 ms idle timeout and {@code first} for the first event: "Hello", once. */
  void answersHello(Duration first) {
    answersHello(first, Duration.ofMillis(300));
  }

  /** Streams with the {@code idle} timeout and {@code first} for the first event: "Hello", once. */
  void answersHello(Duration first, Duration idle) {
    Timeouts t = Timeouts.defaults().withStreamIdle(idle).withFirstEvent(first);
    try (KimiClient kimi = client(t, 0)) {
      ChatCompletion c = kimi.stream(HELLO).toCompletion();
      assertThat(c.text()).isEqualTo("Hello");
    }
    assertThat(server.requests()).hasSize(1);
  }

  @Test
  void withTheAnyBytesClockKeepAlivesHoldTheStreamUntilItsTotalTime() {
    // comments 100 ms apart against a 3 s idle timeout: thirty times the gap, so a loaded
    // machine's pauses (over a second at a load of 28 on two cores, seen with a 1 s timeout) do not
    // end the stream before its total time does
    server.always(keepAliveForever());
    Timeouts t =
        Timeouts.defaults()
            .withIdleClock(Timeouts.IdleClock.ANY_BYTES)
            .withFirstEvent(Duration.ofSeconds(3))
            .withStreamIdle(Duration.ofSeconds(3));
    try (KimiClient kimi =
        KimiClient.builder()
            .apiKey(KEY)
            .baseUrl(server.baseUrl())
            .retryPolicy(RetryPolicy.none())
            .timeouts(t.withStreamTotal(Duration.ofSeconds(4)))
            .build()) {
      Throwable e = catchThrowable(() -> kimi.stream(HELLO).toCompletion());
      assertThat(e)
          .isInstanceOf(KimiTimeoutException.class)
          .hasMessageContaining("Timeouts.withStreamTotal");
    }
    assertThat(server.requests()).hasSize(1);
  }

  @Test
  void aStreamWhoseEventsArriveAByteAtATimeIsNotCutWhileTheyCome() {
    server.always(
        dripped(
            "data: "
                + shortChunk("Hel", null)
                + "\n\ndata: "
                + shortChunk("lo", "stop")
                + "\n\ndata: [DONE]\n\n"));
    answersHello(DRIP_IDLE, DRIP_IDLE);
  }

  @Test
  void keepAlivesAfterADrippedEventStillDoNotHoldTheStream() {
    server.always(dripped("data: " + shortChunk("Hel", null) + "\n\n"));
    isCutAfterHel();
  }

  /**
   * The case {@code Timeouts.withFirstEvent} exists for, through the public API: a thinking model
   * whose first event comes after 2.5 s of keep-alives (more than twice the idle timeout), read by
   * a {@code Flow} subscriber that spends half the idle timeout on the first chunk (as a framework
   * whose handlers run inline does). The idle clock runs from the first event once it counts as
   * seen, so no stream is cut: 20 of 20 answer "Hello". The idle timeout is a second, so that the
   * half of it left after the subscriber's work holds on a machine at load 25 (with 300 ms and 150
   * ms of work, one stream of 20 was cut there).
   */
  @Test
  void aSubscriberSlowOnTheFirstChunkAfterLongKeepAlivesIsNeverCut() throws Exception {
    server.always(commentsThen(25, hello("")));
    Timeouts t =
        Timeouts.defaults()
            .withStreamIdle(Duration.ofSeconds(1))
            .withFirstEvent(Duration.ofSeconds(20));
    int streams = 20;
    java.util.List<java.util.concurrent.CompletableFuture<String>> answers =
        new java.util.ArrayList<>();
    try (KimiClient kimi = client(t, 0)) {
      for (int i = 0; i < streams; i++) {
        java.util.concurrent.CompletableFuture<String> answer =
            new java.util.concurrent.CompletableFuture<>();
        answers.add(answer);
        kimi.stream(HELLO).subscribe(new SlowOnFirst(answer, Duration.ofMillis(500)));
      }
      int cut = 0;
      for (java.util.concurrent.CompletableFuture<String> a : answers) {
        try {
          assertThat(a.get(TOTAL.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS))
              .isEqualTo("Hello");
        } catch (java.util.concurrent.ExecutionException failed) {
          cut++;
        }
      }
      assertThat(cut).as("streams cut of %d", streams).isZero();
    }
    assertThat(server.requests()).hasSize(streams);
  }

  /** Requests one chunk at a time and works {@code firstWork} on the first; joins the text. */
  static final class SlowOnFirst
      implements java.util.concurrent.Flow.Subscriber<io.github.kimisdk.chat.ChatCompletionChunk> {
    private final java.util.concurrent.CompletableFuture<String> answer;
    private final Duration firstWork;
    private final StringBuilder text = new StringBuilder();
    private java.util.concurrent.Flow.Subscription subscription;
    private boolean first = true;

    SlowOnFirst(java.util.concurrent.CompletableFuture<String> answer, Duration firstWork) {
      this.answer = answer;
      this.firstWork = firstWork;
    }

    @Override
    public void onSubscribe(java.util.concurrent.Flow.Subscription s) {
      subscription = s;
      s.request(1);
    }

    @Override
    public void onNext(io.github.kimisdk.chat.ChatCompletionChunk chunk) {
      if (first) {
        first = false;
        // the subscriber's own work, inline on the delivering thread: time it simulates, not a
        // wait for another thread
        java.util.concurrent.locks.LockSupport.parkNanos(firstWork.toNanos());
      }
      text.append(chunk.text());
      subscription.request(1);
    }

    @Override
    public void onError(Throwable e) {
      answer.completeExceptionally(e);
    }

    @Override
    public void onComplete() {
      answer.complete(text.toString());
    }
  }
}
