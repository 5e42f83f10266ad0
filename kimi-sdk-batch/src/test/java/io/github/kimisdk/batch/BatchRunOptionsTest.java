package io.github.kimisdk.batch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.kimisdk.chat.ChatRequest;
import io.github.kimisdk.platform.BatchResult;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** A batch run's options, rows and results: the defaults, and one case per rule they keep. */
class BatchRunOptionsTest {

  static final Path DIR = Path.of("state");

  @Test
  void theDefaultsAreConservativeAndSaySo() {
    BatchRun.Options o = BatchRun.Options.builder(DIR).build();
    assertThat(o.completionWindow()).isEqualTo("24h");
    assertThat(o.metadata()).isEmpty();
    assertThat(o.maxRowsPerBatch()).isEqualTo(10_000);
    assertThat(o.maxBytesPerBatch()).isEqualTo(50_000_000L);
    assertThat(o.pollInterval()).isEqualTo(Duration.ofMinutes(1));
    assertThat(o.deleteServerFiles()).isTrue();
    o.onProgress().accept(null); // a listener that does nothing
    assertThat(o.toString())
        .isEqualTo(
            "Options[stateDirectory=state, completionWindow=24h, maxRowsPerBatch=10000,"
                + " maxBytesPerBatch=50000000, pollInterval=PT1M, deleteServerFiles=true]");
  }

  static Map<String, String> pairs(int n) {
    Map<String, String> m = new HashMap<>();
    for (int i = 0; i < n; i++) {
      m.put("k" + i, "v");
    }
    return m;
  }

  static Stream<Arguments> refused() {
    return Stream.of(
        Arguments.of(
            (UnaryOperator<BatchRun.Options.Builder>) b -> b.completionWindow("1h"),
            "completionWindow must be from \"12h\" to \"7d\""),
        Arguments.of(
            (UnaryOperator<BatchRun.Options.Builder>) b -> b.completionWindow("8d"),
            "completionWindow must be from \"12h\" to \"7d\""),
        Arguments.of(
            (UnaryOperator<BatchRun.Options.Builder>) b -> b.metadata(pairs(15)),
            "metadata holds at most 14 pairs (Kimi takes 16 and the run names itself in 2);"
                + " remove 1"),
        Arguments.of(
            (UnaryOperator<BatchRun.Options.Builder>) b -> b.metadata(Map.of("kimi_sdk_run", "x")),
            "metadata keys kimi_sdk_run and kimi_sdk_part are the run's own"),
        Arguments.of(
            (UnaryOperator<BatchRun.Options.Builder>) b -> b.metadata(Map.of("k", "v".repeat(513))),
            "metadata values must be at most 512 characters"),
        Arguments.of(
            (UnaryOperator<BatchRun.Options.Builder>) b -> b.maxRowsPerBatch(0),
            "maxRowsPerBatch must be at least 1: 0"),
        Arguments.of(
            (UnaryOperator<BatchRun.Options.Builder>) b -> b.maxBytesPerBatch(100_000_001L),
            "maxBytesPerBatch must be from 1 to 100000000 (Kimi's 100 MB per file): 100000001"),
        Arguments.of(
            (UnaryOperator<BatchRun.Options.Builder>) b -> b.maxBytesPerBatch(0),
            "maxBytesPerBatch must be from 1 to 100000000"),
        Arguments.of(
            (UnaryOperator<BatchRun.Options.Builder>) b -> b.pollInterval(Duration.ofMillis(999)),
            "pollInterval must be at least 1 second"));
  }

  @ParameterizedTest
  @MethodSource("refused")
  void eachOptionOutsideKimisLimitsIsRefusedNamingItAndTheFix(
      UnaryOperator<BatchRun.Options.Builder> set, String message) {
    assertThatThrownBy(() -> set.apply(BatchRun.Options.builder(DIR)).build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining(message);
  }

  @Test
  void theLargestValuesKimiTakesAreTaken() {
    BatchRun.Options o =
        BatchRun.Options.builder(DIR)
            .completionWindow("7d")
            .metadata(pairs(14))
            .maxBytesPerBatch(BatchRun.Options.MAX_BYTES_PER_BATCH)
            .maxRowsPerBatch(Integer.MAX_VALUE)
            .pollInterval(Duration.ofSeconds(1))
            .deleteServerFiles(false)
            .build();
    assertThat(o.metadata()).hasSize(14);
    assertThat(o.deleteServerFiles()).isFalse();
  }

  @Test
  void aRowNeedsAnIdThatIsNotBlankAndARequest() {
    ChatRequest r = ChatRequest.of("kimi-k2.6", "hi");
    assertThat(BatchRun.Row.of("row-1", r)).isEqualTo(new BatchRun.Row("row-1", r));
    assertThatThrownBy(() -> BatchRun.Row.of(" ", r))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("customId must not be blank");
    assertThatThrownBy(() -> BatchRun.Row.of(null, r)).isInstanceOf(NullPointerException.class);
    assertThatThrownBy(() -> BatchRun.Row.of("x", null)).isInstanceOf(NullPointerException.class);
  }

  @Test
  void aResultHoldsExactlyOneOfItsCompletionAndItsError() {
    BatchResult.Error e = new BatchResult.Error(0, null, "no result");
    assertThat(new BatchRun.Result("a", 3, null, e).isSuccess()).isFalse();
    assertThat(new BatchRun.Result("a", 3, null, e).toString())
        .isEqualTo("Result[customId=a, index=3, error=Error[httpStatus=0, message=no result]]");
    assertThatThrownBy(() -> new BatchRun.Result("a", 3, null, null))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
