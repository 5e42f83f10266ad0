package io.github.kimisdk.testing;

import io.github.kimisdk.json.Json;
import io.github.kimisdk.json.JsonObject;
import io.github.kimisdk.json.JsonString;
import io.github.kimisdk.json.JsonValue;
import io.github.kimisdk.tool.ToolCall;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * A scripted response for {@link FakeKimiServer#enqueue(FakeResponse)}: what the model says ({@link
 * #reply(String)}, {@link #toolCalls(ToolCall...)}), or a JSON body, an event stream, an error, or
 * raw bytes. Instances are immutable; the {@code with*} methods return copies.
 *
 * <pre>{@code
 * server.enqueue(FakeResponse.toolCalls(
 *     ToolCall.function(null, "get_weather", "{\"city\":\"Paris\"}")));
 * server.enqueue(FakeResponse.reply("Sunny in Paris."));   // streamed if the request streams
 * server.enqueue(FakeResponse.json("{\"id\":\"chatcmpl-1\",\"choices\":[]}"));
 * server.enqueue(FakeResponse.error(429, "{\"error\":{\"type\":\"engine_overloaded_error\"}}")
 *     .withHeader("Retry-After", "2"));
 * server.enqueue(FakeResponse.stream(List.of(chunk1, chunk2)));   // then data: [DONE]
 * server.enqueue(FakeResponse.sse().data(chunk1).pause(Duration.ofMillis(50)).data(chunk2).build());
 * }</pre>
 */
public final class FakeResponse {

  /** One piece of body, written and flushed after an optional pause. */
  record Part(Duration pauseBefore, byte[] bytes) {}

  /** The bytes of a part that closes the connection abruptly instead of writing. */
  static final byte[] DROP = new byte[0];

  /**
   * What the model says in a typed reply, which the server's model writes out for the request it
   * answers: {@code text} (null for tool calls) or {@code calls} (empty for text).
   */
  record Answer(String text, List<ToolCall> calls) {
    Answer {
      calls = List.copyOf(calls);
    }
  }

  private final int status;
  private final Map<String, String> headers;
  private final List<Part> parts;
  private final boolean streamed;
  private final boolean holdOpen;
  private final Duration headersDelay;
  private final Answer answer; // null unless a typed reply, written out when served
  private final FileBody file; // null unless the body is read from a file when sent

  private FakeResponse(
      int status,
      Map<String, String> headers,
      List<Part> parts,
      boolean streamed,
      boolean holdOpen) {
    this(status, headers, parts, streamed, holdOpen, Duration.ZERO, null, null);
  }

  private FakeResponse(
      int status,
      Map<String, String> headers,
      List<Part> parts,
      boolean streamed,
      boolean holdOpen,
      Duration headersDelay,
      Answer answer,
      FileBody file) {
    if (status < 100 || status > 999) {
      throw new IllegalArgumentException("status must be a 3-digit HTTP status: " + status);
    }
    this.status = status;
    this.headers = Collections.unmodifiableMap(new LinkedHashMap<>(headers));
    this.parts = List.copyOf(parts);
    this.streamed = streamed;
    this.holdOpen = holdOpen;
    this.headersDelay = Objects.requireNonNull(headersDelay, "headersDelay");
    this.answer = answer;
    this.file = file;
  }

  /**
   * Returns the model's answer {@code text}: a chat completion, or an event stream of its chunks
   * when the request streams, shaped as the server's own model shapes its answers (ids, usage
   * counted, {@code reasoning_content} first when the model thinks, {@code max_tokens} cutting it
   * short with {@code finish_reason} {@code length}), and over the Messages protocol a message or
   * its events. The request is still judged by Kimi's rules: one Kimi would refuse gets Kimi's
   * error instead (unless the server is {@link FakeKimiServer#lenient() lenient}).
   *
   * @param text the assistant's content
   * @return the response
   * @throws NullPointerException if {@code text} is null
   */
  public static FakeResponse reply(String text) {
    return typed(new Answer(Objects.requireNonNull(text, "text"), List.of()));
  }

  /**
   * Returns the model's answer calling tools, in parallel when there are several: {@code
   * finish_reason} {@code tool_calls}, streamed when the request streams (each call's arguments in
   * pieces), over either wire protocol, as {@link #reply(String)} does. A call without an id gets
   * one as the server's model makes them ({@code functions.get_weather:0}, or per turn, see {@link
   * FakeKimiServer#toolCallIds}); blank arguments are sent as {@code {}}. The tools need not be
   * declared in the request; the results sent back are checked as Kimi checks them (every call
   * answered, in order, before the next message).
   *
   * <pre>{@code
   * server.enqueue(FakeResponse.toolCalls(
   *     ToolCall.function(null, "get_weather", "{\"city\":\"Paris\"}"),
   *     ToolCall.function(null, "get_time", "{\"zone\":\"Europe/Paris\"}")));
   * }</pre>
   *
   * @param calls the calls, at least one, each with a name
   * @return the response
   * @throws IllegalArgumentException if there is no call, or a call has no name
   * @throws NullPointerException if a call is null
   */
  public static FakeResponse toolCalls(ToolCall... calls) {
    List<ToolCall> list = List.of(calls);
    if (list.isEmpty()) {
      throw new IllegalArgumentException("toolCalls needs at least one call");
    }
    for (ToolCall c : list) {
      if (c.name() == null || c.name().isBlank()) {
        throw new IllegalArgumentException("every tool call needs a name: " + c);
      }
    }
    return typed(new Answer(null, list));
  }

  private static FakeResponse typed(Answer answer) {
    return new FakeResponse(200, Map.of(), List.of(), false, false, Duration.ZERO, answer, null);
  }

  /**
   * Returns a 200 response with a JSON body.
   *
   * @param body the JSON text, sent as is
   * @return the response
   */
  public static FakeResponse json(String body) {
    return json(200, body);
  }

  /**
   * Returns a response with a status and a JSON body.
   *
   * @param status the HTTP status
   * @param body the JSON text, sent as is
   * @return the response
   */
  public static FakeResponse json(int status, String body) {
    return body(status, "application/json", body);
  }

  /**
   * Returns an error response with a JSON body, such as {@code
   * {"error":{"type":"rate_limit_reached_error","message":"..."}}}.
   *
   * @param status the HTTP status
   * @param body the body, sent as is
   * @return the response
   */
  public static FakeResponse error(int status, String body) {
    return json(status, body);
  }

  /**
   * Returns a response with any status, content type and body, for example an HTML gateway page.
   *
   * @param status the HTTP status
   * @param contentType the {@code Content-Type} header
   * @param body the body, sent as UTF-8
   * @return the response
   */
  public static FakeResponse body(int status, String contentType, String body) {
    Objects.requireNonNull(body, "body");
    Map<String, String> h = new LinkedHashMap<>();
    h.put("Content-Type", Objects.requireNonNull(contentType, "contentType"));
    return new FakeResponse(
        status,
        h,
        List.of(new Part(Duration.ZERO, body.getBytes(StandardCharsets.UTF_8))),
        false,
        false);
  }

  /**
   * Returns a 200 event stream sending each chunk as {@code data: <chunk>}, then {@code data:
   * [DONE]}.
   *
   * @param chunks the chunk JSON texts, one per event
   * @return the response
   */
  public static FakeResponse stream(List<String> chunks) {
    return stream(chunks, Duration.ZERO);
  }

  /**
   * Returns a 200 event stream sending each chunk after a pause, then {@code data: [DONE]}.
   *
   * @param chunks the chunk JSON texts, one per event
   * @param pauseBetween the pause before each chunk
   * @return the response
   */
  public static FakeResponse stream(List<String> chunks, Duration pauseBetween) {
    SseBuilder b = sse();
    for (String c : chunks) {
      b.pause(pauseBetween).data(c);
    }
    return b.done().build();
  }

  /**
   * Returns a 200 event stream whose body is exactly {@code text}, for malformed or truncated
   * streams.
   *
   * @param text the raw SSE text
   * @return the response
   */
  public static FakeResponse rawSse(String text) {
    return sse().raw(text).build();
  }

  /**
   * Returns a response that closes the connection without sending any response headers, as a
   * crashed server or a resetting proxy does. Combine with {@link #withHeadersDelay(Duration)} for
   * a stall followed by the reset.
   *
   * @return the response
   */
  public static FakeResponse resetBeforeHeaders() {
    return sse().dropConnection().build();
  }

  /**
   * Returns a builder for an event stream with per-event pauses.
   *
   * @return the builder
   */
  public static SseBuilder sse() {
    return new SseBuilder();
  }

  /**
   * Returns a response replaying a recorded fixture file: a {@code .chunks.txt} file is streamed
   * one line per event followed by {@code data: [DONE]}; any other file is a JSON body, sent with
   * the status its {@code error.type} implies (for example 404 for {@code
   * resource_not_found_error}) or 200 when it is not an error.
   *
   * @param file the fixture
   * @return the response
   * @throws UncheckedIOException if the file cannot be read
   */
  public static FakeResponse fixture(Path file) {
    try {
      return fixture(file.getFileName().toString(), Files.readString(file, StandardCharsets.UTF_8));
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot read fixture " + file, e);
    }
  }

  /**
   * Returns a response replaying fixture content, as {@link #fixture(Path)} does; useful for
   * fixtures read from the class path.
   *
   * @param fileName the fixture's file name, which selects the format ({@code .chunks.txt} or not)
   * @param content the fixture's content
   * @return the response
   */
  public static FakeResponse fixture(String fileName, String content) {
    if (fileName.endsWith(".chunks.txt")) {
      List<String> lines = new ArrayList<>();
      for (String line : content.split("\r?\n")) {
        if (!line.isBlank()) {
          lines.add(line.strip());
        }
      }
      return stream(lines);
    }
    return json(statusFor(content), content);
  }

  static int statusFor(String json) {
    JsonValue v;
    try {
      v = Json.parse(json);
    } catch (RuntimeException e) {
      return 200;
    }
    if (!(v instanceof JsonObject o) || !(o.get("error") instanceof JsonObject e)) {
      return 200;
    }
    String type = e.get("type") instanceof JsonString s ? s.value() : "";
    return switch (type) {
      case "invalid_authentication_error", "incorrect_api_key_error" -> 401;
      case "permission_denied_error", "access_terminated_error" -> 403;
      case "resource_not_found_error" -> 404;
      case "engine_overloaded_error", "rate_limit_reached_error", "exceeded_current_quota_error" ->
          429;
      case "server_error", "unexpected_output" -> 500;
      case "server_unavailable" -> 503;
      default -> 400;
    };
  }

  /**
   * Returns a copy with one more response header (replacing a header of the same name).
   *
   * @param name the header name
   * @param value the header value
   * @return the new response
   */
  public FakeResponse withHeader(String name, String value) {
    Map<String, String> h = new LinkedHashMap<>(headers);
    h.keySet().removeIf(k -> k.equalsIgnoreCase(name));
    h.put(Objects.requireNonNull(name, "name"), Objects.requireNonNull(value, "value"));
    return new FakeResponse(status, h, parts, streamed, holdOpen, headersDelay, answer, file);
  }

  /** Returns a copy without the header {@code name}, in any case. */
  FakeResponse withoutHeader(String name) {
    Map<String, String> h = new LinkedHashMap<>(headers);
    h.keySet().removeIf(k -> k.equalsIgnoreCase(name));
    return new FakeResponse(status, h, parts, streamed, holdOpen, headersDelay, answer, file);
  }

  /**
   * Returns a copy with another status.
   *
   * @param status the HTTP status
   * @return the new response
   */
  public FakeResponse withStatus(int status) {
    return new FakeResponse(status, headers, parts, streamed, holdOpen, headersDelay, answer, file);
  }

  /**
   * Returns a copy that waits before sending the response headers, for timeout and cancellation
   * tests.
   *
   * @param delay the wait; not negative
   * @return the new response
   */
  public FakeResponse withHeadersDelay(Duration delay) {
    if (delay.isNegative()) {
      throw new IllegalArgumentException("delay must not be negative: " + delay);
    }
    return new FakeResponse(status, headers, parts, streamed, holdOpen, delay, answer, file);
  }

  /**
   * Returns a copy that keeps the connection open after the last byte, sending SSE comment lines
   * until the client disconnects or the server closes, as some proxies do after {@code [DONE]}. The
   * server records the disconnect (see {@link FakeKimiServer#awaitDisconnect(Duration)}).
   *
   * @return the new response
   */
  public FakeResponse holdingOpen() {
    return new FakeResponse(status, headers, parts, true, true, headersDelay, answer, file);
  }

  /** A body sent from a file, {@code length} bytes from {@code offset}, never read into memory. */
  record FileBody(Path path, long offset, long length) {}

  /** Returns a response whose body is sent from a file as it is read (a stored file's content). */
  static FakeResponse file(int status, String contentType, FileBody body) {
    return new FakeResponse(
        status,
        Map.of("Content-Type", contentType),
        List.of(),
        false,
        false,
        Duration.ZERO,
        null,
        Objects.requireNonNull(body, "body"));
  }

  /** The body to send from a file, or null. */
  FileBody file() {
    return file;
  }

  /** Returns a response of these bytes as they are: a cassette's, replayed or relayed. */
  static FakeResponse raw(
      int status, Map<String, String> headers, List<Part> parts, boolean streamed) {
    return new FakeResponse(status, headers, parts, streamed, false);
  }

  /** Returns a copy with other body parts (the Messages translation). */
  FakeResponse withParts(List<Part> parts) {
    return new FakeResponse(status, headers, parts, streamed, holdOpen, headersDelay, answer, file);
  }

  /** What the model says, for a typed reply; null for any other response. */
  Answer answer() {
    return answer;
  }

  /**
   * Returns the model's {@code written} answer to this typed reply with this reply's status,
   * headers, headers delay and holding open; an error (the request broke one of Kimi's rules) is
   * returned as it is.
   */
  FakeResponse written(FakeResponse written) {
    if (written.status / 100 != 2) {
      return written;
    }
    Map<String, String> h = new LinkedHashMap<>(written.headers);
    headers.forEach(
        (name, value) -> {
          h.keySet().removeIf(k -> k.equalsIgnoreCase(name));
          h.put(name, value);
        });
    return new FakeResponse(
        status,
        h,
        written.parts,
        written.streamed || holdOpen,
        holdOpen,
        headersDelay,
        null,
        written.file);
  }

  int status() {
    return status;
  }

  Map<String, String> headers() {
    return headers;
  }

  List<Part> parts() {
    return parts;
  }

  boolean streamed() {
    return streamed;
  }

  boolean holdOpen() {
    return holdOpen;
  }

  Duration headersDelay() {
    return headersDelay;
  }

  @Override
  public String toString() {
    if (answer != null) {
      List<String> names = new ArrayList<>();
      answer.calls().forEach(c -> names.add(c.name()));
      return "FakeResponse["
          + (answer.text() != null
              ? "reply, " + answer.text().length() + " chars"
              : "tool calls " + String.join(", ", names))
          + (status != 200 ? ", status=" + status : "")
          + "]";
    }
    long bytes =
        file != null ? file.length() : parts.stream().mapToInt(p -> p.bytes().length).sum();
    return "FakeResponse[status="
        + status
        + ", "
        + headers.getOrDefault("Content-Type", "no content type")
        + ", "
        + bytes
        + " bytes"
        + (holdOpen ? ", held open" : "")
        + "]";
  }

  /** Builds an event-stream response step by step. */
  public static final class SseBuilder {
    private final List<Part> parts = new ArrayList<>();
    private Duration pending = Duration.ZERO;
    private int status = 200;

    private SseBuilder() {}

    /**
     * Adds an event {@code data: <payload>} (a multi-line payload becomes several data lines).
     *
     * @param payload the event data, usually one chunk's JSON
     * @return this builder
     */
    public SseBuilder data(String payload) {
      StringBuilder sb = new StringBuilder();
      for (String line : payload.split("\n", -1)) {
        sb.append("data: ").append(line).append('\n');
      }
      return raw(sb.append('\n').toString());
    }

    /**
     * Adds a comment line {@code : <text>}, which clients ignore.
     *
     * @param text the comment
     * @return this builder
     */
    public SseBuilder comment(String text) {
      return raw(": " + text + "\n\n");
    }

    /**
     * Adds the terminating event {@code data: [DONE]}.
     *
     * @return this builder
     */
    public SseBuilder done() {
      return raw("data: [DONE]\n\n");
    }

    /**
     * Adds raw text to the stream, flushed as one piece.
     *
     * @param text the text
     * @return this builder
     */
    public SseBuilder raw(String text) {
      parts.add(new Part(pending, text.getBytes(StandardCharsets.UTF_8)));
      pending = Duration.ZERO;
      return this;
    }

    /**
     * Pauses before the next piece.
     *
     * @param pause the pause; zero for none
     * @return this builder
     */
    public SseBuilder pause(Duration pause) {
      if (pause.isNegative()) {
        throw new IllegalArgumentException("pause must not be negative: " + pause);
      }
      pending = pending.plus(pause);
      return this;
    }

    /**
     * Closes the connection abruptly at this point (after any pending pause), without the chunked
     * encoding's end marker, so the client sees the connection break rather than a clean end of the
     * body. Nothing added after it is sent. As the first piece, no response headers are sent.
     *
     * @return this builder
     */
    public SseBuilder dropConnection() {
      parts.add(new Part(pending, DROP));
      pending = Duration.ZERO;
      return this;
    }

    /**
     * Sets the HTTP status (default 200).
     *
     * @param status the status
     * @return this builder
     */
    public SseBuilder status(int status) {
      this.status = status;
      return this;
    }

    /**
     * Builds the response.
     *
     * @return the response
     */
    public FakeResponse build() {
      List<Part> all = new ArrayList<>(parts);
      if (!pending.isZero()) {
        all.add(new Part(pending, new byte[0]));
      }
      Map<String, String> h = new LinkedHashMap<>();
      h.put("Content-Type", "text/event-stream; charset=utf-8");
      h.put("Cache-Control", "no-cache");
      return new FakeResponse(status, h, all, true, false);
    }
  }
}
