package io.github.kimisdk.langchain4j;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import dev.langchain4j.exception.AuthenticationException;
import dev.langchain4j.exception.ContentFilteredException;
import dev.langchain4j.exception.HttpException;
import dev.langchain4j.exception.InternalServerException;
import dev.langchain4j.exception.InvalidRequestException;
import dev.langchain4j.exception.ModelNotFoundException;
import dev.langchain4j.exception.RateLimitException;
import dev.langchain4j.exception.TimeoutException;
import dev.langchain4j.model.chat.request.ChatRequest;
import dev.langchain4j.model.chat.response.ChatResponse;
import io.github.kimisdk.errors.ApiException;
import io.github.kimisdk.errors.KimiTimeoutException;
import io.github.kimisdk.errors.PreflightException;
import io.github.kimisdk.testing.FakeKimiServer;
import io.github.kimisdk.testing.FakeResponse;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Kimi's failures, answered over HTTP by the fake, as LangChain4j's exception types, status by
 * status, from both models: the rules of LangChain4j's own providers (its {@code ExceptionMapper}),
 * with the status on an {@link HttpException} cause whose own cause is the SDK's exception.
 */
class KimiErrorsHttpTest {

  private final FakeKimiServer server = new FakeKimiServer().start();

  @AfterEach
  void close() {
    server.close();
  }

  static Stream<Arguments> statuses() {
    return Stream.of(
        row(400, "invalid_request_error", InvalidRequestException.class),
        row(413, "request_too_large", InvalidRequestException.class),
        row(422, "unprocessable_entity", InvalidRequestException.class),
        row(401, "invalid_authentication_error", AuthenticationException.class),
        row(403, "permission_denied_error", AuthenticationException.class),
        row(404, "resource_not_found_error", ModelNotFoundException.class),
        row(408, "request_timeout", TimeoutException.class),
        row(429, "rate_limit_reached_error", RateLimitException.class),
        row(429, "engine_overloaded_error", RateLimitException.class),
        row(429, "exceeded_current_quota_error", RateLimitException.class),
        row(500, "server_error", InternalServerException.class),
        row(502, "server_error", InternalServerException.class),
        row(503, "server_unavailable", InternalServerException.class),
        row(400, "content_filter", ContentFilteredException.class));
  }

  private static Arguments row(int status, String type, Class<? extends Exception> expected) {
    return Arguments.of(status, type, expected);
  }

  private FakeResponse error(int status, String type) {
    return FakeResponse.error(
        status, "{\"error\":{\"type\":\"" + type + "\",\"message\":\"scripted " + type + "\"}}");
  }

  private KimiChatModel chatModel() {
    return FakeModels.chat(server).build();
  }

  private KimiStreamingChatModel streamingModel() {
    return FakeModels.streaming(server).build();
  }

  @ParameterizedTest(name = "{0} {1} -> {2}")
  @MethodSource("statuses")
  void chatMapsTheStatus(int status, String type, Class<? extends Exception> expected) {
    server.enqueue(error(status, type));
    Throwable thrown = catchThrowable(() -> chatModel().chat("Hi"));
    assertStatusError(thrown, status, expected);
  }

  @ParameterizedTest(name = "{0} {1} -> {2}")
  @MethodSource("statuses")
  void streamingReportsTheSameToOnError(
      int status, String type, Class<? extends Exception> expected) throws Exception {
    server.enqueue(error(status, type));
    assertStatusError(streamError(streamingModel(), "Hi"), status, expected);
  }

  private static void assertStatusError(
      Throwable thrown, int status, Class<? extends Exception> expected) {
    assertThat(thrown).isExactlyInstanceOf(expected);
    assertThat(thrown.getCause()).isInstanceOf(HttpException.class);
    assertThat(((HttpException) thrown.getCause()).statusCode()).isEqualTo(status);
    assertThat(thrown.getCause().getCause())
        .isInstanceOfSatisfying(ApiException.class, e -> assertThat(e.status()).isEqualTo(status));
    assertThat(thrown.getMessage()).contains("scripted").doesNotContain("sk-test");
  }

  @Test
  void aResponseLaterThanTheTimeoutIsATimeout() throws Exception {
    server.enqueue(FakeResponse.reply("late").withHeadersDelay(Duration.ofSeconds(3)));
    KimiChatModel model = FakeModels.chat(server).timeout(Duration.ofMillis(300)).build();
    Throwable thrown = catchThrowable(() -> model.chat("Hi"));
    assertThat(thrown).isExactlyInstanceOf(TimeoutException.class);
    assertThat(thrown.getCause()).isInstanceOf(KimiTimeoutException.class);
  }

  @Test
  void aStreamLaterThanTheTimeoutIsATimeout() throws Exception {
    server.enqueue(FakeResponse.reply("late").withHeadersDelay(Duration.ofSeconds(3)));
    KimiStreamingChatModel model =
        FakeModels.streaming(server).timeout(Duration.ofMillis(300)).build();
    assertThat(streamError(model, "Hi")).isExactlyInstanceOf(TimeoutException.class);
  }

  @Test
  void aStreamSilentAfterItsHeadersLongerThanTheTimeoutIsATimeout() throws Exception {
    // headers at once, then no event for 3 s: the timeout bounds the wait for the first event too
    // (the SDK's own first-event budget is 10 minutes)
    server.enqueue(
        FakeResponse.stream(
            List.of(
                "{\"id\":\"c\",\"object\":\"chat.completion.chunk\",\"created\":1,"
                    + "\"model\":\"kimi-k3\",\"choices\":[{\"index\":0,"
                    + "\"delta\":{\"content\":\"late\"},\"finish_reason\":\"stop\"}]}"),
            Duration.ofSeconds(3)));
    KimiStreamingChatModel model =
        FakeModels.streaming(server).timeout(Duration.ofMillis(300)).build();
    // cut at the timeout, not answered 3 s later: the stream's idle cut, as the SDK reports it
    assertThat(streamError(model, "Hi"))
        .isInstanceOf(dev.langchain4j.exception.LangChain4jException.class)
        .hasMessageContaining("no data event for 300 ms after the response headers");
  }

  @Test
  void aRequestTheModelWouldRefuseFailsUnsentAsAnInvalidRequest() {
    KimiChatModel model =
        KimiChatModel.builder()
            .apiKey("sk-test")
            .baseUrl(server.baseUrl())
            .modelName("kimi-k3")
            .temperature(0.3) // kimi-k3 takes only 1 (0.6 without thinking)
            .build();
    Throwable thrown = catchThrowable(() -> model.chat("Hi"));
    assertThat(thrown).isExactlyInstanceOf(InvalidRequestException.class);
    assertThat(thrown.getCause()).isInstanceOf(PreflightException.class);
    assertThat(thrown.getMessage()).contains("temperature");
    assertThat(server.requestCount()).isZero();
  }

  @Test
  void aFieldKimiWouldIgnoreFailsUnsentAndIsSentWhenMarkedDeliberate() {
    KimiChatRequestParameters seeded =
        KimiChatRequestParameters.builder()
            .modelName("kimi-k3")
            .customParameters(java.util.Map.of("seed", 7))
            .build();
    KimiChatModel model =
        KimiChatModel.builder()
            .apiKey("sk-test")
            .baseUrl(server.baseUrl())
            .defaultRequestParameters(seeded)
            .build();
    Throwable thrown = catchThrowable(() -> model.chat("Hi"));
    assertThat(thrown).isExactlyInstanceOf(InvalidRequestException.class);
    assertThat(thrown.getCause()).isInstanceOf(PreflightException.class);
    assertThat(thrown.getMessage()).contains("\"seed\"").contains("(rule ignored-field)");
    assertThat(server.requestCount()).isZero();

    KimiChatModel marked =
        KimiChatModel.builder()
            .apiKey("sk-test")
            .baseUrl(server.baseUrl())
            .defaultRequestParameters(seeded)
            .deliberateFields("seed")
            .build();
    marked.chat("Hi");
    assertThat(server.takeRequest().json().get("seed").toString()).isEqualTo("7");
  }

  private static Throwable streamError(KimiStreamingChatModel model, String text)
      throws InterruptedException, java.util.concurrent.TimeoutException {
    CompletableFuture<ChatResponse> done = new CompletableFuture<>();
    model.chat(
        ChatRequest.builder().messages(dev.langchain4j.data.message.UserMessage.from(text)).build(),
        FakeModels.completing(done));
    try {
      done.get(10, TimeUnit.SECONDS);
      throw new AssertionError("the stream did not fail");
    } catch (ExecutionException e) {
      return e.getCause();
    }
  }
}
