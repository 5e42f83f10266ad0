package io.github.kimisdk.base.bind;

import io.github.kimisdk.json.JsonOptional;
import java.lang.reflect.AccessibleObject;
import java.lang.reflect.Constructor;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.RecordComponent;
import java.lang.reflect.Type;
import java.lang.reflect.TypeVariable;
import java.lang.reflect.WildcardType;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.OptionalInt;
import java.util.OptionalLong;
import java.util.Set;

/**
 * Reads the user's types (records, enums, sealed interfaces) into {@link Shape}s: the one class of
 * the SDK that uses reflection, and only on the classes it is given and the types they contain.
 */
final class TypeReader {

  private static final String SUPPORTED =
      "supported are records, enums, sealed interfaces of records, String, boolean, the number"
          + " types, BigInteger, BigDecimal, the java.time types Instant, OffsetDateTime,"
          + " ZonedDateTime, LocalDateTime, LocalDate, LocalTime, YearMonth, Duration and Period,"
          + " List, Collection, Set, arrays, Map<String, V>, JsonValue, and Optional as a record"
          + " component";

  /** Records, unions and enums of this graph, so shared and recursive types are read once. */
  private final Map<Class<?>, Shape> named = new HashMap<>();

  private TypeReader() {}

  static Shape read(Class<?> root) {
    return new TypeReader().shape(root, root.getSimpleName());
  }

  private Shape shape(Type t, String where) {
    if (t instanceof Class<?> c) {
      return shapeOfClass(c, where);
    }
    if (t instanceof ParameterizedType p) {
      Class<?> raw = (Class<?>) p.getRawType();
      Type[] args = p.getActualTypeArguments();
      if (raw == List.class || raw == Collection.class) {
        return new ListShape(
            ListShape.Kind.LIST, shape(argument(args[0], where), where + "[]"), null, null);
      }
      if (raw == Set.class) {
        return new ListShape(
            ListShape.Kind.SET, shape(argument(args[0], where), where + "[]"), null, null);
      }
      if (raw == Map.class) {
        if (argument(args[0], where) != String.class) {
          throw unsupported(
              where, t, "map keys must be String, since JSON member names are strings");
        }
        return new MapShape(shape(argument(args[1], where), where + "{}"));
      }
      if (raw == Optional.class) {
        throw unsupported(where, t, "Optional is supported only as the type of a record component");
      }
      if (raw.isRecord()) {
        throw unsupported(
            where,
            t,
            "generic records are not supported; declare a record with concrete component types");
      }
      throw unsupported(where, t, SUPPORTED);
    }
    if (t instanceof TypeVariable<?> v) {
      throw unsupported(
          where,
          t,
          "type variable "
              + v.getName()
              + ": generic records are not supported; declare a record with concrete component types");
    }
    throw unsupported(where, t, SUPPORTED);
  }

  private Shape shapeOfClass(Class<?> c, String where) {
    ScalarShape scalar = ScalarShape.of(c);
    if (scalar != null) {
      return scalar;
    }
    if (c.isEnum()) {
      return enumShape(c);
    }
    if (c.isRecord()) {
      return record(c, where);
    }
    if (c.isInterface() && c.isSealed()) {
      return union(c, where);
    }
    if (c.isArray()) {
      Class<?> e = c.getComponentType();
      if (e.isPrimitive()) {
        if (e == char.class) {
          throw unsupported(where, c, "use a String");
        }
        ScalarShape element = ScalarShape.of(e);
        return new ListShape(ListShape.Kind.ARRAY, element, element.kind(), null);
      }
      Shape element = shape(e, where + "[]");
      return new ListShape(
          ListShape.Kind.ARRAY,
          element,
          null,
          n -> (Object[]) java.lang.reflect.Array.newInstance(e, n));
    }
    if (c == List.class
        || c == Collection.class
        || c == Set.class
        || c == Map.class
        || c == Optional.class) {
      throw unsupported(where, c, "give its type arguments, such as List<String>");
    }
    if (c == OptionalInt.class || c == OptionalLong.class || c == OptionalDouble.class) {
      throw unsupported(where, c, "optionals are supported only as the type of a record component");
    }
    throw unsupported(where, c, SUPPORTED);
  }

  /** The type inside {@code <>}: a class or parameterized type; {@code ? extends X} is X. */
  private static Type argument(Type t, String where) {
    if (t instanceof WildcardType w) {
      if (w.getLowerBounds().length == 0
          && w.getUpperBounds().length == 1
          && w.getUpperBounds()[0] != Object.class) {
        return w.getUpperBounds()[0];
      }
      throw unsupported(where, t, "give a concrete type argument, such as List<String>");
    }
    return t;
  }

  private Shape enumShape(Class<?> c) {
    Shape known = named.get(c);
    if (known != null) {
      return known;
    }
    Shape s = new EnumShape(c, (Enum<?>[]) c.getEnumConstants(), List.of(c.getAnnotations()));
    named.put(c, s);
    return s;
  }

  private RecordShape record(Class<?> c, String where) {
    Shape known = named.get(c);
    if (known != null) {
      return (RecordShape) known;
    }
    if (c.getTypeParameters().length > 0) {
      throw unsupported(
          where,
          c,
          "generic records are not supported; declare a record with concrete component types");
    }
    RecordShape shape = new RecordShape(c, List.of(c.getAnnotations()));
    named.put(c, shape); // before the components, so a recursive record finds itself
    RecordComponent[] rcs = c.getRecordComponents();
    Class<?>[] types = new Class<?>[rcs.length];
    List<RecordShape.Component> components = new ArrayList<>();
    RecordShape.Accessor[] accessors = new RecordShape.Accessor[rcs.length];
    boolean hasTypeComponent = false;
    for (int i = 0; i < rcs.length; i++) {
      RecordComponent rc = rcs[i];
      types[i] = rc.getType();
      String name = rc.getName();
      hasTypeComponent |= name.equals(RecordShape.DISCRIMINATOR);
      String at = where + "." + name;
      boolean marked = rc.isAnnotationPresent(JsonOptional.class);
      Shape s;
      boolean optional;
      OptionalShape.Kind optionalKind = optionalKind(rc.getType());
      if (optionalKind != null) {
        Shape element;
        if (optionalKind == OptionalShape.Kind.OPTIONAL) {
          if (!(rc.getGenericType() instanceof ParameterizedType p)) {
            throw unsupported(at, rc.getType(), "give its type argument, such as Optional<String>");
          }
          element = shape(argument(p.getActualTypeArguments()[0], at), at);
        } else {
          element =
              ScalarShape.of(
                  optionalKind == OptionalShape.Kind.INT
                      ? int.class
                      : optionalKind == OptionalShape.Kind.LONG ? long.class : double.class);
        }
        s = new OptionalShape(optionalKind, element);
        optional = true;
      } else {
        if (marked && rc.getType().isPrimitive()) {
          throw new IllegalArgumentException(
              at
                  + ": a primitive "
                  + rc.getType()
                  + " cannot be absent, so it cannot be"
                  + " @JsonOptional; use its boxed type");
        }
        s = shape(rc.getGenericType(), at);
        optional = marked;
      }
      boolean nullable = !rc.getType().isPrimitive() && s.nullBindsToJavaNull();
      components.add(
          new RecordShape.Component(name, s, optional, nullable, List.of(rc.getAnnotations())));
      Method accessor = rc.getAccessor();
      open(accessor, c);
      accessors[i] = record -> read(accessor, record);
    }
    Constructor<?> canonical;
    try {
      canonical = c.getDeclaredConstructor(types);
    } catch (NoSuchMethodException e) {
      throw new IllegalStateException("record " + c.getName() + " has no canonical constructor", e);
    }
    open(canonical, c);
    String tag = inSealedInterface(c) && !hasTypeComponent ? c.getSimpleName() : null;
    shape.complete(components, args -> create(canonical, args), accessors, tag);
    return shape;
  }

  private static OptionalShape.Kind optionalKind(Class<?> c) {
    if (c == Optional.class) {
      return OptionalShape.Kind.OPTIONAL;
    }
    if (c == OptionalInt.class) {
      return OptionalShape.Kind.INT;
    }
    if (c == OptionalLong.class) {
      return OptionalShape.Kind.LONG;
    }
    return c == OptionalDouble.class ? OptionalShape.Kind.DOUBLE : null;
  }

  private static boolean inSealedInterface(Class<?> c) {
    for (Class<?> i : c.getInterfaces()) {
      if (i.isSealed()) {
        return true;
      }
    }
    return false;
  }

  private UnionShape union(Class<?> c, String where) {
    Shape known = named.get(c);
    if (known != null) {
      return (UnionShape) known;
    }
    UnionShape shape = new UnionShape(c, List.of(c.getAnnotations()));
    named.put(c, shape);
    List<RecordShape> members = new ArrayList<>();
    collect(c, c, where, members, new HashSet<>());
    shape.complete(members);
    return shape;
  }

  private void collect(
      Class<?> root, Class<?> sealed, String where, List<RecordShape> out, Set<String> tags) {
    for (Class<?> p : sealed.getPermittedSubclasses()) {
      if (p.isRecord()) {
        RecordShape r = record(p, where + "(" + p.getSimpleName() + ")");
        if (r.tag() == null) {
          throw new IllegalArgumentException(
              where
                  + ": record "
                  + p.getName()
                  + " has a component named \""
                  + RecordShape.DISCRIMINATOR
                  + "\", which is the member that tells the records of "
                  + root.getName()
                  + " apart; rename the component");
        }
        if (!tags.add(r.tag())) {
          throw new IllegalArgumentException(
              where
                  + ": two records of "
                  + root.getName()
                  + " are named "
                  + r.tag()
                  + ", and the simple name tells them apart in JSON; rename one");
        }
        out.add(r);
      } else if (p.isInterface() && p.isSealed()) {
        collect(root, p, where, out, tags);
      } else {
        throw new IllegalArgumentException(
            where
                + ": "
                + p.getName()
                + " (permitted by sealed "
                + sealed.getName()
                + ") is not supported; a sealed interface may permit only records and sealed"
                + " interfaces");
      }
    }
  }

  /** Lets the SDK call a member of the user's record, or says what module-info.java lacks. */
  private static void open(AccessibleObject member, Class<?> owner) {
    boolean ok;
    try {
      ok = member.trySetAccessible();
    } catch (SecurityException e) {
      ok = false;
    }
    if (!ok) {
      Module sdk = TypeReader.class.getModule();
      String to = sdk.isNamed() ? " to " + sdk.getName() : "";
      String pkg = owner.getPackageName();
      throw new IllegalArgumentException(
          "cannot read record "
              + owner.getName()
              + ": module "
              + owner.getModule().getName()
              + " does not open package "
              + pkg
              + to
              + "; add \"opens "
              + pkg
              + to
              + ";\" to its module-info.java, or make the record public in a package it exports");
    }
  }

  private static Object create(Constructor<?> canonical, Object[] args) {
    try {
      return canonical.newInstance(args);
    } catch (InvocationTargetException e) {
      Throwable cause = e.getCause();
      if (cause instanceof Error err) {
        throw err;
      }
      String message = cause.getMessage();
      throw new BindFailure(
          "the constructor of "
              + canonical.getDeclaringClass().getSimpleName()
              + " rejected the values: "
              + cause.getClass().getSimpleName()
              + (message == null ? "" : ": " + message),
          cause);
    } catch (InstantiationException | IllegalAccessException | IllegalArgumentException e) {
      throw new IllegalStateException(
          "cannot create " + canonical.getDeclaringClass().getName(), e);
    }
  }

  private static Object read(Method accessor, Object record) {
    try {
      return accessor.invoke(record);
    } catch (InvocationTargetException e) {
      Throwable cause = e.getCause();
      if (cause instanceof RuntimeException r) {
        throw r;
      }
      if (cause instanceof Error err) {
        throw err;
      }
      throw new IllegalStateException("accessor " + accessor + " failed", cause);
    } catch (IllegalAccessException e) {
      throw new IllegalStateException("cannot call " + accessor, e);
    }
  }

  private static IllegalArgumentException unsupported(String where, Type t, String hint) {
    return new IllegalArgumentException(
        where + ": " + t.getTypeName() + " is not supported; " + hint);
  }
}
