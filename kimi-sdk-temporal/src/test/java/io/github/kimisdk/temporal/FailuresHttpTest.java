package io.github.kimisdk.temporal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.kimisdk.KimiClient;
import io.github.kimisdk.RetryPolicy;
import io.github.kimisdk.agents.Agent;
import io.github.kimisdk.agents.BankTools;
import io.github.kimisdk.agents.RunState;
import io.github.kimisdk.chat.Message;
import io.github.kimisdk.testing.FakeKimiExtension;
import io.github.kimisdk.testing.FakeKimiServer;
import io.github.kimisdk.testing.FakeResponse;
import io.temporal.client.WorkflowFailedException;
import io.temporal.failure.ApplicationFailure;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * A model call that fails for good: the client retried it within its own policy, Temporal does not
 * try it again (the server saw the client's attempts, not their product with Temporal's), and the
 * run fails its workflow with its last saved state, from which a new run goes on.
 */
@ExtendWith(FakeKimiExtension.class)
class FailuresHttpTest {
  static final String OVERLOADED =
      "{\"error\":{\"type\":\"engine_overloaded_error\",\"message\":\"busy\"}}";

  @Test
  void aModelCallTheClientGaveUpOnIsNotRetriedByTemporalAndTheRunFailsWithItsState(
      FakeKimiServer server, FakeKimiExtension.Clients clients) throws Exception {
    for (int i = 0; i < 3; i++) {
      server.enqueue(FakeResponse.error(500, OVERLOADED));
    }
    KimiClient kimi =
        clients.build(
            b ->
                b.retryPolicy(
                    RetryPolicy.defaults()
                        .withMaxRetries(2)
                        .withBackoff(Duration.ofMillis(1), Duration.ofMillis(5))));
    Agent agent =
        Agent.builder(kimi, "kimi-k3").name("payments", "1").tool(BankTools.notifier()).build();
    InProcessTemporal t =
        new InProcessTemporal(KimiAgents.builder().agent("payments", agent).build());
    try {
      t.start(AgentRun.of("payments", "fails-1", List.of(Message.user("notify to=acct-1"))));

      assertThatThrownBy(() -> t.result("fails-1"))
          .isInstanceOf(WorkflowFailedException.class)
          .satisfies(
              e -> {
                ApplicationFailure f = (ApplicationFailure) e.getCause();
                assertThat(f.getType()).isEqualTo(RunOutcome.FAILED_TYPE);
                RunState last = RunState.fromJson(f.getDetails().get(String.class));
                assertThat(last.id()).isEqualTo("fails-1");
                assertThat(last.steps()).isZero();
              });
      // the client's three attempts (one and two retries), and no attempt of Temporal's on top
      assertThat(server.requestCount()).isEqualTo(3);

      // the run goes on from the state the failure carried
      RunState last;
      try {
        t.result("fails-1");
        throw new AssertionError("the run failed");
      } catch (WorkflowFailedException e) {
        last =
            RunState.fromJson(((ApplicationFailure) e.getCause()).getDetails().get(String.class));
      }
      t.start(new AgentRun("payments", "fails-1b", null, null, null, last.toJson(), 1, null));
      assertThat(t.result("fails-1b").status()).isEqualTo("answered");
    } finally {
      t.close();
    }
  }
}
