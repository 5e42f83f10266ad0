package io.github.kimisdk.internal.wire.chat;

import java.util.Set;

/**
 * The top-level request fields {@link ChatCodec} writes itself, apart from the codec so that {@code
 * ChatRequest} can refuse them in {@code extraBody} without depending on the codec, which depends
 * on it.
 */
public final class RequestFields {
  private RequestFields() {}

  // Top-level request fields the encoder writes; extra body fields must not collide with them.
  private static final Set<String> NAMES =
      Set.of(
          "model",
          "messages",
          "max_completion_tokens",
          "temperature",
          "top_p",
          "n",
          "presence_penalty",
          "frequency_penalty",
          "stop",
          "stream",
          "stream_options",
          "response_format",
          "tools",
          "tool_choice",
          "thinking",
          "reasoning_effort",
          "prompt_cache_key",
          "prompt_cache_options",
          "safety_identifier",
          "logprobs",
          "top_logprobs",
          "prediction");

  /**
   * Tells whether {@code name} is a top-level request field the encoder writes itself.
   *
   * @param name a JSON member name
   * @return true for a known request field
   */
  public static boolean contains(String name) {
    return NAMES.contains(name);
  }
}
