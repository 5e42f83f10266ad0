package io.github.kimisdk.ui;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import io.github.kimisdk.chat.ChatStream;
import java.io.IOException;
import java.io.OutputStream;
import java.util.Map;
import java.util.Objects;
import java.util.function.Function;

/**
 * Serves the AI SDK's chat endpoints from the JDK's own HTTP server ({@code
 * com.sun.net.httpserver}, module {@code jdk.httpserver}): nothing else is needed. Mounted at a
 * context path such as {@code /api/chat}, it answers {@code POST /api/chat} (the page's request),
 * {@code GET /api/chat/{id}/stream} (the AI SDK's resume) and, for an agent, {@code GET
 * /api/chat/{id}/messages} (the chat's messages, for a page that loads it).
 *
 * <pre>{@code
 * HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 8080), 0);
 * server.setExecutor(Executors.newCachedThreadPool()); // a stream holds its thread while it lasts
 * server.createContext("/api/chat", UiHttpHandler.forAgent(chat, exchange -> signedInUser(exchange)));
 * server.start();
 * }</pre>
 *
 * <p>The server's executor must run requests on threads of their own (its default runs them one at
 * a time, and a stream holds its thread until it ends). A client that goes away ends its response:
 * for a chat stream Kimi's call is cancelled; an agent's run goes on.
 */
public final class UiHttpHandler implements HttpHandler {

  private final AgentChat chat;
  private final Function<HttpExchange, String> identity;
  private final Function<UiRequest, ChatStream> streams;

  private UiHttpHandler(
      AgentChat chat,
      Function<HttpExchange, String> identity,
      Function<UiRequest, ChatStream> streams) {
    this.chat = chat;
    this.identity = identity;
    this.streams = streams;
  }

  /**
   * Returns the handler of an agent's chat.
   *
   * @param chat the chat
   * @param identity names the person who sent a request, from the server's own authentication (a
   *     session cookie, a verified token): the team's to fill; null for nobody signed in (then
   *     401). Never read from the body.
   * @return the handler
   * @throws NullPointerException if an argument is null
   */
  public static UiHttpHandler forAgent(AgentChat chat, Function<HttpExchange, String> identity) {
    return new UiHttpHandler(
        Objects.requireNonNull(chat, "chat must not be null"),
        Objects.requireNonNull(identity, "identity must not be null"),
        null);
  }

  /**
   * Returns the handler of a stateless chat: each request's conversation (read with {@link
   * UiRequest#read}, at most {@link UiRequest#DEFAULT_MAX_BYTES}) becomes a chat stream, written as
   * a UI message stream. Nothing resumes ({@code GET .../stream} answers 204).
   *
   * @param streams makes the chat stream of a request, typically {@code kimi.stream(...)} of a
   *     request built from {@link UiRequest#textHistory()}
   * @return the handler
   * @throws NullPointerException if {@code streams} is null
   */
  public static UiHttpHandler forChat(Function<UiRequest, ChatStream> streams) {
    return new UiHttpHandler(
        null, null, Objects.requireNonNull(streams, "streams must not be null"));
  }

  /** Answers one exchange. */
  @Override
  public void handle(HttpExchange exchange) throws IOException {
    try {
      UiResponse response = route(exchange);
      send(exchange, response);
    } finally {
      exchange.close();
    }
  }

  private UiResponse route(HttpExchange exchange) {
    String base = exchange.getHttpContext().getPath();
    String path = exchange.getRequestURI().getRawPath();
    String rest = path.length() > base.length() ? path.substring(base.length()) : "";
    if (rest.endsWith("/")) {
      rest = rest.substring(0, rest.length() - 1);
    }
    if (!rest.isEmpty() && !rest.startsWith("/")) {
      return UiResponse.refusal(404, "no such endpoint");
    }
    String method = exchange.getRequestMethod();
    if (rest.isEmpty()) {
      if (!method.equals("POST")) {
        return UiResponse.refusal(405, "POST the chat's request here");
      }
      if (chat != null) {
        return chat.post(exchange.getRequestBody(), identity.apply(exchange));
      }
      try {
        UiRequest request = UiRequest.read(exchange.getRequestBody(), UiRequest.DEFAULT_MAX_BYTES);
        return UiResponse.of(streams.apply(request));
      } catch (UiRequestException e) {
        return UiResponse.refusal(e.status(), e.getMessage());
      }
    }
    String[] segments = rest.substring(1).split("/", -1);
    if (segments.length != 2 || !method.equals("GET")) {
      return UiResponse.refusal(404, "no such endpoint");
    }
    String id = segments[0];
    switch (segments[1]) {
      case "stream":
        return chat == null ? UiResponse.noContent() : chat.resume(id, identity.apply(exchange));
      case "messages":
        if (chat == null) {
          return UiResponse.refusal(404, "a stateless chat keeps no messages");
        }
        return chat.messages(id, identity.apply(exchange));
      default:
        return UiResponse.refusal(404, "no such endpoint");
    }
  }

  /**
   * The most of a body past the limit that is read, and dropped, so that the client (still sending)
   * reads the 413; past it the connection is closed unanswered.
   */
  static final long MAX_DRAIN = 32L * 1024 * 1024;

  private static void send(HttpExchange exchange, UiResponse response) throws IOException {
    if (response.status() == 413) {
      exchange.getResponseHeaders().set("connection", "close");
      drain(exchange.getRequestBody());
    }
    for (Map.Entry<String, String> h : response.headers().entrySet()) {
      exchange.getResponseHeaders().set(h.getKey(), h.getValue());
    }
    if (response.status() == 204) {
      exchange.sendResponseHeaders(204, -1);
      return;
    }
    if (response.isStream()) {
      exchange.sendResponseHeaders(response.status(), 0); // chunked, flushed part by part
      exchange.getResponseBody().flush(); // the headers now: JDK 25 keeps them until a write
    } else {
      java.io.ByteArrayOutputStream body = new java.io.ByteArrayOutputStream();
      response.writeTo(body);
      exchange.sendResponseHeaders(response.status(), body.size());
      try (OutputStream out = exchange.getResponseBody()) {
        body.writeTo(out);
      }
      return;
    }
    try (OutputStream out = exchange.getResponseBody()) {
      response.writeTo(out);
    } catch (IOException clientGone) {
      // the client went away: a chat stream was closed, an agent's run goes on
    }
  }

  private static void drain(java.io.InputStream body) {
    byte[] buf = new byte[64 * 1024];
    long left = MAX_DRAIN;
    try {
      for (int n = body.read(buf); n > 0 && left > 0; n = body.read(buf)) {
        left -= n;
      }
    } catch (IOException e) {
      // the client stopped sending: the answer may still reach it
    }
  }
}
