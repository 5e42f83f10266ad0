package io.github.kimisdk.base.bind;

import io.github.kimisdk.json.JsonArray;
import io.github.kimisdk.json.JsonBoolean;
import io.github.kimisdk.json.JsonNull;
import io.github.kimisdk.json.JsonNumber;
import io.github.kimisdk.json.JsonObject;
import io.github.kimisdk.json.JsonString;
import io.github.kimisdk.json.JsonValue;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.OptionalInt;
import java.util.OptionalLong;

/** Binds JSON to the user's types and back, with each class's shape read once and cached. */
public final class Binding {
  private Binding() {}

  private static final ClassValue<Shape> SHAPES =
      new ClassValue<>() {
        @Override
        protected Shape computeValue(Class<?> type) {
          return TypeReader.read(type);
        }
      };

  /**
   * Returns the shape of a class, reading it on first use.
   *
   * @param type the class
   * @return the shape
   * @throws IllegalArgumentException if the class, or a type it contains, is not supported, or
   *     cannot be read from the SDK's module
   */
  public static Shape shape(Class<?> type) {
    return SHAPES.get(type);
  }

  /**
   * Binds a tree to a class.
   *
   * @param value the tree
   * @param type the class
   * @return the value
   * @throws BindFailure if the tree does not fit
   * @throws IllegalArgumentException as {@link #shape(Class)}
   */
  public static Object bind(JsonValue value, Class<?> type) {
    return shape(type).bind(value);
  }

  /**
   * Writes any supported value by its runtime class.
   *
   * @param value the value; may be null
   * @return the tree
   * @throws BindFailure if a number is not finite or a map key is not a string
   * @throws IllegalArgumentException if a type is not supported
   */
  public static JsonValue toJson(Object value) {
    if (value == null) {
      return JsonNull.INSTANCE;
    }
    if (value instanceof JsonValue v) {
      return v;
    }
    if (value instanceof String s) {
      return JsonString.of(s);
    }
    if (value instanceof Boolean b) {
      return JsonBoolean.of(b);
    }
    if (value instanceof Integer
        || value instanceof Long
        || value instanceof Short
        || value instanceof Byte) {
      return JsonNumber.of(((Number) value).longValue());
    }
    if (value instanceof Double d) {
      return ScalarShape.writeDouble(d);
    }
    if (value instanceof Float f) {
      return ScalarShape.writeFloat(f);
    }
    if (value instanceof BigDecimal d) {
      return JsonNumber.of(d);
    }
    if (value instanceof BigInteger i) {
      return JsonNumber.of(i);
    }
    if (value instanceof Enum<?> e) {
      return JsonString.of(e.name());
    }
    if (value instanceof Optional<?>
        || value instanceof OptionalInt
        || value instanceof OptionalLong
        || value instanceof OptionalDouble) {
      return toJson(unwrap(value));
    }
    if (value instanceof Map<?, ?> m) {
      return writeMap(m, null);
    }
    Iterable<?> items = null;
    if (value instanceof Collection<?> c) {
      items = c;
    } else if (value instanceof Object[] a) {
      items = java.util.Arrays.asList(a);
    } else if (value.getClass().isArray()) {
      items = boxed(value);
    }
    if (items != null) {
      JsonArray.Builder b = JsonArray.builder();
      int i = 0;
      for (Object e : items) {
        try {
          b.add(toJson(e));
        } catch (BindFailure f) {
          throw f.at("[" + i + "]", null);
        }
        i++;
      }
      return b.build();
    }
    return shape(value.getClass()).write(value);
  }

  /** Writes an element of a declared shape; a null element (which bind never makes) is null. */
  static JsonValue writeElement(Shape element, Object e) {
    return e == null ? JsonNull.INSTANCE : element.write(e);
  }

  /** Writes a map's entries with the declared value shape, or by runtime class when null. */
  static JsonValue writeMap(Map<?, ?> map, Shape value) {
    JsonObject.Builder b = JsonObject.builder();
    for (Map.Entry<?, ?> e : map.entrySet()) {
      if (!(e.getKey() instanceof String key)) {
        throw new BindFailure(
            "map keys must be strings to become member names, not "
                + (e.getKey() == null ? "null" : e.getKey().getClass().getName()),
            null);
      }
      try {
        b.put(key, value == null ? toJson(e.getValue()) : writeElement(value, e.getValue()));
      } catch (BindFailure f) {
        throw f.at("." + key, null);
      }
    }
    return b.build();
  }

  /** The value inside an optional of any of the four kinds, or null when empty. */
  static Object unwrap(Object optional) {
    if (optional instanceof Optional<?> o) {
      return o.orElse(null);
    }
    if (optional instanceof OptionalInt i) {
      return i.isPresent() ? i.getAsInt() : null;
    }
    if (optional instanceof OptionalLong l) {
      return l.isPresent() ? l.getAsLong() : null;
    }
    OptionalDouble d = (OptionalDouble) optional;
    return d.isPresent() ? d.getAsDouble() : null;
  }

  /** The elements of a primitive array, boxed. */
  static List<Object> boxed(Object array) {
    List<Object> out = new ArrayList<>();
    if (array instanceof int[] a) {
      for (int x : a) {
        out.add(x);
      }
    } else if (array instanceof long[] a) {
      for (long x : a) {
        out.add(x);
      }
    } else if (array instanceof double[] a) {
      for (double x : a) {
        out.add(x);
      }
    } else if (array instanceof float[] a) {
      for (float x : a) {
        out.add(x);
      }
    } else if (array instanceof short[] a) {
      for (short x : a) {
        out.add(x);
      }
    } else if (array instanceof byte[] a) {
      for (byte x : a) {
        out.add(x);
      }
    } else if (array instanceof boolean[] a) {
      for (boolean x : a) {
        out.add(x);
      }
    } else {
      throw new IllegalArgumentException(
          array.getClass().getComponentType() + "[] is not supported; use a String");
    }
    return out;
  }
}
