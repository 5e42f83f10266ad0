package io.github.kimisdk.buildcheck;

import io.github.kimisdk.batch.BatchRun;
import java.util.List;

/**
 * kimi-sdk-batch's exported types grow only with a reason, as the core's and kimi-sdk-agents' do:
 * {@code api/exported-types.txt} lists every public type of the package the module exports, and
 * each is named in CHANGELOG.md.
 */
class BatchExportedTypesTest extends ModuleExportedTypesContract {

  @Override
  String module() {
    return "kimi-sdk-batch";
  }

  @Override
  Class<?> anchor() {
    return BatchRun.class;
  }

  @Override
  List<String> mustExport() {
    return List.of("io.github.kimisdk.batch.BatchRun", "io.github.kimisdk.batch.BatchProgress");
  }
}
