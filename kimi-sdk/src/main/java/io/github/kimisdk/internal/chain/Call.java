package io.github.kimisdk.internal.chain;

import io.github.kimisdk.RequestOptions;
import io.github.kimisdk.internal.credential.Tenant;
import io.github.kimisdk.internal.http.Overrides;
import java.util.Map;

/**
 * One call's effective settings: its retrier (the retry policy and whole-call timeout it runs
 * under), what it adds to each HTTP request, the options they came from, and whose call it is.
 *
 * @param retrier the call's retrier
 * @param overrides the call's headers and query parameters
 * @param options the client's and the call's options, merged
 * @param tenant whose key it sends, whose spend and rate limit it counts against
 * @param target the target a call other than a chat goes to: 0, the client's own, but for a check
 *     of a fallback target's host; a chat goes where its retrier routes it, from its own target on
 */
public record Call(
    Retrier retrier, Overrides overrides, RequestOptions options, Tenant tenant, int target) {

  /** Returns this call with {@code trace} hearing its attempts and retries; itself when null. */
  Call observed(CallTrace trace) {
    return trace == null
        ? this
        : new Call(retrier.observed(trace), overrides.observed(trace), options, tenant, target);
  }

  /** Returns this call with {@code headers} added to every request it sends, already checked. */
  Call withHeaders(Map<String, String> headers) {
    return new Call(retrier, overrides.withHeaders(headers), options, tenant, target);
  }
}
