package io.github.kimisdk.flink;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.kimisdk.chat.Usage;
import io.github.kimisdk.model.Cost;
import java.math.BigDecimal;
import java.util.Currency;
import java.util.Map;
import org.apache.flink.table.api.DataTypes;
import org.apache.flink.table.api.ValidationException;
import org.apache.flink.table.catalog.Column;
import org.apache.flink.table.catalog.ResolvedSchema;
import org.apache.flink.table.data.ArrayData;
import org.apache.flink.table.data.DecimalData;
import org.apache.flink.table.data.RowData;
import org.apache.flink.table.types.DataType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class OutputLayoutTest {

  private static final Usage USAGE = new Usage(10, 7, 17, 4, 3, null);
  private static final Cost COST =
      new Cost(
          Currency.getInstance("USD"),
          new BigDecimal("0.0001"),
          new BigDecimal("0.00002"),
          new BigDecimal("0.0003"));

  private static Column col(String name, DataType type) {
    return Column.physical(name, type);
  }

  private static Column meta(String key, DataType type) {
    return Column.metadata(key, type, key, false);
  }

  private static OutputLayout layout(Column... columns) {
    return OutputLayout.of(ResolvedSchema.of(columns), Map.of());
  }

  /** A layout whose physical columns named in {@code carried} carry that metadata. */
  private static OutputLayout layout(Map<String, String> carried, Column... columns) {
    return OutputLayout.of(ResolvedSchema.of(columns), carried);
  }

  @ParameterizedTest(name = "{0} -> {1}")
  @CsvSource({
    "STRING, string",
    "VARCHAR(10), string",
    "BOOLEAN, boolean",
    "TINYINT, integer",
    "INT, integer",
    "BIGINT, integer",
    "FLOAT, number",
    "DOUBLE, number",
    "'DECIMAL(10, 2)', number",
    "ARRAY<STRING>, array"
  })
  void columnTypesBecomeJsonSchemaTypes(String sqlType, String jsonType) {
    DataType type = parse(sqlType);
    OutputLayout l = layout(col("a", DataTypes.STRING()), col("b", type));

    assertThat(l.structured()).isTrue();
    assertThat(l.schema().get("properties").get("b").get("type").asString()).isEqualTo(jsonType);
    assertThat(l.schema().get("required").asArray().size()).isEqualTo(2);
    assertThat(l.schema().get("additionalProperties").asBoolean()).isFalse();
  }

  private static DataType parse(String sqlType) {
    return switch (sqlType) {
      case "STRING" -> DataTypes.STRING();
      case "VARCHAR(10)" -> DataTypes.VARCHAR(10);
      case "BOOLEAN" -> DataTypes.BOOLEAN();
      case "TINYINT" -> DataTypes.TINYINT();
      case "INT" -> DataTypes.INT();
      case "BIGINT" -> DataTypes.BIGINT();
      case "FLOAT" -> DataTypes.FLOAT();
      case "DOUBLE" -> DataTypes.DOUBLE();
      case "DECIMAL(10, 2)" -> DataTypes.DECIMAL(10, 2);
      case "ARRAY<STRING>" -> DataTypes.ARRAY(DataTypes.STRING());
      default -> throw new AssertionError(sqlType);
    };
  }

  @Test
  void aTypeJsonCannotFillFailsNamingTheColumn() {
    assertThatThrownBy(
            () -> layout(col("a", DataTypes.STRING()), col("when", DataTypes.TIMESTAMP(3))))
        .isInstanceOf(ValidationException.class)
        .hasMessageContaining("'when'")
        .hasMessageContaining("TIMESTAMP(3)");
  }

  @Test
  void oneOutputColumnMustBeAString() {
    assertThatThrownBy(() -> layout(col("score", DataTypes.INT())))
        .isInstanceOf(ValidationException.class)
        .hasMessageContaining("must be STRING")
        .hasMessageContaining("declare two or more");
  }

  @Test
  void anOutputOfMetadataAloneIsRefused() {
    assertThatThrownBy(() -> layout(meta("error-string", DataTypes.STRING())))
        .isInstanceOf(ValidationException.class)
        .hasMessageContaining("no physical column");
  }

  @Test
  void anUnknownMetadataColumnNamesTheOnesFilled() {
    assertThatThrownBy(
            () ->
                layout(col("a", DataTypes.STRING()), meta("http-headers-map", DataTypes.STRING())))
        .isInstanceOf(ValidationException.class)
        .hasMessageContaining("'http-headers-map'")
        .hasMessageContaining("error-string STRING")
        .hasMessageContaining("cost DECIMAL or DOUBLE");
  }

  @ParameterizedTest(name = "{0} as {1}")
  @CsvSource({
    "http-status-code, STRING",
    "prompt-tokens, DOUBLE",
    "cost, INT",
    "served-by, STRING"
  })
  void aMetadataColumnOfAnotherTypeIsRefused(String key, String sqlType) {
    DataType type = parse(sqlType);
    assertThatThrownBy(() -> layout(col("a", DataTypes.STRING()), meta(key, type)))
        .isInstanceOf(ValidationException.class)
        .hasMessageContaining("'" + key + "' must be");
  }

  @Test
  void inputMustBeOneStringColumn() {
    OutputLayout.checkInput(ResolvedSchema.of(col("prompt", DataTypes.STRING())));
    assertThatThrownBy(
            () ->
                OutputLayout.checkInput(
                    ResolvedSchema.of(col("a", DataTypes.STRING()), col("b", DataTypes.STRING()))))
        .isInstanceOf(ValidationException.class)
        .hasMessageContaining("(a STRING, b STRING)");
    assertThatThrownBy(() -> OutputLayout.checkInput(ResolvedSchema.of(col("n", DataTypes.INT()))))
        .isInstanceOf(ValidationException.class)
        .hasMessageContaining("INPUT (prompt STRING)");
  }

  @Test
  void textReplyFillsTheColumnAndUsageAndCostTheFirstChoiceOnly() {
    OutputLayout l =
        layout(
            meta("error-string", DataTypes.STRING()),
            col("answer", DataTypes.STRING()),
            meta("prompt-tokens", DataTypes.INT()),
            meta("completion-tokens", DataTypes.BIGINT()),
            meta("reasoning-tokens", DataTypes.INT()),
            meta("cached-tokens", DataTypes.INT()),
            meta("cost", DataTypes.DECIMAL(12, 6)));

    RowData first = l.success("hello", USAGE, COST, 0, true);
    RowData second = l.success("hi", USAGE, COST, 0, false);

    assertThat(first.isNullAt(0)).isTrue();
    assertThat(first.getString(1).toString()).isEqualTo("hello");
    assertThat(first.getInt(2)).isEqualTo(10);
    assertThat(first.getLong(3)).isEqualTo(7);
    assertThat(first.getInt(4)).isEqualTo(3);
    assertThat(first.getInt(5)).isEqualTo(4);
    assertThat(first.getDecimal(6, 12, 6).toBigDecimal()).isEqualByComparingTo("0.00042");
    assertThat(second.getInt(2)).isZero();
    assertThat(second.getLong(3)).isZero();
    assertThat(second.getDecimal(6, 12, 6).toBigDecimal()).isEqualByComparingTo("0");
  }

  @Test
  void servedByIsTheTargetOnEveryChoicesRowAndOnAFailureTheLastToAnswer() {
    OutputLayout l =
        layout(
            Map.of("via", "served-by"),
            col("answer", DataTypes.STRING()),
            col("via", DataTypes.INT()),
            meta("error-string", DataTypes.STRING()));

    assertThat(l.success("hello", USAGE, COST, 2, true).getInt(1)).isEqualTo(2);
    assertThat(l.success("hi", USAGE, COST, 2, false).getInt(1)).isEqualTo(2);
    assertThat(l.failure("overloaded", 503, null, null, 1).getInt(1)).isEqualTo(1);
    assertThat(l.failure("connection refused", null, null, null, null).isNullAt(1)).isTrue();
    assertThat(l.schema().get("properties").asObject().names()).containsExactly("answer");
  }

  @Test
  void anUnpricedModelLeavesCostNull() {
    OutputLayout l = layout(col("answer", DataTypes.STRING()), meta("cost", DataTypes.DOUBLE()));

    assertThat(l.success("x", USAGE, null, 0, true).isNullAt(1)).isTrue();
  }

  @Test
  void structuredReplyFillsEachColumnByItsType() {
    OutputLayout l =
        layout(
            col("label", DataTypes.STRING()),
            col("score", DataTypes.INT()),
            col("urgent", DataTypes.BOOLEAN()),
            col("ratio", DataTypes.DOUBLE()),
            col("price", DataTypes.DECIMAL(6, 2)),
            col("tags", DataTypes.ARRAY(DataTypes.STRING())),
            col("note", DataTypes.STRING()));

    RowData row =
        l.success(
            "{\"label\":\"bug\",\"score\":3,\"urgent\":true,\"ratio\":0.5,\"price\":12.5,"
                + "\"tags\":[\"ui\",\"crash\"],\"note\":null}",
            USAGE,
            COST,
            0,
            true);

    assertThat(row.getString(0).toString()).isEqualTo("bug");
    assertThat(row.getInt(1)).isEqualTo(3);
    assertThat(row.getBoolean(2)).isTrue();
    assertThat(row.getDouble(3)).isEqualTo(0.5);
    assertThat(row.getDecimal(4, 6, 2))
        .isEqualTo(DecimalData.fromBigDecimal(new BigDecimal("12.50"), 6, 2));
    ArrayData tags = row.getArray(5);
    assertThat(tags.size()).isEqualTo(2);
    assertThat(tags.getString(1).toString()).isEqualTo("crash");
    assertThat(row.isNullAt(6)).isTrue();
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(
      delimiter = '|',
      value = {
        "not json at all | not the JSON object",
        "[1, 2] | not the JSON object",
        "{\"label\":\"x\",\"score\":\"high\"} | column 'score' does not fit INT",
        "{\"label\":\"x\",\"score\":1.5} | column 'score' does not fit INT",
        "{\"label\":\"x\",\"score\":3000000000} | column 'score' does not fit INT",
        "{\"label\":7,\"score\":1} | column 'label' does not fit",
        "{\"score\":1} | no value for the NOT NULL column 'label'"
      })
  void aReplyThatDoesNotFitIsAMismatch(String reply, String message) {
    OutputLayout l =
        layout(col("label", DataTypes.STRING().notNull()), col("score", DataTypes.INT()));

    assertThatThrownBy(() -> l.success(reply, USAGE, COST, 0, true))
        .isInstanceOf(OutputLayout.ReplyMismatchException.class)
        .hasMessageContaining(message);
  }

  @Test
  void aDecimalBeyondItsPrecisionIsAMismatch() {
    OutputLayout l = layout(col("a", DataTypes.STRING()), col("price", DataTypes.DECIMAL(4, 2)));

    assertThatThrownBy(() -> l.success("{\"a\":\"x\",\"price\":12345.6}", USAGE, COST, 0, true))
        .isInstanceOf(OutputLayout.ReplyMismatchException.class)
        .hasMessageContaining("DECIMAL(4, 2)");
  }

  @Test
  void failureRowFillsTheErrorColumnsOnly() {
    OutputLayout l =
        layout(
            col("answer", DataTypes.STRING()),
            meta("error-string", DataTypes.STRING()),
            meta("http-status-code", DataTypes.INT()),
            meta("cost", DataTypes.DOUBLE()));

    RowData row = l.failure("quota", 429, null, null, null);

    assertThat(row.isNullAt(0)).isTrue();
    assertThat(row.getString(1).toString()).isEqualTo("quota");
    assertThat(row.getInt(2)).isEqualTo(429);
    assertThat(row.isNullAt(3)).isTrue();
  }

  @Test
  void aBilledFailureKeepsTheCallsUsageAndCost() {
    OutputLayout l =
        layout(
            col("label", DataTypes.STRING()),
            col("urgent", DataTypes.BOOLEAN()),
            meta("error-string", DataTypes.STRING()),
            meta("http-status-code", DataTypes.INT()),
            meta("prompt-tokens", DataTypes.BIGINT()),
            meta("cost", DataTypes.DECIMAL(12, 6)));

    RowData row = l.failure("does not fit", 200, USAGE, COST, null);

    assertThat(row.isNullAt(0)).isTrue();
    assertThat(row.isNullAt(1)).isTrue();
    assertThat(row.getString(2).toString()).isEqualTo("does not fit");
    assertThat(row.getInt(3)).isEqualTo(200);
    assertThat(row.getLong(4)).isEqualTo(10);
    assertThat(row.getDecimal(5, 12, 6).toBigDecimal()).isEqualByComparingTo("0.00042");
  }

  @Test
  void physicalColumnsNamedInMetadataColumnsCarryTheirKeysAndLeaveTheSchema() {
    OutputLayout l =
        layout(
            Map.of("why", "error-string", "status", "http-status-code", "spent", "cost"),
            col("label", DataTypes.STRING()),
            col("why", DataTypes.STRING()),
            col("score", DataTypes.INT()),
            col("status", DataTypes.INT()),
            col("spent", DataTypes.DECIMAL(12, 6)));

    assertThat(l.structured()).isTrue();
    assertThat(l.schema().get("properties").asObject().names()).containsExactly("label", "score");
    RowData ok = l.success("{\"label\":\"bug\",\"score\":3}", USAGE, COST, 0, true);
    assertThat(ok.getString(0).toString()).isEqualTo("bug");
    assertThat(ok.isNullAt(1)).isTrue();
    assertThat(ok.getInt(2)).isEqualTo(3);
    assertThat(ok.isNullAt(3)).isTrue();
    assertThat(ok.getDecimal(4, 12, 6).toBigDecimal()).isEqualByComparingTo("0.00042");
    RowData failed = l.failure("429 exceeded_current_quota_error", 429, null, null, null);
    assertThat(failed.getString(1).toString()).isEqualTo("429 exceeded_current_quota_error");
    assertThat(failed.getInt(3)).isEqualTo(429);
    assertThat(failed.isNullAt(4)).isTrue();
  }

  @Test
  void oneReplyColumnBesideCarriersIsTheTextReply() {
    OutputLayout l =
        layout(
            Map.of("why", "error-string"),
            col("answer", DataTypes.STRING()),
            col("why", DataTypes.STRING()));

    assertThat(l.structured()).isFalse();
    assertThat(l.success("hello", USAGE, COST, 0, true).getString(0).toString()).isEqualTo("hello");
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(
      delimiter = '|',
      value = {
        "nope:error-string | names 'nope', which is not a column of the model's OUTPUT (answer"
            + " STRING, why STRING, status INT, meta STRING)",
        "why:http-headers | the unknown key 'http-headers'; the kimi provider fills error-string"
            + " STRING",
        "status:error-string | OUTPUT column 'status' carries 'error-string' (model option"
            + " 'metadata-columns'), so it must be STRING, not INT",
        "why:cost | so it must be DECIMAL or DOUBLE, not STRING",
        "meta:error-string | names the OUTPUT column 'meta', which is not a physical column",
        "answer:error-string,why:error-string,status:http-status-code | no physical column but"
            + " those 'metadata-columns' names"
      })
  void aWrongMetadataColumnsOptionFailsNamingTheColumnAndTheFix(String option, String message) {
    Map<String, String> carried = new java.util.LinkedHashMap<>();
    for (String pair : option.split(",")) {
      carried.put(pair.split(":")[0], pair.split(":")[1]);
    }
    assertThatThrownBy(
            () ->
                layout(
                    carried,
                    col("answer", DataTypes.STRING()),
                    col("why", DataTypes.STRING()),
                    col("status", DataTypes.INT()),
                    Column.metadata("meta", DataTypes.STRING(), "error-string", false)))
        .isInstanceOf(ValidationException.class)
        .hasMessageContaining(message);
  }

  @Test
  void aCarrierDeclaredNotNullIsRefused() {
    assertThatThrownBy(
            () ->
                layout(
                    Map.of("why", "error-string"),
                    col("answer", DataTypes.STRING()),
                    col("why", DataTypes.STRING().notNull())))
        .isInstanceOf(ValidationException.class)
        .hasMessageContaining("declare it without NOT NULL");
  }

  @Test
  void quotedServerTextIsEscapedAndBounded() {
    String quoted = OutputLayout.quote("a\"b\n\u001b[31m" + "x".repeat(500));

    assertThat(quoted)
        .startsWith("\"a\\\"b\\u000a\\u001b[31m")
        .endsWith("(309 more characters)")
        .doesNotContain("\n");
  }
}
