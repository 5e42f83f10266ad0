/**
 * Limits and spend: the client-side rate limiter ({@code RateLimiter}, its counters in-process or
 * in a shared store), a host's concurrency ({@code ConcurrencyGate}, the queue, and {@code
 * ConcurrencyLimit}, the one rule that learns it from the host's refusals), the spend meter ({@code
 * SpendMeter}).
 *
 * <p>May touch: {@code internal.http} (a refusal as the transport reads it) and {@code
 * internal.jfr}; nothing else of {@code internal}.
 */
package io.github.kimisdk.internal.limit;
