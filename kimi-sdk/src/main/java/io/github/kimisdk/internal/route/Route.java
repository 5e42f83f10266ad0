package io.github.kimisdk.internal.route;

import io.github.kimisdk.CallEvent;
import io.github.kimisdk.errors.KimiException;
import io.github.kimisdk.internal.limit.ConcurrencyGate;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/**
 * Where one chat call's attempts go, owned by that call and asked by its retrier, which decides
 * only when (retries, backoff, waits, the deadline). It answers where the next attempt goes ({@link
 * #next}: a target, with the room it holds there; or a wait for a target that may come back, {@link
 * #await}, {@link #anyway}; or nowhere), what a failure means for where ({@link #failed}: stay,
 * move, choose again, a new round, or nothing left), and whether a slow stream may be handed over
 * ({@link #hedge}, reserving the room or probe the hand-over counts on); the moves to tell (a
 * fallback, a conversation moved, a hedge) come back with its answers. It hears the rest of what
 * happened in one place ({@link #record}: a response began, an attempt succeeded, the call ended),
 * and says what the targets said for a failure that names them all ({@link #report}). Each answer
 * also tells the targets' health what it learnt ({@link Lesson}): refusals and failures before the
 * response cool a target or hold a busy one; a failure after the response began is retried where it
 * was and neither cools the target nor moves the call. These methods are the route's door: the only
 * ones named outside this package ({@code scripts/route-door.sh} counts them).
 *
 * <p>Thread model: a call's attempts run one after another, so {@link #next}, {@link #failed} and
 * {@link #record} of a success or an end come one at a time (from whichever thread the call runs
 * on); {@link #record} of a response that began comes from the thread that read its headers, {@link
 * #hedge} from a timer while an attempt runs, and {@link #record} of the call's end may come from a
 * cancel at any time. Every field is guarded by {@code this}; the targets' health and the groups'
 * rooms are told outside this lock (a health runs the calls that wait for it), but for the
 * conversation's member, which {@link #next} sets under it ({@code Rooms.settle}: the groups' lock
 * after this one, never the other way round) so that each change is told once, by the call that
 * made it.
 */
public final class Route {

  private final Router router;
  private final String model; // for the targets' context windows; null for none
  private final long key; // the conversation's key (Router.affinityKey), or 0

  // Guarded by this.
  private long skipped; // the targets this round of the call may no longer use, one bit each
  private long refusedHere; // the targets that refused an attempt of this call, any round
  private boolean newRound; // every target refused: the next pick starts a new round
  private int target = -1; // the target of the attempt in flight, or of the last one sent
  private Hold current = Hold.NONE; // the room and probe that attempt holds
  private int named = -1; // the next attempt's target without a choice: a stay, a hand-over
  private Hold reserved = Hold.NONE; // the room or probe a hand-over reserved
  private boolean handOver; // named is a hand-over's target, admitted when it was reserved
  private int waitAt = -1; // the member a call whose every member is full waits at
  private long seen; // the groups' releases when the call last chose
  private KimiException fellBack; // the failure that moves the call, until told
  private int fellBackFrom = -1;
  private int hedgedFrom = -1; // the slow attempt's target, until the hand-over is told
  private Duration hedgedAfter = Duration.ZERO;
  private int fallbacks;
  private boolean over; // ended: nothing more is held

  Route(Router router, String model, long key) {
    this.router = router;
    this.model = model;
    this.key = key;
  }

  private boolean skips(int t) {
    return (skipped & (1L << t)) != 0;
  }

  /**
   * Returns where the next attempt goes, taking the room (and the probe) it counts on there, and
   * tells {@code tell} the moves that choice made: the fallback a failure asked for, a conversation
   * moved off its member, a hand-over.
   *
   * @param tell hears each move, on this thread, before this returns
   * @return where the attempt goes, or why it waits
   */
  public Where next(Consumer<Move> tell) {
    int stay;
    boolean handed;
    Hold taken;
    synchronized (this) {
      if (over) {
        return new Where(Where.NOWHERE, null, Long.MAX_VALUE, false);
      }
      stay = named;
      handed = handOver;
      taken = reserved;
      named = -1;
      handOver = false;
      reserved = Hold.NONE;
      if (newRound) {
        skipped = 0;
        newRound = false;
      }
    }
    // an attempt handed over ended without a judgement: its probe proves nothing
    take().release(router);
    int t = -1;
    int left;
    if (stay >= 0 && !handed) {
      // a retry in place: its target again, as its health allows, holding its room there
      TargetHealth.Admission a = router.health(stay).admit();
      if (a != TargetHealth.Admission.NO) {
        t = stay;
        Rooms rooms = router.rooms();
        ConcurrencyGate.Permit room = null;
        if (rooms != null && rooms.sharesLoad(stay)) {
          room = rooms.take(stay); // none when full: its gate queues the attempt
        }
        taken = new Hold(room, a == TargetHealth.Admission.PROBE ? stay : -1);
      }
    } else if (stay >= 0) {
      t = stay; // a hand-over's target: its room or probe reserved
    }
    Where w;
    if (t >= 0) {
      w = new Where(t, taken.permit(), 0, false);
    } else {
      Router.Pick p = pick();
      w = p.where();
      taken = new Hold(w.permit(), p.probe());
    }
    List<Move> moves = new ArrayList<>(3);
    synchronized (this) {
      if (over) {
        taken.release(router);
        return new Where(Where.NOWHERE, null, Long.MAX_VALUE, false);
      }
      if (!w.go()) {
        return w;
      }
      target = w.target();
      current = taken;
      // the conversation's member is where this attempt goes, whatever sent it there: a change is
      // a move, told here, by the call that made it (under this lock: no other answer of the call
      // runs meanwhile, and the groups' lock is taken after this one, never before)
      Rooms rooms = router.rooms();
      left = rooms == null ? -1 : rooms.settle(key, target);
      if (fellBack != null) {
        moves.add(new Move.Fallback(fellBack, router.served(fellBackFrom), router.served(target)));
        fellBack = null;
      }
      if (hedgedFrom >= 0) {
        moves.add(
            new Move.Rerouted(
                CallEvent.Reroute.HEDGED,
                router.served(hedgedFrom),
                router.served(target),
                hedgedAfter));
        hedgedFrom = -1;
      }
      if (left >= 0 && left != target) {
        moves.add(
            new Move.Rerouted(
                CallEvent.Reroute.MOVED,
                router.served(left),
                router.served(target),
                Duration.ZERO));
      }
    }
    for (Move m : moves) {
      tell.accept(m);
    }
    return w;
  }

  /**
   * Chooses the next attempt's target among those the call may use (outside the lock). When none of
   * them takes the call and none is merely busy, but a target this round passed is busy (held after
   * refusing for its full queue), a new round begins: the call waits for a busy host rather than
   * failing for the down ones. When every one it may use cools, the call probes the one cooling
   * longest on a cooldown of the client's own choosing ({@link Router#probeEarly}), if any that has
   * not refused this call.
   */
  private Router.Pick pick() {
    long skip;
    synchronized (this) {
      skip = skipped;
    }
    Router.Pick p = router.pick(skip, key);
    if (!p.where().go() && !p.where().busy() && skip != 0 && router.anyBusy(skip)) {
      synchronized (this) {
        skipped = 0;
      }
      skip = 0;
      p = router.pick(0, key);
    }
    if (!p.where().go() && !p.where().busy()) {
      // every target it may use cools, on other calls' refusals: probe the one cooling longest,
      // rather than fail or wait (a target that refused this call itself is not asked again early)
      long refused;
      synchronized (this) {
        refused = refusedHere;
      }
      Router.Pick early = router.probeEarly(skip | refused);
      if (early != null) {
        p = early;
      }
    }
    synchronized (this) {
      seen = p.seen();
      waitAt = p.waitAt();
    }
    return p;
  }

  /**
   * Has {@code wake} run once the call may be admitted again: a member of its group freed room,
   * when it waits for room; else a target it may use ended its cooldown, hold or probe.
   *
   * @param wake what to run, once or more (the caller runs it once)
   */
  public void await(Runnable wake) {
    int at;
    long s;
    long skip;
    synchronized (this) {
      at = waitAt;
      s = seen;
      skip = skipped;
    }
    if (at >= 0) {
      router.rooms().await(s, wake);
      return;
    }
    for (int i = 0; i < router.size(); i++) {
      if ((skip & (1L << i)) == 0) {
        router.health(i).await(wake);
      }
    }
  }

  /**
   * Names, for the next {@link #next}, the member a call waited for room at as long as it may: it
   * goes there room or not (its gate and limiter still hold it to their limits).
   *
   * @return false when the call waited at no member, or that member no longer takes calls
   */
  public boolean anyway() {
    int t;
    synchronized (this) {
      t = waitAt;
      waitAt = -1;
    }
    if (t < 0 || router.health(t).availableInNanos() != 0) {
      return false;
    }
    synchronized (this) {
      named = t; // a stay: admitted again by next(), its room taken if it has some
    }
    return true;
  }

  /**
   * Judges the failure of the call's attempt, tells its target's health what it means there ({@link
   * Lesson}), and says where the next attempt goes: where it went (a stay), another target the call
   * may use (a move; a quota passes every target of its account), a choice again in its group, a
   * new round once every target refused, or nowhere when no target left could answer (a quota, a
   * context too long, a budget).
   *
   * @param k the attempt's failure
   * @return its kind and where the next attempt goes
   */
  public Verdict failed(KimiException k) {
    int t;
    synchronized (this) {
      t = target;
    }
    Hold held = take();
    if (held.permit() != null) {
      held.permit().release(); // given back when its attempt ended; else now
    }
    if (t < 0) {
      return new Verdict(Kind.of(k, null), Verdict.Next.STAY);
    }
    Kind kind = Kind.of(k, router.host(t));
    long skip;
    synchronized (this) {
      skip = skipped;
    }
    Verdict.Next after = Lesson.learn(router, model, t, kind, k, held.probe(), skip);
    if (after == Verdict.Next.CHOOSE) {
      return new Verdict(kind, after);
    }
    synchronized (this) {
      if (after == Verdict.Next.STAY) {
        named = t; // stays: the next attempt goes where this one went
        return new Verdict(kind, Verdict.Next.STAY);
      }
      if (kind == Kind.QUOTA) {
        for (int i = 0; i < router.size(); i++) {
          if (i == t || router.sameAccount(i, t)) {
            skipped |= 1L << i;
          }
        }
      } else {
        skipped |= 1L << t;
      }
      refusedHere |= 1L << t;
      if (anyLeftLocked()) {
        fallbacks++;
        fellBack = k;
        fellBackFrom = t;
        return new Verdict(kind, Verdict.Next.MOVE);
      }
      if (kind == Kind.QUOTA || kind == Kind.CONTEXT || kind == Kind.BUDGET) {
        return new Verdict(kind, Verdict.Next.END); // no target left that could answer
      }
      newRound = true;
      return new Verdict(kind, Verdict.Next.ROUND);
    }
  }

  private boolean anyLeftLocked() {
    for (int i = 0; i < router.size(); i++) {
      if (!skips(i)) {
        return true;
      }
    }
    return false;
  }

  /**
   * Reserves a hand-over for the call's slow attempt: another target the call may use that admits
   * it now (a member with room, whose room is taken; or the first target in order, whose probe it
   * becomes when its cooldown just ended), paid from the client's hedge allowance. The next {@link
   * #next} goes there and tells the hedge; the slow attempt's target does not cool down, and this
   * round passes it.
   *
   * @param after how long the attempt had brought nothing
   * @return what undoes the reservation if the hand-over does not happen (the slow attempt
   *     delivered meanwhile), or null when there is nowhere to go: the slow attempt goes on
   */
  public Runnable hedge(Duration after) {
    int from;
    long skip;
    synchronized (this) {
      from = target;
      skip = skipped;
      if (over || from < 0 || named >= 0) {
        return null;
      }
    }
    Router.Pick p = router.handOver(from, skip, key);
    int to = p.where().target();
    ConcurrencyGate.Permit permit = p.where().permit();
    int probeAt = p.probe();
    Hold hold = new Hold(permit, probeAt);
    if (to < 0 || !router.spendHedge()) {
      hold.release(router);
      return null;
    }
    boolean late;
    synchronized (this) {
      late = over || target != from || named >= 0;
      if (!late) {
        named = to;
        reserved = hold;
        handOver = true;
        hedgedFrom = from;
        hedgedAfter = after;
        skipped |= 1L << from;
      }
    }
    if (late) {
      router.refundHedge();
      hold.release(router);
      return null;
    }
    int reservedAt = to;
    long was = skip;
    return () -> {
      boolean undo;
      synchronized (this) {
        undo = named == reservedAt && reserved == hold && hedgedFrom == from;
        if (undo) {
          named = -1;
          handOver = false;
          reserved = Hold.NONE;
          hedgedFrom = -1;
          skipped = was;
        }
      }
      if (undo) {
        router.refundHedge();
        hold.release(router);
      }
    };
  }

  /**
   * Records what became of the call's attempt, or of the call: its response began, it succeeded, or
   * the call ended ({@link Outcome}, which says what each gives back and tells the targets'
   * health).
   *
   * @param what what happened
   */
  public void record(Outcome what) {
    if (what == Outcome.ANSWERED) {
      answered();
    } else if (what == Outcome.SUCCEEDED) {
      succeeded();
    } else {
      ended();
    }
  }

  /** The attempt's response began: a probe is over, its target available again at once. */
  private void answered() {
    int t;
    synchronized (this) {
      t = target;
      if (t < 0 || current.probe() != t) {
        return;
      }
      current = new Hold(current.permit(), -1); // the probe is over: nothing of it left to end
    }
    router.health(t).succeeded();
  }

  /** The attempt succeeded: its room goes back; a probe makes its target available again. */
  private void succeeded() {
    int t;
    synchronized (this) {
      t = target;
    }
    Hold held = take();
    if (held.permit() != null) {
      held.permit().release();
    }
    if (t >= 0) {
      router.health(t).succeeded();
    }
  }

  /** Takes what the call's attempt holds (its room, its probe), leaving nothing held. */
  private synchronized Hold take() {
    Hold held = current;
    current = Hold.NONE;
    return held;
  }

  /** The call ended: what it still holds, and a hand-over's reservation, go back. */
  private void ended() {
    Hold held;
    Hold handed;
    synchronized (this) {
      over = true;
      held = current;
      handed = reserved;
      current = Hold.NONE;
      reserved = Hold.NONE;
      named = -1;
      handOver = false;
    }
    held.release(router);
    handed.release(router);
  }

  /**
   * Returns what the call's targets said, for a failure that names every one of them: each target's
   * last answer and state (and whether this call passes it), the last answer with a status any
   * target's host gave, and the latest failure that cooled or held one.
   *
   * @return the report
   */
  public Report report() {
    long skip;
    synchronized (this) {
      skip = skipped;
    }
    return router.report(skip);
  }

  @Override
  public synchronized String toString() {
    return "Route[target=" + target + ", fallbacks=" + fallbacks + "]";
  }
}
