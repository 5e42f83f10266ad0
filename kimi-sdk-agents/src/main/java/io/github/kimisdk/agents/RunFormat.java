package io.github.kimisdk.agents;

import io.github.kimisdk.chat.AssistantMessage;
import io.github.kimisdk.chat.Conversation;
import io.github.kimisdk.json.Json;
import io.github.kimisdk.json.JsonArray;
import io.github.kimisdk.json.JsonBoolean;
import io.github.kimisdk.json.JsonException;
import io.github.kimisdk.json.JsonNumber;
import io.github.kimisdk.json.JsonObject;
import io.github.kimisdk.json.JsonString;
import io.github.kimisdk.json.JsonValue;
import java.math.BigDecimal;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Currency;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The saved form of a run ({@code "format": "kimi-sdk.agent-run"}): writes {@link RunData} as
 * version {@value RunState#VERSION} and reads every version any build wrote (1 to 4). Every field
 * of {@link RunData} is written and read here and nowhere else. A pending call's {@code
 * arguments_sha256} and idempotency key are never read back: both are made again from what they
 * stand for, so an edit of a digest alone changes nothing.
 */
final class RunFormat {
  private RunFormat() {}

  static JsonObject write(RunData d) {
    JsonObject.Builder o = JsonObject.builder();
    o.put("format", RunState.FORMAT).put("version", version(d)).put("id", d.id);
    if (d.instance != null) {
      o.put("instance", d.instance);
    }
    o.put("revision", d.revision);
    o.put("status", d.status.name().toLowerCase(Locale.ROOT));
    JsonArray.Builder tools = JsonArray.builder();
    JsonObject.Builder digests = JsonObject.builder();
    d.tools.forEach(
        (name, digest) -> {
          tools.add(name);
          if (digest != null) {
            digests.put(name, digest);
          }
        });
    JsonObject.Builder agent =
        JsonObject.builder()
            .put("name", d.agentName)
            .put("version", d.agentVersion)
            .put("tools", tools.build());
    JsonObject toolDigests = digests.build();
    if (!toolDigests.members().isEmpty()) {
      agent.put("tool_digests", toolDigests);
    }
    if (d.agentDigest != null) {
      agent.put("digest", d.agentDigest);
    }
    o.put("agent", agent.build());
    o.put("model", d.model).put("steps", d.steps);
    if (d.childSteps > 0) {
      o.put("child_steps", d.childSteps);
    }
    JsonObject.Builder limits = JsonObject.builder().put("max_steps", d.maxSteps);
    if (d.maxTotalTokens > 0) {
      limits.put("max_total_tokens", d.maxTotalTokens);
    }
    if (d.maxSpend != null) {
      limits.put("max_spend", d.maxSpend.toPlainString());
      limits.put("currency", d.currency.getCurrencyCode());
    }
    o.put("limits", limits.build());
    o.put("new_message_index", d.newMessageIndex);
    Conversation c = Conversation.withId(d.id);
    c.addAll(d.messages);
    d.usage.forEach(c::addUsage);
    o.put("conversation", Json.parse(c.toJson()));
    if (d.turn != null) {
      o.put("turn", turn(d.turn));
    }
    JsonArray.Builder grants = JsonArray.builder();
    for (RunData.Grant g : d.allowances) {
      JsonObject.Builder a =
          JsonObject.builder().put("tool", g.allowance().tool()).put("policy", g.policy());
      if (g.allowance().arguments() != null) {
        a.put("arguments", g.allowance().arguments());
      }
      grants.add(a.build());
    }
    o.put("allowances", grants.build());
    JsonArray.Builder pending = JsonArray.builder();
    d.pending.forEach(p -> pending.add(pending(p, d.id)));
    o.put("pending", pending.build());
    if (d.note != null) {
      o.put("note", d.note);
    }
    if (!d.labels.isEmpty()) {
      JsonObject.Builder labels = JsonObject.builder();
      d.labels.forEach(labels::put);
      o.put("labels", labels.build());
    }
    if (d.createdAt != null) {
      o.put("created_at", d.createdAt.toString());
    }
    if (d.updatedAt != null) {
      o.put("updated_at", d.updatedAt.toString());
    }
    if (d.trace != null) {
      o.put("trace", d.trace);
    }
    if (!d.decisionRecords.isEmpty()) {
      JsonArray.Builder entries = JsonArray.builder();
      d.decisionRecords.forEach(r -> entries.add(record(r, true)));
      o.put(
          DecisionChain.MEMBER,
          JsonObject.builder()
              .put("count", d.decisionRecords.size())
              .put("entries", entries.build())
              .build());
    }
    return o.build();
  }

  /** A decision record in the saved form; with its MAC, or without it for the MAC's own text. */
  static JsonObject record(DecisionRecord r, boolean withMac) {
    JsonObject.Builder o =
        JsonObject.builder()
            .put("seq", r.sequence())
            .put("call_id", r.callId())
            .put("tool", r.tool())
            .put("arguments_sha256", r.argumentsSha256())
            .put("action", r.action().wire());
    if (r.editedArgumentsSha256() != null) {
      o.put("edited_arguments_sha256", r.editedArgumentsSha256());
    }
    if (r.by() != null) {
      o.put("by", r.by());
    }
    o.put("at", r.at().toString());
    if (r.comment() != null) {
      o.put("comment", r.comment());
    }
    if (r.message() != null) {
      o.put("message", r.message());
    }
    o.put("policy", r.policy()).put("approvers", r.approvers());
    if (r.token() != null) {
      o.put("token", r.token());
    }
    if (withMac && r.mac() != null) {
      o.put(Seal.MAC, r.mac());
    }
    return o.build();
  }

  /** Reads a decision record of the saved form. */
  static DecisionRecord record(JsonObject o) {
    return new DecisionRecord(
        Fields.num(o, "seq").intValue(),
        Ids.callId(Fields.str(o, "call_id")).group(0),
        Fields.str(o, "tool"),
        Fields.str(o, "arguments_sha256"),
        DecisionRecord.Action.of(Fields.str(o, "action")),
        Fields.opt(o, "edited_arguments_sha256"),
        Fields.opt(o, "by"),
        instant(o, "at"),
        Fields.opt(o, "comment"),
        Fields.opt(o, "message"),
        Fields.str(o, "policy"),
        Fields.num(o, "approvers").intValue(),
        Fields.opt(o, "token"),
        Fields.opt(o, Seal.MAC));
  }

  /**
   * The version a state is written as: the lowest that holds everything it holds, so that a run a
   * build of an earlier version saved, and this one has not changed, reads there too.
   */
  static int version(RunData d) {
    if (v4(d)) {
      return 4;
    }
    if (v3(d)) {
      return 3;
    }
    boolean v2 = d.childSteps > 0 || (d.turn != null && !d.turn.children().isEmpty());
    for (PendingCall p : d.pending) {
      v2 |= !p.runId().equals(d.id);
    }
    return v2 ? 2 : 1;
  }

  /** Version 4: a decision record, or a recorded decision that kept when its call began to wait. */
  private static boolean v4(RunData d) {
    boolean v4 = !d.decisionRecords.isEmpty();
    if (d.turn != null) {
      for (RunData.Recorded r : d.turn.decisions().values()) {
        v4 |= r.since() != null;
      }
      for (RunData child : d.turn.children().values()) {
        v4 |= v4(child);
      }
    }
    return v4;
  }

  private static boolean v3(RunData d) {
    boolean v3 =
        d.instance != null
            || d.agentDigest != null
            || !d.labels.isEmpty()
            || d.createdAt != null
            || d.updatedAt != null
            || d.trace != null
            || d.tools.values().stream().anyMatch(java.util.Objects::nonNull);
    for (PendingCall p : d.pending) {
      v3 |= p.since() != null || !p.approvedBy().isEmpty();
    }
    if (d.turn != null) {
      for (RunData.Recorded r : d.turn.decisions().values()) {
        v3 |= !r.approvals().isEmpty() || r.token() != null;
      }
      for (RunData child : d.turn.children().values()) {
        v3 |= v3(child);
      }
    }
    return v3;
  }

  private static JsonObject turn(RunData.OpenTurn t) {
    JsonArray.Builder results = JsonArray.builder();
    t.results()
        .forEach(
            (pos, r) ->
                results.add(
                    JsonObject.builder()
                        .put("position", pos)
                        .put("content", r.content())
                        .put("error", r.error())
                        .build()));
    JsonArray.Builder decisions = JsonArray.builder();
    t.decisions().forEach((pos, r) -> decisions.add(decision(pos, r)));
    JsonObject.Builder turn =
        JsonObject.builder()
            .put("step", t.step)
            .put("results", results.build())
            .put("decisions", decisions.build());
    if (!t.children().isEmpty()) {
      JsonArray.Builder children = JsonArray.builder();
      t.children()
          .forEach(
              (pos, run) ->
                  children.add(
                      JsonObject.builder().put("position", pos).put("run", write(run)).build()));
      turn.put("children", children.build());
    }
    return turn.build();
  }

  private static JsonObject decision(int pos, RunData.Recorded r) {
    JsonObject.Builder o =
        JsonObject.builder()
            .put("position", pos)
            .put("decision", r.verdict())
            .put("kind", r.kind().name().toLowerCase(Locale.ROOT))
            .put("tool", r.tool())
            .put("arguments_sha256", r.argumentsSha256())
            .put("policy", r.policy());
    if (r.arguments() != null) {
      o.put("arguments", r.arguments());
    }
    if (r.text() != null) {
      o.put("text", r.text());
    }
    if (!r.approvals().isEmpty()) {
      JsonArray.Builder by = JsonArray.builder();
      for (Decision.Approver a : r.approvals()) {
        JsonObject.Builder x =
            JsonObject.builder().put("by", a.name()).put("at", a.at().toString());
        if (a.comment() != null) {
          x.put("comment", a.comment());
        }
        by.add(x.build());
      }
      o.put("approvals", by.build());
    }
    if (r.token() != null) {
      o.put("token", r.token());
    }
    if (r.since() != null) {
      o.put("since", r.since().toString());
    }
    return o.build();
  }

  private static JsonObject pending(PendingCall p, String runId) {
    JsonObject.Builder o =
        JsonObject.builder().put("kind", p.kind().name().toLowerCase(Locale.ROOT));
    if (!p.runId().equals(runId)) {
      o.put("run_id", p.runId()); // a subagent's call
    }
    o.put("step", p.step()).put("position", p.position());
    if (p.callId() != null) {
      o.put("call_id", p.callId());
    }
    o.put("tool", p.tool())
        .put("arguments", p.arguments())
        .put("reason", p.reason())
        .put("policy", p.policy())
        .put("arguments_sha256", p.argumentsSha256());
    if (p.since() != null) {
      o.put("since", p.since().toString());
    }
    if (!p.approvedBy().isEmpty()) {
      JsonArray.Builder by = JsonArray.builder();
      p.approvedBy().forEach(by::add);
      o.put("approved_by", by.build());
    }
    return o.build();
  }

  /**
   * Reads a saved run of any version this SDK reads.
   *
   * @throws IllegalArgumentException when it is not a saved run, or of a newer version
   */
  static RunData read(JsonObject o) {
    if (!(o.get("format") instanceof JsonString f) || !f.value().equals(RunState.FORMAT)) {
      throw new IllegalArgumentException(
          "not a saved agent run: expected an object with \"format\": \"" + RunState.FORMAT + "\"");
    }
    if (!(o.get("version") instanceof JsonNumber v) || v.intValue() < 1) {
      throw new IllegalArgumentException("a saved agent run needs a \"version\" of 1 or more");
    }
    if (v.intValue() > RunState.VERSION) {
      throw new IllegalArgumentException(
          "this saved agent run is of version "
              + v.literal()
              + ", newer than this SDK reads ("
              + RunState.VERSION
              + "); load it with the kimi-sdk-agents release that wrote it, or a later one");
    }
    try {
      return data(o);
    } catch (IllegalArgumentException
        | JsonException
        | NullPointerException
        | ClassCastException e) {
      throw new IllegalArgumentException("a saved agent run: " + e.getMessage(), e);
    }
  }

  private static RunData data(JsonObject o) {
    RunData d = new RunData();
    d.id = Ids.runId(Fields.str(o, "id"));
    d.instance = Fields.opt(o, "instance");
    d.revision = Fields.num(o, "revision").longValue();
    String status = Fields.str(o, "status");
    try {
      d.status = RunState.Status.valueOf(status.toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("unknown \"status\": " + status, e);
    }
    JsonObject agent = obj(o, "agent");
    d.agentName = Fields.str(agent, "name");
    d.agentVersion = Fields.str(agent, "version");
    JsonObject digests = agent.get("tool_digests") instanceof JsonObject x ? x : JsonObject.of();
    for (JsonValue t : arr(agent, "tools")) {
      String name = t.asString();
      d.tools.put(name, digests.get(name) == null ? null : digests.get(name).asString());
    }
    d.agentDigest = Fields.opt(agent, "digest");
    d.model = Fields.str(o, "model");
    d.steps = Fields.num(o, "steps").intValue();
    if (o.get("child_steps") instanceof JsonNumber cs) {
      d.childSteps = cs.intValue();
    }
    JsonObject limits = obj(o, "limits");
    d.maxSteps = Fields.num(limits, "max_steps").intValue();
    if (limits.get("max_total_tokens") instanceof JsonNumber n) {
      d.maxTotalTokens = n.longValue();
    }
    if (limits.get("max_spend") instanceof JsonString s) {
      d.maxSpend = new BigDecimal(s.value());
      d.currency = Currency.getInstance(Fields.str(limits, "currency"));
    }
    d.newMessageIndex = Fields.num(o, "new_message_index").intValue();
    Conversation c = Conversation.fromJson(Json.write(obj(o, "conversation")));
    d.messages.addAll(c.messages());
    d.usage.putAll(c.usageByModel());
    if (o.get("turn") instanceof JsonObject t) {
      d.turn = openTurn(t, d);
    }
    for (JsonValue gv : arr(o, "allowances")) {
      JsonObject g = gv.asObject();
      JsonValue args = g.get("arguments");
      d.allowances.add(
          new RunData.Grant(
              new Allowance(Fields.str(g, "tool"), args == null ? null : args.asObject()),
              Fields.str(g, "policy")));
    }
    for (JsonValue pv : arr(o, "pending")) {
      d.pending.add(pendingCall(pv.asObject(), d));
    }
    d.note = Fields.opt(o, "note");
    if (o.get("labels") instanceof JsonObject labels) {
      for (Map.Entry<String, JsonValue> e : labels.members().entrySet()) {
        d.labels.put(e.getKey(), e.getValue().asString());
      }
    }
    d.createdAt = instant(o, "created_at");
    d.updatedAt = instant(o, "updated_at");
    d.trace = Fields.opt(o, "trace");
    if (o.get(DecisionChain.MEMBER) instanceof JsonObject record) {
      for (JsonValue e : arr(record, "entries")) {
        d.decisionRecords.add(record(e.asObject()));
      }
    }
    return d;
  }

  private static RunData.OpenTurn openTurn(JsonObject t, RunData d) {
    RunData.OpenTurn turn = new RunData.OpenTurn(Fields.num(t, "step").intValue());
    for (JsonValue rv : arr(t, "results")) {
      JsonObject r = rv.asObject();
      turn.answer(
          Fields.num(r, "position").intValue(),
          new RunData.Result(
              Fields.str(r, "content"), r.get("error") instanceof JsonBoolean b && b.value()));
    }
    for (JsonValue dv : arr(t, "decisions")) {
      JsonObject r = dv.asObject();
      List<Decision.Approver> approvals = new ArrayList<>();
      for (JsonValue av : arr(r, "approvals")) {
        JsonObject a = av.asObject();
        approvals.add(
            new Decision.Approver(Fields.str(a, "by"), instant(a, "at"), Fields.opt(a, "comment")));
      }
      turn.decide(
          Fields.num(r, "position").intValue(),
          new RunData.Recorded(
              DecisionForm.savedVerdict(Fields.str(r, "decision")),
              kind(Fields.str(r, "kind")),
              Fields.str(r, "tool"),
              Fields.str(r, "arguments_sha256"),
              Fields.str(r, "policy"),
              Fields.opt(r, "arguments"),
              Fields.opt(r, "text"),
              approvals,
              Fields.opt(r, "token"),
              instant(r, "since")));
    }
    for (JsonValue cv : arr(t, "children")) {
      JsonObject child = cv.asObject();
      JsonObject run = obj(child, "run");
      if (!(run.get("version") instanceof JsonNumber v)
          || v.intValue() < 1
          || v.intValue() > RunState.VERSION) {
        throw new IllegalArgumentException("a subagent's \"run\" has an unknown version");
      }
      turn.adopt(Fields.num(child, "position").intValue(), read(run));
    }
    if (d.messages.isEmpty()
        || !(d.messages.get(d.messages.size() - 1) instanceof AssistantMessage a)
        || !a.hasToolCalls()) {
      throw new IllegalArgumentException("an open \"turn\" needs a last reply with tool calls");
    }
    return turn;
  }

  private static PendingCall pendingCall(JsonObject p, RunData d) {
    String runId = Fields.opt(p, "run_id");
    String instance = d.instance;
    if (runId == null) {
      runId = d.id;
    } else {
      runId = Ids.runId(runId);
      instance = childInstance(d, runId);
    }
    int step = Fields.num(p, "step").intValue();
    int position = Fields.num(p, "position").intValue();
    String arguments = Fields.str(p, "arguments");
    List<String> approvedBy = new ArrayList<>();
    for (JsonValue a : arr(p, "approved_by")) {
      approvedBy.add(a.asString());
    }
    return new PendingCall(
        kind(Fields.str(p, "kind")),
        runId,
        step,
        position,
        Fields.opt(p, "call_id"),
        Fields.str(p, "tool"),
        arguments,
        Fields.str(p, "reason"),
        Fields.str(p, "policy"),
        Ids.sha256(arguments), // never the stored digest: it stands for these arguments
        Ids.idempotencyKey(instance, runId, step, position),
        instant(p, "since"),
        approvedBy);
  }

  /** The instance of the subagent's run {@code runId} nested in {@code d}'s open turns, or null. */
  private static String childInstance(RunData d, String runId) {
    if (d.turn == null) {
      return null;
    }
    for (RunData child : d.turn.children().values()) {
      if (child.id.equals(runId)) {
        return child.instance;
      }
      String deeper = childInstance(child, runId);
      if (deeper != null) {
        return deeper;
      }
    }
    return null;
  }

  private static PendingCall.Kind kind(String s) {
    try {
      return PendingCall.Kind.valueOf(s.toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("unknown call kind: " + s, e);
    }
  }

  private static Instant instant(JsonObject o, String name) {
    String s = Fields.opt(o, name);
    if (s == null) {
      return null;
    }
    try {
      return Instant.parse(s);
    } catch (DateTimeParseException e) {
      throw new IllegalArgumentException("\"" + name + "\" must be an ISO-8601 instant: " + s, e);
    }
  }

  static JsonObject obj(JsonObject o, String name) {
    if (!(o.get(name) instanceof JsonObject x)) {
      throw new IllegalArgumentException("\"" + name + "\" must be an object");
    }
    return x;
  }

  static List<JsonValue> arr(JsonObject o, String name) {
    JsonValue v = o.get(name);
    if (v == null || v.isNull()) {
      return List.of();
    }
    if (!(v instanceof JsonArray a)) {
      throw new IllegalArgumentException("\"" + name + "\" must be an array");
    }
    return a.values();
  }
}
