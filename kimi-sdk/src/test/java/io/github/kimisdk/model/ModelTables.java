package io.github.kimisdk.model;

import io.github.kimisdk.model.ModelInfo.FixedSampling;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads the tables of models and prices written for readers (an HTML table in a class comment, a
 * markdown table in a guide) and lists where each differs from the code's table: a model missing
 * from it, named twice or unknown to the code, and every cell whose value is not the code's.
 *
 * <p>The layout it reads: one model per row, its id first in the {@code model} cell, optionally
 * followed by a note in parentheses. In a model table a note is free (such as "(Kimi Code)") and
 * the {@code retired} column holds the retirement; in a price table the only note is "(retired)",
 * held to {@link Price#retired()}. A {@code *} in a cell marks an inferred value and is ignored; a
 * model table's cell "as kimi-k3" holds that model's value, which must then be this model's too.
 */
final class ModelTables {

  /** The columns of a model table, each with the text the code's values read as. */
  static final Map<String, Function<ModelInfo, String>> MODEL_COLUMNS = modelColumns();

  /** The columns of a price table; {@code as of} may be left out. */
  static final List<String> PRICE_COLUMNS =
      List.of(
          "model",
          "input, cache miss",
          "input, cache hit",
          "output",
          "cache write, 5 min / 1 h",
          "as of");

  private static final Pattern CELL =
      Pattern.compile("<t([hd])>(.*?)</t\\1>", Pattern.DOTALL | Pattern.CASE_INSENSITIVE);
  private static final Pattern CODE = Pattern.compile("\\{@(?:code|literal) ([^}]*)}");
  private static final Pattern LINK = Pattern.compile("\\{@link(?:plain)? ([^} ]+)(?: ([^}]*))?}");
  private static final Pattern TAG = Pattern.compile("<[^>]*>");

  private ModelTables() {}

  /**
   * A table as a reader sees it: the header's cells and each row's, in plain text.
   *
   * @param name where the table is, for the messages
   */
  record Table(String name, List<String> header, List<List<String>> rows) {}

  /** Reads the first HTML table of a Java source file's comments. */
  static Table javadoc(String name, String source) {
    int start = source.indexOf("<table>");
    int end = source.indexOf("</table>", start);
    if (start < 0 || end < 0) {
      throw new AssertionError(name + " has no <table>");
    }
    StringBuilder html = new StringBuilder();
    for (String line : source.substring(start, end).split("\n", -1)) {
      html.append(line.replaceFirst("^\\s*\\*\\s?", "")).append('\n');
    }
    List<List<String>> rows = new ArrayList<>();
    String[] trs = html.toString().split("(?i)<tr>");
    for (int i = 1; i < trs.length; i++) {
      List<String> cells = new ArrayList<>();
      Matcher m = CELL.matcher(trs[i]);
      while (m.find()) {
        cells.add(plain(m.group(2)));
      }
      rows.add(cells);
    }
    if (rows.isEmpty()) {
      throw new AssertionError(name + ": the table has no row");
    }
    return new Table(name, rows.get(0), rows.subList(1, rows.size()));
  }

  /** Reads the first markdown table under the heading, before the next heading. */
  static Table markdown(String name, String text, String heading) {
    List<String> lines = text.lines().toList();
    int i = lines.indexOf(heading);
    if (i < 0) {
      throw new AssertionError(name + " has no heading \"" + heading + "\"");
    }
    for (i++; i < lines.size() && !lines.get(i).startsWith("|"); i++) {
      if (lines.get(i).startsWith("#")) {
        break;
      }
    }
    if (i + 1 >= lines.size()
        || !lines.get(i).startsWith("|")
        || !lines.get(i + 1).matches("\\|[-:| ]+\\|")) {
      throw new AssertionError(name + " has no table under \"" + heading + "\"");
    }
    List<String> header = markdownCells(lines.get(i));
    List<List<String>> rows = new ArrayList<>();
    for (i += 2; i < lines.size() && lines.get(i).startsWith("|"); i++) {
      rows.add(markdownCells(lines.get(i)));
    }
    return new Table(name, header, rows);
  }

  /** Lists where a model table differs from {@code models}. */
  static List<String> modelProblems(Table table, List<ModelInfo> models) {
    requireColumns(table, MODEL_COLUMNS.keySet(), Set.of());
    Map<String, ModelInfo> code = new LinkedHashMap<>();
    models.forEach(m -> code.put(m.id(), m));
    List<String> problems = new ArrayList<>();
    Map<String, Row> rows = rows(table, code.keySet(), "not in the code", problems);
    for (Row row : rows.values()) {
      if (!row.note().isEmpty() && !row.note().matches("\\(.+\\)")) {
        problems.add(
            table.name() + ": " + row.id() + "'s note is not in parentheses: " + row.note());
      }
      ModelInfo m = code.get(row.id());
      MODEL_COLUMNS.forEach(
          (column, text) -> {
            String found = row.cells().get(column).replace("*", "").strip();
            String expected = text.apply(m);
            if (found.startsWith("as ")) {
              String other = found.substring(3);
              if (!rows.containsKey(other)) {
                problems.add(
                    table.name()
                        + ": "
                        + row.id()
                        + "'s "
                        + column
                        + " is \""
                        + found
                        + "\", but the table has no row "
                        + other);
              } else if (!text.apply(code.get(other)).equals(expected)) {
                problems.add(
                    table.name()
                        + ": "
                        + row.id()
                        + "'s "
                        + column
                        + " is \""
                        + expected
                        + "\" in the code, not "
                        + other
                        + "'s \""
                        + text.apply(code.get(other))
                        + "\" as the table says");
              }
            } else if (!found.equals(expected)) {
              problems.add(
                  table.name()
                      + ": "
                      + row.id()
                      + "'s "
                      + column
                      + " is \""
                      + expected
                      + "\" in the code, \""
                      + found
                      + "\" in the table");
            }
          });
    }
    return problems;
  }

  /** Lists where a price table differs from the prices of {@code prices}. */
  static List<String> priceProblems(Table table, PriceTable prices) {
    requireColumns(table, PRICE_COLUMNS.subList(0, 5), Set.of("as of"));
    List<String> problems = new ArrayList<>();
    Map<String, Row> rows =
        rows(table, prices.prices().keySet(), "the code has no price for it", problems);
    for (Row row : rows.values()) {
      Price p = prices.prices().get(row.id());
      String retired = p.retired() ? "(retired)" : "";
      if (!row.note().equals(retired)) {
        problems.add(
            table.name()
                + ": "
                + row.id()
                + (p.retired() ? " is" : " is not")
                + " retired in the code, but its row says \""
                + row.note()
                + "\"");
      }
      Map<String, String> cells = row.cells();
      comparePrice(problems, table, row, "input, cache miss", p.inputCacheMiss());
      comparePrice(problems, table, row, "input, cache hit", p.inputCacheHit());
      comparePrice(problems, table, row, "output", p.output());
      String writes = cells.get("cache write, 5 min / 1 h");
      String[] both = writes.equals("-") ? new String[] {"-", "-"} : writes.split("/", -1);
      String expected = amount(p.cacheWriteFiveMinutes()) + " / " + amount(p.cacheWriteOneHour());
      if (both.length != 2
          || !samePrice(p.cacheWriteFiveMinutes(), both[0])
          || !samePrice(p.cacheWriteOneHour(), both[1])) {
        problems.add(
            table.name()
                + ": "
                + row.id()
                + "'s cache write, 5 min / 1 h is "
                + expected
                + " in the code, "
                + writes
                + " in the table");
      }
      String asOf = cells.get("as of");
      String date = p.asOf() == null ? "-" : p.asOf().toString();
      if (asOf != null && !(asOf.equals(date) || asOf.startsWith(date + " ("))) {
        problems.add(
            table.name()
                + ": "
                + row.id()
                + "'s prices are as of "
                + date
                + " in the code, "
                + asOf
                + " in the table");
      }
    }
    return problems;
  }

  private record Row(String id, String note, Map<String, String> cells) {}

  /**
   * Returns the rows by model id, each model of the code's table once; reports a row of the wrong
   * width, a model named twice, one the code lacks and one the table lacks.
   */
  private static Map<String, Row> rows(
      Table table, Set<String> ids, String unknown, List<String> problems) {
    Map<String, Row> byId = new LinkedHashMap<>();
    Set<String> twice = new HashSet<>();
    for (List<String> cells : table.rows()) {
      if (cells.size() != table.header().size()) {
        problems.add(
            table.name()
                + ": the row "
                + cells
                + " has "
                + cells.size()
                + " cells, the header "
                + table.header().size());
        continue;
      }
      Map<String, String> byColumn = new LinkedHashMap<>();
      for (int i = 0; i < cells.size(); i++) {
        byColumn.put(table.header().get(i), cells.get(i));
      }
      String model = byColumn.get("model");
      int space = model.indexOf(' ');
      String id = space < 0 ? model : model.substring(0, space);
      String note = space < 0 ? "" : model.substring(space + 1).strip();
      if (!ids.contains(id)) {
        problems.add(table.name() + ": " + id + " is in the table but " + unknown);
      } else if (byId.putIfAbsent(id, new Row(id, note, byColumn)) != null && twice.add(id)) {
        problems.add(table.name() + ": " + id + " has more than one row");
      }
    }
    for (String id : ids) {
      if (!byId.containsKey(id)) {
        problems.add(table.name() + ": " + id + " is in the code but not in the table");
      }
    }
    return byId;
  }

  private static void requireColumns(Table table, Iterable<String> required, Set<String> optional) {
    Set<String> known = new HashSet<>(optional);
    for (String column : required) {
      known.add(column);
      if (!table.header().contains(column)) {
        throw new AssertionError(
            table.name() + ": the table has no column \"" + column + "\": " + table.header());
      }
    }
    known.add("model");
    for (String column : table.header()) {
      if (!known.contains(column)) {
        throw new AssertionError(
            table.name() + ": the table's column \"" + column + "\" is not held to the code");
      }
    }
  }

  private static void comparePrice(
      List<String> problems, Table table, Row row, String column, BigDecimal code) {
    String found = row.cells().get(column);
    if (!samePrice(code, found)) {
      problems.add(
          table.name()
              + ": "
              + row.id()
              + "'s "
              + column
              + " is "
              + amount(code)
              + " in the code, "
              + found
              + " in the table");
    }
  }

  /** Tells whether a cell says the amount: "-" for none, else the same number. */
  private static boolean samePrice(BigDecimal code, String cell) {
    String s = cell.strip();
    if (s.equals("-")) {
      return code == null;
    }
    try {
      return code != null && new BigDecimal(s).compareTo(code) == 0;
    } catch (NumberFormatException e) {
      return false;
    }
  }

  private static String amount(BigDecimal amount) {
    return amount == null ? "-" : amount.toPlainString();
  }

  private static Map<String, Function<ModelInfo, String>> modelColumns() {
    Map<String, Function<ModelInfo, String>> c = new LinkedHashMap<>();
    c.put("window", m -> String.format(Locale.ROOT, "%,d", m.contextWindow()));
    c.put("default output", m -> String.format(Locale.ROOT, "%,d", m.defaultMaxOutput()));
    c.put(
        "thinking",
        m ->
            thinking(m.thinking())
                + (m.preservedThinking() ? ", preserved" : "")
                + (m.thinkingField() ? "" : ", no thinking field"));
    c.put(
        "effort",
        m ->
            m.efforts().isEmpty()
                ? "-"
                : String.join(", ", m.efforts())
                    + (m.defaultEffort() == null ? "" : " (default " + m.defaultEffort() + ")"));
    c.put("keep all", m -> yesNo(m.keepAll()));
    c.put(
        "media",
        m ->
            m.vision() && m.video()
                ? "image, video"
                : m.vision() ? "image" : m.video() ? "video" : "-");
    c.put("fixed sampling", m -> sampling(m.sampling()));
    c.put(
        "required while thinking",
        m ->
            m.thinking() == ModelInfo.ThinkingSupport.NONE
                ? "-"
                : yesNo(m.requiredToolChoiceWhileThinking()));
    c.put("retired", m -> m.retirement().map(r -> r.date().toString()).orElse("-"));
    return Collections.unmodifiableMap(c);
  }

  private static String thinking(ModelInfo.ThinkingSupport t) {
    return switch (t) {
      case ALWAYS -> "always";
      case SWITCHABLE -> "switchable";
      case NONE -> "never";
    };
  }

  /** Such as "temperature 1 (0.6 with thinking off), top_p 0.95, n 1, penalties 0". */
  static String sampling(FixedSampling s) {
    if (s.isFree()) {
      return "-";
    }
    List<String> parts = new ArrayList<>();
    Double on = s.temperatureThinking();
    Double off = s.temperatureNoThinking();
    if (on != null && on.equals(off)) {
      parts.add("temperature " + number(on));
    } else if (on != null) {
      parts.add(
          "temperature "
              + number(on)
              + (off == null ? " with thinking" : " (" + number(off) + " with thinking off)"));
    } else if (off != null) {
      parts.add("temperature " + number(off) + " with thinking off");
    }
    if (s.topP() != null) {
      parts.add("top_p " + number(s.topP()));
    }
    if (s.n() != null) {
      parts.add("n " + s.n());
    }
    if (s.penalty() != null) {
      parts.add("penalties " + number(s.penalty()));
    }
    return String.join(", ", parts);
  }

  private static String number(double d) {
    return BigDecimal.valueOf(d).stripTrailingZeros().toPlainString();
  }

  private static String yesNo(boolean b) {
    return b ? "yes" : "no";
  }

  /** The text of an HTML cell: Javadoc's inline tags and HTML's markup removed. */
  private static String plain(String html) {
    String s = CODE.matcher(html).replaceAll(r -> Matcher.quoteReplacement(r.group(1)));
    s =
        LINK.matcher(s)
            .replaceAll(
                r -> Matcher.quoteReplacement(r.group(2) != null ? r.group(2) : r.group(1)));
    s = TAG.matcher(s).replaceAll("");
    s = s.replace("&lt;", "<").replace("&gt;", ">").replace("&nbsp;", " ").replace("&amp;", "&");
    return s.replaceAll("\\s+", " ").strip();
  }

  private static List<String> markdownCells(String line) {
    String s = line.strip();
    s = s.substring(1, s.endsWith("|") ? s.length() - 1 : s.length());
    List<String> cells = new ArrayList<>();
    for (String cell : s.split("\\|", -1)) {
      cells.add(cell.replace("`", "").strip());
    }
    return cells;
  }
}
