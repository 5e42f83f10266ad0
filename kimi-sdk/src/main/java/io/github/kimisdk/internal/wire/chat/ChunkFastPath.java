package io.github.kimisdk.internal.wire.chat;

import static io.github.kimisdk.base.scan.ByteScan.ascii;
import static io.github.kimisdk.base.scan.ByteScan.asciiNames;

import io.github.kimisdk.base.scan.ByteScan;
import io.github.kimisdk.chat.ChatCompletionChunk;
import io.github.kimisdk.chat.ChatCompletionChunk.ChunkChoice;
import io.github.kimisdk.chat.ChatCompletionChunk.Delta;
import io.github.kimisdk.chat.ChatCompletionChunk.ToolCallDelta;
import io.github.kimisdk.chat.FinishReason;
import io.github.kimisdk.chat.Usage;
import io.github.kimisdk.json.JsonException;
import io.github.kimisdk.json.JsonReader;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.function.IntFunction;

/**
 * Decodes the stream chunks servers actually send straight from the bytes, without a {@link
 * JsonReader}; gives up (returns null) on anything outside that shape, and {@link ChatCodec} then
 * decodes the chunk with its general reader, which also reports every error.
 *
 * <p>Accepted: objects with members in any order, a choice's {@code logprobs} when it is {@code
 * null}, whitespace between tokens, strings with escapes and non-ASCII text (checked as strictly as
 * the general path does; see {@code escapedString}), {@code null} for every field the general path
 * reads, and integers written without fraction or exponent. Everything else gives up: a member the
 * records do not model, at any level (the general path keeps it in {@code additionalFields}),
 * {@code logprobs} that are not {@code null}, a {@code null} element in {@code choices} or {@code
 * tool_calls}, content or arguments that are not a string, a scalar of another type than expected
 * (the general path converts it leniently), a byte order mark, a negative or long number, a name
 * with an escape or a non-ASCII byte, and any malformed input. What it accepts it decodes to a
 * chunk equal to the general path's, which {@code ChunkFastPathTest} checks on tables, generated
 * chunks and mutated recorded ones.
 *
 * <p>A stream repeats its {@code id}, {@code model} and {@code system_fingerprint} in every chunk,
 * and usually the whole header before {@code choices}. Recent plain-ASCII values of each are kept
 * with their bytes, in small tables indexed by a hash of the bytes (so several streams decoded in
 * turn keep theirs), and a chunk whose bytes are equal shares the {@code String} (or, for the
 * header, every field read from it) instead of decoding it again. The holders are immutable and
 * read racily: streams only cost each other misses, never a wrong value, since a value is shared
 * only when the bytes are equal.
 */
final class ChunkFastPath {

  /**
   * The nesting the fast path can meet (chunk, choices, choice, delta, tool_calls, call, function):
   * with a lower limit the general path must decode, to reject what is too deep.
   */
  static final int DEPTH = 7;

  private static final VarHandle LONGS =
      MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);

  // Member names, ChatCodec's, in the order servers write them (tried in this order).
  private static final byte[][] CHUNK = asciiNames(ChatCodec.ENVELOPE_MEMBERS);
  private static final byte[][] CHOICE = asciiNames(ChatCodec.CHOICE_MEMBERS);
  private static final byte[][] DELTA = asciiNames(ChatCodec.MESSAGE_MEMBERS);
  private static final byte[][] TOOL_CALL = asciiNames(ChatCodec.TOOL_CALL_MEMBERS);
  private static final byte[][] FUNCTION = asciiNames(ChatCodec.FUNCTION_MEMBERS);
  private static final byte[][] USAGE = asciiNames(ChatCodec.USAGE_MEMBERS);
  private static final byte[][] PROMPT_DETAILS = asciiNames(ChatCodec.PROMPT_DETAILS_MEMBERS);
  private static final byte[][] COMPLETION_DETAILS =
      asciiNames(ChatCodec.COMPLETION_DETAILS_MEMBERS);

  private static final byte[] ASSISTANT = ascii("assistant");
  private static final byte[] FUNCTION_TYPE = ascii("function");
  private static final FinishReason[] REASONS = {
    FinishReason.STOP, FinishReason.LENGTH, FinishReason.TOOL_CALLS, FinishReason.CONTENT_FILTER
  };
  private static final byte[][] REASON_BYTES =
      asciiNames("stop", "length", "tool_calls", "content_filter");

  /** The longest value whose bytes are kept for sharing. */
  private static final int MAX_SHARED = 256;

  private static final int ID = 0;
  private static final int MODEL = 1;
  private static final int FINGERPRINT = 2;

  /** Slots per table of kept values; a power of two. */
  private static final int SLOTS = 8;

  /** Recent values of the shared fields, {@link #SLOTS} per field; see the class comment. */
  private static final Seen[] SEEN = new Seen[3 * SLOTS];

  /** A string value and its bytes inside the quotes. */
  private static final class Seen {
    final byte[] raw;
    final String value;

    Seen(byte[] raw, String value) {
      this.raw = raw;
      this.value = value;
    }
  }

  /**
   * The bytes of recent chunks from their start to the value of their {@code choices} member (where
   * servers write {@code id}, {@code object}, {@code created} and {@code model}), and the fields
   * read from them, indexed by {@link #prefixSlot}. A chunk that starts with the same bytes is read
   * from there with those fields, which is what reading the bytes again would give.
   */
  private static final Prefix[] PREFIXES = new Prefix[SLOTS];

  /** See {@link #PREFIXES}. */
  private static final class Prefix {
    final byte[] raw;
    final String id;
    final long created;
    final String model;
    final Usage usage;
    final String fingerprint;

    Prefix(byte[] raw, String id, long created, String model, Usage usage, String fingerprint) {
      this.raw = raw;
      this.id = id;
      this.created = created;
      this.model = model;
      this.usage = usage;
      this.fingerprint = fingerprint;
    }
  }

  private final byte[] b;
  private final int start;
  private final int end;
  private int p;
  private boolean failed;

  /** Whether the last {@link #shared} call returned the value kept from an earlier chunk. */
  private boolean sharedHit;

  private ChunkFastPath(byte[] b, int off, int end) {
    this.b = b;
    this.start = off;
    this.p = off;
    this.end = end;
  }

  /**
   * Decodes the chunk in {@code b[off, off + len)}, or returns null when the general path has to.
   *
   * @throws IndexOutOfBoundsException if the range is outside {@code b}
   */
  static ChatCompletionChunk decode(byte[] b, int off, int len) {
    Objects.checkFromIndexSize(off, len, b.length);
    return new ChunkFastPath(b, off, off + len).chunk();
  }

  private ChatCompletionChunk chunk() {
    String id = null;
    long created = 0;
    String model = null;
    List<ChunkChoice> choices = List.of();
    Usage usage = null;
    String fingerprint = null;
    boolean next;
    boolean sameStream = false;
    int slot = prefixSlot();
    Prefix pre = PREFIXES[slot];
    int n = pre == null ? 0 : pre.raw.length;
    if (n != 0 && end - start > n && Arrays.equals(b, start, start + n, pre.raw, 0, n)) {
      // The same bytes up to the value of "choices" as a recent chunk: the same members so far.
      p = start + n;
      id = pre.id;
      created = pre.created;
      model = pre.model;
      usage = pre.usage;
      fingerprint = pre.fingerprint;
      choices = choices();
      next = more('}');
    } else {
      if (ws() != '{') {
        return null;
      }
      p++;
      next = hasMember();
    }
    while (next) {
      switch (name(CHUNK)) {
        case 0:
          id = shared(ID);
          sameStream = sharedHit;
          break;
        case 2:
          created = integer(15, 0);
          break;
        case 3:
          model = shared(MODEL);
          break;
        case 4:
          // Kept from a stream's second chunk on (its id is one kept already), so a stream's
          // first chunk does not copy a header that may never be seen again.
          if (sameStream && !failed && p - start <= MAX_SHARED) {
            PREFIXES[slot] =
                new Prefix(Arrays.copyOfRange(b, start, p), id, created, model, usage, fingerprint);
          }
          choices = choices();
          break;
        case 5:
          usage = usage();
          break;
        case 6:
          fingerprint = shared(FINGERPRINT);
          break;
        case 1:
          skipScalar(); // "object", which the general path skips too
          break;
        default:
          // A member the chunk does not model: the general path keeps it in additionalFields.
          return null;
      }
      next = more('}');
    }
    if (failed || ws() != -1) {
      return null;
    }
    return new ChatCompletionChunk(id, created, model, choices, usage, fingerprint);
  }

  /**
   * The {@link #PREFIXES} slot of this chunk: a hash of its bytes 8 to 31 (inside the id in
   * servers' chunks), or 0 for a shorter chunk. Only where a header is looked for; a header is
   * still shared only when all its bytes are equal.
   */
  private int prefixSlot() {
    if (end - start < 32) {
      return 0;
    }
    long h =
        (long) LONGS.get(b, start + 8)
            ^ (long) LONGS.get(b, start + 16) * 31
            ^ (long) LONGS.get(b, start + 24) * 961;
    return (int) ((h * 0x9E3779B97F4A7C15L) >>> 61) & (SLOTS - 1);
  }

  private List<ChunkChoice> choices() {
    return array(this::choice);
  }

  /**
   * Reads an array (or {@code null}, as empty) whose elements {@code element} reads, given their
   * position. One element, the usual case, takes no array.
   */
  private <T> List<T> array(IntFunction<T> element) {
    int c = ws();
    if (c == 'n') {
      nullLiteral();
      return List.of();
    }
    if (c != '[') {
      return fail(List.of());
    }
    p++;
    if (ws() == ']') {
      p++;
      return List.of();
    }
    T first = element.apply(0);
    if (!more(']')) {
      return failed ? List.of() : List.of(first);
    }
    // Several elements: rare.
    Object[] all = {first, null, null, null};
    int n = 1;
    do {
      if (n == all.length) {
        all = Arrays.copyOf(all, n * 2);
      }
      all[n] = element.apply(n);
      n++;
    } while (more(']'));
    @SuppressWarnings("unchecked")
    List<T> list = failed ? List.of() : (List<T>) List.of(Arrays.copyOf(all, n));
    return list;
  }

  private ChunkChoice choice(int position) {
    int index = position;
    Delta delta = null;
    FinishReason finish = null;
    Usage usage = null;
    for (boolean next = open(); next; next = more('}')) {
      int m = name(CHOICE);
      if (m == 0) {
        index = intValue(index);
      } else if (m == 1) {
        delta = delta();
      } else if (m == 2) {
        finish = finishReason();
      } else if (m == 3) {
        usage = usage();
      } else if (m != 4 || !isNull()) {
        // Log probabilities, or a member ChunkChoice does not model: the general path reads them.
        return fail(null);
      }
    }
    return new ChunkChoice(index, delta, finish, usage);
  }

  private Delta delta() {
    if (isNull()) {
      return null;
    }
    String role = null;
    String content = null;
    String reasoning = null;
    List<ToolCallDelta> calls = List.of();
    String other = null; // a "reasoning" member: vLLM's, OpenRouter's, Together's name for it
    for (boolean next = open(); next; next = more('}')) {
      switch (name(DELTA)) {
        case 0 -> role = role();
        case 1 -> content = string();
        case 2 -> reasoning = string();
        case 3 -> calls = toolCalls();
        case 6 -> other = string(); // anything but a string or null: the general path
        default -> {
          // A member Delta does not model: the general path keeps it.
          return fail(null);
        }
      }
    }
    if (other != null) {
      if (reasoning == null) {
        reasoning = other;
      } else if (!reasoning.equals(other)) {
        return fail(null); // both, and they differ: the general path keeps the second
      }
    }
    if (role == null && content == null && reasoning == null && calls.isEmpty()) {
      return Delta.EMPTY;
    }
    return new Delta(role, content, reasoning, calls);
  }

  private String role() {
    if (ws() == '"' && equalsString(ASSISTANT)) {
      // The role is always "assistant" in practice: share the constant, as the general path does.
      return "assistant";
    }
    return string();
  }

  private FinishReason finishReason() {
    if (ws() == '"') {
      for (int i = 0; i < REASONS.length; i++) {
        if (equalsString(REASON_BYTES[i])) {
          return REASONS[i];
        }
      }
    }
    String s = string();
    return s == null ? null : FinishReason.of(s);
  }

  private List<ToolCallDelta> toolCalls() {
    return array(position -> toolCall());
  }

  private ToolCallDelta toolCall() {
    Integer index = null;
    String id = null;
    String type = null;
    String name = null;
    String arguments = null;
    for (boolean next = open(); next; next = more('}')) {
      switch (name(TOOL_CALL)) {
        case 0 -> index = integerValue();
        case 1 -> id = string();
        case 2 -> type = ws() == '"' && equalsString(FUNCTION_TYPE) ? "function" : string();
        case 3 -> {
          // A later "function" member replaces an earlier one whole, as in the general path.
          name = null;
          arguments = null;
          for (boolean more = !isNull() && open(); more; more = more('}')) {
            int f = name(FUNCTION);
            if (f == 0) {
              name = string();
            } else if (f == 1) {
              arguments = string();
            } else {
              skipScalar();
            }
          }
        }
        default -> {
          // A member ToolCallDelta does not model: the general path keeps it.
          return fail(null);
        }
      }
    }
    return new ToolCallDelta(index, id, type, name, arguments);
  }

  private Usage usage() {
    if (isNull()) {
      return null;
    }
    Integer[] counts = new Integer[ChatCodec.COUNTS];
    for (boolean next = open(); next; next = more('}')) {
      int m = name(USAGE);
      if (m == 4) {
        details(PROMPT_DETAILS, ChatCodec.PROMPT_DETAILS_SLOTS, counts);
      } else if (m == 5) {
        details(COMPLETION_DETAILS, ChatCodec.COMPLETION_DETAILS_SLOTS, counts);
      } else if (m >= 0) {
        counts[ChatCodec.USAGE_SLOTS[m]] = integerValue();
      } else {
        // A member Usage does not model: the general path keeps it in additionalFields.
        return fail(null);
      }
    }
    return ChatCodec.usage(counts, null);
  }

  /**
   * Reads the counts named by {@code names} of a {@code *_tokens_details} object into their {@code
   * slots}; other scalar members are skipped.
   */
  private void details(byte[][] names, int[] slots, Integer[] counts) {
    if (isNull()) {
      return;
    }
    for (boolean next = open(); next; next = more('}')) {
      int m = name(names);
      if (m >= 0) {
        counts[slots[m]] = integerValue();
      } else {
        skipScalar();
      }
    }
  }

  // ---------------------------------------------------------------------------------------------
  // Tokens. After a failure p is at the end, so every later read fails at once and loops stop.

  private <T> T fail(T value) {
    failed = true;
    p = end;
    return value;
  }

  /** Skips whitespace; returns the byte there (0 to 255), or -1 at the end. */
  private int ws() {
    int q = p;
    int lim = end;
    byte[] a = b;
    while (q < lim) {
      int c = a[q] & 0xFF;
      if (c > ' ') {
        p = q;
        return c;
      }
      if (c != ' ' && c != '\n' && c != '\r' && c != '\t') {
        p = q;
        return c;
      }
      q++;
    }
    p = q;
    return -1;
  }

  /** After an opening brace: true if a member follows, false (brace consumed) for {@code {}}. */
  private boolean hasMember() {
    if (ws() == '}') {
      p++;
      return false;
    }
    return true;
  }

  /**
   * At an object: consumes its opening brace and returns whether a member follows (for {@code {}},
   * the closing brace is consumed too); fails (returning false) on anything else. A loop over the
   * members runs {@code for (boolean next = open(); next; next = more('}'))}, reading the name and
   * the value in its body.
   */
  private boolean open() {
    if (ws() != '{') {
      fail(null);
      return false;
    }
    p++;
    return hasMember();
  }

  /** At a value: consumes it and returns true if it is {@code null}; else consumes nothing. */
  private boolean isNull() {
    if (ws() == 'n') {
      nullLiteral();
      return true;
    }
    return false;
  }

  /**
   * After a value: consumes a comma and returns true, or consumes {@code close} and returns false;
   * fails (returning false) on anything else.
   */
  private boolean more(char close) {
    int c = ws();
    if (c == ',') {
      p++;
      return true;
    }
    if (c == close) {
      p++;
      return false;
    }
    fail(null);
    return false;
  }

  /**
   * Reads a member name and the colon after it. Returns its index in {@code names}, or -1 for
   * another name; fails on a name with an escape, a non-ASCII or a control byte (the general path
   * decodes those).
   */
  private int name(byte[][] names) {
    if (ws() != '"') {
      return fail(-1);
    }
    byte[] a = b;
    int lim = end;
    int s = p + 1;
    // A known name is its bytes and then the closing quote (known names hold no quote or escape).
    int found = -1;
    int q = s;
    for (int i = 0; i < names.length; i++) {
      byte[] name = names[i];
      int e = s + name.length;
      if (e < lim && a[e] == '"' && same(a, s, name)) {
        found = i;
        q = e;
        break;
      }
    }
    if (found < 0) {
      int c = 0;
      while (q < lim && (c = a[q]) != '"') {
        if (c < 0x20 || c == '\\') {
          // Negative bytes (non-ASCII) land here too.
          return fail(-1);
        }
        q++;
      }
      if (q >= lim) {
        return fail(-1);
      }
    }
    q++;
    if (q < lim && a[q] == ':') {
      p = q + 1;
      return found;
    }
    p = q;
    if (ws() != ':') {
      return fail(-1);
    }
    p++;
    return found;
  }

  private static boolean same(byte[] a, int s, byte[] name) {
    for (int i = 0; i < name.length; i++) {
      if (a[s + i] != name[i]) {
        return false;
      }
    }
    return true;
  }

  /**
   * At an opening quote: if the string's bytes are exactly {@code value} followed by the closing
   * quote, consumes the string and returns true; otherwise consumes nothing.
   */
  private boolean equalsString(byte[] value) {
    int s = p + 1;
    int n = value.length;
    if (end - s <= n || b[s + n] != '"' || !same(b, s, value)) {
      return false;
    }
    p = s + n + 1;
    return true;
  }

  /**
   * At a string (whose contents start at {@code p + 1}): returns where the plain run of its
   * contents ends ({@link ByteScan#plainEnd}), which is its closing quote for a plain string; at
   * anything else, -1. Consumes nothing.
   */
  private int plainRun() {
    if (ws() != '"') {
      return -1;
    }
    return ByteScan.plainEnd(b, p + 1, end);
  }

  /** Whether a run {@link #plainRun} returned ends at its string's closing quote. */
  private boolean closes(int q) {
    return q < end && b[q] == '"';
  }

  /** At a value that is not a string: consumes {@code null} and returns null; fails otherwise. */
  private String nullOrFail() {
    return isNull() ? null : fail(null);
  }

  /** Reads a string or null. */
  private String string() {
    int q = plainRun();
    if (q < 0) {
      return nullOrFail();
    }
    int s = p + 1;
    if (!closes(q)) {
      return escapedString(s, q);
    }
    p = q + 1;
    return new String(b, s, q - s, StandardCharsets.ISO_8859_1);
  }

  /**
   * Reads a string or null like {@link #string()}, returning a value kept for {@code field} when
   * the bytes inside the quotes are the same.
   */
  private String shared(int field) {
    sharedHit = false;
    int q = plainRun();
    if (q < 0 || !closes(q)) {
      return string(); // null, or a string with an escape or a non-ASCII byte: rare here
    }
    byte[] a = b;
    int s = p + 1;
    int n = q - s;
    p = q + 1;
    // The table index: the field's table, and a hash of the length and two bytes.
    int h = n * 31 + a[q - 1] * 7 + a[s + (n >> 1)];
    int slot = field * SLOTS + ((h ^ (h >>> 3)) & (SLOTS - 1));
    Seen last = SEEN[slot];
    if (last != null && last.raw.length == n && Arrays.equals(a, s, q, last.raw, 0, n)) {
      sharedHit = true;
      return last.value;
    }
    String value = new String(a, s, n, StandardCharsets.ISO_8859_1);
    if (n <= MAX_SHARED) {
      SEEN[slot] = new Seen(Arrays.copyOfRange(a, s, q), value);
    }
    return value;
  }

  /**
   * Reads a string that holds an escape, a non-ASCII or a control byte at {@code q}, whose content
   * starts at {@code s}. Finds its closing quote; without escapes, decodes it as UTF-8 with the
   * JDK, which replaces every malformed sequence with U+FFFD, so a result without U+FFFD proves the
   * bytes well-formed. Otherwise lets a {@link JsonReader} over just that string decode and check
   * it, so the rules (escapes, strict UTF-8) are the general path's.
   */
  private String escapedString(int s, int q) {
    byte[] a = b;
    int lim = end;
    boolean escapes = false;
    while (true) {
      q = ByteScan.plainEnd(a, q, lim);
      if (q >= lim) {
        return fail(null);
      }
      int c = a[q];
      if (c == '"') {
        break;
      }
      if (c == '\\') {
        escapes = true;
        q += 2;
      } else if (c < 0) {
        q++;
      } else {
        // An unescaped control character: malformed.
        return fail(null);
      }
    }
    if (!escapes) {
      String value = new String(a, s, q - s, StandardCharsets.UTF_8);
      if (value.indexOf('\uFFFD') < 0) {
        p = q + 1;
        return value;
      }
    }
    try {
      JsonReader r = JsonReader.of(a, s - 1, q + 2 - s);
      String value = r.nextString();
      r.endDocument();
      p = q + 1;
      return value;
    } catch (JsonException e) {
      return fail(null);
    }
  }

  /**
   * Skips a string, number, {@code true}, {@code false} or {@code null}; fails on anything else.
   */
  private void skipScalar() {
    int c = ws();
    switch (c) {
      case '"':
        {
          int q = plainRun();
          if (closes(q)) {
            p = q + 1;
          } else {
            escapedString(p + 1, q);
          }
          return;
        }
      case 'n':
        nullLiteral();
        return;
      case 't':
        literal("true");
        return;
      case 'f':
        literal("false");
        return;
      default:
        if (c == '-' || (c >= '0' && c <= '9')) {
          skipNumber();
        } else {
          fail(null);
        }
    }
  }

  private void nullLiteral() {
    literal("null");
  }

  private void literal(String word) {
    int n = word.length();
    if (end - p < n) {
      fail(null);
      return;
    }
    for (int i = 1; i < n; i++) {
      if (b[p + i] != word.charAt(i)) {
        fail(null);
        return;
      }
    }
    p += n;
  }

  /** Skips a number, checking it against the JSON grammar. */
  private void skipNumber() {
    byte[] a = b;
    int lim = end;
    int q = p;
    if (a[q] == '-') {
      q++;
    }
    int digits = q;
    q = digits(a, q, lim);
    if (q == digits || (a[digits] == '0' && q - digits > 1)) {
      fail(null);
      return;
    }
    if (q < lim && a[q] == '.') {
      int f = q + 1;
      q = digits(a, f, lim);
      if (q == f) {
        fail(null);
        return;
      }
    }
    if (q < lim && (a[q] == 'e' || a[q] == 'E')) {
      q++;
      if (q < lim && (a[q] == '+' || a[q] == '-')) {
        q++;
      }
      int e = q;
      q = digits(a, e, lim);
      if (q == e) {
        fail(null);
        return;
      }
    }
    p = q;
  }

  private static int digits(byte[] a, int q, int lim) {
    while (q < lim && a[q] >= '0' && a[q] <= '9') {
      q++;
    }
    return q;
  }

  /**
   * Reads a plain non-negative integer of at most {@code maxDigits} digits (no fraction, exponent
   * or leading zero) at p, which is a digit; fails on anything else.
   */
  private long digitsValue(int maxDigits) {
    byte[] a = b;
    int lim = end;
    int s = p;
    int q = s;
    long v = 0;
    int c;
    while (q < lim && (c = a[q]) >= '0' && c <= '9') {
      v = v * 10 + (c - '0');
      q++;
    }
    int n = q - s;
    if (n > maxDigits
        || (n > 1 && a[s] == '0')
        || (q < lim && (a[q] == '.' || a[q] == 'e' || a[q] == 'E'))) {
      return fail(0L);
    }
    p = q;
    return v;
  }

  /**
   * Reads a plain non-negative integer of at most {@code maxDigits} digits, or {@code none} for
   * {@code null}; fails on anything else. A {@code created} of 15 digits stays below 2^53, so the
   * general path reads it exactly too.
   */
  private long integer(int maxDigits, long none) {
    int c = ws();
    if (c >= '0' && c <= '9') {
      return digitsValue(maxDigits);
    }
    if (c == 'n') {
      nullLiteral();
      return none;
    }
    return fail(none);
  }

  private int intValue(int fallback) {
    return (int) integer(9, fallback);
  }

  private Integer integerValue() {
    return isNull() ? null : (int) integer(9, 0);
  }
}
