package io.github.kimisdk.langchain4j;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.langchain4j.service.AiServices;
import dev.langchain4j.service.output.OutputParsingException;
import io.github.kimisdk.json.JsonObject;
import io.github.kimisdk.json.JsonString;
import io.github.kimisdk.testing.FakeKimiServer;
import io.github.kimisdk.testing.FakeResponse;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * An {@code AiServices} method returning a record, offline against the fake: the module declares
 * {@code RESPONSE_FORMAT_JSON_SCHEMA}, so LangChain4j sends the record's schema as a {@code
 * json_schema} response format (listing no {@code required}), and the fake fills it whole. A reply
 * that is not the record's JSON fails in LangChain4j's parser rather than giving a record of nulls.
 */
class AiServicesRecordsHttpTest {

  record City(String name, String country, int population) {}

  interface Cities {
    City city(String text);
  }

  private final FakeKimiServer server = new FakeKimiServer().start();

  @AfterEach
  void close() {
    server.close();
  }

  private Cities cities() {
    return AiServices.create(
        Cities.class,
        KimiChatModel.builder()
            .apiKey("sk-test")
            .baseUrl(server.baseUrl())
            .maxRetries(0)
            .modelName("kimi-k3")
            .build());
  }

  @Test
  void aRecordComesBackFilledOffline() {
    City city = cities().city("The largest city of France: name=Paris country=France");

    assertThat(city.name()).isEqualTo("Paris");
    assertThat(city.country()).isEqualTo("France");
    assertThat(city.population()).isPositive();
    JsonObject format =
        (JsonObject) ((JsonObject) server.takeRequest().json()).get("response_format");
    assertThat(((JsonString) format.get("type")).value()).isEqualTo("json_schema");
  }

  @Test
  void aReplyThatIsNotTheRecordsJsonFailsInsteadOfGivingNulls() {
    for (String reply :
        new String[] {"Paris, France", "{\"name\": \"Par", "{\"town\":\"Paris\"}"}) {
      server.enqueue(FakeResponse.reply(reply));
      assertThatThrownBy(() -> cities().city("The largest city of France"))
          .as(reply)
          .isInstanceOf(OutputParsingException.class);
    }
  }
}
