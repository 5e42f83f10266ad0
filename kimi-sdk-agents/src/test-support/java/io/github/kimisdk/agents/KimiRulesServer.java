package io.github.kimisdk.agents;

import static io.github.kimisdk.agents.KimiRules.promptTokens;
import static io.github.kimisdk.agents.KimiRules.reasoningRule;
import static io.github.kimisdk.agents.KimiRules.toolCallRule;
import static io.github.kimisdk.agents.KimiRulesScript.conversationTask;
import static io.github.kimisdk.agents.KimiRulesScript.string;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.github.kimisdk.agents.KimiRulesScript.Call;
import io.github.kimisdk.agents.KimiRulesScript.Reply;
import io.github.kimisdk.json.Json;
import io.github.kimisdk.json.JsonArray;
import io.github.kimisdk.json.JsonException;
import io.github.kimisdk.json.JsonObject;
import io.github.kimisdk.json.JsonValue;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Pattern;

/**
 * A strict Kimi chat completions server on loopback, written from Kimi's documented rules
 * (shared/docs/kimi-api.md §2.6, §4.2 and §4.2.1), not from {@code FakeKimiServer}: it shares no
 * code with the fake and only reads and writes JSON with the SDK's public codec ({@code
 * io.github.kimisdk.json}). It serves {@code POST /v1/chat/completions} for one model, kimi-k3,
 * with a small window, refuses every request that breaks one of the rules below with Kimi's 400 and
 * Kimi's words, and records each request and each violation, so that a test can assert that a run
 * broke none.
 *
 * <p><b>The rules</b>, checked in this order (the first broken one answers):
 *
 * <ol>
 *   <li>The body is at most {@link #maxBodyBytes} bytes: else 400 "total message size N exceeds
 *       limit M" (Kimi Code's refusal, §4.2.1).
 *   <li>The model is kimi-k3: else 404 "Not found the model X or Permission denied".
 *   <li>kimi-k3's pinned sampling while it thinks: temperature 1, top_p 0.95, n 1, penalties 0 when
 *       sent; a named {@code tool_choice} is refused ("tool_choice 'specified' is incompatible with
 *       thinking enabled").
 *   <li>Every assistant message with {@code tool_calls} is followed at once by tool messages that
 *       answer each of its ids, once each: else "an assistant message with 'tool_calls' must be
 *       followed by tool messages responding to each 'tool_call_id'". A tool message that answers
 *       no call of the assistant message before it is refused too (the wording of that one is this
 *       server's: kimi-api.md quotes none).
 *   <li>Thinking is on (kimi-k3 thinks unless {@code thinking.type} is {@code "disabled"}): every
 *       assistant message carries {@code reasoning_content} (an empty one counts, as Moonshot's own
 *       client sends it): else "thinking is enabled but reasoning_content is missing in assistant
 *       tool call message at index N" for a message with calls, and K3's preserved-thinking "...
 *       requires reasoning_content on every assistant message, but assistant message at index N is
 *       missing reasoning_content" for one without.
 *   <li>The prompt's tokens, by this server's own count ({@link #promptTokens}), plus the output
 *       cap ({@code max_completion_tokens}, else {@code max_tokens}, else {@link #defaultCap}) fit
 *       the window: else 400 "Your request exceeded model token limit: W".
 * </ol>
 *
 * Errors take Kimi's shape: {@code {"error":{"message":...,"type":"invalid_request_error"}}}.
 *
 * <p><b>The token count.</b> This server does not use the SDK's estimator: a text costs its UTF-8
 * bytes divided by 4, rounded up; a message costs 4 tokens plus each of its strings (content or its
 * text parts, {@code reasoning_content}, {@code name}, {@code tool_call_id}, each call's name and
 * arguments); the tools cost their JSON text. A reply's {@code completion_tokens} are counted the
 * same way, and {@code usage} reports both.
 *
 * <p><b>The scripted model.</b> It reads the conversation and answers as a model would, from what
 * the history shows:
 *
 * <ul>
 *   <li>a first user message "Read documents 1 to N of S ..." asks for documents read one per turn:
 *       each reply calls {@code read_document} with the lowest index not read yet, and once every
 *       one is read it answers naming each ("document i of S, checksum=c"). A document counts as
 *       read when the history holds that line: in a tool result, or in a summary this model wrote
 *       (which lists every document read), so after a compaction it goes on from the documents
 *       still unread.
 *   <li>a first user message "Delegate to a, b, c: each reads documents 1 to N." calls the tools
 *       named (which must be declared) in one turn, each with {@code {"task": "Read documents 1 to
 *       N of x ..."}} where x is the name after its {@code research_}, and then answers with their
 *       results.
 *   <li>a request with {@code tool_choice} {@code "none"} whose last message is a user message
 *       asking to summarize (a compaction's summary call: the SDK's {@code Compactor} asks so) is
 *       answered with a summary: the task, every document read with its checksum, and what is still
 *       to read.
 * </ul>
 *
 * Every reply carries a {@code reasoning_content}, and tool call ids are Kimi's {@code
 * functions.<name>:<index in the reply>}, which repeat from one turn to the next as Kimi's do.
 *
 * <p><b>A gate</b> ({@link #gateFirstCalls}) can hold the first request of each of n conversations
 * until all n are in flight: a run that sends them one after another cannot pass it (it opens for
 * everyone after 30 seconds, and the overlap the test then measures is missing).
 *
 * <p>Thread model: the JDK server's handler runs on the server's executor, several exchanges at
 * once; the records are lists guarded by {@code this}; the gate is a latch, thread-safe on its own.
 * No exchange attribute is used (CONTRIBUTING.md, JdkHttpServerUseTest).
 */
public final class KimiRulesServer implements AutoCloseable {
  static final String MODEL = "kimi-k3";
  static final String TOOL_CALLS_RULE =
      "an assistant message with 'tool_calls' must be followed by tool messages responding to each"
          + " 'tool_call_id'";

  /** The most exchanges kept: the rest are counted, not kept (bounded memory). */
  private static final int MAX_RECORDS = 5_000;

  static final Pattern READ_TASK = Pattern.compile("^Read documents 1 to (\\d+) of ([a-z]+)\\b");
  static final Pattern DELEGATE_TASK =
      Pattern.compile("^Delegate to ([a-z_, ]+): each reads documents 1 to (\\d+)\\.");

  /** What a publish_report result says, and a summary repeats. */
  static final String PUBLISHED = "report published";

  static final Pattern DOCUMENT_LINE =
      Pattern.compile("document (\\d+) of ([a-z]+), checksum=(\\d+)");

  /**
   * One request and what was answered; {@code request} is null when the body was not JSON, {@code
   * reply} (the text the model answered) when it was refused.
   */
  public record Exchange(
      int seq,
      long receivedNanos,
      long answeredNanos,
      String body,
      JsonObject request,
      String conversation,
      int status,
      String error,
      int promptTokens,
      int completionTokens,
      boolean summary,
      String reply) {}

  /** A rule a request broke. */
  public record Violation(int seq, String message, String body) {}

  private final HttpServer http;
  private final ExecutorService pool;
  private final int window;
  private final long maxBodyBytes;
  private final int defaultCap;
  private final AtomicInteger seq = new AtomicInteger();
  private final List<Exchange> exchanges = new ArrayList<>();
  private final List<Violation> violations = new ArrayList<>();
  private volatile CountDownLatch gate;
  private volatile boolean slim;

  private KimiRulesServer(int window, long maxBodyBytes, int defaultCap) throws IOException {
    this.window = window;
    this.maxBodyBytes = maxBodyBytes;
    this.defaultCap = defaultCap;
    AtomicInteger threads = new AtomicInteger();
    this.pool =
        Executors.newFixedThreadPool(
            16,
            r -> {
              Thread t = new Thread(r, "kimi-rules-server-" + threads.incrementAndGet());
              t.setDaemon(true);
              return t;
            });
    this.http = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    http.setExecutor(pool);
    http.createContext("/v1/chat/completions", this::handle);
  }

  /**
   * Starts a server for kimi-k3 with a window of {@code window} tokens, refusing bodies over {@code
   * maxBodyBytes}; a request without an output cap is counted with 1,024 (the docs' "good default
   * such as 1024").
   */
  public static KimiRulesServer start(int window, long maxBodyBytes) {
    try {
      KimiRulesServer s = new KimiRulesServer(window, maxBodyBytes, 1_024);
      s.http.start();
      return s;
    } catch (IOException e) {
      throw new IllegalStateException("the server did not start", e);
    }
  }

  /**
   * The base URL a client is given: {@code http://127.0.0.1:PORT/v1}.
   *
   * @return the URL
   */
  public String baseUrl() {
    return "http://127.0.0.1:" + http.getAddress().getPort() + "/v1";
  }

  /**
   * Holds the first request of each of the next {@code parties} conversations that ask for
   * documents until all of them have arrived (30 seconds at most).
   */
  void gateFirstCalls(int parties) {
    gate = new CountDownLatch(parties);
  }

  /**
   * Keeps less of each request a model call made that was not a summary call: no body, and of the
   * request only its model and output cap (a long run on a large window would keep gigabytes).
   *
   * @return this server
   */
  public KimiRulesServer slim() {
    slim = true;
    return this;
  }

  /**
   * Every exchange so far (at most 5,000), in order.
   *
   * @return the exchanges
   */
  public synchronized List<Exchange> exchanges() {
    return List.copyOf(exchanges);
  }

  /**
   * Every request refused so far, with the rule it broke.
   *
   * @return the violations
   */
  public synchronized List<Violation> violations() {
    return List.copyOf(violations);
  }

  /**
   * How many requests arrived, those not kept among the exchanges included.
   *
   * @return the count
   */
  public int requestCount() {
    return seq.get();
  }

  @Override
  public void close() {
    http.stop(0);
    pool.shutdownNow();
  }

  // ------------------------------------------------------------------------------------------
  // HTTP

  private void handle(HttpExchange ex) throws IOException {
    long received = System.nanoTime();
    int n = seq.incrementAndGet();
    try (ex) {
      byte[] raw;
      try (InputStream in = ex.getRequestBody()) {
        raw = in.readAllBytes();
      }
      String body = new String(raw, StandardCharsets.UTF_8);
      if (!"POST".equals(ex.getRequestMethod())) {
        answer(ex, 405, error("Method Not Allowed", "invalid_request_error"));
        return;
      }
      String auth = ex.getRequestHeaders().getFirst("Authorization");
      if (auth == null || !auth.startsWith("Bearer ") || auth.length() < 8) {
        record(n, received, body, null, null, 401, "Invalid Authentication", 0, 0, null);
        answer(ex, 401, error("Invalid Authentication", "invalid_authentication_error"));
        return;
      }
      Outcome o = judge(n, raw, body);
      if (o.reply == null) {
        record(n, received, body, o.request, o.conversation, o.status, o.error, 0, 0, null);
        answer(ex, o.status, error(o.error, o.type));
        return;
      }
      JsonObject r = o.request;
      boolean stream = r.get("stream") != null && r.get("stream").asBoolean();
      if (o.reply.gated()) {
        passGate();
      }
      Reply reply = o.reply;
      record(
          n,
          received,
          body,
          r,
          o.conversation,
          200,
          null,
          o.promptTokens,
          reply.completionTokens(),
          reply);
      if (stream) {
        stream(ex, n, reply, o.promptTokens);
      } else {
        answer(ex, 200, completion(n, reply, o.promptTokens));
      }
    } catch (RuntimeException e) {
      synchronized (this) {
        violations.add(new Violation(n, "the server failed: " + e, null));
      }
      throw e;
    }
  }

  private void passGate() {
    CountDownLatch g = gate;
    if (g == null) {
      return;
    }
    g.countDown();
    try {
      if (!g.await(30, TimeUnit.SECONDS)) {
        gate = null; // open for everyone: the overlap a test measures is then missing
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private synchronized void record(
      int n,
      long received,
      String body,
      JsonObject request,
      String conversation,
      int status,
      String error,
      int prompt,
      int completion,
      Reply reply) {
    if (slim && request != null && reply != null && !reply.summary()) {
      JsonObject.Builder kept = JsonObject.builder();
      for (String member : List.of("model", "max_completion_tokens", "max_tokens")) {
        if (request.get(member) != null) {
          kept.put(member, request.get(member));
        }
      }
      request = kept.build();
      body = null;
    }
    if (exchanges.size() < MAX_RECORDS) {
      exchanges.add(
          new Exchange(
              n,
              received,
              System.nanoTime(),
              body,
              request,
              conversation,
              status,
              error,
              prompt,
              completion,
              reply != null && reply.summary(),
              reply == null ? null : reply.content()));
    }
  }

  private static void answer(HttpExchange ex, int status, JsonObject body) throws IOException {
    byte[] bytes = Json.write(body).getBytes(StandardCharsets.UTF_8);
    ex.getResponseHeaders().set("Content-Type", "application/json");
    ex.getResponseHeaders().set("x-request-id", "rules-" + System.identityHashCode(body));
    ex.sendResponseHeaders(status, bytes.length);
    try (OutputStream out = ex.getResponseBody()) {
      out.write(bytes);
    }
  }

  /** Moonshot's streamed shape: deltas, then the finish chunk with {@code usage} in its choice. */
  private void stream(HttpExchange ex, int n, Reply reply, int prompt) throws IOException {
    ex.getResponseHeaders().set("Content-Type", "text/event-stream");
    ex.sendResponseHeaders(200, 0);
    ex.getResponseBody().flush();
    OutputStream out = ex.getResponseBody();
    JsonObject.Builder first =
        JsonObject.builder().put("role", "assistant").put("reasoning_content", reply.reasoning());
    event(out, chunk(n, first.build(), null, null));
    if (!reply.calls().isEmpty()) {
      JsonArray.Builder calls = JsonArray.builder();
      for (int i = 0; i < reply.calls().size(); i++) {
        calls.add(call(i, reply.calls().get(i), true));
      }
      event(out, chunk(n, JsonObject.of("tool_calls", calls.build()), null, null));
    } else {
      event(
          out, chunk(n, JsonObject.builder().put("content", reply.content()).build(), null, null));
    }
    event(out, chunk(n, JsonObject.of(), reply.finishReason(), usage(prompt, reply)));
    out.write("data: [DONE]\n\n".getBytes(StandardCharsets.UTF_8));
    out.flush();
    out.close();
  }

  private static void event(OutputStream out, JsonObject chunk) throws IOException {
    out.write(("data: " + Json.write(chunk) + "\n\n").getBytes(StandardCharsets.UTF_8));
    out.flush();
  }

  private static JsonObject chunk(int n, JsonObject delta, String finish, JsonObject usage) {
    JsonObject.Builder choice = JsonObject.builder().put("index", 0).put("delta", delta);
    if (finish != null) {
      choice.put("finish_reason", finish);
    } else {
      choice.putNull("finish_reason");
    }
    if (usage != null) {
      choice.put("usage", usage);
    }
    return JsonObject.builder()
        .put("id", "chatcmpl-rules-" + n)
        .put("object", "chat.completion.chunk")
        .put("created", System.currentTimeMillis() / 1000)
        .put("model", MODEL)
        .put("choices", JsonArray.of(choice.build()))
        .build();
  }

  private static JsonObject completion(int n, Reply reply, int prompt) {
    JsonObject.Builder message =
        JsonObject.builder()
            .put("role", "assistant")
            .put("content", reply.content())
            .put("reasoning_content", reply.reasoning());
    if (!reply.calls().isEmpty()) {
      JsonArray.Builder calls = JsonArray.builder();
      for (int i = 0; i < reply.calls().size(); i++) {
        calls.add(call(i, reply.calls().get(i), false));
      }
      message.put("tool_calls", calls.build());
    }
    JsonObject choice =
        JsonObject.builder()
            .put("index", 0)
            .put("message", message.build())
            .put("finish_reason", reply.finishReason())
            .build();
    return JsonObject.builder()
        .put("id", "chatcmpl-rules-" + n)
        .put("object", "chat.completion")
        .put("created", System.currentTimeMillis() / 1000)
        .put("model", MODEL)
        .put("choices", JsonArray.of(choice))
        .put("usage", usage(prompt, reply))
        .build();
  }

  private static JsonObject call(int index, Call c, boolean delta) {
    JsonObject.Builder b = JsonObject.builder();
    if (delta) {
      b.put("index", index);
    }
    return b.put("id", "functions." + c.name() + ":" + index)
        .put("type", "function")
        .put(
            "function",
            JsonObject.builder().put("name", c.name()).put("arguments", c.arguments()).build())
        .build();
  }

  private static JsonObject usage(int prompt, Reply reply) {
    int completion = reply.completionTokens();
    return JsonObject.builder()
        .put("prompt_tokens", prompt)
        .put("completion_tokens", completion)
        .put("total_tokens", prompt + completion)
        .build();
  }

  private static JsonObject error(String message, String type) {
    return JsonObject.of(
        "error", JsonObject.builder().put("message", message).put("type", type).build());
  }

  // ------------------------------------------------------------------------------------------
  // The rules

  /** What a request got: an error (status, message, type) or a reply. */
  private static final class Outcome {
    JsonObject request;
    String conversation;
    int status;
    String error;
    String type = "invalid_request_error";
    int promptTokens;
    Reply reply;
  }

  private Outcome judge(int n, byte[] raw, String body) {
    Outcome o = new Outcome();
    if (raw.length > maxBodyBytes) {
      return refuse(
          n, o, body, 400, "total message size " + raw.length + " exceeds limit " + maxBodyBytes);
    }
    JsonValue parsed;
    try {
      parsed = Json.parse(raw);
    } catch (JsonException e) {
      return refuse(n, o, body, 400, "Invalid request: the body is not JSON: " + e.getMessage());
    }
    if (!(parsed instanceof JsonObject r)) {
      return refuse(n, o, body, 400, "Invalid request: the body is not a JSON object");
    }
    o.request = r;
    String model = string(r.get("model"));
    if (!MODEL.equals(model)) {
      o.type = "resource_not_found_error";
      return refuse(n, o, body, 404, "Not found the model " + model + " or Permission denied");
    }
    if (!(r.get("messages") instanceof JsonArray messages) || messages.isEmpty()) {
      return refuse(n, o, body, 400, "Invalid request: messages must be a non-empty array");
    }
    List<JsonObject> m = new ArrayList<>();
    for (JsonValue v : messages) {
      if (!(v instanceof JsonObject x) || string(x.get("role")) == null) {
        return refuse(n, o, body, 400, "Invalid request: every message is an object with a role");
      }
      m.add(x);
    }
    o.conversation = conversationTask(m);
    JsonValue thinking = r.get("thinking");
    boolean thinks =
        !(thinking instanceof JsonObject t && "disabled".equals(string(t.get("type"))));
    String pinned = thinks ? pinned(r) : null;
    if (pinned != null) {
      return refuse(n, o, body, 400, pinned);
    }
    String history = toolCallRule(m);
    if (history != null) {
      return refuse(n, o, body, 400, history);
    }
    if (thinks) {
      String reasoning = reasoningRule(m);
      if (reasoning != null) {
        return refuse(n, o, body, 400, reasoning);
      }
    }
    o.promptTokens = promptTokens(m, r.get("tools"));
    int cap = cap(r);
    if ((long) o.promptTokens + cap > window) {
      return refuse(n, o, body, 400, "Your request exceeded model token limit: " + window);
    }
    try {
      o.reply = KimiRulesScript.Script.answer(r, m);
    } catch (IllegalStateException e) {
      o.type = "server_error";
      return refuse(n, o, body, 500, "the scripted model cannot answer: " + e.getMessage());
    }
    if (o.reply.completionTokens() > cap) {
      o.type = "server_error";
      return refuse(n, o, body, 500, "the scripted reply is over the request's cap of " + cap);
    }
    return o;
  }

  private Outcome refuse(int n, Outcome o, String body, int status, String message) {
    o.status = status;
    o.error = message;
    synchronized (this) {
      violations.add(new Violation(n, message, body));
    }
    return o;
  }

  private int cap(JsonObject r) {
    JsonValue c = r.get("max_completion_tokens");
    if (c == null || c.isNull()) {
      c = r.get("max_tokens");
    }
    return c == null || c.isNull() ? defaultCap : c.asInt();
  }

  /** kimi-k3's pinned sampling while it thinks (§2.1, §4.2.1); null when it is kept. */
  private static String pinned(JsonObject r) {
    String[][] fixed = {
      {"temperature", "1"},
      {"top_p", "0.95"},
      {"n", "1"},
      {"presence_penalty", "0"},
      {"frequency_penalty", "0"}
    };
    for (String[] f : fixed) {
      JsonValue v = r.get(f[0]);
      if (v != null && !v.isNull() && v.asDouble() != Double.parseDouble(f[1])) {
        return "invalid " + f[0] + ": only " + f[1] + " is allowed for this model";
      }
    }
    if (r.get("tool_choice") instanceof JsonObject) {
      return "tool_choice 'specified' is incompatible with thinking enabled";
    }
    return null;
  }
}
