package io.github.kimisdk.batch.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.kimisdk.batch.internal.Part.Stage;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The run's journal: what it keeps, and what it makes of a file a crash cut short. */
class RunJournalTest {

  @TempDir Path dir;

  Path journal() {
    return dir.resolve(RunJournal.JOURNAL);
  }

  /** A journal with a spool of two parts, the first created. */
  String written() {
    String id;
    try (RunJournal j = RunJournal.open(dir, 1_700_000_000L)) {
      id = j.runId();
      Part a = new Part(0);
      a.rows = 3;
      a.bytes = 300;
      Part b = new Part(1);
      b.rows = 1;
      b.bytes = 100;
      j.spooled(List.of(a, b), 5, 1);
      j.uploaded(a, "file-a");
      j.creating(a, 1_700_000_010L);
      j.created(a, "batch-a");
    }
    return id;
  }

  @Test
  void aJournalOpenedAgainHoldsEveryStepItRecorded() {
    String id = written();
    try (RunJournal j = RunJournal.open(dir, 0)) {
      assertThat(j.resumed()).isTrue();
      assertThat(j.runId()).isEqualTo(id);
      assertThat(j.createdAt()).isEqualTo(1_700_000_000L);
      assertThat(j.spooled()).isTrue();
      assertThat(j.rows()).isEqualTo(5);
      assertThat(j.refused()).isEqualTo(1);
      Part a = j.parts().get(0);
      assertThat(a.rows).isEqualTo(3);
      assertThat(a.fileId).isEqualTo("file-a");
      assertThat(a.batchId).isEqualTo("batch-a");
      assertThat(a.stage()).isEqualTo(Stage.RUNNING);
      assertThat(j.parts().get(1).fileId).isNull();
      assertThat(j.parts().get(1).stage()).isEqualTo(Stage.SPOOLED);
    }
  }

  @Test
  void aStepItsPartsStageCannotTakeIsRefusedBeforeItIsWritten() throws IOException {
    written();
    long size = Files.size(journal());
    try (RunJournal j = RunJournal.open(dir, 0)) {
      Part a = j.parts().get(0);
      assertThatThrownBy(() -> j.uploaded(a, "file-again"))
          .isInstanceOf(IllegalStateException.class)
          .hasMessage("Part 0 of the batch run cannot go from RUNNING to UPLOADED");
      assertThatThrownBy(() -> j.downloaded(j.parts().get(1)))
          .isInstanceOf(IllegalStateException.class)
          .hasMessage("Part 1 of the batch run cannot go from SPOOLED to DOWNLOADED");
      assertThat(a.fileId).isEqualTo("file-a");
    }
    assertThat(Files.size(journal())).isEqualTo(size);
  }

  @Test
  void aJournalWhoseEventsMakeAMoveNoStageAllowsIsDamaged() throws IOException {
    written();
    Files.writeString(
        journal(), "{\"event\":\"downloaded\",\"part\":1}\n", StandardOpenOption.APPEND);
    Files.writeString(journal(), "{\"event\":\"cancel\"}\n", StandardOpenOption.APPEND);
    assertThatThrownBy(() -> RunJournal.open(dir, 0))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining(
            "is damaged at line 8 (Part 1 of the batch run cannot go from SPOOLED to"
                + " DOWNLOADED); it cannot be resumed");
  }

  @Test
  void aCreateIntendedAgainAfterAFailedOneKeepsThePartCreating() {
    written();
    try (RunJournal j = RunJournal.open(dir, 0)) {
      Part b = j.parts().get(1);
      j.uploaded(b, "file-b");
      j.creating(b, 1_700_000_020L);
      j.creating(b, 1_700_000_030L);
    }
    try (RunJournal j = RunJournal.open(dir, 0)) {
      assertThat(j.parts().get(1).stage()).isEqualTo(Stage.CREATING);
    }
  }

  @Test
  void aLastLineCutShortIsDroppedAndTheFileTruncatedBeforeIt() throws IOException {
    written();
    long good = Files.size(journal());
    Files.writeString(
        journal(), "{\"event\":\"uploaded\",\"part\":1,\"fi", StandardOpenOption.APPEND);
    try (RunJournal j = RunJournal.open(dir, 0)) {
      assertThat(j.parts().get(1).fileId).isNull();
      assertThat(Files.size(journal())).isEqualTo(good);
      j.uploaded(j.parts().get(1), "file-b");
    }
    try (RunJournal j = RunJournal.open(dir, 0)) {
      assertThat(j.parts().get(1).fileId).isEqualTo("file-b");
    }
  }

  @Test
  void aLastLineThatIsNotJsonIsDroppedToo() throws IOException {
    written();
    Files.writeString(journal(), "{\"event\":\n", StandardOpenOption.APPEND);
    try (RunJournal j = RunJournal.open(dir, 0)) {
      assertThat(j.parts()).hasSize(2);
    }
  }

  @Test
  void aDamagedLineBeforeTheLastIsRefused() throws IOException {
    written();
    List<String> lines = Files.readAllLines(journal(), StandardCharsets.UTF_8);
    lines.set(2, "{garbage");
    Files.write(journal(), lines, StandardCharsets.UTF_8);
    assertThatThrownBy(() -> RunJournal.open(dir, 0))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("is damaged at line 3; it cannot be resumed");
  }

  @Test
  void partsWrittenWithoutTheSpoolThatCommitsThemAreNotTheRuns() throws IOException {
    try (RunJournal j = RunJournal.open(dir, 1)) {
      j.cancel();
    }
    Files.writeString(
        journal(),
        "{\"event\":\"part\",\"part\":0,\"rows\":2,\"bytes\":9}\n",
        StandardOpenOption.APPEND);
    try (RunJournal j = RunJournal.open(dir, 0)) {
      assertThat(j.spooled()).isFalse();
      assertThat(j.parts()).isEmpty();
      assertThat(j.cancelled()).isTrue();
      j.restartSpool();
    }
    assertThat(Files.readAllLines(journal())).hasSize(2).last().isEqualTo("{\"event\":\"cancel\"}");
  }

  @Test
  void aDirectoryHoldingAnotherFilesJournalIsRefused() throws IOException {
    Files.writeString(journal(), "{\"format\":\"something-else\",\"version\":1}\n");
    assertThatThrownBy(() -> RunJournal.open(dir, 0))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("is not a batch run's");
  }

  @Test
  void aJournalOfALaterVersionIsRefused() throws IOException {
    Files.writeString(
        journal(), "{\"format\":\"kimi-sdk.batch-run\",\"version\":2,\"run\":\"r\"}\n");
    assertThatThrownBy(() -> RunJournal.open(dir, 0))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("is of version 2, which this version of the SDK does not read");
  }

  @Test
  void anOpenJournalHoldsItsDirectoryUntilClosed() {
    try (RunJournal j = RunJournal.open(dir, 0)) {
      assertThat(j.resumed()).isFalse();
      assertThatThrownBy(() -> RunJournal.open(dir, 0))
          .isInstanceOf(IllegalStateException.class)
          .hasMessageContaining("is in use by another open run");
    }
    RunJournal.open(dir, 0).close();
  }

  /** The golden journal ({@code formats/batch-run-v1-journal.jsonl}): version 1, read forever. */
  @Test
  void theVersion1JournalOfTheGoldenFilesIsReadAsItWasWritten() throws Exception {
    Path golden =
        Path.of(RunJournalTest.class.getResource("/formats/batch-run-v1-journal.jsonl").toURI());
    Files.copy(golden, journal());
    try (RunJournal j = RunJournal.open(dir, 0)) {
      assertThat(j.runId()).isEqualTo("f4e9e37b-ea31-42be-a90a-a4e6fcf741f7");
      assertThat(j.createdAt()).isEqualTo(1764115200L);
      assertThat(j.rows()).isEqualTo(7);
      assertThat(j.refused()).isEqualTo(1);
      assertThat(j.cancelled()).isTrue();
      assertThat(j.parts()).hasSize(3);
      Part a = j.parts().get(0);
      assertThat(a.rows).isEqualTo(3);
      assertThat(a.bytes).isEqualTo(612);
      assertThat(a.fileId).isEqualTo("cs00000000000000000001");
      assertThat(a.batchId).isEqualTo("batch_0000000000000001");
      assertThat(a.stage()).isEqualTo(Stage.CLEANED);
      assertThat(a.status).isEqualTo("completed");
      assertThat(a.outputFileId).isEqualTo("cs00000000000000000004");
      assertThat(a.errorFileId).isEqualTo("cs00000000000000000005");
      assertThat(List.of(a.total, a.completed, a.failed)).containsExactly(3L, 2L, 1L);
      Part b = j.parts().get(1);
      assertThat(b.status).isEqualTo("cancelled");
      assertThat(b.outputFileId).isNull();
      assertThat(b.stage()).isEqualTo(Stage.DOWNLOADED);
      Part c = j.parts().get(2);
      assertThat(c.stage()).isEqualTo(Stage.SKIPPED);
      assertThat(c.fileId).isNull();
    }
  }
}
