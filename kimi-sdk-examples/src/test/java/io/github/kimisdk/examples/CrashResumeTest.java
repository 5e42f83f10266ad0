package io.github.kimisdk.examples;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class CrashResumeTest {

  @Test
  void theTransferBegunBeforeTheCrashIsDoneOnceAndTheRunAnswers() {
    Set<Path> before = ExamplesTemp.made("kimi-crash-");
    Captured c = new Captured();
    assertThat(CrashResume.run(new String[0], Map.of(), c.out)).isZero();
    assertThat(ExamplesTemp.made("kimi-crash-")).as("its runs and key are gone").isSubsetOf(before);
    assertThat(c.text())
        .contains("[effect] transferred 100 EUR to acct-1 under key kimi-")
        .contains("[crash] the run stopped: Failed")
        .contains("[resume] transfer was begun, not finished: run again with the same key")
        .contains("already done under this key")
        .contains(
            "[ledger] 3 transfers: [100 EUR to acct-1, 200 EUR to acct-2, 300 EUR to acct-3]");
  }
}
