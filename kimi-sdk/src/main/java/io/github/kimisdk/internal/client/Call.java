package io.github.kimisdk.internal.client;

import io.github.kimisdk.RequestOptions;
import io.github.kimisdk.internal.http.Overrides;

/**
 * One call's effective settings: its retrier (the retry policy and whole-call timeout it runs
 * under), what it adds to each HTTP request, and the options they came from.
 *
 * @param retrier the call's retrier
 * @param overrides the call's headers and query parameters
 * @param options the client's and the call's options, merged
 */
public record Call(Retrier retrier, Overrides overrides, RequestOptions options) {

  /** Returns this call with {@code trace} hearing its attempts and retries; itself when null. */
  Call observed(CallTrace trace) {
    return trace == null
        ? this
        : new Call(retrier.observed(trace), overrides.observed(trace), options);
  }
}
