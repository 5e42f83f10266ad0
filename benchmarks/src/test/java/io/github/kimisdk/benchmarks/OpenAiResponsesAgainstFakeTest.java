package io.github.kimisdk.benchmarks;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.openai.client.OpenAIClient;
import com.openai.client.okhttp.OpenAIOkHttpClient;
import com.openai.core.JsonValue;
import com.openai.core.http.StreamResponse;
import com.openai.errors.BadRequestException;
import com.openai.models.responses.EasyInputMessage;
import com.openai.models.responses.FunctionTool;
import com.openai.models.responses.Response;
import com.openai.models.responses.ResponseCompletedEvent;
import com.openai.models.responses.ResponseCreateParams;
import com.openai.models.responses.ResponseFunctionToolCall;
import com.openai.models.responses.ResponseInputItem;
import com.openai.models.responses.ResponseOutputItem;
import com.openai.models.responses.ResponseOutputMessage;
import com.openai.models.responses.ResponseStreamEvent;
import io.github.kimisdk.json.Json;
import io.github.kimisdk.testing.FakeKimiServer;
import io.github.kimisdk.testing.FakeResponse;
import io.github.kimisdk.testing.RecordedRequest;
import io.github.kimisdk.tool.ToolCall;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * openai-java, a client we did not write, against {@link FakeKimiServer}'s Responses face: what the
 * fake answers must pass the client's own validation of required fields, streamed and not, through
 * a stateless function-call round trip, and its refusals must be the client's typed errors.
 */
class OpenAiResponsesAgainstFakeTest {

  private FakeKimiServer server;
  private OpenAIClient client;

  @BeforeEach
  void start() {
    server = new FakeKimiServer().start();
    client =
        OpenAIOkHttpClient.builder()
            .apiKey("test")
            .baseUrl(server.baseUrl())
            .maxRetries(0)
            .timeout(Duration.ofSeconds(10))
            .build();
  }

  @AfterEach
  void stop() {
    client.close();
    server.close();
  }

  /**
   * A stateless Responses call ({@code store: false}) of kimi-k2.6 with the history and the tool.
   */
  private Response create(List<ResponseInputItem> history, FunctionTool tool) {
    return client
        .responses()
        .create(
            ResponseCreateParams.builder()
                .model("kimi-k2.6")
                .inputOfResponse(history)
                .addTool(tool)
                .store(false)
                .build());
  }

  private static String outputText(List<ResponseOutputItem> output) {
    StringBuilder sb = new StringBuilder();
    for (ResponseOutputItem item : output) {
      item.message().map(ResponseOutputMessage::content).orElse(List.of()).stream()
          .flatMap(c -> c.outputText().stream())
          .forEach(t -> sb.append(t.text()));
    }
    return sb.toString();
  }

  @Test
  void aPlainCallValidates() {
    Response response =
        client
            .responses()
            .create(
                ResponseCreateParams.builder().model("kimi-k2.6").input("Hi").store(false).build());

    response.validate();
    assertThat(response.id()).startsWith("resp_");
    assertThat(outputText(response.output())).isEqualTo("You said: Hi");
    assertThat(response.output().get(0).isReasoning()).isTrue();
    assertThat(response.usage().orElseThrow().outputTokensDetails().reasoningTokens()).isPositive();
    assertThat(server.takeRequest().path()).isEqualTo("/v1/responses");
  }

  @Test
  void aStreamedCallValidatesEveryEvent() {
    ResponseCreateParams params =
        ResponseCreateParams.builder().model("kimi-k2.6").input("Hi there").store(false).build();
    StringBuilder text = new StringBuilder();
    StringBuilder reasoning = new StringBuilder();
    List<ResponseCompletedEvent> completed = new ArrayList<>();
    try (StreamResponse<ResponseStreamEvent> stream = client.responses().createStreaming(params)) {
      stream.stream()
          .forEach(
              event -> {
                event.validate();
                event.outputTextDelta().ifPresent(d -> text.append(d.delta()));
                event.reasoningSummaryTextDelta().ifPresent(d -> reasoning.append(d.delta()));
                event.completed().ifPresent(completed::add);
              });
    }

    assertThat(text).hasToString("You said: Hi there");
    assertThat(completed).hasSize(1);
    Response response = completed.get(0).response();
    response.validate();
    assertThat(outputText(response.output())).isEqualTo(text.toString());
    assertThat(response.output().get(0).reasoning().orElseThrow().summary().get(0).text())
        .isEqualTo(reasoning.toString())
        .isNotBlank();
    assertThat(response.usage().orElseThrow().totalTokens()).isPositive();
  }

  @Test
  void aFunctionCallRoundTripsStatelessly() {
    List<RecordedRequest> asked = new CopyOnWriteArrayList<>();
    server.respondWith(
        r -> {
          asked.add(r);
          return null; // the model answers
        });
    FunctionTool weather =
        FunctionTool.builder()
            .name("get_weather")
            .description("The weather in a city")
            .parameters(
                FunctionTool.Parameters.builder()
                    .putAdditionalProperty("type", JsonValue.from("object"))
                    .putAdditionalProperty(
                        "properties", JsonValue.from(Map.of("city", Map.of("type", "string"))))
                    .putAdditionalProperty("required", JsonValue.from(List.of("city")))
                    .putAdditionalProperty("additionalProperties", JsonValue.from(false))
                    .build())
            .strict(true)
            .build();
    server.enqueue(
        FakeResponse.toolCalls(ToolCall.function("call_1", "get_weather", "{\"city\":\"Paris\"}")));
    List<ResponseInputItem> history = new ArrayList<>();
    history.add(
        ResponseInputItem.ofEasyInputMessage(
            EasyInputMessage.builder()
                .role(EasyInputMessage.Role.USER)
                .content("What is the weather in Paris?")
                .build()));

    Response first = create(history, weather);
    first.validate();
    ResponseFunctionToolCall call =
        first.output().stream()
            .flatMap(item -> item.functionCall().stream())
            .findFirst()
            .orElseThrow();
    assertThat(call.callId()).isEqualTo("call_1");
    assertThat(call.name()).isEqualTo("get_weather");
    assertThat(call.arguments()).isEqualTo("{\"city\":\"Paris\"}");

    // stateless: the second request carries the whole history, the model's items included
    for (ResponseOutputItem item : first.output()) {
      item.reasoning().ifPresent(r -> history.add(ResponseInputItem.ofReasoning(r)));
      item.message().ifPresent(m -> history.add(ResponseInputItem.ofResponseOutputMessage(m)));
      item.functionCall().ifPresent(c -> history.add(ResponseInputItem.ofFunctionCall(c)));
    }
    history.add(
        ResponseInputItem.ofFunctionCallOutput(
            ResponseInputItem.FunctionCallOutput.builder()
                .callId(call.callId())
                .output("{\"forecast\":\"sunny\"}")
                .build()));
    Response second = create(history, weather);

    second.validate();
    assertThat(outputText(second.output())).contains("sunny");
    // the model saw the call and its result as chat messages
    String chat = Json.write(asked.get(asked.size() - 1).json().get("messages"));
    assertThat(chat)
        .contains("\"tool_calls\":[{\"id\":\"call_1\"")
        .contains("{\"role\":\"tool\",\"tool_call_id\":\"call_1\"");
  }

  @Test
  void storeTrueIsABadRequest() {
    assertThatThrownBy(
            () ->
                client
                    .responses()
                    .create(
                        ResponseCreateParams.builder()
                            .model("kimi-k2.6")
                            .input("Hi")
                            .store(true)
                            .build()))
        .isInstanceOf(BadRequestException.class)
        .hasMessageContaining("store is not supported");
  }
}
