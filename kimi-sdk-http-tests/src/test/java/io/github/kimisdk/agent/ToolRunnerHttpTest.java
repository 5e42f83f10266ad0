package io.github.kimisdk.agent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeFalse;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.github.kimisdk.KimiClient;
import io.github.kimisdk.RequestOptions;
import io.github.kimisdk.WireProtocol;
import io.github.kimisdk.chat.AssistantMessage;
import io.github.kimisdk.chat.ChatCompletion;
import io.github.kimisdk.chat.ChatRequest;
import io.github.kimisdk.chat.Conversation;
import io.github.kimisdk.chat.Message;
import io.github.kimisdk.chat.Thinking;
import io.github.kimisdk.chat.ToolMessage;
import io.github.kimisdk.chat.Usage;
import io.github.kimisdk.errors.ApiException;
import io.github.kimisdk.errors.CancelledException;
import io.github.kimisdk.json.Json;
import io.github.kimisdk.json.JsonArray;
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
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The tool-runner suite over chat completions; {@link ToolRunnerAnthropicHttpTest} runs every case
 * again over Anthropic Messages with the same expectations.
 */
class ToolRunnerHttpTest {

  static final JsonSchema ADD_SCHEMA =
      JsonSchema.object()
          .required("a", JsonSchema.integer())
          .required("b", JsonSchema.integer())
          .build();
  static final JsonSchema TEXT_SCHEMA =
      JsonSchema.object().required("text", JsonSchema.string()).build();

  FakeKimiServer server;
  KimiClient kimi;

  /** The wire protocol the suite runs over; {@link ToolRunnerAnthropicHttpTest} overrides it. */
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

  ToolRunner.Builder runner() {
    return runner(kimi);
  }

  ToolRunner.Builder runner(KimiClient kimi) {
    return ToolRunner.builder(kimi)
        .tool(
            "add", "Adds a and b", ADD_SCHEMA, a -> a.get("a").asLong() + a.get("b").asLong() + "")
        .tool("echo_text", "Echoes text", TEXT_SCHEMA, a -> a.get("text").asString());
  }

  /** Records listener calls as lines, for assertions on what a user would observe. */
  static final class Recorder implements ToolRunner.Listener {
    final List<String> events = new ArrayList<>();
    final StringBuilder text = new StringBuilder();
    final StringBuilder reasoning = new StringBuilder();
    Usage total;

    @Override
    public void onStep(int step, ChatRequest request) {
      events.add("step " + step);
    }

    @Override
    public void onText(int step, String t) {
      text.append(t);
    }

    @Override
    public void onReasoning(int step, String t) {
      reasoning.append(t);
    }

    @Override
    public void onReply(int step, ChatCompletion completion) {
      events.add("reply " + step + " " + completion.finishReason().value());
    }

    @Override
    public void onUsage(int step, Usage stepUsage, Usage total) {
      this.total = total;
    }

    @Override
    public void onToolCall(int step, ToolCall call) {
      events.add("call " + call.name() + " " + call.arguments());
    }

    @Override
    public void onToolResult(int step, ToolRunner.ToolResult result) {
      events.add("result " + result.call().name() + " -> " + result.content());
    }
  }

  @ParameterizedTest(name = "streaming={0}")
  @ValueSource(booleans = {false, true})
  void runsSeveralStepsUntilTheModelAnswers(boolean streaming) {
    Recorder rec = new Recorder();
    ToolRunner.Result r =
        runner()
            .streaming(streaming)
            .listener(rec)
            .build()
            .run(
                ChatRequest.of("kimi-k2.6", "Use add with a=2 b=3 then echo_text with text=hello"));

    assertThat(r.outcome()).isEqualTo(ToolRunner.Outcome.ANSWERED);
    assertThat(r.steps()).isEqualTo(3);
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
    List<Message> t = r.transcript();
    assertThat(t).hasSize(6);
    assertThat(r.newMessages()).hasSize(5).isEqualTo(t.subList(1, 6));
    AssistantMessage first = (AssistantMessage) t.get(1);
    assertThat(first.reasoningContent()).isEqualTo("I will call add.");
    assertThat(t.get(2)).isEqualTo(new ToolMessage(first.toolCalls().get(0).id(), "add", "5"));
    assertThat(first.toolCalls().get(0).id()).isEqualTo("functions.add:0");
    // Usage is summed over the three steps.
    assertThat(server.requestCount()).isEqualTo(3);
    assertThat(r.usage()).isNotNull().isEqualTo(rec.total);
    assertThat(r.usage().promptTokens()).isGreaterThan(3 * 8);
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
    ToolRunner.Result r =
        runner()
            .streaming(modelAndShape.endsWith("streaming"))
            .build()
            .run(
                ChatRequest.builder(model)
                    .addUser("Use add with a=2 b=3 then echo_text with text=hello")
                    .maxCompletionTokens(1024) // moonshot-v1-8k's window holds no more
                    .build());
    assertThat(r.outcome()).as("%s", r.error()).isEqualTo(ToolRunner.Outcome.ANSWERED);
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
  void aSchemaHeldAsJsonRegistersAsToolFunctionDeclaresIt() {
    JsonValue schema = Json.parse(TEXT_SCHEMA.toJson().toString());
    ToolRunner.Result r =
        ToolRunner.builder(kimi)
            .tool("echo_text", "Echoes text", schema, a -> a.get("text").asString())
            .build()
            .run(ChatRequest.of("kimi-k2.6", "Use echo_text with text=hi"));
    assertThat(r.outcome()).isEqualTo(ToolRunner.Outcome.ANSWERED);
    assertThat(r.text()).isEqualTo("From the tools: echo_text says hi.");
    JsonValue bad = Json.parse("{\"type\":\"array\"}");
    assertThatThrownBy(() -> ToolRunner.builder(kimi).tool("bad_tool", null, bad, a -> ""))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void callsOfOneTurnRunInParallel() {
    CountDownLatch both = new CountDownLatch(2);
    ToolRunner.Handler meet =
        a -> {
          both.countDown();
          // Returns "together" only if the other call is running at the same time.
          return both.await(10, TimeUnit.SECONDS) ? "together" : "alone";
        };
    ToolRunner.Result r =
        ToolRunner.builder(kimi)
            .tool("left_tool", null, JsonSchema.object().build(), meet)
            .tool("right_tool", null, JsonSchema.object().build(), meet)
            .parallelism(2)
            .build()
            .run(ChatRequest.of("kimi-k2.6", "Call left_tool and right_tool"));
    assertThat(r.outcome()).isEqualTo(ToolRunner.Outcome.ANSWERED);
    AssistantMessage calls = (AssistantMessage) r.transcript().get(1);
    assertThat(calls.toolCalls())
        .extracting(ToolCall::name)
        .containsExactly("left_tool", "right_tool");
    assertThat(r.transcript().subList(2, 4))
        .extracting(m -> ((ToolMessage) m).content())
        .containsExactly("together", "together");
    assertThat(r.text())
        .isEqualTo("From the tools: left_tool says together; right_tool says together.");
  }

  @Test
  void aFailingHandlerBecomesAnErrorTheModelReads() {
    Recorder rec = new Recorder();
    ToolRunner.Result r =
        ToolRunner.builder(kimi)
            .tool(
                "burn",
                null,
                JsonSchema.object().build(),
                a -> {
                  throw new IllegalStateException("disk on fire");
                })
            .listener(rec)
            .build()
            .run(ChatRequest.of("kimi-k2.6", "Please burn"));
    assertThat(r.outcome()).isEqualTo(ToolRunner.Outcome.ANSWERED);
    assertThat(((ToolMessage) r.transcript().get(2)).content())
        .isEqualTo("Error: burn failed: IllegalStateException: disk on fire");
    assertThat(r.text()).contains("burn says Error: burn failed");
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
    ToolRunner.Result r = runner().build().run(ChatRequest.of("kimi-k2.6", "Do something"));
    assertThat(r.outcome()).isEqualTo(ToolRunner.Outcome.ANSWERED);
    assertThat(((ToolMessage) r.transcript().get(2)).content())
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
    ToolRunner.Result r =
        runner()
            .build()
            .run(
                ChatRequest.builder("kimi-k2.6")
                    .addUser("Use ghost_tool")
                    .addTool(Tool.function("ghost_tool", null, null))
                    .build());
    assertThat(((ToolMessage) r.transcript().get(2)).content())
        .startsWith("Error: no handler is registered for the tool \"ghost_tool\"");
    assertThat(r.outcome()).isEqualTo(ToolRunner.Outcome.ANSWERED);
  }

  @Test
  void malformedArgumentsBecomeAnErrorAndTheLoopGoesOn() {
    assumeFalse(
        anthropic(),
        "Messages carries a tool's input as a JSON object: a reply cannot hold malformed"
            + " arguments, and they could not be sent back in the history either");
    server.enqueue(FakeResponse.json(toolCallReply("r", "add", "{\"a\": 1,")));
    List<JsonValue> seen = new ArrayList<>();
    ToolRunner.Result r =
        ToolRunner.builder(kimi)
            .tool(
                "add",
                null,
                ADD_SCHEMA,
                a -> {
                  seen.add(a);
                  return "x";
                })
            .build()
            .run(ChatRequest.of("kimi-k2.6", "Add"));
    assertThat(seen).isEmpty();
    assertThat(((ToolMessage) r.transcript().get(2)).content())
        .startsWith("Error: the arguments of add are not valid JSON (")
        .endsWith("call add again with a JSON object that follows its schema");
    assertThat(r.outcome()).isEqualTo(ToolRunner.Outcome.ANSWERED);
  }

  record Sum(long a, long b) {}

  @Test
  void typedToolsDecodeTheirArguments() {
    server.enqueue(FakeResponse.json(toolCallReply("r", "sum", "{\"a\": \"one\", \"b\": 2}")));
    ToolRunner runner =
        ToolRunner.builder(kimi)
            .tool("sum", "Adds", Sum.class, s -> "sum=" + (s.a() + s.b()))
            .build();
    ToolRunner.Result bad = runner.run(ChatRequest.of("kimi-k2.6", "Use sum"));
    assertThat(((ToolMessage) bad.transcript().get(2)).content())
        .startsWith("Error: the arguments of sum do not fit its schema (JsonException");
    ToolRunner.Result good = runner.run(ChatRequest.of("kimi-k2.6", "Use sum with a=40 b=2"));
    assertThat(((ToolMessage) good.transcript().get(2)).content()).isEqualTo("sum=42");
  }

  @Test
  void jsonResultsReachTheModelAsCompactJson() {
    ToolRunner.Result r =
        ToolRunner.builder(kimi)
            .tool(
                "stats",
                "Stats",
                Sum.class,
                s -> JsonObject.of("sum", JsonNumber.of(s.a()), "max", JsonNumber.of(s.b())))
            .build()
            .run(ChatRequest.of("kimi-k2.6", "stats a=1 b=2"));
    assertThat(((ToolMessage) r.transcript().get(2)).content()).isEqualTo("{\"sum\":1,\"max\":2}");
  }

  @Test
  void stopsAtTheStepLimitWithAConsistentTranscript() {
    ToolRunner.Result r =
        runner()
            .maxSteps(3)
            .build()
            .run(ChatRequest.of("kimi-k2.6", "add then add then add then add then add"));
    assertThat(r.outcome()).isEqualTo(ToolRunner.Outcome.STEP_LIMIT);
    assertThat(r.steps()).isEqualTo(3);
    assertThat(r.text()).isEmpty();
    assertThat(server.requestCount()).isEqualTo(3);
    // The calls of the last step were answered, so the transcript can be resumed.
    assertThat(r.transcript()).hasSize(1 + 3 * 2);
    assertThat(r.transcript().get(6)).isInstanceOf(ToolMessage.class);
    ToolRunner.Result resumed =
        runner()
            .maxSteps(300)
            .build()
            .run(ChatRequest.builder("kimi-k2.6").messages(r.transcript()).build());
    assertThat(resumed.outcome()).isEqualTo(ToolRunner.Outcome.ANSWERED);
    assertThat(resumed.steps()).isEqualTo(3);
  }

  @Test
  void theRunnerKeepsReasoningAndAnImportedToolTurnGetsASpace() {
    ToolRunner.Result r = runner().build().run(ChatRequest.of("kimi-k2.6", "add a=1 b=1"));
    AssistantMessage call = (AssistantMessage) r.transcript().get(1);
    assertThat(call.reasoningContent()).isNotNull();
    // A history from elsewhere, without reasoning: the fake (as Kimi) refuses that with thinking
    // on (FakeKimiServerHttpTest), so the client's adapt gives the turn " " and it goes through:
    // as reasoning_content over chat completions, as a thinking block without a signature (as any
    // reasoning without one is written) over Messages.
    List<Message> stripped = new ArrayList<>(r.transcript().subList(0, 3));
    stripped.set(1, new AssistantMessage(call.content(), null, call.toolCalls(), null, false));
    int before = server.requestCount();
    ChatRequest importedTurn = ChatRequest.builder("kimi-k2.6").messages(stripped).build();
    assertThat(kimi.chat(importedTurn).text()).isEqualTo("From the tools: add says 2.");
    assertThat(server.requests().get(before).bodyText())
        .contains(
            wire(
                "\"reasoning_content\":\" \"",
                "{\"type\":\"thinking\",\"thinking\":\" \"}",
                "{\"type\":\"summary_text\",\"text\":\" \"}"));
    // With thinking disabled nothing is added, and the same history is fine, as on Kimi.
    ChatCompletion ok =
        kimi.chat(
            ChatRequest.builder("kimi-k2.6")
                .messages(stripped)
                .thinking(Thinking.disabled())
                .build());
    assertThat(ok.text()).isEqualTo("From the tools: add says 2.");
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
    ToolRunner.Result r =
        ToolRunner.builder(kimi)
            .webSearch()
            .build()
            .run(
                ChatRequest.builder("kimi-k2.6")
                    .addUser("What is new in Java?")
                    .thinking(Thinking.disabled())
                    .build());
    assertThat(r.outcome()).isEqualTo(ToolRunner.Outcome.ANSWERED);
    AssistantMessage call = (AssistantMessage) r.transcript().get(1);
    ToolCall search = call.toolCalls().get(0);
    assertThat(search.name()).isEqualTo("$web_search");
    assertThat(search.arguments()).startsWith("{\"search_result\":{\"search_id\":\"fake-search-");
    assertThat(r.transcript().get(2))
        .isEqualTo(new ToolMessage(search.id(), "$web_search", search.arguments()));
    assertThat(r.text()).startsWith("From the tools: the web says \"What is new in Java?\"");
    assertThat(server.requests().get(0).bodyText())
        .contains("{\"type\":\"builtin_function\",\"function\":{\"name\":\"$web_search\"}}");
  }

  @Test
  void webSearchOverResponsesIsKimisOwnSearchTool() {
    assumeTrue(responses(), "over chat completions the call comes back to be echoed (above)");
    ToolRunner.Result r =
        ToolRunner.builder(kimi)
            .webSearch()
            .build()
            .run(
                ChatRequest.builder("kimi-k2.6")
                    .addUser("What is new in Java?")
                    .thinking(Thinking.disabled())
                    .build());
    assertThat(r.outcome()).isEqualTo(ToolRunner.Outcome.ANSWERED);
    assertThat(r.transcript()).hasSize(2); // no call comes back: the server searches
    assertThat(server.requests().get(0).bodyText())
        .contains("\"tools\":[{\"type\":\"web_search\"}]");
  }

  @Test
  void aToolThatRunsTooLongIsInterruptedAndReported() throws Exception {
    CountDownLatch never = new CountDownLatch(1);
    CountDownLatch interrupted = new CountDownLatch(1);
    ToolRunner.Result r =
        ToolRunner.builder(kimi)
            .tool(
                "slow_tool",
                null,
                JsonSchema.object().build(),
                a -> {
                  try {
                    never.await();
                    return "finished";
                  } catch (InterruptedException e) {
                    interrupted.countDown();
                    throw e;
                  }
                })
            .toolTimeout(Duration.ofMillis(100))
            .build()
            .run(ChatRequest.of("kimi-k2.6", "slow_tool"));
    assertThat(((ToolMessage) r.transcript().get(2)).content())
        .isEqualTo("Error: slow_tool did not finish within 100 ms and was cancelled");
    assertThat(interrupted.await(10, TimeUnit.SECONDS)).isTrue();
    assertThat(r.outcome()).isEqualTo(ToolRunner.Outcome.ANSWERED);
  }

  @Test
  void interruptingTheRunCancelsRunningToolsAndKeepsTheTranscriptValid() throws Exception {
    CountDownLatch started = new CountDownLatch(1);
    CountDownLatch toolInterrupted = new CountDownLatch(1);
    ToolRunner runner =
        ToolRunner.builder(kimi)
            .tool(
                "wait_tool",
                null,
                JsonSchema.object().build(),
                a -> {
                  started.countDown();
                  try {
                    new CountDownLatch(1).await();
                    return "never";
                  } catch (InterruptedException e) {
                    toolInterrupted.countDown();
                    throw e;
                  }
                })
            .build();
    java.util.concurrent.CompletableFuture<ToolRunner.Result> result =
        new java.util.concurrent.CompletableFuture<>();
    Thread t =
        new Thread(() -> result.complete(runner.run(ChatRequest.of("kimi-k2.6", "wait_tool"))));
    t.start();
    assertThat(started.await(10, TimeUnit.SECONDS)).isTrue();
    t.interrupt();
    ToolRunner.Result r = result.get(10, TimeUnit.SECONDS);
    assertThat(r.outcome()).isEqualTo(ToolRunner.Outcome.FAILED);
    assertThat(r.error())
        .isInstanceOfSatisfying(
            CancelledException.class,
            c -> assertThat(c.reason()).isEqualTo(CancelledException.Reason.INTERRUPTED));
    assertThat(((ToolMessage) r.transcript().get(2)).content())
        .isEqualTo("Error: the run was interrupted before wait_tool finished");
    assertThat(toolInterrupted.await(10, TimeUnit.SECONDS)).isTrue();
    Conversation c = Conversation.create().addUser("wait_tool").addAll(r.newMessages());
    assertThat(c.pendingToolCalls()).isEmpty();
  }

  @Test
  void aFailedModelCallEndsTheRunAsFailed() {
    server.enqueue(
        FakeResponse.error(
            400, "{\"error\":{\"type\":\"invalid_request_error\",\"message\":\"bad\"}}"));
    ToolRunner.Result r = runner().build().run(ChatRequest.of("kimi-k2.6", "add"));
    assertThat(r.outcome()).isEqualTo(ToolRunner.Outcome.FAILED);
    assertThat(r.error()).isInstanceOf(ApiException.class);
    assertThat(r.transcript()).hasSize(1);
    assertThat(r.newMessages()).isEmpty();
    assertThat(r.lastCompletion()).isNull();
    assertThat(r.text()).isEmpty();
  }

  @Test
  void aRequiredChoiceAppliesToTheFirstStepOnly() {
    KimiClient disabling =
        kimi.withOptions(
            RequestOptions.builder().thinkingFallback(ThinkingFallback.DISABLE_THINKING).build());
    ToolRunner runner = runner(disabling).build();
    ToolRunner.Result r =
        runner.run(
            ChatRequest.builder("kimi-k2.6")
                .addUser("anything")
                .tools(runner.tools())
                .toolChoice(ToolChoice.function("echo_text"))
                .build());
    assertThat(r.outcome()).as("%s", r.error()).isEqualTo(ToolRunner.Outcome.ANSWERED);
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

  @Test
  void conversationIsSavedReloadedAndContinued(@TempDir Path dir) throws Exception {
    ToolRunner runner = runner().build();
    Conversation chat = Conversation.withId("thread-42");
    chat.addSystem("Use the tools.");
    chat.addUser("add a=20 b=22");
    ToolRunner.Result first = runner.run(chat, chat.request("kimi-k2.6"));
    assertThat(first.text()).isEqualTo("From the tools: add says 42.");
    assertThat(chat.size()).isEqualTo(5);
    Path file = dir.resolve("chat.json");
    chat.save(file);

    Conversation again = Conversation.load(file);
    assertThat(again.id()).isEqualTo("thread-42");
    assertThat(again.toJson()).isEqualTo(chat.toJson());
    assertThat(again.messages().get(3)).isEqualTo(chat.messages().get(3));
    again.addUser("echo_text text=bye");
    ToolRunner.Result second = runner.run(again, again.request("kimi-k2.6"));
    assertThat(second.text()).isEqualTo("From the tools: echo_text says bye.");
    assertThat(again.size()).isEqualTo(9);
    JsonObject body = (JsonObject) server.requests().get(server.requestCount() - 1).json();
    JsonArray messages = (JsonArray) body.get(responses() ? "input" : "messages");
    if (responses()) {
      // Kimi keeps no state there: the whole reloaded conversation is sent again, as items
      assertThat(body.get("prompt_cache_key")).isEqualTo(JsonString.of("thread-42"));
      assertThat(body.get("store")).isEqualTo(io.github.kimisdk.json.JsonBoolean.FALSE);
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

  @Test
  void runnerRejectsMisconfiguration() {
    assertThatThrownBy(() -> runner().tool("add", null, ADD_SCHEMA, a -> ""))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("already registered");
    assertThatThrownBy(() -> runner().maxSteps(0)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> runner().parallelism(0)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> runner().toolTimeout(Duration.ZERO))
        .isInstanceOf(IllegalArgumentException.class);
    ToolRunner r = runner().webSearch().webSearch().build();
    assertThat(r.tools()).extracting(Tool::name).containsExactly("add", "echo_text", "$web_search");
    assertThatThrownBy(
            () ->
                r.run(
                    ChatRequest.builder("kimi-k2.6")
                        .addUser("x")
                        .addTool(Tool.function("add", null, null))
                        .build()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("declares a tool named \"add\" that differs");
  }
}
