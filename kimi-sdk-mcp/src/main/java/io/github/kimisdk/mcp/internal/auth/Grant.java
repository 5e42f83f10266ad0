package io.github.kimisdk.mcp.internal.auth;

import io.github.kimisdk.mcp.McpCredentials;
import io.github.kimisdk.mcp.internal.rpc.ServerText;
import java.lang.System.Logger.Level;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * The grant step: the authorization-code grant (PKCE with S256, {@code state}, the server as {@code
 * resource}, the redirect's {@code state} and issuer checked), the client-credentials grant, the
 * JWT bearer grant (RFC 7523 2.1), and the enterprise-managed one (an {@link IdentityAssertion}
 * presented as a JWT bearer grant), each ending in a token request.
 */
final class Grant {

  private static final System.Logger LOG = System.getLogger("io.github.kimisdk.mcp");
  private static final String JWT_BEARER = "urn:ietf:params:oauth:grant-type:jwt-bearer";

  private final AuthSettings settings;
  private final Registration registration;
  private final TokenEndpoint tokens;
  private final Secrets secrets;
  private final IdentityAssertion identity; // null but for an enterprise-managed authorization
  private final SecureRandom random = new SecureRandom();

  Grant(
      AuthSettings settings,
      Registration registration,
      TokenEndpoint tokens,
      Secrets secrets,
      IdentityAssertion identity) {
    this.settings = settings;
    this.registration = registration;
    this.tokens = tokens;
    this.secrets = secrets;
    this.identity = identity;
  }

  /** Obtains new credentials for {@code scopes} with the settings' grant. */
  McpCredentials obtain(
      String server, Discovery.Found d, McpCredentials known, Set<String> scopes) {
    switch (settings.grant()) {
      case CLIENT_CREDENTIALS:
        return clientCredentials(server, d, scopes);
      case JWT_BEARER:
        return jwtBearer(server, d, scopes);
      case IDENTITY_ASSERTION:
        return identityAssertion(server, d, scopes);
      default:
        return authorizationCode(server, d, known, scopes);
    }
  }

  private McpCredentials clientCredentials(String server, Discovery.Found d, Set<String> scopes) {
    // The secret or the signed assertion belongs to one authorization server: the one issuer(...)
    // names, else the first one it was used at; another one is not sent them.
    registration.bind(
        server, d.issuer(), "the client's credentials belong to: they are not sent to it");
    Map<String, String> form = new LinkedHashMap<>();
    form.put("grant_type", "client_credentials");
    if (!scopes.isEmpty()) {
      form.put("scope", String.join(" ", scopes));
    }
    String method =
        settings.signingKey() != null
            ? "private_key_jwt"
            : TokenEndpoint.secretMethod(d.as(), true);
    McpCredentials client =
        new McpCredentials(
            settings.clientId(), settings.clientSecret(), method, null, null, null, List.of());
    return tokens.token(server, d.as(), d.resource(), client, form, List.copyOf(scopes));
  }

  /**
   * The JWT bearer grant (RFC 7523 2.1) with the assertion the workload's platform issued for this
   * authorization server (workload identity federation), sent once: a refusal fails the call. The
   * assertion is asked for only once the authorization server is known to be the one {@code
   * issuer(...)} names (when set) and to offer the grant, and is blanked in every message after.
   */
  private McpCredentials jwtBearer(String server, Discovery.Found d, Set<String> scopes) {
    if (settings.issuer() != null && !settings.issuer().equals(d.issuer())) {
      throw secrets.fail(
          server,
          "the server's authorization server is "
              + d.issuer()
              + ", not "
              + settings.issuer()
              + ", which the workload's assertion is for: no assertion is sent to it",
          null);
    }
    offers(server, d.as(), JWT_BEARER, "the JWT bearer grant");
    String assertion;
    try {
      assertion = settings.assertion().apply(d.issuer());
    } catch (RuntimeException e) {
      throw secrets.fail(
          server,
          "the assertion for the authorization server "
              + d.issuer()
              + " could not be had ("
              + e.getClass().getName()
              + ")",
          e);
    }
    if (assertion == null || assertion.isBlank()) {
      throw secrets.fail(
          server, "no assertion was given for the authorization server " + d.issuer(), null);
    }
    assertion = assertion.strip(); // as read from a file, say
    secrets.remember(assertion);
    McpCredentials client =
        new McpCredentials(settings.clientId(), null, "none", null, null, null, List.of());
    return presented(server, d, scopes, assertion, client);
  }

  /** The JWT bearer grant (RFC 7523 2.1): {@code assertion} presented once by {@code client}. */
  private McpCredentials presented(
      String server,
      Discovery.Found d,
      Set<String> scopes,
      String assertion,
      McpCredentials client) {
    Map<String, String> form = new LinkedHashMap<>();
    form.put("grant_type", JWT_BEARER);
    form.put("assertion", assertion);
    if (!scopes.isEmpty()) {
      form.put("scope", String.join(" ", scopes));
    }
    return tokens.token(server, d.as(), d.resource(), client, form, List.copyOf(scopes));
  }

  /**
   * The enterprise-managed authorization (SEP-990): the client's credentials bound to one
   * authorization server, which must offer the JWT bearer grant; then the person's ID token
   * exchanged at the identity provider for a grant for it, presented there with those credentials.
   */
  private McpCredentials identityAssertion(String server, Discovery.Found d, Set<String> scopes) {
    registration.bind(
        server, d.issuer(), "the client's credentials belong to: no grant is asked for it");
    offers(server, d.as(), JWT_BEARER, "the JWT bearer grant");
    String grant = identity.exchange(server, d, scopes);
    McpCredentials client =
        new McpCredentials(
            settings.clientId(),
            settings.clientSecret(),
            settings.clientSecret() == null ? "none" : TokenEndpoint.secretMethod(d.as(), true),
            null,
            null,
            null,
            List.of());
    return presented(server, d, scopes, grant, client);
  }

  /**
   * Fails, before anything is sent, when the metadata lists the grants the authorization server
   * offers and {@code grantType} is not among them.
   */
  private void offers(String server, Discovery.Metadata as, String grantType, String what) {
    if (!as.grantTypes().isEmpty() && !as.grantTypes().contains(grantType)) {
      throw secrets.fail(
          server,
          "the authorization server "
              + as.issuer()
              + " does not offer "
              + what
              + " (its grant_types_supported: "
              + ServerText.shown(String.join(" ", as.grantTypes()), secrets::safe)
              + ")",
          null);
    }
  }

  /**
   * Whether {@code back} is a redirect to {@code redirect}: the same scheme and host (without
   * case), port and path (exactly); the query is the authorization server's answer.
   */
  static boolean sameEndpoint(URI back, String redirect) {
    URI r;
    try {
      r = new URI(redirect);
    } catch (URISyntaxException e) {
      return false;
    }
    if (back.isOpaque() || r.isOpaque()) {
      return back.isOpaque()
          && r.isOpaque()
          && equalsIgnoreCase(back.getScheme(), r.getScheme())
          && withoutQuery(back.getRawSchemeSpecificPart())
              .equals(withoutQuery(r.getRawSchemeSpecificPart()));
    }
    return equalsIgnoreCase(back.getScheme(), r.getScheme())
        && equalsIgnoreCase(back.getHost(), r.getHost())
        && Objects.equals(back.getRawUserInfo(), r.getRawUserInfo())
        && port(back) == port(r)
        && Objects.equals(path(back), path(r));
  }

  private static boolean equalsIgnoreCase(String a, String b) {
    return a == null ? b == null : a.equalsIgnoreCase(b);
  }

  private static String withoutQuery(String s) {
    int q = s.indexOf('?');
    return q < 0 ? s : s.substring(0, q);
  }

  private static String path(URI u) {
    return u.getRawPath() == null || u.getRawPath().isEmpty() ? "/" : u.getRawPath();
  }

  private static int port(URI u) {
    if (u.getPort() >= 0) {
      return u.getPort();
    }
    String scheme = u.getScheme() == null ? "" : u.getScheme().toLowerCase(Locale.ROOT);
    return scheme.equals("https") ? 443 : scheme.equals("http") ? 80 : -1;
  }

  private McpCredentials authorizationCode(
      String server, Discovery.Found d, McpCredentials known, Set<String> scopes) {
    Discovery.Metadata as = d.as();
    if (as.authorize() == null) {
      throw secrets.fail(
          server,
          "the authorization server " + d.issuer() + " names no authorization endpoint",
          null);
    }
    if (!as.pkce()) {
      throw secrets.fail(
          server,
          "the authorization server "
              + d.issuer()
              + " does not say it supports PKCE with S256 (code_challenge_methods_supported):"
              + " the client does not authorize without it",
          null);
    }
    String redirect = settings.userAgent().redirectUri();
    McpCredentials client = registration.client(server, d, known, redirect);
    String verifier = Forms.randomText(random, 32);
    String state = Forms.randomText(random, 16);
    secrets.remember(verifier);
    String challenge = Forms.base64Url(Forms.sha256(verifier.getBytes(StandardCharsets.US_ASCII)));
    Map<String, String> q = new LinkedHashMap<>();
    q.put("response_type", "code");
    q.put("client_id", client.clientId());
    q.put("redirect_uri", redirect);
    q.put("code_challenge", challenge);
    q.put("code_challenge_method", "S256");
    q.put("state", state);
    q.put("resource", d.resource());
    if (!scopes.isEmpty()) {
      q.put("scope", String.join(" ", scopes));
    }
    String base = as.authorize().toString();
    URI url = URI.create(base + (base.contains("?") ? "&" : "?") + Forms.form(q));
    LOG.log(
        Level.DEBUG,
        () -> "MCP server " + server + ": asking the person to approve at " + d.issuer());
    URI back;
    try {
      back = settings.userAgent().authorize(url, settings.userTimeout());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw secrets.interrupted(server, "interrupted while the person was approving");
    } catch (RuntimeException e) {
      throw secrets.fail(
          server,
          "the person's approval did not complete: "
              + ServerText.shown(String.valueOf(e.getMessage()), secrets::safe),
          null);
    }
    if (back == null) {
      throw secrets.fail(server, "the person's approval did not complete (no redirect)", null);
    }
    if (!sameEndpoint(back, redirect)) {
      // RFC 6749 3.1.2, RFC 9700 4.1: a code is taken only from the redirect URI it was sent to.
      throw secrets.fail(
          server,
          "the user agent handed back a redirect to "
              + AuthHttp.show(back)
              + ", not to the redirect URI "
              + redirect
              + ": its code is not used",
          null);
    }
    Map<String, String> answer = Forms.query(back.getRawQuery());
    String code = answer.get("code");
    secrets.remember(code);
    if (!state.equals(answer.get("state"))) {
      throw secrets.fail(
          server,
          "the redirect carries another state than the one sent: its code is not used",
          null);
    }
    String iss = answer.get("iss");
    if (iss == null && as.issParameter()) {
      throw secrets.fail(
          server,
          "the redirect does not name its authorization server (iss), though "
              + d.issuer()
              + " says it does (RFC 9207): its code is not used",
          null);
    }
    if (iss != null && !iss.equals(d.issuer())) {
      throw secrets.fail(
          server,
          "the redirect names the authorization server "
              + ServerText.shown(iss, secrets::safe)
              + ", not "
              + d.issuer()
              + " (RFC 9207): its code is not used",
          null);
    }
    if (answer.get("error") != null) {
      String description = answer.get("error_description");
      throw secrets.fail(
          server,
          "the authorization server refused: "
              + ServerText.shown(answer.get("error"), secrets::safe)
              + (description == null
                  ? ""
                  : " (" + ServerText.shown(description, secrets::safe) + ")"),
          null);
    }
    if (code == null) {
      throw secrets.fail(server, "the redirect carries no code", null);
    }
    Map<String, String> form = new LinkedHashMap<>();
    form.put("grant_type", "authorization_code");
    form.put("code", code);
    form.put("redirect_uri", redirect);
    form.put("code_verifier", verifier);
    return tokens.token(server, as, d.resource(), client, form, List.copyOf(scopes));
  }
}
