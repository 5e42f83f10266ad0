package io.github.kimisdk.internal.client;

import io.github.kimisdk.KimiResponse;
import io.github.kimisdk.internal.http.ErrorFactory;
import io.github.kimisdk.json.Json;
import io.github.kimisdk.json.JsonNumber;
import io.github.kimisdk.json.JsonObject;
import io.github.kimisdk.json.JsonString;
import io.github.kimisdk.json.JsonValue;
import java.math.BigDecimal;

/** JSON decoding shared by the platform endpoints (files, balance, batches). */
public final class PlatformCalls {

  private PlatformCalls() {}

  /** Parses a 2xx body as a JSON object, or fails with a decoding error naming {@code what}. */
  public static JsonObject object(KimiResponse<byte[]> r, ErrorFactory errors, String what) {
    byte[] b = r.value();
    try {
      if (Json.parse(b) instanceof JsonObject o) {
        return o;
      }
    } catch (RuntimeException e) {
      throw errors.decoding(r.metadata(), "The response is not " + what + " (malformed JSON)", e);
    }
    throw errors.decoding(
        r.metadata(), "The response is not " + what + " (not a JSON object)", null);
  }

  public static String string(JsonObject o, String name) {
    return o.get(name) instanceof JsonString s ? s.value() : null;
  }

  public static long number(JsonObject o, String name) {
    return o.get(name) instanceof JsonNumber n ? n.longValue() : 0;
  }

  public static BigDecimal decimal(JsonObject o, String name) {
    JsonValue v = o.get(name);
    return v instanceof JsonNumber n ? n.bigDecimalValue() : BigDecimal.ZERO;
  }
}
