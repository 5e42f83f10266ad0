package io.github.kimisdk.buildcheck;

import java.io.ByteArrayInputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * The SDK's layout as its compiled classes show it, and the rules of {@code DESIGN.md} checked
 * against it. A class file names every class it uses in its constant pool (class entries, and the
 * descriptors and generic signatures of fields and methods), so reading the pools gives the
 * file-level dependencies between top-level classes; nested classes count as their top-level class.
 *
 * <p>Three storeys (packages relative to {@code io.github.kimisdk}): the base floor ({@code
 * base.*}, not exported: flow, bind, scan, text, schema, the SSE plumbing, the body readers,
 * limits, the header policy, the version), which every package may use; the exported packages, floor by floor; and the
 * engine ({@code internal.*}, not exported: the client's machinery, the transport, the wires, the
 * platform bodies), above every value it handles and below the facade, the root's services ({@link
 * #SERVICES}), the only classes that use it. The rules:
 *
 * <ul>
 *   <li>No cycle between top-level classes of different packages. A sealed type naming the classes
 *       it permits does not count as using them, so a family may span packages.
 *   <li>{@code json}, {@code sse} and the base floor ({@code base.*}) know nothing of Kimi: they
 *       use only each other.
 *   <li>Of the exported packages, only the root's services ({@link #SERVICES}) use the engine;
 *       {@code chat}, {@code errors}, {@code model}, {@code platform}, {@code tool}, {@code
 *       token}, {@code json}, {@code sse} and the root's call settings never do.
 *   <li>The engine does not use the root's services: it stands below the facade.
 *   <li>The engine's rooms keep their walls ({@link #ENGINE_WALLS}, as each room's {@code
 *       package-info} states): the routing ({@code internal.route}) uses the limits, credentials,
 *       settings and transport, never the chain that retries nor the client; the chain uses the
 *       routing, never the client; the limits, the transport and the wires stand below both. Only
 *       {@code internal.client} may use every room.
 *   <li>The base floor uses nothing above it: of its packages only the codec's parts ({@link
 *       #BASE_CODEC}: the binder, the schema dialects, the SSE plumbing) read {@code json}'s
 *       values or feed {@code sse}'s parser, and nothing of it uses any other package.
 *   <li>The chat completions form of {@code chat}'s records ({@code chat.completions}: the
 *       messages, tool calls and tools as chat completions take them, which the wires, batch lines,
 *       token counting and the saved form write, and the request members chat completions writes)
 *       stands below everything that writes it: it uses only {@code chat}, {@code tool}, {@code
 *       json} and the base floor ({@link #COMPLETIONS_FLOOR}).
 *   <li>The saved form ({@code chat.format}, a file format over the value types) uses only those
 *       and {@code chat.completions} ({@link #FORMAT_FLOOR}), and only {@code chat} (its {@code
 *       Conversation}) uses it: no wire reads a reply with it, and nothing of the engine or of
 *       {@code token} writes with it.
 *   <li>{@code model} and {@code token} do not call the client's services.
 *   <li>The platform's values ({@code platform}: files, batches, the balance, ping, many-calls
 *       results, Kimi Code's usage and search results) use nothing of the root: the client and
 *       its services return them, so the root uses {@code platform} and never the other way.
 *   <li>The wires ({@code internal.wire} and its subpackages) use neither {@code model} nor {@code
 *       token}: a wire writes the request it is given, and every model-specific change happens
 *       before, in {@code ModelInfo.adapt}.
 *   <li>The root package holds public types only: machinery goes to {@code internal.*} or {@code
 *       base.*}.
 *   <li>{@code errors}, the one failure family every package reports through, stands low: it uses
 *       only the values a failure carries ({@link #ERRORS_FLOOR}: {@code json}, {@code chat}'s
 *       replies and requests, the root's {@code ResponseMetadata}), the interface its factory
 *       implements ({@code errors.access.Exceptions}) and the base floor.
 *   <li>No two exported packages use each other: the packages stand floor by floor. The listed
 *       exceptions: every package may use {@code errors}, and a lower package may use a few plain
 *       values of the root ({@link #ROOT_VALUES}), each named with its reason.
 *   <li>One timer mechanism, {@code base.flow.DaemonTimer}: no class outside {@code base.flow} uses
 *       {@code java.util.Timer}, a {@code ScheduledThreadPoolExecutor}, the scheduled pools of
 *       {@code Executors}, or the delayer behind {@code CompletableFuture}'s {@code
 *       delayedExecutor}, {@code orTimeout} and {@code completeOnTimeout} (a thread that lives as
 *       long as the JVM).
 * </ul>
 *
 * <p>Read with {@code kimi-sdk-mcp}'s classes beside the core's ({@link #read(Path...)}), the rules
 * of that module too: the MCP client ({@code mcp} and its engine, {@code mcp.internal.*}) knows
 * nothing of Kimi, so of the core it uses only {@code json}, {@code sse} and the base floor; it
 * does not use its Kimi adapters ({@code mcp.kimi}), which use the client's API and not its engine;
 * {@code mcp} holds
 * public types only; and the core knows nothing of the module.
 */
final class Layout {

  static final String BASE = "io/github/kimisdk/";

  /** The base floor: {@code base} and its subpackages. */
  static final String BASE_FLOOR = "base";

  /** The engine: {@code internal} and its subpackages. */
  static final String ENGINE = "internal";

  /** The exported packages that, with the base floor, know nothing of Kimi. */
  private static final Set<String> NEUTRAL = Set.of("json", "sse");

  private static final Set<String> MODEL_AND_COUNTING = Set.of("model", "token");

  /** The platform's values, which the root's services return and which use nothing of the root. */
  static final String PLATFORM = "platform";

  /** The wires' packages: {@code internal.wire} and its subpackages. */
  private static final String WIRES = "internal.wire";

  /** The chat completions form of chat's records, below everything that writes it. */
  private static final String COMPLETIONS = "chat.completions";

  /** What that form may use outside itself ({@code errors} and the base floor aside). */
  static final Set<String> COMPLETIONS_FLOOR = Set.of("chat", "tool", "json");

  /** The saved form of chat's records: Conversation's file format. */
  private static final String FORMAT = "chat.format";

  /** What the saved form may use outside itself ({@code errors} and the base floor aside). */
  static final Set<String> FORMAT_FLOOR = Set.of("chat", "chat.completions", "tool", "json");

  /** The facade: the root's classes that use the engine (the client and its services). */
  static final Set<String> SERVICES =
      Set.of(
          "KimiClient",
          "KimiFiles",
          "KimiBatches",
          "KimiCode",
          "KimiModels",
          "KimiTokens",
          "KimiAccount");

  /** The exported packages, relative to the base (LayoutTest checks them against the module's). */
  static final Set<String> EXPORTED =
      Set.of("", "platform", "host", "errors", "chat", "tool", "model", "token", "json", "sse");

  /**
   * The engine's rooms, and the other rooms each may use (its own subpackages always): the walls
   * each room's {@code package-info} states. {@code internal.client}, the rooms' one caller, may use
   * every room and is not listed; a room not listed here is a violation, so a new one is placed.
   */
  static final Map<String, Set<String>> ENGINE_WALLS =
      Map.ofEntries(
          Map.entry(
              "internal.route",
              Set.of("internal.limit", "internal.credential", "internal.config", "internal.http")),
          Map.entry(
              "internal.chain",
              Set.of(
                  "internal.route",
                  "internal.limit",
                  "internal.credential",
                  "internal.config",
                  "internal.http",
                  "internal.wire",
                  "internal.jfr")),
          Map.entry(
              "internal.config", Set.of("internal.credential", "internal.http", "internal.wire")),
          Map.entry("internal.credential", Set.of("internal.limit", "internal.http")),
          Map.entry("internal.limit", Set.of("internal.http", "internal.jfr")),
          Map.entry("internal.http", Set.of("internal.wire")),
          Map.entry("internal.wire", Set.of()),
          Map.entry("internal.platform", Set.of("internal.http", "internal.wire")),
          Map.entry("internal.jfr", Set.of()));

  /** The engine's room that uses every other: the client's core and its call shapes. */
  static final String ENGINE_CLIENT = "internal.client";

  /**
   * The parts of the base floor that read {@code json}'s values or feed {@code sse}'s parser: the
   * binder, the schema dialects, the SSE plumbing. The rest of the floor uses only the floor.
   */
  static final Set<String> BASE_CODEC = Set.of("base.bind", "base.schema", "base.sse");

  /** kimi-sdk-mcp's client API; with {@code mcp.internal.*}, the MCP client. */
  static final String MCP = "mcp";

  /** kimi-sdk-mcp's Kimi adapters, above the MCP client and the core's client. */
  static final String MCP_ADAPTERS = "mcp.kimi";

  /** kimi-sdk-mcp's exported packages. */
  static final Set<String> MCP_EXPORTED = Set.of(MCP, MCP_ADAPTERS);

  /**
   * The modules the base floor may be exported to (and no other): the SDK's own satellites that
   * print as its values print (the MCP client, the batch runner, the host check).
   */
  static final Set<String> SATELLITES =
      Set.of("io.github.kimisdk.mcp", "io.github.kimisdk.batch", "io.github.kimisdk.hostcheck");

  /** The host check's door ({@code host.access.Probes}): a client's targets, to the check alone. */
  static final String HOST_DOOR = "host.access";

  /** The one module the host check's door is exported to. */
  static final String HOST_CHECK = "io.github.kimisdk.hostcheck";

  /** The exceptions' one door ({@code errors.Errors.exceptions()}'s type), exported to a few. */
  static final String FAILURE_DOOR = "errors.access";

  /**
   * The modules the exceptions' door may be exported to (and no other): the satellites whose work
   * fails as the client's own (a budget's refusal, a batch run's timeout).
   */
  static final Set<String> FAILING_SATELLITES =
      Set.of("io.github.kimisdk.budget", "io.github.kimisdk.batch");

  /** The failure family: every package may use it (a use of it never makes two packages mutual). */
  private static final String ERRORS = "errors";

  /**
   * What {@code errors} may use outside itself and the base floor: packages (a trailing dot) and
   * single classes. A failure carries values (the response metadata, the partial reply of a stream
   * and the request that resumes it), and its factory implements the interface of {@code
   * errors.access}.
   */
  static final Set<String> ERRORS_FLOOR =
      Set.of("json.", "chat.", "errors.access.", "ResponseMetadata");

  /**
   * Root classes a lower exported package may use without making the root and that package use each
   * other, each with its reason.
   */
  static final Map<String, String> ROOT_VALUES =
      Map.of(
          "ResponseMetadata",
          "a plain value: chat.ChatStream hands out the metadata of the response it streams, and"
              + " errors.KimiException that of the response a failure came with",
          "Endpoint",
          "a plain setting: host.Host is served at one, as the client is",
          "WireProtocol",
          "a plain setting: host.Host names the protocols its endpoint speaks",
          "Target",
          "a plain setting: host.TargetStatus tells of the target it is about, and"
              + " host.access.TargetProbe of the target it sends to");

  /** Timer classes of the JDK that only base.flow may use. */
  private static final Set<String> TIMER_CLASSES =
      Set.of("java/util/Timer", "java/util/concurrent/ScheduledThreadPoolExecutor");

  /** Timer methods of the JDK (class, then method) that only base.flow may call. */
  private static final Map<String, Set<String>> TIMER_METHODS =
      Map.of(
          "java/util/concurrent/Executors",
          Set.of(
              "newScheduledThreadPool",
              "newSingleThreadScheduledExecutor",
              "unconfigurableScheduledExecutorService"),
          "java/util/concurrent/CompletableFuture",
          Set.of("delayedExecutor", "orTimeout", "completeOnTimeout"));

  private static final String TIMER_PACKAGE = "base.flow";

  private static final int ACC_PUBLIC = 0x0001;

  /** Top-level class (dotted, relative to the base) to the top-level classes it uses. */
  private final Map<String, Set<String>> uses = new TreeMap<>();

  /** Top-level class to the JDK timers it uses ({@code java.util.Timer}, ...), dotted. */
  private final Map<String, Set<String>> timers = new TreeMap<>();

  /** Top-level classes that are not public. */
  private final Set<String> nonPublic = new TreeSet<>();

  private Layout() {}

  /** Reads every class file under each directory or in each jar (the core's, kimi-sdk-mcp's). */
  static Layout read(Path... classesDirsOrJars) throws IOException {
    Layout layout = new Layout();
    for (Path p : classesDirsOrJars) {
      for (byte[] classFile : ClassFiles.classFiles(p).values()) {
        layout.add(classFile);
      }
    }
    return layout;
  }

  /** Returns the top-level classes read, by name relative to the base package. */
  Set<String> classes() {
    return uses.keySet();
  }

  /** Returns the top-level classes {@code name} uses. */
  Set<String> uses(String name) {
    return uses.getOrDefault(name, Set.of());
  }

  /** Returns every broken rule, one line each; empty when the layout keeps them all. */
  List<String> violations() {
    List<String> out = new ArrayList<>();
    for (Map.Entry<String, Set<String>> e : uses.entrySet()) {
      String from = e.getKey();
      String fromPackage = packageOf(from);
      for (String to : e.getValue()) {
        String toPackage = packageOf(to);
        if (fromPackage.equals(toPackage)) {
          continue;
        }
        if (isNeutral(fromPackage) && !isNeutral(toPackage)) {
          out.add(
              "one-way: "
                  + from
                  + " uses "
                  + to
                  + " (json, sse and the base floor know nothing of Kimi)");
        }
        if (isEngine(toPackage) && !isEngine(fromPackage) && !SERVICES.contains(from)) {
          out.add(
              "one-way: "
                  + from
                  + " uses "
                  + to
                  + " (only the client and its services use the engine, internal.*)");
        }
        if (isEngine(fromPackage) && isEngine(toPackage)) {
          String wall = engineWall(fromPackage, toPackage);
          if (wall != null) {
            out.add("engine wall: " + from + " uses " + to + " (" + wall + ")");
          }
        }
        if (isBaseFloor(fromPackage)
            && NEUTRAL.contains(toPackage)
            && !BASE_CODEC.contains(room(fromPackage, 2))) {
          out.add(
              "base floor: "
                  + from
                  + " uses "
                  + to
                  + " (the base floor uses nothing above it; only its codec's parts, base.bind,"
                  + " base.schema and base.sse, read json's values and feed sse's parser)");
        }
        if (isEngine(fromPackage) && SERVICES.contains(to)) {
          out.add(
              "one-way: "
                  + from
                  + " uses "
                  + to
                  + " (the engine stands below the client and its services)");
        }
        if (fromPackage.equals(PLATFORM) && toPackage.isEmpty()) {
          out.add(
              "one-way: "
                  + from
                  + " uses "
                  + to
                  + " (the platform's values use nothing of the root: the client and its services"
                  + " return them)");
        }
        if (MODEL_AND_COUNTING.contains(fromPackage) && SERVICES.contains(to)) {
          out.add("one-way: " + from + " uses " + to + " (model and token do not call the client)");
        }
        if (isWire(fromPackage) && MODEL_AND_COUNTING.contains(toPackage)) {
          out.add(
              "one-way: "
                  + from
                  + " uses "
                  + to
                  + " (a wire writes what it is given: model rules apply before it)");
        }
        if (fromPackage.equals(COMPLETIONS) && !onFloor(toPackage, COMPLETIONS_FLOOR)) {
          out.add(
              "one-way: "
                  + from
                  + " uses "
                  + to
                  + " (the chat completions form stands below everything that writes it: it uses"
                  + " only chat, tool, json and the base floor)");
        }
        if (fromPackage.equals(FORMAT) && !onFloor(toPackage, FORMAT_FLOOR)) {
          out.add(
              "one-way: "
                  + from
                  + " uses "
                  + to
                  + " (the saved form is a file format over the values: it uses only chat,"
                  + " chat.completions, tool, json and the base floor)");
        }
        if (toPackage.equals(FORMAT) && !fromPackage.equals("chat")) {
          out.add(
              "one-way: "
                  + from
                  + " uses "
                  + to
                  + " (the saved form is Conversation's: a wire reads its replies and writes the"
                  + " chat completions form itself)");
        }
        if (isMcpClient(fromPackage) && !isMcp(toPackage) && !isNeutral(toPackage)) {
          out.add(
              "one-way: "
                  + from
                  + " uses "
                  + to
                  + " (the MCP client knows nothing of Kimi: of the core it uses json, sse and the"
                  + " base floor)");
        }
        if (isMcpClient(fromPackage) && isMcpAdapters(toPackage)) {
          out.add(
              "one-way: " + from + " uses " + to + " (the MCP client does not use its Kimi adapters)");
        }
        if (isMcpAdapters(fromPackage) && isMcp(toPackage) && !MCP_EXPORTED.contains(toPackage)) {
          out.add(
              "one-way: "
                  + from
                  + " uses "
                  + to
                  + " (the Kimi adapters use the MCP client's API, not its engine)");
        }
        if (!isMcp(fromPackage) && isMcp(toPackage)) {
          out.add("one-way: " + from + " uses " + to + " (the core knows nothing of kimi-sdk-mcp)");
        }
        if (fromPackage.equals(ERRORS) && !onTheErrorsFloor(to)) {
          out.add(
              "one-way: "
                  + from
                  + " uses "
                  + to
                  + " (errors stands low: it uses only the values a failure carries)");
        }
      }
    }
    for (Map.Entry<String, Set<String>> e : timers.entrySet()) {
      if (!packageOf(e.getKey()).equals(TIMER_PACKAGE)) {
        for (String timer : e.getValue()) {
          out.add(
              "one timer: "
                  + e.getKey()
                  + " uses "
                  + timer
                  + " (schedule on base.flow.DaemonTimer, the SDK's one timer mechanism)");
        }
      }
    }
    for (String c : nonPublic) {
      if (packageOf(c).isEmpty()) {
        out.add(
            "root package: "
                + c
                + " is not public (the root holds public types; machinery goes to internal.* or"
                + " base.*)");
      }
      if (packageOf(c).equals(MCP)) {
        out.add(
            "mcp package: "
                + c
                + " is not public (the MCP client's API holds public types; machinery goes to"
                + " mcp.internal.*)");
      }
    }
    for (List<String> cycle : crossPackageCycles()) {
      out.add("cycle across packages: " + String.join(" -> ", cycle));
    }
    out.addAll(exportedPackagesUsingEachOther());
    return out;
  }

  /**
   * Returns one line for each pair of exported packages that use each other, naming one use each
   * way; uses of {@code errors} and of {@link #ROOT_VALUES} do not count.
   */
  List<String> exportedPackagesUsingEachOther() {
    Map<String, Map<String, String>> packageUses = new TreeMap<>(); // from -> to -> one example
    for (Map.Entry<String, Set<String>> e : uses.entrySet()) {
      String from = e.getKey();
      String fromPackage = packageOf(from);
      if (!exported(fromPackage)) {
        continue;
      }
      for (String to : e.getValue()) {
        String toPackage = packageOf(to);
        if (toPackage.equals(fromPackage) || !exported(toPackage)) {
          continue;
        }
        if (toPackage.equals(ERRORS) || (toPackage.isEmpty() && ROOT_VALUES.containsKey(to))) {
          continue;
        }
        packageUses
            .computeIfAbsent(fromPackage, k -> new TreeMap<>())
            .putIfAbsent(toPackage, from + " uses " + to);
      }
    }
    List<String> out = new ArrayList<>();
    for (Map.Entry<String, Map<String, String>> e : packageUses.entrySet()) {
      String a = e.getKey();
      for (Map.Entry<String, String> use : e.getValue().entrySet()) {
        String b = use.getKey();
        String back = packageUses.getOrDefault(b, Map.of()).get(a);
        if (back != null && name(a).compareTo(name(b)) < 0) {
          out.add(
              "exported packages use each other: "
                  + name(a)
                  + " <-> "
                  + name(b)
                  + " ("
                  + use.getValue()
                  + "; "
                  + back
                  + ")");
        }
      }
    }
    return out;
  }

  private static boolean exported(String pkg) {
    return EXPORTED.contains(pkg) || MCP_EXPORTED.contains(pkg);
  }

  /** Whether {@code pkg} is kimi-sdk-mcp's. */
  private static boolean isMcp(String pkg) {
    return pkg.equals(MCP) || pkg.startsWith(MCP + ".");
  }

  private static boolean isMcpAdapters(String pkg) {
    return pkg.equals(MCP_ADAPTERS) || pkg.startsWith(MCP_ADAPTERS + ".");
  }

  /** Whether {@code pkg} is the MCP client's: kimi-sdk-mcp's, its Kimi adapters aside. */
  private static boolean isMcpClient(String pkg) {
    return isMcp(pkg) && !isMcpAdapters(pkg);
  }

  /** Whether {@code pkg} is on {@code floor}, {@code errors} or the base floor. */
  private static boolean onFloor(String pkg, Set<String> floor) {
    return floor.contains(pkg) || pkg.equals(ERRORS) || isBaseFloor(pkg);
  }

  private static boolean isWire(String pkg) {
    return pkg.equals(WIRES) || pkg.startsWith(WIRES + ".");
  }

  private static boolean isBaseFloor(String pkg) {
    return pkg.equals(BASE_FLOOR) || pkg.startsWith(BASE_FLOOR + ".");
  }

  private static boolean isEngine(String pkg) {
    return pkg.equals(ENGINE) || pkg.startsWith(ENGINE + ".");
  }

  /** The package's first {@code depth} segments: its room ("internal.wire.chat" -> 2: "internal.wire"). */
  private static String room(String pkg, int depth) {
    int at = -1;
    for (int i = 0; i < depth; i++) {
      at = pkg.indexOf('.', at + 1);
      if (at < 0) {
        return pkg;
      }
    }
    return pkg.substring(0, at);
  }

  /** Says why an engine room may not use another, or null when it may. */
  private static String engineWall(String fromPackage, String toPackage) {
    String from = room(fromPackage, 2);
    String to = room(toPackage, 2);
    if (from.equals(to) || from.equals(ENGINE_CLIENT)) {
      return null;
    }
    Set<String> allowed = ENGINE_WALLS.get(from);
    if (allowed == null) {
      return from + " is a room of the engine Layout.ENGINE_WALLS does not place";
    }
    if (allowed.contains(to)) {
      return null;
    }
    return from
        + " may use "
        + (allowed.isEmpty() ? "no other room" : String.join(", ", new java.util.TreeSet<>(allowed)))
        + " of the engine";
  }

  private static boolean isNeutral(String pkg) {
    return NEUTRAL.contains(pkg) || isBaseFloor(pkg);
  }

  private static boolean onTheErrorsFloor(String to) {
    if (isBaseFloor(packageOf(to))) {
      return true;
    }
    for (String allowed : ERRORS_FLOOR) {
      if (allowed.endsWith(".") ? to.startsWith(allowed) : to.equals(allowed)) {
        return true;
      }
    }
    return false;
  }

  private static String name(String pkg) {
    return pkg.isEmpty() ? "(root)" : pkg;
  }

  /** Returns one cycle for each group of mutually dependent classes that spans packages. */
  List<List<String>> crossPackageCycles() {
    List<List<String>> out = new ArrayList<>();
    for (Set<String> group : stronglyConnected()) {
      Set<String> packages = new HashSet<>();
      group.forEach(c -> packages.add(packageOf(c)));
      if (packages.size() > 1) {
        out.add(cycleThrough(group));
      }
    }
    return out;
  }

  static String packageOf(String name) {
    int dot = name.lastIndexOf('.');
    return dot < 0 ? "" : name.substring(0, dot);
  }

  // --- reading one class file ---

  private void add(byte[] classFile) throws IOException {
    DataInputStream in = new DataInputStream(new ByteArrayInputStream(classFile));
    ConstantPool pool = ConstantPool.read(in);
    int count = pool.count;
    int[] tags = pool.tags;
    String[] utf8 = pool.utf8;
    int[] first = pool.first;
    int access = in.readUnsignedShort();
    String self = pool.className(in.readUnsignedShort());
    if (!self.startsWith(BASE) || self.endsWith("/package-info") || self.equals("module-info")) {
      return;
    }
    in.readUnsignedShort(); // super class, also a class entry
    skip(in, in.readUnsignedShort() * 2); // interfaces, class entries too
    for (int members = 0; members < 2; members++) { // fields, then methods
      int n = in.readUnsignedShort();
      for (int m = 0; m < n; m++) {
        skip(in, 6);
        skipAttributes(in);
      }
    }
    Set<String> permitted = new HashSet<>();
    int attributes = in.readUnsignedShort();
    for (int a = 0; a < attributes; a++) {
      String name = utf8[in.readUnsignedShort()];
      int length = in.readInt();
      if (name.equals("PermittedSubclasses")) {
        int n = in.readUnsignedShort();
        for (int k = 0; k < n; k++) {
          permitted.add(topLevel(pool.className(in.readUnsignedShort())));
        }
      } else {
        skip(in, length);
      }
    }

    String from = topLevel(self);
    Set<String> used = uses.computeIfAbsent(from, k -> new TreeSet<>());
    if (self.indexOf('$') < 0 && (access & ACC_PUBLIC) == 0) {
      nonPublic.add(from);
    }
    for (int i = 1; i < count; i++) {
      if (tags[i] == ConstantPool.CLASS && TIMER_CLASSES.contains(pool.className(i))) {
        timers.computeIfAbsent(from, k -> new TreeSet<>()).add(pool.className(i).replace('/', '.'));
      } else if (tags[i] == ConstantPool.METHODREF) {
        String owner = pool.className(first[i]);
        String method = utf8[first[pool.second[i]]];
        if (TIMER_METHODS.getOrDefault(owner, Set.of()).contains(method)) {
          timers
              .computeIfAbsent(from, k -> new TreeSet<>())
              .add(owner.replace('/', '.') + "." + method);
        }
      }
      if (tags[i] == ConstantPool.CLASS) {
        addUse(used, from, permitted, element(utf8[first[i]]));
      } else if (tags[i] == ConstantPool.UTF8) {
        String s = utf8[i];
        int at = s.indexOf("L" + BASE);
        while (at >= 0) {
          int end = indexOfAny(s, at + 1);
          addUse(used, from, permitted, s.substring(at + 1, end));
          at = s.indexOf("L" + BASE, end);
        }
      }
    }
  }

  private static int indexOfAny(String s, int from) {
    for (int i = from; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c == ';' || c == '<') {
        return i;
      }
    }
    return s.length();
  }

  private static void addUse(Set<String> used, String from, Set<String> permitted, String name) {
    if (!name.startsWith(BASE)) {
      return;
    }
    String to = topLevel(name);
    if (!to.equals(from) && !permitted.contains(to)) {
      used.add(to);
    }
  }

  /** The dotted name relative to the base of the top-level class of an internal name. */
  private static String topLevel(String internalName) {
    String n = internalName.substring(BASE.length());
    int dollar = n.indexOf('$');
    return (dollar < 0 ? n : n.substring(0, dollar)).replace('/', '.');
  }

  private static String element(String name) {
    String t = name;
    while (t.startsWith("[")) {
      t = t.substring(1);
    }
    return t.startsWith("L") && t.endsWith(";") ? t.substring(1, t.length() - 1) : t;
  }

  private static void skipAttributes(DataInputStream in) throws IOException {
    int n = in.readUnsignedShort();
    for (int a = 0; a < n; a++) {
      in.readUnsignedShort();
      skip(in, in.readInt());
    }
  }

  private static void skip(DataInputStream in, int bytes) throws IOException {
    in.skipNBytes(bytes);
  }

  // --- cycles ---

  /** Tarjan's strongly connected components of the class graph (only classes that were read). */
  private List<Set<String>> stronglyConnected() {
    Map<String, Integer> index = new HashMap<>();
    Map<String, Integer> low = new HashMap<>();
    Deque<String> stack = new ArrayDeque<>();
    Set<String> onStack = new HashSet<>();
    List<Set<String>> out = new ArrayList<>();
    int[] next = {0};
    for (String v : uses.keySet()) {
      if (!index.containsKey(v)) {
        connect(v, index, low, stack, onStack, out, next);
      }
    }
    return out;
  }

  private void connect(
      String v,
      Map<String, Integer> index,
      Map<String, Integer> low,
      Deque<String> stack,
      Set<String> onStack,
      List<Set<String>> out,
      int[] next) {
    index.put(v, next[0]);
    low.put(v, next[0]);
    next[0]++;
    stack.push(v);
    onStack.add(v);
    for (String w : uses(v)) {
      if (!uses.containsKey(w)) {
        continue;
      }
      if (!index.containsKey(w)) {
        connect(w, index, low, stack, onStack, out, next);
        low.put(v, Math.min(low.get(v), low.get(w)));
      } else if (onStack.contains(w)) {
        low.put(v, Math.min(low.get(v), index.get(w)));
      }
    }
    if (low.get(v).equals(index.get(v))) {
      Set<String> group = new TreeSet<>();
      String w;
      do {
        w = stack.pop();
        onStack.remove(w);
        group.add(w);
      } while (!w.equals(v));
      if (group.size() > 1) {
        out.add(group);
      }
    }
  }

  /**
   * Returns a cycle in {@code group} that crosses packages: the first edge between two packages,
   * then the shortest way back, ending where it starts.
   */
  private List<String> cycleThrough(Set<String> group) {
    for (String v : group) {
      for (String w : uses(v)) {
        if (group.contains(w) && !packageOf(v).equals(packageOf(w))) {
          List<String> cycle = new ArrayList<>();
          cycle.add(v);
          cycle.addAll(shortestPath(w, v, group));
          return cycle;
        }
      }
    }
    throw new AssertionError("no edge between packages in " + group);
  }

  /**
   * Returns the classes from {@code from} to {@code to} along a shortest path within {@code group}.
   */
  private List<String> shortestPath(String from, String to, Set<String> group) {
    Map<String, String> parent = new HashMap<>();
    Deque<String> queue = new ArrayDeque<>(List.of(from));
    parent.put(from, from);
    while (!queue.isEmpty()) {
      String v = queue.poll();
      if (v.equals(to)) {
        List<String> path = new ArrayList<>();
        for (String x = to; ; x = parent.get(x)) {
          path.add(0, x);
          if (x.equals(from)) {
            return path;
          }
        }
      }
      for (String w : uses(v)) {
        if (group.contains(w) && !parent.containsKey(w)) {
          parent.put(w, v);
          queue.add(w);
        }
      }
    }
    throw new AssertionError("no path from " + from + " to " + to + " in " + group);
  }
}
