package io.github.kimisdk.testing;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.kimisdk.json.Json;
import io.github.kimisdk.json.JsonArray;
import io.github.kimisdk.json.JsonObject;
import io.github.kimisdk.json.JsonValue;
import io.github.kimisdk.model.ModelCatalog;
import java.net.http.HttpResponse;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class FakeModelToolsHttpTest extends RawChatSuite {

  @BeforeEach
  void listRetired() {
    // retired: listed as a proxy would list it, for its small window and plain answers
    server.addModel(ModelCatalog.defaults().lookup("moonshot-v1-8k"));
  }

  static String fn(String name, String params) {
    return "{\"type\":\"function\",\"function\":{\"name\":\""
        + name
        + "\""
        + (params == null ? "" : ",\"parameters\":" + params)
        + "}}";
  }

  static String user(String text) {
    return "{\"role\":\"user\",\"content\":\"" + text + "\"}";
  }

  static String manyTools(int n) {
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < n; i++) {
      sb.append(i == 0 ? "" : ",").append(fn("tool_" + i, null));
    }
    return sb.toString();
  }

  static final String CALL_WITHOUT_REASONING =
      "{\"role\":\"assistant\",\"tool_calls\":[{\"id\":\"c0\",\"type\":\"function\","
          + "\"function\":{\"name\":\"ping\",\"arguments\":\"{}\"}}]}";

  static Stream<Arguments> rejected() {
    return Stream.of(
        Arguments.of(
            "moreThan128Tools",
            "{\"model\":\"moonshot-v1-8k\",\"messages\":["
                + user("hi")
                + "],\"tools\":["
                + manyTools(129)
                + "]}",
            "Invalid request: too many tools: 129 (at most 128 are allowed)"),
        Arguments.of(
            "badName",
            "{\"model\":\"moonshot-v1-8k\",\"messages\":["
                + user("hi")
                + "],\"tools\":["
                + fn("9x", null)
                + "]}",
            "Invalid request: function name 9x is invalid, it must match"
                + " ^[a-zA-Z_][a-zA-Z0-9-_]{2,63}$"),
        Arguments.of(
            "dollarFunction",
            "{\"model\":\"moonshot-v1-8k\",\"messages\":["
                + user("hi")
                + "],\"tools\":["
                + fn("$web_search", null)
                + "]}",
            "Invalid request: function name $web_search is invalid"),
        Arguments.of(
            "builtinWithoutDollar",
            "{\"model\":\"moonshot-v1-8k\",\"messages\":["
                + user("hi")
                + "],\"tools\":["
                + "{\"type\":\"builtin_function\",\"function\":{\"name\":\"web_search\"}}]}",
            "Invalid request: builtin function name web_search is invalid"),
        Arguments.of(
            "duplicateName",
            "{\"model\":\"moonshot-v1-8k\",\"messages\":["
                + user("hi")
                + "],\"tools\":["
                + fn("ping", null)
                + ","
                + fn("ping", null)
                + "]}",
            "function name ping is duplicated"),
        Arguments.of(
            "requiredWhileThinking",
            "{\"model\":\"kimi-k2.6\",\"messages\":["
                + user("hi")
                + "],\"tools\":["
                + fn("ping", null)
                + "],\"tool_choice\":\"required\"}",
            "tool_choice 'required' is incompatible with thinking enabled"),
        Arguments.of(
            "namedWhileThinking",
            "{\"model\":\"kimi-k3\",\"messages\":["
                + user("hi")
                + "],\"tools\":["
                + fn("ping", null)
                + "],\"tool_choice\":{\"type\":\"function\",\"function\":{\"name\":\"ping\"}}}",
            "tool_choice 'specified' is incompatible with thinking enabled"),
        Arguments.of(
            "missingReasoning",
            "{\"model\":\"kimi-k2.6\",\"messages\":["
                + user("hi")
                + ","
                + CALL_WITHOUT_REASONING
                + ",{\"role\":\"tool\",\"tool_call_id\":\"c0\",\"name\":\"ping\",\"content\":\"ok\"}]}",
            "thinking is enabled but reasoning_content is missing in assistant tool call message"),
        Arguments.of(
            "unansweredCall",
            "{\"model\":\"moonshot-v1-8k\",\"messages\":["
                + user("hi")
                + ","
                + CALL_WITHOUT_REASONING
                + ","
                + user("again")
                + "]}",
            "Invalid request: an assistant message with 'tool_calls' must be followed by tool"
                + " messages responding to each 'tool_call_id'. The following tool_call_ids did not"
                + " have response messages: c0"),
        Arguments.of(
            "callLeftUnansweredAtTheEnd",
            "{\"model\":\"moonshot-v1-8k\",\"messages\":["
                + user("hi")
                + ","
                + CALL_WITHOUT_REASONING
                + "]}",
            "Invalid request: an assistant message with 'tool_calls' must be followed by tool"
                + " messages responding to each 'tool_call_id'. The following tool_call_ids did not"
                + " have response messages: c0"),
        Arguments.of(
            "strayToolMessage",
            "{\"model\":\"moonshot-v1-8k\",\"messages\":["
                + user("hi")
                + ",{\"role\":\"tool\",\"tool_call_id\":\"zz\",\"name\":\"ping\",\"content\":\"ok\"}]}",
            "Invalid request: tool_call_id zz does not answer an open tool call"),
        Arguments.of(
            "webSearchResultChanged",
            "{\"model\":\"moonshot-v1-8k\",\"messages\":["
                + user("hi")
                + ",{\"role\":\"assistant\",\"tool_calls\":[{\"id\":\"s0\",\"type\":\"function\","
                + "\"function\":{\"name\":\"$web_search\",\"arguments\":\"{\\\"a\\\":1}\"}}]}"
                + ",{\"role\":\"tool\",\"tool_call_id\":\"s0\",\"name\":\"$web_search\","
                + "\"content\":\"{\\\"a\\\": 1}\"}]}",
            "Invalid request: the $web_search tool message must carry the call's arguments"
                + " unchanged"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("rejected")
  void rejectsWhatKimiRejects(String name, String body, String message) throws Exception {
    HttpResponse<String> r = chat(body);
    assertThat(r.statusCode()).isEqualTo(400);
    JsonValue error = Json.parse(r.body()).get("error");
    assertThat(error.get("type").asString()).isEqualTo("invalid_request_error");
    assertThat(error.get("message").asString()).startsWith(message);
  }

  @Test
  void acceptsWhatKimiAccepts() throws Exception {
    assertThat(
            chat("{\"model\":\"moonshot-v1-8k\",\"messages\":["
                    + user("hi")
                    + "],\"tools\":["
                    + manyTools(128)
                    + "],\"tool_choice\":\"none\"}")
                .statusCode())
        .isEqualTo(200);
    assertThat(
            chat("{\"model\":\"kimi-k2.6\",\"thinking\":{\"type\":\"disabled\"},\"messages\":["
                    + user("hi")
                    + "],\"tools\":["
                    + fn("ping", null)
                    + "],\"tool_choice\":\"required\"}")
                .statusCode())
        .isEqualTo(200);
  }

  @Test
  void callsAToolWithArgumentsThatSatisfyItsSchema() throws Exception {
    String schema =
        "{\"type\":\"object\",\"$defs\":{\"Unit\":{\"type\":\"string\",\"enum\":[\"c\",\"f\"]}},"
            + "\"properties\":{"
            + "\"city\":{\"type\":\"string\"},"
            + "\"days\":{\"type\":\"integer\"},"
            + "\"ratio\":{\"type\":\"number\"},"
            + "\"unit\":{\"$ref\":\"#/$defs/Unit\"},"
            + "\"mode\":{\"type\":\"string\",\"enum\":[\"fast\",\"slow\"]},"
            + "\"tags\":{\"type\":\"array\",\"items\":{\"type\":\"string\"}},"
            + "\"when\":{\"type\":[\"string\",\"null\"]},"
            + "\"flag\":{\"type\":\"boolean\"},"
            + "\"opt\":{\"type\":\"string\"},"
            + "\"place\":{\"type\":\"object\",\"properties\":{\"lat\":{\"type\":\"number\"}},"
            + "\"required\":[\"lat\"]},"
            + "\"either\":{\"anyOf\":[{\"type\":\"integer\"},{\"type\":\"string\"}]}},"
            + "\"required\":[\"city\",\"days\",\"ratio\",\"unit\",\"mode\",\"tags\",\"when\","
            + "\"flag\",\"place\",\"either\"]}";
    HttpResponse<String> r =
        chat(
            "{\"model\":\"moonshot-v1-8k\",\"messages\":["
                + user("forecast city=\\\"New York\\\" days=3 mode=slow flag=false ratio=x.")
                + "],\"tools\":["
                + fn("forecast", schema)
                + "]}");
    assertThat(r.statusCode()).isEqualTo(200);
    JsonValue message = Json.parse(r.body()).get("choices").get(0).get("message");
    assertThat(Json.parse(r.body()).get("choices").get(0).get("finish_reason").asString())
        .isEqualTo("tool_calls");
    assertThat(message.get("reasoning_content")).isNull();
    JsonValue call = message.get("tool_calls").get(0);
    assertThat(call.get("id").asString()).isEqualTo("functions.forecast:0");
    assertThat(call.get("function").get("arguments").asString())
        .isEqualTo(
            "{\"city\":\"New York\",\"days\":3,\"ratio\":1.5,\"unit\":\"c\",\"mode\":\"slow\","
                + "\"tags\":[\"example\"],\"when\":\"example\",\"flag\":false,"
                + "\"place\":{\"lat\":1.5},\"either\":1}");
  }

  @Test
  void streamsToolCallsInFragmentsByIndex() throws Exception {
    HttpResponse<String> r =
        chat(
            "{\"model\":\"kimi-k2.6\",\"stream\":true,\"messages\":["
                + user("ping and pong")
                + "],\"tools\":["
                + fn("ping", null)
                + ","
                + fn("pong", null)
                + "]}");
    assertThat(r.statusCode()).isEqualTo(200);
    String body = r.body();
    assertThat(body)
        .contains("\"reasoning_content\":\"I\"")
        .contains(
            "\"tool_calls\":[{\"index\":1,\"id\":\"functions.pong:1\",\"type\":\"function\","
                + "\"function\":{\"name\":\"pong\",\"arguments\":\"\"}}]")
        .contains("\"finish_reason\":\"tool_calls\"")
        .endsWith("data: [DONE]\n\n");
  }

  @Test
  void noneToolChoiceAnswersWithoutCalling() throws Exception {
    HttpResponse<String> r =
        chat(
            "{\"model\":\"moonshot-v1-8k\",\"messages\":["
                + user("ping")
                + "],\"tools\":["
                + fn("ping", null)
                + "],\"tool_choice\":\"none\"}");
    JsonObject choice = (JsonObject) Json.parse(r.body()).get("choices").get(0);
    assertThat(choice.get("message").get("content").asString()).isEqualTo("You said: ping");
    assertThat(choice.get("message").get("tool_calls")).isNull();
    assertThat(((JsonArray) Json.parse(r.body()).get("choices")).size()).isEqualTo(1);
  }
}
