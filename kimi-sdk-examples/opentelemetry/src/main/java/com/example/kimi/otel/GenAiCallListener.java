package com.example.kimi.otel;

import io.github.kimisdk.CallEvent;
import io.github.kimisdk.CallListener;
import io.github.kimisdk.chat.ChatRequest;
import io.github.kimisdk.chat.Usage;
import io.github.kimisdk.json.JsonNumber;
import io.github.kimisdk.json.JsonValue;
import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.common.AttributesBuilder;
import io.opentelemetry.api.metrics.DoubleHistogram;
import io.opentelemetry.api.metrics.LongHistogram;
import io.opentelemetry.api.metrics.Meter;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.context.Context;
import java.net.URI;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Makes an OpenTelemetry GenAI client span and the two standard GenAI client metrics for every chat
 * call of a kimi-sdk client, as the OpenTelemetry semantic conventions for generative AI name them.
 * Copy this class into your application and register it on the client:
 *
 * <pre>{@code
 * KimiClient kimi = KimiClient.builder()
 *     .fromEnv()
 *     .listener(new GenAiCallListener(openTelemetry))
 *     .build();
 * }</pre>
 *
 * <p>The span starts when attempt 1 is about to be sent ({@code onRequest}), which the client
 * reports on the caller's thread, so the span's parent is the caller's current span; it ends with
 * the call ({@code onEnd} or {@code onFailure}), which may run on any thread, so the span is kept
 * by call id in between. Retries stay inside the one span, each as an event. Only chat calls
 * (blocking, async and streamed) make spans; platform calls (files, models, balance) do not.
 *
 * <p>Nothing here holds message contents or the API key: the attributes are the request's settings,
 * the server's address, the response's ids and the token counts.
 */
public final class GenAiCallListener implements CallListener {

  /** The instrumentation scope of the spans and metrics. */
  public static final String SCOPE = "io.github.kimisdk";

  /**
   * The provider's name: {@code moonshot_ai}, the conventions' well-known value for Moonshot's Kimi
   * (open-telemetry/semantic-conventions-genai#99), the value kimi-sdk-spring-ai's observations
   * carry too ({@code KimiChatModel.PROVIDER}).
   */
  public static final String PROVIDER = "moonshot_ai";

  // Attribute names from the GenAI semantic conventions (gen_ai.provider.name replaced the
  // deprecated gen_ai.system). Token usage: only the three names the conventions and Spring AI
  // 2.0.1 spell alike (input, output, cache reads); cache writes (cache_creation, renamed
  // cache_write) and reasoning tokens are left out while their names still move.
  static final AttributeKey<String> OPERATION_NAME =
      AttributeKey.stringKey("gen_ai.operation.name");
  static final AttributeKey<String> PROVIDER_NAME = AttributeKey.stringKey("gen_ai.provider.name");
  static final AttributeKey<String> REQUEST_MODEL = AttributeKey.stringKey("gen_ai.request.model");
  static final AttributeKey<Long> MAX_TOKENS = AttributeKey.longKey("gen_ai.request.max_tokens");
  static final AttributeKey<Double> TEMPERATURE =
      AttributeKey.doubleKey("gen_ai.request.temperature");
  static final AttributeKey<Double> TOP_P = AttributeKey.doubleKey("gen_ai.request.top_p");
  static final AttributeKey<Long> SEED = AttributeKey.longKey("gen_ai.request.seed");
  static final AttributeKey<Long> CHOICE_COUNT =
      AttributeKey.longKey("gen_ai.request.choice.count");
  static final AttributeKey<List<String>> STOP_SEQUENCES =
      AttributeKey.stringArrayKey("gen_ai.request.stop_sequences");
  static final AttributeKey<Double> PRESENCE_PENALTY =
      AttributeKey.doubleKey("gen_ai.request.presence_penalty");
  static final AttributeKey<Double> FREQUENCY_PENALTY =
      AttributeKey.doubleKey("gen_ai.request.frequency_penalty");
  static final AttributeKey<String> RESPONSE_ID = AttributeKey.stringKey("gen_ai.response.id");
  static final AttributeKey<String> RESPONSE_MODEL =
      AttributeKey.stringKey("gen_ai.response.model");
  static final AttributeKey<List<String>> FINISH_REASONS =
      AttributeKey.stringArrayKey("gen_ai.response.finish_reasons");
  static final AttributeKey<Long> INPUT_TOKENS = AttributeKey.longKey("gen_ai.usage.input_tokens");
  static final AttributeKey<Long> OUTPUT_TOKENS =
      AttributeKey.longKey("gen_ai.usage.output_tokens");
  static final AttributeKey<Long> CACHE_READ_TOKENS =
      AttributeKey.longKey("gen_ai.usage.cache_read.input_tokens");
  static final AttributeKey<String> TOKEN_TYPE = AttributeKey.stringKey("gen_ai.token.type");
  static final AttributeKey<String> SERVER_ADDRESS = AttributeKey.stringKey("server.address");
  static final AttributeKey<Long> SERVER_PORT = AttributeKey.longKey("server.port");
  static final AttributeKey<String> ERROR_TYPE = AttributeKey.stringKey("error.type");
  static final AttributeKey<Long> ATTEMPT = AttributeKey.longKey("kimi.attempt");

  // The bucket boundaries the conventions advise for the two metrics.
  private static final List<Double> DURATION_BUCKETS =
      List.of(
          0.01, 0.02, 0.04, 0.08, 0.16, 0.32, 0.64, 1.28, 2.56, 5.12, 10.24, 20.48, 40.96, 81.92);
  private static final List<Long> TOKEN_BUCKETS =
      List.of(
          1L, 4L, 16L, 64L, 256L, 1024L, 4096L, 16384L, 65536L, 262144L, 1048576L, 4194304L,
          16777216L, 67108864L);

  private final Tracer tracer;
  private final DoubleHistogram duration;
  private final LongHistogram tokens;
  // Spans between attempt 1's onRequest and the call's end, by call id. Every call that sent an
  // attempt ends with exactly one onEnd or onFailure, which removes its entry.
  private final Map<Long, Span> spans = new ConcurrentHashMap<>();

  /**
   * Creates a listener that reports to {@code openTelemetry}.
   *
   * @param openTelemetry the application's OpenTelemetry (its tracer and meter providers)
   */
  public GenAiCallListener(OpenTelemetry openTelemetry) {
    this.tracer = openTelemetry.getTracer(SCOPE);
    Meter meter = openTelemetry.getMeter(SCOPE);
    this.duration =
        meter
            .histogramBuilder("gen_ai.client.operation.duration")
            .setUnit("s")
            .setDescription("GenAI operation duration")
            .setExplicitBucketBoundariesAdvice(DURATION_BUCKETS)
            .build();
    this.tokens =
        meter
            .histogramBuilder("gen_ai.client.token.usage")
            .ofLongs()
            .setUnit("{token}")
            .setDescription("Measures number of input and output tokens used")
            .setExplicitBucketBoundariesAdvice(TOKEN_BUCKETS)
            .build();
  }

  @Override
  public void onRequest(CallEvent.Request e) {
    if (e.attempt() != 1 || !isChat(e.call())) {
      return;
    }
    String model = model(e.call());
    Span span =
        tracer
            .spanBuilder(model == null ? "chat" : "chat " + model)
            .setSpanKind(SpanKind.CLIENT)
            .setParent(Context.current())
            .setAllAttributes(requestAttributes(e.call()))
            .startSpan();
    spans.put(e.call().id(), span);
  }

  @Override
  public void onRetry(CallEvent.Retry e) {
    Span span = spans.get(e.call().id());
    if (span != null) {
      span.addEvent(
          "kimi.retry",
          Attributes.of(ATTEMPT, (long) e.attempt(), ERROR_TYPE, e.failure().getClass().getName()));
    }
  }

  @Override
  public void onEnd(CallEvent.End e) {
    Span span = spans.remove(e.call().id());
    if (span == null) {
      return;
    }
    AttributesBuilder a = Attributes.builder();
    putIfPresent(a, RESPONSE_ID, e.responseId());
    putIfPresent(a, RESPONSE_MODEL, e.responseModel());
    if (e.finishReason() != null) {
      a.put(FINISH_REASONS, List.of(e.finishReason().toString()));
    }
    Usage usage = e.usage();
    if (usage != null) {
      a.put(INPUT_TOKENS, (long) usage.promptTokens());
      a.put(OUTPUT_TOKENS, (long) usage.completionTokens());
      if (usage.cachedTokens() != null) {
        a.put(CACHE_READ_TOKENS, (long) usage.cachedTokens());
      }
    }
    span.setAllAttributes(a.build());
    span.end();

    AttributesBuilder m = metricAttributes(e.call());
    putIfPresent(m, RESPONSE_MODEL, e.responseModel());
    Attributes metric = m.build();
    duration.record(seconds(e.duration()), metric);
    if (usage != null) {
      tokens.record(usage.promptTokens(), metric.toBuilder().put(TOKEN_TYPE, "input").build());
      tokens.record(usage.completionTokens(), metric.toBuilder().put(TOKEN_TYPE, "output").build());
    }
  }

  @Override
  public void onFailure(CallEvent.Failure e) {
    Span span = spans.remove(e.call().id());
    if (span == null) {
      return;
    }
    String errorType = e.failure().getClass().getName();
    span.setAttribute(ERROR_TYPE, errorType);
    span.setStatus(StatusCode.ERROR, e.failure().getClass().getSimpleName());
    span.end();
    duration.record(
        seconds(e.duration()), metricAttributes(e.call()).put(ERROR_TYPE, errorType).build());
  }

  private static boolean isChat(CallEvent.Call call) {
    return call.operation() == CallEvent.Operation.CHAT
        || call.operation() == CallEvent.Operation.CHAT_STREAM;
  }

  private static String model(CallEvent.Call call) {
    ChatRequest request = call.request();
    return request != null ? request.model() : call.model();
  }

  private static Attributes requestAttributes(CallEvent.Call call) {
    AttributesBuilder a = metricAttributes(call);
    ChatRequest r = call.request();
    if (r == null) {
      return a.build();
    }
    if (r.maxCompletionTokens() != null) {
      a.put(MAX_TOKENS, (long) r.maxCompletionTokens());
    }
    putIfPresent(a, TEMPERATURE, r.temperature());
    putIfPresent(a, TOP_P, r.topP());
    putIfPresent(a, PRESENCE_PENALTY, r.presencePenalty());
    putIfPresent(a, FREQUENCY_PENALTY, r.frequencyPenalty());
    if (r.n() != null && r.n() != 1) {
      a.put(CHOICE_COUNT, (long) r.n());
    }
    if (!r.stop().isEmpty()) {
      a.put(STOP_SEQUENCES, r.stop());
    }
    // seed is not modelled by ChatRequest; it travels as an extra body field.
    JsonValue seed = r.extraBody().get("seed");
    if (seed instanceof JsonNumber n && n.literal().matches("-?\\d{1,18}")) {
      a.put(SEED, n.longValue());
    }
    return a.build();
  }

  // The attributes spans and metrics share: operation, provider, request model and server.
  private static AttributesBuilder metricAttributes(CallEvent.Call call) {
    AttributesBuilder a =
        Attributes.builder().put(OPERATION_NAME, "chat").put(PROVIDER_NAME, PROVIDER);
    putIfPresent(a, REQUEST_MODEL, model(call));
    URI endpoint = call.endpoint();
    if (endpoint != null && endpoint.getHost() != null) {
      a.put(SERVER_ADDRESS, endpoint.getHost());
      int port = endpoint.getPort();
      if (port < 0) {
        port = "http".equalsIgnoreCase(endpoint.getScheme()) ? 80 : 443;
      }
      a.put(SERVER_PORT, (long) port);
    }
    return a;
  }

  private static <T> void putIfPresent(AttributesBuilder a, AttributeKey<T> key, T value) {
    if (value != null) {
      a.put(key, value);
    }
  }

  private static double seconds(java.time.Duration d) {
    return d.toNanos() / 1e9;
  }
}
