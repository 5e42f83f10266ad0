package io.github.kimisdk.base.bind;

import io.github.kimisdk.json.JsonString;
import io.github.kimisdk.json.JsonValue;
import java.lang.annotation.Annotation;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** An enum, written as its constants' names. */
public final class EnumShape extends Shape {
  private final Class<?> type;
  private final List<String> names;
  private final Map<String, Object> constants;
  private final List<Annotation> annotations;

  EnumShape(Class<?> type, Enum<?>[] values, List<Annotation> annotations) {
    this.type = type;
    String[] n = new String[values.length];
    Map<String, Object> byName = new HashMap<>();
    for (int i = 0; i < values.length; i++) {
      n[i] = values[i].name();
      byName.put(n[i], values[i]);
    }
    this.names = List.of(n);
    this.constants = byName;
    this.annotations = annotations;
  }

  /**
   * Returns the enum class.
   *
   * @return the class
   */
  public Class<?> type() {
    return type;
  }

  /**
   * Returns the constants' names in declaration order.
   *
   * @return the names
   */
  public List<String> names() {
    return names;
  }

  /**
   * Returns the annotations of the enum class.
   *
   * @return the annotations
   */
  public List<Annotation> annotations() {
    return annotations;
  }

  @Override
  public Object bind(JsonValue v) {
    JsonString s = BindFailure.string(v);
    Object c = constants.get(s.value());
    if (c == null) {
      throw new BindFailure(
          "expected one of " + shortList(names) + " but was another string", null);
    }
    return c;
  }

  @Override
  public JsonValue write(Object value) {
    return JsonString.of(((Enum<?>) value).name());
  }

  /** The names for a message: all of a short list, else the first twenty. */
  static String shortList(List<String> names) {
    if (names.size() <= 20) {
      return names.toString();
    }
    return names.subList(0, 20).toString().replace("]", ", ... (" + names.size() + " in all)]");
  }
}
