package io.github.kimisdk.agents;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeFalse;

import io.github.kimisdk.chat.AssistantMessage;
import io.github.kimisdk.chat.Message;
import io.github.kimisdk.chat.ToolMessage;
import io.github.kimisdk.chat.Usage;
import io.github.kimisdk.json.Json;
import io.github.kimisdk.json.JsonArray;
import io.github.kimisdk.json.JsonNumber;
import io.github.kimisdk.json.JsonObject;
import io.github.kimisdk.json.JsonString;
import io.github.kimisdk.json.JsonValue;
import io.github.kimisdk.testing.FakeResponse;
import io.github.kimisdk.testing.RecordedRequest;
import io.github.kimisdk.tool.JsonSchema;
import io.github.kimisdk.tool.Tool;
import io.github.kimisdk.tool.ToolCall;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The one agent loop, in memory, over chat completions (ported from the core's ToolRunnerHttpTest):
 * steps until the model answers, the history each request sends back, parallel calls, and the
 * answers a call gets without running (an unknown tool, a failing handler, arguments that are not
 * JSON). {@link AgentLoopLimitsHttpTest} holds limits, timeouts, interrupts and failures.
 */
class AgentLoopHttpTest extends AgentLoopFixture {

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
}
