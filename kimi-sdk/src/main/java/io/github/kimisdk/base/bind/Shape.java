package io.github.kimisdk.base.bind;

import io.github.kimisdk.json.JsonValue;

/**
 * How one Java type reads from and writes to JSON. Built by {@link TypeReader}, cached per class by
 * {@link Binding}; schema derivation walks the same shapes.
 */
public abstract sealed class Shape
    permits ScalarShape, EnumShape, RecordShape, UnionShape, ListShape, MapShape, OptionalShape {

  Shape() {}

  /**
   * Binds a JSON value: {@link io.github.kimisdk.json.JsonNull#INSTANCE} for a JSON null, never a
   * Java null.
   *
   * @param value the value
   * @return the Java value, never null
   * @throws BindFailure if the value does not fit
   */
  public abstract Object bind(JsonValue value);

  /**
   * Writes a non-null Java value of this shape's type.
   *
   * @param value the value
   * @return the JSON value
   * @throws BindFailure if the value cannot be written (a NaN, a non-string map key)
   */
  public abstract JsonValue write(Object value);

  /**
   * Tells whether a JSON {@code null} in a slot of this shape that Java can leave null (a component
   * or element of reference type) binds to a Java {@code null}, as {@link
   * io.github.kimisdk.json.Json#toJson} writes a Java {@code null}. True but for a {@code
   * JsonValue}, which holds JSON null as {@link io.github.kimisdk.json.JsonNull#INSTANCE}, and an
   * optional, which is empty instead.
   *
   * @return whether JSON null means Java null here
   */
  public boolean nullBindsToJavaNull() {
    return true;
  }
}
