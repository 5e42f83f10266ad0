package io.github.kimisdk.internal.chain;

import io.github.kimisdk.chat.ChatCompletion;
import io.github.kimisdk.internal.credential.Tenant;
import io.github.kimisdk.internal.http.ApiKey;
import io.github.kimisdk.internal.http.AttemptObserver;
import io.github.kimisdk.internal.http.Overrides;
import io.github.kimisdk.internal.limit.ConcurrencyGate;
import io.github.kimisdk.internal.limit.RateLimiter;

/**
 * What one attempt of a call adds to it, below the retrier: its number, whether it is sent on the
 * blocking caller's thread, its target, its request for that target, what it adds to each HTTP
 * request (headers, the key an attempt carries, who hears its refusals), whose account it counts
 * against, and the answer a per-attempt interceptor gave in its place. Made by the retrying layer
 * for each attempt ({@link Retrying}); each layer below refines it, never the call.
 *
 * @param number the attempt number, from 1
 * @param here whether it is sent on the blocking caller's thread
 * @param target its target: 0, the client's own, unless the call fell back
 * @param leg a chat's request for that target, or null for other calls
 * @param overrides its headers, query parameters, key and observers
 * @param tenant whose key it sends, whose limiter and spend it counts against
 * @param answer a per-attempt interceptor's answer, replayed instead of sending; null to send
 * @param permit the room the attempt holds in its target's gate, taken when its route chose a
 *     member of a group; null when the gate grants one as it passes
 * @param rate the permit of its account's rate limiter, once granted ({@link Limiting}); null
 *     before, or without a limiter
 */
public record Attempt(
    int number,
    boolean here,
    int target,
    Leg leg,
    Overrides overrides,
    Tenant tenant,
    ChatCompletion answer,
    ConcurrencyGate.Permit permit,
    RateLimiter.Permit rate) {

  /** Returns this attempt sending {@code key}. */
  Attempt keyed(ApiKey key) {
    return with(overrides.withKey(key), leg, here, answer);
  }

  /** Returns this attempt with {@code observer} hearing it too, after its own observers. */
  Attempt heardBy(AttemptObserver observer) {
    return with(
        overrides.observed(AttemptObserver.both(overrides.observer(), observer)),
        leg,
        here,
        answer);
  }

  /** Returns this attempt holding {@code rate}, which hears its refusals too. */
  Attempt limitedBy(RateLimiter.Permit rate) {
    Attempt a = heardBy(rate);
    return new Attempt(
        a.number, a.here, a.target, a.leg, a.overrides, a.tenant, a.answer, a.permit, rate);
  }

  /** Returns this attempt not sent on the blocking caller's thread (its permit came later). */
  Attempt elsewhere() {
    return here ? with(overrides, leg, false, answer) : this;
  }

  /** Returns this attempt sending {@code changed}'s request, with {@code more} on top. */
  Attempt sending(Leg changed, Overrides more, boolean sameThread) {
    return with(more, changed, here && sameThread, answer);
  }

  /** Returns this attempt replaying {@code given} instead of sending its request. */
  Attempt answered(ChatCompletion given) {
    return with(overrides, leg, here, given);
  }

  private Attempt with(Overrides o, Leg l, boolean onCaller, ChatCompletion a) {
    return new Attempt(number, onCaller, target, l, o, tenant, a, permit, rate);
  }
}
