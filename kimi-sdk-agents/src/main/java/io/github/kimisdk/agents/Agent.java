package io.github.kimisdk.agents;

import io.github.kimisdk.KimiClient;
import io.github.kimisdk.chat.Message;
import io.github.kimisdk.json.JsonObject;
import io.github.kimisdk.tool.JsonSchema;
import io.github.kimisdk.tool.Tool;
import java.math.BigDecimal;
import java.time.Duration;
import java.util.Currency;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * Runs Kimi's tool calls: the one agent loop of kimi-sdk. In memory it is a short tool loop; with a
 * {@link RunStore} the same loop is a run a team can leave running: saved after every reply,
 * resumed here or in another process, one worker at a time, each tool call recorded before its
 * effect and after it with an idempotency key the tool passes on; and, either way, tools that wait
 * for a person's approval and hooks that deny or rewrite a call.
 *
 * <pre>{@code
 * Agent agent = Agent.builder(kimi, "kimi-k3").tool(add).build();      // in memory
 * RunResult r = agent.run(List.of(Message.user("What is 2 + 3?")));
 * System.out.println(r.text());
 *
 * Agent payments = Agent.builder(kimi, "kimi-k3")
 *     .tool(transfer.approval(Approval.always()).asIdempotent())
 *     .store(FileRunStore.of(Path.of("runs")))                        // durable
 *     .key(RunKey.fromEnv("KIMI_AGENT_KEY"))                          // sealed
 *     .build();
 * RunResult p = payments.runOrResume("invoice-42", List.of(Message.user("Pay invoice 42")));
 * }</pre>
 *
 * <p><b>A turn.</b> The model's reply is saved before any of its calls runs. Each call passes the
 * agent's hooks, then its tool's {@link Approval}: denied calls are answered with the reason, calls
 * allowed run at once (in parallel, up to {@link Builder#parallelism(int)}), and calls that ask
 * wait; the model is not called again until every call of the turn has a result. A decision is
 * recorded before the call it allows runs, bound to the tool, the exact arguments and the policy.
 *
 * <p><b>No effect twice.</b> After a crash, {@link #resume} reads each call's record: a call with a
 * result is not run again; a call begun but not finished runs again with the same key when its tool
 * is read-only or idempotent ({@link AgentTool.Effect}), and is otherwise handed back in doubt for
 * a person to decide.
 *
 * <p><b>One worker.</b> A drive of a stored run claims it ({@link RunStore}): another worker is
 * told {@link RunResult.Taken}, or waits up to {@link Builder#claimWait(Duration)}. A run in memory
 * claims nothing and is saved nowhere: its state travels in the {@link RunResult}.
 *
 * <p>An agent is immutable and thread-safe: several runs may go at once, each on the thread that
 * called {@link #run} or {@link #resume}.
 */
public final class Agent {

  /** The default step limit: at most this many model calls in a run. */
  public static final int DEFAULT_MAX_STEPS = 20;

  /**
   * The default lease of a run's claim: a worker renews it every third of it; a database's or
   * Redis's claim of a worker killed outright lapses within it.
   */
  public static final Duration DEFAULT_LEASE = Duration.ofSeconds(10);

  /** The default time a tool call may run before it is interrupted. */
  public static final Duration DEFAULT_TOOL_TIMEOUT = Duration.ofSeconds(60);

  /** The default number of a turn's calls run at once. */
  public static final int DEFAULT_PARALLELISM = 4;

  final Setup setup;

  private Agent(Builder b) {
    setup = new Setup(b);
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
   * Returns the tools this agent declares to the model: its own, then its sources' as they list
   * them now.
   *
   * @return the declarations
   * @throws RuntimeException what a source throws when it cannot list its tools
   */
  public List<Tool> tools() {
    return Toolbox.declarations(setup.toolsNow());
  }

  /**
   * Returns the digest of this agent's definition: its instructions, and each tool's declaration
   * and effect (a tool source's tools as they are listed when a run records them), as SHA-256 in
   * hex. Each run records the digest of the agent it ran under ({@link RunState#agentDigest()}), so
   * an audit can tell which definition decided a run, and a resume under another one is held to the
   * agent's {@link VersionRule}.
   *
   * @return the digest
   */
  public String digest() {
    return setup.digest;
  }

  /**
   * Returns the store this agent keeps its runs in.
   *
   * @return the store, or empty for an agent whose runs live in memory
   */
  public Optional<RunStore> store() {
    return Optional.ofNullable(setup.store);
  }

  /**
   * Returns the limits this agent sets on each of its runs (a run started under it keeps them, with
   * its subagents' calls counted in).
   *
   * @return the limits
   */
  public Limits limits() {
    Setup s = setup;
    return new Limits(s.maxSteps, s.maxTotalTokens, s.maxSpend, s.currency, s.timeLimit);
  }

  /**
   * Returns how this agent's runs keep their history inside the model's window.
   *
   * @return the compaction settings ({@link Compaction#off()} when it compacts nothing)
   */
  public Compaction compaction() {
    return setup.compaction;
  }

  /**
   * Returns a builder that holds every setting of this agent (its client and model, tools, sources,
   * hooks, request settings, store and key, limits, compaction, listener and tracer), to build a
   * variant of it: another limit, fewer tools, a tool's approval changed ({@link
   * Builder#changeTools}). This agent is not changed. A variant with other instructions or tools
   * has another definition (what a run records and its {@link VersionRule} compares).
   *
   * @return a new builder
   */
  public Builder toBuilder() {
    return new Builder(setup);
  }

  /**
   * Returns this agent as a tool another agent's model may call with a task: a subagent. A call
   * starts a run of this agent (its instructions, tools, model, hooks and compaction) with the task
   * as its user message, inside the calling run: under its claim and in its store, its state in the
   * calling run's turn, its records and idempotency keys its own. The calling run's limits (steps,
   * tokens, spend, the model calls in flight, its deadline) bound it with every other subagent it
   * runs. What the subagent answers is the call's result; a subagent that fails or is stopped is a
   * tool error the calling model reads. A call in the subagent that waits for approval pauses the
   * calling run: its {@link RunResult.Paused#pending()} holds the subagent's calls, and {@link
   * #resume} with their decisions goes on inside the subagent.
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
   * Starts a run under a new id ({@code run-} and random letters) from {@code messages}: the way to
   * run an agent in memory.
   *
   * @param messages the first messages (the task); the agent's instructions go before them
   * @return how the run ended this time
   * @throws NullPointerException if {@code messages} is null
   * @throws IllegalArgumentException if {@code messages} is empty
   */
  public RunResult run(List<? extends Message> messages) {
    return run("run-" + Ids.newInstance().substring(0, 20), messages, Map.of());
  }

  /**
   * Starts a run under {@code runId} from {@code messages}: claims it, calls the model with this
   * agent's tools and settings, and drives it until the model answers, a call waits for a decision,
   * a limit stops it, or a call fails.
   *
   * @param runId the run's id, unique in the store: 1 to 128 letters, digits, {@code .}, {@code _}
   *     or {@code -}
   * @param messages the first messages (the task); the agent's instructions go before them
   * @param labels the team's labels for the run (a customer, a ticket), kept with it and found by
   *     them; may be empty
   * @return how the run ended this time; {@link RunResult.Taken} when another worker holds the id
   * @throws NullPointerException if an argument is null
   * @throws IllegalArgumentException if the id or a label is malformed, or {@code messages} is
   *     empty
   * @throws IllegalStateException if the store already holds a run with this id (resume it, or use
   *     {@link #runOrResume})
   * @throws RunStoreException if the store fails before the run is saved
   */
  public RunResult run(String runId, List<? extends Message> messages, Map<String, String> labels) {
    Ids.runId(runId);
    Objects.requireNonNull(messages, "messages must not be null");
    if (messages.isEmpty()) {
      throw new IllegalArgumentException("a run needs at least one message");
    }
    return Drive.start(setup, runId, messages, Ids.labels(labels), LocalEngine.LOCAL);
  }

  /**
   * Starts a run under {@code runId} without labels: {@link #run(String, List, Map)}.
   *
   * @param runId the run's id
   * @param messages the first messages
   * @return how the run ended this time
   * @throws NullPointerException if an argument is null
   * @throws IllegalArgumentException if the id is malformed or {@code messages} is empty
   * @throws IllegalStateException if the store already holds a run with this id
   */
  public RunResult run(String runId, List<? extends Message> messages) {
    return run(runId, messages, Map.of());
  }

  /**
   * Starts the run when the store holds none under {@code runId}, else goes on with it as it was
   * saved (no decisions): the one step a worker runs for a job, whether the job is new or a run
   * whose worker died.
   *
   * @param runId the run's id
   * @param messages the first messages, used only when the run is new
   * @return how the run ended this time
   * @throws NullPointerException if an argument is null
   * @throws IllegalArgumentException if the id is malformed or {@code messages} is empty
   * @throws IllegalStateException if the agent has no store, or the run may not go on under this
   *     agent ({@link VersionRule})
   */
  public RunResult runOrResume(String runId, List<? extends Message> messages) {
    if (setup.store == null) {
      throw new IllegalStateException("runOrResume needs a store: runs in memory are run");
    }
    if (setup.store.get(Ids.runId(runId), Ids.STATE) == null) {
      try {
        return run(runId, messages);
      } catch (IllegalStateException startedMeanwhile) {
        // another worker started it first: go on with it
      }
    }
    return resume(runId, List.of());
  }

  /**
   * Goes on with a run from its state: for an agent without a store, {@code state} itself (its MAC
   * checked when the agent has a key); with a store, the store's latest state, which must be {@code
   * state}'s revision (a state the store does not hold is saved there first). Then it applies the
   * decisions to the calls they answer, runs what may run, and drives the run on as {@link #run}
   * does. A decision that no longer matches its call (the arguments, the tool or the policy
   * changed) is set aside and the call asks again. A run found mid-turn after a crash goes on from
   * its records.
   *
   * @param state the run, as {@link #load}, a {@link RunResult} or {@link RunState#fromJson} gave
   *     it
   * @param decisions the decisions on its pending calls; may be empty
   * @return how the run ended this time; {@link RunResult.Taken} when another worker holds it;
   *     {@link RunResult.AlreadyDecided}, with nothing done, when a decision names a call that was
   *     decided already (by another worker or page, or by the same token before)
   * @throws NullPointerException if an argument is null
   * @throws IllegalStateException if the run moved on since {@code state}, or may not go on under
   *     this agent ({@link VersionRule})
   * @throws IllegalArgumentException if a signed decision does not verify (forged, altered, made
   *     under another key) or names a call the run never asked
   * @throws RunTamperedException if the state or a record does not match its MAC under the key
   * @throws RunStoreException if the store fails before the run goes on
   */
  public RunResult resume(RunState state, List<Decision> decisions) {
    Objects.requireNonNull(state, "state must not be null");
    Objects.requireNonNull(decisions, "decisions must not be null");
    RunData d = state.data();
    RunKey key = setup.key;
    if (setup.store == null && key != null) {
      String what = "the state of run " + d.id;
      JsonObject sealed = withMac(state);
      DecisionChain.verify(key, d.id, sealed);
      Seal.open(key, Seal.stateScope(d.id), sealed, what);
    }
    return Drive.resume(setup, d.id, d, List.copyOf(decisions), LocalEngine.LOCAL);
  }

  /**
   * Goes on with the run the store holds under {@code runId}, from its latest state, as {@link
   * #resume(RunState, List)} does.
   *
   * @param runId the run
   * @param decisions the decisions on its pending calls; may be empty
   * @return how the run ended this time; {@link RunResult.Taken} when another worker holds it;
   *     {@link RunResult.AlreadyDecided} when a decision names a call decided already
   * @throws NullPointerException if an argument is null
   * @throws IllegalStateException if the agent has no store or the store holds no such run
   * @throws IllegalArgumentException if a signed decision does not verify or names a call that does
   *     not wait
   * @throws RunTamperedException if a record does not match its MAC under the key
   */
  public RunResult resume(String runId, List<Decision> decisions) {
    Ids.runId(runId);
    Objects.requireNonNull(decisions, "decisions must not be null");
    return Drive.resume(setup, runId, null, List.copyOf(decisions), LocalEngine.LOCAL);
  }

  /**
   * Records decisions on the calls a stored run waits on, without driving it: for an approval
   * service that is not the run's worker. The run is claimed (as a drive claims it: a worker that
   * holds it is answered {@link RunResult.Taken}), each decision is checked against the call it
   * names as {@link #resume} checks it (bound to the arguments, tool and policy; a signed token
   * verified; a second approval counted under a policy that needs several), kept in the run's
   * record ({@link RunState#decisionRecords()}, {@link RunEvent.Decided}) and saved; then the claim
   * is released. No call runs and the model is not called: the run's next drive ({@link
   * #runOrResume}, {@link #resume}, a {@link Sweeper}, in any process on the store) carries the
   * decisions out.
   *
   * <pre>{@code
   * RunResult r = approvals.decide("invoice-42",
   *     List.of(Decision.approve(Decision.Target.fromToken(token)).by("alice", "checked")));
   * if (r instanceof RunResult.AlreadyDecided lost) {
   *   show(lost.decision().by() + " decided it at " + lost.decision().at());
   * }
   * }</pre>
   *
   * @param runId the run
   * @param decisions the decisions, each naming a call the run waits on
   * @return {@link RunResult.Decided} with the run as saved and what was recorded; {@link
   *     RunResult.AlreadyDecided} when a decision names a call that was decided already (nothing is
   *     recorded); {@link RunResult.Taken} when another worker holds the run
   * @throws NullPointerException if an argument is null
   * @throws IllegalStateException if the agent has no store, the store holds no such run, or it may
   *     not go on under this agent ({@link VersionRule})
   * @throws IllegalArgumentException if a signed decision does not verify, a decision names a call
   *     the run does not wait on, or a person approves twice under a policy that needs several
   * @throws RunTamperedException if the run's saved state does not match its MAC under the key
   * @throws RunStoreException if the store fails
   */
  public RunResult decide(String runId, List<Decision> decisions) {
    Ids.runId(runId);
    Objects.requireNonNull(decisions, "decisions must not be null");
    return Drive.decide(setup, runId, List.copyOf(decisions));
  }

  /**
   * Starts a run on a durable-execution engine ({@link RunHost}; kimi-sdk-temporal's workflow): the
   * same loop, its model and tool calls the engine's steps, its state handed to the host after
   * every save; no store is claimed or written.
   *
   * @param host the engine's side of the run
   * @param runId the run's id
   * @param messages the first messages
   * @param labels the run's labels; may be empty
   * @return how the run ended this time
   * @throws NullPointerException if an argument is null
   * @throws IllegalArgumentException if the id or a label is malformed, or {@code messages} is
   *     empty
   */
  public RunResult run(
      RunHost host, String runId, List<? extends Message> messages, Map<String, String> labels) {
    Objects.requireNonNull(host, "host must not be null");
    Ids.runId(runId);
    Objects.requireNonNull(messages, "messages must not be null");
    if (messages.isEmpty()) {
      throw new IllegalArgumentException("a run needs at least one message");
    }
    return Drive.start(setup, runId, messages, Ids.labels(labels), new HostedEngine(host));
  }

  /**
   * Goes on with a run on a durable-execution engine, from the state the host holds, with the
   * decisions on its pending calls, as {@link #resume(RunState, List)} does.
   *
   * @param host the engine's side of the run
   * @param state the run's state as the host last took it
   * @param decisions the decisions; may be empty
   * @return how the run ended this time
   * @throws NullPointerException if an argument is null
   * @throws IllegalStateException if the run may not go on under this agent ({@link VersionRule})
   * @throws IllegalArgumentException if a signed decision does not verify or names a call that does
   *     not wait
   */
  public RunResult resume(RunHost host, RunState state, List<Decision> decisions) {
    Objects.requireNonNull(host, "host must not be null");
    Objects.requireNonNull(state, "state must not be null");
    Objects.requireNonNull(decisions, "decisions must not be null");
    RunData d = state.data();
    return Drive.resume(setup, d.id, d, List.copyOf(decisions), new HostedEngine(host));
  }

  /**
   * Reads a run's latest saved state from the store, checked under the agent's key.
   *
   * @param runId the run
   * @return the state, or empty when the store holds no such run (or the agent has no store)
   * @throws NullPointerException if {@code runId} is null
   * @throws IllegalArgumentException if the id is malformed, or the saved state is not readable
   * @throws RunTamperedException if it does not match its MAC under the agent's key
   * @throws RunStoreException if the store fails
   */
  public Optional<RunState> load(String runId) {
    Ids.runId(runId);
    if (setup.store == null) {
      return Optional.empty();
    }
    RunData d = RunState.read(setup.store, setup.key, runId);
    return d == null ? Optional.empty() : Optional.of(new RunState(d, setup.mac(d)));
  }

  /**
   * Returns a token naming a pending call, signed with the agent's key: text a page or a message
   * carries to a person and back ({@link Decision.Target#fromToken}), verified when the run is
   * resumed with the decision, before the run is claimed. It binds the run (and that run's
   * instance: a run started again under the same id refuses it), the call, its tool, the digest of
   * its arguments and the policy; once the call is decided it no longer waits, so a token used
   * again is refused.
   *
   * @param call a call the run waits on
   * @return the token
   * @throws NullPointerException if {@code call} is null
   * @throws IllegalStateException if the agent has no key
   */
  public String token(PendingCall call) {
    Objects.requireNonNull(call, "call must not be null");
    if (setup.key == null) {
      throw new IllegalStateException("signing a decision token needs the agent's key");
    }
    return DecisionTokens.sign(setup.key, call);
  }

  /** The MAC of a root run's state under this agent's key, or null without one. */
  private static JsonObject withMac(RunState state) {
    JsonObject tree = RunFormat.write(state.data());
    if (state.mac() == null) {
      return tree;
    }
    Map<String, io.github.kimisdk.json.JsonValue> m = new LinkedHashMap<>(tree.members());
    m.put(Seal.MAC, io.github.kimisdk.json.JsonString.of(state.mac()));
    return JsonObject.of(m);
  }

  /** Describes the agent by its name, version, model and tools. */
  @Override
  public String toString() {
    return setup.toString();
  }

  /**
   * Holds the limits an agent sets on each of its runs.
   *
   * @param maxSteps the most model calls in a run ({@link Builder#maxSteps})
   * @param maxTotalTokens the most tokens, or 0 for no limit ({@link Builder#maxTotalTokens})
   * @param maxSpend the most a run may cost, or null for no limit ({@link Builder#maxSpend})
   * @param currency the spend limit's currency, or null
   * @param timeLimit the deadline of each drive, or null ({@link Builder#timeLimit})
   */
  public record Limits(
      int maxSteps,
      long maxTotalTokens,
      BigDecimal maxSpend,
      Currency currency,
      Duration timeLimit) {}

  /** Builds an {@link Agent}. Not thread-safe. */
  public static final class Builder extends AgentSettings {
    private Builder(KimiClient kimi, String model) {
      super(kimi, model);
    }

    private Builder(AgentSettings from) {
      super(from);
    }

    /**
     * Builds the agent.
     *
     * @return the agent
     * @throws IllegalStateException if the agent has a store but neither a {@link RunKey} ({@link
     *     #key(RunKey)}) nor the opt-out ({@link #unsealed()}), or both
     * @throws IllegalArgumentException if a spend limit is set and the client's price table has no
     *     price for the model in its currency
     */
    public Agent build() {
      check();
      return new Agent(this);
    }
  }
}
