package io.github.kimisdk.benchmarks;

import io.github.kimisdk.base.sse.SseEventHandler;
import io.github.kimisdk.base.sse.SseSubscriber;
import io.github.kimisdk.chat.ChatCompletionChunk;
import io.github.kimisdk.internal.wire.chat.ChatCodec;
import io.github.kimisdk.sse.SseLimits;
import java.lang.management.ManagementFactory;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.Flow;

/**
 * The decode path of a streaming call on one thread, timed in thread CPU time: the recorded
 * 300-chunk stream of {@link RecordedStream} in 4 KiB buffers through an {@link SseSubscriber} (the
 * SSE parser, the drain loop, demand) whose handler decodes each payload with {@code
 * ChatCodec.decodeChunk} (what the chat handler does per chunk, without its error checks and
 * progress), into a subscriber that asks for chunks as the SDK's iterator does (32 ahead, 16 more
 * after every 16). A synchronous upstream hands over one buffer per request. Prints the median
 * thread CPU per call and per chunk over slices of 200 calls, and the bytes this thread allocated
 * per chunk (exact: the whole path runs on it). No HTTP, no hand-off to another thread: this is the
 * part of a call that {@code SseParser}, {@code SseSubscriber} and the chunk decoder own. Usage:
 * {@code java -cp benchmarks/target/benchmarks.jar io.github.kimisdk.benchmarks.StreamPathCpuTime
 * [seconds]} (default 30; the first third warms up).
 */
public final class StreamPathCpuTime {

  static Object sink;

  private StreamPathCpuTime() {}

  /**
   * Runs the measurement.
   *
   * @param args optionally the run time in seconds
   */
  public static void main(String[] args) {
    int seconds = args.length > 0 ? Integer.parseInt(args[0]) : 30;
    RecordedStream stream = RecordedStream.build(RecordedStream.DEFAULT_CHUNKS);
    List<ByteBuffer> buffers = new ArrayList<>();
    for (int off = 0; off < stream.body.length; off += 4096) {
      buffers.add(
          ByteBuffer.wrap(stream.body, off, Math.min(4096, stream.body.length - off)).slice());
    }
    com.sun.management.ThreadMXBean threads =
        (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
    int slice = 200;
    long start = System.nanoTime();
    long warmEnd = start + seconds * 1_000_000_000L / 3;
    long endAt = start + seconds * 1_000_000_000L;
    double[] cpu = new double[1 << 14];
    double[] alloc = new double[1 << 14];
    int n = 0;
    while (System.nanoTime() < endAt && n < cpu.length) {
      long a0 = threads.getCurrentThreadAllocatedBytes();
      long t0 = threads.getCurrentThreadCpuTime();
      for (int i = 0; i < slice; i++) {
        int got = call(buffers);
        if (got != stream.chunks) {
          throw new IllegalStateException("saw " + got + " chunks, expected " + stream.chunks);
        }
      }
      long t1 = threads.getCurrentThreadCpuTime();
      long a1 = threads.getCurrentThreadAllocatedBytes();
      if (System.nanoTime() > warmEnd) {
        cpu[n] = (t1 - t0) / (double) slice;
        alloc[n] = (a1 - a0) / (double) slice / stream.chunks;
        n++;
      }
    }
    double[] c = Arrays.copyOf(cpu, n);
    double[] a = Arrays.copyOf(alloc, n);
    Arrays.sort(c);
    Arrays.sort(a);
    System.out.printf(
        "StreamPathCpuTime: median %.1f us per call (%.0f ns per chunk), p10 %.1f, p90 %.1f us;"
            + " %.1f B allocated per chunk; %d slices of %d calls of %d chunks%n",
        c[n / 2] / 1000,
        c[n / 2] / stream.chunks,
        c[n / 10] / 1000,
        c[n * 9 / 10] / 1000,
        a[n / 2],
        n,
        slice,
        stream.chunks);
  }

  /** One call's worth of the path; returns the chunks delivered. */
  static int call(List<ByteBuffer> buffers) {
    SseSubscriber<ChatCompletionChunk> sse = new SseSubscriber<>(Handler.INSTANCE, LIMITS);
    Downstream down = new Downstream();
    sse.publisher().subscribe(down);
    sse.onSubscribe(new Upstream(sse, buffers));
    if (!down.complete) {
      throw new IllegalStateException("the stream did not complete");
    }
    return down.count;
  }

  private static final SseLimits LIMITS = SseLimits.defaults();

  /** The chat handler's hot path: skip blanks, [DONE] completes, anything else is a chunk. */
  private enum Handler implements SseEventHandler<ChatCompletionChunk> {
    INSTANCE;

    @Override
    public void onEvent(
        String type,
        byte[] data,
        int off,
        int len,
        String lastEventId,
        Emitter<ChatCompletionChunk> out) {
      if (len == 6 && data[off] == '[' && data[off + 1] == 'D') {
        out.complete();
        return;
      }
      out.emit(ChatCodec.decodeChunk(data, off, len, 128));
    }
  }

  /**
   * Hands one buffer over per request, on the requesting thread, then completes (also {@link
   * ResponsesPathCpuTime}'s).
   */
  static final class Upstream implements Flow.Subscription {
    private final SseSubscriber<?> sse;
    private final List<ByteBuffer> buffers;
    private int next;
    private long requested;
    private boolean emitting;
    private boolean cancelled;

    Upstream(SseSubscriber<?> sse, List<ByteBuffer> buffers) {
      this.sse = sse;
      this.buffers = buffers;
    }

    @Override
    public void request(long n) {
      requested += n;
      if (emitting) {
        return;
      }
      emitting = true;
      while (requested > 0 && !cancelled) {
        if (next == buffers.size()) {
          next++;
          sse.onComplete();
          break;
        }
        if (next > buffers.size()) {
          break;
        }
        requested--;
        sse.onNext(List.of(buffers.get(next++).duplicate()));
      }
      emitting = false;
    }

    @Override
    public void cancel() {
      cancelled = true;
    }
  }

  /** Asks as the SDK's iterator does: 32 ahead, 16 more after every 16 taken. */
  static final class Downstream implements Flow.Subscriber<ChatCompletionChunk> {
    private Flow.Subscription s;
    private int taken;
    int count;
    boolean complete;

    @Override
    public void onSubscribe(Flow.Subscription s) {
      this.s = s;
      s.request(32);
    }

    @Override
    public void onNext(ChatCompletionChunk item) {
      sink = item;
      count++;
      if (++taken == 16) {
        taken = 0;
        s.request(16);
      }
    }

    @Override
    public void onError(Throwable t) {
      throw new IllegalStateException(t);
    }

    @Override
    public void onComplete() {
      complete = true;
    }
  }
}
