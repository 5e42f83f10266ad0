package io.github.kimisdk.testing;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.kimisdk.json.Json;
import io.github.kimisdk.json.JsonArray;
import io.github.kimisdk.json.JsonObject;
import io.github.kimisdk.json.JsonString;
import io.github.kimisdk.json.JsonValue;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * {@link FakeKimiServer#dialect}: each host's rule over loopback, as a client on the wire sees it
 * (the model ids, the thinking switch, the reasoning fields both ways, the tool-call ids, the
 * errors, the usage), and what the model behind read ({@link RecordedRequest#asRead()}).
 */
@ExtendWith(FakeKimiExtension.class)
class FakeDialectHttpTest {

  static final HttpClient HTTP = HttpClient.newHttpClient();

  /** An answer as the wire carried it. */
  record Answer(int status, Map<String, List<String>> headers, String body) {
    JsonObject json() {
      return Json.parse(body).asObject();
    }

    /** A whole reply's first message. */
    JsonObject message() {
      return json().get("choices").asArray().get(0).asObject().get("message").asObject();
    }

    /** A stream's data payloads, {@code [DONE]} included; comments as {@code ": text"}. */
    List<String> events() {
      List<String> out = new ArrayList<>();
      for (String event : body.replace("\r\n", "\n").split("\n\n")) {
        if (event.startsWith(":")) {
          out.add(event);
        } else if (event.startsWith("data: ")) {
          out.add(event.substring(6));
        }
      }
      return out;
    }

    /** The chunks of a stream, parsed ({@code [DONE]} and comments left out). */
    List<JsonObject> chunks() {
      List<JsonObject> out = new ArrayList<>();
      for (String e : events()) {
        if (e.startsWith("{")) {
          out.add(Json.parse(e).asObject());
        }
      }
      return out;
    }

    /** The deltas of a stream's chunks, in order (a usage chunk has none). */
    List<JsonObject> deltas() {
      List<JsonObject> out = new ArrayList<>();
      for (JsonObject chunk : chunks()) {
        for (JsonValue c : chunk.get("choices").asArray().values()) {
          out.add(c.asObject().get("delta").asObject());
        }
      }
      return out;
    }
  }

  static Answer send(FakeKimiServer server, String method, String path, String body, String key)
      throws Exception {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(server.baseUrl() + path));
    if (key != null) {
      b.header("Authorization", "Bearer " + key);
    }
    if (body == null) {
      b.GET();
    } else {
      b.header("Content-Type", "application/json");
      b.POST(HttpRequest.BodyPublishers.ofString(body));
    }
    HttpResponse<String> r = HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
    return new Answer(r.statusCode(), r.headers().map(), r.body());
  }

  static Answer chat(FakeKimiServer server, String body) throws Exception {
    return send(server, "POST", "/chat/completions", body, "sk-test");
  }

  /** A chat body: {@code model}, one user message, and {@code more} members (JSON, no braces). */
  static String body(String model, String text, String more) {
    return "{\"model\":\""
        + model
        + "\",\"messages\":[{\"role\":\"user\",\"content\":\""
        + text
        + "\"}]"
        + (more.isEmpty() ? "" : "," + more)
        + "}";
  }

  /** The id each dialect serves kimi-k3 under. */
  static String k3(String dialect) {
    return switch (dialect) {
      case "moonshot" -> "kimi-k3";
      case "vllm", "sglang" -> "moonshotai/Kimi-K3";
      case "fireworks" -> "accounts/fireworks/models/kimi-k3";
      default -> "moonshotai/kimi-k3";
    };
  }

  static String text(JsonValue v) {
    return v == null ? null : v instanceof JsonString s ? s.value() : Json.write(v);
  }

  // ---- model ids ----

  @ParameterizedTest(name = "{0}")
  @CsvSource(
      delimiter = '|',
      value = {
        "moonshot | moonshotai/Kimi-K3 | 404 |"
            + " {\"error\":{\"message\":\"Not found the model moonshotai/Kimi-K3 or Permission"
            + " denied\",\"type\":\"resource_not_found_error\"}}",
        "vllm | kimi-k3 | 404 | {\"error\":{\"message\":\"The model `kimi-k3` does not"
            + " exist.\",\"type\":\"NotFoundError\",\"param\":null,\"code\":404}}",
        "sglang | kimi-k3 | 400 | {\"object\":\"error\",\"message\":\"The model `kimi-k3` does not"
            + " exist. The served model name is"
            + " `moonshotai/Kimi-K3`.\",\"type\":\"BadRequestError\",\"param\":null,\"code\":400}",
        "openrouter | kimi-k3 | 400 | {\"error\":{\"code\":400,\"message\":\"kimi-k3 is not a valid"
            + " model ID\"}}",
        "fireworks | kimi-k3 | 404 |"
            + " {\"error\":{\"object\":\"error\",\"type\":\"invalid_request_error\",\"message\":\"Model"
            + " not found, inaccessible, and/or not"
            + " deployed\",\"param\":\"model\",\"code\":\"NOT_FOUND\"}}",
        "together | kimi-k3 | 404 | {\"message\":\"Unable to access model kimi-k3. Please visit"
            + " https://api.together.ai/models to view the list of supported"
            + " models.\",\"type\":\"invalid_request_error\",\"param\":null,\"code\":\"model_not_available\"}",
      })
  void servesKimiK3UnderTheHostsIdAndRefusesAnyOtherInTheHostsWords(
      String dialect, String unknown, int status, String refusal, FakeKimiServer server)
      throws Exception {
    server.dialect(dialect);

    Answer ok = chat(server, body(k3(dialect), "hi", ""));
    assertThat(ok.status()).isEqualTo(200);
    assertThat(text(ok.json().get("model"))).isEqualTo(k3(dialect));
    RecordedRequest served = server.takeRequest();
    assertThat(text(served.asRead().orElseThrow().get("model"))).isEqualTo("kimi-k3");

    Answer refused = chat(server, body(unknown, "hi", ""));
    assertThat(refused.status()).isEqualTo(status);
    String body =
        dialect.equals("together") ? Json.write(refused.json().get("error")) : refused.body();
    assertThat(body).isEqualTo(refusal);
    RecordedRequest r = server.takeRequest();
    assertThat(r.asRead().isPresent())
        .as("a host in front of the model refused it before the model read it")
        .isEqualTo(dialect.equals("moonshot"));
    assertThat(r.error()).isPresent();
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(
      delimiter = '|',
      value = {
        "vllm | moonshotai/Kimi-K3,moonshotai/Kimi-K2.6",
        "sglang | moonshotai/Kimi-K3,moonshotai/Kimi-K2.6",
        "openrouter | moonshotai/kimi-k3,moonshotai/kimi-k3.1-pro",
        "fireworks | accounts/fireworks/models/kimi-k3,accounts/fireworks/models/kimi-k2p6",
        "together | moonshotai/kimi-k3,moonshotai/Kimi-K2.6",
      })
  void listsItsModelsUnderTheHostsIds(String dialect, String some, FakeKimiServer server)
      throws Exception {
    server.dialect(dialect);
    Answer listed = send(server, "GET", "/models", null, "sk-test");
    assertThat(listed.status()).isEqualTo(200);
    List<String> ids = new ArrayList<>();
    for (JsonValue m : listed.json().get("data").asArray().values()) {
      ids.add(text(m.asObject().get("id")));
    }
    assertThat(ids).contains(some.split(","));
    if (dialect.equals("vllm") || dialect.equals("sglang")) {
      assertThat(ids).as("the open weights alone").hasSize(2);
    }
  }

  @Test
  void aModelTheTableDoesNotKnowIsServedByVllmUnderItsOwnName(FakeKimiServer server)
      throws Exception {
    server
        .dialect("vllm")
        .addModel(io.github.kimisdk.model.ModelInfo.builder("my-kimi-finetune").build());
    Answer ok = chat(server, body("my-kimi-finetune", "hi", ""));
    assertThat(ok.status()).isEqualTo(200);
    assertThat(text(ok.json().get("model"))).isEqualTo("my-kimi-finetune");
  }

  // ---- the thinking switch ----

  @ParameterizedTest(name = "{0}: {1}")
  @CsvSource(
      delimiter = '|',
      value = {
        // dialect | the call's switch | what the model read | the reply carries reasoning
        "moonshot | \"thinking\":{\"type\":\"disabled\"} | {\"type\":\"disabled\"} | false",
        "vllm | \"chat_template_kwargs\":{\"thinking\":false} | {\"type\":\"disabled\"} | false",
        "vllm | \"chat_template_kwargs\":{\"enable_thinking\":false} | {\"type\":\"disabled\"} |"
            + " false",
        "vllm | \"chat_template_kwargs\":{\"thinking\":true,\"preserve_thinking\":true,"
            + "\"thinking_effort\":\"max\"} | {\"type\":\"enabled\",\"keep\":\"all\","
            + "\"effort\":\"max\"} | true",
        "vllm | \"thinking\":{\"type\":\"disabled\"} | - | true",
        "vllm | \"reasoning_effort\":\"low\" | - | true",
        "sglang | \"chat_template_kwargs\":{\"thinking\":false} | {\"type\":\"disabled\"} | false",
        "sglang | \"thinking\":{\"type\":\"disabled\"} | - | true",
        "openrouter | \"reasoning\":{\"enabled\":false} | {\"type\":\"disabled\"} | false",
        "openrouter | \"reasoning\":{\"effort\":\"high\"} | {\"type\":\"enabled\"} | true",
        "openrouter | \"reasoning\":{\"effort\":\"none\"} | {\"type\":\"disabled\"} | false",
        "openrouter | \"thinking\":{\"type\":\"disabled\"} | - | true",
        "together | \"reasoning\":{\"enabled\":false} | {\"type\":\"disabled\"} | false",
        "together | \"reasoning\":{\"enabled\":true},\"reasoning_effort\":\"low\" |"
            + " {\"type\":\"enabled\",\"effort\":\"low\"} | true",
        "together | \"reasoning\":{\"effort\":\"none\"} | - | true",
        "fireworks | \"thinking\":{\"type\":\"disabled\"} | {\"type\":\"disabled\"} | false",
        "fireworks | \"reasoning_effort\":\"none\" | {\"type\":\"disabled\"} | false",
        "fireworks | \"reasoning_effort\":\"max\",\"reasoning_history\":\"preserved\" |"
            + " {\"type\":\"enabled\",\"keep\":\"all\",\"effort\":\"max\"} | true",
      })
  void readsTheHostsThinkingSwitchAndNoOther(
      String dialect, String sent, String read, boolean thinks, FakeKimiServer server)
      throws Exception {
    server.dialect(dialect);
    Answer a = chat(server, body(k3(dialect), "hi", sent));
    assertThat(a.status()).as(a.body()).isEqualTo(200);
    JsonObject asRead = server.takeRequest().asRead().orElseThrow();
    assertThat(Optional.ofNullable(text(asRead.get("thinking"))).orElse("-")).isEqualTo(read);
    if (!dialect.equals("moonshot") && !dialect.equals("fireworks")) {
      assertThat(asRead.has("chat_template_kwargs") || asRead.has("reasoning"))
          .as("the host's switch is the host's, not the model's: %s", asRead)
          .isFalse();
    }
    JsonObject message = a.message();
    String key =
        dialect.equals("sglang") || dialect.equals("fireworks") || dialect.equals("moonshot")
            ? "reasoning_content"
            : "reasoning";
    assertThat(message.has(key)).as("reasoning under %s: %s", key, message).isEqualTo(thinks);
  }

  // ---- reasoning in replies ----

  @ParameterizedTest(name = "{0}")
  @CsvSource(
      delimiter = '|',
      value = {
        "moonshot | reasoning_content | reasoning",
        "vllm | reasoning | reasoning_content",
        "sglang | reasoning_content | reasoning",
        "openrouter | reasoning | reasoning_content",
        "fireworks | reasoning_content | reasoning",
        "together | reasoning | reasoning_content",
      })
  void answersReasoningUnderTheHostsKeyStreamedAndNot(
      String dialect, String key, String absent, FakeKimiServer server) throws Exception {
    server.dialect(dialect);
    JsonObject message = chat(server, body(k3(dialect), "hi", "")).message();
    String reasoning = text(message.get(key));
    assertThat(reasoning).startsWith("The user wrote");
    assertThat(message.has(absent)).isFalse();
    if (dialect.equals("openrouter")) {
      JsonObject detail = message.get("reasoning_details").asArray().get(0).asObject();
      assertThat(text(detail.get("type"))).isEqualTo("reasoning.text");
      assertThat(text(detail.get("text"))).isEqualTo(reasoning);
    }

    Answer streamed = chat(server, body(k3(dialect), "hi", "\"stream\":true"));
    StringBuilder deltas = new StringBuilder();
    assertThat(streamed.chunks()).allMatch(c -> k3(dialect).equals(text(c.get("model"))));
    for (JsonObject delta : streamed.deltas()) {
      assertThat(delta.has(absent)).as("%s in %s", absent, delta).isFalse();
      if (delta.get(key) instanceof JsonString s) {
        deltas.append(s.value());
      }
      if (dialect.equals("openrouter") && delta.has(key)) {
        assertThat(delta.has("reasoning_details")).isTrue();
      }
    }
    assertThat(deltas).hasToString(reasoning);
  }

  @Test
  void openRoutersExcludeKeepsTheReasoningOutOfTheReply(FakeKimiServer server) throws Exception {
    server.dialect("openrouter");
    JsonObject answer =
        chat(server, body("moonshotai/kimi-k3", "hi", "\"reasoning\":{\"exclude\":true}")).json();
    JsonObject message =
        answer.get("choices").asArray().get(0).asObject().get("message").asObject();
    assertThat(message.has("reasoning")).isFalse();
    assertThat(message.has("reasoning_details")).isFalse();
    assertThat(text(answer.get("usage").asObject().get("completion_tokens_details")))
        .as("the model thought: its tokens are billed")
        .contains("reasoning_tokens");
  }

  // ---- reasoning in the history ----

  @ParameterizedTest(name = "{0} reads {1}: {2}")
  @CsvSource(
      delimiter = '|',
      value = {
        "moonshot | reasoning_content | true",
        "vllm | reasoning | true",
        "vllm | reasoning_content | false",
        "sglang | reasoning_content | true",
        "sglang | reasoning | false",
        "openrouter | reasoning | true",
        "openrouter | reasoning_details | true",
        "fireworks | reasoning_content | true",
        "together | reasoning | true",
      })
  void readsAnEarlierTurnsReasoningOnlyUnderTheKeysTheHostReads(
      String dialect, String key, boolean read, FakeKimiServer server) throws Exception {
    server.dialect(dialect);
    String reasoning =
        key.equals("reasoning_details")
            ? "[{\"type\":\"reasoning.text\",\"text\":\"I thought.\",\"index\":0}]"
            : "\"I thought.\"";
    String history =
        "{\"model\":\""
            + k3(dialect)
            + "\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"},"
            + "{\"role\":\"assistant\",\"content\":\"You said: hi\",\""
            + key
            + "\":"
            + reasoning
            + "},{\"role\":\"user\",\"content\":\"again\"}]}";
    assertThat(chat(server, history).status()).isEqualTo(200);
    RecordedRequest r = server.takeRequest();
    JsonObject assistant = r.asRead().orElseThrow().get("messages").asArray().get(1).asObject();
    assertThat(text(assistant.get("reasoning_content")))
        .as("the model read the earlier turn's reasoning")
        .isEqualTo(read ? "I thought." : null);
    assertThat(r.json().toString()).as("as it was sent").contains("\"" + key + "\"");
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource({"vllm, 200", "sglang, 200", "openrouter, 200", "moonshot, 400"})
  void onlyMoonshotRefusesAToolCallHistoryWithoutReasoning(
      String dialect, int status, FakeKimiServer server) throws Exception {
    server.dialect(dialect);
    Answer a = chat(server, toolHistory(k3(dialect), "", "\"functions.get_weather:0\""));
    assertThat(a.status()).as(a.body()).isEqualTo(status);
    if (status == 400) {
      assertThat(a.body()).contains("reasoning_content is missing");
    }
  }

  // ---- tool-call ids ----

  /** A K3 conversation with one answered tool call, then a user message asking for another. */
  static String toolHistory(String model, String reasoning, String id) {
    return "{\"model\":\""
        + model
        + "\",\"tools\":[{\"type\":\"function\",\"function\":{\"name\":\"get_weather\","
        + "\"parameters\":{\"type\":\"object\",\"properties\":{\"city\":{\"type\":\"string\"}},"
        + "\"required\":[\"city\"]}}}],\"messages\":["
        + "{\"role\":\"user\",\"content\":\"the weather in city=Paris\"},"
        + "{\"role\":\"assistant\",\"content\":\"\","
        + reasoning
        + "\"tool_calls\":[{\"id\":"
        + id
        + ",\"type\":\"function\",\"function\":{\"name\":\"get_weather\","
        + "\"arguments\":\"{\\\"city\\\":\\\"Paris\\\"}\"}}]},"
        + "{\"role\":\"tool\",\"tool_call_id\":"
        + id
        + ",\"content\":\"sunny\"},"
        + "{\"role\":\"user\",\"content\":\"and the weather in city=Rome\"}]}";
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource({
    "moonshot, get_weather:0",
    "vllm, functions.get_weather:1",
    "sglang, functions.get_weather:1",
    "openrouter, get_weather:0",
    "fireworks, get_weather:0",
    "together, get_weather:0",
  })
  void numbersToolCallsAcrossTheConversationWhereTheHostDoes(
      String dialect, String id, FakeKimiServer server) throws Exception {
    // K3's own ids are per turn: vLLM and SGLang make their own for Kimi's parsers
    server.dialect(dialect).toolCallIds(FakeKimiServer.ToolCallIds.PER_TURN);
    // Fireworks' strict schema refuses a member it does not declare, such as reasoning
    String reasoning =
        dialect.equals("fireworks")
            ? "\"reasoning_content\":\"I will call.\","
            : "\"reasoning_content\":\"I will call.\",\"reasoning\":\"I will call.\",";
    String request = toolHistory(k3(dialect), reasoning, "\"get_weather:0\"");

    Answer whole = chat(server, request);
    assertThat(whole.status()).as(whole.body()).isEqualTo(200);
    JsonObject call = whole.message().get("tool_calls").asArray().get(0).asObject();
    assertThat(text(call.get("id"))).isEqualTo(id);

    Answer streamed = chat(server, request.replaceFirst("\\{", "{\"stream\":true,"));
    List<String> ids = new ArrayList<>();
    for (JsonObject delta : streamed.deltas()) {
      if (delta.get("tool_calls") instanceof JsonArray calls) {
        JsonObject c = calls.get(0).asObject();
        if (c.get("id") instanceof JsonString s) {
          ids.add(s.value());
        }
      }
    }
    assertThat(ids).containsExactly(id);
  }

  // ---- errors ----

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"vllm", "sglang", "openrouter", "fireworks", "together"})
  void refusesWhatKimisRulesRefuseInTheHostsEnvelope(String dialect, FakeKimiServer server)
      throws Exception {
    Answer kimi = chat(server, body("kimi-k3", "hi", "\"temperature\":0.3"));
    assertThat(kimi.status()).isEqualTo(400);
    String message = text(kimi.json().get("error").asObject().get("message"));
    assertThat(message).contains("temperature");
    server.takeRequest();

    server.dialect(dialect);
    Answer host = chat(server, body(k3(dialect), "hi", "\"temperature\":0.3"));
    assertThat(host.status()).isEqualTo(400);
    assertThat(host.headers()).doesNotContainKey("msh-request-id");
    String expected =
        switch (dialect) {
          case "vllm" ->
              "{\"error\":{\"message\":\""
                  + message
                  + "\",\"type\":\"BadRequestError\",\"param\":null,\"code\":400}}";
          case "sglang" ->
              "{\"object\":\"error\",\"message\":\""
                  + message
                  + "\",\"type\":\"BadRequestError\",\"param\":null,\"code\":400}";
          case "openrouter" ->
              "{\"error\":{\"code\":400,\"message\":\"Provider returned error\",\"metadata\":{\"raw\":"
                  + Json.write(JsonString.of(kimi.body()))
                  + ",\"provider_name\":\"Moonshot AI\"}}}";
          case "fireworks" ->
              "{\"error\":{\"object\":\"error\",\"type\":\"invalid_request_error\",\"message\":\""
                  + message
                  + "\"}}";
          default ->
              "{\"message\":\""
                  + message
                  + "\",\"type\":\"invalid_request_error\",\"param\":null,\"code\":null}";
        };
    String actual = dialect.equals("together") ? Json.write(host.json().get("error")) : host.body();
    assertThat(actual).isEqualTo(expected);
    assertThat(server.takeRequest().error()).isPresent();
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(
      delimiter = '|',
      value = {
        "vllm | 200 | ",
        "sglang | 200 | ",
        "openrouter | 401 | {\"error\":{\"code\":401,\"message\":\"No auth credentials found\"}}",
        "fireworks | 401 | {\"error\":{\"object\":\"error\",\"type\":\"invalid_request_error\","
            + "\"message\":\"The API key you provided is invalid.\"}}",
        "moonshot | 401 | {\"error\":{\"message\":\"Invalid Authentication\","
            + "\"type\":\"invalid_authentication_error\"}}",
      })
  void aSelfHostedServerTakesACallWithoutAKeyAndAVendorRefusesIt(
      String dialect, int status, String body, FakeKimiServer server) throws Exception {
    server.dialect(dialect);
    Answer a = send(server, "POST", "/chat/completions", body(k3(dialect), "hi", ""), null);
    assertThat(a.status()).isEqualTo(status);
    if (status == 401) {
      assertThat(a.body()).isEqualTo(body);
    }
    assertThat(send(server, "GET", "/models", null, null).status()).isEqualTo(status);
  }

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"vllm", "sglang"})
  void aSelfHostedServerWithAnApiKeyAnswersItsMiddlewares401(String dialect, FakeKimiServer server)
      throws Exception {
    server.dialect(dialect).requireApiKey("sk-cluster");
    Answer a = chat(server, body(k3(dialect), "hi", ""));
    assertThat(a.status()).isEqualTo(401);
    assertThat(a.body()).isEqualTo("{\"error\":\"Unauthorized\"}");
    assertThat(server.takeRequest().error().map(e -> text(e.get("message"))))
        .contains("Unauthorized");
  }

  // ---- usage ----

  @Test
  void aSelfHostedServerSendsAStreamsUsageOnlyWhenAskedInAChunkOfItsOwn(FakeKimiServer server)
      throws Exception {
    server.dialect("vllm");
    List<JsonObject> plain = chat(server, body(k3("vllm"), "hi", "\"stream\":true")).chunks();
    assertThat(plain).noneMatch(c -> Json.write(c).contains("\"usage\""));

    List<JsonObject> asked =
        chat(
                server,
                body(
                    k3("vllm"),
                    "hi",
                    "\"stream\":true,\"stream_options\":{\"include_usage\":true}"))
            .chunks();
    JsonObject last = asked.get(asked.size() - 1);
    assertThat(last.get("choices").asArray().isEmpty()).isTrue();
    assertThat(last.get("usage").asObject().has("prompt_tokens")).isTrue();
    assertThat(asked.subList(0, asked.size() - 1))
        .noneMatch(c -> Json.write(c).contains("\"usage\""));
  }

  @Test
  void openRouterOpensAStreamWithItsKeepAliveAndAlwaysEndsItWithTheUsage(FakeKimiServer server)
      throws Exception {
    server.dialect("openrouter");
    List<String> events =
        chat(server, body("moonshotai/kimi-k3", "hi", "\"stream\":true")).events();
    assertThat(events.get(0)).isEqualTo(": OPENROUTER PROCESSING");
    assertThat(events.get(events.size() - 1)).isEqualTo("[DONE]");
    JsonObject usage = Json.parse(events.get(events.size() - 2)).asObject();
    assertThat(usage.get("choices").asArray().isEmpty()).isTrue();
    assertThat(usage.get("usage").asObject().has("completion_tokens")).isTrue();
  }
}
