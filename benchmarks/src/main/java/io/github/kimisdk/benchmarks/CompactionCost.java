package io.github.kimisdk.benchmarks;

import io.github.kimisdk.CallEvent;
import io.github.kimisdk.CallListener;
import io.github.kimisdk.KimiClient;
import io.github.kimisdk.agents.Agent;
import io.github.kimisdk.agents.AgentTool;
import io.github.kimisdk.agents.Compaction;
import io.github.kimisdk.agents.CompactionReport;
import io.github.kimisdk.agents.RunEvent;
import io.github.kimisdk.agents.RunResult;
import io.github.kimisdk.agents.RunState;
import io.github.kimisdk.agents.RunStore;
import io.github.kimisdk.chat.Message;
import io.github.kimisdk.chat.Usage;
import io.github.kimisdk.model.Cost;
import io.github.kimisdk.model.ModelCatalog;
import io.github.kimisdk.model.ModelInfo;
import io.github.kimisdk.testing.FakeKimiServer;
import io.github.kimisdk.tool.JsonSchema;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.StringJoiner;

/**
 * What compaction costs (issue 92) against the run it saves from failing: one agent task (kimi-k3
 * reading {@code documents} documents of about 3,000 tokens, one a turn, and answering) run three
 * ways against FakeKimiServer, whose model counts tokens and reads its prefix cache as the SDK
 * does, priced at kimi-k3's prices:
 *
 * <ol>
 *   <li>on a 32,768-token window without compaction: refused with Kimi's "exceeded model token
 *       limit" once the history outgrows the window;
 *   <li>on the same window with compaction (the defaults: at 85% of the window, two recent turns
 *       whole): every compaction's summary call (its prompt, the part read from the cache, its
 *       output, its price), the prefix cache each gave up, and the whole run;
 *   <li>on kimi-k3's own window (1,048,576 tokens), where the task fits whole, without compaction:
 *       what the run costs when nothing has to be summarized.
 * </ol>
 *
 * <pre>
 * java -cp benchmarks/target/benchmarks.jar io.github.kimisdk.benchmarks.CompactionCost [documents]
 * </pre>
 */
public final class CompactionCost {
  static final int WINDOW = 32_768;
  static final int DOCUMENT_TOKENS = 3_000;

  private CompactionCost() {}

  public static void main(String[] args) {
    int documents = args.length > 0 ? Integer.parseInt(args[0]) : 30;
    System.out.printf(
        Locale.ROOT,
        "task: read %d documents of about %,d tokens (%,d in all), one a turn, then answer%n",
        documents,
        DOCUMENT_TOKENS,
        documents * DOCUMENT_TOKENS);
    Outcome off = run("no compaction, 32K window", WINDOW, Compaction.off(), documents);
    Outcome on = run("compaction, 32K window", WINDOW, Compaction.defaults(), documents);
    Outcome whole =
        run(
            "no compaction, kimi-k3's 1M window",
            ModelCatalog.defaults().lookup("kimi-k3").contextWindow(),
            Compaction.off(),
            documents);
    System.out.println();
    System.out.println(
        "| run | ended | steps | model calls | prompt tokens | of them from cache | output tokens |"
            + " cost (USD) | before the answer (USD) | largest prompt | wall |");
    System.out.println("|---|---|---|---|---|---|---|---|---|---|---|");
    for (Outcome o : List.of(off, on, whole)) {
      System.out.println(o.row());
    }
    System.out.println();
    System.out.println(
        "| compaction | before step | messages replaced | next request, tokens before -> after |"
            + " summary prompt | from cache | summary output | cost (USD) | prefix cache given up"
            + " |");
    System.out.println("|---|---|---|---|---|---|---|---|---|");
    int n = 0;
    long prompt = 0;
    long cached = 0;
    long out = 0;
    BigDecimal cost = BigDecimal.ZERO;
    long givenUp = 0;
    for (RunEvent.Compacted c : on.compactions) {
      CompactionReport r = c.report();
      Usage u = r.usage();
      long uc = u.cachedTokens() == null ? 0 : u.cachedTokens();
      System.out.printf(
          Locale.ROOT,
          "| %d | %d | %d | %,d -> %,d | %,d | %,d | %,d | %s | %,d |%n",
          ++n,
          c.step(),
          r.summarized(),
          r.tokensBefore(),
          r.tokensAfter(),
          u.promptTokens(),
          uc,
          u.completionTokens(),
          usd(r.cost()),
          r.cacheGivenUp());
      prompt += u.promptTokens();
      cached += uc;
      out += u.completionTokens();
      cost = cost.add(r.cost() == null ? BigDecimal.ZERO : r.cost().total());
      givenUp += r.cacheGivenUp();
    }
    System.out.printf(
        Locale.ROOT,
        "%ncompaction in all: %d summary calls, %,d prompt tokens (%,d from cache), %,d output"
            + " tokens, USD %s, %.1f%% of the run's cost before its answer; %,d prompt tokens of"
            + " cache given up%n",
        n,
        prompt,
        cached,
        out,
        cost.setScale(4, RoundingMode.HALF_UP).toPlainString(),
        on.beforeAnswer().signum() == 0
            ? 0.0
            : 100.0 * cost.doubleValue() / on.beforeAnswer().doubleValue(),
        givenUp);
    System.out.printf(
        Locale.ROOT,
        "without it the run failed at step %d of %d, after USD %s; with it, it finished for USD %s,"
            + " USD %s before its answer (%.2fx the run on a window it fits whole: USD %s before"
            + " its answer)%n",
        off.steps + 1,
        on.steps,
        usd(off.cost),
        usd(on.cost),
        usd(on.beforeAnswer()),
        whole.beforeAnswer().signum() == 0
            ? 0.0
            : on.beforeAnswer().doubleValue() / whole.beforeAnswer().doubleValue(),
        usd(whole.beforeAnswer()));
  }

  /** How one way of running the task ended, and what it took. */
  static final class Outcome {
    String name;
    String ended;
    int steps;
    int calls;
    long prompt;
    long cached;
    long output;
    BigDecimal cost = BigDecimal.ZERO;
    BigDecimal lastCall = BigDecimal.ZERO;
    int largest;
    double seconds;
    List<RunEvent.Compacted> compactions = new ArrayList<>();

    String row() {
      return String.format(
          Locale.ROOT,
          "| %s | %s | %d | %d | %,d | %,d | %,d | %s | %s | %,d | %.2f s |",
          name,
          ended,
          steps,
          calls,
          prompt,
          cached,
          output,
          usd(cost),
          usd(beforeAnswer()),
          largest,
          seconds);
    }

    /** The cost of the calls before the answer: the answer's length is the fake's to choose. */
    BigDecimal beforeAnswer() {
      return ended.equals("answered") ? cost.subtract(lastCall) : cost;
    }
  }

  static String usd(BigDecimal d) {
    return d.setScale(4, RoundingMode.HALF_UP).toPlainString();
  }

  static String usd(Cost c) {
    return c == null ? "-" : usd(c.total());
  }

  static Outcome run(String name, int window, Compaction compaction, int documents) {
    Outcome o = new Outcome();
    o.name = name;
    ModelInfo k3 = ModelCatalog.defaults().lookup("kimi-k3").withContextWindow(window);
    try (FakeKimiServer server = new FakeKimiServer().addModel(k3).start();
        KimiClient kimi =
            KimiClient.builder()
                .apiKey("sk-compaction-cost")
                .baseUrl(server.baseUrl())
                .catalog(ModelCatalog.defaults().with(k3))
                .listener(
                    new CallListener() {
                      @Override
                      public void onEnd(CallEvent.End e) {
                        synchronized (o) {
                          o.calls++;
                          Usage u = e.usage();
                          if (u != null) {
                            o.prompt += u.promptTokens();
                            o.cached += u.cachedTokens() == null ? 0 : u.cachedTokens();
                            o.output += u.completionTokens();
                            o.largest = Math.max(o.largest, u.promptTokens());
                          }
                          o.lastCall = e.cost() == null ? BigDecimal.ZERO : e.cost().total();
                          o.cost = o.cost.add(o.lastCall);
                        }
                      }
                    })
                .build()) {
      Agent agent =
          Agent.builder(kimi, "kimi-k3")
              .name("reader", "1")
              .unsealed() // measured as before the seal: its HMAC costs microseconds
              .store(RunStore.inMemory())
              .maxSteps(documents + 5)
              .compaction(compaction)
              .tool(
                  AgentTool.of(
                      "read_document",
                      "Reads a document",
                      JsonSchema.object().required("id", JsonSchema.string()).build(),
                      (args, ctx) -> document(args.get("id").asString())))
              .listener(
                  e -> {
                    if (e instanceof RunEvent.Compacted c) {
                      synchronized (o) {
                        o.compactions.add(c);
                      }
                    }
                  })
              .build();
      long t0 = System.nanoTime();
      RunResult r =
          agent.run(
              "cost",
              List.of(Message.system("You read documents."), Message.user(task(documents))));
      o.seconds = (System.nanoTime() - t0) / 1e9;
      RunState state =
          r instanceof RunResult.Answered a
              ? a.state()
              : r instanceof RunResult.Failed f ? f.state() : ((RunResult.Stopped) r).state();
      o.steps = state.steps();
      o.ended =
          r instanceof RunResult.Answered
              ? "answered"
              : r instanceof RunResult.Failed f
                  ? "failed: " + f.error().getClass().getSimpleName()
                  : "stopped";
    }
    return o;
  }

  static String task(int documents) {
    StringJoiner j = new StringJoiner(" then ");
    for (int i = 1; i <= documents; i++) {
      j.add("read_document id=d" + i);
    }
    return j.toString();
  }

  static String document(String id) {
    Random r = new Random(id.hashCode());
    StringBuilder s =
        new StringBuilder("Document " + id + ", checksum " + (1000 + r.nextInt(9000)));
    String[] words = {"revenue", "margin", "region", "growth", "cost", "forecast", "units"};
    while (s.length() < DOCUMENT_TOKENS * 4) {
      s.append(' ').append(words[r.nextInt(words.length)]).append(' ').append(r.nextInt(1000));
    }
    return s.toString();
  }
}
