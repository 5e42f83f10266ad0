package io.github.kimisdk.batch;

import io.github.kimisdk.batch.internal.BatchEngine;
import io.github.kimisdk.testing.FakeClock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.function.BiConsumer;

/**
 * Virtual time for a batch run and the fake that serves it: one clock both read, moved by the run's
 * waits instead of sleeping, and the run's crash points, where a test stops it as a crash would.
 * Starts at the real time, so that what the run journals and what the fake reports agree.
 */
final class BatchRunTime extends BatchEngine.Hooks {

  /** Thrown at a crash point: the run stops there, as a killed process would. */
  static final class Crash extends RuntimeException {
    private static final long serialVersionUID = 1L;

    Crash(String step, int part) {
      super("simulated crash at " + step + " of part " + part);
    }
  }

  final FakeClock clock;
  final List<String> steps = new ArrayList<>();
  private long nanos;
  private BiConsumer<String, Integer> atStep = (s, p) -> {};
  private Runnable atPause = () -> {};

  /** Time starting now. */
  BatchRunTime() {
    this(new FakeClock(Instant.now()));
  }

  /** Time on {@code clock}: another process's run on the same server. */
  BatchRunTime(FakeClock clock) {
    this.clock = clock;
  }

  /** Runs {@code action} at every step; it may throw {@link Crash}. */
  BatchRunTime atStep(BiConsumer<String, Integer> action) {
    this.atStep = action;
    return this;
  }

  /** Runs {@code action} at every wait, before the clock moves. */
  BatchRunTime atPause(Runnable action) {
    this.atPause = action;
    return this;
  }

  /** Crashes the run the {@code nth} time (from 1) it reaches {@code step} of {@code part}. */
  BatchRunTime crashAt(String step, int part, int nth) {
    int[] seen = {0};
    return atStep(
        (s, p) -> {
          if (s.equals(step) && p == part && ++seen[0] == nth) {
            throw new Crash(s, p);
          }
        });
  }

  @Override
  public void step(String step, int part) {
    steps.add(step + ":" + part);
    atStep.accept(step, part);
  }

  @Override
  public long nanoTime() {
    return nanos;
  }

  @Override
  public long epochSeconds() {
    return clock.millis() / 1000;
  }

  @Override
  public boolean pause(Duration d) {
    atPause.run();
    clock.advance(d);
    nanos += d.toNanos();
    return true;
  }
}
