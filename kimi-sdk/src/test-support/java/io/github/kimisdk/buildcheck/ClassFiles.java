package io.github.kimisdk.buildcheck;

import java.io.ByteArrayInputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.lang.module.ModuleDescriptor;
import java.lang.module.ModuleFinder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SortedSet;
import java.util.TreeSet;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;

/**
 * What the compatibility gate's checks read of compiled classes, from the class files themselves:
 * no class is loaded, so a jar of another version reads as itself even where the module under test
 * has the same packages (a class loader would hand out the module's own classes).
 */
final class ClassFiles {

  private static final int ACC_PUBLIC = 0x0001;
  private static final int ACC_PROTECTED = 0x0004;
  private static final int ACC_BRIDGE = 0x0040;
  private static final int ACC_SYNTHETIC = 0x1000;

  /** One class file's name and visibility: nested ones as their InnerClasses entry says. */
  private record Type(String name, int access, boolean member, String outer, String simpleName) {}

  private ClassFiles() {}

  /**
   * Returns the exported types of the one module in {@code dirOrJar}: each public type of a package
   * it exports to all, and each public or protected member type of such a type, by canonical name;
   * neither local, anonymous nor synthetic classes.
   */
  static SortedSet<String> exportedTypes(Path dirOrJar) throws IOException {
    ModuleDescriptor module = ModuleFinder.of(dirOrJar).findAll().iterator().next().descriptor();
    Set<String> exported =
        module.exports().stream()
            .filter(e -> !e.isQualified())
            .map(e -> e.source().replace('.', '/'))
            .collect(Collectors.toSet());
    Map<String, Type> types = new HashMap<>();
    for (byte[] file : classFiles(dirOrJar).values()) {
      Type t = read(file);
      if (t != null) {
        types.put(t.name(), t);
      }
    }
    SortedSet<String> out = new TreeSet<>();
    for (Type t : types.values()) {
      String canonical = canonical(t, types, exported);
      if (canonical != null) {
        out.add(canonical);
      }
    }
    return out;
  }

  /** The canonical name of {@code t} when it is exported, else null. */
  private static String canonical(Type t, Map<String, Type> types, Set<String> exported) {
    if ((t.access() & ACC_SYNTHETIC) != 0) {
      return null;
    }
    if (!t.member()) {
      boolean nested = t.outer() != null; // local or anonymous
      int slash = t.name().lastIndexOf('/');
      return !nested
              && (t.access() & ACC_PUBLIC) != 0
              && exported.contains(t.name().substring(0, slash))
          ? t.name().replace('/', '.')
          : null;
    }
    if ((t.access() & (ACC_PUBLIC | ACC_PROTECTED)) == 0 || !types.containsKey(t.outer())) {
      return null;
    }
    String outer = canonical(types.get(t.outer()), types, exported);
    return outer == null ? null : outer + "." + t.simpleName();
  }

  /**
   * Returns the erased types of a record's components, in order, as Java names them ({@code
   * java.util.List}, {@code boolean}), from its {@code Record} attribute.
   */
  static List<String> recordComponentTypes(byte[] classFile) throws IOException {
    DataInputStream in = new DataInputStream(new ByteArrayInputStream(classFile));
    ConstantPool pool = ConstantPool.read(in);
    skipToAttributes(in);
    int attributes = in.readUnsignedShort();
    for (int a = 0; a < attributes; a++) {
      String name = pool.utf8[in.readUnsignedShort()];
      int length = in.readInt();
      if (!name.equals("Record")) {
        in.skipNBytes(length);
        continue;
      }
      List<String> out = new ArrayList<>();
      int components = in.readUnsignedShort();
      for (int c = 0; c < components; c++) {
        in.readUnsignedShort(); // name
        out.add(javaName(pool.utf8[in.readUnsignedShort()]));
        skipAttributes(in);
      }
      return out;
    }
    throw new IOException("not a record: no Record attribute");
  }

  /**
   * Returns the public and protected members of one class of {@code dirOrJar}, named as japicmp
   * names them ({@code compat/README.md}): {@code pkg.Outer$Inner#method(erased,parameter,types)},
   * {@code pkg.Class#FIELD} and {@code pkg.Class#Class(...)} for a constructor; neither synthetic
   * nor bridge members, nor the static initialiser.
   *
   * @param binaryName the class, such as {@code io.github.kimisdk.KimiClient$Builder}
   */
  static SortedSet<String> members(Path dirOrJar, String binaryName) throws IOException {
    byte[] file = classFiles(dirOrJar).get(binaryName.replace('.', '/') + ".class");
    if (file == null) {
      throw new IOException(binaryName + " is not in " + dirOrJar);
    }
    DataInputStream in = new DataInputStream(new ByteArrayInputStream(file));
    ConstantPool pool = ConstantPool.read(in);
    in.skipNBytes(6); // access, this class, super class
    in.skipNBytes(in.readUnsignedShort() * 2L); // interfaces
    String simpleName = binaryName.substring(binaryName.lastIndexOf('$') + 1);
    simpleName = simpleName.substring(simpleName.lastIndexOf('.') + 1);
    SortedSet<String> out = new TreeSet<>();
    for (boolean fields : new boolean[] {true, false}) {
      int n = in.readUnsignedShort();
      for (int m = 0; m < n; m++) {
        int access = in.readUnsignedShort();
        String name = pool.utf8[in.readUnsignedShort()];
        String descriptor = pool.utf8[in.readUnsignedShort()];
        skipAttributes(in);
        boolean visible = (access & (ACC_PUBLIC | ACC_PROTECTED)) != 0;
        boolean bridge = !fields && (access & ACC_BRIDGE) != 0; // for a field, 0x40 is volatile
        if (!visible || bridge || (access & ACC_SYNTHETIC) != 0 || name.equals("<clinit>")) {
          continue;
        }
        out.add(
            fields
                ? binaryName + "#" + name
                : binaryName
                    + "#"
                    + (name.equals("<init>") ? simpleName : name)
                    + "("
                    + String.join(",", parameterTypes(descriptor))
                    + ")");
      }
    }
    return out;
  }

  /** The Java names of a method descriptor's parameters, erased, in order. */
  static List<String> parameterTypes(String methodDescriptor) {
    List<String> out = new ArrayList<>();
    int i = 1; // after '('
    while (methodDescriptor.charAt(i) != ')') {
      int start = i;
      while (methodDescriptor.charAt(i) == '[') {
        i++;
      }
      i = methodDescriptor.charAt(i) == 'L' ? methodDescriptor.indexOf(';', i) + 1 : i + 1;
      out.add(javaName(methodDescriptor.substring(start, i)));
    }
    return out;
  }

  /** Every class file of a directory or jar, by path inside it. */
  static Map<String, byte[]> classFiles(Path dirOrJar) throws IOException {
    Map<String, byte[]> out = new HashMap<>();
    if (Files.isDirectory(dirOrJar)) {
      try (Stream<Path> all = Files.walk(dirOrJar)) {
        for (Path p : all.filter(p -> p.toString().endsWith(".class")).toList()) {
          out.put(dirOrJar.relativize(p).toString().replace('\\', '/'), Files.readAllBytes(p));
        }
      }
    } else {
      try (ZipFile jar = new ZipFile(dirOrJar.toFile())) {
        for (ZipEntry e : jar.stream().filter(e -> e.getName().endsWith(".class")).toList()) {
          try (InputStream in = jar.getInputStream(e)) {
            out.put(e.getName(), in.readAllBytes());
          }
        }
      }
    }
    return out;
  }

  /** Reads a class's name and visibility; null for module and package descriptors. */
  private static Type read(byte[] classFile) throws IOException {
    DataInputStream in = new DataInputStream(new ByteArrayInputStream(classFile));
    ConstantPool pool = ConstantPool.read(in);
    int access = in.readUnsignedShort();
    String self = pool.className(in.readUnsignedShort());
    if (self.equals("module-info") || self.endsWith("/package-info")) {
      return null;
    }
    in.readUnsignedShort(); // super class
    in.skipNBytes(in.readUnsignedShort() * 2L); // interfaces
    skipMembers(in);
    skipMembers(in);
    String outerOfLocal = null;
    int attributes = in.readUnsignedShort();
    for (int a = 0; a < attributes; a++) {
      String name = pool.utf8[in.readUnsignedShort()];
      int length = in.readInt();
      if (name.equals("InnerClasses")) {
        int n = in.readUnsignedShort();
        for (int k = 0; k < n; k++) {
          int inner = in.readUnsignedShort();
          int outer = in.readUnsignedShort();
          int simple = in.readUnsignedShort();
          int flags = in.readUnsignedShort();
          if (pool.className(inner).equals(self)) {
            if (outer != 0 && simple != 0) {
              return new Type(
                  self,
                  flags | (access & ACC_SYNTHETIC),
                  true,
                  pool.className(outer),
                  pool.utf8[simple]);
            }
            outerOfLocal = "local or anonymous";
          }
        }
      } else if (name.equals("EnclosingMethod")) {
        outerOfLocal = pool.className(in.readUnsignedShort());
        in.readUnsignedShort();
      } else {
        in.skipNBytes(length);
      }
    }
    return new Type(self, access, false, outerOfLocal, null);
  }

  private static void skipToAttributes(DataInputStream in) throws IOException {
    in.skipNBytes(6); // access, this class, super class
    in.skipNBytes(in.readUnsignedShort() * 2L); // interfaces
    skipMembers(in);
    skipMembers(in);
  }

  private static void skipMembers(DataInputStream in) throws IOException {
    int n = in.readUnsignedShort();
    for (int m = 0; m < n; m++) {
      in.skipNBytes(6); // access, name, descriptor
      skipAttributes(in);
    }
  }

  private static void skipAttributes(DataInputStream in) throws IOException {
    int n = in.readUnsignedShort();
    for (int a = 0; a < n; a++) {
      in.readUnsignedShort();
      in.skipNBytes(in.readInt() & 0xFFFFFFFFL);
    }
  }

  /** The Java name of a field descriptor, erased: {@code Ljava/util/List;} is java.util.List. */
  static String javaName(String descriptor) {
    int dims = 0;
    while (descriptor.charAt(dims) == '[') {
      dims++;
    }
    String element =
        switch (descriptor.charAt(dims)) {
          case 'Z' -> "boolean";
          case 'B' -> "byte";
          case 'C' -> "char";
          case 'S' -> "short";
          case 'I' -> "int";
          case 'J' -> "long";
          case 'F' -> "float";
          case 'D' -> "double";
          case 'L' -> descriptor.substring(dims + 1, descriptor.length() - 1).replace('/', '.');
          default -> throw new IllegalArgumentException("not a field descriptor: " + descriptor);
        };
    return element + "[]".repeat(dims);
  }
}
