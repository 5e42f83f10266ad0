package io.github.kimisdk.mcp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.kimisdk.json.JsonObject;
import io.github.kimisdk.json.JsonString;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

/**
 * The client against a server that requires OAuth (the test MCP server behind {@link
 * TestAuthorizationServer}): discovery, registration, the grants, step-up, refresh, and the
 * failures an authorization server can cause.
 */
class McpAuthorizationTest {

  static final String REDIRECT = "http://localhost:3000/callback";

  private static JsonObject text(String t) {
    return JsonObject.of("text", JsonString.of(t));
  }

  /** A client of {@code server} that authorizes as a headless agent would, every default kept. */
  private static McpClient headless(McpHttpTestServer server) {
    return McpClient.httpBuilder(server.url())
        .authorization(McpAuthorization.authorizationCode(McpUserAgent.headless(REDIRECT)).build())
        .build();
  }

  /** Asserts that {@code e} is an {@link McpException} of kind {@code AUTHORIZATION}. */
  static void isAnAuthorizationFailure(Throwable e) {
    assertThat(((McpException) e).kind()).isEqualTo(McpException.Kind.AUTHORIZATION);
  }

  /** A user agent that approves at once and counts how often a person was asked. */
  private static McpUserAgent counting(AtomicInteger asked) {
    McpUserAgent headless = McpUserAgent.headless(REDIRECT);
    return new McpUserAgent() {
      @Override
      public String redirectUri() {
        return headless.redirectUri();
      }

      @Override
      public URI authorize(URI url, Duration timeout) throws InterruptedException {
        asked.incrementAndGet();
        return headless.authorize(url, timeout);
      }
    };
  }

  @Test
  void aPersonApprovesOnceAndEveryRequestCarriesTheToken() throws Exception {
    AtomicInteger asked = new AtomicInteger();
    McpTokenStore store = McpTokenStore.inMemory();
    try (TestAuthorizationServer as = TestAuthorizationServer.start();
        McpHttpTestServer server = McpHttpTestServer.start()) {
      server.protect(as, Map.of());
      McpAuthorization auth =
          McpAuthorization.authorizationCode(counting(asked)).tokenStore(store).build();
      try (McpClient mcp = McpClient.httpBuilder(server.url()).authorization(auth).build()) {
        assertThat(mcp.call("echo", text("hi")).text()).isEqualTo("echo: hi");
        assertThat(mcp.listTools()).isNotEmpty();
        assertThat(mcp.toString()).endsWith(", protocol 2025-11-25, authorized]");
      }
      assertThat(asked).hasValue(1);
      assertThat(server.requests).contains("GET protected resource metadata");
      assertThat(as.requests)
          .containsSubsequence(
              "GET metadata",
              "POST register application_type=\"native\" grant_types=[\"authorization_code\","
                  + "\"refresh_token\"] method=\"none\"",
              "GET authorize client_id=client-1 scope=null resource="
                  + server.url()
                  + " method=S256")
          .anyMatch(
              r ->
                  r.startsWith(
                      "POST token grant=authorization_code auth=basic client=client-1 resource="
                          + server.url()));
      McpCredentials saved = store.load(server.url(), as.issuer());
      assertThat(saved.clientId()).isEqualTo("client-1");
      assertThat(saved.accessToken()).isNotNull();
      assertThat(saved.authMethod()).isEqualTo("client_secret_basic");
    }
  }

  @Test
  void theLoopbackUserAgentReceivesTheRedirectTheBrowserFollows() throws Exception {
    HttpClient browser =
        HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NORMAL).build();
    List<URI> opened = new CopyOnWriteArrayList<>();
    McpUserAgent loopback =
        McpUserAgent.loopback(
            url -> {
              opened.add(url);
              // The "browser": it opens the page, the server redirects to the loopback listener.
              browser.sendAsync(
                  HttpRequest.newBuilder(url).build(), HttpResponse.BodyHandlers.ofString());
            });
    assertThat(loopback.redirectUri()).matches("http://127\\.0\\.0\\.1:\\d+/callback");
    try (TestAuthorizationServer as = TestAuthorizationServer.start();
        McpHttpTestServer server = McpHttpTestServer.start()) {
      server.protect(as, Map.of());
      try (McpClient mcp =
          McpClient.httpBuilder(server.url())
              .authorization(McpAuthorization.authorizationCode(loopback).build())
              .build()) {
        assertThat(mcp.call("echo", text("hi")).text()).isEqualTo("echo: hi");
      }
      assertThat(opened).hasSize(1);
      assertThat(opened.get(0).toString())
          .startsWith(as.issuer() + "/authorize?response_type=code&");
    }
  }

  /**
   * A loopback user agent whose "browser" follows the authorization server's redirect and keeps the
   * answer it got from the loopback listener.
   */
  private static McpUserAgent loopbackBrowser(List<HttpResponse<String>> answers) {
    HttpClient browser =
        HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NORMAL).build();
    return McpUserAgent.loopback(
        url -> {
          try {
            answers.add(
                browser.send(
                    HttpRequest.newBuilder(url).build(), HttpResponse.BodyHandlers.ofString()));
          } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
          }
        });
  }

  /**
   * Has a person approve through the loopback user agent and a "browser" that follows the
   * authorization server's redirect, calls a tool, and returns every secret the authorization
   * server issued or received.
   */
  private static Set<String> approvedThroughTheLoopback(List<HttpResponse<String>> answers)
      throws Exception {
    try (TestAuthorizationServer as = TestAuthorizationServer.start();
        McpHttpTestServer server = McpHttpTestServer.start()) {
      server.protect(as, Map.of());
      try (McpClient mcp =
          McpClient.httpBuilder(server.url())
              .authorization(McpAuthorization.authorizationCode(loopbackBrowser(answers)).build())
              .build()) {
        assertThat(mcp.call("echo", text("hi")).text()).isEqualTo("echo: hi");
      }
      return Set.copyOf(as.secrets);
    }
  }

  @Test
  void theLoopbackListenerAnswersTheBrowserWithThePageItPromises() throws Exception {
    List<HttpResponse<String>> answers = new CopyOnWriteArrayList<>();
    approvedThroughTheLoopback(answers);
    // the browser's request returned before the client took the code: the page was written whole
    assertThat(answers).hasSize(1);
    assertThat(answers.get(0).statusCode()).isEqualTo(200);
    assertThat(answers.get(0).body()).contains("The authorization is complete");
    assertThat(answers.get(0).headers().firstValue("Cache-Control")).hasValue("no-store");
  }

  /**
   * The callback's query holds the code: no logger sees it, not the JDK's HTTP server's at level
   * ALL (which printed each request line when the listener was {@code com.sun.net.httpserver}'s),
   * nor the client's.
   */
  @Test
  void theCallbacksCodeReachesNoLogger() throws Exception {
    List<String> logged = new CopyOnWriteArrayList<>();
    java.util.logging.Handler capture =
        new java.util.logging.Handler() {
          @Override
          public void publish(java.util.logging.LogRecord r) {
            logged.add(new java.util.logging.SimpleFormatter().formatMessage(r));
          }

          @Override
          public void flush() {}

          @Override
          public void close() {}
        };
    List<java.util.logging.Logger> loggers =
        List.of(
            java.util.logging.Logger.getLogger("com.sun.net.httpserver"),
            java.util.logging.Logger.getLogger("io.github.kimisdk.mcp"));
    List<java.util.logging.Level> before = new java.util.ArrayList<>();
    for (java.util.logging.Logger l : loggers) {
      before.add(l.getLevel());
      l.setLevel(java.util.logging.Level.ALL);
      l.addHandler(capture);
    }
    try {
      Set<String> secrets = approvedThroughTheLoopback(new CopyOnWriteArrayList<>());
      assertThat(logged).as("something is logged at level ALL").isNotEmpty();
      assertThat(secrets).isNotEmpty();
      for (String secret : secrets) {
        assertThat(logged).noneMatch(line -> line.contains(secret));
      }
    } finally {
      for (int i = 0; i < loggers.size(); i++) {
        loggers.get(i).removeHandler(capture);
        loggers.get(i).setLevel(before.get(i));
      }
    }
  }

  /** RFC 6749 3.1.2, RFC 9700 4.1: a code is taken only from a redirect to the redirect URI. */
  @Test
  void aRedirectToAnotherPlaceThanTheRedirectUriIsNotRedeemed() throws Exception {
    McpUserAgent headless = McpUserAgent.headless(REDIRECT);
    for (String elsewhere :
        List.of(
            "http://localhost:3001/callback",
            "http://localhost:3000/other",
            "https://localhost:3000/callback",
            "http://evil.example:3000/callback")) {
      McpUserAgent moved =
          new McpUserAgent() {
            @Override
            public String redirectUri() {
              return REDIRECT;
            }

            @Override
            public URI authorize(URI url, Duration timeout) throws InterruptedException {
              URI back = headless.authorize(url, timeout);
              return URI.create(elsewhere + "?" + back.getRawQuery());
            }
          };
      try (TestAuthorizationServer as = TestAuthorizationServer.start();
          McpHttpTestServer server = McpHttpTestServer.start()) {
        server.protect(as, Map.of());
        assertThatThrownBy(
                () ->
                    McpClient.httpBuilder(server.url())
                        .authorization(McpAuthorization.authorizationCode(moved).build())
                        .build())
            .as(elsewhere)
            .isInstanceOf(McpException.class)
            .hasMessageContaining("not to the redirect URI " + REDIRECT + ": its code is not used")
            .satisfies(McpAuthorizationTest::isAnAuthorizationFailure);
        assertThat(as.requests).as(elsewhere).noneMatch(r -> r.startsWith("POST token"));
      }
    }
  }

  /**
   * RFC 7591 3.2.1: a registration whose redirect URIs are not the client's sends codes elsewhere.
   */
  @Test
  void aRegistrationAnsweredWithOtherRedirectUrisIsNotUsed() throws Exception {
    try (TestAuthorizationServer as =
            TestAuthorizationServer.start("redirect-uris=https://evil.example/callback");
        McpHttpTestServer server = McpHttpTestServer.start()) {
      server.protect(as, Map.of());
      assertThatThrownBy(
              () ->
                  McpClient.httpBuilder(server.url())
                      .authorization(
                          McpAuthorization.authorizationCode(counting(new AtomicInteger())).build())
                      .build())
          .isInstanceOf(McpException.class)
          .hasMessageContaining(
              "registered the client with other redirect URIs than "
                  + REDIRECT
                  + " (https://evil.example/callback): the registration is not used");
      assertThat(as.requests)
          .anyMatch(r -> r.startsWith("POST register"))
          .noneMatch(r -> r.startsWith("GET authorize") || r.startsWith("POST token"));
    }
  }

  /**
   * An access token with CR LF cannot add a header of its own: the call fails with an {@link
   * McpException}, whose message does not hold the token, rather than the JDK's {@code
   * IllegalArgumentException}, which quoted it.
   */
  @Test
  void anAccessTokenWithCrLfFailsTheCallWithoutQuotingIt() throws Exception {
    try (TestAuthorizationServer as = TestAuthorizationServer.start("token-crlf");
        McpHttpTestServer server = McpHttpTestServer.start()) {
      server.protect(as, Map.of());
      McpAuthorization auth = McpAuthorization.clientCredentials("bot", "bot-secret-1").build();
      as.preRegister("bot", "bot-secret-1");
      Throwable t =
          org.assertj.core.api.Assertions.catchThrowable(
              () -> McpClient.httpBuilder(server.url()).authorization(auth).build());
      assertThat(t)
          .isInstanceOf(McpException.class)
          .hasMessageContaining("issued an access token that a header cannot carry");
      isAnAuthorizationFailure(t);
      for (String secret : as.secrets) {
        assertThat(t.getMessage()).doesNotContain(secret);
      }
      assertThat(server.requests).noneMatch(r -> r.contains("X-Injected"));
    }
  }

  @Test
  void insufficientScopeStepsUpWithTheScopesHeldAndTheScopesChallenged() throws Exception {
    AtomicInteger asked = new AtomicInteger();
    try (TestAuthorizationServer as = TestAuthorizationServer.start();
        McpHttpTestServer server = McpHttpTestServer.start()) {
      server.protect(as, Map.of("*", Set.of("mcp:read"), "tools/call", Set.of("mcp:write")));
      try (McpClient mcp =
          McpClient.httpBuilder(server.url())
              .authorization(McpAuthorization.authorizationCode(counting(asked)).build())
              .build()) {
        assertThat(mcp.listTools()).isNotEmpty();
        assertThat(mcp.call("echo", text("up")).text()).isEqualTo("echo: up");
      }
      assertThat(asked).hasValue(2);
      assertThat(as.requests)
          .filteredOn(r -> r.startsWith("GET authorize"))
          .extracting(r -> r.substring(r.indexOf(" scope=") + 7, r.indexOf(" resource=")))
          .containsExactly("mcp:read", "mcp:read mcp:write");
    }
  }

  @Test
  void aServerThatRefusesWhatTheTokenHasIsGivenUpOnWithoutAskingAgainAndAgain() throws Exception {
    AtomicInteger asked = new AtomicInteger();
    try (TestAuthorizationServer as = TestAuthorizationServer.start("deny=mcp:admin");
        McpHttpTestServer server = McpHttpTestServer.start()) {
      // The server asks for mcp:admin, which this authorization server never grants.
      server.protect(as, Map.of("tools/call", Set.of("mcp:admin")));
      try (McpClient mcp =
          McpClient.httpBuilder(server.url())
              .authorization(McpAuthorization.authorizationCode(counting(asked)).build())
              .build()) {
        assertThatThrownBy(() -> mcp.call("echo", text("x")))
            .isInstanceOf(McpException.class)
            .hasMessage(
                "MCP server \"test-server\": the server refuses with HTTP 403 (insufficient_scope)"
                    + " asking for mcp:admin, which the authorization server did not grant when"
                    + " asked; this account may not do it")
            .satisfies(McpAuthorizationTest::isAnAuthorizationFailure);
        assertThat(asked).as("the handshake's authorization and one step-up").hasValue(2);
        assertThat(mcp.listTools()).as("the client is still usable").isNotEmpty();
      }
    }
  }

  @Test
  void aTokenAboutToExpireIsRefreshedWithoutThePerson() throws Exception {
    AtomicInteger asked = new AtomicInteger();
    try (TestAuthorizationServer as = TestAuthorizationServer.start("refresh", "expires=1");
        McpHttpTestServer server = McpHttpTestServer.start()) {
      server.protect(as, Map.of());
      try (McpClient mcp =
          McpClient.httpBuilder(server.url())
              .authorization(McpAuthorization.authorizationCode(counting(asked)).build())
              .build()) {
        // Each token lives a second, less than the margin: every request refreshes first.
        assertThat(mcp.call("echo", text("a")).text()).isEqualTo("echo: a");
        assertThat(mcp.call("echo", text("b")).text()).isEqualTo("echo: b");
      }
      assertThat(asked).hasValue(1);
      assertThat(as.requests)
          .anyMatch(r -> r.startsWith("POST token grant=refresh_token auth=basic"));
    }
  }

  @Test
  void aRevokedTokenIsRefreshedOnThe401() throws Exception {
    AtomicInteger asked = new AtomicInteger();
    try (TestAuthorizationServer as = TestAuthorizationServer.start("refresh");
        McpHttpTestServer server = McpHttpTestServer.start()) {
      server.protect(as, Map.of());
      try (McpClient mcp =
          McpClient.httpBuilder(server.url())
              .authorization(McpAuthorization.authorizationCode(counting(asked)).build())
              .build()) {
        as.revokeAccessTokens();
        assertThat(mcp.call("echo", text("again")).text()).isEqualTo("echo: again");
      }
      assertThat(asked).hasValue(1);
      assertThat(as.requests).anyMatch(r -> r.startsWith("POST token grant=refresh_token"));
    }
  }

  @Test
  void clientCredentialsAuthenticateWithTheSecretOrASignedAssertion() throws Exception {
    try (TestAuthorizationServer as =
            TestAuthorizationServer.start("methods=client_secret_basic+private_key_jwt");
        McpHttpTestServer server = McpHttpTestServer.start()) {
      server.protect(as, Map.of("*", Set.of("mcp:read")));
      as.preRegister("service-a", "service-a-s3cret");
      try (McpClient mcp =
          McpClient.httpBuilder(server.url())
              .authorization(
                  McpAuthorization.clientCredentials("service-a", "service-a-s3cret").build())
              .build()) {
        assertThat(mcp.call("echo", text("cc")).text()).isEqualTo("echo: cc");
      }
      KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
      g.initialize(new ECGenParameterSpec("secp256r1"));
      KeyPair keys = g.generateKeyPair();
      as.assertionKey = keys.getPublic();
      as.preRegister("service-b", null);
      try (McpClient mcp =
          McpClient.httpBuilder(server.url())
              .authorization(
                  McpAuthorization.clientCredentials("service-b", keys.getPrivate()).build())
              .build()) {
        assertThat(mcp.call("echo", text("jwt")).text()).isEqualTo("echo: jwt");
      }
      assertThat(as.requests)
          .anyMatch(
              r ->
                  r.equals(
                      "POST token grant=client_credentials auth=basic client=service-a resource="
                          + server.url()
                          + " scope=mcp:read"))
          .anyMatch(
              r ->
                  r.equals(
                      "POST token grant=client_credentials auth=jwt client=service-b resource="
                          + server.url()
                          + " scope=mcp:read"))
          .noneMatch(r -> r.startsWith("GET authorize") || r.startsWith("POST register"));
    }
  }

  /** One rule of a grant: what the program gives, and the call's failure (null: it succeeds). */
  record Rule(
      String rule,
      List<String> options,
      Function<String, String> assertion,
      String failure,
      int tokenRequests) {}

  @Test
  void aWorkloadsAssertionIsSentOnceWithTheJwtBearerGrant() throws Exception {
    String trusted = "eyJhbGciOiJFUzI1NiJ9.eyJzdWIiOiJ3b3JrbG9hZCJ9.c2lnbmVk";
    String jwtBearer = "urn:ietf:params:oauth:grant-type:jwt-bearer";
    List<Rule> rules =
        List.of(
            new Rule("a trusted assertion gets a token", List.of(), issuer -> trusted, null, 1),
            new Rule(
                "an assertion read with its line end is sent without it",
                List.of("grants=" + jwtBearer),
                issuer -> trusted + "\n",
                null,
                1),
            new Rule(
                "a refused assertion fails the call: sent once, no other grant tried",
                List.of(),
                issuer -> "eyJhbGciOiJFUzI1NiJ9.eyJzdWIiOiJvdGhlciJ9.dW50cnVzdGVk",
                "the authorization server refused the token request: HTTP 400, invalid_grant (the"
                    + " assertion [redacted] is not trusted)",
                1),
            new Rule(
                "an authorization server that does not offer the grant is not sent the assertion",
                List.of("grants=authorization_code+client_credentials"),
                issuer -> trusted,
                "the authorization server ISSUER does not offer the JWT bearer grant (its"
                    + " grant_types_supported: authorization_code client_credentials)",
                0),
            new Rule(
                "an assertion that cannot be had fails the call",
                List.of(),
                issuer -> {
                  throw new IllegalStateException("no token file");
                },
                "the assertion for the authorization server ISSUER could not be had"
                    + " (java.lang.IllegalStateException)",
                0),
            new Rule(
                "no assertion fails the call",
                List.of(),
                issuer -> " ",
                "no assertion was given for the authorization server ISSUER",
                0));
    for (Rule rule : rules) {
      try (TestAuthorizationServer as =
              TestAuthorizationServer.start(rule.options().toArray(String[]::new));
          McpHttpTestServer server = McpHttpTestServer.start()) {
        server.protect(as, Map.of("*", Set.of("mcp:read")));
        as.preRegister("workload", null);
        as.trustedAssertions.add(trusted);
        List<String> asked = new CopyOnWriteArrayList<>();
        McpAuthorization auth =
            McpAuthorization.jwtBearer(
                    "workload",
                    issuer -> {
                      asked.add(issuer);
                      return rule.assertion().apply(issuer);
                    })
                .build();
        if (rule.failure() == null) {
          try (McpClient mcp = McpClient.httpBuilder(server.url()).authorization(auth).build()) {
            assertThat(mcp.call("echo", text("wif")).text()).as(rule.rule()).isEqualTo("echo: wif");
            as.revokeAccessTokens(); // expired: the platform's assertion is asked for again
            assertThat(mcp.call("echo", text("again")).text()).isEqualTo("echo: again");
          }
          assertThat(asked).as(rule.rule()).containsExactly(as.issuer(), as.issuer());
          assertThat(as.requests)
              .as(rule.rule())
              .contains(
                  "POST token grant="
                      + jwtBearer
                      + " auth=none client=workload resource="
                      + server.url()
                      + " scope=mcp:read");
        } else {
          assertThatThrownBy(() -> McpClient.httpBuilder(server.url()).authorization(auth).build())
              .as(rule.rule())
              .isInstanceOf(McpException.class)
              .hasMessageEndingWith(": " + rule.failure().replace("ISSUER", as.issuer()))
              .satisfies(McpAuthorizationTest::isAnAuthorizationFailure);
          assertThat(as.requests)
              .as(rule.rule())
              .filteredOn(r -> r.startsWith("POST token"))
              .hasSize(rule.tokenRequests());
        }
        assertThat(as.requests)
            .as(rule.rule())
            .noneMatch(r -> r.startsWith("GET authorize") || r.startsWith("POST register"));
      }
    }
  }

  @Test
  void aWorkloadsAssertionIsNeitherAskedForNorSentForAnotherAuthorizationServer() throws Exception {
    try (TestAuthorizationServer as = TestAuthorizationServer.start();
        McpHttpTestServer server = McpHttpTestServer.start()) {
      server.protect(as, Map.of());
      as.preRegister("workload", null);
      as.trustedAssertions.add("eyJhbGciOiJFUzI1NiJ9.eyJzdWIiOiJ3b3JrbG9hZCJ9.c2lnbmVk");
      List<String> asked = new CopyOnWriteArrayList<>();
      Function<String, String> platform =
          issuer -> {
            asked.add(issuer);
            return "eyJhbGciOiJFUzI1NiJ9.eyJzdWIiOiJ3b3JrbG9hZCJ9.c2lnbmVk";
          };
      try (McpClient mcp =
          McpClient.httpBuilder(server.url())
              .authorization(
                  McpAuthorization.jwtBearer("workload", platform).issuer(as.issuer()).build())
              .build()) {
        assertThat(mcp.call("echo", text("bound")).text()).isEqualTo("echo: bound");
      }
      assertThat(asked).containsExactly(as.issuer());
      asked.clear();
      assertThatThrownBy(
              () ->
                  McpClient.httpBuilder(server.url())
                      .authorization(
                          McpAuthorization.jwtBearer("workload", platform)
                              .issuer("https://auth.elsewhere.example")
                              .build())
                      .build())
          .isInstanceOf(McpException.class)
          .hasMessageEndingWith(
              ": the server's authorization server is "
                  + as.issuer()
                  + ", not https://auth.elsewhere.example, which the workload's assertion is for:"
                  + " no assertion is sent to it")
          .satisfies(McpAuthorizationTest::isAnAuthorizationFailure);
      assertThat(asked).isEmpty();
      assertThat(as.requests).filteredOn(r -> r.startsWith("POST token")).hasSize(1);
    }
  }

  @Test
  void clientCredentialsAreNeverSentToAnotherAuthorizationServer() throws Exception {
    try (TestAuthorizationServer as = TestAuthorizationServer.start();
        McpHttpTestServer server = McpHttpTestServer.start()) {
      server.protect(as, Map.of());
      as.preRegister("service", "service-s3cret");
      try (McpClient mcp =
          McpClient.httpBuilder(server.url())
              .authorization(
                  McpAuthorization.clientCredentials("service", "service-s3cret")
                      .issuer(as.issuer())
                      .build())
              .build()) {
        assertThat(mcp.call("echo", text("bound")).text()).isEqualTo("echo: bound");
      }
      assertThat(as.requests).filteredOn(r -> r.startsWith("POST token")).hasSize(1);
      assertThatThrownBy(
              () ->
                  McpClient.httpBuilder(server.url())
                      .authorization(
                          McpAuthorization.clientCredentials("service", "service-s3cret")
                              .issuer("https://auth.elsewhere.example")
                              .build())
                      .build())
          .isInstanceOf(McpException.class)
          .hasMessageEndingWith(
              ": the server's authorization server is "
                  + as.issuer()
                  + ", not https://auth.elsewhere.example, which the client's credentials belong"
                  + " to: they are not sent to it")
          .satisfies(McpAuthorizationTest::isAnAuthorizationFailure);
      assertThat(as.requests)
          .as("no token request carried the secret to the other server's client")
          .filteredOn(r -> r.startsWith("POST token"))
          .hasSize(1);
    }
  }

  @Test
  void aPreRegisteredClientIsUsedAndNeverSentToAnotherAuthorizationServer() throws Exception {
    try (TestAuthorizationServer as =
            TestAuthorizationServer.start("no-dcr", "methods=client_secret_post");
        McpHttpTestServer server = McpHttpTestServer.start()) {
      server.protect(as, Map.of());
      as.preRegister("my-app", "my-app-s3cret");
      McpUserAgent agent = McpUserAgent.headless(REDIRECT);
      try (McpClient mcp =
          McpClient.httpBuilder(server.url())
              .authorization(
                  McpAuthorization.authorizationCode(agent)
                      .client("my-app", "my-app-s3cret")
                      .issuer(as.issuer())
                      .build())
              .build()) {
        assertThat(mcp.call("echo", text("pre")).text()).isEqualTo("echo: pre");
      }
      assertThat(as.requests)
          .anyMatch(
              r -> r.startsWith("POST token grant=authorization_code auth=post client=my-app"));
      assertThatThrownBy(
              () ->
                  McpClient.httpBuilder(server.url())
                      .authorization(
                          McpAuthorization.authorizationCode(agent)
                              .client("my-app", "my-app-s3cret")
                              .issuer("https://auth.elsewhere.example")
                              .build())
                      .build())
          .isInstanceOf(McpException.class)
          .hasMessageContaining("which the pre-registered client belongs to")
          .satisfies(McpAuthorizationTest::isAnAuthorizationFailure);
    }
  }

  @Test
  void aClientMetadataDocumentIsTheClientIdWhereTheServerSupportsThem() throws Exception {
    try (TestAuthorizationServer as = TestAuthorizationServer.start("cimd");
        McpHttpTestServer server = McpHttpTestServer.start()) {
      server.protect(as, Map.of());
      try (McpClient mcp =
          McpClient.httpBuilder(server.url())
              .authorization(
                  McpAuthorization.authorizationCode(McpUserAgent.headless(REDIRECT))
                      .clientMetadataDocument("https://app.example.com/oauth/client.json")
                      .build())
              .build()) {
        assertThat(mcp.call("echo", text("doc")).text()).isEqualTo("echo: doc");
      }
      assertThat(as.requests)
          .noneMatch(r -> r.startsWith("POST register"))
          .anyMatch(
              r ->
                  r.startsWith(
                      "GET authorize client_id=https://app.example.com/oauth/client.json "))
          .anyMatch(
              r ->
                  r.startsWith(
                      "POST token grant=authorization_code auth=none client=https://app.example.com/oauth/client.json"));
    }
  }

  @Test
  void anAuthorizationServerThatIsDownFailsTheCallAndTheNextCallTriesAgain() throws Exception {
    try (TestAuthorizationServer as = TestAuthorizationServer.start();
        McpHttpTestServer server = McpHttpTestServer.start()) {
      server.protect(as, Map.of());
      try (McpClient mcp = headless(server)) {
        as.revokeAccessTokens();
        as.status = 503;
        assertThatThrownBy(() -> mcp.call("echo", text("x")))
            .isInstanceOf(McpException.class)
            .hasMessage(
                "MCP server \"test-server\": the person's approval did not complete: the"
                    + " authorization endpoint answered with HTTP 503, not a redirect")
            .satisfies(McpAuthorizationTest::isAnAuthorizationFailure);
        assertThat(mcp.isOpen()).isTrue();
        as.status = 0;
        assertThat(mcp.call("echo", text("back")).text()).isEqualTo("echo: back");
      }
    }
  }

  @Test
  void anUnreachableAuthorizationServerFailsTheHandshakeSayingSo() throws Exception {
    TestAuthorizationServer as = TestAuthorizationServer.start();
    as.close(); // stopped: its port no longer answers
    try (McpHttpTestServer server = McpHttpTestServer.start()) {
      server.protect(as, Map.of());
      assertThatThrownBy(
              () ->
                  McpClient.httpBuilder(server.url())
                      .authorization(
                          McpAuthorization.authorizationCode(McpUserAgent.headless(REDIRECT))
                              .timeout(Duration.ofSeconds(5))
                              .build())
                      .build())
          .isInstanceOf(McpException.class)
          .hasMessageContaining(
              "cannot reach the authorization server's metadata at "
                  + as.issuer()
                  + "/.well-known/oauth-authorization-server (ConnectException)")
          .satisfies(McpAuthorizationTest::isAnAuthorizationFailure);
    }
  }

  @Test
  void aRedirectFromAnotherIssuerIsNotExchangedForAToken() throws Exception {
    try (TestAuthorizationServer as = TestAuthorizationServer.start("wrong-iss");
        McpHttpTestServer server = McpHttpTestServer.start()) {
      server.protect(as, Map.of());
      assertThatThrownBy(() -> headless(server))
          .isInstanceOf(McpException.class)
          .hasMessageContaining(
              "the redirect names the authorization server https://evil.example, not "
                  + as.issuer()
                  + " (RFC 9207): its code is not used");
      assertThat(as.requests).noneMatch(r -> r.startsWith("POST token"));
    }
  }

  @Test
  void metadataThatNamesAnotherIssuerIsNotUsed() throws Exception {
    try (TestAuthorizationServer as = TestAuthorizationServer.start("wrong-metadata-issuer");
        McpHttpTestServer server = McpHttpTestServer.start()) {
      server.protect(as, Map.of());
      assertThatThrownBy(() -> headless(server))
          .isInstanceOf(McpException.class)
          .hasMessageContaining("is not its own")
          .hasMessageContaining("names the issuer https://evil.example");
      assertThat(as.requests)
          .noneMatch(r -> r.startsWith("POST ") || r.startsWith("GET authorize"));
    }
  }

  @Test
  void anAuthorizationServerThatWantsAPersonFailsTheHeadlessAgentSayingWhatToUse()
      throws Exception {
    try (TestAuthorizationServer as = TestAuthorizationServer.start("person");
        McpHttpTestServer server = McpHttpTestServer.start()) {
      server.protect(as, Map.of());
      assertThatThrownBy(() -> headless(server))
          .isInstanceOf(McpException.class)
          .hasMessageContaining("it wants a person to approve; use McpUserAgent.loopback(...)");
    }
  }

  @Test
  void withoutAnAuthorizationA401SaysHowToSetOne() throws Exception {
    try (TestAuthorizationServer as = TestAuthorizationServer.start();
        McpHttpTestServer server = McpHttpTestServer.start()) {
      server.protect(as, Map.of());
      assertThatThrownBy(() -> McpClient.http(server.url()))
          .isInstanceOf(McpException.class)
          .hasMessageContaining(
              "set McpClient.HttpBuilder.authorization(...) for a server that uses OAuth")
          .satisfies(e -> assertThat(((McpException) e).httpStatus()).hasValue(401));
    }
  }

  @Test
  void buildersRefuseWhatCannotWork() {
    McpUserAgent agent = McpUserAgent.headless(REDIRECT);
    assertThatThrownBy(
            () ->
                McpAuthorization.clientCredentials("id", "s")
                    .clientMetadataDocument("https://a.example/c.json"))
        .isInstanceOf(IllegalStateException.class);
    assertThatThrownBy(
            () ->
                McpAuthorization.authorizationCode(agent)
                    .clientMetadataDocument("http://a.example/c.json"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage(
            "a client ID metadata document must be at an https URL with a path: http://a.example/c.json");
    assertThatThrownBy(() -> McpUserAgent.headless("/callback"))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> McpAuthorization.jwtBearer(" ", issuer -> "a"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("clientId must not be blank");
    assertThatThrownBy(() -> McpAuthorization.jwtBearer("id", null))
        .isInstanceOf(NullPointerException.class)
        .hasMessage("assertion must not be null");
    assertThatThrownBy(() -> McpAuthorization.jwtBearer("id", issuer -> "a").client("id", null))
        .isInstanceOf(IllegalStateException.class)
        .hasMessage("client(...) applies to the authorization-code grant, not to JWT bearer");
    assertThat(McpAuthorization.jwtBearer("workload", issuer -> "a").issuer("https://as").build())
        .hasToString("McpAuthorization[JWT bearer, client workload, issuer https://as]");
    assertThatThrownBy(
            () ->
                McpClient.httpBuilder("https://mcp.example.com/mcp")
                    .bearerToken("t0ken")
                    .authorization(McpAuthorization.authorizationCode(agent).build())
                    .build())
        .isInstanceOf(IllegalStateException.class)
        .hasMessage(
            "set either authorization(...) or an Authorization header (bearerToken), not both");
  }
}
