package io.github.kimisdk;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import io.github.kimisdk.chat.AssistantMessage;
import io.github.kimisdk.chat.ChatCompletion;
import io.github.kimisdk.chat.ChatRequest;
import io.github.kimisdk.chat.ChatStream;
import io.github.kimisdk.chat.Message;
import io.github.kimisdk.chat.Thinking;
import io.github.kimisdk.errors.PreflightException;
import io.github.kimisdk.host.Host;
import io.github.kimisdk.json.Json;
import io.github.kimisdk.json.JsonArray;
import io.github.kimisdk.json.JsonObject;
import io.github.kimisdk.json.JsonString;
import io.github.kimisdk.json.JsonValue;
import io.github.kimisdk.testing.FakeKimiServer;
import io.github.kimisdk.testing.RecordedRequest;
import io.github.kimisdk.tool.Tool;
import io.github.kimisdk.tool.ToolCall;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * A program written for Moonshot runs against each dialect of {@link FakeKimiServer} by changing
 * the host alone: thinking off reaches the host in its own switch; {@code reasoning()} is the
 * host's reasoning, streamed and not; a streamed K3 tool call, answered, is replayed with its
 * reasoning under the host's key and its tool id in the host's form; K3's sampling rules refuse
 * {@code temperature} 0.3 with thinking before any request, whichever host.
 */
class HostDialectsHttpTest {

  /** A host as the program configures it, and the fake's dialect that speaks as it does. */
  enum Dialect {
    MOONSHOT("moonshot", "kimi-k3", "\"thinking\":{\"type\":\"disabled\"}", "reasoning_content"),
    VLLM(
        "vllm", "moonshotai/Kimi-K3", "\"chat_template_kwargs\":{\"thinking\":false}", "reasoning"),
    SGLANG(
        "sglang",
        "moonshotai/Kimi-K3",
        "\"chat_template_kwargs\":{\"thinking\":false}",
        "reasoning_content"),
    OPENROUTER(
        "openrouter", "moonshotai/kimi-k3", "\"reasoning\":{\"effort\":\"none\"}", "reasoning"),
    FIREWORKS(
        "fireworks",
        "accounts/fireworks/models/kimi-k3",
        "\"reasoning_effort\":\"none\"",
        "reasoning_content"),
    TOGETHER("together", "moonshotai/kimi-k3", "\"reasoning\":{\"enabled\":false}", "reasoning");

    final String name;
    final String k3;
    final String thinkingOff;
    final String historyKey;

    Dialect(String name, String k3, String thinkingOff, String historyKey) {
      this.name = name;
      this.k3 = k3;
      this.thinkingOff = thinkingOff;
      this.historyKey = historyKey;
    }

    /** The host a program names for a server at {@code url} that speaks this dialect. */
    Host host(String url) {
      return switch (this) {
        case MOONSHOT -> Host.moonshot(Endpoint.of(url));
        case VLLM -> Host.vllm(url);
        case SGLANG -> Host.sglang(url);
        case OPENROUTER -> Host.OPENROUTER.withBaseUrl(url);
        case FIREWORKS -> Host.FIREWORKS.withBaseUrl(url);
        case TOGETHER -> Host.TOGETHER.withBaseUrl(url);
      };
    }

    /** Whether the host makes tool-call ids in Kimi's template form. */
    boolean templateIds() {
      return this == VLLM || this == SGLANG;
    }
  }

  private FakeKimiServer fake;

  @AfterEach
  void stop() {
    if (fake != null) {
      fake.close();
    }
  }

  /** The program, written for Moonshot: only its host changes. */
  private KimiClient client(Dialect d) {
    fake = new FakeKimiServer().dialect(d.name).start();
    return KimiClient.builder().apiKey("sk-test").host(d.host(fake.baseUrl())).build();
  }

  private static JsonObject body(RecordedRequest r) {
    return r.json().asObject();
  }

  @ParameterizedTest
  @EnumSource(Dialect.class)
  void thinkingOffReachesTheHostInItsOwnSwitch(Dialect d) {
    try (KimiClient kimi = client(d)) {
      ChatCompletion reply =
          kimi.chat(
              ChatRequest.builder("kimi-k3").addUser("hi").thinking(Thinking.disabled()).build());
      assertThat(reply.text()).isEqualTo("You said: hi");
      assertThat(reply.reasoning()).as("the model did not think").isEmpty();
    }
    RecordedRequest sent = fake.takeRequest();
    assertThat(sent.bodyText()).contains("\"model\":\"" + d.k3 + "\"", d.thinkingOff);
    assertThat(Json.write(sent.asRead().orElseThrow().get("thinking")))
        .as("what the host passed on to the model")
        .isEqualTo("{\"type\":\"disabled\"}");
    assertThat(sent.status()).isEqualTo(200);
  }

  @ParameterizedTest
  @EnumSource(Dialect.class)
  void reasoningIsTheHostsReasoningStreamedAndNot(Dialect d) {
    try (KimiClient kimi = client(d)) {
      ChatCompletion whole = kimi.chat(ChatRequest.of("kimi-k3", "hi"));
      assertThat(whole.reasoning()).isEqualTo("The user wrote \"hi\". I will repeat it back.");
      assertThat(whole.model()).isEqualTo(d.k3);

      StringBuilder streamed = new StringBuilder();
      try (ChatStream s = kimi.stream(ChatRequest.of("kimi-k3", "hi"))) {
        ChatCompletion done = s.forEachText(streamed::append, text -> {});
        assertThat(done.reasoning()).isEqualTo(whole.reasoning());
        assertThat(done.text()).isEqualTo("You said: hi");
      }
      assertThat(streamed).hasToString(whole.reasoning());
    }
  }

  @ParameterizedTest
  @EnumSource(Dialect.class)
  void aStreamsUsageIsCountedAsTheWholeReplysWhateverTheHost(Dialect d) {
    try (KimiClient kimi = client(d)) {
      ChatCompletion whole = kimi.chat(ChatRequest.of("kimi-k3", "hi"));
      long afterWhole = kimi.spend().totalTokens();
      assertThat(afterWhole).isEqualTo(whole.usage().totalTokens()).isPositive();
      ChatCompletion streamed;
      try (ChatStream s = kimi.stream(ChatRequest.of("kimi-k3", "hi"))) {
        streamed = s.toCompletion();
      }
      assertThat(streamed.usage()).as("the stream's usage").isNotNull();
      assertThat(streamed.usage().totalTokens()).isEqualTo(whole.usage().totalTokens());
      assertThat(kimi.spend().totalTokens()).isEqualTo(2 * afterWhole);
    }
  }

  /** The weather tool, in a request for kimi-k3 that thinks. */
  static ChatRequest.Builder weather() {
    return ChatRequest.builder("kimi-k3")
        .addTool(
            Tool.function(
                "get_weather",
                "The weather in a city",
                Json.parse(
                    "{\"type\":\"object\",\"properties\":{\"city\":{\"type\":\"string\"}},"
                        + "\"required\":[\"city\"]}")));
  }

  @ParameterizedTest
  @EnumSource(Dialect.class)
  void aStreamedK3ToolCallAnsweredIsReplayedUnderTheHostsKeyWithItsIdInTheHostsForm(Dialect d) {
    String id;
    try (KimiClient kimi = client(d)) {
      // K3 numbers each turn's calls from 0: the fake answers so where the host passes them on
      fake.toolCallIds(FakeKimiServer.ToolCallIds.PER_TURN);
      ChatRequest ask = weather().addUser("the weather in city=Paris").build();
      ChatCompletion called;
      try (ChatStream s = kimi.stream(ask)) {
        called = s.toCompletion();
      }
      ToolCall call = called.toolCalls().get(0);
      id = d.templateIds() ? "functions.get_weather:0" : "get_weather:0";
      assertThat(call.id()).as("the id as the host made it").isEqualTo(id);
      assertThat(called.reasoning()).isEqualTo("I will call get_weather.");

      AssistantMessage turn = called.message();
      ChatCompletion answer =
          kimi.chat(
              ask.toBuilder().addMessage(turn).addMessage(Message.tool(call, "sunny")).build());
      assertThat(answer.text()).isEqualTo("From the tools: get_weather says sunny.");
    }
    fake.takeRequest(); // the streamed call
    RecordedRequest replay = fake.takeRequest();
    JsonObject assistant = message(body(replay), "assistant");
    assertThat(text(assistant.get(d.historyKey)))
        .as("the reasoning under the key %s reads", d.name)
        .isEqualTo("I will call get_weather.");
    String other = d.historyKey.equals("reasoning") ? "reasoning_content" : "reasoning";
    assertThat(assistant.has(other)).as("%s sent once, under its key", other).isFalse();
    assertThat(text(assistant.get("tool_calls").asArray().get(0).asObject().get("id")))
        .isEqualTo(id);
    assertThat(text(message(body(replay), "tool").get("tool_call_id"))).isEqualTo(id);
    JsonObject read = message(replay.asRead().orElseThrow(), "assistant");
    assertThat(text(read.get("reasoning_content")))
        .as("the model behind the host read the earlier turn's reasoning")
        .isEqualTo("I will call get_weather.");
  }

  @ParameterizedTest
  @EnumSource(
      value = Dialect.class,
      names = {"VLLM", "SGLANG"})
  void aConversationBegunOnMoonshotContinuesOnTheTeamsServerInItsForm(Dialect d) {
    ChatRequest ask = weather().addUser("the weather in city=Paris").build();
    ChatCompletion called;
    try (FakeKimiServer moonshot =
            new FakeKimiServer().toolCallIds(FakeKimiServer.ToolCallIds.PER_TURN).start();
        KimiClient kimi =
            KimiClient.builder().apiKey("sk-test").baseUrl(moonshot.baseUrl()).build();
        ChatStream s = kimi.stream(ask)) {
      called = s.toCompletion();
    }
    assertThat(called.toolCalls().get(0).id()).as("K3's id on Moonshot").isEqualTo("get_weather:0");
    try (KimiClient team = client(d)) {
      ChatCompletion answer =
          team.chat(
              ask.toBuilder()
                  .addMessage(called.message())
                  .addMessage(Message.tool(called.toolCalls().get(0), "sunny"))
                  .build());
      assertThat(answer.text()).isEqualTo("From the tools: get_weather says sunny.");
    }
    JsonObject sent = body(fake.takeRequest());
    assertThat(
            text(
                message(sent, "assistant").get("tool_calls").asArray().get(0).asObject().get("id")))
        .isEqualTo("functions.get_weather:0");
    assertThat(text(message(sent, "tool").get("tool_call_id")))
        .isEqualTo("functions.get_weather:0");
    assertThat(text(message(sent, "assistant").get(d.historyKey)))
        .isEqualTo("I will call get_weather.");
  }

  @ParameterizedTest
  @EnumSource(Dialect.class)
  void k3sSamplingRulesRefuseTemperatureWithThinkingBeforeAnyRequest(Dialect d) {
    try (KimiClient kimi = client(d)) {
      ChatRequest hot =
          ChatRequest.builder("kimi-k3")
              .addUser("hi")
              .temperature(0.3)
              .thinking(Thinking.enabled())
              .build();
      assertThat(catchThrowable(() -> kimi.chat(hot)))
          .isInstanceOf(PreflightException.class)
          .hasMessageContaining("temperature");
      assertThat(catchThrowable(() -> kimi.stream(hot).toCompletion()))
          .isInstanceOf(PreflightException.class);
      assertThat(catchThrowable(() -> kimi.chat(hot.toBuilder().model(d.k3).build())))
          .as("the host's own id names the same model and its rules")
          .isInstanceOf(PreflightException.class);
    }
    assertThat(fake.requestCount()).isZero();
  }

  /** The first message of {@code role} in a request's body. */
  static JsonObject message(JsonObject body, String role) {
    for (JsonValue m : ((JsonArray) body.get("messages")).values()) {
      if (m instanceof JsonObject o && role.equals(text(o.get("role")))) {
        return o;
      }
    }
    throw new AssertionError("no " + role + " message in " + body);
  }

  static String text(JsonValue v) {
    return v instanceof JsonString s ? s.value() : v == null ? null : Json.write(v);
  }
}
