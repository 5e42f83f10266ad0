package io.github.kimisdk.chat;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.kimisdk.tool.FunctionTool;
import io.github.kimisdk.tool.Tool;
import io.github.kimisdk.tool.ToolCall;
import java.util.List;
import org.junit.jupiter.api.Test;

class MessageTest {

  @Test
  void factoriesSetRoleAndContent() {
    assertThat(Message.system("s")).isEqualTo(new SystemMessage("s", null));
    assertThat(Message.system("s").role()).isEqualTo("system");
    assertThat(Message.user("u").content()).containsExactly(ContentPart.text("u"));
    assertThat(Message.user("u").role()).isEqualTo("user");
    assertThat(Message.assistant("a"))
        .isEqualTo(new AssistantMessage("a", null, List.of(), null, false));
    assertThat(Message.assistant("a").role()).isEqualTo("assistant");
    assertThat(Message.tool("id1", "ping", "pong"))
        .isEqualTo(new ToolMessage("id1", "ping", "pong"));
    assertThat(Message.tool("id1", "ping", "pong").role()).isEqualTo("tool");
  }

  @Test
  void aSystemMessageDeclaresToolsWithEmptyContentAndEachNameOnce() {
    FunctionTool weather = Tool.function("get_weather", null, null);
    FunctionTool time = Tool.function("get_time", null, null);
    SystemMessage m = Message.tools(weather, time);
    assertThat(m.content()).isEmpty();
    assertThat(m.tools()).containsExactly(weather, time);
    assertThat(m.declaresTools()).isTrue();
    assertThat(Message.system("s").declaresTools()).isFalse();
    assertThat(Message.system("s").tools()).isEmpty();
    assertThatThrownBy(() -> new SystemMessage("not empty", null, List.of(weather)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("must have empty content");
    assertThatThrownBy(() -> Message.tools(weather, weather))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("declares the tool \"get_weather\" twice");
    assertThatThrownBy(() -> Message.tools())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("at least one tool");
    assertThatThrownBy(() -> Message.tools(weather, null)).isInstanceOf(NullPointerException.class);
  }

  @Test
  void userMessageWithPartsKeepsOrderAndJoinsText() {
    ContentPart image = ContentPart.imageFile("file-1");
    UserMessage m = Message.user("Describe", image, ContentPart.text(" briefly"));
    assertThat(m.content())
        .containsExactly(ContentPart.text("Describe"), image, ContentPart.text(" briefly"));
    assertThat(m.text()).isEqualTo("Describe briefly");
    assertThat(Message.user("only").text()).isEqualTo("only");
    assertThat(Message.user(List.of(image)).text()).isEmpty();
  }

  @Test
  void emptyContentIsRejected() {
    assertThatThrownBy(() -> Message.system(""))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("system message content must not be empty");
    assertThatThrownBy(() -> Message.user(""))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("text must not be empty");
    assertThatThrownBy(() -> Message.user(List.of()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("user message content must hold at least one part");
    assertThatThrownBy(() -> Message.system(null)).isInstanceOf(NullPointerException.class);
    assertThatThrownBy(() -> Message.assistant((String) null))
        .isInstanceOf(NullPointerException.class);
  }

  @Test
  void partialMessageIsAssistantWithFlag() {
    AssistantMessage p = Message.partial("Once upon", "Narrator");
    assertThat(p.partial()).isTrue();
    assertThat(p.name()).isEqualTo("Narrator");
    assertThat(p.content()).isEqualTo("Once upon");
    assertThat(p.withContent("Once upon a time").partial()).isFalse();
    assertThatThrownBy(() -> Message.partial(""))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("partial prefix must not be empty");
    assertThatThrownBy(() -> new AssistantMessage(null, null, null, null, true))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("partial assistant message needs non-empty content");
  }

  @Test
  void assistantToolCallMessageKeepsEmptyReasoning() {
    ToolCall call = ToolCall.function("get_weather_0", "get_weather", "{\"city\":\"Paris\"}");
    AssistantMessage m = Message.assistant(null, "", List.of(call));
    assertThat(m.reasoningContent()).isEmpty();
    assertThat(m.reasoningContent()).isNotNull();
    assertThat(m.text()).isEmpty();
    assertThat(m.hasToolCalls()).isTrue();
    assertThat(new AssistantMessage(null, null, null, null, false).toolCalls()).isEmpty();
    assertThat(new AssistantMessage(null, null, null, null, false).reasoning()).isEmpty();
  }

  @Test
  void toolMessageFromCallCopiesIdAndName() {
    ToolCall call = ToolCall.function("functions.ping:0", "ping", "{}");
    assertThat(Message.tool(call, "pong"))
        .isEqualTo(new ToolMessage("functions.ping:0", "ping", "pong"));
    assertThat(Message.tool("id", null, "x").name())
        .as("Kimi accepts a tool message without name, as the official openai client sends it")
        .isNull();
    assertThatThrownBy(() -> Message.tool(null, "ping", "x"))
        .isInstanceOf(NullPointerException.class)
        .hasMessageContaining("toolCallId must not be null");
  }
}
