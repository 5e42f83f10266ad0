package io.github.kimisdk.agents;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.kimisdk.KimiClient;
import io.github.kimisdk.RetryPolicy;
import io.github.kimisdk.chat.Message;
import io.github.kimisdk.chat.ToolMessage;
import io.github.kimisdk.errors.NotFoundException;
import io.github.kimisdk.json.Json;
import io.github.kimisdk.json.JsonObject;
import io.github.kimisdk.testing.FakeKimiExtension;
import io.github.kimisdk.testing.FakeKimiServer;
import io.github.kimisdk.testing.FakeResponse;
import io.github.kimisdk.testing.RecordedRequest;
import io.github.kimisdk.tool.FunctionTool;
import io.github.kimisdk.tool.ToolCall;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Formulas and Kimi Code's search and fetch as tools of an agent's run in memory, against the fake
 * (ported from the core's OfficialToolsHttpTest): declarations, fibers and their answers, pending
 * fibers polled within their bounds on virtual time ({@link OfficialTools.Polling} with a {@link
 * VirtualTime}).
 */
@ExtendWith(FakeKimiExtension.class)
class AgentOfficialToolsHttpTest {

  private FakeKimiServer server;
  private KimiClient kimi;

  /** The polls' clock: waits between polls pass at once, and are recorded. */
  private final VirtualTime time = new VirtualTime();

  @BeforeEach
  void start(FakeKimiServer server, FakeKimiExtension.Clients clients) {
    this.server = server;
    kimi = clients.build(b -> b.apiKey("sk-test-0123456789abcdef").retryPolicy(RetryPolicy.none()));
  }

  private static final String BASE64 = "moonshot/base64:latest";

  /** A clock whose sleeps pass at once and are recorded. */
  static final class VirtualTime implements OfficialTools.Time {
    private long now;
    private final List<Duration> waits = new ArrayList<>();

    @Override
    public synchronized long nanoTime() {
      return now;
    }

    @Override
    public synchronized void sleep(Duration d) {
      waits.add(d);
      now += d.toNanos();
    }

    synchronized List<Duration> waits() {
      return List.copyOf(waits);
    }
  }

  /** A formula's tools, their fibers polled within {@code maxPolls} and {@code maxWait}. */
  private List<AgentTool> formula(String uri, int maxPolls, Duration maxWait) {
    OfficialTools.Polling polling = new OfficialTools.Polling(maxPolls, maxWait, time);
    List<AgentTool> out = new ArrayList<>();
    for (FunctionTool f : OfficialTools.formula(kimi, uri)) {
      out.add(
          new AgentTool(
              f,
              new Handlers.Formula(kimi, uri, polling),
              Approval.never(),
              AgentTool.Effect.READ_ONLY));
    }
    return out;
  }

  /** A formula's tools polled as {@link AgentTool#formula} polls them, on virtual time. */
  private List<AgentTool> formula(String uri) {
    return formula(
        uri, OfficialTools.Polling.DEFAULT.maxPolls(), OfficialTools.Polling.DEFAULT.maxWait());
  }

  private RunState run(List<AgentTool> tools, String model, String task) {
    RunResult r = Agent.builder(kimi, model).tools(tools).build().run(List.of(Message.user(task)));
    assertThat(r)
        .as("%s", r instanceof RunResult.Failed f ? f.error() : r)
        .isInstanceOf(RunResult.Answered.class);
    return ((RunResult.Answered) r).state();
  }

  private static List<String> toolAnswers(RunState s) {
    return s.messages().subList(s.newMessageIndex(), s.messages().size()).stream()
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
  void aFormulaKimiDoesNotServeIsRefusedNamingTheFormula() {
    assertThatThrownBy(() -> AgentTool.formula(kimi, "moonshot/nope:latest"))
        .isInstanceOf(NotFoundException.class)
        .hasMessageContaining("Kimi serves no formula moonshot/nope:latest")
        .hasMessageNotContaining("base URL");
    assertThatThrownBy(() -> AgentTool.formula(kimi, "../x"))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void aFormulasToolsArePolledAsTheDefaultsSay() {
    List<AgentTool> tools = AgentTool.formula(kimi, BASE64);
    assertThat(tools)
        .allSatisfy(
            t -> {
              assertThat(t.effect()).isEqualTo(AgentTool.Effect.READ_ONLY);
              assertThat(((Handlers.Formula) t.handler()).polling())
                  .isSameAs(OfficialTools.Polling.DEFAULT);
            });
    assertThat(OfficialTools.Polling.DEFAULT.maxPolls()).isEqualTo(10);
    assertThat(OfficialTools.Polling.DEFAULT.maxWait()).isEqualTo(Duration.ofSeconds(30));
  }

  @Test
  void theDateFormulaAnswersTheModelOffline() {
    List<AgentTool> tools = AgentTool.formula(kimi, "moonshot/date:latest");
    assertThat(tools).extracting(AgentTool::name).containsExactly("date");
    server.enqueue(
        FakeResponse.toolCalls(
            ToolCall.function("call_1", "date", "{\"timezone\":\"Asia/Shanghai\"}")));
    RunState s = run(tools, "kimi-k2.6", "What day is it?");
    assertThat(toolAnswers(s)).singleElement().asString().endsWith("day, Asia/Shanghai)");
  }

  @Test
  void aFormulasToolsAreDeclaredAndTheModelsCallsRunAsFibers() {
    List<AgentTool> tools = AgentTool.formula(kimi, BASE64);
    assertThat(tools).extracting(AgentTool::name).containsExactly("base64_encode", "base64_decode");
    RunState s = run(tools, "kimi-k3", "Use base64_encode data=hello");
    assertThat(toolAnswers(s)).containsExactly("aGVsbG8=");
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
    RunState s = run(AgentTool.formula(kimi, BASE64), "kimi-k3", "Use base64_decode data=%%%");
    assertThat(toolAnswers(s))
        .singleElement()
        .asString()
        .startsWith("Error: ")
        .contains("failed to run base64_decode")
        .contains("invalid base64");
  }

  @Test
  void kimiCodeSearchAndFetchRunAsTools() {
    RunState s =
        run(
            List.of(AgentTool.kimiCodeSearch(kimi), AgentTool.kimiCodeFetch(kimi)),
            "kimi-k3",
            "search_web query=java then fetch_url url=https://example.com/1");
    List<String> answers = toolAnswers(s);
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
    assertThat(AgentTool.formula(kimi, BASE64))
        .extracting(AgentTool::name)
        .containsExactly("base64_encode", "base64_decode");
  }

  @Test
  void thePendingFiberIsPolledWithBackoffUntilItSucceeds() {
    server.fibersPendingFor(3);
    RunState s = run(formula(BASE64), "kimi-k3", "Use base64_encode data=hello");
    assertThat(toolAnswers(s)).containsExactly("aGVsbG8=");
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
            OfficialTools.Polling.DEFAULT.maxPolls(),
            OfficialTools.Polling.DEFAULT.maxWait(),
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
      String bound, int maxPolls, Duration maxWait, List<Duration> waits, String after) {
    server.fibersPendingFor(Integer.MAX_VALUE);
    RunState s = run(formula(BASE64, maxPolls, maxWait), "kimi-k3", "Use base64_encode data=hello");
    assertThat(toolAnswers(s))
        .containsExactly(
            "Error: the fiber fiber-1 (base64_encode of moonshot/base64:latest) is still running "
                + after
                + "; the SDK stopped waiting for it, so its result will not arrive: call"
                + " base64_encode again, or answer without it");
    assertThat(time.waits()).isEqualTo(waits);
    assertThat(requestsTo("/v1/formulas/" + BASE64 + "/fibers/")).hasSize(waits.size());
  }

  @Test
  void theWebSearchFormulasEncryptedOutputGoesBackAsItIs() {
    List<AgentTool> tools = formula("moonshot/web-search:latest");
    assertThat(tools).extracting(AgentTool::name).containsExactly("web_search");
    RunState s = run(tools, "kimi-k3", "Use web_search query=kimi");
    String sealed =
        Base64.getEncoder().encodeToString("3 results for kimi".getBytes(StandardCharsets.UTF_8));
    assertThat(toolAnswers(s))
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
    RunState s = run(formula(BASE64), "kimi-k3", "Use base64_encode data=x");
    assertThat(toolAnswers(s)).containsExactly(content);
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
    List<AgentTool> tools = formula(BASE64);
    server.enqueue(FakeResponse.json(AgentLoopFixture.toolCallReply("", "base64_encode", written)));
    run(tools, "kimi-k3", "Encode hi");
    RecordedRequest fiber = requestsTo("/v1/formulas/" + BASE64 + "/fibers").get(0);
    JsonObject body = (JsonObject) Json.parse(fiber.bodyText());
    assertThat(body.get("arguments").asString()).isEqualTo(sent);
    assertThat(body.get("name").asString()).isEqualTo("base64_encode");
  }
}
