package io.github.kimisdk.agents;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeFalse;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.github.kimisdk.KimiClient;
import io.github.kimisdk.RequestOptions;
import io.github.kimisdk.WireProtocol;
import io.github.kimisdk.chat.AssistantMessage;
import io.github.kimisdk.chat.ChatCompletion;
import io.github.kimisdk.chat.Conversation;
import io.github.kimisdk.chat.Message;
import io.github.kimisdk.chat.Thinking;
import io.github.kimisdk.chat.ToolMessage;
import io.github.kimisdk.chat.Usage;
import io.github.kimisdk.errors.ApiException;
import io.github.kimisdk.errors.CancelledException;
import io.github.kimisdk.json.Json;
import io.github.kimisdk.json.JsonArray;
import io.github.kimisdk.json.JsonBoolean;
import io.github.kimisdk.json.JsonNumber;
import io.github.kimisdk.json.JsonObject;
import io.github.kimisdk.json.JsonString;
import io.github.kimisdk.json.JsonValue;
import io.github.kimisdk.model.ModelCatalog;
import io.github.kimisdk.model.ThinkingFallback;
import io.github.kimisdk.testing.FakeKimiServer;
import io.github.kimisdk.testing.FakeResponse;
import io.github.kimisdk.testing.RecordedRequest;
import io.github.kimisdk.tool.JsonSchema;
import io.github.kimisdk.tool.Tool;
import io.github.kimisdk.tool.ToolCall;
import io.github.kimisdk.tool.ToolChoice;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The one agent loop, in memory, over chat completions (ported from the core's ToolRunnerHttpTest):
 * steps until the model answers, the history each request sends back, parallel calls, the answers a
 * call gets without running (an unknown tool, a failing handler, arguments that are not JSON, a
 * timeout), limits, interrupts and failures. {@link AgentLoopAnthropicHttpTest} and {@link
 * AgentLoopResponsesHttpTest} run every case again over the other two wires.
 */
class AgentLoopHttpTest {

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

  @ParameterizedTest(name = "streaming={0}")
  @ValueSource(booleans = {false, true})
  void runsSeveralStepsUntilTheModelAnswers(boolean streaming) {
    Recorder rec = new Recorder();
    RunResult r =
        agent("kimi-k2.6")
            .streaming(streaming)
            .listener(rec)
            .build()
            .run(user("Use add with a=2 b=3 then echo_text with text=hello"));

    RunState s = answered(r);
    assertThat(s.steps()).isEqualTo(3);
    assertThat(r.text()).isEqualTo("From the tools: add says 5; echo_text says hello.");
    assertThat(rec.events)
        .containsExactly(
            "step 1",
            "reply 1 tool_calls",
            "call add {\"a\":2,\"b\":3}",
            "result add -> 5",
            "step 2",
            "reply 2 tool_calls",
            "call echo_text {\"text\":\"hello\"}",
            "result echo_text -> hello",
            "step 3",
            "reply 3 stop");
    List<Message> t = s.messages();
    assertThat(t).hasSize(6);
    assertThat(newMessages(s)).hasSize(5).isEqualTo(t.subList(1, 6));
    AssistantMessage first = (AssistantMessage) t.get(1);
    assertThat(first.reasoningContent()).isEqualTo("I will call add.");
    assertThat(t.get(2)).isEqualTo(new ToolMessage(first.toolCalls().get(0).id(), "add", "5"));
    assertThat(first.toolCalls().get(0).id()).isEqualTo("functions.add:0");
    // Usage is summed over the three steps.
    assertThat(server.requestCount()).isEqualTo(3);
    Usage usage = s.usageByModel().values().stream().reduce(Usage::plus).orElseThrow();
    assertThat(usage.totalTokens()).isEqualTo(rec.total.totalTokens());
    assertThat(usage.promptTokens()).isEqualTo(rec.total.promptTokens()).isGreaterThan(3 * 8);
    if (streaming) {
      assertThat(rec.text).hasToString(r.text());
      assertThat(rec.reasoning.toString()).startsWith("I will call add.I will call echo_text.");
      assertThat(server.requests().get(0).bodyText()).contains("\"stream\":true");
    } else {
      assertThat(rec.text).isEmpty();
    }
    // Every request carries the same tools; the second one replays the reasoning.
    String second = server.requests().get(1).bodyText();
    assertThat(second)
        .contains(
            wire(
                "\"reasoning_content\":\"I will call add.\"",
                "{\"type\":\"thinking\",\"thinking\":\"I will call add.\",\"signature\":\"fake-sig-",
                "{\"type\":\"reasoning\",\"summary\":[{\"type\":\"summary_text\",\"text\":\"I will call add.\"}]}"))
        .contains(
            wire(
                "\"tool_call_id\":\"functions.add:0\",\"name\":\"add\",\"content\":\"5\"",
                "{\"type\":\"tool_result\",\"tool_use_id\":\"functions.add:0\",\"content\":\"5\"}",
                "{\"type\":\"function_call_output\",\"call_id\":\"functions.add:0\",\"output\":\"5\"}"));
  }

  /**
   * The assistant messages of a request that call tools, as sent: chat completions' messages with
   * {@code tool_calls}, or Anthropic Messages' with a {@code tool_use} block.
   */
  private static List<JsonObject> toolCallingAssistantMessages(RecordedRequest request) {
    List<JsonObject> out = new ArrayList<>();
    JsonArray messages = (JsonArray) ((JsonObject) Json.parse(request.bodyText())).get("messages");
    for (JsonValue v : messages.values()) {
      JsonObject m = (JsonObject) v;
      if (!m.get("role").equals(JsonString.of("assistant"))) {
        continue;
      }
      boolean calls =
          m.get("tool_calls") != null
              || (m.get("content") instanceof JsonArray blocks
                  && blocks.values().stream()
                      .anyMatch(
                          b -> ((JsonObject) b).get("type").equals(JsonString.of("tool_use"))));
      if (calls) {
        out.add(m);
      }
    }
    return out;
  }

  @ParameterizedTest(name = "{0}")
  @ValueSource(
      strings = {
        "moonshot-v1-8k",
        "kimi-k2.6",
        "kimi-k2.7-code",
        "kimi-k3",
        "moonshot-v1-8k streaming",
        "kimi-k2.6 streaming",
        "kimi-k3 streaming"
      })
  void aToolOnlyAssistantTurnIsSentBackWithContent(String modelAndShape) {
    String model = modelAndShape.split(" ")[0];
    RunResult r =
        agent(model)
            .streaming(modelAndShape.endsWith("streaming"))
            .request(b -> b.maxCompletionTokens(1024)) // moonshot-v1-8k's window holds no more
            .build()
            .run(user("Use add with a=2 b=3 then echo_text with text=hello"));
    answered(r);
    assertThat(server.requestCount()).isEqualTo(3);
    if (responses()) {
      // Responses has items of its own: each call a function_call item, never an empty text part
      List<JsonValue> input =
          ((JsonArray) ((JsonObject) server.requests().get(2).json()).get("input")).values();
      assertThat(input)
          .filteredOn(i -> ((JsonObject) i).get("type").equals(JsonString.of("function_call")))
          .as("both tool turns are replayed")
          .hasSize(2);
      assertThat(server.requests().get(2).bodyText()).doesNotContain("\"text\":\"\"}");
      return;
    }
    List<JsonObject> sent = toolCallingAssistantMessages(server.requests().get(2));
    assertThat(sent).as("both tool turns are replayed").hasSize(2);
    for (JsonObject m : sent) {
      if (anthropic()) {
        // Messages has content blocks of its own: no text block at all, never an empty one
        assertThat(((JsonArray) m.get("content")).values())
            .extracting(b -> ((JsonString) ((JsonObject) b).get("type")).value())
            .doesNotContain("text");
      } else {
        assertThat(m.get("content")).as("%s", m).isEqualTo(JsonString.of(""));
      }
    }
  }

  @Test
  void aSchemaHeldAsJsonDeclaresTheTool() {
    JsonValue schema = Json.parse(TEXT_SCHEMA.toJson().toString());
    RunResult r =
        Agent.builder(kimi, "kimi-k2.6")
            .tool(
                AgentTool.of(
                    Tool.function("echo_text", "Echoes text", schema),
                    (a, ctx) -> a.get("text").asString()))
            .build()
            .run(user("Use echo_text with text=hi"));
    answered(r);
    assertThat(r.text()).isEqualTo("From the tools: echo_text says hi.");
    JsonValue bad = Json.parse("{\"type\":\"array\"}");
    assertThatThrownBy(() -> Tool.function("bad_tool", null, bad))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void callsOfOneTurnRunInParallel() {
    CountDownLatch both = new CountDownLatch(2);
    ToolHandler meet =
        (a, ctx) -> {
          both.countDown();
          // Returns "together" only if the other call is running at the same time.
          return both.await(10, TimeUnit.SECONDS) ? "together" : "alone";
        };
    RunResult r =
        Agent.builder(kimi, "kimi-k2.6")
            .tool(AgentTool.of("left_tool", null, JsonSchema.object().build(), meet))
            .tool(AgentTool.of("right_tool", null, JsonSchema.object().build(), meet))
            .parallelism(2)
            .build()
            .run(user("Call left_tool and right_tool"));
    RunState s = answered(r);
    AssistantMessage calls = (AssistantMessage) s.messages().get(1);
    assertThat(calls.toolCalls())
        .extracting(ToolCall::name)
        .containsExactly("left_tool", "right_tool");
    assertThat(s.messages().subList(2, 4))
        .extracting(m -> ((ToolMessage) m).content())
        .containsExactly("together", "together");
    assertThat(r.text())
        .isEqualTo("From the tools: left_tool says together; right_tool says together.");
  }

  @Test
  void aFailingHandlerBecomesAnErrorTheModelReads() {
    RunResult r =
        Agent.builder(kimi, "kimi-k2.6")
            .tool(
                AgentTool.of(
                    "burn",
                    null,
                    JsonSchema.object().build(),
                    (a, ctx) -> {
                      throw new IllegalStateException("disk on fire");
                    }))
            .build()
            .run(user("Please burn"));
    RunState s = answered(r);
    assertThat(toolContent(s, 2))
        .isEqualTo("Error: burn failed: IllegalStateException: disk on fire");
    assertThat(r.text()).contains("burn says Error: burn failed");
  }

  @Test
  void aHandlerThatAnswersNothingAnswersNoOutput() {
    RunResult r =
        Agent.builder(kimi, "kimi-k2.6")
            .tool(AgentTool.of("quiet", null, JsonSchema.object().build(), (a, ctx) -> null))
            .tool(AgentTool.of("blank", null, JsonSchema.object().build(), (a, ctx) -> ""))
            .build()
            .run(user("Call quiet and blank"));
    RunState s = answered(r);
    assertThat(toolContent(s, 2)).isEqualTo("(no output)");
    assertThat(toolContent(s, 3)).isEqualTo("(no output)");
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

  @Test
  void anUnknownToolBecomesAnErrorListingTheTools() {
    server.enqueue(FakeResponse.json(toolCallReply("", "nope_tool", "{}")));
    RunState s = answered(agent("kimi-k2.6").build().run(user("Do something")));
    assertThat(toolContent(s, 2))
        .isEqualTo("Error: there is no tool named \"nope_tool\"; the tools are: add, echo_text");
    // The empty reasoning of the scripted reply went back as "", which the fake requires.
    assertThat(server.requests().get(1).bodyText())
        .contains(
            wire(
                "\"reasoning_content\":\"\"",
                "{\"type\":\"thinking\",\"thinking\":\"\"",
                "{\"type\":\"summary_text\",\"text\":\"\"}"));
  }

  @Test
  void aDeclaredToolWithoutHandlerIsAnError() {
    RunState s =
        answered(
            agent("kimi-k2.6")
                .request(b -> b.addTool(Tool.function("ghost_tool", null, null)))
                .build()
                .run(user("Use ghost_tool")));
    assertThat(toolContent(s, 2))
        .isEqualTo(
            "Error: no handler is registered for the tool \"ghost_tool\"; the tools are: add,"
                + " echo_text, ghost_tool");
  }

  /**
   * Changed on purpose: the error names arguments that are not a JSON object, without the parser's
   * words (ToolRunner's said "are not valid JSON (...)").
   */
  @Test
  void malformedArgumentsBecomeAnErrorAndTheLoopGoesOn() {
    assumeFalse(
        anthropic(),
        "Messages carries a tool's input as a JSON object: a reply cannot hold malformed"
            + " arguments, and they could not be sent back in the history either");
    server.enqueue(FakeResponse.json(toolCallReply("r", "add", "{\"a\": 1,")));
    List<JsonValue> seen = new ArrayList<>();
    RunResult r =
        Agent.builder(kimi, "kimi-k2.6")
            .tool(
                AgentTool.of(
                    "add",
                    null,
                    ADD_SCHEMA,
                    (a, ctx) -> {
                      seen.add(a);
                      return "x";
                    }))
            .build()
            .run(user("Add"));
    RunState s = answered(r);
    assertThat(seen).isEmpty();
    assertThat(toolContent(s, 2))
        .isEqualTo(
            "Error: the arguments of add are not a JSON object; call add again with a JSON"
                + " object that follows its schema");
  }

  record Sum(long a, long b) {}

  @Test
  void typedToolsDecodeTheirArguments() {
    server.enqueue(FakeResponse.json(toolCallReply("r", "sum", "{\"a\": \"one\", \"b\": 2}")));
    Agent agent =
        Agent.builder(kimi, "kimi-k2.6")
            .tool(AgentTool.of("sum", "Adds", Sum.class, (s, ctx) -> "sum=" + (s.a() + s.b())))
            .build();
    RunState bad = answered(agent.run(user("Use sum")));
    assertThat(toolContent(bad, 2))
        .startsWith("Error: the arguments of sum do not fit its schema (JsonException");
    RunState good = answered(agent.run(user("Use sum with a=40 b=2")));
    assertThat(toolContent(good, 2)).isEqualTo("sum=42");
  }

  @Test
  void jsonResultsReachTheModelAsCompactJson() {
    RunState s =
        answered(
            Agent.builder(kimi, "kimi-k2.6")
                .tool(
                    AgentTool.of(
                        "stats",
                        "Stats",
                        Sum.class,
                        (x, ctx) ->
                            JsonObject.of(
                                "sum", JsonNumber.of(x.a()), "max", JsonNumber.of(x.b()))))
                .build()
                .run(user("stats a=1 b=2")));
    assertThat(toolContent(s, 2)).isEqualTo("{\"sum\":1,\"max\":2}");
  }

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

  @Test
  void webSearchArgumentsGoBackUnchanged() {
    assumeFalse(
        anthropic() || responses(),
        "built-in tools are refused over Messages (MessagesWireTest); over Responses Kimi runs"
            + " the search itself (webSearchOverResponsesIsKimisOwnSearchTool)");
    RunResult r =
        Agent.builder(kimi, "kimi-k2.6")
            .tool(AgentTool.webSearch())
            .request(b -> b.thinking(Thinking.disabled()))
            .build()
            .run(user("What is new in Java?"));
    RunState s = answered(r);
    AssistantMessage call = (AssistantMessage) s.messages().get(1);
    ToolCall search = call.toolCalls().get(0);
    assertThat(search.name()).isEqualTo("$web_search");
    assertThat(search.arguments()).startsWith("{\"search_result\":{\"search_id\":\"fake-search-");
    assertThat(s.messages().get(2))
        .isEqualTo(new ToolMessage(search.id(), "$web_search", search.arguments()));
    assertThat(r.text()).startsWith("From the tools: the web says \"What is new in Java?\"");
    assertThat(server.requests().get(0).bodyText())
        .contains("{\"type\":\"builtin_function\",\"function\":{\"name\":\"$web_search\"}}");
  }

  @Test
  void webSearchOverResponsesIsKimisOwnSearchTool() {
    assumeTrue(responses(), "over chat completions the call comes back to be echoed (above)");
    RunResult r =
        Agent.builder(kimi, "kimi-k2.6")
            .tool(AgentTool.webSearch())
            .request(b -> b.thinking(Thinking.disabled()))
            .build()
            .run(user("What is new in Java?"));
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
