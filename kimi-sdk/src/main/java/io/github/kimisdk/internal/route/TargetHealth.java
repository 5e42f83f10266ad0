package io.github.kimisdk.internal.route;

import io.github.kimisdk.RetryPolicy;
import io.github.kimisdk.TargetStatus.State;
import io.github.kimisdk.base.flow.Scheduler;
import io.github.kimisdk.errors.KimiException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Whether one fallback target takes calls, as the client judges it from the answers it got: {@code
 * AVAILABLE}; {@code COOLING} after it said it is overloaded (or its account ran out of quota),
 * until its cooldown ends; then {@code PROBING}: the next call that asks is its probe, and while
 * the probe is out no other call is sent there. A probe that succeeds makes it available again and
 * resets the cooldown; one that is refused again cools it for twice as long, up to the policy's
 * longest. So a target that stays down is sent one call per cooldown, however many calls the client
 * makes meanwhile.
 *
 * <p>Calls that find no target they may use wait here ({@link #await}) and are told when this one
 * may be asked again (its cooldown ended, its probe came back).
 *
 * <p>Invariants (guarded by {@code this}): {@code until} is meaningful only while {@code COOLING};
 * {@code probeOut} only while {@code PROBING}; {@code cooldown} is between the policy's first and
 * longest cooldown; a timer is armed for {@code until} while cooling with waiters.
 */
public final class TargetHealth {

  /** What a call that asks may do. */
  enum Admission {
    /** Send it. */
    YES,
    /** Send it: it is the target's probe. */
    PROBE,
    /** Do not: the target cools down or its probe is out. */
    NO
  }

  private final Scheduler scheduler;
  private final Duration firstCooldown;
  private final Duration maxCooldown;
  private State state = State.AVAILABLE; // TargetStatus.State: the one enum of it
  private long until;
  private Duration cooldown;
  private boolean probeOut;
  private boolean timerArmed;
  private int probes;
  private int coolings;
  private KimiException lastFailure;
  private boolean busy; // its last cooldown is for a full queue: busy, not down
  private List<Runnable> waiters = new ArrayList<>();

  TargetHealth(Scheduler scheduler, RetryPolicy policy) {
    this.scheduler = scheduler;
    this.firstCooldown = policy.cooldown();
    this.maxCooldown = policy.maxCooldown();
    this.cooldown = firstCooldown;
  }

  /** Says whether a call may be sent now, and makes it the probe when the cooldown just ended. */
  synchronized Admission admit() {
    if (state == State.COOLING && scheduler.nanoTime() - until >= 0) {
      state = State.PROBING;
      probeOut = false;
    }
    switch (state) {
      case AVAILABLE:
        return Admission.YES;
      case PROBING:
        if (probeOut) {
          return Admission.NO;
        }
        probeOut = true;
        probes++;
        return Admission.PROBE;
      default:
        return Admission.NO;
    }
  }

  /**
   * Returns how long until a call may be asked of this target: zero when now, the rest of its
   * cooldown, or -1 while its probe is out (the probe's end is told to the waiters).
   */
  public synchronized long availableInNanos() {
    switch (state) {
      case AVAILABLE:
        return 0;
      case COOLING:
        return Math.max(0, until - scheduler.nanoTime());
      default:
        return probeOut ? -1 : 0;
    }
  }

  /**
   * Cools the target down: it said it is overloaded, or its account is out of quota ({@code
   * longest}). A refusal asking for a wait ({@code asked}) cools it that long, within the policy's
   * longest cooldown.
   */
  void cool(Duration asked, boolean longest, KimiException failure) {
    cool(asked, longest, failure, false);
  }

  /**
   * Cools the target down as {@link #cool(Duration, boolean, KimiException)} does; {@code
   * fullQueue} when it refused for its full queue: it is busy, not down, and a call may wait for it
   * ({@link #busy()}).
   */
  void cool(Duration asked, boolean longest, KimiException failure, boolean fullQueue) {
    synchronized (this) {
      lastFailure = failure;
      busy = fullQueue;
      coolings++;
      if (state == State.PROBING) {
        // its probe was refused again: this cooldown is longer
        Duration doubled = cooldown.multipliedBy(2);
        cooldown = doubled.compareTo(maxCooldown) > 0 ? maxCooldown : doubled;
      }
      Duration d = longest ? maxCooldown : cooldown;
      if (asked != null && asked.compareTo(d) > 0) {
        d = asked.compareTo(maxCooldown) > 0 ? maxCooldown : asked;
      }
      long at = scheduler.nanoTime() + d.toNanos();
      if (state != State.COOLING || at - until > 0) {
        until = at;
      }
      state = State.COOLING;
      probeOut = false;
      armIfWaited();
    }
  }

  /** A call sent to the target succeeded: available again, the cooldown reset. */
  void succeeded() {
    List<Runnable> wake = null;
    synchronized (this) {
      if (state == State.AVAILABLE) {
        return;
      }
      if (state == State.PROBING) {
        state = State.AVAILABLE;
        cooldown = firstCooldown;
        probeOut = false;
        wake = takeWaiters();
      }
    }
    run(wake);
  }

  /** A probe ended with neither a success nor an overload: the next call probes again. */
  void probeEnded() {
    List<Runnable> wake = null;
    synchronized (this) {
      if (state == State.PROBING && probeOut) {
        probeOut = false;
        wake = takeWaiters();
      }
    }
    run(wake);
  }

  /**
   * Tells {@code waiter} once a call may be asked of this target again; at once when it may now.
   */
  void await(Runnable waiter) {
    boolean now;
    synchronized (this) {
      now = availableInNanos() == 0;
      if (!now) {
        waiters.add(waiter);
        armIfWaited();
      }
    }
    if (now) {
      waiter.run();
    }
  }

  /** Arms the timer of the cooldown's end when calls wait for it (under the lock). */
  private void armIfWaited() {
    if (state != State.COOLING || waiters.isEmpty() || timerArmed) {
      return;
    }
    timerArmed = true;
    long left = Math.max(0, until - scheduler.nanoTime());
    scheduler.schedule(this::cooled, Duration.ofNanos(left));
  }

  private void cooled() {
    List<Runnable> wake;
    synchronized (this) {
      timerArmed = false;
      if (state == State.COOLING && scheduler.nanoTime() - until < 0) {
        armIfWaited(); // cooled again for longer meanwhile
        return;
      }
      wake = takeWaiters();
    }
    run(wake);
  }

  private List<Runnable> takeWaiters() {
    if (waiters.isEmpty()) {
      return null;
    }
    List<Runnable> w = waiters;
    waiters = new ArrayList<>();
    return w;
  }

  private static void run(List<Runnable> wake) {
    if (wake != null) {
      for (Runnable r : wake) {
        r.run();
      }
    }
  }

  /** The target's state now. */
  public synchronized State state() {
    if (state == State.COOLING && scheduler.nanoTime() - until >= 0) {
      return State.PROBING;
    }
    return state;
  }

  /** How many probes were sent. */
  synchronized int probes() {
    return probes;
  }

  /** How many times it was cooled down. */
  synchronized int coolings() {
    return coolings;
  }

  /**
   * Tells whether it cools down, or waits for its probe, after it refused for its full queue: a
   * host that is busy, not down or overloaded.
   */
  synchronized boolean busy() {
    return busy && state != State.AVAILABLE;
  }

  /** The failure that last cooled it down, or null. */
  synchronized KimiException lastFailure() {
    return lastFailure;
  }

  @Override
  public synchronized String toString() {
    return "TargetHealth[" + state + ", probes=" + probes + ", coolings=" + coolings + "]";
  }
}
