package io.github.kimisdk.benchmarks;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The machine's load average, which the drivers ({@link CpuPerCall}, {@link SteadyCallCpu}, {@link
 * ToolLoopCost}) print before and after a round.
 */
final class LoadAverage {

  private LoadAverage() {}

  /**
   * The load averages over 1, 5 and 15 minutes, as {@code /proc/loadavg} gives them.
   *
   * @return the three figures, or {@code ?} where there is no {@code /proc/loadavg}
   */
  static String now() {
    try {
      String[] f = Files.readString(Path.of("/proc/loadavg")).trim().split(" ");
      return f[0] + " " + f[1] + " " + f[2];
    } catch (IOException e) {
      return "?";
    }
  }
}
