package io.github.kimisdk.testing;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.kimisdk.KimiClient;
import io.github.kimisdk.chat.ChatRequest;
import io.github.kimisdk.chat.Message;
import io.github.kimisdk.json.Json;
import io.github.kimisdk.json.JsonArray;
import io.github.kimisdk.json.JsonNumber;
import io.github.kimisdk.json.JsonObject;
import io.github.kimisdk.json.JsonString;
import io.github.kimisdk.model.ListedModel;
import io.github.kimisdk.model.ModelCatalog;
import io.github.kimisdk.model.ModelInfo;
import io.github.kimisdk.token.KimiTokenizer;
import io.github.kimisdk.token.RequestTokens;
import io.github.kimisdk.token.TokenEstimator;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** The fake refuses what Kimi refuses, with Kimi's status, type and message; lenient() does not. */
class FakeKimiServerStrictHttpTest {

  FakeKimiServer server;
  final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

  @BeforeEach
  void start() {
    server = new FakeKimiServer().start();
    // retired: listed as a proxy would list them, for the rules these tests check
    server.addModel(ModelCatalog.defaults().lookup("moonshot-v1-8k"));
    server.addModel(ModelCatalog.defaults().lookup("kimi-k2.5"));
  }

  @AfterEach
  void stop() {
    server.close();
  }

  HttpResponse<String> send(String url, String body, String... headers) throws Exception {
    HttpRequest.Builder b =
        HttpRequest.newBuilder(URI.create(url)).POST(HttpRequest.BodyPublishers.ofString(body));
    for (int i = 0; i < headers.length; i += 2) {
      b.header(headers[i], headers[i + 1]);
    }
    return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
  }

  HttpResponse<String> chat(String body) throws Exception {
    return send(server.baseUrl() + "/chat/completions", body, "Authorization", "Bearer k");
  }

  static String user(String text) {
    return "[{\"role\":\"user\",\"content\":\"" + text + "\"}]";
  }

  static String body(String model, String extra) {
    return "{\"model\":\"" + model + "\",\"messages\":" + user("hi") + extra + "}";
  }

  private static Arguments refusal(String name, String body, String message) {
    return Arguments.of(name, body, message);
  }

  static final String TOOL =
      ",\"tools\":[{\"type\":\"function\",\"function\":{\"name\":\"ping\",\"parameters\":"
          + "{\"type\":\"object\",\"properties\":{}}}}]";

  /** Each row: what is sent, and the message of Kimi's 400 invalid_request_error. */
  static Stream<Arguments> refusals() {
    return Stream.of(
        refusal(
            "fixedTemperatureWithThinking",
            body("kimi-k2.6", ",\"temperature\":0.3"),
            "invalid temperature: only 1 is allowed for this model"),
        refusal(
            "fixedTemperatureWithoutThinking",
            body("kimi-k2.6", ",\"temperature\":0.3,\"thinking\":{\"type\":\"disabled\"}"),
            "invalid temperature: only 0.6 is allowed for this model"),
        refusal("k3TopP", body("kimi-k3", ",\"top_p\":0.5"), "invalid top_p: only 0.95 is allowed"),
        refusal("k3N", body("kimi-k3", ",\"n\":3"), "invalid n: only 1 is allowed for this model"),
        refusal(
            "k3Penalty",
            body("kimi-k3", ",\"presence_penalty\":0.5"),
            "invalid presence_penalty: only 0 is allowed for this model"),
        refusal(
            "codeTemperature",
            body("kimi-k2.7-code", ",\"temperature\":0.2"),
            "invalid temperature: only 1 is allowed for this model"),
        refusal(
            "temperatureOutOfRange",
            body("moonshot-v1-8k", ",\"temperature\":1.5"),
            "invalid temperature: 1.5 is not in [0, 1]"),
        refusal(
            "thinkingOnAModelWithout",
            body("moonshot-v1-8k", ",\"thinking\":{\"type\":\"enabled\"}"),
            "invalid thinking: only type=disabled is allowed for this model"),
        refusal(
            "thinkingOffOnAModelThatAlwaysThinks",
            body("kimi-k2.7-code", ",\"thinking\":{\"type\":\"disabled\"}"),
            "invalid thinking: only type=enabled is allowed for this model"),
        refusal(
            "keepOnK25",
            body("kimi-k2.5", ",\"thinking\":{\"type\":\"enabled\",\"keep\":\"all\"}"),
            "invalid thinking: keep is not supported for this model"),
        refusal(
            "thinkingEffortOutsideTheLevels",
            body("k3", ",\"thinking\":{\"type\":\"enabled\",\"effort\":\"xhigh\"}"),
            "Unsupported value: 'thinking.effort' does not support 'xhigh'"),
        refusal(
            "effortOnAModelWithoutLevels",
            body("kimi-for-coding", ",\"reasoning_effort\":\"high\""),
            "Unsupported parameter: 'reasoning_effort' is not supported with this model."),
        refusal(
            "effortWhileAModelWithoutLevelsThinks",
            body("kimi-k2.6", ",\"thinking\":{\"type\":\"enabled\"},\"reasoning_effort\":\"high\""),
            "Unsupported parameter: 'reasoning_effort' is not supported with this model."),
        refusal(
            "imageToATextModel",
            "{\"model\":\"moonshot-v1-8k\",\"messages\":[{\"role\":\"user\",\"content\":"
                + "[{\"type\":\"image_url\",\"image_url\":{\"url\":\"data:image/png;base64,AA==\"}}]}]}",
            "the model moonshot-v1-8k does not support image input"),
        refusal(
            "videoToK3With256k",
            "{\"model\":\"k3-256k\",\"messages\":[{\"role\":\"user\",\"content\":"
                + "[{\"type\":\"video_url\",\"video_url\":{\"url\":\"ms://file-1\"}}]}]}",
            "the model k3-256k does not support video input"),
        refusal(
            "typeBesideAnyOf",
            body(
                "kimi-k3",
                ",\"tools\":[{\"type\":\"function\",\"function\":{\"name\":\"ping\",\"parameters\":"
                    + "{\"type\":\"object\",\"properties\":{\"x\":{\"type\":\"string\","
                    + "\"anyOf\":[{\"type\":\"string\"}]}}}}}]"),
            "Invalid request: tools.function.parameters is not a valid moonshot flavored json"
                + " schema, details: <At path 'properties.x': when using anyOf, type should be"
                + " defined in anyOf items instead of the parent schema>"),
        refusal(
            "namedFunctionWhileK3Thinks",
            body(
                "kimi-k3",
                TOOL
                    + ",\"tool_choice\":{\"type\":\"function\",\"function\":"
                    + "{\"name\":\"ping\"}}"),
            "tool_choice 'specified' is incompatible with thinking enabled"),
        refusal(
            "requiredWhileK26Thinks",
            body("kimi-k2.6", TOOL + ",\"tool_choice\":\"required\""),
            "tool_choice 'required' is incompatible with thinking enabled"),
        refusal(
            "toolCallWithoutReasoning",
            "{\"model\":\"kimi-k2.6\",\"messages\":[{\"role\":\"user\",\"content\":\"x\"},"
                + "{\"role\":\"assistant\",\"tool_calls\":[{\"id\":\"c1\",\"type\":\"function\","
                + "\"function\":{\"name\":\"ping\",\"arguments\":\"{}\"}}]},"
                + "{\"role\":\"tool\",\"tool_call_id\":\"c1\",\"name\":\"ping\",\"content\":\"pong\"}]"
                + TOOL
                + "}",
            "thinking is enabled but reasoning_content is missing in assistant tool call message"
                + " at index 1"),
        // kimi-k3 takes this history (KVV test_dynamic_tool_in_subsequent_system_message, see
        // acceptsWhatKimiAccepts); keep "all" asked of kimi-k2.6 still wants the reasoning back
        refusal(
            "preservedThinkingWithoutReasoning",
            "{\"model\":\"kimi-k2.6\",\"messages\":[{\"role\":\"user\",\"content\":\"x\"},"
                + "{\"role\":\"assistant\",\"content\":\"y\"},{\"role\":\"user\",\"content\":\"z\"}],"
                + "\"thinking\":{\"type\":\"enabled\",\"keep\":\"all\"}}",
            "preserved thinking (thinking.keep=all) requires reasoning_content on every assistant"
                + " message, but assistant message at index 1 is missing reasoning_content"),
        refusal(
            "dynamicToolsOnAModelOtherThanK3",
            "{\"model\":\"kimi-k2.6\",\"messages\":[{\"role\":\"system\",\"content\":\"\","
                + TOOL.substring(1)
                + "},{\"role\":\"user\",\"content\":\"hi\"}]}",
            "tokenization failed"),
        refusal(
            "responseFormatNotAnObject",
            body("kimi-k2.6", ",\"response_format\":\"json\""),
            "response_format must be an object"),
        refusal(
            "k3ToolChoiceNotAString",
            body("kimi-k3", TOOL + ",\"tool_choice\":5"),
            "tool_choice must be 'auto', 'none' or 'required', not 5"),
        refusal(
            "outputOverTheWindow",
            body("moonshot-v1-8k", ",\"max_completion_tokens\":8192"),
            "Your request exceeded model token limit: 8192"),
        refusal(
            "promptOverTheWindow",
            "{\"model\":\"moonshot-v1-8k\",\"messages\":" + user("word ".repeat(9000)) + "}",
            "Your request exceeded model token limit: 8192"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("refusals")
  void refusesAsKimiDoes(String name, String body, String message) throws Exception {
    HttpResponse<String> r = chat(body);
    assertThat(r.statusCode()).as(r.body()).isEqualTo(400);
    JsonObject error = (JsonObject) ((JsonObject) Json.parse(r.body())).get("error");
    assertThat(error.get("type")).isEqualTo(JsonString.of("invalid_request_error"));
    assertThat(((JsonString) error.get("message")).value()).contains(message);
    server.lenient();
    if (!name.startsWith("requiredWhile")
        && !name.startsWith("namedFunction")
        && !name.equals("toolCallWithoutReasoning")) {
      assertThat(chat(body).statusCode()).as("lenient: " + name).isEqualTo(200);
    }
  }

  static Stream<Arguments> accepted() {
    return Stream.of(
        Arguments.of(body("kimi-k2.6", ",\"temperature\":1.0,\"top_p\":0.95,\"n\":1")),
        Arguments.of(
            body("kimi-k2.6", ",\"temperature\":0.6,\"thinking\":{\"type\":\"disabled\"}")),
        Arguments.of(body("kimi-k3", ",\"reasoning_effort\":\"high\"")),
        Arguments.of(body("k3", ",\"thinking\":{\"type\":\"enabled\",\"effort\":\"low\"}")),
        Arguments.of(body("kimi-k2.6", ",\"thinking\":{\"type\":\"enabled\",\"keep\":\"all\"}")),
        Arguments.of(body("kimi-k3", TOOL + ",\"tool_choice\":\"required\"")),
        Arguments.of(body("moonshot-v1-8k", ",\"temperature\":0.3,\"n\":2,\"top_p\":0.5")),
        Arguments.of(
            "{\"model\":\"kimi-k3\",\"messages\":[{\"role\":\"user\",\"content\":[{\"type\":"
                + "\"image_url\",\"image_url\":{\"url\":\"data:image/png;base64,AA==\"}},"
                + "{\"type\":\"video_url\",\"video_url\":{\"url\":\"ms://file-1\"}}]}]}"),
        Arguments.of(
            body(
                "kimi-k3",
                ",\"tools\":[{\"type\":\"function\",\"function\":{\"name\":\"ping\",\"strict\":false,"
                    + "\"parameters\":{\"type\":\"object\",\"properties\":{\"x\":{\"format\":\"uri\"}}}}}]")),
        Arguments.of(
            "{\"model\":\"kimi-k3\",\"messages\":[{\"role\":\"user\",\"content\":\"x\"},"
                + "{\"role\":\"assistant\",\"content\":\"y\",\"reasoning_content\":\"\"},"
                + "{\"role\":\"user\",\"content\":\"z\"},"
                + "{\"role\":\"assistant\",\"content\":\"Once\",\"partial\":true}]}"),
        Arguments.of(body("moonshot-v1-8k", ",\"max_completion_tokens\":8000")),
        // KVV test_dynamic_tool_in_subsequent_system_message: K3 needs no reasoning_content on an
        // assistant message without tool calls
        Arguments.of(
            "{\"model\":\"kimi-k3\",\"messages\":[{\"role\":\"user\",\"content\":\"x\"},"
                + "{\"role\":\"assistant\",\"content\":\"y\"},{\"role\":\"user\",\"content\":\"z\"}]}"),
        // zod's JSON Schema, as the AI SDK's and LangChain JS's tool() send it: a top-level
        // $schema, a const, a format (Kimi takes keywords outside MFJS: FakeSchemas)
        Arguments.of(
            body(
                "kimi-k3",
                ",\"tools\":[{\"type\":\"function\",\"function\":{\"name\":\"ping\","
                    + "\"parameters\":{\"$schema\":\"http://json-schema.org/draft-07/schema#\","
                    + "\"type\":\"object\",\"properties\":{\"x\":{\"const\":\"a\"},\"u\":"
                    + "{\"type\":\"string\",\"format\":\"uri\"}},\"required\":[\"x\"],"
                    + "\"additionalProperties\":false}}}]")),
        // KVV test_thinking_effort.py: K3 takes thinking off, and both efforts (thinking.effort
        // wins)
        Arguments.of(body("kimi-k3", ",\"thinking\":{\"type\":\"disabled\",\"keep\":\"none\"}")),
        // the table's leniency (issue 67): with thinking off, kimi-k2.5 and k2.6 ignore an effort,
        // beside thinking or nested in it (a relay's refusal of both is UNVERIFIED)
        Arguments.of(
            body(
                "kimi-k2.6",
                ",\"thinking\":{\"type\":\"disabled\"},\"reasoning_effort\":\"high\"")),
        Arguments.of(body("kimi-k2.5", ",\"thinking\":{\"type\":\"disabled\",\"effort\":\"low\"}")),
        Arguments.of(
            body(
                "k3",
                ",\"thinking\":{\"type\":\"enabled\",\"effort\":\"low\"},\"reasoning_effort\":\"max\"")));
  }

  @ParameterizedTest
  @MethodSource("unreadable")
  void aPartTheFakeCannotReadIsRefusedInKimisWordsNeverTheSdks(String content, String message)
      throws Exception {
    HttpResponse<String> r =
        chat(
            "{\"model\":\"kimi-k3\",\"messages\":[{\"role\":\"user\",\"content\":"
                + content
                + "}]}");
    assertThat(r.statusCode()).as(r.body()).isEqualTo(400);
    assertThat(Json.parse(r.body()).get("error").get("message").asString())
        .isEqualTo(message)
        .doesNotContain("io.github", "ContentPart", "; ");
  }

  static Stream<Arguments> unreadable() {
    return Stream.of(
        Arguments.of(
            "[{\"type\":\"image_url\",\"image_url\":5}]",
            "Invalid request: image_url.url is required"),
        Arguments.of(
            "[{\"type\":\"video_url\",\"video_url\":{}}]",
            "Invalid request: video_url.url is required"),
        Arguments.of(
            "[{\"type\":\"image_url\",\"image_url\":{\"url\":\"https://example.com/a.png\"}}]",
            "Invalid request: unsupported image url"),
        Arguments.of(
            "[{\"type\":\"video_url\",\"video_url\":\"http://example.com/a.mp4\"}]",
            "Invalid request: unsupported video url"));
  }

  @ParameterizedTest
  @MethodSource("accepted")
  void acceptsWhatKimiAccepts(String body) throws Exception {
    HttpResponse<String> r = chat(body);
    assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
  }

  @Test
  void aModelNotInTheListIsNotFound() throws Exception {
    HttpResponse<String> r = chat(body("kimi-k2-turbo-preview", ""));
    assertThat(r.statusCode()).isEqualTo(404);
    assertThat(r.body())
        .isEqualTo(
            "{\"error\":{\"message\":\"Not found the model kimi-k2-turbo-preview or Permission"
                + " denied\",\"type\":\"resource_not_found_error\"}}");
    server.addModel(ModelCatalog.defaults().lookup("kimi-k2-turbo-preview"));
    assertThat(chat(body("kimi-k2-turbo-preview", "")).statusCode()).isEqualTo(200);
    server.models("my-proxy");
    assertThat(server.modelIds()).containsExactly("my-proxy");
    assertThat(chat(body("my-proxy", "")).statusCode()).isEqualTo(200);
    assertThat(chat(body("kimi-k3", "")).statusCode()).isEqualTo(404);
    server.lenient();
    assertThat(chat(body("anything-at-all", "")).statusCode()).isEqualTo(200);
  }

  @Test
  void listsItsModelsWithTheCapabilityFieldsTheCatalogLearnsFrom() {
    List<ListedModel> listed;
    try (KimiClient kimi = KimiClient.builder().apiKey("k").baseUrl(server.baseUrl()).build()) {
      listed = kimi.models().list();
    }
    assertThat(listed)
        .extracting(ListedModel::id)
        .containsExactly(
            "kimi-k3",
            "kimi-k3.1-pro",
            "kimi-k3.1-pro-highspeed",
            "kimi-k2.6",
            "kimi-k2.7-code",
            "kimi-k2.7-code-highspeed",
            "kimi-for-coding",
            "kimi-for-coding-highspeed",
            "k3",
            "k3-256k",
            "moonshot-v1-8k", // retired, listed by this test's setup
            "kimi-k2.5");
    ListedModel k3 = listed.get(0);
    assertThat(k3.supportsThinkingType()).isEqualTo("both");
    assertThat(k3.efforts()).containsExactly("low", "high", "max");
    assertThat(k3.defaultEffort()).isEqualTo("max");
    assertThat(k3.supportsToolUse()).isTrue();
    assertThat(listed.get(1).supportsThinkingType()).isEqualTo("only"); // kimi-k3.1-pro
    assertThat(listed.get(10).supportsThinkingType()).isEqualTo("no"); // moonshot-v1-8k
    ModelCatalog learned = ModelCatalog.defaults().updated(listed);
    for (ListedModel l : listed) {
      // a listed model is served: a retired one listed here is no longer marked
      ModelInfo expected =
          ModelCatalog.defaults().lookup(l.id()).toBuilder().retirement(null).build();
      assertThat(learned.lookup(l.id())).as(l.id()).isEqualTo(expected);
    }
  }

  @Test
  void honoursNAndCountsUsageAsTheSdkDoes() throws Exception {
    String one = body("moonshot-v1-8k", ",\"temperature\":0.5");
    String three = body("moonshot-v1-8k", ",\"temperature\":0.5,\"n\":3");
    JsonObject a = (JsonObject) Json.parse(chat(one).body());
    JsonObject b = (JsonObject) Json.parse(chat(three).body());
    assertThat(((JsonArray) b.get("choices")).size()).isEqualTo(3);
    for (int i = 0; i < 3; i++) {
      JsonObject c = (JsonObject) ((JsonArray) b.get("choices")).get(i);
      assertThat(c.get("index")).isEqualTo(JsonNumber.of(i));
      assertThat(((JsonObject) c.get("message")).get("content"))
          .isEqualTo(JsonString.of("You said: hi"));
    }
    int prompt = usage(a, "prompt_tokens");
    int completion = usage(a, "completion_tokens");
    assertThat(prompt)
        .isEqualTo(RequestTokens.estimated().count(ChatRequest.of("moonshot-v1-8k", "hi")).total());
    assertThat(completion).isEqualTo(TokenEstimator.forKimi().estimate("You said: hi"));
    assertThat(usage(b, "prompt_tokens")).isEqualTo(prompt);
    assertThat(usage(b, "completion_tokens")).isEqualTo(3 * completion);
    // streamed: three choices, each finishing, the total in the last one
    String sse =
        chat(body("moonshot-v1-8k", ",\"temperature\":0.5,\"n\":3,\"stream\":true")).body();
    List<JsonObject> events = FakeKimiServerHttpTest.events(sse);
    long finished =
        events.stream()
            .filter(
                e -> FakeKimiServerHttpTest.choice(e).get("finish_reason") instanceof JsonString)
            .map(e -> FakeKimiServerHttpTest.choice(e).get("index"))
            .distinct()
            .count();
    assertThat(finished).isEqualTo(3);
  }

  private static int usage(JsonObject completion, String field) {
    return ((JsonNumber) ((JsonObject) completion.get("usage")).get(field)).intValue();
  }

  @Test
  void countsExactlyWithATokenizer() throws Exception {
    KimiTokenizer tokenizer;
    try (InputStream in = getClass().getResourceAsStream("/token/tiktoken.model")) {
      tokenizer = KimiTokenizer.load(in);
    }
    server.tokenizer(tokenizer);
    JsonObject a =
        (JsonObject) Json.parse(chat(body("moonshot-v1-8k", ",\"temperature\":0.5")).body());
    assertThat(usage(a, "prompt_tokens"))
        .isEqualTo(
            RequestTokens.exact(tokenizer).count(ChatRequest.of("moonshot-v1-8k", "hi")).total());
    assertThat(usage(a, "completion_tokens")).isEqualTo(tokenizer.count("You said: hi"));
  }

  @Test
  void theAnthropicSurfaceUsesMessageIdsRealStartUsageAndItsOwn404() throws Exception {
    String[] headers = {"x-api-key", "k", "anthropic-version", "2023-06-01"};
    String request =
        "{\"model\":\"kimi-k3\",\"max_tokens\":200,\"messages\":[{\"role\":\"user\","
            + "\"content\":\"Hello\"}]}";
    HttpResponse<String> r = send(server.anthropicBaseUrl() + "/v1/messages", request, headers);
    JsonObject message = (JsonObject) Json.parse(r.body());
    assertThat(((JsonString) message.get("id")).value()).startsWith("msg_");
    int input = ((JsonNumber) ((JsonObject) message.get("usage")).get("input_tokens")).intValue();
    assertThat(input)
        .isEqualTo(
            RequestTokens.estimated()
                .count(
                    ChatRequest.builder("kimi-k3")
                        .addMessage(Message.user("Hello"))
                        .maxCompletionTokens(200)
                        .build())
                .total());
    String stream = request.replace("\"max_tokens\"", "\"stream\":true,\"max_tokens\"");
    String sse = send(server.anthropicBaseUrl() + "/v1/messages", stream, headers).body();
    String start = sse.substring(sse.indexOf("event: message_start\ndata: ") + 27);
    JsonObject started =
        (JsonObject)
            ((JsonObject) Json.parse(start.substring(0, start.indexOf('\n')))).get("message");
    assertThat(((JsonString) started.get("id")).value()).startsWith("msg_");
    assertThat(((JsonObject) started.get("usage")).get("input_tokens"))
        .isEqualTo(JsonNumber.of(input));
    HttpResponse<String> missing = send(server.anthropicBaseUrl() + "/v1/complete", "{}", headers);
    assertThat(missing.statusCode()).isEqualTo(404);
    assertThat(missing.body())
        .isEqualTo(
            "{\"type\":\"error\",\"error\":{\"type\":\"not_found_error\",\"message\":"
                + "\"Not Found: /anthropic/v1/complete\"}}");
    HttpResponse<String> unknownModel =
        send(
            server.anthropicBaseUrl() + "/v1/messages",
            request.replace("kimi-k3", "claude-opus"),
            headers);
    assertThat(unknownModel.statusCode()).isEqualTo(404);
    assertThat(unknownModel.body()).contains("\"type\":\"error\"").contains("not_found_error");
  }
}
