package io.github.kimisdk.temporal;

import io.github.kimisdk.agents.Agent;
import io.github.kimisdk.agents.RunHost;
import io.temporal.worker.Worker;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * The agents a Temporal worker runs, each under a name a workflow's {@link AgentRun} gives: the one
 * agent loop of kimi-sdk-agents as the workflow {@link KimiAgentWorkflow}, its model and tool calls
 * as the activities {@link KimiAgentActivities}.
 *
 * <pre>{@code
 * KimiAgents agents = KimiAgents.builder()
 *     .agent("payments", paymentsAgent)
 *     .agent("research", researchAgent, AgentOptions.defaults().localTools("lookup"))
 *     .build();
 * WorkerFactory factory = WorkerFactory.newInstance(client);
 * agents.register(factory.newWorker("agents"));
 * factory.start();
 * }</pre>
 *
 * <p>An agent given here is used for the workflow's deterministic code (its settings, tools'
 * declarations, hooks, approval policies, limits and compaction) and for the activities' bodies
 * (its client, its tools' handlers). Build it as for any run, without a store (Temporal keeps the
 * run) and without its own {@code maxConcurrentCalls} (use {@link
 * AgentOptions#maxConcurrentModelCalls}): {@link Builder#agent} refuses an agent (or a subagent of
 * it) with either. Every worker of a task queue registers the same agents under the same names with
 * the same options: they are the workflow's code. A run may narrow its agent for itself ({@link
 * RunSettings}); the agent registered here is the most any of its runs may do.
 *
 * <p>Immutable and thread-safe.
 */
public final class KimiAgents {
  private static final Pattern NAME = Pattern.compile("[A-Za-z0-9._-]{1,64}");

  /** One registered agent and its options. */
  record Entry(Agent agent, AgentOptions options) {}

  private final Map<String, Entry> agents;

  private KimiAgents(Map<String, Entry> agents) {
    this.agents = Map.copyOf(agents);
  }

  /**
   * Starts a builder.
   *
   * @return the builder
   */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * Registers the workflow and the activities on a worker.
   *
   * @param worker the worker, before its factory starts
   * @throws NullPointerException if {@code worker} is null
   */
  public void register(Worker worker) {
    registerWorkflow(worker);
    registerActivities(worker);
  }

  /**
   * Registers the workflow alone on a worker: the activities then run on workers of the task queues
   * the options name ({@link AgentOptions#modelCalls}, {@link AgentOptions#toolCalls}).
   *
   * @param worker the worker
   * @throws NullPointerException if {@code worker} is null
   */
  public void registerWorkflow(Worker worker) {
    Objects.requireNonNull(worker, "worker must not be null");
    worker.registerWorkflowImplementationFactory(
        KimiAgentWorkflow.class, () -> new AgentWorkflow(this));
  }

  /**
   * Registers the activities alone on a worker.
   *
   * @param worker the worker
   * @throws NullPointerException if {@code worker} is null
   */
  public void registerActivities(Worker worker) {
    Objects.requireNonNull(worker, "worker must not be null");
    worker.registerActivitiesImplementations(new Activities(this));
  }

  /**
   * The agent registered under {@code name}, or, for a path {@code NAME/TOOL/...} (a subagent run
   * as a child workflow), the subagent each tool runs, with the registered agent's options.
   */
  Entry entry(String name) {
    String[] path = name.split("/", -1);
    Entry e = agents.get(path[0]);
    if (e == null) {
      throw new IllegalArgumentException(
          "no agent is registered under the name "
              + path[0]
              + " on this worker (registered: "
              + new java.util.TreeSet<>(agents.keySet())
              + ")");
    }
    Agent a = e.agent();
    for (int i = 1; i < path.length; i++) {
      Agent sub = RunHost.subagent(a, path[i]);
      if (sub == null) {
        throw new IllegalArgumentException(
            "the agent "
                + String.join("/", java.util.Arrays.copyOf(path, i))
                + " on this worker has no subagent tool named "
                + path[i]);
      }
      a = sub;
    }
    return a == e.agent() ? e : new Entry(a, e.options());
  }

  Agent agent(String name) {
    return entry(name).agent();
  }

  /** Describes the registered agents by name. */
  @Override
  public String toString() {
    return "KimiAgents" + new java.util.TreeSet<>(agents.keySet());
  }

  /** Builds {@link KimiAgents}. Not thread-safe. */
  public static final class Builder {
    private final Map<String, Entry> agents = new LinkedHashMap<>();

    private Builder() {}

    /**
     * Adds an agent with the default options.
     *
     * @param name the name runs give ({@link AgentRun#agent()}): 1 to 64 letters, digits, {@code
     *     .}, {@code _} or {@code -}
     * @param agent the agent
     * @return this builder
     * @throws NullPointerException if an argument is null
     * @throws IllegalArgumentException if the name is malformed or taken, or the agent (or a
     *     subagent of it) has a store or sets {@code maxConcurrentCalls}
     */
    public Builder agent(String name, Agent agent) {
      return agent(name, agent, AgentOptions.defaults());
    }

    /**
     * Adds an agent.
     *
     * @param name the name runs give
     * @param agent the agent
     * @param options how its steps run on Temporal
     * @return this builder
     * @throws NullPointerException if an argument is null
     * @throws IllegalArgumentException if the name is malformed or taken, or the agent (or a
     *     subagent of it) has a store or sets {@code maxConcurrentCalls}
     */
    public Builder agent(String name, Agent agent, AgentOptions options) {
      Objects.requireNonNull(name, "name must not be null");
      Objects.requireNonNull(agent, "agent must not be null");
      Objects.requireNonNull(options, "options must not be null");
      if (!NAME.matcher(name).matches()) {
        throw new IllegalArgumentException(
            "an agent's name is 1 to 64 letters, digits, '.', '_' or '-': " + name);
      }
      try {
        RunHost.check(agent);
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException(
            "KimiAgents refuses the agent registered as "
                + name
                + " (Temporal keeps its runs and limits its calls in flight): "
                + e.getMessage(),
            e);
      }
      if (agents.putIfAbsent(name, new Entry(agent, options)) != null) {
        throw new IllegalArgumentException("an agent is registered under " + name + " already");
      }
      return this;
    }

    /**
     * Builds the registry.
     *
     * @return the agents
     */
    public KimiAgents build() {
      return new KimiAgents(agents);
    }
  }
}
