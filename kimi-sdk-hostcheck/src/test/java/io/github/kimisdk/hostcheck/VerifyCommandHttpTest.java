package io.github.kimisdk.hostcheck;

import static io.github.kimisdk.hostcheck.VerifyCommandTest.run;
import static org.assertj.core.api.Assertions.assertThat;

import io.github.kimisdk.hostcheck.VerifyCommandTest.Run;
import io.github.kimisdk.testing.FakeKimiServer;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The {@code verify} command against a {@link FakeKimiServer}: the report a team reads, its exit
 * status, the key read from the variable named and never printed. The jar itself, run as a process
 * as the guide runs it, is kimi-sdk-http-tests' {@code HostCheckJarTest}.
 */
class VerifyCommandHttpTest {

  private static final String KEY = "sk-command-0123456789abcdefghijkl";

  private final List<FakeKimiServer> fakes = new ArrayList<>();

  @AfterEach
  void stop() {
    fakes.forEach(FakeKimiServer::close);
  }

  private FakeKimiServer fake(String dialect, String misconfigure) {
    FakeKimiServer f = new FakeKimiServer().dialect(dialect).misconfigure(misconfigure).start();
    fakes.add(f);
    return f;
  }

  /** {@code verify --host HOST --base-url URL --model kimi-k3} and {@code more}. */
  private static Run verify(
      Map<String, String> env, String host, FakeKimiServer server, String... more) {
    List<String> args =
        new ArrayList<>(
            List.of(
                "verify", "--host", host, "--base-url", server.baseUrl(), "--model", "kimi-k3"));
    args.addAll(List.of(more));
    return run(env, args.toArray(String[]::new));
  }

  @Test
  void aVllmSetUpRightPassesEveryCheckAndExitsZero() {
    FakeKimiServer vllm = fake("vllm", "");
    Run r = verify(Map.of(), "vllm", vllm);
    assertThat(r.status()).as(r.out() + r.err()).isZero();
    assertThat(r.out())
        .startsWith("Checking kimi-k3 on vllm at " + vllm.baseUrl() + " (as moonshotai/Kimi-K3)\n")
        .contains("  PASSED   access           the host answered at ")
        .contains("  PASSED   tool calls       the call came back as tool_calls: get_weather(")
        .contains("Cost: 4 requests, ")
        .endsWith("Every check passed.\n");
    assertThat(r.out())
        .as("no key was sent, so nothing is said of one taken")
        .contains("(no key was sent)")
        .doesNotContain("took the key");
    assertThat(vllm.requests())
        .as("a team's own server started without --api-key is sent no key")
        .allSatisfy(req -> assertThat(req.header("Authorization")).isEmpty());
  }

  @Test
  void aVllmWithoutItsParsersIsToldWhichFlagsToAddAndExitsOne() {
    FakeKimiServer vllm = fake("vllm", "no-reasoning-parser,no-tool-parser");
    Run r =
        run(Map.of(), "verify", "--host=vllm", "--base-url=" + vllm.baseUrl(), "--model=kimi-k3");
    assertThat(r.status()).isEqualTo(1);
    assertThat(r.out())
        .contains("  FAILED   reasoning split  Kimi's markers came back inside content (")
        .contains("fix: start vLLM with --reasoning-parser kimi_k3\n")
        .contains("  FAILED   tool calls       the tool call came back as Kimi's raw markers")
        .contains("fix: start vLLM with --enable-auto-tool-choice --tool-call-parser kimi_k3\n")
        .endsWith("3 of 8 checks failed.\n");
  }

  @Test
  void theKeyComesFromTheVariableNamedAndIsNeverPrinted() {
    FakeKimiServer sglang = fake("sglang", "retired=kimi-k3");
    sglang.requireApiKey(KEY);
    Run r = verify(Map.of("SGLANG_KEY", KEY), "sglang", sglang, "--api-key-env", "SGLANG_KEY");
    assertThat(r.status()).isEqualTo(1);
    assertThat(r.out())
        .contains("  PASSED   access ")
        .contains("  FAILED   model            GET /models lists ")
        .contains("The model `moonshotai/Kimi-K3` does not exist.")
        .contains("  SKIPPED  tool calls       not checked: the model is not served");
    assertThat(r.out() + r.err()).doesNotContain(KEY);
    assertThat(sglang.requests().get(0).header("Authorization")).hasValue("Bearer " + KEY);
  }

  @Test
  void aWrongKeyIsToldAsSuchAndNeverPrinted() {
    FakeKimiServer vllm = fake("vllm", "");
    vllm.requireApiKey("sk-the-servers-own-key-0123456789");
    Run r = verify(Map.of("VLLM_KEY", KEY), "vllm", vllm, "--api-key-env", "VLLM_KEY");
    assertThat(r.status()).isEqualTo(1);
    assertThat(r.out())
        .contains("  FAILED   access           the host refused the key: 401")
        .contains("fix: check the key in the variable --api-key-env names")
        .doesNotContain("Target.apiKey")
        .contains("Cost: 1 request, ");
    assertThat(r.out() + r.err()).doesNotContain(KEY);
  }

  @Test
  void aBaseUrlWithoutV1IsToldApartFromARefusedKey() {
    FakeKimiServer vllm = fake("vllm", "");
    String origin = vllm.baseUrl().substring(0, vllm.baseUrl().length() - "/v1".length());
    Run r = run(Map.of(), "verify", "--host", "vllm", "--base-url", origin, "--model", "kimi-k3");
    assertThat(r.status()).isEqualTo(1);
    assertThat(r.out())
        .contains("  FAILED   access           the host answered 401")
        .contains("whose path does not end in /v1")
        .contains(
            "fix: check the base URL: an OpenAI-compatible server's ends in /v1, such as "
                + origin
                + "/v1")
        .doesNotContain("refused the key", "took the key", "Target.apiKey");
  }

  @Test
  void aHostThatAsksForAKeyWhenNoneWasSentSaysSoWithTheCommandsFix() {
    FakeKimiServer vllm = fake("vllm", "");
    vllm.requireApiKey("sk-the-servers-own-key-0123456789");
    Run r = verify(Map.of(), "vllm", vllm);
    assertThat(r.status()).isEqualTo(1);
    assertThat(r.out())
        .contains("  FAILED   access           the host asks for a key, and none was sent: 401")
        .contains(
            "fix: the host needs a key: put its key in an environment variable and name it with"
                + " --api-key-env VAR")
        .doesNotContain("refused the key", "Target.apiKey");
  }
}
