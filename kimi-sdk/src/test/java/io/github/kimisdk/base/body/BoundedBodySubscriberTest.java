package io.github.kimisdk.base.body;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.kimisdk.base.flow.Delayer;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Flow;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

/**
 * The one bounded reader, in memory: at most its limit kept, then failed or cut, and the exchange
 * cancelled at the byte that passes it; abortable before and during the body; watched for idleness
 * on a delayer the test runs by hand.
 */
class BoundedBodySubscriberTest {

  private static ByteBuffer bytes(String s) {
    return ByteBuffer.wrap(s.getBytes(StandardCharsets.US_ASCII));
  }

  private static String text(byte[] b) {
    return new String(b, StandardCharsets.US_ASCII);
  }

  private static CompletableFuture<byte[]> body(BoundedBodySubscriber b) {
    return b.getBody().toCompletableFuture();
  }

  /** Subscribes {@code b}; returns whether the exchange was cancelled. */
  private static AtomicBoolean subscribe(WatchedBody<?> b) {
    AtomicBoolean cancelled = new AtomicBoolean();
    b.onSubscribe(
        new Flow.Subscription() {
          @Override
          public void request(long n) {}

          @Override
          public void cancel() {
            cancelled.set(true);
          }
        });
    return cancelled;
  }

  /** Runs the checks it is handed when the test says; a withdrawn one is gone. */
  private static final class Checks implements Delayer {
    final List<Runnable> queued = new ArrayList<>();

    @Override
    public Runnable schedule(Runnable task, Duration delay) {
      queued.add(task);
      return () -> queued.remove(task);
    }

    void runQueued() {
      for (Runnable r : new ArrayList<>(queued)) {
        queued.remove(r);
        r.run();
      }
    }
  }

  @Test
  void aBodyWithinTheLimitIsKeptWhole() {
    BoundedBodySubscriber b = new BoundedBodySubscriber(8, () -> new IOException("too large"));
    AtomicBoolean cancelled = subscribe(b);
    b.onNext(List.of(bytes("abc"), bytes("defgh")));
    b.onComplete();
    assertThat(text(body(b).join())).isEqualTo("abcdefgh");
    assertThat(cancelled).isFalse();
  }

  @Test
  void aLargerBodyFailsWithTheGivenFailureAndIsCancelledAtTheBytePastTheLimit() {
    IOException tooLarge = new IOException("more than 8 bytes");
    BoundedBodySubscriber b = new BoundedBodySubscriber(8, () -> tooLarge);
    AtomicBoolean cancelled = subscribe(b);
    b.onNext(List.of(bytes("abcdefgh")));
    assertThat(cancelled).isFalse();
    b.onNext(List.of(bytes("i"), bytes("never read")));
    assertThat(cancelled).isTrue();
    assertThat(body(b))
        .failsWithin(Duration.ZERO)
        .withThrowableOfType(ExecutionException.class)
        .havingCause()
        .isSameAs(tooLarge);
    b.onComplete(); // the JDK may still end the body: nothing changes
    assertThat(body(b)).isCompletedExceptionally();
  }

  @Test
  void aCutBodyEndsWithItsStartAndCancelsTheRest() {
    BoundedBodySubscriber b = BoundedBodySubscriber.cut(5);
    AtomicBoolean cancelled = subscribe(b);
    b.onNext(List.of(bytes("abc")));
    assertThat(cancelled).isFalse();
    b.onNext(List.of(bytes("defgh"), bytes("never read")));
    assertThat(cancelled).isTrue();
    assertThat(text(body(b).join())).isEqualTo("abcde");
  }

  @Test
  void aCutBodyWithinTheLimitIsKeptWholeAndAnEmptyOneIsEmpty() {
    BoundedBodySubscriber b = BoundedBodySubscriber.cut(5);
    AtomicBoolean cancelled = subscribe(b);
    b.onNext(List.of(bytes("abcde")));
    b.onComplete();
    assertThat(text(body(b).join())).isEqualTo("abcde");
    assertThat(cancelled).isFalse();

    BoundedBodySubscriber none = BoundedBodySubscriber.cut(0);
    subscribe(none);
    none.onComplete();
    assertThat(body(none).join()).isEmpty();
  }

  @Test
  void anAbortedBodyFailsAtOnceAndABodyAbortedBeforeItStartsIsNeverAskedFor() {
    BoundedBodySubscriber during = new BoundedBodySubscriber(8, IllegalStateException::new);
    AtomicBoolean cancelled = subscribe(during);
    during.onNext(List.of(bytes("abc")));
    IOException abandoned = new IOException("abandoned");
    during.abort(abandoned);
    assertThat(cancelled).isTrue();
    during.onNext(List.of(bytes("def"))); // arrived meanwhile: dropped
    during.onComplete();
    assertThat(body(during))
        .failsWithin(Duration.ZERO)
        .withThrowableOfType(ExecutionException.class)
        .havingCause()
        .isSameAs(abandoned);

    BoundedBodySubscriber before = new BoundedBodySubscriber(8, IllegalStateException::new);
    before.abort(new IllegalStateException("Content-Length above the limit"));
    assertThat(subscribe(before)).as("cancelled as soon as it is subscribed").isTrue();
  }

  @Test
  void theIdleWatchAbortsABodyWithoutBytesAndIsWithdrawnWhenABodyEnds() {
    Checks checks = new Checks();
    BoundedBodySubscriber quiet = new BoundedBodySubscriber(8, IllegalStateException::new);
    IOException idle = new IOException("no bytes");
    quiet.watch(checks, Duration.ZERO, () -> idle); // any time without bytes is too long
    AtomicBoolean cancelled = subscribe(quiet);
    assertThat(checks.queued).hasSize(1);
    checks.runQueued();
    assertThat(cancelled).isTrue();
    assertThat(body(quiet))
        .failsWithin(Duration.ZERO)
        .withThrowableOfType(ExecutionException.class)
        .havingCause()
        .isSameAs(idle);
    assertThat(checks.queued).as("a watch that fired does not check again").isEmpty();

    BoundedBodySubscriber ended = new BoundedBodySubscriber(8, IllegalStateException::new);
    ended.watch(checks, Duration.ofHours(1), () -> idle);
    subscribe(ended);
    checks.runQueued();
    assertThat(checks.queued).as("within its limit: checked again later").hasSize(1);
    ended.onNext(List.of(bytes("ok")));
    ended.onComplete();
    assertThat(text(body(ended).join())).isEqualTo("ok");
    assertThat(checks.queued).as("the body ended: its check is withdrawn").isEmpty();
  }
}
