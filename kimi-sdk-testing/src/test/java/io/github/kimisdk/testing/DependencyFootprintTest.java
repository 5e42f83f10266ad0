package io.github.kimisdk.testing;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.kimisdk.KimiClient;
import java.io.File;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.lang.module.ModuleDescriptor;
import java.lang.module.ModuleDescriptor.Requires;
import java.lang.module.ModuleFinder;
import java.nio.file.Path;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.spi.ToolProvider;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * kimi-sdk-testing needs the SDK and the JDK's HTTP server alone, as {@code jdeps} reads its
 * classes: {@code java.base}, {@code java.net.http} and {@code jdk.httpserver}, the SDK's exported
 * packages, and JUnit Jupiter's API only in {@link FakeKimiExtension}, the one class that is for
 * JUnit (an optional dependency). Maven's side of the same rule is the enforcer's in the pom.
 */
class DependencyFootprintTest {

  static final Set<String> JDK = Set.of("java.base", "java.net.http", "jdk.httpserver");

  /** A class dependency line of {@code jdeps -verbose:class}: "from -> to module". */
  static final Pattern DEPENDENCY =
      Pattern.compile("^\\s+(\\S+)\\s+->\\s+(\\S+)\\s+(\\S.*?)\\s*$", Pattern.MULTILINE);

  static Path location(Class<?> c) throws Exception {
    return Path.of(c.getProtectionDomain().getCodeSource().getLocation().toURI());
  }

  @Test
  void jdepsFindsOnlyTheJdkHttpServerTheSdkAndJUnitInTheExtension() throws Exception {
    Path classes = location(FakeKimiServer.class);
    String modulePath =
        location(KimiClient.class)
            + File.pathSeparator
            + location(org.junit.jupiter.api.Test.class)
            + File.pathSeparator
            + location(org.opentest4j.AssertionFailedError.class)
            + File.pathSeparator
            + location(org.junit.platform.commons.PreconditionViolationException.class);
    String report =
        jdeps(
            "--module-path",
            modulePath,
            "--add-modules",
            "org.junit.jupiter.api", // a static requires: resolved only when asked for
            "-verbose:class",
            "--multi-release",
            "17",
            "" + classes);
    Set<String> seen = new TreeSet<>();
    Set<String> violations = new TreeSet<>();
    Matcher m = DEPENDENCY.matcher(report);
    while (m.find()) {
      String from = m.group(1);
      String to = m.group(2);
      String module = m.group(3);
      if (!from.startsWith("io.github.kimisdk.testing.")) {
        continue;
      }
      seen.add(module);
      boolean allowed =
          JDK.contains(module)
              || module.equals("io.github.kimisdk.testing")
              || (module.equals("io.github.kimisdk") && !to.contains(".internal."))
              || (module.equals("org.junit.jupiter.api")
                  && from.startsWith("io.github.kimisdk.testing.FakeKimiExtension"));
      if (!allowed) {
        violations.add(from + " -> " + to + " (" + module + ")");
      }
    }
    assertThat(seen)
        .as("modules seen in%n%s", report)
        .contains("jdk.httpserver", "io.github.kimisdk", "org.junit.jupiter.api");
    assertThat(violations).as("jdeps -verbose:class %s:%n%s", classes, report).isEmpty();
  }

  @Test
  void theModuleRequiresTheSdkTheJdkHttpServerAndOptionallyJUnit() throws Exception {
    ModuleDescriptor descriptor =
        ModuleFinder.of(location(FakeKimiServer.class))
            .find("io.github.kimisdk.testing")
            .orElseThrow()
            .descriptor();
    Set<String> requires =
        descriptor.requires().stream()
            .map(
                r ->
                    (r.modifiers().stream()
                                .map(Requires.Modifier::toString)
                                .sorted()
                                .collect(Collectors.joining(" ", "", " "))
                            + r.name())
                        .trim())
            .collect(Collectors.toCollection(TreeSet::new));
    assertThat(requires)
        .containsExactly(
            "MANDATED java.base",
            "STATIC org.junit.jupiter.api",
            "TRANSITIVE io.github.kimisdk",
            "jdk.httpserver");
    assertThat(descriptor.exports())
        .extracting(ModuleDescriptor.Exports::source)
        .containsExactly("io.github.kimisdk.testing");
  }

  static String jdeps(String... args) {
    ToolProvider jdeps = ToolProvider.findFirst("jdeps").orElseThrow();
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int status = jdeps.run(new PrintWriter(out, true), new PrintWriter(err, true), args);
    assertThat(status).as("jdeps %s:%n%s%s", String.join(" ", args), out, err).isZero();
    return out.toString();
  }
}
