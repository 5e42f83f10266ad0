package io.github.kimisdk;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import io.github.kimisdk.HostDialectsHttpTest.Dialect;
import io.github.kimisdk.chat.ChatCompletion;
import io.github.kimisdk.chat.ChatRequest;
import io.github.kimisdk.chat.ChatStream;
import io.github.kimisdk.errors.KimiException;
import io.github.kimisdk.errors.StreamException;
import io.github.kimisdk.host.Host;
import io.github.kimisdk.host.ServedBy;
import io.github.kimisdk.testing.FakeKimiServer;
import io.github.kimisdk.testing.RecordedRequest;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * A fallback chain tested offline as a team would: the team's own server (a {@link FakeKimiServer}
 * speaking vLLM's or SGLang's dialect, overloaded on request with {@code failCalls}) first, then
 * Moonshot (a second fake); what moves a call, what each reply says served it, and a stream that
 * failed after its first event.
 */
class HostFallbackHttpTest {

  private FakeKimiServer first;
  private FakeKimiServer moonshot;

  @BeforeEach
  void start() {
    moonshot = new FakeKimiServer().start();
  }

  @AfterEach
  void stop() {
    if (first != null) {
      first.close();
    }
    moonshot.close();
  }

  private KimiClient chain(Dialect d, RetryPolicy policy) {
    first = new FakeKimiServer().dialect(d.name).start();
    return KimiClient.builder()
        .apiKey("sk-team")
        .host(d.host(first.baseUrl()))
        .retryPolicy(policy)
        .fallback(
            Target.of(Host.moonshot(Endpoint.of(moonshot.baseUrl())), "kimi-k3").apiKey("sk-b"))
        .build();
  }

  @ParameterizedTest
  @EnumSource(
      value = Dialect.class,
      names = {"VLLM", "SGLANG"})
  void aThousandCallsWhoseFirstServerIsOverloadedHalfTheTimeAllSucceedNamingTheirTarget(Dialect d) {
    Duration cooldown = Duration.ofMillis(20);
    RetryPolicy policy = RetryPolicy.defaults().withCooldown(cooldown, cooldown);
    Map<Integer, Integer> servedBy = new HashMap<>();
    int failed = 0;
    long started = System.nanoTime();
    try (KimiClient kimi = chain(d, policy)) {
      first.failCalls("overloaded=0.5");
      for (int i = 0; i < 1000; i++) {
        try {
          ChatCompletion c = kimi.chat(ChatRequest.of("kimi-k3", "hi"));
          ServedBy by = c.metadata().servedBy();
          assertThat(by.model())
              .as("the model a fallback target asks for; the client's own asks the request's")
              .isEqualTo(by.target() == 0 ? null : "kimi-k3");
          assertThat(by.host()).isEqualTo(by.target() == 0 ? d.name : "moonshot");
          assertThat(c.model()).isEqualTo(by.target() == 0 ? d.k3 : "kimi-k3");
          servedBy.merge(by.target(), 1, Integer::sum);
        } catch (KimiException e) {
          failed++;
        }
      }
    }
    long elapsedMs = Duration.ofNanos(System.nanoTime() - started).toMillis();
    assertThat(failed).as("failed calls").isZero();
    int answeredByFirst = answered(first);
    int answeredByMoonshot = answered(moonshot);
    assertThat(answeredByFirst + answeredByMoonshot)
        .as("completions, none duplicated")
        .isEqualTo(1000);
    assertThat(servedBy.get(0)).isEqualTo(answeredByFirst);
    assertThat(servedBy.get(1)).isEqualTo(answeredByMoonshot);
    int overloaded = first.requestCount() - answeredByFirst;
    assertThat(overloaded).as("the first server's overloads").isPositive();
    assertThat(first.requests())
        .filteredOn(r -> r.status() != 200)
        .allSatisfy(r -> assertThat(r.status()).isEqualTo(503));
    // the first server is asked once while healthy and once per cooldown (its probe): at most
    // two requests per cooldown that passed
    long cooldowns = elapsedMs / cooldown.toMillis() + 1;
    assertThat(first.requestCount())
        .as("the first server's requests in %d ms", elapsedMs)
        .isLessThanOrEqualTo((int) (2 * cooldowns + 2));
    System.out.printf(
        "%s: 1000 calls in %d ms: first asked %d times (%d overloaded), Moonshot %d;"
            + " %d cooldowns of %d ms%n",
        d.name,
        elapsedMs,
        first.requestCount(),
        overloaded,
        answeredByMoonshot,
        cooldowns,
        cooldown.toMillis());
  }

  private static int answered(FakeKimiServer server) {
    int n = 0;
    for (RecordedRequest r : server.requests()) {
      if (r.status() == 200) {
        n++;
      }
    }
    return n;
  }

  @ParameterizedTest
  @EnumSource(
      value = Dialect.class,
      names = {"VLLM", "SGLANG", "OPENROUTER", "TOGETHER"})
  void aStreamThatFailedAfterItsFirstEventDoesNotFallBack(Dialect d) {
    try (KimiClient kimi = chain(d, RetryPolicy.defaults());
        ChatStream s = kimi.stream(ChatRequest.of("kimi-k3", "hi"))) {
      first.failCalls("stream-error=1");
      Throwable t = catchThrowable(s::toCompletion);
      assertThat(t).isInstanceOf(StreamException.class);
      assertThat(((StreamException) t).partial().reasoning())
          .as("what arrived before the host failed it")
          .isEqualTo("The");
      assertThat(s.metadata().orElseThrow().servedBy().target()).isZero();
    }
    assertThat(first.requestCount()).isEqualTo(1);
    assertThat(moonshot.requestCount()).as("no fallback after the first event").isZero();
  }

  @ParameterizedTest
  @EnumSource(
      value = Dialect.class,
      names = {"VLLM", "SGLANG", "OPENROUTER", "FIREWORKS", "TOGETHER"})
  void aStreamTheFirstServerRefusesAsOverloadedFallsBackBeforeItsFirstEvent(Dialect d) {
    StringBuilder text = new StringBuilder();
    try (KimiClient kimi = chain(d, RetryPolicy.defaults())) {
      first.failCalls("overloaded=1");
      try (ChatStream s = kimi.stream(ChatRequest.of("kimi-k3", "hi"))) {
        s.forEachText(text::append);
        assertThat(s.metadata().orElseThrow().servedBy().target()).isEqualTo(1);
      }
    }
    assertThat(text).hasToString("You said: hi");
    assertThat(first.requestCount()).isEqualTo(1);
    assertThat(moonshot.requestCount()).isEqualTo(1);
  }
}
