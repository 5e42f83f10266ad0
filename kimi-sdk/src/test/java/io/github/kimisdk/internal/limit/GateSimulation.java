package io.github.kimisdk.internal.limit;

import io.github.kimisdk.internal.http.RateRefusal;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.PriorityQueue;
import java.util.SplittableRandom;
import java.util.function.Consumer;

/**
 * A host and its callers on virtual time, one thread, through a real {@link ConcurrencyGate}:
 * {@code workers} callers each make calls one after another until {@code calls} were made; each
 * attempt waits for the gate's permit, and the host admits it (answered after its latency) or
 * refuses it for concurrency at once (when it holds {@code capacity} attempts already, or at random
 * with probability {@code noise}). A refused call waits the host's {@code Retry-After}, else
 * nothing the first time and a doubling backoff after, and goes through the gate again, as the
 * retrier sends it. A run is decided by its seed alone.
 */
final class GateSimulation {

  /**
   * The host.
   *
   * @param capacity the attempts it holds at once, more refused; 0 for no limit of its own
   * @param noise the chance it refuses an attempt whatever it holds
   * @param latencyMillis how long an admitted attempt takes, give or take a fifth
   * @param retryAfterMillis the wait a refusal asks for, or -1 for none
   */
  record Host(int capacity, double noise, long latencyMillis, long retryAfterMillis) {

    /** A host that takes {@code n} at once and refuses the rest, asking for no wait. */
    static Host admitting(int n) {
      return new Host(n, 0, 250, -1);
    }

    /** A host that refuses a share {@code p} at random, whatever it holds, asking for 0 to 1 s. */
    static Host noisy(double p) {
      return new Host(0, p, 250, 500);
    }
  }

  /**
   * What a run did.
   *
   * @param calls the calls answered
   * @param refusals the attempts refused
   * @param millis how long the run took, in virtual time
   * @param meanLimit the gate's limit over time (no limit counts as the workers), time-weighted
   * @param laterMeanLimit the same over the run's second half
   * @param lastLimit the limit at the end (the workers when none)
   * @param cuts the cuts the rule tried
   * @param undone the cuts it undid
   */
  record Result(
      long calls,
      long refusals,
      long millis,
      double meanLimit,
      double laterMeanLimit,
      int lastLimit,
      int cuts,
      int undone) {}

  private final Host host;
  private final int workers;
  private final int calls;
  private final SplittableRandom random;
  private final ConcurrencyGate gate;
  private final PriorityQueue<Event> events = new PriorityQueue<>();
  private long now;
  private long sequence;
  private int started;
  private long answered;
  private long refusals;
  private int held; // attempts the host holds
  private double limitTime; // the integral of the effective limit over time
  private long limitSince;
  private final List<long[]> steps = new ArrayList<>(); // {time, limit} at each event

  private GateSimulation(Host host, int workers, int calls, long seed, Consumer<String> trace) {
    this.host = host;
    this.workers = workers;
    this.calls = calls;
    this.random = new SplittableRandom(seed);
    this.gate =
        new ConcurrencyGate(
            Integer.MAX_VALUE, c -> trace.accept(now + " ms: " + c), () -> now * 1_000_000L);
  }

  /**
   * Runs {@code calls} calls of {@code workers} callers against {@code host}.
   *
   * @return what the run did
   */
  static Result run(Host host, int workers, int calls, long seed) {
    return run(host, workers, calls, seed, line -> {});
  }

  /** As {@link #run(Host, int, int, long)}, telling {@code trace} of each move of the limit. */
  static Result run(Host host, int workers, int calls, long seed, Consumer<String> trace) {
    return new GateSimulation(host, workers, calls, seed, trace).run();
  }

  private Result run() {
    for (int w = 0; w < workers; w++) {
      nextCall();
    }
    while (!events.isEmpty()) {
      Event e = events.poll();
      advanceTo(e.at);
      e.action.run();
    }
    advanceTo(now);
    return new Result(
        answered,
        refusals,
        now,
        now == 0 ? workers : limitTime / now,
        meanSince(now / 2),
        effective(),
        gate.cuts(),
        gate.undone());
  }

  private void nextCall() {
    if (started < calls) {
      started++;
      attempt(1);
    }
  }

  /** Sends attempt {@code k} of a call through the gate. */
  private void attempt(int refusedSoFar) {
    gate.acquire().thenAccept(p -> send(p, refusedSoFar));
  }

  private void send(ConcurrencyGate.Permit p, int refusedSoFar) {
    boolean full = host.capacity() > 0 && held >= host.capacity();
    boolean refused = full || random.nextDouble() < host.noise();
    if (refused) {
      at(
          1,
          () -> {
            refusals++;
            p.refused(1, new RateRefusal(Duration.ZERO, "too busy", true));
            p.finish(new IllegalStateException("refused"));
            long wait =
                host.retryAfterMillis() >= 0
                    ? random.nextLong(host.retryAfterMillis() * 2 + 1)
                    : refusedSoFar == 1 ? 0 : Math.min(200, 20L << Math.min(refusedSoFar, 4));
            at(wait, () -> attempt(refusedSoFar + 1));
          });
      return;
    }
    held++;
    long latency = host.latencyMillis() * 4 / 5 + random.nextLong(host.latencyMillis() * 2 / 5 + 1);
    at(
        latency,
        () -> {
          held--;
          answered++;
          p.finish(null);
          nextCall();
        });
  }

  private void at(long delay, Runnable action) {
    events.add(new Event(now + delay, sequence++, action));
  }

  private void advanceTo(long t) {
    limitTime += (double) effective() * (t - limitSince);
    steps.add(new long[] {limitSince, effective()});
    limitSince = t;
    now = t;
  }

  /** The time-weighted mean of the limit from {@code from} to the end. */
  private double meanSince(long from) {
    double sum = 0;
    for (int i = 0; i < steps.size(); i++) {
      long start = Math.max(from, steps.get(i)[0]);
      long end = i + 1 < steps.size() ? steps.get(i + 1)[0] : now;
      if (end > start) {
        sum += (double) steps.get(i)[1] * (end - start);
      }
    }
    return now > from ? sum / (now - from) : effective();
  }

  private int effective() {
    return Math.min(gate.limit(), workers);
  }

  private record Event(long at, long seq, Runnable action) implements Comparable<Event> {
    @Override
    public int compareTo(Event o) {
      return at != o.at ? Long.compare(at, o.at) : Long.compare(seq, o.seq);
    }
  }
}
