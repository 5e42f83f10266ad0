/**
 * Targets and routing: each target's machinery, built alike for the client's own and every fallback
 * ({@code TargetParts}: transport, failures' factory, rate limiter, concurrency gate, spend meter,
 * account, health), the fallback chain ({@code Targets}: which target an attempt goes to, what a
 * failure means for where the call goes next, each target's {@code TargetHealth}), a call's {@code
 * Route} through it, and a {@code Host}'s translation of a request at the wire ({@code Dialect}).
 *
 * <p>May touch: {@code internal.limit}, {@code internal.credential}, {@code internal.config},
 * {@code internal.http}; never {@code internal.chain} or {@code internal.client}.
 */
package io.github.kimisdk.internal.route;
