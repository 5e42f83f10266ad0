package io.github.kimisdk.flink;

import io.github.kimisdk.Endpoint;
import io.github.kimisdk.KimiClient;
import io.github.kimisdk.RateLimit;
import io.github.kimisdk.RetryPolicy;
import io.github.kimisdk.Target;
import io.github.kimisdk.WireProtocol;
import io.github.kimisdk.chat.ChatRequest;
import io.github.kimisdk.chat.ChatSettings;
import io.github.kimisdk.chat.ResponseFormat;
import io.github.kimisdk.chat.Thinking;
import io.github.kimisdk.errors.ConfigurationException;
import io.github.kimisdk.flink.KimiOptions.ErrorHandlingStrategy;
import io.github.kimisdk.flink.KimiOptions.RetryFallbackStrategy;
import io.github.kimisdk.host.Host;
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
import java.util.Set;
import java.util.TreeMap;
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

  /**
   * A fallback target as its options give it: its place {@code n} (from 1), its host's dialect and
   * base URL (null: as {@link ModelSettings#targetHost} says), the Kimi model it asks for (null:
   * the model's own), its key (null: as {@link ModelSettings#targetKey} says), whether it is a
   * replica of the target before it, and its weight among its group (null: 1). Never prints the
   * key.
   */
  record Fallback(
      int n,
      String host,
      String baseUrl,
      String model,
      String apiKey,
      boolean replica,
      Integer weight)
      implements Serializable {
    private static final long serialVersionUID = 1L;

    /** Whether the target is on the model's own host: neither its host nor its URL is given. */
    boolean onTheModelsHost() {
      return host == null && baseUrl == null;
    }

    /** {@return the option name {@code fallback.N.name} of this target} */
    String option(String name) {
      return KimiOptions.FALLBACK_PREFIX + n + "." + name;
    }

    @Override
    public String toString() {
      return "fallback "
          + n
          + (host == null ? "" : " " + host)
          + (baseUrl == null ? "" : " at " + baseUrl)
          + (model == null ? "" : ", model " + model)
          + (replica ? ", replica" : "")
          + (weight == null ? "" : ", weight " + weight);
    }
  }

  final String host; // null: Moonshot's dialect
  final Integer weight; // null: 1, among the replicas of the model's own target
  final String baseUrl; // null: the host's own URL (Kimi's global endpoint without a host)
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

  @SuppressWarnings("serial") // Set.copyOf: an immutable set, serializable
  final Set<String> deliberateFields;

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

  @SuppressWarnings("serial") // List.copyOf: an immutable list, serializable
  final List<Fallback> fallbacks;

  private ModelSettings(ReadableConfig c) {
    this.host = blankToNull(c.get(KimiOptions.HOST));
    this.weight = c.get(KimiOptions.WEIGHT);
    this.baseUrl = baseUrlOf(c.get(KimiOptions.ENDPOINT));
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
    String deliberate = c.get(KimiOptions.DELIBERATE_FIELDS);
    Set<String> marked = new java.util.LinkedHashSet<>();
    if (deliberate != null) {
      for (String f : deliberate.split(",")) {
        if (!f.isBlank()) {
          marked.add(f.strip());
        }
      }
    }
    this.deliberateFields = Set.copyOf(marked);
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
    List<Fallback> targets = new ArrayList<>();
    for (int n : fallbackPlaces(c)) {
      targets.add(
          new Fallback(
              n,
              blankToNull(c.get(KimiOptions.fallbackHost(n))),
              baseUrlOf(c.get(KimiOptions.fallbackEndpoint(n))),
              blankToNull(c.get(KimiOptions.fallbackModel(n))),
              c.get(KimiOptions.fallbackApiKey(n)),
              c.get(KimiOptions.fallbackReplica(n)),
              c.get(KimiOptions.fallbackWeight(n))));
    }
    this.fallbacks = List.copyOf(targets);
  }

  /**
   * The places N of the {@code fallback.N.*} options, in order, checked: each key one of a target's
   * options, N from 1 to {@link KimiOptions#MAX_FALLBACKS} without a gap. Flink leaves these keys
   * to the provider ({@code validateExcept}); a key's value is never printed.
   */
  private static List<Integer> fallbackPlaces(ReadableConfig c) {
    TreeMap<Integer, String> places = new TreeMap<>();
    for (String key : c.toMap().keySet()) {
      if (!key.startsWith(KimiOptions.FALLBACK_PREFIX)) {
        continue;
      }
      String rest = key.substring(KimiOptions.FALLBACK_PREFIX.length());
      int dot = rest.indexOf('.');
      String place = dot < 0 ? rest : rest.substring(0, dot);
      String name = dot < 0 ? "" : rest.substring(dot + 1);
      if (!place.matches("[1-9][0-9]{0,5}") || !KimiOptions.FALLBACK_OPTIONS.contains(name)) {
        throw new ValidationException(
            "Unsupported model option '"
                + OutputLayout.escape(key, 100)
                + "': a fallback target's options are fallback.N.host, fallback.N.endpoint,"
                + " fallback.N.model, fallback.N.api-key, fallback.N.replica and"
                + " fallback.N.weight, N from 1 to "
                + KimiOptions.MAX_FALLBACKS
                + ".");
      }
      int n = Integer.parseInt(place);
      if (n > KimiOptions.MAX_FALLBACKS) {
        throw new ValidationException(
            "Model option '"
                + OutputLayout.escape(key, 100)
                + "': a model takes at most "
                + KimiOptions.MAX_FALLBACKS
                + " fallback targets (a client takes 16, its own included).");
      }
      places.putIfAbsent(n, key);
    }
    int expected = 1;
    for (Map.Entry<Integer, String> e : places.entrySet()) {
      if (e.getKey() != expected) {
        throw new ValidationException(
            "Model option '"
                + OutputLayout.escape(e.getValue(), 100)
                + "' names fallback target "
                + e.getKey()
                + ", but no option names target "
                + expected
                + ": number the fallback targets 1, 2, 3, ... in the order they are tried.");
      }
      expected++;
    }
    return List.copyOf(places.keySet());
  }

  /** Checks a weight: from 1 to {@link Target#MAX_WEIGHT} when set. */
  private static void weight(String option, Integer weight) {
    if (weight != null && (weight < 1 || weight > Target.MAX_WEIGHT)) {
      throw new ValidationException(
          "Model option '"
              + option
              + "' must be from 1 to "
              + Target.MAX_WEIGHT
              + ": "
              + weight
              + ". Of replicas with equal room, one of weight 2 gets twice the rows of one of"
              + " weight 1; leave it out for 1.");
    }
  }

  private static String blankToNull(String s) {
    return s == null || s.isBlank() ? null : s.strip();
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
    if (s.retryNum < 0 || s.retryNum > RetryPolicy.MAX_RETRIES) {
      throw new ValidationException(
          "Model option 'retry-num' must be from 0 to "
              + RetryPolicy.MAX_RETRIES
              + " (the client's most retries): "
              + s.retryNum
              + ".");
    }
    weight(KimiOptions.WEIGHT.key(), s.weight);
    for (Fallback f : s.fallbacks) {
      weight(f.option("weight"), f.weight());
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
    // every target's host and URL by the client's own rules (Host.of; a well-formed URL, HTTPS but
    // to loopback), told when planned rather than when each subtask opens
    s.modelsHost();
    for (Fallback f : s.fallbacks) {
      Host h = s.targetHost(f);
      if (s.targetKey(f) != null) {
        continue;
      }
      if (h.endpoint().equals(s.modelsHost().endpoint())) {
        if (s.apiKey == null) {
          throw new ValidationException(
              "Model option '"
                  + f.option("api-key")
                  + "' is missing: fallback target "
                  + f.n()
                  + " is on the model's own URL, whose key comes from the TaskManager's"
                  + " environment, which a fallback target does not read; give the target its"
                  + " key.");
        }
      } else if (moonshots(h)) {
        throw new ValidationException(
            "Model option '"
                + f.option("api-key")
                + "' is missing: fallback target "
                + f.n()
                + " is on Moonshot's platform ("
                + h.endpoint().baseUrl()
                + "), which answers no call without a key.");
      }
    }
    return s;
  }

  /** The model's own host: {@code host} at {@code endpoint}, checked. */
  Host modelsHost() {
    return hostOf(KimiOptions.HOST.key(), host, KimiOptions.ENDPOINT.key(), baseUrl);
  }

  /** Fallback target {@code f}'s host, checked: the model's own when it names neither. */
  Host targetHost(Fallback f) {
    if (f.onTheModelsHost()) {
      return modelsHost();
    }
    return hostOf(f.option("host"), f.host(), f.option("endpoint"), f.baseUrl());
  }

  /**
   * The key fallback target {@code f} sends: its own, or the model's {@code api-key} when the
   * target is at the model's own URL (the key goes nowhere new); null for none.
   */
  String targetKey(Fallback f) {
    if (f.apiKey() != null) {
      return f.apiKey();
    }
    return targetHost(f).endpoint().equals(modelsHost().endpoint()) ? apiKey : null;
  }

  /**
   * The host a target's options name, by the client's own rules: its URL by {@link Endpoint#of} and
   * {@link Endpoint#needsPlainHttpAllowed()}, its dialect by {@link Host#of}; without a host name,
   * Moonshot's dialect (at Kimi's global endpoint without a URL).
   *
   * @throws ValidationException naming the option and the fix
   */
  private static Host hostOf(String hostOption, String name, String endpointOption, String url) {
    Endpoint endpoint = null;
    if (url != null) {
      try {
        endpoint = Endpoint.of(url);
      } catch (ConfigurationException e) {
        throw new ValidationException(
            "Model option '" + endpointOption + "' is not a Kimi endpoint: " + e.getMessage(), e);
      }
      if (endpoint.needsPlainHttpAllowed()) {
        throw new ValidationException(
            "Model option '"
                + endpointOption
                + "' is not a Kimi endpoint: plain http:// goes only to loopback hosts"
                + " (localhost, 127.0.0.1, ::1), so that the API key is never sent unencrypted;"
                + " use https:// for "
                + endpoint.uri().getHost()
                + ".");
      }
    }
    if (name == null) {
      return endpoint == null ? Host.MOONSHOT : Host.moonshot(endpoint);
    }
    try {
      return Host.of(name, url);
    } catch (ConfigurationException e) {
      throw new ValidationException(
          "Model option '"
              + hostOption
              + "' = '"
              + OutputLayout.escape(name, 64)
              + "' cannot be used"
              + (url == null ? " without '" + endpointOption + "'" : "")
              + ": "
              + e.getMessage(),
          e);
    }
  }

  /** Whether the environment holds a key where {@code KimiClient.fromEnv()} reads one. */
  private static boolean keyInEnvironment() {
    for (String v : List.of("MOONSHOT_API_KEY", "KIMI_API_KEY", "KIMI_CODING_API_KEY")) {
      String key = System.getenv(v);
      if (key != null && !key.isBlank()) {
        return true;
      }
    }
    return false;
  }

  /** Whether {@code h} is one of Moonshot's own platforms, which refuse a call without a key. */
  private static boolean moonshots(Host h) {
    Endpoint chat = h.endpoint().forProtocol(WireProtocol.CHAT_COMPLETIONS);
    return chat.equals(Endpoint.GLOBAL)
        || chat.equals(Endpoint.CHINA)
        || chat.equals(Endpoint.KIMI_CODE);
  }

  private static void positive(String option, Number value) {
    if (value != null && value.longValue() <= 0) {
      throw new ValidationException(
          "Model option '" + option + "' must be positive: " + value + ".");
    }
  }

  private static String baseUrlOf(String endpoint) {
    if (endpoint == null) {
      return null;
    }
    String url = endpoint.trim();
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
    ChatSettings.Builder s =
        ChatSettings.builder()
            .temperature(temperature)
            .topP(topP)
            .presencePenalty(presencePenalty)
            .stop(stop)
            .reasoningEffort(reasoningEffort);
    if (maxTokens != null) {
      s.maxCompletionTokens(Math.toIntExact(Math.min(maxTokens, Integer.MAX_VALUE)));
    }
    if (n != null) {
      s.n(Math.toIntExact(Math.min(n, Integer.MAX_VALUE)));
    }
    if (seed != null) {
      s.extraBody("seed", JsonNumber.of(seed));
    }
    if (layout.structured()) {
      s.responseFormat(ResponseFormat.jsonSchema("row", layout.schema(), true));
    } else if (responseFormat == KimiOptions.ResponseFormat.JSON_OBJECT) {
      s.responseFormat(ResponseFormat.jsonObject());
    } else if (responseFormat == KimiOptions.ResponseFormat.TEXT) {
      s.responseFormat(ResponseFormat.text());
    }
    if (thinking != null) {
      s.thinking(
          thinking == KimiOptions.Thinking.ENABLED ? Thinking.enabled() : Thinking.disabled());
    }
    return s.build().applyTo(b).build();
  }

  /**
   * Checks the options against the rules of the model and of each fallback target's model in {@code
   * catalog}, as the client would check every call: a problem fails the statement, naming the
   * option and the fix, before any request.
   *
   * @return the catalog's warnings about the models (retired, or not in the table), if any
   * @throws ValidationException naming the option and the fix
   */
  List<String> check(ModelCatalog catalog, OutputLayout layout) {
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
    List<String> warnings = new ArrayList<>();
    check(catalog, request, model, modelsHost(), null);
    catalog.warning(model).ifPresent(warnings::add);
    for (Fallback f : fallbacks) {
      String asked = f.model() != null ? f.model() : model;
      check(catalog, request.toBuilder().model(asked).build(), asked, targetHost(f), f);
      if (f.model() != null && !f.model().equals(model)) {
        catalog.warning(f.model()).ifPresent(w -> warnings.add(f.option("model") + ": " + w));
      }
    }
    return warnings;
  }

  /**
   * Checks {@code request} against {@code model}'s rules and {@code host}'s, as the client checks
   * every call (the fields of {@code deliberate-fields} sent as they are): the model's own target,
   * or target {@code f}'s.
   */
  private void check(
      ModelCatalog catalog, ChatRequest request, String model, Host host, Fallback f) {
    List<String> problems =
        new ArrayList<>(catalog.lookup(model).problems(request, deliberateFields));
    problems.addAll(host.problems(request, deliberateFields));
    if (problems.isEmpty()) {
      return;
    }
    StringBuilder b =
        new StringBuilder(
            f == null
                ? "Kimi would refuse every row of model '" + model + "':"
                : "Kimi would refuse every row sent to fallback target "
                    + f.n()
                    + " (model option '"
                    + f.option("model")
                    + "' = '"
                    + model
                    + "'):");
    boolean ignored = false;
    for (String p : problems) {
      b.append("\n- ").append(p).append(optionsNamedIn(p));
      ignored |= p.contains("KimiClient.Builder.deliberateFields");
    }
    b.append(
        "\nNo request was sent. Change the model's options (ALTER MODEL ... SET) and run the"
            + " statement again.");
    if (ignored) {
      b.append(
          " A field Kimi would take and ignore is sent as it is when model option '"
              + KimiOptions.DELIBERATE_FIELDS.key()
              + "' names it (for a relay that reads it, or a newer Kimi).");
    }
    throw new ValidationException(b.toString());
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
        new Sent("stop", "stop", stop == null ? null : String.join(",", stop)),
        new Sent("seed", "seed", str(seed)));
  }

  private static String str(Object o) {
    return o == null ? null : o.toString();
  }

  private static String lower(String s) {
    return s.toLowerCase(Locale.ROOT);
  }

  /**
   * The key of the client a JVM shares between subtasks: host, endpoint, key, fallback targets and
   * client settings. (Each model's retry policy is its calls' own, not the client's.)
   */
  String clientKey() {
    Map<String, Object> k = new LinkedHashMap<>();
    k.put("host", host);
    k.put("endpoint", baseUrl);
    k.put("weight", weight);
    k.put("deliberate-fields", new java.util.TreeSet<>(deliberateFields));
    k.put("key", apiKey == null ? "environment" : digest(apiKey));
    for (Fallback f : fallbacks) {
      String key = f.apiKey() == null ? null : digest(f.apiKey());
      k.put(
          f.option(""),
          List.of(
              String.valueOf(f.host()),
              String.valueOf(f.baseUrl()),
              String.valueOf(f.model()),
              String.valueOf(key),
              String.valueOf(f.replica()),
              String.valueOf(f.weight())));
    }
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
   * Builds the client the calls of this JVM share: its host and weight, its fallback targets and
   * replicas in order, and the rate limit of the options, shared through {@code store} when given.
   * Each model's calls carry their own retry policy ({@link #retryPolicy}).
   */
  KimiClient.Builder clientBuilder(io.github.kimisdk.RateLimitStore store) {
    KimiClient.Builder b = KimiClient.builder();
    if (apiKey == null && host != null && !modelsHost().needsKey() && !keyInEnvironment()) {
      // a team's vLLM or SGLang started without --api-key: the client sends no key
    } else if (apiKey == null) {
      b.fromEnv();
    } else {
      b.apiKey(apiKey);
    }
    if (host == null) {
      b.endpoint(baseUrl == null ? Endpoint.GLOBAL : Endpoint.of(baseUrl));
    } else {
      b.host(modelsHost());
    }
    for (Fallback f : fallbacks) {
      Host h = targetHost(f);
      Target t = f.model() == null ? Target.of(h) : Target.of(h, f.model());
      String key = targetKey(f);
      if (key != null) {
        t = t.apiKey(key);
      }
      if (f.weight() != null) {
        t = t.weight(f.weight());
      }
      if (f.replica()) {
        b.replica(t);
      } else {
        b.fallback(t);
      }
    }
    if (weight != null) {
      b.weight(weight);
    }
    if (!deliberateFields.isEmpty()) {
      b.deliberateFields(deliberateFields.toArray(String[]::new));
    }
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

  /**
   * The retry policy of this model's calls, from its options: under {@code retry}, {@code
   * retry-num} retries with the client's backoff; under {@code failover} and {@code ignore}, none.
   * In every strategy a rate-limit 429 and a host's refusal for its concurrency are waited out
   * without spending a retry, and a server's asked wait is honoured, for up to {@code wait}
   * (Flink's timeout of the row, which bounds the row anyway).
   *
   * @param wait the longest a call waits on rate limits and on a server's asked wait
   */
  RetryPolicy retryPolicy(Duration wait) {
    RetryPolicy p =
        errorHandling == ErrorHandlingStrategy.RETRY
            ? RetryPolicy.defaults().withMaxRetries(retryNum)
            : RetryPolicy.none();
    return p.withMaxServerWait(wait).withRateLimitWait(wait);
  }

  @Override
  public String toString() {
    StringBuilder b =
        new StringBuilder("kimi model ")
            .append(model)
            .append(" at ")
            .append(baseUrl == null ? modelsHost().endpoint().baseUrl() : baseUrl)
            .append(host == null ? "" : " (" + host + ")");
    for (Fallback f : fallbacks) {
      b.append(", ").append(f);
    }
    return b.append(account == null ? "" : ", account " + account + " on " + redisForDisplay())
        .toString();
  }
}
