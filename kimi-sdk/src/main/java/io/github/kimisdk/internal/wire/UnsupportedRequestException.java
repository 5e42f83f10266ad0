package io.github.kimisdk.internal.wire;

import io.github.kimisdk.chat.completions.Fate;

/** A request, or a call, that the client's wire protocol cannot express; the message says why. */
public final class UnsupportedRequestException extends IllegalArgumentException {

  private static final long serialVersionUID = 1L;

  /** The request component refused, or null for a call refused whole. */
  private final String component;

  /**
   * Creates the exception of a call the protocol does not serve at all.
   *
   * @param message what cannot be sent and what to do instead
   */
  public UnsupportedRequestException(String message) {
    this(null, message);
  }

  /**
   * Creates the exception of a request component the protocol refuses.
   *
   * @param component the {@code ChatRequest} component, as the wire's {@link Fate} names it
   * @param message what cannot be sent and what to do instead
   */
  public UnsupportedRequestException(String component, String message) {
    super(message);
    this.component = component;
  }

  /**
   * Returns the {@code ChatRequest} component refused, as the wire's declaration names it.
   *
   * @return the component, or null when the call is refused whole (a platform call)
   */
  public String component() {
    return component;
  }
}
