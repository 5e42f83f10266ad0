package io.github.kimisdk.mcp.internal.auth;

import io.github.kimisdk.json.JsonObject;
import io.github.kimisdk.mcp.internal.rpc.Fields;
import io.github.kimisdk.mcp.internal.rpc.ServerText;
import java.lang.System.Logger.Level;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * The identity assertion step of an enterprise-managed authorization (the MCP extension SEP-990,
 * the Identity Assertion Authorization Grant): the person's ID token, from the enterprise's single
 * sign-on, exchanged at its identity provider (RFC 8693 token exchange) for an Identity Assertion
 * JWT Authorization Grant (ID-JAG) naming the MCP server's authorization server and the server; the
 * {@link Grant} step then presents it there as a JWT bearer grant (RFC 7523).
 */
final class IdentityAssertion {

  private static final System.Logger LOG = System.getLogger("io.github.kimisdk.mcp");
  static final String TOKEN_EXCHANGE = "urn:ietf:params:oauth:grant-type:token-exchange";
  static final String ID_JAG = "urn:ietf:params:oauth:token-type:id-jag";
  static final String ID_TOKEN = "urn:ietf:params:oauth:token-type:id_token";

  private final IdentityProvider idp;
  private final AuthHttp http;
  private final Secrets secrets;

  IdentityAssertion(IdentityProvider idp, AuthHttp http, Secrets secrets) {
    this.idp = idp;
    this.http = http;
    this.secrets = secrets;
    secrets.remember(idp.clientSecret());
  }

  /**
   * Exchanges the person's ID token for an ID-JAG for {@code d}'s authorization server (the {@code
   * audience}) and server (the {@code resource}), with {@code scopes}.
   */
  String exchange(String server, Discovery.Found d, Set<String> scopes) {
    String idToken;
    try {
      idToken = idp.idToken().get();
    } catch (RuntimeException e) {
      throw secrets.fail(
          server, "the ID token could not be had (" + e.getClass().getName() + ")", e);
    }
    if (idToken == null || idToken.isBlank()) {
      throw secrets.fail(server, "no ID token was given for the identity provider", null);
    }
    idToken = idToken.strip();
    secrets.remember(idToken);
    Map<String, String> form = new LinkedHashMap<>();
    form.put("grant_type", TOKEN_EXCHANGE);
    form.put("requested_token_type", ID_JAG);
    form.put("audience", d.issuer());
    form.put("resource", d.resource());
    if (!scopes.isEmpty()) {
      form.put("scope", String.join(" ", scopes));
    }
    form.put("subject_token", idToken);
    form.put("subject_token_type", ID_TOKEN);
    HttpRequest.Builder b =
        HttpRequest.newBuilder(idp.tokenEndpoint())
            .header("Content-Type", "application/x-www-form-urlencoded")
            .header("Accept", "application/json");
    if (idp.clientId() != null && idp.clientSecret() != null) {
      b.header("Authorization", Forms.basic(idp.clientId(), idp.clientSecret()));
    } else if (idp.clientId() != null) {
      form.put("client_id", idp.clientId());
    }
    LOG.log(
        Level.DEBUG,
        () ->
            "MCP server "
                + server
                + ": exchanging the ID token at "
                + AuthHttp.show(idp.tokenEndpoint())
                + " for a grant at "
                + d.issuer());
    AuthHttp.Answer a =
        http.send(
            server,
            b.POST(HttpRequest.BodyPublishers.ofString(Forms.form(form), StandardCharsets.UTF_8)),
            "the identity provider's token endpoint");
    if (a.status() != 200 || !(a.json() instanceof JsonObject o)) {
      throw secrets.fail(
          server,
          "the identity provider refused to exchange the ID token: " + http.refusal(a),
          null);
    }
    String grant = Fields.string(o, "access_token");
    if (grant == null || grant.isBlank()) {
      throw secrets.fail(
          server, "the identity provider answered the token exchange without a grant", null);
    }
    secrets.remember(grant);
    String type = Fields.string(o, "issued_token_type");
    if (!ID_JAG.equals(type)) {
      throw secrets.fail(
          server,
          "the identity provider issued "
              + (type == null ? "a token of no type" : secrets.safe(ServerText.cut(type)))
              + ", not an identity assertion grant ("
              + ID_JAG
              + ")",
          null);
    }
    return grant;
  }
}
