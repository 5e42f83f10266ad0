package io.github.kimisdk.mcp.internal.auth;

import io.github.kimisdk.json.Json;
import io.github.kimisdk.json.JsonNumber;
import io.github.kimisdk.json.JsonObject;
import io.github.kimisdk.mcp.McpCredentials;
import io.github.kimisdk.mcp.internal.http.Endpoint;
import io.github.kimisdk.mcp.internal.rpc.Fields;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.PrivateKey;
import java.security.Signature;
import java.security.interfaces.ECPrivateKey;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * The token endpoint step: a token request (a grant's form, the server as {@code resource}, the
 * client authenticated as its registration says), the refresh of a token, and the reading of the
 * answer. Every token, secret and assertion it sees is remembered, to be blanked in messages.
 */
final class TokenEndpoint {

  private final PrivateKey signingKey;
  private final AuthHttp http;
  private final Secrets secrets;
  private final Dpop dpop;

  TokenEndpoint(PrivateKey signingKey, AuthHttp http, Secrets secrets, Dpop dpop) {
    this.signingKey = signingKey;
    this.http = http;
    this.secrets = secrets;
    this.dpop = dpop;
  }

  /** Refreshes {@code known}'s token with its refresh token. */
  McpCredentials refresh(
      String server, Discovery.Metadata as, String resource, McpCredentials known) {
    Map<String, String> form = new LinkedHashMap<>();
    form.put("grant_type", "refresh_token");
    form.put("refresh_token", known.refreshToken());
    McpCredentials fresh = token(server, as, resource, known, form, known.scopes());
    // An answer without a new refresh token leaves the old one in use (RFC 6749 6).
    return fresh.refreshToken() != null
        ? fresh
        : withTokens(
            fresh, fresh.accessToken(), known.refreshToken(), fresh.expiresAt(), fresh.scopes());
  }

  /** A token request: the form, the resource, the client's authentication; the answer read. */
  McpCredentials token(
      String server,
      Discovery.Metadata as,
      String resource,
      McpCredentials client,
      Map<String, String> form,
      List<String> requested) {
    Map<String, String> f = new LinkedHashMap<>(form);
    f.put("resource", resource);
    HttpRequest.Builder b =
        HttpRequest.newBuilder(as.token())
            .header("Content-Type", "application/x-www-form-urlencoded")
            .header("Accept", "application/json");
    switch (client.authMethod()) {
      case "client_secret_basic":
        if (client.clientSecret() == null) {
          f.put("client_id", client.clientId());
          break;
        }
        b.header("Authorization", Forms.basic(client.clientId(), client.clientSecret()));
        break;
      case "client_secret_post":
        f.put("client_id", client.clientId());
        if (client.clientSecret() != null) {
          f.put("client_secret", client.clientSecret());
        }
        break;
      case "private_key_jwt":
        if (signingKey == null) {
          throw secrets.fail(
              server, "the client is to sign an assertion, but no signing key is set", null);
        }
        f.put("client_id", client.clientId());
        f.put("client_assertion_type", "urn:ietf:params:oauth:client-assertion-type:jwt-bearer");
        String assertion = assertion(server, client.clientId(), as.issuer());
        secrets.remember(assertion);
        f.put("client_assertion", assertion);
        break;
      default:
        f.put("client_id", client.clientId());
        break;
    }
    AuthHttp.Answer a =
        dpop.send(
            server,
            http,
            b.POST(HttpRequest.BodyPublishers.ofString(Forms.form(f), StandardCharsets.UTF_8)),
            as.token());
    if (a.status() != 200 || !(a.json() instanceof JsonObject o)) {
      throw secrets.fail(
          server, "the authorization server refused the token request: " + http.refusal(a), null);
    }
    String access = Fields.string(o, "access_token");
    if (access == null || access.isEmpty()) {
      throw secrets.fail(
          server,
          "the authorization server answered the token request without an access_token",
          null);
    }
    secrets.remember(access);
    if (!sendable(access)) {
      throw secrets.fail(
          server,
          "the authorization server issued an access token that a header cannot carry (a"
              + " character outside visible ASCII, such as CR or LF): it is not used",
          null);
    }
    dpop.accept(server, Fields.string(o, "token_type"), access);
    String refresh = Fields.string(o, "refresh_token");
    if (refresh != null) {
      secrets.remember(refresh);
    }
    Instant expires =
        o.get("expires_in") instanceof JsonNumber n && n.doubleValue() > 0
            ? Instant.now().plusSeconds((long) Math.min(n.doubleValue(), 10L * 365 * 86400))
            : null;
    String granted = Fields.string(o, "scope");
    return withTokens(
        client, access, refresh, expires, granted != null ? Forms.words(granted) : requested);
  }

  /**
   * Whether {@code token} can go into an {@code Authorization} header as it is: visible ASCII only
   * (RFC 6750 2.1 is narrower still), so no token can add a header of its own.
   */
  static boolean sendable(String token) {
    return Endpoint.sendable(token) && token.indexOf(' ') < 0;
  }

  /** Returns {@code c} with new tokens. */
  static McpCredentials withTokens(
      McpCredentials c,
      String accessToken,
      String refreshToken,
      Instant expiresAt,
      List<String> scopes) {
    return new McpCredentials(
        c.clientId(),
        c.clientSecret(),
        c.authMethod(),
        accessToken,
        refreshToken,
        expiresAt,
        scopes);
  }

  /** How to send a client secret: as the server's metadata prefers, HTTP Basic by default. */
  static String secretMethod(Discovery.Metadata as, boolean clientCredentials) {
    List<String> m = as.authMethods();
    if (m.isEmpty() || m.contains("client_secret_basic")) {
      return "client_secret_basic";
    }
    if (m.contains("client_secret_post")) {
      return "client_secret_post";
    }
    return clientCredentials
        ? "client_secret_basic"
        : m.contains("none") ? "none" : "client_secret_basic";
  }

  /** A {@code private_key_jwt} client assertion (RFC 7523), valid for a minute. */
  private String assertion(String server, String clientId, String audience) {
    PrivateKey key = signingKey;
    String alg;
    String jca;
    if (key instanceof ECPrivateKey ec) {
      // JOSE's ECDSA signatures are R and S side by side (IEEE P1363), not DER (RFC 7518 3.4).
      int bits = ec.getParams().getOrder().bitLength();
      alg = bits <= 256 ? "ES256" : bits <= 384 ? "ES384" : "ES512";
      jca = (bits <= 256 ? "SHA256" : bits <= 384 ? "SHA384" : "SHA512") + "withECDSAinP1363Format";
    } else {
      alg = "RS256";
      jca = "SHA256withRSA";
    }
    long now = Instant.now().getEpochSecond();
    JsonObject header = JsonObject.builder().put("alg", alg).put("typ", "JWT").build();
    JsonObject claims =
        JsonObject.builder()
            .put("iss", clientId)
            .put("sub", clientId)
            .put("aud", audience)
            .put("iat", now)
            .put("exp", now + 60)
            .put("jti", UUID.randomUUID().toString())
            .build();
    String signingInput =
        Forms.base64Url(Json.writeBytes(header)) + "." + Forms.base64Url(Json.writeBytes(claims));
    try {
      Signature s = Signature.getInstance(jca);
      s.initSign(key);
      s.update(signingInput.getBytes(StandardCharsets.US_ASCII));
      return signingInput + "." + Forms.base64Url(s.sign());
    } catch (GeneralSecurityException | RuntimeException e) {
      throw secrets.fail(
          server,
          "cannot sign the client assertion with the key given ("
              + e.getClass().getSimpleName()
              + ")",
          null);
    }
  }
}
