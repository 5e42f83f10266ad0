package io.github.kimisdk;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.kimisdk.chat.ChatCompletion;
import io.github.kimisdk.chat.ChatRequest;
import io.github.kimisdk.chat.ChatStream;
import io.github.kimisdk.host.Host;
import io.github.kimisdk.host.TargetStatus;
import io.github.kimisdk.testing.FakeKimiServer;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Hedging a slow first token ({@link RetryPolicy#withHedging}), against fakes: a first target whose
 * streams bring their first chunk only after seconds, a second that answers at once.
 */
class HedgeHttpTest {

  private static final Duration SLOW = Duration.ofSeconds(20);

  private List<FakeKimiServer> servers = List.of();
  private final List<CallEvent.Rerouted> reroutes = new CopyOnWriteArrayList<>();
  private final List<CallEvent.Retry> retries = new CopyOnWriteArrayList<>();
  private final List<CallEvent.Headers> headers = new CopyOnWriteArrayList<>();

  @AfterEach
  void stop() {
    servers.forEach(FakeKimiServer::close);
  }

  private KimiClient client(RetryPolicy policy, boolean replica) {
    servers = FakeKimiServer.replicas(2, s -> s.dialect("vllm"));
    servers.get(0).slowFirstToken(1, SLOW);
    Target second = Target.of(Host.vllm(servers.get(1).baseUrl()));
    KimiClient.Builder b =
        KimiClient.builder()
            .host(Host.vllm(servers.get(0).baseUrl()))
            .retryPolicy(policy)
            .listener(
                new CallListener() {
                  @Override
                  public void onRerouted(CallEvent.Rerouted event) {
                    reroutes.add(event);
                  }

                  @Override
                  public void onRetry(CallEvent.Retry event) {
                    retries.add(event);
                  }

                  @Override
                  public void onHeaders(CallEvent.Headers event) {
                    headers.add(event);
                  }
                });
    return (replica ? b.replica(second) : b.fallback(second)).build();
  }

  private static ChatRequest request(int i) {
    return ChatRequest.of("kimi-k3", "Say hello, number " + i);
  }

  @Test
  void aStreamWithNoTextWithinTheDelayIsSentToTheNextTargetAndReadFromIt() {
    Duration after = Duration.ofMillis(200);
    try (KimiClient kimi = client(RetryPolicy.defaults().withHedging(after, 1.0), false)) {
      ChatCompletion whole;
      try (ChatStream s = kimi.stream(request(1))) {
        whole = s.toCompletion();
      }
      assertThat(whole.text()).isNotEmpty();
      assertThat(whole.metadata().servedBy().target()).isEqualTo(1);
    }
    // the slow copy is told below (a hedge from target 0); its server may not have it yet on a
    // loaded machine when the copy was cancelled before it arrived, so it is counted at most once
    assertThat(servers.get(0).requestCount()).isLessThanOrEqualTo(1);
    assertThat(servers.get(1).requestCount()).isEqualTo(1);
    assertThat(retries).as("a hedge spends no retry").isEmpty();
    assertThat(reroutes)
        .singleElement()
        .satisfies(
            r -> {
              assertThat(r.kind()).isEqualTo(CallEvent.Reroute.HEDGED);
              assertThat(r.attempt()).isEqualTo(2);
              assertThat(r.from().target()).isEqualTo(0);
              assertThat(r.to().target()).isEqualTo(1);
              assertThat(r.after()).isEqualTo(after);
            });
  }

  /**
   * A stream whose headers are late is handed over before them (the slow copy's headers would come
   * only after 20 s): the listener hears the headers of the copy that answered alone, so the hedge
   * did not wait for the slow copy's (FaultRun's late headers, told by what the client heard rather
   * than by how often a busy machine's hedge allowance let it hedge).
   */
  @Test
  void aStreamWhoseHeadersAreLateIsHandedOverBeforeThem() {
    Duration after = Duration.ofMillis(200);
    try (KimiClient kimi = client(RetryPolicy.defaults().withHedging(after, 1.0), false)) {
      servers.get(0).latency(SLOW);
      try (ChatStream s = kimi.stream(request(1))) {
        assertThat(s.toCompletion().metadata().servedBy().target()).isEqualTo(1);
      }
    }
    assertThat(headers)
        .as("the headers heard: the copy that answered, none of the slow copy's")
        .singleElement()
        .satisfies(h -> assertThat(h.attempt()).isEqualTo(2));
    assertThat(reroutes)
        .filteredOn(r -> r.kind() == CallEvent.Reroute.HEDGED)
        .singleElement()
        .satisfies(r -> assertThat(r.from().target()).isZero());
    assertThat(servers.get(0).requestCount()).isLessThanOrEqualTo(1);
  }

  @Test
  void theSlowTargetIsNotCooledAndTheNextStreamAsksItFirstAgain() {
    try (KimiClient kimi =
        client(RetryPolicy.defaults().withHedging(Duration.ofMillis(150), 1.0), false)) {
      for (int i = 0; i < 3; i++) {
        try (ChatStream s = kimi.stream(request(i))) {
          assertThat(s.toCompletion().metadata().servedBy().target()).isEqualTo(1);
        }
      }
      assertThat(kimi.account().targets())
          .allSatisfy(t -> assertThat(t.state()).isEqualTo(TargetStatus.State.AVAILABLE));
    }
    // each stream asked it first, as the client tells it: a hedge away from it, one a stream. (Its
    // server's count can be lower on a loaded machine: a copy cancelled once the hedge answered
    // may not have reached it yet.)
    assertThat(reroutes)
        .as("each stream asked it first")
        .hasSize(3)
        .allSatisfy(
            r -> {
              assertThat(r.kind()).isEqualTo(CallEvent.Reroute.HEDGED);
              assertThat(r.attempt()).isEqualTo(2);
              assertThat(r.from().target()).isZero();
              assertThat(r.to().target()).isEqualTo(1);
            });
    assertThat(servers.get(0).requestCount()).isLessThanOrEqualTo(3);
  }

  @Test
  void theBudgetCapsTheShareOfStreamsHedged() {
    // one hedge held at the start, and a tenth of one per stream: the second stream is not hedged
    Duration slowish = Duration.ofMillis(600);
    try (KimiClient kimi =
        client(RetryPolicy.defaults().withHedging(Duration.ofMillis(100), 0.1), false)) {
      servers.get(0).slowFirstToken(1, slowish);
      for (int i = 0; i < 2; i++) {
        try (ChatStream s = kimi.stream(request(i))) {
          assertThat(s.toCompletion().text()).isNotEmpty();
        }
      }
    }
    assertThat(reroutes).hasSize(1);
    assertThat(servers.get(1).requestCount()).isEqualTo(1);
  }

  @Test
  void aReplicaGroupHedgesOnTheOtherMember() {
    try (KimiClient kimi =
        client(RetryPolicy.defaults().withHedging(Duration.ofMillis(150), 1.0), true)) {
      // idle members are drawn by the conversation's key: find streams drawn to the slow one
      for (int i = 0; i < 12; i++) {
        try (ChatStream s = kimi.stream(request(i))) {
          assertThat(s.toCompletion().metadata().servedBy().target()).isEqualTo(1);
        }
      }
    }
    // the streams drawn to the slow member, as the client tells them: each hedged away from it
    // (its server's count can lag on a loaded machine: a copy cancelled before it arrived)
    List<CallEvent.Rerouted> hedged =
        reroutes.stream().filter(r -> r.kind() == CallEvent.Reroute.HEDGED).toList();
    assertThat(hedged)
        .as("some streams were drawn to it")
        .isNotEmpty()
        .allSatisfy(
            r -> {
              assertThat(r.from().target()).isZero();
              assertThat(r.to().target()).isEqualTo(1);
            });
    assertThat(servers.get(0).requestCount()).isLessThanOrEqualTo(hedged.size());
    // each hedge also moved its conversation (the call's own) off the slow member: told as MOVED
    assertThat(reroutes).hasSize(2 * hedged.size());
    assertThat(reroutes)
        .filteredOn(r -> r.kind() == CallEvent.Reroute.MOVED)
        .allSatisfy(
            r -> {
              assertThat(r.from().target()).isZero();
              assertThat(r.to().target()).isEqualTo(1);
            })
        .hasSize(hedged.size());
  }

  @Test
  void withoutHedgingTheStreamWaitsForItsTarget() {
    Duration slowish = Duration.ofMillis(400);
    try (KimiClient kimi = client(RetryPolicy.defaults(), false)) {
      servers.get(0).slowFirstToken(1, slowish);
      try (ChatStream s = kimi.stream(request(1))) {
        assertThat(s.toCompletion().metadata().servedBy().target()).isEqualTo(0);
      }
    }
    assertThat(servers.get(1).requestCount()).isZero();
    assertThat(reroutes).isEmpty();
  }

  @Test
  void aClientWithOneTargetDoesNotHedge() {
    servers = FakeKimiServer.replicas(1, s -> s.dialect("vllm"));
    servers.get(0).slowFirstToken(1, Duration.ofMillis(300));
    try (KimiClient kimi =
        KimiClient.builder()
            .host(Host.vllm(servers.get(0).baseUrl()))
            .retryPolicy(RetryPolicy.defaults().withHedging(Duration.ofMillis(50), 1.0))
            .build()) {
      try (ChatStream s = kimi.stream(request(1))) {
        assertThat(s.toCompletion().text()).isNotEmpty();
      }
    }
    assertThat(servers.get(0).requestCount()).isEqualTo(1);
  }
}
