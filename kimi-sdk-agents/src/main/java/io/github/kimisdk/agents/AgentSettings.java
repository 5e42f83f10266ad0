package io.github.kimisdk.agents;

import io.github.kimisdk.KimiClient;
import io.github.kimisdk.chat.ChatRequest;
import io.github.kimisdk.model.Price;
import io.github.kimisdk.tool.ToolSource;
import java.math.BigDecimal;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Currency;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.UnaryOperator;

/**
 * The one set of an agent's settings, which {@link Agent.Builder} takes (as {@code StringBuilder}
 * takes its methods from a class of its package): its tools, its request, where its runs are kept,
 * its limits and what it tells. Not thread-safe.
 */
abstract class AgentSettings {
  final KimiClient kimi;
  final String model;
  final Map<String, AgentTool> tools = new LinkedHashMap<>();
  final List<Toolbox.Source> sources = new ArrayList<>();
  final List<ToolHook> hooks = new ArrayList<>();
  String name = "agent";
  String version = "1";
  UnaryOperator<ChatRequest.Builder> settings = b -> b;
  boolean streaming;
  RunStore store;
  RunKey key;
  boolean unsealed;
  Duration lease = Agent.DEFAULT_LEASE;
  Duration claimWait = Duration.ZERO;
  Clock clock = Clock.systemUTC();
  String owner;
  VersionRule versionRule = VersionRule.CONTINUE_IF_PENDING_UNCHANGED;
  int maxSteps = Agent.DEFAULT_MAX_STEPS;
  long maxTotalTokens;
  BigDecimal maxSpend;
  Currency currency;
  int maxConcurrentCalls;
  Duration timeLimit;
  int parallelism = Agent.DEFAULT_PARALLELISM;
  Duration toolTimeout = Agent.DEFAULT_TOOL_TIMEOUT;
  Compaction compaction = Compaction.defaults();
  String instructions;
  String description;
  AgentListener listener = e -> {};
  AgentTracer tracer = AgentTracer.NONE;

  AgentSettings(KimiClient kimi, String model) {
    this.kimi = kimi;
    this.model = model;
  }

  /**
   * A copy of every setting of {@code from}, its lists and map copied: the one place a setting is
   * carried, when an agent is built ({@link Setup}) and when a builder is made from one ({@link
   * Agent#toBuilder()}).
   */
  AgentSettings(AgentSettings from) {
    kimi = from.kimi;
    model = from.model;
    tools.putAll(from.tools);
    sources.addAll(from.sources);
    hooks.addAll(from.hooks);
    name = from.name;
    version = from.version;
    settings = from.settings;
    streaming = from.streaming;
    store = from.store;
    key = from.key;
    unsealed = from.unsealed;
    lease = from.lease;
    claimWait = from.claimWait;
    clock = from.clock;
    owner = from.owner;
    versionRule = from.versionRule;
    maxSteps = from.maxSteps;
    maxTotalTokens = from.maxTotalTokens;
    maxSpend = from.maxSpend;
    currency = from.currency;
    maxConcurrentCalls = from.maxConcurrentCalls;
    timeLimit = from.timeLimit;
    parallelism = from.parallelism;
    toolTimeout = from.toolTimeout;
    compaction = from.compaction;
    instructions = from.instructions;
    description = from.description;
    listener = from.listener;
    tracer = from.tracer;
  }

  private Agent.Builder self() {
    return (Agent.Builder) this;
  }

  /**
   * Names the agent and its version, saved with each run. A run resumes only on an agent of the
   * same name; under another version (or other instructions or tools) as its {@link
   * #onNewVersion(VersionRule)} says.
   *
   * @param name the agent's name
   * @param version its version
   * @return this builder
   * @throws NullPointerException if an argument is null
   * @throws IllegalArgumentException if one is blank
   */
  public Agent.Builder name(String name, String version) {
    Objects.requireNonNull(name, "name must not be null");
    Objects.requireNonNull(version, "version must not be null");
    if (name.isBlank() || version.isBlank()) {
      throw new IllegalArgumentException("an agent's name and version must not be blank");
    }
    this.name = name;
    this.version = version;
    return self();
  }

  /**
   * Sets the agent's instructions: a system message that opens every run this agent starts, before
   * the messages a run is given (or, for a subagent, before its task).
   *
   * @param instructions the instructions, not blank
   * @return this builder
   * @throws NullPointerException if {@code instructions} is null
   * @throws IllegalArgumentException if it is blank
   */
  public Agent.Builder instructions(String instructions) {
    Objects.requireNonNull(instructions, "instructions must not be null");
    if (instructions.isBlank()) {
      throw new IllegalArgumentException("instructions must not be blank");
    }
    this.instructions = instructions;
    return self();
  }

  /**
   * Describes what the agent does, for traces ({@code gen_ai.agent.description}).
   *
   * @param description the description
   * @return this builder
   * @throws NullPointerException if {@code description} is null
   */
  public Agent.Builder description(String description) {
    this.description = Objects.requireNonNull(description, "description must not be null");
    return self();
  }

  /**
   * Adds a tool: a function, a typed tool, one of Kimi's ({@link AgentTool#webSearch()}), or an
   * agent ({@link Agent#asTool}).
   *
   * @param tool the tool
   * @return this builder
   * @throws NullPointerException if {@code tool} is null
   * @throws IllegalArgumentException if a tool of that name is already added, or the agent would
   *     have more tools than Kimi takes
   */
  public Agent.Builder tool(AgentTool tool) {
    Objects.requireNonNull(tool, "tool must not be null");
    if (tools.containsKey(tool.name())) {
      throw new IllegalArgumentException("a tool named \"" + tool.name() + "\" is already added");
    }
    if (tools.size() >= ChatRequest.MAX_TOOLS) {
      throw new IllegalArgumentException(
          "Kimi takes at most " + ChatRequest.MAX_TOOLS + " tools in a request");
    }
    tools.put(tool.name(), tool);
    return self();
  }

  /**
   * Changes or removes the tools added so far ({@link #tool}; not a source's), each in its place:
   * {@code change} is given each tool and returns the one to keep in its place (itself, or itself
   * with another approval or effect: the same name), or null to remove it. For a variant of an
   * agent ({@link Agent#toBuilder()}): a run that may use fewer tools, or asks for approval of
   * more.
   *
   * @param change returns the tool to keep in its place, or null to remove it
   * @return this builder
   * @throws NullPointerException if {@code change} is null
   * @throws IllegalArgumentException if it returns a tool of another name
   */
  public Agent.Builder changeTools(UnaryOperator<AgentTool> change) {
    Objects.requireNonNull(change, "change must not be null");
    Map<String, AgentTool> kept = new LinkedHashMap<>();
    for (AgentTool t : tools.values()) {
      AgentTool out = change.apply(t);
      if (out == null) {
        continue;
      }
      if (!out.name().equals(t.name())) {
        throw new IllegalArgumentException(
            "changeTools keeps each tool's name: " + t.name() + " became " + out.name());
      }
      kept.put(out.name(), out);
    }
    tools.clear();
    tools.putAll(kept);
    return self();
  }

  /**
   * Adds several tools, such as a formula's ({@link AgentTool#formula}).
   *
   * @param tools the tools
   * @return this builder
   * @throws NullPointerException if {@code tools} or one of them is null
   * @throws IllegalArgumentException as {@link #tool(AgentTool)} does
   */
  public Agent.Builder tools(List<AgentTool> tools) {
    tools.forEach(this::tool);
    return self();
  }

  /**
   * Adds the tools of a source (an MCP server's {@code McpToolset}), listed again before each model
   * call, its hints mapped (see {@link #tools(ToolSource, UnaryOperator)}).
   *
   * @param source the source; the agent does not close it
   * @return this builder
   * @throws NullPointerException if {@code source} is null
   * @throws IllegalArgumentException if the source was already added
   */
  public Agent.Builder tools(ToolSource source) {
    return tools(source, t -> t);
  }

  /**
   * Adds the tools of a source, listed again before each model call; a name another tool has
   * becomes {@code <source>_<name>}. Each becomes an {@link AgentTool} from what the source says of
   * it ({@link ToolSource#hints}): read-only ({@link AgentTool.Effect#READ_ONLY}, no approval),
   * idempotent ({@link AgentTool.Effect#IDEMPOTENT}) or neither ({@link AgentTool.Effect#ONCE}),
   * and a tool it says is destructive needs approval ({@link Approval#always()}); then {@code
   * adjust} makes the team's changes (another approval or effect; not the declaration). A call
   * passes its idempotency key to the source (an MCP call carries it in its {@code _meta}).
   *
   * <pre>{@code
   * builder.tools(McpToolset.of(bank), t ->
   *     t.name().equals("transfer") ? t.approval(Approval.always()).asIdempotent() : t);
   * }</pre>
   *
   * @param source the source; the agent does not close it
   * @param adjust changes each tool the source's listing makes, or returns it as it is
   * @return this builder
   * @throws NullPointerException if an argument is null
   * @throws IllegalArgumentException if the source was already added
   */
  public Agent.Builder tools(ToolSource source, UnaryOperator<AgentTool> adjust) {
    Objects.requireNonNull(source, "source must not be null");
    Objects.requireNonNull(adjust, "adjust must not be null");
    for (Toolbox.Source s : sources) {
      if (s.source().equals(source)) {
        throw new IllegalArgumentException(
            "the tool source " + source.name() + " is already added");
      }
    }
    sources.add(new Toolbox.Source(source, adjust));
    return self();
  }

  /**
   * Adds a hook that sees every tool call before it runs, after the hooks added before it and
   * before the tool's approval.
   *
   * @param hook the hook
   * @return this builder
   * @throws NullPointerException if {@code hook} is null
   */
  public Agent.Builder hook(ToolHook hook) {
    hooks.add(Objects.requireNonNull(hook, "hook must not be null"));
    return self();
  }

  /**
   * Sets what every model call's request carries beyond the messages and tools (thinking, effort,
   * output cap, prompt cache time to live, response format, Kimi's built-in tools): a function
   * applied to each call's builder. It is part of the agent's code: the program that resumes a run
   * builds its agent the same way. A {@code required} or named tool choice applies to a run's first
   * call only.
   *
   * @param settings changes a call's builder and returns it
   * @return this builder
   * @throws NullPointerException if {@code settings} is null
   */
  public Agent.Builder request(UnaryOperator<ChatRequest.Builder> settings) {
    this.settings = Objects.requireNonNull(settings, "settings must not be null");
    return self();
  }

  /**
   * Sets whether each model call of the run streams, its pieces told to the listener as they arrive
   * ({@link RunEvent.Streamed}).
   *
   * @param streaming true to stream; default false
   * @return this builder
   */
  public Agent.Builder streaming(boolean streaming) {
    this.streaming = streaming;
    return self();
  }

  /**
   * Sets where runs are kept: {@link FileRunStore}, {@link JdbcRunStore}, a Redis store ({@code
   * kimi-sdk-redis}), or {@link RunStore#inMemory()}. Without one, runs live in memory: nothing is
   * saved or claimed, and no file is written.
   *
   * @param store the store
   * @return this builder
   * @throws NullPointerException if {@code store} is null
   */
  public Agent.Builder store(RunStore store) {
    this.store = Objects.requireNonNull(store, "store must not be null");
    return self();
  }

  /**
   * Sets the application's key: every record a run saves is sealed with it and checked at every
   * load, and every decision kept in a run's record is chained under it ({@link RunKey}), and
   * decisions may travel as tokens signed with it ({@link Agent#token}). An agent with a store
   * needs one, or {@link #unsealed()}.
   *
   * @param key the key; every worker of a store holds the same
   * @return this builder
   * @throws NullPointerException if {@code key} is null
   */
  public Agent.Builder key(RunKey key) {
    this.key = Objects.requireNonNull(key, "key must not be null");
    return self();
  }

  /**
   * Keeps this agent's runs in its store without a key: the one way to build an agent with a store
   * and no {@link RunKey}, for a laptop or a test. What it costs: nothing a run saves is sealed, so
   * whoever can write the store can change what a run will do (a pending call's arguments and every
   * digest beside them, a recorded decision, the decision record) and the run acts on it unseen;
   * decisions cannot travel as signed tokens. Docs: "A key for the store" in docs/agents.md.
   *
   * @return this builder
   */
  public Agent.Builder unsealed() {
    this.unsealed = true;
    return self();
  }

  /**
   * Sets how long a claim lasts unless renewed: a worker renews it every third of it, and a worker
   * killed outright holds its runs in a database or Redis until it lapses (a file store's claim
   * ends with its holder's process at once).
   *
   * @param lease positive; default 10 seconds
   * @return this builder
   * @throws NullPointerException if {@code lease} is null
   * @throws IllegalArgumentException if it is not positive
   */
  public Agent.Builder lease(Duration lease) {
    this.lease = positive(lease, "lease");
    return self();
  }

  /**
   * Sets how long a drive waits for a run another worker holds before it answers {@link
   * RunResult.Taken}: trying again as the holder's lease lapses, and twice a second meanwhile.
   *
   * @param wait zero (the default: answer at once) or more
   * @return this builder
   * @throws NullPointerException if {@code wait} is null
   * @throws IllegalArgumentException if it is negative
   */
  public Agent.Builder claimWait(Duration wait) {
    Objects.requireNonNull(wait, "wait must not be null");
    if (wait.isNegative()) {
      throw new IllegalArgumentException("claimWait must not be negative: " + wait);
    }
    this.claimWait = wait;
    return self();
  }

  /**
   * Sets the clock claims and run times are read from: the workers of one store must agree on the
   * time to well within a lease.
   *
   * @param clock the clock; default the system's
   * @return this builder
   * @throws NullPointerException if {@code clock} is null
   */
  public Agent.Builder clock(Clock clock) {
    this.clock = Objects.requireNonNull(clock, "clock must not be null");
    return self();
  }

  /**
   * Names this worker in its claims (a host or pod name). Default: the process id and a random
   * part.
   *
   * @param owner the name, 1 to 200 characters
   * @return this builder
   * @throws NullPointerException if {@code owner} is null
   * @throws IllegalArgumentException if it is blank or longer than 200 characters
   */
  public Agent.Builder owner(String owner) {
    Objects.requireNonNull(owner, "owner must not be null");
    if (owner.isBlank() || owner.length() > 200) {
      throw new IllegalArgumentException("owner must be 1 to 200 characters: " + owner);
    }
    this.owner = owner;
    return self();
  }

  /**
   * Sets what a resume of a run saved under another version of this agent does.
   *
   * @param rule the rule; default {@link VersionRule#CONTINUE_IF_PENDING_UNCHANGED}
   * @return this builder
   * @throws NullPointerException if {@code rule} is null
   */
  public Agent.Builder onNewVersion(VersionRule rule) {
    this.versionRule = Objects.requireNonNull(rule, "rule must not be null");
    return self();
  }

  /**
   * Sets the step limit: the most model calls in a run, counted across resumes, its subagents'
   * calls included; a compaction's summary call is not a step.
   *
   * @param maxSteps at least 1; default {@value Agent#DEFAULT_MAX_STEPS}
   * @return this builder
   * @throws IllegalArgumentException if it is below 1
   */
  public Agent.Builder maxSteps(int maxSteps) {
    this.maxSteps = (int) atLeastOne(maxSteps, "maxSteps");
    return self();
  }

  /**
   * Sets a token limit on a run and its subagents: a model call is made only when its worst case
   * (the rule of the class comment of {@code Budget}, in docs/agents.md) fits what is left.
   *
   * @param maxTotalTokens at least 1
   * @return this builder
   * @throws IllegalArgumentException if it is below 1
   */
  public Agent.Builder maxTotalTokens(long maxTotalTokens) {
    this.maxTotalTokens = atLeastOne(maxTotalTokens, "maxTotalTokens");
    return self();
  }

  /**
   * Sets a spend limit on a run and its subagents, priced with the client's {@link
   * KimiClient#prices()}. A model call's worst case is its estimated prompt (at the cache-miss
   * price, or the cache-write price when higher) and the output cap it sends: when the request sets
   * none, the run sends the most output that fits what is left (at most the model's default), and
   * makes no call for which fewer than 1,024 output tokens fit. Every call in flight holds its
   * worst case until its reply, so calls in parallel never take the run past the limit together.
   *
   * @param amount the most the run may cost, not negative
   * @param currency its currency
   * @return this builder
   * @throws NullPointerException if an argument is null
   * @throws IllegalArgumentException if {@code amount} is negative
   */
  public Agent.Builder maxSpend(BigDecimal amount, Currency currency) {
    Objects.requireNonNull(amount, "amount must not be null");
    Objects.requireNonNull(currency, "currency must not be null");
    if (amount.signum() < 0) {
      throw new IllegalArgumentException("maxSpend must not be negative: " + amount);
    }
    this.maxSpend = amount;
    this.currency = currency;
    return self();
  }

  /**
   * Limits the model calls in flight at once in a run and its subagents together; a call waits for
   * a place.
   *
   * @param maxConcurrentCalls at least 1; by default no limit
   * @return this builder
   * @throws IllegalArgumentException if it is below 1
   */
  public Agent.Builder maxConcurrentCalls(int maxConcurrentCalls) {
    this.maxConcurrentCalls = (int) atLeastOne(maxConcurrentCalls, "maxConcurrentCalls");
    return self();
  }

  /**
   * Sets a deadline for each drive of a run: no model call starts after it (in the run or its
   * subagents), and the run stops with {@link RunResult.Limit#TIME}. A paused run's wait does not
   * count.
   *
   * @param timeLimit positive
   * @return this builder
   * @throws NullPointerException if {@code timeLimit} is null
   * @throws IllegalArgumentException if it is not positive
   */
  public Agent.Builder timeLimit(Duration timeLimit) {
    this.timeLimit = positive(timeLimit, "timeLimit");
    return self();
  }

  /**
   * Sets how many calls of a turn run at once.
   *
   * @param parallelism at least 1; default {@value Agent#DEFAULT_PARALLELISM}
   * @return this builder
   * @throws IllegalArgumentException if it is below 1
   */
  public Agent.Builder parallelism(int parallelism) {
    this.parallelism = (int) atLeastOne(parallelism, "parallelism");
    return self();
  }

  /**
   * Sets how long a tool call may run before its thread is interrupted; the model then reads that
   * it timed out. A tool that ignores the interrupt keeps the turn waiting.
   *
   * @param toolTimeout positive; default 60 seconds
   * @return this builder
   * @throws NullPointerException if {@code toolTimeout} is null
   * @throws IllegalArgumentException if it is not positive
   */
  public Agent.Builder toolTimeout(Duration toolTimeout) {
    this.toolTimeout = positive(toolTimeout, "toolTimeout");
    return self();
  }

  /**
   * Sets how the run's history stays inside the model's window ({@link Compaction#defaults()} by
   * default; {@link Compaction#off()} sends every history whole).
   *
   * @param compaction the settings
   * @return this builder
   * @throws NullPointerException if {@code compaction} is null
   */
  public Agent.Builder compaction(Compaction compaction) {
    this.compaction = Objects.requireNonNull(compaction, "compaction must not be null");
    return self();
  }

  /**
   * Sets the listener that sees a run's moments ({@link RunEvent}).
   *
   * @param listener the listener
   * @return this builder
   * @throws NullPointerException if {@code listener} is null
   */
  public Agent.Builder listener(AgentListener listener) {
    this.listener = Objects.requireNonNull(listener, "listener must not be null");
    return self();
  }

  /**
   * Sets the tracer that gives each drive of a run and each tool call a span ({@code
   * kimi-sdk-opentelemetry}'s {@code AgentSpans}).
   *
   * @param tracer the tracer; {@link AgentTracer#NONE} by default
   * @return this builder
   * @throws NullPointerException if {@code tracer} is null
   */
  public Agent.Builder tracer(AgentTracer tracer) {
    this.tracer = Objects.requireNonNull(tracer, "tracer must not be null");
    return self();
  }

  /** Checks the settings together, as {@link Agent.Builder#build()} starts. */
  void check() {
    if (key != null && unsealed) {
      throw new IllegalStateException(
          "the agent has a key and is marked unsealed(): choose one (a key, unless this is a"
              + " laptop's or a test's store)");
    }
    if (store != null && key == null && !unsealed) {
      throw new IllegalStateException(
          "an agent with a store ("
              + store
              + ") needs a RunKey, which seals every record its runs save so that an edit of the"
              + " store (an amount and every digest beside it, a decision) is refused rather than"
              + " acted on: make one once with java -jar kimi-sdk-agents-VERSION.jar key --out FILE"
              + " (or RunKey.createFile(file)), keep it in your secret store, and set it with"
              + " .key(RunKey.fromEnv(\"KIMI_AGENT_KEY\")) or .key(RunKey.fromFile(file)); or,"
              + " for a laptop or a test, opt out by name with .unsealed() (an edit of the store"
              + " then goes unseen)");
    }
    if (maxSpend != null) {
      Price price = kimi.prices().find(model).orElse(null);
      if (price == null || !price.currency().equals(currency)) {
        throw new IllegalArgumentException(
            "maxSpend is in "
                + currency
                + " but the client's price table has "
                + (price == null ? "no price" : "a price in " + price.currency())
                + " for "
                + model);
      }
    }
  }

  private static long atLeastOne(long value, String name) {
    if (value < 1) {
      throw new IllegalArgumentException(name + " must be at least 1: " + value);
    }
    return value;
  }

  private static Duration positive(Duration d, String name) {
    Objects.requireNonNull(d, name + " must not be null");
    if (d.isZero() || d.isNegative()) {
      throw new IllegalArgumentException(name + " must be positive: " + d);
    }
    return d;
  }
}
