package io.github.kimisdk.langchain4j;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import dev.langchain4j.data.message.UserMessage;
import dev.langchain4j.exception.HttpException;
import dev.langchain4j.exception.UnsupportedFeatureException;
import dev.langchain4j.model.chat.listener.ChatModelListener;
import dev.langchain4j.model.chat.request.ChatRequest;
import dev.langchain4j.model.chat.request.ChatRequestParameters;
import dev.langchain4j.model.chat.response.ChatResponse;
import io.github.kimisdk.errors.ApiException;
import io.github.kimisdk.testing.FakeKimiServer;
import io.github.kimisdk.testing.FakeResponse;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * {@link KimiChatModel#chatAsync} (LangChain4j 1.20 and later), over HTTP against the fake: the
 * answer, failures as {@code chat} throws them (in the future, never thrown), cancellation, and the
 * listeners.
 */
class ChatAsyncHttpTest {

  private final FakeKimiServer server = new FakeKimiServer().trackConnections().start();

  @AfterEach
  void close() {
    server.close();
  }

  private KimiChatModel.Builder chat() {
    return FakeModels.chat(server);
  }

  private static ChatRequest ask(String text) {
    return ChatRequest.builder().messages(UserMessage.from(text)).build();
  }

  @Test
  void chatAsyncReturnsTheAnswerWithItsReasoningUsageAndMetadata() throws Exception {
    ChatResponse response =
        chat().build().chatAsync(ask("Hello, later")).get(10, TimeUnit.SECONDS);

    assertThat(response.aiMessage().text()).isEqualTo("You said: Hello, later");
    assertThat(response.aiMessage().thinking()).isNotBlank();
    assertThat(((KimiTokenUsage) response.tokenUsage()).outputTokenCount()).isPositive();
    assertThat(((KimiChatResponseMetadata) response.metadata()).requestId()).isNotBlank();
  }

  @Test
  void chatAsyncOfAStringCompletesWithTheText() throws Exception {
    assertThat(chat().build().chatAsync("Hi").get(10, TimeUnit.SECONDS)).isEqualTo("You said: Hi");
  }

  @ParameterizedTest(name = "{0} {1} -> {2}")
  @MethodSource("io.github.kimisdk.langchain4j.KimiErrorsHttpTest#statuses")
  void aFailedCallFailsTheFutureWithTheExceptionChatThrows(
      int status, String type, Class<? extends Exception> expected) {
    server.enqueue(
        FakeResponse.error(
            status,
            "{\"error\":{\"type\":\"" + type + "\",\"message\":\"scripted " + type + "\"}}"));
    CompletableFuture<ChatResponse> answer = chat().build().chatAsync(ask("Hi"));

    Throwable failure = cause(answer);
    assertThat(failure).isExactlyInstanceOf(expected);
    assertThat(failure.getCause()).isInstanceOf(HttpException.class);
    assertThat(((HttpException) failure.getCause()).statusCode()).isEqualTo(status);
    assertThat(failure.getCause().getCause()).isInstanceOf(ApiException.class);
  }

  @Test
  void aRequestKimiCannotTakeFailsTheFutureUnsentAndIsNotThrown() {
    ChatRequest topK =
        ChatRequest.builder()
            .messages(UserMessage.from("Hi"))
            .parameters(ChatRequestParameters.builder().topK(5).build())
            .build();
    CompletableFuture<ChatResponse> answer = chat().build().chatAsync(topK);

    assertThat(cause(answer)).isExactlyInstanceOf(UnsupportedFeatureException.class);
    assertThat(server.requestCount()).isZero();
  }

  @Test
  void cancellingTheFutureAbortsTheCall() throws Exception {
    server.enqueue(FakeResponse.reply("too late").withHeadersDelay(Duration.ofSeconds(10)));
    CompletableFuture<ChatResponse> answer = chat().build().chatAsync(ask("Hi"));
    server.takeRequest(); // the request reached the server, which holds its answer

    assertThat(answer.cancel(true)).isTrue();
    assertThat(
            server.awaitConnections(
                () -> server.clientClosedConnections() == 1, Duration.ofSeconds(5)))
        .as("the client closed the connection")
        .isTrue();
  }

  @Test
  void theListenersHearTheRequestThenTheResponseOrTheError() {
    List<String> heard = new CopyOnWriteArrayList<>();
    ChatModelListener listener = FakeModels.recording(heard);
    KimiChatModel model = chat().listeners(List.of(listener)).build();
    model.chatAsync(ask("Hi")).join();
    server.enqueue(FakeResponse.error(503, "{\"error\":{\"type\":\"server_unavailable\"}}"));
    catchThrowable(() -> model.chatAsync(ask("Hi")).join());

    assertThat(heard)
        .containsExactly(
            "request kimi-k3",
            "response You said: Hi",
            "request kimi-k3",
            "error InternalServerException");
  }

  private static Throwable cause(CompletableFuture<?> future) {
    Throwable thrown = catchThrowable(() -> future.get(10, TimeUnit.SECONDS));
    assertThat(thrown).isInstanceOf(ExecutionException.class);
    return thrown.getCause();
  }
}
