package io.github.kimisdk.testing;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.kimisdk.WireProtocol;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.EnumSource;

/** The one place a request's surface is chosen: path to surface, and one surface per protocol. */
class FakeSurfaceTest {

  static RecordedRequest request(String method, String path) {
    return new RecordedRequest(method, path, Map.of(), new byte[0]);
  }

  @ParameterizedTest(name = "{0} {1} -> {2}")
  @CsvSource({
    "POST, /v1/chat/completions, CHAT_COMPLETIONS",
    "POST, /v1/chat/completions?x=1, CHAT_COMPLETIONS",
    "GET, /v1/models, CHAT_COMPLETIONS",
    "POST, /v1/files, CHAT_COMPLETIONS",
    "POST, /v1/batches, CHAT_COMPLETIONS",
    "GET, /v1/usages, CHAT_COMPLETIONS",
    "POST, /v1/tokenizers/estimate-token-count, CHAT_COMPLETIONS",
    "GET, /nowhere, CHAT_COMPLETIONS",
    "POST, /v1/messages, ANTHROPIC_MESSAGES",
    "POST, /v1/messages?beta=true, ANTHROPIC_MESSAGES",
    "POST, /anthropic/v1/messages, ANTHROPIC_MESSAGES",
    "GET, /anthropic/v1/messages, ANTHROPIC_MESSAGES",
    "GET, /anthropic/v1/models, ANTHROPIC_MESSAGES",
    "GET, /anthropic, ANTHROPIC_MESSAGES",
    "GET, /anthropic?x=1, ANTHROPIC_MESSAGES",
    "GET, /v1/messages, CHAT_COMPLETIONS",
    "GET, /anthropicx, CHAT_COMPLETIONS",
    "POST, /v1/responses, RESPONSES",
    "POST, /v1/responses?stream=true, RESPONSES",
    "GET, /v1/responses, CHAT_COMPLETIONS",
  })
  void choosesTheSurfaceByMethodAndPath(String method, String path, WireProtocol expected) {
    assertThat(FakeSurface.of(request(method, path)).protocol()).isEqualTo(expected);
  }

  @ParameterizedTest
  @EnumSource(WireProtocol.class)
  void everyProtocolHasASurfaceThatSpeaksIt(WireProtocol protocol) {
    assertThat(FakeSurface.get(protocol).protocol()).isEqualTo(protocol);
  }

  @Test
  void atMostOneSurfaceClaimsAPath() {
    for (String method : List.of("GET", "POST")) {
      for (String path :
          List.of(
              "/v1/chat/completions",
              "/v1/messages",
              "/anthropic/v1/messages",
              "/anthropic/v1/chat/completions",
              "/v1/responses",
              "/v1/models")) {
        List<WireProtocol> claiming = new ArrayList<>();
        for (WireProtocol p : WireProtocol.values()) {
          if (FakeSurface.get(p).claims(request(method, path))) {
            claiming.add(p);
          }
        }
        assertThat(claiming).as(method + " " + path).hasSizeLessThanOrEqualTo(1);
      }
    }
  }
}
