package io.github.kimisdk;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.kimisdk.errors.ConfigurationException;
import org.junit.jupiter.api.Test;

class EndpointTest {

  @Test
  void presetsPointAtMoonshotHosts() {
    assertThat(Endpoint.GLOBAL.baseUrl()).isEqualTo("https://api.moonshot.ai/v1");
    assertThat(Endpoint.CHINA.baseUrl()).isEqualTo("https://api.moonshot.cn/v1");
    assertThat(Endpoint.KIMI_CODE.baseUrl()).isEqualTo("https://api.kimi.com/coding/v1");
    assertThat(Endpoint.GLOBAL.isGlobal()).isTrue();
    assertThat(Endpoint.CHINA.isChina()).isTrue();
    assertThat(Endpoint.KIMI_CODE.isKimiCode()).isTrue();
    assertThat(Endpoint.GLOBAL.isChina()).isFalse();
    assertThat(Endpoint.CHINA.isKimiCode()).isFalse();
  }

  @Test
  void ofDropsTrailingSlashesAndReturnsThePreset() {
    assertThat(Endpoint.of("https://api.moonshot.cn/v1/")).isSameAs(Endpoint.CHINA);
    assertThat(Endpoint.of(" https://api.moonshot.ai/v1 ")).isSameAs(Endpoint.GLOBAL);
    Endpoint local = Endpoint.of("http://127.0.0.1:8080/v1//");
    assertThat(local.baseUrl()).isEqualTo("http://127.0.0.1:8080/v1");
    assertThat(local.resolve("chat/completions").toString())
        .isEqualTo("http://127.0.0.1:8080/v1/chat/completions");
    assertThat(local).isEqualTo(Endpoint.of("http://127.0.0.1:8080/v1"));
    assertThat(local.hashCode()).isEqualTo(Endpoint.of("http://127.0.0.1:8080/v1").hashCode());
    assertThat(local.toString()).isEqualTo("http://127.0.0.1:8080/v1");
    assertThat(local.uri().getPort()).isEqualTo(8080);
  }

  @Test
  void ofRefusesOtherSchemesQueriesAndUserInfo() {
    assertThatThrownBy(() -> Endpoint.of("ftp://example.com/v1"))
        .isInstanceOf(ConfigurationException.class)
        .hasMessageContaining("https://");
    assertThatThrownBy(() -> Endpoint.of("api.moonshot.ai/v1"))
        .isInstanceOf(ConfigurationException.class);
    assertThatThrownBy(() -> Endpoint.of("https://api.moonshot.ai/v1?x=1"))
        .isInstanceOf(ConfigurationException.class)
        .hasMessageContaining("query");
    assertThatThrownBy(() -> Endpoint.of("https://user:secret@api.moonshot.ai/v1"))
        .isInstanceOf(ConfigurationException.class)
        .hasMessageContaining("user info")
        .hasMessageNotContaining("secret");
    assertThatThrownBy(() -> Endpoint.of("https://exa mple.com"))
        .isInstanceOf(ConfigurationException.class)
        .hasMessageContaining("not a valid URL");
    assertThatThrownBy(() -> Endpoint.of("https:///v1"))
        .isInstanceOf(ConfigurationException.class)
        .hasMessageContaining("no host");
  }

  @Test
  void loopbackIsRecognisedWithoutDnsByTheOneRule() {
    assertThat(Endpoint.of("http://localhost:1/v1").isLoopback()).isTrue();
    assertThat(Endpoint.of("http://127.0.0.1/v1").isLoopback()).isTrue();
    assertThat(Endpoint.of("http://127.1.2.3/v1").isLoopback()).isTrue();
    assertThat(Endpoint.of("http://[::1]:9/v1").isLoopback()).isTrue();
    assertThat(Endpoint.of("http://127.255.255.255/v1").isLoopback()).isTrue();
    assertThat(Endpoint.of("http://api.localhost/v1").isLoopback())
        .as("a subdomain of localhost is a name, which this rule does not resolve")
        .isFalse();
    assertThat(Endpoint.of("http://10.0.0.1/v1").isLoopback()).isFalse();
    assertThat(Endpoint.of("http://127.example.com/v1").isLoopback()).isFalse();
    assertThat(Endpoint.of("http://127.0.0.x/v1").isLoopback()).isFalse();
    assertThat(Endpoint.of("http://128.0.0.1/v1").isLoopback()).isFalse();
    assertThat(Endpoint.of("http://localhost/v1").isCleartext()).isTrue();
    assertThat(Endpoint.GLOBAL.isCleartext()).isFalse();
  }

  @Test
  void plainHttpNeedsAllowingExactlyWhereTheBuilderRefusesIt() {
    String[] urls = {
      "https://api.moonshot.ai/v1",
      "https://example.com/v1",
      "http://127.0.0.1:8089/v1",
      "http://localhost/v1",
      "http://[::1]:9/v1",
      "http://example.com/v1",
      "http://10.0.0.1/v1",
      "http://127.example.com/v1"
    };
    for (String url : urls) {
      Endpoint endpoint = Endpoint.of(url);
      boolean built;
      try (KimiClient kimi = KimiClient.builder().apiKey("sk-test").endpoint(endpoint).build()) {
        built = kimi.endpoint().equals(endpoint);
      } catch (ConfigurationException e) {
        assertThat(e).hasMessageContaining("Plain http:// is allowed only to loopback hosts");
        built = false;
      }
      assertThat(endpoint.needsPlainHttpAllowed()).as(url).isEqualTo(!built);
      try (KimiClient allowed =
          KimiClient.builder().apiKey("sk-test").endpoint(endpoint).allowPlainHttp(true).build()) {
        assertThat(allowed.endpoint()).as(url).isEqualTo(endpoint);
      }
    }
    assertThat(Endpoint.of("http://example.com/v1").needsPlainHttpAllowed()).isTrue();
    assertThat(Endpoint.of("http://127.0.0.1/v1").needsPlainHttpAllowed()).isFalse();
    assertThat(Endpoint.GLOBAL.needsPlainHttpAllowed()).isFalse();
  }

  @Test
  void aBaseUrlWithAPathTheClientAppendsOrNotOneOfMoonshotsSurfacesIsRefused() {
    // base URL, what the message must say
    String[][] refused = {
      {
        "https://api.moonshot.ai", "has no path", "use https://api.moonshot.ai/v1 (Endpoint.GLOBAL)"
      },
      {"https://api.moonshot.ai/", "has no path", "Endpoint.GLOBAL_ANTHROPIC"},
      {"https://api.moonshot.cn", "has no path", "use https://api.moonshot.cn/v1 (Endpoint.CHINA)"},
      {
        "https://api.moonshot.ai/v1/chat/completions",
        "ends in /chat/completions",
        "use https://api.moonshot.ai/v1 (Endpoint.GLOBAL), to which the client appends"
            + " /chat/completions itself"
      },
      {"https://api.moonshot.cn/v1/chat/completions/", "ends in /chat/completions", "CHINA)"},
      {"https://api.moonshot.ai/api/v1", "has the path /api/v1", "Endpoint.GLOBAL"},
      {
        "https://api.moonshot.ai/anthropic/v1/messages",
        "ends in /v1/messages",
        "use https://api.moonshot.ai/anthropic (Endpoint.GLOBAL_ANTHROPIC), to which the client"
            + " appends /v1/messages itself"
      },
      {"https://api.moonshot.cn/anthropic/v1", "ends in /anthropic/v1", "CHINA_ANTHROPIC"},
      {
        "https://api.kimi.com",
        "has no path",
        "use https://api.kimi.com/coding/v1 (Endpoint.KIMI_CODE)"
      },
      {"https://api.kimi.com/v1", "has the path /v1", "Endpoint.KIMI_CODE"},
      {
        "https://api.kimi.com/coding/v1/chat/completions", "ends in /chat/completions", "KIMI_CODE)"
      },
      {"https://api.kimi.com/coding/v1/messages", "ends in /v1/messages", "KIMI_CODE_ANTHROPIC"},
      {"https://proxy.example/kimi/v1/chat/completions", "ends in /chat/completions", "drop it"},
      {"http://127.0.0.1:8080/v1/chat/completions", "ends in /chat/completions", "drop it"},
      {"https://gateway.example/v1/messages", "ends in /v1/messages", "drop it"},
    };
    for (String[] row : refused) {
      assertThatThrownBy(() -> Endpoint.of(row[0]))
          .as(row[0])
          .isInstanceOf(ConfigurationException.class)
          .hasMessageStartingWith("baseUrl '" + row[0] + "' " + row[1])
          .hasMessageContaining(row[2]);
    }
    String[] accepted = {
      "https://api.moonshot.ai/v1",
      "https://api.moonshot.ai/anthropic/",
      "https://api.moonshot.cn/v1",
      "https://api.moonshot.cn/anthropic",
      "https://api.kimi.com/coding/v1",
      "https://api.kimi.com/coding",
      "https://proxy.example/kimi/v1",
      "https://gateway.example/anthropic",
      "http://127.0.0.1:8080",
    };
    for (String url : accepted) {
      assertThat(Endpoint.of(url).baseUrl()).as(url).isEqualTo(url.replaceAll("/$", ""));
    }
  }
}
