package io.github.kimisdk.chat;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.kimisdk.ResponseMetadata;
import io.github.kimisdk.chat.ChatCompletionChunk.ChunkChoice;
import io.github.kimisdk.chat.ChatCompletionChunk.Delta;
import io.github.kimisdk.json.Json;
import io.github.kimisdk.json.JsonObject;
import io.github.kimisdk.json.JsonString;
import io.github.kimisdk.json.JsonValue;
import io.github.kimisdk.tool.ToolCall;
import java.util.List;
import org.junit.jupiter.api.Test;

class ResponseModelTest {

  @Test
  void finishReasonReusesConstantsAndKeepsUnknownValues() {
    assertThat(FinishReason.of("stop")).isSameAs(FinishReason.STOP);
    assertThat(FinishReason.of("length")).isSameAs(FinishReason.LENGTH);
    assertThat(FinishReason.of("tool_calls")).isSameAs(FinishReason.TOOL_CALLS);
    assertThat(FinishReason.of("content_filter")).isSameAs(FinishReason.CONTENT_FILTER);
    assertThat(FinishReason.of(null)).isNull();
    FinishReason repeat = FinishReason.of("repeat");
    assertThat(repeat.isKnown()).isFalse();
    assertThat(repeat.value()).isEqualTo("repeat");
    assertThat(repeat).hasToString("repeat");
    assertThat(FinishReason.STOP.isKnown()).isTrue();
    assertThat(new FinishReason("stop").isKnown()).isTrue();
  }

  @Test
  void usagePlusSumsAndKeepsAbsentDetailsNull() {
    Usage a = new Usage(1, 2, 3, null, 1);
    Usage b = new Usage(10, 20, 30, 5, null);
    assertThat(a.plus(b)).isEqualTo(new Usage(11, 22, 33, 5, 1));
    assertThat(Usage.of(1, 1, 2).plus(Usage.of(1, 1, 2))).isEqualTo(Usage.of(2, 2, 4));
    assertThat(a.plus(null)).isSameAs(a);
    assertThat(new Usage(0, 0, 0, 1, 2).plus(new Usage(0, 0, 0, 3, 4)))
        .isEqualTo(new Usage(0, 0, 0, 4, 6));
  }

  @Test
  void completionHelpersReadTheFirstChoice() {
    ToolCall call = ToolCall.function("x_0", "x", "{}");
    AssistantMessage m = new AssistantMessage("hi", "thought", List.of(call), null, false);
    ChatCompletion c =
        new ChatCompletion(
            "id",
            "chat.completion",
            1,
            "m",
            List.of(new Choice(0, m, FinishReason.TOOL_CALLS, null)),
            null,
            null);
    assertThat(c.text()).isEqualTo("hi");
    assertThat(c.reasoning()).isEqualTo("thought");
    assertThat(c.message()).isSameAs(m);
    assertThat(c.toolCalls()).containsExactly(call);
    assertThat(c.finishReason()).isEqualTo(FinishReason.TOOL_CALLS);
    assertThat(c.choices().get(0).text()).isEqualTo("hi");
  }

  @Test
  void metadataTakesNoPartInEquality() {
    ChatCompletion c = new ChatCompletion("id", null, 0, "m", List.of(), null, null);
    ResponseMetadata md =
        new ResponseMetadata(200, java.util.Map.of("Msh-Request-Id", List.of("req-1")));
    ChatCompletion received = c.withMetadata(md);
    assertThat(c.metadata()).isNull();
    assertThat(received.metadata()).isSameAs(md);
    assertThat(received).isEqualTo(c).hasSameHashCodeAs(c);
    assertThat(received.withMetadata(null).metadata()).isNull();
  }

  @Test
  void emptyCompletionHelpersGiveEmptyValues() {
    ChatCompletion c = new ChatCompletion(null, null, 0, null, null, null, null);
    assertThat(c.choices()).isEmpty();
    assertThat(c.text()).isEmpty();
    assertThat(c.reasoning()).isEmpty();
    assertThat(c.toolCalls()).isEmpty();
    assertThat(c.finishReason()).isNull();
    assertThatThrownBy(c::message)
        .isInstanceOf(IllegalStateException.class)
        .hasMessage("the completion has no choices");
    assertThat(new Choice(0, null, null, null).message().content()).isNull();
  }

  @Test
  void chunkUsagePrefersTopLevelThenAnyChoice() {
    Usage top = Usage.of(1, 1, 2);
    Usage inChoice = Usage.of(5, 5, 10);
    ChunkChoice plain = new ChunkChoice(0, null, null, null);
    ChunkChoice withUsage = new ChunkChoice(1, Delta.EMPTY, FinishReason.STOP, inChoice);
    assertThat(new ChatCompletionChunk(null, 0, null, List.of(plain, withUsage), top, null).usage())
        .isSameAs(top);
    assertThat(
            new ChatCompletionChunk(null, 0, null, List.of(plain, withUsage), null, null).usage())
        .isSameAs(inChoice);
    assertThat(new ChatCompletionChunk(null, 0, null, List.of(plain), null, null).usage()).isNull();
    assertThat(plain.delta()).isSameAs(Delta.EMPTY);
  }

  @Test
  void chunkHelpersReadTheFirstChoice() {
    ChatCompletionChunk empty = new ChatCompletionChunk(null, 0, null, null, null, null);
    assertThat(empty.text()).isEmpty();
    assertThat(empty.reasoning()).isEmpty();
    assertThat(empty.finishReason()).isNull();
    ChatCompletionChunk c =
        new ChatCompletionChunk(
            null,
            0,
            null,
            List.of(new ChunkChoice(0, new Delta(null, "a", "r", null), FinishReason.STOP, null)),
            null,
            null);
    assertThat(c.text()).isEqualTo("a");
    assertThat(c.reasoning()).isEqualTo("r");
    assertThat(c.finishReason()).isEqualTo(FinishReason.STOP);
    ChatCompletionChunk blank =
        new ChatCompletionChunk(
            null, 0, null, List.of(new ChunkChoice(0, Delta.EMPTY, null, null)), null, null);
    assertThat(blank.text()).isEmpty();
    assertThat(blank.reasoning()).isEmpty();
  }

  @Test
  void responseFormatChecksSchemaFields() {
    assertThat(ResponseFormat.text().type()).isEqualTo(ResponseFormat.Type.TEXT);
    assertThat(ResponseFormat.jsonObject().type()).isEqualTo(ResponseFormat.Type.JSON_OBJECT);
    ResponseFormat s = ResponseFormat.jsonSchema("answer", JsonObject.of(), false);
    assertThat(s.strict()).isFalse();
    assertThat(ResponseFormat.jsonSchema("answer", JsonObject.of()).strict()).isNull();
    assertThatThrownBy(() -> ResponseFormat.jsonSchema(" ", JsonObject.of()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("name must not be blank");
    assertThatThrownBy(() -> ResponseFormat.jsonSchema("n", null))
        .isInstanceOf(NullPointerException.class)
        .hasMessageContaining("needs a schema");
    assertThatThrownBy(() -> new ResponseFormat(ResponseFormat.Type.TEXT, "n", null, null))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("apply only to a json_schema response format");
  }

  /**
   * K3's contract (Kimi-Vendor-Verifier test_response_format.py): json_schema needs an object
   * schema; with strict (the default) it follows MFJS, whatever its root type.
   */
  @Test
  void aJsonSchemaFormatNeedsAnObjectSchemaThatFollowsMfjs() {
    assertThatThrownBy(() -> ResponseFormat.jsonSchema("weather", JsonString.of("x")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith(
            "json_schema response format \"weather\": the schema must be a JSON object (Kimi"
                + " answers 400 otherwise), not \"x\"; pass an object schema");
    assertThatThrownBy(() -> ResponseFormat.jsonSchema("weather", Json.parse("[]"), false))
        .hasMessageContaining("the schema must be a JSON object");
    JsonValue typeBesideAnyOf =
        Json.parse(
            "{\"type\":\"object\",\"properties\":{\"t\":{\"type\":\"string\","
                + "\"anyOf\":[{\"type\":\"string\"}]}}}");
    assertThatThrownBy(() -> ResponseFormat.jsonSchema("weather", typeBesideAnyOf))
        .hasMessageStartingWith(
            "json_schema response format \"weather\": schema at $.properties.t: when using anyOf,"
                + " type should be defined in anyOf items instead of the parent schema")
        .hasMessageContaining("; move \"type\" into each branch");
    assertThatThrownBy(() -> ResponseFormat.jsonSchema("weather", typeBesideAnyOf, true))
        .isInstanceOf(IllegalArgumentException.class);
    assertThat(ResponseFormat.jsonSchema("weather", typeBesideAnyOf, false).schema())
        .isEqualTo(typeBesideAnyOf);
    // walle accepts any object schema at the root; so does a response format
    JsonValue string = Json.parse("{\"type\":\"string\",\"enum\":[\"yes\",\"no\"]}");
    assertThat(ResponseFormat.jsonSchema("answer", string).schema()).isEqualTo(string);
  }

  @Test
  void thinkingKeepIsAllWhileThinkingAndIgnoredByKimiWhenOff() {
    assertThat(Thinking.enabled().isEnabled()).isTrue();
    assertThat(Thinking.disabled().isEnabled()).isFalse();
    assertThat(Thinking.preserved()).isEqualTo(new Thinking(Thinking.Type.ENABLED, "all"));
    assertThat(new Thinking(Thinking.Type.DISABLED, "none").keep())
        .as("K3's contract: keep is ignored while thinking is off")
        .isEqualTo("none");
    assertThatThrownBy(() -> new Thinking(Thinking.Type.ENABLED, ""))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new Thinking(Thinking.Type.ENABLED, "none"))
        .as("K3's contract: keep other than all is refused while thinking")
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("thinking keep must be \"all\"");
    assertThatThrownBy(() -> new Thinking(null, null)).isInstanceOf(NullPointerException.class);
  }
}
