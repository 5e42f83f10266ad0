package io.github.kimisdk.agents;

import io.github.kimisdk.chat.AssistantMessage;
import io.github.kimisdk.chat.Message;
import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * Says how a call of {@link Agent#run}, {@link Agent#resume} or {@link Agent#decide} ended: the
 * model answered, the run paused on calls that wait for decisions, another worker holds it, a limit
 * stopped it, a model call or the store failed, decisions were recorded without driving the run, or
 * a decision came for a call that was decided already. Every ending but {@link Taken} and {@link
 * AlreadyDecided} carries the run's state as saved.
 */
public sealed interface RunResult {

  /**
   * Returns the run's id.
   *
   * @return the id
   */
  String runId();

  /**
   * Returns the model's answer.
   *
   * @return the answer when the run {@linkplain Answered answered}, else {@code ""}
   */
  default String text() {
    return "";
  }

  /**
   * The model answered without calling a tool.
   *
   * @param state the run as saved
   */
  record Answered(RunState state) implements RunResult {
    /**
     * Checks the state.
     *
     * @param state the run
     * @throws NullPointerException if {@code state} is null
     */
    public Answered {
      Objects.requireNonNull(state, "state must not be null");
    }

    @Override
    public String runId() {
      return state.id();
    }

    /**
     * Returns the answer.
     *
     * @return the last reply's text
     */
    public String text() {
      return state.text();
    }
  }

  /**
   * The run waits on decisions: calls that ask for approval, or calls in doubt after a crash. The
   * turn's other calls ran; the model is not called again until every call of the turn has a
   * result. Answer each call with a {@link Decision} and {@link Agent#resume} the run, here or in
   * another process.
   *
   * @param state the run as saved
   */
  record Paused(RunState state) implements RunResult {
    /**
     * Checks the state.
     *
     * @param state the run
     * @throws NullPointerException if {@code state} is null
     */
    public Paused {
      Objects.requireNonNull(state, "state must not be null");
    }

    @Override
    public String runId() {
      return state.id();
    }

    /**
     * Returns the calls the run waits on.
     *
     * @return the calls, in the order of the reply
     */
    public List<PendingCall> pending() {
      return state.pending();
    }

    /**
     * Returns the reasoning the model gave with the calls.
     *
     * @return the reasoning of the reply whose calls wait, {@code ""} when it gave none
     */
    public String reasoning() {
      List<Message> m = state.messages();
      return m.get(m.size() - 1) instanceof AssistantMessage a ? a.reasoning() : "";
    }
  }

  /**
   * Another worker holds the run: nothing was done.
   *
   * @param runId the run
   * @param holder the worker that holds it
   * @param until when its claim lapses if it dies without releasing the run
   */
  record Taken(String runId, String holder, Instant until) implements RunResult {
    /**
     * Checks the components.
     *
     * @param runId the run
     * @param holder the holder
     * @param until when its claim lapses
     * @throws NullPointerException if an argument is null
     */
    public Taken {
      Objects.requireNonNull(runId, "runId must not be null");
      Objects.requireNonNull(holder, "holder must not be null");
      Objects.requireNonNull(until, "until must not be null");
    }
  }

  /**
   * A limit stopped the run before its next model call.
   *
   * @param state the run as saved
   * @param limit the limit
   */
  record Stopped(RunState state, Limit limit) implements RunResult {
    /**
     * Checks the components.
     *
     * @param state the run
     * @param limit the limit
     * @throws NullPointerException if an argument is null
     */
    public Stopped {
      Objects.requireNonNull(state, "state must not be null");
      Objects.requireNonNull(limit, "limit must not be null");
    }

    @Override
    public String runId() {
      return state.id();
    }
  }

  /**
   * A model call, a tool source or the store failed; resuming the run tries again from its last
   * saved state.
   *
   * @param state the run as last saved (or as it stood, when the store failed)
   * @param error the failure: a {@code KimiException} for a model call, a {@link RunStoreException}
   *     for the store
   */
  record Failed(RunState state, RuntimeException error) implements RunResult {
    /**
     * Checks the components.
     *
     * @param state the run
     * @param error the failure
     * @throws NullPointerException if an argument is null
     */
    public Failed {
      Objects.requireNonNull(state, "state must not be null");
      Objects.requireNonNull(error, "error must not be null");
    }

    @Override
    public String runId() {
      return state.id();
    }
  }

  /**
   * The decisions handed in were recorded in the run without driving it ({@link Agent#decide}):
   * kept in its record and saved; no call ran and the model was not called. The run's next drive
   * ({@link Agent#runOrResume}, {@link Agent#resume}, a {@link Sweeper}) carries them out. A run
   * whose every call is decided now is saved {@link RunState.Status#RUNNING}, so that, with no
   * worker holding it, a sweeper finds it an orphan and resumes it; one still waiting on other
   * calls (another approver, another call) stays {@link RunState.Status#PAUSED}.
   *
   * @param state the run as saved
   * @param recorded the decisions kept, in order, as {@link RunState#decisionRecords()} holds them;
   *     empty when none held (a decision that no longer matches its call is set aside, {@link
   *     RunEvent.AskedAgain})
   */
  record Decided(RunState state, List<DecisionRecord> recorded) implements RunResult {
    /**
     * Checks the components and copies the records.
     *
     * @param state the run
     * @param recorded the records kept
     * @throws NullPointerException if an argument is null
     */
    public Decided {
      Objects.requireNonNull(state, "state must not be null");
      recorded = List.copyOf(recorded);
    }

    @Override
    public String runId() {
      return state.id();
    }
  }

  /**
   * A decision handed in names a call that was decided already: by another worker or another page
   * first (the race for the call is lost), or by this same token before (a link opened twice).
   * Nothing was done: the run was not driven and nothing was recorded. It is not an error of the
   * decision: a forged or altered token, or one for another run, is refused with an {@link
   * IllegalArgumentException} instead.
   *
   * @param runId the run
   * @param callId the call the decision named
   * @param decision the decision that decided it, as the run's record keeps it (the last one made
   *     on the call: the second approver's under a policy that needs two)
   * @param sameToken whether that decision came in the same signed token as this one
   */
  record AlreadyDecided(String runId, String callId, DecisionRecord decision, boolean sameToken)
      implements RunResult {
    /**
     * Checks the components.
     *
     * @param runId the run
     * @param callId the call
     * @param decision the decision that decided it
     * @param sameToken whether it came in the same token
     * @throws NullPointerException if an argument is null
     */
    public AlreadyDecided {
      Objects.requireNonNull(runId, "runId must not be null");
      Objects.requireNonNull(callId, "callId must not be null");
      Objects.requireNonNull(decision, "decision must not be null");
    }
  }

  /** Names the limit that stopped a run. */
  enum Limit {
    /** The most model calls of {@link Agent.Builder#maxSteps(int)}. */
    STEPS,
    /** The most tokens of {@link Agent.Builder#maxTotalTokens(long)}. */
    TOKENS,
    /**
     * The most spend of {@link Agent.Builder#maxSpend(java.math.BigDecimal, java.util.Currency)}.
     */
    SPEND,
    /** The deadline of {@link Agent.Builder#timeLimit(java.time.Duration)}. */
    TIME
  }
}
