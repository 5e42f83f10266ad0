package io.github.kimisdk.agents;

import io.github.kimisdk.chat.Usage;
import io.github.kimisdk.model.Spend;
import java.util.Objects;

/**
 * Traces an agent's work as spans: one around each drive of a run ({@link Agent#run} or {@link
 * Agent#resume}), on the thread that drives it, and one around each tool call the run makes, on the
 * thread that runs the call, a child of the run's. {@code kimi-sdk-opentelemetry}'s {@code
 * AgentSpans} implements it as the OpenTelemetry GenAI conventions name agent spans: {@code
 * invoke_agent {agent}} around a run, {@code execute_tool {tool}} around a call, and the run's chat
 * calls (their spans made by {@code KimiTelemetry}) and a subagent's run beneath them.
 *
 * <pre>{@code
 * Agent agent = Agent.builder(kimi, "kimi-k3")
 *     .tracer(AgentSpans.create(openTelemetry))
 *     .build();
 * }</pre>
 *
 * <p><b>Threads and scopes.</b> {@link #startRun} is called on the thread that drives the run
 * before anything else the drive does (its claim included), and the span it returns is ended with
 * {@link RunSpan#end} on that thread as the drive ends: a tracer may make its span the thread's
 * current one in between, so the run's model calls, made on that thread, and the listener's events
 * fall under it. {@link RunSpan#startTool} is called on the thread that runs the call (a thread of
 * the agent's pool), just before the tool's handler, and its {@link ToolSpan#end} on that thread
 * just after it: a tracer may make the tool's span current there, so what the tool does (a
 * subagent's run among it) falls under it. A span is ended exactly once. A tracer that throws is
 * logged and otherwise ignored: tracing never fails a run.
 *
 * <p><b>What a tracer is told.</b> The agent's name, version and description, the run's id and
 * model, the tool's name, description, call id and arguments, and its result: never an idempotency
 * key (a result that echoes its call's key is given with {@code [idempotency key]} in its place),
 * and nothing of the store. Whether arguments and results reach a span is the tracer's choice.
 */
public interface AgentTracer {

  /** A tracer that records nothing. */
  AgentTracer NONE = run -> RunSpan.NONE;

  /**
   * Starts the span of one drive of a run, on the thread that drives it.
   *
   * @param run the agent and the run
   * @return the span, ended on this thread when the drive ends
   */
  RunSpan startRun(RunStart run);

  /**
   * What a run's span starts with.
   *
   * @param agent the agent's name
   * @param version the agent's version
   * @param description what the agent does, or null
   * @param runId the run
   * @param model the model the run calls
   * @param parentRunId the run whose tool call started this one, for a subagent's run; else null
   * @param link the context of the span of the run's first drive ({@link RunSpan#context()}, kept
   *     with the run), for a later drive of it (a resume after a pause, in another process, a day
   *     later) to link to, so that every drive of one run reads as one story; null for a run's
   *     first drive
   */
  record RunStart(
      String agent,
      String version,
      String description,
      String runId,
      String model,
      String parentRunId,
      String link) {
    /**
     * Checks the components.
     *
     * @param agent the agent
     * @param version its version
     * @param description its description, or null
     * @param runId the run
     * @param model the model
     * @param parentRunId the parent run, or null
     * @param link the first drive's span context, or null
     * @throws NullPointerException if {@code agent}, {@code version}, {@code runId} or {@code
     *     model} is null
     */
    public RunStart {
      Objects.requireNonNull(agent, "agent must not be null");
      Objects.requireNonNull(version, "version must not be null");
      Objects.requireNonNull(runId, "runId must not be null");
      Objects.requireNonNull(model, "model must not be null");
    }
  }

  /**
   * What a tool call's span starts with.
   *
   * @param runId the run
   * @param step the model call whose reply made the call
   * @param position the call's place in that reply
   * @param tool the tool's name
   * @param description the tool's description, or null
   * @param callId the model's id of the call, or null
   * @param arguments the arguments the call runs with (after hooks and approvals)
   * @param subagent whether the tool is an agent run as a tool ({@link Agent#asTool})
   */
  record ToolStart(
      String runId,
      int step,
      int position,
      String tool,
      String description,
      String callId,
      String arguments,
      boolean subagent) {
    /**
     * Checks the components.
     *
     * @param runId the run
     * @param step the step
     * @param position the position
     * @param tool the tool
     * @param description the description, or null
     * @param callId the call id, or null
     * @param arguments the arguments
     * @param subagent whether the tool is an agent
     * @throws NullPointerException if {@code runId}, {@code tool} or {@code arguments} is null
     */
    public ToolStart {
      Objects.requireNonNull(runId, "runId must not be null");
      Objects.requireNonNull(tool, "tool must not be null");
      Objects.requireNonNull(arguments, "arguments must not be null");
    }
  }

  /** The span of one drive of a run. */
  interface RunSpan {

    /** A span that records nothing. */
    RunSpan NONE =
        new RunSpan() {
          @Override
          public ToolSpan startTool(ToolStart call) {
            return ToolSpan.NONE;
          }

          @Override
          public void end(RunResult result, Usage usage, Spend spend) {}
        };

    /**
     * Starts the span of a tool call, a child of this one, on the thread that runs the call.
     *
     * @param call the call
     * @return the span, ended on the same thread when the call has its result
     */
    ToolSpan startTool(ToolStart call);

    /**
     * Returns this span's context as text (a W3C {@code traceparent}), which the run keeps so its
     * later drives link to it ({@link RunStart#link()}).
     *
     * @return the context, or null when the tracer gives none (the default)
     */
    default String context() {
      return null;
    }

    /**
     * Ends the span, on the thread that started it.
     *
     * @param result how the drive ended; null when it ended by throwing (the store failed before
     *     the run was saved, or the state is not this agent's)
     * @param usage the tokens the drive's model calls used (compaction's included); null when it
     *     made none
     * @param spend what the drive's model calls cost, priced with the client's prices ({@link
     *     Spend#NONE} when it made none)
     */
    void end(RunResult result, Usage usage, Spend spend);
  }

  /** The span of one tool call. */
  interface ToolSpan {

    /** A span that records nothing. */
    ToolSpan NONE = (content, error, failure) -> {};

    /**
     * Ends the span, on the thread that started it.
     *
     * @param content the result the model reads (cut, when it was over the limit)
     * @param error whether the call failed
     * @param failure what the tool threw, or null
     */
    void end(String content, boolean error, Throwable failure);
  }
}
