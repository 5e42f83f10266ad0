package io.github.kimisdk.testing;

import io.github.kimisdk.json.Json;
import io.github.kimisdk.json.JsonBoolean;
import io.github.kimisdk.json.JsonNumber;
import io.github.kimisdk.json.JsonObject;
import io.github.kimisdk.json.JsonString;
import io.github.kimisdk.json.JsonWriter;
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;

/**
 * The service endpoints of {@link FakeKimiServer} beside chat: Kimi Code's {@code /usages}, {@code
 * /search} and {@code /fetch}, and Kimi's official tools under {@code /formulas} ({@link
 * FakeFormulas}). Returns null for any other path.
 */
final class FakeServices {

  private final Clock clock;
  final FakeFormulas formulas = new FakeFormulas();

  FakeServices(Clock clock) {
    this.clock = clock;
  }

  FakeResponse respond(RecordedRequest request) {
    String path = request.path();
    int q = path.indexOf('?');
    if (q >= 0) {
      path = path.substring(0, q);
    }
    boolean ours =
        path.equals("/v1/usages")
            || path.equals("/v1/search")
            || path.equals("/v1/fetch")
            || path.startsWith("/v1/formulas/");
    if (!ours) {
      return null;
    }
    String auth = request.header("Authorization").orElse("");
    if (!auth.startsWith("Bearer ") || auth.substring(7).isBlank()) {
      return FakeModel.error(401, "invalid_authentication_error", "Invalid Authentication");
    }
    String method = request.method();
    if (path.equals("/v1/usages") && method.equals("GET")) {
      return usages();
    }
    if (!path.startsWith("/v1/formulas/") && !method.equals("POST")) {
      return FakeModel.error(405, "invalid_request_error", "Method not allowed: " + method);
    }
    JsonObject body = null;
    if (method.equals("POST")) {
      try {
        body = (JsonObject) Json.parse(request.body());
      } catch (RuntimeException e) {
        return FakeModel.error(400, "invalid_request_error", "Invalid request: body is not JSON");
      }
    }
    return switch (path) {
      case "/v1/search" -> search(body);
      case "/v1/fetch" -> fetch(body);
      default -> formulas.respond(method, path.substring("/v1/formulas/".length()), body);
    };
  }

  private FakeResponse usages() {
    String reset =
        Instant.now(clock).plus(3, ChronoUnit.DAYS).truncatedTo(ChronoUnit.SECONDS).toString();
    String soon =
        Instant.now(clock).plus(2, ChronoUnit.HOURS).truncatedTo(ChronoUnit.SECONDS).toString();
    // Numbers as decimal strings, as Kimi Code sends them; one row with a JSON number.
    return FakeResponse.json(
        "{\"usage\":{\"used\":\"40\",\"limit\":\"1000\",\"resetTime\":\""
            + reset
            + "\"},\"limits\":[{\"window\":{\"duration\":300,\"timeUnit\":\"TIME_UNIT_MINUTE\"},"
            + "\"detail\":{\"used\":\"1\",\"limit\":\"100\",\"resetTime\":\""
            + soon
            + "\"}},{\"name\":\"daily\",\"window\":{\"duration\":1,\"timeUnit\":\"TIME_UNIT_DAY\"},"
            + "\"detail\":{\"used\":7,\"limit\":\"300\"}}],"
            + "\"boosterWallet\":{\"balance\":{\"type\":\"BOOSTER\",\"amount\":\"500000000\","
            + "\"amountLeft\":\"125000000\"},\"monthlyChargeLimitEnabled\":true,"
            + "\"monthlyChargeLimit\":{\"priceInCents\":\"2000\",\"currency\":\"USD\"},"
            + "\"monthlyUsed\":{\"priceInCents\":\"375\",\"currency\":\"USD\"}}}");
  }

  private static FakeResponse search(JsonObject body) {
    if (!(body.get("text_query") instanceof JsonString query) || query.value().isBlank()) {
      return FakeModel.error(
          400, "invalid_request_error", "Invalid request: text_query is required");
    }
    int limit = body.get("limit") instanceof JsonNumber n ? n.intValue() : 5;
    boolean crawl = body.get("enable_page_crawling") instanceof JsonBoolean b && b.value();
    JsonWriter w = new JsonWriter();
    w.beginObject().name("search_results").beginArray();
    for (int i = 1; i <= Math.min(Math.max(limit, 1), 3); i++) {
      w.beginObject()
          .name("site_name")
          .value("Example " + i)
          .name("title")
          .value(query.value() + " - result " + i)
          .name("url")
          .value("https://example.com/" + i)
          .name("snippet")
          .value("About " + query.value() + " (" + i + ")")
          .name("date")
          .value("2026-11-0" + i);
      if (crawl) {
        w.name("content").value("Full page " + i + " about " + query.value());
      }
      w.endObject();
    }
    w.endArray().endObject();
    return FakeResponse.json(w.toString());
  }

  private static FakeResponse fetch(JsonObject body) {
    if (!(body.get("url") instanceof JsonString url) || url.value().isBlank()) {
      return FakeModel.error(400, "invalid_request_error", "Invalid request: url is required");
    }
    return FakeResponse.body(
        200,
        "text/markdown; charset=utf-8",
        "# " + url.value() + "\n\nThe main content of " + url.value() + ".\n");
  }
}
