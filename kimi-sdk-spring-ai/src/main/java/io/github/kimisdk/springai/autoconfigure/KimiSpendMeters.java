package io.github.kimisdk.springai.autoconfigure;

import io.github.kimisdk.KimiClient;
import io.github.kimisdk.model.Cost;
import io.github.kimisdk.model.Price;
import io.github.kimisdk.model.Spend;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.MeterBinder;
import java.util.Currency;
import java.util.TreeSet;
import java.util.function.ToDoubleFunction;

/**
 * The client's spend ({@link KimiClient#spend()}) as counters, read from the client whenever the
 * registry is read: tokens by {@code gen_ai.token.type} (input, output), their cached, reasoning,
 * cache-write and unpriced parts, and the cost in each currency of the client's price table.
 */
final class KimiSpendMeters implements MeterBinder {

  /** The token-type tag, the GenAI conventions' attribute Spring AI's token meters use too. */
  static final String TOKEN_TYPE = "gen_ai.token.type";

  private final KimiClient client;

  KimiSpendMeters(KimiClient client) {
    this.client = client;
  }

  @Override
  public void bindTo(MeterRegistry registry) {
    tokens(
        registry,
        "kimi.spend.tokens",
        "input",
        Spend::promptTokens,
        "Prompt tokens, cached included");
    tokens(
        registry,
        "kimi.spend.tokens",
        "output",
        Spend::completionTokens,
        "Completion tokens, reasoning included");
    tokens(
        registry,
        "kimi.spend.cached.tokens",
        null,
        Spend::cachedTokens,
        "Prompt tokens served from Kimi's prefix cache");
    tokens(
        registry,
        "kimi.spend.cache.write.tokens",
        null,
        Spend::cacheWriteTokens,
        "Prompt tokens written to Kimi's prefix cache");
    tokens(
        registry,
        "kimi.spend.reasoning.tokens",
        null,
        Spend::reasoningTokens,
        "Completion tokens spent on reasoning");
    tokens(
        registry,
        "kimi.spend.unpriced.tokens",
        null,
        Spend::unpricedTokens,
        "Tokens of calls to a model without a price, in no cost");
    TreeSet<String> currencies = new TreeSet<>();
    for (Price price : client.prices().prices().values()) {
      currencies.add(price.currency().getCurrencyCode());
    }
    for (String code : currencies) {
      Currency currency = Currency.getInstance(code);
      FunctionCounter.builder(
              "kimi.spend.cost",
              client,
              c -> c.spend().cost(currency).map(Cost::total).map(Number::doubleValue).orElse(0.0))
          .tag("currency", code)
          .description("What the client's calls cost, priced with its price table")
          .register(registry);
    }
  }

  private void tokens(
      MeterRegistry registry,
      String name,
      String type,
      ToDoubleFunction<Spend> count,
      String description) {
    FunctionCounter.Builder<KimiClient> b =
        FunctionCounter.builder(name, client, c -> count.applyAsDouble(c.spend()))
            .baseUnit("tokens")
            .description(description);
    if (type != null) {
      b.tag(TOKEN_TYPE, type);
    }
    b.register(registry);
  }
}
