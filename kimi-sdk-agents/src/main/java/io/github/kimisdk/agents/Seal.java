package io.github.kimisdk.agents;

import io.github.kimisdk.json.Json;
import io.github.kimisdk.json.JsonObject;
import io.github.kimisdk.json.JsonString;
import io.github.kimisdk.json.JsonValue;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Seals what a run saves under the application's {@link RunKey}: a record (a JSON object) gets a
 * last member {@code "mac"}, the HMAC of its scope (the run and the record it is) and its compact
 * JSON without that member, so a record cannot be edited, nor moved to another run or key, without
 * the key. The JSON writer is deterministic and the reader keeps every literal, so a record read
 * and written again is the text that was sealed. Without a key, records are written and read as
 * they are. Stateless.
 */
final class Seal {
  private Seal() {}

  /** The member that carries a sealed document's MAC; never part of what it seals. */
  static final String MAC = "mac";

  /** The scope of a run's state record (the root run's id: its subagents' states are inside). */
  static String stateScope(String runId) {
    return "kimi-sdk.agent-run/state/" + runId;
  }

  /** The scope of one of a run's other records. */
  static String recordScope(String runId, String key) {
    return "kimi-sdk.agent-run/record/" + runId + "/" + key;
  }

  /** {@code tree} with its MAC under {@code key} as a last member; {@code tree} when no key. */
  static JsonObject seal(RunKey key, String scope, JsonObject tree) {
    if (key == null) {
      return tree;
    }
    Map<String, JsonValue> m = new LinkedHashMap<>(tree.members());
    m.remove(MAC);
    JsonObject plain = JsonObject.of(m);
    m.put(MAC, JsonString.of(key.sign(scope + "\u0000" + Json.write(plain))));
    return JsonObject.of(m);
  }

  /** The MAC {@link #seal} gives {@code tree} (without any {@code mac} member it holds). */
  static String mac(RunKey key, String scope, JsonObject tree) {
    Map<String, JsonValue> m = new LinkedHashMap<>(tree.members());
    m.remove(MAC);
    return key.sign(scope + "\u0000" + Json.write(JsonObject.of(m)));
  }

  /**
   * Checks a sealed record and returns it without its MAC; with no key, returns it as it is (its
   * MAC, if any, dropped).
   *
   * @throws RunTamperedException when a key is set and the record carries no MAC, or one that is
   *     not this record's under the key
   */
  static JsonObject open(RunKey key, String scope, JsonObject sealed, String what) {
    Map<String, JsonValue> m = new LinkedHashMap<>(sealed.members());
    JsonValue mac = m.remove(MAC);
    JsonObject plain = JsonObject.of(m);
    if (key == null) {
      return plain;
    }
    if (!(mac instanceof JsonString s)) {
      throw new RunTamperedException(
          what
              + " carries no MAC, but this agent has a key: it was saved without the key or its MAC"
              + " was removed; the run will not act on it");
    }
    if (!key.verifies(scope + "\u0000" + Json.write(plain), s.value())) {
      throw new RunTamperedException(
          what
              + " does not match its MAC under this agent's key: the store was edited (or the record"
              + " was saved under another key, or moved from another run); the run will not act on"
              + " it");
    }
    return plain;
  }

  /** Parses a record's bytes into an object, as {@link #open} expects. */
  static JsonObject parse(byte[] bytes, String what) {
    JsonValue v;
    try {
      v = Json.parse(bytes);
    } catch (RuntimeException e) {
      throw new RunTamperedException(what + " is not JSON: " + e.getMessage());
    }
    if (!(v instanceof JsonObject o)) {
      throw new RunTamperedException(what + " is not a JSON object");
    }
    return o;
  }

  static byte[] bytes(JsonObject o) {
    return Json.write(o).getBytes(StandardCharsets.UTF_8);
  }
}
