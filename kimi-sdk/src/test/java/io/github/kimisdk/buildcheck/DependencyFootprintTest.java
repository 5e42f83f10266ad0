package io.github.kimisdk.buildcheck;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.module.ModuleDescriptor;
import java.lang.module.ModuleDescriptor.Requires;
import java.lang.module.ModuleFinder;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * {@code jdeps} confirms that the SDK needs only {@code java.base} and {@code java.net.http}, and
 * {@code jdk.jfr} only in {@code io.github.kimisdk.internal.jfr} (the Flight Recorder event),
 * behind {@code requires static}. {@code jdk.httpserver} is kimi-sdk-testing's, where {@code
 * FakeKimiServer} lives: nothing of the core may use it (kimi-sdk-testing's own {@code
 * DependencyFootprintTest} holds that module to the SDK and {@code jdk.httpserver}).
 */
class DependencyFootprintTest {

  private static final String SDK = "io.github.kimisdk";
  private static final Set<String> ALLOWED_EVERYWHERE = Set.of("java.base", "java.net.http", SDK);
  private static final String JFR_PACKAGE = "io.github.kimisdk.internal.jfr";

  /** A package dependency line of {@code jdeps -verbose:package}: "from -> to module". */
  private static final Pattern DEPENDENCY =
      Pattern.compile("^\\s+(\\S+)\\s+->\\s+(\\S+)\\s+(\\S.*?)\\s*$", Pattern.MULTILINE);

  @Test
  void jdepsFindsOnlyJavaBaseAndJavaNetHttpOutsideTheFlightRecorderEvent() throws Exception {
    Path sdk = BuildTools.sdkLocation();
    // jdk.jfr is a static dependency: jdeps resolves it only when asked to.
    String report =
        BuildTools.run("jdeps", "--add-modules", "jdk.jfr", "-verbose:package", "" + sdk);

    List<String[]> dependencies = dependencies(report);
    assertThat(dependencies)
        .as("package dependencies parsed from:%n%s", report)
        .hasSizeGreaterThan(20);
    assertThat(dependencies)
        .as("no class of FakeKimiServer's package is left in the core")
        .noneMatch(d -> d[0].equals("io.github.kimisdk.testing"));
    assertThat(dependencies)
        .as("the Flight Recorder event's use of jdk.jfr is seen")
        .anyMatch(d -> d[0].equals(JFR_PACKAGE) && d[2].equals("jdk.jfr"));
    assertThat(violations(report)).as("jdeps -verbose:package %s:%n%s", sdk, report).isEmpty();
  }

  @Test
  void theRuleRejectsOtherModulesTheJdkHttpServerAndJdkJfrOutsideTheEvent() {
    String report =
        """
        io.github.kimisdk
         [file:///x/kimi-sdk.jar]
           requires mandated java.base (@17)
           io.github.kimisdk.json         -> java.util                 java.base
           io.github.kimisdk.chat         -> java.util.logging         java.logging
           io.github.kimisdk.testing      -> com.sun.net.httpserver    jdk.httpserver
           io.github.kimisdk.base.sse -> com.sun.net.httpserver    jdk.httpserver
           io.github.kimisdk.internal.jfr -> jdk.jfr                   jdk.jfr
           io.github.kimisdk.chat         -> jdk.jfr                   jdk.jfr
           io.github.kimisdk.token        -> com.example.vocab         not found
        """;
    assertThat(violations(report))
        .containsExactly(
            "io.github.kimisdk.chat -> java.util.logging (java.logging)",
            "io.github.kimisdk.testing -> com.sun.net.httpserver (jdk.httpserver)",
            "io.github.kimisdk.base.sse -> com.sun.net.httpserver (jdk.httpserver)",
            "io.github.kimisdk.chat -> jdk.jfr (jdk.jfr)",
            "io.github.kimisdk.token -> com.example.vocab (not found)");
  }

  @Test
  void theModuleRequiresOnlyJavaNetHttpAndStaticallyJdkJfr() throws Exception {
    ModuleDescriptor descriptor =
        ModuleFinder.of(BuildTools.sdkLocation()).find(SDK).orElseThrow().descriptor();
    Set<String> requires =
        descriptor.requires().stream()
            .map(
                r ->
                    r.modifiers().stream()
                            .map(Requires.Modifier::toString)
                            .sorted()
                            .collect(Collectors.joining(" ", "", " "))
                        + r.name())
            .map(String::trim)
            .collect(Collectors.toCollection(TreeSet::new));
    assertThat(requires)
        .containsExactly("MANDATED java.base", "STATIC jdk.jfr", "TRANSITIVE java.net.http");
  }

  /** "from -> to (module)" for every dependency the rule does not allow. */
  static List<String> violations(String jdepsReport) {
    List<String> out = new ArrayList<>();
    for (String[] d : dependencies(jdepsReport)) {
      boolean allowed =
          ALLOWED_EVERYWHERE.contains(d[2]) || (d[2].equals("jdk.jfr") && d[0].equals(JFR_PACKAGE));
      if (!allowed) {
        out.add(d[0] + " -> " + d[1] + " (" + d[2] + ")");
      }
    }
    return out;
  }

  /** {from package, to package, module or "not found"} for each of the SDK's own packages. */
  private static List<String[]> dependencies(String jdepsReport) {
    List<String[]> out = new ArrayList<>();
    Matcher m = DEPENDENCY.matcher(jdepsReport);
    while (m.find()) {
      if (m.group(1).equals(SDK) || m.group(1).startsWith(SDK + ".")) {
        out.add(new String[] {m.group(1), m.group(2), m.group(3)});
      }
    }
    return out;
  }
}
