package io.github.kimisdk.agents;

import io.github.kimisdk.chat.ChatCompletion;
import io.github.kimisdk.chat.ChatRequest;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

/**
 * A moment of an agent run, as an {@link AgentListener} sees it. {@code kimi-sdk-opentelemetry}
 * records the ones a team watches (claimed, taken, resumed, paused, in doubt, decided, approved,
 * denied, expired, asked again, compacted, a tool result cut) as span events named {@code
 * kimi.agent.*}. A subagent's run has events of its own, under its own run id.
 */
public sealed interface RunEvent {

  /**
   * Returns the run's id.
   *
   * @return the id
   */
  String runId();

  /**
   * This worker claimed the run.
   *
   * @param runId the run
   * @param owner this worker
   * @param until when the claim lapses unless renewed
   */
  record Claimed(String runId, String owner, Instant until) implements RunEvent {}

  /**
   * Another worker holds the run; this one did nothing.
   *
   * @param runId the run
   * @param holder the other worker
   * @param until when its claim lapses if it dies
   */
  record Taken(String runId, String holder, Instant until) implements RunEvent {}

  /**
   * A saved run goes on.
   *
   * @param runId the run
   * @param revision the revision it goes on from
   * @param status where it stood
   * @param decisions how many decisions were handed in
   */
  record Resumed(String runId, long revision, RunState.Status status, int decisions)
      implements RunEvent {}

  /**
   * The model is called: the request as it goes, once the run's limits let it (with the output cap
   * a limit set); a call a limit refuses is not told.
   *
   * @param runId the run
   * @param step the step, from 1
   * @param request the request
   */
  record ModelCalled(String runId, int step, ChatRequest request) implements RunEvent {}

  /**
   * The model replied; the reply is saved before any of its calls runs.
   *
   * @param runId the run
   * @param step the step
   * @param completion the reply
   */
  record Replied(String runId, int step, ChatCompletion completion) implements RunEvent {}

  /**
   * A tool call starts; its intent is recorded.
   *
   * @param runId the run
   * @param step the step
   * @param position the call's place in the reply
   * @param tool the tool
   * @param rerun whether it runs again after a crash or a decision on a call in doubt
   */
  record ToolStarted(String runId, int step, int position, String tool, boolean rerun)
      implements RunEvent {}

  /**
   * A tool call has a result, recorded; a call answered without running (denied, rejected, given by
   * a person, found recorded) has one too.
   *
   * @param runId the run
   * @param step the step
   * @param position the call's place
   * @param tool the tool
   * @param content what the model reads
   * @param error whether the call failed
   * @param elapsed how long the tool ran; zero when it did not run
   */
  record ToolFinished(
      String runId,
      int step,
      int position,
      String tool,
      String content,
      boolean error,
      Duration elapsed)
      implements RunEvent {}

  /**
   * A tool result over the limit for one result ({@link Compaction#maxToolResultTokens(int)}) was
   * cut as it arrived: the model reads its start and end, with a note saying how much was left out.
   *
   * @param runId the run
   * @param step the step
   * @param position the call's place
   * @param tool the tool
   * @param originalChars the result's length, in characters
   * @param keptChars the length of what the model reads, the note included
   * @param originalTokens the result's tokens, estimated
   */
  record ToolResultCut(
      String runId,
      int step,
      int position,
      String tool,
      int originalChars,
      int keptChars,
      int originalTokens)
      implements RunEvent {}

  /**
   * The run's history was compacted before a model call would have crossed the threshold: the older
   * part was replaced by a summary the model wrote ({@link Compaction}).
   *
   * @param runId the run
   * @param step the step whose model call comes next
   * @param report what was replaced, the request's weight before and after, and what it cost
   */
  record Compacted(String runId, int step, CompactionReport report) implements RunEvent {}

  /**
   * A call that asks may run: a person approved it, with the arguments as asked or edited, or an
   * allowance given earlier covers it.
   *
   * @param runId the run
   * @param step the step
   * @param position the call's place
   * @param tool the tool
   * @param how {@code decision}, {@code edited} or {@code allowance}
   * @param approvals who approved, when and why (empty for an allowance, or when nobody was named)
   * @param waited how long the call waited for its approval, from when it began to wait to now;
   *     null when it did not wait (an allowance) or the run did not record when it began
   */
  record Approved(
      String runId,
      int step,
      int position,
      String tool,
      String how,
      List<Decision.Approver> approvals,
      Duration waited)
      implements RunEvent {
    /**
     * Copies the approvals.
     *
     * @param runId the run
     * @param step the step
     * @param position the call's place
     * @param tool the tool
     * @param how how it was approved
     * @param approvals who approved
     * @param waited how long it waited, or null
     */
    public Approved {
      approvals = List.copyOf(approvals);
    }
  }

  /**
   * A call does not run: a hook or the tool's policy denied it, or a person rejected it.
   *
   * @param runId the run
   * @param step the step
   * @param position the call's place
   * @param tool the tool
   * @param by {@code hook}, {@code policy} or {@code person}
   * @param reason what the model reads
   * @param approver the person who rejected it, when {@code by} is {@code person} and they were
   *     named; else null
   */
  record Denied(
      String runId,
      int step,
      int position,
      String tool,
      String by,
      String reason,
      Decision.Approver approver)
      implements RunEvent {}

  /**
   * A call waited for approval longer than its tool's approval allows ({@link
   * Approval#expiresAfter}): it was rejected, or it keeps waiting, escalated. The run's record
   * keeps it ({@link Decided}): a rejection each time, an escalation once per call.
   *
   * @param runId the run
   * @param step the step
   * @param position the call's place
   * @param tool the tool
   * @param then what happened to it
   * @param after how long it was allowed to wait
   * @param at when the run found it expired (the drive's time)
   */
  record Expired(
      String runId,
      int step,
      int position,
      String tool,
      Approval.Expiry then,
      Duration after,
      Instant at)
      implements RunEvent {}

  /**
   * A decision on a call was kept in the run's record: an approval (each approver's, the first of
   * several included), an edit, an allowance, a rejection, an answer, an expiry or an escalation;
   * told as it is recorded, before the call it allows runs.
   *
   * @param runId the run whose call it decided (a subagent's run for its calls)
   * @param record the decision as the run keeps it: who, when, what, the comment and its place
   */
  record Decided(String runId, DecisionRecord record) implements RunEvent {}

  /**
   * A run saved under another version of its agent (another version name, other instructions or
   * tools) is resumed: what changed, and what the agent's {@link VersionRule} made of it.
   *
   * @param runId the run
   * @param savedBy the agent that saved it, as {@code name@version}
   * @param resumedBy this agent, as {@code name@version}
   * @param added the tools this version adds
   * @param removed the tools it no longer has
   * @param changed the tools whose declaration or effect changed
   * @param rule the rule
   * @param continued whether the run went on (else the resume was refused)
   */
  record AgentChanged(
      String runId,
      String savedBy,
      String resumedBy,
      List<String> added,
      List<String> removed,
      List<String> changed,
      VersionRule rule,
      boolean continued)
      implements RunEvent {
    /**
     * Copies the lists.
     *
     * @param runId the run
     * @param savedBy the agent that saved it
     * @param resumedBy this agent
     * @param added the tools added
     * @param removed the tools removed
     * @param changed the tools changed
     * @param rule the rule
     * @param continued whether the run went on
     */
    public AgentChanged {
      added = List.copyOf(added);
      removed = List.copyOf(removed);
      changed = List.copyOf(changed);
    }
  }

  /**
   * A piece of the model's reply as it streams, for an agent that streams ({@link
   * Agent.Builder#streaming(boolean)}).
   *
   * @param runId the run
   * @param step the step
   * @param text the piece, never empty
   * @param reasoning whether it is reasoning ({@code reasoning_content}) rather than answer text
   */
  record Streamed(String runId, int step, String text, boolean reasoning) implements RunEvent {}

  /**
   * A decision no longer matches its call (the arguments, the tool or the policy changed since it
   * was made), so it was set aside and the call asks again.
   *
   * @param runId the run
   * @param step the step
   * @param position the call's place
   * @param tool the tool
   * @param why what changed
   */
  record AskedAgain(String runId, int step, int position, String tool, String why)
      implements RunEvent {}

  /**
   * Calls were found begun but not finished after a crash, and their tools are not idempotent: they
   * wait for a person's decision.
   *
   * @param runId the run
   * @param calls the calls
   */
  record InDoubt(String runId, List<PendingCall> calls) implements RunEvent {}

  /**
   * The run paused, saved, waiting on decisions.
   *
   * @param runId the run
   * @param pending the calls it waits on
   */
  record Paused(String runId, List<PendingCall> pending) implements RunEvent {}

  /**
   * The run ended this drive (answered, paused, stopped or failed) and released its claim.
   *
   * @param runId the run
   * @param status where it stands
   */
  record Ended(String runId, RunState.Status status) implements RunEvent {}
}
