package io.github.kimisdk.base.text;

import java.util.Collection;
import java.util.Map;
import java.util.Optional;

/**
 * Writes a value's {@code toString} in the shape of a record's, {@code Usage[promptTokens=31,
 * completionTokens=9, totalTokens=40]}, leaving out the members that say nothing: null, an empty
 * string, collection, map, JSON object or array, an empty {@code Optional}, and a flag that is off.
 * The caller names each member, so no reflection is involved; what a member's own {@code toString}
 * prints (a key, a repeat of the parent) is the caller's to leave out.
 *
 * <p>One instance writes one string on one thread: made by {@link #of}, fed, read once.
 */
public final class RecordText {

  private final StringBuilder sb;
  private boolean first = true;

  private RecordText(String type) {
    sb = new StringBuilder(64).append(type).append('[');
  }

  /**
   * Starts the text of a value of type {@code type}.
   *
   * @param type the simple name the text starts with, such as {@code Usage}
   * @return a text with no members yet
   */
  public static RecordText of(String type) {
    return new RecordText(type);
  }

  /**
   * Adds {@code name=value} unless the value is absent or empty (a value that prints as {@code {}}
   * or {@code []}, an empty JSON object or array, is empty too); a present {@code Optional} shows
   * its content.
   *
   * @param name the member's name
   * @param value the member's value; null, empty or an empty {@code Optional} leaves it out
   * @return this text
   */
  public RecordText add(String name, Object value) {
    Object v = value instanceof Optional<?> o ? o.orElse(null) : value;
    if (v == null
        || v instanceof CharSequence s && s.length() == 0
        || v instanceof Collection<?> c && c.isEmpty()
        || v instanceof Map<?, ?> m && m.isEmpty()) {
      return this;
    }
    String shown = String.valueOf(v);
    if (!(v instanceof CharSequence) && (shown.equals("{}") || shown.equals("[]"))) {
      return this; // an empty JSON object or array (the base floor knows no JSON type)
    }
    member(name).append(shown);
    return this;
  }

  /**
   * Adds {@code name=value}, whatever the value: a count that is meaningful at 0.
   *
   * @param name the member's name
   * @param value the member's value
   * @return this text
   */
  public RecordText add(String name, long value) {
    member(name).append(value);
    return this;
  }

  /**
   * Adds {@code name=true} when {@code on}, and nothing when it is off.
   *
   * @param name the flag's name
   * @param on whether the flag is set
   * @return this text
   */
  public RecordText flag(String name, boolean on) {
    if (on) {
      member(name).append(true);
    }
    return this;
  }

  private StringBuilder member(String name) {
    if (!first) {
      sb.append(", ");
    }
    first = false;
    return sb.append(name).append('=');
  }

  /**
   * Returns the text, closed with {@code ]}.
   *
   * @return the text
   */
  @Override
  public String toString() {
    return sb.toString() + ']';
  }
}
