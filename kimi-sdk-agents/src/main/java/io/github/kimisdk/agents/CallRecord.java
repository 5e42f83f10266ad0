package io.github.kimisdk.agents;

import io.github.kimisdk.json.JsonObject;

/**
 * A tool call's record in a run's journal: its intent, written before its effect, then its result.
 * The arguments' digest is written for a person reading the store, never read back.
 *
 * @param done whether the call has its result
 * @param key the call's idempotency key
 * @param tool the tool
 * @param arguments the arguments it runs with
 * @param content the result the model reads, when done
 * @param error whether the call failed, when done
 */
record CallRecord(
    boolean done, String key, String tool, String arguments, String content, boolean error) {

  static CallRecord begun(String key, String tool, String arguments) {
    return new CallRecord(false, key, tool, arguments, null, false);
  }

  CallRecord finished(String content, boolean error) {
    return new CallRecord(true, key, tool, arguments, content, error);
  }

  JsonObject toJson() {
    JsonObject.Builder o =
        JsonObject.builder()
            .put("phase", done ? "done" : "begun")
            .put("key", key)
            .put("tool", tool)
            .put("arguments", arguments)
            .put("arguments_sha256", Ids.sha256(arguments));
    if (done) {
      o.put("content", content).put("error", error);
    }
    return o.build();
  }

  static CallRecord fromJson(JsonObject v) {
    boolean done = "done".equals(Fields.str(v, "phase"));
    return new CallRecord(
        done,
        Fields.str(v, "key"),
        Fields.str(v, "tool"),
        Fields.str(v, "arguments"),
        done ? Fields.str(v, "content") : null,
        done && v.get("error") != null && v.get("error").asBoolean());
  }
}
