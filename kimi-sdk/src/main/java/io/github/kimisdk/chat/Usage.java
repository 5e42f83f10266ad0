package io.github.kimisdk.chat;

import io.github.kimisdk.base.text.RecordText;
import io.github.kimisdk.json.JsonObject;

/**
 * Counts the tokens of one call. Kimi reports usage in the finishing choice of a stream, at the top
 * level of a non-stream response, and (with {@code include_usage}) in a trailing stream chunk.
 *
 * <p>The prompt tokens <em>include</em> the cached ones: {@link #cachedTokens()} is the part of
 * {@link #promptTokens()} that Kimi's prefix cache served (billed at the cache-hit price), and
 * {@link #uncachedPromptTokens()} the rest. Kimi spells the cached count two ways, its own
 * top-level {@code cached_tokens} and OpenAI's {@code prompt_tokens_details.cached_tokens}, and
 * sends either or both; the Anthropic-style surface reports {@code cache_read_input_tokens} beside
 * an {@code input_tokens} that leaves them out. Each is read into the same two numbers, so {@link
 * #cacheHitRatio()} is right whichever arrived. A cost follows with {@code
 * io.github.kimisdk.model.Price#cost(Usage, CacheTtl)}.
 *
 * <p>Kimi bills the prompt tokens a request writes to its cache ({@link #cacheWriteTokens()}), a
 * part of {@link #promptTokens()} as the cached ones are. Which member reports them is not
 * documented: the SDK reads {@code prompt_tokens_details.cache_write_tokens}, else {@code
 * cache_creation_input_tokens} (the Anthropic-style surface's spelling, which gateways use on chat
 * completions too), never adding one to the other; any other member stays in {@link
 * #additionalFields()}.
 *
 * @param promptTokens tokens of the request, cached ones included; 0 when absent
 * @param completionTokens tokens of the reply, reasoning included, 0 when absent
 * @param totalTokens prompt plus completion tokens, 0 when absent
 * @param cachedTokens the prompt tokens served from Kimi's prefix cache (Kimi's top-level {@code
 *     cached_tokens}, else OpenAI-style {@code prompt_tokens_details.cached_tokens}, or the
 *     Anthropic-style {@code cache_read_input_tokens}); null when the server did not say, which
 *     Kimi does when nothing was cached
 * @param reasoningTokens completion tokens spent on reasoning ({@code
 *     completion_tokens_details.reasoning_tokens}); null when the server did not say
 * @param additionalFields the members the server sent that this record does not model, as they
 *     came; empty, never null
 * @param cacheWriteTokens the prompt tokens written to Kimi's prefix cache, billed at the
 *     cache-write price of the request's time to live ({@code
 *     prompt_tokens_details.cache_write_tokens}, else {@code cache_creation_input_tokens}); null
 *     when the server did not say
 */
public record Usage(
    int promptTokens,
    int completionTokens,
    int totalTokens,
    Integer cachedTokens,
    Integer reasoningTokens,
    JsonObject additionalFields,
    Integer cacheWriteTokens) {

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
   * @param cacheWriteTokens prompt tokens written to Kimi's prefix cache; null when absent
   */
  public Usage {
    additionalFields = additionalFields == null ? JsonObject.of() : additionalFields;
  }

  /**
   * Creates a usage without a cache-write count.
   *
   * @param promptTokens tokens of the request, 0 when absent
   * @param completionTokens tokens of the reply, reasoning included, 0 when absent
   * @param totalTokens prompt plus completion tokens, 0 when absent
   * @param cachedTokens prompt tokens served from Kimi's prefix cache; null when absent
   * @param reasoningTokens completion tokens spent on reasoning; null when absent
   * @param additionalFields the members the server sent that this record does not model; null is
   *     empty
   */
  public Usage(
      int promptTokens,
      int completionTokens,
      int totalTokens,
      Integer cachedTokens,
      Integer reasoningTokens,
      JsonObject additionalFields) {
    this(
        promptTokens,
        completionTokens,
        totalTokens,
        cachedTokens,
        reasoningTokens,
        additionalFields,
        null);
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
    this(promptTokens, completionTokens, totalTokens, cachedTokens, reasoningTokens, null, null);
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
   * Returns the prompt tokens that missed Kimi's prefix cache: the prompt tokens less the cached
   * ones, which they include. The tokens written to the cache are among them.
   *
   * @return {@code promptTokens - cachedTokens}, never negative; all prompt tokens when the cached
   *     count is absent
   */
  public int uncachedPromptTokens() {
    int cached = cachedTokens == null ? 0 : Math.max(0, cachedTokens);
    return Math.max(0, promptTokens - cached);
  }

  /**
   * Returns the share of the prompt served from Kimi's prefix cache, for example 0.92 on the second
   * turn of a conversation whose history was sent again unchanged.
   *
   * @return {@code cachedTokens / promptTokens}, from 0 to 1; 0 when there were no prompt tokens or
   *     the cached count is absent
   */
  public double cacheHitRatio() {
    if (promptTokens <= 0 || cachedTokens == null || cachedTokens <= 0) {
      return 0;
    }
    return Math.min(1.0, (double) cachedTokens / promptTokens);
  }

  /**
   * Returns the sum of this usage and {@code other}, for totals across several calls. A detail that
   * is null on both sides stays null; additional fields are not kept, since they cannot be summed.
   * A count stops at {@link Integer#MAX_VALUE} rather than wrap around; sums that may grow past it
   * belong in a {@code long}, as {@code io.github.kimisdk.model.Spend} keeps them.
   *
   * @param other the usage to add; null adds nothing
   * @return the sum
   */
  public Usage plus(Usage other) {
    if (other == null) {
      return this;
    }
    return new Usage(
        add(promptTokens, other.promptTokens),
        add(completionTokens, other.completionTokens),
        add(totalTokens, other.totalTokens),
        sum(cachedTokens, other.cachedTokens),
        sum(reasoningTokens, other.reasoningTokens),
        null,
        sum(cacheWriteTokens, other.cacheWriteTokens));
  }

  private static Integer sum(Integer a, Integer b) {
    if (a == null) {
      return b;
    }
    return b == null ? a : add(a, b);
  }

  private static int add(int a, int b) {
    long sum = (long) a + b;
    return (int) Math.max(Integer.MIN_VALUE, Math.min(Integer.MAX_VALUE, sum));
  }

  /**
   * Returns the counts, as {@code Usage[promptTokens=31, completionTokens=9, totalTokens=40]}; a
   * detail the server did not send is left out.
   */
  @Override
  public String toString() {
    return RecordText.of("Usage")
        .add("promptTokens", promptTokens)
        .add("completionTokens", completionTokens)
        .add("totalTokens", totalTokens)
        .add("cachedTokens", cachedTokens)
        .add("reasoningTokens", reasoningTokens)
        .add("cacheWriteTokens", cacheWriteTokens)
        .add("additionalFields", additionalFields)
        .toString();
  }
}
