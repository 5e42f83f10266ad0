package io.github.kimisdk.agents;

import io.github.kimisdk.KimiClient;
import io.github.kimisdk.KimiCode;
import io.github.kimisdk.KimiResponse;
import io.github.kimisdk.json.Json;
import io.github.kimisdk.json.JsonArray;
import io.github.kimisdk.json.JsonNull;
import io.github.kimisdk.json.JsonNumber;
import io.github.kimisdk.json.JsonObject;
import io.github.kimisdk.json.JsonString;
import io.github.kimisdk.json.JsonValue;
import io.github.kimisdk.platform.WebSearchResult;
import io.github.kimisdk.tool.FunctionTool;
import io.github.kimisdk.tool.JsonSchema;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/** Kimi's official tools for an agent: formulas run as fibers, Kimi Code's search and fetch. */
final class OfficialTools {

  private OfficialTools() {}

  /** The wait before the first poll of a pending fiber; each next wait doubles. */
  static final Duration FIRST_POLL_DELAY = Duration.ofMillis(500);

  /** The longest wait between two polls of a pending fiber. */
  static final Duration MAX_POLL_DELAY = Duration.ofSeconds(4);

  /** Fiber ids the SDK puts into a URL path: what Kimi's look like, and bounded. */
  private static final Pattern FIBER_ID = Pattern.compile("[A-Za-z0-9._:-]{1,128}");

  /** The clock and the waits between polls: the system's, or a test's. */
  interface Time {
    long nanoTime();

    void sleep(Duration d) throws InterruptedException;

    Time SYSTEM =
        new Time() {
          @Override
          public long nanoTime() {
            return System.nanoTime();
          }

          @Override
          public void sleep(Duration d) throws InterruptedException {
            Thread.sleep(Math.max(1, d.toMillis()));
          }
        };
  }

  /**
   * How long a pending fiber is waited for.
   *
   * @param maxPolls the most polls
   * @param maxWait the most time from the first answer on
   * @param time the clock and delayer of the waits
   */
  record Polling(int maxPolls, Duration maxWait, Time time) {
    /** At most 10 polls and 30 s, on the system's clock. */
    static final Polling DEFAULT = new Polling(10, Duration.ofSeconds(30), Time.SYSTEM);
  }

  /**
   * What a fiber answered the model.
   *
   * @param text the tool message's content (without the {@code "Error: "} of a failure)
   * @param error whether the call failed or its fiber was still running when the wait ended
   */
  record Answer(String text, boolean error) {}

  /**
   * Fetches the declarations of formula {@code uri} ({@code GET formulas/{uri}/tools}): Kimi's
   * {@code {"tools":[...]}}, read leniently (a bare array, or one under {@code data}, also do).
   */
  static List<FunctionTool> formula(KimiClient kimi, String uri) {
    if (uri.isBlank()
        || uri.startsWith("/")
        || uri.contains("..")
        || uri.chars().anyMatch(c -> c <= ' ' || c == '?' || c == '#' || c == '%' || c >= 0x7f)) {
      throw new IllegalArgumentException(
          "a formula URI looks like moonshot/web-search:latest: '" + uri + "'");
    }
    KimiResponse<JsonValue> r = kimi.request("GET", "formulas/" + uri + "/tools", null);
    JsonValue v = r.value();
    // Lenient: a bare array, or one wrapped in "tools" (as Kimi answers) or "data"
    if (v instanceof JsonObject o) {
      v = o.get("tools") != null ? o.get("tools") : o.get("data");
    }
    if (!(v instanceof JsonArray list)) {
      throw new IllegalStateException(
          "the formula " + uri + " listed no tools: " + excerpt(Json.write(r.value())));
    }
    List<FunctionTool> out = new ArrayList<>();
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
      out.add(tool);
    }
    if (out.isEmpty()) {
      throw new IllegalStateException("the formula " + uri + " declares no function tools");
    }
    return out;
  }

  /**
   * Runs one call of a formula's function as a fiber ({@code POST formulas/{uri}/fibers}, the body
   * {@code {"name", "arguments"}} with the model's arguments string unchanged) and, while the fiber
   * is {@code pending}, polls it ({@code GET formulas/{uri}/fibers/{id}}; Kimi's docs do not show
   * how a pending fiber is read again, so this path is the SDK's reading of the REST shape) after
   * 0.5 s, then 1 s, 2 s and 4 s between polls, within {@code polling}'s bounds.
   *
   * @throws InterruptedException if the thread is interrupted while it waits between polls
   * @throws io.github.kimisdk.errors.KimiException if a request fails
   */
  static Answer fiber(
      KimiClient kimi, String uri, String name, String rawArguments, Polling polling)
      throws InterruptedException {
    // Verbatim: Kimi hands the string to the formula as the model wrote it. A call without
    // arguments streams as "", which is no JSON: it becomes {}.
    String arguments = rawArguments == null || rawArguments.isBlank() ? "{}" : rawArguments;
    JsonObject body =
        JsonObject.of("name", JsonString.of(name), "arguments", JsonString.of(arguments));
    JsonObject fiber = fiberOf(kimi.request("POST", "formulas/" + uri + "/fibers", body));
    Time time = polling.time();
    long start = time.nanoTime();
    Duration delay = FIRST_POLL_DELAY;
    long maxWait;
    try {
      maxWait = polling.maxWait().toNanos();
    } catch (ArithmeticException centuries) {
      maxWait = Long.MAX_VALUE;
    }
    int polls = 0;
    String id = "";
    while (status(fiber).equals("pending")) {
      if (fiber.get("id") instanceof JsonString s) {
        id = s.value(); // a poll's answer without an id keeps the first one
      }
      if (!FIBER_ID.matcher(id).matches()) {
        return new Answer(
            "the formula "
                + uri
                + " answered that "
                + name
                + " is still running but gave no fiber id the SDK can poll ("
                + (id.isEmpty() ? "none" : "a malformed one")
                + "); its result will not arrive",
            true);
      }
      long left = maxWait - (time.nanoTime() - start);
      if (polls >= polling.maxPolls() || left <= 0) {
        return new Answer(
            "the fiber "
                + id
                + " ("
                + name
                + " of "
                + uri
                + ") is still running after "
                + human(Duration.ofNanos(time.nanoTime() - start))
                + " and "
                + polls
                + (polls == 1 ? " poll" : " polls")
                + "; the SDK stopped waiting for it, so its result will not arrive: call "
                + name
                + " again, or answer without it",
            true);
      }
      time.sleep(Duration.ofNanos(Math.min(delay.toNanos(), left)));
      fiber = fiberOf(kimi.request("GET", "formulas/" + uri + "/fibers/" + id, null));
      polls++;
      Duration doubled = delay.multipliedBy(2);
      delay = doubled.compareTo(MAX_POLL_DELAY) > 0 ? MAX_POLL_DELAY : doubled;
    }
    return finished(uri, name, fiber);
  }

  private static JsonObject fiberOf(KimiResponse<JsonValue> r) {
    if (!(r.value() instanceof JsonObject fiber)) {
      throw new IllegalStateException("the fiber answered " + excerpt(Json.write(r.value())));
    }
    return fiber;
  }

  private static String status(JsonObject fiber) {
    return fiber.get("status") instanceof JsonString s ? s.value() : "";
  }

  /** A finished fiber's answer: {@code encrypted_output} when present, else {@code output}. */
  private static Answer finished(String uri, String name, JsonObject fiber) {
    String status = status(fiber);
    JsonObject context = fiber.get("context") instanceof JsonObject c ? c : JsonObject.of();
    JsonValue output = present(context.get("encrypted_output"));
    if (output == null) {
      output = present(context.get("output"));
    }
    if (status.equals("succeeded") || (status.isEmpty() && output != null)) {
      if (output == null) {
        return new Answer("", false);
      }
      return new Answer(output instanceof JsonString s ? s.value() : Json.write(output), false);
    }
    String id =
        fiber.get("id") instanceof JsonString s ? " (fiber " + cut(s.value(), 64) + ")" : "";
    if (status.equals("failed")) {
      JsonValue error = present(context.get("error"));
      if (error == null) {
        error = present(fiber.get("error"));
      }
      String why =
          error == null
              ? "no reason given"
              : error instanceof JsonString s ? s.value() : Json.write(error);
      return new Answer(
          "the formula " + uri + " failed to run " + name + id + ": " + excerpt(why), true);
    }
    return new Answer(
        "the formula "
            + uri
            + " answered "
            + name
            + id
            + " with the status '"
            + cut(status, 64)
            + "', neither succeeded nor failed",
        true);
  }

  private static JsonValue present(JsonValue v) {
    return v == null || v == JsonNull.INSTANCE ? null : v;
  }

  private static String human(Duration d) {
    return d.toMillis() % 1000 == 0 ? d.toSeconds() + " s" : d.toMillis() + " ms";
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
    for (WebSearchResult s : code.search(q.value(), limit, false)) {
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

  /** A server's text for a message, cut at 500 chars. */
  private static String excerpt(String s) {
    return cut(s, 500);
  }

  private static String cut(String s, int max) {
    return s.length() <= max ? s : s.substring(0, max) + "...";
  }
}
