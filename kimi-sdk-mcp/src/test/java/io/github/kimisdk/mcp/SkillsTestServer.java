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
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * An MCP server on loopback that serves skills (the skills extension, SEP-2640), answering JSON
 * over Streamable HTTP at 2025-11-25: {@code skills/list} two to a page, and {@code resources/read}
 * of every file it lists; every read is recorded in {@link #reads}.
 *
 * <p>Its skills: {@code pdf-processing} ({@code SKILL.md} and {@code references/FORMS.md}), {@code
 * notes} (its resources {@code "dynamic"}) and {@code broken} (an entry without front matter).
 * Options: {@code no-extension} declares no skills; {@code tamper=digest}, {@code tamper=size} or
 * {@code tamper=frontmatter} serves a {@code pdf-processing} that fails that check.
 */
final class SkillsTestServer implements AutoCloseable {

  static final String PDF = "skill://pdf-processing/SKILL.md";
  static final String FORMS = "skill://pdf-processing/references/FORMS.md";
  static final String NOTES = "skill://notes/SKILL.md";
  static final String PDF_MD =
      "---\nname: pdf-processing\ndescription: Extract, fill, and assemble PDF documents\n"
          + "metadata:\n  author: ada\n---\n\nSkill body.\n";
  static final String FORMS_MD = "Supporting content.\n";
  static final String NOTES_MD = "---\nname: notes\ndescription: Keeps notes\n---\nNotes.\n";

  final WatchedLog reads = new WatchedLog();
  final WatchedLog methods = new WatchedLog();
  private final Set<String> options;
  private final HttpServer http;
  private final Map<String, String> files = new LinkedHashMap<>();

  private SkillsTestServer(Set<String> options) throws IOException {
    this.options = options;
    String pdf = PDF_MD;
    if (options.contains("tamper=digest")) {
      pdf = PDF_MD.replace("Skill body.", "Evil body!!");
    } else if (options.contains("tamper=size")) {
      pdf = PDF_MD + "more";
    }
    files.put(PDF, pdf);
    files.put(FORMS, FORMS_MD);
    files.put(NOTES, NOTES_MD);
    files.put("skill://notes/extra.md", "Extra.\n");
    http = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    http.createContext("/mcp", this::handle);
    http.start();
  }

  static SkillsTestServer start(String... options) throws IOException {
    return new SkillsTestServer(Set.of(options));
  }

  String url() {
    return "http://127.0.0.1:" + http.getAddress().getPort() + "/mcp";
  }

  private void handle(HttpExchange ex) throws IOException {
    try (ex) {
      if (!ex.getRequestMethod().equals("POST")) {
        ex.sendResponseHeaders(405, -1);
        return;
      }
      JsonObject m = Json.parse(ex.getRequestBody().readAllBytes()).asObject();
      String method = m.get("method").asString();
      methods.add(method);
      JsonValue id = m.get("id");
      if (id == null) {
        ex.sendResponseHeaders(202, -1);
        return;
      }
      JsonObject params = m.get("params") instanceof JsonObject p ? p : JsonObject.of();
      JsonObject result;
      switch (method) {
        case "initialize":
          JsonObject.Builder caps = JsonObject.builder().put("resources", JsonObject.of());
          if (!options.contains("no-extension")) {
            caps.put("extensions", JsonObject.of(McpSkills.EXTENSION, JsonObject.of()));
          }
          result =
              JsonObject.builder()
                  .put("protocolVersion", "2025-11-25")
                  .put("capabilities", caps.build())
                  .put("serverInfo", JsonObject.of("name", JsonString.of("skills")))
                  .build();
          break;
        case "skills/list":
          result = page(params.get("cursor") instanceof JsonString c ? c.value() : null);
          break;
        case "resources/read":
          String uri = params.get("uri").asString();
          reads.add(uri);
          result =
              JsonObject.of(
                  "contents",
                  JsonArray.of(
                      JsonObject.of(
                          "uri",
                          JsonString.of(uri),
                          "mimeType",
                          JsonString.of("text/markdown"),
                          "text",
                          JsonString.of(files.getOrDefault(uri, "")))));
          break;
        default:
          result = JsonObject.of();
      }
      byte[] b =
          Json.writeBytes(
              JsonObject.of("jsonrpc", JsonString.of("2.0"), "id", id, "result", result));
      ex.getResponseHeaders().set("Content-Type", "application/json");
      ex.sendResponseHeaders(200, b.length);
      ex.getResponseBody().write(b);
    }
  }

  private JsonObject page(String cursor) {
    List<JsonValue> entries = new ArrayList<>();
    if (cursor == null) {
      String description =
          options.contains("tamper=frontmatter")
              ? "Exfiltrate credentials"
              : "Extract, fill, and assemble PDF documents";
      entries.add(
          JsonObject.builder()
              .put("uri", PDF)
              .put(
                  "frontmatter",
                  JsonObject.of(
                      "name",
                      JsonString.of("pdf-processing"),
                      "description",
                      JsonString.of(description),
                      "metadata",
                      JsonObject.of("author", JsonString.of("ada"))))
              .put("resources", JsonArray.of(file(PDF, PDF_MD), file(FORMS, FORMS_MD)))
              .build());
      entries.add(
          JsonObject.builder()
              .put("uri", NOTES)
              .put(
                  "frontmatter", Json.parse("{\"name\":\"notes\",\"description\":\"Keeps notes\"}"))
              .put("resources", "dynamic")
              .build());
      return JsonObject.of("skills", JsonArray.of(entries), "nextCursor", JsonString.of("2"));
    }
    entries.add(JsonObject.of("uri", JsonString.of("skill://broken/SKILL.md")));
    return JsonObject.of("skills", JsonArray.of(entries));
  }

  private static JsonObject file(String uri, String text) {
    byte[] b = text.getBytes(StandardCharsets.UTF_8);
    try {
      return JsonObject.builder()
          .put("uri", uri)
          .put(
              "digest",
              "sha256:" + HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(b)))
          .put("size", b.length)
          .build();
    } catch (java.security.NoSuchAlgorithmException e) {
      throw new AssertionError(e);
    }
  }

  @Override
  public void close() {
    http.stop(0);
  }
}
