package io.github.kimisdk.model;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Which ids of a model table are near an id it does not hold: the ids of its family a few edits
 * away ({@link ModelCatalog#similarIds}, a 404's "did you mean"), and the served ids fewest edits
 * away whatever their family ({@link ModelCatalog#warning}, when none of the family is close).
 * Linear in the table, quadratic in an id cut at 128 characters.
 */
final class ModelIds {

  private ModelIds() {}

  /**
   * Returns the ids of {@code models} close to {@code id}, closest first, at most {@code max}: of
   * the same family (the version an id names), a few edits away or continuing the id asked for.
   *
   * <p>A family is the letters and number of an id's first version ({@code k3.1} for {@code
   * kimi-k3.1-pro-highspeed}, {@code k2.7} for {@code kimi-k2.7-code}, {@code v1} for {@code
   * moonshot-v1-8k}, {@code k3} for {@code kimi-k3} and Kimi Code's {@code k3-256k}); ids without a
   * digit form one family. So {@code kimi-k3.2-pro} gets no guess rather than {@code
   * kimi-k3.1-pro}, and a K3.1 id is never answered with a K2.7 one. Within the family an id is
   * close when it is at most a third of its length (and at least 2) edits away, or when it
   * continues the id asked for ({@code kimi-k3.1} gets {@code kimi-k3.1-pro}, the shortest such id
   * first). Ties go to the shorter id, then the smaller. Compared case-insensitively; the id is cut
   * at 128 characters.
   *
   * @param id the id asked for
   * @param models the table
   * @param max the most ids returned
   * @return the close ids, closest first; empty when none is close
   */
  static List<String> closeIds(String id, ModelCatalog models, int max) {
    String asked = cut(id).toLowerCase(Locale.ROOT);
    String family = family(asked);
    int limit = Math.max(2, asked.length() / 3);
    List<Map.Entry<Integer, String>> found = new ArrayList<>();
    for (ModelInfo m : models.models()) {
      String known = m.id().toLowerCase(Locale.ROOT);
      if (!family(known).equals(family)) {
        continue;
      }
      int d =
          known.startsWith(asked + "-")
              ? 0 // continues the id asked for; the shortest such id wins below
              : distance(asked, known);
      if (d <= limit) {
        found.add(Map.entry(d, m.id()));
      }
    }
    return nearestFirst(found, max);
  }

  /**
   * Returns the ids of {@code models} fewest edits away from {@code id} whatever their family,
   * closest first, at most {@code max}, leaving out retired models: the ids to name when {@link
   * #closeIds} finds none.
   *
   * @param id the id asked for
   * @param models the table
   * @param max the most ids returned
   * @return the nearest served ids; empty only for a table without one
   */
  static List<String> nearestIds(String id, ModelCatalog models, int max) {
    String asked = cut(id).toLowerCase(Locale.ROOT);
    List<Map.Entry<Integer, String>> found = new ArrayList<>();
    for (ModelInfo m : models.models()) {
      if (m.retirement().isEmpty()) {
        found.add(Map.entry(distance(asked, m.id().toLowerCase(Locale.ROOT)), m.id()));
      }
    }
    return nearestFirst(found, max);
  }

  private static String cut(String id) {
    return id.length() > 128 ? id.substring(0, 128) : id;
  }

  private static List<String> nearestFirst(List<Map.Entry<Integer, String>> found, int max) {
    found.sort(
        Comparator.comparing((Map.Entry<Integer, String> e) -> e.getKey())
            .thenComparing(e -> e.getValue().length())
            .thenComparing(Map.Entry::getValue));
    List<String> ids = new ArrayList<>();
    for (int i = 0; i < found.size() && i < max; i++) {
      ids.add(found.get(i).getValue());
    }
    return ids;
  }

  /**
   * Returns the family of a lower-case id: the letters just before its first digit and the number
   * there (digits and the dots between them), or "" when it has no digit.
   */
  static String family(String id) {
    int digit = 0;
    while (digit < id.length() && !Character.isDigit(id.charAt(digit))) {
      digit++;
    }
    if (digit == id.length()) {
      return "";
    }
    int start = digit;
    while (start > 0 && Character.isLetter(id.charAt(start - 1))) {
      start--;
    }
    int end = digit;
    while (end < id.length()
        && (Character.isDigit(id.charAt(end))
            || (id.charAt(end) == '.'
                && end + 1 < id.length()
                && Character.isDigit(id.charAt(end + 1))))) {
      end++;
    }
    return id.substring(start, end);
  }

  /** Levenshtein distance of two short strings (ids of at most 128 characters). */
  private static int distance(String a, String b) {
    int[] prev = new int[b.length() + 1];
    int[] cur = new int[b.length() + 1];
    for (int j = 0; j <= b.length(); j++) {
      prev[j] = j;
    }
    for (int i = 1; i <= a.length(); i++) {
      cur[0] = i;
      for (int j = 1; j <= b.length(); j++) {
        int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
        cur[j] = Math.min(Math.min(cur[j - 1] + 1, prev[j] + 1), prev[j - 1] + cost);
      }
      int[] t = prev;
      prev = cur;
      cur = t;
    }
    return prev[b.length()];
  }
}
