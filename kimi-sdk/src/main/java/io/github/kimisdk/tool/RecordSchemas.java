package io.github.kimisdk.tool;

import io.github.kimisdk.internal.bind.Binding;
import io.github.kimisdk.internal.bind.EnumShape;
import io.github.kimisdk.internal.bind.ListShape;
import io.github.kimisdk.internal.bind.MapShape;
import io.github.kimisdk.internal.bind.OptionalShape;
import io.github.kimisdk.internal.bind.RecordShape;
import io.github.kimisdk.internal.bind.ScalarShape;
import io.github.kimisdk.internal.bind.Shape;
import io.github.kimisdk.internal.bind.UnionShape;
import io.github.kimisdk.json.JsonArray;
import io.github.kimisdk.json.JsonBoolean;
import io.github.kimisdk.json.JsonObject;
import io.github.kimisdk.json.JsonString;
import io.github.kimisdk.json.JsonValue;
import java.lang.annotation.Annotation;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Deque;
import java.util.HashSet;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** Derives the Kimi schema of a record from its shape; one derivation per class, cached. */
final class RecordSchemas {
  private RecordSchemas() {}

  /** Kimi's limit on the branches of one {@code anyOf}. */
  static final int MAX_ANY_OF = 10;

  /** Property names Moonshot's validator rejects, as they collide with schema keywords. */
  private static final Set<String> RESERVED =
      Set.of("$defs", "$ref", "anyOf", "required", "additionalProperties");

  private static final JsonArray ANY_TYPE =
      JsonArray.of(
          JsonString.of("object"),
          JsonString.of("array"),
          JsonString.of("string"),
          JsonString.of("number"),
          JsonString.of("boolean"),
          JsonString.of("null"));

  private static final ClassValue<JsonSchema> CACHE =
      new ClassValue<>() {
        @Override
        protected JsonSchema computeValue(Class<?> type) {
          return derive(type);
        }
      };

  static JsonSchema of(Class<?> type) {
    return CACHE.get(type);
  }

  private static JsonSchema derive(Class<?> type) {
    Shape shape = Binding.shape(type);
    if (!(shape instanceof RecordShape root)) {
      throw new IllegalArgumentException(
          type.getName()
              + " is not a record; a schema for Kimi needs a record at the root, since tool"
              + " arguments and structured replies are JSON objects");
    }
    return JsonSchema.of(new Deriver(root).root());
  }

  /** One derivation: finds the recursive types, then writes the schema and its $defs. */
  private static final class Deriver {
    private final RecordShape root;
    private final Set<Shape> recursive = Collections.newSetFromMap(new IdentityHashMap<>());
    private final Map<Shape, String> defNames = new IdentityHashMap<>();
    private final Set<String> usedNames = new HashSet<>();
    private final Deque<Shape> pending = new ArrayDeque<>();

    Deriver(RecordShape root) {
      this.root = root;
      findCycles(
          root,
          Collections.newSetFromMap(new IdentityHashMap<>()),
          Collections.newSetFromMap(new IdentityHashMap<>()));
    }

    /** Marks every record or union that can reach itself; those become {@code $defs}. */
    private void findCycles(Shape s, Set<Shape> onPath, Set<Shape> done) {
      List<Shape> children;
      if (s instanceof RecordShape r) {
        children = new ArrayList<>();
        for (RecordShape.Component c : r.components()) {
          children.add(c.shape());
        }
      } else if (s instanceof UnionShape u) {
        children = List.copyOf(u.members());
      } else if (s instanceof ListShape l) {
        findCycles(l.element(), onPath, done);
        return;
      } else if (s instanceof MapShape m) {
        findCycles(m.value(), onPath, done);
        return;
      } else if (s instanceof OptionalShape o) {
        findCycles(o.element(), onPath, done);
        return;
      } else {
        return;
      }
      if (onPath.contains(s)) {
        recursive.add(s);
        return;
      }
      if (!done.add(s)) {
        return;
      }
      onPath.add(s);
      for (Shape c : children) {
        findCycles(c, onPath, done);
      }
      onPath.remove(s);
    }

    JsonObject root() {
      JsonObject body = object(root);
      if (recursive.isEmpty()) {
        return body;
      }
      Map<String, JsonValue> defs = new LinkedHashMap<>();
      if (recursive.contains(root)) {
        defs.put(defName(root), body);
      }
      while (!pending.isEmpty()) {
        Shape s = pending.poll();
        String name = defNames.get(s);
        if (!defs.containsKey(name)) {
          defs.put(name, s instanceof RecordShape r ? object(r) : anyOf((UnionShape) s));
        }
      }
      Map<String, JsonValue> members = new LinkedHashMap<>(body.members());
      members.put("$defs", JsonObject.of(defs));
      return JsonObject.of(members);
    }

    private String defName(Shape s) {
      String name = defNames.get(s);
      if (name == null) {
        Class<?> c = s instanceof RecordShape r ? r.type() : ((UnionShape) s).type();
        name = c.getSimpleName();
        if (!usedNames.add(name)) {
          name = c.getName().replace('.', '_').replace('$', '_');
          usedNames.add(name);
        }
        defNames.put(s, name);
        if (s != root) {
          pending.add(s);
        }
      }
      return name;
    }

    private JsonObject object(RecordShape r) {
      JsonObject.Builder b = JsonObject.builder().put("type", "object");
      String description = description(r.annotations());
      if (description != null) {
        b.put("description", description);
      }
      JsonObject.Builder props = JsonObject.builder();
      JsonArray.Builder required = JsonArray.builder();
      boolean anyRequired = false;
      if (r.tag() != null) {
        props.put(
            RecordShape.DISCRIMINATOR,
            JsonObject.of(
                "type", JsonString.of("string"), "enum", JsonArray.of(JsonString.of(r.tag()))));
        required.add(RecordShape.DISCRIMINATOR);
        anyRequired = true;
      }
      for (RecordShape.Component c : r.components()) {
        if (RESERVED.contains(c.name())) {
          throw new IllegalArgumentException(
              r.type().getSimpleName()
                  + "."
                  + c.name()
                  + ": Kimi rejects a property named \""
                  + c.name()
                  + "\" (a JSON Schema keyword); rename the component");
        }
        props.put(c.name(), schema(c.shape(), description(c.annotations())));
        if (!c.optional()) {
          required.add(c.name());
          anyRequired = true;
        }
      }
      b.put("properties", props.build());
      if (anyRequired) {
        b.put("required", required.build());
      }
      return b.put("additionalProperties", JsonBoolean.FALSE).build();
    }

    private JsonObject anyOf(UnionShape u) {
      List<RecordShape> members = u.members();
      if (members.size() > MAX_ANY_OF) {
        throw new IllegalArgumentException(
            u.type().getName()
                + " permits "
                + members.size()
                + " records, and Kimi accepts at most "
                + MAX_ANY_OF
                + " branches in an anyOf; group some of them in a nested sealed interface"
                + " held by a record component");
      }
      JsonObject.Builder b = JsonObject.builder();
      String description = description(u.annotations());
      if (description != null) {
        b.put("description", description);
      }
      JsonArray.Builder branches = JsonArray.builder();
      for (RecordShape r : members) {
        branches.add(recursive.contains(r) ? ref(r) : object(r));
      }
      return b.put("anyOf", branches.build()).build();
    }

    private JsonObject ref(Shape s) {
      return JsonObject.of("$ref", JsonString.of("#/$defs/" + defName(s)));
    }

    /** The schema of a shape where it is used, with the use's description (or null). */
    private JsonObject schema(Shape s, String description) {
      if (s instanceof OptionalShape o) {
        return schema(o.element(), description);
      }
      if (s instanceof ScalarShape sc) {
        ScalarShape.Kind k = sc.kind();
        JsonObject.Builder b = JsonObject.builder();
        b.put("type", k.jsonType() == null ? ANY_TYPE : JsonString.of(k.jsonType()));
        String format = k.format();
        if (format != null) {
          description = description == null ? format : description + " (" + format + ")";
        }
        return described(b, description);
      }
      if (s instanceof EnumShape e) {
        JsonObject.Builder b = JsonObject.builder().put("type", "string");
        JsonArray.Builder values = JsonArray.builder();
        e.names().forEach(values::add);
        b.put("enum", values.build());
        return described(b, description != null ? description : description(e.annotations()));
      }
      if (s instanceof ListShape l) {
        JsonObject.Builder b = JsonObject.builder().put("type", "array");
        b.put("items", schema(l.element(), null));
        return described(b, description);
      }
      if (s instanceof MapShape m) {
        JsonObject.Builder b = JsonObject.builder().put("type", "object");
        b.put("additionalProperties", schema(m.value(), null));
        return described(b, description);
      }
      JsonObject body;
      List<Annotation> typeAnnotations;
      if (s instanceof RecordShape r) {
        typeAnnotations = r.annotations();
        body = recursive.contains(r) ? ref(r) : object(r);
      } else {
        UnionShape u = (UnionShape) s;
        typeAnnotations = u.annotations();
        body = recursive.contains(u) ? ref(u) : anyOf(u);
      }
      if (description == null) {
        return body;
      }
      if (body.has("$ref") && description(typeAnnotations) != null) {
        // Kimi rejects a description beside a $ref whose target has one too.
        return body;
      }
      // The use's description replaces the type's, placed first for people reading the schema.
      Map<String, JsonValue> m = new LinkedHashMap<>();
      m.put("description", JsonString.of(description));
      body.members().forEach(m::putIfAbsent);
      return JsonObject.of(m);
    }

    private static JsonObject described(JsonObject.Builder b, String description) {
      if (description != null) {
        b.put("description", description);
      }
      return b.build();
    }

    private static String description(List<Annotation> annotations) {
      for (Annotation a : annotations) {
        if (a instanceof Description d) {
          return d.value();
        }
      }
      return null;
    }
  }
}
