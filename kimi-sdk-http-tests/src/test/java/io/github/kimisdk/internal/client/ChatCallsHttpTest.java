package io.github.kimisdk.internal.client;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.kimisdk.KimiClient;
import io.github.kimisdk.RateLimit;
import io.github.kimisdk.RetryPolicy;
import io.github.kimisdk.chat.ChatRequest;
import io.github.kimisdk.chat.Message;
import io.github.kimisdk.chat.completions.MessageForm;
import io.github.kimisdk.internal.wire.chat.ChatCodec;
import io.github.kimisdk.model.ModelCatalog;
import io.github.kimisdk.model.ModelInfo;
import io.github.kimisdk.testing.FakeKimiExtension;
import io.github.kimisdk.testing.FakeKimiServer;
import io.github.kimisdk.testing.FakeResponse;
import io.github.kimisdk.testing.RecordedRequest;
import io.github.kimisdk.token.ContextBudget;
import io.github.kimisdk.tool.JsonSchema;
import io.github.kimisdk.tool.Tool;
import io.github.kimisdk.tool.ToolCall;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The chat path of the client ({@link ChatCalls}) over loopback: a request is encoded once per call
 * and every attempt sends those bytes, its tools are encoded once for the preflight budget and the
 * rate limiter's charge together, and what the body depends on is read from the client's catalog.
 */
@ExtendWith(FakeKimiExtension.class)
class ChatCallsHttpTest {

  /** A tool of this case's own, so no other test's encoding of it is remembered. */
  static Tool probe(String name) {
    return Tool.function(
        name,
        "Counts how often a request is encoded",
        JsonSchema.object().required("n", JsonSchema.integer()).build().toJson());
  }

  @ParameterizedTest(name = "stream: {0}")
  @ValueSource(booleans = {false, true})
  void aRequestIsEncodedOnceWithToolsPreflightAndARateLimit(
      boolean stream, FakeKimiServer server, FakeKimiExtension.Clients clients) {
    KimiClient kimi =
        clients.build(
            b ->
                b.preflight(ContextBudget.defaults())
                    .rateLimit(RateLimit.builder().tokensPerMinute(10_000_000).build())
                    .retryPolicy(
                        RetryPolicy.defaults()
                            .withBackoff(Duration.ofMillis(1), Duration.ofMillis(1))));
    ChatRequest request =
        ChatRequest.builder("kimi-k2.6")
            .addUser("What is 2 + 2?")
            .tools(List.of(probe("encode_once_" + stream)))
            .build();
    server.enqueue(FakeResponse.error(500, "{\"error\":{\"type\":\"server_error\"}}"));
    long bodies = ChatCodec.requestEncodings();
    long tools = MessageForm.toolsEncodings();

    String text = stream ? kimi.stream(request).toCompletion().text() : kimi.chat(request).text();

    assertThat(text).isNotNull();
    assertThat(server.requestCount()).as("two attempts").isEqualTo(2);
    assertThat(ChatCodec.requestEncodings() - bodies)
        .as("the body is encoded once, and both attempts send it")
        .isEqualTo(1);
    assertThat(MessageForm.toolsEncodings() - tools)
        .as("the tools are encoded once for the preflight count and the limiter's charge")
        .isEqualTo(1);
    List<RecordedRequest> sent = server.requests();
    assertThat(sent.get(1).body()).isEqualTo(sent.get(0).body());
  }

  @Test
  void theBodyFollowsTheClientsCatalogNotTheDefaultOne(
      FakeKimiServer server, FakeKimiExtension.Clients clients) {
    // a model only this client's catalog knows, one that thinks: Kimi wants reasoning_content on
    // every assistant tool-call message of its history, so the codec fills in the placeholder
    ModelCatalog mine =
        ModelCatalog.defaults()
            .with(
                ModelInfo.builder("house-thinker")
                    .contextWindow(131_072)
                    .thinking(ModelInfo.ThinkingSupport.ALWAYS)
                    .build());
    ChatRequest request =
        ChatRequest.builder("house-thinker")
            .addUser("What is 2 + 2?")
            .addMessage(
                Message.assistant(
                    null, null, List.of(ToolCall.function("calc:0", "calc", "{\"x\":2}"))))
            .addMessage(Message.tool("calc:0", "calc", "4"))
            .build();
    server.lenient(); // the fake does not know the model
    KimiClient own = clients.build(b -> b.catalog(mine).modelChecks(false));
    KimiClient plain = clients.build(b -> b.modelChecks(false));

    own.chat(request);
    plain.chat(request);

    List<RecordedRequest> sent = server.requests();
    assertThat(sent.get(0).bodyText())
        .as("the client's catalog says the model thinks")
        .contains("\"reasoning_content\":\" \"");
    assertThat(sent.get(1).bodyText())
        .as("the default catalog does not know the model")
        .doesNotContain("reasoning_content");
  }
}
