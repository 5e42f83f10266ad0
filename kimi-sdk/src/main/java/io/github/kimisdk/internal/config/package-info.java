/**
 * A client's settings, frozen at {@code build()}: {@code ClientConfig} (resolved once: who is
 * called and how) and each target's view of them ({@code TargetSettings}: the target's own host,
 * endpoint, wire, key, rate limit, prices and place in the chain, the client's settings for the
 * rest, read from them rather than copied), and the JVM's first TLS context made aside ({@code
 * TlsWarmup}).
 *
 * <p>May touch: {@code internal.credential}, {@code internal.http}, {@code internal.wire}; never
 * the chain, the routing or the client.
 */
package io.github.kimisdk.internal.config;
