package io.github.kimisdk.benchmarks;

import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Client CPU per streaming call (issue #33): for each client, the user + system CPU time of a
 * client JVM that makes {@code n2} calls minus that of one that makes {@code n1} calls, divided by
 * {@code n2 - n1}, so JVM start-up and JIT warm-up cancel. The server ({@link ColdStartServer}, the
 * recorded 300-chunk Kimi stream of {@link RecordedStream}, pre-encoded) runs in a process of its
 * own, so its CPU is in no client's figure. Rounds are interleaved (every client once per round, in
 * turn) and the table gives medians over rounds, ratios to the bare floor and to openai-java, bytes
 * allocated per chunk by all the client's threads, the same CPU figure less the JIT compiler
 * threads' CPU (on two cores C2 is still compiling between the two call counts, and that is the
 * noisiest part), and optionally the whole CPU and wall time of a fresh JVM that makes a few calls
 * (start-up included).
 *
 * <p>Usage: {@code java -cp benchmarks/target/benchmarks.jar
 * io.github.kimisdk.benchmarks.CpuPerCall [rounds] [n1] [n2] [--fresh N] [--clients a,b,...] [--jvm
 * "args"] [--out dir]} (defaults 3, 300, 1500, fresh 200, every client). A client is {@code
 * kimiIterator}, {@code kimiFlow}, {@code kimiForEachText}, {@code floor} or {@code openai} (the
 * default: all five), or one of {@link #RESPONSES}, optionally {@code name@label=path.jar} to run
 * it from another jar (an A/B of two builds in one run), and optionally followed by {@code
 * %option}s for its JVM alone (such as {@code kimiIterator%-Dsome.property=value}: an A/B of a JVM
 * setting). {@code benchmarks/cpu-per-call.sh} runs it.
 */
public final class CpuPerCall {

  static final List<String> ALL =
      List.of("floor", "kimiIterator", "kimiFlow", "kimiForEachText", "openai");

  /**
   * Variants of the floor that price one thing the SDK does and the floor does not: {@code
   * floorTimeout} sets a request timeout, as the SDK does for its bound on the response headers
   * (the JDK then keeps a timer per request on its selector thread); {@code floorDecode} and {@code
   * floorResponsesDecode} decode each event with the SDK's own handler of the wire, as any client
   * that hands out typed chunks must ({@link CpuPerCallFloorDecode}: the decode-inclusive floor);
   * {@code kimiTelemetry}, the iterator with kimi-sdk-opentelemetry installed (what the artifact
   * adds per call); and {@code kimiChain}, the iterator through a fallback chain whose first target
   * answers (what a chain adds per call); {@code kimiGroup}, the iterator through a group of two
   * replicas that share the load (what choosing a member adds per call); {@code kimiChat} and
   * {@code kimiAsync}, the chat path (a whole completion, {@link ChatAnswer}: a blocking {@code
   * chat}, and {@code chatAsync} with a stage), and with {@code Context} after their name ({@code
   * kimiChatContext}, {@code kimiAsyncContext}, {@code kimiFlowContext}) the same with the caller's
   * context carried into the callbacks by an MDC's and OpenTelemetry's propagators (what they add
   * per call). Run only when named.
   */
  static final List<String> VARIANTS =
      List.of(
          "floorTimeout",
          "floorDecode",
          "floorResponsesDecode",
          "kimiTelemetry",
          "kimiChain",
          "kimiGroup",
          "kimiChat",
          "kimiChatContext",
          "kimiAsync",
          "kimiAsyncContext",
          "kimiFlowContext");

  /**
   * The clients of one answer sent over both wires ({@link ResponsesStream}): the floor reading the
   * Responses events and the chat chunks, kimi-sdk's iterator over Responses and over chat
   * completions, openai-java's Responses client. Run only when named.
   */
  static final List<String> RESPONSES =
      List.of(
          "floorResponses",
          "floorResponsesChat",
          "kimiResponses",
          "kimiResponsesChat",
          "openaiResponses");

  private CpuPerCall() {}

  /** Whether {@code name} is a client this harness can run. */
  static boolean known(String name) {
    return ALL.contains(name) || RESPONSES.contains(name) || VARIANTS.contains(name);
  }

  /** One client as run: its name, label, class path and JVM options of its own. */
  record Spec(String name, String label, String classPath, List<String> jvmArgs) {
    static Spec parse(String spec, String defaultClassPath) {
      String[] parts = spec.split("%");
      String s = parts[0];
      List<String> own = List.of(Arrays.copyOfRange(parts, 1, parts.length));
      String suffix = own.isEmpty() ? "" : "%" + String.join("%", own);
      int at = s.indexOf('@');
      if (at < 0) {
        return new Spec(s, s + suffix, defaultClassPath, own);
      }
      String name = s.substring(0, at);
      String rest = s.substring(at + 1);
      int eq = rest.indexOf('=');
      String label =
          eq < 0 ? name + "@" + new File(rest).getName() : name + "@" + rest.substring(0, eq);
      String path = eq < 0 ? rest : rest.substring(eq + 1);
      return new Spec(name, label + suffix, path, own);
    }
  }

  /** One client JVM's result line. */
  record Result(Map<String, Long> values, long wallNanos) {
    long get(String key) {
      Long v = values.get(key);
      if (v == null) {
        throw new IllegalStateException("no " + key + " in " + values);
      }
      return v;
    }
  }

  /**
   * Runs the measurement and prints the table.
   *
   * @param args as in the class comment
   * @throws Exception when a client or the server fails
   */
  public static void main(String[] args) throws Exception {
    List<String> positional = new ArrayList<>();
    String clients = String.join(",", ALL);
    int fresh = 200;
    String jvmArgs = "";
    Path out = Path.of("benchmarks/target/cpu-per-call");
    for (int i = 0; i < args.length; i++) {
      switch (args[i]) {
        case "--clients":
          clients = args[++i];
          break;
        case "--fresh":
          fresh = Integer.parseInt(args[++i]);
          break;
        case "--jvm":
          jvmArgs = args[++i];
          break;
        case "--out":
          out = Path.of(args[++i]);
          break;
        default:
          positional.add(args[i]);
      }
    }
    int rounds = positional.size() > 0 ? Integer.parseInt(positional.get(0)) : 3;
    int n1 = positional.size() > 1 ? Integer.parseInt(positional.get(1)) : 300;
    int n2 = positional.size() > 2 ? Integer.parseInt(positional.get(2)) : 1500;
    if (rounds < 1 || n1 < 1 || n2 <= n1) {
      throw new IllegalArgumentException("need rounds >= 1 and 0 < n1 < n2");
    }
    String ownClassPath = System.getProperty("java.class.path");
    List<Spec> specs = new ArrayList<>();
    for (String s : clients.split(",")) {
      Spec spec = Spec.parse(s.trim(), ownClassPath);
      if (!known(spec.name())) {
        throw new IllegalArgumentException(
            "unknown client "
                + spec.name()
                + "; known: "
                + ALL
                + ", "
                + RESPONSES
                + " and "
                + VARIANTS);
      }
      specs.add(spec);
    }
    Files.createDirectories(out);
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    List<String> extra =
        jvmArgs.isBlank() ? List.of() : Arrays.asList(jvmArgs.trim().split("\\s+"));
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
      String[] first = serverOut.readLine().trim().split(" ");
      String url = first[0];
      if (Integer.parseInt(first[1]) != stream.chunks) {
        throw new IllegalStateException("server sends " + first[1] + " chunks");
      }
      System.out.printf(
          Locale.ROOT,
          "CpuPerCall: %d rounds, n1 %d, n2 %d, fresh %d; %d chunks per call (%d bytes), server"
              + " %s in its own JVM; %s; %d processors%n",
          rounds,
          n1,
          n2,
          fresh,
          stream.chunks,
          stream.body.length,
          url,
          System.getProperty("java.vm.name") + " " + System.getProperty("java.version"),
          Runtime.getRuntime().availableProcessors());
      Map<String, List<double[]>> samples = new LinkedHashMap<>();
      Map<String, List<double[]>> freshSamples = new LinkedHashMap<>();
      List<String> loads = new ArrayList<>();
      Path raw = out.resolve("samples.txt");
      try (PrintStream log = new PrintStream(Files.newOutputStream(raw), true, "UTF-8")) {
        for (int r = 1; r <= rounds; r++) {
          String before = LoadAverage.now();
          for (Spec spec : specs) {
            // Alternate which of the pair runs first, so drift within a round cancels too.
            Result small;
            Result big;
            if (r % 2 == 1) {
              small = run(java, extra, spec, url, n1, 0, expected(spec, stream, same), out);
              big = run(java, extra, spec, url, n2, n1, expected(spec, stream, same), out);
            } else {
              big = run(java, extra, spec, url, n2, n1, expected(spec, stream, same), out);
              small = run(java, extra, spec, url, n1, 0, expected(spec, stream, same), out);
            }
            double calls = n2 - n1;
            double perCall = (big.get("cpuNs") - small.get("cpuNs")) / calls / 1000.0;
            double tick = 1_000_000.0 / 100; // µs per clock tick (USER_HZ is 100 on Linux)
            double user = (big.get("userTicks") - small.get("userTicks")) * tick / calls;
            double sys = (big.get("sysTicks") - small.get("sysTicks")) * tick / calls;
            double inJvm = (big.get("cpuNs") - big.get("markCpuNs")) / calls / 1000.0;
            double perChunk =
                big.get("allocSinceMark") / calls / stream.chunks; // per 300 pieces, every client
            double noJit = perCall - (big.get("jitTicks") - small.get("jitTicks")) * tick / calls;
            double threads = big.get("threadsSinceMark") / calls;
            samples
                .computeIfAbsent(spec.label(), k -> new ArrayList<>())
                .add(new double[] {perCall, user, sys, inJvm, perChunk, threads, noJit});
            log.printf(
                Locale.ROOT,
                "round %d %s n1cpu=%d n2cpu=%d perCallUs=%.1f userUs=%.1f sysUs=%.1f inJvmUs=%.1f"
                    + " allocPerChunk=%.1f threadsPerCall=%.3f noJitUs=%.1f%n",
                r,
                spec.label(),
                small.get("cpuNs"),
                big.get("cpuNs"),
                perCall,
                user,
                sys,
                inJvm,
                perChunk,
                threads,
                noJit);
            if (fresh > 0) {
              Result f = run(java, extra, spec, url, fresh, 0, expected(spec, stream, same), out);
              freshSamples
                  .computeIfAbsent(spec.label(), k -> new ArrayList<>())
                  .add(new double[] {f.get("cpuNs") / 1e9, f.wallNanos() / 1e9});
              log.printf(
                  Locale.ROOT,
                  "round %d %s fresh%d cpuS=%.3f wallS=%.3f%n",
                  r,
                  spec.label(),
                  fresh,
                  f.get("cpuNs") / 1e9,
                  f.wallNanos() / 1e9);
            }
          }
          String after = LoadAverage.now();
          loads.add("round " + r + ": " + before + " -> " + after);
          System.out.printf("round %d done; load average %s -> %s%n", r, before, after);
        }
      }
      print(samples, freshSamples, loads, fresh, n1, n2, rounds, stream);
      System.out.println("raw samples: " + raw);
    } finally {
      server.destroy();
      server.waitFor(10, TimeUnit.SECONDS);
    }
  }

  /** The chunks (-1: not checked) and text characters a client must see in every call. */
  static long[] expected(Spec spec, RecordedStream stream, ResponsesStream same) {
    switch (spec.name()) {
      case "floorResponses":
        return new long[] {same.events, -1};
      case "floorResponsesChat":
        return new long[] {same.chatChunks, -1};
      case "floorDecode":
        return new long[] {stream.chunks, -1};
      case "floorResponsesDecode":
        return new long[] {same.responsesChunks(), -1};
      case "kimiResponses":
        return new long[] {same.responsesChunks(), same.contentChars};
      case "kimiResponsesChat":
        return new long[] {same.chatChunks, same.contentChars};
      case "openaiResponses":
        return new long[] {same.events, same.contentChars};
      case "kimiChat":
      case "kimiChatContext":
      case "kimiAsync":
      case "kimiAsyncContext":
        return new long[] {-1, ChatAnswer.TEXT_CHARS};
      default:
        return new long[] {stream.chunks, stream.contentChars};
    }
  }

  private static Result run(
      String java,
      List<String> extra,
      Spec spec,
      String url,
      int calls,
      int mark,
      long[] expected,
      Path out)
      throws IOException, InterruptedException {
    List<String> cmd = new ArrayList<>();
    cmd.add(java);
    cmd.addAll(extra);
    cmd.addAll(spec.jvmArgs());
    cmd.add("-cp");
    cmd.add(spec.classPath());
    cmd.add(CpuPerCallClient.class.getName());
    cmd.add(spec.name());
    cmd.add(url);
    cmd.add(Integer.toString(calls));
    cmd.add(Integer.toString(mark));
    cmd.add(Long.toString(expected[0]));
    cmd.add(Long.toString(expected[1]));
    Path err = out.resolve(spec.label().replaceAll("[^A-Za-z0-9@._-]", "_") + ".err");
    long t0 = System.nanoTime();
    ClientRun child = ClientRun.of(cmd, err);
    String text = child.stdout();
    int code = child.status();
    long wall = System.nanoTime() - t0;
    Map<String, Long> values = new HashMap<>();
    for (String line : text.split("\n")) {
      if (line.startsWith("RESULT ")) {
        for (String kv : line.substring(7).trim().split(" ")) {
          int eq = kv.indexOf('=');
          String k = kv.substring(0, eq);
          if (!k.equals("client")) {
            values.put(k, Long.parseLong(kv.substring(eq + 1)));
          }
        }
      }
    }
    if (code != 0 || values.isEmpty()) {
      throw new IllegalStateException(
          spec.label() + " exited " + code + ": " + text + " (stderr in " + err + ")");
    }
    return new Result(values, wall);
  }

  private static Double median(Map<String, List<double[]>> samples, String label) {
    return samples.containsKey(label) ? median(samples.get(label), 0) : null;
  }

  private static String ratio(double m, Double base) {
    return base == null ? "" : String.format(Locale.ROOT, "%.2fx", m / base);
  }

  private static double median(List<double[]> rows, int col) {
    double[] v = rows.stream().mapToDouble(r -> r[col]).sorted().toArray();
    int n = v.length;
    return n % 2 == 1 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
  }

  private static void print(
      Map<String, List<double[]>> samples,
      Map<String, List<double[]>> fresh,
      List<String> loads,
      int freshCalls,
      int n1,
      int n2,
      int rounds,
      RecordedStream stream) {
    Double floor = samples.containsKey("floor") ? median(samples.get("floor"), 0) : null;
    Double openai = samples.containsKey("openai") ? median(samples.get("openai"), 0) : null;
    System.out.println();
    System.out.printf(
        Locale.ROOT,
        "Client CPU per call (process user+sys, JVM of %d calls minus JVM of %d, / %d), median of"
            + " %d interleaved rounds; %d-chunk stream%n%n",
        n2,
        n1,
        n2 - n1,
        rounds,
        stream.chunks);
    System.out.println(
        "| client | CPU µs/call | rounds (min-max) | user µs | sys µs | vs floor | vs openai-java"
            + " | without JIT µs/call | without JIT vs floor | in-JVM µs/call | B/chunk allocated"
            + " | threads started/call |");
    System.out.println("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
    Double floorNoJit = samples.containsKey("floor") ? median(samples.get("floor"), 6) : null;
    for (Map.Entry<String, List<double[]>> e : samples.entrySet()) {
      List<double[]> rows = e.getValue();
      double m = median(rows, 0);
      double min = rows.stream().mapToDouble(r -> r[0]).min().orElse(0);
      double max = rows.stream().mapToDouble(r -> r[0]).max().orElse(0);
      System.out.printf(
          Locale.ROOT,
          "| %s | %,.0f | %,.0f-%,.0f | %,.0f | %,.0f | %s | %s | %,.0f | %s | %,.0f | %,.0f | %.2f"
              + " |%n",
          e.getKey(),
          m,
          min,
          max,
          median(rows, 1),
          median(rows, 2),
          floor == null ? "" : String.format(Locale.ROOT, "%.2fx", m / floor),
          openai == null ? "" : String.format(Locale.ROOT, "%.2fx", m / openai),
          median(rows, 6),
          floorNoJit == null
              ? ""
              : String.format(Locale.ROOT, "%.2fx", median(rows, 6) / floorNoJit),
          median(rows, 3),
          median(rows, 4),
          median(rows, 5));
    }
    System.out.println();
    System.out.println(
        "without JIT: the same difference less the CPU of the JIT compiler threads, which are still"
            + " compiling between the two call counts; in-JVM: CPU from call n1 to n2 inside the n2"
            + " JVM; B/chunk: bytes allocated by all client threads from call n1 to n2, per chunk.");
    if (!fresh.isEmpty()) {
      Double fo = fresh.containsKey("openai") ? median(fresh.get("openai"), 0) : null;
      Double fw = fresh.containsKey("openai") ? median(fresh.get("openai"), 1) : null;
      System.out.printf(
          Locale.ROOT,
          "%nFresh JVM making %d calls (start-up, warm-up and exit included), median of %d:%n%n",
          freshCalls,
          rounds);
      System.out.println("| client | CPU s | wall s | CPU vs openai-java | wall vs openai-java |");
      System.out.println("|---|---:|---:|---:|---:|");
      for (Map.Entry<String, List<double[]>> e : fresh.entrySet()) {
        double c = median(e.getValue(), 0);
        double w = median(e.getValue(), 1);
        System.out.printf(
            Locale.ROOT,
            "| %s | %.2f | %.2f | %s | %s |%n",
            e.getKey(),
            c,
            w,
            fo == null ? "" : String.format(Locale.ROOT, "%.2fx", c / fo),
            fw == null ? "" : String.format(Locale.ROOT, "%.2fx", w / fw));
      }
    }
    if (samples.keySet().stream().anyMatch(k -> RESPONSES.contains(k.split("[@%]")[0]))) {
      Double rFloor = median(samples, "floorResponses");
      Double rChat = median(samples, "kimiResponsesChat");
      Double rOpenAi = median(samples, "openaiResponses");
      System.out.printf(
          Locale.ROOT,
          "%nOne answer over both wires (%d reasoning and %d text pieces, usage), medians of the"
              + " CPU per call above:%n%n",
          ResponsesStream.REASONING,
          ResponsesStream.TEXT);
      System.out.println(
          "| client | CPU µs/call | vs floor on Responses | vs kimi-sdk on chat completions |"
              + " vs openai-java Responses |");
      System.out.println("|---|---:|---:|---:|---:|");
      for (Map.Entry<String, List<double[]>> e : samples.entrySet()) {
        String name = e.getKey().split("[@%]")[0];
        if (!RESPONSES.contains(name)) {
          continue;
        }
        double m = median(e.getValue(), 0);
        System.out.printf(
            Locale.ROOT,
            "| %s | %,.0f | %s | %s | %s |%n",
            e.getKey(),
            m,
            ratio(m, rFloor),
            ratio(m, rChat),
            ratio(m, rOpenAi));
      }
    }
    System.out.println();
    System.out.println("load average (1, 5, 15 min) per round: " + String.join("; ", loads));
  }
}
