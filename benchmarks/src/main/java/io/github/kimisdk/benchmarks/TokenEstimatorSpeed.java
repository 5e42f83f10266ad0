package io.github.kimisdk.benchmarks;

import io.github.kimisdk.token.KimiTokenizer;
import io.github.kimisdk.token.TokenEstimator;
import java.nio.charset.StandardCharsets;

/**
 * The estimator's speed as a ratio to the exact tokenizer's on a loaded machine: each round times
 * 20 estimates and then 2 exact counts of the same sample, back to back, and the best round of each
 * is kept, so a burst of load on the machine slows both sides of a ratio alike instead of one JMH
 * benchmark. A first pass over all samples warms the JIT up and is not printed. The samples are
 * {@link TokenizerBenchmark}'s. Run with {@code java -cp benchmarks/target/benchmarks.jar
 * io.github.kimisdk.benchmarks.TokenEstimatorSpeed}.
 */
public final class TokenEstimatorSpeed {
  private TokenEstimatorSpeed() {}

  /**
   * Prints MB/s of both and their ratio per sample.
   *
   * @param args sample names; english, code and chinese when none
   */
  public static void main(String[] args) {
    KimiTokenizer tokenizer = TokenizerBenchmark.loadTokenizer();
    TokenEstimator estimator = TokenEstimator.forKimi();
    String[] samples = args.length > 0 ? args : new String[] {"english", "code", "chinese"};
    long sink = 0;
    for (int pass = 0; pass < 2; pass++) {
      for (String sample : samples) {
        String text = TokenizerBenchmark.sampleText(sample);
        int bytes = text.getBytes(StandardCharsets.UTF_8).length;
        long bestEstimate = Long.MAX_VALUE;
        long bestCount = Long.MAX_VALUE;
        for (int round = 0; round < 100; round++) {
          long t0 = System.nanoTime();
          for (int k = 0; k < 20; k++) {
            sink += estimator.estimate(text);
          }
          long t1 = System.nanoTime();
          sink += tokenizer.count(text);
          sink += tokenizer.count(text);
          long t2 = System.nanoTime();
          bestEstimate = Math.min(bestEstimate, (t1 - t0) / 20);
          bestCount = Math.min(bestCount, (t2 - t1) / 2);
        }
        if (pass == 0) {
          continue;
        }
        System.out.printf(
            "%-8s estimate %5.0f MB/s   exact count %4.0f MB/s   ratio %5.1fx%n",
            sample,
            bytes * 1e3 / bestEstimate,
            bytes * 1e3 / bestCount,
            (double) bestCount / bestEstimate);
      }
    }
    if (sink == 42) {
      System.out.println();
    }
  }
}
