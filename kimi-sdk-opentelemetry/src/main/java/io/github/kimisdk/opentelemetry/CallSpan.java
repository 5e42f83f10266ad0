package io.github.kimisdk.opentelemetry;

import io.github.kimisdk.KimiInterceptor;
import io.github.kimisdk.chat.ChatCompletion;
import io.github.kimisdk.chat.ChatRequest;
import io.github.kimisdk.chat.Usage;
import io.github.kimisdk.errors.BudgetExceededException;
import io.github.kimisdk.host.ServedBy;
import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.common.AttributesBuilder;
import io.opentelemetry.api.metrics.DoubleHistogram;
import io.opentelemetry.api.metrics.LongHistogram;
import io.opentelemetry.api.metrics.Meter;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.Scope;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.function.BiConsumer;

/**
 * The once-per-call interceptor: starts the call's client span as a child of the caller's current
 * context (on the thread that starts the call, or consumes the stream), passes the call on inside
 * it, and once the call ended sets the response's attributes, ends the span and records the
 * metrics, before the caller sees the outcome. The call's span is kept by call id until then, for
 * the once-per-attempt interceptor ({@link AttemptContext}); a stream's chunks are timed as they
 * arrive ({@link KimiInterceptor.Chain#onChunk}).
 */
final class CallSpan implements KimiInterceptor {

  /**
   * What one call in flight keeps: its span, where it started, and what its attempts found. The
   * chunk times are written on the thread that delivers the stream's chunks, one at a time, and
   * read once the stream ended (its end completes the future this interceptor waits on, after the
   * last chunk); the rest is written by the attempts, one after the other.
   */
  static final class Open {
    final Span span;
    final long started;
    final ServedBy start;
    volatile ServedBy lastTarget; // the target of the last attempt; null before the first
    volatile String lastFailure; // error.type of the last attempt's failure
    volatile int lastStatus; // its HTTP status, or 0
    long firstChunk; // System.nanoTime() of the first chunk; 0 before it
    long lastChunk;
    long[] gaps = NO_GAPS; // nanoseconds between each chunk and the one before
    int gapCount;
    private final java.util.Set<Integer> rerouted = ConcurrentHashMap.newKeySet(2);

    Open(Span span, long started, ServedBy start) {
      this.span = span;
      this.started = started;
      this.start = start;
    }

    /** Attempt {@code attempt} was told as a reroute ({@link RerouteEvents}). */
    void rerouted(int attempt) {
      rerouted.add(attempt);
    }

    /** Whether attempt {@code attempt} was told as a reroute. */
    boolean wasRerouted(int attempt) {
      return !rerouted.isEmpty() && rerouted.contains(attempt);
    }

    /** A chunk arrived at {@code now}. */
    void chunk(long now) {
      if (firstChunk == 0) {
        firstChunk = now;
      } else {
        if (gapCount == gaps.length) {
          gaps = Arrays.copyOf(gaps, Math.max(256, gaps.length * 2));
        }
        gaps[gapCount++] = now - lastChunk;
      }
      lastChunk = now;
    }
  }

  private static final long[] NO_GAPS = new long[0];

  // The bucket boundaries the conventions advise for the metrics: seconds, and tokens.
  private static final List<Double> DURATION_BUCKETS =
      List.of(
          0.01, 0.02, 0.04, 0.08, 0.16, 0.32, 0.64, 1.28, 2.56, 5.12, 10.24, 20.48, 40.96, 81.92);
  private static final List<Long> TOKEN_BUCKETS =
      List.of(
          1L, 4L, 16L, 64L, 256L, 1024L, 4096L, 16384L, 65536L, 262144L, 1048576L, 4194304L,
          16777216L, 67108864L);

  private final Tracer tracer;
  private final DoubleHistogram duration;
  private final LongHistogram tokens;
  private final DoubleHistogram firstChunk;
  private final DoubleHistogram perChunk;
  private final GenAi genAi;
  private final Map<Long, Open> open;
  private final Map<Attributes, Attributes> series = new ConcurrentHashMap<>();

  /** The most sets of metric attributes {@link #interned} keeps. */
  static final int MAX_INTERNED = 256;

  private final BudgetMetrics budgets;

  CallSpan(OpenTelemetry otel, GenAi genAi, Map<Long, Open> open, BudgetMetrics budgets) {
    this.budgets = budgets;
    this.tracer =
        otel.tracerBuilder(KimiTelemetry.INSTRUMENTATION_SCOPE)
            .setInstrumentationVersion(KimiTelemetry.VERSION)
            .setSchemaUrl(KimiTelemetry.SCHEMA_URL)
            .build();
    Meter meter =
        otel.meterBuilder(KimiTelemetry.INSTRUMENTATION_SCOPE)
            .setInstrumentationVersion(KimiTelemetry.VERSION)
            .setSchemaUrl(KimiTelemetry.SCHEMA_URL)
            .build();
    this.duration = seconds(meter, "gen_ai.client.operation.duration", "GenAI operation duration");
    this.tokens =
        meter
            .histogramBuilder("gen_ai.client.token.usage")
            .ofLongs()
            .setUnit("{token}")
            .setDescription("Input and output tokens a call used")
            .setExplicitBucketBoundariesAdvice(TOKEN_BUCKETS)
            .build();
    this.firstChunk =
        seconds(
            meter,
            "gen_ai.client.operation.time_to_first_chunk",
            "Time from a streamed call's start to its first chunk");
    this.perChunk =
        seconds(
            meter,
            "gen_ai.client.operation.time_per_output_chunk",
            "Time between a streamed call's chunks, from the chunk before to each after the first");
    this.genAi = genAi;
    this.open = open;
  }

  private static DoubleHistogram seconds(Meter meter, String name, String description) {
    return meter
        .histogramBuilder(name)
        .setUnit("s")
        .setDescription(description)
        .setExplicitBucketBoundariesAdvice(DURATION_BUCKETS)
        .build();
  }

  @Override
  @SuppressWarnings("try") // the scope is what the try is for: the span is current inside it
  public CompletableFuture<ChatCompletion> intercept(Chain chain) {
    ChatRequest request = chain.request();
    Context parent = Context.current();
    ServedBy target = chain.target();
    AttributesBuilder shared = genAi.shared(request, target, chain.endpoint());
    boolean streamed = chain.streamed();
    Span span =
        tracer
            .spanBuilder("chat " + request.model())
            .setSpanKind(SpanKind.CLIENT)
            .setParent(parent)
            .setAllAttributes(genAi.request(shared.build(), request, streamed))
            .startSpan();
    long id = chain.callId();
    Open call = new Open(span, System.nanoTime(), target);
    open.put(id, call);
    if (streamed) {
      chain.onChunk(chunk -> call.chunk(System.nanoTime()));
    }
    CompletableFuture<ChatCompletion> sent;
    try (Scope ignored = parent.with(span).makeCurrent()) {
      sent = chain.proceed(request);
    } catch (RuntimeException e) {
      forget(id, call);
      ended(call, shared, null, e);
      throw e;
    }
    return after(
        sent,
        (reply, error) -> {
          forget(id, call);
          ended(call, shared, reply, error);
        });
  }

  /** Drops call {@code id}: it ended. */
  private void forget(long id, Open call) {
    open.remove(id, call);
  }

  /**
   * Returns a future of {@code f}'s outcome that completes once {@code noted} heard it (so a caller
   * that sees the outcome finds it noted), whatever {@code noted} throws; cancelling it cancels
   * {@code f}.
   */
  static <T> CompletableFuture<T> after(CompletableFuture<T> f, BiConsumer<T, Throwable> noted) {
    CompletableFuture<T> out = new CompletableFuture<>();
    f.whenComplete(
        (value, error) -> {
          try {
            noted.accept(value, error);
          } finally {
            if (error != null) {
              out.completeExceptionally(error);
            } else {
              out.complete(value);
            }
          }
        });
    out.whenComplete(
        (v, e) -> {
          if (out.isCancelled()) {
            f.cancel(true);
          }
        });
    return out;
  }

  /** Ends the span with the call's outcome and records the metrics. */
  private void ended(Open call, AttributesBuilder shared, ChatCompletion reply, Throwable error) {
    long now = System.nanoTime();
    double seconds = (now - call.started) / 1e9;
    Span span = call.span;
    ServedBy byReply =
        reply == null || reply.metadata() == null ? null : reply.metadata().servedBy();
    ServedBy last = call.lastTarget;
    ServedBy served = byReply != null ? byReply : last != null ? last : call.start;
    if (byReply != null || served.target() != call.start.target()) {
      // a client with fallback targets: the span and the metrics name the target that served
      AttributesBuilder target =
          Attributes.builder()
              .put(GenAi.PROVIDER_NAME, GenAi.provider(served.host()))
              .put(GenAi.TARGET, (long) served.target())
              .put(GenAi.TARGET_HOST, served.host());
      GenAi.server(target, served.baseUrl());
      Attributes t = target.build();
      span.setAllAttributes(t);
      shared.putAll(t);
    }
    if (reply != null && reply.model() != null) {
      shared.put(GenAi.RESPONSE_MODEL, reply.model());
    }
    Attributes metric = interned(shared.build());
    if (call.firstChunk != 0) {
      double toFirst = (call.firstChunk - call.started) / 1e9;
      span.setAttribute(GenAi.TIME_TO_FIRST_CHUNK, toFirst);
      firstChunk.record(toFirst, metric);
      // bounded by the array read: a stream its consumer closed may still be delivering a chunk
      int count = call.gapCount;
      long[] gaps = call.gaps;
      for (int i = 0, n = Math.min(count, gaps.length); i < n; i++) {
        perChunk.record(gaps[i] / 1e9, metric);
      }
    }
    if (error != null) {
      Throwable cause = unwrap(error);
      if (cause instanceof BudgetExceededException refused) {
        budgets.refused(refused);
      }
      String type = GenAi.errorType(cause);
      span.setAttribute(GenAi.ERROR_TYPE, type);
      int status = GenAi.status(cause);
      if (status > 0) {
        span.setAttribute(GenAi.HTTP_STATUS, (long) status);
      }
      span.setStatus(StatusCode.ERROR, cause.getClass().getSimpleName());
      span.end();
      duration.record(seconds, interned(metric.toBuilder().put(GenAi.ERROR_TYPE, type).build()));
      return;
    }
    span.setAllAttributes(genAi.response(reply));
    span.end();
    duration.record(seconds, metric);
    Usage usage = reply.usage();
    if (usage != null) {
      tokens.record(
          usage.promptTokens(),
          interned(metric.toBuilder().put(GenAi.TOKEN_TYPE, "input").build()));
      tokens.record(
          usage.completionTokens(),
          interned(metric.toBuilder().put(GenAi.TOKEN_TYPE, "output").build()));
    }
  }

  /**
   * Returns the one instance of a metric's attributes that equal {@code a}: the SDK finds the
   * series of a recording by its attributes in a map, and an instance it already holds is found
   * without comparing every attribute (a stream records a chunk's time some hundreds of times). At
   * most {@value #MAX_INTERNED} sets are kept; past them, the first ones go.
   */
  private Attributes interned(Attributes a) {
    Attributes held = series.putIfAbsent(a, a);
    if (held != null) {
      return held;
    }
    if (series.size() > MAX_INTERNED) {
      series.clear(); // a client of many models or hosts: start again rather than grow
      series.put(a, a);
    }
    return a;
  }

  /** Returns the failure a completion wrapper carries. */
  static Throwable unwrap(Throwable error) {
    Throwable t = error;
    while ((t instanceof CompletionException || t instanceof ExecutionException)
        && t.getCause() != null) {
      t = t.getCause();
    }
    return t;
  }
}
