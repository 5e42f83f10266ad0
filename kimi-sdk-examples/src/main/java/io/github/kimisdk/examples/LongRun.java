package io.github.kimisdk.examples;

import io.github.kimisdk.agents.Agent;
import io.github.kimisdk.agents.AgentTool;
import io.github.kimisdk.agents.Compaction;
import io.github.kimisdk.agents.CompactionReport;
import io.github.kimisdk.agents.RunEvent;
import io.github.kimisdk.agents.RunKey;
import io.github.kimisdk.agents.RunResult;
import io.github.kimisdk.agents.RunStore;
import io.github.kimisdk.chat.Message;
import io.github.kimisdk.chat.Usage;
import io.github.kimisdk.tool.JsonSchema;
import java.io.PrintStream;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.StringJoiner;

/**
 * A run whose tool results add up to almost three times what it may send: an agent reads twelve
 * long documents, one a turn, under a threshold of 12,000 tokens a request. Before a request would
 * cross it, the older turns are replaced by a summary the model writes (its cost and the prefix
 * cache it gave up printed), and the run finishes: without compaction the same run would be refused
 * with Kimi's "exceeded model token limit" once its history outgrew the window.
 *
 * <pre>
 * mvn -B -q -pl kimi-sdk-examples -am compile exec:java -Dexec.mainClass=io.github.kimisdk.examples.LongRun
 * </pre>
 *
 * <p>Offline, FakeKimiServer's model reads the documents the task names and writes the summaries.
 */
public final class LongRun {
  static final int DOCUMENTS = 12;
  static final int DOCUMENT_TOKENS = 2_600;
  static final int THRESHOLD = 12_000;

  private LongRun() {}

  /**
   * Runs the example.
   *
   * @param args none
   */
  public static void main(String[] args) {
    ExampleSession.exit(run(System.getenv(), System.out));
  }

  /** A document of about {@link #DOCUMENT_TOKENS} tokens, its first line naming it. */
  static String document(String id) {
    Random r = new Random(id.hashCode());
    StringBuilder s =
        new StringBuilder(
            "Document " + id + ": quarterly report, checksum " + (1000 + r.nextInt(9000)));
    String[] words = {"revenue", "margin", "region", "growth", "cost", "forecast", "units"};
    while (s.length() < DOCUMENT_TOKENS * 4) {
      s.append(' ').append(words[r.nextInt(words.length)]).append(' ').append(r.nextInt(1000));
    }
    return s.toString();
  }

  static String task() {
    StringJoiner j = new StringJoiner(" then ");
    for (int i = 1; i <= DOCUMENTS; i++) {
      j.add("read_document id=q" + i);
    }
    return "Read the quarterly reports one at a time: "
        + j
        + ". Then give me each report's checksum.";
  }

  static int run(Map<String, String> env, PrintStream out) {
    try (ExampleSession s = ExampleSession.open(env, out, ExampleSession.DEFAULT_MODEL)) {
      AgentTool read =
          AgentTool.of(
              "read_document",
              "Reads one quarterly report by its id (q1 to q12)",
              JsonSchema.object().required("id", JsonSchema.string()).build(),
              (args, ctx) -> document(args.get("id").asString()));
      int[] largest = {0};
      int[] compactions = {0};
      Agent agent =
          Agent.builder(s.kimi(), s.model())
              .name("reports", "1")
              .tool(read)
              .maxSteps(DOCUMENTS + 4)
              .compaction(Compaction.defaults().maxPromptTokens(THRESHOLD))
              .store(RunStore.inMemory())
              .key(RunKey.generate()) // its runs end with this process: a key of its own
              .listener(e -> print(e, out, largest, compactions))
              .build();
      out.println("> " + task());
      RunResult r =
          agent.run(
              "quarterly-reports",
              List.of(Message.system("You read reports carefully."), Message.user(task())));
      if (!(r instanceof RunResult.Answered a)) {
        out.println("[result] " + r);
        return 1;
      }
      String answer = a.text().replace('\n', ' ');
      out.println(
          "[answer] " + (answer.length() > 200 ? answer.substring(0, 200) + "..." : answer));
      Usage total = Usage.of(0, 0, 0);
      for (Usage u : a.state().usageByModel().values()) {
        total = total.plus(u);
      }
      out.printf(
          Locale.ROOT,
          "[run] %d steps, %d compactions, %,d tokens in all; the largest request %,d prompt"
              + " tokens, the threshold %,d%n",
          a.state().steps(),
          compactions[0],
          total.totalTokens(),
          largest[0],
          THRESHOLD);
      return 0;
    }
  }

  private static void print(RunEvent e, PrintStream out, int[] largest, int[] compactions) {
    if (e instanceof RunEvent.ToolFinished f) {
      out.printf(Locale.ROOT, "[tool] %s: %,d characters%n", f.tool(), f.content().length());
    } else if (e instanceof RunEvent.ToolResultCut c) {
      out.printf(
          Locale.ROOT,
          "[cut] %s's result: %,d characters, about %,d tokens, cut to %,d%n",
          c.tool(),
          c.originalChars(),
          c.originalTokens(),
          c.keptChars());
    } else if (e instanceof RunEvent.Replied r && r.completion().usage() != null) {
      largest[0] = Math.max(largest[0], r.completion().usage().promptTokens());
    } else if (e instanceof RunEvent.Compacted c) {
      compactions[0]++;
      CompactionReport k = c.report();
      Usage u = k.usage();
      out.printf(
          Locale.ROOT,
          "[compacted] before step %d: %d messages replaced by a summary %s wrote; the next"
              + " request %,d -> %,d tokens; the summary call %,d prompt tokens (%,d from the"
              + " cache), %,d out%s; prefix cache given up: %,d tokens%n",
          c.step(),
          k.summarized(),
          k.model(),
          k.tokensBefore(),
          k.tokensAfter(),
          u == null ? 0 : u.promptTokens(),
          u == null || u.cachedTokens() == null ? 0 : u.cachedTokens(),
          u == null ? 0 : u.completionTokens(),
          k.cost() == null
              ? ""
              : ", " + k.cost().currency().getCurrencyCode() + " " + k.cost().total(),
          k.cacheGivenUp());
    }
  }
}
