package io.github.kimisdk.internal.route;

import io.github.kimisdk.errors.ApiException;
import io.github.kimisdk.errors.KimiException;
import java.time.Duration;

/**
 * What a failed attempt teaches its target's health, by the failure's {@link Kind}, and whether the
 * call leaves that target: an overload (or a target that could not be reached) cools the target and
 * moves the call on; a quota cools every target of its account; a budget that falls back moves the
 * call on without cooling the target it refused; a full queue holds a busy target and moves on, or,
 * in a group that learnt the member's room, chooses again; a request too long for the target moves
 * only to a target with a longer context; a failure after the response began proves the host up and
 * stays; a rate limit, a host's concurrency 429 and the caller's own error stay where they were. A
 * probe the failure proves nothing about ends. Told outside the route's lock: a health runs the
 * calls that wait for it.
 */
final class Lesson {

  private Lesson() {}

  /**
   * Tells target {@code t}'s health what failure {@code k} of kind {@code kind} means for it.
   *
   * @param router the client's router
   * @param model the model the call's request names, for the context windows; null for none
   * @param t the failed attempt's target
   * @param kind the failure's kind on that target
   * @param k the failure
   * @param probe the target whose probe the attempt was, or -1
   * @param skipped the targets the call may no longer use this round, one bit each
   * @return {@link Verdict.Next#STAY}, {@link Verdict.Next#MOVE} or {@link Verdict.Next#CHOOSE}
   */
  static Verdict.Next learn(
      Router router, String model, int t, Kind kind, KimiException k, int probe, long skipped) {
    TargetHealth h = router.health(t);
    Duration asked = k instanceof ApiException a ? a.retryAfter().orElse(null) : null;
    // (an if for each kind rather than a switch: a switch on an enum costs a class of its own)
    if (kind == Kind.OVERLOAD || kind == Kind.QUOTA) {
      h.cool(kind == Kind.OVERLOAD ? asked : null, kind == Kind.QUOTA, k); // a quota: its account
      return Verdict.Next.MOVE;
    }
    if (kind == Kind.CUT) {
      h.succeeded(); // the host answered: a probe proved it up, whatever became of the answer
      return Verdict.Next.STAY;
    }
    if (kind == Kind.CONCURRENCY && !(k instanceof ApiException a && a.status() == 429)) {
      if (!fullMember(router, t)) {
        h.hold(router.busyHold(asked), k); // a full queue: busy, not down
        return Verdict.Next.MOVE;
      }
      endProbe(h, probe, t);
      return Verdict.Next.CHOOSE; // another member with room, or its next slot
    }
    endProbe(h, probe, t); // the target proved nothing, and does not cool
    if (kind == Kind.CONTEXT) {
      return longerContext(router, model, t, skipped) ? Verdict.Next.MOVE : Verdict.Next.STAY;
    }
    // a budget that falls back moves on (the request was not sent); a host's concurrency 429 is
    // waited out where it is, as are a rate limit and the caller's own error
    return kind == Kind.BUDGET ? Verdict.Next.MOVE : Verdict.Next.STAY;
  }

  /** Tells whether member {@code t} refused for its full queue and its group learnt its room. */
  private static boolean fullMember(Router router, int t) {
    Rooms rooms = router.rooms();
    return rooms != null && rooms.sharesLoad(t) && router.parts(t).gate.teach();
  }

  private static void endProbe(TargetHealth h, int probe, int t) {
    if (probe == t) {
      h.probeEnded();
    }
  }

  /** Tells whether a target the call may still use has a longer context than target {@code t}'s. */
  private static boolean longerContext(Router router, String model, int t, long skipped) {
    long window = router.window(t, model);
    for (int i = 0; i < router.size(); i++) {
      if (i != t && (skipped & (1L << i)) == 0 && router.window(i, model) > window) {
        return true;
      }
    }
    return false;
  }
}
