package io.github.kimisdk.flink;

import org.apache.flink.table.functions.AsyncPredictFunction;
import org.apache.flink.table.ml.AsyncPredictRuntimeProvider;
import org.apache.flink.table.ml.ModelProvider;

/**
 * The {@code kimi} provider of one model, as {@link KimiModelProviderFactory} made it when the
 * statement was planned: its options already checked against the model's rules. Immutable.
 */
public final class KimiModelProvider implements AsyncPredictRuntimeProvider {

  private final ModelSettings settings;
  private final OutputLayout layout;

  KimiModelProvider(ModelSettings settings, OutputLayout layout) {
    this.settings = settings;
    this.layout = layout;
  }

  /**
   * Returns the function that calls Kimi for each row.
   *
   * @param context the planner's context
   * @return the function
   */
  @Override
  public AsyncPredictFunction createAsyncPredictFunction(ModelProvider.Context context) {
    return new KimiPredictFunction(settings, layout);
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
