package io.github.kimisdk.base.bind;

import io.github.kimisdk.json.JsonNull;
import io.github.kimisdk.json.JsonValue;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.OptionalInt;
import java.util.OptionalLong;

/** An {@code Optional} record component: the member when present, nothing when empty. */
public final class OptionalShape extends Shape {

  /** The optional class. */
  public enum Kind {
    /** {@code Optional<T>}. */
    OPTIONAL,
    /** {@code OptionalInt}. */
    INT,
    /** {@code OptionalLong}. */
    LONG,
    /** {@code OptionalDouble}. */
    DOUBLE
  }

  private final Kind kind;
  private final Shape element;

  OptionalShape(Kind kind, Shape element) {
    this.kind = kind;
    this.element = element;
  }

  /**
   * Returns the shape of the value inside.
   *
   * @return the shape
   */
  public Shape element() {
    return element;
  }

  /** The empty optional of this kind: the value of an absent member. */
  Object empty() {
    switch (kind) {
      case INT:
        return OptionalInt.empty();
      case LONG:
        return OptionalLong.empty();
      case DOUBLE:
        return OptionalDouble.empty();
      default:
        return Optional.empty();
    }
  }

  @Override
  public boolean nullBindsToJavaNull() {
    return false;
  }

  @Override
  public Object bind(JsonValue v) {
    if (v == JsonNull.INSTANCE) {
      return empty();
    }
    Object e = element.bind(v);
    switch (kind) {
      case INT:
        return OptionalInt.of((Integer) e);
      case LONG:
        return OptionalLong.of((Long) e);
      case DOUBLE:
        return OptionalDouble.of((Double) e);
      default:
        return Optional.of(e);
    }
  }

  @Override
  public JsonValue write(Object value) {
    Object e = Binding.unwrap(value);
    return e == null ? JsonNull.INSTANCE : element.write(e);
  }
}
