package io.github.kimisdk;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.kimisdk.errors.ConfigurationException;
import java.net.http.HttpClient;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.Test;

class KimiClientBuilderTest {

  @Test
  void theBuilderHoldsOneSettingsStateNotACopyOfEachSetting() {
    java.util.Set<String> fields = new java.util.TreeSet<>();
    for (java.lang.reflect.Field f : KimiClient.Builder.class.getDeclaredFields()) {
      fields.add(f.getName());
    }
    // every setting, who is called and how included, is the one state, resolved at build()
    assertThat(fields).containsExactly("settings");
  }

  private static final String KEY = "sk-abcdefghijklmnopqrstuvwxyz0123456789";

  @Test
  void fromEnvWithoutAnyKeyNamesTheVariables() {
    assertThatThrownBy(
            () ->
                KimiClient.builder()
                    .fromEnv(Map.of("KIMI_BASE_URL", "https://x.example/v1"))
                    .build())
        .isInstanceOf(ConfigurationException.class)
        .hasMessageContaining("MOONSHOT_API_KEY")
        .hasMessageContaining("KIMI_API_KEY")
        .hasMessageContaining("KIMI_CODING_API_KEY");
  }

  @Test
  void fromEnvPicksTheFirstKeyAndTheGlobalEndpoint() {
    try (KimiClient c =
        KimiClient.builder()
            .fromEnv(Map.of("MOONSHOT_API_KEY", KEY, "KIMI_API_KEY", "sk-kimi-other"))
            .build()) {
      assertThat(c.endpoint()).isEqualTo(Endpoint.GLOBAL);
    }
    try (KimiClient c =
        KimiClient.builder()
            .fromEnv(Map.of("KIMI_API_KEY", KEY, "MOONSHOT_API_KEY", " "))
            .build()) {
      assertThat(c.endpoint()).isEqualTo(Endpoint.GLOBAL);
    }
  }

  @Test
  void fromEnvPicksKimiCodeForSkKimiKeys() {
    try (KimiClient c =
        KimiClient.builder().fromEnv(Map.of("KIMI_API_KEY", "sk-kimi-abc123")).build()) {
      assertThat(c.endpoint()).isEqualTo(Endpoint.KIMI_CODE);
    }
    try (KimiClient c =
        KimiClient.builder().fromEnv(Map.of("KIMI_CODING_API_KEY", "sk-kimi-abc123")).build()) {
      assertThat(c.endpoint()).isEqualTo(Endpoint.KIMI_CODE);
    }
  }

  @Test
  void fromEnvHonoursKimiBaseUrl() {
    try (KimiClient c =
        KimiClient.builder()
            .fromEnv(
                Map.of("MOONSHOT_API_KEY", KEY, "KIMI_BASE_URL", "https://api.moonshot.cn/v1/"))
            .build()) {
      assertThat(c.endpoint()).isSameAs(Endpoint.CHINA);
    }
  }

  @Test
  void fromEnvNamesTheVariableHoldingAMalformedKey() {
    assertThatThrownBy(
            () -> KimiClient.builder().fromEnv(Map.of("KIMI_API_KEY", KEY + "\n")).build())
        .isInstanceOf(ConfigurationException.class)
        .hasMessageContaining("KIMI_API_KEY")
        .hasMessageContaining("whitespace")
        .hasMessageNotContaining(KEY);
  }

  @Test
  void missingKeyIsAClearError() {
    assertThatThrownBy(() -> KimiClient.builder().build())
        .isInstanceOf(ConfigurationException.class)
        .hasMessageContaining("apiKey(...)");
  }

  @Test
  void malformedKeysAreRefusedWithoutEchoingThem() {
    String[][] cases = {
      {" " + KEY, "whitespace"},
      {KEY + " ", "whitespace"},
      {"\"" + KEY + "\"", "quote"},
      {"'" + KEY + "'", "quote"},
      {"Bearer " + KEY, "Bearer"},
      {KEY.substring(0, 10) + "\u0007" + KEY.substring(10), "control"},
      {KEY.substring(0, 10) + " " + KEY.substring(10), "whitespace"},
      {KEY.substring(0, 10) + "é" + KEY.substring(10), "non-ASCII"},
      {"   ", "empty"},
    };
    for (String[] c : cases) {
      assertThatThrownBy(() -> KimiClient.builder().apiKey(c[0]).build())
          .as(c[1])
          .isInstanceOf(ConfigurationException.class)
          .hasMessageContaining(c[1])
          .hasMessageNotContaining(KEY.substring(3, 20));
    }
  }

  @Test
  void plainHttpIsAllowedOnlyToLoopback() {
    assertThatThrownBy(
            () -> KimiClient.builder().apiKey(KEY).baseUrl("http://api.moonshot.ai/v1").build())
        .isInstanceOf(ConfigurationException.class)
        .hasMessageContaining("loopback")
        .hasMessageContaining("api.moonshot.ai");
    try (KimiClient c =
        KimiClient.builder().apiKey(KEY).baseUrl("http://localhost:1234/v1").build()) {
      assertThat(c.endpoint().isLoopback()).isTrue();
    }
  }

  @Test
  void headerValuesWithCrLfOrControlCharactersAreRefused() {
    assertThatThrownBy(() -> KimiClient.builder().header("X-Test", "a\r\nX-Evil: 1"))
        .isInstanceOf(ConfigurationException.class)
        .hasMessageContaining("CR or LF");
    assertThatThrownBy(() -> KimiClient.builder().header("X-Test", "a\u0000b"))
        .isInstanceOf(ConfigurationException.class)
        .hasMessageContaining("control character");
    assertThatThrownBy(() -> KimiClient.builder().header("User-Agent", "agent\n"))
        .isInstanceOf(ConfigurationException.class);
    assertThatThrownBy(() -> KimiClient.builder().header("User-Agent", " "))
        .isInstanceOf(ConfigurationException.class);
    assertThatThrownBy(() -> KimiClient.builder().header("Bad Name", "v"))
        .isInstanceOf(ConfigurationException.class)
        .hasMessageContaining("token");
    assertThatThrownBy(() -> KimiClient.builder().header("authorization", "Bearer x"))
        .isInstanceOf(ConfigurationException.class)
        .hasMessageContaining("apiKey");
    assertThatThrownBy(() -> KimiClient.builder().header("Host", "x"))
        .isInstanceOf(ConfigurationException.class)
        .hasMessageContaining("managed");
  }

  @Test
  void userAgentDefaultsToTheSdkAndCanBeReplacedByHeader() {
    try (KimiClient c = KimiClient.builder().apiKey(KEY).build()) {
      assertThat(c.userAgent()).matches("kimi-sdk-java/\\d+\\.\\d+\\.\\d+.*");
    }
    try (KimiClient c =
        KimiClient.builder()
            .apiKey(KEY)
            .header("User-Agent", "KimiCLI/1.30.0")
            .header("X-Msh-Platform", "demo")
            .build()) {
      assertThat(c.userAgent()).isEqualTo("KimiCLI/1.30.0");
    }
  }

  @Test
  void toStringNeverShowsTheKey() {
    try (KimiClient c = KimiClient.builder().apiKey(KEY).endpoint(Endpoint.CHINA).build()) {
      assertThat(c.toString())
          .contains("https://api.moonshot.cn/v1")
          .contains("apiKey=***")
          .doesNotContain(KEY.substring(3));
    }
  }

  @Test
  void aKeyTheEndpointIsKnownToRejectIsRefusedAtBuild() {
    String codeKey = "sk-kimi-0123456789abcdefghijklmnop";
    // key, endpoint, what the message must say (null: it builds)
    Object[][] table = {
      {codeKey, Endpoint.GLOBAL, "it is a Kimi Code key, which the open platform"},
      {codeKey, Endpoint.CHINA, "(https://api.moonshot.cn/v1) rejects with 401"},
      {codeKey, Endpoint.GLOBAL_ANTHROPIC, "Use it with Endpoint.KIMI_CODE"},
      {codeKey, Endpoint.CHINA_ANTHROPIC, "platform.kimi.com for Endpoint.CHINA"},
      {KEY, Endpoint.KIMI_CODE, "is an open platform key (sk- without kimi-), which Kimi Code"},
      {KEY, Endpoint.KIMI_CODE_ANTHROPIC, "Use it with Endpoint.GLOBAL"},
      {codeKey, Endpoint.KIMI_CODE, null},
      {codeKey, Endpoint.KIMI_CODE_ANTHROPIC, null},
      {KEY, Endpoint.GLOBAL, null},
      {KEY, Endpoint.CHINA_ANTHROPIC, null},
      // not an sk- key (a proxy's key, an OAuth token): left to the server
      {"eyJhbGciOiJSUzI1NiJ9.payload.signature", Endpoint.KIMI_CODE, null},
      {codeKey, Endpoint.of("https://proxy.example/v1"), null},
      {KEY, Endpoint.of("https://proxy.example/v1"), null},
    };
    buildsOrRefuses(table, 0);
    // the same for a key from the environment, named by its variable
    assertThatThrownBy(
            () ->
                KimiClient.builder()
                    .fromEnv(
                        Map.of(
                            "KIMI_CODING_API_KEY",
                            codeKey,
                            "KIMI_BASE_URL",
                            "https://api.moonshot.ai/v1"))
                    .build())
        .isInstanceOf(ConfigurationException.class)
        .hasMessageStartingWith("The API key in KIMI_CODING_API_KEY starts with sk-kimi-");
    // the protocol setting moves the endpoint first: a Kimi Code key lands on Kimi Code's surface
    try (KimiClient c =
        KimiClient.builder()
            .apiKey(codeKey)
            .wireProtocol(WireProtocol.ANTHROPIC_MESSAGES)
            .build()) {
      assertThat(c.endpoint()).isEqualTo(Endpoint.KIMI_CODE_ANTHROPIC);
    }
  }

  /**
   * Each row (a key, an endpoint, what the refusal must say or null) builds a client, or is refused
   * at build saying so, without the key from its character {@code keptFrom} on.
   */
  private static void buildsOrRefuses(Object[][] table, int keptFrom) {
    for (Object[] row : table) {
      String key = (String) row[0];
      KimiClient.Builder b = KimiClient.builder().apiKey(key).endpoint((Endpoint) row[1]);
      if (row[2] == null) {
        b.build().close();
      } else {
        assertThatThrownBy(b::build)
            .as("%s with %s", key, row[1])
            .isInstanceOf(ConfigurationException.class)
            .hasMessageContaining((String) row[2])
            .hasMessageNotContaining(key.substring(keptFrom));
      }
    }
  }

  @Test
  void anotherVendorsKeyIsNamedAtBuild() {
    String openAi = "sk-proj-AbCdEfGhIjKlMnOpQrStUvWxYz0123456789";
    String service = "sk-svcacct-AbCdEfGhIjKlMnOpQrStUvWxYz0123456789";
    String anthropic = "sk-ant-api03-AbCdEfGhIjKlMnOpQrStUvWxYz0123456789";
    // key, endpoint, what the message must say (null: it builds)
    Object[][] table = {
      {
        openAi, Endpoint.GLOBAL, "The API key starts with sk-proj-: it is an OpenAI key, which Kimi"
      },
      {openAi, Endpoint.KIMI_CODE, "it is an OpenAI key, which Kimi (https://api.kimi.com/coding"},
      {service, Endpoint.CHINA, "starts with sk-svcacct-: it is an OpenAI key"},
      {anthropic, Endpoint.GLOBAL_ANTHROPIC, "starts with sk-ant-: it is an Anthropic key"},
      {anthropic, Endpoint.KIMI_CODE_ANTHROPIC, "rejects with 401. Use a Moonshot key"},
      // another host may take such keys (a gateway): left to the server
      {openAi, Endpoint.of("https://proxy.example/v1"), null},
      {anthropic, Endpoint.of("https://proxy.example/anthropic"), null},
    };
    buildsOrRefuses(table, 8);
    assertThatThrownBy(
            () -> KimiClient.builder().fromEnv(Map.of("MOONSHOT_API_KEY", openAi)).build())
        .isInstanceOf(ConfigurationException.class)
        .hasMessageStartingWith("The API key in MOONSHOT_API_KEY starts with sk-proj-")
        .hasMessageContaining("an OpenAI key");
  }

  @Test
  void fromEnvReportsAnEmptyKeyVariableAsEmpty() {
    // environment, what the message must say
    Object[][] table = {
      {Map.of("MOONSHOT_API_KEY", ""), "MOONSHOT_API_KEY is set but empty, and no other"},
      {Map.of("KIMI_API_KEY", "  "), "KIMI_API_KEY is set but empty (only whitespace)"},
      {
        Map.of("MOONSHOT_API_KEY", "", "KIMI_CODING_API_KEY", ""),
        "MOONSHOT_API_KEY and KIMI_CODING_API_KEY are set but empty"
      },
      {Map.of(), "No Kimi API key found: set MOONSHOT_API_KEY"},
    };
    for (Object[] row : table) {
      @SuppressWarnings("unchecked")
      Map<String, String> env = (Map<String, String>) row[0];
      assertThatThrownBy(() -> KimiClient.builder().fromEnv(env).build())
          .as("%s", env)
          .isInstanceOf(ConfigurationException.class)
          .hasMessageContaining((String) row[1]);
    }
    // an empty variable does not hide a later one that is set
    try (KimiClient c =
        KimiClient.builder().fromEnv(Map.of("MOONSHOT_API_KEY", "", "KIMI_API_KEY", KEY)).build()) {
      assertThat(c.endpoint()).isEqualTo(Endpoint.GLOBAL);
    }
  }

  @Test
  void skKimiKeysDefaultToKimiCode() {
    try (KimiClient c = KimiClient.builder().apiKey("sk-kimi-123").build()) {
      assertThat(c.endpoint()).isEqualTo(Endpoint.KIMI_CODE);
    }
  }

  @Test
  void timeoutsDefaultForThinkingModelsAndCanBeChanged() {
    assertThat(Timeouts.defaults().connect()).isEqualTo(Duration.ofSeconds(10));
    assertThat(Timeouts.defaults().responseHeaders()).isEqualTo(Duration.ofMinutes(10));
    try (KimiClient c =
        KimiClient.builder()
            .apiKey(KEY)
            .timeouts(Timeouts.defaults().withConnect(Duration.ofSeconds(3)))
            .build()) {
      assertThat(c.timeouts().connect()).isEqualTo(Duration.ofSeconds(3));
      assertThat(c.timeouts().responseHeaders()).isEqualTo(Duration.ofMinutes(10));
    }
    Timeouts t = Timeouts.defaults().withResponseHeaders(Duration.ofSeconds(30));
    assertThat(t).isEqualTo(Timeouts.defaults().withResponseHeaders(Duration.ofSeconds(30)));
    assertThat(t.hashCode())
        .isEqualTo(Timeouts.defaults().withResponseHeaders(Duration.ofSeconds(30)).hashCode());
    assertThat(t).isNotEqualTo(Timeouts.defaults());
    assertThat(t.toString()).contains("PT30S");
    assertThatThrownBy(() -> Timeouts.defaults().withConnect(Duration.ZERO))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("connect");
  }

  @Test
  void callerSuppliedHttpClientCannotBeCombinedWithExecutorOrConnectTimeout() {
    HttpClient http = HttpClient.newHttpClient();
    assertThatThrownBy(
            () ->
                KimiClient.builder()
                    .apiKey(KEY)
                    .httpClient(http)
                    .executor(Executors.newSingleThreadExecutor())
                    .build())
        .isInstanceOf(ConfigurationException.class)
        .hasMessageContaining("executor");
    assertThatThrownBy(
            () ->
                KimiClient.builder()
                    .apiKey(KEY)
                    .httpClient(http)
                    .timeouts(Timeouts.defaults().withConnect(Duration.ofSeconds(1)))
                    .build())
        .isInstanceOf(ConfigurationException.class)
        .hasMessageContaining("Timeouts.withConnect");
    try (KimiClient c = KimiClient.builder().apiKey(KEY).httpClient(http).build()) {
      assertThat(c.endpoint()).isEqualTo(Endpoint.GLOBAL);
    }
  }

  @Test
  void maxResponseBytesIsRangeChecked() {
    assertThatThrownBy(() -> KimiClient.builder().maxResponseBytes(10))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("maxResponseBytes");
  }

  @Test
  void closedClientRefusesCalls() {
    KimiClient c = KimiClient.builder().apiKey(KEY).build();
    c.close();
    c.close();
    assertThatThrownBy(() -> c.stream(io.github.kimisdk.chat.ChatRequest.of("kimi-k2.6", "hi")))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("closed");
  }
}
