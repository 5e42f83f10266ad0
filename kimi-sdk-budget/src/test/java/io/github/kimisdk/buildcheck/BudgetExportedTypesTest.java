package io.github.kimisdk.buildcheck;

import io.github.kimisdk.budget.Budget;
import java.util.List;

/**
 * kimi-sdk-budget's exported types grow only with a reason, as the core's and kimi-sdk-agents' do:
 * {@code api/exported-types.txt} lists every public type of the package the module exports, and
 * each is named in CHANGELOG.md.
 */
class BudgetExportedTypesTest extends ModuleExportedTypesContract {

  @Override
  String module() {
    return "kimi-sdk-budget";
  }

  @Override
  Class<?> anchor() {
    return Budget.class;
  }

  @Override
  List<String> mustExport() {
    return List.of("io.github.kimisdk.budget.Budget", "io.github.kimisdk.budget.BudgetStore");
  }
}
