/**
 * Credentials: where each attempt's key comes from ({@code Credential}: a fixed key or a supplier),
 * the rules a key is held to ({@code Keys}), and whose calls a client makes ({@code Tenant}: its
 * credential, spend meter and rate limiter).
 *
 * <p>May touch: {@code internal.limit} and {@code internal.http}; nothing else of {@code internal}.
 */
package io.github.kimisdk.internal.credential;
