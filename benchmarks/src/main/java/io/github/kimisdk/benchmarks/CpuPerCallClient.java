package io.github.kimisdk.benchmarks;

import io.github.kimisdk.WireProtocol;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

/**
 * One client JVM of {@link CpuPerCall}: makes {@code n} streaming calls with one client against a
 * server in another process, checks every call, and prints one line with what the process used. The
 * line holds the process CPU time (user + system, {@code OperatingSystemMXBean}) and its user and
 * system clock ticks ({@code /proc/self/stat}), both at the end and after call {@code mark}; the
 * bytes allocated by all threads between call {@code mark} and the end; and the threads started in
 * that window.
 *
 * <p>Arguments: client ({@code kimiIterator}, {@code kimiFlow}, {@code kimiForEachText}, {@code
 * floor}, {@code openai}; over {@link ResponsesStream}'s answer {@code floorResponses}, {@code
 * floorResponsesChat}, {@code kimiResponses}, {@code kimiResponsesChat} and {@code
 * openaiResponses}), base URL, calls, mark (0 for none), expected chunks per call, expected content
 * characters per call. Exits 1 when a call saw another stream. Only the chosen client's classes are
 * loaded: each lives in a class of its own.
 */
public final class CpuPerCallClient {

  /** One client: makes one call and returns chunks and content characters. */
  interface Call extends AutoCloseable {
    long[] call() throws Exception;

    @Override
    void close();
  }

  private CpuPerCallClient() {}

  /**
   * Runs the calls.
   *
   * @param args client, base URL, calls, mark, chunks, content characters
   * @throws Exception when a call fails
   */
  public static void main(String[] args) throws Exception {
    String client = args[0];
    String url = args[1];
    int n = Integer.parseInt(args[2]);
    int mark = Integer.parseInt(args[3]);
    long chunks = Long.parseLong(args[4]);
    long chars = Long.parseLong(args[5]);
    Allocation alloc = new Allocation();
    long markCpu = 0;
    long[] markTicks = {0, 0};
    long markJit = 0;
    long markAlloc = 0;
    long markThreads = 0;
    boolean perThread = Boolean.getBoolean("cpupercall.threads");
    Map<String, long[]> markPerThread = null;
    try (Call c = open(client, url)) {
      for (int i = 1; i <= n; i++) {
        long[] seen = c.call();
        if ((seen[0] >= 0 && seen[0] != chunks)
            || (chars >= 0 && seen[1] >= 0 && seen[1] != chars)) {
          System.out.println(
              "FAIL "
                  + client
                  + " call "
                  + i
                  + " saw "
                  + seen[0]
                  + " chunks and "
                  + seen[1]
                  + " chars; expected "
                  + chunks
                  + " and "
                  + chars);
          System.exit(1);
        }
        if (i == mark) {
          markPerThread = perThread ? threadTicks() : null;
          markCpu = processCpuNanos();
          markTicks = ticks();
          markJit = jitTicks(threadTicks());
          markAlloc = alloc.total();
          markThreads = ManagementFactory.getThreadMXBean().getTotalStartedThreadCount();
        }
      }
      long endCpu = processCpuNanos();
      long[] endTicks = ticks();
      long endJit = jitTicks(threadTicks());
      long endAlloc = alloc.total();
      long endThreads = ManagementFactory.getThreadMXBean().getTotalStartedThreadCount();
      long uptime = ManagementFactory.getRuntimeMXBean().getUptime();
      System.out.printf(
          "RESULT client=%s calls=%d cpuNs=%d userTicks=%d sysTicks=%d markCpuNs=%d"
              + " markUserTicks=%d markSysTicks=%d allocSinceMark=%d threadsSinceMark=%d"
              + " jitTicks=%d markJitTicks=%d uptimeMs=%d%n",
          client,
          n,
          endCpu,
          endTicks[0],
          endTicks[1],
          markCpu,
          markTicks[0],
          markTicks[1],
          mark == 0 ? 0 : endAlloc - markAlloc,
          mark == 0 ? 0 : endThreads - markThreads,
          endJit,
          markJit,
          uptime);
      alloc.stop();
      if (markPerThread != null) {
        printThreads(
            markPerThread,
            threadTicks(),
            endTicks[0] + endTicks[1] - markTicks[0] - markTicks[1],
            n - mark);
      }
    }
  }

  /**
   * User and system ticks of every live thread of this process, by thread name with digits replaced
   * by {@code N} (so a pool's threads add up), from {@code /proc/self/task}; includes the JVM's own
   * threads (GC, JIT compilers), which {@code ThreadMXBean} does not see.
   */
  static Map<String, long[]> threadTicks() {
    Map<String, long[]> out = new HashMap<>();
    try (java.util.stream.Stream<Path> tasks = Files.list(Path.of("/proc/self/task"))) {
      for (Path t : (Iterable<Path>) tasks::iterator) {
        try {
          String stat = Files.readString(t.resolve("stat"), StandardCharsets.US_ASCII);
          String name = stat.substring(stat.indexOf('(') + 1, stat.lastIndexOf(')'));
          String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
          String key = t.getFileName() + " " + name;
          long switches = 0;
          for (String line : Files.readAllLines(t.resolve("status"), StandardCharsets.US_ASCII)) {
            if (line.startsWith("voluntary_ctxt_switches:")) {
              switches = Long.parseLong(line.substring(line.indexOf(':') + 1).trim());
            }
          }
          out.put(key, new long[] {Long.parseLong(f[11]), Long.parseLong(f[12]), switches});
        } catch (IOException | RuntimeException e) {
          // the thread ended meanwhile
        }
      }
    } catch (IOException e) {
      return out;
    }
    return out;
  }

  /** Clock ticks of the JIT compiler threads among {@code ticks}. */
  static long jitTicks(Map<String, long[]> ticks) {
    long sum = 0;
    for (Map.Entry<String, long[]> e : ticks.entrySet()) {
      if (e.getKey().contains(" CompilerThre")) {
        sum += e.getValue()[0] + e.getValue()[1];
      }
    }
    return sum;
  }

  private static void printThreads(
      Map<String, long[]> before, Map<String, long[]> after, long totalTicks, int calls) {
    Map<String, long[]> byName = new java.util.TreeMap<>();
    long seen = 0;
    for (Map.Entry<String, long[]> e : after.entrySet()) {
      long[] b = before.getOrDefault(e.getKey(), new long[3]);
      long u = e.getValue()[0] - b[0];
      long s = e.getValue()[1] - b[1];
      String name = e.getKey().substring(e.getKey().indexOf(' ') + 1).replaceAll("[0-9]+", "N");
      long[] acc = byName.computeIfAbsent(name, k -> new long[3]);
      acc[0] += u;
      acc[1] += s;
      acc[2] += e.getValue()[2] - b[2];
      seen += u + s;
    }
    byName.put("(threads that ended)", new long[] {totalTicks - seen, 0, 0});
    for (Map.Entry<String, long[]> e : byName.entrySet()) {
      long[] v = e.getValue();
      if (v[0] + v[1] != 0) {
        System.out.printf(
            "THREAD %-28s user %7.1f us/call  sys %7.1f us/call  %5.1f%%  %6.1f voluntary"
                + " context switches/call%n",
            e.getKey(),
            v[0] * 10_000.0 / calls,
            v[1] * 10_000.0 / calls,
            100.0 * (v[0] + v[1]) / totalTicks,
            v[2] / (double) calls);
      }
    }
  }

  static Call open(String client, String url) {
    switch (client) {
      case "kimiIterator":
        return new CpuPerCallKimi(url, CpuPerCallKimi.Mode.ITERATOR);
      case "kimiFlow":
        return new CpuPerCallKimi(url, CpuPerCallKimi.Mode.FLOW);
      case "kimiTelemetry":
        return CpuPerCallKimi.withTelemetry(url);
      case "kimiForEachText":
        return new CpuPerCallKimi(url, CpuPerCallKimi.Mode.FOR_EACH_TEXT);
      case "kimiChain":
        return CpuPerCallKimi.chain(url);
      case "kimiGroup":
        return CpuPerCallKimi.group(url);
      case "kimiChat":
        return new CpuPerCallKimi(ChatAnswer.baseUrl(url), CpuPerCallKimi.Mode.CHAT);
      case "kimiChatContext":
        return CpuPerCallKimi.withContext(ChatAnswer.baseUrl(url), CpuPerCallKimi.Mode.CHAT);
      case "kimiAsync":
        return new CpuPerCallKimi(ChatAnswer.baseUrl(url), CpuPerCallKimi.Mode.ASYNC);
      case "kimiAsyncContext":
        return CpuPerCallKimi.withContext(ChatAnswer.baseUrl(url), CpuPerCallKimi.Mode.ASYNC);
      case "kimiFlowContext":
        return CpuPerCallKimi.withContext(url, CpuPerCallKimi.Mode.FLOW);
      case "floor":
        return new CpuPerCallFloor(url);
      case "floorTimeout":
        return new CpuPerCallFloor(url, java.time.Duration.ofSeconds(60));
      case "openai":
        return new CpuPerCallOpenAi(url);
      case "floorDecode":
        return CpuPerCallFloorDecode.chat(url);
      case "floorResponsesDecode":
        return CpuPerCallFloorDecode.responses(sameAnswer(url));
      case "floorResponses":
        return new CpuPerCallFloor(
            sameAnswer(url) + "/responses",
            "{\"model\":\"kimi-k3\",\"store\":false,\"input\":\"What is the weather in"
                + " Beijing?\",\"stream\":true}");
      case "floorResponsesChat":
        return new CpuPerCallFloor(
            sameAnswer(url) + "/chat/completions",
            "{\"model\":\"kimi-k3\",\"messages\":[{\"role\":\"user\",\"content\":"
                + "\"What is the weather in Beijing?\"}],\"stream\":true}");
      case "kimiResponses":
        return new CpuPerCallKimi(
            sameAnswer(url), CpuPerCallKimi.Mode.ITERATOR, WireProtocol.RESPONSES);
      case "kimiResponsesChat":
        return new CpuPerCallKimi(
            sameAnswer(url), CpuPerCallKimi.Mode.ITERATOR, WireProtocol.CHAT_COMPLETIONS);
      case "openaiResponses":
        return new CpuPerCallOpenAiResponses(sameAnswer(url));
      default:
        throw new IllegalArgumentException("unknown client: " + client);
    }
  }

  /** The base URL below which the server sends {@link ResponsesStream}'s answer. */
  static String sameAnswer(String url) {
    return url.substring(0, url.length() - "/v1".length()) + "/r/v1";
  }

  /** Process CPU time (user + system, all threads) in nanoseconds. */
  static long processCpuNanos() {
    return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean())
        .getProcessCpuTime();
  }

  /** User and system clock ticks of this process, from {@code /proc/self/stat}; -1 without it. */
  static long[] ticks() {
    try {
      String stat = Files.readString(Path.of("/proc/self/stat"), StandardCharsets.US_ASCII);
      // Fields after the command name (which may hold spaces) start after the last ')'.
      String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
      // utime and stime are fields 14 and 15 of the file, 12 and 13 after the name.
      return new long[] {Long.parseLong(f[11]), Long.parseLong(f[12])};
    } catch (IOException | RuntimeException e) {
      return new long[] {-1, -1};
    }
  }

  /**
   * Bytes allocated by all threads since the JVM started, as far as {@code ThreadMXBean} can tell:
   * live threads' counters, plus the last reading of threads that died since (a sampler reads every
   * thread every 10 ms). A thread that lives less than 10 ms is missed; the line says how many
   * threads started.
   */
  static final class Allocation {
    private final com.sun.management.ThreadMXBean threads =
        (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
    private final Map<Long, Long> last = new HashMap<>();
    private final Thread sampler;
    private volatile boolean stopped;

    Allocation() {
      sampler =
          new Thread(
              () -> {
                while (!stopped) {
                  total();
                  try {
                    Thread.sleep(10);
                  } catch (InterruptedException e) {
                    return;
                  }
                }
              },
              "alloc-sampler");
      sampler.setDaemon(true);
      sampler.start();
    }

    synchronized long total() {
      long[] ids = threads.getAllThreadIds();
      long[] bytes = threads.getThreadAllocatedBytes(ids);
      for (int i = 0; i < ids.length; i++) {
        if (bytes[i] >= 0 && ids[i] != sampler.getId()) {
          last.put(ids[i], bytes[i]);
        }
      }
      long sum = 0;
      for (long b : last.values()) {
        sum += b;
      }
      return sum;
    }

    void stop() {
      stopped = true;
      sampler.interrupt();
    }
  }
}
