package io.github.kimisdk.mcp.internal.auth;

import io.github.kimisdk.json.Json;
import io.github.kimisdk.json.JsonObject;
import java.math.BigInteger;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.SecureRandom;
import java.security.Signature;
import java.security.interfaces.ECPublicKey;
import java.security.spec.ECGenParameterSpec;
import java.time.Instant;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * The key a client's tokens are bound to (DPoP, RFC 9449): an EC key on P-256 made with the JDK
 * when first needed, its public JWK and thumbprint (RFC 7638), the proofs it signs (ES256, {@code
 * dpop+jwt}), and which access tokens an authorization server bound to it. One per {@code
 * McpAuthorization}, shared by its clients, so that a token one of them obtained is sent bound by
 * the others too; it lives in memory only.
 *
 * <p>Thread-safe: the key is made once under this object's lock; the bound tokens are kept, as
 * their SHA-256 (never the token), in a synchronized map of at most {@value #MAX_BOUND}.
 */
public final class DpopKey {

  /** How many bound tokens are remembered: the newest. */
  static final int MAX_BOUND = 256;

  private final SecureRandom random = new SecureRandom();
  private final Map<String, Boolean> bound =
      Collections.synchronizedMap(
          new LinkedHashMap<>(16, 0.75f, false) {
            private static final long serialVersionUID = 1L;

            @Override
            protected boolean removeEldestEntry(Map.Entry<String, Boolean> eldest) {
              return size() > MAX_BOUND;
            }
          });
  private KeyPair keys; // guarded by this
  private JsonObject jwk; // guarded by this
  private String thumbprint; // guarded by this
  private String header; // guarded by this: the proofs' header, base64url, and its dot

  /** Creates a key holder; the key itself is made when first needed. */
  public DpopKey() {}

  private synchronized KeyPair keys() {
    if (keys == null) {
      try {
        KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
        g.initialize(new ECGenParameterSpec("secp256r1"), random);
        keys = g.generateKeyPair();
      } catch (GeneralSecurityException e) {
        throw new IllegalStateException("this JDK cannot make an EC key on P-256", e);
      }
      jwk = jwk((ECPublicKey) keys.getPublic());
      thumbprint = thumbprint(jwk);
      header =
          Forms.base64Url(
                  Json.writeBytes(
                      JsonObject.builder()
                          .put("typ", "dpop+jwt")
                          .put("alg", "ES256")
                          .put("jwk", jwk)
                          .build()))
              + ".";
    }
    return keys;
  }

  /** The beginning of every proof this key signs: its header, base64url, and a dot. */
  synchronized String header() {
    keys();
    return header;
  }

  /** The public key as a JWK: {@code kty}, {@code crv}, {@code x}, {@code y} (RFC 7518 6.2.1). */
  synchronized JsonObject jwk() {
    keys();
    return jwk;
  }

  /** The key's JWK SHA-256 thumbprint (RFC 7638), the {@code jkt} a bound token names. */
  synchronized String thumbprint() {
    keys();
    return thumbprint;
  }

  static JsonObject jwk(ECPublicKey key) {
    return JsonObject.builder()
        .put("kty", "EC")
        .put("crv", "P-256")
        .put("x", Forms.base64Url(coordinate(key.getW().getAffineX())))
        .put("y", Forms.base64Url(coordinate(key.getW().getAffineY())))
        .build();
  }

  /** A coordinate as 32 bytes, big-endian, left-padded (RFC 7518 6.2.1.2). */
  static byte[] coordinate(BigInteger v) {
    byte[] b = v.toByteArray();
    byte[] out = new byte[32];
    int n = Math.min(b.length, 32);
    System.arraycopy(b, b.length - n, out, 32 - n, n);
    return out;
  }

  /** RFC 7638: the SHA-256 of the required members, in lexical order, without white space. */
  static String thumbprint(JsonObject jwk) {
    String canonical =
        "{\"crv\":"
            + Json.write(jwk.get("crv"))
            + ",\"kty\":"
            + Json.write(jwk.get("kty"))
            + ",\"x\":"
            + Json.write(jwk.get("x"))
            + ",\"y\":"
            + Json.write(jwk.get("y"))
            + "}";
    return Forms.base64Url(Forms.sha256(canonical.getBytes(StandardCharsets.UTF_8)));
  }

  /** The {@code ath} of an access token: base64url of the SHA-256 of its ASCII (RFC 9449 4.2). */
  static String ath(String accessToken) {
    return Forms.base64Url(Forms.sha256(accessToken.getBytes(StandardCharsets.US_ASCII)));
  }

  /**
   * A fresh proof (RFC 9449 4.2) for a request with {@code htm} to {@code uri}: a new {@code jti},
   * {@code iat} now, {@code htu} without query and fragment, {@code ath} when a token is presented
   * with it, and the server's {@code nonce} when one was given.
   *
   * @param htm the HTTP method
   * @param uri the request's URI
   * @param accessToken the token presented with the proof; null at a token endpoint
   * @param nonce the server's nonce; null for none
   * @param now the time of the proof
   */
  String proof(String htm, URI uri, String accessToken, String nonce, Instant now) {
    KeyPair k = keys();
    JsonObject.Builder claims =
        JsonObject.builder()
            .put("jti", Forms.randomText(random, 16))
            .put("htm", htm)
            .put("htu", htu(uri))
            .put("iat", now.getEpochSecond());
    if (accessToken != null) {
      claims.put("ath", ath(accessToken));
    }
    if (nonce != null) {
      claims.put("nonce", nonce);
    }
    String input = header() + Forms.base64Url(Json.writeBytes(claims.build()));
    try {
      // JWS wants R and S side by side (RFC 7518 3.4), which the JDK gives as IEEE P1363.
      Signature s = Signature.getInstance("SHA256withECDSAinP1363Format");
      s.initSign(k.getPrivate());
      s.update(input.getBytes(StandardCharsets.US_ASCII));
      return input + "." + Forms.base64Url(s.sign());
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("this JDK cannot sign with ES256", e);
    }
  }

  /** The request URI as {@code htu}: scheme, authority and path (RFC 9449 4.2). */
  static String htu(URI uri) {
    String path = uri.getRawPath() == null || uri.getRawPath().isEmpty() ? "/" : uri.getRawPath();
    return uri.getScheme().toLowerCase(Locale.ROOT)
        + "://"
        + uri.getRawAuthority().toLowerCase(Locale.ROOT)
        + path;
  }

  /** Remembers that an authorization server bound {@code accessToken} to this key. */
  void bind(String accessToken) {
    bound.put(ath(accessToken), Boolean.TRUE);
  }

  /** Whether an authorization server bound {@code accessToken} to this key. */
  boolean bound(String accessToken) {
    return accessToken != null && bound.containsKey(ath(accessToken));
  }

  /** Returns the key's thumbprint once it is made, never the key. */
  @Override
  public synchronized String toString() {
    return "DpopKey[" + (thumbprint == null ? "not made yet" : thumbprint) + "]";
  }
}
