package io.github.kimisdk.sse;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The parser's replacement decoder against a reference written another way: random mixes of valid
 * one- to four-byte characters and invalid bytes (fixed seeds), so a shifted lead-byte range or a
 * wrong payload mask in the hand-written decoder shows as a difference. The reference follows
 * Unicode's "maximal subpart" rule, which WHATWG's decoder implements: at each position a
 * well-formed sequence is one character, else the longest prefix of one (at least one byte) is one
 * U+FFFD.
 */
class SseParserUtf8Test {

  /** The second-byte ranges of Unicode Table 3-7, by lead byte; null for an invalid lead. */
  static int[] secondRange(int lead) {
    if (lead >= 0xC2 && lead <= 0xDF) {
      return new int[] {0x80, 0xBF};
    }
    if (lead == 0xE0) {
      return new int[] {0xA0, 0xBF};
    }
    if (lead == 0xED) {
      return new int[] {0x80, 0x9F};
    }
    if (lead >= 0xE1 && lead <= 0xEF) {
      return new int[] {0x80, 0xBF};
    }
    if (lead == 0xF0) {
      return new int[] {0x90, 0xBF};
    }
    if (lead == 0xF4) {
      return new int[] {0x80, 0x8F};
    }
    if (lead >= 0xF1 && lead <= 0xF3) {
      return new int[] {0x80, 0xBF};
    }
    return null;
  }

  static int length(int lead) {
    return lead < 0xE0 ? 2 : lead < 0xF0 ? 3 : 4;
  }

  static String reference(byte[] b) {
    StringBuilder out = new StringBuilder();
    int i = 0;
    while (i < b.length) {
      int lead = b[i] & 0xFF;
      if (lead < 0x80) {
        out.append((char) lead);
        i++;
        continue;
      }
      int[] second = secondRange(lead);
      if (second == null) {
        out.append('\uFFFD');
        i++;
        continue;
      }
      int n = length(lead);
      int ok = 1; // bytes of the sequence that fit so far
      while (ok < n && i + ok < b.length) {
        int x = b[i + ok] & 0xFF;
        int lo = ok == 1 ? second[0] : 0x80;
        int hi = ok == 1 ? second[1] : 0xBF;
        if (x < lo || x > hi) {
          break;
        }
        ok++;
      }
      if (ok == n) {
        // well formed: the JDK's decoder is right on a single valid character
        out.append(new String(b, i, n, StandardCharsets.UTF_8));
      } else {
        out.append('\uFFFD');
      }
      i += ok;
    }
    return out.toString();
  }

  static byte[] randomMix(Random r, int pieces) {
    ByteArrayOutputStream b = new ByteArrayOutputStream();
    for (int p = 0; p < pieces; p++) {
      int kind = r.nextInt(8);
      switch (kind) {
        case 0 -> b.write(r.nextInt(0x80)); // any ASCII, DEL and NUL included
        case 1 -> b.writeBytes(cp(0x80 + r.nextInt(0x800 - 0x80)));
        case 2 -> {
          int c = 0x800 + r.nextInt(0x10000 - 0x800);
          b.writeBytes(cp(c >= 0xD800 && c <= 0xDFFF ? 0xE000 : c));
        }
        case 3 -> b.writeBytes(cp(0x10000 + r.nextInt(0x110000 - 0x10000)));
        case 4 -> b.writeBytes(cp(0x1F600 + r.nextInt(80))); // emoji
        case 5 -> b.write(0x80 + r.nextInt(0x80)); // any non-ASCII byte, valid or not alone
        case 6 -> {
          int c = 0x800 + r.nextInt(0x10FFFF - 0x800);
          byte[] whole = cp(c >= 0xD800 && c <= 0xDFFF ? 0xE000 : c);
          b.write(whole, 0, 1 + r.nextInt(whole.length - 1)); // a truncated sequence
        }
        default ->
            b.writeBytes(new byte[] {(byte) 0xED, (byte) (0xA0 + r.nextInt(0x20)), (byte) 0x80});
      }
    }
    return b.toByteArray();
  }

  static byte[] cp(int c) {
    return new String(Character.toChars(c)).getBytes(StandardCharsets.UTF_8);
  }

  @Test
  void theReplacementDecoderAgreesWithTheReferenceOnRandomMixes() {
    for (long seed = 1; seed <= 300; seed++) {
      Random r = new Random(seed);
      byte[] b = randomMix(r, 1 + r.nextInt(40));
      assertThat(SseParser.decodeUtf8(b, 0, b.length))
          .as("seed %d: %s", seed, hex(b))
          .isEqualTo(reference(b));
    }
  }

  @Test
  void everyMultiByteCharacterNextToABadByteSurvives() {
    List<Integer> samples = new ArrayList<>();
    for (int c : new int[] {0x80, 0x7FF, 0x800, 0xFFFD, 0xFFFF, 0x10000, 0x1F600, 0x10FFFF}) {
      samples.add(c);
    }
    for (int c : samples) {
      for (int bad : new int[] {0x80, 0xBF, 0xC0, 0xC1, 0xF5, 0xFF}) {
        byte[] ch = cp(c);
        byte[] b = new byte[ch.length * 2 + 1];
        System.arraycopy(ch, 0, b, 0, ch.length);
        b[ch.length] = (byte) bad;
        System.arraycopy(ch, 0, b, ch.length + 1, ch.length);
        String s = new String(Character.toChars(c));
        assertThat(SseParser.decodeUtf8(b, 0, b.length))
            .as("U+%04X beside 0x%02X", c, bad)
            .isEqualTo(s + "\uFFFD" + s);
      }
    }
    byte[] del = {0x7F, (byte) 0xFF, 0x00};
    assertThat(SseParser.decodeUtf8(del, 0, del.length)).isEqualTo("\u007F\uFFFD\u0000");
    // an encoded surrogate is three errors (WHATWG), not one (the JDK)
    byte[] surrogate = {'a', (byte) 0xED, (byte) 0xA0, (byte) 0x80, 'b'};
    assertThat(SseParser.decodeUtf8(surrogate, 0, surrogate.length))
        .isEqualTo("a\uFFFD\uFFFD\uFFFDb");
  }

  static String retryOf(String field) {
    SseParser p = new SseParser(e -> {});
    byte[] b = ("retry: " + field + "\n\n").getBytes(StandardCharsets.US_ASCII);
    p.feed(b, 0, b.length);
    return String.valueOf(p.retryMillis());
  }

  @Test
  void retryValuesThatOverflowAreCappedExactlyAtTheLimit() {
    assertThat(retryOf("9223372036854775806")).isEqualTo("9223372036854775806");
    assertThat(retryOf("9223372036854775807")).isEqualTo("9223372036854775807");
    assertThat(retryOf("9223372036854775808")).isEqualTo(String.valueOf(Long.MAX_VALUE));
    assertThat(retryOf("9".repeat(40))).isEqualTo(String.valueOf(Long.MAX_VALUE));
    assertThat(retryOf("1000")).isEqualTo("1000");
    assertThat(retryOf("10a")).isEqualTo("-1");
  }

  static String hex(byte[] b) {
    StringBuilder sb = new StringBuilder();
    for (byte x : b) {
      sb.append(String.format("%02X ", x & 0xFF));
    }
    return sb.toString();
  }
}
