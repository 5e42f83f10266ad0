package io.github.kimisdk.testing;

import static io.github.kimisdk.testing.FakeDialectHttpTest.body;
import static io.github.kimisdk.testing.FakeDialectHttpTest.chat;
import static io.github.kimisdk.testing.FakeDialectHttpTest.k3;
import static io.github.kimisdk.testing.FakeDialectHttpTest.text;
import static org.assertj.core.api.Assertions.assertThat;

import io.github.kimisdk.json.Json;
import io.github.kimisdk.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * {@link FakeKimiServer#failCalls} in each {@linkplain FakeKimiServer#dialect dialect}: the host's
 * own overload, a full queue, and a stream that fails after its output began, each exactly as the
 * host writes it.
 */
@ExtendWith(FakeKimiExtension.class)
class FakeDialectErrorsHttpTest {

  /** Together's errors carry a generated id beside the error: only the error is compared. */
  static String errorBody(String dialect, FakeDialectHttpTest.Answer a) {
    return dialect.equals("together") ? Json.write(a.json().get("error")) : a.body();
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(
      delimiter = '|',
      value = {
        "moonshot | 429 | {\"error\":{\"message\":\"The engine is currently overloaded, please try"
            + " again later\",\"type\":\"engine_overloaded_error\"}}",
        "vllm | 503 | {\"error\":{\"message\":\"The engine is currently busy and cannot accept new"
            + " requests. Please try again later or on a different instance.\",\"type\":\"Service"
            + " Unavailable\",\"param\":null,\"code\":503}}",
        "sglang | 503 | {\"object\":\"error\",\"message\":\"The request queue is"
            + " full.\",\"type\":\"HTTPStatus.SERVICE_UNAVAILABLE\",\"param\":null,\"code\":503}",
        "openrouter | 502 | {\"error\":{\"code\":502,\"message\":\"Provider returned"
            + " error\",\"metadata\":{\"raw\":\"{\\\"error\\\":{\\\"message\\\":\\\"The engine is"
            + " currently overloaded, please try again"
            + " later\\\",\\\"type\\\":\\\"engine_overloaded_error\\\"}}\",\"provider_name\":\"Moonshot"
            + " AI\"}}}",
        "fireworks | 503 | {\"error\":{\"object\":\"error\",\"type\":\"server_error\",\"message\":\"The"
            + " server is overloaded, please try again later\"}}",
        "together | 503 | {\"message\":\"Engine"
            + " Overloaded\",\"type\":\"server_error\",\"param\":null,\"code\":null}",
      })
  void overloadedIsTheHostsOwnOverloadEverySecondCall(
      String dialect, int status, String body, FakeKimiServer server) throws Exception {
    server.dialect(dialect).failCalls("overloaded=0.5");
    List<Integer> statuses = new ArrayList<>();
    FakeDialectHttpTest.Answer refused = null;
    for (int i = 0; i < 4; i++) {
      FakeDialectHttpTest.Answer a = chat(server, body(k3(dialect), "hi", ""));
      statuses.add(a.status());
      if (a.status() != 200) {
        refused = a;
      }
    }
    assertThat(statuses).containsExactly(200, status, 200, status);
    assertThat(errorBody(dialect, refused)).isEqualTo(body);
    assertThat(refused.headers().containsKey("msh-request-id"))
        .as("only Moonshot sends its request id")
        .isEqualTo(dialect.equals("moonshot"));
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(
      delimiter = '|',
      value = {
        "moonshot | {\"error\":{\"message\":\"The request queue is"
            + " full.\",\"type\":\"engine_overloaded_error\"}}",
        "vllm | {\"error\":{\"message\":\"The engine is currently busy and cannot accept new"
            + " requests. Please try again later or on a different instance.\",\"type\":\"Service"
            + " Unavailable\",\"param\":null,\"code\":503}}",
        "sglang | {\"object\":\"error\",\"message\":\"The request queue is"
            + " full.\",\"type\":\"HTTPStatus.SERVICE_UNAVAILABLE\",\"param\":null,\"code\":503}",
        "openrouter | {\"error\":{\"code\":503,\"message\":\"The request queue is full.\"}}",
        "fireworks | {\"error\":{\"object\":\"error\",\"type\":\"server_error\",\"message\":\"The"
            + " request queue is full.\"}}",
        "together | {\"message\":\"The request queue is"
            + " full.\",\"type\":\"server_error\",\"param\":null,\"code\":null}",
      })
  void queueFullIs503InTheHostsEnvelope(String dialect, String body, FakeKimiServer server)
      throws Exception {
    server.dialect(dialect).failCalls("queue-full=1");
    FakeDialectHttpTest.Answer a = chat(server, body(k3(dialect), "hi", ""));
    assertThat(a.status()).isEqualTo(503);
    assertThat(errorBody(dialect, a)).isEqualTo(body);
  }

  private static final String FIREWORKS_K26 = "accounts/fireworks/models/kimi-k2p6";

  @ParameterizedTest(name = "{0}")
  @CsvSource(
      delimiter = '|',
      value = {
        "a name on a tool message | \"messages\":[{\"role\":\"user\",\"content\":\"hi\"},"
            + "{\"role\":\"assistant\",\"content\":\"\",\"tool_calls\":[{\"id\":\"f:0\","
            + "\"type\":\"function\",\"function\":{\"name\":\"f\",\"arguments\":\"{}\"}}]},"
            + "{\"role\":\"tool\",\"tool_call_id\":\"f:0\",\"name\":\"f\",\"content\":\"ok\"}] |"
            + " messages.2.name: Extra inputs are not permitted",
        "a reply's extra member on a tool call | \"messages\":[{\"role\":\"user\",\"content\":"
            + "\"hi\"},{\"role\":\"assistant\",\"content\":\"\",\"tool_calls\":[{\"id\":\"f:0\","
            + "\"index\":0,\"type\":\"function\",\"function\":{\"name\":\"f\",\"arguments\":"
            + "\"{}\"}}]}] | messages.1.tool_calls.0.index: Extra inputs are not permitted",
        "Moonshot's thinking object | \"messages\":[{\"role\":\"user\",\"content\":\"hi\"}],"
            + "\"thinking\":{\"type\":\"enabled\",\"keep\":\"all\"} | thinking.keep: Extra inputs"
            + " are not permitted",
        "thinking beside reasoning_effort | \"messages\":[{\"role\":\"user\",\"content\":\"hi\"}],"
            + "\"thinking\":{\"type\":\"enabled\"},\"reasoning_effort\":\"high\" | thinking cannot"
            + " be specified together with reasoning_effort",
        "a budget under 1024 | \"messages\":[{\"role\":\"user\",\"content\":\"hi\"}],"
            + "\"thinking\":{\"type\":\"enabled\",\"budget_tokens\":100} |"
            + " thinking.budget_tokens: must be >= 1024",
        "an effort it does not list | \"messages\":[{\"role\":\"user\",\"content\":\"hi\"}],"
            + "\"reasoning_effort\":\"xhigh\" | Invalid reasoning effort: xhigh",
      })
  void fireworksRefusesWhatItsSchemaDoesNotDeclare(
      String what, String members, String message, FakeKimiServer server) throws Exception {
    server.dialect("fireworks");
    FakeDialectHttpTest.Answer a =
        chat(server, "{\"model\":\"" + FIREWORKS_K26 + "\"," + members + "}");
    assertThat(a.status()).as(a.body()).isEqualTo(400);
    assertThat(text(Json.parse(a.body()).asObject().get("error").asObject().get("message")))
        .isEqualTo(message);
    assertThat(server.takeRequest().asRead()).as("the model read nothing").isEmpty();
  }

  @org.junit.jupiter.api.Test
  void fireworksTakesWhatItsSchemaDeclaresAndAStreamsUsageOption(FakeKimiServer server)
      throws Exception {
    server.dialect("fireworks");
    FakeDialectHttpTest.Answer a =
        chat(
            server,
            "{\"model\":\""
                + FIREWORKS_K26
                + "\",\"stream\":true,\"stream_options\":{\"include_usage\":true},"
                + "\"thinking\":{\"type\":\"enabled\",\"budget_tokens\":2048},"
                + "\"messages\":[{\"role\":\"user\",\"content\":[{\"type\":\"text\","
                + "\"text\":\"hi\"}]}]}");
    assertThat(a.status()).as(a.body()).isEqualTo(200);
  }

  @org.junit.jupiter.api.Test
  void sglangRefusesAStreamWhoseQueueIsFullWithAnErrorEventOnItsTwoHundred(FakeKimiServer server)
      throws Exception {
    server.dialect("sglang").failCalls("queue-full=1");
    FakeDialectHttpTest.Answer a = chat(server, body(k3("sglang"), "hi", "\"stream\":true"));
    assertThat(a.status()).isEqualTo(200);
    assertThat(a.events())
        .as("before any chunk, as serving_chat.py writes the abort of a full queue")
        .containsExactly(
            "{\"error\": {\"object\": \"error\", \"message\": \"The request queue is full.\","
                + " \"type\": \"SERVICE_UNAVAILABLE\", \"param\": null, \"code\": 503}}",
            "[DONE]");
    assertThat(server.takeRequest().status()).isEqualTo(200);
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource({"vllm, 503, false", "vllm, 503, true", "sglang, 503, false", "sglang, 200, true"})
  void pastMaxConcurrencyVllmAndSglangRefuseAsTheirQueuesDo(
      String dialect, int status, boolean stream, FakeKimiServer server) throws Exception {
    server.dialect(dialect).maxConcurrency(1);
    // the first call is held until the second was refused, however slow the machine
    java.util.concurrent.CountDownLatch refusedSeen = new java.util.concurrent.CountDownLatch(1);
    java.util.concurrent.CountDownLatch admitted = new java.util.concurrent.CountDownLatch(1);
    server.respondWith(
        r -> {
          admitted.countDown(); // past the admission limit's count: it holds its place
          try {
            refusedSeen.await(10, java.util.concurrent.TimeUnit.SECONDS);
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
          }
          return FakeResponse.reply("slow");
        });
    java.util.concurrent.CompletableFuture<FakeDialectHttpTest.Answer> first =
        java.util.concurrent.CompletableFuture.supplyAsync(
            () -> {
              try {
                return chat(server, body(k3(dialect), "one", ""));
              } catch (Exception e) {
                throw new java.util.concurrent.CompletionException(e);
              }
            });
    assertThat(admitted.await(5, java.util.concurrent.TimeUnit.SECONDS)).isTrue();
    FakeDialectHttpTest.Answer refused;
    try {
      refused = chat(server, body(k3(dialect), "two", stream ? "\"stream\":true" : ""));
    } finally {
      refusedSeen.countDown();
    }
    assertThat(refused.status()).isEqualTo(status);
    String said = stream && dialect.equals("sglang") ? refused.events().get(0) : refused.body();
    assertThat(said)
        .contains(
            dialect.equals("vllm")
                ? "The engine is currently busy and cannot accept new requests."
                : "The request queue is full.");
    assertThat(first.join().status()).isEqualTo(200);
    assertThat(server.rateLimitedCount()).isEqualTo(1);
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(
      delimiter = '|',
      value = {
        "moonshot | reasoning_content | {\"message\":\"The server had an error while generating"
            + " the reply\",\"type\":\"server_error\"}",
        "vllm | reasoning | {\"message\":\"The server had an error while generating the"
            + " reply\",\"type\":\"InternalServerError\",\"param\":null,\"code\":500}",
        "sglang | reasoning_content | {\"object\":\"error\",\"message\":\"The server had an error"
            + " while generating the"
            + " reply\",\"type\":\"InternalServerError\",\"param\":null,\"code\":500}",
        "fireworks | reasoning_content | {\"object\":\"error\",\"type\":\"server_error\","
            + "\"message\":\"The server had an error while generating the reply\"}",
        "together | reasoning | {\"message\":\"The server had an error while generating the"
            + " reply\",\"type\":\"server_error\",\"param\":null,\"code\":null}",
      })
  void aStreamErrorFailsTheStreamAfterItsFirstOutputOnThe200(
      String dialect, String key, String error, FakeKimiServer server) throws Exception {
    server.dialect(dialect).failCalls("stream-error=1");
    FakeDialectHttpTest.Answer a = chat(server, body(k3(dialect), "hi", "\"stream\":true"));
    assertThat(a.status()).isEqualTo(200);
    List<String> events = a.events();
    assertThat(events).hasSize(4);
    JsonObject role = Json.parse(events.get(0)).asObject();
    assertThat(text(delta(role).get("role"))).isEqualTo("assistant");
    assertThat(text(delta(Json.parse(events.get(1)).asObject()).get(key))).isEqualTo("The");
    assertThat(Json.write(Json.parse(events.get(2)).asObject().get("error"))).isEqualTo(error);
    assertThat(events.get(3)).isEqualTo("[DONE]");

    FakeDialectHttpTest.Answer whole = chat(server, body(k3(dialect), "hi", ""));
    assertThat(whole.status()).as("a call that is not streamed is answered").isEqualTo(200);
  }

  @org.junit.jupiter.api.Test
  void openRouterFailsAStreamWithAnErrorChunkAndEndsIt(FakeKimiServer server) throws Exception {
    server.dialect("openrouter").failCalls("stream-error=1");
    List<String> events =
        chat(server, body("moonshotai/kimi-k3", "hi", "\"stream\":true")).events();
    assertThat(events).hasSize(4);
    assertThat(events.get(0)).isEqualTo(": OPENROUTER PROCESSING");
    JsonObject failed = Json.parse(events.get(3)).asObject();
    assertThat(Json.write(failed.get("error")))
        .isEqualTo(
            "{\"code\":\"server_error\",\"message\":\"Provider disconnected unexpectedly\"}");
    JsonObject choice = failed.get("choices").asArray().get(0).asObject();
    assertThat(text(choice.get("finish_reason"))).isEqualTo("error");
    assertThat(text(failed.get("model"))).isEqualTo("moonshotai/kimi-k3");
    assertThat(text(failed.get("id")))
        .as("the chunk of the stream it ends")
        .isEqualTo(text(Json.parse(events.get(1)).asObject().get("id")));
  }

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"moonshot", "vllm"})
  void aRefusedStreamStaysARefusal(String dialect, FakeKimiServer server) throws Exception {
    server.dialect(dialect).failCalls("stream-error=1");
    FakeDialectHttpTest.Answer a =
        chat(server, body(k3(dialect), "hi", "\"stream\":true,\"temperature\":0.3"));
    assertThat(a.status()).isEqualTo(400);
  }

  private static JsonObject delta(JsonObject chunk) {
    return chunk.get("choices").asArray().get(0).asObject().get("delta").asObject();
  }
}
