package io.github.kimisdk.temporal;

import io.github.kimisdk.agents.RunHost;
import io.github.kimisdk.agents.RunResult;
import io.github.kimisdk.agents.RunState;
import io.github.kimisdk.chat.AssistantMessage;
import io.github.kimisdk.chat.ChatCompletion;
import io.github.kimisdk.chat.ChatRequest;
import io.github.kimisdk.chat.Conversation;
import io.github.kimisdk.chat.Message;
import io.github.kimisdk.tool.FunctionTool;
import io.github.kimisdk.tool.ToolCall;
import io.github.kimisdk.tool.ToolSource;
import io.temporal.api.enums.v1.ParentClosePolicy;
import io.temporal.failure.ApplicationFailure;
import io.temporal.failure.ChildWorkflowFailure;
import io.temporal.workflow.ActivityStub;
import io.temporal.workflow.Async;
import io.temporal.workflow.ChildWorkflowOptions;
import io.temporal.workflow.Promise;
import io.temporal.workflow.Workflow;
import io.temporal.workflow.WorkflowSemaphore;
import io.temporal.workflow.unsafe.WorkflowUnsafe;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.Supplier;

/**
 * The one loop's host inside a workflow: each model call, tool call and tool source's listing an
 * activity (a tool the options name a local activity), concurrent branches as workflow threads, a
 * subagent's call a child workflow when the options say so, the workflow's time and randomness,
 * nothing told while the workflow replays. It takes the run's state after every save, counts the
 * bytes its payloads add to the history, and, at a save made outside every branch from which the
 * next step could take the history past the options' bound, stops the loop there by throwing {@link
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

  /**
   * The most bytes one reply token is taken to be in the history (its text as UTF-8 in a JSON
   * string, escapes and all), for the size of the largest reply a request's output cap allows.
   */
  static final int BYTES_PER_TOKEN = 8;

  /** The output cap a request that sets none is taken to have: Kimi's largest default output. */
  static final int DEFAULT_OUTPUT_CAP = 131_072;

  /** The bytes an event adds to the history besides its payloads (ids, times, attributes). */
  static final int EVENT_BYTES = 512;

  /** The events one activity adds: scheduled, started, completed, and a workflow task's three. */
  static final int ACTIVITY_EVENTS = 6;

  /**
   * The bytes of a child workflow's outcome beside its answer: its state's bookkeeping (usage, the
   * tools' digests, labels), its messages trimmed to the answer.
   */
  static final int CHILD_OUTCOME_BYTES = 32 << 10;

  /** The events a child workflow adds: initiated, started, completed, and two workflow tasks. */
  static final int CHILD_EVENTS = 9;

  private final String agent;
  private final AgentRun input;
  private final AgentOptions options;
  private final boolean projects;
  private final boolean compacts;
  private final ActivityStub models;
  private final ActivityStub tools;
  private final ActivityStub local;
  private final WorkflowSemaphore gate;
  private RunState state;
  private long payloadChars; // the count of the first builds' rule: characters
  private long payloadBytes; // the count of the bound: bytes as the history holds them
  private int depth;
  private int modelCalls;
  private long lastRequestBytes;
  private long lastReplyBytes;
  private int lastOutputCap = DEFAULT_OUTPUT_CAP;
  private int listings; // tool sources listed since the last reply
  private int listingsPerStep;
  private long listingBytes;

  /**
   * A host for the run {@code input}, of the agent registered under {@code agent} (its path, for a
   * subagent's child workflow), with its options; {@code projects} says whether the history bound
   * is kept before each step (this build's rule) or checked after it (the first builds', which
   * their histories replay with); {@code compacts} whether the run's agent compacts its history (a
   * step may then make a summary call).
   */
  TemporalHost(
      String agent, AgentRun input, AgentOptions options, boolean projects, boolean compacts) {
    this.agent = agent;
    this.input = input;
    this.options = options;
    this.projects = projects;
    this.compacts = compacts;
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
    payloadChars += in.length() + out.length();
    long inBytes = jsonBytes(in);
    long outBytes = jsonBytes(out);
    payloadBytes += inBytes + outBytes;
    if (depth == 0) {
      lastRequestBytes = inBytes;
      lastReplyBytes = outBytes;
      lastOutputCap =
          request.maxCompletionTokens() != null
              ? request.maxCompletionTokens()
              : DEFAULT_OUTPUT_CAP;
      listingsPerStep = listings;
      listings = 0;
    }
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
    payloadChars += in.length() + out.length();
    payloadBytes += jsonBytes(in) + jsonBytes(out);
    return Payloads.outcome(out);
  }

  @Override
  public List<FunctionTool> listTools(ToolSource source) {
    String out = tools.execute(KimiAgentActivities.LIST_TOOLS, String.class, agent, source.name());
    payloadChars += out.length();
    long bytes = jsonBytes(out);
    payloadBytes += bytes;
    listingBytes = Math.max(listingBytes, bytes);
    if (depth == 0) {
      listings++;
    }
    return Payloads.functionTools(out);
  }

  @Override
  public boolean runsApart(String tool) {
    return options.childWorkflows;
  }

  /**
   * Runs the subagent's call as a child workflow of this one: the agent {@code PARENT/TOOL} on the
   * same task queue, its id this workflow's id and {@code .STEP.POSITION}, under the limits the
   * parent holds for it (the subagent's own when lower), with this run's approval timeout, labels
   * and history bound; cancelled when this workflow is.
   */
  @Override
  public RunResult runApart(SubagentJob job) {
    String path = agent + "/" + job.tool();
    Conversation task = Conversation.withId(job.runId());
    task.add(Message.user(job.task()));
    RunSettings inherited = input.settings();
    RunSettings settings = limits(job);
    if (inherited != null
        && (inherited.maxHistoryEvents() != null || inherited.maxHistoryBytes() != null)) {
      settings =
          settings.continueAsNewAfter(
              inherited.maxHistoryEvents() != null
                  ? inherited.maxHistoryEvents()
                  : options.maxEvents,
              inherited.maxHistoryBytes() != null ? inherited.maxHistoryBytes() : options.maxBytes);
    }
    AgentRun run =
        new AgentRun(
            path,
            job.runId(),
            task.toJson(),
            input.labels(),
            input.approvalTimeout(),
            null,
            1,
            settings.equals(RunSettings.of()) ? null : settings);
    KimiAgentWorkflow child =
        Workflow.newChildWorkflowStub(
            KimiAgentWorkflow.class,
            ChildWorkflowOptions.newBuilder()
                .setWorkflowId(
                    Workflow.getInfo().getWorkflowId() + "." + job.step() + "." + job.position())
                .setParentClosePolicy(ParentClosePolicy.PARENT_CLOSE_POLICY_REQUEST_CANCEL)
                .build());
    RunOutcome o;
    try {
      o = child.run(run);
    } catch (ChildWorkflowFailure f) {
      if (f.getCause() instanceof ApplicationFailure a
          && RunOutcome.FAILED_TYPE.equals(a.getType())
          && a.getDetails().getSize() > 0) {
        String last = a.getDetails().get(String.class);
        if (last != null) {
          return new RunResult.Failed(
              RunState.fromJson(last), new IllegalStateException(a.getOriginalMessage()));
        }
      }
      throw f;
    }
    payloadBytes += jsonBytes(o.state());
    RunState end = o.runState();
    if (o.status().equals("stopped")) {
      return new RunResult.Stopped(end, limit(o));
    }
    return new RunResult.Answered(end);
  }

  /** The limits a child runs under: what the parent holds for it. */
  private static RunSettings limits(SubagentJob job) {
    RunSettings s = RunSettings.of();
    if (job.maxSteps() > 0) {
      s = s.maxSteps(job.maxSteps());
    }
    if (job.maxTotalTokens() > 0) {
      s = s.maxTotalTokens(job.maxTotalTokens());
    }
    if (job.maxSpend() != null) {
      s = s.maxSpend(job.maxSpend(), job.currency());
    }
    return s;
  }

  /** The limit that stopped a run, from its outcome. */
  private static RunResult.Limit limit(RunOutcome o) {
    if (o.limit() != null) {
      return RunResult.Limit.valueOf(o.limit());
    }
    String note = o.note() == null ? "" : o.note().toUpperCase(Locale.ROOT);
    for (RunResult.Limit l : RunResult.Limit.values()) {
      if (note.contains(l.name())) {
        return l;
      }
    }
    return RunResult.Limit.STEPS;
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
    if (depth == 0 && modelCalls > 0 && (projects ? wouldPass(s) : full())) {
      throw new ContinueAsNew(s);
    }
  }

  @Override
  public boolean tells() {
    return !WorkflowUnsafe.isReplaying();
  }

  /**
   * The first builds' rule: whether the history reached the options' bound, or the server suggests
   * continuing as new.
   */
  private boolean full() {
    var info = Workflow.getInfo();
    return info.getHistoryLength() >= options.maxEvents
        || Math.max(info.getHistorySize(), payloadChars) >= options.maxBytes
        || info.isContinueAsNewSuggested();
  }

  /**
   * Whether the step that follows the save of {@code s} could take the history past the bound: the
   * history now, and the step at its largest (the calls of an open turn, each at most {@link
   * AgentOptions#maxToolResultBytes} back, or a child workflow's outcome as large as a request; the
   * sources' listings; a compaction's summary call; the model call, its request at most the last
   * one with the turn's results, its reply at most its output cap), or the server suggests
   * continuing as new.
   */
  private boolean wouldPass(RunState s) {
    var info = Workflow.getInfo();
    if (info.isContinueAsNewSuggested()) {
      return true;
    }
    long events = info.getHistoryLength();
    long bytes = Math.max(info.getHistorySize(), payloadBytes + EVENT_BYTES * events);
    long stepEvents = ACTIVITY_EVENTS; // the model call
    long results = 0;
    long stepBytes = 0;
    List<Message> messages = s.messages();
    Message last = messages.isEmpty() ? null : messages.get(messages.size() - 1);
    if (s.status() != RunState.Status.ANSWERED
        && last instanceof AssistantMessage a
        && a.hasToolCalls()) {
      for (ToolCall call : a.toolCalls()) {
        long result = options.maxToolResultBytes + 512L;
        stepEvents += ACTIVITY_EVENTS;
        if (options.childWorkflows) {
          stepEvents += CHILD_EVENTS;
          result = Math.max(result, reply() + CHILD_OUTCOME_BYTES);
        }
        stepBytes +=
            jsonBytes(call.arguments() == null ? "" : call.arguments())
                + jsonBytes(call.name() == null ? "" : call.name())
                + 512
                + result;
        results += result;
      }
    }
    long request = lastRequestBytes + lastReplyBytes + results;
    stepBytes += request + reply();
    stepEvents += (long) listingsPerStep * 2 * ACTIVITY_EVENTS;
    stepBytes += listingsPerStep * 2L * (listingBytes + EVENT_BYTES);
    if (compacts) {
      stepEvents += ACTIVITY_EVENTS; // a compaction's summary call, when the history needs one
      stepBytes += request + reply();
    }
    stepBytes += EVENT_BYTES * stepEvents;
    return events + stepEvents > options.maxEvents || bytes + stepBytes > options.maxBytes;
  }

  /** The largest reply the last request's output cap allows, as the history holds it. */
  private long reply() {
    return (long) lastOutputCap * BYTES_PER_TOKEN + 4_096;
  }

  /**
   * The bytes a string adds to the history as a JSON payload: its UTF-8 bytes, the quotes and
   * backslashes escaped once more (a payload is a JSON string of this module's JSON text).
   */
  static long jsonBytes(String s) {
    long n = 2;
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c == '"' || c == '\\') {
        n += 2;
      } else if (c < 0x20) {
        n += 6;
      } else if (c < 0x80) {
        n += 1;
      } else if (c < 0x800) {
        n += 2;
      } else if (Character.isHighSurrogate(c)) {
        n += 4;
        i++;
      } else {
        n += 3;
      }
    }
    return n;
  }
}
