package io.github.kimisdk.mcp.conformance;

import io.github.kimisdk.json.Json;
import io.github.kimisdk.json.JsonArray;
import io.github.kimisdk.json.JsonBoolean;
import io.github.kimisdk.json.JsonNumber;
import io.github.kimisdk.json.JsonObject;
import io.github.kimisdk.json.JsonString;
import io.github.kimisdk.json.JsonValue;
import io.github.kimisdk.mcp.McpAuthorization;
import io.github.kimisdk.mcp.McpClient;
import io.github.kimisdk.mcp.McpElicitation;
import io.github.kimisdk.mcp.McpException;
import io.github.kimisdk.mcp.McpProtocol;
import io.github.kimisdk.mcp.McpSkill;
import io.github.kimisdk.mcp.McpSkills;
import io.github.kimisdk.mcp.McpTool;
import io.github.kimisdk.mcp.McpUserAgent;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.spec.PKCS8EncodedKeySpec;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The client the official MCP conformance suite runs ({@code @modelcontextprotocol/conformance}):
 * {@code conformance client --command "java ... EverythingClient" --scenario NAME} starts a test
 * server for the scenario and runs this program with its URL as the last argument, the scenario in
 * {@code MCP_CONFORMANCE_SCENARIO}, the protocol version in {@code
 * MCP_CONFORMANCE_PROTOCOL_VERSION} and the scenario's data (credentials, calls) in {@code
 * MCP_CONFORMANCE_CONTEXT}.
 *
 * <p>It uses kimi-sdk-mcp's public API only (it lives in a package of its own): each scenario
 * chooses what to call and what a user would answer; the SDK does the protocol, the authorization
 * and the checks. It exits 0 when the scenario's calls succeeded, 1 otherwise (scenarios in which
 * the client must refuse allow that).
 */
public final class EverythingClient {

  /** The client ID metadata document URL the suite's authorization servers expect. */
  static final String CLIENT_METADATA_DOCUMENT =
      "https://conformance-test.local/client-metadata.json";

  /** A redirect URI nothing listens on: the suite's authorization servers approve at once. */
  static final String REDIRECT_URI = "http://localhost:3000/callback";

  private final String url;
  private final String version;
  private final JsonObject context;

  private EverythingClient(String url, String version, JsonObject context) {
    this.url = url;
    this.version = version;
    this.context = context;
  }

  /**
   * Runs one scenario.
   *
   * @param args the server's URL, last
   */
  public static void main(String[] args) {
    String scenario = System.getenv().getOrDefault("MCP_CONFORMANCE_SCENARIO", "");
    // Suites before 0.2 name no version: the client then speaks 2025-11-25 and older.
    String version = System.getenv("MCP_CONFORMANCE_PROTOCOL_VERSION");
    String raw = System.getenv("MCP_CONFORMANCE_CONTEXT");
    JsonObject context =
        raw == null || raw.isBlank() ? JsonObject.of() : Json.parse(raw).asObject();
    if (args.length == 0) {
      System.err.println("usage: EverythingClient <server URL>");
      System.exit(2);
    }
    try {
      new EverythingClient(args[args.length - 1], version, context).run(scenario);
      System.exit(0);
    } catch (RuntimeException e) {
      System.err.println("scenario " + scenario + " at " + version + " failed: " + e);
      System.exit(1);
    }
  }

  private void run(String scenario) {
    if (scenario.startsWith("auth/")) {
      authorized(scenario);
      return;
    }
    switch (scenario) {
      case "elicitation-sep1034-client-defaults":
        try (McpClient mcp =
            builder().elicitation(r -> McpElicitation.Result.accept(JsonObject.of())).build()) {
          mcp.listTools();
          mcp.call("test_client_elicitation_defaults", null);
        }
        return;
      case "sse-retry":
        try (McpClient mcp = builder().build()) {
          mcp.call("test_reconnection", null);
        }
        return;
      case "sep-2322-client-request-state":
        requestState();
        return;
      case "http-standard-headers":
        try (McpClient mcp = builder().build()) {
          List<McpTool> tools = mcp.listTools();
          for (McpTool t : tools) {
            mcp.call(t, arguments(t));
          }
          JsonValue resources = mcp.request("resources/list", null);
          if (resources.get("resources") instanceof JsonArray list && !list.values().isEmpty()) {
            mcp.request("resources/read", JsonObject.of("uri", list.values().get(0).get("uri")));
          }
          JsonValue prompts = mcp.request("prompts/list", null);
          if (prompts.get("prompts") instanceof JsonArray list && !list.values().isEmpty()) {
            mcp.request("prompts/get", JsonObject.of("name", list.values().get(0).get("name")));
          }
        }
        return;
      case "http-custom-headers":
        try (McpClient mcp = builder().build()) {
          mcp.listTools();
          for (JsonValue call : context.get("toolCalls").asArray().values()) {
            mcp.call(call.get("name").asString(), call.get("arguments"));
          }
        }
        return;
      case "http-invalid-tool-headers":
        try (McpClient mcp = builder().build()) {
          for (McpTool t : mcp.listTools()) { // the invalid tools are left out of the list
            mcp.call(t, arguments(t));
          }
        }
        return;
      case "json-schema-ref-no-deref":
        try (McpClient mcp = builder().build()) {
          mcp.listTools();
        }
        return;
      case "json-schema-2020-12-preservation":
        try (McpClient mcp = builder().build()) {
          McpTool focal =
              mcp.listTools().stream()
                  .filter(t -> t.name().equals("json_schema_2020_12_tool"))
                  .findFirst()
                  .orElseThrow();
          mcp.call("json_schema_echo", JsonObject.of("schema", focal.inputSchema()));
        }
        return;
      default:
        if (scenario.startsWith("sep-2640-")) {
          skills(!scenario.equals("sep-2640-client-no-prefetch"));
          return;
        }
        // initialize, tools_call, request-metadata: connect, list, call what is offered.
        try (McpClient mcp = builder().build()) {
          for (McpTool t : mcp.listTools()) {
            if (t.name().equals("add_numbers")) {
              mcp.call(t, JsonObject.of("a", JsonNumber.of(2), "b", JsonNumber.of(3)));
            }
          }
        }
    }
  }

  private McpClient.HttpBuilder builder() {
    McpClient.HttpBuilder b =
        McpClient.httpBuilder(url)
            .callTimeout(Duration.ofSeconds(20))
            .initializeTimeout(Duration.ofSeconds(20));
    return version == null ? b.protocol(McpProtocol.LEGACY) : b.protocolVersion(version);
  }

  /**
   * The four multi-round-trip tools: the first is answered with the user's confirmation, and while
   * the client asks for it, an unrelated call goes out, which must carry none of the first's input.
   */
  private void requestState() {
    AtomicReference<McpClient> client = new AtomicReference<>();
    McpElicitation confirm =
        r -> {
          client.get().call("test_mrtr_unrelated", null);
          return McpElicitation.Result.accept(JsonObject.of("confirmed", JsonBoolean.TRUE));
        };
    try (McpClient mcp = builder().elicitation(confirm).build()) {
      client.set(mcp);
      mcp.listTools();
      mcp.call("test_mrtr_echo_state", null);
      mcp.call("test_mrtr_no_state", null);
      mcp.call("test_mrtr_no_result_type", null);
    }
  }

  /**
   * The skills extension: lists the skills and, when {@code load}, loads each (its SKILL.md
   * checked), then reads its other files; a skill that fails its check is not used further.
   */
  private void skills(boolean load) {
    try (McpClient mcp = builder().build()) {
      McpSkills skills = McpSkills.of(mcp);
      for (McpSkill skill : skills.list()) {
        if (!load) {
          continue; // a host reads a skill's files only when it loads the skill
        }
        try {
          skills.load(skill);
        } catch (McpException e) {
          System.err.println("not loaded: " + e.getMessage());
          continue;
        }
        for (McpSkill.Resource r : skill.resources()) {
          if (!r.uri().equals(skill.uri())) {
            skills.read(skill, r.uri());
          }
        }
      }
    }
  }

  /** Arguments for a tool, from its schema: a value of each property's type. */
  private static JsonObject arguments(McpTool tool) {
    JsonObject.Builder args = JsonObject.builder();
    if (tool.inputSchema() instanceof JsonObject s && s.get("properties") instanceof JsonObject p) {
      for (Map.Entry<String, JsonValue> e : p.members().entrySet()) {
        String type =
            e.getValue() instanceof JsonObject o && o.get("type") instanceof JsonString t
                ? t.value()
                : "string";
        switch (type) {
          case "integer":
          case "number":
            args.put(e.getKey(), 1);
            break;
          case "boolean":
            args.put(e.getKey(), true);
            break;
          default:
            args.put(e.getKey(), "us-west1");
        }
      }
    }
    return args.build();
  }

  // ---- authorization ----

  private void authorized(String scenario) {
    McpAuthorization auth = authorization(scenario);
    try (McpClient mcp = builder().authorization(auth).build()) {
      mcp.listTools();
      mcp.call("test-tool", null);
    }
  }

  private McpAuthorization authorization(String scenario) {
    switch (scenario) {
      case "auth/client-credentials-basic":
        return McpAuthorization.clientCredentials(text("client_id"), text("client_secret")).build();
      case "auth/client-credentials-jwt":
        return McpAuthorization.clientCredentials(text("client_id"), key(text("private_key_pem")))
            .build();
      case "auth/wif-jwt-bearer":
        {
          String assertion = text("valid_jwt"); // the platform's token, for this issuer
          return McpAuthorization.jwtBearer(text("client_id"), issuer -> assertion).build();
        }
      case "auth/enterprise-managed-authorization":
      case "auth/cross-app-access-complete-flow": // its name in suites before 0.2
        {
          String idToken = text("idp_id_token"); // from the person's single sign-on
          return McpAuthorization.enterpriseManaged(
                  text("client_id"),
                  text("client_secret"),
                  text("idp_token_endpoint"),
                  () -> idToken)
              .identityProviderClient(text("idp_client_id"), null)
              .build();
        }
      case "auth/pre-registration":
        {
          McpAuthorization.Builder b =
              McpAuthorization.authorizationCode(McpUserAgent.headless(REDIRECT_URI))
                  .client(text("client_id"), text("client_secret"));
          if (context.get("issuer") instanceof JsonString issuer) {
            b.issuer(issuer.value());
          }
          return b.build();
        }
      default:
        return McpAuthorization.authorizationCode(McpUserAgent.headless(REDIRECT_URI))
            .clientMetadataDocument(CLIENT_METADATA_DOCUMENT)
            .clientName("kimi-sdk conformance client")
            .timeout(Duration.ofSeconds(10))
            .userTimeout(Duration.ofSeconds(10))
            .build();
    }
  }

  private String text(String name) {
    JsonValue v = context.get(name);
    if (!(v instanceof JsonString s)) {
      throw new IllegalStateException("the scenario's context has no " + name);
    }
    return s.value();
  }

  private static PrivateKey key(String pem) {
    String base64 =
        pem.replace("-----BEGIN PRIVATE KEY-----", "")
            .replace("-----END PRIVATE KEY-----", "")
            .replaceAll("\\s", "");
    try {
      return KeyFactory.getInstance("EC")
          .generatePrivate(new PKCS8EncodedKeySpec(Base64.getDecoder().decode(base64)));
    } catch (java.security.GeneralSecurityException e) {
      throw new IllegalStateException("cannot read the scenario's private key", e);
    }
  }
}
