package io.github.kimisdk.json;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/**
 * Edges the mutation run found unguarded: the path after each way of reading a value, the number
 * check on a custom {@link Number}, the UTF-8 boundaries U+0080 and U+0800, and {@code false}.
 */
class JsonEdgesTest {

  @Test
  void thePathCountsEveryWayOfReadingAnArrayElement() {
    JsonReader r = JsonReader.of("[\"s\", 1.5, true, null, [1], {\"k\": 2}, 7, 8]");
    r.beginArray();
    assertThat(r.path()).isEqualTo("$[0]");
    r.nextString();
    assertThat(r.path()).isEqualTo("$[1]");
    r.nextDouble();
    assertThat(r.path()).isEqualTo("$[2]");
    r.nextBoolean();
    assertThat(r.path()).isEqualTo("$[3]");
    r.nextNull();
    assertThat(r.path()).isEqualTo("$[4]");
    r.beginArray();
    assertThat(r.path()).isEqualTo("$[4][0]");
    r.nextInt();
    assertThat(r.path()).isEqualTo("$[4][1]");
    r.endArray();
    assertThat(r.path()).isEqualTo("$[5]");
    r.skipValue();
    assertThat(r.path()).isEqualTo("$[6]");
    r.nextLong();
    assertThat(r.path()).isEqualTo("$[7]");
    assertThatThrownBy(r::nextString)
        .isInstanceOf(JsonException.class)
        .hasMessageContaining("$[7]");
  }

  /** A number that prints as something JSON would read as two values. */
  static final class Injecting extends Number {
    private static final long serialVersionUID = 1L;
    private final String text;

    Injecting(String text) {
      this.text = text;
    }

    @Override
    public int intValue() {
      return 1;
    }

    @Override
    public long longValue() {
      return 1;
    }

    @Override
    public float floatValue() {
      return 1;
    }

    @Override
    public double doubleValue() {
      return 1;
    }

    @Override
    public String toString() {
      return text;
    }
  }

  @Test
  void aCustomNumberThatDoesNotPrintAsAJsonNumberIsRefused() {
    for (String bad : new String[] {"1,2", "1]", "NaN", "", "01", "1.", "+1", "1e", "0x1"}) {
      JsonWriter w = new JsonWriter().beginArray();
      assertThatThrownBy(() -> w.value(new Injecting(bad)))
          .as(bad)
          .isInstanceOf(JsonException.class)
          .hasMessageContaining("not a JSON number");
    }
    for (String good : new String[] {"1", "-0", "1.5", "2e10", "-3.25E-2"}) {
      assertThat(new JsonWriter().beginArray().value(new Injecting(good)).endArray().toString())
          .isEqualTo("[" + good + "]");
    }
  }

  @Test
  void theWriterEncodesEveryUtf8LengthBoundary() {
    String s = "\u007F\u0080\u07FF\u0800\uFFFF\uD800\uDC00\uDBFF\uDFFF";
    byte[] written = new JsonWriter().value(s).toByteArray();
    byte[] expected = ("\"" + s + "\"").getBytes(StandardCharsets.UTF_8);
    assertThat(written).isEqualTo(expected);
    for (char c : new char[] {'\u0080', '\u0800'}) {
      String one = String.valueOf(c);
      assertThat(new JsonWriter().value(one).toByteArray())
          .isEqualTo(("\"" + one + "\"").getBytes(StandardCharsets.UTF_8));
    }
  }

  @Test
  void falseIsFalse() {
    assertThat(JsonBoolean.FALSE.asBoolean()).isFalse();
    assertThat(JsonBoolean.TRUE.asBoolean()).isTrue();
    assertThat(JsonBoolean.of(false)).isSameAs(JsonBoolean.FALSE);
    assertThat(Json.parse("false").asBoolean()).isFalse();
  }
}
