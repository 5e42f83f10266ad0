package io.github.kimisdk.internal.route;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.kimisdk.ResponseMetadata;
import io.github.kimisdk.errors.KimiException;
import io.github.kimisdk.errors.TestErrors;
import io.github.kimisdk.host.Host;
import io.github.kimisdk.internal.http.ErrorFactory;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * {@link Kind#of}, one row per host's own answer: each host's words for a full queue are a refusal
 * for concurrency, which moves a chain on when it comes with a 5xx (or, inside a stream's 200,
 * names one); its overload moves it on; a rate limit and the caller's own error do not. And by when
 * it happened: a failure before the response began (no connection, no headers) is an overload, one
 * after its 2xx status (a body cut, headers then silence, a stream's end) a cut, retried in place.
 */
class KindTest {

  private static final ErrorFactory ERRORS = TestErrors.factory();
  private static final Host VLLM = Host.vllm("http://127.0.0.1:8000/v1");
  private static final Host SGLANG = Host.sglang("http://127.0.0.1:30000/v1");

  private static KimiException status(int status, String body) {
    byte[] b = body.getBytes(StandardCharsets.UTF_8);
    return ERRORS.httpError(new ResponseMetadata(status, Map.of()), b, 0, b.length);
  }

  private static KimiException event(String payload) {
    byte[] b = payload.getBytes(StandardCharsets.UTF_8);
    ResponseMetadata stream =
        new ResponseMetadata(200, Map.of("Content-Type", List.of("text/event-stream")));
    return ERRORS.inStreamError(stream, b, 0, b.length);
  }

  static Stream<Arguments> answers() {
    return Stream.of(
        Arguments.of(
            "SGLang refusing a stream: an event naming 503 on its 200",
            SGLANG,
            event(
                "{\"error\": {\"object\": \"error\", \"message\": \"The request queue is full.\","
                    + " \"type\": \"SERVICE_UNAVAILABLE\", \"param\": null, \"code\": 503}}"),
            Kind.CONCURRENCY,
            true),
        Arguments.of(
            "SGLang refusing a whole reply: 503",
            SGLANG,
            status(
                503,
                "{\"object\":\"error\",\"message\":\"The request queue is full.\","
                    + "\"type\":\"HTTPStatus.SERVICE_UNAVAILABLE\",\"param\":null,\"code\":503}"),
            Kind.CONCURRENCY,
            true),
        Arguments.of(
            "vLLM past --max-num-queued-reqs",
            VLLM,
            status(
                503,
                "{\"error\":{\"message\":\"The engine is currently busy and cannot accept new"
                    + " requests. Please try again later or on a different instance.\","
                    + "\"type\":\"Service Unavailable\",\"param\":null,\"code\":503}}"),
            Kind.CONCURRENCY,
            true),
        Arguments.of(
            "Moonshot's concurrency 429: waited out on the same target",
            Host.MOONSHOT,
            status(
                429,
                "{\"error\":{\"type\":\"rate_limit_reached_error\",\"message\":\"request reached"
                    + " organization max concurrency: 2, please try again after 1 seconds\"}}"),
            Kind.CONCURRENCY,
            false),
        Arguments.of(
            "Together's overload",
            Host.TOGETHER,
            status(
                503,
                "{\"id\":\"x\",\"error\":{\"message\":\"Engine Overloaded\",\"type\":"
                    + "\"server_error\",\"param\":null,\"code\":null}}"),
            Kind.OVERLOAD,
            true),
        Arguments.of(
            "OpenRouter's model down",
            Host.OPENROUTER,
            status(502, "{\"error\":{\"code\":502,\"message\":\"Provider returned error\"}}"),
            Kind.OVERLOAD,
            true),
        Arguments.of(
            "OpenRouter's 429, a rate limit in its docs",
            Host.OPENROUTER,
            status(429, "{\"error\":{\"code\":429,\"message\":\"Rate limit exceeded\"}}"),
            Kind.RATE_LIMIT,
            false),
        Arguments.of(
            "OpenRouter's error after the output began: no status named",
            Host.OPENROUTER,
            event(
                "{\"error\":{\"code\":\"server_error\",\"message\":\"Provider disconnected"
                    + " unexpectedly\"}}"),
            Kind.OTHER,
            false),
        Arguments.of(
            "SGLang's event for a bad request: the caller's own",
            SGLANG,
            event(
                "{\"error\": {\"object\": \"error\", \"message\": \"bad\", \"type\":"
                    + " \"BadRequestError\", \"param\": null, \"code\": 400}}"),
            Kind.OTHER,
            false));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("answers")
  void eachHostsAnswerIsJudgedByItsOwnWords(
      String answer, Host host, KimiException failure, Kind kind, boolean movesOn) {
    assertThat(Kind.of(failure, host)).isEqualTo(kind);
    try (TestRouters.Chain chain = TestRouters.chain(host, Host.MOONSHOT)) {
      Route route = chain.route();
      assertThat(route.next(m -> {}).target()).isZero();
      Verdict v = route.failed(failure);
      assertThat(v.kind()).isEqualTo(kind);
      assertThat(v.next() == Verdict.Next.MOVE).as("moves on").isEqualTo(movesOn);
    }
  }

  static Stream<Arguments> byWhenItHappened() {
    ResponseMetadata ok = new ResponseMetadata(200, Map.of());
    return Stream.of(
        Arguments.of(
            "refused before the response began",
            ERRORS.failure(new java.net.ConnectException("Connection refused"), null, null),
            Kind.OVERLOAD),
        Arguments.of(
            "no headers in time",
            ERRORS.failure(new java.net.http.HttpTimeoutException("request timed out"), null, null),
            Kind.OVERLOAD),
        Arguments.of(
            "a body cut after its 200",
            ERRORS.failure(new java.io.IOException("connection reset"), ok, null),
            Kind.CUT),
        Arguments.of(
            "headers then silence", ERRORS.idle(ok, java.time.Duration.ofSeconds(1)), Kind.CUT),
        Arguments.of(
            "a stream that ended without its end",
            ERRORS.truncated(
                new ResponseMetadata(200, Map.of("Content-Type", List.of("text/event-stream"))),
                new io.github.kimisdk.chat.ChatAccumulator().toCompletion(),
                new java.io.EOFException()),
            Kind.CUT));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("byWhenItHappened")
  void aFailureIsJudgedByWhenItHappened(String when, KimiException failure, Kind kind) {
    assertThat(Kind.of(failure, Host.vllm("http://127.0.0.1:8000/v1"))).isEqualTo(kind);
  }

  @org.junit.jupiter.api.Test
  void aConversationKeepsItsKeyTurnAfterTurnAndOthersHaveTheirOwn() {
    List<io.github.kimisdk.chat.Message> first =
        List.of(
            io.github.kimisdk.chat.Message.system("You are a careful reviewer."),
            io.github.kimisdk.chat.Message.user("Review this diff."));
    List<io.github.kimisdk.chat.Message> later =
        List.of(
            first.get(0),
            first.get(1),
            io.github.kimisdk.chat.Message.assistant("It looks fine."),
            io.github.kimisdk.chat.Message.user("And the tests?"));
    long key = Router.affinityKey(request("kimi-k3", first));
    assertThat(key).isNotZero();
    assertThat(Router.affinityKey(request("kimi-k3", later))).isEqualTo(key);
    assertThat(Router.affinityKey(request("kimi-k2.5", first)))
        .as("another model")
        .isNotEqualTo(key);
    assertThat(
            Router.affinityKey(
                request(
                    "kimi-k3",
                    List.of(
                        io.github.kimisdk.chat.Message.system("You are a careful reviewer"),
                        io.github.kimisdk.chat.Message.user(".Review this diff.")))))
        .as("the same characters split otherwise")
        .isNotEqualTo(key);
    assertThat(
            Router.affinityKey(
                request("kimi-k3", List.of(io.github.kimisdk.chat.Message.system("Only this.")))))
        .as("no user message: no conversation")
        .isZero();
  }

  private static io.github.kimisdk.chat.ChatRequest request(
      String model, List<io.github.kimisdk.chat.Message> messages) {
    return io.github.kimisdk.chat.ChatRequest.builder(model).messages(messages).build();
  }
}
