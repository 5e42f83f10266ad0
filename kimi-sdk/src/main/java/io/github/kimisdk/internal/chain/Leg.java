package io.github.kimisdk.internal.chain;

import io.github.kimisdk.chat.ChatRequest;
import io.github.kimisdk.internal.http.HttpTransport;
import io.github.kimisdk.internal.wire.Wire;

/**
 * A chat request ready for one target: in its host's form, encoded once for its wire (a repeatable
 * body, so a retry resends the same bytes), with the transport that sends it and what the target's
 * rate limiter charges for it. Every target's leg, the client's own included, is made in one place
 * ({@link ChatCalls}, through the call's {@link Legs}). A plain class, not a record: nothing
 * compares or prints it, and the core jar counts its bytes.
 */
public final class Leg {

  public final byte[] body; // the encoded request
  public final Wire wire; // the wire it is sent on
  public final ChatRequest sent; // the request in the host's form, as encoded
  public final HttpTransport transport; // the target's
  final long charge; // what the target's rate limiter charges, 0 for none
  final Long estimate; // the prompt tokens that limiter estimated, or null

  public Leg(
      byte[] body,
      Wire wire,
      ChatRequest sent,
      HttpTransport transport,
      long charge,
      Long estimate) {
    this.body = body;
    this.wire = wire;
    this.sent = sent;
    this.transport = transport;
    this.charge = charge;
    this.estimate = estimate;
  }

  /** A chat call's request at each of its targets, made once per target when first needed. */
  public interface Legs {
    /**
     * Returns {@code request} as target {@code t} is sent it: the call's own request's leg, made at
     * its first use, or a request an interceptor changed, made afresh.
     *
     * @param t the target, 0 for the client's own
     * @param request the attempt's request, in Kimi's form
     * @return the leg
     * @throws RuntimeException if that target's model refuses the request
     */
    Leg leg(int t, ChatRequest request);
  }
}
