package io.github.kimisdk.testing;

/**
 * Translates a chat-completions event stream into another wire's events as its parts are written:
 * whole events are translated, and what follows the last one (a cut stream's last bytes) is kept
 * for {@link #rest()}, so pauses and cuts keep their place.
 */
abstract class SseTranslator {

  private final StringBuilder pending = new StringBuilder();

  /** Returns what the whole events among the parts fed so far translate to. */
  final String feed(String text) {
    pending.append(text.replace("\r\n", "\n"));
    StringBuilder out = new StringBuilder();
    int end;
    while ((end = pending.indexOf("\n\n")) >= 0) {
      String event = pending.substring(0, end + 2);
      pending.delete(0, end + 2);
      translate(event, out);
    }
    return out.toString();
  }

  /** What is left after the last whole event: a cut stream's last bytes, sent as they are. */
  final String rest() {
    return pending.toString();
  }

  /** Translates one whole event, its blank line included, into {@code out}. */
  abstract void translate(String event, StringBuilder out);

  /** Returns an event's data lines joined by line breaks, or null when it has none. */
  static String data(String event) {
    StringBuilder data = null;
    for (String line : event.split("\n")) {
      if (line.startsWith("data:")) {
        String d = line.substring(5);
        d = d.startsWith(" ") ? d.substring(1) : d;
        data = data == null ? new StringBuilder(d) : data.append('\n').append(d);
      }
    }
    return data == null ? null : data.toString();
  }

  /** Tells whether one of an event's lines starts with {@code prefix}. */
  static boolean hasLine(String event, String prefix) {
    for (String line : event.split("\n")) {
      if (line.startsWith(prefix)) {
        return true;
      }
    }
    return false;
  }
}
