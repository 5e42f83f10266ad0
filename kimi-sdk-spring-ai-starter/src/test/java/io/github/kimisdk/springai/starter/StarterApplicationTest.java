package io.github.kimisdk.springai.starter;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.kimisdk.KimiClient;
import io.github.kimisdk.RateLimitStore;
import io.github.kimisdk.json.JsonValue;
import io.github.kimisdk.testing.FakeKimiServer;
import io.github.kimisdk.testing.FakeResponse;
import io.github.kimisdk.testing.RecordedRequest;
import io.github.kimisdk.tool.ToolCall;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.ai.chat.client.ChatClient;
import org.springframework.ai.chat.client.advisor.MessageChatMemoryAdvisor;
import org.springframework.ai.chat.memory.ChatMemory;
import org.springframework.ai.tool.annotation.Tool;
import org.springframework.ai.tool.annotation.ToolParam;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.core.env.StandardEnvironment;
import org.springframework.core.io.DefaultResourceLoader;
import org.springframework.core.io.ResourceLoader;
import org.springframework.core.retry.RetryTemplate;

/**
 * A Spring Boot 4 application whose only Kimi dependency is the starter, configured by properties
 * alone, against FakeKimiServer: its start logs no warning, and its ChatClient calls, streams, runs
 * a {@code @Tool} round trip, reads an entity and keeps a conversation in chat memory. Without a
 * key, its start fails in Kimi's words.
 */
@ExtendWith(OutputCaptureExtension.class)
class StarterApplicationTest {

  /** A line Spring Boot's console logs at WARN or ERROR. */
  private static final Pattern WARN_OR_ERROR = Pattern.compile("\\b(WARN|ERROR)\\b");

  private final FakeKimiServer kimi = new FakeKimiServer().start();

  /** The application: no configuration of its own beyond a tool and its ChatClient. */
  @SpringBootConfiguration
  @EnableAutoConfiguration
  static class Application {

    @Bean
    Weather weather() {
      return new Weather();
    }

    @Bean
    ChatClient chatClient(ChatClient.Builder builder) {
      return builder.build();
    }
  }

  /** A tool the model calls. */
  static final class Weather {
    final List<String> asked = new CopyOnWriteArrayList<>();

    @Tool(description = "Tells the weather in a city")
    String weather(@ToolParam(description = "the city") String city) {
      asked.add(city);
      return "sunny in " + city;
    }
  }

  /** What an entity call reads. */
  record City(String name, int population) {}

  @AfterEach
  void stopKimi() {
    kimi.close();
  }

  /**
   * Starts the application with these arguments, without the process's environment variables (so a
   * MOONSHOT_API_KEY where the tests run changes nothing).
   */
  private static ConfigurableApplicationContext start(String... args) {
    return start(new DefaultResourceLoader(), args);
  }

  /**
   * Starts the application as {@link #start(String...)}, with the classes that {@code loader}
   * loads.
   */
  private static ConfigurableApplicationContext start(ResourceLoader loader, String... args) {
    StandardEnvironment environment = new StandardEnvironment();
    environment
        .getPropertySources()
        .remove(StandardEnvironment.SYSTEM_ENVIRONMENT_PROPERTY_SOURCE_NAME);
    return new SpringApplicationBuilder(Application.class)
        .resourceLoader(loader)
        .web(WebApplicationType.NONE)
        .environment(environment)
        .run(args);
  }

  private String[] properties() {
    return new String[] {
      "--spring.ai.kimi.api-key=sk-starter", "--spring.ai.kimi.base-url=" + kimi.baseUrl()
    };
  }

  @Test
  void startsQuietlyWithTheStarterAlone(CapturedOutput output) {
    // the test's class path has kimi-sdk-redis and Spring Data Redis (BootFleetTest): hidden here
    ResourceLoader starterAlone =
        new DefaultResourceLoader(
            new FilteredClassLoader(
                "io.github.kimisdk.redis",
                "org.springframework.data.redis",
                "org.springframework.boot.data.redis",
                "io.lettuce",
                "redis.clients"));
    try (ConfigurableApplicationContext context = start(starterAlone, properties())) {
      assertThat(context.getBean(ChatClient.Builder.class)).isNotNull();
      assertThat(context.getBean(ChatMemory.class)).isNotNull();
      // the client's retries are the one layer: the starter brings no Spring AI retry
      assertThat(context.getBeanNamesForType(RetryTemplate.class)).isEmpty();
      assertThat(context.getBeanNamesForType(RateLimitStore.class)).isEmpty();
      assertThat(context.containsBean("redisConnectionFactory")).as("Redis hidden").isFalse();
    }
    assertQuiet(output);
  }

  @Test
  void startsQuietlyWithRedisOnTheClassPathAndNoRateLimitSet(CapturedOutput output) {
    try (ConfigurableApplicationContext context = start(properties())) {
      assertThat(context.containsBean("redisConnectionFactory")).isTrue(); // never connected
      assertThat(context.getBeanNamesForType(RateLimitStore.class)).isEmpty();
      assertThat(context.getBean(KimiClient.class).rateLimit()).isEmpty();
    }
    assertQuiet(output);
  }

  /** Asserts that the application started, and logged no WARN or ERROR line. */
  private static void assertQuiet(CapturedOutput output) {
    List<String> loud = new ArrayList<>();
    for (String line : output.getAll().split("\\R")) {
      if (WARN_OR_ERROR.matcher(line).find()) {
        loud.add(line);
      }
    }
    assertThat(output.getAll()).contains("Started").doesNotContain("TypeNotPresentException");
    assertThat(loud).as("WARN and ERROR lines of the start").isEmpty();
  }

  @Test
  void aRetiredDefaultModelIsWarnedAboutAtStartNamingItsSuccessor(CapturedOutput output) {
    String[] args = Arrays.copyOf(properties(), properties().length + 1);
    args[args.length - 1] = "--spring.ai.kimi.chat.model=kimi-k2.5";
    try (ConfigurableApplicationContext context = start(args)) {
      assertThat(context.getBean(ChatClient.Builder.class)).isNotNull();
    }
    assertThat(output.getAll())
        .containsOnlyOnce("Model kimi-k2.5 was retired on 2026-08-31")
        .contains("use kimi-k2.6 instead")
        .contains("(logged once per client and model)");
  }

  @Test
  void anUnknownModelIsWarnedAboutAtStartWithSpringsFix(CapturedOutput output) {
    String[] args = Arrays.copyOf(properties(), properties().length + 1);
    args[args.length - 1] = "--spring.ai.kimi.chat.model=kimi-k2.6x";
    try (ConfigurableApplicationContext context = start(args)) {
      assertThat(context.getBean(ChatClient.Builder.class)).isNotNull();
    }
    assertThat(output.getAll())
        .containsOnlyOnce("Model kimi-k2.6x is not in this client's model table")
        .contains("did you mean kimi-k2.6?")
        .contains("check spring.ai.kimi.chat.model")
        .contains("KimiClientCustomizer bean")
        .doesNotContain("or updated(kimi.models().list())");
  }

  @Test
  void aTemperatureTheDefaultKimiK3FixesIsToldAtStartInTheCallsWords(CapturedOutput output) {
    String[] args = Arrays.copyOf(properties(), properties().length + 1);
    args[args.length - 1] = "--spring.ai.kimi.chat.temperature=0.3";

    assertThatThrownBy(() -> start(args).close()).isInstanceOf(Exception.class);

    assertThat(output.getAll())
        .contains("APPLICATION FAILED TO START")
        .contains(
            "Request for kimi-k3 not sent: kimi-k3 accepts only temperature 1.0 with thinking on:"
                + " 0.3; leave temperature unset")
        .contains("spring.ai.kimi.chat.temperature");
    assertThat(kimi.requestCount()).as("nothing sent").isZero();
  }

  @Test
  void aBaseUrlWithoutV1WhoseServerAnswers404IsWarnedAboutAtStart(CapturedOutput output) {
    String origin = kimi.baseUrl().substring(0, kimi.baseUrl().length() - "/v1".length());
    try (ConfigurableApplicationContext context =
        start("--spring.ai.kimi.api-key=sk-starter", "--spring.ai.kimi.base-url=" + origin)) {
      assertThat(context.getBean(ChatClient.Builder.class)).isNotNull();
    }

    assertThat(output.getAll())
        .containsPattern(
            "WARN .*spring\\.ai\\.kimi\\.base-url "
                + Pattern.quote(origin)
                + " does not end in /v1, and GET .*/models answered HTTP 404");
    assertThat(kimi.requests())
        .singleElement()
        .satisfies(r -> assertThat(r.path()).isEqualTo("/models"));
  }

  @Test
  void chatClientCallsStreamsRunsAToolAndReadsAnEntity() {
    try (ConfigurableApplicationContext context = start(properties())) {
      ChatClient chat = context.getBean(ChatClient.class);
      Weather weather = context.getBean(Weather.class);

      kimi.enqueue(FakeResponse.reply("Hello from Kimi"));
      assertThat(chat.prompt("Hello").call().content()).isEqualTo("Hello from Kimi");

      kimi.enqueue(FakeResponse.reply("Once upon a time"));
      assertThat(chat.prompt("A story").stream().content().collect(Collectors.joining()).block())
          .isEqualTo("Once upon a time");

      kimi.enqueue(
          FakeResponse.toolCalls(ToolCall.function(null, "weather", "{\"city\":\"Paris\"}")));
      kimi.enqueue(FakeResponse.reply("It is sunny in Paris."));
      assertThat(chat.prompt("Weather in Paris?").tools(weather).call().content())
          .isEqualTo("It is sunny in Paris.");
      assertThat(weather.asked).containsExactly("Paris");

      City city = chat.prompt("The largest city of France").call().entity(City.class);
      assertThat(city).isNotNull();
      assertThat(city.name()).isNotBlank();
    }

    List<RecordedRequest> sent = kimi.requests();
    assertThat(sent).hasSize(5);
    assertThat(sent.get(0).header("Authorization")).hasValue("Bearer sk-starter");
    JsonValue toolResult = sent.get(3).json().get("messages").asArray().get(2);
    assertThat(toolResult.get("content").asString()).isEqualTo("\"sunny in Paris\"");
    assertThat(sent.get(4).json().get("response_format").get("type").asString())
        .isEqualTo("json_schema");
  }

  @Test
  void chatMemoryFromTheStarterKeepsTheConversation() {
    try (ConfigurableApplicationContext context = start(properties())) {
      ChatClient remembering =
          context
              .getBean(ChatClient.Builder.class)
              .defaultAdvisors(
                  MessageChatMemoryAdvisor.builder(context.getBean(ChatMemory.class)).build())
              .build();
      kimi.enqueue(FakeResponse.reply("Nice to meet you, Ada."));
      kimi.enqueue(FakeResponse.reply("Your name is Ada."));

      remembering
          .prompt("My name is Ada.")
          .advisors(a -> a.param(ChatMemory.CONVERSATION_ID, "ada"))
          .call()
          .content();
      remembering
          .prompt("What is my name?")
          .advisors(a -> a.param(ChatMemory.CONVERSATION_ID, "ada"))
          .call()
          .content();
    }

    JsonValue second = kimi.requests().get(1).json().get("messages");
    assertThat(second.asArray().size()).isEqualTo(3);
    assertThat(second.asArray().get(1).get("reasoning_content").asString()).isNotEmpty();
  }

  @Test
  void withoutAKeyTheStartFailsNamingTheKeyPropertyAndItsEnvironmentSpelling(
      CapturedOutput output) {
    assertThatThrownBy(() -> start("--spring.ai.kimi.base-url=" + kimi.baseUrl()).close())
        .isInstanceOf(Exception.class);

    assertThat(output.getAll())
        .contains("APPLICATION FAILED TO START")
        .contains("No Kimi API key is set")
        .contains("spring.ai.kimi.api-key")
        .contains("SPRING_AI_KIMI_API_KEY")
        .contains("MOONSHOT_API_KEY")
        .contains("any key will do");
    assertNoStackTrace(output);
  }

  @Test
  void aKeyPropertyWhosePlaceholderNothingSetsEndsInTheFailureReport(CapturedOutput output) {
    // README's spring.ai.kimi.api-key=${MOONSHOT_API_KEY}, started without that variable
    assertThatThrownBy(
            () ->
                start(
                        "--spring.ai.kimi.api-key=${MOONSHOT_API_KEY}",
                        "--spring.ai.kimi.base-url=" + kimi.baseUrl())
                    .close())
        .isInstanceOf(Exception.class);

    assertThat(output.getAll())
        .contains("APPLICATION FAILED TO START")
        .contains("Kimi's API key property spring.ai.kimi.api-key names a placeholder")
        .contains("${MOONSHOT_API_KEY}")
        .contains("any key will do");
    assertNoStackTrace(output);
  }

  @Test
  void aSharedAccountWithoutAStoreEndsInTheFailureReportNamingWhatToAdd(CapturedOutput output) {
    String[] args = Arrays.copyOf(properties(), properties().length + 3);
    args[args.length - 3] = "--spring.ai.kimi.rate-limit.tier=1";
    args[args.length - 2] = "--spring.ai.kimi.rate-limit.account=org-my-team";
    // Spring Data Redis's auto-configuration left out: no RedisConnectionFactory
    args[args.length - 1] =
        "--spring.autoconfigure.exclude="
            + "org.springframework.boot.data.redis.autoconfigure.DataRedisAutoConfiguration";

    assertThatThrownBy(() -> start(args).close()).isInstanceOf(Exception.class);

    assertThat(output.getAll())
        .contains("APPLICATION FAILED TO START")
        .contains("spring.ai.kimi.rate-limit.account is set (org-my-team)")
        .contains("no RedisConnectionFactory")
        .contains("Let Spring Boot make the RedisConnectionFactory")
        .contains("spring-boot-starter-data-redis");
    assertNoStackTrace(output);
  }

  @Test
  void theFleetPropertiesWithoutKimiSdkRedisEndInTheFailureReportNamingIt(CapturedOutput output) {
    // README's fleet: the starter, spring-boot-starter-data-redis, and kimi-sdk-redis forgotten
    FilteredClassLoader withoutKimiSdkRedis = new FilteredClassLoader("io.github.kimisdk.redis");
    String[] args = Arrays.copyOf(properties(), properties().length + 2);
    args[args.length - 2] = "--spring.ai.kimi.rate-limit.tier=1";
    args[args.length - 1] = "--spring.ai.kimi.rate-limit.account=org-my-team";
    Thread thread = Thread.currentThread();
    ClassLoader before = thread.getContextClassLoader();
    thread.setContextClassLoader(withoutKimiSdkRedis); // as the application's own would load
    try {
      assertThatThrownBy(() -> start(new DefaultResourceLoader(withoutKimiSdkRedis), args).close())
          .isInstanceOf(Exception.class);
    } finally {
      thread.setContextClassLoader(before);
    }

    assertThat(output.getAll())
        .contains("APPLICATION FAILED TO START")
        .contains("(kimi-sdk-redis is not on the class path)")
        .contains("Add io.github.kimisdk:kimi-sdk-redis");
    assertNoStackTrace(output);
  }

  /** The start's failure was told as Spring Boot's report alone, without a stack trace. */
  private static void assertNoStackTrace(CapturedOutput output) {
    assertThat(output.getAll()).contains("Description:").contains("Action:");
    assertThat(output.getAll()).doesNotContain("\tat org.springframework");
  }
}
