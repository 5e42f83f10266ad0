package io.github.kimisdk.internal.client;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.kimisdk.Host;
import io.github.kimisdk.chat.AssistantMessage;
import io.github.kimisdk.chat.ChatRequest;
import io.github.kimisdk.chat.Message;
import io.github.kimisdk.chat.Thinking;
import io.github.kimisdk.chat.ToolMessage;
import io.github.kimisdk.json.Json;
import io.github.kimisdk.json.JsonObject;
import io.github.kimisdk.json.JsonString;
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

  @Test
  void aReasoningObjectSwitchesThinkingOffOrSetsTheEffort() {
    assertThat(
            Dialect.translate(Host.OPENROUTER, k3().thinking(Thinking.disabled()).build())
                .extraBody()
                .get("reasoning"))
        .isEqualTo(Json.parse("{\"enabled\":false}"));
    assertThat(
            Dialect.translate(Host.TOGETHER, k3().reasoningEffort("max").build())
                .extraBody()
                .get("reasoning"))
        .isEqualTo(Json.parse("{\"effort\":\"high\"}"));
    assertThat(
            Dialect.translate(Host.OPENROUTER, k3().thinking(Thinking.enabled()).build())
                .extraBody()
                .get("reasoning"))
        .isEqualTo(Json.parse("{\"enabled\":true}"));
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
}
