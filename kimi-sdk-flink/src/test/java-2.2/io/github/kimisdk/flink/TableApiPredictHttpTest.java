package io.github.kimisdk.flink;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.kimisdk.testing.FakeKimiExtension;
import io.github.kimisdk.testing.FakeKimiServer;
import java.util.ArrayList;
import java.util.List;
import org.apache.flink.table.api.DataTypes;
import org.apache.flink.table.api.ModelDescriptor;
import org.apache.flink.table.api.Schema;
import org.apache.flink.table.api.Table;
import org.apache.flink.types.ColumnList;
import org.apache.flink.types.Row;
import org.apache.flink.util.CloseableIterator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * {@code Model.predict} of the Table API (Flink 2.2 and later). Its metadata columns are reached
 * through SQL's {@code ML_PREDICT} on a model the Table API created ({@code
 * KimiModelProviderHttpTest}): in Flink 2.3 {@code Model.predict} over a model with metadata
 * columns fails in Flink's own operators ("Row arity: 6, but serializer arity: 2"), whatever the
 * provider.
 */
@ExtendWith(FakeKimiExtension.class)
class TableApiPredictHttpTest {

  @Test
  void modelPredictAnswersEachRow(FakeKimiServer server) throws Exception {
    LocalFlink flink = LocalFlink.shared();
    ModelDescriptor model =
        ModelDescriptor.forProvider("kimi")
            .inputSchema(Schema.newBuilder().column("prompt", DataTypes.STRING()).build())
            .outputSchema(Schema.newBuilder().column("answer", DataTypes.STRING()).build())
            .option("endpoint", server.baseUrl())
            .option("api-key", "sk-table-api")
            .option("model", "kimi-k3")
            .option("thinking", "disabled")
            .build();
    Table prompts =
        flink.env.fromValues(
            DataTypes.ROW(DataTypes.FIELD("prompt", DataTypes.STRING())),
            Row.of("first"),
            Row.of("second"));

    Table out = flink.env.fromModel(model).predict(prompts, ColumnList.of("prompt"));

    List<Row> rows = new ArrayList<>();
    CloseableIterator<Row> it = out.execute().collect();
    try {
      it.forEachRemaining(rows::add);
    } finally {
      it.close();
    }
    assertThat(rows)
        .extracting(r -> r.getField(1))
        .containsExactlyInAnyOrder("You said: first", "You said: second");
    assertThat(server.requests())
        .allSatisfy(r -> assertThat(r.json().get("thinking").get("type").asString())
            .isEqualTo("disabled"));
  }
}
