package io.github.kimisdk.benchmarks;

import java.lang.management.CompilationMXBean;
import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * One JVM of {@link SteadyCallCpu}: warms one or more clients up, then measures their calls inside
 * this JVM, in slices of calls, by the CPU time of the Java threads that did the work (the
 * caller's, the HTTP client's and the SDK's threads: every live thread of the JVM, read through
 * {@code ThreadMXBean} at each slice's start and end) and the bytes those threads allocated. The
 * JIT compiler and garbage collector threads are not Java threads and are not counted: what is
 * counted is the work each call does once its code is compiled, so that JVM start-up, class
 * loading, the JIT's own work and other processes on the machine weigh (almost) nothing.
 *
 * <p>With several clients, their slices take turns (slice 1 of every client, then slice 2, the
 * order reversed every other time), so that each slice of a client has a slice of every other
 * client beside it in time, on the same JVM, heap and cores: {@link SteadyCallCpu} compares them
 * slice by slice. While one client runs, the others' threads sleep.
 *
 * <p>Warm-up runs {@link #RUN} calls of each client in turn, at least {@code warmup} calls of each,
 * and then on until the given number of rounds of runs in a row compiled nothing (at most {@link
 * #MAX_WARMUP} calls of each: {@code quiet=0} in the result lines says the JIT was still at work).
 * Every call is checked (chunks and text, as {@link CpuPerCallClient} checks them). The output is
 * one line per slice, a {@code RESULT} line per client: {@code cpuNsPerCall} (the median slice),
 * {@code allocPerCall}, {@code minNs}, {@code maxNs}, {@code jitMsDuringSlices} (compilation time
 * during the measured slices, should be about 0) and {@code threadsStarted} and {@code
 * threadsEnded} during the slices (should be 0: a thread that ends mid-slice takes the CPU it used
 * in that slice with it), and a {@code THREADS} line per client.
 *
 * <p>Arguments: clients (comma-separated; each a name of {@link CpuPerCallClient}'s, or {@code
 * label|name} to name it otherwise in the output, or {@code label|name|classPath} for a client of
 * another build, loaded from that class path alone beside this JVM's own), base URL, warm-up calls,
 * slices, calls per slice, expected chunks per call and expected content characters per call (one
 * each per client, comma-separated), and the rounds of runs in a row that must compile nothing (0:
 * do not wait for the JIT, as a smoke run does), and optionally {@code gc}: a full collection
 * before every slice, outside it, so that a client that allocates megabytes a call (openai-java)
 * leaves no garbage for the next client's slice to collect (measured on 2026-11-26: it does not
 * make the SDK's figure any more independent of openai-java beside it, and adds some 3% to it, so
 * {@link SteadyCallCpu} asks for it only with {@code --gc-between-slices}).
 */
public final class SteadyCallCpuClient {

  /** Calls per warm-up run. */
  static final int RUN = 100;

  /** Rounds of runs in a row that must compile nothing before the slices start, by default. */
  static final int QUIET_RUNS = 5;

  /** The most warm-up calls of one client; the result lines say whether the JIT was quiet. */
  static final int MAX_WARMUP = 40_000;

  private SteadyCallCpuClient() {}

  /**
   * Runs the calls.
   *
   * @param args clients, base URL, warm-up calls, slices, calls per slice, chunks, characters,
   *     quiet runs
   * @throws Exception when a call fails
   */
  public static void main(String[] args) throws Exception {
    String[] entries = args[0].split(",");
    String[] names = new String[entries.length]; // the labels the output names them by
    String url = args[1];
    int warmup = Integer.parseInt(args[2]);
    int slices = Integer.parseInt(args[3]);
    int perSlice = Integer.parseInt(args[4]);
    long[] chunks = Arrays.stream(args[5].split(",")).mapToLong(Long::parseLong).toArray();
    long[] chars = Arrays.stream(args[6].split(",")).mapToLong(Long::parseLong).toArray();
    int quietRuns = Integer.parseInt(args[7]);
    boolean collectBetween = args.length > 8 && args[8].equals("gc");
    int n = entries.length;
    if (chunks.length != n || chars.length != n) {
      throw new IllegalArgumentException("one expected count of each kind per client");
    }
    com.sun.management.ThreadMXBean threads =
        (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
    CompilationMXBean jit = ManagementFactory.getCompilationMXBean();
    CpuPerCallClient.Call[] calls = new CpuPerCallClient.Call[n];
    try {
      for (int k = 0; k < n; k++) {
        String[] e = entries[k].split("\\|");
        names[k] = e[0];
        String name = e.length > 1 ? e[1] : e[0];
        calls[k] = e.length > 2 ? isolated(name, url, e[2]) : CpuPerCallClient.open(name, url);
      }
      // The calls' own code reaches the C2 compiler only after thousands of calls (once per call
      // is once per call), and on a busy machine C2's queue lags far behind: warm up until
      // quietRuns rounds of RUN calls of each client in a row compiled nothing, after at least
      // `warmup` calls of each.
      int warmed = 0;
      int quiet = 0;
      long compiled = jit.getTotalCompilationTime();
      while (warmed < MAX_WARMUP && (warmed < warmup || quiet < quietRuns)) {
        for (int k = 0; k < n; k++) {
          for (int i = 0; i < RUN; i++) {
            check(names[k], calls[k].call(), chunks[k], chars[k]);
          }
        }
        warmed += RUN;
        long now = jit.getTotalCompilationTime();
        quiet = now == compiled ? quiet + 1 : 0;
        compiled = now;
      }
      double[][] cpu = new double[n][slices];
      double[][] alloc = new double[n][slices];
      int[] started = new int[n];
      int[] ended = new int[n];
      List<Map<String, Long>> byName = new ArrayList<>();
      for (int k = 0; k < n; k++) {
        byName.add(new TreeMap<>());
      }
      long jitStart = jit.getTotalCompilationTime();
      for (int s = 0; s < slices; s++) {
        for (int j = 0; j < n; j++) {
          int k = s % 2 == 0 ? j : n - 1 - j;
          if (collectBetween) {
            // every slice starts on an empty heap: no client's garbage is collected, nor its
            // collection's aftermath paid, during another client's slice
            System.gc();
          }
          Snapshot start = Snapshot.take(threads);
          for (int i = 0; i < perSlice; i++) {
            check(names[k], calls[k].call(), chunks[k], chars[k]);
          }
          Snapshot end = Snapshot.take(threads);
          cpu[k][s] = end.cpuSince(start) / (double) perSlice;
          alloc[k][s] = end.allocSince(start) / (double) perSlice;
          started[k] += end.startedSince(start);
          ended[k] += start.startedSince(end);
          end.addByName(start, byName.get(k));
          System.out.printf(
              Locale.ROOT,
              "SLICE client=%s slice=%d cpuNsPerCall=%.0f allocPerCall=%.0f%n",
              names[k],
              s + 1,
              cpu[k][s],
              alloc[k][s]);
        }
      }
      long jitMs = jit.getTotalCompilationTime() - jitStart;
      for (int k = 0; k < n; k++) {
        double[] sorted = cpu[k].clone();
        Arrays.sort(sorted);
        double[] a = alloc[k].clone();
        Arrays.sort(a);
        System.out.printf(
            Locale.ROOT,
            "RESULT client=%s warmup=%d quiet=%d cpuNsPerCall=%.0f allocPerCall=%.0f minNs=%.0f"
                + " maxNs=%.0f jitMsDuringSlices=%d threadsStarted=%d threadsEnded=%d%n",
            names[k],
            warmed,
            quiet >= quietRuns ? 1 : 0,
            median(sorted),
            median(a),
            sorted[0],
            sorted[slices - 1],
            jitMs,
            started[k],
            ended[k]);
        // by thread, over the client's slices: which threads its calls' CPU is on
        StringBuilder line = new StringBuilder("THREADS client=" + names[k]);
        for (Map.Entry<String, Long> e : byName.get(k).entrySet()) {
          line.append(
              String.format(
                  Locale.ROOT,
                  " %s=%.1f",
                  e.getKey().replace(' ', '_').replace('=', '_'), // one token per thread name
                  e.getValue() / 1000.0 / ((long) slices * perSlice)));
        }
        System.out.println(line + " (us per call)");
      }
    } finally {
      for (CpuPerCallClient.Call c : calls) {
        if (c != null) {
          c.close();
        }
      }
    }
  }

  /**
   * Opens client {@code name} of another build: its classes (the SDK's, the benchmarks', the
   * libraries') come from {@code classPath} alone, through a loader whose parent is the platform
   * loader, so two builds of the SDK run side by side in this JVM and pair slice by slice. The
   * calls go through reflection, a few dozen nanoseconds a call.
   */
  private static CpuPerCallClient.Call isolated(String name, String url, String classPath)
      throws Exception {
    String[] parts = classPath.split(java.io.File.pathSeparator);
    java.net.URL[] urls = new java.net.URL[parts.length];
    for (int i = 0; i < parts.length; i++) {
      urls[i] = java.nio.file.Path.of(parts[i]).toUri().toURL();
    }
    java.net.URLClassLoader loader =
        new java.net.URLClassLoader("build-" + name, urls, ClassLoader.getPlatformClassLoader());
    Class<?> clients = Class.forName(CpuPerCallClient.class.getName(), true, loader);
    if (clients == CpuPerCallClient.class) {
      throw new IllegalStateException(classPath + " has no benchmarks classes of its own");
    }
    java.lang.reflect.Method open = clients.getDeclaredMethod("open", String.class, String.class);
    open.setAccessible(true);
    Object call = open.invoke(null, name, url);
    Class<?> type = Class.forName(CpuPerCallClient.Call.class.getName(), true, loader);
    java.lang.reflect.Method callMethod = type.getMethod("call");
    java.lang.reflect.Method closeMethod = type.getMethod("close");
    callMethod.setAccessible(true);
    closeMethod.setAccessible(true);
    return new CpuPerCallClient.Call() {
      @Override
      public long[] call() throws Exception {
        try {
          return (long[]) callMethod.invoke(call);
        } catch (java.lang.reflect.InvocationTargetException e) {
          throw e.getCause() instanceof Exception ? (Exception) e.getCause() : e;
        }
      }

      @Override
      public void close() {
        try (loader) {
          closeMethod.invoke(call);
        } catch (ReflectiveOperationException | java.io.IOException e) {
          throw new IllegalStateException("closing " + name + " of " + classPath + " failed", e);
        }
      }
    };
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
  static final class Snapshot {
    /** A pool's threads together: their digits become N (compiled once, not per snapshot). */
    private static final java.util.regex.Pattern DIGITS = java.util.regex.Pattern.compile("[0-9]+");

    final Map<Long, Long> cpu = new HashMap<>();
    final Map<Long, Long> bytes = new HashMap<>();
    final Map<Long, String> names = new HashMap<>();

    static Snapshot take(com.sun.management.ThreadMXBean threads) {
      Snapshot s = new Snapshot();
      long[] ids = threads.getAllThreadIds();
      for (java.lang.management.ThreadInfo info : threads.getThreadInfo(ids)) {
        if (info != null) {
          // a pool's threads together: digits become N
          s.names.put(info.getThreadId(), DIGITS.matcher(info.getThreadName()).replaceAll("N"));
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

    /** Adds each thread's CPU since {@code before} to {@code byName}, by name. */
    void addByName(Snapshot before, Map<String, Long> byName) {
      for (Map.Entry<Long, Long> e : cpu.entrySet()) {
        long used = e.getValue() - before.cpu.getOrDefault(e.getKey(), 0L);
        if (used > 0) {
          byName.merge(names.getOrDefault(e.getKey(), "?"), used, Long::sum);
        }
      }
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
