package io.github.kimisdk.testing;

import io.github.kimisdk.json.Json;
import io.github.kimisdk.json.JsonObject;
import io.github.kimisdk.json.JsonValue;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * One request {@link FakeKimiServer} received, for assertions: method, path, headers and body, and
 * once answered, the status and error the fake answered with.
 *
 * <pre>{@code
 * RecordedRequest r = server.takeRequest();
 * assertThat(r.path()).isEqualTo("/v1/chat/completions");
 * assertThat(r.header("Authorization")).contains("Bearer test-key");
 * assertThat(r.json().toString()).contains("\"stream\":true");
 * assertThat(r.status()).isEqualTo(200);
 * // the fake refused nothing a client sent:
 * assertThat(server.requests()).allSatisfy(q -> assertThat(q.error()).isEmpty());
 * }</pre>
 *
 * <p>Thread safety: the request is immutable but for its answer, which the server's thread sets
 * once, before the first byte of the answer is sent (a {@code volatile} write); a client that read
 * any of the answer sees it set.
 */
public final class RecordedRequest {

  private final String method;
  private final String path;
  private final Map<String, List<String>> headers;
  private final byte[] body; // empty when spooled
  private final java.nio.file.Path spool; // the body's file when it was too large to keep, or null
  private final long size;
  private volatile int status; // 0 until answered
  private volatile JsonObject error; // null: none
  private volatile JsonObject read; // null: no model read it
  private volatile List<FakeRules.Ignored> ignored = List.of(); // what the model took and ignored

  RecordedRequest(String method, String path, Map<String, List<String>> headers, byte[] body) {
    this(method, path, headers, body.clone(), null, body.length);
  }

  /** A request whose body of {@code size} bytes is kept in {@code spool}, read when asked for. */
  RecordedRequest(
      String method,
      String path,
      Map<String, List<String>> headers,
      java.nio.file.Path spool,
      long size) {
    this(method, path, headers, new byte[0], spool, size);
  }

  private RecordedRequest(
      String method,
      String path,
      Map<String, List<String>> headers,
      byte[] body,
      java.nio.file.Path spool,
      long size) {
    this.method = method;
    this.path = path;
    TreeMap<String, List<String>> copy = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
    headers.forEach((k, v) -> copy.put(k, List.copyOf(new ArrayList<>(v))));
    this.headers = Collections.unmodifiableMap(copy);
    this.body = body;
    this.spool = spool;
    this.size = size;
  }

  /** The file holding the body, or null when the body is in memory. */
  java.nio.file.Path spool() {
    return spool;
  }

  /** The body's size in bytes. */
  long size() {
    return size;
  }

  /**
   * Returns the HTTP method, such as {@code POST}.
   *
   * @return the method
   */
  public String method() {
    return method;
  }

  /**
   * Returns the request path with its query, such as {@code /v1/chat/completions}.
   *
   * @return the path
   */
  public String path() {
    return path;
  }

  /**
   * Returns all request headers, keyed case-insensitively.
   *
   * @return the headers
   */
  public Map<String, List<String>> headers() {
    return headers;
  }

  /**
   * Returns the first value of a header.
   *
   * @param name the header name, any case
   * @return the value, or empty when absent
   */
  public Optional<String> header(String name) {
    List<String> v = headers.get(name);
    return v == null || v.isEmpty() ? Optional.empty() : Optional.of(v.get(0));
  }

  /**
   * Returns a copy of the raw body bytes. A large upload's body is kept in a file of the server's
   * and read from it here; once the server is closed it is empty.
   *
   * @return the body; empty when there was none
   */
  public byte[] body() {
    if (spool != null) {
      try {
        return java.nio.file.Files.readAllBytes(spool);
      } catch (java.io.IOException gone) {
        return new byte[0];
      }
    }
    return body.clone();
  }

  /**
   * Returns the body decoded as UTF-8.
   *
   * @return the body text
   */
  public String bodyText() {
    return new String(spool != null ? body() : body, StandardCharsets.UTF_8);
  }

  /**
   * Returns the body parsed as JSON.
   *
   * @return the JSON tree, or null when the body is empty or not JSON
   */
  public JsonValue json() {
    byte[] b = spool != null ? body() : body;
    if (b.length == 0) {
      return null;
    }
    try {
      return Json.parse(b);
    } catch (RuntimeException e) {
      return null;
    }
  }

  /**
   * Returns the HTTP status the fake answered this request with: 200 for an answer (a stream's
   * too), Kimi's status for a refusal (400, 401, 404, 429, ...), the scripted status of a scripted
   * response. 0 while the request is not answered yet, and for a connection the fake dropped before
   * any status (a scripted {@link FakeResponse#resetBeforeHeaders() reset}).
   *
   * @return the status, or 0
   */
  public int status() {
    return status;
  }

  /**
   * Returns the error the fake answered with: the {@code error} object of its body, such as {@code
   * {"message":"invalid temperature: only 1 is allowed for this model","type":
   * "invalid_request_error"}} (on the Anthropic surface {@code {"type":"not_found_error",...}}),
   * for an answer of status 400 or more in Kimi's or Anthropic's error shape, or a host's of {@link
   * FakeKimiServer#dialect} (SGLang's flat body is its own error object; vLLM's {@code
   * {"error":"Unauthorized"}} reads as {@code {"message":"Unauthorized"}}). Empty for any other
   * answer, and while the request is not answered yet.
   *
   * @return the error object, or empty
   */
  public Optional<JsonObject> error() {
    return Optional.ofNullable(error);
  }

  /**
   * Returns the chat request as the model behind the fake's {@linkplain FakeKimiServer#dialect
   * dialect} read it, in Kimi's own form: the body as sent in Moonshot's dialect; in another, what
   * that host passes on to the model: Kimi's id of the host's model, Moonshot's {@code thinking}
   * object from the host's switch (none when the host read none, so the model's default applies),
   * and each assistant message's {@code reasoning_content} taken from the key the host reads in the
   * history, every other reasoning key dropped. A test checks with it what the host made of a call:
   * vLLM reads an earlier turn's reasoning only under {@code reasoning}, so a history sent under
   * {@code reasoning_content} reaches the model without it.
   *
   * <pre>{@code
   * server.dialect("vllm");
   * // ... a call with "chat_template_kwargs":{"thinking":false} ...
   * JsonObject read = server.takeRequest().asRead().orElseThrow();
   * assertThat(read.get("thinking").toString()).isEqualTo("{\"type\":\"disabled\"}");
   * }</pre>
   *
   * @return the request the model read, or empty when no model read one (not a chat call, a
   *     scripted answer, one the host refused first such as an unknown model, or not yet answered)
   */
  public Optional<JsonObject> asRead() {
    return Optional.ofNullable(read);
  }

  /**
   * Returns the top-level fields of this request the fake took and did nothing with, as Kimi does,
   * in the order sent: on Moonshot's API every field it does not document (such as {@code seed}),
   * {@code thinking} on a model that takes no thinking field (kimi-k3.1-pro), and a {@code
   * reasoning_effort} level the model does not list. Such a request is answered as if the field
   * were not sent, as Kimi answers it, not refused; {@code --verbose} prints them after the
   * request's line. A client built with this SDK refuses such a request before sending it unless
   * the field is marked deliberate ({@code KimiClient.Builder.deliberateFields}), so a test that
   * sends one shows what production would do with it.
   *
   * <pre>{@code
   * assertThat(server.takeRequest().ignoredFields()).containsExactly("seed");
   * }</pre>
   *
   * @return the fields ignored; empty when none was, or no model read the request
   */
  public List<String> ignoredFields() {
    List<String> names = new ArrayList<>();
    ignored.forEach(i -> names.add(i.field()));
    return List.copyOf(names);
  }

  /** What the model took and ignored of this request, and why. */
  List<FakeRules.Ignored> ignored() {
    return ignored;
  }

  /** Sets what the model took and ignored, before the answer is sent. */
  void ignored(List<FakeRules.Ignored> fields) {
    ignored = List.copyOf(fields);
  }

  /** Sets the request the model read, before the answer is sent. */
  void read(JsonObject request) {
    read = request;
  }

  /** Sets what the fake answered, once, before the answer is sent. */
  void answered(FakeResponse response) {
    List<FakeResponse.Part> parts = response.parts();
    if (response.streamed() && !parts.isEmpty() && parts.get(0).bytes() == FakeResponse.DROP) {
      return; // dropped before its status line
    }
    error = RequestLog.errorOf(response);
    status = response.status();
  }

  /**
   * Returns the method, path, body size and the status answered; header values are left out (they
   * hold the key).
   */
  @Override
  public String toString() {
    int s = status;
    return "RecordedRequest["
        + method
        + " "
        + path
        + ", "
        + size
        + " body bytes"
        + (s == 0 ? "" : ", answered " + s)
        + "]";
  }
}
