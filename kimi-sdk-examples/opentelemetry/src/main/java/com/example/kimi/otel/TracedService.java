package com.example.kimi.otel;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.github.kimisdk.KimiClient;
import io.github.kimisdk.chat.ChatRequest;
import io.github.kimisdk.errors.KimiException;
import io.github.kimisdk.opentelemetry.KimiTelemetry;
import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.api.trace.propagation.W3CTraceContextPropagator;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.Scope;
import io.opentelemetry.context.propagation.TextMapGetter;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * A service that asks Kimi, traced end to end: {@code GET /ask?q=...} on the JDK's HTTP server runs
 * inside a {@code SERVER} span (continuing the caller's trace when the request carries a {@code
 * traceparent}), and the client, with kimi-sdk-opentelemetry installed in one line, makes the Kimi
 * span its child and sends that span's {@code traceparent} to Kimi, so a server that reads it (vLLM,
 * a gateway) joins the same trace.
 */
public final class TracedService implements AutoCloseable {

  private static final TextMapGetter<HttpExchange> HEADERS =
      new TextMapGetter<>() {
        @Override
        @SuppressWarnings("deprecation") // still abstract in the API this builds against
        public Iterable<String> keys(HttpExchange exchange) {
          return exchange.getRequestHeaders().keySet();
        }

        @Override
        public String get(HttpExchange exchange, String key) {
          return exchange == null ? null : exchange.getRequestHeaders().getFirst(key);
        }
      };

  private final HttpServer http;
  private final KimiClient kimi;
  private final Tracer tracer;
  private final String model;

  private TracedService(HttpServer http, KimiClient kimi, Tracer tracer, String model) {
    this.http = http;
    this.kimi = kimi;
    this.tracer = tracer;
    this.model = model;
  }

  /**
   * Starts the service on a free loopback port.
   *
   * @param otel the application's OpenTelemetry
   * @param client the Kimi client's builder, with its key and base URL set
   * @param model the model asked
   * @return the running service
   * @throws IOException if the port cannot be opened
   */
  public static TracedService start(OpenTelemetry otel, KimiClient.Builder client, String model)
      throws IOException {
    KimiClient kimi = KimiTelemetry.create(otel).install(client).build(); // the one line
    HttpServer http = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    TracedService service =
        new TracedService(http, kimi, otel.getTracer("com.example.kimi.otel"), model);
    http.createContext("/ask", service::ask);
    http.start();
    return service;
  }

  /**
   * Returns the address of {@code GET /ask}.
   *
   * @return the URI, without a query
   */
  public URI askUri() {
    return URI.create("http://127.0.0.1:" + http.getAddress().getPort() + "/ask");
  }

  @SuppressWarnings("try") // the scope is what the try is for: the span is current inside it
  private void ask(HttpExchange exchange) throws IOException {
    Context caller =
        W3CTraceContextPropagator.getInstance().extract(Context.root(), exchange, HEADERS);
    Span span =
        tracer.spanBuilder("GET /ask").setSpanKind(SpanKind.SERVER).setParent(caller).startSpan();
    int status = 200;
    String body;
    try (Scope ignored = span.makeCurrent()) {
      body = kimi.chat(ChatRequest.of(model, question(exchange.getRequestURI()))).text();
    } catch (KimiException e) {
      status = 502;
      body = "Kimi failed: " + e.getClass().getSimpleName();
      span.setStatus(StatusCode.ERROR);
    } finally {
      span.end();
    }
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    exchange.getResponseHeaders().put("Content-Type", List.of("text/plain; charset=utf-8"));
    exchange.sendResponseHeaders(status, bytes.length);
    try (OutputStream out = exchange.getResponseBody()) {
      out.write(bytes);
    }
  }

  private static String question(URI uri) {
    String query = uri.getRawQuery();
    if (query != null) {
      for (String pair : query.split("&")) {
        if (pair.startsWith("q=")) {
          return URLDecoder.decode(pair.substring(2), StandardCharsets.UTF_8);
        }
      }
    }
    return "Say hello";
  }

  /** Stops the server and closes the client. */
  @Override
  public void close() {
    http.stop(0);
    kimi.close();
  }
}
