package io.github.kimisdk.springai.autoconfigure;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.kimisdk.json.JsonObject;
import io.github.kimisdk.testing.FakeKimiServer;
import io.github.kimisdk.testing.FakeResponse;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.ai.chat.client.ChatClient;
import org.springframework.ai.model.chat.client.autoconfigure.ChatClientAutoConfiguration;
import org.springframework.ai.model.tool.autoconfigure.ToolCallingAutoConfiguration;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

/** ChatClient.Builder over Kimi: its entity(..) asks Kimi for the schema natively. */
class KimiChatClientAutoConfigurationTest {

  /** A record the reply becomes. */
  record City(String name, int population) {}

  private final FakeKimiServer server = new FakeKimiServer().start();

  private final ApplicationContextRunner runner =
      Contexts.onFake(
          server,
          KimiAutoConfiguration.class,
          KimiChatClientAutoConfiguration.class,
          ToolCallingAutoConfiguration.class,
          ChatClientAutoConfiguration.class);

  @AfterEach
  void close() {
    server.close();
  }

  @Test
  void entityAsksKimiForTheSchemaAndReadsTheReply() {
    runner.run(
        context -> {
          ChatClient chat = context.getBean(ChatClient.Builder.class).build();

          City city = chat.prompt("The largest city of France").call().entity(City.class);

          assertThat(city).isNotNull();
          assertThat(city.name()).isNotBlank();
        });

    JsonObject sent = server.takeRequest().json().asObject();
    assertThat(sent.get("response_format").get("type").asString()).isEqualTo("json_schema");
    assertThat(sent.get("response_format").get("json_schema").get("schema").get("properties"))
        .satisfies(p -> assertThat(p.asObject().names()).contains("name", "population"));
    String asked = sent.get("messages").asArray().get(0).get("content").asString();
    assertThat(asked).isEqualTo("The largest city of France"); // no format instructions
  }

  @Test
  void aListOfRecordsIsAskedForNativelyToo() {
    runner.run(
        context -> {
          ChatClient chat = context.getBean(ChatClient.Builder.class).build();

          java.util.List<City> cities =
              chat.prompt("Three French cities")
                  .call()
                  .entity(
                      new org.springframework.core.ParameterizedTypeReference<
                          java.util.List<City>>() {});

          assertThat(cities).isNotNull();
        });

    JsonObject sent = server.takeRequest().json().asObject();
    assertThat(sent.get("response_format").get("json_schema").get("schema").get("type").asString())
        .isEqualTo("array");
  }

  @Test
  void turnedOffEntityAsksInThePromptAsSpringAiDoesForAnyModel() {
    server.enqueue(FakeResponse.reply("{\"name\":\"Paris\",\"population\":2100000}"));

    runner
        .withPropertyValues("spring.ai.kimi.chat.provider-structured-output=false")
        .run(
            context -> {
              assertThat(context).doesNotHaveBean(KimiChatClientAutoConfiguration.class);
              ChatClient chat = context.getBean(ChatClient.Builder.class).build();

              assertThat(chat.prompt("The largest city of France").call().entity(City.class))
                  .isEqualTo(new City("Paris", 2100000));
            });

    JsonObject sent = server.takeRequest().json().asObject();
    assertThat(sent.has("response_format")).isFalse();
    assertThat(sent.get("messages").asArray().get(0).get("content").asString())
        .contains("JSON Schema");
  }

  @Test
  void withoutKimisChatModelOrChatClientNothingIsAdded() {
    runner
        .withPropertyValues("spring.ai.model.chat=openai")
        .run(context -> assertThat(context).doesNotHaveBean(KimiChatClientAutoConfiguration.class));
    runner
        .withClassLoader(new FilteredClassLoader(ChatClient.class))
        .run(context -> assertThat(context).doesNotHaveBean(KimiChatClientAutoConfiguration.class));
  }
}
