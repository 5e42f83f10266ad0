package io.github.kimisdk.json;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.Iterator;
import java.util.List;
import java.util.Objects;

/**
 * Represents a JSON array: an immutable, ordered list of values.
 *
 * <p>Two arrays are equal when they hold equal values in the same order.
 */
public final class JsonArray implements JsonValue, Iterable<JsonValue> {
  static final JsonArray EMPTY = new JsonArray(new JsonValue[0]);

  /** Owned, exactly sized, never modified after construction. */
  private final JsonValue[] items;

  JsonArray(JsonValue[] items) {
    this.items = items;
  }

  /**
   * Returns an array holding {@code values} in order.
   *
   * @param values the elements
   * @return the array
   * @throws NullPointerException if {@code values} or an element is null; use {@link
   *     JsonNull#INSTANCE} for a JSON {@code null}
   */
  public static JsonArray of(JsonValue... values) {
    JsonValue[] copy = values.clone();
    for (int i = 0; i < copy.length; i++) {
      if (copy[i] == null) {
        throw new NullPointerException("values[" + i + "] (use JsonNull.INSTANCE)");
      }
    }
    return copy.length == 0 ? EMPTY : new JsonArray(copy);
  }

  /**
   * Returns an array holding {@code values} in order.
   *
   * @param values the elements
   * @return the array
   * @throws NullPointerException if {@code values} or an element is null; use {@link
   *     JsonNull#INSTANCE} for a JSON {@code null}
   */
  public static JsonArray of(List<? extends JsonValue> values) {
    return of(values.toArray(new JsonValue[0]));
  }

  /**
   * Returns a new builder for an array.
   *
   * @return an empty builder
   */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * Returns the element at {@code index}.
   *
   * @param index the 0-based index
   * @return the element
   * @throws JsonException if the index is out of range
   */
  @Override
  public JsonValue get(int index) {
    if (index < 0 || index >= items.length) {
      throw new JsonException("Index " + index + " is out of range for an array of " + size());
    }
    return items[index];
  }

  /**
   * Returns the number of elements.
   *
   * @return the size
   */
  public int size() {
    return items.length;
  }

  /**
   * Tells whether this array has no elements.
   *
   * @return {@code true} when empty
   */
  public boolean isEmpty() {
    return items.length == 0;
  }

  /**
   * Returns the elements as an unmodifiable list.
   *
   * @return the elements, in order
   */
  public List<JsonValue> values() {
    return Collections.unmodifiableList(Arrays.asList(items));
  }

  /**
   * Returns an iterator over the elements, in order.
   *
   * @return an iterator that does not support removal
   */
  @Override
  public Iterator<JsonValue> iterator() {
    return values().iterator();
  }

  @Override
  public JsonArray asArray() {
    return this;
  }

  @Override
  public JsonToken type() {
    return JsonToken.BEGIN_ARRAY;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof JsonArray && Arrays.equals(items, ((JsonArray) o).items);
  }

  @Override
  public int hashCode() {
    return Arrays.hashCode(items);
  }

  /**
   * Returns this array as compact JSON.
   *
   * @return the JSON text
   */
  @Override
  public String toString() {
    return JsonText.write(this);
  }

  /** Builds a {@link JsonArray}; each {@code add} appends. */
  public static final class Builder {
    private final List<JsonValue> items = new ArrayList<>();

    private Builder() {}

    /**
     * Appends a value.
     *
     * @param value the value
     * @return this builder
     * @throws NullPointerException if {@code value} is null; use {@link #addNull()}
     */
    public Builder add(JsonValue value) {
      items.add(Objects.requireNonNull(value, "value (use addNull())"));
      return this;
    }

    /**
     * Appends a string, or {@code null} when {@code value} is null.
     *
     * @param value the text, or null
     * @return this builder
     */
    public Builder add(String value) {
      items.add(value == null ? JsonNull.INSTANCE : new JsonString(value));
      return this;
    }

    /**
     * Appends a number.
     *
     * @param value the number
     * @return this builder
     */
    public Builder add(long value) {
      items.add(JsonNumber.ofLong(value));
      return this;
    }

    /**
     * Appends a number.
     *
     * @param value a finite number
     * @return this builder
     * @throws JsonException if {@code value} is NaN or infinite
     */
    public Builder add(double value) {
      items.add(JsonNumber.of(value));
      return this;
    }

    /**
     * Appends a boolean.
     *
     * @param value the boolean
     * @return this builder
     */
    public Builder add(boolean value) {
      items.add(JsonBoolean.of(value));
      return this;
    }

    /**
     * Appends {@code null}.
     *
     * @return this builder
     */
    public Builder addNull() {
      items.add(JsonNull.INSTANCE);
      return this;
    }

    /**
     * Returns an array of the values added so far.
     *
     * @return the array
     */
    public JsonArray build() {
      return items.isEmpty() ? EMPTY : new JsonArray(items.toArray(new JsonValue[0]));
    }
  }
}
