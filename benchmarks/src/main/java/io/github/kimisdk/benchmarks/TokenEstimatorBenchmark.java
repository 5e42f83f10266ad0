package io.github.kimisdk.benchmarks;

import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Warmup;

/**
 * {@link io.github.kimisdk.token.TokenEstimator} against the exact {@link
 * io.github.kimisdk.token.KimiTokenizer} on the same text in the same run, so the speed ratio is
 * fair under any load. The samples are {@link TokenizerBenchmark.Sample}'s (64+ KB of UTF-8 each);
 * MB/s is {@code ops/s * bytes / 1e6}.
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Fork(
    value = 1,
    jvmArgsAppend = {"-Xms1g", "-Xmx1g"})
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
public class TokenEstimatorBenchmark {
  /**
   * Estimates the sample's token count without a vocabulary.
   *
   * @param s the sample
   * @return the estimate
   */
  @Benchmark
  public int estimate(TokenizerBenchmark.Sample s) {
    return s.estimator.estimate(s.text);
  }

  /**
   * Counts the sample exactly: the baseline the estimate is compared with.
   *
   * @param s the sample
   * @return the token count
   */
  @Benchmark
  public int exactCount(TokenizerBenchmark.Sample s) {
    return s.tokenizer.count(s.text);
  }
}
