package io.github.kimisdk.chat;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.kimisdk.errors.StructuredOutputException;
import io.github.kimisdk.json.JsonException;
import io.github.kimisdk.tool.ToolCall;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** {@link ChatCompletion#parse(Class)} in memory: fences, empty replies, the exception's parts. */
class ChatCompletionParseTest {

  record City(String name, int population) {}

  static ChatCompletion completion(AssistantMessage message, FinishReason finish) {
    return new ChatCompletion(
        "id",
        "chat.completion",
        1,
        "kimi-k2.6",
        List.of(new Choice(0, message, finish, null)),
        null,
        null);
  }

  static ChatCompletion text(String content) {
    return completion(Message.assistant(content), FinishReason.STOP);
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "{\"name\":\"Lima\",\"population\":10}",
        "  {\"name\":\"Lima\",\"population\":10}\n",
        "```json\n{\"name\":\"Lima\",\"population\":10}\n```",
        "```\n{\"name\":\"Lima\",\"population\":10}```",
        "\n```JSON\r\n{\"name\":\"Lima\",\"population\":10}\r\n```\n"
      })
  void parsesJsonWithOrWithoutOneCodeFence(String content) {
    assertThat(text(content).parse(City.class)).isEqualTo(new City("Lima", 10));
  }

  @ParameterizedTest
  @ValueSource(strings = {"```", "``````", "```json {\"name\":\"x\"}```", "text ```{}```"})
  void anythingElseAroundTheJsonIsNotJson(String content) {
    assertThatThrownBy(() -> text(content).parse(City.class))
        .isInstanceOf(StructuredOutputException.class)
        .hasMessageStartingWith("The reply for City is not JSON: ")
        .hasCauseInstanceOf(JsonException.class);
  }

  @Test
  void aReplyWithOnlyToolCallsSaysSo() {
    AssistantMessage calls =
        Message.assistant(null, "", List.of(ToolCall.function("c1", "lookup", "{}")));
    assertThatThrownBy(() -> completion(calls, FinishReason.TOOL_CALLS).parse(City.class))
        .isInstanceOfSatisfying(
            StructuredOutputException.class,
            e -> {
              assertThat(e.text()).isEmpty();
              assertThat(e.path()).isEqualTo("$");
            })
        .hasMessage("The reply for City has no text, only tool calls");
  }

  @Test
  void aCompletionWithoutChoicesHasNoText() {
    ChatCompletion empty = new ChatCompletion(null, null, 0, null, List.of(), null, null);
    assertThatThrownBy(() -> empty.parse(City.class)).hasMessage("The reply for City has no text");
  }

  @Test
  void theExceptionHoldsTheReplysPartsAndType() {
    ChatCompletion c = text("{\"name\":\"Lima\",\"population\":1.5}");
    assertThatThrownBy(() -> c.parse(City.class))
        .isInstanceOfSatisfying(
            StructuredOutputException.class,
            e -> {
              assertThat(e.text()).isEqualTo(c.text());
              assertThat(e.reasoning()).isEqualTo(c.reasoning());
              assertThat(e.finishReason())
                  .isEqualTo(java.util.Optional.ofNullable(c.finishReason()));
              assertThat(e.usage()).isEqualTo(java.util.Optional.ofNullable(c.usage()));
              assertThat(e.type()).isEqualTo(City.class);
              assertThat(e.path()).isEqualTo("$.population");
              assertThat(e.getCause()).isInstanceOf(JsonException.class);
            })
        .hasMessage(
            "The reply for City does not match it: $.population (City.population): expected a"
                + " whole number that fits a Java int but was another number");
  }

  @Test
  void theTypeMustNotBeNull() {
    assertThatThrownBy(() -> text("{}").parse(null)).isInstanceOf(NullPointerException.class);
  }

  @Test
  void jsonSchemaOfARecordIsStrictAndNamedAfterIt() {
    ResponseFormat f = ResponseFormat.jsonSchema(City.class);
    assertThat(f.type()).isEqualTo(ResponseFormat.Type.JSON_SCHEMA);
    assertThat(f.name()).isEqualTo("City");
    assertThat(f.strict()).isTrue();
    assertThat(f.schema().get("required").toString()).isEqualTo("[\"name\",\"population\"]");
  }

  record Città(String nome) {}

  @Test
  void aSchemaNameKeepsOnlyPortableCharacters() {
    assertThat(ResponseFormat.jsonSchema(Città.class).name()).isEqualTo("Citt_");
  }
}
