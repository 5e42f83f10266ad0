package io.github.kimisdk.agents;

import io.github.kimisdk.CallEvent;
import io.github.kimisdk.CallListener;
import java.util.List;

/** Listeners that keep a run's events or a client's calls, for the tests that look at them afterwards. */
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

  /**
   * A client listener that adds each call's end to {@code ends}, holding the list's lock.
   *
   * @param ends where the calls' ends go
   * @return the listener
   */
  public static CallListener ends(List<CallEvent.End> ends) {
    return new CallListener() {
      @Override
      public void onEnd(CallEvent.End e) {
        synchronized (ends) {
          ends.add(e);
        }
      }
    };
  }
}
