package io.github.kimisdk.model;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class ModelIdsTest {

  @org.junit.jupiter.params.ParameterizedTest(name = "{0} -> \"{1}\"")
  @org.junit.jupiter.params.provider.CsvSource(
      delimiter = '|',
      value = {
        "kimi-k3.1-pro-highspeed | k3.1",
        "kimi-k3 | k3",
        "k3-256k | k3",
        "kimi-k2.7-code | k2.7",
        "moonshot-v1-8k | v1",
        "kimi-k2-0905-preview | k2",
        "my-fine-tune-2026 | 2026",
        "kimi-k3. | k3",
        "kimi-for-coding | ''",
      })
  void aFamilyIsTheVersionAnIdNames(String id, String family) {
    assertThat(ModelIds.family(id)).isEqualTo(family);
  }

  @Test
  void aSimilarIdIsOfTheSameFamilyAndCloseOrContinuesTheIdAskedFor() {
    ModelCatalog table = ModelCatalog.defaults();
    assertThat(table.similarIds("kimi-k2.6x", 3)).startsWith("kimi-k2.6");
    assertThat(table.similarIds("KIMI-K3", 1)).containsExactly("kimi-k3");
    assertThat(table.similarIds("kimi-k3.2-pro", 3)).as("another family: no guess").isEmpty();
    assertThat(table.similarIds("kimi-k3.1", 1)).containsExactly("kimi-k3.1-pro");
    assertThat(table.similarIds("kimi-k2.6x", 0)).isEmpty();
  }

  @Test
  void aWarningNamesARetirementOrTheNearestIdsAndNothingForACurrentModel() {
    ModelCatalog table = ModelCatalog.defaults();
    assertThat(table.warning("kimi-k2.6")).isEmpty();
    assertThat(table.warning("moonshot-v1-8k"))
        .hasValueSatisfying(
            w ->
                assertThat(w)
                    .startsWith("Model moonshot-v1-8k was retired on 2026-08-31")
                    .contains("use kimi-k2.6 instead"));
    assertThat(table.warning("kimi-k2.6x"))
        .hasValueSatisfying(
            w ->
                assertThat(w)
                    .contains("Model kimi-k2.6x is not in this client's model table")
                    .contains("did you mean kimi-k2.6?"));
    assertThat(table.warning("kimi-k9-pro"))
        .hasValueSatisfying(w -> assertThat(w).contains("the nearest it knows are "));
    ModelCatalog served =
        table.updated(
            List.of(
                new ListedModel("moonshot-v1-8k", "moonshot", 0, null, null, null, null, null)));
    assertThat(served.warning("moonshot-v1-8k")).as("a listed model is served").isEmpty();
  }
}
