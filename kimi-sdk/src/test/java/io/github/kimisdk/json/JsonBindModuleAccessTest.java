package io.github.kimisdk.json;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.kimisdk.tool.JsonSchema;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.lang.module.Configuration;
import java.lang.module.ModuleFinder;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.spi.ToolProvider;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The user's records are read wherever they live: on the class path, and in a named module that
 * opens their package to the SDK; a module that does not is told what to add to its
 * module-info.java. The records are compiled here and loaded in their own class loader or layer.
 */
class JsonBindModuleAccessTest {

  private static final String POINT =
      "record Point(int x, int y) {}"; // package-private: reflection needs the package open

  @TempDir static Path dir;

  @BeforeAll
  static void sdkIsANamedModule() {
    // Surefire runs these tests on the module path, patched into io.github.kimisdk.
    assertThat(Json.class.getModule().getName()).isEqualTo("io.github.kimisdk");
  }

  @Test
  void aRecordOnTheClassPathIsRead() throws Exception {
    Path classes = compile("cp", Map.of("cp/Point.java", "package cp; " + POINT));
    try (URLClassLoader loader =
        new URLClassLoader(new URL[] {classes.toUri().toURL()}, getClass().getClassLoader())) {
      Class<?> point = loader.loadClass("cp.Point");
      assertThat(point.getModule().isNamed()).isFalse();
      Object p = Json.bind(Json.parse("{\"x\":1,\"y\":2}"), point);
      assertThat(p).hasToString("Point[x=1, y=2]");
      assertThat(Json.toJson(p)).isEqualTo(Json.parse("{\"x\":1,\"y\":2}"));
      assertThat(JsonSchema.of(point).toJson().get("required"))
          .isEqualTo(Json.parse("[\"x\",\"y\"]"));
    }
  }

  @Test
  void aRecordInAModuleThatOpensItsPackageToTheSdkIsRead() throws Exception {
    Class<?> point =
        moduleClass(
            "opened",
            "module opened { opens opened.model to io.github.kimisdk; }",
            "opened.model.Point");
    assertThat(point.getModule().getName()).isEqualTo("opened");
    Object p = Json.bind(Json.parse("{\"x\":3,\"y\":4}"), point);
    assertThat(p).hasToString("Point[x=3, y=4]");
    assertThat(Json.write(Json.toJson(p))).isEqualTo("{\"x\":3,\"y\":4}");
  }

  @Test
  void aRecordInAModuleThatDoesNotOpenItsPackageIsRefusedWithTheFix() throws Exception {
    Class<?> point =
        moduleClass("closed", "module closed { exports closed.model; }", "closed.model.Point");
    String fix =
        "cannot read record closed.model.Point: module closed does not open package closed.model"
            + " to io.github.kimisdk; add \"opens closed.model to io.github.kimisdk;\" to its"
            + " module-info.java, or make the record public in a package it exports";
    assertThatThrownBy(() -> Json.bind(Json.parse("{\"x\":3,\"y\":4}"), point))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage(fix);
    assertThatThrownBy(() -> JsonSchema.of(point))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage(fix);
  }

  @Test
  void aPublicRecordInAnExportedPackageNeedsNoOpens() throws Exception {
    Path src = dir.resolve("src-exported");
    Files.createDirectories(src.resolve("exported/model"));
    Files.writeString(
        src.resolve("module-info.java"), "module exported { exports exported.model; }");
    Files.writeString(
        src.resolve("exported/model/Point.java"),
        "package exported.model; public record Point(int x, int y) {}");
    Class<?> point = load("exported", compileModule("exported", src), "exported.model.Point");
    assertThat(Json.bind(Json.parse("{\"x\":5,\"y\":6}"), point)).hasToString("Point[x=5, y=6]");
  }

  private static Class<?> moduleClass(String module, String moduleInfo, String className)
      throws Exception {
    Path src = dir.resolve("src-" + module);
    String pkg = className.substring(0, className.lastIndexOf('.'));
    Path pkgDir = src.resolve(pkg.replace('.', '/'));
    Files.createDirectories(pkgDir);
    Files.writeString(src.resolve("module-info.java"), moduleInfo);
    Files.writeString(pkgDir.resolve("Point.java"), "package " + pkg + "; " + POINT);
    return load(module, compileModule(module, src), className);
  }

  private static Class<?> load(String module, Path classes, String className) throws Exception {
    ModuleLayer boot = ModuleLayer.boot();
    Configuration cf =
        boot.configuration().resolve(ModuleFinder.of(classes), ModuleFinder.of(), Set.of(module));
    ModuleLayer layer =
        boot.defineModulesWithOneLoader(cf, JsonBindModuleAccessTest.class.getClassLoader());
    return layer.findLoader(module).loadClass(className);
  }

  private static Path compileModule(String module, Path src) throws Exception {
    List<String> files = new ArrayList<>();
    try (var walk = Files.walk(src)) {
      walk.filter(p -> p.toString().endsWith(".java")).forEach(p -> files.add(p.toString()));
    }
    Path out = dir.resolve("classes-" + module);
    List<String> args = new ArrayList<>(List.of("-nowarn", "-d", out.toString()));
    // The qualified opens names io.github.kimisdk, which javac then looks for.
    args.addAll(List.of("--module-path", sdkLocation()));
    args.addAll(files);
    javac(args);
    return out;
  }

  private static Path compile(String name, Map<String, String> sources) throws Exception {
    Path src = dir.resolve("src-" + name);
    List<String> args =
        new ArrayList<>(List.of("-nowarn", "-d", dir.resolve("classes-" + name).toString()));
    for (Map.Entry<String, String> e : sources.entrySet()) {
      Path file = src.resolve(e.getKey());
      Files.createDirectories(file.getParent());
      Files.writeString(file, e.getValue());
      args.add(file.toString());
    }
    javac(args);
    return dir.resolve("classes-" + name);
  }

  private static String sdkLocation() throws Exception {
    return Path.of(Json.class.getProtectionDomain().getCodeSource().getLocation().toURI())
        .toString();
  }

  private static void javac(List<String> args) {
    StringWriter out = new StringWriter();
    int status;
    try (PrintWriter w = new PrintWriter(out)) {
      status =
          ToolProvider.findFirst("javac")
              .orElseThrow(() -> new AssertionError("the running JDK has no javac"))
              .run(w, w, args.toArray(String[]::new));
    }
    assertThat(status).as("javac %s%n%s", args, out).isZero();
  }
}
