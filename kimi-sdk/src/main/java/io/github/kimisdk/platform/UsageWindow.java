package io.github.kimisdk.platform;

import io.github.kimisdk.base.text.RecordText;
import java.time.Duration;
import java.time.Instant;

/**
 * One window of Kimi Code's quota ({@link CodeUsage}).
 *
 * @param name the window's name when the server gives one (the summary is {@code "plan"}); may be
 *     null
 * @param length how long the window is, such as 5 hours; null for the plan summary or an unknown
 *     unit
 * @param used what was used in the window
 * @param limit the window's limit
 * @param resetTime when the window resets; null when the server did not say
 */
public record UsageWindow(String name, Duration length, long used, long limit, Instant resetTime) {

  /**
   * Returns what is left.
   *
   * @return {@code limit - used}, not below 0
   */
  public long remaining() {
    return Math.max(0, limit - used);
  }

  /**
   * Returns the share used.
   *
   * @return {@code used / limit}, 0 when the limit is 0
   */
  public double fraction() {
    return limit <= 0 ? 0 : (double) used / limit;
  }

  /**
   * Returns a short label: the name, or the window's length such as {@code 5h}.
   *
   * @return the label
   */
  public String label() {
    if (name != null) {
      return name;
    }
    if (length == null) {
      return "window";
    }
    return length.toDays() > 0 && length.toHoursPart() == 0
        ? length.toDays() + "d"
        : length.toMinutesPart() == 0 ? length.toHours() + "h" : length.toMinutes() + "m";
  }

  /** Returns the members that are set. */
  @Override
  public String toString() {
    return RecordText.of("UsageWindow")
        .add("name", name)
        .add("length", length)
        .add("used", used)
        .add("limit", limit)
        .add("resetTime", resetTime)
        .toString();
  }
}
