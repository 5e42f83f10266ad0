package io.github.kimisdk.benchmarks;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;

/**
 * CPU and allocation per streaming call past warm-up, measured inside each client's JVM (issue 69):
 * {@link SteadyCallCpuClient} warms one client up and then reads the CPU time and allocated bytes
 * of its Java threads (the caller's, the HTTP client's, the SDK's) over slices of calls, so that
 * start-up, class loading and the JIT's and collector's own threads are outside the figure, and
 * other processes on the machine change it little. Unlike {@link CpuPerCall} (the difference of two
 * whole-process CPU totals, which moved by 0.9x to 1.8x from run to run), this can tell 1.1x.
 *
 * <p>Every client runs in a JVM of its own with the same pinned settings ({@link #PINNED}: the G1
 * collector on a fixed heap, two JIT compiler threads), once per round; rounds are interleaved
 * (every client once per round, the order reversed every other round) against a server in its own
 * JVM ({@link ColdStartServer}, the recorded 300-chunk Kimi stream, and one answer over chat
 * completions and over Responses). The table gives, per client, the median over rounds of the JVM's
 * median slice, the rounds' spread, the bytes allocated per call, and the median of the rounds'
 * ratios to the floor of the same round (the bare {@code java.net.http} client reading the same
 * stream's {@code data:} lines: {@code floor} for chat completions, {@code floorResponses} for
 * Responses) and to openai-java.
 *
 * <p>Usage: {@code java -cp benchmarks/target/benchmarks.jar
 * io.github.kimisdk.benchmarks.SteadyCallCpu [rounds] [--clients a,b,...] [--warmup N] [--slices N]
 * [--calls N] [--jvm "args"] [--out dir]} (defaults: 5 rounds, {@link #DEFAULT_CLIENTS}, 5,000
 * warm-up calls, 10 slices of 200 calls). Clients are {@link CpuPerCall}'s, with its {@code
 * name@label=path.jar} and {@code %option} forms. {@code benchmarks/steady-cpu.sh} runs it.
 */
public final class SteadyCallCpu {

  /** The clients run when none are named. */
  static final String DEFAULT_CLIENTS =
      "floor,kimiIterator,openai,floorResponses,kimiResponses,openaiResponses";

  /** The JVM settings every client runs with, before {@code --jvm}'s and its own. */
  static final List<String> PINNED =
      List.of(
          "-XX:+UseG1GC",
          "-Xms256m",
          "-Xmx256m",
          "-XX:+AlwaysPreTouch",
          "-XX:CICompilerCount=2",
          "-XX:-UseDynamicNumberOfCompilerThreads");

  /** Per client, per round: CPU per call by thread (name, digits as N). */
  private static final Map<String, List<Map<String, Double>>> THREADS = new LinkedHashMap<>();

  private SteadyCallCpu() {}

  /**
   * Runs the measurement and prints the table.
   *
   * @param args as in the class comment
   * @throws Exception when a client or the server fails
   */
  public static void main(String[] args) throws Exception {
    String clients = DEFAULT_CLIENTS;
    int rounds = 5;
    int warmup = 5000;
    int slices = 10;
    int calls = 200;
    String jvmArgs = "";
    Path out = Path.of("benchmarks/target/steady-cpu");
    for (int i = 0; i < args.length; i++) {
      switch (args[i]) {
        case "--clients":
          clients = args[++i];
          break;
        case "--warmup":
          warmup = Integer.parseInt(args[++i]);
          break;
        case "--slices":
          slices = Integer.parseInt(args[++i]);
          break;
        case "--calls":
          calls = Integer.parseInt(args[++i]);
          break;
        case "--jvm":
          jvmArgs = args[++i];
          break;
        case "--out":
          out = Path.of(args[++i]);
          break;
        default:
          rounds = Integer.parseInt(args[i]);
      }
    }
    if (rounds < 1 || warmup < 1 || slices < 1 || calls < 1) {
      throw new IllegalArgumentException("rounds, warm-up, slices and calls must be positive");
    }
    String ownClassPath = System.getProperty("java.class.path");
    List<CpuPerCall.Spec> specs = new ArrayList<>();
    for (String s : clients.split(",")) {
      CpuPerCall.Spec spec = CpuPerCall.Spec.parse(s.trim(), ownClassPath);
      if (!CpuPerCall.ALL.contains(spec.name()) && !CpuPerCall.RESPONSES.contains(spec.name())) {
        throw new IllegalArgumentException(
            "unknown client "
                + spec.name()
                + "; known: "
                + CpuPerCall.ALL
                + " and "
                + CpuPerCall.RESPONSES);
      }
      specs.add(spec);
    }
    Files.createDirectories(out);
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    List<String> jvm = new ArrayList<>(PINNED);
    if (!jvmArgs.isBlank()) {
      jvm.addAll(Arrays.asList(jvmArgs.trim().split("\\s+")));
    }
    RecordedStream stream = RecordedStream.build(RecordedStream.DEFAULT_CHUNKS);
    ResponsesStream same = ResponsesStream.build();
    Process server =
        new ProcessBuilder(java, "-cp", ownClassPath, ColdStartServer.class.getName())
            .redirectErrorStream(true)
            .start();
    try {
      BufferedReader serverOut =
          new BufferedReader(
              new InputStreamReader(server.getInputStream(), StandardCharsets.US_ASCII));
      String url = serverOut.readLine().trim().split(" ")[0];
      System.out.printf(
          Locale.ROOT,
          "SteadyCallCpu: %d rounds; each client JVM: at least %d warm-up calls (more until 5"
              + " runs of 100 calls in a row compile nothing), then %d slices of %d calls; JVM options %s; server %s in its"
              + " own JVM; %s; %d processors%n",
          rounds,
          warmup,
          slices,
          calls,
          String.join(" ", jvm),
          url,
          System.getProperty("java.vm.name") + " " + System.getProperty("java.version"),
          Runtime.getRuntime().availableProcessors());
      Map<String, double[][]> results = new LinkedHashMap<>();
      for (CpuPerCall.Spec spec : specs) {
        results.put(spec.label(), new double[rounds][]);
      }
      List<String> loads = new ArrayList<>();
      Path raw = out.resolve("samples.txt");
      try (PrintStream log = new PrintStream(Files.newOutputStream(raw), true, "UTF-8")) {
        for (int r = 0; r < rounds; r++) {
          String before = load();
          List<CpuPerCall.Spec> order = new ArrayList<>(specs);
          if (r % 2 == 1) {
            Collections.reverse(order);
          }
          for (CpuPerCall.Spec spec : order) {
            long[] expected = CpuPerCall.expected(spec, stream, same);
            Map<String, Double> v =
                run(java, jvm, spec, url, warmup, slices, calls, expected, out, log, r + 1);
            results.get(spec.label())[r] =
                new double[] {
                  v.get("cpuNsPerCall"),
                  v.get("allocPerCall"),
                  v.get("minNs"),
                  v.get("maxNs"),
                  v.get("jitMsDuringSlices"),
                  v.get("threadsStarted") + v.get("threadsEnded"),
                  v.get("warmup"),
                  v.get("quiet")
                };
          }
          String after = load();
          loads.add("round " + (r + 1) + ": " + before + " -> " + after);
          System.out.printf("round %d done; load average %s -> %s%n", r + 1, before, after);
        }
      }
      print(results, rounds, slices, calls, loads);
      System.out.println("raw: " + raw);
    } finally {
      server.destroy();
      server.waitFor(10, TimeUnit.SECONDS);
    }
  }

  private static Map<String, Double> run(
      String java,
      List<String> jvm,
      CpuPerCall.Spec spec,
      String url,
      int warmup,
      int slices,
      int calls,
      long[] expected,
      Path out,
      PrintStream log,
      int round)
      throws IOException, InterruptedException {
    List<String> cmd = new ArrayList<>();
    cmd.add(java);
    cmd.addAll(jvm);
    cmd.addAll(spec.jvmArgs());
    cmd.add("-cp");
    cmd.add(spec.classPath());
    cmd.add(SteadyCallCpuClient.class.getName());
    cmd.add(spec.name());
    cmd.add(url);
    cmd.add(Integer.toString(warmup));
    cmd.add(Integer.toString(slices));
    cmd.add(Integer.toString(calls));
    cmd.add(Long.toString(expected[0]));
    cmd.add(Long.toString(expected[1]));
    Path err = out.resolve(spec.label().replaceAll("[^A-Za-z0-9@._-]", "_") + ".err");
    Process p =
        new ProcessBuilder(cmd)
            .redirectError(ProcessBuilder.Redirect.appendTo(err.toFile()))
            .start();
    String text = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    int code = p.waitFor();
    Map<String, Double> values = new HashMap<>();
    for (String line : text.split("\n")) {
      if (line.startsWith("THREADS ")) {
        Map<String, Double> t = new TreeMap<>();
        for (String kv : line.substring(8).replace(" (us per call)", "").trim().split(" ")) {
          int eq = kv.lastIndexOf('=');
          if (eq > 0 && !kv.startsWith("client=")) {
            t.put(kv.substring(0, eq), Double.parseDouble(kv.substring(eq + 1)));
          }
        }
        THREADS.computeIfAbsent(spec.label(), k -> new ArrayList<>()).add(t);
      }
      if (line.startsWith("SLICE ") || line.startsWith("RESULT ") || line.startsWith("THREADS ")) {
        log.println("round " + round + " " + spec.label() + " " + line);
      }
      if (line.startsWith("RESULT ")) {
        for (String kv : line.substring(7).trim().split(" ")) {
          int eq = kv.indexOf('=');
          String k = kv.substring(0, eq);
          if (!k.equals("client")) {
            values.put(k, Double.parseDouble(kv.substring(eq + 1)));
          }
        }
      }
    }
    if (code != 0 || values.isEmpty()) {
      throw new IllegalStateException(
          spec.label() + " exited " + code + ": " + text + " (stderr in " + err + ")");
    }
    return values;
  }

  /** The floor a client is held to: the bare client reading the same stream. */
  static String floorOf(String name) {
    switch (name) {
      case "kimiResponses":
      case "openaiResponses":
        return "floorResponses";
      case "kimiResponsesChat":
        return "floorResponsesChat";
      case "floor":
      case "floorResponses":
      case "floorResponsesChat":
        return null;
      default:
        return "floor";
    }
  }

  /** The openai-java client of the same stream. */
  static String openAiOf(String name) {
    switch (name) {
      case "kimiResponses":
        return "openaiResponses";
      case "kimiIterator":
      case "kimiFlow":
      case "kimiForEachText":
        return "openai";
      default:
        return null;
    }
  }

  private static void print(
      Map<String, double[][]> results, int rounds, int slices, int calls, List<String> loads) {
    System.out.println();
    System.out.printf(
        Locale.ROOT,
        "CPU of the client's Java threads per call past warm-up (median of %d slices of %d calls in"
            + " each JVM), one JVM per client per round, %d interleaved rounds%n%n",
        slices,
        calls,
        rounds);
    System.out.println(
        "| client | CPU µs/call (median of rounds) | rounds min-max | spread of rounds"
            + " | slices within a JVM | KB allocated/call | vs floor (median; min-max) | vs"
            + " openai-java (median; min-max) |");
    System.out.println("|---|---:|---:|---:|---:|---:|---:|---:|");
    for (Map.Entry<String, double[][]> e : results.entrySet()) {
      String label = e.getKey();
      String name = label.split("[@%]")[0];
      double[][] rows = e.getValue();
      double[] cpu = column(rows, 0);
      double m = median(cpu);
      double min = Arrays.stream(cpu).min().orElse(0);
      double max = Arrays.stream(cpu).max().orElse(0);
      double[] within = new double[rows.length];
      for (int r = 0; r < rows.length; r++) {
        within[r] = (rows[r][3] - rows[r][2]) / rows[r][0];
      }
      System.out.printf(
          Locale.ROOT,
          "| %s | %,.1f | %,.1f-%,.1f | %.1f%% | %.1f%% | %,.1f | %s | %s |%n",
          label,
          m / 1000,
          min / 1000,
          max / 1000,
          100 * (max - min) / m,
          100 * median(within),
          median(column(rows, 1)) / 1024,
          ratios(results, rows, floorOf(name)),
          ratios(results, rows, openAiOf(name)));
    }
    System.out.println();
    System.out.println(
        "spread of rounds: (max - min) / median of the JVMs' figures; slices within a JVM: the"
            + " median over JVMs of (slowest - fastest slice) / median slice; vs floor and vs"
            + " openai-java: each round's ratio to that client's JVM of the same round.");
    double jit = 0;
    double threads = 0;
    int loud = 0;
    double[] warm = new double[results.size() * rounds];
    int w = 0;
    for (double[][] rows : results.values()) {
      for (double[] row : rows) {
        jit = Math.max(jit, row[4]);
        threads += row[5];
        warm[w++] = row[6];
        loud += row[7] > 0 ? 0 : 1;
      }
    }
    System.out.printf(
        Locale.ROOT,
        "warm-up: median %.0f calls (%.0f-%.0f); JVMs whose JIT was still compiling when the slices"
            + " began: %d; most JIT compilation during one JVM's slices: %.0f ms; threads started or"
            + " ended during slices: %.0f%n",
        median(warm),
        Arrays.stream(warm).min().orElse(0),
        Arrays.stream(warm).max().orElse(0),
        loud,
        jit,
        threads);
    System.out.println("load average (1, 5, 15 min) per round: " + String.join("; ", loads));
    System.out.println();
    System.out.println(
        "By thread (µs per call, median over rounds; a pool's threads together, digits as N):");
    System.out.println();
    for (Map.Entry<String, List<Map<String, Double>>> e : THREADS.entrySet()) {
      Map<String, List<Double>> byName = new TreeMap<>();
      for (Map<String, Double> round : e.getValue()) {
        round.forEach((k, v) -> byName.computeIfAbsent(k, x -> new ArrayList<>()).add(v));
      }
      StringBuilder line = new StringBuilder("- " + e.getKey() + ":");
      byName.forEach(
          (k, v) -> {
            double m = median(v.stream().mapToDouble(Double::doubleValue).toArray());
            if (m >= 0.5) {
              line.append(String.format(Locale.ROOT, " `%s` %.0f;", k, m));
            }
          });
      System.out.println(line);
    }
  }

  private static String ratios(Map<String, double[][]> results, double[][] rows, String base) {
    if (base == null) {
      return "";
    }
    double[][] b = null;
    for (Map.Entry<String, double[][]> e : results.entrySet()) {
      if (e.getKey().equals(base)) {
        b = e.getValue();
      }
    }
    if (b == null) {
      return "";
    }
    double[] r = new double[rows.length];
    for (int i = 0; i < rows.length; i++) {
      r[i] = rows[i][0] / b[i][0];
    }
    double min = Arrays.stream(r).min().orElse(0);
    double max = Arrays.stream(r).max().orElse(0);
    return String.format(Locale.ROOT, "**%.2fx**; %.2f-%.2f", median(r), min, max);
  }

  private static double[] column(double[][] rows, int col) {
    double[] v = new double[rows.length];
    for (int i = 0; i < rows.length; i++) {
      v[i] = rows[i][col];
    }
    return v;
  }

  private static double median(double[] values) {
    double[] v = values.clone();
    Arrays.sort(v);
    int n = v.length;
    return n % 2 == 1 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
  }

  private static String load() {
    try {
      String[] f = Files.readString(Path.of("/proc/loadavg")).trim().split(" ");
      return f[0] + " " + f[1] + " " + f[2];
    } catch (IOException e) {
      return "?";
    }
  }
}
