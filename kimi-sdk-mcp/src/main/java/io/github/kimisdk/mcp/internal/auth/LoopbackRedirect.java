package io.github.kimisdk.mcp.internal.auth;

import io.github.kimisdk.mcp.internal.rpc.Rpc;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.time.Duration;
import java.util.function.Consumer;

/**
 * {@code McpUserAgent.loopback(int, Consumer)}: the redirect received on a loopback port, by a
 * {@link LoopbackListener} that runs only while an authorization waits.
 */
public final class LoopbackRedirect implements RedirectReceiver {

  static final String PATH = "/callback";

  private final Consumer<URI> open;
  private int port; // guarded by this

  /**
   * Creates the receiver.
   *
   * @param port the port, 0 for a free one chosen once
   * @param open shows the authorization URL to the person
   */
  public LoopbackRedirect(int port, Consumer<URI> open) {
    this.port = port;
    this.open = open;
  }

  @Override
  public synchronized String redirectUri() {
    if (port == 0) {
      try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
        port = s.getLocalPort();
      } catch (IOException e) {
        throw new UncheckedIOException("cannot find a free loopback port for the redirect", e);
      }
    }
    return "http://127.0.0.1:" + port + PATH;
  }

  @Override
  public synchronized URI authorize(URI authorizationUrl, Duration timeout)
      throws InterruptedException {
    String redirect = redirectUri();
    try (LoopbackListener listener = LoopbackListener.listen(port, PATH)) {
      open.accept(authorizationUrl);
      URI back = listener.await(timeout);
      if (back == null) {
        throw new IllegalStateException(
            "no redirect reached " + redirect + " within " + Rpc.human(timeout));
      }
      return back;
    }
  }

  @Override
  public synchronized String toString() {
    return "McpUserAgent.loopback[" + (port == 0 ? "a free port" : "port " + port) + "]";
  }
}
