package io.github.kimisdk.agents;

import static io.github.kimisdk.agents.AgentLoopFixture.toolCallReply;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.kimisdk.KimiClient;
import io.github.kimisdk.chat.Message;
import io.github.kimisdk.chat.ToolMessage;
import io.github.kimisdk.json.JsonOptional;
import io.github.kimisdk.json.JsonValue;
import io.github.kimisdk.testing.FakeKimiExtension;
import io.github.kimisdk.testing.FakeKimiServer;
import io.github.kimisdk.testing.FakeResponse;
import io.github.kimisdk.tool.Description;
import io.github.kimisdk.tool.JsonSchema;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Typed tools in a run, over loopback (ported from the core's ToolRunnerTypedHttpTest): a record's
 * schema goes out, the model's arguments come back bound, and arguments that do not bind are an
 * error the model reads, its tool's handler not run.
 */
@ExtendWith(FakeKimiExtension.class)
class AgentTypedToolsHttpTest {

  enum Unit {
    CELSIUS,
    FAHRENHEIT
  }

  record Forecast(
      @Description("city name, such as Paris") String city,
      @Description("days ahead, 1 to 7") int days,
      @JsonOptional Unit unit) {
    Forecast {
      if (days < 1 || days > 7) {
        throw new IllegalArgumentException("days must be 1 to 7, not " + days);
      }
    }
  }

  record Outlook(String city, List<Double> highs, Unit unit) {}

  record Sum(long a, long b) {}

  FakeKimiServer server;
  KimiClient kimi;
  final AtomicInteger calls = new AtomicInteger();
  final List<RunEvent.ToolFinished> finished = new ArrayList<>();

  @BeforeEach
  void start(FakeKimiServer server, FakeKimiExtension.Clients clients) {
    this.server = server;
    kimi = clients.build(b -> b.apiKey("test-key"));
  }

  Agent agent(AgentTool tool) {
    return Agent.builder(kimi, "kimi-k2.6")
        .tool(tool)
        .listener(
            e -> {
              if (e instanceof RunEvent.ToolFinished f) {
                synchronized (finished) {
                  finished.add(f);
                }
              }
            })
        .build();
  }

  Agent forecaster() {
    return agent(
        AgentTool.of(
            "get_forecast",
            "Weather forecast for a city",
            Forecast.class,
            (f, ctx) -> {
              calls.incrementAndGet();
              Unit unit = f.unit() == null ? Unit.CELSIUS : f.unit();
              return new Outlook(
                  f.city(), f.days() == 1 ? List.of(21.5) : List.of(21.5, 19.0), unit);
            }));
  }

  static RunState run(Agent agent, String task) {
    RunResult r = agent.run(List.of(Message.user(task)));
    assertThat(r).isInstanceOf(RunResult.Answered.class);
    return ((RunResult.Answered) r).state();
  }

  static String toolContent(RunState s, int index) {
    return ((ToolMessage) s.messages().get(index)).content();
  }

  /**
   * The calls whose arguments did not fit, as the events tell them. Changed on purpose: a run's
   * result no longer counts them (ToolRunner.Result.argumentErrors()).
   */
  long argumentErrors() {
    synchronized (finished) {
      return finished.stream()
          .filter(f -> f.error() && f.content().startsWith("Error: the arguments of "))
          .count();
    }
  }

  @Test
  void theSchemaIsDerivedAndTheArgumentsAreBoundToTheRecord() {
    RunState s = run(forecaster(), "Call get_forecast with city=Paris days=2 unit=FAHRENHEIT");
    assertThat(argumentErrors()).isZero();
    JsonValue declared = server.requests().get(0).json().get("tools").get(0).get("function");
    assertThat(declared.get("name").asString()).isEqualTo("get_forecast");
    assertThat(declared.get("parameters")).isEqualTo(JsonSchema.of(Forecast.class).toJson());
    String result = toolContent(s, 2);
    assertThat(result)
        .isEqualTo("{\"city\":\"Paris\",\"highs\":[21.5,19.0],\"unit\":\"FAHRENHEIT\"}");
    assertThat(s.text()).contains("get_forecast says " + result);
  }

  @Test
  void aStringResultIsSentAsItIsAndNullAsNoOutput() {
    Agent agent =
        agent(
            AgentTool.of(
                "say",
                "Says it",
                Forecast.class,
                (f, ctx) -> f.city().equals("none") ? null : "It is sunny"));
    assertThat(toolContent(run(agent, "say city=Rome days=1"), 2)).isEqualTo("It is sunny");
    assertThat(toolContent(run(agent, "say city=none days=1"), 2)).isEqualTo("(no output)");
  }

  @Test
  void argumentsTheRecordRejectsGoBackToTheModel() {
    RunState s = run(forecaster(), "get_forecast city=Paris days=9");
    assertThat(calls).hasValue(0);
    assertThat(argumentErrors()).isEqualTo(1);
    assertThat(toolContent(s, 2))
        .isEqualTo(
            "Error: the arguments of get_forecast do not fit its schema (JsonException: $: the"
                + " constructor of Forecast rejected the values: IllegalArgumentException: days"
                + " must be 1 to 7, not 9); call it again with arguments that follow the schema");
    // The model read the error: the fake quotes the tool results in its answer.
    assertThat(s.text()).contains("get_forecast says Error: the arguments of get_forecast");
  }

  @Test
  void theModelCanCorrectItselfAfterABindingError() {
    server
        .enqueue(FakeResponse.json(toolCallReply("", "get_forecast", "{\"city\": 5, \"days\": 2}")))
        .enqueue(
            FakeResponse.json(
                toolCallReply("", "get_forecast", "{\"city\": \"Lyon\", \"days\": 1}")));
    RunState s = run(forecaster(), "Forecast for Lyon");
    assertThat(s.steps()).isEqualTo(3);
    assertThat(argumentErrors()).isEqualTo(1);
    assertThat(calls).hasValue(1);
    assertThat(toolContent(s, 2))
        .contains("$.city (Forecast.city): expected a string but was a number");
    assertThat(toolContent(s, 4))
        .isEqualTo("{\"city\":\"Lyon\",\"highs\":[21.5],\"unit\":\"CELSIUS\"}");
    // The error went to the model as the call's result.
    assertThat(server.requests().get(1).json().get("messages").get(2).get("content").asString())
        .startsWith("Error: the arguments of get_forecast do not fit its schema");
  }

  /**
   * Changed on purpose: arguments that are not a JSON object are refused before the tool's binding
   * (ToolRunner's said "are not valid JSON").
   */
  @Test
  void argumentsThatAreNotJsonAreRefusedToo() {
    server.enqueue(FakeResponse.json(toolCallReply("", "get_forecast", "{\"city\": ")));
    RunState s = run(forecaster(), "Forecast");
    assertThat(argumentErrors()).isEqualTo(1);
    assertThat(calls).hasValue(0);
    assertThat(toolContent(s, 2))
        .startsWith("Error: the arguments of get_forecast are not a JSON object");
  }

  @Test
  void aHandlerThatThrowsIsAnErrorButNotAnArgumentError() {
    RunState s =
        run(
            agent(
                AgentTool.of(
                    "get_forecast",
                    "Forecast",
                    Forecast.class,
                    (f, ctx) -> {
                      throw new IllegalStateException("the weather service is down");
                    })),
            "get_forecast city=Oslo days=1");
    assertThat(argumentErrors()).isZero();
    assertThat(toolContent(s, 2))
        .isEqualTo(
            "Error: get_forecast failed: IllegalStateException: the weather service is down");
  }

  @Test
  void aRecordToolRunsItsHandlerOncePerCallAndNotOnArgumentsThatDoNotBind() {
    AtomicInteger handled = new AtomicInteger();
    Agent agent =
        agent(
            AgentTool.of(
                "sum",
                "Adds",
                Sum.class,
                (x, ctx) -> {
                  handled.incrementAndGet();
                  return "sum=" + (x.a() + x.b());
                }));
    assertThat(toolContent(run(agent, "sum a=40 b=2"), 2)).isEqualTo("sum=42");
    assertThat(handled).hasValue(1);
    server.enqueue(FakeResponse.json(toolCallReply("", "sum", "{\"a\": \"one\", \"b\": 2}")));
    run(agent, "sum");
    assertThat(argumentErrors()).isEqualTo(1);
    assertThat(handled).as("not run on arguments that do not bind").hasValue(1);
  }

  @Test
  void aParametersTypeWithoutASchemaIsRefusedWhenTheToolIsMade() {
    assertThatThrownBy(() -> AgentTool.of("t_1", "d", String.class, (s, ctx) -> s))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("is not a record");
    assertThatThrownBy(() -> AgentTool.of("t_1", "d", (Class<Sum>) null, (s, ctx) -> s))
        .isInstanceOf(NullPointerException.class);
  }
}
