package io.github.kimisdk.agents;

import io.github.kimisdk.KimiClient;
import io.github.kimisdk.chat.Message;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * A program that runs (or resumes) one agent run with transfers against a bank of files, for {@link
 * CrashResumeTest}: a separate JVM its test kills with SIGKILL at a chosen point. At that point it
 * prints {@code KILL-POINT} and waits to be killed; at its end it prints {@code RESULT} and how the
 * run ended.
 *
 * <p>Arguments: {@code run|resume STORE_DIR BANK_DIR BASE_URL RUN_ID KILL IDEMPOTENT}, where {@code
 * KILL} is a {@link KillPoint}.
 */
public final class CrashWorker {
  static final String TASK =
      "transfer to=acct-1 amount=11 and notify to=acct-1 then transfer to=acct-2 amount=12 and"
          + " notify to=acct-2 then transfer to=acct-3 amount=13 and notify to=acct-3";

  private CrashWorker() {}

  public static void main(String[] args) throws Exception {
    String mode = args[0];
    Path storeDir = Path.of(args[1]);
    Path bank = Path.of(args[2]);
    String baseUrl = args[3];
    String runId = args[4];
    String kill = args[5];
    boolean idempotent = Boolean.parseBoolean(args[6]);
    KillPoint point = KillPoint.parse(kill);
    RunStore store = point.store(FileRunStore.of(storeDir));

    AgentTool transfer =
        BankTools.transfer(
            (a, ctx) -> {
              int n = point.beforeEffect();
              String r = transfer(bank, a.get("to").asString(), a.get("amount").asLong(), ctx);
              point.afterEffect(n);
              return r;
            });
    if (idempotent) {
      transfer = transfer.asIdempotent();
    }
    AgentTool notify = BankTools.notifier();
    try (KimiClient kimi = KimiClient.builder().apiKey("sk-crash-test").baseUrl(baseUrl).build()) {
      Agent agent =
          Agent.builder(kimi, "kimi-k3")
              .name("crash", "1")
              .tool(transfer)
              .tool(notify)
              .key(TestKeys.KEY)
              .store(store)
              .lease(Duration.ofSeconds(1))
              .build();
      RunResult r;
      if (mode.equals("run")) {
        r = agent.run(runId, List.of(Message.user(TASK)));
      } else {
        r = resume(agent, bank, runId);
      }
      System.out.println("RESULT " + KillPoint.describe(r));
      System.out.flush();
    }
  }

  /** Resumes, deciding each call in doubt by what the bank holds under its key. */
  private static RunResult resume(Agent agent, Path bank, String runId) {
    RunState state = agent.load(runId).orElse(null);
    if (state == null) {
      return agent.run(runId, List.of(Message.user(TASK)));
    }
    RunResult r = agent.resume(state, List.of());
    for (int i = 0; i < 5 && r instanceof RunResult.Paused p; i++) {
      List<Decision> decisions = new ArrayList<>();
      for (PendingCall c : p.pending()) {
        Path effect = bank.resolve(c.idempotencyKey());
        decisions.add(
            Files.exists(effect)
                ? Decision.answer(c, "transferred (found done: " + read(effect) + ")")
                : Decision.approve(c));
      }
      r = agent.resume(p.state(), decisions);
    }
    return r;
  }

  private static String read(Path p) {
    try {
      return Files.readString(p, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  /** The bank: an effect is a file named by its key, made once; every request is logged. */
  static String transfer(Path bank, String to, long amount, ToolContext ctx) throws IOException {
    OperatingWorker.log(bank, "requests.log", ctx.runId() + " " + ctx.idempotencyKey() + "\n");
    if (!OperatingWorker.makeOnce(
        bank.resolve(ctx.idempotencyKey()), ctx.runId() + " " + to + " " + amount)) {
      return "transferred " + amount + " to " + to + " (already done under this key)";
    }
    return "transferred " + amount + " to " + to;
  }
}
