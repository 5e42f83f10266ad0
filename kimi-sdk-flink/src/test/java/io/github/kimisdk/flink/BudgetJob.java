package io.github.kimisdk.flink;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.flink.types.Row;

/**
 * A Flink job in a JVM of its own, for {@link SharedBudgetTest}: it starts a local Flink, prints
 * {@code ready}, and then, for each line of standard input (a model's options, {@code k=v}
 * separated by {@code ;}), runs ML_PREDICT over {@code rows} prompts and prints {@code done <rows
 * out> <rows with an error>}. An empty line ends it.
 */
final class BudgetJob {

  private BudgetJob() {}

  public static void main(String[] args) throws Exception {
    int rows = Integer.parseInt(args[0]);
    LocalFlink flink = LocalFlink.start(2);
    List<String> prompts = new ArrayList<>();
    for (int i = 0; i < rows; i++) {
      prompts.add("row " + i);
    }
    flink.prompts("work", prompts);
    System.out.println("ready");
    BufferedReader in =
        new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
    int job = 0;
    for (String line = in.readLine(); line != null && !line.isEmpty(); line = in.readLine()) {
      Map<String, String> options = new LinkedHashMap<>();
      options.put("provider", "kimi");
      for (String kv : line.split(";")) {
        int eq = kv.indexOf('=');
        options.put(kv.substring(0, eq), kv.substring(eq + 1));
      }
      String model = "budget" + ++job;
      flink.env.executeSql(
          "CREATE TEMPORARY MODEL "
              + model
              + " INPUT (prompt STRING) OUTPUT (answer STRING) "
              + LocalFlink.with(options));
      List<Row> out =
          flink.rows(
              "SELECT * FROM ML_PREDICT(TABLE work, MODEL " + model + ", DESCRIPTOR(prompt))");
      long failed = out.stream().filter(r -> r.getField(2) == null).count();
      System.out.println("done " + out.size() + " " + failed);
    }
  }
}
