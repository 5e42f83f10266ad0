package io.github.kimisdk.flink;

import java.time.Duration;
import java.util.Map;
import org.apache.flink.configuration.ConfigOption;
import org.apache.flink.configuration.ConfigOptions;

/**
 * The options of the {@code kimi} model provider, as {@code CREATE MODEL ... WITH (...)} names
 * them. The options of Flink's own {@code openai} provider keep their names and meanings, so that a
 * job moves to Kimi by changing {@code 'provider'} alone; Kimi adds {@link #THINKING}, {@link
 * #REASONING_EFFORT}, the {@code rate-limit.*} options, {@link #HOST}, {@link #WEIGHT} and the
 * fallback targets' {@code fallback.N.*} options ({@link #fallbackHost(int)}), of which {@code
 * fallback.N.replica} makes a target a replica that shares the load of the one before it.
 *
 * <pre>{@code
 * CREATE MODEL summarizer
 * INPUT (text STRING) OUTPUT (summary STRING)
 * WITH ('provider' = 'kimi', 'model' = 'kimi-k3', 'thinking' = 'disabled',
 *       'rate-limit.max-concurrency' = '8');
 * }</pre>
 */
public final class KimiOptions {

  private KimiOptions() {}

  /**
   * The full chat completions URL, as for the {@code openai} provider ({@code
   * https://api.moonshot.ai/v1/chat/completions}); a base URL ending in {@code /v1} is taken too.
   * Left out: Kimi's global endpoint.
   */
  public static final ConfigOption<String> ENDPOINT =
      ConfigOptions.key("endpoint")
          .stringType()
          .noDefaultValue()
          .withDescription(
              "Full URL of the chat completions endpoint, such as"
                  + " https://api.moonshot.ai/v1/chat/completions; Kimi's global endpoint when"
                  + " left out.");

  /**
   * The dialect of the host {@link #ENDPOINT} names, as {@code Host.of(name, baseUrl)} reads it:
   * {@code moonshot} (the default), {@code moonshot-cn}, {@code kimi-code}, {@code openrouter},
   * {@code fireworks} and {@code together} (at their own URL when {@code endpoint} is left out),
   * {@code vllm} and {@code sglang} (which need {@code endpoint}), or any other name for an
   * OpenAI-compatible server that speaks as Moonshot does. The model keeps Kimi's name ({@code
   * kimi-k3}) and Kimi's rules; the host's model id, thinking switch and reasoning key are the
   * host's.
   */
  public static final ConfigOption<String> HOST =
      ConfigOptions.key("host")
          .stringType()
          .noDefaultValue()
          .withDescription(
              "The host's dialect: moonshot (the default), moonshot-cn, kimi-code, openrouter,"
                  + " fireworks, together, vllm, sglang, or another name for an OpenAI-compatible"
                  + " server that speaks as Moonshot does.");

  /**
   * The weight of the model's own target among the replicas that share its load ({@link
   * #fallbackReplica(int)} on {@code fallback.1}), from 1 to 1000: of members with equal room, one
   * of weight 2 gets twice the rows of one of weight 1. Left out: 1.
   */
  public static final ConfigOption<Integer> WEIGHT =
      ConfigOptions.key("weight")
          .intType()
          .noDefaultValue()
          .withDescription(
              "The model's own target's weight among its replicas (fallback.1.replica), from 1"
                  + " to 1000; 1 when left out.");

  /**
   * The prefix of a fallback target's options, {@code fallback.N.host}, {@code
   * fallback.N.endpoint}, {@code fallback.N.model}, {@code fallback.N.api-key}, {@code
   * fallback.N.replica} and {@code fallback.N.weight}, N from 1 to {@value #MAX_FALLBACKS}: a row
   * whose call finds its target overloaded (or its account out of quota) is sent to the next
   * target, in the order of N; a target with {@code replica} instead shares the load of the one
   * before it. See {@link #fallbackHost(int)}.
   */
  public static final String FALLBACK_PREFIX = "fallback.";

  /** The most fallback targets a model takes: the client takes 16 targets, its own included. */
  public static final int MAX_FALLBACKS = 15;

  /**
   * Fallback target {@code n}'s host dialect, as {@link #HOST} names one. With neither {@code
   * fallback.N.host} nor {@code fallback.N.endpoint}, the target is on the model's own host
   * (another model, or another account's key, there); with only {@code fallback.N.endpoint}, it
   * speaks as Moonshot does.
   *
   * @param n the target's place, from 1
   * @return the option {@code fallback.N.host}
   * @throws IllegalArgumentException if {@code n} is not in [1, {@value #MAX_FALLBACKS}]
   */
  public static ConfigOption<String> fallbackHost(int n) {
    return ConfigOptions.key(fallbackKey(n, "host"))
        .stringType()
        .noDefaultValue()
        .withDescription("Fallback target " + n + "'s host dialect, as 'host' names one.");
  }

  /**
   * Fallback target {@code n}'s full chat completions URL, as {@link #ENDPOINT} gives one. Left
   * out: the URL of {@code fallback.N.host} (which {@code vllm}, {@code sglang} and other servers
   * of a team's own do not have), or the model's own when {@code fallback.N.host} is left out too.
   *
   * @param n the target's place, from 1
   * @return the option {@code fallback.N.endpoint}
   * @throws IllegalArgumentException if {@code n} is not in [1, {@value #MAX_FALLBACKS}]
   */
  public static ConfigOption<String> fallbackEndpoint(int n) {
    return ConfigOptions.key(fallbackKey(n, "endpoint"))
        .stringType()
        .noDefaultValue()
        .withDescription("Fallback target " + n + "'s chat completions URL, as 'endpoint'.");
  }

  /**
   * The Kimi model fallback target {@code n} asks for, such as {@code kimi-k3}; Kimi's rules for it
   * are checked when the statement is planned. Left out: the model's {@code model}.
   *
   * @param n the target's place, from 1
   * @return the option {@code fallback.N.model}
   * @throws IllegalArgumentException if {@code n} is not in [1, {@value #MAX_FALLBACKS}]
   */
  public static ConfigOption<String> fallbackModel(int n) {
    return ConfigOptions.key(fallbackKey(n, "model"))
        .stringType()
        .noDefaultValue()
        .withDescription("The Kimi model fallback target " + n + " asks for; 'model' if unset.");
  }

  /**
   * Fallback target {@code n}'s key. Left out: the model's {@code api-key} when the target's URL is
   * the model's own, else no key (a vLLM or SGLang started without {@code --api-key}); a target on
   * Moonshot's platforms, or on the model's URL while the model's key comes from the TaskManager's
   * environment, needs one. Flink masks it as it masks {@code api-key} (its name contains {@code
   * api-key}).
   *
   * @param n the target's place, from 1
   * @return the option {@code fallback.N.api-key}
   * @throws IllegalArgumentException if {@code n} is not in [1, {@value #MAX_FALLBACKS}]
   */
  public static ConfigOption<String> fallbackApiKey(int n) {
    return ConfigOptions.key(fallbackKey(n, "api-key"))
        .stringType()
        .noDefaultValue()
        .withDescription("Fallback target " + n + "'s API key.");
  }

  /**
   * Whether target {@code n} is a replica of the target before it (the model's own for {@code
   * fallback.1}) rather than the next fallback: {@code true}, it joins that target's group and
   * shares its load ({@code KimiClient.Builder.replica}); a row goes to the member with the most
   * room under what it learnt of each member's concurrency, by {@link #fallbackWeight(int)}, and
   * spills to another member instead of waiting. Left out: {@code false}.
   *
   * @param n the target's place, from 1
   * @return the option {@code fallback.N.replica}
   * @throws IllegalArgumentException if {@code n} is not in [1, {@value #MAX_FALLBACKS}]
   */
  public static ConfigOption<Boolean> fallbackReplica(int n) {
    return ConfigOptions.key(fallbackKey(n, "replica"))
        .booleanType()
        .defaultValue(false)
        .withDescription(
            "Whether target " + n + " is a replica sharing the load of the target before it.");
  }

  /**
   * Target {@code n}'s weight among the members of its group ({@link #fallbackReplica(int)}), from
   * 1 to 1000. Left out: 1.
   *
   * @param n the target's place, from 1
   * @return the option {@code fallback.N.weight}
   * @throws IllegalArgumentException if {@code n} is not in [1, {@value #MAX_FALLBACKS}]
   */
  public static ConfigOption<Integer> fallbackWeight(int n) {
    return ConfigOptions.key(fallbackKey(n, "weight"))
        .intType()
        .noDefaultValue()
        .withDescription("Target " + n + "'s weight among its replicas, from 1 to 1000.");
  }

  /** The names a fallback target's options end with, after {@code fallback.N.}. */
  static final java.util.List<String> FALLBACK_OPTIONS =
      java.util.List.of("host", "endpoint", "model", "api-key", "replica", "weight");

  private static String fallbackKey(int n, String name) {
    if (n < 1 || n > MAX_FALLBACKS) {
      throw new IllegalArgumentException(
          "a fallback target's place is from 1 to " + MAX_FALLBACKS + ": " + n);
    }
    return FALLBACK_PREFIX + n + "." + name;
  }

  /**
   * The API key. Left out: read from the environment of each TaskManager as {@code
   * KimiClient.fromEnv()} reads it ({@code MOONSHOT_API_KEY}, {@code KIMI_API_KEY} or {@code
   * KIMI_CODING_API_KEY}). Flink masks options whose name contains {@code key} where it prints a
   * model's options; the provider never prints it.
   */
  public static final ConfigOption<String> API_KEY =
      ConfigOptions.key("api-key")
          .stringType()
          .noDefaultValue()
          .withDescription(
              "Kimi API key; read from the TaskManager's environment (MOONSHOT_API_KEY,"
                  + " KIMI_API_KEY or KIMI_CODING_API_KEY) when left out.");

  /** The model id, such as {@code kimi-k3}; checked against the SDK's model table. */
  public static final ConfigOption<String> MODEL =
      ConfigOptions.key("model")
          .stringType()
          .noDefaultValue()
          .withDescription("Model id, such as kimi-k3 or kimi-k2.6.");

  /** The system message of every call ({@code "You are a helpful assistant."} by default). */
  public static final ConfigOption<String> SYSTEM_PROMPT =
      ConfigOptions.key("system-prompt")
          .stringType()
          .defaultValue("You are a helpful assistant.")
          .withDeprecatedKeys("systemPrompt")
          .withDescription("The system message of a chat.");

  /** The sampling temperature, in [0, 1] for Kimi; checked against the model's fixed values. */
  public static final ConfigOption<Double> TEMPERATURE =
      ConfigOptions.key("temperature")
          .doubleType()
          .noDefaultValue()
          .withDescription("Sampling temperature in [0, 1]; some models fix it (kimi-k3: 1.0).");

  /** The nucleus sampling cutoff. */
  public static final ConfigOption<Double> TOP_P =
      ConfigOptions.key("top-p")
          .doubleType()
          .noDefaultValue()
          .withDeprecatedKeys("topP")
          .withDescription("The probability cutoff for token selection.");

  /** Stop sequences, separated by commas. */
  public static final ConfigOption<String> STOP =
      ConfigOptions.key("stop")
          .stringType()
          .noDefaultValue()
          .withDescription("A comma-separated list of stop sequences.");

  /** The most tokens one reply may have (sent as {@code max_completion_tokens}). */
  public static final ConfigOption<Long> MAX_TOKENS =
      ConfigOptions.key("max-tokens")
          .longType()
          .noDefaultValue()
          .withDeprecatedKeys("maxTokens")
          .withDescription("The maximum number of tokens of a reply, reasoning included.");

  /** The presence penalty; some models fix it. */
  public static final ConfigOption<Double> PRESENCE_PENALTY =
      ConfigOptions.key("presence-penalty")
          .doubleType()
          .noDefaultValue()
          .withDescription("Presence penalty; some models fix it (kimi-k3: 0).");

  /** How many choices per row; each choice is an output row. */
  public static final ConfigOption<Long> N =
      ConfigOptions.key("n")
          .longType()
          .noDefaultValue()
          .withDescription("Choices per input row; each choice is an output row.");

  /**
   * A sampling seed, sent as {@code seed}: a field Moonshot's API does not document and ignores, so
   * on its hosts the statement is refused unless {@link #DELIBERATE_FIELDS} names {@code seed}.
   */
  public static final ConfigOption<Long> SEED =
      ConfigOptions.key("seed")
          .longType()
          .noDefaultValue()
          .withDescription(
              "A sampling seed (best effort). Moonshot's API ignores it: refused there unless"
                  + " 'deliberate-fields' names seed.");

  /**
   * Top-level request fields sent deliberately, separated by commas ({@code seed}, {@code
   * thinking}): the client sends them as they are where it would refuse them for being fields Kimi
   * takes and ignores ({@code KimiClient.Builder.deliberateFields}).
   */
  public static final ConfigOption<String> DELIBERATE_FIELDS =
      ConfigOptions.key("deliberate-fields")
          .stringType()
          .noDefaultValue()
          .withDescription(
              "A comma-separated list of request fields sent as they are where Kimi would take"
                  + " and ignore them (seed on Moonshot's API, thinking on kimi-k3.1-pro, an"
                  + " unlisted reasoning-effort).");

  /**
   * The reply's format: {@code text} or {@code json_object}. An OUTPUT of several physical columns
   * asks for a JSON schema derived from them instead.
   */
  public static final ConfigOption<ResponseFormat> RESPONSE_FORMAT =
      ConfigOptions.key("response-format")
          .enumType(ResponseFormat.class)
          .noDefaultValue()
          .withDescription(
              "text or json_object; an OUTPUT of several columns asks for a JSON schema of them.");

  /** What a failed row does: {@code retry} (the default), {@code failover} or {@code ignore}. */
  public static final ConfigOption<ErrorHandlingStrategy> ERROR_HANDLING_STRATEGY =
      ConfigOptions.key("error-handling-strategy")
          .enumType(ErrorHandlingStrategy.class)
          .defaultValue(ErrorHandlingStrategy.RETRY)
          .withDescription(
              "retry: retry errors that can succeed on retry, then apply"
                  + " retry-fallback-strategy; failover: fail the job; ignore: emit the row with"
                  + " its error columns filled.");

  /**
   * Physical OUTPUT columns that carry a row's metadata instead of the reply, as {@code
   * 'column:key,column:key'}: the way a model created in SQL, where Flink takes no {@code METADATA}
   * column, gets a failed row's error and status, and each row's usage and cost. The keys are the
   * metadata columns' ({@code error-string}, {@code http-status-code}, {@code prompt-tokens},
   * {@code completion-tokens}, {@code reasoning-tokens}, {@code cached-tokens}, {@code cost}, and
   * {@code served-by}: 0 when the model's own endpoint answered, N when {@code fallback.N} did),
   * each column of the key's type and nullable; these columns are left out of the JSON schema asked
   * of the reply.
   *
   * <pre>{@code
   * CREATE MODEL triage INPUT (prompt STRING)
   * OUTPUT (answer STRING, why STRING, status INT, cost DECIMAL(20, 10))
   * WITH ('provider' = 'kimi', 'model' = 'kimi-k3', 'error-handling-strategy' = 'ignore',
   *       'metadata-columns' = 'why:error-string,status:http-status-code,cost:cost');
   * }</pre>
   */
  public static final ConfigOption<Map<String, String>> METADATA_COLUMNS =
      ConfigOptions.key("metadata-columns")
          .mapType()
          .noDefaultValue()
          .withDescription(
              "Physical OUTPUT columns filled with metadata instead of the reply, as"
                  + " 'column:key,column:key' (keys: error-string, http-status-code,"
                  + " prompt-tokens, completion-tokens, reasoning-tokens, cached-tokens, cost,"
                  + " served-by);"
                  + " for models created in SQL, which take no METADATA columns.");

  /**
   * How many times the client retries a row's call under {@code retry} after an error that can
   * succeed on retry (a 5xx, an overloaded engine, a connection failure), from 0 to {@code
   * RetryPolicy.MAX_RETRIES} (1,000): the client's {@code RetryPolicy}, so its rules hold (K3's
   * base64url 400 retried once per call, a server's asked wait honoured). Kimi's rate-limit 429 and
   * a host's refusal for its concurrency are waited out without counting, and an error that cannot
   * succeed (a quota 429, a 4xx) is never retried.
   */
  public static final ConfigOption<Integer> RETRY_NUM =
      ConfigOptions.key("retry-num")
          .intType()
          .defaultValue(100)
          .withDescription(
              "Retries of an error that can succeed on retry (0 to 1000); rate limits are waited"
                  + " out without counting, and an error that cannot succeed is never retried.");

  /** What {@code retry} does once a row's retries are spent: {@code failover} or {@code ignore}. */
  public static final ConfigOption<RetryFallbackStrategy> RETRY_FALLBACK_STRATEGY =
      ConfigOptions.key("retry-fallback-strategy")
          .enumType(RetryFallbackStrategy.class)
          .defaultValue(RetryFallbackStrategy.FAILOVER)
          .withDescription("failover or ignore, once retries are spent or cannot help.");

  /**
   * Whether the model thinks: {@code enabled} or {@code disabled}; the model's default if unset.
   */
  public static final ConfigOption<Thinking> THINKING =
      ConfigOptions.key("thinking")
          .enumType(Thinking.class)
          .noDefaultValue()
          .withDescription("enabled or disabled; the model's default when left out.");

  /** How hard the model thinks, such as {@code low}, {@code high} or {@code max} for kimi-k3. */
  public static final ConfigOption<String> REASONING_EFFORT =
      ConfigOptions.key("reasoning-effort")
          .stringType()
          .noDefaultValue()
          .withDescription(
              "The reasoning effort, one of the model's levels (kimi-k3: low, high," + " max).");

  /** Calls in flight at once, for every subtask of the JVM (or of the account, with Redis). */
  public static final ConfigOption<Integer> RATE_LIMIT_MAX_CONCURRENCY =
      ConfigOptions.key("rate-limit.max-concurrency")
          .intType()
          .noDefaultValue()
          .withDescription(
              "Calls in flight at once: per JVM, or for the whole account with rate-limit.redis.");

  /** Requests per rolling minute. */
  public static final ConfigOption<Integer> RATE_LIMIT_REQUESTS_PER_MINUTE =
      ConfigOptions.key("rate-limit.requests-per-minute")
          .intType()
          .noDefaultValue()
          .withDescription("Requests per rolling minute.");

  /** Tokens per rolling minute (the prompt estimate plus the reply's cap). */
  public static final ConfigOption<Long> RATE_LIMIT_TOKENS_PER_MINUTE =
      ConfigOptions.key("rate-limit.tokens-per-minute")
          .longType()
          .noDefaultValue()
          .withDescription("Tokens per rolling minute (prompt estimate plus the reply's cap).");

  /**
   * The account whose budget is shared through {@link #RATE_LIMIT_REDIS}: an organisation id or a
   * team name, never the key (it is written into Redis keys).
   */
  public static final ConfigOption<String> RATE_LIMIT_ACCOUNT =
      ConfigOptions.key("rate-limit.account")
          .stringType()
          .noDefaultValue()
          .withDescription(
              "The account whose limits every subtask of every TaskManager shares through"
                  + " rate-limit.redis (an organisation id or team name, never the key).");

  /**
   * A {@code redis://} or {@code rediss://} URI: every subtask of every TaskManager that names the
   * same {@link #RATE_LIMIT_ACCOUNT} shares one budget through it ({@code kimi-sdk-redis} on Jedis,
   * which the job or {@code lib/} must then hold).
   */
  public static final ConfigOption<String> RATE_LIMIT_REDIS =
      ConfigOptions.key("rate-limit.redis")
          .stringType()
          .noDefaultValue()
          .withDescription(
              "redis:// or rediss:// URI of the Redis that shares rate-limit.account's budget.");

  /**
   * Whether a Redis that just started waits a third of the lease before its first slot (true, the
   * default, as {@code kimi-sdk-redis} does after a restart); false only for a Redis of a test's
   * own.
   */
  public static final ConfigOption<Boolean> RATE_LIMIT_REDIS_RESTART_WAIT =
      ConfigOptions.key("rate-limit.redis.restart-wait")
          .booleanType()
          .defaultValue(true)
          .withDescription(
              "Whether a freshly started Redis gives no slot for a third of the lease (keep true"
                  + " in production).");

  /** The longest a row waits for the rate limiter before it fails; unbounded by default. */
  public static final ConfigOption<Duration> RATE_LIMIT_MAX_QUEUE_WAIT =
      ConfigOptions.key("rate-limit.max-queue-wait")
          .durationType()
          .noDefaultValue()
          .withDescription(
              "The longest one call waits for the rate limiter; by default as long as it takes"
                  + " (Flink's table.exec.async-ml-predict.timeout bounds a row).");

  /** The values of {@link #ERROR_HANDLING_STRATEGY}, as the {@code openai} provider names them. */
  public enum ErrorHandlingStrategy {
    /** Retries errors that can succeed on retry, then applies the fallback strategy. */
    RETRY,
    /** Fails the job with Kimi's error. */
    FAILOVER,
    /** Emits the row with its error columns filled. */
    IGNORE
  }

  /** The values of {@link #RETRY_FALLBACK_STRATEGY}. */
  public enum RetryFallbackStrategy {
    /** Fails the job with Kimi's error. */
    FAILOVER,
    /** Emits the row with its error columns filled. */
    IGNORE
  }

  /** The values of {@link #THINKING}. */
  public enum Thinking {
    /** The model thinks before it answers. */
    ENABLED,
    /** The model answers without thinking. */
    DISABLED
  }

  /** The values of {@link #RESPONSE_FORMAT}. */
  public enum ResponseFormat {
    /** Plain text. */
    TEXT("text"),
    /** One JSON object. */
    JSON_OBJECT("json_object");

    private final String value;

    ResponseFormat(String value) {
      this.value = value;
    }

    /** {@return the option's value, as Kimi's {@code response_format.type} names it} */
    @Override
    public String toString() {
      return value;
    }
  }
}
