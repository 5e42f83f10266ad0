package io.github.kimisdk.mcp.internal.auth;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Waits on a loopback port for the one redirect that ends an authorization: a listener of a few
 * dozen lines of HTTP/1.1 of its own, rather than the JDK's {@code com.sun.net.httpserver}, whose
 * logger prints each request line, the callback's code included. Each connection (a browser may
 * open one it never uses) is read on a daemon thread of its own, its request line and headers at
 * most {@value #MAX_HEAD} bytes within {@link #READ_TIMEOUT}; the callback is answered with the
 * page it promises, written whole before the redirect is handed on, so that closing the listener
 * never cuts it; anything else is answered 404. Nothing it reads is logged.
 */
final class LoopbackListener implements AutoCloseable {

  /** The most bytes read of one request's line and headers. */
  static final int MAX_HEAD = 16 * 1024;

  /** How long one connection may take to send its request. */
  static final Duration READ_TIMEOUT = Duration.ofSeconds(10);

  /** How many connections are read at once; more are closed unread. */
  private static final int MAX_CONNECTIONS = 8;

  private static final byte[] PAGE =
      ("<!doctype html><meta charset=utf-8><title>Authorized</title>"
              + "<p>The authorization is complete. You may close this window.</p>")
          .getBytes(StandardCharsets.UTF_8);

  private final ServerSocket socket;
  private final String path;
  private final CompletableFuture<URI> redirect = new CompletableFuture<>();
  private final Semaphore connections = new Semaphore(MAX_CONNECTIONS);

  private LoopbackListener(ServerSocket socket, String path) {
    this.socket = socket;
    this.path = path;
  }

  /** Listens on {@code port} of the loopback interface for a GET of {@code path} with a query. */
  static LoopbackListener listen(int port, String path) {
    ServerSocket s;
    try {
      s = new ServerSocket(port, 8, InetAddress.getLoopbackAddress());
    } catch (IOException e) {
      throw new UncheckedIOException(
          "cannot listen for the authorization redirect on 127.0.0.1:" + port, e);
    }
    LoopbackListener l = new LoopbackListener(s, path);
    daemon("kimi-sdk-mcp-redirect-" + s.getLocalPort(), l::accept);
    return l;
  }

  private static void daemon(String name, Runnable body) {
    Thread t = new Thread(body, name);
    t.setDaemon(true);
    t.start();
  }

  private void accept() {
    while (!socket.isClosed()) {
      Socket c;
      try {
        c = socket.accept();
      } catch (IOException e) {
        return; // closed
      }
      if (!connections.tryAcquire()) {
        closeQuietly(c);
        continue;
      }
      daemon(
          Thread.currentThread().getName() + "-connection",
          () -> {
            try (c) {
              answer(c);
            } catch (IOException e) {
              // a browser that left, or a request that was too slow: nothing to do
            } finally {
              connections.release();
            }
          });
    }
  }

  private void answer(Socket c) throws IOException {
    c.setSoTimeout((int) READ_TIMEOUT.toMillis());
    String line = requestLine(c.getInputStream());
    String[] parts = line == null ? new String[0] : line.split(" ", -1);
    URI target = null;
    if (parts.length == 3 && parts[0].equals("GET") && parts[2].startsWith("HTTP/1.")) {
      try {
        URI u = new URI(parts[1]);
        if (path.equals(u.getRawPath()) && u.getRawQuery() != null) {
          target = u;
        }
      } catch (java.net.URISyntaxException e) {
        target = null;
      }
    }
    OutputStream out = c.getOutputStream();
    if (target == null) {
      out.write(
          ("HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\nConnection: close\r\n\r\n")
              .getBytes(StandardCharsets.US_ASCII));
      out.flush();
      return;
    }
    out.write(
        ("HTTP/1.1 200 OK\r\nContent-Type: text/html; charset=utf-8\r\nCache-Control: no-store\r\n"
                + "Content-Length: "
                + PAGE.length
                + "\r\nConnection: close\r\n\r\n")
            .getBytes(StandardCharsets.US_ASCII));
    out.write(PAGE);
    out.flush();
    c.shutdownOutput();
    redirect.complete(
        URI.create(
            "http://127.0.0.1:"
                + socket.getLocalPort()
                + target.getRawPath()
                + "?"
                + target.getRawQuery()));
  }

  /**
   * Reads a request's head (at most {@value #MAX_HEAD} bytes, to its empty line) and returns its
   * first line; null when the head is larger, ends early, or is not ASCII.
   */
  static String requestLine(InputStream in) throws IOException {
    byte[] head = new byte[MAX_HEAD];
    int n = 0;
    while (n < MAX_HEAD) {
      int b = in.read();
      if (b < 0) {
        return null;
      }
      head[n++] = (byte) b;
      if (n >= 4
          && head[n - 4] == '\r'
          && head[n - 3] == '\n'
          && head[n - 2] == '\r'
          && head[n - 1] == '\n') {
        for (int i = 0; i < n; i++) {
          if (head[i] == '\r') {
            return new String(head, 0, i, StandardCharsets.US_ASCII);
          }
          if (head[i] < 0) {
            return null;
          }
        }
      }
    }
    return null;
  }

  /** The port it listens on. */
  int port() {
    return socket.getLocalPort();
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

  private static void closeQuietly(Socket c) {
    try {
      c.close();
    } catch (IOException e) {
      // nothing to do
    }
  }

  @Override
  public void close() {
    try {
      socket.close();
    } catch (IOException e) {
      // nothing to do
    }
  }
}
