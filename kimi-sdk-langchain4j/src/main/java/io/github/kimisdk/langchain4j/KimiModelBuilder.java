package io.github.kimisdk.langchain4j;

import dev.langchain4j.model.chat.listener.ChatModelListener;
import dev.langchain4j.model.chat.request.ChatRequestParameters;
import dev.langchain4j.model.chat.request.ResponseFormat;
import io.github.kimisdk.KimiClient;
import io.github.kimisdk.RetryPolicy;
import io.github.kimisdk.Target;
import io.github.kimisdk.chat.Thinking;
import io.github.kimisdk.host.Host;
import io.github.kimisdk.model.SamplingPolicy;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Supplier;

/**
 * The builder settings {@link KimiChatModel} and {@link KimiStreamingChatModel} share, named as
 * LangChain4j's providers name them. Either a client of the model's own ({@code apiKey}, {@code
 * baseUrl}, {@code host}, {@code fallback}, {@code replica}, {@code weight}, {@code timeout},
 * {@code maxRetries}, {@code retryPolicy}, {@code logRequests}, {@code samplingPolicy}; without an
 * API key the client reads {@code MOONSHOT_API_KEY}, {@code KIMI_API_KEY} or {@code
 * KIMI_CODING_API_KEY}), or an existing {@code client}, which keeps its own settings. Request
 * parameters set here override those of {@code defaultRequestParameters}.
 *
 * @param <B> the concrete builder
 */
abstract class KimiModelBuilder<B extends KimiModelBuilder<B>> {

  final ClientSettings settings;
  private List<ChatModelListener> listeners = List.of();
  private ChatRequestParameters defaultRequestParameters;
  Supplier<Map<String, String>> customHeaders; // read by KimiModel
  private final KimiChatRequestParameters.Builder parameters = KimiChatRequestParameters.builder();

  /**
   * Starts a builder.
   *
   * @param owner the simple name of the model type it builds, for messages
   */
  KimiModelBuilder(String owner) {
    this.settings = new ClientSettings(owner);
  }

  @SuppressWarnings("unchecked")
  private B self() {
    return (B) this;
  }

  /**
   * Uses an existing client, with its key, endpoint, timeouts, retries and rate limit. Cannot be
   * combined with {@code apiKey}, {@code baseUrl}, {@code host}, {@code fallback}, {@code replica},
   * {@code weight}, {@code timeout}, {@code maxRetries}, {@code retryPolicy}, {@code logRequests},
   * {@code logResponses} or {@code samplingPolicy}: set those on the client.
   *
   * @param client the client; the model does not close it
   * @return this builder
   */
  public B client(KimiClient client) {
    settings.client = client;
    return self();
  }

  /**
   * Sets the API key of the model's own client.
   *
   * @param apiKey the key; without one the client reads it from the environment
   * @return this builder
   */
  public B apiKey(String apiKey) {
    settings.apiKey = apiKey;
    settings.apiKeySupplier = null;
    return self();
  }

  /**
   * Sets where the API key of the model's own client comes from when it changes (a secret manager's
   * rotation, Kimi Code's OAuth access token): asked before every attempt, and once more after Kimi
   * refuses a key, whose attempt is repeated once ({@code KimiClient.Builder.apiKey(Supplier)}). It
   * should answer at once from a value kept fresh; one that throws or returns a blank key fails the
   * call with a {@code ConfigurationException}. Set {@code baseUrl} too for Kimi Code or the China
   * platform.
   *
   * @param apiKey supplies the key; thread-safe
   * @return this builder
   */
  public B apiKey(Supplier<String> apiKey) {
    settings.apiKeySupplier = Objects.requireNonNull(apiKey, "apiKey");
    settings.apiKey = null;
    return self();
  }

  /**
   * Sets the base URL of the model's own client, such as {@code https://api.moonshot.cn/v1}.
   *
   * @param baseUrl the base URL; the default is Kimi's global platform
   * @return this builder
   */
  public B baseUrl(String baseUrl) {
    settings.baseUrl = baseUrl;
    return self();
  }

  /**
   * Sends the model's calls to {@code host}, in its dialect ({@code KimiClient.Builder.host}): a
   * vLLM or SGLang of the team's, OpenRouter, Fireworks, Together, Kimi Code or Moonshot's China
   * platform. The model keeps naming Kimi's models ({@code modelName("kimi-k3")}) and Kimi's rules
   * for a model apply on every host. With {@code baseUrl} too, the host is at that base URL ({@link
   * Host#withBaseUrl}, such as a vendor through a proxy).
   *
   * @param host the host; null for Moonshot's
   * @return this builder
   */
  public B host(Host host) {
    settings.host = host;
    return self();
  }

  /**
   * Adds a fallback target to the model's own client, after the targets added before ({@code
   * KimiClient.Builder.fallback}): a call moves to the next target when its target is overloaded or
   * its account is out of quota, never on the caller's own error, and a stream moves only before
   * its first event. The response's metadata names the target that answered ({@link
   * KimiChatResponseMetadata#servedBy()}); how long an overloaded target cools down is the retry
   * policy's ({@code retryPolicy}, {@link RetryPolicy#withCooldown}).
   *
   * @param target the target
   * @return this builder
   */
  public B fallback(Target target) {
    settings.targets.add(new ClientSettings.Added(Objects.requireNonNull(target, "target"), false));
    return self();
  }

  /**
   * Adds a replica to the model's own client: a target that shares the load of the one added last,
   * the client's own when none was ({@code KimiClient.Builder.replica}). The members of a group
   * share the calls by the room each has and by {@link Target#weight}; a conversation stays on the
   * member that holds its prefix cache while that member has room, and a call spills to another
   * member instead of waiting. Moves, hedges ({@link RetryPolicy#withHedging}) and continued
   * streams ({@link RetryPolicy#withStreamContinuation}) are told to the client's listeners as
   * {@code CallEvent.Rerouted}; the response's metadata names the member that answered ({@link
   * KimiChatResponseMetadata#servedBy()}).
   *
   * @param target the replica, with its own key if it takes one
   * @return this builder
   */
  public B replica(Target target) {
    settings.targets.add(new ClientSettings.Added(Objects.requireNonNull(target, "target"), true));
    return self();
  }

  /**
   * Sets the weight of the model's own client's target among the replicas that share its load
   * ({@code KimiClient.Builder.weight}); a replica's own is its {@link Target#weight}.
   *
   * @param weight from 1 (the default) to {@link Target#MAX_WEIGHT}
   * @return this builder
   * @throws IllegalArgumentException if {@code weight} is out of range
   */
  public B weight(int weight) {
    if (weight < 1 || weight > Target.MAX_WEIGHT) {
      throw new IllegalArgumentException(
          "weight must be from 1 to " + Target.MAX_WEIGHT + ": " + weight);
    }
    settings.weight = weight;
    return self();
  }

  /**
   * Sets the model, such as {@code "kimi-k3"}; required here or in the default request parameters.
   *
   * @param modelName the model id
   * @return this builder
   */
  public B modelName(String modelName) {
    parameters.modelName(modelName);
    return self();
  }

  /**
   * Sets the temperature. Kimi's newer models fix it (kimi-k3: 1, or 0.6 without thinking); see
   * {@code samplingPolicy}.
   *
   * @param temperature the temperature, in [0, 1]
   * @return this builder
   */
  public B temperature(Double temperature) {
    parameters.temperature(temperature);
    return self();
  }

  /**
   * Sets top-p (fixed at 0.95 on Kimi's newer models; see {@code samplingPolicy}).
   *
   * @param topP top-p, in [0, 1]
   * @return this builder
   */
  public B topP(Double topP) {
    parameters.topP(topP);
    return self();
  }

  /**
   * Sets the frequency penalty.
   *
   * @param frequencyPenalty the penalty, in [-2, 2]
   * @return this builder
   */
  public B frequencyPenalty(Double frequencyPenalty) {
    parameters.frequencyPenalty(frequencyPenalty);
    return self();
  }

  /**
   * Sets the presence penalty.
   *
   * @param presencePenalty the penalty, in [-2, 2]
   * @return this builder
   */
  public B presencePenalty(Double presencePenalty) {
    parameters.presencePenalty(presencePenalty);
    return self();
  }

  /**
   * Sets the maximum number of tokens to generate, reasoning included ({@code
   * max_completion_tokens}).
   *
   * @param maxTokens the limit
   * @return this builder
   */
  public B maxTokens(Integer maxTokens) {
    parameters.maxOutputTokens(maxTokens);
    return self();
  }

  /**
   * The same as {@code maxTokens}, by Kimi's name for it.
   *
   * @param maxCompletionTokens the limit
   * @return this builder
   */
  public B maxCompletionTokens(Integer maxCompletionTokens) {
    return maxTokens(maxCompletionTokens);
  }

  /**
   * Sets stop sequences: at most 5, each at most 32 bytes.
   *
   * @param stop the sequences
   * @return this builder
   */
  public B stop(List<String> stop) {
    parameters.stopSequences(stop);
    return self();
  }

  /**
   * Sets the response format: JSON, or JSON matching a schema.
   *
   * @param responseFormat the format
   * @return this builder
   */
  public B responseFormat(ResponseFormat responseFormat) {
    parameters.responseFormat(responseFormat);
    return self();
  }

  /**
   * Sets thinking on or off, or on with earlier turns' reasoning kept (see {@link Thinking}).
   *
   * @param thinking the setting
   * @return this builder
   */
  public B thinking(Thinking thinking) {
    parameters.thinking(thinking);
    return self();
  }

  /**
   * Sets the reasoning effort, such as {@code "high"}.
   *
   * @param reasoningEffort the effort
   * @return this builder
   */
  public B reasoningEffort(String reasoningEffort) {
    parameters.reasoningEffort(reasoningEffort);
    return self();
  }

  /**
   * Sets the prompt cache key.
   *
   * @param promptCacheKey the key
   * @return this builder
   */
  public B promptCacheKey(String promptCacheKey) {
    parameters.promptCacheKey(promptCacheKey);
    return self();
  }

  /**
   * Sets how long Kimi keeps the prompt cache of every request ({@code prompt_cache_options}).
   *
   * @param promptCacheTtl the time to live, or null for Kimi's default of five minutes
   * @return this builder
   */
  public B promptCacheTtl(io.github.kimisdk.chat.CacheTtl promptCacheTtl) {
    parameters.promptCacheTtl(promptCacheTtl);
    return self();
  }

  /**
   * Asks every reply for its tokens' log probabilities ({@code logprobs}); they come back in {@link
   * KimiChatResponseMetadata#logprobs()}.
   *
   * @param logprobs whether to ask
   * @return this builder
   */
  public B logprobs(Boolean logprobs) {
    parameters.logprobs(logprobs);
    return self();
  }

  /**
   * Sets how many of the most likely tokens each position lists ({@code top_logprobs}, 0 to 20);
   * needs {@code logprobs}.
   *
   * @param topLogprobs the number
   * @return this builder
   */
  public B topLogprobs(Integer topLogprobs) {
    parameters.topLogprobs(topLogprobs);
    return self();
  }

  /**
   * Asks every streamed reply to end with a usage-only chunk ({@code
   * stream_options.include_usage}); Kimi reports usage in the finishing chunk either way.
   *
   * @param includeUsage whether to ask
   * @return this builder
   */
  public B includeUsage(Boolean includeUsage) {
    parameters.includeUsage(includeUsage);
    return self();
  }

  /**
   * Sets further members of every request's body (see {@link
   * KimiChatRequestParameters.Builder#customParameters}).
   *
   * @param customParameters the members
   * @return this builder
   */
  public B customParameters(Map<String, Object> customParameters) {
    parameters.customParameters(customParameters);
    return self();
  }

  /**
   * Sets how long the model's own client waits for a response's headers, for a stream's first
   * event, and, in a body or stream, between two reads.
   *
   * @param timeout the timeout
   * @return this builder
   */
  public B timeout(Duration timeout) {
    settings.timeout = timeout;
    return self();
  }

  /**
   * Sets how often the model's own client retries a call that failed in a way worth retrying (429,
   * 5xx, a connection failure); 0 sends each call once.
   *
   * @param maxRetries the retries
   * @return this builder
   */
  public B maxRetries(Integer maxRetries) {
    settings.maxRetries = maxRetries;
    return self();
  }

  /**
   * Sets the whole retry policy of the model's own client: its retries and backoff, how long an
   * overloaded fallback target cools down ({@link RetryPolicy#withCooldown}) and how long a call
   * may wait out rate limits without spending retries ({@link RetryPolicy#withRateLimitWait}).
   * {@code maxRetries}, when set too, replaces the policy's number of retries.
   *
   * @param retryPolicy the policy; null for the SDK's default
   * @return this builder
   */
  public B retryPolicy(RetryPolicy retryPolicy) {
    settings.retryPolicy = retryPolicy;
    return self();
  }

  /**
   * Logs each request at {@code INFO} through SLF4J, on the logger {@value KimiClient#LOGGER_NAME}:
   * its body (the conversation) and the line that ends each attempt (status, request id, timings).
   * The API key is never logged. Without an SLF4J provider on the class path (Logback, Log4j's
   * bridge, slf4j-simple; Spring Boot and Quarkus bring one) SLF4J drops the lines.
   *
   * @param logRequests whether to log them
   * @return this builder
   */
  public B logRequests(Boolean logRequests) {
    settings.logRequests = logRequests;
    return self();
  }

  /**
   * Logs each response at {@code INFO} through SLF4J, on the logger {@value
   * KimiClient#LOGGER_NAME}: a whole reply's body, or a streamed reply once it ended (its text,
   * reasoning, tool calls and metadata), and the line that ends each attempt.
   *
   * @param logResponses whether to log them
   * @return this builder
   */
  public B logResponses(Boolean logResponses) {
    settings.logResponses = logResponses;
    return self();
  }

  /**
   * Says what the model's own client does with a sampling value the model fixes: refuse the request
   * before sending it (the default), or drop the value ({@link SamplingPolicy#ADAPT}).
   *
   * @param samplingPolicy the policy
   * @return this builder
   */
  public B samplingPolicy(SamplingPolicy samplingPolicy) {
    settings.samplingPolicy = samplingPolicy;
    return self();
  }

  /**
   * Marks top-level request fields as deliberate: the model's own client sends them as they are
   * where it would refuse them for being fields Kimi takes and ignores (a {@code customParameters}
   * field on Moonshot's API, {@code thinking} on kimi-k3.1-pro, a {@code reasoningEffort} level the
   * model does not list), for a relay that reads them or a newer Kimi ({@code
   * KimiClient.Builder.deliberateFields}).
   *
   * @param fields the fields, as chat completions names them, such as {@code "seed"}
   * @return this builder
   */
  public B deliberateFields(String... fields) {
    settings.deliberateFields = fields == null ? null : List.of(fields);
    return self();
  }

  /**
   * Sets headers sent with every request, computed for each request by {@code headers} (a gateway's
   * token, a tenant id, a trace id): it is called once per request, on the thread that makes it,
   * and its headers go after the client's own (replacing a client header of the same name). The
   * key's headers ({@code Authorization}, {@code x-api-key}) and those the client manages are
   * refused, failing the request. Works with {@code client(..)} too: each request is sent by a
   * client derived from it ({@code KimiClient.withOptions}), which costs no thread or connection.
   *
   * @param headers supplies the headers of each request; null, or a supplier giving null or an
   *     empty map, sends none
   * @return this builder
   */
  public B customHeaders(Supplier<Map<String, String>> headers) {
    this.customHeaders = headers;
    return self();
  }

  /**
   * Sets headers sent with every request, the same each time (see {@link #customHeaders(Supplier)}
   * for headers computed per request).
   *
   * @param headers the headers; null or empty sends none
   * @return this builder
   */
  public B customHeaders(Map<String, String> headers) {
    Map<String, String> fixed = headers == null ? null : Map.copyOf(headers);
    return customHeaders(fixed == null ? null : () -> fixed);
  }

  /**
   * Sets the listeners that hear every request, response and error.
   *
   * @param listeners the listeners
   * @return this builder
   */
  public B listeners(List<ChatModelListener> listeners) {
    this.listeners = listeners == null ? List.of() : List.copyOf(listeners);
    return self();
  }

  /**
   * Sets the request parameters every request starts from (a {@link KimiChatRequestParameters} for
   * Kimi's own); the values set on this builder override them.
   *
   * @param parameters the parameters
   * @return this builder
   */
  public B defaultRequestParameters(ChatRequestParameters parameters) {
    this.defaultRequestParameters = parameters;
    return self();
  }

  /** The model's request defaults: the default parameters, overridden by this builder's. */
  KimiChatRequestParameters resolvedParameters() {
    KimiChatRequestParameters own = parameters.build();
    KimiChatRequestParameters merged =
        defaultRequestParameters == null ? own : own.defaultedBy(defaultRequestParameters);
    if (merged.modelName() == null || merged.modelName().isBlank()) {
      throw new IllegalArgumentException(
          "modelName must be set, such as modelName(\"kimi-k3\") on the builder");
    }
    return merged;
  }

  /** The listeners, unmodifiable. */
  List<ChatModelListener> resolvedListeners() {
    return listeners;
  }

  /** The client: the given one, or one built from this builder's settings. */
  KimiClient resolvedClient() {
    return settings.resolve();
  }
}
