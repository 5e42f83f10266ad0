package io.github.kimisdk.testing;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.kimisdk.json.Json;
import io.github.kimisdk.json.JsonArray;
import io.github.kimisdk.json.JsonObject;
import io.github.kimisdk.json.JsonValue;
import io.github.kimisdk.model.ModelCatalog;
import io.github.kimisdk.tool.ToolCall;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * {@code POST /v1/responses}: Kimi's stateless Responses API in front of the chat-completions
 * model. Refusals, the request as the responder sees it, the response object and its events, and
 * scripted faults staying faults.
 */
class ResponsesSurfaceHttpTest {

  static final String COMPLETION =
      "{\"id\":\"chatcmpl-abc\",\"object\":\"chat.completion\",\"created\":1700000000,"
          + "\"model\":\"kimi-k2.6\",\"choices\":[{\"index\":0,\"message\":{\"role\":"
          + "\"assistant\",\"content\":\"ok\"},\"finish_reason\":\"stop\"}],"
          + "\"usage\":{\"prompt_tokens\":9,\"completion_tokens\":1,\"total_tokens\":10}}";

  FakeKimiServer server;
  final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
  final List<RecordedRequest> seen = new CopyOnWriteArrayList<>();

  @BeforeEach
  void start() {
    // a fixed clock: a test compares the timestamps of two calls, which a second's turn between
    // them would set apart
    server =
        new FakeKimiServer(Clock.fixed(Instant.parse("2026-11-26T12:00:00Z"), ZoneOffset.UTC))
            .start();
    // retired: listed as a proxy would list it, for its small window and plain answers
    server.addModel(ModelCatalog.defaults().lookup("moonshot-v1-8k"));
  }

  @AfterEach
  void stop() {
    server.close();
  }

  HttpResponse<String> post(String body) throws Exception {
    return post(body, "test");
  }

  HttpResponse<String> post(String body, String key) throws Exception {
    HttpRequest.Builder b =
        HttpRequest.newBuilder(URI.create(server.baseUrl() + "/responses"))
            .header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString(body));
    if (key != null) {
      b.header("Authorization", "Bearer " + key);
    }
    return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
  }

  JsonObject ok(String body) throws Exception {
    HttpResponse<String> r = post(body);
    assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
    return Json.parse(r.body()).asObject();
  }

  /** Records what the responder sees and answers with a fixed completion. */
  void capture() {
    server.respondWith(
        r -> {
          seen.add(r);
          return FakeResponse.json(COMPLETION);
        });
  }

  /** The parsed data of each event, checking that the event name repeats its type. */
  static List<JsonObject> events(String sse) {
    List<JsonObject> out = new ArrayList<>();
    for (String block : sse.split("\n\n")) {
      String[] lines = block.split("\n");
      assertThat(lines).hasSize(2);
      assertThat(lines[0]).startsWith("event: ");
      assertThat(lines[1]).startsWith("data: ");
      JsonObject data = Json.parse(lines[1].substring(6)).asObject();
      assertThat(data.get("type").asString()).isEqualTo(lines[0].substring(7));
      out.add(data);
    }
    return out;
  }

  static List<String> types(List<JsonObject> events) {
    return events.stream().map(e -> e.get("type").asString()).toList();
  }

  // ---- refusals ----

  static Stream<Arguments> refusals() {
    return Stream.of(
        Arguments.of(
            "{\"model\":\"kimi-k2.6\",\"input\":\"Hi\",\"store\":true}",
            400,
            "invalid_request_error",
            "store is not supported; send store: false"),
        Arguments.of(
            "{\"model\":\"kimi-k2.6\",\"input\":\"Hi\",\"previous_response_id\":\"resp_1\"}",
            400,
            "invalid_request_error",
            "previous_response_id"),
        Arguments.of(
            "{\"model\":\"kimi-k2.6\",\"input\":\"Hi\",\"conversation\":\"conv_1\"}",
            400,
            "invalid_request_error",
            "conversation"),
        Arguments.of("{\"input\":\"Hi\"}", 400, "invalid_request_error", "model is required"),
        Arguments.of(
            "{\"model\":\"kimi-k2.6\"}", 400, "invalid_request_error", "input is required"),
        Arguments.of(
            "{\"model\":\"kimi-k2.6\",\"input\":[{\"type\":\"item_reference\",\"id\":\"msg_1\"}]}",
            400,
            "invalid_request_error",
            "unsupported input item type item_reference"),
        Arguments.of(
            "{\"model\":\"kimi-k2.6\",\"input\":[{\"role\":\"critic\",\"content\":\"Hi\"}]}",
            400,
            "invalid_request_error",
            "unsupported role critic"),
        Arguments.of(
            "{\"model\":\"kimi-k2.6\",\"input\":[{\"type\":\"message\",\"role\":\"tool\","
                + "\"content\":\"Hi\"}]}",
            400,
            "invalid_request_error",
            "unsupported role tool"),
        Arguments.of(
            "{\"model\":\"kimi-k2.6\",\"input\":\"Hi\",\"tools\":[{\"type\":\"tool_search\"}]}",
            400,
            "invalid_request_error",
            "tools.0: tool type \"tool_search\" is not supported"),
        Arguments.of(
            "{\"model\":\"kimi-k2.6\",\"input\":\"Hi\",\"tools\":[{\"type\":\"web_search\","
                + "\"search_context_size\":\"low\"}]}",
            400,
            "invalid_request_error",
            "tools.0: search_context_size is not supported"),
        Arguments.of(
            "{\"model\":\"kimi-k2.6\",\"input\":\"Hi\",\"tools\":[{\"type\":\"web_search\","
                + "\"filters\":{\"blocked_domains\":[\"example.com\"]}}]}",
            400,
            "invalid_request_error",
            "tools.0: blocked_domains is not supported"),
        Arguments.of(
            "{\"model\":\"kimi-k2.6\",\"input\":\"Hi\",\"tools\":["
                + FN
                + ",{\"type\":\"function\","
                + "\"name\":\"later\",\"parameters\":{\"type\":\"object\"},\"defer_loading\":true}]}",
            400,
            "invalid_request_error",
            "tools.1: defer_loading is not supported"),
        Arguments.of(
            "{\"model\":\"kimi-k2.6\",\"input\":\"Hi\",\"tools\":[{\"type\":\"namespace\","
                + "\"name\":\"crm\",\"tools\":[{\"type\":\"function\",\"name\":\"find\","
                + "\"defer_loading\":true}]}]}",
            400,
            "invalid_request_error",
            "tools.0.tools.0: defer_loading is not supported"),
        Arguments.of(
            "{\"model\":\"kimi-k2.6\",\"input\":\"Hi\",\"tools\":[{\"type\":\"custom\","
                + "\"name\":\"run_sql\"}]}",
            400,
            "invalid_request_error",
            "custom tool \"run_sql\" is not supported; only apply_patch is"),
        Arguments.of(
            "{\"model\":\"kimi-k2.6\",\"input\":\"Hi\",\"prompt_cache_breakpoint\":true}",
            400,
            "invalid_request_error",
            "prompt_cache_breakpoint is not supported"),
        Arguments.of("[1]", 400, "invalid_request_error", "not a JSON object"),
        // judged by the model, as on chat completions
        Arguments.of(
            "{\"model\":\"gpt-4o\",\"input\":\"Hi\"}",
            404,
            "resource_not_found_error",
            "Not found the model gpt-4o"),
        Arguments.of(
            "{\"model\":\"kimi-k3\",\"input\":\"Hi\",\"top_p\":0.5}",
            400,
            "invalid_request_error",
            "invalid top_p"),
        Arguments.of(
            "{\"model\":\"kimi-k2.6\",\"input\":\"Hi\",\"text\":{\"format\":{\"type\":\"yaml\"}}}",
            400,
            "invalid_request_error",
            "response_format"));
  }

  static final String FN =
      "{\"type\":\"function\",\"name\":\"get_weather\",\"parameters\":{\"type\":\"object\","
          + "\"properties\":{\"city\":{\"type\":\"string\"}}}}";

  @ParameterizedTest
  @ValueSource(
      strings = {
        "{\"type\":\"web_search\"}",
        "{\"type\":\"web_search\",\"user_location\":{\"type\":\"approximate\",\"city\":\"Oslo\"}}",
        "{\"type\":\"custom\",\"name\":\"apply_patch\"}",
        "{\"type\":\"namespace\",\"name\":\"crm\",\"description\":\"Customers\",\"tools\":["
            + FN
            + "]}",
        FN
      })
  void acceptsTheToolsKimiAccepts(String tool) throws Exception {
    HttpResponse<String> r =
        post("{\"model\":\"kimi-k2.6\",\"input\":\"Hi\",\"tools\":[" + tool + "]}");

    assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
  }

  @Test
  void aNamespacesFunctionsAreOfferedToTheModelByTheirOwnNames() throws Exception {
    capture();
    post(
        "{\"model\":\"kimi-k2.6\",\"input\":\"Hi\",\"tools\":[{\"type\":\"web_search\"},"
            + "{\"type\":\"namespace\",\"name\":\"crm\",\"tools\":["
            + FN
            + "]}]}");

    JsonObject chat = seen.get(0).json().asObject();
    assertThat(chat.get("tools").asArray().values())
        .extracting(t -> t.get("function").get("name").asString())
        .containsExactly("get_weather");
  }

  @ParameterizedTest
  @MethodSource("refusals")
  void refusesWhatKimiRefuses(String body, int status, String type, String message)
      throws Exception {
    HttpResponse<String> r = post(body);

    assertThat(r.statusCode()).as(r.body()).isEqualTo(status);
    JsonObject error = Json.parse(r.body()).get("error").asObject();
    assertThat(error.get("type").asString()).isEqualTo(type);
    assertThat(error.get("message").asString()).contains(message);
  }

  @Test
  void theSurfaceRefusesBeforeTheResponderSeesAnything() throws Exception {
    capture();
    assertThat(post("{\"model\":\"kimi-k2.6\",\"input\":\"Hi\",\"store\":true}").statusCode())
        .isEqualTo(400);
    assertThat(seen).isEmpty();
  }

  @Test
  void storeFalseOrAbsentIsFine() throws Exception {
    assertThat(post("{\"model\":\"kimi-k2.6\",\"input\":\"Hi\",\"store\":false}").statusCode())
        .isEqualTo(200);
    assertThat(post("{\"model\":\"kimi-k2.6\",\"input\":\"Hi\"}").statusCode()).isEqualTo(200);
  }

  @Test
  void withoutAKeyIs401() throws Exception {
    HttpResponse<String> r = post("{\"model\":\"kimi-k2.6\",\"input\":\"Hi\"}", null);

    assertThat(r.statusCode()).isEqualTo(401);
    assertThat(Json.parse(r.body()).get("error").get("type").asString())
        .isEqualTo("invalid_authentication_error");
  }

  // ---- the request as the responder sees it ----

  static Stream<Arguments> translations() {
    return Stream.of(
        Arguments.of(
            "instructions and a string input",
            "{\"model\":\"kimi-k2.6\",\"instructions\":\"Be brief.\",\"input\":\"Hi\"}",
            "{\"model\":\"kimi-k2.6\",\"messages\":[{\"role\":\"system\",\"content\":\"Be"
                + " brief.\"},{\"role\":\"user\",\"content\":\"Hi\"}]}"),
        Arguments.of(
            "system, developer and user items, with and without a type",
            "{\"model\":\"kimi-k2.6\",\"input\":[{\"type\":\"message\",\"role\":\"system\","
                + "\"content\":\"S\"},{\"role\":\"developer\",\"content\":[{\"type\":"
                + "\"input_text\",\"text\":\"D1\"},{\"type\":\"input_text\",\"text\":\"D2\"}]},"
                + "{\"role\":\"user\",\"content\":\"U\"},{\"type\":\"message\",\"role\":\"user\","
                + "\"content\":[{\"type\":\"input_text\",\"text\":\"What is this?\"},{\"type\":"
                + "\"input_image\",\"image_url\":\"data:image/png;base64,AAAA\",\"detail\":"
                + "\"auto\"}]}]}",
            "{\"model\":\"kimi-k2.6\",\"messages\":[{\"role\":\"system\",\"content\":\"S\"},"
                + "{\"role\":\"system\",\"content\":\"D1D2\"},{\"role\":\"user\",\"content\":"
                + "\"U\"},{\"role\":\"user\",\"content\":[{\"type\":\"text\",\"text\":\"What is"
                + " this?\"},{\"type\":\"image_url\",\"image_url\":{\"url\":"
                + "\"data:image/png;base64,AAAA\"}}]}]}"),
        Arguments.of(
            "reasoning, message and calls form one assistant message; outputs are tool messages",
            "{\"model\":\"kimi-k2.6\",\"input\":[{\"role\":\"user\",\"content\":\"Weather?\"},"
                + "{\"type\":\"reasoning\",\"id\":\"rs_1\",\"summary\":[{\"type\":"
                + "\"summary_text\",\"text\":\"I should \"},{\"type\":\"summary_text\",\"text\":"
                + "\"look.\"}]},{\"type\":\"message\",\"role\":\"assistant\",\"id\":\"msg_1\","
                + "\"status\":\"completed\",\"content\":[{\"type\":\"output_text\",\"text\":"
                + "\"Checking.\",\"annotations\":[]}]},{\"type\":\"function_call\",\"id\":"
                + "\"fc_1\",\"call_id\":\"c1\",\"name\":\"get_weather\",\"arguments\":"
                + "\"{\\\"city\\\":\\\"Paris\\\"}\"},{\"type\":\"function_call\",\"call_id\":"
                + "\"c2\",\"name\":\"get_time\",\"arguments\":\"{}\"},{\"type\":"
                + "\"function_call_output\",\"call_id\":\"c1\",\"output\":\"sunny\"},{\"type\":"
                + "\"function_call_output\",\"call_id\":\"c2\",\"output\":[{\"type\":"
                + "\"input_text\",\"text\":\"noon\"}]},{\"type\":\"reasoning\",\"summary\":[],"
                + "\"content\":[{\"type\":\"reasoning_text\",\"text\":\"Answer.\"}]},{\"role\":"
                + "\"assistant\",\"content\":\"Sunny at noon.\"},{\"role\":\"user\",\"content\":"
                + "\"Thanks\"}]}",
            "{\"model\":\"kimi-k2.6\",\"messages\":[{\"role\":\"user\",\"content\":"
                + "\"Weather?\"},{\"role\":\"assistant\",\"content\":\"Checking.\","
                + "\"reasoning_content\":\"I should look.\",\"tool_calls\":[{\"id\":\"c1\","
                + "\"type\":\"function\",\"function\":{\"name\":\"get_weather\",\"arguments\":"
                + "\"{\\\"city\\\":\\\"Paris\\\"}\"}},{\"id\":\"c2\",\"type\":\"function\","
                + "\"function\":{\"name\":\"get_time\",\"arguments\":\"{}\"}}]},{\"role\":"
                + "\"tool\",\"tool_call_id\":\"c1\",\"content\":\"sunny\"},{\"role\":\"tool\","
                + "\"tool_call_id\":\"c2\",\"content\":[{\"type\":\"text\",\"text\":\"noon\"}]},"
                + "{\"role\":\"assistant\",\"content\":\"Sunny at noon.\",\"reasoning_content\":"
                + "\"Answer.\"},{\"role\":\"user\",\"content\":\"Thanks\"}]}"),
        Arguments.of(
            "a call alone gets empty content",
            "{\"model\":\"kimi-k2.6\",\"input\":[{\"role\":\"user\",\"content\":\"Ping\"},"
                + "{\"type\":\"function_call\",\"call_id\":\"c1\",\"name\":\"ping\",\"arguments\":"
                + "\"{}\"},{\"type\":\"function_call_output\",\"call_id\":\"c1\",\"output\":"
                + "\"pong\"}]}",
            "{\"model\":\"kimi-k2.6\",\"messages\":[{\"role\":\"user\",\"content\":\"Ping\"},"
                + "{\"role\":\"assistant\",\"content\":\"\",\"tool_calls\":[{\"id\":\"c1\","
                + "\"type\":\"function\",\"function\":{\"name\":\"ping\",\"arguments\":\"{}\"}}]},"
                + "{\"role\":\"tool\",\"tool_call_id\":\"c1\",\"content\":\"pong\"}]}"),
        Arguments.of(
            "tools and a named tool choice",
            "{\"model\":\"kimi-k2.6\",\"input\":\"Hi\",\"tools\":[{\"type\":\"function\","
                + "\"name\":\"get_weather\",\"description\":\"Weather\",\"parameters\":{\"type\":"
                + "\"object\",\"properties\":{}},\"strict\":true},{\"type\":\"function\",\"name\":"
                + "\"ping\"}],\"tool_choice\":{\"type\":\"function\",\"name\":\"ping\"}}",
            "{\"model\":\"kimi-k2.6\",\"messages\":[{\"role\":\"user\",\"content\":\"Hi\"}],"
                + "\"tools\":[{\"type\":\"function\",\"function\":{\"name\":\"get_weather\","
                + "\"description\":\"Weather\",\"parameters\":{\"type\":\"object\",\"properties\":"
                + "{}},\"strict\":true}},{\"type\":\"function\",\"function\":{\"name\":\"ping\"}}],"
                + "\"tool_choice\":{\"type\":\"function\",\"function\":{\"name\":\"ping\"}}}"),
        Arguments.of(
            "a tool choice by word",
            "{\"model\":\"kimi-k2.6\",\"input\":\"Hi\",\"tool_choice\":\"required\"}",
            "{\"model\":\"kimi-k2.6\",\"messages\":[{\"role\":\"user\",\"content\":\"Hi\"}],"
                + "\"tool_choice\":\"required\"}"),
        Arguments.of(
            "output cap, effort and a JSON schema",
            "{\"model\":\"kimi-k2.6\",\"input\":\"Hi\",\"max_output_tokens\":64,\"reasoning\":"
                + "{\"effort\":\"low\",\"summary\":\"auto\"},\"text\":{\"format\":{\"type\":"
                + "\"json_schema\",\"name\":\"answer\",\"schema\":{\"type\":\"object\"},"
                + "\"strict\":true}}}",
            "{\"model\":\"kimi-k2.6\",\"messages\":[{\"role\":\"user\",\"content\":\"Hi\"}],"
                + "\"max_completion_tokens\":64,\"reasoning_effort\":\"low\",\"response_format\":"
                + "{\"type\":\"json_schema\",\"json_schema\":{\"name\":\"answer\",\"schema\":"
                + "{\"type\":\"object\"},\"strict\":true}}}"),
        Arguments.of(
            "a JSON object format",
            "{\"model\":\"kimi-k2.6\",\"input\":\"Hi\",\"text\":{\"format\":{\"type\":"
                + "\"json_object\"}}}",
            "{\"model\":\"kimi-k2.6\",\"messages\":[{\"role\":\"user\",\"content\":\"Hi\"}],"
                + "\"response_format\":{\"type\":\"json_object\"}}"),
        Arguments.of(
            "a text format and an effort-less reasoning say nothing",
            "{\"model\":\"kimi-k2.6\",\"input\":\"Hi\",\"text\":{\"format\":{\"type\":"
                + "\"text\"}},\"reasoning\":{\"summary\":\"auto\"}}",
            "{\"model\":\"kimi-k2.6\",\"messages\":[{\"role\":\"user\",\"content\":\"Hi\"}]}"),
        Arguments.of(
            "a stream asks for usage",
            "{\"model\":\"kimi-k2.6\",\"input\":\"Hi\",\"stream\":true,\"stream_options\":"
                + "{\"include_obfuscation\":false}}",
            "{\"model\":\"kimi-k2.6\",\"messages\":[{\"role\":\"user\",\"content\":\"Hi\"}],"
                + "\"stream\":true,\"stream_options\":{\"include_usage\":true}}"),
        Arguments.of(
            "other fields pass unchanged; include and store false are dropped",
            "{\"model\":\"kimi-k2.6\",\"input\":\"Hi\",\"store\":false,\"include\":"
                + "[\"reasoning.encrypted_content\"],\"temperature\":1,\"top_p\":0.95,"
                + "\"thinking\":{\"type\":\"disabled\"},\"prompt_cache_key\":\"s1\","
                + "\"prompt_cache_options\":{\"ttl\":\"1h\"},\"safety_identifier\":\"u1\","
                + "\"parallel_tool_calls\":false,\"metadata\":{\"k\":\"v\"},\"user\":\"u\","
                + "\"n\":1,\"x_custom\":[1]}",
            "{\"model\":\"kimi-k2.6\",\"messages\":[{\"role\":\"user\",\"content\":\"Hi\"}],"
                + "\"temperature\":1,\"top_p\":0.95,\"thinking\":{\"type\":\"disabled\"},"
                + "\"prompt_cache_key\":\"s1\",\"prompt_cache_options\":{\"ttl\":\"1h\"},"
                + "\"safety_identifier\":\"u1\",\"parallel_tool_calls\":false,\"metadata\":"
                + "{\"k\":\"v\"},\"user\":\"u\",\"n\":1,\"x_custom\":[1]}"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("translations")
  void theResponderSeesTheChatRequestItStandsFor(String what, String body, String chat)
      throws Exception {
    capture();
    post(body);

    assertThat(seen).hasSize(1);
    RecordedRequest asked = seen.get(0);
    assertThat(asked.method()).isEqualTo("POST");
    assertThat(asked.path()).isEqualTo("/v1/chat/completions");
    assertThat(asked.header("Authorization")).contains("Bearer test");
    assertThat(asked.json()).isEqualTo(Json.parse(chat));
    // what was recorded is what the client sent
    RecordedRequest sent = server.takeRequest();
    assertThat(sent.path()).isEqualTo("/v1/responses");
    assertThat(sent.json()).isEqualTo(Json.parse(body));
  }

  // ---- the response ----

  @Test
  void aTextAnswerIsAResponseObject() throws Exception {
    JsonObject r =
        ok(
            "{\"model\":\"moonshot-v1-8k\",\"input\":\"Hi there\",\"store\":false,"
                + "\"instructions\":\"Be brief.\",\"metadata\":{\"k\":\"v\"}}");
    HttpResponse<String> chat =
        chatCall(
            "{\"model\":\"moonshot-v1-8k\",\"messages\":[{\"role\":\"system\",\"content\":"
                + "\"Be brief.\"},{\"role\":\"user\",\"content\":\"Hi there\"}]}");
    JsonObject completion = Json.parse(chat.body()).asObject();

    assertThat(r.get("id").asString()).startsWith("resp_").doesNotContain("chatcmpl");
    assertThat(r.get("object").asString()).isEqualTo("response");
    assertThat(r.get("created_at")).isEqualTo(completion.get("created"));
    assertThat(r.get("status").asString()).isEqualTo("completed");
    assertThat(r.get("model").asString()).isEqualTo("moonshot-v1-8k");
    assertThat(r.get("incomplete_details")).isEqualTo(Json.parse("null"));
    assertThat(r.get("error")).isEqualTo(Json.parse("null"));
    assertThat(r.get("store")).isEqualTo(Json.parse("false"));
    assertThat(r.get("instructions").asString()).isEqualTo("Be brief.");
    assertThat(r.get("metadata")).isEqualTo(Json.parse("{\"k\":\"v\"}"));
    JsonArray output = r.get("output").asArray();
    assertThat(output.size()).isEqualTo(1);
    JsonObject message = output.get(0).asObject();
    assertThat(message.get("id").asString()).startsWith("msg_");
    assertThat(message.get("type").asString()).isEqualTo("message");
    assertThat(message.get("status").asString()).isEqualTo("completed");
    assertThat(message.get("role").asString()).isEqualTo("assistant");
    assertThat(message.get("content"))
        .isEqualTo(
            Json.parse(
                "[{\"type\":\"output_text\",\"text\":\"You said: Hi there\","
                    + "\"annotations\":[]}]"));
    JsonObject usage = completion.get("usage").asObject();
    long prompt = usage.get("prompt_tokens").asLong();
    long out = usage.get("completion_tokens").asLong();
    assertThat(r.get("usage"))
        .isEqualTo(
            Json.parse(
                "{\"input_tokens\":"
                    + prompt
                    + ",\"input_tokens_details\":{\"cached_tokens\":0,\"cache_write_tokens\":0},"
                    + "\"output_tokens\":"
                    + out
                    + ",\"output_tokens_details\":{\"reasoning_tokens\":0},\"total_tokens\":"
                    + (prompt + out)
                    + "}"));
  }

  HttpResponse<String> chatCall(String body) throws Exception {
    return RawChatSuite.chat(server, body);
  }

  @Test
  void aThinkingModelAnswersWithAReasoningItemFirst() throws Exception {
    for (String model : List.of("kimi-k2.6", "kimi-k3")) {
      JsonObject r = ok("{\"model\":\"" + model + "\",\"input\":\"Hi\"}");

      JsonArray output = r.get("output").asArray();
      assertThat(output.values())
          .extracting(v -> v.get("type").asString())
          .containsExactly("reasoning", "message");
      JsonObject reasoning = output.get(0).asObject();
      assertThat(reasoning.get("id").asString()).startsWith("rs_");
      JsonArray summary = reasoning.get("summary").asArray();
      assertThat(summary.size()).isEqualTo(1);
      assertThat(summary.get(0).get("type").asString()).isEqualTo("summary_text");
      assertThat(summary.get(0).get("text").asString()).isNotBlank();
      assertThat(text(r)).isEqualTo("You said: Hi");
      assertThat(r.get("usage").get("output_tokens_details").get("reasoning_tokens").asLong())
          .isPositive();
    }
  }

  static String text(JsonObject response) {
    StringBuilder sb = new StringBuilder();
    for (JsonValue item : response.get("output").asArray()) {
      if (item.get("type").asString().equals("message")) {
        for (JsonValue part : item.get("content").asArray()) {
          sb.append(part.get("text").asString());
        }
      }
    }
    return sb.toString();
  }

  @Test
  void scriptedToolCallsAreFunctionCallItems() throws Exception {
    server.enqueue(
        FakeResponse.toolCalls(
            ToolCall.function("call_w", "get_weather", "{\"city\":\"Paris\"}"),
            ToolCall.function("call_t", "get_time", "{\"zone\":\"CET\"}")));
    JsonObject r =
        ok(
            "{\"model\":\"moonshot-v1-8k\",\"input\":\"Weather and time in Paris?\","
                + "\"tools\":[{\"type\":\"function\",\"name\":\"get_weather\",\"parameters\":"
                + "{\"type\":\"object\",\"properties\":{\"city\":{\"type\":\"string\"}}}},"
                + "{\"type\":\"function\",\"name\":\"get_time\",\"parameters\":{\"type\":"
                + "\"object\",\"properties\":{\"zone\":{\"type\":\"string\"}}}}]}");

    assertThat(r.get("status").asString()).isEqualTo("completed");
    List<JsonValue> output = r.get("output").asArray().values();
    assertThat(output).hasSize(2);
    for (int i = 0; i < 2; i++) {
      JsonObject call = output.get(i).asObject();
      assertThat(call.get("id").asString()).startsWith("fc_");
      assertThat(call.get("status").asString()).isEqualTo("completed");
      assertThat(call.get("type").asString()).isEqualTo("function_call");
    }
    assertThat(output.get(0).get("call_id").asString()).isEqualTo("call_w");
    assertThat(output.get(0).get("name").asString()).isEqualTo("get_weather");
    assertThat(output.get(0).get("arguments").asString()).isEqualTo("{\"city\":\"Paris\"}");
    assertThat(output.get(1).get("call_id").asString()).isEqualTo("call_t");
    assertThat(output.get(1).get("name").asString()).isEqualTo("get_time");
    // the tools come back as they were declared
    assertThat(r.get("tools").asArray().size()).isEqualTo(2);
    assertThat(r.get("tool_choice").asString()).isEqualTo("auto");
  }

  @Test
  void theModelsOwnToolCallsRoundTrip() throws Exception {
    String tools =
        "\"tools\":[{\"type\":\"function\",\"name\":\"get_weather\",\"parameters\":{\"type\":"
            + "\"object\",\"properties\":{\"city\":{\"type\":\"string\"}},\"required\":"
            + "[\"city\"]}}]";
    JsonObject first =
        ok(
            "{\"model\":\"kimi-k2.6\",\"input\":\"What is the weather in city=Paris?\","
                + tools
                + "}");
    List<JsonValue> history = new ArrayList<>();
    history.add(
        Json.parse("{\"role\":\"user\",\"content\":\"What is the weather in city=Paris?\"}"));
    history.addAll(first.get("output").asArray().values());
    JsonObject call =
        first.get("output").asArray().values().stream()
            .filter(v -> v.get("type").asString().equals("function_call"))
            .findFirst()
            .orElseThrow()
            .asObject();
    assertThat(call.get("name").asString()).isEqualTo("get_weather");
    history.add(
        Json.parse(
            "{\"type\":\"function_call_output\",\"call_id\":\""
                + call.get("call_id").asString()
                + "\",\"output\":\"sunny\"}"));

    JsonObject second =
        ok(
            "{\"model\":\"kimi-k2.6\",\"input\":"
                + Json.write(JsonArray.of(history))
                + ","
                + tools
                + "}");

    assertThat(second.get("status").asString()).isEqualTo("completed");
    assertThat(text(second)).contains("sunny");
  }

  @Test
  void aLengthFinishIsIncomplete() throws Exception {
    JsonObject r =
        ok(
            "{\"model\":\"moonshot-v1-8k\",\"input\":\"Tell me a long story about the sea\","
                + "\"max_output_tokens\":2}");

    assertThat(r.get("status").asString()).isEqualTo("incomplete");
    assertThat(r.get("incomplete_details"))
        .isEqualTo(Json.parse("{\"reason\":\"max_output_tokens\"}"));
    assertThat(r.get("max_output_tokens").asLong()).isEqualTo(2);
  }

  @Test
  void aContentFilterFinishIsIncomplete() throws Exception {
    server.enqueue(FakeResponse.json(COMPLETION.replace("\"stop\"", "\"content_filter\"")));
    JsonObject r = ok("{\"model\":\"kimi-k2.6\",\"input\":\"Hi\"}");

    assertThat(r.get("status").asString()).isEqualTo("incomplete");
    assertThat(r.get("incomplete_details"))
        .isEqualTo(Json.parse("{\"reason\":\"content_filter\"}"));
    assertThat(r.get("id").asString()).isEqualTo("resp_abc");
  }

  @Test
  void cachedTokensAreReportedInTheInputDetails() throws Exception {
    String body =
        "{\"model\":\"kimi-k2.6\",\"instructions\":"
            + Json.write(
                io.github.kimisdk.json.JsonString.of("You are a careful assistant. ".repeat(80)))
            + ",\"input\":\"Hi\"}";
    ok(body);
    JsonObject usage = ok(body).get("usage").asObject();

    long cached = usage.get("input_tokens_details").get("cached_tokens").asLong();
    assertThat(cached).isPositive().isLessThanOrEqualTo(usage.get("input_tokens").asLong());
  }

  @Test
  void cacheWritesAreCarriedUnderTheirChatName() throws Exception {
    server.enqueue(
        FakeResponse.json(
            COMPLETION.replace(
                "\"total_tokens\":10}",
                "\"total_tokens\":10,\"prompt_tokens_details\":{\"cached_tokens\":4,"
                    + "\"cache_write_tokens\":5},\"completion_tokens_details\":"
                    + "{\"reasoning_tokens\":1}}")));
    JsonObject r = ok("{\"model\":\"kimi-k2.6\",\"input\":\"Hi\"}");

    assertThat(r.get("usage"))
        .isEqualTo(
            Json.parse(
                "{\"input_tokens\":9,\"input_tokens_details\":{\"cached_tokens\":4,"
                    + "\"cache_write_tokens\":5},\"output_tokens\":1,\"output_tokens_details\":"
                    + "{\"reasoning_tokens\":1},\"total_tokens\":10}"));
  }

  @Test
  void aTypedReplyIsWrittenOutByTheModel() throws Exception {
    server.enqueue(FakeResponse.reply("Bonjour"));
    JsonObject r = ok("{\"model\":\"moonshot-v1-8k\",\"input\":\"Hi\"}");

    assertThat(text(r)).isEqualTo("Bonjour");
  }

  // ---- the stream ----

  String streamed(String body) throws Exception {
    HttpResponse<String> r = post(body);
    assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
    assertThat(r.headers().firstValue("Content-Type").orElse("")).startsWith("text/event-stream");
    assertThat(r.body()).doesNotContain("[DONE]");
    return r.body();
  }

  /** A stream folded back into what a non-streamed response says. */
  record Folded(String reasoning, String text, List<String> calls, JsonValue usage) {}

  static Folded fold(List<JsonObject> events) {
    StringBuilder reasoning = new StringBuilder();
    StringBuilder text = new StringBuilder();
    Map<String, String[]> calls = new LinkedHashMap<>();
    for (JsonObject e : events) {
      switch (e.get("type").asString()) {
        case "response.reasoning_summary_text.delta" -> reasoning.append(e.get("delta").asString());
        case "response.output_text.delta" -> text.append(e.get("delta").asString());
        case "response.output_item.added" -> {
          JsonObject item = e.get("item").asObject();
          if (item.get("type").asString().equals("function_call")) {
            calls.put(
                item.get("id").asString(),
                new String[] {item.get("name").asString(), item.get("arguments").asString()});
          }
        }
        case "response.function_call_arguments.delta" -> {
          String[] call = calls.get(e.get("item_id").asString());
          call[1] += e.get("delta").asString();
        }
        default -> {}
      }
    }
    JsonObject last = events.get(events.size() - 1);
    return new Folded(
        reasoning.toString(),
        text.toString(),
        calls.values().stream().map(c -> c[0] + c[1]).toList(),
        last.get("response").get("usage"));
  }

  static Folded fold(JsonObject response) {
    StringBuilder reasoning = new StringBuilder();
    List<String> calls = new ArrayList<>();
    for (JsonValue item : response.get("output").asArray()) {
      switch (item.get("type").asString()) {
        case "reasoning" -> {
          for (JsonValue s : item.get("summary").asArray()) {
            reasoning.append(s.get("text").asString());
          }
        }
        case "function_call" ->
            calls.add(item.get("name").asString() + item.get("arguments").asString());
        default -> {}
      }
    }
    return new Folded(reasoning.toString(), text(response), calls, response.get("usage"));
  }

  /** Streams {@code body} (a request left open), asserts its events are numbered in order. */
  List<JsonObject> sequencedEvents(String body) throws Exception {
    List<JsonObject> events = events(streamed(body + ",\"stream\":true}"));
    for (int i = 0; i < events.size(); i++) {
      assertThat(events.get(i).get("sequence_number").asLong()).isEqualTo(i);
    }
    return events;
  }

  @Test
  void aStreamedTextAnswerIsTheResponsesEventSequence() throws Exception {
    String body = "{\"model\":\"moonshot-v1-8k\",\"input\":\"Hi there\"";
    List<JsonObject> events = sequencedEvents(body);

    List<String> types = types(events);
    assertThat(types.subList(0, 4))
        .containsExactly(
            "response.created",
            "response.in_progress",
            "response.output_item.added",
            "response.content_part.added");
    assertThat(types.subList(4, types.size() - 4))
        .isNotEmpty()
        .containsOnly("response.output_text.delta");
    assertThat(types.subList(types.size() - 4, types.size()))
        .containsExactly(
            "response.output_text.done",
            "response.content_part.done",
            "response.output_item.done",
            "response.completed");
    JsonObject created = events.get(0).get("response").asObject();
    assertThat(created.get("status").asString()).isEqualTo("in_progress");
    assertThat(created.get("output").asArray().isEmpty()).isTrue();
    JsonObject added = events.get(2);
    assertThat(added.get("output_index").asLong()).isZero();
    assertThat(added.get("item").get("content").asArray().isEmpty()).isTrue();
    JsonObject delta = events.get(4);
    assertThat(delta.get("item_id")).isEqualTo(added.get("item").get("id"));
    assertThat(delta.get("content_index").asLong()).isZero();
    JsonObject done = events.get(types.size() - 4);
    assertThat(done.get("text").asString()).isEqualTo("You said: Hi there");
    JsonObject completed = events.get(events.size() - 1).get("response").asObject();
    assertThat(completed.get("id")).isEqualTo(created.get("id"));
    assertThat(completed.get("status").asString()).isEqualTo("completed");
    assertThat(completed.get("output").get(0)).isEqualTo(events.get(types.size() - 2).get("item"));

    Folded folded = fold(events);
    Folded plain = fold(ok(body + "}"));
    assertThat(folded).isEqualTo(plain);
    assertThat(fold(completed)).isEqualTo(plain);
  }

  @Test
  void aStreamedThinkingAnswerHasItsReasoningItemFirst() throws Exception {
    String body = "{\"model\":\"kimi-k2.6\",\"input\":\"Hi there\"";
    List<JsonObject> events = sequencedEvents(body);

    List<String> types = types(events);
    assertThat(types.subList(2, 5))
        .containsExactly(
            "response.output_item.added",
            "response.reasoning_summary_part.added",
            "response.reasoning_summary_text.delta");
    int textDone = types.indexOf("response.reasoning_summary_text.done");
    assertThat(types.subList(textDone, textDone + 5))
        .containsExactly(
            "response.reasoning_summary_text.done",
            "response.reasoning_summary_part.done",
            "response.output_item.done",
            "response.output_item.added",
            "response.content_part.added");
    assertThat(events.get(textDone + 3).get("output_index").asLong()).isEqualTo(1);
    assertThat(events.get(textDone).get("summary_index").asLong()).isZero();

    Folded folded = fold(events);
    Folded plain = fold(ok(body + "}"));
    assertThat(folded.reasoning()).isNotBlank();
    assertThat(folded).isEqualTo(plain);
    assertThat(fold(events.get(events.size() - 1).get("response").asObject())).isEqualTo(plain);
  }

  @Test
  void streamedToolCallsAreFunctionCallItems() throws Exception {
    String body =
        "{\"model\":\"moonshot-v1-8k\",\"input\":\"get_weather city=Paris and get_time"
            + " zone=CET\",\"tools\":[{\"type\":\"function\",\"name\":\"get_weather\","
            + "\"parameters\":{\"type\":\"object\",\"properties\":{\"city\":{\"type\":"
            + "\"string\"}}}},{\"type\":\"function\",\"name\":\"get_time\",\"parameters\":"
            + "{\"type\":\"object\",\"properties\":{\"zone\":{\"type\":\"string\"}}}}]";
    List<JsonObject> events = sequencedEvents(body);

    List<String> types = types(events);
    assertThat(types)
        .containsSubsequence(
            "response.output_item.added",
            "response.function_call_arguments.delta",
            "response.function_call_arguments.done",
            "response.output_item.done",
            "response.output_item.added",
            "response.function_call_arguments.delta",
            "response.function_call_arguments.done",
            "response.output_item.done",
            "response.completed");
    JsonObject argsDone =
        events.get(types.indexOf("response.function_call_arguments.done")).asObject();
    assertThat(argsDone.get("arguments").asString()).isEqualTo("{\"city\":\"Paris\"}");
    JsonObject added = events.get(types.indexOf("response.output_item.added"));
    assertThat(added.get("item").get("call_id").asString()).isNotBlank();
    assertThat(added.get("item").get("arguments").asString()).isEmpty();

    Folded folded = fold(events);
    assertThat(folded.calls())
        .containsExactly("get_weather{\"city\":\"Paris\"}", "get_time{\"zone\":\"CET\"}");
    assertThat(folded).isEqualTo(fold(ok(body + "}")));
  }

  @Test
  void aStreamedLengthFinishIsIncomplete() throws Exception {
    String body =
        "{\"model\":\"moonshot-v1-8k\",\"input\":\"Tell me a long story\","
            + "\"max_output_tokens\":2,\"stream\":true}";
    List<JsonObject> events = events(streamed(body));

    JsonObject last = events.get(events.size() - 1);
    assertThat(last.get("type").asString()).isEqualTo("response.incomplete");
    assertThat(last.get("response").get("incomplete_details").get("reason").asString())
        .isEqualTo("max_output_tokens");
  }

  // ---- faults stay faults ----

  @Test
  void aScriptedErrorPassesUnchanged() throws Exception {
    String envelope =
        "{\"error\":{\"message\":\"slow down\",\"type\":\"rate_limit_reached_error\"}}";
    server.enqueue(FakeResponse.error(429, envelope).withHeader("Retry-After", "1"));
    HttpResponse<String> r = post("{\"model\":\"kimi-k2.6\",\"input\":\"Hi\",\"stream\":true}");

    assertThat(r.statusCode()).isEqualTo(429);
    assertThat(r.body()).isEqualTo(envelope);
    assertThat(r.headers().firstValue("Retry-After")).contains("1");
  }

  @Test
  void aCutStreamStaysCut() throws Exception {
    String chunk =
        "{\"id\":\"chatcmpl-cut\",\"object\":\"chat.completion.chunk\",\"created\":1,\"model\":"
            + "\"kimi-k2.6\",\"choices\":[{\"index\":0,\"delta\":{\"content\":\"Hel\"},"
            + "\"finish_reason\":null}]}";
    server.enqueue(FakeResponse.sse().data(chunk).raw("data: {\"id\":\"chatcmpl-cut\",").build());
    HttpResponse<String> r = post("{\"model\":\"kimi-k2.6\",\"input\":\"Hi\",\"stream\":true}");

    String body = r.body();
    assertThat(body).endsWith("data: {\"id\":\"chatcmpl-cut\",");
    String whole = body.substring(0, body.lastIndexOf("data: {\"id\""));
    assertThat(types(events(whole)))
        .containsExactly(
            "response.created",
            "response.in_progress",
            "response.output_item.added",
            "response.content_part.added",
            "response.output_text.delta");
    assertThat(body).doesNotContain("response.completed").doesNotContain("output_text.done");
  }

  @Test
  void aChatStreamThatFinishedWithoutDoneIsAWholeResponse() throws Exception {
    String chunk =
        "{\"id\":\"chatcmpl-f\",\"object\":\"chat.completion.chunk\",\"created\":1,\"model\":"
            + "\"kimi-k2.6\",\"choices\":[{\"index\":0,\"delta\":{\"content\":\"Hel\"},"
            + "\"finish_reason\":\"stop\"}]}";
    server.enqueue(FakeResponse.sse().data(chunk).build());
    String body = post("{\"model\":\"kimi-k2.6\",\"input\":\"Hi\",\"stream\":true}").body();

    List<String> types = types(events(body));
    assertThat(types.get(types.size() - 1)).isEqualTo("response.completed");
    assertThat(types).contains("response.output_text.done");
  }

  @Test
  void anErrorMidStreamIsAnErrorEvent() throws Exception {
    String chunk =
        "{\"id\":\"chatcmpl-e\",\"object\":\"chat.completion.chunk\",\"created\":1,\"model\":"
            + "\"kimi-k2.6\",\"choices\":[{\"index\":0,\"delta\":{\"content\":\"Hel\"},"
            + "\"finish_reason\":null}]}";
    server.enqueue(
        FakeResponse.stream(
            List.of(
                chunk,
                "{\"error\":{\"message\":\"engine overloaded\",\"type\":"
                    + "\"engine_overloaded_error\"}}")));
    List<JsonObject> events =
        events(streamed("{\"model\":\"kimi-k2.6\",\"input\":\"Hi\",\"stream\":true}"));

    JsonObject last = events.get(events.size() - 1);
    assertThat(last)
        .isEqualTo(
            Json.parse(
                "{\"type\":\"error\",\"sequence_number\":"
                    + (events.size() - 1)
                    + ",\"code\":\"engine_overloaded_error\",\"message\":\"engine overloaded\","
                    + "\"param\":null}"));
    assertThat(types(events)).doesNotContain("response.completed");
  }

  @Test
  void bodiesThatAreNotChatCompletionsPassUnchanged() throws Exception {
    String native_ =
        "event: response.created\ndata: {\"type\":\"response.created\",\"sequence_number\":0}\n\n"
            + "event: response.output_text.delta\ndata: {\"delta\":\"Hi\"}\n\n";
    server.enqueue(FakeResponse.rawSse(native_));
    server.enqueue(FakeResponse.rawSse("data: not json\n\n: comment\n\ndata: [DONE]\n\n"));
    server.enqueue(FakeResponse.body(502, "text/html", "<html>Bad gateway</html>"));
    server.enqueue(FakeResponse.json("{\"id\":\"resp_1\",\"object\":\"response\"}"));
    String body = "{\"model\":\"kimi-k2.6\",\"input\":\"Hi\",\"stream\":true}";

    assertThat(post(body).body()).isEqualTo(native_);
    assertThat(post(body).body()).isEqualTo("data: not json\n\n: comment\n\ndata: [DONE]\n\n");
    HttpResponse<String> html = post(body);
    assertThat(html.statusCode()).isEqualTo(502);
    assertThat(html.body()).isEqualTo("<html>Bad gateway</html>");
    assertThat(post(body).body()).isEqualTo("{\"id\":\"resp_1\",\"object\":\"response\"}");
  }
}
