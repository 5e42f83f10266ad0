package io.github.kimisdk.opentelemetry;

import io.github.kimisdk.CallEvent;
import io.github.kimisdk.CallListener;
import io.github.kimisdk.ServedBy;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.common.AttributesBuilder;
import io.opentelemetry.api.trace.Span;
import java.util.Locale;
import java.util.Map;

/**
 * The listener that adds each reroute ({@link CallEvent.Rerouted}: a conversation moved off its
 * replica, a stream hedged or continued) to the call's span as a {@value #EVENT} event. A
 * listener's call is not an interceptor's (their ids differ), so the two are joined where the
 * listener first hears the call while {@link CallSpan}'s span is current: attempt 1's {@link
 * #onRequest}, on the thread that starts the call inside that span, or a reroute heard there; the
 * join is kept on the span's {@link CallSpan.Open} and dropped when the call ends or the span does.
 * A reroute of a call never joined (its first attempt waited on the rate limiter's timer) is not
 * told. The event marks its attempt, so that {@link AttemptContext} does not tell the same attempt
 * again as a fallback or a retry when it runs after the listener, as the client runs them.
 */
final class RerouteEvents implements CallListener {

  /** The event's name: {@value}, beside {@code kimi.retry} and {@code kimi.fallback}. */
  static final String EVENT = "kimi.rerouted";

  /** Why: {@code moved}, {@code hedged} or {@code continued}. */
  static final AttributeKey<String> KIND = AttributeKey.stringKey("kimi.reroute");

  /** The place in the chain of the target the call was on, or would have gone to. */
  static final AttributeKey<Long> FROM_TARGET = AttributeKey.longKey("kimi.reroute.from.target");

  /** That target's host's name. */
  static final AttributeKey<String> FROM_HOST =
      AttributeKey.stringKey("kimi.reroute.from.target.host");

  /** That target's {@code server.address}. */
  static final AttributeKey<String> FROM_ADDRESS =
      AttributeKey.stringKey("kimi.reroute.from.server.address");

  /** That target's {@code server.port}. */
  static final AttributeKey<Long> FROM_PORT = AttributeKey.longKey("kimi.reroute.from.server.port");

  /** How long a hedged stream waited for text, in seconds, as the conventions give durations. */
  static final AttributeKey<Double> AFTER = AttributeKey.doubleKey("kimi.reroute.after");

  private final Map<Span, CallSpan.Open> spans;
  private final Map<Long, CallSpan.Open> calls;

  /**
   * @param spans the open calls by their span, which {@link CallSpan} keeps
   * @param calls the open calls by the listener's call id, joined here and dropped by both
   */
  RerouteEvents(Map<Span, CallSpan.Open> spans, Map<Long, CallSpan.Open> calls) {
    this.spans = spans;
    this.calls = calls;
  }

  @Override
  public void onRequest(CallEvent.Request event) {
    if (event.attempt() == 1) {
      join(event.call().id());
    }
  }

  @Override
  public void onRerouted(CallEvent.Rerouted event) {
    long id = event.call().id();
    CallSpan.Open call = calls.get(id);
    if (call == null) {
      call = join(id);
      if (call == null) {
        return;
      }
    }
    call.rerouted(event.attempt());
    AttributesBuilder a =
        Attributes.builder()
            .put(KIND, event.kind().name().toLowerCase(Locale.ROOT))
            .put(GenAi.ATTEMPT, (long) event.attempt());
    ServedBy to = event.to();
    a.put(GenAi.TARGET, (long) to.target()).put(GenAi.TARGET_HOST, to.host());
    GenAi.server(a, to.baseUrl());
    ServedBy from = event.from();
    if (from != null) {
      a.put(FROM_TARGET, (long) from.target()).put(FROM_HOST, from.host());
      AttributesBuilder server = Attributes.builder();
      GenAi.server(server, from.baseUrl());
      Attributes s = server.build();
      String address = s.get(GenAi.SERVER_ADDRESS);
      if (address != null) {
        a.put(FROM_ADDRESS, address).put(FROM_PORT, s.get(GenAi.SERVER_PORT));
      }
    }
    if (event.kind() == CallEvent.Reroute.HEDGED && event.after() != null) {
      a.put(AFTER, event.after().toNanos() / 1e9);
    }
    call.span.addEvent(EVENT, a.build());
  }

  @Override
  public void onEnd(CallEvent.End event) {
    calls.remove(event.call().id());
  }

  @Override
  public void onFailure(CallEvent.Failure event) {
    calls.remove(event.call().id());
  }

  /** The calls joined now; for tests. */
  int joined() {
    return calls.size();
  }

  /**
   * Joins call {@code id} to the span current on this thread, if it is one of {@link CallSpan}'s.
   */
  private CallSpan.Open join(long id) {
    CallSpan.Open call = spans.get(Span.current());
    if (call != null) {
      call.listenerId = id;
      calls.put(id, call);
    }
    return call;
  }
}
