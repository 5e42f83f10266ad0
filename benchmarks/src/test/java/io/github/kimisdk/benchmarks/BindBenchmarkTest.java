package io.github.kimisdk.benchmarks;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** The benchmark compares like with like: both libraries bind the fixture to the same record. */
class BindBenchmarkTest {

  @Test
  void bothLibrariesBindTheFixtureToEqualRecords() throws Exception {
    BindBenchmark b = new BindBenchmark();
    b.setUp();
    BindBenchmark.Forecast ours = b.bindKimiSdk();
    assertThat(ours.days()).hasSize(7);
    assertThat(ours.days().get(0).hourly()).hasSize(8);
    assertThat(ours.generatedBy().tokens()).isEqualTo(812);
    assertThat(b.bindJackson()).isEqualTo(ours);
    assertThat(b.readValueJackson()).isEqualTo(ours);
    assertThat(b.decodeAndBindKimiSdk()).isEqualTo(ours);
    assertThat(b.decodeJackson().size()).isEqualTo(b.decodeKimiSdk().asObject().size());
  }
}
