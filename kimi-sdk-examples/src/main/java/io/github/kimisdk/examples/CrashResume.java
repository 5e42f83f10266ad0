package io.github.kimisdk.examples;

import io.github.kimisdk.KimiClient;
import io.github.kimisdk.agents.Agent;
import io.github.kimisdk.agents.AgentTool;
import io.github.kimisdk.agents.Claim;
import io.github.kimisdk.agents.FileRunStore;
import io.github.kimisdk.agents.RunResult;
import io.github.kimisdk.agents.RunState;
import io.github.kimisdk.agents.RunStore;
import io.github.kimisdk.agents.RunStoreException;
import io.github.kimisdk.chat.Message;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * An agent run that dies in the middle of a turn and is resumed: the first transfer is done, then
 * the process dies before the result is recorded. A new agent resumes the run from its store: the
 * transfer found begun but not finished runs again with the same idempotency key (its tool is
 * idempotent), so the ledger does it once, and the run goes on to the end.
 *
 * <p>Without arguments the death is played in this process (the store stops answering, as it would
 * for a dead process) on a temporary directory. As two processes, the first really killed ({@code
 * Runtime.halt}, as {@code kill -9}: nothing runs after it):
 *
 * <pre>
 * mvn -B -q -pl kimi-sdk-examples -am compile exec:java -Dexec.mainClass=io.github.kimisdk.examples.CrashResume
 * mvn -B -q -pl kimi-sdk-examples -am compile exec:java -Dexec.mainClass=io.github.kimisdk.examples.CrashResume -Dexec.args="crash target/crash-runs"
 * mvn -B -q -pl kimi-sdk-examples -am compile exec:java -Dexec.mainClass=io.github.kimisdk.examples.CrashResume -Dexec.args="resume target/crash-runs"
 * </pre>
 */
public final class CrashResume {
  static final String RUN_ID = "payroll-7";
  static final String TASK =
      "transfer to=acct-1 amount=100 then transfer to=acct-2 amount=200 then transfer to=acct-3"
          + " amount=300";

  private CrashResume() {}

  /**
   * Runs the example.
   *
   * @param args nothing, or {@code crash DIR}, {@code resume DIR}
   */
  public static void main(String[] args) {
    ExampleSession.exit(run(args, System.getenv(), System.out));
  }

  static int run(String[] args, Map<String, String> env, PrintStream out) {
    try {
      if (args.length == 0) {
        Path dir = Files.createTempDirectory("kimi-crash-");
        try {
          out.println("== 1. The run dies after the first transfer, before its result is saved ==");
          first(dir, false, env, out);
          out.println();
          out.println("== 2. Another process resumes it ==");
          return resume(dir, env, out);
        } finally {
          ExampleSession.deleteTree(dir); // the demo's runs and key, gone with it
        }
      }
      if (args.length == 2 && args[0].equals("crash")) {
        return first(Path.of(args[1]), true, env, out);
      }
      if (args.length == 2 && args[0].equals("resume")) {
        return resume(Path.of(args[1]), env, out);
      }
      out.println("usage: CrashResume [crash|resume DIR]");
      return 2;
    } catch (IOException e) {
      out.println("cannot use the directory: " + e.getMessage());
      return 1;
    }
  }

  static Agent.Builder agent(
      KimiClient kimi, String model, AgentTool transfer, RunStore store, Path dir) {
    return Agent.builder(kimi, model)
        .name("payroll", "1")
        .tool(transfer.asIdempotent()) // the ledger honours the key: run again after a crash
        .store(store)
        .key(ApprovalRun.key(dir)); // a laptop's key, beside the runs (ApprovalRun.key)
  }

  static int first(Path dir, boolean halt, Map<String, String> env, PrintStream out) {
    Ledger ledger = new Ledger(dir.resolve("ledger"));
    RunStore files = FileRunStore.of(dir.resolve("runs"));
    boolean[] dead = {false};
    AgentTool transfer =
        AgentTool.of(
            Ledger.DECLARATION,
            (args, ctx) -> {
              String r =
                  ledger.transfer(args.get("to").asString(), args.get("amount").asLong(), ctx);
              out.println("[effect] " + r + " under key " + ctx.idempotencyKey());
              if (halt) {
                out.println("[crash] the process is killed now (Runtime.halt)");
                out.flush();
                Runtime.getRuntime().halt(137);
              }
              dead[0] = true; // from here on this process is dead to its store
              return r;
            });
    RunStore dying = new DyingStore(files, dead);
    try (ExampleSession s = ExampleSession.open(env, out, ExampleSession.DEFAULT_MODEL)) {
      out.println("> " + TASK);
      Agent.Builder builder = agent(s.kimi(), s.model(), transfer, dying, dir);
      if (!halt) {
        // Played in this process, the dead agent's claim is left to its lease, which lapses by
        // itself: a short one keeps the example short. A process really killed (crash DIR) frees
        // the run at once, whatever the lease: the file store's claim is its process's lock.
        builder.lease(Duration.ofSeconds(2));
      }
      RunResult r = builder.build().run(RUN_ID, List.of(Message.user(TASK)));
      out.println(
          "[crash] the run stopped: "
              + r.getClass().getSimpleName()
              + "; its claim ends with its process (here: its lease)");
      return 0;
    }
  }

  static int resume(Path dir, Map<String, String> env, PrintStream out) {
    Ledger ledger = new Ledger(dir.resolve("ledger"));
    try (ExampleSession s = ExampleSession.open(env, out, ExampleSession.DEFAULT_MODEL)) {
      Agent agent =
          agent(
                  s.kimi(),
                  s.model(),
                  ledger.transferTool(),
                  FileRunStore.of(dir.resolve("runs")),
                  dir)
              .listener(
                  e -> {
                    if (e instanceof io.github.kimisdk.agents.RunEvent.ToolStarted t && t.rerun()) {
                      out.println(
                          "[resume] "
                              + t.tool()
                              + " was begun, not finished: run again with the same key");
                    }
                  })
              .claimWait(Duration.ofSeconds(15)) // for a claim left to its lease to lapse
              .build();
      RunState state = agent.load(RUN_ID).orElse(null);
      if (state == null) {
        out.println("No run " + RUN_ID + " under " + dir + ": run crash " + dir + " first");
        return 2;
      }
      RunResult r = agent.resume(state, List.of());
      out.println("[answer] " + (r instanceof RunResult.Answered a ? a.text() : r.toString()));
      List<String> done = ledger.transfers();
      out.println("[ledger] " + done.size() + " transfers: " + done);
      return r instanceof RunResult.Answered ? 0 : 1;
    }
  }

  /**
   * A store this process can no longer reach once {@code dead[0]} is set: what death looks like.
   */
  private record DyingStore(RunStore store, boolean[] dead) implements RunStore {
    @Override
    public Claim claim(String runId, String owner, Instant now, Instant until) {
      return store.claim(runId, owner, now, until);
    }

    @Override
    public boolean renew(Claim.Held claim, Instant until) {
      return !dead[0] && store.renew(claim, until);
    }

    @Override
    public void release(Claim.Held claim) {
      if (!dead[0]) {
        store.release(claim);
      }
    }

    @Override
    public void put(Claim.Held claim, String key, byte[] value) {
      if (dead[0]) {
        throw new RunStoreException("this process is dead (the example's)", null);
      }
      store.put(claim, key, value);
    }

    @Override
    public byte[] get(String runId, String key) {
      return store.get(runId, key);
    }
  }
}
