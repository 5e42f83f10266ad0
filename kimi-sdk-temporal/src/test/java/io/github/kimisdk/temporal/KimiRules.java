package io.github.kimisdk.temporal;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.kimisdk.json.Json;
import io.github.kimisdk.json.JsonObject;
import io.github.kimisdk.json.JsonValue;
import io.github.kimisdk.testing.RecordedRequest;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/** Kimi's rules for a request's history, as kimi-sdk-agents' crash tests check them. */
final class KimiRules {
  private KimiRules() {}

  /**
   * The server took the request; each assistant message carries reasoning; each of its calls is
   * answered before the next message; the request ends with every call answered.
   */
  static void kept(RecordedRequest req) {
    if (!req.path().endsWith("/chat/completions")) {
      return;
    }
    assertThat(req.status()).as(req.bodyText()).isEqualTo(200);
    JsonObject body = Json.parse(req.bodyText()).asObject();
    List<JsonValue> messages = body.get("messages").asArray().values();
    Set<String> open = new HashSet<>();
    for (JsonValue v : messages) {
      JsonObject m = v.asObject();
      String role = m.get("role").asString();
      if (role.equals("tool")) {
        assertThat(open.remove(m.get("tool_call_id").asString())).as(req.bodyText()).isTrue();
        continue;
      }
      assertThat(open).as("calls answered before the next message: %s", req.bodyText()).isEmpty();
      if (role.equals("assistant")) {
        assertThat(m.get("reasoning_content")).as(req.bodyText()).isNotNull();
        if (m.get("tool_calls") != null) {
          for (JsonValue c : m.get("tool_calls").asArray().values()) {
            open.add(c.get("id").asString());
          }
        }
      }
    }
    assertThat(open).as("the request ends with every call answered").isEmpty();
  }
}
