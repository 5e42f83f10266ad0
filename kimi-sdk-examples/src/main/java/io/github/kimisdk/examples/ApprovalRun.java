package io.github.kimisdk.examples;

import io.github.kimisdk.KimiClient;
import io.github.kimisdk.agents.Agent;
import io.github.kimisdk.agents.Approval;
import io.github.kimisdk.agents.Decision;
import io.github.kimisdk.agents.DecisionRecord;
import io.github.kimisdk.agents.FileRunStore;
import io.github.kimisdk.agents.PendingCall;
import io.github.kimisdk.agents.RunKey;
import io.github.kimisdk.agents.RunResult;
import io.github.kimisdk.agents.RunState;
import io.github.kimisdk.chat.Message;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * An agent run that waits for a person: the model asks for a transfer that needs approval, the run
 * stops before it and is saved to a directory, and the program ends. A second program, which shares
 * nothing with the first but the directory, loads the run, shows the call and approves it (or
 * rejects it): the transfer is done once and the model answers, and the run keeps who decided, when
 * and why. The store is sealed with a run key both programs read from a file beside the runs.
 *
 * <p>Without arguments both programs run one after the other in this process, each with its own
 * client and agent, on a temporary directory. As two programs:
 *
 * <pre>
 * mvn -B -q -pl kimi-sdk-examples -am compile exec:java -Dexec.mainClass=io.github.kimisdk.examples.ApprovalRun
 * mvn -B -q -pl kimi-sdk-examples -am compile exec:java -Dexec.mainClass=io.github.kimisdk.examples.ApprovalRun -Dexec.args="start target/runs"
 * mvn -B -q -pl kimi-sdk-examples -am compile exec:java -Dexec.mainClass=io.github.kimisdk.examples.ApprovalRun -Dexec.args="approve target/runs"
 * </pre>
 *
 * <p>{@code reject DIR} rejects it instead. Offline, FakeKimiServer's model calls the transfer the
 * task names.
 */
public final class ApprovalRun {
  static final String RUN_ID = "invoice-42";
  static final String TASK =
      "Pay invoice 42: transfer to=acct-7 amount=120, then tell me it is done.";

  private ApprovalRun() {}

  /**
   * Runs the example.
   *
   * @param args nothing, or {@code start DIR}, {@code approve DIR}, {@code reject DIR}
   */
  public static void main(String[] args) {
    ExampleSession.exit(run(args, System.getenv(), System.out));
  }

  static int run(String[] args, Map<String, String> env, PrintStream out) {
    try {
      if (args.length == 0) {
        Path dir = Files.createTempDirectory("kimi-runs-");
        try {
          out.println("== 1. The first program: the run starts and stops before the transfer ==");
          int first = start(dir, env, out);
          out.println();
          out.println("== 2. A second program, later: it loads the run and a person approves ==");
          return first != 0 ? first : decide(dir, true, env, out);
        } finally {
          ExampleSession.deleteTree(dir); // the demo's runs and key, gone with it
        }
      }
      if (args.length == 2 && args[0].equals("start")) {
        return start(Path.of(args[1]), env, out);
      }
      if (args.length == 2 && (args[0].equals("approve") || args[0].equals("reject"))) {
        return decide(Path.of(args[1]), args[0].equals("approve"), env, out);
      }
      out.println("usage: ApprovalRun [start|approve|reject DIR]");
      return 2;
    } catch (IOException e) {
      out.println("cannot use the directory: " + e.getMessage());
      return 1;
    }
  }

  /** The agent both programs build, the same way: its tools, its approval, its store, its key. */
  static Agent agent(KimiClient kimi, String model, Path dir) {
    return Agent.builder(kimi, model)
        .name("payments", "1")
        .tool(new Ledger(dir.resolve("ledger")).transferTool().approval(Approval.always()))
        .store(FileRunStore.of(dir.resolve("runs")))
        .key(key(dir)) // every record sealed: an edit of the store is refused, not paid
        .build();
  }

  /**
   * The run key both programs read: made once, beside the runs, in a file only its owner may read
   * (a laptop's key). A team's workers read theirs from its secret store instead:
   * RunKey.fromEnv("KIMI_AGENT_KEY"), made once with java -jar kimi-sdk-agents-VERSION.jar key.
   */
  static RunKey key(Path dir) {
    Path file = dir.resolve("agent.key");
    return Files.exists(file) ? RunKey.fromFile(file) : RunKey.createFile(file);
  }

  static int start(Path dir, Map<String, String> env, PrintStream out) {
    try (ExampleSession s = ExampleSession.open(env, out, ExampleSession.DEFAULT_MODEL)) {
      Agent agent = agent(s.kimi(), s.model(), dir);
      out.println("> " + TASK);
      RunResult r =
          agent.run(
              RUN_ID,
              List.of(Message.system("You pay invoices for a small company."), Message.user(TASK)));
      if (!(r instanceof RunResult.Paused p)) {
        out.println("The run did not pause: " + r);
        return 1;
      }
      out.println("[approval] the run waits for a person:");
      for (PendingCall c : p.pending()) {
        out.println("  " + c.tool() + " " + c.arguments() + " (" + c.reason() + ")");
      }
      out.println("[reasoning] " + p.reasoning());
      Path saved = dir.resolve("runs").resolve(RUN_ID).resolve("state.rec");
      out.println(
          "[saved] run "
              + RUN_ID
              + ", revision "
              + p.state().revision()
              + ", in "
              + saved
              + " ("
              + size(saved)
              + " bytes); this program ends here");
      return 0;
    }
  }

  static int decide(Path dir, boolean approve, Map<String, String> env, PrintStream out) {
    try (ExampleSession s = ExampleSession.open(env, out, ExampleSession.DEFAULT_MODEL)) {
      Agent agent = agent(s.kimi(), s.model(), dir);
      RunState state = agent.load(RUN_ID).orElse(null);
      if (state == null) {
        out.println("No run " + RUN_ID + " under " + dir + ": start it first (start " + dir + ")");
        return 2;
      }
      out.println(
          "[loaded] run " + state.id() + ", " + state.status() + ", revision " + state.revision());
      List<Decision> decisions = new ArrayList<>();
      for (PendingCall c : state.pending()) {
        out.println(
            "[approval] "
                + (approve ? "approved: " : "rejected: ")
                + c.tool()
                + " "
                + c.arguments());
        decisions.add(
            approve
                ? Decision.approve(c).by("alice@example.com", "invoice 42 checked")
                : Decision.reject(c, "the invoice is disputed; do not pay")
                    .by("alice@example.com", "disputed by the customer"));
      }
      RunResult r = agent.resume(state, decisions);
      if (r instanceof RunResult.Answered a) {
        out.println("[answer] " + a.text());
      } else {
        out.println("[result] " + r);
      }
      // the decision outlives the call it decided: kept in the run, chained under the key
      for (DecisionRecord d : agent.load(RUN_ID).orElseThrow().decisionRecords()) {
        out.println(
            "[record] #"
                + d.sequence()
                + " "
                + d.action()
                + " of "
                + d.callId()
                + " by "
                + d.by()
                + " at "
                + d.at()
                + ": "
                + d.comment());
      }
      out.println("[ledger] " + new Ledger(dir.resolve("ledger")).transfers());
      return r instanceof RunResult.Answered ? 0 : 1;
    }
  }

  private static long size(Path file) {
    try {
      return Files.size(file);
    } catch (IOException e) {
      return -1;
    }
  }
}
