package io.github.kimisdk.flink;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.kimisdk.testing.FakeKimiExtension;
import io.github.kimisdk.testing.FakeKimiServer;
import io.github.kimisdk.testing.RecordedRequest;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.flink.table.api.ValidationException;
import org.apache.flink.types.Row;
import org.apache.flink.util.ExceptionUtils;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A model with fallback targets ({@code fallback.N.*}) through ML_PREDICT against two {@link
 * FakeKimiServer}s: rows keep moving while the first is overloaded, and {@code served-by} says
 * which answered each.
 */
@ExtendWith(FakeKimiExtension.class)
class FallbackTargetsHttpTest {

  private static final String KEY = "sk-flink-primary-0123456789";
  private static final String FALLBACK_KEY = "sk-flink-fallback-9876543210";
  private static final int ROWS = 12;

  private static LocalFlink flink;

  @BeforeAll
  static void startFlink() {
    flink = LocalFlink.shared();
    List<String> prompts = new ArrayList<>();
    for (int i = 1; i <= ROWS; i++) {
      prompts.add("Classify ticket " + i);
    }
    flink.prompts("fallback_tickets", prompts);
  }

  /**
   * kimi-k3 on {@code primary}, then kimi-k3 on {@code second} as a vLLM, with its own key ({@code
   * second} lenient: it answers the vLLM's model id, {@code moonshotai/Kimi-K3}).
   */
  private static Map<String, String> options(FakeKimiServer primary, FakeKimiServer second) {
    Map<String, String> o = LocalFlink.kimi(primary, KEY);
    o.put("thinking", "disabled");
    o.put("error-handling-strategy", "failover"); // no retry: only the fallback keeps rows moving
    o.put("metadata-columns", "via:served-by");
    o.put("fallback.1.host", "vllm");
    o.put("fallback.1.endpoint", second.baseUrl() + "/chat/completions");
    o.put("fallback.1.api-key", FALLBACK_KEY);
    return o;
  }

  private static String createModel(Map<String, String> options) {
    return flink.createModel("answer STRING, via INT", options);
  }

  private static List<Row> predict(String model) throws Exception {
    return flink.rows(
        "SELECT id, answer, via FROM ML_PREDICT(TABLE fallback_tickets, MODEL "
            + model
            + ", DESCRIPTOR(prompt))");
  }

  @ParameterizedTest(name = "first target overloaded = {0}")
  @ValueSource(strings = {"0.5", "1"})
  void aJobWhosePrimaryHostIsOverloadedKeepsItsRowsMoving(String share, FakeKimiServer primary)
      throws Exception {
    primary.failCalls("overloaded=" + share);
    try (FakeKimiServer second = new FakeKimiServer().lenient().start()) {
      List<Row> rows = predict(createModel(options(primary, second)));

      assertThat(rows).hasSize(ROWS);
      assertThat(rows)
          .allSatisfy(r -> assertThat((String) r.getField(1)).startsWith("You said: Classify"));
      long viaSecond = rows.stream().filter(r -> Integer.valueOf(1).equals(r.getField(2))).count();
      long viaPrimary = rows.stream().filter(r -> Integer.valueOf(0).equals(r.getField(2))).count();
      assertThat(viaPrimary + viaSecond).isEqualTo(ROWS);
      assertThat(viaSecond).isPositive().isEqualTo(second.requestCount());
      if (share.equals("1")) {
        assertThat(viaPrimary).isZero();
      }
      // the second host was asked in its own dialect, with its own key, for Kimi's model
      RecordedRequest asked = second.requests().get(0);
      assertThat(asked.header("Authorization")).hasValue("Bearer " + FALLBACK_KEY);
      assertThat(asked.json().get("model").asString()).isEqualTo("moonshotai/Kimi-K3");
      assertThat(asked.json().get("chat_template_kwargs").get("thinking").asBoolean()).isFalse();
      assertThat(asked.json().get("thinking")).isNull();
    }
  }

  @Test
  void aTeamsOwnVllmWithoutAKeyIsSentNone() throws Exception {
    org.junit.jupiter.api.Assumptions.assumeTrue(
        java.util.stream.Stream.of("MOONSHOT_API_KEY", "KIMI_API_KEY", "KIMI_CODING_API_KEY")
            .allMatch(v -> System.getenv(v) == null || System.getenv(v).isBlank()),
        "a key in this environment would be sent");
    try (FakeKimiServer vllm = new FakeKimiServer().dialect("vllm").start()) {
      Map<String, String> o = new java.util.LinkedHashMap<>();
      o.put("provider", "kimi");
      o.put("host", "vllm");
      o.put("endpoint", vllm.baseUrl() + "/chat/completions");
      o.put("model", "kimi-k3");
      o.put("thinking", "disabled");
      List<Row> rows = predict(flink.createModel("answer STRING, via INT", o));

      assertThat(rows).hasSize(ROWS);
      assertThat(vllm.requests()).allSatisfy(r -> assertThat(r.header("Authorization")).isEmpty());
    }
  }

  @Test
  void aQuotaErrorIsNeverRetriedButAnotherAccountsTargetAnswers(FakeKimiServer primary)
      throws Exception {
    primary.failCalls("quota=1");
    try (FakeKimiServer second = new FakeKimiServer().lenient().start()) {
      List<Row> rows = predict(createModel(options(primary, second)));

      assertThat(rows).hasSize(ROWS).allSatisfy(r -> assertThat(r.getField(2)).isEqualTo(1));
      assertThat(primary.requestCount()).isLessThanOrEqualTo(ROWS); // once per row at most
    }
  }

  @Test
  void aCallersOwnErrorNeverFallsBack(FakeKimiServer primary) {
    try (FakeKimiServer second = new FakeKimiServer().lenient().start()) {
      Map<String, String> o = options(primary, second);
      o.put("model", "kimi-k2.5"); // retired: a 404 on every host
      o.put("fallback.1.model", "kimi-k2.5");
      String model = createModel(o);

      assertThatThrownBy(() -> predict(model))
          .satisfies(
              e ->
                  assertThat(ExceptionUtils.stringifyException(e))
                      .contains("Not found the model kimi-k2.5")
                      .doesNotContain(KEY)
                      .doesNotContain(FALLBACK_KEY));
      assertThat(second.requestCount()).isZero();
    }
  }

  @Test
  void k3sRulesStopTheStatementWhicheverTargetAsksForK3(FakeKimiServer primary) {
    try (FakeKimiServer second = new FakeKimiServer().lenient().start()) {
      Map<String, String> o = options(primary, second);
      o.put("model", "team-finetune"); // unknown to Kimi's table: warned about, sent as given
      o.put("thinking", "enabled");
      o.put("temperature", "0.3");
      o.put("fallback.1.model", "kimi-k3");
      String model = createModel(o);

      assertThatThrownBy(() -> predict(model))
          .isInstanceOf(ValidationException.class)
          .satisfies(
              e ->
                  assertThat(ExceptionUtils.stringifyException(e))
                      .contains("fallback target 1 (model option 'fallback.1.model' = 'kimi-k3')")
                      .contains("kimi-k3 accepts only temperature 1")
                      .contains("No request was sent")
                      .doesNotContain(FALLBACK_KEY));
      assertThat(primary.requestCount() + second.requestCount()).isZero();
    }
  }

  @Test
  void aMisspeltFallbackOptionFailsThePlanNamingIt(FakeKimiServer primary) {
    try (FakeKimiServer second = new FakeKimiServer().lenient().start()) {
      Map<String, String> o = options(primary, second);
      o.put("fallback.1.modle", "kimi-k3");
      String model = createModel(o);

      assertThatThrownBy(() -> predict(model))
          .satisfies(
              e ->
                  assertThat(ExceptionUtils.stringifyException(e))
                      .contains("Unsupported model option 'fallback.1.modle'")
                      .contains("fallback.N.model")
                      .doesNotContain(FALLBACK_KEY));
      assertThat(primary.requestCount() + second.requestCount()).isZero();
    }
  }
}
