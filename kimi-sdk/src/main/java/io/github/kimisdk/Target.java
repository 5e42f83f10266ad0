package io.github.kimisdk;

import io.github.kimisdk.base.text.RecordText;
import io.github.kimisdk.host.Host;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * One step of a client's fallback chain: a {@link Host}, the Kimi model to ask there (or the
 * request's own), and the account to ask it with (its key and its rate limit). A client's own
 * settings are its first target; {@link KimiClient.Builder#fallback(Target)} adds the next ones, in
 * order:
 *
 * <pre>{@code
 * KimiClient kimi = KimiClient.builder()
 *     .apiKey(moonshotKey)                                        // K3.1 Pro, or K3, on Moonshot
 *     .fallback(Target.of(Host.MOONSHOT, "kimi-k3").apiKey(moonshotKey))
 *     .fallback(Target.of(Host.vllm("https://vllm.internal/v1"), "kimi-k3"))
 *     .build();
 * ChatCompletion reply = kimi.chat(ChatRequest.of("kimi-k3.1-pro", "Hi"));
 * reply.metadata().servedBy();                                    // which one served it
 * }</pre>
 *
 * <p>A call moves to the next target when its target is overloaded (Kimi's {@code
 * engine_overloaded_error}, 502, 503, 529 or a status the host declares, a connection refused or
 * timed out before the response began), when its target's account is out of quota, or when the
 * request is too long for its target's model and the next one's context is longer; never on the
 * caller's own error (400, 401, 403, 404, a request too long for every target). A target that
 * overloaded is cooled down ({@link RetryPolicy#withCooldown}) and probed by one call when its
 * cooldown ends; a stream moves only before its first event. The client's one retry loop decides
 * all of it: a target is never retried by a loop of its own.
 *
 * <p>Each target keeps its own key, rate limit ({@link RateLimit}, shared through a store where
 * configured) and spend, priced at its host's prices ({@link Host#withPrices}), and never takes the
 * client's key. A target without a key sends none (a vLLM or SGLang started without {@code
 * --api-key}); one on a hosted platform's preset URL (Moonshot, Kimi Code, OpenRouter, Fireworks,
 * Together) fails the client's build. Immutable; never prints its key.
 */
public final class Target {

  private final Host host;
  private final String model;
  private final String apiKey;
  private final Supplier<String> apiKeySupplier;
  private final RateLimit rateLimit;
  private final int weight;

  /** The most a target may weigh against the other members of its group. */
  public static final int MAX_WEIGHT = 1000;

  private Target(
      Host host,
      String model,
      String apiKey,
      Supplier<String> apiKeySupplier,
      RateLimit rateLimit,
      int weight) {
    this.host = Objects.requireNonNull(host, "host");
    this.model = model;
    this.apiKey = apiKey;
    this.apiKeySupplier = apiKeySupplier;
    this.rateLimit = rateLimit;
    this.weight = checkWeight(weight);
  }

  /**
   * Returns a target that asks {@code host} for the model each request names.
   *
   * @param host where the calls go
   * @return the target, without a key or a rate limit
   */
  public static Target of(Host host) {
    return new Target(host, null, null, null, null, 1);
  }

  /**
   * Returns a target that asks {@code host} for {@code model}, whatever model a request names:
   * Kimi's rules for {@code model} apply to what is sent there.
   *
   * @param host where the calls go
   * @param model Kimi's id of the model to ask for, such as {@code kimi-k3}
   * @return the target, without a key or a rate limit
   * @throws IllegalArgumentException if {@code model} is blank
   */
  public static Target of(Host host, String model) {
    Objects.requireNonNull(model, "model");
    if (model.isBlank()) {
      throw new IllegalArgumentException("model must not be blank");
    }
    return new Target(host, model, null, null, null, 1);
  }

  /**
   * Returns this target with the key of its account.
   *
   * @param apiKey the key
   * @return the target
   */
  public Target apiKey(String apiKey) {
    return new Target(
        host, model, Objects.requireNonNull(apiKey, "apiKey"), null, rateLimit, weight);
  }

  /**
   * Returns this target with a supplier of its key, asked before every attempt sent to it.
   *
   * @param apiKey supplies the key
   * @return the target
   */
  public Target apiKey(Supplier<String> apiKey) {
    return new Target(
        host, model, null, Objects.requireNonNull(apiKey, "apiKey"), rateLimit, weight);
  }

  /**
   * Returns this target with its account's rate limit, as {@link KimiClient.Builder#rateLimit} sets
   * the client's own.
   *
   * @param rateLimit the limit
   * @return the target
   */
  public Target rateLimit(RateLimit rateLimit) {
    return new Target(
        host,
        model,
        apiKey,
        apiKeySupplier,
        Objects.requireNonNull(rateLimit, "rateLimit"),
        weight);
  }

  /**
   * Returns this target with its weight among the members of its group ({@link
   * KimiClient.Builder#replica}): of members with equal room, one of weight 2 is sent twice the
   * calls of one of weight 1. It means nothing for a target that shares no load.
   *
   * @param weight from 1 (the default) to {@link #MAX_WEIGHT}
   * @return the target
   * @throws IllegalArgumentException if {@code weight} is out of range
   */
  public Target weight(int weight) {
    return new Target(host, model, apiKey, apiKeySupplier, rateLimit, weight);
  }

  /**
   * Checks a weight of a member of a group.
   *
   * @param weight the weight
   * @return it
   * @throws IllegalArgumentException if it is not from 1 to {@link #MAX_WEIGHT}
   */
  static int checkWeight(int weight) {
    if (weight < 1 || weight > MAX_WEIGHT) {
      throw new IllegalArgumentException("weight must be from 1 to " + MAX_WEIGHT + ": " + weight);
    }
    return weight;
  }

  /**
   * Returns this target's weight among the members of its group.
   *
   * @return the weight, 1 unless set
   */
  public int weight() {
    return weight;
  }

  /**
   * Returns where the calls go.
   *
   * @return the host
   */
  public Host host() {
    return host;
  }

  /**
   * Returns the Kimi model this target asks for.
   *
   * @return the model, or empty when it asks for the model each request names
   */
  public Optional<String> model() {
    return Optional.ofNullable(model);
  }

  /**
   * Returns this target's rate limit.
   *
   * @return the limit, or empty for none
   */
  public Optional<RateLimit> rateLimit() {
    return Optional.ofNullable(rateLimit);
  }

  /**
   * Tells whether this target has a key (fixed or supplied).
   *
   * @return true when it sends one
   */
  public boolean hasKey() {
    return apiKey != null || apiKeySupplier != null;
  }

  /**
   * Returns the fixed key, for the client that builds this target; it must go nowhere else.
   *
   * @return the key, or null
   */
  String revealKey() {
    return apiKey;
  }

  /**
   * Returns the supplier of the key, for the client that builds this target.
   *
   * @return the supplier, or null
   */
  Supplier<String> keySupplier() {
    return apiKeySupplier;
  }

  /** Returns the host, the model and whether a key is set; never the key. */
  @Override
  public String toString() {
    return RecordText.of("Target")
        .add("host", host.name())
        .add("baseUrl", host.endpoint().baseUrl())
        .add("model", model)
        .add("key", hasKey() ? "***" : null)
        .add("weight", weight == 1 ? null : weight)
        .toString();
  }
}
