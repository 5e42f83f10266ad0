package io.github.kimisdk.agents;

import io.github.kimisdk.json.JsonValue;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * The decisions of a turn: finds the one that answers a waiting call (recorded in the state, else
 * handed in), holds it to what it is bound to, records a new one before the call it allows runs,
 * counts approvers under a policy that needs more than one, and expires a call that waited too
 * long. One per turn, on the thread that drives the run.
 */
final class Decisions {
  private final Loop run;
  private final RunData d;

  Decisions(Loop run) {
    this.run = run;
    this.d = run.data();
  }

  /**
   * What {@link #find} found for a call.
   *
   * @param recorded the decision recorded for it now, or null
   * @param complete whether the decision may be carried out (every approver it needs has approved)
   * @param changed whether the state changed (a decision recorded, or one set aside)
   * @param pending the call as it waits, with who approved it so far
   */
  record Found(RunData.Recorded recorded, boolean complete, boolean changed, PendingCall pending) {}

  /**
   * Finds the decision on {@code p}: one recorded in the state, else one handed in; either only
   * while it is bound to the call as it is now. A new one is recorded in the state.
   *
   * @throws IllegalArgumentException when a person approves a call a second time under a policy
   *     that needs several approvers (nothing has run)
   */
  Found find(PendingCall p, List<Decision> decisions, AgentTool tool) {
    boolean changed = false;
    RunData.Recorded saved = d.turn.decisions.get(p.position());
    if (saved != null) {
      String why = mismatch(saved.kind(), saved.tool(), saved.argumentsSha256(), saved.policy(), p);
      if (why != null) {
        run.tracing().emit(new RunEvent.AskedAgain(d.id, p.step(), p.position(), p.tool(), why));
        d.turn.decisions.remove(p.position());
        saved = null;
        changed = true;
      }
    }
    int needed = needed(p, tool);
    for (Decision dec : decisions) {
      Decision.Target t = dec.target();
      if (!t.callId().equals(p.id())) {
        continue;
      }
      String why = mismatch(t.kind(), t.tool(), t.argumentsSha256(), t.policy(), p);
      if (why == null && t.token() != null) {
        why = tokenMismatch(t, p);
      }
      if (why != null) {
        if (t.token() != null) {
          throw new IllegalArgumentException(
              "the decision token for call "
                  + p.id()
                  + " does not match it: "
                  + why
                  + "; nothing ran");
        }
        run.tracing().emit(new RunEvent.AskedAgain(d.id, p.step(), p.position(), p.tool(), why));
        continue;
      }
      if (saved != null && saved.verdict().equals("approve") && dec instanceof Decision.Approve) {
        saved = approveAgain(saved, dec, p, needed);
      } else {
        saved = record(dec, p, needed);
      }
      d.turn.decisions.put(p.position(), saved);
      changed = true;
    }
    if (saved == null) {
      return new Found(null, false, changed, p);
    }
    boolean complete =
        !saved.verdict().equals("approve") || needed <= 1 || saved.approvals().size() >= needed;
    PendingCall waiting = p;
    if (!complete) {
      List<String> names = new ArrayList<>();
      saved.approvals().forEach(a -> names.add(a.name()));
      waiting =
          new PendingCall(
              p.kind(),
              p.runId(),
              p.step(),
              p.position(),
              p.callId(),
              p.tool(),
              p.arguments(),
              p.reason(),
              p.policy(),
              p.argumentsSha256(),
              p.idempotencyKey(),
              p.since(),
              names);
    }
    return new Found(saved, complete, changed, waiting);
  }

  /** How many different approvers the call's approval needs (a call in doubt: one). */
  private static int needed(PendingCall p, AgentTool tool) {
    if (p.kind() == PendingCall.Kind.IN_DOUBT) {
      return 1;
    }
    return tool == null ? 1 : tool.approval().approvers();
  }

  private RunData.Recorded approveAgain(
      RunData.Recorded saved, Decision dec, PendingCall p, int needed) {
    Decision.Approver by = dec.approver();
    if (needed > 1) {
      if (by == null) {
        throw unnamed(p, needed);
      }
      for (Decision.Approver a : saved.approvals()) {
        if (a.name().equals(by.name())) {
          throw new IllegalArgumentException(
              by.name()
                  + " has already approved the call "
                  + p.id()
                  + "; it needs "
                  + needed
                  + " different approvers, so the next approval must come from someone else;"
                  + " nothing ran");
        }
      }
    }
    List<Decision.Approver> all = new ArrayList<>(saved.approvals());
    if (by != null) {
      all.add(by);
    }
    Decision.Approve a = (Decision.Approve) dec;
    if (a.allowance() != null) {
      d.allowances.add(new RunData.Grant(a.allowance(), p.policy()));
    }
    return saved.approvedAgain(
        saved.arguments() != null ? saved.arguments() : a.editedArguments(),
        all,
        dec.target().token() != null ? tokenId(dec.target()) : saved.token());
  }

  private static IllegalArgumentException unnamed(PendingCall p, int needed) {
    return new IllegalArgumentException(
        "the call "
            + p.id()
            + " needs "
            + needed
            + " different approvers: name each with Decision.by(who, comment); nothing ran");
  }

  private RunData.Recorded record(Decision dec, PendingCall p, int needed) {
    List<Decision.Approver> by = dec.approver() == null ? List.of() : List.of(dec.approver());
    if (dec instanceof Decision.Approve && needed > 1 && dec.approver() == null) {
      throw unnamed(p, needed);
    }
    String token = dec.target().token() == null ? null : tokenId(dec.target());
    String verdict;
    String arguments = null;
    String text = null;
    if (dec instanceof Decision.Approve a) {
      if (a.allowance() != null) {
        d.allowances.add(new RunData.Grant(a.allowance(), p.policy()));
      }
      verdict = "approve";
      arguments = a.editedArguments();
    } else if (dec instanceof Decision.Reject x) {
      verdict = "reject";
      text = x.message();
    } else if (dec instanceof Decision.Answer x) {
      verdict = "answer";
      text = x.content();
    } else {
      throw new AssertionError(dec);
    }
    return new RunData.Recorded(
        verdict, p.kind(), p.tool(), p.argumentsSha256(), p.policy(), arguments, text, by, token);
  }

  /** A token's short id, kept with the decision: the start of its MAC. */
  private static String tokenId(Decision.Target t) {
    String token = t.token();
    return Ids.sha256(token).substring(0, 16);
  }

  /** Why a token names another instance of this run, or null. */
  private String tokenMismatch(Decision.Target t, PendingCall p) {
    String issued = DecisionTokens.verify(run.agent.key, t);
    return issued.equals(DecisionTokens.keyDigest(p.idempotencyKey()))
        ? null
        : "it was issued for an earlier run under the same id, not this one";
  }

  static String mismatch(
      PendingCall.Kind kind, String tool, String sha, String policy, PendingCall now) {
    if (kind != null && kind != now.kind()) {
      return "the decision answered a call of kind " + kind + "; the call is now " + now.kind();
    }
    if (tool != null && !tool.equals(now.tool())) {
      return "the decision was for the tool " + tool + "; the call is now to " + now.tool();
    }
    if (!sha.equals(now.argumentsSha256())) {
      return "the arguments changed since the decision was made";
    }
    if (policy != null && !policy.equals(now.policy())) {
      return "the approval policy changed from " + policy + " to " + now.policy();
    }
    return null;
  }

  boolean covered(String name, JsonValue args, String policy) {
    for (RunData.Grant g : d.allowances) {
      if (g.policy().equals(policy) && g.allowance().covers(name, args)) {
        return true;
      }
    }
    return false;
  }

  /** Whether a call waiting for approval has waited longer than its tool's approval allows. */
  boolean expired(AgentTool tool, PendingCall p, Instant now) {
    Duration limit = tool.approval().expiresAfter();
    return limit != null
        && p.kind() == PendingCall.Kind.APPROVAL
        && p.since() != null
        && !now.isBefore(p.since().plus(limit));
  }

  /**
   * Tells that a call waited too long, and returns what the model reads when its approval rejects
   * such a call; null when it escalates (the call keeps waiting, and the event says so).
   */
  String expire(AgentTool tool, PendingCall p) {
    Approval a = tool.approval();
    run.tracing()
        .emit(
            new RunEvent.Expired(
                d.id, p.step(), p.position(), p.tool(), a.onExpiry(), a.expiresAfter()));
    if (a.onExpiry() == Approval.Expiry.REJECT) {
      d.turn.decisions.remove(p.position());
      return "Error: rejected: nobody approved the call within " + a.expiresAfter();
    }
    return null;
  }
}
