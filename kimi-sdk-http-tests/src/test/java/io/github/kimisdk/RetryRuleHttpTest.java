package io.github.kimisdk;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import io.github.kimisdk.chat.ChatRequest;
import io.github.kimisdk.errors.ApiException;
import io.github.kimisdk.errors.InvalidRequestException;
import io.github.kimisdk.errors.KimiException;
import io.github.kimisdk.internal.client.VirtualScheduler;
import io.github.kimisdk.testing.FakeKimiServer;
import io.github.kimisdk.testing.FakeResponse;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * One retry rule: for each status a loopback server answers once before a 200, what the failure
 * says ({@link ApiException#isRetryable()}) is what the default {@link RetryPolicy} does, and both
 * follow the rule the README's retry table states (408, 409, 429 and every 5xx retried; Kimi's
 * quota error not; Kimi Code K3's base64url refusal of its own reasoning signature once per call).
 * Waits run on virtual time.
 */
class RetryRuleHttpTest {

  static final ChatRequest HI = ChatRequest.of("kimi-k2.6", "Hi");

  @ParameterizedTest(name = "{0} {1}: retried {2}")
  @CsvSource({
    "400, invalid_request_error, false",
    "404, resource_not_found_error, false",
    "408, , true",
    "409, , true",
    "413, request_too_large, false",
    "422, , false",
    "429, rate_limit_reached_error, true",
    "429, engine_overloaded_error, true",
    "429, exceeded_current_quota_error, false",
    "500, server_error, true",
    "501, , true",
    "502, , true",
    "503, , true",
    "504, , true",
    "529, , true",
  })
  void theFailureSaysWhatTheDefaultPolicyDoes(int status, String type, boolean retried) {
    String body =
        "{\"error\":{\"type\":\""
            + (type == null ? "" : type)
            + "\",\"message\":\"answered "
            + status
            + "\"}}";

    Throwable failure;
    try (FakeKimiServer server = new FakeKimiServer().start();
        KimiClient once = client(server, RetryPolicy.none())) {
      server.enqueue(FakeResponse.error(status, body));
      server.enqueue(FakeResponse.reply("ok"));
      failure = catchThrowable(() -> once.chat(HI));
    }
    assertThat(failure).as("HTTP %s", status).isInstanceOf(ApiException.class);
    ApiException api = (ApiException) failure;
    assertThat(api.status()).isEqualTo(status);

    Throwable second;
    try (FakeKimiServer server = new FakeKimiServer().start();
        KimiClient kimi = client(server, RetryPolicy.defaults())) {
      server.enqueue(FakeResponse.error(status, body));
      server.enqueue(FakeResponse.reply("ok"));
      second = catchThrowable(() -> assertThat(kimi.chat(HI).text()).isEqualTo("ok"));
    }

    assertThat(api.isRetryable()).as("isRetryable() of HTTP %s", status).isEqualTo(retried);
    assertThat(RetryPolicy.defaults().isRetryable(api)).isEqualTo(retried);
    if (retried) {
      assertThat(second).as("the default policy retried HTTP %s", status).isNull();
    } else {
      assertThat(second)
          .as("the default policy gave up on HTTP %s", status)
          .isInstanceOf(ApiException.class);
    }
  }

  /** Kimi Code K3's refusal of a reasoning signature it issued (hermes-agent PR #90963). */
  static final String REPLAY_GLITCH =
      "{\"error\":{\"type\":\"invalid_request_error\",\"message\":\"messages.1.content.0"
          + ".signature: malformed encrypted reasoning content: invalid base64url encoding\"}}";

  @Test
  void k3sBase64urlRefusalOfItsOwnSignatureIsRetriedOnce() {
    Throwable failure;
    try (FakeKimiServer server = new FakeKimiServer().start();
        KimiClient once = client(server, RetryPolicy.none())) {
      server.enqueue(FakeResponse.error(400, REPLAY_GLITCH));
      failure = catchThrowable(() -> once.chat(HI));
    }
    assertThat(failure).isInstanceOf(InvalidRequestException.class);
    InvalidRequestException api = (InvalidRequestException) failure;
    assertThat(api.isRetryable()).isTrue();
    assertThat(RetryPolicy.defaults().isRetryable(api)).isTrue();
    assertThat(api.hint()).hasValueSatisfying(h -> assertThat(h).contains("sends it once more"));

    try (FakeKimiServer server = new FakeKimiServer().start();
        KimiClient kimi = client(server, RetryPolicy.defaults())) {
      server.enqueue(FakeResponse.error(400, REPLAY_GLITCH));
      server.enqueue(FakeResponse.reply("ok"));
      assertThat(kimi.chat(HI).text()).isEqualTo("ok");
      assertThat(server.requestCount()).isEqualTo(2);
    }
  }

  @ParameterizedTest(name = "streamed: {0}")
  @ValueSource(booleans = {false, true})
  void k3sBase64urlRefusalIsNotRetriedASecondTime(boolean streamed) {
    try (FakeKimiServer server = new FakeKimiServer().start();
        KimiClient kimi = client(server, RetryPolicy.defaults().withMaxRetries(4))) {
      server.enqueue(FakeResponse.error(400, REPLAY_GLITCH));
      server.enqueue(FakeResponse.error(400, REPLAY_GLITCH));
      server.enqueue(FakeResponse.reply("ok"));
      Throwable failure =
          catchThrowable(
              () -> {
                if (streamed) {
                  kimi.stream(HI).toCompletion();
                } else {
                  kimi.chat(HI);
                }
              });
      assertThat(failure).isInstanceOf(InvalidRequestException.class);
      assertThat(((KimiException) failure).attempts()).isEqualTo(2);
      assertThat(server.requestCount()).isEqualTo(2);
    }
  }

  @Test
  void anotherRetriedFailureBeforeItStillLeavesItsOneRetry() {
    try (FakeKimiServer server = new FakeKimiServer().start();
        KimiClient kimi = client(server, RetryPolicy.defaults())) {
      server.enqueue(FakeResponse.error(503, "{\"error\":{\"message\":\"busy\"}}"));
      server.enqueue(FakeResponse.error(400, REPLAY_GLITCH));
      server.enqueue(FakeResponse.reply("ok"));
      assertThat(kimi.chat(HI).text()).isEqualTo("ok");
      assertThat(server.requestCount()).isEqualTo(3);
    }
  }

  @Test
  void otherInvalidRequestsAreStillFinal() {
    try (FakeKimiServer server = new FakeKimiServer().start();
        KimiClient kimi = client(server, RetryPolicy.defaults())) {
      server.enqueue(
          FakeResponse.error(
              400,
              "{\"error\":{\"type\":\"invalid_request_error\",\"message\":\"messages.1"
                  + ".content.0.signature: invalid signature\"}}"));
      server.enqueue(FakeResponse.reply("ok"));
      Throwable failure = catchThrowable(() -> kimi.chat(HI));
      assertThat(failure).isInstanceOf(InvalidRequestException.class);
      assertThat(((ApiException) failure).isRetryable()).isFalse();
      assertThat(server.requestCount()).isEqualTo(1);
    }
  }

  private static KimiClient client(FakeKimiServer server, RetryPolicy policy) {
    return ClientInternals.builder(new VirtualScheduler())
        .apiKey("sk-test")
        .baseUrl(server.baseUrl())
        .retryPolicy(policy)
        .build();
  }
}
