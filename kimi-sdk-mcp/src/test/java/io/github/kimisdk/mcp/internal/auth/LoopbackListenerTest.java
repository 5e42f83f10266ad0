package io.github.kimisdk.mcp.internal.auth;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** The loopback listener's own HTTP: what it reads, what it answers, what it hands on. */
class LoopbackListenerTest {

  private static String line(String head) throws Exception {
    return LoopbackListener.requestLine(
        new ByteArrayInputStream(head.getBytes(StandardCharsets.ISO_8859_1)));
  }

  @Test
  void theRequestLineIsReadFromAHeadThatEndsWithinTheBound() throws Exception {
    assertThat(line("GET /callback?code=c HTTP/1.1\r\nHost: x\r\n\r\n"))
        .isEqualTo("GET /callback?code=c HTTP/1.1");
    assertThat(line("GET /callback HTTP/1.1\r\nHost: x\r\n")).as("ends early").isNull();
    assertThat(line("GET / HTTP/1.1\r\nX: " + "a".repeat(LoopbackListener.MAX_HEAD) + "\r\n\r\n"))
        .as("too large")
        .isNull();
    assertThat(line("GET /\u00e9 HTTP/1.1\r\n\r\n")).as("not ASCII").isNull();
  }

  private static String exchange(int port, String request) throws Exception {
    try (Socket s = new Socket(InetAddress.getLoopbackAddress(), port)) {
      OutputStream out = s.getOutputStream();
      out.write(request.getBytes(StandardCharsets.US_ASCII));
      out.flush();
      InputStream in = s.getInputStream();
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
  }

  /**
   * A connection that sends nothing (a browser's preconnect) holds up nothing; what is not the
   * callback is answered 404 and not handed on; the callback gets its page, then is handed on.
   */
  @Test
  void onlyTheCallbackIsHandedOnAndEveryConnectionIsAnswered() throws Exception {
    try (LoopbackListener l = LoopbackListener.listen(0, "/callback");
        Socket idle = new Socket(InetAddress.getLoopbackAddress(), port(l))) {
      assertThat(exchange(port(l), "GET /favicon.ico HTTP/1.1\r\nHost: x\r\n\r\n"))
          .startsWith("HTTP/1.1 404 ");
      assertThat(exchange(port(l), "GET /callback HTTP/1.1\r\n\r\n")).startsWith("HTTP/1.1 404 ");
      assertThat(exchange(port(l), "POST /callback?code=c HTTP/1.1\r\n\r\n"))
          .startsWith("HTTP/1.1 404 ");
      assertThat(l.await(Duration.ofMillis(1))).isNull();
      String page = exchange(port(l), "GET /callback?code=c&state=s HTTP/1.1\r\nHost: x\r\n\r\n");
      assertThat(page).startsWith("HTTP/1.1 200 OK\r\n").endsWith("You may close this window.</p>");
      assertThat(l.await(Duration.ofSeconds(10)))
          .isEqualTo(URI.create("http://127.0.0.1:" + port(l) + "/callback?code=c&state=s"));
      assertThat(idle.isConnected()).isTrue();
    }
  }

  private static int port(LoopbackListener l) {
    return l.port();
  }
}
