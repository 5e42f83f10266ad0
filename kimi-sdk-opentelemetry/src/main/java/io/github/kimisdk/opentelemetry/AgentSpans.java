package io.github.kimisdk.opentelemetry;

import io.github.kimisdk.agents.AgentTracer;
import io.github.kimisdk.agents.RunResult;
import io.github.kimisdk.chat.Usage;
import io.github.kimisdk.json.Json;
import io.github.kimisdk.json.JsonArray;
import io.github.kimisdk.json.JsonObject;
import io.github.kimisdk.json.JsonValue;
import io.github.kimisdk.model.Cost;
import io.github.kimisdk.model.Spend;
import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanBuilder;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.api.trace.TraceFlags;
import io.opentelemetry.api.trace.TraceState;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.Scope;
import java.util.Locale;
import java.util.Objects;

/**
 * Gives an agent's runs ({@code kimi-sdk-agents}) the spans the OpenTelemetry GenAI conventions
 * name for agents, as release {@value KimiTelemetry#SEMANTIC_CONVENTIONS} states them: an {@code
 * invoke_agent {gen_ai.agent.name}} span ("Invoke agent internal span": kind {@code INTERNAL})
 * around each drive of a run, and an {@code execute_tool {gen_ai.tool.name}} span (kind {@code
 * INTERNAL}) around each tool call, a child of the run's. The run's span is current on the thread
 * that drives it, so each model call's {@code chat} span ({@link KimiTelemetry}, installed on the
 * agent's client) is its child, and {@link AgentSpanEvents}' events land on it; the tool's span is
 * current on the thread that runs the call, so a subagent's {@code invoke_agent} span ({@code
 * Agent.asTool}) is a child of the parent's {@code execute_tool} span.
 *
 * <pre>{@code
 * KimiClient kimi = KimiTelemetry.create(openTelemetry).install(KimiClient.builder().fromEnv()).build();
 * Agent agent = Agent.builder(kimi, "kimi-k3")
 *     .name("payments", "1")
 *     .tracer(AgentSpans.create(openTelemetry))
 *     .listener(AgentSpanEvents.create())
 *     .build();
 * }</pre>
 *
 * <p><b>{@code invoke_agent}</b> carries, from its start, {@code gen_ai.operation.name} ({@code
 * invoke_agent}), {@code gen_ai.provider.name} ({@value KimiTelemetry#PROVIDER} unless {@link
 * Builder#provider(String)} names the host the agent's client calls), {@code gen_ai.agent.name},
 * {@code gen_ai.agent.version}, {@code gen_ai.agent.description} (when the agent has one), {@code
 * gen_ai.request.model} and {@code gen_ai.conversation.id} (the run's id); at its end {@code
 * gen_ai.usage.input_tokens} and {@code gen_ai.usage.output_tokens} (what the drive's model calls
 * used, a compaction's summary call included) and {@code kimi.agent.run.status} ({@code answered},
 * {@code paused}, {@code stopped}, {@code failed}, {@code taken}, {@code already_decided}: a
 * decision came for a call decided already, and nothing was done). A run that failed has status
 * {@code ERROR} and {@code error.type} as a chat span gives it (Kimi's error type, the HTTP status,
 * or the failure's class); one a limit stopped, {@code ERROR} and {@code error.type} {@code
 * kimi.limit.steps}, {@code .tokens}, {@code .spend} or {@code .time}.
 *
 * <p><b>{@code execute_tool}</b> carries {@code gen_ai.operation.name} ({@code execute_tool}),
 * {@code gen_ai.tool.name}, {@code gen_ai.tool.call.id} (the model's id of the call), {@code
 * gen_ai.tool.type} ({@code function}: every tool runs in the application), {@code
 * gen_ai.tool.description}; with {@link Builder#captureMessageContent(boolean)}, {@code
 * gen_ai.tool.call.arguments} and, when the call succeeded, {@code gen_ai.tool.call.result}, as
 * structured values where the OpenTelemetry API has them (a JSON object or array as such, other
 * text as a string), JSON strings otherwise. A call that failed has status {@code ERROR} and {@code
 * error.type}: the class of what the tool threw, or {@code _OTHER}. A call the run did not execute
 * (denied, rejected, answered by a person, found recorded after a crash) has no span. No span
 * carries a call's idempotency key: a tracer is never given it.
 *
 * <p>Immutable and thread-safe; one instance may serve many agents.
 */
public final class AgentSpans implements AgentTracer {

  /** The operation of a run's span. */
  public static final String INVOKE_AGENT = "invoke_agent";

  /** The operation of a tool call's span. */
  public static final String EXECUTE_TOOL = "execute_tool";

  static final AttributeKey<String> AGENT_NAME = AttributeKey.stringKey("gen_ai.agent.name");
  static final AttributeKey<String> AGENT_VERSION = AttributeKey.stringKey("gen_ai.agent.version");
  static final AttributeKey<String> AGENT_DESCRIPTION =
      AttributeKey.stringKey("gen_ai.agent.description");
  static final AttributeKey<String> CONVERSATION_ID =
      AttributeKey.stringKey("gen_ai.conversation.id");
  static final AttributeKey<String> TOOL_NAME = AttributeKey.stringKey("gen_ai.tool.name");
  static final AttributeKey<String> TOOL_CALL_ID = AttributeKey.stringKey("gen_ai.tool.call.id");
  static final AttributeKey<String> TOOL_TYPE = AttributeKey.stringKey("gen_ai.tool.type");
  static final AttributeKey<String> TOOL_DESCRIPTION =
      AttributeKey.stringKey("gen_ai.tool.description");
  static final AttributeKey<String> TOOL_ARGUMENTS =
      AttributeKey.stringKey("gen_ai.tool.call.arguments");
  static final AttributeKey<String> TOOL_RESULT = AttributeKey.stringKey("gen_ai.tool.call.result");
  static final AttributeKey<String> RUN_STATUS = AttributeKey.stringKey("kimi.agent.run.status");
  static final AttributeKey<String> PARENT_RUN = AttributeKey.stringKey("kimi.agent.parent.run.id");

  private final Tracer tracer;
  private final String provider;
  private final boolean contents;
  private final boolean structured;

  private AgentSpans(Builder b) {
    this.tracer =
        b.otel
            .tracerBuilder(KimiTelemetry.INSTRUMENTATION_SCOPE)
            .setInstrumentationVersion(KimiTelemetry.VERSION)
            .setSchemaUrl(KimiTelemetry.SCHEMA_URL)
            .build();
    this.provider = b.provider;
    this.contents = b.contents;
    this.structured = b.contents && b.structured;
  }

  /**
   * Returns the tracer with the defaults: no content captured, the provider {@value
   * KimiTelemetry#PROVIDER}.
   *
   * @param openTelemetry the application's OpenTelemetry
   * @return the tracer
   * @throws NullPointerException if {@code openTelemetry} is null
   */
  public static AgentSpans create(OpenTelemetry openTelemetry) {
    return builder(openTelemetry).build();
  }

  /**
   * Starts a builder.
   *
   * @param openTelemetry the application's OpenTelemetry
   * @return the builder
   * @throws NullPointerException if {@code openTelemetry} is null
   */
  public static Builder builder(OpenTelemetry openTelemetry) {
    return new Builder(Objects.requireNonNull(openTelemetry, "openTelemetry"));
  }

  @Override
  public RunSpan startRun(RunStart run) {
    SpanBuilder b =
        tracer
            .spanBuilder(INVOKE_AGENT + " " + run.agent())
            .setSpanKind(SpanKind.INTERNAL)
            .setParent(Context.current())
            .setAttribute(GenAi.OPERATION_NAME, INVOKE_AGENT)
            .setAttribute(GenAi.PROVIDER_NAME, provider)
            .setAttribute(AGENT_NAME, run.agent())
            .setAttribute(AGENT_VERSION, run.version())
            .setAttribute(GenAi.REQUEST_MODEL, run.model())
            .setAttribute(CONVERSATION_ID, run.runId());
    if (run.description() != null) {
      b.setAttribute(AGENT_DESCRIPTION, run.description());
    }
    if (run.parentRunId() != null) {
      b.setAttribute(PARENT_RUN, run.parentRunId());
    }
    SpanContext first = linked(run.link());
    if (first != null) {
      b.addLink(first); // every drive of one run links to its first
    }
    Span span = b.startSpan();
    Context context = Context.current().with(span);
    return new Run(span, context, context.makeCurrent());
  }

  /** The span context a W3C {@code traceparent} names, or null when it names none. */
  static SpanContext linked(String traceparent) {
    if (traceparent == null) {
      return null;
    }
    String[] p = traceparent.split("-");
    if (p.length != 4 || p[1].length() != 32 || p[2].length() != 16 || p[3].length() != 2) {
      return null;
    }
    SpanContext c =
        SpanContext.createFromRemoteParent(
            p[1], p[2], TraceFlags.fromHex(p[3], 0), TraceState.getDefault());
    return c.isValid() ? c : null;
  }

  /** A run's span, current on its thread until it ends. */
  private final class Run implements RunSpan {
    private final Span span;
    private final Context context;
    private final Scope scope;

    Run(Span span, Context context, Scope scope) {
      this.span = span;
      this.context = context;
      this.scope = scope;
    }

    @Override
    public ToolSpan startTool(ToolStart call) {
      SpanBuilder b =
          tracer
              .spanBuilder(EXECUTE_TOOL + " " + call.tool())
              .setSpanKind(SpanKind.INTERNAL)
              .setParent(context)
              .setAttribute(GenAi.OPERATION_NAME, EXECUTE_TOOL)
              .setAttribute(TOOL_NAME, call.tool())
              .setAttribute(TOOL_TYPE, "function");
      if (call.callId() != null && !call.callId().isEmpty()) {
        b.setAttribute(TOOL_CALL_ID, call.callId());
      }
      if (call.description() != null) {
        b.setAttribute(TOOL_DESCRIPTION, call.description());
      }
      Span tool = b.startSpan();
      if (contents) {
        content(tool, true, call.arguments());
      }
      return new Tool(tool, tool.makeCurrent());
    }

    @Override
    public String context() {
      SpanContext c = span.getSpanContext();
      return c.isValid()
          ? "00-" + c.getTraceId() + "-" + c.getSpanId() + "-" + c.getTraceFlags().asHex()
          : null;
    }

    @Override
    public void end(RunResult result, Usage usage, Spend spend) {
      try {
        if (usage != null) {
          span.setAttribute(GenAi.INPUT_TOKENS, (long) usage.promptTokens());
          span.setAttribute(GenAi.OUTPUT_TOKENS, (long) usage.completionTokens());
        }
        if (spend != null && spend.costs().size() == 1) { // a cost in one currency
          Cost c = spend.costs().get(0);
          span.setAttribute(GenAi.COST, c.total().doubleValue());
          span.setAttribute(GenAi.COST_CURRENCY, c.currency().getCurrencyCode());
        }
        if (result == null) {
          span.setAttribute(GenAi.ERROR_TYPE, "_OTHER");
          span.setStatus(StatusCode.ERROR);
        } else if (result instanceof RunResult.Failed f) {
          span.setAttribute(RUN_STATUS, "failed");
          span.setAttribute(GenAi.ERROR_TYPE, GenAi.errorType(f.error()));
          span.setStatus(StatusCode.ERROR, String.valueOf(f.state().note()));
        } else if (result instanceof RunResult.Stopped s) {
          span.setAttribute(RUN_STATUS, "stopped");
          span.setAttribute(
              GenAi.ERROR_TYPE, "kimi.limit." + s.limit().name().toLowerCase(Locale.ROOT));
          span.setStatus(
              StatusCode.ERROR, "the " + s.limit().name().toLowerCase(Locale.ROOT) + " limit");
        } else if (result instanceof RunResult.Answered) {
          span.setAttribute(RUN_STATUS, "answered");
        } else if (result instanceof RunResult.Paused) {
          span.setAttribute(RUN_STATUS, "paused");
        } else if (result instanceof RunResult.Taken) {
          span.setAttribute(RUN_STATUS, "taken");
        } else if (result instanceof RunResult.AlreadyDecided) {
          span.setAttribute(RUN_STATUS, "already_decided");
        }
      } finally {
        scope.close();
        span.end();
      }
    }
  }

  /** A tool call's span, current on its thread until it ends. */
  private final class Tool implements ToolSpan {
    private final Span span;
    private final Scope scope;

    Tool(Span span, Scope scope) {
      this.span = span;
      this.scope = scope;
    }

    @Override
    public void end(String content, boolean error, Throwable failure) {
      try {
        if (error) {
          span.setAttribute(
              GenAi.ERROR_TYPE, failure == null ? "_OTHER" : failure.getClass().getName());
          span.setStatus(StatusCode.ERROR);
        } else if (contents && content != null) {
          content(span, false, content);
        }
      } finally {
        scope.close();
        span.end();
      }
    }
  }

  /**
   * Puts a call's arguments or result: a JSON object or array as a structured value (a JSON string
   * where the API has none), any other text as a string.
   */
  private void content(Span span, boolean arguments, String text) {
    JsonValue json = null;
    String s = text.strip();
    if (s.startsWith("{") || s.startsWith("[")) {
      try {
        json = Json.parse(s);
      } catch (RuntimeException notJson) {
        json = null; // text as it is
      }
    }
    if (structured) {
      Structured.putTool(
          span,
          arguments,
          json instanceof JsonObject || json instanceof JsonArray ? json : null,
          text);
    } else {
      span.setAttribute(
          arguments ? TOOL_ARGUMENTS : TOOL_RESULT, json == null ? text : Json.write(json));
    }
  }

  /** Describes the tracer's settings. */
  @Override
  public String toString() {
    return "AgentSpans[provider=" + provider + ", contents=" + contents + "]";
  }

  /** Builds {@link AgentSpans}. Not thread-safe. */
  public static final class Builder {
    private final OpenTelemetry otel;
    private String provider = KimiTelemetry.PROVIDER;
    private boolean contents;
    private boolean structured = Structured.AVAILABLE;

    private Builder(OpenTelemetry otel) {
      this.otel = otel;
    }

    /**
     * Records each tool call's arguments and, when it succeeded, its result ({@code
     * gen_ai.tool.call.arguments}, {@code gen_ai.tool.call.result}): what the model wrote and what
     * a tool returned, so only where that is allowed.
     *
     * @param capture true to record them; false by default
     * @return this builder
     */
    public Builder captureMessageContent(boolean capture) {
      this.contents = capture;
      return this;
    }

    /**
     * Names the provider of a run's span ({@code gen_ai.provider.name}) when the agent's client
     * calls another host than Moonshot's ({@code vllm}, {@code sglang}, a compatible host's name):
     * the chat spans beneath name the host that served each call.
     *
     * @param provider the provider, not blank
     * @return this builder
     * @throws NullPointerException if {@code provider} is null
     * @throws IllegalArgumentException if it is blank
     */
    public Builder provider(String provider) {
      Objects.requireNonNull(provider, "provider");
      if (provider.isBlank()) {
        throw new IllegalArgumentException("provider must not be blank");
      }
      this.provider = provider;
      return this;
    }

    /** Records content as JSON strings whatever the API has; for a test. */
    Builder jsonStrings() {
      this.structured = false;
      return this;
    }

    /**
     * Builds the tracer.
     *
     * @return the tracer
     */
    public AgentSpans build() {
      return new AgentSpans(this);
    }
  }
}
