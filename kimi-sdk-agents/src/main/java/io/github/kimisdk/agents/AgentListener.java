package io.github.kimisdk.agents;

/**
 * Sees a run's moments as they happen: {@link RunEvent}s, on the thread driving the run (a tool's
 * start and end on the thread running it). What a listener throws is logged and does not stop the
 * run.
 */
@FunctionalInterface
public interface AgentListener {
  /**
   * Called with each event.
   *
   * @param event the event
   */
  void onEvent(RunEvent event);

  /**
   * Returns a listener that tells this one, then {@code next} (span events and metrics, both).
   *
   * @param next the listener told after this one
   * @return the listener
   * @throws NullPointerException if {@code next} is null
   */
  default AgentListener andThen(AgentListener next) {
    java.util.Objects.requireNonNull(next, "next must not be null");
    return e -> {
      onEvent(e);
      next.onEvent(e);
    };
  }
}
