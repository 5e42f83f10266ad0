package io.github.kimisdk.springai.autoconfigure;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.kimisdk.errors.ServerException;
import io.github.kimisdk.testing.FakeKimiServer;
import io.github.kimisdk.testing.FakeResponse;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.ai.chat.model.ChatModel;
import org.springframework.ai.retry.autoconfigure.SpringAiRetryAutoConfiguration;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.core.retry.RetryTemplate;

/**
 * Spring AI's retry stays out of Kimi's calls, on this line (Spring AI 2 retries with Spring
 * Framework's {@code RetryTemplate}): the client's retries are the only layer. The rest of the
 * auto-configuration's tests are the shared {@code KimiAutoConfigurationTest}.
 */
class SpringAiRetryTest {

  private final FakeKimiServer server = new FakeKimiServer().start();

  @AfterEach
  void close() {
    server.close();
  }

  @Test
  void springAisRetryStaysOutOfKimisCallsSoTheClientsRetriesAreTheOnlyLayer() {
    for (int i = 0; i < 5; i++) {
      server.enqueue(FakeResponse.error(503, "{\"error\":{\"type\":\"server_error\"}}"));
    }

    Contexts.withoutEnvironmentVariables()
        .withConfiguration(
            AutoConfigurations.of(
                KimiAutoConfiguration.class, SpringAiRetryAutoConfiguration.class))
        .withPropertyValues(
            "spring.ai.kimi.api-key=sk-boot",
            "spring.ai.kimi.base-url=" + server.baseUrl(),
            "spring.ai.kimi.retry.max-retries=2",
            "spring.ai.kimi.retry.initial-backoff=1ms",
            "spring.ai.kimi.retry.max-backoff=2ms",
            "spring.ai.retry.max-attempts=10",
            "spring.ai.retry.backoff.initial-interval=1ms")
        .run(
            context -> {
              // Spring AI's RetryTemplate is there, for the application's other providers ...
              RetryTemplate springRetry = context.getBean(RetryTemplate.class);
              ChatModel model = context.getBean(ChatModel.class);
              // ... and even a call the application wraps in it is not tried again: Kimi's
              // failures are the SDK's exceptions, after the SDK's own retries, never Spring AI's
              // TransientAiException.
              assertThatThrownBy(() -> springRetry.execute(() -> model.call("Hi")))
                  .hasRootCauseInstanceOf(ServerException.class);
            });

    assertThat(server.requestCount()).as("1 attempt and the client's 2 retries").isEqualTo(3);
  }
}
