package io.github.kimisdk.agents;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.kimisdk.json.Json;
import io.github.kimisdk.json.JsonObject;
import io.github.kimisdk.json.JsonString;
import io.github.kimisdk.json.JsonValue;
import io.github.kimisdk.testing.RecordedRequest;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Kimi's rules for a chat completions request's history, checked on what the fake recorded
 * (kimi-api.md §2.6 and §4.2): the fake answered it (a history it refuses gets 400); each assistant
 * message's calls are answered by the tool messages right after it, each once; a {@code
 * $web_search} call's tool message carries the call's arguments unchanged; and while the model
 * thinks (unless {@code thinking} is disabled) each assistant message carries {@code
 * reasoning_content}. kimi-sdk-agents' tests and kimi-sdk-redis' and kimi-sdk-temporal's (which
 * compile this folder) all check requests with it.
 *
 * <p>Public for those other modules' tests; in this module's tests (patched into its module) its
 * signatures name kimi-sdk-testing's {@code RecordedRequest}, which the module does not read: hence
 * the "exports" lint is off here.
 */
@SuppressWarnings("exports")
public final class KimisRules {
  private KimisRules() {}

  /**
   * Checks each request (at least one).
   *
   * @param requests what the fake recorded
   */
  public static void check(List<RecordedRequest> requests) {
    assertThat(requests).isNotEmpty();
    for (RecordedRequest r : requests) {
      check(r);
    }
  }

  /**
   * Checks one request: answered, and its history; a request to another endpoint passes.
   *
   * @param req what the fake recorded
   */
  public static void check(RecordedRequest req) {
    if (req.path().endsWith("/chat/completions")) {
      assertThat(req.status()).as("answered: %s", req.bodyText()).isEqualTo(200);
      history(req);
    }
  }

  /**
   * Checks one request's history alone, for a test whose fake answers some requests with an error
   * it was told to give; a request to another endpoint passes.
   *
   * @param req what the fake recorded
   */
  public static void history(RecordedRequest req) {
    if (!req.path().endsWith("/chat/completions")) {
      return;
    }
    JsonObject body = Json.parse(req.bodyText()).asObject();
    boolean thinks =
        !(body.get("thinking") instanceof JsonObject t
            && JsonString.of("disabled").equals(t.get("type")));
    Map<String, String> open = new HashMap<>(); // call id -> the arguments of a $web_search, or ""
    for (JsonValue v : body.get("messages").asArray().values()) {
      JsonObject m = v.asObject();
      String role = m.get("role").asString();
      if (role.equals("tool")) {
        String id = m.get("tool_call_id").asString();
        assertThat(open).as("answers an open call: %s", req.bodyText()).containsKey(id);
        String echoed = open.remove(id);
        if (!echoed.isEmpty()) {
          assertThat(m.get("content").asString()).as("$web_search echoed").isEqualTo(echoed);
        }
        continue;
      }
      assertThat(open).as("calls answered before the next message: %s", req.bodyText()).isEmpty();
      if (role.equals("assistant")) {
        if (thinks) {
          assertThat(m.get("reasoning_content")).as(req.bodyText()).isNotNull();
        }
        if (m.get("tool_calls") != null) {
          for (JsonValue c : m.get("tool_calls").asArray().values()) {
            JsonObject f = c.get("function").asObject();
            boolean search = f.get("name").asString().equals("$web_search");
            open.put(c.get("id").asString(), search ? f.get("arguments").asString() : "");
          }
        }
      }
    }
    assertThat(open).as("the request ends with every call answered").isEmpty();
  }
}
