package io.github.kimisdk.batch.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.kimisdk.batch.internal.Part.Stage;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** A part's stages: what may follow what, and a move no stage allows refused. */
class PartTest {

  /** The table: each stage and the stages that may follow it. */
  static final Map<Stage, Set<Stage>> NEXT =
      Map.of(
          Stage.SPOOLED, EnumSet.of(Stage.UPLOADED, Stage.SKIPPED),
          Stage.UPLOADED, EnumSet.of(Stage.CREATING, Stage.SKIPPED),
          Stage.CREATING, EnumSet.of(Stage.CREATING, Stage.RUNNING, Stage.SKIPPED),
          Stage.RUNNING, EnumSet.of(Stage.CANCELLING, Stage.FINISHED),
          Stage.CANCELLING, EnumSet.of(Stage.FINISHED),
          Stage.FINISHED, EnumSet.of(Stage.DOWNLOADED),
          Stage.DOWNLOADED, EnumSet.of(Stage.CLEANED),
          Stage.CLEANED, EnumSet.noneOf(Stage.class),
          Stage.SKIPPED, EnumSet.noneOf(Stage.class));

  @Test
  void eachStageMayMoveExactlyToTheStagesOfTheTable() {
    assertThat(NEXT.keySet()).containsExactlyInAnyOrder(Stage.values());
    List<String> wrong = new ArrayList<>();
    for (Stage from : Stage.values()) {
      for (Stage to : Stage.values()) {
        if (from.mayMoveTo(to) != NEXT.get(from).contains(to)) {
          wrong.add(from + " -> " + to);
        }
      }
    }
    assertThat(wrong).isEmpty();
  }

  @Test
  void aNewPartIsSpooledAndMovesAlongTheTable() {
    Part p = new Part(3);
    assertThat(p.stage()).isEqualTo(Stage.SPOOLED);
    for (Stage s :
        List.of(
            Stage.UPLOADED,
            Stage.CREATING,
            Stage.CREATING,
            Stage.RUNNING,
            Stage.CANCELLING,
            Stage.FINISHED,
            Stage.DOWNLOADED,
            Stage.CLEANED)) {
      p.moveTo(s);
      assertThat(p.stage()).isEqualTo(s);
    }
  }

  @Test
  void aMoveTheStageCannotMakeIsRefusedAndTheStageKept() {
    Part p = new Part(3);
    p.moveTo(Stage.UPLOADED);
    assertThatThrownBy(() -> p.moveTo(Stage.FINISHED))
        .isInstanceOf(IllegalStateException.class)
        .hasMessage("Part 3 of the batch run cannot go from UPLOADED to FINISHED");
    assertThatThrownBy(() -> p.checkMove(Stage.SPOOLED)).isInstanceOf(IllegalStateException.class);
    assertThat(p.stage()).isEqualTo(Stage.UPLOADED);
    p.moveTo(Stage.SKIPPED);
    assertThatThrownBy(() -> p.moveTo(Stage.UPLOADED)).isInstanceOf(IllegalStateException.class);
    assertThat(p.stage()).isEqualTo(Stage.SKIPPED);
  }

  @Test
  void theStagesSayWhatTheRunDoesWithThePart() {
    Set<Stage> beforeCreation = EnumSet.noneOf(Stage.class);
    Set<Stage> running = EnumSet.noneOf(Stage.class);
    Set<Stage> downloaded = EnumSet.noneOf(Stage.class);
    Set<Stage> done = EnumSet.noneOf(Stage.class);
    for (Stage s : Stage.values()) {
      if (s.beforeCreation()) {
        beforeCreation.add(s);
      }
      if (s.running()) {
        running.add(s);
      }
      if (s.downloaded()) {
        downloaded.add(s);
      }
      if (s.done()) {
        done.add(s);
      }
    }
    assertThat(beforeCreation).containsExactly(Stage.SPOOLED, Stage.UPLOADED, Stage.CREATING);
    assertThat(running).containsExactly(Stage.RUNNING, Stage.CANCELLING);
    assertThat(downloaded).containsExactly(Stage.DOWNLOADED, Stage.CLEANED);
    assertThat(done).containsExactly(Stage.DOWNLOADED, Stage.CLEANED, Stage.SKIPPED);
  }
}
