package io.github.kimisdk.benchmarks;

import io.github.kimisdk.KimiClient;
import io.github.kimisdk.RetryPolicy;
import io.github.kimisdk.Timeouts;
import io.github.kimisdk.chat.ChatCompletionChunk;
import io.github.kimisdk.chat.ChatRequest;
import io.github.kimisdk.chat.ChatStream;
import java.io.BufferedReader;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadInfo;
import java.lang.management.ThreadMXBean;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Flow;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import jdk.jfr.Recording;
import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordedFrame;
import jdk.jfr.consumer.RecordingFile;

/**
 * Many concurrent streaming calls through one {@link KimiClient} (issue #33): every call completes
 * with every chunk in order; the SDK's own platform threads are counted at their peak; JFR's {@code
 * jdk.VirtualThreadPinned} events are recorded (no threshold) and counted by where they pinned; and
 * the heap per in-flight stream is measured (used heap after GC with every held stream open and its
 * first chunk read, minus before, over the streams held open). The server ({@link DripServer}) runs
 * in a JVM of its own on a JDK with virtual threads and drips the chunks.
 *
 * <p>Modes: {@code virtual}, each call iterated on its own virtual thread (JDK 21 and later; found
 * reflectively, since this module is built for 17), all of them held open together; {@code pool:K},
 * each call iterated on a thread of a fixed pool of {@code K} platform threads (what JDK 17
 * offers), the first {@code K} held open; {@code flow}, each call consumed by a {@code
 * Flow.Subscriber} asking for 8 chunks at a time, no consumer thread at all, all held open.
 *
 * <p>Arguments: mode (default {@code virtual}), streams (default 10,000), chunks per stream
 * (default 20), milliseconds between chunks (default 50), the {@code java} that runs the server
 * (default this JVM's when it has virtual threads, else {@code
 * /usr/lib/jvm/temurin-25-jdk-amd64/bin/java}). Exits 1 when a call failed or saw another stream.
 * {@code benchmarks/scale-run.sh} runs it on JDK 25 and 17.
 */
public final class StreamScaleRun {

  private static final String JDK25 = "/usr/lib/jvm/temurin-25-jdk-amd64/bin/java";

  private StreamScaleRun() {}

  /**
   * Runs the load.
   *
   * @param args mode, streams, chunks, interval, server java
   * @throws Exception when the server cannot start
   */
  public static void main(String[] args) throws Exception {
    String mode = args.length > 0 ? args[0] : "virtual";
    int streams = args.length > 1 ? Integer.parseInt(args[1]) : 10_000;
    int chunks = args.length > 2 ? Integer.parseInt(args[2]) : 20;
    long interval = args.length > 3 ? Long.parseLong(args[3]) : 50;
    String serverJava =
        args.length > 4
            ? args[4]
            : Runtime.version().feature() >= 21
                ? Path.of(System.getProperty("java.home"), "bin", "java").toString()
                : JDK25;
    int poolSize = mode.startsWith("pool:") ? Integer.parseInt(mode.substring(5)) : 0;
    int held = poolSize > 0 ? Math.min(poolSize, streams) : streams;
    ExecutorService consumers = null;
    if (mode.equals("virtual")) {
      consumers = DripServer.executor();
      if (!consumers.getClass().getName().contains("ThreadPerTask")) {
        throw new IllegalStateException("mode virtual needs JDK 21 or later; use pool:K or flow");
      }
    } else if (poolSize > 0) {
      consumers = Executors.newFixedThreadPool(poolSize);
    } else if (!mode.equals("flow")) {
      throw new IllegalArgumentException("mode is virtual, pool:K or flow; got " + mode);
    }

    Process server =
        new ProcessBuilder(
                serverJava,
                "-cp",
                System.getProperty("java.class.path"),
                DripServer.class.getName(),
                Integer.toString(chunks),
                Long.toString(interval))
            .redirectErrorStream(true)
            .start();
    String url =
        new BufferedReader(new InputStreamReader(server.getInputStream(), StandardCharsets.UTF_8))
            .readLine();
    Recording jfr = new Recording();
    jfr.enable("jdk.VirtualThreadPinned").withThreshold(Duration.ZERO).withStackTrace();
    jfr.start();
    ThreadMXBean mx = ManagementFactory.getThreadMXBean();
    Map<String, Integer> peaks = new TreeMap<>();
    int[] peakPlatform = {0};
    int exit = 0;
    try (KimiClient kimi =
        KimiClient.builder()
            .apiKey("sk-scale-run")
            .baseUrl(url)
            .retryPolicy(RetryPolicy.none())
            // 10,000 connections opened at once overflow the loopback listener's accept queue on
            // a small machine; the kernel then retries SYNs after 1, 3 and 7 s, past the default
            // 10 s connect timeout. That is the server's queue, not the client: allow a minute.
            .timeouts(Timeouts.defaults().withConnect(Duration.ofMinutes(1)))
            .build()) {
      Thread sampler =
          new Thread(
              () -> {
                while (!Thread.currentThread().isInterrupted()) {
                  sampleThreads(mx, peaks, peakPlatform);
                  try {
                    Thread.sleep(20);
                  } catch (InterruptedException e) {
                    return;
                  }
                }
              },
              "scale-sampler");
      sampler.setDaemon(true);
      long heapBefore = usedAfterGc();
      sampler.start();
      CountDownLatch opened = new CountDownLatch(held);
      CountDownLatch done = new CountDownLatch(streams);
      List<List<String>> texts = new ArrayList<>();
      List<Throwable> errors = new ArrayList<>();
      for (int s = 0; s < streams; s++) {
        texts.add(new ArrayList<>());
        errors.add(null);
      }
      AtomicInteger failed = new AtomicInteger();
      long started = System.nanoTime();
      for (int s = 0; s < streams; s++) {
        int id = s;
        ChatRequest request =
            ChatRequest.of("kimi-k2.6", "stream-" + s + (s < held ? " hold" : ""));
        List<String> got = texts.get(id);
        if (consumers == null) {
          kimi.stream(request).subscribe(new Recorder(got, opened, done, id < held, errors, id));
        } else {
          consumers.execute(
              () -> {
                try (ChatStream stream = kimi.stream(request)) {
                  for (ChatCompletionChunk c : stream) {
                    got.add(c.text());
                    if (got.size() == 1 && id < held) {
                      opened.countDown();
                    }
                  }
                } catch (RuntimeException e) {
                  synchronized (errors) {
                    errors.set(id, e);
                  }
                  failed.incrementAndGet();
                  if (got.isEmpty() && id < held) {
                    opened.countDown();
                  }
                } finally {
                  done.countDown();
                }
              });
        }
      }
      boolean allOpen = opened.await(5, TimeUnit.MINUTES);
      long openNanos = System.nanoTime() - started;
      long heapOpen = usedAfterGc();
      sampleThreads(mx, peaks, peakPlatform);
      if (Boolean.getBoolean("scale.histogram")) {
        histogram();
      }
      String released = release(url);
      boolean finished = done.await(10, TimeUnit.MINUTES);
      long nanos = System.nanoTime() - started;
      sampler.interrupt();
      jfr.stop();
      int bad = 0;
      Throwable firstError = null;
      for (int s = 0; s < streams; s++) {
        List<String> got = texts.get(s);
        boolean ok = errors.get(s) == null && got.size() == chunks;
        for (int k = 0; ok && k < chunks; k++) {
          ok = got.get(k).equals("s" + s + "-" + k + " ");
        }
        if (!ok) {
          bad++;
          if (firstError == null && errors.get(s) != null) {
            firstError = errors.get(s);
          }
        }
      }
      System.out.printf(
          "StreamScaleRun: JDK %s, mode %s, %d streams x %d chunks, %d ms apart, %d held open"
              + " together; %d processors%n",
          Runtime.version(),
          mode,
          streams,
          chunks,
          interval,
          held,
          Runtime.getRuntime().availableProcessors());
      System.out.printf(
          "  all held streams open after %.2f s: %s; server %s; every stream done: %s in %.2f s;"
              + " streams failed or with a missing or misplaced chunk: %d%n",
          openNanos / 1e9, allOpen, released.trim(), finished, nanos / 1e9, bad);
      for (Throwable t = firstError; t != null; t = t.getCause()) {
        System.out.println(
            (t == firstError ? "  first failure: " : "    caused by: ")
                + t.getClass().getName()
                + ": "
                + t.getMessage());
      }
      System.out.printf(
          "  heap used after GC: %.1f MiB before, %.1f MiB with %d streams open: %.1f KiB per"
              + " in-flight stream%n",
          heapBefore / 1048576.0,
          heapOpen / 1048576.0,
          held,
          (heapOpen - heapBefore) / 1024.0 / held);
      System.out.printf(
          "  peak platform threads by name (digits as N): %s; peak platform threads %d (JVM peak"
              + " %d)%n",
          peaks, peakPlatform[0], mx.getPeakThreadCount());
      pinned(jfr);
      if (!allOpen || !finished || bad > 0) {
        exit = 1;
      }
    } finally {
      if (consumers != null) {
        consumers.shutdownNow();
      }
      server.destroy();
      server.waitFor(10, TimeUnit.SECONDS);
    }
    System.exit(exit);
  }

  /** Prints the top of this JVM's class histogram ({@code jcmd GC.class_histogram}). */
  private static void histogram() throws Exception {
    String jcmd = Path.of(System.getProperty("java.home"), "bin", "jcmd").toString();
    Process p =
        new ProcessBuilder(jcmd, Long.toString(ProcessHandle.current().pid()), "GC.class_histogram")
            .redirectErrorStream(true)
            .start();
    String[] lines =
        new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).split("\n");
    p.waitFor();
    long sdk = 0;
    for (int i = 0; i < lines.length; i++) {
      if (i < 30) {
        System.out.println("  histogram " + lines[i]);
      }
      String[] f = lines[i].trim().split("\\s+");
      if (f.length >= 4 && f[3].startsWith("io.github.kimisdk.")) {
        sdk += Long.parseLong(f[2]);
      }
    }
    System.out.println("  histogram: bytes in io.github.kimisdk classes' instances: " + sdk);
  }

  private static long usedAfterGc() throws InterruptedException {
    for (int i = 0; i < 3; i++) {
      System.gc();
      Thread.sleep(100);
    }
    return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
  }

  private static void sampleThreads(
      ThreadMXBean mx, Map<String, Integer> peaks, int[] peakPlatform) {
    ThreadInfo[] infos = mx.getThreadInfo(mx.getAllThreadIds(), 0);
    Map<String, Integer> now = new HashMap<>();
    int platform = 0;
    for (ThreadInfo t : infos) {
      if (t == null) {
        continue;
      }
      platform++;
      String name = t.getThreadName();
      if (name.startsWith("kimi-") || name.startsWith("HttpClient-")) {
        now.merge(name.replaceAll("[0-9]+", "N"), 1, Integer::sum);
      }
    }
    synchronized (peaks) {
      for (Map.Entry<String, Integer> e : now.entrySet()) {
        peaks.merge(e.getKey(), e.getValue(), Math::max);
      }
      int sdk = now.values().stream().mapToInt(Integer::intValue).sum();
      peaks.merge("(all SDK and its HttpClient)", sdk, Math::max);
      peakPlatform[0] = Math.max(peakPlatform[0], platform);
    }
  }

  /** Asks the server to release the held streams, over a plain socket (no extra client). */
  private static String release(String url) throws Exception {
    int port = Integer.parseInt(url.replaceAll(".*:(\\d+)/.*", "$1"));
    try (Socket s = new Socket("127.0.0.1", port)) {
      OutputStream out = s.getOutputStream();
      out.write(
          "GET /release HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n"
              .getBytes(StandardCharsets.US_ASCII));
      out.flush();
      InputStream in = s.getInputStream();
      String response = new String(in.readAllBytes(), StandardCharsets.US_ASCII);
      return response.substring(response.indexOf("\r\n\r\n") + 4);
    }
  }

  /** Prints the pinned events: how many, how long, and where (the first SDK frame, else top). */
  private static void pinned(Recording jfr) throws Exception {
    Path file = Files.createTempFile("scale-pinned", ".jfr");
    jfr.dump(file);
    jfr.close();
    Map<String, int[]> where = new TreeMap<>();
    int count = 0;
    long over20ms = 0;
    Duration longest = Duration.ZERO;
    for (RecordedEvent e : RecordingFile.readAllEvents(file)) {
      if (!e.getEventType().getName().equals("jdk.VirtualThreadPinned")) {
        continue;
      }
      count++;
      if (e.getDuration().compareTo(Duration.ofMillis(20)) > 0) {
        over20ms++;
      }
      if (e.getDuration().compareTo(longest) > 0) {
        longest = e.getDuration();
      }
      String at = "(no stack)";
      if (e.getStackTrace() != null) {
        List<RecordedFrame> frames = e.getStackTrace().getFrames();
        at = frames.isEmpty() ? at : frame(frames.get(0));
        for (int i = 0; i < frames.size(); i++) {
          RecordedFrame f = frames.get(i);
          if (f.getMethod().getType().getName().startsWith("io.github.kimisdk.")
              && !f.getMethod().getType().getName().startsWith("io.github.kimisdk.benchmarks")) {
            StringBuilder top = new StringBuilder();
            for (int j = 0; j < Math.min(i, 3); j++) {
              top.append(j == 0 ? "" : " <- ").append(frame(frames.get(j)));
            }
            at = frame(f) + (i == 0 ? "" : " (under it: " + top + (i > 3 ? " <- ..." : "") + ")");
            break;
          }
        }
      }
      if (e.hasField("pinnedReason") && e.getString("pinnedReason") != null) {
        at = "[" + e.getString("pinnedReason") + "] " + at;
      }
      if (e.hasField("blockingOperation") && e.getString("blockingOperation") != null) {
        at = at + " blocking in " + e.getString("blockingOperation");
      }
      where.computeIfAbsent(at, k -> new int[1])[0]++;
    }
    Files.deleteIfExists(file);
    System.out.printf(
        "  jdk.VirtualThreadPinned events: %d (over 20 ms: %d, longest %.1f ms)%n",
        count, over20ms, longest.toNanos() / 1e6);
    for (Map.Entry<String, int[]> e : where.entrySet()) {
      System.out.printf("    %6d at %s%n", e.getValue()[0], e.getKey());
    }
  }

  private static String frame(RecordedFrame f) {
    return f.getMethod().getType().getName()
        + "."
        + f.getMethod().getName()
        + ":"
        + f.getLineNumber();
  }

  /** Collects one stream's texts, asking for 8 chunks at a time. */
  private static final class Recorder implements Flow.Subscriber<ChatCompletionChunk> {
    private final List<String> texts;
    private final CountDownLatch opened;
    private final CountDownLatch done;
    private final boolean holds;
    private final List<Throwable> errors;
    private final int id;
    private Flow.Subscription subscription;
    private int left;

    Recorder(
        List<String> texts,
        CountDownLatch opened,
        CountDownLatch done,
        boolean holds,
        List<Throwable> errors,
        int id) {
      this.texts = texts;
      this.opened = opened;
      this.done = done;
      this.holds = holds;
      this.errors = errors;
      this.id = id;
    }

    @Override
    public void onSubscribe(Flow.Subscription s) {
      subscription = s;
      left = 8;
      s.request(8);
    }

    @Override
    public void onNext(ChatCompletionChunk item) {
      texts.add(item.text());
      if (texts.size() == 1 && holds) {
        opened.countDown();
      }
      if (--left == 0) {
        left = 8;
        subscription.request(8);
      }
    }

    @Override
    public void onError(Throwable t) {
      synchronized (errors) {
        errors.set(id, t);
      }
      if (texts.isEmpty() && holds) {
        opened.countDown();
      }
      done.countDown();
    }

    @Override
    public void onComplete() {
      done.countDown();
    }
  }
}
