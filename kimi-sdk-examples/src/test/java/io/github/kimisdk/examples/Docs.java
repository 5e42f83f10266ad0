package io.github.kimisdk.examples;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * The pages a reader reads and the build checks: the front page ({@code README.md}), the guides
 * ({@code docs/*.md}) and {@code CONTRIBUTING.md}, each named as its path from the repository root.
 */
final class Docs {

  static final Path ROOT = Path.of("..");
  static final Path README = ROOT.resolve("README.md");
  static final Path GUIDES = ROOT.resolve("docs");

  private Docs() {}

  /** README.md, the guides in name order, then CONTRIBUTING.md. */
  static List<Path> pages() {
    List<Path> out = new ArrayList<>();
    out.add(README);
    try (Stream<Path> guides = Files.list(GUIDES)) {
      guides.filter(p -> p.toString().endsWith(".md")).sorted().forEach(out::add);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    out.add(ROOT.resolve("CONTRIBUTING.md"));
    return out;
  }

  /** A page by its path from the repository root, such as {@code docs/install.md}. */
  static Path page(String name) {
    return ROOT.resolve(name);
  }

  /** A page's path from the repository root, as messages name it. */
  static String name(Path page) {
    return ROOT.toAbsolutePath()
        .normalize()
        .relativize(page.toAbsolutePath().normalize())
        .toString()
        .replace('\\', '/');
  }

  static String text(Path page) {
    try {
      return Files.readString(page, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static List<String> lines(Path page) {
    return text(page).lines().toList();
  }

  /** Every page's text, one after the other. */
  static String all() {
    StringBuilder out = new StringBuilder();
    for (Path p : pages()) {
      out.append(text(p)).append('\n');
    }
    return out.toString();
  }

  /**
   * The text of the section of {@code page} that starts with the heading line {@code heading} (such
   * as {@code "## The programs"}) and ends before the next heading of the same or a higher level.
   */
  static String section(Path page, String heading) {
    String text = text(page);
    int start = text.startsWith(heading + "\n") ? 0 : text.indexOf("\n" + heading + "\n") + 1;
    if (start == 0 && !text.startsWith(heading + "\n")) {
      throw new AssertionError(name(page) + " has no heading " + heading);
    }
    String level = heading.substring(0, heading.indexOf(' ') + 1);
    int end = text.length();
    for (String prefix = level; prefix.length() >= 2; prefix = prefix.substring(1)) {
      int next = text.indexOf("\n" + prefix, start + heading.length());
      if (next >= 0 && next < end) {
        end = next;
      }
    }
    return text.substring(start, end);
  }
}
