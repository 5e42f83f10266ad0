package io.github.kimisdk.hostcheck;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.kimisdk.Target;
import io.github.kimisdk.host.Host;
import io.github.kimisdk.hostcheck.TargetReport.Check;
import io.github.kimisdk.hostcheck.TargetReport.Finding;
import io.github.kimisdk.hostcheck.TargetReport.Outcome;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** {@link TargetReport}: what passed means, the failures in order, and a text without the key. */
class TargetReportTest {

  private static final String KEY = "sk-report-0123456789abcdefghij";

  private static TargetReport report(Outcome toolCalls) {
    List<Finding> findings = new ArrayList<>();
    for (Check c : Check.values()) {
      Outcome o = c == Check.TOOL_CALLS ? toolCalls : Outcome.PASSED;
      findings.add(
          new Finding(
              c,
              o,
              c == Check.TOOL_CALLS ? "raw markers in content" : "fine",
              o == Outcome.FAILED ? "start vLLM with --tool-call-parser kimi_k3" : ""));
    }
    return new TargetReport(
        Target.of(Host.vllm("http://127.0.0.1:8000/v1"), "kimi-k3").apiKey(KEY),
        "kimi-k3",
        "moonshotai/Kimi-K3",
        findings,
        4,
        312,
        Duration.ofMillis(1200));
  }

  @Test
  void aReportPassesUnlessACheckFailed() {
    assertThat(report(Outcome.PASSED).passed()).isTrue();
    assertThat(report(Outcome.SKIPPED).passed()).as("a feature the model lacks").isTrue();
    TargetReport failed = report(Outcome.FAILED);
    assertThat(failed.passed()).isFalse();
    assertThat(failed.failures()).extracting(Finding::check).containsExactly(Check.TOOL_CALLS);
    assertThat(failed.finding(Check.TOOL_CALLS).failed()).isTrue();
    assertThat(failed.finding(Check.MODEL).failed()).isFalse();
  }

  @Test
  void aTargetThatCouldNotBeCheckedDoesNotPass() {
    List<Finding> skipped = new ArrayList<>();
    for (Check c : Check.values()) {
      skipped.add(new Finding(c, Outcome.SKIPPED, "not checked: another wire", ""));
    }
    TargetReport r =
        new TargetReport(
            Target.of(Host.MOONSHOT), "kimi-k3", "kimi-k3", skipped, 0, 0, Duration.ZERO);
    assertThat(r.failures()).isEmpty();
    assertThat(r.passed()).isFalse();
  }

  @Test
  void itPrintsTheTargetTheFailuresAndTheCostButNeverTheKey() {
    String text = report(Outcome.FAILED).toString();
    assertThat(text)
        .startsWith("TargetReport[target=Target[host=vllm, baseUrl=http://127.0.0.1:8000/v1")
        .contains("hostModel=moonshotai/Kimi-K3", "passed=false", "check=TOOL_CALLS")
        .contains("fix=start vLLM with --tool-call-parser kimi_k3", "requests=4", "tokens=312")
        .doesNotContain(KEY)
        .doesNotContain("detail=fine");
  }

  /** A report of kimi-k3 on Moonshot with no finding, after {@code requests} requests. */
  private static TargetReport withoutFindings(int requests) {
    return new TargetReport(
        Target.of(Host.MOONSHOT), "kimi-k3", "kimi-k3", List.of(), requests, 0, Duration.ZERO);
  }

  @Test
  void theComponentsAreChecked() {
    assertThatThrownBy(() -> withoutFindings(-1)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> withoutFindings(0).finding(Check.MODEL))
        .hasMessage("no finding for MODEL");
    assertThatThrownBy(() -> new Finding(Check.MODEL, Outcome.PASSED, "fine", null))
        .isInstanceOf(NullPointerException.class);
  }
}
