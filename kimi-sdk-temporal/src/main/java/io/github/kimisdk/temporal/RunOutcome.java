package io.github.kimisdk.temporal;

import io.github.kimisdk.agents.RunResult;
import io.github.kimisdk.agents.RunState;
import java.util.Locale;
import java.util.Objects;

/**
 * What a Kimi agent's workflow returns when its run ends: answered, or stopped by a limit. A run
 * that failed (a model call failed for good, a tool source could not be listed) fails the workflow
 * instead, with an {@code ApplicationFailure} of type {@value #FAILED_TYPE} whose details hold the
 * run's last saved state, from which {@link AgentRun#from} goes on.
 *
 * @param runId the run
 * @param status {@code answered} or {@code stopped}
 * @param text the answer; {@code ""} unless answered
 * @param note what stopped it (the limit), or null
 * @param state the run's final state ({@link RunState#toJson()}); a subagent's child workflow
 *     returns it without its messages but its answer (its query {@link KimiAgentWorkflow#state}
 *     answers it whole)
 * @param execution the execution of the continue-as-new chain that ended it, from 1
 * @param limit the limit that stopped it ({@code STEPS}, {@code TOKENS}, {@code SPEND} or {@code
 *     TIME}, as {@link RunResult.Limit} names them), or null
 */
public record RunOutcome(
    String runId,
    String status,
    String text,
    String note,
    String state,
    int execution,
    String limit) {

  /** The type of the {@code ApplicationFailure} a failed run fails its workflow with. */
  public static final String FAILED_TYPE = "KimiAgentRunFailed";

  /**
   * The type of the {@code ApplicationFailure} a run fails its workflow with when the worker
   * refuses its start: no agent is registered under its name, or its {@link RunSettings} ask for
   * what the agent does not allow. The message names what and why; no model call was made.
   */
  public static final String INVALID_TYPE = "KimiAgentRunInvalid";

  /**
   * Checks the components.
   *
   * @param runId the run
   * @param status how it ended
   * @param text the answer
   * @param note what stopped it, or null
   * @param state the final state
   * @param execution the execution
   * @param limit the limit that stopped it, or null
   * @throws NullPointerException if a component but {@code note} is null
   */
  public RunOutcome {
    Objects.requireNonNull(runId, "runId must not be null");
    Objects.requireNonNull(status, "status must not be null");
    Objects.requireNonNull(text, "text must not be null");
    Objects.requireNonNull(state, "state must not be null");
  }

  /** The outcome of a run that ended. */
  static RunOutcome of(RunResult r, RunState s, int execution) {
    return new RunOutcome(
        r.runId(),
        s.status().name().toLowerCase(Locale.ROOT),
        r.text(),
        s.note(),
        s.toJson(),
        execution,
        r instanceof RunResult.Stopped st ? st.limit().name() : null);
  }

  /** This outcome with another form of its state (a child's, trimmed for its parent). */
  RunOutcome withState(String other) {
    return new RunOutcome(runId, status, text, note, other, execution, limit);
  }

  /**
   * Reads the run's final state.
   *
   * @return the state
   */
  public RunState runState() {
    return RunState.fromJson(state);
  }
}
