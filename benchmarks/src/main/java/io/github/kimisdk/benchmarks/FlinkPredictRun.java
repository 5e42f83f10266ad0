package io.github.kimisdk.benchmarks;

import io.github.kimisdk.KimiClient;
import io.github.kimisdk.chat.ChatRequest;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.lang.management.ManagementFactory;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Semaphore;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.table.api.EnvironmentSettings;
import org.apache.flink.table.api.TableEnvironment;
import org.apache.flink.types.Row;
import org.apache.flink.util.CloseableIterator;

/**
 * Rows per second through Flink SQL's {@code ML_PREDICT} with the {@code kimi} provider at
 * parallelism 1, 2 and 4 against FakeKimiServer on loopback (a process of its own, so that its CPU
 * is in no figure), and this JVM's CPU per row beside the SDK's CPU per call (the same calls made
 * by one {@code KimiClient}, as many in flight as Flink keeps, in the same JVM); with {@code
 * --provider openai}, the same job through Flink's own {@code openai} provider (its jar on the
 * class path before this one). A job starts a local mini cluster and plans its query, which costs
 * seconds whatever the rows: so each figure is also given past the start, from two jobs of {@code
 * rows / 5} and {@code rows} rows (the difference of their times over the difference of their rows,
 * as cpu-per-call.sh does), after a warm-up job.
 *
 * <p>With {@code --max-concurrency N}, the fake takes only N requests at a time (Kimi's 429 "max
 * concurrency" to the others) and the run measures how a provider copes instead: per parallelism,
 * after a warm-up job, one job of {@code rows} rows, its time, and the 429s the fake answered
 * (counted from its {@code --verbose} lines) beside the serialized time ({@code rows * latency /
 * N}); give {@code --latency} with it.
 *
 * <p>Usage: {@code java -cp benchmarks.jar:FLINK io.github.kimisdk.benchmarks.FlinkPredictRun
 * [rows, default 2000] [--parallelism 1,2,4] [--provider kimi|openai] [--latency ms]
 * [--max-concurrency N]}; {@code benchmarks/flink-predict.sh} builds the class path and runs both
 * providers.
 */
public final class FlinkPredictRun {

  private FlinkPredictRun() {}

  public static void main(String[] args) throws Exception {
    int rows = 2000;
    List<Integer> parallelisms = List.of(1, 2, 4);
    String provider = "kimi";
    int latency = 0;
    int maxConcurrency = 0;
    for (int i = 0; i < args.length; i++) {
      switch (args[i]) {
        case "--max-concurrency" -> maxConcurrency = Integer.parseInt(args[++i]);
        case "--parallelism" -> {
          List<Integer> p = new ArrayList<>();
          for (String s : args[++i].split(",")) {
            p.add(Integer.parseInt(s));
          }
          parallelisms = p;
        }
        case "--provider" -> provider = args[++i];
        case "--latency" -> latency = Integer.parseInt(args[++i]);
        default -> rows = Integer.parseInt(args[i]);
      }
    }
    if (rows < 5) {
      throw new IllegalArgumentException("rows must be at least 5 (two jobs of rows / 5 and rows)");
    }
    int port = freePort();
    List<String> command =
        new ArrayList<>(
            List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp",
                System.getProperty("java.class.path"),
                "io.github.kimisdk.testing.FakeKimiServer",
                "--port",
                Integer.toString(port),
                "--latency",
                Integer.toString(latency)));
    if (maxConcurrency > 0) {
      command.addAll(List.of("--max-concurrency", Integer.toString(maxConcurrency), "--verbose"));
    }
    Process fake = new ProcessBuilder(command).redirectErrorStream(true).start();
    try {
      BufferedReader out =
          new BufferedReader(new InputStreamReader(fake.getInputStream(), StandardCharsets.UTF_8));
      for (String l = out.readLine(); ; l = out.readLine()) {
        if (l == null) {
          throw new IOException("the fake ended before it served");
        }
        if (l.startsWith("FakeKimiServer at")) {
          break;
        }
      }
      String base = "http://127.0.0.1:" + port + "/v1";
      if (maxConcurrency > 0) {
        limited(provider, base, out, rows, parallelisms, latency, maxConcurrency);
        return;
      }
      System.out.printf(
          Locale.ROOT,
          "provider %s, %d rows, fake latency %d ms, %d cores%n",
          provider,
          rows,
          latency,
          Runtime.getRuntime().availableProcessors());
      System.out.println(
          "parallelism | rows/s (whole job) | rows/s past the job's start | CPU ms per row past"
              + " the start | SDK alone: CPU ms per call");
      int small = Math.max(1, rows / 5);
      for (int p : parallelisms) {
        job(provider, base, small, p); // warm-up
        long[] a = measured(provider, base, small, p);
        long[] b = measured(provider, base, rows, p);
        String sdk = "";
        if (provider.equals("kimi")) {
          sdk(base, small, 10 * p); // warm-up
          long s0 = cpu();
          sdk(base, small, 10 * p);
          long s1 = cpu();
          sdk(base, rows, 10 * p);
          long s2 = cpu();
          sdk = String.format(Locale.ROOT, "%.3f", ((s2 - s1) - (s1 - s0)) / 1e6 / (rows - small));
        }
        System.out.printf(
            Locale.ROOT,
            "%d | %.0f | %.0f | %.3f | %s%n",
            p,
            rows / (b[0] / 1e9),
            (rows - small) / ((b[0] - a[0]) / 1e9),
            (b[1] - a[1]) / 1e6 / (rows - small),
            sdk);
      }
    } finally {
      fake.destroyForcibly();
    }
  }

  /**
   * Against a fake taking {@code maxConcurrency} requests at a time: per parallelism, after a
   * warm-up job, one job's time and the 429s the fake answered it, read from its lines.
   */
  static void limited(
      String provider,
      String base,
      BufferedReader fakeOut,
      int rows,
      List<Integer> parallelisms,
      int latency,
      int maxConcurrency)
      throws Exception {
    java.util.concurrent.atomic.AtomicInteger refused =
        new java.util.concurrent.atomic.AtomicInteger();
    java.util.concurrent.atomic.AtomicInteger requests =
        new java.util.concurrent.atomic.AtomicInteger();
    Thread drain =
        new Thread(
            () -> {
              try {
                for (String l = fakeOut.readLine(); l != null; l = fakeOut.readLine()) {
                  if (l.contains(" -> ")) {
                    requests.incrementAndGet();
                  }
                  if (l.contains(" -> 429")) {
                    refused.incrementAndGet();
                  }
                }
              } catch (IOException e) {
                // the fake ended
              }
            },
            "fake-lines");
    drain.setDaemon(true);
    drain.start();
    System.out.printf(
        Locale.ROOT,
        "provider %s, %d rows, a fake taking %d request(s) at a time, %d ms each (serialized:"
            + " %.1f s), %d cores%n",
        provider,
        rows,
        maxConcurrency,
        latency,
        rows * (double) latency / maxConcurrency / 1000,
        Runtime.getRuntime().availableProcessors());
    System.out.println("parallelism | job's time (s, its start included) | 429s | requests");
    for (int p : parallelisms) {
      job(provider, base, rows, p); // warm-up
      Thread.sleep(2 * (long) latency); // the warm-up's last answers counted
      int refused0 = refused.get();
      int requests0 = requests.get();
      long t0 = System.nanoTime();
      int got = job(provider, base, rows, p);
      long wall = System.nanoTime() - t0;
      Thread.sleep(2 * (long) latency);
      if (got != rows) {
        throw new IllegalStateException(got + " rows of " + rows);
      }
      System.out.printf(
          Locale.ROOT,
          "%d | %.1f | %d | %d%n",
          p,
          wall / 1e9,
          refused.get() - refused0,
          requests.get() - requests0);
    }
  }

  /** The wall and CPU nanoseconds of one job of {@code rows} rows. */
  static long[] measured(String provider, String base, int rows, int parallelism) throws Exception {
    long cpu0 = cpu();
    long t0 = System.nanoTime();
    int got = job(provider, base, rows, parallelism);
    long wall = System.nanoTime() - t0;
    long cpu = cpu() - cpu0;
    if (got != rows) {
      throw new IllegalStateException(got + " rows of " + rows);
    }
    return new long[] {wall, cpu};
  }

  /** Runs {@code ML_PREDICT} over {@code rows} prompts at {@code parallelism}; returns the rows. */
  static int job(String provider, String base, int rows, int parallelism) throws Exception {
    Configuration c = new Configuration();
    c.setString("parallelism.default", Integer.toString(parallelism));
    c.setString("taskmanager.numberOfTaskSlots", Integer.toString(parallelism));
    c.setString("rest.bind-address", "127.0.0.1");
    // the local cluster's default network memory (64 MiB) ran out of buffers once on a loaded
    // machine while an earlier job's cluster was still shutting down
    c.setString("taskmanager.memory.network.min", "128m");
    c.setString("taskmanager.memory.network.max", "128m");
    TableEnvironment env =
        TableEnvironment.create(
            EnvironmentSettings.newInstance().inStreamingMode().withConfiguration(c).build());
    StringBuilder values = new StringBuilder();
    for (int i = 0; i < rows; i++) {
      values
          .append(i == 0 ? "" : ", ")
          .append("('Classify ticket ")
          .append(i)
          .append(": the app crashes')");
    }
    env.executeSql(
        "CREATE TEMPORARY VIEW prompts AS SELECT * FROM (VALUES " + values + ") AS t(prompt)");
    env.executeSql(
        "CREATE TEMPORARY MODEL m INPUT (prompt STRING) OUTPUT (answer STRING) WITH ("
            + "'provider' = '"
            + provider
            + "', 'endpoint' = '"
            + base
            + "/chat/completions', 'api-key' = 'sk-bench', 'model' = 'kimi-k3'"
            + (provider.equals("kimi") ? ", 'thinking' = 'disabled'" : "")
            + ")");
    int n = 0;
    CloseableIterator<Row> it =
        env.executeSql("SELECT answer FROM ML_PREDICT(TABLE prompts, MODEL m, DESCRIPTOR(prompt))")
            .collect();
    try {
      while (it.hasNext()) {
        it.next();
        n++;
      }
    } finally {
      it.close();
    }
    return n;
  }

  /** The same calls through one client, {@code inFlight} at a time. */
  static void sdk(String base, int calls, int inFlight) throws Exception {
    try (KimiClient kimi = KimiClient.builder().apiKey("sk-bench").baseUrl(base).build()) {
      Semaphore slots = new Semaphore(inFlight);
      List<CompletableFuture<?>> all = new ArrayList<>(calls);
      for (int i = 0; i < calls; i++) {
        slots.acquire();
        ChatRequest r =
            ChatRequest.builder("kimi-k3")
                .addSystem("You are a helpful assistant.")
                .addUser("Classify ticket " + i + ": the app crashes")
                .thinking(io.github.kimisdk.chat.Thinking.disabled())
                .build();
        all.add(kimi.chatAsync(r).whenComplete((c, e) -> slots.release()));
      }
      CompletableFuture.allOf(all.toArray(CompletableFuture[]::new)).join();
    }
  }

  private static long cpu() {
    return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean())
        .getProcessCpuTime();
  }

  private static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    }
  }
}
