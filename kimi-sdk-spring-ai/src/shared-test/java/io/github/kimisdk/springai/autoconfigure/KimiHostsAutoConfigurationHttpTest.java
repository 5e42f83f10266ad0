package io.github.kimisdk.springai.autoconfigure;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.kimisdk.KimiClient;
import io.github.kimisdk.RateLimit;
import io.github.kimisdk.RetryPolicy;
import io.github.kimisdk.Target;
import io.github.kimisdk.errors.ConfigurationException;
import io.github.kimisdk.host.ServedBy;
import io.github.kimisdk.host.TargetStatus;
import io.github.kimisdk.json.JsonObject;
import io.github.kimisdk.springai.KimiChatModel;
import io.github.kimisdk.testing.FakeKimiServer;
import io.github.kimisdk.testing.FakeResponse;
import io.github.kimisdk.testing.RecordedRequest;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.ai.chat.model.ChatModel;
import org.springframework.ai.chat.model.ChatResponse;
import org.springframework.ai.chat.prompt.Prompt;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.diagnostics.FailureAnalysis;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.ApplicationContext;

/**
 * The host and the fallback targets from {@code spring.ai.kimi.*}, against two fakes on loopback:
 * the client's own target, {@code first}, and a fallback, {@code second}. A chain whose first
 * target is overloaded serves from the second; Kimi's health group shows both; a host that cannot
 * be made fails the start in Spring Boot's failure report, naming its properties and never a key.
 */
class KimiHostsAutoConfigurationHttpTest {

  private static final String OVERLOADED = "overloaded=1";

  private final FakeKimiServer first = new FakeKimiServer().start();
  private final FakeKimiServer second = new FakeKimiServer().start();

  /**
   * A fake for a vLLM host: it speaks vLLM's dialect (its model ids in {@code GET /models}, which
   * the health check compares with a target's model) and answers whatever model id it is asked.
   */
  private final FakeKimiServer anyModel = new FakeKimiServer().lenient().dialect("vllm").start();

  private final ApplicationContextRunner runner =
      HealthContexts.withKimiHealth()
          .withPropertyValues(
              "spring.ai.kimi.api-key=sk-first-key",
              "management.endpoint.health.show-details=always");

  @AfterEach
  void close() {
    first.close();
    second.close();
    anyModel.close();
  }

  /** The properties of a chain: {@code first}, then {@code second} with its own key and model. */
  private String[] chain(String... more) {
    List<String> p =
        new java.util.ArrayList<>(
            List.of(
                "spring.ai.kimi.base-url=" + first.baseUrl(),
                "spring.ai.kimi.fallback[0].base-url=" + second.baseUrl(),
                "spring.ai.kimi.fallback[0].model=kimi-k2.6",
                "spring.ai.kimi.fallback[0].api-key=sk-second-key",
                "spring.ai.kimi.retry.cooldown=1h"));
    p.addAll(List.of(more));
    return p.toArray(String[]::new);
  }

  private static long chatRequests(FakeKimiServer server) {
    return server.requests().stream().filter(r -> r.path().endsWith("/chat/completions")).count();
  }

  @Test
  void aChainWhoseFirstTargetIsOverloadedIsServedByTheSecondWhichTheReplyNames() {
    first.failCalls(OVERLOADED);

    runner
        .withPropertyValues(chain())
        .run(
            context -> {
              ChatModel model = context.getBean(ChatModel.class);
              ChatResponse reply = model.call(new Prompt("Hi"));
              assertThat(reply.getResult().getOutput().getText()).isNotBlank();
              ServedBy served = reply.getMetadata().get(KimiChatModel.SERVED_BY);
              assertThat(served.target()).isEqualTo(1);
              assertThat(served.baseUrl()).hasToString(second.baseUrl());
              assertThat(served.model()).isEqualTo("kimi-k2.6");

              // a stream too, its last response naming the target; the first is cooling now
              List<ChatResponse> streamed =
                  model.stream(new Prompt("Hi again")).collectList().block();
              ServedBy streamedBy =
                  streamed.get(streamed.size() - 1).getMetadata().get(KimiChatModel.SERVED_BY);
              assertThat(streamedBy.target()).isEqualTo(1);
            });

    assertThat(chatRequests(first)).as("asked once, then cooled for an hour").isEqualTo(1);
    assertThat(chatRequests(second)).isEqualTo(2);
    RecordedRequest atSecond = second.takeRequest();
    assertThat(atSecond.header("Authorization")).hasValue("Bearer sk-second-key");
    assertThat(atSecond.json().get("model").asString()).isEqualTo("kimi-k2.6");
  }

  @Test
  void aClientWithoutFallbackTargetsNamesNoTargetInItsReplies() {
    runner
        .withPropertyValues("spring.ai.kimi.base-url=" + first.baseUrl())
        .run(
            context -> {
              ChatResponse reply = context.getBean(ChatModel.class).call(new Prompt("Hi"));
              assertThat(reply.getMetadata().containsKey(KimiChatModel.SERVED_BY)).isFalse();
            });
  }

  @Test
  void theHostPropertySendsTheClientsCallsInItsDialect() {
    anyModel.enqueue(FakeResponse.reply("from vllm"));

    runner
        .withPropertyValues(
            "spring.ai.kimi.host=vllm",
            "spring.ai.kimi.base-url=" + anyModel.baseUrl(),
            "spring.ai.kimi.chat.model=kimi-k3",
            "spring.ai.kimi.chat.thinking=disabled")
        .run(
            context -> {
              assertThat(context.getBean(KimiClient.class).endpoint().baseUrl())
                  .isEqualTo(anyModel.baseUrl());
              assertThat(context.getBean(ChatModel.class).call("Hi")).isEqualTo("from vllm");
            });

    JsonObject sent = anyModel.takeRequest().json().asObject();
    assertThat(sent.get("model").asString()).isEqualTo("moonshotai/Kimi-K3");
    assertThat(sent.get("chat_template_kwargs").get("thinking").asBoolean()).isFalse();
    assertThat(sent.members()).doesNotContainKey("thinking");
  }

  @Test
  void aTeamsOwnServerNeedsNoKeyAndIsSentNone() {
    try (FakeKimiServer vllm = new FakeKimiServer().dialect("vllm").start()) {
      HealthContexts.withKimiHealth()
          .withPropertyValues(
              "spring.ai.kimi.host=vllm",
              "spring.ai.kimi.base-url=" + vllm.baseUrl(),
              "spring.ai.kimi.chat.model=kimi-k3")
          .run(
              context -> {
                assertThat(context).hasSingleBean(KimiClient.class);
                assertThat(context.getBean(ChatModel.class).call("Hi")).isNotBlank();
              });
      assertThat(vllm.takeRequest().header("Authorization")).isEmpty();
    }
    // a hosted platform without a key makes no client, as before
    HealthContexts.withKimiHealth()
        .withPropertyValues("spring.ai.kimi.host=openrouter")
        .run(context -> assertThat(context).doesNotHaveBean(KimiClient.class));
  }

  @Test
  void eachFallbackTargetHasItsHostModelKeyAndRateLimit() {
    runner
        .withPropertyValues(
            chain(
                "spring.ai.kimi.fallback[0].rate-limit.max-concurrency=3",
                "spring.ai.kimi.fallback[1].host=sglang",
                "spring.ai.kimi.fallback[1].base-url=http://127.0.0.1:30000/v1"))
        .run(
            context -> {
              List<TargetStatus> targets = context.getBean(KimiClient.class).account().targets();
              assertThat(targets).hasSize(3);
              Target moonshot = targets.get(1).target();
              assertThat(moonshot.host().name()).isEqualTo("moonshot");
              assertThat(moonshot.model()).contains("kimi-k2.6");
              assertThat(moonshot.hasKey()).isTrue();
              assertThat(moonshot.rateLimit().map(RateLimit::maxConcurrency))
                  .contains(OptionalInt.of(3));
              Target sglang = targets.get(2).target();
              assertThat(sglang.host().name()).isEqualTo("sglang");
              assertThat(sglang.model()).isEmpty();
              assertThat(sglang.hasKey()).as("a server without --api-key gets none").isFalse();
              assertThat(sglang.rateLimit()).isEmpty();
              assertThat(targets).allMatch(t -> t.state() == TargetStatus.State.AVAILABLE);
            });
    assertThat(first.requestCount() + second.requestCount()).as("nothing sent at start").isZero();
  }

  @Test
  void theRetryPropertiesSetTheCooldownAndTheRateLimitWait() {
    KimiConnectionProperties.Retry retry = new KimiConnectionProperties.Retry();
    retry.setCooldown(Duration.ofMinutes(2));
    assertThat(retry.toPolicy())
        .as("a cooldown past the default longest one is also the longest")
        .isEqualTo(
            RetryPolicy.defaults().withCooldown(Duration.ofMinutes(2), Duration.ofMinutes(2)));

    retry.setMaxCooldown(Duration.ofMinutes(10));
    retry.setRateLimitWait(Duration.ofSeconds(30));
    assertThat(retry.toPolicy())
        .isEqualTo(
            RetryPolicy.defaults()
                .withCooldown(Duration.ofMinutes(2), Duration.ofMinutes(10))
                .withRateLimitWait(Duration.ofSeconds(30)));

    KimiConnectionProperties.Retry longestOnly = new KimiConnectionProperties.Retry();
    longestOnly.setMaxCooldown(Duration.ofMinutes(5));
    assertThat(longestOnly.toPolicy().cooldown()).isEqualTo(RetryPolicy.defaults().cooldown());
    assertThat(longestOnly.toPolicy().maxCooldown()).isEqualTo(Duration.ofMinutes(5));
  }

  private static HealthContexts.Seen kimi(ApplicationContext context) {
    return HealthContexts.kimi(context);
  }

  @SuppressWarnings("unchecked")
  private static List<Map<String, Object>> targets(HealthContexts.Seen health) {
    return (List<Map<String, Object>>) health.details().get(KimiHealthCheck.TARGETS);
  }

  @Test
  void theHealthGroupShowsEachTargetWithItsHostModelStateAndCheck() {
    first.failCalls(OVERLOADED);

    runner
        .withPropertyValues(
            "spring.ai.kimi.base-url=" + first.baseUrl(),
            "spring.ai.kimi.fallback[0].host=vllm",
            "spring.ai.kimi.fallback[0].base-url=" + anyModel.baseUrl(),
            "spring.ai.kimi.fallback[0].model=kimi-k3",
            "spring.ai.kimi.fallback[0].api-key=sk-second-key",
            "spring.ai.kimi.retry.cooldown=1h")
        .run(
            context -> {
              // before any call: both available
              HealthContexts.Seen before = kimi(context);
              assertThat(before.status()).isEqualTo("UP");
              assertThat(targets(before))
                  .extracting(t -> t.get("state"))
                  .containsExactly("AVAILABLE", "AVAILABLE");

              assertThat(context.getBean(ChatModel.class).call("Hi")).isNotBlank(); // the vLLM's

              // the first said it is overloaded: cooling now, told at the next probe, unsent
              HealthContexts.Seen after = kimi(context);
              assertThat(after.status()).isEqualTo("UP");
              List<Map<String, Object>> targets = targets(after);
              assertThat(targets).hasSize(2);
              assertThat(targets.get(0))
                  .containsEntry("target", 0)
                  .containsEntry("host", "moonshot")
                  .containsEntry("endpoint", first.baseUrl())
                  .containsEntry("state", "COOLING")
                  .containsEntry("available", false)
                  .containsKey("cooldownLeftMs")
                  .doesNotContainKey("model");
              assertThat(targets.get(1))
                  .containsEntry("target", 1)
                  .containsEntry("host", "vllm")
                  .containsEntry("endpoint", anyModel.baseUrl())
                  .containsEntry("model", "kimi-k3")
                  .containsEntry("state", "AVAILABLE")
                  .containsEntry("available", true)
                  .containsEntry("condition", "UP");
              assertThat(targets.get(0)).containsEntry("condition", "OVERLOADED");
              for (Map<String, Object> t : targets) {
                assertThat(castMap(t.get("check")))
                    .containsEntry("status", "OK")
                    .containsKey("latencyMs");
              }
              assertThat(after.details().toString())
                  .doesNotContain("sk-first-key")
                  .doesNotContain("sk-second-key");

              // the application's own status leaves Kimi out, whatever Kimi's
              assertThat(HealthContexts.root(context).status()).isEqualTo("UP");
              assertThat(HealthContexts.root(context).components()).doesNotContain("kimiApi");
            });

    // three probes within cache-for: one check of each host, each with its own key
    List<RecordedRequest> firstModels = models(first);
    List<RecordedRequest> secondModels = models(anyModel);
    assertThat(firstModels).hasSize(1);
    assertThat(secondModels).hasSize(1);
    assertThat(secondModels.get(0).header("Authorization")).hasValue("Bearer sk-second-key");
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> castMap(Object o) {
    return (Map<String, Object>) o;
  }

  private static List<RecordedRequest> models(FakeKimiServer server) {
    return server.requests().stream().filter(r -> r.path().equals("/v1/models")).toList();
  }

  @Test
  void aTargetWhoseModelItsHostNoLongerServesIsMisconfiguredNotAvailable() {
    FakeKimiServer retired = new FakeKimiServer().dialect("vllm").misconfigure("retired=kimi-k3");
    try (retired) {
      retired.start();
      runner
          .withPropertyValues(
              "spring.ai.kimi.base-url=" + first.baseUrl(),
              "spring.ai.kimi.fallback[0].host=vllm",
              "spring.ai.kimi.fallback[0].base-url=" + retired.baseUrl(),
              "spring.ai.kimi.fallback[0].model=kimi-k3")
          .run(
              context -> {
                HealthContexts.Seen health = kimi(context);
                assertThat(health.status()).as("the first takes calls").isEqualTo("UP");
                Map<String, Object> t = targets(health).get(1);
                assertThat(t)
                    .containsEntry("available", false)
                    .containsEntry("condition", "MISCONFIGURED");
                assertThat(castMap(t.get("check")))
                    .containsEntry("status", "MISCONFIGURED")
                    .containsEntry("httpStatus", 200)
                    .containsEntry("error", "ConfigurationException");
                assertThat(castMap(t.get("check")).get("message").toString())
                    .contains("does not serve kimi-k3 as moonshotai/Kimi-K3");
              });
    }
  }

  @Test
  void aChainIsDownOnlyWhenNoTargetTakesCallsAndTellsEachChecksFailure() {
    String firstUrl = first.baseUrl();
    first.close();

    runner
        .withPropertyValues(
            "spring.ai.kimi.base-url=" + firstUrl,
            "spring.ai.kimi.fallback[0].base-url=" + second.baseUrl(),
            "spring.ai.kimi.fallback[0].api-key=sk-second-key")
        .run(
            context -> {
              HealthContexts.Seen health = kimi(context);
              assertThat(health.status())
                  .as("the second takes calls: %s", health.details())
                  .isEqualTo("UP");
              assertThat(castMap(targets(health).get(0).get("check")))
                  .containsEntry("status", "UNREACHABLE");
              assertThat(targets(health).get(0)).containsEntry("available", false);
            });

    second.close();
    runner
        .withPropertyValues(
            "spring.ai.kimi.base-url=" + firstUrl,
            "spring.ai.kimi.fallback[0].base-url=" + second.baseUrl(),
            "spring.ai.kimi.fallback[0].api-key=sk-second-key")
        .run(context -> assertThat(kimi(context).status()).isEqualTo("DOWN"));
  }

  @Test
  void aRefusedKeyIsToldInEachTargetsCheckAndNeverShown() {
    // each host refuses its key and echoes it, as some servers do in their 401 (a key as long as
    // a real one: a short test key is redacted only after "Bearer ", as ServerText says)
    String firstKey = "sk-first-0123456789abcdefghijklmnopqrstuvwxyz";
    String secondKey = "sk-or-v1-0123456789abcdefghijklmnopqrstuvwxyz";
    first.enqueue(
        FakeResponse.error(
            401,
            "{\"error\":{\"type\":\"invalid_authentication_error\","
                + "\"message\":\"Invalid key "
                + firstKey
                + "\"}}"));
    second.enqueue(
        FakeResponse.error(
            401, "{\"error\":{\"code\":401,\"message\":\"No auth for " + secondKey + "\"}}"));

    runner
        .withPropertyValues(
            "spring.ai.kimi.api-key=" + firstKey,
            "spring.ai.kimi.base-url=" + first.baseUrl(),
            "spring.ai.kimi.fallback[0].host=openrouter",
            "spring.ai.kimi.fallback[0].base-url=" + second.baseUrl(),
            "spring.ai.kimi.fallback[0].api-key=" + secondKey)
        .run(
            context -> {
              HealthContexts.Seen health = kimi(context);
              assertThat(health.status()).isEqualTo("DOWN");
              for (Map<String, Object> t : targets(health)) {
                assertThat(castMap(t.get("check")))
                    .containsEntry("status", "BAD_KEY")
                    .containsEntry("httpStatus", 401)
                    .containsKey("message");
                assertThat(t).containsEntry("available", false);
              }
              assertThat(health.details().toString())
                  .doesNotContain(firstKey)
                  .doesNotContain(secondKey)
                  .contains("[API key redacted]");
            });
    assertThat(first.takeRequest().header("Authorization")).hasValue("Bearer " + firstKey);
    assertThat(second.takeRequest().header("Authorization")).hasValue("Bearer " + secondKey);
  }

  /** The failure analysis of a start with these properties, which must fail. */
  private FailureAnalysis failedStart(String... properties) {
    FailureAnalysis[] analysis = new FailureAnalysis[1];
    Contexts.withoutEnvironmentVariables()
        .withConfiguration(AutoConfigurations.of(KimiAutoConfiguration.class))
        .withPropertyValues(properties)
        .run(
            context -> {
              assertThat(context).hasFailed();
              analysis[0] = Contexts.analyzer(properties).analyze(context.getStartupFailure());
            });
    assertThat(analysis[0]).as("Kimi's failure analysis").isNotNull();
    assertThat(analysis[0].getDescription() + analysis[0].getAction())
        .doesNotContain("sk-first-key")
        .doesNotContain("sk-second-key");
    return analysis[0];
  }

  @Test
  void aHostThatNeedsABaseUrlWithoutOneFailsTheStartNamingItsProperties() {
    FailureAnalysis own =
        failedStart("spring.ai.kimi.api-key=sk-first-key", "spring.ai.kimi.host=vllm");
    assertThat(own.getDescription())
        .startsWith(
            "Kimi's host spring.ai.kimi.host=vllm cannot be made: host 'vllm' needs a base URL");
    assertThat(own.getAction()).startsWith("Set spring.ai.kimi.base-url to the server's");

    FailureAnalysis fallback =
        failedStart(
            "spring.ai.kimi.api-key=sk-first-key",
            "spring.ai.kimi.fallback[0].model=kimi-k3",
            "spring.ai.kimi.fallback[1].host=sglang",
            "spring.ai.kimi.fallback[1].api-key=sk-second-key");
    assertThat(fallback.getDescription())
        .startsWith("Kimi's host spring.ai.kimi.fallback[1].host=sglang cannot be made")
        .contains("needs a base URL");
    assertThat(fallback.getAction()).startsWith("Set spring.ai.kimi.fallback[1].base-url");
  }

  @Test
  void aMalformedBaseUrlOfATargetFailsTheStartNamingItsProperty() {
    FailureAnalysis named =
        failedStart(
            "spring.ai.kimi.api-key=sk-first-key",
            "spring.ai.kimi.fallback[0].host=openrouter",
            "spring.ai.kimi.fallback[0].base-url=openrouter.ai/api/v1");
    assertThat(named.getDescription())
        .startsWith(
            "Kimi's host spring.ai.kimi.fallback[0].host=openrouter at openrouter.ai/api/v1 cannot"
                + " be made: ");
    assertThat(named.getAction()).startsWith("Set spring.ai.kimi.fallback[0].base-url");

    FailureAnalysis moonshots =
        failedStart(
            "spring.ai.kimi.api-key=sk-first-key",
            "spring.ai.kimi.fallback[0].base-url=ftp://proxy.internal/v1");
    assertThat(moonshots.getDescription())
        .startsWith("Kimi's fallback target spring.ai.kimi.fallback[0] cannot be made: ");
    assertThat(moonshots.getAction()).startsWith("Set spring.ai.kimi.fallback[0].base-url");
  }

  @Test
  void plainHttpToAHostAcrossANetworkFailsTheStartNamingTheTargetsProperties() {
    FailureAnalysis fallback =
        failedStart(
            "spring.ai.kimi.api-key=sk-first-key",
            "spring.ai.kimi.base-url=" + first.baseUrl(),
            "spring.ai.kimi.fallback[0].host=vllm",
            "spring.ai.kimi.fallback[0].base-url=http://vllm.internal:8000/v1",
            "spring.ai.kimi.fallback[0].api-key=sk-second-key");
    assertThat(fallback.getDescription())
        .startsWith(
            "Kimi's client could not be built from its fallback target"
                + " spring.ai.kimi.fallback[0] (")
        .contains("Plain http:// is allowed only to loopback hosts")
        .contains("vllm.internal");
    assertThat(fallback.getAction())
        .startsWith("Set spring.ai.kimi.fallback[0].base-url")
        .contains("KimiClientCustomizer");

    FailureAnalysis own =
        failedStart(
            "spring.ai.kimi.api-key=sk-first-key",
            "spring.ai.kimi.host=sglang",
            "spring.ai.kimi.base-url=http://sglang.internal:30000/v1");
    assertThat(own.getDescription())
        .startsWith(
            "Kimi's client could not be built from spring.ai.kimi.host, spring.ai.kimi.base-url"
                + " and spring.ai.kimi.api-key: Plain http://");
    assertThat(own.getAction()).startsWith("Set spring.ai.kimi.host, spring.ai.kimi.base-url or");
  }

  @Test
  void aFallbackAccountWithoutAStoreFailsTheStartNamingTheTargetsRateLimit() {
    FailureAnalysis analysis =
        failedStart(
            "spring.ai.kimi.api-key=sk-first-key",
            "spring.ai.kimi.fallback[0].model=kimi-k3",
            "spring.ai.kimi.fallback[0].rate-limit.tier=1",
            "spring.ai.kimi.fallback[0].rate-limit.account=org-second");
    assertThat(analysis.getDescription())
        .startsWith("spring.ai.kimi.fallback[0].rate-limit.account is set (org-second)");
    assertThat(analysis.getAction())
        .contains("unset spring.ai.kimi.fallback[0].rate-limit.account");
  }

  @Test
  void aChainOfMoreTargetsThanAClientTakesFailsTheStartNamingTheFirstTooMany() {
    String[] properties = new String[17];
    properties[0] = "spring.ai.kimi.api-key=sk-first-key";
    for (int i = 0; i < 16; i++) {
      properties[i + 1] = "spring.ai.kimi.fallback[" + i + "].model=kimi-k3";
    }
    FailureAnalysis analysis = failedStart(properties);
    assertThat(analysis.getDescription())
        .startsWith("spring.ai.kimi.fallback[15] cannot be added: a client takes at most 16");
    assertThat(analysis.getCause()).hasRootCauseInstanceOf(ConfigurationException.class);
  }

  @Test
  void aKeyThatDoesNotFitItsTargetsHostFailsTheStartWithoutShowingIt() {
    String openPlatformKey = "sk-0123456789abcdefghijklmnopqrstuvwxyz0123456789ab";
    FailureAnalysis analysis =
        failedStart(
            "spring.ai.kimi.api-key=sk-first-key",
            "spring.ai.kimi.base-url=" + first.baseUrl(),
            "spring.ai.kimi.fallback[0].host=kimi-code",
            "spring.ai.kimi.fallback[0].api-key=" + openPlatformKey);
    assertThat(analysis.getDescription()).contains("spring.ai.kimi.fallback[0]");
    assertThat(analysis.getDescription() + analysis.getAction()).doesNotContain(openPlatformKey);
  }

  @Test
  void thePropertiesNeverPrintAKey() {
    KimiConnectionProperties p = new KimiConnectionProperties();
    p.setApiKey("sk-first-key");
    KimiConnectionProperties.Fallback f = new KimiConnectionProperties.Fallback();
    f.setHost("openrouter");
    f.setApiKey("sk-second-key");
    p.setFallback(List.of(f));

    assertThat(p.toString())
        .doesNotContain("sk-first-key")
        .doesNotContain("sk-second-key")
        .contains("openrouter")
        .contains("apiKey=***");
  }
}
