package io.github.kimisdk.testing;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.kimisdk.json.Json;
import io.github.kimisdk.json.JsonObject;
import io.github.kimisdk.json.JsonString;
import io.github.kimisdk.json.JsonValue;
import io.github.kimisdk.model.ModelCatalog;
import java.net.http.HttpResponse;
import org.junit.jupiter.api.Test;

/**
 * The fake as an agent's compaction meets it: a small window refused in Kimi's words, a body over
 * Kimi Code's limit refused in Kimi Code's, a request for a summary answered with one, and the task
 * gone on with from the turn after those a summary counts.
 */
class FakeModelSummaryHttpTest extends RawChatSuite {
  static final String TOOLS =
      "[{\"type\":\"function\",\"function\":{\"name\":\"read_file\",\"parameters\":{\"type\":"
          + "\"object\",\"properties\":{\"path\":{\"type\":\"string\"}},\"required\":[\"path\"]}}}]";
  static final String TASK =
      "read_file path=a.txt then read_file path=b.txt then read_file path=c.txt";

  static String body(String messages, String extra) {
    return "{\"model\":\"kimi-k3\",\"tools\":"
        + TOOLS
        + extra
        + ",\"messages\":["
        + messages
        + "]}";
  }

  /** A user message of {@code text}, as JSON. */
  static String user(String text) {
    return "{\"role\":\"user\",\"content\":" + Json.write(JsonString.of(text)) + "}";
  }

  /** The first turn done: the task, the call of a.txt with its reasoning, and its result. */
  static String firstTurn() {
    return "{\"role\":\"user\",\"content\":\""
        + TASK
        + "\"},{\"role\":\"assistant\",\"content\":\"\",\"reasoning_content\":\"I will call"
        + " read_file.\",\"tool_calls\":[{\"id\":\"read_file:0\",\"type\":\"function\","
        + "\"function\":{\"name\":\"read_file\",\"arguments\":\"{\\\"path\\\":\\\"a.txt\\\"}\"}}]},"
        + "{\"role\":\"tool\",\"tool_call_id\":\"read_file:0\",\"content\":\"alpha contents\"}";
  }

  static JsonObject message(HttpResponse<String> r) {
    JsonValue v = Json.parse(r.body());
    return v.get("choices").asArray().get(0).get("message").asObject();
  }

  /** The summary the fake model writes of {@link #firstTurn()} when asked for one. */
  String summaryOfTheFirstTurn() throws Exception {
    return message(
            chat(
                body(
                    firstTurn() + "," + user("Summarize the conversation"),
                    ",\"tool_choice\":\"none\"")))
        .get("content")
        .asString();
  }

  @Test
  void aRequestForASummaryIsAnsweredWithTheTaskTheTurnsDoneAndTheResults() throws Exception {
    HttpResponse<String> r =
        chat(
            body(
                firstTurn() + "," + user("Summarize the conversation so far"),
                ",\"tool_choice\":\"none\""));

    assertThat(r.statusCode()).isEqualTo(200);
    JsonObject m = message(r);
    assertThat(m.get("tool_calls")).isNull();
    assertThat(m.get("content").asString())
        .startsWith("Summary of the work so far. Task: " + TASK)
        .contains("Turns done: 1.")
        .contains("read_file {\"path\":\"a.txt\"} returned \"alpha contents\"")
        .contains("Open items: the rest of the task after turn 1.");
    assertThat(m.get("reasoning_content").asString()).isNotEmpty();
  }

  @Test
  void withoutToolChoiceNoneTheWordSummaryIsATaskLikeAnyOther() throws Exception {
    HttpResponse<String> r = chat(body(user("read_file path=summary.txt"), ""));

    assertThat(message(r).get("tool_calls")).isNotNull();
  }

  @Test
  void afterItsSummaryTheModelGoesOnWithTheTasksNextTurn() throws Exception {
    String summary = summaryOfTheFirstTurn();

    HttpResponse<String> r = chat(body(user(TASK) + "," + user("[earlier] " + summary), ""));

    JsonObject m = message(r);
    assertThat(m.get("tool_calls").asArray().get(0).get("function").get("arguments").asString())
        .isEqualTo("{\"path\":\"b.txt\"}");
  }

  @Test
  void aSummaryInTheSameUserMessageAsTheTaskCountsToo() throws Exception {
    // Anthropic Messages joins consecutive user messages into one turn: the task and the summary
    String summary = summaryOfTheFirstTurn();

    HttpResponse<String> r = chat(body(user(TASK + "\n\n" + summary), ""));

    assertThat(
            message(r)
                .get("tool_calls")
                .asArray()
                .get(0)
                .get("function")
                .get("arguments")
                .asString())
        .isEqualTo("{\"path\":\"b.txt\"}");
  }

  @Test
  void aPromptOverASmallWindowIsRefusedInKimisWords() throws Exception {
    server.addModel(ModelCatalog.defaults().lookup("kimi-k3").withContextWindow(2_000));

    HttpResponse<String> r = chat(body(user("word ".repeat(3_000)), ""));

    assertThat(r.statusCode()).isEqualTo(400);
    assertThat(r.body())
        .contains("invalid_request_error")
        .contains("Your request exceeded model token limit: 2000");
  }

  @Test
  void aBodyOverTheStatedLimitIsRefusedAsKimiCodeRefusesIt() throws Exception {
    server.maxRequestBytes(1_000);
    String big = body(user("x".repeat(2_000)), "");

    HttpResponse<String> r = chat(big);

    assertThat(r.statusCode()).isEqualTo(400);
    assertThat(r.body())
        .contains("invalid_request_error")
        .contains("total message size " + big.length() + " exceeds limit 1000");
    server.maxRequestBytes(0);
    assertThat(chat(big).statusCode()).isEqualTo(200);
  }
}
