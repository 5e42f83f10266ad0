package io.github.kimisdk.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** Connection tracking: counts, busy versus idle, and which side closed. */
class FakeKimiServerConnectionsHttpTest {

  static final String REQUEST =
      "GET /v1/models HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer k\r\n\r\n";

  static Socket connect(FakeKimiServer server) throws Exception {
    return new Socket(InetAddress.getLoopbackAddress(), server.port());
  }

  /** Waits on the server's own signal of a changed connection or exchange, not a fixed sleep. */
  static void await(FakeKimiServer server, java.util.function.BooleanSupplier condition) {
    assertThat(server.awaitConnections(condition, Duration.ofSeconds(10)))
        .as("condition within 10 s")
        .isTrue();
  }

  @Test
  void countsWithoutTrackingAreRefusedWithTheFix() {
    try (FakeKimiServer server = new FakeKimiServer().start()) {
      assertThatThrownBy(server::openConnections)
          .isInstanceOf(IllegalStateException.class)
          .hasMessageContaining("trackConnections()");
      assertThatThrownBy(server::trackConnections).isInstanceOf(IllegalStateException.class);
      assertThat(server.activeExchanges()).isZero();
    }
  }

  @Test
  void aKeptAliveConnectionIsOpenButIdleUntilTheClientClosesIt() throws Exception {
    try (FakeKimiServer server = new FakeKimiServer().trackConnections().start()) {
      try (Socket s = connect(server)) {
        OutputStream out = s.getOutputStream();
        out.write(REQUEST.getBytes(StandardCharsets.US_ASCII));
        out.flush();
        InputStream in = s.getInputStream();
        byte[] head = new byte[12];
        assertThat(in.readNBytes(head, 0, 12)).isEqualTo(12);
        assertThat(new String(head, StandardCharsets.US_ASCII)).isEqualTo("HTTP/1.1 200");
        await(server, () -> server.activeExchanges() == 0);
        assertThat(server.connectionCount()).isEqualTo(1);
        assertThat(server.openConnections()).isEqualTo(1);
        assertThat(server.busyConnections()).isZero();
      }
      await(server, () -> server.openConnections() == 0);
      assertThat(server.clientClosedConnections()).isEqualTo(1);
      assertThat(server.serverClosedConnections()).isZero();
    }
  }

  /**
   * A stall (before the headers, or before a stream's next event) lasts until the client closes the
   * connection, not to the end of its scripted length: its next write would fail at once whenever
   * it came. The stalls here are a minute; the waits for the exchange to end are 10 s.
   */
  @Test
  void aStallEndsWhenItsClientClosesTheConnection() throws Exception {
    try (FakeKimiServer server = new FakeKimiServer().trackConnections().start()) {
      server.enqueue(FakeResponse.json("{}").withHeadersDelay(Duration.ofMinutes(1)));
      server.enqueue(
          FakeResponse.sse().data("{}").pause(Duration.ofMinutes(1)).data("{}").done().build());
      for (int i = 0; i < 2; i++) {
        Socket s = connect(server);
        s.getOutputStream()
            .write(
                ("POST /v1/chat/completions HTTP/1.1\r\nHost: x\r\nContent-Length: 2\r\n\r\n{}")
                    .getBytes(StandardCharsets.US_ASCII));
        if (i == 1) {
          assertThat(new String(s.getInputStream().readNBytes(12), StandardCharsets.US_ASCII))
              .isEqualTo("HTTP/1.1 200");
        }
        await(server, () -> server.activeExchanges() == 1);
        assertThat(server.awaitNoBusyConnections(Duration.ofMillis(100))).isFalse();
        s.close();
        assertThat(server.awaitNoBusyConnections(Duration.ofSeconds(10)))
            .as("stall %d ended with its connection", i)
            .isTrue();
        if (i == 1) { // a stream the client left: the fake counts the disconnect, every time
          assertThat(server.awaitDisconnect(Duration.ofSeconds(10))).isTrue();
        }
      }
      assertThat(server.clientClosedConnections()).isEqualTo(2);
    }
  }

  @Test
  void anAbandonedStreamIsBusyUntilTheClientCloses() throws Exception {
    try (FakeKimiServer server = new FakeKimiServer().trackConnections().start()) {
      server.enqueue(FakeResponse.sse().data("{}").build().holdingOpen());
      Socket s = connect(server);
      s.getOutputStream()
          .write(
              ("POST /v1/chat/completions HTTP/1.1\r\nHost: x\r\nContent-Length: 2\r\n\r\n{}")
                  .getBytes(StandardCharsets.US_ASCII));
      s.getInputStream().readNBytes(12);
      await(server, () -> server.busyConnections() == 1);
      assertThat(server.awaitNoBusyConnections(Duration.ofMillis(100))).isFalse();
      s.close();
      assertThat(server.awaitNoBusyConnections(Duration.ofSeconds(10))).isTrue();
      assertThat(server.awaitDisconnect(Duration.ofSeconds(10))).isTrue();
      assertThat(server.clientClosedConnections()).isEqualTo(1);
    }
  }

  @Test
  void aScriptedDropIsAServerSideClose() throws Exception {
    try (FakeKimiServer server = new FakeKimiServer().trackConnections().start()) {
      server.enqueue(FakeResponse.resetBeforeHeaders());
      try (Socket s = connect(server)) {
        s.getOutputStream().write(REQUEST.getBytes(StandardCharsets.US_ASCII));
        assertThat(s.getInputStream().read()).isEqualTo(-1);
      }
      await(server, () -> server.openConnections() == 0);
      assertThat(server.serverClosedConnections()).isEqualTo(1);
      assertThat(server.dropCount()).isEqualTo(1);
    }
  }
}
