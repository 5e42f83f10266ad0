package io.github.kimisdk.examples;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/** The temporary directories an example made and left behind. */
final class ExamplesTemp {
  private ExamplesTemp() {}

  /** Returns the directories under {@code java.io.tmpdir} whose names start with {@code prefix}. */
  static Set<Path> made(String prefix) {
    try (Stream<Path> all = Files.list(Path.of(System.getProperty("java.io.tmpdir")))) {
      return all.filter(p -> p.getFileName().toString().startsWith(prefix))
          .collect(Collectors.toSet());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
