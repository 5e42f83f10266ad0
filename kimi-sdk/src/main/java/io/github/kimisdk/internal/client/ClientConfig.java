package io.github.kimisdk.internal.client;

import io.github.kimisdk.CallListener;
import io.github.kimisdk.Endpoint;
import io.github.kimisdk.RateLimit;
import io.github.kimisdk.RetryPolicy;
import io.github.kimisdk.Timeouts;
import io.github.kimisdk.WireProtocol;
import io.github.kimisdk.model.ModelCatalog;
import io.github.kimisdk.model.PriceTable;
import io.github.kimisdk.model.SamplingPolicy;
import io.github.kimisdk.model.ThinkingFallback;
import io.github.kimisdk.sse.SseLimits;
import io.github.kimisdk.token.ContextBudget;
import java.net.http.HttpClient;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executor;

/**
 * What {@code KimiClient.Builder} gathered, checked, for {@link ClientCore#start}. Nullable
 * components are the settings left unset: {@code httpClient}, {@code executor}, {@code preflight},
 * {@code scheduler}, {@code httpVersion}, {@code logger}, {@code rateLimit}, {@code prices}.
 *
 * @param apiKey the key
 * @param endpoint the endpoint, already moved to the protocol's surface
 * @param wireProtocol the chat wire protocol
 * @param httpClient the caller's HTTP client, or null for one the client builds
 * @param executor the caller's executor, or null
 * @param timeouts the timeouts
 * @param userAgent the User-Agent header
 * @param headers the headers of every request
 * @param maxResponseBytes the largest non-streamed body accepted
 * @param sseLimits the limits of event streams
 * @param preflight the preflight budget, or null
 * @param retryPolicy the retry policy
 * @param scheduler the clock and delayer of retries (tests), or null for the real one
 * @param httpVersion the HTTP version to force, or null
 * @param maxJsonDepth the nesting limit of decoded responses
 * @param logger the logger, or null for {@code io.github.kimisdk.http}
 * @param logMessageContents whether bodies are logged
 * @param rateLimit the client-side limits, or null
 * @param samplingPolicy what to do with sampling values the model fixes
 * @param thinkingFallback what to do with a tool choice rejected while thinking
 * @param modelChecks whether the model's rules are checked before sending
 * @param catalog the models
 * @param maxRequestBytes the request size limit; 0 none, -1 Kimi Code's on Kimi Code
 * @param prices the price table, or null for the endpoint's default
 * @param listeners the listeners of every call, in the order they were added
 */
public record ClientConfig(
    String apiKey,
    Endpoint endpoint,
    WireProtocol wireProtocol,
    HttpClient httpClient,
    Executor executor,
    Timeouts timeouts,
    String userAgent,
    Map<String, String> headers,
    long maxResponseBytes,
    SseLimits sseLimits,
    ContextBudget preflight,
    RetryPolicy retryPolicy,
    Scheduler scheduler,
    HttpClient.Version httpVersion,
    int maxJsonDepth,
    System.Logger logger,
    boolean logMessageContents,
    RateLimit rateLimit,
    SamplingPolicy samplingPolicy,
    ThinkingFallback thinkingFallback,
    boolean modelChecks,
    ModelCatalog catalog,
    long maxRequestBytes,
    PriceTable prices,
    List<CallListener> listeners) {

  /** Copies the headers, keeping their order, and the listeners. */
  public ClientConfig {
    headers = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(headers));
    listeners = List.copyOf(listeners);
  }

  /** Never prints the key. */
  @Override
  public String toString() {
    return "ClientConfig[endpoint=" + endpoint + ", apiKey=***]";
  }
}
