package io.github.kimisdk.opentelemetry;

import io.github.kimisdk.CallEvent;
import io.github.kimisdk.CallListener;
import io.github.kimisdk.host.ServedBy;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.common.AttributesBuilder;
import java.util.Locale;
import java.util.Map;

/**
 * The listener that adds each reroute ({@link CallEvent.Rerouted}: a conversation moved off its
 * replica, a stream hedged or continued) to the call's span as a {@value #EVENT} event. A call has
 * one id for its listeners and its interceptors ({@code CallEvent.Call.id()} is {@code
 * KimiInterceptor.Chain.callId()}), so the reroute finds its call's span by that id, whichever
 * thread it is heard on. A hedge or a continuation marks its attempt, so that {@link
 * AttemptContext} does not tell the same attempt again as a fallback or a retry when it runs after
 * the listener, as the client runs them; a conversation moved stands beside its attempt's fallback.
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

  private final Map<Long, CallSpan.Open> open;

  /**
   * @param open the calls in flight by their id, which {@link CallSpan} keeps
   */
  RerouteEvents(Map<Long, CallSpan.Open> open) {
    this.open = open;
  }

  /**
   * Puts {@code from}'s {@code server.address} and {@code server.port} as where a move came from.
   */
  static void fromServer(AttributesBuilder a, ServedBy from) {
    AttributesBuilder server = Attributes.builder();
    GenAi.server(server, from.baseUrl());
    Attributes s = server.build();
    String address = s.get(GenAi.SERVER_ADDRESS);
    if (address != null) {
      a.put(FROM_ADDRESS, address).put(FROM_PORT, s.get(GenAi.SERVER_PORT));
    }
  }

  @Override
  public void onRerouted(CallEvent.Rerouted event) {
    CallSpan.Open call = open.get(event.call().id());
    if (call == null) {
      return; // a call of another client, or one that ended
    }
    if (event.kind() != CallEvent.Reroute.MOVED) {
      // a hedge or a continuation stands for its attempt's retry or fallback event; a conversation
      // moved stands beside them (its member's failure, when one moved it, is the fallback's)
      call.rerouted(event.attempt());
    }
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
      fromServer(a, from);
    }
    if (event.kind() == CallEvent.Reroute.HEDGED && event.after() != null) {
      a.put(AFTER, event.after().toNanos() / 1e9);
    }
    call.span.addEvent(EVENT, a.build());
  }
}
