package io.github.kimisdk;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import io.github.kimisdk.chat.ChatCompletion;
import io.github.kimisdk.chat.ChatCompletionChunk;
import io.github.kimisdk.chat.ChatRequest;
import io.github.kimisdk.chat.ChatStream;
import io.github.kimisdk.chat.Thinking;
import io.github.kimisdk.errors.ConfigurationException;
import io.github.kimisdk.errors.EngineOverloadedException;
import io.github.kimisdk.errors.InvalidRequestException;
import io.github.kimisdk.errors.KimiException;
import io.github.kimisdk.errors.KimiTimeoutException;
import io.github.kimisdk.errors.PreflightException;
import io.github.kimisdk.errors.QuotaExceededException;
import io.github.kimisdk.errors.StreamException;
import io.github.kimisdk.host.Host;
import io.github.kimisdk.host.ServedBy;
import io.github.kimisdk.host.TargetStatus;
import io.github.kimisdk.model.Price;
import io.github.kimisdk.model.PriceTable;
import io.github.kimisdk.platform.PingResult;
import io.github.kimisdk.testing.FakeKimiServer;
import io.github.kimisdk.testing.FakeResponse;
import io.github.kimisdk.testing.RecordedRequest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A client with fallback targets against two loopback servers, A (the client's own) and B: what
 * moves a call to B and what never does, the cooldown of an overloaded A and its one probe, streams
 * before and after their first event, and each target's spend and health.
 */
class FallbackHttpTest {

  static final String OVERLOADED =
      "{\"error\":{\"type\":\"engine_overloaded_error\",\"message\":\"The engine is currently"
          + " overloaded, please try again later\"}}";
  static final String QUOTA =
      "{\"error\":{\"type\":\"exceeded_current_quota_error\",\"message\":\"Your account is out"
          + " of quota\"}}";

  private FakeKimiServer a;
  private FakeKimiServer b;

  @BeforeEach
  void start() {
    a = new FakeKimiServer().start();
    b = new FakeKimiServer().start();
  }

  @AfterEach
  void stop() {
    a.close();
    b.close();
  }

  private KimiClient.Builder chain(RetryPolicy policy) {
    return KimiClient.builder()
        .apiKey("sk-test-a")
        .baseUrl(a.baseUrl())
        .retryPolicy(policy)
        .fallback(
            Target.of(Host.moonshot(Endpoint.of(b.baseUrl())), "kimi-k2.6").apiKey("sk-test-b"));
  }

  private KimiClient chain() {
    return chain(RetryPolicy.defaults()).build();
  }

  private static ChatRequest hi() {
    return ChatRequest.of("kimi-k2.6", "Hi");
  }

  @Test
  void anOverloadedTargetFallsBackAndTheReplyNamesWhoServedIt() {
    a.enqueue(FakeResponse.error(429, OVERLOADED));
    b.enqueue(FakeResponse.reply("from b"));
    try (KimiClient kimi = chain()) {
      ChatCompletion reply = kimi.chat(hi());
      assertThat(reply.text()).isEqualTo("from b");
      ServedBy served = reply.metadata().servedBy();
      assertThat(served.baseUrl()).hasToString(b.baseUrl());
      assertThat(served.target()).isEqualTo(1);
      assertThat(served.host()).isEqualTo("moonshot");
      assertThat(served.model()).isEqualTo("kimi-k2.6");
      assertThat(reply.metadata().requestId()).isPresent();
    }
    assertThat(a.requestCount()).isEqualTo(1);
    assertThat(b.takeRequest().header("Authorization")).contains("Bearer sk-test-b");
  }

  @Test
  void aCooledTargetIsNotAskedUntilItsCooldownEndsThenOneCallProbesIt() {
    a.enqueue(FakeResponse.error(429, OVERLOADED));
    RetryPolicy policy =
        RetryPolicy.defaults().withCooldown(Duration.ofHours(1), Duration.ofHours(2));
    try (KimiClient kimi = chain(policy).build()) {
      for (int i = 0; i < 5; i++) {
        assertThat(kimi.chat(hi()).metadata().servedBy().baseUrl().toString())
            .isEqualTo(b.baseUrl());
      }
      List<TargetStatus> health = kimi.account().targets();
      assertThat(health.get(0).state()).isEqualTo(TargetStatus.State.COOLING);
      assertThat(health.get(0).isAvailable()).isFalse();
      assertThat(health.get(0).cooldownLeft()).isPositive();
      assertThat(health.get(1).state()).isEqualTo(TargetStatus.State.AVAILABLE);
    }
    assertThat(a.requestCount()).as("A was asked once, then cooled").isEqualTo(1);
    assertThat(b.requestCount()).isEqualTo(5);
  }

  @Test
  void aProbeAfterTheCooldownBringsTheTargetBack() throws Exception {
    a.enqueue(FakeResponse.error(429, OVERLOADED));
    RetryPolicy policy =
        RetryPolicy.defaults().withCooldown(Duration.ofMillis(200), Duration.ofSeconds(1));
    try (KimiClient kimi = chain(policy).build()) {
      assertThat(kimi.chat(hi()).metadata().servedBy().baseUrl().toString()).isEqualTo(b.baseUrl());
      long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
      while (kimi.account().targets().get(0).state() == TargetStatus.State.COOLING
          && System.nanoTime() < deadline) {
        Thread.onSpinWait();
      }
      ChatCompletion probe = kimi.chat(hi());
      assertThat(probe.metadata().servedBy().baseUrl().toString()).isEqualTo(a.baseUrl());
      assertThat(kimi.account().targets().get(0).state()).isEqualTo(TargetStatus.State.AVAILABLE);
    }
  }

  @Test
  void aProbeThatIsCancelledLetsTheNextCallProbe() throws Exception {
    a.enqueue(FakeResponse.error(429, OVERLOADED));
    a.enqueue(FakeResponse.reply("slow").withHeadersDelay(Duration.ofSeconds(30)));
    a.enqueue(FakeResponse.reply("probe"));
    RetryPolicy policy =
        RetryPolicy.defaults().withCooldown(Duration.ofMillis(100), Duration.ofMillis(100));
    try (KimiClient kimi = chain(policy).build()) {
      kimi.chat(hi()); // A overloaded: served by B, A cools for 100 ms
      long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
      while (kimi.account().targets().get(0).state() == TargetStatus.State.COOLING
          && System.nanoTime() < deadline) {
        Thread.onSpinWait();
      }
      var slow = kimi.chatAsync(hi()); // the probe, held by A
      while (a.requestCount() < 2 && System.nanoTime() < deadline) {
        Thread.onSpinWait();
      }
      slow.cancel(true);
      ChatCompletion next = kimi.chat(hi());
      assertThat(next.text()).as("the next call probes A again").isEqualTo("probe");
    }
  }

  @Test
  void thousandCallsWhoseFirstTargetIsOverloadedHalfTheTimeAllSucceedOnceEach() {
    AtomicInteger seenByA = new AtomicInteger();
    List<Long> probesAt = new CopyOnWriteArrayList<>();
    AtomicInteger okA = new AtomicInteger();
    AtomicInteger okB = new AtomicInteger();
    a.respondWith(
        r -> {
          int n = seenByA.getAndIncrement();
          probesAt.add(System.nanoTime());
          if (n % 2 == 1) {
            return FakeResponse.error(429, OVERLOADED);
          }
          okA.incrementAndGet();
          return null;
        });
    b.respondWith(
        r -> {
          okB.incrementAndGet();
          return null;
        });
    Duration cooldown = Duration.ofMillis(20);
    RetryPolicy policy = RetryPolicy.defaults().withCooldown(cooldown, Duration.ofMillis(20));
    List<String> servedBy = Collections.synchronizedList(new ArrayList<>());
    long started = System.nanoTime();
    int failed = 0;
    try (KimiClient kimi = chain(policy).build()) {
      for (int i = 0; i < 1000; i++) {
        try {
          ChatCompletion c = kimi.chat(hi());
          servedBy.add(c.metadata().servedBy().baseUrl().toString());
        } catch (KimiException e) {
          failed++;
        }
      }
    }
    long elapsedMs = Duration.ofNanos(System.nanoTime() - started).toMillis();
    assertThat(failed).as("failed calls").isZero();
    assertThat(servedBy).hasSize(1000);
    assertThat(okA.get() + okB.get()).as("completions, none duplicated").isEqualTo(1000);
    int overloads = seenByA.get() / 2;
    // A is asked once when healthy and once per cooldown (its probe): with a 20 ms cooldown it
    // takes at most two requests per cooldown that passed
    long cooldowns = elapsedMs / cooldown.toMillis() + 1;
    assertThat(seenByA.get())
        .as("A's requests in %d ms", elapsedMs)
        .isLessThanOrEqualTo((int) (2 * cooldowns + 2));
    assertThat(overloads).isPositive();
    System.out.printf(
        "1000 calls in %d ms: A asked %d times (%d overloaded), B %d; %d cooldowns of %d ms%n",
        elapsedMs, seenByA.get(), overloads, okB.get(), cooldowns, cooldown.toMillis());
  }

  @Test
  void aQuotaErrorMovesToTheNextAccountWithoutRetryingTheFirst() {
    a.enqueue(FakeResponse.error(429, QUOTA));
    b.enqueue(FakeResponse.reply("from b"));
    try (KimiClient kimi = chain()) {
      assertThat(kimi.chat(hi()).text()).isEqualTo("from b");
    }
    assertThat(a.requestCount()).isEqualTo(1);
  }

  @Test
  void aQuotaErrorOfTheOnlyAccountIsFinal() {
    a.enqueue(FakeResponse.error(429, QUOTA));
    try (KimiClient kimi =
        KimiClient.builder()
            .apiKey("sk-test-a")
            .baseUrl(a.baseUrl())
            .fallback(Target.of(Host.moonshot(Endpoint.of(a.baseUrl()))).apiKey("sk-test-a"))
            .build()) {
      assertThat(catchThrowable(() -> kimi.chat(hi()))).isInstanceOf(QuotaExceededException.class);
    }
    assertThat(a.requestCount()).as("the same account on both targets: asked once").isEqualTo(1);
  }

  @Test
  void aCallersOwnErrorNeverFallsBack() {
    a.enqueue(
        FakeResponse.error(
            400, "{\"error\":{\"type\":\"invalid_request_error\",\"message\":\"bad\"}}"));
    try (KimiClient kimi = chain()) {
      assertThat(catchThrowable(() -> kimi.chat(hi()))).isInstanceOf(InvalidRequestException.class);
    }
    assertThat(b.requestCount()).isZero();
  }

  @Test
  void anUnauthorizedTargetNeverFallsBack() {
    a.enqueue(
        FakeResponse.error(
            401, "{\"error\":{\"type\":\"invalid_authentication_error\",\"message\":\"no\"}}"));
    try (KimiClient kimi = chain()) {
      catchThrowable(() -> kimi.chat(hi()));
    }
    assertThat(b.requestCount()).isZero();
  }

  @Test
  void whenEveryTargetIsOverloadedTheCallFailsAfterItsRetries() {
    a.respondWith(r -> FakeResponse.error(429, OVERLOADED));
    b.respondWith(r -> FakeResponse.error(503, OVERLOADED));
    RetryPolicy policy =
        RetryPolicy.none()
            .withMaxServerWait(Duration.ofMillis(1))
            .withCooldown(Duration.ofSeconds(30), Duration.ofSeconds(60));
    try (KimiClient kimi = chain(policy).build()) {
      Throwable t = catchThrowable(() -> kimi.chat(hi()));
      assertThat(t).isInstanceOf(EngineOverloadedException.class);
      assertThat(((KimiException) t).attempts()).isEqualTo(2);
      Throwable next = catchThrowable(() -> kimi.chat(hi()));
      assertThat(next)
          .as("both cooling: not sent")
          .isInstanceOf(EngineOverloadedException.class)
          .hasMessageContaining("cooling down");
    }
    assertThat(a.requestCount() + b.requestCount()).isEqualTo(2);
  }

  @Test
  void listenersHearTheFallbackAndEachAttemptNamesItsTarget() {
    a.enqueue(FakeResponse.error(503, OVERLOADED));
    List<CallEvent> heard = new CopyOnWriteArrayList<>();
    try (KimiClient kimi =
        chain(RetryPolicy.defaults())
            .listener(
                new CallListener() {
                  @Override
                  public void onHeaders(CallEvent.Headers e) {
                    heard.add(e);
                  }

                  @Override
                  public void onFallback(CallEvent.Fallback e) {
                    heard.add(e);
                  }

                  @Override
                  public void onRetry(CallEvent.Retry e) {
                    heard.add(e);
                  }
                })
            .build()) {
      kimi.chat(hi());
    }
    assertThat(heard).hasSize(3);
    CallEvent.Headers first = (CallEvent.Headers) heard.get(0);
    assertThat(first.metadata().servedBy().baseUrl().toString()).isEqualTo(a.baseUrl());
    CallEvent.Fallback moved = (CallEvent.Fallback) heard.get(1);
    assertThat(moved.attempt()).isEqualTo(1);
    assertThat(moved.from().baseUrl()).hasToString(a.baseUrl());
    assertThat(moved.to().baseUrl()).hasToString(b.baseUrl());
    assertThat(moved.failure()).isInstanceOf(KimiException.class);
    CallEvent.Headers second = (CallEvent.Headers) heard.get(2);
    assertThat(second.attempt()).isEqualTo(2);
    assertThat(second.metadata().servedBy()).isEqualTo(moved.to());
  }

  @Test
  void aPerAttemptInterceptorSeesEachAttemptGoToItsTarget() {
    a.enqueue(FakeResponse.error(503, OVERLOADED));
    List<String> seen = new CopyOnWriteArrayList<>();
    KimiInterceptor each =
        KimiInterceptorHttpTest.eachAttempt(
            chain -> seen.add(chain.attempt() + " " + chain.endpoint()));
    try (KimiClient kimi = chain(RetryPolicy.defaults()).interceptor(each).build()) {
      assertThat(kimi.chat(hi()).metadata().servedBy().target()).isEqualTo(1);
    }
    assertThat(seen)
        .containsExactly(
            "1 " + a.baseUrl() + "/chat/completions", "2 " + b.baseUrl() + "/chat/completions");
  }

  @Test
  void aRequestAnInterceptorChangesIsSentChangedToTheFallbackTargetToo() {
    a.enqueue(FakeResponse.error(529, OVERLOADED));
    KimiInterceptor redact =
        chain ->
            chain.proceed(
                chain.request().toBuilder()
                    .messages(List.of(io.github.kimisdk.chat.Message.user("[redacted]")))
                    .build());
    try (KimiClient kimi = chain(RetryPolicy.defaults()).interceptor(redact).build()) {
      kimi.chat(hi());
    }
    assertThat(a.takeRequest().bodyText()).contains("[redacted]");
    assertThat(b.takeRequest().bodyText()).contains("[redacted]").doesNotContain("\"Hi\"");
  }

  @Test
  void aStreamFallsBackBeforeItsFirstEvent() {
    a.enqueue(FakeResponse.error(429, OVERLOADED));
    b.enqueue(FakeResponse.reply("streamed by b"));
    StringBuilder text = new StringBuilder();
    try (KimiClient kimi = chain();
        ChatStream s = kimi.stream(hi())) {
      for (ChatCompletionChunk c : s) {
        text.append(c.text());
      }
      assertThat(s.metadata().orElseThrow().servedBy().baseUrl().toString()).isEqualTo(b.baseUrl());
    }
    assertThat(text).hasToString("streamed by b");
  }

  @Test
  void aStreamThatFailsAfterItsFirstEventDoesNotFallBack() {
    a.enqueue(
        FakeResponse.rawSse(
            "data: {\"id\":\"x\",\"object\":\"chat.completion.chunk\",\"created\":1,"
                + "\"model\":\"kimi-k2.6\",\"choices\":[{\"index\":0,\"delta\":{\"role\":"
                + "\"assistant\",\"content\":\"Hel\"}}]}\n\n"
                + "data: {\"error\":{\"type\":\"engine_overloaded_error\",\"message\":"
                + "\"overloaded\"}}\n\n"));
    try (KimiClient kimi = chain();
        ChatStream s = kimi.stream(hi())) {
      Throwable t =
          catchThrowable(
              () -> {
                for (ChatCompletionChunk c : s) {
                  c.text();
                }
              });
      assertThat(t).isInstanceOf(StreamException.class);
      assertThat(((StreamException) t).partial().text()).isEqualTo("Hel");
    }
    assertThat(b.requestCount()).isZero();
  }

  @Test
  void aChunkWhoseChoiceFinishesWithErrorBesideAnErrorObjectFailsTheStreamWithoutFallingBack() {
    // OpenRouter's error after output began: a chunk on the 200 with finish_reason "error"
    a.enqueue(
        FakeResponse.rawSse(
            "data: {\"id\":\"gen-1\",\"object\":\"chat.completion.chunk\",\"created\":1,"
                + "\"model\":\"kimi-k2.6\",\"choices\":[{\"index\":0,\"delta\":{\"role\":"
                + "\"assistant\",\"content\":\"Hel\"}}]}\n\n"
                + "data: {\"id\":\"gen-1\",\"object\":\"chat.completion.chunk\",\"created\":1,"
                + "\"model\":\"kimi-k2.6\",\"error\":{\"code\":\"server_error\",\"message\":"
                + "\"Provider disconnected unexpectedly\"},\"choices\":[{\"index\":0,\"delta\":"
                + "{\"content\":\"\"},\"finish_reason\":\"error\"}]}\n\n"));
    try (KimiClient kimi = chain();
        ChatStream s = kimi.stream(hi())) {
      Throwable t = catchThrowable(s::toCompletion);
      assertThat(t)
          .isInstanceOf(StreamException.class)
          .hasMessageContaining("Provider disconnected");
      assertThat(((StreamException) t).partial().text()).isEqualTo("Hel");
    }
    assertThat(b.requestCount()).isZero();
  }

  @Test
  void eachTargetKeepsItsSpendAtItsHostsPrices() {
    a.enqueue(FakeResponse.reply("from a"));
    a.enqueue(FakeResponse.error(429, OVERLOADED));
    b.enqueue(FakeResponse.reply("from b"));
    b.lenient(); // serves the vendor's id of kimi-k2.6
    PriceTable vendor =
        PriceTable.none().with("kimi-k2.6", Price.perMillionTokens("USD", "1.00", "1.00", "1.00"));
    try (KimiClient kimi =
        KimiClient.builder()
            .apiKey("sk-test-a")
            .baseUrl(a.baseUrl())
            .prices(PriceTable.none())
            .fallback(
                Target.of(
                        Host.compatible("vendor", b.baseUrl())
                            .withModelId("kimi-k2.6", "vendor/kimi-k2.6")
                            .withPrices(vendor))
                    .apiKey("sk-test-b"))
            .build()) {
      kimi.chat(hi());
      ChatCompletion second = kimi.chat(hi());
      assertThat(second.metadata().servedBy().host()).isEqualTo("vendor");
      List<TargetStatus> targets = kimi.account().targets();
      assertThat(targets.get(0).spend().totalTokens()).isPositive();
      assertThat(targets.get(0).spend().cost()).as("no prices for A").isEmpty();
      assertThat(targets.get(1).spend().totalTokens()).isEqualTo(second.usage().totalTokens());
      assertThat(targets.get(1).spend().cost().orElseThrow().total()).isPositive();
      assertThat(kimi.spend().totalTokens())
          .isEqualTo(targets.get(0).spend().totalTokens() + targets.get(1).spend().totalTokens());
    }
    RecordedRequest atB = b.takeRequest();
    assertThat(atB.bodyText()).contains("\"model\":\"vendor/kimi-k2.6\"");
  }

  @Test
  void kimisRulesForTheModelRefuseARequestBeforeAnyHostIsAsked() {
    ChatRequest k3 =
        ChatRequest.builder("kimi-k3")
            .addUser("Hi")
            .temperature(0.3)
            .thinking(Thinking.enabled())
            .build();
    try (KimiClient vllm =
            KimiClient.builder().apiKey("sk-test-a").host(Host.vllm(a.baseUrl())).build();
        KimiClient byItsId =
            KimiClient.builder().apiKey("sk-test-a").host(Host.vllm(a.baseUrl())).build();
        KimiClient chained =
            KimiClient.builder()
                .apiKey("sk-test-a")
                .baseUrl(a.baseUrl())
                .fallback(Target.of(Host.vllm(b.baseUrl()), "kimi-k3"))
                .build()) {
      assertThat(catchThrowable(() -> vllm.chat(k3)))
          .isInstanceOf(PreflightException.class)
          .hasMessageContaining("temperature");
      assertThat(
              catchThrowable(
                  () -> byItsId.chat(k3.toBuilder().model("moonshotai/Kimi-K3").build())))
          .as("the host's id is judged by the rules of the Kimi model it names")
          .isInstanceOf(PreflightException.class)
          .hasMessageContaining("temperature");
      assertThat(
              catchThrowable(
                  () ->
                      chained.chat(
                          ChatRequest.builder("kimi-k2.6").addUser("Hi").temperature(0.3).build())))
          .isInstanceOf(PreflightException.class);
    }
    assertThat(a.requestCount() + b.requestCount()).isZero();
  }

  @Test
  void healthChecksEachTargetWithoutTokens() {
    try (KimiClient kimi = chain()) {
      List<TargetStatus> checked = kimi.account().checkTargets();
      assertThat(checked).hasSize(2);
      assertThat(checked).allMatch(TargetStatus::isAvailable);
      assertThat(checked.get(1).ping().isOk()).isTrue();
      assertThat(checked.get(1).toString()).doesNotContain("sk-test-b");
    }
    assertThat(a.takeRequest().path()).endsWith("/models");
    RecordedRequest atB = b.takeRequest();
    assertThat(atB.path()).endsWith("/models");
    assertThat(atB.header("Authorization")).contains("Bearer sk-test-b");
  }

  @Test
  void aDerivedClientsTimeoutBoundsTheCheckOfEveryTarget() {
    // B answers its check after 3 s; a probe's client, derived with 300 ms, must not wait for it
    b.enqueue(
        FakeResponse.json("{\"object\":\"list\",\"data\":[]}")
            .withHeadersDelay(Duration.ofSeconds(3)));
    try (KimiClient kimi = chain()) {
      List<TargetStatus> checked =
          kimi.withOptions(RequestOptions.builder().timeout(Duration.ofMillis(300)).build())
              .account()
              .checkTargets();
      assertThat(checked.get(0).ping().isOk()).isTrue();
      // a check that waited for B's answer would read it as OK: its own timeout gave up first
      assertThat(checked.get(1).ping().status()).isEqualTo(PingResult.Status.UNREACHABLE);
      assertThat(checked.get(1).ping().error()).isInstanceOf(KimiTimeoutException.class);
      assertThat(checked.get(1).isAvailable()).isFalse();
    }
  }

  @Test
  void aTargetNeverPrintsItsKey() {
    Target t = Target.of(Host.OPENROUTER, "kimi-k3").apiKey("sk-or-secret-1234567890");
    assertThat(t.toString()).doesNotContain("secret").contains("openrouter").contains("***");
  }

  @Test
  void aClientWithFallbackTargetsRefusesTenants() {
    try (KimiClient kimi = chain()) {
      assertThat(catchThrowable(() -> kimi.withCredentials("acme", () -> "sk-acme")))
          .isInstanceOf(ConfigurationException.class)
          .hasMessageContaining("fallback");
    }
  }

  @Test
  void aHostedPlatformsTargetWithoutAKeyIsRefusedAtBuildWithoutTakingTheClientsKey() {
    for (Host hosted : List.of(Host.MOONSHOT, Host.KIMI_CODE, Host.OPENROUTER, Host.TOGETHER)) {
      assertThat(
              catchThrowable(
                  () ->
                      KimiClient.builder()
                          .apiKey("sk-client-key-0123456789abcdef")
                          .baseUrl(a.baseUrl())
                          .fallback(Target.of(hosted, "kimi-k3"))
                          .build()))
          .as(hosted.name())
          .isInstanceOf(ConfigurationException.class)
          .hasMessageContaining("fallback target 1 (" + hosted.name() + ") has no API key")
          .hasMessageNotContaining("0123456789");
    }
    try (KimiClient keyless =
        KimiClient.builder()
            .apiKey("sk-test-a")
            .baseUrl(a.baseUrl())
            .fallback(Target.of(Host.vllm(b.baseUrl()), "kimi-k3"))
            .build()) {
      assertThat(keyless.account().targets()).as("a self-hosted server may take no key").hasSize(2);
    }
  }

  @Test
  void aTargetOverPlainHttpToAnotherHostIsRefusedAtBuild() {
    assertThat(
            catchThrowable(
                () ->
                    KimiClient.builder()
                        .apiKey("sk-test-a")
                        .baseUrl(a.baseUrl())
                        .fallback(Target.of(Host.vllm("http://vllm.internal:8000/v1")))
                        .build()))
        .isInstanceOf(ConfigurationException.class)
        .hasMessageContaining("Plain http://");
  }
}
