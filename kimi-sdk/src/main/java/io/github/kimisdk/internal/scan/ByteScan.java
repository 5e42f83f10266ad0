package io.github.kimisdk.internal.scan;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;

/**
 * The byte scan that both JSON decoders run over string contents ({@code JsonReader} and the chunk
 * fast path): where the plain run of a string ends.
 */
public final class ByteScan {

  private static final VarHandle LONGS =
      MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);
  private static final long ONES = 0x0101010101010101L;
  private static final long HIGHS = 0x8080808080808080L;
  private static final long SPACES = 0x2020202020202020L;
  private static final long QUOTES = 0x2222222222222222L;
  private static final long BACKSLASHES = 0x5C5C5C5C5C5C5C5CL;

  private ByteScan() {}

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
