package io.github.kimisdk.agents;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.kimisdk.KimiClient;
import io.github.kimisdk.testing.FakeKimiExtension;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Base64;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * Sealed by default: an agent with a store is refused without a key unless it opts out by name; a
 * key is made, kept in a file only its owner reads, and read from the environment or a file with
 * errors that name where it was looked for, never what it holds.
 */
@ExtendWith(FakeKimiExtension.class)
class RunKeyTest {
  static final String SECRET = Base64.getEncoder().encodeToString(new byte[32]);

  @TempDir Path dir;

  @Test
  void anAgentWithAStoreAndNoKeyIsRefusedNamingTheKeyAndHowToMakeOne(KimiClient kimi) {
    Agent.Builder durable =
        Agent.builder(kimi, "kimi-k3").store(FileRunStore.of(dir)).name("payments", "1");
    assertThatThrownBy(durable::build)
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("needs a RunKey")
        .hasMessageContaining("java -jar kimi-sdk-agents-VERSION.jar key --out FILE")
        .hasMessageContaining("RunKey.fromEnv(\"KIMI_AGENT_KEY\")")
        .hasMessageContaining(".unsealed()");
    // the key, or the opt-out by name; not both
    assertThat(durable.key(RunKey.generate()).build().store()).isPresent();
    assertThatThrownBy(() -> durable.unsealed().build())
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("choose one");
    assertThat(Agent.builder(kimi, "kimi-k3").store(RunStore.inMemory()).unsealed().build().store())
        .isPresent();
    // a run in memory needs none
    assertThat(Agent.builder(kimi, "kimi-k3").build().store()).isEmpty();
  }

  @Test
  void aKeyFromTheEnvironmentNamesTheVariableWhenItIsUnsetOrMalformedNeverItsValue() {
    assertThatThrownBy(() -> RunKey.fromEnv("KIMI_AGENT_KEY", Map.of()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("the environment variable KIMI_AGENT_KEY is not set")
        .hasMessageContaining("key");
    assertThatThrownBy(() -> RunKey.fromEnv("KIMI_AGENT_KEY", Map.of("KIMI_AGENT_KEY", "  ")))
        .hasMessageContaining("KIMI_AGENT_KEY is blank");
    assertThatThrownBy(() -> RunKey.fromEnv("KIMI_AGENT_KEY", Map.of("KIMI_AGENT_KEY", "s3cr3t!*")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("KIMI_AGENT_KEY does not hold a run key")
        .hasMessageNotContaining("s3cr3t");
    String shortKey = Base64.getEncoder().encodeToString(new byte[8]);
    assertThatThrownBy(() -> RunKey.fromEnv("K", Map.of("K", shortKey)))
        .hasMessageContaining("at least 16 bytes")
        .hasMessageNotContaining(shortKey);
    assertThat(RunKey.fromEnv("K", Map.of("K", SECRET + "\n")).sign("x"))
        .isEqualTo(RunKey.of(new byte[32]).sign("x"));
    assertThatThrownBy(() -> RunKey.fromEnv("KIMI_AGENT_KEY_NOT_SET_IN_ANY_TEST"))
        .hasMessageContaining("KIMI_AGENT_KEY_NOT_SET_IN_ANY_TEST is not set");
  }

  @Test
  void aKeyFileIsWrittenForItsOwnerAloneNeverOverwrittenAndReadBack() throws Exception {
    Path file = dir.resolve("secrets").resolve("agent.key");
    RunKey made = RunKey.createFile(file);
    assertThat(RunKey.fromFile(file).sign("x")).isEqualTo(made.sign("x"));
    if (file.getFileSystem().supportedFileAttributeViews().contains("posix")) {
      assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file)))
          .isEqualTo("rw-------");
    }
    assertThat(Base64.getDecoder().decode(Files.readString(file).trim())).hasSize(32);
    assertThatThrownBy(() -> RunKey.createFile(file))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("never overwritten");
    assertThat(RunKey.fromFile(file).sign("x")).isEqualTo(made.sign("x"));

    Path missing = dir.resolve("none.key");
    assertThatThrownBy(() -> RunKey.fromFile(missing))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("there is no key file at " + missing)
        .hasMessageContaining("key --out " + missing);
    Path bad = dir.resolve("bad.key");
    Files.writeString(bad, "not a key at all!", StandardCharsets.UTF_8);
    assertThatThrownBy(() -> RunKey.fromFile(bad))
        .hasMessageContaining("the key file " + bad + " does not hold a run key")
        .hasMessageNotContaining("not a key at all");
  }

  @Test
  void generatedKeysDifferAndNoKeyIsEverPrinted() {
    RunKey a = RunKey.generate();
    RunKey b = RunKey.generate();
    assertThat(a.sign("x")).isNotEqualTo(b.sign("x"));
    assertThat(a.toString()).isEqualTo("RunKey[1 key, redacted]");
    assertThat(RunKey.rotating(a, b).toString()).doesNotContain(a.sign("x"));
  }
}
