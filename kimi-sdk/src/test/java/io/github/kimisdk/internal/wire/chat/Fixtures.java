package io.github.kimisdk.internal.wire.chat;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/** Reads the recorded Kimi fixtures under {@code src/test/resources/kimi}. */
final class Fixtures {
  private Fixtures() {}

  static byte[] bytes(String name) {
    try (InputStream in = Fixtures.class.getResourceAsStream("/kimi/" + name)) {
      if (in == null) {
        throw new IllegalArgumentException("no fixture " + name);
      }
      return in.readAllBytes();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Returns the chunk JSONs of a {@code .chunks.txt} file, one per non-blank line. */
  static List<byte[]> chunkLines(String name) {
    List<byte[]> out = new ArrayList<>();
    for (String line : new String(bytes(name), StandardCharsets.UTF_8).split("\n")) {
      if (!line.isBlank()) {
        out.add(line.getBytes(StandardCharsets.UTF_8));
      }
    }
    return out;
  }

  /** Returns the names of the fixture files that end with {@code suffix}, sorted. */
  static List<String> names(String suffix) {
    try {
      Path dir = Path.of(Fixtures.class.getResource("/kimi/README.md").toURI()).getParent();
      try (Stream<Path> files = Files.list(dir)) {
        return files
            .map(p -> p.getFileName().toString())
            .filter(n -> n.endsWith(suffix))
            .sorted()
            .collect(Collectors.toList());
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (URISyntaxException e) {
      throw new IllegalStateException(e);
    }
  }
}
