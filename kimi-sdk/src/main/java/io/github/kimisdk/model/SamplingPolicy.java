package io.github.kimisdk.model;

/**
 * Says what a client does with a sampling value ({@code temperature}, {@code top_p}, {@code n}, a
 * penalty) that the request's model fixes, such as {@code temperature 0.3} on kimi-k3, which
 * accepts only 1 with thinking on and 0.6 with thinking off. A setting of the client ({@code
 * KimiClient.Builder.samplingPolicy}) and of a call ({@code
 * RequestOptions.Builder.samplingPolicy}), applied by {@link ModelInfo#adapt}.
 */
public enum SamplingPolicy {
  /**
   * The value is sent as set: the client's model check refuses the request before sending, and
   * without that check the server answers 400 (the default).
   */
  REFUSE,
  /**
   * The value is dropped (left to the server, which applies the model's value for the thinking mode
   * the request is sent with; the value that fits that mode is kept), and a temperature above 1 on
   * a model that does not fix it becomes 1; each change is logged at {@code DEBUG} on {@code
   * io.github.kimisdk.sampling}.
   */
  ADAPT
}
