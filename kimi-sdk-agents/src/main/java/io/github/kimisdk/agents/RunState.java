package io.github.kimisdk.agents;

import io.github.kimisdk.chat.AssistantMessage;
import io.github.kimisdk.chat.Conversation;
import io.github.kimisdk.chat.Message;
import io.github.kimisdk.chat.Usage;
import io.github.kimisdk.json.Json;
import io.github.kimisdk.json.JsonArray;
import io.github.kimisdk.json.JsonBoolean;
import io.github.kimisdk.json.JsonException;
import io.github.kimisdk.json.JsonNumber;
import io.github.kimisdk.json.JsonObject;
import io.github.kimisdk.json.JsonString;
import io.github.kimisdk.json.JsonValue;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Currency;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentSkipListMap;

/**
 * Holds the whole state of an agent run as a value: the messages exactly as the model sent them
 * ({@code reasoning_content} included), the open turn's results and the decisions bound to its
 * calls, the allowances given, the calls it waits on, its steps, usage and limits, and the agent's
 * name, version and tools. It saves to JSON ({@link #toJson()}) and loads in another process or
 * another build of the same minor version ({@link #fromJson(String)}); it holds no key or secret.
 *
 * <p><b>The saved form</b>, version {@value #VERSION}: a JSON object with {@code "format":
 * "kimi-sdk.agent-run"}, {@code "version"}, {@code "id"}, {@code "revision"} (one more at every
 * save), {@code "status"} ({@code running}, {@code paused}, {@code answered}, {@code stopped},
 * {@code failed}), {@code "agent"} ({@code name}, {@code version}, {@code tools}), {@code "model"},
 * {@code "steps"}, {@code "limits"} ({@code max_steps}, and {@code max_total_tokens} and {@code
 * max_spend} with its {@code currency} when set), {@code "new_message_index"}, {@code
 * "conversation"} (the messages and the usage per model in {@link Conversation}'s saved form,
 * version 1), {@code "turn"} (while a reply's tool calls are open: its {@code step}, the {@code
 * results} by call position, the {@code decisions} bound to its calls), {@code "allowances"},
 * {@code "pending"} (the calls a paused run waits on) and {@code "note"} (why it stopped or
 * failed). Version 2 adds {@code "child_steps"} (the model calls its subagents made, once their
 * runs ended) and, in the open turn, {@code "children"}: the saved form of each subagent's run that
 * has not ended, by the position of the call that started it. The format's documentation, member by
 * member, is in {@code docs/agents.md}. A later version of this SDK reads every earlier version; a
 * file of a newer version is refused with an error naming both versions.
 */
public final class RunState {

  /** The value of the {@code format} member of a saved run. */
  public static final String FORMAT = "kimi-sdk.agent-run";

  /**
   * The newest version of the saved form this class reads and writes. A state that holds nothing
   * version 2 added (a subagent's run in its open turn, steps its subagents made) is written as
   * version 1, which a build of the version before reads too.
   */
  public static final int VERSION = 2;

  /** Says where a run stands. */
  public enum Status {
    /** It has not ended: it is being driven, or its worker died (resume it). */
    RUNNING,
    /** It waits on decisions ({@link #pending()}). */
    PAUSED,
    /** The model answered without calling a tool. */
    ANSWERED,
    /** A limit stopped it before the next model call ({@link #note()} says which). */
    STOPPED,
    /** A model call or the store failed ({@link #note()} says how); resuming tries again. */
    FAILED
  }

  private final Data d;

  RunState(Data data) {
    this.d = data.copy();
  }

  /** A run's state while an engine drives it; {@link RunState} holds a copy. Not thread-safe. */
  static final class Data {
    String id;
    long revision;
    Status status = Status.RUNNING;
    String agentName;
    String agentVersion;
    List<String> tools = new ArrayList<>();
    String model;
    int steps;
    int maxSteps;
    long maxTotalTokens;
    BigDecimal maxSpend;
    Currency currency;
    int newMessageIndex;
    List<Message> messages = new ArrayList<>();
    Map<String, Usage> usage = new LinkedHashMap<>();
    Turn turn;
    List<Grant> allowances = new ArrayList<>();
    List<PendingCall> pending = new ArrayList<>();
    String note;
    int childSteps;

    Data copy() {
      Data c = new Data();
      c.id = id;
      c.revision = revision;
      c.status = status;
      c.agentName = agentName;
      c.agentVersion = agentVersion;
      c.tools = List.copyOf(tools);
      c.model = model;
      c.steps = steps;
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
      c.childSteps = childSteps;
      return c;
    }

    /** The reply whose calls are open, or null. */
    AssistantMessage openReply() {
      if (turn == null) {
        return null;
      }
      return (AssistantMessage) messages.get(messages.size() - 1);
    }
  }

  /**
   * The open turn of a run: a reply's calls, the results so far, the decisions recorded, and the
   * runs of its subagents that have not ended (each published by the thread that drives it, as it
   * saves).
   */
  static final class Turn {
    final int step;
    final TreeMap<Integer, Result> results = new TreeMap<>();
    final TreeMap<Integer, Recorded> decisions = new TreeMap<>();
    final ConcurrentSkipListMap<Integer, RunState> children = new ConcurrentSkipListMap<>();

    Turn(int step) {
      this.step = step;
    }

    Turn copy() {
      Turn t = new Turn(step);
      t.results.putAll(results);
      t.decisions.putAll(decisions);
      t.children.putAll(children);
      return t;
    }
  }

  /** A call's result, as the model reads it. */
  record Result(String content, boolean error) {}

  /**
   * A decision recorded against a call before the call runs, with what it was bound to.
   *
   * @param verdict {@code approve}, {@code reject} or {@code answer}
   * @param kind the pending call's kind
   * @param tool the tool the decision was made for
   * @param argumentsSha256 the digest of the arguments it was made for
   * @param policy the approval policy in force when it was made
   * @param arguments the edited arguments, or null
   * @param text the rejection's message or the answer's content, or null
   */
  record Recorded(
      String verdict,
      PendingCall.Kind kind,
      String tool,
      String argumentsSha256,
      String policy,
      String arguments,
      String text) {}

  /** An allowance with the policy it was given under. */
  record Grant(Allowance allowance, String policy) {}

  Data data() {
    return d.copy();
  }

  /**
   * Returns the run's id.
   *
   * @return the id
   */
  public String id() {
    return d.id;
  }

  /**
   * Returns how many times the run was saved: one more at every save.
   *
   * @return the revision, from 1
   */
  public long revision() {
    return d.revision;
  }

  /**
   * Returns where the run stands.
   *
   * @return the status
   */
  public Status status() {
    return d.status;
  }

  /**
   * Returns every message: the run's first messages, then each reply exactly as the model sent it
   * and each tool result.
   *
   * @return the messages, unmodifiable
   */
  public List<Message> messages() {
    return Collections.unmodifiableList(d.messages);
  }

  /**
   * Returns the index in {@link #messages()} of the first message the run added.
   *
   * @return the index
   */
  public int newMessageIndex() {
    return d.newMessageIndex;
  }

  /**
   * Returns the calls the run waits on: empty unless it is {@link Status#PAUSED}.
   *
   * @return the calls, in the order of the reply
   */
  public List<PendingCall> pending() {
    return Collections.unmodifiableList(d.pending);
  }

  /**
   * Returns how many model calls the run made.
   *
   * @return the steps
   */
  public int steps() {
    return d.steps;
  }

  /**
   * Returns the tokens the run used, per model that answered.
   *
   * @return the usage by model id, unmodifiable
   */
  public Map<String, Usage> usageByModel() {
    return Collections.unmodifiableMap(d.usage);
  }

  /**
   * Returns the model the run was started with.
   *
   * @return the model id
   */
  public String model() {
    return d.model;
  }

  /**
   * Returns the name and version of the agent that saved the run, as {@code name@version}.
   *
   * @return the agent
   */
  public String agent() {
    return d.agentName + "@" + d.agentVersion;
  }

  /**
   * Returns the names of the agent's tools when the run was saved.
   *
   * @return the names, in order
   */
  public List<String> tools() {
    return d.tools;
  }

  /**
   * Returns why the run stopped or failed.
   *
   * @return the note, or null
   */
  public String note() {
    return d.note;
  }

  /**
   * Returns the text of the model's answer.
   *
   * @return the last reply's text when the run is {@link Status#ANSWERED}, else {@code ""}
   */
  public String text() {
    if (d.status != Status.ANSWERED || d.messages.isEmpty()) {
      return "";
    }
    return d.messages.get(d.messages.size() - 1) instanceof AssistantMessage a ? a.text() : "";
  }

  /**
   * Returns the state in its saved form.
   *
   * @return pretty-printed JSON
   */
  public String toJson() {
    return Json.writePretty(tree());
  }

  /**
   * Returns the state in its saved form, as UTF-8 bytes.
   *
   * @return the bytes of {@link #toJson()}
   */
  public byte[] toBytes() {
    return toJson().getBytes(StandardCharsets.UTF_8);
  }

  /** The version a state is written as: 2 when it holds what version 2 added, else 1. */
  private int writtenVersion() {
    boolean v2 = d.childSteps > 0 || (d.turn != null && !d.turn.children.isEmpty());
    for (PendingCall p : d.pending) {
      v2 |= !p.runId().equals(d.id);
    }
    return v2 ? 2 : 1;
  }

  JsonObject tree() {
    JsonObject.Builder o = JsonObject.builder();
    o.put("format", FORMAT).put("version", writtenVersion()).put("id", d.id);
    o.put("revision", d.revision);
    o.put("status", d.status.name().toLowerCase(Locale.ROOT));
    JsonArray.Builder tools = JsonArray.builder();
    d.tools.forEach(tools::add);
    o.put(
        "agent",
        JsonObject.builder()
            .put("name", d.agentName)
            .put("version", d.agentVersion)
            .put("tools", tools.build())
            .build());
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
    for (Grant g : d.allowances) {
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
    return o.build();
  }

  private static JsonObject turn(Turn t) {
    JsonArray.Builder results = JsonArray.builder();
    t.results.forEach(
        (pos, r) ->
            results.add(
                JsonObject.builder()
                    .put("position", pos)
                    .put("content", r.content())
                    .put("error", r.error())
                    .build()));
    JsonArray.Builder decisions = JsonArray.builder();
    t.decisions.forEach(
        (pos, r) -> {
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
          decisions.add(o.build());
        });
    JsonObject.Builder turn =
        JsonObject.builder()
            .put("step", t.step)
            .put("results", results.build())
            .put("decisions", decisions.build());
    if (!t.children.isEmpty()) {
      JsonArray.Builder children = JsonArray.builder();
      t.children.forEach(
          (pos, run) ->
              children.add(
                  JsonObject.builder().put("position", pos).put("run", run.tree()).build()));
      turn.put("children", children.build());
    }
    return turn.build();
  }

  private static JsonObject pending(PendingCall p, String runId) {
    JsonObject.Builder o =
        JsonObject.builder().put("kind", p.kind().name().toLowerCase(Locale.ROOT));
    if (!p.runId().equals(runId)) {
      o.put("run_id", p.runId()); // a subagent's call (version 2)
    }
    o.put("step", p.step()).put("position", p.position());
    if (p.callId() != null) {
      o.put("call_id", p.callId());
    }
    return o.put("tool", p.tool())
        .put("arguments", p.arguments())
        .put("reason", p.reason())
        .put("policy", p.policy())
        .put("arguments_sha256", p.argumentsSha256())
        .build();
  }

  /**
   * Reads a state from its saved form.
   *
   * @param json the JSON text of {@link #toJson()}
   * @return the state
   * @throws NullPointerException if {@code json} is null
   * @throws IllegalArgumentException if the text is not a saved run, or is of a newer version than
   *     this SDK reads; the message says where it is wrong
   */
  public static RunState fromJson(String json) {
    Objects.requireNonNull(json, "json must not be null");
    return fromBytes(json.getBytes(StandardCharsets.UTF_8));
  }

  /**
   * Reads a state from its saved form as UTF-8 bytes.
   *
   * @param json the bytes of {@link #toJson()}
   * @return the state
   * @throws NullPointerException if {@code json} is null
   * @throws IllegalArgumentException as {@link #fromJson(String)} does
   */
  public static RunState fromBytes(byte[] json) {
    Objects.requireNonNull(json, "json must not be null");
    JsonValue root;
    try {
      root = Json.parse(json);
    } catch (JsonException e) {
      throw new IllegalArgumentException("a saved agent run must be JSON: " + e.getMessage(), e);
    }
    if (!(root instanceof JsonObject o)
        || !(o.get("format") instanceof JsonString f)
        || !f.value().equals(FORMAT)) {
      throw new IllegalArgumentException(
          "not a saved agent run: expected an object with \"format\": \"" + FORMAT + "\"");
    }
    if (!(o.get("version") instanceof JsonNumber v) || v.intValue() < 1) {
      throw new IllegalArgumentException("a saved agent run needs a \"version\" of 1 or more");
    }
    if (v.intValue() > VERSION) {
      throw new IllegalArgumentException(
          "this saved agent run is of version "
              + v.literal()
              + ", newer than this SDK reads ("
              + VERSION
              + "); load it with the kimi-sdk-agents release that wrote it, or a later one");
    }
    try {
      return new RunState(read(o));
    } catch (IllegalArgumentException | JsonException | NullPointerException e) {
      throw new IllegalArgumentException("a saved agent run: " + e.getMessage(), e);
    }
  }

  /** Reads a subagent's run nested in a saved run, of any version this class reads. */
  private static RunState nested(JsonObject o) {
    if (!(o.get("format") instanceof JsonString f) || !f.value().equals(FORMAT)) {
      throw new IllegalArgumentException("a subagent's \"run\" must be a saved agent run");
    }
    if (!(o.get("version") instanceof JsonNumber v) || v.intValue() < 1 || v.intValue() > VERSION) {
      throw new IllegalArgumentException("a subagent's \"run\" has an unknown version");
    }
    return new RunState(read(o));
  }

  private static Data read(JsonObject o) {
    Data d = new Data();
    d.id = Ids.runId(str(o, "id"));
    d.revision = num(o, "revision").longValue();
    String status = str(o, "status");
    try {
      d.status = Status.valueOf(status.toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("unknown \"status\": " + status, e);
    }
    JsonObject agent = obj(o, "agent");
    d.agentName = str(agent, "name");
    d.agentVersion = str(agent, "version");
    for (JsonValue t : arr(agent, "tools")) {
      d.tools.add(t.asString());
    }
    d.model = str(o, "model");
    d.steps = num(o, "steps").intValue();
    if (o.get("child_steps") instanceof JsonNumber cs) {
      d.childSteps = cs.intValue();
    }
    JsonObject limits = obj(o, "limits");
    d.maxSteps = num(limits, "max_steps").intValue();
    if (limits.get("max_total_tokens") instanceof JsonNumber n) {
      d.maxTotalTokens = n.longValue();
    }
    if (limits.get("max_spend") instanceof JsonString s) {
      d.maxSpend = new BigDecimal(s.value());
      d.currency = Currency.getInstance(str(limits, "currency"));
    }
    d.newMessageIndex = num(o, "new_message_index").intValue();
    Conversation c = Conversation.fromJson(Json.write(obj(o, "conversation")));
    d.messages.addAll(c.messages());
    d.usage.putAll(c.usageByModel());
    if (o.get("turn") instanceof JsonObject t) {
      d.turn = new Turn(num(t, "step").intValue());
      for (JsonValue rv : arr(t, "results")) {
        JsonObject r = rv.asObject();
        d.turn.results.put(
            num(r, "position").intValue(),
            new Result(str(r, "content"), r.get("error") instanceof JsonBoolean b && b.value()));
      }
      for (JsonValue dv : arr(t, "decisions")) {
        JsonObject r = dv.asObject();
        d.turn.decisions.put(
            num(r, "position").intValue(),
            new Recorded(
                str(r, "decision"),
                kind(str(r, "kind")),
                str(r, "tool"),
                str(r, "arguments_sha256"),
                str(r, "policy"),
                opt(r, "arguments"),
                opt(r, "text")));
      }
      for (JsonValue cv : arr(t, "children")) {
        JsonObject child = cv.asObject();
        d.turn.children.put(num(child, "position").intValue(), nested(obj(child, "run")));
      }
      if (!(d.messages.get(d.messages.size() - 1) instanceof AssistantMessage a)
          || !a.hasToolCalls()) {
        throw new IllegalArgumentException("an open \"turn\" needs a last reply with tool calls");
      }
    }
    for (JsonValue gv : arr(o, "allowances")) {
      JsonObject g = gv.asObject();
      JsonValue args = g.get("arguments");
      d.allowances.add(
          new Grant(
              new Allowance(str(g, "tool"), args == null ? null : args.asObject()),
              str(g, "policy")));
    }
    for (JsonValue pv : arr(o, "pending")) {
      JsonObject p = pv.asObject();
      String runId = opt(p, "run_id");
      runId = runId == null ? d.id : Ids.runId(runId);
      d.pending.add(
          new PendingCall(
              kind(str(p, "kind")),
              runId,
              num(p, "step").intValue(),
              num(p, "position").intValue(),
              opt(p, "call_id"),
              str(p, "tool"),
              str(p, "arguments"),
              str(p, "reason"),
              str(p, "policy"),
              str(p, "arguments_sha256"),
              Ids.idempotencyKey(runId, num(p, "step").intValue(), num(p, "position").intValue())));
    }
    d.note = opt(o, "note");
    return d;
  }

  private static PendingCall.Kind kind(String s) {
    try {
      return PendingCall.Kind.valueOf(s.toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("unknown call kind: " + s, e);
    }
  }

  private static String str(JsonObject o, String name) {
    if (!(o.get(name) instanceof JsonString s)) {
      throw new IllegalArgumentException("\"" + name + "\" must be a string");
    }
    return s.value();
  }

  private static String opt(JsonObject o, String name) {
    JsonValue v = o.get(name);
    return v == null || v.isNull() ? null : str(o, name);
  }

  private static JsonNumber num(JsonObject o, String name) {
    if (!(o.get(name) instanceof JsonNumber n)) {
      throw new IllegalArgumentException("\"" + name + "\" must be a number");
    }
    return n;
  }

  private static JsonObject obj(JsonObject o, String name) {
    if (!(o.get(name) instanceof JsonObject x)) {
      throw new IllegalArgumentException("\"" + name + "\" must be an object");
    }
    return x;
  }

  private static List<JsonValue> arr(JsonObject o, String name) {
    JsonValue v = o.get(name);
    if (v == null || v.isNull()) {
      return List.of();
    }
    if (!(v instanceof JsonArray a)) {
      throw new IllegalArgumentException("\"" + name + "\" must be an array");
    }
    return a.values();
  }

  /** Describes the run without its messages' content. */
  @Override
  public String toString() {
    return "RunState[id="
        + d.id
        + ", revision="
        + d.revision
        + ", status="
        + d.status
        + ", steps="
        + d.steps
        + ", messages="
        + d.messages.size()
        + (d.pending.isEmpty() ? "" : ", pending=" + d.pending.size())
        + "]";
  }
}
