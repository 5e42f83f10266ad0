package io.github.kimisdk.langchain4j;

import dev.langchain4j.model.output.TokenUsage;
import java.util.Objects;

/**
 * The tokens of a Kimi call: input (prompt), output (completion, reasoning included) and total, as
 * {@link TokenUsage} has them, and the parts Kimi reports besides: the input tokens served from its
 * prompt cache and the output tokens spent reasoning.
 */
public final class KimiTokenUsage extends TokenUsage {

  private final Integer cachedTokenCount;
  private final Integer reasoningTokenCount;

  /**
   * Creates a usage.
   *
   * @param inputTokenCount the prompt tokens, cached ones included; may be null
   * @param outputTokenCount the completion tokens, reasoning included; may be null
   * @param totalTokenCount the total; may be null
   * @param cachedTokenCount the prompt tokens read from the prompt cache; null when not reported
   * @param reasoningTokenCount the completion tokens spent reasoning; null when not reported
   */
  public KimiTokenUsage(
      Integer inputTokenCount,
      Integer outputTokenCount,
      Integer totalTokenCount,
      Integer cachedTokenCount,
      Integer reasoningTokenCount) {
    super(inputTokenCount, outputTokenCount, totalTokenCount);
    this.cachedTokenCount = cachedTokenCount;
    this.reasoningTokenCount = reasoningTokenCount;
  }

  /**
   * Returns the prompt tokens Kimi read from its prompt cache (a part of {@link
   * #inputTokenCount()}), or null when the response did not say.
   *
   * @return the cached tokens, or null
   */
  public Integer cachedTokenCount() {
    return cachedTokenCount;
  }

  /**
   * Returns the completion tokens spent reasoning (a part of {@link #outputTokenCount()}), or null
   * when the response did not say.
   *
   * @return the reasoning tokens, or null
   */
  public Integer reasoningTokenCount() {
    return reasoningTokenCount;
  }

  /**
   * Adds another usage, keeping the cached and reasoning counts when either side has them.
   *
   * @param that the other usage; may be null
   * @return the sum
   */
  @Override
  public KimiTokenUsage add(TokenUsage that) {
    if (that == null) {
      return this;
    }
    Integer cached = null;
    Integer reasoning = null;
    if (that instanceof KimiTokenUsage k) {
      cached = k.cachedTokenCount;
      reasoning = k.reasoningTokenCount;
    }
    return new KimiTokenUsage(
        sum(inputTokenCount(), that.inputTokenCount()),
        sum(outputTokenCount(), that.outputTokenCount()),
        sum(totalTokenCount(), that.totalTokenCount()),
        sum(cachedTokenCount, cached),
        sum(reasoningTokenCount, reasoning));
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof KimiTokenUsage that
        && super.equals(that)
        && Objects.equals(cachedTokenCount, that.cachedTokenCount)
        && Objects.equals(reasoningTokenCount, that.reasoningTokenCount);
  }

  @Override
  public int hashCode() {
    return Objects.hash(super.hashCode(), cachedTokenCount, reasoningTokenCount);
  }

  @Override
  public String toString() {
    return "KimiTokenUsage { inputTokenCount = "
        + inputTokenCount()
        + ", outputTokenCount = "
        + outputTokenCount()
        + ", totalTokenCount = "
        + totalTokenCount()
        + ", cachedTokenCount = "
        + cachedTokenCount
        + ", reasoningTokenCount = "
        + reasoningTokenCount
        + " }";
  }
}
