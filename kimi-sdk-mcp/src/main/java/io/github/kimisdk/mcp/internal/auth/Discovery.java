package io.github.kimisdk.mcp.internal.auth;

import io.github.kimisdk.json.JsonBoolean;
import io.github.kimisdk.json.JsonObject;
import io.github.kimisdk.mcp.internal.rpc.Fields;
import io.github.kimisdk.mcp.internal.rpc.ServerText;
import java.lang.System.Logger.Level;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The discovery step: from an MCP server to its authorization server. The protected resource
 * metadata (RFC 9728) from the challenge's {@code resource_metadata}, else the well-known URLs,
 * must name this server as its {@code resource}; the authorization server's metadata (RFC 8414,
 * then OpenID discovery) must name the issuer it was asked for. A server without protected resource
 * metadata is, as in 2025-03-26, its own authorization server. Thread-safe.
 */
final class Discovery {

  private static final System.Logger LOG = System.getLogger("io.github.kimisdk.mcp");

  private static final String PRM = "/.well-known/oauth-protected-resource";
  private static final String AS_META = "/.well-known/oauth-authorization-server";
  private static final String OIDC = "/.well-known/openid-configuration";

  /** What an authorization server's metadata says (or what 2025-03-26 assumes without any). */
  record Metadata(
      String issuer,
      URI authorize,
      URI token,
      URI register,
      boolean issParameter,
      boolean pkce,
      List<String> scopes,
      boolean clientIdMetadataDocuments,
      List<String> authMethods,
      List<String> grantTypes,
      List<String> dpopAlgs) {}

  /**
   * Where the server's discovery led: the resource to ask for and its authorization server, and
   * whether the resource takes only tokens bound to a key (DPoP, RFC 9728 2).
   */
  record Found(
      String resource, String issuer, Metadata as, List<String> scopes, boolean dpopRequired) {}

  private final URI mcp;
  private final String issuer; // the one the user named, or null
  private final AuthHttp http;
  private final Secrets secrets;
  private final Map<String, Metadata> servers = new ConcurrentHashMap<>();

  Discovery(URI mcp, String issuer, AuthHttp http, Secrets secrets) {
    this.mcp = mcp;
    this.issuer = issuer;
    this.http = http;
    this.secrets = secrets;
  }

  /** Finds the authorization server of the MCP server, from the challenge's metadata URL if any. */
  Found discover(String server, String metadataUrl) {
    String origin = mcp.getScheme() + "://" + mcp.getRawAuthority();
    List<URI> candidates = new ArrayList<>();
    if (metadataUrl != null) {
      candidates.add(http.url(server, metadataUrl, "protected resource metadata URL"));
    } else {
      String path = mcp.getRawPath() == null ? "" : mcp.getRawPath();
      if (!path.isEmpty() && !path.equals("/")) {
        candidates.add(URI.create(origin + PRM + path));
      }
      candidates.add(URI.create(origin + PRM));
    }
    JsonObject prm = null;
    for (URI u : candidates) {
      AuthHttp.Answer a = http.get(server, u, "the protected resource metadata");
      if (a.status() == 200 && a.json() instanceof JsonObject o) {
        prm = o;
        break;
      }
      if (metadataUrl != null) {
        throw secrets.fail(
            server,
            "its protected resource metadata at "
                + AuthHttp.show(u)
                + " answered HTTP "
                + a.status()
                + (a.json() == null ? " without JSON" : ""),
            null);
      }
    }
    if (prm == null) {
      // 2025-03-26: no protected resource metadata; the server is its own authorization server.
      String resource = origin + (mcp.getRawPath() == null ? "" : mcp.getRawPath());
      Metadata as = metadata(server, origin, false);
      if (as == null) {
        as =
            new Metadata(
                origin,
                URI.create(origin + "/authorize"),
                URI.create(origin + "/token"),
                URI.create(origin + "/register"),
                false,
                true,
                List.of(),
                false,
                List.of(),
                List.of(),
                List.of());
      }
      return new Found(resource, origin, as, List.of(), false);
    }
    String resource = Fields.string(prm, "resource");
    if (resource == null) {
      throw secrets.fail(server, "its protected resource metadata names no resource", null);
    }
    if (!covers(resource)) {
      throw secrets.fail(
          server,
          "its protected resource metadata names the resource "
              + ServerText.shown(resource, secrets::safe)
              + ", not this server ("
              + AuthHttp.show(mcp)
              + "): no token is asked for it",
          null);
    }
    List<String> named = Fields.strings(prm.get("authorization_servers"), 256);
    if (named.isEmpty()) {
      throw secrets.fail(
          server, "its protected resource metadata names no authorization server", null);
    }
    String chosen = issuer != null && named.contains(issuer) ? issuer : named.get(0);
    return new Found(
        resource,
        chosen,
        metadata(server, chosen, true),
        Fields.strings(prm.get("scopes_supported"), 256),
        prm.get("dpop_bound_access_tokens_required") instanceof JsonBoolean b && b.value());
  }

  /**
   * Whether {@code resource} identifies the MCP endpoint: same origin, and a path it lies under.
   */
  private boolean covers(String resource) {
    URI r;
    try {
      r = new URI(resource);
    } catch (URISyntaxException e) {
      return false;
    }
    if (r.getScheme() == null
        || r.getHost() == null
        || r.getRawFragment() != null
        || !r.getScheme().equalsIgnoreCase(mcp.getScheme())
        || !r.getHost().equalsIgnoreCase(mcp.getHost())
        || port(r) != port(mcp)) {
      return false;
    }
    String rp = r.getRawPath() == null ? "" : r.getRawPath();
    String mp = mcp.getRawPath() == null ? "" : mcp.getRawPath();
    if (rp.endsWith("/")) {
      rp = rp.substring(0, rp.length() - 1);
    }
    return rp.isEmpty() || mp.equals(rp) || mp.startsWith(rp + "/");
  }

  private static int port(URI u) {
    return u.getPort() >= 0 ? u.getPort() : u.getScheme().equalsIgnoreCase("https") ? 443 : 80;
  }

  /**
   * The metadata of the authorization server {@code issuer}, from the first well-known URL that
   * answers with a document naming that issuer; null when none does and it is not {@code required}.
   */
  private Metadata metadata(String server, String issuer, boolean required) {
    Metadata known = servers.get(issuer);
    if (known != null) {
      return known;
    }
    URI base = http.url(server, issuer, "authorization server");
    String origin = base.getScheme() + "://" + base.getRawAuthority();
    String path = base.getRawPath() == null ? "" : base.getRawPath();
    if (path.endsWith("/")) {
      path = path.substring(0, path.length() - 1);
    }
    List<URI> candidates =
        path.isEmpty()
            ? List.of(URI.create(origin + AS_META), URI.create(origin + OIDC))
            : List.of(
                URI.create(origin + AS_META + path),
                URI.create(origin + OIDC + path),
                URI.create(origin + path + OIDC));
    String mismatch = null;
    for (URI u : candidates) {
      AuthHttp.Answer a = http.get(server, u, "the authorization server's metadata");
      if (a.status() != 200 || !(a.json() instanceof JsonObject o)) {
        continue;
      }
      String said = Fields.string(o, "issuer");
      if (!issuer.equals(said)) {
        // RFC 8414 3.3: a document for another issuer is not used, not even its endpoints.
        mismatch =
            AuthHttp.show(u)
                + " names the issuer "
                + ServerText.shown(String.valueOf(said), secrets::safe);
        String shown = mismatch;
        LOG.log(
            Level.WARNING,
            () -> "MCP server " + server + ": " + shown + ", not " + issuer + "; not used");
        continue;
      }
      Metadata m =
          new Metadata(
              issuer,
              http.optionalUrl(
                  server, Fields.string(o, "authorization_endpoint"), "authorization endpoint"),
              http.optionalUrl(server, Fields.string(o, "token_endpoint"), "token endpoint"),
              http.optionalUrl(
                  server, Fields.string(o, "registration_endpoint"), "registration endpoint"),
              o.get("authorization_response_iss_parameter_supported") instanceof JsonBoolean b
                  && b.value(),
              Fields.strings(o.get("code_challenge_methods_supported"), 256).contains("S256"),
              Fields.strings(o.get("scopes_supported"), 256),
              o.get("client_id_metadata_document_supported") instanceof JsonBoolean c && c.value(),
              Fields.strings(o.get("token_endpoint_auth_methods_supported"), 256),
              Fields.strings(o.get("grant_types_supported"), 256),
              Fields.strings(o.get("dpop_signing_alg_values_supported"), 64));
      if (m.token() == null) {
        throw secrets.fail(
            server, "the authorization server " + issuer + " names no token endpoint", null);
      }
      servers.put(issuer, m);
      return m;
    }
    if (!required) {
      return null;
    }
    throw secrets.fail(
        server,
        mismatch != null
            ? "the metadata of its authorization server "
                + issuer
                + " is not its own ("
                + mismatch
                + "): not used"
            : "its authorization server "
                + issuer
                + " publishes no metadata at "
                + AuthHttp.show(candidates.get(0))
                + " or the other well-known URLs",
        null);
  }
}
