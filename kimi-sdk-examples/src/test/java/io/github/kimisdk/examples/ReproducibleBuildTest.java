package io.github.kimisdk.examples;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Enumeration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two builds of kimi-sdk give byte-identical jars: the build under test, and a second Maven build
 * of a copy of the same sources in another directory, later, with the same JDK and Maven. Runs in
 * {@code mvn verify} (the kimi-sdk jars exist only after {@code package}); needs no {@code
 * install}.
 */
@Tag("slow") // a second Maven build of kimi-sdk: mvn -B -P slow verify
class ReproducibleBuildTest {

  private static final Duration TIMEOUT = Duration.ofMinutes(20);

  @Test
  void rebuildingKimiSdkFromACopyOfItsSourcesGivesByteIdenticalJars(@TempDir Path copy)
      throws Exception {
    Path jar = ChildProcess.sdkLocation();
    assumeTrue(
        Files.isRegularFile(jar),
        "kimi-sdk was not packaged (mvn test uses its classes): run mvn verify to check this");
    String mavenHome = System.getProperty("kimisdk.maven.home", "");
    assumeTrue(!mavenHome.isEmpty(), "run by Maven, which passes kimisdk.maven.home");
    Path target = jar.getParent();
    Path module = target.getParent();
    Path root = module.getParent();
    String base = jar.getFileName().toString().replaceFirst("\\.jar$", "");
    List<String> artifacts = List.of(base + ".jar", base + "-sources.jar", base + "-javadoc.jar");

    // What Maven reads to build kimi-sdk: the parent, .mvn, and the module without its tests.
    for (String file : List.of("pom.xml", "LICENSE", "README.md")) {
      if (Files.exists(root.resolve(file))) {
        Files.copy(root.resolve(file), copy.resolve(file));
      }
    }
    copyTree(root.resolve(".mvn"), copy.resolve(".mvn"));
    Files.createDirectories(copy.resolve("kimi-sdk"));
    Files.copy(module.resolve("pom.xml"), copy.resolve("kimi-sdk/pom.xml"));
    copyTree(module.resolve("src/main"), copy.resolve("kimi-sdk/src/main"));

    List<String> mvn = new ArrayList<>();
    mvn.add(Path.of(mavenHome, "bin", "mvn").toString());
    mvn.addAll(List.of("-B", "-q"));
    if ("offline=true".equals(System.getProperty("kimisdk.maven.offline"))) {
      mvn.add("-o");
    }
    String repo = System.getProperty("kimisdk.maven.repo.local", "");
    if (!repo.isEmpty()) {
      mvn.add("-Dmaven.repo.local=" + repo);
    }
    mvn.addAll(
        List.of(
            "-f", "kimi-sdk/pom.xml", "-Dmaven.test.skip=true", "-Djacoco.skip=true", "package"));
    // Same JDK as this build (the one running the tests), not whatever is first on the PATH.
    ChildProcess build =
        ChildProcess.run(copy, TIMEOUT, Map.of("JAVA_HOME", System.getProperty("java.home")), mvn);
    assertThat(build.status()).as(build.describe()).isZero();

    for (String artifact : artifacts) {
      Path first = target.resolve(artifact);
      Path second = copy.resolve("kimi-sdk/target").resolve(artifact);
      assertThat(first).as("built by this build").isRegularFile();
      assertThat(second).as("built by the second build").isRegularFile();
      assertThat(Files.mismatch(first, second))
          .as("%s differs from the rebuild: %s", artifact, differences(first, second))
          .isEqualTo(-1L);
    }
  }

  private static void copyTree(Path from, Path to) throws IOException {
    if (!Files.isDirectory(from)) {
      return;
    }
    try (Stream<Path> files = Files.walk(from)) {
      for (Path p : files.toList()) {
        Path dest = to.resolve(from.relativize(p).toString());
        if (Files.isDirectory(p)) {
          Files.createDirectories(dest);
        } else {
          Files.copy(p, dest, StandardCopyOption.COPY_ATTRIBUTES);
        }
      }
    }
  }

  /** Which entries differ (content, time or order), to say why two jars are not identical. */
  private static String differences(Path a, Path b) throws IOException {
    Map<String, String> left = entries(a);
    Map<String, String> right = entries(b);
    List<String> out = new ArrayList<>();
    if (!new ArrayList<>(left.keySet()).equals(new ArrayList<>(right.keySet()))) {
      out.add("entry names or order differ");
    }
    for (Map.Entry<String, String> e : left.entrySet()) {
      String other = right.get(e.getKey());
      if (!e.getValue().equals(other)) {
        out.add(e.getKey() + " [" + e.getValue() + "] vs [" + other + "]");
      }
    }
    return out.isEmpty() ? "same entries; zip metadata differs" : String.join("; ", out);
  }

  private static Map<String, String> entries(Path jar) throws IOException {
    Map<String, String> out = new LinkedHashMap<>();
    try (ZipFile zip = new ZipFile(jar.toFile())) {
      for (Enumeration<? extends ZipEntry> e = zip.entries(); e.hasMoreElements(); ) {
        ZipEntry entry = e.nextElement();
        try (InputStream in = zip.getInputStream(entry)) {
          out.put(
              entry.getName(),
              "time " + entry.getTime() + ", hash " + Arrays.hashCode(in.readAllBytes()));
        }
      }
    }
    return out;
  }
}
