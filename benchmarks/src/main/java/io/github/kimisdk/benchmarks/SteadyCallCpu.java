package io.github.kimisdk.benchmarks;

import static io.github.kimisdk.benchmarks.Stats.column;
import static io.github.kimisdk.benchmarks.Stats.median;

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
 * CPU and allocation per streaming call past warm-up, measured inside the clients' JVM (issue 69):
 * {@link SteadyCallCpuClient} warms the clients up and then reads the CPU time and allocated bytes
 * of the JVM's Java threads (the caller's, the HTTP client's, the SDK's) over slices of calls, so
 * that start-up, class loading and the JIT's and collector's own threads are outside the figure,
 * and other processes on the machine change it little. Unlike {@link CpuPerCall} (the difference of
 * two whole-process CPU totals, which moved by 0.9x to 1.8x from run to run), this can tell 1.1x.
 *
 * <p>Two things make it steady. The clients share one JVM and take turns slice by slice, so each
 * slice of the SDK has a slice of the floor beside it in time, on the same heap, JIT and cores: the
 * ratio is taken slice against slice, and what makes one JVM slower than the next (a third on 2
 * cores, from its compiled code, its place in memory and its neighbours) cancels. And the server
 * ({@link ColdStartServer} in its own JVM: the recorded 300-chunk Kimi stream, and one answer over
 * chat completions and over Responses) sends each body in one write with its length unless {@code
 * --chunked} is given: see {@link LoopbackServer} for why. All JVMs run with the same pinned
 * settings ({@link #PINNED}: the G1 collector on a fixed heap, two JIT compiler threads). A client
 * of another build ({@code name@label=path}, the path a whole {@code benchmarks.jar} or a class
 * path that starts with another {@code kimi-sdk} jar) shares the JVM too, its classes loaded from
 * that path alone by a class loader of its own, so two builds of the SDK are compared slice against
 * slice as well (the column "vs this build's"). A client with options of its own ({@code
 * name%option}) runs in a JVM of its own, and its ratios are then the ratios of two JVMs' medians.
 * Every round starts fresh JVMs, in the reverse order every other round.
 *
 * <p>The table gives, per client, the median over rounds of the JVM's median slice, the rounds'
 * spread, the bytes allocated per call, and the median of the rounds' ratios, with their spread, to
 * the floor (the bare {@code java.net.http} client reading the same stream's {@code data:} lines:
 * {@code floor} for chat completions, {@code floorResponses} for Responses) and to openai-java.
 *
 * <p>Usage: {@code java -cp benchmarks/target/benchmarks.jar
 * io.github.kimisdk.benchmarks.SteadyCallCpu [rounds] [--clients a,b,...] [--warmup N] [--slices N]
 * [--calls N] [--jvm "args"] [--chunked] [--gc-between-slices] [--quiet-runs N] [--out dir]}
 * (defaults: 5 rounds, {@link #DEFAULT_CLIENTS}, 5,000 warm-up calls of each client, 20 slices of
 * 100 calls, 5 quiet runs). Clients are {@link CpuPerCall}'s, with its {@code name@label=path.jar}
 * and {@code %option} forms. {@code benchmarks/steady-cpu.sh} runs it.
 */
public final class SteadyCallCpu {

  /** The clients run when none are named. */
  static final String DEFAULT_CLIENTS =
      "floor,floorDecode,kimiIterator,openai,floorResponses,floorResponsesDecode,kimiResponses,"
          + "openaiResponses";

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

  /** Per client, per round: CPU per call of each slice, in the order the slices ran. */
  private static final Map<String, double[][]> SLICES = new LinkedHashMap<>();

  /** Per client: the JVM it shares with others (its options), as a key. */
  private static final Map<String, String> GROUP = new HashMap<>();

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
    int slices = 20;
    int calls = 100;
    String jvmArgs = "";
    boolean chunked = false;
    boolean collectBetween = false;
    int quietRuns = SteadyCallCpuClient.QUIET_RUNS;
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
        case "--chunked":
          chunked = true;
          break;
        case "--gc-between-slices":
          collectBetween = true;
          break;
        case "--quiet-runs":
          quietRuns = Integer.parseInt(args[++i]);
          break;
        case "--out":
          out = Path.of(args[++i]);
          break;
        default:
          rounds = Integer.parseInt(args[i]);
      }
    }
    if (rounds < 1 || warmup < 1 || slices < 1 || calls < 1 || quietRuns < 0) {
      throw new IllegalArgumentException(
          "rounds, warm-up, slices and calls must be positive, quiet runs not negative");
    }
    String ownClassPath = System.getProperty("java.class.path");
    List<CpuPerCall.Spec> specs = new ArrayList<>();
    for (String s : clients.split(",")) {
      CpuPerCall.Spec spec = CpuPerCall.Spec.parse(s.trim(), ownClassPath);
      if (!CpuPerCall.known(spec.name())) {
        throw new IllegalArgumentException(
            "unknown client "
                + spec.name()
                + "; known: "
                + CpuPerCall.ALL
                + ", "
                + CpuPerCall.RESPONSES
                + " and "
                + CpuPerCall.VARIANTS);
      }
      specs.add(spec);
    }
    // clients with the same JVM options share a JVM, slice beside slice, a client of another
    // build (name@label=path.jar) in a class loader of its own; a client with options of its own
    // (%option) gets a JVM of its own
    Map<String, List<CpuPerCall.Spec>> groups = new LinkedHashMap<>();
    for (CpuPerCall.Spec spec : specs) {
      if (spec.label().contains(",") || spec.label().contains("|")) {
        throw new IllegalArgumentException("a label has no ',' or '|': " + spec.label());
      }
      if (GROUP.containsKey(spec.label())) {
        throw new IllegalArgumentException(spec.label() + " is named twice");
      }
      String key = String.join("\u0000", spec.jvmArgs());
      groups.computeIfAbsent(key, k -> new ArrayList<>()).add(spec);
      GROUP.put(spec.label(), key);
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
        new ProcessBuilder(
                java,
                "-cp",
                ownClassPath,
                ColdStartServer.class.getName(),
                chunked ? "--chunked" : "--whole")
            .redirectErrorStream(true)
            .start();
    try {
      BufferedReader serverOut =
          new BufferedReader(
              new InputStreamReader(server.getInputStream(), StandardCharsets.US_ASCII));
      String url = serverOut.readLine().trim().split(" ")[0];
      System.out.printf(
          Locale.ROOT,
          "SteadyCallCpu: %d rounds; each JVM: at least %d warm-up calls of each client (more"
              + " until %d turns of 100 calls of each in a row compile nothing), then %d slices of"
              + " %d calls of each, in turns%s; JVM options %s; server %s in its own JVM, %s; %s;"
              + " %d processors%n",
          rounds,
          warmup,
          quietRuns,
          slices,
          calls,
          collectBetween ? ", a full collection before each slice" : "",
          String.join(" ", jvm),
          url,
          chunked
              ? "each body chunked in pieces of a few kilobytes"
              : "each body in one write with its length",
          System.getProperty("java.vm.name") + " " + System.getProperty("java.version"),
          Runtime.getRuntime().availableProcessors());
      Map<String, double[][]> results = new LinkedHashMap<>();
      for (CpuPerCall.Spec spec : specs) {
        results.put(spec.label(), new double[rounds][]);
        SLICES.put(spec.label(), new double[rounds][]);
      }
      List<String> loads = new ArrayList<>();
      Path raw = out.resolve("samples.txt");
      try (PrintStream log = new PrintStream(Files.newOutputStream(raw), true, "UTF-8")) {
        for (int r = 0; r < rounds; r++) {
          String before = LoadAverage.now();
          List<List<CpuPerCall.Spec>> order = new ArrayList<>(groups.values());
          if (r % 2 == 1) {
            Collections.reverse(order);
          }
          for (List<CpuPerCall.Spec> group : order) {
            long[][] expected = new long[group.size()][];
            for (int k = 0; k < group.size(); k++) {
              expected[k] = CpuPerCall.expected(group.get(k), stream, same);
            }
            Map<String, Map<String, Double>> byLabel =
                run(
                    java,
                    ownClassPath,
                    jvm,
                    group,
                    url,
                    new int[] {warmup, slices, calls, quietRuns, collectBetween ? 1 : 0},
                    expected,
                    out,
                    log,
                    r);
            for (CpuPerCall.Spec spec : group) {
              Map<String, Double> v = byLabel.get(spec.label());
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
          }
          String after = LoadAverage.now();
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

  /** Runs one JVM with the clients of {@code group}; returns each one's result line by label. */
  private static Map<String, Map<String, Double>> run(
      String java,
      String ownClassPath,
      List<String> jvm,
      List<CpuPerCall.Spec> group,
      String url,
      int[] counts,
      long[][] expected,
      Path out,
      PrintStream log,
      int round)
      throws IOException, InterruptedException {
    CpuPerCall.Spec first = group.get(0);
    List<String> labels = new ArrayList<>();
    StringBuilder names = new StringBuilder();
    StringBuilder chunks = new StringBuilder();
    StringBuilder chars = new StringBuilder();
    for (int k = 0; k < group.size(); k++) {
      CpuPerCall.Spec spec = group.get(k);
      labels.add(spec.label());
      String sep = k == 0 ? "" : ",";
      names.append(sep).append(spec.label()).append('|').append(spec.name());
      if (!spec.classPath().equals(ownClassPath)) {
        names.append('|').append(spec.classPath()); // another build, loaded on its own
      }
      chunks.append(sep).append(expected[k][0]);
      chars.append(sep).append(expected[k][1]);
    }
    List<String> cmd = new ArrayList<>();
    cmd.add(java);
    cmd.addAll(jvm);
    cmd.addAll(first.jvmArgs());
    cmd.add("-cp");
    cmd.add(ownClassPath);
    cmd.add(SteadyCallCpuClient.class.getName());
    cmd.add(names.toString());
    cmd.add(url);
    cmd.add(Integer.toString(counts[0])); // warm-up calls
    cmd.add(Integer.toString(counts[1])); // slices
    cmd.add(Integer.toString(counts[2])); // calls per slice
    cmd.add(chunks.toString());
    cmd.add(chars.toString());
    cmd.add(Integer.toString(counts[3])); // quiet runs
    cmd.add(counts[4] == 1 ? "gc" : "nogc"); // a full collection before every slice
    Path err = out.resolve(first.label().replaceAll("[^A-Za-z0-9@._-]", "_") + ".err");
    ClientRun child = ClientRun.of(cmd, err);
    String text = child.stdout();
    int code = child.status();
    Map<String, Map<String, Double>> values = new HashMap<>();
    Map<String, List<Double>> slices = new HashMap<>();
    for (String line : text.split("\n")) {
      if (!line.startsWith("SLICE ")
          && !line.startsWith("RESULT ")
          && !line.startsWith("THREADS ")) {
        continue;
      }
      Map<String, String> kv = new LinkedHashMap<>();
      for (String token :
          line.substring(line.indexOf(' ') + 1).replace(" (us per call)", "").trim().split(" ")) {
        int eq = token.lastIndexOf('=');
        if (eq > 0) {
          kv.put(token.substring(0, eq), token.substring(eq + 1));
        }
      }
      String label = kv.remove("client");
      if (!labels.contains(label)) {
        continue;
      }
      log.println("round " + (round + 1) + " " + label + " " + line);
      if (line.startsWith("SLICE ")) {
        slices
            .computeIfAbsent(label, k -> new ArrayList<>())
            .add(Double.parseDouble(kv.get("cpuNsPerCall")));
      } else if (line.startsWith("THREADS ")) {
        Map<String, Double> t = new TreeMap<>();
        kv.forEach((k, v) -> t.put(k, Double.parseDouble(v)));
        THREADS.computeIfAbsent(label, k -> new ArrayList<>()).add(t);
      } else {
        Map<String, Double> v = new HashMap<>();
        kv.forEach((k, x) -> v.put(k, Double.parseDouble(x)));
        values.put(label, v);
      }
    }
    if (code != 0 || values.size() != group.size()) {
      throw new IllegalStateException(
          labels + " exited " + code + ": " + text + " (stderr in " + err + ")");
    }
    slices.forEach(
        (label, v) ->
            SLICES.get(label)[round] = v.stream().mapToDouble(Double::doubleValue).toArray());
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
      case "floorResponsesDecode":
        return "floorResponses";
      case "floor":
      case "floorResponses":
      case "floorResponsesChat":
        return null;
      default:
        return "floor";
    }
  }

  /**
   * The decode-inclusive floor a client is held to: the floor reading the same stream with each
   * event decoded by the SDK's own handler ({@link CpuPerCallFloorDecode}).
   */
  static String decodeFloorOf(String name) {
    switch (name) {
      case "kimiIterator":
      case "kimiChain":
      case "kimiGroup":
      case "kimiFlow":
      case "kimiForEachText":
      case "openai":
        return "floorDecode";
      case "kimiResponses":
      case "openaiResponses":
        return "floorResponsesDecode";
      default:
        return null;
    }
  }

  /** The openai-java client of the same stream. */
  static String openAiOf(String name) {
    switch (name) {
      case "kimiResponses":
        return "openaiResponses";
      case "kimiIterator":
      case "kimiChain":
      case "kimiGroup":
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
            + " each JVM; the clients share a JVM, slice beside slice, unless given options of"
            + " their own), %d rounds of fresh JVMs%n%n",
        slices,
        calls,
        rounds);
    System.out.println(
        "| client | CPU µs/call (median of rounds) | rounds min-max | spread of rounds"
            + " | slices within a JVM | KB allocated/call | vs floor (median; min-max; spread) | vs"
            + " decode-inclusive floor | vs openai-java (median; min-max; spread) | vs this build's"
            + " |");
    System.out.println("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
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
          "| %s | %,.1f | %,.1f-%,.1f | %.1f%% | %.1f%% | %,.1f | %s | %s | %s | %s |%n",
          label,
          m / 1000,
          min / 1000,
          max / 1000,
          100 * (max - min) / m,
          100 * median(within),
          median(column(rows, 1)) / 1024,
          ratios(results, label, floorOf(name)),
          ratios(results, label, decodeFloorOf(name)),
          ratios(results, label, openAiOf(name)),
          label.contains("@") ? ratios(results, label, name) : "");
    }
    System.out.println();
    System.out.println(
        "spread of rounds: (max - min) / median of the JVMs' figures; slices within a JVM: the"
            + " median over JVMs of (slowest - fastest slice) / median slice; vs floor, vs the"
            + " decode-inclusive floor (the floor with each event decoded by the SDK's own handler:"
            + " what is left is the SDK's machinery) and vs openai-java: each round's ratio to that client in the same round, for clients"
            + " sharing a JVM the median of their slices' ratios (slice k of one against slice k"
            + " of the other, run side by side), else the ratio of the two JVMs' medians; spread:"
            + " (max - min) / median of the rounds' ratios; vs this build's: a client of another"
            + " build (name@label=path) against the same client of this one.");
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

  private static String ratios(Map<String, double[][]> results, String label, String base) {
    if (base == null || !results.containsKey(base)) {
      return "";
    }
    double[][] rows = results.get(label);
    double[][] b = results.get(base);
    boolean paired = GROUP.get(label).equals(GROUP.get(base));
    double[] r = new double[rows.length];
    for (int i = 0; i < rows.length; i++) {
      if (paired) {
        double[] mine = SLICES.get(label)[i];
        double[] theirs = SLICES.get(base)[i];
        double[] q = new double[Math.min(mine.length, theirs.length)];
        for (int k = 0; k < q.length; k++) {
          q[k] = mine[k] / theirs[k];
        }
        r[i] = median(q);
      } else {
        r[i] = rows[i][0] / b[i][0];
      }
    }
    double m = median(r);
    double min = Arrays.stream(r).min().orElse(0);
    double max = Arrays.stream(r).max().orElse(0);
    return String.format(
        Locale.ROOT, "**%.2fx**; %.2f-%.2f; %.1f%%", m, min, max, 100 * (max - min) / m);
  }
}
