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
 * Times the encodes of {@link RequestEncodeBenchmark} in the thread's CPU time, so that a busy
 * machine's other processes do not weigh on them: each build given ({@code benchmarks.jar} of one
 * or two builds) is loaded in a class loader of its own, and its two encodes are run in short
 * blocks, the builds in turn (which goes first alternating). Prints the median CPU per encode of
 * each build past the first quarter of the rounds (warm-up) and, for two, their ratio.
 *
 * <p>Two builds in one JVM share the JDK's classes and their profiles, which biases a ratio by a
 * few percent (the same jar twice, an A/A, reads 0.89 to 1.07 on a busy two-core machine). Compare
 * builds in separate JVMs, one jar each, in turn, several times:
 *
 * <pre>{@code
 * for i in 1 2 3 4 5; do for jar in before.jar after.jar; do
 *   java -cp benchmarks/target/benchmarks.jar io.github.kimisdk.benchmarks.RequestEncodeAb $jar 60
 * done; done
 * }</pre>
 *
 * <p>Usage: {@code java -cp benchmarks/target/benchmarks.jar
 * io.github.kimisdk.benchmarks.RequestEncodeAb first.jar [second.jar] [rounds, default 80]}.
 */
public final class RequestEncodeAb {

  private RequestEncodeAb() {}

  /**
   * Runs the comparison.
   *
   * @param args one or two builds' jars, and optionally the rounds
   * @throws Exception when a jar cannot be loaded or an encode fails
   */
  public static void main(String[] args) throws Exception {
    List<String> jars = new ArrayList<>();
    int rounds = 80;
    for (String a : args) {
      if (a.endsWith(".jar")) {
        jars.add(a);
      } else {
        rounds = Integer.parseInt(a);
      }
    }
    if (jars.isEmpty() || jars.size() > 2) {
      System.err.println("usage: RequestEncodeAb first.jar [second.jar] [rounds]");
      System.exit(2);
    }
    int builds = jars.size();
    String[] encodes = {"encodeHistory", "encodeQuestion"};
    int[] perBlock = {2_000, 100_000};
    Object[] benchmarks = new Object[builds];
    Method[][] methods = new Method[builds][encodes.length];
    for (int side = 0; side < builds; side++) {
      URLClassLoader loader =
          new URLClassLoader(
              new URL[] {Path.of(jars.get(side)).toUri().toURL()},
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
        for (int turn = 0; turn < builds; turn++) {
          int side = round % 2 == 0 || builds == 1 ? turn : 1 - turn;
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
      double[] median = new double[builds];
      for (int side = 0; side < builds; side++) {
        double[] sorted =
            samples.get(side).stream().mapToDouble(Double::doubleValue).sorted().toArray();
        median[side] = sorted[sorted.length / 2];
        System.out.printf(
            "%s %s: median %.1f ns CPU per encode over %d rounds (p25 %.1f, p75 %.1f)%n",
            encodes[e],
            jars.get(side),
            median[side],
            sorted.length,
            sorted[sorted.length / 4],
            sorted[3 * sorted.length / 4]);
      }
      if (builds == 2) {
        System.out.printf("%s second/first: %.3f%n", encodes[e], median[1] / median[0]);
      }
    }
    if (sink == 42) {
      System.out.println(sink); // keeps the encodes from being optimised away
    }
  }
}
