package io.github.kimisdk.json;

import java.nio.charset.StandardCharsets;

/**
 * JSON text for the value classes: writing (with a recycled buffer) and the few helpers they share.
 * Kept apart from {@link Json} so that the value classes never use the facade, which uses the
 * binder in {@code base.bind}; the binder uses the value classes, and this keeps the two packages
 * free of a cycle.
 */
final class JsonText {

  private JsonText() {}

  static String write(JsonValue value) {
    JsonWriter w = borrowWriter(null);
    String out = w.value(requireValue(value)).toString();
    giveBack(w);
    return out;
  }

  static String writePretty(JsonValue value) {
    JsonWriter w = borrowWriter("  ");
    String out = w.value(requireValue(value)).toString();
    giveBack(w);
    return out;
  }

  static byte[] writeBytes(JsonValue value) {
    JsonWriter w = borrowWriter(null);
    byte[] out = w.value(requireValue(value)).toByteArray();
    giveBack(w);
    return out;
  }

  /**
   * One output buffer per thread, reused across writes so that a write allocates little more than
   * its result. A writer takes the buffer out while it works (so a nested or failed write simply
   * allocates its own), and only buffers up to {@link #MAX_RECYCLED} bytes are kept.
   */
  private static final ThreadLocal<byte[][]> BUFFER = ThreadLocal.withInitial(() -> new byte[1][]);

  private static final int MAX_RECYCLED = 64 * 1024;

  private static JsonWriter borrowWriter(String indent) {
    byte[][] holder = BUFFER.get();
    byte[] b = holder[0];
    holder[0] = null;
    return new JsonWriter(b != null ? b : new byte[4096], indent);
  }

  private static void giveBack(JsonWriter w) {
    byte[] b = w.buffer();
    if (b.length <= MAX_RECYCLED) {
      BUFFER.get()[0] = b;
    }
  }

  private static JsonValue requireValue(JsonValue value) {
    if (value == null) {
      throw new NullPointerException("value (use JsonNull.INSTANCE for a JSON null)");
    }
    return value;
  }

  /** Tells whether {@code s} is exactly one JSON number literal, without whitespace. */
  static boolean isNumberLiteral(String s) {
    if (s.isEmpty()) {
      return false;
    }
    char first = s.charAt(0);
    char last = s.charAt(s.length() - 1);
    if (!(first == '-' || (first >= '0' && first <= '9')) || last < '0' || last > '9') {
      return false;
    }
    byte[] b = s.getBytes(StandardCharsets.UTF_8);
    try {
      JsonReader r = JsonReader.of(b);
      if (r.peek() != JsonToken.NUMBER) {
        return false;
      }
      r.skipValue();
      r.endDocument();
      return true;
    } catch (JsonException e) {
      return false;
    }
  }
}
