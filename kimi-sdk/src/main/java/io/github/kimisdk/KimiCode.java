package io.github.kimisdk;

import io.github.kimisdk.errors.KimiException;
import io.github.kimisdk.errors.NotFoundException;
import io.github.kimisdk.internal.client.ClientScope;
import io.github.kimisdk.internal.http.MalformedBodyException;
import io.github.kimisdk.json.JsonArray;
import io.github.kimisdk.json.JsonBoolean;
import io.github.kimisdk.json.JsonNumber;
import io.github.kimisdk.json.JsonObject;
import io.github.kimisdk.json.JsonString;
import io.github.kimisdk.json.JsonValue;
import io.github.kimisdk.platform.BoosterWallet;
import io.github.kimisdk.platform.CodeUsage;
import io.github.kimisdk.platform.UsageWindow;
import io.github.kimisdk.platform.WebSearchResult;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/**
 * Kimi Code's service endpoints, reached through {@link KimiClient#kimiCode()}: the plan's quota
 * ({@code GET /usages}), web search ({@code POST /search}) and page fetching ({@code POST /fetch}).
 * They exist on Kimi Code ({@link Endpoint#KIMI_CODE}) with an {@code sk-kimi-} key; on the Open
 * Platform they answer 404. Every call goes through the client: key, retries, rate limiter,
 * timeouts and error classification.
 *
 * <pre>{@code
 * KimiCode code = kimi.kimiCode();
 * CodeUsage u = code.usages();
 * for (UsageWindow w : u.windows()) {
 *   System.out.println(w.label() + ": " + w.used() + "/" + w.limit() + ", resets " + w.resetTime());
 * }
 * List<WebSearchResult> hits = code.search("JDK 25 release date");
 * String page = code.fetch(hits.get(0).url());   // the page's main text, as markdown
 * }</pre>
 *
 * <p>Every operation has the forms the client's have: blocking, and {@code ...Async} returning a
 * {@link CompletableFuture} that completes exceptionally with a {@link KimiException}; settings of
 * a call's own come from a derived client ({@link KimiClient#withOptions}). The shapes follow
 * Moonshot's own clients (see the project's protocol notes): numbers that arrive as decimal strings
 * are read as numbers, unknown members are ignored.
 */
public final class KimiCode {

  private final ClientScope scope;

  KimiCode(ClientScope scope) {
    this.scope = scope;
  }

  /**
   * Returns the plan's quota: the plan-wide summary and each limited window, with what was used,
   * the limit and when it resets, and the booster wallet when there is one.
   *
   * @return the usage
   * @throws NotFoundException if the endpoint has no usage service (not a Kimi Code key)
   * @throws KimiException for any other failure
   * @throws IllegalStateException if the client is closed
   */
  public CodeUsage usages() {
    return scope.await(usagesAsync());
  }

  /**
   * Returns the plan's quota without blocking.
   *
   * @return the future usage
   * @throws IllegalStateException if the client is closed
   */
  public CompletableFuture<CodeUsage> usagesAsync() {
    return scope.request("GET", "usages", null, r -> usages(r.value()));
  }

  /**
   * Searches the web with Kimi Code's search service, sending only the query (the server picks how
   * many results).
   *
   * @param query what to search for
   * @return the results, in the server's order
   * @throws KimiException if the call fails
   * @throws IllegalArgumentException if {@code query} is blank
   * @throws IllegalStateException if the client is closed
   */
  public List<WebSearchResult> search(String query) {
    return search(query, 0, false);
  }

  /**
   * Searches the web with Kimi Code's search service.
   *
   * @param query what to search for
   * @param limit the most results, 1 to 20; 0 leaves it to the server
   * @param pageCrawling whether each result carries the page's content ({@link
   *     WebSearchResult#content()}), which costs many more tokens when a model reads it
   * @return the results, in the server's order (a search with crawling may need a long {@link
   *     RequestOptions#timeout()}: see {@link KimiClient#withOptions(RequestOptions)})
   * @throws KimiException if the call fails
   * @throws IllegalArgumentException if {@code query} is blank or {@code limit} is out of range
   * @throws IllegalStateException if the client is closed
   */
  public List<WebSearchResult> search(String query, int limit, boolean pageCrawling) {
    return scope.await(searchAsync(query, limit, pageCrawling));
  }

  /**
   * Searches the web without blocking.
   *
   * @param query what to search for
   * @return the future results
   * @throws IllegalArgumentException if {@code query} is blank
   * @throws IllegalStateException if the client is closed
   */
  public CompletableFuture<List<WebSearchResult>> searchAsync(String query) {
    return searchAsync(query, 0, false);
  }

  /**
   * Searches the web without blocking (see {@link #search(String, int, boolean)}).
   *
   * @param query what to search for
   * @param limit the most results, 1 to 20; 0 leaves it to the server
   * @param pageCrawling whether each result carries the page's content
   * @return the future results
   * @throws IllegalArgumentException if {@code query} is blank or {@code limit} is out of range
   * @throws IllegalStateException if the client is closed
   */
  public CompletableFuture<List<WebSearchResult>> searchAsync(
      String query, int limit, boolean pageCrawling) {
    Objects.requireNonNull(query, "query");
    if (query.isBlank()) {
      throw new IllegalArgumentException("query must not be blank");
    }
    if (limit < 0 || limit > 20) {
      throw new IllegalArgumentException("limit must be 0 (the server's) or 1 to 20: " + limit);
    }
    JsonObject.Builder b = JsonObject.builder().put("text_query", JsonString.of(query));
    if (limit > 0) {
      b.put("limit", JsonNumber.of(limit));
    }
    if (pageCrawling) {
      b.put("enable_page_crawling", JsonBoolean.TRUE);
    }
    return scope.request("POST", "search", b.build(), r -> searchResults(r.value()));
  }

  /**
   * Fetches a web page with Kimi Code's fetch service and returns its main content as markdown
   * text.
   *
   * @param url the page's address
   * @return the page's main content
   * @throws KimiException if the call fails
   * @throws IllegalArgumentException if {@code url} is blank
   * @throws IllegalStateException if the client is closed
   */
  public String fetch(String url) {
    return scope.await(fetchAsync(url));
  }

  /**
   * Fetches a web page without blocking.
   *
   * @param url the page's address
   * @return the future content
   * @throws IllegalArgumentException if {@code url} is blank
   * @throws IllegalStateException if the client is closed
   */
  public CompletableFuture<String> fetchAsync(String url) {
    Objects.requireNonNull(url, "url");
    if (url.isBlank()) {
      throw new IllegalArgumentException("url must not be blank");
    }
    RequestOptions markdown = RequestOptions.builder().header("Accept", "text/markdown").build();
    return scope
        .derive(markdown)
        .request(
            "POST",
            "fetch",
            JsonObject.of("url", JsonString.of(url)),
            r -> new String(r.body(), StandardCharsets.UTF_8));
  }

  /**
   * Decodes Kimi Code's quota ({@code GET /usages}).
   *
   * @param v the body
   * @return the usage
   */
  static CodeUsage usages(JsonValue v) {
    if (!(v instanceof JsonObject o)) {
      throw new MalformedBodyException("The /usages response is not an object", null);
    }
    UsageWindow summary = o.get("usage") instanceof JsonObject u ? window("plan", null, u) : null;
    List<UsageWindow> windows = new ArrayList<>();
    if (o.get("limits") instanceof JsonArray rows) {
      for (JsonValue row : rows.values()) {
        if (row instanceof JsonObject r && r.get("detail") instanceof JsonObject detail) {
          Duration length = r.get("window") instanceof JsonObject w ? duration(w) : null;
          String name = r.get("name") instanceof JsonString n ? n.value() : null;
          windows.add(window(name, length, detail));
        }
      }
    }
    return new CodeUsage(summary, windows, booster(o.get("boosterWallet")));
  }

  /**
   * Decodes Kimi Code's search results ({@code POST /search}).
   *
   * @param v the body
   * @return the results, in the server's order
   */
  static List<WebSearchResult> searchResults(JsonValue v) {
    if (!(v instanceof JsonObject o)) {
      throw new MalformedBodyException("The /search response is not an object", null);
    }
    List<WebSearchResult> out = new ArrayList<>();
    if (o.get("search_results") instanceof JsonArray results) {
      for (JsonValue r : results.values()) {
        if (r instanceof JsonObject s) {
          out.add(
              new WebSearchResult(
                  string(s, "title"),
                  string(s, "url"),
                  string(s, "snippet"),
                  string(s, "site_name"),
                  string(s, "date"),
                  string(s, "content")));
        }
      }
    }
    return List.copyOf(out);
  }

  private static UsageWindow window(String name, Duration length, JsonObject detail) {
    return new UsageWindow(
        name,
        length,
        count(detail.get("used")),
        count(detail.get("limit")),
        instant(detail.get("resetTime")));
  }

  /** A count that arrives as a decimal string or a JSON number; 0 when absent or unreadable. */
  private static long count(JsonValue v) {
    try {
      if (v instanceof JsonNumber n) {
        return n.bigDecimalValue().longValue();
      }
      if (v instanceof JsonString s) {
        return new BigDecimal(s.value().strip()).longValue();
      }
    } catch (NumberFormatException | ArithmeticException e) {
      return 0;
    }
    return 0;
  }

  private static Instant instant(JsonValue v) {
    if (v instanceof JsonString s && !s.value().isBlank()) {
      try {
        return Instant.parse(s.value().strip());
      } catch (DateTimeParseException e) {
        return null;
      }
    }
    return null;
  }

  private static Duration duration(JsonObject window) {
    long n = count(window.get("duration"));
    String unit = window.get("timeUnit") instanceof JsonString s ? s.value() : "";
    return switch (unit) {
      case "TIME_UNIT_MINUTE" -> Duration.ofMinutes(n);
      case "TIME_UNIT_HOUR" -> Duration.ofHours(n);
      case "TIME_UNIT_DAY" -> Duration.ofDays(n);
      case "TIME_UNIT_WEEK" -> Duration.ofDays(7 * n);
      default -> null;
    };
  }

  private static Optional<BoosterWallet> booster(JsonValue v) {
    if (!(v instanceof JsonObject w) || !(w.get("balance") instanceof JsonObject balance)) {
      return Optional.empty();
    }
    boolean booster = balance.get("type") instanceof JsonString t && t.value().equals("BOOSTER");
    long amount = count(balance.get("amount"));
    if (!booster || amount <= 0) {
      return Optional.empty(); // Moonshot's client ignores any other wallet
    }
    BigDecimal million = BigDecimal.valueOf(1_000_000);
    JsonObject cap = w.get("monthlyChargeLimit") instanceof JsonObject c ? c : JsonObject.of();
    JsonObject used = w.get("monthlyUsed") instanceof JsonObject u ? u : JsonObject.of();
    String currency =
        cap.get("currency") instanceof JsonString c
            ? c.value()
            : used.get("currency") instanceof JsonString u ? u.value() : null;
    return Optional.of(
        new BoosterWallet(
            BigDecimal.valueOf(amount).divide(million),
            BigDecimal.valueOf(count(balance.get("amountLeft"))).divide(million),
            w.get("monthlyChargeLimitEnabled") instanceof JsonBoolean b && b.value(),
            count(cap.get("priceInCents")),
            count(used.get("priceInCents")),
            currency));
  }

  private static String string(JsonObject o, String name) {
    return o.get(name) instanceof JsonString s ? s.value() : null;
  }
}
