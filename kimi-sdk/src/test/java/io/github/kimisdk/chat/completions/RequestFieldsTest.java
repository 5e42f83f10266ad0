package io.github.kimisdk.chat.completions;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

/** A wire's components written as chat completions writes them, taken from its declaration. */
class RequestFieldsTest {

  @Test
  void writtenAlikeGivesChatCompletionsOwnFatesInTheOrderAsked() {
    assertThat(RequestFields.writtenAlike("topP", "model", "extraBody"))
        .containsExactly(
            Fate.written("topP", "top_p"),
            Fate.written("model", "model"),
            Fate.written("extraBody"));
  }

  @Test
  void writtenAlikeRefusesAComponentChatCompletionsWritesOnlySometimes() {
    // includeUsage is written for a stream and dropped for a whole reply
    assertThatThrownBy(() -> RequestFields.writtenAlike("model", "includeUsage"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("includeUsage: chat completions does not always write it");
  }

  @Test
  void writtenAlikeRefusesAComponentChatCompletionsDoesNotKnow() {
    assertThatThrownBy(() -> RequestFields.writtenAlike("seed"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("seed: chat completions does not always write it");
  }
}
