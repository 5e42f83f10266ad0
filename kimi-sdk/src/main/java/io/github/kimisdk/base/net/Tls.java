package io.github.kimisdk.base.net;

/** What a TLS failure says about retrying. */
public final class Tls {
  private Tls() {}

  /**
   * Tells whether {@code t} is a TLS handshake that failed on the server's certificate (untrusted,
   * expired, for another name): the same every time, so never worth a retry.
   *
   * @param t a failure
   * @return true for a certificate problem
   */
  public static boolean untrustedCertificate(Throwable t) {
    boolean handshake = false;
    for (Throwable c = t; c != null; c = c.getCause()) {
      if (c instanceof javax.net.ssl.SSLHandshakeException
          || c instanceof javax.net.ssl.SSLPeerUnverifiedException) {
        handshake = true;
      }
      if (handshake && c instanceof java.security.cert.CertificateException) {
        return true;
      }
      if (c.getCause() == c) {
        break;
      }
    }
    return false;
  }
}
