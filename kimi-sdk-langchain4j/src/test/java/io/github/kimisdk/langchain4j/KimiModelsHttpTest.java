package io.github.kimisdk.langchain4j;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.langchain4j.agent.tool.ToolExecutionRequest;
import dev.langchain4j.agent.tool.ToolSpecification;
import dev.langchain4j.data.message.AiMessage;
import dev.langchain4j.data.message.SystemMessage;
import dev.langchain4j.data.message.ToolExecutionResultMessage;
import dev.langchain4j.data.message.UserMessage;
import dev.langchain4j.model.chat.request.ChatRequest;
import dev.langchain4j.model.chat.request.ChatRequestParameters;
import dev.langchain4j.model.chat.request.json.JsonObjectSchema;
import dev.langchain4j.model.chat.response.ChatResponse;
import dev.langchain4j.model.chat.response.CompleteToolCall;
import dev.langchain4j.model.chat.response.PartialToolCall;
import dev.langchain4j.model.chat.response.PartialToolCallContext;
import io.github.kimisdk.KimiClient;
import io.github.kimisdk.chat.Logprobs;
import io.github.kimisdk.chat.Prediction;
import io.github.kimisdk.errors.ConfigurationException;
import io.github.kimisdk.json.JsonArray;
import io.github.kimisdk.json.JsonObject;
import io.github.kimisdk.json.JsonString;
import io.github.kimisdk.json.JsonValue;
import io.github.kimisdk.testing.FakeKimiServer;
import io.github.kimisdk.testing.FakeResponse;
import io.github.kimisdk.testing.RecordedRequest;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * What the kit does not check, over HTTP against the fake: reasoning sent back verbatim, streamed
 * tool calls whose ids Kimi left blank, prompt-cache usage, and how builder and request settings
 * combine.
 */
class KimiModelsHttpTest {

  private static final ToolSpecification WEATHER =
      ToolSpecification.builder()
          .name("get_weather")
          .parameters(JsonObjectSchema.builder().addStringProperty("city").required("city").build())
          .build();

  private final FakeKimiServer server = new FakeKimiServer().start();

  @AfterEach
  void close() {
    server.close();
  }

  private KimiChatModel.Builder chat() {
    return FakeModels.chat(server);
  }

  private KimiStreamingChatModel.Builder streaming() {
    return FakeModels.streaming(server);
  }

  private static ChatRequest request(List<dev.langchain4j.data.message.ChatMessage> messages) {
    return ChatRequest.builder()
        .messages(messages)
        .parameters(ChatRequestParameters.builder().toolSpecifications(WEATHER).build())
        .build();
  }

  /** The assistant messages of a recorded request body. */
  private static List<JsonObject> assistantMessages(RecordedRequest r) {
    JsonArray messages = (JsonArray) ((JsonObject) r.json()).get("messages");
    return messages.values().stream()
        .map(JsonObject.class::cast)
        .filter(m -> ((JsonString) m.get("role")).value().equals("assistant"))
        .toList();
  }

  /** Streams a request of the messages, with the weather tool, into a new recorder. */
  private static Recorder stream(
      KimiStreamingChatModel model, dev.langchain4j.data.message.ChatMessage... messages) {
    Recorder recorder = new Recorder();
    model.chat(request(List.of(messages)), recorder);
    return recorder;
  }

  /**
   * Streams the next turn: the question, the model's tool call and the result of its first call.
   */
  private static Recorder streamResult(
      KimiStreamingChatModel model, UserMessage question, AiMessage call, String result) {
    return stream(
        model,
        question,
        call,
        ToolExecutionResultMessage.from(call.toolExecutionRequests().get(0), result));
  }

  private static String string(JsonValue v) {
    return ((JsonString) v).value();
  }

  @Test
  void thinkingComesBackAndGoesBackVerbatimOnTheNextTurn() {
    KimiChatModel model = chat().build();
    UserMessage question = UserMessage.from("What is the weather in city=Paris?");
    AiMessage call = model.chat(request(List.of(question))).aiMessage();
    assertThat(call.thinking()).isNotBlank();
    assertThat(call.toolExecutionRequests()).hasSize(1);
    ToolExecutionRequest r = call.toolExecutionRequests().get(0);

    ChatResponse answer =
        model.chat(
            request(List.of(question, call, ToolExecutionResultMessage.from(r, "sunny, 21 C"))));

    assertThat(answer.aiMessage().text()).contains("sunny, 21 C");
    JsonObject sent = assistantMessages(server.requests().get(1)).get(0);
    assertThat(string(sent.get("reasoning_content"))).isEqualTo(call.thinking());
    JsonObject sentCall = (JsonObject) ((JsonArray) sent.get("tool_calls")).values().get(0);
    assertThat(string(sentCall.get("id"))).isEqualTo(r.id());
  }

  @Test
  void streamedThinkingGoesBackVerbatimToo() throws Exception {
    KimiStreamingChatModel model = streaming().build();
    UserMessage question = UserMessage.from("What is the weather in city=Paris?");
    Recorder first = stream(model, question);
    AiMessage call = first.response().aiMessage();
    assertThat(call.thinking()).isNotBlank().isEqualTo(String.join("", first.thinking));

    Recorder second = streamResult(model, question, call, "rain");

    assertThat(second.response().aiMessage().text()).contains("rain");
    JsonObject sent = assistantMessages(server.requests().get(1)).get(0);
    assertThat(string(sent.get("reasoning_content"))).isEqualTo(call.thinking());
  }

  @Test
  void streamedCallsWithBlankIdsGetOneIdEverywhere() throws Exception {
    server
        .toolCallIds(FakeKimiServer.ToolCallIds.PER_TURN)
        .streamedToolCallIds(FakeKimiServer.StreamedToolCallIds.BLANK);
    KimiStreamingChatModel model = streaming().build();
    UserMessage question = UserMessage.from("What is the weather in city=Oslo?");
    Recorder first = stream(model, question);
    AiMessage call = first.response().aiMessage();
    String id = call.toolExecutionRequests().get(0).id();

    assertThat(id).isEqualTo("get_weather:0");
    assertThat(first.partials).isNotEmpty().allSatisfy(p -> assertThat(p.id()).isEqualTo(id));
    assertThat(first.completes)
        .singleElement()
        .satisfies(
            c ->
                assertThat(c.toolExecutionRequest())
                    .isEqualTo(call.toolExecutionRequests().get(0)));

    Recorder second = streamResult(model, question, call, "snow");
    assertThat(second.response().aiMessage().text()).contains("snow");
  }

  @Test
  void cachedPromptTokensAreReported() {
    KimiChatModel model = chat().build();
    String rules = "Answer in one short sentence, and say which rule you followed. ".repeat(40);
    model.chat(SystemMessage.from(rules), UserMessage.from("Hello"));
    KimiTokenUsage usage =
        (KimiTokenUsage)
            model.chat(SystemMessage.from(rules), UserMessage.from("Hello again")).tokenUsage();
    assertThat(usage.cachedTokenCount()).isPositive().isLessThan(usage.inputTokenCount());
  }

  @Test
  void builderValuesOverrideDefaultParametersAndRequestValuesOverrideBoth() {
    KimiChatModel model =
        chat()
            .reasoningEffort("low")
            .defaultRequestParameters(
                KimiChatRequestParameters.builder()
                    .modelName("kimi-k2.6")
                    .reasoningEffort("max")
                    .promptCacheKey("app")
                    .maxOutputTokens(300)
                    .build())
            .build();
    assertThat(model.defaultRequestParameters().modelName()).isEqualTo("kimi-k3");
    assertThat(model.defaultRequestParameters().reasoningEffort()).isEqualTo("low");
    assertThat(model.defaultRequestParameters().promptCacheKey()).isEqualTo("app");

    model.chat(
        ChatRequest.builder()
            .messages(UserMessage.from("Hi"))
            .parameters(ChatRequestParameters.builder().maxOutputTokens(200).build())
            .build());

    JsonObject body = (JsonObject) server.takeRequest().json();
    assertThat(string(body.get("model"))).isEqualTo("kimi-k3");
    assertThat(string(body.get("reasoning_effort"))).isEqualTo("low");
    assertThat(string(body.get("prompt_cache_key"))).isEqualTo("app");
    assertThat(body.get("max_completion_tokens").toString()).isEqualTo("200");
  }

  private static final String LOGPROBS =
      "{\"content\":[{\"token\":\"Hi\",\"logprob\":-0.25,\"bytes\":[72,105],"
          + "\"top_logprobs\":[{\"token\":\"Hi\",\"logprob\":-0.25,\"bytes\":[72,105]}]}]}";

  @Test
  void logprobsAndAPredictionGoOutAndTheLogprobsComeBack() {
    server.enqueue(
        FakeResponse.json(
            "{\"id\":\"chatcmpl-lp\",\"object\":\"chat.completion\",\"created\":1,"
                + "\"model\":\"kimi-k3\",\"choices\":[{\"index\":0,\"message\":{\"role\":"
                + "\"assistant\",\"content\":\"Hi\"},\"finish_reason\":\"stop\",\"logprobs\":"
                + LOGPROBS
                + "}],\"usage\":{\"prompt_tokens\":5,\"completion_tokens\":1,\"total_tokens\":6}}"));
    KimiChatModel model = chat().logprobs(true).topLogprobs(1).build();
    ChatResponse r =
        model.chat(
            ChatRequest.builder()
                .messages(UserMessage.from("Say Hi"))
                .parameters(
                    KimiChatRequestParameters.builder().prediction(Prediction.of("Hi")).build())
                .build());

    Logprobs logprobs = ((KimiChatResponseMetadata) r.metadata()).logprobs();
    assertThat(logprobs.content())
        .singleElement()
        .satisfies(
            t -> {
              assertThat(t.token()).isEqualTo("Hi");
              assertThat(t.logprob()).isEqualTo(-0.25);
            });
    JsonObject body = (JsonObject) server.takeRequest().json();
    assertThat(body.get("logprobs").toString()).isEqualTo("true");
    assertThat(body.get("top_logprobs").toString()).isEqualTo("1");
    assertThat(string(((JsonObject) body.get("prediction")).get("content"))).isEqualTo("Hi");
  }

  @Test
  void aStreamsLogprobsAreJoinedAndItsUsageChunkIsAskedFor() throws Exception {
    String head =
        "{\"id\":\"chatcmpl-lp\",\"object\":\"chat.completion.chunk\",\"created\":1,"
            + "\"model\":\"kimi-k3\",\"choices\":[{\"index\":0,";
    String token =
        "{\"content\":[{\"token\":\"%s\",\"logprob\":%s,\"bytes\":null," + "\"top_logprobs\":[]}]}";
    server.enqueue(
        FakeResponse.sse()
            .data(
                head
                    + "\"delta\":{\"role\":\"assistant\",\"content\":\"Hi\"},"
                    + "\"logprobs\":"
                    + token.formatted("Hi", "-0.5")
                    + ",\"finish_reason\":null}]}")
            .data(
                head
                    + "\"delta\":{\"content\":\"!\"},\"logprobs\":"
                    + token.formatted("!", "-1.5")
                    + ",\"finish_reason\":\"stop\"}]}")
            .done()
            .build());
    Recorder recorder = new Recorder();
    streaming().logprobs(true).includeUsage(true).build().chat("Say Hi", recorder);

    ChatResponse r = recorder.response();
    assertThat(r.aiMessage().text()).isEqualTo("Hi!");
    assertThat(((KimiChatResponseMetadata) r.metadata()).logprobs().content())
        .extracting(Logprobs.Token::token)
        .containsExactly("Hi", "!");
    JsonObject body = (JsonObject) server.takeRequest().json();
    assertThat(body.get("stream_options").toString()).contains("\"include_usage\":true");
  }

  @Test
  void anExistingClientIsUsedAsItIsAndCannotTakeClientSettings() {
    try (KimiClient client =
        KimiClient.builder().apiKey("sk-own").baseUrl(server.baseUrl()).build()) {
      KimiChatModel model = KimiChatModel.builder().client(client).modelName("kimi-k3").build();
      assertThat(model.client()).isSameAs(client);
      model.chat("Hi");
      assertThat(server.takeRequest().header("Authorization")).contains("Bearer sk-own");

      assertThatThrownBy(
              () ->
                  KimiStreamingChatModel.builder()
                      .client(client)
                      .apiKey("sk-other")
                      .maxRetries(1)
                      .modelName("kimi-k3")
                      .build())
          .isInstanceOf(IllegalStateException.class)
          .hasMessageContaining("apiKey, maxRetries");
    }
  }

  @Test
  void aModelNameIsRequired() {
    assertThatThrownBy(() -> KimiChatModel.builder().apiKey("sk-test").build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("modelName");
  }

  static Stream<Arguments> builders() {
    return Stream.of(
        Arguments.of(
            "KimiChatModel",
            (ThrowingCallable) () -> KimiChatModel.builder().modelName("kimi-k3").build()),
        Arguments.of(
            "KimiStreamingChatModel",
            (ThrowingCallable) () -> KimiStreamingChatModel.builder().modelName("kimi-k3").build()),
        Arguments.of(
            "KimiModelCatalog", (ThrowingCallable) () -> KimiModelCatalog.builder().build()));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("builders")
  void withoutAKeyTheMessageNamesTheBuilderTheUserWrote(String type, ThrowingCallable build) {
    // Maven runs these tests without the key variables (the pom leaves them out), as on a machine
    // with no key set
    assertThat(System.getenv("MOONSHOT_API_KEY")).as("run through Maven").isNull();
    assertThatThrownBy(build)
        .isExactlyInstanceOf(ConfigurationException.class)
        .hasMessageStartingWith("No Kimi API key found: set MOONSHOT_API_KEY")
        .hasMessageEndingWith("or pass a key with " + type + ".builder().apiKey(...)")
        .hasMessageNotContaining("KimiClient");
  }

  /** Records a stream's callbacks. */
  private static final class Recorder extends FakeModels.Completing {
    final List<String> thinking = new CopyOnWriteArrayList<>();
    final List<PartialToolCall> partials = new CopyOnWriteArrayList<>();
    final List<CompleteToolCall> completes = new CopyOnWriteArrayList<>();

    Recorder() {
      super(new CompletableFuture<>());
    }

    @Override
    public void onPartialThinking(dev.langchain4j.model.chat.response.PartialThinking t) {
      thinking.add(t.text());
    }

    @Override
    public void onPartialToolCall(PartialToolCall p, PartialToolCallContext context) {
      partials.add(p);
    }

    @Override
    public void onCompleteToolCall(CompleteToolCall c) {
      completes.add(c);
    }

    ChatResponse response() throws Exception {
      return done.get(10, TimeUnit.SECONDS);
    }
  }
}
