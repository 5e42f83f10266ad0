package io.github.kimisdk.agents;

import static io.github.kimisdk.agents.KimiRulesScript.string;
import static io.github.kimisdk.agents.KimiRulesScript.text;
import static io.github.kimisdk.agents.KimiRulesServer.TOOL_CALLS_RULE;

import io.github.kimisdk.json.Json;
import io.github.kimisdk.json.JsonArray;
import io.github.kimisdk.json.JsonObject;
import io.github.kimisdk.json.JsonValue;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/** The rules {@link KimiRulesServer} holds every request to, and how it counts tokens. */
final class KimiRules {
  private KimiRules() {}

  /** Rule 4: each call answered by the tool messages right after it; none answers no call. */
  static String toolCallRule(List<JsonObject> m) {
    for (int i = 0; i < m.size(); i++) {
      JsonObject x = m.get(i);
      String role = string(x.get("role"));
      if ("tool".equals(role)) {
        String id = string(x.get("tool_call_id"));
        return id == null
            ? "Invalid request: the tool message at index " + i + " has no tool_call_id"
            : "Invalid request: the tool message at index "
                + i
                + " answers tool_call_id "
                + id
                + ", which no assistant message before it called";
      }
      if (!"assistant".equals(role) || !(x.get("tool_calls") instanceof JsonArray calls)) {
        continue;
      }
      Set<String> open = new LinkedHashSet<>();
      for (JsonValue c : calls) {
        String id = c instanceof JsonObject co ? string(co.get("id")) : null;
        if (id == null || !open.add(id)) {
          return "Invalid request: the tool calls of the assistant message at index "
              + i
              + " need distinct ids";
        }
      }
      int j = i + 1;
      for (; j < m.size() && "tool".equals(string(m.get(j).get("role"))); j++) {
        String id = string(m.get(j).get("tool_call_id"));
        if (id == null || !open.remove(id)) {
          return "Invalid request: the tool message at index "
              + j
              + " answers tool_call_id "
              + id
              + ", which no assistant message before it called";
        }
      }
      if (!open.isEmpty()) {
        return "Invalid request: "
            + TOOL_CALLS_RULE
            + ". The following tool_call_ids did not have response messages: "
            + String.join(", ", open)
            + " (assistant message at index "
            + i
            + ")";
      }
      i = j - 1;
    }
    return null;
  }

  /** Rule 5: with thinking on, every assistant message carries reasoning_content. */
  static String reasoningRule(List<JsonObject> m) {
    for (int i = 0; i < m.size(); i++) {
      JsonObject x = m.get(i);
      if (!"assistant".equals(string(x.get("role")))) {
        continue;
      }
      JsonValue rc = x.get("reasoning_content");
      if (rc != null && !rc.isNull()) {
        continue;
      }
      boolean calls = x.get("tool_calls") instanceof JsonArray a && !a.isEmpty();
      return calls
          ? "thinking is enabled but reasoning_content is missing in assistant tool call message"
              + " at index "
              + i
          : "preserved thinking (thinking.keep=all) requires reasoning_content on every assistant"
              + " message, but assistant message at index "
              + i
              + " is missing reasoning_content";
    }
    return null;
  }

  // ------------------------------------------------------------------------------------------
  // The count

  /** A text's tokens by this server's count: its UTF-8 bytes divided by 4, rounded up. */
  static int tokens(String s) {
    return s == null ? 0 : (s.getBytes(StandardCharsets.UTF_8).length + 3) / 4;
  }

  /** The prompt's tokens: 4 a message and its strings, and the tools' JSON text. */
  static int promptTokens(List<JsonObject> m, JsonValue tools) {
    long n = 0;
    for (JsonObject x : m) {
      n += 4;
      n += tokens(text(x));
      n += tokens(string(x.get("reasoning_content")));
      n += tokens(string(x.get("name")));
      n += tokens(string(x.get("tool_call_id")));
      if (x.get("tool_calls") instanceof JsonArray calls) {
        for (JsonValue c : calls) {
          JsonValue f = c.get("function");
          if (f != null) {
            n += tokens(string(f.get("name"))) + tokens(string(f.get("arguments")));
          }
        }
      }
    }
    if (tools != null && !tools.isNull()) {
      n += tokens(Json.write(tools));
    }
    return (int) Math.min(Integer.MAX_VALUE, n);
  }

  // ------------------------------------------------------------------------------------------
  // The scripted model
}
