package io.github.kimisdk.internal.client;

import io.github.kimisdk.Endpoint;
import io.github.kimisdk.RetryPolicy;
import io.github.kimisdk.Timeouts;
import io.github.kimisdk.WireProtocol;
import io.github.kimisdk.internal.http.ApiKey;
import io.github.kimisdk.model.ModelCatalog;
import io.github.kimisdk.model.SamplingPolicy;
import io.github.kimisdk.model.ThinkingFallback;
import io.github.kimisdk.sse.SseLimits;

/**
 * A client's frozen settings for tests of the machinery that reads them (the transport, the error
 * factory): a builder with every required setting filled as a default client has it.
 */
public final class TestConfig {

  private TestConfig() {}

  /**
   * Returns settings of a client on {@code endpoint} with key {@code key}, the rest as a default
   * client has them; change any before building.
   */
  public static ClientConfig.Builder builder(Endpoint endpoint, String key) {
    return ClientConfig.builder()
        .apiKey(ApiKey.of(key))
        .endpoint(endpoint)
        .wireProtocol(WireProtocol.CHAT_COMPLETIONS)
        .timeouts(Timeouts.defaults())
        .userAgent("kimi-sdk-java/test")
        .maxResponseBytes(32L * 1024 * 1024)
        .sseLimits(SseLimits.defaults())
        .retryPolicy(RetryPolicy.defaults())
        .maxJsonDepth(512)
        .samplingPolicy(SamplingPolicy.REFUSE)
        .thinkingFallback(ThinkingFallback.REJECT)
        .modelChecks(true)
        .catalog(ModelCatalog.defaults())
        .maxRequestBytes(-1);
  }
}
