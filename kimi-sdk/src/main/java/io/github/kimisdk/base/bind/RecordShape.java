package io.github.kimisdk.base.bind;

import io.github.kimisdk.json.JsonNull;
import io.github.kimisdk.json.JsonObject;
import io.github.kimisdk.json.JsonString;
import io.github.kimisdk.json.JsonValue;
import java.lang.annotation.Annotation;
import java.util.List;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.OptionalInt;
import java.util.OptionalLong;

/** A record: an object with one member per component, created by the canonical constructor. */
public final class RecordShape extends Shape {

  /** The member that names the record within a sealed interface. */
  public static final String DISCRIMINATOR = "type";

  /**
   * One record component.
   *
   * @param name the component's name, which is the JSON member's
   * @param shape the component's shape (for an {@code Optional}, its {@link OptionalShape})
   * @param optional whether JSON may leave it out
   * @param nullable whether a JSON {@code null} binds to a Java {@code null}: a component of
   *     reference type that is neither optional nor a {@code JsonValue}
   * @param annotations the component's annotations
   */
  public record Component(
      String name, Shape shape, boolean optional, boolean nullable, List<Annotation> annotations) {}

  /** Calls the canonical constructor. */
  interface Creator {
    Object create(Object[] args);
  }

  /** Calls a component's accessor. */
  interface Accessor {
    Object get(Object record);
  }

  private final Class<?> type;
  private final List<Annotation> annotations;
  // Set once by complete(), before the shape is published through Binding's ClassValue.
  private List<Component> components;
  private String tag;
  private String[] names;
  private Shape[] shapes;
  private boolean[] optional;
  private boolean[] nullable;
  private Object[] absent;
  private String[] labels;
  private Creator creator;
  private Accessor[] accessors;

  RecordShape(Class<?> type, List<Annotation> annotations) {
    this.type = type;
    this.annotations = annotations;
  }

  void complete(List<Component> components, Creator creator, Accessor[] accessors, String tag) {
    int n = components.size();
    this.components = List.copyOf(components);
    this.names = new String[n];
    this.shapes = new Shape[n];
    this.optional = new boolean[n];
    this.nullable = new boolean[n];
    this.absent = new Object[n];
    this.labels = new String[n];
    for (int i = 0; i < n; i++) {
      Component c = components.get(i);
      names[i] = c.name();
      shapes[i] = c.shape();
      optional[i] = c.optional();
      nullable[i] = c.nullable();
      absent[i] = c.shape() instanceof OptionalShape o ? o.empty() : null;
      labels[i] = type.getSimpleName() + "." + c.name();
    }
    this.creator = creator;
    this.accessors = accessors;
    this.tag = tag;
  }

  /**
   * Returns the record class.
   *
   * @return the class
   */
  public Class<?> type() {
    return type;
  }

  /**
   * Returns the components in declaration order.
   *
   * @return the components
   */
  public List<Component> components() {
    return components;
  }

  /**
   * Returns the record's value of {@link #DISCRIMINATOR}: its simple name when it implements a
   * sealed interface.
   *
   * @return the tag, or null when the record is in no sealed interface
   */
  public String tag() {
    return tag;
  }

  /**
   * Returns the annotations of the record class.
   *
   * @return the annotations
   */
  public List<Annotation> annotations() {
    return annotations;
  }

  @Override
  public Object bind(JsonValue v) {
    JsonObject o = BindFailure.object(v);
    Object[] args = new Object[names.length];
    for (int i = 0; i < args.length; i++) {
      JsonValue m = o.get(names[i]);
      if (m == null || (optional[i] && m == JsonNull.INSTANCE)) {
        if (!optional[i]) {
          throw new BindFailure("required member is missing", null).at("." + names[i], labels[i]);
        }
        args[i] = absent[i];
        continue;
      }
      if (nullable[i] && m == JsonNull.INSTANCE) {
        args[i] = null; // as toJson writes a null component
        continue;
      }
      try {
        args[i] = shapes[i].bind(m);
      } catch (BindFailure f) {
        throw f.at("." + names[i], labels[i]);
      }
    }
    return creator.create(args);
  }

  @Override
  public JsonValue write(Object value) {
    JsonObject.Builder b = JsonObject.builder();
    if (tag != null) {
      b.put(DISCRIMINATOR, JsonString.of(tag));
    }
    for (int i = 0; i < names.length; i++) {
      Object c = accessors[i].get(value);
      if (optional[i] && isEmpty(c)) {
        continue;
      }
      try {
        b.put(names[i], c == null ? JsonNull.INSTANCE : shapes[i].write(c));
      } catch (BindFailure f) {
        throw f.at("." + names[i], labels[i]);
      }
    }
    return b.build();
  }

  private static boolean isEmpty(Object c) {
    return c == null
        || (c instanceof Optional<?> o && o.isEmpty())
        || (c instanceof OptionalInt i && i.isEmpty())
        || (c instanceof OptionalLong l && l.isEmpty())
        || (c instanceof OptionalDouble d && d.isEmpty());
  }
}
