package io.github.kimisdk.buildcheck;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The class-file reading of the compatibility gate's checks, on small compiled classes. */
class ClassFilesTest {

  @Test
  void aRecordsComponentTypesAreReadErasedAndInOrder(@TempDir Path dir) throws Exception {
    Map<String, String> sources = new TreeMap<>();
    sources.put("module-info.java", "module synth { exports api; }");
    sources.put(
        "api/Request.java",
        """
        package api;
        public record Request(
            String model, java.util.List<String> stop, boolean stream, int[][] grid,
            Nested nested, java.util.Map<String, Integer> extra) {
          public record Nested(long at) {}
        }
        """);
    Map<String, byte[]> files = ClassFiles.classFiles(LayoutTest.compile(dir, sources));
    assertThat(ClassFiles.recordComponentTypes(files.get("api/Request.class")))
        .containsExactly(
            "java.lang.String",
            "java.util.List",
            "boolean",
            "int[][]",
            "api.Request$Nested",
            "java.util.Map");
    assertThatThrownBy(() -> ClassFiles.recordComponentTypes(files.get("module-info.class")))
        .isInstanceOf(IOException.class)
        .hasMessageContaining("not a record");
  }

  @Test
  void aDescriptorIsNamedAsJavaNamesTheType() {
    assertThat(ClassFiles.javaName("Z")).isEqualTo("boolean");
    assertThat(ClassFiles.javaName("J")).isEqualTo("long");
    assertThat(ClassFiles.javaName("[B")).isEqualTo("byte[]");
    assertThat(ClassFiles.javaName("Ljava/lang/Double;")).isEqualTo("java.lang.Double");
    assertThat(ClassFiles.javaName("[[Lio/github/kimisdk/chat/Message;"))
        .isEqualTo("io.github.kimisdk.chat.Message[][]");
  }
}
