package io.github.kimisdk.agents;

import io.github.kimisdk.json.JsonValue;
import java.time.Duration;
import java.util.Objects;
import java.util.function.Function;

/**
 * Says whether a tool's calls need a person's approval: never, always, or as a policy on the
 * arguments decides (allow, deny with a reason, or ask). A decision is bound to the policy in force
 * when it was asked for, by {@link #id()}: give a policy a new id when its rule changes, and every
 * decision and allowance made under the old one asks again.
 *
 * <pre>{@code
 * Approval limits = Approval.policy("transfers-v1", args ->
 *     args.get("amount").asLong() <= 100 ? Verdict.allow()
 *         : args.get("amount").asLong() > 10_000 ? Verdict.deny("over the daily limit")
 *         : Verdict.ask("a transfer over 100"));
 * }</pre>
 *
 * <p>A payments team may ask for two different people ({@link #approvers(int)}), and for an answer
 * within a stated time ({@link #expiresAfter(Duration, Expiry)}):
 *
 * <pre>{@code
 * Approval.always().approvers(2).expiresAfter(Duration.ofHours(24), Approval.Expiry.REJECT)
 * }</pre>
 *
 * @param id the policy's name and version, saved with each decision bound to it
 * @param rule answers a call's arguments (parsed) with {@link Verdict#allow()}, {@link
 *     Verdict#deny(String)} or {@link Verdict#ask(String)}
 * @param approvers how many different people must approve a call that asks, 1 by default; each
 *     names themself with {@link Decision#by}, and a rejection by any one of them rejects it
 * @param expiresAfter how long a call may wait for its approvers, or null for as long as it takes
 * @param onExpiry what happens to a call that waited longer, when the run is next driven
 */
public record Approval(
    String id,
    Function<JsonValue, Verdict> rule,
    int approvers,
    Duration expiresAfter,
    Expiry onExpiry) {

  private static final Approval NEVER = new Approval("never", args -> Verdict.ALLOW);
  private static final Approval ALWAYS =
      new Approval("always", args -> Verdict.ask("this tool needs approval"));

  /** Says what happens to a call that waited for approval longer than its approval allows. */
  public enum Expiry {
    /** It is rejected: it does not run, and the model reads that nobody approved it in time. */
    REJECT,
    /**
     * It keeps waiting, and a {@link RunEvent.Expired} tells the run's listener, for the
     * application to hand it to someone else.
     */
    ESCALATE
  }

  /**
   * Creates a policy that one person approves, with no expiry.
   *
   * @param id the policy's name and version
   * @param rule the rule
   * @throws NullPointerException if an argument is null
   * @throws IllegalArgumentException if {@code id} is blank
   */
  public Approval(String id, Function<JsonValue, Verdict> rule) {
    this(id, rule, 1, null, Expiry.REJECT);
  }

  /**
   * Checks the components.
   *
   * @param id the policy's name and version, not blank
   * @param rule the rule
   * @param approvers how many different people approve, 1 to 10
   * @param expiresAfter how long a call may wait, positive, or null
   * @param onExpiry what happens then
   * @throws NullPointerException if {@code id}, {@code rule} or {@code onExpiry} is null
   * @throws IllegalArgumentException if {@code id} is blank, {@code approvers} is out of range or
   *     {@code expiresAfter} is not positive
   */
  public Approval {
    Objects.requireNonNull(id, "id must not be null");
    Objects.requireNonNull(rule, "rule must not be null");
    Objects.requireNonNull(onExpiry, "onExpiry must not be null");
    if (id.isBlank()) {
      throw new IllegalArgumentException(
          "an approval policy needs an id, such as \"transfers-v1\"");
    }
    if (approvers < 1 || approvers > 10) {
      throw new IllegalArgumentException("approvers must be 1 to 10: " + approvers);
    }
    if (expiresAfter != null && (expiresAfter.isZero() || expiresAfter.isNegative())) {
      throw new IllegalArgumentException("expiresAfter must be positive: " + expiresAfter);
    }
  }

  /**
   * Returns this approval needing {@code n} different people to approve a call.
   *
   * @param n 1 to 10
   * @return the approval
   * @throws IllegalArgumentException if {@code n} is out of range
   */
  public Approval approvers(int n) {
    return new Approval(id, rule, n, expiresAfter, onExpiry);
  }

  /**
   * Returns this approval with calls that wait longer than {@code limit} rejected or escalated.
   *
   * @param limit how long a call may wait, positive
   * @param then what happens to one that waited longer
   * @return the approval
   * @throws NullPointerException if an argument is null
   * @throws IllegalArgumentException if {@code limit} is not positive
   */
  public Approval expiresAfter(Duration limit, Expiry then) {
    Objects.requireNonNull(limit, "limit must not be null");
    return new Approval(id, rule, approvers, limit, then);
  }

  /**
   * Returns the approval of a tool that runs without asking (the default).
   *
   * @return the approval whose id is {@code never}
   */
  public static Approval never() {
    return NEVER;
  }

  /**
   * Returns the approval of a tool whose every call waits for a person.
   *
   * @return the approval whose id is {@code always}
   */
  public static Approval always() {
    return ALWAYS;
  }

  /**
   * Returns a policy on the arguments.
   *
   * @param id the policy's name and version, such as {@code transfers-v1}
   * @param rule answers the parsed arguments
   * @return the approval
   * @throws NullPointerException if an argument is null
   * @throws IllegalArgumentException if {@code id} is blank, or is {@code never} or {@code always}
   */
  public static Approval policy(String id, Function<JsonValue, Verdict> rule) {
    if ("never".equals(id) || "always".equals(id)) {
      throw new IllegalArgumentException(
          "\"" + id + "\" names a built-in approval; pick another id");
    }
    return new Approval(id, rule);
  }

  /** Returns the approval by its id, and its approvers and expiry when set. */
  @Override
  public String toString() {
    return "Approval["
        + id
        + (approvers > 1 ? ", " + approvers + " approvers" : "")
        + (expiresAfter != null ? ", " + onExpiry + " after " + expiresAfter : "")
        + "]";
  }
}
