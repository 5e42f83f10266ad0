package io.github.kimisdk.examples;

import io.github.kimisdk.agents.Agent;
import io.github.kimisdk.agents.RunResult;
import io.github.kimisdk.chat.Message;
import io.github.kimisdk.errors.KimiException;
import io.github.kimisdk.json.Json;
import io.github.kimisdk.json.JsonArray;
import io.github.kimisdk.json.JsonException;
import io.github.kimisdk.json.JsonObject;
import io.github.kimisdk.json.JsonString;
import io.github.kimisdk.json.JsonValue;
import io.github.kimisdk.mcp.McpClient;
import io.github.kimisdk.mcp.McpException;
import io.github.kimisdk.mcp.McpServerInfo;
import io.github.kimisdk.mcp.McpTool;
import io.github.kimisdk.mcp.kimi.McpToolset;
import io.github.kimisdk.tool.FunctionTool;
import java.io.BufferedReader;
import java.io.File;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A tool-calling agent whose tools come from a Model Context Protocol server: the model calls them
 * through an {@link Agent} in memory, which takes the server's {@link McpToolset} as a tool source,
 * sends each call to the server (with its idempotency key in the call's {@code _meta}) and the
 * result back to the model.
 *
 * <p>By default the server is a tiny notes server in this very program ({@code --serve}), started
 * as a child process with the same {@code java} and spoken to over stdio, so the example runs
 * offline without Node or npm. Its tool names ({@code notes.add}) are not names Kimi accepts; Kimi
 * sees {@code notes_add}, and the toolset maps calls back. Any other server works too:
 *
 * <pre>
 * mvn -B -q -pl kimi-sdk-examples -am compile exec:java -Dexec.mainClass=io.github.kimisdk.examples.McpToolCalling
 * mvn ... -Dexec.args="--server npx -y @modelcontextprotocol/server-everything"
 * mvn ... -Dexec.args="--url http://127.0.0.1:3001/mcp"
 * </pre>
 *
 * <p>Without an API key it runs against {@link io.github.kimisdk.testing.FakeKimiServer}, whose
 * model calls the tools the prompt names ("then" separates turns); with one, against the real API.
 * With {@code --server} or {@code --url}, {@code KIMI_PROMPT} sets the prompt.
 */
public final class McpToolCalling {

  static final String DEFAULT_PROMPT =
      "Use notes_add with text=\"Buy milk\", then notes_list and text_count_words with"
          + " text=\"MCP tools from plain Java\".";

  private McpToolCalling() {}

  /**
   * Runs the example, or with {@code --serve} the notes server it starts.
   *
   * @param args {@code --serve}; or {@code --server COMMAND...}; or {@code --url URL}; or the
   *     prompt words
   */
  public static void main(String[] args) {
    if (args.length > 0 && args[0].equals("--serve")) {
      serve(System.in, System.out);
      return;
    }
    List<String> server = null;
    String url = null;
    String prompt = DEFAULT_PROMPT;
    String custom = System.getenv("KIMI_PROMPT");
    if (args.length > 1 && args[0].equals("--server")) {
      server = Arrays.asList(args).subList(1, args.length);
      prompt = custom == null || custom.isBlank() ? "Use echo with message=hello" : custom;
    } else if (args.length > 1 && args[0].equals("--url")) {
      url = args[1];
      prompt = custom == null || custom.isBlank() ? "Use echo with message=hello" : custom;
    } else if (args.length > 0) {
      prompt = String.join(" ", args);
    }
    ExampleSession.exit(run(prompt, server, url, System.getenv(), System.out));
  }

  /**
   * Runs the agent against the server {@code command} (null: this program's notes server) or at
   * {@code url}.
   */
  static int run(
      String prompt, List<String> command, String url, Map<String, String> env, PrintStream out) {
    try (ExampleSession session = ExampleSession.open(env, out, "kimi-k2.6");
        McpClient mcp = connect(command, url, out)) {
      McpServerInfo info = mcp.serverInfo();
      out.println(
          "MCP server "
              + mcp.name()
              + (info.version().isEmpty() ? "" : " " + info.version())
              + ", protocol "
              + info.protocolVersion()
              + ". Its tools:");
      McpToolset toolset = McpToolset.of(mcp);
      Map<McpTool, String> kimiNames = new HashMap<>();
      for (FunctionTool f : toolset.tools()) {
        kimiNames.put(toolset.serverTool(f.name()).orElseThrow(), f.name());
      }
      for (McpTool t : mcp.listTools()) {
        String seen = kimiNames.get(t);
        out.println(
            "  "
                + t.name()
                + (seen == null
                    ? " (not offered: it runs only as a task)"
                    : seen.equals(t.name()) ? "" : " (Kimi sees " + seen + ")")
                + (t.description() == null ? "" : ": " + t.description()));
      }
      Agent agent =
          Agent.builder(session.kimi(), session.model())
              .tools(toolset) // listed again before each model call; the server's hints mapped
              .request(b -> b.maxCompletionTokens(16_000))
              .streaming(true)
              .listener(new StepPrinter(out))
              .build();
      out.println("> " + prompt);
      return report(agent.run(List.of(Message.user(prompt))), out);
    } catch (KimiException | McpException e) { // a call to Kimi, or the MCP server, failed
      out.println("[failed] " + e.getMessage());
      return 1;
    }
  }

  /** Prints how a run in memory ended; the exit status. */
  static int report(RunResult result, PrintStream out) {
    if (result instanceof RunResult.Answered a) {
      out.println("[done] answered in " + a.state().steps() + " steps");
      return 0;
    }
    if (result instanceof RunResult.Stopped s) {
      out.println(
          "[stopped] " + s.limit() + " limit reached after " + s.state().steps() + " steps");
      return 2;
    }
    if (result instanceof RunResult.Failed f) {
      out.println("[failed] " + f.error().getMessage()); // a model call, or the server's listing
      return 1;
    }
    out.println("[waiting] " + result); // a call that asks for approval (none here)
    return 2;
  }

  private static McpClient connect(List<String> command, String url, PrintStream out) {
    if (url != null) {
      out.println("Connecting to the MCP server at " + url + " (Streamable HTTP).");
      return McpClient.http(url);
    }
    if (command != null) {
      out.println("Starting the MCP server `" + String.join(" ", command) + "` (stdio).");
      return McpClient.stdio(command);
    }
    out.println("Starting this program's notes server as a child process (stdio).");
    return McpClient.stdioBuilder(selfCommand()).name("notes").build();
  }

  /** This program with {@code --serve}, on the same {@code java} and the same classes. */
  static List<String> selfCommand() {
    List<String> cmd = new ArrayList<>();
    cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    cmd.add("-cp");
    cmd.add(
        String.join(
            File.pathSeparator,
            location(McpToolCalling.class),
            location(McpClient.class),
            location(Agent.class), // this class names the agent's types, which the JVM checks
            location(KimiException.class)));
    cmd.add(McpToolCalling.class.getName());
    cmd.add("--serve");
    return cmd;
  }

  private static String location(Class<?> c) {
    try {
      return Path.of(c.getProtectionDomain().getCodeSource().getLocation().toURI()).toString();
    } catch (URISyntaxException e) {
      throw new IllegalStateException(e);
    }
  }

  // ---- the notes server: MCP over stdio, one JSON-RPC message per line ----

  /** Serves three tools over stdio until the input ends. */
  static void serve(InputStream in, PrintStream out) {
    List<String> notes = new ArrayList<>();
    try (BufferedReader reader =
        new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
      String line;
      while ((line = reader.readLine()) != null) {
        if (line.isBlank()) {
          continue;
        }
        JsonObject reply;
        try {
          reply = answer(Json.parse(line).asObject(), notes);
        } catch (JsonException | IllegalStateException e) {
          reply = error(null, -32700, "cannot read the message: " + e.getMessage());
        }
        if (reply != null) {
          out.print(Json.write(reply) + "\n");
          out.flush();
        }
      }
    } catch (java.io.IOException e) {
      System.err.println("notes server: " + e);
    }
  }

  private static JsonObject answer(JsonObject m, List<String> notes) {
    JsonValue id = m.get("id");
    String method = m.get("method") instanceof JsonString s ? s.value() : "";
    if (id == null) {
      return null; // a notification, such as notifications/initialized
    }
    JsonObject params = m.get("params") instanceof JsonObject p ? p : JsonObject.of();
    switch (method) {
      case "initialize":
        return result(
            id,
            Json.parse(
                    "{\"protocolVersion\":\""
                        + params.get("protocolVersion").asString()
                        + "\",\"capabilities\":{\"tools\":{}},"
                        + "\"serverInfo\":{\"name\":\"notes\",\"version\":\"1.0\"}}")
                .asObject());
      case "ping":
        return result(id, JsonObject.of());
      case "tools/list":
        return result(
            id,
            Json.parse(
                    "{\"tools\":["
                        + tool(
                            "notes.add", "Saves a note", "{\"text\":{\"type\":\"string\"}}", "text")
                        + ","
                        + tool("notes.list", "Lists the saved notes", "{}", null)
                        + ","
                        + tool(
                            "text.count_words",
                            "Counts the words of a text",
                            "{\"text\":{\"type\":\"string\"}}",
                            "text")
                        + "]}")
                .asObject());
      case "tools/call":
        {
          String name = params.get("name").asString();
          JsonObject args = params.get("arguments") instanceof JsonObject a ? a : JsonObject.of();
          switch (name) {
            case "notes.add":
              notes.add(args.get("text").asString());
              return text(id, "Saved note " + notes.size() + ".", false);
            case "notes.list":
              StringBuilder s = new StringBuilder();
              for (int i = 0; i < notes.size(); i++) {
                s.append(i == 0 ? "" : "\n").append(i + 1).append(". ").append(notes.get(i));
              }
              return text(id, notes.isEmpty() ? "No notes yet." : s.toString(), false);
            case "text.count_words":
              String t = args.get("text").asString().strip();
              return text(id, (t.isEmpty() ? 0 : t.split("\\s+").length) + " words", false);
            default:
              return text(id, "No tool named " + name, true);
          }
        }
      default:
        return error(id, -32601, "Method not found: " + method);
    }
  }

  private static String tool(String name, String description, String properties, String required) {
    return "{\"name\":\""
        + name
        + "\",\"description\":\""
        + description
        + "\",\"inputSchema\":{\"type\":\"object\",\"properties\":"
        + properties
        + (required == null ? "" : ",\"required\":[\"" + required + "\"]")
        + "}}";
  }

  private static JsonObject result(JsonValue id, JsonObject result) {
    return JsonObject.of("jsonrpc", JsonString.of("2.0"), "id", id, "result", result);
  }

  private static JsonObject text(JsonValue id, String text, boolean isError) {
    JsonObject.Builder r =
        JsonObject.builder()
            .put(
                "content",
                JsonArray.of(
                    JsonObject.of("type", JsonString.of("text"), "text", JsonString.of(text))));
    if (isError) {
      r.put("isError", true);
    }
    return result(id, r.build());
  }

  private static JsonObject error(JsonValue id, int code, String message) {
    return JsonObject.builder()
        .put("jsonrpc", "2.0")
        .put("id", id == null ? io.github.kimisdk.json.JsonNull.INSTANCE : id)
        .put("error", JsonObject.builder().put("code", code).put("message", message).build())
        .build();
  }
}
