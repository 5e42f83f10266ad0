package io.github.kimisdk.model;

import io.github.kimisdk.chat.Conversation;
import io.github.kimisdk.chat.Usage;
import java.time.LocalDate;
import java.util.Collections;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;

/**
 * The prices of Kimi's models, beside the model table ({@link ModelCatalog}): one {@link Price} per
 * model id. A client holds one ({@code KimiClient.Builder.prices}) and prices every call with it; a
 * model the table does not hold has no price, and its calls are counted in tokens only, never
 * priced by a guess.
 *
 * <pre>{@code
 * PriceTable usd = PriceTable.defaults();
 * usd.cost("kimi-k3", reply.usage());     // Optional[USD 0.000537 (...)]
 * usd.cost("kimi-for-coding", usage);     // Optional.empty: Kimi Code is a subscription
 *
 * PriceTable mine = PriceTable.none()     // the China platform bills in CNY: set your own
 *     .with("kimi-k3", Price.perMillionTokens("CNY", "20.00", "2.00", "100.00")
 *         .dated(LocalDate.of(2026, 11, 1), "our contract, appendix B"));
 * }</pre>
 *
 * <table>
 *   <caption>{@link #defaults()}: USD per million tokens, as of 2026-11-23</caption>
 *   <tr><th>model</th><th>input, cache miss</th><th>input, cache hit</th><th>output</th></tr>
 *   <tr><td>kimi-k3</td><td>3.00</td><td>0.30</td><td>15.00</td></tr>
 *   <tr><td>kimi-k2.7-code</td><td>0.95</td><td>0.19</td><td>4.00</td></tr>
 *   <tr><td>kimi-k2.7-code-highspeed</td><td>1.90</td><td>0.38</td><td>8.00</td></tr>
 *   <tr><td>kimi-k2.6</td><td>0.95</td><td>0.16</td><td>4.00</td></tr>
 * </table>
 *
 * <p>The defaults are the global platform's list prices ({@link #DEFAULTS_SOURCE}). They leave out
 * what a token price cannot say: the per-call fee of the built-in {@code $web_search}, and Kimi
 * Code, a subscription without a per-token price. Prices change: check the date, and override the
 * table where yours differ. Instances are immutable; {@link #with} and {@link #without} return new
 * tables.
 *
 * @param prices the price of each model, by model id; an unmodifiable copy sorted by id
 */
public record PriceTable(Map<String, Price> prices) {

  /** The day the {@link #defaults()} were read: 2026-11-23. */
  public static final LocalDate DEFAULTS_AS_OF = LocalDate.of(2026, 11, 23);

  /** Where the {@link #defaults()} come from. */
  public static final String DEFAULTS_SOURCE =
      "platform.kimi.ai pricing pages, as reported in pydantic/genai-prices#467 and #626,"
          + " BerriAI/litellm#38576 and simonw/llm-prices#60";

  private static final PriceTable DEFAULTS =
      none()
          .with("kimi-k3", usd("3.00", "0.30", "15.00"))
          .with("kimi-k2.7-code", usd("0.95", "0.19", "4.00"))
          .with("kimi-k2.7-code-highspeed", usd("1.90", "0.38", "8.00"))
          .with("kimi-k2.6", usd("0.95", "0.16", "4.00"));

  /**
   * Copies the map.
   *
   * @param prices the price of each model, by model id
   * @throws NullPointerException if {@code prices}, a model id or a price is null
   */
  public PriceTable {
    Objects.requireNonNull(prices, "prices must not be null");
    TreeMap<String, Price> sorted = new TreeMap<>();
    prices.forEach(
        (model, price) ->
            sorted.put(
                Objects.requireNonNull(model, "a model id must not be null"),
                Objects.requireNonNull(price, "the price of " + model + " must not be null")));
    prices = Collections.unmodifiableMap(sorted);
  }

  /**
   * Returns the global platform's list prices of kimi-k3, kimi-k2.7-code, kimi-k2.7-code-highspeed
   * and kimi-k2.6 in USD, dated {@link #DEFAULTS_AS_OF} (see the table above).
   *
   * @return the default table
   */
  public static PriceTable defaults() {
    return DEFAULTS;
  }

  /**
   * Returns a table without prices: every call is counted in tokens only.
   *
   * @return the empty table
   */
  public static PriceTable none() {
    return new PriceTable(Map.of());
  }

  /**
   * Returns a table with {@code price} for {@code model}, replacing its earlier price.
   *
   * @param model the model id, as sent in {@code model} and reported in replies
   * @param price the price
   * @return the new table
   * @throws NullPointerException if an argument is null
   */
  public PriceTable with(String model, Price price) {
    Objects.requireNonNull(model, "model must not be null");
    Objects.requireNonNull(price, "price must not be null");
    Map<String, Price> m = new TreeMap<>(prices);
    m.put(model, price);
    return new PriceTable(m);
  }

  /**
   * Returns a table without a price for {@code model}.
   *
   * @param model the model id
   * @return the new table
   * @throws NullPointerException if {@code model} is null
   */
  public PriceTable without(String model) {
    Objects.requireNonNull(model, "model must not be null");
    Map<String, Price> m = new TreeMap<>(prices);
    m.remove(model);
    return new PriceTable(m);
  }

  /**
   * Returns the price of a model.
   *
   * @param model the model id, compared exactly
   * @return the price, or empty when the table has none
   * @throws NullPointerException if {@code model} is null
   */
  public Optional<Price> find(String model) {
    return Optional.ofNullable(prices.get(Objects.requireNonNull(model, "model must not be null")));
  }

  /**
   * Returns what a call to {@code model} with this usage cost ({@link Price#cost(Usage)}).
   *
   * @param model the model id
   * @param usage the usage
   * @return the cost, or empty when the table has no price for the model
   * @throws NullPointerException if an argument is null
   */
  public Optional<Cost> cost(String model, Usage usage) {
    Objects.requireNonNull(usage, "usage must not be null");
    return find(model).map(p -> p.cost(usage));
  }

  /**
   * Returns the tokens and cost of one call, or of a sum of calls to one model.
   *
   * @param model the model id
   * @param usage the usage
   * @return the spend; its tokens count as unpriced when the table has no price for the model
   * @throws NullPointerException if an argument is null
   */
  public Spend spend(String model, Usage usage) {
    return Spend.of(model, usage, cost(model, usage).orElse(null));
  }

  /**
   * Returns the tokens and cost of a conversation's replies so far ({@link
   * Conversation#usageByModel()}), each model priced by this table.
   *
   * @param conversation the conversation
   * @return the spend
   * @throws NullPointerException if {@code conversation} is null
   */
  public Spend spend(Conversation conversation) {
    Objects.requireNonNull(conversation, "conversation must not be null");
    Spend total = Spend.NONE;
    for (Map.Entry<String, Usage> e : conversation.usageByModel().entrySet()) {
      total = total.plus(spend(e.getKey(), e.getValue()));
    }
    return total;
  }

  private static Price usd(String miss, String hit, String output) {
    return Price.perMillionTokens("USD", miss, hit, output).dated(DEFAULTS_AS_OF, DEFAULTS_SOURCE);
  }
}
