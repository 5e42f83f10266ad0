package io.github.kimisdk.testing;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Translates a chat-completions event stream into another wire's events as its parts are written:
 * whole events are translated, and what follows the last one (a cut stream's last bytes) is kept
 * for {@link #rest()}, so pauses and cuts keep their place.
 */
abstract class SseTranslator {

  private final StringBuilder pending = new StringBuilder();

  /**
   * Translates the parts of a chat-completions stream in order, each at its own pause; a dropped
   * connection stays dropped, a cut stream's last bytes follow as they are, and a stream that ended
   * without its last event gets what {@link #end(boolean)} gives.
   */
  final List<FakeResponse.Part> translate(List<FakeResponse.Part> parts) {
    List<FakeResponse.Part> out = new ArrayList<>();
    boolean dropped = false;
    for (FakeResponse.Part p : parts) {
      if (p.bytes() == FakeResponse.DROP) {
        dropped = true;
        out.add(p);
        continue;
      }
      out.add(
          new FakeResponse.Part(
              p.pauseBefore(),
              feed(new String(p.bytes(), StandardCharsets.UTF_8))
                  .getBytes(StandardCharsets.UTF_8)));
    }
    String rest = rest();
    String end = rest.isEmpty() ? end(dropped) : rest;
    if (!end.isEmpty()) {
      out.add(new FakeResponse.Part(Duration.ZERO, end.getBytes(StandardCharsets.UTF_8)));
    }
    return out;
  }

  /**
   * Returns what ends a stream whose whole events were all translated but whose last event never
   * came (a chat stream that finished without {@code [DONE]}); empty for none.
   *
   * @param dropped whether the scripted stream drops its connection
   */
  abstract String end(boolean dropped);

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
