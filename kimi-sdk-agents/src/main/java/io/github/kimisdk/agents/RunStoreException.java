package io.github.kimisdk.agents;

/**
 * Reports that a {@link RunStore} could not do what a run asked: its files, database or server
 * failed, or ({@link ClaimLostException}) the run's claim passed to another worker. The run that
 * meets it stops before any further effect; what it recorded stays, and a resume goes on from
 * there.
 */
public sealed class RunStoreException extends RuntimeException
    permits ClaimLostException, RunTamperedException {
  private static final long serialVersionUID = 1L;

  /**
   * Creates the exception.
   *
   * @param message what failed, naming the run and the store
   * @param cause the store's own failure; may be null
   */
  public RunStoreException(String message, Throwable cause) {
    super(message, cause);
  }
}
