package io.github.kimisdk.sse;

import io.github.kimisdk.base.scan.ByteScan;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Objects;
import java.util.function.Consumer;

/**
 * An incremental parser that turns the bytes of a {@code text/event-stream} into events, following
 * the WHATWG HTML "event stream interpretation" exactly.
 *
 * <p>Feed it bytes in any chunking with {@link #feed(ByteBuffer)} and call {@link #close()} at the
 * end of input. A chunk may end anywhere: inside a line, between the {@code CR} and {@code LF} of a
 * line end, or inside a multi-byte UTF-8 character. The parser
 *
 * <ul>
 *   <li>skips one leading UTF-8 byte order mark;
 *   <li>ends lines at {@code CRLF}, {@code LF} or {@code CR};
 *   <li>ignores lines that start with {@code :} (comments);
 *   <li>reads a line without a colon as a field name with an empty value, and removes one space
 *       after the colon;
 *   <li>joins {@code data} values with {@code "\n"}; takes the type from {@code event} (an event
 *       with no type, or the empty type, is a {@code "message"}); takes the last event ID from
 *       {@code id} unless the value contains NUL, and keeps it for later events; accepts {@code
 *       retry} only when it is all ASCII digits; ignores any other field (names are case
 *       sensitive);
 *   <li>dispatches on a blank line, but only when the event has at least one {@code data} line;
 *   <li>discards an unterminated event at the end of input;
 *   <li>decodes UTF-8 as the WHATWG decoder does, replacing each invalid sequence with U+FFFD.
 * </ul>
 *
 * <p>It works on bytes: it creates no {@code String} per line. With a {@link Listener} it hands
 * each event's {@code data} over as bytes, so a JSON decoder can read them in place; with a {@code
 * Consumer<ServerSentEvent>} it builds one {@link ServerSentEvent} per event. The event type and
 * last event ID strings are cached, so a stream that repeats them allocates them once.
 *
 * <pre>{@code
 * List<ServerSentEvent> events = new ArrayList<>();
 * SseParser parser = new SseParser(events::add);
 * parser.feed(ByteBuffer.wrap("data: hello\n\n".getBytes(StandardCharsets.UTF_8)));
 * parser.close();
 * }</pre>
 *
 * <p>Instances are not thread-safe: feed one from one thread at a time. A parser that threw (a
 * limit was exceeded, or the sink threw) must not be fed again.
 */
public final class SseParser {

  /** Receives dispatched events with their data as bytes. */
  @FunctionalInterface
  public interface Listener {
    /**
     * Receives one dispatched event.
     *
     * @param type the event type, {@code "message"} when the event named none
     * @param data a buffer that holds the UTF-8 data payload ({@code data} lines joined by {@code
     *     '\n'}); valid only during this call, and not to be modified
     * @param off where the payload starts in {@code data}
     * @param len the payload length in bytes, possibly 0
     * @param lastEventId the last event ID, {@code ""} when none was set
     */
    void onEvent(String type, byte[] data, int off, int len, String lastEventId);
  }

  private static final String MESSAGE = "message";
  private static final byte CR = '\r';
  private static final byte LF = '\n';
  private static final byte[] BOM = {(byte) 0xEF, (byte) 0xBB, (byte) 0xBF};
  private static final int SCRATCH_BYTES = 8192;

  private final Listener listener;
  private final int maxLineBytes;
  private final int maxEventBytes;

  // The current line when it spans chunks; empty while lines are parsed in place.
  private byte[] line = new byte[128];
  private int lineLen;
  // The data buffer: each data value followed by '\n'.
  private byte[] data = new byte[256];
  private int dataLen;
  // A first data line still in the caller's array (only during a parse call), or null.
  private byte[] heldData;
  private int heldOff;
  private int heldLen;
  // The event type buffer; empty means "message".
  private byte[] type = new byte[16];
  private int typeLen;
  private byte[] cachedTypeBytes = new byte[0];
  private String cachedType = "";
  // The last event ID buffer, and whether it changed since lastEventId was decoded from it.
  private byte[] id = new byte[16];
  private int idLen;
  private boolean idChanged;
  private String lastEventId = "";
  private long retryMillis = -1;

  // Bytes of the leading BOM matched so far; -1 once the start of the stream is behind us.
  private int bomMatched;
  // The previous chunk ended with CR: a LF that starts the next chunk belongs to that line end.
  private boolean skipLf;
  private boolean closed;
  private boolean failed;
  private byte[] scratch;
  // Bytes of lines that are neither comments nor blank, fed so far (see eventBytes()).
  private long eventBytes;

  /**
   * Creates a parser with {@linkplain SseLimits#defaults() default limits} that hands each event to
   * {@code sink} as a {@link ServerSentEvent}.
   *
   * @param sink receives each dispatched event
   * @throws NullPointerException if {@code sink} is null
   */
  public SseParser(Consumer<ServerSentEvent> sink) {
    this(sink, SseLimits.defaults());
  }

  /**
   * Creates a parser that hands each event to {@code sink} as a {@link ServerSentEvent}.
   *
   * @param sink receives each dispatched event
   * @param limits the line and event size limits
   * @throws NullPointerException if an argument is null
   */
  public SseParser(Consumer<ServerSentEvent> sink, SseLimits limits) {
    this(stringListener(sink), limits);
  }

  /**
   * Creates a parser that hands each event's data to {@code listener} as bytes, without building a
   * {@code String} for it.
   *
   * @param listener receives each dispatched event
   * @param limits the line and event size limits
   * @throws NullPointerException if an argument is null
   */
  public SseParser(Listener listener, SseLimits limits) {
    this.listener = Objects.requireNonNull(listener, "listener");
    Objects.requireNonNull(limits, "limits");
    this.maxLineBytes = limits.maxLineBytes();
    this.maxEventBytes = limits.maxEventBytes();
  }

  private static Listener stringListener(Consumer<ServerSentEvent> sink) {
    Objects.requireNonNull(sink, "sink");
    return (type, data, off, len, id) ->
        sink.accept(new ServerSentEvent(type, decodeUtf8(data, off, len), id));
  }

  /**
   * Parses the remaining bytes of {@code bytes}, dispatching every event they complete, and
   * advances its position to its limit.
   *
   * @param bytes the next bytes of the stream
   * @throws SseException if a line or an event exceeds the limits
   * @throws IllegalStateException if the parser was closed or failed earlier
   * @throws NullPointerException if {@code bytes} is null
   */
  public void feed(ByteBuffer bytes) {
    checkOpen();
    try {
      if (bytes.hasArray()) {
        int start = bytes.arrayOffset() + bytes.position();
        parse(bytes.array(), start, start + bytes.remaining());
        bytes.position(bytes.limit());
      } else {
        if (scratch == null) {
          scratch = new byte[SCRATCH_BYTES];
        }
        while (bytes.hasRemaining()) {
          int n = Math.min(scratch.length, bytes.remaining());
          bytes.get(scratch, 0, n);
          parse(scratch, 0, n);
        }
      }
    } catch (RuntimeException | Error e) {
      failed = true;
      throw e;
    }
  }

  /**
   * Parses {@code len} bytes of {@code bytes} from {@code off}, dispatching every event they
   * complete. The parser keeps no reference to the array.
   *
   * @param bytes holds the next bytes of the stream
   * @param off where they start
   * @param len how many there are
   * @throws SseException if a line or an event exceeds the limits
   * @throws IllegalStateException if the parser was closed or failed earlier
   * @throws IndexOutOfBoundsException if {@code off} and {@code len} do not fit {@code bytes}
   */
  public void feed(byte[] bytes, int off, int len) {
    Objects.checkFromIndexSize(off, len, bytes.length);
    checkOpen();
    try {
      parse(bytes, off, off + len);
    } catch (RuntimeException | Error e) {
      failed = true;
      throw e;
    }
  }

  /**
   * Ends the input. An event that was not yet terminated by a blank line is discarded, as is an
   * unterminated last line. Closing again has no effect.
   */
  public void close() {
    closed = true;
    heldData = null;
    lineLen = 0;
    dataLen = 0;
    typeLen = 0;
  }

  /**
   * Returns the reconnection time from the last valid {@code retry} field, in milliseconds.
   *
   * @return the last valid {@code retry} value, or -1 when none arrived; values too large for a
   *     {@code long} read as {@link Long#MAX_VALUE}
   */
  public long retryMillis() {
    return retryMillis;
  }

  /**
   * Returns how many bytes of events this parser has read: the bytes of every line that is neither
   * a comment nor blank, with its line end, counted as they are fed (a line split across chunks
   * counts its part in each). Comments, such as a server's {@code : keep-alive}, never count. A
   * watchdog that compares it before and after a {@link #feed} tells bytes of an event arriving,
   * however slowly, from a connection kept open by comments alone; {@link #pendingEventType()} says
   * which event they belong to while it is not yet dispatched.
   *
   * @return the count, from 0
   */
  public long eventBytes() {
    return eventBytes;
  }

  /**
   * Returns the type of the event being read: the value of its last complete {@code event} line, or
   * {@code "message"} when none has arrived since the last blank line.
   *
   * @return the type so far
   */
  public String pendingEventType() {
    return typeString();
  }

  /**
   * Returns the last event ID as of the last blank line, which is what a client sends as {@code
   * Last-Event-ID} when it reconnects.
   *
   * @return the last event ID, {@code ""} when none was set
   */
  public String lastEventId() {
    return lastEventId;
  }

  private void checkOpen() {
    if (closed) {
      throw new IllegalStateException("SseParser is closed");
    }
    if (failed) {
      throw new IllegalStateException("SseParser failed earlier and cannot be fed again");
    }
  }

  private void parse(byte[] a, int i, int end) {
    if (bomMatched >= 0) {
      i = skipBom(a, i, end);
      if (i == end) {
        return;
      }
    }
    if (skipLf && i < end) {
      skipLf = false;
      if (a[i] == LF) {
        i++;
      }
    }
    while (i < end) {
      int j = indexOfLineEnd(a, i, end);
      if (j == end) {
        if ((lineLen == 0 ? a[i] : line[0]) != ':') {
          eventBytes += end - i;
        }
        appendLine(a, i, end);
        break;
      }
      byte b = a[j];
      if (lineLen == 0) {
        if (j - i > maxLineBytes) {
          throw lineTooLong();
        }
        if (j > i && a[i] != ':') {
          eventBytes += j - i + 1;
        }
        processLine(a, i, j);
      } else {
        if (line[0] != ':') {
          eventBytes += j - i + 1;
        }
        appendLine(a, i, j);
        int n = lineLen;
        lineLen = 0;
        processLine(line, 0, n);
      }
      i = j + 1;
      if (b == CR) {
        if (i < end) {
          if (a[i] == LF) {
            i++;
          }
        } else {
          skipLf = true;
        }
      }
    }
    if (heldData != null) {
      copyHeldData(); // the caller may reuse its array once this call returns
    }
  }

  /** Returns the index of the first CR or LF in {@code a[i, end)}, or {@code end}. */
  static int indexOfLineEnd(byte[] a, int i, int end) {
    return ByteScan.lineEnd(a, i, end);
  }

  /** Consumes a leading BOM, byte by byte across chunks; returns where parsing goes on. */
  private int skipBom(byte[] a, int i, int end) {
    while (bomMatched < BOM.length && i < end) {
      if (a[i] != BOM[bomMatched]) {
        // Not a BOM after all: the bytes matched so far are ordinary input.
        int matched = bomMatched;
        bomMatched = -1;
        if (matched > 0) {
          parse(BOM, 0, matched);
        }
        return i;
      }
      bomMatched++;
      i++;
    }
    if (bomMatched == BOM.length) {
      bomMatched = -1;
    }
    return i;
  }

  private void appendLine(byte[] a, int from, int to) {
    int n = to - from;
    if (n == 0) {
      return;
    }
    int newLen = lineLen + n;
    if (newLen > maxLineBytes) {
      lineLen = 0;
      throw lineTooLong();
    }
    if (newLen > line.length) {
      line = Arrays.copyOf(line, Math.min(Math.max(newLen, line.length * 2), maxLineBytes));
    }
    System.arraycopy(a, from, line, lineLen, n);
    lineLen = newLen;
  }

  private SseException lineTooLong() {
    return new SseException(
        "event stream line longer than "
            + maxLineBytes
            + " bytes; raise SseLimits.maxLineBytes if the server sends lines this long");
  }

  private void processLine(byte[] a, int s, int e) {
    if (s == e) {
      dispatch();
      return;
    }
    if (a[s] == ':') {
      return; // comment
    }
    int colon = s;
    while (colon < e && a[colon] != ':') {
      colon++;
    }
    int v = colon;
    if (colon < e) {
      v++;
      if (v < e && a[v] == ' ') {
        v++;
      }
    }
    switch (colon - s) {
      case 4:
        if (a[s] == 'd' && a[s + 1] == 'a' && a[s + 2] == 't' && a[s + 3] == 'a') {
          appendData(a, v, e);
        }
        break;
      case 5:
        if (a[s] == 'e'
            && a[s + 1] == 'v'
            && a[s + 2] == 'e'
            && a[s + 3] == 'n'
            && a[s + 4] == 't') {
          type = copy(a, v, e, type);
          typeLen = e - v;
        } else if (a[s] == 'r'
            && a[s + 1] == 'e'
            && a[s + 2] == 't'
            && a[s + 3] == 'r'
            && a[s + 4] == 'y') {
          retry(a, v, e);
        }
        break;
      case 2:
        if (a[s] == 'i' && a[s + 1] == 'd') {
          setId(a, v, e);
        }
        break;
      default:
        break;
    }
  }

  private static byte[] copy(byte[] a, int from, int to, byte[] into) {
    int n = to - from;
    if (n > into.length) {
      into = new byte[Math.max(n, into.length * 2)];
    }
    System.arraycopy(a, from, into, 0, n);
    return into;
  }

  private void appendData(byte[] a, int from, int to) {
    int n = to - from;
    if (heldData != null) {
      copyHeldData();
    } else if (dataLen == 0 && a != line && n <= maxEventBytes) {
      // The first data line, in the caller's array: hold it there. If the blank line follows in
      // the same call, as it usually does, the event is dispatched without copying its data.
      heldData = a;
      heldOff = from;
      heldLen = n;
      return;
    }
    copyData(a, from, to);
  }

  private void copyHeldData() {
    byte[] held = heldData;
    heldData = null;
    copyData(held, heldOff, heldOff + heldLen);
  }

  private void copyData(byte[] a, int from, int to) {
    int n = to - from;
    // The payload after this line is dataLen + n bytes (the trailing '\n' is removed at dispatch).
    if ((long) dataLen + n > maxEventBytes) {
      dataLen = 0;
      throw new SseException(
          "event stream event data larger than "
              + maxEventBytes
              + " bytes; raise SseLimits.maxEventBytes if the server sends events this large");
    }
    int newLen = dataLen + n + 1;
    if (newLen > data.length) {
      data = Arrays.copyOf(data, Math.max(newLen, data.length * 2));
    }
    System.arraycopy(a, from, data, dataLen, n);
    data[newLen - 1] = LF;
    dataLen = newLen;
  }

  private void setId(byte[] a, int from, int to) {
    for (int k = from; k < to; k++) {
      if (a[k] == 0) {
        return; // an id containing NUL is ignored
      }
    }
    int n = to - from;
    if (n == idLen && Arrays.equals(a, from, to, id, 0, n)) {
      return;
    }
    id = copy(a, from, to, id);
    idLen = n;
    idChanged = true;
  }

  private void retry(byte[] a, int from, int to) {
    if (from == to) {
      return;
    }
    long value = 0;
    for (int k = from; k < to; k++) {
      int d = a[k] - '0';
      if (d < 0 || d > 9) {
        return;
      }
      value = value > (Long.MAX_VALUE - d) / 10 ? Long.MAX_VALUE : value * 10 + d;
    }
    retryMillis = value;
  }

  private void dispatch() {
    if (idChanged) {
      lastEventId = decodeUtf8(id, 0, idLen);
      idChanged = false;
    }
    if (heldData != null) {
      byte[] held = heldData;
      heldData = null;
      String t = typeString();
      typeLen = 0;
      listener.onEvent(t, held, heldOff, heldLen, lastEventId);
      return;
    }
    if (dataLen == 0) {
      typeLen = 0;
      return;
    }
    String t = typeString();
    int len = dataLen - 1;
    dataLen = 0;
    typeLen = 0;
    listener.onEvent(t, data, 0, len, lastEventId);
  }

  private String typeString() {
    if (typeLen == 0) {
      return MESSAGE;
    }
    if (!Arrays.equals(type, 0, typeLen, cachedTypeBytes, 0, cachedTypeBytes.length)) {
      cachedTypeBytes = Arrays.copyOf(type, typeLen);
      cachedType = decodeUtf8(type, 0, typeLen);
    }
    return cachedType;
  }

  /**
   * Decodes UTF-8 as the WHATWG "UTF-8 decode" does: every maximal invalid subsequence becomes one
   * U+FFFD. The JDK decoder agrees on valid input and on most invalid input, but not all (it reads
   * an encoded surrogate as one error, WHATWG as three), so input that decodes with a replacement
   * character is decoded again by hand.
   */
  static String decodeUtf8(byte[] b, int off, int len) {
    String s = new String(b, off, len, StandardCharsets.UTF_8);
    if (s.indexOf('\uFFFD') < 0) {
      return s;
    }
    return decodeWhatwg(b, off, len);
  }

  private static String decodeWhatwg(byte[] b, int off, int len) {
    StringBuilder out = new StringBuilder(len);
    int codePoint = 0;
    int needed = 0;
    int seen = 0;
    int lower = 0x80;
    int upper = 0xBF;
    int end = off + len;
    int i = off;
    while (i < end) {
      int x = b[i] & 0xFF;
      if (needed == 0) {
        i++;
        if (x <= 0x7F) {
          out.append((char) x);
        } else if (x >= 0xC2 && x <= 0xDF) {
          needed = 1;
          codePoint = x & 0x1F;
        } else if (x >= 0xE0 && x <= 0xEF) {
          if (x == 0xE0) {
            lower = 0xA0;
          } else if (x == 0xED) {
            upper = 0x9F;
          }
          needed = 2;
          codePoint = x & 0xF;
        } else if (x >= 0xF0 && x <= 0xF4) {
          if (x == 0xF0) {
            lower = 0x90;
          } else if (x == 0xF4) {
            upper = 0x8F;
          }
          needed = 3;
          codePoint = x & 0x7;
        } else {
          out.append('\uFFFD');
        }
        continue;
      }
      if (x < lower || x > upper) {
        // Error: emit U+FFFD and read this byte again as the start of a sequence.
        codePoint = 0;
        needed = 0;
        seen = 0;
        lower = 0x80;
        upper = 0xBF;
        out.append('\uFFFD');
        continue;
      }
      i++;
      lower = 0x80;
      upper = 0xBF;
      codePoint = (codePoint << 6) | (x & 0x3F);
      seen++;
      if (seen == needed) {
        out.appendCodePoint(codePoint);
        codePoint = 0;
        needed = 0;
        seen = 0;
      }
    }
    if (needed != 0) {
      out.append('\uFFFD');
    }
    return out.toString();
  }
}
