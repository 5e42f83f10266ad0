package io.github.kimisdk.testing;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Relays each client connection to the HTTP server over its own loopback socket, so that {@link
 * FakeKimiServer} can count connections and tell who closed each one: the JDK's HTTP server reports
 * neither. Two daemon threads per connection copy the bytes; the first side to close or fail closes
 * both.
 */
final class ConnectionRelay implements AutoCloseable {

  private final ServerSocket listener;
  private final InetSocketAddress backend;
  private final String name;
  private final Set<Link> open = ConcurrentHashMap.newKeySet();
  private final Set<Integer> busyPorts; // backend-side local ports with an exchange in progress
  private final AtomicInteger opened = new AtomicInteger();
  private final AtomicInteger closedByClient = new AtomicInteger();
  private final AtomicInteger closedByServer = new AtomicInteger();
  private final AtomicInteger threads = new AtomicInteger();
  private final Runnable changed;
  private volatile boolean closed;

  ConnectionRelay(
      InetSocketAddress listen,
      InetSocketAddress backend,
      String name,
      Set<Integer> busyPorts,
      Runnable changed)
      throws IOException {
    this.backend = backend;
    this.name = name;
    this.busyPorts = busyPorts;
    this.changed = changed;
    this.listener = new ServerSocket();
    listener.setReuseAddress(true);
    listener.bind(listen, 512);
    start("accept", this::acceptLoop);
  }

  int port() {
    return listener.getLocalPort();
  }

  int opened() {
    return opened.get();
  }

  int open() {
    return open.size();
  }

  int closedByClient() {
    return closedByClient.get();
  }

  int closedByServer() {
    return closedByServer.get();
  }

  /** Tells whether the connection whose server side is {@code backendPort} is still open. */
  boolean linkOpen(int backendPort) {
    for (Link l : open) {
      if (l.backendPort == backendPort) {
        return true;
      }
    }
    return false;
  }

  /** Counts open connections on which no exchange is in progress (kept alive for reuse). */
  int idle() {
    int n = 0;
    for (Link l : open) {
      if (!busyPorts.contains(l.backendPort)) {
        n++;
      }
    }
    return n;
  }

  private void acceptLoop() {
    while (!closed) {
      Socket client;
      try {
        client = listener.accept();
      } catch (IOException e) {
        return; // closed
      }
      Socket server = new Socket();
      try {
        client.setTcpNoDelay(true);
        server.setTcpNoDelay(true);
        server.connect(backend);
      } catch (IOException e) {
        closeQuietly(client);
        closeQuietly(server);
        continue;
      }
      Link link = new Link(client, server);
      opened.incrementAndGet();
      open.add(link);
      changed.run();
      start("c2s", () -> link.pump(client, server, true));
      start("s2c", () -> link.pump(server, client, false));
    }
  }

  private void start(String what, Runnable r) {
    Thread t =
        new Thread(null, r, name + "-relay-" + what + "-" + threads.incrementAndGet(), 256L * 1024);
    t.setDaemon(true);
    t.start();
  }

  @Override
  public void close() {
    closed = true;
    closeQuietly(listener);
    for (Link l : open) {
      l.end(false);
    }
  }

  private static void closeQuietly(AutoCloseable c) {
    try {
      c.close();
    } catch (Exception ignored) {
      // closing anyway
    }
  }

  /** One relayed connection. */
  private final class Link {
    final Socket client;
    final Socket server;
    final int backendPort;
    final AtomicBoolean ended = new AtomicBoolean();

    Link(Socket client, Socket server) {
      this.client = client;
      this.server = server;
      this.backendPort = server.getLocalPort();
    }

    void pump(Socket from, Socket to, boolean fromClient) {
      byte[] buf = new byte[16 * 1024];
      boolean writeFailed = false;
      try {
        InputStream in = from.getInputStream();
        OutputStream out = to.getOutputStream();
        int n;
        while ((n = in.read(buf)) >= 0) {
          writeFailed = true;
          out.write(buf, 0, n);
          out.flush();
          writeFailed = false;
        }
      } catch (IOException e) {
        // a failed read means "from" went away, a failed write means "to" did
      }
      end(writeFailed != fromClient);
    }

    /** Closes both sockets once; {@code byClient} tells which side ended first. */
    void end(boolean byClient) {
      if (ended.compareAndSet(false, true)) {
        open.remove(this);
        (byClient ? closedByClient : closedByServer).incrementAndGet();
        closeQuietly(client);
        closeQuietly(server);
        changed.run();
      }
    }
  }
}
