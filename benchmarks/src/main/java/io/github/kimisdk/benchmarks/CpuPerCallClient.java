package io.github.kimisdk.benchmarks;

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
 * floor}, {@code openai}), base URL, calls, mark (0 for none), expected chunks per call, expected
 * content characters per call. Exits 1 when a call saw another stream. Only the chosen client's
 * classes are loaded: each lives in a class of its own.
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
    long markAlloc = 0;
    long markThreads = 0;
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
          markCpu = processCpuNanos();
          markTicks = ticks();
          markAlloc = alloc.total();
          markThreads = ManagementFactory.getThreadMXBean().getTotalStartedThreadCount();
        }
      }
      long endCpu = processCpuNanos();
      long[] endTicks = ticks();
      long endAlloc = alloc.total();
      long endThreads = ManagementFactory.getThreadMXBean().getTotalStartedThreadCount();
      long uptime = ManagementFactory.getRuntimeMXBean().getUptime();
      System.out.printf(
          "RESULT client=%s calls=%d cpuNs=%d userTicks=%d sysTicks=%d markCpuNs=%d"
              + " markUserTicks=%d markSysTicks=%d allocSinceMark=%d threadsSinceMark=%d"
              + " uptimeMs=%d%n",
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
          uptime);
      alloc.stop();
    }
  }

  private static Call open(String client, String url) {
    switch (client) {
      case "kimiIterator":
        return new CpuPerCallKimi(url, CpuPerCallKimi.Mode.ITERATOR);
      case "kimiFlow":
        return new CpuPerCallKimi(url, CpuPerCallKimi.Mode.FLOW);
      case "kimiForEachText":
        return new CpuPerCallKimi(url, CpuPerCallKimi.Mode.FOR_EACH_TEXT);
      case "floor":
        return new CpuPerCallFloor(url);
      case "openai":
        return new CpuPerCallOpenAi(url);
      default:
        throw new IllegalArgumentException("unknown client: " + client);
    }
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
