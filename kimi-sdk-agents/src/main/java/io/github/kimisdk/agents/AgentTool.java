package io.github.kimisdk.agents;

import io.github.kimisdk.KimiClient;
import io.github.kimisdk.json.Json;
import io.github.kimisdk.tool.BuiltinTool;
import io.github.kimisdk.tool.FunctionTool;
import io.github.kimisdk.tool.JsonSchema;
import io.github.kimisdk.tool.Tool;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Holds a tool an {@link Agent} offers the model: its declaration, what runs a call, whether a call
 * needs a person's approval, and what a call does to the world ({@link Effect}), which decides what
 * happens to a call found begun but not finished after a crash.
 *
 * <pre>{@code
 * AgentTool transfer = AgentTool.of("transfer", "Moves money between accounts",
 *         JsonSchema.object().required("to", JsonSchema.string())
 *             .required("amount", JsonSchema.integer()).build(),
 *         (args, ctx) -> bank.transfer(args.get("to").asString(), args.get("amount").asLong(),
 *             ctx.idempotencyKey()))
 *     .approval(Approval.always())
 *     .asIdempotent();
 * AgentTool lookup = AgentTool.of("find_invoice", "Finds an invoice", Invoice.Query.class,
 *         (q, ctx) -> invoices.find(q.number()))
 *     .asReadOnly();
 * }</pre>
 *
 * <p>Every kind of tool is an {@code AgentTool} and goes into any run, with approvals, hooks,
 * idempotency keys and crash records: function tools ({@link #of(FunctionTool, ToolHandler)}),
 * tools whose arguments are a record ({@link #of(String, String, Class, TypedHandler)}), an MCP
 * server's tools ({@link Agent.Builder#tools(io.github.kimisdk.tool.ToolSource)}), Kimi's own tools
 * ({@link #webSearch()}, {@link #formula}, {@link #kimiCodeSearch}, {@link #kimiCodeFetch}) and
 * another agent ({@link Agent#asTool}).
 *
 * @param tool the declaration the model is sent: a function, or one of Kimi's built-in tools
 * @param handler runs a call (a built-in tool's calls are answered by echoing their arguments, as
 *     Kimi requires; its handler is not called)
 * @param approval whether a call waits for a person; {@link Approval#never()} by default
 * @param effect what a call does to the world; {@link Effect#ONCE} by default
 */
public record AgentTool(Tool tool, ToolHandler handler, Approval approval, Effect effect) {

  /**
   * Says what a tool's call does to the world, which decides what happens to a call found begun but
   * not finished after its worker died. Pick {@link #READ_ONLY} for lookups and searches, {@link
   * #IDEMPOTENT} for payments and orders whose service takes an idempotency key, and leave {@link
   * #ONCE} for effects that cannot tell a repeat (an e-mail sent, a deletion by a service without
   * keys).
   */
  public enum Effect {
    /** It changes nothing: a call found begun is run again, without asking anyone. */
    READ_ONLY,
    /**
     * It changes something and passes {@link ToolContext#idempotencyKey()} to what it changes, so
     * running a call again with the same key does its effect once: a call found begun is run again
     * with the same key.
     */
    IDEMPOTENT,
    /**
     * It may change something and cannot tell a repeat: a call found begun is handed to a person as
     * {@link PendingCall.Kind#IN_DOUBT in doubt}, never run again silently.
     */
    ONCE
  }

  /**
   * Checks the components.
   *
   * @param tool the declaration
   * @param handler the handler
   * @param approval the approval
   * @param effect the effect
   * @throws NullPointerException if an argument is null
   */
  public AgentTool {
    Objects.requireNonNull(tool, "tool must not be null");
    Objects.requireNonNull(handler, "handler must not be null");
    Objects.requireNonNull(approval, "approval must not be null");
    Objects.requireNonNull(effect, "effect must not be null");
  }

  /**
   * Returns a function tool that runs without approval, with effect {@link Effect#ONCE}.
   *
   * @param tool the declaration
   * @param handler runs a call
   * @return the tool
   * @throws NullPointerException if an argument is null
   */
  public static AgentTool of(FunctionTool tool, ToolHandler handler) {
    return new AgentTool(tool, handler, Approval.never(), Effect.ONCE);
  }

  /**
   * Returns a function tool built from a name, a description and a schema, that runs without
   * approval, with effect {@link Effect#ONCE}.
   *
   * @param name the function name, matching {@link FunctionTool#NAME_PATTERN}
   * @param description what the tool does, for the model
   * @param parameters the schema of the arguments
   * @param handler runs a call
   * @return the tool
   * @throws NullPointerException if {@code name}, {@code parameters} or {@code handler} is null
   * @throws IllegalArgumentException if the name is invalid
   */
  public static AgentTool of(
      String name, String description, JsonSchema parameters, ToolHandler handler) {
    Objects.requireNonNull(parameters, "parameters must not be null");
    return of(Tool.function(name, description, parameters.toJson()), handler);
  }

  /**
   * Returns a function tool whose arguments are a record: the schema is {@link
   * JsonSchema#of(Class)}, the model's arguments are bound to the record with {@link
   * Json#bind(io.github.kimisdk.json.JsonValue, Class)}, and the handler's result goes back as
   * text: a {@code String} as it is, anything else written as JSON with {@link
   * Json#toJson(Object)}; {@code null} becomes {@code "(no output)"}. Arguments that do not bind (a
   * missing component, a string for a number, a value the record's constructor rejects) are
   * answered with an error naming the path, so the model can call again.
   *
   * <pre>{@code
   * record Forecast(String city, @Description("days ahead, 1 to 7") int days) {}
   * AgentTool forecast = AgentTool.of("get_forecast", "Weather forecast for a city",
   *     Forecast.class, (f, ctx) -> weather.forecast(f.city(), f.days())).asReadOnly();
   * }</pre>
   *
   * @param <P> the record type of the arguments
   * @param name the function name, matching {@link FunctionTool#NAME_PATTERN}
   * @param description what the tool does, for the model
   * @param parameters the record class of the arguments
   * @param handler runs the tool with the bound arguments
   * @return the tool, without approval, with effect {@link Effect#ONCE}
   * @throws NullPointerException if {@code name}, {@code parameters} or {@code handler} is null
   * @throws IllegalArgumentException if the name is invalid, or no schema can be derived from
   *     {@code parameters} (see {@link JsonSchema#of(Class)})
   */
  public static <P> AgentTool of(
      String name, String description, Class<P> parameters, TypedHandler<? super P> handler) {
    Objects.requireNonNull(parameters, "parameters must not be null");
    Objects.requireNonNull(handler, "handler must not be null");
    FunctionTool tool = Tool.function(name, description, JsonSchema.of(parameters).toJson());
    return of(tool, new Handlers.Bound<>(name, parameters, handler));
  }

  /**
   * Returns Kimi's built-in {@code $web_search}: Kimi runs the search, and the agent answers each
   * call by echoing its arguments unchanged, as Kimi requires. Read-only, without approval (a hook
   * may still deny a call). Kimi's docs say it needs thinking disabled, and it fails on Kimi's side
   * with {@code kimi-k3}: there, use the web search formula ({@code formula(kimi,
   * "moonshot/web-search:latest")}).
   *
   * @return the tool
   */
  public static AgentTool webSearch() {
    return builtin(Tool.webSearch());
  }

  /**
   * Returns one of Kimi's built-in tools: Kimi runs it, the agent echoes each call's arguments.
   *
   * @param tool the built-in tool
   * @return the tool, read-only, without approval
   * @throws NullPointerException if {@code tool} is null
   */
  public static AgentTool builtin(BuiltinTool tool) {
    Objects.requireNonNull(tool, "tool must not be null");
    return new AgentTool(tool, Handlers.ECHO, Approval.never(), Effect.READ_ONLY);
  }

  /**
   * Returns the tools of one of Kimi's official formulas (such as {@code
   * moonshot/web-search:latest} or {@code moonshot/date:latest}): their declarations are fetched
   * now ({@code GET /formulas/{uri}/tools}) and each call runs on Kimi as a fiber ({@code POST
   * /formulas/{uri}/fibers} with the call's arguments as the model wrote them), polled while it is
   * pending (after 0.5 s, then doubling up to 4 s, at most 10 polls and 30 s; a fiber still running
   * then is answered with an error naming it). The fiber's {@code encrypted_output} (what protected
   * formulas answer, readable by the model only) or else its {@code output} goes back to the model
   * as it is. The calls go through {@code kimi}: key, retries, rate limiter and errors. Read-only,
   * as Kimi's official formulas are (mark one {@link #asIdempotent()} or give it an {@link
   * #approval} if yours is not).
   *
   * @param kimi the client that talks to Kimi's Open Platform
   * @param uri the formula URI, as Kimi's official tools page lists it
   * @return one tool per function the formula declares
   * @throws NullPointerException if an argument is null
   * @throws IllegalArgumentException if the URI is malformed
   * @throws IllegalStateException if the formula declares no function tools
   * @throws io.github.kimisdk.errors.KimiException if the declarations cannot be fetched
   */
  public static List<AgentTool> formula(KimiClient kimi, String uri) {
    Objects.requireNonNull(kimi, "kimi must not be null");
    Objects.requireNonNull(uri, "uri must not be null");
    List<AgentTool> out = new ArrayList<>();
    for (FunctionTool f : OfficialTools.formula(kimi, uri)) {
      out.add(
          new AgentTool(
              f,
              new Handlers.Formula(kimi, uri, OfficialTools.Polling.DEFAULT),
              Approval.never(),
              Effect.READ_ONLY));
    }
    return List.copyOf(out);
  }

  /**
   * Returns Kimi Code's web search as the function {@code search_web} (a query, an optional limit),
   * run by {@link io.github.kimisdk.KimiCode#search}; read-only. The client must talk to Kimi Code
   * ({@link io.github.kimisdk.Endpoint#KIMI_CODE}).
   *
   * @param kimi the client
   * @return the tool
   * @throws NullPointerException if {@code kimi} is null
   */
  public static AgentTool kimiCodeSearch(KimiClient kimi) {
    io.github.kimisdk.KimiCode code =
        Objects.requireNonNull(kimi, "kimi must not be null").kimiCode();
    return of(OfficialTools.searchTool(), (args, ctx) -> OfficialTools.search(code, args))
        .asReadOnly();
  }

  /**
   * Returns Kimi Code's page fetching as the function {@code fetch_url}, run by {@link
   * io.github.kimisdk.KimiCode#fetch}; read-only. The client must talk to Kimi Code.
   *
   * @param kimi the client
   * @return the tool
   * @throws NullPointerException if {@code kimi} is null
   */
  public static AgentTool kimiCodeFetch(KimiClient kimi) {
    io.github.kimisdk.KimiCode code =
        Objects.requireNonNull(kimi, "kimi must not be null").kimiCode();
    return of(OfficialTools.fetchTool(), (args, ctx) -> OfficialTools.fetch(code, args))
        .asReadOnly();
  }

  /**
   * Returns this tool with another approval.
   *
   * @param approval whether a call waits for a person
   * @return the tool
   * @throws NullPointerException if {@code approval} is null
   */
  public AgentTool approval(Approval approval) {
    return new AgentTool(tool, handler, approval, effect);
  }

  /**
   * Returns this tool declared idempotent ({@link Effect#IDEMPOTENT}): its handler passes {@link
   * ToolContext#idempotencyKey()} to what it changes, so running a call again with the same key
   * does its effect once.
   *
   * @return the tool
   */
  public AgentTool asIdempotent() {
    return new AgentTool(tool, handler, approval, Effect.IDEMPOTENT);
  }

  /**
   * Returns this tool declared read-only ({@link Effect#READ_ONLY}): it changes nothing, so a call
   * found begun after a crash runs again without asking anyone.
   *
   * @return the tool
   */
  public AgentTool asReadOnly() {
    return new AgentTool(tool, handler, approval, Effect.READ_ONLY);
  }

  /**
   * Returns the tool's name.
   *
   * @return the function's name, or the built-in's (such as {@code $web_search})
   */
  public String name() {
    return tool.name();
  }

  /** Tells whether a call found begun after a crash may run again without a person. */
  boolean rerunnable() {
    return effect != Effect.ONCE;
  }

  /** Returns the tool by its name, approval and effect; never the handler. */
  @Override
  public String toString() {
    return "AgentTool[" + tool.name() + ", " + approval + ", " + effect + "]";
  }
}
