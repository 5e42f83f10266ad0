package io.github.kimisdk.mcp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.kimisdk.json.JsonObject;
import io.github.kimisdk.json.JsonString;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Tokens bound to the client's key (DPoP, RFC 9449; SEP-1932), against a test authorization server
 * and MCP server on loopback that check every proof on their own ({@link DpopProofs}): bound when
 * the server asks, never or always as the user says, refreshed with a proof of the same key, and
 * the nonces both servers ask for answered.
 */
class McpDpopHttpTest {

  private static final McpUserAgent AGENT = McpUserAgent.headless("http://localhost:3000/callback");
  private static final JsonObject ECHO = JsonObject.of("text", JsonString.of("bound"));

  private static McpAuthorization.Builder code() {
    return McpAuthorization.authorizationCode(AGENT);
  }

  @Test
  void tokensAreBoundToTheClientsKeyWhenTheServerAsksAndRefreshedWithIt() throws Exception {
    try (TestAuthorizationServer as =
            TestAuthorizationServer.start("dpop", "refresh", "expires=1");
        McpHttpTestServer server = McpHttpTestServer.start("dpop")) {
      server.protect(as, Map.of());
      try (McpClient mcp =
          McpClient.httpBuilder(server.url()).authorization(code().build()).build()) {
        assertThat(mcp.call("echo", ECHO).text()).isEqualTo("echo: bound");
        mcp.ping();
      }
      assertThat(as.requests)
          .as("every token request proves the key, the refreshes too")
          .contains("POST token proof nonce=null")
          .anyMatch(r -> r.startsWith("POST token grant=refresh_token"))
          .filteredOn(r -> r.startsWith("POST token grant="))
          .hasSameSizeAs(
              as.requests.stream().filter(r -> r.startsWith("POST token proof")).toList());
      assertThat(server.proofs)
          .as("a fresh proof on every request, each checked by the server")
          .isNotEmpty()
          .allMatch(p -> p.endsWith(" nonce=null"))
          .contains("POST nonce=null", "GET nonce=null");
      assertThat(server.requests).noneMatch(r -> r.endsWith("unauthorized") && r.startsWith("GET"));
    }
  }

  @Test
  void theNoncesBothServersAskForAreSent() throws Exception {
    try (TestAuthorizationServer as = TestAuthorizationServer.start("dpop", "dpop-nonce");
        McpHttpTestServer server = McpHttpTestServer.start("dpop", "dpop-nonce")) {
      server.protect(as, Map.of());
      try (McpClient mcp =
          McpClient.httpBuilder(server.url()).authorization(code().build()).build()) {
        assertThat(mcp.call("echo", ECHO).text()).isEqualTo("echo: bound");
        assertThat(mcp.call("echo", ECHO).text()).isEqualTo("echo: bound");
      }
      assertThat(as.requests)
          .containsSubsequence("POST token use_dpop_nonce", "POST token proof nonce=as-nonce-1");
      assertThat(server.requests).containsOnlyOnce("POST use_dpop_nonce");
      assertThat(server.proofs)
          .contains("POST nonce=rs-nonce-1", "GET nonce=rs-nonce-1")
          .noneMatch(p -> p.startsWith("refused"));
    }
  }

  @Test
  void aServerThatTakesBearerTokensGetsThem() throws Exception {
    try (TestAuthorizationServer as = TestAuthorizationServer.start("dpop");
        McpHttpTestServer server = McpHttpTestServer.start()) {
      server.protect(as, Map.of());
      try (McpClient mcp =
          McpClient.httpBuilder(server.url()).authorization(code().build()).build()) {
        assertThat(mcp.call("echo", ECHO).text()).isEqualTo("echo: bound");
      }
      assertThat(as.requests).noneMatch(r -> r.startsWith("POST token proof"));
      assertThat(server.proofs).isEmpty();
    }
  }

  @Test
  void dpopFalseNeverBindsATokenAndDpopTrueAlwaysDoes() throws Exception {
    try (TestAuthorizationServer as = TestAuthorizationServer.start("dpop");
        McpHttpTestServer server = McpHttpTestServer.start("dpop")) {
      server.protect(as, Map.of());
      try (McpClient mcp =
          McpClient.httpBuilder(server.url()).authorization(code().dpop(false).build()).build()) {
        assertThat(mcp.call("echo", ECHO).text()).isEqualTo("echo: bound");
      }
      assertThat(server.proofs).as("unbound tokens, sent as Bearer").isEmpty();
    }
    try (TestAuthorizationServer as = TestAuthorizationServer.start("dpop");
        McpHttpTestServer server = McpHttpTestServer.start()) { // offers Bearer
      server.protect(as, Map.of());
      try (McpClient mcp =
          McpClient.httpBuilder(server.url()).authorization(code().dpop(true).build()).build()) {
        assertThat(mcp.call("echo", ECHO).text()).isEqualTo("echo: bound");
      }
      assertThat(server.proofs).isNotEmpty().noneMatch(p -> p.startsWith("refused"));
    }
  }

  @Test
  void bindingFailsWhereTheAuthorizationServerCannotBind() throws Exception {
    try (TestAuthorizationServer as = TestAuthorizationServer.start("dpop", "dpop-algs=RS256");
        McpHttpTestServer server = McpHttpTestServer.start("dpop")) {
      server.protect(as, Map.of());
      McpAuthorization auto = code().build();
      assertThatThrownBy(() -> McpClient.httpBuilder(server.url()).authorization(auto).build())
          .isInstanceOf(McpException.class)
          .hasMessageContaining("takes proofs signed with RS256 only, not ES256")
          .extracting(e -> ((McpException) e).kind())
          .isEqualTo(McpException.Kind.AUTHORIZATION);
      assertThat(as.requests).noneMatch(r -> r.startsWith("POST token"));
    }
    try (TestAuthorizationServer as = TestAuthorizationServer.start(); // knows nothing of DPoP
        McpHttpTestServer server = McpHttpTestServer.start()) {
      server.protect(as, Map.of());
      McpAuthorization always = code().dpop(true).build();
      assertThatThrownBy(() -> McpClient.httpBuilder(server.url()).authorization(always).build())
          .isInstanceOf(McpException.class)
          .hasMessageContaining("issued a Bearer token, not one bound to the client's key");
    }
  }
}
