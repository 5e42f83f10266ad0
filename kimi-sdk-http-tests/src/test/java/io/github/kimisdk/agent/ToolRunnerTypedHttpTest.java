package io.github.kimisdk.agent;

import static io.github.kimisdk.agent.ToolRunnerHttpTest.toolCallReply;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.kimisdk.KimiClient;
import io.github.kimisdk.chat.ChatRequest;
import io.github.kimisdk.chat.ToolMessage;
import io.github.kimisdk.json.JsonOptional;
import io.github.kimisdk.json.JsonValue;
import io.github.kimisdk.testing.FakeKimiServer;
import io.github.kimisdk.testing.FakeResponse;
import io.github.kimisdk.tool.Description;
import io.github.kimisdk.tool.JsonSchema;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Typed tools over loopback: a record's schema goes out, the model's arguments come back bound. */
class ToolRunnerTypedHttpTest {

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

  FakeKimiServer server;
  KimiClient kimi;
  final AtomicInteger calls = new AtomicInteger();

  @BeforeEach
  void start() {
    server = new FakeKimiServer().start();
    kimi = KimiClient.builder().apiKey("test-key").baseUrl(server.baseUrl()).build();
  }

  @AfterEach
  void stop() {
    kimi.close();
    server.close();
  }

  ToolRunner forecaster() {
    return ToolRunner.builder(kimi)
        .tool(
            "get_forecast",
            "Weather forecast for a city",
            Forecast.class,
            f -> {
              calls.incrementAndGet();
              Unit unit = f.unit() == null ? Unit.CELSIUS : f.unit();
              return new Outlook(
                  f.city(), f.days() == 1 ? List.of(21.5) : List.of(21.5, 19.0), unit);
            })
        .build();
  }

  @Test
  void theSchemaIsDerivedAndTheArgumentsAreBoundToTheRecord() {
    ToolRunner.Result r =
        forecaster()
            .run(
                ChatRequest.of(
                    "kimi-k2.6", "Call get_forecast with city=Paris days=2 unit=FAHRENHEIT"));
    assertThat(r.outcome()).isEqualTo(ToolRunner.Outcome.ANSWERED);
    assertThat(r.argumentErrors()).isZero();
    JsonValue declared = server.requests().get(0).json().get("tools").get(0).get("function");
    assertThat(declared.get("name").asString()).isEqualTo("get_forecast");
    assertThat(declared.get("parameters")).isEqualTo(JsonSchema.of(Forecast.class).toJson());
    String result = ((ToolMessage) r.transcript().get(2)).content();
    assertThat(result)
        .isEqualTo("{\"city\":\"Paris\",\"highs\":[21.5,19.0],\"unit\":\"FAHRENHEIT\"}");
    assertThat(r.text()).contains("get_forecast says " + result);
  }

  @Test
  void aStringResultIsSentAsItIsAndNullAsNoOutput() {
    ToolRunner runner =
        ToolRunner.builder(kimi)
            .tool(
                "say",
                "Says it",
                Forecast.class,
                f -> f.city().equals("none") ? null : "It is sunny")
            .build();
    ToolRunner.Result sunny = runner.run(ChatRequest.of("kimi-k2.6", "say city=Rome days=1"));
    assertThat(((ToolMessage) sunny.transcript().get(2)).content()).isEqualTo("It is sunny");
    ToolRunner.Result none = runner.run(ChatRequest.of("kimi-k2.6", "say city=none days=1"));
    assertThat(((ToolMessage) none.transcript().get(2)).content()).isEqualTo("(no output)");
  }

  @Test
  void argumentsTheRecordRejectsGoBackToTheModelAndAreCounted() {
    ToolRunner.Result r =
        forecaster().run(ChatRequest.of("kimi-k2.6", "get_forecast city=Paris days=9"));
    assertThat(calls).hasValue(0);
    assertThat(r.argumentErrors()).isEqualTo(1);
    assertThat(r.outcome()).isEqualTo(ToolRunner.Outcome.ANSWERED);
    ToolMessage error = (ToolMessage) r.transcript().get(2);
    assertThat(error.content())
        .isEqualTo(
            "Error: the arguments of get_forecast do not fit its schema (JsonException: $: the"
                + " constructor of Forecast rejected the values: IllegalArgumentException: days"
                + " must be 1 to 7, not 9); call it again with arguments that follow the schema");
    // The model read the error: the fake quotes the tool results in its answer.
    assertThat(r.text()).contains("get_forecast says Error: the arguments of get_forecast");
  }

  @Test
  void theModelCanCorrectItselfAfterABindingError() {
    server
        .enqueue(FakeResponse.json(toolCallReply("", "get_forecast", "{\"city\": 5, \"days\": 2}")))
        .enqueue(
            FakeResponse.json(
                toolCallReply("", "get_forecast", "{\"city\": \"Lyon\", \"days\": 1}")));
    ToolRunner.Result r = forecaster().run(ChatRequest.of("kimi-k2.6", "Forecast for Lyon"));
    assertThat(r.outcome()).isEqualTo(ToolRunner.Outcome.ANSWERED);
    assertThat(r.steps()).isEqualTo(3);
    assertThat(r.argumentErrors()).isEqualTo(1);
    assertThat(calls).hasValue(1);
    assertThat(((ToolMessage) r.transcript().get(2)).content())
        .contains("$.city (Forecast.city): expected a string but was a number");
    assertThat(((ToolMessage) r.transcript().get(4)).content())
        .isEqualTo("{\"city\":\"Lyon\",\"highs\":[21.5],\"unit\":\"CELSIUS\"}");
    // The error went to the model as the call's result.
    assertThat(server.requests().get(1).json().get("messages").get(2).get("content").asString())
        .startsWith("Error: the arguments of get_forecast do not fit its schema");
  }

  @Test
  void argumentsThatAreNotJsonAreCountedToo() {
    server.enqueue(FakeResponse.json(toolCallReply("", "get_forecast", "{\"city\": ")));
    ToolRunner.Result r = forecaster().run(ChatRequest.of("kimi-k2.6", "Forecast"));
    assertThat(r.argumentErrors()).isEqualTo(1);
    assertThat(((ToolMessage) r.transcript().get(2)).content())
        .startsWith("Error: the arguments of get_forecast are not valid JSON");
  }

  @Test
  void aHandlerThatThrowsIsAnErrorButNotAnArgumentError() {
    ToolRunner.Result r =
        ToolRunner.builder(kimi)
            .tool(
                "get_forecast",
                "Forecast",
                Forecast.class,
                f -> {
                  throw new IllegalStateException("the weather service is down");
                })
            .build()
            .run(ChatRequest.of("kimi-k2.6", "get_forecast city=Oslo days=1"));
    assertThat(r.argumentErrors()).isZero();
    assertThat(((ToolMessage) r.transcript().get(2)).content())
        .isEqualTo(
            "Error: get_forecast failed: IllegalStateException: the weather service is down");
  }

  @Test
  void aRecordToolRunsItsHandlerOncePerCallAndCountsArgumentErrors() {
    AtomicInteger handled = new AtomicInteger();
    ToolRunner runner =
        ToolRunner.builder(kimi)
            .tool(
                "sum",
                "Adds",
                Sum.class,
                s -> {
                  handled.incrementAndGet();
                  return "sum=" + (s.a() + s.b());
                })
            .build();
    ToolRunner.Result good = runner.run(ChatRequest.of("kimi-k2.6", "sum a=40 b=2"));
    assertThat(((ToolMessage) good.transcript().get(2)).content()).isEqualTo("sum=42");
    assertThat(handled).hasValue(1);
    server.enqueue(FakeResponse.json(toolCallReply("", "sum", "{\"a\": \"one\", \"b\": 2}")));
    assertThat(runner.run(ChatRequest.of("kimi-k2.6", "sum")).argumentErrors()).isEqualTo(1);
    assertThat(handled).as("not run on arguments that do not bind").hasValue(1);
  }

  record Sum(long a, long b) {}

  @Test
  void aParametersTypeWithoutASchemaIsRefusedWhenRegistering() {
    assertThatThrownBy(() -> ToolRunner.builder(kimi).tool("t_1", "d", String.class, s -> s))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("is not a record");
    assertThatThrownBy(() -> ToolRunner.builder(kimi).tool("t_1", "d", (Class<Sum>) null, s -> s))
        .isInstanceOf(NullPointerException.class);
  }

  @Test
  void theOlderResultConstructorCountsNoArgumentErrors() {
    ToolRunner.Result r =
        new ToolRunner.Result(ToolRunner.Outcome.ANSWERED, List.of(), 0, null, null, 1, null);
    assertThat(r.argumentErrors()).isZero();
  }
}
