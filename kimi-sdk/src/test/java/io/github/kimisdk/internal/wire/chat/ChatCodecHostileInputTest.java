package io.github.kimisdk.internal.wire.chat;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.kimisdk.chat.AssistantMessage;
import io.github.kimisdk.chat.ChatCompletion;
import io.github.kimisdk.json.JsonException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

/**
 * What the codec does with server input that is almost right: bytes after the document, a {@code
 * partial} flag that is false, integers sent as strings, and documents cut at every byte (which
 * must fail as JSON errors, never read past their slice).
 */
class ChatCodecHostileInputTest {

  static final String COMPLETION =
      "{\"id\":\"x\",\"object\":\"chat.completion\",\"created\":1,\"model\":\"kimi-k3\","
          + "\"choices\":[{\"index\":0,\"message\":{\"role\":\"assistant\",\"content\":\"Hi\"%s},"
          + "\"finish_reason\":\"stop\"}],\"usage\":{\"prompt_tokens\":3,\"completion_tokens\":1,"
          + "\"total_tokens\":4%s}}";

  static ChatCompletion completion(String messageExtra, String usageExtra) {
    byte[] b = String.format(COMPLETION, messageExtra, usageExtra).getBytes(StandardCharsets.UTF_8);
    return ChatCodec.decodeCompletion(b, 0, b.length);
  }

  static byte[] utf8(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  @Test
  void bytesAfterTheDocumentAreRefused() {
    byte[] ok = utf8(String.format(COMPLETION, "", ""));
    assertThat(ChatCodec.decodeCompletion(ok, 0, ok.length).text()).isEqualTo("Hi");
    for (String trailer : new String[] {" x", "{}", "]", " 1", "\"s\""}) {
      byte[] b = utf8(String.format(COMPLETION, "", "") + trailer);
      assertThatThrownBy(() -> ChatCodec.decodeCompletion(b, 0, b.length))
          .as(trailer)
          .isInstanceOf(JsonException.class);
    }
  }

  @Test
  void thePartialFlagIsDecodedBothWays() {
    AssistantMessage no = completion(",\"partial\":false", "").choices().get(0).message();
    AssistantMessage yes = completion(",\"partial\":true", "").choices().get(0).message();
    assertThat(no.partial()).isFalse();
    assertThat(yes.partial()).isTrue();
    assertThat(completion(",\"partial\":\"true\"", "").choices().get(0).message().partial())
        .isFalse();
  }

  @Test
  void anIntegerSentAsAStringIsReadOrIsAbsentButNeverZero() {
    String details = ",\"prompt_tokens_details\":{\"cached_tokens\":%s}";
    assertThat(completion("", String.format(details, "\"12\"")).usage().cachedTokens())
        .isEqualTo(12);
    assertThat(completion("", String.format(details, "\" 7 \"")).usage().cachedTokens())
        .isEqualTo(7);
    assertThat(completion("", String.format(details, "\"many\"")).usage().cachedTokens()).isNull();
    assertThat(completion("", String.format(details, "\"\"")).usage().cachedTokens()).isNull();
    assertThat(completion("", String.format(details, "null")).usage().cachedTokens()).isNull();
    assertThat(completion("", String.format(details, "5")).usage().cachedTokens()).isEqualTo(5);
  }

  static final String CHUNK =
      "{\"id\":\"c\",\"object\":\"chat.completion.chunk\",\"created\":-17,\"model\":\"kimi-k3\","
          + "\"x\":[1.5e+3,-0,2E-2,true,false,null],\"choices\":[{\"index\":0,\"delta\":"
          + "{\"content\":\"Hi\"},\"finish_reason\":null}],\"y\":-12.75e1}";

  @Test
  void aChunkCutAtAnyByteFailsAsJsonWithoutReadingPastItsSlice() {
    byte[] whole = utf8(CHUNK);
    assertThat(ChatCodec.decodeChunk(whole, 0, whole.length).choices().get(0).delta().content())
        .isEqualTo("Hi");
    for (int n = 0; n < whole.length; n++) {
      // the slice ends the array, so a read past it would be an ArrayIndexOutOfBoundsException
      byte[] cut = Arrays.copyOf(whole, n);
      int len = n;
      assertThatThrownBy(() -> ChatCodec.decodeChunk(cut, 0, len))
          .as("cut after %d bytes: %s", n, CHUNK.substring(0, n))
          .isInstanceOf(JsonException.class);
      // and inside a longer buffer whose next bytes would complete it
      assertThatThrownBy(() -> ChatCodec.decodeChunk(whole, 0, len))
          .as("slice of %d bytes", n)
          .isInstanceOf(JsonException.class);
    }
  }

  @Test
  void aCompletionCutAtAnyByteFailsAsJson() {
    byte[] whole = utf8(String.format(COMPLETION, ",\"partial\":false", ",\"cached_tokens\":-1"));
    for (int n = 0; n < whole.length; n++) {
      byte[] cut = Arrays.copyOf(whole, n);
      int len = n;
      assertThatThrownBy(() -> ChatCodec.decodeCompletion(cut, 0, len))
          .as("cut after %d bytes", n)
          .isInstanceOf(JsonException.class);
    }
  }
}
