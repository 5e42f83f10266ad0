package io.github.kimisdk.examples;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * The default build's suite ({@code mvn -B verify}) is the tests that run in the build's own JVMs:
 * a test that starts a process (a child JVM, a database server, npm, a nested Maven build) is
 * tagged {@code multiprocess} (or {@code slow}), and {@code mvn -B -P slow verify} runs it (CI
 * does, once per JDK). This test reads the compiled classes of the default build's modules (the
 * root POM's modules and its {@code dev} profile's) and follows what each test class can run, its
 * tests, lifecycle methods and the helpers and SDK code they call, to a call of {@link
 * ProcessBuilder#start} or {@link Runtime#exec}: a class that can reach one and is not tagged (nor
 * each test that does) fails, with the chain of calls. And every tag is one the build knows.
 */
class TestTagsTest {

  /** The tags the build's profiles select on (the root POM's tests.groups/excludedGroups). */
  static final Set<String> TAGS = Set.of("slow", "multiprocess", "mcp-conformance");

  /**
   * The tags that keep a test out of the default build: -P slow runs the first two, -P
   * mcp-conformance the third.
   */
  static final Set<String> APART = Set.of("slow", "multiprocess", "mcp-conformance");

  static final Set<String> TEST_ANNOTATIONS =
      Set.of(
          "Lorg/junit/jupiter/api/Test;",
          "Lorg/junit/jupiter/api/TestFactory;",
          "Lorg/junit/jupiter/api/RepeatedTest;",
          "Lorg/junit/jupiter/api/TestTemplate;",
          "Lorg/junit/jupiter/params/ParameterizedTest;",
          "Lorg/testng/annotations/Test;");

  /** The default build's modules: the root POM's, and its {@code dev} profile's. */
  static List<String> defaultModules() throws IOException {
    String pom = Files.readString(ReadmeInStepTest.ROOT.resolve("pom.xml"), StandardCharsets.UTF_8);
    pom = pom.replaceAll("(?s)<!--.*?-->", "");
    List<String> modules = new ArrayList<>();
    int profiles = pom.indexOf("<profiles>");
    modules.addAll(modules(pom.substring(0, profiles)));
    Matcher dev = Pattern.compile("(?s)<profile>\\s*<id>dev</id>(.*?)</profile>").matcher(pom);
    assertThat(dev.find()).as("the root POM's dev profile").isTrue();
    modules.addAll(modules(dev.group(1)));
    return modules;
  }

  private static List<String> modules(String xml) {
    List<String> out = new ArrayList<>();
    Matcher m = Pattern.compile("<module>([^<]+)</module>").matcher(xml);
    while (m.find()) {
      out.add(m.group(1).trim());
    }
    return out;
  }

  static ClassGraph graph(List<String> modules) {
    ClassGraph g = new ClassGraph();
    for (String module : modules) {
      Path target = ReadmeInStepTest.ROOT.resolve(module).resolve("target");
      g.read(target.resolve("test-classes"), true);
      g.read(target.resolve("classes"), false);
    }
    return g;
  }

  @Test
  void aTestThatStartsAProcessIsTaggedToRunApart() throws IOException {
    List<String> modules = defaultModules();
    assertThat(modules).contains("kimi-sdk", "kimi-sdk-examples");
    ClassGraph g = graph(modules);
    List<String> wrong = new ArrayList<>();
    int checked = 0;
    int apart = 0;
    for (ClassGraph.Type t : List.copyOf(g.types.values())) {
      if (!t.test || t.isAbstract() || !isTestClass(g, t)) {
        continue;
      }
      checked++;
      if (!disjoint(tags(g, t), APART)) {
        apart++;
        continue;
      }
      Set<ClassGraph.Method> taggedApart = new HashSet<>();
      for (ClassGraph.Type c = t; c != null && c.test; c = g.types.get(c.superName)) {
        for (ClassGraph.Method m : c.methods.values()) {
          if (!disjoint(m.tags, APART)) {
            taggedApart.add(m);
          }
        }
      }
      Set<String> made = new HashSet<>();
      for (String n = t.name; n != null; n = enclosing(n)) {
        made.add(n); // a @Nested class's instance comes with its enclosing one
        if (!g.types.containsKey(n)) {
          break;
        }
      }
      List<String> chain = g.starts(made, taggedApart);
      if (chain != null) {
        wrong.add(
            t.name.replace('/', '.')
                + " starts a process but is not tagged @Tag(\"multiprocess\") (nor"
                + " \"slow\"), so the default build would run it:"
                + startingTests(g, t, made, taggedApart, chain));
      }
    }
    assertThat(checked).as("test classes read (build the modules first)").isGreaterThan(300);
    assertThat(apart).as("test classes tagged to run apart").isPositive();
    assertThat(wrong)
        .as(
            "Tag each of these @Tag(\"multiprocess\") (the class, or each of its tests that"
                + " starts one when no lifecycle method does): mvn -B -P slow verify runs it, and"
                + " CI once per JDK (CONTRIBUTING.md, \"Building and testing\")")
        .isEmpty();
  }

  /**
   * Each test of a class that starts a process, with its chain of calls: the search again with all
   * the other tests set apart; or the first chain found when none starts one alone (a lifecycle
   * method, a field's initialiser: then the class is to be tagged).
   */
  static String startingTests(
      ClassGraph g,
      ClassGraph.Type t,
      Set<String> made,
      Set<ClassGraph.Method> taggedApart,
      List<String> first) {
    List<ClassGraph.Method> tests = new ArrayList<>();
    for (ClassGraph.Type c = t; c != null && c.test; c = g.types.get(c.superName)) {
      for (ClassGraph.Method m : c.methods.values()) {
        if (!disjoint(m.annotations, TEST_ANNOTATIONS) && !taggedApart.contains(m)) {
          tests.add(m);
        }
      }
      if (c.superName == null) {
        break;
      }
    }
    StringBuilder out = new StringBuilder();
    for (ClassGraph.Method test : tests) {
      Set<ClassGraph.Method> others = new HashSet<>(taggedApart);
      tests.stream().filter(m -> m != test).forEach(others::add);
      List<String> chain = g.starts(made, others);
      if (chain != null && chain.get(0).equals(test.toString())) {
        out.append("\n      ").append(String.join("\n        -> ", chain));
      }
    }
    return out.length() > 0
        ? out.toString()
        : " (not one test alone: tag the class)\n      " + String.join("\n        -> ", first);
  }

  @Test
  void everyTagIsOneTheBuildSelectsOn() throws IOException {
    ClassGraph g = graph(defaultModules());
    Set<String> unknown = new TreeSet<>();
    for (ClassGraph.Type t : g.types.values()) {
      if (!t.test) {
        continue;
      }
      for (String tag : t.tags) {
        if (!TAGS.contains(tag)) {
          unknown.add(t.name.replace('/', '.') + ": " + tag);
        }
      }
      for (ClassGraph.Method m : t.methods.values()) {
        for (String tag : m.tags) {
          if (!TAGS.contains(tag)) {
            unknown.add(m + ": " + tag);
          }
        }
      }
    }
    assertThat(unknown).as("tags no profile selects on (one of %s)", TAGS).isEmpty();
  }

  /**
   * The search's rules, on the fixtures below (compiled with these tests, never run): a process
   * started by a method of a class made, through a static helper, or by a lambda of an interface of
   * the classes read once the interface's method is called; not by a lambda whose method nothing
   * calls, nor by a test tagged to run apart and the helper only it calls.
   */
  @Test
  void theSearchFollowsCallsLambdasAndTags() throws IOException {
    ClassGraph g = graph(List.of("kimi-sdk-examples"));
    String p = TestTagsTest.class.getName().replace('.', '/') + "$";
    assertThat(g.starts(Set.of(p + "StartsOne"), Set.of()))
        .endsWith(p.replace('/', '.') + "StartsOne.run", "java.lang.ProcessBuilder.start");
    assertThat(g.starts(Set.of(p + "ThroughAHelper"), Set.of()))
        .endsWith(p.replace('/', '.') + "Launcher.launch", "java.lang.Runtime.exec");
    assertThat(g.starts(Set.of(p + "MadeAndCalled"), Set.of())).isNotNull();
    assertThat(g.starts(Set.of(p + "MadeNotCalled"), Set.of())).isNull();
    ClassGraph.Type tagged = g.types.get(p + "TaggedTestAndItsHelper");
    Set<ClassGraph.Method> apart = new HashSet<>();
    tagged.methods.values().stream().filter(m -> !m.tags.isEmpty()).forEach(apart::add);
    assertThat(apart).hasSize(1);
    assertThat(g.starts(Set.of(tagged.name), apart)).isNull();
    assertThat(g.starts(Set.of(tagged.name), Set.of()))
        .startsWith(p.replace('/', '.') + "TaggedTestAndItsHelper.startsOne");
  }

  /** Starts a process when run. */
  static final class StartsOne {
    void run() throws IOException {
      new ProcessBuilder("true").start();
    }
  }

  /** Starts a process through a static helper of another class. */
  static final class ThroughAHelper {
    void run() throws IOException {
      Launcher.launch();
    }
  }

  static final class Launcher {
    static void launch() throws IOException {
      Runtime.getRuntime().exec(new String[] {"true"});
    }
  }

  /** A step: an interface of the classes read. */
  interface Step {
    void take() throws IOException;
  }

  /** Makes a lambda that starts a process and calls it. */
  static final class MadeAndCalled {
    void run() throws IOException {
      Step step = () -> new ProcessBuilder("true").start();
      step.take();
    }
  }

  /** Makes a lambda that would start a process; nothing calls it. */
  static final class MadeNotCalled {
    final Step step = () -> new ProcessBuilder("true").start();
  }

  /** A test tagged to run apart that starts a process through a helper only it calls. */
  static final class TaggedTestAndItsHelper {
    @Test
    @Tag("multiprocess")
    void startsOne() throws IOException {
      helper();
    }

    void helper() throws IOException {
      new ProcessBuilder("true").start();
    }

    @Test
    void startsNone() {}
  }

  /** A class JUnit or TestNG runs: it or a superclass of test code declares a test. */
  static boolean isTestClass(ClassGraph g, ClassGraph.Type t) {
    for (ClassGraph.Type c = t; c != null && c.test; c = g.types.get(c.superName)) {
      if (c.annotations.contains("Lorg/testng/annotations/Test;")) {
        return true;
      }
      for (ClassGraph.Method m : c.methods.values()) {
        if (!disjoint(m.annotations, TEST_ANNOTATIONS)) {
          return true;
        }
      }
      if (c.superName == null) {
        break;
      }
    }
    return false;
  }

  /** A class's tags: its own, its superclasses' and, for a nested class, its enclosing ones'. */
  static Set<String> tags(ClassGraph g, ClassGraph.Type t) {
    Set<String> out = new TreeSet<>();
    for (ClassGraph.Type c = t; c != null; c = g.types.get(c.superName)) {
      out.addAll(c.tags);
      if (c.superName == null) {
        break;
      }
    }
    for (String n = enclosing(t.name); n != null; n = enclosing(n)) {
      ClassGraph.Type outer = g.types.get(n);
      if (outer != null) {
        out.addAll(tags(g, outer));
      }
    }
    return out;
  }

  /** The class a nested class is declared in ({@code a/B$C} for {@code a/B$C$D}), or null. */
  static String enclosing(String name) {
    int dollar = name.lastIndexOf('$');
    return dollar < 0 ? null : name.substring(0, dollar);
  }

  static boolean disjoint(Set<String> a, Set<String> b) {
    for (String s : a) {
      if (b.contains(s)) {
        return false;
      }
    }
    return true;
  }
}
