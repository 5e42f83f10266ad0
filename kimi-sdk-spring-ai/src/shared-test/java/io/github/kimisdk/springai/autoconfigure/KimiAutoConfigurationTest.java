package io.github.kimisdk.springai.autoconfigure;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.github.kimisdk.KimiClient;
import io.github.kimisdk.RetryPolicy;
import io.github.kimisdk.chat.CacheTtl;
import io.github.kimisdk.chat.ChatRequest;
import io.github.kimisdk.chat.Thinking;
import io.github.kimisdk.errors.ConfigurationException;
import io.github.kimisdk.errors.KimiException;
import io.github.kimisdk.errors.PreflightException;
import io.github.kimisdk.errors.ServerException;
import io.github.kimisdk.json.Json;
import io.github.kimisdk.json.JsonValue;
import io.github.kimisdk.model.SamplingPolicy;
import io.github.kimisdk.springai.KimiChatModel;
import io.github.kimisdk.springai.KimiChatOptions;
import io.github.kimisdk.testing.FakeKimiServer;
import io.github.kimisdk.testing.FakeResponse;
import io.github.kimisdk.testing.RecordedRequest;
import io.github.kimisdk.tool.ToolChoice;
import io.micrometer.observation.ObservationRegistry;
import io.micrometer.observation.tck.TestObservationRegistry;
import io.micrometer.observation.tck.TestObservationRegistryAssert;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.ai.chat.model.ChatModel;
import org.springframework.ai.chat.model.ChatResponse;
import org.springframework.ai.chat.prompt.Prompt;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.diagnostics.FailureAnalysis;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.StandardEnvironment;

/**
 * The auto-configuration in a Spring context: what it makes, from what, and when it backs off. Runs
 * on both Spring lines; that Spring AI's retry stays out of Kimi's calls is each line's own {@code
 * SpringAiRetryTest} (Spring AI 2 retries with Spring Framework's {@code RetryTemplate}, 1.1 with
 * spring-retry's).
 */
class KimiAutoConfigurationTest {

  private final FakeKimiServer server = new FakeKimiServer().start();

  /**
   * The auto-configuration without the process's environment variables, so a MOONSHOT_API_KEY set
   * where the tests run changes nothing; a test sets such a variable as a property of that name.
   */
  private final ApplicationContextRunner runner =
      Contexts.withoutEnvironmentVariables()
          .withConfiguration(AutoConfigurations.of(KimiAutoConfiguration.class));

  @AfterEach
  void close() {
    server.close();
  }

  private String baseUrl() {
    return "spring.ai.kimi.base-url=" + server.baseUrl();
  }

  @Test
  void aKeyGivesAClientAndAChatModelThatCallKimiWithIt() {
    server.enqueue(FakeResponse.reply("configured"));

    runner
        .withPropertyValues("spring.ai.kimi.api-key=sk-boot", baseUrl())
        .run(
            context -> {
              assertThat(context).hasSingleBean(KimiClient.class);
              assertThat(context).hasSingleBean(ChatModel.class);
              ChatModel model = context.getBean(ChatModel.class);
              assertThat(model).isInstanceOf(KimiChatModel.class);

              assertThat(model.call("Hello")).isEqualTo("configured");
            });

    RecordedRequest sent = server.takeRequest();
    assertThat(sent.header("Authorization")).hasValue("Bearer sk-boot");
    assertThat(sent.json().get("model").asString()).isEqualTo(KimiChatOptions.DEFAULT_MODEL);
  }

  @Test
  void chatPropertiesBecomeTheModelsDefaultOptions() {
    runner
        .withPropertyValues(
            "spring.ai.kimi.api-key=sk-boot",
            "spring.ai.kimi.chat.model=kimi-k2.6",
            "spring.ai.kimi.chat.max-tokens=2048",
            "spring.ai.kimi.chat.stop=END,STOP",
            "spring.ai.kimi.chat.thinking=disabled",
            "spring.ai.kimi.chat.reasoning-effort=high",
            "spring.ai.kimi.chat.prompt-cache-key=support-bot",
            "spring.ai.kimi.chat.prompt-cache-ttl=one-hour")
        .run(
            context -> {
              KimiChatOptions o = context.getBean(KimiChatModel.class).getOptions();
              assertThat(o.getModel()).isEqualTo("kimi-k2.6");
              assertThat(o.getMaxTokens()).isEqualTo(2048);
              assertThat(o.getStopSequences()).containsExactly("END", "STOP");
              assertThat(o.getThinking()).isEqualTo(Thinking.disabled());
              assertThat(o.getReasoningEffort()).isEqualTo("high");
              assertThat(o.getPromptCacheKey()).isEqualTo("support-bot");
              assertThat(o.getPromptCacheTtl()).isEqualTo(CacheTtl.ONE_HOUR);
              assertThat(o.getTemperature()).isNull();
            });
  }

  @Test
  void kimisOtherOptionsBindToo() {
    runner
        .withPropertyValues(
            "spring.ai.kimi.api-key=sk-boot",
            "spring.ai.kimi.chat.tool-choice=none",
            "spring.ai.kimi.chat.safety-identifier=user-4f1c",
            "spring.ai.kimi.chat.logprobs=true",
            "spring.ai.kimi.chat.top-logprobs=3",
            "spring.ai.kimi.chat.extra-body.seed=42",
            "spring.ai.kimi.chat.extra-body.label=nightly",
            "spring.ai.kimi.chat.extra-body.quoted=\"42\"",
            "spring.ai.kimi.chat.extra-body.flags.fast=true",
            // fields Moonshot's API would ignore: sent deliberately, else refused at start
            "spring.ai.kimi.deliberate-fields=seed,label,quoted,flags")
        .run(
            context -> {
              assertThat(context.getBean(KimiClient.class).deliberateFields())
                  .containsExactlyInAnyOrder("seed", "label", "quoted", "flags");
              KimiChatOptions o = context.getBean(KimiChatModel.class).getOptions();
              assertThat(o.getToolChoice()).isEqualTo(ToolChoice.none());
              assertThat(o.getSafetyIdentifier()).isEqualTo("user-4f1c");
              assertThat(o.getLogprobs()).isTrue();
              assertThat(o.getTopLogprobs()).isEqualTo(3);
              assertThat(o.getExtraBody())
                  .containsEntry("seed", Json.parse("42"))
                  .containsEntry("label", Json.parse("\"nightly\""))
                  .containsEntry("quoted", Json.parse("\"42\""))
                  .containsEntry("flags", Json.parse("{\"fast\":true}"));
            });
  }

  @Test
  void optionsSpelledTheSpringAi1WayFailTheStartNamingTheFlatSpelling() {
    runner
        .withPropertyValues(
            "spring.ai.kimi.api-key=sk-boot",
            "spring.ai.kimi.chat.options.model=kimi-k2.5",
            "spring.ai.kimi.chat.temperature=0.3")
        .run(
            context -> {
              assertThat(context).hasFailed();
              FailureAnalysis analysis =
                  analyzer("spring.ai.kimi.chat.options.model=kimi-k2.5")
                      .analyze(context.getStartupFailure());
              assertThat(analysis).isNotNull();
              assertThat(analysis.getDescription())
                  .contains("spring.ai.kimi.chat.options.model -> spring.ai.kimi.chat.model");
              assertThat(analysis.getAction()).contains("spring.ai.kimi.chat.model=kimi-k3");
            });
  }

  /** What a call with these options is refused with, told by a client of the same table. */
  private PreflightException refusalOfACallWith(KimiChatOptions options) {
    try (KimiClient client =
        KimiClient.builder().apiKey("sk-boot").baseUrl(server.baseUrl()).build()) {
      KimiChatModel model = KimiChatModel.builder().kimiClient(client).build();
      return catchThrowableOfType(
          PreflightException.class, () -> model.call(new Prompt("Hello", options)));
    }
  }

  @Test
  void samplingKimiK3FixesFailsTheStartInTheWordsTheCallWouldFailIn() {
    PreflightException call =
        refusalOfACallWith(KimiChatOptions.builder().model("kimi-k3").temperature(0.3).build());

    runner
        .withPropertyValues(
            "spring.ai.kimi.api-key=sk-boot", baseUrl(), "spring.ai.kimi.chat.temperature=0.3")
        .run(
            context -> {
              assertThat(context).hasFailed();
              assertThat(context.getStartupFailure())
                  .hasRootCauseInstanceOf(PreflightException.class)
                  .rootCause()
                  .hasMessage(call.getMessage())
                  .hasMessageContaining("kimi-k3 accepts only temperature 1.0 with thinking on");
              FailureAnalysis analysis =
                  analyzer("spring.ai.kimi.chat.temperature=0.3")
                      .analyze(context.getStartupFailure());
              assertThat(analysis.getDescription()).contains(call.getMessage());
              assertThat(analysis.getAction()).contains("spring.ai.kimi.chat.temperature");
            });
    assertThat(server.requestCount()).as("nothing sent at start").isEqualTo(0);
  }

  @Test
  void anEffortTheModelDoesNotTakeFailsTheStartInTheCallsWords() {
    PreflightException call =
        refusalOfACallWith(
            KimiChatOptions.builder().model("kimi-k3").reasoningEffort("medium").build());

    runner
        .withPropertyValues(
            "spring.ai.kimi.api-key=sk-boot", "spring.ai.kimi.chat.reasoning-effort=medium")
        .run(
            context ->
                assertThat(context.getStartupFailure())
                    .rootCause()
                    .isInstanceOf(PreflightException.class)
                    .hasMessage(call.getMessage())
                    .hasMessageContaining("kimi-k3 accepts reasoning_effort low, high, max"));
  }

  @Test
  void aFieldKimiWouldIgnoreFailsTheStartInTheCallsWordsUnlessItIsDeliberate() {
    PreflightException call =
        refusalOfACallWith(
            KimiChatOptions.builder()
                .model("kimi-k3")
                .extraBody(java.util.Map.of("seed", 42))
                .build());

    runner
        .withPropertyValues(
            "spring.ai.kimi.api-key=sk-boot", "spring.ai.kimi.chat.extra-body.seed=42")
        .run(
            context -> {
              assertThat(context.getStartupFailure())
                  .rootCause()
                  .isInstanceOf(PreflightException.class)
                  .hasMessage(call.getMessage())
                  .hasMessageContaining("\"seed\"")
                  .hasMessageContaining("(rule ignored-field)");
              FailureAnalysis analysis =
                  analyzer("spring.ai.kimi.chat.extra-body.seed=42")
                      .analyze(context.getStartupFailure());
              assertThat(analysis.getAction()).contains("spring.ai.kimi.deliberate-fields");
            });
    runner
        .withPropertyValues(
            "spring.ai.kimi.api-key=sk-boot",
            "spring.ai.kimi.chat.model=kimi-k3.1-pro",
            "spring.ai.kimi.chat.thinking=disabled")
        .run(
            context ->
                assertThat(context.getStartupFailure())
                    .rootCause()
                    .isInstanceOf(PreflightException.class)
                    .hasMessageContaining("kimi-k3.1-pro takes no thinking field"));
    runner
        .withPropertyValues(
            "spring.ai.kimi.api-key=sk-boot",
            "spring.ai.kimi.chat.extra-body.seed=42",
            "spring.ai.kimi.deliberate-fields=seed")
        .run(context -> assertThat(context).hasNotFailed().hasSingleBean(KimiChatModel.class));
    assertThat(server.requestCount()).as("nothing sent at start").isEqualTo(0);
  }

  @Test
  void optionsTheModelTakesStartAndSoDoFixedValuesTheClientsSamplingPolicyAdapts() {
    runner
        .withPropertyValues(
            "spring.ai.kimi.api-key=sk-boot",
            "spring.ai.kimi.chat.model=kimi-k3",
            "spring.ai.kimi.chat.thinking=disabled",
            "spring.ai.kimi.chat.temperature=0.6",
            "spring.ai.kimi.chat.reasoning-effort=high")
        .run(context -> assertThat(context).hasNotFailed().hasSingleBean(KimiChatModel.class));
    runner
        .withUserConfiguration(AdaptsSampling.class)
        .withPropertyValues("spring.ai.kimi.api-key=sk-boot", "spring.ai.kimi.chat.temperature=0.3")
        .run(context -> assertThat(context).hasNotFailed().hasSingleBean(KimiChatModel.class));
  }

  @Test
  void aBaseUrlOnMoonshotsHostWithoutV1FailsTheStartNamingThePropertyInTheSdksWords() {
    runner
        .withPropertyValues(
            "spring.ai.kimi.api-key=sk-boot", "spring.ai.kimi.base-url=https://api.moonshot.ai")
        .run(
            context -> {
              assertThat(context.getStartupFailure())
                  .rootCause()
                  .isInstanceOf(ConfigurationException.class)
                  .hasMessageContaining("serves its API below /v1");
              FailureAnalysis analysis =
                  analyzer(
                          "spring.ai.kimi.api-key=sk-boot",
                          "spring.ai.kimi.base-url=https://api.moonshot.ai")
                      .analyze(context.getStartupFailure());
              assertThat(analysis.getDescription())
                  .startsWith(
                      "Kimi's client could not be built from spring.ai.kimi.base-url and"
                          + " spring.ai.kimi.api-key: baseUrl 'https://api.moonshot.ai' has no path")
                  .contains("use https://api.moonshot.ai/v1");
              assertThat(analysis.getAction()).startsWith("Set spring.ai.kimi.base-url");
            });
  }

  @Test
  void withoutTheKeyPropertyTheKeyOfKimiClientFromEnvIsUsed() {
    server.enqueue(FakeResponse.reply("from the environment"));

    runner
        .withPropertyValues("MOONSHOT_API_KEY=sk-moonshot-env", "KIMI_BASE_URL=" + server.baseUrl())
        .run(context -> assertThat(context.getBean(ChatModel.class).call("Hi")).isNotEmpty());

    RecordedRequest sent = server.takeRequest();
    assertThat(sent.header("Authorization")).hasValue("Bearer sk-moonshot-env");
  }

  @Test
  void theKeyPropertyWinsOverTheEnvironmentsKeysAndKimiApiKeyCountsToo() {
    server.enqueue(FakeResponse.reply("one"));
    server.enqueue(FakeResponse.reply("two"));

    runner
        .withPropertyValues(
            "spring.ai.kimi.api-key=sk-property", "MOONSHOT_API_KEY=sk-env", baseUrl())
        .run(context -> context.getBean(ChatModel.class).call("Hi"));
    runner
        .withPropertyValues("KIMI_API_KEY=sk-env-kimi-api-key", baseUrl())
        .run(context -> context.getBean(ChatModel.class).call("Hi"));

    assertThat(server.takeRequest().header("Authorization")).hasValue("Bearer sk-property");
    assertThat(server.takeRequest().header("Authorization")).hasValue("Bearer sk-env-kimi-api-key");
  }

  @Test
  void withoutAnyKeyAnApplicationThatNeedsTheChatModelFailsNamingTheKeyProperty() {
    runner
        .withUserConfiguration(NeedsAChatModel.class)
        .run(
            context -> {
              assertThat(context).hasFailed();
              FailureAnalysis analysis = analyzer().analyze(context.getStartupFailure());
              assertThat(analysis).isNotNull();
              assertThat(analysis.getDescription())
                  .contains("No Kimi API key")
                  .contains(ChatModel.class.getName());
              assertThat(analysis.getAction())
                  .contains("spring.ai.kimi.api-key")
                  .contains("SPRING_AI_KIMI_API_KEY")
                  .contains("MOONSHOT_API_KEY")
                  .contains("KIMI_API_KEY")
                  .contains("any key will do");
            });
  }

  @Test
  void aKeyPlaceholderNothingSetsIsToldByItsNameAndNeverWithTheValueAroundIt() {
    String key = "spring.ai.kimi.api-key=sk-part${MOONSHOT_API_KEY}";
    runner
        .withPropertyValues(key)
        .run(
            context -> {
              assertThat(context).hasFailed();
              FailureAnalysis analysis = analyzer(key).analyze(context.getStartupFailure());
              assertThat(analysis).isNotNull();
              assertThat(analysis.getDescription())
                  .contains("spring.ai.kimi.api-key names a placeholder, ${MOONSHOT_API_KEY},")
                  .doesNotContain("sk-part");
              assertThat(analysis.getAction())
                  .startsWith("Set MOONSHOT_API_KEY in the environment")
                  .contains("any key will do")
                  .doesNotContain("sk-part");
            });
    // a placeholder of another property is Spring Boot's to tell
    runner
        .withUserConfiguration(NeedsAPlaceholder.class)
        .run(
            context -> {
              assertThat(context).hasFailed();
              assertThat(analyzer().analyze(context.getStartupFailure())).isNull();
            });
  }

  /** Needs a property whose placeholder nothing sets. */
  @Configuration(proxyBeanMethods = false)
  static class NeedsAPlaceholder {
    @Bean
    String greeting(org.springframework.core.env.Environment environment) {
      return environment.resolveRequiredPlaceholders("Hello ${NOBODY_SETS_THIS}");
    }
  }

  @Test
  void theAnalyzerLeavesOtherMissingBeansAndOtherProvidersToSpringBoot() {
    runner
        .withUserConfiguration(NeedsAString.class)
        .run(context -> assertThat(analyzer().analyze(context.getStartupFailure())).isNull());
    runner
        .withUserConfiguration(NeedsAnAutoCloseable.class)
        .run(context -> assertThat(analyzer().analyze(context.getStartupFailure())).isNull());
    runner
        .withUserConfiguration(NeedsAChatModel.class)
        .withPropertyValues("spring.ai.model.chat=openai")
        .run(
            context ->
                assertThat(
                        analyzer("spring.ai.model.chat=openai")
                            .analyze(context.getStartupFailure()))
                    .isNull());
    runner
        .withUserConfiguration(NeedsAChatModel.class)
        .withPropertyValues("KIMI_API_KEY=sk-env", "spring.ai.kimi.chat.model=kimi-k3")
        .run(context -> assertThat(context).hasNotFailed());
  }

  @Test
  void theAnalyzerIsRegisteredForSpringBootAndComesBeforeItsMissingBeanAnalyzer() throws Exception {
    try (InputStream in = getClass().getResourceAsStream("/META-INF/spring.factories")) {
      assertThat(in).isNotNull();
      assertThat(new String(in.readAllBytes(), StandardCharsets.UTF_8))
          .contains(
              "org.springframework.boot.diagnostics.FailureAnalyzer=\\\n"
                  + KimiFailureAnalyzer.class.getName());
    }
    assertThat(new KimiFailureAnalyzer(new StandardEnvironment()).getOrder())
        .isEqualTo(org.springframework.core.Ordered.HIGHEST_PRECEDENCE);
  }

  @Test
  void retryPropertiesSetTheClientsRetries() {
    for (int i = 0; i < 3; i++) {
      server.enqueue(FakeResponse.error(503, "{\"error\":{\"type\":\"server_error\"}}"));
    }
    server.enqueue(FakeResponse.reply("after four attempts"));

    runner
        .withPropertyValues(
            "spring.ai.kimi.api-key=sk-boot",
            baseUrl(),
            "spring.ai.kimi.retry.max-retries=3",
            "spring.ai.kimi.retry.initial-backoff=1ms",
            "spring.ai.kimi.retry.max-backoff=2ms")
        .run(
            context ->
                assertThat(context.getBean(ChatModel.class).call("Hi"))
                    .isEqualTo("after four attempts"));

    assertThat(server.requestCount()).isEqualTo(4);
  }

  @Test
  void noRetriesMeansOneAttempt() {
    server.enqueue(FakeResponse.error(503, "{\"error\":{\"type\":\"server_error\"}}"));

    runner
        .withPropertyValues(
            "spring.ai.kimi.api-key=sk-boot", baseUrl(), "spring.ai.kimi.retry.max-retries=0")
        .run(
            context ->
                assertThatThrownBy(() -> context.getBean(ChatModel.class).call("Hi"))
                    .isInstanceOf(ServerException.class)
                    .satisfies(e -> assertThat(((KimiException) e).attempts()).isEqualTo(1)));

    assertThat(server.requestCount()).isEqualTo(1);
  }

  @Test
  void retryPropertiesBecomeTheSdksPolicy() {
    KimiConnectionProperties.Retry retry = new KimiConnectionProperties.Retry();
    assertThat(retry.toPolicy()).as("nothing set: the client's default").isNull();

    retry.setMaxRetries(4);
    retry.setMaxBackoff(Duration.ofSeconds(20));
    retry.setMaxServerWait(Duration.ofSeconds(30));
    retry.setDeadline(Duration.ofMinutes(2));

    assertThat(retry.toPolicy())
        .isEqualTo(
            RetryPolicy.defaults()
                .withMaxRetries(4)
                .withBackoff(RetryPolicy.defaults().initialBackoff(), Duration.ofSeconds(20))
                .withMaxServerWait(Duration.ofSeconds(30))
                .withDeadline(Duration.ofMinutes(2)));
  }

  @Test
  void withoutAKeyThereIsNeitherClientNorModel() {
    runner
        .withPropertyValues(baseUrl())
        .run(
            context -> {
              assertThat(context).doesNotHaveBean(KimiClient.class);
              assertThat(context).doesNotHaveBean(ChatModel.class);
            });
  }

  @Test
  void aBlankKeyCountsAsNone() {
    runner
        .withPropertyValues("spring.ai.kimi.api-key=  ")
        .run(
            context -> {
              assertThat(context).hasNotFailed();
              assertThat(context).doesNotHaveBean(KimiClient.class);
            });
  }

  @Test
  void theApplicationsOwnClientIsUsedWithoutAKeyProperty() {
    runner
        .withUserConfiguration(OwnClient.class)
        .withPropertyValues("kimi.test.base-url=" + server.baseUrl())
        .run(
            context -> {
              assertThat(context).hasSingleBean(KimiClient.class);
              assertThat(context).hasSingleBean(KimiChatModel.class);
              assertThat(context.getBean(KimiClient.class))
                  .isSameAs(context.getBean(OwnClient.class).client);
            });
  }

  @Test
  void theApplicationsOwnClientWinsOverTheKeyProperty() {
    runner
        .withUserConfiguration(OwnClient.class)
        .withPropertyValues("spring.ai.kimi.api-key=sk-boot")
        .run(
            context ->
                assertThat(context.getBean(KimiClient.class))
                    .isSameAs(context.getBean(OwnClient.class).client));
  }

  @Test
  void theApplicationsOwnChatModelWins() {
    runner
        .withUserConfiguration(OwnChatModel.class)
        .withPropertyValues("spring.ai.kimi.api-key=sk-boot")
        .run(
            context -> {
              assertThat(context).hasSingleBean(ChatModel.class);
              assertThat(context).doesNotHaveBean(KimiChatModel.class);
              assertThat(context).hasSingleBean(KimiClient.class);
            });
  }

  @Test
  void anotherChatModelChosenBySpringAiModelChatSwitchesKimiOff() {
    runner
        .withPropertyValues("spring.ai.kimi.api-key=sk-boot", "spring.ai.model.chat=openai")
        .run(context -> assertThat(context).doesNotHaveBean(KimiClient.class));
    runner
        .withPropertyValues("spring.ai.kimi.api-key=sk-boot", "spring.ai.model.chat=kimi")
        .run(context -> assertThat(context).hasSingleBean(KimiChatModel.class));
  }

  @Test
  void withoutKimiSdkOrSpringAiOnTheClassPathNothingIsConfigured() {
    runner
        .withClassLoader(new FilteredClassLoader(KimiClient.class))
        .withPropertyValues("spring.ai.kimi.api-key=sk-boot")
        .run(context -> assertThat(context).doesNotHaveBean(KimiChatModel.class));
    runner
        .withClassLoader(new FilteredClassLoader(ChatModel.class))
        .withPropertyValues("spring.ai.kimi.api-key=sk-boot")
        .run(context -> assertThat(context).doesNotHaveBean(KimiClient.class));
  }

  @Test
  void customizersShapeTheClient() {
    server.enqueue(FakeResponse.reply("customized"));

    runner
        .withUserConfiguration(Customized.class)
        .withPropertyValues("spring.ai.kimi.api-key=sk-boot", baseUrl())
        .run(context -> context.getBean(ChatModel.class).call("Hello"));

    assertThat(server.takeRequest().header("X-Customized")).hasValue("yes");
  }

  @Test
  void theApplicationsObservationRegistryGetsTheModelsObservations() {
    server.enqueue(FakeResponse.reply("observed"));

    runner
        .withUserConfiguration(Observed.class)
        .withPropertyValues("spring.ai.kimi.api-key=sk-boot", baseUrl())
        .run(
            context -> {
              ChatResponse r = context.getBean(ChatModel.class).call(new Prompt("Hello"));
              assertThat(r.getResult().getOutput().getText()).isEqualTo("observed");
              TestObservationRegistryAssert.assertThat(context.getBean(Observed.class).registry)
                  .hasObservationWithNameEqualTo("gen_ai.client.operation");
            });
  }

  @Test
  void theClientIsClosedWithTheContext() {
    KimiClient[] client = new KimiClient[1];
    runner
        .withPropertyValues("spring.ai.kimi.api-key=sk-boot", baseUrl())
        .run(context -> client[0] = context.getBean(KimiClient.class));

    assertThatThrownBy(() -> client[0].chat(ChatRequest.of("kimi-k3", "Hello")))
        .isInstanceOf(IllegalStateException.class);
    assertThat(server.requestCount()).isZero();
  }

  @Test
  void theAutoConfigurationIsRegisteredForSpringBoot() throws IOException {
    try (InputStream in =
        getClass()
            .getResourceAsStream(
                "/META-INF/spring/org.springframework.boot.autoconfigure.AutoConfiguration.imports")) {
      assertThat(in).isNotNull();
      assertThat(new String(in.readAllBytes(), StandardCharsets.UTF_8).lines().toList())
          .isEqualTo(
              List.of(
                  KimiAutoConfiguration.class.getName(),
                  KimiRedisRateLimitAutoConfiguration.class.getName(),
                  KimiChatClientAutoConfiguration.class.getName(),
                  KimiHealthAutoConfiguration.class.getName(),
                  KimiMetricsAutoConfiguration.class.getName(),
                  KimiOpenTelemetryAutoConfiguration.class.getName()));
    }
  }

  @Test
  void thePropertiesAreDescribedForIdes() throws IOException {
    try (InputStream in =
        getClass().getResourceAsStream("/META-INF/spring-configuration-metadata.json")) {
      assertThat(in).isNotNull();
      List<String> names = new java.util.ArrayList<>();
      for (JsonValue p : Json.parse(in.readAllBytes()).get("properties").asArray().values()) {
        names.add(p.get("name").asString());
      }
      assertThat(names)
          .contains(
              "spring.ai.kimi.api-key",
              "spring.ai.kimi.base-url",
              "spring.ai.kimi.chat.model",
              "spring.ai.kimi.chat.reasoning-effort",
              "spring.ai.kimi.chat.tool-choice",
              "spring.ai.kimi.chat.provider-structured-output",
              "spring.ai.kimi.retry.max-retries")
          .doesNotContain("spring.ai.kimi.chat.options.model");
    }
  }

  @Test
  void theKeyNeverAppearsInThePropertiesToString() {
    KimiConnectionProperties p = new KimiConnectionProperties();
    p.setApiKey("sk-secret");
    p.setBaseUrl("https://api.moonshot.cn/v1");

    assertThat(p.toString()).doesNotContain("sk-secret").contains("api.moonshot.cn");
  }

  private static KimiFailureAnalyzer analyzer(String... properties) {
    return Contexts.analyzer(properties);
  }

  /** An application that needs a chat model. */
  @Configuration(proxyBeanMethods = false)
  static class NeedsAChatModel {
    @Bean
    String answerer(ChatModel model) {
      return model.toString();
    }
  }

  /** An application that needs a bean Kimi would not make. */
  @Configuration(proxyBeanMethods = false)
  static class NeedsAString {
    @Bean
    Integer length(String text) {
      return text.length();
    }
  }

  /** An application that needs a JDK type KimiClient happens to implement. */
  @Configuration(proxyBeanMethods = false)
  static class NeedsAnAutoCloseable {
    @Bean
    String closer(AutoCloseable closeable) {
      return closeable.toString();
    }
  }

  /** An application that builds its own client. */
  @Configuration(proxyBeanMethods = false)
  static class OwnClient {
    final KimiClient client = KimiClient.builder().apiKey("sk-own").build();

    @Bean
    KimiClient kimiClient() {
      return client;
    }
  }

  /** An application with a chat model of its own. */
  @Configuration(proxyBeanMethods = false)
  static class OwnChatModel {
    @Bean
    ChatModel myChatModel() {
      return prompt -> {
        throw new AssertionError("not called");
      };
    }
  }

  /** An application that adds a header to every call. */
  @Configuration(proxyBeanMethods = false)
  static class Customized {
    @Bean
    KimiClientCustomizer header() {
      return builder -> builder.header("X-Customized", "yes");
    }
  }

  /** An application whose client drops the sampling values a model fixes. */
  @Configuration(proxyBeanMethods = false)
  static class AdaptsSampling {
    @Bean
    KimiClientCustomizer adapt() {
      return builder -> builder.samplingPolicy(SamplingPolicy.ADAPT);
    }
  }

  /** An application with an observation registry. */
  @Configuration(proxyBeanMethods = false)
  static class Observed {
    final TestObservationRegistry registry = TestObservationRegistry.create();

    @Bean
    ObservationRegistry observationRegistry() {
      return registry;
    }
  }
}
