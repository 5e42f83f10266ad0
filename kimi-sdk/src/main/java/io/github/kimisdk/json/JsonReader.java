package io.github.kimisdk.json;

import io.github.kimisdk.base.scan.ByteScan;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Objects;

/**
 * Reads JSON (RFC 8259) from UTF-8 bytes, one token at a time, so that codecs can decode straight
 * into Java objects without building a tree.
 *
 * <p>The reader is strict: it accepts exactly what {@link Json} accepts (see there), and reports
 * every problem as a {@link JsonException} that carries the line, column, offset and {@link
 * #path()}. A typical record decoder:
 *
 * <pre>{@code
 * static final JsonReader.Names FIELDS = JsonReader.Names.of("id", "created");
 *
 * JsonReader r = JsonReader.of(bytes);
 * r.beginObject();
 * while (r.hasNext()) {
 *   switch (r.selectName(FIELDS)) {
 *     case 0 -> id = r.nextString();
 *     case 1 -> created = r.nextLong();
 *     default -> r.skipValue();
 *   }
 * }
 * r.endObject();
 * r.endDocument();
 * }</pre>
 *
 * <p>Nesting deeper than {@link #DEFAULT_MAX_DEPTH} arrays and objects is a {@link JsonException};
 * {@link #of(byte[], int, int, int)} sets another limit. The reader reads the array it was given in
 * place: do not change it while reading. A reader is not thread-safe.
 */
public final class JsonReader {
  /** The nesting depth limit that {@link #of(byte[])} and its siblings use. */
  public static final int DEFAULT_MAX_DEPTH = 512;

  // Scopes on the stack.
  private static final int EMPTY_ARRAY = 1;
  private static final int NONEMPTY_ARRAY = 2;
  private static final int EMPTY_OBJECT = 3;
  private static final int DANGLING_NAME = 4;
  private static final int NONEMPTY_OBJECT = 5;
  private static final int EMPTY_DOCUMENT = 6;
  private static final int NONEMPTY_DOCUMENT = 7;

  // What peek found; the token is not consumed yet.
  private static final int P_NONE = 0;
  private static final int P_BEGIN_OBJECT = 1;
  private static final int P_END_OBJECT = 2;
  private static final int P_BEGIN_ARRAY = 3;
  private static final int P_END_ARRAY = 4;
  private static final int P_TRUE = 5;
  private static final int P_FALSE = 6;
  private static final int P_NULL = 7;
  private static final int P_STRING = 8; // pos is just after the opening quote
  private static final int P_NAME = 9; // pos is just after the opening quote
  private static final int P_LONG = 10; // value in peekedLong, literal in [numStart, pos)
  private static final int P_NUMBER = 11; // literal in [numStart, pos)
  private static final int P_EOF = 12;

  /**
   * Marks the bytes a string can hold without a closer look: printable ASCII other than {@code "}
   * and {@code \}. Everything else (quote, backslash, control characters, and the lead and
   * continuation bytes of multi-byte UTF-8 sequences) leaves the fast loop.
   */
  private static final boolean[] PLAIN = new boolean[256];

  static {
    for (int c = 0x20; c < 0x80; c++) {
      PLAIN[c] = c != '"' && c != '\\';
    }
  }

  /** Reads eight bytes at a time, for the string scans. */
  private static final VarHandle LONGS =
      MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);

  /** The token kinds, by the peek codes above. */
  private static final JsonToken[] TOKENS = {
    null,
    JsonToken.BEGIN_OBJECT,
    JsonToken.END_OBJECT,
    JsonToken.BEGIN_ARRAY,
    JsonToken.END_ARRAY,
    JsonToken.BOOLEAN,
    JsonToken.BOOLEAN,
    JsonToken.NULL,
    JsonToken.STRING,
    JsonToken.NAME,
    JsonToken.NUMBER,
    JsonToken.NUMBER,
    JsonToken.END_DOCUMENT,
  };

  // The stack holds four ints per open array, object or the document: the scope (kept in the field
  // scope for the innermost level, and stored here when a level opens inside it), the count of
  // completed values (arrays), and the raw byte range inside the quotes of the last name read
  // (objects; start -1 when none), for path().
  private static final int SCOPE = 0;
  private static final int INDEX = 1;
  private static final int NAME_START = 2;
  private static final int NAME_END = 3;
  private static final int STRIDE = 4;

  private final byte[] buf;
  private final int start;
  private final int end;
  private final int maxDepth;

  /** String input: positions in errors are reported in chars, not bytes. */
  private final boolean charInput;

  private int pos;
  private int peeked = P_NONE;
  private long peekedLong;
  private int numStart;

  /** Start of the token that peek found, for error positions. */
  private int tokenStart;

  /** Set by {@link #scanString}: whether the string just scanned held an escape. */
  private boolean scannedEscape;

  /** {@link #STRIDE} ints per level; see {@link #SCOPE}. */
  private int[] stack;

  /** Open levels, the document included. */
  private int stackSize;

  /** Index in {@link #stack} of the innermost level: {@code (stackSize - 1) * STRIDE}. */
  private int top;

  /** The scope of the innermost level. */
  private int scope = EMPTY_DOCUMENT;

  /** Stands in for the token stack in a reader that only runs {@link #fastTree()}. */
  private static final int[] NO_STACK = new int[0];

  private JsonReader(byte[] buf, int off, int len, int maxDepth, boolean charInput) {
    this(buf, off, len, maxDepth, charInput, true);
  }

  private JsonReader(
      byte[] buf, int off, int len, int maxDepth, boolean charInput, boolean tokens) {
    Objects.checkFromIndexSize(off, len, buf.length);
    if (maxDepth < 0) {
      throw new IllegalArgumentException("maxDepth must be >= 0: " + maxDepth);
    }
    this.buf = buf;
    this.start = off;
    this.end = off + len;
    this.maxDepth = maxDepth;
    this.charInput = charInput;
    int p = off;
    // RFC 8259 section 8.1: a parser may ignore a leading byte order mark.
    if (len >= 3
        && buf[p] == (byte) 0xEF
        && buf[p + 1] == (byte) 0xBB
        && buf[p + 2] == (byte) 0xBF) {
      p += 3;
    }
    this.pos = p;
    stackSize = 1;
    if (!tokens) {
      // fastTree() never touches the stack, and path() reads none of it at size 1.
      stack = NO_STACK;
      return;
    }
    int[] st = new int[8 * STRIDE];
    st[NAME_START] = -1;
    stack = st;
  }

  /**
   * Returns a reader of the UTF-8 JSON document in {@code b}. One leading byte order mark is
   * ignored.
   *
   * @param b the document; read in place, not copied
   * @return a reader positioned before the top-level value
   */
  public static JsonReader of(byte[] b) {
    return new JsonReader(b, 0, b.length, DEFAULT_MAX_DEPTH, false);
  }

  /**
   * Returns a reader of the UTF-8 JSON document in {@code b[off, off + len)}. One leading byte
   * order mark is ignored.
   *
   * @param b the bytes; read in place, not copied
   * @param off where the document starts
   * @param len the length of the document in bytes
   * @return a reader positioned before the top-level value
   * @throws IndexOutOfBoundsException if the range is outside {@code b}
   */
  public static JsonReader of(byte[] b, int off, int len) {
    return new JsonReader(b, off, len, DEFAULT_MAX_DEPTH, false);
  }

  /**
   * Returns a reader of the UTF-8 JSON document in {@code b[off, off + len)} that allows at most
   * {@code maxDepth} nested arrays and objects.
   *
   * @param b the bytes; read in place, not copied
   * @param off where the document starts
   * @param len the length of the document in bytes
   * @param maxDepth the nesting limit; 0 allows only scalar documents
   * @return a reader positioned before the top-level value
   * @throws IndexOutOfBoundsException if the range is outside {@code b}
   * @throws IllegalArgumentException if {@code maxDepth} is negative
   */
  public static JsonReader of(byte[] b, int off, int len, int maxDepth) {
    return new JsonReader(b, off, len, maxDepth, false);
  }

  /**
   * Returns a reader of the JSON document in {@code s}. A leading U+FEFF is ignored. Error
   * positions are counted in chars.
   *
   * @param s the document
   * @return a reader positioned before the top-level value
   * @throws JsonException if {@code s} holds an unpaired surrogate char, which has no UTF-8 form
   */
  public static JsonReader of(String s) {
    return of(s, DEFAULT_MAX_DEPTH);
  }

  /**
   * Returns a reader of the JSON document in {@code s} that allows at most {@code maxDepth} nested
   * arrays and objects. A leading U+FEFF is ignored. Error positions are counted in chars.
   *
   * @param s the document
   * @param maxDepth the nesting limit; 0 allows only scalar documents
   * @return a reader positioned before the top-level value
   * @throws JsonException if {@code s} holds an unpaired surrogate char, which has no UTF-8 form
   * @throws IllegalArgumentException if {@code maxDepth} is negative
   */
  public static JsonReader of(String s, int maxDepth) {
    byte[] b = Utf8.encode(s);
    return new JsonReader(b, 0, b.length, maxDepth, true);
  }

  /**
   * Returns the kind of the next token without consuming it.
   *
   * @return the next token
   * @throws JsonException if the input is malformed at this point
   */
  public JsonToken peek() {
    int p = peeked == P_NONE ? doPeek() : peeked;
    return TOKENS[p];
  }

  /**
   * Consumes the opening brace of an object.
   *
   * @throws JsonException if the next token is not {@link JsonToken#BEGIN_OBJECT}, or the object
   *     would nest deeper than the limit
   */
  public void beginObject() {
    begin(P_BEGIN_OBJECT, EMPTY_OBJECT);
  }

  /**
   * Consumes the closing brace of an object.
   *
   * @throws JsonException if the next token is not {@link JsonToken#END_OBJECT}
   */
  public void endObject() {
    end(P_END_OBJECT);
  }

  /**
   * Consumes the opening bracket of an array.
   *
   * @throws JsonException if the next token is not {@link JsonToken#BEGIN_ARRAY}, or the array
   *     would nest deeper than the limit
   */
  public void beginArray() {
    begin(P_BEGIN_ARRAY, EMPTY_ARRAY);
  }

  /**
   * Consumes the closing bracket of an array.
   *
   * @throws JsonException if the next token is not {@link JsonToken#END_ARRAY}
   */
  public void endArray() {
    end(P_END_ARRAY);
  }

  /** Consumes {@code open}, the opening of an object or array, and enters {@code newScope}. */
  private void begin(int open, int newScope) {
    expect(open);
    push(newScope);
    peeked = P_NONE;
  }

  /** Consumes {@code close}, the closing of an object or array, and leaves its scope. */
  private void end(int close) {
    expect(close);
    pop();
    consumed();
  }

  /** Peeks, and fails unless the next token is {@code token}. */
  private void expect(int token) {
    int p = peeked == P_NONE ? doPeek() : peeked;
    if (p != token) {
      throw mismatch(TOKENS[token], p);
    }
  }

  /**
   * Peeks, and fails unless the next token is a number; returns {@code P_LONG} or {@code P_NUMBER}.
   */
  private int expectNumber() {
    int p = peeked == P_NONE ? doPeek() : peeked;
    if (p != P_LONG && p != P_NUMBER) {
      throw mismatch(JsonToken.NUMBER, p);
    }
    return p;
  }

  /** Marks the peeked value consumed, and counts it in its array. */
  private void consumed() {
    peeked = P_NONE;
    afterValue();
  }

  /**
   * Tells whether the current array or object has another element or member.
   *
   * @return {@code false} when the next token closes the array or object, or ends the document
   * @throws JsonException if the input is malformed at this point
   */
  public boolean hasNext() {
    int p = peeked == P_NONE ? doPeek() : peeked;
    return p != P_END_OBJECT && p != P_END_ARRAY && p != P_EOF;
  }

  /**
   * Consumes the next member name and returns it.
   *
   * @return the name
   * @throws JsonException if the next token is not {@link JsonToken#NAME}, or the name is malformed
   */
  public String nextName() {
    int p = peeked == P_NONE ? doPeek() : peeked;
    if (p != P_NAME) {
      throw mismatch(JsonToken.NAME, p);
    }
    int s = pos;
    String name = readName();
    stack[top + NAME_START] = s;
    stack[top + NAME_END] = pos - 1;
    peeked = P_NONE;
    return name;
  }

  /**
   * Consumes the next member name and returns its index in {@code names}, or -1 when it is not one
   * of them (the caller then usually calls {@link #skipValue()}). Does not allocate when the name
   * holds no escape sequence.
   *
   * @param names the names to look for
   * @return the index of the name in {@code names}, or -1
   * @throws JsonException if the next token is not {@link JsonToken#NAME}, or the name is malformed
   */
  public int selectName(Names names) {
    int p = peeked == P_NONE ? doPeek() : peeked;
    if (p != P_NAME) {
      throw mismatch(JsonToken.NAME, p);
    }
    byte[] b = buf;
    int s = pos;
    int index = names.match(b, s, end);
    int q;
    if (index >= 0) {
      // The bytes and the closing quote are exactly the name's: nothing else to check.
      q = s + names.length(index);
    } else {
      // Not one of the names as written; only a name with escapes can still be one.
      q = scanString(plainEnd(b, s, end));
      index = scannedEscape ? names.indexOf(decode(s, q)) : -1;
    }
    int t = top;
    int[] st = stack;
    st[t + NAME_START] = s;
    st[t + NAME_END] = q;
    pos = q + 1;
    peeked = P_NONE;
    peekCompactValue(b, q + 1);
    return index;
  }

  /**
   * After a name, when a colon and then a value follow at once (compact JSON) and that value's
   * first token is one that cannot be malformed at this point (the start of a string, object or
   * array, {@code null}, or a plain integer that ends at a comma or closing brace), peeks it, as
   * the next call would. Anything else is left to {@link #doPeek()}, so errors surface where they
   * did.
   */
  private void peekCompactValue(byte[] b, int p) {
    int lim = end;
    if (lim - p < 3 || b[p] != ':') {
      return;
    }
    int v = p + 1;
    int c = b[v];
    int kind;
    int next;
    if (c == '"') {
      kind = P_STRING;
      next = v + 1;
    } else if (c >= '0' && c <= '9') {
      // Up to 18 digits always fit in a long; no leading zero.
      long value = c - '0';
      int d = v + 1;
      int max = Math.min(lim, v + 18);
      while (d < max && (c = b[d]) >= '0' && c <= '9') {
        value = value * 10 + (c - '0');
        d++;
      }
      if (d >= lim || (c = b[d]) != ',' && c != '}' || (b[v] == '0' && d - v > 1)) {
        return;
      }
      peekedLong = value;
      numStart = v;
      kind = P_LONG;
      next = d;
    } else if (c == '{') {
      kind = P_BEGIN_OBJECT;
      next = v + 1;
    } else if (c == '[') {
      kind = P_BEGIN_ARRAY;
      next = v + 1;
    } else if (c == 'n' && lim - v >= 4 && b[v + 1] == 'u' && b[v + 2] == 'l' && b[v + 3] == 'l') {
      kind = P_NULL;
      next = v + 4;
    } else {
      return;
    }
    scope = NONEMPTY_OBJECT;
    tokenStart = v;
    pos = next;
    peeked = kind;
  }

  /**
   * Consumes the next string value and returns it.
   *
   * @return the string
   * @throws JsonException if the next token is not {@link JsonToken#STRING}, or the string is
   *     malformed
   */
  public String nextString() {
    expect(P_STRING);
    String s = readString();
    consumed();
    return s;
  }

  /**
   * Consumes the next number and returns it as a {@code long}, exactly.
   *
   * @return the number
   * @throws JsonException if the next token is not {@link JsonToken#NUMBER}, or the number is not
   *     integral or does not fit in a {@code long}
   */
  public long nextLong() {
    long v;
    if (expectNumber() == P_LONG) {
      v = peekedLong;
    } else {
      try {
        v = JsonNumber.exactLong(literal());
      } catch (JsonException e) {
        throw syntax(e.getMessage(), numStart);
      }
    }
    consumed();
    return v;
  }

  /**
   * Consumes the next number and returns it as an {@code int}, exactly.
   *
   * @return the number
   * @throws JsonException if the next token is not {@link JsonToken#NUMBER}, or the number is not
   *     integral or does not fit in an {@code int}
   */
  public int nextInt() {
    int p = peeked == P_NONE ? doPeek() : peeked;
    if (p == P_LONG && (int) peekedLong != peekedLong) {
      throw syntax(Long.toString(peekedLong) + " does not fit in an int", numStart);
    }
    if (p == P_NUMBER) {
      long v;
      try {
        v = JsonNumber.exactLong(literal());
      } catch (JsonException e) {
        throw syntax(e.getMessage().replace(" a long", " an int"), numStart);
      }
      if ((int) v != v) {
        throw syntax(JsonNumber.excerpt(literal()) + " does not fit in an int", numStart);
      }
    }
    return (int) nextLong();
  }

  /**
   * Consumes the next number and returns it as the nearest {@code double}.
   *
   * @return the number
   * @throws JsonException if the next token is not {@link JsonToken#NUMBER}, or the number is
   *     beyond the {@code double} range
   */
  public double nextDouble() {
    double v;
    if (expectNumber() == P_LONG) {
      v = peekedLong;
    } else {
      try {
        v = JsonNumber.toDouble(literal());
      } catch (JsonException e) {
        throw syntax(e.getMessage(), numStart);
      }
    }
    consumed();
    return v;
  }

  /**
   * Consumes the next {@code true} or {@code false}.
   *
   * @return the boolean
   * @throws JsonException if the next token is not {@link JsonToken#BOOLEAN}
   */
  public boolean nextBoolean() {
    int p = peeked == P_NONE ? doPeek() : peeked;
    if (p != P_TRUE && p != P_FALSE) {
      throw mismatch(JsonToken.BOOLEAN, p);
    }
    consumed();
    return p == P_TRUE;
  }

  /**
   * Consumes the next {@code null}.
   *
   * @throws JsonException if the next token is not {@link JsonToken#NULL}
   */
  public void nextNull() {
    expect(P_NULL);
    consumed();
  }

  /**
   * Consumes the next token if it is {@code null}.
   *
   * @return {@code true} if a {@code null} was consumed, {@code false} if the next token is
   *     something else, which is left unconsumed
   * @throws JsonException if the input is malformed at this point
   */
  public boolean nextIfNull() {
    int p = peeked == P_NONE ? doPeek() : peeked;
    if (p != P_NULL) {
      return false;
    }
    consumed();
    return true;
  }

  /**
   * Skips the next value, with everything nested in it; when the next token is a name, skips the
   * name and its value. Skipped input is still checked: malformed input is an error here too.
   *
   * @throws JsonException if there is no value to skip (the next token closes an array or object,
   *     or ends the document), or the skipped input is malformed
   */
  public void skipValue() {
    int depth = 0;
    boolean afterName;
    do {
      afterName = false;
      int p = peeked == P_NONE ? doPeek() : peeked;
      switch (p) {
        case P_BEGIN_ARRAY:
          push(EMPTY_ARRAY);
          depth++;
          break;
        case P_BEGIN_OBJECT:
          push(EMPTY_OBJECT);
          depth++;
          break;
        case P_END_ARRAY:
        case P_END_OBJECT:
        case P_EOF:
          if (depth == 0) {
            throw syntax("Expected a value to skip but was " + TOKENS[p], tokenStart);
          }
          pop();
          depth--;
          break;
        case P_NAME:
          {
            int s = pos;
            int q = scanString(plainEnd(buf, s, end));
            pos = q + 1;
            stack[top + NAME_START] = s;
            stack[top + NAME_END] = q;
            afterName = true;
            break;
          }
        case P_STRING:
          pos = scanString(plainEnd(buf, pos, end)) + 1;
          break;
        default:
          break;
      }
      peeked = P_NONE;
      if (depth > 0 && !afterName && (p != P_BEGIN_ARRAY && p != P_BEGIN_OBJECT)) {
        afterValue();
      }
    } while (depth > 0 || afterName);
    afterValue();
  }

  /**
   * Consumes the next value, with everything nested in it, and returns it as a tree.
   *
   * @return the value
   * @throws JsonException if there is no value here, or the input is malformed
   */
  public JsonValue nextValue() {
    return new TreeBuilder().read();
  }

  /**
   * Checks that the top-level value has been read and only whitespace follows it.
   *
   * @throws JsonException if the top-level value was not read completely, or anything but
   *     whitespace follows it
   */
  public void endDocument() {
    expect(P_EOF);
  }

  /**
   * Returns the name of the member whose value is next: the name {@link #nextName()} or {@link
   * #selectName} just consumed. A reader that keeps members it does not know calls it when {@code
   * selectName} returned -1, before reading the value.
   *
   * @return the member name
   * @throws IllegalStateException if the reader is not inside an object after a member name
   */
  public String lastName() {
    int t = top;
    int sc = scope;
    int s = stack[t + NAME_START];
    if (t == 0 || (sc != DANGLING_NAME && sc != NONEMPTY_OBJECT) || s < 0) {
      throw new IllegalStateException("no member name was read at " + path());
    }
    int q = stack[t + NAME_END];
    return scanHasEscape(s, q) ? decode(s, q) : Utf8.decodeValid(buf, s, q - s);
  }

  /**
   * Returns the JSON path of the current position, such as {@code $.choices[0].delta}: the array
   * indices and member names that lead to the value being read.
   *
   * @return the path, {@code $} at the top level
   */
  public String path() {
    StringBuilder sb = new StringBuilder("$");
    int[] st = stack;
    for (int i = STRIDE; i <= top; i += STRIDE) {
      int sc = i == top ? scope : st[i + SCOPE];
      if (sc == EMPTY_ARRAY || sc == NONEMPTY_ARRAY) {
        sb.append('[').append(st[i + INDEX]).append(']');
      } else if (st[i + NAME_START] >= 0) {
        sb.append('.');
        int s = st[i + NAME_START];
        int q = st[i + NAME_END];
        String name = scanHasEscape(s, q) ? decode(s, q) : Utf8.decodeValid(buf, s, q - s);
        if (name.length() > 32) {
          sb.append(name, 0, 24).append("...");
        } else {
          sb.append(name);
        }
      }
    }
    return sb.toString();
  }

  @Override
  public String toString() {
    return "JsonReader at " + path();
  }

  // ---------------------------------------------------------------------------------------------
  // Tokenizer

  private int doPeek() {
    // The two scopes of nearly every token in an object come first, as plain comparisons: the
    // branches predict better than a switch's jump.
    int sc = scope;
    int c;
    if (sc == DANGLING_NAME) {
      c = skipWhitespace();
      if (c != ':') {
        throw unexpected(c, "Expected ':'");
      }
      scope = NONEMPTY_OBJECT;
      pos++;
      return peekValue(skipWhitespace());
    }
    if (sc == NONEMPTY_OBJECT) {
      c = skipWhitespace();
      if (c == ',') {
        pos++;
        return peekName(skipWhitespace());
      }
      if (c == '}') {
        tokenStart = pos++;
        return peeked = P_END_OBJECT;
      }
      throw unexpected(c, "Expected ',' or '}'");
    }
    switch (sc) {
      case EMPTY_ARRAY:
        scope = NONEMPTY_ARRAY;
        c = skipWhitespace();
        if (c == ']') {
          tokenStart = pos++;
          return peeked = P_END_ARRAY;
        }
        break;
      case NONEMPTY_ARRAY:
        c = skipWhitespace();
        if (c == ']') {
          tokenStart = pos++;
          return peeked = P_END_ARRAY;
        }
        if (c != ',') {
          throw unexpected(c, "Expected ',' or ']'");
        }
        pos++;
        c = skipWhitespace();
        break;
      case EMPTY_OBJECT:
        c = skipWhitespace();
        if (c == '}') {
          tokenStart = pos++;
          return peeked = P_END_OBJECT;
        }
        return peekName(c);
      case EMPTY_DOCUMENT:
        scope = NONEMPTY_DOCUMENT;
        c = skipWhitespace();
        break;
      case NONEMPTY_DOCUMENT:
        c = skipWhitespace();
        tokenStart = pos;
        if (c < 0) {
          return peeked = P_EOF;
        }
        throw unexpected(c, "Expected the end of input after the top-level value");
      default:
        throw new AssertionError(sc);
    }
    return peekValue(c);
  }

  private int peekName(int c) {
    if (c != '"') {
      throw unexpected(c, "Expected a name (a double-quoted string)");
    }
    scope = DANGLING_NAME;
    tokenStart = pos++;
    return peeked = P_NAME;
  }

  private int peekValue(int c) {
    tokenStart = pos;
    if (c == '"') {
      pos++;
      return peeked = P_STRING;
    }
    if ((c >= '0' && c <= '9') || c == '-') {
      return peeked = scanNumber();
    }
    switch (c) {
      case '{':
        pos++;
        return peeked = P_BEGIN_OBJECT;
      case '[':
        pos++;
        return peeked = P_BEGIN_ARRAY;
      case 't':
        literal('t', 'r', 'u', 'e');
        return peeked = P_TRUE;
      case 'f':
        if (pos + 4 >= end || buf[pos + 4] != 'e') {
          throw syntax("Expected 'false'", tokenStart);
        }
        literal('f', 'a', 'l', 's');
        pos++;
        return peeked = P_FALSE;
      case 'n':
        literal('n', 'u', 'l', 'l');
        return peeked = P_NULL;
      default:
        throw unexpected(c, "Expected a value");
    }
  }

  private void literal(char a, char b, char c, char d) {
    int p = pos;
    if (p + 3 >= end || buf[p + 1] != b || buf[p + 2] != c || buf[p + 3] != d) {
      String word = a == 't' ? "true" : a == 'f' ? "false" : "null";
      throw syntax("Expected '" + word + "'", p);
    }
    pos = p + 4;
  }

  /** Scans a number at pos against the RFC 8259 grammar; sets numStart and pos. */
  private int scanNumber() {
    byte[] b = buf;
    int lim = end;
    int p = pos;
    numStart = p;
    boolean negative = false;
    if (b[p] == '-') {
      negative = true;
      p++;
    }
    if (p >= lim) {
      throw syntax("Expected a digit after '-'", p);
    }
    int c = b[p];
    long v = 0;
    boolean fits = true;
    if (c == '0') {
      p++;
      if (p < lim && (c = b[p]) >= '0' && c <= '9') {
        throw syntax("Leading zeros are not allowed in a number", p - 1);
      }
    } else if (c >= '1' && c <= '9') {
      int digits = p;
      do {
        v = v * 10 + (c - '0');
        p++;
      } while (p < lim && (c = b[p]) >= '0' && c <= '9');
      fits = p - digits <= 18;
    } else {
      throw syntax("Expected a digit after '-'", p);
    }
    boolean integral = true;
    if (p < lim && b[p] == '.') {
      integral = false;
      p++;
      if (p >= lim || (c = b[p]) < '0' || c > '9') {
        throw syntax("Expected a digit after '.'", p);
      }
      do {
        p++;
      } while (p < lim && (c = b[p]) >= '0' && c <= '9');
    }
    if (p < lim && (b[p] == 'e' || b[p] == 'E')) {
      integral = false;
      p++;
      if (p < lim && (b[p] == '+' || b[p] == '-')) {
        p++;
      }
      if (p >= lim || (c = b[p]) < '0' || c > '9') {
        throw syntax("Expected a digit in the exponent", p);
      }
      do {
        p++;
      } while (p < lim && (c = b[p]) >= '0' && c <= '9');
    }
    pos = p;
    if (integral && fits && !(negative && v == 0)) {
      peekedLong = negative ? -v : v;
      return P_LONG;
    }
    return P_NUMBER;
  }

  /** The literal of the number peeked last. */
  private String literal() {
    return new String(buf, numStart, pos - numStart, StandardCharsets.ISO_8859_1);
  }

  /** Returns the byte at pos after skipping whitespace (0x20, 0x09, 0x0A, 0x0D), or -1 at end. */
  private int skipWhitespace() {
    int p = pos;
    if (p < end) {
      int c = buf[p] & 0xFF;
      if (c > ' ') {
        // Compact JSON: no whitespace between tokens.
        return c;
      }
    }
    return skipWhitespaceLoop();
  }

  private int skipWhitespaceLoop() {
    byte[] b = buf;
    int p = pos;
    int lim = end;
    while (p < lim) {
      int c = b[p];
      if (c == ' ' || c == '\n' || c == '\r' || c == '\t') {
        p++;
        continue;
      }
      pos = p;
      return c & 0xFF;
    }
    pos = p;
    return -1;
  }

  /** Reads a member name like {@link #readString()}, sharing short ASCII names across reads. */
  private String readName() {
    byte[] b = buf;
    int s = pos;
    int q = s;
    int lim = end;
    int h = 0;
    int c;
    while (q < lim && PLAIN[(c = b[q]) & 0xFF]) {
      h = 31 * h + c;
      q++;
    }
    if (q < lim && b[q] == '"' && q - s <= NameCache.MAX_LENGTH) {
      pos = q + 1;
      return NameCache.get(b, s, q - s, h);
    }
    return readString();
  }

  /** Reads the string whose opening quote precedes pos; leaves pos after the closing quote. */
  private String readString() {
    byte[] b = buf;
    int s = pos;
    int lim = end;
    int q = plainEnd(b, s, lim);
    if (q < lim && b[q] == '"') {
      pos = q + 1;
      // Plain ASCII: Latin-1 decoding is a straight copy into a compact string.
      return new String(b, s, q - s, StandardCharsets.ISO_8859_1);
    }
    q = scanString(q);
    pos = q + 1;
    return scannedEscape ? decode(s, q) : Utf8.decodeValid(b, s, q - s);
  }

  /**
   * Returns the index of the first byte in {@code b[p, lim)} that {@link #PLAIN} does not mark, or
   * {@code lim}. Looks at eight bytes at a time while eight remain.
   */
  static int plainEnd(byte[] b, int p, int lim) {
    return ByteScan.plainEnd(b, p, lim);
  }

  /**
   * Checks the rest of a string from {@code p} and returns the index of its closing quote. Sets
   * {@link #scannedEscape} when the string holds an escape sequence, including before {@code p}
   * (which the caller has only passed over plain bytes).
   */
  private int scanString(int p) {
    byte[] b = buf;
    int lim = end;
    boolean escape = false;
    while (true) {
      p = plainEnd(b, p, lim);
      if (p >= lim) {
        throw syntax("Unterminated string", p);
      }
      int c = b[p] & 0xFF;
      if (c == '"') {
        scannedEscape = escape;
        return p;
      } else if (c == '\\') {
        escape = true;
        if (p + 1 >= lim) {
          throw syntax("Unterminated string", p + 1);
        }
        switch (b[p + 1]) {
          case '"':
          case '\\':
          case '/':
          case 'b':
          case 'f':
          case 'n':
          case 'r':
          case 't':
            p += 2;
            break;
          case 'u':
            for (int i = p + 2; i < p + 6; i++) {
              if (i >= lim) {
                throw syntax("Unterminated string", i);
              }
              if (hex(b[i]) < 0) {
                throw syntax("Expected 4 hex digits after \\u", i);
              }
            }
            p += 6;
            break;
          default:
            throw syntax("Invalid escape sequence " + describe(b[p + 1] & 0xFF, "\\"), p);
        }
      } else if (c < 0x20) {
        throw syntax(
            "Unescaped control character " + describe(c, "") + " in string; write it as \\u00XX",
            p);
      } else {
        // Multi-byte sequences; text in most scripts other than Latin is a run of them.
        do {
          int n = Utf8.sequenceLength(b, p, lim);
          if (n < 0) {
            throw syntax("Invalid UTF-8 byte sequence", p);
          }
          p += n;
        } while (p < lim && b[p] < 0);
      }
    }
  }

  private boolean scanHasEscape(int s, int q) {
    for (int i = s; i < q; i++) {
      if (buf[i] == '\\') {
        return true;
      }
    }
    return false;
  }

  /** Decodes the checked string bytes in [s, q), which hold escapes. */
  private String decode(int s, int q) {
    byte[] b = buf;
    // Each byte sequence or escape yields at most as many chars as it has bytes.
    char[] out = new char[q - s];
    int n = 0;
    int p = s;
    while (p < q) {
      int c = b[p];
      if (c >= 0) {
        if (c != '\\') {
          out[n++] = (char) c;
          p++;
          continue;
        }
        int e = b[p + 1];
        p += 2;
        switch (e) {
          case 'b':
            out[n++] = '\b';
            break;
          case 'f':
            out[n++] = '\f';
            break;
          case 'n':
            out[n++] = '\n';
            break;
          case 'r':
            out[n++] = '\r';
            break;
          case 't':
            out[n++] = '\t';
            break;
          case 'u':
            out[n++] =
                (char) (hex(b[p]) << 12 | hex(b[p + 1]) << 8 | hex(b[p + 2]) << 4 | hex(b[p + 3]));
            p += 4;
            break;
          default: // '"', '\\', '/'
            out[n++] = (char) e;
            break;
        }
      } else {
        int len = Utf8.sequenceLength(b, p, q);
        int cp = Utf8.codePoint(b, p, len);
        if (cp >= 0x10000) {
          out[n++] = Character.highSurrogate(cp);
          out[n++] = Character.lowSurrogate(cp);
        } else {
          out[n++] = (char) cp;
        }
        p += len;
      }
    }
    return new String(out, 0, n);
  }

  private static int hex(int c) {
    if (c >= '0' && c <= '9') {
      return c - '0';
    }
    if (c >= 'a' && c <= 'f') {
      return c - 'a' + 10;
    }
    if (c >= 'A' && c <= 'F') {
      return c - 'A' + 10;
    }
    return -1;
  }

  private void push(int newScope) {
    int size = stackSize;
    if (size > maxDepth) {
      throw syntax("Nesting is deeper than the limit of " + maxDepth, tokenStart);
    }
    int t = size * STRIDE;
    int[] st = stack;
    if (t == st.length) {
      st = stack = Arrays.copyOf(st, Math.min(size * 2, maxDepth + 1) * STRIDE);
    }
    st[top + SCOPE] = scope;
    st[t + INDEX] = 0;
    st[t + NAME_START] = -1;
    stackSize = size + 1;
    top = t;
    scope = newScope;
  }

  private void pop() {
    stackSize--;
    int t = top - STRIDE;
    top = t;
    scope = stack[t + SCOPE];
  }

  /** Counts a completed value in the enclosing array, for {@link #path()}. */
  private void afterValue() {
    if (scope == NONEMPTY_ARRAY) {
      stack[top + INDEX]++;
    }
  }

  // ---------------------------------------------------------------------------------------------
  // Tree building

  /**
   * Parses a whole document as a tree. A fast loop handles well-formed input; on any problem the
   * token reader parses the document again to report it with its path.
   */
  static JsonValue parseDocument(byte[] b, int off, int len, int maxDepth, boolean charInput) {
    JsonValue v;
    try {
      v = new JsonReader(b, off, len, maxDepth, charInput, false).fastTree();
    } catch (JsonException e) {
      v = null;
    }
    if (v == null) {
      JsonReader slow = new JsonReader(b, off, len, maxDepth, charInput);
      v = slow.nextValue();
      slow.endDocument();
    }
    return v;
  }

  /**
   * Reads the document as a tree without the token state machine or path tracking. Returns null (or
   * throws a JsonException without a reliable path) when the input is malformed, too deep, or has
   * data after the value; the caller then lets the token reader report the problem.
   */
  private JsonValue fastTree() {
    final byte[] b = buf;
    final int lim = end;
    JsonValue[] values = new JsonValue[16];
    String[] names = new String[16];
    // Per open container: the index of its first value on the stack, shifted left, plus 1 for an
    // object. The slot just below the first value holds the container itself once it closes.
    int[] marks = new int[8];
    int open = 0;
    int top = 0;
    JsonValue v;
    int c = skipWhitespace();
    value:
    while (true) {
      switch (c) {
        case '{':
        case '[':
          {
            if (open >= maxDepth) {
              return null;
            }
            if (open == marks.length) {
              marks = Arrays.copyOf(marks, open * 2);
            }
            if (++top >= values.length) {
              values = Arrays.copyOf(values, values.length * 2);
              names = Arrays.copyOf(names, values.length);
            }
            boolean object = c == '{';
            marks[open++] = top << 1 | (object ? 1 : 0);
            pos++;
            c = skipWhitespace();
            if (object) {
              if (c == '}') {
                pos++;
                open--;
                top--;
                v = JsonObject.EMPTY;
                break;
              }
              if (c != '"') {
                return null;
              }
              pos++;
              names[top] = readName();
              if (skipWhitespace() != ':') {
                return null;
              }
              pos++;
              c = skipWhitespace();
            } else if (c == ']') {
              pos++;
              open--;
              top--;
              v = JsonArray.EMPTY;
              break;
            }
            continue value;
          }
        case '"':
          pos++;
          v = new JsonString(readString());
          break;
        case 't':
          if (pos + 3 >= lim || b[pos + 1] != 'r' || b[pos + 2] != 'u' || b[pos + 3] != 'e') {
            return null;
          }
          pos += 4;
          v = JsonBoolean.TRUE;
          break;
        case 'f':
          if (pos + 4 >= lim
              || b[pos + 1] != 'a'
              || b[pos + 2] != 'l'
              || b[pos + 3] != 's'
              || b[pos + 4] != 'e') {
            return null;
          }
          pos += 5;
          v = JsonBoolean.FALSE;
          break;
        case 'n':
          if (pos + 3 >= lim || b[pos + 1] != 'u' || b[pos + 2] != 'l' || b[pos + 3] != 'l') {
            return null;
          }
          pos += 4;
          v = JsonNull.INSTANCE;
          break;
        case '-':
        case '0':
        case '1':
        case '2':
        case '3':
        case '4':
        case '5':
        case '6':
        case '7':
        case '8':
        case '9':
          v = scanNumber() == P_LONG ? JsonNumber.ofLong(peekedLong) : new JsonNumber(literal());
          break;
        default:
          return null;
      }
      // v is complete: add it to its container, and close every container that ends here.
      while (true) {
        if (open == 0) {
          return skipWhitespace() < 0 ? v : null;
        }
        if (top >= values.length) {
          values = Arrays.copyOf(values, values.length * 2);
          names = Arrays.copyOf(names, values.length);
        }
        values[top++] = v;
        c = skipWhitespace();
        int m = marks[open - 1];
        if (c == ',') {
          pos++;
          c = skipWhitespace();
          if ((m & 1) != 0) {
            if (c != '"') {
              return null;
            }
            pos++;
            if (top >= names.length) {
              values = Arrays.copyOf(values, values.length * 2);
              names = Arrays.copyOf(names, values.length);
            }
            names[top] = readName();
            if (skipWhitespace() != ':') {
              return null;
            }
            pos++;
            c = skipWhitespace();
          }
          continue value;
        }
        int mark = m >>> 1;
        if ((m & 1) != 0) {
          if (c != '}') {
            return null;
          }
          v =
              JsonObject.ofEntries(
                  Arrays.copyOfRange(names, mark, top),
                  Arrays.copyOfRange(values, mark, top),
                  top - mark);
        } else {
          if (c != ']') {
            return null;
          }
          v = new JsonArray(Arrays.copyOfRange(values, mark, top));
        }
        pos++;
        open--;
        top = mark - 1;
      }
    }
  }

  /**
   * Builds a tree without recursion: values of open containers wait on one shared stack and move
   * into exactly sized arrays when their container closes.
   */
  private final class TreeBuilder {
    private JsonValue[] values = new JsonValue[16];
    private String[] names = new String[16];
    private int top;

    /** For each open container: where its values start on the value stack. */
    private int[] marks = new int[8];

    private int open;

    JsonValue read() {
      JsonValue v;
      int base = stackSize;
      do {
        int p = peeked == P_NONE ? doPeek() : peeked;
        switch (p) {
          case P_BEGIN_ARRAY:
          case P_BEGIN_OBJECT:
            push(p == P_BEGIN_ARRAY ? EMPTY_ARRAY : EMPTY_OBJECT);
            peeked = P_NONE;
            if (open == marks.length) {
              marks = Arrays.copyOf(marks, open * 2);
            }
            // Reserve the container's own slot, so its name (if any) stays put below its values.
            if (++top >= values.length) {
              grow();
            }
            marks[open++] = top;
            continue;
          case P_END_ARRAY:
          case P_END_OBJECT:
            if (stackSize == base) {
              throw mismatch(null, p);
            }
            {
              int mark = marks[--open];
              int n = top - mark;
              if (p == P_END_ARRAY) {
                v = n == 0 ? JsonArray.EMPTY : new JsonArray(Arrays.copyOfRange(values, mark, top));
              } else {
                v =
                    JsonObject.ofEntries(
                        Arrays.copyOfRange(names, mark, top),
                        Arrays.copyOfRange(values, mark, top),
                        n);
              }
              top = mark - 1;
              pop();
            }
            break;
          case P_NAME:
            if (open == 0) {
              throw mismatch(null, p);
            }
            {
              int s = pos;
              String name = readName();
              int[] st = stack;
              int t = JsonReader.this.top;
              st[t + NAME_START] = s;
              st[t + NAME_END] = pos - 1;
              peeked = P_NONE;
              if (top >= names.length) {
                grow();
              }
              names[top] = name;
              continue;
            }
          case P_STRING:
            v = new JsonString(readString());
            break;
          case P_LONG:
            v = JsonNumber.ofLong(peekedLong);
            break;
          case P_NUMBER:
            v = new JsonNumber(literal());
            break;
          case P_TRUE:
            v = JsonBoolean.TRUE;
            break;
          case P_FALSE:
            v = JsonBoolean.FALSE;
            break;
          case P_NULL:
            v = JsonNull.INSTANCE;
            break;
          default:
            throw mismatch(null, p);
        }
        peeked = P_NONE;
        afterValue();
        if (open == 0) {
          return v;
        }
        if (top >= values.length) {
          grow();
        }
        values[top++] = v;
      } while (true);
    }

    private void grow() {
      values = Arrays.copyOf(values, values.length * 2);
      names = Arrays.copyOf(names, names.length * 2);
    }
  }

  // ---------------------------------------------------------------------------------------------
  // Errors

  private JsonException mismatch(JsonToken expected, int actual) {
    String what = expected == null ? "a value" : expected.toString();
    return syntax("Expected " + what + " but was " + TOKENS[actual], tokenStart);
  }

  private JsonException unexpected(int c, String expected) {
    if (c < 0) {
      return syntax(expected + " but the input ended", pos);
    }
    return syntax(expected + " but found " + describe(c, ""), pos);
  }

  /** Names one byte of input for a message: a printable ASCII char quoted, anything else in hex. */
  private static String describe(int c, String prefix) {
    if (c > 0x20 && c < 0x7F) {
      return "'" + prefix + (char) c + "'";
    }
    return String.format("byte 0x%02X", c);
  }

  JsonException syntax(String reason, int at) {
    int line = 1;
    int lineStart = start;
    for (int i = start; i < at && i < end; i++) {
      if (buf[i] == '\n') {
        line++;
        lineStart = i + 1;
      }
    }
    long offset = at - start;
    int column = at - lineStart + 1;
    if (charInput) {
      offset = Utf8.charCount(buf, start, at);
      column = Utf8.charCount(buf, lineStart, at) + 1;
    }
    String path = path();
    if (path.length() > 120) {
      path = path.substring(0, 20) + "..." + path.substring(path.length() - 97);
    }
    return new JsonException(reason, line, column, offset, path);
  }

  /**
   * Holds member names pre-encoded for {@link JsonReader#selectName}, which matches input names
   * against them byte by byte without allocating. Build one per record type and keep it in a {@code
   * static final} field.
   */
  public static final class Names {
    private final String[] names;

    /** Each name's UTF-8 length in bytes. */
    private final int[] lengths;

    /**
     * Each name's UTF-8 bytes followed by the closing quote, as little-endian 8-byte words: for a
     * quoted length {@code n}, the {@code (n - 1) / 8} whole words from the start, then one more:
     * the last eight bytes (which may overlap the previous word) when {@code n >= 8}, else the
     * {@code n} bytes zero-padded, compared under {@link #masks}.
     */
    private final long[] words;

    private final int[] wordStarts;
    private final long[] masks;

    /**
     * For each first byte of a quoted name, the indices of the names that can match the input as
     * written; {@code null} when none. A name that needs escaping (a quote, backslash or control
     * char) or has no UTF-8 form is left out: it can only match through an escape.
     */
    private final int[][] byFirstByte;

    private Names(String[] names) {
      this.names = names;
      int count = names.length;
      this.lengths = new int[count];
      this.wordStarts = new int[count];
      this.masks = new long[count];
      byte[][] quoted = new byte[count][];
      int totalWords = 0;
      for (int i = 0; i < count; i++) {
        byte[] e = names[i].getBytes(StandardCharsets.UTF_8);
        lengths[i] = e.length;
        quoted[i] = Arrays.copyOf(e, e.length + 1);
        quoted[i][e.length] = '"';
        wordStarts[i] = totalWords;
        totalWords += e.length / 8 + 1;
      }
      this.words = new long[totalWords];
      int[][] table = new int[256][];
      for (int i = 0; i < count; i++) {
        byte[] q = quoted[i];
        int n = q.length;
        int w = wordStarts[i];
        int whole = (n - 1) / 8;
        for (int k = 0; k < whole; k++) {
          words[w + k] = word(q, 8 * k, 8);
        }
        if (n >= 8) {
          words[w + whole] = word(q, n - 8, 8);
          masks[i] = -1L;
        } else {
          words[w] = word(q, 0, n);
          masks[i] = (1L << (8 * n)) - 1;
        }
        if (matchableAsWritten(names[i], n - 1, q)) {
          int first = q[0] & 0xFF;
          int[] old = table[first];
          int[] grown = old == null ? new int[1] : Arrays.copyOf(old, old.length + 1);
          grown[grown.length - 1] = i;
          table[first] = grown;
        }
      }
      this.byFirstByte = table;
    }

    /** Packs {@code len <= 8} bytes of {@code b} from {@code off} into a little-endian long. */
    private static long word(byte[] b, int off, int len) {
      long v = 0;
      for (int k = len - 1; k >= 0; k--) {
        v = v << 8 | (b[off + k] & 0xFF);
      }
      return v;
    }

    /**
     * Whether the name's UTF-8 bytes can appear between quotes unescaped: no quote, backslash or
     * control char, and a real UTF-8 form (no unpaired surrogate, which encodes as {@code '?'}).
     */
    private static boolean matchableAsWritten(String name, int len, byte[] quoted) {
      for (int k = 0; k < len; k++) {
        int c = quoted[k] & 0xFF;
        if (c < 0x20 || c == '"' || c == '\\') {
          return false;
        }
      }
      return new String(quoted, 0, len, StandardCharsets.UTF_8).equals(name);
    }

    /**
     * Returns the names to match, in order: {@link JsonReader#selectName} returns indices into this
     * list.
     *
     * @param names the member names, without duplicates
     * @return the pre-encoded names
     * @throws IllegalArgumentException if a name repeats
     * @throws NullPointerException if a name is null
     */
    public static Names of(String... names) {
      String[] copy = names.clone();
      for (int i = 0; i < copy.length; i++) {
        Objects.requireNonNull(copy[i], "names[" + i + "]");
        for (int j = 0; j < i; j++) {
          if (copy[j].equals(copy[i])) {
            throw new IllegalArgumentException(
                "names must be unique: \"" + copy[i] + "\" is at " + j + " and " + i);
          }
        }
      }
      return new Names(copy);
    }

    /**
     * Returns the number of names.
     *
     * @return the size
     */
    public int size() {
      return names.length;
    }

    /**
     * Returns the name at {@code index}.
     *
     * @param index the index
     * @return the name
     * @throws IndexOutOfBoundsException if the index is out of range
     */
    public String get(int index) {
      return names[index];
    }

    /**
     * Returns the index of the name whose UTF-8 bytes and closing quote are exactly {@code b[s, s +
     * length + 1)} within {@code lim}, or -1. Such bytes need no further check: they are
     * well-formed and hold no escape. Reads whole 8-byte words; the last may extend past {@code
     * lim} (never past the array) and is then masked.
     */
    int match(byte[] b, int s, int lim) {
      if (s >= lim) {
        return -1;
      }
      int[] candidates = byFirstByte[b[s] & 0xFF];
      if (candidates == null) {
        return -1;
      }
      for (int i : candidates) {
        int n = lengths[i] + 1;
        if (lim - s >= n && equalsAt(b, s, i, n)) {
          return i;
        }
      }
      return -1;
    }

    private boolean equalsAt(byte[] b, int s, int i, int n) {
      long[] ws = words;
      int w = wordStarts[i];
      if (n >= 8) {
        int whole = (n - 1) >>> 3;
        for (int k = 0; k < whole; k++) {
          if ((long) LONGS.get(b, s + 8 * k) != ws[w + k]) {
            return false;
          }
        }
        return (long) LONGS.get(b, s + n - 8) == ws[w + whole];
      }
      if (b.length - s >= 8) {
        return (((long) LONGS.get(b, s) ^ ws[w]) & masks[i]) == 0;
      }
      // Near the end of the array: compare byte by byte.
      long v = ws[w];
      for (int k = 0; k < n; k++, v >>>= 8) {
        if (b[s + k] != (byte) v) {
          return false;
        }
      }
      return true;
    }

    /** The UTF-8 length in bytes of the name at {@code index}. */
    int length(int index) {
      return lengths[index];
    }

    int indexOf(String name) {
      for (int i = 0; i < names.length; i++) {
        if (names[i].equals(name)) {
          return i;
        }
      }
      return -1;
    }

    @Override
    public String toString() {
      return "Names" + Arrays.toString(names);
    }
  }
}
