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
}
