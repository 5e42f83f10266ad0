package io.github.kimisdk.buildcheck;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.kimisdk.budget.Budget;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/**
 * kimi-sdk-budget's exported types grow only with a reason, as the core's and kimi-sdk-agents' do:
 * {@value #LIST} lists every public type of the package the module exports, and each is named in
 * CHANGELOG.md.
 */
class BudgetExportedTypesTest {

  static final String LIST = "kimi-sdk-budget/api/exported-types.txt";

  static Path budgetLocation() throws Exception {
    return Path.of(Budget.class.getProtectionDomain().getCodeSource().getLocation().toURI());
  }

  @Test
  void theExportedTypesAreTheCommittedList() throws Exception {
    Path budget = budgetLocation();
    assertThat(ClassFiles.exportedTypes(budget))
        .contains("io.github.kimisdk.budget.Budget", "io.github.kimisdk.budget.BudgetStore");
    ExportedTypes.assertListed(budget, Compat.rootOf(budget).resolve(LIST), LIST);
  }

  @Test
  void everyTopLevelExportedTypeIsNamedInTheChangelog() throws Exception {
    assertThat(ExportedTypes.unnamedTopLevel(budgetLocation()))
        .as("kimi-sdk-budget's exported types CHANGELOG.md does not name in a code span")
        .isEmpty();
  }
}
