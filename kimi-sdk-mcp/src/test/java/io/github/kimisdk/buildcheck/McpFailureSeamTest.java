package io.github.kimisdk.buildcheck;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.DataInputStream;
import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.SortedSet;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * kimi-sdk-mcp makes its failures in one place, as the core makes its own in {@code
 * errors.access.Exceptions}: {@code internal.rpc.Failures}, implemented once beside the exception
 * ({@code McpException.FAILURES}). No class but {@code McpException} and its nested classes calls a
 * constructor of {@code McpException} or a method of it that returns one (its static factories).
 * Read from the compiled classes: a class file names every method it calls, a constructor or a
 * method reference included, in its constant pool, however the source is written.
 */
class McpFailureSeamTest {

  private static final String EXCEPTION = "io/github/kimisdk/mcp/McpException";

  @Test
  void everyMcpExceptionIsMadeInTheFailureSeam() throws Exception {
    SortedSet<String> made = makers(McpLayoutTest.mcpLocation());
    assertThat(made)
        .as("the seam itself is seen: the check reads constructor calls")
        .contains("io/github/kimisdk/mcp/McpException$1 makes McpException.<init>");
    assertThat(made)
        .filteredOn(m -> !m.startsWith(EXCEPTION + " ") && !m.startsWith(EXCEPTION + "$"))
        .as(
            "classes that make an McpException themselves: make it through internal.rpc.Failures"
                + " (a transport through its sink's failures(), the engine through the connection's)")
        .isEmpty();
  }

  @Test
  void theCheckSeesAConstructorAFactoryAndAConstructorReference(@TempDir Path dir)
      throws Exception {
    Path src = dir.resolve("src/rogue/Rogue.java");
    Files.createDirectories(src.getParent());
    Files.writeString(
        src,
        """
        package rogue;
        import io.github.kimisdk.mcp.McpException;
        public class Rogue {
          interface Maker { McpException make(String s, McpException.Kind k, String d, Throwable c); }
          Object a = new McpException("s", McpException.Kind.LIMIT, "d", null);
          Object b = McpException.httpStatus("s", "d", 500);
          Maker c = McpException::new;
          Object d = McpException.Kind.LIMIT; // naming the class makes nothing
          Object e = ((McpException) a).httpStatus(); // nor does reading one
        }
        """);
    Path classes = dir.resolve("classes");
    BuildTools.run(
        "javac",
        "-nowarn",
        "-d",
        classes.toString(),
        "-cp",
        McpLayoutTest.mcpLocation() + File.pathSeparator + BuildTools.sdkLocation(),
        src.toString());
    assertThat(makers(classes))
        .containsExactly(
            "rogue/Rogue makes McpException.<init>", "rogue/Rogue makes McpException.httpStatus");
  }

  /**
   * Returns "Class makes McpException.member" for every class of {@code classes} that makes one.
   */
  private static SortedSet<String> makers(Path classes) throws IOException {
    SortedSet<String> out = new TreeSet<>();
    for (Map.Entry<String, byte[]> f : ClassFiles.classFiles(classes).entrySet()) {
      if (!f.getKey().endsWith(".class") || f.getKey().endsWith("module-info.class")) {
        continue;
      }
      DataInputStream in = new DataInputStream(new ByteArrayInputStream(f.getValue()));
      ConstantPool pool = ConstantPool.read(in);
      in.readUnsignedShort(); // access
      String self = pool.className(in.readUnsignedShort());
      for (int i = 1; i < pool.count; i++) {
        if (pool.tags[i] == ConstantPool.METHODREF
            && pool.className(pool.first[i]).equals(EXCEPTION)) {
          String method = pool.utf8[pool.first[pool.second[i]]];
          String descriptor = pool.utf8[pool.second[pool.second[i]]];
          // a constructor, or a factory: a method of the exception that returns one
          if (method.equals("<init>") || descriptor.endsWith(")L" + EXCEPTION + ";")) {
            out.add(self + " makes McpException." + method);
          }
        }
      }
    }
    return out;
  }
}
