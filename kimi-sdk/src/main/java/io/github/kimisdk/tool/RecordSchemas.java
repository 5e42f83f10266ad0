package io.github.kimisdk.tool;

import io.github.kimisdk.base.bind.Binding;
import io.github.kimisdk.base.bind.EnumShape;
import io.github.kimisdk.base.bind.ListShape;
import io.github.kimisdk.base.bind.MapShape;
import io.github.kimisdk.base.bind.OptionalShape;
import io.github.kimisdk.base.bind.RecordShape;
import io.github.kimisdk.base.bind.ScalarShape;
import io.github.kimisdk.base.bind.Shape;
import io.github.kimisdk.base.bind.UnionShape;
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
          defs.put(
              name,
              s instanceof RecordShape r
                  ? object(r)
                  : anyOf((UnionShape) s, description(((UnionShape) s).annotations())));
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

    /**
     * The anyOf of a union's records. Kimi refuses a description both beside the anyOf and inside a
     * branch; when a record has its own, the outer description goes into each branch instead, in
     * front of the record's.
     */
    private JsonObject anyOf(UnionShape u, String outer) {
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
      List<JsonObject> branches = new ArrayList<>();
      boolean described = false;
      for (RecordShape r : members) {
        JsonObject b = recursive.contains(r) ? ref(r) : object(r);
        described |= b.has("description");
        branches.add(b);
      }
      JsonObject.Builder out = JsonObject.builder();
      if (outer != null && !described) {
        out.put("description", outer);
      }
      JsonArray.Builder list = JsonArray.builder();
      for (int i = 0; i < branches.size(); i++) {
        JsonObject b = branches.get(i);
        if (outer != null && described) {
          RecordShape r = members.get(i);
          boolean refWithOwn = b.has("$ref") && description(r.annotations()) != null;
          if (!refWithOwn) {
            Map<String, JsonValue> m = new LinkedHashMap<>(b.members());
            String own = b.get("description") instanceof JsonString d ? d.value() : null;
            m.put("description", JsonString.of(own == null ? outer : outer + ": " + own));
            b = JsonObject.of(m);
          }
        }
        list.add(b);
      }
      return out.put("anyOf", list.build()).build();
    }

    /** Whether a description may stand beside a reference to this union's definition. */
    private boolean describable(UnionShape u) {
      if (description(u.annotations()) != null) {
        return false;
      }
      for (RecordShape r : u.members()) {
        if (!recursive.contains(r) && description(r.annotations()) != null) {
          return false;
        }
      }
      return true;
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
      if (s instanceof UnionShape u) {
        if (!recursive.contains(u)) {
          return anyOf(u, description != null ? description : description(u.annotations()));
        }
        JsonObject body = ref(u);
        // Kimi refuses a description beside a $ref whose target, or a branch of it, has one too.
        return description == null || !describable(u) ? body : besideRef(description, body);
      }
      RecordShape r = (RecordShape) s;
      if (!recursive.contains(r)) {
        JsonObject body = object(r);
        if (description == null) {
          return body;
        }
        // The use's description replaces the type's, placed first for people reading the schema.
        Map<String, JsonValue> m = new LinkedHashMap<>();
        m.put("description", JsonString.of(description));
        body.members().forEach(m::putIfAbsent);
        return JsonObject.of(m);
      }
      JsonObject body = ref(r);
      return description == null || description(r.annotations()) != null
          ? body
          : besideRef(description, body);
    }

    private static JsonObject besideRef(String description, JsonObject ref) {
      return JsonObject.of("description", JsonString.of(description), "$ref", ref.get("$ref"));
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
