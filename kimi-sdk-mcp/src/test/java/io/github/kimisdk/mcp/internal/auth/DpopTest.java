package io.github.kimisdk.mcp.internal.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.kimisdk.json.Json;
import io.github.kimisdk.mcp.Door;
import io.github.kimisdk.mcp.McpException;
import io.github.kimisdk.mcp.internal.rpc.Unauthorized;
import java.net.URI;
import java.net.http.HttpRequest;
import java.time.Instant;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.Test;

class DpopTest {

  private static Discovery.Found found(boolean required, String... algs) {
    Discovery.Metadata as =
        new Discovery.Metadata(
            "https://as.example",
            URI.create("https://as.example/authorize"),
            URI.create("https://as.example/token"),
            null,
            true,
            true,
            List.of(),
            false,
            List.of(),
            List.of(),
            Arrays.asList(algs));
    return new Discovery.Found(
        "https://m.example/mcp", "https://as.example", as, List.of(), required);
  }

  private static Challenge challenge(String... wwwAuthenticate) {
    return Challenge.read(new Unauthorized(401, List.of(wwwAuthenticate), null, 0));
  }

  /**
   * Whether a grant's tokens are bound: the user's setting (null: as the server asks), the server's
   * challenge, whether its metadata requires bound tokens, the authorization server's DPoP
   * algorithms ("" for none listed), and the answer ("fails" when it cannot be done).
   */
  private static final Object[][] WANTED = {
    {null, "Bearer", false, "", "no"},
    {null, "Bearer", false, "ES256", "no"},
    {null, "DPoP algs=\"ES256\"", false, "ES256", "yes"},
    {null, "DPoP", false, "", "yes"}, // the only scheme offered: tried
    {null, "Bearer, DPoP", false, "ES256", "yes"},
    {null, "Bearer, DPoP", false, "", "no"}, // the authorization server says nothing of DPoP
    {null, "Bearer, DPoP", false, "RS256", "no"},
    {null, "DPoP", false, "RS256 PS256", "fails"},
    {null, "Bearer", true, "ES256", "yes"}, // the metadata requires bound tokens
    {null, "Bearer", true, "RS256", "fails"},
    {null, "", false, "", "no"},
    {true, "Bearer", false, "", "yes"},
    {true, "Bearer", false, "RS256", "fails"},
    {false, "DPoP", true, "ES256", "no"},
  };

  @Test
  void tokensAreBoundWhenTheServerAsksOrTheUserSays() {
    for (Object[] row : WANTED) {
      Dpop d = new Dpop(new DpopKey(), (Boolean) row[0], new Secrets(Door.failures()));
      String algs = (String) row[3];
      Discovery.Found f = found((Boolean) row[2], algs.isEmpty() ? new String[0] : algs.split(" "));
      Challenge c = ((String) row[1]).isEmpty() ? challenge() : challenge((String) row[1]);
      String what = Arrays.toString(row);
      if (row[4].equals("fails")) {
        assertThatThrownBy(() -> d.wanted("s", c, f))
            .as(what)
            .isInstanceOf(McpException.class)
            .hasMessageContaining("not ES256");
      } else {
        assertThat(d.wanted("s", c, f)).as(what).isEqualTo(row[4].equals("yes"));
      }
    }
  }

  @Test
  void theTokenTypeMustBeWhatWasAskedFor() {
    Dpop auto = new Dpop(new DpopKey(), null, new Secrets(Door.failures()));
    auto.accept("s", "Bearer", "t1");
    auto.accept("s", null, "t2");
    assertThat(auto.bound("t1")).isFalse();
    assertThatThrownBy(() -> auto.accept("s", "DPoP", "t3"))
        .hasMessageContaining("a DPoP-bound token to a request that proved no key");
    assertThatThrownBy(() -> auto.accept("s", "MAC", "t4"))
        .hasMessageContaining("of type MAC, which this client does not send");
    auto.active(true);
    auto.accept("s", "dpop", "t5");
    assertThat(auto.bound("t5")).isTrue();
    auto.accept("s", "Bearer", "t6"); // asked for, not given: the server may still take it
    assertThat(auto.bound("t6")).isFalse();
    Dpop always = new Dpop(new DpopKey(), true, new Secrets(Door.failures()));
    always.active(true);
    assertThatThrownBy(() -> always.accept("s", "Bearer", "t7"))
        .hasMessageContaining("issued a Bearer token, not one bound to the client's key");
  }

  @Test
  void aBoundTokenGoesWithItsSchemeAndAFreshProof() {
    DpopKey key = new DpopKey();
    Dpop d = new Dpop(key, null, new Secrets(Door.failures()));
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("https://m.example/mcp"));
    d.present(b, "POST", URI.create("https://m.example/mcp"), "tok");
    HttpRequest r = b.GET().build();
    assertThat(r.headers().firstValue("Authorization")).hasValue("DPoP tok");
    assertThat(r.headers().firstValue("DPoP").orElseThrow()).startsWith(key.header());
  }

  @Test
  void theServersNonceIsKeptOnlyWhenItAsksForIt() {
    DpopKey key = new DpopKey();
    Dpop d = new Dpop(key, null, new Secrets(Door.failures()));
    Challenge other =
        Challenge.read(new Unauthorized(401, List.of("DPoP error=\"invalid_token\""), "n0", 0));
    assertThat(d.nonceAsked(other)).isFalse();
    Challenge noNonce =
        Challenge.read(new Unauthorized(401, List.of("DPoP error=\"use_dpop_nonce\""), null, 0));
    assertThat(d.nonceAsked(noNonce)).isFalse();
    Challenge asked =
        Challenge.read(
            new Unauthorized(
                401, List.of("Bearer realm=\"x\", DPoP error=\"use_dpop_nonce\""), "n-1", 0));
    assertThat(d.nonceAsked(asked)).isTrue();
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("https://m.example/mcp"));
    d.present(b, "GET", URI.create("https://m.example/mcp"), "tok");
    String proof = b.GET().build().headers().firstValue("DPoP").orElseThrow();
    assertThat(
            Json.parse(Base64.getUrlDecoder().decode(proof.split("\\.")[1]))
                .get("nonce")
                .asString())
        .isEqualTo("n-1");
  }

  @Test
  void everyProofOfTheKeyIsBlankedInMessages() {
    Secrets secrets = new Secrets(Door.failures());
    DpopKey key = new DpopKey();
    Dpop d = new Dpop(key, null, secrets);
    String p1 = key.proof("POST", URI.create("https://a.example/token"), null, null, Instant.now());
    String p2 = key.proof("GET", URI.create("https://m.example/mcp"), "t", "n", Instant.now());
    String text = "proof " + p1 + ", and \"" + p2 + "\" then " + key.header();
    assertThat(secrets.safe(text)).as("before the key is used").contains(p1);
    d.active(true);
    assertThat(secrets.safe(text))
        .isEqualTo("proof [redacted], and \"[redacted]\" then [redacted]")
        .doesNotContain(p1)
        .doesNotContain(p2);
  }
}
