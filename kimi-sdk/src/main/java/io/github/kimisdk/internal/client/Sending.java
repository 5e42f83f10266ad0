package io.github.kimisdk.internal.client;

import io.github.kimisdk.CallEvent;
import io.github.kimisdk.chat.ChatCompletion;
import io.github.kimisdk.chat.ChatRequest;
import io.github.kimisdk.internal.http.ApiKey;
import io.github.kimisdk.internal.http.AttemptObserver;
import io.github.kimisdk.internal.http.HttpTransport;
import io.github.kimisdk.internal.http.Overrides;
import io.github.kimisdk.internal.wire.Wire;
import java.util.Map;

/**
 * What one call sends, as every {@link Interceptor} sees it: built by the call shape (its body is
 * already encoded, in the shape's transport step), then refined on its way down the chain (its
 * trace once heard, its attempt below the retrier).
 *
 * @param operation the kind of call
 * @param model the model asked for, or null
 * @param path the path below the base URL
 * @param charge the rate limiter's token charge (0 for calls other than chat)
 * @param slot whether the call takes a concurrency slot of the rate limiter
 * @param spends whether the answer's usage is counted by the client's spend meter (chat)
 * @param estimate the prompt tokens the rate limiter estimated, or null
 * @param request a chat's request as sent, or null
 * @param call the call's retrier, HTTP overrides and options
 * @param trace the call's listeners, or null before they were found or when nobody listens
 * @param blocking whether the thread that started the call waits for it anyway
 * @param attempt 0 for the call; from 1, the attempt below the retrier
 * @param here whether the attempt is sent on the blocking caller's thread
 * @param encoded a chat's body and wire (or an interceptor's answer to replay), or null
 * @param interception the call's public interceptors, or null when it has none
 * @param route the course of a call of a client with fallback targets, which its retrier keeps (the
 *     target of its current attempt, read by the spend above it); null for other calls
 * @param target below the retrier, the attempt's target: 0, the client's own, unless the call fell
 *     back
 */
record Sending(
    CallEvent.Operation operation,
    String model,
    String path,
    long charge,
    boolean slot,
    boolean spends,
    Long estimate,
    ChatRequest request,
    Call call,
    CallTrace trace,
    boolean blocking,
    int attempt,
    boolean here,
    Encoded encoded,
    Interception interception,
    RetryState route,
    int target) {

  /**
   * What a chat attempt sends: its body, encoded once, on its wire; or, for a stream's attempt that
   * a per-attempt interceptor answered, that answer, replayed as chunks instead of sending. A plain
   * class, not a record: nothing compares or prints it, and the core jar counts its bytes.
   */
  static final class Encoded {
    final byte[] body; // the encoded request
    final Wire wire; // the wire it is sent on
    final ChatCompletion answer; // the interceptor's answer to replay, or null to send body
    final ChatRequest sent; // what a fallback target is sent, in its host's form; null: request()
    final HttpTransport transport; // a fallback target's transport; null for the client's own

    Encoded(byte[] body, Wire wire, ChatCompletion answer) {
      this(body, wire, answer, null, null);
    }

    Encoded(
        byte[] body, Wire wire, ChatCompletion answer, ChatRequest sent, HttpTransport transport) {
      this.body = body;
      this.wire = wire;
      this.answer = answer;
      this.sent = sent;
      this.transport = transport;
    }
  }

  /**
   * Starts the description of a call, by name: what is not set is absent (no model, no charge, no
   * slot, no spending, no estimate, no request, not blocking).
   *
   * @param operation the kind of call
   * @param path the path below the base URL
   * @param call the call's retrier, HTTP overrides and options
   * @return the builder
   */
  static Builder describe(CallEvent.Operation operation, String path, Call call) {
    return new Builder(operation, path, call);
  }

  /** Names each part of a call's description; {@link #build()} gives it, with no trace yet. */
  static final class Builder {
    private final CallEvent.Operation operation;
    private final String path;
    private final Call call;
    private String model;
    private long charge;
    private boolean slot;
    private boolean spends;
    private Long estimate;
    private ChatRequest request;
    private boolean blocking;
    private Encoded encoded;
    private Interception interception;
    private RetryState route;

    private Builder(CallEvent.Operation operation, String path, Call call) {
      this.operation = operation;
      this.path = path;
      this.call = call;
    }

    Builder model(String model) {
      this.model = model;
      return this;
    }

    /** The rate limiter's token charge, and the prompt tokens it estimated (or null). */
    Builder charge(long charge, Long estimate) {
      this.charge = charge;
      this.estimate = estimate;
      return this;
    }

    /** The call takes a concurrency slot of the rate limiter. */
    Builder takesSlot() {
      this.slot = true;
      return this;
    }

    /** A chat: its request as sent, whose answer's usage the spend meter counts. */
    Builder chat(ChatRequest request) {
      this.request = request;
      this.spends = true;
      return this;
    }

    Builder blocking(boolean blocking) {
      this.blocking = blocking;
      return this;
    }

    /** A chat's body, encoded once, and the wire it goes on. */
    Builder encoded(byte[] body, Wire wire) {
      this.encoded = new Encoded(body, wire, null);
      return this;
    }

    /**
     * A chat's body, encoded once from {@code sent}, its request in the host's form (null: the
     * request as described), and the wire it goes on.
     */
    Builder encoded(byte[] body, Wire wire, ChatRequest sent) {
      this.encoded = new Encoded(body, wire, null, sent, null);
      return this;
    }

    /** The call's public interceptors (null: none). */
    Builder intercepted(Interception interception) {
      this.interception = interception;
      return this;
    }

    /** A call that may fall back: its retrier keeps its course in {@code route}. */
    Builder route(RetryState route) {
      this.route = route;
      return this;
    }

    Sending build() {
      return new Sending(
          operation,
          model,
          path,
          charge,
          slot,
          spends,
          estimate,
          request,
          call,
          null,
          blocking,
          0,
          false,
          encoded,
          interception,
          route,
          0);
    }
  }

  /** Returns this call heard by {@code trace} (null: nobody listens), with {@code call}. */
  Sending heard(Call heardCall, CallTrace heardBy) {
    return new Sending(
        operation,
        model,
        path,
        charge,
        slot,
        spends,
        estimate,
        request,
        heardCall,
        heardBy,
        blocking,
        attempt,
        here,
        encoded,
        interception,
        route,
        target);
  }

  /** Returns this attempt sending {@code key}, its call's overrides carrying it. */
  Sending keyed(ApiKey key) {
    Call keyedCall =
        new Call(call.retrier(), call.overrides().withKey(key), call.options(), call.tenant());
    return new Sending(
        operation,
        model,
        path,
        charge,
        slot,
        spends,
        estimate,
        request,
        keyedCall,
        trace,
        blocking,
        attempt,
        here,
        encoded,
        interception,
        route,
        target);
  }

  /** Returns this attempt with {@code observer} hearing it too, after the call's own observer. */
  Sending heardBy(AttemptObserver observer) {
    Overrides o = call.overrides();
    Call heardCall =
        new Call(
            call.retrier(),
            o.observed(AttemptObserver.both(o.observer(), observer)),
            call.options(),
            call.tenant());
    return new Sending(
        operation,
        model,
        path,
        charge,
        slot,
        spends,
        estimate,
        request,
        heardCall,
        trace,
        blocking,
        attempt,
        here,
        encoded,
        interception,
        route,
        target);
  }

  /**
   * Returns attempt {@code n} of this call, sent on the blocking caller's thread when {@code here}.
   */
  Sending attempt(int n, boolean sentHere) {
    return attempt(n, sentHere, target);
  }

  /**
   * Returns this call or attempt sending {@code fresh}'s request (as {@code ChatCalls} prepared it
   * again after an interceptor changed it: its model, charge, estimate, body and wire), with {@code
   * headers} added to every attempt it makes, on the calling thread's terms: {@code blocking} and
   * {@code here} only when the thread that started it sends it.
   */
  Sending rewritten(Sending fresh, Map<String, String> headers, boolean sameThread) {
    Call c = headers.isEmpty() ? call : call.withHeaders(headers);
    return new Sending(
        operation,
        fresh.model,
        fresh.path,
        fresh.charge,
        slot,
        spends,
        fresh.estimate,
        fresh.request,
        c,
        trace,
        blocking && sameThread,
        attempt,
        here && sameThread,
        fresh.encoded,
        interception,
        route,
        target);
  }

  /** Returns this attempt replaying {@code answer} instead of sending its request. */
  Sending answered(ChatCompletion answer) {
    Encoded e = new Encoded(encoded.body, encoded.wire, answer);
    return new Sending(
        operation,
        model,
        path,
        charge,
        slot,
        spends,
        estimate,
        request,
        call,
        trace,
        blocking,
        attempt,
        here,
        e,
        interception,
        route,
        target);
  }

  /** Returns attempt {@code n} of this call, sent to target {@code to}. */
  Sending attempt(int n, boolean sentHere, int to) {
    return new Sending(
        operation,
        model,
        path,
        charge,
        slot,
        spends,
        estimate,
        request,
        call,
        trace,
        blocking,
        n,
        sentHere,
        encoded,
        interception,
        route,
        to);
  }

  /**
   * Returns this attempt as fallback target {@code core}'s account sends it: that target's tenant
   * (its key, its rate limiter, its meter), the charge of its rate limiter and its leg (the request
   * in its host's form, encoded for its wire, and its transport); the call's retrier, headers and
   * options.
   */
  Sending routed(Tenant tenant, long targetCharge, Encoded leg) {
    Call routedCall = new Call(call.retrier(), call.overrides(), call.options(), tenant);
    return new Sending(
        operation,
        model,
        path,
        targetCharge,
        slot,
        spends,
        estimate,
        request,
        routedCall,
        trace,
        blocking,
        attempt,
        here,
        leg,
        interception,
        route,
        target);
  }
}
