package com.example.ui;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/** Serves the built page (Vite's dist/) from the JDK's HTTP server: GET only, inside its folder. */
final class StaticFiles implements HttpHandler {
  private static final Map<String, String> TYPES =
      Map.of(
          "html", "text/html; charset=utf-8",
          "js", "text/javascript; charset=utf-8",
          "css", "text/css; charset=utf-8",
          "svg", "image/svg+xml",
          "ico", "image/x-icon",
          "png", "image/png",
          "json", "application/json");

  private final Path root;

  StaticFiles(Path root) {
    this.root = root.toAbsolutePath().normalize();
  }

  @Override
  public void handle(HttpExchange exchange) throws IOException {
    try {
      if (!exchange.getRequestMethod().equals("GET")) {
        exchange.sendResponseHeaders(405, -1);
        return;
      }
      String path = exchange.getRequestURI().getPath();
      Path file = root.resolve(path.equals("/") ? "index.html" : path.substring(1)).normalize();
      if (!file.startsWith(root) || !Files.isRegularFile(file)) {
        file = root.resolve("index.html"); // the page's own routes
      }
      if (!Files.isRegularFile(file)) {
        byte[] missing =
            "The page is not built: run npm ci and npm run build in page/ (mvn compile does)."
                .getBytes(java.nio.charset.StandardCharsets.UTF_8);
        exchange.sendResponseHeaders(404, missing.length);
        exchange.getResponseBody().write(missing);
        return;
      }
      String name = file.getFileName().toString();
      String ext = name.substring(name.lastIndexOf('.') + 1);
      exchange.getResponseHeaders().set("content-type", TYPES.getOrDefault(ext, "application/octet-stream"));
      exchange.getResponseHeaders().set("cache-control", "no-cache");
      exchange.sendResponseHeaders(200, Files.size(file));
      try (OutputStream out = exchange.getResponseBody()) {
        Files.copy(file, out);
      }
    } finally {
      exchange.close();
    }
  }
}
