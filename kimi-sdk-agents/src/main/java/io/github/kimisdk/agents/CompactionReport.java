package io.github.kimisdk.agents;

import io.github.kimisdk.chat.Usage;
import io.github.kimisdk.model.Cost;
import java.util.Objects;

/**
 * Says what a compaction did and what it cost: how many messages the summary replaced, the next
 * request's weight before and after (its prompt in tokens, as the SDK estimates it, calibrated by
 * what Kimi counted for the run's last request, plus its output cap; its body in bytes), the
 * summary call's tokens and price, and the prefix cache given up: the tokens of the history after
 * the kept instructions and first request that Kimi held in its cache for the next request, which
 * now differ from the point of the summary on.
 *
 * @param model the model that wrote the summary
 * @param summarized the messages the summary replaced; 0 when there was nothing to summarize
 * @param tokensBefore the next request's tokens (prompt and output cap) before
 * @param tokensAfter the same, after
 * @param bytesBefore the next request's body before, in bytes
 * @param bytesAfter the same, after
 * @param usage the summary call's tokens, as Kimi counted them; null when no call was made
 * @param cost the summary call's price by the client's price table; null when it has none for the
 *     model, or no call was made
 * @param cacheGivenUp the prompt tokens the next request would have read from Kimi's prefix cache
 *     and will not, estimated
 */
public record CompactionReport(
    String model,
    int summarized,
    int tokensBefore,
    int tokensAfter,
    long bytesBefore,
    long bytesAfter,
    Usage usage,
    Cost cost,
    int cacheGivenUp) {

  /**
   * Checks the components.
   *
   * @param model the model
   * @param summarized the messages replaced
   * @param tokensBefore tokens before
   * @param tokensAfter tokens after
   * @param bytesBefore bytes before
   * @param bytesAfter bytes after
   * @param usage the call's usage, or null
   * @param cost the call's cost, or null
   * @param cacheGivenUp the cached tokens given up
   * @throws NullPointerException if {@code model} is null
   */
  public CompactionReport {
    Objects.requireNonNull(model, "model must not be null");
  }

  /**
   * Returns the tokens the compaction took off the next request.
   *
   * @return {@code tokensBefore - tokensAfter}
   */
  public int tokensSaved() {
    return tokensBefore - tokensAfter;
  }
}
