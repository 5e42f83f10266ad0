package io.github.kimisdk;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import io.github.kimisdk.chat.ChatRequest;
import io.github.kimisdk.errors.ApiException;
import io.github.kimisdk.internal.client.VirtualScheduler;
import io.github.kimisdk.testing.FakeKimiServer;
import io.github.kimisdk.testing.FakeResponse;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * One retry rule: for each status a loopback server answers once before a 200, what the failure
 * says ({@link ApiException#isRetryable()}) is what the default {@link RetryPolicy} does, and both
 * follow the rule the README's retry table states (408, 409, 429 and every 5xx retried; Kimi's
 * quota error not). Waits run on virtual time.
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

  private static KimiClient client(FakeKimiServer server, RetryPolicy policy) {
    return ClientInternals.builder(new VirtualScheduler())
        .apiKey("sk-test")
        .baseUrl(server.baseUrl())
        .retryPolicy(policy)
        .build();
  }
}
