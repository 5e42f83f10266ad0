package io.github.kimisdk.errors;

import java.util.Objects;

/**
 * A call or stream was stopped on the caller's side before it ended: a stream closed ({@link
 * io.github.kimisdk.chat.ChatStream#close()}), the client closed ({@link
 * io.github.kimisdk.KimiClient#close()}), the waiting thread interrupted (its interrupt status is
 * set again), or the call cancelled. {@link #reason()} tells which. It is never a lost connection
 * (that is a {@link ConnectionException}) and is never retried. A stream that had already delivered
 * items fails with a {@link StreamAbortedException} whose {@link StreamAbortedException#reason()}
 * is this exception, so that what arrived is kept.
 *
 * <pre>{@code
 * try {
 *   stream.forEachText(System.out::print);
 * } catch (CancelledException e) {
 *   // another thread closed the stream (e.reason() == CLOSED) or interrupted this one
 * }
 * }</pre>
 */
public final class CancelledException extends KimiException {

  private static final long serialVersionUID = 1L;

  /** Why the call or stream was stopped. */
  public enum Reason {
    /** The stream was closed ({@code close()} on the stream) while it was consumed. */
    CLOSED,
    /**
     * The client was closed ({@link io.github.kimisdk.KimiClient#close()}) while the call or stream
     * ran.
     */
    CLIENT_CLOSED,
    /** The thread waiting for the call, or consuming the stream, was interrupted. */
    INTERRUPTED,
    /** The call was cancelled: its future, or the work it waited for. */
    CANCELLED
  }

  private final Reason reason;

  /**
   * Creates the exception, for code that stops a call of its own (such as a tool loop whose thread
   * was interrupted).
   *
   * @param reason why the call was stopped
   * @param message what was stopped and how
   * @param cause the interrupt or cancellation; may be null
   * @throws NullPointerException if {@code reason} or {@code message} is null
   */
  public CancelledException(Reason reason, String message, Throwable cause) {
    super(Objects.requireNonNull(message, "message"), cause, null);
    this.reason = Objects.requireNonNull(reason, "reason");
  }

  /**
   * Returns why the call or stream was stopped.
   *
   * @return the reason
   */
  public Reason reason() {
    return reason;
  }
}
