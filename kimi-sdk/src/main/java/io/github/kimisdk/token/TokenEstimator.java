package io.github.kimisdk.token;

import java.util.Objects;

/**
 * Estimates how many tokens a text costs, fast and without the 2.8 MB vocabulary that {@link
 * KimiTokenizer} needs.
 *
 * <pre>{@code
 * int tokens = TokenEstimator.forKimi().estimate(prompt);
 * }</pre>
 *
 * <p><b>How.</b> One pass over the characters counts features that drive Kimi's pre-tokenization
 * and merging: Latin-script words (a capital after a lower-case letter starts a new one, as in
 * {@code camelCase}), letters beyond the 6th of a word, runs of capitals, and runs of two or more
 * capitals followed by lower-case letters (as in base64), digit groups of up to three, switches
 * between letters and digits (as in hex), ASCII punctuation, punctuation runs and changes of symbol
 * within a run, whitespace runs, tabs and line breaks; words of four or more lower-case letters
 * that are certainly not one token (their first two and last two letters and length match no
 * single-token word of Kimi's vocabulary, from an 8 KB bitmap: most Dutch, German or Finnish words,
 * few English ones); Han characters (split into the 4,919 that are single tokens in Kimi's
 * vocabulary, from a 2.6 KB bitmap, and the rest), CJK punctuation, kana, Hangul, accented Latin
 * words (Vietnamese ones apart), Cyrillic words and letters (with extra weight for words with a
 * letter outside the Russian alphabet, as in Serbian, Ukrainian or Bulgarian), Greek, Arabic,
 * Hebrew, Devanagari, Bengali, other Indic scripts, Thai and Lao, Armenian, Georgian and other
 * alphabets, words in those scripts, typographic quotes and dashes, other symbols, and
 * supplementary code points such as emoji. The estimate is a weighted sum of these counts, leaning
 * up by 2% on texts of 1,000 characters or more (phased in from 500), rounded up. ASCII runs are
 * consumed by tight loops over a small copied buffer, the only allocation.
 *
 * <p><b>Calibration.</b> The weights were fitted against {@link KimiTokenizer}'s exact counts on
 * 1,211 documents (2.6 million characters): English prose (licences, READMEs), source code (Java,
 * Python, C, Rust, Go, JavaScript, shell, Perl, XML, minified JavaScript and CSS, LaTeX, HTML),
 * JSON, machine text (base64, hex dumps, hashes, UUIDs, logs, CSV), Markdown, Chinese (Simplified
 * and Traditional prose and UI strings), Japanese and Korean, other Latin-script languages (UI
 * strings and help texts in 25 languages, prose), UI strings and help texts in 16 other languages,
 * prose written for the corpus in 21 languages, and mixed text with emoji. The fit used 60% of the
 * documents, minimising relative error with an extra penalty on undercounts of more than 3%, and a
 * steep one on undercounts of more than 5% of texts over 1,000 characters, since an estimate that
 * undercounts lets a request overflow. On the 492 held-out documents of at least 20 tokens the mean
 * absolute error, and the worst undercount and overcount, were:
 *
 * <table>
 *   <caption>Mean absolute error against the exact count (worst under / over)</caption>
 *   <tr><th>text</th><th>this estimator</th><th>{@code length / 4}</th>
 *       <th>Moonshot CLI: {@code ceil(ascii / 4) + nonAscii}</th></tr>
 *   <tr><td>English prose</td><td>4.7% (-9% / +16%)</td><td>14.6% (-17% / +38%)</td>
 *       <td>14.9% (-17% / +40%)</td></tr>
 *   <tr><td>source code</td><td>7.6% (-9% / +33%)</td><td>11.7% (-41% / +83%)</td>
 *       <td>11.7% (-41% / +86%)</td></tr>
 *   <tr><td>JSON</td><td>5.8% (-10% / +17%)</td><td>21.2% (-41% / +31%)</td>
 *       <td>20.8% (-40% / +31%)</td></tr>
 *   <tr><td>machine text: base64, hex, logs, CSV</td><td>6.3% (-3% / +15%)</td>
 *       <td>52.5% (-63% / -30%)</td><td>52.3% (-63% / -30%)</td></tr>
 *   <tr><td>Markdown</td><td>5.4% (-5% / +15%)</td><td>11.9% (-9% / +27%)</td>
 *       <td>13.0% (-8% / +30%)</td></tr>
 *   <tr><td>Chinese</td><td>7.7% (-7% / +22%)</td><td>35.9% (-77% / -7%)</td>
 *       <td>22.2% (-24% / +86%)</td></tr>
 *   <tr><td>Japanese, Korean</td><td>9.1% (-12% / +36%)</td><td>47.3% (-72% / +40%)</td>
 *       <td>17.2% (-14% / +57%)</td></tr>
 *   <tr><td>other Latin-script languages</td><td>5.7% (-20% / +16%)</td><td>20.5% (-50% / +19%)</td>
 *       <td>16.4% (-47% / +24%)</td></tr>
 *   <tr><td>other scripts, UI strings</td><td>6.8% (-8% / +16%)</td><td>52.2% (-74% / +6%)</td>
 *       <td>44.7% (-9% / +160%)</td></tr>
 *   <tr><td>prose written in 21 languages</td><td>7.2% (-5% / +18%)</td>
 *       <td>57.3% (-71% / -42%)</td><td>48.2% (-26% / +107%)</td></tr>
 *   <tr><td>mixed, with emoji</td><td>2.0% (-1% / +5%)</td><td>52.4% (-78% / -28%)</td>
 *       <td>34.3% (-58% / +26%)</td></tr>
 *   <tr><td>all</td><td>6.5% (-20% / +36%)</td><td>26.5% (-78% / +83%)</td>
 *       <td>20.6% (-63% / +160%)</td></tr>
 * </table>
 *
 * <p>The estimate leans high (by 5% on average). None of the 256 held-out documents over 1,000
 * characters was undercounted by more than 10% ({@code length / 4}: 143; the CLI heuristic: 85),
 * nor any of all 610 such documents, fitted on or not (worst -8.6%). Cross-validated (5 folds, 5
 * seeds, every document estimated by weights fitted without it), 1 or 2 of the 610 were: a Bengali
 * list of transliterated language names (-12% to -13%) and Finnish UI strings (-10% to -11%); no
 * category's mean error exceeded 8.8%. The larger undercounts are on short texts (-20%: 586
 * characters of Norwegian UI strings). Known overestimates: code with long runs of symbols or short
 * identifiers (up to +33%), and short Korean snippets; a 100-character snippet can be off by a
 * third either way. When a request must fit exactly, count with {@link KimiTokenizer}. The table
 * comes from {@code python3 fit_weights.py features.csv} in {@code
 * benchmarks/estimator-calibration} (its README gives the steps; {@code --cv} prints the
 * cross-validation).
 *
 * <p><b>Speed.</b> On 64 KB samples on an idle 2-core machine, each counter alone in its JVM for 8
 * s ({@code TokenSteadySpeed} in the benchmarks module), fastest call: 596 to 598 MB/s on English,
 * 5.8x the exact tokenizer's speed on the same text; 476 to 505 MB/s on Java source (5.6x); 465 to
 * 487 MB/s on Chinese (23x). JMH ({@code TokenEstimatorBenchmark}) gave 524 to 565 MB/s on English.
 * Looking up unknown words costs about a sixth of the speed on English; see {@code
 * benchmarks/results/tokens.md}.
 *
 * <p>Instances are immutable and safe to share between threads.
 */
public final class TokenEstimator {
  // Feature indices: one counter each, weighted at the end.
  static final int WORDS = 0;
  static final int LONG6 = 1;
  static final int UPPER = 2;
  static final int DIGIT_GROUPS = 3;
  static final int PUNCT = 4;
  static final int PUNCT_RUNS = 5;
  static final int SPACE_RUNS = 6;
  static final int TABS = 7;
  static final int NEWLINE_RUNS = 8;
  static final int HAN = 9;
  static final int HAN_RARE = 10;
  static final int CJK_PUNCT = 11;
  static final int KANA = 12;
  static final int HANGUL = 13;
  static final int ACCENTED_WORDS = 14;
  static final int CYRILLIC = 15;
  static final int GREEK = 16;
  static final int ARABIC = 17;
  static final int HEBREW = 18;
  static final int DEVANAGARI = 19;
  static final int INDIC_OTHER = 20;
  static final int THAI_LAO = 21;
  static final int ARMENIAN = 22;
  static final int ALPHABET_OTHER = 23;
  static final int OTHER_WORDS = 24;
  static final int SYMBOLS = 25;
  static final int SUPPLEMENTARY = 26;
  static final int ACCENTED = 27;
  static final int VIETNAMESE = 28;
  static final int CYRILLIC_EXTRA = 29;
  static final int CYRILLIC_WORDS = 30;
  static final int CYRILLIC_MARKED_WORDS = 31;
  static final int BENGALI = 32;
  static final int VIETNAMESE_WORDS = 33;
  static final int GENERAL_PUNCT = 34;
  static final int PUNCT_CHANGES = 35;
  static final int LETTER_DIGIT = 36;
  static final int CAPS_THEN_LOWER = 37;
  static final int UNKNOWN_WORDS = 38;
  static final int FEATURES = 39;

  /**
   * One bit per code point in U+4E00..U+9FFF: set when the Han character is a single token in
   * Kimi's vocabulary (4,919 of 20,992; the common, mostly simplified characters). Derived from
   * {@code tiktoken.model} once; the others cost two or three tokens on their own.
   */
  private static final long[] COMMON_HAN = commonHan();

  private static long[] commonHan() {
    return KnownWords.bitmap(
        "i297f/YtVW8o+13jQwALQEDbNo32eyyE82z6QzgVxagC5IPnUYxRNUDgq78JkgmQWKmAKOnRIIAchINhAucCRQCo"
            + "FIdSJgBUiNEgFCAA0IghIAACCBEECACAAASAACAIAAgEAAIEAIB7K1IUJHn7OyEzpBo1kO04UZoCKFOgSa/LJIYv"
            + "MUvBDw40UwCghiSgAAEA6AsPLsKICiWjEAAAxGEh4SILRADOi8f+VdeIu4F0GiClZEEAiAZ/0ot5/88zWvev6MP7"
            + "MntJBaEZVAEqOVHYdQ7Qnwqh02OWgOJnBDTAghMAkdACQFiEIBDyFEFR3Q4QM4AAqiggAF6wWoWEICFTAIkQAFaK"
            + "AFCQEAQXQhAAwAgACACAEAAEEEydIBPkSAkEgAgjCUSF5IPsU4WIABwIBAhNaAAADEgQgAEAAAZEACIAEgQzAAAQ"
            + "EkEAGABAKACIwgADAAAiACIAEFhNApCicJaA7pIHlMvyBSUAWCPcJUxCIEMESkAMmzQoEQCK+gAKkSkCVhBBAiAE"
            + "hATwhAAABAwAAAwABhJQAEoCAAAAAgAIAACQAAAAsbdcBiEkqpug/39MeeP0EA3gIkEB39KmUiWQEBL3J98iQCOA"
            + "AoIGENMMAiqKAQAAAAJiJUEIhEBQCAAiECAAFAABAAIAAAQAAAIAAAAAICAAYOZLnmBuEWE9wGiAMSQQMAAGAFy9"
            + "2IT51sAg4EEABkgAAADAhB2NqonhgqIWAACsINQ2gxqzH6UTAkeoIHiwhxODCCKoZ0B0MKOFABgIKCUGHLdJnBAi"
            + "UIRJkRQZYAwilcH7WQYCgyCMmAgAgABZIgCEAaEAAEgQAIATAEAEDQQAQAAggAD1R41AVJjAg2seCcj+SdIRBu4N"
            + "NxkisvRz3Zvs85rwhkJC7DuNACRk6iHAjkDADIWTRQGtF4kEAKJFCAokECAngBlQADQAJNIEFEGAAgADrAAmQBBy"
            + "oRElYARARAAAAAEABAEgiEDLIJHiakwQlQGAGIuasqIBMiLYwADlM8IMxdQ4gqGhMlAOmPyEUMFRRJQAwgCAQRAA"
            + "AAAAMkAAHdMJK7CoQL0yJE3CQ9AjoavAkgKhNAysyAEQgB8VIZAaiKCLygACBoBzT1EbAO4DQABigIgAxKEpAAEq"
            + "JAUJQCIEIGAEEAAgAYAEABBECSCAMlQBMBgAKZAICBgBiQAAAKAABACCAgYiYJAAAIMCAAIAAQABAAAQAAAAAAAA"
            + "AAAAAAAAAACPAAREwBIAAvwEEBrIDkAAAgCwgCaovAoCiAAAAICaiJTFFQGHAqHoEwZVZi6TCYruTAr7EBaoSC+F"
            + "K3kCCIRKIAQmeOrMHhZIRpABJFMoqNrHJIHxGEJDEliKGiBlkSQ7ohQFGCBACQBAAMAogkEQpIRQBIIIOkRyAxAA"
            + "RII4AAGOCkCAIABRRGAQFRBBABCCAAgCBQAGCAPAAAAAAAIMAAAAAACQAEAAqGHRI0ZkEgD4CDcOBQCL0LuAIgAG"
            + "4AdCgEMAAFAAUNBBBCEQhBCCAREAAghEIAAgAAAAQAAAAAAU5iuAMQSKxwIkBgMEBAAAkMACFAGBQgNyAxEAQGA4"
            + "IF6QwAAAhAAAAAAAkApCCCDKhQwlpwNAASAARGimAQhkBXkQAAAg3gAAQUCJSAHQgAEBAAAAABBcwMAAEAAAlyg7"
            + "rw0gkBASYAQVgUCAgqYayCZzpAc0SZwAE4IDAACDVQ4QQQAQQBAICAB91ElKAgBAEoBkxdeJCMAUUwIbAIBBg8AV"
            + "AwADCE4YAOIwWAQAoTYJiAAAgBgsakjABjBQJKAAkVUhACQgAFgAEABygoGIAAtEIgwhAAABgAQCAAAAAAAQVIdD"
            + "QfwhoYAFM4AAAIAAAG5LKgaB0IIBKQFoAEQJQIi4QACAAAAA0IYaIeaxYAAAgAAIQMIpoECGSAkSCkERABQAilco"
            + "AQCiQgEgsAACKhIAwAAIIAJAggCAEAAAgAQAgQIgAAAAAAgoAAKmgTBECnIgJGCSAYAACBEEACSFiAEAFBABAABA"
            + "AgAAAAAEAAAAAACAAAQAAQAAAAAAAAAAAAACAAAAAAAAAAQAAADdve7n+OUu/6zu+bHxQ3g3MWcRBRQAswQGRgQC"
            + "AlQQxBKCBKMiVBCBAwILGHswoQNAAUipRBwQBQAEAADIGkAtN8YW5FtQQFyyqEslRKZLBQCAAkFAHDsAIGIT3gGF"
            + "AjkAAQgMTQAAAIgkGFhhMBTQABRjAoAAAAEAwA1EBG0EMmLwimOAqJ7IaoCCAj7CgBCAmXIDSYIVxLuJgBFgQgxB"
            + "AQyWJoKUQBABAgYAGHgAIPABAjFAAIAMChoiAAQIABIAAASBEAIKoAAQAAAAAIoEAhiAPAgGAAIAARBAkIAACACE"
            + "AQAAgikQEAIAiAAAAgAAAAABAMATxAAIAmIHFCgwGIYAAIFMAIoQQAlCjQWsFSIAkIiAUoACAQBQAAwgAAAAAQgE"
            + "QQgGAAEAAEIAACAABgAAAGEwmAouW4EANihEEBAoAgBmADCDEAEaI4QABQQgBEAAEAAAgAAAAIBKiEAAgAQAAHYH"
            + "BkBIAAAAAQEAAQAgAhAAACBAQAAKAgAiCEAAMACAAAhAAAAAAAAAAAAAAAAAAAAAAABAEIEAAAAAADbn3fd7r6Lv"
            + "77r37Xr9r578N5IAQhIABAIMAAIkEBAAAAAAAIAAAEAABAAAAAAA4P7/t98e3VFtXyjxACIMAIAIABhBSBhCrBCF"
            + "qAwAlABgBEYiAhQNBAJAMASAgoAAAACYBAQAJAAABAAAAAACAAAAAAAAAAAAAMDTVbh4J+vbCAsDcrZBE/t0LoEj"
            + "b6aV7g1AJFmG6J0ILGMwgQ0JKghM1CoPAkQCMIIpECEEAABCBAACAAA6hCQo1OOBgAoEDAAAAASA9gIQAAAAAAAA"
            + "AAAAAAAAEAAAAAAAEABAAAAAAEAAAAAAAAAAAAAAAAAAAAAABAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"
            + "AAAAAAAAAAAACAAAAAeM+v3DO1hvQgE4HXBlxXeZAQ5+4CUOhzJDEACgyYABCAgABAAAAAAAAAAA7bVvZ0NTlgJE"
            + "foj1OSEIFgfkAGSsERuAAEBw87IgAASFyErT4khQACAEQwAATEInAlgAICgAAQkgAAAAAAAAwDJoAGAAAAAAIAAA"
            + "ABAAQAAA4O72Nct10QAAAABALMcAAAAAAAABAABBAAAAACAAIOXntHOpxAIgEQAAIAAAAAAAAAAAAAAAAAAAAAAA"
            + "AAAA8Fvb9pyCXDIBwQEkGAgBQAAACAgACIAAAAAQtoAQAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"
            + "AAAAkAIhAhAUCUQBODDgYAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAIBvpCjgKJciENAo"
            + "AYAACAygQAAAaRDgEikAgAAAAEAIAAEAAEgAAAEAAAAAgBAJAI4AAAAAAAAAAAAAAAA=");
  }

  /**
   * The feature each non-ASCII code point below {@link #TABLE_END} counts towards. Letters of an
   * alphabetic script also form words (see {@link #WORD_GROUP}).
   */
  private static final byte[] SCRIPT = new byte[0x3200];

  private static final int TABLE_END = SCRIPT.length;

  // What a feature does to words: none, Latin letters, Cyrillic letters, other script letters.
  private static final int G_NONE = 0;
  private static final int G_LATIN = 1;
  private static final int G_CYRILLIC = 2;
  private static final int G_SCRIPT = 3;

  private static final byte[] WORD_GROUP = new byte[FEATURES];

  static {
    fill(0x80, 0x3200, SYMBOLS);
    fill(0xC0, 0x250, ACCENTED);
    SCRIPT[0xD7] = SYMBOLS;
    SCRIPT[0xF7] = SYMBOLS;
    fill(0x370, 0x400, GREEK);
    fill(0x400, 0x530, CYRILLIC_EXTRA);
    // The 33 letters of the Russian alphabet; the hard sign, frequent in Bulgarian, counts as
    // extra.
    fill(0x410, 0x450, CYRILLIC);
    SCRIPT[0x401] = CYRILLIC;
    SCRIPT[0x451] = CYRILLIC;
    SCRIPT[0x42A] = CYRILLIC_EXTRA;
    SCRIPT[0x44A] = CYRILLIC_EXTRA;
    fill(0x530, 0x590, ARMENIAN);
    fill(0x590, 0x600, HEBREW);
    fill(0x600, 0x900, ARABIC);
    fill(0x900, 0x980, DEVANAGARI);
    fill(0x980, 0xA00, BENGALI);
    fill(0xA00, 0xE00, INDIC_OTHER);
    fill(0xE00, 0xF00, THAI_LAO);
    fill(0xF00, 0x1100, ALPHABET_OTHER); // Tibetan, Myanmar, Georgian
    fill(0x1100, 0x1200, HANGUL);
    fill(0x1200, 0x13A0, ALPHABET_OTHER); // Ethiopic
    fill(0x1780, 0x1800, ALPHABET_OTHER); // Khmer
    fill(0x1C80, 0x1C90, CYRILLIC_EXTRA);
    fill(0x1C90, 0x1CC0, ALPHABET_OTHER); // Georgian capitals
    fill(0x1E00, 0x1F00, VIETNAMESE); // Latin Extended Additional, mostly Vietnamese
    SCRIPT[0x1A0] = VIETNAMESE; // O and U with horn
    SCRIPT[0x1A1] = VIETNAMESE;
    SCRIPT[0x1AF] = VIETNAMESE;
    SCRIPT[0x1B0] = VIETNAMESE;
    fill(0x1F00, 0x2000, GREEK);
    fill(0x2000, 0x2070, GENERAL_PUNCT); // typographic quotes, dashes, ellipsis, spaces
    fill(0x3000, 0x3040, CJK_PUNCT);
    fill(0x3040, 0x3100, KANA);
    fill(0x3130, 0x3190, HANGUL);
    fill(0x31F0, 0x3200, KANA);
    WORD_GROUP[ACCENTED] = G_LATIN;
    WORD_GROUP[VIETNAMESE] = G_LATIN;
    WORD_GROUP[CYRILLIC] = G_CYRILLIC;
    WORD_GROUP[CYRILLIC_EXTRA] = G_CYRILLIC;
    for (int f :
        new int[] {
          GREEK,
          ARMENIAN,
          HEBREW,
          ARABIC,
          DEVANAGARI,
          BENGALI,
          INDIC_OTHER,
          THAI_LAO,
          ALPHABET_OTHER
        }) {
      WORD_GROUP[f] = G_SCRIPT;
    }
  }

  private static void fill(int from, int to, int feature) {
    for (int c = from; c < to; c++) {
      SCRIPT[c] = (byte) feature;
    }
  }

  /** The feature of a non-ASCII character. */
  private static int featureOf(char c) {
    if (c < TABLE_END) {
      return SCRIPT[c];
    }
    if (c >= 0x4E00 && c <= 0x9FFF) {
      int bit = c - 0x4E00;
      return (COMMON_HAN[bit >> 6] >>> bit & 1) != 0 ? HAN : HAN_RARE;
    }
    if (c >= 0xAC00 && c <= 0xD7AF) {
      return HANGUL;
    }
    if (c >= 0xD800 && c <= 0xDFFF) {
      // A pair counts once, at its high surrogate.
      return c <= 0xDBFF ? SUPPLEMENTARY : -1;
    }
    if (c >= 0x3400 && c <= 0x4DBF || c >= 0xF900 && c <= 0xFAFF) {
      return HAN_RARE;
    }
    if (c >= 0xFF00 && c <= 0xFFEF) {
      return CJK_PUNCT;
    }
    return SYMBOLS;
  }

  private static final double[] KIMI_WEIGHTS = kimiWeights();

  /** Weights fitted on the calibration corpus (see the class comment); unlisted ones are 0. */
  private static double[] kimiWeights() {
    double[] w = new double[FEATURES];
    w[WORDS] = 0.9923;
    w[LONG6] = 0.0445;
    w[UPPER] = 0.1967;
    w[DIGIT_GROUPS] = 1.8264;
    w[PUNCT] = 0.0498;
    w[PUNCT_RUNS] = 0.3695;
    w[SPACE_RUNS] = 0.8703;
    w[TABS] = 0.5245;
    w[NEWLINE_RUNS] = 1.1763;
    w[HAN] = 0.7022;
    w[HAN_RARE] = 3.2850;
    w[CJK_PUNCT] = 0.0500;
    w[KANA] = 0.8111;
    w[HANGUL] = 1.0453;
    w[ACCENTED_WORDS] = 0.5358;
    w[CYRILLIC] = 0.2963;
    w[GREEK] = 0.7071;
    w[ARABIC] = 0.5343;
    w[HEBREW] = 0.7376;
    w[DEVANAGARI] = 0.6704;
    w[INDIC_OTHER] = 0.9005;
    w[THAI_LAO] = 0.8383;
    w[ARMENIAN] = 0.5968;
    w[ALPHABET_OTHER] = 0.8417;
    w[OTHER_WORDS] = 0.1980;
    w[SYMBOLS] = 0.2855;
    w[SUPPLEMENTARY] = 2.7797;
    w[ACCENTED] = 0.9392;
    w[CYRILLIC_WORDS] = 0.9779;
    w[CYRILLIC_MARKED_WORDS] = 1.7540;
    w[BENGALI] = 0.7980;
    w[VIETNAMESE_WORDS] = 1.4599;
    w[GENERAL_PUNCT] = 1.4965;
    w[PUNCT_CHANGES] = 0.4867;
    w[LETTER_DIGIT] = -0.5764;
    w[CAPS_THEN_LOWER] = 2.6291;
    w[UNKNOWN_WORDS] = 2.8775;
    return w;
  }

  private static final TokenEstimator KIMI = new TokenEstimator(KIMI_WEIGHTS);

  private final double[] weights;

  TokenEstimator(double[] weights) {
    if (weights.length != FEATURES) {
      throw new IllegalArgumentException("expected " + FEATURES + " weights");
    }
    this.weights = weights.clone();
  }

  /**
   * Returns the estimator calibrated against Kimi's tokenizer (K2, K2.x, K3).
   *
   * @return the shared, immutable Kimi estimator
   */
  public static TokenEstimator forKimi() {
    return KIMI;
  }

  /**
   * Estimates the number of Kimi tokens in {@code text}.
   *
   * @param text the text; any {@code CharSequence}, read once from start to end
   * @return the estimated token count, 0 for empty text
   * @throws NullPointerException if {@code text} is null
   */
  public int estimate(CharSequence text) {
    Objects.requireNonNull(text, "text");
    return (int) Math.ceil(raw(text) * (1 + lean(text.length())));
  }

  /** How much the estimate leans up on long texts, at full strength from 1,000 characters. */
  static final double LEAN = 0.02;

  /**
   * The upward lean of a text of {@code length} characters: none up to 500, {@link #LEAN} from
   * 1,000, linear between. A safety margin against what the features miss, where an undercount
   * matters most.
   */
  static double lean(int length) {
    return length <= 500 ? 0 : length >= 1000 ? LEAN : LEAN * (length - 500) / 500;
  }

  /** The weighted feature sum before rounding. */
  double raw(CharSequence text) {
    int[] f = new int[FEATURES];
    count(text, f);
    double[] w = weights;
    double sum = 0;
    for (int k = 0; k < FEATURES; k++) {
      sum += w[k] * f[k];
    }
    return sum;
  }

  // Kinds of ASCII characters, and the previous character's kind for run and word boundaries.
  private static final byte K_LOWER = 1;
  private static final byte K_UPPER = 2;
  private static final byte K_DIGIT = 3;
  private static final byte K_NEWLINE = 4;
  private static final byte K_SPACE = 5;
  private static final byte K_PUNCT = 6;
  private static final byte K_CYRILLIC = 7;
  private static final byte K_SCRIPT = 8;
  private static final byte K_OTHER = 9;

  private static final byte[] ASCII = new byte[128];

  static {
    for (int c = 0; c < 128; c++) {
      byte kind;
      if (c >= 'a' && c <= 'z') {
        kind = K_LOWER;
      } else if (c >= 'A' && c <= 'Z') {
        kind = K_UPPER;
      } else if (c >= '0' && c <= '9') {
        kind = K_DIGIT;
      } else if (c == '\n' || c == '\r') {
        kind = K_NEWLINE;
      } else if (c == ' ' || c == '\t' || c == 0x0B || c == 0x0C) {
        kind = K_SPACE;
      } else {
        kind = K_PUNCT;
      }
      ASCII[c] = kind;
    }
  }

  private static boolean isLower(char c) {
    return c >= 'a' && c <= 'z';
  }

  /** Letters of a word beyond its 6th. */
  private static int over6(int letters) {
    return letters > 6 ? letters - 6 : 0;
  }

  /** Characters copied out of the text at a time, so that the loops below index an array. */
  private static final int CHUNK = 4096;

  /** Copies {@code text[start, end)} to the start of {@code buf}. */
  private static void copy(CharSequence text, int start, int end, char[] buf) {
    if (text instanceof String) {
      ((String) text).getChars(start, end, buf, 0);
    } else if (text instanceof StringBuilder) {
      ((StringBuilder) text).getChars(start, end, buf, 0);
    } else {
      for (int k = start; k < end; k++) {
        buf[k - start] = text.charAt(k);
      }
    }
  }

  /**
   * Adds the feature counts of {@code text} to {@code f}. The text is copied a chunk at a time into
   * a small array; ASCII runs (a word's lower-case letters, capitals, digits, spaces, line breaks,
   * punctuation) are consumed by tight inner loops, so the bookkeeping is paid once per run rather
   * than once per character. A run that a chunk boundary cuts in two continues through {@code prev}
   * and the run lengths, so the counts do not depend on where the chunks fall.
   *
   * <p>The loops over lower-case letters and over punctuation are written {@code if (first) do ...
   * while (next)} rather than {@code while (next)}: with the test at the bottom, HotSpot's C2 makes
   * the lower-case loop a counted, unrolled loop without a safepoint poll per character, which in
   * this large method it otherwise did not (seen in the generated code on JDK 17); that loop also
   * has its own index, so that its head is not the head of the loop around it. The two changes made
   * the estimate 1.1 to 1.4 times as fast on English, code and Chinese; the same form for the other
   * run loops was slower on code.
   */
  static void count(CharSequence text, int[] f) {
    count(text, f, CHUNK);
  }

  /** {@link #count(CharSequence, int[])} with a given chunk size, for tests. */
  static void count(CharSequence text, int[] f, int chunk) {
    int words = 0;
    int long6 = 0;
    int upper = 0;
    int digitGroups = 0;
    int punct = 0;
    int punctRuns = 0;
    int punctChanges = 0;
    int spaceRuns = 0;
    int tabs = 0;
    int newlineRuns = 0;
    // The letters so far in the current Latin-script word, and what kind of accents it has.
    int wordLen = 0;
    boolean accented = false;
    boolean vietnamese = false;
    // Whether the current Cyrillic word has a letter outside the Russian alphabet.
    boolean marked = false;
    // Lengths of the current digit and space runs, and the last character of a punctuation run.
    int digitLen = 0;
    int spaceLen = 0;
    char lastPunct = 0;
    int prev = K_OTHER;
    int letterDigit = 0;
    int unknownWords = 0;
    int capsThenLower = 0;
    // The length of the run of capitals that ends at the previous character.
    int upperLen = 0;
    int n = text.length();
    final char[] buf = new char[Math.min(n, chunk + 64)];
    for (int start = 0, end; start < n; start = end) {
      // A chunk does not end inside a run of lower-case letters: it takes the rest of the run, up
      // to 64 letters, so that UNKNOWN_WORDS sees whole words. (Other runs that a chunk boundary
      // cuts continue through prev and the run lengths.)
      end = Math.min(start + chunk, n);
      int limit = Math.min(n, start + buf.length);
      while (end < limit && isLower(text.charAt(end)) && isLower(text.charAt(end - 1))) {
        end++;
      }
      int len = end - start;
      copy(text, start, end, buf);
      int i = 0;
      while (i < len) {
        char c = buf[i];
        if (c < 0x80) {
          int j = i + 1;
          char d;
          switch (ASCII[c]) {
            case K_LOWER:
            case K_UPPER:
              // Capitals right before the lower-case letters that follow, if two or more count.
              int caps;
              if (c >= 'a') {
                if (prev != K_LOWER && prev != K_UPPER) {
                  words++;
                  wordLen = 0;
                  accented = false;
                  vietnamese = false;
                  letterDigit += prev == K_DIGIT ? 1 : 0;
                }
                caps = prev == K_UPPER ? upperLen : 0;
                j = i;
              } else {
                // A capital after a lower-case letter starts a new piece, as in camelCase; each
                // further capital in a run of them counts as UPPER.
                if (prev != K_UPPER) {
                  words++;
                  wordLen = 0;
                  accented = false;
                  vietnamese = false;
                  upper--;
                  letterDigit += prev == K_DIGIT ? 1 : 0;
                  upperLen = 0;
                }
                while (j < len && (d = buf[j]) >= 'A' && d <= 'Z') {
                  j++;
                }
                upper += j - i;
                upperLen += j - i;
                caps = upperLen;
                long6 += over6(wordLen + j - i) - over6(wordLen);
                wordLen += j - i;
                i = j;
              }
              // Lower-case letters; then the commonest continuations stay in this loop: one space
              // and another lower-case word, or a capital that starts the next camelCase piece.
              for (; ; ) {
                int k = j;
                if (k < len && (char) (buf[k] - 'a') < 26) {
                  do {
                    k++;
                  } while (k < len && (char) (buf[k] - 'a') < 26);
                }
                j = k;
                long6 += over6(wordLen + j - i) - over6(wordLen);
                wordLen += j - i;
                // A run of four or more lower-case letters that is certainly not one token: Dutch,
                // German or Finnish words, say, that English-like features would take for one.
                if (j - i >= 4
                    && KnownWords.bit(buf[i], buf[i + 1], buf[j - 2], buf[j - 1], j - i) == 0) {
                  unknownWords++;
                }
                // Two or more capitals and then lower-case letters, as in base64 (or HTTPServer).
                if (caps >= 2 && j > i) {
                  capsThenLower++;
                }
                caps = 0;
                if (j + 1 >= len) {
                  break;
                }
                d = buf[j];
                if (d == ' ') {
                  if ((d = buf[j + 1]) < 'a' || d > 'z') {
                    break;
                  }
                  words++;
                  wordLen = 0;
                  accented = false;
                  vietnamese = false;
                  i = j + 1;
                  j = i;
                } else if (d >= 'A' && d <= 'Z') {
                  words++;
                  accented = false;
                  vietnamese = false;
                  i = j;
                  j++;
                  while (j < len && (d = buf[j]) >= 'A' && d <= 'Z') {
                    j++;
                  }
                  upper += j - i - 1;
                  wordLen = j - i;
                  upperLen = j - i;
                  caps = upperLen;
                  long6 += over6(wordLen);
                  i = j;
                } else {
                  break;
                }
              }
              prev = buf[j - 1] <= 'Z' ? K_UPPER : K_LOWER;
              break;
            case K_DIGIT:
              while (j < len && (d = buf[j]) >= '0' && d <= '9') {
                j++;
              }
              if (prev != K_DIGIT) {
                digitLen = 0;
                // Digits right after a letter, as in hex and base64.
                letterDigit += prev == K_LOWER || prev == K_UPPER ? 1 : 0;
              }
              // Digits are split into groups of at most three.
              digitGroups += (digitLen + j - i + 2) / 3 - (digitLen + 2) / 3;
              digitLen += j - i;
              prev = K_DIGIT;
              break;
            case K_NEWLINE:
              while (j < len && ((d = buf[j]) == '\n' || d == '\r')) {
                j++;
              }
              if (prev != K_NEWLINE) {
                newlineRuns++;
              }
              prev = K_NEWLINE;
              // Indentation after a line break, common in code, is taken here too.
              if (j < len && buf[j] == ' ') {
                i = j++;
                while (j < len && buf[j] == ' ') {
                  j++;
                }
                spaceLen = j - i;
                if (spaceLen >= 2) {
                  spaceRuns++;
                }
                prev = K_SPACE;
              }
              break;
            case K_SPACE:
              if (c == '\t') {
                tabs++;
              }
              for (; j < len; j++) {
                if ((d = buf[j]) != ' ') {
                  if (d == '\t') {
                    tabs++;
                  } else if (d != 0x0B && d != 0x0C) {
                    break;
                  }
                }
              }
              if (prev != K_SPACE) {
                spaceLen = 0;
              }
              if (spaceLen < 2 && spaceLen + j - i >= 2) {
                spaceRuns++;
              }
              spaceLen += j - i;
              prev = K_SPACE;
              break;
            default:
              if (prev != K_PUNCT) {
                punctRuns++;
              } else if (c != lastPunct) {
                punctChanges++;
              }
              // Runs of one repeated symbol merge well; each change of symbol costs more.
              if (j < len && (d = buf[j]) < 0x80 && ASCII[d] == K_PUNCT) {
                char p = c;
                do {
                  punctChanges += d != p ? 1 : 0;
                  p = d;
                  j++;
                } while (j < len && (d = buf[j]) < 0x80 && ASCII[d] == K_PUNCT);
              }
              lastPunct = buf[j - 1];
              punct += j - i;
              prev = K_PUNCT;
              break;
          }
          i = j;
          // One space after a run, then anything but more whitespace: the commonest separator,
          // taken here rather than through another dispatch.
          if (j + 1 < len && buf[j] == ' ' && buf[j + 1] > ' ') {
            spaceLen = 1;
            prev = K_SPACE;
            i = j + 1;
          }
          continue;
        }
        i++;
        int feature = featureOf(c);
        if (feature < 0) {
          prev = K_OTHER;
          continue;
        }
        f[feature]++;
        switch (WORD_GROUP[feature]) {
          case G_LATIN:
            // Accented Latin letters continue the current word.
            if (prev != K_LOWER && prev != K_UPPER) {
              words++;
              wordLen = 0;
              accented = false;
              vietnamese = false;
            }
            // A word is either accented (European languages) or Vietnamese, which is cheaper.
            if (feature == ACCENTED) {
              if (!accented) {
                accented = true;
                if (!vietnamese) {
                  f[ACCENTED_WORDS]++;
                }
              }
            } else if (!vietnamese) {
              vietnamese = true;
              f[VIETNAMESE_WORDS]++;
              if (accented) {
                f[ACCENTED_WORDS]--;
              }
            }
            if (++wordLen > 6) {
              long6++;
            }
            prev = K_LOWER;
            break;
          case G_CYRILLIC:
            if (prev != K_CYRILLIC) {
              f[CYRILLIC_WORDS]++;
              marked = false;
            }
            if (feature == CYRILLIC_EXTRA && !marked) {
              marked = true;
              f[CYRILLIC_MARKED_WORDS]++;
            }
            prev = K_CYRILLIC;
            break;
          case G_SCRIPT:
            if (prev != K_SCRIPT) {
              f[OTHER_WORDS]++;
            }
            prev = K_SCRIPT;
            break;
          default:
            prev = K_OTHER;
            break;
        }
      }
    }
    f[WORDS] += words;
    f[LONG6] += long6;
    f[UPPER] += upper;
    f[DIGIT_GROUPS] += digitGroups;
    f[PUNCT] += punct;
    f[PUNCT_RUNS] += punctRuns;
    f[PUNCT_CHANGES] += punctChanges;
    f[SPACE_RUNS] += spaceRuns;
    f[TABS] += tabs;
    f[NEWLINE_RUNS] += newlineRuns;
    f[LETTER_DIGIT] += letterDigit;
    f[CAPS_THEN_LOWER] += capsThenLower;
    f[UNKNOWN_WORDS] += unknownWords;
  }
}
