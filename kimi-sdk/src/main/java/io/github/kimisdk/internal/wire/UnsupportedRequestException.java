package io.github.kimisdk.internal.wire;

/** A request, or a call, that the client's wire protocol cannot express; the message says why. */
public final class UnsupportedRequestException extends IllegalArgumentException {

  private static final long serialVersionUID = 1L;

  /**
   * Creates the exception.
   *
   * @param message what cannot be sent and what to do instead
   */
  public UnsupportedRequestException(String message) {
    super(message);
  }
}
