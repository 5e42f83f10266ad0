package io.github.kimisdk.ui;

import static io.github.kimisdk.ui.ChatRig.first;
import static io.github.kimisdk.ui.ChatRig.text;
import static io.github.kimisdk.ui.ChatRig.types;
import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import io.github.kimisdk.KimiClient;
import io.github.kimisdk.chat.ChatRequest;
import io.github.kimisdk.chat.Thinking;
import io.github.kimisdk.json.Json;
import io.github.kimisdk.json.JsonObject;
import io.github.kimisdk.testing.FakeKimiExtension;
import io.github.kimisdk.testing.FakeKimiServer;
import io.github.kimisdk.testing.FakeResponse;
import io.github.kimisdk.tool.FunctionTool;
import io.github.kimisdk.tool.ToolCall;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Flow;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * A chat stream written as the AI SDK's UI message stream, against the fake on loopback: a plain
 * chat, a thinking stream, parallel tool calls streamed, through the JDK server's handler and as a
 * publisher that honours demand; a client that goes away cancels Kimi's call.
 */
@ExtendWith(FakeKimiExtension.class)
class ChatStreamHttpTest {

  static final FunctionTool WEATHER =
      new FunctionTool(
          "get_weather",
          "The weather in a city",
          Json.parse(
              "{\"type\":\"object\",\"properties\":{\"city\":{\"type\":\"string\"}},"
                  + "\"required\":[\"city\"]}"),
          null);

  static List<JsonObject> written(UiResponse r) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    r.writeTo(out);
    return ChatRig.Sse.parts(out.toString(StandardCharsets.UTF_8));
  }

  /** The types without repeats of the one before (a text's deltas as one). */
  static List<String> distinct(List<String> types) {
    List<String> out = new ArrayList<>();
    for (String t : types) {
      if (out.isEmpty() || !out.get(out.size() - 1).equals(t)) {
        out.add(t);
      }
    }
    return out;
  }

  @Test
  void aPlainChatIsOneStepOfText(FakeKimiServer fake, KimiClient kimi) throws IOException {
    fake.enqueue(FakeResponse.reply("Hello there, general."));
    ChatRequest request =
        ChatRequest.builder("kimi-k2.6").thinking(Thinking.disabled()).addUser("Hi").build();
    List<JsonObject> parts = written(UiResponse.of(kimi.stream(request), kimi.prices()));
    assertThat(distinct(types(parts)))
        .containsExactly(
            "start",
            "start-step",
            "text-start",
            "text-delta",
            "text-end",
            "finish-step",
            "finish",
            "[DONE]");
    assertThat(text(parts, "text")).isEqualTo("Hello there, general.");
    JsonObject finish = first(parts, "finish");
    assertThat(finish.get("finishReason").asString()).isEqualTo("stop");
    assertThat(finish.get("messageMetadata").get("model").asString()).isEqualTo("kimi-k2.6");
    assertThat(finish.get("messageMetadata").get("usage").get("outputTokens").asLong())
        .isPositive();
    assertThat(finish.get("messageMetadata").get("cost").get("currency").asString())
        .isEqualTo("USD");
  }

  @Test
  void aThinkingStreamSendsItsReasoningBeforeItsText(FakeKimiServer fake, KimiClient kimi)
      throws IOException {
    fake.enqueue(FakeResponse.reply("Four."));
    List<JsonObject> parts = written(UiResponse.of(kimi.stream(ChatRequest.of("kimi-k3", "2+2?"))));
    assertThat(types(parts))
        .containsSubsequence(
            "reasoning-start", "reasoning-delta", "reasoning-end", "text-start", "text-end");
    assertThat(text(parts, "reasoning")).isEqualTo("I will answer with the reply I was given.");
    assertThat(text(parts, "text")).isEqualTo("Four.");
    assertThat(first(parts, "finish").has("messageMetadata")).isTrue();
  }

  @Test
  void parallelToolCallsStreamTheirInputsAndEndWithToolCalls(FakeKimiServer fake, KimiClient kimi)
      throws IOException {
    fake.enqueue(
        FakeResponse.toolCalls(
            ToolCall.function(null, "get_weather", "{\"city\":\"Paris\"}"),
            ToolCall.function(null, "get_weather", "{\"city\":\"Oslo\"}")));
    ChatRequest request =
        ChatRequest.builder("kimi-k3").addTool(WEATHER).addUser("Paris and Oslo?").build();
    List<JsonObject> parts = written(UiResponse.of(kimi.stream(request)));
    List<JsonObject> inputs =
        parts.stream()
            .filter(p -> p.get("type").asString().equals("tool-input-available"))
            .toList();
    assertThat(inputs).hasSize(2);
    assertThat(inputs.get(0).get("input")).isEqualTo(Json.parse("{\"city\":\"Paris\"}"));
    assertThat(inputs.get(1).get("input")).isEqualTo(Json.parse("{\"city\":\"Oslo\"}"));
    assertThat(inputs.get(0).get("toolCallId")).isNotEqualTo(inputs.get(1).get("toolCallId"));
    assertThat(types(parts))
        .containsSubsequence("tool-input-start", "tool-input-delta", "tool-input-available");
    assertThat(first(parts, "finish").get("finishReason").asString()).isEqualTo("tool-calls");
  }

  @Test
  void aRefusalOfKimisIsAnErrorPartWithoutItsMessage(FakeKimiServer fake, KimiClient kimi)
      throws IOException {
    fake.enqueue(
        FakeResponse.error(
            400,
            "{\"error\":{\"type\":\"invalid_request_error\",\"message\":\"secret internal detail\"}}"));
    ChatRequest request =
        ChatRequest.builder("kimi-k2.6").thinking(Thinking.disabled()).addUser("Hi").build();
    List<JsonObject> parts = written(UiResponse.of(kimi.stream(request)));
    assertThat(types(parts)).endsWith("error", "finish", "[DONE]");
    assertThat(first(parts, "error").get("errorText").asString())
        .isEqualTo("Kimi refused the request (HTTP 400).");
    assertThat(first(parts, "finish").get("finishReason").asString()).isEqualTo("error");
    assertThat(parts.toString()).doesNotContain("secret internal detail").doesNotContain("at io.");
  }

  @Test
  void thePublisherSendsNoMoreThanItsSubscriberAsks(FakeKimiServer fake, KimiClient kimi)
      throws Exception {
    fake.enqueue(FakeResponse.reply("one two three four five six seven eight nine ten"));
    ChatRequest request =
        ChatRequest.builder("kimi-k2.6").thinking(Thinking.disabled()).addUser("Count").build();
    Flow.Publisher<String> p = UiResponse.of(kimi.stream(request)).events();
    List<String> got = new ArrayList<>();
    CompletableFuture<Void> done = new CompletableFuture<>();
    Flow.Subscription[] sub = new Flow.Subscription[1];
    p.subscribe(
        new Flow.Subscriber<>() {
          @Override
          public void onSubscribe(Flow.Subscription s) {
            sub[0] = s;
            s.request(1);
          }

          @Override
          public void onNext(String part) {
            synchronized (got) {
              got.add(part);
              got.notifyAll();
            }
          }

          @Override
          public void onError(Throwable t) {
            done.completeExceptionally(t);
          }

          @Override
          public void onComplete() {
            done.complete(null);
          }
        });
    synchronized (got) {
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
      while (got.isEmpty() && System.nanoTime() < deadline) {
        got.wait(1000);
      }
      assertThat(got).hasSize(1); // asked for one: sent one, however much Kimi sent
      assertThat(got.get(0)).startsWith("{\"type\":\"start\"");
    }
    sub[0].request(Long.MAX_VALUE);
    done.get(30, TimeUnit.SECONDS);
    StringBuilder all = new StringBuilder();
    got.forEach(part -> all.append("data: ").append(part).append("\n\n"));
    assertThat(text(ChatRig.Sse.parts(all.toString()), "text"))
        .isEqualTo("one two three four five six seven eight nine ten");
    assertThat(got.get(got.size() - 1)).isEqualTo("[DONE]");
  }

  @Test
  void theJdkServersHandlerServesAChatAndAClientThatGoesAwayCancelsTheCall(
      FakeKimiServer fake, KimiClient kimi) throws Exception {
    fake.enqueue(FakeResponse.reply("Hello from the JDK server."));
    fake.enqueue(ClientGoneHttpTest.slowChat());
    HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    ExecutorService threads = Executors.newCachedThreadPool();
    server.setExecutor(threads);
    server.createContext("/api/chat", ChatRig.plainChat(kimi));
    server.start();
    try {
      HttpClient http = HttpClient.newHttpClient();
      URI uri = URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/api/chat");
      String body = ChatRig.ask("c1", io.github.kimisdk.json.JsonArray.of(), "Hi");
      HttpResponse<String> whole =
          http.send(
              HttpRequest.newBuilder(uri).POST(HttpRequest.BodyPublishers.ofString(body)).build(),
              HttpResponse.BodyHandlers.ofString());
      assertThat(whole.statusCode()).isEqualTo(200);
      assertThat(whole.headers().firstValue("x-vercel-ai-ui-message-stream")).hasValue("v1");
      assertThat(text(ChatRig.Sse.parts(whole.body()), "text"))
          .isEqualTo("Hello from the JDK server.");
      String sent = fake.requests().get(0).bodyText();
      assertThat(sent).contains("\"Hi\"");

      HttpResponse<InputStream> partial =
          http.send(
              HttpRequest.newBuilder(uri).POST(HttpRequest.BodyPublishers.ofString(body)).build(),
              HttpResponse.BodyHandlers.ofInputStream());
      List<JsonObject> some =
          ChatRig.Sse.read(partial.body(), ps -> types(ps).contains("text-delta"));
      assertThat(types(some)).contains("text-delta");
      partial.body().close(); // the page goes away mid-answer
      assertThat(fake.awaitDisconnect(Duration.ofSeconds(30)))
          .as("Kimi's call was cancelled when the client went away")
          .isTrue();
      assertThat(
              http.send(
                      HttpRequest.newBuilder(URI.create(uri + "/c1/stream")).GET().build(),
                      HttpResponse.BodyHandlers.ofString())
                  .statusCode())
          .isEqualTo(204);
    } finally {
      server.stop(0);
      threads.shutdownNow();
    }
  }

  @Test
  void aBodyIsSentOnce(FakeKimiServer fake, KimiClient kimi) throws IOException {
    fake.enqueue(FakeResponse.reply("x"));
    UiResponse r = UiResponse.of(kimi.stream(ChatRequest.of("kimi-k3", "x")));
    r.writeTo(OutputStream.nullOutputStream());

    org.assertj.core.api.Assertions.assertThatThrownBy(r::events)
        .isInstanceOf(IllegalStateException.class);
  }
}
