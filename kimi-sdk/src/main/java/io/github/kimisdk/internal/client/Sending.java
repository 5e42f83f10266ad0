package io.github.kimisdk.internal.client;

import io.github.kimisdk.CallEvent;
import io.github.kimisdk.chat.ChatRequest;
import io.github.kimisdk.internal.http.ApiKey;
import io.github.kimisdk.internal.http.AttemptObserver;
import io.github.kimisdk.internal.http.Overrides;

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
    RetryState route,
    int target) {

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

    /** A call that may fall back: its retrier keeps its course in {@code route}. */
    Builder route(RetryState route) {
      this.route = route;
      return this;
    }

    Sending build() {
      return new Sending(
          operation, model, path, charge, slot, spends, estimate, request, call, null, blocking, 0,
          false, route, 0);
    }
  }

  /** Returns this call heard by {@code trace} (null: nobody listens), with {@code call}. */
  Sending heard(Call heardCall, CallTrace heardBy) {
    return new Sending(
        operation, model, path, charge, slot, spends, estimate, request, heardCall, heardBy,
        blocking, attempt, here, route, target);
  }

  /** Returns this attempt sending {@code key}, its call's overrides carrying it. */
  Sending keyed(ApiKey key) {
    Call keyedCall =
        new Call(call.retrier(), call.overrides().withKey(key), call.options(), call.tenant());
    return new Sending(
        operation, model, path, charge, slot, spends, estimate, request, keyedCall, trace, blocking,
        attempt, here, route, target);
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
        operation, model, path, charge, slot, spends, estimate, request, heardCall, trace, blocking,
        attempt, here, route, target);
  }

  /**
   * Returns attempt {@code n} of this call, sent on the blocking caller's thread when {@code here}.
   */
  Sending attempt(int n, boolean sentHere) {
    return new Sending(
        operation, model, path, charge, slot, spends, estimate, request, call, trace, blocking, n,
        sentHere, route, target);
  }

  /** Returns attempt {@code n} of this call, sent to target {@code to}. */
  Sending attempt(int n, boolean sentHere, int to) {
    return new Sending(
        operation, model, path, charge, slot, spends, estimate, request, call, trace, blocking, n,
        sentHere, route, to);
  }

  /**
   * Returns this attempt as its target's account sends it: that target's tenant (its key, its rate
   * limiter, its meter) and the charge of its rate limiter, the call's retrier, headers and
   * options.
   */
  Sending routed(Tenant tenant, long targetCharge) {
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
        route,
        target);
  }
}
