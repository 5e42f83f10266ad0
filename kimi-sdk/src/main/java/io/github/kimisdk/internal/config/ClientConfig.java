package io.github.kimisdk.internal.config;

import io.github.kimisdk.CallListener;
import io.github.kimisdk.ContextPropagator;
import io.github.kimisdk.Endpoint;
import io.github.kimisdk.KimiInterceptor;
import io.github.kimisdk.RateLimit;
import io.github.kimisdk.RetryPolicy;
import io.github.kimisdk.Target;
import io.github.kimisdk.Timeouts;
import io.github.kimisdk.WireProtocol;
import io.github.kimisdk.base.flow.Scheduler;
import io.github.kimisdk.base.net.HeaderPolicy;
import io.github.kimisdk.chat.CacheTtl;
import io.github.kimisdk.chat.ChatRequest;
import io.github.kimisdk.errors.ConfigurationException;
import io.github.kimisdk.host.Host;
import io.github.kimisdk.host.ServedBy;
import io.github.kimisdk.internal.credential.Credential;
import io.github.kimisdk.internal.credential.Keys;
import io.github.kimisdk.internal.http.ApiKey;
import io.github.kimisdk.internal.http.HttpSettings;
import io.github.kimisdk.internal.http.HttpTransport;
import io.github.kimisdk.internal.wire.UnsupportedRequestException;
import io.github.kimisdk.internal.wire.Wires;
import io.github.kimisdk.json.JsonReader;
import io.github.kimisdk.model.ModelCatalog;
import io.github.kimisdk.model.PriceTable;
import io.github.kimisdk.model.SamplingPolicy;
import io.github.kimisdk.model.ThinkingFallback;
import io.github.kimisdk.sse.SseLimits;
import io.github.kimisdk.token.ContextBudget;
import java.net.http.HttpClient;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.Executor;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * What {@code KimiClient.Builder} gathered, checked, for the machinery a client starts. It is
 * filled by name through {@link #builder()}, as Methanol's client reads its builder, so that two
 * settings of one type cannot swap places; {@link #defaults()} holds a default client's, and the
 * setters of a size limit, the User-Agent and a header check the value as the client's builder
 * documents. The nullable settings are those left unset: {@code httpClient}, {@code executor},
 * {@code preflight}, {@code scheduler}, {@code httpVersion}, {@code logger}, {@code rateLimit},
 * {@code prices}.
 */
public final class ClientConfig implements HttpSettings {

  /** The default limit on a non-streamed response body: 32 MiB. */
  public static final long DEFAULT_MAX_RESPONSE_BYTES = 32L * 1024 * 1024;

  private final Credential credential;
  private final Endpoint endpoint;
  private final WireProtocol wireProtocol;
  private final HttpClient httpClient;
  private final Executor executor;
  private final Timeouts timeouts;
  private final String userAgent;
  private final Map<String, String> headers;
  private final long maxResponseBytes;
  private final SseLimits sseLimits;
  private final ContextBudget preflight;
  private final RetryPolicy retryPolicy;
  private final Scheduler scheduler;
  private final HttpClient.Version httpVersion;
  private final int maxJsonDepth;
  private final System.Logger logger;
  private final boolean logMessageContents;
  private final RateLimit rateLimit;
  private final int weight;
  private final SamplingPolicy samplingPolicy;
  private final ThinkingFallback thinkingFallback;
  private final boolean modelChecks;
  private final Set<String> deliberateFields;
  private final ModelCatalog catalog;
  private final long maxRequestBytes;
  private final PriceTable prices;
  private final List<CallListener> listeners;
  private final List<KimiInterceptor> interceptors;
  private final List<ContextPropagator> propagators;
  private final CacheTtl promptCacheTtl;
  private final Host host;
  private final List<Fallback> fallbacks;
  private final boolean allowPlainHttp;
  private final List<TargetSettings> targets; // the client's own first, then each fallback

  private ClientConfig(Builder b) {
    this.credential =
        b.apiKeySupplier != null
            ? Credential.supplied(b.apiKeySupplier, "the key supplier")
            : Credential.fixed(Objects.requireNonNull(b.apiKey, "apiKey"));
    this.endpoint = Objects.requireNonNull(b.endpoint, "endpoint");
    this.wireProtocol = Objects.requireNonNull(b.wireProtocol, "wireProtocol");
    this.httpClient = b.httpClient;
    this.executor = b.executor;
    this.timeouts = Objects.requireNonNull(b.timeouts, "timeouts");
    this.userAgent = Objects.requireNonNull(b.userAgent, "userAgent");
    this.headers = Collections.unmodifiableMap(new LinkedHashMap<>(b.headers)); // keeps the order
    this.maxResponseBytes = positive(b.maxResponseBytes, "maxResponseBytes");
    this.sseLimits = Objects.requireNonNull(b.sseLimits, "sseLimits");
    this.preflight = b.preflight;
    this.retryPolicy = Objects.requireNonNull(b.retryPolicy, "retryPolicy");
    this.scheduler = b.scheduler;
    this.httpVersion = b.httpVersion;
    this.maxJsonDepth = (int) positive(b.maxJsonDepth, "maxJsonDepth");
    this.logger = b.logger;
    this.logMessageContents = b.logMessageContents;
    this.rateLimit = b.rateLimit;
    this.weight = b.weight;
    this.samplingPolicy = Objects.requireNonNull(b.samplingPolicy, "samplingPolicy");
    this.thinkingFallback = Objects.requireNonNull(b.thinkingFallback, "thinkingFallback");
    this.modelChecks = b.modelChecks;
    this.deliberateFields = Set.copyOf(b.deliberateFields);
    this.catalog = b.catalog; // null: the defaults, made when first asked for (see catalog())
    this.maxRequestBytes = b.maxRequestBytes;
    this.prices = b.prices;
    this.listeners = List.copyOf(b.listeners);
    this.interceptors = List.copyOf(b.interceptors);
    this.propagators = List.copyOf(b.propagators);
    this.promptCacheTtl = b.promptCacheTtl;
    this.host = b.host != null ? b.host : Host.moonshot(endpoint);
    this.fallbacks = List.copyOf(b.fallbacks);
    this.allowPlainHttp = b.allowPlainHttp;
    refuseDefaults();
    List<TargetSettings> all = new java.util.ArrayList<>(fallbacks.size() + 1);
    all.add(TargetSettings.own(this));
    for (int i = 0; i < fallbacks.size(); i++) {
      // each target's rules checked here, before anything is built
      all.add(TargetSettings.of(this, fallbacks.get(i), i + 1));
    }
    this.targets = List.copyOf(all);
  }

  /**
   * Returns the settings of each target, the client's own first, then each fallback in order.
   *
   * @return the targets' settings
   */
  public List<TargetSettings> targets() {
    return targets;
  }

  /** Whether plain {@code http} may go to any host, for the fallback targets' checks. */
  boolean allowsPlainHttp() {
    return allowPlainHttp;
  }

  /** Whether a host is Moonshot's own API (the open platforms, Kimi Code), at any URL. */
  private static boolean moonshot(Host h) {
    String name = h.name();
    return name.equals(Host.MOONSHOT.name())
        || name.equals(Host.MOONSHOT_CHINA.name())
        || name.equals(Host.KIMI_CODE.name());
  }

  /**
   * Returns the fallback target whose calls this config sends: the client's own (made from its
   * host) in a client with fallback targets, or the target a fallback's config is for.
   *
   * @return the target, or null for a client without fallback targets
   */
  @Override
  public ServedBy target() {
    return targets.get(0).target();
  }

  @Override
  public String hostLabel() {
    return targets.get(0).hostLabel();
  }

  /**
   * Returns how failures name {@code h}: its product's name, its address (host and port, nothing of
   * the path) and, in a chain, its place and model, such as {@code "vLLM at vllm.internal:8000
   * (target 1, kimi-k3)"}.
   */
  static String labelOf(Host h, ServedBy self) {
    if (moonshot(h)) {
      return null; // Kimi's words
    }
    String name =
        switch (h.name()) {
          case "vllm" -> "vLLM";
          case "sglang" -> "SGLang";
          case "openrouter" -> "OpenRouter";
          case "fireworks" -> "Fireworks";
          case "together" -> "Together";
          default -> h.name();
        };
    java.net.URI u = h.endpoint().uri();
    StringBuilder b = new StringBuilder(name).append(" at ").append(u.getHost());
    if (u.getPort() >= 0) {
      b.append(':').append(u.getPort());
    }
    if (self != null) {
      b.append(" (target ").append(self.target());
      if (self.model() != null) {
        b.append(", ").append(self.model());
      }
      b.append(')');
    }
    return b.toString();
  }

  /**
   * Returns the host the client's own calls go to: the one the builder was given, else Moonshot's
   * at the client's endpoint ({@link Host#moonshot}).
   *
   * @return the host
   */
  public Host host() {
    return host;
  }

  /**
   * Returns the client's fallback targets, in order, after its own.
   *
   * @return the targets; empty for none
   */
  public List<Fallback> fallbacks() {
    return fallbacks;
  }

  /**
   * One fallback target as the client's builder was given it, with its key: held here, and only
   * handed to that target's transport and credential.
   */
  public static final class Fallback {
    private final Target target;
    private final String key;
    private final Supplier<String> supplier;
    private final boolean replica;

    /**
     * Holds a target and its key.
     *
     * @param target the target
     * @param key its fixed key, or null
     * @param supplier its key supplier, or null
     * @param replica whether it shares the load of the target before it, in its group, rather than
     *     being the next tier of the chain
     */
    public Fallback(Target target, String key, Supplier<String> supplier, boolean replica) {
      this.target = Objects.requireNonNull(target, "target");
      this.key = key;
      this.supplier = supplier;
      this.replica = replica;
    }

    /**
     * Tells whether the target shares the load of the target before it (its group), rather than
     * being the next tier of the chain.
     *
     * @return true for a replica
     */
    public boolean replica() {
      return replica;
    }

    /**
     * Returns the target.
     *
     * @return the target
     */
    public Target target() {
      return target;
    }

    /** Its fixed key, or null; handed only to its own credential. */
    String key() {
      return key;
    }

    /** Its key supplier, or null. */
    Supplier<String> supplier() {
      return supplier;
    }

    /** Never prints the key. */
    @Override
    public String toString() {
      return (replica ? "Replica[" : "Fallback[") + target + "]";
    }
  }

  /**
   * Refuses, at build rather than on every call, a default that every chat call carries and that
   * the client's wire declares it refuses.
   */
  private void refuseDefaults() {
    if (promptCacheTtl == null) {
      return; // nothing to judge, and no wire to load
    }
    ChatRequest defaults =
        ChatRequest.builder("defaults").addUser("defaults").promptCacheTtl(promptCacheTtl).build();
    try {
      Wires.get(wireProtocol, false).check(defaults);
    } catch (UnsupportedRequestException e) {
      throw new ConfigurationException(
          "promptCacheTtl(CacheTtl."
              + promptCacheTtl
              + ") cannot be asked of WireProtocol."
              + wireProtocol
              + ", which refuses it on every chat call: "
              + e.getMessage());
    }
  }

  private static long positive(long value, String name) {
    if (value <= 0) {
      throw new IllegalStateException(name + " must be set to a positive value: " + value);
    }
    return value;
  }

  /**
   * Returns an empty builder: every setting not documented as nullable must be set.
   *
   * @return the builder
   */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * Returns a builder holding a default client's settings; the key, endpoint and protocol are still
   * to be set. Its request size limit is -1: Kimi Code's limit on Kimi Code, none elsewhere. The
   * first call of a JVM also starts making the JDK's default TLS context aside ({@link TlsWarmup}),
   * which the client's HTTP client will need.
   *
   * @return the builder
   */
  public static Builder defaults() {
    TlsWarmup.start();
    Builder b =
        builder()
            .timeouts(Timeouts.defaults())
            .userAgent("kimi-sdk-java/" + HttpTransport.VERSION)
            .maxResponseBytes(DEFAULT_MAX_RESPONSE_BYTES)
            .sseLimits(SseLimits.defaults())
            .retryPolicy(RetryPolicy.defaults())
            .maxJsonDepth(JsonReader.DEFAULT_MAX_DEPTH)
            .samplingPolicy(SamplingPolicy.REFUSE)
            .thinkingFallback(ThinkingFallback.REJECT)
            .modelChecks(true);
    b.maxRequestBytes = -1;
    return b;
  }

  /**
   * Returns the fixed key, which the transport sends unless an attempt carries another.
   *
   * @return the key, or null when a supplier gives the key of each attempt
   */
  @Override
  public ApiKey apiKey() {
    return credential.fixedKey();
  }

  /**
   * Returns where the key of this client's calls comes from.
   *
   * @return the credential
   */
  public Credential credential() {
    return credential;
  }

  /**
   * Returns the endpoint, already moved to the protocol's surface.
   *
   * @return the endpoint
   */
  @Override
  public Endpoint endpoint() {
    return endpoint;
  }

  /**
   * Returns the chat wire protocol.
   *
   * @return the protocol
   */
  @Override
  public WireProtocol wireProtocol() {
    return wireProtocol;
  }

  /**
   * Returns the caller's HTTP client.
   *
   * @return the client, or null for one the client builds
   */
  public HttpClient httpClient() {
    return httpClient;
  }

  /**
   * Returns the caller's executor.
   *
   * @return the executor, or null
   */
  public Executor executor() {
    return executor;
  }

  /**
   * Returns the timeouts.
   *
   * @return the timeouts
   */
  @Override
  public Timeouts timeouts() {
    return timeouts;
  }

  /**
   * Returns the User-Agent header.
   *
   * @return the User-Agent
   */
  @Override
  public String userAgent() {
    return userAgent;
  }

  /**
   * Returns the headers of every request, in the order they were added.
   *
   * @return the headers, unmodifiable
   */
  @Override
  public Map<String, String> headers() {
    return headers;
  }

  /**
   * Returns the largest non-streamed body accepted.
   *
   * @return the limit in bytes
   */
  @Override
  public long maxResponseBytes() {
    return maxResponseBytes;
  }

  /**
   * Returns the limits of event streams.
   *
   * @return the limits
   */
  @Override
  public SseLimits sseLimits() {
    return sseLimits;
  }

  /**
   * Returns the preflight budget.
   *
   * @return the budget, or null
   */
  public ContextBudget preflight() {
    return preflight;
  }

  /**
   * Returns the retry policy.
   *
   * @return the policy
   */
  public RetryPolicy retryPolicy() {
    return retryPolicy;
  }

  /**
   * Returns the clock and delayer of retries (tests).
   *
   * @return the scheduler, or null for the real one
   */
  public Scheduler scheduler() {
    return scheduler;
  }

  /**
   * Returns the HTTP version to force.
   *
   * @return the version, or null
   */
  @Override
  public HttpClient.Version httpVersion() {
    return httpVersion;
  }

  /**
   * Returns the nesting limit of decoded responses.
   *
   * @return the limit
   */
  @Override
  public int maxJsonDepth() {
    return maxJsonDepth;
  }

  /**
   * Returns the logger.
   *
   * @return the logger, or null for {@code io.github.kimisdk.http}
   */
  public System.Logger logger() {
    return logger;
  }

  /**
   * Tells whether bodies are logged.
   *
   * @return true to log bodies
   */
  @Override
  public boolean logMessageContents() {
    return logMessageContents;
  }

  /**
   * Returns the client-side limits.
   *
   * @return the limits, or null
   */
  public RateLimit rateLimit() {
    return rateLimit;
  }

  /**
   * Returns the weight of the client's own target among the members of its group.
   *
   * @return the weight, 1 unless set
   */
  public int weight() {
    return weight;
  }

  /**
   * Returns what to do with sampling values the model fixes.
   *
   * @return the policy
   */
  public SamplingPolicy samplingPolicy() {
    return samplingPolicy;
  }

  /**
   * Returns what to do with a tool choice rejected while thinking.
   *
   * @return the fallback
   */
  public ThinkingFallback thinkingFallback() {
    return thinkingFallback;
  }

  /**
   * Returns the prompt cache time to live of a request that asks for none.
   *
   * @return the time to live; null to ask for nothing
   */
  public CacheTtl promptCacheTtl() {
    return promptCacheTtl;
  }

  /**
   * Tells whether the model's rules are checked before sending.
   *
   * @return true to check
   */
  public boolean modelChecks() {
    return modelChecks;
  }

  /**
   * Returns the top-level fields sent as they are, which the rules of what Kimi ignores do not
   * judge.
   *
   * @return the fields, unmodifiable
   */
  public Set<String> deliberateFields() {
    return deliberateFields;
  }

  /**
   * Returns the models.
   *
   * @return the table
   */
  @Override
  public ModelCatalog catalog() {
    return catalog != null ? catalog : ModelCatalog.defaults();
  }

  /**
   * Returns the request size limit.
   *
   * @return the limit in bytes; 0 none, -1 Kimi Code's on Kimi Code
   */
  @Override
  public long maxRequestBytes() {
    return maxRequestBytes;
  }

  /**
   * Returns the price table.
   *
   * @return the table, or null for the endpoint's default
   */
  public PriceTable prices() {
    return prices;
  }

  /**
   * Returns the listeners of every call, in the order they were added.
   *
   * @return the listeners
   */
  public List<CallListener> listeners() {
    return listeners;
  }

  /**
   * Returns the public interceptors of every chat call, in the order they were added.
   *
   * @return the interceptors
   */
  public List<KimiInterceptor> interceptors() {
    return interceptors;
  }

  /**
   * Returns the propagators of the caller's context, in the order they were added.
   *
   * @return the propagators; empty when none was added
   */
  public List<ContextPropagator> propagators() {
    return propagators;
  }

  /** Never prints the key. */
  @Override
  public String toString() {
    return "ClientConfig[endpoint=" + endpoint + ", apiKey=***]";
  }

  /**
   * Gathers the settings by name; {@link #build()} checks that the required ones were set. Not
   * thread-safe; one builder makes one config.
   */
  public static final class Builder {
    private ApiKey apiKey;
    private Supplier<String> apiKeySupplier;
    private Endpoint endpoint;
    private WireProtocol wireProtocol;
    private HttpClient httpClient;
    private Executor executor;
    private Timeouts timeouts;
    private String userAgent;
    private Map<String, String> headers = Map.of();
    private long maxResponseBytes;
    private SseLimits sseLimits;
    private ContextBudget preflight;
    private RetryPolicy retryPolicy;
    private Scheduler scheduler;
    private HttpClient.Version httpVersion;
    private int maxJsonDepth;
    private System.Logger logger;
    private boolean logMessageContents;
    private RateLimit rateLimit;
    private int weight = 1;
    private SamplingPolicy samplingPolicy;
    private ThinkingFallback thinkingFallback;
    private boolean modelChecks;
    private Set<String> deliberateFields = Set.of();
    private ModelCatalog catalog;
    private long maxRequestBytes;
    private PriceTable prices;
    private List<CallListener> listeners = List.of();
    private List<KimiInterceptor> interceptors = List.of();
    private List<ContextPropagator> propagators = List.of();
    private CacheTtl promptCacheTtl;
    private Host host;
    private List<Fallback> fallbacks = List.of();
    // What KimiClient.Builder was told, resolved together by resolveAndBuild(): the endpoint and
    // protocol asked for (null: the key's and the endpoint's defaults), where the key came from.
    private String keySource = "apiKey";
    private Endpoint requestedEndpoint;
    private WireProtocol requestedProtocol;
    private boolean allowPlainHttp;

    private Builder() {}

    /**
     * Sets the key and where it came from, as the client's builder was given it.
     *
     * @param apiKey the key
     * @param source {@code "apiKey"} or the environment variable it came from, for messages
     * @return this builder
     */
    public Builder apiKey(ApiKey apiKey, String source) {
      this.apiKey = apiKey;
      this.apiKeySupplier = null;
      this.keySource = source;
      return this;
    }

    /**
     * Sets a supplier of the key, asked before every attempt, in place of a fixed key.
     *
     * @param supplier the supplier
     * @return this builder
     */
    public Builder apiKey(Supplier<String> supplier) {
      this.apiKeySupplier = supplier;
      this.apiKey = null;
      this.keySource = "apiKey";
      return this;
    }

    /**
     * Sets the endpoint asked for, before it is moved to the protocol's surface.
     *
     * @param endpoint the endpoint, or null for the key's default
     * @return this builder
     */
    public Builder requestedEndpoint(Endpoint endpoint) {
      this.requestedEndpoint = endpoint;
      return this;
    }

    /**
     * Sets the chat protocol asked for.
     *
     * @param protocol the protocol, or null for the endpoint's
     * @return this builder
     */
    public Builder requestedProtocol(WireProtocol protocol) {
      this.requestedProtocol = protocol;
      return this;
    }

    /**
     * Allows plain {@code http} to any host.
     *
     * @param allow whether to allow it
     * @return this builder
     */
    public Builder allowPlainHttp(boolean allow) {
      this.allowPlainHttp = allow;
      return this;
    }

    /**
     * Reads the key, the endpoint and the protocol from the environment, as {@code
     * KimiClient.fromEnv()} does.
     *
     * @param env the environment
     * @param protocols reads {@code KIMI_PROTOCOL}'s value
     * @return this builder
     * @throws ConfigurationException if no key is set, or a variable is malformed
     */
    public Builder fromEnv(Map<String, String> env, Function<String, WireProtocol> protocols) {
      Keys.Env found = Keys.fromEnv(env, protocols);
      refuse(found.problem());
      this.apiKey = found.key();
      this.apiKeySupplier = null;
      this.keySource = found.variable();
      this.requestedProtocol = found.protocol() != null ? found.protocol() : requestedProtocol;
      this.requestedEndpoint = found.endpoint();
      return this;
    }

    /**
     * Resolves who is called and how (the key against the endpoint, the endpoint moved to the
     * protocol's surface, plain HTTP, a caller's HTTP client against the other settings), then
     * builds.
     *
     * @return the config
     * @throws ConfigurationException if the settings cannot make a client, saying why
     */
    public ClientConfig resolveAndBuild() {
      // a team's own server (vLLM, SGLang, another compatible one) may run without a key, as a
      // fallback target may: such a client sends none; a hosted platform still needs one
      boolean keyless =
          apiKey == null && apiKeySupplier == null && host != null && !host.needsKey();
      if (apiKey == null && apiKeySupplier == null && host != null && !keyless && !moonshot(host)) {
        refuse(
            "No API key for "
                + host.name()
                + " at "
                + host.endpoint().baseUrl()
                + ", which needs one: call apiKey(...) with the key of your account there");
      }
      Keys.Resolved r =
          Keys.resolve(
              apiKey == null ? null : apiKey.reveal(),
              apiKeySupplier != null || keyless,
              keySource,
              requestedEndpoint,
              requestedProtocol,
              allowPlainHttp,
              httpClient,
              executor != null,
              timeouts);
      refuse(r.problem());
      if (keyless) {
        this.apiKey = ApiKey.of(""); // sends no key
      }
      this.endpoint = r.endpoint();
      this.wireProtocol = r.protocol();
      return build();
    }

    /**
     * Sets the key (required): its one holder, which the client's transport and error factory ask.
     *
     * @param apiKey the key
     * @return this builder
     */
    public Builder apiKey(ApiKey apiKey) {
      this.apiKey = apiKey;
      this.apiKeySupplier = null;
      return this;
    }

    /**
     * Sets the endpoint, already moved to the protocol's surface (required).
     *
     * @param endpoint the endpoint
     * @return this builder
     */
    public Builder endpoint(Endpoint endpoint) {
      this.endpoint = endpoint;
      return this;
    }

    /**
     * Sets the chat wire protocol (required).
     *
     * @param wireProtocol the protocol
     * @return this builder
     */
    public Builder wireProtocol(WireProtocol wireProtocol) {
      this.wireProtocol = wireProtocol;
      return this;
    }

    /**
     * Sets the caller's HTTP client.
     *
     * @param httpClient the client, or null for one the client builds
     * @return this builder
     */
    public Builder httpClient(HttpClient httpClient) {
      this.httpClient = httpClient;
      return this;
    }

    /**
     * Sets the caller's executor.
     *
     * @param executor the executor, or null
     * @return this builder
     */
    public Builder executor(Executor executor) {
      this.executor = executor;
      return this;
    }

    /**
     * Sets the timeouts (required).
     *
     * @param timeouts the timeouts
     * @return this builder
     */
    public Builder timeouts(Timeouts timeouts) {
      this.timeouts = timeouts;
      return this;
    }

    /**
     * Sets the User-Agent header (required).
     *
     * @param userAgent the User-Agent
     * @return this builder
     * @throws ConfigurationException if it is blank or contains CR, LF or control characters
     * @throws NullPointerException if {@code userAgent} is null
     */
    public Builder userAgent(String userAgent) {
      Objects.requireNonNull(userAgent, "userAgent");
      refuse(HeaderPolicy.valueProblem("Header 'User-Agent'", userAgent));
      if (userAgent.isBlank()) {
        throw new ConfigurationException("userAgent must not be blank");
      }
      this.userAgent = userAgent;
      return this;
    }

    /**
     * Sets the headers of every request, copied in their order at {@link #build()}.
     *
     * @param headers the headers; none by default
     * @return this builder
     */
    public Builder headers(Map<String, String> headers) {
      this.headers = headers;
      return this;
    }

    /**
     * Sets the largest non-streamed body accepted (required).
     *
     * @param maxResponseBytes the limit in bytes, from 1 KiB to 2 GiB minus 8
     * @return this builder
     * @throws IllegalArgumentException if the limit is out of range
     */
    public Builder maxResponseBytes(long maxResponseBytes) {
      if (maxResponseBytes < 1024 || maxResponseBytes > Integer.MAX_VALUE - 8) {
        throw new IllegalArgumentException(
            "maxResponseBytes must be in [1024, 2147483639]: " + maxResponseBytes);
      }
      this.maxResponseBytes = maxResponseBytes;
      return this;
    }

    /**
     * Sets the limits of event streams (required).
     *
     * @param sseLimits the limits
     * @return this builder
     */
    public Builder sseLimits(SseLimits sseLimits) {
      this.sseLimits = sseLimits;
      return this;
    }

    /**
     * Sets the preflight budget.
     *
     * @param preflight the budget, or null for none
     * @return this builder
     */
    public Builder preflight(ContextBudget preflight) {
      this.preflight = preflight;
      return this;
    }

    /**
     * Sets the retry policy (required).
     *
     * @param retryPolicy the policy
     * @return this builder
     */
    public Builder retryPolicy(RetryPolicy retryPolicy) {
      this.retryPolicy = retryPolicy;
      return this;
    }

    /**
     * Sets the clock and delayer of retries (tests).
     *
     * @param scheduler the scheduler, or null for the real one
     * @return this builder
     */
    public Builder scheduler(Scheduler scheduler) {
      this.scheduler = scheduler;
      return this;
    }

    /**
     * Sets the HTTP version to force.
     *
     * @param httpVersion the version, or null
     * @return this builder
     */
    public Builder httpVersion(HttpClient.Version httpVersion) {
      this.httpVersion = httpVersion;
      return this;
    }

    /**
     * Sets the nesting limit of decoded responses (required).
     *
     * @param maxJsonDepth the limit, from 8 to 100000
     * @return this builder
     * @throws IllegalArgumentException if the limit is out of range
     */
    public Builder maxJsonDepth(int maxJsonDepth) {
      if (maxJsonDepth < 8 || maxJsonDepth > 100_000) {
        throw new IllegalArgumentException("maxJsonDepth must be in [8, 100000]: " + maxJsonDepth);
      }
      this.maxJsonDepth = maxJsonDepth;
      return this;
    }

    /**
     * Sets the logger.
     *
     * @param logger the logger, or null for {@code io.github.kimisdk.http}
     * @return this builder
     */
    public Builder logger(System.Logger logger) {
      this.logger = logger;
      return this;
    }

    /**
     * Sets whether bodies are logged (default false).
     *
     * @param logMessageContents true to log bodies
     * @return this builder
     */
    public Builder logMessageContents(boolean logMessageContents) {
      this.logMessageContents = logMessageContents;
      return this;
    }

    /**
     * Sets the client-side limits.
     *
     * @param rateLimit the limits, or null for none
     * @return this builder
     */
    public Builder rateLimit(RateLimit rateLimit) {
      this.rateLimit = rateLimit;
      return this;
    }

    /**
     * Sets the weight of the client's own target among the members of its group.
     *
     * @param weight the weight, checked by the caller
     * @return this builder
     */
    public Builder weight(int weight) {
      this.weight = weight;
      return this;
    }

    /**
     * Sets what to do with sampling values the model fixes (required).
     *
     * @param samplingPolicy the policy
     * @return this builder
     */
    public Builder samplingPolicy(SamplingPolicy samplingPolicy) {
      this.samplingPolicy = samplingPolicy;
      return this;
    }

    /**
     * Sets what to do with a tool choice rejected while thinking (required).
     *
     * @param thinkingFallback the fallback
     * @return this builder
     */
    public Builder thinkingFallback(ThinkingFallback thinkingFallback) {
      this.thinkingFallback = thinkingFallback;
      return this;
    }

    /**
     * Sets the prompt cache time to live of a request that asks for none (default none).
     *
     * @param promptCacheTtl the time to live; null to ask for nothing
     * @return this builder
     */
    public Builder promptCacheTtl(CacheTtl promptCacheTtl) {
      this.promptCacheTtl = promptCacheTtl;
      return this;
    }

    /**
     * Sets whether the model's rules are checked before sending (default false).
     *
     * @param modelChecks true to check
     * @return this builder
     */
    public Builder modelChecks(boolean modelChecks) {
      this.modelChecks = modelChecks;
      return this;
    }

    /**
     * Sets the top-level fields sent as they are (default none).
     *
     * @param fields the fields, as chat completions names them
     * @return this builder
     */
    public Builder deliberateFields(Set<String> fields) {
      this.deliberateFields = Set.copyOf(fields);
      return this;
    }

    /**
     * Sets the models; unset, the defaults ({@link ModelCatalog#defaults()}), made when the client
     * first asks for them (its build then has its HTTP client under way).
     *
     * @param catalog the table, or null for the defaults
     * @return this builder
     */
    public Builder catalog(ModelCatalog catalog) {
      this.catalog = catalog;
      return this;
    }

    /**
     * Sets the request size limit (default 0; {@link #defaults()} holds -1, Kimi Code's limit on
     * Kimi Code and none elsewhere).
     *
     * @param maxRequestBytes the limit in bytes; 0 none
     * @return this builder
     * @throws IllegalArgumentException if {@code maxRequestBytes} is negative
     */
    public Builder maxRequestBytes(long maxRequestBytes) {
      if (maxRequestBytes < 0) {
        throw new IllegalArgumentException(
            "maxRequestBytes must not be negative: " + maxRequestBytes);
      }
      this.maxRequestBytes = maxRequestBytes;
      return this;
    }

    /**
     * Sets the host the client's own calls go to, and its endpoint.
     *
     * @param host the host
     * @return this builder
     */
    public Builder host(Host host) {
      this.host = host;
      this.requestedEndpoint = host.endpoint();
      return this;
    }

    /**
     * Forgets the host set with {@link #host}: the endpoint set next is Moonshot's.
     *
     * @return this builder
     */
    public Builder moonshotHost() {
      this.host = null;
      return this;
    }

    /**
     * Adds a fallback target, after those added before.
     *
     * @param fallback the target and its key
     * @return this builder
     * @throws ConfigurationException past 16 targets
     */
    public Builder fallback(Fallback fallback) {
      if (fallbacks.size() >= 15) {
        throw new ConfigurationException("a client takes at most 16 targets, its own included");
      }
      List<Fallback> t = new java.util.ArrayList<>(fallbacks);
      t.add(fallback);
      this.fallbacks = t;
      return this;
    }

    /**
     * Sets the price table.
     *
     * @param prices the table, or null for the endpoint's default
     * @return this builder
     */
    public Builder prices(PriceTable prices) {
      this.prices = prices;
      return this;
    }

    /**
     * Sets the listeners of every call, copied in their order at {@link #build()}.
     *
     * @param listeners the listeners; none by default
     * @return this builder
     */
    public Builder listeners(List<CallListener> listeners) {
      this.listeners = listeners;
      return this;
    }

    /**
     * Returns the HTTP client set so far, for the checks of the client's builder.
     *
     * @return the HTTP client, or null
     */
    public HttpClient httpClient() {
      return httpClient;
    }

    /**
     * Returns whether an executor was set, for the checks of the client's builder.
     *
     * @return true when one was set
     */
    public boolean hasExecutor() {
      return executor != null;
    }

    /**
     * Returns the timeouts set so far, for the client's builder, which changes one of them.
     *
     * @return the timeouts
     */
    public Timeouts timeouts() {
      return timeouts;
    }

    /**
     * Returns the cache time to live set so far, for the checks of the client's builder.
     *
     * @return the time to live, or null
     */
    public CacheTtl promptCacheTtl() {
      return promptCacheTtl;
    }

    /**
     * Adds a header of every request, replacing one of the same name in any case, under the
     * client's header policy; {@code User-Agent} is {@link #userAgent(String)}.
     *
     * @param name the name
     * @param value the value
     * @return this builder
     * @throws ConfigurationException if the name is not a valid token, is reserved, or the value
     *     contains CR, LF or other control characters
     * @throws NullPointerException if an argument is null
     */
    public Builder header(String name, String value) {
      Objects.requireNonNull(name, "name");
      Objects.requireNonNull(value, "value");
      if (name.equalsIgnoreCase("User-Agent")) {
        return userAgent(value);
      }
      refuse(HeaderPolicy.problem(name, value, false));
      Map<String, String> h = new LinkedHashMap<>(headers);
      h.keySet().removeIf(k -> k.equalsIgnoreCase(name));
      h.put(name, value);
      this.headers = h;
      return this;
    }

    /**
     * Adds a listener of every call, after those added before.
     *
     * @param listener the listener
     * @return this builder
     */
    public Builder listener(CallListener listener) {
      List<CallListener> l = new java.util.ArrayList<>(listeners);
      l.add(listener);
      this.listeners = l;
      return this;
    }

    /**
     * Adds a public interceptor of every chat call, after those added before.
     *
     * @param interceptor the interceptor
     * @return this builder
     */
    public Builder interceptor(KimiInterceptor interceptor) {
      List<KimiInterceptor> l = new java.util.ArrayList<>(interceptors);
      l.add(interceptor);
      this.interceptors = l;
      return this;
    }

    /**
     * Adds a propagator of the caller's context, after those added before.
     *
     * @param propagator the propagator
     * @return this builder
     */
    public Builder contextPropagator(ContextPropagator propagator) {
      List<ContextPropagator> l = new java.util.ArrayList<>(propagators);
      l.add(propagator);
      this.propagators = l;
      return this;
    }

    /**
     * Returns the config.
     *
     * @return the config
     * @throws NullPointerException if a required setting was not set
     * @throws IllegalStateException if a size limit was not set to a positive value
     * @throws ConfigurationException if the protocol refuses a default every chat call carries
     */
    public ClientConfig build() {
      return new ClientConfig(this);
    }

    private static void refuse(String problem) {
      if (problem != null) {
        throw new ConfigurationException(problem);
      }
    }
  }
}
