package io.github.kimisdk.examples;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ApprovalRunTest {

  @Test
  void theRunPausesIsSavedAndASecondProgramApprovesTheTransferOnce() {
    Set<Path> before = ExamplesTemp.made("kimi-runs-");
    Captured c = new Captured();
    assertThat(ApprovalRun.run(new String[0], Map.of(), c.out)).isZero();
    assertThat(ExamplesTemp.made("kimi-runs-")).as("its runs and key are gone").isSubsetOf(before);
    assertThat(c.text())
        .contains("[approval] the run waits for a person:")
        .contains("transfer {\"to\":\"acct-7\",\"amount\":120} (this tool needs approval)")
        .contains("[saved] run invoice-42, revision ")
        .contains("[loaded] run invoice-42, PAUSED")
        .contains("[answer] ")
        .contains("[ledger] [120 EUR to acct-7]")
        .containsPattern(
            "\\[record\\] #1 APPROVE of invoice-42:1:0 by alice@example.com at \\S+Z: invoice 42"
                + " checked");
  }

  @Test
  void asTwoProgramsOnADirectoryARejectionDoesNoTransfer(@TempDir Path dir) throws Exception {
    Captured first = new Captured();
    assertThat(ApprovalRun.run(new String[] {"start", dir.toString()}, Map.of(), first.out))
        .isZero();
    assertThat(Files.exists(dir.resolve("runs/invoice-42/state.rec"))).isTrue();
    assertThat(Files.readString(dir.resolve("runs/invoice-42/state.rec"))).contains("\"mac\"");
    if (dir.getFileSystem().supportedFileAttributeViews().contains("posix")) {
      assertThat(
              java.nio.file.attribute.PosixFilePermissions.toString(
                  Files.getPosixFilePermissions(dir.resolve("agent.key"))))
          .isEqualTo("rw-------");
    }
    Captured second = new Captured();
    assertThat(ApprovalRun.run(new String[] {"reject", dir.toString()}, Map.of(), second.out))
        .isZero();
    assertThat(second.text())
        .contains("[approval] rejected: transfer")
        .contains("the invoice is disputed")
        .contains("[ledger] []")
        .contains("[record] #1 REJECT of invoice-42:1:0 by alice@example.com");
  }
}
