package io.github.kimisdk.internal.jfr;

import jdk.jfr.Category;
import jdk.jfr.Description;
import jdk.jfr.Event;
import jdk.jfr.Label;
import jdk.jfr.Name;
import jdk.jfr.StackTrace;

/**
 * A move of a host's concurrency limit as Flight Recorder records it (a cut, its trial's verdict, a
 * raise, a limit the host stated): over a recording, the limit over time. Never a key, never a
 * server's text. Committed by {@link LimitEvents}.
 */
@Name(ConcurrencyLimitEvent.NAME)
@Label("Kimi Concurrency Limit")
@Category("Kimi SDK")
@Description(
    "A move of the number of attempts the client sends a host at once, and the round of attempts"
        + " that decided it")
@StackTrace(false)
public final class ConcurrencyLimitEvent extends Event {

  /** The event's name. */
  public static final String NAME = "io.github.kimisdk.ConcurrencyLimit";

  @Label("Target")
  @Description("The host's name and address")
  String target;

  @Label("Reason")
  @Description("cut, kept, undone, raised or stated")
  String reason;

  @Label("Limit Before")
  @Description("The attempts the host got at once before; -1 for no limit")
  int from;

  @Label("Limit")
  @Description("The attempts the host gets at once now; -1 for no limit")
  int limit;

  @Label("Round Attempts")
  @Description("The attempts of the round that decided it which ended; 0 for a stated limit")
  int roundAttempts;

  @Label("Round Refusals")
  @Description("How many of them the host refused for its concurrency")
  int roundRefusals;

  @Label("Tolerated Refusals (%)")
  @Description("The share of refusals that cutting did not lower, which no longer cuts")
  double tolerated;
}
