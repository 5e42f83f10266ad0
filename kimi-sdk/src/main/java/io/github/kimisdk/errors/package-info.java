/**
 * Every failure the SDK reports: the sealed, unchecked {@link
 * io.github.kimisdk.errors.KimiException} family. A call fails with one, and an async call
 * completes exceptionally with one; Kimi's own errors are {@link
 * io.github.kimisdk.errors.ApiException}s, classified by Kimi's {@code error.type} first and the
 * HTTP status second.
 *
 * <pre>{@code
 * try {
 *   kimi.chat(request);
 * } catch (RateLimitException e) {
 *   Duration wait = e.retryAfter().orElse(Duration.ofSeconds(1));
 * } catch (KimiException e) {
 *   log.log(ERROR, "Kimi call failed, request id " + e.requestId().orElse("none"), e);
 * }
 * }</pre>
 *
 * <p>The exceptions are built by the SDK only (their constructors are not public, but for the few
 * that code outside the SDK has a reason to throw); messages never contain the API key.
 */
package io.github.kimisdk.errors;
