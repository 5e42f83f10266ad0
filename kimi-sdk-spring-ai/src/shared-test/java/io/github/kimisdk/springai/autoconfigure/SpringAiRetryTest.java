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

/**
 * Spring AI's retry stays out of Kimi's calls, on both lines (Spring AI 2 retries with Spring
 * Framework's {@code RetryTemplate}, Spring AI 1.1 with spring-retry's, which each line's {@link
 * SpringAiRetries} calls): the client's retries are the only layer.
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

    Contexts.onFake(server, KimiAutoConfiguration.class, SpringAiRetryAutoConfiguration.class)
        .withPropertyValues(
            "spring.ai.kimi.retry.max-retries=2",
            "spring.ai.kimi.retry.initial-backoff=1ms",
            "spring.ai.kimi.retry.max-backoff=2ms",
            "spring.ai.retry.max-attempts=10",
            "spring.ai.retry.backoff.initial-interval=1ms")
        .run(
            context -> {
              // Spring AI's RetryTemplate is there, for the application's other providers, and
              // even a call the application wraps in it is not tried again: Kimi's failures are
              // the SDK's exceptions, after the SDK's own retries, never Spring AI's
              // TransientAiException (Spring Framework's RetryTemplate wraps what it gave up on)
              ChatModel model = context.getBean(ChatModel.class);
              assertThatThrownBy(() -> SpringAiRetries.retrying(context, () -> model.call("Hi")))
                  .satisfies(
                      e -> assertThat(sdkExceptionIn(e)).isInstanceOf(ServerException.class));
            });

    assertThat(server.requestCount()).as("1 attempt and the client's 2 retries").isEqualTo(3);
  }

  /** The exception, or the first of its causes, that is the SDK's. */
  private static Throwable sdkExceptionIn(Throwable e) {
    Throwable t = e;
    while (!(t instanceof ServerException) && t.getCause() != null) {
      t = t.getCause();
    }
    return t;
  }
}
