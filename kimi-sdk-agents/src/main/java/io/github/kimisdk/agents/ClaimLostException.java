package io.github.kimisdk.agents;

/**
 * Reports that a worker wrote to a run whose claim it no longer holds: its lease lapsed and another
 * worker claimed the run. The write did not happen, and the worker stops before any further effect.
 */
public final class ClaimLostException extends RunStoreException {
  private static final long serialVersionUID = 1L;

  /**
   * Creates the exception.
   *
   * @param runId the run
   */
  public ClaimLostException(String runId) {
    super(
        "the claim on run "
            + runId
            + " has passed to another worker (its lease lapsed); this worker stopped before any"
            + " further effect",
        null);
  }
}
