package io.github.kimisdk.mcp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;

import io.github.kimisdk.json.Json;
import io.github.kimisdk.json.JsonArray;
import io.github.kimisdk.json.JsonObject;
import io.github.kimisdk.json.JsonString;
import io.github.kimisdk.json.JsonValue;
import io.github.kimisdk.mcp.ScriptedServer.Reply;
import io.github.kimisdk.mcp.internal.rpc.ServerText;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The client against servers that try what an attacker would, scripted answer by answer on
 * loopback: every URL a server names passes the URL policy before it is fetched (docs/mcp.md,
 * Authorization), plain {@code http} goes to loopback by the one rule only, and what a server says
 * reaches exception messages with its control characters escaped.
 */
class McpHostileServersTest {

  static final String SECRET = "bot-secret-0123456789";

  /** A program's own authorization: no person, so every scripted answer is reached in order. */
  static McpAuthorization service() {
    return McpAuthorization.clientCredentials("bot", SECRET).build();
  }

  /** The MCP endpoint answers every request 401, naming its protected resource metadata. */
  static void protectedBy(ScriptedServer mcp, String metadataUrl) {
    mcp.on("/mcp", Reply.unauthorized("Bearer resource_metadata=\"" + metadataUrl + "\""));
  }

  /** Protected resource metadata (RFC 9728) for {@code resource}, naming {@code issuers}. */
  static Reply prm(String resource, String... issuers) {
    List<JsonValue> list = new ArrayList<>();
    for (String i : issuers) {
      list.add(JsonString.of(i));
    }
    return Reply.json(
        200,
        Json.write(
            JsonObject.builder()
                .put("resource", resource)
                .put("authorization_servers", JsonArray.of(list))
                .build()));
  }

  /** Authorization server metadata (RFC 8414) naming its endpoints. */
  static Reply asMetadata(String issuer, String authorize, String token) {
    return Reply.json(
        200,
        Json.write(
            JsonObject.builder()
                .put("issuer", issuer)
                .put("authorization_endpoint", authorize)
                .put("token_endpoint", token)
                .put("code_challenge_methods_supported", JsonArray.of(JsonString.of("S256")))
                .build()));
  }

  /** What building a client of {@code mcp} with {@code auth} fails with. */
  static McpException failure(ScriptedServer mcp, McpAuthorization auth) {
    Throwable t =
        catchThrowable(
            () -> McpClient.httpBuilder(mcp.origin() + "/mcp").authorization(auth).build());
    assertThat(t).isInstanceOf(McpException.class);
    return (McpException) t;
  }

  @Test
  void plainHttpGoesOnlyToLoopbackByTheOneRule() {
    for (String url :
        List.of(
            "http://127.0.0.1:1/mcp",
            "http://127.9.9.9:1/mcp",
            "http://localhost:1/mcp",
            "http://[::1]:1/mcp",
            "https://mcp.example.com/mcp")) {
      assertThat(McpClient.httpBuilder(url)).as(url).isNotNull();
    }
    for (String url :
        List.of(
            "http://127.evil.example/mcp",
            "http://127.0.0.1.nip.io/mcp",
            "http://api.localhost/mcp",
            "http://10.0.0.1/mcp",
            "http://[::ffff:127.0.0.1]/mcp")) {
      assertThatThrownBy(() -> McpClient.httpBuilder(url))
          .as(url)
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("plain http is allowed only to a loopback host");
    }
  }

  /** The cloud metadata service (169.254.169.254) is link-local: a server may not point there. */
  @Test
  void resourceMetadataOnALinkLocalAddressIsNeverFetched() throws Exception {
    try (ScriptedServer mcp = ScriptedServer.start()) {
      protectedBy(mcp, "https://169.254.169.254/latest/meta-data/iam");
      assertThat(failure(mcp, service()))
          .hasMessageContaining(
              "the protected resource metadata URL https://169.254.169.254/latest/meta-data/iam is"
                  + " a link-local address, which the MCP server is not on: not fetched");
    }
  }

  @Test
  void anAuthorizationServerOnAPrivateAddressIsNeverAsked() throws Exception {
    try (ScriptedServer mcp = ScriptedServer.start()) {
      protectedBy(mcp, mcp.origin() + "/prm");
      for (String issuer :
          List.of(
              "https://10.0.0.7",
              "https://192.168.1.1",
              "https://[fd00::1]",
              "https://[fe80::1]")) {
        mcp.on("/prm", prm(mcp.origin() + "/mcp", issuer));
        assertThat(failure(mcp, service()))
            .as(issuer)
            .hasMessageContaining("the authorization server " + issuer)
            .hasMessageContaining("which the MCP server is not on: not fetched");
      }
    }
  }

  @Test
  void plainHttpIsRefusedForAnythingButLoopback() throws Exception {
    try (ScriptedServer mcp = ScriptedServer.start()) {
      protectedBy(mcp, "http://198.51.100.7/prm");
      assertThat(failure(mcp, service()))
          .hasMessageContaining(
              "the protected resource metadata URL must be an https URL without user info or a"
                  + " fragment");
    }
  }

  @Test
  void everyRedirectOfAMetadataDocumentIsCheckedBeforeItIsFollowed() throws Exception {
    try (ScriptedServer mcp = ScriptedServer.start()) {
      protectedBy(mcp, mcp.origin() + "/prm");
      mcp.on("/prm", Reply.redirect(302, "https://169.254.169.254/latest/meta-data"));
      assertThat(failure(mcp, service()))
          .hasMessageContaining(
              "the redirect of the protected resource metadata https://169.254.169.254/latest/meta-data"
                  + " is a link-local address");
      // on the server's own loopback origin, it is followed
      mcp.on("/prm", Reply.redirect(307, "/prm-moved"));
      mcp.on("/prm-moved", prm(mcp.origin() + "/mcp", mcp.origin() + "/as"));
      assertThat(failure(mcp, service()))
          .hasMessageContaining(
              "its authorization server " + mcp.origin() + "/as publishes no metadata");
      assertThat(mcp.requests).extracting(ScriptedServer.Request::path).contains("/prm-moved");
    }
  }

  /** The token request carries the client's secret: a redirect of it is not followed. */
  @Test
  void aTokenEndpointsRedirectIsNotFollowedWithTheSecret() throws Exception {
    try (ScriptedServer mcp = ScriptedServer.start();
        ScriptedServer elsewhere = ScriptedServer.start()) {
      protectedBy(mcp, mcp.origin() + "/prm");
      mcp.on("/prm", prm(mcp.origin() + "/mcp", mcp.origin()));
      mcp.on(
          "/.well-known/oauth-authorization-server",
          asMetadata(mcp.origin(), mcp.origin() + "/authorize", mcp.origin() + "/token"));
      for (int status : new int[] {301, 302, 303, 307, 308}) {
        mcp.on("/token", Reply.redirect(status, elsewhere.origin() + "/token"));
        assertThat(failure(mcp, service()))
            .hasMessageContaining(
                "the token endpoint at "
                    + mcp.origin()
                    + "/token answered with a redirect (HTTP "
                    + status
                    + "), which the client does not follow");
      }
      assertThat(elsewhere.requests).isEmpty();
    }
  }

  /** An authorization server's answer is read to 256 KiB and no further: past it, it fails. */
  @Test
  void anAuthorizationServersAnswerIsReadToItsLimitAndNoFurther() throws Exception {
    try (ScriptedServer mcp = ScriptedServer.start()) {
      protectedBy(mcp, mcp.origin() + "/prm");
      mcp.on(
          "/prm", Reply.json(200, "{\"resource\":\"" + "r".repeat(300 * 1024) + "\"}")); // 300 KiB
      McpException e = failure(mcp, service());
      assertThat(e.kind()).isEqualTo(McpException.Kind.AUTHORIZATION);
      assertThat(e)
          .hasMessageContaining(
              "the protected resource metadata at "
                  + mcp.origin()
                  + "/prm answered with more than 262144 bytes");
    }
  }

  /** An MCP server's error is reported from the start of its body, however long the body is. */
  @Test
  void anMcpServersLongErrorIsReportedFromItsStart() throws Exception {
    try (ScriptedServer mcp = ScriptedServer.start()) {
      mcp.on("/mcp", new Reply(503, Map.of(), "overloaded " + "x".repeat(1 << 20)));
      Throwable t = catchThrowable(() -> McpClient.http(mcp.origin() + "/mcp"));
      assertThat(t)
          .isInstanceOf(McpException.class)
          .hasMessageContaining("POST initialize was answered with HTTP 503")
          .hasMessageContaining(": overloaded xxx");
      assertThat(((McpException) t).httpStatus()).hasValue(503);
      assertThat(t.getMessage())
          .as("the server's text quoted to its bound")
          .hasSizeLessThan(ServerText.QUOTE_CHARS + 200);
    }
  }

  /** An OAuth error's text cannot end the message's line and forge a log line after it. */
  @Test
  void anAuthorizationServersErrorCannotForgeALogLine() throws Exception {
    try (ScriptedServer mcp = ScriptedServer.start()) {
      protectedBy(mcp, mcp.origin() + "/prm");
      mcp.on("/prm", prm(mcp.origin() + "/mcp", mcp.origin()));
      mcp.on(
          "/.well-known/oauth-authorization-server",
          asMetadata(mcp.origin(), mcp.origin() + "/authorize", mcp.origin() + "/token"));
      mcp.on(
          "/token",
          Reply.json(
              400,
              "{\"error\":\"invalid_client\\r\\n\",\"error_description\":"
                  + "\"denied\\r\\n2026-11-26 INFO token accepted\\u001b[0m\\u2028\"}"));
      McpException e = failure(mcp, service());
      assertThat(e.getMessage())
          .contains(
              "invalid_client\\r\\n (denied\\r\\n2026-11-26 INFO token accepted\\u001b[0m\\u2028)")
          .doesNotContain("\r", "\n", "\u001b", "\u2028");
    }
  }

  /** A JSON-RPC error's message, and the server's name, reach the exception escaped too. */
  @Test
  void anMcpServersErrorCannotForgeALogLine() throws Exception {
    try (ScriptedServer mcp = ScriptedServer.start()) {
      mcp.on(
          "/mcp",
          r -> {
            JsonValue id = Json.parse(r.body()).asObject().get("id");
            return Reply.json(
                200,
                "{\"jsonrpc\":\"2.0\",\"id\":"
                    + Json.write(id)
                    + ",\"error\":{\"code\":-32000,\"message\":\"no\\r\\nWARN forged\\u001b]0;x\\u0007\"}}");
          });
      Throwable t = catchThrowable(() -> McpClient.http(mcp.origin() + "/mcp"));
      assertThat(t)
          .isInstanceOf(McpException.class)
          .hasMessageContaining("no\\r\\nWARN forged\\u001b]0;x\\u0007")
          .satisfies(
              e -> assertThat(e.getMessage()).doesNotContain("\r", "\n", "\u001b", "\u0007"));
    }
  }
}
