package io.github.kimisdk.mcp.internal.auth;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.kimisdk.json.Json;
import io.github.kimisdk.json.JsonObject;
import io.github.kimisdk.json.JsonString;
import java.math.BigInteger;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.AlgorithmParameters;
import java.security.KeyFactory;
import java.security.PublicKey;
import java.security.Signature;
import java.security.spec.ECGenParameterSpec;
import java.security.spec.ECParameterSpec;
import java.security.spec.ECPoint;
import java.security.spec.ECPublicKeySpec;
import java.time.Instant;
import java.util.Arrays;
import java.util.Base64;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

class DpopKeyTest {

  /** The key of RFC 9449's examples (figure 2) and its thumbprint (figure 9). */
  private static final JsonObject RFC_JWK =
      JsonObject.builder()
          .put("kty", "EC")
          .put("x", "l8tFrhx-34tV3hRICRDY9zCkDlpBhF42UQUfWVAWBFs")
          .put("y", "9VE4jf_Ok_o64zbTTlcuNJajHmt6v9TDVrU0CdvGRDA")
          .put("crv", "P-256")
          .build();

  @Test
  void theThumbprintIsRfc9449sForItsExampleKey() {
    assertThat(DpopKey.thumbprint(RFC_JWK))
        .isEqualTo("0ZcOCORZNYy-DWpqq30jZyJGHTN0d2HglBV3uiguA4I");
  }

  @Test
  void athIsRfc9449sForItsExampleToken() {
    assertThat(DpopKey.ath("Kz~8mXK1EalYznwH-LC-1fBAo.4Ljp~zsPE_NeO.gxU"))
        .isEqualTo("fUHyO2r2Z3DZ53EsNrWBb0xWXoaNy59IiKCAqksmQEo");
  }

  @Test
  void theJwkOfTheRfcsKeyIsTheRfcsJwk() throws Exception {
    PublicKey key = publicKey(RFC_JWK);
    JsonObject jwk = DpopKey.jwk((java.security.interfaces.ECPublicKey) key);
    assertThat(jwk.get("x")).isEqualTo(RFC_JWK.get("x"));
    assertThat(jwk.get("y")).isEqualTo(RFC_JWK.get("y"));
    assertThat(jwk.members().keySet()).containsExactly("kty", "crv", "x", "y");
  }

  @Test
  void coordinatesAreThirtyTwoBytesWhateverTheirValue() {
    byte[] one = DpopKey.coordinate(BigInteger.ONE);
    assertThat(one).hasSize(32);
    assertThat(one[31]).isEqualTo((byte) 1);
    assertThat(Arrays.copyOf(one, 31)).containsOnly((byte) 0);
    BigInteger high = BigInteger.ONE.shiftLeft(255); // toByteArray() adds a sign byte: 33 bytes
    byte[] b = DpopKey.coordinate(high);
    assertThat(b).hasSize(32);
    assertThat(new BigInteger(1, b)).isEqualTo(high);
  }

  @Test
  void aProofIsAnEs256JwtOfTheRequestSignedAsJwsWantsIt() throws Exception {
    DpopKey key = new DpopKey();
    Instant now = Instant.ofEpochSecond(1_800_000_000L);
    String proof =
        key.proof("POST", URI.create("HTTPS://MCP.Example.com/mcp?x=1#f"), "tok-en", "n-1", now);
    String[] parts = proof.split("\\.");
    assertThat(parts).hasSize(3);
    assertThat(proof).startsWith(key.header());
    JsonObject header = Json.parse(Base64.getUrlDecoder().decode(parts[0])).asObject();
    JsonObject claims = Json.parse(Base64.getUrlDecoder().decode(parts[1])).asObject();
    assertThat(header.get("typ")).isEqualTo(JsonString.of("dpop+jwt"));
    assertThat(header.get("alg")).isEqualTo(JsonString.of("ES256"));
    JsonObject jwk = header.get("jwk").asObject();
    assertThat(jwk.members().keySet()).containsExactly("kty", "crv", "x", "y");
    assertThat(DpopKey.thumbprint(jwk)).isEqualTo(key.thumbprint());
    assertThat(claims.get("htm")).isEqualTo(JsonString.of("POST"));
    assertThat(claims.get("htu")).isEqualTo(JsonString.of("https://mcp.example.com/mcp"));
    assertThat(claims.get("iat").asLong()).isEqualTo(1_800_000_000L);
    assertThat(claims.get("ath")).isEqualTo(JsonString.of(DpopKey.ath("tok-en")));
    assertThat(claims.get("nonce")).isEqualTo(JsonString.of("n-1"));
    assertThat(claims.get("jti").asString()).hasSizeGreaterThanOrEqualTo(22);
    byte[] rs = Base64.getUrlDecoder().decode(parts[2]);
    assertThat(rs).as("R and S, 32 bytes each, not DER").hasSize(64);
    Signature s = Signature.getInstance("SHA256withECDSA");
    s.initVerify(publicKey(jwk));
    s.update((parts[0] + "." + parts[1]).getBytes(StandardCharsets.US_ASCII));
    assertThat(s.verify(der(rs))).isTrue();
    String atTokenEndpoint =
        key.proof("POST", URI.create("https://as.example/token"), null, null, now);
    JsonObject bare =
        Json.parse(Base64.getUrlDecoder().decode(atTokenEndpoint.split("\\.")[1])).asObject();
    assertThat(bare.members().keySet()).containsExactly("jti", "htm", "htu", "iat");
  }

  @Test
  void everyProofHasItsOwnJti() {
    DpopKey key = new DpopKey();
    Set<String> jtis = new HashSet<>();
    for (int i = 0; i < 200; i++) {
      String p = key.proof("GET", URI.create("https://m.example/mcp"), "t", null, Instant.now());
      jtis.add(Json.parse(Base64.getUrlDecoder().decode(p.split("\\.")[1])).get("jti").asString());
    }
    assertThat(jtis).hasSize(200);
  }

  @Test
  void boundTokensAreRememberedByTheirHashAndBounded() {
    DpopKey key = new DpopKey();
    assertThat(key.bound(null)).isFalse();
    for (int i = 0; i < DpopKey.MAX_BOUND + 10; i++) {
      key.bind("token-" + i);
    }
    assertThat(key.bound("token-0")).as("the oldest, forgotten").isFalse();
    assertThat(key.bound("token-" + (DpopKey.MAX_BOUND + 9))).isTrue();
    assertThat(key.bound("token-x")).isFalse();
  }

  @Test
  void itPrintsItsThumbprintOnly() {
    DpopKey key = new DpopKey();
    assertThat(key).hasToString("DpopKey[not made yet]");
    String t = key.thumbprint();
    assertThat(key).hasToString("DpopKey[" + t + "]");
  }

  private static PublicKey publicKey(JsonObject jwk) throws Exception {
    AlgorithmParameters p = AlgorithmParameters.getInstance("EC");
    p.init(new ECGenParameterSpec("secp256r1"));
    ECPoint w =
        new ECPoint(
            new BigInteger(1, Base64.getUrlDecoder().decode(jwk.get("x").asString())),
            new BigInteger(1, Base64.getUrlDecoder().decode(jwk.get("y").asString())));
    return KeyFactory.getInstance("EC")
        .generatePublic(new ECPublicKeySpec(w, p.getParameterSpec(ECParameterSpec.class)));
  }

  /** R and S (JWS) as DER, what {@code SHA256withECDSA} verifies. */
  private static byte[] der(byte[] rs) {
    byte[] r = new BigInteger(1, Arrays.copyOfRange(rs, 0, 32)).toByteArray();
    byte[] s = new BigInteger(1, Arrays.copyOfRange(rs, 32, 64)).toByteArray();
    byte[] out = new byte[6 + r.length + s.length];
    out[0] = 0x30;
    out[1] = (byte) (4 + r.length + s.length);
    out[2] = 0x02;
    out[3] = (byte) r.length;
    System.arraycopy(r, 0, out, 4, r.length);
    out[4 + r.length] = 0x02;
    out[5 + r.length] = (byte) s.length;
    System.arraycopy(s, 0, out, 6 + r.length, s.length);
    return out;
  }
}
