package io.github.kimisdk.agents;

import io.github.kimisdk.json.Json;
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
    RunData.Recorded saved = d.turn.decisions().get(p.position());
    if (saved != null) {
      String why = p.mismatch(saved.kind(), saved.tool(), saved.argumentsSha256(), saved.policy());
      if (why != null) {
        run.tracing().emit(new RunEvent.AskedAgain(d.id, p.step(), p.position(), p.tool(), why));
        d.turn.withdraw(p.position());
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
      String why = p.mismatch(t.kind(), t.tool(), t.argumentsSha256(), t.policy());
      if (why == null && t.token() != null) {
        why = tokenMismatch(t, p);
      }
      String otherTool = why == null ? DecisionForm.otherTool(dec, p) : null;
      if (otherTool != null) {
        throw new IllegalArgumentException(otherTool + "; nothing ran");
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
      if (saved != null
          && saved.verdict().equals(DecisionForm.APPROVE)
          && dec instanceof Decision.Approve) {
        saved = approveAgain(saved, dec, p, needed);
      } else {
        saved = record(dec, p, needed);
      }
      d.turn.decide(p.position(), saved);
      changed = true;
    }
    if (saved == null) {
      return new Found(null, false, changed, p);
    }
    boolean complete =
        !saved.verdict().equals(DecisionForm.APPROVE)
            || needed <= 1
            || saved.approvals().size() >= needed;
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
    String token = dec.target().token() != null ? tokenId(dec.target()) : null;
    keep(dec, p, needed, token);
    return saved.approvedAgain(
        saved.arguments() != null ? saved.arguments() : a.editedArguments(),
        all,
        token != null ? token : saved.token());
  }

  /**
   * Keeps a decision in the run's record (numbered, chained under the key) and tells it: every
   * decision, the first of several approvals included.
   */
  private void keep(Decision dec, PendingCall p, int needed, String token) {
    DecisionRecord.Action action;
    String edited = null;
    String message = null;
    if (dec instanceof Decision.Approve a) {
      if (a.editedArguments() != null) {
        action = DecisionRecord.Action.APPROVE_EDITED;
        edited = Ids.sha256(a.editedArguments());
      } else if (a.allowance() != null) {
        action = DecisionRecord.Action.APPROVE_AND_ALLOW;
        message = describe(a.allowance());
      } else {
        action = DecisionRecord.Action.APPROVE;
      }
    } else if (dec instanceof Decision.Reject x) {
      action = DecisionRecord.Action.REJECT;
      message = x.message();
    } else if (dec instanceof Decision.Answer x) {
      action = DecisionRecord.Action.ANSWER;
      message = x.content();
    } else {
      throw new AssertionError(dec);
    }
    Decision.Approver by = dec.approver();
    keep(
        p,
        action,
        edited,
        by == null ? null : by.name(),
        by == null ? run.tree.engine.now(run.agent) : by.at(),
        by == null ? null : by.comment(),
        message,
        needed,
        token);
  }

  private void keep(
      PendingCall p,
      DecisionRecord.Action action,
      String edited,
      String by,
      Instant at,
      String comment,
      String message,
      int needed,
      String token) {
    DecisionRecord kept =
        run.tree.record(
            new DecisionRecord(
                1,
                p.id(),
                p.tool(),
                p.argumentsSha256(),
                action,
                edited,
                by,
                at,
                comment,
                message,
                p.policy(),
                needed,
                token,
                null));
    run.tracing().emit(new RunEvent.Decided(d.id, kept));
  }

  private static String describe(Allowance a) {
    return "allows "
        + a.tool()
        + (a.arguments() == null ? "" : " calls holding " + Json.write(a.arguments()))
        + " for the rest of the run";
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
    String arguments = null;
    String text = null;
    if (dec instanceof Decision.Approve a) {
      if (a.allowance() != null) {
        d.allowances.add(new RunData.Grant(a.allowance(), p.policy()));
      }
      arguments = a.editedArguments();
    } else if (dec instanceof Decision.Reject x) {
      text = x.message();
    } else if (dec instanceof Decision.Answer x) {
      text = x.content();
    }
    keep(dec, p, needed, token);
    return new RunData.Recorded(
        DecisionForm.verdict(dec),
        p.kind(),
        p.tool(),
        p.argumentsSha256(),
        p.policy(),
        arguments,
        text,
        by,
        token,
        p.since());
  }

  /**
   * The first decision of {@code decisions} that names a call of {@code d}'s tree which no longer
   * waits and which the run's record says was decided: that the decision lost the race for it (or
   * its token was used before). Null when every decision names a call that waits, or one the record
   * knows nothing of.
   */
  static RunResult.AlreadyDecided alreadyDecided(RunData d, List<Decision> decisions) {
    for (Decision dec : decisions) {
      Decision.Target t = dec.target();
      boolean waits = false;
      for (PendingCall p : d.pending) {
        waits |= p.id().equals(t.callId());
      }
      if (waits) {
        continue;
      }
      DecisionRecord last = null;
      for (DecisionRecord r : d.decisionRecords) {
        if (r.callId().equals(t.callId()) && r.action() != DecisionRecord.Action.ESCALATED) {
          last = r;
        }
      }
      if (last != null) {
        boolean same = t.token() != null && tokenId(t).equals(last.token());
        return new RunResult.AlreadyDecided(d.id, t.callId(), last, same);
      }
    }
    return null;
  }

  /** {@code decisions} without those {@link #alreadyDecided} finds decided in {@code d}. */
  static List<Decision> undecided(RunData d, List<Decision> decisions) {
    if (d == null) {
      return decisions;
    }
    List<Decision> out = new ArrayList<>();
    for (Decision dec : decisions) {
      if (alreadyDecided(d, List.of(dec)) == null) {
        out.add(dec);
      }
    }
    return List.copyOf(out);
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
    Instant now = run.tree.engine.now(run.agent);
    run.tracing()
        .emit(
            new RunEvent.Expired(
                d.id, p.step(), p.position(), p.tool(), a.onExpiry(), a.expiresAfter(), now));
    int needed = needed(p, tool);
    if (a.onExpiry() == Approval.Expiry.REJECT) {
      d.turn.withdraw(p.position());
      String message = "Error: rejected: nobody approved the call within " + a.expiresAfter();
      keep(p, DecisionRecord.Action.EXPIRED, null, null, now, null, message, needed, null);
      return message;
    }
    if (!escalated(p)) { // kept once: the sweeper finds it expired at every sweep after
      keep(p, DecisionRecord.Action.ESCALATED, null, null, now, null, null, needed, null);
    }
    return null;
  }

  /** Whether the run's record holds this call's escalation already, for these arguments. */
  private boolean escalated(PendingCall p) {
    for (DecisionRecord r : run.tree.records()) {
      if (r.action() == DecisionRecord.Action.ESCALATED
          && r.callId().equals(p.id())
          && r.argumentsSha256().equals(p.argumentsSha256())) {
        return true;
      }
    }
    return false;
  }
}
