package io.github.kimisdk.mcp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.kimisdk.json.JsonObject;
import io.github.kimisdk.json.JsonString;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * Enterprise-managed authorization (SEP-990) against a test identity provider and authorization
 * server on loopback: the person's ID token exchanged for an identity assertion grant (RFC 8693),
 * presented as a JWT bearer grant (RFC 7523) with the client's credentials; each refusal fails the
 * call, and nothing is exchanged for an authorization server the client's credentials are not for.
 */
class McpEnterpriseManagedHttpTest {

  private static final JsonObject ECHO = JsonObject.of("text", JsonString.of("sso"));
  private static final String JWT_BEARER = "urn:ietf:params:oauth:grant-type:jwt-bearer";

  private static McpAuthorization.Builder sso(TestIdentityProvider idp) {
    return McpAuthorization.enterpriseManaged(
        "agent", "agent-s3cret", idp.tokenEndpoint(), () -> TestIdentityProvider.ID_TOKEN);
  }

  @Test
  void theIdTokenIsExchangedForAGrantPresentedAtTheAuthorizationServer() throws Exception {
    try (TestAuthorizationServer as = TestAuthorizationServer.start("grants=" + JWT_BEARER);
        TestIdentityProvider idp = TestIdentityProvider.start(as);
        McpHttpTestServer server = McpHttpTestServer.start()) {
      as.preRegister("agent", "agent-s3cret");
      server.protect(as, Map.of("*", Set.of("notes:read")));
      McpAuthorization a = sso(idp).identityProviderClient("sso-client", null).build();
      try (McpClient mcp = McpClient.httpBuilder(server.url()).authorization(a).build()) {
        assertThat(mcp.call("echo", ECHO).text()).isEqualTo("echo: sso");
      }
      assertThat(idp.requests)
          .containsExactly(
              "exchange urn:ietf:params:oauth:grant-type:token-exchange"
                  + " requested=urn:ietf:params:oauth:token-type:id-jag audience="
                  + as.issuer()
                  + " resource="
                  + server.url()
                  + " scope=notes:read subject_type=urn:ietf:params:oauth:token-type:id_token"
                  + " client_id=sso-client basic=false");
      assertThat(as.requests)
          .contains(
              "POST token grant="
                  + JWT_BEARER
                  + " auth=basic client=agent resource="
                  + server.url()
                  + " scope=notes:read");
      assertThat(a.toString())
          .isEqualTo(
              "McpAuthorization[enterprise-managed, client agent, identity provider "
                  + idp.tokenEndpoint()
                  + "]");
    }
  }

  @Test
  void aClientSecretAtTheIdentityProviderGoesAsBasic() throws Exception {
    try (TestAuthorizationServer as = TestAuthorizationServer.start();
        TestIdentityProvider idp = TestIdentityProvider.start(as);
        McpHttpTestServer server = McpHttpTestServer.start()) {
      as.preRegister("agent", "agent-s3cret");
      server.protect(as, Map.of());
      McpAuthorization a = sso(idp).identityProviderClient("sso-client", "sso-s3cret").build();
      try (McpClient mcp = McpClient.httpBuilder(server.url()).authorization(a).build()) {
        mcp.ping();
      }
      assertThat(idp.requests).singleElement().asString().endsWith("client_id=null basic=true");
    }
  }

  @Test
  void eachRefusalFailsTheCallAndNoOtherGrantIsTried() throws Exception {
    for (String option : new String[] {"refuse", "wrong-type"}) {
      try (TestAuthorizationServer as = TestAuthorizationServer.start();
          TestIdentityProvider idp = TestIdentityProvider.start(as, option);
          McpHttpTestServer server = McpHttpTestServer.start()) {
        as.preRegister("agent", "agent-s3cret");
        server.protect(as, Map.of());
        McpAuthorization a = sso(idp).build();
        assertThatThrownBy(() -> McpClient.httpBuilder(server.url()).authorization(a).build())
            .as(option)
            .isInstanceOf(McpException.class)
            .hasMessageContaining(
                option.equals("refuse")
                    ? "the identity provider refused to exchange the ID token: HTTP 400,"
                        + " invalid_grant (not for [redacted])"
                    : "the identity provider issued urn:ietf:params:oauth:token-type:access_token,"
                        + " not an identity assertion grant")
            .extracting(e -> ((McpException) e).kind())
            .isEqualTo(McpException.Kind.AUTHORIZATION);
        assertThat(as.requests).as(option).noneMatch(r -> r.startsWith("POST token"));
      }
    }
  }

  @Test
  void nothingIsExchangedForAnAuthorizationServerThatCannotTakeIt() throws Exception {
    try (TestAuthorizationServer as = TestAuthorizationServer.start("grants=client_credentials");
        TestIdentityProvider idp = TestIdentityProvider.start(as);
        McpHttpTestServer server = McpHttpTestServer.start()) {
      server.protect(as, Map.of());
      assertThatThrownBy(
              () -> McpClient.httpBuilder(server.url()).authorization(sso(idp).build()).build())
          .hasMessageContaining("does not offer the JWT bearer grant");
      assertThat(idp.requests).isEmpty();
    }
    try (TestAuthorizationServer as = TestAuthorizationServer.start();
        TestIdentityProvider idp = TestIdentityProvider.start(as);
        McpHttpTestServer server = McpHttpTestServer.start()) {
      server.protect(as, Map.of());
      McpAuthorization elsewhere = sso(idp).issuer("https://auth.example.com").build();
      assertThatThrownBy(() -> McpClient.httpBuilder(server.url()).authorization(elsewhere).build())
          .hasMessageContaining("which the client's credentials belong to: no grant is asked");
      assertThat(idp.requests).isEmpty();
    }
  }

  @Test
  void theBuilderTakesOnlyWhatItCanUse() {
    assertThatThrownBy(
            () ->
                McpAuthorization.enterpriseManaged(
                    "agent", null, "http://idp.example.com/token", () -> "t"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage(
            "idpTokenEndpoint must be an https URL (plain http only to a loopback host):"
                + " http://idp.example.com/token");
    assertThatThrownBy(
            () ->
                McpAuthorization.clientCredentials("c", "s")
                    .identityProviderClient("sso-client", null))
        .isInstanceOf(IllegalStateException.class)
        .hasMessage(
            "identityProviderClient(...) applies to an enterprise-managed authorization, not to"
                + " client credentials");
    assertThatThrownBy(
            () -> McpAuthorization.enterpriseManaged("agent", null, "https://idp/token", null))
        .isInstanceOf(NullPointerException.class)
        .hasMessage("idToken must not be null");
  }
}
