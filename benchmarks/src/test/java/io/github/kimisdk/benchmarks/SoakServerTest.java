package io.github.kimisdk.benchmarks;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import io.github.kimisdk.benchmarks.SoakServer.Fault;
import io.github.kimisdk.benchmarks.SoakServer.Plan;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.EnumMap;
import java.util.Map;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The soak's fault server answers each attempt as its seeded plan says, and counts what it got. */
class SoakServerTest {

  private static final long SEED = 47;

  private SoakServer server;
  private HttpClient http;

  @BeforeEach
  void start() throws IOException {
    server = new SoakServer(SEED, 300, 100);
    http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
  }

  @AfterEach
  void stop() {
    server.close();
  }

  @Test
  void aPlanDependsOnlyOnTheSeedTheCallAndTheAttempt() {
    assertThat(SoakServer.plan(SEED, 12, 2)).isEqualTo(SoakServer.plan(SEED, 12, 2));
    long differing = 0;
    for (int call = 0; call < 100; call++) {
      if (!SoakServer.plan(SEED, call, 1).equals(SoakServer.plan(SEED + 1, call, 1))) {
        differing++;
      }
    }
    assertThat(differing).isEqualTo(100);
  }

  @Test
  void faultsComeInTheirShares() {
    Map<Fault, Integer> seen = new EnumMap<>(Fault.class);
    int n = 50_000;
    for (int call = 0; call < n; call++) {
      seen.merge(SoakServer.plan(SEED, call, 1 + call % 3).fault(), 1, Integer::sum);
    }
    for (Fault f : Fault.values()) {
      assertThat(100.0 * seen.getOrDefault(f, 0) / n).as(f.name()).isCloseTo(f.weight, within(0.6));
    }
  }

  @Test
  void aStormTakesItsRefusalsForConcurrencyFromTheWholeRepliesAndLeavesEveryOtherFaultAsItWas() {
    Map<Fault, Integer> seen = new EnumMap<>(Fault.class);
    int n = 50_000;
    for (int call = 0; call < n; call++) {
      Plan usual = SoakServer.plan(SEED, call, 1 + call % 3);
      Plan storm = SoakServer.plan(SEED, call, 1 + call % 3, 6);
      seen.merge(storm.fault(), 1, Integer::sum);
      assertThat(storm.concurrency()).isEqualTo(storm.fault() == Fault.RATE_LIMITED);
      if (storm.concurrency()) {
        assertThat(storm.overloaded()).as("a storm's 429 is never an overload").isFalse();
      }
      if (usual.fault() != Fault.WHOLE && usual.fault() != Fault.RATE_LIMITED) {
        assertThat(storm).as("call %d", call).isEqualTo(usual); // the same draws
      }
    }
    for (Fault f : Fault.values()) {
      int share = f == Fault.RATE_LIMITED ? 6 : f == Fault.WHOLE ? f.weight - 2 : f.weight;
      assertThat(100.0 * seen.getOrDefault(f, 0) / n).as(f.name()).isCloseTo(share, within(0.6));
    }
  }

  @Test
  void aStormsRefusalIsMoonshotsRateLimitForConcurrency() throws Exception {
    try (SoakServer storm = new SoakServer(SEED, 6, 300, 100)) {
      int call = -1;
      for (int c = 0; call < 0; c++) {
        call = SoakServer.plan(SEED, c, 1, 6).fault() == Fault.RATE_LIMITED ? c : -1;
      }
      HttpResponse<String> r = send(storm, call, false);
      assertThat(r.statusCode()).isEqualTo(429);
      assertThat(r.body())
          .contains("\"type\":\"rate_limit_reached_error\"")
          .contains(SoakServer.CONCURRENCY_REFUSAL);
      assertThat(r.headers().firstValue("Retry-After"))
          .hasValue(String.valueOf(SoakServer.plan(SEED, call, 1, 6).retryAfter()));
    }
  }

  @Test
  void aWholeReplyIsWhatThePlanSaysAndEachRequestIsCountedForItsCall() throws Exception {
    int call = callWhose(p -> p.fault() == Fault.WHOLE);
    Plan plan = SoakServer.plan(SEED, call, 1);
    HttpResponse<String> r = send(call, false);
    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(r.body())
        .contains("\"id\":\"" + plan.reply().id() + "\"")
        .contains("\"prompt_tokens\":" + plan.reply().promptTokens());
    assertThat(server.log(call).size()).isEqualTo(1);

    send(call, true); // the call's attempt 2: its own plan
    assertThat(server.log(call).attempts())
        .extracting(a -> a.plan)
        .containsExactly(plan, SoakServer.plan(SEED, call, 2));
    assertThat(server.requests()).isEqualTo(2);
    server.forget(call);
    assertThat(server.log(call).size()).isZero();
  }

  @Test
  void aWholeStreamEndsWithItsUsageAndDone() throws Exception {
    int call = callWhose(p -> p.fault() == Fault.WHOLE && p.dripMillis() == 0);
    HttpResponse<String> r = send(call, true);
    assertThat(r.headers().firstValue("Content-Type"))
        .hasValueSatisfying(t -> t.startsWith("text/event-stream"));
    assertThat(r.body())
        .contains("\"finish_reason\":\"stop\",\"usage\":")
        .endsWith("data: [DONE]\n\n");
  }

  @Test
  void aRateLimitSaysWhenToRetry() throws Exception {
    int call = callWhose(p -> p.fault() == Fault.RATE_LIMITED);
    HttpResponse<String> r = send(call, false);
    assertThat(r.statusCode()).isEqualTo(429);
    assertThat(r.headers().firstValue("Retry-After"))
        .hasValue(String.valueOf(SoakServer.plan(SEED, call, 1).retryAfter()));
  }

  @Test
  void aBadGatewayIsAnHtmlPage() throws Exception {
    HttpResponse<String> r = send(callWhose(p -> p.status() == 502), false);
    assertThat(r.statusCode()).isEqualTo(502);
    assertThat(r.headers().firstValue("Content-Type"))
        .hasValueSatisfying(t -> t.startsWith("text/html"));
  }

  @Test
  void aResetComesBeforeAnyByteButAfterTheRequestWasCounted() {
    int call = callWhose(p -> p.fault() == Fault.RESET);
    assertThatThrownBy(() -> send(call, false)).isInstanceOf(IOException.class);
    assertThat(server.log(call).size()).isEqualTo(1);
  }

  @Test
  void aCutStreamEndsWithoutItsFinish() {
    int call = callWhose(p -> p.fault() == Fault.CUT && p.dripMillis() == 0);
    assertThatThrownBy(() -> send(call, true)).isInstanceOf(IOException.class);
  }

  @Test
  void aSilentResponseHeldPastItsBoundIsRecordedAndEndsWhenTheServerGivesUp() {
    int call = callWhose(p -> p.fault() == Fault.SILENCE);
    assertThatThrownBy(() -> send(call, false)).isInstanceOf(IOException.class);
    SoakServer.Attempt a = server.log(call).attempts().get(0);
    assertThat(a.gaveUp).isTrue();
    assertThat(a.heldMillis).isGreaterThanOrEqualTo(300);
    assertThat(server.overheld()).containsKey(call);
  }

  @Test
  void anUntaggedRequestIsRefusedAndCounted() throws Exception {
    HttpResponse<String> r =
        http.send(
            HttpRequest.newBuilder(URI.create(server.baseUrl() + "/chat/completions"))
                .POST(HttpRequest.BodyPublishers.ofString("{\"messages\":[]}"))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(r.statusCode()).isEqualTo(400);
    assertThat(server.untagged()).isEqualTo(1);
    assertThat(server.requests()).isZero();
  }

  @Test
  void idleConnectionsCloseOnRequest() throws Exception {
    send(callWhose(p -> p.fault() == Fault.BAD_REQUEST), false); // kept alive
    assertThat(server.openConnections()).isEqualTo(1);
    // the client may hold the answer before the server's thread is back for the next request
    assertThat(server.closeIdle(Duration.ofSeconds(5))).isTrue();
    assertThat(server.openConnections()).isZero();
  }

  /** The first call number whose attempt 1 matches. */
  private static int callWhose(Predicate<Plan> wanted) {
    for (int call = 0; call < 100_000; call++) {
      if (wanted.test(SoakServer.plan(SEED, call, 1))) {
        return call;
      }
    }
    throw new AssertionError("no call's first attempt matches");
  }

  private HttpResponse<String> send(int call, boolean stream) throws Exception {
    return send(server, call, stream);
  }

  private HttpResponse<String> send(SoakServer to, int call, boolean stream) throws Exception {
    String body =
        "{\"model\":\"kimi-k2.6\",\"messages\":[{\"role\":\"user\",\"content\":\"soak-"
            + call
            + ": hi\"}]"
            + (stream ? ",\"stream\":true" : "")
            + "}";
    return http.send(
        HttpRequest.newBuilder(URI.create(to.baseUrl() + "/chat/completions"))
            .timeout(Duration.ofSeconds(10))
            .POST(HttpRequest.BodyPublishers.ofString(body))
            .build(),
        HttpResponse.BodyHandlers.ofString());
  }
}
