package io.github.kimisdk.benchmarks;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.github.kimisdk.internal.wire.chat.ChatCodec;
import io.github.kimisdk.json.JsonReader;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.Arrays;

/**
 * A load-tolerant companion to {@link ChunkDecodeBenchmark}: decodes the same recorded chunks, in
 * the same rotation, with kimi-sdk (also in the interleaved order, and through its general path),
 * Jackson and the {@code JsonReader} skip floor, alternating them in slices of 10,000 chunks and
 * timing each slice in thread CPU time, which time spent descheduled on a busy machine does not
 * inflate. Prints the median nanoseconds per chunk of each and the ratios. Usage: {@code java -cp
 * benchmarks/target/benchmarks.jar io.github.kimisdk.benchmarks.DecodeCpuTime [seconds]} (default
 * 60; the first third warms up).
 */
public final class DecodeCpuTime {
  private static Object sink;

  private DecodeCpuTime() {}

  /**
   * Runs the measurement.
   *
   * @param args optionally the run time in seconds
   * @throws IOException never: Jackson reads the chunks the benchmark setup already checks
   */
  public static void main(String[] args) throws IOException {
    byte[][] chunks = ChunkDecodeBenchmark.loadChunks();
    ObjectMapper mapper = ChunkDecodeBenchmark.newMapper();
    ThreadMXBean threads = ManagementFactory.getThreadMXBean();
    int seconds = args.length > 0 ? Integer.parseInt(args[0]) : 60;
    int slice = 10_000;
    long start = System.nanoTime();
    long warmEnd = start + seconds * 1_000_000_000L / 3;
    long endAt = start + seconds * 1_000_000_000L;
    String[] names = {
      "kimiSdk", "kimiSdkInterleaved", "kimiSdkGeneralPath", "jackson", "jsonReaderSkipOnly"
    };
    byte[][][] orders = {
      chunks, ChunkDecodeBenchmark.interleave(chunks), chunks, chunks, chunks,
    };
    int decoders = names.length;
    double[][] samples = new double[decoders][1 << 16];
    int[] counts = new int[decoders];
    int[] next = new int[decoders];
    while (System.nanoTime() < endAt) {
      for (int d = 0; d < decoders; d++) {
        byte[][] order = orders[d];
        int n = next[d];
        long t0 = threads.getCurrentThreadCpuTime();
        for (int i = 0; i < slice; i++) {
          byte[] c = order[n];
          n = n + 1 == order.length ? 0 : n + 1;
          if (d <= 1) {
            sink = ChatCodec.decodeChunk(c, 0, c.length);
          } else if (d == 2) {
            JsonReader r = JsonReader.of(c, 0, c.length);
            sink = ChatCodec.readChunk(r);
            r.endDocument();
          } else if (d == 3) {
            sink = mapper.readValue(c, ChunkDecodeBenchmark.JacksonChunk.class);
          } else {
            JsonReader r = JsonReader.of(c, 0, c.length);
            r.skipValue();
            r.endDocument();
            sink = r;
          }
        }
        long t1 = threads.getCurrentThreadCpuTime();
        next[d] = n;
        if (System.nanoTime() > warmEnd && counts[d] < samples[d].length) {
          samples[d][counts[d]++] = (t1 - t0) / (double) slice;
        }
      }
    }
    double[] median = new double[decoders];
    for (int d = 0; d < decoders; d++) {
      double[] s = Arrays.copyOf(samples[d], counts[d]);
      Arrays.sort(s);
      median[d] = s.length == 0 ? Double.NaN : s[s.length / 2];
      System.out.printf(
          "%-19s median %7.1f ns/chunk CPU, p10 %7.1f, p90 %7.1f (%d slices)%n",
          names[d],
          median[d],
          s.length == 0 ? Double.NaN : s[s.length / 10],
          s.length == 0 ? Double.NaN : s[s.length * 9 / 10],
          s.length);
    }
    double jackson = median[3];
    System.out.printf(
        "vs jackson: kimiSdk %.2fx, kimiSdkInterleaved %.2fx, kimiSdkGeneralPath %.2fx,"
            + " jsonReaderSkipOnly %.2fx%n",
        jackson / median[0], jackson / median[1], jackson / median[2], jackson / median[4]);
    if (sink == null) {
      System.out.println();
    }
  }
}
