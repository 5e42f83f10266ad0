package io.github.kimisdk.mcp;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.github.kimisdk.json.Json;
import io.github.kimisdk.json.JsonArray;
import io.github.kimisdk.json.JsonObject;
import io.github.kimisdk.json.JsonString;
import io.github.kimisdk.json.JsonValue;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.PublicKey;
import java.security.Signature;
import java.util.Arrays;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArraySet;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * An OAuth 2.1 authorization server on loopback for tests, written against the RFCs the MCP
 * authorization spec names: metadata (RFC 8414) at the well-known URL, dynamic registration (RFC
 * 7591), an authorization endpoint that approves at once (a 302 to the redirect URI with {@code
 * code}, {@code state} and {@code iss}), and a token endpoint for the authorization-code (with PKCE
 * S256 checked), refresh, client-credentials (client secret by Basic or form, or a signed
 * assertion) and JWT bearer grants. Every secret it issues or receives is kept in {@link #secrets},
 * for tests that search logs and messages for them.
 *
 * <p>Options: {@code no-dcr}, {@code cimd} (client ID metadata documents supported), {@code
 * expires=N} (tokens live N seconds), {@code refresh} (issue refresh tokens), {@code no-iss}
 * (redirects without {@code iss}, metadata silent about it), {@code wrong-iss}, {@code
 * wrong-metadata-issuer}, {@code deny=a+b} (scopes never granted), {@code person} (the
 * authorization endpoint answers with a page, not a redirect), {@code methods=a+b} (token endpoint
 * auth methods), {@code scopes=a+b}, {@code grants=a+b} (grant types, listed in the metadata),
 * {@code redirect-uris=u} (a registration answered with these redirect URIs instead of those asked
 * for), {@code token-crlf} (access tokens with CR LF and a header after them).
 *
 * <p>The JWT bearer grant (RFC 7523) accepts the assertions of {@link #trustedAssertions} and
 * refuses any other, naming it in the refusal (as a careless server might).
 *
 * <p>DPoP (RFC 9449): with {@code dpop} the metadata lists ES256 ({@code dpop-algs=a+b} lists
 * others) and a token request with a valid proof gets a token of type {@code DPoP} bound to the
 * proof's key ({@link #boundKey}), its refresh token too (a refresh must prove the same key); with
 * {@code dpop-nonce} a proof without the nonce {@value #NONCE} is answered {@code use_dpop_nonce};
 * with {@code dpop-refuse} every proof is refused, quoted in the refusal.
 */
final class TestAuthorizationServer implements AutoCloseable {

  final WatchedLog requests = new WatchedLog();
  final Set<String> secrets = new CopyOnWriteArraySet<>();
  final Set<String> trustedAssertions = new CopyOnWriteArraySet<>();
  private final Set<String> options;
  private final HttpServer http;
  private final ExecutorService pool;
  private final AtomicInteger counter = new AtomicInteger();
  private final Map<String, String> challenges = new ConcurrentHashMap<>(); // code -> challenge
  private final Map<String, String> codeScopes = new ConcurrentHashMap<>();
  private final Map<String, String> clients = new ConcurrentHashMap<>(); // id -> secret
  private final Map<String, Set<String>> tokens = new ConcurrentHashMap<>(); // token -> scopes
  private final Map<String, Set<String>> refreshTokens = new ConcurrentHashMap<>();
  volatile int status; // when set, every request is answered with it (a server in trouble)
  volatile PublicKey assertionKey; // verifies private_key_jwt assertions
  static final String NONCE = "as-nonce-1";
  final DpopProofs proofs = new DpopProofs();
  private final Map<String, String> boundTokens = new ConcurrentHashMap<>(); // token -> jkt

  private TestAuthorizationServer(Set<String> options) throws IOException {
    this.options = options;
    this.http = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    this.pool =
        Executors.newCachedThreadPool(
            r -> {
              Thread t = new Thread(r, "oauth-test");
              t.setDaemon(true);
              return t;
            });
    http.setExecutor(pool);
    http.createContext("/", this::handle);
    http.start();
  }

  static TestAuthorizationServer start(String... options) throws IOException {
    return new TestAuthorizationServer(Set.of(options));
  }

  String issuer() {
    return "http://127.0.0.1:" + http.getAddress().getPort();
  }

  /** Registers a client beforehand (pre-registration). */
  void preRegister(String clientId, String secret) {
    clients.put(clientId, secret == null ? "" : secret);
    if (secret != null) {
      secrets.add(secret);
    }
  }

  /** Whether {@code token} is one this server issued and has not revoked, with every scope. */
  boolean valid(String token, Set<String> scopes) {
    Set<String> granted = tokens.get(token);
    return granted != null && granted.containsAll(scopes);
  }

  /** The thumbprint of the key {@code token} (access or refresh) is bound to; null for none. */
  String boundKey(String token) {
    return token == null ? null : boundTokens.get(token);
  }

  /** Forgets every access token, as an expiry or a restart would. */
  void revokeAccessTokens() {
    tokens.clear();
  }

  @Override
  public void close() {
    http.stop(0);
    pool.shutdownNow();
  }

  private String option(String prefix) {
    for (String o : options) {
      if (o.startsWith(prefix)) {
        return o.substring(prefix.length());
      }
    }
    return null;
  }

  private String next(String prefix) {
    String s = prefix + "-" + counter.incrementAndGet() + "-" + Long.toHexString(System.nanoTime());
    secrets.add(s);
    return s;
  }

  private void handle(HttpExchange ex) throws IOException {
    try (ex) {
      if (status != 0) {
        requests.add(ex.getRequestMethod() + " " + ex.getRequestURI().getPath() + " refused");
        reply(ex, status, "{\"error\":\"temporarily_unavailable\"}");
        return;
      }
      String path = ex.getRequestURI().getPath();
      switch (path) {
        case "/.well-known/oauth-authorization-server":
          requests.add("GET metadata");
          reply(ex, 200, Json.write(metadata()));
          return;
        case "/register":
          register(ex);
          return;
        case "/authorize":
          authorize(ex);
          return;
        case "/token":
          token(ex);
          return;
        default:
          requests.add(ex.getRequestMethod() + " " + path + " 404");
          reply(ex, 404, "{\"error\":\"not_found\"}");
      }
    }
  }

  private JsonObject metadata() {
    JsonObject.Builder m =
        JsonObject.builder()
            .put(
                "issuer",
                options.contains("wrong-metadata-issuer") ? "https://evil.example" : issuer())
            .put("authorization_endpoint", issuer() + "/authorize")
            .put("token_endpoint", issuer() + "/token")
            .put("response_types_supported", JsonArray.of(JsonString.of("code")))
            .put("code_challenge_methods_supported", JsonArray.of(JsonString.of("S256")));
    if (!options.contains("no-dcr")) {
      m.put("registration_endpoint", issuer() + "/register");
    }
    if (!options.contains("no-iss")) {
      m.put("authorization_response_iss_parameter_supported", true);
    }
    if (options.contains("cimd")) {
      m.put("client_id_metadata_document_supported", true);
    }
    if (options.contains("dpop")) {
      String algs = option("dpop-algs=");
      m.put("dpop_signing_alg_values_supported", strings(algs == null ? "ES256" : algs));
    }
    String methods = option("methods=");
    m.put(
        "token_endpoint_auth_methods_supported",
        strings(methods == null ? "none+client_secret_basic+client_secret_post" : methods));
    String scopes = option("scopes=");
    if (scopes != null) {
      m.put("scopes_supported", strings(scopes));
    }
    String grants = option("grants=");
    if (grants != null) {
      m.put("grant_types_supported", strings(grants));
    }
    return m.build();
  }

  private static JsonArray strings(String plusSeparated) {
    return JsonArray.of(
        Arrays.stream(plusSeparated.split("\\+"))
            .map(JsonString::of)
            .map(s -> (JsonValue) s)
            .toList());
  }

  private void register(HttpExchange ex) throws IOException {
    JsonObject body = Json.parse(ex.getRequestBody().readAllBytes()).asObject();
    requests.add(
        "POST register application_type="
            + body.get("application_type")
            + " grant_types="
            + body.get("grant_types")
            + " method="
            + body.get("token_endpoint_auth_method"));
    String id = "client-" + counter.incrementAndGet();
    String secret = next("client-secret");
    clients.put(id, secret);
    reply(
        ex,
        201,
        Json.write(
            JsonObject.builder()
                .put("client_id", id)
                .put("client_secret", secret)
                .put("client_name", body.get("client_name"))
                .put(
                    "redirect_uris",
                    option("redirect-uris=") == null
                        ? body.get("redirect_uris")
                        : strings(option("redirect-uris=")))
                .put("token_endpoint_auth_method", "client_secret_basic")
                .build()));
  }

  private void authorize(HttpExchange ex) throws IOException {
    Map<String, String> q = query(ex.getRequestURI().getRawQuery());
    requests.add(
        "GET authorize client_id="
            + q.get("client_id")
            + " scope="
            + q.get("scope")
            + " resource="
            + q.get("resource")
            + " method="
            + q.get("code_challenge_method"));
    if (options.contains("person")) {
      byte[] page = "<html>Sign in</html>".getBytes(StandardCharsets.UTF_8);
      ex.sendResponseHeaders(200, page.length);
      ex.getResponseBody().write(page);
      return;
    }
    String code = next("code");
    challenges.put(code, q.getOrDefault("code_challenge", ""));
    codeScopes.put(code, q.getOrDefault("scope", ""));
    StringBuilder back = new StringBuilder(q.get("redirect_uri"));
    back.append("?code=").append(code);
    if (q.containsKey("state")) {
      back.append("&state=").append(URLEncoder.encode(q.get("state"), StandardCharsets.UTF_8));
    }
    if (options.contains("wrong-iss")) {
      back.append("&iss=")
          .append(URLEncoder.encode("https://evil.example", StandardCharsets.UTF_8));
    } else if (!options.contains("no-iss")) {
      back.append("&iss=").append(URLEncoder.encode(issuer(), StandardCharsets.UTF_8));
    }
    ex.getResponseHeaders().set("Location", back.toString());
    ex.sendResponseHeaders(302, -1);
  }

  private void token(HttpExchange ex) throws IOException {
    Map<String, String> f =
        query(new String(ex.getRequestBody().readAllBytes(), StandardCharsets.UTF_8));
    String basic = ex.getRequestHeaders().getFirst("Authorization");
    String auth;
    String clientId;
    String secret;
    if (basic != null && basic.startsWith("Basic ")) {
      String[] pair =
          new String(Base64.getDecoder().decode(basic.substring(6)), StandardCharsets.UTF_8)
              .split(":", 2);
      clientId = URLDecoder.decode(pair[0], StandardCharsets.UTF_8);
      secret = URLDecoder.decode(pair[1], StandardCharsets.UTF_8);
      auth = "basic";
    } else if (f.containsKey("client_assertion")) {
      clientId = f.get("client_id");
      secret = null;
      auth = "jwt";
      secrets.add(f.get("client_assertion"));
      if (!assertionValid(f.get("client_assertion"), clientId)) {
        requests.add("POST token refused: bad assertion");
        reply(ex, 401, "{\"error\":\"invalid_client\"}");
        return;
      }
    } else {
      clientId = f.get("client_id");
      secret = f.get("client_secret");
      auth = secret != null ? "post" : "none";
    }
    String grant = f.get("grant_type");
    requests.add(
        "POST token grant="
            + grant
            + " auth="
            + auth
            + " client="
            + clientId
            + " resource="
            + f.get("resource")
            + (f.containsKey("scope") ? " scope=" + f.get("scope") : ""));
    if (f.containsKey("code_verifier")) {
      secrets.add(f.get("code_verifier"));
    }
    String jkt = null;
    String proof = ex.getRequestHeaders().getFirst("DPoP");
    if (proof != null && options.contains("dpop")) {
      secrets.add(proof);
      DpopProofs.Proof p;
      try {
        p = proofs.check(proof, "POST", issuer() + "/token", null);
      } catch (IllegalArgumentException e) {
        reply(ex, 400, "{\"error\":\"invalid_dpop_proof\"}");
        return;
      }
      if (options.contains("dpop-refuse")) { // naming the proof, as a careless server might
        reply(
            ex,
            400,
            Json.write(
                JsonObject.of(
                    "error",
                    JsonString.of("invalid_dpop_proof"),
                    "error_description",
                    JsonString.of("not this one: " + proof))));
        return;
      }
      if (options.contains("dpop-nonce") && !NONCE.equals(p.nonce())) {
        requests.add("POST token use_dpop_nonce");
        ex.getResponseHeaders().set("DPoP-Nonce", NONCE);
        reply(ex, 400, "{\"error\":\"use_dpop_nonce\"}");
        return;
      }
      jkt = p.jkt();
      requests.add("POST token proof nonce=" + p.nonce());
    }
    String known = clients.get(String.valueOf(clientId));
    boolean clientOk =
        clientId != null
            && (clientId.startsWith("https://") // a metadata document: not fetched here
                || (known != null
                    && (auth.equals("jwt") || known.isEmpty() || known.equals(secret))));
    if (!clientOk) {
      reply(
          ex,
          401,
          "{\"error\":\"invalid_client\",\"error_description\":\"unknown client or wrong secret\"}");
      return;
    }
    Set<String> scopes;
    switch (String.valueOf(grant)) {
      case "authorization_code":
        {
          String code = f.get("code");
          String challenge = challenges.remove(String.valueOf(code));
          String verifier = f.getOrDefault("code_verifier", "");
          if (challenge == null || !challenge.equals(s256(verifier))) {
            reply(
                ex,
                400,
                "{\"error\":\"invalid_grant\",\"error_description\":\"PKCE check failed\"}");
            return;
          }
          scopes = words(codeScopes.remove(code));
          String deny = option("deny=");
          if (deny != null) {
            scopes.removeAll(Set.of(deny.split("\\+")));
          }
          break;
        }
      case "refresh_token":
        scopes = refreshTokens.get(String.valueOf(f.get("refresh_token")));
        String refreshKey = boundKey(f.get("refresh_token"));
        if (scopes == null || (refreshKey != null && !refreshKey.equals(jkt))) {
          reply(ex, 400, "{\"error\":\"invalid_grant\"}");
          return;
        }
        break;
      case "client_credentials":
        scopes = words(f.get("scope"));
        break;
      case "urn:ietf:params:oauth:grant-type:jwt-bearer":
        {
          String assertion = f.get("assertion");
          if (assertion != null) {
            secrets.add(assertion);
          }
          if (assertion == null || !trustedAssertions.contains(assertion)) {
            reply(
                ex,
                400,
                Json.write(
                    JsonObject.builder()
                        .put("error", "invalid_grant")
                        .put("error_description", "the assertion " + assertion + " is not trusted")
                        .build()));
            return;
          }
          scopes = words(f.get("scope"));
          break;
        }
      default:
        reply(ex, 400, "{\"error\":\"unsupported_grant_type\"}");
        return;
    }
    String access =
        options.contains("token-crlf")
            ? next("access-token") + "\r\nX-Injected: 1"
            : next("access-token");
    tokens.put(access, scopes);
    JsonObject.Builder r =
        JsonObject.builder()
            .put("access_token", access)
            .put("token_type", jkt == null ? "Bearer" : "DPoP");
    if (jkt != null) {
      boundTokens.put(access, jkt);
    }
    String expires = option("expires=");
    r.put("expires_in", expires == null ? 3600 : Long.parseLong(expires));
    if (options.contains("refresh")) {
      String refresh = next("refresh-token");
      refreshTokens.put(refresh, scopes);
      if (jkt != null) {
        boundTokens.put(refresh, jkt);
      }
      r.put("refresh_token", refresh);
    }
    if (!scopes.isEmpty() || options.stream().anyMatch(o -> o.startsWith("deny="))) {
      r.put("scope", String.join(" ", scopes)); // said when it differs from what was asked
    }
    reply(ex, 200, Json.write(r.build()));
  }

  private boolean assertionValid(String jwt, String clientId) {
    try {
      String[] parts = jwt.split("\\.");
      JsonObject claims = Json.parse(Base64.getUrlDecoder().decode(parts[1])).asObject();
      if (!clientId.equals(claims.get("iss").asString())
          || !clientId.equals(claims.get("sub").asString())
          || !issuer().equals(claims.get("aud").asString())) {
        return false;
      }
      byte[] jose = Base64.getUrlDecoder().decode(parts[2]);
      Signature s = Signature.getInstance("SHA256withECDSAinP1363Format");
      s.initVerify(assertionKey);
      s.update((parts[0] + "." + parts[1]).getBytes(StandardCharsets.US_ASCII));
      return s.verify(jose);
    } catch (Exception e) {
      return false;
    }
  }

  private static Set<String> words(String s) {
    Set<String> out = new LinkedHashSet<>();
    if (s != null) {
      for (String w : s.trim().split("\\s+")) {
        if (!w.isEmpty()) {
          out.add(w);
        }
      }
    }
    return out;
  }

  static String s256(String verifier) {
    try {
      return Base64.getUrlEncoder()
          .withoutPadding()
          .encodeToString(
              MessageDigest.getInstance("SHA-256")
                  .digest(verifier.getBytes(StandardCharsets.US_ASCII)));
    } catch (java.security.NoSuchAlgorithmException e) {
      throw new AssertionError(e);
    }
  }

  static Map<String, String> query(String raw) {
    Map<String, String> out = new LinkedHashMap<>();
    if (raw == null || raw.isEmpty()) {
      return out;
    }
    for (String pair : raw.split("&")) {
      int eq = pair.indexOf('=');
      out.put(
          URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8),
          eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8));
    }
    return out;
  }

  private static void reply(HttpExchange ex, int status, String json) throws IOException {
    byte[] b = json.getBytes(StandardCharsets.UTF_8);
    ex.getResponseHeaders().set("Content-Type", "application/json");
    ex.sendResponseHeaders(status, b.length);
    ex.getResponseBody().write(b);
  }
}
