package io.github.kimisdk.testing;

import com.sun.net.httpserver.HttpExchange;
import io.github.kimisdk.json.JsonObject;
import io.github.kimisdk.testing.CassetteFormat.Exchange;
import io.github.kimisdk.testing.CassetteFormat.Scrub;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;
import java.util.function.LongSupplier;

/**
 * A {@link Cassette} in use by one server: the exchanges read from its folder, which of them were
 * played, and the recording of new ones through a client of the upstream.
 *
 * <p>Thread model: the server's exchange threads call {@link #replay} and {@link #forward}, several
 * at once. The recorded exchanges, their canonical forms, what was played and the next file's
 * number are guarded by {@code this}; forwarding runs outside the lock, on the calling thread,
 * which blocks on the upstream.
 */
final class CassetteDeck {

  private static final Set<String> NOT_FORWARDED =
      Set.of(
          "host",
          "connection",
          "content-length",
          "expect",
          "upgrade",
          "transfer-encoding",
          "keep-alive",
          "te",
          "trailer",
          "proxy-connection",
          "accept-encoding"); // the upstream then answers uncompressed: bytes a cassette can show

  private final Cassette cassette;
  private final Consumer<String> warnings;
  private final LongSupplier nanos;
  private final List<Exchange> exchanges = new ArrayList<>(); // guarded by this
  private final List<JsonObject> canonical = new ArrayList<>(); // guarded by this
  private final List<Boolean> played = new ArrayList<>(); // guarded by this
  private int next; // the next file's number; guarded by this
  private final HttpClient upstream; // null for a strict replay

  private CassetteDeck(Cassette cassette, Consumer<String> warnings, LongSupplier nanos) {
    this.cassette = cassette;
    this.warnings = warnings;
    this.nanos = nanos;
    this.upstream =
        cassette.upstream() == null
            ? null
            : HttpClient.newBuilder()
                .connectTimeout(Duration.ofSeconds(10))
                .followRedirects(HttpClient.Redirect.NEVER)
                .build();
  }

  /**
   * Opens a cassette: reads every exchange of its folder (a replay), or checks that it holds none
   * (a recording).
   *
   * @throws IllegalArgumentException if a file is not an exchange, or a recording's folder holds
   *     some already
   * @throws java.io.UncheckedIOException if the folder cannot be read
   */
  static CassetteDeck open(Cassette cassette, Consumer<String> warnings) {
    return open(cassette, warnings, System::nanoTime);
  }

  static CassetteDeck open(Cassette cassette, Consumer<String> warnings, LongSupplier nanos) {
    CassetteDeck deck = new CassetteDeck(cassette, warnings, nanos);
    List<Path> files = CassetteFormat.files(cassette.directory());
    if (cassette.mode() == Cassette.Mode.RECORD && !files.isEmpty()) {
      throw new IllegalArgumentException(
          cassette.directory()
              + " holds "
              + files.size()
              + " recorded exchanges already: delete them to record again, or replay the folder"
              + " and record what is missing (--replay DIR --record-missing URL)");
    }
    synchronized (deck) {
      for (Path f : files) {
        Exchange e = CassetteFormat.read(f);
        deck.exchanges.add(e);
        deck.canonical.add(CassetteFormat.canonical(e.request()));
        deck.played.add(false);
        deck.next = Math.max(deck.next, CassetteFormat.seq(f));
      }
      deck.next++;
    }
    return deck;
  }

  Cassette cassette() {
    return cassette;
  }

  /** The number of exchanges read or recorded so far. */
  synchronized int size() {
    return exchanges.size();
  }

  /** The scrubbing of one request: the keys it carries and the upstream's, and the names given. */
  Scrub scrub(RecordedRequest request) {
    List<String> keys = new ArrayList<>(List.of(key(request)));
    if (cassette.upstreamKeyOrNull() != null) {
      keys.add(cassette.upstreamKeyOrNull());
    }
    return new Scrub(keys, new LinkedHashSet<>(cassette.scrubbed()));
  }

  /** The key a request carries: a bearer token, or the Anthropic surface's header; "" if none. */
  static String key(RecordedRequest request) {
    String auth = request.header("Authorization").orElse("");
    return auth.regionMatches(true, 0, "Bearer ", 0, 7)
        ? auth.substring(7).strip()
        : request.header("x-api-key").orElse("").strip();
  }

  /** The request as this cassette writes it, scrubbed. */
  JsonObject written(RecordedRequest request) {
    String path = request.path();
    return CassetteFormat.request(
        request.method(), path, request.headers(), request.body(), scrub(request));
  }

  /**
   * Answers from the cassette: the recorded response of the first unplayed exchange whose request
   * matches (or of the last matching one, played again); for a request that matches none, a loud
   * miss when the cassette only replays, and null when it records what is missing (the caller
   * forwards it). A recording cassette answers nothing here.
   */
  FakeResponse replay(RecordedRequest request) {
    if (cassette.mode() == Cassette.Mode.RECORD) {
      return null;
    }
    JsonObject sent = CassetteFormat.canonical(written(request));
    Exchange hit = null;
    synchronized (this) {
      int again = -1;
      for (int i = 0; i < exchanges.size(); i++) {
        if (canonical.get(i).equals(sent)) {
          if (!played.get(i)) {
            played.set(i, true);
            hit = exchanges.get(i);
            break;
          }
          again = i;
        }
      }
      if (hit == null && again >= 0) {
        hit = exchanges.get(again);
      }
      if (hit == null && cassette.mode() == Cassette.Mode.REPLAY) {
        String miss = miss(request, sent);
        warnings.accept("FakeKimiServer: " + miss);
        return missed(request, miss);
      }
    }
    return hit == null ? null : response(hit);
  }

  /** The response a replay sends for {@code e}: its bytes, a stream event by event. */
  private FakeResponse response(Exchange e) {
    List<FakeResponse.Part> parts = new ArrayList<>();
    List<byte[]> events = e.events();
    List<Long> ms = cassette.timing() ? e.eventMillis() : null;
    long before = 0;
    for (int i = 0; i < events.size(); i++) {
      long at = ms != null && i < ms.size() ? Math.max(before, ms.get(i)) : before;
      parts.add(new FakeResponse.Part(Duration.ofMillis(at - before), events.get(i)));
      before = at;
    }
    return FakeResponse.raw(e.status(), replayed(e.headers()), parts, e.stream());
  }

  private static Map<String, String> replayed(Map<String, String> headers) {
    Map<String, String> h = new LinkedHashMap<>();
    headers.forEach((n, v) -> h.put(canonicalName(n), v));
    return h;
  }

  /** {@code content-type} as {@code Content-Type}: as servers usually spell headers. */
  private static String canonicalName(String name) {
    StringBuilder sb = new StringBuilder(name.length());
    boolean up = true;
    for (char c : name.toCharArray()) {
      sb.append(up ? Character.toUpperCase(c) : c);
      up = c == '-';
    }
    return sb.toString();
  }

  /** What a miss says: the call, the nearest recorded request and how the two differ. */
  private String miss(RecordedRequest request, JsonObject sent) {
    String call = request.method() + " " + RequestLog.part(FakeSurface.path(request), 200, "");
    StringBuilder sb =
        new StringBuilder("cassette ")
            .append(cassette.directory())
            .append(" holds no recorded exchange that matches ")
            .append(call)
            .append(". ");
    int best = -1;
    int bestScore = Integer.MAX_VALUE;
    Set<String> calls = new LinkedHashSet<>();
    for (int i = 0; i < exchanges.size(); i++) {
      Exchange e = exchanges.get(i);
      calls.add(e.method() + " " + e.path());
      int score =
          (e.method().equals(request.method()) ? 0 : 200_000)
              + (canonical.get(i).get("path").equals(sent.get("path")) ? 0 : 100_000)
              + CassetteFormat.distance(canonical.get(i), sent, 1000);
      if (score < bestScore) {
        best = i;
        bestScore = score;
      }
    }
    if (best < 0) {
      sb.append("It holds no exchange at all");
    } else if (bestScore >= 100_000) {
      List<String> some = new ArrayList<>(calls).subList(0, Math.min(calls.size(), 5));
      sb.append("None of its ")
          .append(exchanges.size())
          .append(" exchanges is a ")
          .append(call)
          .append(" (it holds ")
          .append(String.join(", ", some))
          .append(calls.size() > 5 ? ", ..." : "")
          .append(")");
    } else {
      List<String> d = CassetteFormat.differences(canonical.get(best), sent, 3);
      int all = CassetteFormat.distance(canonical.get(best), sent, 1000);
      sb.append("The nearest, ")
          .append(exchanges.get(best).file())
          .append(", differs at ")
          .append(String.join("; ", d))
          .append(all > d.size() ? " (and " + (all - d.size()) + " more)" : "");
    }
    sb.append(
        ". Record it (--record-missing, or KIMI_RECORD with Cassette.fromEnv), or send what was"
            + " recorded.");
    return sb.toString();
  }

  private static FakeResponse missed(RecordedRequest request, String message) {
    return FakeSurface.of(request) instanceof MessagesSurface
        ? MessagesSurface.error(404, "cassette_miss_error", message)
        : FakeModel.error(404, "cassette_miss_error", message);
  }

  /**
   * Forwards {@code request} to the upstream and relays its answer to {@code exchange} as it comes
   * (a stream event by event), then appends the exchange to the cassette. {@code answering} sees
   * the answer before its first byte is sent (a stream's without its body). Returns what was sent,
   * for the server's log; or, not sent, a 502 {@code upstream_error} when the upstream could not be
   * reached, for the caller to send.
   *
   * @throws IOException if the client went away; nothing is recorded then
   */
  Forwarded forward(
      RecordedRequest request, HttpExchange exchange, Consumer<FakeResponse> answering)
      throws IOException {
    JsonObject written = written(request);
    Scrub scrub = scrub(request);
    int seq;
    synchronized (this) {
      seq = next++;
    }
    URI target = target(request.path());
    HttpResponse<InputStream> answer;
    try {
      answer =
          upstream.send(
              upstreamRequest(request, target), HttpResponse.BodyHandlers.ofInputStream());
    } catch (IOException | IllegalArgumentException e) {
      return new Forwarded(unreachable(e), false);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return new Forwarded(unreachable(e), false);
    }
    Map<String, String> headers = keptHeaders(answer, scrub);
    boolean stream = headers.getOrDefault("content-type", "").contains("text/event-stream");
    byte[] body;
    List<Long> ms = null;
    FakeResponse sent;
    try (InputStream in = answer.body()) {
      if (!stream) {
        body = in.readNBytes(CassetteFormat.MAX_BYTES + 1);
        if (body.length > CassetteFormat.MAX_BYTES) {
          return new Forwarded(tooLarge(), false);
        }
        // recorded before the client has it all: a client that saw its answer sees the file
        record(seq, request, written, answer.statusCode(), headers, body, scrub, false, null);
        sent =
            FakeResponse.raw(
                answer.statusCode(),
                replayed(headers),
                List.of(new FakeResponse.Part(Duration.ZERO, body)),
                false);
        answering.accept(sent);
        headers.forEach((n, v) -> exchange.getResponseHeaders().set(canonicalName(n), v));
        exchange.sendResponseHeaders(answer.statusCode(), body.length == 0 ? -1 : body.length);
        exchange.getResponseBody().write(body);
      } else {
        sent = FakeResponse.raw(answer.statusCode(), replayed(headers), List.of(), true);
        answering.accept(sent);
        headers.forEach((n, v) -> exchange.getResponseHeaders().set(canonicalName(n), v));
        exchange.sendResponseHeaders(answer.statusCode(), 0);
        exchange.getResponseBody().flush(); // every JDK: JDK 25 holds them until a write
        if (cassette.timing()) {
          ms = new ArrayList<>();
        }
        body = relay(in, exchange.getResponseBody(), ms);
        sent =
            FakeResponse.raw(
                answer.statusCode(),
                replayed(headers),
                List.of(new FakeResponse.Part(Duration.ZERO, body)),
                true);
        // recorded before the stream's last chunk, which the server sends when the exchange closes
        record(seq, request, written, answer.statusCode(), headers, body, scrub, true, ms);
      }
    }
    return new Forwarded(sent, true);
  }

  private void record(
      int seq,
      RecordedRequest request,
      JsonObject written,
      int status,
      Map<String, String> headers,
      byte[] body,
      Scrub scrub,
      boolean stream,
      List<Long> ms) {
    Exchange e =
        new Exchange(
            CassetteFormat.fileName(seq, request.method(), request.path()),
            written,
            status,
            headers,
            scrub.body(body, headers.getOrDefault("content-type", "")),
            stream,
            ms);
    CassetteFormat.write(cassette.directory(), e);
    synchronized (this) {
      exchanges.add(e);
      canonical.add(CassetteFormat.canonical(written));
      played.add(true);
    }
  }

  /**
   * What {@link #forward} did: {@code sent}, the upstream's answer relayed (and recorded), or not,
   * and {@code response} is the fake's error for the caller to send.
   */
  record Forwarded(FakeResponse response, boolean sent) {}

  /**
   * Copies a stream to the client as it arrives, flushing each read, and returns what came; {@code
   * ms}, when not null, gets the time of each event's end since the headers.
   */
  private byte[] relay(InputStream in, OutputStream out, List<Long> ms) throws IOException {
    long start = nanos.getAsLong();
    ByteArrayOutputStream captured = new ByteArrayOutputStream();
    byte[] buf = new byte[8192];
    int previous = -1; // the last byte seen, to find blank lines across reads
    for (int n = in.read(buf); n >= 0; n = in.read(buf)) {
      out.write(buf, 0, n);
      out.flush();
      if (captured.size() + n > CassetteFormat.MAX_BYTES) {
        throw new IOException(
            "the upstream's stream is over " + CassetteFormat.MAX_BYTES + " bytes: not recorded");
      }
      captured.write(buf, 0, n);
      for (int i = 0; i < n; i++) {
        if (ms != null && buf[i] == '\n' && previous == '\n') {
          ms.add((nanos.getAsLong() - start) / 1_000_000);
        }
        previous = buf[i];
      }
    }
    byte[] body = captured.toByteArray();
    if (ms != null
        && body.length > 0
        && !(body.length >= 2 && body[body.length - 1] == '\n' && body[body.length - 2] == '\n')) {
      ms.add((nanos.getAsLong() - start) / 1_000_000); // a last event without its blank line
    }
    return body;
  }

  /** The upstream URL of a path: below the base URL's path for {@code /v1/...}, else the host's. */
  URI target(String path) {
    URI base = cassette.upstream();
    String origin = base.getScheme() + "://" + base.getRawAuthority();
    String basePath = base.getRawPath() == null ? "" : base.getRawPath();
    if (path.equals("/v1") || path.startsWith("/v1/") || path.startsWith("/v1?")) {
      return URI.create(origin + basePath + path.substring(3));
    }
    return URI.create(origin + path);
  }

  private HttpRequest upstreamRequest(RecordedRequest request, URI target) {
    byte[] body = request.body();
    HttpRequest.Builder b =
        HttpRequest.newBuilder(target)
            .timeout(Duration.ofMinutes(10))
            .method(
                request.method(),
                body.length == 0
                    ? HttpRequest.BodyPublishers.noBody()
                    : HttpRequest.BodyPublishers.ofByteArray(body));
    String key = cassette.upstreamKeyOrNull();
    boolean keySent = false;
    for (Map.Entry<String, List<String>> h : request.headers().entrySet()) {
      String name = h.getKey().toLowerCase(Locale.ROOT);
      if (NOT_FORWARDED.contains(name)) {
        continue;
      }
      for (String value : h.getValue()) {
        String v = value;
        if (key != null && name.equals("authorization")) {
          v = "Bearer " + key;
          keySent = true;
        } else if (key != null && name.equals("x-api-key")) {
          v = key;
          keySent = true;
        }
        try {
          b.header(h.getKey(), v);
        } catch (IllegalArgumentException restricted) {
          // a header the JDK's client sets itself
        }
      }
    }
    if (key != null && !keySent) {
      b.header("Authorization", "Bearer " + key);
    }
    return b.build();
  }

  private static Map<String, String> keptHeaders(HttpResponse<?> answer, Scrub scrub) {
    Map<String, String> kept = new LinkedHashMap<>();
    answer
        .headers()
        .map()
        .forEach(
            (name, values) -> {
              String n = name.toLowerCase(Locale.ROOT);
              boolean keep =
                  CassetteFormat.RESPONSE_HEADERS.contains(n)
                      || CassetteFormat.RESPONSE_HEADER_PREFIXES.stream().anyMatch(n::startsWith);
              if (keep && !scrub.named(n) && !values.isEmpty()) {
                kept.put(n, scrub.text(String.join(", ", values)));
              }
            });
    return kept;
  }

  private FakeResponse unreachable(Exception e) {
    String message =
        "FakeKimiServer could not reach the upstream "
            + cassette.upstream()
            + ": "
            + (e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage());
    warnings.accept(message);
    return FakeModel.error(502, "upstream_error", message);
  }

  private FakeResponse tooLarge() {
    String message =
        "the upstream's answer is over " + CassetteFormat.MAX_BYTES + " bytes: not recorded";
    warnings.accept("FakeKimiServer: " + message);
    return FakeModel.error(502, "upstream_error", message);
  }

  @Override
  public String toString() {
    return "CassetteDeck[" + cassette + "]";
  }
}
