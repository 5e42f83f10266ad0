package io.github.kimisdk.agents;

/**
 * Reports that what a run saved does not match its MAC under the agent's {@link RunKey}: the store
 * (or a saved state's JSON) was edited, a record was moved from another run, or it was saved under
 * another key or none. The run does not act on it: nothing runs, and the store is left as it is for
 * someone to look at.
 */
public final class RunTamperedException extends RunStoreException {
  private static final long serialVersionUID = 1L;

  /**
   * Creates the exception.
   *
   * @param message what was found, naming the run and the record
   */
  public RunTamperedException(String message) {
    super(message, null);
  }
}
