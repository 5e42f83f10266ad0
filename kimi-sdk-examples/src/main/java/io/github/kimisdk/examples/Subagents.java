package io.github.kimisdk.examples;

import io.github.kimisdk.agents.Agent;
import io.github.kimisdk.agents.AgentTool;
import io.github.kimisdk.agents.RunEvent;
import io.github.kimisdk.agents.RunKey;
import io.github.kimisdk.agents.RunResult;
import io.github.kimisdk.agents.RunStore;
import io.github.kimisdk.chat.Message;
import io.github.kimisdk.chat.Usage;
import io.github.kimisdk.model.Cost;
import io.github.kimisdk.tool.JsonSchema;
import java.io.PrintStream;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.Currency;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * A lead agent that hands four tasks to four subagents at once (each an agent of its own, with its
 * instructions, its tool and its model, called as a tool), under one spend limit for all five: the
 * subagents run in parallel, so the run takes about as long as the slowest of them, and what they
 * spend together never passes the limit.
 *
 * <pre>
 * mvn -B -q -pl kimi-sdk-examples -am compile exec:java -Dexec.mainClass=io.github.kimisdk.examples.Subagents
 * </pre>
 *
 * <p>Each region's sales service takes its own time to answer (0.3 to 0.9 s). Offline,
 * FakeKimiServer's model calls the four researchers the task names, in one turn.
 */
public final class Subagents {
  static final List<String> REGIONS = List.of("north", "south", "east", "west");
  static final BigDecimal LIMIT = new BigDecimal("0.50");
  static final Currency USD = Currency.getInstance("USD");

  private Subagents() {}

  /**
   * Runs the example.
   *
   * @param args none
   */
  public static void main(String[] args) {
    ExampleSession.exit(run(System.getenv(), System.out));
  }

  static String task() {
    return "Compare 2026 sales across our regions: use research_north, research_south,"
        + " research_east and research_west at once, each with task=\"2026 sales of your"
        + " region\". Then compare them in one paragraph.";
  }

  static int run(Map<String, String> env, PrintStream out) {
    try (ExampleSession s = ExampleSession.open(env, out, ExampleSession.DEFAULT_MODEL)) {
      Agent.Builder lead =
          Agent.builder(s.kimi(), s.model())
              .name("sales-lead", "1")
              .instructions("You compare sales figures your researchers find.")
              .maxSpend(LIMIT, USD)
              .maxSteps(20)
              .parallelism(4)
              .request(b -> b.maxCompletionTokens(2_000)) // the worst case a call holds
              .store(RunStore.inMemory())
              .key(RunKey.generate()) // its runs end with this process: a key of its own
              .listener(e -> print(e, out));
      for (int i = 0; i < REGIONS.size(); i++) {
        String region = REGIONS.get(i);
        long millis = 300 + 200L * i;
        Agent researcher =
            Agent.builder(s.kimi(), s.model())
                .name("researcher-" + region, "1")
                .instructions(
                    "You are the " + region + " region's analyst: look the figure up, then say it.")
                .tool(salesService(region, millis))
                .request(b -> b.maxCompletionTokens(2_000))
                .store(RunStore.inMemory())
                .key(RunKey.generate()) // its runs end with this process: a key of its own
                .build();
        lead.tool(researcher.asTool("research_" + region, "Researches the " + region + " region"));
      }
      out.println("> " + task());
      long t0 = System.nanoTime();
      RunResult r = lead.build().run("sales-2026", List.of(Message.user(task())));
      double wall = (System.nanoTime() - t0) / 1e9;
      if (!(r instanceof RunResult.Answered a)) {
        out.println("[result] " + r);
        return 1;
      }
      out.println("[answer] " + a.text());
      BigDecimal spent = BigDecimal.ZERO;
      List<String> models = new ArrayList<>();
      for (Map.Entry<String, Usage> u : a.state().usageByModel().entrySet()) {
        models.add(u.getKey());
        spent =
            spent.add(
                s.kimi()
                    .prices()
                    .cost(u.getKey(), u.getValue())
                    .map(Cost::total)
                    .orElse(BigDecimal.ZERO));
      }
      out.printf(
          Locale.ROOT,
          "[run] %.2f s for four researchers whose services took 0.3 + 0.5 + 0.7 + 0.9 = 2.4 s;"
              + " spent USD %s of USD %s, the lead's calls and its researchers' together (%s)%n",
          wall,
          spent.stripTrailingZeros().toPlainString(),
          LIMIT.toPlainString(),
          String.join(", ", models));
      return 0;
    }
  }

  /** A region's sales service: it answers after {@code millis}. */
  static AgentTool salesService(String region, long millis) {
    return AgentTool.of(
        "sales_figures",
        "Looks up the " + region + " region's sales for a year",
        JsonSchema.object().required("year", JsonSchema.integer()).build(),
        (args, ctx) -> {
          Thread.sleep(millis); // the service's own time
          return region + ": " + (1_000 + 37 * millis) + " units sold in 2026";
        });
  }

  private static void print(RunEvent e, PrintStream out) {
    if (e instanceof RunEvent.ToolStarted t && t.tool().startsWith("research_")) {
      out.println("[start] " + t.tool());
    } else if (e instanceof RunEvent.ToolFinished f && f.tool().startsWith("research_")) {
      out.printf(
          Locale.ROOT,
          "[done] %s after %.2f s: %s%n",
          f.tool(),
          f.elapsed().toMillis() / 1000.0,
          f.content());
    }
  }
}
