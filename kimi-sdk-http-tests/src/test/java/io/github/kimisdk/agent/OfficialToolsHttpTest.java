package io.github.kimisdk.agent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.kimisdk.KimiClient;
import io.github.kimisdk.RetryPolicy;
import io.github.kimisdk.chat.ChatRequest;
import io.github.kimisdk.chat.ToolMessage;
import io.github.kimisdk.errors.NotFoundException;
import io.github.kimisdk.internal.client.VirtualScheduler;
import io.github.kimisdk.json.Json;
import io.github.kimisdk.json.JsonObject;
import io.github.kimisdk.testing.FakeKimiServer;
import io.github.kimisdk.testing.FakeResponse;
import io.github.kimisdk.testing.RecordedRequest;
import io.github.kimisdk.tool.Tool;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Formulas and Kimi Code's search and fetch as tools of a {@link ToolRunner}, against the fake:
 * declarations, fibers and their answers, pending fibers polled on virtual time.
 */
class OfficialToolsHttpTest {

  private final FakeKimiServer server = new FakeKimiServer().start();
  private final KimiClient kimi =
      KimiClient.builder()
          .apiKey("sk-test-0123456789abcdef")
          .baseUrl(server.baseUrl())
          .retryPolicy(RetryPolicy.none())
          .build();

  /** The runner's clock: waits between polls pass at once, and are recorded. */
  private final VirtualScheduler time = new VirtualScheduler();

  @AfterEach
  void stop() {
    kimi.close();
    server.close();
  }

  private static final String BASE64 = "moonshot/base64:latest";

  private ToolRunner.Builder runner(String formula) {
    return ToolRunner.builder(kimi).scheduler(time).formula(formula);
  }

  private static List<String> toolAnswers(ToolRunner.Result result) {
    return result.newMessages().stream()
        .filter(m -> m instanceof ToolMessage)
        .map(m -> ((ToolMessage) m).content())
        .toList();
  }

  private List<RecordedRequest> requestsTo(String pathPrefix) {
    return server.requests().stream().filter(r -> r.path().startsWith(pathPrefix)).toList();
  }

  private static List<Duration> seconds(double... waits) {
    return java.util.Arrays.stream(waits)
        .mapToObj(w -> Duration.ofMillis(Math.round(w * 1000)))
        .toList();
  }

  @Test
  void aFormulaKimiDoesNotServeFailsTheBuildNamingTheFormula() {
    assertThatThrownBy(() -> ToolRunner.builder(kimi).formula("moonshot/nope:latest").build())
        .isInstanceOf(NotFoundException.class)
        .hasMessageContaining("Kimi serves no formula moonshot/nope:latest")
        .hasMessageNotContaining("base URL");
  }

  @Test
  void theDateFormulaAnswersTheModelOffline() {
    ToolRunner runner = ToolRunner.builder(kimi).formula("moonshot/date:latest").build();
    assertThat(runner.tools()).extracting(Tool::name).containsExactly("date");
    server.enqueue(
        FakeResponse.toolCalls(
            io.github.kimisdk.tool.ToolCall.function(
                "call_1", "date", "{\"timezone\":\"Asia/Shanghai\"}")));
    ToolRunner.Result result = runner.run(ChatRequest.of("kimi-k2.6", "What day is it?"));
    assertThat(toolAnswers(result)).singleElement().asString().endsWith("day, Asia/Shanghai)");
  }

  @Test
  void aFormulasToolsAreDeclaredAndTheModelsCallsRunAsFibers() {
    ToolRunner runner = ToolRunner.builder(kimi).formula("moonshot/base64:latest").build();
    assertThat(runner.tools())
        .extracting(Tool::name)
        .containsExactly("base64_encode", "base64_decode");
    ToolRunner.Result result =
        runner.run(ChatRequest.of("kimi-k3", "Use base64_encode data=hello"));
    List<ToolMessage> answers =
        result.newMessages().stream()
            .filter(m -> m instanceof ToolMessage)
            .map(m -> (ToolMessage) m)
            .toList();
    assertThat(answers).hasSize(1);
    assertThat(answers.get(0).content()).isEqualTo("aGVsbG8=");
    List<String> paths = server.requests().stream().map(RecordedRequest::path).toList();
    assertThat(paths)
        .contains(
            "/v1/formulas/moonshot/base64:latest/tools",
            "/v1/formulas/moonshot/base64:latest/fibers");
    RecordedRequest fiber =
        server.requests().stream()
            .filter(r -> r.path().endsWith("/fibers"))
            .findFirst()
            .orElseThrow();
    assertThat(fiber.bodyText())
        .isEqualTo("{\"name\":\"base64_encode\",\"arguments\":\"{\\\"data\\\":\\\"hello\\\"}\"}");
  }

  @Test
  void aFailedFiberIsHandedBackToTheModelAsAnError() {
    ToolRunner runner = ToolRunner.builder(kimi).formula("moonshot/base64:latest").build();
    ToolRunner.Result result = runner.run(ChatRequest.of("kimi-k3", "Use base64_decode data=%%%"));
    ToolMessage answer =
        result.newMessages().stream()
            .filter(m -> m instanceof ToolMessage)
            .map(m -> (ToolMessage) m)
            .findFirst()
            .orElseThrow();
    assertThat(answer.content()).contains("failed to run base64_decode").contains("invalid base64");
  }

  @Test
  void anUnknownFormulaIsRefusedWhenTheRunnerIsBuilt() {
    assertThatThrownBy(() -> ToolRunner.builder(kimi).formula("moonshot/nope:latest"))
        .isInstanceOf(NotFoundException.class);
    assertThatThrownBy(() -> ToolRunner.builder(kimi).formula("../x"))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void kimiCodeSearchAndFetchRunAsTools() {
    ToolRunner runner = ToolRunner.builder(kimi).kimiCodeSearch().kimiCodeFetch().build();
    ToolRunner.Result result =
        runner.run(
            ChatRequest.of(
                "kimi-k3", "search_web query=java then fetch_url url=https://example.com/1"));
    List<String> answers =
        result.newMessages().stream()
            .filter(m -> m instanceof ToolMessage)
            .map(m -> ((ToolMessage) m).content())
            .toList();
    assertThat(answers).hasSize(2);
    assertThat(answers.get(0)).contains("\"url\":\"https://example.com/1\"");
    assertThat(answers.get(1)).contains("main content of https://example.com/1");
  }

  static Stream<Arguments> toolLists() {
    String encode =
        "{\"type\":\"function\",\"function\":{\"name\":\"base64_encode\",\"parameters\":"
            + "{\"type\":\"object\",\"properties\":{\"data\":{\"type\":\"string\"}}}}}";
    String bare = "{\"name\":\"base64_decode\",\"parameters\":{\"type\":\"object\"}}";
    return Stream.of(
        Arguments.of("asKimiAnswers", "{\"tools\":[" + encode + "," + bare + "]}"),
        Arguments.of("aBareArray", "[" + encode + "," + bare + "]"),
        Arguments.of("underData", "{\"data\":[" + encode + "," + bare + "]}"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("toolLists")
  void theToolListIsReadLeniently(String shape, String body) {
    server.respondWith(r -> r.path().endsWith("/tools") ? FakeResponse.json(body) : null);
    assertThat(runner(BASE64).build().tools())
        .extracting(Tool::name)
        .containsExactly("base64_encode", "base64_decode");
  }

  @Test
  void thePendingFiberIsPolledWithBackoffUntilItSucceeds() {
    server.fibersPendingFor(3);
    ToolRunner.Result result =
        runner(BASE64).build().run(ChatRequest.of("kimi-k3", "Use base64_encode data=hello"));
    assertThat(toolAnswers(result)).containsExactly("aGVsbG8=");
    assertThat(requestsTo("/v1/formulas/" + BASE64 + "/fibers/"))
        .extracting(RecordedRequest::method, RecordedRequest::path)
        .containsOnly(
            org.assertj.core.groups.Tuple.tuple(
                "GET", "/v1/formulas/moonshot/base64:latest/fibers/fiber-1"))
        .hasSize(3);
    assertThat(time.waits()).isEqualTo(seconds(0.5, 1, 2));
  }

  static Stream<Arguments> pollingBounds() {
    return Stream.of(
        Arguments.of(
            "theDefaults",
            null,
            null,
            seconds(0.5, 1, 2, 4, 4, 4, 4, 4, 4, 2.5),
            "after 30 s and 10 polls"),
        Arguments.of(
            "theNumberOfPolls",
            5,
            Duration.ofSeconds(30),
            seconds(0.5, 1, 2, 4, 4),
            "after 11500 ms and 5 polls"),
        Arguments.of(
            "theTimeCutsTheLastWaitShort",
            100,
            Duration.ofSeconds(10),
            seconds(0.5, 1, 2, 4, 2.5),
            "after 10 s and 5 polls"),
        Arguments.of("noPolling", 0, Duration.ofSeconds(30), seconds(), "after 0 s and 0 polls"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("pollingBounds")
  void aFiberStillPendingAtTheBoundIsAnErrorNamingIt(
      String bound, Integer maxPolls, Duration maxWait, List<Duration> waits, String after) {
    server.fibersPendingFor(Integer.MAX_VALUE);
    ToolRunner.Builder b = runner(BASE64);
    if (maxPolls != null) {
      b.fiberPolling(maxPolls, maxWait);
    }
    ToolRunner.Result result =
        b.build().run(ChatRequest.of("kimi-k3", "Use base64_encode data=hello"));
    assertThat(toolAnswers(result))
        .containsExactly(
            "Error: the fiber fiber-1 (base64_encode of moonshot/base64:latest) is still running "
                + after
                + "; the SDK stopped waiting for it, so its result will not arrive: call"
                + " base64_encode again, or answer without it");
    assertThat(time.waits()).isEqualTo(waits);
    assertThat(requestsTo("/v1/formulas/" + BASE64 + "/fibers/")).hasSize(waits.size());
    assertThat(result.outcome()).isEqualTo(ToolRunner.Outcome.ANSWERED);
  }

  @Test
  void theWebSearchFormulasEncryptedOutputGoesBackAsItIs() {
    ToolRunner runner = runner("moonshot/web-search:latest").build();
    assertThat(runner.tools()).extracting(Tool::name).containsExactly("web_search");
    ToolRunner.Result result = runner.run(ChatRequest.of("kimi-k3", "Use web_search query=kimi"));
    String sealed =
        Base64.getEncoder().encodeToString("3 results for kimi".getBytes(StandardCharsets.UTF_8));
    assertThat(toolAnswers(result))
        .containsExactly(
            "----MOONSHOT ENCRYPTED BEGIN----" + sealed + "----MOONSHOT ENCRYPTED END----");
  }

  static Stream<Arguments> fiberAnswers() {
    String ctx = "\"context\":{\"input\":\"{}\",";
    return Stream.of(
        Arguments.of(
            "output",
            "{\"id\":\"f1\",\"status\":\"succeeded\"," + ctx + "\"output\":\"plain\"}}",
            "plain"),
        Arguments.of(
            "encryptedOutputBeforeOutput",
            "{\"id\":\"f1\",\"status\":\"succeeded\","
                + ctx
                + "\"output\":\"plain\",\"encrypted_output\":\"sealed\"}}",
            "sealed"),
        Arguments.of(
            "anOutputThatIsNoString",
            "{\"id\":\"f1\",\"status\":\"succeeded\"," + ctx + "\"output\":{\"n\":1}}}",
            "{\"n\":1}"),
        Arguments.of("noStatusButAnOutput", "{\"context\":{\"output\":\"plain\"}}", "plain"),
        Arguments.of(
            "succeededWithoutOutput",
            "{\"id\":\"f1\",\"status\":\"succeeded\",\"context\":{}}",
            "(no output)"),
        Arguments.of(
            "failedWithTheErrorInContext",
            "{\"id\":\"f1\",\"status\":\"failed\"," + ctx + "\"error\":\"boom\"}}",
            "Error: the formula moonshot/base64:latest failed to run base64_encode (fiber f1):"
                + " boom"),
        Arguments.of(
            "failedWithTheErrorOutside",
            "{\"id\":\"f1\",\"status\":\"failed\",\"error\":\"boom\"}",
            "Error: the formula moonshot/base64:latest failed to run base64_encode (fiber f1):"
                + " boom"),
        Arguments.of(
            "anotherStatus",
            "{\"id\":\"f1\",\"status\":\"cancelled\",\"context\":{}}",
            "Error: the formula moonshot/base64:latest answered base64_encode (fiber f1) with the"
                + " status 'cancelled', neither succeeded nor failed"),
        Arguments.of(
            "pendingWithoutId",
            "{\"status\":\"pending\",\"context\":{}}",
            "Error: the formula moonshot/base64:latest answered that base64_encode is still"
                + " running but gave no fiber id the SDK can poll (none); its result will not"
                + " arrive"),
        Arguments.of(
            "pendingWithAnIdThatIsNoPathSegment",
            "{\"id\":\"../../files\",\"status\":\"pending\",\"context\":{}}",
            "Error: the formula moonshot/base64:latest answered that base64_encode is still"
                + " running but gave no fiber id the SDK can poll (a malformed one); its result"
                + " will not arrive"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("fiberAnswers")
  void aFibersAnswerBecomesTheToolMessage(String rule, String fiber, String content) {
    server.respondWith(r -> r.path().endsWith("/fibers") ? FakeResponse.json(fiber) : null);
    ToolRunner.Result result =
        runner(BASE64).build().run(ChatRequest.of("kimi-k3", "Use base64_encode data=x"));
    assertThat(toolAnswers(result)).containsExactly(content);
    assertThat(requestsTo("/v1/formulas/" + BASE64 + "/fibers/")).isEmpty();
  }

  static Stream<Arguments> argumentStrings() {
    return Stream.of(
        Arguments.of("{\"z\": 0,  \"data\" : \"hi\" }", "{\"z\": 0,  \"data\" : \"hi\" }"),
        Arguments.of("{\"data\":\"\\u0068i\"}", "{\"data\":\"\\u0068i\"}"),
        Arguments.of("", "{}"),
        Arguments.of("  ", "{}"));
  }

  @ParameterizedTest
  @MethodSource("argumentStrings")
  void theModelsArgumentsReachTheFiberVerbatim(String written, String sent) {
    ToolRunner runner = runner(BASE64).build();
    server.enqueue(
        FakeResponse.json(ToolRunnerHttpTest.toolCallReply("", "base64_encode", written)));
    runner.run(ChatRequest.of("kimi-k3", "Encode hi"));
    RecordedRequest fiber = requestsTo("/v1/formulas/" + BASE64 + "/fibers").get(0);
    JsonObject body = (JsonObject) Json.parse(fiber.bodyText());
    assertThat(body.get("arguments").asString()).isEqualTo(sent);
    assertThat(body.get("name").asString()).isEqualTo("base64_encode");
  }

  @Test
  void fiberPollingRefusesNegativeBounds() {
    ToolRunner.Builder b = ToolRunner.builder(kimi);
    assertThatThrownBy(() -> b.fiberPolling(-1, Duration.ofSeconds(1)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("maxPolls must be 0 or more: -1");
    assertThatThrownBy(() -> b.fiberPolling(1, Duration.ofSeconds(-1)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("maxWait must not be negative: PT-1S");
    assertThatThrownBy(() -> b.fiberPolling(1, null)).isInstanceOf(NullPointerException.class);
  }
}
