package io.github.kimisdk.internal.chain;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.kimisdk.ResponseMetadata;
import io.github.kimisdk.RetryPolicy;
import io.github.kimisdk.Timeouts;
import io.github.kimisdk.errors.InvalidRequestException;
import io.github.kimisdk.errors.KimiException;
import io.github.kimisdk.errors.KimiTimeoutException;
import io.github.kimisdk.errors.RateLimitException;
import io.github.kimisdk.errors.ServerException;
import io.github.kimisdk.errors.TestErrors;
import io.github.kimisdk.internal.client.ManualScheduler;
import io.github.kimisdk.internal.http.ErrorFactory;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

/**
 * {@link Retrier} on virtual time: each attempt is a future the test completes, the waits between
 * attempts run on a {@link ManualScheduler}, so what is waited and when is exact and nothing
 * sleeps.
 */
class RetrierTest {

  private final ManualScheduler time = new ManualScheduler();
  private final ErrorFactory errors = TestErrors.factory();
  private final List<CompletableFuture<String>> attempts = new ArrayList<>();

  private Retrier retrier(RetryPolicy policy, Timeouts timeouts) {
    return new Retrier(
        policy,
        new CallContext(time, time, new Calls(errors), timeouts, System.getLogger("RetrierTest")));
  }

  private CompletableFuture<String> run(Retrier r) {
    return r.call(
        n -> {
          CompletableFuture<String> f = new CompletableFuture<>();
          attempts.add(f);
          return f;
        });
  }

  private KimiException http(int status, String type, Map<String, List<String>> headers) {
    byte[] body =
        ("{\"error\":{\"type\":\"" + type + "\",\"message\":\"no\"}}")
            .getBytes(StandardCharsets.UTF_8);
    return errors.httpError(new ResponseMetadata(status, headers), body, 0, body.length);
  }

  private KimiException busy() {
    return http(503, "server_error", Map.of());
  }

  @Test
  void retriesARetryableFailureAfterItsJitteredBackoff() {
    CompletableFuture<String> result = run(retrier(RetryPolicy.defaults(), Timeouts.defaults()));
    attempts.get(0).completeExceptionally(busy());
    time.advanceToNext();
    attempts.get(1).completeExceptionally(busy());
    time.advanceToNext();
    attempts.get(2).complete("ok");

    assertThat(result).isCompletedWithValue("ok");
    Duration first = Retrier.backoff(RetryPolicy.defaults(), 1, 0.5);
    Duration second = Retrier.backoff(RetryPolicy.defaults(), 2, 0.5);
    assertThat(time.elapsed()).isEqualTo(first.plus(second));
  }

  @Test
  void givesUpAfterItsRetriesWithTheEarlierFailuresSuppressed() {
    CompletableFuture<String> result = run(retrier(RetryPolicy.defaults(), Timeouts.defaults()));
    for (int i = 0; i < 3; i++) {
      attempts.get(i).completeExceptionally(busy());
      time.advanceToNext();
    }
    Throwable t = result.handle((r, e) -> e).join();
    assertThat(t).isInstanceOf(ServerException.class);
    assertThat(((KimiException) t).attempts()).isEqualTo(3);
    assertThat(t.getSuppressed()).hasSize(2);
    assertThat(attempts).hasSize(3);
  }

  @Test
  void neverRetriesAFailureThePolicyCallsFinal() {
    CompletableFuture<String> result = run(retrier(RetryPolicy.defaults(), Timeouts.defaults()));
    attempts.get(0).completeExceptionally(http(400, "invalid_request_error", Map.of()));
    assertThat(result.handle((r, e) -> e).join()).isInstanceOf(InvalidRequestException.class);
    assertThat(time.pending()).isZero();
  }

  @Test
  void waitsAsLongAsTheServerAsks() {
    CompletableFuture<String> result = run(retrier(RetryPolicy.defaults(), Timeouts.defaults()));
    KimiException limited =
        http(429, "engine_overloaded_error", Map.of("Retry-After", List.of("7")));
    assertThat(limited).isInstanceOf(io.github.kimisdk.errors.EngineOverloadedException.class);
    attempts.get(0).completeExceptionally(limited);
    time.advance(Duration.ofMillis(6_999));
    assertThat(attempts).hasSize(1);
    time.advance(Duration.ofMillis(1));
    assertThat(attempts).hasSize(2);
    attempts.get(1).complete("ok");
    assertThat(result).isCompletedWithValue("ok");
  }

  @Test
  void aRateLimitAskingForMoreThanThePolicyAllowsIsFinal() {
    CompletableFuture<String> result =
        run(
            retrier(
                RetryPolicy.defaults().withMaxServerWait(Duration.ofSeconds(5)),
                Timeouts.defaults()));
    KimiException limited =
        http(429, "rate_limit_reached_error", Map.of("Retry-After", List.of("60")));
    assertThat(limited).isInstanceOf(RateLimitException.class);
    attempts.get(0).completeExceptionally(limited);
    assertThat(result.handle((r, e) -> e).join()).isSameAs(limited);
  }

  @Test
  void theWholeCallTimeoutFailsTheCallAndCancelsTheAttempt() {
    Retrier call =
        retrier(RetryPolicy.defaults(), Timeouts.defaults()).forCall(null, Duration.ofSeconds(3));
    CompletableFuture<String> result = run(call);
    time.advance(Duration.ofSeconds(3));
    assertThat(result.handle((r, e) -> e).join())
        .isInstanceOf(KimiTimeoutException.class)
        .hasMessageContaining("RequestOptions.timeout");
    assertThat(attempts.get(0)).isCancelled();
  }

  @Test
  void theClientsOverallTimeoutIsWithdrawnWhenTheCallEnds() {
    CompletableFuture<String> result =
        run(
            retrier(
                RetryPolicy.defaults(), Timeouts.defaults().withOverall(Duration.ofMinutes(1))));
    assertThat(time.pending()).isEqualTo(1);
    attempts.get(0).complete("ok");
    assertThat(result).isCompletedWithValue("ok");
    assertThat(time.pending()).as("no timer entry outlives the call").isZero();
  }

  @Test
  void cancellingTheResultCancelsTheAttemptAndStartsNoOther() {
    CompletableFuture<String> result = run(retrier(RetryPolicy.defaults(), Timeouts.defaults()));
    attempts.get(0).completeExceptionally(busy());
    result.cancel(true);
    time.advanceToNext();
    assertThat(attempts).as("the scheduled retry finds the call over").hasSize(1);
  }

  @Test
  void aPlatformCallIsSentOnceAndNotBoundedByTheOverallTimeout() {
    Retrier platform =
        retrier(RetryPolicy.defaults(), Timeouts.defaults().withOverall(Duration.ofSeconds(1)))
            .forPlatformCall(null, null);
    CompletableFuture<String> result = run(platform);
    assertThat(time.pending()).isZero();
    attempts.get(0).completeExceptionally(busy());
    assertThat(result.handle((r, e) -> e).join()).isInstanceOf(ServerException.class);
    assertThat(attempts).hasSize(1);
  }

  @Test
  void anAttemptThatThrowsIsAFailureOfTheCall() {
    Retrier r = retrier(RetryPolicy.none(), Timeouts.defaults());
    CompletableFuture<String> result =
        r.call(
            n -> {
              throw new IllegalStateException("broken attempt");
            });
    assertThat(result)
        .isCompletedExceptionally()
        .failsWithin(Duration.ZERO)
        .withThrowableOfType(java.util.concurrent.ExecutionException.class)
        .withCauseInstanceOf(KimiException.class);
  }

  private KimiException said(int status, String type, String message, int retryAfter) {
    byte[] body =
        ("{\"error\":{\"type\":\"" + type + "\",\"message\":\"" + message + "\"}}")
            .getBytes(StandardCharsets.UTF_8);
    Map<String, List<String>> headers =
        retryAfter < 0 ? Map.of() : Map.of("Retry-After", List.of(Integer.toString(retryAfter)));
    return errors.httpError(new ResponseMetadata(status, headers), body, 0, body.length);
  }

  private KimiException rateLimited() {
    return said(429, "rate_limit_reached_error", "max RPM: 3, please try again after 1 seconds", 1);
  }

  @Test
  void aRateLimitIsWaitedOutWithoutSpendingARetryWithinTheBudget() {
    CompletableFuture<String> result =
        run(
            retrier(
                RetryPolicy.none()
                    .withMaxServerWait(Duration.ofSeconds(60))
                    .withRateLimitWait(Duration.ofSeconds(10)),
                Timeouts.defaults()));
    for (int i = 0; i < 5; i++) {
      attempts.get(i).completeExceptionally(rateLimited());
      time.advance(Duration.ofSeconds(1));
    }
    attempts.get(5).complete("ok");
    assertThat(result).isCompletedWithValue("ok");
    assertThat(time.elapsed()).isEqualTo(Duration.ofSeconds(5));
  }

  @Test
  void pastTheBudgetARateLimitSpendsRetriesAgain() {
    CompletableFuture<String> result =
        run(
            retrier(
                RetryPolicy.defaults().withMaxRetries(1).withRateLimitWait(Duration.ofSeconds(2)),
                Timeouts.defaults()));
    for (int i = 0; i < 3; i++) { // two waited out, then the policy's one retry
      attempts.get(i).completeExceptionally(rateLimited());
      time.advance(Duration.ofSeconds(1));
    }
    KimiException last = rateLimited();
    attempts.get(3).completeExceptionally(last);
    assertThat(attempts).hasSize(4);
    assertThat(result.handle((r, e) -> e).join()).isSameAs(last);
    assertThat(last.attempts()).isEqualTo(4);
    assertThat(last.getSuppressed()).hasSize(3);
  }

  @Test
  void withoutABudgetEveryRateLimitSpendsARetry() {
    CompletableFuture<String> result = run(retrier(RetryPolicy.none(), Timeouts.defaults()));
    KimiException limited = rateLimited();
    attempts.get(0).completeExceptionally(limited);
    assertThat(result.handle((r, e) -> e).join()).isSameAs(limited);
  }

  /**
   * No retries, but a server's asked wait of up to a minute and a minute for busy hosts: refusals
   * for concurrency wait.
   */
  static final RetryPolicy WAITS_WITHOUT_RETRIES =
      RetryPolicy.none()
          .withMaxServerWait(Duration.ofSeconds(60))
          .withBusyWait(Duration.ofSeconds(60));

  @Test
  void underNoneARefusalForConcurrencyIsFinalAsEveryFailureIs() {
    CompletableFuture<String> result = run(retrier(RetryPolicy.none(), Timeouts.defaults()));
    KimiException refused = said(429, "rate_limit_reached_error", "max concurrency: 1", -1);
    attempts.get(0).completeExceptionally(refused);
    assertThat(result.handle((r, e) -> e).join()).isSameAs(refused);
    assertThat(attempts).as("one attempt, as none() promises").hasSize(1);
  }

  @Test
  void aRefusalForConcurrencyIsSentAgainAfterTheWaitTheHostAskedForWithoutSpendingARetry() {
    CompletableFuture<String> result = run(retrier(WAITS_WITHOUT_RETRIES, Timeouts.defaults()));
    attempts
        .get(0)
        .completeExceptionally(
            said(
                429,
                "rate_limit_reached_error",
                "request reached organization max concurrency: 1, please try again after 1"
                    + " seconds",
                1));
    assertThat(attempts).as("not before its Retry-After").hasSize(1);
    time.advanceToNext();
    assertThat(attempts).hasSize(2); // then through the gate, which holds it for a slot
    attempts.get(1).complete("ok");
    assertThat(result).isCompletedWithValue("ok");
    assertThat(time.elapsed()).isEqualTo(Duration.ofSeconds(1));
  }

  @Test
  void aRefusalForConcurrencyThatAsksNoWaitIsSentAgainAtOnce() {
    CompletableFuture<String> result = run(retrier(WAITS_WITHOUT_RETRIES, Timeouts.defaults()));
    attempts
        .get(0)
        .completeExceptionally(
            said(429, "rate_limit_reached_error", "too many concurrent requests", -1));
    assertThat(attempts).hasSize(2); // the gate holds it until a slot frees
    attempts.get(1).complete("ok");
    assertThat(result).isCompletedWithValue("ok");
    assertThat(time.elapsed()).isEqualTo(Duration.ZERO);
  }

  @Test
  void aRefusalForConcurrencyAskingForMoreThanTheServerWaitIsFinal() {
    CompletableFuture<String> result =
        run(
            retrier(
                RetryPolicy.none().withMaxServerWait(Duration.ofSeconds(2)), Timeouts.defaults()));
    KimiException refused =
        said(429, "rate_limit_reached_error", "reached organization max concurrency: 1", 5);
    attempts.get(0).completeExceptionally(refused);
    assertThat(result.handle((r, e) -> e).join()).isSameAs(refused);
    assertThat(attempts).hasSize(1);
  }

  @Test
  void aFullQueueIsARefusalForConcurrencyToo() {
    CompletableFuture<String> result = run(retrier(WAITS_WITHOUT_RETRIES, Timeouts.defaults()));
    byte[] body =
        "{\"object\":\"error\",\"message\":\"The request queue is full.\",\"code\":503}"
            .getBytes(StandardCharsets.UTF_8);
    attempts
        .get(0)
        .completeExceptionally(
            errors.httpError(new ResponseMetadata(503, Map.of()), body, 0, body.length));
    assertThat(attempts).hasSize(2);
    attempts.get(1).complete("ok");
    assertThat(result).isCompletedWithValue("ok");
  }

  @Test
  void repeatedRefusalsForConcurrencyBackOffWithinTheBusyWaitAndSayHowLongTheyWaited() {
    CompletableFuture<String> result =
        run(
            retrier(
                RetryPolicy.none()
                    .withMaxServerWait(Duration.ofSeconds(60))
                    .withBusyWait(Duration.ofSeconds(2)),
                Timeouts.defaults()));
    KimiException last = null;
    for (int i = 0; !result.isDone(); i++) {
      last = said(429, "rate_limit_reached_error", "max concurrency: 1", -1);
      attempts.get(i).completeExceptionally(last);
      if (attempts.size() == i + 1 && !result.isDone()) {
        time.advanceToNext(); // the backoff before the next
      }
    }
    Throwable e = result.handle((r, x) -> x).join();
    assertThat(e)
        .isInstanceOf(io.github.kimisdk.errors.RateLimitException.class)
        .hasMessageStartingWith(last.getMessage())
        .hasMessageContaining("The call waited")
        .hasMessageContaining("over " + attempts.size() + " attempts")
        .hasMessageContaining("RetryPolicy.withBusyWait (2 s)");
    assertThat(e.getSuppressed()).contains(last);
    assertThat(((KimiException) e).attempts()).isEqualTo(attempts.size());
    assertThat(time.elapsed()).isLessThanOrEqualTo(Duration.ofSeconds(2));
    assertThat(attempts.size()).isGreaterThan(2);
  }

  @Test
  void byDefaultABusyHostFailsTheCallWithinSeconds() {
    CompletableFuture<String> result = run(retrier(RetryPolicy.defaults(), Timeouts.defaults()));
    for (int i = 0; !result.isDone(); i++) {
      attempts
          .get(i)
          .completeExceptionally(
              errors.httpError(
                  new ResponseMetadata(503, Map.of()), FULL_QUEUE, 0, FULL_QUEUE.length));
      if (attempts.size() == i + 1 && !result.isDone()) {
        time.advanceToNext();
      }
    }
    assertThat(time.elapsed()).isLessThanOrEqualTo(RetryPolicy.defaults().busyWait());
    assertThat(result.handle((r, x) -> x).join())
        .hasMessageContaining("The call waited")
        .hasMessageContaining("RetryPolicy.withBusyWait (5 s)");
  }

  @Test
  void aDeadlineThatEndsTheCallIsNamedInItsFailure() {
    CompletableFuture<String> result =
        run(
            retrier(
                RetryPolicy.defaults().withMaxRetries(10).withDeadline(Duration.ofSeconds(3)),
                Timeouts.defaults()));
    for (int i = 0; !result.isDone(); i++) {
      attempts.get(i).completeExceptionally(busy());
      if (attempts.size() == i + 1 && !result.isDone()) {
        time.advanceToNext();
      }
    }
    assertThat(result.handle((r, x) -> x).join())
        .isInstanceOf(ServerException.class)
        .hasMessageContaining("stopped at its deadline, RetryPolicy.withDeadline (3 s)")
        .hasMessageContaining("after " + attempts.size() + " attempts");
  }

  private static final byte[] FULL_QUEUE =
      ("{\"error\":{\"message\":\"The engine is currently busy and cannot accept new requests.\","
              + "\"type\":\"Service Unavailable\",\"param\":null,\"code\":503}}")
          .getBytes(StandardCharsets.UTF_8);

  @Test
  void aPolicyTakesAsManyRetriesAsFlinksRetryNum() {
    assertThat(RetryPolicy.defaults().withMaxRetries(100).maxRetries()).isEqualTo(100);
    assertThat(RetryPolicy.defaults().withMaxRetries(RetryPolicy.MAX_RETRIES).maxRetries())
        .isEqualTo(1000);
    org.assertj.core.api.Assertions.assertThatThrownBy(
            () -> RetryPolicy.defaults().withMaxRetries(1001))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("[0, 1000]");
  }
}
