package io.github.kimisdk.temporal;

import io.temporal.workflow.QueryMethod;
import io.temporal.workflow.UpdateMethod;
import io.temporal.workflow.UpdateValidatorMethod;
import io.temporal.workflow.WorkflowInterface;
import io.temporal.workflow.WorkflowMethod;

/**
 * A Kimi agent's run as a Temporal workflow: the one agent loop of kimi-sdk-agents, its decisions,
 * turns, limits and compaction as the workflow's deterministic code, each model call and each tool
 * call an activity ({@link KimiAgentActivities}). A call that needs approval pauses the run; a
 * decision arrives as the update {@link #decide} from any process, checked by a validator before it
 * enters the history; the run's state can be queried at any time ({@link #state}); before its
 * history nears Temporal's limits the run continues as new, carrying its saved state. {@link
 * KimiAgents#register(io.temporal.worker.Worker)} registers it.
 *
 * <pre>{@code
 * KimiAgentWorkflow run = client.newWorkflowStub(KimiAgentWorkflow.class,
 *     WorkflowOptions.newBuilder().setTaskQueue("agents").setWorkflowId("invoice-42").build());
 * WorkflowClient.start(run::run, AgentRun.of("payments", "invoice-42",
 *     List.of(Message.user("Pay invoice 42"))));
 * RunOutcome outcome = WorkflowStub.fromTyped(run).getResult(RunOutcome.class);
 * }</pre>
 */
@WorkflowInterface
public interface KimiAgentWorkflow {

  /** The workflow's type. */
  String TYPE = "KimiAgent";

  /** The update's name. */
  String DECIDE = "decide";

  /** The query's name. */
  String STATE = "state";

  /**
   * Runs the agent until it answers or a limit stops it, waiting for decisions whenever it pauses.
   *
   * @param run the agent, the run's id and its first messages or state
   * @return how the run ended
   * @throws io.temporal.failure.ApplicationFailure of type {@value RunOutcome#FAILED_TYPE} (as the
   *     workflow's failure) when the run failed; its details hold the last saved state
   */
  @WorkflowMethod(name = TYPE)
  RunOutcome run(AgentRun run);

  /**
   * Returns the run's state as last saved ({@code RunState.fromJson} reads it): its status, its
   * messages, the calls it waits on with their ids and digests, its steps and usage.
   *
   * @return the state, or null before the run's first save
   */
  @QueryMethod(name = STATE)
  String state();

  /**
   * Hands a decision to the paused run. Accepted only after {@link #validateDecide} passed.
   *
   * @param decision the decision
   */
  @UpdateMethod(name = DECIDE)
  void decide(DecisionRequest decision);

  /**
   * Refuses a decision before it enters the history: when the run is not paused, no call with its
   * id waits, the digest of the call's arguments is another, the policy differs, or the decision
   * names nobody.
   *
   * @param decision the decision
   * @throws IllegalArgumentException saying why it is refused
   * @throws IllegalStateException if the run is not waiting for decisions
   */
  @UpdateValidatorMethod(updateName = DECIDE)
  void validateDecide(DecisionRequest decision);
}
