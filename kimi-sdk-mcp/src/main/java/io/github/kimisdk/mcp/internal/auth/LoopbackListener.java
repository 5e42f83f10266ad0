package io.github.kimisdk.mcp.internal.auth;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/** Waits on a loopback port for the one redirect that ends an authorization. */
final class LoopbackListener implements AutoCloseable {

  private static final byte[] PAGE =
      ("<!doctype html><meta charset=utf-8><title>Authorized</title>"
              + "<p>The authorization is complete. You may close this window.</p>")
          .getBytes(StandardCharsets.UTF_8);

  private final HttpServer server;
  private final CompletableFuture<URI> redirect = new CompletableFuture<>();

  private LoopbackListener(HttpServer server) {
    this.server = server;
  }

  static LoopbackListener listen(int port, String path) {
    HttpServer s;
    try {
      s = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 4);
    } catch (IOException e) {
      throw new UncheckedIOException(
          "cannot listen for the authorization redirect on 127.0.0.1:" + port, e);
    }
    LoopbackListener l = new LoopbackListener(s);
    s.createContext(path, l::handle);
    s.start();
    return l;
  }

  private void handle(HttpExchange ex) throws IOException {
    try (ex) {
      URI u = ex.getRequestURI();
      if (!"GET".equals(ex.getRequestMethod()) || u.getRawQuery() == null) {
        ex.sendResponseHeaders(404, -1);
        return;
      }
      redirect.complete(
          URI.create(
              "http://127.0.0.1:"
                  + server.getAddress().getPort()
                  + u.getRawPath()
                  + "?"
                  + u.getRawQuery()));
      ex.getResponseHeaders().set("Content-Type", "text/html; charset=utf-8");
      ex.getResponseHeaders().set("Cache-Control", "no-store");
      ex.sendResponseHeaders(200, PAGE.length);
      try (OutputStream out = ex.getResponseBody()) {
        out.write(PAGE);
      }
    }
  }

  /** The redirect, or null when none came in time. */
  URI await(Duration timeout) throws InterruptedException {
    try {
      return redirect.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
    } catch (TimeoutException e) {
      return null;
    } catch (ExecutionException e) {
      throw new IllegalStateException(e.getCause());
    }
  }

  @Override
  public void close() {
    server.stop(0);
  }
}
