package io.github.kimisdk;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import io.github.kimisdk.chat.ChatRequest;
import io.github.kimisdk.errors.ApiException;
import io.github.kimisdk.internal.client.VirtualScheduler;
import io.github.kimisdk.testing.FakeKimiServer;
import io.github.kimisdk.testing.FakeResponse;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * One rule for an error that arrives inside a 2xx stream, on every wire: its {@code code} decides
 * when it names a kind of failure, else its {@code type}, as for an HTTP error body; and what
 * {@link ApiException#isRetryable()} says is what the default {@link RetryPolicy} does before the
 * first chunk (a rate limit is retried as a 429 would be). Each row runs over chat completions,
 * Anthropic Messages and Responses against a loopback server; waits run on virtual time.
 */
class InStreamErrorRuleHttpTest {

  static final ChatRequest HI =
      ChatRequest.builder("kimi-k2.6").addUser("Hi").maxCompletionTokens(1024).build();

  static Stream<Arguments> rows() {
    Object[][] table = {
      // type, code, the exception, retried
      {"invalid_request_error", "rate_limit_exceeded", "RateLimitException", true},
      {null, "rate_limit_exceeded", "RateLimitException", true},
      {"rate_limit_reached_error", null, "RateLimitException", true},
      {"requests", "rate_limit_exceeded", "RateLimitException", true},
      {"engine_overloaded_error", null, "EngineOverloadedException", true},
      {null, "engine_overloaded_error", "EngineOverloadedException", true},
      {"invalid_request_error", "insufficient_quota", "QuotaExceededException", false},
      {"invalid_request_error", "context_length_exceeded", "ContextLengthExceededException", false},
      {"invalid_request_error", null, "InvalidRequestException", false},
      {null, "server_error", "ServerException", true},
      {"server_error", null, "ServerException", true},
      {"invalid_request_error", "some_other_code", "InvalidRequestException", false},
      {null, "some_other_code", "ApiException", false},
    };
    return Stream.of(WireProtocol.values())
        .flatMap(wire -> Stream.of(table).map(r -> Arguments.of(wire, r[0], r[1], r[2], r[3])));
  }

  @ParameterizedTest(name = "{0}: type {1}, code {2} -> {3}, retried {4}")
  @MethodSource("rows")
  void theCodeDecidesWhenItNamesAKindAndTheDefaultPolicyFollows(
      WireProtocol wire, String type, String code, String exception, boolean retried) {
    String stream = stream(wire, type, code);

    Throwable failure;
    try (FakeKimiServer server = new FakeKimiServer().start();
        KimiClient once = client(server, wire, RetryPolicy.none())) {
      server.enqueue(FakeResponse.rawSse(stream));
      failure = catchThrowable(() -> once.stream(HI).toCompletion());
    }
    assertThat(failure).isInstanceOf(ApiException.class);
    assertThat(failure.getClass().getSimpleName()).isEqualTo(exception);
    ApiException api = (ApiException) failure;
    assertThat(api.isInStream()).isTrue();
    assertThat(api.isRetryable()).isEqualTo(retried);
    assertThat(RetryPolicy.defaults().isRetryable(api)).isEqualTo(retried);

    Throwable second;
    try (FakeKimiServer server = new FakeKimiServer().start();
        KimiClient kimi = client(server, wire, RetryPolicy.defaults())) {
      server.enqueue(FakeResponse.rawSse(stream));
      server.enqueue(FakeResponse.reply("ok"));
      second =
          catchThrowable(() -> assertThat(kimi.stream(HI).toCompletion().text()).isEqualTo("ok"));
    }
    if (retried) {
      assertThat(second).as("retried before the first chunk").isNull();
    } else {
      assertThat(second).isInstanceOf(ApiException.class);
    }
  }

  /** An event stream that fails before its first chunk, as each wire's servers send it. */
  static String stream(WireProtocol wire, String type, String code) {
    StringBuilder e = new StringBuilder("{");
    if (type != null) {
      e.append("\"type\":\"").append(type).append("\",");
    }
    if (code != null) {
      e.append("\"code\":\"").append(code).append("\",");
    }
    e.append("\"message\":\"the stream failed\"}");
    switch (wire) {
      case CHAT_COMPLETIONS:
        return "data: {\"error\":" + e + "}\n\n";
      case ANTHROPIC_MESSAGES:
        return "event: message_start\ndata: {\"type\":\"message_start\",\"message\":{\"id\":"
            + "\"msg_1\",\"type\":\"message\",\"role\":\"assistant\",\"model\":\"kimi-k2.6\","
            + "\"content\":[],\"usage\":{\"input_tokens\":3,\"output_tokens\":0}}}\n\n"
            + "event: error\ndata: {\"type\":\"error\",\"error\":"
            + e
            + "}\n\n";
      default:
        // OpenAI's error event carries the code at the top level; gateways nest the whole error
        String event =
            type == null
                ? "{\"type\":\"error\",\"code\":\"" + code + "\",\"message\":\"the stream failed\"}"
                : "{\"type\":\"error\",\"error\":" + e + "}";
        return "event: response.created\ndata: {\"type\":\"response.created\",\"response\":"
            + "{\"id\":\"resp_1\",\"model\":\"kimi-k2.6\",\"status\":\"in_progress\"}}\n\n"
            + "event: error\ndata: "
            + event
            + "\n\n";
    }
  }

  private static KimiClient client(FakeKimiServer server, WireProtocol wire, RetryPolicy policy) {
    return FakeSuite.over(
            ClientInternals.builder(new VirtualScheduler()).apiKey("sk-test"), server, wire)
        .retryPolicy(policy)
        .build();
  }
}
