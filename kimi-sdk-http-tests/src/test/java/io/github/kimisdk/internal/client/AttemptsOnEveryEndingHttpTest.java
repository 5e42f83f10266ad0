package io.github.kimisdk.internal.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import io.github.kimisdk.KimiClient;
import io.github.kimisdk.RequestOptions;
import io.github.kimisdk.RetryPolicy;
import io.github.kimisdk.base.flow.Futures;
import io.github.kimisdk.chat.ChatRequest;
import io.github.kimisdk.chat.ChatStream;
import io.github.kimisdk.errors.KimiException;
import io.github.kimisdk.testing.FakeKimiExtension;
import io.github.kimisdk.testing.FakeKimiServer;
import io.github.kimisdk.testing.FakeResponse;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * {@code attempts()} equals the attempts sent, the earlier failures suppressed, for every call
 * shape and every way a retried call can end (issue 47, defect 2): the first attempt answers 503,
 * the second waits for its headers until the call's whole-call timeout or the client's close ends
 * it.
 */
@ExtendWith(FakeKimiExtension.class)
class AttemptsOnEveryEndingHttpTest {

  enum Shape {
    CHAT,
    CHAT_ASYNC,
    STREAM
  }

  enum Ending {
    WHOLE_CALL_TIMEOUT,
    CLIENT_CLOSED
  }

  static final ChatRequest HELLO = ChatRequest.of("kimi-k2.6", "Hello");

  static Throwable call(KimiClient kimi, Shape shape, RequestOptions options) {
    return catchThrowable(
        () -> {
          switch (shape) {
            case CHAT -> kimi.withOptions(options).chat(HELLO);
            case CHAT_ASYNC -> {
              CompletableFuture<?> f = kimi.withOptions(options).chatAsync(HELLO);
              try {
                f.join();
              } catch (RuntimeException e) {
                throw Futures.unwrap(e);
              }
            }
            case STREAM -> {
              try (ChatStream s = kimi.withOptions(options).stream(HELLO)) {
                s.toCompletion();
              }
            }
          }
        });
  }

  static void endsAfterTwoAttempts(
      Shape shape, Ending ending, FakeKimiServer server, FakeKimiExtension.Clients clients) {
    KimiClient kimi = clients.build(b -> b.retryPolicy(policy()));
    server.enqueue(
        FakeResponse.error(503, "{\"error\":{\"type\":\"server_error\",\"message\":\"busy\"}}"));
    server.enqueue(FakeResponse.reply("late").withHeadersDelay(Duration.ofSeconds(60)));
    RequestOptions options =
        ending == Ending.WHOLE_CALL_TIMEOUT
            ? RequestOptions.builder().timeout(Duration.ofSeconds(2)).build()
            : RequestOptions.builder().build();
    if (ending == Ending.CLIENT_CLOSED) {
      Thread closer =
          new Thread(
              () -> {
                server.takeRequest();
                server.takeRequest(); // the second attempt is waiting for its headers
                kimi.close();
              });
      closer.setDaemon(true);
      closer.start();
    }

    Throwable t =
        assertTimeoutPreemptively(Duration.ofSeconds(30), () -> call(kimi, shape, options));

    assertThat(t).isInstanceOf(KimiException.class);
    assertThat(((KimiException) t).attempts()).as("attempts of %s", t).isEqualTo(2);
    assertThat(t.getSuppressed())
        .as("the 503 of the first attempt")
        .anySatisfy(s -> assertThat(s).hasMessageContaining("busy"));
  }

  @ParameterizedTest
  @EnumSource(Shape.class)
  void aWholeCallTimeoutCountsBothAttempts(
      Shape shape, FakeKimiServer server, FakeKimiExtension.Clients clients) {
    endsAfterTwoAttempts(shape, Ending.WHOLE_CALL_TIMEOUT, server, clients);
  }

  @ParameterizedTest
  @EnumSource(Shape.class)
  void aClientClosedDuringTheSecondAttemptCountsBothAttempts(
      Shape shape, FakeKimiServer server, FakeKimiExtension.Clients clients) {
    endsAfterTwoAttempts(shape, Ending.CLIENT_CLOSED, server, clients);
  }

  static RetryPolicy policy() {
    return RetryPolicy.defaults().withBackoff(Duration.ofMillis(5), Duration.ofMillis(20));
  }
}
