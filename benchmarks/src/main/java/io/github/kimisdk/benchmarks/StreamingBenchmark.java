package io.github.kimisdk.benchmarks;

import com.openai.client.OpenAIClient;
import io.github.kimisdk.KimiClient;
import java.io.IOException;
import java.net.http.HttpClient;
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
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.Blackhole;

/**
 * End to end: one operation is one streaming chat call of {@link RecordedStream#DEFAULT_CHUNKS}
 * recorded Kimi chunks from a loopback server in the same JVM, consumed in full by one of three
 * clients on that same server: kimi-sdk's {@code KimiClient.stream}, openai-java's {@code
 * createStreaming}, and a bare {@code java.net.http} client that reads lines and decodes nothing
 * (the floor). ops/s is calls per second; chunks per second is that times {@code chunks}. With
 * {@code -prof gc}, {@code gc.alloc.rate.norm} is bytes per call (client and server threads), to
 * divide by {@code chunks}. Every call is checked to have seen every chunk.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Fork(
    value = 1,
    jvmArgsAppend = {"-Xms1g", "-Xmx1g", "-Dsun.net.httpserver.nodelay=true"})
@Warmup(iterations = 5, time = 2)
@Measurement(iterations = 5, time = 2)
public class StreamingBenchmark {

  /** Chunks per call, {@code [DONE]} not counted. */
  @Param({"300"})
  public int chunks;

  private RecordedStream stream;
  private LoopbackServer server;
  private KimiClient kimi;
  private OpenAIClient openAi;
  private HttpClient bare;

  /** Starts the server and the three clients, and checks each once. */
  @Setup(Level.Trial)
  public void setUp() throws IOException {
    stream = RecordedStream.build(chunks);
    server = new LoopbackServer(stream.body);
    kimi = StreamClients.newKimi(server.baseUrl());
    openAi = StreamClients.newOpenAi(server.baseUrl());
    bare = StreamClients.newBare();
    kimiSdk(null);
    openAiJava(null);
    bareJavaNetHttp(null);
  }

  /** Closes the clients and the server. */
  @TearDown(Level.Trial)
  public void tearDown() {
    kimi.close();
    openAi.close();
    server.close();
  }

  /** kimi-sdk: {@code KimiClient.stream}, iterating {@code ChatCompletionChunk}s. */
  @Benchmark
  public StreamClients.Tally kimiSdk(Blackhole bh) {
    return StreamClients.kimi(kimi, bh == null ? x -> {} : bh::consume).check(stream, "kimi-sdk");
  }

  /** openai-java: {@code chat().completions().createStreaming}, iterating its chunks. */
  @Benchmark
  public StreamClients.Tally openAiJava(Blackhole bh) {
    return StreamClients.openAi(openAi, bh == null ? x -> {} : bh::consume)
        .check(stream, "openai-java");
  }

  /** The floor: {@code java.net.http} reading {@code data:} lines, decoding nothing. */
  @Benchmark
  public int bareJavaNetHttp(Blackhole bh) {
    int n = StreamClients.bare(bare, server.baseUrl(), bh == null ? x -> {} : bh::consume).chunks();
    if (n != stream.chunks) {
      throw new IllegalStateException("bare client saw " + n + " chunks of " + stream.chunks);
    }
    return n;
  }
}
