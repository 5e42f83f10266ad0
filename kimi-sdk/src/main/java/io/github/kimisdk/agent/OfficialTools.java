package io.github.kimisdk.agent;

import io.github.kimisdk.KimiClient;
import io.github.kimisdk.KimiCode;
import io.github.kimisdk.KimiResponse;
import io.github.kimisdk.json.Json;
import io.github.kimisdk.json.JsonArray;
import io.github.kimisdk.json.JsonNumber;
import io.github.kimisdk.json.JsonObject;
import io.github.kimisdk.json.JsonString;
import io.github.kimisdk.json.JsonValue;
import io.github.kimisdk.tool.FunctionTool;
import io.github.kimisdk.tool.JsonSchema;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Kimi's official tools for {@link ToolRunner}: formulas run as fibers, Kimi Code's search and
 * fetch.
 */
final class OfficialTools {

  private OfficialTools() {}

  /**
   * Fetches the declarations of formula {@code uri} ({@code GET formulas/{uri}/tools}) and returns
   * each with a handler that runs it as a fiber ({@code POST formulas/{uri}/fibers}).
   */
  static Map<FunctionTool, ToolRunner.Handler> formula(KimiClient kimi, String uri) {
    if (uri.isBlank()
        || uri.startsWith("/")
        || uri.contains("..")
        || uri.chars().anyMatch(c -> c <= ' ' || c == '?' || c == '#' || c == '%' || c >= 0x7f)) {
      throw new IllegalArgumentException(
          "a formula URI looks like moonshot/web-search:latest: '" + uri + "'");
    }
    KimiResponse<JsonValue> r = kimi.request("GET", "formulas/" + uri + "/tools", null);
    JsonValue v = r.value();
    // Lenient: a bare array, or one wrapped in "tools" or "data"
    if (v instanceof JsonObject o) {
      v = o.get("tools") != null ? o.get("tools") : o.get("data");
    }
    if (!(v instanceof JsonArray list)) {
      throw new IllegalStateException(
          "the formula " + uri + " listed no tools: " + excerpt(Json.write(r.value())));
    }
    Map<FunctionTool, ToolRunner.Handler> out = new LinkedHashMap<>();
    for (JsonValue t : list.values()) {
      JsonObject fn =
          t instanceof JsonObject o && o.get("function") instanceof JsonObject f
              ? f
              : t instanceof JsonObject o2 && o2.get("name") != null ? o2 : null;
      if (fn == null || !(fn.get("name") instanceof JsonString name)) {
        continue;
      }
      String description = fn.get("description") instanceof JsonString d ? d.value() : null;
      JsonValue parameters = fn.get("parameters");
      FunctionTool tool;
      try {
        tool = new FunctionTool(name.value(), description, parameters, null);
      } catch (IllegalArgumentException invalid) {
        // the server's own schema: send it as it is rather than refuse the formula
        tool = new FunctionTool(name.value(), description, parameters, false);
      }
      String function = name.value();
      out.put(tool, arguments -> fiber(kimi, uri, function, arguments));
    }
    if (out.isEmpty()) {
      throw new IllegalStateException("the formula " + uri + " declares no function tools");
    }
    return out;
  }

  /** Runs one call of a formula's function and returns the fiber's output. */
  private static String fiber(KimiClient kimi, String uri, String name, JsonValue arguments) {
    JsonObject body =
        JsonObject.of(
            "name", JsonString.of(name), "arguments", JsonString.of(Json.write(arguments)));
    KimiResponse<JsonValue> r = kimi.request("POST", "formulas/" + uri + "/fibers", body);
    if (!(r.value() instanceof JsonObject fiber)) {
      throw new IllegalStateException("the fiber answered " + excerpt(Json.write(r.value())));
    }
    JsonObject context = fiber.get("context") instanceof JsonObject c ? c : JsonObject.of();
    String status = fiber.get("status") instanceof JsonString s ? s.value() : "";
    JsonValue output =
        context.get("output") != null ? context.get("output") : context.get("encrypted_output");
    if ((status.isEmpty() || status.equals("succeeded")) && output != null) {
      return output instanceof JsonString s ? s.value() : Json.write(output);
    }
    JsonValue error = fiber.get("error") != null ? fiber.get("error") : context.get("error");
    String why =
        error instanceof JsonString s ? s.value() : error != null ? Json.write(error) : status;
    throw new IllegalStateException(
        "the formula " + uri + " failed to run " + name + ": " + excerpt(why));
  }

  /** Kimi Code's web search as a function tool. */
  static FunctionTool searchTool() {
    return new FunctionTool(
        "search_web",
        "Searches the web and returns the top results with title, url, date and snippet.",
        JsonSchema.object()
            .required("query", JsonSchema.string().description("what to search for"))
            .optional(
                "limit", JsonSchema.integer().description("how many results, 1 to 20; default 5"))
            .build()
            .toJson(),
        null);
  }

  static String search(KimiCode code, JsonValue arguments) {
    JsonObject a = arguments instanceof JsonObject o ? o : JsonObject.of();
    if (!(a.get("query") instanceof JsonString q) || q.value().isBlank()) {
      throw new IllegalArgumentException("query is required");
    }
    int limit = a.get("limit") instanceof JsonNumber n ? Math.max(1, Math.min(20, n.asInt())) : 5;
    List<JsonValue> rows = new ArrayList<>();
    for (KimiCode.SearchResult s :
        code.search(q.value(), limit, false, io.github.kimisdk.RequestOptions.none())) {
      JsonObject.Builder b = JsonObject.builder();
      put(b, "title", s.title());
      put(b, "url", s.url());
      put(b, "date", s.date());
      put(b, "snippet", s.snippet());
      rows.add(b.build());
    }
    return Json.write(JsonArray.of(rows));
  }

  /** Kimi Code's page fetching as a function tool. */
  static FunctionTool fetchTool() {
    return new FunctionTool(
        "fetch_url",
        "Fetches a web page and returns its main content as markdown.",
        JsonSchema.object()
            .required("url", JsonSchema.string().description("the page's address"))
            .build()
            .toJson(),
        null);
  }

  static String fetch(KimiCode code, JsonValue arguments) {
    if (!(arguments instanceof JsonObject o) || !(o.get("url") instanceof JsonString url)) {
      throw new IllegalArgumentException("url is required");
    }
    return code.fetch(url.value());
  }

  private static void put(JsonObject.Builder b, String name, String value) {
    if (value != null) {
      b.put(name, JsonString.of(value));
    }
  }

  private static String excerpt(String s) {
    return s.length() <= 500 ? s : s.substring(0, 500) + "...";
  }
}
