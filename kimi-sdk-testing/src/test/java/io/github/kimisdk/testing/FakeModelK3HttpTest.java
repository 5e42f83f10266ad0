package io.github.kimisdk.testing;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.kimisdk.json.Json;
import io.github.kimisdk.json.JsonArray;
import io.github.kimisdk.json.JsonNumber;
import io.github.kimisdk.json.JsonObject;
import io.github.kimisdk.json.JsonString;
import io.github.kimisdk.json.JsonValue;
import io.github.kimisdk.token.TokenEstimator;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The built-in model as K3 answers: tool-call ids per turn or blank in a stream when scripted so,
 * the messages the official clients send (no tool name, text parts), answers in the shape of the
 * response format, and dynamic tools counted in the prompt.
 */
class FakeModelK3HttpTest extends RawChatSuite {

  static final String WEATHER =
      "{\"type\":\"function\",\"function\":{\"name\":\"get_weather\",\"parameters\":"
          + "{\"type\":\"object\",\"properties\":{\"city\":{\"type\":\"string\"}},"
          + "\"required\":[\"city\"]}}}";

  /** One assistant turn as the client rebuilds it: the message to send back, and its call ids. */
  record Turn(JsonObject message, List<String> streamedIds, String finish) {}

  /** Sends the conversation and rebuilds the assistant turn, streamed as KVV's conftest does. */
  Turn turn(List<JsonValue> messages, boolean streamed) throws Exception {
    String body =
        "{\"model\":\"kimi-k3\",\"messages\":"
            + Json.write(JsonArray.of(messages))
            + ",\"tools\":["
            + WEATHER
            + "]"
            + (streamed ? ",\"stream\":true" : "")
            + "}";
    HttpResponse<String> r = chat(body);
    assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
    if (!streamed) {
      JsonObject choice = FakeKimiServerHttpTest.choice(Json.parse(r.body()).asObject());
      return new Turn(
          choice.get("message").asObject(), null, choice.get("finish_reason").asString());
    }
    StringBuilder content = new StringBuilder();
    StringBuilder reasoning = new StringBuilder();
    List<String> ids = new ArrayList<>();
    List<String> names = new ArrayList<>();
    List<StringBuilder> args = new ArrayList<>();
    String finish = null;
    for (JsonObject chunk : FakeKimiServerHttpTest.events(r.body())) {
      JsonArray choices = chunk.get("choices").asArray();
      if (choices.isEmpty()) {
        continue;
      }
      JsonObject delta = choices.get(0).get("delta").asObject();
      if (delta.get("content") instanceof JsonString s) {
        content.append(s.value());
      }
      if (delta.get("reasoning_content") instanceof JsonString s) {
        reasoning.append(s.value());
      }
      if (delta.get("tool_calls") instanceof JsonArray calls) {
        for (JsonValue c : calls.values()) {
          int index = c.get("index").asInt();
          if (index == ids.size()) {
            // the first delta of a call: its id as sent ("<absent>" when there is none)
            ids.add(c.asObject().has("id") ? c.get("id").asString() : "<absent>");
            names.add(c.get("function").get("name").asString());
            args.add(new StringBuilder());
          }
          if (c.get("function").get("arguments") instanceof JsonString a) {
            args.get(index).append(a.value());
          }
        }
      }
      if (choices.get(0).get("finish_reason") instanceof JsonString f) {
        finish = f.value();
      }
    }
    JsonObject.Builder m = JsonObject.builder().put("role", "assistant");
    m.put("content", content.toString()).put("reasoning_content", reasoning.toString());
    if (!ids.isEmpty()) {
      List<JsonValue> calls = new ArrayList<>();
      for (int i = 0; i < ids.size(); i++) {
        // a client gives a call without an id one of its own, unique within the turn
        String id =
            ids.get(i).isEmpty() || ids.get(i).equals("<absent>") ? "mine-" + i : ids.get(i);
        calls.add(
            JsonObject.builder()
                .put("id", id)
                .put("type", "function")
                .put(
                    "function",
                    JsonObject.of(
                        "name",
                        JsonString.of(names.get(i)),
                        "arguments",
                        JsonString.of(args.get(i).toString())))
                .build());
      }
      m.put("tool_calls", JsonArray.of(calls));
    }
    return new Turn(m.build(), ids, finish);
  }

  static JsonObject user(String text) {
    return JsonObject.of("role", JsonString.of("user"), "content", JsonString.of(text));
  }

  /** A tool result as the official openai client sends it: no name. */
  static JsonObject result(JsonValue call, String content) {
    return JsonObject.of(
        "role",
        JsonString.of("tool"),
        "tool_call_id",
        call.get("id"),
        "content",
        JsonString.of(content));
  }

  static Stream<Arguments> idStyles() {
    return Stream.of(
        Arguments.of(
            FakeKimiServer.ToolCallIds.UNIQUE,
            false,
            List.of(
                "functions.get_weather:0", "functions.get_weather:1", "functions.get_weather:2")),
        Arguments.of(
            FakeKimiServer.ToolCallIds.UNIQUE,
            true,
            List.of(
                "functions.get_weather:0", "functions.get_weather:1", "functions.get_weather:2")),
        Arguments.of(
            FakeKimiServer.ToolCallIds.PER_TURN,
            false,
            List.of("get_weather:0", "get_weather:0", "get_weather:0")),
        Arguments.of(
            FakeKimiServer.ToolCallIds.PER_TURN,
            true,
            List.of("get_weather:0", "get_weather:0", "get_weather:0")));
  }

  @ParameterizedTest(name = "{0}, streamed {1}")
  @MethodSource("idStyles")
  void scriptedIdsRecurAcrossThreeTurnsAndTheHistoryStillPairs(
      FakeKimiServer.ToolCallIds style, boolean streamed, List<String> expected) throws Exception {
    server.toolCallIds(style);
    List<JsonValue> messages = new ArrayList<>();
    messages.add(
        user("get_weather city=Paris then get_weather city=Rome then get_weather city=Oslo"));
    List<String> ids = new ArrayList<>();
    String[] weather = {"sunny", "rainy", "windy"};
    for (int i = 0; i < 3; i++) {
      Turn t = turn(messages, streamed);
      assertThat(t.finish()).isEqualTo("tool_calls");
      JsonValue call = t.message().get("tool_calls").get(0);
      ids.add(call.get("id").asString());
      messages.add(t.message());
      messages.add(result(call, weather[i]));
    }
    assertThat(ids).isEqualTo(expected);
    Turn last = turn(messages, streamed);
    assertThat(last.finish()).isEqualTo("stop");
    assertThat(last.message().get("content").asString())
        .isEqualTo(
            "From the tools: get_weather says sunny; get_weather says rainy;"
                + " get_weather says windy.");
  }

  @ParameterizedTest
  @EnumSource(
      value = FakeKimiServer.StreamedToolCallIds.class,
      names = {"BLANK", "OMITTED"})
  void streamedCallsCanComeWithoutAnIdWhichTheClientThenSupplies(
      FakeKimiServer.StreamedToolCallIds ids) throws Exception {
    server.toolCallIds(FakeKimiServer.ToolCallIds.PER_TURN).streamedToolCallIds(ids);
    List<JsonValue> messages = new ArrayList<>();
    messages.add(user("get_weather city=Paris then get_weather city=Rome"));
    for (int i = 0; i < 2; i++) {
      Turn t = turn(messages, true);
      assertThat(t.streamedIds())
          .containsExactly(ids == FakeKimiServer.StreamedToolCallIds.BLANK ? "" : "<absent>");
      JsonValue call = t.message().get("tool_calls").get(0);
      assertThat(call.get("id").asString()).isEqualTo("mine-0");
      messages.add(t.message());
      messages.add(result(call, "sunny"));
    }
    Turn last = turn(messages, true);
    assertThat(last.message().get("content").asString())
        .isEqualTo("From the tools: get_weather says sunny; get_weather says sunny.");
    // not streamed, the id is always there
    Turn whole = turn(List.of(user("get_weather city=Paris")), false);
    assertThat(whole.message().get("tool_calls").get(0).get("id").asString())
        .isEqualTo("get_weather:0");
  }

  @Test
  void theAnthropicSurfaceAlwaysStreamsTheId() throws Exception {
    server.streamedToolCallIds(FakeKimiServer.StreamedToolCallIds.OMITTED);
    String body =
        "{\"model\":\"kimi-k3\",\"max_tokens\":200,\"stream\":true,\"messages\":[{\"role\":"
            + "\"user\",\"content\":\"get_weather city=Paris\"}],\"tools\":[{\"name\":"
            + "\"get_weather\",\"input_schema\":{\"type\":\"object\",\"properties\":{\"city\":"
            + "{\"type\":\"string\"}}}}]}";
    HttpResponse<String> r =
        HTTP.send(
            HttpRequest.newBuilder(URI.create(server.anthropicBaseUrl() + "/v1/messages"))
                .header("x-api-key", "k")
                .header("anthropic-version", "2023-06-01")
                .POST(HttpRequest.BodyPublishers.ofString(body))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(r.body()).contains("\"type\":\"tool_use\",\"id\":\"functions.get_weather:0\"");
  }

  /** The same conversation with one message's content as text parts instead of a string. */
  static Stream<Arguments> textParts() {
    return Stream.of(
        Arguments.of("system", 0),
        Arguments.of("user", 1),
        Arguments.of("assistant", 2),
        Arguments.of("tool", 3));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("textParts")
  void takesContentAsTextPartsForEveryRoleAndCountsItAsTheString(String role, int index)
      throws Exception {
    String[] messages = {
      "{\"role\":\"system\",\"content\":%s}",
      "{\"role\":\"user\",\"content\":%s}",
      "{\"role\":\"assistant\",\"content\":%s,\"reasoning_content\":\"r\",\"tool_calls\":"
          + "[{\"id\":\"get_weather:0\",\"type\":\"function\",\"function\":{\"name\":\"get_weather\","
          + "\"arguments\":\"{}\"}}]}",
      "{\"role\":\"tool\",\"tool_call_id\":\"get_weather:0\",\"content\":%s}"
    };
    String[] texts = {"Be brief.", "get_weather city=Paris", "Checking it.", "sunny and warm"};
    List<String> asString = new ArrayList<>();
    List<String> asParts = new ArrayList<>();
    for (int i = 0; i < messages.length; i++) {
      String string = Json.write(JsonString.of(texts[i]));
      int half = texts[i].indexOf(' ') + 1; // "sunny " and "and warm"
      String parts =
          "[{\"type\":\"text\",\"text\":"
              + Json.write(JsonString.of(texts[i].substring(0, half)))
              + "},{\"type\":\"text\",\"text\":"
              + Json.write(JsonString.of(texts[i].substring(half)))
              + "}]";
      asString.add(String.format(messages[i], string));
      asParts.add(String.format(messages[i], i == index ? parts : string));
    }
    String tools = ",\"tools\":[" + WEATHER + "]}";
    HttpResponse<String> plain =
        chat("{\"model\":\"kimi-k3\",\"messages\":[" + String.join(",", asString) + "]" + tools);
    HttpResponse<String> split =
        chat("{\"model\":\"kimi-k3\",\"messages\":[" + String.join(",", asParts) + "]" + tools);
    assertThat(split.statusCode()).as(split.body()).isEqualTo(200);
    JsonValue answer = Json.parse(split.body());
    assertThat(answer.get("choices").get(0).get("message").get("content").asString())
        .as("the tool message has no name: the call it answers names the tool")
        .isEqualTo("From the tools: get_weather says sunny and warm.");
    assertThat(answer.get("usage").get("prompt_tokens"))
        .isEqualTo(Json.parse(plain.body()).get("usage").get("prompt_tokens"));
  }

  @Test
  void countsToolsDeclaredInAMessageInThePrompt() throws Exception {
    String without =
        "{\"model\":\"kimi-k3\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}";
    String with =
        "{\"model\":\"kimi-k3\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"},"
            + "{\"role\":\"system\",\"content\":\"\",\"tools\":["
            + WEATHER
            + "]}],\"tool_choice\":\"none\"}";
    int a = prompt(chat(without));
    int b = prompt(chat(with));
    assertThat(b - a)
        .isGreaterThanOrEqualTo(TokenEstimator.forKimi().estimate("[" + WEATHER + "]"));
    assertThat(estimate(with)).isGreaterThan(estimate(without));
  }

  int estimate(String body) throws Exception {
    HttpResponse<String> r =
        HTTP.send(
            HttpRequest.newBuilder(
                    URI.create(server.baseUrl() + "/tokenizers/estimate-token-count"))
                .header("Authorization", "Bearer k")
                .POST(HttpRequest.BodyPublishers.ofString(body))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
    return Json.parse(r.body()).get("data").get("total_tokens").asInt();
  }

  @ParameterizedTest
  @ValueSource(booleans = {false, true})
  void answersInTheShapeTheResponseFormatAsks(boolean streamed) throws Exception {
    String schema =
        "{\"type\":\"json_schema\",\"json_schema\":{\"name\":\"weather\",\"schema\":{\"type\":"
            + "\"object\",\"properties\":{\"city\":{\"type\":\"string\"},\"temperature\":{\"type\":"
            + "\"number\"}},\"required\":[\"city\",\"temperature\"],\"additionalProperties\":false}}}";
    String stream = streamed ? ",\"stream\":true" : "";
    String asked = "{\"model\":\"kimi-k3\",\"messages\":[{\"role\":\"user\",\"content\":";
    HttpResponse<String> typed =
        chat(asked + "\"Weather city=Paris\"}],\"response_format\":" + schema + stream + "}");
    HttpResponse<String> object =
        chat(
            asked
                + "\"Weather as JSON\"}],\"response_format\":{\"type\":\"json_object\"}"
                + stream
                + "}");
    HttpResponse<String> text = chat(asked + "\"Weather city=Paris\"}]" + stream + "}");
    assertThat(content(typed, streamed)).isEqualTo("{\"city\":\"Paris\",\"temperature\":1.5}");
    assertThat(content(object, streamed)).isEqualTo("{\"answer\":\"You said: Weather as JSON\"}");
    assertThat(content(text, streamed)).isEqualTo("You said: Weather city=Paris");
    if (!streamed) {
      assertThat(prompt(typed)).as("the schema counts in the prompt").isGreaterThan(prompt(text));
    }
  }

  /**
   * A response format's schema is filled whole, as a model answering it fills it: LangChain4j's
   * schemas of records and classes list no {@code required}, and an answer of only the required
   * properties ({@code {}}) became a record of nulls.
   */
  @ParameterizedTest
  @ValueSource(booleans = {false, true})
  void aResponseFormatsSchemaIsFilledWholeRequiredOrNot(boolean streamed) throws Exception {
    String schema =
        "{\"type\":\"json_schema\",\"json_schema\":{\"name\":\"City\",\"schema\":{\"type\":"
            + "\"object\",\"properties\":{\"name\":{\"type\":\"string\"},\"population\":"
            + "{\"type\":\"integer\"},\"mayor\":{\"type\":\"object\",\"properties\":"
            + "{\"name\":{\"type\":\"string\"}}}}}}}";
    HttpResponse<String> typed =
        chat(
            "{\"model\":\"kimi-k3\",\"messages\":[{\"role\":\"user\",\"content\":"
                + "\"The largest city of France: name=Paris\"}],\"response_format\":"
                + schema
                + (streamed ? ",\"stream\":true" : "")
                + "}");
    assertThat(content(typed, streamed))
        .isEqualTo("{\"name\":\"Paris\",\"population\":1,\"mayor\":{\"name\":\"Paris\"}}");
  }

  private static String content(HttpResponse<String> r, boolean streamed) {
    assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
    if (!streamed) {
      return Json.parse(r.body()).get("choices").get(0).get("message").get("content").asString();
    }
    StringBuilder sb = new StringBuilder();
    for (JsonObject chunk : FakeKimiServerHttpTest.events(r.body())) {
      if (chunk.get("choices").asArray().size() > 0
          && chunk.get("choices").get(0).get("delta").get("content") instanceof JsonString s) {
        sb.append(s.value());
      }
    }
    return sb.toString();
  }

  private static int prompt(HttpResponse<String> r) {
    assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
    return ((JsonNumber) Json.parse(r.body()).get("usage").get("prompt_tokens")).intValue();
  }
}
