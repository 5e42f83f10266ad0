package io.github.kimisdk.springai.autoconfigure;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.ArgumentMatchers.anyInt;
import static org.mockito.Mockito.inOrder;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.never;
import static org.mockito.Mockito.verify;

import io.github.kimisdk.KimiClient;
import io.github.kimisdk.RetryPolicy;
import io.github.kimisdk.Target;
import io.github.kimisdk.host.TargetStatus;
import java.time.Duration;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.mockito.InOrder;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.diagnostics.FailureAnalysis;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

/**
 * Routing's properties: {@code spring.ai.kimi.weight}, {@code spring.ai.kimi.fallback[n].replica}
 * and {@code .weight}, {@code spring.ai.kimi.retry.hedge-after}, {@code .hedge-budget} and {@code
 * .continue-streams}, into the SDK's builder and policy; a value out of range fails the start
 * naming its property.
 */
class KimiRoutingPropertiesTest {

  private final ApplicationContextRunner runner =
      Contexts.withoutEnvironmentVariables()
          .withConfiguration(AutoConfigurations.of(KimiAutoConfiguration.class))
          .withPropertyValues("spring.ai.kimi.api-key=sk-route-key");

  @Test
  void hedgeAfterAloneHedgesWithABudgetOfOneInTen() {
    KimiConnectionProperties.Retry retry = new KimiConnectionProperties.Retry();
    retry.setHedgeAfter(Duration.ofMillis(500));

    RetryPolicy p = retry.toPolicy();

    assertThat(p.hedgeAfter()).contains(Duration.ofMillis(500));
    assertThat(p.hedgeBudget()).isEqualTo(0.1);
    assertThat(p.continuesStreams()).isFalse();
    assertThat(p)
        .isEqualTo(RetryPolicy.defaults().withHedging(Duration.ofMillis(500), 0.1))
        .as("the rest is the SDK's default");
  }

  @Test
  void hedgeBudgetAndContinueStreamsBecomeTheSdksPolicy() {
    KimiConnectionProperties.Retry retry = new KimiConnectionProperties.Retry();
    retry.setHedgeAfter(Duration.ofSeconds(2));
    retry.setHedgeBudget(0.25);
    retry.setContinueStreams(true);
    retry.setMaxRetries(3);

    assertThat(retry.toPolicy())
        .isEqualTo(
            RetryPolicy.defaults()
                .withMaxRetries(3)
                .withHedging(Duration.ofSeconds(2), 0.25)
                .withStreamContinuation(true));
  }

  @Test
  void busyWaitBecomesTheSdksBusyWait() {
    KimiConnectionProperties.Retry retry = new KimiConnectionProperties.Retry();
    retry.setBusyWait(Duration.ofSeconds(20));

    assertThat(retry.toPolicy())
        .isEqualTo(RetryPolicy.defaults().withBusyWait(Duration.ofSeconds(20)));
  }

  @Test
  void continueStreamsFalseAloneIsTheDefaultPolicySpelledOut() {
    KimiConnectionProperties.Retry retry = new KimiConnectionProperties.Retry();
    retry.setContinueStreams(false);

    assertThat(retry.toPolicy()).isEqualTo(RetryPolicy.defaults());
  }

  @Test
  void aChainOfReplicasAndFallbacksStartsWithEachTargetsWeightInItsPlace() {
    runner
        .withPropertyValues(
            "spring.ai.kimi.host=vllm",
            "spring.ai.kimi.base-url=http://127.0.0.1:8001/v1",
            "spring.ai.kimi.weight=3",
            "spring.ai.kimi.fallback[0].host=vllm",
            "spring.ai.kimi.fallback[0].base-url=http://127.0.0.1:8002/v1",
            "spring.ai.kimi.fallback[0].replica=true",
            "spring.ai.kimi.fallback[0].weight=2",
            "spring.ai.kimi.fallback[1].model=kimi-k3",
            "spring.ai.kimi.fallback[1].api-key=sk-moonshot-key",
            "spring.ai.kimi.retry.hedge-after=750ms",
            "spring.ai.kimi.retry.continue-streams=true")
        .run(
            context -> {
              assertThat(context).hasNotFailed();
              KimiClient client = context.getBean(KimiClient.class);
              List<Target> chain =
                  client.account().targets().stream().map(TargetStatus::target).toList();
              assertThat(chain)
                  .extracting(t -> t.host().name())
                  .containsExactly("vllm", "vllm", "moonshot");
              assertThat(chain.get(1).weight()).isEqualTo(2);
              assertThat(chain.get(2).weight()).as("a fallback's weight unset").isEqualTo(1);
              assertThat(client.retryPolicy().hedgeAfter()).contains(Duration.ofMillis(750));
              assertThat(client.retryPolicy().continuesStreams()).isTrue();
              KimiConnectionProperties p = context.getBean(KimiConnectionProperties.class);
              assertThat(p.getWeight()).isEqualTo(3);
              assertThat(p.getFallback())
                  .extracting(KimiConnectionProperties.Fallback::isReplica)
                  .containsExactly(true, false);
              assertThat(p.toString()).contains("replica").doesNotContain("sk-moonshot-key");
            });
  }

  @Test
  void eachTargetReachesTheBuilderAsAReplicaOrAFallbackInOrderWithTheOwnWeight() {
    KimiConnectionProperties connection = new KimiConnectionProperties();
    connection.setWeight(3);
    connection.setFallback(
        List.of(
            target("http://127.0.0.1:8002/v1", true, 2),
            target("http://127.0.0.1:8003/v1", false, null),
            target("http://127.0.0.1:8004/v1", true, null)));
    KimiClient.Builder builder = mock(KimiClient.Builder.class);

    List<Target> chain = KimiAutoConfiguration.chain(builder, connection, null);

    assertThat(chain).extracting(Target::weight).containsExactly(2, 1, 1);
    InOrder order = inOrder(builder);
    order.verify(builder).replica(chain.get(0));
    order.verify(builder).fallback(chain.get(1));
    order.verify(builder).replica(chain.get(2));
    verify(builder).weight(3);
    verify(builder, never()).fallback(chain.get(0));
    verify(builder, never()).fallback(chain.get(2));
  }

  @Test
  void withoutRoutingPropertiesTheChainIsFallbacksAndTheOwnWeightIsLeftAlone() {
    KimiConnectionProperties connection = new KimiConnectionProperties();
    connection.setFallback(List.of(target("http://127.0.0.1:8002/v1", false, null)));
    KimiClient.Builder builder = mock(KimiClient.Builder.class);

    KimiAutoConfiguration.chain(builder, connection, null);

    verify(builder).fallback(any());
    verify(builder, never()).replica(any());
    verify(builder, never()).weight(anyInt());
  }

  private static KimiConnectionProperties.Fallback target(
      String baseUrl, boolean replica, Integer weight) {
    KimiConnectionProperties.Fallback f = new KimiConnectionProperties.Fallback();
    f.setHost("vllm");
    f.setBaseUrl(baseUrl);
    f.setReplica(replica);
    f.setWeight(weight);
    return f;
  }

  static Stream<Arguments> outOfRange() {
    return Stream.of(
        Arguments.of("spring.ai.kimi.weight=0", "spring.ai.kimi.weight=0", "from 1 to 1000"),
        Arguments.of("spring.ai.kimi.weight=1001", "spring.ai.kimi.weight=1001", "from 1 to 1000"),
        Arguments.of(
            "spring.ai.kimi.fallback[0].weight=0",
            "spring.ai.kimi.fallback[0].weight=0",
            "from 1 to 1000"),
        Arguments.of(
            "spring.ai.kimi.fallback[0].weight=-2",
            "spring.ai.kimi.fallback[0].weight=-2",
            "from 1 to 1000"),
        Arguments.of(
            "spring.ai.kimi.retry.hedge-after=0s",
            "spring.ai.kimi.retry.hedge-after=PT0S is not positive",
            "positive duration"),
        Arguments.of(
            "spring.ai.kimi.retry.hedge-after=-1s",
            "spring.ai.kimi.retry.hedge-after=PT-1S is not positive",
            "positive duration"),
        Arguments.of(
            "spring.ai.kimi.retry.hedge-budget=0",
            "spring.ai.kimi.retry.hedge-budget=0.0",
            "above 0 and at most 1"),
        Arguments.of(
            "spring.ai.kimi.retry.hedge-budget=1.5",
            "spring.ai.kimi.retry.hedge-budget=1.5",
            "above 0 and at most 1"),
        Arguments.of(
            "spring.ai.kimi.retry.hedge-budget=NaN",
            "spring.ai.kimi.retry.hedge-budget=NaN",
            "above 0 and at most 1"));
  }

  @ParameterizedTest
  @MethodSource("outOfRange")
  void aRoutingValueOutOfRangeFailsTheStartNamingItsProperty(
      String property, String description, String action) {
    String[] properties = {
      property,
      "spring.ai.kimi.fallback[0].replica=true",
      "spring.ai.kimi.fallback[0].host=vllm",
      "spring.ai.kimi.fallback[0].base-url=http://127.0.0.1:8002/v1",
      property.contains("hedge-budget") ? "spring.ai.kimi.retry.hedge-after=1s" : "a=b"
    };
    FailureAnalysis analysis = analysis(properties);

    assertThat(analysis.getDescription()).contains(description);
    assertThat(analysis.getAction()).contains(action);
  }

  @Test
  void aHedgeBudgetWithoutHedgeAfterFailsTheStartSayingWhatIsMissing() {
    FailureAnalysis analysis = analysis("spring.ai.kimi.retry.hedge-budget=0.2");

    assertThat(analysis.getDescription())
        .contains("spring.ai.kimi.retry.hedge-budget=0.2 is set without hedge-after");
    assertThat(analysis.getAction()).contains("spring.ai.kimi.retry.hedge-after");
  }

  /** The failure analysis of a start with {@code properties}, which must fail. */
  private FailureAnalysis analysis(String... properties) {
    FailureAnalysis analysis = Contexts.failedStart(runner, properties);
    assertThat(analysis.getDescription() + analysis.getAction()).doesNotContain("sk-route-key");
    return analysis;
  }
}
