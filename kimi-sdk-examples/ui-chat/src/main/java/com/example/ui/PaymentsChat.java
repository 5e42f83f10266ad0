package com.example.ui;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.github.kimisdk.KimiClient;
import io.github.kimisdk.agents.Agent;
import io.github.kimisdk.agents.FileRunStore;
import io.github.kimisdk.agents.RunKey;
import io.github.kimisdk.json.Json;
import io.github.kimisdk.json.JsonArray;
import io.github.kimisdk.json.JsonObject;
import io.github.kimisdk.json.JsonString;
import io.github.kimisdk.json.JsonValue;
import io.github.kimisdk.testing.FakeKimiServer;
import io.github.kimisdk.testing.FakeResponse;
import io.github.kimisdk.testing.RecordedRequest;
import io.github.kimisdk.ui.AgentChat;
import io.github.kimisdk.ui.UiHttpHandler;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

/**
 * A payments desk in a page: a Kimi agent whose transfer tool waits for a person's approval,
 * served to the page built with the AI SDK's {@code useChat} (page/) from the JDK's own HTTP server
 * through kimi-sdk-ui. Without an API key, Kimi is FakeKimiServer. Run it with {@code mvn -B -q
 * compile exec:java} here (compile builds the page with npm), then open the address it prints.
 *
 * <p>Try: {@code Please transfer to=acct-7 amount=90} (the agent asks to transfer, the page shows
 * the call with Approve and Reject; approve it and the payment service makes it once), and {@code
 * Explain the transfer limits} (a slow answer: reload the page while it streams, and the whole
 * answer comes back).
 */
public final class PaymentsChat implements AutoCloseable {

  /** What the fake answers to "Explain the transfer limits", a piece at a time. */
  static final List<String> LIMITS =
      List.of(
          "Transfers ",
          "up to 100 ",
          "need one approval; ",
          "larger ones ",
          "need two. ",
          "Every transfer ",
          "is made once, ",
          "with its own ",
          "idempotency key, ",
          "however often ",
          "the page ",
          "is reloaded.");

  private final FakeKimiServer fake;
  private final KimiClient kimi;
  private final HttpServer server;
  private final ExecutorService threads = Executors.newCachedThreadPool();
  private final ExecutorService drives = Executors.newCachedThreadPool();
  final Payments payments = new Payments();

  /**
   * Starts the desk.
   *
   * @param port the port on 127.0.0.1; 0 for any free one
   * @param runs where the runs are kept
   * @param page the built page (page/dist)
   * @param pause the pause between the pieces of the slow answer
   */
  PaymentsChat(int port, Path runs, Path page, Duration pause) throws IOException {
    String apiKey = System.getenv("MOONSHOT_API_KEY");
    if (apiKey == null || apiKey.isBlank()) {
      fake = new FakeKimiServer().respondWith(r -> explains(r) ? slowAnswer(pause) : null).start();
      kimi = KimiClient.builder().apiKey("sk-offline").baseUrl(fake.baseUrl()).build();
    } else {
      fake = null;
      kimi = KimiClient.fromEnv();
    }
    RunKey key = key(runs);
    AgentChat chat =
        AgentChat.builder(
                kimi,
                listener ->
                    Agent.builder(kimi, "kimi-k3")
                        .name("payments-desk", "1")
                        .instructions("You move money for the user with the transfer tool.")
                        .tool(payments.tool())
                        .store(FileRunStore.of(runs))
                        .key(key)
                        .streaming(true)
                        .listener(listener)
                        .build())
            .executor(drives) // the desk's own, so that close() waits for its runs to stop
            .build();
    server = HttpServer.create(new InetSocketAddress("127.0.0.1", port), 0);
    server.setExecutor(threads); // a stream holds its thread while it lasts
    server.createContext("/api/chat", UiHttpHandler.forAgent(chat, PaymentsChat::signedIn));
    server.createContext("/api/payments", this::payments);
    server.createContext("/", new StaticFiles(page));
    server.start();
  }

  /**
   * Names the person who sent a request: your authentication goes here (a session cookie your
   * login set, a verified token). The chat binds each chat to its person and records them with
   * each decision; it never reads them from the body. This demo has one person.
   */
  static String signedIn(HttpExchange exchange) {
    return "demo@example.com";
  }

  /** The page's address. */
  String url() {
    return "http://127.0.0.1:" + server.getAddress().getPort() + "/";
  }

  /** Where Kimi is: the fake's base URL, or Moonshot's. */
  String kimi() {
    return fake != null ? "FakeKimiServer at " + fake.baseUrl() : "Moonshot's API";
  }

  private void payments(HttpExchange exchange) throws IOException {
    try {
      byte[] body = Json.write(payments.toJson()).getBytes(StandardCharsets.UTF_8);
      exchange.getResponseHeaders().set("content-type", "application/json");
      exchange.sendResponseHeaders(200, body.length);
      try (OutputStream out = exchange.getResponseBody()) {
        out.write(body);
      }
    } finally {
      exchange.close();
    }
  }

  /** The key the runs are sealed with: KIMI_AGENT_KEY, else one made once beside the runs. */
  private static RunKey key(Path runs) throws IOException {
    String env = System.getenv("KIMI_AGENT_KEY");
    if (env != null && !env.isBlank()) {
      return RunKey.fromBase64(env);
    }
    Path file = runs.resolve("demo.key");
    if (!Files.exists(file)) {
      byte[] bytes = new byte[32];
      new SecureRandom().nextBytes(bytes);
      Files.createDirectories(runs);
      Files.writeString(file, Base64.getEncoder().encodeToString(bytes));
    }
    return RunKey.fromBase64(Files.readString(file).strip());
  }

  /** Whether a request to the fake asks to explain something (and has no tool result yet). */
  private static boolean explains(RecordedRequest r) {
    JsonValue messages = Json.parse(r.bodyText()).get("messages");
    if (!(messages instanceof JsonArray list) || list.isEmpty()) {
      return false;
    }
    JsonValue last = list.get(list.size() - 1);
    return last.get("role") instanceof JsonString role
        && role.value().equals("user")
        && last.get("content") instanceof JsonString text
        && text.value().startsWith("Explain");
  }

  /** A thinking model's answer, streamed slowly: its reasoning, then {@link #LIMITS}. */
  private static FakeResponse slowAnswer(Duration pause) {
    FakeResponse.SseBuilder b = FakeResponse.sse();
    for (String piece : List.of("The user asks about limits. ", "I will explain them.")) {
      b.data(chunk(JsonObject.of("reasoning_content", JsonString.of(piece)), null)).pause(pause);
    }
    for (String piece : LIMITS) {
      b.data(chunk(JsonObject.of("content", JsonString.of(piece)), null)).pause(pause);
    }
    b.data(chunk(JsonObject.of(), "stop"));
    return b.done().build();
  }

  private static String chunk(JsonObject delta, String finish) {
    JsonObject.Builder choice = JsonObject.builder().put("index", 0).put("delta", delta);
    if (finish != null) {
      choice.put("finish_reason", finish);
    }
    JsonObject.Builder c =
        JsonObject.builder()
            .put("id", "explain-1")
            .put("object", "chat.completion.chunk")
            .put("created", 1)
            .put("model", "kimi-k3")
            .put("choices", JsonArray.of(choice.build()));
    if (finish != null) {
      c.put(
          "usage",
          Json.parse("{\"prompt_tokens\":60,\"completion_tokens\":40,\"total_tokens\":100}"));
    }
    return Json.write(c.build());
  }

  /**
   * Stops the desk: the server, then the runs it drives (a durable run stops between two steps and
   * is resumed from its store by the next desk), waiting up to ten seconds for them to end, so that
   * nothing writes to the runs' directory after this returns.
   */
  @Override
  public void close() {
    server.stop(0);
    threads.shutdownNow();
    drives.shutdownNow();
    kimi.close();
    try {
      if (!drives.awaitTermination(10, TimeUnit.SECONDS)) {
        System.err.println("payments desk: a run did not stop within 10 s");
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } finally {
      if (fake != null) {
        fake.close();
      }
    }
  }

  /**
   * Serves the desk on port 8090 (or {@code -Dport=N}), its runs in target/runs, until stopped.
   *
   * @param args none
   * @throws IOException if the port is taken
   */
  public static void main(String[] args) throws IOException {
    long start = System.nanoTime();
    PaymentsChat desk =
        new PaymentsChat(
            Integer.getInteger("port", 8090),
            Path.of("target", "runs"),
            Path.of("page", "dist"),
            Duration.ofMillis(400));
    System.out.println(
        "payments desk: open "
            + desk.url()
            + " (Kimi: "
            + desk.kimi()
            + "; started in "
            + (System.nanoTime() - start) / 1_000_000
            + " ms; Ctrl-C stops it)");
  }
}
