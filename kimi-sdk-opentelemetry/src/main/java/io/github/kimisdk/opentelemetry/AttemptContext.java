package io.github.kimisdk.opentelemetry;

import io.github.kimisdk.KimiInterceptor;
import io.github.kimisdk.chat.ChatCompletion;
import io.github.kimisdk.host.ServedBy;
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
 * attempt after the first to the span as an event: {@code kimi.fallback} when it goes to another
 * target of the client's fallback chain than the attempt before ({@link
 * KimiInterceptor.Chain#target()}, so two targets on one URL are told apart), {@code kimi.retry}
 * when it goes to the same one, each naming the URL it goes to and the failure before it (a
 * fallback also names the target it failed on, as {@code kimi.rerouted} does); an attempt told as a
 * reroute ({@link RerouteEvents}) has its {@code kimi.rerouted} event instead. W3C's propagator is
 * used whatever propagators the application configured, so that the header is the one a GenAI
 * server reads; baggage is never sent.
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
    if (call != null) {
      ServedBy target = chain.target();
      ServedBy before = call.lastTarget;
      // an attempt the listener told as a reroute (RerouteEvents, heard before the attempt is
      // sent) has its kimi.rerouted event: no kimi.fallback or kimi.retry beside it
      if (chain.attempt() > 1 && !call.wasRerouted(chain.attempt())) {
        boolean moved = before != null && before.target() != target.target();
        AttributesBuilder a = Attributes.builder().put(GenAi.ATTEMPT, (long) chain.attempt());
        GenAi.server(a, chain.endpoint());
        if (moved) {
          a.put(GenAi.TARGET, (long) target.target()).put(GenAi.TARGET_HOST, target.host());
          // the target whose attempt failed, as a reroute names where it came from
          a.put(RerouteEvents.FROM_TARGET, (long) before.target())
              .put(RerouteEvents.FROM_HOST, before.host());
          RerouteEvents.fromServer(a, before);
        }
        String failure = call.lastFailure;
        if (failure != null) {
          a.put(GenAi.ERROR_TYPE, failure);
        }
        int status = call.lastStatus;
        if (status > 0) {
          a.put(GenAi.HTTP_STATUS, (long) status);
        }
        call.span.addEvent(moved ? "kimi.fallback" : "kimi.retry", a.build());
      }
      call.lastTarget = target;
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
    if (call == null) {
      return f;
    }
    // the attempt's outcome is noted before it passes up, so the next attempt finds it
    return CallSpan.after(
        f,
        (r, e) -> {
          if (e != null) {
            Throwable t = CallSpan.unwrap(e);
            call.lastFailure = GenAi.errorType(t);
            call.lastStatus = GenAi.status(t);
          }
        });
  }
}
