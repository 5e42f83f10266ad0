package io.github.kimisdk.agents;

import io.github.kimisdk.model.Spend;
import java.util.ArrayList;
import java.util.List;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/**
 * What a run tells the outside: its events, to its agent's listener and every parent run's agent's,
 * and its spans, to the nearest tracer up the tree. A listener or tracer that throws is logged and
 * otherwise ignored: telling never fails a run.
 *
 * <p>Thread model: one per run (a subagent's has its own); {@link #traced} runs on the driving
 * thread, {@link #startTool} and {@link #endTool} on the thread that runs the call, {@link #emit}
 * on either.
 */
final class Tracing {
  private static final System.Logger LOG = Texts.LOG;

  private final Setup agent;
  private final Tracing parent;
  private final String runId;
  private final BooleanSupplier tells;
  private AgentTracer.RunSpan span = AgentTracer.RunSpan.NONE; // set and ended by the driver

  Tracing(Setup agent, Tracing parent, String runId, BooleanSupplier tells) {
    this.agent = agent;
    this.parent = parent;
    this.runId = runId;
    this.tells = tells;
  }

  /** Runs a drive inside its span: started first, ended with how the drive ended. */
  RunResult traced(
      String model, String link, Supplier<RunResult> drive, Supplier<ModelCalls> calls) {
    span = startRun(model, link);
    RunResult result = null;
    try {
      result = drive.get();
      return result;
    } finally {
      try {
        ModelCalls m = calls.get();
        span.end(result, m == null ? null : m.used(), m == null ? Spend.NONE : m.spent());
      } catch (RuntimeException e) {
        LOG.log(System.Logger.Level.WARNING, "an agent tracer failed on run " + runId, e);
      }
    }
  }

  /** The context of this drive's span, for the run to keep; null when the tracer gives none. */
  String context() {
    try {
      return span.context();
    } catch (RuntimeException e) {
      LOG.log(System.Logger.Level.WARNING, "an agent tracer failed on run " + runId, e);
      return null;
    }
  }

  private AgentTracer.RunSpan startRun(String model, String link) {
    if (!tells.getAsBoolean()) {
      return AgentTracer.RunSpan.NONE;
    }
    try {
      AgentTracer.RunSpan s =
          tracer()
              .startRun(
                  new AgentTracer.RunStart(
                      agent.name,
                      agent.version,
                      agent.description,
                      runId,
                      model,
                      parent == null ? null : parent.runId,
                      link));
      return s == null ? AgentTracer.RunSpan.NONE : s;
    } catch (RuntimeException e) {
      LOG.log(System.Logger.Level.WARNING, "an agent tracer failed on run " + runId, e);
      return AgentTracer.RunSpan.NONE;
    }
  }

  /** This agent's tracer, or, when it has none, the nearest parent's. */
  private AgentTracer tracer() {
    for (Tracing t = this; t != null; t = t.parent) {
      if (t.agent.tracer != AgentTracer.NONE) {
        return t.agent.tracer;
      }
    }
    return AgentTracer.NONE;
  }

  AgentTracer.ToolSpan startTool(AgentTracer.ToolStart call) {
    if (!tells.getAsBoolean()) {
      return AgentTracer.ToolSpan.NONE;
    }
    try {
      AgentTracer.ToolSpan s = span.startTool(call);
      return s == null ? AgentTracer.ToolSpan.NONE : s;
    } catch (RuntimeException e) {
      LOG.log(System.Logger.Level.WARNING, "an agent tracer failed on run " + runId, e);
      return AgentTracer.ToolSpan.NONE;
    }
  }

  void endTool(AgentTracer.ToolSpan s, String content, boolean error, Throwable failure) {
    try {
      s.end(content, error, failure);
    } catch (RuntimeException e) {
      LOG.log(System.Logger.Level.WARNING, "an agent tracer failed on run " + runId, e);
    }
  }

  /** Tells the agent's listener, and every parent run's agent's that is another. */
  void emit(RunEvent e) {
    if (!tells.getAsBoolean()) {
      return;
    }
    if (parent == null) {
      tell(agent.listener, e); // a root run's event: one listener, nothing to remember
      return;
    }
    // a subagent's event goes up its tree, to each listener once
    List<AgentListener> told = new ArrayList<>(4);
    for (Tracing t = this; t != null; t = t.parent) {
      AgentListener l = t.agent.listener;
      boolean already = false;
      for (AgentListener o : told) {
        already |= o == l;
      }
      if (!already) {
        told.add(l);
        tell(l, e);
      }
    }
  }

  private static void tell(AgentListener listener, RunEvent e) {
    try {
      listener.onEvent(e);
    } catch (RuntimeException x) {
      LOG.log(System.Logger.Level.WARNING, "an agent listener failed on " + e, x);
    }
  }
}
