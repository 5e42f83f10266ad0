package io.github.kimisdk.temporal;

import io.github.kimisdk.agents.Agent;
import io.github.kimisdk.agents.Decision;
import io.github.kimisdk.agents.PendingCall;
import io.github.kimisdk.agents.RunResult;
import io.github.kimisdk.agents.RunState;
import io.github.kimisdk.json.Json;
import io.github.kimisdk.json.JsonArray;
import io.github.kimisdk.json.JsonNumber;
import io.github.kimisdk.json.JsonObject;
import io.github.kimisdk.json.JsonString;
import io.github.kimisdk.json.JsonValue;
import io.temporal.failure.ApplicationFailure;
import io.temporal.failure.CanceledFailure;
import io.temporal.failure.TemporalFailure;
import io.temporal.workflow.Workflow;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The workflow: starts (or goes on with) the run through the one loop on a {@link TemporalHost},
 * waits for decisions while it is paused (bounded by the run's approval timeout), and continues as
 * new when the host stops the loop at a full history.
 *
 * <p>Thread model: workflow threads, one at a time. The main thread drives the loop; the update's
 * validator and handler and the query run between its steps. {@link #waiting} is true only while
 * the main thread waits for decisions: the validator refuses a decision at any other time, so every
 * decision accepted is one the main thread takes on its next resume.
 */
final class AgentWorkflow implements KimiAgentWorkflow {
  private final KimiAgents agents;
  private final List<Decision> inbox = new ArrayList<>();
  private TemporalHost host;
  private boolean waiting;

  AgentWorkflow(KimiAgents agents) {
    this.agents = agents;
  }

  /**
   * The change id of the history bound kept before each step ({@link TemporalHost}): histories of
   * the first builds, which checked it after each save, replay under their rule.
   */
  static final String BOUND_BEFORE_STEP = "kimi-sdk.bound-before-step";

  @Override
  public RunOutcome run(AgentRun input) {
    boolean projects =
        Workflow.getVersion(BOUND_BEFORE_STEP, Workflow.DEFAULT_VERSION, 1)
            != Workflow.DEFAULT_VERSION;
    Agent agent;
    AgentOptions options;
    try {
      KimiAgents.Entry entry = agents.entry(input.agent());
      agent = RunAgent.of(input.agent(), entry.agent(), input.settings());
      options = entry.options().forRun(input.settings());
    } catch (IllegalArgumentException e) {
      throw ApplicationFailure.newNonRetryableFailure(
          "run " + input.runId() + " was refused: " + e.getMessage(), RunOutcome.INVALID_TYPE);
    }
    host = new TemporalHost(input.agent(), input, options, projects, agent.compaction().enabled());
    RunResult r;
    try {
      if (input.state() == null) {
        r = agent.run(host, input.runId(), input.firstMessages(), input.labels());
      } else {
        RunState from = RunState.fromJson(input.state());
        host.start(from);
        r = agent.resume(host, from, List.of());
      }
      while (r instanceof RunResult.Paused p) {
        r = decide(agent, p.state(), input.waitForDecisions());
      }
    } catch (TemporalHost.ContinueAsNew c) {
      Workflow.await(Workflow::isEveryHandlerFinished);
      Workflow.continueAsNew(input.next(c.state));
      throw new AssertionError("continueAsNew returned");
    } catch (CanceledFailure c) {
      throw c; // the workflow was cancelled: Temporal records it so
    } catch (TemporalFailure f) {
      throw failed(input, host.state(), f.getMessage(), f);
    }
    if (r instanceof RunResult.Failed f) {
      throw failed(input, f.state(), String.valueOf(f.error().getMessage()), null);
    }
    RunState end =
        r instanceof RunResult.Answered a
            ? a.state()
            : r instanceof RunResult.Stopped s ? s.state() : host.state();
    RunOutcome o = RunOutcome.of(r, end, input.execution());
    return child(input) ? o.withState(trimmed(end)) : o;
  }

  /** Whether the run is a subagent's, run as a child workflow of its parent's. */
  private static boolean child(AgentRun input) {
    return input.agent().contains("/");
  }

  /**
   * A child's state as its parent's history keeps it: without its messages but its answer (the
   * child's own history and its query {@code state} hold them all); its steps and usage, which the
   * parent counts, whole.
   */
  static String trimmed(RunState s) {
    JsonObject o = Json.parse(s.toJson()).asObject();
    if (!(o.get("conversation") instanceof JsonObject conversation)
        || !(conversation.get("messages") instanceof JsonArray messages)) {
      return s.toJson();
    }
    List<JsonValue> all = messages.values();
    JsonValue last = all.isEmpty() ? null : all.get(all.size() - 1);
    boolean answer =
        s.status() == RunState.Status.ANSWERED
            && last instanceof JsonObject m
            && m.get("role") instanceof JsonString role
            && role.value().equals("assistant")
            && m.get("tool_calls") == null;
    Map<String, JsonValue> c = new LinkedHashMap<>(conversation.members());
    c.put("messages", answer ? JsonArray.of(last) : JsonArray.builder().build());
    Map<String, JsonValue> top = new LinkedHashMap<>(o.members());
    top.put("conversation", JsonObject.of(c));
    top.put("new_message_index", JsonNumber.of(0));
    String json = Json.write(JsonObject.of(top));
    try {
      RunState.fromJson(json);
      return json;
    } catch (RuntimeException e) {
      return s.toJson(); // a form this build cannot trim: the whole state
    }
  }

  /** Waits for decisions on a paused run, then resumes it with them. */
  private RunResult decide(Agent agent, RunState paused, Duration timeout) {
    waiting = true;
    boolean decided;
    if (timeout == null) {
      Workflow.await(() -> !inbox.isEmpty());
      decided = true;
    } else {
      decided = Workflow.await(timeout, () -> !inbox.isEmpty());
    }
    waiting = false;
    List<Decision> decisions = new ArrayList<>(inbox);
    inbox.clear();
    if (decided) {
      return agent.resume(host, paused, decisions);
    }
    // the wait passed: each tool's own expiry applies, then what still waits is rejected
    RunResult r = agent.resume(host, paused, List.of());
    if (r instanceof RunResult.Paused still) {
      Instant now = host.now();
      List<Decision> rejections = new ArrayList<>();
      for (PendingCall c : still.state().pending()) {
        rejections.add(
            new Decision.Reject(
                Decision.Target.of(c),
                "nobody decided on the call within " + timeout,
                new Decision.Approver("approval-timeout", now, null)));
      }
      r = agent.resume(host, still.state(), rejections);
    }
    return r;
  }

  private static ApplicationFailure failed(
      AgentRun input, RunState last, String why, Throwable cause) {
    String state = last == null ? null : child(input) ? trimmed(last) : last.toJson();
    return ApplicationFailure.newNonRetryableFailureWithCause(
        "run " + input.runId() + " failed: " + why, RunOutcome.FAILED_TYPE, cause, state);
  }

  @Override
  public String state() {
    RunState s = host == null ? null : host.state();
    return s == null ? null : s.toJson();
  }

  @Override
  public void decide(DecisionRequest decision) {
    if (!waiting) {
      throw new IllegalStateException("the run is not waiting for decisions");
    }
    inbox.add(decision.decision(Instant.ofEpochMilli(Workflow.currentTimeMillis())));
  }

  @Override
  public void validateDecide(DecisionRequest decision) {
    RunState s = host == null ? null : host.state();
    if (!waiting || s == null) {
      throw new IllegalStateException(
          "the run is not waiting for decisions now (it is "
              + (s == null ? "starting" : s.status().name().toLowerCase(java.util.Locale.ROOT))
              + "): nothing was decided");
    }
    if (decision.by() == null) {
      throw new IllegalArgumentException(
          "a decision names who made it (DecisionRequest.by): nothing was decided");
    }
    Decision d = decision.decision(Instant.EPOCH);
    Optional<String> why = s.refusal(d);
    if (why.isPresent()) {
      throw new IllegalArgumentException(why.get() + ": nothing was decided");
    }
    // decisions taken but not yet carried out: one person decides once on a call
    for (Decision q : inbox) {
      if (q.target().callId().equals(decision.callId())
          && q.approver() != null
          && q.approver().name().equals(decision.by())) {
        throw new IllegalArgumentException(
            decision.by()
                + " has already decided on the call "
                + decision.callId()
                + " (that decision is about to be carried out): nothing was decided");
      }
    }
  }
}
