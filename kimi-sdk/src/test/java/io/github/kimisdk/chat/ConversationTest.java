package io.github.kimisdk.chat;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.kimisdk.internal.wire.chat.ChatCodec;
import io.github.kimisdk.json.Json;
import io.github.kimisdk.json.JsonArray;
import io.github.kimisdk.json.JsonNull;
import io.github.kimisdk.json.JsonObject;
import io.github.kimisdk.json.JsonString;
import io.github.kimisdk.json.JsonValue;
import io.github.kimisdk.tool.FunctionTool;
import io.github.kimisdk.tool.Tool;
import io.github.kimisdk.tool.ToolCall;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConversationTest {

  static final ToolCall CALL_A = ToolCall.function("functions.a:0", "tool_a", "{\"x\":1}");
  static final ToolCall CALL_B = ToolCall.function("functions.b:1", "tool_b", "");

  static ChatCompletion reply(AssistantMessage m) {
    return new ChatCompletion(
        "c1",
        "chat.completion",
        1,
        "kimi-k2.6",
        List.of(new Choice(0, m, FinishReason.of("tool_calls"), null)),
        null,
        null);
  }

  @Test
  void appendsRepliesAndToolTurnsInOrder() {
    Conversation c = Conversation.withId("t-1").addSystem("Be brief.").addUser("Go");
    AssistantMessage calls = Message.assistant("", "", List.of(CALL_A, CALL_B));
    assertThat(c.addReply(reply(calls))).isSameAs(calls);
    assertThat(c.pendingToolCalls()).containsExactly(CALL_A, CALL_B);
    assertThatThrownBy(() -> c.addUser("too early"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining(
            "must each be answered by a tool message before another user message");
    assertThatThrownBy(() -> c.add(Message.tool("nope", "tool_a", "x")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("answers no open tool call");
    c.add(Message.tool(CALL_B, "b"));
    assertThat(c.pendingToolCalls()).containsExactly(CALL_A);
    c.add(Message.tool(CALL_A, "a"));
    assertThat(c.pendingToolCalls()).isEmpty();
    c.add(Message.assistant("Done."));
    assertThat(c.size()).isEqualTo(6);
    assertThat(c.messages().get(5)).isEqualTo(Message.assistant("Done."));
    assertThat(c).hasToString("Conversation[id=t-1, messages=6]");
    ChatRequest r = c.addUser("More").request("kimi-k2.6").build();
    assertThat(r.promptCacheKey()).isEqualTo("t-1");
    assertThat(r.messages()).isEqualTo(c.messages());
  }

  @Test
  void refusesPartialMessagesAndEmptyCompletions() {
    Conversation c = Conversation.create();
    assertThat(c.id()).hasSize(36);
    assertThatThrownBy(() -> c.add(Message.partial("The")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("partial");
    assertThatThrownBy(
            () -> c.addReply(new ChatCompletion("x", null, 0, null, List.of(), null, null)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("no choice");
    assertThatThrownBy(() -> Conversation.withId(" ")).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void savesAndLoadsEveryKindOfMessage(@TempDir Path dir) throws Exception {
    Conversation c = Conversation.withId("thread-7");
    c.add(new SystemMessage("sys", "narrator"));
    c.add(
        Message.user(
            "look",
            ContentPart.imageUrl("data:image/png;base64,AAAA"),
            ContentPart.videoFile("file-1")));
    c.add(new UserMessage(List.of(ContentPart.text("plain")), "bob"));
    c.addReply(reply(new AssistantMessage(null, "", List.of(CALL_A, CALL_B), null, false)));
    c.add(Message.tool(CALL_A, "1"));
    c.add(Message.tool(CALL_B, "2"));
    c.add(new AssistantMessage("Answer", "thought", List.of(), "kimi", false));
    Path file = dir.resolve("c.json");
    c.save(file);
    c.save(file); // replacing works too
    String saved = Files.readString(file);
    assertThat(saved).contains("\"format\": \"kimi-sdk.conversation\"").contains("\"version\": 1");
    Conversation back = Conversation.load(file);
    assertThat(back.id()).isEqualTo("thread-7");
    assertThat(back.messages()).isEqualTo(c.messages());
    assertThat(back.toJson()).isEqualTo(saved);
    // Empty reasoning survives the round trip: thinking models need it.
    assertThat(((AssistantMessage) back.messages().get(3)).reasoningContent()).isEmpty();
    assertThat(Conversation.fromJson(c.toJson()).messages()).isEqualTo(c.messages());
  }

  /** The assistant messages of the request body {@code r} encodes to. */
  private static List<JsonObject> sentAssistants(ChatRequest r) {
    JsonObject body =
        Json.parse(new String(ChatCodec.encodeRequest(r), StandardCharsets.UTF_8)).asObject();
    return ((JsonArray) body.get("messages"))
        .values().stream()
            .map(JsonValue::asObject)
            .filter(m -> m.get("role").equals(JsonString.of("assistant")))
            .toList();
  }

  @Test
  void aToolOnlyTurnIsSentAndSavedWithEmptyContentAndLoadsBackAsItWas() {
    Conversation c = Conversation.withId("tools-only").addUser("Go");
    c.addReply(reply(Message.assistant(null, null, List.of(CALL_A))));
    c.add(Message.tool(CALL_A, "1"));
    c.addReply(reply(Message.assistant("", "", List.of(CALL_B))));
    c.add(Message.tool(CALL_B, "2"));
    for (String model : List.of("moonshot-v1-8k", "kimi-k2.6", "kimi-k3")) {
      assertThat(sentAssistants(c.request(model).build()))
          .as(model)
          .extracting(m -> m.get("content"))
          .containsExactly(JsonString.of(""), JsonString.of(""));
    }
    String saved = c.toJson();
    assertThat(((JsonArray) Json.parse(saved).asObject().get("messages")).values())
        .as("saved as sent")
        .extracting(m -> m.asObject().get("content"))
        .containsExactly(
            JsonString.of("Go"),
            JsonString.of(""),
            JsonString.of("1"),
            JsonString.of(""),
            JsonString.of("2"));
    Conversation loaded = Conversation.fromJson(saved);
    assertThat(((AssistantMessage) loaded.messages().get(1)).content())
        .as("no content stays none")
        .isNull();
    assertThat(loaded.toJson()).isEqualTo(saved);
    assertThat(sentAssistants(loaded.request("kimi-k3").build()))
        .extracting(m -> m.get("content"))
        .containsExactly(JsonString.of(""), JsonString.of(""));
  }

  @Test
  void aSaveAndLoadKeepsEveryFieldTheCodecWrites() {
    AssistantMessage reply =
        new AssistantMessage(
            "It is sunny.",
            "",
            List.of(),
            "narrator",
            false,
            null,
            JsonObject.of(
                "audio", JsonObject.of("id", JsonString.of("a-1")), "refusal", JsonNull.INSTANCE));
    Conversation c =
        Conversation.withId("round-trip")
            .addSystem("Be brief.")
            .add(
                Message.user(
                    "Look",
                    ContentPart.text("at this"),
                    ContentPart.imageUrl("data:image/png;base64,AA==")))
            .add(reply);
    c.add(Message.tools(Tool.function("get_time", "The time", null)));
    Conversation loaded = Conversation.fromJson(c.toJson());
    assertThat(loaded.messages()).isEqualTo(c.messages());
    assertThat(((SystemMessage) loaded.messages().get(3)).tools())
        .extracting(FunctionTool::name)
        .containsExactly("get_time");
    AssistantMessage back = (AssistantMessage) loaded.messages().get(2);
    assertThat(back.additionalFields()).isEqualTo(reply.additionalFields());
    assertThat(back.reasoningContent()).as("an empty reasoning stays empty").isEmpty();
    assertThat(loaded.toJson()).isEqualTo(c.toJson());
  }

  @Test
  void loadingSomethingElseSaysWhatIsWrong() {
    assertThatThrownBy(() -> Conversation.fromJson("{"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("a saved conversation must be JSON");
    assertThatThrownBy(() -> Conversation.fromJson("{\"format\":\"other\"}"))
        .hasMessageContaining("not a saved conversation");
    assertThatThrownBy(
            () -> Conversation.fromJson("{\"format\":\"kimi-sdk.conversation\",\"version\":2}"))
        .hasMessageContaining("unsupported conversation version 2");
    assertThatThrownBy(
            () ->
                Conversation.fromJson(
                    "{\"format\":\"kimi-sdk.conversation\",\"version\":1,\"id\":\"\"}"))
        .hasMessageContaining("non-blank \"id\"");
    assertThatThrownBy(
            () ->
                Conversation.fromJson(
                    "{\"format\":\"kimi-sdk.conversation\",\"version\":1,\"id\":\"a\"}"))
        .hasMessageContaining("\"messages\" array");
    assertThatThrownBy(
            () ->
                Conversation.fromJson(
                    "{\"format\":\"kimi-sdk.conversation\",\"version\":1,\"id\":\"a\","
                        + "\"messages\":[{\"role\":\"user\",\"content\":\"hi\"},"
                        + "{\"role\":\"robot\"}]}"))
        .hasMessage("saved message 1: unknown role \"robot\"");
    assertThatThrownBy(
            () ->
                Conversation.fromJson(
                    "{\"format\":\"kimi-sdk.conversation\",\"version\":1,\"id\":\"a\","
                        + "\"messages\":[{\"role\":\"tool\",\"tool_call_id\":\"x\",\"name\":\"n\","
                        + "\"content\":\"c\"}]}"))
        .hasMessageStartingWith("saved message 0: tool message for call \"x\"");
    assertThatThrownBy(
            () ->
                Conversation.fromJson(
                    "{\"format\":\"kimi-sdk.conversation\",\"version\":1,\"id\":\"a\","
                        + "\"messages\":[{\"role\":\"user\",\"content\":[{\"type\":\"audio\"}]}]}"))
        .hasMessage("saved message 0: unknown content part type \"audio\"");
  }

  static ChatCompletion answer(String model, String text, Usage usage) {
    return new ChatCompletion(
        "c-" + text,
        "chat.completion",
        1,
        model,
        List.of(new Choice(0, Message.assistant(text), FinishReason.of("stop"), null)),
        usage,
        null);
  }

  @Test
  void countsTheTokensOfItsRepliesPerModel() {
    Conversation c = Conversation.withId("t-1").addUser("One");
    c.addReply(answer("kimi-k3", "1", new Usage(300, 20, 320, null, 5)));
    c.addUser("Two");
    c.addReply(answer("kimi-k3", "2", new Usage(340, 30, 370, 300, 7)));
    c.addUser("Three");
    c.addReply(answer("kimi-k2.6", "3", Usage.of(50, 5, 55)));
    c.addUser("Four");
    c.addReply(answer("kimi-k2.6", "4", null)); // a reply without usage adds none

    assertThat(c.usageByModel())
        .containsExactly(
            java.util.Map.entry("kimi-k3", new Usage(640, 50, 690, 300, 12)),
            java.util.Map.entry("kimi-k2.6", Usage.of(50, 5, 55)));
    assertThat(c.usage()).isEqualTo(new Usage(690, 55, 745, 300, 12));
    assertThat(Conversation.create().usage()).isEqualTo(new Usage(0, 0, 0, null, null));

    c.addUsage("kimi-k3", Usage.of(10, 1, 11));
    assertThat(c.usageByModel().get("kimi-k3").promptTokens()).isEqualTo(650);
  }

  @Test
  void aSaveAndLoadKeepsTheUsage(@TempDir Path dir) throws Exception {
    Conversation c = Conversation.withId("t-2").addUser("One");
    c.addReply(answer("kimi-k3", "1", new Usage(300, 20, 320, 256, 5)));
    c.addUser("Two");
    c.addReply(answer("kimi-k2.6", "2", Usage.of(40, 4, 44)));
    Path file = dir.resolve("c.json");
    c.save(file);

    assertThat(Files.readString(file)).contains("\"usage\"", "\"cached_tokens\": 256");
    Conversation back = Conversation.load(file);
    assertThat(back.usageByModel()).isEqualTo(c.usageByModel());
    assertThat(back.toJson()).isEqualTo(c.toJson());
  }

  @Test
  void aSavedConversationWithoutUsageLoadsWithNone() {
    Conversation c =
        Conversation.fromJson(
            "{\"format\":\"kimi-sdk.conversation\",\"version\":1,\"id\":\"a\","
                + "\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}");
    assertThat(c.usageByModel()).isEmpty();
    assertThat(c.toJson()).doesNotContain("usage");
  }

  @Test
  void aMalformedSavedUsageSaysWhere() {
    String head =
        "{\"format\":\"kimi-sdk.conversation\",\"version\":1,\"id\":\"a\",\"messages\":[],";
    assertThatThrownBy(() -> Conversation.fromJson(head + "\"usage\":[]}"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("\"usage\" of a saved conversation must be an object");
    assertThatThrownBy(() -> Conversation.fromJson(head + "\"usage\":{\"kimi-k3\":5}}"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("the saved usage of kimi-k3 must be an object");
  }
}
