package io.github.kimisdk.buildcheck;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The SDK uses no reflection, {@code sun.*}, {@code jdk.internal.*} or {@code Unsafe}, so it runs
 * in native images and locked-down runtimes without configuration. See {@link ForbiddenReferences}
 * for the exact rules, including why records' generated methods are fine.
 *
 * <p>One class is the exception: {@code base.bind.TypeReader} reads the user's own records, enums
 * and sealed interfaces (for {@code Json.bind}, {@code Json.toJson}, {@code JsonSchema.of(Class)},
 * typed tools and structured output) through exactly the members listed in {@link
 * #TYPE_READER_MAY}: record components, enum constants, permitted subclasses, generic type
 * arguments, and the canonical constructor and accessors it calls. No other class of the SDK
 * touches reflection, and the SDK never hands its own classes to it.
 */
class NoReflectionTest {

  /** The one class that may use reflection, in the class files' notation. */
  static final String TYPE_READER = "io/github/kimisdk/base/bind/TypeReader.class";

  /** Everything {@link #TYPE_READER} may refer to, as {@link ForbiddenReferences} reports it. */
  static final Set<String> TYPE_READER_MAY =
      Set.of(
          "reflection: java.lang.Class.getRecordComponents",
          "reflection: java.lang.Class.getPermittedSubclasses",
          "reflection: java.lang.Class.getEnumConstants",
          "reflection: java.lang.Class.getDeclaredConstructor",
          "calls a forbidden type: java.lang.reflect.RecordComponent.getName",
          "calls a forbidden type: java.lang.reflect.RecordComponent.getType",
          "calls a forbidden type: java.lang.reflect.RecordComponent.getGenericType",
          "calls a forbidden type: java.lang.reflect.RecordComponent.getAccessor",
          "calls a forbidden type: java.lang.reflect.RecordComponent.getAnnotations",
          "calls a forbidden type: java.lang.reflect.RecordComponent.isAnnotationPresent",
          "calls a forbidden type: java.lang.reflect.ParameterizedType.getRawType",
          "calls a forbidden type: java.lang.reflect.ParameterizedType.getActualTypeArguments",
          "calls a forbidden type: java.lang.reflect.WildcardType.getUpperBounds",
          "calls a forbidden type: java.lang.reflect.WildcardType.getLowerBounds",
          "calls a forbidden type: java.lang.reflect.TypeVariable.getName",
          "calls a forbidden type: java.lang.reflect.Type.getTypeName",
          "calls a forbidden type: java.lang.reflect.AccessibleObject.trySetAccessible",
          "calls a forbidden type: java.lang.reflect.Constructor.newInstance",
          "calls a forbidden type: java.lang.reflect.Constructor.getDeclaringClass",
          "calls a forbidden type: java.lang.reflect.Method.invoke",
          "calls a forbidden type: java.lang.reflect.InvocationTargetException.getCause",
          "calls a forbidden type: java.lang.reflect.Array.newInstance",
          "uses class java.lang.reflect.RecordComponent",
          "uses class java.lang.reflect.ParameterizedType",
          "uses class java.lang.reflect.WildcardType",
          "uses class java.lang.reflect.TypeVariable",
          "uses class java.lang.reflect.Type",
          "uses class java.lang.reflect.AccessibleObject",
          "uses class java.lang.reflect.Constructor",
          "uses class java.lang.reflect.Method",
          "uses class java.lang.reflect.InvocationTargetException",
          "uses class java.lang.reflect.Array",
          "descriptor names java.lang.reflect.RecordComponent",
          "descriptor names java.lang.reflect.ParameterizedType",
          "descriptor names java.lang.reflect.WildcardType",
          "descriptor names java.lang.reflect.TypeVariable",
          "descriptor names java.lang.reflect.Type",
          "descriptor names java.lang.reflect.AccessibleObject",
          "descriptor names java.lang.reflect.Constructor",
          "descriptor names java.lang.reflect.Method",
          "descriptor names java.lang.reflect.InvocationTargetException");

  @Test
  void sdkClassesUseNoReflectionSunInternalsOrUnsafe() throws Exception {
    Path sdk = BuildTools.sdkLocation();
    assertThat(ForbiddenReferences.countClasses(sdk))
        .as("class files found in %s", sdk)
        .isGreaterThan(50);
    Set<String> found = ForbiddenReferences.scan(sdk);
    Set<String> elsewhere = new TreeSet<>();
    Set<String> inTypeReader = new TreeSet<>();
    for (String v : found) {
      if (v.startsWith(TYPE_READER + ": ")) {
        inTypeReader.add(v.substring(TYPE_READER.length() + 2));
      } else {
        elsewhere.add(v);
      }
    }
    assertThat(elsewhere)
        .as("references to reflection, sun.*, jdk.internal.* or Unsafe in %s", sdk)
        .isEmpty();
    assertThat(inTypeReader)
        .as("what %s refers to (it reads only the user's records)", TYPE_READER)
        .contains("reflection: java.lang.Class.getRecordComponents")
        .isSubsetOf(TYPE_READER_MAY);
  }

  @Test
  void theScanFlagsReflectionButNotJavacBootstrapsOrByteArrayViews(@TempDir Path dir)
      throws Exception {
    Map<String, String> sources =
        Map.of(
            "Plain.java",
            """
            import java.util.List;
            import java.util.function.Supplier;
            record Plain(String name, List<Integer> numbers) {
              enum Kind { A, B }
              String describe(Kind kind) {
                Supplier<String> s = () -> "name " + name + numbers.size();
                Runnable r = this::toString;
                r.run();
                switch (kind) { case A: return s.get(); default: return "" + hashCode(); }
              }
            }
            """,
            "ForName.java",
            "class ForName { Object f() throws Exception { return Class.forName(\"x.Y\"); } }",
            "Declared.java",
            "class Declared { int f() { return String.class.getDeclaredFields().length; } }",
            "Handles.java",
            "class Handles { Object f() { return java.lang.invoke.MethodHandles.lookup(); } }",
            "ByteView.java",
            """
            import java.lang.invoke.MethodHandles;
            import java.lang.invoke.VarHandle;
            import java.nio.ByteOrder;
            class ByteView {
              static final VarHandle LONGS =
                  MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);
              long f(byte[] b) { return (long) LONGS.get(b, 0); }
            }
            """,
            "HoldsMethod.java",
            "class HoldsMethod { java.util.List<java.lang.reflect.Method> methods; }",
            "UsesUnsafe.java",
            "class UsesUnsafe { Object f() { return sun.misc.Unsafe.class; } }",
            "Serves.java",
            "class Serves { Object f() { return com.sun.net.httpserver.HttpServer.class; } }",
            "Loads.java",
            "class Loads { Object f() { return java.util.ServiceLoader.load(Runnable.class); } }");
    Path src = Files.createDirectories(dir.resolve("src"));
    Path classes = dir.resolve("classes");
    String[] args = new String[sources.size() + 3];
    args[0] = "-nowarn";
    args[1] = "-d";
    args[2] = classes.toString();
    int i = 3;
    for (Map.Entry<String, String> source : sources.entrySet()) {
      Path file = src.resolve(source.getKey());
      Files.writeString(file, source.getValue());
      args[i++] = file.toString();
    }
    BuildTools.run("javac", args);

    assertThat(ForbiddenReferences.scan(classes))
        .containsExactlyInAnyOrder(
            "ForName.class: reflection: java.lang.Class.forName",
            "Declared.class: reflection: java.lang.Class.getDeclaredFields",
            "Declared.class: descriptor names java.lang.reflect.Field",
            "Handles.class: method handles: java.lang.invoke.MethodHandles.lookup",
            "HoldsMethod.class: descriptor names java.lang.reflect.Method",
            "UsesUnsafe.class: uses class sun.misc.Unsafe",
            "Serves.class: uses class com.sun.net.httpserver.HttpServer",
            "Loads.class: service loading: java.util.ServiceLoader.load");
  }
}
