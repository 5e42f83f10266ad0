package io.github.kimisdk.chat.format;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.kimisdk.chat.AssistantMessage;
import io.github.kimisdk.chat.Goldens;
import io.github.kimisdk.chat.Message;
import io.github.kimisdk.chat.Usage;
import io.github.kimisdk.chat.completions.MessageForm;
import io.github.kimisdk.json.Json;
import io.github.kimisdk.json.JsonObject;
import io.github.kimisdk.json.JsonString;
import io.github.kimisdk.json.JsonValue;
import io.github.kimisdk.json.JsonWriter;
import io.github.kimisdk.tool.ToolCall;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class SavedFormTest {

  private static JsonObject saved(Message m) {
    JsonWriter w = new JsonWriter();
    SavedForm.writeSavedMessage(w, m);
    return Json.parse(w.toString()).asObject();
  }

  private static JsonObject sent(Message m) {
    JsonWriter w = new JsonWriter();
    MessageForm.writeMessage(w, m);
    return Json.parse(w.toString()).asObject();
  }

  @Test
  void everyMessageOfTheGoldenConversationsReadsBackAsWritten() {
    for (String name : Goldens.CONVERSATIONS_V1) {
      for (Message m : Goldens.conversation(name).messages()) {
        assertThat(SavedForm.readMessage(saved(m))).as("%s: %s", name, m).isEqualTo(m);
      }
    }
  }

  @Test
  void aSignedReasoningIsSavedLastButNeverSent() {
    Map<String, JsonValue> extra = new LinkedHashMap<>();
    extra.put("refusal", JsonString.of("no"));
    AssistantMessage m =
        new AssistantMessage("hi", "why", List.of(), null, false, "sig", JsonObject.of(extra));
    assertThat(saved(m).members().keySet())
        .containsExactly("role", "content", "reasoning_content", "refusal", "reasoning_signature");
    assertThat(saved(m).get("reasoning_signature")).isEqualTo(JsonString.of("sig"));
    assertThat(sent(m).members().keySet())
        .containsExactly("role", "content", "reasoning_content", "refusal");
    assertThat(SavedForm.readMessage(saved(m))).isEqualTo(m);
  }

  @Test
  void aSignatureTakesThePlaceOfAServerMemberOfItsName() {
    Map<String, JsonValue> extra = new LinkedHashMap<>();
    extra.put("reasoning_signature", JsonString.of("old"));
    extra.put("after", JsonString.of("x"));
    AssistantMessage m =
        new AssistantMessage("hi", null, List.of(), null, false, "new", JsonObject.of(extra));
    String json = Json.write(saved(m));
    assertThat(json)
        .isEqualTo(
            "{\"role\":\"assistant\",\"content\":\"hi\",\"reasoning_signature\":\"new\","
                + "\"after\":\"x\"}");
    assertThat(Json.write(sent(m)))
        .as("unsigned, the server's member goes back as it came")
        .contains("\"reasoning_signature\":\"old\"");
  }

  @Test
  void anUnsignedMessageIsSavedAsItIsSent() {
    AssistantMessage m = Message.assistant(null, "r", List.of(ToolCall.function("c", "f", "{}")));
    assertThat(saved(m)).isEqualTo(sent(m));
    assertThat(saved(Message.user("hi"))).isEqualTo(sent(Message.user("hi")));
  }

  @Test
  void aSavedAssistantMessageReadsItsOwnMembersAndKeepsTheOthers() {
    AssistantMessage m =
        (AssistantMessage)
            SavedForm.readMessage(
                Json.parse(
                        "{\"role\":\"assistant\",\"content\":\"\",\"partial\":true,"
                            + "\"tool_calls\":[{\"id\":\"c\",\"type\":\"function\",\"index\":3,"
                            + "\"function\":{\"name\":\"f\",\"arguments\":\"{}\"},\"x\":1}],"
                            + "\"reasoning_signature\":\"sig\",\"audio\":null}")
                    .asObject());
    assertThat(m.content()).as("an empty content is none").isNull();
    assertThat(m.partial()).as("a partial flag without content is dropped").isFalse();
    assertThat(m.reasoningSignature()).isEqualTo("sig");
    assertThat(m.additionalFields()).isEqualTo(Json.parse("{\"audio\":null}"));
    assertThat(m.toolCalls())
        .as("a saved call's index is not its own member")
        .containsExactly(
            new ToolCall("c", "function", "f", "{}", Json.parse("{\"x\":1}").asObject()));
  }

  @Test
  void aSavedAssistantMessageWhoseMemberHasAnotherTypeSaysWhich() {
    assertThatThrownBy(
            () ->
                SavedForm.readMessage(
                    Json.parse("{\"role\":\"assistant\",\"content\":[\"a\"]}").asObject()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("\"content\" must be a string: [\"a\"]");
    assertThatThrownBy(
            () ->
                SavedForm.readMessage(
                    Json.parse("{\"role\":\"assistant\",\"tool_calls\":{}}").asObject()))
        .hasMessage("\"tool_calls\" must be an array");
    assertThatThrownBy(
            () ->
                SavedForm.readMessage(
                    Json.parse("{\"role\":\"assistant\",\"tool_calls\":[{\"function\":3}]}")
                        .asObject()))
        .hasMessage("\"function\" must be an object: 3");
  }

  @Test
  void aMessageThatIsNotOneSaysWhatIsWrong() {
    assertThatThrownBy(() -> SavedForm.readMessage(JsonObject.of(Map.of())))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("a message needs a \"role\" string");
    assertThatThrownBy(
            () ->
                SavedForm.readMessage(
                    Json.parse("{\"role\":\"system\",\"content\":\"\",\"tools\":{}}").asObject()))
        .hasMessage("\"tools\" must be an array");
    assertThatThrownBy(
            () ->
                SavedForm.readMessage(
                    Json.parse(
                            "{\"role\":\"system\",\"content\":\"\",\"tools\":[{\"type\":"
                                + "\"builtin_function\",\"function\":{\"name\":\"$x\"}}]}")
                        .asObject()))
        .hasMessageStartingWith("a message can declare only function tools");
    assertThatThrownBy(
            () -> SavedForm.readMessage(Json.parse("{\"role\":\"user\",\"content\":1}").asObject()))
        .hasMessage("a user message needs \"content\": a string or parts");
  }

  @ParameterizedTest
  @CsvSource({"800", "0"})
  void aSavedUsageKeepsItsWrittenTokens(int written) {
    Usage u = new Usage(1000, 10, 1010, 200, 3, null, written);
    JsonWriter w = new JsonWriter();
    SavedForm.writeUsage(w, u);
    assertThat(SavedForm.readUsage((JsonObject) Json.parse(w.toString()))).isEqualTo(u);
  }

  @Test
  void aSavedUsageWhoseCountIsNoNumberSaysWhich() {
    assertThatThrownBy(
            () ->
                SavedForm.readUsage(
                    Json.parse("{\"prompt_tokens\":\"12\",\"completion_tokens\":3}").asObject()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("\"prompt_tokens\" must be a number: \"12\"");
    assertThat(SavedForm.readUsage(JsonObject.of()))
        .as("absent counts")
        .isEqualTo(new Usage(0, 0, 0, null, null, null, null));
  }
}
