package io.github.kimisdk.internal.client;

import io.github.kimisdk.CallEvent;
import io.github.kimisdk.chat.ChatCompletion;
import io.github.kimisdk.chat.ChatRequest;
import io.github.kimisdk.internal.http.ApiKey;
import io.github.kimisdk.internal.http.AttemptObserver;
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
    Interception interception) {

  /**
   * What a chat attempt sends: its body, encoded once, on its wire; or, for a stream's attempt that
   * a per-attempt interceptor answered, that answer, replayed as chunks instead of sending. A plain
   * class, not a record: nothing compares or prints it, and the core jar counts its bytes.
   */
  static final class Encoded {
    final byte[] body; // the encoded request
    final Wire wire; // the wire it is sent on
    final ChatCompletion answer; // the interceptor's answer to replay, or null to send body

    Encoded(byte[] body, Wire wire, ChatCompletion answer) {
      this.body = body;
      this.wire = wire;
      this.answer = answer;
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

    /** The call's public interceptors (null: none). */
    Builder intercepted(Interception interception) {
      this.interception = interception;
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
          interception);
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
        interception);
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
        interception);
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
        interception);
  }

  /**
   * Returns attempt {@code n} of this call, sent on the blocking caller's thread when {@code here}.
   */
  Sending attempt(int n, boolean sentHere) {
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
        interception);
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
        interception);
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
        interception);
  }
}
