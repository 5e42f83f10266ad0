package io.github.kimisdk.examples;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.junit.jupiter.api.Test;

class ResponsesApiTest {

  @Test
  void chatsAndStreamsOverTheResponsesWireOffline() {
    Captured c = new Captured();
    assertThat(ResponsesApi.run("Say hi", Map.of(), c.out)).isZero();
    assertThat(c.text())
        .contains("using FakeKimiServer at http://127.0.0.1:")
        .contains("[wire] RESPONSES\n")
        .contains("> Say hi\n[response] You said: Say hi\n")
        .containsPattern("\\[usage\\] prompt \\d+, completion \\d+")
        .contains("[streamed] You said: Say hi\n")
        .contains("> And one more?\n[response] You said: And one more?\n")
        .contains("[history sent] 3 messages");
  }

  @Test
  void staysOnResponsesWhenAnthropicIsAskedFor() {
    Captured c = new Captured();
    assertThat(ResponsesApi.run("Hi", Map.of("KIMI_PROTOCOL", "anthropic"), c.out)).isZero();
    assertThat(c.text())
        .contains(
            "KIMI_PROTOCOL=anthropic is not used here: this example shows the Responses wire.")
        .contains("[wire] RESPONSES\n")
        .contains("[streamed] You said: Hi\n");
  }
}
