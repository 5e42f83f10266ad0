package io.github.kimisdk.internal.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import io.github.kimisdk.ClientInternals;
import io.github.kimisdk.KimiClient;
import io.github.kimisdk.Timeouts;
import io.github.kimisdk.chat.ChatCompletion;
import io.github.kimisdk.chat.ChatRequest;
import io.github.kimisdk.chat.Message;
import io.github.kimisdk.errors.ApiException;
import io.github.kimisdk.errors.AuthenticationException;
import io.github.kimisdk.errors.ConnectionException;
import io.github.kimisdk.errors.DecodingException;
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
import io.github.kimisdk.sse.SseLimits;
import io.github.kimisdk.testing.FakeKimiServer;
import io.github.kimisdk.testing.FakeResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.function.UnaryOperator;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every scripted fault against {@code chat}, {@code chatAsync} and {@code stream}: the outcome
 * (success after retries, or the typed exception), the number of requests the server saw, the
 * attempts on the exception and the virtual time spent waiting; and afterwards no client thread
 * left behind, no connection with an exchange still in progress, and a client-side close for every
 * exchange the client had to abort (the server counts connections through {@link
 * FakeKimiServer#trackConnections()}).
 */
class FaultMatrixHttpTest {

  enum Mode {
    CHAT,
    ASYNC,
    STREAM
  }

  static final ChatRequest PING = ChatRequest.of("kimi-k2.6", "ping");
  static final String OK = "You said: ping";

  static FakeKimiServer server;

  @BeforeAll
  static void start() {
    server = new FakeKimiServer().trackConnections().start();
  }

  @AfterAll
  static void stop() {
    server.close();
  }

  static String chunk(String text) {
    return ClientInternals.content("c1", "m", text);
  }

  static String err(String type, String message) {
    return "{\"error\":{\"message\":\"" + message + "\",\"type\":\"" + type + "\"}}";
  }

  static FakeResponse error(int status, String type, String message) {
    return FakeResponse.error(status, err(type, message));
  }

  /** What one fault looks like in one mode, and what the caller must see. */
  record Case(
      String fault,
      Mode mode,
      List<FakeResponse> script,
      UnaryOperator<KimiClient.Builder> config,
      Class<? extends Throwable> failure,
      int requests,
      long virtualMillis,
      String partialText) {

    @Override
    public String toString() {
      return fault + " / " + mode;
    }
  }

  static final List<Case> CASES = new ArrayList<>();

  static void add(
      String fault,
      Set<Mode> modes,
      Function<Mode, List<FakeResponse>> script,
      UnaryOperator<KimiClient.Builder> config,
      Class<? extends Throwable> failure,
      int requests,
      long virtualMillis,
      String partialText) {
    for (Mode m : modes) {
      CASES.add(
          new Case(
              fault, m, script.apply(m), config, failure, requests, virtualMillis, partialText));
    }
  }

  static void all(
      String fault,
      List<FakeResponse> script,
      Class<? extends Throwable> failure,
      int requests,
      long virtualMillis) {
    add(fault, Set.of(Mode.values()), m -> script, b -> b, failure, requests, virtualMillis, null);
  }

  static {
    // jitter is fixed at 0.5: the first backoff is 375 ms, the second 750 ms
    all(
        "reset before headers, then success",
        List.of(FakeResponse.resetBeforeHeaders()),
        null,
        2,
        375);
    all(
        "two resets, then success",
        List.of(FakeResponse.resetBeforeHeaders(), FakeResponse.resetBeforeHeaders()),
        null,
        3,
        1125);
    all(
        "three resets exhaust two retries",
        List.of(
            FakeResponse.resetBeforeHeaders(),
            FakeResponse.resetBeforeHeaders(),
            FakeResponse.resetBeforeHeaders()),
        ConnectionException.class,
        3,
        1125);
    all(
        "429 overloaded with Retry-After seconds",
        List.of(error(429, "engine_overloaded_error", "busy").withHeader("Retry-After", "2")),
        null,
        2,
        2000);
    all(
        "429 rate limit with Retry-After-Ms",
        List.of(
            error(429, "rate_limit_reached_error", "slow down")
                .withHeader("Retry-After-Ms", "1500")),
        null,
        2,
        1500);
    all(
        "429 rate limit with Kimi's message hint",
        List.of(
            error(
                429,
                "rate_limit_reached_error",
                "Your account reached max request: 3, please try again after 3 seconds")),
        null,
        2,
        3000);
    all(
        "429 asking for longer than maxServerWait fails at once",
        List.of(error(429, "rate_limit_reached_error", "wait").withHeader("Retry-After", "120")),
        RateLimitException.class,
        1,
        0);
    all(
        "429 tokens per day is not retried",
        List.of(
            error(
                429,
                "rate_limit_reached_error",
                "Your account reached the TPD rate limit, current: 1, limit: 1")),
        TokensPerDayLimitException.class,
        1,
        0);
    all(
        "429 quota exceeded is not retried",
        List.of(
            error(429, "exceeded_current_quota_error", "You exceeded your current token quota")),
        QuotaExceededException.class,
        1,
        0);
    all(
        "suspended account is not retried",
        List.of(error(403, "exceeded_current_quota_error", "Your account org-1 is suspended")),
        QuotaExceededException.class,
        1,
        0);
    all(
        "400 is not retried",
        List.of(error(400, "invalid_request_error", "bad")),
        InvalidRequestException.class,
        1,
        0);
    all(
        "401 is not retried",
        List.of(error(401, "invalid_authentication_error", "bad key")),
        AuthenticationException.class,
        1,
        0);
    all("402 is not retried", List.of(FakeResponse.error(402, "{}")), ApiException.class, 1, 0);
    all(
        "403 is not retried",
        List.of(error(403, "permission_denied_error", "no")),
        PermissionDeniedException.class,
        1,
        0);
    all(
        "404 is not retried",
        List.of(error(404, "resource_not_found_error", "no model x")),
        NotFoundException.class,
        1,
        0);
    all(
        "500 then 502 then success",
        List.of(error(500, "server_error", "oops"), FakeResponse.error(502, "bad gateway")),
        null,
        3,
        1125);
    all(
        "503 three times exhausts the retries",
        List.of(
            FakeResponse.error(503, "x"),
            FakeResponse.error(503, "x"),
            FakeResponse.error(503, "x")),
        ServerException.class,
        3,
        1125);
    all(
        "HTML 504 then success",
        List.of(
            FakeResponse.body(504, "text/html", "<html><body>504 Gateway Time-out</body></html>")),
        null,
        2,
        375);
    all(
        "wrong content type is not retried",
        List.of(FakeResponse.body(200, "text/plain", "hello there")),
        DecodingException.class,
        1,
        0);
    add(
        "keep the connection open after [DONE]",
        Set.of(Mode.STREAM),
        m -> List.of(FakeResponse.sse().data(chunk("You said: ping")).done().build().holdingOpen()),
        b -> b,
        null,
        1,
        0,
        null);
    // a non-streaming body cut by a dropped connection is retried: nothing reached the caller
    add(
        "drop in the middle of the body",
        Set.of(Mode.values()),
        m ->
            List.of(
                m == Mode.STREAM
                    ? FakeResponse.sse()
                        .data(chunk("Hel"))
                        .data(chunk("lo"))
                        .dropConnection()
                        .build()
                    : FakeResponse.sse()
                        .raw("{\"id\":\"x\",\"choices\":[")
                        .dropConnection()
                        .build()
                        .withHeader("Content-Type", "application/json")),
        b -> b,
        null,
        0,
        0,
        null);
    add(
        "EOF without [DONE]",
        Set.of(Mode.STREAM),
        m -> List.of(FakeResponse.sse().data(chunk("Hel")).data(chunk("lo")).build()),
        b -> b,
        TruncatedStreamException.class,
        1,
        0,
        "Hello");
    add(
        "malformed chunk JSON",
        Set.of(Mode.values()),
        m ->
            List.of(
                m == Mode.STREAM
                    ? FakeResponse.sse().data(chunk("Hi")).data("{\"choices\":[{nope").build()
                    : FakeResponse.json("{\"choices\":[{nope")),
        b -> b,
        null,
        1,
        0,
        null);
    add(
        "in-band error event before the first chunk is retried",
        Set.of(Mode.STREAM),
        m -> List.of(FakeResponse.sse().data(err("server_error", "boom")).build()),
        b -> b,
        null,
        2,
        375,
        null);
    add(
        "in-band error event after a chunk",
        Set.of(Mode.STREAM),
        m ->
            List.of(FakeResponse.sse().data(chunk("Hi")).data(err("server_error", "boom")).build()),
        b -> b,
        StreamAbortedException.class,
        1,
        0,
        "Hi");
    add(
        "oversized line after a chunk",
        Set.of(Mode.STREAM),
        m -> List.of(FakeResponse.sse().data(chunk("Hi")).data(chunk("x".repeat(4096))).build()),
        b -> b.sseLimits(SseLimits.defaults().withMaxLineBytes(1024)),
        StreamAbortedException.class,
        1,
        0,
        "Hi");
    add(
        "stall before the headers beyond the response timeout, then success",
        Set.of(Mode.values()),
        m -> List.of(FakeResponse.json("{}").withHeadersDelay(Duration.ofSeconds(4))),
        // 1 s, not less: the retry's own headers must come within it on a loaded machine
        b -> b.timeouts(Timeouts.defaults().withResponseHeaders(Duration.ofSeconds(1))),
        null,
        2,
        375,
        null);
    add(
        "stall in the middle of a stream beyond the idle timeout",
        Set.of(Mode.STREAM),
        m ->
            List.of(
                FakeResponse.sse()
                    .data(chunk("Hi"))
                    .pause(Duration.ofSeconds(4))
                    .data(chunk("!"))
                    .done()
                    .build()),
        b -> b.timeouts(Timeouts.defaults().withStreamIdle(Duration.ofMillis(300))),
        TruncatedStreamException.class,
        1,
        0,
        "Hi");
    add(
        "stall in the middle of a non-streamed body beyond the idle timeout, three times",
        Set.of(Mode.CHAT, Mode.ASYNC),
        m -> {
          FakeResponse stalled =
              FakeResponse.sse()
                  .raw("{\"id\":\"x\",\"choices\":[")
                  .pause(Duration.ofSeconds(4))
                  .raw("]")
                  .raw("}")
                  .build()
                  .withHeader("Content-Type", "application/json");
          return List.of(stalled, stalled, stalled);
        },
        b -> b.timeouts(Timeouts.defaults().withStreamIdle(Duration.ofMillis(300))),
        KimiTimeoutException.class,
        3,
        1125,
        null);
    add(
        "stall before the first chunk beyond the idle timeout, then success",
        Set.of(Mode.STREAM),
        m ->
            List.of(
                FakeResponse.sse().pause(Duration.ofSeconds(4)).data(chunk("late")).done().build()),
        // 1 s, not less: the retry's own first event must come within it on a loaded machine
        b ->
            b.timeouts(
                Timeouts.defaults()
                    .withStreamIdle(Duration.ofSeconds(1))
                    .withFirstEvent(Duration.ofSeconds(1))),
        null,
        2,
        375,
        null);
    add(
        "slow drip",
        Set.of(Mode.STREAM),
        m ->
            List.of(
                FakeResponse.stream(
                    List.of(chunk("You "), chunk("said: "), chunk("ping")), Duration.ofMillis(30))),
        b -> b,
        null,
        1,
        0,
        null);
    add(
        "oversized line",
        Set.of(Mode.values()),
        m ->
            List.of(
                m == Mode.STREAM
                    ? FakeResponse.sse().data(chunk("x".repeat(4096))).done().build()
                    : FakeResponse.json("{\"pad\":\"" + "x".repeat(4096) + "\"}")),
        b -> b.sseLimits(SseLimits.defaults().withMaxLineBytes(1024)).maxResponseBytes(1024),
        ResponseTooLargeException.class,
        1,
        0,
        null);
  }

  static Stream<Arguments> cases() {
    return CASES.stream().map(Arguments::of);
  }

  static Set<String> clientThreads() {
    return Thread.getAllStackTraces().keySet().stream()
        .filter(Thread::isAlive)
        .map(Thread::getName)
        .filter(n -> n.startsWith("kimi-http-"))
        .collect(Collectors.toSet());
  }

  @org.junit.jupiter.api.Timeout(90)
  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void faultHasItsExpectedOutcome(Case c) throws Exception {
    // outcomes that differ by mode
    Class<? extends Throwable> failure = c.failure();
    int requests = c.requests();
    long millis = c.virtualMillis();
    String partial = c.partialText();
    if (c.fault().equals("drop in the middle of the body")) {
      if (c.mode() == Mode.STREAM) {
        failure = TruncatedStreamException.class;
        requests = 1;
        partial = "Hello";
      } else {
        requests = 2;
        millis = 375;
      }
    }
    if (c.fault().equals("malformed chunk JSON")) {
      failure = c.mode() == Mode.STREAM ? MalformedChunkException.class : DecodingException.class;
    }

    Set<String> before = clientThreads();
    VirtualScheduler time = new VirtualScheduler();
    int served = server.requestCount();
    int disconnects = server.disconnectCount();
    int clientCloses = server.clientClosedConnections();
    c.script().forEach(server::enqueue);
    Object result;
    Throwable thrown;
    try (KimiClient kimi =
        c.config()
            .apply(ClientInternals.builder(time).apiKey("sk-test").baseUrl(server.baseUrl()))
            .build()) {
      thrown =
          catchThrowable(
              () -> {
                switch (c.mode()) {
                  case CHAT -> kimi.chat(PING);
                  case ASYNC -> {
                    try {
                      kimi.chatAsync(PING).get(60, TimeUnit.SECONDS);
                    } catch (ExecutionException e) {
                      throw e.getCause();
                    }
                  }
                  case STREAM -> {
                    ChatCompletion done = kimi.stream(PING).toCompletion();
                    assertThat(done.text()).isEqualTo(OK);
                  }
                }
              });
      result = thrown;
    }

    if (failure == null) {
      assertThat(thrown).as("outcome").isNull();
    } else {
      assertThat(thrown).as("outcome").isInstanceOf(failure);
      KimiException k = (KimiException) thrown;
      assertThat(k.attempts()).as("attempts").isEqualTo(requests);
      assertThat(k.getSuppressed()).as("earlier failures").hasSize(requests - 1);
      assertThat(k.getMessage()).doesNotContain("sk-test");
      if (partial != null) {
        StreamException se = (StreamException) k;
        assertThat(se.partial().text()).isEqualTo(partial);
        ChatRequest resume = se.resumeRequest().orElseThrow();
        assertThat(resume.messages()).hasSize(PING.messages().size() + 1);
        assertThat(resume.messages().get(resume.messages().size() - 1))
            .isEqualTo(Message.partial(partial));
      }
    }
    assertThat(server.requestCount() - served).as("requests").isEqualTo(requests);
    assertThat(time.elapsedMillis()).as("virtual wait").isEqualTo(millis);
    assertThat(result).isSameAs(thrown);
    if (c.fault().startsWith("keep the connection open") && c.mode() == Mode.STREAM) {
      assertThat(server.awaitDisconnect(Duration.ofSeconds(10))).as("client closed").isTrue();
    } else if (c.fault().startsWith("stall in the middle")) {
      assertThat(server.awaitDisconnect(Duration.ofSeconds(30))).as("watchdog closed").isTrue();
    }
    assertThat(server.disconnectCount()).isGreaterThanOrEqualTo(disconnects);
    assertThat(server.awaitNoBusyConnections(Duration.ofSeconds(20)))
        .as("no connection left with an exchange in progress")
        .isTrue();
    if (clientMustAbort(c)) {
      server.awaitConnections(
          () -> server.clientClosedConnections() != clientCloses, Duration.ofSeconds(10));
      assertThat(server.clientClosedConnections() - clientCloses)
          .as("connections the client closed")
          .isPositive();
    }
    assertNoNewClientThreads(before);
  }

  /** Tells whether the case leaves the client to abort an exchange the server keeps open. */
  static boolean clientMustAbort(Case c) {
    String f = c.fault();
    return f.startsWith("stall")
        || (f.startsWith("keep the connection open") && c.mode() == Mode.STREAM);
  }

  static void assertNoNewClientThreads(Set<String> before) throws InterruptedException {
    // join the client's threads started meanwhile: each ends when its pool lets it go. A pool
    // may start a thread after a first look (a task handed over just before shutdown), so look
    // again until a look finds none alive or the deadline passes.
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
    Set<String> extra = clientThreads();
    extra.removeAll(before);
    while (!extra.isEmpty() && System.nanoTime() < deadline) {
      for (Thread t : Thread.getAllStackTraces().keySet()) {
        if (extra.contains(t.getName())) {
          t.join(Math.max(1, (deadline - System.nanoTime()) / 1_000_000));
        }
      }
      extra = clientThreads();
      extra.removeAll(before);
    }
    assertThat(extra).as("client threads still alive after close").isEmpty();
  }
}
