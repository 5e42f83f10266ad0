package io.github.kimisdk.agents;

import io.github.kimisdk.chat.AssistantMessage;
import io.github.kimisdk.chat.ChatCompletion;
import io.github.kimisdk.chat.ChatRequest;
import io.github.kimisdk.chat.Usage;
import io.github.kimisdk.errors.DecodingException;
import io.github.kimisdk.errors.KimiException;
import io.github.kimisdk.model.Cost;
import io.github.kimisdk.model.Spend;
import io.github.kimisdk.tool.ToolChoice;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The one agent loop, for one run (a root run, or a subagent's inside its parent's turn): call the
 * model, save the reply before any of its calls runs, run the turn ({@link Turns}), and again,
 * until the model answers, the turn waits for decisions, a limit stops it, or a call fails. A run
 * in memory and a durable one are this same loop; only the {@link Journal} under its {@link Tree}
 * differs.
 *
 * <p>Thread model: every method runs on the thread that drives the run (the caller's for a root
 * run, a thread of the parent's pool for a subagent's), which alone touches its data ({@link
 * #data()}); the turn's calls run on the agent's pool and hand their results back through {@link
 * Execution}.
 */
final class Loop {
  final Setup agent;
  final Tree tree;
  final Loop parent; // null for a root run
  final String path; // of the run in its tree: "" for the root, else its records' prefix
  private final RunData d;
  private final Tracing tracing;
  private final ModelCalls models;
  private final Compactor compactor;
  private Budget budget;
  private List<Decision> decisions = List.of();
  // the last model call's tools (as listed) and request, until the turn its reply opens reads them
  private Map<String, AgentTool> sentTools;
  private ChatRequest sent;

  Loop(Setup agent, RunData data, Tree tree, Loop parent, String path, Tracing tracing) {
    this.agent = agent;
    this.d = data;
    this.tree = tree;
    this.parent = parent;
    this.path = path;
    this.tracing = tracing;
    this.models = new ModelCalls(agent, this);
    this.compactor =
        agent.compaction.enabled()
            ? new Compactor(agent.kimi, agent.compaction, models.sizes())
            : null;
  }

  RunData data() {
    return d;
  }

  Tracing tracing() {
    return tracing;
  }

  ModelCalls models() {
    return models;
  }

  Budget budget() {
    return budget;
  }

  boolean compacts() {
    return compactor != null;
  }

  Compactor compactor() {
    return compactor;
  }

  /** The decisions handed to this drive, which its subagents' runs look through too. */
  List<Decision> decisions() {
    return decisions;
  }

  /** The drive between claim and release, for a root run and a subagent's alike. */
  RunResult drive(List<Decision> decisions) {
    this.decisions = decisions;
    budget = newBudget();
    try {
      return loop(decisions);
    } catch (RunStoreException e) {
      return new RunResult.Failed(state(), e);
    }
  }

  /** This run's limits, seeded with what the run and its subagents used so far. */
  private Budget newBudget() {
    Instant deadline =
        agent.timeLimit == null ? null : tree.engine.now(agent).plus(agent.timeLimit);
    Map<String, Usage> usage = new LinkedHashMap<>();
    int steps = d.used(usage);
    long tokens = 0;
    Spend spend = Spend.NONE;
    for (Map.Entry<String, Usage> e : usage.entrySet()) {
      tokens += e.getValue().totalTokens();
      spend = spend.plus(agent.kimi.prices().spend(e.getKey(), e.getValue()));
    }
    BigDecimal spent =
        d.currency == null
            ? BigDecimal.ZERO
            : spend.cost(d.currency).map(Cost::total).orElse(BigDecimal.ZERO);
    return new Budget(
        parent == null ? null : parent.budget,
        d.maxSteps,
        d.maxTotalTokens,
        d.maxSpend,
        d.currency,
        deadline,
        agent.maxConcurrentCalls,
        steps,
        tokens,
        spent);
  }

  private RunResult loop(List<Decision> decisions) {
    if (d.status != RunState.Status.ANSWERED) {
      d.status = RunState.Status.RUNNING; // saved so until it pauses, stops or ends again
    }
    while (true) {
      if (d.turn != null) {
        boolean complete;
        try {
          complete = Turns.run(this, decisions);
        } catch (Toolbox.SourceFailed e) {
          return failed(e.cause());
        }
        decisions = List.of();
        if (!complete) {
          d.status = RunState.Status.PAUSED;
          save();
          tracing.emit(new RunEvent.Paused(d.id, List.copyOf(d.pending)));
          return new RunResult.Paused(state());
        }
      }
      if (d.status == RunState.Status.ANSWERED) {
        return new RunResult.Answered(state());
      }
      int step = d.steps + 1;
      ChatCompletion reply;
      try {
        Map<String, AgentTool> tools = tools();
        ChatRequest request = request(tools);
        if (compactor != null) {
          ChatRequest whole = request;
          request = compact(request, step);
          if (request != whole) {
            tools = null; // compacted: built again from a second listing
          }
        }
        sentTools = tools;
        sent = request;
        reply = models.call(request, true); // tells ModelCalled once the call may go
        if (reply.choices().isEmpty()) {
          throw new DecodingException(
              "Kimi returned a completion without choices: " + reply.id(), null, reply.metadata());
        }
      } catch (ModelCalls.Refused r) {
        d.status = RunState.Status.STOPPED;
        d.note = "the " + r.limit.name().toLowerCase(Locale.ROOT) + " limit";
        save();
        return new RunResult.Stopped(state(), r.limit);
      } catch (KimiException e) {
        return failed(e);
      } catch (Toolbox.SourceFailed e) {
        return failed(e.cause());
      }
      AssistantMessage m = reply.choices().get(0).message();
      d.steps = step;
      d.messages.add(m);
      d.note = null;
      if (m.hasToolCalls()) {
        Turns.open(d, step);
        d.status = RunState.Status.RUNNING;
      } else {
        d.status = RunState.Status.ANSWERED;
      }
      save(); // the reply before any of its calls runs
      tracing.emit(new RunEvent.Replied(d.id, step, reply));
    }
  }

  /** Ends the drive failed: a model call failed, or a tool source could not list its tools. */
  private RunResult failed(RuntimeException e) {
    d.status = RunState.Status.FAILED;
    d.note = Texts.cut(String.valueOf(e.getMessage()), 2_000);
    save();
    return new RunResult.Failed(state(), e);
  }

  /**
   * The request of the next model call: the history, the agent's tools as they are now (its sources
   * listed), its settings; a {@code required} or named tool choice only on a run's first call, or
   * the model could never answer.
   *
   * @throws Toolbox.SourceFailed when a tool source cannot list its tools
   */
  ChatRequest request() {
    return request(tools());
  }

  /**
   * The toolbox of the open turn, {@code tools} being the agent's as listed now: the one of the
   * request whose reply opened the turn, when this loop sent it with the same listing (a drive that
   * goes on from its own model call), else the one of the request as it would be sent now.
   */
  Toolbox toolbox(Map<String, AgentTool> tools) {
    ChatRequest r = tools == sentTools && sent != null ? sent : request(tools);
    sentTools = null;
    sent = null;
    return Toolbox.of(tools, r);
  }

  /**
   * The agent's tools now, as its engine lists them.
   *
   * @throws Toolbox.SourceFailed when a source cannot list its tools
   */
  Map<String, AgentTool> tools() {
    try {
      return tree.engine.tools(agent);
    } catch (RuntimeException e) {
      throw new Toolbox.SourceFailed(e);
    }
  }

  /** The request of the next model call with {@code tools}, the agent's as listed now. */
  ChatRequest request(Map<String, AgentTool> tools) {
    Versions.record(agent, d, tools);
    ChatRequest.Builder b =
        ChatRequest.builder(agent.model)
            .messages(d.messages)
            .tools(Toolbox.declarations(tools))
            .promptCacheKey(d.id);
    ChatRequest.Builder out = agent.settings.apply(b);
    ChatRequest r = (out == null ? b : out).build();
    ToolChoice choice = r.toolChoice();
    if (d.steps > 0
        && (choice == ToolChoice.Mode.REQUIRED || choice instanceof ToolChoice.Function)) {
      r = r.toBuilder().toolChoice(null).build();
    }
    return r;
  }

  /**
   * Compacts the history before a request would cross the threshold ({@link Compaction}), the
   * summary call held to the run's limits; returns the request to send.
   */
  private ChatRequest compact(ChatRequest request, int step) {
    Compactor.Limits limits = compactor.limits(request.model());
    if (Compactor.fits(compactor.weigh(request, request.messages()), limits)) {
      return request;
    }
    Compactor.Outcome o = compactor.compact(request, false, r -> models.call(r, false));
    if (o == null) {
      models.sizes().retain(request.messages());
      return request; // a summary cannot bring it under: sent as it is
    }
    d.messages = new ArrayList<>(o.messages());
    d.newMessageIndex = Math.min(d.newMessageIndex, o.head());
    save();
    tracing.emit(new RunEvent.Compacted(d.id, step, o.report()));
    return request();
  }

  /** Counts an ended subagent's run's steps and usage as this run's subagents'. */
  void fold(RunData child) {
    Map<String, Usage> usage = new LinkedHashMap<>();
    d.childSteps += child.used(usage);
    usage.forEach((m, u) -> d.usage.merge(m, u, Usage::plus));
  }

  /** Saves the state: this run's, composed into its tree's root. */
  void save() {
    d.revision++;
    d.updatedAt = tree.engine.now(agent);
    if (tree.journal.durable()) {
      tree.save(path, d.copy());
    }
  }

  /** The run's state now, with its subagents' runs inside. */
  RunState state() {
    RunData s = tree.state(path);
    return new RunState(s, parent == null ? agent.mac(s) : null);
  }
}
