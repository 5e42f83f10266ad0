package io.github.kimisdk.agents;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.kimisdk.KimiClient;
import io.github.kimisdk.chat.AssistantMessage;
import io.github.kimisdk.chat.ChatCompletion;
import io.github.kimisdk.chat.ChatRequest;
import io.github.kimisdk.chat.Conversation;
import io.github.kimisdk.chat.Message;
import io.github.kimisdk.chat.ToolMessage;
import io.github.kimisdk.chat.UserMessage;
import io.github.kimisdk.testing.FakeKimiExtension;
import io.github.kimisdk.testing.FakeKimiServer;
import io.github.kimisdk.tool.JsonSchema;
import io.github.kimisdk.tool.Tool;
import io.github.kimisdk.tool.ToolCall;
import java.util.List;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** A {@link Conversation} compacted on request, as a run is: the same rules, the same summary. */
@ExtendWith(FakeKimiExtension.class)
class CompactionHttpTest {
  static final List<Tool> TOOLS =
      List.of(
          Tool.function(
              "read_file",
              "Reads a file",
              JsonSchema.object().required("path", JsonSchema.string()).build().toJson()),
          Tool.function(
              "stat_file",
              "Tells a file's size",
              JsonSchema.object().required("path", JsonSchema.string()).build().toJson()));
  static final String TASK =
      "read_file path=a.txt then read_file path=b.txt then read_file path=c.txt then read_file"
          + " path=d.txt then read_file path=e.txt";

  static ChatRequest next(Conversation c) {
    return c.request("kimi-k3").tools(TOOLS).build();
  }

  /** Talks with the model until it answers, each call answered by {@code answer}. */
  static void talk(KimiClient kimi, Conversation c, int turns, Consumer<ToolCall> answer) {
    for (int i = 0; i < turns; i++) {
      ChatCompletion reply = kimi.chat(next(c));
      AssistantMessage a = c.addReply(reply);
      if (!a.hasToolCalls()) {
        return;
      }
      a.toolCalls().forEach(answer);
    }
  }

  static Consumer<ToolCall> reader(Conversation c) {
    return call ->
        c.add(
            new ToolMessage(
                call.id(),
                call.name(),
                "contents of " + call.arguments() + " lorem ipsum dolor".repeat(500)));
  }

  @Test
  void aConversationIsCompactedOnRequestAndGoesOn(FakeKimiServer server, KimiClient kimi) {
    Conversation c = Conversation.withId("notes-1");
    c.addSystem("You read files.");
    c.addUser(TASK);
    talk(kimi, c, 4, reader(c));
    int requests = server.requestCount();

    Compaction.Result r = Compaction.defaults().compact(kimi, c, next(c));

    Conversation after = r.conversation();
    assertThat(after.id()).isEqualTo("notes-1");
    assertThat(after.messages().subList(0, 2))
        .containsExactlyElementsOf(c.messages().subList(0, 2));
    assertThat(((UserMessage) after.messages().get(2)).text())
        .startsWith(Compactor.HEADER)
        .contains("- read_file {\"path\":\"a.txt\"} -> ok");
    // the last two turns, as they were
    List<Message> before = c.messages();
    List<Message> kept = after.messages().subList(3, after.size());
    assertThat(kept).containsExactlyElementsOf(before.subList(before.size() - 4, before.size()));
    CompactionReport report = r.report();
    assertThat(report.summarized()).isEqualTo(4);
    assertThat(report.tokensAfter()).isLessThan(report.tokensBefore());
    assertThat(report.usage().cachedTokens())
        .as("the summary call read the history from Kimi's prefix cache")
        .isPositive();
    assertThat(after.usage().totalTokens())
        .isEqualTo(c.usage().totalTokens() + report.usage().totalTokens());
    assertThat(server.requestCount()).isEqualTo(requests + 1);
    // the original is not changed; the compacted one goes on to the end of the task
    assertThat(c.size()).isEqualTo(before.size());
    talk(kimi, after, 4, reader(after));
    AssistantMessage last = (AssistantMessage) after.messages().get(after.size() - 1);
    assertThat(last.hasToolCalls()).isFalse();
    assertThat(last.text()).contains("read_file says contents of {\"path\":\"e.txt\"}");
  }

  @Test
  void callsThatWaitForResultsStayWholeWithTheirTurn(FakeKimiServer server, KimiClient kimi) {
    Conversation c = Conversation.withId("pending-1");
    c.addUser("read_file path=a.txt then read_file path=b.txt and stat_file path=b.txt");
    talk(kimi, c, 1, reader(c));
    AssistantMessage waiting = c.addReply(kimi.chat(next(c)));
    ToolCall first = waiting.toolCalls().get(0);
    ToolMessage half = new ToolMessage(first.id(), first.name(), "contents of b.txt");
    assertThat(waiting.toolCalls()).hasSize(2);
    c.add(half); // one of the turn's two calls answered, the other waits
    assertThat(c.pendingToolCalls()).hasSize(1);

    Compaction.Result r = Compaction.defaults().recentTurns(0).compact(kimi, c, next(c));

    List<Message> m = r.conversation().messages();
    assertThat(m.subList(m.size() - 2, m.size())).containsExactly(waiting, half);
    assertThat(r.conversation().pendingToolCalls()).isEqualTo(c.pendingToolCalls());
    assertThat(r.report().summarized()).isEqualTo(2); // the first turn, not the waiting one
  }

  @Test
  void nothingToSummarizeLeavesTheConversationAsItIs(FakeKimiServer server, KimiClient kimi) {
    Conversation c = Conversation.withId("short");
    c.addUser("Hello");

    Compaction.Result r = Compaction.defaults().compact(kimi, c, next(c));

    assertThat(r.conversation()).isSameAs(c);
    assertThat(r.report().summarized()).isZero();
    assertThat(r.report().usage()).isNull();
    assertThat(server.requestCount()).isZero();
  }

  @Test
  void settingsAreCheckedAndPrinted() {
    assertThatThrownBy(() -> Compaction.defaults().threshold(0)).hasMessageContaining("(0, 1]");
    assertThatThrownBy(() -> Compaction.defaults().threshold(1.5)).hasMessageContaining("(0, 1]");
    assertThatThrownBy(() -> Compaction.defaults().recentTurns(-1))
        .hasMessageContaining("negative");
    assertThatThrownBy(() -> Compaction.defaults().maxPromptTokens(10))
        .hasMessageContaining("1000");
    assertThatThrownBy(() -> Compaction.defaults().maxRequestBytes(10))
        .hasMessageContaining("16384");
    assertThatThrownBy(() -> Compaction.defaults().maxToolResultTokens(10))
        .hasMessageContaining("100");
    assertThatThrownBy(() -> Compaction.defaults().summaryTokens(10)).hasMessageContaining("256");
    assertThat(Compaction.off().enabled()).isFalse();
    assertThat(Compaction.off()).hasToString("Compaction[off]");
    assertThat(Compaction.defaults().threshold(0.5).recentTurns(3).model("kimi-k2.6"))
        .hasToString(
            "Compaction[threshold=0.5, recentTurns=3, model=kimi-k2.6, maxToolResultTokens=25000,"
                + " summaryTokens=4000]");
  }
}
