package io.github.kimisdk.internal.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import io.github.kimisdk.FakeSuite;
import io.github.kimisdk.KimiClient;
import io.github.kimisdk.RetryPolicy;
import io.github.kimisdk.chat.ChatRequest;
import io.github.kimisdk.errors.ApiException;
import io.github.kimisdk.errors.AuthenticationException;
import io.github.kimisdk.errors.ContextLengthExceededException;
import io.github.kimisdk.errors.NotFoundException;
import io.github.kimisdk.errors.ServerException;
import io.github.kimisdk.testing.FakeResponse;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The client's key is redacted from what a server says only where the whole key is: a test key
 * ({@code "k"}, the README's {@code "test"}, the examples' {@code "offline-demo-key"}) leaves the
 * server's words alone, and the classifier reads the server's text before any redaction.
 */
class KeyRedactionHttpTest extends FakeSuite {

  /** A key of a real key's length: {@code sk-} and 48 characters. */
  static final String REAL_LENGTH_KEY = "sk-aB3dE5gH7jK9mN1pQ3sT5vW7yZ9aB3dE5gH7jK9mN1pQ3sT5v";

  static final String REDACTED = "[API key redacted]";

  static final String OVERFLOW =
      "{\"error\":{\"type\":\"invalid_request_error\",\"message\":\"Invalid request: Your request"
          + " exceeded model token limit: 262144, you requested 300000 tokens\"}}";

  KimiClient client(String key) {
    return KimiClient.builder()
        .apiKey(key)
        .baseUrl(server.baseUrl())
        .retryPolicy(RetryPolicy.none())
        .build();
  }

  @ParameterizedTest(name = "apiKey(\"{0}\")")
  @ValueSource(strings = {"k", "test", "offline-demo-key", "sk-0123456789abcdef"})
  void aShortKeyLeavesTheServersWordsAlone(String key) {
    try (KimiClient kimi = client(key)) {
      NotFoundException notFound =
          (NotFoundException)
              catchThrowable(() -> kimi.chat(ChatRequest.of("test-model", "Hello")));
      assertThat(notFound.serverMessage())
          .isEqualTo("Not found the model test-model or Permission denied");
      assertThat(notFound.getMessage())
          .contains("Not found the model test-model or Permission denied")
          .doesNotContain(REDACTED);
      assertThat(notFound.hint()).get().asString().contains("Check the model id");
    }
  }

  @ParameterizedTest(name = "apiKey(\"{0}\")")
  @ValueSource(strings = {"k", "test", "offline-demo-key"})
  void aContextOverflowStaysOneWhateverTheKey(String key) {
    try (KimiClient kimi = client(key)) {
      for (boolean stream : List.of(false, true)) {
        server.enqueue(FakeResponse.error(400, OVERFLOW));
        Throwable t =
            catchThrowable(
                () -> {
                  if (stream) {
                    kimi.stream(ChatRequest.of("kimi-k3", "Hello")).toCompletion();
                  } else {
                    kimi.chat(ChatRequest.of("kimi-k3", "Hello"));
                  }
                });
        assertThat(t).as("stream %s", stream).isInstanceOf(ContextLengthExceededException.class);
        ContextLengthExceededException e = (ContextLengthExceededException) t;
        assertThat(e.tokenLimit()).hasValue(262144);
        assertThat(e.requestedTokens()).hasValue(300000);
        assertThat(e.hint())
            .get()
            .asString()
            .contains("does not fit the model's context of 262144 tokens");
        assertThat(e.serverMessage())
            .isEqualTo(
                "Invalid request: Your request exceeded model token limit: 262144, you requested"
                    + " 300000 tokens");
      }
    }
  }

  @ParameterizedTest(name = "apiKey(\"{0}\")")
  @ValueSource(strings = {"k", "test", "offline-demo-key"})
  void aShortKeyIsStillRedactedWhereTheServerEchoesTheHeader(String key) {
    try (KimiClient kimi = client(key)) {
      server.enqueue(
          FakeResponse.error(
              401,
              "{\"error\":{\"type\":\"invalid_authentication_error\",\"message\":\"Incorrect API"
                  + " key provided: Bearer "
                  + key
                  + ". Check your key\"}}"));
      AuthenticationException e =
          (AuthenticationException)
              catchThrowable(() -> kimi.chat(ChatRequest.of("kimi-k3", "Hi")));
      assertThat(e.serverMessage())
          .isEqualTo("Incorrect API key provided: Bearer [API key redacted]. Check your key");
      assertThat(e.getMessage()).contains("Bearer [API key redacted].");
    }
  }

  @Test
  void aKeyOfARealKeysLengthIsRedactedWhereverItAppears() {
    try (KimiClient kimi = client(REAL_LENGTH_KEY)) {
      server.enqueue(
          FakeResponse.error(
              404,
              "{\"error\":{\"type\":\"resource_not_found_error\",\"message\":\"Not found the model "
                  + REAL_LENGTH_KEY
                  + "-model or Permission denied\",\"code\":\"key:"
                  + REAL_LENGTH_KEY
                  + "\"}}"));
      server.enqueue(
          FakeResponse.body(
              502,
              "text/html",
              "<html><title>Bad gateway for " + REAL_LENGTH_KEY + "</title></html>"));
      server.enqueue(
          FakeResponse.error(
              400,
              OVERFLOW.replace(
                  "Invalid request:", "Invalid request for " + REAL_LENGTH_KEY + ":")));
      NotFoundException notFound =
          (NotFoundException) catchThrowable(() -> kimi.chat(ChatRequest.of("kimi-k3", "Hi")));
      assertThat(notFound.serverMessage())
          .isEqualTo("Not found the model [API key redacted]-model or Permission denied");
      assertThat(notFound.code()).contains("key:[API key redacted]");
      ServerException gateway =
          (ServerException) catchThrowable(() -> kimi.chat(ChatRequest.of("kimi-k3", "Hi")));
      assertThat(gateway.serverMessage()).isEqualTo("Bad gateway for [API key redacted]");
      ContextLengthExceededException overflow =
          (ContextLengthExceededException)
              catchThrowable(() -> kimi.chat(ChatRequest.of("kimi-k3", "Hi")));
      assertThat(overflow.serverMessage()).startsWith("Invalid request for [API key redacted]:");
      for (ApiException e : List.of(notFound, gateway, overflow)) {
        assertThat(e.getMessage() + e + e.serverMessage() + e.code().orElse(""))
            .doesNotContain(REAL_LENGTH_KEY);
      }
    }
  }
}
