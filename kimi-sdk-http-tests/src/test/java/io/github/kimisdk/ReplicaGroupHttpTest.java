package io.github.kimisdk;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.kimisdk.chat.ChatCompletion;
import io.github.kimisdk.chat.ChatRequest;
import io.github.kimisdk.chat.Message;
import io.github.kimisdk.chat.Thinking;
import io.github.kimisdk.host.Host;
import io.github.kimisdk.host.TargetStatus;
import io.github.kimisdk.testing.FakeKimiServer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Replicas that share the load ({@link KimiClient.Builder#replica}), against fakes that play them
 * in vLLM's dialect, each with its own admission limit (503 past it) and prefix cache: where each
 * call goes, what a full replica's refusal does, how a conversation stays where its cache is, and
 * what moves it.
 */
class ReplicaGroupHttpTest {

  private List<FakeKimiServer> replicas = List.of();

  @AfterEach
  void stop() {
    replicas.forEach(FakeKimiServer::close);
  }

  private static KimiClient.Builder group(List<FakeKimiServer> rs, RetryPolicy policy) {
    KimiClient.Builder b =
        KimiClient.builder().host(Host.vllm(rs.get(0).baseUrl())).retryPolicy(policy);
    for (FakeKimiServer r : rs.subList(1, rs.size())) {
      b.replica(Target.of(Host.vllm(r.baseUrl())));
    }
    return b;
  }

  /**
   * A listener that hands each reroute to {@code rerouted} and each fallback to {@code fellBack}.
   */
  static CallListener hearing(
      Consumer<CallEvent.Rerouted> rerouted, Consumer<CallEvent.Fallback> fellBack) {
    return new CallListener() {
      @Override
      public void onRerouted(CallEvent.Rerouted event) {
        rerouted.accept(event);
      }

      @Override
      public void onFallback(CallEvent.Fallback event) {
        fellBack.accept(event);
      }
    };
  }

  private static ChatRequest.Builder turn(List<Message> history) {
    return ChatRequest.builder("kimi-k3").messages(history).thinking(Thinking.disabled());
  }

  @Test
  void sixConversationsAtOnceEachStayOnOneReplicaAndBothReplicasServe() throws Exception {
    replicas =
        FakeKimiServer.replicas(
            2, s -> s.dialect("vllm").maxConcurrency(2).serviceTime(Duration.ofMillis(40)));
    Map<Integer, Set<Integer>> servedBy = new ConcurrentHashMap<>();
    try (KimiClient kimi =
        group(replicas, RetryPolicy.defaults().withRateLimitWait(Duration.ofSeconds(30))).build()) {
      ExecutorService pool = Executors.newFixedThreadPool(6);
      try {
        List<Future<?>> runs = new ArrayList<>();
        for (int c = 0; c < 6; c++) {
          int conversation = c;
          runs.add(
              pool.submit(
                  () -> {
                    List<Message> history = new ArrayList<>();
                    history.add(Message.system("You are assistant number " + conversation + "."));
                    for (int t = 0; t < 5; t++) {
                      history.add(Message.user("turn " + t + " of conversation " + conversation));
                      ChatCompletion reply = kimi.chat(turn(history).build());
                      servedBy
                          .computeIfAbsent(conversation, k -> new TreeSet<>())
                          .add(reply.metadata().servedBy().target());
                      history.add(Message.assistant(reply.text()));
                    }
                    return null;
                  }));
        }
        for (Future<?> f : runs) {
          f.get(60, TimeUnit.SECONDS);
        }
      } finally {
        pool.shutdownNow();
      }
    }
    assertThat(servedBy).hasSize(6);
    servedBy.forEach(
        (c, targets) -> assertThat(targets).as("the replicas of conversation " + c).hasSize(1));
    Set<Integer> used = new TreeSet<>();
    servedBy.values().forEach(used::addAll);
    assertThat(used).as("both replicas answered").containsExactly(0, 1);
  }

  @Test
  void aReplicaHeldToItsLimitSpillsToTheOtherInsteadOfQueueing() throws Exception {
    replicas = heldToOne(2, Duration.ofMillis(150));
    List<Integer> served;
    try (KimiClient kimi = groupHeldToOne().build()) {
      served = servedAtOnce(kimi, 2);
    }
    assertThat(served).as("each replica took one").containsExactlyInAnyOrder(0, 1);
    assertThat(replicas.get(0).rateLimitedCount() + replicas.get(1).rateLimitedCount()).isZero();
  }

  @Test
  void idleCallsAreSharedInProportionToTheWeights() {
    replicas = FakeKimiServer.replicas(2, s -> s.dialect("vllm"));
    int[] served = new int[2];
    try (KimiClient kimi =
        KimiClient.builder()
            .host(Host.vllm(replicas.get(0).baseUrl()))
            .weight(3)
            .replica(Target.of(Host.vllm(replicas.get(1).baseUrl())))
            .build()) {
      assertThat(kimi.account().targets())
          .extracting(status -> status.target().weight())
          .containsExactly(3, 1);
      for (int i = 0; i < 200; i++) {
        served[
            kimi.chat(ChatRequest.of("kimi-k3", "question " + i)).metadata().servedBy().target()]++;
      }
    }
    assertThat(served[0] / 200.0).as("the share of the member of weight 3").isBetween(0.65, 0.85);
  }

  @Test
  void aConversationAsksTheSameReplicaEveryTurnWhenIdle() {
    replicas = FakeKimiServer.replicas(3, s -> s.dialect("vllm"));
    Set<Integer> served = new TreeSet<>();
    try (KimiClient kimi = group(replicas, RetryPolicy.defaults()).build()) {
      List<Message> history = new ArrayList<>();
      history.add(Message.system("You keep a long document in mind."));
      for (int t = 0; t < 8; t++) {
        history.add(Message.user("turn " + t));
        ChatCompletion reply = kimi.chat(turn(history).build());
        served.add(reply.metadata().servedBy().target());
        history.add(Message.assistant(reply.text()));
      }
    }
    assertThat(served).hasSize(1);
  }

  @Test
  void aConversationWhoseReplicaWentDownMovesAndTheMoveIsTold() {
    replicas = FakeKimiServer.replicas(2, s -> s.dialect("vllm"));
    List<CallEvent.Rerouted> moves = new CopyOnWriteArrayList<>();
    List<CallEvent.Fallback> fallbacks = new CopyOnWriteArrayList<>();
    CallListener heard = hearing(moves::add, fallbacks::add);
    try (KimiClient kimi =
        group(
                replicas,
                RetryPolicy.defaults().withCooldown(Duration.ofMinutes(1), Duration.ofMinutes(1)))
            .listener(heard)
            .build()) {
      List<Message> history = new ArrayList<>();
      history.add(Message.system("A conversation with a cache to keep."));
      history.add(Message.user("first turn"));
      ChatCompletion first = kimi.chat(turn(history).build());
      int home = first.metadata().servedBy().target();
      history.add(Message.assistant(first.text()));
      assertThat(moves).isEmpty();

      // its replica goes down; another call finds out (it falls back, cooling the replica)
      replicas.get(home).failCalls("overloaded=1");
      for (int i = 0; fallbacks.isEmpty() && i < 200; i++) {
        kimi.chat(ChatRequest.of("kimi-k3", "another call " + i));
      }
      assertThat(fallbacks).as("some call found the replica down").isNotEmpty();
      moves.clear();

      history.add(Message.user("second turn"));
      ChatCompletion second = kimi.chat(turn(history).build());
      assertThat(second.metadata().servedBy().target()).isEqualTo(1 - home);
      assertThat(moves)
          .singleElement()
          .satisfies(
              m -> {
                assertThat(m.kind()).isEqualTo(CallEvent.Reroute.MOVED);
                assertThat(m.from().target()).isEqualTo(home);
                assertThat(m.to().target()).isEqualTo(1 - home);
                assertThat(m.after()).isEqualTo(Duration.ZERO);
              });
    }
  }

  @Test
  void aFullReplicasRefusalNeitherCoolsItNorFailsTheCall() throws Exception {
    replicas =
        FakeKimiServer.replicas(
            2, s -> s.dialect("vllm").maxConcurrency(1).serviceTime(Duration.ofMillis(60)));
    List<CallEvent.Fallback> fallbacks = new CopyOnWriteArrayList<>();
    int calls = 12;
    try (KimiClient kimi =
        group(replicas, RetryPolicy.defaults().withRateLimitWait(Duration.ofSeconds(30)))
            .listener(
                new CallListener() {
                  @Override
                  public void onFallback(CallEvent.Fallback event) {
                    fallbacks.add(event);
                  }
                })
            .build()) {
      ExecutorService pool = Executors.newFixedThreadPool(4);
      try {
        List<Future<ChatCompletion>> runs = new ArrayList<>();
        for (int i = 0; i < calls; i++) {
          int n = i;
          runs.add(pool.submit(() -> kimi.chat(ChatRequest.of("kimi-k3", "call " + n))));
        }
        for (Future<ChatCompletion> f : runs) {
          assertThat(f.get(60, TimeUnit.SECONDS).text()).isNotEmpty();
        }
        assertThat(kimi.account().targets())
            .allSatisfy(s -> assertThat(s.state()).isEqualTo(TargetStatus.State.AVAILABLE));
      } finally {
        pool.shutdownNow();
      }
    }
    assertThat(fallbacks).as("a full replica is not a failed one").isEmpty();
  }

  /**
   * A conversation whose group was overloaded went to the next place, and back to the group once a
   * member took calls again: each change of its member told as {@code MOVED} (beside the fallbacks
   * of the failed attempts), and each move's {@code from} the member the one before left it on, so
   * a listener can follow the conversation; then it stays.
   */
  @Test
  void aConversationSentToTheNextPlaceAndBackIsToldMovedEachWayThenStays() {
    replicas = FakeKimiServer.replicas(3, s -> s.dialect("vllm"));
    List<CallEvent.Rerouted> moves = new CopyOnWriteArrayList<>();
    Duration cooldown = Duration.ofMillis(300);
    try (KimiClient kimi =
        group(replicas.subList(0, 2), RetryPolicy.defaults().withCooldown(cooldown, cooldown))
            .fallback(Target.of(Host.vllm(replicas.get(2).baseUrl())))
            .listener(
                new CallListener() {
                  @Override
                  public void onRerouted(CallEvent.Rerouted event) {
                    if (event.kind() == CallEvent.Reroute.MOVED) {
                      moves.add(event);
                    }
                  }
                })
            .build()) {
      List<Message> history = new ArrayList<>();
      history.add(Message.system("A conversation with a cache to keep."));
      List<Integer> served = new ArrayList<>();
      for (int t = 0; t < 4; t++) {
        if (t == 1) {
          replicas.get(0).failCalls("overloaded=1");
          replicas.get(1).failCalls("overloaded=1");
        } else if (t == 2) {
          replicas.get(0).failCalls("");
          replicas.get(1).failCalls("");
          awaitNotCooling(kimi);
        }
        history.add(Message.user("turn " + t));
        ChatCompletion reply = kimi.chat(turn(history).build());
        history.add(Message.assistant(reply.text()));
        served.add(reply.metadata().servedBy().target());
      }
      assertThat(served.get(1)).as("its group overloaded: the next place").isEqualTo(2);
      assertThat(served.get(2)).as("back to its group").isLessThan(2);
      assertThat(served.get(3)).as("then stays").isEqualTo(served.get(2));
      // followed move by move, from its first member to where it ends
      int at = served.get(0);
      for (CallEvent.Rerouted m : moves) {
        assertThat(m.from().target()).as("moved from where it was: %s", moves).isEqualTo(at);
        at = m.to().target();
      }
      assertThat(at).as("the moves end where the last turn was served").isEqualTo(served.get(3));
      assertThat(moves)
          .extracting(m -> m.to().target())
          .as("to the next place, then back")
          .contains(2, served.get(2));
    }
  }

  /** Waits until no target of {@code kimi} cools down (their cooldowns are short). */
  private static void awaitNotCooling(KimiClient kimi) {
    long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    while (kimi.account().targets().stream()
        .anyMatch(t -> t.state() == TargetStatus.State.COOLING)) {
      assertThat(System.nanoTime()).as("cooldowns of 300 ms still running").isLessThan(end);
      Thread.onSpinWait();
    }
  }

  @Test
  void aGroupWhoseMembersAreAllHeldToTheirLimitSpillsToTheNextPlace() throws Exception {
    replicas = heldToOne(3, Duration.ofMillis(300));
    List<Integer> served;
    try (KimiClient kimi =
        groupHeldToOne()
            .fallback(Target.of(Host.vllm(replicas.get(2).baseUrl())).rateLimit(ONE))
            .build()) {
      served = servedAtOnce(kimi, 3);
    }
    assertThat(served).as("the third call to the next place").containsExactlyInAnyOrder(0, 1, 2);
  }

  private static final RateLimit ONE = RateLimit.builder().maxConcurrency(1).build();

  /** Replicas that each take one call at once, holding it {@code service}. */
  private static List<FakeKimiServer> heldToOne(int count, Duration service) {
    return FakeKimiServer.replicas(
        count, s -> s.dialect("vllm").maxConcurrency(1).serviceTime(service));
  }

  /** The first two replicas in one group, each held to one call at once by the client. */
  private KimiClient.Builder groupHeldToOne() {
    return KimiClient.builder()
        .host(Host.vllm(replicas.get(0).baseUrl()))
        .rateLimit(ONE)
        .replica(Target.of(Host.vllm(replicas.get(1).baseUrl())).rateLimit(ONE));
  }

  /**
   * Sends {@code count} single calls at once, each from its own thread; the targets that served.
   */
  private static List<Integer> servedAtOnce(KimiClient kimi, int count) throws Exception {
    List<Integer> served = new CopyOnWriteArrayList<>();
    ExecutorService pool = Executors.newFixedThreadPool(count);
    try {
      List<Future<?>> calls = new ArrayList<>();
      for (int i = 0; i < count; i++) {
        ChatRequest call = ChatRequest.of("kimi-k3", "call " + i);
        calls.add(pool.submit(() -> served.add(kimi.chat(call).metadata().servedBy().target())));
      }
      for (Future<?> f : calls) {
        f.get(30, TimeUnit.SECONDS);
      }
    } finally {
      pool.shutdownNow();
    }
    return served;
  }
}
