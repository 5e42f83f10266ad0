package io.github.kimisdk.internal.limit;

import io.github.kimisdk.base.flow.Futures;
import io.github.kimisdk.internal.http.AttemptObserver;
import io.github.kimisdk.internal.http.ErrorFactory;
import io.github.kimisdk.internal.http.RateRefusal;
import io.github.kimisdk.internal.jfr.Jfr;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import java.util.function.LongSupplier;

/**
 * The queue of attempts to one host, held to the concurrency its {@link ConcurrencyLimit} has
 * learned from the host's refusals: until the host refuses an attempt for its concurrency (a 429
 * that says its concurrency limit was reached, a 503 whose queue is full: {@link
 * RateRefusal#concurrency()}), every attempt passes at once and the gate only counts them. Attempts
 * over the limit wait, in arrival order, for a slot. Each permit tells the rule how its attempt
 * ended, and a limit the host states ("max concurrency: N") as soon as the transport read it; the
 * rule alone decides how many may be out (when it cuts, keeps, undoes, raises or holds: see its
 * comment), and each move is told to {@code changes} (the client logs it and records it for Flight
 * Recorder). A refused attempt's call is sent again through the gate after the wait the host asked
 * for (the retrier does not count it as a retry), so a host that takes one request at a time is
 * sent about one at a time instead of each call backing off on its own.
 *
 * <p>A gate also says how much room its host has for one more attempt ({@link #room()}), for a
 * group of replicas that share the load: the most it holds at once, which its full-queue refusals
 * teach at once ({@link #teach()}: the attempts still out when it refused, never below what it once
 * answered beside; raised by one after {@link #RAISE_AFTER_NANOS} without a refusal), within its
 * learned limit and its configured maximum, less the permits granted. A member's room is taken with
 * a permit ({@link #tryTake()}) when its attempt is chosen, so the count of one host's attempts is
 * the gate's alone, and the group is told when a slot frees ({@link #onRelease}).
 *
 * <p>Invariants (guarded by {@code this}): {@code inFlight} counts the granted permits not yet
 * finished, {@code refusing} those of them whose attempt the host refused for its concurrency (the
 * rule counts the others: a refused call's next attempt may be granted before its refused one's
 * permit is given back); a waiter is granted only while {@code inFlight < limit.allowed()}, and
 * only by {@link #drain}, in order; the rule is read and changed only under the lock.
 *
 * <p>Thread model: any thread acquires and finishes; state changes under the lock, waiters are
 * completed and changes told outside it (a completion runs the attempt's send, and telling a change
 * logs).
 */
public final class ConcurrencyGate {

  private final ConcurrencyLimit limit;
  private final Consumer<ConcurrencyLimit.Change> changes;
  private final LongSupplier clock;
  private final ArrayDeque<CompletableFuture<Permit>> waiting = new ArrayDeque<>();
  private int inFlight;
  private int refusing; // of them, refused for concurrency and not finished yet
  private final int max; // the configured maximum, or ConcurrencyLimit.NONE
  // What full-queue refusals taught of the most the host holds at once (NONE until one), when, and
  // the most permits that were out when one of them was answered.
  private int taught = ConcurrencyLimit.NONE;
  private long taughtAt;
  private int answeredAt;
  private volatile Runnable onRelease = () -> {};

  /** How long a taught most stands without a refusal before it is raised by one. */
  static final long RAISE_AFTER_NANOS = 10_000_000_000L;

  /**
   * Creates the gate of one host that tells nobody of its changes.
   *
   * @param max the most attempts in flight the client allows this host ({@code RateLimit}'s
   *     concurrency, which the client's rate limiter enforces itself), or {@link Integer#MAX_VALUE}
   *     for no configured maximum: once the learned limit climbs back to it, the gate stops
   *     limiting
   */
  ConcurrencyGate(int max) {
    this(max, c -> {}, System::nanoTime);
  }

  /**
   * Creates the gate of one host.
   *
   * @param max as {@link #ConcurrencyGate(int)}
   * @param changes told of each move of the limit, outside the lock, on the thread that made it
   * @param clock the time in nanoseconds (the client's scheduler's)
   */
  public ConcurrencyGate(int max, Consumer<ConcurrencyLimit.Change> changes, LongSupplier clock) {
    this.clock = clock;
    this.max = max;
    this.limit = new ConcurrencyLimit(max, clock.getAsLong());
    this.changes = changes;
  }

  /**
   * Returns what tells each move of a host's limit: a line at {@code DEBUG} on {@code log} and a
   * Flight Recorder event ({@code io.github.kimisdk.ConcurrencyLimit}) when a recording wants it.
   *
   * @param target the host's name and address, as the line and the event name it
   * @param log the client's logger
   * @return the teller
   */
  public static Consumer<ConcurrencyLimit.Change> told(String target, System.Logger log) {
    return c -> {
      Jfr.limitChanged(
          target,
          c.reason().toString(),
          asInt(c.from()),
          asInt(c.to()),
          c.attempts(),
          c.refused(),
          100 * c.tolerated());
      log.log(System.Logger.Level.DEBUG, () -> line(target, c));
    };
  }

  /** The line that tells a move of {@code target}'s limit. */
  static String line(String target, ConcurrencyLimit.Change c) {
    String round =
        c.attempts() == 0
            ? "the host stated it"
            : c.refused()
                + " of the round's "
                + c.attempts()
                + " attempts refused for concurrency, "
                + String.format(Locale.ROOT, "%.1f%%", 100 * c.tolerated())
                + " tolerated";
    return "concurrency limit of "
        + target
        + ": "
        + shown(c.from())
        + " -> "
        + shown(c.to())
        + " ("
        + c.reason()
        + ": "
        + round
        + ")";
  }

  private static String shown(int limit) {
    return limit == ConcurrencyLimit.NONE ? "none" : Integer.toString(limit);
  }

  private static int asInt(int limit) {
    return limit == ConcurrencyLimit.NONE ? -1 : limit;
  }

  /**
   * Returns a permit: completed at once while the limit allows, else when a slot frees. Cancelling
   * the future withdraws the waiter.
   *
   * @return the permit
   */
  CompletableFuture<Permit> acquire() {
    synchronized (this) {
      if (waiting.isEmpty() && inFlight < limit.allowed()) {
        return CompletableFuture.completedFuture(grant());
      }
      CompletableFuture<Permit> w = new CompletableFuture<>();
      waiting.add(w);
      return w;
    }
  }

  /** Grants a permit now; under the lock. */
  private Permit grant() {
    inFlight++;
    long now = clock.getAsLong();
    return new Permit(limit.granted(inFlight, refusing, now), now);
  }

  /** The learned limit: {@link Integer#MAX_VALUE} while the gate does not limit. */
  public synchronized int limit() {
    return limit.limit();
  }

  /** The attempts granted and not yet finished. */
  public synchronized int inFlight() {
    return inFlight;
  }

  /**
   * The most attempts the host is given at once as a member of a group: what its full-queue
   * refusals taught, within the learned limit and the configured maximum; {@link Integer#MAX_VALUE}
   * for no limit.
   */
  public synchronized int cap() {
    long now = clock.getAsLong();
    if (taught != ConcurrencyLimit.NONE && now - taughtAt >= RAISE_AFTER_NANOS) {
      taught++;
      taughtAt = now;
    }
    return Math.min(Math.min(taught, max), limit.limit());
  }

  /**
   * How many more attempts the host takes now ({@link #cap()} less the permits out; none while
   * attempts wait for a slot); {@link Integer#MAX_VALUE} for no limit.
   */
  public synchronized int room() {
    int cap = cap();
    if (cap == ConcurrencyLimit.NONE) {
      return cap;
    }
    return waiting.isEmpty() ? Math.max(0, cap - inFlight) : 0;
  }

  /** The attempts out and waiting: its load, against {@link #cap()}. */
  public synchronized int load() {
    return inFlight + waiting.size();
  }

  /**
   * Grants a permit now when the host has room ({@link #room()}), else none: the permit of an
   * attempt a group chose this member for, handed down to the attempt's layer of this gate.
   *
   * @return the permit, or null
   */
  public Permit tryTake() {
    synchronized (this) {
      if (room() > 0) {
        return grant();
      }
    }
    return null;
  }

  /**
   * Learns from a full-queue refusal of an attempt, whose permit is back: the most the host holds
   * at once is the attempts still out (the host held them when it refused), never fewer than it
   * once answered beside (it may not yet have freed the slot of an attempt the client saw end).
   *
   * @return false when it refused with nothing else out and takes one at a time: busy, not full
   */
  public synchronized boolean teach() {
    int out = inFlight;
    if (out == 0 && taught <= 1) {
      return false;
    }
    taught = Math.min(taught, Math.max(1, Math.max(out, answeredAt)));
    taughtAt = clock.getAsLong();
    return true;
  }

  /**
   * Has {@code released} run each time a permit is given back (a slot may have freed), outside the
   * gate's lock; for the group that reads this gate's room.
   *
   * @param released what to run
   */
  public void onRelease(Runnable released) {
    this.onRelease = released;
  }

  /** The attempts waiting for a slot. */
  synchronized int waiting() {
    return waiting.size();
  }

  /** How many cuts the rule tried; for tests. */
  synchronized int cuts() {
    return limit.cuts();
  }

  /** How many cuts the rule undid; for tests. */
  synchronized int undone() {
    return limit.undone();
  }

  private void finished(Permit p, Throwable failure, boolean heard) {
    // heard from the transport in the usual case; else judged from the failure the call got
    boolean refusal = heard || refusedForConcurrency(failure);
    ConcurrencyLimit.Change c;
    synchronized (this) {
      if (failure == null) {
        answeredAt = Math.max(answeredAt, inFlight); // the attempts out beside it, itself too
      }
      inFlight--;
      if (heard) {
        refusing--;
      }
      c =
          limit.ended(
              p.round, p.start, refusal, cancelled(failure), inFlight, refusing, clock.getAsLong());
    }
    tell(c);
    drain();
    onRelease.run();
  }

  /**
   * Tells whether an attempt's failure is its host's refusal for concurrency, as {@link
   * RateRefusal#concurrency} judges a status and a server's message.
   */
  static boolean refusedForConcurrency(Throwable failure) {
    RateRefusal r = ErrorFactory.refusal(failure);
    return r != null && r.concurrency();
  }

  private static boolean cancelled(Throwable failure) {
    return failure != null
        && (failure == RateLimiter.CANCELLED
            || Futures.unwrap(failure) instanceof CancellationException);
  }

  private void refused(RateRefusal r) {
    int stated = r.statedConcurrency();
    ConcurrencyLimit.Change c = null;
    synchronized (this) {
      refusing++; // the host holds it no more, though its permit is not given back yet
      if (stated >= 1) {
        c = limit.stated(stated, inFlight, refusing, clock.getAsLong());
      }
    }
    tell(c); // the refusal itself is counted when the attempt ends
  }

  private void tell(ConcurrencyLimit.Change c) {
    if (c != null) {
      changes.accept(c);
    }
  }

  /** Grants waiters, in order, while the limit allows. */
  private void drain() {
    List<CompletableFuture<Permit>> granted = null;
    List<Permit> permits = null;
    synchronized (this) {
      while (inFlight < limit.allowed() && !waiting.isEmpty()) {
        CompletableFuture<Permit> w = waiting.poll();
        if (w.isDone()) {
          continue; // withdrawn
        }
        if (granted == null) {
          granted = new ArrayList<>(2);
          permits = new ArrayList<>(2);
        }
        granted.add(w);
        permits.add(grant());
      }
    }
    if (granted == null) {
      return;
    }
    for (int i = 0; i < granted.size(); i++) {
      Permit p = permits.get(i);
      if (!granted.get(i).complete(p)) {
        p.finish(RateLimiter.CANCELLED); // withdrawn meanwhile: its slot goes to the next
      }
    }
  }

  /**
   * Runs {@code call} once the gate grants a permit, and finishes the permit when its future
   * completes. Cancelling the result withdraws the waiter or cancels the call.
   *
   * @param call sends the attempt, told whether it runs on the thread that asked
   * @return the attempt's outcome
   */
  <T> CompletableFuture<T> call(PermitCall<T> call) {
    return call(call, null);
  }

  /**
   * As {@link #call(PermitCall)}; {@code queued}, when not null, is told of the permit's future
   * when the attempt has to wait for a slot (to bound the wait).
   */
  public <T> CompletableFuture<T> call(
      PermitCall<T> call, java.util.function.Consumer<CompletableFuture<Permit>> queued) {
    return call(call, queued, null);
  }

  /**
   * As {@link #call(PermitCall, java.util.function.Consumer)}, with {@code taken}, when not null,
   * as the attempt's permit: granted when its member was chosen ({@link #tryTake()}), it is used at
   * once.
   */
  public <T> CompletableFuture<T> call(
      PermitCall<T> call,
      java.util.function.Consumer<CompletableFuture<Permit>> queued,
      Permit taken) {
    CompletableFuture<Permit> acquired =
        taken != null && taken.gate() == this
            ? CompletableFuture.completedFuture(taken)
            : acquire();
    if (acquired.isDone()) { // the usual case: no queue, no extra future
      Permit p = acquired.join();
      CompletableFuture<T> f;
      try {
        f = call.send(p, true);
      } catch (RuntimeException e) {
        p.finish(e);
        throw e;
      }
      f.whenComplete((r, e) -> p.finish(e));
      return f;
    }
    if (queued != null) {
      queued.accept(acquired);
    }
    Thread asking = Thread.currentThread();
    return RateLimiter.whenGranted(
        acquired, permit -> call.send(permit, Thread.currentThread() == asking), Permit::finish);
  }

  /** Sends an attempt with its permit. */
  @FunctionalInterface
  public interface PermitCall<T> {
    /**
     * Sends the attempt.
     *
     * @param permit the attempt's permit, which hears its refusal
     * @param sameThread whether this is the thread that asked for the permit
     * @return the attempt's outcome
     */
    CompletableFuture<T> send(Permit permit, boolean sameThread);
  }

  @Override
  public synchronized String toString() {
    return "ConcurrencyGate[limit="
        + (limit.limit() == ConcurrencyLimit.NONE ? "none" : Integer.toString(limit.limit()))
        + ", inFlight="
        + inFlight
        + ", waiting="
        + waiting.size()
        + "]";
  }

  /** One attempt's right to be sent; it hears the attempt's refusal from the transport. */
  public final class Permit implements AttemptObserver {
    private final int round; // the rule's round it was granted in, or NO_ROUND
    private final long start; // when
    private final AtomicBoolean done = new AtomicBoolean();
    private final AtomicBoolean refusal = new AtomicBoolean();

    private Permit(int round, long start) {
      this.round = round;
      this.start = start;
    }

    /** Gives the slot back; {@code failure} is the attempt's, null on success. Once. */
    void finish(Throwable failure) {
      if (done.compareAndSet(false, true)) {
        finished(this, failure, refusal.get());
      }
    }

    /**
     * Gives the slot back as an attempt that was not sent (counted by no rule), unless it was given
     * back already. Safe more than once, and after the attempt ended.
     */
    public void release() {
      finish(RateLimiter.CANCELLED);
    }

    /** The gate this permit belongs to. */
    ConcurrencyGate gate() {
      return ConcurrencyGate.this;
    }

    @Override
    public boolean hearsRefusals() {
      return true;
    }

    @Override
    public void refused(int attempt, RateRefusal r) {
      if (r.concurrency() && refusal.compareAndSet(false, true)) {
        ConcurrencyGate.this.refused(r);
      }
    }
  }
}
