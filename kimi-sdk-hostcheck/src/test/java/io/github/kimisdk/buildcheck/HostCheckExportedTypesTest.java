package io.github.kimisdk.buildcheck;

import io.github.kimisdk.hostcheck.HostCheck;
import java.util.List;

/**
 * kimi-sdk-hostcheck's exported types grow only with a reason, as the core's do: {@code
 * api/exported-types.txt} lists every public type of the package the module exports, and each is
 * named in CHANGELOG.md.
 */
class HostCheckExportedTypesTest extends ModuleExportedTypesContract {

  @Override
  String module() {
    return "kimi-sdk-hostcheck";
  }

  @Override
  Class<?> anchor() {
    return HostCheck.class;
  }

  @Override
  List<String> mustExport() {
    return List.of(
        "io.github.kimisdk.hostcheck.HostCheck", "io.github.kimisdk.hostcheck.TargetReport");
  }
}
