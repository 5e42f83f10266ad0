package io.github.kimisdk.mcp.kimi;

import io.github.kimisdk.json.Json;
import io.github.kimisdk.json.JsonObject;
import io.github.kimisdk.json.JsonString;
import io.github.kimisdk.json.JsonValue;
import io.github.kimisdk.mcp.McpClient;
import io.github.kimisdk.mcp.McpException;
import io.github.kimisdk.mcp.McpTool;
import io.github.kimisdk.mcp.McpToolResult;
import io.github.kimisdk.tool.FunctionTool;
import io.github.kimisdk.tool.JsonSchema;
import io.github.kimisdk.tool.ToolSource;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.function.Predicate;
import java.util.regex.Pattern;

/**
 * The tools of one MCP server as Kimi sees them: a function declaration Kimi accepts for each tool
 * the server lists, and the way back from a name the model calls to the server's tool.
 *
 * <pre>{@code
 * try (McpClient files = McpClient.stdio(List.of("npx", "-y", "@modelcontextprotocol/server-filesystem", "/tmp"))) {
 *   McpToolset fs = McpToolset.builder(files).toolPrefix("fs_").build();
 *   ChatRequest request = ChatRequest.builder("kimi-k3").addUser("List /tmp").tools(fs.tools()).build();
 *   // ... or let an agent run the calls: Agent.builder(kimi, "kimi-k3").tools(fs).build()
 * }
 * }</pre>
 *
 * <p>Names: characters outside {@code [A-Za-z0-9_-]} become {@code _}, a name that does not start
 * with a letter or {@code _} gets {@code mcp_} in front, a short one is padded with {@code _}, a
 * long one is cut to 64 characters ({@link FunctionTool#NAME_PATTERN}); names that clash within the
 * server get {@code _2}, {@code _3}, ... Schemas: the server's {@code inputSchema} as {@link
 * JsonSchema#normalize} rewrites it for Kimi; when even that leaves it invalid, a schema that
 * accepts any object and quotes the original in its description, so one odd schema never fails the
 * whole request. A tool that runs only as a task ({@link McpTool#taskOnly()}) is left out.
 *
 * <p>A toolset is a {@link ToolSource}: an agent of {@code kimi-sdk-agents} takes it with {@code
 * Agent.Builder.tools(toolset)}, maps the server's hints ({@link #hints(String)}) onto its tools'
 * effects and approvals, and hands each call its idempotency key, which the toolset sends in the
 * request's {@code _meta} as {@value #IDEMPOTENCY_KEY}: a server that honours it makes the effect
 * once, however often a crashed run calls again.
 *
 * <p>The declarations follow the server's list: when the client lists again (after the server said
 * its list changed, or the time a 2026-07-28 server said it may be kept is over) and finds other
 * tools, the next {@link #tools()} derives them anew; a call goes to the tool the last declarations
 * named. A toolset is thread-safe.
 */
public final class McpToolset implements ToolSource {

  /** The member of a call's {@code _meta} that carries the caller's idempotency key. */
  public static final String IDEMPOTENCY_KEY = "io.github.kimisdk/idempotency-key";

  /** The longest server text (a schema) quoted to the model. */
  private static final int QUOTE_CHARS = 4096;

  private static final Pattern PREFIX = Pattern.compile("[A-Za-z0-9_-]{0,32}");

  private final McpClient client;
  private final String toolPrefix;
  private final Predicate<? super McpTool> filter;
  private volatile Declared declared;

  /** The declarations derived from one listing of the server's tools. */
  private record Declared(
      List<McpTool> listed, List<FunctionTool> tools, Map<String, McpTool> by) {}

  private McpToolset(Builder b) {
    this.client = b.client;
    this.toolPrefix = b.toolPrefix;
    this.filter = b.filter;
  }

  /**
   * Returns the toolset of every tool {@code client}'s server lists, named without a prefix.
   *
   * @param client the connected server; the toolset does not close it
   * @return the toolset
   * @throws NullPointerException if {@code client} is null
   */
  public static McpToolset of(McpClient client) {
    return builder(client).build();
  }

  /**
   * Starts a builder for the toolset of {@code client}'s server.
   *
   * @param client the connected server; the toolset does not close it
   * @return the builder
   * @throws NullPointerException if {@code client} is null
   */
  public static Builder builder(McpClient client) {
    return new Builder(Objects.requireNonNull(client, "client must not be null"));
  }

  /**
   * Returns the client whose server this toolset declares.
   *
   * @return the client
   */
  public McpClient client() {
    return client;
  }

  /**
   * Returns the server's name, which an agent puts in front of a tool name another tool already
   * has.
   *
   * @return the client's {@link McpClient#name()}
   */
  @Override
  public String name() {
    return client.name();
  }

  /**
   * Returns the declarations Kimi is sent for the server's tools, listing them first if the client
   * has not yet (or must again).
   *
   * @return the declarations, in the server's order
   * @throws McpException if listing fails
   */
  @Override
  public List<FunctionTool> tools() {
    return declared().tools();
  }

  /**
   * Returns the server's tool behind a name this toolset gave Kimi.
   *
   * @param kimiName a name from {@link #tools()}
   * @return the tool; empty when no declaration has that name
   * @throws NullPointerException if {@code kimiName} is null
   * @throws McpException if listing fails
   */
  public Optional<McpTool> serverTool(String kimiName) {
    Objects.requireNonNull(kimiName, "kimiName must not be null");
    return Optional.ofNullable(declared().by().get(kimiName));
  }

  /**
   * Calls the server's tool behind a name this toolset gave Kimi, and waits for its result. An
   * error the tool reports is a result with {@link McpToolResult#isError()} set.
   *
   * @param kimiName a name from {@link #tools()}
   * @param arguments the arguments: a JSON object, or null for none
   * @return the result
   * @throws NullPointerException if {@code kimiName} is null
   * @throws IllegalArgumentException if no declaration has that name, or {@code arguments} is not a
   *     JSON object
   * @throws McpException as {@link McpClient#call(McpTool, JsonValue)} does
   */
  public McpToolResult call(String kimiName, JsonValue arguments) {
    return client.call(tool(kimiName), arguments);
  }

  /** The server's tool a name the model knows stands for. */
  private McpTool tool(String kimiName) {
    // The names the model was given come from the last declarations: no listing just to call.
    Declared last = declared;
    McpTool known = last == null || kimiName == null ? null : last.by().get(kimiName);
    if (known != null) {
      return known;
    }
    return serverTool(kimiName)
        .orElseThrow(
            () ->
                new IllegalArgumentException(
                    client.name()
                        + " offers no tool named \""
                        + kimiName
                        + "\" to Kimi; the names are: "
                        + String.join(", ", declared().by().keySet())));
  }

  /**
   * Returns what the server says of a tool's effects: its {@code readOnlyHint}, {@code
   * destructiveHint} and {@code idempotentHint} annotations (each true only when present and true).
   * Hints a server chose to give, not guarantees: an agent maps them onto its tools, and a team can
   * change what it makes of them.
   *
   * @param kimiName the name the model knows the tool by
   * @return the hints; {@link ToolSource.Hints#NONE} for a name this toolset does not declare
   */
  @Override
  public ToolSource.Hints hints(String kimiName) {
    McpTool t = kimiName == null ? null : declared().by().get(kimiName);
    return t == null
        ? ToolSource.Hints.NONE
        : new ToolSource.Hints(t.readOnly(), t.destructive(), t.idempotent());
  }

  /**
   * Calls the server's tool for an agent: {@link #call(String, JsonValue)}, its text as the result,
   * the tool's own errors as an error result, and the idempotency key, when there is one, in the
   * request's {@code _meta} as {@value #IDEMPOTENCY_KEY}.
   *
   * @param kimiName the name the model called
   * @param arguments the arguments
   * @param idempotencyKey the call's key, or null
   * @return the result
   * @throws McpException if the call fails
   * @throws IllegalArgumentException if the name is no tool of this toolset
   */
  @Override
  public ToolSource.Result call(String kimiName, JsonValue arguments, String idempotencyKey) {
    McpToolResult r =
        idempotencyKey == null
            ? call(kimiName, arguments)
            : client.call(
                tool(kimiName),
                arguments,
                JsonObject.of(IDEMPOTENCY_KEY, JsonString.of(idempotencyKey)));
    return new ToolSource.Result(r.text(), r.isError());
  }

  private Declared declared() {
    List<McpTool> listed = client.listTools(); // the same list until the server's list changes
    Declared d = declared;
    if (d != null && d.listed() == listed) {
      return d;
    }
    d = declare(listed);
    declared = d;
    return d;
  }

  private Declared declare(List<McpTool> listed) {
    List<FunctionTool> tools = new ArrayList<>();
    Map<String, McpTool> by = new LinkedHashMap<>();
    Set<String> taken = new HashSet<>();
    for (McpTool t : listed) {
      if (t.taskOnly() || !filter.test(t)) {
        continue;
      }
      String name = unique(kimiName(toolPrefix, t.name()), taken);
      taken.add(name);
      String description = t.description();
      if (description == null) {
        description = t.title();
      }
      tools.add(new FunctionTool(name, description, kimiSchema(t.inputSchema()), null));
      by.put(name, t);
    }
    return new Declared(listed, List.copyOf(tools), Map.copyOf(by));
  }

  /**
   * Returns the parameters schema Kimi is sent for an MCP tool's {@code inputSchema}: the schema as
   * {@link JsonSchema#normalize} rewrites it for Kimi; when even that leaves it invalid (a property
   * named {@code required}, a reference to nothing), a schema that accepts any object and quotes
   * the original in its description.
   */
  static JsonValue kimiSchema(JsonValue inputSchema) {
    if (!(inputSchema instanceof JsonObject)) {
      return JsonObject.of("type", JsonString.of("object"));
    }
    try {
      JsonObject schema = JsonSchema.normalize(inputSchema).schema();
      JsonSchema.validate(schema);
      return schema;
    } catch (IllegalArgumentException e) {
      String original = Json.write(inputSchema);
      if (original.length() > QUOTE_CHARS) {
        original = original.substring(0, QUOTE_CHARS) + "... (cut)";
      }
      return JsonObject.of(
          "type",
          JsonString.of("object"),
          "description",
          JsonString.of("Arguments, as this JSON Schema describes: " + original));
    }
  }

  /** Returns a function name Kimi accepts for an MCP tool name (see the class comment). */
  static String kimiName(String prefix, String mcpName) {
    String raw = prefix + mcpName;
    StringBuilder s = new StringBuilder(Math.min(raw.length(), 80));
    for (int i = 0; i < raw.length() && s.length() < 70; i++) {
      char c = raw.charAt(i);
      boolean ok =
          (c >= 'a' && c <= 'z')
              || (c >= 'A' && c <= 'Z')
              || (c >= '0' && c <= '9')
              || c == '_'
              || c == '-';
      s.append(ok ? c : '_');
    }
    if (s.length() == 0) {
      s.append("tool");
    }
    char first = s.charAt(0);
    if (!((first >= 'a' && first <= 'z') || (first >= 'A' && first <= 'Z') || first == '_')) {
      s.insert(0, "mcp_");
    }
    while (s.length() < 3) {
      s.append('_');
    }
    return s.length() > 64 ? s.substring(0, 64) : s.toString();
  }

  /**
   * Returns {@code name}, or when it is taken, {@code name_2}, {@code name_3}, ... cut so that the
   * result stays within 64 characters.
   */
  static String unique(String name, Set<String> taken) {
    if (!taken.contains(name)) {
      return name;
    }
    for (int i = 2; ; i++) {
      String suffix = "_" + i;
      String base =
          name.length() + suffix.length() > 64 ? name.substring(0, 64 - suffix.length()) : name;
      String candidate = base + suffix;
      if (!taken.contains(candidate)) {
        return candidate;
      }
    }
  }

  @Override
  public String toString() {
    return "McpToolset[" + client.name() + (toolPrefix.isEmpty() ? "" : ", " + toolPrefix) + "]";
  }

  /** Builds an {@link McpToolset}. Not thread-safe. */
  public static final class Builder {
    private final McpClient client;
    private String toolPrefix = "";
    private Predicate<? super McpTool> filter = t -> true;

    private Builder(McpClient client) {
      this.client = client;
    }

    /**
     * Puts a prefix before the name of every tool Kimi sees, such as {@code "github_"}, to tell
     * servers apart.
     *
     * @param prefix up to 32 letters, digits, {@code _} or {@code -}; default {@code ""}
     * @return this builder
     * @throws NullPointerException if {@code prefix} is null
     * @throws IllegalArgumentException if {@code prefix} has other characters or is too long
     */
    public Builder toolPrefix(String prefix) {
      Objects.requireNonNull(prefix, "prefix must not be null");
      if (!PREFIX.matcher(prefix).matches()) {
        throw new IllegalArgumentException(
            "toolPrefix must be up to 32 letters, digits, '_' or '-': " + prefix);
      }
      this.toolPrefix = prefix;
      return this;
    }

    /**
     * Offers only the tools {@code filter} accepts, such as {@code McpTool::readOnly} or {@code t
     * -> t.name().startsWith("get")}.
     *
     * @param filter decides for each tool, as the server lists it, whether Kimi sees it
     * @return this builder
     * @throws NullPointerException if {@code filter} is null
     */
    public Builder filter(Predicate<? super McpTool> filter) {
      this.filter = Objects.requireNonNull(filter, "filter must not be null");
      return this;
    }

    /**
     * Builds the toolset. Nothing is listed until it is asked for its tools.
     *
     * @return the toolset
     */
    public McpToolset build() {
      return new McpToolset(this);
    }
  }
}
