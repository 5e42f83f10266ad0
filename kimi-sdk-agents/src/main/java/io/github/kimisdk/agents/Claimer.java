package io.github.kimisdk.agents;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.ScheduledFuture;

/**
 * The claim of one root run while a worker drives it: taken (waiting for it up to the agent's claim
 * wait), renewed by a heartbeat every third of the lease, and released when the drive ends.
 *
 * <p>Thread model: {@link #claim} and {@link #release} run on the driving thread; the heartbeat is
 * timed by the module's one timer thread ({@link Watchdog}) and renews on a thread that may wait on
 * the store ({@link Watchdog#offTimer}). {@link #held} is read by every thread that writes a record
 * of the run (the driving thread and its pool's), so it is volatile; the heartbeat replaces it with
 * the renewed claim.
 */
final class Claimer {
  private static final System.Logger LOG = Texts.LOG;

  /**
   * The claims this process holds, released when the JVM shuts down (a worker stopped with SIGTERM,
   * or that returns from main): another worker claims their runs at once instead of after a lease.
   * A drive still going then is fenced out at its next write.
   */
  private static final java.util.Set<Claimer> HELD =
      java.util.concurrent.ConcurrentHashMap.newKeySet();

  static {
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  for (Claimer c : HELD) {
                    c.release();
                  }
                },
                "kimi-agent-release-claims"));
  }

  private final RunStore store;
  private final String runId;
  private final String owner;
  private final Duration lease;
  private final Duration wait;
  private final Clock clock;
  private volatile Claim.Held held;
  private volatile ScheduledFuture<?> heartbeat;
  private final java.util.concurrent.atomic.AtomicBoolean renewing =
      new java.util.concurrent.atomic.AtomicBoolean();

  Claimer(RunStore store, String runId, String owner, Duration lease, Duration wait, Clock clock) {
    this.store = store;
    this.runId = runId;
    this.owner = owner;
    this.lease = lease;
    this.wait = wait;
    this.clock = clock;
  }

  /**
   * Claims the run, trying again while it is taken until the claim wait is over (at the end of the
   * holder's lease, or sooner for a holder whose process died, which a file store sees at once).
   *
   * @return null when this worker holds it now; else who holds it
   * @throws RunStoreException if the store fails
   */
  Claim.Taken claim() {
    long deadline = System.nanoTime() + wait.toNanos(); // real time, whatever the claims' clock
    while (true) {
      Instant now = clock.instant();
      Claim c = store.claim(runId, owner, now, now.plus(lease));
      if (c instanceof Claim.Held h) {
        held = h;
        HELD.add(this);
        long every = Math.max(1, lease.toNanos() / 3);
        heartbeat = Watchdog.every(this::beat, every);
        return null;
      }
      Claim.Taken taken = (Claim.Taken) c;
      long left = deadline - System.nanoTime();
      if (left <= 0) {
        return taken;
      }
      // try again when its lease lapses, and every half second meanwhile (a dead holder of a file
      // store's run, or one that releases it, frees it before then)
      long untilLapse = Duration.between(clock.instant(), taken.until()).toNanos();
      long nanos = Math.min(Math.min(left, Math.max(untilLapse, 1_000_000L)), 500_000_000L);
      try {
        Thread.sleep(Math.max(1, nanos / 1_000_000));
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return taken;
      }
    }
  }

  /** The claim this worker holds, renewed; null before {@link #claim} took it. */
  Claim.Held held() {
    return held;
  }

  /**
   * The timer's beat: hands the renewal to a thread that may wait on the store, one renewal at a
   * time for this claim, so that a store that hangs (a database that does not answer) delays
   * neither the other claims' heartbeats nor the tool calls' timeouts, which share the timer.
   */
  private void beat() {
    if (renewing.compareAndSet(false, true)) {
      try {
        Watchdog.offTimer(
            () -> {
              try {
                renew();
              } finally {
                renewing.set(false);
              }
            });
      } catch (RuntimeException e) {
        renewing.set(false);
        LOG.log(System.Logger.Level.WARNING, "could not renew the claim on run " + runId, e);
      }
    }
  }

  private void renew() {
    Claim.Held c = held;
    if (c == null || !HELD.contains(this)) {
      return;
    }
    try {
      Instant until = clock.instant().plus(lease);
      if (store.renew(c, until)) {
        held = c.renewed(until);
      } else {
        heartbeat.cancel(false); // lost: the next write says so
      }
    } catch (RuntimeException e) {
      LOG.log(System.Logger.Level.WARNING, "could not renew the claim on run " + runId, e);
    }
  }

  /** Stops the heartbeat and releases the claim, once; a store that fails is logged. */
  void release() {
    if (heartbeat != null) {
      heartbeat.cancel(false);
    }
    if (!HELD.remove(this)) {
      return;
    }
    Claim.Held c = held;
    if (c == null) {
      return;
    }
    try {
      store.release(c);
    } catch (RuntimeException e) {
      LOG.log(System.Logger.Level.WARNING, "could not release the claim on run " + runId, e);
    }
  }
}
