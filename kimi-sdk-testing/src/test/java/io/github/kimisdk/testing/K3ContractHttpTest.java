package io.github.kimisdk.testing;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.kimisdk.json.Json;
import io.github.kimisdk.json.JsonArray;
import io.github.kimisdk.json.JsonBoolean;
import io.github.kimisdk.json.JsonNumber;
import io.github.kimisdk.json.JsonObject;
import io.github.kimisdk.json.JsonString;
import io.github.kimisdk.json.JsonValue;
import java.io.IOException;
import java.io.InputStream;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Moonshot's K3 vendor contract (Kimi-Vendor-Verifier, {@code tests/k3_features} and {@code
 * tests/params}) as a table: every request its tests send, streamed and not streamed as its {@code
 * conftest.py} runs them, gets from the fake the status the test demands, a refusal in our words
 * (the tests check no message), and a 200 answer that passes what the test asserts of the request's
 * form. The cases are data: {@code /kvv/k3-contract.jsonl}, with its licence and source beside it.
 */
class K3ContractHttpTest extends RawChatSuite {

  /** Why the fake refuses each refused case: a fragment of its 400 message. */
  static final Map<String, String> REFUSALS =
      Map.ofEntries(
          Map.entry(
              "test_dynamic_tool_in_user_message_rejected",
              "tools are only allowed in system messages, but message 0 is a user message"),
          Map.entry(
              "test_dynamic_tool_in_assistant_message_rejected",
              "tools are only allowed in system messages, but message 1 is an assistant message"),
          Map.entry(
              "test_content_and_dynamic_tools_nonempty_rejected",
              "a system message that declares tools must have empty content (message 0)"),
          Map.entry(
              "test_dynamic_tool_missing_required_field_rejected[missing_type]",
              "messages[0].tools[0].type is required"),
          Map.entry(
              "test_dynamic_tool_missing_required_field_rejected[missing_function]",
              "messages[0].tools[0].function is required"),
          Map.entry(
              "test_dynamic_tool_missing_required_field_rejected[missing_name]",
              "messages[0].tools[0].function.name is required"),
          Map.entry(
              "test_invalid_dynamic_tool_name_rejected[starts_with_number]",
              "function name 1bad_name is invalid, it must match ^[a-zA-Z_][a-zA-Z0-9-_]{2,63}$"),
          Map.entry(
              "test_invalid_dynamic_tool_name_rejected[special_char]",
              "function name bad@name is invalid"),
          Map.entry("test_invalid_dynamic_tool_name_rejected[empty]", "function name  is invalid"),
          Map.entry(
              "test_invalid_dynamic_tool_name_rejected[too_long_257]",
              "function name " + "a".repeat(257) + " is invalid"),
          Map.entry(
              "test_unsupported_tool_type_rejected",
              "unsupported tool type bogus in messages[0].tools[0]"),
          Map.entry(
              "test_mixed_valid_and_bogus_type_tools_rejected",
              "unsupported tool type bogus in messages[0].tools[1]"),
          Map.entry("test_dynamic_tools_not_array_rejected", "messages[0].tools must be an array"),
          Map.entry(
              "test_dynamic_tools_item_not_object_rejected",
              "messages[0].tools[0] must be a tool object"),
          Map.entry(
              "test_duplicate_dynamic_tool_names_rejected", "function name dup is duplicated"),
          Map.entry(
              "test_duplicate_tool_names_across_dynamic_messages_rejected",
              "function name dup is duplicated"),
          Map.entry(
              "test_duplicate_tool_name_between_global_and_dynamic_rejected",
              "function name dup is duplicated"),
          Map.entry(
              "test_tool_role_without_tool_call_id_rejected",
              "the tool message at index 0 has no tool_call_id"),
          Map.entry(
              "test_tool_choice_required_without_tools_rejected",
              "tool_choice 'required' needs at least one tool"),
          Map.entry(
              "test_tool_choice_with_empty_tools_rejected",
              "tool_choice 'required' needs at least one tool"),
          Map.entry(
              "test_tool_choice_invalid_value_rejected",
              "tool_choice must be 'auto', 'none' or 'required', not 'bogus'"),
          Map.entry(
              "test_tool_choice_named_function_rejected",
              "tool_choice 'specified' is incompatible with thinking enabled"),
          Map.entry(
              "test_invalid_response_format_rejected",
              "response_format.type must be 'text', 'json_object' or 'json_schema', not 'bogus'"),
          Map.entry(
              "test_json_schema_missing_name_rejected",
              "response_format.json_schema.name is required"),
          Map.entry(
              "test_json_schema_missing_schema_rejected",
              "response_format.json_schema.schema is required"),
          Map.entry(
              "test_json_schema_missing_json_schema_rejected",
              "response_format.json_schema is required when type is 'json_schema'"),
          Map.entry(
              "test_json_schema_strict_non_boolean_rejected",
              "response_format.json_schema.strict must be a boolean"),
          Map.entry(
              "test_json_schema_schema_not_object_rejected",
              "response_format.json_schema.schema must be an object"),
          Map.entry(
              "test_keep_not_all_rejected",
              "invalid thinking: only keep=all is allowed for this model"),
          Map.entry(
              "test_wrong_param_rejected[non-thinking-temperature=1.1]",
              "invalid temperature: 1.1 is not in [0, 1]"),
          Map.entry(
              "test_wrong_param_rejected[non-thinking-temperature=2.0]",
              "invalid temperature: 2 is not in [0, 1]"),
          Map.entry(
              "test_wrong_param_rejected[non-thinking-temperature=-0.1]",
              "invalid temperature: -0.1 is not in [0, 1]"),
          Map.entry(
              "test_wrong_param_rejected[non-thinking-top_p=0.8]",
              "invalid top_p: only 0.95 is allowed for this model"),
          Map.entry(
              "test_wrong_param_rejected[non-thinking-presence_penalty=0.5]",
              "invalid presence_penalty: only 0 is allowed for this model"),
          Map.entry(
              "test_wrong_param_rejected[non-thinking-frequency_penalty=0.5]",
              "invalid frequency_penalty: only 0 is allowed for this model"),
          Map.entry(
              "test_wrong_param_rejected[non-thinking-n=2]",
              "invalid n: only 1 is allowed for this model"),
          Map.entry(
              "test_wrong_param_rejected[thinking-temperature=1.1]",
              "invalid temperature: 1.1 is not in [0, 1]"),
          Map.entry(
              "test_wrong_param_rejected[thinking-temperature=2.0]",
              "invalid temperature: 2 is not in [0, 1]"),
          Map.entry(
              "test_wrong_param_rejected[thinking-temperature=-0.1]",
              "invalid temperature: -0.1 is not in [0, 1]"),
          Map.entry(
              "test_wrong_param_rejected[thinking-top_p=0.8]",
              "invalid top_p: only 0.95 is allowed for this model"),
          Map.entry(
              "test_wrong_param_rejected[thinking-presence_penalty=0.5]",
              "invalid presence_penalty: only 0 is allowed for this model"),
          Map.entry(
              "test_wrong_param_rejected[thinking-frequency_penalty=0.5]",
              "invalid frequency_penalty: only 0 is allowed for this model"),
          Map.entry(
              "test_wrong_param_rejected[thinking-n=2]",
              "invalid n: only 1 is allowed for this model"),
          Map.entry(
              "test_default_param_accepted[thinking]#1",
              "invalid temperature: only 1 is allowed for this model"),
          Map.entry(
              "test_default_param_accepted[thinking]#2",
              "invalid temperature: only 1 is allowed for this model"));

  static List<JsonObject> cases() throws IOException {
    List<JsonObject> out = new ArrayList<>();
    try (InputStream in = K3ContractHttpTest.class.getResourceAsStream("/kvv/k3-contract.jsonl")) {
      String text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
      for (String line : text.split("\n")) {
        if (!line.isBlank()) {
          out.add(Json.parse(line).asObject());
        }
      }
    }
    return out;
  }

  static Stream<Arguments> runs() throws IOException {
    List<Arguments> out = new ArrayList<>();
    for (JsonObject c : cases()) {
      for (boolean streamed : new boolean[] {false, true}) {
        String id = str(c.get("id")) + (streamed ? " [stream]" : " [nostream]");
        out.add(Arguments.of(id, c, streamed));
      }
    }
    return out.stream();
  }

  @Test
  void theTableHoldsEveryCaseOfTheFiveTestFiles() throws IOException {
    List<JsonObject> cases = cases();
    Map<String, Integer> perFile = new TreeMap<>();
    cases.forEach(c -> perFile.merge(str(c.get("file")), 1, Integer::sum));
    assertThat(perFile)
        .containsExactly(
            Map.entry("test_dynamic_tools.py", 27),
            Map.entry("test_params.py", 30),
            Map.entry("test_response_format.py", 12),
            Map.entry("test_thinking_effort.py", 29),
            Map.entry("test_tool_choice.py", 10));
    List<String> refused = new ArrayList<>();
    for (JsonObject c : cases) {
      if (((JsonNumber) c.get("status")).intValue() == 400) {
        refused.add(str(c.get("id")));
      }
    }
    assertThat(refused).containsExactlyInAnyOrderElementsOf(REFUSALS.keySet());
    // where the verifier's demand and Kimi's recorded answer differ, status is Kimi's answer
    List<String> conflicts = new ArrayList<>();
    for (JsonObject c : cases) {
      if (c.has("kvv_conflict")) {
        conflicts.add(str(c.get("id")) + " " + c.get("kvv_status") + "->" + c.get("status"));
      }
    }
    assertThat(conflicts)
        .containsExactly(
            "test_default_param_accepted[thinking]#1 200->400",
            "test_default_param_accepted[thinking]#2 200->400");
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("runs")
  void theFakeAnswersAsTheK3ContractDemands(String name, JsonObject c, boolean streamed)
      throws Exception {
    JsonObject body = c.get("body").asObject();
    boolean alreadyStreams = body.has("stream");
    if (streamed && !alreadyStreams) {
      Map<String, JsonValue> members = new LinkedHashMap<>(body.members());
      members.put("stream", JsonBoolean.of(true));
      members.put("stream_options", JsonObject.of("include_usage", JsonBoolean.of(true)));
      body = JsonObject.of(members);
    }
    HttpResponse<String> r = chat(Json.write(body));
    int status = ((JsonNumber) c.get("status")).intValue();
    assertThat(r.statusCode()).as(r.body()).isEqualTo(status);
    if (status == 400) {
      JsonObject error = Json.parse(r.body()).asObject().get("error").asObject();
      assertThat(error.get("type")).isEqualTo(JsonString.of("invalid_request_error"));
      assertThat(str(error.get("message"))).contains(REFUSALS.get(str(c.get("id"))));
      return;
    }
    Answer a =
        streamed || alreadyStreams ? Answer.ofStream(r.body()) : Answer.ofCompletion(r.body());
    if (c.get("expect") instanceof JsonObject expect) {
      a.check(expect);
    }
  }

  /** The dynamic-tool requests K3 accepts get "tokenization failed" from any other model. */
  @Test
  void otherModelsAnswerTokenizationFailedToDynamicTools() throws Exception {
    int checked = 0;
    for (JsonObject c : cases()) {
      if (!str(c.get("file")).equals("test_dynamic_tools.py")
          || ((JsonNumber) c.get("status")).intValue() != 200) {
        continue;
      }
      Map<String, JsonValue> members = new LinkedHashMap<>(c.get("body").asObject().members());
      members.put("model", JsonString.of("kimi-k2.6"));
      members.put("thinking", JsonObject.of("type", JsonString.of("disabled")));
      HttpResponse<String> r = chat(Json.write(JsonObject.of(members)));
      assertThat(r.statusCode()).as(r.body()).isEqualTo(400);
      assertThat(r.body()).contains("tokenization failed");
      checked++;
    }
    assertThat(checked).isEqualTo(9);
  }

  static String str(JsonValue v) {
    return ((JsonString) v).value();
  }

  /** One answer as KVV's assertions read it; a stream accumulated as its conftest does. */
  record Answer(String content, String reasoning, List<String> calls, String finish) {

    static Answer ofCompletion(String body) {
      JsonObject choice = FakeKimiServerHttpTest.choice(Json.parse(body).asObject());
      JsonObject m = choice.get("message").asObject();
      List<String> calls = new ArrayList<>();
      if (m.get("tool_calls") instanceof JsonArray a) {
        a.values()
            .forEach(v -> calls.add(str(v.asObject().get("function").asObject().get("name"))));
      }
      return new Answer(
          m.get("content") instanceof JsonString s ? s.value() : "",
          m.get("reasoning_content") instanceof JsonString s ? s.value() : "",
          calls,
          choice.get("finish_reason") instanceof JsonString s ? s.value() : null);
    }

    static Answer ofStream(String sse) {
      StringBuilder content = new StringBuilder();
      StringBuilder reasoning = new StringBuilder();
      Map<Integer, String> calls = new TreeMap<>();
      String finish = null;
      for (JsonObject chunk : FakeKimiServerHttpTest.events(sse)) {
        if (!(chunk.get("choices") instanceof JsonArray choices) || choices.isEmpty()) {
          continue;
        }
        JsonObject choice = choices.get(0).asObject();
        JsonObject delta = choice.get("delta").asObject();
        if (delta.get("content") instanceof JsonString s) {
          content.append(s.value());
        }
        if (delta.get("reasoning_content") instanceof JsonString s) {
          reasoning.append(s.value());
        }
        if (delta.get("tool_calls") instanceof JsonArray a) {
          for (JsonValue v : a.values()) {
            JsonObject call = v.asObject();
            int index = call.get("index") instanceof JsonNumber n ? n.intValue() : 0;
            if (call.get("function") instanceof JsonObject f
                && f.get("name") instanceof JsonString n) {
              calls.putIfAbsent(index, n.value());
            }
          }
        }
        if (choice.get("finish_reason") instanceof JsonString s) {
          finish = s.value();
        }
      }
      return new Answer(
          content.toString(), reasoning.toString(), new ArrayList<>(calls.values()), finish);
    }

    void check(JsonObject expect) {
      for (Map.Entry<String, JsonValue> e : expect.members().entrySet()) {
        JsonValue want = e.getValue();
        switch (e.getKey()) {
          case "finish_reason" -> assertThat(finish).as("finish_reason").isEqualTo(str(want));
          case "tool_calls" ->
              assertThat(calls.isEmpty()).as("tool calls " + calls).isEqualTo(!bool(want));
          case "first_tool_in" -> {
            List<String> names = new ArrayList<>();
            want.asArray().values().forEach(v -> names.add(str(v)));
            assertThat(calls).isNotEmpty();
            assertThat(names).contains(calls.get(0));
          }
          case "tools_called_include" -> assertThat(calls).contains(str(want));
          case "content" -> assertThat(content.isEmpty()).as("content").isEqualTo(!bool(want));
          case "reasoning" ->
              assertThat(reasoning.isEmpty()).as("reasoning_content").isEqualTo(!bool(want));
          case "json_object" -> assertThat(Json.parse(content)).isInstanceOf(JsonObject.class);
          case "json_types" -> {
            JsonObject parsed = Json.parse(content).asObject();
            for (Map.Entry<String, JsonValue> t : want.asObject().members().entrySet()) {
              Class<?> type =
                  switch (str(t.getValue())) {
                    case "string" -> JsonString.class;
                    case "number" -> JsonNumber.class;
                    case "boolean" -> JsonBoolean.class;
                    default -> throw new AssertionError("unknown type " + t.getValue());
                  };
              assertThat(parsed.get(t.getKey()))
                  .as(t.getKey() + " in " + content)
                  .isInstanceOf(type);
            }
          }
          case "compact_json" -> assertThat(content).doesNotContain("\n").doesNotContain("\t");
          default -> throw new AssertionError("unknown expectation " + e.getKey());
        }
      }
    }

    private static boolean bool(JsonValue v) {
      return ((JsonBoolean) v).value();
    }
  }
}
