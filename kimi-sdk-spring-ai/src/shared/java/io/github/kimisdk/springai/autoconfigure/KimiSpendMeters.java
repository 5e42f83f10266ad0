package io.github.kimisdk.springai.autoconfigure;

import io.github.kimisdk.KimiClient;
import io.github.kimisdk.Target;
import io.github.kimisdk.host.TargetStatus;
import io.github.kimisdk.model.Cost;
import io.github.kimisdk.model.Price;
import io.github.kimisdk.model.PriceTable;
import io.github.kimisdk.model.Spend;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.binder.MeterBinder;
import java.util.Currency;
import java.util.List;
import java.util.TreeSet;
import java.util.function.ToDoubleFunction;

/**
 * The client's spend as counters, read from the client whenever the registry is read, one set per
 * target of the client (its own, then its fallback targets: {@link
 * io.github.kimisdk.KimiAccount#targets()}, each target's spend at its host's prices), tagged with
 * the target's place ({@value #TARGET}) and host ({@value #TARGET_HOST}), never its URL: tokens by
 * {@code gen_ai.token.type} (input, output), their cached, reasoning, cache-write and unpriced
 * parts, and the cost in each currency of the target's price table. The counters of a meter add up
 * to {@link KimiClient#spend()}.
 */
final class KimiSpendMeters implements MeterBinder {

  /** The token-type tag, the GenAI conventions' attribute Spring AI's token meters use too. */
  static final String TOKEN_TYPE = "gen_ai.token.type";

  /** The target tag: its place in the client's chain, {@code 0} for the client's own. */
  static final String TARGET = "kimi.target";

  /** The target's host tag: its {@code Host.name()}, such as {@code moonshot} or {@code vllm}. */
  static final String TARGET_HOST = "kimi.target.host";

  private final KimiClient client;

  KimiSpendMeters(KimiClient client) {
    this.client = client;
  }

  @Override
  public void bindTo(MeterRegistry registry) {
    List<TargetStatus> targets = client.account().targets();
    for (int i = 0; i < targets.size(); i++) {
      Target target = targets.get(i).target();
      Tags where = Tags.of(TARGET, Integer.toString(i), TARGET_HOST, target.host().name());
      int index = i;
      Meters m = new Meters(registry, where, index);
      m.tokens("kimi.spend.tokens", "input", Spend::promptTokens, "Prompt tokens, cached included");
      m.tokens(
          "kimi.spend.tokens",
          "output",
          Spend::completionTokens,
          "Completion tokens, reasoning included");
      m.tokens(
          "kimi.spend.cached.tokens",
          null,
          Spend::cachedTokens,
          "Prompt tokens served from Kimi's prefix cache");
      m.tokens(
          "kimi.spend.cache.write.tokens",
          null,
          Spend::cacheWriteTokens,
          "Prompt tokens written to Kimi's prefix cache");
      m.tokens(
          "kimi.spend.reasoning.tokens",
          null,
          Spend::reasoningTokens,
          "Completion tokens spent on reasoning");
      m.tokens(
          "kimi.spend.unpriced.tokens",
          null,
          Spend::unpricedTokens,
          "Tokens of calls to a model without a price, in no cost");
      PriceTable prices = i == 0 ? client.prices() : target.host().prices().orElse(null);
      TreeSet<String> currencies = new TreeSet<>();
      if (prices != null) {
        for (Price price : prices.prices().values()) {
          currencies.add(price.currency().getCurrencyCode());
        }
      }
      for (String code : currencies) {
        Currency currency = Currency.getInstance(code);
        FunctionCounter.builder(
                "kimi.spend.cost",
                client,
                c ->
                    spendOf(c, index)
                        .cost(currency)
                        .map(Cost::total)
                        .map(Number::doubleValue)
                        .orElse(0.0))
            .tags(where)
            .tag("currency", code)
            .description("What the client's calls cost, priced with each target's price table")
            .register(registry);
      }
    }
  }

  /** Target {@code index}'s spend now. */
  private static Spend spendOf(KimiClient client, int index) {
    return client.account().targets().get(index).spend();
  }

  /** The token counters of one target. */
  private final class Meters {
    private final MeterRegistry registry;
    private final Tags where;
    private final int index;

    Meters(MeterRegistry registry, Tags where, int index) {
      this.registry = registry;
      this.where = where;
      this.index = index;
    }

    void tokens(String name, String type, ToDoubleFunction<Spend> count, String description) {
      FunctionCounter.Builder<KimiClient> b =
          FunctionCounter.builder(name, client, c -> count.applyAsDouble(spendOf(c, index)))
              .tags(where)
              .baseUnit("tokens")
              .description(description);
      if (type != null) {
        b.tag(TOKEN_TYPE, type);
      }
      b.register(registry);
    }
  }
}
