package io.github.kimisdk.flink;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.kimisdk.KimiClient;
import io.github.kimisdk.RetryPolicy;
import io.github.kimisdk.chat.ChatRequest;
import io.github.kimisdk.chat.ResponseFormat;
import io.github.kimisdk.host.Host;
import io.github.kimisdk.model.ModelCatalog;
import java.time.Duration;
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

  /** The settings of kimi-k3 with these options: names and values in turn. */
  static ModelSettings settings(String... keyValues) {
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
        "retry-num | -1 | 'retry-num' must be from 0 to 1000",
        "retry-num | 1001 | 'retry-num' must be from 0 to 1000",
        "host | vllm | 'host' = 'vllm' cannot be used without 'endpoint'",
        "host | my host | 'host' = 'my host' cannot be used",
        "fallback.1.modle | kimi-k3 | Unsupported model option 'fallback.1.modle'",
        "fallback.0.model | kimi-k3 | Unsupported model option 'fallback.0.model'",
        "fallback.01.model | kimi-k3 | Unsupported model option 'fallback.01.model'",
        "fallback.model | kimi-k3 | Unsupported model option 'fallback.model'",
        "fallback.16.model | kimi-k3 | at most 15 fallback targets",
        "fallback.2.model | kimi-k3 | no option names target 1",
        "fallback.1.endpoint | http://10.0.0.7:8000/v1 | 'fallback.1.endpoint' is not a Kimi"
            + " endpoint",
        "fallback.1.host | sglang | 'fallback.1.host' = 'sglang' cannot be used without"
            + " 'fallback.1.endpoint'",
        "rate-limit.max-concurrency | 0 | 'rate-limit.max-concurrency' must be positive",
        "rate-limit.requests-per-minute | -5 | 'rate-limit.requests-per-minute' must be positive",
        "endpoint | http://example.com/v1 | 'endpoint' is not a Kimi endpoint"
      })
  void aMalformedOptionFailsNamingIt(String option, String value, String message) {
    assertThatThrownBy(() -> settings(option, value))
        .isInstanceOf(ValidationException.class)
        .hasMessageContaining(message);
  }

  @ParameterizedTest(name = "{0} retry-num {1}")
  @CsvSource({"retry, 7, 7", "retry, 0, 0", "retry, 1000, 1000", "failover, 7, 0", "ignore, 7, 0"})
  void theRetryPolicyIsTheClientsFromTheStrategyWithRateLimitsWaitedOutInEvery(
      String strategy, String retryNum, int retries) {
    Duration rowTimeout = Duration.ofSeconds(90);
    RetryPolicy p =
        settings("error-handling-strategy", strategy, "retry-num", retryNum)
            .retryPolicy(rowTimeout);

    assertThat(p.maxRetries()).isEqualTo(retries);
    assertThat(p.rateLimitWait()).isEqualTo(rowTimeout);
    assertThat(p.maxServerWait()).isEqualTo(rowTimeout);
    assertThat(p.initialBackoff()).isEqualTo(RetryPolicy.defaults().initialBackoff());
    assertThat(p.maxBackoff()).isEqualTo(RetryPolicy.defaults().maxBackoff());
  }

  @ParameterizedTest(name = "{0} at {1}")
  @CsvSource(
      delimiter = '|',
      value = {
        "moonshot | | https://api.moonshot.ai/v1",
        "moonshot-cn | | https://api.moonshot.cn/v1",
        "openrouter | | https://openrouter.ai/api/v1",
        "OpenRouter | https://proxy.example.com/v1/chat/completions | https://proxy.example.com/v1",
        "vllm | http://127.0.0.1:8000/v1/chat/completions | http://127.0.0.1:8000/v1",
        "my-gateway | https://gw.example.com/v1 | https://gw.example.com/v1"
      })
  void theHostIsTheClientsHostOfTheSameNameAtTheEndpoint(
      String host, String endpoint, String baseUrl) {
    ModelSettings s =
        endpoint == null ? settings("host", host) : settings("host", host, "endpoint", endpoint);

    assertThat(s.modelsHost()).isEqualTo(Host.of(host, endpoint == null ? null : baseUrl));
    assertThat(s.modelsHost().endpoint().baseUrl()).isEqualTo(baseUrl);
    assertThat(s.toString()).contains(baseUrl);
  }

  @Test
  void aFallbackTargetNamesItsHostEndpointModelAndKeyOrTakesTheModelsOwn() {
    ModelSettings s =
        settings(
            "api-key", "sk-primary",
            "endpoint", "https://api.moonshot.ai/v1/chat/completions",
            "fallback.1.model", "kimi-k3",
            "fallback.2.host", "vllm",
            "fallback.2.endpoint", "http://127.0.0.1:8000/v1/chat/completions",
            "fallback.3.endpoint", "https://api.moonshot.cn/v1",
            "fallback.3.api-key", "sk-china");

    assertThat(s.fallbacks).hasSize(3);
    ModelSettings.Fallback sameHost = s.fallbacks.get(0);
    assertThat(s.targetHost(sameHost)).isEqualTo(Host.MOONSHOT);
    assertThat(s.targetKey(sameHost)).isEqualTo("sk-primary"); // the model's own URL: its key
    ModelSettings.Fallback vllm = s.fallbacks.get(1);
    assertThat(s.targetHost(vllm).name()).isEqualTo("vllm");
    assertThat(s.targetKey(vllm)).isNull(); // another host: never the model's key
    ModelSettings.Fallback china = s.fallbacks.get(2);
    assertThat(s.targetHost(china)).isEqualTo(Host.MOONSHOT_CHINA);
    assertThat(s.targetKey(china)).isEqualTo("sk-china");
    assertThat(s.toString() + s.fallbacks + s.clientKey())
        .contains("fallback 1, model kimi-k3")
        .contains("fallback 2 vllm at http://127.0.0.1:8000/v1")
        .doesNotContain("sk-primary")
        .doesNotContain("sk-china");
    try (KimiClient built = s.clientBuilder(null).build()) {
      assertThat(built.account().targets())
          .extracting(t -> t.target().host().name())
          .containsExactly("moonshot", "moonshot", "vllm", "moonshot-cn");
    }
  }

  @Test
  void aFallbackTargetThatWouldSendNoKeyWhereOneIsNeededFailsNamingItsKeyOption() {
    assertThatThrownBy(() -> settings("fallback.1.host", "moonshot-cn", "api-key", "sk-a"))
        .isInstanceOf(ValidationException.class)
        .hasMessageContaining("'fallback.1.api-key' is missing")
        .hasMessageContaining("Moonshot's platform")
        .hasMessageNotContaining("sk-a");
    assertThatThrownBy(
            () -> settings("fallback.1.model", "kimi-k3")) // the key from the environment
        .isInstanceOf(ValidationException.class)
        .hasMessageContaining("'fallback.1.api-key' is missing")
        .hasMessageContaining("environment");
  }

  @Test
  void clientsAreSharedByHostAndFallbackTargetsToo() {
    String a = settings("api-key", "sk-a").clientKey();

    assertThat(settings("api-key", "sk-a", "host", "moonshot").clientKey()).isNotEqualTo(a);
    assertThat(settings("api-key", "sk-a", "fallback.1.model", "kimi-k3.1-pro").clientKey())
        .isNotEqualTo(a);
    assertThat(
            settings("api-key", "sk-a", "fallback.1.model", "kimi-k3", "fallback.1.api-key", "sk-b")
                .clientKey())
        .isNotEqualTo(
            settings("api-key", "sk-a", "fallback.1.model", "kimi-k3", "fallback.1.api-key", "sk-c")
                .clientKey())
        .doesNotContain("sk-b");
    assertThat(settings("api-key", "sk-a", "error-handling-strategy", "ignore").clientKey())
        .isEqualTo(a); // the policy is each model's calls', not the client's
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

  /** K3's rules hold wherever K3 answers: a fallback target's model is checked as the model's. */
  @Test
  void k3RulesStopTheStatementWhicheverTargetAsksForK3() {
    ModelSettings s =
        settings(
            "model", "my-finetune", // unknown to the table: warned about, not checked
            "api-key", "sk-a",
            "thinking", "enabled",
            "temperature", "0.3",
            "fallback.1.model", "kimi-k3");

    assertThatThrownBy(() -> s.check(ModelCatalog.defaults(), TEXT))
        .isInstanceOf(ValidationException.class)
        .hasMessageContaining("fallback target 1 (model option 'fallback.1.model' = 'kimi-k3')")
        .hasMessageContaining("leave temperature unset")
        .hasMessageContaining("'temperature' = '0.3'")
        .hasMessageContaining("No request was sent");
    assertThat(
            settings("model", "my-finetune", "api-key", "sk-a", "fallback.1.model", "kimi-k9")
                .check(ModelCatalog.defaults(), TEXT))
        .hasSize(2)
        .anySatisfy(w -> assertThat(w).startsWith("fallback.1.model: ").contains("kimi-k9"));
  }

  /**
   * What Kimi would take and ignore stops the statement, naming the option and the rule: a seed on
   * Moonshot's API (at any endpoint), thinking on kimi-k3.1-pro; 'deliberate-fields' sends it as it
   * is, and a host that judges its own fields (vLLM) takes it.
   */
  @Test
  void aFieldKimiWouldIgnoreStopsTheStatementUnlessItIsDeliberate() {
    assertThatThrownBy(() -> settings("seed", "42").check(ModelCatalog.defaults(), TEXT))
        .isInstanceOf(ValidationException.class)
        .hasMessageContaining("Kimi would refuse every row of model 'kimi-k3'")
        .hasMessageContaining("\"seed\"")
        .hasMessageContaining("(rule ignored-field)")
        .hasMessageContaining("(model option 'seed' = '42')")
        .hasMessageContaining("model option 'deliberate-fields' names it");
    assertThatThrownBy(
            () ->
                settings("endpoint", "https://relay.example.com/v1", "seed", "42")
                    .check(ModelCatalog.defaults(), TEXT))
        .hasMessageContaining("(rule ignored-field)");
    assertThat(
            settings("seed", "42", "deliberate-fields", "seed")
                .check(ModelCatalog.defaults(), TEXT))
        .isEmpty();
    assertThat(
            settings("host", "vllm", "endpoint", "http://127.0.0.1:8000/v1", "seed", "42")
                .check(ModelCatalog.defaults(), TEXT))
        .isEmpty();
    // a fallback on Moonshot's API would ignore it too
    assertThatThrownBy(
            () ->
                settings(
                        "host", "vllm",
                        "endpoint", "http://127.0.0.1:8000/v1",
                        "seed", "42",
                        "fallback.1.host", "moonshot",
                        "fallback.1.api-key", "sk-b")
                    .check(ModelCatalog.defaults(), TEXT))
        .hasMessageContaining("fallback target 1")
        .hasMessageContaining("(rule ignored-field)");

    ModelSettings k31 = settings("model", "kimi-k3.1-pro", "thinking", "disabled");
    assertThatThrownBy(() -> k31.check(ModelCatalog.defaults(), TEXT))
        .hasMessageContaining("kimi-k3.1-pro takes no thinking field")
        .hasMessageContaining("'thinking' = 'disabled'");
    assertThat(
            settings(
                    "model",
                    "kimi-k3.1-pro",
                    "thinking",
                    "disabled",
                    "deliberate-fields",
                    " thinking ,seed")
                .check(ModelCatalog.defaults(), TEXT))
        .isEmpty();
    ModelSettings marked = settings("api-key", "sk-a", "seed", "42", "deliberate-fields", "seed");
    try (io.github.kimisdk.KimiClient client = marked.clientBuilder(null).build()) {
      assertThat(client.deliberateFields()).containsExactly("seed");
    }
    assertThat(marked.clientKey())
        .isNotEqualTo(settings("api-key", "sk-a", "seed", "42").clientKey());
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
        .singleElement()
        .satisfies(w -> assertThat(w).contains("kimi-k9-preview"));
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
