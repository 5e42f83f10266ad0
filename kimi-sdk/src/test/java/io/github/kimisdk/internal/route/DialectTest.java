package io.github.kimisdk.internal.route;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.kimisdk.chat.AssistantMessage;
import io.github.kimisdk.chat.ChatRequest;
import io.github.kimisdk.chat.Message;
import io.github.kimisdk.chat.Thinking;
import io.github.kimisdk.chat.ToolMessage;
import io.github.kimisdk.host.Host;
import io.github.kimisdk.json.Json;
import io.github.kimisdk.json.JsonObject;
import io.github.kimisdk.json.JsonString;
import io.github.kimisdk.json.JsonValue;
import io.github.kimisdk.tool.ToolCall;
import java.util.List;
import org.junit.jupiter.api.Test;

/** {@link Dialect}: each host's translation of a request in Kimi's form, one case per rule. */
class DialectTest {

  private static final Host VLLM = Host.vllm("http://127.0.0.1:8000/v1");
  private static final Host SGLANG = Host.sglang("http://127.0.0.1:30000/v1");

  private static ChatRequest.Builder k3() {
    return ChatRequest.builder("kimi-k3").addUser("Hi");
  }

  @Test
  void moonshotSendsTheRequestAsItIs() {
    ChatRequest r = k3().thinking(Thinking.disabled()).build();
    assertThat(Dialect.translate(Host.MOONSHOT, r)).isSameAs(r);
    assertThat(Dialect.translate(Host.moonshot(io.github.kimisdk.Endpoint.CHINA), r)).isSameAs(r);
  }

  @Test
  void aStreamAsksAHostThatIsNotMoonshotForItsUsage() {
    ChatRequest streamed = k3().stream(true).build();
    assertThat(Dialect.translate(VLLM, streamed).includeUsage()).isTrue();
    assertThat(Dialect.translate(Host.TOGETHER, streamed).includeUsage()).isTrue();
    assertThat(Dialect.translate(Host.MOONSHOT, streamed))
        .as("Moonshot puts the usage in the finishing chunk unasked")
        .isSameAs(streamed);
    assertThat(Dialect.translate(VLLM, k3().build()).includeUsage())
        .as("a whole reply carries its usage")
        .isFalse();
    ChatRequest asked = k3().stream(true).includeUsage(true).build();
    assertThat(Dialect.translate(VLLM, asked).includeUsage()).isTrue();
  }

  @Test
  void aHostNamesTheModelByItsOwnId() {
    assertThat(Dialect.translate(VLLM, k3().build()).model()).isEqualTo("moonshotai/Kimi-K3");
    assertThat(Dialect.translate(Host.OPENROUTER, k3().build()).model())
        .isEqualTo("moonshotai/kimi-k3");
    assertThat(Dialect.translate(Host.FIREWORKS, ChatRequest.of("kimi-k2.6", "Hi")).model())
        .isEqualTo("accounts/fireworks/models/kimi-k2p6");
    assertThat(Dialect.translate(VLLM.withModelId("kimi-k3", "kimi-k3-fp8"), k3().build()).model())
        .isEqualTo("kimi-k3-fp8");
  }

  @Test
  void theHostsIdReadsBackAsKimis() {
    assertThat(VLLM.kimiModel("moonshotai/Kimi-K3")).isEqualTo("kimi-k3");
    assertThat(VLLM.kimiModel("MOONSHOTAI/kimi-k3")).isEqualTo("kimi-k3");
    assertThat(Host.OPENROUTER.kimiModel("moonshotai/kimi-k3.1-pro")).isEqualTo("kimi-k3.1-pro");
    assertThat(VLLM.kimiModel("some-other-model")).isEqualTo("some-other-model");
  }

  @Test
  void chatTemplateKwargsSwitchThinkingOff() {
    ChatRequest out = Dialect.translate(VLLM, k3().thinking(Thinking.disabled()).build());
    assertThat(out.thinking()).isNull();
    assertThat(out.reasoningEffort()).isNull();
    assertThat(out.extraBody().get("chat_template_kwargs"))
        .isEqualTo(Json.parse("{\"thinking\":false}"));
  }

  @Test
  void chatTemplateKwargsCarryTheEffortAndPreserveThinkingAsTheVendorVerifierSendsThem() {
    ChatRequest out = Dialect.translate(SGLANG, k3().reasoningEffort("high").build());
    assertThat(out.extraBody().get("chat_template_kwargs"))
        .isEqualTo(
            Json.parse(
                "{\"thinking\":true,\"preserve_thinking\":true,\"thinking_effort\":\"high\"}"));
    assertThat(out.reasoningEffort()).isNull();
    ChatRequest inObject =
        Dialect.translate(SGLANG, k3().thinking(Thinking.enabled().withEffort("max")).build());
    assertThat(inObject.extraBody().get("chat_template_kwargs"))
        .isEqualTo(
            Json.parse(
                "{\"thinking\":true,\"preserve_thinking\":true,\"thinking_effort\":\"max\"}"));
  }

  @Test
  void chatTemplateKwargsTheCallerSetAreKept() {
    ChatRequest r =
        k3().thinking(Thinking.disabled())
            .extraBody("chat_template_kwargs", JsonObject.of("custom", JsonString.of("x")))
            .build();
    assertThat(Dialect.translate(VLLM, r).extraBody().get("chat_template_kwargs"))
        .isEqualTo(Json.parse("{\"custom\":\"x\",\"thinking\":false}"));
  }

  private static JsonValue reasoning(Host host, ChatRequest r) {
    return Dialect.translate(host, r).extraBody().get("reasoning");
  }

  @Test
  void openRoutersReasoningObjectSaysNoneForThinkingOffAndSendsItsLevelsAsTheyAre() {
    assertThat(reasoning(Host.OPENROUTER, k3().thinking(Thinking.disabled()).build()))
        .as("its reasoning-tokens guide's off switch")
        .isEqualTo(Json.parse("{\"effort\":\"none\"}"));
    assertThat(reasoning(Host.OPENROUTER, k3().reasoningEffort("max").build()))
        .as("max is one of its levels: not silently high")
        .isEqualTo(Json.parse("{\"effort\":\"max\"}"));
    assertThat(reasoning(Host.OPENROUTER, k3().thinking(Thinking.enabled()).build()))
        .isEqualTo(Json.parse("{\"enabled\":true}"));
    ChatRequest low = Dialect.translate(Host.OPENROUTER, k3().reasoningEffort("low").build());
    assertThat(low.reasoningEffort()).as("sent once, inside the object").isNull();
    assertThat(low.extraBody().get("reasoning")).isEqualTo(Json.parse("{\"effort\":\"low\"}"));
  }

  @Test
  void togetherSwitchesThinkingWithEnabledAndTakesTheEffortAtTheTopLevel() {
    ChatRequest off = Dialect.translate(Host.TOGETHER, k3().thinking(Thinking.disabled()).build());
    assertThat(off.extraBody().get("reasoning")).isEqualTo(Json.parse("{\"enabled\":false}"));
    assertThat(off.reasoningEffort()).isNull();
    ChatRequest effort = Dialect.translate(Host.TOGETHER, k3().reasoningEffort("low").build());
    assertThat(effort.reasoningEffort()).isEqualTo("low");
    assertThat(effort.extraBody().get("reasoning"))
        .as("no reasoning.effort, which Together does not read")
        .isEqualTo(Json.parse("{\"enabled\":true}"));
    assertThat(
            Dialect.translate(Host.TOGETHER, k3().reasoningEffort("max").build()).reasoningEffort())
        .as("its documented levels stop at high")
        .isEqualTo("high");
  }

  @Test
  void fireworksTakesTheEffortAloneTheThinkingTypeAloneAndPreservedHistory() {
    ChatRequest off =
        Dialect.translate(
            Host.FIREWORKS,
            ChatRequest.builder("kimi-k2.6").addUser("Hi").thinking(Thinking.disabled()).build());
    assertThat(off.reasoningEffort()).isEqualTo("none");
    assertThat(off.thinking()).isNull();
    ChatRequest max = Dialect.translate(Host.FIREWORKS, k3().reasoningEffort("max").build());
    assertThat(max.reasoningEffort()).isEqualTo("max");
    assertThat(max.thinking()).as("never beside reasoning_effort").isNull();
    ChatRequest inObject =
        Dialect.translate(
            Host.FIREWORKS, k3().thinking(Thinking.enabled().withEffort("low")).build());
    assertThat(inObject.reasoningEffort()).isEqualTo("low");
    assertThat(inObject.thinking()).isNull();
    ChatRequest on = Dialect.translate(Host.FIREWORKS, k3().thinking(Thinking.enabled()).build());
    assertThat(on.thinking()).as("type alone").isEqualTo(Thinking.enabled());
    assertThat(on.reasoningEffort()).isNull();
    ChatRequest kept =
        Dialect.translate(Host.FIREWORKS, k3().thinking(Thinking.preserved()).build());
    assertThat(kept.thinking()).isEqualTo(Thinking.enabled());
    assertThat(kept.extraBody().get("reasoning_history")).isEqualTo(JsonString.of("preserved"));
  }

  @Test
  void aTopLevelEffortSaysNoneForThinkingOff() {
    Host effortOnly =
        Host.compatible("effort", "https://llm.example/v1")
            .withThinkingSwitch(Host.ThinkingSwitch.REASONING_EFFORT);
    ChatRequest off = Dialect.translate(effortOnly, k3().thinking(Thinking.disabled()).build());
    assertThat(off.reasoningEffort()).isEqualTo("none");
    assertThat(off.thinking()).isNull();
  }

  @Test
  void noSwitchAskedSendsNone() {
    ChatRequest out = Dialect.translate(VLLM, k3().build());
    assertThat(out.extraBody()).doesNotContainKey("chat_template_kwargs");
  }

  @Test
  void historyToolIdsAreRenamedToTheTemplateFormCountingTheConversation() {
    List<Message> history =
        List.of(
            Message.user("Weather in Paris and Rome?"),
            new AssistantMessage(
                "",
                "think",
                List.of(
                    ToolCall.function("call_a", "weather", "{\"city\":\"Paris\"}"),
                    ToolCall.function("call_b", "weather", "{\"city\":\"Rome\"}")),
                null,
                false,
                null,
                null),
            new ToolMessage("call_a", "weather", "sun"),
            new ToolMessage("call_b", "weather", "rain"),
            new AssistantMessage(
                "",
                "more",
                List.of(ToolCall.function("functions.time:0", "time", "{}")),
                null,
                false,
                null,
                null),
            new ToolMessage("functions.time:0", "time", "noon"));
    List<Message> out = Dialect.templateIds(history);
    assertThat(((AssistantMessage) out.get(1)).toolCalls())
        .extracting(ToolCall::id)
        .containsExactly("functions.weather:0", "functions.weather:1");
    assertThat(((ToolMessage) out.get(2)).toolCallId()).isEqualTo("functions.weather:0");
    assertThat(((ToolMessage) out.get(3)).toolCallId()).isEqualTo("functions.weather:1");
    assertThat(((AssistantMessage) out.get(4)).toolCalls().get(0).id())
        .isEqualTo("functions.time:2");
    assertThat(((ToolMessage) out.get(5)).toolCallId()).isEqualTo("functions.time:2");
    assertThat(out.get(0)).isSameAs(history.get(0));
  }

  @Test
  void historyAlreadyInTheTemplateFormIsSentAsItIs() {
    List<Message> history =
        List.of(
            Message.user("Hi"),
            new AssistantMessage(
                "",
                null,
                List.of(ToolCall.function("functions.f:0", "f", "{}")),
                null,
                false,
                null,
                null),
            new ToolMessage("functions.f:0", "f", "ok"));
    assertThat(Dialect.templateIds(history)).isSameAs(history);
  }

  @Test
  void reasoningGoesBackUnderTheHostsKey() {
    List<Message> history =
        List.of(
            Message.user("Hi"),
            new AssistantMessage("Hello", "I thought", List.of(), null, false, null, null));
    ChatRequest out =
        Dialect.translate(VLLM, ChatRequest.builder("kimi-k3").messages(history).build());
    AssistantMessage a = (AssistantMessage) out.messages().get(1);
    assertThat(a.reasoningContent()).isNull();
    assertThat(a.additionalFields().get("reasoning")).isEqualTo(JsonString.of("I thought"));
    assertThat(out.messages().get(0)).isEqualTo(history.get(0));
  }

  @Test
  void reasoningReplacesAMemberOfThatNameTheReplyKept() {
    AssistantMessage kept =
        new AssistantMessage(
            "Hello",
            "mine",
            List.of(),
            null,
            false,
            null,
            JsonObject.of("reasoning", JsonString.of("stale")));
    List<Message> out = Dialect.reasoningUnder("reasoning", List.of(Message.user("x"), kept));
    assertThat(((AssistantMessage) out.get(1)).additionalFields().members())
        .containsOnlyKeys("reasoning")
        .containsEntry("reasoning", JsonString.of("mine"));
  }

  @Test
  void aStrictSchemaLeavesOutNamesAndTheMembersARepliesCarried() {
    ToolCall call =
        new ToolCall(
            "get_weather:0",
            "function",
            "get_weather",
            "{}",
            JsonObject.of("index", io.github.kimisdk.json.JsonNumber.of(0)));
    AssistantMessage turn =
        new AssistantMessage(
            "",
            "I will call get_weather.",
            List.of(call),
            "kimi",
            false,
            null,
            JsonObject.of("reasoning_details", io.github.kimisdk.json.JsonArray.of()));
    ChatRequest r =
        ChatRequest.builder("kimi-k2.6")
            .addMessage(new io.github.kimisdk.chat.SystemMessage("Be brief", "boss", List.of()))
            .addMessage(
                new io.github.kimisdk.chat.UserMessage(
                    List.of(io.github.kimisdk.chat.ContentPart.text("weather?")), "ann"))
            .addMessage(turn)
            .addMessage(Message.tool(call, "sunny"))
            .build();
    assertThat(((ToolMessage) r.messages().get(3)).name()).isEqualTo("get_weather");

    List<Message> sent = Dialect.translate(Host.FIREWORKS, r).messages();

    assertThat(((io.github.kimisdk.chat.SystemMessage) sent.get(0)).name()).isNull();
    assertThat(((io.github.kimisdk.chat.UserMessage) sent.get(1)).name()).isNull();
    AssistantMessage a = (AssistantMessage) sent.get(2);
    assertThat(a.name()).isNull();
    assertThat(a.additionalFields().members()).isEmpty();
    assertThat(a.reasoningContent()).isEqualTo("I will call get_weather.");
    assertThat(a.toolCalls().get(0).additionalFields().members()).isEmpty();
    assertThat(a.toolCalls().get(0).id()).isEqualTo("get_weather:0");
    ToolMessage t = (ToolMessage) sent.get(3);
    assertThat(t.name()).as("the name Fireworks refuses").isNull();
    assertThat(t.toolCallId()).isEqualTo("get_weather:0");
    Host open = Host.compatible("gw", "https://gw.example/v1").withModelPrefix("kimi/");
    assertThat(Dialect.translate(open, r).messages())
        .as("an open schema sends them")
        .isEqualTo(r.messages());
  }

  private static ChatRequest cut() {
    return ChatRequest.builder("kimi-k3")
        .addUser("Write a haiku")
        .thinking(Thinking.disabled())
        .addMessage(Message.partial("Autumn moon"))
        .build();
  }

  private static JsonObject body(ChatRequest r) {
    return (JsonObject)
        Json.parse(
            new String(
                io.github.kimisdk.internal.wire.chat.ChatCodec.encodeRequest(r),
                java.nio.charset.StandardCharsets.UTF_8));
  }

  private static JsonObject lastMessage(ChatRequest r) {
    io.github.kimisdk.json.JsonArray messages =
        (io.github.kimisdk.json.JsonArray) body(r).get("messages");
    return (JsonObject) messages.get(messages.size() - 1);
  }

  @Test
  void moonshotContinuesAReplyWithPartialOnTheLastMessage() {
    ChatRequest r = cut();
    assertThat(Dialect.translate(Host.MOONSHOT, r)).isSameAs(r);
    assertThat(Host.MOONSHOT.continuation()).isEqualTo(Host.Continuation.PARTIAL);
    assertThat(lastMessage(r).get("partial")).isEqualTo(io.github.kimisdk.json.JsonBoolean.TRUE);
    assertThat(Host.compatible("gw", "https://gw.example/v1").continuation())
        .as("a compatible host speaks Moonshot's dialect")
        .isEqualTo(Host.Continuation.PARTIAL);
  }

  @Test
  void vllmAndSglangContinueAReplyWithContinueFinalMessageAndNoGenerationPrompt() {
    for (Host host : List.of(VLLM, SGLANG)) {
      ChatRequest out = Dialect.translate(host, cut());
      JsonObject body = body(out);
      assertThat(body.get("continue_final_message"))
          .as(host.name())
          .isEqualTo(io.github.kimisdk.json.JsonBoolean.TRUE);
      assertThat(body.get("add_generation_prompt"))
          .as("%s: vLLM refuses both true, and adds the prompt unless told not to", host.name())
          .isEqualTo(io.github.kimisdk.json.JsonBoolean.FALSE);
      JsonObject last = lastMessage(out);
      assertThat(last.has("partial")).as("%s reads no partial member", host.name()).isFalse();
      assertThat(last.get("role")).isEqualTo(JsonString.of("assistant"));
      assertThat(last.get("content")).isEqualTo(JsonString.of("Autumn moon"));
    }
  }

  @Test
  void openRouterContinuesALastAssistantMessageAsItsPrefill() {
    ChatRequest out = Dialect.translate(Host.OPENROUTER, cut());
    JsonObject body = body(out);
    assertThat(body.has("continue_final_message")).isFalse();
    assertThat(lastMessage(out).has("partial")).isFalse();
    assertThat(lastMessage(out).get("content")).isEqualTo(JsonString.of("Autumn moon"));
  }

  @Test
  void aHostThatCannotContinueAReplyRefusesItBeforeSending() {
    for (Host host : List.of(Host.FIREWORKS, Host.TOGETHER)) {
      org.assertj.core.api.Assertions.assertThatThrownBy(() -> Dialect.translate(host, cut()))
          .as(host.name())
          .isInstanceOf(io.github.kimisdk.errors.ConfigurationException.class)
          .hasMessageContaining("messages[1]")
          .hasMessageContaining("partial assistant message")
          .hasMessageContaining(host.name())
          .hasMessageContaining("start the answer over");
    }
    Host declared =
        Host.TOGETHER
            .withBaseUrl("https://gw.example/v1")
            .withContinuation(Host.Continuation.PREFILL);
    assertThat(lastMessage(Dialect.translate(declared, cut())).has("partial"))
        .as("a declared form is used")
        .isFalse();
  }

  @Test
  void onlyALastPartialMessageIsAReplyToContinue() {
    ChatRequest answered =
        ChatRequest.builder("kimi-k3")
            .addUser("Write a haiku")
            .addMessage(Message.assistant("Autumn moon"))
            .addUser("Another")
            .build();
    assertThat(body(Dialect.translate(VLLM, answered)).has("continue_final_message")).isFalse();
    assertThat(Dialect.translate(Host.TOGETHER, answered).messages())
        .isEqualTo(answered.messages());
  }

  @Test
  void aContinuationKeepsTheRestOfTheHostsTranslation() {
    ChatRequest out =
        Dialect.translate(
            VLLM,
            cut().toBuilder().stream(true)
                .extraBody("seed", io.github.kimisdk.json.JsonNumber.of(7))
                .build());
    JsonObject body = body(out);
    assertThat(body.get("model")).isEqualTo(JsonString.of("moonshotai/Kimi-K3"));
    assertThat(body.get("chat_template_kwargs")).isEqualTo(Json.parse("{\"thinking\":false}"));
    assertThat(body.get("seed")).isEqualTo(io.github.kimisdk.json.JsonNumber.of(7));
    assertThat(out.includeUsage()).isTrue();
  }

  @Test
  void aStrictSchemaRefusesWhatLeavingOutWouldChange() {
    ChatRequest partial =
        ChatRequest.builder("kimi-k2.6")
            .addUser("Write a haiku")
            .addMessage(new AssistantMessage("Autumn", null, List.of(), null, true, null, null))
            .build();
    Host strictPartial =
        Host.compatible("gw", "https://gw.example/v1").withMessageSchema(Host.MessageSchema.STRICT);
    org.assertj.core.api.Assertions.assertThatThrownBy(
            () -> Dialect.translate(strictPartial, partial))
        .as("Moonshot's form sends the partial member, which a strict schema refuses")
        .isInstanceOf(io.github.kimisdk.errors.ConfigurationException.class)
        .hasMessageContaining("messages[1]")
        .hasMessageContaining("partial")
        .hasMessageContaining("message schema");
    Host strictPrefill = Host.FIREWORKS.withContinuation(Host.Continuation.PREFILL);
    assertThat(lastMessage(Dialect.translate(strictPrefill, partial)).has("partial"))
        .as("a strict host with a prefill takes the last message without its member")
        .isFalse();
    assertThat(Dialect.translate(Host.OPENROUTER, partial).messages().get(0))
        .isEqualTo(partial.messages().get(0));
  }
}
