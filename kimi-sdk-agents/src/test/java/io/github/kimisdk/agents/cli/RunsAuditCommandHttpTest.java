package io.github.kimisdk.agents.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.kimisdk.KimiClient;
import io.github.kimisdk.agents.Agent;
import io.github.kimisdk.agents.AgentTool;
import io.github.kimisdk.agents.Approval;
import io.github.kimisdk.agents.BankTools;
import io.github.kimisdk.agents.Decision;
import io.github.kimisdk.agents.FileRunStore;
import io.github.kimisdk.agents.PendingCall;
import io.github.kimisdk.agents.RunKey;
import io.github.kimisdk.agents.RunResult;
import io.github.kimisdk.chat.Message;
import io.github.kimisdk.json.Json;
import io.github.kimisdk.json.JsonObject;
import io.github.kimisdk.json.JsonValue;
import io.github.kimisdk.testing.FakeKimiExtension;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.spi.ToolProvider;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code runs show}, {@code runs audit} and {@code key} on a real run of a file store: the run's
 * decision record printed, in text and JSON; verified under the key the docs make, and an edit of
 * the record found (exit status 3); a new key made; and the agents jar run with {@code java -jar}
 * without kimi-sdk's jar beside it, which says what is missing (exit status 4).
 */
@ExtendWith(FakeKimiExtension.class)
class RunsAuditCommandHttpTest {
  @TempDir Path dir;

  record Run(int status, String out, String err) {
    JsonObject json() {
      return Json.parse(out).asObject();
    }
  }

  Run run(Map<String, String> env, String... args) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int status =
        Main.run(
            args,
            env,
            Clock.systemUTC(),
            new PrintStream(out, true, StandardCharsets.UTF_8),
            new PrintStream(err, true, StandardCharsets.UTF_8));
    return new Run(
        status, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
  }

  /** {@code runs audit inv-7} of the store {@code spec} under the key in {@code keyFile}. */
  Run auditInv7(Path keyFile, String spec, String... more) {
    List<String> args =
        new ArrayList<>(
            List.of("runs", "audit", "inv-7", "--key-file", keyFile.toString(), "--store", spec));
    args.addAll(List.of(more));
    return run(Map.of(), args.toArray(String[]::new));
  }

  /** A run paused on a transfer under two approvers, approved by both; the key in a file. */
  Path approvedRun(KimiClient kimi) {
    Path keyFile = dir.resolve("agent.key");
    assertThat(run(Map.of(), "key", "--out", keyFile.toString()).status()).isZero();
    AgentTool transfer =
        BankTools.transfer("Moves money", (args, ctx) -> "transferred")
            .approval(Approval.always().approvers(2));
    Agent agent =
        Agent.builder(kimi, "kimi-k3")
            .name("payments", "1")
            .tool(transfer)
            .store(FileRunStore.of(dir.resolve("runs")))
            .key(RunKey.fromFile(keyFile))
            .build();
    RunResult r = agent.run("inv-7", List.of(Message.user("transfer to=acct-7 amount=120")));
    PendingCall call = ((RunResult.Paused) r).pending().get(0);
    agent.resume("inv-7", List.of(Decision.approve(call).by("alice", "invoice checked")));
    agent.resume("inv-7", List.of(Decision.approve(call).by("bob", "second look")));
    return keyFile;
  }

  @Test
  void showPrintsTheRunsDecisionRecordAsTheStoreHoldsItAndAuditVerifiesIt(KimiClient kimi)
      throws Exception {
    Path keyFile = approvedRun(kimi);
    String spec = "file:" + dir.resolve("runs");

    Run show = run(Map.of(), "runs", "show", "inv-7", "--store", spec);
    assertThat(show.status()).as(show.err()).isZero();
    assertThat(show.out())
        .startsWith("Run inv-7: answered, agent payments@1 (definition ")
        .contains("Decisions (2):")
        .containsPattern(
            "1 +\\S+Z +approve +alice +inv-7:1:0 +transfer +always \\(2 approvers\\) +invoice checked")
        .containsPattern(
            "2 +\\S+Z +approve +bob +inv-7:1:0 +transfer +always \\(2 approvers\\) +second look")
        .contains("Not verified: runs audit inv-7 --key-env VAR");

    Run audit = auditInv7(keyFile, spec);
    assertThat(audit.status()).as(audit.out() + audit.err()).isEqualTo(Main.DONE);
    assertThat(audit.out())
        .startsWith(
            "Run inv-7: verified under the key: 2 decision records, each chained to the one"
                + " before, and the state's MAC.")
        .contains("alice", "bob");
    String text = Files.readString(keyFile).trim();
    JsonObject json =
        run(
                Map.of("KIMI_AGENT_KEY", text),
                "runs",
                "audit",
                "inv-7",
                "--key-env",
                "KIMI_AGENT_KEY",
                "--store",
                spec,
                "--json")
            .json();
    assertThat(json.get("verified").asBoolean()).isTrue();
    assertThat(json.get("status").asString()).isEqualTo("answered");
    assertThat(json.get("agent_version").asString()).isEqualTo("1");
    List<JsonValue> decisions = json.get("decisions").asArray().values();
    assertThat(decisions).hasSize(2);
    assertThat(decisions.get(0).get("by").asString()).isEqualTo("alice");
    assertThat(decisions.get(0).get("comment").asString()).isEqualTo("invoice checked");
    assertThat(decisions.get(1).get("seq").asLong()).isEqualTo(2);
    assertThat(json.toString()).doesNotContain(text);

    // bob's comment edited in the store: found, named, exit status 3
    Path state = dir.resolve("runs").resolve("inv-7").resolve("state.rec");
    Files.writeString(state, Files.readString(state).replace("second look", "never looked"));
    Run tampered = auditInv7(keyFile, spec);
    assertThat(tampered.status()).isEqualTo(Main.TAMPERED);
    assertThat(tampered.out())
        .startsWith(
            "Run inv-7: TAMPERED: the saved state of run inv-7 was edited: its decision record #2 (inv-7:1:0 approve by bob) does not match its MAC")
        .contains("As the store holds it (not to be trusted):", "never looked");
    JsonObject tj = auditInv7(keyFile, spec, "--json").json();
    assertThat(tj.get("verified").asBoolean()).isFalse();
    assertThat(tj.get("error").asString()).contains("decision record #2");
    // under another key: not verified either
    Path other = dir.resolve("other.key");
    run(Map.of(), "key", "--out", other.toString());
    Files.writeString(state, Files.readString(state).replace("never looked", "second look"));
    assertThat(auditInv7(keyFile, spec).status()).isEqualTo(Main.DONE);
    assertThat(auditInv7(other, spec).status()).isEqualTo(Main.TAMPERED);
    assertThat(run(Map.of(), "runs", "show", "nope", "--store", spec).status())
        .isEqualTo(Main.REFUSED);
    assertThat(run(Map.of(), "runs", "audit", "inv-7", "--key-env", "UNSET", "--store", spec).err())
        .isEqualTo("kimi-sdk-agents: --key-env names UNSET, which is not set\n");
  }

  @Test
  void keyPrintsANewKeyOrWritesItForItsOwnerAloneAndNeverOverAFile() throws Exception {
    Run printed = run(Map.of(), "key");
    assertThat(printed.status()).isZero();
    assertThat(Base64.getDecoder().decode(printed.out().trim())).hasSize(32);
    assertThat(run(Map.of(), "key").out()).isNotEqualTo(printed.out());

    Path file = dir.resolve("k").resolve("agent.key");
    Run written = run(Map.of(), "key", "--out", file.toString());
    assertThat(written.status()).isZero();
    assertThat(written.out())
        .startsWith("Wrote a new run key to " + file + ", readable by its owner alone");
    assertThat(written.out()).doesNotContain(Files.readString(file).trim());
    if (file.getFileSystem().supportedFileAttributeViews().contains("posix")) {
      assertThat(
              java.nio.file.attribute.PosixFilePermissions.toString(
                  Files.getPosixFilePermissions(file)))
          .isEqualTo("rw-------");
    }
    Run again = run(Map.of(), "key", "--out", file.toString());
    assertThat(again.status()).isEqualTo(Main.REFUSED);
    assertThat(again.err()).contains("never overwritten");
  }

  @Test
  @Tag("multiprocess") // it starts the agents jar with java -jar: mvn -B -P slow verify
  void theJarStartedWithoutKimiSdksJarSaysWhatIsMissingAndExitsFour() throws Exception {
    Path classes = Path.of(System.getProperty("kimisdk.buildDirectory", "target"), "classes");
    Path manifest = dir.resolve("MANIFEST.MF");
    Files.writeString(
        manifest,
        "Main-Class: io.github.kimisdk.agents.cli.Main\nClass-Path: kimi-sdk-0.1.0.jar\n");
    Path jar = dir.resolve("kimi-sdk-agents-0.1.0.jar");
    ToolProvider tool = ToolProvider.findFirst("jar").orElseThrow();
    int made =
        tool.run(
            System.out,
            System.err,
            "--create",
            "--file",
            jar.toString(),
            "--manifest",
            manifest.toString(),
            "-C",
            classes.toString(),
            "io/github/kimisdk/agents");
    assertThat(made).isZero();

    Process p =
        new ProcessBuilder(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-jar",
                jar.toString(),
                "runs",
                "list",
                "--store",
                "file:" + dir.resolve("runs"))
            .redirectErrorStream(true)
            .start();
    p.getOutputStream().close();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor(60, TimeUnit.SECONDS)).as(out).isTrue();
    assertThat(p.exitValue()).as(out).isEqualTo(Main.CLASS_PATH);
    assertThat(out)
        .startsWith("kimi-sdk-agents: kimi-sdk's jar is not on the class path")
        .contains("put kimi-sdk-VERSION.jar beside kimi-sdk-agents-VERSION.jar")
        .doesNotContain("NoClassDefFoundError")
        .doesNotContain("Exception");

    // with kimi-sdk beside it (here: on the class path), the same jar runs
    List<String> line = new ArrayList<>();
    line.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    line.add("-cp");
    line.add(jar + java.io.File.pathSeparator + System.getProperty("java.class.path"));
    line.add("io.github.kimisdk.agents.cli.Main");
    line.add("key");
    Process ok = new ProcessBuilder(line).redirectErrorStream(true).start();
    ok.getOutputStream().close();
    String key = new String(ok.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(ok.waitFor(60, TimeUnit.SECONDS)).as(key).isTrue();
    assertThat(ok.exitValue()).as(key).isZero();
    assertThat(Base64.getDecoder().decode(key.trim())).hasSize(32);
  }
}
