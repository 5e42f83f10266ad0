package io.github.kimisdk.buildcheck;

import java.io.ByteArrayInputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Enumeration;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;

/**
 * Finds references to reflection, {@code sun.*}, {@code jdk.internal.*} and {@code Unsafe} in
 * compiled classes by reading their constant pools, the only place a class file can name another
 * class or member.
 *
 * <p>What counts as a violation:
 *
 * <ul>
 *   <li>any class or descriptor naming a type in {@code java.lang.reflect}, {@code sun.*}, {@code
 *       jdk.internal.*} or {@code com.sun.*} (the JDK's HTTP server, {@code
 *       com.sun.net.httpserver}, included: {@code FakeKimiServer}, built on it, is in
 *       kimi-sdk-testing);
 *   <li>calls on {@code java.lang.Class} that look members or classes up by name ({@code forName},
 *       {@code getDeclared*}, {@code getMethod*}, {@code getField*}, {@code getConstructor*},
 *       {@code newInstance}, {@code getRecordComponents}, ...), and {@code
 *       ClassLoader.loadClass}/{@code defineClass};
 *   <li>any member of {@code java.lang.invoke} ({@code MethodHandles}, {@code MethodHandle}, {@code
 *       VarHandle}, ...) or {@code java.lang.runtime}, except the three bootstrap methods javac
 *       itself emits for plain Java 17 source: {@code LambdaMetafactory} (lambdas and method
 *       references), {@code StringConcatFactory} (string {@code +}) and {@code
 *       ObjectMethods.bootstrap} (a record's {@code toString}/{@code equals}/{@code hashCode}).
 *       Those link to fixed members at the call site, native-image supports them without
 *       configuration, and no program text names a member by string: they are not reflection. Also
 *       allowed: {@code MethodHandles.byteArrayViewVarHandle} and {@code VarHandle.get}, the
 *       byte-array view that {@code SseParser} reads eight bytes at a time through; it names no
 *       member, looks nothing up and needs no native-image configuration either;
 *   <li>{@code java.util.ServiceLoader}, which like reflection needs native-image configuration.
 * </ul>
 *
 * <p>The {@code MethodHandles$Lookup} class that every class using {@code invokedynamic} lists in
 * its {@code InnerClasses} attribute is not a violation: it is only named there, never called.
 */
final class ForbiddenReferences {

  private static final List<String> FORBIDDEN_TYPE_PREFIXES =
      List.of("java/lang/reflect/", "sun/", "jdk/internal/", "com/sun/");
  private static final Set<String> ALLOWED_BOOTSTRAP_OWNERS =
      Set.of(
          "java/lang/invoke/LambdaMetafactory",
          "java/lang/invoke/StringConcatFactory",
          "java/lang/runtime/ObjectMethods");
  private static final Set<String> ALLOWED_INVOKE_MEMBERS =
      Set.of(
          "java/lang/invoke/MethodHandles.byteArrayViewVarHandle",
          "java/lang/invoke/VarHandle.get");
  private static final Set<String> FORBIDDEN_CLASS_METHODS =
      Set.of(
          "forName",
          "newInstance",
          "getRecordComponents",
          "getEnclosingMethod",
          "getEnclosingConstructor",
          "getPermittedSubclasses",
          "getNestMembers",
          "getEnumConstants");
  private static final List<String> FORBIDDEN_CLASS_METHOD_PREFIXES =
      List.of("getDeclared", "getMethod", "getField", "getConstructor");

  private ForbiddenReferences() {}

  /** Scans every class file under a directory or in a jar; returns "Class: reason" lines. */
  static Set<String> scan(Path classesDirOrJar) throws IOException {
    Set<String> found = new TreeSet<>();
    if (Files.isDirectory(classesDirOrJar)) {
      List<Path> classFiles;
      try (Stream<Path> files = Files.walk(classesDirOrJar)) {
        classFiles = files.filter(p -> p.toString().endsWith(".class")).sorted().toList();
      }
      for (Path file : classFiles) {
        String name = classesDirOrJar.relativize(file).toString();
        for (String v : violations(Files.readAllBytes(file))) {
          found.add(name + ": " + v);
        }
      }
    } else {
      try (ZipFile jar = new ZipFile(classesDirOrJar.toFile())) {
        for (Enumeration<? extends ZipEntry> e = jar.entries(); e.hasMoreElements(); ) {
          ZipEntry entry = e.nextElement();
          if (entry.getName().endsWith(".class")) {
            try (InputStream in = jar.getInputStream(entry)) {
              for (String v : violations(in.readAllBytes())) {
                found.add(entry.getName() + ": " + v);
              }
            }
          }
        }
      }
    }
    return found;
  }

  /** Counts the class files under a directory or in a jar, so a scan of nothing cannot pass. */
  static long countClasses(Path classesDirOrJar) throws IOException {
    if (Files.isDirectory(classesDirOrJar)) {
      try (Stream<Path> files = Files.walk(classesDirOrJar)) {
        return files.filter(p -> p.toString().endsWith(".class")).count();
      }
    }
    try (ZipFile jar = new ZipFile(classesDirOrJar.toFile())) {
      return jar.stream().filter(e -> e.getName().endsWith(".class")).count();
    }
  }

  /** The violations in one class file, each as a short human-readable reason. */
  static List<String> violations(byte[] classFile) {
    try {
      return violations(new DataInputStream(new ByteArrayInputStream(classFile)));
    } catch (IOException e) {
      throw new UncheckedIOException("not a readable class file", e);
    }
  }

  private static List<String> violations(DataInputStream in) throws IOException {
    ConstantPool pool = ConstantPool.read(in);
    int count = pool.count;
    int[] tags = pool.tags;
    String[] utf8 = pool.utf8;
    int[] first = pool.first;
    int[] second = pool.second;
    List<String> out = new ArrayList<>();
    for (int i = 1; i < count; i++) {
      switch (tags[i]) {
        case ConstantPool.CLASS -> {
          String type = elementType(utf8[first[i]]);
          if (isForbiddenType(type)) {
            out.add("uses class " + type.replace('/', '.'));
          }
        }
        case ConstantPool.UTF8 -> {
          // Field, method and generic signatures: a forbidden type in a descriptor ("L...;").
          for (String prefix : FORBIDDEN_TYPE_PREFIXES) {
            int at = utf8[i].indexOf("L" + prefix);
            while (at >= 0) {
              int end = utf8[i].indexOf(';', at);
              String type = utf8[i].substring(at + 1, end < 0 ? utf8[i].length() : end);
              int generic = type.indexOf('<');
              type = generic < 0 ? type : type.substring(0, generic);
              if (isForbiddenType(type)) {
                out.add("descriptor names " + type.replace('/', '.'));
              }
              at = utf8[i].indexOf("L" + prefix, at + 1);
            }
          }
        }
        case ConstantPool.FIELDREF, ConstantPool.METHODREF, ConstantPool.INTERFACE_METHODREF -> {
          String owner = elementType(utf8[first[first[i]]]);
          String name = utf8[first[second[i]]];
          String reason = forbiddenMember(owner, name);
          if (reason != null) {
            out.add(reason + ": " + owner.replace('/', '.') + "." + name);
          }
        }
        default -> {}
      }
    }
    return out.stream().distinct().toList();
  }

  private static String elementType(String name) {
    String type = name;
    while (type.startsWith("[")) {
      type = type.substring(1);
    }
    if (type.startsWith("L") && type.endsWith(";")) {
      type = type.substring(1, type.length() - 1);
    }
    return type;
  }

  private static boolean isForbiddenType(String type) {
    return FORBIDDEN_TYPE_PREFIXES.stream().anyMatch(type::startsWith);
  }

  private static String forbiddenMember(String owner, String name) {
    if (isForbiddenType(owner)) {
      return "calls a forbidden type";
    }
    if (owner.equals("java/lang/Class")
        && (FORBIDDEN_CLASS_METHODS.contains(name)
            || FORBIDDEN_CLASS_METHOD_PREFIXES.stream().anyMatch(name::startsWith))) {
      return "reflection";
    }
    if (owner.equals("java/lang/ClassLoader")
        && (name.equals("loadClass") || name.equals("defineClass"))) {
      return "dynamic class loading";
    }
    if ((owner.startsWith("java/lang/invoke/") || owner.startsWith("java/lang/runtime/"))
        && !ALLOWED_BOOTSTRAP_OWNERS.contains(owner)
        && !ALLOWED_INVOKE_MEMBERS.contains(owner + "." + name)) {
      return "method handles";
    }
    if (owner.equals("java/util/ServiceLoader")) {
      return "service loading";
    }
    return null;
  }
}
