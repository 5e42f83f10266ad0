package io.github.kimisdk.examples;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.junit.jupiter.api.Test;

class ResponsesApiTest {

  @Test
  void callsTheResponsesApiPlainAndStreamedOffline() {
    Captured c = new Captured();
    assertThat(ResponsesApi.run("Say hi", Map.of(), c.out)).isZero();
    assertThat(c.text())
        .contains("using FakeKimiServer at http://127.0.0.1:")
        .contains("> Say hi\n[response] You said: Say hi\n")
        .containsPattern(
            "\\[usage\\] \\{\"input_tokens\":\\d+,\"input_tokens_details\":\\{.*\\},"
                + "\"output_tokens\":\\d+")
        .containsPattern("\\[raw\\] \\d+ bytes")
        .contains("[streamed] You said: Say hi\n");
  }

  @Test
  void staysOnChatCompletionsWhenAnthropicIsAskedFor() {
    Captured c = new Captured();
    assertThat(ResponsesApi.run("Hi", Map.of("KIMI_PROTOCOL", "anthropic"), c.out)).isZero();
    assertThat(c.text())
        .contains(ExamplesOverBothProtocolsTest.STAYS)
        .contains("[streamed] You said: Hi\n");
  }
}
