package io.github.kimisdk.opentelemetry;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.kimisdk.KimiClient;
import io.github.kimisdk.agents.Agent;
import io.github.kimisdk.agents.AgentTool;
import io.github.kimisdk.agents.Compaction;
import io.github.kimisdk.agents.RunResult;
import io.github.kimisdk.agents.RunStore;
import io.github.kimisdk.chat.Message;
import io.github.kimisdk.model.ModelCatalog;
import io.github.kimisdk.model.ModelInfo;
import io.github.kimisdk.testing.FakeKimiServer;
import io.github.kimisdk.tool.JsonSchema;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.common.Value;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.context.Context;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.data.EventData;
import io.opentelemetry.sdk.trace.data.LinkData;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;
import io.opentelemetry.sdk.trace.samplers.Sampler;
import io.opentelemetry.sdk.trace.samplers.SamplingResult;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * An agent's trace, read by the OpenTelemetry SDK's in-memory exporter and held to the GenAI
 * conventions' text (v1.41.1, "Invoke agent internal span" and "Execute tool span"): one {@code
 * invoke_agent} span per drive, an {@code execute_tool} span per tool call with its required and
 * recommended attributes, the chat spans under the run, a subagent's run under its tool span, and
 * no idempotency key anywhere.
 */
class AgentSpansTest {
  static final String KEY = "sk-agent-spans-0123456789";

  final InMemorySpanExporter spans = InMemorySpanExporter.create();

  /** The attributes each span started with, as a sampler sees them: those "at creation time". */
  final Map<String, Attributes> atCreation = new ConcurrentHashMap<>();

  final OpenTelemetrySdk otel =
      OpenTelemetrySdk.builder()
          .setTracerProvider(
              SdkTracerProvider.builder()
                  .setSampler(
                      new Sampler() {
                        @Override
                        public SamplingResult shouldSample(
                            Context parent,
                            String traceId,
                            String name,
                            SpanKind kind,
                            Attributes attributes,
                            List<LinkData> links) {
                          atCreation.putIfAbsent(name, attributes);
                          return SamplingResult.recordAndSample();
                        }

                        @Override
                        public String getDescription() {
                          return "records the attributes at creation";
                        }
                      })
                  .addSpanProcessor(SimpleSpanProcessor.create(spans))
                  .build())
          .build();

  final Set<String> keys = ConcurrentHashMap.newKeySet();
  FakeKimiServer server;
  KimiClient kimi;

  @BeforeEach
  void start() {
    ModelInfo small = ModelCatalog.defaults().lookup("kimi-k3").withContextWindow(16_000);
    server = new FakeKimiServer().addModel(small).start();
    kimi =
        KimiTelemetry.create(otel)
            .install(
                KimiClient.builder()
                    .apiKey(KEY)
                    .baseUrl(server.baseUrl())
                    .catalog(ModelCatalog.defaults().with(small)))
            .build();
  }

  @AfterEach
  void stop() {
    kimi.close();
    server.close();
    otel.close();
  }

  AgentTool tool(String name, int size) {
    return AgentTool.of(
        name,
        "Reads " + name,
        JsonSchema.object().required("path", JsonSchema.string()).build(),
        (args, ctx) -> {
          keys.add(ctx.idempotencyKey());
          return "{\"path\":\""
              + args.get("path").asString()
              + "\",\"text\":\""
              + "word ".repeat(size)
              + "\"}";
        });
  }

  /** A K3 agent under the test key, on a store in memory. */
  Agent.Builder sealed() {
    return Agent.builder(kimi, "kimi-k3")
        .key(io.github.kimisdk.agents.TestKeys.KEY)
        .store(RunStore.inMemory());
  }

  List<SpanData> named(String prefix) {
    return spans.getFinishedSpanItems().stream()
        .filter(s -> s.getName().startsWith(prefix))
        .toList();
  }

  @Test
  void aRunIsOneInvokeAgentSpanWithAnExecuteToolSpanPerCallAndItsChatSpansBeneath() {
    Agent agent =
        sealed()
            .name("reader", "3")
            .description("Reads files and reports")
            .tool(tool("read_file", 10))
            .tool(tool("stat_file", 10))
            .tracer(AgentSpans.create(otel))
            .listener(AgentSpanEvents.create())
            .build();

    RunResult r =
        agent.run(
            "run-1",
            List.of(
                Message.user(
                    "read_file path=a.txt and stat_file path=a.txt then read_file path=b.txt")));

    assertThat(r).isInstanceOf(RunResult.Answered.class);
    List<SpanData> runs = named("invoke_agent");
    assertThat(runs).singleElement();
    SpanData run = runs.get(0);
    assertThat(run.getName()).isEqualTo("invoke_agent reader");
    assertThat(run.getKind()).isEqualTo(SpanKind.INTERNAL);
    Attributes started = atCreation.get("invoke_agent reader");
    assertThat(started.get(GenAi.OPERATION_NAME)).isEqualTo("invoke_agent");
    assertThat(started.get(GenAi.PROVIDER_NAME)).isEqualTo("moonshot_ai");
    assertThat(started.get(GenAi.REQUEST_MODEL)).isEqualTo("kimi-k3");
    assertThat(started.get(AgentSpans.AGENT_NAME)).isEqualTo("reader");
    assertThat(started.get(AgentSpans.AGENT_VERSION)).isEqualTo("3");
    assertThat(started.get(AgentSpans.AGENT_DESCRIPTION)).isEqualTo("Reads files and reports");
    assertThat(started.get(AgentSpans.CONVERSATION_ID)).isEqualTo("run-1");
    assertThat(run.getAttributes().get(GenAi.INPUT_TOKENS)).isPositive();
    assertThat(run.getAttributes().get(GenAi.OUTPUT_TOKENS)).isPositive();
    assertThat(run.getAttributes().get(AgentSpans.RUN_STATUS)).isEqualTo("answered");
    assertThat(run.getStatus().getStatusCode()).isEqualTo(StatusCode.UNSET);
    // the moments of the run are events of its span
    assertThat(run.getEvents()).extracting(EventData::getName).contains(AgentSpanEvents.CLAIMED);

    List<SpanData> tools = named("execute_tool");
    assertThat(tools).hasSize(3); // two calls in the first turn, one in the second
    for (SpanData t : tools) {
      assertThat(t.getKind()).isEqualTo(SpanKind.INTERNAL);
      assertThat(t.getParentSpanId()).isEqualTo(run.getSpanId());
      assertThat(t.getTraceId()).isEqualTo(run.getTraceId());
      Attributes a = t.getAttributes();
      assertThat(t.getName()).isEqualTo("execute_tool " + a.get(AgentSpans.TOOL_NAME));
      assertThat(a.get(GenAi.OPERATION_NAME)).isEqualTo("execute_tool");
      assertThat(atCreation.get(t.getName()).get(GenAi.OPERATION_NAME)).isEqualTo("execute_tool");
      assertThat(a.get(AgentSpans.TOOL_CALL_ID)).startsWith("functions.");
      assertThat(a.get(AgentSpans.TOOL_TYPE)).isEqualTo("function");
      assertThat(a.get(AgentSpans.TOOL_DESCRIPTION)).startsWith("Reads ");
      // content is opt-in
      assertThat(a.get(AttributeKey.valueKey("gen_ai.tool.call.arguments"))).isNull();
      assertThat(a.get(AgentSpans.TOOL_ARGUMENTS)).isNull();
    }
    assertThat(tools)
        .extracting(t -> t.getAttributes().get(AgentSpans.TOOL_NAME))
        .containsExactlyInAnyOrder("read_file", "stat_file", "read_file");

    List<SpanData> chats = named("chat ");
    assertThat(chats).hasSize(3);
    for (SpanData c : chats) {
      assertThat(c.getKind()).isEqualTo(SpanKind.CLIENT);
      assertThat(c.getParentSpanId()).isEqualTo(run.getSpanId());
    }
    noKeyAnywhere();
  }

  @Test
  void aSubagentsRunIsBeneathTheToolSpanOfTheCallThatStartedIt() {
    Agent child = sealed().name("researcher", "1").tool(tool("lookup", 5)).build();
    Agent lead =
        sealed()
            .name("lead", "1")
            .tool(child.asTool("research", "Researches a question"))
            .tracer(AgentSpans.create(otel))
            .build();

    lead.run("lead-1", List.of(Message.user("research task=\"lookup path=q.txt\"")));

    SpanData parent = one("invoke_agent lead");
    SpanData call = one("execute_tool research");
    SpanData sub = one("invoke_agent researcher");
    SpanData lookup = one("execute_tool lookup");
    assertThat(call.getParentSpanId()).isEqualTo(parent.getSpanId());
    assertThat(sub.getParentSpanId()).isEqualTo(call.getSpanId());
    assertThat(sub.getAttributes().get(AgentSpans.CONVERSATION_ID)).isEqualTo("lead-1.1.0");
    assertThat(sub.getAttributes().get(AgentSpans.PARENT_RUN)).isEqualTo("lead-1");
    assertThat(lookup.getParentSpanId()).isEqualTo(sub.getSpanId());
    // the subagent's model calls under its own run
    List<SpanData> chats = named("chat ");
    assertThat(chats.stream().filter(c -> c.getParentSpanId().equals(sub.getSpanId()))).hasSize(2);
    assertThat(chats.stream().filter(c -> c.getParentSpanId().equals(parent.getSpanId())))
        .hasSize(2);
    assertThat(spans.getFinishedSpanItems().stream().map(SpanData::getTraceId).distinct())
        .hasSize(1);
    noKeyAnywhere();
  }

  SpanData one(String name) {
    List<SpanData> found = named(name).stream().filter(s -> s.getName().equals(name)).toList();
    assertThat(found).as(name).hasSize(1);
    return found.get(0);
  }

  @Test
  void argumentsAndResultsAreRecordedOnlyWhenAskedAndStructured() {
    Agent agent =
        sealed()
            .tool(tool("read_file", 2))
            .tracer(AgentSpans.builder(otel).captureMessageContent(true).build())
            .build();

    agent.run("contents", List.of(Message.user("read_file path=a.txt")));

    SpanData t = one("execute_tool read_file");
    Value<?> args = t.getAttributes().get(AttributeKey.valueKey("gen_ai.tool.call.arguments"));
    assertThat(args).isNotNull();
    assertThat(args.asString()).contains("path").contains("a.txt");
    Value<?> result = t.getAttributes().get(AttributeKey.valueKey("gen_ai.tool.call.result"));
    assertThat(result.asString()).contains("word word");
    noKeyAnywhere();
  }

  @Test
  void aResultThatEchoesItsIdempotencyKeyReachesTheSpanWithoutIt() {
    Agent agent =
        sealed()
            .tool(
                AgentTool.of(
                    "pay",
                    "Pays",
                    JsonSchema.object().build(),
                    (args, ctx) -> {
                      keys.add(ctx.idempotencyKey());
                      return "paid under " + ctx.idempotencyKey();
                    }))
            .tracer(AgentSpans.builder(otel).captureMessageContent(true).build())
            .build();

    agent.run("echo", List.of(Message.user("pay")));

    SpanData t = one("execute_tool pay");
    assertThat(t.getAttributes().get(AttributeKey.valueKey("gen_ai.tool.call.result")).asString())
        .isEqualTo("paid under [idempotency key]");
    noKeyAnywhere();
  }

  @Test
  void aFailedToolCallIsAnErrorNamingWhatItThrew() {
    Agent agent =
        sealed()
            .tool(
                AgentTool.of(
                    "explode",
                    "Fails",
                    JsonSchema.object().build(),
                    (args, ctx) -> {
                      throw new java.io.FileNotFoundException("no such file");
                    }))
            .tracer(AgentSpans.create(otel))
            .build();

    agent.run("fails", List.of(Message.user("explode")));

    SpanData t = one("execute_tool explode");
    assertThat(t.getStatus().getStatusCode()).isEqualTo(StatusCode.ERROR);
    assertThat(t.getAttributes().get(GenAi.ERROR_TYPE)).isEqualTo("java.io.FileNotFoundException");
  }

  @Test
  void aCompactionIsAnEventOfTheRunsSpanWithItsCostAndTheCacheGivenUp() {
    StringBuilder task = new StringBuilder();
    for (int i = 1; i <= 8; i++) {
      task.append(i > 1 ? " then " : "").append("read_file path=p").append(i).append(".txt");
    }
    Agent agent =
        sealed()
            .name("reader", "1")
            .tool(tool("read_file", 3_000))
            .compaction(Compaction.defaults())
            .tracer(AgentSpans.create(otel))
            .listener(AgentSpanEvents.create())
            .maxSteps(30)
            .build();

    RunResult r = agent.run("long", List.of(Message.user(task.toString())));

    assertThat(r).isInstanceOf(RunResult.Answered.class);
    SpanData run = one("invoke_agent reader");
    List<EventData> compacted =
        run.getEvents().stream()
            .filter(e -> e.getName().equals(AgentSpanEvents.COMPACTED))
            .collect(Collectors.toList());
    assertThat(compacted).isNotEmpty();
    Attributes a = compacted.get(0).getAttributes();
    assertThat(a.get(AgentSpanEvents.TOKENS_AFTER))
        .isLessThan(a.get(AgentSpanEvents.TOKENS_BEFORE));
    assertThat(a.get(AgentSpanEvents.CACHE_GIVEN_UP)).isPositive();
    assertThat(a.get(GenAi.INPUT_TOKENS)).isPositive();
    assertThat(a.get(GenAi.COST)).isPositive();
    assertThat(a.get(GenAi.COST_CURRENCY)).isEqualTo("USD");
    // the summary call is a chat span of the run too
    assertThat(named("chat ").stream().filter(c -> c.getParentSpanId().equals(run.getSpanId())))
        .hasSize(server.requestCount());
  }

  /** No attribute or event of any span holds an idempotency key, nor the API key. */
  void noKeyAnywhere() {
    List<String> values = new ArrayList<>();
    for (SpanData s : spans.getFinishedSpanItems()) {
      s.getAttributes().forEach((k, v) -> values.add(String.valueOf(v)));
      for (EventData e : s.getEvents()) {
        e.getAttributes().forEach((k, v) -> values.add(String.valueOf(v)));
      }
    }
    assertThat(values).isNotEmpty().noneMatch(v -> v.contains(KEY));
    for (String key : keys) {
      assertThat(values).noneMatch(v -> v.contains(key));
    }
  }
}
