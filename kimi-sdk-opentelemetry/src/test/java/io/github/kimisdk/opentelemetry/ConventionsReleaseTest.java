package io.github.kimisdk.opentelemetry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import io.github.kimisdk.KimiClient;
import io.github.kimisdk.RetryPolicy;
import io.github.kimisdk.Target;
import io.github.kimisdk.chat.ChatRequest;
import io.github.kimisdk.chat.ResponseFormat;
import io.github.kimisdk.chat.Thinking;
import io.github.kimisdk.host.Host;
import io.github.kimisdk.model.ModelCatalog;
import io.github.kimisdk.testing.FakeKimiServer;
import io.github.kimisdk.testing.FakeResponse;
import io.opentelemetry.api.common.AttributeType;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.metrics.data.MetricData;
import io.opentelemetry.sdk.testing.exporter.InMemoryMetricReader;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.data.EventData;
import io.opentelemetry.sdk.trace.data.SpanData;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every name the module writes, held to the release it follows: each attribute, with the release of
 * open-telemetry/semantic-conventions that brought it, is written with the type v1.41.1 gives it on
 * the signal it belongs to; and no name written is missing from v1.41.1 (the list in {@code
 * semantic-conventions-1.41.1.txt}, read from that tag) but the {@code kimi.*} ones. One run of
 * calls writes them all: whole replies, a stream, a retry, a fallback, a failure and a call refused
 * before sending, with every opt-in on, and an agent's run with a tool and a subagent ({@link
 * AgentSpans}, {@link AgentSpanEvents}, {@link AgentMetrics}, whose names are Kimi's own).
 */
class ConventionsReleaseTest {

  static final InMemoryTelemetry TELEMETRY = new InMemoryTelemetry();
  static final InMemorySpanExporter SPANS = TELEMETRY.spans;
  static final InMemoryMetricReader METRICS = TELEMETRY.metrics;
  static final OpenTelemetrySdk OTEL = TELEMETRY.sdk;
  static final String MODEL = "moonshot-v1-8k"; // fixes no sampling value
  static final String KEY = "sk-conventions-release-0123456789";

  /** Each attribute written, by signal ("span", "event", "metric"), with every type it had. */
  static final Map<String, Map<String, Set<AttributeType>>> WRITTEN = new HashMap<>();

  static final Set<String> METRIC_NAMES = new HashSet<>();
  static final List<String> VALUES = new ArrayList<>();

  @BeforeAll
  static void writeEverything() {
    try (FakeKimiServer server = new FakeKimiServer().start();
        FakeKimiServer backup = new FakeKimiServer().start()) {
      server.addModel(ModelCatalog.defaults().lookup(MODEL));
      backup.addModel(ModelCatalog.defaults().lookup(MODEL));
      try (KimiClient kimi =
          KimiTelemetry.builder(OTEL)
              .captureMessageContent(true)
              .experimentalAttributes(true)
              .build()
              .install(
                  KimiClient.builder()
                      .apiKey(KEY)
                      .baseUrl(server.baseUrl())
                      // a seed, which Moonshot does not document, sent on purpose for its attribute
                      .deliberateFields("seed")
                      .retryPolicy(
                          RetryPolicy.defaults()
                              .withBackoff(Duration.ofMillis(1), Duration.ofMillis(1)))
                      .fallback(Target.of(Host.compatible("backup", backup.baseUrl())).apiKey(KEY)))
              .build()) {
        ChatRequest every =
            KimiTelemetryTest.everySetting(
                    ChatRequest.builder(MODEL)
                        // cached the second time
                        .addSystem("You are a careful assistant. ".repeat(80))
                        .addUser("Hello"))
                .responseFormat(ResponseFormat.jsonObject())
                .build();
        kimi.chat(every);
        kimi.chat(every);
        kimi.chat(ChatRequest.of("kimi-k3", "Think first")); // reasoning tokens
        kimi.stream(ChatRequest.of(MODEL, "Tell me a story")).toCompletion();
        server.enqueue(FakeResponse.error(400, "{\"error\":{\"type\":\"invalid_request_error\"}}"));
        catchThrowable(() -> kimi.chat(ChatRequest.of(MODEL, "Refused by the server")));
        server.enqueue(FakeResponse.error(503, "{\"error\":{\"type\":\"server_error\"}}"));
        kimi.chat(ChatRequest.of(MODEL, "Retried"));
        // last: the first target cools down after it
        server.enqueue(
            FakeResponse.error(429, "{\"error\":{\"type\":\"engine_overloaded_error\"}}"));
        kimi.chat(ChatRequest.of(MODEL, "Fell back"));
        ChatRequest refused =
            ChatRequest.builder("kimi-k3")
                .addUser("Refused by the client")
                .thinking(Thinking.disabled())
                .temperature(1.0)
                .build();
        catchThrowable(() -> kimi.chat(refused));
        // an agent's run: invoke_agent, execute_tool (content captured), a subagent's run
        io.github.kimisdk.agents.AgentTool lookup =
            io.github.kimisdk.agents.AgentTool.of(
                "lookup",
                "Looks a figure up",
                io.github.kimisdk.tool.JsonSchema.object()
                    .required("query", io.github.kimisdk.tool.JsonSchema.string())
                    .build(),
                (args, ctx) -> "{\"figure\":42}");
        io.github.kimisdk.agents.Agent child =
            io.github.kimisdk.agents.Agent.builder(kimi, "kimi-k3")
                .name("researcher", "1")
                .key(io.github.kimisdk.agents.TestKeys.KEY)
                .store(io.github.kimisdk.agents.RunStore.inMemory())
                .tool(lookup)
                .build();
        io.github.kimisdk.agents.RunStore leads = io.github.kimisdk.agents.RunStore.inMemory();
        AgentSpanEvents events = AgentSpanEvents.create();
        AgentMetrics agentMetrics = AgentMetrics.create(OTEL);
        agentMetrics.observeRuns(leads, "lead");
        io.github.kimisdk.agents.Agent lead =
            io.github.kimisdk.agents.Agent.builder(kimi, "kimi-k3")
                .name("lead", "1")
                .description("Answers with figures")
                .key(io.github.kimisdk.agents.TestKeys.KEY)
                .store(leads)
                .tool(child.asTool("research", "Researches a figure"))
                .tracer(AgentSpans.builder(OTEL).captureMessageContent(true).build())
                .listener(
                    e -> {
                      events.onEvent(e);
                      agentMetrics.onEvent(e);
                    })
                .build();
        lead.run(
            "conventions",
            java.util.List.of(
                io.github.kimisdk.chat.Message.user("research task=\"lookup query=sales\"")));
      }
    }
    for (SpanData s : SPANS.getFinishedSpanItems()) {
      note("span", s.getAttributes());
      for (EventData e : s.getEvents()) {
        note("event", e.getAttributes());
      }
    }
    for (MetricData m : METRICS.collectAllMetrics()) {
      METRIC_NAMES.add(m.getName());
      m.getData().getPoints().forEach(p -> note("metric", p.getAttributes()));
    }
  }

  private static void note(String signal, Attributes attributes) {
    attributes.forEach(
        (key, value) -> {
          WRITTEN
              .computeIfAbsent(key.getKey(), k -> new HashMap<>())
              .computeIfAbsent(signal, k -> new HashSet<>())
              .add(key.getType());
          VALUES.add(String.valueOf(value));
        });
  }

  @AfterAll
  static void stop() {
    OTEL.close();
  }

  /**
   * Each attribute of the conventions the module writes: its name, type, the release that brought
   * it (every one is in v1.41.1), and the signals it is written on.
   */
  static Stream<Arguments> attributes() {
    return Stream.of(
        row("gen_ai.operation.name", AttributeType.STRING, "1.28.0 or earlier", "span metric"),
        row("gen_ai.provider.name", AttributeType.STRING, "1.37.0", "span metric"),
        row("gen_ai.request.model", AttributeType.STRING, "1.28.0 or earlier", "span metric"),
        row("gen_ai.request.max_tokens", AttributeType.LONG, "1.28.0 or earlier", "span"),
        row("gen_ai.request.temperature", AttributeType.DOUBLE, "1.28.0 or earlier", "span"),
        row("gen_ai.request.top_p", AttributeType.DOUBLE, "1.28.0 or earlier", "span"),
        row("gen_ai.request.seed", AttributeType.LONG, "1.30.0", "span"),
        row("gen_ai.request.choice.count", AttributeType.LONG, "1.31.0", "span"),
        row(
            "gen_ai.request.stop_sequences",
            AttributeType.STRING_ARRAY,
            "1.28.0 or earlier",
            "span"),
        row("gen_ai.request.presence_penalty", AttributeType.DOUBLE, "1.28.0 or earlier", "span"),
        row("gen_ai.request.frequency_penalty", AttributeType.DOUBLE, "1.28.0 or earlier", "span"),
        row("gen_ai.request.stream", AttributeType.BOOLEAN, "1.41.0", "span"),
        row("gen_ai.output.type", AttributeType.STRING, "1.31.0", "span"),
        row("gen_ai.response.id", AttributeType.STRING, "1.28.0 or earlier", "span"),
        row("gen_ai.response.model", AttributeType.STRING, "1.28.0 or earlier", "span metric"),
        row(
            "gen_ai.response.finish_reasons",
            AttributeType.STRING_ARRAY,
            "1.28.0 or earlier",
            "span"),
        row("gen_ai.response.time_to_first_chunk", AttributeType.DOUBLE, "1.41.0", "span"),
        row("gen_ai.usage.input_tokens", AttributeType.LONG, "1.28.0 or earlier", "span"),
        row("gen_ai.usage.output_tokens", AttributeType.LONG, "1.28.0 or earlier", "span"),
        row("gen_ai.usage.cache_read.input_tokens", AttributeType.LONG, "1.40.0", "span"),
        row("gen_ai.usage.reasoning.output_tokens", AttributeType.LONG, "1.41.0", "span"),
        row("gen_ai.token.type", AttributeType.STRING, "1.28.0 or earlier", "metric"),
        row("gen_ai.input.messages", AttributeType.VALUE, "1.37.0", "span"),
        row("gen_ai.output.messages", AttributeType.VALUE, "1.37.0", "span"),
        row("gen_ai.agent.name", AttributeType.STRING, "1.31.0", "span metric"),
        row("gen_ai.agent.description", AttributeType.STRING, "1.31.0", "span"),
        row("gen_ai.agent.version", AttributeType.STRING, "1.40.0", "span"),
        row("gen_ai.conversation.id", AttributeType.STRING, "1.34.0", "span"),
        row("gen_ai.tool.name", AttributeType.STRING, "1.31.0", "span"),
        row("gen_ai.tool.call.id", AttributeType.STRING, "1.31.0", "span"),
        row("gen_ai.tool.type", AttributeType.STRING, "1.31.0", "span"),
        row("gen_ai.tool.description", AttributeType.STRING, "1.33.0", "span"),
        row("gen_ai.tool.call.arguments", AttributeType.VALUE, "1.38.0", "span"),
        row("gen_ai.tool.call.result", AttributeType.VALUE, "1.38.0", "span"),
        row("server.address", AttributeType.STRING, "stable", "span event metric"),
        row("server.port", AttributeType.LONG, "stable", "span event metric"),
        row("error.type", AttributeType.STRING, "stable", "span event metric"),
        row("http.response.status_code", AttributeType.LONG, "stable", "span event"));
  }

  private static Arguments row(String name, AttributeType type, String since, String signals) {
    return Arguments.of(name, type, since, signals);
  }

  @ParameterizedTest(name = "{0} ({2})")
  @MethodSource("attributes")
  void eachAttributeIsWrittenAsItsReleaseDefinesIt(
      String name, AttributeType type, String since, String signals) throws IOException {
    assertThat(release()).as("v1.41.1 defines " + name).contains("attribute " + name);
    Map<String, Set<AttributeType>> written = WRITTEN.get(name);
    assertThat(written).as(name + " written").isNotNull();
    for (String signal : signals.split(" ")) {
      assertThat(written.get(signal)).as(name + " on " + signal).containsExactly(type);
    }
  }

  @Test
  void everyNameWrittenIsInTheReleaseFollowedOrKimisOwn() throws IOException {
    Set<String> release = release();
    assertThat(WRITTEN.keySet())
        .allSatisfy(
            name ->
                assertThat(name.startsWith("kimi.") || release.contains("attribute " + name))
                    .as(name + " is in v1.41.1 or kimi.*")
                    .isTrue());
    assertThat(METRIC_NAMES.stream().filter(n -> !n.startsWith("kimi.")))
        .containsExactlyInAnyOrder(
            "gen_ai.client.operation.duration",
            "gen_ai.client.token.usage",
            "gen_ai.client.operation.time_to_first_chunk",
            "gen_ai.client.operation.time_per_output_chunk")
        .allSatisfy(name -> assertThat(release).contains("metric " + name));
    // an agent's metrics: the conventions name none yet
    assertThat(METRIC_NAMES).contains(AgentMetrics.RUNS);
    assertThat(KimiTelemetry.SEMANTIC_CONVENTIONS).isEqualTo("1.41.1");
    assertThat(attributes().map(a -> (String) a.get()[0]))
        .as("the table above names every attribute of the conventions written")
        .containsExactlyInAnyOrderElementsOf(
            WRITTEN.keySet().stream().filter(n -> !n.startsWith("kimi.")).toList());
  }

  @Test
  void noAttributeHoldsTheKey() {
    assertThat(VALUES).isNotEmpty().noneMatch(v -> v.contains(KEY));
  }

  /** The names of semantic-conventions-1.41.1.txt, each with its kind. */
  static Set<String> release() throws IOException {
    try (InputStream in =
        ConventionsReleaseTest.class.getResourceAsStream("/semantic-conventions-1.41.1.txt")) {
      Set<String> names = new HashSet<>();
      for (String line : new String(in.readAllBytes(), StandardCharsets.UTF_8).split("\n")) {
        if (!line.isBlank() && !line.startsWith("#")) {
          names.add(line.strip());
        }
      }
      return names;
    }
  }
}
