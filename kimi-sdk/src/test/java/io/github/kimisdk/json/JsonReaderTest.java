package io.github.kimisdk.json;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class JsonReaderTest {
  private static final JsonReader.Names FIELDS = JsonReader.Names.of("id", "created", "choices");

  private static JsonReader reader(String json) {
    return JsonReader.of(json.getBytes(UTF_8));
  }

  @Test
  void lastNameGivesTheMemberNameJustReadEscapedOrNot() {
    JsonReader r = JsonReader.of("{\"a\":1,\"b\\u0063\":{\"d\":2}}");
    JsonReader.Names none = JsonReader.Names.of("zz");
    r.beginObject();
    assertThat(r.selectName(none)).isEqualTo(-1);
    assertThat(r.lastName()).isEqualTo("a");
    r.skipValue();
    assertThat(r.selectName(none)).isEqualTo(-1);
    assertThat(r.lastName()).isEqualTo("bc");
    r.beginObject();
    assertThat(r.nextName()).isEqualTo("d");
    assertThat(r.lastName()).isEqualTo("d");
    r.skipValue();
    r.endObject();
    r.endObject();
    assertThatThrownBy(r::lastName).isInstanceOf(IllegalStateException.class);
  }

  @Test
  void readsAnObjectTokenByToken() {
    JsonReader r = reader("{\"a\": \"x\", \"b\": [1, -2.5, true, false, null], \"c\": {}}");
    assertThat(r.peek()).isEqualTo(JsonToken.BEGIN_OBJECT);
    r.beginObject();
    assertThat(r.hasNext()).isTrue();
    assertThat(r.peek()).isEqualTo(JsonToken.NAME);
    assertThat(r.nextName()).isEqualTo("a");
    assertThat(r.peek()).isEqualTo(JsonToken.STRING);
    assertThat(r.nextString()).isEqualTo("x");
    assertThat(r.nextName()).isEqualTo("b");
    r.beginArray();
    assertThat(r.peek()).isEqualTo(JsonToken.NUMBER);
    assertThat(r.nextInt()).isEqualTo(1);
    assertThat(r.nextDouble()).isEqualTo(-2.5);
    assertThat(r.peek()).isEqualTo(JsonToken.BOOLEAN);
    assertThat(r.nextBoolean()).isTrue();
    assertThat(r.nextBoolean()).isFalse();
    assertThat(r.peek()).isEqualTo(JsonToken.NULL);
    r.nextNull();
    assertThat(r.hasNext()).isFalse();
    assertThat(r.peek()).isEqualTo(JsonToken.END_ARRAY);
    r.endArray();
    assertThat(r.nextName()).isEqualTo("c");
    r.beginObject();
    assertThat(r.hasNext()).isFalse();
    r.endObject();
    assertThat(r.peek()).isEqualTo(JsonToken.END_OBJECT);
    r.endObject();
    assertThat(r.peek()).isEqualTo(JsonToken.END_DOCUMENT);
    assertThat(r.hasNext()).isFalse();
    r.endDocument();
  }

  @Test
  void selectNameReturnsIndexOrMinusOneAndSkipsUnknownValues() {
    JsonReader r =
        reader(
            "{\"id\":\"c1\",\"object\":{\"x\":[1,{\"y\":null}]},\"created\":17,"
                + "\"choices\":[],\"cre\\u0061ted\":18,\"zzzzzzzzzzzzzzzzz\":0}");
    List<String> seen = new ArrayList<>();
    r.beginObject();
    while (r.hasNext()) {
      int i = r.selectName(FIELDS);
      switch (i) {
        case 0:
          seen.add("id=" + r.nextString());
          break;
        case 1:
          seen.add("created=" + r.nextLong());
          break;
        case 2:
          r.beginArray();
          r.endArray();
          seen.add("choices");
          break;
        default:
          seen.add("skip " + r.path());
          r.skipValue();
      }
    }
    r.endObject();
    r.endDocument();
    assertThat(seen)
        .containsExactly(
            "id=c1",
            "skip $.object",
            "created=17",
            "choices",
            "created=18",
            "skip $.zzzzzzzzzzzzzzzzz");
  }

  @Test
  void selectNameMatchesNonAsciiNames() {
    JsonReader.Names names = JsonReader.Names.of("naïve", "日本");
    JsonReader r = reader("{\"日本\":1,\"na\\u00efve\":2,\"naïve\":3,\"nai\":4}");
    r.beginObject();
    assertThat(r.selectName(names)).isEqualTo(1);
    r.skipValue();
    assertThat(r.selectName(names)).isEqualTo(0);
    r.skipValue();
    assertThat(r.selectName(names)).isEqualTo(0);
    r.skipValue();
    assertThat(r.selectName(names)).isEqualTo(-1);
    r.skipValue();
    r.endObject();
  }

  @Test
  void namesRejectDuplicatesAndExposeTheirOrder() {
    assertThatThrownBy(() -> JsonReader.Names.of("a", "b", "a"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("\"a\"");
    JsonReader.Names names = JsonReader.Names.of("x", "y");
    assertThat(names.size()).isEqualTo(2);
    assertThat(names.get(1)).isEqualTo("y");
    assertThat(names).hasToString("Names[x, y]");
  }

  @Test
  void pathNamesArrayIndicesAndMembers() {
    JsonReader r = reader("{\"choices\":[{\"delta\":{\"content\":\"hi\"}}]}");
    assertThat(r.path()).isEqualTo("$");
    r.beginObject();
    r.nextName();
    assertThat(r.path()).isEqualTo("$.choices");
    r.beginArray();
    assertThat(r.path()).isEqualTo("$.choices[0]");
    r.beginObject();
    r.nextName();
    r.beginObject();
    r.nextName();
    assertThat(r.path()).isEqualTo("$.choices[0].delta.content");
    r.nextString();
    r.endObject();
    r.endObject();
    assertThat(r.path()).isEqualTo("$.choices[1]");
    assertThat(r).hasToString("JsonReader at $.choices[1]");
  }

  @Test
  void typeMismatchNamesExpectedAndActualTokenAndPath() {
    JsonReader r = reader("{\"n\": 5}");
    r.beginObject();
    r.nextName();
    assertThatThrownBy(r::nextString)
        .isInstanceOf(JsonException.class)
        .hasMessage("Expected STRING but was NUMBER at line 1 column 7 (offset 6) path $.n");
  }

  @Test
  void everyConsumerRejectsTheWrongToken() {
    assertThatThrownBy(() -> reader("1").beginObject())
        .hasMessageStartingWith("Expected BEGIN_OBJECT");
    assertThatThrownBy(() -> reader("1").beginArray())
        .hasMessageStartingWith("Expected BEGIN_ARRAY");
    assertThatThrownBy(() -> reader("[").endArray()).hasMessageStartingWith("Expected END_ARRAY");
    assertThatThrownBy(() -> reader("{").endObject()).hasMessageStartingWith("Expected END_OBJECT");
    assertThatThrownBy(() -> reader("1").nextName()).hasMessageStartingWith("Expected NAME");
    assertThatThrownBy(() -> reader("1").selectName(FIELDS))
        .hasMessageStartingWith("Expected NAME");
    assertThatThrownBy(() -> reader("\"1\"").nextLong()).hasMessageStartingWith("Expected NUMBER");
    assertThatThrownBy(() -> reader("\"1\"").nextInt()).hasMessageStartingWith("Expected NUMBER");
    assertThatThrownBy(() -> reader("\"1\"").nextDouble())
        .hasMessageStartingWith("Expected NUMBER");
    assertThatThrownBy(() -> reader("1").nextBoolean()).hasMessageStartingWith("Expected BOOLEAN");
    assertThatThrownBy(() -> reader("1").nextNull()).hasMessageStartingWith("Expected NULL");
    assertThatThrownBy(() -> reader("1").endDocument())
        .hasMessageStartingWith("Expected END_DOCUMENT");
    JsonReader r = reader("[]");
    r.beginArray();
    assertThatThrownBy(r::skipValue)
        .hasMessageStartingWith("Expected a value to skip but was END_ARRAY");
    assertThatThrownBy(r::nextValue).hasMessageStartingWith("Expected a value but was END_ARRAY");
    r.endArray();
    assertThatThrownBy(r::skipValue)
        .hasMessageStartingWith("Expected a value to skip but was END_DOCUMENT");
  }

  @Test
  void nextIfNullConsumesOnlyNull() {
    JsonReader r = reader("[null, 3]");
    r.beginArray();
    assertThat(r.nextIfNull()).isTrue();
    assertThat(r.nextIfNull()).isFalse();
    assertThat(r.nextInt()).isEqualTo(3);
    r.endArray();
    r.endDocument();
  }

  @Test
  void numbersConvertExactlyOrFailNamingTheProblem() {
    JsonReader r =
        reader(
            "[9223372036854775807,-9223372036854775808,1e2,1.0,2147483648,9223372036854775808,"
                + "1.5,1e400,-0,123456789012345678]");
    r.beginArray();
    assertThat(r.nextLong()).isEqualTo(Long.MAX_VALUE);
    assertThat(r.nextLong()).isEqualTo(Long.MIN_VALUE);
    assertThat(r.nextInt()).isEqualTo(100);
    assertThat(r.nextInt()).isEqualTo(1);
    assertThatThrownBy(r::nextInt)
        .hasMessageStartingWith("2147483648 does not fit in an int")
        .hasMessageContaining("path $[4]");
    assertThat(r.nextLong()).isEqualTo(2147483648L);
    assertThatThrownBy(r::nextLong)
        .hasMessageStartingWith("9223372036854775808 does not fit in a long");
    assertThatThrownBy(r::nextInt)
        .hasMessageStartingWith("9223372036854775808 does not fit in an int");
    assertThat(r.nextDouble()).isEqualTo(9.223372036854775808e18);
    assertThatThrownBy(r::nextLong).hasMessageStartingWith("1.5 is not an integer");
    assertThat(r.nextDouble()).isEqualTo(1.5);
    assertThatThrownBy(r::nextDouble).hasMessageStartingWith("1e400 is beyond the range of double");
    r.skipValue();
    assertThat(r.nextLong()).isZero();
    assertThat(r.nextLong()).isEqualTo(123456789012345678L);
    r.endArray();
  }

  @Test
  void skipValueSkipsANameWithItsValue() {
    JsonReader r = reader("{\"a\":[1,[2,{\"b\":\"c\"}]],\"d\":4}");
    r.beginObject();
    r.skipValue();
    assertThat(r.nextName()).isEqualTo("d");
    assertThat(r.nextInt()).isEqualTo(4);
    r.endObject();
    r.endDocument();
  }

  @Test
  void skipValueStillRejectsMalformedInput() {
    JsonReader r = reader("[{\"a\":\"\\x\"}]");
    r.beginArray();
    assertThatThrownBy(r::skipValue).hasMessageStartingWith("Invalid escape sequence '\\x'");
  }

  @Test
  void nextValueReadsASubtree() {
    JsonReader r = reader("{\"a\":{\"b\":[1,\"x\",null]},\"c\":true}");
    r.beginObject();
    assertThat(r.nextName()).isEqualTo("a");
    JsonValue a = r.nextValue();
    assertThat(a).hasToString("{\"b\":[1,\"x\",null]}");
    assertThat(r.nextName()).isEqualTo("c");
    assertThat(r.nextValue()).isEqualTo(JsonBoolean.TRUE);
    r.endObject();
    r.endDocument();
  }

  @Test
  void depthLimitIsSettable() {
    byte[] three = "[[[1]]]".getBytes(UTF_8);
    assertThat(JsonReader.of(three, 0, three.length, 3).nextValue()).hasToString("[[[1]]]");
    JsonReader r = JsonReader.of(three, 0, three.length, 2);
    r.beginArray();
    r.beginArray();
    assertThatThrownBy(r::beginArray)
        .isInstanceOf(JsonException.class)
        .hasMessageStartingWith("Nesting is deeper than the limit of 2 at line 1 column 3");
    assertThat(JsonReader.of("5", 0).nextInt()).isEqualTo(5);
    assertThatThrownBy(() -> JsonReader.of("[]", 0).beginArray())
        .hasMessageContaining("limit of 0");
    assertThatThrownBy(() -> JsonReader.of(three, 0, 3, -1))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void readsARangeOfAnArray() {
    byte[] b = "xx[1]yy".getBytes(UTF_8);
    JsonReader r = JsonReader.of(b, 2, 3);
    assertThat(r.nextValue()).hasToString("[1]");
    r.endDocument();
    assertThatThrownBy(() -> JsonReader.of(b, 5, 3)).isInstanceOf(IndexOutOfBoundsException.class);
  }

  @Test
  void stringInputReportsPositionsInChars() {
    JsonReader r = JsonReader.of("{\"é😀\":\n  x}");
    r.beginObject();
    r.nextName();
    assertThatThrownBy(r::nextValue)
        .isInstanceOfSatisfying(
            JsonException.class,
            e -> {
              assertThat(e.line()).isEqualTo(2);
              assertThat(e.column()).isEqualTo(3);
              assertThat(e.offset()).isEqualTo(10);
              assertThat(e.path()).isEqualTo("$.é😀");
            });
  }

  @Test
  void stringInputWithAnUnpairedSurrogateCharIsRejected() {
    assertThatThrownBy(() -> JsonReader.of("[1,\n\"a\uD800\"]"))
        .isInstanceOfSatisfying(
            JsonException.class,
            e -> {
              assertThat(e.line()).isEqualTo(2);
              assertThat(e.column()).isEqualTo(3);
              assertThat(e.offset()).isEqualTo(6);
              assertThat(e).hasMessageStartingWith("Unpaired surrogate U+D800");
            });
  }

  @Test
  void decodesEscapesAndMultiByteSequences() {
    JsonReader r =
        reader("[\"\\\"\\\\\\/\\b\\f\\n\\r\\t\\u0041\\u00e9\\uD83D\\uDE00\", \"é中😀\", \"é\\n中\"]");
    r.beginArray();
    assertThat(r.nextString()).isEqualTo("\"\\/\b\f\n\r\tAé😀");
    assertThat(r.nextString()).isEqualTo("é中😀");
    assertThat(r.nextString()).isEqualTo("é\n中");
    r.endArray();
  }

  @Test
  void ignoresOneLeadingByteOrderMark() {
    byte[] b = {(byte) 0xEF, (byte) 0xBB, (byte) 0xBF, '[', ']'};
    assertThat(JsonReader.of(b).nextValue()).isEqualTo(JsonArray.of());
    assertThat(JsonReader.of("\uFEFF[]").nextValue()).isEqualTo(JsonArray.of());
    assertThatThrownBy(() -> JsonReader.of("\uFEFF\uFEFF[]").nextValue())
        .isInstanceOf(JsonException.class);
  }
}
