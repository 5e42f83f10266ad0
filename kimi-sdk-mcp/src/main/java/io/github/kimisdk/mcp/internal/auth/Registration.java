package io.github.kimisdk.mcp.internal.auth;

import io.github.kimisdk.base.net.Hosts;
import io.github.kimisdk.json.Json;
import io.github.kimisdk.json.JsonArray;
import io.github.kimisdk.json.JsonObject;
import io.github.kimisdk.json.JsonString;
import io.github.kimisdk.mcp.McpCredentials;
import io.github.kimisdk.mcp.internal.rpc.Fields;
import io.github.kimisdk.mcp.internal.rpc.ServerText;
import java.lang.System.Logger.Level;
import java.net.URI;
import java.net.http.HttpRequest;
import java.util.List;
import java.util.Locale;

/**
 * The registration step: who the client is at an authorization server. A pre-registered client
 * first (bound to its issuer, or to the first authorization server it was used at), then one the
 * store knows there, then a client ID metadata document where the server supports them, then
 * dynamic client registration (RFC 7591). Thread-safe: the authorization runs one at a time.
 */
final class Registration {

  private static final System.Logger LOG = System.getLogger("io.github.kimisdk.mcp");

  private final AuthSettings settings;
  private final AuthHttp http;
  private final Secrets secrets;
  private volatile String firstIssuer; // where credentials without an issuer were first used

  Registration(AuthSettings settings, AuthHttp http, Secrets secrets) {
    this.settings = settings;
    this.http = http;
    this.secrets = secrets;
  }

  /**
   * Binds the user's own credentials to {@code issuer}: the one {@code issuer(...)} names, else the
   * first one they are used at; throws, saying {@code refusal}, for any other.
   */
  void bind(String server, String issuer, String refusal) {
    String bound = settings.issuer() != null ? settings.issuer() : firstIssuer;
    if (bound != null && !bound.equals(issuer)) {
      throw secrets.fail(
          server,
          "the server's authorization server is "
              + issuer
              + ", not "
              + bound
              + ", which "
              + refusal,
          null);
    }
    firstIssuer = issuer;
  }

  /** Who the client is at this authorization server: pre-registered, known, a document, or new. */
  McpCredentials client(String server, Discovery.Found d, McpCredentials known, String redirect) {
    Discovery.Metadata as = d.as();
    if (settings.clientId() != null) {
      bind(server, d.issuer(), "the pre-registered client belongs to: register the client there");
      return new McpCredentials(
          settings.clientId(),
          settings.clientSecret(),
          settings.clientSecret() == null ? "none" : TokenEndpoint.secretMethod(as, false),
          null,
          null,
          null,
          List.of());
    }
    if (known != null) {
      return TokenEndpoint.withTokens(known, null, null, null, List.of());
    }
    if (settings.clientMetadataDocument() != null && as.clientIdMetadataDocuments()) {
      return new McpCredentials(
          settings.clientMetadataDocument(), null, "none", null, null, null, List.of());
    }
    if (settings.dynamicRegistration() && as.register() != null) {
      return register(server, as, redirect);
    }
    throw secrets.fail(
        server,
        "the authorization server "
            + d.issuer()
            + " offers no way to identify this client"
            + (as.register() == null
                ? " (no dynamic registration"
                : " (dynamic registration is off")
            + (settings.clientMetadataDocument() == null ? "" : ", no client ID metadata documents")
            + "): set a client id registered there with McpAuthorization.Builder.client(...)",
        null);
  }

  /** Dynamic client registration (RFC 7591). */
  private McpCredentials register(String server, Discovery.Metadata as, String redirect) {
    String method =
        as.authMethods().contains("none")
            ? "none"
            : as.authMethods().isEmpty() || as.authMethods().contains("client_secret_basic")
                ? "client_secret_basic"
                : as.authMethods().contains("client_secret_post") ? "client_secret_post" : "none";
    JsonObject body =
        JsonObject.builder()
            .put("client_name", settings.clientName())
            .put("redirect_uris", JsonArray.of(JsonString.of(redirect)))
            .put(
                "grant_types",
                JsonArray.of(JsonString.of("authorization_code"), JsonString.of("refresh_token")))
            .put("response_types", JsonArray.of(JsonString.of("code")))
            .put("token_endpoint_auth_method", method)
            .put("application_type", nativeRedirect(redirect) ? "native" : "web")
            .build();
    AuthHttp.Answer a =
        http.send(
            server,
            HttpRequest.newBuilder(as.register())
                .header("Content-Type", "application/json")
                .header("Accept", "application/json")
                .POST(HttpRequest.BodyPublishers.ofByteArray(Json.writeBytes(body))),
            "the registration endpoint");
    if (a.status() / 100 != 2 || !(a.json() instanceof JsonObject o)) {
      throw secrets.fail(
          server,
          "the authorization server refused to register the client: " + http.refusal(a),
          null);
    }
    String id = Fields.string(o, "client_id");
    if (id == null || id.isEmpty()) {
      throw secrets.fail(
          server, "the authorization server registered the client without a client_id", null);
    }
    String secret = Fields.string(o, "client_secret");
    secrets.remember(secret);
    List<String> registered = Fields.strings(o.get("redirect_uris"), 64);
    if (o.has("redirect_uris") && !registered.contains(redirect)) {
      // RFC 7591 3.2.1: the server may replace what was asked for; codes would then go elsewhere.
      throw secrets.fail(
          server,
          "the authorization server registered the client with other redirect URIs than "
              + redirect
              + " ("
              + ServerText.shown(String.join(" ", registered), secrets::safe, 300)
              + "): the registration is not used",
          null);
    }
    String given = Fields.string(o, "token_endpoint_auth_method");
    String chosen =
        given != null ? given : secret != null ? TokenEndpoint.secretMethod(as, false) : "none";
    LOG.log(Level.DEBUG, () -> "MCP server " + server + ": registered with " + as.issuer());
    return new McpCredentials(id, secret, chosen, null, null, null, List.of());
  }

  private static boolean nativeRedirect(String redirect) {
    URI u = URI.create(redirect);
    String scheme = u.getScheme() == null ? "" : u.getScheme().toLowerCase(Locale.ROOT);
    if (!scheme.equals("http") && !scheme.equals("https")) {
      return true; // a custom scheme: an app on the device
    }
    return Hosts.isLoopback(u.getHost());
  }
}
