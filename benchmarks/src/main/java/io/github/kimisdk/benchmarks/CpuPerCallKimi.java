package io.github.kimisdk.benchmarks;

import io.github.kimisdk.ContextPropagator;
import io.github.kimisdk.KimiClient;
import io.github.kimisdk.Target;
import io.github.kimisdk.WireProtocol;
import io.github.kimisdk.chat.ChatCompletionChunk;
import io.github.kimisdk.chat.ChatRequest;
import io.github.kimisdk.chat.ChatStream;
import io.github.kimisdk.host.Host;
import java.util.HashMap;
import java.util.Map;
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
    FOR_EACH_TEXT,
    /** A blocking {@code chat} of {@link ChatAnswer}'s whole completion: the chat path. */
    CHAT,
    /** {@code chatAsync} of the same, with a stage, waited for: the async chat path. */
    ASYNC
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

  /**
   * The client of {@code mode} with the caller's context carried into its callbacks by two
   * propagators, as a Spring application with OpenTelemetry has them: an MDC's (a map of three
   * entries, copied where a call starts and set and put back around each callback as Logback's MDC
   * copies it) and OpenTelemetry's ({@code KimiTelemetry.contextPropagator()}, a span current on
   * the caller's thread). The chat and async modes go to {@link ChatAnswer}'s completion.
   */
  static CpuPerCallKimi withContext(String url, Mode mode) {
    CallerState.enter();
    return new CpuPerCallKimi(
        KimiClient.builder()
            .apiKey("sk-cpu-per-call")
            .baseUrl(url)
            .contextPropagator(CallerState.MDC_PROPAGATOR)
            .contextPropagator(io.github.kimisdk.opentelemetry.KimiTelemetry.contextPropagator()),
        mode);
  }

  /**
   * The caller's context of the {@link #withContext} clients: a logging MDC of three entries and an
   * OpenTelemetry span, current on the measuring thread for good (set by the first client made on
   * it; the clients without propagators ignore them).
   */
  static final class CallerState {
    static final ThreadLocal<Map<String, String>> MDC = new ThreadLocal<>();

    /** Logback's MDC semantics: a copy taken where a call starts, set as a copy, put back. */
    static final ContextPropagator MDC_PROPAGATOR =
        () -> {
          Map<String, String> captured = copy(MDC.get());
          return () -> {
            Map<String, String> before = copy(MDC.get());
            MDC.set(copy(captured));
            return () -> MDC.set(before);
          };
        };

    private static Map<String, String> copy(Map<String, String> m) {
      return m == null ? null : new HashMap<>(m);
    }

    static void enter() {
      if (MDC.get() != null) {
        return;
      }
      Map<String, String> m = new HashMap<>();
      m.put("traceId", "4bf92f3577b34da6a3ce929d0e0e4736");
      m.put("spanId", "00f067aa0ba902b7");
      m.put("user", "ada");
      MDC.set(m);
      io.opentelemetry.context.Context.current()
          .with(
              io.opentelemetry.api.trace.Span.wrap(
                  io.opentelemetry.api.trace.SpanContext.create(
                      "4bf92f3577b34da6a3ce929d0e0e4736",
                      "00f067aa0ba902b7",
                      io.opentelemetry.api.trace.TraceFlags.getSampled(),
                      io.opentelemetry.api.trace.TraceState.getDefault())))
          .makeCurrent(); // never closed: current on this thread for the JVM's life
    }
  }

  @Override
  public long[] call() throws Exception {
    switch (mode) {
      case ITERATOR:
        return iterate();
      case FLOW:
        return flow();
      case CHAT:
        return new long[] {-1, kimi.chat(request).text().length()};
      case ASYNC:
        return new long[] {-1, kimi.chatAsync(request).thenApply(c -> c.text().length()).join()};
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
