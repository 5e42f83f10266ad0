package io.github.kimisdk.mcp.internal.skills;

import io.github.kimisdk.json.JsonArray;
import io.github.kimisdk.json.JsonBoolean;
import io.github.kimisdk.json.JsonNull;
import io.github.kimisdk.json.JsonNumber;
import io.github.kimisdk.json.JsonObject;
import io.github.kimisdk.json.JsonString;
import io.github.kimisdk.json.JsonValue;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * A {@code SKILL.md}'s YAML front matter, read and compared with the front matter its skill entry
 * gives (SEP-2640: field by field, no discrepancy allowed). The YAML read is the subset front
 * matter is written in: mappings by indentation, sequences of scalars ({@code - item} or {@code [a,
 * b]}), plain scalars (folded over lines), single- and double-quoted scalars on one line, and
 * literal and folded block scalars ({@code |}, {@code >}, with {@code -} or {@code +}); comments
 * are skipped. Anything else (anchors, aliases, tags, flow mappings, multi-line quoted scalars) is
 * refused: what cannot be read cannot be compared, and the skill is not loaded.
 *
 * <p>Each line is looked at a bounded number of times: the front matter is read in time linear in
 * its size (at most {@value #MAX_CHARS} characters, {@value #MAX_DEPTH} levels).
 */
public final class FrontMatter {

  /** The longest front matter read. */
  static final int MAX_CHARS = 64 * 1024;

  /** The deepest nesting read. */
  static final int MAX_DEPTH = 16;

  /** A YAML scalar as written: its text, and whether it was plain (so that its type is open). */
  record Scalar(String text, boolean plain) {}

  /** Why a front matter cannot be read or does not match. */
  public static final class Mismatch extends Exception {
    private static final long serialVersionUID = 1L;

    Mismatch(String why) {
      super(why, null, false, false);
    }
  }

  private final List<String> lines;
  private int next;

  private FrontMatter(List<String> lines) {
    this.lines = lines;
  }

  /**
   * Reads the front matter of a {@code SKILL.md}: the YAML between its first line {@code ---} and
   * the next {@code ---} (or {@code ...}).
   *
   * @param skillMd the file's text
   * @return the front matter: maps, lists and {@link Scalar}s
   * @throws Mismatch if there is none, or it is not YAML this reader reads
   */
  static Map<String, Object> read(String skillMd) throws Mismatch {
    String s = skillMd.startsWith("\uFEFF") ? skillMd.substring(1) : skillMd;
    List<String> lines = new ArrayList<>();
    int i = 0;
    int chars = 0;
    boolean opened = false;
    while (i <= s.length()) {
      int end = s.indexOf('\n', i);
      String line = s.substring(i, end < 0 ? s.length() : end);
      if (line.endsWith("\r")) {
        line = line.substring(0, line.length() - 1);
      }
      i = end < 0 ? s.length() + 1 : end + 1;
      if (!opened) {
        if (!line.strip().equals("---")) {
          throw new Mismatch("it does not begin with YAML front matter (---)");
        }
        opened = true;
        continue;
      }
      if (line.equals("---") || line.equals("...")) {
        FrontMatter f = new FrontMatter(lines);
        Object root = f.block(0, 0);
        if (f.next < lines.size()) {
          throw new Mismatch(
              "its front matter has a line this client does not read: " + quote(lines.get(f.next)));
        }
        if (!(root instanceof Map<?, ?>)) {
          throw new Mismatch("its front matter is not a mapping");
        }
        @SuppressWarnings("unchecked")
        Map<String, Object> m = (Map<String, Object>) root;
        return m;
      }
      chars += line.length() + 1;
      if (chars > MAX_CHARS) {
        throw new Mismatch("its front matter is longer than " + MAX_CHARS + " characters");
      }
      lines.add(line);
    }
    throw new Mismatch("its front matter does not end (no closing ---)");
  }

  /** The block of lines indented at least {@code indent}: a mapping, a sequence, or nothing. */
  private Object block(int indent, int depth) throws Mismatch {
    if (depth > MAX_DEPTH) {
      throw new Mismatch("its front matter nests deeper than " + MAX_DEPTH + " levels");
    }
    skipBlank();
    if (next >= lines.size() || indentOf(lines.get(next)) < indent) {
      return null;
    }
    int at = indentOf(lines.get(next));
    String first = lines.get(next).substring(at);
    if (first.equals("-") || first.startsWith("- ")) {
      return sequence(at, depth);
    }
    return mapping(at, depth);
  }

  /** The next line with text, when it is indented at least {@code indent}; else null. */
  private String nextAt(int indent) throws Mismatch {
    skipBlank();
    return next < lines.size() && indentOf(lines.get(next)) >= indent ? lines.get(next) : null;
  }

  private Map<String, Object> mapping(int indent, int depth) throws Mismatch {
    Map<String, Object> m = new LinkedHashMap<>();
    for (String line = nextAt(indent); line != null; line = nextAt(indent)) {
      int at = indentOf(line);
      if (at > indent) {
        throw new Mismatch("its front matter is indented unevenly: " + quote(line));
      }
      String rest = line.substring(at);
      int colon = keyEnd(rest);
      if (colon < 0) {
        throw new Mismatch("its front matter has a line that is not key: value: " + quote(line));
      }
      String key = key(rest.substring(0, colon));
      if (m.containsKey(key)) {
        throw new Mismatch("its front matter names " + quote(key) + " twice");
      }
      next++;
      m.put(key, value(rest.substring(colon + 1).strip(), indent, depth));
    }
    return m;
  }

  private List<Object> sequence(int indent, int depth) throws Mismatch {
    List<Object> items = new ArrayList<>();
    for (String line = nextAt(indent); line != null; line = nextAt(indent)) {
      int at = indentOf(line);
      String rest = line.substring(at);
      boolean isItem = rest.equals("-") || rest.startsWith("- ");
      if (at == indent && !isItem) {
        return items; // the list ended: what follows is its parent's
      }
      if (at > indent || !isItem) {
        throw new Mismatch("its front matter has a line that is not a list item: " + quote(line));
      }
      String item = rest.substring(1).strip();
      if (keyEnd(item) >= 0 && !item.startsWith("\"") && !item.startsWith("'")) {
        throw new Mismatch(
            "its front matter has a list of mappings, which this client does not read");
      }
      next++;
      items.add(value(item, indent, depth));
    }
    return items;
  }

  /** The value after {@code key:} (or {@code -}) on a line indented {@code indent}. */
  private Object value(String text, int indent, int depth) throws Mismatch {
    if (text.startsWith("\"")) {
      return new Scalar(doubleQuoted(text), false);
    }
    if (text.startsWith("'")) {
      return new Scalar(singleQuoted(text), false);
    }
    String v = stripComment(text);
    if (v.isEmpty()) {
      skipBlank();
      if (next < lines.size() && indentOf(lines.get(next)) == indent) {
        String item = lines.get(next).substring(indent);
        if (item.equals("-") || item.startsWith("- ")) {
          return sequence(indent, depth + 1); // a list at its key's own indentation
        }
      }
      return block(indent + 1, depth + 1); // a nested block, or null
    }
    char c = v.charAt(0);
    if (c == '|' || c == '>') {
      return blockScalar(v, indent);
    }
    if (c == '[') {
      return flowSequence(v);
    }
    if (c == '{' || c == '&' || c == '*' || c == '!' || c == '?' || c == '%' || c == '@'
        || c == '`') {
      throw new Mismatch("its front matter uses YAML this client does not read: " + quote(v));
    }
    // A plain scalar, folded with the more indented lines that follow.
    StringBuilder s = new StringBuilder(v);
    while (next < lines.size()) {
      String line = lines.get(next);
      if (line.isBlank() || indentOf(line) <= indent || keyEnd(line.strip()) >= 0) {
        break;
      }
      s.append(' ').append(stripComment(line.strip()));
      next++;
    }
    return new Scalar(s.toString(), true);
  }

  /** A literal ({@code |}) or folded ({@code >}) block scalar, with its chomping. */
  private Scalar blockScalar(String header, int indent) throws Mismatch {
    boolean folded = header.charAt(0) == '>';
    String chomp = "";
    for (int k = 1; k < header.length(); k++) {
      char h = header.charAt(k);
      if (h == '-' || h == '+') {
        chomp = String.valueOf(h);
      } else if (!Character.isDigit(h)) {
        throw new Mismatch(
            "its front matter has a block scalar this client does not read: " + quote(header));
      }
    }
    List<String> body = new ArrayList<>();
    int at = -1;
    while (next < lines.size()) {
      String line = lines.get(next);
      if (!line.isBlank()) {
        int in = indentOf(line);
        if (in <= indent || (at >= 0 && in < at)) {
          break;
        }
        if (at < 0) {
          at = in;
        }
      }
      body.add(line.isBlank() ? "" : line.substring(at));
      next++;
    }
    int trailing = 0;
    while (!body.isEmpty() && body.get(body.size() - 1).isEmpty()) {
      body.remove(body.size() - 1);
      trailing++;
    }
    StringBuilder s = new StringBuilder();
    int empty = 0; // empty lines since the last line with text, when folding
    for (int k = 0; k < body.size(); k++) {
      String line = body.get(k);
      if (k == 0) {
        s.append(line);
      } else if (!folded) {
        s.append('\n').append(line);
      } else if (line.isEmpty()) {
        empty++;
      } else {
        // Folding: a break between lines of text is a space, and n empty lines are n breaks;
        // lines indented further keep their breaks.
        boolean keep = line.startsWith(" ") || body.get(k - 1 - empty).startsWith(" ");
        s.append(empty > 0 ? "\n".repeat(empty + (keep ? 1 : 0)) : keep ? "\n" : " ");
        s.append(line);
        empty = 0;
      }
    }
    if (!body.isEmpty() && !chomp.equals("-")) {
      s.append('\n');
      if (chomp.equals("+")) {
        s.append("\n".repeat(trailing));
      }
    }
    return new Scalar(s.toString(), false);
  }

  private static List<Object> flowSequence(String v) throws Mismatch {
    if (!v.endsWith("]")) {
      throw new Mismatch("its front matter has a list this client does not read: " + quote(v));
    }
    List<Object> items = new ArrayList<>();
    String inner = v.substring(1, v.length() - 1).strip();
    if (inner.isEmpty()) {
      return items;
    }
    for (String part : inner.split(",", -1)) {
      String p = part.strip();
      if (p.isEmpty() || "[]{}&*!|>\"'".indexOf(p.charAt(0)) >= 0) {
        throw new Mismatch("its front matter has a list this client does not read: " + quote(v));
      }
      items.add(new Scalar(p, true));
    }
    return items;
  }

  private static String doubleQuoted(String v) throws Mismatch {
    StringBuilder s = new StringBuilder();
    int k = 1;
    while (k < v.length() && v.charAt(k) != '"') {
      char c = v.charAt(k++);
      if (c != '\\') {
        s.append(c);
        continue;
      }
      if (k >= v.length()) {
        break;
      }
      char e = v.charAt(k++);
      switch (e) {
        case 'n':
          s.append('\n');
          break;
        case 't':
          s.append('\t');
          break;
        case 'r':
          s.append('\r');
          break;
        case '0':
          s.append('\0');
          break;
        case 'u':
          if (k + 4 > v.length()) {
            throw new Mismatch("its front matter has a bad escape: " + quote(v));
          }
          try {
            s.append((char) Integer.parseInt(v.substring(k, k + 4), 16));
          } catch (NumberFormatException ex) {
            throw new Mismatch("its front matter has a bad escape: " + quote(v));
          }
          k += 4;
          break;
        case '"':
        case '\\':
        case '/':
        case ' ':
          s.append(e);
          break;
        default:
          throw new Mismatch(
              "its front matter has an escape this client does not read: " + quote(v));
      }
    }
    if (k >= v.length() || !stripComment(v.substring(k + 1)).isEmpty()) {
      throw new Mismatch(
          "its front matter has a quoted text this client does not read: " + quote(v));
    }
    return s.toString();
  }

  private static String singleQuoted(String v) throws Mismatch {
    StringBuilder s = new StringBuilder();
    int k = 1;
    while (k < v.length()) {
      char c = v.charAt(k++);
      if (c == '\'') {
        if (k < v.length() && v.charAt(k) == '\'') {
          s.append('\'');
          k++;
          continue;
        }
        if (!stripComment(v.substring(k)).isEmpty()) {
          break;
        }
        return s.toString();
      }
      s.append(c);
    }
    throw new Mismatch("its front matter has a quoted text this client does not read: " + quote(v));
  }

  /** Where the key of {@code key: value} ends (its colon), or -1 when the text is not one. */
  private static int keyEnd(String rest) {
    if (rest.startsWith("\"") || rest.startsWith("'")) {
      int close = rest.indexOf(rest.charAt(0), 1);
      return close > 0 && rest.startsWith(":", close + 1) && colonEnds(rest, close + 1)
          ? close + 1
          : -1;
    }
    if (rest.startsWith("#") || rest.startsWith("- ") || rest.equals("-")) {
      return -1;
    }
    for (int k = 0; k < rest.length(); k++) {
      char c = rest.charAt(k);
      if (c == ':' && colonEnds(rest, k)) {
        return k;
      }
      if (c == ' ' && k + 1 < rest.length() && rest.charAt(k + 1) == '#') {
        return -1;
      }
    }
    return -1;
  }

  private static boolean colonEnds(String s, int colon) {
    return colon + 1 == s.length() || s.charAt(colon + 1) == ' ' || s.charAt(colon + 1) == '\t';
  }

  private static String key(String k) throws Mismatch {
    String t = k.strip();
    if (t.length() >= 2 && (t.startsWith("\"") || t.startsWith("'"))) {
      return t.substring(1, t.length() - 1);
    }
    if (t.isEmpty()) {
      throw new Mismatch("its front matter has an empty key");
    }
    return t;
  }

  private static String stripComment(String v) {
    if (v.startsWith("#")) {
      return "";
    }
    int hash = v.indexOf(" #");
    return (hash < 0 ? v : v.substring(0, hash)).strip();
  }

  private void skipBlank() {
    while (next < lines.size()
        && (lines.get(next).isBlank() || lines.get(next).strip().startsWith("#"))) {
      next++;
    }
  }

  private static int indentOf(String line) throws Mismatch {
    int k = 0;
    while (k < line.length() && line.charAt(k) == ' ') {
      k++;
    }
    if (k < line.length() && line.charAt(k) == '\t') {
      throw new Mismatch("its front matter is indented with a tab");
    }
    return k;
  }

  private static String quote(String s) {
    return Listing.shown(s);
  }

  /**
   * Compares a {@code SKILL.md}'s front matter with its entry's, field by field: the same names,
   * and at each the same value (a plain scalar matches a JSON number, boolean or null it spells, or
   * the string it is).
   *
   * @param skillMd the file's text
   * @param entry the front matter the listing gave
   * @throws Mismatch naming the first field that differs, or why the file cannot be read
   */
  public static void compare(String skillMd, JsonObject entry) throws Mismatch {
    String at = same(read(skillMd), entry, "");
    if (at != null) {
      throw new Mismatch("its front matter differs from its listing at " + at);
    }
  }

  /** The path of the first difference, or null when {@code yaml} and {@code json} agree. */
  private static String same(Object yaml, JsonValue json, String path) {
    if (yaml instanceof Map<?, ?> m) {
      if (!(json instanceof JsonObject o) || !o.members().keySet().equals(m.keySet())) {
        return path.isEmpty() ? "its fields" : path;
      }
      for (Map.Entry<?, ?> e : m.entrySet()) {
        String where = path.isEmpty() ? String.valueOf(e.getKey()) : path + "." + e.getKey();
        String d = same(e.getValue(), o.get((String) e.getKey()), where);
        if (d != null) {
          return d;
        }
      }
      return null;
    }
    if (yaml instanceof List<?> l) {
      if (!(json instanceof JsonArray a) || a.values().size() != l.size()) {
        return path;
      }
      for (int k = 0; k < l.size(); k++) {
        String d = same(l.get(k), a.values().get(k), path + "[" + k + "]");
        if (d != null) {
          return d;
        }
      }
      return null;
    }
    if (yaml == null) {
      return json == null || json instanceof JsonNull ? null : path;
    }
    Scalar s = (Scalar) yaml;
    return scalar(s, json) ? null : path;
  }

  private static boolean scalar(Scalar s, JsonValue json) {
    if (json instanceof JsonString js) {
      return js.value().equals(s.text());
    }
    if (!s.plain()) {
      return false;
    }
    String t = s.text().toLowerCase(Locale.ROOT);
    if (json instanceof JsonBoolean b) {
      return t.equals(String.valueOf(b.value()));
    }
    if (json instanceof JsonNull || json == null) {
      return t.equals("null") || t.equals("~") || t.isEmpty();
    }
    if (json instanceof JsonNumber n) {
      try {
        return new BigDecimal(s.text()).compareTo(n.bigDecimalValue()) == 0;
      } catch (NumberFormatException e) {
        return false;
      }
    }
    return false;
  }
}
