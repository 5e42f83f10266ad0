package io.github.kimisdk.internal.limit;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.kimisdk.RateLimit;
import io.github.kimisdk.ResponseMetadata;
import io.github.kimisdk.chat.ChatRequest;
import io.github.kimisdk.errors.ApiError;
import io.github.kimisdk.errors.EngineOverloadedException;
import io.github.kimisdk.errors.PreflightException;
import io.github.kimisdk.errors.RateLimitException;
import io.github.kimisdk.errors.TestErrors;
import io.github.kimisdk.internal.client.ManualScheduler;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

class RateLimiterTest {

  private static final long S = 1_000_000_000L;

  private final ManualScheduler time = new ManualScheduler();

  private RateLimiter limiter(RateLimit limit) {
    return new RateLimiter(limit, time);
  }

  @Test
  void concurrencyQueuesInArrivalOrderAndReleasesOnFinish() {
    RateLimiter l = limiter(RateLimit.builder().maxConcurrency(2).build());
    var a = l.acquire("m", 0, true);
    var b = l.acquire("m", 0, true);
    var c = l.acquire("m", 0, true);
    var d = l.acquire("m", 0, true);
    assertThat(a).isDone();
    assertThat(b).isDone();
    assertThat(c).isNotDone();
    assertThat(d).isNotDone();

    b.join().finish(null);
    assertThat(c).isDone();
    assertThat(d).isNotDone();
    b.join().finish(null); // a second finish is ignored
    assertThat(d).isNotDone();
    a.join().finish(TestErrors.exceptions().connection("boom", null, null));
    assertThat(d).isDone();
  }

  @Test
  void platformCallsTakeNoConcurrencySlot() {
    RateLimiter l = limiter(RateLimit.builder().maxConcurrency(1).build());
    var chat = l.acquire("m", 0, true);
    var platform = l.acquire(null, 0, false);
    assertThat(chat).isDone();
    assertThat(platform).isDone();
  }

  @Test
  void aPlatformCallPassesChatsWaitingOnlyForASlotButNotOnesWaitingForTheMinute() {
    RateLimiter l = limiter(RateLimit.builder().maxConcurrency(1).requestsPerMinute(3).build());
    var chat = l.acquire("m", 0, true);
    var queuedChat = l.acquire("m", 0, true);
    var balance = l.acquire(null, 0, false);
    assertThat(balance).isDone(); // passed the chat waiting for the slot
    assertThat(queuedChat).isNotDone();

    var files = l.acquire(null, 0, false); // the minute's third request
    assertThat(files).isDone();
    var models = l.acquire(null, 0, false);
    chat.join().finish(null);
    assertThat(queuedChat).isNotDone(); // the slot is free, the minute is spent
    assertThat(models).isNotDone(); // and it does not pass an older caller waiting on time
    time.advance(Duration.ofSeconds(60));
    assertThat(queuedChat).isDone();
    assertThat(models).isDone();
  }

  @Test
  void requestsPerMinuteWaitsOnVirtualTimeWithoutBlocking() {
    RateLimiter l = limiter(RateLimit.builder().requestsPerMinute(2).build());
    var a = l.acquire("m", 0, true);
    time.advance(Duration.ofSeconds(10));
    var b = l.acquire("m", 0, true);
    var c = l.acquire("m", 0, true);
    var d = l.acquire("m", 0, true);
    assertThat(List.of(a, b)).allMatch(CompletableFuture::isDone);
    assertThat(c).isNotDone();

    time.advance(Duration.ofSeconds(49));
    assertThat(c).isNotDone();
    time.advance(Duration.ofSeconds(1)); // a's request returns 60 s after it was sent
    assertThat(c).isDone();
    assertThat(d).isNotDone();
    time.advance(Duration.ofSeconds(10)); // b's
    assertThat(d).isDone();
  }

  @Test
  void tokensPerMinuteChargesPromptPlusCap() {
    RateLimiter l = limiter(RateLimit.builder().tokensPerMinute(10_000).build());
    ChatRequest capped =
        ChatRequest.of("kimi-k2.6", "hi").toBuilder().maxCompletionTokens(4_000).build();
    long charge = l.charge(capped);
    long prompt = RequestTokensHolder.prompt(capped);
    assertThat(charge).isEqualTo(prompt + 4_000);

    var first = l.acquire("m", charge, true);
    var second = l.acquire("m", charge, true);
    var third = l.acquire("m", charge, true);
    assertThat(first).isDone();
    assertThat(second).isDone();
    assertThat(third).isNotDone(); // 3 x (prompt + 4000) > 10,000
    first.join().finish(null);
    second.join().finish(null);
    assertThat(third).isNotDone(); // finishing returns slots, never tokens
    time.advance(Duration.ofSeconds(60));
    assertThat(third).isDone();
  }

  @Test
  void withoutACapTheModelsDefaultCapIsCharged() {
    RateLimiter l = limiter(RateLimit.builder().tokensPerMinute(1_000_000).build());
    ChatRequest k25 = ChatRequest.of("kimi-k2.5", "hi");
    ChatRequest unknown = ChatRequest.of("some-new-model", "hi");
    assertThat(l.charge(k25)).isEqualTo(RequestTokensHolder.prompt(k25) + 32_768);
    assertThat(l.charge(unknown)).isEqualTo(RequestTokensHolder.prompt(unknown) + 1_024);
  }

  @Test
  void aChargeLargerThanTheWholeBudgetFailsFastSayingWhatToDo() {
    RateLimiter l = limiter(RateLimit.builder().tokensPerMinute(10_000).build());
    ChatRequest r = ChatRequest.of("kimi-k2.5", "hi");
    long charge = l.charge(r);
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> l.checkCharge(r, charge))
        .isInstanceOf(PreflightException.class)
        .hasMessageContaining("exceeds the whole tokens-per-minute limit of 10000")
        .hasMessageContaining("the model's default output cap")
        .hasMessageContaining("set a smaller maxCompletionTokens");
  }

  @Test
  void aRateLimit429PausesEveryoneThenLetsOneProbeGoFirst() {
    RateLimiter l = limiter(RateLimit.builder().maxConcurrency(10).build());
    var a = l.acquire("m", 0, true);
    var b = l.acquire("m", 0, true);
    a.join().finish(rateLimited(Duration.ofSeconds(3), "max RPM: 100"));
    assertThat(l.pauseLeft()).hasValue(Duration.ofSeconds(3));

    var c = l.acquire("m", 0, true);
    var d = l.acquire(null, 0, false);
    time.advance(Duration.ofMillis(2_999));
    assertThat(c).isNotDone();
    assertThat(d).isNotDone();
    time.advance(Duration.ofMillis(1));
    assertThat(c).isDone(); // the probe
    assertThat(d).isNotDone(); // waits for the probe's outcome

    c.join().finish(null);
    assertThat(d).isDone();
    assertThat(l.rejected()).isEqualTo(1);
    assertThat(l.requestsPerMinute()).isEqualTo(100); // learned from Kimi's message
    b.join().finish(null);
  }

  /**
   * A permit granted before a pause whose attempt reaches its last look after the pause: it goes as
   * the one probe, or waits for the probe's outcome; it never goes beside the probe (a storm of
   * streaming callers on a busy machine sent two requests at a pause's end before).
   */
  @Test
  void aPermitGrantedBeforeAPauseAndSentAfterItGoesAsTheOneProbeOrWaitsForIt() {
    RateLimiter l = limiter(RateLimit.builder().maxConcurrency(10).build());
    RateLimiter.Permit a = l.acquire("m", 0, true).join();
    RateLimiter.Permit b = l.acquire("m", 0, true).join(); // its send is late: a slow machine
    RateLimiter.Permit c = l.acquire("m", 0, true).join(); // later still
    a.finish(rateLimited(Duration.ofSeconds(2), "max RPM: 100"));
    CompletableFuture<RateLimiter.Permit> queued = l.acquire("m", 0, true);
    CompletableFuture<Void> lookB = b.lastLook();
    assertThat(lookB).as("not sent into the pause").isNotDone();

    time.advance(Duration.ofSeconds(2));
    assertThat(lookB.isDone() ^ queued.isDone()).as("one request goes first").isTrue();
    CompletableFuture<Void> lookC = c.lastLook();
    assertThat(lookC).as("waits for the probe's outcome").isNotDone();

    // the first probe refused again: a new pause, then one again
    RateLimiter.Permit first = lookB.isDone() ? b : queued.join();
    first.finish(rateLimited(Duration.ofSeconds(2), "max RPM: 100"));
    assertThat(lookC).isNotDone();
    time.advance(Duration.ofSeconds(2));
    int out = (lookB.isDone() ? 1 : 0) + (queued.isDone() ? 1 : 0) + (lookC.isDone() ? 1 : 0);
    assertThat(out).as("after the second pause, one more goes").isEqualTo(2);

    // the second probe succeeds: the others follow at once
    RateLimiter.Permit second = lookC.isDone() ? c : first == b ? queued.join() : b;
    second.finish(null);
    assertThat(lookB).isDone();
    assertThat(queued).isDone();
    assertThat(lookC).isDone();
    for (RateLimiter.Permit p : List.of(b, c, queued.join())) {
      p.finish(null); // a permit finishes once; the second is ignored
    }
    assertThat(l.acquire("m", 0, true)).as("no probe left out").isDone();
  }

  @Test
  void aLastLookWaitingForTheProbeWhoseCallIsCancelledHoldsNothing() {
    RateLimiter l = limiter(RateLimit.builder().maxConcurrency(2).build());
    RateLimiter.Permit a = l.acquire("m", 0, true).join();
    RateLimiter.Permit b = l.acquire("m", 0, true).join();
    a.finish(rateLimited(Duration.ofSeconds(1), "max RPM: 100"));
    time.advance(Duration.ofSeconds(1));
    RateLimiter.Permit probe = l.acquire("m", 0, true).join();
    CompletableFuture<Void> lookB = b.lastLook();
    assertThat(lookB).isNotDone();
    lookB.cancel(false);
    b.finish(RateLimiter.CANCELLED);
    probe.finish(null);
    assertThat(l.acquire("m", 0, true)).as("the probe's slot is back").isDone();
    assertThat(l.acquire("m", 0, true)).as("b's slot is back").isDone();
    assertThat(l.acquire("m", 0, true)).as("two held: the limit").isNotDone();
  }

  @Test
  void aLastLookTakenAfterItsCallEndedLeavesTheProbeToAnother() {
    // a call cancelled on another thread while its attempt took its last look: the permit is
    // finished first, the look runs after; it must not become the probe, or no probe would ever
    // end and every later call of the client would wait for good
    RateLimiter l = limiter(RateLimit.builder().maxConcurrency(3).build());
    RateLimiter.Permit a = l.acquire("m", 0, true).join();
    RateLimiter.Permit b = l.acquire("m", 0, true).join();
    a.finish(rateLimited(Duration.ofSeconds(1), "max RPM: 100"));
    time.advance(Duration.ofSeconds(1));
    b.finish(RateLimiter.CANCELLED);
    CompletableFuture<Void> late = b.lastLook();
    assertThat(late).as("a look of a finished permit holds no one").isDone();
    CompletableFuture<RateLimiter.Permit> next = l.acquire("m", 0, true);
    assertThat(next).as("the next call goes as the probe").isDone();
    next.join().finish(null);
    assertThat(l.acquire("m", 0, true)).as("and after it, the others").isDone();
  }

  @Test
  void headersHeardAfterTheirCallEndedHoldNoGrant() {
    // a stream cancelled while its response's headers came: the permit is finished first, and the
    // transport's thread tells it the headers after. Nothing will judge that body, so it must not
    // hold the grants that wait for a refusal's body to be judged (every later call waited for
    // good)
    RateLimiter l = limiter(RateLimit.builder().maxConcurrency(3).build());
    RateLimiter.Permit a = l.acquire("m", 0, true).join();
    a.finish(RateLimiter.CANCELLED);
    a.headers(1, new ResponseMetadata(503, Map.of()), 0);
    CompletableFuture<RateLimiter.Permit> next = l.acquire("m", 0, true);
    assertThat(next).as("the next call is granted").isDone();
    next.join().finish(null);
    RateLimiter.Permit b = l.acquire("m", 0, true).join();
    b.headers(1, new ResponseMetadata(503, Map.of()), 0);
    assertThat(l.acquire("m", 0, true)).as("a live call's refusal being read holds").isNotDone();
  }

  @Test
  void repeatedRefusalsWithoutRetryAfterDoubleThePause() {
    RateLimiter l = limiter(RateLimit.builder().maxConcurrency(10).build());
    l.acquire("m", 0, true).join().finish(overloaded());
    assertThat(l.pauseLeft()).hasValue(Duration.ofSeconds(1));
    time.advance(Duration.ofSeconds(1));
    var probe = l.acquire("m", 0, true);
    probe.join().finish(overloaded());
    assertThat(l.pauseLeft()).hasValue(Duration.ofSeconds(2));
    time.advance(Duration.ofSeconds(2));
    var probe2 = l.acquire("m", 0, true);
    probe2.join().finish(overloaded());
    assertThat(l.pauseLeft()).hasValue(Duration.ofSeconds(4));
    time.advance(Duration.ofSeconds(4));
    l.acquire("m", 0, true).join().finish(null);
    l.acquire("m", 0, true).join().finish(overloaded());
    assertThat(l.pauseLeft()).hasValue(Duration.ofSeconds(1)); // success reset the backoff
  }

  @Test
  void otherFailuresNeitherPauseNorLearn() {
    RateLimiter l = limiter(RateLimit.builder().maxConcurrency(3).build());
    l.acquire("m", 0, true).join().finish(TestErrors.exceptions().connection("reset", null, null));
    l.acquire("m", 0, true).join().finish(RateLimiter.CANCELLED);
    assertThat(l.pauseLeft()).isEmpty();
    assertThat(l.acquire("m", 0, true)).isDone();
  }

  @Test
  void concurrencyStatedByKimiLowersTheLimit() {
    RateLimiter l = limiter(RateLimit.builder().maxConcurrency(50).build());
    l.acquire("m", 0, true)
        .join()
        .finish(
            rateLimited(
                Duration.ofSeconds(1),
                "Your account org<ak> request reached organization max concurrency: 15, please try"
                    + " again after 1 seconds"));
    assertThat(l.maxConcurrency()).isEqualTo(15);
  }

  @Test
  void cancellingAQueuedAcquisitionSkipsIt() {
    RateLimiter l = limiter(RateLimit.builder().maxConcurrency(1).build());
    var a = l.acquire("m", 0, true);
    var b = l.acquire("m", 0, true);
    var c = l.acquire("m", 0, true);
    b.cancel(false);
    a.join().finish(null);
    assertThat(c).isDone();
  }

  @Test
  void aLongQueueOfCallsFailingAtOnceDoesNotRecurse() {
    RateLimiter l = limiter(RateLimit.builder().maxConcurrency(1).build());
    var first = l.acquire("m", 0, true);
    List<CompletableFuture<Object>> calls = new ArrayList<>();
    for (int i = 0; i < 50_000; i++) {
      calls.add(
          l.call(
              "m",
              0,
              true,
              permit ->
                  CompletableFuture.failedFuture(
                      TestErrors.exceptions().connection("down", null, null))));
    }
    assertThat(calls).noneMatch(CompletableFuture::isDone);

    first.join().finish(null);

    assertThat(calls).allMatch(CompletableFuture::isCompletedExceptionally);
    assertThat(l.acquire("m", 0, true)).isDone();
  }

  static RateLimitException rateLimited(Duration retryAfter, String message) {
    return TestErrors.exceptions()
        .rateLimit(
            new ApiError(
                null,
                429,
                "rate_limit_reached_error",
                null,
                message,
                message,
                retryAfter,
                true,
                false,
                null));
  }

  static EngineOverloadedException overloaded() {
    String m = "The engine is currently overloaded, please try again later";
    return TestErrors.exceptions()
        .engineOverloaded(
            new ApiError(
                null, 429, "engine_overloaded_error", null, m, m, null, true, false, null));
  }

  /** The limiter's prompt estimate, computed the documented way. */
  static final class RequestTokensHolder {
    static long prompt(ChatRequest r) {
      return io.github.kimisdk.token.RequestTokens.estimated().count(r).total();
    }
  }
}
