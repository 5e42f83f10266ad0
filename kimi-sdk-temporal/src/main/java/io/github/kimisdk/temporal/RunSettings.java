package io.github.kimisdk.temporal;

import io.github.kimisdk.agents.Approval;
import java.math.BigDecimal;
import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Currency;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * A run's own settings on Temporal, given when it starts ({@link AgentRun#settings}): its limits,
 * the tools it may use, the approvals it asks for, the window its history is compacted to, and the
 * history bound at which it continues as new. One agent registered on the workers serves runs whose
 * budgets and approvals differ; what a run does not set is the registered agent's.
 *
 * <pre>{@code
 * RunSettings settings = RunSettings.of()
 *     .maxSteps(12)
 *     .maxSpend(new BigDecimal("0.50"), Currency.getInstance("USD"))
 *     .tools("transfer", "notify")
 *     .approval("transfer", RunSettings.ToolApproval.always().approvers(2)
 *         .expiresAfter(Duration.ofHours(24), Approval.Expiry.REJECT));
 * AgentRun run = AgentRun.of("payments", "invoice-42", List.of(Message.user("Pay invoice 42")))
 *     .settings(settings);
 * }</pre>
 *
 * <p><b>The registered agent is the ceiling.</b> A run may tighten what the agent on the worker
 * allows, never loosen it: fewer steps, tokens or spend than the agent's limits (a limit the agent
 * does not set, any); a subset of its tools; a tool's approval asked for more (every call, more
 * approvers, a shorter expiry), never less (the agent's policy still denies what it denies and asks
 * what it asks). The worker checks the settings against the agent when the run starts, before any
 * model call: a setting it refuses fails the workflow at once with an {@code ApplicationFailure} of
 * type {@value RunOutcome#INVALID_TYPE} that names the setting.
 *
 * <p>The settings travel in the workflow's input and in every continue-as-new's, so a run keeps
 * them for its life and replays with them; they are not part of the run's saved state. A run
 * started from a saved state ({@link AgentRun#from}) takes them again from its input.
 *
 * <p>Temporal writes this record into the history as JSON, with the run's other input.
 *
 * @param maxSteps the most model calls in the run (its subagents' included), at most the agent's;
 *     null for the agent's
 * @param maxTotalTokens the most tokens, at most the agent's when it sets a limit; null for the
 *     agent's
 * @param maxSpend the most the run may cost, a decimal amount, at most the agent's when it sets a
 *     limit; null for the agent's
 * @param currency the spend's currency (ISO 4217), with {@code maxSpend}
 * @param tools the names of the agent's own tools the run may use; null for all of them
 * @param approvals by tool, what the run asks for more than the agent's approval; empty for none
 * @param maxPromptTokens a threshold in tokens at which the run's history is compacted, beside the
 *     agent's ({@code Compaction.maxPromptTokens}: the lower holds); null for the agent's
 * @param maxHistoryEvents the history bound in events ({@link AgentOptions#continueAsNewAfter});
 *     null for the worker's
 * @param maxHistoryBytes the history bound in bytes; null for the worker's
 */
public record RunSettings(
    Integer maxSteps,
    Long maxTotalTokens,
    String maxSpend,
    String currency,
    List<String> tools,
    Map<String, ToolApproval> approvals,
    Integer maxPromptTokens,
    Long maxHistoryEvents,
    Long maxHistoryBytes) {

  /** The most events a history bound may name: Temporal's own limit on one history. */
  public static final long MAX_HISTORY_EVENTS = 51_200;

  /** The most bytes a history bound may name: Temporal's own limit on one history (50 MiB). */
  public static final long MAX_HISTORY_BYTES = 50L << 20;

  private static final RunSettings NONE =
      new RunSettings(null, null, null, null, null, Map.of(), null, null, null);

  /**
   * Checks each setting on its own (whether the registered agent allows it is the worker's to say
   * when the run starts).
   *
   * @param maxSteps the most model calls, or null
   * @param maxTotalTokens the most tokens, or null
   * @param maxSpend the most spend, or null
   * @param currency its currency, or null
   * @param tools the tools the run may use, or null
   * @param approvals the approvals by tool, or null for none
   * @param maxPromptTokens the compaction threshold in tokens, or null
   * @param maxHistoryEvents the history bound in events, or null
   * @param maxHistoryBytes the history bound in bytes, or null
   * @throws IllegalArgumentException naming the setting that is out of range or malformed
   */
  public RunSettings {
    if (maxSteps != null && maxSteps < 1) {
      throw new IllegalArgumentException("maxSteps must be at least 1: " + maxSteps);
    }
    if (maxTotalTokens != null && maxTotalTokens < 1) {
      throw new IllegalArgumentException("maxTotalTokens must be at least 1: " + maxTotalTokens);
    }
    if ((maxSpend == null) != (currency == null)) {
      throw new IllegalArgumentException("maxSpend and its currency go together");
    }
    if (maxSpend != null) {
      spend(maxSpend);
      currency(currency);
    }
    if (tools != null) {
      tools = List.copyOf(tools);
      if (tools.isEmpty()) {
        throw new IllegalArgumentException(
            "a run's tools name at least one tool (leave them unset for all of the agent's)");
      }
      if (tools.stream().distinct().count() != tools.size()) {
        throw new IllegalArgumentException("a run's tools name each tool once: " + tools);
      }
    }
    approvals = approvals == null ? Map.of() : Map.copyOf(approvals);
    for (Map.Entry<String, ToolApproval> e : approvals.entrySet()) {
      Objects.requireNonNull(e.getValue(), "the approval of " + e.getKey() + " must not be null");
      if (tools != null && !tools.contains(e.getKey())) {
        throw new IllegalArgumentException(
            "an approval names the tool "
                + e.getKey()
                + ", which is not among the run's tools "
                + tools);
      }
    }
    if (maxPromptTokens != null && maxPromptTokens < 1_000) {
      throw new IllegalArgumentException(
          "maxPromptTokens must be at least 1000: " + maxPromptTokens);
    }
    if (maxHistoryEvents != null
        && (maxHistoryEvents < 100 || maxHistoryEvents > MAX_HISTORY_EVENTS)) {
      throw new IllegalArgumentException(
          "a history bound is 100 to " + MAX_HISTORY_EVENTS + " events: " + maxHistoryEvents);
    }
    if (maxHistoryBytes != null && (maxHistoryBytes < 100 || maxHistoryBytes > MAX_HISTORY_BYTES)) {
      throw new IllegalArgumentException(
          "a history bound is 100 to " + MAX_HISTORY_BYTES + " bytes: " + maxHistoryBytes);
    }
  }

  /**
   * Returns settings that change nothing: every setting the registered agent's.
   *
   * @return the settings
   */
  public static RunSettings of() {
    return NONE;
  }

  /**
   * Returns these settings with a step limit.
   *
   * @param steps the most model calls in the run, at least 1 and at most the agent's
   * @return the settings
   * @throws IllegalArgumentException if {@code steps} is below 1
   */
  public RunSettings maxSteps(int steps) {
    return new RunSettings(
        steps,
        maxTotalTokens,
        maxSpend,
        currency,
        tools,
        approvals,
        maxPromptTokens,
        maxHistoryEvents,
        maxHistoryBytes);
  }

  /**
   * Returns these settings with a token limit (the one loop's worst-case rule holds it).
   *
   * @param tokens the most tokens, at least 1 and at most the agent's when it sets a limit
   * @return the settings
   * @throws IllegalArgumentException if {@code tokens} is below 1
   */
  public RunSettings maxTotalTokens(long tokens) {
    return new RunSettings(
        maxSteps,
        tokens,
        maxSpend,
        currency,
        tools,
        approvals,
        maxPromptTokens,
        maxHistoryEvents,
        maxHistoryBytes);
  }

  /**
   * Returns these settings with a spend limit, priced with the worker's client's prices.
   *
   * @param amount the most the run may cost, not negative, at most the agent's when it sets a limit
   *     (in the same currency)
   * @param currency its currency
   * @return the settings
   * @throws NullPointerException if an argument is null
   * @throws IllegalArgumentException if {@code amount} is negative
   */
  public RunSettings maxSpend(BigDecimal amount, Currency currency) {
    Objects.requireNonNull(amount, "amount must not be null");
    Objects.requireNonNull(currency, "currency must not be null");
    return new RunSettings(
        maxSteps,
        maxTotalTokens,
        amount.toPlainString(),
        currency.getCurrencyCode(),
        tools,
        approvals,
        maxPromptTokens,
        maxHistoryEvents,
        maxHistoryBytes);
  }

  /**
   * Returns these settings with the tools the run may use: a subset of the registered agent's own
   * tools, by name; the model is offered these alone.
   *
   * @param names the tools' names
   * @return the settings
   * @throws NullPointerException if a name is null
   * @throws IllegalArgumentException if no name is given, or one twice
   */
  public RunSettings tools(String... names) {
    List<String> list = new ArrayList<>(Arrays.asList(names));
    list.forEach(n -> Objects.requireNonNull(n, "a tool's name must not be null"));
    return new RunSettings(
        maxSteps,
        maxTotalTokens,
        maxSpend,
        currency,
        list,
        approvals,
        maxPromptTokens,
        maxHistoryEvents,
        maxHistoryBytes);
  }

  /**
   * Returns these settings asking for more approval of a tool's calls than the agent does.
   *
   * @param tool the tool's name
   * @param approval what the run asks for more
   * @return the settings
   * @throws NullPointerException if an argument is null
   * @throws IllegalArgumentException if the run's tools are set and do not name {@code tool}
   */
  public RunSettings approval(String tool, ToolApproval approval) {
    Objects.requireNonNull(tool, "tool must not be null");
    Objects.requireNonNull(approval, "approval must not be null");
    Map<String, ToolApproval> all = new LinkedHashMap<>(approvals);
    all.put(tool, approval);
    return new RunSettings(
        maxSteps,
        maxTotalTokens,
        maxSpend,
        currency,
        tools,
        all,
        maxPromptTokens,
        maxHistoryEvents,
        maxHistoryBytes);
  }

  /**
   * Returns these settings with a compaction threshold in tokens: the run's history is compacted
   * before a request's prompt and output cap would pass it (or the agent's own threshold, when
   * lower). A run that must stay small (each request costs its whole prompt) sets it.
   *
   * @param tokens at least 1,000
   * @return the settings
   * @throws IllegalArgumentException if {@code tokens} is below 1,000
   */
  public RunSettings maxPromptTokens(int tokens) {
    return new RunSettings(
        maxSteps,
        maxTotalTokens,
        maxSpend,
        currency,
        tools,
        approvals,
        tokens,
        maxHistoryEvents,
        maxHistoryBytes);
  }

  /**
   * Returns these settings with the run's own history bound: it continues as new before an
   * execution's history would pass {@code events} events or {@code bytes} bytes ({@link
   * AgentOptions#continueAsNewAfter} is the worker's).
   *
   * @param events 100 to {@value #MAX_HISTORY_EVENTS}
   * @param bytes 100 to 50 MiB
   * @return the settings
   * @throws IllegalArgumentException if a bound is out of range
   */
  public RunSettings continueAsNewAfter(long events, long bytes) {
    return new RunSettings(
        maxSteps,
        maxTotalTokens,
        maxSpend,
        currency,
        tools,
        approvals,
        maxPromptTokens,
        events,
        bytes);
  }

  /** The spend limit as an amount. */
  BigDecimal spendLimit() {
    return maxSpend == null ? null : spend(maxSpend);
  }

  /** The spend limit's currency. */
  Currency spendCurrency() {
    return currency == null ? null : currency(currency);
  }

  private static BigDecimal spend(String amount) {
    BigDecimal d;
    try {
      d = new BigDecimal(amount);
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("maxSpend is a decimal amount: " + amount, e);
    }
    if (d.signum() < 0) {
      throw new IllegalArgumentException("maxSpend must not be negative: " + amount);
    }
    return d;
  }

  private static Currency currency(String code) {
    try {
      return Currency.getInstance(code);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("currency is an ISO 4217 code: " + code, e);
    }
  }

  /**
   * What a run asks for more than the agent's approval of one tool: every call to ask a person (on
   * top of the agent's policy, which still denies what it denies), more approvers, an expiry. A
   * decision is bound to the policy a call waits under ({@link
   * io.github.kimisdk.agents.PendingCall#policy()}): a run that asks for every call of a tool whose
   * agent's policy is {@code never} waits under {@code always}; one whose agent's policy is
   * another, under that policy's id with {@code +always}; more approvers or an expiry keep the id.
   *
   * @param everyCall whether every call of the tool waits for a person
   * @param approvers how many different people approve a call, 0 for the agent's; never fewer than
   *     the agent's
   * @param expiresAfter how long a call may wait, as an ISO-8601 duration, or null for the agent's;
   *     never longer than the agent's when its calls are rejected after a wait
   * @param onExpiry {@code REJECT} or {@code ESCALATE} ({@link Approval.Expiry}), with {@code
   *     expiresAfter}
   */
  public record ToolApproval(
      boolean everyCall, int approvers, String expiresAfter, String onExpiry) {

    /**
     * Checks the components.
     *
     * @param everyCall whether every call asks
     * @param approvers the approvers, 0 or 1 to 10
     * @param expiresAfter the expiry, or null
     * @param onExpiry what an expiry does, with {@code expiresAfter}
     * @throws IllegalArgumentException if a component is out of range or malformed
     */
    public ToolApproval {
      if (approvers < 0 || approvers > 10) {
        throw new IllegalArgumentException(
            "approvers must be 1 to 10 (0: the agent's): " + approvers);
      }
      if ((expiresAfter == null) != (onExpiry == null)) {
        throw new IllegalArgumentException("expiresAfter and onExpiry go together");
      }
      if (expiresAfter != null) {
        expiry(expiresAfter);
        expiryAction(onExpiry);
      }
    }

    /**
     * Returns an approval asking a person for every call of the tool.
     *
     * @return the approval
     */
    public static ToolApproval always() {
      return new ToolApproval(true, 0, null, null);
    }

    /**
     * Returns the agent's approval of the tool, unchanged until {@link #approvers} or {@link
     * #expiresAfter} asks for more.
     *
     * @return the approval
     */
    public static ToolApproval agentPolicy() {
      return new ToolApproval(false, 0, null, null);
    }

    /**
     * Returns this approval needing {@code n} different people to approve a call.
     *
     * @param n 1 to 10, at least the agent's
     * @return the approval
     * @throws IllegalArgumentException if {@code n} is out of range
     */
    public ToolApproval approvers(int n) {
      if (n < 1) {
        throw new IllegalArgumentException("approvers must be 1 to 10: " + n);
      }
      return new ToolApproval(everyCall, n, expiresAfter, onExpiry);
    }

    /**
     * Returns this approval with calls that wait longer than {@code limit} rejected or escalated.
     *
     * @param limit positive; at most the agent's when its calls are rejected after a wait
     * @param then what happens to a call that waited longer
     * @return the approval
     * @throws NullPointerException if an argument is null
     * @throws IllegalArgumentException if {@code limit} is not positive
     */
    public ToolApproval expiresAfter(Duration limit, Approval.Expiry then) {
      Objects.requireNonNull(limit, "limit must not be null");
      Objects.requireNonNull(then, "then must not be null");
      return new ToolApproval(everyCall, approvers, limit.toString(), then.name());
    }

    /** The expiry as a duration, or null. */
    Duration expiry() {
      return expiresAfter == null ? null : expiry(expiresAfter);
    }

    /** What an expiry does, or null. */
    Approval.Expiry expiryAction() {
      return onExpiry == null ? null : expiryAction(onExpiry);
    }

    private static Duration expiry(String iso) {
      Duration d;
      try {
        d = Duration.parse(iso);
      } catch (DateTimeParseException e) {
        throw new IllegalArgumentException("expiresAfter is an ISO-8601 duration: " + iso, e);
      }
      if (d.isZero() || d.isNegative()) {
        throw new IllegalArgumentException("expiresAfter must be positive: " + iso);
      }
      return d;
    }

    private static Approval.Expiry expiryAction(String name) {
      try {
        return Approval.Expiry.valueOf(name);
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException("onExpiry is REJECT or ESCALATE: " + name, e);
      }
    }
  }
}
