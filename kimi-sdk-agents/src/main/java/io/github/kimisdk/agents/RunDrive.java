package io.github.kimisdk.agents;

import io.github.kimisdk.chat.AssistantMessage;
import io.github.kimisdk.chat.ChatCompletion;
import io.github.kimisdk.chat.ChatRequest;
import io.github.kimisdk.chat.ToolMessage;
import io.github.kimisdk.chat.Usage;
import io.github.kimisdk.errors.CancelledException;
import io.github.kimisdk.errors.DecodingException;
import io.github.kimisdk.errors.KimiException;
import io.github.kimisdk.json.Json;
import io.github.kimisdk.json.JsonException;
import io.github.kimisdk.json.JsonObject;
import io.github.kimisdk.json.JsonValue;
import io.github.kimisdk.model.Cost;
import io.github.kimisdk.model.Spend;
import io.github.kimisdk.token.RequestTokens;
import io.github.kimisdk.tool.ToolCall;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.locks.LockSupport;

/**
 * One drive of one run: claims it, goes on from its state until it answers, pauses, stops or fails,
 * saving it after every reply and before every decided call, and releases it. A subagent's run
 * ({@link Agent#asTool}) is a drive too, started by its parent's drive on the thread that runs the
 * call: it claims nothing (its parent's claim covers it), keeps its records under its parent's run
 * with a prefix of its own, publishes each state it saves into its parent's open turn, and holds
 * its model calls to its own limits and to every parent's ({@link Budget}).
 *
 * <p>Thread model: every method runs on the thread that called {@link Agent#run} or {@link
 * Agent#resume} (for a subagent's run, the parent's pool thread that runs its call), but {@link
 * #execute} (on the agent's pool, one call each) and the heartbeat (a thread of its own). Those
 * touch only the store, the listener, the tracer and their own call (a subagent's run is its own
 * drive); the state ({@link #d}) is the driving thread's alone, and a subagent's state reaches its
 * parent's turn only as the immutable copies it publishes.
 */
final class RunDrive {
  private static final System.Logger LOG = System.getLogger(Agent.class.getName());

  /** What the runs of one tree share: the store, the root run's id and its claim. */
  private static final class Tree {
    final RunStore store;
    final String rootId;
    volatile Claim.Held claim;

    Tree(RunStore store, String rootId) {
      this.store = store;
      this.rootId = rootId;
    }
  }

  private final Agent agent;
  private final RunState.Data d;
  private final Tree tree;
  private final RunDrive parent; // null for a root run
  private final String prefix; // of this run's records: "" for a root run
  private final int position; // of the call that started a subagent's run in its parent's turn
  private final Map<Integer, RunState> published; // the parent's turn's children, or null
  private final Sizes sizes = new Sizes(RequestTokens.estimated());
  private final Compactor compactor;
  private Budget budget;
  private AgentTracer.RunSpan span = AgentTracer.RunSpan.NONE;
  private Usage used; // the tokens this drive's model calls used
  private List<Decision> decisions = List.of(); // this drive's, handed to its subagents

  RunDrive(Agent agent, RunState.Data data) {
    this(agent, data, new Tree(agent.store, data.id), null, "", -1, null);
  }

  private RunDrive(
      Agent agent,
      RunState.Data data,
      Tree tree,
      RunDrive parent,
      String prefix,
      int position,
      Map<Integer, RunState> published) {
    this.agent = agent;
    this.d = data;
    this.tree = tree;
    this.parent = parent;
    this.prefix = prefix;
    this.position = position;
    this.published = published;
    this.compactor =
        agent.compaction.enabled() ? new Compactor(agent.kimi, agent.compaction, sizes) : null;
  }

  RunResult start() {
    return traced(
        () -> {
          Claim c = claim();
          if (c instanceof Claim.Taken t) {
            return new RunResult.Taken(t.runId(), t.holder(), t.until());
          }
          boolean started = false;
          try {
            if (tree.store.get(d.id, Ids.STATE) != null) {
              throw new IllegalStateException(
                  "the store already holds a run " + d.id + "; resume it with Agent.resume");
            }
            save();
            started = true;
          } finally {
            if (!started) {
              release();
            }
          }
          return go(List.of());
        });
  }

  RunResult resume(List<Decision> decisions) {
    return traced(
        () -> {
          Claim c = claim();
          if (c instanceof Claim.Taken t) {
            return new RunResult.Taken(t.runId(), t.holder(), t.until());
          }
          boolean going = false;
          try {
            byte[] saved = tree.store.get(d.id, Ids.STATE);
            RunState.Data from = saved == null ? d : RunState.fromBytes(saved).data();
            if (from != d) {
              copyInto(from);
            }
            checkAgent();
            if (saved == null) {
              save(); // a state the store did not hold: it holds it now
            }
            emit(new RunEvent.Resumed(d.id, d.revision, d.status, decisions.size()));
            going = true;
          } finally {
            if (!going) {
              release();
            }
          }
          return go(decisions);
        });
  }

  private void checkAgent() {
    String saver = d.agentName + "@" + d.agentVersion;
    if (!saver.equals(agent.name + "@" + agent.version)) {
      throw new IllegalStateException(
          "run "
              + d.id
              + " was saved by agent "
              + saver
              + "; this agent is "
              + agent.name
              + "@"
              + agent.version);
    }
  }

  /** Runs a drive inside its span: started first, ended with how the drive ended. */
  private RunResult traced(java.util.function.Supplier<RunResult> drive) {
    span = startSpan();
    RunResult result = null;
    try {
      result = drive.get();
      return result;
    } finally {
      try {
        span.end(result, used);
      } catch (RuntimeException e) {
        LOG.log(System.Logger.Level.WARNING, "an agent tracer failed on run " + d.id, e);
      }
    }
  }

  private AgentTracer.RunSpan startSpan() {
    try {
      AgentTracer.RunSpan s =
          tracer()
              .startRun(
                  new AgentTracer.RunStart(
                      agent.name,
                      agent.version,
                      agent.description,
                      d.id,
                      d.model,
                      parent == null ? null : parent.d.id));
      return s == null ? AgentTracer.RunSpan.NONE : s;
    } catch (RuntimeException e) {
      LOG.log(System.Logger.Level.WARNING, "an agent tracer failed on run " + d.id, e);
      return AgentTracer.RunSpan.NONE;
    }
  }

  /** This agent's tracer, or, when it has none, the nearest parent's. */
  private AgentTracer tracer() {
    for (RunDrive r = this; r != null; r = r.parent) {
      if (r.agent.tracer != AgentTracer.NONE) {
        return r.agent.tracer;
      }
    }
    return AgentTracer.NONE;
  }

  private void copyInto(RunState.Data from) {
    RunState.Data c = from.copy();
    d.revision = c.revision;
    d.status = c.status;
    d.agentName = c.agentName;
    d.agentVersion = c.agentVersion;
    d.tools = new ArrayList<>(c.tools);
    d.model = c.model;
    d.steps = c.steps;
    d.maxSteps = c.maxSteps;
    d.maxTotalTokens = c.maxTotalTokens;
    d.maxSpend = c.maxSpend;
    d.currency = c.currency;
    d.newMessageIndex = c.newMessageIndex;
    d.messages = c.messages;
    d.usage = c.usage;
    d.turn = c.turn;
    d.allowances = c.allowances;
    d.pending = c.pending;
    d.note = c.note;
    d.childSteps = c.childSteps;
  }

  // -----------------------------------------------------------------------------------------
  // The claim

  private Claim claim() {
    Instant now = agent.clock.instant();
    Claim c = tree.store.claim(d.id, agent.owner, now, now.plus(agent.lease));
    if (c instanceof Claim.Taken t) {
      emit(new RunEvent.Taken(d.id, t.holder(), t.until()));
    } else {
      tree.claim = (Claim.Held) c;
      emit(new RunEvent.Claimed(d.id, agent.owner, c.until()));
    }
    return c;
  }

  private void release() {
    try {
      tree.store.release(tree.claim);
    } catch (RunStoreException e) {
      LOG.log(System.Logger.Level.WARNING, "could not release the claim on run " + d.id, e);
    }
  }

  /** Renews the claim every third of the lease while the run is driven. */
  private final class Heartbeat extends Thread {
    private volatile boolean stopped;

    Heartbeat() {
      super("kimi-agent-lease-" + d.id);
      setDaemon(true);
    }

    @Override
    public void run() {
      long every = Math.max(1, agent.lease.toNanos() / 3);
      while (!stopped) {
        LockSupport.parkNanos(this, every);
        if (stopped) {
          return;
        }
        try {
          Instant until = agent.clock.instant().plus(agent.lease);
          Claim.Held c = tree.claim;
          if (tree.store.renew(c, until)) {
            tree.claim = c.renewed(until);
          } else {
            return; // lost: the next write says so
          }
        } catch (RuntimeException e) {
          LOG.log(System.Logger.Level.WARNING, "could not renew the claim on run " + d.id, e);
        }
      }
    }

    void end() {
      stopped = true;
      LockSupport.unpark(this);
    }
  }

  // -----------------------------------------------------------------------------------------
  // The loop

  private RunResult go(List<Decision> decisions) {
    Heartbeat heartbeat = new Heartbeat();
    heartbeat.start();
    RunResult result;
    try {
      result = drive(decisions);
    } finally {
      heartbeat.end();
      release();
    }
    emit(new RunEvent.Ended(d.id, d.status));
    return result;
  }

  /** The drive between claim and release, for a root run and a subagent's alike. */
  private RunResult drive(List<Decision> decisions) {
    this.decisions = decisions;
    budget = budget();
    try {
      return loop(decisions);
    } catch (RunStoreException e) {
      return new RunResult.Failed(new RunState(d), e);
    }
  }

  /** This run's limits, seeded with what the run and its subagents used so far. */
  private Budget budget() {
    Instant deadline = agent.timeLimit == null ? null : agent.clock.instant().plus(agent.timeLimit);
    Map<String, Usage> usage = new LinkedHashMap<>();
    int steps = used(d, usage);
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

  /**
   * Adds what a run and its subagents used to {@code usage}, and returns their model calls: its
   * own, its ended subagents' and those of its subagents that have not ended.
   */
  private static int used(RunState.Data data, Map<String, Usage> usage) {
    data.usage.forEach((m, u) -> usage.merge(m, u, Usage::plus));
    int steps = data.steps + data.childSteps;
    if (data.turn != null) {
      for (RunState child : data.turn.children.values()) {
        steps += used(child.data(), usage);
      }
    }
    return steps;
  }

  private RunResult loop(List<Decision> decisions) {
    if (d.status != RunState.Status.ANSWERED) {
      d.status = RunState.Status.RUNNING; // saved so until it pauses, stops or ends again
    }
    while (true) {
      if (d.turn != null) {
        boolean complete = turn(decisions);
        decisions = List.of();
        if (!complete) {
          d.status = RunState.Status.PAUSED;
          save();
          emit(new RunEvent.Paused(d.id, List.copyOf(d.pending)));
          return new RunResult.Paused(new RunState(d));
        }
        closeTurn();
      }
      if (d.status == RunState.Status.ANSWERED) {
        return new RunResult.Answered(new RunState(d));
      }
      ChatRequest request = request();
      int step = d.steps + 1;
      ChatCompletion reply;
      try {
        if (compactor != null) {
          request = compact(request, step);
        }
        emit(new RunEvent.ModelCalled(d.id, step, request));
        reply = call(request, true);
        if (reply.choices().isEmpty()) {
          throw new DecodingException(
              "Kimi returned a completion without choices: " + reply.id(), null, reply.metadata());
        }
      } catch (Refused r) {
        d.status = RunState.Status.STOPPED;
        d.note = "the " + r.limit.name().toLowerCase(java.util.Locale.ROOT) + " limit";
        save();
        return new RunResult.Stopped(new RunState(d), r.limit);
      } catch (KimiException e) {
        d.status = RunState.Status.FAILED;
        d.note = e.getMessage();
        save();
        return new RunResult.Failed(new RunState(d), e);
      }
      AssistantMessage m = reply.choices().get(0).message();
      d.steps = step;
      d.messages.add(m);
      d.note = null;
      if (m.hasToolCalls()) {
        d.turn = new RunState.Turn(step);
        d.status = RunState.Status.RUNNING;
      } else {
        d.status = RunState.Status.ANSWERED;
      }
      save(); // the reply before any of its calls runs
      emit(new RunEvent.Replied(d.id, step, reply));
    }
  }

  /** A model call a limit refused before it was sent. */
  private static final class Refused extends RuntimeException {
    private static final long serialVersionUID = 1L;
    final transient RunResult.Limit limit;

    Refused(RunResult.Limit limit) {
      super(limit.name(), null, false, false);
      this.limit = limit;
    }
  }

  /**
   * Makes one model call under this run's limits and its parents': holds its worst case, waits for
   * a place among the calls in flight, calls, and counts what it used (in the run's usage, and as a
   * step when {@code step}).
   *
   * @throws Refused when a limit refuses the call
   * @throws KimiException when the call fails
   */
  private ChatCompletion call(ChatRequest request, boolean step) {
    Sizes.Weight w = sizes.weigh(request);
    long output =
        request.maxCompletionTokens() != null
            ? request.maxCompletionTokens()
            : agent.kimi.catalog().lookup(request.model()).defaultMaxOutput();
    Object held =
        budget.hold(
            w.tokens(),
            output,
            agent.kimi.prices().find(request.model()).orElse(null),
            agent.clock.instant(),
            step);
    if (held instanceof RunResult.Limit limit) {
      throw new Refused(limit);
    }
    Budget.Hold hold = (Budget.Hold) held;
    boolean replied = false;
    ChatCompletion reply = null;
    try {
      Runnable exit;
      try {
        exit = budget.enter();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new CancelledException(
            CancelledException.Reason.INTERRUPTED,
            "interrupted while waiting for a place among the run's model calls",
            e);
      }
      try {
        reply = agent.kimi.chat(request);
        replied = true;
      } finally {
        exit.run();
      }
    } finally {
      Usage u = reply == null ? null : reply.usage();
      String by =
          reply == null || reply.model() == null || reply.model().isBlank()
              ? request.model()
              : reply.model();
      Cost cost = u == null ? null : price(by, u);
      hold.settle(u == null ? 0 : u.totalTokens(), cost, replied && step);
      if (u != null) {
        d.usage.merge(by, strip(u), Usage::plus);
        used = used == null ? strip(u) : used.plus(strip(u));
        sizes.calibrate(w.tokens(), u.promptTokens());
      }
    }
    return reply;
  }

  private Cost price(String model, Usage u) {
    try {
      return agent.kimi.prices().cost(model, u).orElse(null);
    } catch (RuntimeException refused) {
      return null;
    }
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
    Compactor.Outcome o = compactor.compact(request, false, r -> call(r, false));
    if (o == null) {
      sizes.retain(request.messages());
      return request; // a summary cannot bring it under: sent as it is
    }
    d.messages = new ArrayList<>(o.messages());
    d.newMessageIndex = Math.min(d.newMessageIndex, o.head());
    save();
    emit(new RunEvent.Compacted(d.id, step, o.report()));
    return request();
  }

  private ChatRequest request() {
    ChatRequest.Builder b =
        ChatRequest.builder(agent.model)
            .messages(d.messages)
            .tools(agent.declarations)
            .promptCacheKey(d.id);
    ChatRequest.Builder out = agent.settings.apply(b);
    return (out == null ? b : out).build();
  }

  private static Usage strip(Usage u) {
    return new Usage(
        u.promptTokens(),
        u.completionTokens(),
        u.totalTokens(),
        u.cachedTokens(),
        u.reasoningTokens(),
        null,
        u.cacheWriteTokens());
  }

  /** Appends the tool messages of a turn whose calls all have results, in the calls' order. */
  private void closeTurn() {
    AssistantMessage reply = d.openReply();
    List<ToolCall> calls = reply.toolCalls();
    for (int pos = 0; pos < calls.size(); pos++) {
      ToolCall call = calls.get(pos);
      RunState.Result r = d.turn.results.get(pos);
      d.messages.add(
          new ToolMessage(
              call.id() == null ? "" : call.id(),
              call.name() == null ? "" : call.name(),
              r.content()));
    }
    d.turn = null;
    d.pending.clear();
  }

  // -----------------------------------------------------------------------------------------
  // A turn

  /**
   * A call that may run: its place, tool, the arguments it runs with, and what the model is told.
   */
  private record Job(
      int position, ToolCall call, AgentTool tool, String arguments, boolean rerun, String note) {}

  /** Runs what may run of the open turn; true when every call has a result. */
  private boolean turn(List<Decision> decisions) {
    AssistantMessage reply = d.openReply();
    List<ToolCall> calls = reply.toolCalls();
    int step = d.turn.step;
    d.pending.clear();
    List<PendingCall> inDoubt = new ArrayList<>();
    List<Job> jobs = new ArrayList<>();
    boolean changed = false;
    for (int pos = 0; pos < calls.size(); pos++) {
      if (d.turn.results.containsKey(pos)) {
        continue;
      }
      ToolCall call = calls.get(pos);
      String name = call.name() == null ? "" : call.name();
      AgentTool tool = agent.tools.get(name);
      byte[] record = tree.store.get(tree.rootId, prefix + Ids.callKey(step, pos));
      if (record != null) {
        CallRecord r = CallRecord.read(record);
        if (r.done()) {
          d.turn.results.put(pos, new RunState.Result(r.content(), r.error()));
          changed = true;
          continue;
        }
        if (tool != null && tool.idempotent()) {
          jobs.add(new Job(pos, call, tool, r.arguments(), true, null));
          continue;
        }
        PendingCall p =
            new PendingCall(
                PendingCall.Kind.IN_DOUBT,
                d.id,
                step,
                pos,
                call.id(),
                name,
                r.arguments(),
                "begun but not finished when its worker stopped, and the tool is not idempotent:"
                    + " its effect may or may not have happened",
                tool == null ? "never" : tool.approval().id(),
                Ids.sha256(r.arguments()),
                r.key());
        Decided decided = decide(p, decisions);
        if (decided.changed) {
          changed = true;
        }
        if (decided.recorded == null) {
          inDoubt.add(p);
        } else {
          changed |= apply(decided.recorded, p, call, tool, jobs, true);
        }
        continue;
      }
      if (tool == null) {
        answer(
            pos,
            name,
            "Error: there is no tool named \""
                + name
                + "\"; the tools are: "
                + String.join(", ", agent.tools.keySet()),
            true);
        changed = true;
        continue;
      }
      String args = blank(call.arguments()) ? "{}" : call.arguments();
      Gate gate = gate(step, pos, name, args, true);
      if (gate.answer != null) {
        answer(pos, name, gate.answer, true);
        changed = true;
        continue;
      }
      args = gate.arguments;
      JsonValue parsed = Json.parse(args);
      Verdict v = tool.approval().rule().apply(parsed);
      if (v instanceof Verdict.Deny deny) {
        emit(new RunEvent.Denied(d.id, step, pos, name, "policy", deny.reason()));
        answer(pos, name, "Error: denied: " + deny.reason(), true);
        changed = true;
        continue;
      }
      if (v instanceof Verdict.Rewrite) {
        throw new IllegalStateException(
            "the approval policy " + tool.approval().id() + " rewrote a call; only a hook may");
      }
      String ask = gate.ask != null ? gate.ask : v instanceof Verdict.Ask a ? a.reason() : null;
      if (ask == null) {
        jobs.add(new Job(pos, call, tool, args, false, null));
        continue;
      }
      String policy = tool.approval().id();
      PendingCall p =
          new PendingCall(
              PendingCall.Kind.APPROVAL,
              d.id,
              step,
              pos,
              call.id(),
              name,
              args,
              ask,
              policy,
              Ids.sha256(args),
              Ids.idempotencyKey(d.id, step, pos));
      if (covered(name, parsed, policy)) {
        emit(new RunEvent.Approved(d.id, step, pos, name, "allowance"));
        jobs.add(new Job(pos, call, tool, args, false, null));
        continue;
      }
      Decided decided = decide(p, decisions);
      if (decided.changed) {
        changed = true;
      }
      if (decided.recorded == null) {
        d.pending.add(p);
      } else {
        changed |= apply(decided.recorded, p, call, tool, jobs, false);
      }
    }
    if (changed) {
      save(); // decisions and answers before any call they allow runs
    }
    Map<Integer, List<PendingCall>> waiting = runAll(step, jobs);
    if (!inDoubt.isEmpty()) {
      emit(new RunEvent.InDoubt(d.id, List.copyOf(inDoubt)));
      d.pending.addAll(inDoubt);
      d.pending.sort(java.util.Comparator.comparingInt(PendingCall::position));
    }
    if (!waiting.isEmpty()) {
      // a subagent's calls wait where the call that started it stands among the turn's own
      List<PendingCall> all = new ArrayList<>();
      java.util.Iterator<PendingCall> own = d.pending.iterator();
      PendingCall next = own.hasNext() ? own.next() : null;
      for (Map.Entry<Integer, List<PendingCall>> w : waiting.entrySet()) {
        while (next != null && next.position() < w.getKey()) {
          all.add(next);
          next = own.hasNext() ? own.next() : null;
        }
        all.addAll(w.getValue());
      }
      while (next != null) {
        all.add(next);
        next = own.hasNext() ? own.next() : null;
      }
      d.pending.clear();
      d.pending.addAll(all);
    }
    return d.pending.isEmpty();
  }

  /** What the hooks made of a call: its arguments, an answer instead of running, or a question. */
  private record Gate(String arguments, String answer, String ask) {}

  private Gate gate(int step, int pos, String name, String args, boolean asks) {
    String ask = null;
    for (ToolHook hook : agent.hooks) {
      if (!valid(args)) {
        break;
      }
      Verdict v = hook.check(new PlannedCall(d.id, step, pos, name, args));
      if (v instanceof Verdict.Deny deny) {
        emit(new RunEvent.Denied(d.id, step, pos, name, "hook", deny.reason()));
        return new Gate(args, "Error: denied: " + deny.reason(), null);
      } else if (v instanceof Verdict.Rewrite r) {
        args = r.arguments();
      } else if (v instanceof Verdict.Ask a && asks && ask == null) {
        ask = a.reason();
      }
    }
    if (!valid(args)) {
      return new Gate(
          args,
          "Error: the arguments of "
              + name
              + " are not a JSON object; call "
              + name
              + " again with a JSON object that follows its schema",
          null);
    }
    return new Gate(args, null, ask);
  }

  private static boolean valid(String args) {
    try {
      return Json.parse(args) instanceof JsonObject;
    } catch (JsonException e) {
      return false;
    }
  }

  private boolean covered(String name, JsonValue args, String policy) {
    for (RunState.Grant g : d.allowances) {
      if (g.policy().equals(policy) && g.allowance().covers(name, args)) {
        return true;
      }
    }
    return false;
  }

  /** A decision found for a call: recorded (and still bound to it), or none. */
  private record Decided(RunState.Recorded recorded, boolean changed) {}

  /**
   * Finds the decision on {@code p}: one recorded in the state, else one handed in; either only
   * while it is bound to the call as it is now. A new one is recorded in the state.
   */
  private Decided decide(PendingCall p, List<Decision> decisions) {
    boolean changed = false;
    RunState.Recorded saved = d.turn.decisions.get(p.position());
    if (saved != null) {
      String why = mismatch(saved.kind(), saved.tool(), saved.argumentsSha256(), saved.policy(), p);
      if (why == null) {
        return new Decided(saved, false);
      }
      emit(new RunEvent.AskedAgain(d.id, p.step(), p.position(), p.tool(), why));
      d.turn.decisions.remove(p.position());
      changed = true;
    }
    for (Decision dec : decisions) {
      PendingCall c = dec.call();
      if (!c.runId().equals(p.runId()) || c.step() != p.step() || c.position() != p.position()) {
        continue;
      }
      String why = mismatch(c.kind(), c.tool(), c.argumentsSha256(), c.policy(), p);
      if (why != null) {
        emit(new RunEvent.AskedAgain(d.id, p.step(), p.position(), p.tool(), why));
        continue;
      }
      RunState.Recorded r;
      if (dec instanceof Decision.Approve a) {
        r =
            new RunState.Recorded(
                "approve",
                p.kind(),
                p.tool(),
                p.argumentsSha256(),
                p.policy(),
                a.editedArguments(),
                null);
        if (a.allowance() != null) {
          d.allowances.add(new RunState.Grant(a.allowance(), p.policy()));
        }
      } else if (dec instanceof Decision.Reject x) {
        r =
            new RunState.Recorded(
                "reject", p.kind(), p.tool(), p.argumentsSha256(), p.policy(), null, x.message());
      } else if (dec instanceof Decision.Answer x) {
        r =
            new RunState.Recorded(
                "answer", p.kind(), p.tool(), p.argumentsSha256(), p.policy(), null, x.content());
      } else {
        throw new AssertionError(dec);
      }
      d.turn.decisions.put(p.position(), r);
      return new Decided(r, true);
    }
    return new Decided(null, changed);
  }

  private static String mismatch(
      PendingCall.Kind kind, String tool, String sha, String policy, PendingCall now) {
    if (kind != now.kind()) {
      return "the decision answered a call of kind " + kind + "; the call is now " + now.kind();
    }
    if (!tool.equals(now.tool())) {
      return "the decision was for the tool " + tool + "; the call is now to " + now.tool();
    }
    if (!sha.equals(now.argumentsSha256())) {
      return "the arguments changed since the decision was made";
    }
    if (!policy.equals(now.policy())) {
      return "the approval policy changed from " + policy + " to " + now.policy();
    }
    return null;
  }

  /** Carries a recorded decision out; true when it answered the call without running it. */
  private boolean apply(
      RunState.Recorded r,
      PendingCall p,
      ToolCall call,
      AgentTool tool,
      List<Job> jobs,
      boolean rerun) {
    int pos = p.position();
    switch (r.verdict()) {
      case "reject":
        emit(new RunEvent.Denied(d.id, p.step(), pos, p.tool(), "person", r.text()));
        answer(pos, p.tool(), "Error: rejected by a person: " + r.text(), true);
        return true;
      case "answer":
        answer(pos, p.tool(), r.text(), false);
        return true;
      case "approve":
        break;
      default:
        throw new IllegalStateException("unknown decision in the saved run: " + r.verdict());
    }
    if (tool == null) {
      answer(pos, p.tool(), "Error: there is no tool named \"" + p.tool() + "\"", true);
      return true;
    }
    String args = p.arguments();
    String note = null;
    if (r.arguments() != null) {
      Gate gate = gate(p.step(), pos, p.tool(), r.arguments(), false);
      if (gate.answer != null) {
        answer(pos, p.tool(), gate.answer, true);
        return true;
      }
      args = gate.arguments;
      note = "Note: a person changed the arguments of this call to " + args + ".\n";
    }
    emit(
        new RunEvent.Approved(
            d.id, p.step(), pos, p.tool(), r.arguments() != null ? "edited" : "decision"));
    jobs.add(new Job(pos, call, tool, args, rerun, note));
    return false;
  }

  private void answer(int pos, String tool, String content, boolean error) {
    d.turn.results.put(pos, new RunState.Result(content, error));
    emit(new RunEvent.ToolFinished(d.id, d.turn.step, pos, tool, content, error, Duration.ZERO));
  }

  private static boolean blank(String s) {
    return s == null || s.isBlank();
  }

  // -----------------------------------------------------------------------------------------
  // Running calls

  /** What one call of a turn came to: its result, or the calls of its subagent that wait. */
  private record Done(RunState.Result result, List<PendingCall> waiting, RunState child) {}

  /**
   * Runs the jobs on the agent's pool and records their results in the turn; returns the calls each
   * paused subagent waits on, by the position of the call that started it.
   */
  private Map<Integer, List<PendingCall>> runAll(int step, List<Job> jobs) {
    java.util.TreeMap<Integer, List<PendingCall>> waiting = new java.util.TreeMap<>();
    if (jobs.isEmpty()) {
      return waiting;
    }
    List<CompletableFuture<Done>> futures = new ArrayList<>();
    for (Job j : jobs) {
      futures.add(CompletableFuture.supplyAsync(() -> execute(step, j), agent.pool));
    }
    RunStoreException failed = null;
    for (int i = 0; i < jobs.size(); i++) {
      int pos = jobs.get(i).position();
      try {
        Done done = join(futures.get(i));
        if (done.child() != null && done.result() != null) {
          // an ended subagent: its usage and steps are the run's now, its state no longer needed
          RunState.Data c = done.child().data();
          Map<String, Usage> usage = new LinkedHashMap<>();
          d.childSteps += used(c, usage);
          usage.forEach((m, u) -> d.usage.merge(m, u, Usage::plus));
          d.turn.children.remove(pos);
        }
        if (done.result() != null) {
          d.turn.results.put(pos, done.result());
        } else {
          waiting.put(pos, done.waiting());
        }
      } catch (RunStoreException e) {
        failed = failed == null ? e : failed;
      }
    }
    if (failed != null) {
      throw failed;
    }
    return waiting;
  }

  private static Done join(CompletableFuture<Done> f) {
    boolean interrupted = false;
    try {
      while (true) {
        try {
          return f.get();
        } catch (InterruptedException e) {
          interrupted = true; // a call that began finishes and is recorded before the run stops
        } catch (ExecutionException e) {
          if (e.getCause() instanceof RunStoreException s) {
            throw s;
          }
          throw new IllegalStateException(e.getCause());
        }
      }
    } finally {
      if (interrupted) {
        Thread.currentThread().interrupt();
      }
    }
  }

  /**
   * Runs one call on a pool thread, inside its span: its intent recorded, the tool (or the
   * subagent's run), the result cut to its limit and recorded. A subagent that paused leaves the
   * call begun: the run resumes it from its saved state.
   */
  private Done execute(int step, Job j) {
    String key = Ids.idempotencyKey(d.id, step, j.position());
    String recordKey = prefix + Ids.callKey(step, j.position());
    String name = j.tool().name();
    tree.store.put(tree.claim, recordKey, CallRecord.begun(key, name, j.arguments()));
    emit(new RunEvent.ToolStarted(d.id, step, j.position(), name, j.rerun()));
    Subagent sub = j.tool().handler() instanceof Subagent x ? x : null;
    AgentTracer.ToolSpan toolSpan = startTool(step, j, sub != null);
    long t0 = System.nanoTime();
    String content = null;
    boolean error = false;
    Throwable failure = null;
    Done waiting = null;
    RunState child = null;
    try {
      if (sub != null) {
        RunResult r = subagent(sub, step, j);
        child = r instanceof RunResult.Taken ? null : state(r);
        if (r instanceof RunResult.Paused p) {
          waiting = new Done(null, p.pending(), child);
        } else if (r instanceof RunResult.Answered a) {
          content = a.text().isEmpty() ? "(no output)" : a.text();
        } else if (r instanceof RunResult.Stopped st) {
          error = true;
          content =
              "Error: the "
                  + name
                  + " agent stopped before it answered: "
                  + limit(st.limit())
                  + " was reached";
        } else if (r instanceof RunResult.Failed f && f.error() instanceof RunStoreException s) {
          throw s; // the store this run writes to failed: the run fails, to be resumed
        } else if (r instanceof RunResult.Failed f) {
          error = true;
          failure = f.error();
          content = "Error: the " + name + " agent failed: " + describe(f.error());
        } else {
          throw new AssertionError(r);
        }
      } else {
        Handled r = handle(j, step, name, key);
        content = r.content();
        error = r.failure() != null;
        failure = r.failure();
      }
    } catch (RunStoreException e) {
      failure = e;
      throw e;
    } catch (RuntimeException e) {
      error = true;
      failure = e;
      content = "Error: " + name + " failed: " + describe(e);
    } finally {
      if (failure instanceof RunStoreException) {
        endTool(toolSpan, "", true, failure);
      }
    }
    if (waiting != null) {
      endTool(toolSpan, "", false, null);
      return waiting;
    }
    if (compactor != null) {
      Compactor.Cut cut = compactor.cut(content, compactor.limits(d.model));
      if (cut != null) {
        content = cut.content();
        emit(
            new RunEvent.ToolResultCut(
                d.id,
                step,
                j.position(),
                name,
                cut.originalChars(),
                content.length(),
                cut.originalTokens()));
      }
    }
    if (j.note() != null) {
      content = j.note() + content;
    }
    Duration elapsed = Duration.ofNanos(System.nanoTime() - t0);
    try {
      tree.store.put(
          tree.claim, recordKey, CallRecord.done(key, name, j.arguments(), content, error));
    } catch (RunStoreException e) {
      endTool(toolSpan, "", true, e);
      throw e;
    }
    // a tracer never sees the call's key, even where the tool echoed it in its result
    endTool(toolSpan, content.replace(key, "[idempotency key]"), error, failure);
    emit(new RunEvent.ToolFinished(d.id, step, j.position(), name, content, error, elapsed));
    return new Done(new RunState.Result(content, error), List.of(), child);
  }

  /** What a handler came to: what the model reads, and what it threw. */
  private record Handled(String content, Throwable failure) {}

  /** Runs a tool's handler, timed out after the agent's tool timeout: its result or failure. */
  private Handled handle(Job j, int step, String name, String key) {
    ToolContext ctx = new ToolContext(d.id, step, j.position(), key, j.rerun());
    CompletableFuture<String> out = new CompletableFuture<>();
    Thread worker = Thread.currentThread();
    Runnable cancel =
        Watchdog.schedule(
            () -> {
              if (!out.isDone()) {
                worker.interrupt();
              }
            },
            agent.toolTimeout);
    try {
      String r = j.tool().handler().call(Json.parse(j.arguments()), ctx);
      return new Handled(r == null || r.isEmpty() ? "(no output)" : r, null);
    } catch (InterruptedException e) {
      return new Handled(
          "Error: "
              + name
              + " did not finish within "
              + agent.toolTimeout.toMillis()
              + " ms and was cancelled",
          new java.util.concurrent.TimeoutException(
              name + " did not finish within " + agent.toolTimeout.toMillis() + " ms"));
    } catch (Exception e) {
      return new Handled("Error: " + name + " failed: " + describe(e), e);
    } finally {
      out.complete("");
      cancel.run();
      Thread.interrupted();
    }
  }

  private static String limit(RunResult.Limit l) {
    switch (l) {
      case STEPS:
        return "the limit on model calls";
      case TOKENS:
        return "the limit on tokens";
      case SPEND:
        return "the spend limit";
      case TIME:
        return "the time limit";
      default:
        throw new AssertionError(l);
    }
  }

  private static RunState state(RunResult r) {
    if (r instanceof RunResult.Answered a) {
      return a.state();
    } else if (r instanceof RunResult.Paused p) {
      return p.state();
    } else if (r instanceof RunResult.Stopped s) {
      return s.state();
    } else if (r instanceof RunResult.Failed f) {
      return f.state();
    }
    return null;
  }

  private AgentTracer.ToolSpan startTool(int step, Job j, boolean subagent) {
    try {
      AgentTracer.ToolSpan s =
          span.startTool(
              new AgentTracer.ToolStart(
                  d.id,
                  step,
                  j.position(),
                  j.tool().name(),
                  j.tool().tool().description(),
                  j.call().id(),
                  j.arguments(),
                  subagent));
      return s == null ? AgentTracer.ToolSpan.NONE : s;
    } catch (RuntimeException e) {
      LOG.log(System.Logger.Level.WARNING, "an agent tracer failed on run " + d.id, e);
      return AgentTracer.ToolSpan.NONE;
    }
  }

  private void endTool(AgentTracer.ToolSpan s, String content, boolean error, Throwable failure) {
    try {
      s.end(content, error, failure);
    } catch (RuntimeException e) {
      LOG.log(System.Logger.Level.WARNING, "an agent tracer failed on run " + d.id, e);
    }
  }

  // -----------------------------------------------------------------------------------------
  // A subagent's run

  /**
   * Runs, or goes on with, the subagent's run a call starts, on this pool thread: from the state it
   * last saved (in the store, or published in this turn) or from its task, with this drive's
   * decisions, under this run's claim and limits.
   */
  private RunResult subagent(Subagent sub, int step, Job j) {
    Agent child = sub.agent;
    String childPrefix = Ids.childPrefix(prefix, step, j.position());
    if ((childPrefix + Ids.callKey(step, j.position())).length() > 64) {
      throw new IllegalStateException(
          "the " + j.tool().name() + " agent is nested too deeply in other agents' runs");
    }
    String id = Ids.childRunId(d.id, step, j.position());
    RunState.Data cd = null;
    byte[] saved = tree.store.get(tree.rootId, childPrefix + Ids.STATE);
    RunState published = d.turn.children.get(j.position());
    if (saved != null) {
      cd = RunState.fromBytes(saved).data();
    }
    if (published != null && (cd == null || published.revision() > cd.revision)) {
      cd = published.data();
    }
    boolean fresh = cd == null;
    if (fresh) {
      cd = new RunState.Data();
      cd.id = id;
      cd.agentName = child.name;
      cd.agentVersion = child.version;
      cd.tools = new ArrayList<>(child.tools.keySet());
      cd.model = child.model;
      cd.maxSteps = child.maxSteps;
      cd.maxTotalTokens = child.maxTotalTokens;
      cd.maxSpend = child.maxSpend;
      cd.currency = child.currency;
      if (child.instructions != null) {
        cd.messages.add(io.github.kimisdk.chat.Message.system(child.instructions));
      }
      cd.messages.add(io.github.kimisdk.chat.Message.user(task(j.arguments())));
      cd.newMessageIndex = cd.messages.size();
    }
    RunDrive c = new RunDrive(child, cd, tree, this, childPrefix, j.position(), d.turn.children);
    RunState.Data from = cd;
    return c.traced(
        () -> {
          if (fresh) {
            c.save();
          } else {
            c.checkAgent();
            c.emit(new RunEvent.Resumed(from.id, from.revision, from.status, decisions.size()));
          }
          RunResult r = c.drive(decisions);
          c.emit(new RunEvent.Ended(c.d.id, c.d.status));
          return r;
        });
  }

  /** The task a call hands a subagent: its {@code task} argument, or else its arguments. */
  private static String task(String arguments) {
    try {
      if (Json.parse(arguments) instanceof JsonObject o
          && o.get("task") instanceof io.github.kimisdk.json.JsonString t
          && !t.value().isBlank()) {
        return t.value();
      }
    } catch (JsonException e) {
      // the arguments as they are
    }
    return arguments;
  }

  private static String describe(Throwable e) {
    String m = e.getMessage();
    return e.getClass().getSimpleName() + (m == null ? "" : ": " + m);
  }

  // -----------------------------------------------------------------------------------------

  /** Saves the state; a subagent's run under its prefix, and published into its parent's turn. */
  private void save() {
    d.revision++;
    RunState state = new RunState(d);
    tree.store.put(tree.claim, prefix + Ids.STATE, state.toBytes());
    if (published != null) {
      published.put(position, state);
    }
  }

  /** Tells the agent's listener, and every parent run's agent's that is another. */
  private void emit(RunEvent e) {
    java.util.Set<AgentListener> told =
        java.util.Collections.newSetFromMap(new java.util.IdentityHashMap<>());
    for (RunDrive r = this; r != null; r = r.parent) {
      if (told.add(r.agent.listener)) {
        try {
          r.agent.listener.onEvent(e);
        } catch (RuntimeException x) {
          LOG.log(System.Logger.Level.WARNING, "an agent listener failed on " + e, x);
        }
      }
    }
  }

  /** A call's record in the store: its intent, then its result. */
  record CallRecord(
      boolean done, String key, String tool, String arguments, String content, boolean error) {

    static byte[] begun(String key, String tool, String arguments) {
      return write(false, key, tool, arguments, null, false);
    }

    static byte[] done(String key, String tool, String arguments, String content, boolean error) {
      return write(true, key, tool, arguments, content, error);
    }

    private static byte[] write(
        boolean done, String key, String tool, String arguments, String content, boolean error) {
      JsonObject.Builder o =
          JsonObject.builder()
              .put("phase", done ? "done" : "begun")
              .put("key", key)
              .put("tool", tool)
              .put("arguments", arguments)
              .put("arguments_sha256", Ids.sha256(arguments));
      if (done) {
        o.put("content", content).put("error", error);
      }
      return Json.write(o.build()).getBytes(StandardCharsets.UTF_8);
    }

    static CallRecord read(byte[] bytes) {
      JsonValue v = Json.parse(bytes);
      boolean done = "done".equals(v.get("phase").asString());
      return new CallRecord(
          done,
          v.get("key").asString(),
          v.get("tool").asString(),
          v.get("arguments").asString(),
          done ? v.get("content").asString() : null,
          done && v.get("error").asBoolean());
    }
  }
}
