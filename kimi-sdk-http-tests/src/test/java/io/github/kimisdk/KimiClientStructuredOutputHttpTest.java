package io.github.kimisdk;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.kimisdk.chat.ChatCompletion;
import io.github.kimisdk.chat.ChatRequest;
import io.github.kimisdk.chat.ChatStream;
import io.github.kimisdk.chat.ResponseFormat;
import io.github.kimisdk.errors.DecodingException;
import io.github.kimisdk.errors.StructuredOutputException;
import io.github.kimisdk.json.Json;
import io.github.kimisdk.json.JsonOptional;
import io.github.kimisdk.json.JsonString;
import io.github.kimisdk.json.JsonValue;
import io.github.kimisdk.testing.FakeResponse;
import io.github.kimisdk.tool.Description;
import io.github.kimisdk.tool.JsonSchema;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Structured output over loopback: {@code kimi.chat(request, Class)} and parsing a stream. */
class KimiClientStructuredOutputHttpTest extends FakeSuite {

  @Description("Current weather at one place")
  record Weather(
      String city,
      @Description("degrees Celsius") double temperature,
      List<String> warnings,
      @JsonOptional LocalDate date) {}

  @Override
  protected KimiClient.Builder settings(KimiClient.Builder b) {
    return b.apiKey("test-key");
  }

  static String reply(String content, String finishReason) {
    return "{\"id\":\"cmpl-1\",\"object\":\"chat.completion\",\"created\":1,\"model\":\"kimi-k2.6\","
        + "\"choices\":[{\"index\":0,\"message\":{\"role\":\"assistant\",\"content\":"
        + JsonString.of(content)
        + "},\"finish_reason\":\""
        + finishReason
        + "\"}],\"usage\":{\"prompt_tokens\":10,\"completion_tokens\":5,\"total_tokens\":15}}";
  }

  @Test
  void sendsTheRecordsSchemaAndReturnsTheRecord() {
    server.enqueue(
        FakeResponse.json(
            reply(
                "{\"city\":\"Paris\",\"temperature\":21.5,\"warnings\":[\"wind\"],"
                    + "\"date\":\"2026-03-25\"}",
                "stop")));
    Weather w = kimi.chat(ChatRequest.of("kimi-k2.6", "Weather in Paris?"), Weather.class);
    assertThat(w).isEqualTo(new Weather("Paris", 21.5, List.of("wind"), LocalDate.of(2026, 3, 25)));
    JsonValue format = server.takeRequest().json().get("response_format");
    assertThat(format.get("type").asString()).isEqualTo("json_schema");
    assertThat(format.get("json_schema").get("name").asString()).isEqualTo("Weather");
    assertThat(format.get("json_schema").get("strict").asBoolean()).isTrue();
    assertThat(format.get("json_schema").get("schema"))
        .isEqualTo(JsonSchema.of(Weather.class).toJson());
  }

  @Test
  void keepsTheRequestsOwnResponseFormat() {
    server.enqueue(
        FakeResponse.json(reply("{\"city\":\"Oslo\",\"temperature\":-3,\"warnings\":[]}", "stop")));
    ChatRequest request =
        ChatRequest.builder("kimi-k2.6")
            .addUser("Weather in Oslo, as JSON")
            .responseFormat(ResponseFormat.jsonObject())
            .build();
    assertThat(kimi.chat(request, Weather.class))
        .isEqualTo(new Weather("Oslo", -3, List.of(), null));
    assertThat(server.takeRequest().json().get("response_format"))
        .isEqualTo(Json.parse("{\"type\":\"json_object\"}"));
  }

  @Test
  void aReplyThatDoesNotFitIsAStructuredOutputExceptionHoldingTheTextAndThePath() {
    String text = "{\"city\":\"Paris\",\"temperature\":\"warm\",\"warnings\":[]}";
    server.enqueue(FakeResponse.json(reply(text, "stop")).withHeader("Msh-Request-Id", "req-7"));
    assertThatThrownBy(() -> kimi.chat(ChatRequest.of("kimi-k2.6", "Weather?"), Weather.class))
        .isInstanceOfSatisfying(
            StructuredOutputException.class,
            s -> {
              assertThat(s).isInstanceOf(DecodingException.class);
              assertThat(s.requestId()).contains("req-7");
              assertThat(s.metadata()).isPresent();
              assertThat(s.text()).isEqualTo(text);
              assertThat(s.path()).isEqualTo("$.temperature");
              assertThat(s.type()).isEqualTo(Weather.class);
              assertThat(s.usage().orElseThrow().totalTokens()).isEqualTo(15);
            })
        .hasMessage(
            "The reply for Weather does not match it: $.temperature (Weather.temperature):"
                + " expected a number but was a string [request id req-7]");
  }

  @Test
  void aReplyThatIsNotJsonSaysSo() {
    server.enqueue(FakeResponse.json(reply("Sorry, I cannot tell.", "stop")));
    assertThatThrownBy(() -> kimi.chat(ChatRequest.of("kimi-k2.6", "Weather?"), Weather.class))
        .isInstanceOf(DecodingException.class)
        .hasMessageStartingWith("The reply for Weather is not JSON: ")
        .hasMessageNotContaining("Sorry")
        .isInstanceOfSatisfying(
            StructuredOutputException.class,
            s -> {
              assertThat(s.path()).isEqualTo("$");
              assertThat(s.text()).isEqualTo("Sorry, I cannot tell.");
            });
  }

  @Test
  void aReplyCutOffByTheTokenLimitSaysToRaiseIt() {
    server.enqueue(FakeResponse.json(reply("{\"city\":\"Par", "length")));
    assertThatThrownBy(() -> kimi.chat(ChatRequest.of("kimi-k2.6", "Weather?"), Weather.class))
        .isInstanceOf(DecodingException.class)
        .hasMessageContaining(
            "; it was cut off at the token limit (finish_reason length): raise maxTokens");
  }

  @Test
  void aFencedReplyIsParsed() {
    server.enqueue(
        FakeResponse.json(
            reply(
                "```json\n{\"city\":\"Rome\",\"temperature\":30,\"warnings\":[\"heat\"]}\n```\n",
                "stop")));
    assertThat(kimi.chat(ChatRequest.of("kimi-k2.6", "Weather in Rome?"), Weather.class))
        .isEqualTo(new Weather("Rome", 30, List.of("heat"), null));
  }

  @Test
  void aStreamIsParsedOnceItHasEnded() {
    String json = "{\"city\":\"Lima\",\"temperature\":18.25,\"warnings\":[]}";
    List<String> chunks = new ArrayList<>();
    for (int i = 0; i < json.length(); i += 7) {
      String piece = json.substring(i, Math.min(json.length(), i + 7));
      chunks.add(
          "{\"id\":\"c\",\"object\":\"chat.completion.chunk\",\"created\":1,\"model\":\"kimi-k2.6\","
              + "\"choices\":[{\"index\":0,\"delta\":{\"content\":"
              + JsonString.of(piece)
              + "}}]}");
    }
    chunks.add(
        "{\"id\":\"c\",\"object\":\"chat.completion.chunk\",\"created\":1,\"model\":\"kimi-k2.6\","
            + "\"choices\":[{\"index\":0,\"delta\":{},\"finish_reason\":\"stop\"}]}");
    server.enqueue(FakeResponse.stream(chunks));
    StringBuilder seen = new StringBuilder();
    ChatRequest request =
        ChatRequest.builder("kimi-k2.6")
            .addUser("Weather in Lima?")
            .responseFormat(ResponseFormat.jsonSchema(Weather.class))
            .build();
    Weather w;
    try (ChatStream stream = kimi.stream(request)) {
      ChatCompletion whole = stream.forEachText(seen::append);
      w = whole.parse(Weather.class);
    }
    assertThat(seen.toString()).isEqualTo(json);
    assertThat(w).isEqualTo(new Weather("Lima", 18.25, List.of(), null));
    assertThat(server.takeRequest().json().get("response_format").get("json_schema").get("name"))
        .isEqualTo(JsonString.of("Weather"));
  }

  @Test
  void aTypeWithoutASchemaFailsBeforeAnythingIsSent() {
    assertThatThrownBy(() -> kimi.chat(ChatRequest.of("kimi-k2.6", "Hi"), String.class))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("java.lang.String is not a record");
    assertThat(server.requestCount()).isZero();
  }
}
