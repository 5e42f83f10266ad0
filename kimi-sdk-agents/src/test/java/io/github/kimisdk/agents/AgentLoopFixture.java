package io.github.kimisdk.agents;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.kimisdk.KimiClient;
import io.github.kimisdk.WireProtocol;
import io.github.kimisdk.chat.ChatCompletion;
import io.github.kimisdk.chat.Message;
import io.github.kimisdk.chat.ToolMessage;
import io.github.kimisdk.chat.Usage;
import io.github.kimisdk.json.JsonString;
import io.github.kimisdk.model.ModelCatalog;
import io.github.kimisdk.testing.FakeKimiServer;
import io.github.kimisdk.tool.JsonSchema;
import io.github.kimisdk.tool.ToolCall;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;

/**
 * What the agent-loop suites share: a fake server for one wire protocol, an agent with {@code add}
 * and {@code echo_text}, and helpers that read a run's history and events. Each suite runs over
 * chat completions; {@link AgentLoopAnthropicHttpTest} and {@link AgentLoopResponsesHttpTest} run
 * them again over the other two wires.
 */
abstract class AgentLoopFixture {

  static final JsonSchema ADD_SCHEMA =
      JsonSchema.object()
          .required("a", JsonSchema.integer())
          .required("b", JsonSchema.integer())
          .build();
  static final JsonSchema TEXT_SCHEMA =
      JsonSchema.object().required("text", JsonSchema.string()).build();

  static final AgentTool ADD =
      AgentTool.of(
          "add",
          "Adds a and b",
          ADD_SCHEMA,
          (a, ctx) -> a.get("a").asLong() + a.get("b").asLong() + "");
  static final AgentTool ECHO_TEXT =
      AgentTool.of("echo_text", "Echoes text", TEXT_SCHEMA, (a, ctx) -> a.get("text").asString());

  FakeKimiServer server;
  KimiClient kimi;

  /** The wire protocol the suite runs over; the subclasses override it. */
  WireProtocol protocol() {
    return WireProtocol.CHAT_COMPLETIONS;
  }

  boolean anthropic() {
    return protocol() == WireProtocol.ANTHROPIC_MESSAGES;
  }

  boolean responses() {
    return protocol() == WireProtocol.RESPONSES;
  }

  /**
   * Picks the wire form an assertion expects: chat completions', Anthropic Messages' or Responses'.
   */
  String wire(String chatCompletions, String messages, String responses) {
    return anthropic() ? messages : responses() ? responses : chatCompletions;
  }

  @BeforeEach
  void start() {
    server = new FakeKimiServer().start();
    // retired: listed as a proxy would list it, for its small window and plain answers
    server.addModel(ModelCatalog.defaults().lookup("moonshot-v1-8k"));
    kimi =
        KimiClient.builder()
            .apiKey("test-key")
            .baseUrl(anthropic() ? server.anthropicBaseUrl() : server.baseUrl())
            .wireProtocol(protocol())
            .build();
  }

  @AfterEach
  void stop() {
    kimi.close();
    server.close();
  }

  Agent.Builder agent(String model) {
    return agent(kimi, model);
  }

  static Agent.Builder agent(KimiClient kimi, String model) {
    return Agent.builder(kimi, model).tool(ADD).tool(ECHO_TEXT);
  }

  static List<Message> user(String text) {
    return List.of(Message.user(text));
  }

  /** The state of a run that answered. */
  static RunState answered(RunResult r) {
    assertThat(r)
        .as("%s", r instanceof RunResult.Failed f ? f.error() : r)
        .isInstanceOf(RunResult.Answered.class);
    return ((RunResult.Answered) r).state();
  }

  /** The messages a run added to those it was given. */
  static List<Message> newMessages(RunState s) {
    return s.messages().subList(s.newMessageIndex(), s.messages().size());
  }

  /** The content of the tool message at {@code index} of the run's history. */
  static String toolContent(RunState s, int index) {
    return ((ToolMessage) s.messages().get(index)).content();
  }

  /** Records the run's events as lines, for assertions on what a user would observe. */
  static final class Recorder implements AgentListener {
    final List<String> events = new ArrayList<>();
    final StringBuilder text = new StringBuilder();
    final StringBuilder reasoning = new StringBuilder();
    Usage total;

    @Override
    public synchronized void onEvent(RunEvent e) {
      if (e instanceof RunEvent.ModelCalled c) {
        events.add("step " + c.step());
      } else if (e instanceof RunEvent.Replied r) {
        ChatCompletion c = r.completion();
        events.add("reply " + r.step() + " " + c.finishReason().value());
        for (ToolCall call : c.choices().get(0).message().toolCalls()) {
          events.add("call " + call.name() + " " + call.arguments());
        }
        total = total == null ? c.usage() : total.plus(c.usage());
      } else if (e instanceof RunEvent.ToolFinished f) {
        events.add("result " + f.tool() + " -> " + f.content());
      } else if (e instanceof RunEvent.Streamed s) {
        (s.reasoning() ? reasoning : text).append(s.text());
      }
    }
  }

  static String toolCallReply(String reasoning, String name, String arguments) {
    return "{\"id\":\"cmpl-1\",\"object\":\"chat.completion\",\"created\":1,\"model\":\"kimi-k2.6\","
        + "\"choices\":[{\"index\":0,\"message\":{\"role\":\"assistant\",\"content\":\"\","
        + (reasoning == null ? "" : "\"reasoning_content\":" + JsonString.of(reasoning) + ",")
        + "\"tool_calls\":[{\"id\":\"call_0\",\"type\":\"function\",\"function\":{\"name\":"
        + JsonString.of(name)
        + ",\"arguments\":"
        + JsonString.of(arguments)
        + "}}]},\"finish_reason\":\"tool_calls\"}],"
        + "\"usage\":{\"prompt_tokens\":10,\"completion_tokens\":5,\"total_tokens\":15}}";
  }
}
