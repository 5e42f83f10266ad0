package io.github.kimisdk.hostcheck;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.kimisdk.hostcheck.VerifyCommand.Options;
import io.github.kimisdk.hostcheck.VerifyCommand.UsageException;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The command line of {@code java -jar kimi-sdk.jar verify}, read in process: one case per rule.
 * The check it runs against a host is {@code VerifyCommandHttpTest}'s.
 */
class VerifyCommandTest {

  private static final Duration SIXTY = Duration.ofSeconds(60);

  static Stream<Arguments> goodCommandLines() {
    return Stream.of(
        Arguments.of(
            new String[] {
              "verify",
              "--host",
              "vllm",
              "--base-url",
              "http://127.0.0.1:8000/v1",
              "--model",
              "kimi-k3"
            },
            new Options("vllm", "http://127.0.0.1:8000/v1", "kimi-k3", null, null, SIXTY, false)),
        Arguments.of(
            new String[] {
              "verify",
              "--host=sglang",
              "--base-url=http://127.0.0.1:30000/v1",
              "--model=kimi-k3",
              "--model-id=kimi-k3-fp8",
              "--api-key-env=SGLANG_KEY",
              "--timeout=5"
            },
            new Options(
                "sglang",
                "http://127.0.0.1:30000/v1",
                "kimi-k3",
                "kimi-k3-fp8",
                "SGLANG_KEY",
                Duration.ofSeconds(5),
                false)),
        Arguments.of(
            new String[] {"verify", "--help"},
            new Options(null, null, null, null, null, SIXTY, true)),
        Arguments.of(
            new String[] {"--help"}, new Options(null, null, null, null, null, SIXTY, true)));
  }

  @ParameterizedTest
  @MethodSource("goodCommandLines")
  void readsAGoodCommandLine(String[] args, Options expected) throws Exception {
    assertThat(VerifyCommand.parse(args)).isEqualTo(expected);
  }

  static Stream<Arguments> badCommandLines() {
    return Stream.of(
        Arguments.of(new String[] {}, "name a command: verify"),
        Arguments.of(new String[] {"check"}, "unknown command: check"),
        Arguments.of(new String[] {"verify", "--model", "kimi-k3"}, "--host names the host"),
        Arguments.of(new String[] {"verify", "--host", "vllm"}, "--model names the model"),
        Arguments.of(new String[] {"verify", "--host"}, "--host needs a value"),
        Arguments.of(new String[] {"verify", "--host="}, "--host needs a value"),
        Arguments.of(
            new String[] {"verify", "--host", "moonshot", "--model", "kimi-k3", "--timeout", "0"},
            "--timeout takes a whole number of seconds from 1: 0"),
        Arguments.of(new String[] {"verify", "--verbose"}, "unknown argument: --verbose"),
        Arguments.of(
            new String[] {"verify", "--host", "moonshot", "--model", "kimi-k3", "--api-key", "k"},
            "--api-key is not taken: a key on the command line is seen by every user of the"
                + " machine (ps); put it in an environment variable and name it with"
                + " --api-key-env VAR"));
  }

  @ParameterizedTest
  @MethodSource("badCommandLines")
  void refusesABadCommandLineSayingWhy(String[] args, String message) {
    assertThatThrownBy(() -> VerifyCommand.parse(args))
        .isInstanceOf(UsageException.class)
        .hasMessageStartingWith(message);
  }

  /** The status, standard output and standard error of one run. */
  record Run(int status, String out, String err) {}

  /** Runs the command with {@code args} in {@code env}, its output captured. */
  static Run run(Map<String, String> env, String... args) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int status =
        VerifyCommand.run(
            args,
            env,
            new PrintStream(out, true, StandardCharsets.UTF_8),
            new PrintStream(err, true, StandardCharsets.UTF_8));
    return new Run(
        status, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
  }

  @Test
  void aKeyOnTheCommandLineIsRefusedAndNeverPrinted() {
    Run r =
        run(Map.of(), "verify", "--host", "vllm", "--model", "kimi-k3", "--api-key=sk-secret-1");
    assertThat(r.status()).isEqualTo(2);
    assertThat(r.out() + r.err()).doesNotContain("sk-secret-1").contains("--api-key-env VAR");
  }

  @Test
  void aHostedPlatformWithoutItsKeyIsAUsageError() {
    Run r = run(Map.of(), "verify", "--host", "openrouter", "--model", "kimi-k3");
    assertThat(r.status()).isEqualTo(2);
    assertThat(r.err()).contains("openrouter needs a key: name the variable");
    Run moonshot = run(Map.of(), "verify", "--host", "moonshot", "--model", "kimi-k3");
    assertThat(moonshot.err()).contains("moonshot needs a key: set MOONSHOT_API_KEY");
    Run unset =
        run(
            Map.of(),
            "verify",
            "--host",
            "moonshot",
            "--model",
            "kimi-k3",
            "--api-key-env",
            "MY_KEY");
    assertThat(unset.err()).contains("the environment variable MY_KEY is not set");
  }

  @Test
  void aHostThatNeedsABaseUrlWithoutOneIsAUsageError() {
    Run r = run(Map.of(), "verify", "--host", "vllm", "--model", "kimi-k3");
    assertThat(r.status()).isEqualTo(2);
    assertThat(r.err()).contains("host 'vllm' needs a base URL");
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(
      delimiter = '|',
      value = {
        "check the target's key (Target.apiKey, or the client's apiKey) against the server's"
            + " --api-key | check the key in the variable --api-key-env names (MOONSHOT_API_KEY"
            + " without it, on Moonshot's hosts) against the server's --api-key",
        "the host needs a key: give the target its key (Target.apiKey) | the host needs a key:"
            + " put its key in an environment variable and name it with --api-key-env VAR",
        "check the server's load and log; each request is bounded by the client's timeouts and"
            + " its options' timeout (KimiClient.withOptions; the command's --timeout) | check the"
            + " server's load and log; each request is bounded by the client's timeouts and its"
            + " options' timeout (--timeout SECONDS)",
        "the host serves it as moonshotai/Kimi-K3: declare that id,"
            + " host.withModelId(\"kimi-k3\", \"moonshotai/Kimi-K3\") | the host serves it as"
            + " moonshotai/Kimi-K3: declare that id, --model-id moonshotai/Kimi-K3",
        "start vLLM with --reasoning-parser kimi_k3 | start vLLM with --reasoning-parser kimi_k3",
      })
  void aFixIsSaidInTheCommandsOwnOptions(String program, String command) {
    assertThat(VerifyCommand.onTheCommandLine(program)).isEqualTo(command);
  }

  @Test
  void helpPrintsTheUsageAndSucceeds() {
    Run r = run(Map.of(), "verify", "--help");
    assertThat(r.status()).isEqualTo(0);
    assertThat(r.out()).isEqualTo(VerifyCommand.USAGE);
  }
}
