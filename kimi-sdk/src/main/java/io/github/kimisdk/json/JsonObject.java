package io.github.kimisdk.json;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * Represents a JSON object: an immutable map from member names to values that keeps the order in
 * which members first appeared.
 *
 * <p>Names are unique. When input repeats a name, the last value wins and the member keeps the
 * position where the name first appeared. Two objects are equal when they have the same names
 * mapped to equal values, in any order (as {@link Map#equals} defines it).
 */
public final class JsonObject implements JsonValue {
  static final JsonObject EMPTY = new JsonObject(new String[0], new JsonValue[0]);

  /** Above this size, {@link #get} uses a hash index instead of a linear scan. */
  private static final int LINEAR_MAX = 8;

  private final String[] names;
  private final JsonValue[] values;
  private Index index;
  private Map<String, JsonValue> members;

  /** Takes ownership of exactly sized arrays whose names are already unique. */
  JsonObject(String[] names, JsonValue[] values) {
    this.names = names;
    this.values = values;
  }

  /**
   * Builds an object from the first {@code n} entries of parallel arrays, removing repeated names:
   * the last value wins at the position of the first occurrence. May reuse the arrays.
   */
  static JsonObject ofEntries(String[] names, JsonValue[] values, int n) {
    if (n == 0) {
      return EMPTY;
    }
    boolean unique = true;
    if (n <= 16) {
      outer:
      for (int i = 1; i < n; i++) {
        String name = names[i];
        for (int j = 0; j < i; j++) {
          if (name.equals(names[j])) {
            unique = false;
            break outer;
          }
        }
      }
    } else {
      unique = new Index(names, n).unique;
    }
    if (unique) {
      if (names.length != n) {
        return new JsonObject(
            java.util.Arrays.copyOf(names, n), java.util.Arrays.copyOf(values, n));
      }
      return new JsonObject(names, values);
    }
    LinkedHashMap<String, JsonValue> map = new LinkedHashMap<>(n * 2);
    for (int i = 0; i < n; i++) {
      map.put(names[i], values[i]);
    }
    return fromMap(map);
  }

  private static JsonObject fromMap(Map<String, ? extends JsonValue> map) {
    int n = map.size();
    if (n == 0) {
      return EMPTY;
    }
    String[] k = new String[n];
    JsonValue[] v = new JsonValue[n];
    int i = 0;
    for (Map.Entry<String, ? extends JsonValue> e : map.entrySet()) {
      k[i] = Objects.requireNonNull(e.getKey(), "member name");
      v[i] = Objects.requireNonNull(e.getValue(), () -> e.getKey() + " (use JsonNull.INSTANCE)");
      i++;
    }
    return new JsonObject(k, v);
  }

  /**
   * Returns an empty object.
   *
   * @return the empty object
   */
  public static JsonObject of() {
    return EMPTY;
  }

  /**
   * Returns an object with one member.
   *
   * @param name the name
   * @param value the value
   * @return the object
   * @throws NullPointerException if an argument is null
   */
  public static JsonObject of(String name, JsonValue value) {
    return builder().put(name, value).build();
  }

  /**
   * Returns an object with two members, in order; a repeated name keeps the last value.
   *
   * @param name1 the first name
   * @param value1 the first value
   * @param name2 the second name
   * @param value2 the second value
   * @return the object
   * @throws NullPointerException if an argument is null
   */
  public static JsonObject of(String name1, JsonValue value1, String name2, JsonValue value2) {
    return builder().put(name1, value1).put(name2, value2).build();
  }

  /**
   * Returns an object with three members, in order; a repeated name keeps the last value.
   *
   * @param name1 the first name
   * @param value1 the first value
   * @param name2 the second name
   * @param value2 the second value
   * @param name3 the third name
   * @param value3 the third value
   * @return the object
   * @throws NullPointerException if an argument is null
   */
  public static JsonObject of(
      String name1,
      JsonValue value1,
      String name2,
      JsonValue value2,
      String name3,
      JsonValue value3) {
    return builder().put(name1, value1).put(name2, value2).put(name3, value3).build();
  }

  /**
   * Returns an object with the members of {@code members}, in its iteration order.
   *
   * @param members the members
   * @return the object
   * @throws NullPointerException if the map, a name or a value is null
   */
  public static JsonObject of(Map<String, ? extends JsonValue> members) {
    return fromMap(members);
  }

  /**
   * Returns a new builder for an object.
   *
   * @return an empty builder
   */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * Returns the value of the member named {@code name}, or {@code null} when there is none.
   *
   * @param name the member name
   * @return the value, or {@code null} when absent
   */
  @Override
  public JsonValue get(String name) {
    int i = indexOf(name);
    return i < 0 ? null : values[i];
  }

  /**
   * Tells whether this object has a member named {@code name}.
   *
   * @param name the member name
   * @return {@code true} when present
   */
  public boolean has(String name) {
    return indexOf(name) >= 0;
  }

  /**
   * Returns the number of members.
   *
   * @return the size
   */
  public int size() {
    return names.length;
  }

  /**
   * Tells whether this object has no members.
   *
   * @return {@code true} when empty
   */
  public boolean isEmpty() {
    return names.length == 0;
  }

  /**
   * Returns the member names in order.
   *
   * @return an unmodifiable, ordered set of names
   */
  public Set<String> names() {
    return members().keySet();
  }

  /**
   * Returns the members as an unmodifiable map that iterates in member order.
   *
   * @return the members
   */
  public Map<String, JsonValue> members() {
    Map<String, JsonValue> m = members;
    if (m == null) {
      LinkedHashMap<String, JsonValue> map = new LinkedHashMap<>(names.length * 2);
      for (int i = 0; i < names.length; i++) {
        map.put(names[i], values[i]);
      }
      // The unmodifiable wrapper's final field publishes the filled map safely.
      members = m = Collections.unmodifiableMap(map);
    }
    return m;
  }

  /** Name at position {@code i}, for writers. */
  String nameAt(int i) {
    return names[i];
  }

  /** Value at position {@code i}, for writers. */
  JsonValue valueAt(int i) {
    return values[i];
  }

  @Override
  public JsonObject asObject() {
    return this;
  }

  @Override
  public JsonToken type() {
    return JsonToken.BEGIN_OBJECT;
  }

  @Override
  public boolean equals(Object o) {
    if (this == o) {
      return true;
    }
    if (!(o instanceof JsonObject)) {
      return false;
    }
    JsonObject other = (JsonObject) o;
    if (other.names.length != names.length) {
      return false;
    }
    for (int i = 0; i < names.length; i++) {
      JsonValue v = other.get(names[i]);
      if (v == null || !v.equals(values[i])) {
        return false;
      }
    }
    return true;
  }

  @Override
  public int hashCode() {
    int h = 0;
    for (int i = 0; i < names.length; i++) {
      h += names[i].hashCode() ^ values[i].hashCode();
    }
    return h;
  }

  /**
   * Returns this object as compact JSON.
   *
   * @return the JSON text
   */
  @Override
  public String toString() {
    return JsonText.write(this);
  }

  private int indexOf(String name) {
    if (names.length <= LINEAR_MAX) {
      for (int i = 0; i < names.length; i++) {
        if (names[i].equals(name)) {
          return i;
        }
      }
      return -1;
    }
    Index idx = index;
    if (idx == null) {
      index = idx = new Index(names, names.length);
    }
    return idx.find(names, name);
  }

  /** Open-addressing hash index of names; final fields publish it safely to other threads. */
  private static final class Index {
    private final int[] slots;

    /** Whether the names were unique; only the first of equal names is indexed. */
    private final boolean unique;

    Index(String[] names, int n) {
      int cap = Integer.highestOneBit(n * 2 - 1) << 1;
      int[] s = new int[cap];
      boolean u = true;
      outer:
      for (int i = 0; i < n; i++) {
        String name = names[i];
        int j = name.hashCode() & (cap - 1);
        int k;
        while ((k = s[j]) != 0) {
          if (names[k - 1].equals(name)) {
            u = false;
            continue outer;
          }
          j = (j + 1) & (cap - 1);
        }
        s[j] = i + 1;
      }
      this.slots = s;
      this.unique = u;
    }

    int find(String[] names, String name) {
      int mask = slots.length - 1;
      int j = name.hashCode() & mask;
      int k;
      while ((k = slots[j]) != 0) {
        if (names[k - 1].equals(name)) {
          return k - 1;
        }
        j = (j + 1) & mask;
      }
      return -1;
    }
  }

  /** Builds a {@link JsonObject}; putting a name again replaces its value in place. */
  public static final class Builder {
    private final LinkedHashMap<String, JsonValue> members = new LinkedHashMap<>();

    private Builder() {}

    /**
     * Sets member {@code name} to {@code value}.
     *
     * @param name the name
     * @param value the value
     * @return this builder
     * @throws NullPointerException if an argument is null; use {@link #putNull(String)}
     */
    public Builder put(String name, JsonValue value) {
      members.put(
          Objects.requireNonNull(name, "name"),
          Objects.requireNonNull(value, "value (use putNull(name))"));
      return this;
    }

    /**
     * Sets member {@code name} to a string, or to {@code null} when {@code value} is null.
     *
     * @param name the name
     * @param value the text, or null
     * @return this builder
     * @throws NullPointerException if {@code name} is null
     */
    public Builder put(String name, String value) {
      return put(name, value == null ? JsonNull.INSTANCE : new JsonString(value));
    }

    /**
     * Sets member {@code name} to a number.
     *
     * @param name the name
     * @param value the number
     * @return this builder
     * @throws NullPointerException if {@code name} is null
     */
    public Builder put(String name, long value) {
      return put(name, JsonNumber.ofLong(value));
    }

    /**
     * Sets member {@code name} to a number.
     *
     * @param name the name
     * @param value a finite number
     * @return this builder
     * @throws JsonException if {@code value} is NaN or infinite
     * @throws NullPointerException if {@code name} is null
     */
    public Builder put(String name, double value) {
      return put(name, JsonNumber.of(value));
    }

    /**
     * Sets member {@code name} to a boolean.
     *
     * @param name the name
     * @param value the boolean
     * @return this builder
     * @throws NullPointerException if {@code name} is null
     */
    public Builder put(String name, boolean value) {
      return put(name, JsonBoolean.of(value));
    }

    /**
     * Sets member {@code name} to {@code null}.
     *
     * @param name the name
     * @return this builder
     * @throws NullPointerException if {@code name} is null
     */
    public Builder putNull(String name) {
      return put(name, JsonNull.INSTANCE);
    }

    /**
     * Returns an object with the members put so far, in the order their names were first put.
     *
     * @return the object
     */
    public JsonObject build() {
      return fromMap(members);
    }
  }
}
