package io.github.kimisdk.internal.wire.chat;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.kimisdk.chat.ChatCompletionChunk;
import io.github.kimisdk.json.JsonException;
import io.github.kimisdk.json.JsonReader;
import java.nio.charset.StandardCharsets;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * A streamed tool-call fragment's {@code index}, as both chunk decoders read it: an integer places
 * the fragment, {@code null} or no index leaves it to position, and anything else is a malformed
 * chunk (vercel/ai keeps Kimi fixtures with {@code "index":"zero"} and {@code
 * "index":"not-a-number"}), never a missing index.
 */
class ToolCallIndexTest {

  private static byte[] chunk(String index) {
    String call =
        index == null
            ? "{\"id\":\"weather_0\",\"type\":\"function\",\"function\":{\"name\":\"weather\","
                + "\"arguments\":\"{}\"}}"
            : "{\"index\":"
                + index
                + ",\"id\":\"weather_0\",\"type\":\"function\",\"function\":{\"name\":\"weather\","
                + "\"arguments\":\"{}\"}}";
    return ("{\"id\":\"chatcmpl-7\",\"object\":\"chat.completion.chunk\",\"created\":1787685025,"
            + "\"model\":\"kimi-k2.5\",\"choices\":[{\"index\":0,\"delta\":{\"tool_calls\":["
            + call
            + "]},\"finish_reason\":null}]}")
        .getBytes(StandardCharsets.UTF_8);
  }

  private static Integer decodedIndex(byte[] b) {
    ChatCompletionChunk c = ChatCodec.decodeChunk(b);
    return c.choices().get(0).delta().toolCalls().get(0).index();
  }

  static Stream<Arguments> malformed() {
    return Stream.of(
        Arguments.of("aWord", "\"zero\"", "the string \"zero\""),
        Arguments.of("notANumber", "\"not-a-number\"", "the string \"not-a-number\""),
        Arguments.of("emptyString", "\"\"", "the string \"\""),
        Arguments.of("aFraction", "1.5", "1.5"),
        Arguments.of("beyondAnInt", "2147483648", "2147483648"),
        Arguments.of("aBoolean", "true", "a boolean"),
        Arguments.of("anObject", "{\"i\":0}", "an object"),
        Arguments.of("anArray", "[0]", "an array"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("malformed")
  void anIndexThatIsNotAnIntegerIsAMalformedChunk(String name, String index, String said) {
    byte[] b = chunk(index);
    assertThat(ChunkFastPath.decode(b, 0, b.length))
        .as("the fast path leaves it to the general path")
        .isNull();
    assertThatThrownBy(() -> ChatCodec.decodeChunk(b))
        .isInstanceOf(JsonException.class)
        .hasMessageContaining(said)
        .hasMessageContaining("$.choices[0].delta.tool_calls[0].index");
    assertThatThrownBy(
            () -> ChatCodec.decodeChunkGeneral(b, 0, b.length, JsonReader.DEFAULT_MAX_DEPTH))
        .isInstanceOf(JsonException.class);
  }

  @Test
  void aLongStringIndexIsCutInTheMessage() {
    String word = "x".repeat(500);
    assertThatThrownBy(() -> ChatCodec.decodeChunk(chunk("\"" + word + "\"")))
        .isInstanceOf(JsonException.class)
        .hasMessageNotContaining(word)
        .hasMessageContaining("x".repeat(32) + "...");
  }

  @Test
  void aMissingOrNullIndexIsLeftToPosition() {
    assertThat(decodedIndex(chunk(null))).isNull();
    assertThat(decodedIndex(chunk("null"))).isNull();
  }

  @Test
  void anIntegerIndexPlacesTheFragmentOnBothPaths() {
    byte[] b = chunk("2");
    assertThat(ChunkFastPath.decode(b, 0, b.length)).isNotNull();
    assertThat(decodedIndex(b)).isEqualTo(2);
    assertThat(decodedIndex(chunk("0"))).isEqualTo(0);
    // a number in a string is read leniently, as the codec reads every integer the server sends
    assertThat(decodedIndex(chunk("\"1\""))).isEqualTo(1);
    assertThat(decodedIndex(chunk("1.0"))).as("integral, written with a fraction").isEqualTo(1);
  }
}
