package io.github.kimisdk.chat;

import io.github.kimisdk.json.JsonObject;

/**
 * Counts the tokens of one call. Kimi reports usage in the finishing choice of a stream, at the top
 * level of a non-stream response, and (with {@code include_usage}) in a trailing stream chunk.
 *
 * @param promptTokens tokens of the request, 0 when absent
 * @param completionTokens tokens of the reply, reasoning included, 0 when absent
 * @param totalTokens prompt plus completion tokens, 0 when absent
 * @param cachedTokens prompt tokens served from Kimi's prefix cache (Kimi's top-level {@code
 *     cached_tokens}, else OpenAI-style {@code prompt_tokens_details.cached_tokens}); null when the
 *     server did not say
 * @param reasoningTokens completion tokens spent on reasoning ({@code
 *     completion_tokens_details.reasoning_tokens}); null when the server did not say
 * @param additionalFields the members the server sent that this record does not model, as they
 *     came; empty, never null
 */
public record Usage(
    int promptTokens,
    int completionTokens,
    int totalTokens,
    Integer cachedTokens,
    Integer reasoningTokens,
    JsonObject additionalFields) {

  /**
   * Replaces null additional fields with none.
   *
   * @param promptTokens tokens of the request, 0 when absent
   * @param completionTokens tokens of the reply, reasoning included, 0 when absent
   * @param totalTokens prompt plus completion tokens, 0 when absent
   * @param cachedTokens prompt tokens served from Kimi's prefix cache; null when absent
   * @param reasoningTokens completion tokens spent on reasoning; null when absent
   * @param additionalFields the members the server sent that this record does not model; null is
   *     empty
   */
  public Usage {
    additionalFields = additionalFields == null ? JsonObject.of() : additionalFields;
  }

  /**
   * Creates a usage without additional fields.
   *
   * @param promptTokens tokens of the request, 0 when absent
   * @param completionTokens tokens of the reply, reasoning included, 0 when absent
   * @param totalTokens prompt plus completion tokens, 0 when absent
   * @param cachedTokens prompt tokens served from Kimi's prefix cache; null when absent
   * @param reasoningTokens completion tokens spent on reasoning; null when absent
   */
  public Usage(
      int promptTokens,
      int completionTokens,
      int totalTokens,
      Integer cachedTokens,
      Integer reasoningTokens) {
    this(promptTokens, completionTokens, totalTokens, cachedTokens, reasoningTokens, null);
  }

  /**
   * Creates a usage without cache or reasoning details.
   *
   * @param promptTokens tokens of the request
   * @param completionTokens tokens of the reply
   * @param totalTokens prompt plus completion tokens
   * @return the usage
   */
  public static Usage of(int promptTokens, int completionTokens, int totalTokens) {
    return new Usage(promptTokens, completionTokens, totalTokens, null, null);
  }

  /**
   * Returns the sum of this usage and {@code other}, for totals across several calls. A detail that
   * is null on both sides stays null; additional fields are not kept, since they cannot be summed.
   *
   * @param other the usage to add; null adds nothing
   * @return the sum
   */
  public Usage plus(Usage other) {
    if (other == null) {
      return this;
    }
    return new Usage(
        promptTokens + other.promptTokens,
        completionTokens + other.completionTokens,
        totalTokens + other.totalTokens,
        sum(cachedTokens, other.cachedTokens),
        sum(reasoningTokens, other.reasoningTokens));
  }

  private static Integer sum(Integer a, Integer b) {
    if (a == null) {
      return b;
    }
    return b == null ? a : a + b;
  }
}
