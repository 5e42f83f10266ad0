package io.github.kimisdk.chat;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.kimisdk.json.JsonObject;
import io.github.kimisdk.json.JsonString;
import io.github.kimisdk.json.JsonValue;
import io.github.kimisdk.model.ModelCatalog;
import io.github.kimisdk.model.ModelInfo;
import io.github.kimisdk.tool.Tool;
import io.github.kimisdk.tool.ToolCall;
import io.github.kimisdk.tool.ToolChoice;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class ChatRequestTest {

  private static ChatRequest.Builder base() {
    return ChatRequest.builder("kimi-k2.6").addUser("hi");
  }

  private static List<Tool> tools(int count) {
    List<Tool> list = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      list.add(Tool.function("tool_" + i, null, null));
    }
    return list;
  }

  /** Each case: a name, a change to a valid builder, and a fragment of the expected message. */
  static Stream<Arguments> invalidRequests() {
    return Stream.of(
        rule("blankModel", b -> b.model(" "), "model must not be blank"),
        rule("noMessages", b -> b.messages(List.of()), "messages must not be empty"),
        rule(
            "zeroMaxTokens",
            b -> b.maxCompletionTokens(0),
            "maxCompletionTokens must be at least 1"),
        // Kimi's [0, 1] is a model rule (ModelRulesTest): OpenAI's range builds, so a client that
        // adapts can send 1 instead
        rule(
            "temperatureAboveTwo",
            b -> b.temperature(2.5),
            "temperature must be in [0, 2] (Kimi's models take [0, 1]; the client checks that): 2.5"),
        rule("temperatureNegative", b -> b.temperature(-0.1), "temperature must be in [0, 2]"),
        rule("temperatureNaN", b -> b.temperature(Double.NaN), "temperature must be in [0, 2]"),
        rule("topPAboveOne", b -> b.topP(1.01), "topP must be in [0, 1]: 1.01"),
        rule("nZero", b -> b.n(0), "n must be in 1..5 for Kimi models: 0"),
        rule("nSix", b -> b.n(6), "n must be in 1..5 for Kimi models: 6"),
        rule(
            "nWithLowTemperature",
            b -> b.n(2).temperature(0.1),
            "n > 1 needs temperature of at least 0.3"),
        rule(
            "presencePenaltyHigh",
            b -> b.presencePenalty(2.5),
            "presencePenalty must be in [-2, 2]: 2.5"),
        rule(
            "frequencyPenaltyLow",
            b -> b.frequencyPenalty(-2.1),
            "frequencyPenalty must be in [-2, 2]: -2.1"),
        rule(
            "sixStopSequences",
            b -> b.stop("a", "b", "c", "d", "e", "f"),
            "stop must hold at most 5 sequences: 6"),
        rule("emptyStopSequence", b -> b.stop(""), "stop sequences must not be empty"),
        rule(
            "stopSequenceOver32Bytes",
            // 11 three-byte characters: 11 chars, 33 bytes.
            b -> b.stop("\u4e00".repeat(11)),
            "stop sequences must be at most 32 UTF-8 bytes, but"),
        rule(
            "partialNotLast",
            b -> b.messages(List.of(Message.partial("Once"), Message.user("go on"))),
            "a partial assistant message must be the last message"),
        rule(
            "partialWithJsonObject",
            b -> b.addMessage(Message.partial("{")).responseFormat(ResponseFormat.jsonObject()),
            "cannot be combined with the json_object response format"),
        rule("tooManyTools", b -> b.tools(tools(129)), "tools must hold at most 128 tools"),
        rule(
            "duplicateToolNames",
            b ->
                b.addTool(Tool.function("ping", null, null))
                    .addTool(Tool.function("ping", "again", null)),
            "tool names must be unique, but \"ping\" is declared twice"),
        rule(
            "requiredWithoutTools",
            b -> b.toolChoice(ToolChoice.required()),
            "toolChoice required needs at least one tool"),
        rule(
            "namedFunctionNotDeclared",
            b ->
                b.addTool(Tool.function("ping", null, null))
                    .toolChoice(ToolChoice.function("pong")),
            "toolChoice names function \"pong\", which is not among the request's tools"),
        rule(
            "extraBodyCollidesWithKnownField",
            b -> b.extraBody("temperature", JsonString.of("hot")),
            "extraBody must not hold \"temperature\""),
        rule(
            "extraBodyMaxTokens",
            b -> b.extraBody("max_tokens", JsonString.of("1")),
            "use maxCompletionTokens"),
        rule(
            "extraBodyReasoningEffort",
            b -> b.extraBody("reasoning_effort", JsonString.of("high")),
            "extraBody must not hold \"reasoning_effort\""),
        rule("blankReasoningEffort", b -> b.reasoningEffort(" "), "reasoningEffort must not be"),
        rule("topLogprobsWithoutLogprobs", b -> b.topLogprobs(3), "needs logprobs(true)"),
        rule(
            "topLogprobsAboveTwenty",
            b -> b.logprobs(true).topLogprobs(21),
            "topLogprobs must be in 0..20 for Kimi: 21"),
        rule(
            "dynamicToolRepeatsAGlobalOne",
            b ->
                b.addTool(Tool.function("get_weather", null, null))
                    .addMessage(Message.tools(Tool.function("get_weather", null, null))),
            "\"get_weather\" is declared again in message 1"),
        rule(
            "dynamicToolRepeatedAcrossMessages",
            b ->
                b.addMessage(Message.tools(Tool.function("get_time", null, null)))
                    .addMessage(Message.tools(Tool.function("get_time", null, null))),
            "\"get_time\" is declared again in message 2"));
  }

  private static Arguments rule(
      String name, UnaryOperator<ChatRequest.Builder> change, String message) {
    return Arguments.of(name, change, message);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("invalidRequests")
  void buildRejectsWithMessageNamingTheParameter(
      String name, UnaryOperator<ChatRequest.Builder> change, String message) {
    ChatRequest.Builder b = change.apply(base());
    assertThatThrownBy(b::build)
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining(message);
  }

  static Stream<Arguments> validEdges() {
    return Stream.of(
        rule("temperatureZero", b -> b.temperature(0.0), ""),
        rule("temperatureOne", b -> b.temperature(1.0), ""),
        rule("nFiveAtTemperatureThreshold", b -> b.n(5).temperature(0.3), ""),
        rule("nTwoWithoutTemperature", b -> b.n(2), ""),
        rule("nOneAtTemperatureZero", b -> b.n(1).temperature(0.0), ""),
        rule("penaltiesAtBounds", b -> b.presencePenalty(-2.0).frequencyPenalty(2.0), ""),
        rule("fiveStopSequences", b -> b.stop("a", "b", "c", "d", "e"), ""),
        rule("stopSequenceOf32Bytes", b -> b.stop("\u4e00".repeat(10) + "ab"), ""),
        rule("partialLast", b -> b.addMessage(Message.partial("Once upon")), ""),
        rule(
            "partialWithJsonSchema",
            b ->
                b.addMessage(Message.partial("{"))
                    .responseFormat(ResponseFormat.jsonSchema("s", JsonObject.of())),
            ""),
        rule("exactly128Tools", b -> b.tools(tools(128)), ""),
        rule(
            "namedFunctionDeclared",
            b ->
                b.addTool(Tool.function("ping", null, null))
                    .toolChoice(ToolChoice.function("ping"))
                    .thinking(Thinking.disabled()),
            ""),
        rule(
            "requiredWithTool",
            b ->
                b.addTool(Tool.webSearch())
                    .toolChoice(ToolChoice.required())
                    .thinking(Thinking.disabled()),
            ""),
        rule("unknownExtraField", b -> b.extraBody("seed", JsonString.of("42")), ""),
        // Effort levels are the server's open strings: any non-blank one builds.
        rule("anyReasoningEffort", b -> b.reasoningEffort("ultra"), ""),
        rule(
            "sameEffortTwice",
            b -> b.reasoningEffort("max").thinking(Thinking.enabled().withEffort("max")),
            ""),
        // K3's contract: both may be sent, and thinking.effort wins
        // K3's contract: with thinking disabled the efforts and keep are ignored, not refused
        rule(
            "reasoningEffortWithThinkingDisabled",
            b -> b.reasoningEffort("high").thinking(Thinking.disabled()),
            ""),
        rule(
            "disabledThinkingWithKeepAndEffort",
            b -> b.thinking(new Thinking(Thinking.Type.DISABLED, "none", "high")),
            ""),
        rule(
            "twoDifferentEfforts",
            b -> b.reasoningEffort("max").thinking(Thinking.enabled().withEffort("low")),
            ""),
        rule(
            "dynamicToolsWithRequiredChoice",
            b ->
                b.addMessage(Message.tools(Tool.function("get_weather", null, null)))
                    .toolChoice(ToolChoice.required()),
            ""),
        // Model ids are open and fixed sampling rules are the server's business.
        rule(
            "fixedSamplingModelAcceptsAnyTemperature",
            b -> b.model("kimi-k2.5").temperature(0.2),
            ""),
        rule("futureModelId", b -> b.model("kimi-k9-preview"), ""));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("validEdges")
  void buildAcceptsValuesAtTheEdges(
      String name, UnaryOperator<ChatRequest.Builder> change, String unused) {
    ChatRequest r = change.apply(base()).build();
    assertThat(r.messages()).isNotEmpty();
  }

  @Test
  void nullModelIsANullPointerExceptionNamingIt() {
    assertThatThrownBy(() -> ChatRequest.builder(null))
        .isInstanceOf(NullPointerException.class)
        .hasMessage("model must not be null");
    assertThatThrownBy(() -> base().model(null).build())
        .isInstanceOf(NullPointerException.class)
        .hasMessage("model must not be null");
  }

  @Test
  void nullExtraBodyValueIsRejected() {
    Map<String, JsonValue> extra = new LinkedHashMap<>();
    extra.put("x", null);
    assertThatThrownBy(() -> base().extraBody(extra).build())
        .isInstanceOf(NullPointerException.class)
        .hasMessageContaining("extraBody value of \"x\" must not be null");
  }

  @Test
  void ofBuildsOneUserMessageAndDefaults() {
    ChatRequest r = ChatRequest.of("kimi-k2.6", "Say hi");
    assertThat(r.model()).isEqualTo("kimi-k2.6");
    assertThat(r.messages()).containsExactly(Message.user("Say hi"));
    assertThat(r.maxCompletionTokens()).isNull();
    assertThat(r.temperature()).isNull();
    assertThat(r.stop()).isEmpty();
    assertThat(r.tools()).isEmpty();
    assertThat(r.extraBody()).isEmpty();
    assertThat(r.stream()).isFalse();
  }

  @Test
  void toBuilderRoundTripsEveryField() {
    ChatRequest r =
        base()
            .addSystem("be terse")
            .maxCompletionTokens(100)
            .temperature(0.6)
            .topP(0.95)
            .n(2)
            .presencePenalty(0.1)
            .frequencyPenalty(-0.1)
            .stop("END")
            .stream(true)
            .includeUsage(true)
            .responseFormat(ResponseFormat.jsonObject())
            .addTool(Tool.function("ping", "pings", null))
            .toolChoice(ToolChoice.auto())
            .thinking(Thinking.disabled())
            .promptCacheKey("session-1")
            .safetyIdentifier("user-hash")
            .extraBody("seed", JsonString.of("42"))
            .build();
    assertThat(r.toBuilder().build()).isEqualTo(r);
    ChatRequest effort =
        base().thinking(Thinking.preserved().withEffort("high")).reasoningEffort("high").build();
    assertThat(effort.toBuilder().build()).isEqualTo(effort);
    assertThat(effort.thinking().keep()).isEqualTo("all");
    ChatRequest changed = r.toBuilder().temperature(null).stop(List.of()).build();
    assertThat(changed.temperature()).isNull();
    assertThat(changed.stop()).isEmpty();
    assertThat(changed.topP()).isEqualTo(0.95);
  }

  @Test
  void builderRemovesExtraFieldOnNullAndKeepsInsertionOrder() {
    ChatRequest r =
        base()
            .extraBody("b", JsonString.of("1"))
            .extraBody("a", JsonString.of("2"))
            .extraBody("c", JsonString.of("3"))
            .extraBody("c", null)
            .build();
    assertThat(r.extraBody().keySet()).containsExactly("b", "a");
  }

  @Test
  void collectionsAreCopiedAndUnmodifiable() {
    List<Message> messages = new ArrayList<>(List.of(Message.user("hi")));
    ChatRequest r = ChatRequest.builder("m").messages(messages).build();
    messages.add(Message.user("later"));
    assertThat(r.messages()).hasSize(1);
    assertThatThrownBy(() -> r.messages().add(Message.user("x")))
        .isInstanceOf(UnsupportedOperationException.class);
    assertThatThrownBy(() -> r.extraBody().put("x", JsonString.of("y")))
        .isInstanceOf(UnsupportedOperationException.class);
  }

  @Test
  void builderAppendsMessagesInOrder() {
    ToolCall call = ToolCall.function("c1", "ping", "{}");
    ChatRequest r =
        ChatRequest.builder("m")
            .addSystem("s")
            .addUser("u")
            .addMessages(List.of(Message.assistant(null, "", List.of(call))))
            .addMessage(Message.tool(call, "pong"))
            .build();
    assertThat(r.messages())
        .extracting(Message::role)
        .containsExactly("system", "user", "assistant", "tool");
  }

  @Test
  void recordPrintsReadably() {
    assertThat(ChatRequest.of("kimi-k2.6", "Say hi").toString())
        .startsWith(
            "ChatRequest[model=kimi-k2.6, messages=[UserMessage[content=[TextPart[text=Say hi]]");
  }

  @Test
  void thinkingEffortIsSentAsGivenAndIgnoredByKimiWhenThinkingIsOff() {
    assertThat(Thinking.enabled().withEffort("high").effort()).isEqualTo("high");
    assertThat(Thinking.enabled().withEffort("high").withEffort(null))
        .isEqualTo(Thinking.enabled());
    assertThat(Thinking.disabled().withEffort("high").effort()).isEqualTo("high");
    assertThatThrownBy(() -> Thinking.enabled().withEffort(""))
        .hasMessageContaining("thinking effort must not be blank");
  }

  @Test
  void buildingReadsNoCatalog() {
    ChatRequest.Builder forced =
        ChatRequest.builder("catalog-independence-model")
            .addUser("hi")
            .addTool(Tool.function("ping", null, null))
            .toolChoice(ToolChoice.required())
            .temperature(0.2);
    ChatRequest before = forced.build();
    // Another part of the program says this model always thinks, fixes temperature and refuses
    // required while thinking: the same values still build the same request.
    ModelCatalog other =
        ModelCatalog.defaults()
            .with(
                ModelInfo.builder("catalog-independence-model")
                    .thinking(ModelInfo.ThinkingSupport.ALWAYS)
                    .requiredToolChoiceWhileThinking(false)
                    .sampling(ModelInfo.FixedSampling.K3)
                    .build());
    assertThat(forced.build()).isEqualTo(before);
    assertThat(other.lookup("catalog-independence-model").problems(before))
        .as("the catalog's rules apply where a client checks the request")
        .hasSize(2);
  }

  @Test
  void aNullMessageIsNamedByItsIndex() {
    List<Message> list = new ArrayList<>();
    list.add(Message.user("hi"));
    list.add(null);
    assertThatThrownBy(() -> ChatRequest.builder("kimi-k3").messages(list).build())
        .isInstanceOf(NullPointerException.class)
        .hasMessageContaining("messages[1] is null");
  }

  @Test
  void maxTokensIsMaxCompletionTokensForCodePortedFromOpenAi() {
    assertThat(base().maxTokens(64).build()).isEqualTo(base().maxCompletionTokens(64).build());
  }

  @Test
  void nullStopElementIsRejected() {
    assertThatThrownBy(() -> base().stop(Collections.singletonList(null)).build())
        .isInstanceOf(NullPointerException.class);
  }

  @Test
  void canonicalConstructorTreatsNullCollectionsAsEmpty() {
    ChatRequest r =
        new ChatRequest(
            "m",
            List.of(Message.user("hi")),
            null,
            null,
            null,
            null,
            null,
            null,
            null,
            false,
            false,
            null,
            null,
            null,
            null,
            null,
            null,
            null,
            null,
            null,
            null,
            null,
            null);
    assertThat(r.stop()).isEmpty();
    assertThat(r.tools()).isEmpty();
    assertThat(r.extraBody()).isEmpty();
  }
}
