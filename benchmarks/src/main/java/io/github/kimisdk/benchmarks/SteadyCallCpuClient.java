package io.github.kimisdk.benchmarks;

import java.lang.management.CompilationMXBean;
import java.lang.management.ManagementFactory;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * One client JVM of {@link SteadyCallCpu}: warms one client up, then measures its calls inside this
 * JVM, in slices of calls, by the CPU time of the Java threads that did the work (the caller's, the
 * HTTP client's and the SDK's threads: every live thread of the JVM, read through {@code
 * ThreadMXBean} at each slice's start and end) and the bytes those threads allocated. The JIT
 * compiler and garbage collector threads are not Java threads and are not counted: what is counted
 * is the work each call does once its code is compiled, so that JVM start-up, class loading, the
 * JIT's own work and other processes on the machine weigh (almost) nothing.
 *
 * <p>Warm-up runs at least {@code warmup} calls, and then on until {@link #QUIET_RUNS} runs of
 * {@link #RUN} calls in a row compiled nothing (at most {@link #MAX_WARMUP} calls: {@code quiet=0}
 * in the result line says the JIT was still at work). Every call is checked (chunks and text, as
 * {@link CpuPerCallClient} checks them). The output is one line per slice and a {@code RESULT}
 * line: {@code cpuNsPerCall} (the median slice), {@code allocPerCall}, {@code minNs}, {@code
 * maxNs}, {@code jitMsDuringSlices} (compilation time during the measured slices, should be about
 * 0) and {@code threadsStarted} and {@code threadsEnded} during the slices (should be 0: a thread
 * that ends mid-slice takes the CPU it used in that slice with it).
 *
 * <p>Arguments: client (as {@link CpuPerCallClient}), base URL, warm-up calls, slices, calls per
 * slice, expected chunks per call, expected content characters per call.
 */
public final class SteadyCallCpuClient {

  /** Calls per warm-up run. */
  static final int RUN = 100;

  /** Runs in a row that must compile nothing before the slices start. */
  static final int QUIET_RUNS = 5;

  /** The most warm-up calls; the result line says whether the JIT was quiet by then. */
  static final int MAX_WARMUP = 40_000;

  private SteadyCallCpuClient() {}

  /**
   * Runs the calls.
   *
   * @param args client, base URL, warm-up calls, slices, calls per slice, chunks, characters
   * @throws Exception when a call fails
   */
  public static void main(String[] args) throws Exception {
    String client = args[0];
    String url = args[1];
    int warmup = Integer.parseInt(args[2]);
    int slices = Integer.parseInt(args[3]);
    int perSlice = Integer.parseInt(args[4]);
    long chunks = Long.parseLong(args[5]);
    long chars = Long.parseLong(args[6]);
    com.sun.management.ThreadMXBean threads =
        (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
    CompilationMXBean jit = ManagementFactory.getCompilationMXBean();
    try (CpuPerCallClient.Call c = CpuPerCallClient.open(client, url)) {
      // The calls' own code reaches the C2 compiler only after thousands of calls (once per call
      // is once per call), and on a busy machine C2's queue lags far behind: warm up until
      // QUIET_RUNS runs of RUN calls in a row compiled nothing, after at least `warmup` calls.
      int warmed = 0;
      int quiet = 0;
      long compiled = jit.getTotalCompilationTime();
      while (warmed < MAX_WARMUP && (warmed < warmup || quiet < QUIET_RUNS)) {
        for (int i = 0; i < RUN; i++) {
          check(client, c.call(), chunks, chars);
        }
        warmed += RUN;
        long now = jit.getTotalCompilationTime();
        quiet = now == compiled ? quiet + 1 : 0;
        compiled = now;
      }
      double[] cpu = new double[slices];
      double[] alloc = new double[slices];
      long jitStart = jit.getTotalCompilationTime();
      Snapshot start = Snapshot.take(threads);
      Snapshot first = start;
      int started = 0;
      int ended = 0;
      for (int s = 0; s < slices; s++) {
        for (int i = 0; i < perSlice; i++) {
          check(client, c.call(), chunks, chars);
        }
        Snapshot end = Snapshot.take(threads);
        cpu[s] = end.cpuSince(start) / (double) perSlice;
        alloc[s] = end.allocSince(start) / (double) perSlice;
        started += end.startedSince(start);
        ended += start.startedSince(end);
        System.out.printf(
            Locale.ROOT,
            "SLICE client=%s slice=%d cpuNsPerCall=%.0f allocPerCall=%.0f%n",
            client,
            s + 1,
            cpu[s],
            alloc[s]);
        start = end;
      }
      long jitMs = jit.getTotalCompilationTime() - jitStart;
      double[] sorted = cpu.clone();
      Arrays.sort(sorted);
      double[] a = alloc.clone();
      Arrays.sort(a);
      System.out.printf(
          Locale.ROOT,
          "RESULT client=%s warmup=%d quiet=%d cpuNsPerCall=%.0f allocPerCall=%.0f minNs=%.0f maxNs=%.0f"
              + " jitMsDuringSlices=%d threadsStarted=%d threadsEnded=%d threads=%d%n",
          client,
          warmed,
          quiet >= QUIET_RUNS ? 1 : 0,
          median(sorted),
          median(a),
          sorted[0],
          sorted[slices - 1],
          jitMs,
          started,
          ended,
          first.cpu.size());
      // by thread, over all slices: which threads the calls' CPU is on
      Snapshot last = Snapshot.take(threads);
      Map<String, Long> byName = new TreeMap<>();
      for (Map.Entry<Long, Long> e : last.cpu.entrySet()) {
        long used = e.getValue() - first.cpu.getOrDefault(e.getKey(), 0L);
        if (used > 0) {
          byName.merge(last.names.get(e.getKey()), used, Long::sum);
        }
      }
      StringBuilder line = new StringBuilder("THREADS client=" + client);
      for (Map.Entry<String, Long> e : byName.entrySet()) {
        line.append(
            String.format(
                Locale.ROOT,
                " %s=%.1f",
                e.getKey().replace(' ', '_').replace('=', '_'), // one token per thread name
                e.getValue() / 1000.0 / ((long) slices * perSlice)));
      }
      System.out.println(line + " (us per call)");
    }
  }

  private static double median(double[] sorted) {
    int n = sorted.length;
    return n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
  }

  private static void check(String client, long[] seen, long chunks, long chars) {
    if ((seen[0] >= 0 && seen[0] != chunks) || (chars >= 0 && seen[1] >= 0 && seen[1] != chars)) {
      throw new IllegalStateException(
          client
              + " saw "
              + seen[0]
              + " chunks and "
              + seen[1]
              + " chars; expected "
              + chunks
              + " and "
              + chars);
    }
  }

  /** CPU time and allocated bytes of every live Java thread, by thread id. */
  private static final class Snapshot {
    final Map<Long, Long> cpu = new HashMap<>();
    final Map<Long, Long> bytes = new HashMap<>();
    final Map<Long, String> names = new HashMap<>();

    static Snapshot take(com.sun.management.ThreadMXBean threads) {
      Snapshot s = new Snapshot();
      long[] ids = threads.getAllThreadIds();
      for (java.lang.management.ThreadInfo info : threads.getThreadInfo(ids)) {
        if (info != null) {
          // a pool's threads together: digits become N
          s.names.put(info.getThreadId(), info.getThreadName().replaceAll("[0-9]+", "N"));
        }
      }
      long[] cpu = threads.getThreadCpuTime(ids);
      long[] bytes = threads.getThreadAllocatedBytes(ids);
      // (the snapshot's own few objects, on this thread, count as the calls': some bytes a slice)
      for (int i = 0; i < ids.length; i++) {
        if (cpu[i] >= 0) {
          s.cpu.put(ids[i], cpu[i]);
        }
        if (bytes[i] >= 0) {
          s.bytes.put(ids[i], bytes[i]);
        }
      }
      return s;
    }

    long cpuSince(Snapshot before) {
      return since(cpu, before.cpu);
    }

    long allocSince(Snapshot before) {
      return since(bytes, before.bytes);
    }

    /** Threads here that {@code before} did not have. */
    int startedSince(Snapshot before) {
      int n = 0;
      for (Long id : cpu.keySet()) {
        if (!before.cpu.containsKey(id)) {
          n++;
        }
      }
      return n;
    }

    private static long since(Map<Long, Long> now, Map<Long, Long> before) {
      long sum = 0;
      for (Map.Entry<Long, Long> e : now.entrySet()) {
        sum += e.getValue() - before.getOrDefault(e.getKey(), 0L);
      }
      return sum;
    }
  }
}
