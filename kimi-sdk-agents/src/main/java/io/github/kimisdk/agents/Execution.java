package io.github.kimisdk.agents;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Supplier;

/**
 * Runs the calls of a turn that may run, in parallel on the agent's pool: each call's intent
 * recorded in the journal before it runs and its result after, the tool (or a subagent's run)
 * inside its span and under the tool timeout, a long result cut, and the result put in the turn.
 *
 * <p>Thread model: {@link #runAll} on the thread that drives the run, which alone touches the run's
 * data; {@link #execute} on a pool thread per call, touching only the journal, the listener, the
 * tracer and its own call (a subagent's run is its own {@link Loop}), and handing its outcome back.
 */
final class Execution {
  private final Loop run;
  private final Setup agent;
  private final RunData d;

  private Execution(Loop run) {
    this.run = run;
    this.agent = run.agent;
    this.d = run.data();
  }

  /**
   * What one call came to: its result, or the calls its paused subagent waits on; for a subagent,
   * its run's data as it ended this drive and its path in the tree.
   */
  private record Done(
      RunData.Result result, List<PendingCall> waiting, RunData child, String childPath) {}

  /**
   * Runs the jobs and records their results in the turn; returns the calls each paused subagent
   * waits on, by the position of the call that started it.
   *
   * @throws RunStoreException when the journal failed for a call (the others finished first)
   */
  static Map<Integer, List<PendingCall>> runAll(Loop run, int step, List<Turns.Job> jobs) {
    return new Execution(run).all(step, jobs);
  }

  private Map<Integer, List<PendingCall>> all(int step, List<Turns.Job> jobs) {
    TreeMap<Integer, List<PendingCall>> waiting = new TreeMap<>();
    if (jobs.isEmpty()) {
      return waiting;
    }
    List<Supplier<Done>> tasks = new ArrayList<>(jobs.size());
    // the subagents the engine runs apart, each under its share of this run's limits, held before
    // any of them starts (a subagent this run holds a saved state of goes on inside it)
    List<Boolean> apart = new ArrayList<>(jobs.size());
    int apartCount = 0;
    for (Turns.Job j : jobs) {
      boolean a =
          Subagent.of(j.tool()) != null
              && !d.turn.children().containsKey(j.position())
              && run.tree.engine.apart(j.tool().name());
      apart.add(a);
      apartCount += a ? 1 : 0;
    }
    java.util.Iterator<Budget.Share> shares =
        apartCount == 0 ? null : run.budget().shares(apartCount).iterator();
    for (int i = 0; i < jobs.size(); i++) {
      Turns.Job j = jobs.get(i);
      Budget.Share share = apart.get(i) ? shares.next() : null;
      // a subagent's saved run leaves this run's data for its own thread, which alone drives it
      RunData saved = Subagent.of(j.tool()) == null ? null : d.turn.release(j.position());
      tasks.add(
          () -> {
            // the caller's context (its MDC, its span) around the tool, its events and spans
            io.github.kimisdk.ContextPropagator.Scope scope = run.tree.caller.restore();
            try {
              return execute(step, j, saved, share);
            } finally {
              scope.close();
            }
          });
    }
    List<Done> dones;
    try {
      dones = run.tree.engine.parallel(agent, tasks);
    } catch (RunStoreException e) {
      throw e;
    } catch (RuntimeException e) {
      throw new IllegalStateException(e);
    }
    for (int i = 0; i < jobs.size(); i++) {
      int pos = jobs.get(i).position();
      {
        Done done = dones.get(i);
        if (done.child() != null && done.result() != null) {
          // an ended subagent: its steps and usage are this run's now
          run.fold(done.child());
          if (done.childPath() != null) {
            run.tree.ended(done.childPath());
          }
        }
        if (done.result() != null) {
          d.turn.answer(pos, done.result());
        } else {
          waiting.put(pos, done.waiting());
        }
      }
    }
    return waiting;
  }

  /**
   * Runs one call on a pool thread, inside its span: its intent recorded, the tool (or the
   * subagent's run), the result cut to its limit and recorded. A subagent that paused leaves the
   * call begun: the run resumes it from its saved state. A subagent the engine runs apart ({@code
   * share} not null) runs as the engine's own run, under that share of this run's limits.
   */
  private Done execute(int step, Turns.Job j, RunData savedChild, Budget.Share share) {
    String key = Ids.idempotencyKey(d.instance, d.id, step, j.position());
    Journal journal = run.tree.journal;
    // a run in memory keeps no call records: none is made
    String recordKey = journal.durable() ? run.path + Ids.callKey(step, j.position()) : null;
    String name = j.tool().name();
    CallRecord begun = recordKey == null ? null : CallRecord.begun(key, name, j.arguments());
    if (begun != null) {
      journal.writeCall(recordKey, begun);
    }
    run.tracing().emit(new RunEvent.ToolStarted(d.id, step, j.position(), name, j.rerun()));
    Subagent sub = Subagent.of(j.tool());
    AgentTracer.ToolSpan span =
        run.tracing()
            .startTool(
                new AgentTracer.ToolStart(
                    d.id,
                    step,
                    j.position(),
                    name,
                    j.tool().tool() instanceof io.github.kimisdk.tool.FunctionTool f
                        ? f.description()
                        : null,
                    j.call().id(),
                    j.arguments(),
                    sub != null));
    long t0 = System.nanoTime();
    String content;
    boolean error = false;
    Throwable failure = null;
    Subagents.Outcome child = null;
    try {
      if (sub != null) {
        child =
            share != null
                ? Subagents.apart(run, step, j, share)
                : Subagents.run(run, sub, step, j, savedChild);
        Subagents.Outcome o = child;
        if (o.waiting() != null) {
          run.tracing().endTool(span, "", false, null);
          return new Done(null, o.waiting(), null, o.path());
        }
        content = o.content();
        error = o.error();
        failure = o.failure();
      } else if (Turns.echoes(j.tool())) {
        content = j.call().arguments(); // Kimi's built-in: its arguments back, unchanged
      } else {
        ToolContext ctx = new ToolContext(d.id, step, j.position(), key, j.rerun());
        Handled h = run.tree.engine.handle(agent, ctx, j.tool(), j.arguments());
        content = h.content();
        error = h.failure() != null;
        failure = h.failure();
      }
    } catch (RunStoreException e) {
      run.tracing().endTool(span, "", true, e);
      throw e;
    } catch (RuntimeException e) {
      error = true;
      failure = e;
      content = "Error: " + name + " failed: " + Texts.describe(e);
    }
    if (run.compactor() != null && !Turns.echoes(j.tool())) {
      Compactor.Cut cut = run.compactor().cut(content, run.compactor().limits(d.model));
      if (cut != null) {
        content = cut.content();
        run.tracing()
            .emit(
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
      if (begun != null) {
        journal.writeCall(recordKey, begun.finished(content, error));
      }
    } catch (RunStoreException e) {
      run.tracing().endTool(span, "", true, e);
      throw e;
    }
    // a tracer never sees the call's key, even where the tool echoed it in its result
    run.tracing().endTool(span, content.replace(key, "[idempotency key]"), error, failure);
    run.tracing()
        .emit(new RunEvent.ToolFinished(d.id, step, j.position(), name, content, error, elapsed));
    return new Done(
        new RunData.Result(content, error),
        List.of(),
        child == null ? null : child.data(),
        child == null ? null : child.path());
  }

  /** What a handler came to: what the model reads, and what it threw. */
  record Handled(String content, Throwable failure) {}
}
