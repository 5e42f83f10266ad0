package io.github.kimisdk.examples;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import io.github.kimisdk.CallEvent;
import io.github.kimisdk.CallListener;
import io.github.kimisdk.KimiClient;
import io.github.kimisdk.chat.ChatCompletion;
import io.github.kimisdk.chat.ChatCompletionChunk;
import io.github.kimisdk.chat.ChatRequest;
import io.github.kimisdk.chat.ChatStream;
import io.github.kimisdk.chat.Message;
import io.github.kimisdk.errors.ConfigurationException;
import io.github.kimisdk.errors.KimiException;
import io.github.kimisdk.json.Json;
import io.github.kimisdk.json.JsonException;
import io.github.kimisdk.json.JsonValue;
import io.github.kimisdk.sse.ServerSentEvent;
import io.github.kimisdk.sse.SseParser;
import io.github.kimisdk.testing.FakeKimiServer;
import io.github.kimisdk.testing.FakeResponse;
import io.github.kimisdk.testing.RecordedRequest;
import io.github.kimisdk.token.KimiTokenizer;
import io.github.kimisdk.token.TokenEstimator;
import io.github.kimisdk.tool.ToolCall;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.BiConsumer;
import java.util.function.BiFunction;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.Supplier;
import java.util.function.ToIntBiFunction;
import java.util.function.ToLongFunction;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Calls every name that {@code DESIGN.md} lists as fixed ("Names that are fixed"), from a named
 * module that sees only the SDK's exports, as the conformance harnesses do. Each is taken once as a
 * typed method reference, so a change of its package, name, parameters or result type breaks this
 * module's build, and once called, so a change of what it does fails the test.
 */
class FixedNamesTest {

  // The signatures, exactly as fixed.
  static final Function<String, JsonValue> PARSE_STRING = Json::parse;
  static final Function<byte[], JsonValue> PARSE_BYTES = Json::parse;
  static final Function<JsonValue, String> WRITE = Json::write;
  static final Function<Consumer<ServerSentEvent>, SseParser> NEW_PARSER = SseParser::new;
  static final BiConsumer<SseParser, ByteBuffer> FEED = SseParser::feed;
  static final Consumer<SseParser> CLOSE_PARSER = SseParser::close;
  static final ToLongFunction<SseParser> RETRY_MILLIS = SseParser::retryMillis;
  static final Supplier<KimiClient.Builder> BUILDER = KimiClient::builder;
  static final BiFunction<KimiClient.Builder, String, KimiClient.Builder> API_KEY =
      KimiClient.Builder::apiKey;
  static final BiFunction<KimiClient.Builder, Supplier<String>, KimiClient.Builder>
      API_KEY_SUPPLIER = KimiClient.Builder::apiKey;
  static final BiFunction<KimiClient.Builder, String, KimiClient.Builder> BASE_URL =
      KimiClient.Builder::baseUrl;
  static final Function<KimiClient.Builder, KimiClient> BUILD = KimiClient.Builder::build;
  static final Supplier<KimiClient> FROM_ENV = KimiClient::fromEnv;
  static final BiFunction<KimiClient, ChatRequest, ChatCompletion> CHAT = KimiClient::chat;
  static final BiFunction<KimiClient, ChatRequest, CompletableFuture<ChatCompletion>> CHAT_ASYNC =
      KimiClient::chatAsync;
  static final BiFunction<KimiClient, ChatRequest, ChatStream> STREAM = KimiClient::stream;
  static final BiFunction<String, String, ChatRequest> REQUEST_OF = ChatRequest::of;
  static final Function<ChatCompletionChunk, String> CHUNK_TEXT = ChatCompletionChunk::text;
  static final Function<ChatCompletion, String> COMPLETION_TEXT = ChatCompletion::text;
  static final Supplier<FakeKimiServer> NEW_SERVER = FakeKimiServer::new;
  static final Function<FakeKimiServer, FakeKimiServer> START = FakeKimiServer::start;
  static final Function<FakeKimiServer, String> SERVER_BASE_URL = FakeKimiServer::baseUrl;
  static final Consumer<FakeKimiServer> CLOSE_SERVER = FakeKimiServer::close;
  static final Function<Path, KimiTokenizer> LOAD = KimiTokenizer::load;
  static final BiFunction<KimiTokenizer, String, int[]> ENCODE = KimiTokenizer::encode;
  static final ToIntBiFunction<KimiTokenizer, String> COUNT = KimiTokenizer::count;
  static final Supplier<TokenEstimator> FOR_KIMI = TokenEstimator::forKimi;
  static final ToIntBiFunction<TokenEstimator, CharSequence> ESTIMATE = TokenEstimator::estimate;
  static final Function<String, FakeResponse> REPLY = FakeResponse::reply;
  static final Function<ToolCall[], FakeResponse> TOOL_CALLS = FakeResponse::toolCalls;
  static final BiFunction<FakeKimiServer, FakeResponse, FakeKimiServer> ENQUEUE =
      FakeKimiServer::enqueue;
  static final Function<FakeKimiServer, RecordedRequest> TAKE_REQUEST = FakeKimiServer::takeRequest;
  static final Function<CallEvent.Call, URI> ENDPOINT = CallEvent.Call::endpoint;
  static final Function<CallEvent.Call, ChatRequest> SENT = CallEvent.Call::request;
  static final Function<CallEvent.End, Duration> DURATION = CallEvent.End::duration;
  static final Function<CallEvent.End, Duration> TIME_TO_FIRST_CHUNK =
      CallEvent.End::timeToFirstChunk;
  static final Function<CallEvent.End, String> RESPONSE_ID = CallEvent.End::responseId;
  static final Function<CallEvent.End, String> RESPONSE_MODEL = CallEvent.End::responseModel;

  @Test
  void jsonParsesWritesAndReportsWhereItFailed() {
    JsonValue v = PARSE_STRING.apply("{\"a\":[1,true,null]}");
    assertThat(WRITE.apply(v)).isEqualTo("{\"a\":[1,true,null]}");
    assertThat(WRITE.apply(PARSE_BYTES.apply("\"\u00e9\"".getBytes(StandardCharsets.UTF_8))))
        .isEqualTo("\"\u00e9\"");
    Throwable bad = catchThrowable(() -> PARSE_BYTES.apply(new byte[] {'"', (byte) 0xC3, '"'}));
    assertThat(bad).as("strict UTF-8").isInstanceOf(JsonException.class);
    JsonException e = (JsonException) catchThrowable(() -> PARSE_STRING.apply("{\n  \"a\": }"));
    assertThat(e).isInstanceOf(RuntimeException.class);
    assertThat(e.line()).isEqualTo(2);
    assertThat(e.column()).isPositive();
    assertThat(e.offset()).isPositive();
  }

  @Test
  void sseParserTakesAnyChunkingAndKeepsTheRetryAndIds() {
    List<ServerSentEvent> events = new ArrayList<>();
    SseParser parser = NEW_PARSER.apply(events::add);
    assertThat(RETRY_MILLIS.applyAsLong(parser)).isEqualTo(-1);
    byte[] stream =
        "retry: 1500\ndata: one\n\nevent: done\nid: 7\ndata: two\n\n"
            .getBytes(StandardCharsets.UTF_8);
    for (byte b : stream) {
      FEED.accept(parser, ByteBuffer.wrap(new byte[] {b}));
    }
    CLOSE_PARSER.accept(parser);
    assertThat(events)
        .containsExactly(
            new ServerSentEvent("message", "one", ""), new ServerSentEvent("done", "two", "7"));
    assertThat(RETRY_MILLIS.applyAsLong(parser)).isEqualTo(1500);
  }

  @Test
  void aClientChatsCallsAsyncAndStreamsAgainstTheFakeServer() throws Exception {
    FakeKimiServer server = START.apply(NEW_SERVER.get());
    try (KimiClient kimi =
        BUILD.apply(
            BASE_URL.apply(
                API_KEY.apply(BUILDER.get(), "sk-fixed-names"), SERVER_BASE_URL.apply(server)))) {
      ChatRequest hello = REQUEST_OF.apply("kimi-k2.6", "Hello");
      assertThat(COMPLETION_TEXT.apply(CHAT.apply(kimi, hello))).isEqualTo("You said: Hello");
      assertThat(COMPLETION_TEXT.apply(CHAT_ASYNC.apply(kimi, hello).get(30, TimeUnit.SECONDS)))
          .isEqualTo("You said: Hello");
      StringBuilder text = new StringBuilder();
      try (ChatStream stream = STREAM.apply(kimi, hello)) {
        Iterable<ChatCompletionChunk> chunks = stream;
        AutoCloseable closeable = stream;
        assertThat(closeable).isSameAs(stream);
        for (ChatCompletionChunk c : chunks) {
          text.append(CHUNK_TEXT.apply(c));
        }
      }
      assertThat(text).hasToString("You said: Hello");
    } finally {
      CLOSE_SERVER.accept(server);
    }
  }

  @Test
  void aClientAsksItsKeySupplierBeforeEachCall() {
    FakeKimiServer server = START.apply(NEW_SERVER.get());
    java.util.concurrent.atomic.AtomicReference<String> key =
        new java.util.concurrent.atomic.AtomicReference<>("sk-fixed-names-one");
    server.requireApiKey(key.get());
    try (KimiClient kimi =
        BUILD.apply(
            BASE_URL.apply(
                API_KEY_SUPPLIER.apply(BUILDER.get(), key::get), SERVER_BASE_URL.apply(server)))) {
      ChatRequest hello = REQUEST_OF.apply("kimi-k2.6", "Hello");
      assertThat(COMPLETION_TEXT.apply(CHAT.apply(kimi, hello))).isEqualTo("You said: Hello");
      key.set("sk-fixed-names-two"); // rotated: the next call sends it
      server.requireApiKey(key.get());
      assertThat(COMPLETION_TEXT.apply(CHAT.apply(kimi, hello))).isEqualTo("You said: Hello");
    } finally {
      CLOSE_SERVER.accept(server);
    }
  }

  @Test
  void typedRepliesScriptAToolLoopAndTheEndOfTheCallNamesTheCompletion() throws Exception {
    CompletableFuture<CallEvent.End> ended = new CompletableFuture<>();
    CompletableFuture<CallEvent.Call> called = new CompletableFuture<>();
    CallListener listener =
        new CallListener() {
          @Override
          public void onRequest(CallEvent.Request e) {
            called.complete(e.call());
          }

          @Override
          public void onEnd(CallEvent.End e) {
            ended.complete(e);
          }
        };
    try (FakeKimiServer server = START.apply(NEW_SERVER.get());
        KimiClient kimi =
            KimiClient.builder()
                .apiKey("sk-fixed-names")
                .baseUrl(server.baseUrl())
                .listener(listener)
                .build()) {
      ENQUEUE.apply(
          server, TOOL_CALLS.apply(new ToolCall[] {ToolCall.function(null, "get_time", "{}")}));
      ENQUEUE.apply(server, REPLY.apply("noon"));
      ChatCompletion calls = kimi.chat(ChatRequest.of("kimi-k2.6", "Time?"));
      assertThat(calls.choices().get(0).message().toolCalls())
          .extracting(ToolCall::name)
          .containsExactly("get_time");
      assertThat(TAKE_REQUEST.apply(server).path()).isEqualTo("/v1/chat/completions");
      CallEvent.End end = ended.get(10, TimeUnit.SECONDS);
      assertThat(ENDPOINT.apply(called.get()))
          .isEqualTo(URI.create(server.baseUrl() + "/chat/completions"));
      assertThat(SENT.apply(end.call()).model()).isEqualTo("kimi-k2.6");
      assertThat(RESPONSE_ID.apply(end)).isEqualTo(calls.id());
      assertThat(RESPONSE_MODEL.apply(end)).isEqualTo(calls.model());
      assertThat(DURATION.apply(end)).isPositive();
      assertThat(TIME_TO_FIRST_CHUNK.apply(end)).isNull(); // not a stream
      ChatRequest answered =
          ChatRequest.builder("kimi-k2.6")
              .addUser("Time?")
              .addMessage(calls.choices().get(0).message())
              .addMessage(
                  Message.tool(calls.choices().get(0).message().toolCalls().get(0), "12:00"))
              .build();
      assertThat(kimi.chat(answered).text()).isEqualTo("noon");
    }
  }

  @Test
  void everyFailureIsAnUncheckedSealedKimiException() {
    assertThat(RuntimeException.class).isAssignableFrom(KimiException.class);
    assertThat(KimiException.class.isSealed()).isTrue();
    Throwable t = catchThrowable(() -> FROM_ENV.get().close());
    // without a key in the environment (the build's case) fromEnv says so; with one it works
    if (t != null) {
      assertThat(t).isInstanceOf(ConfigurationException.class).isInstanceOf(KimiException.class);
    }
  }

  @Test
  void theTokenizerAndTheEstimatorCount(@TempDir Path dir) throws Exception {
    KimiTokenizer tokenizer = LOAD.apply(TokenCountingTest.tinyVocabulary(dir));
    assertThat(ENCODE.apply(tokenizer, "abcabc")).containsExactly(257, 257);
    assertThat(COUNT.applyAsInt(tokenizer, "abcabc")).isEqualTo(2);
    TokenEstimator estimator = FOR_KIMI.get();
    assertThat(ESTIMATE.applyAsInt(estimator, new StringBuilder("Hello, world"))).isPositive();
  }
}
