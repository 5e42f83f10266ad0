package io.github.kimisdk.agents;

import io.github.kimisdk.json.Json;
import io.github.kimisdk.json.JsonException;
import io.github.kimisdk.json.JsonObject;
import io.github.kimisdk.json.JsonString;
import io.github.kimisdk.json.JsonValue;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.Locale;

/**
 * The decision kinds as text, named here alone: the verdict a run's saved form records for a
 * decision, the transport form of a decision ({@link Decision#toJson()}, {@link
 * Decision#fromJson}), and the rules a decision must hold to answer a waiting call ({@link
 * RunState#refusal}), which {@link Agent#resume} applies too. A new kind of decision is a record of
 * {@link Decision}, its name and its members here, and what a turn does with it.
 */
final class DecisionForm {
  static final String APPROVE = "approve";
  static final String REJECT = "reject";
  static final String ANSWER = "answer";

  private DecisionForm() {}

  /** The verdict's name of a decision. */
  static String verdict(Decision d) {
    if (d instanceof Decision.Approve) {
      return APPROVE;
    }
    if (d instanceof Decision.Reject) {
      return REJECT;
    }
    if (d instanceof Decision.Answer) {
      return ANSWER;
    }
    throw new AssertionError(d);
  }

  /** A verdict read from a saved run, checked. */
  static String savedVerdict(String v) {
    if (APPROVE.equals(v) || REJECT.equals(v) || ANSWER.equals(v)) {
      return v;
    }
    throw new IllegalArgumentException("unknown decision in the saved run: " + Texts.quoted(v));
  }

  static String write(Decision d) {
    Decision.Target t = d.target();
    if (t.token() != null) {
      throw new IllegalStateException(
          "a decision on a signed token is not written out (the token is a credential):"
              + " decide by the call's id and digest, Decision.Target.of(callId, argumentsSha256)");
    }
    JsonObject.Builder o =
        JsonObject.builder()
            .put("callId", t.callId())
            .put("argumentsSha256", t.argumentsSha256())
            .put("verdict", verdict(d));
    if (t.policy() != null) {
      o.put("policy", t.policy());
    }
    if (t.tool() != null) {
      o.put("tool", t.tool());
    }
    if (t.kind() != null) {
      o.put("kind", t.kind().name().toLowerCase(Locale.ROOT));
    }
    if (d instanceof Decision.Approve a) {
      if (a.editedArguments() != null) {
        o.put("arguments", a.editedArguments());
      }
      if (a.allowance() != null) {
        JsonObject.Builder allow = JsonObject.builder().put("tool", a.allowance().tool());
        if (a.allowance().arguments() != null) {
          allow.put("arguments", a.allowance().arguments());
        }
        o.put("allow", allow.build());
      }
    } else if (d instanceof Decision.Reject r) {
      o.put("message", r.message());
    } else if (d instanceof Decision.Answer x) {
      o.put("message", x.content());
    }
    Decision.Approver by = d.approver();
    if (by != null) {
      o.put("by", by.name()).put("at", by.at().toString());
      if (by.comment() != null) {
        o.put("comment", by.comment());
      }
    }
    return Json.write(o.build());
  }

  static Decision read(String json) {
    JsonValue v;
    try {
      v = Json.parse(json);
    } catch (JsonException e) {
      throw new IllegalArgumentException("a decision is a JSON object: " + e.getMessage(), e);
    }
    if (!(v instanceof JsonObject o)) {
      throw new IllegalArgumentException("a decision is a JSON object");
    }
    String kind = text(o, "kind");
    Decision.Target target =
        new Decision.Target(
            required(o, "callId"),
            required(o, "argumentsSha256"),
            text(o, "tool"),
            text(o, "policy"),
            kind == null ? null : kind(kind),
            null);
    String verdict = required(o, "verdict");
    String arguments = text(o, "arguments");
    JsonValue allow = o.get("allow");
    String message = text(o, "message");
    if (!verdict.equals(APPROVE) && (arguments != null || allow != null)) {
      throw new IllegalArgumentException("only an approval edits arguments or allows a tool");
    }
    if (arguments != null) {
      jsonObject(arguments, "the edited arguments");
    }
    Decision d;
    switch (verdict) {
      case APPROVE:
        if (message != null) {
          throw new IllegalArgumentException(
              "an approval carries no message (a rejection's or an answer's)");
        }
        d = new Decision.Approve(target, arguments, allowance(allow), null);
        break;
      case REJECT:
        d = new Decision.Reject(target, needed(message, verdict), null);
        break;
      case ANSWER:
        d = new Decision.Answer(target, needed(message, verdict), null);
        break;
      default:
        throw new IllegalArgumentException(
            "a verdict is approve, reject or answer: " + Texts.quoted(verdict));
    }
    String by = text(o, "by");
    if (by == null) {
      if (o.get("at") != null || o.get("comment") != null) {
        throw new IllegalArgumentException("a decision's time and comment go with who made it");
      }
      return d;
    }
    String at = text(o, "at");
    Instant when;
    try {
      when = at == null ? Instant.now() : Instant.parse(at);
    } catch (DateTimeParseException e) {
      throw new IllegalArgumentException("a decision's time is an ISO-8601 instant", e);
    }
    return withApprover(d, new Decision.Approver(by, when, text(o, "comment")));
  }

  /** {@code d} made by {@code by}, at the time {@code by} names. */
  static Decision withApprover(Decision d, Decision.Approver by) {
    if (d instanceof Decision.Approve a) {
      return new Decision.Approve(a.target(), a.editedArguments(), a.allowance(), by);
    }
    if (d instanceof Decision.Reject r) {
      return new Decision.Reject(r.target(), r.message(), by);
    }
    if (d instanceof Decision.Answer x) {
      return new Decision.Answer(x.target(), x.content(), by);
    }
    throw new AssertionError(d);
  }

  /**
   * Why {@code d} cannot answer {@code call} as it waits (approved so far by {@code approvedBy}),
   * or null: the call's kind, tool, arguments and policy as the decision is bound to them, an
   * allowance for another tool than the call's, a second approval by one person.
   */
  static String refusal(Decision d, PendingCall call, List<String> approvedBy) {
    Decision.Target t = d.target();
    String why = call.mismatch(t.kind(), t.tool(), t.argumentsSha256(), t.policy());
    if (why != null) {
      return "call " + call.id() + " cannot take the decision: " + why;
    }
    why = otherTool(d, call);
    if (why != null) {
      return why;
    }
    if (d instanceof Decision.Approve a) {
      if (a.approver() != null && approvedBy.contains(a.approver().name())) {
        return a.approver().name()
            + " has already approved the call "
            + call.id()
            + "; it needs different approvers, so the next approval must come from someone else";
      }
    }
    return null;
  }

  /** Why an approval's allowance is not for the call's own tool, or null. */
  static String otherTool(Decision d, PendingCall call) {
    if (d instanceof Decision.Approve a
        && a.allowance() != null
        && !a.allowance().tool().equals(call.tool())) {
      return "an approval allows the call's own tool ("
          + call.tool()
          + ") for the rest of the run, not "
          + a.allowance().tool();
    }
    return null;
  }

  private static Allowance allowance(JsonValue allow) {
    if (allow == null) {
      return null;
    }
    if (!(allow instanceof JsonObject a)) {
      throw new IllegalArgumentException(
          "\"allow\" is an object: {\"tool\": ..., \"arguments\": {...}}");
    }
    String tool = required(a, "tool");
    JsonValue args = a.get("arguments");
    if (args == null) {
      return Allowance.tool(tool);
    }
    if (!(args instanceof JsonObject pattern)) {
      throw new IllegalArgumentException("the allowed arguments must be a JSON object");
    }
    return Allowance.matching(tool, pattern);
  }

  private static PendingCall.Kind kind(String k) {
    for (PendingCall.Kind x : PendingCall.Kind.values()) {
      if (x.name().toLowerCase(Locale.ROOT).equals(k)) {
        return x;
      }
    }
    throw new IllegalArgumentException("a call's kind is approval or in_doubt: " + Texts.quoted(k));
  }

  private static String needed(String message, String verdict) {
    if (message == null) {
      throw new IllegalArgumentException(
          (verdict.equals(ANSWER) ? "an " : "a ") + verdict + " needs its message");
    }
    return message;
  }

  private static void jsonObject(String json, String what) {
    try {
      if (Json.parse(json) instanceof JsonObject) {
        return;
      }
    } catch (JsonException e) {
      throw new IllegalArgumentException(what + " must be a JSON object: " + e.getMessage(), e);
    }
    throw new IllegalArgumentException(what + " must be a JSON object");
  }

  private static String required(JsonObject o, String name) {
    String s = text(o, name);
    if (s == null) {
      throw new IllegalArgumentException("a decision names its " + name);
    }
    return s;
  }

  private static String text(JsonObject o, String name) {
    JsonValue v = o.get(name);
    if (v == null || v instanceof io.github.kimisdk.json.JsonNull) {
      return null;
    }
    if (v instanceof JsonString s) {
      return s.value();
    }
    throw new IllegalArgumentException("a decision's " + name + " is a string");
  }
}
