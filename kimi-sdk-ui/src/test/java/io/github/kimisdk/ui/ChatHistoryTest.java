package io.github.kimisdk.ui;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.kimisdk.chat.AssistantMessage;
import io.github.kimisdk.chat.Message;
import io.github.kimisdk.tool.ToolCall;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The history a chat's next run starts from: the runs' messages, as Kimi takes them. */
class ChatHistoryTest {

  static final ToolCall A = ToolCall.function("a:0", "lookup", "{}");
  static final ToolCall B = ToolCall.function("b:1", "lookup", "{}");

  static AssistantMessage calls(ToolCall... calls) {
    return new AssistantMessage(null, "why", List.of(calls), null, false, null, null);
  }

  @Test
  void theAgentsInstructionsAreLeftForTheNextRunToAdd() {
    List<Message> h =
        AgentChat.history(
            List.of(Message.system("be brief"), Message.user("hi"), Message.assistant("hello")));
    assertThat(h).containsExactly(Message.user("hi"), Message.assistant("hello"));
  }

  @Test
  void aTurnWhoseCallsAllHaveResultsIsKept() {
    List<Message> all =
        List.of(Message.user("hi"), calls(A, B), Message.tool(A, "one"), Message.tool(B, "two"));
    assertThat(AgentChat.history(all)).isEqualTo(all);
  }

  @Test
  void aTurnCutShortIsLeftOut() {
    List<Message> all =
        List.of(
            Message.user("hi"),
            Message.assistant("hello"),
            Message.user("go"),
            calls(A, B),
            Message.tool(A, "one"));
    assertThat(AgentChat.history(all))
        .containsExactly(Message.user("hi"), Message.assistant("hello"), Message.user("go"));
  }
}
