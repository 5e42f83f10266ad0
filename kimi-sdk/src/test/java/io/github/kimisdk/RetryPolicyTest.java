package io.github.kimisdk;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.kimisdk.chat.ChatRequest;
import io.github.kimisdk.chat.Message;
import io.github.kimisdk.errors.CancelledException;
import io.github.kimisdk.errors.ConfigurationException;
import io.github.kimisdk.errors.TestErrors;
import io.github.kimisdk.internal.chain.Continuing;
import io.github.kimisdk.internal.chain.Retrier;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class RetryPolicyTest {

  @Test
  void defaultsAreTwoRetriesFromHalfASecondCappedAtEight() {
    RetryPolicy p = RetryPolicy.defaults();
    assertThat(p.maxRetries()).isEqualTo(2);
    assertThat(Retrier.backoffCeiling(p, 1)).isEqualTo(Duration.ofMillis(500));
    assertThat(Retrier.backoffCeiling(p, 2)).isEqualTo(Duration.ofSeconds(1));
    assertThat(Retrier.backoffCeiling(p, 5)).isEqualTo(Duration.ofSeconds(8));
    assertThat(Retrier.backoffCeiling(p, 12)).isEqualTo(Duration.ofSeconds(8));
    assertThat(p.deadline()).isEmpty();
    assertThat(p.maxServerWait()).isEqualTo(Duration.ofSeconds(60));
  }

  @Test
  void jitterStaysBetweenHalfAndAllOfTheCeiling() {
    RetryPolicy p = RetryPolicy.defaults();
    assertThat(Retrier.backoff(p, 3, 0.0)).isEqualTo(Duration.ofMillis(1000));
    assertThat(Retrier.backoff(p, 3, 0.999))
        .isBetween(Duration.ofMillis(1990), Duration.ofMillis(2000));
  }

  @Test
  void noneNeverRetries() {
    assertThat(RetryPolicy.none().maxRetries()).isZero();
  }

  @Test
  void withersValidateAndCopy() {
    RetryPolicy p =
        RetryPolicy.defaults()
            .withMaxRetries(5)
            .withBackoff(Duration.ofSeconds(1), Duration.ofSeconds(30))
            .withMaxServerWait(Duration.ofSeconds(10))
            .withDeadline(Duration.ofMinutes(1));
    assertThat(p.maxRetries()).isEqualTo(5);
    assertThat(p.initialBackoff()).isEqualTo(Duration.ofSeconds(1));
    assertThat(p.maxBackoff()).isEqualTo(Duration.ofSeconds(30));
    assertThat(p.deadline()).contains(Duration.ofMinutes(1));
    assertThat(p).isEqualTo(p.withMaxRetries(5)).hasSameHashCodeAs(p.withMaxRetries(5));
    assertThat(p.toString()).contains("maxRetries=5", "deadline=PT1M");
    assertThat(RetryPolicy.defaults()).isNotEqualTo(p);
    assertThatThrownBy(() -> p.withMaxRetries(-1)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> p.withMaxRetries(RetryPolicy.MAX_RETRIES + 1))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> p.withBackoff(Duration.ofSeconds(2), Duration.ofSeconds(1)))
        .hasMessageContaining("at least the initial");
    assertThatThrownBy(() -> p.withMaxServerWait(Duration.ofSeconds(-1)))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> p.withDeadline(Duration.ZERO))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void cancelledCallsAreNotRetried() {
    RetryPolicy p = RetryPolicy.defaults();
    assertThat(
            p.isRetryable(
                new CancelledException(
                    CancelledException.Reason.CANCELLED,
                    "cancelled",
                    new java.util.concurrent.CancellationException())))
        .isFalse();
    assertThat(
            p.isRetryable(
                TestErrors.exceptions().connection("reset", new java.io.IOException(), null)))
        .isTrue();
    assertThat(p.isRetryable(TestErrors.exceptions().timeout("slow", null, null))).isTrue();
    assertThat(p.isRetryable(new ConfigurationException("bad"))).isFalse();
  }

  @Test
  void resumeAppendsOrExtendsThePartialPrefix() {
    ChatRequest req = ChatRequest.of("kimi-k2.6", "tell a story");
    io.github.kimisdk.chat.ChatCompletion none =
        new io.github.kimisdk.chat.ChatAccumulator().toCompletion();
    assertThat(Continuing.resume(req, none)).isSameAs(req);
    ChatRequest prefixed = req.toBuilder().addMessage(Message.partial("Once")).build();
    byte[] chunk =
        ("{\"id\":\"c\",\"object\":\"chat.completion.chunk\",\"created\":1,\"model\":\"m\","
                + "\"choices\":[{\"index\":0,\"delta\":{\"content\":\" upon\"}}]}")
            .getBytes(java.nio.charset.StandardCharsets.UTF_8);
    io.github.kimisdk.chat.ChatAccumulator acc = new io.github.kimisdk.chat.ChatAccumulator();
    acc.add(io.github.kimisdk.internal.wire.chat.ChatCodec.decodeChunk(chunk, 0, chunk.length));
    ChatRequest resumed = Continuing.resume(prefixed, acc.toCompletion());
    assertThat(resumed.messages()).hasSize(2);
    assertThat(resumed.messages().get(1)).isEqualTo(Message.partial("Once upon"));
    ChatRequest fresh = Continuing.resume(req, acc.toCompletion());
    assertThat(fresh.messages()).hasSize(2);
    assertThat(fresh.messages().get(1)).isEqualTo(Message.partial(" upon"));
  }
}
