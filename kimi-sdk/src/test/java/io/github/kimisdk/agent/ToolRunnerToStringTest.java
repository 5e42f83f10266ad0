package io.github.kimisdk.agent;

import static io.github.kimisdk.base.text.RecordTexts.assertPrints;

import io.github.kimisdk.chat.ChatCompletion;
import io.github.kimisdk.chat.Message;
import io.github.kimisdk.chat.Usage;
import io.github.kimisdk.model.Spend;
import io.github.kimisdk.tool.ToolCall;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** What a run's records print: the members that are set, nothing twice, one table per type. */
class ToolRunnerToStringTest {

  @Test
  void toolResult() {
    ToolCall call = ToolCall.function("c1", "now", "{}");
    assertPrints(
        new ToolRunner.ToolResult(call, "12:00", false, Duration.ofMillis(3)),
        "ToolResult[call=" + call + ", content=12:00, elapsed=PT0.003S]",
        new ToolRunner.ToolResult(call, "Error: no", true, Duration.ZERO),
        "ToolResult[call=" + call + ", content=Error: no, error=true, elapsed=PT0S]");
  }

  @Test
  void result() {
    Usage usage = Usage.of(3, 1, 4);
    ChatCompletion last = new ChatCompletion("c", null, 0, "kimi-k3", List.of(), usage, null);
    List<Message> transcript = List.of(Message.user("Hi"), Message.assistant("Hello"));
    Spend spend = Spend.of("kimi-k3", usage, null);
    assertPrints(
        new ToolRunner.Result(ToolRunner.Outcome.ANSWERED, transcript, 1, last, usage, 1, null, 0),
        "Result[outcome=ANSWERED, steps=1, transcript=2 messages, newMessageIndex=1,"
            + " usage=Usage[promptTokens=3, completionTokens=1, totalTokens=4]]",
        new ToolRunner.Result(
            ToolRunner.Outcome.STEP_LIMIT, transcript, 1, last, usage, 4, null, 2, spend),
        "Result[outcome=STEP_LIMIT, steps=4, transcript=2 messages, newMessageIndex=1,"
            + " argumentErrors=2, spend="
            + spend
            + "]");
  }
}
