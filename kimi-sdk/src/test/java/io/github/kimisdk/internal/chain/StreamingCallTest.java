package io.github.kimisdk.internal.chain;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.kimisdk.ResponseMetadata;
import io.github.kimisdk.RetryPolicy;
import io.github.kimisdk.Timeouts;
import io.github.kimisdk.chat.ChatCompletion;
import io.github.kimisdk.chat.ChatRequest;
import io.github.kimisdk.errors.CancelledException;
import io.github.kimisdk.errors.KimiException;
import io.github.kimisdk.errors.KimiTimeoutException;
import io.github.kimisdk.errors.ServerException;
import io.github.kimisdk.errors.TestErrors;
import io.github.kimisdk.errors.TruncatedStreamException;
import io.github.kimisdk.host.Host;
import io.github.kimisdk.host.ServedBy;
import io.github.kimisdk.internal.client.ManualScheduler;
import io.github.kimisdk.internal.http.ErrorFactory;
import io.github.kimisdk.internal.http.StreamIdleException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Flow;
import org.junit.jupiter.api.Test;

/**
 * {@link StreamingCall} in memory and on virtual time: attempts are {@link FakeAttempt}s the test
 * drives, retries and deadlines wait on a {@link ManualScheduler}, and so do the idle and
 * total-time watches. Nothing sleeps.
 */
class StreamingCallTest {

  private final ManualScheduler time = new ManualScheduler();
  private final ManualScheduler watchdog = new ManualScheduler();
  private final ErrorFactory errors = TestErrors.factory();
  private final List<FakeAttempt> attempts = new ArrayList<>();
  private final Recorder out = new Recorder();

  private CallContext context(Timeouts timeouts) {
    return new CallContext(
        time, watchdog, new Calls(errors), timeouts, System.getLogger("StreamingCallTest"));
  }

  private StreamingCall<String> call(Timeouts timeouts, RetryPolicy policy, Duration deadline) {
    CallContext c = context(timeouts);
    return new StreamingCall<>(
        c,
        new Retrier(policy, c).forCall(null, deadline),
        new StreamingCall.Spec<>(
            (n, here, target, request, permit, launch) -> {
              FakeAttempt a = new FakeAttempt(n);
              attempts.add(a);
              return launch.apply(a, null);
            },
            null),
        () -> false,
        null);
  }

  private StreamingCall<String> call() {
    return call(Timeouts.defaults(), RetryPolicy.defaults(), null);
  }

  private KimiException serverError() {
    byte[] body =
        "{\"error\":{\"type\":\"server_error\",\"message\":\"busy\"}}"
            .getBytes(StandardCharsets.UTF_8);
    return errors.httpError(new ResponseMetadata(503, Map.of()), body, 0, body.length);
  }

  @Test
  void anAttemptThatFailsBeforeItsFirstItemIsRetriedAfterTheBackoff() {
    StreamingCall<String> s = call();
    s.subscribe(out);
    attempts.get(0).refuse(serverError());
    assertThat(attempts).as("the retry waits for its backoff").hasSize(1);
    assertThat(time.advanceToNext()).isTrue();
    assertThat(time.elapsed()).isEqualTo(Retrier.backoff(RetryPolicy.defaults(), 1, 0.5));
    attempts.get(1).open().send("a", "b").complete();

    assertThat(out.items).containsExactly("a", "b");
    assertThat(out.completed).isTrue();
    assertThat(out.error).isNull();
    assertThat(s.metadata().requestId()).contains("req-2");
    assertThat(attempts.get(0).ended).singleElement().isInstanceOf(ServerException.class);
  }

  @Test
  void aFailureAfterTheFirstItemIsFinalAndCountsItsAttempts() {
    StreamingCall<String> s = call();
    s.subscribe(out);
    attempts.get(0).refuse(serverError());
    time.advanceToNext();
    KimiException broken = TestErrors.connection("reset");
    attempts.get(1).open().send("a").fail(broken);

    assertThat(out.items).containsExactly("a");
    assertThat(out.error).isSameAs(broken);
    assertThat(broken.attempts()).isEqualTo(2);
    assertThat(broken.getSuppressed()).singleElement().isInstanceOf(ServerException.class);
    assertThat(time.pending()).as("nothing is retried once an item went out").isZero();
  }

  /**
   * The attempt's end passes back up through the interceptors below the retrier, which may take a
   * moment (another thread, a permit returned); a stream that ended meanwhile does not cancel that
   * end, so an interceptor hears the attempt succeed.
   */
  @Test
  void anAttemptThatEndedTheStreamBeforeItsSendReturnedIsNotWithdrawn() {
    List<Runnable> later = new ArrayList<>();
    List<CompletableFuture<Void>> passed = new ArrayList<>();
    CallContext c = context(Timeouts.defaults());
    StreamingCall<String> s =
        new StreamingCall<>(
            c,
            new Retrier(RetryPolicy.defaults(), c).forCall(null, null),
            new StreamingCall.Spec<>(
                (n, here, target, request, permit, launch) -> {
                  FakeAttempt a = new FakeAttempt(n);
                  attempts.add(a);
                  CompletableFuture<Void> up =
                      launch.apply(a, null).thenApplyAsync(v -> v, later::add);
                  passed.add(up);
                  a.open().send("a").complete(); // the whole stream, before send returns
                  return up;
                },
                null),
            () -> false,
            null);

    s.subscribe(out);
    later.forEach(Runnable::run);

    assertThat(out.items).containsExactly("a");
    assertThat(out.completed).isTrue();
    assertThat(passed).singleElement().satisfies(f -> assertThat(f).isCompleted());
  }

  private final List<ChatRequest> sent = new ArrayList<>();

  /** A chat stream's call whose policy continues it after a cut, recording each request sent. */
  private StreamingCall<String> continuing(RetryPolicy policy) {
    CallContext c = context(Timeouts.defaults());
    ChatRequest request = ChatRequest.builder("kimi-k3").addUser("hi").build();
    return new StreamingCall<>(
        c,
        new Retrier(policy, c).forCall(null, null),
        new StreamingCall.Spec<>(
            (n, here, target, req, permit, launch) -> {
              sent.add(req);
              FakeAttempt a = new FakeAttempt(n);
              attempts.add(a);
              return launch.apply(a, null);
            },
            partial -> Continuing.resume(request, partial),
            new Continuing(
                request,
                Continuing::resume,
                t -> Host.MOONSHOT,
                t -> new ServedBy(t, "moonshot", URI.create("https://api.moonshot.ai/v1"), null))),
        () -> false,
        null);
  }

  private KimiException cut() {
    return errors.truncated(
        new ResponseMetadata(200, Map.of()),
        new ChatCompletion(null, null, 0, null, List.of(), null, null),
        null);
  }

  @Test
  void aCutStreamWhosePolicyContinuesItGoesOnInTheNextAttemptAfterTheBackoff() {
    StreamingCall<String> s = continuing(RetryPolicy.defaults().withStreamContinuation(true));
    s.subscribe(out);
    attempts.get(0).open().send("a").fail(cut());

    assertThat(out.error).as("the caller sees no failure").isNull();
    assertThat(attempts).as("the continuation waits for its backoff").hasSize(1);
    assertThat(time.advanceToNext()).isTrue();
    attempts.get(1).open().send("b").complete();

    assertThat(out.items).containsExactly("a", "b");
    assertThat(out.completed).isTrue();
    assertThat(sent.get(0)).as("the call's own request").isNull();
    assertThat(sent.get(1)).as("the continuing request").isNotNull();
    assertThat(attempts.get(0).ended).singleElement().isInstanceOf(TruncatedStreamException.class);
  }

  @Test
  void aStopWhileAContinuationWaitsForItsBackoffEndsTheStreamAndSendsNothingMore() {
    StreamingCall<String> s = continuing(RetryPolicy.defaults().withStreamContinuation(true));
    s.subscribe(out);
    attempts.get(0).open().send("a").fail(cut());

    RuntimeException stop = s.stop(null);
    time.advanceToNext();

    assertThat(out.error).isSameAs(stop);
    assertThat(attempts).as("no continuation after the stop").hasSize(1);
    assertThat(watchdog.pending()).as("every timer of the stream withdrawn").isZero();
  }

  @Test
  void aCutStreamWithNoRetryLeftFailsSayingWhyItWasNotContinued() {
    StreamingCall<String> s =
        continuing(RetryPolicy.defaults().withMaxRetries(0).withStreamContinuation(true));
    s.subscribe(out);
    attempts.get(0).open().send("a").fail(cut());

    assertThat(out.items).containsExactly("a");
    assertThat(out.error)
        .isInstanceOf(TruncatedStreamException.class)
        .hasMessageContaining("It was not continued (RetryPolicy.withStreamContinuation)")
        .hasMessageContaining("its retries are spent");
    assertThat(((TruncatedStreamException) out.error).resumeRequest()).isPresent();
    assertThat(time.pending()).isZero();
  }

  @Test
  void stoppingARunningStreamFailsItsSubscriberAndIsNeverRetried() {
    StreamingCall<String> s = call();
    s.subscribe(out);
    attempts.get(0).open().send("a");

    RuntimeException stop = s.stop(null);

    assertThat(stop).isInstanceOf(CancelledException.class);
    assertThat(((CancelledException) stop).reason()).isEqualTo(CancelledException.Reason.CLOSED);
    assertThat(out.error).isSameAs(stop);
    assertThat(attempts.get(0).cancelled).as("the attempt's stream was cancelled").isTrue();
    assertThat(s.isEnded()).isTrue();
    assertThat(s.stop(null)).as("idempotent").isSameAs(stop);
    assertThat(attempts).hasSize(1);
  }

  @Test
  void aStreamStoppedBeforeItsSubscriberArrivesRefusesThatSubscriber() {
    StreamingCall<String> s = call();
    RuntimeException stop = s.stop(new InterruptedException());
    s.subscribe(out);
    assertThat(((CancelledException) stop).reason())
        .isEqualTo(CancelledException.Reason.INTERRUPTED);
    assertThat(out.error).isSameAs(stop);
    assertThat(attempts).as("nothing was sent").isEmpty();
  }

  @Test
  void aSecondSubscriberIsRefused() {
    StreamingCall<String> s = call();
    s.subscribe(out);
    Recorder second = new Recorder();
    s.subscribe(second);
    assertThat(second.error).isInstanceOf(IllegalStateException.class);
  }

  @Test
  void theWholeCallTimeoutStopsTheStreamOnVirtualTime() {
    StreamingCall<String> s = call(Timeouts.defaults(), RetryPolicy.none(), Duration.ofSeconds(5));
    s.subscribe(out);
    attempts.get(0).open();
    time.advance(Duration.ofSeconds(4));
    assertThat(out.error).isNull();

    time.advance(Duration.ofSeconds(1));

    assertThat(out.error)
        .isInstanceOf(KimiTimeoutException.class)
        .hasMessageContaining("RequestOptions.timeout");
  }

  @Test
  void theIdleWatchAbortsAStreamThatStaysQuietWhileItsSubscriberWaits() {
    Duration idle = Duration.ofSeconds(8);
    StreamingCall<String> s =
        call(Timeouts.defaults().withStreamIdle(idle), RetryPolicy.none(), null);
    s.subscribe(out);
    FakeAttempt a = attempts.get(0).open();
    a.progressed = true; // its first event came: the idle timeout is in force
    a.idle = idle.toNanos() / 2;
    watchdog.advance(Duration.ofSeconds(2)); // a check, a quarter of the limit apart
    assertThat(a.aborts).isEmpty();

    a.idle = idle.toNanos();
    watchdog.advance(Duration.ofSeconds(2));

    assertThat(a.aborts).singleElement().isInstanceOf(StreamIdleException.class);
    assertThat(out.error)
        .isInstanceOf(KimiException.class)
        .hasMessageContaining("no data event for 8 s while the stream was read")
        .hasMessageContaining(
            "Timeouts.withStreamIdle; keep-alive comments and pings do not count");
    assertThat(a.dataEvents).as("the default idle clock counts data events").isTrue();
  }

  @Test
  void theFirstEventHasABudgetOfItsOwnThatAThinkingModelSurvivesByDefault() {
    StreamingCall<String> s = call(Timeouts.defaults(), RetryPolicy.none(), null);
    s.subscribe(out);
    FakeAttempt a = attempts.get(0).open();
    // K3 at long context has reasoned over 180 s before its first token; past the 5 min idle
    // timeout too, nothing but keep-alives (if any) arriving meanwhile
    a.idle = Duration.ofMinutes(9).toNanos();
    watchdog.advance(Duration.ofMinutes(9));
    assertThat(a.aborts).as("within the first-event budget").isEmpty();

    a.idle = Duration.ofMinutes(10).toNanos();
    watchdog.advance(Duration.ofMinutes(2));

    assertThat(a.aborts).singleElement().isInstanceOf(StreamIdleException.class);
    assertThat(out.error)
        .isInstanceOf(KimiException.class)
        .hasMessageContaining("no data event for 10 min after the response headers")
        .hasMessageContaining("(Timeouts.withFirstEvent; keep-alive comments and pings do not");
  }

  @Test
  void onceTheFirstEventCameTheIdleTimeoutIsInForce() {
    Timeouts t =
        Timeouts.defaults()
            .withFirstEvent(Duration.ofMinutes(10))
            .withStreamIdle(Duration.ofSeconds(40));
    StreamingCall<String> s = call(t, RetryPolicy.none(), null);
    s.subscribe(out);
    FakeAttempt a = attempts.get(0).open();
    a.idle = Duration.ofSeconds(40).toNanos();
    watchdog.advance(Duration.ofSeconds(30));
    assertThat(a.aborts).as("no event yet: the first-event budget").isEmpty();

    a.progressed = true;
    watchdog.advance(Duration.ofSeconds(10));

    assertThat(a.aborts).singleElement().isInstanceOf(StreamIdleException.class);
    assertThat(out.error).hasMessageContaining("no data event for 40 s while the stream was read");
  }

  @Test
  void theFirstEventMayTakeAsLongAsTheIdleTimeoutWhenThatIsLonger() {
    Timeouts t =
        Timeouts.defaults()
            .withFirstEvent(Duration.ofSeconds(10))
            .withStreamIdle(Duration.ofMinutes(20));
    StreamingCall<String> s = call(t, RetryPolicy.none(), null);
    s.subscribe(out);
    FakeAttempt a = attempts.get(0).open();
    a.idle = Duration.ofMinutes(19).toNanos();
    watchdog.advance(Duration.ofMinutes(19));
    assertThat(a.aborts).isEmpty();
    a.idle = Duration.ofMinutes(20).toNanos();
    watchdog.advance(Duration.ofMinutes(1));
    assertThat(out.error)
        .hasMessageContaining("no data event for 20 min after the response headers");
  }

  @Test
  void anyBytesIsTheIdleClockAskedForWhenTheTimeoutsSaySo() {
    Timeouts t =
        Timeouts.defaults()
            .withIdleClock(Timeouts.IdleClock.ANY_BYTES)
            .withStreamIdle(Duration.ofSeconds(8));
    StreamingCall<String> s = call(t, RetryPolicy.none(), null);
    s.subscribe(out);
    FakeAttempt a = attempts.get(0).open();
    a.progressed = true;
    a.idle = Duration.ofSeconds(8).toNanos();
    watchdog.advance(Duration.ofSeconds(2));
    assertThat(a.dataEvents).isFalse();
    assertThat(out.error)
        .hasMessageContaining(
            "no data for 8 s while the stream was read (Timeouts.withStreamIdle)");
  }

  @Test
  void everyTimerIsWithdrawnWhenTheStreamEnds() {
    StreamingCall<String> s =
        call(
            Timeouts.defaults().withStreamTotal(Duration.ofMinutes(5)),
            RetryPolicy.none(),
            Duration.ofMinutes(1));
    s.subscribe(out);
    assertThat(watchdog.pending()).as("the idle and total-time watches").isEqualTo(2);
    assertThat(time.pending()).as("the whole-call deadline").isEqualTo(1);

    attempts.get(0).open().send("a").complete();

    assertThat(out.completed).isTrue();
    assertThat(watchdog.pending()).isZero();
    assertThat(time.pending()).isZero();
  }

  @Test
  void everyAttemptIsWatchedForIdlenessNotOnlyTheFirst() {
    Duration idle = Duration.ofSeconds(8);
    StreamingCall<String> s =
        call(
            Timeouts.defaults().withStreamIdle(idle).withFirstEvent(idle),
            RetryPolicy.defaults(),
            null);
    s.subscribe(out);
    for (int n = 0; n < 2; n++) { // headers, then silence: twice
      FakeAttempt a = attempts.get(n).open();
      a.idle = idle.toNanos();
      watchdog.advance(Duration.ofSeconds(2));
      assertThat(a.aborts)
          .as("attempt %d is dropped by its own idle watch", n + 1)
          .singleElement()
          .isInstanceOf(StreamIdleException.class);
      assertThat(time.advanceToNext()).as("retry %d is scheduled", n + 1).isTrue();
    }
    attempts.get(2).open().send("a").complete();

    assertThat(out.items).containsExactly("a");
    assertThat(out.completed).isTrue();
    assertThat(watchdog.pending()).as("no watch outlives the stream").isZero();
  }

  @Test
  void aWatchOfAnEarlierAttemptNeverReachesALaterOne() {
    Duration idle = Duration.ofSeconds(8);
    StreamingCall<String> s =
        call(Timeouts.defaults().withStreamIdle(idle), RetryPolicy.defaults(), null);
    s.subscribe(out);
    attempts.get(0).refuse(serverError());
    time.advanceToNext();
    FakeAttempt second = attempts.get(1).open();
    watchdog.advance(Duration.ofSeconds(6));
    second.idle = idle.toNanos() / 2;
    watchdog.advance(Duration.ofSeconds(2));
    assertThat(second.aborts).as("quiet for half its limit").isEmpty();
    assertThat(watchdog.pending())
        .as("the running attempt's watch and the total time")
        .isEqualTo(2);
  }

  /** The ways a stream that was retried can end by a bound or a stop, each after two attempts. */
  enum Ending {
    TOTAL_TIME,
    WHOLE_CALL_TIMEOUT,
    CLOSED
  }

  @org.junit.jupiter.params.ParameterizedTest
  @org.junit.jupiter.params.provider.CsvSource({
    "TOTAL_TIME, false",
    "WHOLE_CALL_TIMEOUT, false",
    "CLOSED, false",
    "TOTAL_TIME, true",
    "WHOLE_CALL_TIMEOUT, true",
    "CLOSED, true"
  })
  void aStreamEndedAfterARetryCountsEveryAttempt(Ending ending, boolean afterAnItem) {
    StreamingCall<String> s =
        call(
            Timeouts.defaults().withStreamTotal(Duration.ofSeconds(30)),
            RetryPolicy.defaults(),
            Duration.ofSeconds(20));
    s.subscribe(out);
    attempts.get(0).refuse(serverError());
    time.advanceToNext();
    FakeAttempt second = attempts.get(1).open();
    if (afterAnItem) {
      second.send("a");
    }

    switch (ending) {
      case TOTAL_TIME -> watchdog.advance(Duration.ofSeconds(30));
      case WHOLE_CALL_TIMEOUT -> time.advance(Duration.ofSeconds(20));
      case CLOSED -> s.stop(null);
    }

    assertThat(out.error).isInstanceOf(KimiException.class);
    KimiException k = (KimiException) out.error;
    assertThat(k.attempts()).as("attempts of %s", k).isEqualTo(2);
    assertThat(k.getSuppressed()).singleElement().isInstanceOf(ServerException.class);
  }

  /** Records what a subscriber receives; requests everything. */
  static final class Recorder implements Flow.Subscriber<String> {
    final List<String> items = new ArrayList<>();
    Throwable error;
    boolean completed;

    @Override
    public void onSubscribe(Flow.Subscription s) {
      s.request(Long.MAX_VALUE);
    }

    @Override
    public void onNext(String item) {
      items.add(item);
    }

    @Override
    public void onError(Throwable t) {
      error = t;
    }

    @Override
    public void onComplete() {
      completed = true;
    }
  }
}
