package io.github.kimisdk.benchmarks;

import io.github.kimisdk.KimiClient;
import io.github.kimisdk.RetryPolicy;
import io.github.kimisdk.chat.ChatCompletionChunk;
import io.github.kimisdk.chat.ChatRequest;
import io.github.kimisdk.testing.FakeKimiServer;
import io.github.kimisdk.testing.FakeResponse;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Flow;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The full-size load run of issue #5: many concurrent streams of many chunks through one {@link
 * KimiClient} against {@link FakeKimiServer} on loopback. It checks that every chunk reached the
 * right subscriber in order, and reports throughput (chunks per second), the peak number of client
 * threads ({@code kimi-http-*}), the peak of all JVM threads (the fake server's included) and the
 * peak heap in use. Arguments: streams (default 500), chunks per stream (default 200). Exits 1 when
 * a chunk is missing, out of order or a stream failed.
 *
 * <pre>
 * java -Xmx512m -cp benchmarks/target/benchmarks.jar io.github.kimisdk.benchmarks.ScaleRun 500 200
 * </pre>
 */
public final class ScaleRun {

  private static final Pattern STREAM_ID = Pattern.compile("stream-(\\d+)");

  private ScaleRun() {}

  /**
   * Runs the load.
   *
   * @param args streams and chunks per stream
   * @throws InterruptedException if interrupted while waiting
   */
  public static void main(String[] args) throws InterruptedException {
    int streams = args.length > 0 ? Integer.parseInt(args[0]) : 500;
    int chunks = args.length > 1 ? Integer.parseInt(args[1]) : 200;
    MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
    AtomicLong peakClientThreads = new AtomicLong();
    AtomicLong peakHeap = new AtomicLong();
    List<Recorder> recorders = new ArrayList<>();
    long nanos;
    try (FakeKimiServer server = new FakeKimiServer().start();
        KimiClient kimi =
            KimiClient.builder()
                .apiKey("sk-scale-run")
                .baseUrl(server.baseUrl())
                .retryPolicy(RetryPolicy.none())
                .build()) {
      server.respondWith(r -> respond(r.bodyText(), chunks));
      CountDownLatch done = new CountDownLatch(streams);
      Thread sampler =
          new Thread(
              () -> {
                while (done.getCount() > 0) {
                  peakClientThreads.accumulateAndGet(clientThreads(), Math::max);
                  peakHeap.accumulateAndGet(memory.getHeapMemoryUsage().getUsed(), Math::max);
                  try {
                    Thread.sleep(5);
                  } catch (InterruptedException e) {
                    return;
                  }
                }
              },
              "scale-sampler");
      sampler.setDaemon(true);
      sampler.start();
      long started = System.nanoTime();
      for (int s = 0; s < streams; s++) {
        Recorder r = new Recorder(done);
        recorders.add(r);
        kimi.stream(ChatRequest.of("kimi-k2.6", "stream-" + s)).subscribe(r);
      }
      if (!done.await(10, TimeUnit.MINUTES)) {
        System.out.println("ScaleRun: streams did not finish within 10 minutes");
        System.exit(1);
      }
      nanos = System.nanoTime() - started;
      sampler.interrupt();
      sampler.join();
    }
    int bad = 0;
    for (int s = 0; s < streams; s++) {
      Recorder r = recorders.get(s);
      boolean ok = r.error == null && r.texts.size() == chunks;
      for (int i = 0; ok && i < chunks; i++) {
        ok = r.texts.get(i).equals("s" + s + "-" + i + " ");
      }
      if (!ok) {
        bad++;
      }
    }
    long total = (long) streams * chunks;
    double seconds = nanos / 1e9;
    System.out.printf(
        "ScaleRun: %d streams x %d chunks = %d chunks in %.2f s: %.0f chunks/s; "
            + "peak client threads %d; peak JVM threads %d; peak heap used %d MiB; "
            + "processors %d; streams with a missing or misplaced chunk: %d%n",
        streams,
        chunks,
        total,
        seconds,
        total / seconds,
        peakClientThreads.get(),
        ManagementFactory.getThreadMXBean().getPeakThreadCount(),
        peakHeap.get() / (1024 * 1024),
        Runtime.getRuntime().availableProcessors(),
        bad);
    if (bad > 0) {
      System.exit(1);
    }
  }

  private static FakeResponse respond(String body, int chunks) {
    Matcher m = STREAM_ID.matcher(body);
    if (!m.find()) {
      return null;
    }
    int id = Integer.parseInt(m.group(1));
    FakeResponse.SseBuilder b = FakeResponse.sse();
    for (int i = 0; i < chunks; i++) {
      b.data(
          "{\"id\":\"c"
              + id
              + "\",\"object\":\"chat.completion.chunk\",\"created\":1,\"model\":\"m\","
              + "\"choices\":[{\"index\":0,\"delta\":{\"content\":\"s"
              + id
              + "-"
              + i
              + " \"},\"finish_reason\":null}]}");
    }
    return b.done().build();
  }

  private static int clientThreads() {
    int n = 0;
    for (Thread t : Thread.getAllStackTraces().keySet()) {
      if (t.isAlive() && t.getName().startsWith("kimi-http-")) {
        n++;
      }
    }
    return n;
  }

  /** Collects one stream's texts, asking for 8 chunks at a time. */
  private static final class Recorder implements Flow.Subscriber<ChatCompletionChunk> {
    final List<String> texts = new ArrayList<>();
    final CountDownLatch done;
    volatile Throwable error;
    private Flow.Subscription subscription;
    private int left;

    Recorder(CountDownLatch done) {
      this.done = done;
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
      if (--left == 0) {
        left = 8;
        subscription.request(8);
      }
    }

    @Override
    public void onError(Throwable t) {
      error = t;
      done.countDown();
    }

    @Override
    public void onComplete() {
      done.countDown();
    }
  }
}
