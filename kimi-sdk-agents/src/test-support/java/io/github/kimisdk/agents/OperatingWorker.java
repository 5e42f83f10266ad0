package io.github.kimisdk.agents;

import io.github.kimisdk.KimiClient;
import io.github.kimisdk.chat.Message;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.function.Predicate;

/**
 * The payments agent of {@link OperatingRunsProgram}, as its team writes it, and a worker of it in
 * a JVM of its own that its test kills with SIGKILL: the worker makes its run's transfer, prints
 * {@code IN-TOOL} before the transfer's result is recorded, and waits to be killed.
 *
 * <p>Arguments: {@code OPENER STORE BASE_URL BANK_DIR RUN_ID}, where {@code OPENER} names a class
 * with a public no-argument constructor that is a {@code Function<String, RunStore>} opening {@code
 * STORE} (each store's test has its own).
 */
public final class OperatingWorker {
  private OperatingWorker() {}

  /** The agent's name. */
  static final String AGENT = "payments";

  /**
   * The payments agent's tools: {@code transfer} (idempotent: the bank honours its key; a transfer
   * of 1,000 or more waits for a person's approval) and {@code refund} (done once: a refund found
   * begun after a crash waits for a person, in doubt).
   *
   * @param bank the bank's directory
   * @param hold the accounts whose transfer stops after its effect, before its result is recorded
   * @param inTool what such a transfer does there
   */
  static List<AgentTool> tools(Path bank, Predicate<String> hold, Runnable inTool) {
    AgentTool transfer =
        BankTools.transfer(
                (a, ctx) -> {
                  String to = a.get("to").asString();
                  String r = effect(bank, "transfer", to, a.get("amount").asLong(), ctx);
                  if (hold.test(to)) {
                    inTool.run();
                  }
                  return r;
                })
            .asIdempotent()
            .approval(
                Approval.policy(
                    "large-transfers",
                    a ->
                        a.get("amount").asLong() >= 1000
                            ? Verdict.ask("a transfer of 1,000 or more")
                            : Verdict.allow()));
    AgentTool refund =
        BankTools.payment(
            "refund",
            "Refunds a customer",
            (a, ctx) ->
                effect(bank, "refund", a.get("to").asString(), a.get("amount").asLong(), ctx));
    return List.of(transfer, refund);
  }

  /**
   * The bank: every request is logged; an effect is a file named by its idempotency key, made once
   * (a request under a key it has seen answers as the first did), and logged as it is made.
   */
  static String effect(Path bank, String what, String to, long amount, ToolContext ctx)
      throws IOException {
    String line = ctx.runId() + " " + what + " " + ctx.idempotencyKey() + "\n";
    log(bank, "requests.log", line);
    if (!makeOnce(
        bank.resolve(ctx.idempotencyKey()), ctx.runId() + " " + what + " " + to + " " + amount)) {
      return what + " of " + amount + " to " + to + " done (already, under this key)";
    }
    log(bank, "effects.log", line);
    return what + " of " + amount + " to " + to + " done";
  }

  /** Adds {@code line} to the end of the bank's log {@code name}, making the log if need be. */
  static void log(Path bank, String name, String line) throws IOException {
    Files.writeString(
        bank.resolve(name),
        line,
        StandardCharsets.UTF_8,
        StandardOpenOption.CREATE,
        StandardOpenOption.APPEND);
  }

  /** Makes {@code file} holding {@code content}; false, leaving it as it is, if it was there. */
  static boolean makeOnce(Path file, String content) throws IOException {
    try {
      Files.writeString(
          file,
          content,
          StandardCharsets.UTF_8,
          StandardOpenOption.CREATE_NEW,
          StandardOpenOption.WRITE);
      return true;
    } catch (FileAlreadyExistsException e) {
      return false;
    }
  }

  @SuppressWarnings("unchecked")
  public static void main(String[] args) throws Exception {
    Function<String, RunStore> opener =
        (Function<String, RunStore>) Class.forName(args[0]).getDeclaredConstructor().newInstance();
    RunStore store = opener.apply(args[1]);
    Path bank = Path.of(args[3]);
    String runId = args[4];
    try (KimiClient kimi = KimiClient.builder().apiKey("sk-operating").baseUrl(args[2]).build()) {
      Agent agent =
          Agent.builder(kimi, "kimi-k3")
              .name(AGENT, "1")
              .owner("worker-" + runId)
              .tools(
                  tools(
                      bank,
                      to -> true,
                      () -> {
                        System.out.println("IN-TOOL");
                        System.out.flush();
                        try {
                          Thread.sleep(600_000);
                        } catch (InterruptedException e) {
                          Thread.currentThread().interrupt();
                        }
                      }))
              .key(TestKeys.KEY).store(store)
              .lease(Duration.ofSeconds(2))
              .build();
      agent.run(
          runId,
          List.of(Message.user("transfer to=" + runId + " amount=5")),
          Map.of("kind", "killed"));
    }
  }
}
