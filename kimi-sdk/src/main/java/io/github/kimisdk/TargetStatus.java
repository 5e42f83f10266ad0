package io.github.kimisdk;

import io.github.kimisdk.base.text.RecordText;
import io.github.kimisdk.model.Spend;
import io.github.kimisdk.platform.PingResult;
import java.time.Duration;
import java.util.Objects;

/**
 * How one target of a client stands, as {@link KimiAccount#targets()} reports it for each, the
 * client's own first ({@link KimiClient.Builder#fallback}): whether it takes calls now, what it has
 * spent, and, from {@link KimiAccount#checkTargets()}, whether its host answered a check that costs
 * no tokens ({@code GET /models}). An LLM registry asks {@link #isAvailable()} of each.
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
