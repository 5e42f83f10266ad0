package com.example.flink;

import io.github.kimisdk.testing.FakeKimiServer;
import java.math.BigDecimal;
import java.nio.file.Path;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.table.api.DataTypes;
import org.apache.flink.table.api.EnvironmentSettings;
import org.apache.flink.table.api.ModelDescriptor;
import org.apache.flink.table.api.Schema;
import org.apache.flink.table.api.TableEnvironment;
import org.apache.flink.types.Row;
import org.apache.flink.util.CloseableIterator;

/**
 * Support tickets from a CSV file through Kimi, in Flink SQL: each row's prompt goes through
 * ML_PREDICT with the kimi model provider, and the answer, any error and the cost come out beside
 * the ticket. With MOONSHOT_API_KEY (or KIMI_API_KEY) set it calls Kimi; without, FakeKimiServer on
 * loopback answers (it echoes the prompt).
 */
public final class TicketTriage {

  private TicketTriage() {}

  public static void main(String[] args) throws Exception {
    Path csv = Path.of(args.length > 0 ? args[0] : "tickets.csv").toAbsolutePath();
    boolean offline = System.getenv("MOONSHOT_API_KEY") == null && System.getenv("KIMI_API_KEY") == null;
    FakeKimiServer fake = offline ? new FakeKimiServer().start() : null;
    try {
      if (offline) {
        System.out.println("No API key: using FakeKimiServer at " + fake.baseUrl() + " (offline)");
      }
      // The job names its own classes, as a job submitted to a cluster names its jar. A local
      // job that names none is read back by Flink's JobManager with the JVM's system class loader,
      // which under exec:java (or any launcher with a class loader of its own) holds no Flink:
      // "ClassNotFoundException: ...AsyncWaitOperatorFactory". Named, the job gets a class loader
      // of its own over the one that loaded Flink, wherever that is.
      Configuration local = new Configuration();
      local.setString(
          "pipeline.classpaths",
          TicketTriage.class.getProtectionDomain().getCodeSource().getLocation().toString());
      TableEnvironment env =
          TableEnvironment.create(
              EnvironmentSettings.newInstance().inBatchMode().withConfiguration(local).build());
      env.executeSql(
          "CREATE TABLE tickets (id INT, prompt STRING) WITH ("
              + "'connector' = 'filesystem', 'path' = '"
              + csv.toUri()
              + "', 'format' = 'csv')");

      // The error and cost columns are metadata columns, which Flink's CREATE MODEL refuses in
      // SQL: the model is declared with the Table API, then used from SQL as any other.
      ModelDescriptor.Builder triage =
          ModelDescriptor.forProvider("kimi")
              .inputSchema(Schema.newBuilder().column("prompt", DataTypes.STRING()).build())
              .outputSchema(
                  Schema.newBuilder()
                      .column("answer", DataTypes.STRING())
                      .columnByMetadata("error-string", DataTypes.STRING())
                      .columnByMetadata("cost", DataTypes.DECIMAL(20, 10))
                      .build())
              .option("model", "kimi-k3")
              .option("system-prompt", "Label the ticket: bug, feature or question.")
              .option("thinking", "disabled")
              .option("max-tokens", "200")
              .option("rate-limit.max-concurrency", "4")
              .option("error-handling-strategy", "ignore");
      if (offline) {
        triage.option("endpoint", fake.baseUrl() + "/chat/completions").option("api-key", "sk-fake");
      } // else: the key from the environment, Kimi's global endpoint
      env.createTemporaryModel("triage", triage.build());

      BigDecimal total = BigDecimal.ZERO;
      CloseableIterator<Row> rows =
          env.executeSql(
                  "SELECT id, answer, `error-string`, cost"
                      + " FROM ML_PREDICT(TABLE tickets, MODEL triage, DESCRIPTOR(prompt))"
                      + " ORDER BY id")
              .collect();
      try {
        while (rows.hasNext()) {
          Row r = rows.next();
          BigDecimal cost = (BigDecimal) r.getField(3);
          total = cost == null ? total : total.add(cost);
          System.out.println(
              "#"
                  + r.getField(0)
                  + " "
                  + (r.getField(1) != null ? r.getField(1) : "failed: " + r.getField(2))
                  + (cost == null ? "" : " [$" + cost.stripTrailingZeros().toPlainString() + "]"));
        }
      } finally {
        rows.close();
      }
      System.out.println("[cost] $" + total.stripTrailingZeros().toPlainString() + " in all");
    } finally {
      if (fake != null) {
        fake.close();
      }
    }
  }
}
