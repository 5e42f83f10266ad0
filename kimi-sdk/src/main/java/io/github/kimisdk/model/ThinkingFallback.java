package io.github.kimisdk.model;

/**
 * Says what a client does when a request's tool choice is {@code required} or a named function
 * while its model thinks, which Kimi rejects ("tool_choice 'required' is incompatible with thinking
 * enabled"). A setting of the client ({@code KimiClient.Builder.thinkingFallback}) and of a call
 * ({@code RequestOptions.Builder.thinkingFallback}), applied by {@link ModelInfo#adapt}.
 *
 * <pre>{@code
 * KimiClient kimi = KimiClient.builder().apiKey(key)
 *     .thinkingFallback(ThinkingFallback.DISABLE_THINKING)
 *     .build(); // a named tool choice on kimi-k2.6 is sent with "thinking": {"type": "disabled"}
 * }</pre>
 */
public enum ThinkingFallback {
  /**
   * Leaves the request as it is: the client's model check refuses it with a message naming both
   * fixes (the default).
   */
  REJECT,
  /**
   * Sends the request with thinking disabled for this turn, keeping the tool choice. Only for
   * models that can switch thinking off; for a model that always thinks the check still refuses.
   */
  DISABLE_THINKING,
  /** Sends the request with tool choice {@code auto}, keeping thinking on. */
  AUTO
}
