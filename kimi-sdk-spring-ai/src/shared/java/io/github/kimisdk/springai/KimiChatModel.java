package io.github.kimisdk.springai;

import io.github.kimisdk.KimiClient;
import io.github.kimisdk.RequestOptions;
import io.github.kimisdk.chat.ChatAccumulator;
import io.github.kimisdk.chat.ChatCompletion;
import io.github.kimisdk.chat.ChatRequest;
import io.github.kimisdk.chat.ChatStream;
import io.github.kimisdk.errors.PreflightException;
import io.github.kimisdk.host.Host;
import io.github.kimisdk.host.ServedBy;
import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationRegistry;
import io.micrometer.observation.contextpropagation.ObservationThreadLocalAccessor;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicReference;
import org.springframework.ai.chat.messages.UserMessage;
import org.springframework.ai.chat.model.ChatModel;
import org.springframework.ai.chat.model.ChatResponse;
import org.springframework.ai.chat.observation.ChatModelObservationContext;
import org.springframework.ai.chat.observation.ChatModelObservationConvention;
import org.springframework.ai.chat.observation.ChatModelObservationDocumentation;
import org.springframework.ai.chat.prompt.ChatOptions;
import org.springframework.ai.chat.prompt.Prompt;
import org.springframework.ai.model.tool.ToolCallingManager;
import reactor.adapter.JdkFlowAdapter;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * Kimi as a Spring AI {@link ChatModel}, over a {@link KimiClient}: the client's retries, rate
 * limits, model rules (K3's fixed sampling, thinking and effort) and errors apply to every call.
 *
 * <pre>{@code
 * KimiChatModel model = KimiChatModel.builder()
 *     .kimiClient(KimiClient.fromEnv())
 *     .options(KimiChatOptions.builder().model("kimi-k3").reasoningEffort("high").build())
 *     .build();
 * String answer = ChatClient.create(model).prompt("Say hi").call().content();
 * }</pre>
 *
 * <p><b>Options.</b> On Spring AI 2 (kimi-sdk-spring-ai), a prompt's {@link KimiChatOptions} are
 * the whole request's options ({@code ChatClient} builds them from {@link #getOptions()} and the
 * request's own); other {@link ChatOptions} are laid over {@link #getOptions()}; without any,
 * {@link #getOptions()} apply. On Spring AI 1.1 (kimi-sdk-spring-ai-boot3), a prompt's options,
 * {@link KimiChatOptions} or any {@link ChatOptions}, are laid over {@link #getOptions()} ({@code
 * KimiChatOptions.overlaidWith}): what they set replaces the default, the rest is the default's. A
 * request that names no model asks the default options' model.
 *
 * <p><b>Tools.</b> As Spring AI 2 wants, its line's model never runs tools: it declares the
 * options' tool callbacks to Kimi and returns the tool calls Kimi asks for; {@code ChatClient}'s
 * tool-calling advisor runs them and calls again. As Spring AI 1 wants, its line's model runs the
 * tools: it declares the options' tool callbacks (and the tools their names resolve to) to Kimi,
 * and when Kimi asks for tool calls it runs them with its {@link ToolCallingManager} ({@code
 * KimiChatModel.Builder.toolCallingManager}) and calls Kimi again with the assistant message (its
 * {@code reasoning_content} included, as kimi-k3 requires) and the results, until Kimi answers;
 * unless the options turn it off ({@code internalToolExecutionEnabled(false)}), when it returns the
 * tool calls. A stream then runs the tools after the pieces of the turn that asked for them, off
 * the SDK's threads, and goes on with the next turn's pieces.
 *
 * <p><b>Reasoning.</b> The assistant message's metadata holds Kimi's {@code reasoning_content}
 * under {@value #REASONING_CONTENT}, and an assistant message sent back carries it again, as
 * kimi-k3 requires of a tool-calling turn. Streamed, each response carries its piece of text and of
 * reasoning (of the first choice), and the last one carries no text but the tool calls, the whole
 * reasoning, the finish reason and the usage, so that Spring AI's aggregation rebuilds the whole
 * message.
 *
 * <p><b>Metadata.</b> The response's metadata has the completion's id and model, the usage (its
 * native usage is the SDK's {@link io.github.kimisdk.chat.Usage}; cache reads are Kimi's cached
 * tokens), {@code created}, Kimi's request id under {@value #REQUEST_ID} and the rate-limit headers
 * under {@value #RATE_LIMIT_HEADERS}, when the response had them. Each generation's finish reason
 * is Kimi's, in upper case ({@code STOP}, {@code TOOL_CALLS}, {@code LENGTH}), and its log
 * probabilities are under {@value #LOGPROBS} when the options asked for them. A stream asks for
 * Kimi's trailing usage chunk ({@code stream_options.include_usage}), so its last response has the
 * whole usage.
 *
 * <p><b>Observations.</b> Every call and stream is a {@code gen_ai.client.operation} observation
 * (Spring AI's {@link ChatModelObservationDocumentation}) on the given {@link ObservationRegistry};
 * a stream's ends when it completes, fails or is cancelled. Its provider is the host that served
 * the call ({@value #PROVIDER} for Moonshot's platforms, the host's name for any other, such as
 * {@code vllm}; the target a reply names under {@value #SERVED_BY} on a client with fallback
 * targets). Unless the builder is given a convention of its own, the observation has Spring AI's
 * keys, its low-cardinality {@code gen_ai.system} naming that provider, and the high-cardinality
 * {@code gen_ai.provider.name} (see {@link #PROVIDER}) and, on a client with fallback targets,
 * {@code kimi.target} and {@code kimi.target.host} (the target's place in the chain and its host).
 *
 * <p><b>Tenants.</b> A request whose options name a tenant ({@link KimiChatOptions#getTenant()}) is
 * sent with that tenant's client, which the model's {@link KimiTenants} gives: the tenant's own
 * key, spend and rate limit, on the pool and threads of the model's client.
 *
 * <p><b>Failures</b> are the SDK's {@link io.github.kimisdk.errors.KimiException}s, thrown by
 * {@link #call(Prompt)} and signalled by {@link #stream(Prompt)}. Cancelling a stream's {@link
 * Flux} closes the call to Kimi.
 */
public final class KimiChatModel extends SpringAiLine.Model implements ChatModel {

  /**
   * The assistant message metadata key of Kimi's {@code reasoning_content}: {@value}, the key
   * Spring AI's OpenAI module writes and replays too, so chat memory and applications that mix
   * providers keep K3's reasoning. Read back as a string; an empty one counts as none (that module
   * writes {@code ""} for a model that did not reason), and the SDK then fills in what a thinking
   * Kimi model requires.
   */
  public static final String REASONING_CONTENT = "reasoningContent";

  /**
   * The assistant message metadata key of a reasoning signature (Kimi's Anthropic-compatible
   * surface signs thinking), sent back unchanged: {@value}.
   */
  public static final String REASONING_SIGNATURE = "reasoningSignature";

  /**
   * The generation metadata key of the log probabilities of the reply's tokens (the SDK's {@link
   * io.github.kimisdk.chat.Logprobs}), when the options asked for them: {@value}.
   */
  public static final String LOGPROBS = "logprobs";

  /** The response metadata key of Kimi's request id: {@value}. */
  public static final String REQUEST_ID = "requestId";

  /** The response metadata key of the rate-limit headers, a map keyed in lower case: {@value}. */
  public static final String RATE_LIMIT_HEADERS = "rateLimitHeaders";

  /**
   * The response metadata key of the target of a client's fallback chain that answered (the SDK's
   * {@link io.github.kimisdk.host.ServedBy}: its place, host, base URL and model), on a client with
   * fallback targets ({@code spring.ai.kimi.fallback[n].*}): {@value}. A stream's last response
   * carries it.
   */
  public static final String SERVED_BY = "servedBy";

  /**
   * The provider name of the observations of a call Moonshot AI's own platforms served (Moonshot,
   * its China platform, Kimi Code): {@value}, the value open-telemetry/semantic-conventions-genai
   * lists for Moonshot AI, the one kimi-sdk-opentelemetry's spans (KimiTelemetry.PROVIDER) carry
   * too; a call another host served (a vLLM, OpenRouter, a fallback target's host) carries that
   * host's name. It goes under {@code gen_ai.provider.name}, the conventions' attribute, as a
   * high-cardinality key (on spans, not on metrics), and under Spring AI's {@code gen_ai.system},
   * the low-cardinality key its {@code gen_ai.client.*} meters are tagged with. Metrics stay
   * without {@code gen_ai.provider.name} so that their tag keys are those of every other Spring AI
   * provider's meters of the same name: a Prometheus registry keeps only the first of two meters
   * whose tag keys differ.
   */
  public static final String PROVIDER = "moonshot_ai";

  /** The prompt of the request the default options are checked with when the model is built. */
  private static final String START_CHECK_PROMPT = "(the chat model's default options)";

  private static final ChatModelObservationConvention DEFAULT_CONVENTION =
      new KimiObservationConvention();

  private final KimiClient client;
  private final KimiTenants tenants; // null: a request naming a tenant is refused
  private final KimiChatOptions options;
  private final ObservationRegistry observationRegistry;
  private final ChatModelObservationConvention observationConvention; // null: the default
  private final ServedBy own; // the client's own target, which serves a call unless it falls back

  private KimiChatModel(Builder b) {
    super(b);
    this.client = Objects.requireNonNull(b.client, "kimiClient must be set");
    this.tenants = b.tenants;
    KimiChatOptions o = b.options == null ? KimiChatOptions.builder().build() : b.options;
    this.options =
        o.getModel() == null ? o.mutate().model(KimiChatOptions.DEFAULT_MODEL).build() : own(o);
    // a retired or unknown default model is told at start-up, on the client's logger, and once:
    // the client records it, so its first call with the model does not repeat it
    client.warnAboutModel(options.getModel());
    this.observationRegistry = b.observationRegistry;
    this.observationConvention = b.observationConvention;
    Host host = client.account().targets().get(0).target().host();
    this.own = new ServedBy(0, host.name(), host.endpoint().uri(), null);
    refuseWhatEveryCallWouldBeRefused(client, options);
  }

  /**
   * Refuses default options for which the client would refuse every call that brings no options of
   * its own, at once and in the call's words: the request they make, as the client adapts it (its
   * sampling policy, thinking fallback, prompt cache time to live), checked against the client's
   * model table and its host ({@link KimiClient#problems}: a field Kimi would take and ignore, such
   * as an {@code extra-body} field on Moonshot's API, unless {@code deliberate-fields} names it),
   * as every call is checked before it is sent. A model the table does not know is checked only on
   * what holds for every model; the warning above names it.
   */
  private static void refuseWhatEveryCallWouldBeRefused(KimiClient client, KimiChatOptions o) {
    ChatRequest sent =
        client.adapt(Requests.toKimi(List.of(new UserMessage(START_CHECK_PROMPT)), o, false));
    List<String> problems = client.problems(sent);
    if (!problems.isEmpty()) {
      throw new PreflightException(sent.model(), problems);
    }
  }

  /**
   * Returns a new builder.
   *
   * @return the builder
   */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * Returns the default options ({@code getDefaultOptions()} returns the same), which always name a
   * model ({@link KimiChatOptions#DEFAULT_MODEL} unless the builder's options named another): on
   * Spring AI 2 the model's own, which are immutable; on Spring AI 1.1 a copy, which {@code
   * ChatClient} changes per request.
   *
   * @return the options
   */
  @Override
  public KimiChatOptions getOptions() {
    return handOut(options);
  }

  /**
   * Sends the prompt and returns Kimi's reply.
   *
   * @param prompt the prompt
   * @return the reply, one generation per choice
   * @throws io.github.kimisdk.errors.KimiException when the call fails
   * @throws IllegalArgumentException for a prompt Kimi cannot take (top-k, audio, an http image
   *     URL)
   */
  @Override
  public ChatResponse call(Prompt prompt) {
    Prompt request = withOptions(prompt, options);
    ChatModelObservationContext context = observed(request, false);
    ChatResponse response =
        ChatModelObservationDocumentation.CHAT_MODEL_OPERATION
            .observation(
                observationConvention, DEFAULT_CONVENTION, () -> context, observationRegistry)
            .observe(
                () -> {
                  ChatCompletion completion = clientOf(request).chat(toKimi(request, false));
                  ChatResponse r = Responses.toSpring(completion);
                  context.setResponse(r);
                  return r;
                });
    return afterCall(request, response);
  }

  /**
   * Streams Kimi's reply. Nothing is sent until the {@link Flux} is subscribed to; each
   * subscription is one call.
   *
   * @param prompt the prompt
   * @return the pieces of the reply, then a last response with the tool calls, the finish reason
   *     and the usage (and, where the model runs the tools, the next turns' pieces)
   */
  @Override
  public Flux<ChatResponse> stream(Prompt prompt) {
    // Threading: the SDK delivers chunks on its own threads, one signal at a time (Reactive
    // Streams rule 1.3), so the accumulator is only touched serially: by onNext, then by the last
    // response, which concatWith builds after the chunks' onComplete.
    return Flux.deferContextual(
        contextView -> {
          Prompt request = withOptions(prompt, options);
          ChatModelObservationContext context = observed(request, true);
          Observation observation =
              ChatModelObservationDocumentation.CHAT_MODEL_OPERATION.observation(
                  observationConvention, DEFAULT_CONVENTION, () -> context, observationRegistry);
          Observation parent = contextView.getOrDefault(ObservationThreadLocalAccessor.KEY, null);
          observation.parentObservation(parent);
          observation.start();
          ChatAccumulator accumulator = new ChatAccumulator();
          AtomicReference<ChatStream> stream = new AtomicReference<>();
          AtomicReference<ChatResponse> whole = new AtomicReference<>();
          Flux<ChatResponse> pieces =
              Flux.defer(
                      () -> {
                        ChatStream s = clientOf(request).stream(toKimi(request, true));
                        stream.set(s);
                        return JdkFlowAdapter.flowPublisherToFlux(s);
                      })
                  .handle(
                      (chunk, sink) -> {
                        accumulator.add(chunk);
                        ChatResponse piece = Responses.piece(chunk);
                        if (piece != null) {
                          sink.next(piece);
                        }
                      });
          Mono<ChatResponse> last =
              Mono.fromSupplier(
                  () -> {
                    ChatCompletion completion =
                        accumulator
                            .toCompletion()
                            .withMetadata(stream.get().metadata().orElse(null));
                    whole.set(Responses.toSpring(completion));
                    context.setResponse(whole.get());
                    return Responses.last(completion);
                  });
          Flux<ChatResponse> turn =
              pieces
                  .concatWith(last)
                  .doOnError(observation::error)
                  .doFinally(signal -> observation.stop())
                  .contextWrite(c -> c.put(ObservationThreadLocalAccessor.KEY, observation));
          // what follows the turn once it is whole: where the model runs the tools, their turns
          return turn.concatWith(Flux.defer(() -> afterStream(request, whole.get())));
        });
  }

  /**
   * The observation's context of a call: its prompt, the provider of the client's own host, and
   * that target itself, which the convention names unless the response names another.
   */
  private ChatModelObservationContext observed(Prompt request, boolean streaming) {
    ChatModelObservationContext.Builder builder =
        ChatModelObservationContext.builder()
            .prompt(request)
            .provider(KimiObservationConvention.provider(own.host()));
    ChatModelObservationContext context = streaming(builder, streaming).build();
    context.put(KimiObservationConvention.OWN_TARGET, own);
    return context;
  }

  /**
   * Returns the client a request is sent with: the tenant's its options name ({@link
   * KimiChatOptions#getTenant()}), else the model's own.
   */
  private KimiClient clientOf(Prompt prompt) {
    KimiChatOptions options = (KimiChatOptions) prompt.getOptions();
    KimiClient of = tenantClient(options.getTenant());
    Map<String, String> headers = options.getHttpHeaders();
    // a derived client per request costs no thread or connection (KimiClient.withOptions)
    return headers.isEmpty()
        ? of
        : of.withOptions(RequestOptions.builder().headers(headers).build());
  }

  private KimiClient tenantClient(String tenant) {
    if (tenant == null) {
      return client;
    }
    if (tenants == null) {
      throw new IllegalStateException(
          "The request's KimiChatOptions name tenant "
              + tenant
              + ", but this KimiChatModel has no KimiTenants to find its client: give it one"
              + " (KimiChatModel.builder().tenants(...), or a KimiTenants bean for the"
              + " auto-configured model)");
    }
    return Objects.requireNonNull(tenants.client(tenant), "KimiTenants gave no client");
  }

  private ChatRequest toKimi(Prompt prompt, boolean stream) {
    KimiChatOptions o = (KimiChatOptions) prompt.getOptions();
    return Requests.toKimi(prompt.getInstructions(), o, stream, declared(o));
  }

  @Override
  public String toString() {
    return "KimiChatModel[" + options + "]";
  }

  /** Builds a {@link KimiChatModel}; only the client is required. */
  public static final class Builder extends SpringAiLine.ModelBuilder {

    private KimiClient client;
    private KimiTenants tenants;
    private KimiChatOptions options;
    private ObservationRegistry observationRegistry = ObservationRegistry.NOOP;
    private ChatModelObservationConvention observationConvention;

    private Builder() {}

    /**
     * Sets the client the model calls Kimi with. The model does not close it.
     *
     * @param client the client
     * @return this builder
     */
    public Builder kimiClient(KimiClient client) {
      this.client = client;
      return this;
    }

    /**
     * Sets where the clients of tenants come from, for requests whose options name a tenant ({@link
     * KimiChatOptions#getTenant()}): each such request is sent with the tenant's own client (its
     * key, spend and rate limit), on the pool of {@link #kimiClient(KimiClient)}'s client.
     *
     * @param tenants the tenants; null (the default) refuses a request that names one
     * @return this builder
     */
    public Builder tenants(KimiTenants tenants) {
      this.tenants = tenants;
      return this;
    }

    /**
     * Sets the default options; without any, the model asks {@link KimiChatOptions#DEFAULT_MODEL}
     * with Kimi's defaults.
     *
     * @param options the options
     * @return this builder
     */
    public Builder options(KimiChatOptions options) {
      this.options = options;
      return this;
    }

    /**
     * Sets the registry the model's observations go to.
     *
     * @param observationRegistry the registry; {@link ObservationRegistry#NOOP} by default
     * @return this builder
     * @throws NullPointerException if {@code observationRegistry} is null
     */
    public Builder observationRegistry(ObservationRegistry observationRegistry) {
      this.observationRegistry =
          Objects.requireNonNull(observationRegistry, "observationRegistry must not be null");
      return this;
    }

    /**
     * Sets the convention that names the observations and their keys.
     *
     * @param observationConvention the convention; null for Spring AI's default with {@code
     *     gen_ai.provider.name} added (see {@link KimiChatModel#PROVIDER})
     * @return this builder
     */
    public Builder observationConvention(ChatModelObservationConvention observationConvention) {
      this.observationConvention = observationConvention;
      return this;
    }

    /**
     * Builds the model, checking its default options as the client checks every call, so that
     * options every call would be refused for fail here, at start-up, in the words the call would
     * fail in: a sampling value the model fixes (such as {@code temperature(0.3)} on kimi-k3,
     * unless the client's {@code SamplingPolicy} adapts it), an effort the model does not take,
     * thinking switched off on a model that always thinks, an output cap over the model's largest,
     * a field Kimi would take and ignore (thinking on kimi-k3.1-pro, an extra-body field on
     * Moonshot's API) that the client does not mark deliberate.
     *
     * @return the model
     * @throws NullPointerException if no client was set
     * @throws PreflightException if the client's model table says the model refuses the default
     *     options
     * @throws IllegalArgumentException if the default options are ones no Kimi request can carry
     *     (top-k)
     */
    public KimiChatModel build() {
      return new KimiChatModel(this);
    }
  }
}
