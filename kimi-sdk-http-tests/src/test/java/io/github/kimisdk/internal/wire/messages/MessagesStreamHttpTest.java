package io.github.kimisdk.internal.wire.messages;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;

import io.github.kimisdk.FakeSuite;
import io.github.kimisdk.KimiClient;
import io.github.kimisdk.RetryPolicy;
import io.github.kimisdk.chat.AssistantMessage;
import io.github.kimisdk.chat.ChatAccumulator;
import io.github.kimisdk.chat.ChatCompletion;
import io.github.kimisdk.chat.ChatCompletionChunk;
import io.github.kimisdk.chat.ChatRequest;
import io.github.kimisdk.chat.ChatStream;
import io.github.kimisdk.chat.FinishReason;
import io.github.kimisdk.chat.Thinking;
import io.github.kimisdk.chat.Usage;
import io.github.kimisdk.errors.ApiException;
import io.github.kimisdk.errors.AuthenticationException;
import io.github.kimisdk.errors.ConfigurationException;
import io.github.kimisdk.errors.EngineOverloadedException;
import io.github.kimisdk.errors.InvalidRequestException;
import io.github.kimisdk.errors.MalformedChunkException;
import io.github.kimisdk.errors.NotFoundException;
import io.github.kimisdk.errors.PermissionDeniedException;
import io.github.kimisdk.errors.RateLimitException;
import io.github.kimisdk.errors.ServerException;
import io.github.kimisdk.errors.StreamAbortedException;
import io.github.kimisdk.errors.TruncatedStreamException;
import io.github.kimisdk.testing.FakeResponse;
import io.github.kimisdk.tool.ToolCall;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Anthropic Messages specifics over loopback: events written in Messages' own shapes (which the
 * fake sends unchanged), error envelopes, signatures, and what only Messages refuses.
 */
class MessagesStreamHttpTest extends FakeSuite {

  static final String KEY = "sk-test-0123456789abcdefghijklmnop";
  static final ChatRequest HELLO = ChatRequest.of("kimi-k2.6", "Hello there");

  @Override
  protected KimiClient.Builder settings(KimiClient.Builder b) {
    return b.apiKey(KEY).baseUrl(server.anthropicBaseUrl()).retryPolicy(RetryPolicy.none());
  }

  static String event(String type, String data) {
    return "event: " + type + "\ndata: " + data + "\n\n";
  }

  /** The {@code message_start} event of message {@code id}, whose input was {@code inputTokens}. */
  static String start(String id, int inputTokens) {
    return event(
        "message_start",
        "{\"type\":\"message_start\",\"message\":{\"id\":\""
            + id
            + "\",\"type\":\"message\","
            + "\"role\":\"assistant\",\"model\":\"kimi-k2.6\",\"content\":[],"
            + "\"stop_reason\":null,\"usage\":{\"input_tokens\":"
            + inputTokens
            + ",\"output_tokens\":1}}}");
  }

  static final String START = start("msg_9", 21);

  static String blockStart(int index, String block) {
    return event(
        "content_block_start",
        "{\"type\":\"content_block_start\",\"index\":"
            + index
            + ",\"content_block\":"
            + block
            + "}");
  }

  static String delta(int index, String delta) {
    return event(
        "content_block_delta",
        "{\"type\":\"content_block_delta\",\"index\":" + index + ",\"delta\":" + delta + "}");
  }

  static String blockStop(int index) {
    return event("content_block_stop", "{\"type\":\"content_block_stop\",\"index\":" + index + "}");
  }

  static final String TOOL_STREAM =
      START
          + event("ping", "{\"type\":\"ping\"}")
          + blockStart(0, "{\"type\":\"thinking\",\"thinking\":\"\"}")
          + delta(0, "{\"type\":\"thinking_delta\",\"thinking\":\"I should \"}")
          + delta(0, "{\"type\":\"thinking_delta\",\"thinking\":\"add.\"}")
          + delta(0, "{\"type\":\"signature_delta\",\"signature\":\"sig-abc\"}")
          + blockStop(0)
          + blockStart(1, "{\"type\":\"text\",\"text\":\"\"}")
          + delta(1, "{\"type\":\"text_delta\",\"text\":\"Adding.\"}")
          + blockStop(1)
          + blockStart(
              2, "{\"type\":\"tool_use\",\"id\":\"toolu_1\",\"name\":\"add\",\"input\":{}}")
          + delta(2, "{\"type\":\"input_json_delta\",\"partial_json\":\"\"}")
          + delta(2, "{\"type\":\"input_json_delta\",\"partial_json\":\"{\\\"a\\\": 2,\"}")
          + delta(2, "{\"type\":\"input_json_delta\",\"partial_json\":\" \\\"b\\\": 3}\"}")
          + blockStop(2)
          + blockStart(
              3, "{\"type\":\"tool_use\",\"id\":\"toolu_2\",\"name\":\"echo_text\",\"input\":{}}")
          + delta(
              3, "{\"type\":\"input_json_delta\",\"partial_json\":\"{\\\"text\\\":\\\"hi\\\"}\"}")
          + blockStop(3)
          + event(
              "message_delta",
              "{\"type\":\"message_delta\",\"delta\":{\"stop_reason\":\"tool_use\","
                  + "\"stop_sequence\":null},\"usage\":{\"output_tokens\":40}}")
          + event("message_stop", "{\"type\":\"message_stop\"}");

  @Test
  void streamMapsEveryEventKindOntoChunks() {
    server.enqueue(FakeResponse.rawSse(TOOL_STREAM));
    List<ChatCompletionChunk> chunks = new ArrayList<>();
    ChatAccumulator acc = new ChatAccumulator();
    try (ChatStream s = kimi.stream(HELLO)) {
      for (ChatCompletionChunk chunk : s) {
        chunks.add(chunk);
        acc.add(chunk);
      }
    }
    ChatCompletion c = acc.toCompletion();
    assertThat(chunks.get(0).choices().get(0).delta().role()).isEqualTo("assistant");
    assertThat(c.id()).isEqualTo("msg_9");
    assertThat(c.model()).isEqualTo("kimi-k2.6");
    assertThat(c.reasoning()).isEqualTo("I should add.");
    assertThat(c.message().reasoningSignature()).isEqualTo("sig-abc");
    assertThat(c.text()).isEqualTo("Adding.");
    assertThat(c.toolCalls())
        .containsExactly(
            new ToolCall("toolu_1", "function", "add", "{\"a\": 2, \"b\": 3}"),
            new ToolCall("toolu_2", "function", "echo_text", "{\"text\":\"hi\"}"));
    assertThat(c.finishReason()).isEqualTo(FinishReason.TOOL_CALLS);
    // input from message_start, output from message_delta
    assertThat(c.usage()).isEqualTo(new Usage(21, 40, 61, null, null));
  }

  @Test
  void streamAndNonStreamGiveTheSameCompletionFromTheFake() {
    ChatRequest thinking = HELLO.toBuilder().thinking(Thinking.enabled()).build();
    ChatCompletion whole = kimi.chat(thinking);
    ChatCompletion streamed = kimi.stream(thinking).toCompletion();
    assertThat(streamed.message()).isEqualTo(whole.message());
    assertThat(whole.message().reasoningSignature()).startsWith("fake-sig-");
    assertThat(streamed.usage()).isEqualTo(whole.usage());
    assertThat(streamed.finishReason())
        .isEqualTo(whole.finishReason())
        .isEqualTo(FinishReason.STOP);
  }

  @Test
  void theSignatureGoesBackWithTheReasoningAndTheFakeChecksIt() {
    ChatRequest thinking = HELLO.toBuilder().thinking(Thinking.enabled()).build();
    AssistantMessage reply = kimi.stream(thinking).toCompletion().message();
    ChatRequest next = thinking.toBuilder().addMessage(reply).addUser("And again").build();
    assertThat(kimi.chat(next).text()).isEqualTo("You said: And again");
    assertThat(server.requests().get(1).bodyText())
        .contains("\"signature\":\"" + reply.reasoningSignature() + "\"");

    AssistantMessage forged =
        new AssistantMessage(
            reply.content(), reply.reasoningContent(), List.of(), null, false, "forged");
    Throwable t =
        catchThrowable(
            () -> kimi.chat(thinking.toBuilder().addMessage(forged).addUser("Again").build()));
    assertThat(t)
        .isInstanceOf(InvalidRequestException.class)
        .hasMessageContaining("signature of a thinking block");
  }

  @Test
  void anErrorEventFailsTheStreamWithTheMappedExceptionAndThePartial() {
    server.enqueue(
        FakeResponse.rawSse(
            START
                + blockStart(0, "{\"type\":\"text\",\"text\":\"\"}")
                + delta(0, "{\"type\":\"text_delta\",\"text\":\"Half\"}")
                + event(
                    "error",
                    "{\"type\":\"error\",\"error\":{\"type\":\"overloaded_error\","
                        + "\"message\":\"Overloaded\"}}")));
    Throwable t = catchThrowable(() -> kimi.stream(HELLO).toCompletion());
    // after a chunk, the error comes as a StreamAbortedException carrying the partial reply
    assertThat(t).isInstanceOf(StreamAbortedException.class);
    StreamAbortedException aborted = (StreamAbortedException) t;
    assertThat(aborted.partial().text()).isEqualTo("Half");
    assertThat(aborted.reason()).isInstanceOf(EngineOverloadedException.class);
    EngineOverloadedException e = (EngineOverloadedException) aborted.reason();
    assertThat(e.isInStream()).isTrue();
    assertThat(e.isRetryable()).isTrue();
    assertThat(e.errorType()).contains("overloaded_error");
  }

  @Test
  void endOfInputBeforeMessageStopIsATruncatedStreamWithThePartial() {
    server.enqueue(
        FakeResponse.rawSse(
            START
                + blockStart(0, "{\"type\":\"text\",\"text\":\"\"}")
                + delta(0, "{\"type\":\"text_delta\",\"text\":\"Half\"}")));
    Throwable t = catchThrowable(() -> kimi.stream(HELLO).toCompletion());
    assertThat(t).isInstanceOf(TruncatedStreamException.class).hasMessageContaining("message_stop");
    assertThat(((TruncatedStreamException) t).partial().text()).isEqualTo("Half");
  }

  @Test
  void aMalformedEventIsAMalformedChunk() {
    server.enqueue(
        FakeResponse.rawSse(
            START
                + blockStart(0, "{\"type\":\"text\",\"text\":\"\"}")
                + delta(0, "{\"type\":\"text_delta\",\"text\":\"ok\"}")
                + "event: content_block_delta\ndata: {\"type\":\"content_block_delta\",\n\n"));
    Throwable t = catchThrowable(() -> kimi.stream(HELLO).toCompletion());
    assertThat(t).isInstanceOf(MalformedChunkException.class);
    assertThat(((MalformedChunkException) t).partial().text()).isEqualTo("ok");
  }

  @Test
  void aToolBlockIndexThatIsNotAnIntegerIsAMalformedChunk() {
    String text =
        START
            + blockStart(0, "{\"type\":\"text\",\"text\":\"\"}")
            + delta(0, "{\"type\":\"text_delta\",\"text\":\"ok\"}")
            + blockStop(0);
    String inputDelta =
        "{\"type\":\"input_json_delta\",\"partial_json\":\"{\\\"a\\\": 2, \\\"b\\\": 3}\"}";
    // the block that starts the call, and a fragment of its arguments
    server.enqueue(
        FakeResponse.rawSse(
            text
                + event(
                    "content_block_start",
                    "{\"type\":\"content_block_start\",\"index\":\"zero\",\"content_block\":"
                        + "{\"type\":\"tool_use\",\"id\":\"toolu_1\",\"name\":\"add\","
                        + "\"input\":{}}}")
                + delta(1, inputDelta)));
    server.enqueue(
        FakeResponse.rawSse(
            text
                + blockStart(
                    1, "{\"type\":\"tool_use\",\"id\":\"toolu_1\",\"name\":\"add\",\"input\":{}}")
                + event(
                    "content_block_delta",
                    "{\"type\":\"content_block_delta\",\"index\":\"not-a-number\",\"delta\":"
                        + inputDelta
                        + "}")));
    for (int i = 0; i < 2; i++) {
      Throwable t = catchThrowable(() -> kimi.stream(HELLO).toCompletion());
      assertThat(t).as("case %d", i).isInstanceOf(MalformedChunkException.class);
      ChatCompletion partial = ((MalformedChunkException) t).partial();
      assertThat(partial.text()).isEqualTo("ok");
      assertThat(partial.toolCalls())
          .extracting(ToolCall::arguments)
          .containsExactly(i == 0 ? new String[0] : new String[] {""});
    }
  }

  @Test
  void anthropicErrorEnvelopesMapOntoTheSameExceptions() {
    Object[][] cases = {
      {401, "authentication_error", AuthenticationException.class, false},
      {403, "permission_error", PermissionDeniedException.class, false},
      {404, "not_found_error", NotFoundException.class, false},
      {413, "request_too_large", InvalidRequestException.class, false},
      {400, "invalid_request_error", InvalidRequestException.class, false},
      {429, "rate_limit_error", RateLimitException.class, true},
      {500, "api_error", ServerException.class, true},
      {529, "overloaded_error", EngineOverloadedException.class, true},
    };
    for (Object[] c : cases) {
      server.enqueue(
          FakeResponse.error(
              (int) c[0],
              "{\"type\":\"error\",\"error\":{\"type\":\"" + c[1] + "\",\"message\":\"boom\"}}"));
      Throwable t = catchThrowable(() -> kimi.chat(HELLO));
      assertThat(t).as("%s", c[1]).isInstanceOf((Class<?>) c[2]);
      assertThat(((ApiException) t).isRetryable()).as("%s retryable", c[1]).isEqualTo(c[3]);
      assertThat(((ApiException) t).status()).isEqualTo(c[0]);
    }
  }

  @Test
  void anOverloadedReplyIsRetriedLikeKimisOwn() {
    try (KimiClient retrying =
        KimiClient.builder()
            .apiKey(KEY)
            .baseUrl(server.anthropicBaseUrl())
            .retryPolicy(
                RetryPolicy.defaults()
                    .withBackoff(java.time.Duration.ofMillis(1), java.time.Duration.ofMillis(1)))
            .build()) {
      server.enqueue(
          FakeResponse.error(
              529,
              "{\"type\":\"error\",\"error\":{\"type\":\"overloaded_error\","
                  + "\"message\":\"Overloaded\"}}"));
      assertThat(retrying.chat(HELLO).text()).isEqualTo("You said: Hello there");
      assertThat(server.requestCount()).isEqualTo(2);
    }
  }

  @Test
  void theFakeRejectsARequestWithoutAKeyInAnthropicsShape() throws Exception {
    java.net.http.HttpClient http = java.net.http.HttpClient.newHttpClient();
    java.net.http.HttpResponse<String> r =
        http.send(
            java.net.http.HttpRequest.newBuilder(
                    java.net.URI.create(server.anthropicBaseUrl() + "/v1/messages"))
                .header("anthropic-version", "2023-06-01")
                .POST(java.net.http.HttpRequest.BodyPublishers.ofString("{}"))
                .build(),
            java.net.http.HttpResponse.BodyHandlers.ofString());
    assertThat(r.statusCode()).isEqualTo(401);
    assertThat(r.body())
        .startsWith("{\"type\":\"error\",\"error\":{\"type\":\"authentication_error\"");
    // A bearer key is taken as well: newer Anthropic clients send one, and Kimi's surface takes
    // it (kimi-api.md section 1.2); this body then fails on its content, not its key.
    java.net.http.HttpResponse<String> bearer =
        http.send(
            java.net.http.HttpRequest.newBuilder(
                    java.net.URI.create(server.anthropicBaseUrl() + "/v1/messages"))
                .header("Authorization", "Bearer " + KEY)
                .header("anthropic-version", "2023-06-01")
                .POST(java.net.http.HttpRequest.BodyPublishers.ofString("{}"))
                .build(),
            java.net.http.HttpResponse.BodyHandlers.ofString());
    assertThat(bearer.statusCode()).isEqualTo(400);
    assertThat(bearer.body()).contains("max_tokens: Field required");
  }

  @Test
  void requestsMessagesCannotExpressFailBeforeSending() {
    // a model that fixes no sampling value, so only the wire refuses n = 2
    ChatRequest twoChoices =
        HELLO.toBuilder().model("moonshot-v1-8k").n(2).temperature(0.6).build();
    assertThatThrownBy(() -> kimi.chat(twoChoices))
        .isInstanceOf(ConfigurationException.class)
        .hasMessageContaining("n = 2")
        .hasMessageContaining("WireProtocol.CHAT_COMPLETIONS");
    assertThatThrownBy(() -> kimi.stream(twoChoices)).isInstanceOf(ConfigurationException.class);
    assertThat(server.requestCount()).isZero();
  }

  @Test
  void platformCallsAreRefusedWithAClearMessage() {
    assertThatThrownBy(() -> kimi.models().list())
        .isInstanceOf(ConfigurationException.class)
        .hasMessageContaining("ANTHROPIC_MESSAGES")
        .hasMessageContaining("Endpoint.GLOBAL");
    assertThat(server.requestCount()).isZero();
  }
}
