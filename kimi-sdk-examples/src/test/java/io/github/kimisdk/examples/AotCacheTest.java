package io.github.kimisdk.examples;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * The start-up recipe of docs/constrained-environments.md on JDK 25: an AOT cache (JEP 483) trained
 * by one run of the Quickstart against FakeKimiServer ({@code -XX:AOTCacheOutput}, JEP 514) serves
 * the SDK's classes to the next run ({@code -XX:AOTCache}), which loads them from the cache ({@code
 * -Xlog:class+load} says {@code source: shared objects file}) and still streams its reply. Skipped,
 * saying why, on a JDK older than 25 (CI runs the slow profile on JDK 17 and then on 25) and when
 * the SDK's classes are not in jars (a cache holds classes from jars only).
 */
@Tag("slow") // two JVMs and a cache of some 30 MB: mvn -B -P slow verify
class AotCacheTest {

  /** Classes of a streamed call that must come from the cache, whatever else does. */
  static final List<String> FROM_THE_CACHE =
      List.of(
          "io.github.kimisdk.KimiClient",
          "io.github.kimisdk.chat.ChatStream",
          "io.github.kimisdk.sse.SseParser",
          "io.github.kimisdk.internal.wire.chat.ChunkFastPath",
          "io.github.kimisdk.internal.http.HttpTransport");

  @Test
  void anAotCacheTrainedOnTheFakeServesTheSdksClasses() throws Exception {
    assumeTrue(
        Runtime.version().feature() >= 25,
        "an AOT cache trained with -XX:AOTCacheOutput needs JDK 25 (JEP 483 and 514); this is JDK "
            + Runtime.version()
            + ", whose start-up recipe is the AppCDS archive (ReadmeShellCommandsTest runs it)");
    Path sdk = ChildProcess.sdkLocation();
    Path testing = ChildProcess.testingLocation();
    assumeTrue(
        Files.isRegularFile(sdk) && Files.isRegularFile(testing),
        "the SDK's classes are not in jars here ("
            + sdk
            + "), and an AOT cache holds classes from jars only: run after package");
    Path work = Path.of(System.getProperty("kimisdk.buildDirectory", "target"), "aot");
    Files.createDirectories(work);
    Path examples = jarOf(ChildProcess.examplesLocation(), work.resolve("examples.jar"));
    String classPath = ChildProcess.path(sdk, testing, examples);
    Path cache = work.resolve("quickstart.aot");
    Files.deleteIfExists(cache);

    ChildProcess training =
        ChildProcess.run(
            LaunchModesTest.TIMEOUT,
            ChildProcess.jdkTool("java").toString(),
            "-XX:AOTCacheOutput=" + cache,
            "--class-path",
            classPath,
            LaunchModesTest.MAIN,
            "Hello from the training run");
    assertThat(training.status()).as(training.describe()).isZero();
    LaunchModesTest.assertStreamedOfflineReply(training, "Hello from the training run");
    assertThat(cache).as(training.describe()).isRegularFile();

    Path log = work.resolve("class-load.log");
    ChildProcess cached =
        ChildProcess.run(
            LaunchModesTest.TIMEOUT,
            ChildProcess.jdkTool("java").toString(),
            "-XX:AOTCache=" + cache,
            "-XX:AOTMode=on", // fail, rather than start without the cache
            "-Xlog:class+load:file=" + log,
            "--class-path",
            classPath,
            LaunchModesTest.MAIN,
            "Hello from the cache");
    assertThat(cached.status()).as(cached.describe()).isZero();
    LaunchModesTest.assertStreamedOfflineReply(cached, "Hello from the cache");

    List<String> sdkLoads;
    try (Stream<String> lines = Files.lines(log, StandardCharsets.UTF_8)) {
      sdkLoads =
          lines
              .filter(l -> l.contains("[class,load]"))
              .filter(l -> l.contains(" io.github.kimisdk."))
              .filter(l -> !l.contains(" io.github.kimisdk.examples."))
              .filter(l -> !l.contains(" io.github.kimisdk.testing."))
              .toList();
    }
    List<String> fromCache =
        sdkLoads.stream().filter(l -> l.contains("source: shared objects file")).toList();
    for (String name : FROM_THE_CACHE) {
      assertThat(fromCache)
          .as("%s loaded from the cache; the SDK's loads:%n%s", name, String.join("\n", sdkLoads))
          .anySatisfy(l -> assertThat(l).contains(" " + name + " source:"));
    }
    // every class the training run loaded is in the cache; a later run may load a few more
    assertThat(fromCache.size())
        .as("SDK classes from the cache, of %d loaded:%n%s", sdkLoads.size(), sdkLoads)
        .isGreaterThanOrEqualTo(sdkLoads.size() * 9 / 10);
  }

  /** Packs the classes under {@code dir} into {@code jar}: a cache holds classes from jars only. */
  static Path jarOf(Path dir, Path jar) throws IOException {
    if (Files.isRegularFile(dir)) {
      return dir;
    }
    try (OutputStream out = Files.newOutputStream(jar);
        JarOutputStream j = new JarOutputStream(out);
        Stream<Path> files = Files.walk(dir)) {
      for (Path f : files.filter(Files::isRegularFile).sorted().toList()) {
        j.putNextEntry(new JarEntry(dir.relativize(f).toString().replace('\\', '/')));
        Files.copy(f, j);
        j.closeEntry();
      }
    }
    return jar;
  }
}
