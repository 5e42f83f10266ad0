package io.github.kimisdk.internal.http;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.kimisdk.Endpoint;
import io.github.kimisdk.ResponseMetadata;
import io.github.kimisdk.Timeouts;
import io.github.kimisdk.errors.ApiException;
import io.github.kimisdk.errors.EngineOverloadedException;
import io.github.kimisdk.errors.KimiException;
import io.github.kimisdk.errors.RateLimitException;
import io.github.kimisdk.errors.TestErrors;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * {@link RateRefusal} against {@link ErrorMaker}'s classification, one row per rule: a response is
 * a refusal that pauses exactly when its exception is a {@link RateLimitException} or an {@link
 * EngineOverloadedException}, and the refusal's wait and message are the exception's.
 */
class RateRefusalTest {

  private static final String SDK_AGENT = RateRefusal.SDK_AGENT_PREFIX + "0.1.0";
  private static final String AGENT = "KimiCLI/1.5";

  private static String err(String type, String message) {
    return "{\"error\":{\"message\":\"" + message + "\",\"type\":\"" + type + "\"}}";
  }

  static Stream<Arguments> responses() {
    String concurrency =
        "Your account org<ak> request reached organization max concurrency: 4, please try again"
            + " after 3 seconds";
    String overloaded = "The engine is currently overloaded, please try again later";
    return Stream.of(
        Arguments.of(
            "Kimi's rate limit, its wait in the message",
            false,
            SDK_AGENT,
            429,
            err("rate_limit_reached_error", concurrency),
            List.of(),
            true),
        Arguments.of(
            "the Retry-After header wins over the message",
            false,
            SDK_AGENT,
            429,
            err("rate_limit_reached_error", concurrency),
            List.of("Retry-After", "5"),
            true),
        Arguments.of(
            "the TPM limit, no wait stated",
            false,
            SDK_AGENT,
            429,
            err(
                "rate_limit_reached_error",
                "request reached organization TPM rate limit," + " current:9000, limit:8000"),
            List.of(),
            true),
        Arguments.of(
            "the daily token limit: no pause",
            false,
            SDK_AGENT,
            429,
            err(
                "rate_limit_reached_error",
                "request reached organization TPD rate limit," + "current:1000, limit:900"),
            List.of(),
            false),
        Arguments.of(
            "a quota: no pause",
            false,
            SDK_AGENT,
            429,
            err("exceeded_current_quota_error", "You exceeded your current token quota"),
            List.of(),
            false),
        Arguments.of(
            "a suspended account: no pause",
            false,
            SDK_AGENT,
            429,
            err("rate_limit_reached_error", "Your account org<ak> is suspended"),
            List.of(),
            false),
        Arguments.of(
            "OpenAI's code under a generic type",
            false,
            SDK_AGENT,
            429,
            "{\"error\":{\"message\":\"Rate limit reached\",\"type\":\"requests\","
                + "\"code\":\"rate_limit_exceeded\"}}",
            List.of(),
            true),
        Arguments.of(
            "OpenAI's insufficient_quota code: no pause",
            false,
            SDK_AGENT,
            429,
            "{\"error\":{\"message\":\"You exceeded your quota\",\"type\":\"insufficient_quota\","
                + "\"code\":\"insufficient_quota\"}}",
            List.of(),
            false),
        Arguments.of(
            "any other 429, such as a gateway's page",
            false,
            SDK_AGENT,
            429,
            "<html>Too Many Requests</html>",
            List.of(),
            true),
        Arguments.of(
            "a compressed 429, read by its status",
            false,
            SDK_AGENT,
            429,
            "\u001f\u008b\u0008",
            List.of("Content-Encoding", "gzip", "Retry-After", "2"),
            true),
        Arguments.of(
            "Kimi's overload",
            false,
            SDK_AGENT,
            429,
            err("engine_overloaded_error", overloaded),
            List.of(),
            true),
        Arguments.of(
            "an overload under another status",
            false,
            SDK_AGENT,
            503,
            err("engine_overloaded_error", overloaded),
            List.of(),
            true),
        Arguments.of(
            "Kimi Code's overload",
            true,
            AGENT,
            429,
            err("engine_overloaded_error", overloaded),
            List.of(),
            true),
        Arguments.of(
            "Kimi Code's Anthropic-style overload from an agent",
            true,
            AGENT,
            429,
            "{\"type\":\"error\",\"error\":{\"type\":\"rate_limit_error\",\"message\":\""
                + overloaded
                + "\"}}",
            List.of(),
            true),
        Arguments.of(
            "Kimi Code's gate, to the SDK's own User-Agent: no pause",
            true,
            SDK_AGENT,
            429,
            "{\"type\":\"error\",\"error\":{\"type\":\"rate_limit_error\",\"message\":\""
                + overloaded
                + "\"}}",
            List.of(),
            false),
        Arguments.of(
            "a server error: no pause",
            false,
            SDK_AGENT,
            500,
            err("server_error", "oops"),
            List.of(),
            false),
        Arguments.of(
            "a bad request: no pause",
            false,
            SDK_AGENT,
            400,
            err("invalid_request_error", "bad"),
            List.of(),
            false),
        Arguments.of(
            "a redirect: no pause",
            false,
            SDK_AGENT,
            307,
            "",
            List.of("Location", "https://example.com/v1"),
            false));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("responses")
  void aRefusalIsExactlyAResponseThatBecomesARateLimitOrOverloadException(
      String rule,
      boolean kimiCode,
      String userAgent,
      int status,
      String body,
      List<String> headers,
      boolean pauses) {
    Map<String, List<String>> h = new HashMap<>();
    for (int i = 0; i < headers.size(); i += 2) {
      h.put(headers.get(i), List.of(headers.get(i + 1)));
    }
    ResponseMetadata md = new ResponseMetadata(status, h);
    byte[] b = body.getBytes(StandardCharsets.ISO_8859_1);
    ErrorFactory errors =
        TestErrors.factory(
            kimiCode ? Endpoint.KIMI_CODE : Endpoint.GLOBAL,
            kimiCode,
            userAgent,
            Timeouts.defaults());

    RateRefusal refusal = RateRefusal.of(md, b, 0, b.length, kimiCode, userAgent);
    KimiException e = errors.httpError(md, b, 0, b.length);

    assertThat(refusal != null).as("a refusal").isEqualTo(pauses);
    assertThat(e instanceof RateLimitException || e instanceof EngineOverloadedException)
        .as("the exception %s", e.getClass().getSimpleName())
        .isEqualTo(pauses);
    if (refusal != null) {
      ApiException a = (ApiException) e;
      assertThat(refusal.retryAfter()).isEqualTo(a.retryAfter().orElse(null));
      // a compressed body's message is the SDK's own words, which state no limits
      assertThat(refusal.message())
          .isEqualTo(h.containsKey("Content-Encoding") ? null : a.serverMessage());
    }
  }

  @org.junit.jupiter.api.Test
  void aRefusalsWaitIsTheHeaderElseTheMessagesElseNone() {
    assertThat(RateRefusal.retryAfter(null, "please try again after 3 seconds"))
        .isEqualTo(Duration.ofSeconds(3));
    assertThat(
            RateRefusal.retryAfter(
                new ResponseMetadata(429, Map.of("Retry-After", List.of("5"))),
                "please try again after 3 seconds"))
        .isEqualTo(Duration.ofSeconds(5));
    assertThat(RateRefusal.retryAfter(null, "slow down")).isNull();
  }

  /** Each host's own words for a full queue, and words that say something else. */
  static Stream<Arguments> fullQueues() {
    return Stream.of(
        Arguments.of(
            "Moonshot's 429",
            429,
            "Your account org<ak> request reached organization max concurrency: 4, please try again"
                + " after 1 seconds",
            true),
        Arguments.of("a gateway's 429", 429, "Too many concurrent requests", true),
        Arguments.of(
            "vLLM's QueueOverflowError",
            503,
            "The engine is currently busy and cannot accept new requests. Please try again later"
                + " or on a different instance.",
            true),
        Arguments.of(
            "vLLM's MaxQueuedTokensError",
            503,
            "The engine has reached its prefill token backlog limit. Please try again later or on"
                + " a different instance.",
            true),
        Arguments.of("SGLang's full queue", 503, "The request queue is full.", true),
        Arguments.of(
            "SGLang's priority eviction",
            503,
            "The request is aborted by a higher priority request.",
            true),
        Arguments.of("Together's overload", 503, "Engine Overloaded", false),
        Arguments.of("Moonshot's RPM", 429, "request reached organization max RPM: 3", false),
        Arguments.of(
            "vLLM's words under another status",
            500,
            "is currently busy and cannot" + " accept new requests",
            false),
        Arguments.of("SGLang's words under 429", 429, "The request queue is full.", false));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("fullQueues")
  void eachHostsOwnWordsForAFullQueueAreARefusalForConcurrency(
      String host, int status, String message, boolean concurrency) {
    assertThat(RateRefusal.concurrency(status, message.toLowerCase(java.util.Locale.ROOT)))
        .isEqualTo(concurrency);
    byte[] b = err("ServiceUnavailableError", message).getBytes(StandardCharsets.UTF_8);
    RateRefusal r =
        RateRefusal.of(new ResponseMetadata(status, Map.of()), b, 0, b.length, false, SDK_AGENT);
    assertThat(r != null && r.concurrency()).as("the transport's refusal").isEqualTo(concurrency);
  }

  private static final String SGLANG_EVENT =
      "{\"error\": {\"object\": \"error\", \"message\": \"The request queue is full.\","
          + " \"type\": \"SERVICE_UNAVAILABLE\", \"param\": null, \"code\": 503}}";

  @org.junit.jupiter.api.Test
  void sglangsErrorEventOnAStreamsTwoHundredIsTheFullQueueItNames() {
    ResponseMetadata stream =
        new ResponseMetadata(200, Map.of("Content-Type", List.of("text/event-stream")));
    byte[] b = SGLANG_EVENT.getBytes(StandardCharsets.UTF_8);

    RateRefusal r = RateRefusal.ofEvent(stream, b, 0, b.length, false, SDK_AGENT);
    KimiException e = TestErrors.factory().inStreamError(stream, b, 0, b.length);

    assertThat(r).isNotNull();
    assertThat(r.concurrency()).isTrue();
    assertThat(r.message()).isEqualTo("The request queue is full.");
    assertThat(e).isInstanceOf(io.github.kimisdk.errors.ServerException.class);
    ApiException a = (ApiException) e;
    assertThat(a.status()).as("the status the event names").isEqualTo(503);
    assertThat(a.isInStream()).isTrue();
    assertThat(a.isRetryable()).isTrue();
    assertThat(a.metadata().orElseThrow().statusCode()).as("the stream's own").isEqualTo(200);
  }

  @org.junit.jupiter.api.Test
  void anErrorEventWithoutAStatusIsJudgedByTheStreamsAndIsNoRefusal() {
    ResponseMetadata stream = new ResponseMetadata(200, Map.of());
    for (String event :
        List.of(
            err("server_error", "The request queue is full."),
            "{\"error\":{\"code\":\"server_error\",\"message\":\"Provider disconnected\"}}",
            "{\"error\":{\"code\":99,\"message\":\"The request queue is full.\"}}")) {
      byte[] b = event.getBytes(StandardCharsets.UTF_8);
      assertThat(RateRefusal.ofEvent(stream, b, 0, b.length, false, SDK_AGENT)).as(event).isNull();
      ApiException a = (ApiException) TestErrors.factory().inStreamError(stream, b, 0, b.length);
      assertThat(a.status()).as(event).isEqualTo(200);
    }
  }

  @org.junit.jupiter.api.Test
  void theStatusAnErrorNamesCountsOnlyInsideATwoHundred() {
    ErrorBody named = new ErrorBody("SERVICE_UNAVAILABLE", "full", "503");
    assertThat(named.status(200)).isEqualTo(503);
    assertThat(named.status(204)).isEqualTo(503);
    assertThat(named.status(500)).as("a status of its own wins").isEqualTo(500);
    assertThat(new ErrorBody(null, "x", "200").status(200)).isEqualTo(200);
    assertThat(new ErrorBody(null, "x", "5031").status(200)).isEqualTo(200);
    assertThat(new ErrorBody(null, "x", "50a").status(200)).isEqualTo(200);
    assertThat(new ErrorBody(null, "x", null).status(200)).isEqualTo(200);
  }
}
