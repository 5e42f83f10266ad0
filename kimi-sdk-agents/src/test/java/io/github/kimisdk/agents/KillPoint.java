package io.github.kimisdk.agents;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Random;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BiFunction;

/**
 * Where a crash test's worker JVM dies ({@link CrashWorker}, {@link McpWorker}): {@code none}, or
 * {@code put-before:K}, {@code put-after:K} (around the K-th write to the store), {@code
 * effect-before:K}, {@code effect-after:K} (around the K-th transfer). At its point a worker prints
 * {@code KILL-POINT} and waits for its test to kill it with SIGKILL; at its end it prints {@code
 * RESULT} and how the run ended ({@link #describe}).
 */
final class KillPoint {
  private final String where;
  private final int at;
  private final AtomicInteger puts = new AtomicInteger();
  private final AtomicInteger effects = new AtomicInteger();

  private KillPoint(String where, int at) {
    this.where = where;
    this.at = at;
  }

  /** Reads a point as the tests pass it on a worker's command line. */
  static KillPoint parse(String spec) {
    String[] k = spec.split(":");
    return new KillPoint(k[0], k.length > 1 ? Integer.parseInt(k[1]) : -1);
  }

  /**
   * The next point of a seeded plan: one of the four kinds, at one of a run's {@code writes} writes
   * or of its three transfers.
   */
  static String seeded(Random r, int writes) {
    return switch (r.nextInt(4)) {
      case 0 -> "put-before:" + (1 + r.nextInt(writes));
      case 1 -> "put-after:" + (1 + r.nextInt(writes));
      case 2 -> "effect-before:" + (1 + r.nextInt(3));
      default -> "effect-after:" + (1 + r.nextInt(3));
    };
  }

  /** {@code store}, dying before or after the K-th write when that is the point. */
  RunStore store(RunStore store) {
    return new ForwardingRunStore(store) {

      @Override
      public void put(Claim.Held c, String key, byte[] value) {
        int n = puts.incrementAndGet();
        if (where.equals("put-before") && n == at) {
          die("before write " + n + " (" + key + ")");
        }
        super.put(c, key, value);
        if (where.equals("put-after") && n == at) {
          die("after write " + n + " (" + key + ")");
        }
      }
    };
  }

  /** A transfer's effect about to be made: counts it, and dies before it at the point. */
  int beforeEffect() {
    int n = effects.incrementAndGet();
    if (where.equals("effect-before") && n == at) {
      die("before transfer " + n);
    }
    return n;
  }

  /** The {@code n}-th transfer's effect made: dies after it at the point. */
  void afterEffect(int n) {
    if (where.equals("effect-after") && n == at) {
      die("after transfer " + n);
    }
  }

  /** Prints {@code KILL-POINT} and waits to be killed. */
  static void die(String what) {
    System.out.println("KILL-POINT " + what);
    System.out.flush();
    while (true) {
      LockSupport.park();
    }
  }

  /** How a run ended, on one line, as a worker prints it after {@code RESULT}. */
  static String describe(RunResult r) {
    if (r instanceof RunResult.Answered a) {
      return "ANSWERED " + a.text().replace('\n', ' ');
    }
    if (r instanceof RunResult.Taken t) {
      return "TAKEN " + t.until().toEpochMilli();
    }
    if (r instanceof RunResult.Paused p) {
      return "PAUSED " + p.pending();
    }
    if (r instanceof RunResult.Failed f) {
      return "FAILED " + f.error();
    }
    return "OTHER " + r;
  }

  /** What a crash test does with a resuming worker's result before it starts the next. */
  interface AfterResume {
    /** Sees the result a resuming worker printed. */
    void seen(String result) throws Exception;
  }

  /**
   * A crash test's run of {@code worker}: started with mode {@code run} in a JVM killed at {@code
   * kill}, then resumed with mode {@code resume} and no kill point in new JVMs, six at the most,
   * until one prints that it answered, each result shown to {@code afterResume}. Asserts the kill
   * point was reached and the run answered with its transfers to acct-1, acct-2 and acct-3. {@code
   * args} gives a worker's command line for a mode and a kill point.
   */
  static void killAndResume(
      Class<?> worker,
      String runId,
      String kill,
      BiFunction<String, String, List<String>> args,
      AfterResume afterResume)
      throws Exception {
    List<String> first = ChildJvm.run(worker, args.apply("run", kill), true);
    assertThat(first).as("run %s with %s", runId, kill).anyMatch(l -> l.startsWith("KILL-POINT"));
    String result = null;
    for (int attempt = 0;
        attempt < 6 && (result == null || !result.startsWith("ANSWERED"));
        attempt++) {
      result = ChildJvm.result(ChildJvm.run(worker, args.apply("resume", "none"), false));
      afterResume.seen(result);
    }
    assertThat(result).as("run %s killed %s", runId, kill).startsWith("ANSWERED");
    assertThat(result).contains("acct-1").contains("acct-2").contains("acct-3");
  }
}
