package io.github.kimisdk.flink;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.table.api.EnvironmentSettings;
import org.apache.flink.table.api.TableEnvironment;
import org.apache.flink.table.api.TableResult;
import org.apache.flink.types.Row;
import org.apache.flink.util.CloseableIterator;

/**
 * A local Flink for the tests: one streaming {@link TableEnvironment} (each query a job on a local
 * mini cluster in this JVM), and the statements the tests share: a {@code VALUES} view of prompts
 * and a model's {@code CREATE MODEL} written as for Flink's {@code openai} provider.
 */
final class LocalFlink {

  private static LocalFlink shared; // guarded by the class
  private static final java.util.concurrent.atomic.AtomicInteger MODELS =
      new java.util.concurrent.atomic.AtomicInteger();

  final TableEnvironment env;

  private LocalFlink(TableEnvironment env) {
    this.env = env;
  }

  /**
   * The test JVM's table environment, its jobs at parallelism 2, shared by the test classes (each
   * names its own views and models): the planner starts once per fork.
   */
  static synchronized LocalFlink shared() {
    if (shared == null) {
      shared = start(2);
    }
    return shared;
  }

  /** A table environment whose jobs run at {@code parallelism}. */
  static LocalFlink start(int parallelism) {
    Configuration c = new Configuration();
    c.setString("parallelism.default", Integer.toString(parallelism));
    c.setString("rest.bind-address", "127.0.0.1");
    c.setString("taskmanager.numberOfTaskSlots", Integer.toString(Math.max(parallelism, 1)));
    return new LocalFlink(
        TableEnvironment.create(
            EnvironmentSettings.newInstance().inStreamingMode().withConfiguration(c).build()));
  }

  /** Registers {@code name} as a view of {@code prompts}, with their ids (1, 2, ...). */
  void prompts(String name, List<String> prompts) {
    List<String> rows = new ArrayList<>();
    for (int i = 0; i < prompts.size(); i++) {
      rows.add("(" + (i + 1) + ", '" + prompts.get(i).replace("'", "''") + "')");
    }
    env.executeSql(
        "CREATE TEMPORARY VIEW "
            + name
            + " AS SELECT * FROM (VALUES "
            + String.join(", ", rows)
            + ") AS t(id, prompt)");
  }

  /** A kimi model's options on {@code server}'s chat completions URL: kimi-k3 with {@code key}. */
  static Map<String, String> kimi(io.github.kimisdk.testing.FakeKimiServer server, String key) {
    Map<String, String> o = new java.util.LinkedHashMap<>();
    o.put("provider", "kimi");
    o.put("endpoint", server.baseUrl() + "/chat/completions");
    o.put("api-key", key);
    o.put("model", "kimi-k3");
    return o;
  }

  /**
   * Creates a temporary model in SQL, as the SQL client creates one: INPUT {@code prompt STRING},
   * OUTPUT {@code output}, the {@code options}; returns its name, new for each model of the JVM.
   */
  String createModel(String output, Map<String, String> options) {
    String name = "sql_model" + MODELS.incrementAndGet();
    env.executeSql(
        "CREATE TEMPORARY MODEL "
            + name
            + " INPUT (prompt STRING) OUTPUT ("
            + output
            + ") "
            + with(options));
    return name;
  }

  /** The {@code WITH} clause of {@code options}, in their order. */
  static String with(Map<String, String> options) {
    return options.entrySet().stream()
        .map(e -> "'" + e.getKey() + "' = '" + e.getValue().replace("'", "''") + "'")
        .collect(Collectors.joining(", ", "WITH (", ")"));
  }

  /** Runs {@code sql} and returns every row it gives. */
  List<Row> rows(String sql) throws Exception {
    TableResult result = env.executeSql(sql);
    List<Row> out = new ArrayList<>();
    CloseableIterator<Row> it = result.collect();
    try {
      it.forEachRemaining(out::add);
    } finally {
      it.close();
    }
    return out;
  }
}
