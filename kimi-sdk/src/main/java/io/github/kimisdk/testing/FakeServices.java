package io.github.kimisdk.testing;

import io.github.kimisdk.json.Json;
import io.github.kimisdk.json.JsonArray;
import io.github.kimisdk.json.JsonBoolean;
import io.github.kimisdk.json.JsonNumber;
import io.github.kimisdk.json.JsonObject;
import io.github.kimisdk.json.JsonString;
import io.github.kimisdk.json.JsonValue;
import io.github.kimisdk.json.JsonWriter;
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The service endpoints of {@link FakeKimiServer} beside chat: Kimi Code's {@code /usages}, {@code
 * /search} and {@code /fetch}, the stateless {@code /responses} and Kimi's official tools under
 * {@code /formulas} ({@link FakeFormulas}). Returns null for any other path.
 */
final class FakeServices {

  private final Clock clock;
  private final AtomicLong sequence = new AtomicLong();
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
            || path.equals("/v1/responses")
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
      case "/v1/responses" -> responses(body);
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

  /** A stateless Responses API: it echoes the last user text, refusing what Kimi refuses. */
  private FakeResponse responses(JsonObject body) {
    if (body.get("store") instanceof JsonBoolean s && s.value()) {
      return FakeModel.error(
          400,
          "invalid_request_error",
          "Invalid request: store is not supported; send store: false");
    }
    if (body.get("previous_response_id") != null) {
      return FakeModel.error(
          400, "invalid_request_error", "Invalid request: previous_response_id is not supported");
    }
    String model = body.get("model") instanceof JsonString m ? m.value() : "";
    if (model.isEmpty()) {
      return FakeModel.error(400, "invalid_request_error", "Invalid request: model is required");
    }
    String input = lastInputText(body.get("input"));
    String text = "You said: " + input;
    long n = sequence.incrementAndGet();
    String id = "resp_fake" + n;
    int in = Math.max(1, input.length() / 4);
    int out = Math.max(1, text.length() / 4);
    String response =
        "{\"id\":\""
            + id
            + "\",\"object\":\"response\",\"created_at\":"
            + clock.millis() / 1000
            + ",\"status\":\"completed\",\"model\":"
            + Json.write(JsonString.of(model))
            + ",\"store\":false,\"output\":[{\"type\":\"message\",\"id\":\"msg_fake"
            + n
            + "\",\"status\":\"completed\",\"role\":\"assistant\",\"content\":[{\"type\":"
            + "\"output_text\",\"text\":"
            + Json.write(JsonString.of(text))
            + ",\"annotations\":[]}]}],\"usage\":{\"input_tokens\":"
            + in
            + ",\"output_tokens\":"
            + out
            + ",\"total_tokens\":"
            + (in + out)
            + "}}";
    if (!(body.get("stream") instanceof JsonBoolean st && st.value())) {
      return FakeResponse.json(response);
    }
    StringBuilder sse = new StringBuilder();
    sse.append(
            "event: response.created\ndata: {\"type\":\"response.created\",\"response\":{\"id\":\"")
        .append(id)
        .append("\",\"status\":\"in_progress\"}}\n\n");
    for (String word : text.split("(?<= )")) {
      sse.append("event: response.output_text.delta\ndata: {\"type\":")
          .append("\"response.output_text.delta\",\"delta\":")
          .append(Json.write(JsonString.of(word)))
          .append("}\n\n");
    }
    sse.append("event: response.completed\ndata: {\"type\":\"response.completed\",\"response\":")
        .append(response)
        .append("}\n\n");
    return FakeResponse.rawSse(sse.toString());
  }

  /** The text of the last user input: a string, or the last user item's text parts. */
  private static String lastInputText(JsonValue input) {
    if (input instanceof JsonString s) {
      return s.value();
    }
    String last = "";
    if (input instanceof JsonArray items) {
      for (JsonValue item : items.values()) {
        if (item instanceof JsonObject o
            && (o.get("role") == null
                || (o.get("role") instanceof JsonString r && r.value().equals("user")))) {
          JsonValue content = o.get("content");
          if (content instanceof JsonString s) {
            last = s.value();
          } else if (content instanceof JsonArray parts) {
            StringBuilder sb = new StringBuilder();
            for (JsonValue p : parts.values()) {
              if (p instanceof JsonObject po && po.get("text") instanceof JsonString t) {
                sb.append(t.value());
              }
            }
            last = sb.toString();
          }
        }
      }
    }
    return last;
  }
}
