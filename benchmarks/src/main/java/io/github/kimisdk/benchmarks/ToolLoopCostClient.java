package io.github.kimisdk.benchmarks;

import java.lang.management.CompilationMXBean;
import java.lang.management.ManagementFactory;
import java.lang.reflect.Method;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Callable;

/**
 * One JVM of {@link ToolLoopCost}: opens each client's loop (a driver of {@code
 * io.github.kimisdk.benchmarks.toolloop}, compiled against that client's build and loaded from the
 * build's jars alone, in a class loader of its own whose parent is the platform loader), warms them
 * up in turns, then measures them in slices that take turns (slice 1 of every client, then slice 2,
 * the order reversed every other time), so each slice of a client has a slice of every other beside
 * it in time, on the same JVM, heap and cores.
 *
 * <p>A slice is a number of whole loops of one client; it reads the CPU time and the allocated
 * bytes of every live Java thread of this JVM (the caller's, the HTTP client's, the loop's pool,
 * timers, a store's threads) before and after ({@link SteadyCallCpuClient.Snapshot}), and the wall
 * time. The JIT compiler and the collector are not Java threads and are not counted; the server
 * runs in another JVM. While a client runs, the others' threads sleep, and the thread's context
 * class loader is the client's (a library that looks a service up through it finds its own
 * build's).
 *
 * <p>Warm-up runs {@code run} loops of each client in turn, at least {@code warmup} of each, and
 * then on until {@code quiet} turns in a row compiled nothing (at most {@link #MAX_WARMUP} loops of
 * each). Then each client is started afresh ({@code reset()}: a new in-memory store, outside the
 * slices) and runs one loop, so that its pool's threads exist before its first slice.
 *
 * <p>Arguments: warm-up loops, loops per warm-up turn, slices, loops per slice, quiet turns, then
 * one argument per client: {@code label|driver|classPath|driverDir|key=value;key=value} (the driver
 * class's simple name, the build's class path, the directory of the driver compiled against it, the
 * driver's configuration). Output: a {@code SLICE} line per slice ({@code cpuNs}, {@code
 * allocBytes}, {@code wallNs}, {@code loops}, {@code steps}, {@code toolCalls}) and a {@code
 * RESULT} line per client ({@code warmup}, {@code quiet}, {@code jitMsDuringSlices}, {@code
 * threadsStarted}, {@code threadsEnded}), a {@code THREADS} line (its slices' CPU by thread name,
 * digits as N, in µs per loop) and a {@code CHURN} line (the threads, by name, that started, {@code
 * +}, or ended, {@code -}, during its slices).
 */
public final class ToolLoopCostClient {

  /** The most warm-up loops of one client; the result lines say whether the JIT was quiet. */
  static final int MAX_WARMUP = 20_000;

  private ToolLoopCostClient() {}

  /** One client's loop, in its class loader. */
  record Client(
      String label,
      ClassLoader loader,
      Callable<long[]> loop,
      Method resetMethod,
      AutoCloseable closer) {

    long[] call() throws Exception {
      Thread t = Thread.currentThread();
      ClassLoader before = t.getContextClassLoader();
      t.setContextClassLoader(loader);
      try {
        return loop.call();
      } finally {
        t.setContextClassLoader(before);
      }
    }

    void reset() throws Exception {
      Thread t = Thread.currentThread();
      ClassLoader before = t.getContextClassLoader();
      t.setContextClassLoader(loader);
      try {
        resetMethod.invoke(loop);
      } finally {
        t.setContextClassLoader(before);
      }
    }
  }

  /**
   * Runs the loops.
   *
   * @param args as in the class comment
   * @throws Exception when a loop fails
   */
  public static void main(String[] args) throws Exception {
    int warmup = Integer.parseInt(args[0]);
    int run = Integer.parseInt(args[1]);
    int slices = Integer.parseInt(args[2]);
    int perSlice = Integer.parseInt(args[3]);
    int quietTurns = Integer.parseInt(args[4]);
    int n = args.length - 5;
    com.sun.management.ThreadMXBean threads =
        (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
    CompilationMXBean jit = ManagementFactory.getCompilationMXBean();
    Client[] clients = new Client[n];
    try {
      for (int k = 0; k < n; k++) {
        clients[k] = open(args[5 + k]);
      }
      int warmed = 0;
      int quiet = 0;
      long compiled = jit.getTotalCompilationTime();
      while (warmed < MAX_WARMUP && (warmed < warmup || quiet < quietTurns)) {
        for (Client c : clients) {
          for (int i = 0; i < run; i++) {
            check(c, c.call());
          }
          c.reset(); // what a turn's runs left in memory goes
        }
        warmed += run;
        long now = jit.getTotalCompilationTime();
        quiet = now == compiled ? quiet + 1 : 0;
        compiled = now;
      }
      for (Client c : clients) {
        c.reset();
        check(c, c.call());
      }
      int[] started = new int[n];
      int[] ended = new int[n];
      List<Map<String, Long>> byName = new ArrayList<>();
      List<Map<String, Integer>> churn = new ArrayList<>();
      for (int k = 0; k < n; k++) {
        byName.add(new TreeMap<>());
        churn.add(new TreeMap<>());
      }
      long jitStart = jit.getTotalCompilationTime();
      for (int s = 0; s < slices; s++) {
        for (int j = 0; j < n; j++) {
          int k = s % 2 == 0 ? j : n - 1 - j;
          Client c = clients[k];
          long steps = 0;
          long toolCalls = 0;
          SteadyCallCpuClient.Snapshot start = SteadyCallCpuClient.Snapshot.take(threads);
          long t0 = System.nanoTime();
          for (int i = 0; i < perSlice; i++) {
            long[] done = c.call();
            steps += done[0];
            toolCalls += done[1];
          }
          long wall = System.nanoTime() - t0;
          SteadyCallCpuClient.Snapshot end = SteadyCallCpuClient.Snapshot.take(threads);
          check(c, new long[] {steps / perSlice, toolCalls / perSlice});
          started[k] += end.startedSince(start);
          ended[k] += start.startedSince(end);
          end.addByName(start, byName.get(k));
          churn(start, end, "+", churn.get(k));
          churn(end, start, "-", churn.get(k));
          System.out.printf(
              Locale.ROOT,
              "SLICE client=%s slice=%d cpuNs=%d allocBytes=%d wallNs=%d loops=%d steps=%d"
                  + " toolCalls=%d%n",
              c.label(),
              s + 1,
              end.cpuSince(start),
              end.allocSince(start),
              wall,
              perSlice,
              steps,
              toolCalls);
        }
      }
      long jitMs = jit.getTotalCompilationTime() - jitStart;
      for (int k = 0; k < n; k++) {
        System.out.printf(
            Locale.ROOT,
            "RESULT client=%s warmup=%d quiet=%d jitMsDuringSlices=%d threadsStarted=%d"
                + " threadsEnded=%d%n",
            clients[k].label(),
            warmed,
            quiet >= quietTurns ? 1 : 0,
            jitMs,
            started[k],
            ended[k]);
        // by thread, over the client's slices: which threads its loops' CPU is on, and which
        // threads started (+) or ended (-) during its slices (one that ended took its CPU along)
        StringBuilder line = new StringBuilder("THREADS client=" + clients[k].label());
        for (Map.Entry<String, Long> e : byName.get(k).entrySet()) {
          line.append(
              String.format(
                  Locale.ROOT,
                  " %s=%.1f",
                  e.getKey().replace(' ', '_').replace('=', '_'),
                  e.getValue() / 1000.0 / ((long) slices * perSlice)));
        }
        System.out.println(line);
        StringBuilder c = new StringBuilder("CHURN client=" + clients[k].label());
        churn.get(k).forEach((name, count) -> c.append(' ').append(name).append('=').append(count));
        System.out.println(c);
      }
    } finally {
      for (Client c : clients) {
        if (c != null) {
          c.closer().close();
          ((URLClassLoader) c.loader()).close();
        }
      }
    }
  }

  /** Counts, by name, the threads of {@code after} that {@code before} did not have. */
  private static void churn(
      SteadyCallCpuClient.Snapshot before,
      SteadyCallCpuClient.Snapshot after,
      String sign,
      Map<String, Integer> counts) {
    for (Map.Entry<Long, String> e : after.names.entrySet()) {
      if (!before.names.containsKey(e.getKey())) {
        counts.merge(sign + e.getValue().replace(' ', '_').replace('=', '_'), 1, Integer::sum);
      }
    }
  }

  /** Each loop makes the task's model calls and tool calls, no more and no fewer. */
  private static void check(Client c, long[] done) {
    long steps = ToolLoopServer.STEPS + 1;
    long calls = (long) ToolLoopServer.STEPS * ToolLoopServer.CALLS_PER_STEP;
    if (done[0] != steps || done[1] != calls) {
      throw new IllegalStateException(
          c.label()
              + " made "
              + done[0]
              + " model calls and "
              + done[1]
              + " tool calls a loop; the task takes "
              + steps
              + " and "
              + calls);
    }
  }

  /** Opens {@code label|driver|classPath|driverDir|config} in a class loader of its own. */
  @SuppressWarnings("unchecked")
  static Client open(String spec) throws Exception {
    String[] f = spec.split("\\|", -1);
    if (f.length != 5) {
      throw new IllegalArgumentException("label|driver|classPath|driverDir|config, not " + spec);
    }
    List<URL> urls = new ArrayList<>();
    urls.add(Path.of(f[3]).toUri().toURL());
    for (String part : f[2].split(java.io.File.pathSeparator)) {
      urls.add(Path.of(part).toUri().toURL());
    }
    Map<String, String> config = new LinkedHashMap<>();
    for (String kv : f[4].split(";")) {
      if (!kv.isEmpty()) {
        int eq = kv.indexOf('=');
        config.put(kv.substring(0, eq), kv.substring(eq + 1));
      }
    }
    URLClassLoader loader =
        new URLClassLoader(
            "build-" + f[0], urls.toArray(new URL[0]), ClassLoader.getPlatformClassLoader());
    Thread t = Thread.currentThread();
    ClassLoader before = t.getContextClassLoader();
    t.setContextClassLoader(loader);
    try {
      Class<?> type = Class.forName(ToolLoopCost.DRIVERS + "." + f[1], true, loader);
      if (type.getClassLoader() != loader) {
        throw new IllegalStateException(f[1] + " was not loaded from " + Arrays.toString(f));
      }
      Object driver = type.getConstructor(Map.class).newInstance(config);
      return new Client(
          f[0], loader, (Callable<long[]>) driver, type.getMethod("reset"), (AutoCloseable) driver);
    } finally {
      t.setContextClassLoader(before);
    }
  }
}
