package io.github.kimisdk.chat;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.kimisdk.json.Json;
import io.github.kimisdk.json.JsonString;
import io.github.kimisdk.tool.FunctionTool;
import io.github.kimisdk.tool.ToolCall;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The conversations saved by earlier versions of the SDK load with the content they were saved
 * with: the golden files under {@code formats/} (see its README) are read by this test forever.
 */
class ConversationGoldenFilesTest {

  private static Conversation load(String name) {
    return Conversation.fromJson(Goldens.read(name));
  }

  @Test
  void everyVersionOneFileLoadsWithTheContentItWasSavedFrom() {
    for (String name : Goldens.CONVERSATIONS_V1) {
      Conversation saved = Goldens.conversation(name);
      Conversation loaded = load(name);
      assertThat(loaded.id()).as(name).isEqualTo(saved.id());
      assertThat(loaded.promptCacheTtl()).as(name).isEqualTo(saved.promptCacheTtl());
      assertThat(loaded.messages()).as(name).isEqualTo(saved.messages());
      assertThat(loaded.usageByModel()).as(name).isEqualTo(saved.usageByModel());
      assertThat(loaded.pendingToolCalls()).as(name).isEmpty();
    }
  }

  @Test
  void aToolLoopLoadsItsReasoningCallsResultsNamesAndUsagePerModel() {
    Conversation c = load("conversation-v1-tool-turns.json");
    assertThat(c.id()).isEqualTo("support-4711");
    assertThat(c.promptCacheTtl()).isEqualTo(CacheTtl.ONE_HOUR);
    List<Message> m = c.messages();
    assertThat(m)
        .extracting(Message::role)
        .containsExactly(
            "system", "user", "assistant", "tool", "tool", "assistant", "user", "assistant");
    assertThat(m.get(0)).isEqualTo(new SystemMessage("You are a terse support agent.", "support"));
    AssistantMessage calls = (AssistantMessage) m.get(2);
    assertThat(calls.content()).as("saved as \"\" beside tool calls, read as none").isNull();
    assertThat(calls.reasoningContent()).isEqualTo("Two lookups: the order, then the weather.");
    assertThat(calls.toolCalls())
        .containsExactly(
            ToolCall.function("functions.order_status:0", "order_status", "{\"id\":4711}"),
            new ToolCall(
                "$web_search:1", "builtin_function", "$web_search", "{\"q\":\"Beijing\"}"));
    assertThat(m.get(3))
        .isEqualTo(
            Message.tool(
                "functions.order_status:0",
                "order_status",
                "{\"status\":\"shipped\",\"eta\":\"2026-11-27\"}"));
    assertThat(((ToolMessage) m.get(4)).content()).isEqualTo("Beijing: 3\u00b0C, clear \u2600");
    assertThat(((AssistantMessage) m.get(5)).reasoningContent())
        .as("empty reasoning stays \"\"")
        .isEmpty();
    assertThat(m.get(6))
        .isEqualTo(new UserMessage(List.of(ContentPart.text("Thanks \"a lot\"\n\tbye")), "alice"));
    assertThat(((AssistantMessage) m.get(7)).name()).isEqualTo("kimi");
    assertThat(c.usageByModel())
        .containsExactly(
            java.util.Map.entry("kimi-k2.6", new Usage(330, 70, 400, 232, 30, null, 56)),
            java.util.Map.entry("moonshot-v1-8k", Usage.of(12, 5, 17)));
  }

  @Test
  void userMediaLoadsAsItsPartsWithTheirUrls() {
    Conversation c = load("conversation-v1-media.json");
    assertThat(c.promptCacheTtl()).isEqualTo(CacheTtl.FIVE_MINUTES);
    UserMessage media = (UserMessage) c.messages().get(1);
    assertThat(media.content())
        .containsExactly(
            ContentPart.text("What is in these?"),
            ContentPart.imageUrl("data:image/png;base64,iVBORw0KGgoAAAANSUhEUg=="),
            ContentPart.imageUrl("ms://file-img-1"),
            ContentPart.videoUrl("data:video/mp4;base64,AAAAIGZ0eXBpc29t"),
            ContentPart.videoUrl("ms://file-vid-2"));
    assertThat(((UserMessage) c.messages().get(3)).content())
        .containsExactly(ContentPart.imageUrl("ms://file-img-3"));
    assertThat(c.messages().get(5))
        .isEqualTo(new UserMessage(List.of(ContentPart.text("one part, named")), "bob"));
    assertThat(c.usageByModel().get("kimi-k2.6").cacheWriteTokens()).isEqualTo(1792);
    assertThat(c.usageByModel().get("kimi-k2.6").cachedTokens()).isNull();
    assertThat(c.usageByModel().get("moonshot-v1-8k-vision-preview").cachedTokens()).isZero();
  }

  @Test
  void dynamicToolsSignedReasoningAndServerMembersLoadAsSaved() {
    Conversation c = load("conversation-v1-k3-dynamic-tools.json");
    assertThat(c.promptCacheTtl()).isNull();
    SystemMessage tools = (SystemMessage) c.messages().get(1);
    assertThat(tools.content()).isEmpty();
    assertThat(tools.tools())
        .containsExactly(
            new FunctionTool(
                "get_weather",
                "Weather for a city.",
                Json.parse(
                    "{\"type\":\"object\",\"properties\":{\"city\":{\"type\":\"string\"}},"
                        + "\"required\":[\"city\"],\"additionalProperties\":false}"),
                true),
            new FunctionTool("get_time", null, Json.parse("{\"type\":\"object\"}"), null));
    AssistantMessage call = (AssistantMessage) c.messages().get(3);
    assertThat(call.reasoningSignature()).isEqualTo("EqQBCkgIARABGAIiQLx3");
    assertThat(call.additionalFields().members())
        .containsOnlyKeys("refusal", "annotations")
        .containsEntry("refusal", Json.parse("null"));
    assertThat(call.toolCalls().get(0).additionalFields().get("thought_signature"))
        .isEqualTo(JsonString.of("ts-1"));
    AssistantMessage last = (AssistantMessage) c.messages().get(5);
    assertThat(last.reasoningSignature()).isEqualTo("c2ln");
    assertThat(last.additionalFields().members()).isEmpty();
    assertThat(c.usageByModel().get("kimi-k3"))
        .isEqualTo(new Usage(660, 52, 712, 340, 29, null, 300));
  }

  @Test
  void anEmptyHistoryLoads() {
    Conversation c = load("conversation-v1-empty.json");
    assertThat(c.id()).isEqualTo("empty-0");
    assertThat(c.size()).isZero();
    assertThat(c.usageByModel()).isEmpty();
  }

  @Test
  void versionOneFilesSaveBackByteForByteWhileTheSdkWritesVersionOne() {
    assertThat(Conversation.VERSION).isEqualTo(1);
    for (String name : Goldens.CONVERSATIONS_V1) {
      assertThat(load(name).toJson()).as(name).isEqualTo(Goldens.read(name));
    }
  }
}
