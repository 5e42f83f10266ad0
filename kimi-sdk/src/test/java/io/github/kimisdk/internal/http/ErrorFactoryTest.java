package io.github.kimisdk.internal.http;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.kimisdk.Endpoint;
import io.github.kimisdk.ResponseMetadata;
import io.github.kimisdk.Timeouts;
import io.github.kimisdk.chat.ChatCompletion;
import io.github.kimisdk.errors.ApiException;
import io.github.kimisdk.errors.AuthenticationException;
import io.github.kimisdk.errors.CancelledException;
import io.github.kimisdk.errors.ConfigurationException;
import io.github.kimisdk.errors.ConnectionException;
import io.github.kimisdk.errors.ContentFilterException;
import io.github.kimisdk.errors.ContextLengthExceededException;
import io.github.kimisdk.errors.DecodingException;
import io.github.kimisdk.errors.EngineOverloadedException;
import io.github.kimisdk.errors.InvalidRequestException;
import io.github.kimisdk.errors.KimiException;
import io.github.kimisdk.errors.KimiTimeoutException;
import io.github.kimisdk.errors.MalformedChunkException;
import io.github.kimisdk.errors.NotFoundException;
import io.github.kimisdk.errors.PermissionDeniedException;
import io.github.kimisdk.errors.QuotaExceededException;
import io.github.kimisdk.errors.RateLimitException;
import io.github.kimisdk.errors.ResponseTooLargeException;
import io.github.kimisdk.errors.ServerException;
import io.github.kimisdk.errors.TestErrors;
import io.github.kimisdk.errors.TokensPerDayLimitException;
import io.github.kimisdk.errors.TruncatedStreamException;
import io.github.kimisdk.internal.client.TestConfig;
import io.github.kimisdk.json.JsonException;
import io.github.kimisdk.model.ModelCatalog;
import io.github.kimisdk.sse.SseException;
import java.io.IOException;
import java.net.ConnectException;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import org.junit.jupiter.api.Test;

class ErrorFactoryTest {

  private static final ErrorFactory GLOBAL =
      TestErrors.factory(Endpoint.GLOBAL, false, "kimi-sdk-java/test", Timeouts.defaults());

  private static ResponseMetadata md(int status, String... headers) {
    Map<String, List<String>> h = new java.util.HashMap<>();
    for (int i = 0; i < headers.length; i += 2) {
      h.put(headers[i], List.of(headers[i + 1]));
    }
    return new ResponseMetadata(status, h);
  }

  private static KimiException http(
      ErrorFactory errors, int status, String body, String... headers) {
    byte[] b = body.getBytes(StandardCharsets.UTF_8);
    return errors.httpError(md(status, headers), b, 0, b.length);
  }

  private static KimiException http(int status, String body, String... headers) {
    return http(GLOBAL, status, body, headers);
  }

  private static String err(String type, String message) {
    return "{\"error\":{\"message\":\"" + message + "\",\"type\":\"" + type + "\"}}";
  }

  /** A message of Kimi's cannot forge a log line: its control characters are escaped. */
  @Test
  void kimisMessageEntersTheExceptionWithItsControlCharactersEscaped() {
    KimiException e =
        http(
            400,
            err("invalid_request_error", "bad\\r\\nINFO forged\\u001b[0m"),
            "x-request-id",
            "req\u001b-1");
    assertThat(e.getMessage())
        .contains("bad\\r\\nINFO forged\\u001b[0m", "[request id req\\u001b-1]")
        .doesNotContain("\r", "\n", "\u001b");
  }

  @Test
  void authenticationErrorsAreClassified() {
    KimiException e = http(401, err("invalid_authentication_error", "Invalid Authentication"));
    assertThat(e).isInstanceOf(AuthenticationException.class);
    ApiException a = (ApiException) e;
    assertThat(a.status()).isEqualTo(401);
    assertThat(a.errorType()).contains("invalid_authentication_error");
    assertThat(a.serverMessage()).isEqualTo("Invalid Authentication");
    assertThat(a.isRetryable()).isFalse();
    assertThat(a.getMessage())
        .startsWith(
            "Kimi API error (HTTP 401, invalid_authentication_error): Invalid Authentication.")
        .contains("global platform");
    assertThat(http(401, err("incorrect_api_key_error", "Incorrect API key provided")))
        .isInstanceOf(AuthenticationException.class);
  }

  @Test
  void authenticationHintsDependOnRegionAndKeyKind() {
    String body = err("invalid_authentication_error", "Invalid Authentication");
    ErrorFactory china = TestErrors.factory(Endpoint.CHINA, false, "ua", Timeouts.defaults());
    assertThat(http(china, 401, body).getMessage())
        .contains("check the key belongs to the China platform")
        .contains("Endpoint.GLOBAL");
    assertThat(http(GLOBAL, 401, body).getMessage())
        .contains("check the key belongs to the global platform")
        .contains("Endpoint.CHINA");
    ErrorFactory kimiKeyOnPlatform =
        TestErrors.factory(Endpoint.GLOBAL, true, "ua", Timeouts.defaults());
    assertThat(http(kimiKeyOnPlatform, 401, body).getMessage())
        .contains("sk-kimi- are Kimi Code keys")
        .contains("Endpoint.KIMI_CODE");
    ErrorFactory platformKeyOnKimiCode =
        TestErrors.factory(Endpoint.KIMI_CODE, false, "ua", Timeouts.defaults());
    assertThat(http(platformKeyOnKimiCode, 401, body).getMessage()).contains("takes sk-kimi- keys");
    ErrorFactory kimiCode = TestErrors.factory(Endpoint.KIMI_CODE, true, "ua", Timeouts.defaults());
    assertThat(http(kimiCode, 401, body).getMessage()).contains("kimi.com/code/console");
    ErrorFactory other =
        TestErrors.factory(
            Endpoint.of("https://proxy.example/v1"), false, "ua", Timeouts.defaults());
    assertThat(http(other, 401, body).getMessage()).contains("https://proxy.example/v1");
  }

  @Test
  void kimiCodeUserAgentGatingIsExplained() {
    ErrorFactory kimiCode =
        TestErrors.factory(Endpoint.KIMI_CODE, true, "kimi-sdk-java/9", Timeouts.defaults());
    KimiException e =
        http(
            kimiCode,
            403,
            err(
                "access_terminated_error",
                "Kimi For Coding is currently only available for Coding Agents such as Kimi CLI,"
                    + " Claude Code, Roo Code, Kilo Code, etc."));
    assertThat(e).isInstanceOf(PermissionDeniedException.class);
    assertThat(((PermissionDeniedException) e).isClientGated()).isTrue();
    assertThat(e.getMessage())
        .contains("User-Agent")
        .contains("kimi-sdk-java/9")
        .contains("userAgent(");
    KimiException ip =
        http(
            403,
            err("permission_denied_error", "Your IP is not allowed to access this organization"));
    assertThat(ip).isInstanceOf(PermissionDeniedException.class);
    assertThat(((PermissionDeniedException) ip).isClientGated()).isFalse();
    assertThat(ip.getMessage()).contains("allow-list");
  }

  @Test
  void notFoundSuggestsListingModels() {
    KimiException e =
        http(404, err("resource_not_found_error", "Not found the model x or Permission denied"));
    assertThat(e).isInstanceOf(NotFoundException.class);
    assertThat(e.getMessage()).contains("GET https://api.moonshot.ai/v1/models");
  }

  @org.junit.jupiter.params.ParameterizedTest(name = "{0}")
  @org.junit.jupiter.params.provider.ValueSource(
      strings = {
        "Not found the path /models",
        "404 page not found: GET /models",
        "no route for /v1beta/models"
      })
  void aPathNotFoundThatMentionsOnlyModelsPointsAtTheBaseUrl(String message) {
    KimiException e = http(404, err("resource_not_found_error", message));
    assertThat(e).isInstanceOf(NotFoundException.class);
    assertThat(e.getMessage())
        .contains("check the base URL (https://api.moonshot.ai/v1) ends in /v1")
        .doesNotContain("Check the model id");
  }

  @org.junit.jupiter.params.ParameterizedTest(name = "{0}")
  @org.junit.jupiter.params.provider.ValueSource(
      strings = {
        "cassette c holds no recorded exchange that matches POST /v1/chat/completions. None of its"
            + " 1 exchanges is a POST /v1/chat/completions (it holds GET /v1/models)",
        "cassette c holds no recorded exchange that matches POST /v1/chat/completions. The nearest,"
            + " 0001-post-v1-chat-completions.json, differs at $.body.model: recorded \\\"kimi-k3\\\","
            + " sent \\\"kimi-k2.6\\\""
      })
  void aCassetteMissSaysSoNotThatThePathOrTheModelIsWrong(String message) {
    KimiException e = http(404, err("cassette_miss_error", message));
    assertThat(e).isInstanceOf(NotFoundException.class);
    assertThat(e.getMessage())
        .contains("holds no recorded exchange")
        .contains("the base URL is right")
        .doesNotContain("check the base URL")
        .doesNotContain("Check the model id");
  }

  @Test
  void aFormulaNotFoundNamesTheFormulaNotTheBaseUrl() {
    byte[] body =
        err("resource_not_found_error", "formula not found: moonshot/date:latest")
            .getBytes(StandardCharsets.UTF_8);
    KimiException e =
        GLOBAL.httpError(md(404), body, 0, body.length, "formulas/moonshot/date:latest/tools");
    assertThat(e).isInstanceOf(NotFoundException.class);
    assertThat(e.getMessage())
        .contains("Kimi serves no formula moonshot/date:latest to this key")
        .contains("check the formula's URI")
        .doesNotContain("base URL")
        .doesNotContain("Check the model id");

    KimiException fiber =
        GLOBAL.httpError(
            md(404), body, 0, body.length, "/formulas/moonshot/date:latest/fibers/fiber-9");
    assertThat(fiber.getMessage())
        .contains("Kimi knows no fiber fiber-9 of the formula moonshot/date:latest");
  }

  @org.junit.jupiter.params.ParameterizedTest(name = "{0}")
  @org.junit.jupiter.params.provider.ValueSource(
      strings = {
        "{\"error\":{\"message\":\"Not found the path /formulas/x/tools\"}}",
        "{\"error\":{\"type\":\"url.not_found\",\"message\":\"nothing here\"}}"
      })
  void aFormulaPathTheServerDoesNotHaveStillPointsAtTheBaseUrl(String body) {
    byte[] b = body.getBytes(StandardCharsets.UTF_8);
    KimiException e = GLOBAL.httpError(md(404), b, 0, b.length, "formulas/x/tools");
    assertThat(e.getMessage()).contains("ends in /v1").doesNotContain("formula x");
  }

  @org.junit.jupiter.params.ParameterizedTest(name = "{0} -> {1}")
  @org.junit.jupiter.params.provider.CsvSource(
      delimiter = '|',
      nullValues = "none",
      value = {
        "Not found the model kimi-k2.6x or Permission denied | did you mean kimi-k2.6?",
        "Not found the model KIMI-K3 or Permission denied | did you mean kimi-k3?",
        // only ids of the same family (the version an id names) are suggested, or none
        "Not found the model kimi-k3-code or Permission denied | none",
        "Not found the model kimi-k3.1-pro-highsped or Permission denied"
            + " | did you mean kimi-k3.1-pro-highspeed?",
        "Not found the model kimi-k3.1 or Permission denied | did you mean kimi-k3.1-pro?",
        "Not found the model kimi-k3.2-pro or Permission denied | none",
        // one edit from kimi-k3.1-pro-highspeed, but another version
        "Not found the model kimi-k3.5-pro-highspeed or Permission denied | none",
        "Not found the model kimi-k3-pro or Permission denied | none",
        "Not found the model kimmi-k2.6 or Permission denied | did you mean kimi-k2.6?",
        "Not found the model kimi-for-codng or Permission denied | did you mean kimi-for-coding?",
        "Not found the model kimi-k3.1-pro-highspeed or Permission denied"
            + " | the SDK knows kimi-k3.1-pro-highspeed, so this key is probably not entitled to it",
        "Not found the model 'moonshot-v1-8kk' or Permission denied | did you mean moonshot-v1-8k?"
            + " It was retired on 2026-08-31 (Kimi answers 404 for it); use kimi-k2.6 instead",
        // a model the table marks retired: when, and what to use instead
        "Not found the model kimi-k2.5 or Permission denied | kimi-k2.5 was retired on 2026-08-31"
            + " (Kimi answers 404 for it); use kimi-k2.6 instead",
        // as vLLM and SGLang quote it: the id itself, never "did you mean" the id asked for
        "The model `kimi-k2.5` does not exist. | kimi-k2.5 was retired on 2026-08-31"
            + " (Kimi answers 404 for it); use kimi-k2.6 instead",
        "The model `kimi-k2.6x` does not exist. | did you mean kimi-k2.6?",
        "The model `kimi-k3` does not exist."
            + " | the SDK knows kimi-k3, so this key is probably not entitled to it",
        "Not found the model kimi-latest or Permission denied | kimi-latest was retired on"
            + " 2026-01-28 (Kimi answers 404 for it); use kimi-k2.6 instead",
        "Not found the model kimi-k2-thinking-turbo or Permission denied | kimi-k2-thinking-turbo"
            + " was retired on 2026-05-25 (Kimi answers 404 for it); use kimi-k2.6 instead",
        "Not found the model kimi-k3 or Permission denied"
            + " | the SDK knows kimi-k3, so this key is probably not entitled to it",
        "Not found the model definitely-not-a-real-moonshot-model or Permission denied | none",
        "Not found the model | none",
        "Model gone | none",
      })
  void notFoundModelSuggestsTheClosestKnownId(String serverMessage, String expected) {
    assertThat(ErrorFactory.modelSuggestion(serverMessage, ModelCatalog.defaults()))
        .isEqualTo(expected);
  }

  @Test
  void aFactoryReadsTheClientsSettingsThroughItsOneConstructor() {
    assertThat(ErrorFactory.class.getDeclaredConstructors()).hasSize(1);
    assertThat(ErrorFactory.class.getConstructors())
        .as("none public: of(...) calls it with the settings")
        .isEmpty();
    assertThat(
            ErrorFactory.of(
                    TestErrors.exceptions(),
                    TestConfig.builder(Endpoint.KIMI_CODE, "sk-kimi-0123456789abcdefghij").build(),
                    null)
                .text()
                .redact("the key sk-kimi-0123456789abcdefghij was refused"))
        .doesNotContain("sk-kimi-0123456789abcdefghij");
  }

  @Test
  void notFoundModelNamesTheSuggestionInTheMessage() {
    ErrorFactory errors =
        ErrorFactory.of(
            TestErrors.exceptions(),
            TestConfig.builder(Endpoint.GLOBAL, "sk-test").catalog(ModelCatalog.defaults()).build(),
            null);
    KimiException e =
        http(
            errors,
            404,
            err("resource_not_found_error", "Not found the model kimi-k2.6x or Permission denied"));
    assertThat(e).isInstanceOf(NotFoundException.class);
    assertThat(e.getMessage())
        .contains("Check the model id: did you mean kimi-k2.6?")
        .contains("GET https://api.moonshot.ai/v1/models");
    // a model of no family the table knows gets no suggestion
    assertThat(
            http(404, err("resource_not_found_error", "Not found the model zz-unknown-9"))
                .getMessage())
        .contains("Check the model id; list the models");
  }

  @Test
  void gatewayEnvelopeForUnknownPathsIsReadable() {
    KimiException e =
        http(
            404,
            "{\"code\":5,\"error\":\"url.not_found\",\"message\":\"没找到对象\",\"method\":\"GET\","
                + "\"scode\":\"0x5\",\"status\":false,\"ua\":\"x\",\"url\":\"/v1/nope\"}");
    assertThat(e).isInstanceOf(NotFoundException.class);
    ApiException a = (ApiException) e;
    assertThat(a.errorType()).contains("url.not_found");
    assertThat(a.code()).contains("5");
    assertThat(a.serverMessage()).isEqualTo("没找到对象");
    assertThat(e.getMessage()).contains("base URL");
  }

  @Test
  void contextTooLongCarriesTheTokenNumbers() {
    KimiException e =
        http(400, err("invalid_request_error", "Your request exceeded model token limit : 8192"));
    assertThat(e).isInstanceOf(ContextLengthExceededException.class);
    ContextLengthExceededException c = (ContextLengthExceededException) e;
    assertThat(c.tokenLimit()).hasValue(8192);
    assertThat(c.requestedTokens()).isEmpty();
    assertThat(e.getMessage()).contains("8192 tokens");
    ContextLengthExceededException input =
        (ContextLengthExceededException)
            http(400, err("invalid_request_error", "Input token length too long"));
    assertThat(input.tokenLimit()).isEmpty();
    ContextLengthExceededException both =
        (ContextLengthExceededException)
            http(
                400,
                err(
                    "invalid_request_error",
                    "This model's maximum context length is 131072 tokens. However, you requested"
                        + " 140000 tokens"));
    assertThat(both.tokenLimit()).hasValue(131072);
    assertThat(both.requestedTokens()).hasValue(140000);
  }

  @Test
  void otherBadRequestsAreInvalidRequests() {
    KimiException e =
        http(400, err("invalid_request_error", "invalid temperature: only 1 is allowed"));
    assertThat(e).isExactlyInstanceOf(InvalidRequestException.class);
    assertThat(((ApiException) e).hint())
        .hasValueSatisfying(h -> assertThat(h).contains("leave temperature unset"));
    assertThat(
            ((ApiException) http(400, err("invalid_request_error", "unknown field: foo"))).hint())
        .isEmpty();
    assertThat(http(400, err("content_filter", "high risk")))
        .isInstanceOf(ContentFilterException.class);
  }

  @Test
  void tooManyRequestsIsSplitByKind() {
    KimiException overloaded =
        http(
            429,
            err("engine_overloaded_error", "The engine is currently overloaded"),
            "Retry-After",
            "3");
    assertThat(overloaded).isInstanceOf(EngineOverloadedException.class);
    assertThat(((ApiException) overloaded).retryAfter()).contains(Duration.ofSeconds(3));
    assertThat(((ApiException) overloaded).isRetryable()).isTrue();

    KimiException rpm =
        http(
            429,
            err(
                "rate_limit_reached_error",
                "Your account org<ak> request reached organization max RPM: 3, please try again"
                    + " after 20 seconds"));
    assertThat(rpm).isInstanceOf(RateLimitException.class);
    assertThat(((ApiException) rpm).retryAfter()).contains(Duration.ofSeconds(20));
    assertThat(rpm.getMessage()).contains("after 20 s");

    KimiException tpd =
        http(
            429,
            err(
                "rate_limit_reached_error",
                "Your account org<ak> request reached organization TPD rate limit,current:1,"
                    + " limit:1"));
    assertThat(tpd).isInstanceOf(TokensPerDayLimitException.class);
    assertThat(((ApiException) tpd).isRetryable()).isFalse();

    KimiException quota =
        http(
            429,
            err(
                "exceeded_current_quota_error",
                "You exceeded your current token quota: <org> 0, please check your account"
                    + " balance"));
    assertThat(quota).isInstanceOf(QuotaExceededException.class);
    assertThat(((QuotaExceededException) quota).isAccountSuspended()).isFalse();

    KimiException suspended =
        http(
            429,
            err(
                "exceeded_current_quota_error",
                "Your account org<ak> is suspended, please check your plan and billing details"));
    assertThat(((QuotaExceededException) suspended).isAccountSuspended()).isTrue();
    assertThat(suspended.getMessage()).contains("suspended");

    assertThat(http(429, "")).isInstanceOf(RateLimitException.class);
  }

  @Test
  void theCodeDecidesWhenItNamesAKindOfFailureElseTheType() {
    assertThat(ErrorFactory.kind("invalid_request_error", "rate_limit_exceeded"))
        .isEqualTo("rate_limit_reached_error");
    assertThat(ErrorFactory.kind(null, "engine_overloaded_error"))
        .isEqualTo("engine_overloaded_error");
    assertThat(ErrorFactory.kind("invalid_request_error", "unknown_code"))
        .isEqualTo("invalid_request_error");
    assertThat(ErrorFactory.kind("url.not_found", "5")).isEqualTo("url.not_found");
    assertThat(ErrorFactory.kind(null, null)).isEmpty();

    // the same rule for an HTTP error body: OpenAI's rate limit under invalid_request_error
    KimiException e =
        http(
            400,
            "{\"error\":{\"type\":\"invalid_request_error\",\"code\":\"rate_limit_exceeded\","
                + "\"message\":\"Rate limit reached\"}}");
    assertThat(e).isInstanceOf(RateLimitException.class);
    assertThat(((ApiException) e).isRetryable()).isTrue();
    assertThat(((ApiException) e).errorType()).contains("invalid_request_error");
    assertThat(((ApiException) e).code()).contains("rate_limit_exceeded");
    assertThat(
            http(
                400,
                "{\"error\":{\"type\":\"invalid_request_error\","
                    + "\"code\":\"context_length_exceeded\",\"message\":\"too long\"}}"))
        .isInstanceOf(ContextLengthExceededException.class);
  }

  @Test
  void serverErrorsIncludingHtml504AreClean() {
    KimiException html =
        http(
            504,
            "<html>\r\n<head><title>504 Gateway Time-out</title></head>\r\n<body>\r\n<center>"
                + "<h1>504 Gateway Time-out</h1></center>\r\n</body>\r\n</html>\r\n");
    assertThat(html).isInstanceOf(ServerException.class);
    ApiException a = (ApiException) html;
    assertThat(a.serverMessage()).isEqualTo("504 Gateway Time-out");
    assertThat(a.errorType()).isEmpty();
    assertThat(a.isRetryable()).isTrue();
    assertThat(html.getMessage()).contains("stream(...)").doesNotContain("<");
    assertThat(http(500, err("server_error", "boom"))).isInstanceOf(ServerException.class);
    assertThat(http(200, err("unexpected_output", "invalid state transition")))
        .isInstanceOf(ServerException.class);
    assertThat(http(502, "Bad gateway")).isInstanceOf(ServerException.class);
    assertThat(((ApiException) http(502, "Bad gateway")).serverMessage()).isEqualTo("Bad gateway");
  }

  @Test
  void bodyParsingCopesWithOddShapes() {
    assertThat(((ApiException) http(418, "")).serverMessage()).isEmpty();
    assertThat(http(418, "")).isExactlyInstanceOf(ApiException.class);
    assertThat(http(418, "").getMessage()).isEqualTo("Kimi API error (HTTP 418): (no message)");
    assertThat(((ApiException) http(402, "{\"message\":\"unable to verify\"}")).serverMessage())
        .isEqualTo("unable to verify");
    assertThat(((ApiException) http(400, "{\"error\":{\"code\":null,\"type\":null}}")).errorType())
        .isEmpty();
    assertThat(((ApiException) http(400, "[1,2]")).serverMessage()).isEqualTo("[1,2]");
    assertThat(((ApiException) http(409, "{}")).isRetryable()).isTrue();
    ApiException coded =
        (ApiException)
            http(
                400,
                "{\"error\":{\"message\":\"m\",\"type\":\"invalid_request_error\",\"code\":\"c1\"}}");
    assertThat(coded.code()).contains("c1");
    String longText = "x".repeat(1000);
    assertThat(((ApiException) http(500, longText)).serverMessage()).hasSize(303).endsWith("...");
  }

  @Test
  void requestIdIsInTheMessageAndMetadata() {
    KimiException e =
        http(500, err("server_error", "boom"), "Msh-Request-Id", "req-42", "x-trace-id", "t");
    assertThat(e.getMessage()).endsWith("[request id req-42]");
    assertThat(e.requestId()).contains("req-42");
    assertThat(e.metadata()).isPresent();
  }

  @Test
  void inStreamErrorsAreMarked() {
    byte[] b = err("server_error", "stream broke").getBytes(StandardCharsets.UTF_8);
    ApiException e = (ApiException) GLOBAL.inStreamError(md(200), b, 0, b.length);
    assertThat(e).isInstanceOf(ServerException.class);
    assertThat(e.isInStream()).isTrue();
    assertThat(e.status()).isEqualTo(200);
    assertThat(e.getMessage())
        .startsWith("Kimi error event in the stream (HTTP 200, server_error): stream broke");
  }

  @Test
  void aConnectTimeoutIsNeverReportedAsMissingResponseHeaders() {
    // the JDK reports the connect timeout as HttpConnectTimeoutException, wrapped or not, and on
    // some paths as a plain HttpTimeoutException saying so: each is the 10 s connect timeout
    List<Throwable> connect =
        List.of(
            new HttpConnectTimeoutException("HTTP connect timed out"),
            new ConnectException("x") {
              {
                initCause(new HttpConnectTimeoutException("HTTP connect timed out"));
              }
            },
            new HttpTimeoutException("HTTP connect timed out"),
            new CompletionException(new HttpTimeoutException("connect timed out")));
    for (Throwable t : connect) {
      assertThat(GLOBAL.failure(t, null, null))
          .as("%s", t)
          .isInstanceOf(KimiTimeoutException.class)
          .hasMessageContaining("Could not connect to api.moonshot.ai within 10 s")
          .hasMessageNotContaining("response headers");
    }
    assertThat(GLOBAL.failure(new HttpTimeoutException("request timed out"), null, null))
        .isInstanceOf(KimiTimeoutException.class)
        .hasMessageContaining("No response headers from api.moonshot.ai within 10 min");
  }

  @Test
  void transportFailuresAreMapped() {
    ChatCompletion partial = new ChatCompletion(null, null, 0, null, List.of(), null, null);
    assertThat(GLOBAL.failure(new HttpConnectTimeoutException("x"), null, null))
        .isInstanceOf(KimiTimeoutException.class)
        .hasMessageContaining("within 10 s");
    assertThat(GLOBAL.failure(new HttpTimeoutException("x"), null, null))
        .isInstanceOf(KimiTimeoutException.class)
        .hasMessageContaining("10 min");
    assertThat(GLOBAL.failure(new CompletionException(new ConnectException()), null, null))
        .isInstanceOf(ConnectionException.class)
        .hasMessageContaining("Could not connect")
        .hasMessageContaining("ConnectException");
    assertThat(GLOBAL.failure(new ExecutionException(new IOException("reset")), null, null))
        .isInstanceOf(ConnectionException.class)
        .hasMessageContaining("reset");
    assertThat(GLOBAL.failure(new IOException("reset"), md(200), partial))
        .isInstanceOf(TruncatedStreamException.class)
        .hasMessageContaining("reset");
    assertThat(GLOBAL.failure(new JsonException("bad", 1, 2, 3, "$"), md(200), partial))
        .isInstanceOf(MalformedChunkException.class);
    assertThat(GLOBAL.failure(new InterruptedException(), null, null))
        .isInstanceOf(CancelledException.class)
        .hasMessageContaining("interrupted");
    assertThat(GLOBAL.failure(new CancellationException(), null, null))
        .isInstanceOf(CancelledException.class)
        .hasMessageContaining("cancelled");
    assertThat(GLOBAL.failure(new SseException("line too long"), md(200), partial))
        .isInstanceOf(ResponseTooLargeException.class)
        .hasMessageContaining("line too long");
    assertThat(
            GLOBAL.failure(
                new io.github.kimisdk.internal.wire.UnsupportedRequestException("no n over it"),
                null,
                null))
        .isInstanceOf(ConfigurationException.class)
        .hasMessage("no n over it");
    assertThat(GLOBAL.failure(new IllegalStateException("odd"), null, null))
        .isInstanceOf(ConnectionException.class)
        .hasMessageContaining("odd");
    KimiException k = GLOBAL.tooLarge(md(200), 10);
    assertThat(GLOBAL.failure(new CompletionException(k), null, null)).isSameAs(k);
    assertThat(k).hasMessageContaining("maxResponseBytes");
    assertThat(GLOBAL.decoding(md(200), "not json", null)).isInstanceOf(DecodingException.class);
    TruncatedStreamException t =
        (TruncatedStreamException) GLOBAL.truncated(md(200), partial, null);
    assertThat(t.partial()).isSameAs(partial);
    assertThat(t)
        .hasMessageContaining("its body ended before its end event ('data: [DONE]')")
        .hasMessageContaining("RetryPolicy.withStreamContinuation(true)")
        .hasMessageContaining("resumeRequest()")
        .hasMessageNotContaining("message_stop");
  }

  @Test
  void durationsAreHumanReadable() {
    assertThat(ErrorFactory.human(Duration.ofMillis(1500))).isEqualTo("1500 ms");
    assertThat(ErrorFactory.human(Duration.ofMinutes(2))).isEqualTo("2 min");
    assertThat(ErrorFactory.human(Duration.ofSeconds(90))).isEqualTo("90 s");
  }

  @Test
  void theCommonBadRequestsCarryAHintThatSaysWhatToDo() {
    // kimi-api.md 4.2.1: matched by substring, so relays' prefixes and wrappers do not matter
    Map<String, String> table = new java.util.LinkedHashMap<>();
    table.put(
        "Invalid request: invalid temperature: only 0.6 is allowed for this model",
        "leave temperature unset");
    table.put("invalid top_p: only 0.95 is allowed for this model", "leave top_p unset");
    table.put("invalid n: only 1 is allowed for this model", "fix n at 1");
    table.put("invalid presence_penalty: only 0 is allowed for this model", "both penalties");
    table.put(
        "Error from provider (Moonshot AI): tools.function.parameters is not a valid moonshot"
            + " flavored json schema, details: <At path 'properties.x': type is not defined>",
        "give that subschema an explicit type");
    table.put(
        "tools.function.parameters is not a valid moonshot flavored json schema, details: <At"
            + " path 'properties.x': when using anyOf, type should be defined in anyOf items"
            + " instead of the parent schema>",
        "move the type into each anyOf branch");
    table.put(
        "tools.function.parameters is not a valid moonshot flavored json schema, details: <At"
            + " path 'x': $defs not found for reference: #/definitions/A>",
        "#/$defs/<name>");
    table.put(
        "response_format.json_schema is not a valid moonshot flavored json schema, details: <At"
            + " path 'items': items must be an object>",
        "structured-output schema (response_format)");
    table.put(
        "thinking is enabled but reasoning_content is missing in assistant tool call message at"
            + " index 3",
        "send back the AssistantMessage of the completion");
    table.put("total message size 2300000 exceeds limit 2097152", "caps a request body at 2 MiB");
    for (Map.Entry<String, String> row : table.entrySet()) {
      ApiException e =
          (ApiException) http(400, err("invalid_request_error", row.getKey().replace("\"", "")));
      assertThat(e).as(row.getKey()).isExactlyInstanceOf(InvalidRequestException.class);
      assertThat(e.hint())
          .as(row.getKey())
          .hasValueSatisfying(h -> assertThat(h).contains(row.getValue()));
      assertThat(e.serverMessage()).isEqualTo(row.getKey());
      assertThat(e.getMessage()).contains(row.getKey()).contains(row.getValue());
    }
    assertThat(
            ((ApiException)
                    http(
                        400,
                        err(
                            "invalid_request_error",
                            "tools.function.parameters is not a valid moonshot flavored json schema, details: <At path 'p': odd>")))
                .hint())
        .hasValueSatisfying(
            h ->
                assertThat(h)
                    .contains("tool's parameters schema")
                    .contains("JsonSchema.normalize"));
  }

  private static final String ANTHROPIC_OVERLOADED =
      "{\"type\":\"error\",\"error\":{\"type\":\"rate_limit_error\",\"message\":"
          + "\"The engine is currently overloaded, please try again later\"}}";

  @Test
  void kimiCodesOverloaded429IsToldApartWhereTheEvidenceAllows() {
    // the Anthropic-style surface with the SDK's own User-Agent: the client gate, every time
    ErrorFactory sdkAgent =
        TestErrors.factory(Endpoint.KIMI_CODE, true, "kimi-sdk-java/1.0", Timeouts.defaults());
    KimiException gate = http(sdkAgent, 429, ANTHROPIC_OVERLOADED);
    assertThat(gate).isInstanceOf(PermissionDeniedException.class);
    assertThat(((ApiException) gate).isRetryable()).isFalse();
    assertThat(gate.getMessage()).contains("User-Agent").contains("kimi-sdk-java/1.0");

    // an agent Kimi Code accepts: a plan limit or overload, retryable, with the wait when known
    ErrorFactory agent =
        TestErrors.factory(Endpoint.KIMI_CODE, true, "KimiCLI/1.30.0", Timeouts.defaults());
    ApiException plan = (ApiException) http(agent, 429, ANTHROPIC_OVERLOADED, "Retry-After", "120");
    assertThat(plan).isInstanceOf(EngineOverloadedException.class);
    assertThat(plan.isRetryable()).isTrue();
    assertThat(plan.hint())
        .hasValueSatisfying(
            h ->
                assertThat(h)
                    .contains("usage limit")
                    .contains("GET /usages")
                    .contains("2 min")
                    .doesNotContain("does not recognise"));

    // an unknown agent on the Anthropic-style surface: the gate is one of the causes named
    ErrorFactory custom =
        TestErrors.factory(Endpoint.KIMI_CODE, true, "my-app/2", Timeouts.defaults());
    assertThat(((ApiException) http(custom, 429, ANTHROPIC_OVERLOADED)).hint())
        .hasValueSatisfying(h -> assertThat(h).contains("'my-app/2'").contains("never clears"));

    // the chat surface's engine_overloaded_error on Kimi Code: plan limit or effort first
    ApiException chat =
        (ApiException)
            http(
                sdkAgent,
                429,
                err(
                    "engine_overloaded_error",
                    "The engine is currently overloaded, please try again later"));
    assertThat(chat).isInstanceOf(EngineOverloadedException.class);
    assertThat(chat.hint()).hasValueSatisfying(h -> assertThat(h).contains("thinking effort"));

    // on the open platform the same body is a plain overload
    assertThat(
            ((ApiException)
                    http(429, err("engine_overloaded_error", "The engine is currently overloaded")))
                .hint())
        .hasValueSatisfying(h -> assertThat(h).doesNotContain("usage limit"));
  }

  @Test
  void kimiCodesPlanLimitIsAQuotaThatSaysWhenItResets() {
    ErrorFactory agent =
        TestErrors.factory(Endpoint.KIMI_CODE, true, "KimiCLI/1.30.0", Timeouts.defaults());
    ApiException window =
        (ApiException)
            http(
                agent,
                429,
                err("rate_limit_reached_error", "You've reached your usage limit for this period"),
                "Retry-After",
                "3600");
    assertThat(window).isInstanceOf(QuotaExceededException.class);
    assertThat(window.isRetryable()).isFalse();
    assertThat(window.hint())
        .hasValueSatisfying(
            h -> assertThat(h).contains("current window").contains("resets in 60 min"));
    ApiException month =
        (ApiException)
            http(
                agent,
                429,
                err("rate_limit_reached_error", "You've reached kimi monthly usage limit"));
    assertThat(month.hint())
        .hasValueSatisfying(h -> assertThat(h).contains("this month").contains("GET /usages"));
  }
}
