package io.github.kimisdk.opentelemetry;

import io.github.kimisdk.KimiInterceptor;
import io.github.kimisdk.ServedBy;
import io.github.kimisdk.chat.ChatCompletion;
import io.github.kimisdk.chat.ChatRequest;
import io.github.kimisdk.chat.Usage;
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
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;

/**
 * The once-per-call interceptor: starts the call's client span as a child of the caller's current
 * context (on the thread that starts the call, or consumes the stream), passes the call on inside
 * it, and once the call ended sets the response's attributes, ends the span and records the two
 * metrics, before the caller sees the outcome. The call's span is kept by call id until then, for
 * the once-per-attempt interceptor ({@link AttemptContext}).
 */
final class CallSpan implements KimiInterceptor {

  /** What one call in flight keeps: its span, and the failure of its last attempt. */
  static final class Open {
    final Span span;
    volatile String lastFailure;
    volatile java.net.URI lastEndpoint; // the URL of the attempt before, for a fallback's event

    Open(Span span) {
      this.span = span;
    }
  }

  // The bucket boundaries the conventions advise for the two metrics.
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
  private final GenAi genAi;
  private final Map<Long, Open> open;

  CallSpan(OpenTelemetry otel, GenAi genAi, Map<Long, Open> open) {
    this.tracer = otel.getTracer(KimiTelemetry.INSTRUMENTATION_SCOPE);
    Meter meter = otel.getMeter(KimiTelemetry.INSTRUMENTATION_SCOPE);
    this.duration =
        meter
            .histogramBuilder("gen_ai.client.operation.duration")
            .setUnit("s")
            .setDescription("GenAI operation duration")
            .setExplicitBucketBoundariesAdvice(DURATION_BUCKETS)
            .build();
    this.tokens =
        meter
            .histogramBuilder("gen_ai.client.token.usage")
            .ofLongs()
            .setUnit("{token}")
            .setDescription("Measures number of input and output tokens used")
            .setExplicitBucketBoundariesAdvice(TOKEN_BUCKETS)
            .build();
    this.genAi = genAi;
    this.open = open;
  }

  @Override
  @SuppressWarnings("try") // the scope is what the try is for: the span is current inside it
  public CompletableFuture<ChatCompletion> intercept(Chain chain) {
    ChatRequest request = chain.request();
    Context parent = Context.current();
    AttributesBuilder shared = genAi.shared(request, chain.endpoint());
    Span span =
        tracer
            .spanBuilder("chat " + request.model())
            .setSpanKind(SpanKind.CLIENT)
            .setParent(parent)
            .setAllAttributes(genAi.request(shared.build(), request))
            .startSpan();
    long started = System.nanoTime();
    long id = chain.callId();
    open.put(id, new Open(span));
    CompletableFuture<ChatCompletion> sent;
    try (Scope ignored = parent.with(span).makeCurrent()) {
      sent = chain.proceed(request);
    } catch (RuntimeException e) {
      open.remove(id);
      ended(span, shared, started, null, e);
      throw e;
    }
    CompletableFuture<ChatCompletion> out = new CompletableFuture<>();
    sent.whenComplete(
        (reply, error) -> {
          open.remove(id);
          try {
            ended(span, shared, started, reply, error);
          } finally {
            if (error != null) {
              out.completeExceptionally(error);
            } else {
              out.complete(reply);
            }
          }
        });
    out.whenComplete(
        (r, e) -> {
          if (out.isCancelled()) {
            sent.cancel(true);
          }
        });
    return out;
  }

  /** Ends the span with the call's outcome and records the metrics. */
  private void ended(
      Span span, AttributesBuilder shared, long started, ChatCompletion reply, Throwable error) {
    double seconds = (System.nanoTime() - started) / 1e9;
    if (error != null) {
      String type = unwrap(error).getClass().getName();
      span.setAttribute(GenAi.ERROR_TYPE, type);
      span.setStatus(StatusCode.ERROR, unwrap(error).getClass().getSimpleName());
      span.end();
      duration.record(seconds, shared.put(GenAi.ERROR_TYPE, type).build());
      return;
    }
    span.setAllAttributes(genAi.response(reply));
    ServedBy served = reply.metadata() == null ? null : reply.metadata().servedBy();
    if (served != null) {
      // a client with fallback targets: the span and the metrics name the target that answered
      AttributesBuilder target =
          Attributes.builder()
              .put(GenAi.TARGET, (long) served.target())
              .put(GenAi.TARGET_HOST, served.host());
      GenAi.server(target, served.baseUrl());
      Attributes t = target.build();
      span.setAllAttributes(t);
      shared.putAll(t);
    }
    span.end();
    if (reply.model() != null) {
      shared.put(GenAi.RESPONSE_MODEL, reply.model());
    }
    Attributes metric = shared.build();
    duration.record(seconds, metric);
    Usage usage = reply.usage();
    if (usage != null) {
      tokens.record(
          usage.promptTokens(), metric.toBuilder().put(GenAi.TOKEN_TYPE, "input").build());
      tokens.record(
          usage.completionTokens(), metric.toBuilder().put(GenAi.TOKEN_TYPE, "output").build());
    }
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
