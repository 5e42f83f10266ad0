package io.github.kimisdk.json;

import java.util.Objects;

/** Represents a JSON string value. Two strings are equal when their texts are equal. */
public final class JsonString implements JsonValue {
  private final String value;

  JsonString(String value) {
    this.value = value;
  }

  /**
   * Returns a string value holding {@code value}.
   *
   * @param value the text, which may hold any characters, including unpaired surrogates
   * @return the string value
   * @throws NullPointerException if {@code value} is null; use {@link JsonNull#INSTANCE} instead
   */
  public static JsonString of(String value) {
    return new JsonString(Objects.requireNonNull(value, "value (use JsonNull.INSTANCE for null)"));
  }

  /**
   * Returns the text of this string.
   *
   * @return the text
   */
  public String value() {
    return value;
  }

  @Override
  public String asString() {
    return value;
  }

  @Override
  public JsonToken type() {
    return JsonToken.STRING;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof JsonString && ((JsonString) o).value.equals(value);
  }

  @Override
  public int hashCode() {
    return value.hashCode();
  }

  /**
   * Returns this string as a quoted, escaped JSON string literal.
   *
   * @return the JSON text
   */
  @Override
  public String toString() {
    return JsonText.write(this);
  }
}
