package io.github.kimisdk.mcp;

import io.github.kimisdk.json.Json;
import io.github.kimisdk.json.JsonArray;
import io.github.kimisdk.json.JsonException;
import io.github.kimisdk.json.JsonNumber;
import io.github.kimisdk.json.JsonObject;
import io.github.kimisdk.json.JsonString;
import io.github.kimisdk.json.JsonValue;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A small MCP server for tests, written against the specification: the same logic answers over
 * stdio (run {@link #main} as a child process) and over Streamable HTTP ({@link
 * McpHttpTestServer}). Its tools behave well ({@code echo}, {@code add}, {@code slow} with
 * progress, {@code fail} with {@code isError}, {@code media}) or badly on purpose ({@code hang},
 * {@code crash}, {@code garbage}, {@code noresult}, {@code flood}, {@code huge}); it lists them
 * three to a page.
 *
 * <p>Its tools {@code sample}, {@code elicit} and {@code roots} ask the client for a completion,
 * for the user's answers and for its roots: as requests of the server's own, or with option {@code
 * modern} (the stateless 2026-07-28 protocol: {@code server/discover}, no {@code initialize}, each
 * request's {@code _meta} recorded) in an {@code input_required} result.
 *
 * <p>Options (program arguments): {@code version=V} answers {@code initialize} with version V;
 * {@code ttl=N} says a 2026-07-28 tool list may be kept N ms; {@code banner} prints a line that is
 * not JSON before anything else; {@code exit-at-start} exits at once with status 7 after a line on
 * stderr.
 */
final class McpTestServer {

  /** Where the server writes: a request's stream, or stdout. */
  interface Channel {
    void send(JsonObject message);

    /** Ends the connection without an answer (the server "dies"). */
    void die();

    /** Writes raw text that is not JSON-RPC. */
    void garbage(String text);
  }

  static final List<String> VERSIONS = List.of("2025-11-25", "2025-06-18", "2025-03-26");

  final Set<String> options;
  final WatchedLog events = new WatchedLog();
  private final List<JsonObject> tools = Collections.synchronizedList(new ArrayList<>());
  private final Map<String, CompletableFuture<JsonObject>> asked = new ConcurrentHashMap<>();
  private final AtomicInteger askedIds = new AtomicInteger();
  volatile Channel unasked; // where list_changed goes; stdout for stdio
  volatile java.util.function.Consumer<String> onEvent = e -> {};

  /** The input schema of a tool that takes no arguments: an object, no property named. */
  private static final JsonObject NO_ARGUMENTS = JsonObject.of("type", JsonString.of("object"));

  McpTestServer(Set<String> options) {
    this.options = options;
    tools.add(tool("echo", "Echoes the text", object("text", "string", true)));
    tools.add(
        tool(
            "add",
            "Adds two integers",
            JsonObject.builder()
                .put("type", "object")
                .put(
                    "properties",
                    JsonObject.of(
                        "a", JsonObject.of("type", JsonString.of("integer")),
                        "b", JsonObject.of("type", JsonString.of("integer"))))
                .put("required", JsonArray.of(JsonString.of("a"), JsonString.of("b")))
                .build()));
    tools.add(tool("slow", "Reports progress, then answers", object("steps", "integer", false)));
    tools.add(tool("fail", "Fails on purpose", NO_ARGUMENTS));
    tools.add(tool("media", "Returns an image and resources", JsonObject.of()));
    tools.add(
        tool(
            "ranged",
            "A schema with keywords Kimi rejects",
            Json.parse(
                    "{\"$schema\":\"http://json-schema.org/draft-07/schema#\",\"type\":\"object\","
                        + "\"properties\":{\"n\":{\"type\":\"integer\",\"minimum\":1,\"maximum\":5},"
                        + "\"when\":{\"type\":\"string\",\"format\":\"date-time\"}},"
                        + "\"required\":[\"n\"]}")
                .asObject()));
    tools.add(tool("dotted.name", "A name Kimi rejects", NO_ARGUMENTS));
    tools.add(tool("hang", "Never answers", NO_ARGUMENTS));
    tools.add(tool("crash", "Exits mid-call", NO_ARGUMENTS));
    tools.add(tool("garbage", "Writes a line that is not JSON", NO_ARGUMENTS));
    tools.add(tool("noresult", "Answers without a result", NO_ARGUMENTS));
    tools.add(tool("flood", "Logs many messages, then answers", object("count", "integer", false)));
    tools.add(tool("huge", "Answers with a large text", object("bytes", "integer", true)));
    tools.add(tool("ask_client", "Sends requests to the client", NO_ARGUMENTS));
    tools.add(tool("sample", "Asks the client's model", object("prompt", "string", false)));
    tools.add(tool("elicit", "Asks the client's user", NO_ARGUMENTS));
    tools.add(tool("roots", "Asks the client's roots", NO_ARGUMENTS));
    tools.add(tool("add_tool", "Adds a tool and says the list changed", NO_ARGUMENTS));
    tools.add(
        tool(
            "env",
            "Reads an environment variable and the working directory",
            object("name", "string", true)));
    JsonObject taskOnly =
        JsonObject.builder()
            .put("name", "research")
            .put("description", "Runs only as a task")
            .put("inputSchema", NO_ARGUMENTS)
            .put("execution", JsonObject.of("taskSupport", JsonString.of("required")))
            .build();
    tools.add(taskOnly);
  }

  private static JsonObject tool(String name, String description, JsonObject schema) {
    return JsonObject.of(
        "name",
        JsonString.of(name),
        "description",
        JsonString.of(description),
        "inputSchema",
        schema);
  }

  private static JsonObject object(String property, String type, boolean required) {
    JsonObject.Builder b =
        JsonObject.builder()
            .put("type", "object")
            .put("properties", JsonObject.of(property, JsonObject.of("type", JsonString.of(type))));
    if (required) {
      b.put("required", JsonArray.of(JsonString.of(property)));
    }
    return b.build();
  }

  /** Handles one message from the client; answers go to {@code ch}. */
  void handle(JsonValue message, Channel ch) {
    if (message instanceof JsonArray batch) {
      batch.values().forEach(v -> handle(v, ch));
      return;
    }
    JsonObject m = message.asObject();
    JsonValue id = m.get("id");
    if (!(m.get("method") instanceof JsonString ms)) {
      CompletableFuture<JsonObject> f = asked.remove(String.valueOf(id));
      if (f != null) {
        f.complete(m);
      }
      return;
    }
    String method = ms.value();
    JsonObject params = m.get("params") instanceof JsonObject p ? p : JsonObject.of();
    if (options.contains("modern") && id != null) {
      JsonObject meta = params.get("_meta") instanceof JsonObject o ? o : JsonObject.of();
      event(
          "meta "
              + method
              + " "
              + meta.get("io.modelcontextprotocol/protocolVersion")
              + " "
              + meta.get("io.modelcontextprotocol/clientCapabilities"));
      if (method.equals("initialize")) {
        ch.send(error(id, -32601, "Method not found: initialize (this server speaks 2026-07-28)"));
        return;
      }
      if (method.equals("server/discover")) {
        event("clientInfo " + Json.write(meta.get("io.modelcontextprotocol/clientInfo")));
        ch.send(
            result(
                id,
                Json.parse(
                        "{\"resultType\":\"complete\",\"supportedVersions\":[\"2026-07-28\"],"
                            + "\"capabilities\":{\"tools\":{}},\"instructions\":\"Call echo first.\","
                            + "\"_meta\":{\"io.modelcontextprotocol/serverInfo\":"
                            + "{\"name\":\"modern-server\",\"version\":\"2.0\"}}}")
                    .asObject()));
        return;
      }
      if (!meta.has("io.modelcontextprotocol/protocolVersion")) {
        ch.send(error(id, -32602, "missing _meta"));
        return;
      }
    }
    switch (method) {
      case "initialize":
        {
          String asked = params.get("protocolVersion").asString();
          event("initialize " + asked + " " + Json.write(params.get("capabilities")));
          event("clientInfo " + Json.write(params.get("clientInfo")));
          String version = option("version=");
          if (version == null) {
            version = VERSIONS.contains(asked) ? asked : VERSIONS.get(0);
          }
          ch.send(
              result(
                  id,
                  JsonObject.builder()
                      .put("protocolVersion", version)
                      .put(
                          "capabilities",
                          JsonObject.of(
                              "tools",
                              JsonObject.of("listChanged", io.github.kimisdk.json.JsonBoolean.TRUE),
                              "logging",
                              JsonObject.of()))
                      .put(
                          "serverInfo",
                          JsonObject.of(
                              "name",
                              JsonString.of("test-server"),
                              "version",
                              JsonString.of("1.0")))
                      .put("instructions", "Call echo first.")
                      .build()));
          return;
        }
      case "notifications/initialized":
        event("initialized");
        return;
      case "notifications/cancelled":
        event("cancelled " + params.get("requestId") + ": " + params.get("reason").asString());
        return;
      case "ping":
        event("ping");
        ch.send(result(id, JsonObject.of()));
        return;
      case "tools/list":
        {
          int start =
              params.get("cursor") instanceof JsonString c ? Integer.parseInt(c.value()) : 0;
          List<JsonObject> all;
          synchronized (tools) {
            all = new ArrayList<>(tools);
          }
          int end = Math.min(all.size(), start + 3);
          JsonObject.Builder r =
              JsonObject.builder()
                  .put("tools", JsonArray.of(new ArrayList<JsonValue>(all.subList(start, end))));
          if (end < all.size()) {
            r.put("nextCursor", String.valueOf(end));
          }
          if (options.contains("modern")) {
            String ttl = option("ttl=");
            r.put("ttlMs", ttl == null ? 0 : Long.parseLong(ttl)).put("cacheScope", "public");
          }
          event("tools/list " + start);
          ch.send(result(id, r.build()));
          return;
        }
      case "tools/call":
        {
          Thread t = new Thread(() -> call(id, params, ch), "test-tool");
          t.setDaemon(true);
          t.start();
          return;
        }
      default:
        event("unknown " + method);
        if (id != null) {
          ch.send(error(id, -32601, "Method not found: " + method));
        }
    }
  }

  /** Records what the client did, for the tests to check. */
  void event(String e) {
    events.add(e);
    onEvent.accept(e);
  }

  private String option(String prefix) {
    for (String o : options) {
      if (o.startsWith(prefix)) {
        return o.substring(prefix.length());
      }
    }
    return null;
  }

  private void call(JsonValue id, JsonObject params, Channel ch) {
    String name = params.get("name").asString();
    JsonObject args = params.get("arguments") instanceof JsonObject a ? a : JsonObject.of();
    JsonValue token =
        params.get("_meta") instanceof JsonObject meta ? meta.get("progressToken") : null;
    event("call " + name + " " + Json.write(args));
    try {
      switch (name) {
        case "echo":
          ch.send(result(id, text("echo: " + args.get("text").asString())));
          return;
        case "add":
          {
            long sum = args.get("a").asLong() + args.get("b").asLong();
            JsonObject structured = JsonObject.of("sum", JsonNumber.of(sum));
            ch.send(
                result(
                    id,
                    JsonObject.of(
                        "content",
                        JsonArray.of(textBlock(Json.write(structured))),
                        "structuredContent",
                        structured)));
            return;
          }
        case "slow":
          {
            int steps = args.get("steps") instanceof JsonNumber n ? n.intValue() : 3;
            for (int i = 1; i <= steps; i++) {
              if (token != null) {
                ch.send(
                    notification(
                        "notifications/progress",
                        JsonObject.builder()
                            .put("progressToken", token)
                            .put("progress", i)
                            .put("total", steps)
                            .put("message", "step " + i)
                            .build()));
              }
              Thread.sleep(20);
            }
            ch.send(result(id, text("done after " + steps + " steps")));
            return;
          }
        case "fail":
          ch.send(
              result(
                  id,
                  JsonObject.of(
                      "content",
                      JsonArray.of(textBlock("the tool failed on purpose")),
                      "isError",
                      io.github.kimisdk.json.JsonBoolean.TRUE)));
          return;
        case "media":
          ch.send(
              result(
                  id,
                  JsonObject.of(
                      "content",
                      JsonArray.of(
                          textBlock("here is a picture"),
                          Json.parse(
                              "{\"type\":\"image\",\"mimeType\":\"image/png\",\"data\":\"iVBORw0KGgo=\"}"),
                          Json.parse(
                              "{\"type\":\"resource_link\",\"uri\":\"file:///tmp/a.txt\",\"name\":\"a.txt\","
                                  + "\"mimeType\":\"text/plain\",\"description\":\"A file\"}"),
                          Json.parse(
                              "{\"type\":\"resource\",\"resource\":{\"uri\":\"mem://note\","
                                  + "\"mimeType\":\"text/plain\",\"text\":\"note body\"}}"),
                          Json.parse(
                              "{\"type\":\"resource\",\"resource\":{\"uri\":\"mem://bin\","
                                  + "\"mimeType\":\"application/octet-stream\",\"blob\":\"AAECAw==\"}}")))));
          return;
        case "ranged":
        case "dotted.name":
        case "added_tool":
          ch.send(result(id, text(name + " ok")));
          return;
        case "hang":
          return; // never answers
        case "crash":
          ch.die();
          return;
        case "garbage":
          ch.garbage("this is not json {");
          return; // and no answer
        case "noresult":
          ch.send(JsonObject.of("jsonrpc", JsonString.of("2.0"), "id", id));
          return;
        case "flood":
          {
            int count = args.get("count") instanceof JsonNumber n ? n.intValue() : 1000;
            for (int i = 0; i < count; i++) {
              ch.send(
                  notification(
                      "notifications/message",
                      JsonObject.of(
                          "level",
                          JsonString.of("debug"),
                          "data",
                          JsonString.of("log line " + i))));
            }
            ch.send(result(id, text("flooded " + count)));
            return;
          }
        case "env":
          {
            String v = System.getenv(args.get("name").asString());
            ch.send(result(id, text(v + " in " + System.getProperty("user.dir"))));
            return;
          }
        case "huge":
          ch.send(result(id, text("x".repeat(args.get("bytes").asInt()))));
          return;
        case "ask_client":
          {
            JsonObject ping = ask("ping", null, ch);
            JsonObject sampling = ask("sampling/createMessage", JsonObject.of(), ch);
            ch.send(
                result(
                    id,
                    text(
                        "ping: "
                            + Json.write(ping.get("result"))
                            + "; sampling: "
                            + Json.write(sampling.get("error").asObject().get("code")))));
            return;
          }
        case "sample":
        case "elicit":
        case "roots":
          {
            String askedFor =
                name.equals("sample")
                    ? "sampling/createMessage"
                    : name.equals("elicit") ? "elicitation/create" : "roots/list";
            JsonObject request = clientRequest(name, args);
            JsonObject answer;
            if (options.contains("modern")) {
              if (!(params.get("inputResponses") instanceof JsonObject responses)) {
                ch.send(
                    result(
                        id,
                        JsonObject.builder()
                            .put("resultType", "input_required")
                            .put(
                                "inputRequests",
                                JsonObject.of(
                                    "ask",
                                    JsonObject.of(
                                        "method", JsonString.of(askedFor), "params", request)))
                            .put("requestState", "state-of-" + name)
                            .build()));
                return;
              }
              event("retry state=" + params.get("requestState"));
              answer = JsonObject.of("result", responses.get("ask"));
            } else {
              answer = ask(askedFor, request, ch);
            }
            ch.send(
                result(
                    id,
                    text(
                        answer.get("result") != null
                            ? Json.write(answer.get("result"))
                            : "error " + Json.write(answer.get("error").asObject().get("code")))));
            return;
          }
        case "add_tool":
          tools.add(tool("added_tool", "Added at run time", NO_ARGUMENTS));
          Channel u = unasked != null ? unasked : ch;
          u.send(notification("notifications/tools/list_changed", null));
          ch.send(result(id, text("added")));
          return;
        default:
          ch.send(error(id, -32602, "Unknown tool: " + name));
      }
    } catch (Exception e) {
      event("error " + e);
    }
  }

  /** What the tools {@code sample}, {@code elicit} and {@code roots} ask the client. */
  private static JsonObject clientRequest(String tool, JsonObject args) {
    switch (tool) {
      case "sample":
        {
          String prompt = args.get("prompt") instanceof JsonString p ? p.value() : "What is 2 + 2?";
          return JsonObject.builder()
              .put(
                  "messages",
                  JsonArray.of(
                      JsonObject.of(
                          "role",
                          JsonString.of("user"),
                          "content",
                          JsonObject.of(
                              "type", JsonString.of("text"), "text", JsonString.of(prompt)))))
              .put("systemPrompt", "Be brief.")
              .put("maxTokens", 64)
              .put("stopSequences", JsonArray.of(JsonString.of("END")))
              .build();
        }
      case "elicit":
        return Json.parse(
                "{\"message\":\"Who are you?\",\"requestedSchema\":{\"type\":\"object\","
                    + "\"properties\":{\"name\":{\"type\":\"string\"},"
                    + "\"age\":{\"type\":\"integer\",\"default\":30},"
                    + "\"tier\":{\"type\":\"string\",\"enum\":[\"free\",\"pro\"],\"default\":\"free\"}},"
                    + "\"required\":[\"name\"]}}")
            .asObject();
      default:
        return JsonObject.of();
    }
  }

  static JsonObject error(JsonValue id, int code, String message) {
    return JsonObject.of(
        "jsonrpc",
        JsonString.of("2.0"),
        "id",
        id,
        "error",
        JsonObject.of("code", JsonNumber.of(code), "message", JsonString.of(message)));
  }

  private JsonObject ask(String method, JsonObject params, Channel ch) throws Exception {
    String id = "s" + askedIds.incrementAndGet();
    CompletableFuture<JsonObject> f = new CompletableFuture<>();
    asked.put("\"" + id + "\"", f);
    JsonObject.Builder m =
        JsonObject.builder().put("jsonrpc", "2.0").put("id", id).put("method", method);
    if (params != null) {
      m.put("params", params);
    }
    ch.send(m.build());
    return f.get(10, TimeUnit.SECONDS);
  }

  static JsonObject result(JsonValue id, JsonObject result) {
    return JsonObject.of("jsonrpc", JsonString.of("2.0"), "id", id, "result", result);
  }

  static JsonObject notification(String method, JsonObject params) {
    JsonObject.Builder b = JsonObject.builder().put("jsonrpc", "2.0").put("method", method);
    if (params != null) {
      b.put("params", params);
    }
    return b.build();
  }

  private static JsonObject textBlock(String text) {
    return JsonObject.of("type", JsonString.of("text"), "text", JsonString.of(text));
  }

  private static JsonObject text(String text) {
    return JsonObject.of("content", JsonArray.of(textBlock(text)));
  }

  /** Runs the server over stdio: one JSON message per line in and out; events go to stderr. */
  public static void main(String[] args) throws Exception {
    Set<String> options = Set.of(args);
    PrintStream out =
        new PrintStream(
            new java.io.FileOutputStream(java.io.FileDescriptor.out),
            false,
            StandardCharsets.UTF_8);
    System.err.println("test-server starting");
    if (options.contains("exit-at-start")) {
      System.err.println("cannot start: missing configuration");
      System.exit(7);
    }
    if (options.contains("banner")) {
      out.println("Welcome to the test server!");
      out.flush();
    }
    McpTestServer server = new McpTestServer(options);
    server.onEvent = e -> System.err.println("event " + e);
    Channel ch =
        new Channel() {
          @Override
          public void send(JsonObject message) {
            synchronized (out) {
              out.print(Json.write(message));
              out.print('\n');
              out.flush();
            }
          }

          @Override
          public void die() {
            System.err.println("crashing on purpose");
            System.exit(3);
          }

          @Override
          public void garbage(String text) {
            synchronized (out) {
              out.print(text);
              out.print('\n');
              out.flush();
            }
          }
        };
    BufferedReader in =
        new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
    String line;
    while ((line = in.readLine()) != null) {
      try {
        server.handle(Json.parse(line), ch);
      } catch (JsonException e) {
        System.err.println("unreadable line: " + line);
      }
    }
    System.err.println("stdin closed; exiting");
    System.exit(0);
  }
}
