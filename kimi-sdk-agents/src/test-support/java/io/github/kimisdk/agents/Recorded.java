package io.github.kimisdk.agents;

import java.util.List;

/** A listener that keeps a run's events, for the tests that look at them afterwards. */
public final class Recorded {
  private Recorded() {}

  /**
   * A listener that adds each event to {@code events}, holding the list's lock (a test reads the
   * list under the same lock).
   *
   * @param events where the events go
   * @return the listener
   */
  public static AgentListener into(List<RunEvent> events) {
    return e -> {
      synchronized (events) {
        events.add(e);
      }
    };
  }
}
