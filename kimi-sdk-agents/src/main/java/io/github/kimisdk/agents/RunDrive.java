package io.github.kimisdk.agents;

import io.github.kimisdk.chat.AssistantMessage;
import io.github.kimisdk.chat.CacheTtl;
import io.github.kimisdk.chat.ChatCompletion;
import io.github.kimisdk.chat.ChatRequest;
import io.github.kimisdk.chat.ToolMessage;
import io.github.kimisdk.chat.Usage;
import io.github.kimisdk.errors.DecodingException;
import io.github.kimisdk.errors.KimiException;
import io.github.kimisdk.json.Json;
import io.github.kimisdk.json.JsonException;
import io.github.kimisdk.json.JsonObject;
import io.github.kimisdk.json.JsonValue;
import io.github.kimisdk.model.Price;
import io.github.kimisdk.model.Spend;
import io.github.kimisdk.token.RequestTokens;
import io.github.kimisdk.tool.ToolCall;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.locks.LockSupport;

/**
 * One drive of one run: claims it, goes on from its state until it answers, pauses, stops or fails,
 * saving it after every reply and before every decided call, and releases it.
 *
 * <p>Thread model: every method runs on the thread that called {@link Agent#run} or {@link
 * Agent#resume}, but {@link #execute} (on the agent's pool, one call each) and the heartbeat (a
 * thread of its own). Those touch only the store, the listener and their own call; the state
 * ({@link #d}) is the driving thread's alone.
 */
final class RunDrive {
  private static final System.Logger LOG = System.getLogger(Agent.class.getName());
  private static final RequestTokens COUNTER = RequestTokens.estimated();

  private final Agent agent;
  private final RunState.Data d;
  private volatile Claim.Held claim;

  RunDrive(Agent agent, RunState.Data data) {
    this.agent = agent;
    this.d = data;
  }

  RunResult start() {
    Claim c = claim();
    if (c instanceof Claim.Taken t) {
      return new RunResult.Taken(t.runId(), t.holder(), t.until());
    }
    boolean started = false;
    try {
      if (agent.store.get(d.id, Ids.STATE) != null) {
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
  }

  RunResult resume(List<Decision> decisions) {
    Claim c = claim();
    if (c instanceof Claim.Taken t) {
      return new RunResult.Taken(t.runId(), t.holder(), t.until());
    }
    boolean going = false;
    try {
      byte[] saved = agent.store.get(d.id, Ids.STATE);
      RunState.Data from = saved == null ? d : RunState.fromBytes(saved).data();
      if (from != d) {
        copyInto(from);
      }
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
  }

  // -----------------------------------------------------------------------------------------
  // The claim

  private Claim claim() {
    Instant now = agent.clock.instant();
    Claim c = agent.store.claim(d.id, agent.owner, now, now.plus(agent.lease));
    if (c instanceof Claim.Taken t) {
      emit(new RunEvent.Taken(d.id, t.holder(), t.until()));
    } else {
      claim = (Claim.Held) c;
      emit(new RunEvent.Claimed(d.id, agent.owner, c.until()));
    }
    return c;
  }

  private void release() {
    try {
      agent.store.release(claim);
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
          Claim.Held c = claim;
          if (agent.store.renew(c, until)) {
            claim = c.renewed(until);
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
      result = loop(decisions);
    } catch (RunStoreException e) {
      result = new RunResult.Failed(new RunState(d), e);
    } finally {
      heartbeat.end();
      release();
    }
    emit(new RunEvent.Ended(d.id, d.status));
    return result;
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
      RunResult.Limit limit = limit(request);
      if (limit != null) {
        d.status = RunState.Status.STOPPED;
        d.note = "the " + limit.name().toLowerCase(java.util.Locale.ROOT) + " limit";
        save();
        return new RunResult.Stopped(new RunState(d), limit);
      }
      int step = d.steps + 1;
      emit(new RunEvent.ModelCalled(d.id, step, request));
      ChatCompletion reply;
      try {
        reply = agent.kimi.chat(request);
        if (reply.choices().isEmpty()) {
          throw new DecodingException(
              "Kimi returned a completion without choices: " + reply.id(), null, reply.metadata());
        }
      } catch (KimiException e) {
        d.status = RunState.Status.FAILED;
        d.note = e.getMessage();
        save();
        return new RunResult.Failed(new RunState(d), e);
      }
      AssistantMessage m = reply.choices().get(0).message();
      d.steps = step;
      d.messages.add(m);
      if (reply.usage() != null) {
        String by = reply.model() == null || reply.model().isBlank() ? d.model : reply.model();
        d.usage.merge(by, strip(reply.usage()), Usage::plus);
      }
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

  private ChatRequest request() {
    ChatRequest.Builder b =
        ChatRequest.builder(agent.model)
            .messages(d.messages)
            .tools(agent.declarations)
            .promptCacheKey(d.id);
    ChatRequest.Builder out = agent.settings.apply(b);
    return (out == null ? b : out).build();
  }

  /** Returns the limit the next model call could pass, or null. */
  private RunResult.Limit limit(ChatRequest next) {
    if (d.steps >= d.maxSteps) {
      return RunResult.Limit.STEPS;
    }
    if (d.maxTotalTokens == 0 && d.maxSpend == null) {
      return null;
    }
    Spend spent = Spend.NONE;
    for (Map.Entry<String, Usage> e : d.usage.entrySet()) {
      spent = spent.plus(agent.kimi.prices().spend(e.getKey(), e.getValue()));
    }
    long prompt = COUNTER.count(next).total();
    long output =
        next.maxCompletionTokens() != null
            ? next.maxCompletionTokens()
            : agent.kimi.catalog().lookup(next.model()).defaultMaxOutput();
    if (d.maxTotalTokens > 0 && spent.totalTokens() + prompt + output > d.maxTotalTokens) {
      return RunResult.Limit.TOKENS;
    }
    if (d.maxSpend != null) {
      Price price = agent.kimi.prices().find(next.model()).orElse(null);
      BigDecimal worst =
          price == null || !price.currency().equals(d.currency)
              ? BigDecimal.ZERO
              : price.cost(prompt, 0, 0, output, CacheTtl.FIVE_MINUTES).total();
      BigDecimal so = spent.cost(d.currency).map(c -> c.total()).orElse(BigDecimal.ZERO);
      if (so.add(worst).compareTo(d.maxSpend) > 0) {
        return RunResult.Limit.SPEND;
      }
    }
    return null;
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
      byte[] record = agent.store.get(d.id, Ids.callKey(step, pos));
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
    runAll(step, jobs);
    if (!inDoubt.isEmpty()) {
      emit(new RunEvent.InDoubt(d.id, List.copyOf(inDoubt)));
      d.pending.addAll(inDoubt);
      d.pending.sort(java.util.Comparator.comparingInt(PendingCall::position));
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

  private void runAll(int step, List<Job> jobs) {
    if (jobs.isEmpty()) {
      return;
    }
    List<CompletableFuture<RunState.Result>> futures = new ArrayList<>();
    for (Job j : jobs) {
      futures.add(CompletableFuture.supplyAsync(() -> execute(step, j), agent.pool));
    }
    RunStoreException failed = null;
    for (int i = 0; i < jobs.size(); i++) {
      try {
        d.turn.results.put(jobs.get(i).position(), join(futures.get(i)));
      } catch (RunStoreException e) {
        failed = failed == null ? e : failed;
      }
    }
    if (failed != null) {
      throw failed;
    }
  }

  private static RunState.Result join(CompletableFuture<RunState.Result> f) {
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

  /** Runs one call on a pool thread: its intent recorded, the tool, its result recorded. */
  private RunState.Result execute(int step, Job j) {
    String key = Ids.idempotencyKey(d.id, step, j.position());
    String recordKey = Ids.callKey(step, j.position());
    String name = j.tool().name();
    agent.store.put(claim, recordKey, CallRecord.begun(key, name, j.arguments()));
    emit(new RunEvent.ToolStarted(d.id, step, j.position(), name, j.rerun()));
    long t0 = System.nanoTime();
    String content;
    boolean error = false;
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
      content = r == null || r.isEmpty() ? "(no output)" : r;
    } catch (InterruptedException e) {
      error = true;
      content =
          "Error: "
              + name
              + " did not finish within "
              + agent.toolTimeout.toMillis()
              + " ms and was cancelled";
    } catch (Exception e) {
      error = true;
      content = "Error: " + name + " failed: " + describe(e);
    } finally {
      out.complete("");
      cancel.run();
      Thread.interrupted();
    }
    if (j.note() != null) {
      content = j.note() + content;
    }
    Duration elapsed = Duration.ofNanos(System.nanoTime() - t0);
    agent.store.put(claim, recordKey, CallRecord.done(key, name, j.arguments(), content, error));
    emit(new RunEvent.ToolFinished(d.id, step, j.position(), name, content, error, elapsed));
    return new RunState.Result(content, error);
  }

  private static String describe(Throwable e) {
    String m = e.getMessage();
    return e.getClass().getSimpleName() + (m == null ? "" : ": " + m);
  }

  // -----------------------------------------------------------------------------------------

  private void save() {
    d.revision++;
    agent.store.put(claim, Ids.STATE, new RunState(d).toBytes());
  }

  private void emit(RunEvent e) {
    try {
      agent.listener.onEvent(e);
    } catch (RuntimeException x) {
      LOG.log(System.Logger.Level.WARNING, "an agent listener failed on " + e, x);
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
