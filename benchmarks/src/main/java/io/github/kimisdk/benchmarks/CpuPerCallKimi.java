package io.github.kimisdk.benchmarks;

import io.github.kimisdk.Host;
import io.github.kimisdk.KimiClient;
import io.github.kimisdk.Target;
import io.github.kimisdk.WireProtocol;
import io.github.kimisdk.chat.ChatCompletionChunk;
import io.github.kimisdk.chat.ChatRequest;
import io.github.kimisdk.chat.ChatStream;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Flow;

/**
 * kimi-sdk's streaming call for {@link CpuPerCallClient}, consumed three ways: the iterator (a
 * plain loop over the {@code ChatStream}), a {@code Flow.Subscriber} with unbounded demand (chunks
 * arrive on the HTTP client's thread; the caller waits for the end), and {@code forEachText}.
 */
final class CpuPerCallKimi implements CpuPerCallClient.Call {

  enum Mode {
    ITERATOR,
    FLOW,
    FOR_EACH_TEXT
  }

  static Object sink;

  private final KimiClient kimi;
  private final Mode mode;
  private final ChatRequest request = ChatRequest.of("kimi-k3", "What is the weather in Beijing?");

  CpuPerCallKimi(String url, Mode mode) {
    this(url, mode, WireProtocol.CHAT_COMPLETIONS);
  }

  CpuPerCallKimi(String url, Mode mode, WireProtocol wire) {
    this(KimiClient.builder().apiKey("sk-cpu-per-call").baseUrl(url).wireProtocol(wire), mode);
  }

  private CpuPerCallKimi(KimiClient.Builder builder, Mode mode) {
    this.kimi = builder.build();
    this.mode = mode;
  }

  /**
   * A client with a fallback chain whose first target answers every call: the cost of the chain
   * itself (issue 79: within 2% of a client without one).
   */
  static CpuPerCallKimi chain(String url) {
    return new CpuPerCallKimi(
        KimiClient.builder()
            .apiKey("sk-cpu-per-call")
            .baseUrl(url)
            .fallback(
                Target.of(Host.vllm(url).withModelId("kimi-k3", "kimi-k3"), "kimi-k3")
                    .apiKey("sk-cpu-per-call")),
        Mode.ITERATOR);
  }

  /**
   * The iterator through a group of two replicas ({@code KimiClient.Builder.replica}) that share
   * the load, both at the same server: each call's member chosen by its room and weight, its
   * conversation's key computed and remembered, its room held and freed.
   */
  static CpuPerCallKimi group(String url) {
    return new CpuPerCallKimi(
        KimiClient.builder()
            .apiKey("sk-cpu-per-call")
            .baseUrl(url)
            .replica(
                Target.of(Host.vllm(url).withModelId("kimi-k3", "kimi-k3"), "kimi-k3")
                    .apiKey("sk-cpu-per-call")),
        Mode.ITERATOR);
  }

  /**
   * The iterator with kimi-sdk-opentelemetry installed on an OpenTelemetry SDK that keeps its spans
   * and metrics and exports them nowhere: a span, its attributes and events, both metrics and the
   * trace context per call, the artifact's own cost and the SDK's, without an exporter's.
   */
  static CpuPerCallKimi withTelemetry(String url) {
    io.opentelemetry.sdk.OpenTelemetrySdk otel =
        io.opentelemetry.sdk.OpenTelemetrySdk.builder()
            .setTracerProvider(io.opentelemetry.sdk.trace.SdkTracerProvider.builder().build())
            .setMeterProvider(
                io.opentelemetry.sdk.metrics.SdkMeterProvider.builder()
                    .registerMetricReader(
                        io.opentelemetry.sdk.testing.exporter.InMemoryMetricReader.create())
                    .build())
            .build();
    return new CpuPerCallKimi(
        io.github.kimisdk.opentelemetry.KimiTelemetry.create(otel)
            .install(KimiClient.builder().apiKey("sk-cpu-per-call").baseUrl(url)),
        Mode.ITERATOR);
  }

  @Override
  public long[] call() throws Exception {
    switch (mode) {
      case ITERATOR:
        return iterate();
      case FLOW:
        return flow();
      default:
        return forEachText();
    }
  }

  private long[] iterate() {
    long chunks = 0;
    long chars = 0;
    try (ChatStream stream = kimi.stream(request)) {
      for (ChatCompletionChunk c : stream) {
        sink = c;
        chunks++;
        chars += c.text().length();
      }
    }
    return new long[] {chunks, chars};
  }

  private long[] forEachText() {
    long[] chars = {0};
    try (ChatStream stream = kimi.stream(request)) {
      sink =
          stream.forEachText(
              text -> {
                sink = text;
                chars[0] += text.length();
              });
    }
    // forEachText hands over text, not chunks: only the text is checked (the chunk count is
    // checked by the other modes, on the same stream).
    return new long[] {-1, chars[0]};
  }

  private long[] flow() throws InterruptedException {
    Counter counter = new Counter();
    try (ChatStream stream = kimi.stream(request)) {
      stream.subscribe(counter);
      counter.done.await();
    }
    if (counter.error != null) {
      throw new IllegalStateException("the stream failed", counter.error);
    }
    return new long[] {counter.chunks, counter.chars};
  }

  @Override
  public void close() {
    kimi.close();
  }

  /** Counts chunks and content characters, asking for everything at once. */
  private static final class Counter implements Flow.Subscriber<ChatCompletionChunk> {
    final CountDownLatch done = new CountDownLatch(1);
    long chunks;
    long chars;
    volatile Throwable error;

    @Override
    public void onSubscribe(Flow.Subscription s) {
      s.request(Long.MAX_VALUE);
    }

    @Override
    public void onNext(ChatCompletionChunk c) {
      sink = c;
      chunks++;
      chars += c.text().length();
    }

    @Override
    public void onError(Throwable t) {
      error = t;
      done.countDown();
    }

    @Override
    public void onComplete() {
      done.countDown();
    }
  }
}
