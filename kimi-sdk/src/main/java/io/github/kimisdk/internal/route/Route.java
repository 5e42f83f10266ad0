package io.github.kimisdk.internal.route;

/**
 * Where one call of a client with fallback targets goes: the model its request names (for the
 * targets' context windows), the targets this round of the call may no longer use, the target whose
 * probe its attempt is, and how often it moved on. Owned by one call, read and written under that
 * call's lock ({@code probe} also read by the call's end, on another thread).
 */
public final class Route {

  /** The model the request names, for the context windows of the targets; null for none. */
  final String model;

  /** The targets this round of the call skips (overloaded or out of quota), one bit each. */
  public long skipped;

  /** The target whose probe the call's current attempt is, or -1. */
  public volatile int probe = -1;

  /** How many times the call moved to another target. */
  public int fallbacks;

  /**
   * The route of a call of {@code model}.
   *
   * @param model the model its request names, or null
   */
  public Route(String model) {
    this.model = model;
  }

  /** Tells whether this round of the call skips {@code t}. */
  boolean skips(int t) {
    return (skipped & (1L << t)) != 0;
  }

  /** Has this round of the call skip {@code t}. */
  public void skip(int t) {
    skipped |= 1L << t;
  }
}
