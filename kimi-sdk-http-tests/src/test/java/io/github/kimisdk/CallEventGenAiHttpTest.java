package io.github.kimisdk;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.kimisdk.chat.ChatAccumulator;
import io.github.kimisdk.chat.ChatCompletion;
import io.github.kimisdk.chat.ChatCompletionChunk;
import io.github.kimisdk.chat.ChatRequest;
import io.github.kimisdk.chat.ChatStream;
import io.github.kimisdk.internal.http.CollectingSubscriber;
import io.github.kimisdk.model.SamplingPolicy;
import io.github.kimisdk.testing.FakeKimiExtension;
import io.github.kimisdk.testing.FakeKimiServer;
import io.github.kimisdk.testing.FakeResponse;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.BiFunction;
import java.util.function.Function;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The call events carry what an OpenTelemetry GenAI span asks for: a listener that reads only
 * {@code Call.endpoint()}, {@code Call.request()}, {@code End.responseId()} and {@code
 * End.responseModel()} fills {@code server.address}, {@code server.port}, {@code
 * gen_ai.request.max_tokens}, {@code gen_ai.response.id} and {@code gen_ai.response.model} with the
 * values the caller sees, for chat, stream and async calls over both wire protocols; and the
 * threads the events run on are the ones {@link CallListener} documents.
 */
@ExtendWith(FakeKimiExtension.class)
class CallEventGenAiHttpTest {

  /** A GenAI span's attributes, filled only from the events' accessors. */
  static final class SpanAttributes implements CallListener {
    final Map<String, Object> attributes = new ConcurrentHashMap<>();
    final List<String> threads = new CopyOnWriteArrayList<>();
    final CompletableFuture<CallEvent.End> end = new CompletableFuture<>();
    volatile CallEvent.Call call;

    @Override
    public void onRequest(CallEvent.Request e) {
      threads.add("request " + e.attempt() + " on " + Thread.currentThread().getName());
      if (e.attempt() != 1) {
        return;
      }
      call = e.call();
      URI endpoint = e.call().endpoint();
      attributes.put("server.address", endpoint.getHost());
      attributes.put("server.port", port(endpoint));
      attributes.put("gen_ai.request.model", e.call().model());
      ChatRequest sent = e.call().request();
      if (sent != null && sent.maxCompletionTokens() != null) {
        attributes.put("gen_ai.request.max_tokens", sent.maxCompletionTokens());
      }
    }

    @Override
    public void onEnd(CallEvent.End e) {
      threads.add("end on " + Thread.currentThread().getName());
      if (e.responseId() != null) {
        attributes.put("gen_ai.response.id", e.responseId());
      }
      if (e.responseModel() != null) {
        attributes.put("gen_ai.response.model", e.responseModel());
      }
      end.complete(e);
    }

    static int port(URI uri) {
      return uri.getPort() != -1 ? uri.getPort() : "https".equals(uri.getScheme()) ? 443 : 80;
    }

    CallEvent.End awaitEnd() throws Exception {
      return end.get(10, TimeUnit.SECONDS);
    }
  }

  /** One way of making a chat call: it returns the completion the caller sees. */
  interface Shape extends BiFunction<KimiClient, ChatRequest, ChatCompletion> {}

  static final ChatRequest ASKED =
      ChatRequest.builder("kimi-k2.6").addUser("Name a river").maxTokens(64).build();

  /** A request the client adapts: kimi-k2.6 fixes its temperature. */
  static final ChatRequest ADAPTED = ASKED.toBuilder().temperature(0.3).build();

  static ChatCompletion chat(KimiClient kimi, ChatRequest request) {
    return kimi.chat(request);
  }

  static ChatCompletion stream(KimiClient kimi, ChatRequest request) {
    try (ChatStream s = kimi.stream(request)) {
      return s.toCompletion();
    }
  }

  static ChatCompletion async(KimiClient kimi, ChatRequest request) {
    return kimi.chatAsync(request).join();
  }

  /** A stream consumed as a {@code Flow.Publisher}, asking for everything in onSubscribe. */
  static ChatCompletion subscribed(KimiClient kimi, ChatRequest request) {
    CollectingSubscriber<ChatCompletionChunk> chunks = new CollectingSubscriber<>();
    kimi.stream(request).subscribe(chunks);
    ChatAccumulator all = new ChatAccumulator();
    chunks.end.join().forEach(all::add);
    return all.toCompletion();
  }

  static Stream<Arguments> shapesAndProtocols() {
    Function<FakeKimiServer, String> chatCompletions = FakeKimiServer::baseUrl;
    Function<FakeKimiServer, String> messages = FakeKimiServer::anthropicBaseUrl;
    return Stream.of(
        Arguments.of("chat", (Shape) CallEventGenAiHttpTest::chat, chatCompletions),
        Arguments.of("stream", (Shape) CallEventGenAiHttpTest::stream, chatCompletions),
        Arguments.of("async", (Shape) CallEventGenAiHttpTest::async, chatCompletions),
        Arguments.of("chat, Messages", (Shape) CallEventGenAiHttpTest::chat, messages),
        Arguments.of("stream, Messages", (Shape) CallEventGenAiHttpTest::stream, messages),
        Arguments.of("async, Messages", (Shape) CallEventGenAiHttpTest::async, messages));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("shapesAndProtocols")
  void aListenerReadingOnlyTheEventsFillsTheGenAiAttributes(
      String name,
      Shape shape,
      Function<FakeKimiServer, String> baseUrl,
      FakeKimiServer server,
      FakeKimiExtension.Clients clients)
      throws Exception {
    SpanAttributes span = new SpanAttributes();
    KimiClient kimi = clients.build(b -> b.baseUrl(baseUrl.apply(server)).listener(span));

    ChatCompletion seen = shape.apply(kimi, ASKED);
    CallEvent.End end = span.awaitEnd();

    assertThat(seen.id()).isNotBlank();
    assertThat(seen.model()).isNotBlank();
    assertThat(span.attributes)
        .containsExactlyInAnyOrderEntriesOf(
            Map.of(
                "server.address",
                "127.0.0.1",
                "server.port",
                server.port(),
                "gen_ai.request.model",
                "kimi-k2.6",
                "gen_ai.request.max_tokens",
                64,
                "gen_ai.response.id",
                seen.id(),
                "gen_ai.response.model",
                seen.model()));
    String path = baseUrl.apply(server).endsWith("/anthropic") ? "v1/messages" : "chat/completions";
    assertThat(end.call().endpoint())
        .isEqualTo(URI.create(baseUrl.apply(server) + "/" + path))
        .isEqualTo(span.call.endpoint());
    assertThat(end.call().path()).isEqualTo(path);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("shapesAndProtocols")
  void theRequestIsTheOneSentAfterAdaptingAndNeverPrintsItsMessages(
      String name,
      Shape shape,
      Function<FakeKimiServer, String> baseUrl,
      FakeKimiServer server,
      FakeKimiExtension.Clients clients)
      throws Exception {
    SpanAttributes span = new SpanAttributes();
    KimiClient kimi =
        clients.build(
            b ->
                b.baseUrl(baseUrl.apply(server))
                    .samplingPolicy(SamplingPolicy.ADAPT)
                    .listener(span));
    boolean streamed = name.startsWith("stream");

    shape.apply(kimi, ADAPTED);
    CallEvent.End end = span.awaitEnd();

    ChatRequest sent = end.call().request();
    // kimi-k2.6 fixes its temperature: the client leaves the 0.3 asked for unset
    assertThat(ADAPTED.temperature()).isEqualTo(0.3);
    assertThat(sent.temperature()).isNull();
    assertThat(sent).isEqualTo(kimi.adapt(ADAPTED.toBuilder().stream(streamed).build()));
    assertThat(sent.stream()).isEqualTo(streamed);
    assertThat(end.call().toString())
        .contains("endpoint=" + end.call().endpoint())
        .contains("request=1 messages")
        .doesNotContain("Name a river");
    assertThat(end.toString()).doesNotContain("Name a river").doesNotContain(FakeKimiExtension.KEY);
  }

  @Test
  void theResponseIdAndModelAreTheServersNotTheRequestIdOrTheModelAskedFor(
      FakeKimiServer server, FakeKimiExtension.Clients clients) throws Exception {
    SpanAttributes span = new SpanAttributes();
    KimiClient kimi = clients.build(b -> b.listener(span));
    server.enqueue(
        FakeResponse.json(
                "{\"id\":\"chatcmpl-7f3a\",\"object\":\"chat.completion\",\"created\":1,"
                    + "\"model\":\"kimi-k2.6-0901\",\"choices\":[{\"index\":0,\"message\":"
                    + "{\"role\":\"assistant\",\"content\":\"Nile\"},\"finish_reason\":\"stop\"}]}")
            .withHeader("Msh-Request-Id", "req-9"));

    kimi.chat(ASKED);
    CallEvent.End end = span.awaitEnd();

    assertThat(end.responseId()).isEqualTo("chatcmpl-7f3a");
    assertThat(end.responseModel()).isEqualTo("kimi-k2.6-0901");
    assertThat(end.call().model()).isEqualTo("kimi-k2.6");
    assertThat(end.metadata().requestId()).contains("req-9");
  }

  @Test
  void aStreamsIdAndModelComeFromItsChunksAndAreNullWhenItSentNone(
      FakeKimiServer server, FakeKimiExtension.Clients clients) throws Exception {
    SpanAttributes named = new SpanAttributes();
    KimiClient kimi = clients.build(b -> b.listener(named));
    server.enqueue(
        FakeResponse.stream(
            List.of(
                chunk("\"id\":\"chatcmpl-s1\",\"model\":\"kimi-k2.6-0901\",", "Ni", null),
                chunk("\"id\":\"chatcmpl-s1\",\"model\":\"kimi-k2.6-0901\",", "le", "stop"))));
    stream(kimi, ASKED);
    assertThat(named.awaitEnd().responseId()).isEqualTo("chatcmpl-s1");
    assertThat(named.awaitEnd().responseModel()).isEqualTo("kimi-k2.6-0901");

    SpanAttributes unnamed = new SpanAttributes();
    KimiClient other = clients.build(b -> b.listener(unnamed));
    server.enqueue(FakeResponse.stream(List.of(chunk("", "Nile", "stop"))));
    stream(other, ASKED);
    assertThat(unnamed.awaitEnd().responseId()).isNull();
    assertThat(unnamed.awaitEnd().responseModel()).isNull();
    assertThat(unnamed.attributes)
        .doesNotContainKeys("gen_ai.response.id", "gen_ai.response.model");
  }

  @Test
  void theEndpointLeavesOutTheCallsQueryParameters(
      FakeKimiServer server, FakeKimiExtension.Clients clients) throws Exception {
    SpanAttributes span = new SpanAttributes();
    KimiClient kimi = clients.build(b -> b.listener(span));
    kimi.withOptions(RequestOptions.builder().queryParam("key", "sk-secret-in-query").build())
        .chat(ASKED);
    CallEvent.End end = span.awaitEnd();

    assertThat(server.takeRequest().path()).contains("key=sk-secret-in-query");
    assertThat(end.call().endpoint()).isEqualTo(URI.create(server.baseUrl() + "/chat/completions"));
    assertThat(end.call().endpoint().getRawQuery()).isNull();
    assertThat(end.toString()).doesNotContain("sk-secret-in-query");
  }

  @Test
  void eachCallOfAClientThatCallsSeveralPathsNamesItsOwnEndpoint(
      FakeKimiServer server, FakeKimiExtension.Clients clients) throws Exception {
    List<URI> named = new CopyOnWriteArrayList<>();
    KimiClient kimi =
        clients.build(
            b ->
                b.listener(
                    new CallListener() {
                      @Override
                      public void onRequest(CallEvent.Request e) {
                        named.add(e.call().endpoint());
                      }
                    }));
    kimi.chat(ASKED);
    kimi.models().list();
    kimi.chat(ASKED);
    kimi.chat(ASKED);
    kimi.models().list();

    URI chat = URI.create(server.baseUrl() + "/chat/completions");
    URI models = URI.create(server.baseUrl() + "/models");
    assertThat(named).containsExactly(chat, models, chat, chat, models);
  }

  @Test
  void callsThatAreNotChatsHaveNoRequestNorResponseIdOrModel(
      FakeKimiServer server, FakeKimiExtension.Clients clients) throws Exception {
    SpanAttributes span = new SpanAttributes();
    KimiClient kimi = clients.build(b -> b.listener(span));
    kimi.models().list();
    CallEvent.End end = span.awaitEnd();

    assertThat(end.call().operation()).isEqualTo(CallEvent.Operation.PLATFORM);
    assertThat(end.call().request()).isNull();
    assertThat(end.call().endpoint()).isEqualTo(URI.create(server.baseUrl() + "/models"));
    assertThat(end.responseId()).isNull();
    assertThat(end.responseModel()).isNull();
  }

  static Stream<Arguments> everyShape() {
    return Stream.concat(
        shapesAndProtocols(),
        Stream.of(
            Arguments.of(
                "subscribed",
                (Shape) CallEventGenAiHttpTest::subscribed,
                (Function<FakeKimiServer, String>) FakeKimiServer::baseUrl)));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("everyShape")
  void theFirstAttemptIsHeardOnTheCallersThreadAndTheEndBeforeTheCallerHasItsResult(
      String name,
      Shape shape,
      Function<FakeKimiServer, String> baseUrl,
      FakeKimiServer server,
      FakeKimiExtension.Clients clients) {
    SpanAttributes span = new SpanAttributes();
    KimiClient kimi =
        clients.build(
            b ->
                b.baseUrl(baseUrl.apply(server))
                    .retryPolicy(
                        RetryPolicy.defaults()
                            .withMaxRetries(1)
                            .withBackoff(Duration.ofMillis(1), Duration.ofMillis(1)))
                    .listener(span));
    server.enqueue(
        FakeResponse.error(500, "{\"error\":{\"type\":\"server_error\",\"message\":\"x\"}}"));

    ChatCompletion seen = shape.apply(kimi, ASKED);

    assertThat(seen.text()).isNotEmpty();
    assertThat(span.end).as("heard before the caller has the result").isDone();
    assertThat(span.threads.get(0)).isEqualTo("request 1 on " + Thread.currentThread().getName());
    assertThat(span.threads).hasSize(3).last().asString().startsWith("end on ");
  }

  static String chunk(String idAndModel, String text, String finish) {
    return "{"
        + idAndModel
        + "\"object\":\"chat.completion.chunk\",\"created\":1,\"choices\":[{\"index\":0,"
        + "\"delta\":{\"content\":\""
        + text
        + "\"},\"finish_reason\":"
        + (finish == null ? "null" : "\"" + finish + "\"")
        + "}]}";
  }
}
