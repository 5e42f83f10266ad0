package io.github.kimisdk.flink;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.kimisdk.chat.ChatRequest;
import io.github.kimisdk.chat.ResponseFormat;
import io.github.kimisdk.model.ModelCatalog;
import java.util.HashMap;
import java.util.Map;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.table.api.DataTypes;
import org.apache.flink.table.api.ValidationException;
import org.apache.flink.table.catalog.Column;
import org.apache.flink.table.catalog.ResolvedSchema;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ModelSettingsTest {

  private static final OutputLayout TEXT =
      OutputLayout.of(ResolvedSchema.of(Column.physical("answer", DataTypes.STRING())), Map.of());

  private static ModelSettings settings(String... keyValues) {
    Map<String, String> m = new HashMap<>();
    m.put("model", "kimi-k3");
    for (int i = 0; i < keyValues.length; i += 2) {
      m.put(keyValues[i], keyValues[i + 1]);
    }
    return ModelSettings.of(Configuration.fromMap(m));
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource({
    "https://api.moonshot.ai/v1/chat/completions, https://api.moonshot.ai/v1",
    "https://api.moonshot.ai/v1/chat/completions/, https://api.moonshot.ai/v1",
    "https://api.moonshot.cn/v1, https://api.moonshot.cn/v1",
    "http://127.0.0.1:8089/v1/, http://127.0.0.1:8089/v1"
  })
  void endpointIsTheChatCompletionsUrlOrABaseUrl(String endpoint, String baseUrl) {
    assertThat(settings("endpoint", endpoint).baseUrl).isEqualTo(baseUrl);
  }

  /**
   * The endpoints planning takes are the ones the client's builder takes (with the key planning
   * never holds), judged by the core's one rule: told when planned, never first when a subtask
   * opens.
   */
  @ParameterizedTest(name = "{0}")
  @CsvSource({
    "https://api.moonshot.ai/v1/chat/completions",
    "https://example.com/v1",
    "http://127.0.0.1:8089/v1",
    "http://localhost:8089/v1/chat/completions",
    "http://[::1]:8089/v1",
    "http://example.com/v1",
    "http://10.0.0.7:8000/v1",
    "http://127.example.com/v1",
    "https://api.moonshot.ai",
    "https://api.moonshot.ai/v2",
    "ftp://example.com/v1",
    "https://user:pw@example.com/v1",
    "https://example.com/v1?x=1",
    "not a url"
  })
  void planningTakesAnEndpointExactlyWhenTheClientBuilderDoes(String endpoint) {
    boolean planned;
    try {
      settings("endpoint", endpoint);
      planned = true;
    } catch (ValidationException e) {
      assertThat(e).hasMessageStartingWith("Model option 'endpoint' is not a Kimi endpoint: ");
      planned = false;
    }
    boolean built;
    try (io.github.kimisdk.KimiClient kimi =
        io.github.kimisdk.KimiClient.builder()
            .apiKey("sk-test")
            .baseUrl(endpoint.replaceFirst("/chat/completions$", ""))
            .build()) {
      built = kimi.endpoint() != null;
    } catch (io.github.kimisdk.errors.ConfigurationException e) {
      built = false;
    }
    assertThat(planned).isEqualTo(built);
  }

  @Test
  void noEndpointMeansKimisGlobalEndpoint() {
    assertThat(settings().baseUrl).isNull();
    assertThat(settings().toString()).contains("https://api.moonshot.ai/v1");
  }

  @ParameterizedTest(name = "{2}")
  @CsvSource(
      delimiter = '|',
      value = {
        "rate-limit.account | org-1 | 'rate-limit.account' and 'rate-limit.redis' go together",
        "rate-limit.redis | redis://127.0.0.1:6379 | 'rate-limit.account' and 'rate-limit.redis'"
            + " go together",
        "retry-num | -1 | 'retry-num' must not be negative",
        "rate-limit.max-concurrency | 0 | 'rate-limit.max-concurrency' must be positive",
        "rate-limit.requests-per-minute | -5 | 'rate-limit.requests-per-minute' must be positive",
        "endpoint | http://example.com/v1 | 'endpoint' is not a Kimi endpoint"
      })
  void aMalformedOptionFailsNamingIt(String option, String value, String message) {
    assertThatThrownBy(() -> settings(option, value))
        .isInstanceOf(ValidationException.class)
        .hasMessageContaining(message);
  }

  @Test
  void aSharedBudgetNeedsALimitAndARedisUri() {
    assertThatThrownBy(
            () ->
                settings(
                    "rate-limit.account", "org-1", "rate-limit.redis", "redis://127.0.0.1:6379"))
        .hasMessageContaining("no limit is set");
    assertThatThrownBy(
            () ->
                settings(
                    "rate-limit.account",
                    "org-1",
                    "rate-limit.max-concurrency",
                    "2",
                    "rate-limit.redis",
                    "http://user:secret-pw@127.0.0.1:6379"))
        .hasMessageContaining("redis:// or rediss://")
        .hasMessageNotContaining("secret-pw");
  }

  @Test
  void aMissingModelIsNamed() {
    assertThatThrownBy(() -> ModelSettings.of(new Configuration()))
        .isInstanceOf(ValidationException.class)
        .hasMessageContaining("'model' is missing");
  }

  @ParameterizedTest(name = "{0} = {1}")
  @CsvSource(
      delimiter = '|',
      value = {
        "temperature | 0.3 | 'temperature' = '0.3' | leave temperature unset",
        "n | 2 | 'n' = '2' | leave n unset",
        "top-p | 0.5 | 'top-p' = '0.5' | leave top_p unset",
        "reasoning-effort | medium | 'reasoning-effort' = 'medium' | medium"
      })
  void k3RefusesWhatItFixesNamingTheOptionAndTheFix(
      String option, String value, String named, String fix) {
    ModelSettings s = settings("thinking", "enabled", option, value);

    assertThatThrownBy(() -> s.check(ModelCatalog.defaults(), TEXT))
        .isInstanceOf(ValidationException.class)
        .hasMessageContaining("Kimi would refuse every row of model 'kimi-k3'")
        .hasMessageContaining(named)
        .hasMessageContaining(fix)
        .hasMessageContaining("No request was sent");
  }

  @Test
  void optionsKimiTakesPassTheCheck() {
    assertThat(
            settings("thinking", "enabled", "reasoning-effort", "low", "max-tokens", "100")
                .check(ModelCatalog.defaults(), TEXT))
        .isEmpty();
  }

  @Test
  void anUnknownModelIsWarnedAboutNotRefused() {
    assertThat(settings("model", "kimi-k9-preview").check(ModelCatalog.defaults(), TEXT))
        .hasValueSatisfying(w -> assertThat(w).contains("kimi-k9-preview"));
  }

  @Test
  void eachOptionReachesTheRequest() {
    ChatRequest r =
        settings(
                "system-prompt", "Be brief.",
                "temperature", "0.6",
                "thinking", "disabled",
                "stop", "END,STOP",
                "max-tokens", "64",
                "seed", "42",
                "response-format", "json_object",
                "presence-penalty", "0",
                "reasoning-effort", "high")
            .request("hi", TEXT);

    assertThat(r.messages()).hasSize(2);
    assertThat(r.temperature()).isEqualTo(0.6);
    assertThat(r.thinking().isEnabled()).isFalse();
    assertThat(r.stop()).containsExactly("END", "STOP");
    assertThat(r.maxCompletionTokens()).isEqualTo(64);
    assertThat(r.extraBody().get("seed").asLong()).isEqualTo(42);
    assertThat(r.responseFormat()).isEqualTo(ResponseFormat.jsonObject());
    assertThat(r.presencePenalty()).isEqualTo(0.0);
    assertThat(r.reasoningEffort()).isEqualTo("high");
  }

  @Test
  void anEmptySystemPromptSendsNoSystemMessage() {
    assertThat(settings("system-prompt", "").request("hi", TEXT).messages()).hasSize(1);
  }

  @Test
  void clientsAreSharedByEndpointKeyAndLimitsOnly() {
    String a = settings("api-key", "sk-a", "temperature", "1.0").clientKey();

    assertThat(settings("api-key", "sk-a", "system-prompt", "x").clientKey()).isEqualTo(a);
    assertThat(settings("api-key", "sk-b").clientKey()).isNotEqualTo(a);
    assertThat(settings("api-key", "sk-a", "rate-limit.max-concurrency", "3").clientKey())
        .isNotEqualTo(a);
    assertThat(settings("api-key", "sk-a", "endpoint", "https://api.moonshot.cn/v1").clientKey())
        .isNotEqualTo(a);
    assertThat(a).doesNotContain("sk-a");
  }
}
