package io.github.kimisdk.testing;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.kimisdk.foreign.ForeignProcess;
import io.github.kimisdk.foreign.Npm;
import io.github.kimisdk.json.Json;
import io.github.kimisdk.json.JsonNumber;
import io.github.kimisdk.json.JsonObject;
import io.github.kimisdk.json.JsonString;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * The official OpenAI and Anthropic clients use FakeKimiServer as a Kimi stand-in: their Node
 * versions (pinned) run a chat, a stream, a tool call and an error each against the strict fake,
 * sending messages as those clients do: a tool message without {@code name}, and system, user and
 * tool content as text parts (which Kimi takes, so the fake must too). The Python clients would be
 * the natural choice, but PyPI is not reachable from the build machines while npm is; the Node
 * clients share the wire handling the check is about. Skipped, with the reason, when Node or npm is
 * missing.
 */
@Tag("slow") // installs npm packages: mvn -B -P slow verify
class OfficialClientsHttpTest {

  static final String OPENAI = "openai@7.57.0";
  static final String ANTHROPIC = "@anthropic-ai/sdk@1.12.0";

  @Test
  void theOfficialClientsTalkToTheFakeAsToKimi() throws IOException {
    Path dir = Npm.install(OPENAI, ANTHROPIC);
    String script;
    try (InputStream in = getClass().getResourceAsStream("/foreign/official-clients.cjs")) {
      script = new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
    Map<String, JsonObject> results = new HashMap<>();
    try (FakeKimiServer server = new FakeKimiServer().start();
        ForeignProcess node =
            ForeignProcess.start(
                dir,
                List.of(Npm.node(), "-e", script),
                Map.of(
                    "KIMI_BASE_URL", server.baseUrl(),
                    "KIMI_ANTHROPIC_BASE_URL", server.anthropicBaseUrl()))) {
      String output =
          node.await(Pattern.compile("\\{\"what\":\"(done|crash)\".*"), Duration.ofSeconds(90))
              .group();
      assertThat(output).as(node.output()).contains("\"done\"");
      for (String line : node.output().split("\n")) {
        if (line.startsWith("{\"what\":")) {
          JsonObject o = Json.parse(line).asObject();
          results.put(((JsonString) o.get("what")).value(), o);
        }
      }
      assertThat(server.requests())
          .extracting(RecordedRequest::path)
          .contains("/v1/chat/completions", "/v1/responses", "/anthropic/v1/messages");
    }
    JsonObject chat = results.get("openai.chat");
    assertThat(str(chat, "id")).startsWith("chatcmpl-");
    assertThat(str(chat, "text")).isEqualTo("You said: Hello from openai");
    assertThat(str(chat, "reasoning")).contains("Hello from openai");
    assertThat(num(chat, "prompt")).isPositive();
    JsonObject stream = results.get("openai.stream");
    assertThat(str(stream, "text")).isEqualTo("You said: Stream please");
    assertThat(num(stream, "total")).isPositive();
    JsonObject tools = results.get("openai.tools");
    assertThat(str(tools, "finish")).isEqualTo("tool_calls");
    assertThat(str(tools, "name")).isEqualTo("get_weather");
    assertThat(tools.get("arguments")).isEqualTo(Json.parse("{\"city\":\"Paris\"}"));
    assertThat(str(tools, "answer"))
        .as("the tool message had no name: the call it answers names the tool")
        .isEqualTo("From the tools: get_weather says sunny.");
    JsonObject parts = results.get("openai.parts");
    assertThat(parts.get("statuses")).isEqualTo(Json.parse("[200,200]"));
    assertThat(parts.get("arguments")).isEqualTo(Json.parse("{\"city\":\"Rome\"}"));
    assertThat(str(parts, "answer")).isEqualTo("From the tools: get_weather says cloudy.");
    JsonObject error = results.get("openai.error");
    assertThat(error.get("notFound")).isEqualTo(Json.parse("true"));
    assertThat(num(error, "status")).isEqualTo(404);
    assertThat(str(error, "type")).isEqualTo("resource_not_found_error");

    JsonObject created = results.get("responses.create");
    assertThat(str(created, "id")).startsWith("resp_");
    assertThat(str(created, "status")).isEqualTo("completed");
    assertThat(str(created, "text")).isEqualTo("You said: Hello from responses");
    assertThat(str(created, "reasoning")).contains("Hello from responses");
    assertThat(num(created, "input")).isPositive();
    JsonObject events = results.get("responses.stream");
    assertThat(str(events, "text")).isEqualTo("You said: Stream please");
    assertThat(num(events, "total")).isPositive();
    JsonObject called = results.get("responses.tools");
    assertThat(str(called, "name")).isEqualTo("get_weather");
    assertThat(called.get("arguments")).isEqualTo(Json.parse("{\"city\":\"Paris\"}"));
    assertThat(str(called, "answer")).isEqualTo("From the tools: get_weather says sunny.");
    JsonObject stored = results.get("responses.error");
    assertThat(stored.get("badRequest")).isEqualTo(Json.parse("true"));
    assertThat(num(stored, "status")).isEqualTo(400);

    JsonObject message = results.get("anthropic.chat");
    assertThat(str(message, "id")).startsWith("msg_");
    assertThat(message.get("blocks")).isEqualTo(Json.parse("[\"thinking\",\"text\"]"));
    assertThat(str(message, "text")).isEqualTo("You said: Hello from anthropic");
    assertThat(num(message, "input")).isPositive();
    JsonObject streamed = results.get("anthropic.stream");
    assertThat(str(streamed, "text")).isEqualTo("You said: Stream please");
    assertThat(num(streamed, "startInput")).as("message_start usage").isPositive();
    assertThat(str(streamed, "stop")).isEqualTo("end_turn");
    assertThat(str(streamed, "id")).startsWith("msg_");
    JsonObject used = results.get("anthropic.tools");
    assertThat(str(used, "stop")).isEqualTo("tool_use");
    assertThat(str(used, "name")).isEqualTo("get_weather");
    assertThat(used.get("input")).isEqualTo(Json.parse("{\"city\":\"Paris\"}"));
    assertThat(str(used, "answer")).isEqualTo("From the tools: get_weather says sunny.");
    JsonObject notFound = results.get("anthropic.error");
    assertThat(notFound.get("notFound")).isEqualTo(Json.parse("true"));
    assertThat(num(notFound, "status")).isEqualTo(404);
    assertThat(str(notFound, "type")).isEqualTo("not_found_error");
  }

  private static String str(JsonObject o, String name) {
    assertThat(o).as("result").isNotNull();
    return ((JsonString) o.get(name)).value();
  }

  private static long num(JsonObject o, String name) {
    return ((JsonNumber) o.get(name)).longValue();
  }
}
