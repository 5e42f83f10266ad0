package io.github.kimisdk.host;

import io.github.kimisdk.KimiAccount;
import io.github.kimisdk.KimiClient;
import io.github.kimisdk.Target;
import io.github.kimisdk.base.text.RecordText;
import io.github.kimisdk.errors.EngineOverloadedException;
import io.github.kimisdk.model.Spend;
import io.github.kimisdk.platform.PingResult;
import java.time.Duration;
import java.util.Objects;

/**
 * How one target of a client stands, as {@link KimiAccount#targets()} reports it for each, the
 * client's own first ({@link KimiClient.Builder#fallback}): whether it takes calls now, what it has
 * spent, and, from {@link KimiAccount#checkTargets()}, whether its host answered a check that costs
 * no tokens ({@code GET /models}) and, for a target that names its model, serves that model. An LLM
 * registry asks {@link #isAvailable()} of each; an operator reads {@link #condition()}, which tells
 * a target set up wrong from one that is overloaded or down.
 *
 * @param target the target: its host, model and account (never its key)
 * @param state whether it takes calls
 * @param cooldownLeft the rest of its cooldown; zero unless {@link State#COOLING}
 * @param spend what its account spent through this client, priced at its host's prices
 * @param ping the outcome of its check; null when it was not checked
 */
public record TargetStatus(
    Target target, State state, Duration cooldownLeft, Spend spend, PingResult ping) {

  /** Whether a target takes calls. */
  public enum State {
    /** It takes calls. */
    AVAILABLE,
    /** It said it is overloaded (or its account ran out of quota): no call is sent there. */
    COOLING,
    /** Its cooldown ended: the next call probes it, and while the probe is out no other goes. */
    PROBING
  }

  /**
   * What a target's state and check say about it, as an operator acts on it: wait, fix the
   * configuration, or look at the host.
   */
  public enum Condition {
    /** It takes calls: not cooling down, and its check, when one was made, succeeded. */
    UP,
    /**
     * It said it is overloaded: it cools down ({@link State#COOLING}), or its check was answered
     * with one of its host's overload statuses or Kimi's {@code engine_overloaded_error}. Calls
     * move to the next target meanwhile; it comes back by itself.
     */
    OVERLOADED,
    /**
     * It answers, but is set up wrong: its host does not serve the target's model ({@link
     * PingResult.Status#MISCONFIGURED}, such as a retired id) or refused the target's key ({@link
     * PingResult.Status#BAD_KEY}). Waiting does not help; the target's model, its key or the host's
     * model id must change (the host check, {@code kimi-sdk-hostcheck}'s {@code HostCheck.verify},
     * says which).
     */
    MISCONFIGURED,
    /**
     * Its host could not be reached (even while it cools down), or failed its check another way (a
     * 5xx, a malformed body).
     */
    DOWN
  }

  /**
   * Checks the components.
   *
   * @param target the target
   * @param state its state
   * @param cooldownLeft the rest of its cooldown
   * @param spend what it spent
   * @param ping its check, or null
   * @throws NullPointerException if a component other than {@code ping} is null
   */
  public TargetStatus {
    Objects.requireNonNull(target, "target");
    Objects.requireNonNull(state, "state");
    Objects.requireNonNull(cooldownLeft, "cooldownLeft");
    Objects.requireNonNull(spend, "spend");
  }

  /**
   * Tells whether the target takes calls now: it is not cooling down, and its check, when one was
   * made, succeeded.
   *
   * @return true when a call may go there
   */
  public boolean isAvailable() {
    return state != State.COOLING && (ping == null || ping.isOk());
  }

  /**
   * Tells what the target's state and its check say about it: {@link Condition#MISCONFIGURED} for a
   * check that found the model not served or the key refused, {@link Condition#DOWN} for a check
   * that reached nothing (cooling down or not), {@link Condition#OVERLOADED} while it cools down or
   * when its check was answered with an overload, {@link Condition#DOWN} for a check that failed
   * otherwise, else {@link Condition#UP}.
   *
   * @return the condition
   */
  public Condition condition() {
    if (ping != null
        && (ping.status() == PingResult.Status.MISCONFIGURED
            || ping.status() == PingResult.Status.BAD_KEY)) {
      return Condition.MISCONFIGURED;
    }
    if (ping != null && ping.status() == PingResult.Status.UNREACHABLE) {
      return Condition.DOWN; // cooling or not: waiting for a host that is not there does not help
    }
    if (state == State.COOLING) {
      return Condition.OVERLOADED;
    }
    if (ping == null || ping.isOk()) {
      return Condition.UP;
    }
    boolean overload =
        ping.error() instanceof EngineOverloadedException
            || (ping.status() == PingResult.Status.ERROR
                && target.host().overloadStatuses().contains(ping.httpStatus()));
    return overload ? Condition.OVERLOADED : Condition.DOWN;
  }

  /** Returns the target, its state and its check; never a key. */
  @Override
  public String toString() {
    return RecordText.of("TargetStatus")
        .add("target", target)
        .add("state", state)
        .add("cooldownLeft", cooldownLeft.isZero() ? null : cooldownLeft)
        .add("spend", spend)
        .add("ping", ping)
        .toString();
  }
}
