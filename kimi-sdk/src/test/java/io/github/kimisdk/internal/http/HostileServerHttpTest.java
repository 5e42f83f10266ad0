package io.github.kimisdk.internal.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;

import io.github.kimisdk.KimiClient;
import io.github.kimisdk.RateLimit;
import io.github.kimisdk.RetryPolicy;
import io.github.kimisdk.Timeouts;
import io.github.kimisdk.chat.ChatCompletion;
import io.github.kimisdk.chat.ChatRequest;
import io.github.kimisdk.chat.FinishReason;
import io.github.kimisdk.errors.ApiException;
import io.github.kimisdk.errors.AuthenticationException;
import io.github.kimisdk.errors.ConfigurationException;
import io.github.kimisdk.errors.ConnectionException;
import io.github.kimisdk.errors.DecodingException;
import io.github.kimisdk.errors.InvalidRequestException;
import io.github.kimisdk.errors.KimiException;
import io.github.kimisdk.errors.KimiTimeoutException;
import io.github.kimisdk.errors.QuotaExceededException;
import io.github.kimisdk.errors.RateLimitException;
import io.github.kimisdk.errors.ResponseTooLargeException;
import io.github.kimisdk.errors.ServerException;
import io.github.kimisdk.errors.TruncatedStreamException;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.http.HttpClient;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.function.UnaryOperator;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * The SDK against a server nobody here wrote: oversized and lying bodies, echoed keys, redirects,
 * OpenAI's and FastAPI's error shapes, gateways that end streams their own way, compression that
 * was never asked for. Each test reproduces one report of issue 21 over loopback.
 */
class HostileServerHttpTest {

  static final String KEY = "sk-hostile-0123456789abcdefghijklmnopqrstuv";
  static final ChatRequest HELLO = ChatRequest.of("kimi-k3", "Hello there");

  HostileServer server;

  @BeforeEach
  void start() throws IOException {
    server = new HostileServer();
  }

  // Released when a test ends: a reply that holds its connection waits for it, not for a time.
  final java.util.concurrent.CountDownLatch testOver = new java.util.concurrent.CountDownLatch(1);

  @AfterEach
  void stop() throws IOException {
    testOver.countDown();
    server.close();
  }

  /** An event stream's headers, then nothing until the test ends. */
  HostileServer.Reply headersThenSilence() {
    return out -> {
      out.write(
          "HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\n\r\n"
              .getBytes(StandardCharsets.US_ASCII));
      out.flush();
      testOver.await();
    };
  }

  @Test
  void stallStallReplyEachStalledAttemptEndsByItsOwnIdleTimeout() {
    server
        .enqueue(headersThenSilence())
        .enqueue(headersThenSilence())
        .enqueue(
            HostileServer.sse(
                "data: "
                    + chunk(0, "Hel", null)
                    + "\n\ndata: "
                    + chunk(0, "lo", "stop")
                    + "\n\n"
                    + "data: [DONE]\n\n"));
    assertThat(afterTwoStalls(b -> b).text()).isEqualTo("Hello");
    assertThat(server.requests()).hasSize(3);
  }

  /** The same over the Responses wire, its events written here, not by the fake. */
  @Test
  void overResponsesStallStallReplyEachStalledAttemptEndsByItsOwnIdleTimeout() {
    server
        .enqueue(headersThenSilence())
        .enqueue(headersThenSilence())
        .enqueue(
            HostileServer.sse(
                "event: response.created\ndata: {\"type\":\"response.created\",\"response\":"
                    + "{\"id\":\"resp_1\",\"model\":\"kimi-k3\",\"status\":\"in_progress\"}}\n\n"
                    + "event: response.output_text.delta\ndata: {\"type\":"
                    + "\"response.output_text.delta\",\"item_id\":\"msg_1\",\"delta\":\"Hel\"}\n\n"
                    + "event: response.output_text.delta\ndata: {\"type\":"
                    + "\"response.output_text.delta\",\"item_id\":\"msg_1\",\"delta\":\"lo\"}\n\n"
                    + "event: response.completed\ndata: {\"type\":\"response.completed\",\"response\":"
                    + "{\"id\":\"resp_1\",\"status\":\"completed\",\"output\":[{\"type\":\"message\","
                    + "\"id\":\"msg_1\",\"content\":[{\"type\":\"output_text\",\"text\":\"Hello\"}]}],"
                    + "\"usage\":{\"input_tokens\":3,\"output_tokens\":2}}}\n\n"));
    ChatCompletion c =
        afterTwoStalls(b -> b.wireProtocol(io.github.kimisdk.WireProtocol.RESPONSES));
    assertThat(c.text()).isEqualTo("Hello");
    assertThat(c.usage().totalTokens()).isEqualTo(5);
    assertThat(server.requests()).hasSize(3);
    assertThat(server.requests()).allSatisfy(r -> assertThat(r).startsWith("POST /v1/responses "));
  }

  /** A Responses reply of status failed is the error it carries, not an empty answer. */
  @Test
  void aFailedResponsesReplyIsAnApiError() {
    server.enqueue(
        HostileServer.json(
            200,
            "{\"id\":\"resp_1\",\"object\":\"response\",\"status\":\"failed\",\"output\":[],"
                + "\"error\":{\"code\":\"server_error\",\"message\":\"the engine failed\"}}"));
    try (KimiClient kimi =
        client()
            .wireProtocol(io.github.kimisdk.WireProtocol.RESPONSES)
            .retryPolicy(RetryPolicy.none())
            .build()) {
      assertThatThrownBy(() -> kimi.chat(HELLO))
          .isInstanceOf(ApiException.class)
          .hasMessageContaining("the engine failed");
    }
  }

  /**
   * Streams {@link #HELLO} with a client of {@code settings} that retries twice within idle and
   * first-event bounds of 300 ms, for a server that stalls twice and then replies; fails if that
   * takes 20 s (without its own idle timeout the second attempt would wait for the test's end).
   */
  ChatCompletion afterTwoStalls(UnaryOperator<KimiClient.Builder> settings) {
    try (KimiClient kimi =
        settings
            .apply(
                client()
                    .retryPolicy(
                        RetryPolicy.defaults()
                            .withMaxRetries(2)
                            .withBackoff(Duration.ofMillis(1), Duration.ofMillis(5)))
                    .timeouts(
                        Timeouts.defaults()
                            .withStreamIdle(Duration.ofMillis(300))
                            .withFirstEvent(Duration.ofMillis(300))))
            .build()) {
      return org.junit.jupiter.api.Assertions.assertTimeoutPreemptively(
          Duration.ofSeconds(20), () -> kimi.stream(HELLO).toCompletion());
    }
  }

  KimiClient.Builder client() {
    return KimiClient.builder()
        .apiKey(KEY)
        .baseUrl(server.baseUrl())
        .retryPolicy(
            RetryPolicy.defaults().withBackoff(Duration.ofMillis(1), Duration.ofMillis(5)));
  }

  static String completion(String text) {
    return "{\"id\":\"x\",\"object\":\"chat.completion\",\"created\":1,\"model\":\"kimi-k3\","
        + "\"choices\":[{\"index\":0,\"message\":{\"role\":\"assistant\",\"content\":\""
        + text
        + "\"},\"finish_reason\":\"stop\"}]}";
  }

  static String chunk(int index, String text, String finish) {
    return "{\"id\":\"c\",\"object\":\"chat.completion.chunk\",\"created\":1,\"model\":\"kimi-k3\","
        + "\"choices\":[{\"index\":"
        + index
        + ",\"delta\":{\"content\":\""
        + text
        + "\"},\"finish_reason\":"
        + (finish == null ? "null" : "\"" + finish + "\"")
        + "}]}";
  }

  static byte[] gzip(String s) throws IOException {
    ByteArrayOutputStream b = new ByteArrayOutputStream();
    try (GZIPOutputStream z = new GZIPOutputStream(b)) {
      z.write(s.getBytes(StandardCharsets.UTF_8));
    }
    return b.toByteArray();
  }

  static long usedHeap() throws InterruptedException {
    Runtime rt = Runtime.getRuntime();
    for (int i = 0; i < 3; i++) {
      System.gc();
      Thread.sleep(50);
    }
    return rt.totalMemory() - rt.freeMemory();
  }

  // ------------------------------------------------------------------ 1. memory after failures

  @Test
  void oversizedBodiesAreReleasedWhenTheCallFailsNotAtTheWatchdogsNextTick() throws Exception {
    int limit = 16 << 20;
    byte[] body = new byte[limit + (1 << 20)];
    java.util.Arrays.fill(body, (byte) ' ');
    // no Content-Length: the limit is hit while reading, after the buffer grew to the limit
    server.always(
        out -> {
          out.write(
              "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nConnection: close\r\n\r\n"
                  .getBytes(StandardCharsets.US_ASCII));
          out.write(body);
          out.flush();
        });
    try (KimiClient kimi =
        client()
            .retryPolicy(RetryPolicy.none())
            .maxResponseBytes(limit)
            .timeouts(Timeouts.defaults().withStreamIdle(Duration.ofMinutes(10)))
            .build()) {
      catchThrowable(() -> kimi.chat(HELLO)); // warm up the client before measuring
      long before = usedHeap();
      for (int i = 0; i < 8; i++) {
        assertThatThrownBy(() -> kimi.chat(HELLO)).isInstanceOf(ResponseTooLargeException.class);
      }
      long grown = usedHeap() - before;
      // eight failed 16 MiB buffers, if kept until the watchdog's tick (2.5 min here), are 128 MiB
      assertThat(grown).isLessThan(40L << 20);
    }
  }

  // ------------------------------------------------------------------ 2. errors propagate

  @Test
  void anErrorIsThrownAsItIsAndNeverRetried() {
    List<HttpRequestCount> sends = new ArrayList<>();
    HttpClient failing = new ThrowingHttpClient(new OutOfMemoryError("test: out of memory"), sends);
    try (KimiClient kimi = KimiClient.builder().apiKey(KEY).httpClient(failing).build()) {
      assertThatThrownBy(() -> kimi.chat(HELLO))
          .isInstanceOf(OutOfMemoryError.class)
          .hasMessage("test: out of memory");
      assertThat(sends).hasSize(1);
      Throwable async = catchThrowable(() -> kimi.chatAsync(HELLO).join());
      assertThat(async).hasRootCauseInstanceOf(OutOfMemoryError.class);
      assertThat(async.getCause()).isInstanceOf(OutOfMemoryError.class);
      assertThat(sends).hasSize(2);
      assertThatThrownBy(() -> kimi.stream(HELLO).toCompletion())
          .isInstanceOf(OutOfMemoryError.class);
      assertThat(sends).hasSize(3);
    }
  }

  // ------------------------------------------------------------------ 3. bounded messages

  @Test
  void aHugeServerMessageIsCutInTheExceptionWithItsLengthSaid() {
    String huge = "x".repeat(8 << 20);
    server.always(
        HostileServer.json(
            500, "{\"error\":{\"type\":\"server_error\",\"message\":\"" + huge + "\"}}"));
    ServerException e;
    try (KimiClient kimi = client().build()) {
      e = (ServerException) catchThrowable(() -> kimi.chat(HELLO));
    }
    assertThat(e.attempts()).isEqualTo(3);
    assertThat(e.getMessage().length()).isLessThan(6000);
    assertThat(e.serverMessage()).endsWith("... [cut: " + huge.length() + " characters in all]");
    for (Throwable s : e.getSuppressed()) {
      assertThat(s.getMessage().length()).isLessThan(6000);
    }
  }

  @Test
  void aHugePlainTextBodyIsCutToAnExcerpt() {
    server.always(HostileServer.http(502, "Content-Type: text/plain", "y ".repeat(4 << 20)));
    try (KimiClient kimi = client().retryPolicy(RetryPolicy.none()).build()) {
      ServerException e = (ServerException) catchThrowable(() -> kimi.chat(HELLO));
      assertThat(e.getMessage().length()).isLessThan(2000);
      assertThat(e.serverMessage()).startsWith("y y y").endsWith("...");
    }
  }

  @Test
  void aContentLengthAboveTheLimitFailsAtTheHeadersBeforeTheBody() {
    // the server announces 10 GiB and sends nothing: only the headers can fail the call
    server.always(
        out -> {
          out.write(
              ("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n"
                      + "Content-Length: 10737418240\r\n\r\n{")
                  .getBytes(StandardCharsets.US_ASCII));
          out.flush();
          Thread.sleep(30_000);
        });
    try (KimiClient kimi =
        client()
            .retryPolicy(RetryPolicy.none())
            .timeouts(Timeouts.defaults().withStreamIdle(Duration.ofMinutes(10)))
            .build()) {
      long t0 = System.nanoTime();
      Throwable e = catchThrowable(() -> kimi.chat(HELLO));
      assertThat(e)
          .isInstanceOf(ResponseTooLargeException.class)
          .hasMessageContaining("announced 10737418240 bytes (Content-Length)");
      assertThat(Duration.ofNanos(System.nanoTime() - t0)).isLessThan(Duration.ofSeconds(20));
    }
  }

  // ------------------------------------------------------------------ 5. the key is never echoed

  @Test
  void aKeyTheServerEchoesIsRedactedFromEveryText() {
    HostileServer.Reply inStream =
        HostileServer.sse(
            "data: {\"error\":{\"type\":\"server_error\",\"message\":\"bad x-api-key: "
                + KEY
                + "\"}}\n\n");
    server
        .enqueue(
            HostileServer.json(
                401,
                "{\"error\":{\"type\":\"invalid_authentication_error\",\"message\":"
                    + "\"Incorrect API key provided: Bearer "
                    + KEY
                    + "\",\"code\":\""
                    + KEY
                    + "\"}}"))
        .enqueue(
            HostileServer.http(
                502,
                "Content-Type: text/html",
                "<html><head><title>Bad gateway for " + KEY + "</title></head></html>"))
        .enqueue(
            HostileServer.http(
                502,
                "Content-Type: text/html",
                "<html><head><title>Bad gateway for " + KEY + "</title></head></html>"))
        .enqueue(inStream)
        .enqueue(inStream); // a server error before the first chunk is retried once
    List<String> logged = new java.util.concurrent.CopyOnWriteArrayList<>();
    try (KimiClient kimi =
        client()
            .retryPolicy(
                RetryPolicy.defaults()
                    .withMaxRetries(1)
                    .withBackoff(Duration.ofMillis(1), Duration.ofMillis(1)))
            .logger(new ListLogger(logged))
            .logMessageContents(true)
            .build()) {
      List<Throwable> failures = new ArrayList<>();
      failures.add(catchThrowable(() -> kimi.chat(HELLO)));
      failures.add(catchThrowable(() -> kimi.chat(HELLO)));
      assertThat(server.requests()).hasSize(3);
      failures.add(catchThrowable(() -> kimi.stream(HELLO).toCompletion()));
      assertThat(failures.get(0)).isInstanceOf(AuthenticationException.class);
      assertThat(failures.get(1)).isInstanceOf(ServerException.class);
      assertThat(failures.get(1).getSuppressed()).hasSize(1);
      assertThat(failures.get(2).getSuppressed()).hasSize(1);
      for (Throwable f : failures) {
        assertThat(f).isInstanceOf(ApiException.class);
        ApiException a = (ApiException) f;
        List<String> texts =
            new ArrayList<>(List.of(a.getMessage(), a.toString(), a.serverMessage()));
        a.code().ifPresent(texts::add);
        a.hint().ifPresent(texts::add);
        for (Throwable s : a.getSuppressed()) {
          texts.add(s.getMessage());
        }
        assertThat(String.join("\n", texts)).doesNotContain(KEY).contains("[API key redacted]");
      }
      assertThat(String.join("\n", logged)).doesNotContain(KEY);
    }
  }

  // ------------------------------------------------------------------ 6. redirects

  @Test
  void aUserClientThatFollowsRedirectsIsRefusedAtBuild() {
    for (HttpClient.Redirect r : List.of(HttpClient.Redirect.NORMAL, HttpClient.Redirect.ALWAYS)) {
      HttpClient follows = HttpClient.newBuilder().followRedirects(r).build();
      assertThatThrownBy(() -> KimiClient.builder().apiKey(KEY).httpClient(follows).build())
          .isInstanceOf(ConfigurationException.class)
          .hasMessageContaining("follows redirects (" + r + ")")
          .hasMessageContaining("followRedirects(HttpClient.Redirect.NEVER)");
    }
    HttpClient never = HttpClient.newBuilder().build();
    KimiClient.builder().apiKey(KEY).httpClient(never).build().close();
  }

  @Test
  void aRedirectIsNotFollowedAndTheExceptionSaysWhereItPointed() {
    server.always(
        HostileServer.http(307, "Location: https://elsewhere.example/v1/chat/completions", ""));
    try (KimiClient kimi = client().build()) {
      ApiException e = (ApiException) catchThrowable(() -> kimi.chat(HELLO));
      assertThat(e.status()).isEqualTo(307);
      assertThat(e.isRetryable()).isFalse();
      assertThat(e.attempts()).isEqualTo(1);
      assertThat(e.getMessage())
          .contains("does not follow")
          .contains("https://elsewhere.example/v1/chat/completions");
    }
    assertThat(server.requests()).hasSize(1);
  }

  // ------------------------------------------------------------------ 9. foreign 429s

  @Test
  void openAisRateLimitShapeIsARetriedRateLimitHonouringRetryAfter() {
    String body =
        "{\"error\":{\"message\":\"Rate limit reached for requests\",\"type\":\"requests\","
            + "\"param\":null,\"code\":\"rate_limit_exceeded\"}}";
    server
        .enqueue(HostileServer.http(429, "Content-Type: application/json\nRetry-After: 1", body))
        .enqueue(HostileServer.json(200, completion("after the wait")));
    try (KimiClient kimi = client().build()) {
      long t0 = System.nanoTime();
      assertThat(kimi.chat(HELLO).text()).isEqualTo("after the wait");
      assertThat(Duration.ofNanos(System.nanoTime() - t0))
          .isGreaterThanOrEqualTo(Duration.ofMillis(900));
    }
    server.always(HostileServer.http(429, "Content-Type: application/json\nRetry-After: 1", body));
    try (KimiClient kimi = client().retryPolicy(RetryPolicy.none()).build()) {
      RateLimitException e = (RateLimitException) catchThrowable(() -> kimi.chat(HELLO));
      assertThat(e.isRetryable()).isTrue();
      assertThat(e.retryAfter()).contains(Duration.ofSeconds(1));
      assertThat(e.serverMessage()).isEqualTo("Rate limit reached for requests");
    }
  }

  @Test
  void openAisInsufficientQuotaIsAQuotaErrorNotRetried() {
    server.always(
        HostileServer.json(
            429,
            "{\"error\":{\"message\":\"You exceeded your current quota\",\"type\":"
                + "\"insufficient_quota\",\"code\":\"insufficient_quota\"}}"));
    try (KimiClient kimi = client().build()) {
      Throwable e = catchThrowable(() -> kimi.chat(HELLO));
      assertThat(e).isInstanceOf(QuotaExceededException.class);
      assertThat(((KimiException) e).attempts()).isEqualTo(1);
    }
  }

  // ------------------------------------------------------------------ 10. FastAPI

  @Test
  void fastApisDetailIsTheServerMessage() {
    server
        .enqueue(HostileServer.json(429, "{\"detail\":\"Rate limit exceeded\"}"))
        .enqueue(
            HostileServer.json(
                422,
                "{\"detail\":[{\"type\":\"less_than_equal\",\"loc\":[\"body\",\"temperature\"],"
                    + "\"msg\":\"Input should be less than or equal to 100\",\"input\":101},"
                    + "{\"type\":\"missing\",\"loc\":[\"body\",\"model\"],"
                    + "\"msg\":\"Field required\"}]}"));
    try (KimiClient kimi = client().retryPolicy(RetryPolicy.none()).build()) {
      ApiException limited = (ApiException) catchThrowable(() -> kimi.chat(HELLO));
      assertThat(limited).isInstanceOf(RateLimitException.class);
      assertThat(limited.serverMessage()).isEqualTo("Rate limit exceeded");
      ApiException invalid = (ApiException) catchThrowable(() -> kimi.chat(HELLO));
      assertThat(invalid.serverMessage())
          .isEqualTo(
              "body.temperature: Input should be less than or equal to 100;"
                  + " body.model: Field required");
    }
  }

  // ------------------------------------------------------------------ 11. streams without [DONE]

  @Test
  void aStreamThatEndsAfterEveryFinishReasonWithoutDoneIsComplete() {
    String sse =
        "data: " + chunk(0, "Hel", null) + "\n\n" + "data: " + chunk(0, "lo", "stop") + "\n\n";
    server.enqueue(HostileServer.sse(sse));
    try (KimiClient kimi = client().build()) {
      ChatCompletion c = kimi.stream(HELLO).toCompletion();
      assertThat(c.text()).isEqualTo("Hello");
      assertThat(c.choices().get(0).finishReason()).isEqualTo(FinishReason.STOP);
    }
    assertThat(server.requests()).hasSize(1);
  }

  @Test
  void anSseStarletteStreamWithCrlfPingsAndNoDoneIsComplete() {
    // sse-starlette's shape: CRLF line ends, ": ping - <time>" comments, and an app that yields
    // its chunks and returns without [DONE]
    String sse =
        ": ping - 2026-11-23 10:00:00.000000+00:00\r\n\r\n"
            + "data: "
            + chunk(0, "Hel", null)
            + "\r\n\r\n"
            + ": ping - 2026-11-23 10:00:15.000000+00:00\r\n\r\n"
            + "event: message\r\ndata: "
            + chunk(0, "lo", "stop")
            + "\r\n\r\n";
    server.enqueue(HostileServer.sse(sse));
    try (KimiClient kimi = client().build()) {
      assertThat(kimi.stream(HELLO).toCompletion().text()).isEqualTo("Hello");
    }
  }

  @Test
  void eventsSentAsTextPlainAreReadButATextPlainBodyWithoutEventsIsADecodingError() {
    String sse = "data: " + chunk(0, "Hi", "stop") + "\n\ndata: [DONE]\n\n";
    server
        .enqueue(HostileServer.http(200, "Content-Type: text/plain; charset=utf-8", sse))
        .enqueue(HostileServer.http(200, "Content-Type: text/plain", "hello there"));
    try (KimiClient kimi = client().build()) {
      assertThat(kimi.stream(HELLO).toCompletion().text()).isEqualTo("Hi");
      Throwable e = catchThrowable(() -> kimi.stream(HELLO).toCompletion());
      assertThat(e).isInstanceOf(DecodingException.class).hasMessageContaining("no event");
      assertThat(((KimiException) e).attempts()).isEqualTo(1);
    }
  }

  @Test
  void aStreamCutBeforeAFinishReasonIsStillTruncated() {
    server.always(HostileServer.sse("data: " + chunk(0, "Hel", null) + "\n\n"));
    try (KimiClient kimi = client().build()) {
      assertThatThrownBy(() -> kimi.stream(HELLO).toCompletion())
          .isInstanceOf(TruncatedStreamException.class);
    }
  }

  @Test
  void aStreamOfSeveralChoicesIsCompleteOnlyWhenEachHasFinished() {
    ChatRequest two = HELLO.toBuilder().n(2).build();
    String oneFinished =
        "data: " + chunk(0, "a", "stop") + "\n\n" + "data: " + chunk(1, "b", null) + "\n\n";
    server.always(HostileServer.sse(oneFinished));
    // kimi-k3 fixes n at 1: the client's model check is off so the stream is what is tested
    try (KimiClient kimi = client().modelChecks(false).retryPolicy(RetryPolicy.none()).build()) {
      assertThatThrownBy(() -> kimi.stream(two).toCompletion())
          .isInstanceOf(TruncatedStreamException.class);
    }
  }

  @Test
  void aStreamThatAskedForUsageIsCompleteOnlyWithIt() {
    ChatRequest usage = HELLO.toBuilder().includeUsage(true).build();
    String noUsage = "data: " + chunk(0, "a", "stop") + "\n\n";
    String withUsage =
        noUsage
            + "data: {\"id\":\"c\",\"object\":\"chat.completion.chunk\",\"created\":1,"
            + "\"model\":\"kimi-k3\",\"choices\":[],\"usage\":{\"prompt_tokens\":3,"
            + "\"completion_tokens\":1,\"total_tokens\":4}}\n\n";
    server.enqueue(HostileServer.sse(noUsage)).enqueue(HostileServer.sse(withUsage));
    try (KimiClient kimi = client().retryPolicy(RetryPolicy.none()).build()) {
      assertThatThrownBy(() -> kimi.stream(usage).toCompletion())
          .isInstanceOf(TruncatedStreamException.class);
      assertThat(kimi.stream(usage).toCompletion().usage().totalTokens()).isEqualTo(4);
    }
  }

  // ------------------------------------------------------------------ 12. deterministic failures

  @Test
  void aGzipEventStreamFailsOnceSayingCompressionIsNotSupported() throws IOException {
    byte[] body = gzip("data: " + chunk(0, "hi", "stop") + "\n\ndata: [DONE]\n\n");
    server.always(
        HostileServer.http(200, "Content-Type: text/event-stream\nContent-Encoding: gzip", body));
    try (KimiClient kimi = client().build()) {
      Throwable e = catchThrowable(() -> kimi.stream(HELLO).toCompletion());
      assertThat(e)
          .isInstanceOf(DecodingException.class)
          .hasMessageContaining("Content-Encoding: gzip")
          .hasMessageContaining("sends no Accept-Encoding");
      assertThat(((KimiException) e).attempts()).isEqualTo(1);
    }
    assertThat(server.requests()).hasSize(1);
    assertThat(String.join("", server.requests()).toLowerCase()).doesNotContain("accept-encoding");
  }

  @Test
  void aGzipJsonBodyFailsOnceSayingCompressionIsNotSupported() throws IOException {
    byte[] body = gzip(completion("hi"));
    server.always(
        HostileServer.http(200, "Content-Type: application/json\nContent-Encoding: gzip", body));
    try (KimiClient kimi = client().build()) {
      Throwable e = catchThrowable(() -> kimi.chat(HELLO));
      assertThat(e)
          .isInstanceOf(DecodingException.class)
          .hasMessageContaining("Content-Encoding: gzip")
          .hasMessageNotContaining("0x1F");
    }
    assertThat(server.requests()).hasSize(1);
  }

  @Test
  void aGzipErrorBodyIsClassifiedByStatusAndSaysWhyItHasNoText() throws IOException {
    byte[] body = gzip("{\"error\":{\"type\":\"invalid_request_error\",\"message\":\"no\"}}");
    server.always(
        HostileServer.http(400, "Content-Type: application/json\nContent-Encoding: gzip", body));
    try (KimiClient kimi = client().build()) {
      Throwable e = catchThrowable(() -> kimi.chat(HELLO));
      assertThat(e).isInstanceOf(InvalidRequestException.class).hasMessageContaining("gzip");
    }
  }

  @Test
  void aServerMessageEndingInAFullStopIsNotFollowedByAnother() {
    server.always(
        HostileServer.json(
            401,
            "{\"error\":{\"type\":\"invalid_authentication_error\",\"message\":"
                + "\"Incorrect API key provided.\"}}"));
    try (KimiClient kimi = client().build()) {
      Throwable e = catchThrowable(() -> kimi.chat(HELLO));
      assertThat(e.getMessage()).contains("Incorrect API key provided. ").doesNotContain("..");
    }
  }

  @Test
  @Tag("multiprocess") // runs keytool: mvn -B -P slow verify
  void anUntrustedCertificateIsNotRetried(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir)
      throws Exception {
    java.nio.file.Path store = dir.resolve("self-signed.p12");
    java.nio.file.Path keytool =
        java.nio.file.Path.of(System.getProperty("java.home"), "bin", "keytool");
    Process p =
        new ProcessBuilder(
                keytool.toString(),
                "-genkeypair",
                "-alias",
                "s",
                "-keyalg",
                "RSA",
                "-keysize",
                "2048",
                "-dname",
                "CN=127.0.0.1",
                "-validity",
                "2",
                "-storetype",
                "PKCS12",
                "-keystore",
                store.toString(),
                "-storepass",
                "changeit",
                "-keypass",
                "changeit")
            .redirectErrorStream(true)
            .start();
    p.getInputStream().readAllBytes();
    org.junit.jupiter.api.Assumptions.assumeTrue(p.waitFor() == 0, "keytool could not make a key");
    java.security.KeyStore ks = java.security.KeyStore.getInstance("PKCS12");
    try (var in = java.nio.file.Files.newInputStream(store)) {
      ks.load(in, "changeit".toCharArray());
    }
    javax.net.ssl.KeyManagerFactory kmf =
        javax.net.ssl.KeyManagerFactory.getInstance(
            javax.net.ssl.KeyManagerFactory.getDefaultAlgorithm());
    kmf.init(ks, "changeit".toCharArray());
    javax.net.ssl.SSLContext tls = javax.net.ssl.SSLContext.getInstance("TLS");
    tls.init(kmf.getKeyManagers(), null, null);
    java.util.concurrent.atomic.AtomicInteger handshakes =
        new java.util.concurrent.atomic.AtomicInteger();
    com.sun.net.httpserver.HttpsServer https =
        com.sun.net.httpserver.HttpsServer.create(
            new java.net.InetSocketAddress(java.net.InetAddress.getLoopbackAddress(), 0), 0);
    https.setHttpsConfigurator(
        new com.sun.net.httpserver.HttpsConfigurator(tls) {
          @Override
          public void configure(com.sun.net.httpserver.HttpsParameters params) {
            handshakes.incrementAndGet();
            super.configure(params);
          }
        });
    https.createContext("/", ex -> ex.close());
    https.start();
    try (KimiClient kimi =
        client().baseUrl("https://127.0.0.1:" + https.getAddress().getPort() + "/v1").build()) {
      Throwable e = catchThrowable(() -> kimi.chat(HELLO));
      assertThat(e)
          .isInstanceOf(ConnectionException.class)
          .hasMessageContaining("is not trusted")
          .hasMessageContaining("retrying will not help");
      assertThat(((KimiException) e).attempts()).isEqualTo(1);
      assertThat(handshakes.get()).isEqualTo(1);
    } finally {
      https.stop(0);
    }
  }

  // ------------------------------------------------------------------ 13. bounds a user can set

  /** An event stream that sends nothing but keep-alive comments, forever. */
  static HostileServer.Reply keepAliveForever() {
    return out -> {
      out.write(
          "HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\nConnection: close\r\n\r\n"
              .getBytes(StandardCharsets.US_ASCII));
      out.flush();
      for (int i = 0; i < 600; i++) {
        out.write(": keep-alive\n\n".getBytes(StandardCharsets.US_ASCII));
        out.flush();
        Thread.sleep(100);
      }
    };
  }

  @Test
  void aStreamOfOnlyKeepAliveCommentsEndsAtItsTotalTime() {
    server.always(keepAliveForever());
    try (KimiClient kimi =
        client().timeouts(Timeouts.defaults().withStreamTotal(Duration.ofMillis(800))).build()) {
      long t0 = System.nanoTime();
      Throwable e = catchThrowable(() -> kimi.stream(HELLO).toCompletion());
      assertThat(e)
          .isInstanceOf(KimiTimeoutException.class)
          .hasMessageContaining("Timeouts.withStreamTotal");
      assertThat(Duration.ofNanos(System.nanoTime() - t0)).isLessThan(Duration.ofSeconds(20));
    }
    assertThat(server.requests()).hasSize(1); // not retried
  }

  @Test
  void aCallThatWaitsTooLongForTheLimiterFailsUnsent() throws Exception {
    server.always(keepAliveForever());
    try (KimiClient kimi =
        client()
            .rateLimit(
                RateLimit.builder().maxConcurrency(1).maxQueueWait(Duration.ofMillis(300)).build())
            .build()) {
      var holding = kimi.stream(HELLO);
      var it = holding.iterator(); // takes the only slot now, and keeps it
      Throwable e = catchThrowable(() -> kimi.chat(HELLO));
      assertThat(e)
          .isInstanceOf(KimiTimeoutException.class)
          .hasMessageContaining("rate-limit queue")
          .hasMessageContaining("RateLimit.Builder.maxQueueWait");
      assertThat(((KimiException) e).attempts()).isEqualTo(1);
      assertThat(server.requests()).hasSize(1); // the queued call was never sent
      holding.close();
      assertThat(it).isNotNull();
    }
  }

  // ------------------------------------------------------------------ helpers

  /** One send seen by {@link ThrowingHttpClient}. */
  record HttpRequestCount(String uri) {}

  /** An {@link HttpClient} whose every exchange fails with a given throwable. */
  static final class ThrowingHttpClient extends DelegatingHttpClient {
    private final Throwable failure;
    private final List<HttpRequestCount> sends;

    ThrowingHttpClient(Throwable failure, List<HttpRequestCount> sends) {
      this.failure = failure;
      this.sends = sends;
    }

    @Override
    public <T> CompletableFuture<java.net.http.HttpResponse<T>> sendAsync(
        java.net.http.HttpRequest request, java.net.http.HttpResponse.BodyHandler<T> handler) {
      sends.add(new HttpRequestCount(request.uri().toString()));
      return CompletableFuture.failedFuture(failure);
    }

    /** Fails as the JDK's send does: an IOException as it is, anything else wrapped in one. */
    @Override
    public <T> java.net.http.HttpResponse<T> send(
        java.net.http.HttpRequest request, java.net.http.HttpResponse.BodyHandler<T> handler)
        throws java.io.IOException {
      sends.add(new HttpRequestCount(request.uri().toString()));
      if (failure instanceof java.io.IOException e) {
        throw e;
      }
      throw new java.io.IOException(failure.getMessage(), failure);
    }
  }

  /** A logger that keeps every line it is given, at every level. */
  static final class ListLogger implements System.Logger {
    private final List<String> lines;

    ListLogger(List<String> lines) {
      this.lines = lines;
    }

    @Override
    public String getName() {
      return "test";
    }

    @Override
    public boolean isLoggable(Level level) {
      return true;
    }

    @Override
    public void log(Level level, java.util.ResourceBundle bundle, String msg, Throwable thrown) {
      lines.add(msg + (thrown == null ? "" : " " + thrown));
    }

    @Override
    public void log(Level level, java.util.ResourceBundle bundle, String format, Object... params) {
      lines.add(params == null ? format : java.text.MessageFormat.format(format, params));
    }
  }
}
