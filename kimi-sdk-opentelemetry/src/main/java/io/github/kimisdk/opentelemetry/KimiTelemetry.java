package io.github.kimisdk.opentelemetry;

import io.github.kimisdk.CallListener;
import io.github.kimisdk.ContextPropagator;
import io.github.kimisdk.KimiClient;
import io.github.kimisdk.KimiInterceptor;
import io.github.kimisdk.budget.Budget;
import io.github.kimisdk.model.PriceTable;
import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.context.Context;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;

/**
 * OpenTelemetry for kimi-sdk's chat calls, installed on a client in one line:
 *
 * <pre>{@code
 * KimiClient kimi = KimiTelemetry.create(openTelemetry)
 *     .install(KimiClient.builder().fromEnv())
 *     .build();
 * }</pre>
 *
 * <p>It follows the OpenTelemetry semantic conventions for generative AI as release {@value
 * #SEMANTIC_CONVENTIONS} of open-telemetry/semantic-conventions states them, the last release of
 * that repository to hold them (they moved to open-telemetry/semantic-conventions-genai, whose text
 * has no release this module could follow yet); its spans and metrics carry that release's schema
 * URL ({@value #SCHEMA_URL}) and this artifact's version ({@link #VERSION}) in their
 * instrumentation scope ({@value #INSTRUMENTATION_SCOPE}). Every chat call ({@code chat}, {@code
 * chatAsync}, {@code stream}) gets one client span, a child of the caller's current span, named
 * {@code chat <model>}, and records {@code gen_ai.client.operation.duration} and {@code
 * gen_ai.client.token.usage}; a stream also records {@code
 * gen_ai.client.operation.time_to_first_chunk} and {@code
 * gen_ai.client.operation.time_per_output_chunk}. The span carries {@code gen_ai.operation.name},
 * {@code gen_ai.provider.name} (the host that served the call: {@value #PROVIDER} for Moonshot's
 * platforms, the host's name for any other, such as {@code vllm}), the request's settings, {@code
 * gen_ai.request.stream} for a stream, the response's id, model and finish reasons, {@code
 * gen_ai.response.time_to_first_chunk} for a stream, the input and output tokens, {@code
 * server.address}, {@code server.port}, the HTTP status ({@code http.response.status_code}), and,
 * when the call failed, {@code error.type}: Kimi's error type (such as {@code
 * engine_overloaded_error}) or else the HTTP status of a server's refusal, the failure's class for
 * anything else. A call the client refused before sending (the model's rules, the context budget)
 * is a span too, with its {@code error.type} and no server attempt: the conventions' client span is
 * the client's operation, and {@code error.type} may be "the error code returned by the Generative
 * AI provider or the client library". Each attempt after the first is a {@code kimi.retry} event on
 * the span ({@code kimi.attempt}, the URL's {@code server.address} and {@code server.port}, the
 * failure before it as {@code error.type} and {@code http.response.status_code}), or a {@code
 * kimi.fallback} event when it goes to another target of the client's fallback chain ({@code
 * kimi.target}, {@code kimi.target.host}); a call routing sent elsewhere with no attempt failing (a
 * conversation moved to another replica, a stream hedged or continued) is a {@code kimi.rerouted}
 * event ({@code kimi.reroute}: {@code moved}, {@code hedged} or {@code continued}, the target it
 * went to as a fallback's, the one it left as {@code kimi.reroute.from.*}, and a hedge's wait as
 * {@code kimi.reroute.after}, in seconds), told by the listener {@link #install} adds ({@link
 * #listener()}); on a client with fallback targets, the span and the metrics name the target that
 * served ({@code kimi.target}, {@code kimi.target.host}, its provider, {@code server.address} and
 * {@code server.port}). The cost the price table gives is {@code kimi.cost} (with {@code
 * kimi.cost.currency}) and Kimi's request id {@code kimi.request_id}, where the conventions have no
 * name. Every request carries the W3C trace context of the call's span ({@code traceparent}, and
 * {@code tracestate} when there is one), so a server that reads it (vLLM, most gateways) joins the
 * trace; {@link Builder#propagateContext(boolean)} turns that off. Baggage is never sent.
 *
 * <p>Every GenAI name is still "development" in the conventions. The ones every GenAI backend reads
 * (above) are written by default; the detailed token counts ({@code
 * gen_ai.usage.cache_read.input_tokens}, {@code gen_ai.usage.cache_creation.input_tokens}, {@code
 * gen_ai.usage.reasoning.output_tokens}, added in 1.40.0 and 1.41.0) only with {@link
 * Builder#experimentalAttributes(boolean)}. Message contents ({@code gen_ai.input.messages}, {@code
 * gen_ai.output.messages}) are recorded only with {@link Builder#captureMessageContent(boolean)}:
 * as structured values where the OpenTelemetry API in use has them ({@code AttributeKey.valueKey}),
 * as JSON strings otherwise, as the conventions ask. The API key never is: the interceptors this
 * installs never see it.
 *
 * <p>It is two {@link KimiInterceptor}s ({@link #interceptors()}): one per call (the span and
 * metrics), added first so that its span encloses every other interceptor, and one per attempt (the
 * trace context and the retry events), with a listener of reroutes and OpenTelemetry's context
 * propagator ({@link #contextPropagator()}), which makes the caller's context current in every
 * callback the client runs on its own threads. Immutable and thread-safe; one instance may serve
 * many clients.
 */
public final class KimiTelemetry {

  /** The instrumentation scope of the spans and metrics: {@value}. */
  public static final String INSTRUMENTATION_SCOPE = "io.github.kimisdk.opentelemetry";

  /**
   * The instrumentation scope's version: this artifact's version, written by the build.
   *
   * @see #INSTRUMENTATION_SCOPE
   */
  public static final String VERSION = ScopeVersion.VERSION;

  /**
   * The provider name of Moonshot AI's own platforms (Moonshot, its China platform, Kimi Code):
   * {@value}, the {@code gen_ai.provider.name} that open-telemetry/semantic-conventions-genai lists
   * for Moonshot AI (v1.41.1 lists none, and its provider names are open). A call another host
   * served carries that host's name instead; kimi-sdk-spring-ai's observations carry the same.
   */
  public static final String PROVIDER = "moonshot_ai";

  /**
   * The release of open-telemetry/semantic-conventions followed: {@value}, the last to hold the
   * GenAI conventions, and the first to hold every name this module writes ({@code
   * gen_ai.request.stream}, {@code gen_ai.response.time_to_first_chunk}, {@code
   * gen_ai.usage.reasoning.output_tokens} and the two streaming metrics came in 1.41.0).
   */
  public static final String SEMANTIC_CONVENTIONS = "1.41.1";

  /** The schema URL of the spans and metrics: {@value}, the release followed. */
  public static final String SCHEMA_URL =
      "https://opentelemetry.io/schemas/" + SEMANTIC_CONVENTIONS;

  /** OpenTelemetry's context, captured where a call starts and current around its callbacks. */
  private static final ContextPropagator CONTEXT =
      () -> {
        Context captured = Context.current();
        return () -> captured.makeCurrent()::close;
      };

  private final List<KimiInterceptor> interceptors;
  private final CallListener listener;

  private KimiTelemetry(Builder b) {
    ConcurrentHashMap<Long, CallSpan.Open> open = new ConcurrentHashMap<>(); // by the call's id
    GenAi genAi = new GenAi(b.experimental, b.contents, b.prices);
    BudgetMetrics budgets = new BudgetMetrics(b.openTelemetry, b.budgets);
    this.interceptors =
        List.of(
            new CallSpan(b.openTelemetry, genAi, open, budgets),
            new AttemptContext(b.propagate, open));
    this.listener = new RerouteEvents(open);
  }

  /**
   * Returns telemetry with the defaults: trace context sent, no experimental attributes, no message
   * contents, the default price table.
   *
   * @param openTelemetry the application's OpenTelemetry (its tracer and meter providers)
   * @return the telemetry
   * @throws NullPointerException if {@code openTelemetry} is null
   */
  public static KimiTelemetry create(OpenTelemetry openTelemetry) {
    return builder(openTelemetry).build();
  }

  /**
   * Returns a builder for telemetry reporting to {@code openTelemetry}.
   *
   * @param openTelemetry the application's OpenTelemetry (its tracer and meter providers)
   * @return a new builder
   * @throws NullPointerException if {@code openTelemetry} is null
   */
  public static Builder builder(OpenTelemetry openTelemetry) {
    return new Builder(Objects.requireNonNull(openTelemetry, "openTelemetry"));
  }

  /**
   * Adds this telemetry's interceptors to {@code builder}, after any it has, its listener ({@link
   * #listener()}) and OpenTelemetry's context propagator ({@link #contextPropagator()}): the client
   * it builds, and every client derived from it, reports every chat call, and runs every callback
   * on its own threads in the caller's OpenTelemetry context.
   *
   * @param builder the client's builder
   * @return {@code builder}
   * @throws NullPointerException if {@code builder} is null
   */
  public KimiClient.Builder install(KimiClient.Builder builder) {
    Objects.requireNonNull(builder, "builder");
    for (KimiInterceptor i : interceptors) {
      builder.interceptor(i);
    }
    return builder.listener(listener).contextPropagator(CONTEXT);
  }

  /**
   * Returns the propagator of OpenTelemetry's context that {@link #install} adds: it captures
   * {@code Context.current()} where a call starts and makes it current ({@code makeCurrent()})
   * around every callback the client runs for the call on its own threads (listeners, interceptors,
   * a {@code Flow} subscriber's signals, the stages of the futures it returns), so that a span the
   * caller made current, and its baggage, are current there too. For a client whose builder gets
   * {@link #interceptors()} by hand, or one without this telemetry: add it with {@code
   * KimiClient.Builder.contextPropagator}.
   *
   * @return the propagator; one for every client
   */
  public static ContextPropagator contextPropagator() {
    return CONTEXT;
  }

  /**
   * Returns the two interceptors {@link #install} adds, in order: the call's span and metrics (once
   * per call), then the trace context and retry events (once per attempt). For a client whose other
   * interceptors must run outside the span, or a derived client ({@code
   * RequestOptions.Builder.interceptor}).
   *
   * @return the interceptors; unmodifiable
   */
  public List<KimiInterceptor> interceptors() {
    return interceptors;
  }

  /**
   * Returns the listener {@link #install} adds: it tells each call routing sent elsewhere with no
   * attempt failing ({@link io.github.kimisdk.CallEvent.Rerouted}: a conversation moved to another
   * replica, a stream hedged or continued) as a {@code kimi.rerouted} event on the call's span. For
   * a client whose builder gets {@link #interceptors()} by hand: add it too ({@code
   * KimiClient.Builder.listener}), or reroutes are not told.
   *
   * @return the listener
   */
  public CallListener listener() {
    return listener;
  }

  /** Builds {@link KimiTelemetry}. Not thread-safe. */
  public static final class Builder {
    private final OpenTelemetry openTelemetry;
    private boolean propagate = true;
    private boolean experimental;
    private boolean contents;
    private PriceTable prices = PriceTable.defaults();
    private final List<Budget> budgets = new ArrayList<>();

    private Builder(OpenTelemetry openTelemetry) {
      this.openTelemetry = openTelemetry;
    }

    /**
     * Sets whether every request carries the W3C trace context of its call's span ({@code
     * traceparent}, {@code tracestate}); on by default.
     *
     * @param on whether to send it
     * @return this builder
     */
    public Builder propagateContext(boolean on) {
      this.propagate = on;
      return this;
    }

    /**
     * Sets whether spans carry the detailed token counts whose names the conventions are still
     * moving ({@code gen_ai.usage.cache_read.input_tokens}, {@code
     * gen_ai.usage.cache_creation.input_tokens}, {@code gen_ai.usage.reasoning.output_tokens}); off
     * by default.
     *
     * @param on whether to write them
     * @return this builder
     */
    public Builder experimentalAttributes(boolean on) {
      this.experimental = on;
      return this;
    }

    /**
     * Sets whether spans record the messages sent and received ({@code gen_ai.input.messages} and
     * {@code gen_ai.output.messages}, in the shape the conventions' JSON schemas give them: as
     * structured attribute values where the OpenTelemetry API in use has them, as JSON strings
     * otherwise); off by default, since they hold what users wrote.
     *
     * @param on whether to record them
     * @return this builder
     */
    public Builder captureMessageContent(boolean on) {
      this.contents = on;
      return this;
    }

    /**
     * Sets the prices {@code kimi.cost} is computed with; by default {@link PriceTable#defaults()}
     * (give the client's, {@code kimi.prices()}, when it has its own).
     *
     * @param prices the price table
     * @return this builder
     * @throws NullPointerException if {@code prices} is null
     */
    public Builder prices(PriceTable prices) {
      this.prices = Objects.requireNonNull(prices, "prices");
      return this;
    }

    /**
     * Reports {@code budget}'s state as metrics, read from it whenever the SDK collects: {@code
     * kimi.budget.spent}, {@code kimi.budget.held} and {@code kimi.budget.limit}, gauges, one
     * series per counter with {@code kimi.budget.name}, {@code kimi.budget.unit} (its currency,
     * such as {@code USD}, or {@code token}), {@code kimi.budget.scope} ({@code tenant:NAME} or
     * {@code tag:NAME}, for a budget per or for a tenant or tag; both for one scoped by both) and
     * {@code kimi.budget.period} (the day, the month, or {@code rolling}), as this process last saw
     * it ({@link Budget#snapshots()}). Give it the budgets the client counts its calls against
     * (kimi-sdk-budget's {@code Budget.interceptor}). Whatever budgets are given, {@code
     * kimi.budget.refusals} counts the calls a budget refused, by {@code kimi.budget.name} and
     * {@code kimi.budget.scope}.
     *
     * @param budget the budget
     * @return this builder
     * @throws NullPointerException if {@code budget} is null
     */
    public Builder budget(Budget budget) {
      budgets.add(Objects.requireNonNull(budget, "budget"));
      return this;
    }

    /**
     * Builds the telemetry.
     *
     * @return the telemetry
     */
    public KimiTelemetry build() {
      return new KimiTelemetry(this);
    }
  }
}
