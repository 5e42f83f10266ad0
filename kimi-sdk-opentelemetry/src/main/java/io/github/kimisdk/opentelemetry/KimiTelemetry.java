package io.github.kimisdk.opentelemetry;

import io.github.kimisdk.KimiClient;
import io.github.kimisdk.KimiInterceptor;
import io.github.kimisdk.model.PriceTable;
import io.opentelemetry.api.OpenTelemetry;
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
 * <p>Every chat call ({@code chat}, {@code chatAsync}, {@code stream}) gets one client span, a
 * child of the caller's current span, and records the two GenAI client metrics, {@code
 * gen_ai.client.operation.duration} and {@code gen_ai.client.token.usage}, as the OpenTelemetry
 * semantic conventions for generative AI describe a client span ({@value #SEMANTIC_CONVENTIONS}):
 * the span is named {@code chat <model>}, carries {@code gen_ai.operation.name}, {@code
 * gen_ai.provider.name} ({@value #PROVIDER}), the request's settings, the response's id, model and
 * finish reasons, the input and output tokens, {@code server.address} and {@code server.port}, and
 * {@code error.type} when the call failed. Each attempt after the first is a {@code kimi.retry}
 * event on the span ({@code kimi.attempt}, the URL's {@code server.address} and {@code
 * server.port}, and the failure before it as {@code error.type}), or a {@code kimi.fallback} event
 * when it goes to another URL than the attempt before; on a client with fallback targets, the span
 * and the metrics name the target that answered ({@code kimi.target}, {@code kimi.target.host}, its
 * {@code server.address} and {@code server.port}). The cost the price table gives is {@code
 * kimi.cost} (with {@code kimi.cost.currency}) and Kimi's request id {@code kimi.request_id}, where
 * the conventions have no name. Every request carries the W3C trace context of the call's span
 * ({@code traceparent}, and {@code tracestate} when there is one), so a server that reads it (vLLM,
 * most gateways) joins the trace; {@link Builder#propagateContext(boolean)} turns that off. Baggage
 * is never sent.
 *
 * <p>Every GenAI name is still "development" in the conventions. The ones every GenAI backend reads
 * (above) are written by default; the detailed token counts, whose names are still moving ({@code
 * gen_ai.usage.cache_read.input_tokens}, {@code gen_ai.usage.cache_creation.input_tokens}, {@code
 * gen_ai.usage.reasoning.output_tokens}), only with {@link
 * Builder#experimentalAttributes(boolean)}. Message contents ({@code gen_ai.input.messages}, {@code
 * gen_ai.output.messages}) are recorded only with {@link Builder#captureMessageContent(boolean)}.
 * The API key never is: the interceptors this installs never see it.
 *
 * <p>It is two {@link KimiInterceptor}s ({@link #interceptors()}): one per call (the span and
 * metrics), added first so that its span encloses every other interceptor, and one per attempt (the
 * trace context and the retry events). Immutable and thread-safe; one instance may serve many
 * clients.
 */
public final class KimiTelemetry {

  /** The instrumentation scope of the spans and metrics: {@value}. */
  public static final String INSTRUMENTATION_SCOPE = "io.github.kimisdk.opentelemetry";

  /**
   * The provider's name: {@value}, the conventions' well-known {@code gen_ai.provider.name} for
   * Moonshot's Kimi (the value kimi-sdk-spring-ai's observations carry too).
   */
  public static final String PROVIDER = "moonshot_ai";

  /**
   * The version of the semantic conventions followed: {@value}, the last release of
   * open-telemetry/semantic-conventions to hold the GenAI conventions (where {@code
   * gen_ai.provider.name} replaced {@code gen_ai.system}), whose names
   * open-telemetry/semantic-conventions-genai carries on.
   */
  public static final String SEMANTIC_CONVENTIONS = "1.37.0";

  private final List<KimiInterceptor> interceptors;

  private KimiTelemetry(Builder b) {
    ConcurrentHashMap<Long, CallSpan.Open> open = new ConcurrentHashMap<>();
    GenAi genAi = new GenAi(b.experimental, b.contents, b.prices);
    this.interceptors =
        List.of(new CallSpan(b.openTelemetry, genAi, open), new AttemptContext(b.propagate, open));
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
   * Adds this telemetry's interceptors to {@code builder}, after any it has: the client it builds,
   * and every client derived from it, reports every chat call.
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
    return builder;
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

  /** Builds {@link KimiTelemetry}. Not thread-safe. */
  public static final class Builder {
    private final OpenTelemetry openTelemetry;
    private boolean propagate = true;
    private boolean experimental;
    private boolean contents;
    private PriceTable prices = PriceTable.defaults();

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
     * {@code gen_ai.output.messages}, JSON as the conventions shape them); off by default, since
     * they hold what users wrote.
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
     * Builds the telemetry.
     *
     * @return the telemetry
     */
    public KimiTelemetry build() {
      return new KimiTelemetry(this);
    }
  }
}
