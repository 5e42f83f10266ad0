package io.github.kimisdk.opentelemetry;

import io.github.kimisdk.KimiInterceptor;
import io.github.kimisdk.chat.ChatCompletion;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.common.AttributesBuilder;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.propagation.W3CTraceContextPropagator;
import io.opentelemetry.context.Context;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/**
 * The once-per-attempt interceptor: sends the W3C trace context of the call's span with the attempt
 * (the caller's current context when the call has no span of {@link CallSpan}'s), and adds each
 * attempt after the first to the span as a {@code kimi.retry} event naming the URL it goes to and
 * the failure before it, or a {@code kimi.fallback} event when it goes to another URL than the
 * attempt before (a client's fallback chain moving on to its next target). W3C's propagator is used
 * whatever propagators the application configured, so that the header is the one a GenAI server
 * reads; baggage is never sent.
 */
final class AttemptContext implements KimiInterceptor {

  private final boolean propagate;
  private final Map<Long, CallSpan.Open> open;

  AttemptContext(boolean propagate, Map<Long, CallSpan.Open> open) {
    this.propagate = propagate;
    this.open = open;
  }

  @Override
  public boolean perAttempt() {
    return true;
  }

  @Override
  public CompletableFuture<ChatCompletion> intercept(Chain chain) {
    CallSpan.Open call = open.get(chain.callId());
    if (call != null && chain.attempt() > 1) {
      AttributesBuilder a = Attributes.builder().put(GenAi.ATTEMPT, (long) chain.attempt());
      GenAi.server(a, chain.endpoint());
      String failure = call.lastFailure;
      if (failure != null) {
        a.put(GenAi.ERROR_TYPE, failure);
      }
      java.net.URI before = call.lastEndpoint;
      // an attempt to another URL than the one before is the client's fallback chain moving on
      boolean moved = before != null && !before.equals(chain.endpoint());
      call.span.addEvent(moved ? "kimi.fallback" : "kimi.retry", a.build());
    }
    if (call != null) {
      call.lastEndpoint = chain.endpoint();
    }
    Map<String, String> headers = Map.of();
    if (propagate) {
      Context context = call != null ? Context.root().with(call.span) : Context.current();
      if (Span.fromContext(context).getSpanContext().isValid()) {
        Map<String, String> carrier = new LinkedHashMap<>(2);
        W3CTraceContextPropagator.getInstance().inject(context, carrier, Map::put);
        headers = carrier;
      }
    }
    CompletableFuture<ChatCompletion> f = chain.proceed(chain.request(), headers);
    if (call != null) {
      f.whenComplete(
          (r, e) -> {
            if (e != null) {
              call.lastFailure = CallSpan.unwrap(e).getClass().getName();
            }
          });
    }
    return f;
  }
}
