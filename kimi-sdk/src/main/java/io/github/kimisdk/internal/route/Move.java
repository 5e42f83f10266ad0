package io.github.kimisdk.internal.route;

import io.github.kimisdk.CallEvent;
import io.github.kimisdk.errors.KimiException;
import io.github.kimisdk.host.ServedBy;
import java.time.Duration;

/** A move of a call to tell its listeners, as {@link Route#next} answers it. */
public sealed interface Move permits Move.Fallback, Move.Rerouted {

  /**
   * The call moved to another target after its attempt failed on {@code from}.
   *
   * @param failure the failed attempt's failure
   * @param from the target it failed on
   * @param to the next attempt's target
   */
  public record Fallback(KimiException failure, ServedBy from, ServedBy to) implements Move {}

  /**
   * The call went elsewhere than it would have, with no attempt failing: its conversation moved
   * ({@code MOVED}, beside a fallback when its member's failure moved it), or its slow stream was
   * handed over ({@code HEDGED}, after {@code after}).
   *
   * @param kind what happened
   * @param from the target the call was on, or would have gone to
   * @param to the next attempt's target
   * @param after the wait before a hedge; zero otherwise
   */
  public record Rerouted(CallEvent.Reroute kind, ServedBy from, ServedBy to, Duration after)
      implements Move {}
}
