package io.github.kimisdk.base.bind;

import io.github.kimisdk.json.JsonNull;
import io.github.kimisdk.json.JsonObject;
import io.github.kimisdk.json.JsonValue;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/** A {@code Map<String, V>}: a JSON object with any member names. */
public final class MapShape extends Shape {
  private final Shape value;

  MapShape(Shape value) {
    this.value = value;
  }

  /**
   * Returns the values' shape.
   *
   * @return the shape
   */
  public Shape value() {
    return value;
  }

  @Override
  public Object bind(JsonValue v) {
    JsonObject o = BindFailure.object(v);
    Map<String, Object> out = new LinkedHashMap<>(o.size() * 2);
    for (Map.Entry<String, JsonValue> e : o.members().entrySet()) {
      if (e.getValue() == JsonNull.INSTANCE && value.nullBindsToJavaNull()) {
        out.put(e.getKey(), null); // a null value, as toJson writes one
        continue;
      }
      try {
        out.put(e.getKey(), value.bind(e.getValue()));
      } catch (BindFailure f) {
        throw f.at("." + e.getKey(), null);
      }
    }
    return Collections.unmodifiableMap(out);
  }

  @Override
  public JsonValue write(Object map) {
    return Binding.writeMap((Map<?, ?>) map, value);
  }
}
