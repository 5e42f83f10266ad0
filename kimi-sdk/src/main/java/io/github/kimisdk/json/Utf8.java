package io.github.kimisdk.json;

import io.github.kimisdk.base.scan.ByteScan;
import java.nio.charset.StandardCharsets;

/** Strict UTF-8 checks (RFC 3629) and conversions shared by the reader and writer. */
final class Utf8 {
  private Utf8() {}

  /**
   * Returns the length of the well-formed multi-byte sequence at {@code p}, or -1 when the bytes
   * there are not one: a stray continuation byte, an overlong form, an encoded surrogate, a code
   * point above U+10FFFF, or a sequence cut short by {@code lim}.
   */
  static int sequenceLength(byte[] b, int p, int lim) {
    return ByteScan.utf8SequenceLength(b, p, lim);
  }

  /** Decodes the well-formed sequence of {@code len} bytes at {@code p}. */
  static int codePoint(byte[] b, int p, int len) {
    switch (len) {
      case 1:
        return b[p];
      case 2:
        return (b[p] & 0x1F) << 6 | (b[p + 1] & 0x3F);
      case 3:
        return (b[p] & 0x0F) << 12 | (b[p + 1] & 0x3F) << 6 | (b[p + 2] & 0x3F);
      default:
        return (b[p] & 0x07) << 18
            | (b[p + 1] & 0x3F) << 12
            | (b[p + 2] & 0x3F) << 6
            | (b[p + 3] & 0x3F);
    }
  }

  /** Decodes bytes already checked to be well-formed UTF-8. */
  static String decodeValid(byte[] b, int off, int len) {
    return new String(b, off, len, StandardCharsets.UTF_8);
  }

  /** Counts the UTF-16 chars that the well-formed UTF-8 bytes in [from, to) decode to. */
  static int charCount(byte[] b, int from, int to) {
    int n = 0;
    for (int i = from; i < to; i++) {
      int c = b[i] & 0xFF;
      if ((c & 0xC0) != 0x80) {
        n += c >= 0xF0 ? 2 : 1;
      }
    }
    return n;
  }

  /**
   * Encodes {@code s} as UTF-8.
   *
   * @throws JsonException at the first unpaired surrogate, which UTF-8 cannot encode
   */
  static byte[] encode(String s) {
    int n = s.length();
    byte[] out = new byte[n];
    for (int i = 0; i < n; i++) {
      char c = s.charAt(i);
      if (c >= 0x80) {
        return encodeSlow(s, i, out);
      }
      out[i] = (byte) c;
    }
    return out;
  }

  private static byte[] encodeSlow(String s, int i, byte[] ascii) {
    int n = s.length();
    byte[] out = java.util.Arrays.copyOf(ascii, i + (n - i) * 3);
    int o = i;
    for (; i < n; i++) {
      char c = s.charAt(i);
      if (c < 0x80) {
        out[o++] = (byte) c;
      } else if (c < 0x800) {
        out[o++] = (byte) (0xC0 | c >> 6);
        out[o++] = (byte) (0x80 | (c & 0x3F));
      } else if (!Character.isSurrogate(c)) {
        out[o++] = (byte) (0xE0 | c >> 12);
        out[o++] = (byte) (0x80 | (c >> 6 & 0x3F));
        out[o++] = (byte) (0x80 | (c & 0x3F));
      } else if (Character.isHighSurrogate(c)
          && i + 1 < n
          && Character.isLowSurrogate(s.charAt(i + 1))) {
        int cp = Character.toCodePoint(c, s.charAt(++i));
        out[o++] = (byte) (0xF0 | cp >> 18);
        out[o++] = (byte) (0x80 | (cp >> 12 & 0x3F));
        out[o++] = (byte) (0x80 | (cp >> 6 & 0x3F));
        out[o++] = (byte) (0x80 | (cp & 0x3F));
      } else {
        int line = 1;
        int lineStart = 0;
        for (int j = 0; j < i; j++) {
          if (s.charAt(j) == '\n') {
            line++;
            lineStart = j + 1;
          }
        }
        throw new JsonException(
            String.format(
                "Unpaired surrogate U+%04X in the input; escape it as \\u%04X", (int) c, (int) c),
            line,
            i - lineStart + 1,
            i,
            "");
      }
    }
    return java.util.Arrays.copyOf(out, o);
  }
}
