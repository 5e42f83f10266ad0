package io.github.kimisdk.mcp.internal.auth;

import io.github.kimisdk.json.JsonObject;
import io.github.kimisdk.mcp.internal.rpc.Fields;
import io.github.kimisdk.mcp.internal.rpc.ServerText;
import java.lang.System.Logger.Level;
import java.net.URI;
import java.net.http.HttpRequest;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The DPoP step (RFC 9449, the MCP extension SEP-1932): whether a grant's tokens are to be bound to
 * the client's key ({@link #wanted}), the proof on each token request and the nonce an
 * authorization server asks for ({@link #send}), the token type it answers with ({@link #accept}),
 * and a bound token sent with {@code Authorization: DPoP} and a fresh proof on every request to the
 * MCP server, with the nonce it asked for ({@link #present}, {@link #nonceAsked}).
 *
 * <p>Threads: {@link #active} is set and read under the {@code Authorizer}'s lock, as every token
 * request is made; the nonces are volatile or in a concurrent map, read by any request.
 */
final class Dpop {

  private static final System.Logger LOG = System.getLogger("io.github.kimisdk.mcp");
  private static final String ES256 = "ES256";

  private final DpopKey key;
  private final Boolean always; // null: as the server asks
  private final Secrets secrets;
  private final Map<String, String> tokenNonces = new ConcurrentHashMap<>(); // by token endpoint
  private volatile String serverNonce; // the MCP server's
  private boolean active; // guarded by the Authorizer's lock

  /**
   * Creates the step.
   *
   * @param key the key tokens are bound to
   * @param always true to bind every token, false never, null as the server asks
   * @param secrets where proofs are remembered as secrets
   */
  Dpop(DpopKey key, Boolean always, Secrets secrets) {
    this.key = key;
    this.always = always;
    this.secrets = secrets;
  }

  /**
   * Whether a new grant's tokens are to be bound: always or never as the user said; else when the
   * MCP server asks (its challenge names the DPoP scheme, or its metadata requires bound tokens)
   * and the authorization server signs ES256 proofs (or, saying nothing of DPoP, is the only way
   * the server offers). Fails when binding is required and the authorization server cannot.
   */
  boolean wanted(String server, Challenge c, Discovery.Found d) {
    if (Boolean.FALSE.equals(always)) {
      return false;
    }
    boolean required = Boolean.TRUE.equals(always) || d.dpopRequired() || !c.offers("bearer");
    boolean asked = Boolean.TRUE.equals(always) || d.dpopRequired() || c.offers("dpop");
    if (!asked) {
      return false;
    }
    if (!d.as().dpopAlgs().isEmpty() && !d.as().dpopAlgs().contains(ES256)) {
      if (required) {
        throw secrets.fail(
            server,
            "tokens are to be bound to the client's key (DPoP), but the authorization server "
                + d.issuer()
                + " takes proofs signed with "
                + secrets.safe(ServerText.cut(String.join(" ", d.as().dpopAlgs())))
                + " only, not ES256",
            null);
      }
      return false;
    }
    return required || !d.as().dpopAlgs().isEmpty();
  }

  /** Whether a refresh is to carry a proof: its token is bound, or every token is to be. */
  boolean wantedForRefresh(String accessToken) {
    return Boolean.TRUE.equals(always) || key.bound(accessToken);
  }

  /** Sets whether the next token requests carry a proof. */
  void active(boolean active) {
    this.active = active;
    if (active) {
      secrets.rememberJwtsStartingWith(key.header());
      LOG.log(
          Level.DEBUG,
          () -> "binding tokens to the client's key (DPoP, thumbprint " + key.thumbprint() + ")");
    }
  }

  /**
   * Sends a token request, with a proof when {@link #active}: once more with the authorization
   * server's nonce when it answers {@code use_dpop_nonce} (RFC 9449 8), whose nonce is then kept
   * for its later requests.
   */
  AuthHttp.Answer send(String server, AuthHttp http, HttpRequest.Builder request, URI token) {
    if (!active) {
      return http.send(server, request, "the token endpoint");
    }
    String endpoint = token.toString();
    AuthHttp.Answer a =
        http.send(server, proved(request, token, tokenNonces.get(endpoint)), "the token endpoint");
    if (a.dpopNonce() != null) {
      tokenNonces.put(endpoint, a.dpopNonce());
    }
    if (a.status() == 400
        && a.dpopNonce() != null
        && a.json() instanceof JsonObject o
        && "use_dpop_nonce".equals(Fields.string(o, "error"))) {
      a = http.send(server, proved(request, token, a.dpopNonce()), "the token endpoint");
      if (a.dpopNonce() != null) {
        tokenNonces.put(endpoint, a.dpopNonce());
      }
    }
    return a;
  }

  private HttpRequest.Builder proved(HttpRequest.Builder request, URI token, String nonce) {
    return request.copy().header("DPoP", key.proof("POST", token, null, nonce, Instant.now()));
  }

  /**
   * Checks the type of a token the authorization server issued: {@code DPoP} only when asked for
   * with a proof (the token is then bound to the key), {@code Bearer} (or none said) unless every
   * token was to be bound.
   */
  void accept(String server, String type, String accessToken) {
    if (type != null && type.equalsIgnoreCase("dpop")) {
      if (!active) {
        throw secrets.fail(
            server,
            "the authorization server issued a DPoP-bound token to a request that proved no key",
            null);
      }
      key.bind(accessToken);
      return;
    }
    if (type != null && !type.equalsIgnoreCase("bearer")) {
      throw secrets.fail(
          server,
          "the authorization server issued a token of type "
              + ServerText.shown(type, secrets::safe)
              + ", which this client does not send (it sends Bearer and DPoP tokens)",
          null);
    }
    if (active && Boolean.TRUE.equals(always)) {
      throw secrets.fail(
          server,
          "the authorization server issued a Bearer token, not one bound to the client's key"
              + " (DPoP), which the authorization requires",
          null);
    }
  }

  /** Whether {@code accessToken} is bound to the client's key. */
  boolean bound(String accessToken) {
    return key.bound(accessToken);
  }

  /**
   * Puts a bound token on a request to the MCP server: {@code Authorization: DPoP} and a fresh
   * proof for the request's method and URI, with the server's nonce when it gave one.
   */
  void present(HttpRequest.Builder request, String httpMethod, URI uri, String accessToken) {
    secrets.rememberJwtsStartingWith(key.header()); // a token another client of the key obtained
    request.header("Authorization", "DPoP " + accessToken);
    request.header("DPoP", key.proof(httpMethod, uri, accessToken, serverNonce, Instant.now()));
  }

  /**
   * Keeps the nonce the MCP server asked for (RFC 9449 9), when {@code c} asks for one: the request
   * is then to be sent again with it, the grant unchanged.
   */
  boolean nonceAsked(Challenge c) {
    if (!c.dpopNonceAsked()) {
      return false;
    }
    serverNonce = c.dpopNonce();
    return true;
  }
}
