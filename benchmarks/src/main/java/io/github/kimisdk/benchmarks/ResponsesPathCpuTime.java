package io.github.kimisdk.benchmarks;

import io.github.kimisdk.ResponseMetadata;
import io.github.kimisdk.WireProtocol;
import io.github.kimisdk.base.sse.SseEventHandler;
import io.github.kimisdk.base.sse.SseSubscriber;
import io.github.kimisdk.chat.ChatCompletion;
import io.github.kimisdk.chat.ChatCompletionChunk;
import io.github.kimisdk.chat.ChatRequest;
import io.github.kimisdk.errors.KimiException;
import io.github.kimisdk.internal.wire.StreamErrors;
import io.github.kimisdk.internal.wire.Wire;
import io.github.kimisdk.internal.wire.Wires;
import io.github.kimisdk.sse.SseLimits;
import java.lang.management.ManagementFactory;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * The decode path of one streamed answer over both wires, on one thread, timed in thread CPU time:
 * {@link ResponsesStream}'s chat-completions stream and its Responses stream, each in 4 KiB buffers
 * through an {@link SseSubscriber} and the wire's own stream handler (the one a call uses, progress
 * and checks included), into a subscriber that asks as the SDK's iterator does. The two run in
 * turn, a slice of 100 calls each, so drift hits both; prints the medians per call, their ratio and
 * the bytes allocated per call. No HTTP: this is the part of a call where the wires differ. Usage:
 * {@code java -cp benchmarks/target/benchmarks.jar
 * io.github.kimisdk.benchmarks.ResponsesPathCpuTime [seconds]} (default 30; the first third warms
 * up).
 */
public final class ResponsesPathCpuTime {

  private ResponsesPathCpuTime() {}

  /**
   * Runs the measurement.
   *
   * @param args optionally the run time in seconds
   */
  public static void main(String[] args) {
    int seconds = args.length > 0 ? Integer.parseInt(args[0]) : 30;
    ResponsesStream same = ResponsesStream.build();
    List<ByteBuffer> chat = buffers(same.chat);
    List<ByteBuffer> responses = buffers(same.responses);
    Wire chatWire = Wires.get(WireProtocol.CHAT_COMPLETIONS, false);
    Wire responsesWire = Wires.get(WireProtocol.RESPONSES, false);
    ChatRequest request = ChatRequest.of("kimi-k3", "What is the weather in Beijing?");
    com.sun.management.ThreadMXBean threads =
        (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
    int slice = 100;
    long start = System.nanoTime();
    long warmEnd = start + seconds * 1_000_000_000L / 3;
    long endAt = start + seconds * 1_000_000_000L;
    double[][] cpu = new double[2][1 << 14];
    double[][] alloc = new double[2][1 << 14];
    int n = 0;
    while (System.nanoTime() < endAt && n < cpu[0].length) {
      for (int w = 0; w < 2; w++) {
        Wire wire = w == 0 ? chatWire : responsesWire;
        List<ByteBuffer> body = w == 0 ? chat : responses;
        int expected = w == 0 ? same.chatChunks : same.responsesChunks();
        long a0 = threads.getCurrentThreadAllocatedBytes();
        long t0 = threads.getCurrentThreadCpuTime();
        for (int i = 0; i < slice; i++) {
          int got = call(wire, request, body);
          if (got != expected) {
            throw new IllegalStateException(wire + ": " + got + " chunks, expected " + expected);
          }
        }
        long t1 = threads.getCurrentThreadCpuTime();
        long a1 = threads.getCurrentThreadAllocatedBytes();
        if (System.nanoTime() > warmEnd) {
          cpu[w][n] = (t1 - t0) / (double) slice;
          alloc[w][n] = (a1 - a0) / (double) slice;
        }
      }
      if (System.nanoTime() > warmEnd) {
        n++;
      }
    }
    double[] chatCpu = sorted(cpu[0], n);
    double[] respCpu = sorted(cpu[1], n);
    double[] ratios = new double[n];
    for (int i = 0; i < n; i++) {
      ratios[i] = cpu[1][i] / cpu[0][i];
    }
    Arrays.sort(ratios);
    System.out.printf(
        "ResponsesPathCpuTime: chat completions %.1f us per call (%d chunks, %d bytes), Responses"
            + " %.1f us per call (%d events, %d bytes); Responses / chat %.2fx (median of the %d"
            + " paired slices; p10 %.2fx, p90 %.2fx); allocated per call %.0f KB and %.0f KB%n",
        chatCpu[n / 2] / 1000,
        same.chatChunks,
        same.chat.length,
        respCpu[n / 2] / 1000,
        same.events,
        same.responses.length,
        ratios[n / 2],
        n,
        ratios[n / 10],
        ratios[n * 9 / 10],
        sorted(alloc[0], n)[n / 2] / 1024,
        sorted(alloc[1], n)[n / 2] / 1024);
  }

  private static double[] sorted(double[] v, int n) {
    double[] c = Arrays.copyOf(v, n);
    Arrays.sort(c);
    return c;
  }

  private static List<ByteBuffer> buffers(byte[] body) {
    List<ByteBuffer> out = new ArrayList<>();
    for (int off = 0; off < body.length; off += 4096) {
      out.add(ByteBuffer.wrap(body, off, Math.min(4096, body.length - off)).slice());
    }
    return out;
  }

  private static final SseLimits LIMITS = SseLimits.defaults();

  private static final ResponseMetadata METADATA =
      new ResponseMetadata(200, Map.of("Content-Type", List.of("text/event-stream")));

  /** One call's worth of the path; returns the chunks delivered. */
  static int call(Wire wire, ChatRequest request, List<ByteBuffer> buffers) {
    SseEventHandler<ChatCompletionChunk> handler =
        wire.events(METADATA, NoErrors.INSTANCE, 128, request);
    SseSubscriber<ChatCompletionChunk> sse = new SseSubscriber<>(handler, LIMITS);
    StreamPathCpuTime.Downstream down = new StreamPathCpuTime.Downstream();
    sse.publisher().subscribe(down);
    sse.onSubscribe(new StreamPathCpuTime.Upstream(sse, buffers));
    if (!down.complete) {
      throw new IllegalStateException("the stream did not complete");
    }
    return down.count;
  }

  /**
   * Failures do not happen on this path; one would be a broken benchmark (also {@link
   * CpuPerCallFloorDecode}'s).
   */
  enum NoErrors implements StreamErrors {
    INSTANCE;

    @Override
    public KimiException inStreamError(ResponseMetadata m, byte[] data, int off, int len) {
      throw new IllegalStateException("an error event");
    }

    @Override
    public KimiException truncated(ResponseMetadata m, ChatCompletion partial, Throwable cause) {
      throw new IllegalStateException("truncated", cause);
    }

    @Override
    public KimiException malformedChunk(
        ResponseMetadata m, ChatCompletion partial, Throwable cause) {
      throw new IllegalStateException("malformed", cause);
    }

    @Override
    public KimiException decoding(ResponseMetadata m, String problem, Throwable cause) {
      throw new IllegalStateException(problem, cause);
    }

    @Override
    public KimiException streamFailure(
        Throwable error, ResponseMetadata m, ChatCompletion partial, boolean started) {
      throw new IllegalStateException(error);
    }
  }
}
