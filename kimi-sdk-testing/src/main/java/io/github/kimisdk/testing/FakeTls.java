package io.github.kimisdk.testing;

import com.sun.net.httpserver.HttpServer;
import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.Signature;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.security.spec.PKCS8EncodedKeySpec;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

/**
 * The fake's TLS material: a certificate chain and its private key, made at start (a self-signed EC
 * P-256 certificate for the loopback names, written with the small DER encoder below, since the JDK
 * has no public API that makes certificates) or read from PEM files; the server's {@link
 * SSLContext}, and a client's that trusts the chain's last certificate. Immutable.
 */
final class FakeTls {

  /** The largest PEM file read. */
  static final int MAX_PEM_BYTES = 1 << 20;

  private static final char[] STORE_PASSWORD = "fake-kimi".toCharArray();
  private static final String ECDSA_WITH_SHA256 = "1.2.840.10045.4.3.2";

  private final List<X509Certificate> chain;
  private final PrivateKey key;

  private FakeTls(List<X509Certificate> chain, PrivateKey key) {
    this.chain = List.copyOf(chain);
    this.key = key;
  }

  /**
   * Makes a self-signed certificate for {@code localhost}, {@code 127.0.0.1}, {@code ::1} and
   * {@code address} (when it is neither a wildcard nor a loopback address), valid from an hour
   * before now for 90 days.
   */
  static FakeTls generate(InetAddress address) {
    try {
      KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
      g.initialize(new ECGenParameterSpec("secp256r1"));
      KeyPair pair = g.generateKeyPair();
      Set<InetAddress> ips = new LinkedHashSet<>();
      ips.add(InetAddress.getByName("127.0.0.1"));
      ips.add(InetAddress.getByName("::1"));
      if (!address.isAnyLocalAddress() && !address.isLoopbackAddress()) {
        ips.add(address);
      }
      byte[] serial = new byte[16];
      new SecureRandom().nextBytes(serial);
      Instant now = Instant.now();
      byte[] name = seq(set(seq(oid("2.5.4.3"), tlv(0x0C, utf8("FakeKimiServer")))));
      ByteArrayOutputStream names = new ByteArrayOutputStream();
      names.writeBytes(tlv(0x82, utf8("localhost"))); // dNSName
      for (InetAddress ip : ips) {
        names.writeBytes(tlv(0x87, ip.getAddress())); // iPAddress
      }
      byte[] extensions =
          seq(
              seq(oid("2.5.29.17"), tlv(0x04, seq(names.toByteArray()))), // subjectAltName
              // basicConstraints, critical, cA: a trust anchor that is its own issuer, as
              // openssl req -x509 makes one
              seq(
                  oid("2.5.29.19"),
                  tlv(0x01, new byte[] {-1}),
                  tlv(0x04, seq(tlv(0x01, new byte[] {-1})))));
      byte[] algorithm = seq(oid(ECDSA_WITH_SHA256));
      byte[] tbs =
          seq(
              tlv(0xA0, tlv(0x02, new byte[] {2})), // version 3
              tlv(0x02, new BigInteger(1, serial).toByteArray()),
              algorithm,
              name,
              seq(time(now.minus(Duration.ofHours(1))), time(now.plus(Duration.ofDays(90)))),
              name,
              pair.getPublic().getEncoded(), // SubjectPublicKeyInfo, DER already
              tlv(0xA3, extensions));
      Signature signer = Signature.getInstance("SHA256withECDSA");
      signer.initSign(pair.getPrivate());
      signer.update(tbs);
      byte[] signature = signer.sign(); // DER ECDSA-Sig-Value, as X.509 wants it
      byte[] bits = new byte[signature.length + 1]; // no unused bits
      System.arraycopy(signature, 0, bits, 1, signature.length);
      byte[] der = seq(tbs, algorithm, tlv(0x03, bits));
      X509Certificate cert =
          (X509Certificate)
              CertificateFactory.getInstance("X.509")
                  .generateCertificate(new ByteArrayInputStream(der));
      return new FakeTls(List.of(cert), pair.getPrivate());
    } catch (GeneralSecurityException | IOException e) {
      throw new IllegalStateException("FakeKimiServer could not make a TLS certificate", e);
    }
  }

  /**
   * Reads a certificate chain (PEM, the server's certificate first) and its private key (PEM, PKCS
   * #8: {@code BEGIN PRIVATE KEY}, RSA, EC or EdDSA).
   *
   * @throws IllegalArgumentException if either file is not what it should be, saying what to do
   * @throws UncheckedIOException if a file cannot be read
   */
  static FakeTls read(Path certificate, Path privateKey) {
    List<X509Certificate> chain = new ArrayList<>();
    try {
      for (Certificate c :
          CertificateFactory.getInstance("X.509")
              .generateCertificates(new ByteArrayInputStream(bounded(certificate)))) {
        chain.add((X509Certificate) c);
      }
    } catch (GeneralSecurityException e) {
      throw new IllegalArgumentException(
          "--tls-cert " + certificate + " holds no PEM certificate (BEGIN CERTIFICATE)", e);
    }
    if (chain.isEmpty()) {
      throw new IllegalArgumentException(
          "--tls-cert " + certificate + " holds no PEM certificate (BEGIN CERTIFICATE)");
    }
    String pem = new String(bounded(privateKey), StandardCharsets.US_ASCII);
    String begin = "-----BEGIN PRIVATE KEY-----";
    int from = pem.indexOf(begin);
    int to = pem.indexOf("-----END PRIVATE KEY-----");
    if (from < 0 || to < from) {
      throw new IllegalArgumentException(
          "--tls-key "
              + privateKey
              + " holds no PKCS #8 key (BEGIN PRIVATE KEY); convert one with"
              + " openssl pkcs8 -topk8 -nocrypt -in KEY -out KEY.pk8.pem");
    }
    byte[] der;
    try {
      der = Base64.getMimeDecoder().decode(pem.substring(from + begin.length(), to));
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("--tls-key " + privateKey + ": the key is not base64", e);
    }
    for (String algorithm : List.of("RSA", "EC", "EdDSA")) {
      try {
        PrivateKey key =
            KeyFactory.getInstance(algorithm).generatePrivate(new PKCS8EncodedKeySpec(der));
        return new FakeTls(chain, key);
      } catch (GeneralSecurityException notThisOne) {
        // the next algorithm
      }
    }
    throw new IllegalArgumentException(
        "--tls-key " + privateKey + " holds no RSA, EC or EdDSA private key");
  }

  private static byte[] bounded(Path file) {
    try {
      if (Files.size(file) > MAX_PEM_BYTES) {
        throw new IllegalArgumentException(file + " is over " + MAX_PEM_BYTES + " bytes");
      }
      return Files.readAllBytes(file);
    } catch (IOException e) {
      throw new UncheckedIOException("FakeKimiServer cannot read " + file, e);
    }
  }

  /** An HTTPS server on {@code address} that serves this chain and key. */
  HttpServer server(InetSocketAddress address, int backlog) throws IOException {
    HttpsServer https = HttpsServer.create(address, backlog);
    https.setHttpsConfigurator(new HttpsConfigurator(serverContext()));
    return https;
  }

  /** The server's context: this chain and key. */
  SSLContext serverContext() {
    try {
      KeyStore store = KeyStore.getInstance("PKCS12");
      store.load(null, null);
      store.setKeyEntry("fake-kimi", key, STORE_PASSWORD, chain.toArray(Certificate[]::new));
      KeyManagerFactory keys =
          KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
      keys.init(store, STORE_PASSWORD);
      SSLContext context = SSLContext.getInstance("TLS");
      context.init(keys.getKeyManagers(), null, null);
      return context;
    } catch (GeneralSecurityException | IOException e) {
      throw new IllegalStateException("FakeKimiServer could not set up TLS", e);
    }
  }

  /** A client's context that trusts the chain's last certificate (and nothing else). */
  SSLContext clientContext() {
    try {
      KeyStore store = KeyStore.getInstance("PKCS12");
      store.load(null, null);
      store.setCertificateEntry("fake-kimi", anchor());
      TrustManagerFactory trust =
          TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
      trust.init(store);
      SSLContext context = SSLContext.getInstance("TLS");
      context.init(null, trust.getTrustManagers(), null);
      return context;
    } catch (GeneralSecurityException | IOException e) {
      throw new IllegalStateException("FakeKimiServer could not set up TLS", e);
    }
  }

  /** The certificate a client trusts: the last of the chain, PEM. */
  String certificatePem() {
    try {
      return pem("CERTIFICATE", anchor().getEncoded());
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("FakeKimiServer could not encode its certificate", e);
    }
  }

  /** The chain, PEM, server's certificate first; and the key, PKCS #8 PEM (for tests). */
  String chainPem() {
    StringBuilder sb = new StringBuilder();
    try {
      for (X509Certificate c : chain) {
        sb.append(pem("CERTIFICATE", c.getEncoded()));
      }
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
    return sb.toString();
  }

  String keyPem() {
    return pem("PRIVATE KEY", key.getEncoded());
  }

  private X509Certificate anchor() {
    return chain.get(chain.size() - 1);
  }

  private static String pem(String type, byte[] der) {
    return "-----BEGIN "
        + type
        + "-----\n"
        + Base64.getMimeEncoder(64, new byte[] {'\n'}).encodeToString(der)
        + "\n-----END "
        + type
        + "-----\n";
  }

  @Override
  public String toString() {
    return "FakeTls[" + anchor().getSubjectX500Principal() + "]"; // never the key
  }

  // A DER encoder of the few types a certificate needs (X.690): tag, length, content.

  static byte[] tlv(int tag, byte[] content) {
    ByteArrayOutputStream out = new ByteArrayOutputStream(content.length + 6);
    out.write(tag);
    int n = content.length;
    if (n < 0x80) {
      out.write(n);
    } else {
      int bytes = n > 0xFFFFFF ? 4 : n > 0xFFFF ? 3 : n > 0xFF ? 2 : 1;
      out.write(0x80 | bytes);
      for (int i = bytes - 1; i >= 0; i--) {
        out.write(n >>> (8 * i));
      }
    }
    out.writeBytes(content);
    return out.toByteArray();
  }

  static byte[] seq(byte[]... parts) {
    return tlv(0x30, concat(parts));
  }

  private static byte[] set(byte[]... parts) {
    return tlv(0x31, concat(parts));
  }

  private static byte[] concat(byte[]... parts) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (byte[] p : parts) {
      out.writeBytes(p);
    }
    return out.toByteArray();
  }

  /** An OBJECT IDENTIFIER from its dotted form. */
  static byte[] oid(String dotted) {
    String[] arcs = dotted.split("\\.");
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.write(Integer.parseInt(arcs[0]) * 40 + Integer.parseInt(arcs[1]));
    for (int i = 2; i < arcs.length; i++) {
      long arc = Long.parseLong(arcs[i]);
      int groups = 1;
      while ((arc >>> (7 * groups)) != 0) {
        groups++;
      }
      for (int g = groups - 1; g >= 0; g--) {
        out.write((int) ((arc >>> (7 * g)) & 0x7F) | (g > 0 ? 0x80 : 0));
      }
    }
    return tlv(0x06, out.toByteArray());
  }

  /** UTCTime before 2050, GeneralizedTime from then on (RFC 5280, 4.1.2.5). */
  private static byte[] time(Instant t) {
    boolean utc = t.atZone(ZoneOffset.UTC).getYear() < 2050;
    String s =
        DateTimeFormatter.ofPattern(utc ? "yyMMddHHmmss'Z'" : "yyyyMMddHHmmss'Z'")
            .withZone(ZoneOffset.UTC)
            .format(t);
    return tlv(utc ? 0x17 : 0x18, s.getBytes(StandardCharsets.US_ASCII));
  }

  private static byte[] utf8(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }
}
