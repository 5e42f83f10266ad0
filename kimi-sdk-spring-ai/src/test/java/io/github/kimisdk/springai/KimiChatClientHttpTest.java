package io.github.kimisdk.springai;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.kimisdk.chat.CacheTtl;
import io.github.kimisdk.errors.AuthenticationException;
import io.github.kimisdk.json.JsonObject;
import io.github.kimisdk.json.JsonValue;
import io.github.kimisdk.testing.FakeResponse;
import io.github.kimisdk.tool.ToolCall;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.springframework.ai.chat.client.ChatClient;
import org.springframework.ai.chat.client.advisor.MessageChatMemoryAdvisor;
import org.springframework.ai.chat.client.advisor.ToolCallingAdvisor;
import org.springframework.ai.chat.memory.ChatMemory;
import org.springframework.ai.chat.memory.MessageWindowChatMemory;
import org.springframework.ai.chat.messages.AssistantMessage;
import org.springframework.ai.chat.metadata.Usage;
import org.springframework.ai.chat.model.ChatResponse;
import org.springframework.ai.chat.prompt.ChatOptions;
import org.springframework.ai.tool.annotation.Tool;
import org.springframework.ai.tool.annotation.ToolParam;

/** Kimi's model through Spring AI's ChatClient, end to end against the fake Kimi. */
class KimiChatClientHttpTest {

  @RegisterExtension final FakeKimi kimi = new FakeKimi();

  private final ChatClient chat = ChatClient.create(kimi.model());

  /** A record the model's JSON reply becomes. */
  record City(String name, int population) {}

  /** A tool ChatClient runs when the model asks for it. */
  static final class Weather {
    final List<String> asked = new CopyOnWriteArrayList<>();

    @Tool(description = "Tells the weather in a city")
    String weather(@ToolParam(description = "the city") String city) {
      asked.add(city);
      return "sunny in " + city;
    }
  }

  @Test
  void callReturnsTheReplyWithItsReasoningIdModelFinishReasonAndUsage() {
    kimi.server.enqueue(FakeResponse.reply("Hello from Kimi"));

    ChatResponse response = chat.prompt("Hello from Spring").call().chatResponse();

    AssistantMessage message = response.getResult().getOutput();
    assertThat(message.getText()).isEqualTo("Hello from Kimi");
    assertThat(message.getMetadata().get(KimiChatModel.REASONING_CONTENT))
        .asString()
        .isNotEmpty(); // kimi-k3 thinks
    assertThat(response.getResult().getMetadata().getFinishReason()).isEqualTo("STOP");
    assertThat(response.getMetadata().getId()).startsWith("chatcmpl");
    assertThat(response.getMetadata().getModel()).isEqualTo("kimi-k3");
    Usage usage = response.getMetadata().getUsage();
    assertThat(usage.getPromptTokens()).isPositive();
    assertThat(usage.getCompletionTokens()).isPositive();
    assertThat(usage.getNativeUsage()).isInstanceOf(io.github.kimisdk.chat.Usage.class);
    JsonObject sent = kimi.requests().get(0);
    assertThat(sent.get("model").asString()).isEqualTo("kimi-k3");
    assertThat(sent.has("stream")).isFalse();
    assertThat(FakeKimi.messages(sent))
        .singleElement()
        .satisfies(
            m -> {
              assertThat(m.get("role").asString()).isEqualTo("user");
              assertThat(m.get("content").asString()).isEqualTo("Hello from Spring");
            });
  }

  @Test
  void streamSendsThePiecesThenALastResponseWithFinishReasonAndUsage() {
    kimi.server.enqueue(FakeResponse.reply("Once upon a time there was a stream"));

    List<ChatResponse> responses =
        chat.prompt("Tell a story").stream().chatResponse().collectList().block();

    assertThat(responses).hasSizeGreaterThan(2);
    String text =
        responses.stream()
            .map(r -> r.getResult() == null ? "" : r.getResult().getOutput().getText())
            .collect(Collectors.joining());
    assertThat(text).isEqualTo("Once upon a time there was a stream");
    ChatResponse last = responses.get(responses.size() - 1);
    assertThat(last.getResult().getMetadata().getFinishReason()).isEqualTo("STOP");
    assertThat(last.getMetadata().getUsage().getCompletionTokens()).isPositive();
    assertThat(last.getResult().getOutput().getMetadata().get(KimiChatModel.REASONING_CONTENT))
        .isEqualTo("I will answer with the reply I was given.");
    assertThat(kimi.requests().get(0).get("stream").asBoolean()).isTrue();
  }

  @Test
  void streamContentIsTheReplyText() {
    kimi.server.enqueue(FakeResponse.reply("Pieces of a reply"));

    String text = chat.prompt("Say it").stream().content().collect(Collectors.joining()).block();

    assertThat(text).isEqualTo("Pieces of a reply");
  }

  /** The fake's two answers to Paris's weather: a call of the weather tool, then the reply. */
  private void enqueueParisWeather() {
    kimi.server.enqueue(
        FakeResponse.toolCalls(ToolCall.function(null, "weather", "{\"city\":\"Paris\"}")));
    kimi.server.enqueue(FakeResponse.reply("It is sunny in Paris."));
  }

  @Test
  void toolLoopRunsTheToolAndSendsItsResultBackWithTheReasoning() {
    Weather weather = new Weather();
    enqueueParisWeather();

    String answer = chat.prompt("What is the weather in Paris?").tools(weather).call().content();

    assertThat(answer).isEqualTo("It is sunny in Paris.");
    assertThat(weather.asked).containsExactly("Paris");
    assertToolLoopRequests();
  }

  @Test
  void streamedToolLoopRunsTheToolAndSendsItsResultBackWithTheReasoning() {
    Weather weather = new Weather();
    enqueueParisWeather();

    String answer =
        chat.prompt("What is the weather in Paris?").tools(weather).stream()
            .content()
            .collect(Collectors.joining())
            .block();

    assertThat(answer).isEqualTo("It is sunny in Paris.");
    assertThat(weather.asked).containsExactly("Paris");
    assertToolLoopRequests();
  }

  /** The first request declares the tool; the second carries the call, reasoning and result. */
  private void assertToolLoopRequests() {
    List<JsonObject> requests = kimi.requests();
    assertThat(requests).hasSize(2);
    JsonValue tool = requests.get(0).get("tools").asArray().get(0).get("function");
    assertThat(tool.get("name").asString()).isEqualTo("weather");
    assertThat(tool.get("description").asString()).isEqualTo("Tells the weather in a city");
    assertThat(tool.get("parameters").get("properties").get("city").get("type").asString())
        .isEqualTo("string");
    List<JsonObject> second = FakeKimi.messages(requests.get(1));
    assertThat(second)
        .extracting(m -> m.get("role").asString())
        .containsExactly("user", "assistant", "tool");
    JsonObject call = second.get(1);
    assertThat(call.get("reasoning_content").asString()).isEqualTo("I will call weather.");
    JsonValue toolCall = call.get("tool_calls").asArray().get(0);
    assertThat(toolCall.get("function").get("name").asString()).isEqualTo("weather");
    JsonObject result = second.get(2);
    assertThat(result.get("tool_call_id").asString()).isEqualTo(toolCall.get("id").asString());
    assertThat(result.get("content").asString()).isEqualTo("\"sunny in Paris\"");
  }

  @Test
  void entityReadsTheJsonReplyIntoARecordAfterAskingForIt() {
    kimi.server.enqueue(FakeResponse.reply("{\"name\":\"Paris\",\"population\":2100000}"));

    City city = chat.prompt("Which is the largest city of France?").call().entity(City.class);

    assertThat(city).isEqualTo(new City("Paris", 2100000));
    String asked = FakeKimi.messages(kimi.requests().get(0)).get(0).get("content").asString();
    assertThat(asked)
        .startsWith("Which is the largest city of France?")
        .contains("JSON")
        .contains("\"population\"");
  }

  @Test
  void entityWithProviderStructuredOutputSendsTheSchemaAsResponseFormat() {
    kimi.server.enqueue(FakeResponse.reply("{\"name\":\"Lyon\",\"population\":520000}"));

    City city =
        chat.prompt("A French city")
            .call()
            .entity(City.class, spec -> spec.useProviderStructuredOutput());

    assertThat(city).isEqualTo(new City("Lyon", 520000));
    JsonValue format = kimi.requests().get(0).get("response_format");
    assertThat(format.get("type").asString()).isEqualTo("json_schema");
    JsonValue schema = format.get("json_schema");
    assertThat(schema.get("name").asString()).isEqualTo(KimiChatOptions.OUTPUT_SCHEMA_NAME);
    assertThat(schema.get("schema").get("properties").asObject().names())
        .containsExactlyInAnyOrder("name", "population");
  }

  /** A client whose memory advisor keeps its conversations in {@code memory}. */
  private ChatClient remembering(ChatMemory memory) {
    return ChatClient.builder(kimi.model())
        .defaultAdvisors(MessageChatMemoryAdvisor.builder(memory).build())
        .build();
  }

  /** A client with memory, whose fake answers Ada's two turns: her name, then her question. */
  private ChatClient rememberingAda(ChatMemory memory) {
    kimi.server.enqueue(FakeResponse.reply("Nice to meet you, Ada."));
    kimi.server.enqueue(FakeResponse.reply("Your name is Ada."));
    return remembering(memory);
  }

  /** Ada's turn, in her conversation. */
  private static ChatClient.ChatClientRequestSpec ada(ChatClient client, String text) {
    return client.prompt(text).advisors(a -> a.param(ChatMemory.CONVERSATION_ID, "ada"));
  }

  @Test
  void chatMemorySendsTheFirstExchangeWithTheSecondQuestion() {
    ChatMemory memory = MessageWindowChatMemory.builder().build();
    ChatClient remembering = rememberingAda(memory);

    ada(remembering, "My name is Ada.").call().content();
    String second = ada(remembering, "What is my name?").call().content();

    assertThat(second).isEqualTo("Your name is Ada.");
    List<JsonObject> sent = FakeKimi.messages(kimi.requests().get(1));
    assertThat(sent)
        .extracting(m -> m.get("role").asString())
        .containsExactly("user", "assistant", "user");
    assertThat(sent.get(0).get("content").asString()).isEqualTo("My name is Ada.");
    assertThat(sent.get(1).get("content").asString()).isEqualTo("Nice to meet you, Ada.");
    assertThat(sent.get(1).get("reasoning_content").asString())
        .isEqualTo("I will answer with the reply I was given.");
    assertThat(sent.get(2).get("content").asString()).isEqualTo("What is my name?");
  }

  /**
   * Spring AI 2's agent setup with memory inside the tool loop: the tool-calling advisor keeps no
   * history of its own and the memory advisor, ordered after it, replays the conversation on each
   * step. Without a system message of the application's, the tool-calling advisor sends {@code
   * prompt.getSystemMessage()}, an empty system message, on every tool step.
   */
  private ChatClient agentWithMemoryInsideTheToolLoop(ChatMemory memory) {
    return ChatClient.builder(kimi.model())
        .defaultAdvisors(
            ToolCallingAdvisor.builder().disableInternalConversationHistory().build(),
            MessageChatMemoryAdvisor.builder(memory)
                .order(ToolCallingAdvisor.DEFAULT_ORDER + 1)
                .build())
        .build();
  }

  /** Paris's weather asked of the agent with memory inside the tool loop, in conversation agent. */
  private ChatClient.ChatClientRequestSpec askParisWeather(ChatMemory memory, Weather weather) {
    return agentWithMemoryInsideTheToolLoop(memory)
        .prompt("What is the weather in Paris?")
        .tools(weather)
        .advisors(a -> a.param(ChatMemory.CONVERSATION_ID, "agent"));
  }

  @Test
  void memoryInsideTheToolLoopWithoutASystemMessageRunsTheLoopAndSendsNoEmptySystemMessage() {
    ChatMemory memory = MessageWindowChatMemory.builder().build();
    Weather weather = new Weather();
    enqueueParisWeather();

    String answer = askParisWeather(memory, weather).call().content();

    assertThat(answer).isEqualTo("It is sunny in Paris.");
    assertThat(weather.asked).containsExactly("Paris");
    assertToolLoopRequests();
  }

  @Test
  void streamedMemoryInsideTheToolLoopWithoutASystemMessageRunsTheLoop() {
    ChatMemory memory = MessageWindowChatMemory.builder().build();
    Weather weather = new Weather();
    enqueueParisWeather();

    String answer =
        askParisWeather(memory, weather).stream().content().collect(Collectors.joining()).block();

    assertThat(answer).isEqualTo("It is sunny in Paris.");
    assertToolLoopRequests();
  }

  @Test
  void memoryInsideTheToolLoopKeepsTheApplicationsSystemMessage() {
    ChatMemory memory = MessageWindowChatMemory.builder().build();
    enqueueParisWeather();

    agentWithMemoryInsideTheToolLoop(memory)
        .prompt()
        .system("You are terse.")
        .user("What is the weather in Paris?")
        .tools(new Weather())
        .advisors(a -> a.param(ChatMemory.CONVERSATION_ID, "agent"))
        .call()
        .content();

    for (JsonObject request : kimi.requests()) {
      List<JsonObject> messages = FakeKimi.messages(request);
      assertThat(messages.get(0).get("role").asString()).isEqualTo("system");
      assertThat(messages.get(0).get("content").asString()).isEqualTo("You are terse.");
    }
  }

  @Test
  void streamedChatMemoryKeepsTheWholeReasoningAndSendsItBack() {
    ChatMemory memory = MessageWindowChatMemory.builder().build();
    ChatClient remembering = rememberingAda(memory);

    ada(remembering, "My name is Ada.").stream().content().blockLast();
    ada(remembering, "What is my name?").stream().content().blockLast();

    org.springframework.ai.chat.messages.Message kept = memory.get("ada").get(1);
    assertThat(kept.getMetadata().get("reasoningContent"))
        .isEqualTo("I will answer with the reply I was given.");
    List<JsonObject> sent = FakeKimi.messages(kimi.requests().get(1));
    assertThat(sent.get(1).get("content").asString()).isEqualTo("Nice to meet you, Ada.");
    assertThat(sent.get(1).get("reasoning_content").asString())
        .isEqualTo("I will answer with the reply I was given.");
  }

  /** The weather tool's result for the call {@code id}. */
  private static org.springframework.ai.chat.messages.ToolResponseMessage weatherResult(
      String id, String result) {
    return org.springframework.ai.chat.messages.ToolResponseMessage.builder()
        .responses(
            List.of(
                new org.springframework.ai.chat.messages.ToolResponseMessage.ToolResponse(
                    id, "weather", result)))
        .build();
  }

  @Test
  void aHistoryWrittenBySpringAisOpenAiModuleKeepsK3sReasoningAndFillsWhatIsMissing() {
    ChatMemory memory = MessageWindowChatMemory.builder().build();
    // Two earlier turns, kept by a memory advisor while Spring AI's OpenAI module served them:
    // one from K3 through that module (its reasoning under reasoningContent), one from a model
    // that did not reason (reasoningContent "").
    memory.add(
        "mixed",
        List.of(
            new org.springframework.ai.chat.messages.UserMessage("Weather in Paris?"),
            MappingTest.asSpringAisOpenAiModuleBuildsIt(
                "K3 reasoned through the OpenAI module",
                ToolCall.function("call_1", "weather", "{\"city\":\"Paris\"}")),
            weatherResult("call_1", "sunny"),
            new AssistantMessage("Sunny in Paris."),
            new org.springframework.ai.chat.messages.UserMessage("And in Lyon?"),
            MappingTest.asSpringAisOpenAiModuleBuildsIt(
                "", ToolCall.function("call_2", "weather", "{\"city\":\"Lyon\"}")),
            weatherResult("call_2", "rain"),
            new AssistantMessage("Rain in Lyon.")));
    kimi.server.enqueue(FakeResponse.reply("Take an umbrella to Lyon."));

    String answer =
        remembering(memory)
            .prompt("Where do I need an umbrella?")
            .advisors(a -> a.param(ChatMemory.CONVERSATION_ID, "mixed"))
            .call()
            .content();

    assertThat(answer).isEqualTo("Take an umbrella to Lyon.");
    List<JsonObject> sent = FakeKimi.messages(kimi.requests().get(0));
    assertThat(sent)
        .extracting(m -> m.get("role").asString())
        .containsExactly(
            "user",
            "assistant",
            "tool",
            "assistant",
            "user",
            "assistant",
            "tool",
            "assistant",
            "user");
    assertThat(sent.get(1).get("reasoning_content").asString())
        .isEqualTo("K3 reasoned through the OpenAI module");
    // No reasoning: kimi-k3 keeps every turn's reasoning, and the SDK fills the one value no report
    // says Kimi rejects, never the "" the OpenAI module wrote.
    assertThat(sent.get(5).get("reasoning_content").asString()).isEqualTo(" ");
  }

  @Test
  void defaultAndRequestOptionsReachTheRequest() {
    ChatClient configured =
        ChatClient.builder(
                KimiChatModel.builder()
                    .kimiClient(kimi.client)
                    .options(
                        KimiChatOptions.builder()
                            .model("kimi-k3")
                            .reasoningEffort("high")
                            .promptCacheKey("support-bot")
                            .build())
                    .build())
            .build();
    kimi.server.enqueue(FakeResponse.reply("ok"));

    configured
        .prompt("Hi")
        .options(KimiChatOptions.builder().maxTokens(500).promptCacheTtl(CacheTtl.ONE_HOUR))
        .call()
        .content();

    JsonObject sent = kimi.requests().get(0);
    assertThat(sent.get("reasoning_effort").asString()).isEqualTo("high");
    assertThat(sent.get("prompt_cache_key").asString()).isEqualTo("support-bot");
    assertThat(sent.get("max_completion_tokens").asInt()).isEqualTo(500);
    assertThat(sent.get("prompt_cache_options").get("ttl").asString()).isEqualTo("1h");
  }

  @Test
  void usageCarriesCachedTokensAndTheResponseKimisRequestIdAndRateLimits() {
    kimi.server.enqueue(
        FakeResponse.json(
                "{\"id\":\"chatcmpl-c\",\"object\":\"chat.completion\",\"created\":1,"
                    + "\"model\":\"kimi-k3\",\"choices\":[{\"index\":0,\"message\":{\"role\":"
                    + "\"assistant\",\"content\":\"cached\"},\"finish_reason\":\"stop\"}],"
                    + "\"usage\":{\"prompt_tokens\":300,\"completion_tokens\":2,"
                    + "\"total_tokens\":302,\"cached_tokens\":256}}")
            .withHeader("Msh-Request-Id", "req-spring-1")
            .withHeader("X-RateLimit-Remaining-Requests", "99"));

    ChatResponse response = chat.prompt("Again").call().chatResponse();

    Usage usage = response.getMetadata().getUsage();
    assertThat(usage.getPromptTokens()).isEqualTo(300);
    assertThat(usage.getTotalTokens()).isEqualTo(302);
    assertThat(usage.getCacheReadInputTokens()).isEqualTo(256L);
    assertThat(response.getMetadata().<String>get(KimiChatModel.REQUEST_ID))
        .isEqualTo("req-spring-1");
    assertThat(response.getMetadata().<Object>get(KimiChatModel.RATE_LIMIT_HEADERS))
        .isEqualTo(java.util.Map.of("x-ratelimit-remaining-requests", "99"));
  }

  @Test
  void kimisOtherOptionsReachTheWireAndLogprobsComeBackInTheGenerationsMetadata() {
    kimi.server.enqueue(
        FakeResponse.json(
            "{\"id\":\"chatcmpl-l\",\"object\":\"chat.completion\",\"created\":1,"
                + "\"model\":\"kimi-k3\",\"choices\":[{\"index\":0,\"message\":{\"role\":"
                + "\"assistant\",\"content\":\"Hi\"},\"finish_reason\":\"stop\","
                + "\"logprobs\":{\"content\":[{\"token\":\"Hi\",\"logprob\":-0.25,"
                + "\"bytes\":[72,105],\"top_logprobs\":[]}]}}],"
                + "\"usage\":{\"prompt_tokens\":3,\"completion_tokens\":1,\"total_tokens\":4}}"));

    ChatResponse response;
    // a seed, which Moonshot's API does not document and ignores, sent deliberately
    try (io.github.kimisdk.KimiClient seeding =
        io.github.kimisdk.KimiClient.builder()
            .apiKey(FakeKimi.KEY)
            .baseUrl(kimi.server.baseUrl())
            .deliberateFields("seed")
            .build()) {
      response =
          ChatClient.create(KimiChatModel.builder().kimiClient(seeding).build())
              .prompt("Hello")
              .options(
                  KimiChatOptions.builder()
                      .toolChoice(io.github.kimisdk.tool.ToolChoice.none())
                      .safetyIdentifier("user-4f1c")
                      .logprobs(true)
                      .topLogprobs(2)
                      .prediction(io.github.kimisdk.chat.Prediction.of("Hi"))
                      .extraBody(java.util.Map.of("seed", 42)))
              .call()
              .chatResponse();
    }

    JsonObject sent = kimi.requests().get(0);
    assertThat(sent.get("tool_choice").asString()).isEqualTo("none");
    assertThat(sent.get("safety_identifier").asString()).isEqualTo("user-4f1c");
    assertThat(sent.get("logprobs").asBoolean()).isTrue();
    assertThat(sent.get("top_logprobs").asInt()).isEqualTo(2);
    assertThat(sent.get("prediction").get("content").asString()).isEqualTo("Hi");
    assertThat(sent.get("seed").asInt()).isEqualTo(42);
    io.github.kimisdk.chat.Logprobs logprobs =
        response.getResult().getMetadata().get(KimiChatModel.LOGPROBS);
    assertThat(logprobs.content())
        .singleElement()
        .satisfies(t -> assertThat(t.token()).isEqualTo("Hi"));
  }

  @Test
  void aStreamAsksForTheUsageChunkAndItsLastResponseHasTheWholeUsage() {
    kimi.server.enqueue(FakeResponse.reply("Counted"));

    List<ChatResponse> responses =
        chat.prompt("Count").stream().chatResponse().collectList().block();

    assertThat(kimi.requests().get(0).get("stream_options").get("include_usage").asBoolean())
        .isTrue();
    Usage usage = responses.get(responses.size() - 1).getMetadata().getUsage();
    assertThat(usage.getPromptTokens()).isPositive();
    assertThat(usage.getTotalTokens())
        .isEqualTo(usage.getPromptTokens() + usage.getCompletionTokens());
  }

  @Test
  void aFailureIsTheSdksException() {
    kimi.server.enqueue(
        FakeResponse.error(
            401,
            "{\"error\":{\"type\":\"invalid_authentication_error\",\"message\":\"Invalid"
                + " Authentication\"}}"));

    assertThatThrownBy(() -> chat.prompt("Hello").call().content())
        .isInstanceOf(AuthenticationException.class);
  }

  @Test
  void topKIsRefusedBeforeAnythingIsSent() {
    assertThatThrownBy(
            () -> chat.prompt("Hello").options(ChatOptions.builder().topK(5)).call().content())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("topK");
    assertThat(kimi.server.requestCount()).isZero();
  }

  @Test
  void cancellingTheStreamClosesTheCallToKimi() {
    FakeResponse.SseBuilder slow = FakeResponse.sse();
    for (int i = 0; i < 400; i++) {
      slow.data(chunk(i == 0 ? "Once" : " upon")).pause(Duration.ofMillis(50));
    }
    kimi.server.enqueue(slow.done().build());

    String first = chat.prompt("A long story").stream().content().blockFirst(); // then cancels

    assertThat(first).isEqualTo("Once");
    // Long before the 20 s the reply would take, the SDK has closed its connection.
    assertThat(
            kimi.server.awaitConnections(
                () ->
                    kimi.server.clientClosedConnections() > 0 && kimi.server.activeExchanges() == 0,
                Duration.ofSeconds(10)))
        .as("the call to Kimi closed by the client")
        .isTrue();
  }

  private static String chunk(String text) {
    return "{\"id\":\"chatcmpl-slow\",\"object\":\"chat.completion.chunk\",\"created\":1,"
        + "\"model\":\"kimi-k3\",\"choices\":[{\"index\":0,\"delta\":{\"content\":\""
        + text
        + "\"},\"finish_reason\":null}]}";
  }
}
