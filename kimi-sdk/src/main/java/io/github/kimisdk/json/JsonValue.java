package io.github.kimisdk.json;

import io.github.kimisdk.base.bind.JsonKind;
import java.math.BigDecimal;

/**
 * Represents one immutable JSON value: an object, array, string, number, boolean or {@code null}.
 *
 * <p>The family is closed; dispatch with {@code instanceof}. For quick navigation, for example in
 * {@code jshell}, every value also offers {@link #get(String)}, {@link #get(int)} and the {@code
 * as*} accessors, which throw a {@link JsonException} naming the actual type when the value is of
 * another kind:
 *
 * <pre>{@code
 * JsonValue v = Json.parse(body);
 * String text = v.get("choices").get(0).get("message").get("content").asString();
 * }</pre>
 *
 * <p>{@code toString()} prints compact JSON, the same text as {@link Json#write(JsonValue)}.
 */
public sealed interface JsonValue
    permits JsonObject, JsonArray, JsonString, JsonNumber, JsonBoolean, JsonNull {

  /**
   * Returns the member named {@code name} of this object, or {@code null} when there is none.
   *
   * @param name the member name
   * @return the member value, or {@code null} when absent
   * @throws JsonException if this value is not an object
   */
  default JsonValue get(String name) {
    throw typeMismatch("an object");
  }

  /**
   * Returns the element at {@code index} of this array.
   *
   * @param index the 0-based index
   * @return the element
   * @throws JsonException if this value is not an array, or the index is out of range
   */
  default JsonValue get(int index) {
    throw typeMismatch("an array");
  }

  /**
   * Returns this value as an object.
   *
   * @return this value
   * @throws JsonException if this value is not an object
   */
  default JsonObject asObject() {
    throw typeMismatch("an object");
  }

  /**
   * Returns this value as an array.
   *
   * @return this value
   * @throws JsonException if this value is not an array
   */
  default JsonArray asArray() {
    throw typeMismatch("an array");
  }

  /**
   * Returns the text of this string value.
   *
   * @return the string
   * @throws JsonException if this value is not a string
   */
  default String asString() {
    throw typeMismatch("a string");
  }

  /**
   * Returns this number as an {@code int}.
   *
   * @return the number
   * @throws JsonException if this value is not a number, or does not fit in an {@code int}
   */
  default int asInt() {
    throw typeMismatch("a number");
  }

  /**
   * Returns this number as a {@code long}.
   *
   * @return the number
   * @throws JsonException if this value is not a number, or does not fit in a {@code long}
   */
  default long asLong() {
    throw typeMismatch("a number");
  }

  /**
   * Returns this number as a {@code double}.
   *
   * @return the number
   * @throws JsonException if this value is not a number, or is beyond the {@code double} range
   */
  default double asDouble() {
    throw typeMismatch("a number");
  }

  /**
   * Returns this number as a {@link BigDecimal}.
   *
   * @return the number
   * @throws JsonException if this value is not a number, or its exponent is beyond {@code
   *     BigDecimal}'s range
   */
  default BigDecimal asBigDecimal() {
    throw typeMismatch("a number");
  }

  /**
   * Returns the value of this boolean.
   *
   * @return the boolean
   * @throws JsonException if this value is not a boolean
   */
  default boolean asBoolean() {
    throw typeMismatch("a boolean");
  }

  /**
   * Tells whether this value is the JSON literal {@code null}.
   *
   * @return {@code true} for {@link JsonNull#INSTANCE}
   */
  default boolean isNull() {
    return false;
  }

  /**
   * Returns the kind of this value, as the token a {@link JsonReader} would report for it.
   *
   * @return one of {@code BEGIN_OBJECT}, {@code BEGIN_ARRAY}, {@code STRING}, {@code NUMBER},
   *     {@code BOOLEAN} or {@code NULL}
   */
  JsonToken type();

  private JsonException typeMismatch(String expected) {
    return new JsonException("Expected " + expected + " but was " + JsonKind.of(type()));
  }
}
