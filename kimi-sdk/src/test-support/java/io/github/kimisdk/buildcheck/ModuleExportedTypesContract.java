package io.github.kimisdk.buildcheck;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * A module's exported types grow only with a reason, as the core's do: {@code
 * <module>/api/exported-types.txt} lists every public type of the packages it exports, and each
 * top-level one is named in CHANGELOG.md. A module's test extends this with its module, one of its
 * types and two types it must export.
 */
abstract class ModuleExportedTypesContract {

  /** {@return the module's directory, as {@code kimi-sdk-budget}} */
  abstract String module();

  /** {@return a type of the module, by which its classes are found} */
  abstract Class<?> anchor();

  /** {@return types the module must export: that the classes found are the module's} */
  abstract List<String> mustExport();

  final Path classes() throws Exception {
    return Path.of(anchor().getProtectionDomain().getCodeSource().getLocation().toURI());
  }

  @Test
  void theExportedTypesAreTheCommittedList() throws Exception {
    Path classes = classes();
    String list = module() + "/api/exported-types.txt";
    assertThat(ClassFiles.exportedTypes(classes)).containsAll(mustExport());
    ExportedTypes.assertListed(classes, Compat.rootOf(classes).resolve(list), list);
  }

  @Test
  void everyTopLevelExportedTypeIsNamedInTheChangelog() throws Exception {
    assertThat(ExportedTypes.unnamedTopLevel(classes()))
        .as("%s's exported types CHANGELOG.md does not name in a code span", module())
        .isEmpty();
  }
}
