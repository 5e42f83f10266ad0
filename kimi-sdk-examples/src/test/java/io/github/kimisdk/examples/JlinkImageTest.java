package io.github.kimisdk.examples;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.withinPercentage;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Links a runtime image holding only the modules the SDK needs and runs the Quickstart on it,
 * offline, then {@code TypedOutput}, whose records the SDK reads by reflection. The image leaves
 * out {@code jdk.jfr} on purpose: the SDK's Flight Recorder events are optional, and every call
 * must run without them. The image stays in {@code target/jlink/image}; its size and the JDK's are
 * written to {@code target/jlink/sizes.txt} (the README quotes them).
 */
@Tag("slow") // links a runtime image: mvn -B -P slow verify
class JlinkImageTest {

  static final List<String> IMAGE_MODULES =
      List.of(
          "io.github.kimisdk",
          "io.github.kimisdk.agents", // TypedOutput's typed tool runs in an Agent
          "io.github.kimisdk.examples",
          "io.github.kimisdk.testing",
          "java.base",
          "java.net.http",
          "jdk.httpserver"); // and not jdk.jfr: the SDK runs without Flight Recorder

  @Test
  void quickstartRunsOfflineOnAMinimalJlinkImage() throws Exception {
    Path work = Path.of(System.getProperty("kimisdk.buildDirectory", "target"), "jlink");
    Path image = work.resolve("image");
    deleteRecursively(image);
    Files.createDirectories(work);

    List<String> jlink = new ArrayList<>();
    jlink.add(ChildProcess.jdkTool("jlink").toString());
    jlink.addAll(List.of("--module-path", modulePath()));
    jlink.addAll(List.of("--add-modules", String.join(",", IMAGE_MODULES)));
    jlink.addAll(List.of("--strip-debug", "--no-header-files", "--no-man-pages"));
    // JDK 21 renamed the zip levels and deprecated the numeric ones.
    jlink.add(Runtime.version().feature() >= 21 ? "--compress=zip-6" : "--compress=2");
    jlink.addAll(List.of("--output", image.toString()));
    ChildProcess linked = ChildProcess.run(LaunchModesTest.TIMEOUT, jlink.toArray(String[]::new));
    assertThat(linked.status()).as(linked.describe()).isZero();

    Path java = image.resolve("bin").resolve("java");
    ChildProcess modules =
        ChildProcess.run(LaunchModesTest.TIMEOUT, java.toString(), "--list-modules");
    assertThat(modules.status()).as(modules.describe()).isZero();
    assertThat(modules.stdout().lines().map(l -> l.replaceFirst("@.*", "")).sorted().toList())
        .as(modules.describe())
        .isEqualTo(IMAGE_MODULES);

    ChildProcess run =
        ChildProcess.run(
            LaunchModesTest.TIMEOUT,
            java.toString(),
            "--module",
            "io.github.kimisdk.examples/" + LaunchModesTest.MAIN,
            "Hello from a jlink image");
    assertThat(run.status()).as(run.describe()).isZero();
    LaunchModesTest.assertStreamedOfflineReply(run, "Hello from a jlink image");

    // The SDK reads the examples' records (an open package) with nothing added to the image.
    ChildProcess typed =
        ChildProcess.run(
            LaunchModesTest.TIMEOUT,
            java.toString(),
            // the examples require the agent loop statically: a program that runs one adds it
            "--add-modules",
            "io.github.kimisdk.agents",
            "--module",
            "io.github.kimisdk.examples/io.github.kimisdk.examples.TypedOutput");
    assertThat(typed.status()).as(typed.describe()).isZero();
    assertThat(typed.stdout())
        .as(typed.describe())
        .contains("Weather[city=Paris, temperature=21.5, sky=CLEAR")
        .contains("[tool] get_forecast(Forecast[city=Paris, days=3])");

    long imageBytes = sizeOf(image);
    long jdkBytes = sizeOf(Path.of(System.getProperty("java.home")));
    Path sdk = ChildProcess.sdkLocation();
    String report =
        String.format(
            Locale.ROOT,
            "jdk: %s %s (%s)%njdk size: %d bytes (%.1f MiB)%nimage size: %d bytes (%.1f MiB)%n"
                + "sdk: %s%s%njlink: %s%n",
            System.getProperty("java.vendor"),
            System.getProperty("java.runtime.version"),
            System.getProperty("java.home"),
            jdkBytes,
            jdkBytes / 1048576.0,
            imageBytes,
            imageBytes / 1048576.0,
            sdk,
            Files.isRegularFile(sdk) ? " (" + Files.size(sdk) + " bytes)" : "",
            String.join(" ", jlink));
    Files.writeString(work.resolve("sizes.txt"), report);
    // The whole point: far smaller than the JDK it came from.
    assertThat(imageBytes).as(report).isLessThan(jdkBytes / 3);
    theReadmeQuotesTheseSizes(imageBytes, sdk, report);
  }

  /**
   * The README's figures stay true: its table row for this JDK (found by its version, such as
   * {@code 17.0.15}; none for another JDK) gives the image size within 3%, and its jar size is
   * within 10% of this build's jar.
   */
  static void theReadmeQuotesTheseSizes(long imageBytes, Path sdk, String report)
      throws IOException {
    String readme = ReadmeInStepTest.readme();
    String version =
        Runtime.version().version().stream()
            .limit(3)
            .map(String::valueOf)
            .collect(java.util.stream.Collectors.joining("."));
    Matcher row =
        Pattern.compile(
                "\n\\| [^|\n]*\\b" + Pattern.quote(version) + "\\b[^\n]*\\| ([0-9.]+) MiB \\|\n")
            .matcher(readme);
    if (row.find()) {
      double quoted = Double.parseDouble(row.group(1));
      assertThat(quoted)
          .as("README.md's image size for JDK %s against the measured one:%n%s", version, report)
          .isCloseTo(imageBytes / 1048576.0, withinPercentage(3));
    }
    if (Files.isRegularFile(sdk)) {
      Matcher jar = Pattern.compile("\\(it was ([0-9]+) KB on ").matcher(readme);
      assertThat(jar.find()).as("README.md quotes the jar's size as \"(it was N KB on\"").isTrue();
      assertThat(Double.parseDouble(jar.group(1)))
          .as("README.md's jar size in KB against %s", sdk)
          .isCloseTo(Files.size(sdk) / 1000.0, withinPercentage(10));
    }
  }

  /**
   * The SDK, kimi-sdk-testing and the examples, plus the JDK's jmods when it has them (JDK 25 links
   * without them).
   */
  private static String modulePath() throws Exception {
    Path jmods = Path.of(System.getProperty("java.home"), "jmods");
    Path sdk = ChildProcess.sdkLocation();
    Path testing = ChildProcess.testingLocation();
    Path agents = ChildProcess.agentsLocation();
    Path examples = ChildProcess.examplesLocation();
    return Files.isDirectory(jmods)
        ? ChildProcess.path(sdk, testing, agents, examples, jmods)
        : ChildProcess.path(sdk, testing, agents, examples);
  }

  /** Bytes in all regular files, symlinks followed (within a fraction of a percent of du -sb). */
  static long sizeOf(Path dir) throws IOException {
    try (Stream<Path> files = Files.walk(dir)) {
      return files
          .filter(Files::isRegularFile)
          .mapToLong(
              p -> {
                try {
                  return Files.size(p);
                } catch (IOException e) {
                  throw new UncheckedIOException(e);
                }
              })
          .sum();
    }
  }

  private static void deleteRecursively(Path dir) throws IOException {
    if (!Files.exists(dir)) {
      return;
    }
    try (Stream<Path> files = Files.walk(dir)) {
      for (Path p : files.sorted(Comparator.reverseOrder()).toList()) {
        Files.delete(p);
      }
    }
  }
}
