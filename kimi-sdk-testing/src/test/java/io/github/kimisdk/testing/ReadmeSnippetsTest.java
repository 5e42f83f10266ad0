package io.github.kimisdk.testing;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.spi.ToolProvider;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every {@code ```java} block of this module's README, and every {@code ```java junit} block of the
 * repository's README and guides (a test a user writes with the fake), compiles against the classes
 * this module ships, the SDK and JUnit, with the imports a user's test would have: a block that
 * declares a class is a file of its own, and any other block is the body of a method.
 */
class ReadmeSnippetsTest {

  static final String IMPORTS =
      """
      import static org.junit.jupiter.api.Assertions.*;

      import io.github.kimisdk.*;
      import io.github.kimisdk.chat.*;
      import io.github.kimisdk.testing.*;
      import io.github.kimisdk.tool.*;
      import org.junit.jupiter.api.*;
      import org.junit.jupiter.api.extension.*;
      """;

  static List<String> javaBlocks(String markdown) {
    return blocks(markdown, "java");
  }

  static List<String> blocks(String markdown, String fence) {
    List<String> out = new ArrayList<>();
    Matcher m =
        Pattern.compile("(?m)^```" + Pattern.quote(fence) + "\\n(.*?)^```$", Pattern.DOTALL)
            .matcher(markdown);
    while (m.find()) {
      out.add(m.group(1));
    }
    return out;
  }

  @Test
  void everyJavaSnippetCompiles(@TempDir Path dir) throws IOException {
    List<String> blocks =
        javaBlocks(Files.readString(Path.of("README.md"), StandardCharsets.UTF_8));
    assertThat(blocks).hasSizeGreaterThanOrEqualTo(2);
    compiles(blocks, dir);
  }

  @Test
  void theJunitSnippetsOfTheReadmeAndTheGuidesCompile(@TempDir Path dir) throws IOException {
    List<Path> pages = new ArrayList<>(List.of(Path.of("..", "README.md")));
    try (var guides = Files.list(Path.of("..", "docs"))) {
      guides.filter(p -> p.toString().endsWith(".md")).sorted().forEach(pages::add);
    }
    List<String> blocks = new ArrayList<>();
    for (Path page : pages) {
      blocks.addAll(blocks(Files.readString(page, StandardCharsets.UTF_8), "java junit"));
    }
    assertThat(blocks).as("```java junit blocks").isNotEmpty();
    compiles(blocks, dir);
  }

  static void compiles(List<String> blocks, Path dir) throws IOException {
    List<String> args =
        new ArrayList<>(
            List.of(
                "-proc:none",
                "-Xlint:none",
                "-d",
                dir.resolve("classes").toString(),
                "--class-path",
                System.getProperty("java.class.path")));
    for (int i = 0; i < blocks.size(); i++) {
      String block = blocks.get(i);
      Matcher name = Pattern.compile("(?m)^class (\\w+)").matcher(block);
      boolean declaresAClass = name.find();
      String className = declaresAClass ? name.group(1) : "Snippet" + i;
      String source =
          declaresAClass
              ? IMPORTS + block
              : IMPORTS
                  + "class "
                  + className
                  + " {\n  void run() throws Exception {\n"
                  + block
                  + "  }\n}\n";
      Path file = dir.resolve("src" + i).resolve(className + ".java");
      Files.createDirectories(file.getParent());
      Files.writeString(file, source);
      args.add(file.toString());
    }
    StringWriter out = new StringWriter();
    int status =
        ToolProvider.findFirst("javac")
            .orElseThrow()
            .run(
                new PrintWriter(out, true),
                new PrintWriter(out, true),
                args.toArray(String[]::new));
    assertThat(status).as("javac on README.md's java blocks:%n%s", out).isZero();
    assertThat(dir.resolve("classes")).isDirectory();
  }
}
