package io.github.kimisdk.internal.http;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.kimisdk.CapturingLogger;
import io.github.kimisdk.Endpoint;
import io.github.kimisdk.Timeouts;
import io.github.kimisdk.chat.ChatCompletion;
import io.github.kimisdk.chat.ChatCompletionChunk;
import io.github.kimisdk.chat.ChatRequest;
import io.github.kimisdk.errors.DecodingException;
import io.github.kimisdk.errors.KimiException;
import io.github.kimisdk.errors.PreflightException;
import io.github.kimisdk.errors.RateLimitException;
import io.github.kimisdk.errors.TestErrors;
import io.github.kimisdk.internal.client.ManualScheduler;
import io.github.kimisdk.internal.client.TestConfig;
import io.github.kimisdk.internal.config.ClientConfig;
import io.github.kimisdk.sse.ServerSentEvent;
import io.github.kimisdk.testing.FakeKimiExtension;
import io.github.kimisdk.testing.FakeKimiServer;
import io.github.kimisdk.testing.FakeResponse;
import io.github.kimisdk.testing.RecordedRequest;
import java.lang.reflect.Modifier;
import java.net.http.HttpClient;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * {@link HttpTransport} on its own, over loopback: one exchange per attempt, headers in order, the
 * body chosen by the answer, failures mapped, every attempt logged once through {@link AttemptLog},
 * and no idle watch left queued once a body ended (its delayer is a {@link ManualScheduler}).
 */
@ExtendWith(FakeKimiExtension.class)
class HttpTransportHttpTest {

  private final ManualScheduler bodyWatch = new ManualScheduler();
  private final CapturingLogger logged = new CapturingLogger(System.Logger.Level.ALL);
  private HttpClient http;
  private FakeKimiServer server;
  private HttpTransport transport;

  @BeforeEach
  void start(FakeKimiServer server) {
    this.server = server;
    http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    transport = transport().build();
  }

  /** The settings of the transport under test, by name, before they are frozen. */
  private ClientConfig.Builder settings() {
    return TestConfig.builder(Endpoint.of(server.baseUrl()), "sk-test")
        .headers(Map.of("X-Client", "c", "User-Agent", "ignored"))
        .timeouts(
            Timeouts.defaults()
                .withResponseHeaders(Duration.ofSeconds(10))
                .withStreamIdle(Duration.ofSeconds(30)))
        .maxResponseBytes(1 << 20)
        .maxJsonDepth(512);
  }

  /** The transport under test on {@code settings}, by name, before it is built. */
  private HttpTransport.Builder transport(ClientConfig.Builder settings) {
    return HttpTransport.builder(
            settings.build(), CompletableFuture.completedFuture(http), TestErrors.factory())
        .logger(logged)
        .bodyWatch(bodyWatch)
        .lingerTimer((task, delay) -> {});
  }

  private HttpTransport.Builder transport() {
    return transport(settings());
  }

  @AfterEach
  void stop() {
    transport.release();
  }

  private static <T> T done(CompletableFuture<T> f) {
    return f.orTimeout(20, TimeUnit.SECONDS).join();
  }

  private static Throwable failure(CompletableFuture<?> f) {
    Throwable e = f.orTimeout(20, TimeUnit.SECONDS).handle((r, x) -> x).join();
    return e instanceof java.util.concurrent.CompletionException ? e.getCause() : e;
  }

  @Test
  void aChatSendsTheEncodedBodyWithTheClientsAndTheCallsHeaders() {
    byte[] body = transport.encode(ChatRequest.of("kimi-k2.6", "Hi"));
    Overrides call = Overrides.of(Map.of("X-Call", "1", "X-Client", "call wins"), Map.of("q", "v"));

    ChatCompletion c = done(transport.chat(body, 1, call, false));

    assertThat(c.text()).isEqualTo("You said: Hi");
    assertThat(c.metadata().requestId())
        .hasValueSatisfying(id -> assertThat(id).startsWith("fake-"));
    RecordedRequest r = server.takeRequest();
    assertThat(r.body()).isEqualTo(body);
    assertThat(r.path()).endsWith("/chat/completions?q=v");
    assertThat(r.header("Authorization")).contains("Bearer sk-test");
    assertThat(r.header("X-Client")).contains("call wins");
    assertThat(r.header("X-Call")).contains("1");
    assertThat(r.header("User-Agent")).contains("kimi-sdk-java/test");
    assertThat(r.header("Accept")).contains("application/json");
    assertThat(bodyWatch.pending()).as("the body's idle watch is withdrawn").isZero();
    assertThat(logged.lines)
        .singleElement()
        .asString()
        .contains("attempt 1 -> HTTP 200 request-id=");
  }

  @Test
  void anErrorAnswerIsTheExceptionItDescribesAndIsLoggedOnce() {
    server.enqueue(
        FakeResponse.error(
            429, "{\"error\":{\"type\":\"rate_limit_reached_error\",\"message\":\"x\"}}"));
    Throwable t =
        failure(
            transport.chat(
                transport.encode(ChatRequest.of("kimi-k2.6", "Hi")), 2, Overrides.NONE, false));
    assertThat(t).isInstanceOf(RateLimitException.class);
    assertThat(logged.lines)
        .singleElement()
        .asString()
        .contains("attempt 2 -> HTTP 429")
        .contains("failed: RateLimitException");
  }

  @Test
  void aTransportIsFixedAtConstructionButForReleasingItsClient() {
    List<String> changing =
        Arrays.stream(HttpTransport.class.getDeclaredFields())
            .filter(f -> !Modifier.isStatic(f.getModifiers()))
            .filter(f -> !Modifier.isFinal(f.getModifiers()))
            .map(f -> f.getName() + (Modifier.isVolatile(f.getModifiers()) ? " (volatile)" : ""))
            .toList();
    assertThat(changing)
        .as("the HTTP client, forgotten at release(), and the cache of the last path's URI")
        .containsExactlyInAnyOrder("client (volatile)", "lastUri (volatile)");
    assertThat(HttpTransport.class.getConstructors()).as("built by name, by its builder").isEmpty();
  }

  @Test
  void aBodyOverTheSizeLimitIsRefusedBeforeSending() {
    transport.release();
    transport = transport(settings().maxRequestBytes(10)).build();
    Throwable e =
        org.assertj.core.api.Assertions.catchThrowable(
            () -> transport.encode(ChatRequest.of("kimi-k2.6", "a request longer than ten bytes")));
    assertThat(e).isInstanceOf(PreflightException.class);
    assertThat(e).hasMessageContaining("over the client's request size limit of 10 bytes");
    assertThat(server.requestCount()).isZero();
  }

  @Test
  void aDecodersMalformedBodyIsADecodingErrorWithTheRequestId() {
    server.enqueue(FakeResponse.json("{\"data\":[]}").withHeader("Msh-Request-Id", "req-9"));
    Throwable t =
        failure(
            transport.exchange(
                "GET",
                "files",
                null,
                null,
                true,
                (md, b) -> {
                  throw new MalformedBodyException("A file list has no files", null);
                },
                Overrides.NONE,
                1));
    assertThat(t)
        .isInstanceOf(DecodingException.class)
        .hasMessageContaining("A file list has no files")
        .hasMessageContaining("req-9");
  }

  @Test
  void aStreamingAttemptStartsItsEventsOnlyForAnEventStream() {
    server.enqueue(FakeResponse.rawSse("event: e\ndata: one\n\ndata: [DONE]\n\n"));
    HttpStreamAttempt<ServerSentEvent> events =
        transport.events("GET", "events", null, Overrides.NONE, 1);
    CollectingSubscriber<ServerSentEvent> got = new CollectingSubscriber<>();
    events.start(got, got::failBefore);
    assertThat(done(got.end)).extracting(ServerSentEvent::data).containsExactly("one", "[DONE]");
    assertThat(events.metadata().statusCode()).isEqualTo(200);

    server.enqueue(FakeResponse.json("{\"not\":\"a stream\"}"));
    HttpStreamAttempt<ChatCompletionChunk> chat =
        transport.stream(
            ChatRequest.of("kimi-k2.6", "Hi"),
            transport.encode(ChatRequest.builder("kimi-k2.6").addUser("Hi").stream(true).build()),
            1,
            Overrides.NONE);
    CollectingSubscriber<ChatCompletionChunk> none = new CollectingSubscriber<>();
    chat.start(none, none::failBefore);
    assertThat(failure(none.end))
        .isInstanceOf(DecodingException.class)
        .hasMessageContaining("Expected an event stream");
    assertThat(none.subscribed).as("the subscriber saw nothing of the failed attempt").isFalse();
  }

  @Test
  void aReleasedTransportSendsNothing() {
    transport.release();
    Throwable t = failure(transport.json("GET", "models", null, Overrides.NONE, 1, false));
    assertThat(t).isInstanceOf(KimiException.class);
    assertThat(server.requestCount()).isZero();
  }
}
