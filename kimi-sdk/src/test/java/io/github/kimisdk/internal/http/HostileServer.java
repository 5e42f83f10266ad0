package io.github.kimisdk.internal.http;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * A loopback HTTP/1.1 server that writes whatever bytes a test scripts: lying {@code
 * Content-Length}s, compressed bodies nobody asked for, redirects, FastAPI and sse-starlette
 * shapes, streams that end without {@code [DONE]}. One scripted reply per connection, which it
 * closes afterwards (unless the reply holds it open); the request headers are recorded.
 */
public final class HostileServer implements AutoCloseable {

  /** Writes one reply onto a connection. */
  @FunctionalInterface
  public interface Reply {
    /**
     * Writes the reply.
     *
     * @param out the connection
     * @throws IOException when the client went away
     * @throws InterruptedException when the test ended
     */
    void write(OutputStream out) throws IOException, InterruptedException;
  }

  private final ServerSocket socket;
  private final BlockingQueue<Reply> replies = new LinkedBlockingQueue<>();
  private final List<String> requests = new CopyOnWriteArrayList<>();
  private final List<Socket> open = new CopyOnWriteArrayList<>();
  private final Thread acceptor;
  private volatile Reply fallback;

  /** Starts listening on a free loopback port. */
  public HostileServer() throws IOException {
    socket = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
    acceptor = new Thread(this::accept, "hostile-server");
    acceptor.setDaemon(true);
    acceptor.start();
  }

  String baseUrl() {
    return url("/v1");
  }

  /** Returns the server's URL with {@code path} ({@code "/anthropic"}). */
  public String url(String path) {
    return "http://127.0.0.1:" + socket.getLocalPort() + path;
  }

  /** Queues {@code reply} for the next connection. */
  public HostileServer enqueue(Reply reply) {
    replies.add(reply);
    return this;
  }

  /** Answers every request with {@code reply} once the queue is empty. */
  HostileServer always(Reply reply) {
    fallback = reply;
    return this;
  }

  /** The request heads seen so far (request line and headers). */
  List<String> requests() {
    return requests;
  }

  /** A complete response: status line, {@code headers} (CRLF-separated lines), the body. */
  static Reply http(int status, String headers, byte[] body) {
    return out -> {
      StringBuilder head = new StringBuilder("HTTP/1.1 ").append(status).append(" X\r\n");
      for (String h : headers.split("\n")) {
        if (!h.isBlank()) {
          head.append(h.strip()).append("\r\n");
        }
      }
      if (!headers.toLowerCase(Locale.ROOT).contains("content-length")) {
        head.append("Content-Length: ").append(body.length).append("\r\n");
      }
      head.append("Connection: close\r\n\r\n");
      out.write(head.toString().getBytes(StandardCharsets.ISO_8859_1));
      out.write(body);
      out.flush();
    };
  }

  static Reply http(int status, String headers, String body) {
    return http(status, headers, body.getBytes(StandardCharsets.UTF_8));
  }

  static Reply json(int status, String body) {
    return http(status, "Content-Type: application/json", body);
  }

  /** An event stream without {@code Content-Length} that ends when the connection closes. */
  public static Reply sse(String text) {
    return out -> {
      out.write(
          ("HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\nConnection: close\r\n\r\n" + text)
              .getBytes(StandardCharsets.UTF_8));
      out.flush();
    };
  }

  private void accept() {
    while (!socket.isClosed()) {
      Socket s;
      try {
        s = socket.accept();
      } catch (IOException closed) {
        return;
      }
      open.add(s);
      Thread t = new Thread(() -> serve(s), "hostile-connection");
      t.setDaemon(true);
      t.start();
    }
  }

  private void serve(Socket s) {
    try (s) {
      InputStream in = s.getInputStream();
      String head = readHead(in);
      if (head == null) {
        return;
      }
      long length = 0;
      for (String line : head.split("\r\n")) {
        int colon = line.indexOf(':');
        if (colon > 0 && line.substring(0, colon).strip().equalsIgnoreCase("content-length")) {
          length = Long.parseLong(line.substring(colon + 1).strip());
        }
      }
      in.skipNBytes(length);
      requests.add(head);
      Reply r = replies.poll();
      if (r == null) {
        r = fallback;
      }
      if (r == null) {
        r = replies.poll(10, TimeUnit.SECONDS);
      }
      if (r != null) {
        r.write(s.getOutputStream());
      }
    } catch (IOException | InterruptedException ignored) {
      // the client went away: part of the test
    } finally {
      open.remove(s);
    }
  }

  private static String readHead(InputStream in) throws IOException {
    ByteArrayOutputStream b = new ByteArrayOutputStream();
    int matched = 0;
    int c;
    while ((c = in.read()) >= 0) {
      b.write(c);
      matched = (c == '\r' || c == '\n') ? matched + 1 : 0;
      if (matched == 4) {
        return b.toString(StandardCharsets.ISO_8859_1);
      }
    }
    return null;
  }

  @Override
  public void close() throws IOException {
    socket.close();
    for (Socket s : new ArrayList<>(open)) {
      s.close();
    }
  }
}
