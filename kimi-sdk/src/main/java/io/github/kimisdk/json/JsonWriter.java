package io.github.kimisdk.json;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * Writes one JSON document straight to UTF-8 bytes in a growable buffer, one token at a time.
 *
 * <pre>{@code
 * byte[] body = new JsonWriter()
 *     .beginObject()
 *     .name("model").value("kimi-k2.6")
 *     .name("stream").value(true)
 *     .endObject()
 *     .toByteArray();
 * }</pre>
 *
 * <p>Strings are escaped so the output is valid UTF-8 that any JSON parser reads back to the same
 * chars: {@code "} and {@code \} as {@code \"} and {@code \\}; control characters as {@code \n},
 * {@code \t}, {@code \r}, {@code \b}, {@code \f} or <code>&#92;u00XX</code>; U+2028 and U+2029
 * (which JavaScript once treated as line ends) as <code>&#92;u2028</code> and <code>&#92;u2029
 * </code>; and unpaired surrogates, which UTF-8 cannot encode, as <code>&#92;uXXXX</code>. Nothing
 * else is escaped.
 *
 * <p>Calls out of order (a value where a name is due, a second top-level value, closing what is not
 * open) throw {@link IllegalStateException}. A writer is not thread-safe.
 */
public final class JsonWriter {
  private static final int EMPTY_DOCUMENT = 0;
  private static final int NONEMPTY_DOCUMENT = 1;
  private static final int EMPTY_ARRAY = 2;
  private static final int NONEMPTY_ARRAY = 3;
  private static final int EMPTY_OBJECT = 4;
  private static final int DANGLING_NAME = 5;
  private static final int NONEMPTY_OBJECT = 6;

  /**
   * For each ASCII char, 0 when it is written as is, else the letter of its escape ({@code 'u'} for
   * the <code>&#92;u00XX</code> form).
   */
  private static final byte[] ESCAPE = new byte[128];

  private static final byte[] HEX = "0123456789abcdef".getBytes(StandardCharsets.ISO_8859_1);

  static {
    for (int c = 0; c < 0x20; c++) {
      ESCAPE[c] = 'u';
    }
    ESCAPE['"'] = '"';
    ESCAPE['\\'] = '\\';
    ESCAPE['\b'] = 'b';
    ESCAPE['\f'] = 'f';
    ESCAPE['\n'] = 'n';
    ESCAPE['\r'] = 'r';
    ESCAPE['\t'] = 't';
  }

  private final String indent;
  private byte[] buf;
  private int count;
  private int[] stack = new int[16];
  private int stackSize = 1;

  /** Creates a writer of compact JSON, with no whitespace between tokens. */
  public JsonWriter() {
    this(null);
  }

  private JsonWriter(String indent) {
    this(new byte[128], indent);
  }

  /** Creates a writer that starts with {@code buf} as its buffer, for {@link Json} to recycle. */
  JsonWriter(byte[] buf, String indent) {
    this.indent = indent;
    this.buf = buf;
    stack[0] = EMPTY_DOCUMENT;
  }

  /** The current buffer, which holds {@link #size()} bytes of output. */
  byte[] buffer() {
    return buf;
  }

  /**
   * Returns a writer of indented JSON: each element and member on its own line, indented by two
   * spaces per level, with {@code ": "} after names and empty arrays and objects as {@code []} and
   * {@code {}}.
   *
   * @return a new pretty-printing writer
   */
  public static JsonWriter pretty() {
    return new JsonWriter("  ");
  }

  /**
   * Writes the opening brace of an object.
   *
   * @return this writer
   * @throws IllegalStateException if a value is not allowed here
   */
  public JsonWriter beginObject() {
    beforeValue();
    push(EMPTY_OBJECT);
    writeByte('{');
    return this;
  }

  /**
   * Writes the closing brace of the current object.
   *
   * @return this writer
   * @throws IllegalStateException if no object is open, or a name awaits its value
   */
  public JsonWriter endObject() {
    return close(EMPTY_OBJECT, NONEMPTY_OBJECT, '}');
  }

  /**
   * Writes the opening bracket of an array.
   *
   * @return this writer
   * @throws IllegalStateException if a value is not allowed here
   */
  public JsonWriter beginArray() {
    beforeValue();
    push(EMPTY_ARRAY);
    writeByte('[');
    return this;
  }

  /**
   * Writes the closing bracket of the current array.
   *
   * @return this writer
   * @throws IllegalStateException if no array is open
   */
  public JsonWriter endArray() {
    return close(EMPTY_ARRAY, NONEMPTY_ARRAY, ']');
  }

  /**
   * Writes a member name; the next call writes its value.
   *
   * @param name the name
   * @return this writer
   * @throws IllegalStateException if no object is open, or a name awaits its value
   * @throws NullPointerException if {@code name} is null
   */
  public JsonWriter name(String name) {
    if (name == null) {
      throw new NullPointerException("name");
    }
    int top = stack[stackSize - 1];
    if (top == NONEMPTY_OBJECT) {
      writeByte(',');
    } else if (top != EMPTY_OBJECT) {
      throw new IllegalStateException(
          top == DANGLING_NAME
              ? "name(\"" + name + "\") follows a name; write the previous member's value first"
              : "name(\"" + name + "\") outside an object; call beginObject() first");
    }
    newline();
    stack[stackSize - 1] = DANGLING_NAME;
    writeString(name);
    writeByte(':');
    if (indent != null) {
      writeByte(' ');
    }
    return this;
  }

  /**
   * Writes a string value, or {@code null} when {@code value} is null.
   *
   * @param value the text, or null
   * @return this writer
   * @throws IllegalStateException if a value is not allowed here
   */
  public JsonWriter value(String value) {
    if (value == null) {
      return nullValue();
    }
    beforeValue();
    writeString(value);
    return this;
  }

  /**
   * Writes a number.
   *
   * @param value the number
   * @return this writer
   * @throws IllegalStateException if a value is not allowed here
   */
  public JsonWriter value(long value) {
    beforeValue();
    writeLong(value);
    return this;
  }

  /**
   * Writes a number, as {@link Double#toString(double)} formats it.
   *
   * @param value a finite number
   * @return this writer
   * @throws JsonException if {@code value} is NaN or infinite, which JSON cannot represent
   * @throws IllegalStateException if a value is not allowed here
   */
  public JsonWriter value(double value) {
    if (!Double.isFinite(value)) {
      throw new JsonException("JSON has no literal for " + value + "; use a finite number");
    }
    beforeValue();
    writeAscii(Double.toString(value));
    return this;
  }

  /**
   * Writes a boolean.
   *
   * @param value the boolean
   * @return this writer
   * @throws IllegalStateException if a value is not allowed here
   */
  public JsonWriter value(boolean value) {
    beforeValue();
    writeAscii(value ? "true" : "false");
    return this;
  }

  /**
   * Writes a number, or {@code null} when {@code value} is null. {@code Float} and {@code Double}
   * are written as their {@code toString} forms; integers, {@code BigInteger} and {@code
   * BigDecimal} exactly; any other {@code Number} by its {@code toString}, which must be a JSON
   * number.
   *
   * @param value the number, or null
   * @return this writer
   * @throws JsonException if the value is NaN or infinite, or its text is not a JSON number
   * @throws IllegalStateException if a value is not allowed here
   */
  public JsonWriter value(Number value) {
    if (value == null) {
      return nullValue();
    }
    if (value instanceof Long
        || value instanceof Integer
        || value instanceof Short
        || value instanceof Byte) {
      return value(value.longValue());
    }
    if (value instanceof Double) {
      return value(value.doubleValue());
    }
    String text;
    if (value instanceof Float) {
      float f = value.floatValue();
      if (!Float.isFinite(f)) {
        throw new JsonException("JSON has no literal for " + f + "; use a finite number");
      }
      text = Float.toString(f);
    } else if (value instanceof BigDecimal || value instanceof BigInteger) {
      text = value.toString();
    } else {
      text = value.toString();
      if (!JsonText.isNumberLiteral(text)) {
        throw new JsonException(
            value.getClass().getName() + " prints as \"" + text + "\", which is not a JSON number");
      }
    }
    beforeValue();
    writeAscii(text);
    return this;
  }

  /**
   * Writes {@code null}.
   *
   * @return this writer
   * @throws IllegalStateException if a value is not allowed here
   */
  public JsonWriter nullValue() {
    beforeValue();
    writeAscii("null");
    return this;
  }

  /**
   * Writes a whole tree, or {@code null} when {@code value} is null.
   *
   * @param value the tree, or null
   * @return this writer
   * @throws IllegalStateException if a value is not allowed here
   */
  public JsonWriter value(JsonValue value) {
    if (value == null) {
      return nullValue();
    }
    writeTree(value, 0);
    return this;
  }

  /** Recursion depth after which trees are written by the loop in {@link #writeDeep}. */
  private static final int MAX_RECURSION = 128;

  private void writeTree(JsonValue value, int depth) {
    if (value instanceof JsonObject) {
      if (depth >= MAX_RECURSION) {
        writeDeep(value);
        return;
      }
      JsonObject o = (JsonObject) value;
      beginObject();
      for (int i = 0, n = o.size(); i < n; i++) {
        name(o.nameAt(i));
        writeTree(o.valueAt(i), depth + 1);
      }
      endObject();
    } else if (value instanceof JsonArray) {
      if (depth >= MAX_RECURSION) {
        writeDeep(value);
        return;
      }
      JsonArray a = (JsonArray) value;
      beginArray();
      for (int i = 0, n = a.size(); i < n; i++) {
        writeTree(a.get(i), depth + 1);
      }
      endArray();
    } else {
      writeScalar(value);
    }
  }

  /** Writes a container without recursion, so that any tree the parser can build can be written. */
  private void writeDeep(JsonValue value) {
    JsonValue[] open = new JsonValue[8];
    int[] next = new int[8];
    int depth = 0;
    JsonValue child = value;
    while (true) {
      if (child instanceof JsonObject) {
        beginObject();
      } else if (child instanceof JsonArray) {
        beginArray();
      } else {
        writeScalar(child);
        child = null;
      }
      if (child != null) {
        if (depth == open.length) {
          open = Arrays.copyOf(open, depth * 2);
          next = Arrays.copyOf(next, depth * 2);
        }
        open[depth] = child;
        next[depth++] = 0;
      }
      child = null;
      while (child == null) {
        JsonValue container = open[depth - 1];
        int i = next[depth - 1]++;
        if (container instanceof JsonObject) {
          JsonObject o = (JsonObject) container;
          if (i < o.size()) {
            name(o.nameAt(i));
            child = o.valueAt(i);
          } else {
            endObject();
          }
        } else {
          JsonArray a = (JsonArray) container;
          if (i < a.size()) {
            child = a.get(i);
          } else {
            endArray();
          }
        }
        if (child == null) {
          open[--depth] = null;
          if (depth == 0) {
            return;
          }
        }
      }
    }
  }

  private void writeScalar(JsonValue value) {
    beforeValue();
    if (value instanceof JsonString) {
      writeString(((JsonString) value).value());
    } else if (value instanceof JsonNumber) {
      writeNumber((JsonNumber) value);
    } else if (value instanceof JsonBoolean) {
      writeAscii(((JsonBoolean) value).value() ? "true" : "false");
    } else if (value instanceof JsonNull) {
      writeAscii("null");
    } else {
      throw new AssertionError(value);
    }
  }

  /**
   * Returns a copy of the UTF-8 bytes written so far.
   *
   * @return the bytes
   */
  public byte[] toByteArray() {
    return Arrays.copyOf(buf, count);
  }

  /**
   * Returns the number of bytes written so far.
   *
   * @return the size in bytes
   */
  public int size() {
    return count;
  }

  /**
   * Returns the JSON written so far.
   *
   * @return the text
   */
  @Override
  public String toString() {
    return new String(buf, 0, count, StandardCharsets.UTF_8);
  }

  // ---------------------------------------------------------------------------------------------

  private void beforeValue() {
    int top = stackSize - 1;
    switch (stack[top]) {
      case EMPTY_DOCUMENT:
        stack[top] = NONEMPTY_DOCUMENT;
        break;
      case NONEMPTY_DOCUMENT:
        throw new IllegalStateException("A JSON document holds one top-level value");
      case EMPTY_ARRAY:
        stack[top] = NONEMPTY_ARRAY;
        newline();
        break;
      case NONEMPTY_ARRAY:
        writeByte(',');
        newline();
        break;
      case DANGLING_NAME:
        stack[top] = NONEMPTY_OBJECT;
        break;
      default:
        throw new IllegalStateException("Expected a name in an object; call name(...) first");
    }
  }

  private JsonWriter close(int empty, int nonempty, char bracket) {
    int top = stack[stackSize - 1];
    if (top != empty && top != nonempty) {
      throw new IllegalStateException(
          top == DANGLING_NAME
              ? "A name awaits its value; write it before closing the object"
              : "No " + (bracket == '}' ? "object" : "array") + " is open to close");
    }
    stackSize--;
    if (top == nonempty) {
      newline();
    }
    writeByte(bracket);
    return this;
  }

  private void push(int scope) {
    if (stackSize == stack.length) {
      stack = Arrays.copyOf(stack, stackSize * 2);
    }
    stack[stackSize++] = scope;
  }

  private void newline() {
    if (indent == null) {
      return;
    }
    int depth = stackSize - 1;
    ensure(1 + depth * indent.length());
    buf[count++] = '\n';
    for (int i = 0; i < depth; i++) {
      for (int j = 0; j < indent.length(); j++) {
        buf[count++] = (byte) indent.charAt(j);
      }
    }
  }

  private void ensure(int extra) {
    if (buf.length - count < extra) {
      int need = count + extra;
      if (need < 0) {
        throw new OutOfMemoryError("JSON output exceeds 2 GiB");
      }
      buf = Arrays.copyOf(buf, Math.max(need, Math.min(buf.length * 2, Integer.MAX_VALUE - 8)));
    }
  }

  private void writeByte(char c) {
    if (count == buf.length) {
      ensure(1);
    }
    buf[count++] = (byte) c;
  }

  private void writeAscii(String s) {
    int n = s.length();
    ensure(n);
    byte[] b = buf;
    int o = count;
    for (int i = 0; i < n; i++) {
      b[o++] = (byte) s.charAt(i);
    }
    count = o;
  }

  private void writeNumber(JsonNumber n) {
    String literal = n.rawLiteral();
    if (literal == null) {
      writeLong(n.longValue());
    } else {
      writeAscii(literal);
    }
  }

  private void writeLong(long v) {
    if (v == Long.MIN_VALUE) {
      writeAscii("-9223372036854775808");
      return;
    }
    ensure(20);
    byte[] b = buf;
    int o = count;
    if (v < 0) {
      b[o++] = '-';
      v = -v;
    }
    int digits = 1;
    for (long t = v; t >= 10; t /= 10) {
      digits++;
    }
    int i = o + digits;
    do {
      b[--i] = (byte) ('0' + (int) (v % 10));
      v /= 10;
    } while (v != 0);
    count = o + digits;
  }

  private void writeString(String s) {
    int n = s.length();
    ensure(n + 2);
    byte[] b = buf;
    int o = count;
    b[o++] = '"';
    int i = 0;
    for (; i < n; i++) {
      char c = s.charAt(i);
      if (c >= 0x80 || ESCAPE[c] != 0) {
        break;
      }
      b[o++] = (byte) c;
    }
    count = o;
    if (i < n) {
      writeStringSlow(s, i);
    }
    writeByte('"');
  }

  /** Writes s from i on, escaping and encoding; ASCII before i is already out. */
  private void writeStringSlow(String s, int i) {
    int n = s.length();
    // Worst case: six bytes (an escape) per char.
    ensure((n - i) * 6 + 1);
    byte[] b = buf;
    int o = count;
    for (; i < n; i++) {
      char c = s.charAt(i);
      if (c < 0x80) {
        byte e = ESCAPE[c];
        if (e == 0) {
          b[o++] = (byte) c;
        } else if (e != 'u') {
          b[o++] = '\\';
          b[o++] = e;
        } else {
          o = unicodeEscape(b, o, c);
        }
      } else if (c < 0x800) {
        b[o++] = (byte) (0xC0 | c >> 6);
        b[o++] = (byte) (0x80 | (c & 0x3F));
      } else if (c == 0x2028 || c == 0x2029) {
        o = unicodeEscape(b, o, c);
      } else if (!Character.isSurrogate(c)) {
        b[o++] = (byte) (0xE0 | c >> 12);
        b[o++] = (byte) (0x80 | (c >> 6 & 0x3F));
        b[o++] = (byte) (0x80 | (c & 0x3F));
      } else if (Character.isHighSurrogate(c)
          && i + 1 < n
          && Character.isLowSurrogate(s.charAt(i + 1))) {
        int cp = Character.toCodePoint(c, s.charAt(++i));
        b[o++] = (byte) (0xF0 | cp >> 18);
        b[o++] = (byte) (0x80 | (cp >> 12 & 0x3F));
        b[o++] = (byte) (0x80 | (cp >> 6 & 0x3F));
        b[o++] = (byte) (0x80 | (cp & 0x3F));
      } else {
        // An unpaired surrogate has no UTF-8 form; the escape keeps it losslessly.
        o = unicodeEscape(b, o, c);
      }
    }
    count = o;
  }

  private static int unicodeEscape(byte[] b, int o, char c) {
    b[o++] = '\\';
    b[o++] = 'u';
    b[o++] = HEX[c >> 12 & 0xF];
    b[o++] = HEX[c >> 8 & 0xF];
    b[o++] = HEX[c >> 4 & 0xF];
    b[o++] = HEX[c & 0xF];
    return o;
  }
}
