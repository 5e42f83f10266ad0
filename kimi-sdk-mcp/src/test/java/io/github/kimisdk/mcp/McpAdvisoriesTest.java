package io.github.kimisdk.mcp;

import static io.github.kimisdk.mcp.McpHostileServersTest.asMetadata;
import static io.github.kimisdk.mcp.McpHostileServersTest.failure;
import static io.github.kimisdk.mcp.McpHostileServersTest.prm;
import static io.github.kimisdk.mcp.McpHostileServersTest.protectedBy;
import static io.github.kimisdk.mcp.McpHostileServersTest.service;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.kimisdk.json.JsonObject;
import io.github.kimisdk.json.JsonString;
import io.github.kimisdk.mcp.ScriptedServer.Reply;
import java.net.URI;
import java.net.http.HttpClient;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * A regression test per class of the 2026 advisories against the official MCP SDKs, each named for
 * its class and the advisories it stands for, on loopback against servers that try what the
 * advisories describe.
 */
class McpAdvisoriesTest {

  /**
   * CVE-2026-104850, CVE-2026-115563, WS-2026-0196: credentials not bound to the authorization
   * server that issued them. A server that now names another authorization server gets none of the
   * first one's tokens, refresh tokens or client secret: the client registers and authorizes anew
   * there.
   */
  @Test
  void credentialsStayWithTheAuthorizationServerThatIssuedThem() throws Exception {
    try (TestAuthorizationServer first = TestAuthorizationServer.start("refresh");
        McpHttpTestServer server = McpHttpTestServer.start();
        ScriptedServer second = ScriptedServer.start()) {
      server.protect(first, Map.of());
      String issuer = second.origin();
      second
          .on(
              "/.well-known/oauth-authorization-server",
              Reply.json(
                  200,
                  "{\"issuer\":\""
                      + issuer
                      + "\",\"authorization_endpoint\":\""
                      + issuer
                      + "/authorize\",\"token_endpoint\":\""
                      + issuer
                      + "/token\",\"registration_endpoint\":\""
                      + issuer
                      + "/register\",\"code_challenge_methods_supported\":[\"S256\"]}"))
          .on("/register", Reply.json(201, "{\"client_id\":\"second-client\"}"))
          .on(
              "/authorize",
              r -> {
                String state = TestAuthorizationServer.query(r.query()).get("state");
                return Reply.redirect(
                    302,
                    McpAuthorizationTest.REDIRECT
                        + "?code=second-code&state="
                        + state
                        + "&iss="
                        + issuer);
              })
          .on("/token", Reply.json(400, "{\"error\":\"invalid_grant\"}"));
      McpAuthorization auth =
          McpAuthorization.authorizationCode(McpUserAgent.headless(McpAuthorizationTest.REDIRECT))
              .build();
      try (McpClient mcp = McpClient.httpBuilder(server.url()).authorization(auth).build()) {
        JsonObject hi = JsonObject.of("text", JsonString.of("hi"));
        assertThat(mcp.call("echo", hi).text()).isEqualTo("echo: hi"); // authorized at the first
        server.authorizationServer(issuer);
        first.revokeAccessTokens();
        assertThatThrownBy(() -> mcp.call("echo", hi))
            .isInstanceOf(McpException.class)
            .hasMessageContaining("refused the token request");
      }
      assertThat(second.requests)
          .extracting(ScriptedServer.Request::path)
          .contains("/register", "/authorize", "/token");
      assertThat(first.secrets).isNotEmpty();
      for (ScriptedServer.Request r : second.requests) {
        for (String secret : first.secrets) {
          assertThat(r.all())
              .as("%s at the second authorization server", r.path())
              .doesNotContain(secret);
        }
      }
    }
  }

  /**
   * CVE-2026-111769, CVE-2026-116685, CVE-2026-115750: redirects that carry headers, and on 307 or
   * 308 a request's body, to another origin. Even through an HTTP client of the user's that follows
   * redirects, neither the MCP server's token nor the token request's secret reaches the origin a
   * redirect points to.
   */
  @Test
  void redirectsCarryNeitherTheTokenNorABodyToAnotherOrigin() throws Exception {
    HttpClient follows =
        HttpClient.newBuilder().followRedirects(HttpClient.Redirect.ALWAYS).build();
    try (ScriptedServer mcp = ScriptedServer.start();
        ScriptedServer elsewhere = ScriptedServer.start()) {
      for (int status : new int[] {307, 308}) {
        mcp.on("/mcp", Reply.redirect(status, elsewhere.origin() + "/mcp"));
        assertThatThrownBy(
                () ->
                    McpClient.httpBuilder(mcp.origin() + "/mcp")
                        .bearerToken("static-token-0123456789")
                        .httpClient(follows)
                        .build())
            .isInstanceOf(McpException.class)
            .hasMessageContaining("HTTP " + status);
        protectedBy(mcp, mcp.origin() + "/prm");
        mcp.on("/prm", prm(mcp.origin() + "/mcp", mcp.origin()));
        mcp.on(
            "/.well-known/oauth-authorization-server",
            asMetadata(mcp.origin(), mcp.origin() + "/authorize", mcp.origin() + "/token"));
        mcp.on("/token", Reply.redirect(status, elsewhere.origin() + "/token"));
        Throwable t =
            org.assertj.core.api.Assertions.catchThrowable(
                () ->
                    McpClient.httpBuilder(mcp.origin() + "/mcp")
                        .authorization(service())
                        .httpClient(follows)
                        .build());
        assertThat(t).isInstanceOf(McpException.class).hasMessageContaining("does not follow");
      }
      assertThat(elsewhere.requests).isEmpty();
    }
  }

  /**
   * CVE-2026-63127: the protected resource metadata's {@code resource} unchecked. A document that
   * names another resource than the server the client talks to gets no token asked for it: no
   * authorization server it names is contacted.
   */
  @Test
  void metadataForAnotherResourceGetsNoTokenAskedForIt() throws Exception {
    try (ScriptedServer mcp = ScriptedServer.start();
        ScriptedServer as = ScriptedServer.start()) {
      protectedBy(mcp, mcp.origin() + "/prm");
      for (String resource :
          List.of(
              as.origin() + "/mcp",
              mcp.origin() + "/other",
              mcp.origin().replace("http:", "https:") + "/mcp",
              "https://mcp.example.com/mcp")) {
        mcp.on("/prm", prm(resource, as.origin()));
        assertThat(failure(mcp, service()))
            .as(resource)
            .hasMessageContaining(
                "its protected resource metadata names the resource "
                    + resource
                    + ", not this server ("
                    + mcp.origin()
                    + "/mcp): no token is asked for it");
      }
      assertThat(as.requests).isEmpty();
    }
  }

  /**
   * CVE-2025-6514: an authorization URL that runs. An authorization endpoint that is not an {@code
   * https} URL ({@code javascript:}, {@code file:}, a scheme a desktop hands to a program) is
   * refused when the metadata is read: the user agent never sees it.
   */
  @Test
  void anAuthorizationEndpointThatWouldRunIsNeverOpened() throws Exception {
    AtomicInteger opened = new AtomicInteger();
    McpUserAgent agent =
        new McpUserAgent() {
          @Override
          public String redirectUri() {
            return McpAuthorizationTest.REDIRECT;
          }

          @Override
          public URI authorize(URI url, Duration timeout) {
            opened.incrementAndGet();
            throw new IllegalStateException("opened " + url);
          }
        };
    try (ScriptedServer mcp = ScriptedServer.start()) {
      protectedBy(mcp, mcp.origin() + "/prm");
      mcp.on("/prm", prm(mcp.origin() + "/mcp", mcp.origin()));
      mcp.on("/register", Reply.json(201, "{\"client_id\":\"c\"}"));
      for (String endpoint :
          List.of(
              "javascript:alert(document.cookie)",
              "file:///etc/passwd",
              "calc:",
              "ms-msdt:/id PCWDiagnostic",
              "\"$(open -a Calculator)\"",
              "http://198.51.100.7/authorize")) {
        mcp.on(
            "/.well-known/oauth-authorization-server",
            Reply.json(
                200,
                JsonObject.builder()
                    .put("issuer", mcp.origin())
                    .put("authorization_endpoint", endpoint)
                    .put("token_endpoint", mcp.origin() + "/token")
                    .put("registration_endpoint", mcp.origin() + "/register")
                    .put(
                        "code_challenge_methods_supported",
                        io.github.kimisdk.json.JsonArray.of(JsonString.of("S256")))
                    .build()
                    .toString()));
        assertThat(failure(mcp, McpAuthorization.authorizationCode(agent).build()))
            .as(endpoint)
            .hasMessageContaining("the authorization endpoint");
      }
      assertThat(opened).hasValue(0);
    }
  }
}
