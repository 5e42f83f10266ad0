package io.github.kimisdk.benchmarks;

import static io.github.kimisdk.benchmarks.Stats.column;
import static io.github.kimisdk.benchmarks.Stats.median;

import java.io.BufferedReader;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import javax.tools.JavaCompiler;
import javax.tools.ToolProvider;

/**
 * What a tool loop costs, per tool call and per model call (issue 97): the same task (ten turns of
 * two parallel calls of a trivial tool, then an answer, from {@link ToolLoopServer} in a JVM of its
 * own, answering at once on loopback) run by each client's loop, the clients in one JVM taking
 * turns slice by slice ({@link ToolLoopCostClient}), so each figure is read beside the others'
 * under the same load, and ratios are taken slice against slice.
 *
 * <p>The loops: {@code toolRunner}, the core's {@code io.github.kimisdk.agent.ToolRunner} (only in
 * builds that have it, such as 96316f4d); {@code chat}, the loop written by hand with the core
 * alone (the floor); {@code agent}, kimi-sdk-agents' {@code Agent} in memory with its defaults
 * (compaction on); {@code agentNoCompaction}, the same with {@code Compaction.off()}; {@code
 * agentMemory}, with {@code RunStore.inMemory()} (how a run stayed in memory before the one loop);
 * {@code agentFile}, {@code agentPostgres}, {@code agentRedis}, durable on each store, the servers
 * started from this machine's binaries as {@link RunStoreCost} starts them (each client a database
 * or directory of its own). A client of another build is {@code name@label=path}: {@code path} a
 * class path that holds that build's kimi-sdk (and kimi-sdk-agents and its stores, for the agent
 * loops), such as that build's {@code benchmarks.jar}. Each loop is a driver ({@code
 * src/toolloop/java}, in this jar under {@code toolloop-sources/}) compiled here, at run time,
 * against each build's class path, and loaded from that class path alone, so every build runs the
 * same source against its own classes (no copy of a loop, no reflection per call).
 *
 * <p>The table gives, per client, the median over rounds (fresh JVMs) of the JVM's median slice:
 * CPU of the JVM's Java threads per tool call and per model call, bytes allocated per tool call,
 * wall time per loop; and the median of the rounds' ratios, slice against slice, to the baseline
 * (the first client, or {@code --baseline}) and, for a client of another build, to this build's
 * same loop. For a loop on a store, what the store adds per tool call: its figure less its build's
 * in-memory loop's ({@code agentMemory}, else {@code agent}; for {@code agentMemory} itself, {@code
 * agent}), divided by the tool calls.
 *
 * <p>Usage: {@code java -cp benchmarks/target/benchmarks.jar
 * io.github.kimisdk.benchmarks.ToolLoopCost [rounds] [--clients a,b,...] [--baseline label]
 * [--warmup N] [--run N] [--slices N] [--loops N] [--quiet-runs N] [--jvm "args"] [--out dir]}
 * (defaults: 5 rounds, {@code chat,agent,agentNoCompaction}, at least 1,000 warm-up loops of each
 * client in turns of 50, until 3 turns in a row compile nothing; 20 slices of 20 loops; {@link
 * SteadyCallCpu#PINNED} JVM settings).
 */
public final class ToolLoopCost {

  /** The drivers' package. */
  static final String DRIVERS = "io.github.kimisdk.benchmarks.toolloop";

  /** The loops a client may name, and the driver and configuration each runs. */
  static final Map<String, String> LOOPS = new LinkedHashMap<>();

  static {
    LOOPS.put("toolRunner", "ToolRunnerDriver|");
    LOOPS.put("chat", "LoopDriver|loop=chat");
    LOOPS.put("agent", "LoopDriver|loop=agent;compaction=on;store=none");
    LOOPS.put("agentNoCompaction", "LoopDriver|loop=agent;compaction=off;store=none");
    LOOPS.put("agentMemory", "LoopDriver|loop=agent;compaction=on;store=memory");
    LOOPS.put("agentFile", "LoopDriver|loop=agent;compaction=on;store=file");
    LOOPS.put("agentPostgres", "LoopDriver|loop=agent;compaction=on;store=postgres");
    LOOPS.put("agentRedis", "LoopDriver|loop=agent;compaction=on;store=redis");
  }

  /** Per client, per thread name: its CPU per loop in each round (µs). */
  private static final Map<String, Map<String, List<Double>>> THREADS = new LinkedHashMap<>();

  /** Per client, per thread name (+ started, - ended during the slices): counts per round. */
  private static final Map<String, Map<String, List<Double>>> CHURN = new LinkedHashMap<>();

  private static final int TOOL_CALLS = ToolLoopServer.STEPS * ToolLoopServer.CALLS_PER_STEP;

  private ToolLoopCost() {}

  /**
   * Runs the measurement and prints the table.
   *
   * @param args as in the class comment
   * @throws Exception when a loop, a server or the compiler fails
   */
  public static void main(String[] args) throws Exception {
    Options o = Options.parse(args);
    String own = System.getProperty("java.class.path");
    List<CpuPerCall.Spec> specs = new ArrayList<>();
    Set<String> labels = new LinkedHashSet<>();
    for (String s : o.clients.split(",")) {
      CpuPerCall.Spec spec = CpuPerCall.Spec.parse(s.trim(), own);
      if (!LOOPS.containsKey(spec.name())) {
        throw new IllegalArgumentException(
            "unknown loop " + spec.name() + "; known: " + LOOPS.keySet());
      }
      if (!spec.jvmArgs().isEmpty() || spec.label().contains("|") || spec.label().contains(",")) {
        throw new IllegalArgumentException(
            "the clients share one JVM: no %options, and no '|' or ',' in a label: " + s);
      }
      if (!labels.add(spec.label())) {
        throw new IllegalArgumentException(spec.label() + " is named twice");
      }
      specs.add(spec);
    }
    String baseline = o.baseline != null ? o.baseline : specs.get(0).label();
    if (!labels.contains(baseline)) {
      throw new IllegalArgumentException("the baseline " + baseline + " is not a client");
    }
    Files.createDirectories(o.out);
    Path home = Files.createTempDirectory("kimi-tool-loop-");
    // PostgreSQL's server runs as postgres when this runs as root (RunStoreCost)
    Files.setPosixFilePermissions(home, PosixFilePermissions.fromString("rwxr-xr-x"));
    List<AutoCloseable> servers = new ArrayList<>();
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    Process server =
        new ProcessBuilder(java, "-Xmx256m", "-cp", own, ToolLoopServer.class.getName())
            .redirectError(ProcessBuilder.Redirect.appendTo(o.out.resolve("server.err").toFile()))
            .start();
    try {
      String url =
          new BufferedReader(
                  new InputStreamReader(server.getInputStream(), StandardCharsets.US_ASCII))
              .readLine();
      if (url == null) {
        throw new IllegalStateException("the loop server did not start: see " + o.out);
      }
      List<String> clientArgs = clientArgs(specs, url.trim(), o.out, home, servers);
      List<String> jvm = new ArrayList<>(SteadyCallCpu.PINNED);
      if (!o.jvm.isBlank()) {
        jvm.addAll(Arrays.asList(o.jvm.trim().split("\\s+")));
      }
      System.out.printf(
          Locale.ROOT,
          "ToolLoopCost: %d rounds; the task: %d turns of %d parallel calls of a trivial tool, then"
              + " an answer (%d model calls, %d tool calls a loop), from a server in its own JVM at"
              + " %s; each JVM: at least %d warm-up loops of each client in turns of %d (more until"
              + " %d turns in a row compile nothing), then %d slices of %d loops of each, in turns;"
              + " JVM options %s; %s; %d processors%n",
          o.rounds,
          ToolLoopServer.STEPS,
          ToolLoopServer.CALLS_PER_STEP,
          ToolLoopServer.STEPS + 1,
          TOOL_CALLS,
          url.trim(),
          o.warmup,
          o.run,
          o.quiet,
          o.slices,
          o.loops,
          String.join(" ", jvm),
          System.getProperty("java.vm.name") + " " + System.getProperty("java.version"),
          Runtime.getRuntime().availableProcessors());
      // per label, per round: the slices' figures, in the order they ran
      Map<String, double[][][]> slices = new LinkedHashMap<>();
      Map<String, List<String>> notes = new LinkedHashMap<>();
      for (CpuPerCall.Spec spec : specs) {
        slices.put(spec.label(), new double[o.rounds][][]);
        notes.put(spec.label(), new ArrayList<>());
      }
      List<String> loads = new ArrayList<>();
      try (PrintStream log =
          new PrintStream(Files.newOutputStream(o.out.resolve("samples.txt")), true, "UTF-8")) {
        for (int r = 0; r < o.rounds; r++) {
          String before = LoadAverage.now();
          round(java, jvm, own, o, clientArgs, r, slices, notes, log);
          String after = LoadAverage.now();
          loads.add("round " + (r + 1) + ": " + before + " -> " + after);
          System.out.printf("round %d done; load average %s -> %s%n", r + 1, before, after);
        }
      }
      print(specs, baseline, slices, notes, loads, o);
      System.out.println("raw: " + o.out.resolve("samples.txt"));
    } finally {
      server.destroy();
      server.waitFor(10, TimeUnit.SECONDS);
      RunStoreCost.stopAndDelete(servers, home);
    }
  }

  /** The measuring JVM's arguments: one per client, each driver compiled for its build. */
  private static List<String> clientArgs(
      List<CpuPerCall.Spec> specs, String url, Path out, Path home, List<AutoCloseable> servers)
      throws Exception {
    Map<String, Set<String>> driversByPath = new LinkedHashMap<>();
    for (CpuPerCall.Spec spec : specs) {
      driversByPath
          .computeIfAbsent(spec.classPath(), k -> new LinkedHashSet<>())
          .add(LOOPS.get(spec.name()).split("\\|")[0]);
    }
    Map<String, Path> compiled = new LinkedHashMap<>();
    int n = 0;
    for (Map.Entry<String, Set<String>> e : driversByPath.entrySet()) {
      Path dir = out.resolve("drivers").resolve(Integer.toString(++n));
      compile(e.getKey(), e.getValue(), dir);
      compiled.put(e.getKey(), dir);
    }
    String jdbc = null;
    int redis = -1;
    List<String> args = new ArrayList<>();
    int k = 0;
    for (CpuPerCall.Spec spec : specs) {
      k++;
      String[] loop = LOOPS.get(spec.name()).split("\\|", -1);
      StringBuilder config = new StringBuilder();
      config.append("url=").append(url);
      config.append(";task=").append(ToolLoopServer.TASK);
      config.append(";answer=").append(ToolLoopServer.ANSWER);
      if (!loop[1].isEmpty()) {
        config.append(';').append(loop[1]);
      }
      if (loop[1].contains("store=file")) {
        config.append(";files=").append(home.resolve("files-" + k));
      } else if (loop[1].contains("store=postgres")) {
        if (jdbc == null) {
          jdbc = RunStoreCost.startPostgres(home.resolve("pg"), servers);
          if (jdbc == null) {
            throw new IllegalStateException("no PostgreSQL binaries (initdb, pg_ctl) here");
          }
        }
        try (Connection c = DriverManager.getConnection(jdbc, "kimi", "");
            Statement st = c.createStatement()) {
          st.execute("CREATE DATABASE kimi_" + k);
        }
        config.append(";jdbc=").append(jdbc.replaceAll("/postgres$", "/kimi_" + k));
      } else if (loop[1].contains("store=redis")) {
        if (redis < 0) {
          redis = RunStoreCost.startRedisServer(home.resolve("redis"), servers);
          if (redis < 0) {
            throw new IllegalStateException("no redis-server here");
          }
        }
        if (k > 15) {
          throw new IllegalArgumentException("a Redis client must be among the first 15");
        }
        config.append(";redis=127.0.0.1:").append(redis).append(";redisDb=").append(k);
      }
      if (config.indexOf("|") >= 0) {
        throw new IllegalArgumentException("no '|' in a client's settings: " + config);
      }
      args.add(
          String.join(
              "|",
              spec.label(),
              loop[0],
              spec.classPath(),
              compiled.get(spec.classPath()).toString(),
              config));
    }
    return args;
  }

  /** Compiles the drivers' sources, from this jar, against {@code classPath} into {@code dir}. */
  static void compile(String classPath, Set<String> drivers, Path dir) throws IOException {
    JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
    if (javac == null) {
      throw new IllegalStateException("no Java compiler in this runtime: run on a JDK");
    }
    Path sources = dir.resolve("src");
    Files.createDirectories(sources);
    List<String> args =
        new ArrayList<>(
            List.of("-proc:none", "-Xlint:all", "-encoding", "UTF-8", "-d", dir.toString()));
    args.add("-cp");
    args.add(classPath);
    for (String driver : drivers) {
      String resource = "/toolloop-sources/" + DRIVERS.replace('.', '/') + "/" + driver + ".java";
      try (InputStream in = ToolLoopCost.class.getResourceAsStream(resource)) {
        if (in == null) {
          throw new IllegalStateException("no " + resource + " in this jar");
        }
        Path source = sources.resolve(driver + ".java");
        Files.write(source, in.readAllBytes());
        args.add(source.toString());
      }
    }
    ByteArrayOutputStream diagnostics = new ByteArrayOutputStream();
    PrintStream to = new PrintStream(diagnostics, true, StandardCharsets.UTF_8);
    int code = javac.run(null, to, to, args.toArray(new String[0]));
    String said = diagnostics.toString(StandardCharsets.UTF_8);
    if (code != 0 || !said.isBlank()) {
      String what = "compiling " + drivers + " against " + classPath + ":\n" + said;
      if (code != 0) {
        throw new IllegalStateException(what);
      }
      System.out.println(what);
    }
  }

  /** One measuring JVM; its slices go to {@code slices} and its notes to {@code notes}. */
  private static void round(
      String java,
      List<String> jvm,
      String own,
      Options o,
      List<String> clientArgs,
      int round,
      Map<String, double[][][]> slices,
      Map<String, List<String>> notes,
      PrintStream log)
      throws IOException, InterruptedException {
    List<String> cmd = new ArrayList<>();
    cmd.add(java);
    cmd.addAll(jvm);
    cmd.add("-cp");
    cmd.add(own);
    cmd.add(ToolLoopCostClient.class.getName());
    cmd.add(Integer.toString(o.warmup));
    cmd.add(Integer.toString(o.run));
    cmd.add(Integer.toString(o.slices));
    cmd.add(Integer.toString(o.loops));
    cmd.add(Integer.toString(o.quiet));
    List<String> ordered = new ArrayList<>(clientArgs);
    if (round % 2 == 1) {
      Collections.reverse(ordered); // who goes first in a slice, every other round
    }
    cmd.addAll(ordered);
    Path err = o.out.resolve("client.err");
    ClientRun child = ClientRun.of(cmd, err);
    String text = child.stdout();
    int code = child.status();
    Map<String, List<double[]>> seen = new LinkedHashMap<>();
    for (String line : text.split("\n")) {
      if (!line.startsWith("SLICE ")
          && !line.startsWith("RESULT ")
          && !line.startsWith("THREADS ")
          && !line.startsWith("CHURN ")) {
        continue;
      }
      log.println("round " + (round + 1) + " " + line);
      if (line.startsWith("THREADS ") || line.startsWith("CHURN ")) {
        String[] tokens = line.trim().split(" ");
        String label = tokens[1].substring("client=".length());
        Map<String, List<Double>> into =
            (line.startsWith("THREADS ") ? THREADS : CHURN)
                .computeIfAbsent(label, x -> new TreeMap<>());
        for (int i = 2; i < tokens.length; i++) {
          int eq = tokens[i].lastIndexOf('=');
          into.computeIfAbsent(tokens[i].substring(0, eq), x -> new ArrayList<>())
              .add(Double.parseDouble(tokens[i].substring(eq + 1)));
        }
        continue;
      }
      Map<String, String> kv = new LinkedHashMap<>();
      for (String token : line.substring(line.indexOf(' ') + 1).trim().split(" ")) {
        int eq = token.indexOf('=');
        kv.put(token.substring(0, eq), token.substring(eq + 1));
      }
      String label = kv.get("client");
      if (line.startsWith("SLICE ")) {
        double toolCalls = Double.parseDouble(kv.get("toolCalls"));
        double steps = Double.parseDouble(kv.get("steps"));
        double loops = Double.parseDouble(kv.get("loops"));
        seen.computeIfAbsent(label, x -> new ArrayList<>())
            .add(
                new double[] {
                  Double.parseDouble(kv.get("cpuNs")) / toolCalls,
                  Double.parseDouble(kv.get("cpuNs")) / steps,
                  Double.parseDouble(kv.get("allocBytes")) / toolCalls,
                  Double.parseDouble(kv.get("wallNs")) / loops
                });
      } else if (!kv.get("quiet").equals("1")
          || !kv.get("threadsStarted").equals("0")
          || !kv.get("threadsEnded").equals("0")) {
        notes
            .get(label)
            .add(
                String.format(
                    Locale.ROOT,
                    "round %d: JIT quiet %s, %s ms compiled during the slices, threads started %s,"
                        + " ended %s",
                    round + 1,
                    kv.get("quiet").equals("1") ? "yes" : "no",
                    kv.get("jitMsDuringSlices"),
                    kv.get("threadsStarted"),
                    kv.get("threadsEnded")));
      }
    }
    if (code != 0 || !seen.keySet().equals(slices.keySet())) {
      throw new IllegalStateException(
          "the measuring JVM exited " + code + ": " + text + " (stderr in " + err + ")");
    }
    seen.forEach((label, v) -> slices.get(label)[round] = v.toArray(new double[0][]));
  }

  // figures: 0 CPU ns per tool call, 1 CPU ns per model call, 2 bytes per tool call, 3 wall ns per
  // loop

  private static void print(
      List<CpuPerCall.Spec> specs,
      String baseline,
      Map<String, double[][][]> slices,
      Map<String, List<String>> notes,
      List<String> loads,
      Options o) {
    System.out.println();
    System.out.printf(
        Locale.ROOT,
        "Per client: the median over %d rounds of the JVM's median slice (%d slices of %d loops),"
            + " the rounds' min-max; ratios slice against slice, median of the rounds (min-max;"
            + " spread)%n%n",
        o.rounds,
        o.slices,
        o.loops);
    System.out.println(
        "| client | CPU µs per tool call | rounds min-max | CPU µs per model call | KB allocated per"
            + " tool call | wall ms per loop | CPU vs "
            + baseline
            + " | allocated vs "
            + baseline
            + " | wall vs "
            + baseline
            + " | CPU vs this build's same loop |");
    System.out.println("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
    for (CpuPerCall.Spec spec : specs) {
      String label = spec.label();
      double[] cpu = perRound(slices.get(label), 0);
      String same = "";
      if (label.contains("@") && slices.containsKey(spec.name())) {
        same = ratios(slices.get(label), slices.get(spec.name()), 0);
      }
      System.out.printf(
          Locale.ROOT,
          "| %s | %,.1f | %,.1f-%,.1f | %,.1f | %,.1f | %,.2f | %s | %s | %s | %s |%n",
          label,
          median(cpu) / 1e3,
          min(cpu) / 1e3,
          max(cpu) / 1e3,
          median(perRound(slices.get(label), 1)) / 1e3,
          median(perRound(slices.get(label), 2)) / 1024,
          median(perRound(slices.get(label), 3)) / 1e6,
          ratios(slices.get(label), slices.get(baseline), 0),
          ratios(slices.get(label), slices.get(baseline), 2),
          ratios(slices.get(label), slices.get(baseline), 3),
          same);
    }
    List<String> stores = new ArrayList<>();
    for (CpuPerCall.Spec spec : specs) {
      String name = spec.name();
      if (!name.equals("agentMemory")
          && !name.equals("agentFile")
          && !name.equals("agentPostgres")
          && !name.equals("agentRedis")) {
        continue;
      }
      String suffix = spec.label().substring(name.length());
      // the in-memory store against no store; a durable one against the in-memory store
      String memory =
          !name.equals("agentMemory") && slices.containsKey("agentMemory" + suffix)
              ? "agentMemory" + suffix
              : "agent" + suffix;
      if (!slices.containsKey(memory)) {
        continue;
      }
      double[] wall = new double[o.rounds];
      double[] cpu = new double[o.rounds];
      for (int r = 0; r < o.rounds; r++) {
        wall[r] =
            (median(column(slices.get(spec.label())[r], 3))
                    - median(column(slices.get(memory)[r], 3)))
                / TOOL_CALLS;
        cpu[r] =
            median(column(slices.get(spec.label())[r], 0))
                - median(column(slices.get(memory)[r], 0));
      }
      stores.add(
          String.format(
              Locale.ROOT,
              "| %s | %s | %,.2f (%,.2f-%,.2f) | %,.1f (%,.1f-%,.1f) |",
              spec.label(),
              memory,
              median(wall) / 1e6,
              min(wall) / 1e6,
              max(wall) / 1e6,
              median(cpu) / 1e3,
              min(cpu) / 1e3,
              max(cpu) / 1e3));
    }
    if (!stores.isEmpty()) {
      System.out.println();
      System.out.println(
          "What a store adds per tool call: the loop on the store less its build's loop in memory"
              + " (on RunStore.inMemory(), or, for that store itself, with no store), per round"
              + " (median of the slices), over the loop's tool calls (its model calls' state saves"
              + " included); median of the rounds (min-max)");
      System.out.println();
      System.out.println(
          "| client | less | wall ms per tool call | CPU µs per tool call (this JVM's threads) |");
      System.out.println("|---|---|---:|---:|");
      stores.forEach(System.out::println);
    }
    System.out.println();
    System.out.println(
        "CPU: of this JVM's Java threads (the caller's, the HTTP client's, the loop's pool, timers,"
            + " a store's), not the JIT's or the collector's, nor the server's (its own JVM). A"
            + " round's ratio is the median over slices k of client slice k / baseline slice k;"
            + " spread: (max - min) / median of the rounds' ratios.");
    notes.forEach(
        (label, list) -> list.forEach(n -> System.out.println("note, " + label + ": " + n)));
    System.out.println("load average (1, 5, 15 min) per round: " + String.join("; ", loads));
    System.out.println();
    System.out.println(
        "By thread (µs of CPU per loop, median over the rounds that ran the thread; a pool's"
            + " threads together, digits as N), and the threads that started (+) or ended (-)"
            + " during a client's slices (total over the rounds; a thread that ended took its CPU"
            + " since the slice's start with it):");
    System.out.println();
    for (CpuPerCall.Spec spec : specs) {
      StringBuilder line = new StringBuilder("- " + spec.label() + ":");
      THREADS
          .getOrDefault(spec.label(), Map.of())
          .forEach(
              (name, v) -> {
                double m = median(v.stream().mapToDouble(Double::doubleValue).toArray());
                if (m >= 0.5) {
                  line.append(String.format(Locale.ROOT, " `%s` %.0f;", name, m));
                }
              });
      CHURN
          .getOrDefault(spec.label(), Map.of())
          .forEach(
              (name, v) ->
                  line.append(
                      String.format(
                          Locale.ROOT,
                          " %s %.0f;",
                          name,
                          v.stream().mapToDouble(Double::doubleValue).sum())));
      System.out.println(line);
    }
  }

  /** Per round, the median slice of figure {@code col}. */
  private static double[] perRound(double[][][] rounds, int col) {
    double[] v = new double[rounds.length];
    for (int r = 0; r < rounds.length; r++) {
      v[r] = median(column(rounds[r], col));
    }
    return v;
  }

  private static String ratios(double[][][] mine, double[][][] base, int col) {
    if (mine == base) {
      return "";
    }
    double[] r = new double[mine.length];
    for (int i = 0; i < mine.length; i++) {
      double[] q = new double[Math.min(mine[i].length, base[i].length)];
      for (int k = 0; k < q.length; k++) {
        q[k] = mine[i][k][col] / base[i][k][col];
      }
      r[i] = median(q);
    }
    double m = median(r);
    return String.format(
        Locale.ROOT,
        "**%.2fx**; %.2f-%.2f; %.1f%%",
        m,
        min(r),
        max(r),
        100 * (max(r) - min(r)) / m);
  }

  private static double min(double[] v) {
    return Arrays.stream(v).min().orElse(0);
  }

  private static double max(double[] v) {
    return Arrays.stream(v).max().orElse(0);
  }

  /** The command line. */
  static final class Options {
    int rounds = 5;
    String clients = "chat,agent,agentNoCompaction";
    String baseline;
    int warmup = 1000;
    int run = 50;
    int slices = 20;
    int loops = 20;
    int quiet = 3;
    String jvm = "";
    Path out = Path.of("benchmarks/target/tool-loop-cost");

    static Options parse(String[] args) {
      Options o = new Options();
      for (int i = 0; i < args.length; i++) {
        switch (args[i]) {
          case "--clients" -> o.clients = args[++i];
          case "--baseline" -> o.baseline = args[++i];
          case "--warmup" -> o.warmup = Integer.parseInt(args[++i]);
          case "--run" -> o.run = Integer.parseInt(args[++i]);
          case "--slices" -> o.slices = Integer.parseInt(args[++i]);
          case "--loops" -> o.loops = Integer.parseInt(args[++i]);
          case "--quiet-runs" -> o.quiet = Integer.parseInt(args[++i]);
          case "--jvm" -> o.jvm = args[++i];
          case "--out" -> o.out = Path.of(args[++i]);
          default -> o.rounds = Integer.parseInt(args[i]);
        }
      }
      if (o.rounds < 1 || o.warmup < 0 || o.run < 1 || o.slices < 1 || o.loops < 1 || o.quiet < 0) {
        throw new IllegalArgumentException(
            "rounds, turns, slices and loops must be positive, warm-up and quiet runs not"
                + " negative");
      }
      return o;
    }
  }
}
