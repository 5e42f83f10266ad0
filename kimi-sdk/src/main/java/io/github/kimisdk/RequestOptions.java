package io.github.kimisdk;

import io.github.kimisdk.base.net.HeaderPolicy;
import io.github.kimisdk.base.text.RecordText;
import io.github.kimisdk.errors.ConfigurationException;
import io.github.kimisdk.errors.KimiTimeoutException;
import io.github.kimisdk.errors.StreamAbortedException;
import io.github.kimisdk.model.SamplingPolicy;
import io.github.kimisdk.model.ThinkingFallback;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * Settings for one call, or for every call of a client derived with {@link
 * KimiClient#withOptions(RequestOptions)}: extra headers and query parameters, a timeout for the
 * whole call, a retry policy, what the client does with settings the model rejects ({@link
 * SamplingPolicy}, {@link ThinkingFallback}), and whom and what it is for: its tenant and its tags,
 * which the public interceptors read ({@link KimiInterceptor.Chain#tenant()}, {@link
 * KimiInterceptor.Chain#tags()}; kimi-sdk-budget's budgets count calls by them). What is not set
 * here comes from the client.
 *
 * <pre>{@code
 * RequestOptions traced = RequestOptions.builder()
 *     .header("X-Trace-Id", traceId)
 *     .timeout(Duration.ofSeconds(30))
 *     .retryPolicy(RetryPolicy.none())
 *     .build();
 * ChatCompletion reply = kimi.chat(ChatRequest.of("kimi-k3", "Hi"), traced);
 * }</pre>
 *
 * <p>Options are immutable and never print header values, which may hold credentials.
 */
public final class RequestOptions {

  private static final RequestOptions NONE = new RequestOptions(new Builder());

  private final Map<String, String> headers;
  private final Map<String, String> queryParams;
  private final Duration timeout;
  private final RetryPolicy retryPolicy;
  private final SamplingPolicy samplingPolicy;
  private final ThinkingFallback thinkingFallback;
  private final List<CallListener> listeners;
  private final List<KimiInterceptor> interceptors;
  private final List<String> tags;
  private final String tenant;

  private RequestOptions(Builder b) {
    this.headers = Collections.unmodifiableMap(new LinkedHashMap<>(b.headers));
    this.queryParams = Collections.unmodifiableMap(new LinkedHashMap<>(b.queryParams));
    this.timeout = b.timeout;
    this.retryPolicy = b.retryPolicy;
    this.samplingPolicy = b.samplingPolicy;
    this.thinkingFallback = b.thinkingFallback;
    this.listeners = List.copyOf(b.listeners);
    this.interceptors = List.copyOf(b.interceptors);
    this.tags = List.copyOf(b.tags);
    this.tenant = b.tenant;
  }

  /**
   * Returns options that set nothing: every setting comes from the client.
   *
   * @return the empty options
   */
  public static RequestOptions none() {
    return NONE;
  }

  /**
   * Returns a builder with nothing set.
   *
   * @return a new builder
   */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * Returns a builder holding these options, to change some of them.
   *
   * @return a new builder
   */
  public Builder toBuilder() {
    Builder b = new Builder();
    b.headers.putAll(headers);
    b.queryParams.putAll(queryParams);
    b.timeout = timeout;
    b.retryPolicy = retryPolicy;
    b.samplingPolicy = samplingPolicy;
    b.thinkingFallback = thinkingFallback;
    b.listeners.addAll(listeners);
    b.interceptors.addAll(interceptors);
    b.tags.addAll(tags);
    b.tenant = tenant;
    return b;
  }

  /**
   * Returns these options with {@code later}'s settings on top: its headers and query parameters
   * are added (replacing a header or parameter of the same name), its other settings replace these
   * where it sets them (its tenant too), its listeners hear the call after these ones, its
   * interceptors run inside these ones, and its tags are added to these. A derived client merges
   * its options with each call's this way.
   *
   * @param later the options that win
   * @return the merged options
   * @throws NullPointerException if {@code later} is null
   */
  public RequestOptions merge(RequestOptions later) {
    Objects.requireNonNull(later, "later");
    if (later.isEmpty()) {
      return this;
    }
    if (isEmpty()) {
      return later;
    }
    Builder b = toBuilder();
    later.headers.forEach(b::header);
    later.queryParams.forEach(b::queryParam);
    if (later.timeout != null) {
      b.timeout = later.timeout;
    }
    if (later.retryPolicy != null) {
      b.retryPolicy = later.retryPolicy;
    }
    if (later.samplingPolicy != null) {
      b.samplingPolicy = later.samplingPolicy;
    }
    if (later.thinkingFallback != null) {
      b.thinkingFallback = later.thinkingFallback;
    }
    b.listeners.addAll(later.listeners);
    b.interceptors.addAll(later.interceptors);
    later.tags.forEach(b::tag);
    if (later.tenant != null) {
      b.tenant = later.tenant;
    }
    return b.build();
  }

  /**
   * Tells whether these options set nothing.
   *
   * @return true when every setting comes from the client
   */
  public boolean isEmpty() {
    return headers.isEmpty()
        && queryParams.isEmpty()
        && timeout == null
        && retryPolicy == null
        && samplingPolicy == null
        && thinkingFallback == null
        && listeners.isEmpty()
        && interceptors.isEmpty()
        && tags.isEmpty()
        && tenant == null;
  }

  /**
   * Returns the extra headers, in the order they were set.
   *
   * @return the headers by name; unmodifiable
   */
  public Map<String, String> headers() {
    return headers;
  }

  /**
   * Returns the extra query parameters, in the order they were set.
   *
   * @return the parameters by name; unmodifiable
   */
  public Map<String, String> queryParams() {
    return queryParams;
  }

  /**
   * Returns the time allowed for the whole call, if set: retries and waits for the rate limiter
   * included, and for a stream everything up to its last event.
   *
   * @return the timeout, or empty to use the client's ({@link Timeouts#overall()})
   */
  public Optional<Duration> timeout() {
    return Optional.ofNullable(timeout);
  }

  /**
   * Returns the retry policy, if set.
   *
   * @return the policy, or empty to use the client's
   */
  public Optional<RetryPolicy> retryPolicy() {
    return Optional.ofNullable(retryPolicy);
  }

  /**
   * Returns what the call does with sampling values its model fixes, if set.
   *
   * @return the policy, or empty to use the client's
   */
  public Optional<SamplingPolicy> samplingPolicy() {
    return Optional.ofNullable(samplingPolicy);
  }

  /**
   * Returns what the call does with a tool choice its model rejects while thinking, if set.
   *
   * @return the fallback, or empty to use the client's
   */
  public Optional<ThinkingFallback> thinkingFallback() {
    return Optional.ofNullable(thinkingFallback);
  }

  /**
   * Returns the listeners of the call, in the order they were added; they hear it after the
   * client's own ({@link KimiClient.Builder#listener(CallListener)}).
   *
   * @return the listeners; unmodifiable
   */
  public List<CallListener> listeners() {
    return listeners;
  }

  /**
   * Returns the interceptors of the call, in the order they were added; they run inside the
   * client's own ({@link KimiClient.Builder#interceptor(KimiInterceptor)}).
   *
   * @return the interceptors; unmodifiable
   */
  public List<KimiInterceptor> interceptors() {
    return interceptors;
  }

  /**
   * Returns the call's tags, in the order they were added, such as the features it serves: what an
   * interceptor reads ({@link KimiInterceptor.Chain#tags()}; kimi-sdk-budget's budgets per tag
   * count the call under each). They are never sent.
   *
   * @return the tags; unmodifiable
   */
  public List<String> tags() {
    return tags;
  }

  /**
   * Returns the tenant the call is made for, if these options name one ({@link Builder#tenant}).
   *
   * @return the tenant, or empty: a {@link KimiClient#withCredentials} client's calls are then its
   *     account's, and any other's are no tenant's
   */
  public Optional<String> tenant() {
    return Optional.ofNullable(tenant);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof RequestOptions r
        && r.headers.equals(headers)
        && r.queryParams.equals(queryParams)
        && Objects.equals(r.timeout, timeout)
        && Objects.equals(r.retryPolicy, retryPolicy)
        && r.samplingPolicy == samplingPolicy
        && r.thinkingFallback == thinkingFallback
        && r.listeners.equals(listeners)
        && r.interceptors.equals(interceptors)
        && r.tags.equals(tags)
        && Objects.equals(r.tenant, tenant);
  }

  @Override
  public int hashCode() {
    return Objects.hash(
        headers,
        queryParams,
        timeout,
        retryPolicy,
        samplingPolicy,
        thinkingFallback,
        listeners,
        interceptors,
        tags,
        tenant);
  }

  /** Lists what is set: header and parameter names, never their values. */
  @Override
  public String toString() {
    return RecordText.of("RequestOptions")
        .add("headers", headers.keySet())
        .add("queryParams", queryParams.keySet())
        .add("timeout", timeout)
        .add("retryPolicy", retryPolicy)
        .add("samplingPolicy", samplingPolicy)
        .add("thinkingFallback", thinkingFallback)
        .add("listeners", listeners.isEmpty() ? null : listeners.size())
        .add("interceptors", interceptors.isEmpty() ? null : interceptors.size())
        .add("tags", tags.isEmpty() ? null : tags)
        .add("tenant", tenant)
        .toString();
  }

  /**
   * Checks a tenant's or tag's name: 1 to 128 characters, no spaces or control characters.
   *
   * @return {@code name}
   */
  static String checkedName(String what, String name) {
    Objects.requireNonNull(name, what);
    if (name.isEmpty() || name.length() > 128) {
      throw new IllegalArgumentException(
          "a " + what + " must be 1 to 128 characters: " + name.length() + " characters");
    }
    for (int i = 0; i < name.length(); i++) {
      char c = name.charAt(i);
      if (c <= ' ' || c == 0x7f) {
        throw new IllegalArgumentException(
            "a " + what + " must have no spaces or control characters (at index " + i + ")");
      }
    }
    return name;
  }

  /** Builds {@link RequestOptions}. Not thread-safe. */
  public static final class Builder {
    private final Map<String, String> headers = new LinkedHashMap<>();
    private final Map<String, String> queryParams = new LinkedHashMap<>();
    private Duration timeout;
    private RetryPolicy retryPolicy;
    private SamplingPolicy samplingPolicy;
    private ThinkingFallback thinkingFallback;
    private final List<CallListener> listeners = new ArrayList<>();
    private final List<KimiInterceptor> interceptors = new ArrayList<>();
    private final List<String> tags = new ArrayList<>();
    private String tenant;

    private Builder() {}

    /**
     * Adds a header to the call, replacing an earlier value of the same name (names compare without
     * case) and the client's own value of it: {@code User-Agent} and {@code Accept} too. The key's
     * headers ({@code Authorization}, {@code x-api-key}) and those the client manages ({@code
     * Content-Type}, {@code Content-Length}, {@code Host}, {@code Connection}, {@code Expect},
     * {@code Upgrade}) cannot be set.
     *
     * @param name the header name
     * @param value the header value
     * @return this builder
     * @throws ConfigurationException if the name is not a valid token or is reserved, or the value
     *     contains CR, LF or another control character
     * @throws NullPointerException if an argument is null
     */
    public Builder header(String name, String value) {
      Objects.requireNonNull(name, "name");
      Objects.requireNonNull(value, "value");
      String problem = HeaderPolicy.problem(name, value, true);
      if (problem != null) {
        throw new ConfigurationException(problem);
      }
      headers.keySet().removeIf(k -> k.equalsIgnoreCase(name));
      headers.put(name, value);
      return this;
    }

    /**
     * Adds headers to the call (see {@link #header(String, String)}).
     *
     * @param headers the headers
     * @return this builder
     * @throws ConfigurationException if a name or value is invalid
     * @throws NullPointerException if {@code headers} or an entry is null
     */
    public Builder headers(Map<String, String> headers) {
      Objects.requireNonNull(headers, "headers").forEach(this::header);
      return this;
    }

    /**
     * Adds a query parameter to the call's URL, replacing an earlier value of the same name. Both
     * are percent-encoded when sent.
     *
     * @param name the parameter name, not empty
     * @param value the value
     * @return this builder
     * @throws IllegalArgumentException if the name is empty
     * @throws ConfigurationException if the name or value contains a control character
     * @throws NullPointerException if an argument is null
     */
    public Builder queryParam(String name, String value) {
      Objects.requireNonNull(name, "name");
      Objects.requireNonNull(value, "value");
      if (name.isEmpty()) {
        throw new IllegalArgumentException("a query parameter name must not be empty");
      }
      checkValue("Query parameter '" + name + "'", name);
      checkValue("Query parameter '" + name + "'", value);
      queryParams.put(name, value);
      return this;
    }

    /**
     * Sets the time allowed for the whole call: every attempt, the waits between them and for the
     * rate limiter; for a stream, everything up to its last event. When it passes the call fails
     * with a {@link KimiTimeoutException} (a stream that already delivered chunks with a {@link
     * StreamAbortedException} carrying them). It replaces {@link Timeouts#overall()} for this call.
     *
     * @param timeout positive
     * @return this builder
     * @throws IllegalArgumentException if {@code timeout} is not positive
     * @throws NullPointerException if {@code timeout} is null
     */
    public Builder timeout(Duration timeout) {
      Objects.requireNonNull(timeout, "timeout");
      if (timeout.isZero() || timeout.isNegative()) {
        throw new IllegalArgumentException("timeout must be positive: " + timeout);
      }
      this.timeout = timeout;
      return this;
    }

    /**
     * Sets when the call is sent again; {@link RetryPolicy#none()} sends it once. Platform calls
     * (files, batches, balance, models, token counts), which the client otherwise sends once, are
     * retried by this policy too.
     *
     * @param retryPolicy the policy
     * @return this builder
     * @throws NullPointerException if {@code retryPolicy} is null
     */
    public Builder retryPolicy(RetryPolicy retryPolicy) {
      this.retryPolicy = Objects.requireNonNull(retryPolicy, "retryPolicy");
      return this;
    }

    /**
     * Sets what the call does with a sampling value its model fixes, instead of the client's {@code
     * samplingPolicy}.
     *
     * @param samplingPolicy the policy
     * @return this builder
     * @throws NullPointerException if {@code samplingPolicy} is null
     */
    public Builder samplingPolicy(SamplingPolicy samplingPolicy) {
      this.samplingPolicy = Objects.requireNonNull(samplingPolicy, "samplingPolicy");
      return this;
    }

    /**
     * Sets what the call does with a tool choice its model rejects while thinking, instead of the
     * client's {@code thinkingFallback}.
     *
     * @param thinkingFallback the fallback
     * @return this builder
     * @throws NullPointerException if {@code thinkingFallback} is null
     */
    public Builder thinkingFallback(ThinkingFallback thinkingFallback) {
      this.thinkingFallback = Objects.requireNonNull(thinkingFallback, "thinkingFallback");
      return this;
    }

    /**
     * Adds a listener of the call: it hears the call's attempts, retries, first chunk and end (see
     * {@link CallListener}), after the client's listeners. Several may be added; they hear the call
     * in the order they were added.
     *
     * @param listener the listener
     * @return this builder
     * @throws NullPointerException if {@code listener} is null
     */
    public Builder listener(CallListener listener) {
      listeners.add(Objects.requireNonNull(listener, "listener"));
      return this;
    }

    /**
     * Adds an interceptor of the chat calls these options are used for (see {@link
     * KimiInterceptor}): it runs inside the client's interceptors, after those added before here.
     * On a derived client, {@code
     * kimi.withOptions(RequestOptions.builder().interceptor(i).build())}.
     *
     * @param interceptor the interceptor
     * @return this builder
     * @throws NullPointerException if {@code interceptor} is null
     */
    public Builder interceptor(KimiInterceptor interceptor) {
      interceptors.add(Objects.requireNonNull(interceptor, "interceptor"));
      return this;
    }

    /**
     * Adds a tag to the call, such as the feature it serves, which its interceptors read ({@link
     * KimiInterceptor.Chain#tags()}): kimi-sdk-budget's budgets per tag count it under each of its
     * tags. Tags are never sent. A tag added twice counts once; at most 16.
     *
     * @param tag 1 to 128 characters, no spaces or control characters
     * @return this builder
     * @throws IllegalArgumentException if {@code tag} is blank, too long or has spaces, or a 17th
     *     tag is added
     * @throws NullPointerException if {@code tag} is null
     */
    public Builder tag(String tag) {
      checkedName("tag", tag);
      if (!tags.contains(tag)) {
        if (tags.size() == 16) {
          throw new IllegalArgumentException("a call carries at most 16 tags: " + tags);
        }
        tags.add(tag);
      }
      return this;
    }

    /**
     * Names the tenant the call is made for, such as the customer a team serves with one key of its
     * own: its interceptors read it ({@link KimiInterceptor.Chain#tenant()}), and kimi-sdk-budget's
     * budgets per tenant count the call under it, as they count a {@link
     * KimiClient#withCredentials} client's calls under its account. Set on a derived client ({@code
     * kimi.withOptions(RequestOptions.builder().tenant("acme").build())}) or per call. It wins over
     * the account of a {@code withCredentials} client. Never sent.
     *
     * @param tenant 1 to 128 characters, no spaces or control characters
     * @return this builder
     * @throws IllegalArgumentException if {@code tenant} is blank, too long or has spaces
     * @throws NullPointerException if {@code tenant} is null
     */
    public Builder tenant(String tenant) {
      this.tenant = checkedName("tenant", tenant);
      return this;
    }

    /**
     * Builds the options.
     *
     * @return the options
     */
    public RequestOptions build() {
      RequestOptions built = new RequestOptions(this);
      return built.isEmpty() ? NONE : built;
    }

    private static void checkValue(String what, String value) {
      String problem = HeaderPolicy.valueProblem(what, value);
      if (problem != null) {
        throw new ConfigurationException(problem);
      }
    }
  }
}
