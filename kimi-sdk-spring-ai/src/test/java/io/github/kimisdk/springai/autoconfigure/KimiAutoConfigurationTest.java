package io.github.kimisdk.springai.autoconfigure;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.kimisdk.KimiClient;
import io.github.kimisdk.chat.CacheTtl;
import io.github.kimisdk.chat.ChatRequest;
import io.github.kimisdk.chat.Thinking;
import io.github.kimisdk.json.Json;
import io.github.kimisdk.json.JsonValue;
import io.github.kimisdk.springai.KimiChatModel;
import io.github.kimisdk.springai.KimiChatOptions;
import io.github.kimisdk.testing.FakeKimiServer;
import io.github.kimisdk.testing.FakeResponse;
import io.github.kimisdk.testing.RecordedRequest;
import io.micrometer.observation.ObservationRegistry;
import io.micrometer.observation.tck.TestObservationRegistry;
import io.micrometer.observation.tck.TestObservationRegistryAssert;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.ai.chat.model.ChatModel;
import org.springframework.ai.chat.model.ChatResponse;
import org.springframework.ai.chat.prompt.Prompt;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** The auto-configuration in a Spring context: what it makes, from what, and when it backs off. */
class KimiAutoConfigurationTest {

  private final FakeKimiServer server = new FakeKimiServer().start();

  private final ApplicationContextRunner runner =
      new ApplicationContextRunner()
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
  void optionsSpelledTheSpringAi1WayBindTooAndTheFlatSpellingWins() {
    runner
        .withPropertyValues(
            "spring.ai.kimi.api-key=sk-boot",
            "spring.ai.kimi.chat.options.model=kimi-k2.5",
            "spring.ai.kimi.chat.options.temperature=0.6",
            "spring.ai.kimi.chat.options.thinking=preserved",
            "spring.ai.kimi.chat.temperature=0.3")
        .run(
            context -> {
              KimiChatOptions o = context.getBean(KimiChatModel.class).getOptions();
              assertThat(o.getModel()).isEqualTo("kimi-k2.5");
              assertThat(o.getTemperature()).isEqualTo(0.3);
              assertThat(o.getThinking()).isEqualTo(Thinking.preserved());
            });
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
          .isEqualTo(List.of(KimiAutoConfiguration.class.getName()));
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
              "spring.ai.kimi.chat.options.model");
    }
  }

  @Test
  void theKeyNeverAppearsInThePropertiesToString() {
    KimiConnectionProperties p = new KimiConnectionProperties();
    p.setApiKey("sk-secret");
    p.setBaseUrl("https://api.moonshot.cn/v1");

    assertThat(p.toString()).doesNotContain("sk-secret").contains("api.moonshot.cn");
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
