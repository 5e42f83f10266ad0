package io.github.kimisdk;

import io.github.kimisdk.errors.EngineOverloadedException;
import io.github.kimisdk.errors.KimiTimeoutException;
import io.github.kimisdk.errors.RateLimitException;
import io.github.kimisdk.errors.TokensPerDayLimitException;
import io.github.kimisdk.model.ModelCatalog;
import io.github.kimisdk.token.RequestTokens;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.OptionalLong;

/**
 * The client-side rate limits of a {@link KimiClient}: how many calls may be in flight at once, how
 * many requests and how many tokens may be sent per minute. Set it with {@link
 * KimiClient.Builder#rateLimit(RateLimit)}; every caller sharing the client then waits its turn
 * instead of being refused by Kimi.
 *
 * <pre>{@code
 * KimiClient kimi = KimiClient.builder()
 *     .fromEnv()
 *     .rateLimit(RateLimit.tier(1))          // 50 concurrent, 200 RPM, 2,000,000 TPM
 *     .build();
 *
 * RateLimit mine = RateLimit.builder()       // or your own numbers
 *     .maxConcurrency(8)
 *     .requestsPerMinute(100)
 *     .tokensPerMinute(500_000)
 *     .build();
 * }</pre>
 *
 * <p><b>What is counted.</b> Requests and tokens are counted over a rolling minute: a request (or
 * token) spent at time t becomes available again at t + 60 s, so no minute-long window ever holds
 * more than the limit, whether Kimi counts fixed or sliding minutes. A chat call or a stream is
 * charged its estimated prompt ({@link RequestTokens#estimated()}, or the counter set with {@link
 * Builder#tokenCounter}) plus its {@code max_completion_tokens}, because Kimi reportedly charges
 * the cap up front rather than the output actually produced; when the request sets no cap, the
 * model's default cap from the client's {@link ModelCatalog} is charged (1,024 for an unknown
 * model, 32,768 for kimi-k2.5), so set a modest explicit cap to fit more calls into a minute.
 * Platform calls (files, batches, balance, models, token counts) count as requests but charge no
 * tokens and take no concurrency slot, so they never wait behind calls that wait only for a slot. A
 * stream holds its concurrency slot until it completes, fails or is closed. Every attempt is a
 * request of its own: a retry, of a call or of a stream before its first chunk, waits for a new
 * permit and is charged again. Time spent waiting for the limiter counts against {@link
 * Timeouts#overall()}, and {@link Builder#maxQueueWait} bounds it for each attempt.
 *
 * <p><b>On a 429.</b> When Kimi answers {@link RateLimitException} or {@link
 * EngineOverloadedException}, the whole client pauses: nobody sharing it sends until the pause ends
 * ({@code Retry-After}, or Kimi's "try again after N seconds", or else 1 s doubling per repeated
 * refusal up to 60 s); with a {@link #store() store}, the pause is kept in it too, so that every
 * client and process of the account waits ({@link RateLimitStore#pause}). After the pause one
 * request goes first; the others follow once it succeeds. When Kimi's message states the
 * organisation's limit ("max RPM: 100", "max concurrency: 15", "TPM rate limit, current:…,
 * limit:…"), the client lowers its own limit to match. The refused call itself fails or is retried
 * as the {@link RetryPolicy} says, its retry queued behind the pause like everyone else.
 *
 * <p>Moonshot's limits are per organisation, not per key or per client, and they change: the
 * presets are the published tables (see {@link #tier(int)}). When several processes share an
 * account, give them one {@link RateLimitStore} with {@link Builder#store} so that they split its
 * budget, or give each its share of the numbers.
 */
public final class RateLimit {

  /*
   * Moonshot's global-site tiers (platform.moonshot.ai/docs/pricing/limits, early-2026 snapshot,
   * kimi-api.md section 6): concurrency, RPM, TPM per tier 0..5.
   */
  private static final int[] TIER_CONCURRENCY = {1, 50, 100, 200, 400, 1_000};
  private static final int[] TIER_RPM = {3, 200, 500, 5_000, 5_000, 10_000};
  private static final long[] TIER_TPM = {
    500_000, 2_000_000, 3_000_000, 3_000_000, 4_000_000, 5_000_000
  };

  private final int maxConcurrency;
  private final int requestsPerMinute;
  private final long tokensPerMinute;
  private final RequestTokens tokenCounter;
  private final Duration maxQueueWait;
  private final RateLimitStore store;
  private final String account;

  private RateLimit(Builder b) {
    this.store = b.store;
    this.account = b.account;
    this.maxQueueWait = b.maxQueueWait;
    this.maxConcurrency = b.maxConcurrency;
    this.requestsPerMinute = b.requestsPerMinute;
    this.tokensPerMinute = b.tokensPerMinute;
    this.tokenCounter = b.tokenCounter;
  }

  /**
   * Returns the limits of one of Moonshot's published account tiers on the global platform
   * (platform.moonshot.ai, early 2026; the China site uses the same numbers at other top-up
   * thresholds):
   *
   * <table>
   *   <caption>Tier limits</caption>
   *   <tr><th>tier</th><th>top-up</th><th>concurrency</th><th>RPM</th><th>TPM</th></tr>
   *   <tr><td>0</td><td>$1</td><td>1</td><td>3</td><td>500,000</td></tr>
   *   <tr><td>1</td><td>$10</td><td>50</td><td>200</td><td>2,000,000</td></tr>
   *   <tr><td>2</td><td>$20</td><td>100</td><td>500</td><td>3,000,000</td></tr>
   *   <tr><td>3</td><td>$100</td><td>200</td><td>5,000</td><td>3,000,000</td></tr>
   *   <tr><td>4</td><td>$1,000</td><td>400</td><td>5,000</td><td>4,000,000</td></tr>
   *   <tr><td>5</td><td>$3,000</td><td>1,000</td><td>10,000</td><td>5,000,000</td></tr>
   * </table>
   *
   * <p>Tier 0 also has a daily limit of 1,500,000 tokens, which the client does not track (it
   * surfaces as {@link TokensPerDayLimitException}). Moonshot has quoted lower numbers since; if
   * your console shows others, start from the preset and adjust it with {@link #toBuilder()}, or
   * rely on the client lowering its limits to those Kimi states in a 429.
   *
   * @param tier the tier, 0 to 5
   * @return the limits
   * @throws IllegalArgumentException if {@code tier} is not 0 to 5
   */
  public static RateLimit tier(int tier) {
    if (tier < 0 || tier >= TIER_RPM.length) {
      throw new IllegalArgumentException(
          "tier must be 0 to 5 (Moonshot's published tiers); for other limits use"
              + " RateLimit.builder(): "
              + tier);
    }
    return builder()
        .maxConcurrency(TIER_CONCURRENCY[tier])
        .requestsPerMinute(TIER_RPM[tier])
        .tokensPerMinute(TIER_TPM[tier])
        .build();
  }

  /**
   * Returns a builder for custom limits; set at least one.
   *
   * @return a new builder
   */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * Returns a builder holding these limits, to adjust a preset.
   *
   * @return a new builder
   */
  public Builder toBuilder() {
    Builder b = new Builder();
    b.maxConcurrency = maxConcurrency;
    b.requestsPerMinute = requestsPerMinute;
    b.tokensPerMinute = tokensPerMinute;
    b.tokenCounter = tokenCounter;
    b.maxQueueWait = maxQueueWait;
    b.store = store;
    b.account = account;
    return b;
  }

  /**
   * Returns the longest a call waits in the queue for its turn.
   *
   * @return the limit, or empty when a call waits as long as it takes (the default)
   */
  public Optional<Duration> maxQueueWait() {
    return Optional.ofNullable(maxQueueWait);
  }

  /**
   * Returns the most chat calls and streams in flight at once.
   *
   * @return the limit, or empty when concurrency is not limited
   */
  public OptionalInt maxConcurrency() {
    return maxConcurrency == 0 ? OptionalInt.empty() : OptionalInt.of(maxConcurrency);
  }

  /**
   * Returns the most requests sent in any minute.
   *
   * @return the limit, or empty when requests are not limited
   */
  public OptionalInt requestsPerMinute() {
    return requestsPerMinute == 0 ? OptionalInt.empty() : OptionalInt.of(requestsPerMinute);
  }

  /**
   * Returns the most tokens charged in any minute.
   *
   * @return the limit, or empty when tokens are not limited
   */
  public OptionalLong tokensPerMinute() {
    return tokensPerMinute == 0 ? OptionalLong.empty() : OptionalLong.of(tokensPerMinute);
  }

  /**
   * Returns the counter that estimates a request's prompt tokens.
   *
   * @return the counter
   */
  public RequestTokens tokenCounter() {
    return tokenCounter;
  }

  /**
   * Returns the store the counters are kept in, shared with other clients and processes.
   *
   * @return the store, or empty when each client counts on its own in memory (the default)
   */
  public Optional<RateLimitStore> store() {
    return Optional.ofNullable(store);
  }

  /**
   * Returns the account whose budget the {@link #store()} holds.
   *
   * @return the account key, or empty when no store is set
   */
  public Optional<String> account() {
    return Optional.ofNullable(account);
  }

  /** Returns the limits; "unlimited" for those not set. */
  @Override
  public String toString() {
    return "RateLimit[maxConcurrency="
        + (maxConcurrency == 0 ? "unlimited" : maxConcurrency)
        + ", requestsPerMinute="
        + (requestsPerMinute == 0 ? "unlimited" : requestsPerMinute)
        + ", tokensPerMinute="
        + (tokensPerMinute == 0 ? "unlimited" : tokensPerMinute)
        + (store == null ? "" : ", shared by account " + account)
        + "]";
  }

  /** Configures a {@link RateLimit}; limits left unset are not enforced. */
  public static final class Builder {
    private int maxConcurrency;
    private int requestsPerMinute;
    private long tokensPerMinute;
    private RequestTokens tokenCounter = RequestTokens.estimated();
    private Duration maxQueueWait;
    private RateLimitStore store;
    private String account;

    private Builder() {}

    /**
     * Keeps the counters in {@code store}, under {@code account}: every client and process that
     * names the same store and account shares one budget of these limits. A call that finds the
     * budget full waits as it would for its own limits; one that waited {@link #maxQueueWait} fails
     * with a {@link RateLimitException} saying the shared budget was full.
     *
     * @param store where the counters are kept, such as a Redis implementation of your own
     * @param account the account key the processes agree on (an organisation id, not the API key);
     *     1 to 128 characters, no spaces or control characters
     * @return this builder
     * @throws IllegalArgumentException if {@code account} is blank, too long or has spaces
     */
    public Builder store(RateLimitStore store, String account) {
      Objects.requireNonNull(store, "store");
      Objects.requireNonNull(account, "account");
      if (account.isEmpty() || account.length() > 128) {
        throw new IllegalArgumentException(
            "account must be 1 to 128 characters: " + account.length() + " characters");
      }
      for (int i = 0; i < account.length(); i++) {
        char c = account.charAt(i);
        if (c <= ' ' || c == 0x7f) {
          throw new IllegalArgumentException(
              "account must have no spaces or control characters (at index " + i + ")");
        }
      }
      this.store = store;
      this.account = account;
      return this;
    }

    /**
     * Sets the most chat calls and streams in flight at once.
     *
     * @param maxConcurrency at least 1
     * @return this builder
     * @throws IllegalArgumentException if {@code maxConcurrency < 1}
     */
    public Builder maxConcurrency(int maxConcurrency) {
      if (maxConcurrency < 1) {
        throw new IllegalArgumentException("maxConcurrency must be at least 1: " + maxConcurrency);
      }
      this.maxConcurrency = maxConcurrency;
      return this;
    }

    /**
     * Sets the most requests sent in any minute (Kimi's RPM).
     *
     * @param requestsPerMinute at least 1
     * @return this builder
     * @throws IllegalArgumentException if {@code requestsPerMinute < 1}
     */
    public Builder requestsPerMinute(int requestsPerMinute) {
      if (requestsPerMinute < 1) {
        throw new IllegalArgumentException(
            "requestsPerMinute must be at least 1: " + requestsPerMinute);
      }
      this.requestsPerMinute = requestsPerMinute;
      return this;
    }

    /**
     * Sets the most tokens charged in any minute (Kimi's TPM): each call's estimated prompt plus
     * its {@code max_completion_tokens} (or the model's default cap).
     *
     * @param tokensPerMinute at least 1
     * @return this builder
     * @throws IllegalArgumentException if {@code tokensPerMinute < 1}
     */
    public Builder tokensPerMinute(long tokensPerMinute) {
      if (tokensPerMinute < 1) {
        throw new IllegalArgumentException(
            "tokensPerMinute must be at least 1: " + tokensPerMinute);
      }
      this.tokensPerMinute = tokensPerMinute;
      return this;
    }

    /**
     * Sets how a request's prompt tokens are counted for the tokens-per-minute limit (default
     * {@link RequestTokens#estimated()}; {@link RequestTokens#exact} with the tokenizer counts
     * exactly).
     *
     * @param tokenCounter the counter
     * @return this builder
     * @throws NullPointerException if {@code tokenCounter} is null
     */
    public Builder tokenCounter(RequestTokens tokenCounter) {
      this.tokenCounter = Objects.requireNonNull(tokenCounter, "tokenCounter");
      return this;
    }

    /**
     * Sets the longest one attempt of a call or stream waits in the queue for its turn. A call that
     * waited that long fails with a {@link KimiTimeoutException} without being sent, and is not
     * retried. By default a call waits as long as it takes (bounded only by {@link
     * Timeouts#withOverall} for {@code chat}), since waiting its turn is what the limiter is for.
     *
     * @param maxQueueWait the limit; positive
     * @return this builder
     * @throws IllegalArgumentException if {@code maxQueueWait} is zero or negative
     */
    public Builder maxQueueWait(Duration maxQueueWait) {
      Objects.requireNonNull(maxQueueWait, "maxQueueWait");
      if (maxQueueWait.isZero() || maxQueueWait.isNegative()) {
        throw new IllegalArgumentException("maxQueueWait must be positive: " + maxQueueWait);
      }
      this.maxQueueWait = maxQueueWait;
      return this;
    }

    /**
     * Builds the limits.
     *
     * @return the limits
     * @throws IllegalStateException if no limit was set
     */
    public RateLimit build() {
      if (maxConcurrency == 0 && requestsPerMinute == 0 && tokensPerMinute == 0) {
        throw new IllegalStateException(
            "A RateLimit needs at least one limit: call maxConcurrency(...),"
                + " requestsPerMinute(...) or tokensPerMinute(...), or use RateLimit.tier(n)");
      }
      return new RateLimit(this);
    }
  }
}
