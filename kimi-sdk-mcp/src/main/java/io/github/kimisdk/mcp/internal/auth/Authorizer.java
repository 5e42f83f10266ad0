package io.github.kimisdk.mcp.internal.auth;

import io.github.kimisdk.mcp.McpCredentials;
import io.github.kimisdk.mcp.McpException;
import io.github.kimisdk.mcp.internal.http.StreamableHttp;
import io.github.kimisdk.mcp.internal.rpc.Failures;
import io.github.kimisdk.mcp.internal.rpc.Unauthorized;
import java.lang.System.Logger.Level;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;

/**
 * OAuth for one HTTP MCP server, as the MCP specification's authorization section describes: the
 * token on every request, and on a 401 or 403 the steps in their order, each a class of this
 * package: {@link Challenge} (what the refusal asks for), {@link Discovery} (the authorization
 * server), {@link Registration} (who the client is there), {@link Grant} (the person's approval or
 * the program's own credentials), {@link TokenEndpoint} (the token, and its refresh) and {@link
 * Dpop} (tokens bound to the client's key, and the proofs that go with them). One authorization
 * runs at a time; a request that failed with a grant another thread has replaced meanwhile, or for
 * want of a DPoP nonce the server has now given, is simply sent again.
 *
 * <p>Secrets (tokens, client secrets, codes, verifiers, assertions) are held in fields and in the
 * store only: every text that reaches a message passes {@link Secrets}, which blanks any of them,
 * and no log line names a value.
 */
public final class Authorizer implements StreamableHttp.Credentials {

  private static final System.Logger LOG = System.getLogger("io.github.kimisdk.mcp");

  /** How long before a token expires it is refreshed. */
  private static final Duration REFRESH_EARLY = Duration.ofSeconds(30);

  private final AuthSettings settings;
  private final Object lock = new Object();
  private final Secrets secrets;
  private final Discovery discovery;
  private final Grant grants;
  private final TokenEndpoint tokens;
  private final Dpop dpop;
  private final AtomicLong numbers = new AtomicLong();
  private volatile State state;

  /** The grant in use: its number, what it is for, where it came from, and the credentials. */
  private record State(
      long number,
      String resource,
      String issuer,
      Discovery.Metadata as,
      McpCredentials credentials,
      Set<String> requested) {}

  /**
   * Creates the authorization of one MCP server.
   *
   * @param settings how to authorize
   * @param mcp the MCP server's endpoint
   * @param http sends the requests to authorization servers; it follows no redirect itself
   * @param failures makes the authorization's failures
   */
  public Authorizer(
      AuthSettings settings, URI mcp, HttpClient http, Failures<McpException> failures) {
    this.settings = settings;
    this.secrets = new Secrets(failures);
    secrets.remember(settings.clientSecret());
    UrlPolicy policy =
        new UrlPolicy(mcp, settings.allowPrivateAddresses(), UrlPolicy::dns, secrets);
    AuthHttp authHttp = new AuthHttp(http, settings.timeout(), secrets, policy);
    this.discovery = new Discovery(mcp, settings.issuer(), authHttp, secrets);
    this.dpop = new Dpop(settings.dpopKey(), settings.dpop(), secrets);
    this.tokens = new TokenEndpoint(settings.signingKey(), authHttp, secrets, dpop);
    this.grants =
        new Grant(
            settings,
            new Registration(settings, authHttp, secrets),
            tokens,
            secrets,
            settings.identityProvider() == null
                ? null
                : new IdentityAssertion(settings.identityProvider(), authHttp, secrets));
  }

  // ---- on every request ----

  @Override
  public long apply(HttpRequest.Builder request, String httpMethod, URI uri) {
    State s = state;
    if (s == null || s.credentials().accessToken() == null) {
      return 0;
    }
    String token = s.credentials().accessToken();
    if (dpop.bound(token)) {
      dpop.present(request, httpMethod, uri, token);
    } else {
      request.header("Authorization", "Bearer " + token);
    }
    return s.number();
  }

  /**
   * Returns the number of the grant in use.
   *
   * @return 0 before the first
   */
  public long grant() {
    State s = state;
    return s == null ? 0 : s.number();
  }

  /**
   * Refreshes a token about to expire, when there is a refresh token; never throws.
   *
   * @param server the MCP server's name, for messages
   */
  public void refreshIfExpired(String server) {
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
        dpop.active(dpop.wantedForRefresh(s.credentials().accessToken()));
        adopt(
            s.resource(),
            s.issuer(),
            s.as(),
            tokens.refresh(server, s.as(), s.resource(), s.credentials()),
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
   * Obtains a grant that may answer {@code refusal}, or throws {@link
   * McpException.Kind#AUTHORIZATION} saying why it cannot.
   *
   * @param refusal what the server's 401 or 403 said
   * @param server the MCP server's name, for messages
   */
  public void authorize(Unauthorized refusal, String server) {
    Challenge challenge = Challenge.read(refusal);
    if (dpop.nonceAsked(challenge)) {
      return; // the same grant, sent again with the nonce the server asked for (RFC 9449 9)
    }
    synchronized (lock) {
      State s = state;
      if (s != null && s.number() != challenge.grant()) {
        return; // another request already obtained a new grant: send again with it
      }
      boolean insufficient = challenge.insufficientScope();
      List<String> challenged = challenge.scopes();
      Discovery.Found d = discovery.discover(server, challenge.resourceMetadata());
      State same =
          s != null && s.issuer().equals(d.issuer()) && s.resource().equals(d.resource())
              ? s
              : null;
      McpCredentials stored = settings.tokenStore().load(d.resource(), d.issuer());
      if (stored != null) {
        secrets.rememberAll(stored);
      }
      if (same == null
          && stored != null
          && stored.accessToken() != null
          && TokenEndpoint.sendable(stored.accessToken())
          && !insufficient
          && (s == null || !stored.accessToken().equals(s.credentials().accessToken()))) {
        LOG.log(Level.DEBUG, () -> "using the stored token for " + server);
        adopt(d.resource(), d.issuer(), d.as(), stored, Set.copyOf(stored.scopes()));
        return;
      }
      McpCredentials known = same != null ? same.credentials() : stored;
      if (!insufficient && known != null && known.refreshToken() != null) {
        try {
          dpop.active(dpop.wantedForRefresh(known.accessToken()));
          adopt(
              d.resource(),
              d.issuer(),
              d.as(),
              tokens.refresh(server, d.as(), d.resource(), known),
              same != null ? same.requested() : Set.copyOf(known.scopes()));
          return;
        } catch (McpException e) {
          LOG.log(Level.DEBUG, () -> "the refresh for " + server + " failed; authorizing anew");
        }
      }
      Set<String> scopes = scopes(server, d, same, insufficient, challenged);
      dpop.active(dpop.wanted(server, challenge, d));
      adopt(
          d.resource(),
          d.issuer(),
          d.as(),
          grants.obtain(server, d, known, scopes),
          Set.copyOf(scopes));
    }
  }

  /**
   * The scopes to ask for: those challenged, with those asked for before, else those held, else
   * those the metadata lists; {@code offline_access} too for a person's grant where offered.
   */
  private Set<String> scopes(
      String server, Discovery.Found d, State same, boolean insufficient, List<String> challenged) {
    Set<String> previous = same != null ? same.requested() : Set.of();
    Set<String> scopes = new LinkedHashSet<>();
    if (!challenged.isEmpty()) {
      if (insufficient && same != null && same.requested().containsAll(challenged)) {
        // Asked for before: asking again would not change the answer (a retry limit per scope).
        throw secrets.fail(
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
      throw secrets.fail(
          server,
          "the server refuses with HTTP 403 without naming the scope it needs; this account may"
              + " not do it",
          null);
    } else if (!previous.isEmpty()) {
      scopes.addAll(previous);
    } else {
      scopes.addAll(d.scopes());
    }
    if (settings.grant() == GrantType.AUTHORIZATION_CODE
        && d.as().scopes().contains("offline_access")) {
      scopes.add("offline_access"); // a refresh token, where the authorization server offers one
    }
    return scopes;
  }

  private void adopt(
      String resource,
      String issuer,
      Discovery.Metadata as,
      McpCredentials credentials,
      Set<String> requested) {
    secrets.rememberAll(credentials);
    settings.tokenStore().save(resource, issuer, credentials);
    state =
        new State(
            numbers.incrementAndGet(), resource, issuer, as, credentials, Set.copyOf(requested));
  }

  @Override
  public String redact(String text) {
    return secrets.safe(text);
  }

  @Override
  public String toString() {
    State s = state;
    return "OAuth["
        + settings
        + (s == null ? "" : ", grant " + s.number() + " from " + s.issuer())
        + "]";
  }
}
