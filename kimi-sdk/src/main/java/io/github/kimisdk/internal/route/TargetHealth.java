package io.github.kimisdk.internal.route;

import io.github.kimisdk.RetryPolicy;
import io.github.kimisdk.base.flow.Scheduler;
import io.github.kimisdk.errors.ApiException;
import io.github.kimisdk.errors.KimiException;
import io.github.kimisdk.host.TargetStatus.State;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Whether one fallback target takes calls, as the client judges it from the answers it got: {@code
 * AVAILABLE}; {@code COOLING} after it said it is overloaded, could not be reached, or its account
 * ran out of quota, until its cooldown ends; then {@code PROBING}: the next call that asks is its
 * probe, and while the probe is out no other call is sent there. A probe that succeeds makes it
 * available again and resets the cooldown; one that is refused again cools it for twice as long, up
 * to the policy's longest. So a target that stays down is sent one call per cooldown, however many
 * calls the client makes meanwhile.
 *
 * <p>A target that refused for its full queue is busy, not down: it is held ({@link #hold}) for the
 * wait its answer asked, or a short one, never doubled and never probed; when the hold ends it is
 * available again.
 *
 * <p>Calls that find no target they may use wait here ({@link #await}) and are told when this one
 * may be asked again (its cooldown or hold ended, its probe came back).
 *
 * <p>Invariants (guarded by {@code this}): {@code until} is meaningful only while {@code COOLING};
 * {@code probeOut} only while {@code PROBING}; {@code busy} only while {@code COOLING} (a hold);
 * {@code cooldown} is between the policy's first and longest cooldown; a timer is armed for {@code
 * until} while cooling with waiters.
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
  private long lastFailureAt; // when lastFailure was told, by the scheduler's clock
  private ApiException lastAnswer; // the last failure a host answered with a status, or null
  private long lastAnswerAt;
  private boolean busy; // it is held for a full queue: busy, not down
  private boolean unreachable; // its last cooldown is for a host that could not be reached
  private boolean held; // its cooldown is the host's asked wait, or a quota's: never probed early
  private boolean timedOut; // its last failure was a timeout: a probe may cost one, none early
  private boolean early; // the probe out was taken early: refused, it does not double the cooldown
  private long cooledAt; // when its cooldown began, by the scheduler's clock
  private final long earliestProbe; // how long a cooldown runs before an early probe may end it
  private int earlyProbes;
  private List<Runnable> waiters = new ArrayList<>();

  TargetHealth(Scheduler scheduler, RetryPolicy policy) {
    this.scheduler = scheduler;
    this.firstCooldown = policy.cooldown();
    this.maxCooldown = policy.maxCooldown();
    this.cooldown = firstCooldown;
    this.earliestProbe = policy.initialBackoff().toNanos();
  }

  /**
   * Says whether a call may be sent now, and makes it the probe when the cooldown just ended. Runs
   * no waiter (a waiter waits for the timer of the cooldown's end), so it may be asked under a
   * call's lock.
   */
  synchronized Admission admit() {
    if (state == State.COOLING && scheduler.nanoTime() - until >= 0) {
      if (busy) {
        released(); // a hold ended: available again, no probe
      } else {
        state = State.PROBING;
        probeOut = false;
      }
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
    synchronized (this) {
      failed(failure);
      busy = false;
      unreachable = failure != null && Kind.unreachable(failure);
      held = longest || asked != null;
      timedOut = failure instanceof io.github.kimisdk.errors.KimiTimeoutException;
      cooledAt = scheduler.nanoTime();
      coolings++;
      boolean earlyProbe = early;
      early = false;
      if (state == State.PROBING && !earlyProbe) {
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

  /**
   * Holds the target for {@code hold}: it refused for its full queue, so it is busy, not down. A
   * target cooling for an overload stays cooling, but its probe came back: the host answers.
   */
  void hold(Duration hold, KimiException failure) {
    List<Runnable> wake = null;
    synchronized (this) {
      failed(failure);
      if (state == State.COOLING && !busy) {
        return; // cooling for an overload: a refusal of a call sent before says nothing new
      }
      if (state == State.PROBING) {
        cooldown = firstCooldown; // the host answered its probe: it is up
        probeOut = false;
        wake = takeWaiters();
      }
      long at = scheduler.nanoTime() + hold.toNanos();
      if (state != State.COOLING || at - until > 0) {
        until = at;
      }
      state = State.COOLING;
      busy = true;
      unreachable = false;
      armIfWaited();
    }
    run(wake);
  }

  /** Keeps {@code failure} as the target's last, and as its last answer when a host sent it. */
  private void failed(KimiException failure) {
    lastFailure = failure;
    lastFailureAt = scheduler.nanoTime();
    if (failure instanceof ApiException a) {
      lastAnswer = a;
      lastAnswerAt = lastFailureAt;
    }
  }

  /** Ends a hold, or the cooldown a probe ended: available again (under the lock). */
  private void released() {
    state = State.AVAILABLE;
    busy = false;
    unreachable = false;
    probeOut = false;
    early = false;
  }

  /**
   * Makes the asking call this target's probe before its cooldown ended, when a call finds every
   * target it may use cooling ({@link Router#probeEarly}): only a cooldown of the client's own
   * choosing (not a wait the host asked for, not a quota's, not a full queue's hold), not after a
   * timeout (whose probe may cost another), that has run at least the policy's first backoff, and
   * while no probe is out. One that succeeds makes the target available; one refused cools it again
   * for the same cooldown (it was early: it proves nothing the cooldown did not assume), so a
   * target that stays down is probed early at most once per first backoff, and only while every
   * target cools.
   *
   * @return true when the call is the probe
   */
  synchronized boolean probeEarly() {
    if (state != State.COOLING
        || busy
        || held
        || timedOut
        || scheduler.nanoTime() - cooledAt < earliestProbe) {
      return false;
    }
    state = State.PROBING;
    probeOut = true;
    early = true;
    probes++;
    earlyProbes++;
    return true;
  }

  /**
   * How long ago its cooldown began, when it may be probed early ({@link #probeEarly}); else -1.
   */
  synchronized long earlyProbeAge() {
    if (state != State.COOLING || busy || held || timedOut) {
      return -1;
    }
    long age = scheduler.nanoTime() - cooledAt;
    return age >= earliestProbe ? age : -1;
  }

  /** How many probes were sent before their cooldown ended. */
  synchronized int earlyProbes() {
    return earlyProbes;
  }

  /** A call sent to the target succeeded: available again, the cooldown reset. */
  void succeeded() {
    List<Runnable> wake = null;
    synchronized (this) {
      if (state == State.AVAILABLE) {
        return;
      }
      if (state == State.PROBING || (state == State.COOLING && busy)) {
        released();
        cooldown = firstCooldown;
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
        early = false;
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
      if (state == State.COOLING && busy) {
        released(); // a hold ends when it ends: available again, no probe
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
      return busy ? State.AVAILABLE : State.PROBING;
    }
    return state;
  }

  /**
   * Tells whether the target's last cooldown, still running or probing, is for a host that could
   * not be reached: down, not overloaded.
   */
  public synchronized boolean unreachable() {
    return unreachable && state != State.AVAILABLE;
  }

  /** How many probes were sent. */
  synchronized int probes() {
    return probes;
  }

  /** How many times it was cooled down. */
  synchronized int coolings() {
    return coolings;
  }

  /** Tells whether it is held for its full queue: a host that is busy, not down or overloaded. */
  synchronized boolean busy() {
    return busy && state == State.COOLING;
  }

  /** The failure that last cooled or held it, or null. */
  synchronized KimiException lastFailure() {
    return lastFailure;
  }

  /** When {@link #lastFailure} was told, by the scheduler's clock; meaningless without one. */
  synchronized long lastFailureAt() {
    return lastFailureAt;
  }

  /**
   * The last refusal this target's host answered with a status (an error status, or an error event
   * naming one) that cooled or held it, or null when it never answered so: what a failure that
   * names the target may report as a status it sent.
   */
  synchronized ApiException lastAnswer() {
    return lastAnswer;
  }

  /** When {@link #lastAnswer} was told, by the scheduler's clock; meaningless without one. */
  synchronized long lastAnswerAt() {
    return lastAnswerAt;
  }

  @Override
  public synchronized String toString() {
    return "TargetHealth[" + state + ", probes=" + probes + ", coolings=" + coolings + "]";
  }
}
