package io.github.kimisdk.opentelemetry;

import io.github.kimisdk.agents.AgentListener;
import io.github.kimisdk.agents.CompactionReport;
import io.github.kimisdk.agents.Decision;
import io.github.kimisdk.agents.DecisionRecord;
import io.github.kimisdk.agents.RunEvent;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.common.AttributesBuilder;
import io.opentelemetry.api.trace.Span;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Records the moments of an agent run ({@code kimi-sdk-agents}) a team watches as events on the
 * current span: the span the application opens around {@code Agent.run} or {@code Agent.resume},
 * under which the run's chat spans also are. The conventions name no approval or resume events yet,
 * so the names are Kimi's own: {@value #CLAIMED}, {@value #TAKEN}, {@value #RESUMED}, {@value
 * #PAUSED}, {@value #IN_DOUBT}, {@value #DECIDED}, {@value #APPROVED}, {@value #DENIED}, {@value
 * #EXPIRED}, {@value #AGENT_CHANGED}, {@value #ASKED_AGAIN}, {@value #COMPACTED} (the tokens and
 * bytes of the next request before and after, the messages replaced, the summary call's model,
 * tokens, cached tokens and cost, the prefix cache given up) and {@value #TOOL_RESULT_CUT} (the
 * result's length and what was kept). Each carries {@code kimi.agent.run.id}, and {@code
 * gen_ai.tool.name} where a tool is concerned; never a call's arguments or its idempotency key.
 *
 * <p><b>Decisions, audited.</b> {@value #DECIDED} is every decision as the run's record keeps it
 * ({@code RunEvent.Decided}), each approver's of several included, an expiry and an escalation: its
 * place in the record ({@code kimi.agent.decision.seq}), the call ({@code
 * kimi.agent.decision.call_id}), what was decided ({@code kimi.agent.decision.action}: {@code
 * approve}, {@code approve_edited}, {@code approve_and_allow}, {@code reject}, {@code answer},
 * {@code expired}, {@code escalated}), by whom ({@code kimi.agent.decision.by}, absent when nobody
 * was named or the policy decided), when ({@code kimi.agent.decision.at}, ISO-8601), why ({@code
 * kimi.agent.decision.comment}), the policy ({@code kimi.agent.decision.policy}) and how many
 * approvers it needs ({@code kimi.agent.decision.approvers}); never the arguments or their digest.
 * {@value #APPROVED} carries who approved ({@code kimi.agent.approved.by}, one name per approver,
 * in the order they decided), when ({@code kimi.agent.approved.at}, ISO-8601 instants, in the same
 * order), why ({@code kimi.agent.approved.comments}, {@code ""} for an approver who gave none) and
 * how long the call waited for it ({@code kimi.agent.approval.waited}, in seconds); {@value
 * #DENIED} the person who rejected it when one was named ({@code kimi.agent.denied.approver},
 * {@code .at}, {@code .comment}); {@value #EXPIRED} what became of a call that waited past its
 * approval's expiry ({@code kimi.agent.expired.then}: {@code reject} or {@code escalate}), after
 * how long ({@code kimi.agent.expired.after}, in seconds) and when it was found ({@code
 * kimi.agent.expired.at}); {@value #AGENT_CHANGED} a run resumed under another version of its
 * agent: which ({@code kimi.agent.version.saved_by}, {@code .resumed_by}, as {@code name@version}),
 * the tools added, removed and changed ({@code .added}, {@code .removed}, {@code .changed}), the
 * rule ({@code .rule}) and whether the run went on ({@code .continued}).
 *
 * <p>With {@link AgentSpans} as the agent's tracer, the current span is the run's {@code
 * invoke_agent} span.
 *
 * <pre>{@code
 * Agent agent = Agent.builder(kimi, "kimi-k3")
 *     .listener(AgentSpanEvents.create())
 *     .tool(transfer)
 *     .build();
 * Span span = tracer.spanBuilder("invoice-42").startSpan();
 * try (Scope s = span.makeCurrent()) {
 *   agent.run("invoice-42", messages);
 * } finally {
 *   span.end();
 * }
 * }</pre>
 *
 * <p>Needs {@code kimi-sdk-agents} on the class path. Stateless and thread-safe.
 */
public final class AgentSpanEvents implements AgentListener {

  /** This worker claimed the run. */
  public static final String CLAIMED = "kimi.agent.claimed";

  /** Another worker holds the run. */
  public static final String TAKEN = "kimi.agent.taken";

  /** A saved run goes on. */
  public static final String RESUMED = "kimi.agent.resumed";

  /** The run paused on calls that wait for a decision. */
  public static final String PAUSED = "kimi.agent.paused";

  /** Calls found begun but not finished after a crash wait for a person. */
  public static final String IN_DOUBT = "kimi.agent.in_doubt";

  /** A decision on a call was kept in the run's record. */
  public static final String DECIDED = "kimi.agent.decided";

  /** A call that asked may run. */
  public static final String APPROVED = "kimi.agent.approved";

  /** A call does not run: a hook, its policy or a person refused it. */
  public static final String DENIED = "kimi.agent.denied";

  /** A call waited for its approval past the approval's expiry: rejected, or escalated. */
  public static final String EXPIRED = "kimi.agent.expired";

  /** A run saved under another version of its agent was resumed under this one. */
  public static final String AGENT_CHANGED = "kimi.agent.agent_changed";

  /** A decision no longer matched its call, which asks again. */
  public static final String ASKED_AGAIN = "kimi.agent.asked_again";

  /** The run's history was compacted: its older part replaced by a summary. */
  public static final String COMPACTED = "kimi.agent.compacted";

  /** A tool result over its limit was cut as it arrived. */
  public static final String TOOL_RESULT_CUT = "kimi.agent.tool_result_cut";

  static final AttributeKey<String> RUN = AttributeKey.stringKey("kimi.agent.run.id");
  static final AttributeKey<String> TOOL = AttributeKey.stringKey("gen_ai.tool.name");
  static final AttributeKey<String> HOLDER = AttributeKey.stringKey("kimi.agent.claim.holder");
  static final AttributeKey<String> UNTIL = AttributeKey.stringKey("kimi.agent.claim.until");
  static final AttributeKey<String> STATUS = AttributeKey.stringKey("kimi.agent.run.status");
  static final AttributeKey<Long> REVISION = AttributeKey.longKey("kimi.agent.run.revision");
  static final AttributeKey<Long> CALLS = AttributeKey.longKey("kimi.agent.calls");
  static final AttributeKey<Long> STEP = AttributeKey.longKey("kimi.agent.step");
  static final AttributeKey<String> HOW = AttributeKey.stringKey("kimi.agent.approved.how");
  static final AttributeKey<String> BY = AttributeKey.stringKey("kimi.agent.denied.by");
  static final AttributeKey<List<String>> APPROVED_BY =
      AttributeKey.stringArrayKey("kimi.agent.approved.by");
  static final AttributeKey<List<String>> APPROVED_AT =
      AttributeKey.stringArrayKey("kimi.agent.approved.at");
  static final AttributeKey<List<String>> APPROVED_COMMENTS =
      AttributeKey.stringArrayKey("kimi.agent.approved.comments");
  static final AttributeKey<Double> WAITED = AttributeKey.doubleKey("kimi.agent.approval.waited");
  static final AttributeKey<String> DENIED_APPROVER =
      AttributeKey.stringKey("kimi.agent.denied.approver");
  static final AttributeKey<String> DENIED_AT = AttributeKey.stringKey("kimi.agent.denied.at");
  static final AttributeKey<String> DENIED_COMMENT =
      AttributeKey.stringKey("kimi.agent.denied.comment");
  static final AttributeKey<String> EXPIRED_THEN =
      AttributeKey.stringKey("kimi.agent.expired.then");
  static final AttributeKey<Double> EXPIRED_AFTER =
      AttributeKey.doubleKey("kimi.agent.expired.after");
  static final AttributeKey<String> EXPIRED_AT = AttributeKey.stringKey("kimi.agent.expired.at");
  static final AttributeKey<Long> DECISION_SEQ = AttributeKey.longKey("kimi.agent.decision.seq");
  static final AttributeKey<String> DECISION_CALL =
      AttributeKey.stringKey("kimi.agent.decision.call_id");
  static final AttributeKey<String> DECISION_ACTION =
      AttributeKey.stringKey("kimi.agent.decision.action");
  static final AttributeKey<String> DECISION_BY = AttributeKey.stringKey("kimi.agent.decision.by");
  static final AttributeKey<String> DECISION_AT = AttributeKey.stringKey("kimi.agent.decision.at");
  static final AttributeKey<String> DECISION_COMMENT =
      AttributeKey.stringKey("kimi.agent.decision.comment");
  static final AttributeKey<String> DECISION_POLICY =
      AttributeKey.stringKey("kimi.agent.decision.policy");
  static final AttributeKey<Long> DECISION_APPROVERS =
      AttributeKey.longKey("kimi.agent.decision.approvers");
  static final AttributeKey<String> SAVED_BY =
      AttributeKey.stringKey("kimi.agent.version.saved_by");
  static final AttributeKey<String> RESUMED_BY =
      AttributeKey.stringKey("kimi.agent.version.resumed_by");
  static final AttributeKey<List<String>> ADDED =
      AttributeKey.stringArrayKey("kimi.agent.version.added");
  static final AttributeKey<List<String>> REMOVED =
      AttributeKey.stringArrayKey("kimi.agent.version.removed");
  static final AttributeKey<List<String>> CHANGED =
      AttributeKey.stringArrayKey("kimi.agent.version.changed");
  static final AttributeKey<String> RULE = AttributeKey.stringKey("kimi.agent.version.rule");
  static final AttributeKey<Boolean> CONTINUED =
      AttributeKey.booleanKey("kimi.agent.version.continued");
  static final AttributeKey<Long> TOKENS_BEFORE =
      AttributeKey.longKey("kimi.agent.compaction.tokens_before");
  static final AttributeKey<Long> TOKENS_AFTER =
      AttributeKey.longKey("kimi.agent.compaction.tokens_after");
  static final AttributeKey<Long> BYTES_BEFORE =
      AttributeKey.longKey("kimi.agent.compaction.bytes_before");
  static final AttributeKey<Long> BYTES_AFTER =
      AttributeKey.longKey("kimi.agent.compaction.bytes_after");
  static final AttributeKey<Long> SUMMARIZED =
      AttributeKey.longKey("kimi.agent.compaction.messages");
  static final AttributeKey<Long> CACHE_GIVEN_UP =
      AttributeKey.longKey("kimi.agent.compaction.cache_given_up");
  static final AttributeKey<String> SUMMARY_MODEL =
      AttributeKey.stringKey("kimi.agent.compaction.model");
  static final AttributeKey<Long> ORIGINAL_CHARS =
      AttributeKey.longKey("kimi.agent.tool_result.chars");
  static final AttributeKey<Long> KEPT_CHARS =
      AttributeKey.longKey("kimi.agent.tool_result.kept_chars");

  private AgentSpanEvents() {}

  /**
   * Returns the listener.
   *
   * @return a listener that records on the current span
   */
  public static AgentSpanEvents create() {
    return new AgentSpanEvents();
  }

  @Override
  public void onEvent(RunEvent event) {
    Span span = Span.current();
    if (!span.isRecording()) {
      return;
    }
    AttributesBuilder a = Attributes.builder().put(RUN, event.runId());
    String name;
    if (event instanceof RunEvent.Claimed e) {
      name = CLAIMED;
      a.put(UNTIL, e.until().toString());
    } else if (event instanceof RunEvent.Taken e) {
      name = TAKEN;
      a.put(HOLDER, e.holder()).put(UNTIL, e.until().toString());
    } else if (event instanceof RunEvent.Resumed e) {
      name = RESUMED;
      a.put(REVISION, e.revision()).put(STATUS, e.status().name().toLowerCase(Locale.ROOT));
      a.put(CALLS, (long) e.decisions());
    } else if (event instanceof RunEvent.Paused e) {
      name = PAUSED;
      a.put(CALLS, (long) e.pending().size());
    } else if (event instanceof RunEvent.InDoubt e) {
      name = IN_DOUBT;
      a.put(CALLS, (long) e.calls().size());
    } else if (event instanceof RunEvent.Decided e) {
      name = DECIDED;
      DecisionRecord r = e.record();
      a.put(TOOL, r.tool())
          .put(DECISION_SEQ, (long) r.sequence())
          .put(DECISION_CALL, r.callId())
          .put(DECISION_ACTION, r.action().name().toLowerCase(Locale.ROOT))
          .put(DECISION_AT, r.at().toString())
          .put(DECISION_POLICY, r.policy())
          .put(DECISION_APPROVERS, (long) r.approvers());
      if (r.by() != null) {
        a.put(DECISION_BY, r.by());
      }
      if (r.comment() != null) {
        a.put(DECISION_COMMENT, r.comment());
      }
    } else if (event instanceof RunEvent.Approved e) {
      name = APPROVED;
      a.put(TOOL, e.tool()).put(STEP, (long) e.step()).put(HOW, e.how());
      if (!e.approvals().isEmpty()) {
        List<String> by = new ArrayList<>();
        List<String> at = new ArrayList<>();
        List<String> comments = new ArrayList<>();
        for (Decision.Approver p : e.approvals()) {
          by.add(p.name());
          at.add(p.at().toString());
          comments.add(p.comment() == null ? "" : p.comment());
        }
        a.put(APPROVED_BY, by).put(APPROVED_AT, at).put(APPROVED_COMMENTS, comments);
      }
      if (e.waited() != null) {
        a.put(WAITED, e.waited().toNanos() / 1e9);
      }
    } else if (event instanceof RunEvent.Denied e) {
      name = DENIED;
      a.put(TOOL, e.tool()).put(STEP, (long) e.step()).put(BY, e.by());
      if (e.approver() != null) {
        a.put(DENIED_APPROVER, e.approver().name()).put(DENIED_AT, e.approver().at().toString());
        if (e.approver().comment() != null) {
          a.put(DENIED_COMMENT, e.approver().comment());
        }
      }
    } else if (event instanceof RunEvent.Expired e) {
      name = EXPIRED;
      a.put(TOOL, e.tool())
          .put(STEP, (long) e.step())
          .put(EXPIRED_THEN, e.then().name().toLowerCase(Locale.ROOT))
          .put(EXPIRED_AFTER, e.after().toNanos() / 1e9)
          .put(EXPIRED_AT, e.at().toString());
    } else if (event instanceof RunEvent.AgentChanged e) {
      name = AGENT_CHANGED;
      a.put(SAVED_BY, e.savedBy())
          .put(RESUMED_BY, e.resumedBy())
          .put(ADDED, e.added())
          .put(REMOVED, e.removed())
          .put(CHANGED, e.changed())
          .put(RULE, e.rule().name().toLowerCase(Locale.ROOT))
          .put(CONTINUED, e.continued());
    } else if (event instanceof RunEvent.AskedAgain e) {
      name = ASKED_AGAIN;
      a.put(TOOL, e.tool()).put(STEP, (long) e.step());
    } else if (event instanceof RunEvent.Compacted e) {
      name = COMPACTED;
      CompactionReport r = e.report();
      a.put(STEP, (long) e.step())
          .put(SUMMARY_MODEL, r.model())
          .put(SUMMARIZED, (long) r.summarized())
          .put(TOKENS_BEFORE, (long) r.tokensBefore())
          .put(TOKENS_AFTER, (long) r.tokensAfter())
          .put(BYTES_BEFORE, r.bytesBefore())
          .put(BYTES_AFTER, r.bytesAfter())
          .put(CACHE_GIVEN_UP, (long) r.cacheGivenUp());
      if (r.usage() != null) {
        a.put(GenAi.INPUT_TOKENS, (long) r.usage().promptTokens())
            .put(GenAi.OUTPUT_TOKENS, (long) r.usage().completionTokens());
        if (r.usage().cachedTokens() != null) {
          a.put(GenAi.CACHE_READ_TOKENS, (long) r.usage().cachedTokens());
        }
      }
      if (r.cost() != null) {
        a.put(GenAi.COST, r.cost().total().doubleValue())
            .put(GenAi.COST_CURRENCY, r.cost().currency().getCurrencyCode());
      }
    } else if (event instanceof RunEvent.ToolResultCut e) {
      name = TOOL_RESULT_CUT;
      a.put(TOOL, e.tool())
          .put(STEP, (long) e.step())
          .put(ORIGINAL_CHARS, (long) e.originalChars())
          .put(KEPT_CHARS, (long) e.keptChars());
    } else {
      return; // the model's calls have spans of their own, and tools' (AgentSpans)
    }
    span.addEvent(name, a.build());
  }

  @Override
  public String toString() {
    return "AgentSpanEvents";
  }
}
