package io.github.kimisdk.buildcheck;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The core's test build compiles no copy of {@code FakeKimiServer} (issue 61): the tests that serve
 * from it are in kimi-sdk-http-tests, which depends on kimi-sdk-testing. A copy of the fake's
 * sources added to these tests again (as the build once did, to dodge Maven's cycle rule) would put
 * a class of its package among the core's test classes and make it loadable here.
 */
class NoFakeInTheCoreTest {

  private static final String FAKE_PACKAGE = "io.github.kimisdk.testing";

  /** The core's compiled tests, beside its classes: surefire runs in the module's directory. */
  private static final Path TEST_CLASSES = Path.of("target", "test-classes");

  @Test
  void theCoreTestClassesHoldNoClassOfTheFakesPackage() throws IOException {
    assertThat(TEST_CLASSES.resolve("io/github/kimisdk/buildcheck/NoFakeInTheCoreTest.class"))
        .as("this test's own class, so the directory read is the right one")
        .isRegularFile();
    assertThat(classesOf(TEST_CLASSES, FAKE_PACKAGE))
        .as("classes of %s compiled with the core's tests", FAKE_PACKAGE)
        .isEmpty();
  }

  @Test
  void theFakeIsNotLoadableFromTheCoreTests() {
    for (String name : List.of("FakeKimiServer", "FakeKimiExtension")) {
      assertThatThrownBy(
              () ->
                  Class.forName(
                      FAKE_PACKAGE + "." + name, false, NoFakeInTheCoreTest.class.getClassLoader()))
          .as(name)
          .isInstanceOf(ClassNotFoundException.class);
    }
  }

  @Test
  void theCorePomNeitherCopiesNorAddsTheFakesSources() throws IOException {
    String pom = Files.readString(Path.of("pom.xml"));
    assertThat(pom).as("kimi-sdk/pom.xml").contains("<artifactId>kimi-sdk</artifactId>");
    assertThat(pom)
        .as("kimi-sdk/pom.xml reads nothing of kimi-sdk-testing's sources")
        .doesNotContain("kimi-sdk-testing/src");
  }

  @Test
  void theClassCheckFindsAClassOfThePackageInADirectory() throws IOException {
    Path dir = Files.createTempDirectory("no-fake");
    try {
      Path copy = dir.resolve("io/github/kimisdk/testing/FakeKimiServer.class");
      Files.createDirectories(copy.getParent());
      Files.write(copy, new byte[] {(byte) 0xCA, (byte) 0xFE});
      assertThat(classesOf(dir, FAKE_PACKAGE)).containsExactly(copy);
    } finally {
      try (Stream<Path> all = Files.walk(dir)) {
        for (Path p : all.sorted((a, b) -> b.getNameCount() - a.getNameCount()).toList()) {
          Files.delete(p);
        }
      }
    }
  }

  /** The class files of {@code pkg} and its subpackages under {@code root}. */
  static List<Path> classesOf(Path root, String pkg) throws IOException {
    Path dir = root.resolve(pkg.replace('.', '/'));
    if (!Files.isDirectory(dir)) {
      return List.of();
    }
    try (Stream<Path> all = Files.walk(dir)) {
      return all.filter(p -> p.toString().endsWith(".class")).sorted().toList();
    }
  }
}
