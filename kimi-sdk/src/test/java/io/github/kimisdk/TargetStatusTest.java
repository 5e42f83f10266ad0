package io.github.kimisdk;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.kimisdk.errors.ConfigurationException;
import io.github.kimisdk.host.Host;
import io.github.kimisdk.host.TargetStatus;
import io.github.kimisdk.model.Spend;
import io.github.kimisdk.platform.PingResult;
import java.time.Duration;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * {@link TargetStatus#condition()}: one case per state and check outcome, so that a misconfigured
 * target is told from an overloaded and a down one.
 */
class TargetStatusTest {

  private static final Target VLLM = Target.of(Host.vllm("http://127.0.0.1:8000/v1"), "kimi-k3");

  @ParameterizedTest
  @CsvSource({
    "AVAILABLE, , 0, UP, true",
    "PROBING, , 0, UP, true",
    "COOLING, , 0, OVERLOADED, false",
    "AVAILABLE, OK, 200, UP, true",
    "COOLING, OK, 200, OVERLOADED, false",
    "AVAILABLE, MISCONFIGURED, 200, MISCONFIGURED, false",
    "COOLING, MISCONFIGURED, 200, MISCONFIGURED, false",
    "AVAILABLE, BAD_KEY, 401, MISCONFIGURED, false",
    "AVAILABLE, UNREACHABLE, 0, DOWN, false",
    "AVAILABLE, ERROR, 500, DOWN, false",
    "AVAILABLE, ERROR, 503, OVERLOADED, false",
    "AVAILABLE, ERROR, 529, OVERLOADED, false",
    "AVAILABLE, ERROR, 404, DOWN, false",
  })
  void theConditionTellsMisconfiguredFromOverloadedFromDown(
      TargetStatus.State state,
      PingResult.Status check,
      int http,
      TargetStatus.Condition condition,
      boolean available) {
    PingResult ping =
        check == null
            ? null
            : new PingResult(
                check,
                http,
                Duration.ofMillis(3),
                check == PingResult.Status.MISCONFIGURED
                    ? new ConfigurationException("vllm does not serve kimi-k3")
                    : null);
    TargetStatus status =
        new TargetStatus(
            VLLM,
            state,
            state == TargetStatus.State.COOLING ? Duration.ofSeconds(5) : Duration.ZERO,
            Spend.NONE,
            ping);
    assertThat(status.condition()).isEqualTo(condition);
    assertThat(status.isAvailable()).isEqualTo(available);
  }
}
