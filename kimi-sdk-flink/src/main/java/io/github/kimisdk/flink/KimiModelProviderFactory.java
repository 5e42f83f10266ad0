package io.github.kimisdk.flink;

import io.github.kimisdk.model.ModelCatalog;
import java.util.Map;
import java.util.Set;
import org.apache.flink.configuration.ConfigOption;
import org.apache.flink.table.api.ValidationException;
import org.apache.flink.table.catalog.ResolvedCatalogModel;
import org.apache.flink.table.factories.FactoryUtil;
import org.apache.flink.table.factories.ModelProviderFactory;
import org.apache.flink.table.ml.ModelProvider;

/**
 * Kimi as a Flink model provider: {@code CREATE MODEL ... WITH ('provider' = 'kimi', ...)}, for
 * {@code ML_PREDICT} in SQL and {@code Model.predict} in the Table API. Registered through {@code
 * META-INF/services/org.apache.flink.table.factories.Factory}; the options are {@link
 * KimiOptions}'s.
 *
 * <pre>{@code
 * CREATE MODEL triage INPUT (prompt STRING) OUTPUT (answer STRING)
 * WITH ('provider' = 'kimi', 'model' = 'kimi-k3', 'reasoning-effort' = 'low');
 * SELECT id, answer FROM ML_PREDICT(TABLE tickets, MODEL triage, DESCRIPTOR(prompt));
 * }</pre>
 *
 * <p>When a statement that uses the model is planned, the options are read and checked against the
 * SDK's model table as a client checks every call: an option Kimi would refuse for every row (such
 * as {@code temperature} 0.3 for kimi-k3 while it thinks) fails the statement, naming the option
 * and the fix, before any request; a model id the table does not know is warned about, as the SDK
 * warns.
 */
public final class KimiModelProviderFactory implements ModelProviderFactory {

  /** The provider's identifier: {@code 'provider' = 'kimi'}. */
  public static final String IDENTIFIER = "kimi";

  private static final System.Logger LOG = System.getLogger("io.github.kimisdk.flink");

  /** Creates the factory; Flink finds it through {@link java.util.ServiceLoader}. */
  public KimiModelProviderFactory() {}

  /** {@return {@value #IDENTIFIER}} */
  @Override
  public String factoryIdentifier() {
    return IDENTIFIER;
  }

  /**
   * {@return {@code model}, the one required option: every other has a default, and the key may
   * come from the TaskManager's environment}
   */
  @Override
  public Set<ConfigOption<?>> requiredOptions() {
    return Set.of(KimiOptions.MODEL);
  }

  /**
   * {@return every other option of {@link KimiOptions} but the fallback targets' ({@code
   * fallback.N.*}), whose keys are numbered: the provider checks those itself}
   */
  @Override
  public Set<ConfigOption<?>> optionalOptions() {
    return Set.of(
        KimiOptions.HOST,
        KimiOptions.WEIGHT,
        KimiOptions.ENDPOINT,
        KimiOptions.API_KEY,
        KimiOptions.SYSTEM_PROMPT,
        KimiOptions.TEMPERATURE,
        KimiOptions.TOP_P,
        KimiOptions.STOP,
        KimiOptions.MAX_TOKENS,
        KimiOptions.PRESENCE_PENALTY,
        KimiOptions.N,
        KimiOptions.SEED,
        KimiOptions.DELIBERATE_FIELDS,
        KimiOptions.RESPONSE_FORMAT,
        KimiOptions.METADATA_COLUMNS,
        KimiOptions.ERROR_HANDLING_STRATEGY,
        KimiOptions.RETRY_NUM,
        KimiOptions.RETRY_FALLBACK_STRATEGY,
        KimiOptions.THINKING,
        KimiOptions.REASONING_EFFORT,
        KimiOptions.RATE_LIMIT_MAX_CONCURRENCY,
        KimiOptions.RATE_LIMIT_REQUESTS_PER_MINUTE,
        KimiOptions.RATE_LIMIT_TOKENS_PER_MINUTE,
        KimiOptions.RATE_LIMIT_ACCOUNT,
        KimiOptions.RATE_LIMIT_REDIS,
        KimiOptions.RATE_LIMIT_REDIS_RESTART_WAIT,
        KimiOptions.RATE_LIMIT_MAX_QUEUE_WAIT);
  }

  /**
   * Reads and checks the model's options and schemas, and returns its provider.
   *
   * @param context the model, its options and the planner's class loader
   * @return the provider
   * @throws ValidationException if an option is unknown or malformed, the schemas do not fit, or
   *     Kimi would refuse every row (naming the option and the fix)
   */
  @Override
  public ModelProvider createModelProvider(Context context) {
    FactoryUtil.ModelProviderFactoryHelper helper =
        FactoryUtil.createModelProviderFactoryHelper(this, context);
    helper.validateExcept(KimiOptions.FALLBACK_PREFIX); // ModelSettings checks fallback.N.*
    ResolvedCatalogModel model = context.getCatalogModel();
    OutputLayout.checkInput(model.getResolvedInputSchema());
    OutputLayout layout =
        OutputLayout.of(
            model.getResolvedOutputSchema(),
            helper.getOptions().getOptional(KimiOptions.METADATA_COLUMNS).orElse(Map.of()));
    ModelSettings settings = ModelSettings.of(helper.getOptions());
    if (settings.redis() != null) {
      requireRedisClasses(context.getClassLoader());
    }
    for (String w : settings.check(ModelCatalog.defaults(), layout)) {
      LOG.log(
          System.Logger.Level.WARNING,
          "Model " + context.getObjectIdentifier().asSummaryString() + ": " + w);
    }
    return new KimiModelProvider(
        settings, layout, context.getConfiguration().get(KimiModelProvider.PREDICT_TIMEOUT));
  }

  private static void requireRedisClasses(ClassLoader loader) {
    String[][] needed = {
      {"io.github.kimisdk.redis.RedisRateLimitStore", "io.github.kimisdk:kimi-sdk-redis"},
      {"redis.clients.jedis.RedisClient", "redis.clients:jedis"}
    };
    for (String[] c : needed) {
      try {
        Class.forName(c[0], false, loader);
      } catch (ClassNotFoundException e) {
        throw new ValidationException(
            "Model option 'rate-limit.redis' needs "
                + c[1]
                + " on the class path: add it to the job's jar (or to Flink's lib/) beside"
                + " kimi-sdk-flink.");
      }
    }
  }
}
