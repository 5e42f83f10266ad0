package io.github.kimisdk.base.scan;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;

/**
 * The byte scans the JSON decoders run over string contents ({@code JsonReader}, the chunk fast
 * path, the Responses event scan): where the plain run of a string ends, and how long a UTF-8
 * sequence is; and the bytes of the names the last two match. And the one the SSE parser runs over
 * its input: where a line ends. Each looks at eight bytes at a time (one {@code long}) while eight
 * remain.
 */
public final class ByteScan {

  private static final VarHandle LONGS =
      MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);
  private static final long ONES = 0x0101010101010101L;
  private static final long HIGHS = 0x8080808080808080L;
  private static final long SPACES = 0x2020202020202020L;
  private static final long QUOTES = 0x2222222222222222L;
  private static final long BACKSLASHES = 0x5C5C5C5C5C5C5C5CL;
  private static final long LFS = 0x0A0A0A0A0A0A0A0AL;
  private static final long CRS = 0x0D0D0D0D0D0D0D0DL;

  private ByteScan() {}

  /**
   * Returns the ASCII bytes of a name or value a byte decoder matches.
   *
   * @param s the text, ASCII only
   * @return its bytes
   */
  public static byte[] ascii(String s) {
    return s.getBytes(StandardCharsets.US_ASCII);
  }

  /**
   * Returns the ASCII bytes of each of the names a byte decoder matches, in order.
   *
   * @param names the names, ASCII only
   * @return their bytes
   */
  public static byte[][] asciiNames(String... names) {
    byte[][] out = new byte[names.length][];
    for (int i = 0; i < names.length; i++) {
      out[i] = ascii(names[i]);
    }
    return out;
  }

  /**
   * Returns the length of the well-formed multi-byte UTF-8 sequence at {@code p}, or -1 when the
   * bytes there are not one: a stray continuation byte, an overlong form, an encoded surrogate, a
   * code point above U+10FFFF, or a sequence cut short by {@code lim}. A byte below 0x80 is a
   * sequence of 1.
   *
   * @param b the bytes
   * @param p where the sequence starts
   * @param lim where the bytes end
   * @return the length, 1 to 4, or -1
   */
  public static int utf8SequenceLength(byte[] b, int p, int lim) {
    int c = b[p] & 0xFF;
    if (c < 0x80) {
      return 1;
    }
    if (c < 0xC2) {
      return -1; // continuation byte, or lead of an overlong 2-byte form
    }
    if (c < 0xE0) {
      return p + 1 < lim && isCont(b[p + 1]) ? 2 : -1;
    }
    if (c < 0xF0) {
      if (p + 2 >= lim) {
        return -1;
      }
      int c1 = b[p + 1] & 0xFF;
      // E0 needs A0..BF (no overlongs); ED needs 80..9F (no surrogates).
      int lo = c == 0xE0 ? 0xA0 : 0x80;
      int hi = c == 0xED ? 0x9F : 0xBF;
      return c1 >= lo && c1 <= hi && isCont(b[p + 2]) ? 3 : -1;
    }
    if (c < 0xF5) {
      if (p + 3 >= lim) {
        return -1;
      }
      int c1 = b[p + 1] & 0xFF;
      // F0 needs 90..BF (no overlongs); F4 needs 80..8F (nothing above U+10FFFF).
      int lo = c == 0xF0 ? 0x90 : 0x80;
      int hi = c == 0xF4 ? 0x8F : 0xBF;
      return c1 >= lo && c1 <= hi && isCont(b[p + 2]) && isCont(b[p + 3]) ? 4 : -1;
    }
    return -1;
  }

  private static boolean isCont(byte b) {
    return (b & 0xC0) == 0x80;
  }

  /**
   * Returns the index of the first CR or LF in {@code b[p, lim)}, or {@code lim}. A byte of {@code
   * w ^ 0x0A..} or {@code w ^ 0x0D..} is zero where {@code w} holds LF or CR, and {@code (x -
   * 0x01..) & ~x & 0x80..} flags zero bytes; its lowest flag is always exact (borrows only ever
   * create false flags above a real one), so the lowest flag of the two is the first line end.
   *
   * @param b the bytes
   * @param p where to start
   * @param lim where to stop
   * @return the index of the first CR or LF, or {@code lim}
   */
  public static int lineEnd(byte[] b, int p, int lim) {
    while (lim - p >= Long.BYTES) {
      long w = (long) LONGS.get(b, p);
      long x = w ^ LFS;
      long y = w ^ CRS;
      long found = ((x - ONES) & ~x | (y - ONES) & ~y) & HIGHS;
      if (found != 0) {
        return p + (Long.numberOfTrailingZeros(found) >>> 3);
      }
      p += Long.BYTES;
    }
    while (p < lim) {
      byte c = b[p];
      if (c == '\n' || c == '\r') {
        return p;
      }
      p++;
    }
    return lim;
  }

  /**
   * Returns the index of the first byte in {@code b[p, lim)} that is not printable ASCII other than
   * {@code "} and {@code \} (so a control character, a quote, a backslash or a byte of a multi-byte
   * UTF-8 sequence), or {@code lim}. Looks at eight bytes at a time while eight remain.
   *
   * @param b the bytes
   * @param p where to start
   * @param lim where to stop
   * @return the index of the first such byte, or {@code lim}
   */
  public static int plainEnd(byte[] b, int p, int lim) {
    while (lim - p >= 8) {
      long w = (long) LONGS.get(b, p);
      // Per byte, the high bit of: below 0x20 (the subtraction borrows), '"' or '\\' (the XOR
      // leaves 0, which borrows), or 0x80 and above (set already). Bytes above the first flagged
      // one may be flagged wrongly by a borrow; the lowest flag is exact.
      long m = ((w - SPACES) | ((w ^ QUOTES) - ONES) | ((w ^ BACKSLASHES) - ONES) | w) & HIGHS;
      if (m != 0) {
        return p + (Long.numberOfTrailingZeros(m) >>> 3);
      }
      p += 8;
    }
    while (p < lim) {
      int c = b[p]; // signed: bytes of 0x80 and above are negative
      if (c < 0x20 || c == '"' || c == '\\') {
        return p;
      }
      p++;
    }
    return p;
  }
}
