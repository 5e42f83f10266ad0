package io.github.kimisdk.testing;

import io.github.kimisdk.json.JsonArray;
import io.github.kimisdk.json.JsonBoolean;
import io.github.kimisdk.json.JsonObject;
import io.github.kimisdk.json.JsonString;
import io.github.kimisdk.json.JsonValue;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A reply continued: how each host's chat completions read a call that asks the model to go on from
 * the text of a last assistant message, into the request Kimi's model reads (Moonshot's {@code
 * "partial": true} on that message), and how the model continues its reply from there.
 *
 * <ul>
 *   <li>Moonshot: {@code "partial": true} on the last assistant message (Kimi's partial mode).
 *   <li>vLLM: {@code "continue_final_message": true}; {@code "add_generation_prompt": true} beside
 *       it is refused with 400, as {@code ChatCompletionRequest.check_generation_prompt} refuses
 *       it; a message's {@code partial} is not read ({@code chat_utils.py} copies only the members
 *       it knows), so without {@code continue_final_message} the last assistant message is a
 *       finished turn and the model answers anew.
 *   <li>SGLang: {@code "continue_final_message": true} (its request has no {@code
 *       add_generation_prompt}); without it, a last assistant message with text is read as the
 *       user's ({@code serving_chat.py} {@code _handle_last_assistant_message}); {@code partial} is
 *       not read.
 *   <li>OpenRouter: a last assistant message is the prefix the model continues (its API reference's
 *       assistant prefill).
 *   <li>Fireworks and Together: no way to continue a reply in their chat completions; a {@code
 *       partial} is not read (Fireworks' strict schema refuses it before this), and the model
 *       answers anew.
 * </ul>
 *
 * <p>The model continues as Kimi does: its reply does not repeat the prefix. The built-in model's
 * reply to the conversation is known, so a prefix it begins with is followed by the rest of it; a
 * prefix it would not have begun with is followed by its whole reply. Stateless.
 */
final class FakeContinuation {

  /** vLLM's refusal of both flags, {@code ChatCompletionRequest.check_generation_prompt}. */
  static final String VLLM_BOTH_FLAGS =
      "Cannot set both `continue_final_message` and `add_generation_prompt` to True.";

  private static final String CONTINUE = "continue_final_message";
  private static final String GENERATION_PROMPT = "add_generation_prompt";

  private FakeContinuation() {}

  /** The host's refusal of a call's continuation flags, or null when it takes them. */
  static FakeResponse refusal(FakeDialect dialect, JsonObject body) {
    if (dialect == FakeDialect.VLLM && flag(body, CONTINUE) && flag(body, GENERATION_PROMPT)) {
      return dialect.own(400, null, VLLM_BOTH_FLAGS);
    }
    return null;
  }

  /**
   * Reads a call's messages (in Kimi's form but for this) as the host reads a continuation: the
   * last assistant message marked {@code "partial": true} when the host continues it, every other
   * {@code partial} dropped where the host does not read that member, and SGLang's last assistant
   * message read as the user's when the call does not continue it; the continuation flags are
   * removed from {@code out}, the request the model reads.
   */
  static List<JsonValue> read(
      FakeDialect dialect, JsonObject body, List<JsonValue> messages, Map<String, JsonValue> out) {
    out.remove(CONTINUE);
    out.remove(GENERATION_PROMPT);
    if (dialect == FakeDialect.MOONSHOT || messages.isEmpty()) {
      return messages;
    }
    List<JsonValue> read = new ArrayList<>(messages.size());
    for (JsonValue m : messages) {
      read.add(m instanceof JsonObject o && o.has("partial") ? without(o, "partial") : m);
    }
    int last = read.size() - 1;
    if (!(read.get(last) instanceof JsonObject m && role(m, "assistant"))) {
      return read;
    }
    boolean continues =
        switch (dialect) {
          case VLLM, SGLANG -> flag(body, CONTINUE);
          case OPENROUTER -> true;
          case MOONSHOT, FIREWORKS, TOGETHER -> false;
        };
    if (continues) {
      Map<String, JsonValue> partial = new LinkedHashMap<>(m.members());
      partial.put("partial", JsonBoolean.TRUE);
      read.set(last, JsonObject.of(partial));
    } else if (dialect == FakeDialect.SGLANG && m.get("content") instanceof JsonString text) {
      read.set(last, JsonObject.of("role", JsonString.of("user"), "content", text));
    }
    return read;
  }

  /**
   * Returns the text a request in Kimi's form asks the model to continue: the content of its last
   * message when that is an assistant message with {@code "partial": true}; null when the request
   * continues nothing.
   */
  static String prefix(JsonArray messages) {
    List<JsonValue> all = messages.values();
    if (all.isEmpty()
        || !(all.get(all.size() - 1) instanceof JsonObject m)
        || !role(m, "assistant")
        || !flag(m, "partial")) {
      return null;
    }
    return m.get("content") instanceof JsonString s ? s.value() : "";
  }

  /** Returns what follows {@code prefix} of the model's {@code reply}: Kimi does not repeat it. */
  static String rest(String reply, String prefix) {
    return reply.startsWith(prefix) ? reply.substring(prefix.length()) : reply;
  }

  /** Tells whether a request in Kimi's form continues a reply. */
  static boolean continues(JsonValue request) {
    return request instanceof JsonObject o
        && o.get("messages") instanceof JsonArray messages
        && prefix(messages) != null;
  }

  private static boolean flag(JsonObject o, String name) {
    return o.get(name) instanceof JsonBoolean b && b.value();
  }

  private static boolean role(JsonObject m, String role) {
    return m.get("role") instanceof JsonString r && r.value().equals(role);
  }

  private static JsonObject without(JsonObject o, String name) {
    Map<String, JsonValue> members = new LinkedHashMap<>(o.members());
    members.remove(name);
    return JsonObject.of(members);
  }
}
