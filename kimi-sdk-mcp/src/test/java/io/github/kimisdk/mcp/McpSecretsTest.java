package io.github.kimisdk.mcp;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import io.github.kimisdk.json.JsonObject;
import io.github.kimisdk.json.JsonString;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.spec.ECGenParameterSpec;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Supplier;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * No token, secret, code, verifier or assertion appears in a log line, an exception (message,
 * causes, stack trace) or a {@code toString}: every authorization flow the client knows, and the
 * ways they fail, run with every log level on, and everything they printed or threw is searched for
 * every secret the authorization server issued or received (the assertions a workload gives for the
 * JWT bearer grant among them).
 */
class McpSecretsTest {

  private final List<String> printed = new CopyOnWriteArrayList<>();
  private final Logger logger = Logger.getLogger("io.github.kimisdk.mcp");
  private final Handler capture =
      new Handler() {
        @Override
        public void publish(LogRecord r) {
          String message = r.getMessage();
          if (r.getParameters() != null) {
            message = java.text.MessageFormat.format(message, r.getParameters());
          }
          printed.add(message);
          if (r.getThrown() != null) {
            printed.add(trace(r.getThrown()));
          }
        }

        @Override
        public void flush() {}

        @Override
        public void close() {}
      };
  private Level before;

  @BeforeEach
  void captureEveryLogLevel() {
    before = logger.getLevel();
    logger.setLevel(Level.ALL);
    logger.addHandler(capture);
  }

  @AfterEach
  void stopCapturing() {
    logger.removeHandler(capture);
    logger.setLevel(before);
  }

  private static String trace(Throwable t) {
    StringWriter s = new StringWriter();
    t.printStackTrace(new PrintWriter(s));
    return s.toString();
  }

  /** Runs {@code action}, keeping what it threw and what its result prints. */
  private void run(Supplier<?> action) {
    try {
      printed.add(String.valueOf(action.get()));
    } catch (RuntimeException e) {
      printed.add(e.getMessage());
      printed.add(e.toString());
      printed.add(trace(e));
    }
  }

  /** The private half of an authorization's DPoP key, as the texts it could leak in. */
  private static List<String> privateKey(McpAuthorization a) throws ReflectiveOperationException {
    java.lang.reflect.Field f = a.settings().dpopKey().getClass().getDeclaredField("keys");
    f.setAccessible(true);
    java.security.interfaces.ECPrivateKey k =
        (java.security.interfaces.ECPrivateKey)
            ((KeyPair) f.get(a.settings().dpopKey())).getPrivate();
    byte[] s = k.getS().toByteArray();
    return List.of(
        k.getS().toString(),
        k.getS().toString(16),
        java.util.Base64.getUrlEncoder().withoutPadding().encodeToString(s).substring(2, 30),
        java.util.Base64.getEncoder().encodeToString(k.getEncoded()).substring(40, 80));
  }

  private static String ping(McpClient mcp) {
    mcp.ping();
    return "pinged";
  }

  private static JsonObject text(String t) {
    return JsonObject.of("text", JsonString.of(t));
  }

  @Test
  void noSecretAppearsInALogLineAnExceptionOrAString() throws Exception {
    List<String> secrets = new ArrayList<>();
    McpTokenStore store = McpTokenStore.inMemory();
    McpUserAgent agent = McpUserAgent.headless("http://localhost:3000/callback");
    try (TestAuthorizationServer as =
            TestAuthorizationServer.start("refresh", "expires=1", "deny=mcp:admin");
        McpHttpTestServer server = McpHttpTestServer.start()) {
      server.protect(as, Map.of("*", Set.of("mcp:read"), "tools/call", Set.of("mcp:admin")));
      // The authorization code with dynamic registration, refreshes, and a refused step-up.
      McpAuthorization code = McpAuthorization.authorizationCode(agent).tokenStore(store).build();
      try (McpClient mcp = McpClient.httpBuilder(server.url()).authorization(code).build()) {
        run(mcp::listTools);
        run(() -> mcp.call("echo", text("refused")));
        as.revokeAccessTokens();
        run(() -> ping(mcp));
        as.status = 503; // and an authorization server in trouble
        as.revokeAccessTokens();
        run(() -> ping(mcp));
        as.status = 0;
        printed.add(mcp.toString());
      }
      printed.add(code.toString());
      printed.add(store.toString());
      printed.add(String.valueOf(store.load(server.url(), as.issuer())));
      printed.add(agent.toString());

      // Client credentials with a secret, and with a signed assertion.
      as.preRegister("service", "service-s3cret-value");
      secrets.add("service-s3cret-value");
      McpAuthorization cc =
          McpAuthorization.clientCredentials("service", "service-s3cret-value").build();
      try (McpClient mcp = McpClient.httpBuilder(server.url()).authorization(cc).build()) {
        run(mcp::listTools);
        printed.add(mcp.toString());
      }
      printed.add(cc.toString());
      KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
      g.initialize(new ECGenParameterSpec("secp256r1"));
      KeyPair keys = g.generateKeyPair();
      as.assertionKey = keys.getPublic();
      as.preRegister("signer", null);
      McpAuthorization jwt =
          McpAuthorization.clientCredentials("signer", keys.getPrivate()).build();
      try (McpClient mcp = McpClient.httpBuilder(server.url()).authorization(jwt).build()) {
        run(mcp::listTools);
      }
      printed.add(jwt.toString());

      // A workload's assertion (the JWT bearer grant), and one the token endpoint refuses, naming
      // it in its refusal.
      String trusted = "eyJhbGciOiJFUzI1NiJ9.eyJzdWIiOiJ3b3JrbG9hZCJ9.dHJ1c3RlZC1zM2NyZXQ";
      String untrusted = "eyJhbGciOiJFUzI1NiJ9.eyJzdWIiOiJvdGhlciJ9.dW50cnVzdGVkLXMzY3JldA";
      secrets.add(trusted);
      secrets.add(untrusted);
      as.preRegister("workload", null);
      as.trustedAssertions.add(trusted);
      McpAuthorization wif = McpAuthorization.jwtBearer("workload", issuer -> trusted).build();
      try (McpClient mcp = McpClient.httpBuilder(server.url()).authorization(wif).build()) {
        run(mcp::listTools);
        as.revokeAccessTokens();
        run(() -> ping(mcp));
        printed.add(mcp.toString());
      }
      printed.add(wif.toString());
      McpAuthorization refused =
          McpAuthorization.jwtBearer("workload", issuer -> untrusted + "\n").build();
      run(() -> McpClient.httpBuilder(server.url()).authorization(refused).build());
      printed.add(refused.toString());

      // Tokens bound to the client's key (DPoP), with both servers' nonces; and an authorization
      // server that quotes the proof it refuses.
      try (TestAuthorizationServer bindingAs =
              TestAuthorizationServer.start("dpop", "dpop-nonce", "refresh", "expires=1");
          McpHttpTestServer bindingServer = McpHttpTestServer.start("dpop", "dpop-nonce")) {
        bindingServer.protect(bindingAs, Map.of());
        McpAuthorization bound = McpAuthorization.authorizationCode(agent).build();
        try (McpClient mcp =
            McpClient.httpBuilder(bindingServer.url()).authorization(bound).build()) {
          run(mcp::listTools);
          bindingAs.revokeAccessTokens();
          run(() -> ping(mcp));
          printed.add(mcp.toString());
        }
        printed.add(bound.toString());
        printed.add(bound.settings().toString());
        printed.add(bound.settings().dpopKey().toString());
        secrets.addAll(privateKey(bound));
        secrets.addAll(bindingAs.secrets);
        assertThat(bindingAs.secrets).as("proofs seen").anyMatch(p -> p.startsWith("eyJ"));
      }
      try (TestAuthorizationServer refusing = TestAuthorizationServer.start("dpop", "dpop-refuse");
          McpHttpTestServer bindingServer = McpHttpTestServer.start("dpop")) {
        bindingServer.protect(refusing, Map.of());
        McpAuthorization bound = McpAuthorization.authorizationCode(agent).build();
        run(() -> McpClient.httpBuilder(bindingServer.url()).authorization(bound).build());
        secrets.addAll(privateKey(bound));
        secrets.addAll(refusing.secrets);
      }

      // Enterprise-managed authorization: an ID token exchanged for a grant, and an identity
      // provider that quotes the ID token it refuses.
      as.preRegister("enterprise-agent", "enterprise-s3cret-value");
      secrets.add("enterprise-s3cret-value");
      secrets.add("idp-s3cret-value");
      for (String option : new String[] {"", "refuse"}) {
        try (TestIdentityProvider idp = TestIdentityProvider.start(as, option)) {
          McpAuthorization sso =
              McpAuthorization.enterpriseManaged(
                      "enterprise-agent",
                      "enterprise-s3cret-value",
                      idp.tokenEndpoint(),
                      () -> TestIdentityProvider.ID_TOKEN)
                  .identityProviderClient("sso-client", "idp-s3cret-value")
                  .build();
          run(
              () -> {
                try (McpClient mcp =
                    McpClient.httpBuilder(server.url()).authorization(sso).build()) {
                  return mcp.listTools();
                }
              });
          printed.add(sso.toString());
          secrets.addAll(idp.secrets);
        }
      }

      // A pre-registered client whose secret the token endpoint refuses.
      McpAuthorization wrong =
          McpAuthorization.authorizationCode(agent).client("service", "wrong-s3cret-value").build();
      secrets.add("wrong-s3cret-value");
      run(() -> McpClient.httpBuilder(server.url()).authorization(wrong).build());
      printed.add(wrong.toString());
      secrets.addAll(as.secrets);
    }
    // A bearer token a server echoes back in its error.
    String bearer = "bearer-s3cret-value";
    secrets.add(bearer);
    HttpServer echo =
        HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    echo.createContext(
        "/mcp",
        ex -> {
          byte[] b =
              ("bad request from " + ex.getRequestHeaders().getFirst("Authorization"))
                  .getBytes(StandardCharsets.UTF_8);
          ex.sendResponseHeaders(400, b.length);
          ex.getResponseBody().write(b);
          ex.close();
        });
    echo.start();
    try {
      run(
          () ->
              McpClient.httpBuilder("http://127.0.0.1:" + echo.getAddress().getPort() + "/mcp")
                  .bearerToken(bearer)
                  .build());
    } finally {
      echo.stop(0);
    }

    assertThat(secrets).as("the secrets searched for").hasSizeGreaterThan(10);
    assertThat(String.join("\n", printed))
        .as("what was logged and thrown (so that the search finds something)")
        .contains("asking the person to approve")
        .contains("did not grant when asked")
        .contains("HTTP 503")
        .contains("invalid_client")
        .contains("invalid_grant (the assertion [redacted] is not trusted)")
        .contains("invalid_dpop_proof (not this one: [redacted])")
        .contains("invalid_grant (not for [redacted])")
        .contains("binding tokens to the client's key (DPoP, thumbprint")
        .contains("bad request from [redacted]");
    for (String p : printed) {
      for (String secret : secrets) {
        assertThat(p).as("a log line, exception or string").doesNotContain(secret);
      }
    }
  }
}
