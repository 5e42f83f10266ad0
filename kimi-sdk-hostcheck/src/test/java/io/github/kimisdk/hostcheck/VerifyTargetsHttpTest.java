package io.github.kimisdk.hostcheck;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.kimisdk.Endpoint;
import io.github.kimisdk.KimiClient;
import io.github.kimisdk.RequestOptions;
import io.github.kimisdk.Target;
import io.github.kimisdk.errors.ConfigurationException;
import io.github.kimisdk.host.Host;
import io.github.kimisdk.host.TargetStatus;
import io.github.kimisdk.hostcheck.TargetReport.Check;
import io.github.kimisdk.hostcheck.TargetReport.Finding;
import io.github.kimisdk.hostcheck.TargetReport.Outcome;
import io.github.kimisdk.platform.PingResult;
import io.github.kimisdk.testing.FakeKimiServer;
import io.github.kimisdk.testing.FakeResponse;
import io.github.kimisdk.testing.RecordedRequest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The host check ({@link HostCheck#verify}) against a {@link FakeKimiServer} playing each
 * misconfiguration in each dialect that matters (Moonshot, vLLM, SGLang), and a host set up right:
 * it names each fault with what to change, passes the correct host, and costs what the guide says.
 */
class VerifyTargetsHttpTest {

  /** A key long enough that the SDK redacts it wherever a host echoes it. */
  private static final String KEY = "sk-verify-0123456789abcdefghijklmnop";

  /** The hosts a team runs K3 on, each as its preset names it and the fake speaks it. */
  enum Server {
    MOONSHOT("moonshot"),
    VLLM("vllm"),
    SGLANG("sglang");

    final String dialect;

    Server(String dialect) {
      this.dialect = dialect;
    }

    Host host(String url) {
      return switch (this) {
        case MOONSHOT -> Host.moonshot(Endpoint.of(url));
        case VLLM -> Host.vllm(url);
        case SGLANG -> Host.sglang(url);
      };
    }
  }

  private final List<FakeKimiServer> fakes = new ArrayList<>();

  @AfterEach
  void stop() {
    fakes.forEach(FakeKimiServer::close);
  }

  private FakeKimiServer fake(Server s, String misconfigure) {
    FakeKimiServer f = new FakeKimiServer().dialect(s.dialect).misconfigure(misconfigure).start();
    fakes.add(f);
    return f;
  }

  private TargetReport verify(Server s, String misconfigure) {
    FakeKimiServer f = fake(s, misconfigure);
    try (KimiClient kimi = KimiClient.builder().apiKey(KEY).host(s.host(f.baseUrl())).build()) {
      List<TargetReport> reports = HostCheck.verify(kimi, "kimi-k3");
      assertThat(reports).hasSize(1);
      return reports.get(0);
    }
  }

  private static Set<Check> failed(TargetReport r) {
    Set<Check> out = EnumSet.noneOf(Check.class);
    r.failures().forEach(f -> out.add(f.check()));
    return out;
  }

  @ParameterizedTest
  @EnumSource(Server.class)
  void aHostSetUpRightPassesEveryCheckInFourRequests(Server s) {
    TargetReport r = verify(s, "");
    assertThat(r.failures()).as(r.toString()).isEmpty();
    assertThat(r.passed()).isTrue();
    for (Finding f : r.findings()) {
      assertThat(f.outcome()).as(f.toString()).isEqualTo(Outcome.PASSED);
      assertThat(f.fix()).isEmpty();
    }
    assertThat(r.requests()).isEqualTo(4);
    // the guide's cost: 182 tokens against the fake (prompts of about 100 tokens, and at most
    // 96 + 32 + 128 completion tokens for a model that can switch thinking off)
    assertThat(r.tokens()).as("the tokens the host reported").isBetween(100L, 400L);
    assertThat(r.model()).isEqualTo("kimi-k3");
    assertThat(r.hostModel()).isEqualTo(s == Server.MOONSHOT ? "kimi-k3" : "moonshotai/Kimi-K3");
  }

  static Stream<Arguments> faults() {
    List<Arguments> out = new ArrayList<>();
    for (Server s : Server.values()) {
      String parserFix =
          switch (s) {
            case MOONSHOT -> "report it to moonshot";
            case VLLM -> "start vLLM with --reasoning-parser kimi_k3";
            case SGLANG -> "start SGLang with --reasoning-parser kimi_k3";
          };
      String toolFix =
          switch (s) {
            case MOONSHOT -> "report it to moonshot";
            case VLLM -> "start vLLM with --enable-auto-tool-choice --tool-call-parser kimi_k3";
            case SGLANG -> "start SGLang with --tool-call-parser kimi_k3";
          };
      String switchFix =
          switch (s) {
            case MOONSHOT -> "report it to Moonshot";
            case VLLM, SGLANG -> "chat template ignores chat_template_kwargs.thinking";
          };
      out.add(
          Arguments.of(
              s,
              "no-reasoning-parser",
              EnumSet.of(Check.THINKING_ON, Check.REASONING_SPLIT),
              parserFix));
      // K2's parser on K3: vLLM's keeps it all as reasoning (the key is right, the split is not),
      // SGLang's passes it all on as content
      out.add(
          Arguments.of(
              s,
              "k2-reasoning-parser",
              s == Server.SGLANG
                  ? EnumSet.of(Check.THINKING_ON, Check.REASONING_SPLIT)
                  : EnumSet.of(Check.REASONING_SPLIT),
              parserFix));
      out.add(
          Arguments.of(s, "ignores-thinking-switch", EnumSet.of(Check.THINKING_OFF), switchFix));
      out.add(Arguments.of(s, "no-tool-parser", EnumSet.of(Check.TOOL_CALLS), toolFix));
      out.add(
          Arguments.of(
              s,
              "no-stream-usage",
              EnumSet.of(Check.STREAM_USAGE),
              s == Server.VLLM ? "--enable-force-include-usage" : "usage"));
      out.add(
          Arguments.of(
              s,
              "retired=kimi-k3",
              EnumSet.of(Check.MODEL),
              "give the target a model it serves ("));
    }
    return out.stream();
  }

  @ParameterizedTest(name = "{0} {1}")
  @MethodSource("faults")
  void eachMisconfigurationIsNamedWithWhatToChange(
      Server s, String misconfigure, Set<Check> expected, String fix) {
    TargetReport r = verify(s, misconfigure);
    assertThat(r.passed()).isFalse();
    assertThat(failed(r)).as(r.toString()).isEqualTo(expected);
    for (Check c : expected) {
      assertThat(r.finding(c).fix()).as(r.finding(c).toString()).contains(fix);
    }
    for (Finding f : r.findings()) {
      assertThat(f.toString() + r).doesNotContain(KEY);
    }
  }

  @ParameterizedTest
  @EnumSource(Server.class)
  void aRetiredModelIsMisconfiguredInTheHostsOwnWordsAndNothingElseIsSent(Server s) {
    TargetReport r = verify(s, "retired=kimi-k3");
    Finding model = r.finding(Check.MODEL);
    assertThat(model.outcome()).isEqualTo(Outcome.FAILED);
    assertThat(model.detail())
        .contains("GET /models lists")
        .contains(
            switch (s) {
              case MOONSHOT -> "404 \"Not found the model kimi-k3 or Permission denied\"";
              case VLLM -> "404 \"The model `moonshotai/Kimi-K3` does not exist.\"";
              case SGLANG -> "400 \"The model `moonshotai/Kimi-K3` does not exist.";
            });
    assertThat(r.finding(Check.ACCESS).outcome()).isEqualTo(Outcome.PASSED);
    assertThat(r.finding(Check.TOOL_CALLS).outcome()).isEqualTo(Outcome.SKIPPED);
    assertThat(r.finding(Check.TOOL_CALLS).detail()).contains("the model is not served");
    assertThat(r.requests()).as("GET /models and one call").isEqualTo(2);
    assertThat(r.tokens()).isZero();
  }

  @Test
  void aPresetThatDoesNotFitTheHostIsNamed() {
    // a vLLM behind Host.compatible: Moonshot's thinking object, reasoning_content in the history
    FakeKimiServer f = fake(Server.VLLM, "");
    try (KimiClient kimi =
        KimiClient.builder()
            .apiKey(KEY)
            .host(
                Host.compatible("my-vllm", f.baseUrl())
                    .withModelId("kimi-k3", "moonshotai/Kimi-K3"))
            .build()) {
      TargetReport r = HostCheck.verify(kimi, "kimi-k3").get(0);
      assertThat(failed(r))
          .as(r.toString())
          .isEqualTo(EnumSet.of(Check.THINKING_ON, Check.THINKING_OFF));
      assertThat(r.finding(Check.THINKING_ON).fix()).contains("withReasoningKey(\"reasoning\")");
      assertThat(r.finding(Check.THINKING_OFF).fix())
          .contains("withThinkingSwitch(Host.ThinkingSwitch.CHAT_TEMPLATE_KWARGS)");
    }
  }

  @ParameterizedTest
  @EnumSource(Server.class)
  void anOverloadedHostIsToldOverloadedNeverMisconfigured(Server s) {
    FakeKimiServer f = fake(s, "");
    f.failCalls("overloaded=1");
    try (KimiClient kimi = KimiClient.builder().apiKey(KEY).host(s.host(f.baseUrl())).build()) {
      TargetReport r = HostCheck.verify(kimi, "kimi-k3").get(0);
      assertThat(failed(r)).as(r.toString()).isEqualTo(EnumSet.of(Check.ACCESS));
      assertThat(r.finding(Check.ACCESS).detail()).contains("while it was checked");
      assertThat(r.finding(Check.ACCESS).fix())
          .contains("check it again when it is not overloaded");
      assertThat(r.finding(Check.MODEL).outcome()).isEqualTo(Outcome.SKIPPED);
      assertThat(r.requests()).as("GET /models and one call, sent once").isEqualTo(2);
    }
  }

  @Test
  @Timeout(30)
  void aHostThatDoesNotAnswerIsBoundedByTheClientsTimeout() {
    FakeKimiServer f = fake(Server.VLLM, "");
    f.latency(Duration.ofSeconds(20));
    try (KimiClient kimi = KimiClient.builder().apiKey(KEY).host(Host.vllm(f.baseUrl())).build()) {
      TargetReport r =
          HostCheck.verify(
                  kimi.withOptions(
                      RequestOptions.builder().timeout(Duration.ofMillis(300)).build()),
                  "kimi-k3")
              .get(0);
      assertThat(failed(r)).isEqualTo(EnumSet.of(Check.ACCESS));
      assertThat(r.finding(Check.ACCESS).detail())
          .startsWith("the host did not answer within PT0.3S");
      assertThat(r.requests()).isEqualTo(1);
    }
  }

  @Test
  @Timeout(30)
  void aStreamThatStallsIsBoundedByTheClientsTimeout() {
    FakeKimiServer f = fake(Server.VLLM, "");
    f.respondWith(
        r ->
            r.bodyText().contains("\"stream\":true")
                ? FakeResponse.sse()
                    .data(
                        "{\"id\":\"x\",\"object\":\"chat.completion.chunk\",\"choices\":"
                            + "[{\"index\":0,\"delta\":{\"role\":\"assistant\"}}]}")
                    .pause(Duration.ofSeconds(20))
                    .done()
                    .build()
                : null);
    try (KimiClient kimi = KimiClient.builder().apiKey(KEY).host(Host.vllm(f.baseUrl())).build()) {
      TargetReport r =
          HostCheck.verify(
                  kimi.withOptions(RequestOptions.builder().timeout(Duration.ofSeconds(2)).build()),
                  "kimi-k3")
              .get(0);
      assertThat(failed(r)).as(r.toString()).isEqualTo(EnumSet.of(Check.ACCESS));
      assertThat(r.finding(Check.ACCESS).detail())
          .startsWith("the host did not answer within PT2S");
      assertThat(r.finding(Check.THINKING_ON).outcome()).isEqualTo(Outcome.PASSED);
      assertThat(r.finding(Check.STREAM_USAGE).outcome()).isEqualTo(Outcome.SKIPPED);
    }
  }

  @Test
  void aHostEchoingTheKeyIsQuotedWithTheKeyRedacted() {
    FakeKimiServer f = fake(Server.VLLM, "no-reasoning-parser");
    f.respondWith(
        r ->
            r.path().endsWith("/chat/completions")
                ? FakeResponse.reply("Your key is " + KEY + ".")
                : null);
    try (KimiClient kimi = KimiClient.builder().apiKey(KEY).host(Host.vllm(f.baseUrl())).build()) {
      TargetReport r = HostCheck.verify(kimi, "kimi-k3").get(0);
      assertThat(r.finding(Check.REASONING_SPLIT).detail())
          .contains("Your key is [API key redacted].");
      assertThat(r.finding(Check.TOOL_CALLS).detail()).contains("[API key redacted]");
      for (Finding finding : r.findings()) {
        assertThat(finding.detail() + finding.fix()).doesNotContain(KEY);
      }
      assertThat(r.toString()).doesNotContain(KEY);
    }
  }

  @Test
  void aTargetOnAnotherWireIsReportedUncheckedAndDoesNotPass() {
    FakeKimiServer f = fake(Server.MOONSHOT, "");
    try (KimiClient kimi = KimiClient.builder().apiKey(KEY).baseUrl(f.anthropicBaseUrl()).build()) {
      TargetReport r = HostCheck.verify(kimi, "kimi-k3").get(0);
      assertThat(r.failures()).isEmpty();
      assertThat(r.passed()).isFalse();
      assertThat(r.finding(Check.ACCESS).detail())
          .isEqualTo(
              "not checked: the check speaks chat completions, and this target speaks"
                  + " ANTHROPIC_MESSAGES");
      assertThat(r.requests()).isZero();
    }
    assertThat(f.requestCount()).isZero();
  }

  @Test
  void checkTargetsTellsAMisconfiguredTargetFromAnOverloadedAndADownOne() {
    FakeKimiServer own = fake(Server.MOONSHOT, "");
    FakeKimiServer retired = fake(Server.VLLM, "retired=kimi-k3");
    FakeKimiServer busy = fake(Server.VLLM, "");
    busy.enqueue(
        FakeResponse.error(
            503,
            "{\"error\":{\"message\":\"The engine is currently busy and cannot accept new"
                + " requests.\",\"type\":\"Service Unavailable\",\"param\":null,\"code\":503}}"));
    FakeKimiServer gone = new FakeKimiServer().start();
    String goneUrl = gone.baseUrl();
    gone.close();
    try (KimiClient kimi =
        KimiClient.builder()
            .apiKey(KEY)
            .baseUrl(own.baseUrl())
            .fallback(Target.of(Host.vllm(retired.baseUrl()), "kimi-k3"))
            .fallback(Target.of(Host.vllm(busy.baseUrl()), "kimi-k3"))
            .fallback(Target.of(Host.vllm(goneUrl), "kimi-k3"))
            .build()) {
      List<TargetStatus> checked = kimi.account().checkTargets();
      assertThat(checked)
          .extracting(TargetStatus::condition)
          .containsExactly(
              TargetStatus.Condition.UP,
              TargetStatus.Condition.MISCONFIGURED,
              TargetStatus.Condition.OVERLOADED,
              TargetStatus.Condition.DOWN);
      TargetStatus misconfigured = checked.get(1);
      assertThat(misconfigured.isAvailable()).isFalse();
      assertThat(misconfigured.ping().status()).isEqualTo(PingResult.Status.MISCONFIGURED);
      assertThat(misconfigured.ping().httpStatus()).isEqualTo(200);
      assertThat(misconfigured.ping().error())
          .isInstanceOf(ConfigurationException.class)
          .hasMessageContaining("does not serve kimi-k3 as moonshotai/Kimi-K3")
          .hasMessageContaining("GET /models lists moonshotai/Kimi-K2.6");
      assertThat(checked.get(2).ping().status()).isEqualTo(PingResult.Status.ERROR);
      assertThat(checked.get(3).ping().status()).isEqualTo(PingResult.Status.UNREACHABLE);
    }
    assertThat(retired.requests())
        .as("the check costs no tokens: GET /models alone")
        .extracting(RecordedRequest::path)
        .containsExactly("/v1/models");
  }

  @Test
  void eachTargetOfAChainIsCheckedWithItsOwnModelKeyAndHost() {
    FakeKimiServer moonshot = fake(Server.MOONSHOT, "");
    FakeKimiServer vllm = fake(Server.VLLM, "no-tool-parser");
    FakeKimiServer sglang = fake(Server.SGLANG, "retired=kimi-k2.6");
    try (KimiClient kimi =
        KimiClient.builder()
            .apiKey(KEY)
            .baseUrl(moonshot.baseUrl())
            .fallback(Target.of(Host.vllm(vllm.baseUrl()), "kimi-k3"))
            .fallback(Target.of(Host.sglang(sglang.baseUrl()), "kimi-k2.6"))
            .build()) {
      List<TargetReport> reports = HostCheck.verify(kimi, "kimi-k3");
      assertThat(reports).hasSize(3);
      assertThat(reports.get(0).passed()).as(reports.get(0).toString()).isTrue();
      assertThat(failed(reports.get(1))).isEqualTo(EnumSet.of(Check.TOOL_CALLS));
      assertThat(reports.get(2).model()).isEqualTo("kimi-k2.6");
      assertThat(failed(reports.get(2))).isEqualTo(EnumSet.of(Check.MODEL));
    }
    RecordedRequest first = vllm.requests().get(0);
    assertThat(first.path()).isEqualTo("/v1/models");
    assertThat(first.header("Authorization")).as("a target never takes the client's key").isEmpty();
  }
}
