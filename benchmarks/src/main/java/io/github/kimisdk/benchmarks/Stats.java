package io.github.kimisdk.benchmarks;

import java.util.Arrays;

/** The statistics the drivers ({@link SteadyCallCpu}, {@link ToolLoopCost}) print of their rows. */
final class Stats {

  private Stats() {}

  /**
   * The median of the values (the mean of the middle two for an even count).
   *
   * @param values the values, left as they are
   * @return the median
   */
  static double median(double[] values) {
    double[] v = values.clone();
    Arrays.sort(v);
    int n = v.length;
    return n % 2 == 1 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
  }

  /**
   * One column of rows.
   *
   * @param rows the rows
   * @param col the column's index
   * @return the column's values, a row's at its index
   */
  static double[] column(double[][] rows, int col) {
    double[] v = new double[rows.length];
    for (int i = 0; i < rows.length; i++) {
      v[i] = rows[i][col];
    }
    return v;
  }
}
