package io.github.kimisdk.internal.wire.responses;

import static io.github.kimisdk.base.scan.ByteScan.ascii;
import static io.github.kimisdk.base.scan.ByteScan.asciiNames;

import io.github.kimisdk.base.scan.ByteScan;
import io.github.kimisdk.json.JsonReader;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * Reads the events that make up nearly all of a Responses stream straight from their bytes, without
 * a tree: the text, reasoning and argument deltas, a summary part's start, a call's final
 * arguments, and the events the stream handler skips (content parts and the {@code .done} events
 * that repeat a whole text), whose members are checked and skipped without being decoded. Gives up
 * (returns false) on anything else, and the handler then parses the event as a tree, which also
 * reports every error.
 *
 * <p>Accepted: an object whose first member is {@code type}, naming one of those events; other
 * members in any order, with whitespace between tokens; strings checked as strictly as {@link
 * JsonReader} checks them (escapes, control characters, well-formed UTF-8); numbers checked against
 * the JSON grammar; nested objects and arrays in members it skips, less deep than the handler's
 * limit. Gives up on: a {@code type} that is not first or is named twice, an {@code output_index}
 * or {@code summary_index} that is not a plain non-negative integer of at most nine digits, an
 * {@code item_id} that is not a string, a member name with an escape or a non-ASCII byte, a byte
 * order mark, and any malformed input. What it accepts it reads as the tree would: duplicate
 * members keep the last value; a {@code delta} (or {@code arguments}) that is not a string is
 * absent.
 *
 * <p>One instance per stream handler, reused for every event; touched only in the drain loop.
 */
final class EventScan {

  /** Kinds of event; {@link #SKIPPED} is one that carries nothing the handler uses. */
  static final int SKIPPED = 0;

  static final int TEXT_DELTA = 1;
  static final int SUMMARY_DELTA = 2;
  static final int REASONING_DELTA = 3;
  static final int SUMMARY_PART = 4;
  static final int ARGUMENTS_DELTA = 5;
  static final int ARGUMENTS_DONE = 6;

  /** The event types it reads, at the index of their kind ({@link #SKIPPED}: none). */
  static final String[] TYPES = {
    null,
    "response.output_text.delta",
    "response.reasoning_summary_text.delta",
    "response.reasoning_text.delta",
    "response.reasoning_summary_part.added",
    "response.function_call_arguments.delta",
    "response.function_call_arguments.done"
  };

  private static final byte[][] KIND_BYTES = {
    ascii(TYPES[1]),
    ascii(TYPES[2]),
    ascii(TYPES[3]),
    ascii(TYPES[4]),
    ascii(TYPES[5]),
    ascii(TYPES[6]),
    ascii("response.output_text.done"),
    ascii("response.content_part.added"),
    ascii("response.content_part.done"),
    ascii("response.reasoning_summary_text.done"),
    ascii("response.reasoning_summary_part.done"),
    ascii("response.reasoning_text.done")
  };

  /** Member names, in the order servers write them (tried in this order). */
  private static final byte[][] NAMES =
      asciiNames(
          "type",
          "sequence_number",
          "item_id",
          "output_index",
          "content_index",
          "summary_index",
          "delta",
          "arguments");

  private static final int TYPE = 0;
  private static final int SEQUENCE_NUMBER = 1;
  private static final int ITEM_ID = 2;
  private static final int OUTPUT_INDEX = 3;
  private static final int SUMMARY_INDEX = 5;
  private static final int DELTA = 6;
  private static final int ARGUMENTS = 7;

  // what the last read found
  int kind;
  int position;
  long summaryIndex;
  String value;
  private int idStart;
  private int idEnd;
  private boolean idPlain;

  private byte[] b;
  private int p;
  private int end;
  private int maxDepth;

  // set by stringEnd
  private boolean escaped;
  private boolean ascii;

  /**
   * Reads the event in {@code data[off, off + len)}.
   *
   * @param data holds the payload
   * @param off where it starts
   * @param len its length
   * @param maxDepth the nesting limit of the payload (the object itself is one level)
   * @return true when it read the event: {@link #kind}, {@link #position} (-1: none), {@link
   *     #summaryIndex} (-1: none), {@link #value} (the delta or final arguments; null: none) and
   *     {@link #id()} hold what it says; false when the tree must read it
   */
  boolean read(byte[] data, int off, int len, int maxDepth) {
    this.b = data;
    this.p = off;
    this.end = off + len;
    this.maxDepth = maxDepth;
    kind = -1;
    position = -1;
    summaryIndex = -1;
    value = null;
    idStart = -1;
    try {
      return object();
    } finally {
      this.b = null; // the buffer is the parser's, valid only during the call
    }
  }

  /**
   * Returns the {@code item_id} of the event read, decoded now; null when it had none. Meant for an
   * event without an {@code output_index}, the only one whose id is needed.
   */
  String id(byte[] data) {
    if (idStart < 0) {
      return null;
    }
    return idPlain
        ? new String(data, idStart, idEnd - idStart, StandardCharsets.ISO_8859_1)
        : JsonReader.of(data, idStart - 1, idEnd - idStart + 2).nextString();
  }

  private boolean object() {
    if (maxDepth < 1 || ws() != '{') {
      return false;
    }
    p++;
    if (ws() != '"' || name() != TYPE || ws() != '"') {
      return false;
    }
    int k = kindOf();
    if (k < 0) {
      return false;
    }
    boolean skipped = k > ARGUMENTS_DONE;
    kind = skipped ? SKIPPED : k;
    if (skipped) {
      return members(true);
    }
    if (sameLayout(k)) {
      return members(false);
    }
    seqEnd = -1;
    valueStart = -1;
    if (!members(false)) {
      return false;
    }
    if (seqEnd >= 0 && valueStart > seqEnd) {
      remember(k);
    }
    return true;
  }

  // --- the layout of the last event of each kind (see sameLayout) ---

  private static final byte[] SEQUENCE = ascii(",\"sequence_number\":");

  /**
   * Per kind, the bytes of its last event from the end of its {@code sequence_number} to the
   * opening quote of its value (such as {@code ,"item_id":"msg_1","output_index":1,
   * "content_index":0,"delta":"}), and what those bytes said (the position, the summary index, the
   * item id's place from their start): a stream repeats them in every delta of one item.
   */
  private final byte[][] mids = new byte[ARGUMENTS_DONE + 1][];

  private final int[] midPosition = new int[ARGUMENTS_DONE + 1];
  private final long[] midSummary = new long[ARGUMENTS_DONE + 1];
  private final int[] midIdStart = new int[ARGUMENTS_DONE + 1];
  private final int[] midIdEnd = new int[ARGUMENTS_DONE + 1];
  private final boolean[] midIdPlain = new boolean[ARGUMENTS_DONE + 1];

  // where the members() pass saw the layout's parts, and what held at the value: -1 when not seen
  private int seqEnd;
  private int valueStart;
  private int valuePosition;
  private long valueSummary;
  private int valueIdStart;
  private int valueIdEnd;
  private boolean valueIdPlain;

  /**
   * After the type's value: when the event goes on as the last one of its kind did, a plain integer
   * {@code sequence_number} and then the same bytes up to its value, reads the value and takes the
   * rest of what those bytes said from that event; the same bytes in the same place say the same.
   * Leaves {@code p} alone and returns false otherwise.
   */
  private boolean sameLayout(int k) {
    byte[] mid = mids[k];
    int start = p;
    int q = p;
    if (mid == null || !same(q, SEQUENCE)) {
      return false;
    }
    q += SEQUENCE.length;
    int d = digits(q);
    if (d == q || d - q > 18 || (b[q] == '0' && d - q > 1)) {
      return false;
    }
    if (!same(d, mid)) {
      return false;
    }
    int quote = d + mid.length - 1;
    p = quote;
    String v = string();
    if (v == null) {
      p = start; // malformed: the full pass finds it too, and gives up
      return false;
    }
    value = v;
    position = midPosition[k];
    summaryIndex = midSummary[k];
    if (midIdStart[k] >= 0) {
      idStart = d + midIdStart[k];
      idEnd = d + midIdEnd[k];
      idPlain = midIdPlain[k];
    }
    return true;
  }

  /** Keeps the layout of the event just read, for {@link #sameLayout}. */
  private void remember(int k) {
    int n = valueStart + 1 - seqEnd;
    byte[] mid = mids[k];
    if (mid == null || mid.length != n || !same(seqEnd, mid)) {
      mids[k] = Arrays.copyOfRange(b, seqEnd, valueStart + 1);
    }
    midPosition[k] = valuePosition;
    midSummary[k] = valueSummary;
    midIdStart[k] = valueIdStart >= 0 ? valueIdStart - seqEnd : -1;
    midIdEnd[k] = valueIdStart >= 0 ? valueIdEnd - seqEnd : -1;
    midIdPlain[k] = valueIdPlain;
  }

  /**
   * Reads the members after the type up to the end of the event; skips every value when {@code
   * skipped}. Notes where a plain {@code sequence_number} right after the type ends, and where the
   * value the kind reads starts, with what held there.
   */
  private boolean members(boolean skipped) {
    boolean first = true;
    while (true) {
      int c = ws();
      if (c == '}') {
        p++;
        return ws() == -1;
      }
      if (c != ',') {
        return false;
      }
      p++;
      if (ws() != '"') {
        return false;
      }
      int member = name();
      if (member == TYPE || member == -2) {
        return false; // named twice (the last would win), or a name the scan does not read
      }
      if (skipped) {
        if (!skipValue(1)) {
          return false;
        }
        continue;
      }
      if (member == SEQUENCE_NUMBER && first) {
        int c0 = ws();
        int d = digits(p);
        if (c0 >= '0'
            && c0 <= '9'
            && d - p <= 18
            && !(c0 == '0' && d - p > 1)
            && (d >= end || (b[d] != '.' && b[d] != 'e' && b[d] != 'E'))) {
          p = d;
          seqEnd = d;
          first = false;
          continue;
        }
      }
      first = false;
      switch (member) {
        case ITEM_ID:
          {
            if (ws() != '"') {
              return false;
            }
            int s = p + 1;
            int q = stringEnd(s);
            if (q < 0) {
              return false;
            }
            idStart = s;
            idEnd = q;
            idPlain = !escaped && ascii;
            p = q + 1;
            break;
          }
        case OUTPUT_INDEX:
          position = smallInt();
          if (position < 0) {
            return false;
          }
          break;
        case SUMMARY_INDEX:
          {
            int i = smallInt();
            if (i < 0) {
              return false;
            }
            summaryIndex = i;
            break;
          }
        case DELTA:
        case ARGUMENTS:
          if ((member == ARGUMENTS) == (kind == ARGUMENTS_DONE)) {
            if (ws() == '"') {
              int quote = p;
              String v = string();
              if (v == null) {
                return false;
              }
              value = v;
              valueStart = quote;
              valuePosition = position;
              valueSummary = summaryIndex;
              valueIdStart = idStart;
              valueIdEnd = idEnd;
              valueIdPlain = idPlain;
            } else {
              if (!skipValue(1)) {
                return false;
              }
              value = null; // not a string: the tree reads it as absent
              valueStart = -1;
            }
          } else if (!skipValue(1)) {
            return false;
          }
          break;
        default:
          if (!skipValue(1)) {
            return false;
          }
      }
    }
  }

  /** At the opening quote of the type's value: the kind it names, or -1. */
  private int kindOf() {
    int s = p + 1;
    for (int i = 0; i < KIND_BYTES.length; i++) {
      byte[] k = KIND_BYTES[i];
      int e = s + k.length;
      if (e < end && b[e] == '"' && same(s, k)) {
        p = e + 1;
        return i + 1;
      }
    }
    return -1;
  }

  /**
   * At the opening quote of a member name: reads it and the colon after it; returns its index in
   * {@link #NAMES}, -1 for another plain name, -2 for one the scan does not read (an escape, a
   * non-ASCII or control byte) or a missing colon.
   */
  private int name() {
    int s = p + 1;
    int found = -1;
    int q = -1;
    for (int i = 0; i < NAMES.length; i++) {
      byte[] n = NAMES[i];
      int e = s + n.length;
      if (e < end && b[e] == '"' && same(s, n)) {
        found = i;
        q = e;
        break;
      }
    }
    if (found < 0) {
      q = ByteScan.plainEnd(b, s, end);
      if (q >= end || b[q] != '"') {
        return -2;
      }
    }
    p = q + 1;
    if (ws() != ':') {
      return -2;
    }
    p++;
    return found;
  }

  /** Whether the bytes at {@code s} are {@code name}'s, within the event. */
  private boolean same(int s, byte[] name) {
    return s + name.length <= end && Arrays.equals(b, s, s + name.length, name, 0, name.length);
  }

  /** A plain non-negative integer of at most nine digits, or -1. */
  private int smallInt() {
    int c = ws();
    if (c < '0' || c > '9') {
      return -1;
    }
    int s = p;
    int q = s;
    int v = 0;
    while (q < end && (c = b[q]) >= '0' && c <= '9') {
      v = v * 10 + (c - '0');
      q++;
    }
    int n = q - s;
    if (n > 9
        || (n > 1 && b[s] == '0')
        || (q < end && (b[q] == '.' || b[q] == 'e' || b[q] == 'E'))) {
      return -1;
    }
    p = q;
    return v;
  }

  /** At an opening quote: the string, decoded as the tree decodes it; null when malformed. */
  private String string() {
    int s = p + 1;
    int q = stringEnd(s);
    if (q < 0) {
      return null;
    }
    p = q + 1;
    if (!escaped) {
      return new String(b, s, q - s, ascii ? StandardCharsets.ISO_8859_1 : StandardCharsets.UTF_8);
    }
    return JsonReader.of(b, s - 1, q - s + 2).nextString();
  }

  /**
   * From the first byte of a string's content: the index of its closing quote, checking the content
   * as {@link JsonReader} does (escapes, no control character, well-formed UTF-8), and noting
   * whether it held an escape and whether it is all ASCII; -1 when it is malformed or does not end.
   */
  private int stringEnd(int q) {
    boolean esc = false;
    boolean plain = true;
    while (true) {
      q = ByteScan.plainEnd(b, q, end);
      if (q >= end) {
        return -1;
      }
      int c = b[q] & 0xFF;
      if (c == '"') {
        escaped = esc;
        ascii = plain;
        return q;
      }
      if (c == '\\') {
        esc = true;
        if (q + 1 >= end) {
          return -1;
        }
        switch (b[q + 1]) {
          case '"':
          case '\\':
          case '/':
          case 'b':
          case 'f':
          case 'n':
          case 'r':
          case 't':
            q += 2;
            break;
          case 'u':
            if (q + 6 > end) {
              return -1;
            }
            for (int i = q + 2; i < q + 6; i++) {
              if (Character.digit(b[i], 16) < 0) {
                return -1;
              }
            }
            q += 6;
            break;
          default:
            return -1;
        }
      } else if (c < 0x20) {
        return -1;
      } else {
        plain = false;
        int n = ByteScan.utf8SequenceLength(b, q, end);
        if (n < 0) {
          return -1;
        }
        q += n;
      }
    }
  }

  /**
   * Skips a value nested {@code depth} levels deep in the event (its members are at 1), checking
   * it; false when it is malformed or nests as deep as the limit.
   */
  private boolean skipValue(int depth) {
    int c = ws();
    switch (c) {
      case '"':
        {
          int q = stringEnd(p + 1);
          if (q < 0) {
            return false;
          }
          p = q + 1;
          return true;
        }
      case '{':
      case '[':
        {
          if (depth + 1 >= maxDepth) {
            return false; // the tree decides what is too deep
          }
          boolean object = c == '{';
          int close = object ? '}' : ']';
          p++;
          if (ws() == close) {
            p++;
            return true;
          }
          while (true) {
            if (object) {
              if (ws() != '"' || name() == -2) {
                return false;
              }
            }
            if (!skipValue(depth + 1)) {
              return false;
            }
            int n = ws();
            if (n == close) {
              p++;
              return true;
            }
            if (n != ',') {
              return false;
            }
            p++;
          }
        }
      case 't':
        return literal("true");
      case 'f':
        return literal("false");
      case 'n':
        return literal("null");
      default:
        return (c == '-' || (c >= '0' && c <= '9')) && number();
    }
  }

  private boolean literal(String word) {
    int n = word.length();
    if (end - p < n) {
      return false;
    }
    for (int i = 1; i < n; i++) {
      if (b[p + i] != word.charAt(i)) {
        return false;
      }
    }
    p += n;
    return true;
  }

  /** Skips a number, checking it against the JSON grammar. */
  private boolean number() {
    int q = p;
    if (b[q] == '-') {
      q++;
    }
    int digits = q;
    q = digits(q);
    if (q == digits || (b[digits] == '0' && q - digits > 1)) {
      return false;
    }
    if (q < end && b[q] == '.') {
      int f = q + 1;
      q = digits(f);
      if (q == f) {
        return false;
      }
    }
    if (q < end && (b[q] == 'e' || b[q] == 'E')) {
      q++;
      if (q < end && (b[q] == '+' || b[q] == '-')) {
        q++;
      }
      int e = q;
      q = digits(e);
      if (q == e) {
        return false;
      }
    }
    p = q;
    return true;
  }

  private int digits(int q) {
    while (q < end && b[q] >= '0' && b[q] <= '9') {
      q++;
    }
    return q;
  }

  /** Skips whitespace; returns the byte there (0 to 255), or -1 at the end. */
  private int ws() {
    while (p < end) {
      int c = b[p] & 0xFF;
      if (c != ' ' && c != '\n' && c != '\r' && c != '\t') {
        return c;
      }
      p++;
    }
    return -1;
  }
}
