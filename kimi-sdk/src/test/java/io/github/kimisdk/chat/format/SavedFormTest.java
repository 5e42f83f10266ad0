package io.github.kimisdk.chat.format;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.kimisdk.chat.AssistantMessage;
import io.github.kimisdk.chat.Goldens;
import io.github.kimisdk.chat.Message;
import io.github.kimisdk.chat.Usage;
import io.github.kimisdk.json.Json;
import io.github.kimisdk.json.JsonObject;
import io.github.kimisdk.json.JsonReader;
import io.github.kimisdk.json.JsonString;
import io.github.kimisdk.json.JsonValue;
import io.github.kimisdk.json.JsonWriter;
import io.github.kimisdk.tool.ToolCall;
import java.nio.charset.StandardCharsets;
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
    SavedForm.writeMessage(w, m);
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
  void anAssistantMessageReadsLeniently() {
    AssistantMessage m =
        SavedForm.readAssistantMessage(
            JsonReader.of(
                ("{\"role\":\"assistant\",\"content\":[{\"type\":\"text\",\"text\":\"a\"},"
                        + "{\"type\":\"text\",\"text\":\"b\"},7],"
                        + "\"tool_calls\":[null,{\"index\":0,\"id\":5,\"function\":"
                        + "{\"name\":\"f\",\"arguments\":{\"x\":1}}}],\"partial\":\"yes\"}")
                    .getBytes(StandardCharsets.UTF_8)));
    assertThat(m.content()).as("parts joined").isEqualTo("ab");
    assertThat(m.partial()).as("a partial flag that is no boolean is false").isFalse();
    assertThat(m.toolCalls())
        .containsExactly(new ToolCall("5", "function", "f", "{\"x\":1}"))
        .as("an id as a number, arguments as an object, index dropped");
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
  void aUsageReadsEitherSpellingOfItsCountsAndKeepsTheServersMembers() {
    Usage u =
        SavedForm.readUsage(
            Json.parse(
                    "{\"prompt_tokens\":\"12\",\"completion_tokens\":3.0,\"total_tokens\":null,"
                        + "\"prompt_tokens_details\":{\"cached_tokens\":4},"
                        + "\"cache_creation_input_tokens\":6,\"boost\":true}")
                .asObject());
    assertThat(u)
        .isEqualTo(new Usage(12, 3, 0, 4, null, Json.parse("{\"boost\":true}").asObject(), 6));
    assertThat(SavedForm.cacheWrites(5, 6)).as("never the sum").isEqualTo(5);
    assertThat(SavedForm.cacheWrites(null, 6)).isEqualTo(6);
  }
}
