package io.github.kimisdk.benchmarks;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.lang.reflect.Method;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Compares the encode of two builds in one JVM: {@link RequestEncodeBenchmark} loaded from each
 * build's {@code benchmarks.jar} in a class loader of its own, its two encodes run in turn in short
 * blocks (which build goes first alternating), each block timed in the thread's CPU time, so that a
 * busy machine's other processes weigh on neither side. Prints the median CPU per encode of each
 * build, past the first quarter of the rounds (warm-up), and their ratio. The two builds share the
 * JDK's classes and their profiles, so a ratio moves by a few percent from run to run: run the same
 * jar twice (an A/A) beside the A/B, and swap the two jars, before reading a difference.
 *
 * <p>Usage: {@code java -cp benchmarks/target/benchmarks.jar
 * io.github.kimisdk.benchmarks.RequestEncodeAb before.jar after.jar [rounds, default 80]}.
 */
public final class RequestEncodeAb {

  private RequestEncodeAb() {}

  /**
   * Runs the comparison.
   *
   * @param args the two jars, then optionally the rounds
   * @throws Exception when a jar cannot be loaded or an encode fails
   */
  public static void main(String[] args) throws Exception {
    if (args.length < 2) {
      System.err.println("usage: RequestEncodeAb before.jar after.jar [rounds]");
      System.exit(2);
    }
    int rounds = args.length > 2 ? Integer.parseInt(args[2]) : 80;
    String[] encodes = {"encodeHistory", "encodeQuestion"};
    int[] perBlock = {2_000, 100_000};
    Object[] benchmarks = new Object[2];
    Method[][] methods = new Method[2][encodes.length];
    for (int side = 0; side < 2; side++) {
      URLClassLoader loader =
          new URLClassLoader(
              new URL[] {Path.of(args[side]).toUri().toURL()},
              ClassLoader.getPlatformClassLoader());
      Class<?> type = loader.loadClass(RequestEncodeBenchmark.class.getName());
      benchmarks[side] = type.getConstructor().newInstance();
      type.getMethod("setUp").invoke(benchmarks[side]);
      for (int e = 0; e < encodes.length; e++) {
        methods[side][e] = type.getMethod(encodes[e]);
      }
    }
    ThreadMXBean threads = ManagementFactory.getThreadMXBean();
    long sink = 0;
    for (int e = 0; e < encodes.length; e++) {
      List<List<Double>> samples = List.of(new ArrayList<>(), new ArrayList<>());
      for (int round = 0; round < rounds; round++) {
        for (int turn = 0; turn < 2; turn++) {
          int side = round % 2 == 0 ? turn : 1 - turn;
          long start = threads.getCurrentThreadCpuTime();
          for (int k = 0; k < perBlock[e]; k++) {
            sink += ((byte[]) methods[side][e].invoke(benchmarks[side])).length;
          }
          long cpu = threads.getCurrentThreadCpuTime() - start;
          if (round >= rounds / 4) {
            samples.get(side).add(cpu / (double) perBlock[e]);
          }
        }
      }
      double[] median = new double[2];
      for (int side = 0; side < 2; side++) {
        double[] sorted =
            samples.get(side).stream().mapToDouble(Double::doubleValue).sorted().toArray();
        median[side] = sorted[sorted.length / 2];
        System.out.printf(
            "%s %s: median %.1f ns CPU per encode over %d rounds (p25 %.1f, p75 %.1f)%n",
            encodes[e],
            args[side],
            median[side],
            sorted.length,
            sorted[sorted.length / 4],
            sorted[3 * sorted.length / 4]);
      }
      System.out.printf("%s second/first: %.3f%n", encodes[e], median[1] / median[0]);
    }
    if (sink == 42) {
      System.out.println(sink); // keeps the encodes from being optimised away
    }
  }
}
