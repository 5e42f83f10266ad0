package io.github.kimisdk.mcp;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.github.kimisdk.json.Json;
import io.github.kimisdk.json.JsonObject;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArraySet;

/**
 * An enterprise identity provider on loopback for tests of enterprise-managed authorization
 * (SEP-990): its token endpoint answers an RFC 8693 token exchange of an ID token it issued for an
 * identity assertion grant (ID-JAG) its authorization server trusts. Every secret it issues or
 * receives is kept in {@link #secrets}.
 *
 * <p>Options: {@code refuse} refuses every exchange, quoting the subject token (as a careless
 * server might); {@code wrong-type} issues an access token instead of a grant.
 */
final class TestIdentityProvider implements AutoCloseable {

  static final String ID_TOKEN = "eyJhbGciOiJFUzI1NiJ9.eyJzdWIiOiJhZGEifQ.aWQtdG9rZW4tczNjcmV0";

  final WatchedLog requests = new WatchedLog();
  final Set<String> secrets = new CopyOnWriteArraySet<>(Set.of(ID_TOKEN));
  private final Set<String> options;
  private final TestAuthorizationServer as;
  private final HttpServer http;

  private TestIdentityProvider(TestAuthorizationServer as, Set<String> options) throws IOException {
    this.as = as;
    this.options = options;
    this.http = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    http.createContext("/token", this::token);
    http.start();
  }

  /** Starts one whose grants {@code as} trusts. */
  static TestIdentityProvider start(TestAuthorizationServer as, String... options)
      throws IOException {
    return new TestIdentityProvider(as, Set.of(options));
  }

  String tokenEndpoint() {
    return "http://127.0.0.1:" + http.getAddress().getPort() + "/token";
  }

  private void token(HttpExchange ex) throws IOException {
    try (ex) {
      Map<String, String> f =
          TestAuthorizationServer.query(
              new String(ex.getRequestBody().readAllBytes(), StandardCharsets.UTF_8));
      String basic = ex.getRequestHeaders().getFirst("Authorization");
      requests.add(
          "exchange "
              + f.get("grant_type")
              + " requested="
              + f.get("requested_token_type")
              + " audience="
              + f.get("audience")
              + " resource="
              + f.get("resource")
              + " scope="
              + f.get("scope")
              + " subject_type="
              + f.get("subject_token_type")
              + " client_id="
              + f.get("client_id")
              + " basic="
              + (basic != null));
      String subject = f.get("subject_token");
      if (basic != null) {
        secrets.add(basic.substring(6));
      }
      String body;
      int status = 200;
      if (options.contains("refuse") || !ID_TOKEN.equals(subject)) {
        status = 400;
        body =
            Json.write(
                JsonObject.builder()
                    .put("error", "invalid_grant")
                    .put("error_description", "not for " + subject)
                    .build());
      } else {
        String grant = "eyJ0eXAiOiJvYXV0aC1pZC1qYWcrand0In0.e30.Z3JhbnQt" + System.nanoTime();
        secrets.add(grant);
        as.trustedAssertions.add(grant);
        body =
            Json.write(
                JsonObject.builder()
                    .put("access_token", grant)
                    .put(
                        "issued_token_type",
                        options.contains("wrong-type")
                            ? "urn:ietf:params:oauth:token-type:access_token"
                            : "urn:ietf:params:oauth:token-type:id-jag")
                    .put("token_type", "N_A")
                    .build());
      }
      byte[] b = body.getBytes(StandardCharsets.UTF_8);
      ex.getResponseHeaders().set("Content-Type", "application/json");
      ex.sendResponseHeaders(status, b.length);
      ex.getResponseBody().write(b);
    }
  }

  @Override
  public void close() {
    http.stop(0);
  }
}
