package io.github.kimisdk.token;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Characters that Unicode assigned or changed after JDK 17's Unicode 13.0 are split and counted as
 * Moonshot's tokenizer does (Unicode 16.0), whatever the JDK.
 */
class PreTokenizerUnicodeTest {
  private static List<String> pieces(String text) {
    return PreTokenizerTest.byHand(text, 0, text.length());
  }

  private static String cp(int... codePoints) {
    return new String(codePoints, 0, codePoints.length);
  }

  @Test
  void hanAddedAfterUnicode13JoinsTheHanRun() {
    // U+9FFD (Unicode 14) in the BMP; U+31350 and U+31351 (CJK Extension H, Unicode 15).
    assertThat(pieces("中\u9FFD文")).containsExactly("中\u9FFD文");
    assertThat(pieces("x" + cp(0x31350, 0x31351) + "y"))
        .containsExactly("x", cp(0x31350, 0x31351), "y");
    // The Old Chinese hook and iteration marks were Common in Unicode 13.0 and are Han now.
    assertThat(pieces("中" + cp(0x16FE2, 0x16FE3))).containsExactly("中" + cp(0x16FE2, 0x16FE3));
  }

  @Test
  void lettersAndDigitsAddedAfterUnicode13AreLettersAndDigits() {
    // Latin capital and small letter from Latin Extended-D (Unicode 14).
    assertThat(pieces("\uA7C0bc \uA7C1")).containsExactly("\uA7C0bc", " \uA7C1");
    // Kawi digits (Unicode 15) group by three.
    assertThat(pieces("n" + cp(0x11F50, 0x11F51, 0x11F52, 0x11F53)))
        .containsExactly("n", cp(0x11F50, 0x11F51, 0x11F52), cp(0x11F53));
  }

  @Test
  void countsMatchAnIndependentReference() {
    // Ids from a Python reference (the regex module's Unicode tables, and byte-pair merging by
    // rank over tiktoken.model), for text with characters JDK 17 does not know.
    KimiTokenizer tokenizer = Goldens.tokenizer();
    assertThat(tokenizer.encode("中\u9FFD文")).containsExactly(435, 165, 123, 121, 908);
    assertThat(tokenizer.encode("x" + cp(0x31350, 0x31351) + "y"))
        .containsExactly(87, 172, 109, 235, 238, 172, 109, 235, 239, 88);
    assertThat(tokenizer.encode("\uA7C0bc \uA7C1"))
        .containsExactly(166, 253, 222, 7930, 7707, 253, 223);
    assertThat(tokenizer.encode("中" + cp(0x16FE2, 0x16FE3)))
        .containsExactly(435, 172, 244, 123, 95, 172, 244, 123, 96);
  }

  @Test
  void theTableHoldsTheClassesOfAJdkOnUnicode16() {
    int feature = Runtime.version().feature();
    assumeTrue(feature == 24 || feature == 25, "JDK 24 and 25 have the Unicode 16.0 tables");
    int listed = 0;
    for (int c = 0; c <= Character.MAX_CODE_POINT; c++) {
      int fromTable = PreTokenizer.unicode16(c);
      if (fromTable >= 0) {
        listed++;
        assertThat(fromTable).as("U+%04X", c).isEqualTo(PreTokenizer.jdkClass(c));
      }
    }
    assertThat(listed).isEqualTo(10_125);
  }
}
