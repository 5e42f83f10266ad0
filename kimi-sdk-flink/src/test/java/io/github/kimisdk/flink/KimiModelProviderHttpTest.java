package io.github.kimisdk.flink;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.kimisdk.KimiClient;
import io.github.kimisdk.json.JsonValue;
import io.github.kimisdk.testing.FakeKimiExtension;
import io.github.kimisdk.testing.FakeKimiServer;
import io.github.kimisdk.testing.FakeResponse;
import io.github.kimisdk.testing.RecordedRequest;
import java.math.BigDecimal;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.table.api.DataTypes;
import org.apache.flink.table.api.ModelDescriptor;
import org.apache.flink.table.api.Schema;
import org.apache.flink.table.api.ValidationException;
import org.apache.flink.types.Row;
import org.apache.flink.util.ExceptionUtils;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * ML_PREDICT through the {@code kimi} provider on a local Flink against {@link FakeKimiServer}: one
 * table environment for the class, a fake per test, each job at parallelism 2.
 */
@ExtendWith(FakeKimiExtension.class)
class KimiModelProviderHttpTest {

  private static final String KEY = "sk-flink-test-0123456789";
  private static final String QUOTA =
      "{\"error\":{\"type\":\"exceeded_current_quota_error\",\"message\":\"You exceeded your"
          + " current token quota: <org-1> 0, please check your account balance\"}}";
  private static final List<String> PROMPTS =
      List.of("Classify: the app crashes", "Classify: add dark mode", "Classify: typo on page");

  private static LocalFlink flink;
  private static final AtomicInteger MODELS = new AtomicInteger();

  @BeforeAll
  static void startFlink() {
    flink = LocalFlink.shared();
    flink.prompts("tickets", PROMPTS);
  }

  /** The options of a job written for Flink's openai provider, but for the provider. */
  private static Map<String, String> openAiOptions(FakeKimiServer server) {
    Map<String, String> o = LocalFlink.kimi(server, KEY);
    o.put("system-prompt", "You label support tickets.");
    o.put("max-tokens", "200");
    o.put("error-handling-strategy", "retry");
    o.put("retry-num", "3");
    o.put("retry-fallback-strategy", "failover");
    return o;
  }

  private static String createModel(Map<String, String> options) {
    return createSqlModel("answer STRING", options);
  }

  /** A model created in SQL, as the SQL client creates one, with {@code output} its OUTPUT. */
  private static String createSqlModel(String output, Map<String, String> options) {
    return flink.createModel(output, options);
  }

  /** A model whose OUTPUT has {@code answer} and the given metadata columns (Table API only). */
  private static String createModel(Map<String, String> options, String... metadata) {
    String name = "m" + MODELS.incrementAndGet();
    Schema.Builder output = Schema.newBuilder().column("answer", DataTypes.STRING());
    for (String key : metadata) {
      output.columnByMetadata(key, metadataType(key));
    }
    ModelDescriptor.Builder d =
        ModelDescriptor.forProvider("kimi")
            .inputSchema(Schema.newBuilder().column("prompt", DataTypes.STRING()).build())
            .outputSchema(output.build());
    options.forEach(
        (k, v) -> {
          if (!k.equals("provider")) {
            d.option(k, v);
          }
        });
    flink.env.createTemporaryModel(name, d.build());
    return name;
  }

  private static org.apache.flink.table.types.DataType metadataType(String key) {
    return switch (key) {
      case "error-string" -> DataTypes.STRING();
      case "cost" -> DataTypes.DECIMAL(20, 12);
      default -> DataTypes.INT();
    };
  }

  private static List<Row> predict(String model) throws Exception {
    return predict("*", "tickets", model);
  }

  /** The {@code columns} of {@code model}'s predictions of {@code table}'s prompts. */
  private static List<Row> predict(String columns, String table, String model) throws Exception {
    return flink.rows(
        "SELECT "
            + columns
            + " FROM ML_PREDICT(TABLE "
            + table
            + ", MODEL "
            + model
            + ", DESCRIPTOR(prompt))");
  }

  private static List<String> answers(List<Row> rows) {
    return rows.stream()
        .sorted((a, b) -> Integer.compare((Integer) a.getField(0), (Integer) b.getField(0)))
        .map(r -> (String) r.getField(2))
        .toList();
  }

  @Test
  void jobWrittenForOpenAiRunsUnchangedButForTheProvider(FakeKimiServer server) throws Exception {
    List<Row> rows = predict(createModel(openAiOptions(server)));

    assertThat(answers(rows))
        .containsExactly(
            "You said: Classify: the app crashes",
            "You said: Classify: add dark mode",
            "You said: Classify: typo on page");
    assertThat(server.requests()).hasSize(3);
    RecordedRequest first = server.requests().get(0);
    assertThat(first.header("Authorization")).hasValue("Bearer " + KEY);
    assertThat(first.json().get("model").asString()).isEqualTo("kimi-k3");
    assertThat(first.json().get("max_completion_tokens").asInt()).isEqualTo(200);
    assertThat(first.json().get("messages").get(0).get("content").asString())
        .isEqualTo("You label support tickets.");
  }

  @Test
  void sendsThinkingAndReasoningEffortAsSet(FakeKimiServer server) throws Exception {
    Map<String, String> options = openAiOptions(server);
    options.put("thinking", "enabled");
    options.put("reasoning-effort", "low");

    assertThat(predict(createModel(options))).hasSize(3);

    for (RecordedRequest r : server.requests()) {
      assertThat(r.json().get("thinking").get("type").asString()).isEqualTo("enabled");
      assertThat(r.json().get("reasoning_effort").asString()).isEqualTo("low");
    }
  }

  @Test
  void thinkingDisabledIsSentAsDisabled(FakeKimiServer server) throws Exception {
    Map<String, String> options = openAiOptions(server);
    options.put("thinking", "disabled");

    assertThat(predict(createModel(options))).hasSize(3);

    for (RecordedRequest r : server.requests()) {
      assertThat(r.json().get("thinking").get("type").asString()).isEqualTo("disabled");
      assertThat(r.json().get("reasoning_effort")).isNull();
    }
  }

  @Test
  void k3TemperatureRuleStopsTheStatementBeforeAnyRequest(FakeKimiServer server) {
    Map<String, String> options = openAiOptions(server);
    options.put("thinking", "enabled");
    options.put("temperature", "0.3");
    String model = createModel(options);

    assertThatThrownBy(() -> predict(model))
        .isInstanceOf(ValidationException.class)
        .satisfies(
            e ->
                assertThat(ExceptionUtils.stringifyException(e))
                    .contains("kimi-k3 accepts only temperature 1")
                    .contains("leave temperature unset")
                    .contains("'temperature' = '0.3'")
                    .contains("No request was sent")
                    .doesNotContain(KEY));
    assertThat(server.requestCount()).isZero();
  }

  @Test
  void quota429IsSentOncePerRowNeverRetried(FakeKimiServer server) throws Exception {
    server.respondWith(r -> FakeResponse.error(429, QUOTA));
    Map<String, String> options = openAiOptions(server);
    options.put("retry-num", "5");
    options.put("retry-fallback-strategy", "ignore");

    List<Row> rows = predict(createModel(options, "error-string", "http-status-code"));

    assertThat(server.requestCount()).isEqualTo(3);
    assertThat(rows).hasSize(3);
    for (Row r : rows) {
      assertThat(r.getField(2)).isNull();
      assertThat((String) r.getField(3)).contains("exceeded_current_quota_error");
      assertThat(r.getField(4)).isEqualTo(429);
    }
  }

  @Test
  void ignoreKeepsEveryRowWithItsErrorColumns(FakeKimiServer server) throws Exception {
    server.respondWith(
        r ->
            r.bodyText().contains("dark mode")
                ? FakeResponse.error(
                    400,
                    "{\"error\":{\"type\":\"invalid_request_error\",\"message\":\"Invalid"
                        + " request: the prompt is refused\"}}")
                : null);
    Map<String, String> options = openAiOptions(server);
    options.put("error-handling-strategy", "ignore");

    List<Row> rows = predict(createModel(options, "error-string", "http-status-code"));

    assertThat(rows).hasSize(3);
    assertThat(answers(rows))
        .containsExactly(
            "You said: Classify: the app crashes", null, "You said: Classify: typo on page");
    Row failed = rows.stream().filter(r -> r.getField(2) == null).findFirst().orElseThrow();
    assertThat((String) failed.getField(3)).contains("the prompt is refused");
    assertThat(failed.getField(4)).isEqualTo(400);
    assertThat(rows.stream().filter(r -> r.getField(2) != null))
        .allSatisfy(r -> assertThat(r.getField(3)).isNull());
    assertThat(server.requestCount()).isEqualTo(3);
  }

  @Test
  void failoverFailsTheJobWithKimisErrorAndRequestId(FakeKimiServer server) {
    server.respondWith(r -> FakeResponse.error(429, QUOTA).withHeader("Msh-Request-Id", "req-q1"));
    Map<String, String> options = openAiOptions(server);
    options.put("error-handling-strategy", "failover");
    String model = createModel(options);

    assertThatThrownBy(() -> predict(model))
        .satisfies(
            e -> {
              String all = ExceptionUtils.stringifyException(e);
              assertThat(all)
                  .contains("exceeded_current_quota_error")
                  .contains("req-q1")
                  .contains("error-handling-strategy")
                  .doesNotContain(KEY);
            });
  }

  @Test
  void retryableErrorsAreRetriedUpToRetryNum(FakeKimiServer server) throws Exception {
    server.respondWith(
        r ->
            FakeResponse.error(
                500, "{\"error\":{\"type\":\"server_error\",\"message\":\"internal error\"}}"));
    flink.prompts("single", List.of("Classify: one"));
    Map<String, String> options = openAiOptions(server);
    options.put("retry-num", "2");
    options.put("retry-fallback-strategy", "ignore");
    String model = createModel(options, "error-string", "http-status-code");

    List<Row> rows =
        flink.rows(
            "SELECT * FROM ML_PREDICT(TABLE single, MODEL " + model + ", DESCRIPTOR(prompt))");

    assertThat(server.requestCount()).isEqualTo(3); // the first attempt and two retries
    assertThat(rows).singleElement().satisfies(r -> assertThat(r.getField(4)).isEqualTo(500));
  }

  @Test
  void rateLimit429IsWaitedOutWithoutCountingAsARetry(FakeKimiServer server) throws Exception {
    AtomicInteger refused = new AtomicInteger();
    server.respondWith(
        r ->
            refused.getAndIncrement() < 4
                ? FakeResponse.error(
                        429,
                        "{\"error\":{\"type\":\"rate_limit_reached_error\",\"message\":\"request"
                            + " reached organization max RPM: 3, please try again after 0"
                            + " seconds\"}}")
                    .withHeader("Retry-After", "0")
                : null);
    Map<String, String> options = openAiOptions(server);
    options.put("error-handling-strategy", "failover"); // no retry at all, yet no row is lost

    List<Row> rows = predict(createModel(options));

    assertThat(answers(rows)).doesNotContainNull().hasSize(3);
    assertThat(server.requestCount()).isEqualTo(7);
  }

  @Test
  void costColumnsAddUpToTheClientsSpend(FakeKimiServer server) throws Exception {
    Map<String, String> options = openAiOptions(server);
    options.put("model", "kimi-k2.7-code"); // K3 fixes n at 1; K2.7 Code takes two choices
    options.put("n", "2");
    // the job's subtasks share this JVM's client for these options: hold it to read its spend
    Map<String, String> settingsOptions = new LinkedHashMap<>(options);
    settingsOptions.remove("provider");
    ModelSettings settings = ModelSettings.of(Configuration.fromMap(settingsOptions));
    KimiClient shared = SharedClients.acquire(settings);
    try {
      List<Row> rows =
          predict(
              createModel(
                  options,
                  "prompt-tokens",
                  "completion-tokens",
                  "reasoning-tokens",
                  "cached-tokens",
                  "cost"));

      assertThat(rows).hasSize(6); // two choices per row
      long prompt = 0;
      long completion = 0;
      BigDecimal cost = BigDecimal.ZERO;
      for (Row r : rows) {
        prompt += (Integer) r.getField(3);
        completion += (Integer) r.getField(4);
        cost = cost.add((BigDecimal) r.getField(7));
      }
      assertThat(prompt).isPositive().isEqualTo(shared.spend().promptTokens());
      assertThat(completion).isPositive().isEqualTo(shared.spend().completionTokens());
      assertThat(cost)
          .isPositive()
          .isEqualByComparingTo(shared.spend().cost().orElseThrow().total());
    } finally {
      SharedClients.release(settings);
    }
    assertThat(SharedClients.holders(settings)).isZero();
  }

  @Test
  void structuredOutputFillsTypedColumnsFromAJsonSchema(FakeKimiServer server) throws Exception {
    flink.prompts("labelled", List.of("label=bug score=3 urgent=true"));
    Map<String, String> options = openAiOptions(server);
    options.put("thinking", "disabled");
    flink.env.executeSql(
        "CREATE TEMPORARY MODEL typed INPUT (prompt STRING)"
            + " OUTPUT (label STRING, score INT, urgent BOOLEAN) "
            + LocalFlink.with(options));

    List<Row> rows =
        flink.rows("SELECT * FROM ML_PREDICT(TABLE labelled, MODEL typed, DESCRIPTOR(prompt))");

    assertThat(rows)
        .singleElement()
        .satisfies(
            r -> {
              assertThat(r.getField(2)).isEqualTo("bug");
              assertThat(r.getField(3)).isEqualTo(3);
              assertThat(r.getField(4)).isEqualTo(true);
            });
    JsonValue format = server.requests().get(0).json().get("response_format");
    assertThat(format.get("type").asString()).isEqualTo("json_schema");
    assertThat(
            format
                .get("json_schema")
                .get("schema")
                .get("properties")
                .get("score")
                .get("type")
                .asString())
        .isEqualTo("integer");
  }

  @Test
  void replyThatDoesNotFitTheColumnsIsTheRowsError(FakeKimiServer server) throws Exception {
    server.respondWith(
        r -> FakeResponse.json(200, reply("{\"label\": \"bug\", \"score\": \"high\"}")));
    flink.prompts("misfit", List.of("anything"));
    Map<String, String> options = openAiOptions(server);
    options.put("error-handling-strategy", "ignore");
    String name = "m" + MODELS.incrementAndGet();
    flink.env.createTemporaryModel(
        name,
        ModelDescriptor.forProvider("kimi")
            .inputSchema(Schema.newBuilder().column("prompt", DataTypes.STRING()).build())
            .outputSchema(
                Schema.newBuilder()
                    .column("label", DataTypes.STRING())
                    .column("score", DataTypes.INT())
                    .columnByMetadata("error-string", DataTypes.STRING())
                    .build())
            .option("endpoint", options.get("endpoint"))
            .option("api-key", KEY)
            .option("model", "kimi-k3")
            .option("error-handling-strategy", "ignore")
            .build());

    List<Row> rows =
        flink.rows(
            "SELECT * FROM ML_PREDICT(TABLE misfit, MODEL " + name + ", DESCRIPTOR(prompt))");

    assertThat(rows)
        .singleElement()
        .satisfies(
            r -> {
              assertThat(r.getField(2)).isNull();
              assertThat((String) r.getField(4))
                  .contains("column 'score' does not fit INT")
                  .contains("\\\"high\\\"");
            });
    assertThat(server.requestCount()).isEqualTo(1); // a misfit is not retried
  }

  @Test
  void aModelCreatedInSqlSaysWhyEachFailedRowFailedInColumnsOfItsOwn(FakeKimiServer server)
      throws Exception {
    server.failCalls("quota=0.5"); // of the three calls, the second is out of quota
    Map<String, String> options = openAiOptions(server);
    options.put("error-handling-strategy", "ignore");
    options.put("metadata-columns", "why:error-string,status:http-status-code,cost:cost");
    String model =
        createSqlModel("answer STRING, why STRING, status INT, cost DECIMAL(20, 12)", options);

    List<Row> rows = predict("id, answer, why, status, cost", "tickets", model);

    assertThat(rows).hasSize(3);
    assertThat(server.requestCount()).isEqualTo(3); // the quota error is not retried
    assertThat(rows.stream().filter(r -> r.getField(1) == null))
        .singleElement()
        .satisfies(
            r -> {
              assertThat((String) r.getField(2))
                  .contains("exceeded_current_quota_error")
                  .containsPattern("\\[request id fake-[0-9a-f]+-e[0-9]+]");
              assertThat(r.getField(3)).isEqualTo(429);
              assertThat(r.getField(4)).isNull(); // not answered, not billed
            });
    assertThat(rows.stream().filter(r -> r.getField(1) != null))
        .hasSize(2)
        .allSatisfy(
            r -> {
              assertThat((String) r.getField(1)).startsWith("You said: Classify:");
              assertThat(r.getField(2)).isNull();
              assertThat(r.getField(3)).isNull();
              assertThat((BigDecimal) r.getField(4)).isPositive();
            });
    // one reply column: the carriers ask for no JSON schema
    assertThat(server.requests().get(0).json().get("response_format")).isNull();
  }

  @Test
  void aNotFoundRowsErrorEndsWithTheRequestIdTheFakeSent(FakeKimiServer server) throws Exception {
    Map<String, String> options = openAiOptions(server);
    options.put("model", "kimi-k2.5"); // retired: the fake answers 404, as Kimi does
    options.put("error-handling-strategy", "ignore");
    options.put("metadata-columns", "why:error-string,status:http-status-code");
    String model = createSqlModel("answer STRING, why STRING, status INT", options);

    List<Row> rows = predict("id, answer, why, status", "tickets", model);

    assertThat(rows)
        .hasSize(3)
        .allSatisfy(
            r -> {
              assertThat(r.getField(1)).isNull();
              assertThat((String) r.getField(2))
                  .contains("Not found the model kimi-k2.5")
                  .containsPattern("\\[request id fake-[0-9a-f]+-e[0-9]+]");
              assertThat(r.getField(3)).isEqualTo(404);
            });
  }

  @Test
  void theGuidesSumOfCostIsTheClientsSpendWithRepliesThatDidNotFit(FakeKimiServer server)
      throws Exception {
    flink.prompts(
        "misfits",
        List.of("label=bug urgent=true", "label=ui urgent=very", "label=docs urgent=false"));
    server.respondWith(
        r ->
            r.bodyText().contains("urgent=very")
                ? FakeResponse.json(200, reply("{\"label\": \"ui\", \"urgent\": \"very\"}"))
                    .withHeader("Msh-Request-Id", "req-misfit-1")
                : null);
    Map<String, String> options = openAiOptions(server);
    options.put("thinking", "disabled");
    options.put("error-handling-strategy", "ignore");
    options.put("metadata-columns", "why:error-string,status:http-status-code,cost:cost");
    String model =
        createSqlModel(
            "label STRING, urgent BOOLEAN, why STRING, status INT, cost DECIMAL(20, 12)", options);
    Map<String, String> settingsOptions = new LinkedHashMap<>(options);
    settingsOptions.remove("provider");
    ModelSettings settings = ModelSettings.of(Configuration.fromMap(settingsOptions));
    KimiClient shared = SharedClients.acquire(settings); // the jobs' client: held to read its spend
    try {
      List<Row> rows = predict("id, label, urgent, why, status, cost", "misfits", model);

      assertThat(rows).hasSize(3);
      Row misfit = rows.stream().filter(r -> r.getField(1) == null).findFirst().orElseThrow();
      assertThat((String) misfit.getField(3))
          .contains("the reply's value for column 'urgent' does not fit BOOLEAN")
          .endsWith("[request id req-misfit-1]");
      assertThat(misfit.getField(4)).isEqualTo(200);
      assertThat((BigDecimal) misfit.getField(5)).as("answered and billed").isPositive();
      BigDecimal rowsCost = BigDecimal.ZERO;
      for (Row r : rows) {
        rowsCost = rowsCost.add((BigDecimal) r.getField(5));
      }
      BigDecimal spentByRows = shared.spend().cost().orElseThrow().total();
      assertThat(rowsCost).isEqualByComparingTo(spentByRows);

      // the guide's query, as a second job: its sum is what that job spent
      List<Row> sums = predict("SUM(cost) AS spent", "misfits", model);
      BigDecimal summed = (BigDecimal) sums.get(sums.size() - 1).getField(0);
      BigDecimal spentBySum = shared.spend().cost().orElseThrow().total().subtract(spentByRows);
      assertThat(summed).isPositive().isEqualByComparingTo(spentBySum);
    } finally {
      SharedClients.release(settings);
    }
  }

  @Test
  void flinkRefusesMetadataColumnsInTheOutputOfSqlsCreateModel(FakeKimiServer server) {
    assertThatThrownBy(
            () ->
                flink.env.executeSql(
                    "CREATE TEMPORARY MODEL withmeta INPUT (prompt STRING)"
                        + " OUTPUT (answer STRING, err STRING METADATA FROM 'error-string') "
                        + LocalFlink.with(openAiOptions(server))))
        .satisfies(e -> assertThat(ExceptionUtils.stringifyException(e)).contains("physical"));
  }

  @Test
  void anUnknownModelIdIsWarnedAboutWhenTheStatementIsPlanned(FakeKimiServer server) {
    List<String> warnings = new java.util.concurrent.CopyOnWriteArrayList<>();
    java.util.logging.Handler capture =
        new java.util.logging.Handler() {
          @Override
          public void publish(java.util.logging.LogRecord r) {
            if (r.getLevel().intValue() >= java.util.logging.Level.WARNING.intValue()) {
              warnings.add(r.getMessage());
            }
          }

          @Override
          public void flush() {}

          @Override
          public void close() {}
        };
    java.util.logging.Logger logger = java.util.logging.Logger.getLogger("io.github.kimisdk.flink");
    logger.addHandler(capture);
    try {
      Map<String, String> options = openAiOptions(server);
      options.put("model", "kimi-k9-preview");
      String model = createModel(options);

      flink.env.explainSql(
          "SELECT * FROM ML_PREDICT(TABLE tickets, MODEL " + model + ", DESCRIPTOR(prompt))");
    } finally {
      logger.removeHandler(capture);
    }
    assertThat(warnings).anySatisfy(w -> assertThat(w).contains("kimi-k9-preview"));
    assertThat(server.requestCount()).isZero();
  }

  /** A chat completion body whose one choice says {@code content}. */
  private static String reply(String content) {
    return "{\"id\":\"chatcmpl-1\",\"object\":\"chat.completion\",\"created\":1,\"model\":\"kimi-k3\","
        + "\"choices\":[{\"index\":0,\"message\":{\"role\":\"assistant\",\"content\":"
        + io.github.kimisdk.json.Json.write(io.github.kimisdk.json.JsonString.of(content))
        + "},\"finish_reason\":\"stop\"}],"
        + "\"usage\":{\"prompt_tokens\":5,\"completion_tokens\":5,\"total_tokens\":10}}";
  }
}
