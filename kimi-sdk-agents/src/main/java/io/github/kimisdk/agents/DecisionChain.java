package io.github.kimisdk.agents;

import io.github.kimisdk.json.Json;
import io.github.kimisdk.json.JsonArray;
import io.github.kimisdk.json.JsonNumber;
import io.github.kimisdk.json.JsonObject;
import io.github.kimisdk.json.JsonString;
import io.github.kimisdk.json.JsonValue;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The chain of a run's decision record under the application's {@link RunKey}: record N's MAC is an
 * HMAC-SHA256 of the run (its id and instance), record N-1's MAC and record N's content in the
 * saved form, so a record edited, removed or moved within the record fails at its own place, and
 * the record's count (in the saved state, beside the records) finds one removed from the end. The
 * JSON writer is deterministic and the reader keeps every literal, so a record read and written
 * again is the text that was signed. Checked on the saved form's JSON, before the state is read, so
 * what is wrong is named by the record's place. Stateless.
 */
final class DecisionChain {
  private DecisionChain() {}

  /** The saved state's member holding the record: {@code count} and {@code entries}. */
  static final String MEMBER = "decision_record";

  /** What a record's MAC binds it to: the root run and its instance. */
  static String scope(String rootId, String instance) {
    return "kimi-sdk.agent-run/decision/" + rootId + "/" + (instance == null ? "" : instance);
  }

  /** {@code r} with its MAC under {@code key} after {@code previousMac}; as it is without a key. */
  static DecisionRecord seal(
      RunKey key, String rootId, String instance, String previousMac, DecisionRecord r) {
    if (key == null) {
      return r;
    }
    String mac = key.sign(text(scope(rootId, instance), previousMac, RunFormat.record(r, false)));
    return r.placed(r.sequence(), mac);
  }

  private static String text(String scope, String previousMac, JsonObject entry) {
    return scope
        + "\u0000"
        + (previousMac == null ? "" : previousMac)
        + "\u0000"
        + Json.write(entry);
  }

  /**
   * Checks the decision record of a saved root state (as its JSON holds it, its own MAC not yet
   * checked) under {@code key}: each record at its place, each MAC its content's after the one
   * before, as many records as the state counts. Nothing is checked without a key.
   *
   * @throws RunTamperedException naming the run and the record that does not hold
   */
  static void verify(RunKey key, String runId, JsonObject state) {
    if (key == null || !(state.get(MEMBER) instanceof JsonObject record)) {
      return;
    }
    String instance = state.get("instance") instanceof JsonString s ? s.value() : null;
    String scope = scope(runId, instance);
    List<JsonValue> entries =
        record.get("entries") instanceof JsonArray a ? a.values() : List.<JsonValue>of();
    String previous = "";
    for (int i = 0; i < entries.size(); i++) {
      if (!(entries.get(i) instanceof JsonObject e)) {
        throw tampered(runId, "its decision record #" + (i + 1) + " is not a JSON object");
      }
      long seq = e.get("seq") instanceof JsonNumber n ? n.longValue() : -1;
      if (seq != i + 1) {
        throw tampered(
            runId,
            "its decision record holds #"
                + seq
                + " where #"
                + (i + 1)
                + " belongs ("
                + describe(e)
                + "): a record was removed, or the records reordered");
      }
      Map<String, JsonValue> m = new LinkedHashMap<>(e.members());
      JsonValue mac = m.remove(Seal.MAC);
      if (!(mac instanceof JsonString s)) {
        throw tampered(
            runId,
            seq,
            e,
            "carries no MAC, but this agent has a key: it was added or edited without the key");
      }
      if (!key.verifies(text(scope, previous, JsonObject.of(m)), s.value())) {
        throw tampered(
            runId,
            seq,
            e,
            "does not match its MAC under this agent's key: the record, or one before it, was"
                + " edited");
      }
      previous = s.value();
    }
    long count = record.get("count") instanceof JsonNumber n ? n.longValue() : -1;
    if (count != entries.size()) {
      throw tampered(
          runId,
          "its decision record holds "
              + entries.size()
              + " records where its state counts "
              + count
              + ": "
              + (count > entries.size()
                  ? "record #" + (entries.size() + 1) + " on was removed"
                  : "records were added"));
    }
  }

  private static String describe(JsonObject e) {
    StringBuilder b = new StringBuilder();
    b.append(e.get("call_id") instanceof JsonString c ? c.value() : "?");
    b.append(' ').append(e.get("action") instanceof JsonString a ? a.value() : "?");
    if (e.get("by") instanceof JsonString by) {
      b.append(" by ").append(Texts.cut(by.value(), 200));
    }
    return b.toString();
  }

  /** A refusal of record {@code seq} ({@code e}) of run {@code runId}: {@code what} is wrong. */
  private static RunTamperedException tampered(String runId, long seq, JsonObject e, String what) {
    return tampered(runId, "its decision record #" + seq + " (" + describe(e) + ") " + what);
  }

  private static RunTamperedException tampered(String runId, String what) {
    return new RunTamperedException(
        "the saved state of run "
            + runId
            + " was edited: "
            + what
            + "; the run will not act on it, and the store is left as it is");
  }
}
