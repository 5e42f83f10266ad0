package io.github.kimisdk.chat;

/**
 * How long Kimi keeps a prompt prefix in its cache after a request writes or reads it: sent as
 * {@code "prompt_cache_options":{"mode":"implicit","ttl":"1h"}} on the chat-completions wire. Kimi
 * uses {@link #FIVE_MINUTES} when a request asks for nothing; a hit within the time renews the
 * entry at the cache-hit price. Writes are billed per time to live ({@code
 * io.github.kimisdk.model.Price#cacheWrite(CacheTtl)}): on kimi-k3 five minutes cost the cache-miss
 * price and one hour twice that.
 *
 * <pre>{@code
 * ChatRequest r = ChatRequest.builder("kimi-k3").addUser("Hi").promptCacheTtl(CacheTtl.ONE_HOUR).build();
 * KimiClient kimi = KimiClient.builder().fromEnv().promptCacheTtl(CacheTtl.ONE_HOUR).build();
 * }</pre>
 *
 * <p>The request field is documented by Moonshot's forum, the wire shape inferred from a generated
 * Moonshot client (kimi-api.md, "Changes of 2026-11-25"); one third party could not confirm the
 * one-hour tier.
 */
public enum CacheTtl {
  /** Five minutes, {@code "5m"}: Kimi's default. */
  FIVE_MINUTES("5m"),
  /** One hour, {@code "1h"}. */
  ONE_HOUR("1h");

  private final String wire;

  CacheTtl(String wire) {
    this.wire = wire;
  }

  /**
   * Returns the value as sent in {@code ttl}.
   *
   * @return {@code "5m"} or {@code "1h"}
   */
  public String wireValue() {
    return wire;
  }

  /**
   * Returns the time to live a wire value names.
   *
   * @param value {@code "5m"} or {@code "1h"}
   * @return the time to live
   * @throws IllegalArgumentException if {@code value} is neither
   * @throws NullPointerException if {@code value} is null
   */
  public static CacheTtl ofWireValue(String value) {
    for (CacheTtl t : values()) {
      if (t.wire.equals(value)) {
        return t;
      }
    }
    throw new IllegalArgumentException(
        "a prompt cache time to live is \"5m\" or \"1h\": \"" + value.strip() + "\"");
  }
}
