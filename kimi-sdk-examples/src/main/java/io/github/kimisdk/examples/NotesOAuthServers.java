package io.github.kimisdk.examples;

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
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * The two servers {@link McpOAuthAgent} talks to when no URL is given, in this process on loopback
 * (the JDK's HTTP server): an OAuth 2.1 authorization server that registers clients (RFC 7591),
 * approves at once (no person to ask here) and issues tokens for PKCE-checked codes; and a notes
 * MCP server of protocol version 2026-07-28 that requires its tokens, says where to get them
 * (protected resource metadata, RFC 9728), and asks the client's model to summarize the notes
 * (sampling, in an {@code input_required} result). Written for the example, not for production.
 */
final class NotesOAuthServers implements AutoCloseable {

  /**
   * The redirect URI the example registers; nothing listens there (the server approves at once).
   */
  static final String REDIRECT = "http://127.0.0.1:8976/callback";

  private final HttpServer auth;
  private final HttpServer mcp;
  private final SecureRandom random = new SecureRandom();
  private final Map<String, String> challenges = new ConcurrentHashMap<>();
  private final Set<String> tokens = ConcurrentHashMap.newKeySet();
  private final List<String> notes = new CopyOnWriteArrayList<>();
  private final List<String> seen = new CopyOnWriteArrayList<>();

  private NotesOAuthServers() throws IOException {
    InetSocketAddress any = new InetSocketAddress(InetAddress.getLoopbackAddress(), 0);
    auth = HttpServer.create(any, 0);
    mcp = HttpServer.create(any, 0);
    auth.createContext("/", this::authorizationServer);
    mcp.createContext("/", this::mcpServer);
    auth.start();
    mcp.start();
  }

  static NotesOAuthServers start() {
    try {
      return new NotesOAuthServers();
    } catch (IOException e) {
      throw new IllegalStateException("cannot listen on loopback: " + e.getMessage(), e);
    }
  }

  String issuer() {
    return "http://127.0.0.1:" + auth.getAddress().getPort();
  }

  String mcpUrl() {
    return "http://127.0.0.1:" + mcp.getAddress().getPort() + "/mcp";
  }

  /** What the authorization server did, in order. */
  List<String> authorizationLog() {
    return List.copyOf(seen);
  }

  @Override
  public void close() {
    auth.stop(0);
    mcp.stop(0);
  }

  // ---- the authorization server ----

  private void authorizationServer(HttpExchange ex) throws IOException {
    try (ex) {
      switch (ex.getRequestURI().getPath()) {
        case "/.well-known/oauth-authorization-server":
          json(
              ex,
              200,
              JsonObject.builder()
                  .put("issuer", issuer())
                  .put("authorization_endpoint", issuer() + "/authorize")
                  .put("token_endpoint", issuer() + "/token")
                  .put("registration_endpoint", issuer() + "/register")
                  .put("response_types_supported", strings("code"))
                  .put("grant_types_supported", strings("authorization_code", "refresh_token"))
                  .put("code_challenge_methods_supported", strings("S256"))
                  .put("token_endpoint_auth_methods_supported", strings("none"))
                  .put("authorization_response_iss_parameter_supported", true)
                  .build());
          return;
        case "/register":
          {
            JsonObject body = Json.parse(ex.getRequestBody().readAllBytes()).asObject();
            seen.add("registered " + body.get("client_name"));
            json(
                ex,
                201,
                JsonObject.builder()
                    .put("client_id", "notes-client-" + (seen.size()))
                    .put("redirect_uris", body.get("redirect_uris"))
                    .put("token_endpoint_auth_method", "none")
                    .build());
            return;
          }
        case "/authorize":
          {
            Map<String, String> q = form(ex.getRequestURI().getRawQuery());
            String code = secret();
            challenges.put(code, q.getOrDefault("code_challenge", ""));
            seen.add(
                "approved "
                    + q.get("client_id")
                    + " for "
                    + q.get("resource")
                    + " (PKCE "
                    + q.get("code_challenge_method")
                    + ")");
            String back =
                q.get("redirect_uri")
                    + "?code="
                    + code
                    + "&state="
                    + URLEncoder.encode(q.getOrDefault("state", ""), StandardCharsets.UTF_8)
                    + "&iss="
                    + URLEncoder.encode(issuer(), StandardCharsets.UTF_8);
            ex.getResponseHeaders().set("Location", back);
            ex.sendResponseHeaders(302, -1);
            return;
          }
        case "/token":
          {
            Map<String, String> f =
                form(new String(ex.getRequestBody().readAllBytes(), StandardCharsets.UTF_8));
            String challenge = challenges.remove(f.getOrDefault("code", ""));
            if (challenge == null || !challenge.equals(s256(f.getOrDefault("code_verifier", "")))) {
              json(ex, 400, JsonObject.of("error", JsonString.of("invalid_grant")));
              return;
            }
            String token = secret();
            tokens.add(token);
            seen.add("issued a token for " + f.get("resource") + " (code verifier checked)");
            json(
                ex,
                200,
                JsonObject.builder()
                    .put("access_token", token)
                    .put("token_type", "Bearer")
                    .put("expires_in", 3600)
                    .put("scope", "notes")
                    .build());
            return;
          }
        default:
          json(ex, 404, JsonObject.of("error", JsonString.of("not_found")));
      }
    }
  }

  // ---- the MCP server (2026-07-28: each POST stands alone, its answer is JSON) ----

  private void mcpServer(HttpExchange ex) throws IOException {
    try (ex) {
      String metadata = "/.well-known/oauth-protected-resource/mcp";
      if (ex.getRequestURI().getPath().equals(metadata)) {
        json(
            ex,
            200,
            JsonObject.builder()
                .put("resource", mcpUrl())
                .put("authorization_servers", strings(issuer()))
                .put("scopes_supported", strings("notes"))
                .build());
        return;
      }
      if (!ex.getRequestMethod().equals("POST") || !ex.getRequestURI().getPath().equals("/mcp")) {
        json(ex, 405, JsonObject.of());
        return;
      }
      String authorization = ex.getRequestHeaders().getFirst("Authorization");
      if (authorization == null || !tokens.contains(authorization.replaceFirst("^Bearer ", ""))) {
        ex.getResponseHeaders()
            .set(
                "WWW-Authenticate",
                "Bearer resource_metadata=\""
                    + mcpUrl().replace("/mcp", metadata)
                    + "\", scope=\"notes\"");
        json(ex, 401, JsonObject.of("error", JsonString.of("invalid_token")));
        return;
      }
      JsonObject request = Json.parse(ex.getRequestBody().readAllBytes()).asObject();
      JsonValue id = request.get("id");
      String method = request.get("method").asString();
      JsonObject params = request.get("params") instanceof JsonObject p ? p : JsonObject.of();
      JsonValue meta = params.get("_meta");
      if (!(meta instanceof JsonObject m)
          || !JsonString.of("2026-07-28")
              .equals(m.get("io.modelcontextprotocol/protocolVersion"))) {
        JsonObject data = JsonObject.of("supported", strings("2026-07-28"));
        json(ex, 400, error(id, -32022, "Unsupported protocol version", data));
        return;
      }
      switch (method) {
        case "server/discover":
          answer(
              ex,
              id,
              complete()
                  .put("supportedVersions", strings("2026-07-28"))
                  .put("capabilities", JsonObject.of("tools", JsonObject.of()))
                  .put(
                      "_meta",
                      JsonObject.of(
                          "io.modelcontextprotocol/serverInfo",
                          JsonObject.of(
                              "name",
                              JsonString.of("notes-oauth"),
                              "version",
                              JsonString.of("1.0"))))
                  .build());
          return;
        case "tools/list":
          answer(
              ex,
              id,
              complete()
                  .put(
                      "tools",
                      JsonArray.of(
                          tool(
                              "notes_add",
                              "Saves a note",
                              "{\"text\":{\"type\":\"string\"}}",
                              "[\"text\"]"),
                          tool(
                              "notes_summarize",
                              "Summarizes the notes with the client's model",
                              "{}",
                              "[]")))
                  .put("ttlMs", 60_000)
                  .put("cacheScope", "private")
                  .build());
          return;
        case "tools/call":
          answer(ex, id, call(params));
          return;
        default:
          json(ex, 404, error(id, -32601, "Method not found: " + method, null));
      }
    }
  }

  private JsonObject call(JsonObject params) {
    String name = params.get("name").asString();
    JsonObject args = params.get("arguments") instanceof JsonObject a ? a : JsonObject.of();
    if (name.equals("notes_add")) {
      notes.add(args.get("text").asString());
      return text("Saved note " + notes.size() + ".");
    }
    if (name.equals("notes_summarize")) {
      if (params.get("inputResponses") instanceof JsonObject answers
          && answers.get("summary") instanceof JsonObject sampled) {
        return text("Summary: " + sampled.get("content").get("text").asString());
      }
      StringBuilder list = new StringBuilder();
      for (int i = 0; i < notes.size(); i++) {
        list.append(i == 0 ? "" : "; ").append(i + 1).append(". ").append(notes.get(i));
      }
      // The server has no model: it asks the client's (sampling), and is asked again with the
      // answer.
      JsonObject sampling =
          JsonObject.builder()
              .put(
                  "messages",
                  JsonArray.of(
                      JsonObject.of(
                          "role",
                          JsonString.of("user"),
                          "content",
                          JsonObject.of(
                              "type",
                              JsonString.of("text"),
                              "text",
                              JsonString.of("Summarize these notes in one line: " + list)))))
              .put("maxTokens", 200)
              .build();
      return JsonObject.builder()
          .put("resultType", "input_required")
          .put(
              "inputRequests",
              JsonObject.of(
                  "summary",
                  JsonObject.of(
                      "method", JsonString.of("sampling/createMessage"), "params", sampling)))
          .build();
    }
    return JsonObject.builder().put("content", JsonArray.of()).put("isError", true).build();
  }

  private static JsonObject tool(
      String name, String description, String properties, String required) {
    return Json.parse(
            "{\"name\":\""
                + name
                + "\",\"description\":\""
                + description
                + "\",\"inputSchema\":{\"type\":\"object\",\"properties\":"
                + properties
                + ",\"required\":"
                + required
                + "}}")
        .asObject();
  }

  private static JsonObject text(String text) {
    return complete()
        .put(
            "content",
            JsonArray.of(JsonObject.of("type", JsonString.of("text"), "text", JsonString.of(text))))
        .build();
  }

  /** A result that is complete: its {@code resultType} put first. */
  private static JsonObject.Builder complete() {
    return JsonObject.builder().put("resultType", "complete");
  }

  /** Answers request {@code id} with the result. */
  private static void answer(HttpExchange ex, JsonValue id, JsonObject result) throws IOException {
    json(ex, 200, result(id, result));
  }

  private static JsonObject result(JsonValue id, JsonObject result) {
    return JsonObject.of("jsonrpc", JsonString.of("2.0"), "id", id, "result", result);
  }

  private static JsonObject error(JsonValue id, int code, String message, JsonObject data) {
    JsonObject.Builder e = JsonObject.builder().put("code", code).put("message", message);
    if (data != null) {
      e.put("data", data);
    }
    return JsonObject.of("jsonrpc", JsonString.of("2.0"), "id", id, "error", e.build());
  }

  private static JsonArray strings(String... values) {
    List<JsonValue> out = new ArrayList<>();
    for (String v : values) {
      out.add(JsonString.of(v));
    }
    return JsonArray.of(out);
  }

  private static void json(HttpExchange ex, int status, JsonObject body) throws IOException {
    byte[] b = Json.write(body).getBytes(StandardCharsets.UTF_8);
    ex.getResponseHeaders().set("Content-Type", "application/json");
    ex.sendResponseHeaders(status, b.length);
    ex.getResponseBody().write(b);
  }

  private static Map<String, String> form(String raw) {
    Map<String, String> out = new LinkedHashMap<>();
    if (raw != null && !raw.isEmpty()) {
      for (String pair : raw.split("&")) {
        int eq = pair.indexOf('=');
        out.put(
            URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8),
            eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8));
      }
    }
    return out;
  }

  private String secret() {
    byte[] b = new byte[24];
    random.nextBytes(b);
    return Base64.getUrlEncoder().withoutPadding().encodeToString(b);
  }

  private static String s256(String verifier) {
    try {
      byte[] d =
          MessageDigest.getInstance("SHA-256").digest(verifier.getBytes(StandardCharsets.US_ASCII));
      return Base64.getUrlEncoder().withoutPadding().encodeToString(d);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
