package io.github.kimisdk.model;

import io.github.kimisdk.base.text.RecordText;
import io.github.kimisdk.chat.CacheTtl;
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
 * model id, and for a model it deliberately does not price (sold without a per-token price, or
 * retired without a published one) a note saying why. A client holds one ({@code
 * KimiClient.Builder.prices}) and prices every call with it; a model the table does not price has
 * no cost, and its calls are counted in tokens only, never priced by a guess.
 *
 * <pre>{@code
 * PriceTable usd = PriceTable.defaults();
 * usd.cost("kimi-k3", reply.usage());          // Optional[USD 0.000537 (...)]: one call
 * usd.cost("kimi-for-coding", usage);         // Optional.empty, and unpriced(...) says why:
 * usd.unpriced("kimi-for-coding");             // Optional[Kimi Code: a subscription, ...]
 * usd.find("moonshot-v1-8k").get().retired();  // true: kept for past calls
 *
 * PriceTable mine = PriceTable.none()          // the China platform bills in CNY: set your own
 *     .with("kimi-k3", Price.perMillionTokens("CNY", "20.00", "2.00", "100.00")
 *         .withCacheWrites("20.00", "40.00")
 *         .dated(LocalDate.of(2026, 11, 1), "our contract, appendix B"));
 * }</pre>
 *
 * <table>
 *   <caption>{@link #defaults()}: USD per million tokens</caption>
 *   <tr><th>model</th><th>input, cache miss</th><th>input, cache hit</th><th>output</th>
 *       <th>cache write, 5 min / 1 h</th><th>as of</th></tr>
 *   <tr><td>kimi-k3.1-pro</td><td>2.00</td><td>0.20</td><td>10.00</td><td>2.00 / 4.00</td>
 *       <td>2026-11-25</td></tr>
 *   <tr><td>kimi-k3.1-pro-highspeed</td><td>4.00</td><td>0.20</td><td>20.00</td>
 *       <td>4.00 / 8.00</td><td>2026-11-25</td></tr>
 *   <tr><td>kimi-k3</td><td>3.00</td><td>0.30</td><td>15.00</td><td>3.00 / 6.00</td>
 *       <td>2026-11-23 (writes 2026-11-25)</td></tr>
 *   <tr><td>kimi-k2.7-code</td><td>0.95</td><td>0.19</td><td>4.00</td><td>-</td>
 *       <td>2026-11-23</td></tr>
 *   <tr><td>kimi-k2.7-code-highspeed</td><td>1.90</td><td>0.38</td><td>8.00</td><td>-</td>
 *       <td>2026-11-23</td></tr>
 *   <tr><td>kimi-k2.6</td><td>0.95</td><td>0.16</td><td>4.00</td><td>-</td><td>2026-11-23</td></tr>
 *   <tr><td>kimi-k2.5 (retired)</td><td>0.60</td><td>0.10</td><td>3.00</td><td>-</td>
 *       <td>2026-11-24</td></tr>
 *   <tr><td>kimi-k2-0905-preview (retired)</td><td>0.60</td><td>0.15</td><td>2.50</td><td>-</td>
 *       <td>2026-11-24</td></tr>
 *   <tr><td>kimi-k2-0711-preview (retired)</td><td>0.60</td><td>0.15</td><td>2.50</td><td>-</td>
 *       <td>2026-11-24</td></tr>
 *   <tr><td>kimi-k2-thinking (retired)</td><td>0.60</td><td>0.15</td><td>2.50</td><td>-</td>
 *       <td>2026-11-24</td></tr>
 *   <tr><td>kimi-k2-turbo-preview (retired)</td><td>1.15</td><td>0.15</td><td>8.00</td><td>-</td>
 *       <td>2026-11-24</td></tr>
 *   <tr><td>kimi-k2-thinking-turbo (retired)</td><td>1.15</td><td>0.15</td><td>8.00</td><td>-</td>
 *       <td>2026-11-24</td></tr>
 *   <tr><td>moonshot-v1-8k (retired)</td><td>0.20</td><td>0.20</td><td>2.00</td><td>-</td>
 *       <td>2026-11-24</td></tr>
 *   <tr><td>moonshot-v1-8k-vision-preview (retired)</td><td>0.20</td><td>0.20</td><td>2.00</td>
 *       <td>-</td><td>2026-11-24</td></tr>
 *   <tr><td>moonshot-v1-32k (retired)</td><td>1.00</td><td>1.00</td><td>3.00</td><td>-</td>
 *       <td>2026-11-24</td></tr>
 *   <tr><td>moonshot-v1-32k-vision-preview (retired)</td><td>1.00</td><td>1.00</td><td>3.00</td>
 *       <td>-</td><td>2026-11-24</td></tr>
 *   <tr><td>moonshot-v1-128k (retired)</td><td>2.00</td><td>2.00</td><td>5.00</td><td>-</td>
 *       <td>2026-11-24</td></tr>
 *   <tr><td>moonshot-v1-128k-vision-preview (retired)</td><td>2.00</td><td>2.00</td><td>5.00</td>
 *       <td>-</td><td>2026-11-24</td></tr>
 * </table>
 *
 * <p>The defaults are the global platform's list prices ({@link #DEFAULTS_SOURCE} for kimi-k3,
 * k2.7-code and k2.6; the older models from the data file of pydantic/genai-prices, which reads the
 * same pricing pages and agrees with those to the cent; kimi-k3.1-pro and the cache-write prices
 * from {@link #CACHE_WRITES_SOURCE}; kimi-api.md's fourth look, 2026-11-28, gives kimi-k3.1-pro's
 * the same from its quickstart: 2.00 / 0.20 / 10.00, highspeed 4.00 / 0.20 / 20.00, cache writes
 * 2.00 and 4.00, highspeed 4.00 and 8.00). A price without cache-write prices bills written tokens
 * as cache misses ({@link Price#cacheWrite}). moonshot-v1 has no cache-hit discount, so its cached
 * tokens bill at the input price. The models {@link ModelCatalog} marks retired (kimi-k2.5 and
 * moonshot-v1 on 2026-08-31, the K2 previews and kimi-k2-thinking(-turbo) on 2026-05-25) keep their
 * prices, {@link Price#retired() marked retired}, for the accounting of past calls. Kimi Code's ids
 * ({@code k3}, {@code k3-256k}, {@code kimi-for-coding}, {@code kimi-for-coding-highspeed}) are a
 * subscription without a per-token price, and {@code moonshot-v1-auto} bills at the price of the
 * tier it picks, and {@code kimi-latest} was retired without a price in these sources: the table
 * says so ({@link #unpriced(String)}) rather than holding no entry. Left out as well: the per-call
 * fee of the built-in {@code $web_search}. Prices change: check the date, and override the table
 * where yours differ. Instances are immutable; {@link #with}, {@link #withUnpriced} and {@link
 * #without} return new tables.
 *
 * @param prices the price of each model, by model id; an unmodifiable copy sorted by id
 * @param unpriced the models the table deliberately does not price, each with a sentence saying why
 *     (such as how they are billed instead); an unmodifiable copy sorted by id, holding no model of
 *     {@code prices}
 */
public record PriceTable(Map<String, Price> prices, Map<String, String> unpriced) {

  /** The day the prices of kimi-k3, k2.7-code and k2.6 were read: 2026-11-23. */
  public static final LocalDate DEFAULTS_AS_OF = LocalDate.of(2026, 11, 23);

  /** Where the prices of kimi-k3 (but its cache writes), k2.7-code and k2.6 come from. */
  public static final String DEFAULTS_SOURCE =
      "platform.kimi.ai pricing pages, as reported in pydantic/genai-prices#467 and #626,"
          + " BerriAI/litellm#38576 and simonw/llm-prices#60";

  /** The day the prices of kimi-k3.1-pro and of cache writes were read: 2026-11-25. */
  public static final LocalDate CACHE_WRITES_AS_OF = LocalDate.of(2026, 11, 25);

  /** Where the prices of kimi-k3.1-pro and of cache writes come from. */
  public static final String CACHE_WRITES_SOURCE =
      "forum.moonshot.ai \"Context caching upgrade: 5 min / 1 hour TTL options\" (kimi-k3 cache"
          + " writes); docs.apiyi.com api-capabilities/kimi-k3-1 (kimi-k3.1-pro, \"configured"
          + " prices match official\"), as reported in kimi-api.md, Changes of 2026-11-25";

  /** The day the other defaults were read. */
  private static final LocalDate GENAI_PRICES_AS_OF = LocalDate.of(2026, 11, 24);

  /** Where the other defaults come from. */
  private static final String GENAI_PRICES_SOURCE =
      "platform.kimi.ai pricing pages, as read by the data file of pydantic/genai-prices (provider"
          + " moonshotai) shipped in npm @pydantic/genai-prices 0.1.8";

  private static final String KIMI_CODE =
      "Kimi Code: a subscription billed by plan, without a per-token price";

  private static final PriceTable DEFAULTS = buildDefaults();

  /**
   * Copies the maps.
   *
   * @param prices the price of each model, by model id
   * @param unpriced the models the table deliberately does not price, each with why
   * @throws NullPointerException if a map, a model id, a price or a note is null
   * @throws IllegalArgumentException if a model is in both maps
   */
  public PriceTable {
    prices = sorted(prices, "prices", "price");
    unpriced = sorted(unpriced, "unpriced", "note");
    for (String model : unpriced.keySet()) {
      if (prices.containsKey(model)) {
        throw new IllegalArgumentException(
            model + " has a per-token price and a note saying it has none; keep one");
      }
    }
  }

  /**
   * Creates a table of prices only.
   *
   * @param prices the price of each model, by model id
   * @throws NullPointerException if {@code prices}, a model id or a price is null
   */
  public PriceTable(Map<String, Price> prices) {
    this(prices, Map.of());
  }

  private static <V> Map<String, V> sorted(Map<String, V> map, String name, String what) {
    Objects.requireNonNull(map, name + " must not be null");
    TreeMap<String, V> out = new TreeMap<>();
    map.forEach(
        (model, value) ->
            out.put(
                Objects.requireNonNull(model, "a model id must not be null"),
                Objects.requireNonNull(
                    value, "the " + what + " of " + model + " must not be null")));
    return Collections.unmodifiableMap(out);
  }

  /**
   * Returns the global platform's list prices in USD of every model of {@link
   * ModelCatalog#defaults()} Moonshot sells per token, each dated and sourced, with the retired
   * ones marked, and notes for the models sold otherwise (see the table above).
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
    return new PriceTable(Map.of(), Map.of());
  }

  /**
   * Returns a table with {@code price} for {@code model}, replacing its earlier price or note.
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
    Map<String, String> n = new TreeMap<>(unpriced);
    n.remove(model);
    return new PriceTable(m, n);
  }

  /**
   * Returns a table saying that {@code model} has no per-token price, and why (such as how it is
   * billed instead); an earlier price of the model is dropped.
   *
   * @param model the model id
   * @param how why, such as {@code "a subscription billed by plan"}
   * @return the new table
   * @throws NullPointerException if an argument is null
   */
  public PriceTable withUnpriced(String model, String how) {
    Objects.requireNonNull(model, "model must not be null");
    Objects.requireNonNull(how, "how must not be null");
    Map<String, Price> m = new TreeMap<>(prices);
    m.remove(model);
    Map<String, String> n = new TreeMap<>(unpriced);
    n.put(model, how);
    return new PriceTable(m, n);
  }

  /**
   * Returns a table without a price or note for {@code model}.
   *
   * @param model the model id
   * @return the new table
   * @throws NullPointerException if {@code model} is null
   */
  public PriceTable without(String model) {
    Objects.requireNonNull(model, "model must not be null");
    Map<String, Price> m = new TreeMap<>(prices);
    m.remove(model);
    Map<String, String> n = new TreeMap<>(unpriced);
    n.remove(model);
    return new PriceTable(m, n);
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
   * Returns why the table does not price a model, when it says so (how a model sold without a
   * per-token price is billed, for example).
   *
   * @param model the model id, compared exactly
   * @return the note, or empty for a priced model and for one the table does not know
   * @throws NullPointerException if {@code model} is null
   */
  public Optional<String> unpriced(String model) {
    return Optional.ofNullable(
        unpriced.get(Objects.requireNonNull(model, "model must not be null")));
  }

  /**
   * Returns what one call to {@code model} with this usage cost ({@link Price#cost(Usage)}: its
   * cache writes, if any, at the five-minute price). A sum over calls is a {@link Spend} ({@link
   * #spend(String, Usage)}, {@link #spend(Conversation)}), which also counts the tokens of models
   * without a price.
   *
   * @param model the model id
   * @param usage the usage
   * @return the cost, or empty when the table has no per-token price for the model ({@link
   *     #unpriced(String)} says why when the table knows)
   * @throws NullPointerException if an argument is null
   */
  public Optional<Cost> cost(String model, Usage usage) {
    Objects.requireNonNull(usage, "usage must not be null");
    return find(model).map(p -> p.cost(usage));
  }

  /**
   * Returns what one call to {@code model} that asked for {@code ttl} cost with this usage ({@link
   * Price#cost(Usage, CacheTtl)}).
   *
   * @param model the model id
   * @param usage the usage
   * @param ttl the prompt cache time to live the call asked for, which prices its cache writes
   * @return the cost, or empty when the table has no per-token price for the model
   * @throws NullPointerException if an argument is null
   */
  public Optional<Cost> cost(String model, Usage usage, CacheTtl ttl) {
    Objects.requireNonNull(usage, "usage must not be null");
    Objects.requireNonNull(ttl, "ttl must not be null");
    return find(model).map(p -> p.cost(usage, ttl));
  }

  /**
   * Returns the tokens and cost of calls to one model whose usage adds up to {@code usage}: the
   * start of a sum ({@link Spend#plus}). Its tokens count as unpriced when the table has no price
   * for the model.
   *
   * @param model the model id
   * @param usage the usage
   * @return the spend
   * @throws NullPointerException if an argument is null
   */
  public Spend spend(String model, Usage usage) {
    return spend(model, usage, CacheTtl.FIVE_MINUTES);
  }

  /**
   * Returns the tokens and cost of calls to one model that asked for {@code ttl}, as {@link
   * #spend(String, Usage)} does.
   *
   * @param model the model id
   * @param usage the usage
   * @param ttl the prompt cache time to live the calls asked for, which prices their cache writes
   * @return the spend
   * @throws NullPointerException if an argument is null
   */
  public Spend spend(String model, Usage usage, CacheTtl ttl) {
    Objects.requireNonNull(usage, "usage must not be null");
    Objects.requireNonNull(ttl, "ttl must not be null");
    return Spend.of(model, usage, find(model).map(p -> p.cost(usage, ttl)).orElse(null));
  }

  /**
   * Returns the tokens and cost of a conversation's replies so far ({@link
   * Conversation#usageByModel()}), each model priced by this table, cache writes at the
   * conversation's time to live ({@link Conversation#promptCacheTtl()}; five minutes when it sets
   * none, whatever default the client that sent it had).
   *
   * @param conversation the conversation
   * @return the spend
   * @throws NullPointerException if {@code conversation} is null
   */
  public Spend spend(Conversation conversation) {
    Objects.requireNonNull(conversation, "conversation must not be null");
    CacheTtl ttl = conversation.promptCacheTtl();
    ttl = ttl != null ? ttl : CacheTtl.FIVE_MINUTES;
    Spend total = Spend.NONE;
    for (Map.Entry<String, Usage> e : conversation.usageByModel().entrySet()) {
      total = total.plus(spend(e.getKey(), e.getValue(), ttl));
    }
    return total;
  }

  private static PriceTable buildDefaults() {
    PriceTable t =
        none()
            .with(
                "kimi-k3",
                usd("3.00", "0.30", "15.00")
                    .withCacheWrites("3.00", "6.00")
                    .dated(
                        DEFAULTS_AS_OF,
                        DEFAULTS_SOURCE + "; cache writes (2026-11-25): " + CACHE_WRITES_SOURCE))
            .with("kimi-k3.1-pro", k31("2.00", "10.00").withCacheWrites("2.00", "4.00"))
            .with("kimi-k3.1-pro-highspeed", k31("4.00", "20.00").withCacheWrites("4.00", "8.00"))
            .with("kimi-k2.7-code", usd("0.95", "0.19", "4.00"))
            .with("kimi-k2.7-code-highspeed", usd("1.90", "0.38", "8.00"))
            .with("kimi-k2.6", usd("0.95", "0.16", "4.00"))
            .with("kimi-k2.5", read("0.60", "0.10", "3.00").asRetired())
            .with("kimi-k2-0905-preview", read("0.60", "0.15", "2.50").asRetired())
            .with("kimi-k2-0711-preview", read("0.60", "0.15", "2.50").asRetired())
            .with("kimi-k2-thinking", read("0.60", "0.15", "2.50").asRetired())
            .with("kimi-k2-thinking-turbo", read("1.15", "0.15", "8.00").asRetired())
            .with("kimi-k2-turbo-preview", read("1.15", "0.15", "8.00").asRetired());
    String[][] v1 = {{"8k", "0.20", "2.00"}, {"32k", "1.00", "3.00"}, {"128k", "2.00", "5.00"}};
    for (String[] tier : v1) {
      // no cache-hit discount: cached tokens bill at the input price
      Price p = read(tier[1], tier[1], tier[2]).asRetired();
      t = t.with("moonshot-v1-" + tier[0], p).with("moonshot-v1-" + tier[0] + "-vision-preview", p);
    }
    for (String id :
        new String[] {"k3", "k3-256k", "kimi-for-coding", "kimi-for-coding-highspeed"}) {
      t = t.withUnpriced(id, KIMI_CODE);
    }
    return t.withUnpriced(
            "moonshot-v1-auto",
            "routes each request to moonshot-v1-8k, -32k or -128k and bills at the price of the one"
                + " it picks (retired)")
        .withUnpriced("kimi-latest", "retired in 2026; its price is not in this table's sources");
  }

  private static Price usd(String miss, String hit, String output) {
    return Price.perMillionTokens("USD", miss, hit, output).dated(DEFAULTS_AS_OF, DEFAULTS_SOURCE);
  }

  /** K3.1 Pro: the cache-hit price is 0.20 for both ids. */
  private static Price k31(String miss, String output) {
    return Price.perMillionTokens("USD", miss, "0.20", output)
        .dated(CACHE_WRITES_AS_OF, CACHE_WRITES_SOURCE);
  }

  private static Price read(String miss, String hit, String output) {
    return Price.perMillionTokens("USD", miss, hit, output)
        .dated(GENAI_PRICES_AS_OF, GENAI_PRICES_SOURCE);
  }

  /** Returns the members that are set. */
  @Override
  public String toString() {
    return RecordText.of("PriceTable").add("prices", prices).add("unpriced", unpriced).toString();
  }
}
