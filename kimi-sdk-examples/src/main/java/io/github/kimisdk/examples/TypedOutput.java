package io.github.kimisdk.examples;

import io.github.kimisdk.agents.Agent;
import io.github.kimisdk.agents.AgentTool;
import io.github.kimisdk.agents.RunEvent;
import io.github.kimisdk.agents.RunResult;
import io.github.kimisdk.chat.ChatRequest;
import io.github.kimisdk.chat.Message;
import io.github.kimisdk.chat.Thinking;
import io.github.kimisdk.errors.KimiException;
import io.github.kimisdk.errors.StructuredOutputException;
import io.github.kimisdk.json.Json;
import io.github.kimisdk.json.JsonOptional;
import io.github.kimisdk.testing.FakeResponse;
import io.github.kimisdk.tool.Description;
import io.github.kimisdk.tool.JsonSchema;
import java.io.PrintStream;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Typed Java: a record as the reply ({@code kimi.chat(request, Weather.class)}, which sends the
 * record's schema as {@code response_format} and binds the reply), and a record as a tool's
 * parameters ({@code AgentTool.of(name, description, Forecast.class, handler)}, run by an {@code
 * Agent} in memory).
 *
 * <p>The records live in this named module, so its {@code module-info.java} opens the package to
 * {@code io.github.kimisdk}, which reads them; on the class path nothing is needed.
 *
 * <p>Offline, the fake is scripted with the structured replies a model would give (and one that
 * does not fit the record, to show the error); its own model calls the typed tool with arguments
 * built from the derived schema and the {@code name=value} pairs of the prompt.
 *
 * <pre>
 * mvn -B -q -pl kimi-sdk-examples -am compile exec:java -Dexec.mainClass=io.github.kimisdk.examples.TypedOutput
 * </pre>
 */
public final class TypedOutput {

  /** The reply we want: Kimi fills it in. */
  @Description("Current weather at one place")
  record Weather(
      String city,
      @Description("degrees Celsius") double temperature,
      Sky sky,
      List<String> warnings,
      @JsonOptional LocalDate date) {}

  /** The sky, as one of a few words. */
  enum Sky {
    CLEAR,
    CLOUDY,
    RAIN,
    SNOW
  }

  /** The arguments of the typed tool. */
  record Forecast(
      @Description("city name, such as Paris") String city,
      @Description("days ahead, 1 to 7") int days) {
    Forecast {
      if (days < 1 || days > 7) {
        throw new IllegalArgumentException("days must be 1 to 7, not " + days);
      }
    }
  }

  /** What the tool returns; written to the model as JSON. */
  record Outlook(String city, List<Double> highs) {}

  static final String WEATHER_PROMPT = "What is the weather in Paris today?";
  static final String TOOL_PROMPT = "Call get_forecast with city=Paris days=3.";

  private TypedOutput() {}

  /**
   * Runs the example.
   *
   * @param args ignored
   */
  public static void main(String[] args) {
    ExampleSession.exit(run(System.getenv(), System.out));
  }

  static int run(Map<String, String> env, PrintStream out) {
    try (ExampleSession session =
        ExampleSession.openChatCompletions(
            env,
            out,
            "kimi-k2.6",
            "its structured reply is a response_format json_schema, which Kimi's Anthropic"
                + " Messages protocol cannot express")) {
      String m = session.model();
      if (session.isOffline()) {
        out.println("(offline: the fake is scripted with the structured replies)");
        session
            .server()
            .enqueue(
                FakeResponse.json(
                    ExampleSession.completionJson(
                        m,
                        "{\"city\":\"Paris\",\"temperature\":21.5,\"sky\":\"CLEAR\","
                            + "\"warnings\":[\"strong wind\"],\"date\":\"2026-03-25\"}",
                        "stop",
                        30)))
            .enqueue(
                FakeResponse.json(
                    ExampleSession.completionJson(
                        m,
                        "{\"city\":\"Paris\",\"temperature\":\"mild\",\"sky\":\"CLEAR\","
                            + "\"warnings\":[]}",
                        "stop",
                        24)));
      }
      out.println("== a record as the reply ==");
      out.println("[schema] " + JsonSchema.of(Weather.class));
      out.println("> " + WEATHER_PROMPT);
      Weather w = session.kimi().chat(request(m, WEATHER_PROMPT), Weather.class);
      out.println(w);
      out.println("[back to JSON] " + Json.write(Json.toJson(w)));

      if (session.isOffline()) {
        out.println("== a reply that does not fit ==");
        try {
          session.kimi().chat(request(m, WEATHER_PROMPT), Weather.class);
          out.println("[unexpected] the reply fitted");
          return 1;
        } catch (StructuredOutputException e) {
          out.println("[failed at] " + e.path());
          out.println("[message] " + e.getMessage());
          out.println("[raw] " + e.text());
        }
      }

      out.println("== a record as a tool's parameters ==");
      AtomicInteger toolErrors = new AtomicInteger(); // calls answered with an error
      Agent agent =
          Agent.builder(session.kimi(), m)
              .tool(
                  AgentTool.of(
                          "get_forecast",
                          "Weather forecast for a city",
                          Forecast.class,
                          (f, ctx) -> {
                            out.println("[tool] get_forecast(" + f + ")");
                            return new Outlook(
                                f.city(), List.of(21.5, 19.0, 17.5).subList(0, f.days()));
                          })
                      .asReadOnly())
              .request(b -> b.thinking(Thinking.disabled()))
              .listener(
                  e -> {
                    if (e instanceof RunEvent.ToolFinished f && f.error()) {
                      toolErrors.incrementAndGet(); // such as arguments that do not bind
                    }
                  })
              .build();
      out.println("[parameters] " + JsonSchema.of(Forecast.class));
      out.println("> " + TOOL_PROMPT);
      RunResult r = agent.run(List.of(Message.user(TOOL_PROMPT)));
      out.println("[answer] " + r.text());
      out.println("[tool errors] " + toolErrors.get());
      return r instanceof RunResult.Answered ? 0 : 1;
    } catch (KimiException e) {
      out.println("Kimi call failed: " + e.getMessage());
      return 1;
    }
  }

  private static ChatRequest request(String model, String prompt) {
    return ChatRequest.builder(model).addUser(prompt).thinking(Thinking.disabled()).build();
  }
}
