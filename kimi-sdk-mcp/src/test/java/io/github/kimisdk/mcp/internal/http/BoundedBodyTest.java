package io.github.kimisdk.mcp.internal.http;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.Flow;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

/**
 * The one bounded reader: at most its limit kept, then cut or failed, and the exchange cancelled.
 */
class BoundedBodyTest {

  private static ByteBuffer bytes(String s) {
    return ByteBuffer.wrap(s.getBytes(StandardCharsets.US_ASCII));
  }

  private static AtomicBoolean subscribe(BoundedBody b) {
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

  @Test
  void aBodyWithinTheLimitIsKeptWhole() {
    BoundedBody b = new BoundedBody(8, false);
    AtomicBoolean cancelled = subscribe(b);
    b.onNext(List.of(bytes("abc"), bytes("defgh")));
    b.onComplete();
    assertThat(new String(b.getBody().toCompletableFuture().join(), StandardCharsets.US_ASCII))
        .isEqualTo("abcdefgh");
    assertThat(cancelled).isFalse();
  }

  @Test
  void aLargerBodyFailsAndIsCancelledAtTheByteThatPassesTheLimit() {
    BoundedBody b = new BoundedBody(8, false);
    AtomicBoolean cancelled = subscribe(b);
    b.onNext(List.of(bytes("abcdefgh")));
    assertThat(cancelled).isFalse();
    b.onNext(List.of(bytes("i"), bytes("never read")));
    assertThat(cancelled).isTrue();
    assertThat(b.getBody().toCompletableFuture())
        .failsWithin(java.time.Duration.ZERO)
        .withThrowableOfType(java.util.concurrent.ExecutionException.class)
        .withCauseInstanceOf(BoundedBody.TooLarge.class);
    assertThat(b.length()).isZero();
  }

  @Test
  void aCutBodyEndsWithItsStart() {
    BoundedBody b = new BoundedBody(4, true);
    AtomicBoolean cancelled = subscribe(b);
    b.onNext(List.of(bytes("abcdefgh")));
    assertThat(cancelled).isTrue();
    assertThat(new String(b.getBody().toCompletableFuture().join(), StandardCharsets.US_ASCII))
        .isEqualTo("abcd");
  }

  @Test
  void takeKeepsWhatFitsAndSaysWhenTheLimitIsPassed() {
    BoundedBody b = new BoundedBody(5, true);
    assertThat(b.take(bytes("abc"))).isTrue();
    assertThat(b.take(bytes("def"))).isFalse();
    assertThat(b.take(bytes("g"))).isFalse();
    assertThat(new String(b.bytes(), StandardCharsets.US_ASCII)).isEqualTo("abcde");
  }
}
