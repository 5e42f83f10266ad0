package io.github.kimisdk.flink;

import java.time.Duration;
import org.apache.flink.configuration.ConfigOption;
import org.apache.flink.configuration.ConfigOptions;
import org.apache.flink.table.functions.AsyncPredictFunction;
import org.apache.flink.table.ml.AsyncPredictRuntimeProvider;
import org.apache.flink.table.ml.ModelProvider;

/**
 * The {@code kimi} provider of one model, as {@link KimiModelProviderFactory} made it when the
 * statement was planned: its options already checked against the model's rules. Immutable.
 */
public final class KimiModelProvider implements AsyncPredictRuntimeProvider {

  /**
   * Flink's bound on one row of an asynchronous {@code ML_PREDICT} (3 minutes by default), as the
   * session sets it; read here by name, since it is declared in the Table API, which the provider
   * does not depend on.
   */
  static final ConfigOption<Duration> PREDICT_TIMEOUT =
      ConfigOptions.key("table.exec.async-ml-predict.timeout")
          .durationType()
          .defaultValue(Duration.ofMinutes(3));

  /** The same bound as one query's {@code ML_PREDICT(..., MAP['timeout', '...'])} sets it. */
  static final ConfigOption<Duration> QUERY_TIMEOUT =
      ConfigOptions.key("timeout").durationType().noDefaultValue();

  private final ModelSettings settings;
  private final OutputLayout layout;
  private final Duration timeout;

  KimiModelProvider(ModelSettings settings, OutputLayout layout, Duration timeout) {
    this.settings = settings;
    this.layout = layout;
    this.timeout = timeout;
  }

  /**
   * Returns the function that calls Kimi for each row, its calls waiting on rate limits for up to
   * Flink's timeout of a row: the query's {@code timeout}, else the session's {@code
   * table.exec.async-ml-predict.timeout}.
   *
   * @param context the planner's context, with the query's runtime options
   * @return the function
   */
  @Override
  public AsyncPredictFunction createAsyncPredictFunction(ModelProvider.Context context) {
    Duration rowTimeout = context.runtimeConfig().getOptional(QUERY_TIMEOUT).orElse(timeout);
    return new KimiPredictFunction(settings, layout, rowTimeout);
  }

  /**
   * Returns this provider: it is immutable.
   *
   * @return this provider
   */
  @Override
  public ModelProvider copy() {
    return this;
  }

  /** {@return the model and endpoint, never the key} */
  @Override
  public String toString() {
    return "KimiModelProvider(" + settings + ")";
  }
}
