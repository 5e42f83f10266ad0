package io.github.kimisdk.agents;

import io.github.kimisdk.KimiClient;
import io.github.kimisdk.chat.ChatRequest;
import io.github.kimisdk.chat.Message;
import io.github.kimisdk.model.Price;
import io.github.kimisdk.tool.JsonSchema;
import io.github.kimisdk.tool.Tool;
import java.math.BigDecimal;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Currency;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.UnaryOperator;

/**
 * Runs Kimi's tool calls as a run a team can leave running: tools that wait for a person's
 * approval, hooks that deny or rewrite a call, a run saved as a value ({@link RunState}) in a
 * {@link RunStore} after every reply and resumed here or in another process, one worker at a time,
 * and each tool call recorded before its effect and after it, with an idempotency key the tool
 * passes on.
 *
 * <pre>{@code
 * Agent agent = Agent.builder(kimi, "kimi-k3")
 *     .tool(transfer.approval(Approval.always()).asIdempotent())
 *     .store(FileRunStore.of(Path.of("runs")))
 *     .build();
 * RunResult r = agent.run("order-42", List.of(Message.user("Pay invoice 42")));
 * if (r instanceof RunResult.Paused p) {
 *   // ... later, in any process: a person decides
 *   RunState saved = agent.load("order-42").orElseThrow();
 *   r = agent.resume(saved, List.of(Decision.approve(saved.pending().get(0))));
 * }
 * }</pre>
 *
 * <p><b>A turn.</b> The model's reply is saved before any of its calls runs. Each call passes the
 * agent's hooks, then its tool's {@link Approval}: denied calls are answered with the reason, calls
 * allowed run at once (in parallel, up to {@link Builder#parallelism(int)}), and calls that ask
 * wait. <b>The calls of a turn that need no decision run; the ones that ask wait</b>, and the model
 * is not called again until every call of the turn has a result: a paused run is saved with its
 * pending calls, and {@link #resume} goes on with the decisions that answer them. A decision is
 * recorded in the saved state before the call it allows runs, bound to the tool, the exact
 * arguments and the approval policy in force; a decision that no longer matches asks again.
 *
 * <p><b>No effect twice.</b> Before a call runs, a record of its intent (tool, arguments, its
 * idempotency key) is written to the store; after it, its result. After a crash, {@link #resume}
 * reads them: a call with a result is not run again; a call begun but not finished runs again with
 * the same key when its tool is {@linkplain AgentTool#asIdempotent() idempotent}, and is otherwise
 * handed back as {@link PendingCall.Kind#IN_DOUBT in doubt} for a person to decide (run again, give
 * its result, or fail it): never run again silently. A tool that passes its key to what it changes
 * does its effect once, whatever point the process was killed at.
 *
 * <p><b>One worker.</b> Every run and resume claims the run in the store for a lease ({@link
 * Builder#lease(Duration)}), renewed while it works and released when it returns: a second worker
 * gets {@link RunResult.Taken}, naming the holder and when its claim lapses if it dies.
 *
 * <p>An agent is immutable and thread-safe: several runs may go at once, each on the thread that
 * called {@link #run} or {@link #resume}.
 */
public final class Agent {

  /** The default step limit: at most this many model calls in a run. */
  public static final int DEFAULT_MAX_STEPS = 20;

  /** The default lease of a run's claim. */
  public static final Duration DEFAULT_LEASE = Duration.ofMinutes(2);

  /** The default time a tool call may run before it is interrupted. */
  public static final Duration DEFAULT_TOOL_TIMEOUT = Duration.ofSeconds(60);

  /** The directory of the default store, {@link FileRunStore}, in the working directory. */
  public static final String DEFAULT_STORE = "kimi-runs";

  /** The default number of a turn's calls run at once. */
  public static final int DEFAULT_PARALLELISM = 4;

  private static final AtomicInteger AGENTS = new AtomicInteger();

  final KimiClient kimi;
  final String model;
  final String name;
  final String version;
  final Map<String, AgentTool> tools;
  final List<Tool> declarations;
  final List<ToolHook> hooks;
  final UnaryOperator<ChatRequest.Builder> settings;
  final RunStore store;
  final Duration lease;
  final Clock clock;
  final String owner;
  final int maxSteps;
  final long maxTotalTokens;
  final BigDecimal maxSpend;
  final Currency currency;
  final AgentListener listener;
  final Duration toolTimeout;
  final ThreadPoolExecutor pool;
  final Compaction compaction;
  final String instructions;
  final String description;
  final int maxConcurrentCalls;
  final Duration timeLimit;
  final AgentTracer tracer;

  private Agent(Builder b) {
    this.kimi = b.kimi;
    this.model = b.model;
    this.name = b.name;
    this.version = b.version;
    this.tools = Collections.unmodifiableMap(new LinkedHashMap<>(b.tools));
    List<Tool> decl = new ArrayList<>();
    b.tools.values().forEach(t -> decl.add(t.tool()));
    this.declarations = List.copyOf(decl);
    this.hooks = List.copyOf(b.hooks);
    this.settings = b.settings;
    this.store = b.store;
    this.lease = b.lease;
    this.clock = b.clock;
    this.owner = b.owner;
    this.maxSteps = b.maxSteps;
    this.maxTotalTokens = b.maxTotalTokens;
    this.maxSpend = b.maxSpend;
    this.currency = b.currency;
    this.compaction = b.compaction;
    this.instructions = b.instructions;
    this.description = b.description;
    this.maxConcurrentCalls = b.maxConcurrentCalls;
    this.timeLimit = b.timeLimit;
    this.tracer = b.tracer;
    this.listener = b.listener;
    this.toolTimeout = b.toolTimeout;
    int id = AGENTS.incrementAndGet();
    AtomicInteger threads = new AtomicInteger();
    this.pool =
        new ThreadPoolExecutor(
            b.parallelism,
            b.parallelism,
            10,
            TimeUnit.SECONDS,
            new LinkedBlockingQueue<>(),
            r -> {
              Thread t = new Thread(r, "kimi-agent-" + id + "-" + threads.incrementAndGet());
              t.setDaemon(true);
              return t;
            });
    pool.allowCoreThreadTimeOut(true);
  }

  /**
   * Starts a builder for an agent that calls {@code model} through {@code kimi}.
   *
   * @param kimi the client
   * @param model the model, such as {@code kimi-k3}
   * @return the builder
   * @throws NullPointerException if an argument is null
   */
  public static Builder builder(KimiClient kimi, String model) {
    return new Builder(
        Objects.requireNonNull(kimi, "kimi must not be null"),
        Objects.requireNonNull(model, "model must not be null"));
  }

  /**
   * Returns the tools this agent declares to the model.
   *
   * @return the declarations, in the order added
   */
  public List<Tool> tools() {
    return declarations;
  }

  /**
   * Returns the store this agent keeps its runs in.
   *
   * @return the store
   */
  public RunStore store() {
    return store;
  }

  /**
   * Returns this agent as a tool another agent's model may call with a task: a subagent. A call
   * starts a run of this agent (its instructions, tools, model, hooks and compaction) with the task
   * as its user message, inside the calling run: under its claim and in its store (the subagent's
   * own store, lease and owner are not used), its records and idempotency keys its own. The calling
   * run's limits (steps, tokens, spend, the model calls in flight, its deadline) bound the subagent
   * with every other subagent it runs, as this agent's own limits bound it alone; calls of one turn
   * run in parallel, up to the parent's {@link Builder#parallelism(int)}. What the subagent answers
   * is the call's result. A subagent that fails, or that a limit stops, is a tool error the calling
   * model reads, not a failure of its run (but a failure of the store fails the calling run, to be
   * resumed, as in any run). A call in the subagent that waits for approval pauses the calling run:
   * its {@link RunResult.Paused#pending()} holds the subagent's calls (under the subagent's run
   * id), its saved state holds the subagent's, and {@link #resume} with their decisions goes on
   * inside the subagent.
   *
   * <pre>{@code
   * Agent researcher = Agent.builder(kimi, "kimi-k2.6")
   *     .name("researcher", "1")
   *     .instructions("You find facts and cite where they come from.")
   *     .tool(search)
   *     .build();
   * Agent lead = Agent.builder(kimi, "kimi-k3")
   *     .tool(researcher.asTool("research", "Finds facts about one question"))
   *     .maxSpend(new BigDecimal("0.50"), Currency.getInstance("USD"))   // both agents, together
   *     .build();
   * }</pre>
   *
   * @param name the tool's name, matching {@link io.github.kimisdk.tool.FunctionTool#NAME_PATTERN}
   * @param description what the subagent does, for the calling model
   * @return the tool, which takes {@code {"task": "..."}}
   * @throws NullPointerException if an argument is null
   * @throws IllegalArgumentException if the name is invalid
   */
  public AgentTool asTool(String name, String description) {
    Objects.requireNonNull(description, "description must not be null");
    JsonSchema task =
        JsonSchema.string()
            .description(
                "The task for the agent, with everything it needs to know: it sees nothing else of"
                    + " this conversation");
    return AgentTool.of(
            name,
            description,
            JsonSchema.object().required("task", task).build(),
            new Subagent(this))
        .asIdempotent();
  }

  /**
   * Starts a run under {@code runId} from {@code messages}: claims it in the store, calls the model
   * with this agent's tools and settings, and drives it until the model answers, a call waits for a
   * decision, a limit stops it, or a call fails.
   *
   * @param runId the run's id, unique in the store: 1 to 128 letters, digits, {@code .}, {@code _}
   *     or {@code -}
   * @param messages the first messages (instructions, the task)
   * @return how the run ended this time; {@link RunResult.Taken} when another worker holds the id
   * @throws NullPointerException if an argument is null
   * @throws IllegalArgumentException if the id is malformed or {@code messages} is empty
   * @throws IllegalStateException if the store already holds a run with this id (resume it)
   * @throws RunStoreException if the store fails before the run is saved
   */
  public RunResult run(String runId, List<? extends Message> messages) {
    Ids.runId(runId);
    Objects.requireNonNull(messages, "messages must not be null");
    if (messages.isEmpty()) {
      throw new IllegalArgumentException("a run needs at least one message");
    }
    RunState.Data d = new RunState.Data();
    d.id = runId;
    d.agentName = name;
    d.agentVersion = version;
    d.tools = new ArrayList<>(tools.keySet());
    d.model = model;
    d.maxSteps = maxSteps;
    d.maxTotalTokens = maxTotalTokens;
    d.maxSpend = maxSpend;
    d.currency = currency;
    if (instructions != null) {
      d.messages.add(Message.system(instructions));
    }
    d.messages.addAll(messages);
    d.newMessageIndex = d.messages.size();
    return new RunDrive(this, d).start();
  }

  /**
   * Goes on with a saved run: claims it, reads its latest state from the store (the store's copy
   * wins over {@code state}, which then only names the run; a state the store does not hold yet is
   * saved there first), applies the decisions to the calls they answer, runs what may run, and
   * drives the run on as {@link #run} does. A decision that no longer matches its call (the saved
   * arguments, the tool or the policy changed) is set aside, and the call asks again. A run found
   * mid-turn after a crash goes on from its records: calls with a result are not run again, calls
   * begun but not finished are run again with the same key (idempotent tools) or handed back in
   * doubt.
   *
   * @param state the run, as {@link #load} or {@link RunState#fromJson} gave it
   * @param decisions the decisions on its pending calls; may be empty
   * @return how the run ended this time; {@link RunResult.Taken} when another worker holds it
   * @throws NullPointerException if an argument is null
   * @throws IllegalStateException if the run was saved by another agent or another version of this
   *     one, or calls a tool this agent does not have
   * @throws RunStoreException if the store fails before the run goes on
   */
  public RunResult resume(RunState state, List<Decision> decisions) {
    Objects.requireNonNull(state, "state must not be null");
    Objects.requireNonNull(decisions, "decisions must not be null");
    return new RunDrive(this, state.data()).resume(List.copyOf(decisions));
  }

  /**
   * Reads a run's latest saved state from the store.
   *
   * @param runId the run
   * @return the state, or empty when the store holds no such run
   * @throws NullPointerException if {@code runId} is null
   * @throws IllegalArgumentException if the id is malformed, or the saved state is not readable
   * @throws RunStoreException if the store fails
   */
  public java.util.Optional<RunState> load(String runId) {
    byte[] saved = store.get(Ids.runId(runId), Ids.STATE);
    return saved == null
        ? java.util.Optional.empty()
        : java.util.Optional.of(RunState.fromBytes(saved));
  }

  /** Describes the agent by its name, version, model and tools. */
  @Override
  public String toString() {
    return "Agent[" + name + "@" + version + ", " + model + ", tools=" + tools.keySet() + "]";
  }

  /** Builds an {@link Agent}. Not thread-safe. */
  public static final class Builder {
    private final KimiClient kimi;
    private final String model;
    private final Map<String, AgentTool> tools = new LinkedHashMap<>();
    private final List<ToolHook> hooks = new ArrayList<>();
    private String name = "agent";
    private String version = "1";
    private UnaryOperator<ChatRequest.Builder> settings = b -> b;
    private RunStore store;
    private Duration lease = DEFAULT_LEASE;
    private Clock clock = Clock.systemUTC();
    private String owner;
    private int maxSteps = DEFAULT_MAX_STEPS;
    private long maxTotalTokens;
    private BigDecimal maxSpend;
    private Currency currency;
    private AgentListener listener = e -> {};
    private int parallelism = DEFAULT_PARALLELISM;
    private Duration toolTimeout = DEFAULT_TOOL_TIMEOUT;
    private Compaction compaction = Compaction.defaults();
    private String instructions;
    private String description;
    private int maxConcurrentCalls;
    private Duration timeLimit;
    private AgentTracer tracer = AgentTracer.NONE;

    private Builder(KimiClient kimi, String model) {
      this.kimi = kimi;
      this.model = model;
    }

    /**
     * Names the agent and its version, saved with each run: a run resumes only on an agent of the
     * same name and version. Change the version when a change to the agent's tools or instructions
     * should not meet runs saved before it.
     *
     * @param name the agent's name
     * @param version its version
     * @return this builder
     * @throws NullPointerException if an argument is null
     * @throws IllegalArgumentException if one is blank
     */
    public Builder name(String name, String version) {
      Objects.requireNonNull(name, "name must not be null");
      Objects.requireNonNull(version, "version must not be null");
      if (name.isBlank() || version.isBlank()) {
        throw new IllegalArgumentException("an agent's name and version must not be blank");
      }
      this.name = name;
      this.version = version;
      return this;
    }

    /**
     * Adds a tool.
     *
     * @param tool the tool
     * @return this builder
     * @throws NullPointerException if {@code tool} is null
     * @throws IllegalArgumentException if a tool of that name is already added, or the agent would
     *     have more tools than Kimi takes
     */
    public Builder tool(AgentTool tool) {
      Objects.requireNonNull(tool, "tool must not be null");
      if (tools.containsKey(tool.name())) {
        throw new IllegalArgumentException("a tool named \"" + tool.name() + "\" is already added");
      }
      if (tools.size() >= ChatRequest.MAX_TOOLS) {
        throw new IllegalArgumentException(
            "Kimi takes at most " + ChatRequest.MAX_TOOLS + " tools in a request");
      }
      tools.put(tool.name(), tool);
      return this;
    }

    /**
     * Adds a hook that sees every tool call before it runs, after the hooks added before it and
     * before the tool's approval.
     *
     * @param hook the hook
     * @return this builder
     * @throws NullPointerException if {@code hook} is null
     */
    public Builder hook(ToolHook hook) {
      hooks.add(Objects.requireNonNull(hook, "hook must not be null"));
      return this;
    }

    /**
     * Sets what every model call's request carries beyond the messages and tools (thinking, effort,
     * output cap, response format): a function the agent applies to each step's builder. It is part
     * of the agent's code, as the tools are: the program that resumes a run builds its agent the
     * same way.
     *
     * @param settings changes a step's builder and returns it
     * @return this builder
     * @throws NullPointerException if {@code settings} is null
     */
    public Builder request(UnaryOperator<ChatRequest.Builder> settings) {
      this.settings = Objects.requireNonNull(settings, "settings must not be null");
      return this;
    }

    /**
     * Sets where runs are kept: {@link FileRunStore} (by default {@code
     * FileRunStore.of(Path.of("kimi-runs"))}, a directory of the working directory, made when the
     * agent is built), {@link JdbcRunStore}, a Redis store, or {@link RunStore#inMemory()} (this
     * process only: for tests).
     *
     * @param store the store
     * @return this builder
     * @throws NullPointerException if {@code store} is null
     */
    public Builder store(RunStore store) {
      this.store = Objects.requireNonNull(store, "store must not be null");
      return this;
    }

    /**
     * Sets how long a claim lasts unless renewed: a worker renews it every third of it while it
     * works, and a worker that dies holds its runs until it lapses.
     *
     * @param lease positive; default two minutes
     * @return this builder
     * @throws NullPointerException if {@code lease} is null
     * @throws IllegalArgumentException if it is not positive
     */
    public Builder lease(Duration lease) {
      this.lease = positive(lease, "lease");
      return this;
    }

    /**
     * Sets the clock claims are timed by: the workers of one store must agree on the time to well
     * within a lease.
     *
     * @param clock the clock; default the system's
     * @return this builder
     * @throws NullPointerException if {@code clock} is null
     */
    public Builder clock(Clock clock) {
      this.clock = Objects.requireNonNull(clock, "clock must not be null");
      return this;
    }

    /**
     * Names this worker in its claims (a host or pod name): what another worker is told when it
     * finds a run taken. Default: the process id and a random part.
     *
     * @param owner the name, not blank
     * @return this builder
     * @throws NullPointerException if {@code owner} is null
     * @throws IllegalArgumentException if it is blank or longer than 200 characters
     */
    public Builder owner(String owner) {
      Objects.requireNonNull(owner, "owner must not be null");
      if (owner.isBlank() || owner.length() > 200) {
        throw new IllegalArgumentException("owner must be 1 to 200 characters: " + owner);
      }
      this.owner = owner;
      return this;
    }

    /**
     * Sets the step limit: the most model calls in a run, counted across resumes, its subagents'
     * calls included ({@link Agent#asTool}); a compaction's summary call is not a step.
     *
     * @param maxSteps at least 1; default {@value Agent#DEFAULT_MAX_STEPS}
     * @return this builder
     * @throws IllegalArgumentException if it is below 1
     */
    public Builder maxSteps(int maxSteps) {
      if (maxSteps < 1) {
        throw new IllegalArgumentException("maxSteps must be at least 1: " + maxSteps);
      }
      this.maxSteps = maxSteps;
      return this;
    }

    /**
     * Sets a token limit: the run stops before a model call whose prompt (as the SDK's estimator
     * counts it) and whole output cap could take its tokens past the limit, its subagents' tokens
     * and the calls in flight counted with its own.
     *
     * @param maxTotalTokens at least 1
     * @return this builder
     * @throws IllegalArgumentException if it is below 1
     */
    public Builder maxTotalTokens(long maxTotalTokens) {
      if (maxTotalTokens < 1) {
        throw new IllegalArgumentException("maxTotalTokens must be at least 1: " + maxTotalTokens);
      }
      this.maxTotalTokens = maxTotalTokens;
      return this;
    }

    /**
     * Sets a spend limit: the run stops before a model call whose worst case (its estimated prompt
     * at the cache-miss price and its whole output cap) could take its cost, priced with the
     * client's {@link KimiClient#prices()}, past {@code amount}. The run's subagents are held to it
     * with the run: every model call in flight holds its worst case until its reply, so calls in
     * parallel never take the run past it together. The output cap is the request's {@code
     * max_completion_tokens}, or the model's default output when the request sets none: set one
     * ({@link #request}) so that a worst case is not the whole default output.
     *
     * @param amount the most the run may cost, not negative
     * @param currency its currency
     * @return this builder
     * @throws NullPointerException if an argument is null
     * @throws IllegalArgumentException if {@code amount} is negative
     */
    public Builder maxSpend(BigDecimal amount, Currency currency) {
      Objects.requireNonNull(amount, "amount must not be null");
      Objects.requireNonNull(currency, "currency must not be null");
      if (amount.signum() < 0) {
        throw new IllegalArgumentException("maxSpend must not be negative: " + amount);
      }
      this.maxSpend = amount;
      this.currency = currency;
      return this;
    }

    /**
     * Sets the listener.
     *
     * @param listener the listener
     * @return this builder
     * @throws NullPointerException if {@code listener} is null
     */
    public Builder listener(AgentListener listener) {
      this.listener = Objects.requireNonNull(listener, "listener must not be null");
      return this;
    }

    /**
     * Sets how many calls of a turn run at once.
     *
     * @param parallelism at least 1; default {@value Agent#DEFAULT_PARALLELISM}
     * @return this builder
     * @throws IllegalArgumentException if it is below 1
     */
    public Builder parallelism(int parallelism) {
      if (parallelism < 1) {
        throw new IllegalArgumentException("parallelism must be at least 1: " + parallelism);
      }
      this.parallelism = parallelism;
      return this;
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
    public Builder toolTimeout(Duration toolTimeout) {
      this.toolTimeout = positive(toolTimeout, "toolTimeout");
      return this;
    }

    /**
     * Sets how the run's history stays inside the model's window: by default {@link
     * Compaction#defaults()}, which summarizes the older history before a request would pass 85% of
     * the window (where the client's model table states the window) and cuts a tool result over
     * 25,000 tokens as it arrives; {@link Compaction#off()} sends every history whole.
     *
     * @param compaction the settings
     * @return this builder
     * @throws NullPointerException if {@code compaction} is null
     */
    public Builder compaction(Compaction compaction) {
      this.compaction = Objects.requireNonNull(compaction, "compaction must not be null");
      return this;
    }

    /**
     * Sets the agent's instructions: a system message that opens every run this agent starts,
     * before the messages {@link Agent#run} is given (or, for a subagent, before its task).
     *
     * @param instructions the instructions, not blank
     * @return this builder
     * @throws NullPointerException if {@code instructions} is null
     * @throws IllegalArgumentException if it is blank
     */
    public Builder instructions(String instructions) {
      Objects.requireNonNull(instructions, "instructions must not be null");
      if (instructions.isBlank()) {
        throw new IllegalArgumentException("instructions must not be blank");
      }
      this.instructions = instructions;
      return this;
    }

    /**
     * Describes what the agent does, for traces ({@code gen_ai.agent.description}).
     *
     * @param description the description
     * @return this builder
     * @throws NullPointerException if {@code description} is null
     */
    public Builder description(String description) {
      this.description = Objects.requireNonNull(description, "description must not be null");
      return this;
    }

    /**
     * Limits the model calls in flight at once in a run and its subagents together (the account's
     * concurrency is shared by all of them); a call waits for a place.
     *
     * @param maxConcurrentCalls at least 1; by default no limit
     * @return this builder
     * @throws IllegalArgumentException if it is below 1
     */
    public Builder maxConcurrentCalls(int maxConcurrentCalls) {
      if (maxConcurrentCalls < 1) {
        throw new IllegalArgumentException(
            "maxConcurrentCalls must be at least 1: " + maxConcurrentCalls);
      }
      this.maxConcurrentCalls = maxConcurrentCalls;
      return this;
    }

    /**
     * Sets a deadline for each drive of a run ({@link Agent#run}, {@link Agent#resume}): no model
     * call starts after it (in the run or in its subagents), and the run stops with {@link
     * RunResult.Limit#TIME}. A call in flight finishes; a paused run's wait does not count.
     *
     * @param timeLimit positive
     * @return this builder
     * @throws NullPointerException if {@code timeLimit} is null
     * @throws IllegalArgumentException if it is not positive
     */
    public Builder timeLimit(Duration timeLimit) {
      this.timeLimit = positive(timeLimit, "timeLimit");
      return this;
    }

    /**
     * Sets the tracer that gives each drive of a run and each tool call a span ({@code
     * kimi-sdk-opentelemetry}'s {@code AgentSpans}).
     *
     * @param tracer the tracer; {@link AgentTracer#NONE} by default
     * @return this builder
     * @throws NullPointerException if {@code tracer} is null
     */
    public Builder tracer(AgentTracer tracer) {
      this.tracer = Objects.requireNonNull(tracer, "tracer must not be null");
      return this;
    }

    /**
     * Builds the agent.
     *
     * @return the agent
     * @throws IllegalArgumentException if a spend limit is set and the client's price table has no
     *     price for the model in its currency
     * @throws RunStoreException if no store was set and the default store's directory cannot be
     *     made
     */
    public Agent build() {
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
      if (store == null) {
        store = FileRunStore.of(java.nio.file.Path.of(DEFAULT_STORE));
      }
      if (owner == null) {
        owner = Ids.defaultOwner();
      }
      return new Agent(this);
    }

    private static Duration positive(Duration d, String name) {
      Objects.requireNonNull(d, name + " must not be null");
      if (d.isZero() || d.isNegative()) {
        throw new IllegalArgumentException(name + " must be positive: " + d);
      }
      return d;
    }
  }
}
