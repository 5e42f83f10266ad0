package io.github.kimisdk.internal.route;

/**
 * Where one call of a client with fallback targets goes: the model its request names (for the
 * targets' context windows), the key that keeps its conversation on one member of a group, the
 * targets this round of the call may no longer use, the target whose probe its attempt is, the
 * member whose room its attempt holds, and how often it moved on. Owned by one call, read and
 * written under that call's lock ({@code probe} also read by the call's end, on another thread;
 * {@code holding} only under its {@link Targets}' lock).
 */
public final class Route {

  /** The model the request names, for the context windows of the targets; null for none. */
  final String model;

  /**
   * The conversation's key ({@link Targets#affinityKey}): calls with one key go to the member that
   * served it last while it has room; 0 for none.
   */
  final long key;

  /** The targets this round of the call skips (overloaded or out of quota), one bit each. */
  public long skipped;

  /** The target whose probe the call's current attempt is, or -1. */
  public volatile int probe = -1;

  /** How many times the call moved to another target. */
  public int fallbacks;

  /** The member whose room the call's attempt holds in its group, or -1 (its Targets' lock). */
  int holding = -1;

  /**
   * The member the call's conversation was kept on, when its last pick moved it off (that member
   * had no room for long, or was down), or -1: read once by the retrier, which tells the move.
   */
  public int movedFrom = -1;

  /**
   * Whether the call's last failure was a group member's full-queue refusal that taught it its
   * limit: the call chooses again in its place (another member with room, or this one's next slot),
   * neither cooling the member nor moving on.
   */
  public boolean full;

  /** The releases of room its Targets had counted when the call last chose (its lock). */
  long releasesSeen;

  /** The member the call waits for room at, when every member it may use is full; or -1. */
  int waitsAt = -1;

  /**
   * The route of a call of {@code model}.
   *
   * @param model the model its request names, or null
   */
  public Route(String model) {
    this(model, 0);
  }

  /**
   * The route of a call of {@code model} whose conversation has key {@code key}.
   *
   * @param model the model its request names, or null
   * @param key the conversation's key, or 0
   */
  public Route(String model, long key) {
    this.model = model;
    this.key = key;
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
