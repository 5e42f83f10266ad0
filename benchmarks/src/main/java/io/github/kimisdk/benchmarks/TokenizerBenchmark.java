package io.github.kimisdk.benchmarks;

import io.github.kimisdk.token.KimiTokenizer;
import io.github.kimisdk.token.TokenEstimator;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Kimi token counting: loading the vocabulary, exact counting with {@link KimiTokenizer}, and the
 * vocabulary-free {@link TokenEstimator} on the same text, with {@code length / 4} as the floor of
 * what any estimate can cost. Each counting operation handles one sample of at least 64 KB of UTF-8
 * (a fixture repeated), so MB/s is {@code ops/s * bytes / 1e6}; {@link #sampleBytes} reports the
 * byte count at setup.
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Fork(
    value = 1,
    jvmArgsAppend = {"-Xms1g", "-Xmx1g"})
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
public class TokenizerBenchmark {
  static byte[] resource(String name) {
    try (InputStream in = TokenizerBenchmark.class.getResourceAsStream("/token/" + name)) {
      if (in == null) {
        throw new IllegalStateException("missing benchmark resource token/" + name);
      }
      return in.readAllBytes();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * A sample's fixture ({@code english}, {@code chinese} or {@code code}) repeated, each copy
   * ending in a line break, until it holds at least 64 KB of UTF-8.
   */
  static String sampleText(String sample) {
    String fixture = new String(resource(sample + ".txt"), StandardCharsets.UTF_8);
    StringBuilder sb = new StringBuilder();
    while (sb.toString().getBytes(StandardCharsets.UTF_8).length < 64 * 1024) {
      sb.append(fixture).append('\n');
    }
    return sb.toString();
  }

  /** Kimi's tokenizer, from the vocabulary bundled with the benchmarks. */
  static KimiTokenizer loadTokenizer() {
    return KimiTokenizer.load(new ByteArrayInputStream(resource("tiktoken.model")));
  }

  /** The vocabulary file's bytes, read once, so that loading measures parsing, not disk I/O. */
  @State(Scope.Benchmark)
  public static class Vocabulary {
    byte[] bytes;

    @Setup(Level.Trial)
    public void read() {
      bytes = resource("tiktoken.model");
    }
  }

  /** One text sample and a loaded tokenizer. */
  @State(Scope.Benchmark)
  public static class Sample {
    @Param({"english", "chinese", "code"})
    public String sample;

    String text;
    KimiTokenizer tokenizer;
    TokenEstimator estimator;

    @Setup(Level.Trial)
    public void setUp() {
      text = sampleText(sample);
      tokenizer = loadTokenizer();
      estimator = TokenEstimator.forKimi();
      sampleBytes = text.getBytes(StandardCharsets.UTF_8).length;
      System.out.printf(
          "%n[sample %s: %d UTF-8 bytes, %d chars, %d tokens, estimate %d]%n",
          sample, sampleBytes, text.length(), tokenizer.count(text), estimator.estimate(text));
    }

    int sampleBytes;
  }

  /**
   * Parses Kimi's 2.8 MB rank file from memory into a tokenizer.
   *
   * @param vocabulary the file's bytes
   * @return the tokenizer
   */
  @Benchmark
  @BenchmarkMode(Mode.AverageTime)
  @OutputTimeUnit(TimeUnit.MILLISECONDS)
  public KimiTokenizer load(Vocabulary vocabulary) {
    return KimiTokenizer.load(new ByteArrayInputStream(vocabulary.bytes));
  }

  /**
   * Counts the sample exactly.
   *
   * @param s the sample
   * @return the token count
   */
  @Benchmark
  public int count(Sample s) {
    return s.tokenizer.count(s.text);
  }

  /**
   * Encodes the sample into ids.
   *
   * @param s the sample
   * @return the ids
   */
  @Benchmark
  public int[] encode(Sample s) {
    return s.tokenizer.encode(s.text);
  }

  /**
   * Estimates the sample's token count without a vocabulary.
   *
   * @param s the sample
   * @return the estimate
   */
  @Benchmark
  public int estimate(Sample s) {
    return s.estimator.estimate(s.text);
  }

  /**
   * The seeds' {@code length / 4}, as a floor: it reads no characters at all.
   *
   * @param s the sample
   * @return {@code length / 4}
   */
  @Benchmark
  public int lengthOver4(Sample s) {
    return s.text.length() / 4;
  }
}
