package io.github.kimisdk.springai.autoconfigure;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.kimisdk.KimiClient;
import io.github.kimisdk.testing.FakeKimiServer;
import io.github.kimisdk.testing.FakeResponse;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The start-up check of a base URL without /v1 on a host that is not Moonshot's. */
class BaseUrlCheckHttpTest {

  private final FakeKimiServer server = new FakeKimiServer().start();

  @AfterEach
  void close() {
    server.close();
  }

  private KimiClient client(String baseUrl) {
    return KimiClient.builder().apiKey("sk-boot").baseUrl(baseUrl).build();
  }

  private String origin() {
    return server.baseUrl().substring(0, server.baseUrl().length() - "/v1".length());
  }

  @Test
  void aPathWithoutV1TheServerAnswers404ForIsWarnedAboutNamingTheProperty() {
    try (KimiClient client = client(origin())) {
      assertThat(BaseUrlCheck.warning(client, "spring.ai.kimi.base-url"))
          .hasValueSatisfying(
              w ->
                  assertThat(w)
                      .startsWith("spring.ai.kimi.base-url " + origin() + " does not end in /v1")
                      .contains("GET " + origin() + "/models answered HTTP 404")
                      .contains("Not found the path /models")
                      .contains("https://api.moonshot.ai/v1"));
    }
    assertThat(server.requests())
        .singleElement()
        .satisfies(r -> assertThat(r.path()).isEqualTo("/models"));
  }

  @Test
  void aGatewayThatServesModelsAtItsOwnPathIsNotWarnedAbout() {
    server.enqueue(FakeResponse.json(200, "{\"object\":\"list\",\"data\":[]}"));

    try (KimiClient client = client(origin() + "/gateway/openai")) {
      assertThat(BaseUrlCheck.warning(client, "KIMI_BASE_URL")).isEmpty();
    }
    assertThat(server.requestCount()).isEqualTo(1);
  }

  @Test
  void aBaseUrlEndingInV1OrOfTheAnthropicSurfaceIsNotAskedAbout() {
    try (KimiClient v1 = client(server.baseUrl());
        KimiClient anthropic = client(server.anthropicBaseUrl())) {
      assertThat(BaseUrlCheck.warning(v1, "spring.ai.kimi.base-url")).isEmpty();
      assertThat(BaseUrlCheck.warning(anthropic, "spring.ai.kimi.base-url")).isEmpty();
    }
    assertThat(server.requestCount()).isZero();
  }

  @Test
  void anUnreachableServerIsNotWarnedAboutHere() {
    String gone = origin();
    server.close();

    try (KimiClient client = client(gone)) {
      assertThat(BaseUrlCheck.warning(client, "spring.ai.kimi.base-url")).isEmpty();
    }
  }
}
