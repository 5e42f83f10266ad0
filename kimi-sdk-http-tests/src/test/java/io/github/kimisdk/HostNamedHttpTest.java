package io.github.kimisdk;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import io.github.kimisdk.chat.ChatRequest;
import io.github.kimisdk.errors.ConfigurationException;
import io.github.kimisdk.errors.EngineOverloadedException;
import io.github.kimisdk.errors.KimiException;
import io.github.kimisdk.errors.ServerException;
import io.github.kimisdk.host.Host;
import io.github.kimisdk.testing.FakeKimiServer;
import io.github.kimisdk.testing.FakeResponse;
import java.net.URI;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A team's own hosts as a failure reports them: an error from a vLLM or SGLang names that host and
 * its target (Moonshot's keeps Kimi's words); a client whose own host is a server started without
 * {@code --api-key} builds and sends no key; and a chain whose every target is down fails at once,
 * naming every target with its last answer.
 */
class HostNamedHttpTest {

  static final String BUSY =
      "{\"error\":{\"message\":\"The engine is currently busy and cannot accept new requests.\","
          + "\"type\":\"ServiceUnavailableError\",\"code\":503}}";

  private FakeKimiServer vllm;
  private FakeKimiServer sglang;
  private FakeKimiServer moonshot;

  @BeforeEach
  void start() {
    vllm = new FakeKimiServer().dialect("vllm").start();
    sglang = new FakeKimiServer().dialect("sglang").start();
    moonshot = new FakeKimiServer().start();
  }

  @AfterEach
  void stop() {
    vllm.close();
    sglang.close();
    moonshot.close();
  }

  private static String hostAndPort(FakeKimiServer s) {
    URI u = URI.create(s.baseUrl());
    return u.getHost() + ":" + u.getPort();
  }

  private static ChatRequest hi() {
    return ChatRequest.of("kimi-k3", "Hi");
  }

  @Test
  void aFailureOfAnotherHostNamesThatHostAndNotKimi() {
    vllm.enqueue(FakeResponse.error(500, "{\"error\":{\"message\":\"CUDA out of memory\"}}"));
    try (KimiClient kimi =
        KimiClient.builder()
            .host(Host.vllm(vllm.baseUrl()))
            .retryPolicy(RetryPolicy.none())
            .build()) {
      Throwable t = catchThrowable(() -> kimi.chat(hi()));
      assertThat(t)
          .isInstanceOf(ServerException.class)
          .hasMessageStartingWith("vLLM at " + hostAndPort(vllm) + " answered HTTP 500")
          .hasMessageContaining("CUDA out of memory")
          .hasMessageContaining("vLLM failed on its side")
          .hasMessageNotContaining("Kimi");
    }
  }

  @Test
  void aFailureOfMoonshotKeepsKimisWords() {
    moonshot.enqueue(FakeResponse.error(500, "{\"error\":{\"message\":\"boom\"}}"));
    try (KimiClient kimi =
        KimiClient.builder()
            .apiKey("sk-test")
            .baseUrl(moonshot.baseUrl())
            .retryPolicy(RetryPolicy.none())
            .build()) {
      assertThat(catchThrowable(() -> kimi.chat(hi())))
          .hasMessageStartingWith("Kimi API error (HTTP 500")
          .hasMessageContaining("Kimi failed on its side");
    }
  }

  @Test
  void aFailureOfAFallbackTargetNamesItsPlaceAndModel() {
    moonshot.enqueue(
        FakeResponse.error(
            400, "{\"error\":{\"type\":\"invalid_request_error\",\"message\":\"bad\"}}"));
    sglang.enqueue(
        FakeResponse.error(400, "{\"error\":{\"message\":\"unsupported\",\"code\":400}}"));
    vllm.enqueue(FakeResponse.error(503, BUSY));
    try (KimiClient kimi =
        KimiClient.builder()
            .host(Host.vllm(vllm.baseUrl()))
            .retryPolicy(RetryPolicy.none())
            .fallback(Target.of(Host.sglang(sglang.baseUrl()), "kimi-k3"))
            .build()) {
      Throwable t = catchThrowable(() -> kimi.chat(hi()));
      assertThat(t)
          .hasMessageStartingWith(
              "SGLang at " + hostAndPort(sglang) + " (target 1, kimi-k3) answered HTTP 400")
          .hasMessageContaining("unsupported");
    }
  }

  @Test
  void aSelfHostedClientBuildsWithoutAKeyAndSendsNone() throws Exception {
    try (KimiClient kimi = KimiClient.builder().host(Host.vllm(vllm.baseUrl())).build()) {
      assertThat(kimi.chat(hi()).text()).isNotEmpty();
    }
    assertThat(vllm.takeRequest().header("Authorization")).isEmpty();
    try (KimiClient kimi =
        KimiClient.builder()
            .host(
                Host.compatible("gpu-box", sglang.baseUrl())
                    .withModelId("kimi-k3", "moonshotai/Kimi-K3"))
            .build()) {
      assertThat(kimi.chat(hi()).text()).isNotEmpty();
    }
    assertThat(sglang.takeRequest().header("Authorization")).isEmpty();
  }

  @Test
  void moonshotAndHostedPlatformsStillNeedAKey() {
    assertThat(catchThrowable(() -> KimiClient.builder().baseUrl(moonshot.baseUrl()).build()))
        .isInstanceOf(ConfigurationException.class)
        .hasMessageStartingWith("No API key");
    assertThat(
            catchThrowable(
                () ->
                    KimiClient.builder()
                        .host(Host.moonshot(Endpoint.of(moonshot.baseUrl())))
                        .build()))
        .isInstanceOf(ConfigurationException.class)
        .hasMessageStartingWith("No API key");
    assertThat(catchThrowable(() -> KimiClient.builder().host(Host.OPENROUTER).build()))
        .isInstanceOf(ConfigurationException.class)
        .hasMessage(
            "No API key for openrouter at https://openrouter.ai/api/v1, which needs one: call"
                + " apiKey(...) with the key of your account there");
  }

  @Test
  void aChainWhoseEveryTargetIsDownFailsAtOnceNamingEachTarget() {
    AtomicInteger asked = new AtomicInteger();
    // down, not busy: a 503 of the proxy in front of vLLM, a 502 of SGLang's, Kimi's overload
    vllm.respondWith(
        r -> {
          asked.incrementAndGet();
          return FakeResponse.error(
                  503, "{\"error\":{\"message\":\"no healthy upstream\",\"code\":503}}")
              .withHeader("Retry-After", "20");
        });
    sglang.respondWith(
        r -> {
          asked.incrementAndGet();
          return FakeResponse.error(
                  502, "{\"error\":{\"message\":\"upstream connect error\",\"code\":502}}")
              .withHeader("Retry-After", "40");
        });
    moonshot.respondWith(
        r -> {
          asked.incrementAndGet();
          return FakeResponse.error(
                  429,
                  "{\"error\":{\"type\":\"engine_overloaded_error\",\"message\":\"The engine is"
                      + " currently overloaded, please try again later\"}}")
              .withHeader("Retry-After", "60");
        });
    try (KimiClient kimi =
        KimiClient.builder()
            .host(Host.vllm(vllm.baseUrl()))
            .fallback(Target.of(Host.sglang(sglang.baseUrl()), "kimi-k3"))
            .fallback(Target.of(Host.moonshot(Endpoint.of(moonshot.baseUrl()))).apiKey("sk-test"))
            .build()) {
      long started = System.nanoTime();
      Throwable first = catchThrowable(() -> kimi.chat(hi()));
      long firstMs = (System.nanoTime() - started) / 1_000_000;
      assertThat(first).isInstanceOf(EngineOverloadedException.class);
      assertThat(first.getMessage())
          .startsWith(
              "No target of the client's fallback chain takes the call (after 3 attempts in ")
          .contains("): target 0 (vllm at ")
          .contains("target 0 (vllm at " + hostAndPort(vllm) + ") answered HTTP 503")
          .contains("no healthy upstream")
          .contains("target 1 (sglang at " + hostAndPort(sglang) + ", kimi-k3) answered HTTP 502")
          .contains("upstream connect error")
          .contains("target 2 (moonshot at " + hostAndPort(moonshot) + ") answered HTTP 429")
          .contains("engine_overloaded_error")
          .contains("cooling down for")
          .doesNotContain("sk-test");
      assertThat(((KimiException) first).attempts()).as("each target once").isEqualTo(3);
      assertThat(((io.github.kimisdk.errors.ApiException) first).status())
          .as("the status its last answer came with")
          .isEqualTo(429);
      assertThat(first.getSuppressed()).hasSize(3);
      assertThat(firstMs)
          .as("no cooldown of 20 to 60 s was waited out (the backoff of one retry at most)")
          .isLessThan(10_000);
      Throwable next = catchThrowable(() -> kimi.chat(hi()));
      assertThat(next)
          .isInstanceOf(EngineOverloadedException.class)
          .hasMessageStartingWith("No target of the client's fallback chain takes the call");
      assertThat(((EngineOverloadedException) next).status())
          .as("sent nothing: the status of the last answer a target gave")
          .isEqualTo(429);
      assertThat(((EngineOverloadedException) next).retryAfter())
          .as("until the first target admits calls again")
          .hasValueSatisfying(
              d -> assertThat(d).isBetween(Duration.ofSeconds(1), Duration.ofSeconds(20)));
    }
    assertThat(asked.get()).as("the second call sent nothing").isEqualTo(3);
  }

  /**
   * Issue 100's case: every target cooling after one could not be reached, and the only answer any
   * target gave Moonshot's 429. The call that got it says 429, and so does the next, which sends
   * nothing (it said 503 before, a status no target sent).
   */
  @Test
  void aChainThatFailsAtOnceReportsAStatusOneOfItsTargetsSent() throws Exception {
    String closed = "http://127.0.0.1:" + closedPort() + "/v1";
    moonshot.respondWith(
        r ->
            FakeResponse.error(
                    429,
                    "{\"error\":{\"type\":\"engine_overloaded_error\",\"message\":\"The engine"
                        + " is currently overloaded, please try again later\"}}")
                .withHeader("Retry-After", "30"));
    try (KimiClient kimi =
        KimiClient.builder()
            .host(Host.vllm(closed))
            .fallback(Target.of(Host.moonshot(Endpoint.of(moonshot.baseUrl()))).apiKey("sk-test"))
            .build()) {
      for (int call = 1; call <= 3; call++) {
        Throwable t = catchThrowable(() -> kimi.chat(hi()));
        assertThat(t)
            .as("call %d", call)
            .isInstanceOf(EngineOverloadedException.class)
            .hasMessageStartingWith("No target of the client's fallback chain takes the call")
            .hasMessageContaining("could not be reached")
            .hasMessageContaining("answered HTTP 429");
        assertThat(((EngineOverloadedException) t).status())
            .as("call %d: the one status a target sent", call)
            .isEqualTo(429);
      }
    }
    assertThat(moonshot.requestCount()).as("asked by the first call alone").isEqualTo(1);
  }

  /** When no target ever answered with a status, the failure claims none: it is a connection's. */
  @Test
  void aChainWhoseEveryTargetCannotBeReachedFailsAsAConnectionNamingEach() throws Exception {
    try (KimiClient kimi =
        KimiClient.builder()
            .host(Host.vllm("http://127.0.0.1:" + closedPort() + "/v1"))
            .fallback(Target.of(Host.sglang("http://127.0.0.1:" + closedPort() + "/v1"), "kimi-k3"))
            .build()) {
      for (int call = 1; call <= 2; call++) {
        Throwable t = catchThrowable(() -> kimi.chat(hi()));
        assertThat(t)
            .as("call %d", call)
            .isInstanceOf(io.github.kimisdk.errors.ConnectionException.class)
            .hasMessageStartingWith("No target of the client's fallback chain takes the call")
            .hasMessageContaining("target 0 (vllm at 127.0.0.1:")
            .hasMessageContaining("target 1 (sglang at 127.0.0.1:")
            .hasMessageContaining("could not be reached");
      }
    }
  }

  /** A loopback port nothing listens on (bound, then closed). */
  private static int closedPort() throws java.io.IOException {
    try (java.net.ServerSocket s =
        new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    }
  }

  @Test
  void aChainWhoseTargetsAreBusyWaitsForThemRatherThanFailing() {
    AtomicInteger vllmAsked = new AtomicInteger();
    vllm.respondWith(
        r ->
            vllmAsked.incrementAndGet() <= 2
                ? FakeResponse.error(503, BUSY)
                : FakeResponse.reply("vllm had room"));
    sglang.respondWith(
        r ->
            FakeResponse.error(
                503,
                "{\"object\":\"error\",\"message\":\"The request queue is full.\","
                    + "\"type\":\"ServiceUnavailableError\",\"code\":503}"));
    try (KimiClient kimi =
        KimiClient.builder()
            .host(Host.vllm(vllm.baseUrl()))
            .retryPolicy(
                RetryPolicy.defaults().withCooldown(Duration.ofMillis(200), Duration.ofMillis(400)))
            .fallback(Target.of(Host.sglang(sglang.baseUrl()), "kimi-k3"))
            .build()) {
      // both queues full, both cooling: busy, not down, so the call waits for the first to take
      // it (a chain that were down would fail at once, as the test above shows)
      assertThat(kimi.chat(hi()).text()).isEqualTo("vllm had room");
    }
    assertThat(vllmAsked.get()).isEqualTo(3);
    assertThat(sglang.requestCount()).isPositive();
  }

  @Test
  void aPolicyThatAsksWaitsForACoolingTargetWithinItsFreeWait() {
    String down = "{\"error\":{\"message\":\"no healthy upstream\",\"code\":503}}";
    AtomicInteger asked = new AtomicInteger();
    vllm.respondWith(
        r ->
            asked.incrementAndGet() == 1
                ? FakeResponse.error(503, down)
                : FakeResponse.reply("vllm is back"));
    sglang.respondWith(r -> FakeResponse.error(503, down));
    RetryPolicy policy =
        RetryPolicy.defaults()
            .withCooldown(Duration.ofMillis(200), Duration.ofMillis(400))
            .withRateLimitWait(Duration.ofSeconds(30));
    try (KimiClient kimi =
        KimiClient.builder()
            .host(Host.vllm(vllm.baseUrl()))
            .retryPolicy(policy.withMaxRetries(1))
            .fallback(Target.of(Host.sglang(sglang.baseUrl()), "kimi-k3"))
            .build()) {
      assertThat(kimi.chat(hi()).text()).isEqualTo("vllm is back");
    }
  }
}
