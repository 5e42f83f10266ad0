package io.github.kimisdk.base.bind;

import io.github.kimisdk.json.JsonObject;
import io.github.kimisdk.json.JsonString;
import io.github.kimisdk.json.JsonValue;
import java.lang.annotation.Annotation;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** A sealed interface of records, told apart by {@link RecordShape#DISCRIMINATOR}. */
public final class UnionShape extends Shape {
  private final Class<?> type;
  private final List<Annotation> annotations;
  // Set once by complete(), before the shape is published.
  private List<RecordShape> members;
  private List<String> tags;
  private Map<String, RecordShape> byTag;
  private Map<Class<?>, RecordShape> byClass;

  UnionShape(Class<?> type, List<Annotation> annotations) {
    this.type = type;
    this.annotations = annotations;
  }

  void complete(List<RecordShape> members) {
    this.members = List.copyOf(members);
    Map<String, RecordShape> t = new HashMap<>();
    Map<Class<?>, RecordShape> c = new HashMap<>();
    List<String> names = new ArrayList<>();
    for (RecordShape r : members) {
      t.put(r.tag(), r);
      c.put(r.type(), r);
      names.add(r.tag());
    }
    this.byTag = t;
    this.byClass = c;
    this.tags = List.copyOf(names);
  }

  /**
   * Returns the sealed interface.
   *
   * @return the class
   */
  public Class<?> type() {
    return type;
  }

  /**
   * Returns the records, in the order the interfaces permit them.
   *
   * @return the records
   */
  public List<RecordShape> members() {
    return members;
  }

  /**
   * Returns the annotations of the sealed interface.
   *
   * @return the annotations
   */
  public List<Annotation> annotations() {
    return annotations;
  }

  @Override
  public Object bind(JsonValue v) {
    JsonObject o = BindFailure.object(v);
    JsonValue tag = o.get(RecordShape.DISCRIMINATOR);
    if (tag == null) {
      throw new BindFailure(
          "the member \""
              + RecordShape.DISCRIMINATOR
              + "\" is missing; it names the kind of "
              + type.getSimpleName()
              + ", one of "
              + EnumShape.shortList(tags),
          null);
    }
    RecordShape member = tag instanceof JsonString s ? byTag.get(s.value()) : null;
    if (member == null) {
      String was = tag instanceof JsonString ? "another string" : BindFailure.kind(tag);
      throw new BindFailure(
              "expected one of " + EnumShape.shortList(tags) + " but was " + was, null)
          .at("." + RecordShape.DISCRIMINATOR, type.getSimpleName());
    }
    return member.bind(v);
  }

  @Override
  public JsonValue write(Object value) {
    RecordShape member = byClass.get(value.getClass());
    if (member == null) {
      throw new IllegalArgumentException(
          value.getClass().getName() + " is not a record permitted by " + type.getName());
    }
    return member.write(value);
  }
}
