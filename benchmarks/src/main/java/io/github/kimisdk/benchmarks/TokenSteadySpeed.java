package io.github.kimisdk.benchmarks;

import io.github.kimisdk.token.KimiTokenizer;
import io.github.kimisdk.token.TokenEstimator;
import java.nio.charset.StandardCharsets;

/**
 * One counter on one sample, alone in its JVM, for a number of seconds: the steady-state speed that
 * {@link TokenEstimatorSpeed} does not show, because there both counters and all samples share one
 * JVM and the exact tokenizer runs below its best. Prints the fastest call and the mean over all
 * calls. Run once per counter, each in a fresh JVM: {@code java -cp
 * benchmarks/target/benchmarks.jar io.github.kimisdk.benchmarks.TokenSteadySpeed exact english 8},
 * then the same with {@code estimate}.
 */
public final class TokenSteadySpeed {
  private TokenSteadySpeed() {}

  /**
   * Times one counter.
   *
   * @param args {@code exact} or {@code estimate}; a sample name ({@code english}, {@code code} or
   *     {@code chinese}); seconds to run (8 when absent)
   */
  public static void main(String[] args) {
    if (args.length < 2 || !(args[0].equals("exact") || args[0].equals("estimate"))) {
      System.err.println("usage: TokenSteadySpeed exact|estimate english|code|chinese [seconds]");
      System.exit(2);
    }
    boolean exact = args[0].equals("exact");
    String text = TokenizerBenchmark.sampleText(args[1]);
    int bytes = text.getBytes(StandardCharsets.UTF_8).length;
    long seconds = args.length > 2 ? Long.parseLong(args[2]) : 8;
    KimiTokenizer tokenizer = exact ? TokenizerBenchmark.loadTokenizer() : null;
    TokenEstimator estimator = TokenEstimator.forKimi();
    long sink = 0;
    long best = Long.MAX_VALUE;
    long total = 0;
    int calls = 0;
    long end = System.nanoTime() + seconds * 1_000_000_000L;
    while (System.nanoTime() < end) {
      long t0 = System.nanoTime();
      sink += exact ? tokenizer.count(text) : estimator.estimate(text);
      long t = System.nanoTime() - t0;
      best = Math.min(best, t);
      total += t;
      calls++;
    }
    System.out.printf(
        "%-8s %-8s best %5.0f MB/s   mean %5.0f MB/s   (%d calls)%n",
        args[0], args[1], bytes * 1e3 / best, bytes * 1e3 * calls / total, calls);
    if (sink == 42) {
      System.out.println();
    }
  }
}
