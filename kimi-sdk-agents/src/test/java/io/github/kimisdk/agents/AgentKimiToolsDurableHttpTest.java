package io.github.kimisdk.agents;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.kimisdk.KimiClient;
import io.github.kimisdk.chat.AssistantMessage;
import io.github.kimisdk.chat.Message;
import io.github.kimisdk.chat.Thinking;
import io.github.kimisdk.chat.ToolMessage;
import io.github.kimisdk.testing.FakeKimiExtension;
import io.github.kimisdk.testing.FakeKimiServer;
import io.github.kimisdk.tool.Tool;
import io.github.kimisdk.tool.ToolCall;
import java.nio.file.Path;
import java.util.List;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * Kimi's own tools inside a durable run on a {@link FileRunStore}, against the fake, every request
 * keeping Kimi's rules ({@link KimisRules}: the fake refuses with 400 a {@code $web_search} result
 * that does not echo the call's arguments): the built-in {@code $web_search} as an agent tool and
 * as a tool the request's settings declare ({@code Tool.webSearch()}), and a formula's function run
 * as a fiber. Each run is read back from the store and resumed answered, calling nothing again.
 */
@ExtendWith(FakeKimiExtension.class)
class AgentKimiToolsDurableHttpTest {

  @TempDir Path dir;

  /** Kimi's docs: {@code $web_search} wants thinking off (and a model other than kimi-k3). */
  static final UnaryOperator<io.github.kimisdk.chat.ChatRequest.Builder> NO_THINKING =
      b -> b.thinking(Thinking.disabled());

  Agent.Builder durable(KimiClient kimi, String model) {
    return Agent.builder(kimi, model)
        .name("kimi-tools", "1")
        .key(TestKeys.KEY)
        .store(FileRunStore.of(dir));
  }

  static RunState answered(RunResult r) {
    assertThat(r)
        .as("%s", r instanceof RunResult.Failed f ? f.error() : r)
        .isInstanceOf(RunResult.Answered.class);
    return ((RunResult.Answered) r).state();
  }

  /** The run as the store holds it, resumed: answered as it was, no model call made. */
  static void resumesAnsweredAsSaved(Agent agent, RunState s, FakeKimiServer server) {
    int sent = server.requestCount();
    RunState saved = agent.load(s.id()).orElseThrow();
    assertThat(saved.status()).isEqualTo(RunState.Status.ANSWERED);
    assertThat(saved.text()).isEqualTo(s.text());
    assertThat(answered(agent.resume(saved, List.of())).text()).isEqualTo(s.text());
    assertThat(server.requestCount()).isEqualTo(sent);
  }

  /** The run's {@code $web_search} call and its answer: the arguments, unchanged. */
  static void echoedTheSearch(RunState s) {
    AssistantMessage call = (AssistantMessage) s.messages().get(1);
    ToolCall search = call.toolCalls().get(0);
    assertThat(search.name()).isEqualTo("$web_search");
    assertThat(search.arguments()).startsWith("{\"search_result\":{\"search_id\":\"fake-search-");
    assertThat(s.messages().get(2))
        .isEqualTo(new ToolMessage(search.id(), "$web_search", search.arguments()));
    assertThat(s.text()).startsWith("From the tools: the web says \"What is new in Java?\"");
  }

  @Test
  void theWebSearchAgentToolAnswersInADurableRun(FakeKimiServer server, KimiClient kimi) {
    Agent agent =
        durable(kimi, "kimi-k2.6").tool(AgentTool.webSearch()).request(NO_THINKING).build();

    RunState s = answered(agent.run("search-1", List.of(Message.user("What is new in Java?"))));

    echoedTheSearch(s);
    assertThat(server.requestCount()).isEqualTo(2);
    KimisRules.check(server.requests());
    resumesAnsweredAsSaved(agent, s, server);
  }

  @Test
  void theWebSearchDeclaredInTheRequestAnswersInADurableRun(
      FakeKimiServer server, KimiClient kimi) {
    Agent agent =
        durable(kimi, "kimi-k2.6")
            .request(b -> b.thinking(Thinking.disabled()).addTool(Tool.webSearch()))
            .build();

    RunState s = answered(agent.run("search-2", List.of(Message.user("What is new in Java?"))));

    echoedTheSearch(s);
    assertThat(server.requests().get(0).bodyText())
        .contains("{\"type\":\"builtin_function\",\"function\":{\"name\":\"$web_search\"}}");
    KimisRules.check(server.requests());
    resumesAnsweredAsSaved(agent, s, server);
  }

  @Test
  void aFormulaAnswersInADurableRun(FakeKimiServer server, KimiClient kimi) {
    Agent agent =
        durable(kimi, "kimi-k3").tools(AgentTool.formula(kimi, "moonshot/base64:latest")).build();

    RunState s =
        answered(agent.run("formula-1", List.of(Message.user("Use base64_encode data=hello"))));

    assertThat(s.messages().get(2)).isInstanceOf(ToolMessage.class);
    assertThat(((ToolMessage) s.messages().get(2)).content()).isEqualTo("aGVsbG8=");
    assertThat(s.text()).isEqualTo("From the tools: base64_encode says aGVsbG8=.");
    assertThat(server.requests())
        .filteredOn(r -> r.path().endsWith("/fibers"))
        .as("one fiber")
        .hasSize(1);
    KimisRules.check(server.requests());
    resumesAnsweredAsSaved(agent, s, server);
  }
}
