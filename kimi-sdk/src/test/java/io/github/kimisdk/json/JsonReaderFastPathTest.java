package io.github.kimisdk.json;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;

import java.io.ByteArrayOutputStream;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The reader's fast paths against their slow equivalents: the eight-bytes-at-a-time string scan
 * ({@code plainEnd}), name matching by whole words ({@code Names.match}) and the value that {@code
 * selectName} peeks after a compact colon. Every switch point between fast and slow code is
 * crossed: each position inside and around an 8-byte word, the end of the input range and the end
 * of the array.
 */
class JsonReaderFastPathTest {

  /** Bytes that end the fast scan, and plain ones just beside them. */
  private static final int[] INTERESTING = {
    '"', '\\', 0x00, 0x1F, 0x80, 0xBF, 0xC3, 0xE4, 0xFF, 0x20, 0x21, 0x23, 0x5B, 0x5D, 0x7E, 0x7F
  };

  private static int plainEndByteByByte(byte[] b, int p, int lim) {
    while (p < lim) {
      int c = b[p] & 0xFF;
      if (c < 0x20 || c >= 0x80 || c == '"' || c == '\\') {
        break;
      }
      p++;
    }
    return p;
  }

  @Test
  void plainEndFindsTheFirstSpecialByteAtEveryPositionAndOffset() {
    for (int off = 0; off < 9; off++) {
      for (int len = 0; len <= 40; len++) {
        for (int at = 0; at <= len; at++) {
          for (int special : INTERESTING) {
            byte[] b = new byte[off + len + 9];
            Arrays.fill(b, (byte) 'a');
            if (at < len) {
              b[off + at] = (byte) special;
            }
            // A quote just past the range: the scan must not see it.
            b[off + len] = '"';
            int lim = off + len;
            assertThat(JsonReader.plainEnd(b, off, lim))
                .as("off %d len %d byte 0x%02X at %d", off, len, special, at)
                .isEqualTo(plainEndByteByByte(b, off, lim));
          }
        }
      }
    }
  }

  @Test
  void plainEndAgreesWithAByteLoopOnRandomBytes() {
    Random random = new Random(20261123L);
    for (int i = 0; i < 20_000; i++) {
      byte[] b = new byte[random.nextInt(48)];
      for (int k = 0; k < b.length; k++) {
        // Mostly plain ASCII, sometimes anything.
        b[k] = (byte) (random.nextInt(8) == 0 ? random.nextInt(256) : 0x20 + random.nextInt(0x60));
      }
      int from = b.length == 0 ? 0 : random.nextInt(b.length + 1);
      int lim = from + random.nextInt(b.length - from + 1);
      assertThat(JsonReader.plainEnd(b, from, lim)).isEqualTo(plainEndByteByByte(b, from, lim));
    }
  }

  /** {@code ["<prefix><middle><suffix>"]} with the prefix and suffix made of plain letters. */
  private static byte[] arrayOfOneString(int before, byte[] middle, int after) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.writeBytes("[\"".getBytes(UTF_8));
    for (int i = 0; i < before; i++) {
      out.write('a' + i % 26);
    }
    out.writeBytes(middle);
    for (int i = 0; i < after; i++) {
      out.write('A' + i % 26);
    }
    out.writeBytes("\"]".getBytes(UTF_8));
    return out.toByteArray();
  }

  private static String letters(int n, char first) {
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < n; i++) {
      sb.append((char) (first + i % 26));
    }
    return sb.toString();
  }

  /** Reads the one string of {@code doc} placed inside a larger array with a quote after it. */
  private static String readOnlyString(byte[] doc) {
    byte[] padded = new byte[3 + doc.length + 11];
    Arrays.fill(padded, (byte) '"');
    System.arraycopy(doc, 0, padded, 3, doc.length);
    JsonReader r = JsonReader.of(padded, 3, doc.length);
    r.beginArray();
    String s = r.nextString();
    r.endArray();
    r.endDocument();
    return s;
  }

  @Test
  void stringsDecodeTheSameWhereverAnEscapeOrNonAsciiCharFalls() {
    String[][] middles = {
      {"", ""},
      {"\\n", "\n"},
      {"\\\"", "\""},
      {"\\\\", "\\"},
      {"\\u00e9", "é"},
      {"\\ud83d\\ude00", "😀"},
      {"é", "é"},
      {"中", "中"},
      {"😀", "😀"},
      {"\u007f", "\u007f"},
    };
    for (String[] m : middles) {
      byte[] raw = m[0].getBytes(UTF_8);
      for (int before = 0; before <= 18; before++) {
        for (int after = 0; after <= 18; after++) {
          byte[] doc = arrayOfOneString(before, raw, after);
          String expected = letters(before, 'a') + m[1] + letters(after, 'A');
          assertThat(readOnlyString(doc))
              .as("%s after %d before %d", m[0], before, after)
              .isEqualTo(expected);
          assertThat(Json.parse(doc).get(0).asString()).isEqualTo(expected);
          JsonReader skip = JsonReader.of(doc);
          skip.skipValue();
          skip.endDocument();
        }
      }
    }
  }

  @Test
  void invalidUtf8InsideAnOtherwiseAsciiStringIsRejectedAtItsOffset() {
    byte[][] bad = {
      {(byte) 0x80},
      {(byte) 0xC3},
      {(byte) 0xC3, 'a'},
      {(byte) 0xC0, (byte) 0xAF},
      {(byte) 0xED, (byte) 0xA0, (byte) 0x80},
      {(byte) 0xF4, (byte) 0x90, (byte) 0x80, (byte) 0x80},
      {(byte) 0xFF},
      {(byte) 0xE4, (byte) 0xB8},
    };
    for (byte[] m : bad) {
      for (int before = 0; before <= 18; before++) {
        for (int after = 0; after <= 10; after++) {
          byte[] doc = arrayOfOneString(before, m, after);
          int offset = 2 + before;
          String what = Arrays.toString(m) + " after " + before + " before " + after;
          for (Runnable read :
              new Runnable[] {
                () -> readOnlyString(doc),
                () -> Json.parse(doc),
                () -> {
                  JsonReader r = JsonReader.of(doc);
                  r.beginArray();
                  r.skipValue();
                }
              }) {
            Throwable t = catchThrowable(read::run);
            assertThat(t).as(what).isInstanceOf(JsonException.class);
            assertThat(t).hasMessageStartingWith("Invalid UTF-8 byte sequence");
            assertThat(((JsonException) t).offset()).as(what).isEqualTo(offset);
          }
        }
      }
    }
  }

  @Test
  void controlCharsAndUnterminatedStringsAreRejectedAtEveryPosition() {
    for (int before = 0; before <= 18; before++) {
      byte[] doc = arrayOfOneString(before, new byte[] {0x01}, 3);
      long offset = 2 + before;
      assertThatThrownBy(() -> readOnlyString(doc))
          .isInstanceOfSatisfying(
              JsonException.class, e -> assertThat(e.offset()).isEqualTo(offset))
          .hasMessageStartingWith("Unescaped control character");
      // The input range ends inside the string; the array goes on with a closing quote.
      byte[] cut = ("[\"" + letters(before, 'a') + "\"]").getBytes(UTF_8);
      JsonReader r = JsonReader.of(cut, 0, 2 + before);
      r.beginArray();
      assertThatThrownBy(r::nextString)
          .isInstanceOf(JsonException.class)
          .hasMessageStartingWith("Unterminated string");
    }
  }

  private static final String[] NAMES = {
    "",
    "a",
    "id",
    "usage",
    "created",
    "choices",
    "abcdefg",
    "abcdefgh",
    "abcdefghi",
    "prompt_tokens",
    "prompt_tokens_details",
    "abcdefghijklmnop",
    "abcdefghijklmnopq",
    "reasoning_content",
    "completion_tokens_details",
    "é",
    "中文名",
  };

  /** Reads the first member name of {@code doc} with selectName. */
  private static int select(JsonReader.Names names, byte[] doc, int off, int len) {
    JsonReader r = JsonReader.of(doc, off, len);
    r.beginObject();
    return r.selectName(names);
  }

  @Test
  void namesMatchExactlyAndOnlyExactly() {
    JsonReader.Names names = JsonReader.Names.of(NAMES);
    for (int i = 0; i < NAMES.length; i++) {
      String name = NAMES[i];
      byte[] doc = ("{\"" + name + "\":1}").getBytes(UTF_8);
      assertThat(select(names, doc, 0, doc.length)).as(name).isEqualTo(i);
      // At the very end of the array, where whole words cannot be read.
      byte[] tight = ("{\"" + name + "\"").getBytes(UTF_8);
      JsonReader r = JsonReader.of(tight);
      r.beginObject();
      assertThat(r.selectName(names)).as("tight " + name).isEqualTo(i);
      // Every byte changed in turn, the closing quote included: no longer this name.
      byte[] raw = (name + "\"").getBytes(UTF_8);
      for (int k = 0; k < raw.length; k++) {
        byte[] changed = raw.clone();
        changed[k] = (byte) (changed[k] == 'x' ? 'y' : 'x');
        String text = new String(changed, UTF_8);
        String json = "{\"" + text + (k == raw.length - 1 ? "\"" : "") + ":1}";
        byte[] d = json.getBytes(UTF_8);
        int expected =
            Arrays.asList(NAMES).indexOf(Json.parse(d).asObject().names().iterator().next());
        assertThat(select(names, d, 0, d.length)).as(json).isEqualTo(expected);
      }
      // One byte longer or shorter.
      for (String other : new String[] {name + "x", name.isEmpty() ? "x" : name.substring(1)}) {
        byte[] d = ("{\"" + other + "\":1}").getBytes(UTF_8);
        assertThat(select(names, d, 0, d.length))
            .as(other)
            .isEqualTo(Arrays.asList(NAMES).indexOf(other));
      }
    }
  }

  @Test
  void aNameCutByTheEndOfTheRangeIsNotMatched() {
    JsonReader.Names names = JsonReader.Names.of(NAMES);
    for (String name : NAMES) {
      byte[] doc = ("{\"" + name + "\":1}").getBytes(UTF_8);
      int closingQuote = 2 + name.getBytes(UTF_8).length;
      // The range ends just before the closing quote, which is still in the array.
      assertThatThrownBy(() -> select(names, doc, 0, closingQuote))
          .as(name)
          .isInstanceOf(JsonException.class)
          .hasMessageStartingWith("Unterminated string");
    }
  }

  @Test
  void namesThatNeedEscapesMatchOnlyThroughEscapes() {
    JsonReader.Names names = JsonReader.Names.of("a\"b", "tab\there", "x\\y", "\ud800", "plain");
    assertThat(select(names, "{\"a\\\"b\":1}")).isEqualTo(0);
    assertThat(select(names, "{\"tab\\there\":1}")).isEqualTo(1);
    assertThat(select(names, "{\"x\\\\y\":1}")).isEqualTo(2);
    assertThat(select(names, "{\"\\ud800\":1}")).isEqualTo(3);
    // An unpaired surrogate has no UTF-8 form; its lossy encoding "?" is not it.
    assertThat(select(names, "{\"?\":1}")).isEqualTo(-1);
    assertThat(select(names, "{\"pl\\u0061in\":1}")).isEqualTo(4);
    assertThat(select(names, "{\"plain\":1}")).isEqualTo(4);
  }

  private static int select(JsonReader.Names names, String json) {
    byte[] d = json.getBytes(UTF_8);
    return select(names, d, 0, d.length);
  }

  /** What reading a member's value gives: its value as text, or the error's message. */
  private static String readMember(String json, boolean select) {
    JsonReader r = JsonReader.of(json.getBytes(UTF_8));
    try {
      r.beginObject();
      if (select) {
        assertThat(r.selectName(JsonReader.Names.of("v"))).isEqualTo(0);
      } else {
        assertThat(r.nextName()).isEqualTo("v");
      }
      String path = r.path();
      String value;
      switch (r.peek()) {
        case NUMBER:
          value = "number " + r.nextLong();
          break;
        case STRING:
          value = "string " + r.nextString();
          break;
        case NULL:
          r.nextNull();
          value = "null";
          break;
        default:
          value = r.peek() + " " + r.nextValue();
      }
      value += " at " + path;
      r.endObject();
      r.endDocument();
      return value;
    } catch (JsonException e) {
      return "error " + e.getMessage() + " path " + e.path() + " offset " + e.offset();
    }
  }

  @Test
  void theValuePeekedAfterACompactNameReadsLikeAnyOther() {
    String[] values = {
      "\"s\"",
      "\"\"",
      "\"\\u00e9\"",
      "0",
      "7",
      "01",
      "-1",
      "-0",
      "1.5",
      "1e3",
      "12.",
      "123456789012345678",
      "1234567890123456789",
      "9223372036854775807",
      "9223372036854775808",
      "null",
      "nul",
      "nulL",
      "true",
      "tru",
      "false",
      "{}",
      "{\"a\":[1,2]}",
      "[]",
      "[1,{\"b\":null}]",
      "\"unterminated",
      "x",
      "",
    };
    for (String v : values) {
      for (String after : new String[] {"}", ",\"w\":0}", " }", "]", ""}) {
        for (String colon : new String[] {":", ": ", " :"}) {
          String json = "{\"v\"" + colon + v + after;
          // nextName never peeks ahead: its result is the reference.
          assertThat(readMember(json, true)).as(json).isEqualTo(readMember(json, false));
        }
      }
    }
  }
}
