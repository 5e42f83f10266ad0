package io.github.kimisdk.ui;

/**
 * A page's request refused: its body is malformed or too large ({@code 400}, {@code 413}), or what
 * it asks contradicts the run it names ({@code 409}). Nothing was run. The message says what was
 * wrong and what to do, and never quotes a token or a key.
 */
public final class UiRequestException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  /** The HTTP status the request is refused with. */
  private final int status;

  /**
   * Makes the refusal.
   *
   * @param status the HTTP status: 400, 401, 404, 409 or 413
   * @param message what was wrong and what to do
   */
  public UiRequestException(int status, String message) {
    super(message);
    this.status = status;
  }

  /**
   * Returns the HTTP status the request is refused with.
   *
   * @return the status
   */
  public int status() {
    return status;
  }
}
