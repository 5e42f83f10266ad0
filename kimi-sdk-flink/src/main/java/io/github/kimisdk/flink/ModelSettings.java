package io.github.kimisdk.flink;

import io.github.kimisdk.Endpoint;
import io.github.kimisdk.KimiClient;
import io.github.kimisdk.RateLimit;
import io.github.kimisdk.RetryPolicy;
import io.github.kimisdk.chat.ChatRequest;
import io.github.kimisdk.chat.ResponseFormat;
import io.github.kimisdk.chat.Thinking;
import io.github.kimisdk.errors.ConfigurationException;
import io.github.kimisdk.flink.KimiOptions.ErrorHandlingStrategy;
import io.github.kimisdk.flink.KimiOptions.RetryFallbackStrategy;
import io.github.kimisdk.json.JsonNumber;
import io.github.kimisdk.model.ModelCatalog;
import java.io.Serializable;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.apache.flink.configuration.ReadableConfig;
import org.apache.flink.table.api.ValidationException;

/**
 * A model's options as read once, when the statement is planned: what each call sends, how a failed
 * row is handled, and the client the calls share. Serialized into the job with the predict
 * function; its {@link #toString()} never holds the key, nor a Redis URI's password.
 */
final class ModelSettings implements Serializable {

  private static final long serialVersionUID = 1L;
  private static final String CHAT_SUFFIX = "/chat/completions";

  /**
   * A request option, the wire member it is sent as, and its value (null: not set); made for a
   * planning message, never serialized.
   */
  private record Sent(String option, String member, String value) {}

  final String baseUrl; // null: Kimi's global endpoint
  private final String apiKey; // null: the environment's, read where the client is built
  final String model;
  final String systemPrompt;
  final Double temperature;
  final Double topP;

  @SuppressWarnings("serial") // List.copyOf: an immutable list, serializable
  final List<String> stop;

  final Long maxTokens;
  final Double presencePenalty;
  final Long n;
  final Long seed;
  final KimiOptions.ResponseFormat responseFormat;
  final KimiOptions.Thinking thinking;
  final String reasoningEffort;
  final ErrorHandlingStrategy errorHandling;
  final int retryNum;
  final RetryFallbackStrategy retryFallback;
  final Integer maxConcurrency;
  final Integer requestsPerMinute;
  final Long tokensPerMinute;
  final String account;
  private final String redis; // may hold a password: never printed
  final boolean redisRestartWait;
  final Duration maxQueueWait;

  private ModelSettings(ReadableConfig c) {
    String endpoint = c.get(KimiOptions.ENDPOINT);
    this.baseUrl = endpoint == null ? null : baseUrlOf(endpoint.trim());
    this.apiKey = c.get(KimiOptions.API_KEY);
    this.model = c.get(KimiOptions.MODEL);
    this.systemPrompt = c.get(KimiOptions.SYSTEM_PROMPT);
    this.temperature = c.get(KimiOptions.TEMPERATURE);
    this.topP = c.get(KimiOptions.TOP_P);
    String stops = c.get(KimiOptions.STOP);
    this.stop = stops == null ? null : List.copyOf(Arrays.asList(stops.split(",")));
    this.maxTokens = c.get(KimiOptions.MAX_TOKENS);
    this.presencePenalty = c.get(KimiOptions.PRESENCE_PENALTY);
    this.n = c.get(KimiOptions.N);
    this.seed = c.get(KimiOptions.SEED);
    this.responseFormat = c.get(KimiOptions.RESPONSE_FORMAT);
    this.thinking = c.get(KimiOptions.THINKING);
    this.reasoningEffort = c.get(KimiOptions.REASONING_EFFORT);
    this.errorHandling = c.get(KimiOptions.ERROR_HANDLING_STRATEGY);
    this.retryNum = c.get(KimiOptions.RETRY_NUM);
    this.retryFallback = c.get(KimiOptions.RETRY_FALLBACK_STRATEGY);
    this.maxConcurrency = c.get(KimiOptions.RATE_LIMIT_MAX_CONCURRENCY);
    this.requestsPerMinute = c.get(KimiOptions.RATE_LIMIT_REQUESTS_PER_MINUTE);
    this.tokensPerMinute = c.get(KimiOptions.RATE_LIMIT_TOKENS_PER_MINUTE);
    this.account = c.get(KimiOptions.RATE_LIMIT_ACCOUNT);
    this.redis = c.get(KimiOptions.RATE_LIMIT_REDIS);
    this.redisRestartWait = c.get(KimiOptions.RATE_LIMIT_REDIS_RESTART_WAIT);
    this.maxQueueWait = c.get(KimiOptions.RATE_LIMIT_MAX_QUEUE_WAIT);
  }

  /**
   * Reads the options and checks every rule that does not depend on the model (ranges, the pairs
   * that go together); {@link #check(ModelCatalog, OutputLayout)} checks the model's.
   *
   * @throws ValidationException naming the option and the fix
   */
  static ModelSettings of(ReadableConfig config) {
    ModelSettings s = new ModelSettings(config);
    if (s.model == null || s.model.isBlank()) {
      throw new ValidationException(
          "Model option 'model' is missing: name a Kimi model, such as 'model' = 'kimi-k3'.");
    }
    if (s.retryNum < 0) {
      throw new ValidationException(
          "Model option 'retry-num' must not be negative: " + s.retryNum + ".");
    }
    positive(KimiOptions.RATE_LIMIT_MAX_CONCURRENCY.key(), s.maxConcurrency);
    positive(KimiOptions.RATE_LIMIT_REQUESTS_PER_MINUTE.key(), s.requestsPerMinute);
    positive(KimiOptions.RATE_LIMIT_TOKENS_PER_MINUTE.key(), s.tokensPerMinute);
    if ((s.account == null) != (s.redis == null)) {
      throw new ValidationException(
          "Model options 'rate-limit.account' and 'rate-limit.redis' go together: the account's"
              + " budget is shared through that Redis. Set both (and a limit, such as"
              + " 'rate-limit.max-concurrency'), or neither.");
    }
    if (s.redis != null) {
      URI uri;
      try {
        uri = URI.create(s.redis);
      } catch (IllegalArgumentException e) {
        throw new ValidationException(
            "Model option 'rate-limit.redis' is not a URI: give redis://host:port or"
                + " rediss://host:port.");
      }
      if (!"redis".equals(uri.getScheme()) && !"rediss".equals(uri.getScheme())
          || uri.getHost() == null) {
        throw new ValidationException(
            "Model option 'rate-limit.redis' must be a redis:// or rediss:// URI with a host: "
                + s.redisForDisplay()
                + ".");
      }
      if (!s.limited()) {
        throw new ValidationException(
            "Model option 'rate-limit.redis' shares a budget, but no limit is set: add"
                + " 'rate-limit.max-concurrency', 'rate-limit.requests-per-minute' or"
                + " 'rate-limit.tokens-per-minute'.");
      }
    }
    if (s.baseUrl != null) {
      // the client's own rules (a well-formed URL, HTTPS but to loopback), told when planned rather
      // than when each subtask opens, from the core's Endpoint, where the builder reads them too
      Endpoint endpoint;
      try {
        endpoint = Endpoint.of(s.baseUrl);
      } catch (ConfigurationException e) {
        throw new ValidationException(
            "Model option 'endpoint' is not a Kimi endpoint: " + e.getMessage(), e);
      }
      if (endpoint.needsPlainHttpAllowed()) {
        throw new ValidationException(
            "Model option 'endpoint' is not a Kimi endpoint: plain http:// goes only to loopback"
                + " hosts (localhost, 127.0.0.1, ::1), so that the API key is never sent"
                + " unencrypted; use https:// for "
                + endpoint.uri().getHost()
                + ".");
      }
    }
    return s;
  }

  private static void positive(String option, Number value) {
    if (value != null && value.longValue() <= 0) {
      throw new ValidationException(
          "Model option '" + option + "' must be positive: " + value + ".");
    }
  }

  private static String baseUrlOf(String endpoint) {
    String url = endpoint;
    while (url.endsWith("/")) {
      url = url.substring(0, url.length() - 1);
    }
    return url.endsWith(CHAT_SUFFIX) ? url.substring(0, url.length() - CHAT_SUFFIX.length()) : url;
  }

  boolean limited() {
    return maxConcurrency != null || requestsPerMinute != null || tokensPerMinute != null;
  }

  String redis() {
    return redis;
  }

  /** The Redis URI without its user information, for messages. */
  String redisForDisplay() {
    if (redis == null) {
      return null;
    }
    try {
      URI u = URI.create(redis);
      return u.getRawUserInfo() == null
          ? redis
          : u.getScheme() + "://***@" + u.getHost() + (u.getPort() < 0 ? "" : ":" + u.getPort());
    } catch (IllegalArgumentException e) {
      return "(not a URI)";
    }
  }

  /**
   * Builds the request of one row.
   *
   * @param prompt the row's prompt
   * @param layout the OUTPUT, whose columns may ask for a JSON schema
   */
  ChatRequest request(String prompt, OutputLayout layout) {
    ChatRequest.Builder b = ChatRequest.builder(model);
    if (systemPrompt != null && !systemPrompt.isEmpty()) {
      b.addSystem(systemPrompt);
    }
    b.addUser(prompt);
    b.temperature(temperature).topP(topP).presencePenalty(presencePenalty);
    if (stop != null) {
      b.stop(stop);
    }
    if (maxTokens != null) {
      b.maxCompletionTokens(Math.toIntExact(Math.min(maxTokens, Integer.MAX_VALUE)));
    }
    if (n != null) {
      b.n(Math.toIntExact(Math.min(n, Integer.MAX_VALUE)));
    }
    if (seed != null) {
      b.extraBody("seed", JsonNumber.of(seed));
    }
    if (layout.structured()) {
      b.responseFormat(ResponseFormat.jsonSchema("row", layout.schema(), true));
    } else if (responseFormat == KimiOptions.ResponseFormat.JSON_OBJECT) {
      b.responseFormat(ResponseFormat.jsonObject());
    } else if (responseFormat == KimiOptions.ResponseFormat.TEXT) {
      b.responseFormat(ResponseFormat.text());
    }
    if (thinking != null) {
      b.thinking(
          thinking == KimiOptions.Thinking.ENABLED ? Thinking.enabled() : Thinking.disabled());
    }
    b.reasoningEffort(reasoningEffort);
    return b.build();
  }

  /**
   * Checks the options against the model's rules in {@code catalog}, as the client would check
   * every call: a problem fails the statement, naming the option and the fix, before any request.
   *
   * @return the catalog's warning about the model (retired, or not in the table), if any
   * @throws ValidationException naming the option and the fix
   */
  java.util.Optional<String> check(ModelCatalog catalog, OutputLayout layout) {
    ChatRequest request;
    try {
      request = request("(each row's prompt)", layout);
    } catch (IllegalArgumentException | IllegalStateException e) {
      throw new ValidationException(
          "The kimi provider cannot send the options of model '"
              + model
              + "': "
              + e.getMessage()
              + optionsNamedIn(e.getMessage()),
          e);
    }
    List<String> problems = catalog.lookup(model).problems(request);
    if (!problems.isEmpty()) {
      StringBuilder b = new StringBuilder("Kimi would refuse every row of model '" + model + "':");
      for (String p : problems) {
        b.append("\n- ").append(p).append(optionsNamedIn(p));
      }
      b.append(
          "\nNo request was sent. Change the model's options (ALTER MODEL ... SET) and run the"
              + " statement again.");
      throw new ValidationException(b.toString());
    }
    return catalog.warning(model);
  }

  /** " (model option 'x' = 'v')" for each option whose wire member the message names. */
  private String optionsNamedIn(String message) {
    List<String> named = new ArrayList<>();
    for (Sent s : sent()) {
      if (s.value() != null && mentions(message, s.member())) {
        named.add("'" + s.option() + "' = '" + s.value() + "'");
      }
    }
    return named.isEmpty() ? "" : " (model option " + String.join(", ", named) + ")";
  }

  private static boolean mentions(String message, String word) {
    int i = message.indexOf(word);
    while (i >= 0) {
      boolean before =
          i == 0
              || !Character.isLetterOrDigit(message.charAt(i - 1)) && message.charAt(i - 1) != '_';
      int end = i + word.length();
      boolean after =
          end == message.length()
              || !Character.isLetterOrDigit(message.charAt(end)) && message.charAt(end) != '_';
      if (before && after) {
        return true;
      }
      i = message.indexOf(word, i + 1);
    }
    return false;
  }

  private List<Sent> sent() {
    return List.of(
        new Sent("temperature", "temperature", str(temperature)),
        new Sent("top-p", "top_p", str(topP)),
        new Sent("presence-penalty", "presence_penalty", str(presencePenalty)),
        new Sent("n", "n", str(n)),
        new Sent("max-tokens", "max_completion_tokens", str(maxTokens)),
        new Sent("thinking", "thinking", thinking == null ? null : lower(thinking.name())),
        new Sent("reasoning-effort", "reasoning_effort", reasoningEffort),
        new Sent("reasoning-effort", "effort", reasoningEffort),
        new Sent("response-format", "response_format", str(responseFormat)),
        new Sent("stop", "stop", stop == null ? null : String.join(",", stop)));
  }

  private static String str(Object o) {
    return o == null ? null : o.toString();
  }

  private static String lower(String s) {
    return s.toLowerCase(Locale.ROOT);
  }

  /** The key of the client a JVM shares between subtasks: endpoint, key and client settings. */
  String clientKey() {
    Map<String, Object> k = new LinkedHashMap<>();
    k.put("endpoint", baseUrl);
    k.put("key", apiKey == null ? "environment" : digest(apiKey));
    k.put("max-concurrency", maxConcurrency);
    k.put("rpm", requestsPerMinute);
    k.put("tpm", tokensPerMinute);
    k.put("account", account);
    k.put("redis", redis == null ? null : digest(redis));
    k.put("restart-wait", redisRestartWait);
    k.put("max-queue-wait", maxQueueWait);
    return k.toString();
  }

  private static String digest(String secret) {
    try {
      byte[] d =
          MessageDigest.getInstance("SHA-256").digest(secret.getBytes(StandardCharsets.UTF_8));
      return HexFormat.of().formatHex(d, 0, 16);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is missing from this JDK", e);
    }
  }

  /**
   * Builds the client the calls of this JVM share: no retries of its own (the function retries as
   * the options say), the rate limit of the options, shared through {@code store} when given.
   */
  KimiClient.Builder clientBuilder(io.github.kimisdk.RateLimitStore store) {
    KimiClient.Builder b = KimiClient.builder();
    if (apiKey == null) {
      b.fromEnv();
    } else {
      b.apiKey(apiKey);
    }
    b.endpoint(baseUrl == null ? Endpoint.GLOBAL : Endpoint.of(baseUrl));
    b.retryPolicy(RetryPolicy.none());
    if (limited()) {
      RateLimit.Builder r = RateLimit.builder();
      if (maxConcurrency != null) {
        r.maxConcurrency(maxConcurrency);
      }
      if (requestsPerMinute != null) {
        r.requestsPerMinute(requestsPerMinute);
      }
      if (tokensPerMinute != null) {
        r.tokensPerMinute(tokensPerMinute);
      }
      if (maxQueueWait != null) {
        r.maxQueueWait(maxQueueWait);
      }
      if (store != null) {
        r.store(store, account);
      }
      b.rateLimit(r.build());
    }
    return b;
  }

  @Override
  public String toString() {
    return "kimi model "
        + model
        + " at "
        + (baseUrl == null ? Endpoint.GLOBAL.baseUrl() : baseUrl)
        + (account == null ? "" : ", account " + account + " on " + redisForDisplay());
  }
}
