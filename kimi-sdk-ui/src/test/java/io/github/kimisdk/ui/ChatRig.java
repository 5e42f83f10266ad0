package io.github.kimisdk.ui;

import com.sun.net.httpserver.HttpServer;
import io.github.kimisdk.KimiClient;
import io.github.kimisdk.agents.Agent;
import io.github.kimisdk.agents.AgentTool;
import io.github.kimisdk.agents.Approval;
import io.github.kimisdk.agents.RunEvent;
import io.github.kimisdk.agents.RunKey;
import io.github.kimisdk.agents.RunStore;
import io.github.kimisdk.agents.ToolContext;
import io.github.kimisdk.chat.ChatRequest;
import io.github.kimisdk.chat.Thinking;
import io.github.kimisdk.json.Json;
import io.github.kimisdk.json.JsonArray;
import io.github.kimisdk.json.JsonObject;
import io.github.kimisdk.json.JsonString;
import io.github.kimisdk.json.JsonValue;
import io.github.kimisdk.tool.JsonSchema;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Consumer;
import java.util.function.UnaryOperator;

/**
 * A payments agent's chat served from the JDK's HTTP server on loopback, as a team serves it: a
 * transfer tool that waits for approval and a bank that counts what it did, the run kept in a store
 * sealed under a key, and the person named by a header the test's "authentication" trusts. Requests
 * go through {@link HttpClient}; every body it read is kept, to look for secrets in.
 */
final class ChatRig implements AutoCloseable {

  static final String KEY_TEXT = "kimi-ui-test-key-0123456789abcdef";
  static final RunKey KEY = RunKey.of(KEY_TEXT.getBytes(StandardCharsets.UTF_8));

  /** A payment service that honours idempotency keys, and counts effects and requests. */
  static final class Bank {
    private final Map<String, String> byKey = new LinkedHashMap<>(); // guarded by this
    private int requests; // guarded by this

    synchronized String transfer(String to, long amount, String key) {
      requests++;
      byKey.putIfAbsent(key, amount + " to " + to);
      return "transferred " + byKey.get(key) + " (" + key + ")"; // echoes the key, as some do
    }

    synchronized List<String> transfers() {
      return List.copyOf(byKey.values());
    }

    synchronized int requests() {
      return requests;
    }

    AgentTool tool() {
      return AgentTool.of(
              "transfer",
              "Moves money to an account",
              JsonSchema.object()
                  .required("to", JsonSchema.string())
                  .required("amount", JsonSchema.integer())
                  .build(),
              (JsonValue args, ToolContext ctx) ->
                  transfer(
                      args.get("to").asString(), args.get("amount").asLong(), ctx.idempotencyKey()))
          .approval(Approval.always())
          .asIdempotent();
    }
  }

  /** A response as the client read it: its status, headers and body. */
  record Reply(int status, Map<String, List<String>> headers, String body) {
    /** The parts of a UI message stream, in order; {@code [DONE]} as a part of its own type. */
    List<JsonObject> parts() {
      return Sse.parts(body);
    }

    String error() {
      return Json.parse(body).get("error").asString();
    }
  }

  /** The request's person on the server's thread, as a container keeps its security context. */
  static final ThreadLocal<String> CALLER = new ThreadLocal<>();

  final Bank bank = new Bank();
  final KimiClient kimi;
  final AgentChat chat;
  final HttpServer server;
  final ExecutorService threads = Executors.newCachedThreadPool();
  final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(30)).build();
  final List<String> bodies = Collections.synchronizedList(new ArrayList<>());
  private final Map<String, CompletableFuture<Void>> ended = new ConcurrentHashMap<>();

  /** Completes when the agent tells that the run ended (its last state saved before). */
  CompletableFuture<Void> ended(String runId) {
    return ended.computeIfAbsent(runId, k -> new CompletableFuture<>());
  }

  ChatRig(KimiClient kimi, RunStore store, UnaryOperator<Agent.Builder> more) {
    this(kimi, store, more, b -> {});
  }

  ChatRig(
      KimiClient kimi,
      RunStore store,
      UnaryOperator<Agent.Builder> more,
      Consumer<AgentChat.Builder> chatSettings) {
    this.kimi = kimi;
    AgentChat.Builder b =
        AgentChat.builder(
            kimi,
            listener ->
                more.apply(
                        Agent.builder(kimi, "kimi-k3")
                            .name("payments", "1")
                            .tool(bank.tool())
                            .store(store)
                            .key(KEY)
                            .streaming(true)
                            .listener(
                                e -> {
                                  listener.onEvent(e);
                                  if (e instanceof RunEvent.Ended) {
                                    ended(e.runId()).complete(null);
                                  }
                                }))
                    .build());
    chatSettings.accept(b);
    this.chat = b.build();
    try {
      server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    server.setExecutor(threads);
    server.createContext(
        "/api/chat",
        UiHttpHandler.forAgent(
            chat,
            ex -> {
              String user = ex.getRequestHeaders().getFirst("X-User");
              CALLER.set(user); // as a container's security context is set on its thread
              return user;
            }));
    server.start();
  }

  String base() {
    return "http://127.0.0.1:" + server.getAddress().getPort() + "/api/chat";
  }

  Reply post(String body, String user) {
    return send(
        HttpRequest.newBuilder(URI.create(base()))
            .header("content-type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString(body)),
        user);
  }

  Reply post(byte[] body, String user) {
    return send(
        HttpRequest.newBuilder(URI.create(base()))
            .header("content-type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofByteArray(body)),
        user);
  }

  Reply get(String path, String user) {
    return send(HttpRequest.newBuilder(URI.create(base() + path)).GET(), user);
  }

  /** Starts a request whose body is read as it comes. */
  HttpResponse<InputStream> open(HttpRequest.Builder request, String user) {
    if (user != null) {
      request.header("X-User", user);
    }
    try {
      return http.send(
          request.timeout(Duration.ofMinutes(2)).build(),
          HttpResponse.BodyHandlers.ofInputStream());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    }
  }

  HttpRequest.Builder postRequest(String body) {
    return HttpRequest.newBuilder(URI.create(base()))
        .header("content-type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString(body));
  }

  private Reply send(HttpRequest.Builder request, String user) {
    HttpResponse<InputStream> r = open(request, user);
    try (InputStream in = r.body()) {
      String body = new String(in.readAllBytes(), StandardCharsets.UTF_8);
      bodies.add(body);
      return new Reply(r.statusCode(), r.headers().map(), body);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * The JDK server's handler of a plain chat: the page's text history to kimi-k2.6, not thinking.
   */
  static UiHttpHandler plainChat(KimiClient kimi) {
    return UiHttpHandler.forChat(
        r ->
            kimi.stream(
                ChatRequest.builder("kimi-k2.6")
                    .thinking(Thinking.disabled())
                    .messages(r.textHistory())
                    .build()));
  }

  /** The request the AI SDK's client sends with a new user message. */
  static String ask(String chatId, JsonArray history, String text) {
    JsonArray.Builder messages = JsonArray.builder();
    history.forEach(messages::add);
    messages.add(
        JsonObject.builder()
            .put("id", "page-" + history.size())
            .put("role", "user")
            .put(
                "parts",
                JsonArray.of(JsonObject.builder().put("type", "text").put("text", text).build()))
            .build());
    return JsonObject.builder()
        .put("id", chatId)
        .put("messages", messages.build())
        .put("trigger", "submit-message")
        .build()
        .toString();
  }

  /** The request the AI SDK's client sends once its person answered an approval request. */
  static String answer(String chatId, JsonArray messages) {
    JsonObject last = messages.get(messages.size() - 1).asObject();
    return JsonObject.builder()
        .put("id", chatId)
        .put("messages", messages)
        .put("trigger", "submit-message")
        .put("messageId", last.get("id"))
        .build()
        .toString();
  }

  /**
   * Returns {@code messages} with the tool part of {@code callId} changed by {@code edit}, as the
   * page holds them after its person answered (or as an attacker edits them).
   */
  static JsonArray edit(JsonArray messages, String callId, UnaryOperator<JsonObject> edit) {
    JsonArray.Builder out = JsonArray.builder();
    for (JsonValue m : messages) {
      JsonObject.Builder mb = JsonObject.builder();
      m.asObject().members().forEach(mb::put);
      JsonArray.Builder parts = JsonArray.builder();
      for (JsonValue p : m.get("parts").asArray()) {
        JsonObject po = p.asObject();
        if (po.get("toolCallId") instanceof JsonString id && id.value().equals(callId)) {
          JsonObject e = edit.apply(po);
          if (e != null) {
            parts.add(e);
          }
        } else {
          parts.add(po);
        }
      }
      mb.put("parts", parts.build());
      out.add(mb.build());
    }
    return out.build();
  }

  /** A part with members replaced. */
  static JsonObject with(JsonObject o, String name, JsonValue value) {
    JsonObject.Builder b = JsonObject.builder();
    o.members().forEach(b::put);
    b.put(name, value);
    return b.build();
  }

  /** The part answering an approval request: approval-responded, with the request's id. */
  static JsonObject approved(JsonObject part, boolean approved, String reason) {
    JsonObject.Builder approval =
        JsonObject.builder().put("id", part.get("approval").get("id")).put("approved", approved);
    if (reason != null) {
      approval.put("reason", reason);
    }
    return with(
        with(part, "state", JsonString.of("approval-responded")), "approval", approval.build());
  }

  /** Reads the server-sent events of a UI message stream. */
  static final class Sse {
    static List<JsonObject> parts(String body) {
      List<JsonObject> out = new ArrayList<>();
      for (String event : body.split("\n\n")) {
        String data = null;
        for (String line : event.split("\n")) {
          if (line.startsWith("data: ")) {
            data = line.substring(6);
          }
        }
        if (data == null) {
          continue;
        }
        out.add(
            data.equals("[DONE]")
                ? JsonObject.of("type", JsonString.of("[DONE]"))
                : Json.parse(data).asObject());
      }
      return out;
    }

    /** Reads events from a live body until {@code until} says stop (or the body ends). */
    static List<JsonObject> read(
        InputStream body, java.util.function.Predicate<List<JsonObject>> until) {
      List<JsonObject> out = new ArrayList<>();
      try {
        BufferedReader r = new BufferedReader(new InputStreamReader(body, StandardCharsets.UTF_8));
        String line;
        while ((line = r.readLine()) != null) {
          if (!line.startsWith("data: ")) {
            continue;
          }
          String data = line.substring(6);
          out.add(
              data.equals("[DONE]")
                  ? JsonObject.of("type", JsonString.of("[DONE]"))
                  : Json.parse(data).asObject());
          if (until.test(out)) {
            break;
          }
        }
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
      return out;
    }
  }

  /** The types of parts, in order. */
  static List<String> types(List<JsonObject> parts) {
    return parts.stream().map(p -> p.get("type").asString()).toList();
  }

  /** The text the text-delta parts of a stream join to. */
  static String text(List<JsonObject> parts, String kind) {
    StringBuilder b = new StringBuilder();
    for (JsonObject p : parts) {
      if (p.get("type").asString().equals(kind + "-delta")) {
        b.append(p.get("delta").asString());
      }
    }
    return b.toString();
  }

  /** The first part of a type. */
  static JsonObject first(List<JsonObject> parts, String type) {
    return parts.stream()
        .filter(p -> p.get("type").asString().equals(type))
        .findFirst()
        .orElseThrow(() -> new AssertionError("no " + type + " part in " + types(parts)));
  }

  @Override
  public void close() {
    server.stop(0);
    threads.shutdownNow();
  }
}
