package io.github.kimisdk.agents;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeFalse;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.github.kimisdk.KimiClient;
import io.github.kimisdk.RequestOptions;
import io.github.kimisdk.chat.AssistantMessage;
import io.github.kimisdk.chat.Conversation;
import io.github.kimisdk.chat.Message;
import io.github.kimisdk.chat.Thinking;
import io.github.kimisdk.chat.ToolMessage;
import io.github.kimisdk.errors.ApiException;
import io.github.kimisdk.errors.CancelledException;
import io.github.kimisdk.json.Json;
import io.github.kimisdk.json.JsonArray;
import io.github.kimisdk.json.JsonBoolean;
import io.github.kimisdk.json.JsonObject;
import io.github.kimisdk.json.JsonString;
import io.github.kimisdk.model.ThinkingFallback;
import io.github.kimisdk.testing.FakeResponse;
import io.github.kimisdk.testing.RecordedRequest;
import io.github.kimisdk.tool.JsonSchema;
import io.github.kimisdk.tool.Tool;
import io.github.kimisdk.tool.ToolChoice;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The agent loop's limits and ends, in memory, over chat completions: the step limit, reasoning
 * kept across steps, Kimi's search arguments, a tool that runs too long, interrupts, a failed model
 * call, a required tool choice, a saved history continued, and a builder that refuses
 * misconfiguration.
 */
class AgentLoopLimitsHttpTest extends AgentLoopFixture {

  /**
   * Changed on purpose: the step limit is a {@link RunResult.Stopped} with {@link
   * RunResult.Limit#STEPS}; a run's limits are its own, so going on takes a new run from its
   * history.
   */
  @Test
  void stopsAtTheStepLimitWithAConsistentHistory() {
    RunResult r =
        agent("kimi-k2.6").maxSteps(3).build().run(user("add then add then add then add then add"));
    assertThat(r).isInstanceOf(RunResult.Stopped.class);
    assertThat(((RunResult.Stopped) r).limit()).isEqualTo(RunResult.Limit.STEPS);
    RunState s = ((RunResult.Stopped) r).state();
    assertThat(s.steps()).isEqualTo(3);
    assertThat(s.status()).isEqualTo(RunState.Status.STOPPED);
    assertThat(r.text()).isEmpty();
    assertThat(server.requestCount()).isEqualTo(3);
    // The calls of the last step were answered, so the history can be sent again.
    assertThat(s.messages()).hasSize(1 + 3 * 2);
    assertThat(s.messages().get(6)).isInstanceOf(ToolMessage.class);
    RunResult goneOn = agent("kimi-k2.6").maxSteps(300).build().run(s.messages());
    assertThat(answered(goneOn).steps()).isEqualTo(3);
  }

  /**
   * A turn runs the tools of the request whose reply opened it: within a drive, that request is
   * built once (the agent's settings applied once per model call), not again for the turn.
   */
  @Test
  void eachModelCallsRequestIsBuiltOnceAndItsTurnRunsFromIt() {
    AtomicInteger built = new AtomicInteger();
    int before = server.requestCount();
    RunResult r =
        agent("kimi-k2.6")
            .request(
                b -> {
                  built.incrementAndGet();
                  return b;
                })
            .build()
            .run(user("add then add then add"));
    RunState s = answered(r);
    int calls = server.requestCount() - before;
    assertThat(s.steps()).isEqualTo(calls);
    assertThat(calls).isGreaterThan(2);
    assertThat(built).hasValue(calls);
    assertThat(s.messages().stream().filter(m -> m instanceof ToolMessage).count())
        .isEqualTo(calls - 1L);
  }

  @Test
  void theAgentKeepsReasoningAndAnImportedToolTurnGetsASpace() {
    RunState s = answered(agent("kimi-k2.6").build().run(user("add a=1 b=1")));
    AssistantMessage call = (AssistantMessage) s.messages().get(1);
    assertThat(call.reasoningContent()).isNotNull();
    // A history from elsewhere, without reasoning: the fake (as Kimi) refuses that with thinking
    // on (FakeKimiServerHttpTest), so the client's adapt gives the turn " " and it goes through:
    // as reasoning_content over chat completions, as a thinking block without a signature (as any
    // reasoning without one is written) over Messages.
    List<Message> stripped = new ArrayList<>(s.messages().subList(0, 3));
    stripped.set(1, new AssistantMessage(call.content(), null, call.toolCalls(), null, false));
    int before = server.requestCount();
    RunResult imported = agent("kimi-k2.6").build().run(stripped);
    assertThat(imported.text()).isEqualTo("From the tools: add says 2.");
    assertThat(server.requests().get(before).bodyText())
        .contains(
            wire(
                "\"reasoning_content\":\" \"",
                "{\"type\":\"thinking\",\"thinking\":\" \"}",
                "{\"type\":\"summary_text\",\"text\":\" \"}"));
    // With thinking disabled nothing is added, and the same history is fine, as on Kimi.
    RunResult plain =
        agent("kimi-k2.6").request(b -> b.thinking(Thinking.disabled())).build().run(stripped);
    assertThat(plain.text()).isEqualTo("From the tools: add says 2.");
    if (!anthropic()) {
      assertThat(server.requests().get(server.requestCount() - 1).bodyText())
          .doesNotContain("reasoning_content")
          .doesNotContain("\"type\":\"reasoning\"");
    }
  }

  /** A run of an agent with Kimi's web search, thinking off, asked {@code question}. */
  private RunResult searchFor(String question) {
    return Agent.builder(kimi, "kimi-k2.6")
        .tool(AgentTool.webSearch())
        .request(b -> b.thinking(Thinking.disabled()))
        .build()
        .run(user(question));
  }

  @Test
  void webSearchArgumentsGoBackUnchanged() {
    assumeFalse(
        anthropic() || responses(),
        "built-in tools are refused over Messages (MessagesWireTest); over Responses Kimi runs"
            + " the search itself (webSearchOverResponsesIsKimisOwnSearchTool)");
    RunResult r = searchFor("What is new in Java?");
    AgentKimiToolsDurableHttpTest.echoedTheSearch(answered(r));
    assertThat(server.requests().get(0).bodyText())
        .contains("{\"type\":\"builtin_function\",\"function\":{\"name\":\"$web_search\"}}");
  }

  @Test
  void webSearchOverResponsesIsKimisOwnSearchTool() {
    assumeTrue(responses(), "over chat completions the call comes back to be echoed (above)");
    RunResult r = searchFor("What is new in Java?");
    RunState s = answered(r);
    assertThat(s.messages()).hasSize(2); // no call comes back: the server searches
    assertThat(server.requests().get(0).bodyText())
        .contains("\"tools\":[{\"type\":\"web_search\"}]");
  }

  @Test
  void aToolThatRunsTooLongIsInterruptedAndReported() throws Exception {
    CountDownLatch never = new CountDownLatch(1);
    CountDownLatch interrupted = new CountDownLatch(1);
    RunResult r =
        Agent.builder(kimi, "kimi-k2.6")
            .tool(
                AgentTool.of(
                    "slow_tool",
                    null,
                    JsonSchema.object().build(),
                    (a, ctx) -> {
                      try {
                        never.await();
                        return "finished";
                      } catch (InterruptedException e) {
                        interrupted.countDown();
                        throw e;
                      }
                    }))
            .toolTimeout(Duration.ofMillis(100))
            .build()
            .run(user("slow_tool"));
    RunState s = answered(r);
    assertThat(toolContent(s, 2))
        .isEqualTo("Error: slow_tool did not finish within 100 ms and was cancelled");
    assertThat(interrupted.await(10, TimeUnit.SECONDS)).isTrue();
  }

  /**
   * Changed on purpose: interrupting the thread that drives a run does not cut the calls that began
   * (each finishes and is recorded, so a durable run never holds a call begun without its result);
   * the run then ends {@link RunResult.Failed} with the interrupt before its next model call, its
   * history valid. ToolRunner interrupted the running tools.
   */
  @Test
  void interruptingTheRunLetsRunningCallsFinishAndEndsItBeforeTheNextModelCall() throws Exception {
    CountDownLatch started = new CountDownLatch(1);
    CountDownLatch letGo = new CountDownLatch(1);
    List<Boolean> toolInterrupted = new ArrayList<>();
    Agent agent =
        Agent.builder(kimi, "kimi-k2.6")
            .tool(
                AgentTool.of(
                    "wait_tool",
                    null,
                    JsonSchema.object().build(),
                    (a, ctx) -> {
                      started.countDown();
                      boolean released = letGo.await(30, TimeUnit.SECONDS);
                      synchronized (toolInterrupted) {
                        toolInterrupted.add(Thread.currentThread().isInterrupted());
                      }
                      return released ? "finished" : "timed out";
                    }))
            .build();
    CompletableFuture<RunResult> result = new CompletableFuture<>();
    Thread t = new Thread(() -> result.complete(agent.run(user("wait_tool"))));
    t.start();
    assertThat(started.await(10, TimeUnit.SECONDS)).isTrue();
    t.interrupt();
    letGo.countDown();
    RunResult r = result.get(30, TimeUnit.SECONDS);

    assertThat(r).isInstanceOf(RunResult.Failed.class);
    RunResult.Failed f = (RunResult.Failed) r;
    assertThat(f.error())
        .isInstanceOfSatisfying(
            CancelledException.class,
            c -> assertThat(c.reason()).isEqualTo(CancelledException.Reason.INTERRUPTED));
    assertThat(toolInterrupted).containsExactly(false);
    assertThat(toolContent(f.state(), 2)).isEqualTo("finished");
    assertThat(server.requestCount()).isEqualTo(1);
    Conversation c = Conversation.create().addUser("wait_tool").addAll(newMessages(f.state()));
    assertThat(c.pendingToolCalls()).isEmpty();
  }

  /** Changed on purpose: a failure is a {@link RunResult.Failed}, which holds the state. */
  @Test
  void aFailedModelCallEndsTheRunAsFailed() {
    server.enqueue(
        FakeResponse.error(
            400, "{\"error\":{\"type\":\"invalid_request_error\",\"message\":\"bad\"}}"));
    RunResult r = agent("kimi-k2.6").build().run(user("add"));
    assertThat(r).isInstanceOf(RunResult.Failed.class);
    RunResult.Failed f = (RunResult.Failed) r;
    assertThat(f.error()).isInstanceOf(ApiException.class);
    assertThat(f.state().messages()).hasSize(1);
    assertThat(newMessages(f.state())).isEmpty();
    assertThat(f.state().status()).isEqualTo(RunState.Status.FAILED);
    assertThat(f.state().steps()).isZero();
    assertThat(r.text()).isEmpty();
  }

  @Test
  void aRequiredChoiceAppliesToTheFirstStepOnly() {
    KimiClient disabling =
        kimi.withOptions(
            RequestOptions.builder().thinkingFallback(ThinkingFallback.DISABLE_THINKING).build());
    RunResult r =
        agent(disabling, "kimi-k2.6")
            .request(b -> b.toolChoice(ToolChoice.function("echo_text")))
            .build()
            .run(user("anything"));
    answered(r);
    List<RecordedRequest> sent = server.requests();
    assertThat(sent.get(0).bodyText())
        .contains(
            wire(
                "\"tool_choice\":{\"type\":\"function\",\"function\":{\"name\":\"echo_text\"}}",
                "\"tool_choice\":{\"type\":\"tool\",\"name\":\"echo_text\"}",
                "\"tool_choice\":{\"type\":\"function\",\"name\":\"echo_text\"}"))
        .contains("\"thinking\":{\"type\":\"disabled\"}");
    assertThat(sent.get(1).bodyText()).doesNotContain("tool_choice");
  }

  /**
   * A run's history saved as a conversation, reloaded and continued by a new run under the same id:
   * the reasoning survives, and the run's id is the prompt cache key.
   */
  @Test
  void aRunsHistoryIsSavedReloadedAndContinued(@TempDir Path dir) throws Exception {
    Agent agent = agent("kimi-k2.6").build();
    RunResult first =
        agent.run(
            "thread-42", List.of(Message.system("Use the tools."), Message.user("add a=20 b=22")));
    assertThat(first.text()).isEqualTo("From the tools: add says 42.");
    Conversation chat = Conversation.withId("thread-42").addAll(answered(first).messages());
    assertThat(chat.size()).isEqualTo(5);
    Path file = dir.resolve("chat.json");
    chat.save(file);

    Conversation again = Conversation.load(file);
    assertThat(again.id()).isEqualTo("thread-42");
    assertThat(again.toJson()).isEqualTo(chat.toJson());
    assertThat(again.messages().get(3)).isEqualTo(chat.messages().get(3));
    again.addUser("echo_text text=bye");
    RunResult second = agent.run(again.id(), again.messages());
    assertThat(second.text()).isEqualTo("From the tools: echo_text says bye.");
    again.addAll(newMessages(answered(second)));
    assertThat(again.size()).isEqualTo(9);
    JsonObject body = (JsonObject) server.requests().get(server.requestCount() - 1).json();
    JsonArray messages = (JsonArray) body.get(responses() ? "input" : "messages");
    if (responses()) {
      // Kimi keeps no state there: the whole reloaded conversation is sent again, as items
      assertThat(body.get("prompt_cache_key")).isEqualTo(JsonString.of("thread-42"));
      assertThat(body.get("store")).isEqualTo(JsonBoolean.FALSE);
      assertThat(Json.write(messages))
          .contains("{\"type\":\"message\",\"role\":\"system\",\"content\":\"Use the tools.\"}")
          .contains("{\"type\":\"summary_text\",\"text\":\"I will call add.\"}")
          .contains("\"call_id\":\"functions.add:0\"");
    } else if (anthropic()) {
      // no prompt_cache_key over Messages; the system message is top-level, and the user turns
      // around the tool results are merged
      assertThat(body.get("prompt_cache_key")).isNull();
      assertThat(body.get("system")).isEqualTo(JsonString.of("Use the tools."));
      assertThat(messages.size()).isEqualTo(7);
      // the reloaded tool turn still carries its reasoning and the reasoning's signature
      assertThat(Json.write(messages.get(1)))
          .contains(
              "{\"type\":\"thinking\",\"thinking\":\"I will call add.\",\"signature\":\"fake-sig-");
    } else {
      assertThat(body.get("prompt_cache_key")).isEqualTo(JsonString.of("thread-42"));
      assertThat(messages.size()).isEqualTo(8);
      // The reloaded tool turn still carries its reasoning, or the fake would have refused it.
      assertThat(Json.write(messages.get(2)))
          .contains("\"reasoning_content\":\"I will call add.\"");
    }
  }

  /**
   * Changed on purpose: a built-in added twice is refused like any tool added twice (ToolRunner
   * kept one), and a request that declares a tool the agent has is refused as two declarations of
   * one name.
   */
  @Test
  void theBuilderRefusesMisconfiguration() {
    assertThatThrownBy(() -> agent("kimi-k2.6").tool(ADD))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("a tool named \"add\" is already added");
    assertThatThrownBy(() -> agent("kimi-k2.6").maxSteps(0))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("maxSteps must be at least 1: 0");
    assertThatThrownBy(() -> agent("kimi-k2.6").parallelism(0))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("parallelism must be at least 1: 0");
    assertThatThrownBy(() -> agent("kimi-k2.6").toolTimeout(Duration.ZERO))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("toolTimeout must be positive: PT0S");
    assertThatThrownBy(
            () -> agent("kimi-k2.6").tool(AgentTool.webSearch()).tool(AgentTool.webSearch()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("a tool named \"$web_search\" is already added");
    Agent agent = agent("kimi-k2.6").tool(AgentTool.webSearch()).build();
    assertThat(agent.tools())
        .extracting(Tool::name)
        .containsExactly("add", "echo_text", "$web_search");
    Agent clashing =
        agent("kimi-k2.6").request(b -> b.addTool(Tool.function("add", null, null))).build();
    assertThatThrownBy(() -> clashing.run(user("x")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("\"add\" is declared twice");
    assertThat(server.requestCount()).isZero();
  }
}
