package io.github.kimisdk;

import static io.github.kimisdk.ClientInternals.chunk;
import static io.github.kimisdk.ClientInternals.content;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;

import io.github.kimisdk.chat.ChatCompletion;
import io.github.kimisdk.chat.ChatCompletionChunk;
import io.github.kimisdk.chat.ChatRequest;
import io.github.kimisdk.chat.ChatStream;
import io.github.kimisdk.chat.Message;
import io.github.kimisdk.errors.ApiException;
import io.github.kimisdk.errors.AuthenticationException;
import io.github.kimisdk.errors.CancelledException;
import io.github.kimisdk.errors.ConnectionException;
import io.github.kimisdk.errors.ContentFilterException;
import io.github.kimisdk.errors.ContextLengthExceededException;
import io.github.kimisdk.errors.DecodingException;
import io.github.kimisdk.errors.EngineOverloadedException;
import io.github.kimisdk.errors.InvalidRequestException;
import io.github.kimisdk.errors.KimiException;
import io.github.kimisdk.errors.KimiTimeoutException;
import io.github.kimisdk.errors.MalformedChunkException;
import io.github.kimisdk.errors.NotFoundException;
import io.github.kimisdk.errors.PermissionDeniedException;
import io.github.kimisdk.errors.QuotaExceededException;
import io.github.kimisdk.errors.RateLimitException;
import io.github.kimisdk.errors.ResponseTooLargeException;
import io.github.kimisdk.errors.ServerException;
import io.github.kimisdk.errors.StreamAbortedException;
import io.github.kimisdk.errors.StreamException;
import io.github.kimisdk.errors.TokensPerDayLimitException;
import io.github.kimisdk.errors.TruncatedStreamException;
import io.github.kimisdk.internal.http.LatchedSubscriber;
import io.github.kimisdk.json.JsonBoolean;
import io.github.kimisdk.json.JsonObject;
import io.github.kimisdk.model.ModelCatalog;
import io.github.kimisdk.testing.FakeKimiServer;
import io.github.kimisdk.testing.FakeResponse;
import io.github.kimisdk.testing.RecordedRequest;
import io.github.kimisdk.token.TokenEstimator;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Flow;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The chat, streaming and error suite over chat completions; {@link KimiClientAnthropicHttpTest}
 * runs every case again over Anthropic Messages with the same expectations.
 */
class KimiClientHttpTest {

  static final String KEY = "sk-test-0123456789abcdefghijklmnop";
  // An output cap that fits moonshot-v1-8k's window: Messages requires one, and without it the SDK
  // sends 32768, which Kimi (and the strict fake) refuse for an 8,192 token model.
  static final ChatRequest HELLO =
      ChatRequest.builder("moonshot-v1-8k")
          .addUser("Hello there")
          .maxCompletionTokens(1024)
          .build();

  FakeKimiServer server;
  KimiClient kimi;

  @BeforeEach
  void start() {
    server = new FakeKimiServer().start();
    // retired: listed as a proxy would list it, for its small window and plain answers
    server.addModel(ModelCatalog.defaults().lookup("moonshot-v1-8k"));
    kimi =
        KimiClient.builder()
            .apiKey(KEY)
            .baseUrl(baseUrl())
            .wireProtocol(protocol())
            .retryPolicy(RetryPolicy.none())
            .build();
  }

  /** The wire protocol the suite runs over; {@link KimiClientAnthropicHttpTest} overrides it. */
  WireProtocol protocol() {
    return WireProtocol.CHAT_COMPLETIONS;
  }

  boolean anthropic() {
    return protocol() == WireProtocol.ANTHROPIC_MESSAGES;
  }

  /** The fake's base URL for the suite's protocol. */
  String baseUrl() {
    return anthropic() ? server.anthropicBaseUrl() : server.baseUrl();
  }

  @AfterEach
  void stop() {
    kimi.close();
    server.close();
  }

  static String err(String type, String message) {
    return "{\"error\":{\"message\":\"" + message + "\",\"type\":\"" + type + "\"}}";
  }

  // ---------------------------------------------------------------- success

  @Test
  void chatReturnsTheCompletionAndSendsTheRightHeaders() {
    ChatCompletion c = kimi.chat(HELLO);
    assertThat(c.text()).isEqualTo("You said: Hello there");
    RecordedRequest r = server.takeRequest();
    assertThat(r.method()).isEqualTo("POST");
    if (anthropic()) {
      assertThat(r.path()).isEqualTo("/anthropic/v1/messages");
      assertThat(r.header("x-api-key")).contains(KEY);
      assertThat(r.header("anthropic-version")).contains("2023-06-01");
      assertThat(r.header("Authorization")).as("the key is sent once, as x-api-key").isEmpty();
    } else {
      assertThat(r.path())
          .isEqualTo(
              protocol() == WireProtocol.RESPONSES ? "/v1/responses" : "/v1/chat/completions");
      assertThat(r.header("Authorization")).contains("Bearer " + KEY);
    }
    assertThat(r.header("User-Agent"))
        .hasValueSatisfying(ua -> assertThat(ua).startsWith("kimi-sdk-java/"));
    assertThat(r.header("Accept")).contains("application/json");
    assertThat(r.header("Content-Type")).contains("application/json");
    assertThat(r.header("Accept-Encoding")).isEmpty();
    assertThat(r.header("Upgrade")).as("no h2c upgrade on cleartext").isEmpty();
    assertThat(((JsonObject) r.json()).get("stream")).isNotEqualTo(JsonBoolean.of(true));
  }

  @Test
  void chatExposesTheMetadataOnTheCompletion() {
    ChatCompletion r = kimi.chat(HELLO);
    assertThat(r.text()).isEqualTo("You said: Hello there");
    assertThat(r.metadata().statusCode()).isEqualTo(200);
    assertThat(r.metadata().requestId())
        .hasValueSatisfying(id -> assertThat(id).startsWith("fake-"));
  }

  @Test
  void chatIgnoresAStreamFlagOnTheRequest() {
    ChatCompletion c = kimi.chat(HELLO.toBuilder().stream(true).build());
    assertThat(c.text()).isEqualTo("You said: Hello there");
    assertThat(server.takeRequest().bodyText()).doesNotContain("\"stream\":true");
  }

  @Test
  void chatAsyncCompletesWithTheCompletion() throws Exception {
    assertThat(kimi.chatAsync(HELLO).get(10, TimeUnit.SECONDS).text())
        .isEqualTo("You said: Hello there");
    assertThat(kimi.chatAsync(HELLO).get(10, TimeUnit.SECONDS).metadata().statusCode())
        .isEqualTo(200);
  }

  @Test
  void streamDeliversChunksInOrderAndSendsStreamTrue() {
    List<String> pieces = new ArrayList<>();
    try (ChatStream s = kimi.stream(HELLO)) {
      for (ChatCompletionChunk c : s) {
        pieces.add(c.text());
      }
      assertThat(s.metadata()).hasValueSatisfying(md -> assertThat(md.statusCode()).isEqualTo(200));
    }
    assertThat(String.join("", pieces)).isEqualTo("You said: Hello there");
    RecordedRequest r = server.takeRequest();
    assertThat(r.header("Accept")).contains("text/event-stream");
    assertThat(r.bodyText()).contains("\"stream\":true");
  }

  @Test
  void streamHelpersCollectTextAndTheWholeCompletion() {
    StringBuilder sb = new StringBuilder();
    ChatCompletion done =
        kimi.stream(HELLO.toBuilder().includeUsage(true).build()).forEachText(sb::append);
    assertThat(sb).hasToString("You said: Hello there");
    assertThat(done.text()).isEqualTo("You said: Hello there");
    assertThat(done.usage()).isNotNull();
    assertThat(done.usage().completionTokens())
        .isEqualTo(TokenEstimator.forKimi().estimate("You said: Hello there"));
    assertThat(done.finishReason().value()).isEqualTo("stop");

    assertThat(kimi.stream(HELLO).toCompletion().text()).isEqualTo("You said: Hello there");
    try (Stream<ChatCompletionChunk> chunks = kimi.stream(HELLO).stream()) {
      assertThat(chunks.map(ChatCompletionChunk::text).collect(Collectors.joining()))
          .isEqualTo("You said: Hello there");
    }
  }

  @Test
  void thinkingModelsStreamReasoningBeforeTheAnswer() {
    List<String> order = new ArrayList<>();
    ChatCompletion done =
        kimi.stream(ChatRequest.of("kimi-k2.6", "Hi"))
            .forEachText(r -> order.add("R:" + r), t -> order.add("T:" + t));
    assertThat(order.get(0)).startsWith("R:");
    assertThat(order.get(order.size() - 1)).startsWith("T:");
    assertThat(done.reasoning()).contains("Hi");
    assertThat(done.text()).isEqualTo("You said: Hi");
  }

  @Test
  void streamIsColdAndConsumableOnce() {
    ChatStream s = kimi.stream(HELLO);
    assertThat(server.requestCount()).isZero();
    assertThat(s.metadata()).isEmpty();
    assertThat(s.toCompletion().text()).isEqualTo("You said: Hello there");
    assertThat(server.requestCount()).isEqualTo(1);
    assertThatThrownBy(s::iterator).isInstanceOf(IllegalStateException.class);
    Recorder again = new Recorder();
    s.subscribe(again);
    assertThat(again.await()).isInstanceOf(IllegalStateException.class);
  }

  @Test
  void streamAsAPublisherHonoursDemand() throws Exception {
    server.enqueue(FakeResponse.stream(List.of(content("a"), content("b"), content("c"))));
    CountDownLatch first = new CountDownLatch(1);
    Recorder rec =
        new Recorder(1) {
          @Override
          public void onNext(ChatCompletionChunk item) {
            super.onNext(item);
            first.countDown();
          }
        };
    kimi.stream(HELLO).subscribe(rec);
    assertThat(first.await(10, TimeUnit.SECONDS)).isTrue();
    assertThat(rec.items).hasSize(1);
    rec.subscription.request(Long.MAX_VALUE);
    assertThat(rec.await()).isNull();
    // Messages and Responses end with a chunk of their own that carries only the finish
    assertThat(rec.items.stream().map(ChatCompletionChunk::text).filter(t -> !t.isEmpty()))
        .containsExactly("a", "b", "c");
  }

  @Test
  void requestingZeroIsAnErrorPerReactiveStreams() {
    Recorder rec = new Recorder(0);
    kimi.stream(HELLO).subscribe(rec);
    assertThat(rec.await())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("3.9");
  }

  @Test
  void closingBeforeTheResponseDeliversNoItemAndClosesTheConnection() {
    server.enqueue(
        FakeResponse.stream(List.of(content("late")))
            .withHeadersDelay(Duration.ofMillis(300))
            .holdingOpen());
    Recorder rec = new Recorder(5);
    ChatStream s = kimi.stream(HELLO);
    s.subscribe(rec);
    server.takeRequest();
    s.close();
    // had the cancel been lost, "late" and [DONE] would arrive before the connection closed
    assertThat(server.awaitDisconnect(Duration.ofSeconds(10))).isTrue();
    assertThat(rec.items).isEmpty();
    // the subscriber is told that the stream was closed (issue 20), not left waiting
    assertThat(rec.await()).isInstanceOf(CancelledException.class).hasMessageContaining("closed");
  }

  @Test
  void concurrentStreamsThroughOneClientNeverMixTheirChunks() throws Exception {
    server.respondWith(
        r -> {
          String tag =
              ((JsonObject)
                      ((io.github.kimisdk.json.JsonArray) ((JsonObject) r.json()).get("messages"))
                          .get(0))
                  .get("content")
                  .toString()
                  .replace("\"", "");
          List<String> chunks = new ArrayList<>();
          for (int i = 0; i < 50; i++) {
            chunks.add(content(tag + "-" + i + ";"));
          }
          return FakeResponse.stream(chunks);
        });
    List<CompletableFuture<String>> results = new ArrayList<>();
    java.util.concurrent.ExecutorService pool =
        java.util.concurrent.Executors.newFixedThreadPool(20);
    for (int s = 0; s < 20; s++) {
      String tag = "s" + s;
      results.add(
          CompletableFuture.supplyAsync(
              () -> kimi.stream(ChatRequest.of("m", tag)).toCompletion().text(), pool));
    }
    pool.shutdown();
    for (int s = 0; s < 20; s++) {
      StringBuilder expected = new StringBuilder();
      for (int i = 0; i < 50; i++) {
        expected.append("s").append(s).append('-').append(i).append(';');
      }
      assertThat(results.get(s).get(30, TimeUnit.SECONDS)).isEqualTo(expected.toString());
    }
    assertThat(server.requestCount()).isEqualTo(20);
  }

  // ---------------------------------------------------------------- stream edge cases

  @Test
  void doneCompletesWhileTheServerKeepsTheConnectionOpen() {
    server.enqueue(FakeResponse.stream(List.of(content("Hi"), chunk("{}", "stop"))).holdingOpen());
    ChatCompletion done = kimi.stream(HELLO).toCompletion();
    assertThat(done.text()).isEqualTo("Hi");
    assertThat(server.awaitDisconnect(Duration.ofSeconds(10))).isTrue();
  }

  @Test
  void truncatedStreamCarriesThePartialCompletion() {
    server.enqueue(
        FakeResponse.rawSse("data: " + content("Hel") + "\n\ndata: " + content("lo") + "\n\n"));
    List<String> seen = new ArrayList<>();
    Throwable t = catchThrowable(() -> kimi.stream(HELLO).forEachText(seen::add));
    assertThat(t).isInstanceOf(TruncatedStreamException.class);
    assertThat(((TruncatedStreamException) t).partial().text()).isEqualTo("Hello");
    assertThat(seen).containsExactly("Hel", "lo");
    assertThat(((KimiException) t).metadata()).isPresent();
  }

  @Test
  void inBandErrorEventAfterAChunkIsAStreamErrorCarryingTheApiError() {
    server.enqueue(
        FakeResponse.sse()
            .data(content("partial"))
            .data(err("server_error", "The engine broke"))
            .done()
            .build());
    Throwable t = catchThrowable(() -> kimi.stream(HELLO).toCompletion());
    assertThat(t).isInstanceOf(StreamAbortedException.class);
    StreamAbortedException s = (StreamAbortedException) t;
    assertThat(s.partial().text()).isEqualTo("partial");
    assertThat(s.resumeRequest().orElseThrow().messages())
        .last()
        .isEqualTo(Message.partial("partial"));
    assertThat(s.reason()).isInstanceOf(ServerException.class).isSameAs(s.getCause());
    ApiException a = (ApiException) s.reason();
    assertThat(a.isInStream()).isTrue();
    assertThat(a.serverMessage()).isEqualTo("The engine broke");
    assertThat(s.getMessage()).contains("The engine broke").contains("partial()");
    assertThat(s.attempts()).isEqualTo(1);
  }

  @Test
  void inBandErrorEventBeforeAnyChunkIsThePlainApiError() {
    server.enqueue(FakeResponse.sse().data(err("server_error", "The engine broke")).build());
    Throwable t = catchThrowable(() -> kimi.stream(HELLO).toCompletion());
    assertThat(t).isInstanceOf(ServerException.class);
    assertThat(((ApiException) t).isInStream()).isTrue();
  }

  @Test
  void anErrorEventWhosePayloadIsNotJsonIsStillTheApiError() {
    server.enqueue(FakeResponse.rawSse("event: error\ndata: upstream timed out\n\n"));
    Throwable t = catchThrowable(() -> kimi.stream(HELLO).toCompletion());
    assertThat(t).isInstanceOf(ApiException.class);
    assertThat(((ApiException) t).isInStream()).isTrue();
  }

  @Test
  void aChunkWithChoicesAndAnErrorMemberIsDeliveredAsAChunk() {
    String withError =
        "{\"id\":\"c1\",\"object\":\"chat.completion.chunk\",\"created\":1,\"model\":\"kimi-k2\","
            + "\"choices\":[{\"index\":0,\"delta\":{\"content\":\"kept\"}}],"
            + "\"error\":{\"message\":\"not an error event\"}}";
    server.enqueue(FakeResponse.sse().data(withError).data(chunk("{}", "stop")).done().build());
    assertThat(kimi.stream(HELLO).toCompletion().text()).isEqualTo("kept");
  }

  @Test
  void anErrorPayloadWithEmptyChoicesIsAChunkButWithoutChoicesIsTheApiError() {
    String emptyChoicesAndError =
        "{\"id\":\"c1\",\"object\":\"chat.completion.chunk\",\"created\":1,\"model\":\"kimi-k2\","
            + "\"choices\":[],\"error\":{\"message\":\"still a chunk\"}}";
    server.enqueue(
        FakeResponse.sse()
            .data(content("a"))
            .data(emptyChoicesAndError)
            .data(chunk("{}", "stop"))
            .done()
            .build());
    assertThat(kimi.stream(HELLO).toCompletion().text()).isEqualTo("a");

    String idAndError =
        "{\"id\":\"c1\",\"error\":{\"message\":\"The engine broke\",\"type\":\"server_error\"}}";
    server.enqueue(FakeResponse.sse().data(idAndError).build());
    Throwable t = catchThrowable(() -> kimi.stream(HELLO).toCompletion());
    assertThat(t).isInstanceOf(ServerException.class);
    assertThat(((ApiException) t).serverMessage()).isEqualTo("The engine broke");
  }

  @Test
  void malformedChunkFailsTheStreamWithWhatArrived() {
    server.enqueue(FakeResponse.sse().data(content("ok")).data("{not json").done().build());
    Throwable t = catchThrowable(() -> kimi.stream(HELLO).toCompletion());
    assertThat(t).isInstanceOf(MalformedChunkException.class);
    assertThat(((StreamException) t).partial().text()).isEqualTo("ok");
  }

  @Test
  void commentsAndEmptyEventsAreIgnored() {
    server.enqueue(
        FakeResponse.sse()
            .comment("keep-alive")
            .raw("data:\n\n")
            .data(content("x"))
            .done()
            .build());
    assertThat(kimi.stream(HELLO).toCompletion().text()).isEqualTo("x");
  }

  /** {@code s}'s iterator once its first chunk, "first", is read. */
  private static Iterator<ChatCompletionChunk> firstReadOf(ChatStream s) {
    Iterator<ChatCompletionChunk> it = s.iterator();
    assertThat(it.next().text()).isEqualTo("first");
    return it;
  }

  @Test
  void closingAStreamEarlyClosesTheConnection() {
    server.enqueue(
        FakeResponse.sse().data(content("first")).data(content("second")).build().holdingOpen());
    ChatStream s = kimi.stream(HELLO);
    firstReadOf(s);
    s.close();
    assertThat(server.awaitDisconnect(Duration.ofSeconds(10))).isTrue();
  }

  @Test
  void closingTheClientClosesOpenStreams() {
    server.enqueue(FakeResponse.sse().data(content("first")).build().holdingOpen());
    firstReadOf(kimi.stream(HELLO));
    kimi.close();
    assertThat(server.awaitDisconnect(Duration.ofSeconds(10))).isTrue();
  }

  @Test
  void connectionDroppedMidStreamIsATruncatedStreamWithThePartial() {
    server.enqueue(FakeResponse.sse().data(content("first")).build().holdingOpen());
    Iterator<ChatCompletionChunk> it = firstReadOf(kimi.stream(HELLO));
    server.close();
    Throwable t = catchThrowable(it::hasNext);
    assertThat(t).isInstanceOf(TruncatedStreamException.class);
    assertThat(((StreamException) t).partial().text()).isEqualTo("first");
  }

  @Test
  void closingTheClientCancelsCallsInFlight() {
    server.enqueue(FakeResponse.json("{}").withHeadersDelay(Duration.ofSeconds(2)));
    CompletableFuture<ChatCompletion> f = kimi.chatAsync(HELLO);
    server.takeRequest();
    kimi.close();
    // a KimiException that says why, not a bare CancellationException (issue 31)
    assertThatThrownBy(f::join)
        .cause()
        .isInstanceOfSatisfying(
            CancelledException.class,
            c -> assertThat(c.reason()).isEqualTo(CancelledException.Reason.CLIENT_CLOSED));
    assertThatThrownBy(() -> kimi.chat(HELLO)).isInstanceOf(IllegalStateException.class);
  }

  @Test
  void streamWithTheWrongContentTypeIsADecodingError() {
    server.enqueue(FakeResponse.json("{\"id\":\"x\"}"));
    assertThatThrownBy(() -> kimi.stream(HELLO).toCompletion())
        .isInstanceOf(DecodingException.class)
        .hasMessageContaining("text/event-stream")
        .hasMessageContaining("application/json");
  }

  // ---------------------------------------------------------------- errors on all three paths

  enum Mode {
    SYNC,
    ASYNC,
    STREAM
  }

  static Throwable call(KimiClient kimi, Mode mode) {
    return catchThrowable(
        () -> {
          switch (mode) {
            case SYNC -> kimi.chat(HELLO);
            case ASYNC -> {
              try {
                kimi.chatAsync(HELLO).get(10, TimeUnit.SECONDS);
              } catch (ExecutionException e) {
                throw e.getCause();
              }
            }
            case STREAM -> kimi.stream(HELLO).toCompletion();
          }
        });
  }

  static Stream<Arguments> errorCases() {
    List<Arguments> out = new ArrayList<>();
    Object[][] cases = {
      {
        401,
        err("invalid_authentication_error", "Invalid Authentication"),
        AuthenticationException.class
      },
      {
        403,
        err(
            "access_terminated_error",
            "Kimi For Coding is currently only available for Coding Agents"),
        PermissionDeniedException.class
      },
      {
        404,
        err("resource_not_found_error", "Not found the model nope or Permission denied"),
        NotFoundException.class
      },
      {
        400,
        err("invalid_request_error", "Your request exceeded model token limit: 262144"),
        ContextLengthExceededException.class
      },
      {
        400,
        err("invalid_request_error", "invalid temperature: only 1 is allowed for this model"),
        InvalidRequestException.class
      },
      {
        400,
        err("content_filter", "The request was rejected because it was considered high risk"),
        ContentFilterException.class
      },
      {
        429,
        err(
            "engine_overloaded_error",
            "The engine is currently overloaded, please try again later"),
        EngineOverloadedException.class
      },
      {
        429,
        err(
            "rate_limit_reached_error",
            // a refusal for concurrency is sent again, not thrown (AdaptiveConcurrencyHttpTest)
            "Your account o<a> request reached organization max RPM: 3, please try again after 1"
                + " seconds"),
        RateLimitException.class
      },
      {
        429,
        err(
            "rate_limit_reached_error",
            "Your account o<a> request reached organization TPD rate limit,current:9, limit:9"),
        TokensPerDayLimitException.class
      },
      {
        429,
        err(
            "exceeded_current_quota_error",
            "You exceeded your current token quota: <o> 0, please check your account balance"),
        QuotaExceededException.class
      },
      {500, err("server_error", "internal"), ServerException.class},
    };
    for (Mode m : Mode.values()) {
      for (Object[] c : cases) {
        out.add(Arguments.of(m, c[0], c[1], c[2]));
      }
    }
    return out.stream();
  }

  @ParameterizedTest(name = "{0} HTTP {1} -> {3}")
  @MethodSource("errorCases")
  void errorResponsesBecomeTypedExceptions(
      Mode mode, int status, String body, Class<? extends ApiException> expected) {
    server.enqueue(FakeResponse.error(status, body).withHeader("Msh-Request-Id", "req-" + status));
    Throwable t = call(kimi, mode);
    assertThat(t).isInstanceOf(expected);
    ApiException a = (ApiException) t;
    assertThat(a.status()).isEqualTo(status);
    assertThat(a.requestId()).contains("req-" + status);
    assertThat(a.isInStream()).isFalse();
    assertThat(a.getMessage()).doesNotContain(KEY);
  }

  @ParameterizedTest
  @org.junit.jupiter.params.provider.EnumSource(Mode.class)
  void html504GivesACleanServerError(Mode mode) {
    server.enqueue(
        FakeResponse.body(
            504,
            "text/html",
            "<html><head><title>504 Gateway Time-out</title></head><body>nginx</body></html>"));
    Throwable t = call(kimi, mode);
    assertThat(t).isInstanceOf(ServerException.class);
    assertThat(((ApiException) t).serverMessage()).isEqualTo("504 Gateway Time-out");
  }

  @ParameterizedTest
  @org.junit.jupiter.params.provider.EnumSource(Mode.class)
  void missingKeyOnTheServerIs401AndTheKeyNeverLeaks(Mode mode) {
    server.enqueue(
        FakeResponse.error(401, err("invalid_authentication_error", "Invalid Authentication")));
    Throwable t = call(kimi, mode);
    assertThat(t).isInstanceOf(AuthenticationException.class);
    assertThat(t.toString()).doesNotContain(KEY);
    assertThat(String.valueOf(((KimiException) t).metadata().orElseThrow())).doesNotContain(KEY);
  }

  @ParameterizedTest
  @org.junit.jupiter.params.provider.EnumSource(Mode.class)
  void connectionRefusedIsAConnectionException(Mode mode) {
    int port = server.port();
    server.close();
    try (KimiClient dead =
        KimiClient.builder().apiKey(KEY).baseUrl("http://127.0.0.1:" + port + "/v1").build()) {
      Throwable t = call(dead, mode);
      assertThat(t).isInstanceOf(ConnectionException.class);
      assertThat(t.getMessage()).contains("127.0.0.1").doesNotContain(KEY);
    }
  }

  @ParameterizedTest
  @org.junit.jupiter.params.provider.EnumSource(Mode.class)
  void slowResponseHeadersTimeOut(Mode mode) {
    server.enqueue(FakeResponse.json("{}").withHeadersDelay(Duration.ofSeconds(5)));
    try (KimiClient impatient =
        KimiClient.builder()
            .apiKey(KEY)
            .baseUrl(baseUrl())
            .wireProtocol(protocol())
            .retryPolicy(RetryPolicy.none())
            .timeouts(Timeouts.defaults().withResponseHeaders(Duration.ofMillis(200)))
            .build()) {
      Throwable t = call(impatient, mode);
      assertThat(t).isInstanceOf(KimiTimeoutException.class);
      assertThat(t.getMessage()).contains("200 ms");
    }
  }

  // ---------------------------------------------------------------- bodies and limits

  @ParameterizedTest
  @org.junit.jupiter.params.provider.EnumSource(
      value = Mode.class,
      names = {"SYNC", "ASYNC"})
  void truncatedJsonBodyIsADecodingError(Mode mode) {
    server.enqueue(FakeResponse.json("{\"id\":\"chatcmpl-1\",\"choices\":[{\"index\":0,"));
    Throwable t = call(kimi, mode);
    assertThat(t)
        .isInstanceOf(DecodingException.class)
        .hasMessageContaining("not a chat completion");
    assertThat(((KimiException) t).metadata().orElseThrow().statusCode()).isEqualTo(200);
  }

  @ParameterizedTest
  @org.junit.jupiter.params.provider.EnumSource(
      value = Mode.class,
      names = {"SYNC", "ASYNC"})
  void errorEnvelopeWithStatus200IsStillAnApiError(Mode mode) {
    server.enqueue(FakeResponse.json(err("rate_limit_reached_error", "slow down")));
    Throwable t = call(kimi, mode);
    assertThat(t).isInstanceOf(RateLimitException.class);
    assertThat(((ApiException) t).status()).isEqualTo(200);
  }

  @Test
  void nonJsonSuccessBodyIsADecodingError() {
    server.enqueue(FakeResponse.body(200, "text/plain", "hello"));
    assertThatThrownBy(() -> kimi.chat(HELLO))
        .isInstanceOf(DecodingException.class)
        .hasMessageContaining("text/plain");
  }

  @Test
  void oversizedBodiesAreRefused() {
    try (KimiClient small =
        KimiClient.builder()
            .apiKey(KEY)
            .baseUrl(baseUrl())
            .wireProtocol(protocol())
            .maxResponseBytes(1024)
            .build()) {
      server.enqueue(FakeResponse.json("{\"id\":\"" + "x".repeat(4000) + "\"}"));
      assertThatThrownBy(() -> small.chat(HELLO))
          .isInstanceOf(ResponseTooLargeException.class)
          .hasMessageContaining("1024 bytes");
      server.enqueue(FakeResponse.error(500, "y".repeat(4000)));
      assertThatThrownBy(() -> small.chat(HELLO)).isInstanceOf(ResponseTooLargeException.class);
    }
  }

  @Test
  void oversizedStreamEventsAreRefused() {
    try (KimiClient small =
        KimiClient.builder()
            .apiKey(KEY)
            .baseUrl(baseUrl())
            .wireProtocol(protocol())
            .sseLimits(io.github.kimisdk.sse.SseLimits.defaults().withMaxLineBytes(100))
            .build()) {
      server.enqueue(FakeResponse.stream(List.of(content("z".repeat(500)))));
      assertThatThrownBy(() -> small.stream(HELLO).toCompletion())
          .isInstanceOf(ResponseTooLargeException.class);
    }
  }

  @Test
  void cancellingAnAsyncCallCancelsTheFuture() throws Exception {
    server.enqueue(FakeResponse.json("{}").withHeadersDelay(Duration.ofSeconds(2)));
    CompletableFuture<ChatCompletion> f = kimi.chatAsync(HELLO);
    server.takeRequest();
    assertThat(f.cancel(true)).isTrue();
    assertThat(f.isCancelled()).isTrue();
    assertThat(kimi.chat(HELLO).text()).isEqualTo("You said: Hello there");
  }

  @Test
  void interruptedBlockingCallFailsAndKeepsTheInterruptFlag() throws Exception {
    server.enqueue(FakeResponse.json("{}").withHeadersDelay(Duration.ofSeconds(2)));
    assertThat(interruptedAfter(server::takeRequest, () -> kimi.chat(HELLO)))
        .isInstanceOf(CancelledException.class)
        .hasMessageContaining("interrupted");
  }

  @Test
  void interruptedStreamIterationFailsLikeAnInterruptedCallAndKeepsTheFlag() throws Exception {
    server.enqueue(
        FakeResponse.sse()
            .data(content("late"))
            .done()
            .build()
            .withHeadersDelay(Duration.ofSeconds(2)));
    assertThat(interruptedAfter(server::takeRequest, () -> kimi.stream(HELLO).iterator().hasNext()))
        .isInstanceOf(CancelledException.class)
        .hasMessageContaining("interrupted");
  }

  @Test
  void interruptedToCompletionAfterAChunkKeepsWhatArrivedAndTheFlag() throws Exception {
    server.enqueue(FakeResponse.sse().data(content("first")).build().holdingOpen());
    java.util.concurrent.CountDownLatch first = new java.util.concurrent.CountDownLatch(1);
    Throwable failure =
        interruptedAfter(
            // the consumer waits for the next chunk
            () -> assertThat(first.await(10, TimeUnit.SECONDS)).isTrue(),
            // forEachText is toCompletion with a sink: it says when the chunk arrived
            () -> kimi.stream(HELLO).forEachText(text -> first.countDown()));
    assertThat(failure)
        .isInstanceOf(StreamAbortedException.class)
        .hasMessageContaining("interrupted");
    StreamAbortedException e = (StreamAbortedException) failure;
    assertThat(e.partial().text()).isEqualTo("first");
    assertThat(e.reason()).isInstanceOf(CancelledException.class);
    assertThat(server.awaitDisconnect(Duration.ofSeconds(10))).isTrue();
  }

  /**
   * Runs {@code call} on a thread of its own and interrupts that thread once {@code ready} has
   * returned; asserts that the thread ends and keeps its interrupt flag, and returns what the call
   * threw.
   */
  private static Throwable interruptedAfter(Callable<?> ready, ThrowingCallable call)
      throws Exception {
    AtomicReference<Throwable> failure = new AtomicReference<>();
    AtomicReference<Boolean> flag = new AtomicReference<>();
    Thread t =
        new Thread(
            () -> {
              failure.set(catchThrowable(call));
              flag.set(Thread.currentThread().isInterrupted());
            });
    t.start();
    ready.call();
    t.interrupt();
    assertThat(joined(t)).isTrue();
    assertThat(flag.get()).as("the interrupt flag").isTrue();
    return failure.get();
  }

  private static boolean joined(Thread t) {
    try {
      t.join(10_000);
      return !t.isAlive();
    } catch (InterruptedException e) {
      throw new AssertionError(e);
    }
  }

  /** Records the signals of one subscription. */
  static class Recorder extends LatchedSubscriber<ChatCompletionChunk> {
    final List<ChatCompletionChunk> items = new java.util.concurrent.CopyOnWriteArrayList<>();
    volatile Flow.Subscription subscription;
    private final Long initial;

    /** Asks for nothing until the test does. */
    Recorder() {
      super(new CountDownLatch(1));
      this.initial = null;
    }

    /** Asks for {@code initial} items when subscribed. */
    Recorder(long initial) {
      super(new CountDownLatch(1));
      this.initial = initial;
    }

    @Override
    public void onSubscribe(Flow.Subscription s) {
      subscription = s;
      if (initial != null) {
        s.request(initial);
      }
    }

    @Override
    public void onNext(ChatCompletionChunk item) {
      items.add(item);
    }

    Throwable await() {
      try {
        if (!done.await(10, TimeUnit.SECONDS)) {
          throw new AssertionError("stream did not terminate");
        }
      } catch (InterruptedException e) {
        throw new AssertionError(e);
      }
      return error;
    }
  }
}
