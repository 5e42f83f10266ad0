package io.github.kimisdk.testing;

import io.github.kimisdk.json.Json;
import io.github.kimisdk.json.JsonArray;
import io.github.kimisdk.json.JsonException;
import io.github.kimisdk.json.JsonNull;
import io.github.kimisdk.json.JsonNumber;
import io.github.kimisdk.json.JsonObject;
import io.github.kimisdk.json.JsonString;
import io.github.kimisdk.json.JsonValue;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * The cassette's files ({@value Cassette#FORMAT}, version 1): one pretty-printed JSON object per
 * exchange, and the canonical form of a request that replay matches on.
 *
 * <pre>{@code
 * {
 *   "format": "kimi-sdk.cassette",
 *   "version": 1,
 *   "request": {
 *     "method": "POST",
 *     "path": "/v1/chat/completions",
 *     "headers": {"authorization": "Bearer (scrubbed)", "content-type": "application/json",
 *                 "traceparent": "00-...", "user-agent": "kimi-sdk-java/..."},
 *     "body": {...}                   (JSON; or "multipart": [{"name", "filename",
 *                                      "content_type", "text" or "base64"}], "text", "base64")
 *   },
 *   "response": {
 *     "status": 200,
 *     "headers": {"content-type": "text/event-stream; charset=utf-8", "msh-request-id": "..."},
 *     "stream": ["data: {...}", "", "data: [DONE]", ""],
 *                                     (each line without its "\n"; or "body": JSON written
 *                                      compact, "text", "base64")
 *     "event_ms": [0, 3, 9]           (with timing kept: each event's time since the headers)
 *   }
 * }
 * }</pre>
 *
 * A response body is written as JSON only when writing that JSON compact gives its bytes back, and
 * as lines only when it is UTF-8 ending in a line feed without a carriage return; otherwise as text
 * or base64: a replay sends the bytes recorded, byte for byte, whatever the form.
 */
final class CassetteFormat {

  /** The largest exchange file read, and the largest body recorded. */
  static final int MAX_BYTES = 64 << 20;

  /** What a scrubbed value becomes. */
  static final String SCRUBBED = "(scrubbed)";

  /**
   * The request headers a cassette leaves out: the connection's, which say nothing of the call and
   * change from run to run. Every other one is kept, for a reader (the SDK's, a trace context, a
   * team's own), a secret one ({@link SecretHeaders}) with its value scrubbed; none is matched on,
   * so a cassette of any version replays whatever headers it kept.
   */
  static final Set<String> UNRECORDED_HEADERS =
      Set.of(
          "host",
          "connection",
          "content-length",
          "transfer-encoding",
          "keep-alive",
          "expect",
          "upgrade",
          "http2-settings",
          "te",
          "trailer",
          "proxy-connection");

  /** The response headers a cassette keeps and replays; and those that start so. */
  static final Set<String> RESPONSE_HEADERS =
      Set.of(
          "content-type",
          "retry-after",
          "msh-request-id",
          "msh-context-cache-id",
          "x-request-id",
          "request-id",
          "x-trace-id");

  static final List<String> RESPONSE_HEADER_PREFIXES =
      List.of("x-ratelimit-", "anthropic-ratelimit-");

  /** Members whose values name a call, renamed in a request's canonical form. */
  static final Set<String> ID_MEMBERS = Set.of("id", "tool_call_id", "tool_use_id", "call_id");

  private CassetteFormat() {}

  /** One recorded exchange: its file's name, its request as written, and its response. */
  record Exchange(
      String file,
      JsonObject request,
      int status,
      Map<String, String> headers,
      byte[] body,
      boolean stream,
      List<Long> eventMillis) {

    String method() {
      return request.get("method").asString();
    }

    String path() {
      return request.get("path").asString();
    }

    /** The file's content. */
    JsonObject toJson() {
      JsonObject.Builder response = JsonObject.builder().put("status", status);
      response.put("headers", strings(headers));
      writeBody(response, headers.getOrDefault("content-type", ""), body, eventMillis);
      return JsonObject.builder()
          .put("format", Cassette.FORMAT)
          .put("version", Cassette.VERSION)
          .put("request", request)
          .put("response", response.build())
          .build();
    }

    /** The events of a stream, each with its blank line (the whole body, for any other answer). */
    List<byte[]> events() {
      if (!stream) {
        return List.of(body);
      }
      List<byte[]> out = new ArrayList<>();
      int start = 0;
      for (int i = 0; i < body.length; i++) {
        if (body[i] == '\n' && (i + 1 < body.length && body[i + 1] == '\n')) {
          out.add(java.util.Arrays.copyOfRange(body, start, i + 2));
          start = i + 2;
          i++;
        }
      }
      if (start < body.length) {
        out.add(java.util.Arrays.copyOfRange(body, start, body.length));
      }
      return out;
    }

    @Override
    public String toString() {
      return "Exchange[" + file + ": " + method() + " " + path() + " -> " + status + "]";
    }
  }

  /** What a cassette scrubs: the keys an exchange carried, and the names the user gave. */
  record Scrub(List<String> keys, Set<String> names) {

    Scrub {
      List<String> longEnough = new ArrayList<>();
      for (String k : keys) {
        // a key of a few characters would scrub unrelated text; real keys are long
        if (k != null && k.length() >= 8 && !longEnough.contains(k)) {
          longEnough.add(k);
        }
      }
      keys = List.copyOf(longEnough);
      names = Set.copyOf(names);
    }

    boolean named(String name) {
      return names.contains(name.toLowerCase(Locale.ROOT));
    }

    String text(String s) {
      for (String k : keys) {
        s = s.replace(k, SCRUBBED);
      }
      return s;
    }

    /** {@code v} with the keys replaced in every string and the named members' values scrubbed. */
    JsonValue json(JsonValue v) {
      if (v instanceof JsonString s) {
        String t = text(s.value());
        return t.equals(s.value()) ? s : JsonString.of(t);
      }
      if (v instanceof JsonArray a) {
        List<JsonValue> out = new ArrayList<>(a.size());
        a.values().forEach(e -> out.add(json(e)));
        return JsonArray.of(out);
      }
      if (v instanceof JsonObject o) {
        JsonObject.Builder b = JsonObject.builder();
        o.members().forEach((n, m) -> b.put(n, named(n) ? JsonString.of(SCRUBBED) : json(m)));
        return b.build();
      }
      return v;
    }

    /** A body's bytes scrubbed: the keys wherever they are, and named members of its JSON. */
    byte[] body(byte[] body, String contentType) {
      byte[] b = body;
      for (String k : keys) {
        b =
            replace(
                b, k.getBytes(StandardCharsets.UTF_8), SCRUBBED.getBytes(StandardCharsets.UTF_8));
      }
      if (names.isEmpty() || b.length == 0) {
        return b;
      }
      if (contentType.contains("text/event-stream")) {
        String text = utf8(b);
        if (text == null) {
          return b;
        }
        StringBuilder sb = new StringBuilder(text.length());
        for (String line : text.split("\n", -1)) {
          if (sb.length() > 0) {
            sb.append('\n');
          }
          sb.append(line.startsWith("data:") ? scrubData(line) : line);
        }
        return sb.toString().getBytes(StandardCharsets.UTF_8);
      }
      JsonValue json = parseOrNull(b);
      if (json == null) {
        return b;
      }
      JsonValue scrubbed = json(json);
      return scrubbed.equals(json) ? b : Json.writeBytes(scrubbed);
    }

    private String scrubData(String line) {
      String data = line.substring(5).stripLeading();
      JsonValue json = parseOrNull(data.getBytes(StandardCharsets.UTF_8));
      if (json == null) {
        return line;
      }
      JsonValue scrubbed = json(json);
      return scrubbed.equals(json) ? line : "data: " + Json.write(scrubbed);
    }
  }

  /** {@code b} with every {@code what} replaced by {@code with}. */
  static byte[] replace(byte[] b, byte[] what, byte[] with) {
    ByteArrayOutputStream out = null;
    int copied = 0;
    outer:
    for (int i = 0; i + what.length <= b.length; i++) {
      for (int j = 0; j < what.length; j++) {
        if (b[i + j] != what[j]) {
          continue outer;
        }
      }
      if (out == null) {
        out = new ByteArrayOutputStream(b.length);
      }
      out.write(b, copied, i - copied);
      out.writeBytes(with);
      copied = i + what.length;
      i = copied - 1;
    }
    if (out == null) {
      return b;
    }
    out.write(b, copied, b.length - copied);
    return out.toByteArray();
  }

  /**
   * The request as a cassette writes it: method, path (the query too), its headers but the
   * connection's ({@link #UNRECORDED_HEADERS}), in the order of their names, and the body,
   * scrubbed.
   */
  static JsonObject request(
      String method, String path, Map<String, List<String>> headers, byte[] body, Scrub scrub) {
    String contentType = first(headers, "content-type");
    Map<String, String> kept = new java.util.TreeMap<>();
    for (Map.Entry<String, List<String>> h : headers.entrySet()) {
      String name = h.getKey().toLowerCase(Locale.ROOT);
      if (h.getValue().isEmpty() || UNRECORDED_HEADERS.contains(name) || scrub.named(name)) {
        continue;
      }
      String v = String.join(", ", h.getValue());
      kept.put(
          name,
          SecretHeaders.named(name)
              ? SecretHeaders.shown(v, SCRUBBED)
              : scrub.text(name.equals("content-type") ? withoutBoundary(v) : v));
    }
    JsonObject.Builder b = JsonObject.builder().put("method", method).put("path", scrub.text(path));
    if (!kept.isEmpty()) {
      b.put("headers", strings(kept));
    }
    if (body.length == 0) {
      return b.build();
    }
    String boundary = contentType == null ? null : boundary(contentType);
    List<JsonValue> parts = boundary == null ? null : Multipart.parts(body, boundary, scrub);
    if (parts != null) {
      return b.put("multipart", JsonArray.of(parts)).build();
    }
    JsonValue json = parseOrNull(body);
    if (json != null) {
      return b.put("body", scrub.json(json)).build();
    }
    String text = utf8(body);
    return text != null
        ? b.put("text", scrub.text(text)).build()
        : b.put("base64", Base64.getEncoder().encodeToString(body)).build();
  }

  /**
   * The canonical form of a request as written, which replay matches on: method, path, and the body
   * with its volatile parts normalised (see {@link Cassette}).
   */
  static JsonObject canonical(JsonObject request) {
    JsonObject.Builder b =
        JsonObject.builder().put("method", request.get("method")).put("path", request.get("path"));
    for (String form : List.of("body", "multipart", "text", "base64")) {
      JsonValue v = request.get(form);
      if (v != null) {
        b.put(form, form.equals("body") ? normalised(v) : form.equals("multipart") ? fields(v) : v);
      }
    }
    return b.build();
  }

  /**
   * A multipart body's parts as a client's choices do not change them: each by its name, file name
   * and content (not the part's content type, which clients label differently), in the order of
   * their names (clients order the fields differently).
   */
  private static JsonValue fields(JsonValue parts) {
    if (!(parts instanceof JsonArray a)) {
      return parts;
    }
    List<JsonValue> out = new ArrayList<>();
    for (JsonValue p : a.values()) {
      if (p instanceof JsonObject o) {
        JsonObject.Builder b = JsonObject.builder();
        o.members()
            .forEach(
                (n, v) -> {
                  if (!n.equals("content_type")) {
                    b.put(n, v);
                  }
                });
        out.add(b.build());
      } else {
        out.add(p);
      }
    }
    out.sort(java.util.Comparator.comparing(Json::write));
    return JsonArray.of(out);
  }

  private static JsonValue normalised(JsonValue body) {
    if (body instanceof JsonObject o && o.has("stream_options")) {
      JsonObject.Builder b = JsonObject.builder();
      o.members()
          .forEach(
              (n, v) -> {
                if (!n.equals("stream_options")) {
                  b.put(n, v);
                }
              });
      body = b.build();
    }
    return normalised(body, new HashMap<>());
  }

  /** Without null members, with call ids renamed {@code #1}, {@code #2}... by first appearance. */
  private static JsonValue normalised(JsonValue v, Map<String, String> ids) {
    if (v instanceof JsonArray a) {
      List<JsonValue> out = new ArrayList<>(a.size());
      a.values().forEach(e -> out.add(normalised(e, ids)));
      return JsonArray.of(out);
    }
    if (v instanceof JsonObject o) {
      JsonObject.Builder b = JsonObject.builder();
      o.members()
          .forEach(
              (n, m) -> {
                if (m instanceof JsonNull) {
                  return;
                }
                if (ID_MEMBERS.contains(n) && m instanceof JsonString s) {
                  b.put(n, ids.computeIfAbsent(s.value(), k -> "#" + (ids.size() + 1)));
                } else {
                  b.put(n, normalised(m, ids));
                }
              });
      return b.build();
    }
    return v;
  }

  /**
   * The differences between a recorded canonical request and a sent one, at most {@code max}, each
   * "where: recorded X, sent Y", values cut short.
   */
  static List<String> differences(JsonValue recorded, JsonValue sent, int max) {
    List<String> out = new ArrayList<>();
    diff(recorded, sent, "$", out, max);
    return out;
  }

  private static void diff(JsonValue a, JsonValue b, String at, List<String> out, int max) {
    if (out.size() >= max || a.equals(b)) {
      return;
    }
    if (a instanceof JsonObject x && b instanceof JsonObject y) {
      Set<String> names = new LinkedHashSet<>(x.names());
      names.addAll(y.names());
      for (String n : names) {
        String where = at + "." + n;
        if (!y.has(n)) {
          add(out, max, where + ": recorded " + shown(x.get(n)) + ", sent nothing");
        } else if (!x.has(n)) {
          add(out, max, where + ": sent " + shown(y.get(n)) + ", recorded nothing");
        } else {
          diff(x.get(n), y.get(n), where, out, max);
        }
      }
      return;
    }
    if (a instanceof JsonArray x && b instanceof JsonArray y) {
      int common = Math.min(x.size(), y.size());
      for (int i = 0; i < common; i++) {
        diff(x.get(i), y.get(i), at + "[" + i + "]", out, max);
      }
      if (x.size() != y.size()) {
        add(out, max, at + ": recorded " + x.size() + " elements, sent " + y.size());
      }
      return;
    }
    add(out, max, at + ": recorded " + shown(a) + ", sent " + shown(b));
  }

  private static void add(List<String> out, int max, String difference) {
    if (out.size() < max) {
      out.add(difference);
    }
  }

  private static String shown(JsonValue v) {
    String s = Json.write(v);
    return s.length() <= 80 ? s : s.substring(0, 77) + "...";
  }

  /** The number of leaves that differ, up to {@code cap}: how near a recorded request is. */
  static int distance(JsonValue recorded, JsonValue sent, int cap) {
    return differences(recorded, sent, cap).size();
  }

  /** Writes the response body in the form that gives its bytes back. */
  private static void writeBody(
      JsonObject.Builder response, String contentType, byte[] body, List<Long> eventMillis) {
    if (body.length == 0) {
      return;
    }
    String text = utf8(body);
    if (contentType.contains("text/event-stream")
        && text != null
        && text.endsWith("\n")
        && text.indexOf('\r') < 0) {
      List<JsonValue> lines = new ArrayList<>();
      for (String line : text.substring(0, text.length() - 1).split("\n", -1)) {
        lines.add(JsonString.of(line));
      }
      response.put("stream", JsonArray.of(lines));
      if (eventMillis != null) {
        List<JsonValue> ms = new ArrayList<>();
        eventMillis.forEach(m -> ms.add(JsonNumber.of(m)));
        response.put("event_ms", JsonArray.of(ms));
      }
      return;
    }
    JsonValue json = parseOrNull(body);
    if (json != null && java.util.Arrays.equals(Json.writeBytes(json), body)) {
      response.put("body", json);
    } else if (text != null) {
      response.put("text", text);
    } else {
      response.put("base64", Base64.getEncoder().encodeToString(body));
    }
  }

  /** Writes an exchange to its file in {@code dir}, whole or not at all. */
  static void write(Path dir, Exchange e) {
    try {
      Files.createDirectories(dir);
      // not createTempFile, whose file only its owner may read: the cassette is a team's
      Path temp = dir.resolve("." + e.file() + ".writing");
      try {
        Files.writeString(temp, Json.writePretty(e.toJson()) + "\n", StandardCharsets.UTF_8);
        Files.move(temp, dir.resolve(e.file()), StandardCopyOption.ATOMIC_MOVE);
      } finally {
        Files.deleteIfExists(temp);
      }
    } catch (IOException x) {
      throw new UncheckedIOException("FakeKimiServer cannot write " + dir.resolve(e.file()), x);
    }
  }

  /** The exchange files of {@code dir} in their order: every {@code *.json} file, by name. */
  static List<Path> files(Path dir) {
    if (!Files.isDirectory(dir)) {
      return List.of();
    }
    try (var all = Files.list(dir)) {
      return all.filter(p -> p.getFileName().toString().endsWith(".json"))
          .filter(Files::isRegularFile)
          .sorted()
          .toList();
    } catch (IOException e) {
      throw new UncheckedIOException("FakeKimiServer cannot list " + dir, e);
    }
  }

  /**
   * Reads an exchange file.
   *
   * @throws IllegalArgumentException if it is not one, or of a later version, saying which file
   * @throws UncheckedIOException if it cannot be read
   */
  static Exchange read(Path file) {
    String name = file.getFileName().toString();
    byte[] bytes;
    try {
      if (Files.size(file) > MAX_BYTES) {
        throw new IllegalArgumentException(
            "cassette file " + file + " is over " + MAX_BYTES + " bytes");
      }
      bytes = Files.readAllBytes(file);
    } catch (IOException e) {
      throw new UncheckedIOException("FakeKimiServer cannot read " + file, e);
    }
    JsonValue json;
    try {
      json = Json.parse(bytes);
    } catch (JsonException e) {
      throw new IllegalArgumentException(
          "cassette file " + file + " is not JSON: " + e.getMessage(), e);
    }
    String problem = problem(json);
    if (problem != null) {
      throw new IllegalArgumentException("cassette file " + file + ": " + problem);
    }
    JsonObject request = json.get("request").asObject();
    JsonObject response = json.get("response").asObject();
    Map<String, String> headers = new LinkedHashMap<>();
    if (response.get("headers") instanceof JsonObject h) {
      h.members()
          .forEach(
              (n, v) ->
                  headers.put(
                      n.toLowerCase(Locale.ROOT),
                      v instanceof JsonString s ? s.value() : Json.write(v)));
    }
    List<Long> ms = null;
    if (response.get("event_ms") instanceof JsonArray a) {
      ms = new ArrayList<>();
      for (JsonValue v : a.values()) {
        ms.add(((JsonNumber) v).longValue());
      }
    }
    byte[] body = responseBody(response);
    boolean stream = headers.getOrDefault("content-type", "").contains("text/event-stream");
    return new Exchange(
        name, request, ((JsonNumber) response.get("status")).intValue(), headers, body, stream, ms);
  }

  /** What is wrong with an exchange file's content, or null. */
  private static String problem(JsonValue json) {
    if (!(json instanceof JsonObject o)
        || !(o.get("format") instanceof JsonString f)
        || !f.value().equals(Cassette.FORMAT)) {
      return "not a cassette exchange (no \"format\": \"" + Cassette.FORMAT + "\")";
    }
    if (!(o.get("version") instanceof JsonNumber v)) {
      return "no \"version\"";
    }
    if (v.bigDecimalValue().intValue() > Cassette.VERSION || v.bigDecimalValue().intValue() < 1) {
      return "version "
          + v
          + ", written by a later kimi-sdk-testing; this one reads version "
          + Cassette.VERSION
          + " and earlier";
    }
    if (!(o.get("request") instanceof JsonObject request)
        || !(request.get("method") instanceof JsonString)
        || !(request.get("path") instanceof JsonString p)
        || !p.value().startsWith("/")) {
      return "\"request\" needs a \"method\" and a \"path\" starting with /";
    }
    if (!(o.get("response") instanceof JsonObject response)
        || !(response.get("status") instanceof JsonNumber status)
        || status.doubleValue() < 100
        || status.doubleValue() > 999) {
      return "\"response\" needs a three-digit \"status\"";
    }
    if (response.get("stream") instanceof JsonArray lines) {
      for (JsonValue l : lines.values()) {
        if (!(l instanceof JsonString)) {
          return "\"response.stream\" holds lines: strings";
        }
      }
    }
    if (response.get("event_ms") != null
        && !(response.get("event_ms") instanceof JsonArray a
            && a.values().stream().allMatch(x -> x instanceof JsonNumber))) {
      return "\"response.event_ms\" holds numbers";
    }
    return null;
  }

  private static byte[] responseBody(JsonObject response) {
    if (response.get("stream") instanceof JsonArray lines) {
      StringBuilder sb = new StringBuilder();
      lines.values().forEach(l -> sb.append(l.asString()).append('\n'));
      return sb.toString().getBytes(StandardCharsets.UTF_8);
    }
    if (response.get("body") != null) {
      return Json.writeBytes(response.get("body"));
    }
    if (response.get("text") instanceof JsonString t) {
      return t.value().getBytes(StandardCharsets.UTF_8);
    }
    if (response.get("base64") instanceof JsonString b) {
      return Base64.getDecoder().decode(b.value());
    }
    return new byte[0];
  }

  /** The file name of the {@code seq}-th exchange: {@code 0001-post-v1-chat-completions.json}. */
  static String fileName(int seq, String method, String path) {
    int q = path.indexOf('?');
    String call = (method + "-" + (q >= 0 ? path.substring(0, q) : path)).toLowerCase(Locale.ROOT);
    String slug = call.replaceAll("[^a-z0-9]+", "-").replaceAll("^-|-$", "");
    if (slug.length() > 60) {
      slug = slug.substring(0, 60).replaceAll("-$", "");
    }
    return String.format(Locale.ROOT, "%04d-%s.json", seq, slug);
  }

  /** The order of an exchange file, from its name; 0 when it has none. */
  static int seq(Path file) {
    String name = file.getFileName().toString();
    int dash = name.indexOf('-');
    String digits = dash > 0 ? name.substring(0, dash) : "";
    return digits.matches("[0-9]{1,9}") ? Integer.parseInt(digits) : 0;
  }

  static JsonObject strings(Map<String, String> map) {
    JsonObject.Builder b = JsonObject.builder();
    map.forEach(b::put);
    return b.build();
  }

  static String first(Map<String, List<String>> headers, String name) {
    for (Map.Entry<String, List<String>> e : headers.entrySet()) {
      if (e.getKey().equalsIgnoreCase(name) && !e.getValue().isEmpty()) {
        return e.getValue().get(0);
      }
    }
    return null;
  }

  /** The boundary of a multipart/form-data content type, or null. */
  static String boundary(String contentType) {
    if (!contentType.toLowerCase(Locale.ROOT).startsWith("multipart/form-data")) {
      return null;
    }
    for (String param : contentType.split(";")) {
      String p = param.strip();
      if (p.regionMatches(true, 0, "boundary=", 0, 9)) {
        String b = p.substring(9);
        return b.length() > 1 && b.startsWith("\"") && b.endsWith("\"")
            ? b.substring(1, b.length() - 1)
            : b;
      }
    }
    return null;
  }

  private static String withoutBoundary(String contentType) {
    return boundary(contentType) != null ? "multipart/form-data" : contentType;
  }

  /** {@code b} decoded as strict UTF-8, or null. */
  static String utf8(byte[] b) {
    try {
      return StandardCharsets.UTF_8
          .newDecoder()
          .onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT)
          .decode(ByteBuffer.wrap(b))
          .toString();
    } catch (CharacterCodingException e) {
      return null;
    }
  }

  static JsonValue parseOrNull(byte[] b) {
    int i = 0;
    while (i < b.length && (b[i] == ' ' || b[i] == '\n' || b[i] == '\r' || b[i] == '\t')) {
      i++;
    }
    if (i == b.length || (b[i] != '{' && b[i] != '[')) {
      return null;
    }
    try {
      return Json.parse(b);
    } catch (RuntimeException notJson) {
      return null;
    }
  }

  /** A multipart/form-data body as its parts, without its boundary. */
  static final class Multipart {
    private Multipart() {}

    /** The parts, or null when the body is not well-formed multipart with this boundary. */
    static List<JsonValue> parts(byte[] body, String boundary, Scrub scrub) {
      byte[] delimiter = ("--" + boundary).getBytes(StandardCharsets.ISO_8859_1);
      int at = indexOf(body, delimiter, 0);
      if (at < 0) {
        return null;
      }
      List<JsonValue> parts = new ArrayList<>();
      byte[] next = ("\r\n--" + boundary).getBytes(StandardCharsets.ISO_8859_1);
      int pos = at + delimiter.length;
      while (true) {
        if (pos + 2 <= body.length && body[pos] == '-' && body[pos + 1] == '-') {
          return parts; // the closing delimiter
        }
        if (pos + 2 > body.length || body[pos] != '\r' || body[pos + 1] != '\n') {
          return null;
        }
        int headersEnd = indexOf(body, "\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1), pos + 2);
        if (headersEnd < 0) {
          return null;
        }
        String head = new String(body, pos + 2, headersEnd - pos - 2, StandardCharsets.UTF_8);
        int end = indexOf(body, next, headersEnd + 4);
        if (end < 0) {
          return null;
        }
        byte[] content = java.util.Arrays.copyOfRange(body, headersEnd + 4, end);
        parts.add(part(head, content, scrub));
        pos = end + next.length;
      }
    }

    private static JsonObject part(String head, byte[] content, Scrub scrub) {
      JsonObject.Builder b = JsonObject.builder();
      String type = null;
      for (String line : head.split("\r\n")) {
        int colon = line.indexOf(':');
        if (colon < 0) {
          continue;
        }
        String name = line.substring(0, colon).strip().toLowerCase(Locale.ROOT);
        String value = line.substring(colon + 1).strip();
        if (name.equals("content-disposition")) {
          String field = param(value, "name");
          String file = param(value, "filename");
          if (field != null) {
            b.put("name", field);
          }
          if (file != null) {
            b.put("filename", file);
          }
        } else if (name.equals("content-type")) {
          type = value;
        }
      }
      if (type != null) {
        b.put("content_type", type);
      }
      String text = utf8(content);
      if (text != null && text.indexOf('\0') < 0) {
        b.put("text", scrub.text(text));
      } else {
        b.put("base64", Base64.getEncoder().encodeToString(content));
      }
      return b.build();
    }

    private static String param(String disposition, String name) {
      for (String p : disposition.split(";")) {
        String s = p.strip();
        if (s.regionMatches(true, 0, name + "=", 0, name.length() + 1)) {
          String v = s.substring(name.length() + 1);
          return v.length() > 1 && v.startsWith("\"") && v.endsWith("\"")
              ? v.substring(1, v.length() - 1)
              : v;
        }
      }
      return null;
    }

    private static int indexOf(byte[] b, byte[] what, int from) {
      outer:
      for (int i = Math.max(0, from); i + what.length <= b.length; i++) {
        for (int j = 0; j < what.length; j++) {
          if (b[i + j] != what[j]) {
            continue outer;
          }
        }
        return i;
      }
      return -1;
    }
  }
}
