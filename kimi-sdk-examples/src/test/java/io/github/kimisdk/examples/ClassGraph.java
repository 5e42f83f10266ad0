package io.github.kimisdk.examples;

import java.io.ByteArrayInputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;

/**
 * The compiled classes of some folders, read from their class files (constant pool, methods,
 * annotations, bytecode), and which code a method can run: its calls, the lambdas and method
 * references it makes, and, for a virtual call, the method of every class the code reached so far
 * instantiates (rapid type analysis: a call on an interface reaches the implementations the code
 * has made, not every implementation there is). A class that is not in the folders (the JDK's, a
 * library's) is a leaf: only calls to it are seen, so {@link #starts} knows a process is started by
 * a call to {@link ProcessBuilder#start} or {@link Runtime#exec}.
 *
 * <p>An instance of a test class's own code (an anonymous class, a nested helper) is taken to run
 * all its methods once made, since a library may call them back (a {@code Runnable} handed to a
 * thread); the library and the SDK's classes run only what a call reaches.
 */
final class ClassGraph {

  /** The JDK's ways to start a process: owner, then method name. */
  static final Set<String> PROCESS_STARTS =
      Set.of(
          "java/lang/ProcessBuilder.start",
          "java/lang/ProcessBuilder.startPipeline",
          "java/lang/Runtime.exec");

  /** A method: its annotations (type descriptors), tags, and what its code refers to. */
  static final class Method {
    final Type owner;
    final String name;
    final String desc;
    final int access;
    final Set<String> annotations = new HashSet<>();
    final Set<String> tags = new TreeSet<>();

    /** "owner.name desc" of each invokestatic and invokespecial. */
    final List<String[]> directCalls = new ArrayList<>();

    /** owner, name, desc of each invokevirtual and invokeinterface. */
    final List<String[]> virtualCalls = new ArrayList<>();

    /** Lambdas' and method references' targets: owner, name, desc. */
    final List<String[]> handles = new ArrayList<>();

    /**
     * Per lambda or method reference made, the interface it implements and that interface's
     * method's name, as "interface.name" (the entry of {@link #handles} at the same index), or null
     * for another kind of handle.
     */
    final List<String> implementing = new ArrayList<>();

    /** Classes made ({@code new}) and classes whose statics are touched. */
    final Set<String> made = new HashSet<>();

    final Set<String> touched = new HashSet<>();

    Method(Type owner, String name, String desc, int access) {
      this.owner = owner;
      this.name = name;
      this.desc = desc;
      this.access = access;
    }

    boolean isSynthetic() {
      return (access & 0x1000) != 0;
    }

    @Override
    public String toString() {
      return owner.name.replace('/', '.') + "." + name;
    }
  }

  /** A class: its supertypes, tags, methods, and whether it came from a test folder. */
  static final class Type {
    final String name;
    final boolean test;
    String superName;
    final List<String> interfaces = new ArrayList<>();
    int access;
    final Set<String> annotations = new HashSet<>();
    final Set<String> tags = new TreeSet<>();
    final Map<String, Method> methods = new LinkedHashMap<>();

    Type(String name, boolean test) {
      this.name = name;
      this.test = test;
    }

    boolean isAbstract() {
      return (access & 0x0400) != 0 || (access & 0x0200) != 0;
    }

    Method method(String name, String desc) {
      return methods.get(name + desc);
    }
  }

  final Map<String, Type> types = new HashMap<>();

  /**
   * Reads every class file under each folder that exists; {@code test} marks test code. A class
   * read before (a test-support source compiled into two modules) keeps its first reading.
   */
  void read(Path folder, boolean test) {
    if (!Files.isDirectory(folder)) {
      return;
    }
    try (Stream<Path> files = Files.walk(folder)) {
      for (Path file : files.filter(f -> f.toString().endsWith(".class")).toList()) {
        String fileName = file.getFileName().toString();
        if (fileName.equals("module-info.class") || fileName.equals("package-info.class")) {
          continue;
        }
        Type t = parse(Files.readAllBytes(file), test);
        types.putIfAbsent(t.name, t);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The method a call on {@code owner} runs: declared there or inherited from a supertype. */
  Method resolve(String owner, String name, String desc) {
    String key = owner + '.' + name + desc;
    if (resolved.containsKey(key)) {
      return resolved.get(key);
    }
    Method found = null;
    for (String n : supertypes(owner)) {
      Type t = types.get(n);
      found = t == null ? null : t.method(name, desc);
      if (found != null) {
        break;
      }
    }
    resolved.put(key, found);
    return found;
  }

  private final Map<String, Method> resolved = new HashMap<>();

  private final Map<String, List<String>> supertypes = new HashMap<>();

  /**
   * A class and every class and interface it extends or implements, as far as the classes tell: the
   * class first, then its superclasses, then the interfaces.
   */
  List<String> supertypes(String name) {
    List<String> known = supertypes.get(name);
    if (known != null) {
      return known;
    }
    List<String> out = new ArrayList<>();
    Set<String> seen = new HashSet<>();
    List<String> interfaces = new ArrayList<>();
    for (String n = name; n != null && seen.add(n); ) {
      out.add(n);
      Type t = types.get(n);
      if (t == null) {
        break;
      }
      interfaces.addAll(t.interfaces);
      n = t.superName;
    }
    for (int i = 0; i < interfaces.size(); i++) {
      String n = interfaces.get(i);
      if (seen.add(n)) {
        out.add(n);
        Type t = types.get(n);
        if (t != null) {
          interfaces.addAll(t.interfaces);
        }
      }
    }
    List<String> result = List.copyOf(out);
    supertypes.put(name, result);
    return result;
  }

  private Set<Method> relevant;

  /**
   * The methods a search needs to follow, found once over every class with each virtual call taken
   * to reach every method that overrides its target (class hierarchy analysis, which reaches at
   * least what a search reaches): those that may start a process, and those that may make an
   * instance of a class one of whose methods may. No other method can lead a search to a process.
   */
  Set<Method> relevant() {
    if (relevant != null) {
      return relevant;
    }
    Map<String, List<Method>> byNameAndDesc = new HashMap<>();
    for (Type t : types.values()) {
      for (Method m : t.methods.values()) {
        byNameAndDesc.computeIfAbsent(m.name + m.desc, k -> new ArrayList<>()).add(m);
      }
    }
    Map<Method, List<Method>> callers = new HashMap<>();
    Map<String, List<Method>> makers = new HashMap<>();
    Set<Method> mayStart = new HashSet<>();
    for (Type t : types.values()) {
      for (Method m : t.methods.values()) {
        List<Method> callees = new ArrayList<>();
        boolean starts = false;
        for (List<String[]> calls : List.of(m.directCalls, m.virtualCalls, m.handles)) {
          for (String[] c : calls) {
            starts |= PROCESS_STARTS.contains(c[0] + "." + c[1]);
            callees.add(resolve(c[0], c[1], c[2]));
          }
        }
        for (String[] c : m.virtualCalls) {
          for (Method other : byNameAndDesc.getOrDefault(c[1] + c[2], List.of())) {
            if (supertypes(other.owner.name).contains(c[0])) {
              callees.add(other);
            }
          }
        }
        Set<String> made = new HashSet<>(m.made);
        for (String[] h : m.handles) {
          if (h[1].equals("<init>")) {
            made.add(h[0]);
          }
        }
        for (String n : made) {
          makers.computeIfAbsent(n, k -> new ArrayList<>()).add(m);
          for (Type c = types.get(n); c != null && c.test; ) {
            callees.addAll(c.methods.values());
            c = c.superName == null ? null : types.get(c.superName);
          }
        }
        for (String n : made.isEmpty() ? m.touched : union(made, m.touched)) {
          Type c = types.get(n);
          if (c != null) {
            callees.add(c.method("<clinit>", "()V"));
          }
        }
        for (Method callee : callees) {
          if (callee != null) {
            callers.computeIfAbsent(callee, k -> new ArrayList<>()).add(m);
          }
        }
        if (starts) {
          mayStart.add(m);
        }
      }
    }
    closeOverCallers(mayStart, callers);
    Set<Method> out = new HashSet<>(mayStart);
    Set<String> dangerous = new HashSet<>();
    for (Method m : mayStart) {
      dangerous.add(m.owner.name);
    }
    for (String n : dangerous) {
      out.addAll(makers.getOrDefault(n, List.of()));
    }
    closeOverCallers(out, callers);
    relevant = out;
    return out;
  }

  private static Set<String> union(Set<String> a, Set<String> b) {
    Set<String> out = new HashSet<>(a);
    out.addAll(b);
    return out;
  }

  /** Adds to {@code methods} every method that calls one of them, and so on. */
  private static void closeOverCallers(Set<Method> methods, Map<Method, List<Method>> callers) {
    Deque<Method> todo = new ArrayDeque<>(methods);
    while (!todo.isEmpty()) {
      for (Method caller : callers.getOrDefault(todo.poll(), List.of())) {
        if (methods.add(caller)) {
          todo.add(caller);
        }
      }
    }
  }

  /**
   * A chain of methods from a class of {@code made} (the test class, which JUnit makes) to a call
   * that starts a process (the call last), or null when none can start one. {@code skipped} are
   * methods of those classes reached only by a call (a test tagged to run apart), not by their
   * class being made.
   */
  List<String> starts(Set<String> made, Set<Method> skipped) {
    boolean may = false;
    for (String n : made) {
      for (Type t = types.get(n); t != null && t.test; ) {
        for (Method m : t.methods.values()) {
          may |= !skipped.contains(m) && relevant().contains(m);
        }
        t = t.superName == null ? null : types.get(t.superName);
      }
    }
    return may ? new Search(made, skipped).run() : null;
  }

  /** One search (rapid type analysis) from the classes a test run makes. */
  private final class Search {
    final Set<Method> skipped;
    final Map<Method, Method> from = new HashMap<>();
    final Deque<Method> todo = new ArrayDeque<>();
    final Set<String> instantiated = new HashSet<>();

    /** Per class or interface, the instantiated classes that extend or implement it. */
    final Map<String, List<String>> madeBelow = new HashMap<>();

    /** Per class or interface, the virtual calls seen on it: name and descriptor. */
    final Map<String, Set<String>> sites = new HashMap<>();

    final Set<String> initialised = new HashSet<>();

    /**
     * Lambdas made of an interface of the classes read, per "interface.method", until a call of
     * that method is reached; and the calls reached so far. A lambda of the JDK's or a library's
     * interface is taken to run once made, since the call is in code not read.
     */
    final Map<String, List<Method>> waiting = new HashMap<>();

    final Set<String> called = new HashSet<>();

    /** The classes a test run makes, whose methods are its entry points. */
    final Set<String> made;

    Search(Set<String> made, Set<Method> skipped) {
      this.made = made;
      this.skipped = skipped;
    }

    List<String> run() {
      for (String n : made) {
        instantiate(n, null);
      }
      while (!todo.isEmpty()) {
        Method m = todo.poll();
        for (String[] call : m.directCalls) {
          if (PROCESS_STARTS.contains(call[0] + "." + call[1])) {
            return chain(m, call);
          }
          reach(resolve(call[0], call[1], call[2]), m);
          clinit(call[0], m);
        }
        for (String[] call : m.virtualCalls) {
          if (PROCESS_STARTS.contains(call[0] + "." + call[1])) {
            return chain(m, call);
          }
          reach(resolve(call[0], call[1], call[2]), m);
          if (called.add(call[0] + "." + call[1])) {
            for (Method lambda : waiting.getOrDefault(call[0] + "." + call[1], List.of())) {
              reach(lambda, m);
            }
          }
          if (sites.computeIfAbsent(call[0], k -> new HashSet<>()).add(call[1] + "\0" + call[2])) {
            for (String n : madeBelow.getOrDefault(call[0], List.of())) {
              reach(resolve(n, call[1], call[2]), m);
            }
          }
        }
        for (int i = 0; i < m.handles.size(); i++) {
          String[] h = m.handles.get(i);
          if (PROCESS_STARTS.contains(h[0] + "." + h[1])) {
            return chain(m, h);
          }
          if (h[1].equals("<init>")) {
            instantiate(h[0], m);
          }
          lambda(m.implementing.get(i), resolve(h[0], h[1], h[2]), m);
        }
        for (String n : m.made) {
          instantiate(n, m);
        }
        for (String n : m.touched) {
          clinit(n, m);
        }
      }
      return null;
    }

    /**
     * A class made: every virtual call seen so far may now run its methods, and a class of test
     * code may run all of them (its superclasses' in test code too).
     */
    void instantiate(String name, Method by) {
      if (!instantiated.add(name)) {
        return;
      }
      clinit(name, by);
      for (Type t = types.get(name); t != null && t.test; ) {
        for (Method m : made.contains(name) ? entries(t) : t.methods.values()) {
          reach(m, by);
        }
        t = t.superName == null ? null : types.get(t.superName);
      }
      for (String sup : supertypes(name)) {
        madeBelow.computeIfAbsent(sup, k -> new ArrayList<>()).add(name);
        for (String site : sites.getOrDefault(sup, Set.of())) {
          int cut = site.indexOf('\0');
          reach(resolve(name, site.substring(0, cut), site.substring(cut + 1)), by);
        }
      }
    }

    /**
     * A lambda (or method reference) made: its body runs once its interface's method is called, or
     * at once when the interface is not one of the classes read.
     */
    void lambda(String implemented, Method body, Method by) {
      if (body == null) {
        return;
      }
      int dot = implemented == null ? -1 : implemented.lastIndexOf('.');
      if (dot < 0 || !types.containsKey(implemented.substring(0, dot))) {
        reach(body, by);
        return;
      }
      String name = implemented.substring(dot + 1);
      for (String sup : supertypes(implemented.substring(0, dot))) {
        String key = sup + "." + name;
        if (called.contains(key)) {
          reach(body, by);
          return;
        }
        waiting.computeIfAbsent(key, k -> new ArrayList<>()).add(body);
      }
    }

    /**
     * A test class's entry points: its tests and lifecycle methods and the methods nothing of the
     * class calls (a method source: JUnit calls them), but the tests tagged to run apart. What they
     * call the search reaches from them, so a helper only such a test calls is not reached, and a
     * lambda's body runs when the search reaches it.
     */
    List<Method> entries(Type t) {
      Set<Method> calledInside = new HashSet<>();
      for (Method m : t.methods.values()) {
        for (List<String[]> calls : List.of(m.directCalls, m.virtualCalls)) {
          for (String[] c : calls) {
            Method callee = c[0].equals(t.name) ? t.method(c[1], c[2]) : null;
            if (callee != null && callee != m) {
              calledInside.add(callee);
            }
          }
        }
      }
      List<Method> out = new ArrayList<>();
      for (Method m : t.methods.values()) {
        boolean junit = m.annotations.stream().anyMatch(a -> a.startsWith("Lorg/junit/"));
        if ((junit || !calledInside.contains(m)) && !m.isSynthetic() && !skipped.contains(m)) {
          out.add(m);
        }
      }
      return out;
    }

    void clinit(String owner, Method by) {
      if (initialised.add(owner)) {
        Type t = types.get(owner);
        if (t != null) {
          reach(t.method("<clinit>", "()V"), by);
        }
      }
    }

    void reach(Method m, Method by) {
      if (m != null && !from.containsKey(m) && relevant().contains(m)) {
        from.put(m, by == null ? m : by);
        todo.add(m);
      }
    }

    List<String> chain(Method last, String[] call) {
      List<String> out = new ArrayList<>();
      out.add(call[0].replace('/', '.') + "." + call[1]);
      for (Method m = last; ; m = from.get(m)) {
        out.add(0, m.toString());
        if (from.get(m) == m || out.size() > 50) {
          return out;
        }
      }
    }
  }

  // ---- reading a class file ----

  private static Type parse(byte[] bytes, boolean test) throws IOException {
    DataInputStream in = new DataInputStream(new ByteArrayInputStream(bytes));
    if (in.readInt() != 0xCAFEBABE) {
      throw new IOException("not a class file");
    }
    in.readUnsignedShort();
    in.readUnsignedShort();
    int count = in.readUnsignedShort();
    Object[] pool = new Object[count];
    int[] tags = new int[count];
    for (int i = 1; i < count; i++) {
      int tag = in.readUnsignedByte();
      tags[i] = tag;
      switch (tag) {
        case 1 -> pool[i] = in.readUTF();
        case 3, 4 -> in.readInt();
        case 5, 6 -> {
          in.readLong();
          i++;
        }
        case 7, 8, 16, 19, 20 -> pool[i] = new int[] {in.readUnsignedShort()};
        case 9, 10, 11, 12, 17, 18 ->
            pool[i] = new int[] {in.readUnsignedShort(), in.readUnsignedShort()};
        case 15 -> pool[i] = new int[] {in.readUnsignedByte(), in.readUnsignedShort()};
        default -> throw new IOException("constant pool tag " + tag);
      }
    }
    Pool cp = new Pool(pool, tags);
    int access = in.readUnsignedShort();
    Type t = new Type(cp.className(in.readUnsignedShort()), test);
    t.access = access;
    int superIndex = in.readUnsignedShort();
    t.superName = superIndex == 0 ? null : cp.className(superIndex);
    int interfaces = in.readUnsignedShort();
    for (int i = 0; i < interfaces; i++) {
      t.interfaces.add(cp.className(in.readUnsignedShort()));
    }
    int fields = in.readUnsignedShort();
    for (int i = 0; i < fields; i++) {
      in.readUnsignedShort();
      in.readUnsignedShort();
      in.readUnsignedShort();
      skipAttributes(in);
    }
    List<byte[]> codes = new ArrayList<>();
    List<Method> methods = new ArrayList<>();
    int methodCount = in.readUnsignedShort();
    for (int i = 0; i < methodCount; i++) {
      int flags = in.readUnsignedShort();
      Method m =
          new Method(t, cp.utf(in.readUnsignedShort()), cp.utf(in.readUnsignedShort()), flags);
      byte[] code = null;
      int attributes = in.readUnsignedShort();
      for (int a = 0; a < attributes; a++) {
        String name = cp.utf(in.readUnsignedShort());
        byte[] body = new byte[in.readInt()];
        in.readFully(body);
        if (name.equals("Code")) {
          code = body;
        } else if (name.equals("RuntimeVisibleAnnotations")) {
          annotations(cp, body, m.annotations, m.tags);
        }
      }
      t.methods.put(m.name + m.desc, m);
      methods.add(m);
      codes.add(code);
    }
    List<int[]> bootstraps = new ArrayList<>();
    int attributes = in.readUnsignedShort();
    for (int a = 0; a < attributes; a++) {
      String name = cp.utf(in.readUnsignedShort());
      byte[] body = new byte[in.readInt()];
      in.readFully(body);
      if (name.equals("RuntimeVisibleAnnotations")) {
        annotations(cp, body, t.annotations, t.tags);
      } else if (name.equals("BootstrapMethods")) {
        DataInputStream b = new DataInputStream(new ByteArrayInputStream(body));
        int n = b.readUnsignedShort();
        for (int i = 0; i < n; i++) {
          b.readUnsignedShort();
          int args = b.readUnsignedShort();
          int[] refs = new int[args];
          for (int k = 0; k < args; k++) {
            refs[k] = b.readUnsignedShort();
          }
          bootstraps.add(refs);
        }
      }
    }
    for (int i = 0; i < methods.size(); i++) {
      if (codes.get(i) != null) {
        code(cp, codes.get(i), methods.get(i), bootstraps);
      }
    }
    return t;
  }

  private static void skipAttributes(DataInputStream in) throws IOException {
    int n = in.readUnsignedShort();
    for (int i = 0; i < n; i++) {
      in.readUnsignedShort();
      in.skipNBytes(in.readInt());
    }
  }

  /** Reads annotations: their types, and the values of {@code @Tag} and {@code @Tags}. */
  private static void annotations(Pool cp, byte[] body, Set<String> types, Set<String> tags)
      throws IOException {
    DataInputStream in = new DataInputStream(new ByteArrayInputStream(body));
    int n = in.readUnsignedShort();
    for (int i = 0; i < n; i++) {
      annotation(cp, in, types, tags);
    }
  }

  private static void annotation(Pool cp, DataInputStream in, Set<String> types, Set<String> tags)
      throws IOException {
    String type = cp.utf(in.readUnsignedShort());
    types.add(type);
    int pairs = in.readUnsignedShort();
    for (int p = 0; p < pairs; p++) {
      in.readUnsignedShort();
      value(cp, in, type, types, tags);
    }
  }

  private static void value(
      Pool cp, DataInputStream in, String owner, Set<String> types, Set<String> tags)
      throws IOException {
    int tag = in.readUnsignedByte();
    switch (tag) {
      case 's' -> {
        String s = cp.utf(in.readUnsignedShort());
        if (owner.equals("Lorg/junit/jupiter/api/Tag;")) {
          tags.add(s);
        }
      }
      case 'B', 'C', 'D', 'F', 'I', 'J', 'S', 'Z', 'c' -> in.readUnsignedShort();
      case 'e' -> {
        in.readUnsignedShort();
        in.readUnsignedShort();
      }
      case '@' -> annotation(cp, in, types, tags);
      case '[' -> {
        int n = in.readUnsignedShort();
        for (int i = 0; i < n; i++) {
          value(cp, in, owner, types, tags);
        }
      }
      default -> throw new IOException("annotation value tag " + (char) tag);
    }
  }

  /** Operand bytes of each opcode that has a fixed number (the switches and wide aside). */
  private static final int[] OPERANDS = new int[256];

  static {
    for (int op : new int[] {0x10, 0x12, 0x15, 0x16, 0x17, 0x18, 0x19, 0x36, 0x37, 0x38, 0x39})
      OPERANDS[op] = 1;
    for (int op : new int[] {0x3a, 0xa9, 0xbc}) OPERANDS[op] = 1;
    for (int op : new int[] {0x11, 0x13, 0x14, 0x84, 0xa7, 0xa8, 0xc6, 0xc7, 0xbb, 0xbd, 0xc0})
      OPERANDS[op] = 2;
    OPERANDS[0xc1] = 2;
    for (int op = 0x99; op <= 0xa6; op++) OPERANDS[op] = 2;
    for (int op = 0xb2; op <= 0xb8; op++) OPERANDS[op] = 2;
    OPERANDS[0xc5] = 3;
    for (int op : new int[] {0xb9, 0xba, 0xc8, 0xc9}) OPERANDS[op] = 4;
  }

  private static void code(Pool cp, byte[] attribute, Method m, List<int[]> bootstraps)
      throws IOException {
    DataInputStream in = new DataInputStream(new ByteArrayInputStream(attribute));
    in.readUnsignedShort();
    in.readUnsignedShort();
    byte[] code = new byte[in.readInt()];
    in.readFully(code);
    int pc = 0;
    while (pc < code.length) {
      int op = code[pc] & 0xff;
      switch (op) {
        case 0xaa -> { // tableswitch
          int p = (pc + 4) & ~3;
          int low = readInt(code, p + 4);
          int high = readInt(code, p + 8);
          pc = p + 12 + 4 * (high - low + 1);
        }
        case 0xab -> { // lookupswitch
          int p = (pc + 4) & ~3;
          pc = p + 8 + 8 * readInt(code, p + 4);
        }
        case 0xc4 -> pc += (code[pc + 1] & 0xff) == 0x84 ? 6 : 4; // wide
        default -> {
          int index = OPERANDS[op] >= 2 ? ((code[pc + 1] & 0xff) << 8) | (code[pc + 2] & 0xff) : 0;
          switch (op) {
            case 0xb7, 0xb8 -> m.directCalls.add(cp.member(index));
            case 0xb6, 0xb9 -> m.virtualCalls.add(cp.member(index));
            case 0xb2, 0xb3 -> m.touched.add(cp.member(index)[0]);
            case 0xbb -> m.made.add(cp.className(index));
            case 0xba -> {
              int[] indy = (int[]) cp.pool[index];
              int[] nameAndType = (int[]) cp.pool[indy[1]];
              String desc = cp.utf(nameAndType[1]);
              String made = desc.substring(desc.indexOf(')') + 1);
              String implemented =
                  made.startsWith("L")
                      ? made.substring(1, made.length() - 1) + "." + cp.utf(nameAndType[0])
                      : null;
              for (int ref : bootstraps.get(indy[0])) {
                if (cp.tags[ref] == 15) { // a method handle: a lambda's body, a method reference
                  m.handles.add(cp.member(((int[]) cp.pool[ref])[1]));
                  m.implementing.add(implemented);
                }
              }
            }
            default -> {}
          }
          pc += 1 + OPERANDS[op];
        }
      }
    }
  }

  private static int readInt(byte[] b, int p) {
    return ((b[p] & 0xff) << 24)
        | ((b[p + 1] & 0xff) << 16)
        | ((b[p + 2] & 0xff) << 8)
        | (b[p + 3] & 0xff);
  }

  /** A constant pool. */
  private record Pool(Object[] pool, int[] tags) {
    String utf(int i) {
      return (String) pool[i];
    }

    String className(int i) {
      return utf(((int[]) pool[i])[0]);
    }

    /** A field or method reference: owner, name, descriptor. */
    String[] member(int i) {
      int[] ref = (int[]) pool[i];
      int[] nameAndType = (int[]) pool[ref[1]];
      return new String[] {className(ref[0]), utf(nameAndType[0]), utf(nameAndType[1])};
    }
  }
}
