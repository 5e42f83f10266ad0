package io.github.kimisdk.mcp;

import io.github.kimisdk.json.Json;
import io.github.kimisdk.json.JsonNumber;
import io.github.kimisdk.json.JsonObject;
import io.github.kimisdk.json.JsonString;
import java.io.ByteArrayOutputStream;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.security.AlgorithmParameters;
import java.security.KeyFactory;
import java.security.MessageDigest;
import java.security.PublicKey;
import java.security.Signature;
import java.security.spec.ECGenParameterSpec;
import java.security.spec.ECParameterSpec;
import java.security.spec.ECPoint;
import java.security.spec.ECPublicKeySpec;
import java.util.Base64;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Checks DPoP proofs (RFC 9449 4.3) as the test authorization and MCP servers see them, written
 * apart from the client's code so that a mistake in one is not hidden by the same one in the other:
 * the JWK rebuilt into a key with {@code KeyFactory}, the JWS signature turned into DER and checked
 * with plain {@code SHA256withECDSA}, the thumbprint (RFC 7638) and {@code ath} computed here.
 */
final class DpopProofs {

  /** What a proof proved: its key's thumbprint, its {@code jti} and its {@code nonce} (or null). */
  record Proof(String jkt, String jti, String nonce) {}

  private final Set<String> jtis = ConcurrentHashMap.newKeySet();

  /**
   * Checks {@code proof} for a request with {@code htm} to {@code htu}, presented with {@code
   * accessToken} (null at a token endpoint); a {@code jti} seen before is refused.
   *
   * @return what it proved
   * @throws IllegalArgumentException saying what is wrong with it
   */
  Proof check(String proof, String htm, String htu, String accessToken) {
    if (proof == null || proof.contains(",")) {
      throw new IllegalArgumentException("no proof, or more than one");
    }
    String[] parts = proof.split("\\.");
    if (parts.length != 3) {
      throw new IllegalArgumentException("not a JWS");
    }
    JsonObject header = Json.parse(Base64.getUrlDecoder().decode(parts[0])).asObject();
    JsonObject claims = Json.parse(Base64.getUrlDecoder().decode(parts[1])).asObject();
    if (!"dpop+jwt".equals(text(header, "typ")) || !"ES256".equals(text(header, "alg"))) {
      throw new IllegalArgumentException("typ and alg must be dpop+jwt and ES256: " + header);
    }
    JsonObject jwk = header.get("jwk").asObject();
    if (jwk.has("d")) {
      throw new IllegalArgumentException("the JWK holds the private key");
    }
    byte[] rs = Base64.getUrlDecoder().decode(parts[2]);
    if (rs.length != 64 || !verifies(jwk, parts[0] + "." + parts[1], rs)) {
      throw new IllegalArgumentException("the signature does not verify");
    }
    if (!htm.equals(text(claims, "htm")) || !htu.equals(text(claims, "htu"))) {
      throw new IllegalArgumentException("htm or htu: " + claims);
    }
    long iat = claims.get("iat") instanceof JsonNumber n ? n.longValue() : 0;
    if (Math.abs(System.currentTimeMillis() / 1000 - iat) > 300) {
      throw new IllegalArgumentException("iat out of range: " + iat);
    }
    String jti = text(claims, "jti");
    if (jti == null || jti.length() < 16 || !jtis.add(jti)) {
      throw new IllegalArgumentException("jti missing, short or seen before: " + jti);
    }
    String ath = text(claims, "ath");
    if (accessToken == null ? ath != null : !sha256(accessToken).equals(ath)) {
      throw new IllegalArgumentException("ath does not match the token: " + ath);
    }
    return new Proof(thumbprint(jwk), jti, text(claims, "nonce"));
  }

  private static String text(JsonObject o, String name) {
    return o.get(name) instanceof JsonString s ? s.value() : null;
  }

  static String thumbprint(JsonObject jwk) {
    String canonical =
        String.format(
            "{\"crv\":\"%s\",\"kty\":\"%s\",\"x\":\"%s\",\"y\":\"%s\"}",
            text(jwk, "crv"), text(jwk, "kty"), text(jwk, "x"), text(jwk, "y"));
    return sha256(canonical);
  }

  static String sha256(String s) {
    try {
      return Base64.getUrlEncoder()
          .withoutPadding()
          .encodeToString(
              MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8)));
    } catch (java.security.GeneralSecurityException e) {
      throw new AssertionError(e);
    }
  }

  private static boolean verifies(JsonObject jwk, String input, byte[] rs) {
    try {
      AlgorithmParameters p = AlgorithmParameters.getInstance("EC");
      p.init(new ECGenParameterSpec("secp256r1"));
      ECPoint w =
          new ECPoint(
              new BigInteger(1, Base64.getUrlDecoder().decode(text(jwk, "x"))),
              new BigInteger(1, Base64.getUrlDecoder().decode(text(jwk, "y"))));
      PublicKey key =
          KeyFactory.getInstance("EC")
              .generatePublic(new ECPublicKeySpec(w, p.getParameterSpec(ECParameterSpec.class)));
      Signature s = Signature.getInstance("SHA256withECDSA");
      s.initVerify(key);
      s.update(input.getBytes(StandardCharsets.US_ASCII));
      return s.verify(der(rs));
    } catch (java.security.GeneralSecurityException | RuntimeException e) {
      return false;
    }
  }

  /** R and S side by side (JWS) as a DER SEQUENCE of two INTEGERs. */
  static byte[] der(byte[] rs) {
    byte[] r = new BigInteger(1, java.util.Arrays.copyOfRange(rs, 0, 32)).toByteArray();
    byte[] s = new BigInteger(1, java.util.Arrays.copyOfRange(rs, 32, 64)).toByteArray();
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.write(0x30);
    out.write(4 + r.length + s.length);
    out.write(0x02);
    out.write(r.length);
    out.writeBytes(r);
    out.write(0x02);
    out.write(s.length);
    out.writeBytes(s);
    return out.toByteArray();
  }
}
