package io.github.kimisdk.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.kimisdk.KimiClient;
import io.github.kimisdk.RetryPolicy;
import io.github.kimisdk.WireProtocol;
import io.github.kimisdk.chat.ChatRequest;
import io.github.kimisdk.chat.ChatStream;
import io.github.kimisdk.errors.KimiException;
import java.io.ByteArrayInputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import javax.net.ssl.SSLHandshakeException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link FakeKimiServer#tls()}: HTTPS on loopback with a certificate the fake makes (or is given),
 * and the trust material a client needs; {@link KimiClient} over it on every wire.
 */
class FakeKimiServerTlsHttpTest {

  static KimiClient client(FakeKimiServer server, String baseUrl, WireProtocol wire) {
    return KimiClient.builder()
        .apiKey("sk-tls")
        .baseUrl(baseUrl)
        .wireProtocol(wire)
        .httpClient(HttpClient.newBuilder().sslContext(server.sslContext()).build())
        .build();
  }

  static X509Certificate certificate(String pem) throws Exception {
    return (X509Certificate)
        CertificateFactory.getInstance("X.509")
            .generateCertificate(new ByteArrayInputStream(pem.getBytes(StandardCharsets.US_ASCII)));
  }

  @Test
  void servesKimiClientOverHttpsOnEveryWire() {
    try (FakeKimiServer server = new FakeKimiServer().tls().start()) {
      assertThat(server.baseUrl()).matches("https://127\\.0\\.0\\.1:\\d+/v1");
      assertThat(server.anthropicBaseUrl()).startsWith("https://");
      try (KimiClient chat = client(server, server.baseUrl(), WireProtocol.CHAT_COMPLETIONS);
          KimiClient messages =
              client(server, server.anthropicBaseUrl(), WireProtocol.ANTHROPIC_MESSAGES);
          KimiClient responses = client(server, server.baseUrl(), WireProtocol.RESPONSES)) {
        assertThat(chat.chat(ChatRequest.of("kimi-k3", "over TLS")).text())
            .isEqualTo("You said: over TLS");
        StringBuilder streamed = new StringBuilder();
        try (ChatStream s = chat.stream(ChatRequest.of("kimi-k3", "streamed"))) {
          s.forEach(c -> streamed.append(c.text()));
        }
        assertThat(streamed).hasToString("You said: streamed");
        assertThat(messages.chat(ChatRequest.of("kimi-k3", "messages")).text())
            .isEqualTo("You said: messages");
        assertThat(responses.chat(ChatRequest.of("kimi-k3", "responses")).text())
            .isEqualTo("You said: responses");
      }
      assertThat(server.requests())
          .hasSize(4)
          .allSatisfy(r -> assertThat(r.status()).isEqualTo(200));
    }
  }

  @Test
  void aClientThatDoesNotTrustTheCertificateFailsTheHandshake() {
    try (FakeKimiServer server = new FakeKimiServer().tls().start();
        KimiClient untrusting =
            KimiClient.builder()
                .apiKey("sk-tls")
                .baseUrl(server.baseUrl())
                .retryPolicy(RetryPolicy.none())
                .build()) {
      assertThatThrownBy(() -> untrusting.chat(ChatRequest.of("kimi-k3", "hi")))
          .isInstanceOf(KimiException.class)
          .hasRootCauseInstanceOf(java.security.cert.CertPathBuilderException.class)
          .satisfies(e -> assertThat(causes(e)).anyMatch(c -> c instanceof SSLHandshakeException));
      assertThat(server.requestCount()).isZero();
    }
  }

  static List<Throwable> causes(Throwable t) {
    List<Throwable> out = new ArrayList<>();
    for (Throwable c = t; c != null && !out.contains(c); c = c.getCause()) {
      out.add(c);
    }
    return out;
  }

  @Test
  void theCertificateIsSelfSignedForTheLoopbackNamesAndValidNow() throws Exception {
    try (FakeKimiServer server = new FakeKimiServer().tls().start()) {
      X509Certificate cert = certificate(server.certificatePem());
      cert.verify(cert.getPublicKey()); // self-signed
      cert.checkValidity();
      assertThat(cert.getNotAfter().toInstant()).isAfter(Instant.now().plusSeconds(80L * 86400));
      assertThat(cert.getSubjectAlternativeNames())
          .extracting(n -> n.get(1).toString())
          .contains("localhost", "127.0.0.1");
      assertThat(cert.getSigAlgName()).isEqualTo("SHA256withECDSA");
      assertThat(server.certificatePem())
          .startsWith("-----BEGIN CERTIFICATE-----\n")
          .endsWith("-----END CERTIFICATE-----\n");
    }
  }

  @Test
  void eachServerMakesItsOwnCertificate() throws Exception {
    try (FakeKimiServer a = new FakeKimiServer().tls().start();
        FakeKimiServer b = new FakeKimiServer().tls().start()) {
      assertThat(certificate(a.certificatePem())).isNotEqualTo(certificate(b.certificatePem()));
      HttpClient trustsA = HttpClient.newBuilder().sslContext(a.sslContext()).build();
      HttpRequest toB =
          HttpRequest.newBuilder(URI.create(b.baseUrl() + "/models"))
              .header("Authorization", "Bearer k")
              .build();
      assertThatThrownBy(() -> trustsA.send(toB, HttpResponse.BodyHandlers.ofString()))
          .isInstanceOf(SSLHandshakeException.class);
    }
  }

  @Test
  void servesACertificateItIsGiven(@TempDir Path dir) throws Exception {
    FakeTls made = FakeTls.generate(java.net.InetAddress.getLoopbackAddress());
    Path cert = Files.writeString(dir.resolve("cert.pem"), made.chainPem());
    Path key = Files.writeString(dir.resolve("key.pem"), made.keyPem());
    try (FakeKimiServer server = new FakeKimiServer().tls(cert, key).start();
        KimiClient kimi = client(server, server.baseUrl(), WireProtocol.CHAT_COMPLETIONS)) {
      assertThat(server.certificatePem()).isEqualTo(made.certificatePem());
      assertThat(kimi.chat(ChatRequest.of("kimi-k3", "given")).text()).isEqualTo("You said: given");
    }
  }

  @Test
  void aKeyThatIsNotPkcs8IsRefusedSayingHowToConvertIt(@TempDir Path dir) throws Exception {
    FakeTls made = FakeTls.generate(java.net.InetAddress.getLoopbackAddress());
    Path cert = Files.writeString(dir.resolve("cert.pem"), made.chainPem());
    Path key =
        Files.writeString(
            dir.resolve("key.pem"),
            made.keyPem().replace("PRIVATE KEY", "EC PRIVATE KEY")); // the SEC 1 label
    assertThatThrownBy(() -> new FakeKimiServer().tls(cert, key))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("holds no PKCS #8 key (BEGIN PRIVATE KEY)")
        .hasMessageContaining("openssl pkcs8 -topk8 -nocrypt");
    assertThatThrownBy(() -> new FakeKimiServer().tls(key, key))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("holds no PEM certificate");
    assertThat(made.toString()).doesNotContain("PRIVATE", made.keyPem().substring(28, 60));
  }

  @Test
  void tlsIsChosenBeforeStartAndItsMaterialReadAfter() {
    try (FakeKimiServer plain = new FakeKimiServer().start()) {
      assertThatThrownBy(plain::tls).isInstanceOf(IllegalStateException.class);
      assertThatThrownBy(plain::sslContext)
          .isInstanceOf(IllegalStateException.class)
          .hasMessageContaining("plain HTTP");
    }
    FakeKimiServer notStarted = new FakeKimiServer().tls();
    assertThatThrownBy(notStarted::certificatePem)
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("start()");
  }

  @Test
  void connectionTrackingRelaysTls() {
    try (FakeKimiServer server = new FakeKimiServer().tls().trackConnections().start();
        KimiClient kimi = client(server, server.baseUrl(), WireProtocol.CHAT_COMPLETIONS)) {
      assertThat(kimi.chat(ChatRequest.of("kimi-k3", "tracked")).text())
          .isEqualTo("You said: tracked");
      assertThat(server.connectionCount()).isEqualTo(1);
    }
  }
}
