package io.github.kimisdk.mcp;

import io.github.kimisdk.json.Json;
import io.github.kimisdk.json.JsonArray;
import io.github.kimisdk.json.JsonBoolean;
import io.github.kimisdk.json.JsonException;
import io.github.kimisdk.json.JsonNumber;
import io.github.kimisdk.json.JsonObject;
import io.github.kimisdk.json.JsonString;
import io.github.kimisdk.json.JsonValue;
import java.io.IOException;
import java.lang.System.Logger.Level;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.URLDecoder;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.Signature;
import java.security.interfaces.ECPrivateKey;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Flow;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;

/**
 * OAuth for one HTTP MCP server, as the MCP specification's authorization section describes: the
 * token on every request, and on a 401 or 403 the discovery, registration, grant and checks that
 * {@link McpAuthorization} documents. One authorization runs at a time; a request that failed with
 * a grant another thread has replaced meanwhile is simply sent again.
 *
 * <p>Secrets (tokens, client secrets, codes, verifiers, assertions) are held in fields and in the
 * store only: every text that reaches a message passes {@link #safe(String)}, which blanks any of
 * them, and no log line names a value.
 */
final class OAuth implements StreamableHttp.Credentials {

  private static final System.Logger LOG = System.getLogger("io.github.kimisdk.mcp");

  /** The most bytes read of one answer of an authorization server or a metadata document. */
  static final int MAX_BODY = 256 * 1024;

  /** How long before a token expires it is refreshed. */
  private static final Duration REFRESH_EARLY = Duration.ofSeconds(30);

  private static final String PRM = "/.well-known/oauth-protected-resource";
  private static final String AS_META = "/.well-known/oauth-authorization-server";
  private static final String OIDC = "/.well-known/openid-configuration";
  private static final String JWT_BEARER = "urn:ietf:params:oauth:grant-type:jwt-bearer";

  private final McpAuthorization config;
  private final URI mcp;
  private final HttpClient http;
  private final Object lock = new Object();
  private final Set<String> secrets = ConcurrentHashMap.newKeySet();
  private final Map<String, AsMeta> servers = new ConcurrentHashMap<>();
  private final AtomicLong grants = new AtomicLong();
  private final SecureRandom random = new SecureRandom();
  private volatile State state;
  private volatile String firstIssuer; // where a pre-registered client without an issuer was used

  /** The grant in use: its number, what it is for, where it came from, and the credentials. */
  private record State(
      long number,
      String resource,
      String issuer,
      AsMeta as,
      McpCredentials credentials,
      Set<String> requested) {}

  /** What an authorization server's metadata says (or what 2025-03-26 assumes without any). */
  private record AsMeta(
      String issuer,
      URI authorize,
      URI token,
      URI register,
      boolean issParameter,
      boolean pkce,
      List<String> scopes,
      boolean clientIdMetadataDocuments,
      List<String> authMethods,
      List<String> grantTypes) {}

  /** Where the server's discovery led: the resource to ask for and its authorization server. */
  private record Discovery(String resource, String issuer, AsMeta as, List<String> scopes) {}

  OAuth(McpAuthorization config, URI mcp, HttpClient http) {
    this.config = config;
    this.mcp = mcp;
    this.http = http;
    if (config.clientSecret != null) {
      remember(config.clientSecret);
    }
  }

  // ---- on every request ----

  @Override
  public long apply(HttpRequest.Builder request, String httpMethod, URI uri) {
    State s = state;
    if (s == null || s.credentials().accessToken() == null) {
      return 0;
    }
    request.header("Authorization", "Bearer " + s.credentials().accessToken());
    return s.number();
  }

  /** The number of the grant in use; 0 before the first. */
  long grant() {
    State s = state;
    return s == null ? 0 : s.number();
  }

  /** Refreshes a token about to expire, when there is a refresh token; never throws. */
  void refreshIfExpired(String server) {
    State s = state;
    if (s == null
        || s.credentials().refreshToken() == null
        || s.credentials().expiresAt() == null
        || Instant.now().isBefore(s.credentials().expiresAt().minus(REFRESH_EARLY))) {
      return;
    }
    synchronized (lock) {
      if (state != s) {
        return;
      }
      try {
        adopt(
            s.resource(),
            s.issuer(),
            s.as(),
            refresh(server, s.as(), s.resource(), s.credentials()),
            s.requested());
      } catch (McpException e) {
        LOG.log(
            Level.DEBUG,
            () ->
                "refreshing the token for "
                    + server
                    + " failed; the server will say: "
                    + e.getMessage());
      }
    }
  }

  // ---- on a 401 or 403 ----

  /**
   * Obtains a grant that may answer {@code challenge}, or throws {@link
   * McpException.Kind#AUTHORIZATION} saying why it cannot.
   */
  void authorize(McpException.Challenge challenge, String server) {
    synchronized (lock) {
      State s = state;
      if (s != null && s.number() != challenge.grant()) {
        return; // another request already obtained a new grant: send again with it
      }
      Map<String, String> www = parameters(challenge.wwwAuthenticate());
      boolean insufficient =
          challenge.status() == 403 || "insufficient_scope".equals(www.get("error"));
      List<String> challenged = words(www.get("scope"));
      Discovery d = discover(server, www.get("resource_metadata"));
      State same =
          s != null && s.issuer().equals(d.issuer()) && s.resource().equals(d.resource())
              ? s
              : null;
      McpCredentials stored = config.tokenStore.load(d.resource(), d.issuer());
      if (stored != null) {
        rememberAll(stored);
      }
      if (same == null
          && stored != null
          && stored.accessToken() != null
          && !insufficient
          && (s == null || !stored.accessToken().equals(s.credentials().accessToken()))) {
        LOG.log(Level.DEBUG, () -> "using the stored token for " + server);
        adopt(d.resource(), d.issuer(), d.as(), stored, Set.copyOf(stored.scopes()));
        return;
      }
      McpCredentials known = same != null ? same.credentials() : stored;
      if (!insufficient && known != null && known.refreshToken() != null) {
        try {
          adopt(
              d.resource(),
              d.issuer(),
              d.as(),
              refresh(server, d.as(), d.resource(), known),
              same != null ? same.requested() : Set.copyOf(known.scopes()));
          return;
        } catch (McpException e) {
          LOG.log(Level.DEBUG, () -> "the refresh for " + server + " failed; authorizing anew");
        }
      }
      Set<String> previous = same != null ? same.requested() : Set.of();
      Set<String> scopes = new LinkedHashSet<>();
      if (!challenged.isEmpty()) {
        if (insufficient && same != null && same.requested().containsAll(challenged)) {
          // Asked for before: asking again would not change the answer (a retry limit per scope).
          throw fail(
              server,
              "the server refuses with HTTP 403 (insufficient_scope) asking for "
                  + String.join(" ", challenged)
                  + (same.credentials().scopes().containsAll(challenged)
                      ? ", which the token has"
                      : ", which the authorization server did not grant when asked")
                  + "; this account may not do it",
              null);
        }
        scopes.addAll(previous);
        scopes.addAll(challenged);
      } else if (insufficient && same != null) {
        throw fail(
            server,
            "the server refuses with HTTP 403 without naming the scope it needs; this account may"
                + " not do it",
            null);
      } else if (!previous.isEmpty()) {
        scopes.addAll(previous);
      } else {
        scopes.addAll(d.scopes());
      }
      if (config.grant == McpAuthorization.Grant.AUTHORIZATION_CODE
          && d.as().scopes().contains("offline_access")) {
        scopes.add("offline_access"); // a refresh token, where the authorization server offers one
      }
      McpCredentials credentials;
      switch (config.grant) {
        case CLIENT_CREDENTIALS:
          credentials = clientCredentials(server, d, scopes);
          break;
        case JWT_BEARER:
          credentials = jwtBearer(server, d, scopes);
          break;
        default:
          credentials = authorizationCode(server, d, known, scopes);
          break;
      }
      adopt(d.resource(), d.issuer(), d.as(), credentials, Set.copyOf(scopes));
    }
  }

  private void adopt(
      String resource,
      String issuer,
      AsMeta as,
      McpCredentials credentials,
      Set<String> requested) {
    rememberAll(credentials);
    config.tokenStore.save(resource, issuer, credentials);
    state =
        new State(
            grants.incrementAndGet(), resource, issuer, as, credentials, Set.copyOf(requested));
  }

  // ---- discovery ----

  private Discovery discover(String server, String metadataUrl) {
    String origin = mcp.getScheme() + "://" + mcp.getRawAuthority();
    List<URI> candidates = new ArrayList<>();
    if (metadataUrl != null) {
      candidates.add(url(server, metadataUrl, "protected resource metadata URL"));
    } else {
      String path = mcp.getRawPath() == null ? "" : mcp.getRawPath();
      if (!path.isEmpty() && !path.equals("/")) {
        candidates.add(URI.create(origin + PRM + path));
      }
      candidates.add(URI.create(origin + PRM));
    }
    JsonObject prm = null;
    for (URI u : candidates) {
      Answer a = get(server, u, "the protected resource metadata");
      if (a.status() == 200 && a.json() instanceof JsonObject o) {
        prm = o;
        break;
      }
      if (metadataUrl != null) {
        throw fail(
            server,
            "its protected resource metadata at "
                + show(u)
                + " answered HTTP "
                + a.status()
                + (a.json() == null ? " without JSON" : ""),
            null);
      }
    }
    if (prm == null) {
      // 2025-03-26: no protected resource metadata; the server is its own authorization server.
      String resource = origin + (mcp.getRawPath() == null ? "" : mcp.getRawPath());
      AsMeta as = metadata(server, origin, false);
      if (as == null) {
        as =
            new AsMeta(
                origin,
                URI.create(origin + "/authorize"),
                URI.create(origin + "/token"),
                URI.create(origin + "/register"),
                false,
                true,
                List.of(),
                false,
                List.of(),
                List.of());
      }
      return new Discovery(resource, origin, as, List.of());
    }
    String resource = McpTools.string(prm, "resource");
    if (resource == null) {
      throw fail(server, "its protected resource metadata names no resource", null);
    }
    if (!covers(resource)) {
      throw fail(
          server,
          "its protected resource metadata names the resource "
              + safe(McpTools.cut(resource))
              + ", not this server ("
              + show(mcp)
              + "): no token is asked for it",
          null);
    }
    List<String> named = strings(prm.get("authorization_servers"));
    if (named.isEmpty()) {
      throw fail(server, "its protected resource metadata names no authorization server", null);
    }
    String issuer =
        config.issuer != null && named.contains(config.issuer) ? config.issuer : named.get(0);
    return new Discovery(
        resource, issuer, metadata(server, issuer, true), strings(prm.get("scopes_supported")));
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
  private AsMeta metadata(String server, String issuer, boolean required) {
    AsMeta known = servers.get(issuer);
    if (known != null) {
      return known;
    }
    URI base = url(server, issuer, "authorization server");
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
      Answer a = get(server, u, "the authorization server's metadata");
      if (a.status() != 200 || !(a.json() instanceof JsonObject o)) {
        continue;
      }
      String said = McpTools.string(o, "issuer");
      if (!issuer.equals(said)) {
        // RFC 8414 3.3: a document for another issuer is not used, not even its endpoints.
        mismatch = show(u) + " names the issuer " + safe(McpTools.cut(String.valueOf(said)));
        LOG.log(
            Level.WARNING,
            "MCP server " + server + ": " + mismatch + ", not " + issuer + "; not used");
        continue;
      }
      List<String> pkce = strings(o.get("code_challenge_methods_supported"));
      AsMeta m =
          new AsMeta(
              issuer,
              optionalUrl(
                  server, McpTools.string(o, "authorization_endpoint"), "authorization endpoint"),
              optionalUrl(server, McpTools.string(o, "token_endpoint"), "token endpoint"),
              optionalUrl(
                  server, McpTools.string(o, "registration_endpoint"), "registration endpoint"),
              o.get("authorization_response_iss_parameter_supported") instanceof JsonBoolean b
                  && b.value(),
              pkce.contains("S256"),
              strings(o.get("scopes_supported")),
              o.get("client_id_metadata_document_supported") instanceof JsonBoolean c && c.value(),
              strings(o.get("token_endpoint_auth_methods_supported")),
              strings(o.get("grant_types_supported")));
      if (m.token() == null) {
        throw fail(server, "the authorization server " + issuer + " names no token endpoint", null);
      }
      servers.put(issuer, m);
      return m;
    }
    if (!required) {
      return null;
    }
    throw fail(
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
                + show(candidates.get(0))
                + " or the other well-known URLs",
        null);
  }

  // ---- grants ----

  private McpCredentials clientCredentials(String server, Discovery d, Set<String> scopes) {
    // The secret or the signed assertion belongs to one authorization server: the one issuer(...)
    // names, else the first one it was used at; another one is not sent them.
    String bound = config.issuer != null ? config.issuer : firstIssuer;
    if (bound != null && !bound.equals(d.issuer())) {
      throw fail(
          server,
          "the server's authorization server is "
              + d.issuer()
              + ", not "
              + bound
              + ", which the client's credentials belong to: they are not sent to it",
          null);
    }
    firstIssuer = d.issuer();
    Map<String, String> form = new LinkedHashMap<>();
    form.put("grant_type", "client_credentials");
    if (!scopes.isEmpty()) {
      form.put("scope", String.join(" ", scopes));
    }
    String method = config.signingKey != null ? "private_key_jwt" : secretMethod(d.as(), true);
    McpCredentials client =
        new McpCredentials(
            config.clientId, config.clientSecret, method, null, null, null, List.of());
    return token(server, d.as(), d.resource(), client, form, List.copyOf(scopes));
  }

  /**
   * The JWT bearer grant (RFC 7523 2.1) with the assertion the workload's platform issued for this
   * authorization server (workload identity federation), sent once: a refusal fails the call. The
   * assertion is asked for only once the authorization server is known to be the one {@code
   * issuer(...)} names (when set) and to offer the grant, and is blanked in every message after.
   */
  private McpCredentials jwtBearer(String server, Discovery d, Set<String> scopes) {
    if (config.issuer != null && !config.issuer.equals(d.issuer())) {
      throw fail(
          server,
          "the server's authorization server is "
              + d.issuer()
              + ", not "
              + config.issuer
              + ", which the workload's assertion is for: no assertion is sent to it",
          null);
    }
    offers(server, d.as(), JWT_BEARER, "the JWT bearer grant");
    String assertion;
    try {
      assertion = config.assertion.apply(d.issuer());
    } catch (RuntimeException e) {
      throw fail(
          server,
          "the assertion for the authorization server "
              + d.issuer()
              + " could not be had ("
              + e.getClass().getName()
              + ")",
          e);
    }
    if (assertion == null || assertion.isBlank()) {
      throw fail(server, "no assertion was given for the authorization server " + d.issuer(), null);
    }
    assertion = assertion.strip(); // as read from a file, say
    remember(assertion);
    Map<String, String> form = new LinkedHashMap<>();
    form.put("grant_type", JWT_BEARER);
    form.put("assertion", assertion);
    if (!scopes.isEmpty()) {
      form.put("scope", String.join(" ", scopes));
    }
    McpCredentials client =
        new McpCredentials(config.clientId, null, "none", null, null, null, List.of());
    return token(server, d.as(), d.resource(), client, form, List.copyOf(scopes));
  }

  /**
   * Fails, before anything is sent, when the metadata lists the grants the authorization server
   * offers and {@code grantType} is not among them.
   */
  private void offers(String server, AsMeta as, String grantType, String what) {
    if (!as.grantTypes().isEmpty() && !as.grantTypes().contains(grantType)) {
      throw fail(
          server,
          "the authorization server "
              + as.issuer()
              + " does not offer "
              + what
              + " (its grant_types_supported: "
              + safe(McpTools.cut(String.join(" ", as.grantTypes())))
              + ")",
          null);
    }
  }

  private McpCredentials authorizationCode(
      String server, Discovery d, McpCredentials known, Set<String> scopes) {
    AsMeta as = d.as();
    if (as.authorize() == null) {
      throw fail(
          server,
          "the authorization server " + d.issuer() + " names no authorization endpoint",
          null);
    }
    if (!as.pkce()) {
      throw fail(
          server,
          "the authorization server "
              + d.issuer()
              + " does not say it supports PKCE with S256 (code_challenge_methods_supported):"
              + " the client does not authorize without it",
          null);
    }
    String redirect = config.userAgent.redirectUri();
    McpCredentials client = client(server, d, known, redirect);
    String verifier = randomText(32);
    String state = randomText(16);
    remember(verifier);
    String challenge = base64Url(sha256(verifier.getBytes(StandardCharsets.US_ASCII)));
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
    URI url = URI.create(base + (base.contains("?") ? "&" : "?") + form(q));
    LOG.log(
        Level.DEBUG,
        () -> "MCP server " + server + ": asking the person to approve at " + d.issuer());
    URI back;
    try {
      back = config.userAgent.authorize(url, config.userTimeout);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new McpException(
          server, McpException.Kind.CLOSED, "interrupted while the person was approving", null);
    } catch (RuntimeException e) {
      throw fail(
          server,
          "the person's approval did not complete: "
              + safe(McpTools.cut(String.valueOf(e.getMessage()))),
          null);
    }
    if (back == null) {
      throw fail(server, "the person's approval did not complete (no redirect)", null);
    }
    Map<String, String> answer = query(back.getRawQuery());
    String code = answer.get("code");
    if (code != null) {
      remember(code);
    }
    if (!state.equals(answer.get("state"))) {
      throw fail(
          server,
          "the redirect carries another state than the one sent: its code is not used",
          null);
    }
    String iss = answer.get("iss");
    if (iss == null && as.issParameter()) {
      throw fail(
          server,
          "the redirect does not name its authorization server (iss), though "
              + d.issuer()
              + " says it does (RFC 9207): its code is not used",
          null);
    }
    if (iss != null && !iss.equals(d.issuer())) {
      throw fail(
          server,
          "the redirect names the authorization server "
              + safe(McpTools.cut(iss))
              + ", not "
              + d.issuer()
              + " (RFC 9207): its code is not used",
          null);
    }
    if (answer.get("error") != null) {
      String description = answer.get("error_description");
      throw fail(
          server,
          "the authorization server refused: "
              + safe(McpTools.cut(answer.get("error")))
              + (description == null ? "" : " (" + safe(McpTools.cut(description)) + ")"),
          null);
    }
    if (code == null) {
      throw fail(server, "the redirect carries no code", null);
    }
    Map<String, String> form = new LinkedHashMap<>();
    form.put("grant_type", "authorization_code");
    form.put("code", code);
    form.put("redirect_uri", redirect);
    form.put("code_verifier", verifier);
    return token(server, as, d.resource(), client, form, List.copyOf(scopes));
  }

  /** Who the client is at this authorization server: pre-registered, known, a document, or new. */
  private McpCredentials client(String server, Discovery d, McpCredentials known, String redirect) {
    AsMeta as = d.as();
    if (config.clientId != null) {
      String bound = config.issuer != null ? config.issuer : firstIssuer;
      if (bound != null && !bound.equals(d.issuer())) {
        throw fail(
            server,
            "the server's authorization server is now "
                + d.issuer()
                + ", not "
                + bound
                + ", which the pre-registered client belongs to: register the client there",
            null);
      }
      firstIssuer = d.issuer();
      return new McpCredentials(
          config.clientId,
          config.clientSecret,
          config.clientSecret == null ? "none" : secretMethod(as, false),
          null,
          null,
          null,
          List.of());
    }
    if (known != null) {
      return known.withTokens(null, null, null, List.of());
    }
    if (config.clientMetadataDocument != null && as.clientIdMetadataDocuments()) {
      return new McpCredentials(
          config.clientMetadataDocument, null, "none", null, null, null, List.of());
    }
    if (config.dynamicRegistration && as.register() != null) {
      return register(server, as, redirect);
    }
    throw fail(
        server,
        "the authorization server "
            + d.issuer()
            + " offers no way to identify this client"
            + (as.register() == null
                ? " (no dynamic registration"
                : " (dynamic registration is off")
            + (config.clientMetadataDocument == null ? "" : ", no client ID metadata documents")
            + "): set a client id registered there with McpAuthorization.Builder.client(...)",
        null);
  }

  /** Dynamic client registration (RFC 7591). */
  private McpCredentials register(String server, AsMeta as, String redirect) {
    String method =
        as.authMethods().contains("none")
            ? "none"
            : as.authMethods().isEmpty() || as.authMethods().contains("client_secret_basic")
                ? "client_secret_basic"
                : as.authMethods().contains("client_secret_post") ? "client_secret_post" : "none";
    JsonObject body =
        JsonObject.builder()
            .put("client_name", config.clientName)
            .put("redirect_uris", JsonArray.of(JsonString.of(redirect)))
            .put(
                "grant_types",
                JsonArray.of(JsonString.of("authorization_code"), JsonString.of("refresh_token")))
            .put("response_types", JsonArray.of(JsonString.of("code")))
            .put("token_endpoint_auth_method", method)
            .put("application_type", nativeRedirect(redirect) ? "native" : "web")
            .build();
    Answer a =
        send(
            server,
            HttpRequest.newBuilder(as.register())
                .header("Content-Type", "application/json")
                .header("Accept", "application/json")
                .POST(HttpRequest.BodyPublishers.ofByteArray(Json.writeBytes(body))),
            "the registration endpoint");
    if (a.status() / 100 != 2 || !(a.json() instanceof JsonObject o)) {
      throw fail(
          server, "the authorization server refused to register the client: " + refusal(a), null);
    }
    String id = McpTools.string(o, "client_id");
    if (id == null || id.isEmpty()) {
      throw fail(
          server, "the authorization server registered the client without a client_id", null);
    }
    String secret = McpTools.string(o, "client_secret");
    if (secret != null) {
      remember(secret);
    }
    String given = McpTools.string(o, "token_endpoint_auth_method");
    String chosen = given != null ? given : secret != null ? secretMethod(as, false) : "none";
    LOG.log(Level.DEBUG, () -> "MCP server " + server + ": registered with " + as.issuer());
    return new McpCredentials(id, secret, chosen, null, null, null, List.of());
  }

  private static boolean nativeRedirect(String redirect) {
    URI u = URI.create(redirect);
    String scheme = u.getScheme() == null ? "" : u.getScheme().toLowerCase(Locale.ROOT);
    if (!scheme.equals("http") && !scheme.equals("https")) {
      return true; // a custom scheme: an app on the device
    }
    String h = u.getHost() == null ? "" : u.getHost().toLowerCase(Locale.ROOT);
    return h.equals("localhost") || h.startsWith("127.") || h.equals("[::1]") || h.equals("::1");
  }

  /** How to send a client secret: as the server's metadata prefers, HTTP Basic by default. */
  private static String secretMethod(AsMeta as, boolean clientCredentials) {
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

  private McpCredentials refresh(String server, AsMeta as, String resource, McpCredentials known) {
    Map<String, String> form = new LinkedHashMap<>();
    form.put("grant_type", "refresh_token");
    form.put("refresh_token", known.refreshToken());
    McpCredentials fresh = token(server, as, resource, known, form, known.scopes());
    // An answer without a new refresh token leaves the old one in use (RFC 6749 6).
    return fresh.refreshToken() != null
        ? fresh
        : fresh.withTokens(
            fresh.accessToken(), known.refreshToken(), fresh.expiresAt(), fresh.scopes());
  }

  /** A token request: the form, the resource, the client's authentication; the answer read. */
  private McpCredentials token(
      String server,
      AsMeta as,
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
        String pair = encode(client.clientId()) + ":" + encode(client.clientSecret());
        b.header(
            "Authorization",
            "Basic " + Base64.getEncoder().encodeToString(pair.getBytes(StandardCharsets.UTF_8)));
        break;
      case "client_secret_post":
        f.put("client_id", client.clientId());
        if (client.clientSecret() != null) {
          f.put("client_secret", client.clientSecret());
        }
        break;
      case "private_key_jwt":
        if (config.signingKey == null) {
          throw fail(server, "the client is to sign an assertion, but no signing key is set", null);
        }
        f.put("client_id", client.clientId());
        f.put("client_assertion_type", "urn:ietf:params:oauth:client-assertion-type:jwt-bearer");
        String assertion = assertion(server, client.clientId(), as.issuer());
        remember(assertion);
        f.put("client_assertion", assertion);
        break;
      default:
        f.put("client_id", client.clientId());
        break;
    }
    Answer a =
        send(
            server,
            b.POST(HttpRequest.BodyPublishers.ofString(form(f), StandardCharsets.UTF_8)),
            "the token endpoint");
    if (a.status() != 200 || !(a.json() instanceof JsonObject o)) {
      throw fail(server, "the authorization server refused the token request: " + refusal(a), null);
    }
    String access = McpTools.string(o, "access_token");
    if (access == null || access.isEmpty()) {
      throw fail(
          server,
          "the authorization server answered the token request without an access_token",
          null);
    }
    remember(access);
    String type = McpTools.string(o, "token_type");
    if (type != null && !type.equalsIgnoreCase("bearer")) {
      throw fail(
          server,
          "the authorization server issued a token of type "
              + safe(McpTools.cut(type))
              + ", which this client does not send (it sends Bearer tokens)",
          null);
    }
    String refresh = McpTools.string(o, "refresh_token");
    if (refresh != null) {
      remember(refresh);
    }
    Instant expires =
        o.get("expires_in") instanceof JsonNumber n && n.doubleValue() > 0
            ? Instant.now().plusSeconds((long) Math.min(n.doubleValue(), 10L * 365 * 86400))
            : null;
    String granted = McpTools.string(o, "scope");
    return client.withTokens(
        access, refresh, expires, granted != null ? words(granted) : requested);
  }

  /** A {@code private_key_jwt} client assertion (RFC 7523), valid for a minute. */
  private String assertion(String server, String clientId, String audience) {
    PrivateKey key = config.signingKey;
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
        base64Url(Json.writeBytes(header)) + "." + base64Url(Json.writeBytes(claims));
    try {
      Signature s = Signature.getInstance(jca);
      s.initSign(key);
      s.update(signingInput.getBytes(StandardCharsets.US_ASCII));
      return signingInput + "." + base64Url(s.sign());
    } catch (GeneralSecurityException | RuntimeException e) {
      throw fail(
          server,
          "cannot sign the client assertion with the key given ("
              + e.getClass().getSimpleName()
              + ")",
          null);
    }
  }

  // ---- HTTP with an authorization server: bounded in time and size ----

  /** An answer: its status and JSON body (null when not JSON), and its text for messages. */
  private record Answer(int status, JsonValue json, String text) {}

  private Answer get(String server, URI url, String what) {
    return send(
        server, HttpRequest.newBuilder(url).header("Accept", "application/json").GET(), what);
  }

  private Answer send(String server, HttpRequest.Builder request, String what) {
    Duration timeout = config.timeout;
    HttpRequest r = request.timeout(timeout).build();
    CompletableFuture<HttpResponse<byte[]>> f = http.sendAsync(r, info -> new Bounded(MAX_BODY));
    HttpResponse<byte[]> response;
    try {
      response = f.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
    } catch (TimeoutException e) {
      f.cancel(true);
      throw fail(
          server,
          what + " at " + show(r.uri()) + " did not answer within " + Rpc.human(timeout),
          null);
    } catch (InterruptedException e) {
      f.cancel(true);
      Thread.currentThread().interrupt();
      throw new McpException(
          server, McpException.Kind.CLOSED, "interrupted while authorizing", null);
    } catch (ExecutionException e) {
      Throwable c = e.getCause();
      if (c instanceof TooLarge) {
        throw fail(
            server,
            what + " at " + show(r.uri()) + " answered with more than " + MAX_BODY + " bytes",
            null);
      }
      throw fail(
          server,
          "cannot reach "
              + what
              + " at "
              + show(r.uri())
              + " ("
              + (c == null ? "unknown" : c.getClass().getSimpleName())
              + ")",
          c instanceof IOException ? c : null);
    }
    byte[] body = response.body();
    JsonValue json = null;
    try {
      if (body.length > 0) {
        json = Json.parse(body);
      }
    } catch (JsonException e) {
      json = null;
    }
    String text = new String(body, 0, Math.min(body.length, 600), StandardCharsets.UTF_8).strip();
    return new Answer(response.statusCode(), json, text);
  }

  /** What an authorization server said when it refused: its OAuth error, else its status. */
  private String refusal(Answer a) {
    if (a.json() instanceof JsonObject o && McpTools.string(o, "error") != null) {
      String d = McpTools.string(o, "error_description");
      return "HTTP "
          + a.status()
          + ", "
          + safe(cut(McpTools.string(o, "error")))
          + (d == null ? "" : " (" + safe(cut(d)) + ")");
    }
    return "HTTP " + a.status() + (a.text().isEmpty() ? "" : ": " + safe(cut(a.text())));
  }

  private static String cut(String s) {
    return s.length() <= 300 ? s : s.substring(0, 300) + "...";
  }

  private static final class TooLarge extends IOException {
    private static final long serialVersionUID = 1L;

    TooLarge() {
      super("too large");
    }
  }

  /** Collects a body of at most {@code limit} bytes. */
  private static final class Bounded implements HttpResponse.BodySubscriber<byte[]> {
    private final int limit;
    private final CompletableFuture<byte[]> done = new CompletableFuture<>();
    private byte[] bytes = new byte[1024];
    private int len;
    private Flow.Subscription subscription;

    Bounded(int limit) {
      this.limit = limit;
    }

    @Override
    public void onSubscribe(Flow.Subscription s) {
      subscription = s;
      s.request(Long.MAX_VALUE);
    }

    @Override
    public void onNext(List<ByteBuffer> items) {
      for (ByteBuffer b : items) {
        int n = b.remaining();
        if (len + n > limit) {
          subscription.cancel();
          done.completeExceptionally(new TooLarge());
          return;
        }
        if (len + n > bytes.length) {
          bytes = Arrays.copyOf(bytes, Math.min(limit, Math.max(len + n, bytes.length * 2)));
        }
        b.get(bytes, len, n);
        len += n;
      }
    }

    @Override
    public void onError(Throwable t) {
      done.completeExceptionally(t);
    }

    @Override
    public void onComplete() {
      done.complete(Arrays.copyOf(bytes, len));
    }

    @Override
    public CompletionStage<byte[]> getBody() {
      return done;
    }
  }

  // ---- texts ----

  private McpException fail(String server, String detail, Throwable cause) {
    return new McpException(server, McpException.Kind.AUTHORIZATION, safe(detail), cause);
  }

  private URI url(String server, String url, String what) {
    URI u;
    try {
      u = new URI(url);
    } catch (URISyntaxException e) {
      throw fail(server, "the " + what + " is not a URL: " + safe(McpTools.cut(url)), null);
    }
    String scheme = u.getScheme() == null ? "" : u.getScheme().toLowerCase(Locale.ROOT);
    String host = u.getHost() == null ? "" : u.getHost().toLowerCase(Locale.ROOT);
    boolean loopback =
        host.equals("localhost")
            || host.startsWith("127.")
            || host.equals("[::1]")
            || host.equals("::1");
    if (u.getHost() == null
        || u.getRawFragment() != null
        || !(scheme.equals("https") || (scheme.equals("http") && loopback))) {
      throw fail(
          server,
          "the "
              + what
              + " must be an https URL (plain http only on loopback), without a fragment: "
              + safe(McpTools.cut(url)),
          null);
    }
    return u;
  }

  private URI optionalUrl(String server, String url, String what) {
    return url == null ? null : url(server, url, what);
  }

  /** A URL as shown in messages: without its query, which may carry request parameters. */
  private static String show(URI u) {
    return u.getScheme()
        + "://"
        + u.getRawAuthority()
        + (u.getRawPath() == null ? "" : u.getRawPath());
  }

  private void remember(String secret) {
    if (secret != null && secret.length() >= 4 && secrets.size() < 1024) {
      secrets.add(secret);
    }
  }

  private void rememberAll(McpCredentials c) {
    remember(c.clientSecret());
    remember(c.accessToken());
    remember(c.refreshToken());
  }

  @Override
  public String redact(String text) {
    return safe(text);
  }

  /** Blanks every secret this authorization has seen in {@code text}. */
  String safe(String text) {
    String s = text;
    for (String secret : secrets) {
      if (s.contains(secret)) {
        s = s.replace(secret, "[redacted]");
      }
    }
    return s;
  }

  /**
   * The parameters of the first {@code Bearer} (else {@code DPoP}) challenge of {@code
   * WWW-Authenticate} values (RFC 9110 11.6.1): names lower-cased, quoted values unquoted.
   */
  static Map<String, String> parameters(List<String> values) {
    Map<String, String> bearer = null;
    Map<String, String> other = null;
    for (String v : values) {
      String scheme = null;
      Map<String, String> params = null;
      int i = 0;
      int n = v.length();
      while (i < n) {
        while (i < n && (v.charAt(i) == ' ' || v.charAt(i) == ',' || v.charAt(i) == '\t')) {
          i++;
        }
        int start = i;
        while (i < n && tchar(v.charAt(i))) {
          i++;
        }
        if (start == i) {
          i++; // a stray character: skipped
          continue;
        }
        String token = v.substring(start, i);
        int j = i;
        while (j < n && (v.charAt(j) == ' ' || v.charAt(j) == '\t')) {
          j++;
        }
        if (j < n
            && v.charAt(j) == '='
            && params != null
            && (j + 1 >= n || v.charAt(j + 1) != '=')) {
          // name = value
          j++;
          while (j < n && (v.charAt(j) == ' ' || v.charAt(j) == '\t')) {
            j++;
          }
          StringBuilder value = new StringBuilder();
          if (j < n && v.charAt(j) == '"') {
            j++;
            while (j < n && v.charAt(j) != '"') {
              if (v.charAt(j) == '\\' && j + 1 < n) {
                j++;
              }
              value.append(v.charAt(j++));
            }
            j++;
          } else {
            while (j < n && v.charAt(j) != ',' && v.charAt(j) != ' ') {
              value.append(v.charAt(j++));
            }
          }
          params.putIfAbsent(token.toLowerCase(Locale.ROOT), value.toString());
          i = j;
        } else if (j < n && v.charAt(j) == '=' && params != null) {
          // a token68 (base64 with padding): not a parameter
          while (j < n && v.charAt(j) != ',') {
            j++;
          }
          i = j;
        } else {
          // a new challenge's scheme
          scheme = token.toLowerCase(Locale.ROOT);
          params = new LinkedHashMap<>();
          if (scheme.equals("bearer") && bearer == null) {
            bearer = params;
          } else if (scheme.equals("dpop") && other == null) {
            other = params;
          }
          i = j;
        }
      }
    }
    return bearer != null ? bearer : other != null ? other : Map.of();
  }

  private static boolean tchar(char c) {
    return (c >= 'a' && c <= 'z')
        || (c >= 'A' && c <= 'Z')
        || (c >= '0' && c <= '9')
        || "!#$%&'*+-.^_`|~".indexOf(c) >= 0;
  }

  private static List<String> words(String s) {
    List<String> out = new ArrayList<>();
    if (s != null) {
      for (String w : s.trim().split("\\s+")) {
        if (!w.isEmpty() && out.size() < 256) {
          out.add(w);
        }
      }
    }
    return out;
  }

  private static List<String> strings(JsonValue v) {
    List<String> out = new ArrayList<>();
    if (v instanceof JsonArray a) {
      for (JsonValue e : a.values()) {
        if (e instanceof JsonString s && out.size() < 256) {
          out.add(s.value());
        }
      }
    }
    return List.copyOf(out);
  }

  private static Map<String, String> query(String raw) {
    Map<String, String> out = new LinkedHashMap<>();
    if (raw == null) {
      return out;
    }
    for (String pair : raw.split("&", 64)) {
      int eq = pair.indexOf('=');
      String k = eq < 0 ? pair : pair.substring(0, eq);
      String v = eq < 0 ? "" : pair.substring(eq + 1);
      try {
        out.putIfAbsent(
            URLDecoder.decode(k, StandardCharsets.UTF_8),
            URLDecoder.decode(v, StandardCharsets.UTF_8));
      } catch (IllegalArgumentException e) {
        // a malformed escape: the parameter is left out
      }
    }
    return out;
  }

  private static String form(Map<String, String> fields) {
    StringBuilder s = new StringBuilder();
    for (Map.Entry<String, String> e : fields.entrySet()) {
      if (s.length() > 0) {
        s.append('&');
      }
      s.append(encode(e.getKey())).append('=').append(encode(e.getValue()));
    }
    return s.toString();
  }

  private static String encode(String s) {
    return URLEncoder.encode(s, StandardCharsets.UTF_8);
  }

  private String randomText(int bytes) {
    byte[] b = new byte[bytes];
    random.nextBytes(b);
    return base64Url(b);
  }

  static String base64Url(byte[] b) {
    return Base64.getUrlEncoder().withoutPadding().encodeToString(b);
  }

  static byte[] sha256(byte[] b) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(b);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("SHA-256 is part of every JDK", e);
    }
  }

  @Override
  public String toString() {
    State s = state;
    return "OAuth["
        + config
        + (s == null ? "" : ", grant " + s.number() + " from " + s.issuer())
        + "]";
  }
}
