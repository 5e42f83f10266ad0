package io.github.kimisdk.buildcheck;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.kimisdk.batch.BatchRun;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/**
 * kimi-sdk-batch's exported types grow only with a reason, as the core's and kimi-sdk-agents' do:
 * {@value #LIST} lists every public type of the package the module exports, and each is named in
 * CHANGELOG.md.
 */
class BatchExportedTypesTest {

  static final String LIST = "kimi-sdk-batch/api/exported-types.txt";

  static Path batchLocation() throws Exception {
    return Path.of(BatchRun.class.getProtectionDomain().getCodeSource().getLocation().toURI());
  }

  @Test
  void theExportedTypesAreTheCommittedList() throws Exception {
    Path batch = batchLocation();
    assertThat(ClassFiles.exportedTypes(batch))
        .contains("io.github.kimisdk.batch.BatchRun", "io.github.kimisdk.batch.BatchProgress");
    ExportedTypes.assertListed(batch, Compat.rootOf(batch).resolve(LIST), LIST);
  }

  @Test
  void everyTopLevelExportedTypeIsNamedInTheChangelog() throws Exception {
    assertThat(ExportedTypes.unnamedTopLevel(batchLocation()))
        .as("kimi-sdk-batch's exported types CHANGELOG.md does not name in a code span")
        .isEmpty();
  }
}
