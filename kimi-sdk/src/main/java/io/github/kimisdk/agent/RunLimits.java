package io.github.kimisdk.agent;

import io.github.kimisdk.KimiClient;
import io.github.kimisdk.chat.CacheTtl;
import io.github.kimisdk.chat.ChatCompletion;
import io.github.kimisdk.chat.ChatRequest;
import io.github.kimisdk.chat.Usage;
import io.github.kimisdk.model.Cost;
import io.github.kimisdk.model.Price;
import io.github.kimisdk.model.Spend;
import io.github.kimisdk.token.RequestTokens;
import java.math.BigDecimal;
import java.util.Currency;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The spend and token limits of a {@link ToolRunner} and the totals of one run. Before each step
 * the run asks {@link Totals#check} whether the step's worst case fits what is left: its prompt as
 * {@link RequestTokens#estimated()} counts it, all of it at the cache-miss price or, when higher,
 * the cache-write price of the step's time to live (all of it written), plus its whole output cap
 * ({@code maxCompletionTokens}, else the model's default output in the client's catalog) at the
 * output price. The worst case, not a guess at the likely cost, so a run never passes its limit
 * because of a step it chose to take (a server that ignores the output cap aside).
 */
final class RunLimits {

  private static final RequestTokens COUNTER = RequestTokens.estimated();

  private final KimiClient kimi;
  private final BigDecimal maxSpend; // null: no spend limit
  private final Currency currency;
  private final long maxTotalTokens; // 0: no token limit

  RunLimits(KimiClient kimi, BigDecimal maxSpend, Currency currency, long maxTotalTokens) {
    this.kimi = kimi;
    this.maxSpend = maxSpend;
    this.currency = currency;
    this.maxTotalTokens = maxTotalTokens;
  }

  /**
   * Starts the totals of a run on {@code model}.
   *
   * @throws IllegalArgumentException if a spend limit is set and the client has no price for the
   *     model in its currency
   */
  Totals start(String model) {
    Price price = null;
    if (maxSpend != null) {
      price = kimi.prices().find(model).orElse(null);
      if (price == null || !price.currency().equals(currency)) {
        throw new IllegalArgumentException(
            "maxSpend is in "
                + currency
                + " but the client's price table has "
                + (price == null ? "no price" : "a price in " + price.currency())
                + " for "
                + model
                + "; set one with KimiClient.Builder.prices(PriceTable.defaults().with(\""
                + model
                + "\", Price.perMillionTokens(\""
                + currency
                + "\", ...)))");
      }
    }
    return new Totals(price);
  }

  /** What one run has used so far; confined to the thread running the loop. */
  final class Totals {
    private final Price price; // the request model's price; null without a spend limit
    private final Map<String, Usage> byModel = new LinkedHashMap<>();
    private Spend spend = Spend.NONE;
    private BigDecimal spent = BigDecimal.ZERO; // toward the spend limit, in its currency

    private Totals(Price price) {
      this.price = price;
    }

    /**
     * Counts a step's reply under the model it names, else the model asked for, its cache writes at
     * the time to live the step was sent with.
     */
    void add(ChatRequest sent, ChatCompletion reply) {
      Usage u = reply.usage();
      if (u == null) {
        return;
      }
      String model =
          reply.model() == null || reply.model().isBlank() ? sent.model() : reply.model();
      CacheTtl ttl = ttl(sent);
      byModel.merge(model, u, Usage::plus);
      Spend step = kimi.prices().spend(model, u, ttl);
      spend = spend.plus(step);
      if (price != null) {
        // a reply naming a model without a price in the limit's currency counts at the price of
        // the model asked for, so the limit still holds
        Cost cost = step.cost(currency).orElseGet(() -> price.cost(u, ttl));
        spent = spent.add(cost.total());
      }
    }

    /** Returns the limit the next step could pass, or null when it fits both. */
    ToolRunner.Outcome check(ChatRequest next) {
      if (maxSpend == null && maxTotalTokens == 0) {
        return null;
      }
      long prompt = COUNTER.count(next).total();
      long output =
          next.maxCompletionTokens() != null
              ? next.maxCompletionTokens()
              : kimi.catalog().lookup(next.model()).defaultMaxOutput();
      if (maxTotalTokens > 0 && spend.totalTokens() + prompt + output > maxTotalTokens) {
        return ToolRunner.Outcome.TOKEN_LIMIT;
      }
      if (maxSpend != null) {
        // every prompt token a miss, or written when writing costs more (a one-hour cache)
        BigDecimal worst =
            price
                .cost(prompt, 0, 0, output, CacheTtl.FIVE_MINUTES)
                .total()
                .max(price.cost(prompt, 0, prompt, output, ttl(next)).total());
        if (spent.add(worst).compareTo(maxSpend) > 0) {
          return ToolRunner.Outcome.SPEND_LIMIT;
        }
      }
      return null;
    }

    /** Returns the time to live a step's request as sent asks for; Kimi's five minutes if none. */
    private CacheTtl ttl(ChatRequest sent) {
      return sent.promptCacheTtl() != null ? sent.promptCacheTtl() : CacheTtl.FIVE_MINUTES;
    }

    /** Returns the tokens counted per model. */
    Map<String, Usage> byModel() {
      return byModel;
    }

    /** Returns {@code r} with the run's spend. */
    ToolRunner.Result finish(ToolRunner.Result r) {
      return new ToolRunner.Result(
          r.outcome(),
          r.transcript(),
          r.newMessageIndex(),
          r.lastCompletion(),
          r.usage(),
          r.steps(),
          r.error(),
          r.argumentErrors(),
          spend);
    }
  }
}
