package io.github.kimisdk.model;

import io.github.kimisdk.chat.Usage;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Currency;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeSet;

/**
 * The tokens and cost of work that took several calls: a conversation, a tool-runner run, a batch
 * of {@code chatAll} requests, or everything a client sent. Token counts are summed as {@code
 * long}; the cost is kept per currency, exactly ({@link Cost}); calls to a model without a price
 * add their tokens but no cost, and their model is named in {@link #unpricedModels()}, so a total
 * never hides a guess.
 *
 * <pre>{@code
 * Spend s = kimi.spend();
 * s.totalTokens();                 // every token the client was billed for so far
 * s.cost().map(Cost::total);       // Optional[0.0421] when every priced call was in one currency
 * s.isComplete();                  // false when some model had no price
 * }</pre>
 *
 * @param promptTokens the prompt tokens, cached ones included
 * @param cachedTokens the prompt tokens served from Kimi's prefix cache
 * @param completionTokens the completion tokens, reasoning included
 * @param reasoningTokens the completion tokens spent on reasoning, as far as replies said
 * @param costs the cost of the priced calls, one per currency, ordered by currency code
 * @param unpricedTokens the prompt and completion tokens of calls whose model had no price
 * @param unpricedModels the models that had no price, sorted; at most {@value #MAX_UNPRICED_MODELS}
 *     are named
 * @param cacheWriteTokens the prompt tokens written to Kimi's prefix cache, as far as replies said
 */
public record Spend(
    long promptTokens,
    long cachedTokens,
    long completionTokens,
    long reasoningTokens,
    List<Cost> costs,
    long unpricedTokens,
    List<String> unpricedModels,
    long cacheWriteTokens) {

  /** The most models {@link #unpricedModels()} names; the ids come from the server's replies. */
  public static final int MAX_UNPRICED_MODELS = 10;

  /** Nothing spent. */
  public static final Spend NONE = new Spend(0, 0, 0, 0, List.of(), 0, List.of(), 0);

  /**
   * Validates the counts and copies the lists.
   *
   * @param promptTokens the prompt tokens, not negative
   * @param cachedTokens the cached prompt tokens, not negative
   * @param completionTokens the completion tokens, not negative
   * @param reasoningTokens the reasoning tokens, not negative
   * @param costs the costs, at most one per currency
   * @param unpricedTokens the tokens without a price, not negative
   * @param unpricedModels the models without a price
   * @param cacheWriteTokens the prompt tokens written to the cache, not negative
   * @throws NullPointerException if a list or an element is null
   * @throws IllegalArgumentException if a count is negative, or two costs share a currency
   */
  public Spend {
    if (promptTokens < 0
        || cachedTokens < 0
        || cacheWriteTokens < 0
        || completionTokens < 0
        || reasoningTokens < 0
        || unpricedTokens < 0) {
      throw new IllegalArgumentException("token counts must not be negative");
    }
    List<Cost> sorted = new ArrayList<>(costs);
    sorted.sort(Comparator.comparing(c -> c.currency().getCurrencyCode()));
    for (int i = 1; i < sorted.size(); i++) {
      if (sorted.get(i).currency().equals(sorted.get(i - 1).currency())) {
        throw new IllegalArgumentException(
            "costs must hold one entry per currency; " + sorted.get(i).currency() + " repeats");
      }
    }
    costs = List.copyOf(sorted);
    TreeSet<String> models = new TreeSet<>(unpricedModels);
    while (models.size() > MAX_UNPRICED_MODELS) {
      models.pollLast();
    }
    unpricedModels = List.copyOf(models);
  }

  /**
   * Creates a spend without cache writes.
   *
   * @param promptTokens the prompt tokens, not negative
   * @param cachedTokens the cached prompt tokens, not negative
   * @param completionTokens the completion tokens, not negative
   * @param reasoningTokens the reasoning tokens, not negative
   * @param costs the costs, at most one per currency
   * @param unpricedTokens the tokens without a price, not negative
   * @param unpricedModels the models without a price
   * @throws NullPointerException if a list or an element is null
   * @throws IllegalArgumentException if a count is negative, or two costs share a currency
   */
  public Spend(
      long promptTokens,
      long cachedTokens,
      long completionTokens,
      long reasoningTokens,
      List<Cost> costs,
      long unpricedTokens,
      List<String> unpricedModels) {
    this(
        promptTokens,
        cachedTokens,
        completionTokens,
        reasoningTokens,
        costs,
        unpricedTokens,
        unpricedModels,
        0);
  }

  /**
   * Returns the spend of one call, or of a sum of calls to one model.
   *
   * @param model the model id
   * @param usage its usage
   * @param cost what it cost; null when the model has no price, which counts its tokens as unpriced
   * @return the spend
   * @throws NullPointerException if {@code model} or {@code usage} is null
   */
  public static Spend of(String model, Usage usage, Cost cost) {
    Objects.requireNonNull(model, "model must not be null");
    Objects.requireNonNull(usage, "usage must not be null");
    long prompt = Math.max(0, usage.promptTokens());
    long completion = Math.max(0, usage.completionTokens());
    long cached = usage.cachedTokens() == null ? 0 : Math.max(0, usage.cachedTokens());
    long reasoning = usage.reasoningTokens() == null ? 0 : Math.max(0, usage.reasoningTokens());
    long written = usage.cacheWriteTokens() == null ? 0 : Math.max(0, usage.cacheWriteTokens());
    if (cost == null) {
      return new Spend(
          prompt,
          cached,
          completion,
          reasoning,
          List.of(),
          prompt + completion,
          List.of(model),
          written);
    }
    return new Spend(prompt, cached, completion, reasoning, List.of(cost), 0, List.of(), written);
  }

  /**
   * Returns the sum of this spend and another.
   *
   * @param other the spend to add
   * @return the sum; costs in the same currency are added
   * @throws NullPointerException if {@code other} is null
   */
  public Spend plus(Spend other) {
    Objects.requireNonNull(other, "other must not be null");
    if (other == NONE) {
      return this;
    }
    List<Cost> sum = new ArrayList<>(costs);
    for (Cost c : other.costs) {
      int i = indexOf(sum, c.currency());
      if (i < 0) {
        sum.add(c);
      } else {
        sum.set(i, sum.get(i).plus(c));
      }
    }
    List<String> models = new ArrayList<>(unpricedModels);
    models.addAll(other.unpricedModels);
    return new Spend(
        promptTokens + other.promptTokens,
        cachedTokens + other.cachedTokens,
        completionTokens + other.completionTokens,
        reasoningTokens + other.reasoningTokens,
        sum,
        unpricedTokens + other.unpricedTokens,
        models,
        cacheWriteTokens + other.cacheWriteTokens);
  }

  /**
   * Returns the prompt and completion tokens.
   *
   * @return the total tokens
   */
  public long totalTokens() {
    return promptTokens + completionTokens;
  }

  /**
   * Returns the prompt tokens that missed the prefix cache.
   *
   * @return {@code promptTokens - cachedTokens}
   */
  public long uncachedPromptTokens() {
    return Math.max(0, promptTokens - cachedTokens);
  }

  /**
   * Returns the share of prompt tokens served from Kimi's prefix cache.
   *
   * @return {@code cachedTokens / promptTokens}, from 0 to 1; 0 when there were no prompt tokens
   */
  public double cacheHitRatio() {
    return promptTokens == 0 ? 0 : Math.min(1.0, (double) cachedTokens / promptTokens);
  }

  /**
   * Returns the cost in one currency.
   *
   * @param currency the currency
   * @return the cost of the calls priced in it, or empty when none was
   * @throws NullPointerException if {@code currency} is null
   */
  public Optional<Cost> cost(Currency currency) {
    Objects.requireNonNull(currency, "currency must not be null");
    int i = indexOf(costs, currency);
    return i < 0 ? Optional.empty() : Optional.of(costs.get(i));
  }

  /**
   * Returns the cost when the priced calls were all priced in one currency, as they are with one
   * price table in one currency. When some calls had no price ({@link #isComplete()} is false) it
   * is the cost of the others only.
   *
   * @return the cost, or empty when no call had a price
   * @throws IllegalStateException if calls were priced in several currencies; use {@link #costs()}
   *     or {@link #cost(Currency)}
   */
  public Optional<Cost> cost() {
    if (costs.size() > 1) {
      throw new IllegalStateException(
          "the calls were priced in "
              + costs.size()
              + " currencies; use costs() or cost(currency)");
    }
    return costs.isEmpty() ? Optional.empty() : Optional.of(costs.get(0));
  }

  /**
   * Tells whether every call had a price, so {@link #costs()} covers all the tokens.
   *
   * @return true when no tokens went unpriced
   */
  public boolean isComplete() {
    return unpricedTokens == 0 && unpricedModels.isEmpty();
  }

  /**
   * Describes the spend, such as {@code 1234 tokens (prompt 1000, 900 cached; completion 234); USD
   * 0.0042}; tokens written to the cache are named when there are any ({@code 900 cached, 100
   * written}).
   *
   * @return the description
   */
  @Override
  public String toString() {
    StringBuilder sb =
        new StringBuilder()
            .append(totalTokens())
            .append(" tokens (prompt ")
            .append(promptTokens)
            .append(", ")
            .append(cachedTokens)
            .append(" cached")
            .append(cacheWriteTokens == 0 ? "" : ", " + cacheWriteTokens + " written")
            .append("; completion ")
            .append(completionTokens)
            .append(")");
    for (Cost c : costs) {
      sb.append("; ").append(c.currency().getCurrencyCode()).append(' ');
      sb.append(c.total().toPlainString());
    }
    if (!isComplete()) {
      sb.append("; no price for ")
          .append(String.join(", ", unpricedModels))
          .append(" (")
          .append(unpricedTokens)
          .append(" tokens)");
    }
    return sb.toString();
  }

  private static int indexOf(List<Cost> costs, Currency currency) {
    for (int i = 0; i < costs.size(); i++) {
      if (costs.get(i).currency().equals(currency)) {
        return i;
      }
    }
    return -1;
  }
}
