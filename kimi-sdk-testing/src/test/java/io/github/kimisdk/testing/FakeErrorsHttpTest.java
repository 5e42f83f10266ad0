package io.github.kimisdk.testing;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.kimisdk.KimiClient;
import io.github.kimisdk.RetryPolicy;
import io.github.kimisdk.chat.ChatRequest;
import io.github.kimisdk.errors.EngineOverloadedException;
import io.github.kimisdk.errors.KimiException;
import io.github.kimisdk.errors.NotFoundException;
import io.github.kimisdk.errors.QuotaExceededException;
import io.github.kimisdk.errors.RateLimitException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * {@link FakeKimiServer#failCalls}: a share of chat calls answered with Kimi's errors, as the SDK
 * reads them, each with the request id Kimi gives every answer.
 */
@ExtendWith(FakeKimiExtension.class)
class FakeErrorsHttpTest {

  private KimiClient kimi;

  @BeforeEach
  void client(FakeKimiExtension.Clients clients) {
    kimi = clients.builder().retryPolicy(RetryPolicy.none()).build();
  }

  private String call() {
    try {
      return kimi.chat(ChatRequest.of("kimi-k3", "hi")).text();
    } catch (KimiException e) {
      return e.getClass().getSimpleName();
    }
  }

  @Test
  void everySecondCallIsOutOfQuotaWithItsRequestId(FakeKimiServer server) {
    server.failCalls("quota=0.5");

    List<String> answers = new ArrayList<>();
    for (int i = 0; i < 4; i++) {
      answers.add(call());
    }

    assertThat(answers)
        .containsExactly(
            "You said: hi", "QuotaExceededException", "You said: hi", "QuotaExceededException");
  }

  @Test
  void eachKindIsTheSdksExceptionOfThatKindWithTheRequestId(FakeKimiServer server) {
    server.failCalls("quota=1");
    QuotaExceededException quota =
        (QuotaExceededException) catchKimi(() -> kimi.chat(ChatRequest.of("kimi-k3", "hi")));
    assertThat(quota.status()).isEqualTo(429);
    assertThat(quota.requestId()).hasValueSatisfying(id -> assertThat(id).startsWith("fake-"));
    assertThat(quota.getMessage()).contains("[request id " + quota.requestId().orElseThrow() + "]");

    server.failCalls("rate-limit=1");
    RateLimitException rate =
        (RateLimitException) catchKimi(() -> kimi.chat(ChatRequest.of("kimi-k3", "hi")));
    assertThat(rate.retryAfter()).hasValue(Duration.ofSeconds(1));
    assertThat(rate.requestId()).isPresent().isNotEqualTo(quota.requestId());

    server.failCalls("overloaded=1");
    assertThat(catchKimi(() -> kimi.chat(ChatRequest.of("kimi-k3", "hi"))))
        .isInstanceOf(EngineOverloadedException.class)
        .satisfies(e -> assertThat(e.requestId()).isPresent());

    server.failCalls("");
    assertThat(call()).isEqualTo("You said: hi");
  }

  @Test
  void scriptedAnswersOtherEndpointsAndOtherSurfacesAreNotCounted(FakeKimiServer server) {
    server.failCalls("overloaded=0.5");
    server.enqueue(FakeResponse.reply("scripted"));

    assertThat(call()).isEqualTo("scripted"); // scripted: not counted
    assertThat(kimi.models().list()).isNotEmpty(); // another endpoint: not counted
    assertThat(call()).isEqualTo("You said: hi"); // call 0
    assertThat(call()).isEqualTo("EngineOverloadedException"); // call 1
  }

  @Test
  void theFakesOwnErrorsCarryARequestIdAsKimisDo(FakeKimiServer server) {
    KimiException notFound = catchKimi(() -> kimi.request("GET", "no-such-path", null));
    assertThat(notFound).isInstanceOf(NotFoundException.class);
    assertThat(notFound.requestId()).hasValueSatisfying(id -> assertThat(id).startsWith("fake-"));

    server.requestsPerMinute(1);
    call();
    KimiException limited = catchKimi(() -> kimi.chat(ChatRequest.of("kimi-k3", "hi")));
    assertThat(limited).isInstanceOf(RateLimitException.class);
    assertThat(limited.requestId()).isPresent();
  }

  private static KimiException catchKimi(Runnable r) {
    try {
      r.run();
    } catch (KimiException e) {
      return e;
    }
    throw new AssertionError("no failure");
  }
}
