package io.github.kimisdk.internal.http;

import io.github.kimisdk.base.text.Untrusted;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;

/**
 * What the SDK keeps of a text a server controls (an error message, an HTML page, a header): a
 * prefix cut on a character boundary with the full length said, the client's key redacted, control
 * characters escaped ({@code base.text.Untrusted}, the rule the MCP client shares), tags stripped
 * by a linear scan. Redaction never touches a text that does not hold the whole key: a key of
 * {@link #MIN_SEARCHED_KEY} characters or more is replaced wherever it appears, a shorter one (a
 * test key such as {@code "k"} or {@code "test"}, never a real Kimi key) only where it stands as a
 * whole token after {@code Bearer }, the form in which a server echoes the header. Every scan here
 * reads its input once, or a bounded number of times, so its work grows linearly with the input and
 * never with the input squared; callers hand it bounded prefixes besides.
 */
public final class ServerText {

  /** The most characters an exception keeps of one server message. */
  public static final int MAX_MESSAGE = 4096;

  /** The most characters kept of a short server value: an error type or code, a header. */
  static final int MAX_SHORT = 256;

  /** The most bytes of a non-JSON body that are looked at for an excerpt. */
  static final int MAX_SCANNED = 64 * 1024;

  /** The most characters of an excerpt of a non-JSON body. */
  static final int MAX_EXCERPT = 300;

  /** What replaces the client's key wherever a server echoed it. */
  public static final String REDACTED = "[API key redacted]";

  /**
   * The shortest key that is searched for anywhere in a text. Real Kimi keys are some 50 characters
   * ({@code sk-} and 48 more; Kimi Code's {@code sk-kimi-} ones longer); a shorter key is a test or
   * a proxy's key, which would match inside ordinary words ("k" in every "token"), so it is
   * redacted only as an exact {@code Bearer <key>}.
   */
  public static final int MIN_SEARCHED_KEY = 20;

  private static final String BEARER = "Bearer ";

  private final ApiKey key; // null: nothing to redact

  /**
   * Creates the text rules of one client.
   *
   * @param key the client's API key, redacted wherever it appears; null or empty for none
   */
  public ServerText(ApiKey key) {
    this.key = key == null || key.reveal().isEmpty() ? null : key;
  }

  /**
   * Returns {@code text} with the key redacted, cut to {@code max} characters and its control
   * characters escaped, so that it can neither forge a line of a log nor hold the key; null stays
   * null.
   *
   * @param text a server text, of any length
   * @param max the most characters kept
   * @return the text to keep
   */
  public String keep(String text, int max) {
    if (text == null) {
      return null;
    }
    // redact in a prefix long enough to hold a key that starts below the cut (and the character
    // after it, which tells a whole token), then cut
    int window = key == null ? max : max + key.reveal().length() + 1;
    String head = text.length() > window ? text.substring(0, window) : text;
    return Untrusted.escape(cut(redact(head), max, text.length()));
  }

  /**
   * Returns the key redacted in {@code text}, over the whole text (for logs the user asked for):
   * every occurrence of a key of {@link #MIN_SEARCHED_KEY} characters or more, or of a shorter key
   * only as a whole token after {@code Bearer } (matched without case).
   *
   * @param text a text
   * @return the text without the key
   */
  public String redact(String text) {
    if (key == null || text == null || text.isEmpty()) {
      return text;
    }
    String secret = key.reveal();
    boolean anywhere = secret.length() >= MIN_SEARCHED_KEY;
    StringBuilder sb = null;
    int from = 0;
    // the search resumes after each match, or one character on after a refused one
    int at = text.indexOf(secret);
    while (at >= 0) {
      if (!anywhere && !afterBearer(text, at)) {
        at = text.indexOf(secret, at + 1);
        continue;
      }
      if (sb == null) {
        sb = new StringBuilder(text.length());
      }
      sb.append(text, from, at).append(REDACTED);
      from = at + secret.length();
      at = text.indexOf(secret, from);
    }
    return sb == null ? text : sb.append(text, from, text.length()).toString();
  }

  /**
   * Tells whether the key at {@code at} stands as a whole token after {@code Bearer }: the scheme
   * starts the text or follows a character that is not a letter or digit, and no character of a
   * bearer token (RFC 6750: letters, digits, {@code -._~+/=}) follows the key.
   */
  private boolean afterBearer(String text, int at) {
    int scheme = at - BEARER.length();
    if (scheme < 0 || !matchesAt(text, scheme, BEARER)) {
      return false;
    }
    if (scheme > 0 && Character.isLetterOrDigit(text.charAt(scheme - 1))) {
      return false;
    }
    int end = at + key.reveal().length();
    return end == text.length() || !isTokenChar(text.charAt(end));
  }

  private static boolean isTokenChar(char c) {
    return isWordChar(c) || "-~+/=".indexOf(c) >= 0;
  }

  /**
   * Returns {@code text} cut to {@code max} characters, never between the two halves of a surrogate
   * pair, with a note of how long it was ({@code total} characters).
   */
  static String cut(String text, int max, int total) {
    if (total <= max && text.length() <= max) {
      return text;
    }
    int end = Math.min(max, text.length());
    if (end > 0 && Character.isHighSurrogate(text.charAt(end - 1))) {
      end--;
    }
    return text.substring(0, end) + "... [cut: " + total + " characters in all]";
  }

  /**
   * Decodes at most {@code max} bytes of {@code b[off, off + len)} as UTF-8, dropping a character
   * cut in two by the limit; malformed bytes become U+FFFD.
   */
  static String prefix(byte[] b, int off, int len, int max) {
    int n = Math.min(len, max);
    CharsetDecoder d =
        StandardCharsets.UTF_8
            .newDecoder()
            .onMalformedInput(CodingErrorAction.REPLACE)
            .onUnmappableCharacter(CodingErrorAction.REPLACE);
    CharBuffer out = CharBuffer.allocate(n);
    // endOfInput only when the whole body is decoded: a sequence cut by the limit is dropped
    d.decode(ByteBuffer.wrap(b, off, n), out, n == len);
    if (n == len) {
      d.flush(out);
    }
    return out.flip().toString();
  }

  /**
   * Returns a short, single-line excerpt of a non-JSON body: for an HTML page its {@code <title>}
   * (or first {@code <h1>}) without tags, else the text; whitespace and control characters folded
   * into single spaces; at most {@link #MAX_EXCERPT} characters; null when nothing is left.
   */
  static String excerpt(CharSequence text) {
    CharSequence t = text;
    if (indexOfIgnoreCase(t, 0, "<html") >= 0
        || indexOfIgnoreCase(t, 0, "<!doctype") >= 0
        || indexOfIgnoreCase(t, 0, "<body") >= 0) {
      CharSequence inner = element(t, "title");
      if (inner == null) {
        inner = element(t, "h1");
      }
      if (inner != null) {
        t = inner;
      }
      return fold(t, true);
    }
    return fold(t, false);
  }

  /**
   * Returns the content of the first {@code <name ...>...</name>} of {@code t}, or null. Two
   * forward scans: the opening tag, then the closing tag after it.
   */
  static CharSequence element(CharSequence t, String name) {
    int from = 0;
    while (true) {
      int open = indexOfIgnoreCase(t, from, "<" + name);
      if (open < 0) {
        return null;
      }
      int after = open + 1 + name.length();
      if (after < t.length() && (t.charAt(after) == '>' || isSpace(t.charAt(after)))) {
        int gt = indexOf(t, after, '>');
        if (gt < 0) {
          return null;
        }
        int close = indexOfIgnoreCase(t, gt + 1, "</" + name + ">");
        return close < 0 ? null : t.subSequence(gt + 1, close);
      }
      from = after; // "<titles" or "<h1x": not the element, look further on
    }
  }

  /**
   * Folds whitespace and control characters into single spaces, strips {@code <...>} tags when
   * {@code tags}, trims, and stops after {@link #MAX_EXCERPT} characters. One pass: a {@code <}
   * without a later {@code >} ends tag stripping for the rest of the text.
   */
  static String fold(CharSequence t, boolean tags) {
    StringBuilder sb = new StringBuilder();
    boolean space = false;
    boolean cut = false;
    int n = t.length();
    boolean stripping = tags;
    for (int i = 0; i < n; i++) {
      char c = t.charAt(i);
      if (stripping && c == '<') {
        int gt = indexOf(t, i + 1, '>');
        if (gt >= 0) {
          i = gt;
          space = true;
          continue;
        }
        stripping = false; // no closing '>' anywhere after: the rest is text
      }
      if (Character.isISOControl(c) || Character.isWhitespace(c)) {
        space = true;
        continue;
      }
      boolean gap = space && sb.length() > 0;
      if (sb.length() + (gap ? 2 : 1) > MAX_EXCERPT) {
        cut = true;
        break;
      }
      if (gap) {
        sb.append(' ');
      }
      space = false;
      sb.append(c);
    }
    if (sb.length() == 0) {
      return null;
    }
    return cut ? sb + "..." : sb.toString();
  }

  /** Returns the first index of {@code c} in {@code t} from {@code from}, or -1. */
  static int indexOf(CharSequence t, int from, char c) {
    for (int i = from; i < t.length(); i++) {
      if (t.charAt(i) == c) {
        return i;
      }
    }
    return -1;
  }

  /**
   * Returns the first index of {@code word} (ASCII, matched without case) in {@code t} from {@code
   * from}, or -1. Its work is at most the text's length times the word's, a constant here.
   */
  static int indexOfIgnoreCase(CharSequence t, int from, String word) {
    int last = t.length() - word.length();
    for (int i = Math.max(0, from); i <= last; i++) {
      if (matchesAt(t, i, word)) {
        return i;
      }
    }
    return -1;
  }

  /** Tells whether {@code word} (ASCII) is at {@code i} in {@code t}, ignoring case. */
  static boolean matchesAt(CharSequence t, int i, String word) {
    if (i < 0 || i + word.length() > t.length()) {
      return false;
    }
    for (int j = 0; j < word.length(); j++) {
      if (lower(t.charAt(i + j)) != lower(word.charAt(j))) {
        return false;
      }
    }
    return true;
  }

  /**
   * Returns the number that follows the last occurrence of one of {@code keywords} (matched without
   * case, the first keyword that matches at a position wins), allowing spaces and one {@code :} or
   * {@code =} between; -1 when none is followed by digits, {@link Long#MAX_VALUE} when the digits
   * do not fit a long. The scan resumes where the previous match's look-ahead stopped, and a
   * keyword cannot start inside the spaces that follow another, so every character is read a
   * bounded number of times.
   */
  public static long lastNumberAfter(CharSequence t, String... keywords) {
    long found = -1;
    int n = t.length();
    int i = 0;
    while (i < n) {
      String kw = null;
      for (String k : keywords) {
        if (matchesAt(t, i, k)) {
          kw = k;
          break;
        }
      }
      if (kw == null) {
        i++;
        continue;
      }
      int j = skipSpaces(t, i + kw.length());
      if (j < n && (t.charAt(j) == ':' || t.charAt(j) == '=')) {
        j = skipSpaces(t, j + 1);
      }
      int digits = j;
      while (j < n && t.charAt(j) >= '0' && t.charAt(j) <= '9') {
        j++;
      }
      if (j > digits) {
        found = parse(t, digits, j);
      }
      i = Math.max(i + 1, j);
    }
    return found;
  }

  /**
   * Returns the number after {@code keyword} that follows the first occurrence of {@code anchor}
   * (both matched without case): "TPM rate limit, current: 9, limit: 10" with anchor "TPM rate
   * limit" and keyword "limit:" gives 10. -1 when there is none.
   */
  public static long numberAfterAnchor(CharSequence t, String anchor, String keyword) {
    int a = indexOfIgnoreCase(t, 0, anchor);
    if (a < 0) {
      return -1;
    }
    int k = indexOfIgnoreCase(t, a + anchor.length(), keyword);
    if (k < 0) {
      return -1;
    }
    int j = skipSpaces(t, k + keyword.length());
    int digits = j;
    while (j < t.length() && t.charAt(j) >= '0' && t.charAt(j) <= '9') {
      j++;
    }
    return j > digits ? parse(t, digits, j) : -1;
  }

  /**
   * Tells whether one of {@code words} (ASCII) occurs in {@code t}, matched without case. Its work
   * is the text's length times the words' total length, a constant here.
   */
  public static boolean containsAny(CharSequence t, String... words) {
    for (String w : words) {
      if (indexOfIgnoreCase(t, 0, w) >= 0) {
        return true;
      }
    }
    return false;
  }

  /**
   * Tells whether {@code word} (ASCII) occurs in {@code t} as a whole word (no letter, digit or
   * {@code _} on either side), matched without case.
   */
  public static boolean containsWord(CharSequence t, String word) {
    int at = indexOfIgnoreCase(t, 0, word);
    while (at >= 0) {
      int end = at + word.length();
      if ((at == 0 || !isWordChar(t.charAt(at - 1)))
          && (end == t.length() || !isWordChar(t.charAt(end)))) {
        return true;
      }
      at = indexOfIgnoreCase(t, at + 1, word);
    }
    return false;
  }

  /**
   * Returns the seconds of the first "try again in 2.5s" or "try again after 3 seconds" (unit
   * {@code s}, {@code sec}, {@code secs}, {@code second} or {@code seconds}, matched without case)
   * in {@code t}, or -1. Each anchor's look-ahead ends at the first character that does not fit,
   * and anchors cannot overlap it, so the work is linear.
   */
  public static double tryAgainSeconds(CharSequence t) {
    int n = t.length();
    int at = indexOfIgnoreCase(t, 0, "try again ");
    while (at >= 0) {
      int j = at + "try again ".length();
      if (matchesAt(t, j, "after ")) {
        j += "after ".length();
      } else if (matchesAt(t, j, "in ")) {
        j += "in ".length();
      } else {
        j = -1;
      }
      if (j >= 0) {
        int start = j;
        j = digits(t, j);
        if (j > start) {
          int end = j;
          if (j < n && t.charAt(j) == '.' && digits(t, j + 1) > j + 1) {
            end = j = digits(t, j + 1);
          }
          if (j < n && t.charAt(j) == ' ') {
            j++;
          }
          int unit = j;
          while (j < n && isWordChar(t.charAt(j)) && j - unit <= 7) {
            j++;
          }
          String u = t.subSequence(unit, j).toString().toLowerCase(java.util.Locale.ROOT);
          boolean unitEnds = j == n || !isWordChar(t.charAt(j));
          if (unitEnds
              && (u.equals("s")
                  || u.equals("sec")
                  || u.equals("secs")
                  || u.equals("second")
                  || u.equals("seconds"))
              && end - start <= 18) {
            return Double.parseDouble(t.subSequence(start, end).toString());
          }
        }
      }
      at = indexOfIgnoreCase(t, at + 1, "try again ");
    }
    return -1;
  }

  private static int digits(CharSequence t, int i) {
    while (i < t.length() && t.charAt(i) >= '0' && t.charAt(i) <= '9') {
      i++;
    }
    return i;
  }

  private static boolean isWordChar(char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_';
  }

  private static long parse(CharSequence t, int from, int to) {
    long v = 0;
    for (int i = from; i < to; i++) {
      int d = t.charAt(i) - '0';
      if (v > (Long.MAX_VALUE - d) / 10) {
        return Long.MAX_VALUE;
      }
      v = v * 10 + d;
    }
    return v;
  }

  private static int skipSpaces(CharSequence t, int i) {
    while (i < t.length() && isSpace(t.charAt(i))) {
      i++;
    }
    return i;
  }

  private static boolean isSpace(char c) {
    return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f';
  }

  private static char lower(char c) {
    return c >= 'A' && c <= 'Z' ? (char) (c + ('a' - 'A')) : c;
  }
}
