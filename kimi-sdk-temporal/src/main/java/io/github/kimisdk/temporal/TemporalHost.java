package io.github.kimisdk.temporal;

import io.github.kimisdk.agents.RunHost;
import io.github.kimisdk.agents.RunState;
import io.github.kimisdk.chat.ChatCompletion;
import io.github.kimisdk.chat.ChatRequest;
import io.github.kimisdk.tool.FunctionTool;
import io.github.kimisdk.tool.ToolSource;
import io.temporal.workflow.ActivityStub;
import io.temporal.workflow.Async;
import io.temporal.workflow.Promise;
import io.temporal.workflow.Workflow;
import io.temporal.workflow.WorkflowSemaphore;
import io.temporal.workflow.unsafe.WorkflowUnsafe;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;

/**
 * The one loop's host inside a workflow: each model call, tool call and tool source's listing an
 * activity (a tool the options name a local activity), concurrent branches as workflow threads, the
 * workflow's time and randomness, nothing told while the workflow replays. It takes the run's state
 * after every save, counts the bytes its payloads add to the history, and, when the history reached
 * the options' bound at a save made outside every branch, stops the loop there by throwing {@link
 * ContinueAsNew} so that the workflow continues as new from that state.
 *
 * <p>Thread model: workflow threads only, one at a time (Temporal runs them so); {@link #depth}
 * counts the parallel regions open.
 */
final class TemporalHost implements RunHost {

  /**
   * Thrown from {@link #saved} to stop the loop at a save and continue as new from the state it
   * saved. An {@link Error}, so that no {@code catch (RuntimeException)} of the loop holds it.
   */
  static final class ContinueAsNew extends Error {
    private static final long serialVersionUID = 1L;
    final transient RunState state;

    ContinueAsNew(RunState state) {
      super("the history reached its bound: continuing as new", null, false, false);
      this.state = state;
    }
  }

  private final String agent;
  private final AgentOptions options;
  private final ActivityStub models;
  private final ActivityStub tools;
  private final ActivityStub local;
  private final WorkflowSemaphore gate;
  private RunState state;
  private long payloadBytes;
  private int depth;
  private int modelCalls;

  TemporalHost(String agent, AgentOptions options) {
    this.agent = agent;
    this.options = options;
    this.models = Workflow.newUntypedActivityStub(options.modelCalls);
    this.tools = Workflow.newUntypedActivityStub(options.toolCalls);
    this.local =
        options.localTools.isEmpty()
            ? null
            : Workflow.newUntypedLocalActivityStub(options.localCalls);
    this.gate =
        options.maxConcurrentModelCalls > 0
            ? Workflow.newWorkflowSemaphore(options.maxConcurrentModelCalls)
            : null;
  }

  /** The state as last saved, or null before the first save. */
  RunState state() {
    return state;
  }

  /** Takes a state the workflow starts from (a continue-as-new's, a run moved from a store). */
  void start(RunState s) {
    state = s;
  }

  @Override
  public ChatCompletion chat(ChatRequest request) {
    String in = Payloads.request(request);
    if (gate != null) {
      gate.acquire();
    }
    String out;
    try {
      out = models.execute(KimiAgentActivities.CHAT, String.class, agent, in);
    } finally {
      if (gate != null) {
        gate.release();
      }
    }
    payloadBytes += in.length() + out.length();
    modelCalls++;
    return Payloads.reply(out);
  }

  @Override
  public ToolOutcome runTool(ToolJob job) {
    String in = Payloads.job(job);
    String out =
        local != null && options.localTools.contains(job.tool())
            ? local.execute(KimiAgentActivities.TOOL, String.class, agent, in)
            : tools.execute(KimiAgentActivities.TOOL, String.class, agent, in);
    payloadBytes += in.length() + out.length();
    return Payloads.outcome(out);
  }

  @Override
  public List<FunctionTool> listTools(ToolSource source) {
    String out = tools.execute(KimiAgentActivities.LIST_TOOLS, String.class, agent, source.name());
    payloadBytes += out.length();
    return Payloads.functionTools(out);
  }

  @Override
  public <T> List<T> parallel(List<Supplier<T>> tasks) {
    depth++;
    try {
      List<T> out = new ArrayList<>(tasks.size());
      if (tasks.size() == 1) {
        out.add(tasks.get(0).get());
        return out;
      }
      List<Promise<T>> running = new ArrayList<>(tasks.size());
      for (Supplier<T> t : tasks) {
        running.add(Async.function(t::get));
      }
      RuntimeException first = null;
      for (Promise<T> p : running) {
        try {
          out.add(p.get());
        } catch (RuntimeException e) {
          first = first == null ? e : first;
          out.add(null);
        }
      }
      if (first != null) {
        throw first;
      }
      return out;
    } finally {
      depth--;
    }
  }

  @Override
  public Instant now() {
    return Instant.ofEpochMilli(Workflow.currentTimeMillis());
  }

  @Override
  public String newInstance() {
    return Workflow.randomUUID().toString().replace("-", "");
  }

  @Override
  public void saved(RunState s) {
    state = s;
    if (depth == 0 && modelCalls > 0 && full()) {
      throw new ContinueAsNew(s);
    }
  }

  @Override
  public boolean tells() {
    return !WorkflowUnsafe.isReplaying();
  }

  /** Whether the history reached the options' bound, or the server suggests continuing as new. */
  private boolean full() {
    var info = Workflow.getInfo();
    return info.getHistoryLength() >= options.maxEvents
        || Math.max(info.getHistorySize(), payloadBytes) >= options.maxBytes
        || info.isContinueAsNewSuggested();
  }
}
