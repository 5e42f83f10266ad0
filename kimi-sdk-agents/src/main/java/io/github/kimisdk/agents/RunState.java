package io.github.kimisdk.agents;

import io.github.kimisdk.chat.AssistantMessage;
import io.github.kimisdk.chat.Message;
import io.github.kimisdk.chat.Usage;
import io.github.kimisdk.json.Json;
import io.github.kimisdk.json.JsonException;
import io.github.kimisdk.json.JsonObject;
import io.github.kimisdk.json.JsonString;
import io.github.kimisdk.json.JsonValue;
import io.github.kimisdk.model.PriceTable;
import io.github.kimisdk.model.Spend;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Holds the whole state of an agent run as a value: the messages exactly as the model sent them
 * ({@code reasoning_content} included), the open turn's results and the decisions bound to its
 * calls (with who made them), the allowances given, the calls it waits on, its steps, usage and
 * limits, its labels, and the agent's name, version and tools. It saves to JSON ({@link #toJson()})
 * and loads in another process or another build ({@link #fromJson(String)}); it holds no key or
 * secret.
 *
 * <p><b>The saved form</b>, version {@value #VERSION}: a JSON object with {@code "format":
 * "kimi-sdk.agent-run"}, {@code "version"}, {@code "id"}, {@code "instance"} (made once when the
 * run starts; what makes its idempotency keys its own), {@code "revision"} (one more at every
 * save), {@code "status"}, {@code "agent"} ({@code name}, {@code version}, {@code tools}, {@code
 * tool_digests} and {@code digest}), {@code "model"}, {@code "steps"}, {@code "child_steps"},
 * {@code "limits"}, {@code "new_message_index"}, {@code "conversation"} (the messages and the usage
 * per model in {@code Conversation}'s saved form), {@code "turn"} (while a reply's calls are open:
 * its {@code step}, the {@code results}, the {@code decisions} with their {@code approvals}, and
 * the {@code children}: the saved runs of its subagents that have not ended), {@code "allowances"},
 * {@code "pending"}, {@code "note"}, {@code "labels"}, {@code "created_at"}, {@code "updated_at"}
 * and {@code "decision_record"} (its {@link DecisionRecord}s: {@code count} and {@code entries});
 * and, for an agent with a {@link RunKey}, {@code "mac"}. The format's documentation, member by
 * member, is in {@code docs/agents.md}. A later version of this SDK reads every earlier version; a
 * file of a newer version is refused with an error naming both versions. A pending call's digest
 * and key are made again from what they stand for when a state is read: never read back.
 */
public final class RunState {

  /** The value of the {@code format} member of a saved run. */
  public static final String FORMAT = "kimi-sdk.agent-run";

  /**
   * The newest version of the saved form this class reads and writes. A state that holds nothing a
   * later version added is written as the earlier version, which a build of that version reads.
   */
  public static final int VERSION = 4;

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

  private final RunData d;
  private final String mac; // under the agent's key, or null

  RunState(RunData data, String mac) {
    this.d = data.copy();
    this.mac = mac;
  }

  RunData data() {
    return d.copy();
  }

  String mac() {
    return mac;
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
   * @return the calls, in the order of the reply (a subagent's where the call that started it
   *     stands)
   */
  public List<PendingCall> pending() {
    return Collections.unmodifiableList(d.pending);
  }

  /**
   * Returns how many model calls the run made itself.
   *
   * @return the steps, its subagents' not counted
   */
  public int steps() {
    return d.steps;
  }

  /**
   * Returns how many model calls the run's subagents made: those whose runs ended and those whose
   * runs wait in the open turn.
   *
   * @return the subagents' steps
   */
  public int subagentSteps() {
    return d.used(new LinkedHashMap<>()) - d.steps;
  }

  /**
   * Returns the tokens the run and its subagents used, per model that answered.
   *
   * @return the usage by model id, unmodifiable
   */
  public Map<String, Usage> usageByModel() {
    Map<String, Usage> all = new LinkedHashMap<>();
    d.used(all);
    return Collections.unmodifiableMap(all);
  }

  /**
   * Returns what the run and its subagents spent, priced with {@code prices} (a client's {@link
   * io.github.kimisdk.KimiClient#prices()}).
   *
   * @param prices the prices
   * @return the tokens and their cost
   * @throws NullPointerException if {@code prices} is null
   */
  public Spend spend(PriceTable prices) {
    Objects.requireNonNull(prices, "prices must not be null");
    Spend s = Spend.NONE;
    for (Map.Entry<String, Usage> e : usageByModel().entrySet()) {
      s = s.plus(prices.spend(e.getKey(), e.getValue()));
    }
    return s;
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
   * Returns the name and version of the agent that last saved the run, as {@code name@version}.
   *
   * @return the agent
   */
  public String agent() {
    return d.agentName + "@" + d.agentVersion;
  }

  /**
   * Returns the version of the agent that last saved the run ({@link Agent.Builder#name}).
   *
   * @return the version, as its agent names it
   */
  public String agentVersion() {
    return d.agentVersion;
  }

  /**
   * Returns the digest of the definition of the agent that last saved the run: its instructions and
   * each tool's declaration and effect, hashed ({@link Agent#digest()}); what an audit compares
   * with the agent it approved for production.
   *
   * @return the SHA-256 in hex, or null for a run saved before it was recorded
   */
  public String agentDigest() {
    return d.agentDigest;
  }

  /**
   * Returns every decision made on the calls of the run and of its subagents, in the order they
   * were made: who decided, when, on what, what they decided and why, each as the run keeps it for
   * as long as it is kept (after the call ran, and through compactions). With a {@link RunKey},
   * each record is chained to the one before, checked whenever the run is loaded.
   *
   * @return the records, oldest first, unmodifiable
   */
  public List<DecisionRecord> decisionRecords() {
    return Collections.unmodifiableList(d.decisionRecords);
  }

  /**
   * Returns the names of the tools the run was offered when it was last saved.
   *
   * @return the names, in order
   */
  public List<String> tools() {
    return List.copyOf(d.tools.keySet());
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
   * Returns the run's labels, as the team gave them when it started the run.
   *
   * @return the labels, unmodifiable
   */
  public Map<String, String> labels() {
    return Collections.unmodifiableMap(d.labels);
  }

  /**
   * Returns when the run started.
   *
   * @return the instant, or null for a run saved before it was recorded
   */
  public Instant createdAt() {
    return d.createdAt;
  }

  /**
   * Returns when the run was last saved.
   *
   * @return the instant, or null for a run saved before it was recorded
   */
  public Instant updatedAt() {
    return d.updatedAt;
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
   * Returns the state in its saved form, with its MAC when its agent has a key.
   *
   * @return pretty-printed JSON
   */
  public String toJson() {
    JsonObject tree = RunFormat.write(d);
    if (mac != null) {
      Map<String, JsonValue> m = new LinkedHashMap<>(tree.members());
      m.put(Seal.MAC, JsonString.of(mac));
      tree = JsonObject.of(m);
    }
    return Json.writePretty(tree);
  }

  /**
   * Returns the state in its saved form, as UTF-8 bytes.
   *
   * @return the bytes of {@link #toJson()}
   */
  public byte[] toBytes() {
    return toJson().getBytes(StandardCharsets.UTF_8);
  }

  /**
   * Reads a state from its saved form. Its MAC, if it has one, is kept and checked by an agent with
   * a key when the state is resumed.
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
    if (!(root instanceof JsonObject o)) {
      throw new IllegalArgumentException(
          "not a saved agent run: expected an object with \"format\": \"" + FORMAT + "\"");
    }
    String mac = o.get(Seal.MAC) instanceof JsonString s ? s.value() : null;
    Map<String, JsonValue> m = new LinkedHashMap<>(o.members());
    m.remove(Seal.MAC);
    return new RunState(RunFormat.read(JsonObject.of(m)), mac);
  }

  /**
   * Reads a run's latest saved state from a store without its agent, checked under the key: its
   * decision record's chain first (so an edited, removed or reordered record is named), then its
   * MAC. For an audit of a run from a process that does not run the agent (the agents jar's {@code
   * runs audit} command does this); an agent reads its own runs with {@link Agent#load}.
   *
   * @param store the store
   * @param runId the run
   * @param key the key the run was saved under (a rotating key accepts the earlier ones)
   * @return the state, or empty when the store holds no such run
   * @throws NullPointerException if an argument is null
   * @throws IllegalArgumentException if the id is malformed, or the saved state is not readable
   * @throws RunTamperedException if the record or the state does not match its MAC under the key,
   *     naming the run and the record
   * @throws RunStoreException if the store fails
   */
  public static java.util.Optional<RunState> load(RunStore store, String runId, RunKey key) {
    Objects.requireNonNull(store, "store must not be null");
    Objects.requireNonNull(key, "key must not be null");
    RunData d = read(store, key, Ids.runId(runId));
    return d == null
        ? java.util.Optional.empty()
        : java.util.Optional.of(
            new RunState(d, Seal.mac(key, Seal.stateScope(d.id), RunFormat.write(d))));
  }

  /** Reads a run's state from a store, checked under {@code key}; null when it holds none. */
  static RunData read(RunStore store, RunKey key, String runId) {
    byte[] saved = store.get(runId, Ids.STATE);
    if (saved == null) {
      return null;
    }
    String what = "the saved state of run " + runId;
    JsonObject parsed = Seal.parse(saved, what);
    DecisionChain.verify(key, runId, parsed); // first: it names the record that was changed
    return RunFormat.read(Seal.open(key, Seal.stateScope(runId), parsed, what));
  }

  /**
   * Returns the call this run waits on with the given id ({@link PendingCall#id()}).
   *
   * @param callId the call's id
   * @return the call
   * @throws NullPointerException if {@code callId} is null
   * @throws java.util.NoSuchElementException if the run does not wait on such a call
   */
  public PendingCall pending(String callId) {
    Objects.requireNonNull(callId, "callId must not be null");
    for (PendingCall p : d.pending) {
      if (p.id().equals(callId)) {
        return p;
      }
    }
    List<String> ids = new ArrayList<>();
    d.pending.forEach(p -> ids.add(p.id()));
    throw new java.util.NoSuchElementException(
        "run " + d.id + " does not wait on the call " + callId + "; it waits on " + ids);
  }

  /**
   * Says why {@link Agent#resume} would not carry {@code decision} out on this state, before it is
   * handed in: what a service that takes decisions from people checks when it takes one (the
   * Temporal workflow's validator does). No call it names waits; the call now waits as another
   * kind, for another tool, with other arguments or under another policy than the decision is bound
   * to; an approval allows another tool than the call's; or its approver approved the call already
   * (under a policy that needs several). A token's signature is not checked here: resume checks it
   * with the agent's key.
   *
   * @param decision the decision
   * @return why, or empty when resume would carry it out (or count it towards the approvals the
   *     call needs)
   * @throws NullPointerException if {@code decision} is null
   */
  public java.util.Optional<String> refusal(Decision decision) {
    Objects.requireNonNull(decision, "decision must not be null");
    String callId = decision.target().callId();
    for (PendingCall p : d.pending) {
      if (p.id().equals(callId)) {
        return java.util.Optional.ofNullable(DecisionForm.refusal(decision, p, p.approvedBy()));
      }
    }
    List<String> ids = new ArrayList<>();
    d.pending.forEach(p -> ids.add(p.id()));
    return java.util.Optional.of(
        "no call "
            + callId
            + " waits in run "
            + d.id
            + " (waiting: "
            + ids
            + "): it was decided already, or belongs to another run");
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
