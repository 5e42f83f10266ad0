package io.github.kimisdk.agents;

import io.github.kimisdk.chat.AssistantMessage;
import io.github.kimisdk.chat.Message;
import io.github.kimisdk.chat.Usage;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Currency;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * A run's state while the engine drives it: the one declaration of a run's fields. {@link RunState}
 * holds a copy; {@link RunFormat} writes and reads every field; {@code RunDataFieldsTest} fails
 * when a field is added here and missed by {@link #copy()} or by the saved form. Not thread-safe: a
 * run's data belongs to the thread that drives the run.
 */
final class RunData {
  String id;

  /** Made once when the run starts: what makes its idempotency keys its own; null before v3. */
  String instance;

  long revision;
  RunState.Status status = RunState.Status.RUNNING;
  String agentName;
  String agentVersion;

  /**
   * The agent's tools when the run was last saved, in order, each with the digest of its
   * declaration and effect ({@link Toolbox#digest}); a digest is null before v3.
   */
  Map<String, String> tools = new LinkedHashMap<>();

  /**
   * The digest of the agent's instructions and tool declarations when last saved; null before v3.
   */
  String agentDigest;

  String model;
  int steps;

  /** The model calls of subagents whose runs ended. */
  int childSteps;

  int maxSteps;
  long maxTotalTokens;
  BigDecimal maxSpend;
  Currency currency;
  int newMessageIndex;
  List<Message> messages = new ArrayList<>();
  Map<String, Usage> usage = new LinkedHashMap<>();
  OpenTurn turn;
  List<Grant> allowances = new ArrayList<>();
  List<PendingCall> pending = new ArrayList<>();
  String note;

  /** The team's own labels of the run; null before v3. */
  Map<String, String> labels = new TreeMap<>();

  /** When the run started and when it was last saved; null before v3. */
  Instant createdAt;

  Instant updatedAt;

  /** The span context of the run's first drive, which its later drives link to; or null. */
  String trace;

  /**
   * Every decision on the calls of the run and of its subagents, in order, each chained to the one
   * before ({@link DecisionChain}): a root run's only (a subagent's run keeps none of its own). Its
   * appends go through {@link Tree#record}.
   */
  List<DecisionRecord> decisionRecords = new ArrayList<>();

  /** A copy that shares nothing mutable with this one (messages and values are immutable). */
  RunData copy() {
    RunData c = new RunData();
    c.id = id;
    c.instance = instance;
    c.revision = revision;
    c.status = status;
    c.agentName = agentName;
    c.agentVersion = agentVersion;
    c.tools = new LinkedHashMap<>(tools);
    c.agentDigest = agentDigest;
    c.model = model;
    c.steps = steps;
    c.childSteps = childSteps;
    c.maxSteps = maxSteps;
    c.maxTotalTokens = maxTotalTokens;
    c.maxSpend = maxSpend;
    c.currency = currency;
    c.newMessageIndex = newMessageIndex;
    c.messages = new ArrayList<>(messages);
    c.usage = new LinkedHashMap<>(usage);
    c.turn = turn == null ? null : turn.copy();
    c.allowances = new ArrayList<>(allowances);
    c.pending = new ArrayList<>(pending);
    c.note = note;
    c.labels = new TreeMap<>(labels);
    c.createdAt = createdAt;
    c.updatedAt = updatedAt;
    c.trace = trace;
    c.decisionRecords = new ArrayList<>(decisionRecords);
    return c;
  }

  /** The run in its saved form: for tests that compare runs (it holds the messages' content). */
  @Override
  public String toString() {
    return io.github.kimisdk.json.Json.write(RunFormat.write(this));
  }

  /**
   * Adds what this run and its subagents used to {@code into}, and returns their model calls: its
   * own, its ended subagents' and those of its subagents that have not ended.
   */
  int used(Map<String, Usage> into) {
    usage.forEach((m, u) -> into.merge(m, u, Usage::plus));
    int steps = this.steps + childSteps;
    if (turn != null) {
      for (RunData child : turn.children().values()) {
        steps += child.used(into);
      }
    }
    return steps;
  }

  /** The summary of a run's data, as {@code owner} saves it. */
  RunSummary summary(String owner) {
    PendingCall.Kind waiting = null;
    Instant since = null;
    for (PendingCall p : pending) {
      waiting =
          p.kind() == PendingCall.Kind.IN_DOUBT ? p.kind() : waiting == null ? p.kind() : waiting;
      if (p.since() != null && (since == null || p.since().isBefore(since))) {
        since = p.since();
      }
    }
    return new RunSummary(
        id,
        agentName,
        agentVersion,
        status,
        status == RunState.Status.PAUSED ? waiting : null,
        status == RunState.Status.PAUSED ? since : null,
        createdAt,
        updatedAt == null ? Instant.EPOCH : updatedAt,
        owner,
        used(new java.util.LinkedHashMap<>()),
        pending.size(),
        labels,
        null,
        null);
  }

  /** The reply whose calls are open, or null. */
  AssistantMessage openReply() {
    return turn == null ? null : (AssistantMessage) messages.get(messages.size() - 1);
  }

  /**
   * The open turn of a run: a reply's calls, the results so far, the decisions recorded, and the
   * saved runs of its subagents that have not ended, by the position of the call that started each.
   * The turn makes its own changes: the rooms that drive it (the loop, the turn's calls, the
   * decisions, the execution, the tree, the saved form) read it through views and change it through
   * these methods alone.
   */
  static final class OpenTurn {
    final int step;
    private final TreeMap<Integer, Result> results = new TreeMap<>();
    private final TreeMap<Integer, Recorded> decisions = new TreeMap<>();
    private final TreeMap<Integer, RunData> children = new TreeMap<>();
    private final Map<Integer, Result> resultsView = Collections.unmodifiableMap(results);
    private final Map<Integer, Recorded> decisionsView = Collections.unmodifiableMap(decisions);
    private final Map<Integer, RunData> childrenView = Collections.unmodifiableMap(children);

    OpenTurn(int step) {
      this.step = step;
    }

    /** The results so far, by the call's position, in order. */
    Map<Integer, Result> results() {
      return resultsView;
    }

    /** The decisions recorded on calls that have not run, by the call's position, in order. */
    Map<Integer, Recorded> decisions() {
      return decisionsView;
    }

    /** The saved runs of the subagents that have not ended, by the position of their call. */
    Map<Integer, RunData> children() {
      return childrenView;
    }

    /** Gives the call at {@code position} its result (the model reads it when the turn closes). */
    void answer(int position, Result result) {
      results.put(position, Objects.requireNonNull(result, "result"));
    }

    /** Records a decision on the call at {@code position}, in place of one recorded before. */
    void decide(int position, Recorded decision) {
      decisions.put(position, Objects.requireNonNull(decision, "decision"));
    }

    /** Forgets the decision on the call at {@code position}: it no longer holds, or it expired. */
    void withdraw(int position) {
      decisions.remove(position);
    }

    /** Keeps the saved run of the subagent that the call at {@code position} started. */
    void adopt(int position, RunData child) {
      children.put(position, Objects.requireNonNull(child, "child"));
    }

    /**
     * Hands the saved run of the subagent at {@code position} to the thread that drives it, which
     * alone touches it from then on; null when there is none.
     */
    RunData release(int position) {
      return children.remove(position);
    }

    /** The turn as its saved form shows it, for tests that compare turns. */
    @Override
    public String toString() {
      return "OpenTurn[step="
          + step
          + ", results="
          + results
          + ", decisions="
          + decisions
          + ", children="
          + children
          + "]";
    }

    OpenTurn copy() {
      OpenTurn t = new OpenTurn(step);
      t.results.putAll(results);
      t.decisions.putAll(decisions);
      children.forEach((pos, child) -> t.children.put(pos, child.copy()));
      return t;
    }
  }

  /** A call's result, as the model reads it. */
  record Result(String content, boolean error) {}

  /**
   * A decision recorded against a call before the call runs, with what it was bound to and who made
   * it.
   *
   * @param verdict {@code approve}, {@code reject} or {@code answer}
   * @param kind the pending call's kind
   * @param tool the tool the decision was made for
   * @param argumentsSha256 the digest of the arguments it was made for
   * @param policy the approval policy in force when it was made
   * @param arguments the edited arguments, or null
   * @param text the rejection's message or the answer's content, or null
   * @param approvals who decided, when, and why: one entry per person (two under a two-person rule)
   * @param token the id of the signed token it came in, or null
   * @param since when the call began to wait, or null (saved before version 4)
   */
  record Recorded(
      String verdict,
      PendingCall.Kind kind,
      String tool,
      String argumentsSha256,
      String policy,
      String arguments,
      String text,
      List<Decision.Approver> approvals,
      String token,
      Instant since) {
    Recorded {
      approvals = List.copyOf(approvals);
    }

    /** This approval, now with {@code approvals}, carried by {@code token}. */
    Recorded approvedAgain(String arguments, List<Decision.Approver> approvals, String token) {
      return new Recorded(
          DecisionForm.APPROVE,
          kind,
          tool,
          argumentsSha256,
          policy,
          arguments,
          null,
          approvals,
          token,
          since);
    }
  }

  /** An allowance with the policy it was given under. */
  record Grant(Allowance allowance, String policy) {}
}
