package io.github.kimisdk.testing;

import io.github.kimisdk.json.Json;
import io.github.kimisdk.json.JsonObject;
import io.github.kimisdk.json.JsonString;
import io.github.kimisdk.json.JsonValue;
import io.github.kimisdk.json.JsonWriter;
import java.nio.charset.StandardCharsets;
import java.time.DateTimeException;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.TextStyle;
import java.util.Base64;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Kimi's official tools as {@link FakeKimiServer} serves them under {@code /v1/formulas}: three
 * formulas, {@code moonshot/base64:latest} (encode and decode; plain {@code output}), {@code
 * moonshot/date:latest} (one {@code date} function: the current date and time in a time zone; plain
 * {@code output}) and {@code moonshot/web-search:latest} (one {@code web_search} function whose
 * result comes back as {@code encrypted_output}, as Kimi's protected web search answers). The
 * declarations are the fake's own reading of each tool's purpose (Kimi's documentation names the
 * tools, not their parameters): a program's code sees the same shapes as from Kimi, not the same
 * schemas. Any other formula is answered 404, naming it. {@code GET {uri}/tools} answers {@code
 * {"tools":[...]}}; {@code POST {uri}/fibers} runs a call and answers the fiber {@code {id, object,
 * status, formula, context:{input, output | encrypted_output | error}}}, its {@code input} the
 * {@code arguments} string exactly as sent. With {@link #pendingFor(int)} set, a new fiber answers
 * {@code pending}, and {@code GET {uri}/fibers/{id}} answers {@code pending} until the poll that
 * finishes it.
 */
final class FakeFormulas {

  /** The formula with plain output. */
  static final String BASE64 = "moonshot/base64:latest";

  /** The formula with encrypted output. */
  static final String WEB_SEARCH = "moonshot/web-search:latest";

  /** The date and time formula. */
  static final String DATE = "moonshot/date:latest";

  /** The formulas served, in the order they are matched. */
  private static final String[] SERVED = {BASE64, DATE, WEB_SEARCH};

  /** The polls after which a pending fiber never finishes. */
  static final int NEVER = Integer.MAX_VALUE;

  private static final String BASE64_TOOLS =
      "{\"tools\":[{\"type\":\"function\",\"function\":{\"name\":\"base64_encode\",\"description\":"
          + "\"Encodes UTF-8 text as base64\",\"parameters\":{\"type\":\"object\",\"properties\":"
          + "{\"data\":{\"type\":\"string\",\"description\":\"the text\"}},\"required\":"
          + "[\"data\"]}}},{\"type\":\"function\",\"function\":{\"name\":\"base64_decode\","
          + "\"description\":\"Decodes base64 to UTF-8 text\",\"parameters\":{\"type\":"
          + "\"object\",\"properties\":{\"data\":{\"type\":\"string\",\"description\":"
          + "\"the base64\"}},\"required\":[\"data\"]}}}]}";

  private static final String WEB_SEARCH_TOOLS =
      "{\"tools\":[{\"type\":\"function\",\"function\":{\"name\":\"web_search\",\"description\":"
          + "\"Searches the web\",\"parameters\":{\"type\":\"object\",\"properties\":{\"query\":"
          + "{\"type\":\"string\",\"description\":\"what to search for\"}},\"required\":"
          + "[\"query\"]}}}]}";

  private static final String DATE_TOOLS =
      "{\"tools\":[{\"type\":\"function\",\"function\":{\"name\":\"date\",\"description\":"
          + "\"Tells the current date, time and weekday in a time zone\",\"parameters\":{\"type\":"
          + "\"object\",\"properties\":{\"timezone\":{\"type\":\"string\",\"description\":"
          + "\"an IANA time zone, such as Europe/Paris; UTC when left out\"}}}}}]}";

  /** A pending fiber: its formula, its answers, and the polls until it is done. */
  private static final class Fiber {
    final String uri;
    final String result;
    final String pending;
    final AtomicInteger pollsLeft;

    Fiber(String uri, String result, String pending, int polls) {
      this.uri = uri;
      this.result = result;
      this.pending = pending;
      this.pollsLeft = new AtomicInteger(polls);
    }
  }

  private final AtomicLong sequence = new AtomicLong();
  private final Map<String, Fiber> fibers = new ConcurrentHashMap<>();
  private volatile int pendingPolls;

  /**
   * Makes every fiber started from now on answer {@code pending} when it starts and finish on its
   * {@code polls}-th poll; {@link #NEVER} keeps it pending for good, 0 answers at once.
   */
  void pendingFor(int polls) {
    if (polls < 0) {
      throw new IllegalArgumentException("polls must not be negative: " + polls);
    }
    pendingPolls = polls;
  }

  /** Answers a path below {@code /v1/formulas/}; {@code body} is the parsed POST body. */
  FakeResponse respond(String method, String rest, JsonObject body) {
    for (String uri : SERVED) {
      if (rest.equals(uri + "/tools")) {
        return method.equals("GET") ? FakeResponse.json(tools(uri)) : notAllowed(method);
      }
      if (rest.equals(uri + "/fibers")) {
        return method.equals("POST") ? start(uri, body) : notAllowed(method);
      }
      if (rest.startsWith(uri + "/fibers/")) {
        return method.equals("GET")
            ? poll(uri, rest.substring((uri + "/fibers/").length()))
            : notAllowed(method);
      }
    }
    int tail = rest.indexOf(":latest/");
    String formula = tail < 0 ? rest : rest.substring(0, tail + ":latest".length());
    return FakeModel.error(
        404,
        "resource_not_found_error",
        "formula not found: " + formula + " (this fake serves " + String.join(", ", SERVED) + ")");
  }

  private static String tools(String uri) {
    switch (uri) {
      case BASE64:
        return BASE64_TOOLS;
      case DATE:
        return DATE_TOOLS;
      case WEB_SEARCH:
        return WEB_SEARCH_TOOLS;
      default:
        throw new AssertionError(uri);
    }
  }

  private static FakeResponse notAllowed(String method) {
    return FakeModel.error(405, "invalid_request_error", "Method not allowed: " + method);
  }

  private FakeResponse start(String uri, JsonObject body) {
    String id = "fiber-" + sequence.incrementAndGet();
    String name = body.get("name") instanceof JsonString s ? s.value() : "";
    JsonValue input = body.get("arguments");
    String arguments = input instanceof JsonString a ? a.value() : null;
    String result = run(id, uri, name, arguments);
    int polls = pendingPolls;
    if (polls == 0) {
      return FakeResponse.json(result);
    }
    String pending = fiber(id, uri, "pending", arguments, null, null);
    fibers.put(id, new Fiber(uri, result, pending, polls));
    return FakeResponse.json(pending);
  }

  private FakeResponse poll(String uri, String id) {
    Fiber f = fibers.get(id);
    if (f == null || !f.uri.equals(uri)) {
      return FakeModel.error(404, "resource_not_found_error", "fiber not found: " + id);
    }
    // the n-th poll of a fiber pending for n polls answers its result
    int left = f.pollsLeft.getAndUpdate(n -> n == NEVER || n == 0 ? n : n - 1);
    return FakeResponse.json(left == NEVER || left > 1 ? f.pending : f.result);
  }

  /** The finished fiber for one call: its output, encrypted output, or error. */
  private static String run(String id, String uri, String name, String arguments) {
    JsonObject args;
    try {
      args = arguments == null ? null : (JsonObject) Json.parse(arguments);
    } catch (RuntimeException e) {
      args = null;
    }
    if (args == null) {
      return failed(id, uri, arguments, "arguments is not a JSON object string");
    }
    if (uri.equals(DATE)) {
      if (!name.equals("date")) {
        return failed(id, uri, arguments, "unknown function: " + name);
      }
      String zone = args.get("timezone") instanceof JsonString z ? z.value() : "UTC";
      try {
        ZonedDateTime now = ZonedDateTime.now(ZoneId.of(zone));
        return succeeded(
            id,
            uri,
            arguments,
            now.withNano(0).format(DateTimeFormatter.ISO_OFFSET_DATE_TIME)
                + " ("
                + now.getDayOfWeek().getDisplayName(TextStyle.FULL, Locale.ENGLISH)
                + ", "
                + zone
                + ")");
      } catch (DateTimeException e) {
        return failed(id, uri, arguments, "unknown time zone: " + zone);
      }
    }
    if (uri.equals(WEB_SEARCH)) {
      if (!name.equals("web_search")) {
        return failed(id, uri, arguments, "unknown function: " + name);
      }
      if (!(args.get("query") instanceof JsonString query)) {
        return failed(id, uri, arguments, "missing required argument: query");
      }
      String results = "3 results for " + query.value();
      String sealed =
          "----MOONSHOT ENCRYPTED BEGIN----"
              + Base64.getEncoder().encodeToString(results.getBytes(StandardCharsets.UTF_8))
              + "----MOONSHOT ENCRYPTED END----";
      return fiber(id, uri, "succeeded", arguments, "encrypted_output", sealed);
    }
    if (!(args.get("data") instanceof JsonString data)) {
      return failed(id, uri, arguments, "missing required argument: data");
    }
    switch (name) {
      case "base64_encode":
        return succeeded(
            id,
            uri,
            arguments,
            Base64.getEncoder().encodeToString(data.value().getBytes(StandardCharsets.UTF_8)));
      case "base64_decode":
        try {
          return succeeded(
              id,
              uri,
              arguments,
              new String(Base64.getDecoder().decode(data.value()), StandardCharsets.UTF_8));
        } catch (IllegalArgumentException e) {
          return failed(id, uri, arguments, "invalid base64: " + e.getMessage());
        }
      default:
        return failed(id, uri, arguments, "unknown function: " + name);
    }
  }

  private static String succeeded(String id, String uri, String arguments, String output) {
    return fiber(id, uri, "succeeded", arguments, "output", output);
  }

  private static String failed(String id, String uri, String arguments, String error) {
    return fiber(id, uri, "failed", arguments, "error", error);
  }

  private static String fiber(
      String id, String uri, String status, String arguments, String member, String value) {
    JsonWriter w = new JsonWriter();
    w.beginObject()
        .name("id")
        .value(id)
        .name("object")
        .value("fiber")
        .name("status")
        .value(status)
        .name("formula")
        .value(uri)
        .name("context")
        .beginObject();
    if (arguments != null) {
      w.name("input").value(arguments);
    }
    if (member != null) {
      w.name(member).value(value);
    }
    return w.endObject().endObject().toString();
  }
}
