package io.github.kimisdk.agents;

import io.github.kimisdk.chat.AssistantMessage;
import io.github.kimisdk.chat.ToolMessage;
import io.github.kimisdk.json.Json;
import io.github.kimisdk.json.JsonException;
import io.github.kimisdk.json.JsonObject;
import io.github.kimisdk.json.JsonValue;
import io.github.kimisdk.tool.BuiltinTool;
import io.github.kimisdk.tool.ToolCall;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * A turn: what happens to each call of the open reply that has no result yet. A call found in the
 * run's journal keeps its result, or (begun but not finished) runs again when its tool may, else
 * waits in doubt; an unknown tool, a hook's denial, a policy's denial and a person's rejection or
 * answer are answered at once; the calls that may run are handed to {@link Execution}; the calls
 * that ask wait. Decisions are recorded in the state, and the state saved, before any call they
 * allow runs.
 *
 * <p>Thread model: the thread that drives the run; the jobs run on the pool, in {@link Execution}.
 */
final class Turns {
  private final Loop run;
  private final RunData d;
  private final Setup agent;
  private final Toolbox box;
  private final Decisions decided;

  private Turns(Loop run, Toolbox box) {
    this.run = run;
    this.d = run.data();
    this.agent = run.agent;
    this.box = box;
    this.decided = new Decisions(run);
  }

  /** A call that may run: its place, tool, the arguments it runs with, and the model's note. */
  record Job(
      int position, ToolCall call, AgentTool tool, String arguments, boolean rerun, String note) {}

  /** Runs what may run of the open turn; when every call has a result, closes it and is true. */
  static boolean run(Loop run, List<Decision> decisions) {
    Toolbox box = run.toolbox(run.tools());
    boolean complete = new Turns(run, box).go(decisions);
    if (complete) {
      close(run);
    }
    return complete;
  }

  /** Opens the turn of the reply at {@code step}, whose tool calls have no results yet. */
  static void open(RunData d, int step) {
    d.turn = new RunData.OpenTurn(step);
  }

  /**
   * Closes a turn whose calls all have results: their tool messages appended in the calls' order,
   * the runs of subagents that ended before a crash kept this run from saving them folded in, and
   * nothing left waiting.
   */
  private static void close(Loop run) {
    RunData d = run.data();
    List<ToolCall> calls = d.openReply().toolCalls();
    for (int pos = 0; pos < calls.size(); pos++) {
      ToolCall call = calls.get(pos);
      RunData.Result r = d.turn.results().get(pos);
      d.messages.add(
          new ToolMessage(
              call.id() == null ? "" : call.id(),
              call.name() == null ? "" : call.name(),
              r.content()));
    }
    for (RunData child : d.turn.children().values()) {
      run.fold(child);
    }
    d.turn = null;
    d.pending.clear();
  }

  /**
   * Records decisions on the calls that wait in a run and in its subagents' runs, running nothing:
   * each bound and counted as a drive would ({@link Decisions#find}), kept in the run's record, and
   * the run saved; a call whose decision is complete no longer waits, and a run none of whose calls
   * waits is saved running, for its next drive to carry the decisions out.
   *
   * @throws Toolbox.SourceFailed when a tool source cannot list its tools
   */
  static void decide(Loop run, List<Decision> decisions) {
    if (decideIn(run, decisions)) {
      run.save();
    }
  }

  /** {@link #decide} in one run of the tree, its subagents' first; true when the state changed. */
  private static boolean decideIn(Loop run, List<Decision> decisions) {
    RunData d = run.data();
    if (d.turn == null) {
      return false;
    }
    Map<String, AgentTool> tools = run.tools();
    Toolbox box = Toolbox.of(tools, run.request(tools));
    boolean changed = false;
    Map<Integer, List<PendingCall>> waiting = new java.util.TreeMap<>();
    List<ToolCall> calls = d.openReply().toolCalls();
    for (Map.Entry<Integer, RunData> c : d.turn.children().entrySet()) {
      int pos = c.getKey();
      RunData child = c.getValue();
      String name =
          pos < calls.size() && calls.get(pos).name() != null ? calls.get(pos).name() : "";
      AgentTool tool = box.get(name);
      Subagent sub = tool == null ? null : Subagent.of(tool);
      if (sub == null || child.pending.isEmpty()) {
        if (!child.pending.isEmpty()) {
          waiting.put(pos, List.copyOf(child.pending)); // no agent to decide with: as it waits
        }
        continue;
      }
      String path = Ids.childPrefix(run.path, d.turn.step, pos);
      Tracing tracing = new Tracing(sub.agent, run.tracing(), child.id, run.tree.engine::tells);
      Loop inside = new Loop(sub.agent, child, run.tree, run, path, tracing);
      changed |= decideIn(inside, decisions); // the child is this run's data: saved with it
      waiting.put(pos, List.copyOf(child.pending));
    }
    Decisions decided = new Decisions(run);
    List<PendingCall> own = new ArrayList<>();
    for (PendingCall p : d.pending) {
      if (!p.runId().equals(d.id)) {
        continue; // a subagent's: as its run waits now, above
      }
      Decisions.Found f = decided.find(p, decisions, box.get(p.tool()));
      changed |= f.changed();
      if (f.recorded() == null || !f.complete()) {
        own.add(f.pending());
      }
    }
    d.pending.clear();
    d.pending.addAll(own);
    if (!waiting.isEmpty()) {
      new Turns(run, box).mergeWaiting(waiting);
    }
    if (d.pending.isEmpty() && d.status == RunState.Status.PAUSED) {
      d.status = RunState.Status.RUNNING; // every call decided: the next drive carries them out
      changed = true;
    }
    return changed;
  }

  private boolean go(List<Decision> decisions) {
    AssistantMessage reply = d.openReply();
    List<ToolCall> calls = reply.toolCalls();
    int step = d.turn.step;
    Instant now = run.tree.engine.now(agent);
    List<PendingCall> before = new ArrayList<>(d.pending);
    d.pending.clear();
    List<PendingCall> inDoubt = new ArrayList<>();
    List<Job> jobs = new ArrayList<>();
    boolean changed = false;
    for (int pos = 0; pos < calls.size(); pos++) {
      if (d.turn.results().containsKey(pos)) {
        continue;
      }
      ToolCall call = calls.get(pos);
      String name = call.name() == null ? "" : call.name();
      AgentTool tool = box.get(name);
      CallRecord record = run.tree.journal.readCall(run.path + Ids.callKey(step, pos));
      if (record != null) {
        if (record.done()) {
          d.turn.answer(pos, new RunData.Result(record.content(), record.error()));
          changed = true;
          continue;
        }
        if (tool != null && tool.rerunnable()) {
          jobs.add(new Job(pos, call, tool, record.arguments(), true, null));
          continue;
        }
        PendingCall p =
            pending(
                PendingCall.Kind.IN_DOUBT,
                step,
                pos,
                call,
                name,
                record.arguments(),
                "begun but not finished when its worker stopped, and the tool may have had its"
                    + " effect: it is neither read-only nor idempotent",
                tool == null ? "never" : tool.approval().id(),
                since(before, pos, now));
        Decisions.Found f = decided.find(p, decisions, tool);
        changed |= f.changed();
        if (f.recorded() == null || !f.complete()) {
          inDoubt.add(f.pending());
        } else {
          changed |= apply(f.recorded(), p, call, tool, jobs, true);
        }
        continue;
      }
      if (tool == null) {
        answer(pos, name, box.unknown(name), true);
        changed = true;
        continue;
      }
      String args = blank(call.arguments()) ? "{}" : call.arguments();
      Gate gate = gate(step, pos, name, args, true);
      if (gate.answer() != null) {
        answer(pos, name, gate.answer(), true);
        changed = true;
        continue;
      }
      args = gate.arguments();
      JsonValue parsed = Json.parse(args);
      Verdict v = tool.approval().rule().apply(parsed);
      if (v instanceof Verdict.Deny deny) {
        run.tracing()
            .emit(new RunEvent.Denied(d.id, step, pos, name, "policy", deny.reason(), null));
        answer(pos, name, "Error: denied: " + deny.reason(), true);
        changed = true;
        continue;
      }
      if (v instanceof Verdict.Rewrite) {
        throw new IllegalStateException(
            "the approval policy " + tool.approval().id() + " rewrote a call; only a hook may");
      }
      String ask = gate.ask() != null ? gate.ask() : v instanceof Verdict.Ask a ? a.reason() : null;
      if (ask == null) {
        jobs.add(new Job(pos, call, tool, args, false, null));
        continue;
      }
      String policy = tool.approval().id();
      if (decided.covered(name, parsed, policy)) {
        run.tracing()
            .emit(new RunEvent.Approved(d.id, step, pos, name, "allowance", List.of(), null));
        jobs.add(new Job(pos, call, tool, args, false, null));
        continue;
      }
      PendingCall p =
          pending(
              PendingCall.Kind.APPROVAL,
              step,
              pos,
              call,
              name,
              args,
              ask,
              policy,
              since(before, pos, now));
      Decisions.Found f = decided.find(p, decisions, tool);
      changed |= f.changed();
      if (f.recorded() != null && f.complete()) {
        changed |= apply(f.recorded(), p, call, tool, jobs, false);
      } else if (decided.expired(tool, p, now)) {
        String rejected = decided.expire(tool, p);
        if (rejected != null) {
          answer(pos, name, rejected, true);
          changed = true;
        } else {
          d.pending.add(f.pending());
        }
      } else {
        d.pending.add(f.pending());
      }
    }
    if (changed) {
      run.save(); // decisions and answers before any call they allow runs
    }
    Map<Integer, List<PendingCall>> waiting = Execution.runAll(run, step, jobs);
    if (!inDoubt.isEmpty()) {
      run.tracing().emit(new RunEvent.InDoubt(d.id, List.copyOf(inDoubt)));
      d.pending.addAll(inDoubt);
      d.pending.sort(Comparator.comparingInt(PendingCall::position));
    }
    if (!waiting.isEmpty()) {
      mergeWaiting(waiting);
    }
    return d.pending.isEmpty();
  }

  /** Places each paused subagent's calls where the call that started it stands in the turn. */
  private void mergeWaiting(Map<Integer, List<PendingCall>> waiting) {
    List<PendingCall> all = new ArrayList<>();
    Iterator<PendingCall> own = d.pending.iterator();
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

  private PendingCall pending(
      PendingCall.Kind kind,
      int step,
      int pos,
      ToolCall call,
      String name,
      String args,
      String reason,
      String policy,
      Instant since) {
    return new PendingCall(
        kind,
        d.id,
        step,
        pos,
        call.id(),
        name,
        args,
        reason,
        policy,
        Ids.sha256(args),
        Ids.idempotencyKey(d.instance, d.id, step, pos),
        since,
        List.of());
  }

  /** When the call at {@code pos} began to wait: as the run last saw it, else now. */
  private Instant since(List<PendingCall> before, int pos, Instant now) {
    for (PendingCall p : before) {
      if (p.position() == pos && p.runId().equals(d.id) && p.since() != null) {
        return p.since();
      }
    }
    return now;
  }

  /** What the hooks made of a call: its arguments, an answer instead of running, or a question. */
  record Gate(String arguments, String answer, String ask) {}

  Gate gate(int step, int pos, String name, String args, boolean asks) {
    String ask = null;
    for (ToolHook hook : agent.hooks) {
      if (!valid(args)) {
        break;
      }
      Verdict v = hook.check(new PlannedCall(d.id, step, pos, name, args));
      if (v instanceof Verdict.Deny deny) {
        run.tracing().emit(new RunEvent.Denied(d.id, step, pos, name, "hook", deny.reason(), null));
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

  /** Carries a recorded decision out; true when it answered the call without running it. */
  private boolean apply(
      RunData.Recorded r,
      PendingCall p,
      ToolCall call,
      AgentTool tool,
      List<Job> jobs,
      boolean rerun) {
    int pos = p.position();
    Decision.Approver by = r.approvals().isEmpty() ? null : r.approvals().get(0);
    switch (r.verdict()) {
      case DecisionForm.REJECT:
        run.tracing()
            .emit(new RunEvent.Denied(d.id, p.step(), pos, p.tool(), "person", r.text(), by));
        answer(pos, p.tool(), "Error: rejected by a person: " + r.text(), true);
        return true;
      case DecisionForm.ANSWER:
        answer(pos, p.tool(), r.text(), false);
        return true;
      case DecisionForm.APPROVE:
        break;
      default:
        throw new IllegalStateException("unknown decision in the saved run: " + r.verdict());
    }
    if (tool == null) {
      answer(pos, p.tool(), box.unknown(p.tool()), true);
      return true;
    }
    String args = p.arguments();
    String note = null;
    if (r.arguments() != null) {
      Gate gate = gate(p.step(), pos, p.tool(), r.arguments(), false);
      if (gate.answer() != null) {
        answer(pos, p.tool(), gate.answer(), true);
        return true;
      }
      args = gate.arguments();
      note = "Note: a person changed the arguments of this call to " + args + ".\n";
    }
    run.tracing()
        .emit(
            new RunEvent.Approved(
                d.id,
                p.step(),
                pos,
                p.tool(),
                r.arguments() != null ? "edited" : "decision",
                r.approvals(),
                waitedSince(r, p) == null
                    ? null
                    : java.time.Duration.between(waitedSince(r, p), run.tree.engine.now(agent))));
    jobs.add(new Job(pos, call, tool, args, rerun, note));
    return false;
  }

  /** When a call began to wait: as its decision kept it (decided elsewhere), else as it waits. */
  private static Instant waitedSince(RunData.Recorded r, PendingCall p) {
    return r.since() != null ? r.since() : p.since();
  }

  void answer(int pos, String tool, String content, boolean error) {
    d.turn.answer(pos, new RunData.Result(content, error));
    run.tracing()
        .emit(
            new RunEvent.ToolFinished(
                d.id, d.turn.step, pos, tool, content, error, java.time.Duration.ZERO));
  }

  private static boolean blank(String s) {
    return s == null || s.isBlank();
  }

  /** Whether a tool answers by echoing its call's arguments (Kimi's built-ins). */
  static boolean echoes(AgentTool tool) {
    return tool.tool() instanceof BuiltinTool;
  }
}
