package io.github.kimisdk.base.bind;

import io.github.kimisdk.json.JsonArray;
import io.github.kimisdk.json.JsonNull;
import io.github.kimisdk.json.JsonValue;
import java.util.Arrays;
import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.function.IntFunction;

/** A {@code List}, {@code Set}, {@code Collection} or array: a JSON array. */
public final class ListShape extends Shape {

  /** The Java container. */
  public enum Kind {
    /** {@code List} or {@code Collection}: an unmodifiable list, which may hold null. */
    LIST,
    /**
     * {@code Set}: an unmodifiable set in JSON order, which may hold null; repeated elements
     * collapse.
     */
    SET,
    /** An array. */
    ARRAY
  }

  private final Kind kind;
  private final Shape element;
  private final ScalarShape.Kind primitive;
  private final IntFunction<Object[]> newArray;
  private final boolean nullElements;

  ListShape(Kind kind, Shape element, ScalarShape.Kind primitive, IntFunction<Object[]> newArray) {
    this.kind = kind;
    this.element = element;
    this.primitive = primitive;
    this.newArray = newArray;
    this.nullElements = primitive == null && element.nullBindsToJavaNull();
  }

  /**
   * Returns the container.
   *
   * @return the kind
   */
  public Kind kind() {
    return kind;
  }

  /**
   * Returns the elements' shape.
   *
   * @return the shape
   */
  public Shape element() {
    return element;
  }

  @Override
  public Object bind(JsonValue v) {
    JsonArray a = BindFailure.array(v);
    int n = a.size();
    Object[] out = primitive == null && kind == Kind.ARRAY ? newArray.apply(n) : new Object[n];
    for (int i = 0; i < n; i++) {
      JsonValue e = a.get(i);
      if (nullElements && e == JsonNull.INSTANCE) {
        continue; // a null element, as toJson writes one
      }
      try {
        out[i] = element.bind(e);
      } catch (BindFailure f) {
        throw f.at("[" + i + "]", null);
      }
    }
    switch (kind) {
      case LIST:
        return Collections.unmodifiableList(Arrays.asList(out));
      case SET:
        return Collections.unmodifiableSet(new LinkedHashSet<>(Arrays.asList(out)));
      default:
        return primitive == null ? out : unbox(out);
    }
  }

  private Object unbox(Object[] in) {
    int n = in.length;
    switch (primitive) {
      case BOOLEAN:
        {
          boolean[] a = new boolean[n];
          for (int i = 0; i < n; i++) {
            a[i] = (Boolean) in[i];
          }
          return a;
        }
      case BYTE:
        {
          byte[] a = new byte[n];
          for (int i = 0; i < n; i++) {
            a[i] = (Byte) in[i];
          }
          return a;
        }
      case SHORT:
        {
          short[] a = new short[n];
          for (int i = 0; i < n; i++) {
            a[i] = (Short) in[i];
          }
          return a;
        }
      case INT:
        {
          int[] a = new int[n];
          for (int i = 0; i < n; i++) {
            a[i] = (Integer) in[i];
          }
          return a;
        }
      case LONG:
        {
          long[] a = new long[n];
          for (int i = 0; i < n; i++) {
            a[i] = (Long) in[i];
          }
          return a;
        }
      case FLOAT:
        {
          float[] a = new float[n];
          for (int i = 0; i < n; i++) {
            a[i] = (Float) in[i];
          }
          return a;
        }
      case DOUBLE:
        {
          double[] a = new double[n];
          for (int i = 0; i < n; i++) {
            a[i] = (Double) in[i];
          }
          return a;
        }
      default:
        throw new AssertionError(primitive);
    }
  }

  @Override
  public JsonValue write(Object value) {
    JsonArray.Builder b = JsonArray.builder();
    int i = 0;
    try {
      if (value instanceof Collection<?> c) {
        for (Object e : c) {
          b.add(Binding.writeElement(element, e));
          i++;
        }
      } else if (value instanceof Object[] a) {
        for (; i < a.length; i++) {
          b.add(Binding.writeElement(element, a[i]));
        }
      } else {
        for (Object e : Binding.boxed(value)) {
          b.add(element.write(e));
          i++;
        }
      }
    } catch (BindFailure f) {
      throw f.at("[" + i + "]", null);
    }
    return b.build();
  }
}
