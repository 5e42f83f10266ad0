/**
 * The call's chain: what a call is ({@code CallSpec}, decided once at the top), what each attempt
 * adds ({@code Attempt}: its number, target, its request for that target as a {@code Leg}, its
 * overrides and account), and the layers every call passes, each built with the parts it uses:
 * {@code Observing} (listeners, found once per call by {@code Listening}) -> {@code Spending} (the
 * meter of the target that served, read from the reply's metadata) -> {@code Retrying} (makes each
 * attempt; {@code Retrier} with the call's {@code RetryState} judges each failure, {@code
 * StreamingCall} runs a stream's attempts) -> {@code Gating} (the target's concurrency gate) ->
 * {@code Limiting} (the account's rate limiter) -> {@code Authenticating} (the attempt's key) ->
 * the transport. A chat call with public interceptors takes {@code Intercepting} first and again
 * just below {@code Retrying} ({@code InterceptedStream}, {@code Interception}, {@code Replay}).
 * {@code InFlight} is what the client's close ends.
 *
 * <p>Data goes down the chain and answers come back up it: no layer writes a field another reads
 * from above (which target served comes back as the reply's metadata). May touch: {@code
 * internal.route}, {@code internal.limit}, {@code internal.credential}, {@code internal.config},
 * {@code internal.http}, {@code internal.wire}; never {@code internal.client}.
 */
package io.github.kimisdk.internal.chain;
