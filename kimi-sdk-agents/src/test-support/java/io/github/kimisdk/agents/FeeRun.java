package io.github.kimisdk.agents;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.kimisdk.KimiClient;
import io.github.kimisdk.RetryPolicy;
import io.github.kimisdk.json.JsonArray;
import io.github.kimisdk.json.JsonObject;
import io.github.kimisdk.json.JsonValue;
import io.github.kimisdk.model.ModelCatalog;
import io.github.kimisdk.tool.JsonSchema;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * The long run of issue 103, as a team's program makes it: a task that asks for the fees of
 * accounts 1 to N, looked up one account a turn with a read-only tool, then one idempotent transfer
 * of their total, then an answer naming it. {@link KimiRulesServer}'s scripted model plays it as a
 * model that reads its context does (see {@code KimiRulesScript}): it looks up the lowest account
 * its history (the results, a summary, a summary's ledger) does not show as done, so a compaction
 * that loses the run's progress makes it look accounts up again, and the transfer's amount is the
 * total it can add up from what it reads.
 *
 * <p>kimi-sdk-agents' tests and kimi-sdk-temporal's (which compile this folder) both run it.
 *
 * <p>Thread model: the tools run on an agent's tool threads; {@link Transfers} is guarded by
 * itself.
 */
public final class FeeRun {
  private FeeRun() {}

  /** The task's first words: how the scripted model tells this run. */
  static final Pattern TASK =
      Pattern.compile("^Look up the fees of accounts 1 to (\\d+) of ([a-z]+) with lookup_fee");

  /** An account's fee as a lookup's result (and a ledger entry's start) says it. */
  static final Pattern FEE = Pattern.compile("account (\\d+) of ([a-z]+): fee=(\\d+) cents");

  /** The progress line of the scripted model's summaries: the accounts done and their total. */
  static final Pattern DONE =
      Pattern.compile(
          "Accounts looked up: ([0-9, -]+) of ([a-z]+), their fees totalling (\\d+) cents");

  /** What a transfer's result says, and a summary repeats. */
  static final Pattern TRANSFERRED = Pattern.compile("transferred (\\d+) cents of ([a-z]+) fees");

  /**
   * The task of a run over {@code accounts} accounts of {@code ledger} (lower-case letters).
   *
   * @param accounts how many accounts to look up
   * @param ledger the ledger's name
   * @return the first user message
   */
  public static String task(int accounts, String ledger) {
    return "Look up the fees of accounts 1 to "
        + accounts
        + " of "
        + ledger
        + " with lookup_fee, one account a turn; then transfer their total with transfer_fee,"
        + " once, and answer with the amount transferred.";
  }

  /**
   * A client of {@code server}, its kimi-k3 with {@code window} tokens of context (the server's),
   * that retries nothing: a refusal is seen, not retried.
   *
   * @param server the server
   * @param window its window
   * @return the client; the caller closes it
   */
  public static KimiClient client(KimiRulesServer server, int window) {
    return KimiClient.builder()
        .apiKey("sk-rules-test")
        .baseUrl(server.baseUrl())
        .catalog(
            ModelCatalog.defaults()
                .with(ModelCatalog.defaults().lookup("kimi-k3").withContextWindow(window)))
        .retryPolicy(RetryPolicy.none())
        .build();
  }

  /**
   * An account's fee in cents: between 100 and 999, fixed by the ledger and the account.
   *
   * @param ledger the ledger
   * @param account the account
   * @return the fee
   */
  public static long fee(String ledger, int account) {
    long h = (ledger.hashCode() * 31L + account) * 0x9E3779B97F4A7C15L;
    return 100 + Math.floorMod(h ^ (h >>> 29), 900);
  }

  /**
   * The fees of accounts 1 to {@code accounts} added up: what the transfer must move.
   *
   * @param ledger the ledger
   * @param accounts the accounts
   * @return the total in cents
   */
  public static long total(String ledger, int accounts) {
    long t = 0;
    for (int i = 1; i <= accounts; i++) {
      t += fee(ledger, i);
    }
    return t;
  }

  /**
   * The read-only lookup: {@code lookup_fee {"ledger": l, "account": i}}, a result of about 60
   * tokens that opens with the account's fee; each call is counted in {@code lookups}.
   *
   * @param lookups each account looked up, in order (a list the tool appends to, synchronized)
   * @return the tool
   */
  public static AgentTool lookup(List<Integer> lookups) {
    return lookup(lookups, 0);
  }

  /**
   * The read-only lookup, its result padded with the account's statement to about {@code
   * padTokens} more tokens (by {@link KimiRulesServer}'s count): for runs on large windows.
   *
   * @param lookups each account looked up, in order (a list the tool appends to, synchronized)
   * @param padTokens the statement's tokens, 0 for none
   * @return the tool
   */
  public static AgentTool lookup(List<Integer> lookups, int padTokens) {
    return AgentTool.of(
            "lookup_fee",
            "Looks up the fee an account owes, in cents",
            JsonSchema.object()
                .required("ledger", JsonSchema.string())
                .required("account", JsonSchema.integer())
                .build(),
            (args, ctx) -> {
              String ledger = args.get("ledger").asString();
              int account = args.get("account").asInt();
              synchronized (lookups) {
                lookups.add(account);
              }
              StringBuilder s =
                  new StringBuilder("account ")
                      .append(account)
                      .append(" of ")
                      .append(ledger)
                      .append(": fee=")
                      .append(fee(ledger, account))
                      .append(" cents. Holder: customer ")
                      .append(10_000 + account)
                      .append("; status active; statement settled; currency USD; branch ")
                      .append(account % 17)
                      .append("; the fee is due at the end of the month.");
              if (padTokens > 0) {
                s.append(" Statement:");
                for (int line = 1; s.length() < 160 + padTokens * 4; line++) {
                  s.append(" line ")
                      .append(line)
                      .append(" booked ")
                      .append((account * 31 + line * 7) % 1000)
                      .append(" cents;");
                }
              }
              return s.toString();
            })
        .asReadOnly();
  }

  /**
   * The idempotent transfer: {@code transfer_fee {"ledger": l, "amount_cents": n}}, made once per
   * idempotency key into {@code transfers}.
   *
   * @param transfers where the transfers are made
   * @return the tool
   */
  public static AgentTool transfer(Transfers transfers) {
    return AgentTool.of(
            "transfer_fee",
            "Transfers the fees collected from a ledger's accounts to the fee account",
            JsonSchema.object()
                .required("ledger", JsonSchema.string())
                .required("amount_cents", JsonSchema.integer())
                .build(),
            (args, ctx) -> {
              String ledger = args.get("ledger").asString();
              long amount = args.get("amount_cents").asLong();
              transfers.make(ctx.idempotencyKey(), amount);
              return "transferred " + amount + " cents of " + ledger + " fees to the fee account";
            })
        .asIdempotent();
  }

  /** The fee account's side: each transfer by its idempotency key, made once. */
  public static final class Transfers {
    private final Map<String, Long> byKey = new LinkedHashMap<>();
    private int asked;

    /** An account with no transfer yet. */
    public Transfers() {}

    synchronized void make(String key, long amount) {
      asked++;
      byKey.putIfAbsent(key, amount);
    }

    /**
     * The amounts transferred, one per idempotency key.
     *
     * @return the amounts, in order
     */
    public synchronized List<Long> made() {
      return new ArrayList<>(byKey.values());
    }

    /**
     * How many times the tool was called, a repeat with a key already used included.
     *
     * @return the calls
     */
    public synchronized int asked() {
      return asked;
    }
  }

  // ------------------------------------------------------------------------------------------
  // What the server saw

  /** The first words of a summary message the SDK writes (its {@code Compactor.HEADER}). */
  static final String SUMMARY_HEADER = "[Summary of the earlier part of this conversation: ";

  /**
   * What {@link KimiRulesServer} saw of one run of the task: its model calls (steps) and summary
   * calls (compactions), the largest weight (the server's prompt count plus the request's output
   * cap), the requests refused, and each summary request that did not carry the summary before it.
   *
   * @param steps the model calls that were not summary calls
   * @param compactions the summary calls
   * @param largest the largest prompt and output cap, by the server's count
   * @param refused the requests the server refused
   * @param lostSummaries each summary request without the text of the summary before it
   */
  public record Seen(
      int steps, int compactions, int largest, int refused, List<String> lostSummaries) {
    /**
     * One line for a test's log: the numbers a measurement reports.
     *
     * @param window the window
     * @return the line
     */
    public String line(int window) {
      return String.format(
          java.util.Locale.ROOT,
          "model steps %d, compactions %d, largest request %d of a %d-token window (%.2fx)",
          steps,
          compactions,
          largest,
          window,
          (double) largest / window);
    }
  }

  /**
   * What {@code server} saw of the run of {@code task}.
   *
   * @param server the server
   * @param task the run's task (its first user message)
   * @return what it saw
   */
  public static Seen seen(KimiRulesServer server, String task) {
    List<KimiRulesServer.Exchange> all = server.exchanges();
    assertThat(all).as("every request recorded").hasSize(server.requestCount());
    int steps = 0;
    int summaries = 0;
    int largest = 0;
    int refused = 0;
    String last = null;
    List<String> lost = new ArrayList<>();
    for (KimiRulesServer.Exchange x : all) {
      if (!task.equals(x.conversation())) {
        continue;
      }
      if (x.status() != 200) {
        refused++;
        continue;
      }
      JsonValue cap = x.request().get("max_completion_tokens");
      largest = Math.max(largest, x.promptTokens() + (cap == null ? 0 : cap.asInt()));
      if (!x.summary()) {
        steps++;
        continue;
      }
      summaries++;
      if (last != null && !carries(x.request(), last)) {
        lost.add("summary request " + x.seq() + " lacks the summary before it: " + last);
      }
      last = x.reply().strip();
    }
    return new Seen(steps, summaries, largest, refused, Collections.unmodifiableList(lost));
  }

  /** Whether a user message of the request is a summary that holds {@code summary}'s text. */
  private static boolean carries(JsonObject request, String summary) {
    for (JsonValue v : (JsonArray) request.get("messages")) {
      if (v instanceof JsonObject m
          && "user".equals(KimiRulesScript.string(m.get("role")))
          && KimiRulesScript.text(m).startsWith(SUMMARY_HEADER)
          && KimiRulesScript.text(m).contains(summary)) {
        return true;
      }
    }
    return false;
  }

  /**
   * Asserts what issue 103 asks of the run: it answered with the total of every fee, transferred
   * once, each account looked up once (the progress survived every compaction), in at most 1.2
   * model steps an account and a compaction for every eight accounts, no request refused and each
   * within the window, and every summary request carrying the summary before it.
   *
   * @param answer the run's answer
   * @param accounts the accounts of the task
   * @param ledger the ledger of the task
   * @param lookups each account the tool looked up, in order
   * @param transfers the transfers made
   * @param seen what the server saw
   * @param window the window
   */
  public static void assertAnswered(
      String answer,
      int accounts,
      String ledger,
      List<Integer> lookups,
      Transfers transfers,
      Seen seen,
      int window) {
    long total = total(ledger, accounts);
    assertThat(seen.refused()).as("requests refused").isZero();
    assertThat(seen.lostSummaries()).as("summary requests without the summary before").isEmpty();
    assertThat(seen.largest()).as("the largest request, by the server's count").isLessThanOrEqualTo(window);
    assertThat(answer).contains("transferred " + total + " cents of " + ledger + " fees");
    assertThat(transfers.made()).as("the transfer, made once").containsExactly(total);
    List<Integer> sorted;
    synchronized (lookups) {
      sorted = new ArrayList<>(lookups);
    }
    Collections.sort(sorted);
    List<Integer> each = new ArrayList<>();
    for (int i = 1; i <= accounts; i++) {
      each.add(i);
    }
    assertThat(sorted).as("each account looked up once: the model never started over").isEqualTo(each);
    assertThat(seen.steps())
        .as("model steps: one an account, the transfer, the answer")
        .isLessThanOrEqualTo((int) Math.ceil(accounts * 1.2));
    assertThat(seen.compactions())
        .as("compactions: at least eight lookups between two, on average")
        .isLessThanOrEqualTo(accounts / 8);
  }
}
