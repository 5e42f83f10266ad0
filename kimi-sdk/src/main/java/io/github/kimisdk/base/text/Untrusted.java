package io.github.kimisdk.base.text;

/**
 * Text a server gives, made safe to put into an exception message or a log line: every control
 * character escaped, so that no such text can end a line, forge the next one, move the cursor or
 * recolour a terminal. CR, LF and TAB become {@code \r}, {@code \n} and {@code \t}; every other C0
 * or C1 control, DEL, the line and paragraph separators (U+2028, U+2029) and the bidirectional
 * formatting characters (U+061C, U+200E, U+200F, U+202A to U+202E, U+2066 to U+2069) become {@code
 * \}{@code uXXXX}. Everything else, a backslash included, is kept as it is. One pass, linear in the
 * text; a text without such characters is returned as it is.
 */
public final class Untrusted {

  private Untrusted() {}

  /**
   * Returns {@code text} with its control characters escaped; null stays null.
   *
   * @param text a server's text
   * @return the text, safe in one line of a message or a log
   */
  public static String escape(String text) {
    if (text == null) {
      return null;
    }
    int first = -1;
    for (int i = 0; i < text.length(); i++) {
      if (escaped(text.charAt(i))) {
        first = i;
        break;
      }
    }
    if (first < 0) {
      return text;
    }
    StringBuilder sb = new StringBuilder(text.length() + 16).append(text, 0, first);
    for (int i = first; i < text.length(); i++) {
      char c = text.charAt(i);
      if (!escaped(c)) {
        sb.append(c);
      } else if (c == '\n') {
        sb.append("\\n");
      } else if (c == '\r') {
        sb.append("\\r");
      } else if (c == '\t') {
        sb.append("\\t");
      } else {
        sb.append("\\u");
        String hex = Integer.toHexString(c);
        for (int pad = hex.length(); pad < 4; pad++) {
          sb.append('0');
        }
        sb.append(hex);
      }
    }
    return sb.toString();
  }

  /** Whether {@code c} is escaped: a control, a line separator or a bidirectional control. */
  static boolean escaped(char c) {
    return c < 0x20
        || (c >= 0x7f && c <= 0x9f)
        || c == '\u2028'
        || c == '\u2029'
        || c == '\u061c'
        || c == '\u200e'
        || c == '\u200f'
        || (c >= '\u202a' && c <= '\u202e')
        || (c >= '\u2066' && c <= '\u2069');
  }
}
