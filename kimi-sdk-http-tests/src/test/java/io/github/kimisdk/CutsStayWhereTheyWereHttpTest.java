package io.github.kimisdk;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.kimisdk.chat.ChatCompletion;
import io.github.kimisdk.chat.ChatRequest;
import io.github.kimisdk.chat.Message;
import io.github.kimisdk.chat.Thinking;
import io.github.kimisdk.host.Host;
import io.github.kimisdk.host.TargetStatus;
import io.github.kimisdk.testing.FakeKimiServer;
import io.github.kimisdk.testing.FakeResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Function;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A reply lost after its response began (a body cut after its 200, headers then silence, a stream
 * cut before its first chunk) is not the host's refusal: the call retries it where it was, on a
 * conversation's own member, which neither cools down nor loses the conversation, and no move is
 * told. Against two replicas in vLLM's dialect, the one that answered a conversation losing its
 * next reply once.
 */
class CutsStayWhereTheyWereHttpTest {

  private List<FakeKimiServer> replicas = List.of();
  private final List<CallEvent> moves = new CopyOnWriteArrayList<>();

  @AfterEach
  void stop() {
    replicas.forEach(FakeKimiServer::close);
  }

  private KimiClient client() {
    replicas = FakeKimiServer.replicas(2, s -> s.dialect("vllm"));
    return KimiClient.builder()
        .host(Host.vllm(replicas.get(0).baseUrl()))
        .replica(Target.of(Host.vllm(replicas.get(1).baseUrl())))
        .retryPolicy(RetryPolicy.defaults().withBackoff(Duration.ofMillis(1), Duration.ofMillis(5)))
        .timeouts(
            Timeouts.defaults()
                .withStreamIdle(Duration.ofMillis(500))
                .withFirstEvent(Duration.ofMillis(500)))
        .listener(ReplicaGroupHttpTest.hearing(moves::add, moves::add))
        .build();
  }

  /**
   * Runs a conversation's first turn, then has the member that answered it lose its next reply as
   * {@code lost} says, and runs the second turn with {@code call}: it must be answered by the same
   * member, which asked twice, takes calls, and moved nothing.
   */
  private void losesOneReply(
      FakeResponse lost, java.util.function.BiFunction<KimiClient, ChatRequest, String> call) {
    try (KimiClient kimi = client()) {
      List<Message> history = new ArrayList<>();
      history.add(Message.system("A conversation with a cache to keep."));
      history.add(Message.user("first turn"));
      ChatCompletion first = kimi.chat(turn(history));
      int home = first.metadata().servedBy().target();
      history.add(Message.assistant(first.text()));
      FakeKimiServer member = replicas.get(home);
      int before = member.requestCount();
      Function<io.github.kimisdk.testing.RecordedRequest, FakeResponse> once =
          new Function<>() {
            boolean spent;

            @Override
            public synchronized FakeResponse apply(io.github.kimisdk.testing.RecordedRequest r) {
              if (spent) {
                return null; // the fake's own answer
              }
              spent = true;
              return lost;
            }
          };
      member.respondWith(once);

      history.add(Message.user("second turn"));
      String answer = call.apply(kimi, turn(history));

      assertThat(answer).isEqualTo("You said: second turn");
      assertThat(member.requestCount() - before).as("retried in place").isEqualTo(2);
      assertThat(replicas.get(1 - home).requestCount()).as("the other member").isZero();
      assertThat(moves).as("no fallback, no move").isEmpty();
      assertThat(kimi.account().targets().get(home).state())
          .as("the member does not cool down")
          .isEqualTo(TargetStatus.State.AVAILABLE);
    }
  }

  private static ChatRequest turn(List<Message> history) {
    return ChatRequest.builder("kimi-k3").messages(history).thinking(Thinking.disabled()).build();
  }

  @Test
  void aWholeReplyCutAfterItsStatusIsRetriedOnItsMember() {
    losesOneReply(
        FakeResponse.sse().comment("the body begins").dropConnection().build(),
        (kimi, request) -> kimi.chat(request).text());
  }

  @Test
  void aStreamCutBeforeItsFirstChunkIsRetriedOnItsMember() {
    losesOneReply(
        FakeResponse.sse().comment("the body begins").dropConnection().build(),
        (kimi, request) -> kimi.stream(request).toCompletion().text());
  }

  @Test
  void aStreamWhoseHeadersCameThenSilenceIsRetriedOnItsMember() {
    losesOneReply(
        FakeResponse.sse().comment("headers, then nothing").pause(Duration.ofSeconds(30)).build(),
        (kimi, request) -> kimi.stream(request).toCompletion().text());
  }
}
