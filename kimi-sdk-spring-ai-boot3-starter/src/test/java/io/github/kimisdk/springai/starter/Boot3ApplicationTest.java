package io.github.kimisdk.springai.starter;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.kimisdk.errors.PreflightException;
import io.github.kimisdk.json.JsonValue;
import io.github.kimisdk.springai.KimiChatModel;
import io.github.kimisdk.springai.KimiChatOptions;
import io.github.kimisdk.testing.FakeKimiServer;
import io.github.kimisdk.testing.FakeResponse;
import io.github.kimisdk.testing.RecordedRequest;
import io.github.kimisdk.tool.ToolCall;
import io.micrometer.core.instrument.MeterRegistry;
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
import org.springframework.ai.chat.model.ChatResponse;
import org.springframework.ai.tool.annotation.Tool;
import org.springframework.ai.tool.annotation.ToolParam;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.SpringBootVersion;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.actuate.health.HealthEndpoint;
import org.springframework.boot.actuate.health.Status;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.core.env.StandardEnvironment;

/**
 * A Spring Boot 3.5 application on Spring AI 1.1 whose only Kimi dependency is
 * kimi-sdk-spring-ai-boot3-starter, configured by {@code spring.ai.kimi.*} properties alone,
 * against FakeKimiServer: it starts without a warning; a call returns text, usage and model;
 * ChatClient's {@code @Tool} loop (which the model runs, as Spring AI 1 wants) answers, with {@code
 * reasoning_content} sent back; a stream, its usage and {@code .entity(..)} work; K3's temperature
 * rule holds before anything is sent; twenty health probes cost one request.
 */
@ExtendWith(OutputCaptureExtension.class)
class Boot3ApplicationTest {

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

  /** Starts the application, without the process's environment variables. */
  private static ConfigurableApplicationContext start(String... args) {
    StandardEnvironment environment = new StandardEnvironment();
    environment
        .getPropertySources()
        .remove(StandardEnvironment.SYSTEM_ENVIRONMENT_PROPERTY_SOURCE_NAME);
    return new SpringApplicationBuilder(Application.class)
        .web(WebApplicationType.NONE)
        .environment(environment)
        .run(args);
  }

  private String[] properties(String... more) {
    String[] args = {
      "--spring.ai.kimi.api-key=sk-boot3", "--spring.ai.kimi.base-url=" + kimi.baseUrl()
    };
    String[] all = Arrays.copyOf(args, args.length + more.length);
    System.arraycopy(more, 0, all, args.length, more.length);
    return all;
  }

  @Test
  void runsOnSpringBoot35AndStartsQuietly(CapturedOutput output) {
    assertThat(SpringBootVersion.getVersion()).startsWith("3.5.");
    try (ConfigurableApplicationContext context = start(properties())) {
      assertThat(context.getBean(ChatClient.Builder.class)).isNotNull();
      assertThat(context.getBean(KimiChatModel.class).getDefaultOptions().getModel())
          .isEqualTo("kimi-k3");
    }
    List<String> loud = new ArrayList<>();
    for (String line : output.getAll().split("\\R")) {
      if (WARN_OR_ERROR.matcher(line).find()) {
        loud.add(line);
      }
    }
    assertThat(output.getAll()).contains("Started");
    assertThat(loud).as("WARN and ERROR lines of the start").isEmpty();
  }

  @Test
  void aCallReturnsTextUsageAndModel() {
    try (ConfigurableApplicationContext context = start(properties())) {
      kimi.enqueue(FakeResponse.reply("Hello from Kimi"));

      ChatResponse response =
          context.getBean(ChatClient.class).prompt("Hello").call().chatResponse();

      assertThat(response.getResult().getOutput().getText()).isEqualTo("Hello from Kimi");
      assertThat(response.getMetadata().getModel()).isEqualTo("kimi-k3");
      assertThat(response.getMetadata().getUsage().getPromptTokens()).isPositive();
      assertThat(response.getMetadata().getUsage().getCompletionTokens()).isPositive();
      assertThat(response.getMetadata().getUsage().getNativeUsage())
          .isInstanceOf(io.github.kimisdk.chat.Usage.class);
    }
    assertThat(kimi.requests().get(0).header("Authorization")).hasValue("Bearer sk-boot3");
  }

  /** The fake's two answers to Paris's weather: a call of the weather tool, then the reply. */
  private void enqueueParisWeather() {
    kimi.enqueue(
        FakeResponse.toolCalls(ToolCall.function(null, "weather", "{\"city\":\"Paris\"}")));
    kimi.enqueue(FakeResponse.reply("It is sunny in Paris."));
  }

  @Test
  void theToolLoopRunsTheToolAndSendsTheReasoningBack() {
    try (ConfigurableApplicationContext context = start(properties())) {
      Weather weather = context.getBean(Weather.class);
      enqueueParisWeather();

      String answer =
          context
              .getBean(ChatClient.class)
              .prompt("Weather in Paris?")
              .tools(weather)
              .call()
              .content();

      assertThat(answer).isEqualTo("It is sunny in Paris.");
      assertThat(weather.asked).containsExactly("Paris");
    }
    assertToolTurnSentBack(kimi.requests());
  }

  @Test
  void aStreamedToolLoopRunsTheToolAndStreamsTheAnswer() {
    try (ConfigurableApplicationContext context = start(properties())) {
      Weather weather = context.getBean(Weather.class);
      enqueueParisWeather();

      String answer =
          context.getBean(ChatClient.class).prompt("Weather in Paris?").tools(weather).stream()
              .content()
              .collect(Collectors.joining())
              .block();

      assertThat(answer).isEqualTo("It is sunny in Paris.");
      assertThat(weather.asked).containsExactly("Paris");
    }
    assertToolTurnSentBack(kimi.requests());
  }

  /** The second request sent the first turn back whole: its reasoning, its call, the result. */
  private static void assertToolTurnSentBack(List<RecordedRequest> sent) {
    assertThat(sent).hasSize(2);
    JsonValue messages = sent.get(1).json().get("messages");
    JsonValue assistant = messages.asArray().get(1);
    assertThat(assistant.get("role").asString()).isEqualTo("assistant");
    assertThat(assistant.get("reasoning_content").asString()).isNotEmpty();
    assertThat(assistant.get("tool_calls").asArray().get(0).get("function").get("name").asString())
        .isEqualTo("weather");
    JsonValue result = messages.asArray().get(2);
    assertThat(result.get("role").asString()).isEqualTo("tool");
    assertThat(result.get("content").asString()).isEqualTo("\"sunny in Paris\"");
    assertThat(sent.get(0).json().get("tools").asArray().get(0).get("function").get("name"))
        .satisfies(name -> assertThat(name.asString()).isEqualTo("weather"));
  }

  @Test
  void aStreamBringsItsTextThenTheUsageFromTheFinishingChoice() {
    List<ChatResponse> responses;
    try (ConfigurableApplicationContext context = start(properties())) {
      kimi.enqueue(FakeResponse.reply("Once upon a time"));

      responses =
          context.getBean(ChatClient.class).prompt("A story").stream()
              .chatResponse()
              .collectList()
              .block();
    }

    assertThat(
            responses.stream()
                .map(r -> r.getResult() == null ? "" : r.getResult().getOutput().getText())
                .collect(Collectors.joining()))
        .isEqualTo("Once upon a time");
    ChatResponse last = responses.get(responses.size() - 1);
    assertThat(last.getMetadata().getUsage().getTotalTokens()).isPositive();
    assertThat(last.getResult().getMetadata().getFinishReason()).isEqualTo("STOP");
    RecordedRequest sent = kimi.requests().get(0);
    assertThat(sent.json().get("stream").asBoolean()).isTrue();
  }

  @Test
  void anEntityIsAskedForWithKimisStructuredOutput() {
    City city;
    try (ConfigurableApplicationContext context = start(properties())) {
      city =
          context
              .getBean(ChatClient.class)
              .prompt("The largest city of France")
              .call()
              .entity(City.class);
    }

    assertThat(city).isNotNull();
    assertThat(city.name()).isNotBlank();
    JsonValue format = kimi.requests().get(0).json().get("response_format");
    assertThat(format.get("type").asString()).isEqualTo("json_schema");
    assertThat(format.get("json_schema").get("name").asString())
        .isEqualTo(KimiChatOptions.OUTPUT_SCHEMA_NAME);
  }

  @Test
  void kimiK3sTemperatureRuleHoldsBeforeSending(CapturedOutput output) {
    try (ConfigurableApplicationContext context = start(properties())) {
      ChatClient chat = context.getBean(ChatClient.class);

      assertThatThrownBy(
              () ->
                  chat.prompt("Hello")
                      .options(KimiChatOptions.builder().temperature(0.3).build())
                      .call()
                      .content())
          .isInstanceOf(PreflightException.class)
          .hasMessageContaining("kimi-k3 accepts only temperature 1.0");
    }
    assertThat(kimi.requestCount()).as("nothing sent").isZero();

    assertThatThrownBy(() -> start(properties("--spring.ai.kimi.chat.temperature=0.3")).close())
        .isInstanceOf(Exception.class);
    assertThat(output.getAll())
        .contains("APPLICATION FAILED TO START")
        .contains("kimi-k3 accepts only temperature 1.0")
        .contains("spring.ai.kimi.chat.temperature");
    assertThat(kimi.requestCount()).as("nothing sent").isZero();
  }

  @Test
  void twentyHealthProbesCostOneRequest() {
    try (ConfigurableApplicationContext context =
        start(properties("--management.endpoint.health.show-details=always"))) {
      HealthEndpoint health = context.getBean(HealthEndpoint.class);

      for (int i = 0; i < 20; i++) {
        assertThat(health.healthForPath("kimi").getStatus()).isEqualTo(Status.UP);
      }
      assertThat(health.health().getStatus()).isEqualTo(Status.UP);
      // the spend meters, bound to Boot 3's registry
      MeterRegistry registry = context.getBean(MeterRegistry.class);
      assertThat(registry.find("kimi.spend.tokens").tag("gen_ai.token.type", "input").meters())
          .isNotEmpty();
    }
    assertThat(kimi.requests())
        .hasSizeLessThanOrEqualTo(2)
        .allSatisfy(r -> assertThat(r.path()).isEqualTo("/v1/models"));
    assertThat(kimi.requestCount()).isEqualTo(1);
  }

  @Test
  void withoutAKeyTheStartFailsInKimisWords(CapturedOutput output) {
    assertThatThrownBy(() -> start("--spring.ai.kimi.base-url=" + kimi.baseUrl()).close())
        .isInstanceOf(Exception.class);

    assertThat(output.getAll())
        .contains("APPLICATION FAILED TO START")
        .contains("No Kimi API key is set")
        .contains("spring.ai.kimi.api-key")
        .doesNotContain("\tat org.springframework");
  }
}
