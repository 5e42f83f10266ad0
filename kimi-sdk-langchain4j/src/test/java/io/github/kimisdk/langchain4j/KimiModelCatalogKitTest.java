package io.github.kimisdk.langchain4j;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.langchain4j.exception.AuthenticationException;
import dev.langchain4j.model.ModelProvider;
import dev.langchain4j.model.catalog.AbstractModelCatalogIT;
import dev.langchain4j.model.catalog.ModelCatalog;
import dev.langchain4j.model.catalog.ModelDescription;
import dev.langchain4j.model.catalog.ModelType;
import io.github.kimisdk.testing.FakeKimiServer;
import io.github.kimisdk.testing.FakeResponse;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * LangChain4j's own test kit for a {@link ModelCatalog} ({@code AbstractModelCatalogIT}), against
 * the fake's {@code GET /models}; then what the kit leaves out: the facts each entry carries, the
 * table's facts where the server states none, and a failure in LangChain4j's words.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class KimiModelCatalogKitTest extends AbstractModelCatalogIT {

  /** The SDK's model table, whose facts fill what the server leaves out. */
  private static final io.github.kimisdk.model.ModelCatalog TABLE =
      io.github.kimisdk.model.ModelCatalog.defaults();

  private final FakeKimiServer server = new FakeKimiServer().start();

  @AfterAll
  void closeServer() {
    server.close();
  }

  @Override
  protected ModelCatalog createModelCatalog() {
    return KimiModelCatalog.builder()
        .apiKey("sk-kit")
        .baseUrl(server.baseUrl())
        .maxRetries(0)
        .build();
  }

  @Override
  protected ModelProvider expectedProvider() {
    return ModelProvider.OTHER;
  }

  @Test
  void eachModelCarriesItsWindowOutputLimitAndWhatItDoes() {
    List<ModelDescription> models = createModelCatalog().listModels();

    assertThat(models).extracting(ModelDescription::name).startsWith("kimi-k3");
    ModelDescription k3 = models.get(0);
    int window = TABLE.lookup("kimi-k3").contextWindow();
    assertThat(k3.type()).isEqualTo(ModelType.CHAT);
    assertThat(k3.maxInputTokens()).isEqualTo(window);
    assertThat(k3.maxOutputTokens()).isPositive();
    assertThat(k3.owner()).isEqualTo("moonshot");
    assertThat(k3.createdAt()).isAfter(Instant.EPOCH);
    assertThat(k3.description())
        .startsWith("Thinks unless told not to (efforts ")
        .contains(String.join(", ", TABLE.lookup("kimi-k3").efforts()))
        .contains("reads images")
        .contains("calls tools")
        .endsWith(String.format(Locale.ROOT, "%,d-token context.", window));
    assertThat(models)
        .filteredOn(m -> m.name().equals("kimi-k2.7-code"))
        .singleElement()
        .satisfies(m -> assertThat(m.description()).startsWith("Thinks always"));
  }

  @Test
  void theTablesFactsFillWhatTheServerLeavesOut() {
    server.enqueue(
        FakeResponse.json(
            "{\"object\":\"list\",\"data\":[{\"id\":\"kimi-k2.6\",\"object\":\"model\"},"
                + "{\"id\":\"kimi-k9-unknown\",\"object\":\"model\",\"context_length\":4096}]}"));

    List<ModelDescription> models = createModelCatalog().listModels();

    assertThat(models.get(0).name()).isEqualTo("kimi-k2.6");
    assertThat(models.get(0).displayName()).isEqualTo("kimi-k2.6");
    assertThat(models.get(0).maxInputTokens()).isEqualTo(TABLE.lookup("kimi-k2.6").contextWindow());
    assertThat(models.get(0).description()).startsWith("Thinks unless told not to");
    assertThat(models.get(1).description()).endsWith("; 4,096-token context.");
    assertThat(models.get(1).maxInputTokens()).isEqualTo(4096);
    assertThat(models.get(1).createdAt()).isNull();
  }

  @Test
  void aFailedListingIsLangChain4jsException() {
    server.enqueue(
        FakeResponse.error(
            401,
            "{\"error\":{\"type\":\"invalid_authentication_error\",\"message\":\"Invalid"
                + " Authentication\"}}"));
    assertThatThrownBy(() -> createModelCatalog().listModels())
        .isInstanceOf(AuthenticationException.class);
  }
}
