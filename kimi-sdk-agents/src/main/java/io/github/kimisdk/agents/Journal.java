package io.github.kimisdk.agents;

/**
 * Where a run tree keeps what it must not lose: its claim, its saved state and each tool call's
 * record. {@link StoreJournal} keeps them in the agent's {@link RunStore}; {@link #NONE} keeps
 * nothing, for a run in memory (no store, no claim: the state travels in the {@link RunResult}).
 *
 * <p>Thread model: {@link #claim}, {@link #release} and {@link #loadState} run on the driving
 * thread; {@link #writeState} under the run tree's lock; the call records on the thread that runs
 * the call.
 */
interface Journal {

  /** Whether anything is kept: false for a run in memory. */
  default boolean durable() {
    return false;
  }

  /**
   * Claims the root run.
   *
   * @return the claim this worker holds now, or who holds the run; null when nothing is claimed (a
   *     run in memory)
   */
  default Claim claim() {
    return null;
  }

  /** Releases the claim, if one is held. */
  default void release() {}

  /** The root run's saved state, checked; null when there is none. */
  default RunData loadState() {
    return null;
  }

  /** Saves the root run's state (its subagents' inside it). */
  default void writeState(RunData root) {}

  /** A call's record, checked; null when there is none. */
  default CallRecord readCall(String key) {
    return null;
  }

  /** Writes a call's record. */
  default void writeCall(String key, CallRecord record) {}

  /** A run in memory: nothing kept, nothing claimed (every default). */
  Journal NONE = new Journal() {};
}
