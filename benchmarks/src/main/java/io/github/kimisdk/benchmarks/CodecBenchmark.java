package io.github.kimisdk.benchmarks;

import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The JMH settings of the codec's benchmarks ({@link ChunkDecodeBenchmark}, {@link
 * PeerDecodeBenchmark}, {@link RequestEncodeBenchmark}), which JMH reads from this superclass: a
 * state per thread, operations per microsecond, one fork with a fixed 512 MB heap, ten warmup
 * iterations (a subclass's own {@code @Warmup} replaces them) and five measured, two seconds each.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Fork(
    value = 1,
    jvmArgsAppend = {"-Xms512m", "-Xmx512m"})
@Warmup(iterations = 10, time = 2)
@Measurement(iterations = 5, time = 2)
public abstract class CodecBenchmark {

  /** For subclasses. */
  protected CodecBenchmark() {}
}
