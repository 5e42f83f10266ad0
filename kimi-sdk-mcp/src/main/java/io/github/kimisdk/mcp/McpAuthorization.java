package io.github.kimisdk.mcp;

import io.github.kimisdk.mcp.internal.auth.AuthSettings;
import io.github.kimisdk.mcp.internal.auth.DpopKey;
import io.github.kimisdk.mcp.internal.auth.GrantType;
import io.github.kimisdk.mcp.internal.auth.IdentityProvider;
import io.github.kimisdk.mcp.internal.client.Checks;
import java.net.URI;
import java.net.URISyntaxException;
import java.security.PrivateKey;
import java.time.Duration;
import java.util.Locale;
import java.util.Objects;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * How an {@link McpClient} authorizes itself with an HTTP server that requires OAuth, as the MCP
 * specification's authorization section describes (protocol versions 2025-03-26 to 2026-07-28). Set
 * it with {@link McpClient.HttpBuilder#authorization(McpAuthorization)}.
 *
 * <p>Four grants, each from a static factory:
 *
 * <ul>
 *   <li>{@link #authorizationCode(McpUserAgent)}: on behalf of a person, who approves in a browser
 *       ({@link McpUserAgent#loopback}); the client is identified by a pre-registered client id
 *       ({@link Builder#client(String, String)}), a client ID metadata document ({@link
 *       Builder#clientMetadataDocument(String)}) when the authorization server supports them, or
 *       else registers itself (dynamic client registration, RFC 7591), in that order;
 *   <li>{@link #clientCredentials(String, String)} and {@link #clientCredentials(String,
 *       PrivateKey)}: on the program's own behalf, with a client secret or a signed assertion
 *       ({@code private_key_jwt});
 *   <li>{@link #jwtBearer(String, Function)}: on the program's own behalf, with an assertion its
 *       platform issued (workload identity federation: a Kubernetes service account token, a CI
 *       job's or a cloud's OpenID Connect token), which the authorization server trusts;
 *   <li>{@link #enterpriseManaged(String, String, String, Supplier)}: on behalf of a person signed
 *       in to the enterprise's identity provider, whose ID token it exchanges for a grant there
 *       (SEP-990), with no approval per server.
 * </ul>
 *
 * <p>Tokens are bound to a key of the client's (DPoP) when a server asks for it, or as {@link
 * Builder#dpop(boolean)} says.
 *
 * <pre>{@code
 * McpAuthorization person =
 *     McpAuthorization.authorizationCode(McpUserAgent.loopback(url -> System.out.println("Open " + url)))
 *         .clientMetadataDocument("https://app.example.com/oauth/client.json")
 *         .build();
 * McpAuthorization service =
 *     McpAuthorization.clientCredentials("reporting-bot", System.getenv("MCP_CLIENT_SECRET")).build();
 * }</pre>
 *
 * <p>What the client does with it, when a server answers 401: it reads the server's {@code
 * WWW-Authenticate}, fetches its protected resource metadata (RFC 9728; from the header, else the
 * well-known URLs), checks that it names this server, and fetches the first authorization server's
 * metadata (RFC 8414 or OpenID discovery, checking that it names the same issuer); a server without
 * protected resource metadata is taken, as in 2025-03-26, to be its own authorization server. It
 * asks for the scopes the challenge names, else those the metadata lists ({@code offline_access}
 * too when the authorization server offers it), with PKCE (S256) and the server as the {@code
 * resource} (RFC 8707); checks the redirect's {@code state} and issuer (RFC 9207); authenticates at
 * the token endpoint as the registration or the server's metadata says ({@code
 * client_secret_basic}, {@code client_secret_post}, {@code private_key_jwt} or {@code none}); and
 * sends the request again with the token. On a 403 {@code insufficient_scope} it asks again for the
 * scopes it had and those challenged, at most three times for one request; before a token expires,
 * and on a 401 while it has one, it uses the refresh token. Registrations and tokens are kept in a
 * {@link McpTokenStore} by server and issuer, and never used with another authorization server.
 *
 * <p>Every exchange with an authorization server is bounded ({@link Builder#timeout(Duration)}, the
 * answers' sizes), so is the person's part ({@link Builder#userTimeout(Duration)}); an
 * authorization server that is down or refuses fails the MCP call that needed it with {@link
 * McpException.Kind#AUTHORIZATION}, and the next call tries again. No token, secret, code,
 * verifier, assertion, ID token, DPoP key or proof is ever logged, put in an exception or shown by
 * {@code toString}. Instances are immutable and may be shared by clients (each keeps its own tokens
 * in the shared store).
 */
public final class McpAuthorization {

  /** The default bound of one exchange with an authorization server: 30 seconds. */
  public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(30);

  /** The default time a person has to approve: 5 minutes. */
  public static final Duration DEFAULT_USER_TIMEOUT = Duration.ofMinutes(5);

  private final AuthSettings settings;

  private McpAuthorization(Builder b) {
    this.settings =
        new AuthSettings(
            b.grant,
            b.userAgent,
            b.clientId,
            b.clientSecret,
            b.signingKey,
            b.assertion,
            b.issuer,
            b.clientMetadataDocument,
            b.dynamicRegistration,
            b.clientName,
            b.tokenStore != null ? b.tokenStore : McpTokenStore.inMemory(),
            b.timeout,
            b.userTimeout,
            b.allowPrivateAddresses,
            b.dpop,
            new DpopKey(),
            b.idpTokenEndpoint == null
                ? null
                : new IdentityProvider(
                    b.idpTokenEndpoint, b.idpClientId, b.idpClientSecret, b.idToken));
  }

  /** How the engine reads this authorization. */
  AuthSettings settings() {
    return settings;
  }

  /**
   * Starts an authorization on behalf of a person, who approves through {@code userAgent} (the
   * authorization-code grant with PKCE).
   *
   * @param userAgent opens the authorization server's page and receives its redirect
   * @return the builder
   * @throws NullPointerException if {@code userAgent} is null
   */
  public static Builder authorizationCode(McpUserAgent userAgent) {
    Builder b = new Builder(GrantType.AUTHORIZATION_CODE);
    b.userAgent = Objects.requireNonNull(userAgent, "userAgent must not be null");
    return b;
  }

  /**
   * Starts an authorization on the program's own behalf, with a client id and secret the
   * authorization server issued (the client-credentials grant; the secret is sent as HTTP Basic
   * authentication, or in the form when the server's metadata asks for that).
   *
   * @param clientId the client id
   * @param clientSecret the client secret; never printed
   * @return the builder
   * @throws NullPointerException if an argument is null
   * @throws IllegalArgumentException if an argument is blank
   */
  public static Builder clientCredentials(String clientId, String clientSecret) {
    Builder b = new Builder(GrantType.CLIENT_CREDENTIALS);
    b.clientId = Checks.nonBlank(clientId, "clientId");
    b.clientSecret = Checks.nonBlank(clientSecret, "clientSecret");
    return b;
  }

  /**
   * Starts an authorization on the program's own behalf, authenticated with an assertion signed by
   * {@code signingKey} ({@code private_key_jwt}, RFC 7523: a JWT with the client id as issuer and
   * subject and the authorization server's issuer as audience, valid for a minute).
   *
   * @param clientId the client id
   * @param signingKey an EC key (P-256: ES256, P-384: ES384, P-521: ES512) or an RSA key (RS256),
   *     such as one read from PKCS#8 with {@code KeyFactory}; never printed
   * @return the builder
   * @throws NullPointerException if an argument is null
   * @throws IllegalArgumentException if {@code clientId} is blank, or the key is neither EC nor RSA
   */
  public static Builder clientCredentials(String clientId, PrivateKey signingKey) {
    Builder b = new Builder(GrantType.CLIENT_CREDENTIALS);
    b.clientId = Checks.nonBlank(clientId, "clientId");
    Objects.requireNonNull(signingKey, "signingKey must not be null");
    String alg = signingKey.getAlgorithm().toUpperCase(Locale.ROOT);
    if (!alg.equals("EC") && !alg.equals("RSA")) {
      throw new IllegalArgumentException(
          "the signing key must be an EC or RSA key, not " + signingKey.getAlgorithm());
    }
    b.signingKey = signingKey;
    return b;
  }

  /**
   * Starts an authorization on the program's own behalf with an assertion its platform issued
   * (workload identity federation, the MCP extension SEP-1933: the JWT bearer grant of RFC 7523): a
   * JWT that an identity provider the authorization server trusts issued to this workload, such as
   * a Kubernetes service account token, a CI job's OpenID Connect token or a cloud's workload
   * identity token, with the authorization server's issuer as its audience. It is sent as the
   * grant's {@code assertion} ({@code grant_type} {@code
   * urn:ietf:params:oauth:grant-type:jwt-bearer}), with the client id, the server as {@code
   * resource} (RFC 8707) and the scopes, and no client secret; a refused assertion fails the call
   * (it is not sent again, nor another grant tried), as does an authorization server whose metadata
   * lists its grants without this one. Set {@link Builder#issuer(String)} too, so that the client
   * never asks for an assertion for, nor sends one to, another authorization server.
   *
   * <pre>{@code
   * McpAuthorization workload =
   *     McpAuthorization.jwtBearer("reporting-bot", issuer -> platform.identityToken(issuer))
   *         .issuer("https://auth.example.com")
   *         .build();
   * }</pre>
   *
   * @param clientId the client id the authorization server knows the workload by
   * @param assertion gives the assertion for an authorization server, named by its issuer (such as
   *     {@code "https://auth.example.com"}, the audience the assertion must name); asked each time
   *     the client needs a token, so that it may read a token its platform renews (surrounding
   *     white space is dropped); what it returns is never printed, and what it throws, or a null or
   *     blank assertion, fails the call that needed the token with {@link
   *     McpException.Kind#AUTHORIZATION}
   * @return the builder
   * @throws NullPointerException if an argument is null
   * @throws IllegalArgumentException if {@code clientId} is blank
   */
  public static Builder jwtBearer(String clientId, Function<String, String> assertion) {
    Builder b = new Builder(GrantType.JWT_BEARER);
    b.clientId = Checks.nonBlank(clientId, "clientId");
    b.assertion = Objects.requireNonNull(assertion, "assertion must not be null");
    return b;
  }

  /**
   * Starts an enterprise-managed authorization (the MCP extension SEP-990, the Identity Assertion
   * Authorization Grant): on behalf of a person signed in to the enterprise's identity provider
   * (single sign-on with OpenID Connect), with no approval of theirs per server. Their ID token is
   * exchanged at the identity provider's token endpoint (RFC 8693 token exchange: {@code
   * requested_token_type} {@code urn:ietf:params:oauth:token-type:id-jag}, the MCP server's
   * authorization server as {@code audience}, the server as {@code resource}, the scopes) for an
   * identity assertion grant (ID-JAG), which the client presents at the authorization server as a
   * JWT bearer grant (RFC 7523), authenticated with {@code clientId} and {@code clientSecret}
   * there. The identity provider's policy decides; a refusal at either step fails the call with
   * {@link McpException.Kind#AUTHORIZATION}, with no other grant tried. Set {@link
   * Builder#issuer(String)} too, so that no grant is asked for another authorization server.
   *
   * <pre>{@code
   * McpAuthorization sso =
   *     McpAuthorization.enterpriseManaged(
   *             "release-agent", System.getenv("MCP_CLIENT_SECRET"),
   *             "https://acme.idp.example/oauth2/token", session::idToken)
   *         .identityProviderClient("release-agent-sso", System.getenv("IDP_CLIENT_SECRET"))
   *         .issuer("https://auth.tracker.example.com")
   *         .build();
   * }</pre>
   *
   * @param clientId the client's id at the MCP server's authorization server
   * @param clientSecret its secret there; null for a public client; never printed
   * @param idpTokenEndpoint the identity provider's token endpoint: {@code https}, or {@code http}
   *     on a loopback host
   * @param idToken gives the person's ID token (from the client's own sign-in), asked each time a
   *     grant is exchanged, so that a renewed one is used; never printed; what it throws, or a null
   *     or blank token, fails the call with {@link McpException.Kind#AUTHORIZATION}
   * @return the builder
   * @throws NullPointerException if {@code clientId}, {@code idpTokenEndpoint} or {@code idToken}
   *     is null
   * @throws IllegalArgumentException if {@code clientId} or a given secret is blank, or {@code
   *     idpTokenEndpoint} is not such a URL
   */
  public static Builder enterpriseManaged(
      String clientId, String clientSecret, String idpTokenEndpoint, Supplier<String> idToken) {
    Builder b = new Builder(GrantType.IDENTITY_ASSERTION);
    b.clientId = Checks.nonBlank(clientId, "clientId");
    b.clientSecret = clientSecret == null ? null : Checks.nonBlank(clientSecret, "clientSecret");
    b.idpTokenEndpoint = Checks.httpsOrLoopback(idpTokenEndpoint, "idpTokenEndpoint");
    b.idToken = Objects.requireNonNull(idToken, "idToken must not be null");
    return b;
  }

  /**
   * Returns the grant and the client's identity, never a secret or key.
   *
   * @return a description
   */
  @Override
  public String toString() {
    return settings.toString();
  }

  /** Builds an {@link McpAuthorization}. Not thread-safe. */
  public static final class Builder {
    private final GrantType grant;
    private McpUserAgent userAgent;
    private String clientId;
    private String clientSecret;
    private PrivateKey signingKey;
    private Function<String, String> assertion;
    private String issuer;
    private String clientMetadataDocument;
    private boolean dynamicRegistration = true;
    private String clientName = "kimi-sdk-java";
    private McpTokenStore tokenStore;
    private Duration timeout = DEFAULT_TIMEOUT;
    private Duration userTimeout = DEFAULT_USER_TIMEOUT;
    private boolean allowPrivateAddresses;
    private Boolean dpop;
    private URI idpTokenEndpoint;
    private String idpClientId;
    private String idpClientSecret;
    private Supplier<String> idToken;

    private Builder(GrantType grant) {
      this.grant = grant;
    }

    private void codeOnly(String what) {
      if (grant != GrantType.AUTHORIZATION_CODE) {
        throw new IllegalStateException(
            what + " applies to the authorization-code grant, not to " + grant.label());
      }
    }

    /**
     * Identifies the client with a client id (and secret) registered with the authorization server
     * beforehand, for the authorization-code grant. It comes first: no metadata document or dynamic
     * registration is used then. Set {@link #issuer(String)} too, so that the client refuses to
     * send them to another authorization server.
     *
     * @param clientId the client id
     * @param clientSecret the client secret; null for a public client; never printed
     * @return this builder
     * @throws NullPointerException if {@code clientId} is null
     * @throws IllegalArgumentException if {@code clientId} or a given secret is blank
     * @throws IllegalStateException on a builder of another grant (its factory takes them)
     */
    public Builder client(String clientId, String clientSecret) {
      codeOnly("client(...)");
      this.clientId = Checks.nonBlank(clientId, "clientId");
      this.clientSecret =
          clientSecret == null ? null : Checks.nonBlank(clientSecret, "clientSecret");
      return this;
    }

    /**
     * Names the authorization server the client's credentials belong to (its issuer, such as {@code
     * "https://auth.example.com"}): when the server names another, the client fails the call with
     * {@link McpException.Kind#AUTHORIZATION} rather than send them there.
     *
     * @param issuer the issuer, compared as a string
     * @return this builder
     * @throws NullPointerException if {@code issuer} is null
     * @throws IllegalArgumentException if {@code issuer} is blank
     */
    public Builder issuer(String issuer) {
      this.issuer = Checks.nonBlank(issuer, "issuer");
      return this;
    }

    /**
     * Identifies the client by the URL of its client ID metadata document (the document lists its
     * name and redirect URIs, the user agent's among them), for authorization servers that support
     * them ({@code client_id_metadata_document_supported}); others get a dynamic registration.
     *
     * @param url an {@code https} URL with a path, such as {@code
     *     "https://app.example.com/oauth/client.json"}
     * @return this builder
     * @throws NullPointerException if {@code url} is null
     * @throws IllegalArgumentException if {@code url} is not an {@code https} URL with a path
     * @throws IllegalStateException on a builder of another grant
     */
    public Builder clientMetadataDocument(String url) {
      codeOnly("clientMetadataDocument(...)");
      Objects.requireNonNull(url, "url must not be null");
      URI u;
      try {
        u = new URI(url);
      } catch (URISyntaxException e) {
        throw new IllegalArgumentException("not a URL: " + url, e);
      }
      if (!"https".equalsIgnoreCase(u.getScheme())
          || u.getHost() == null
          || u.getRawPath() == null
          || u.getRawPath().isEmpty()
          || u.getRawPath().equals("/")
          || u.getRawFragment() != null) {
        throw new IllegalArgumentException(
            "a client ID metadata document must be at an https URL with a path: " + url);
      }
      this.clientMetadataDocument = url;
      return this;
    }

    /**
     * Sets whether the client may register itself with an authorization server that offers dynamic
     * client registration (RFC 7591), when no other way identifies it.
     *
     * @param enabled default true
     * @return this builder
     * @throws IllegalStateException on a builder of another grant
     */
    public Builder dynamicRegistration(boolean enabled) {
      codeOnly("dynamicRegistration(...)");
      this.dynamicRegistration = enabled;
      return this;
    }

    /**
     * Sets the client's name in a dynamic registration, which the authorization server shows the
     * person.
     *
     * @param name default {@code "kimi-sdk-java"}
     * @return this builder
     * @throws NullPointerException if {@code name} is null
     * @throws IllegalArgumentException if {@code name} is blank
     */
    public Builder clientName(String name) {
      this.clientName = Checks.nonBlank(name, "name");
      return this;
    }

    /**
     * Keeps registrations and tokens in {@code store}, such as one that survives a restart.
     *
     * @param store the store; default {@link McpTokenStore#inMemory()}, one per authorization
     * @return this builder
     * @throws NullPointerException if {@code store} is null
     */
    public Builder tokenStore(McpTokenStore store) {
      this.tokenStore = Objects.requireNonNull(store, "store must not be null");
      return this;
    }

    /**
     * Sets how long one exchange with an authorization server (or a metadata document) may take,
     * connecting and reading the answer included.
     *
     * @param timeout positive; default 30 seconds
     * @return this builder
     * @throws NullPointerException if {@code timeout} is null
     * @throws IllegalArgumentException if {@code timeout} is not positive
     */
    public Builder timeout(Duration timeout) {
      this.timeout = Checks.positive(timeout, "timeout");
      return this;
    }

    /**
     * Sets how long the person may take to approve.
     *
     * @param timeout positive; default 5 minutes
     * @return this builder
     * @throws NullPointerException if {@code timeout} is null
     * @throws IllegalArgumentException if {@code timeout} is not positive
     * @throws IllegalStateException on a builder of another grant
     */
    public Builder userTimeout(Duration timeout) {
      codeOnly("userTimeout(...)");
      this.userTimeout = Checks.positive(timeout, "userTimeout");
      return this;
    }

    /**
     * Lets the URLs a server names (its protected resource metadata, its authorization servers and
     * their endpoints, their redirects) point at loopback, private and link-local addresses even
     * when the MCP server is not on an address of that kind: for development against servers on
     * one's own machine or network. By default such a URL is refused, as the MCP security best
     * practices ask (Server-Side Request Forgery), unless the MCP server is itself on an address of
     * its kind; plain {@code http} stays refused but to loopback from an MCP server on loopback.
     *
     * @param allowed default false
     * @return this builder
     */
    public Builder allowPrivateAddresses(boolean allowed) {
      this.allowPrivateAddresses = allowed;
      return this;
    }

    /**
     * Identifies the client at the identity provider of an {@linkplain #enterpriseManaged
     * enterprise-managed authorization}, for providers that require it for the token exchange (a
     * secret, HTTP Basic), or want the client named ({@code client_id} in the form); by default
     * neither is sent.
     *
     * @param clientId the client's id at the identity provider
     * @param clientSecret its secret there; null for none; never printed
     * @return this builder
     * @throws NullPointerException if {@code clientId} is null
     * @throws IllegalArgumentException if {@code clientId} or a given secret is blank
     * @throws IllegalStateException on a builder of another grant
     */
    public Builder identityProviderClient(String clientId, String clientSecret) {
      if (grant != GrantType.IDENTITY_ASSERTION) {
        throw new IllegalStateException(
            "identityProviderClient(...) applies to an enterprise-managed authorization, not to "
                + grant.label());
      }
      this.idpClientId = Checks.nonBlank(clientId, "clientId");
      this.idpClientSecret =
          clientSecret == null ? null : Checks.nonBlank(clientSecret, "clientSecret");
      return this;
    }

    /**
     * Sets whether tokens are bound to a key of the client's (DPoP, RFC 9449; the MCP extension
     * SEP-1932), so that a stolen token is of no use without the key. A bound token goes with
     * {@code Authorization: DPoP} and a fresh proof on each request, and is refreshed with a proof
     * of the same key; the nonces servers ask for are answered. The key (EC, P-256, proofs signed
     * ES256) is made with the JDK when first needed, one per authorization, and lives in memory
     * only: a bound token in a store that outlives the process is obtained anew after a restart.
     *
     * <p>By default tokens are bound when the MCP server asks for it: its challenge names the
     * {@code DPoP} scheme, or its protected resource metadata says {@code
     * dpop_bound_access_tokens_required}, and the authorization server takes ES256 proofs (or says
     * nothing of DPoP while the server offers no other scheme).
     *
     * @param bound true to bind every token (the call fails where the authorization server does not
     *     take ES256 proofs or issues an unbound token), false never to
     * @return this builder
     */
    public Builder dpop(boolean bound) {
      this.dpop = bound;
      return this;
    }

    /**
     * Builds the authorization.
     *
     * @return the authorization
     */
    public McpAuthorization build() {
      return new McpAuthorization(this);
    }
  }
}
