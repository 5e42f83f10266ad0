package io.github.kimisdk.examples;

import io.github.kimisdk.KimiClient;
import io.github.kimisdk.agents.Agent;
import io.github.kimisdk.agents.AgentTool;
import io.github.kimisdk.agents.RunResult;
import io.github.kimisdk.agents.RunState;
import io.github.kimisdk.chat.Message;
import io.github.kimisdk.chat.Usage;
import io.github.kimisdk.json.JsonValue;
import io.github.kimisdk.testing.FakeKimiServer;
import io.github.kimisdk.tool.JsonSchema;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * A tool-calling agent: the model calls local tools (a calculator, the current time in a time zone,
 * a file line counter), possibly several at once, until it can answer. Each step is printed. The
 * loop is kimi-sdk-agents' {@link Agent} in memory: no store, nothing saved, the run's state handed
 * back in its {@link RunResult}.
 *
 * <p>With {@code MOONSHOT_API_KEY}, {@code KIMI_API_KEY} or {@code KIMI_CODING_API_KEY} set it
 * calls the real API (model from {@code KIMI_MODEL}, default {@code kimi-k3}); without one it runs
 * offline against {@link FakeKimiServer}, whose model calls the tools the prompt names ("then"
 * separates turns):
 *
 * <pre>
 * mvn -B -q -pl kimi-sdk-examples -am compile exec:java -Dexec.mainClass=io.github.kimisdk.examples.ToolCalling
 * </pre>
 */
public final class ToolCalling {

  static final String DEFAULT_PROMPT =
      "Use calculator with expression=\"(17+25)*3\" and current_time with zone=Asia/Tokyo,"
          + " then count_lines with path=pom.xml.";

  /**
   * The agent's instructions, sent first in every step: with the tool declarations, long enough
   * (over 256 tokens) for Kimi's prefix cache to serve them from the second step on.
   */
  static final String SYSTEM =
      "You are a careful assistant with three local tools: a calculator, a clock that tells the"
          + " current time in a time zone, and a line counter for local text files. Use a tool"
          + " whenever the answer depends on arithmetic, on the current time or on the contents"
          + " of a file; never guess such values. Call several tools in one turn when they do not"
          + " depend on each other, and wait for a result before a call that needs it. Pass"
          + " arguments exactly as the tool's schema describes them: an arithmetic expression"
          + " with + - * / and parentheses, an IANA zone id such as Europe/Paris, a file path as"
          + " the user wrote it. When a tool answers with an error, read the error, fix the"
          + " arguments and call it again once; if it fails again, say what failed. Answer in one"
          + " short paragraph that names each tool result you used.";

  /** The most tokens one run may use, all steps together. */
  static final long MAX_TOKENS = 400_000;

  private static final List<String> KEY_VARIABLES =
      List.of("MOONSHOT_API_KEY", "KIMI_API_KEY", "KIMI_CODING_API_KEY");

  private ToolCalling() {}

  /**
   * Runs the example.
   *
   * @param args the prompt words (optional)
   */
  public static void main(String[] args) {
    String prompt = args.length == 0 ? DEFAULT_PROMPT : String.join(" ", args);
    int status = run(prompt, System.getenv(), System.out, Clock.systemUTC());
    if (status != 0) {
      System.exit(status);
    }
  }

  /** Runs against the real API when {@code env} holds a key, else against FakeKimiServer. */
  static int run(String prompt, Map<String, String> env, PrintStream out, Clock clock) {
    boolean hasKey = KEY_VARIABLES.stream().anyMatch(v -> !env.getOrDefault(v, "").isBlank());
    String model =
        env.getOrDefault("KIMI_MODEL", "").isBlank()
            ? ExampleSession.DEFAULT_MODEL
            : env.get("KIMI_MODEL");
    if (hasKey) {
      try (KimiClient kimi = KimiClient.fromEnv()) {
        out.println("Using " + kimi.endpoint() + " with model " + model + ".");
        return agent(kimi, model, prompt, out, clock);
      }
    }
    try (FakeKimiServer server = new FakeKimiServer().start();
        KimiClient kimi = ExampleSession.fakeClient(server, ExampleSession.protocol(env)).build()) {
      out.println(
          "No API key: using FakeKimiServer at "
              + kimi.endpoint().baseUrl()
              + " (offline; its model calls the tools your prompt names).");
      return agent(kimi, model, prompt, out, clock);
    }
  }

  private static int agent(
      KimiClient kimi, String model, String prompt, PrintStream out, Clock clock) {
    StepPrinter steps = new StepPrinter(out, true);
    Agent agent =
        Agent.builder(kimi, model)
            .instructions(SYSTEM)
            .tool(
                AgentTool.of(
                        "calculator",
                        "Evaluates an arithmetic expression with + - * / and parentheses",
                        JsonSchema.object()
                            .required(
                                "expression", JsonSchema.string().description("Such as (2+3)*4"))
                            .build(),
                        (args, ctx) ->
                            Calculator.format(
                                Calculator.evaluate(args.get("expression").asString())))
                    .asReadOnly())
            .tool(
                AgentTool.of(
                        "current_time",
                        "Returns the current date and time in a time zone",
                        JsonSchema.object()
                            .required(
                                "zone",
                                JsonSchema.string()
                                    .description("IANA zone id, such as Europe/Paris"))
                            .build(),
                        (args, ctx) ->
                            ZonedDateTime.now(
                                    clock.withZone(ZoneId.of(args.get("zone").asString())))
                                .truncatedTo(ChronoUnit.SECONDS)
                                .format(DateTimeFormatter.ISO_OFFSET_DATE_TIME))
                    .asReadOnly())
            .tool(
                AgentTool.of(
                        "count_lines",
                        "Counts the lines of a local text file",
                        JsonSchema.object()
                            .required("path", JsonSchema.string().description("A file path"))
                            .build(),
                        (args, ctx) -> countLines(args))
                    .asReadOnly())
            .request(b -> b.maxCompletionTokens(16_000))
            .streaming(true)
            .listener(steps)
            .maxTotalTokens(MAX_TOKENS)
            .build();
    out.println("> " + prompt);
    RunResult result = agent.run(List.of(Message.user(prompt))); // in memory: no store
    if (result instanceof RunResult.Failed f) {
      out.println("[failed] " + f.error().getMessage());
      return 1;
    }
    if (result instanceof RunResult.Stopped s) {
      out.println(
          "[stopped] after "
              + s.state().steps()
              + " steps: "
              + (s.limit() == RunResult.Limit.STEPS
                  ? "the step limit was reached"
                  : "the next could pass the "
                      + s.limit().name().toLowerCase(Locale.ROOT)
                      + " limit")
              + "; spent "
              + ExampleSession.spendLine(s.state().spend(kimi.prices())));
      return 2;
    }
    if (!(result instanceof RunResult.Answered answered)) {
      out.println(
          "[unexpected] " + result); // a run in memory with no approvals neither waits nor is taken
      return 1;
    }
    RunState run = answered.state();
    String spent = "; spent " + ExampleSession.spendLine(run.spend(kimi.prices()));
    Usage usage = run.usageByModel().values().stream().reduce(Usage::plus).orElse(null);
    out.println(
        "[done] answered in "
            + run.steps()
            + " steps"
            + (usage == null
                ? ""
                : "; tokens: prompt "
                    + usage.promptTokens()
                    + ", completion "
                    + usage.completionTokens()
                    + ", total "
                    + usage.totalTokens())
            + spent);
    return 0;
  }

  private static String countLines(JsonValue args) throws IOException {
    Path path = Path.of(args.get("path").asString());
    try (var lines = Files.lines(path)) {
      return lines.count() + " lines in " + path;
    }
  }

  /** A small recursive-descent evaluator for + - * / and parentheses. */
  static final class Calculator {
    private final String s;
    private int pos;

    private Calculator(String s) {
      this.s = s;
    }

    static double evaluate(String expression) {
      Calculator c = new Calculator(expression);
      double v = c.sum();
      c.skipSpaces();
      if (c.pos != c.s.length()) {
        throw new IllegalArgumentException(
            "unexpected '" + c.s.charAt(c.pos) + "' at position " + c.pos + " of " + expression);
      }
      return v;
    }

    static String format(double v) {
      return v == Math.rint(v) && Math.abs(v) < 1e15 ? Long.toString((long) v) : Double.toString(v);
    }

    private void skipSpaces() {
      while (pos < s.length() && s.charAt(pos) == ' ') {
        pos++;
      }
    }

    private boolean eat(char c) {
      skipSpaces();
      if (pos < s.length() && s.charAt(pos) == c) {
        pos++;
        return true;
      }
      return false;
    }

    private double sum() {
      double v = product();
      while (true) {
        if (eat('+')) {
          v += product();
        } else if (eat('-')) {
          v -= product();
        } else {
          return v;
        }
      }
    }

    private double product() {
      double v = unary();
      while (true) {
        if (eat('*')) {
          v *= unary();
        } else if (eat('/')) {
          double d = unary();
          if (d == 0) {
            throw new ArithmeticException("division by zero");
          }
          v /= d;
        } else {
          return v;
        }
      }
    }

    private double unary() {
      if (eat('-')) {
        return -unary();
      }
      if (eat('(')) {
        double v = sum();
        if (!eat(')')) {
          throw new IllegalArgumentException("missing ')' at position " + pos + " of " + s);
        }
        return v;
      }
      skipSpaces();
      int start = pos;
      while (pos < s.length() && (Character.isDigit(s.charAt(pos)) || s.charAt(pos) == '.')) {
        pos++;
      }
      if (start == pos) {
        throw new IllegalArgumentException("expected a number at position " + pos + " of " + s);
      }
      return Double.parseDouble(s.substring(start, pos));
    }
  }
}
