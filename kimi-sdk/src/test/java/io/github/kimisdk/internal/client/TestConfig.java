package io.github.kimisdk.internal.client;

import io.github.kimisdk.Endpoint;
import io.github.kimisdk.WireProtocol;
import io.github.kimisdk.internal.config.ClientConfig;
import io.github.kimisdk.internal.http.ApiKey;

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
    return ClientConfig.defaults()
        .apiKey(ApiKey.of(key))
        .endpoint(endpoint)
        .wireProtocol(WireProtocol.CHAT_COMPLETIONS)
        .userAgent("kimi-sdk-java/test");
  }
}
