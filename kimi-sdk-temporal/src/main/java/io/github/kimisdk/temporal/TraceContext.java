package io.github.kimisdk.temporal;

import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.Scope;
import io.opentelemetry.context.propagation.TextMapGetter;
import io.opentelemetry.context.propagation.TextMapPropagator;
import io.temporal.api.common.v1.Payload;
import io.temporal.common.converter.DataConverter;
import io.temporal.common.converter.GlobalDataConverter;
import io.temporal.common.interceptors.ActivityInboundCallsInterceptor;
import io.temporal.common.interceptors.ActivityInboundCallsInterceptorBase;
import io.temporal.common.interceptors.Header;
import io.temporal.common.interceptors.WorkerInterceptor;
import io.temporal.common.interceptors.WorkerInterceptorBase;
import io.temporal.common.interceptors.WorkflowClientCallsInterceptor;
import io.temporal.common.interceptors.WorkflowClientCallsInterceptorBase;
import io.temporal.common.interceptors.WorkflowClientInterceptor;
import io.temporal.common.interceptors.WorkflowClientInterceptorBase;
import io.temporal.common.interceptors.WorkflowInboundCallsInterceptor;
import io.temporal.common.interceptors.WorkflowInboundCallsInterceptorBase;
import io.temporal.common.interceptors.WorkflowOutboundCallsInterceptor;
import io.temporal.common.interceptors.WorkflowOutboundCallsInterceptorBase;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * Carries the OpenTelemetry context across Temporal, so that an agent's spans join one trace: the
 * caller's span (where the run was started) is the parent of the run's {@code invoke_agent} span
 * (made in the workflow by kimi-sdk-opentelemetry's {@code AgentSpans}), and the span current in
 * the workflow when it schedules a model or tool call ({@code invoke_agent}, or the call's {@code
 * execute_tool}) is the parent of what the activity does (the {@code chat} span {@code
 * KimiTelemetry} makes on the agent's client, a tool's own spans). The context travels in the
 * workflow's and activities' headers in the application's propagators' format (W3C {@code
 * traceparent} by default), and into the workflow threads of a turn's parallel calls; a
 * continue-as-new's next execution, and a subagent's child workflow (under its call's {@code
 * execute_tool} span), go on in the same trace.
 *
 * <pre>{@code
 * WorkflowClient client = WorkflowClient.newInstance(service,
 *     WorkflowClientOptions.newBuilder()
 *         .setInterceptors(TraceContext.clientInterceptor(openTelemetry)).build());
 * WorkerFactory factory = WorkerFactory.newInstance(client,
 *     WorkerFactoryOptions.newBuilder()
 *         .setWorkerInterceptors(TraceContext.workerInterceptor(openTelemetry)).build());
 * }</pre>
 *
 * <p>It needs {@code io.opentelemetry:opentelemetry-api} on the class path, an optional dependency
 * of this module: an application that traces has it. Nothing else of the module loads this class.
 * Spans are made only by what the application installed (the agent's tracer, the client's
 * telemetry); this class makes none.
 */
public final class TraceContext {
  /** The header the context travels in. */
  static final String HEADER = "kimi-sdk-trace-context";

  private static final TextMapGetter<Map<String, String>> GETTER =
      new TextMapGetter<>() {
        @Override
        @SuppressWarnings("deprecation") // the getter's contract still has it; the carrier is ours
        public Iterable<String> keys(Map<String, String> carrier) {
          return carrier.keySet();
        }

        @Override
        public String get(Map<String, String> carrier, String key) {
          return carrier == null ? null : carrier.get(key);
        }
      };

  private final TextMapPropagator propagator;

  private TraceContext(OpenTelemetry otel) {
    this.propagator = otel.getPropagators().getTextMapPropagator();
  }

  /**
   * Returns the interceptor of a {@code WorkflowClient} that starts runs: the caller's context goes
   * into the workflow's header.
   *
   * @param openTelemetry the application's OpenTelemetry (its propagators are used)
   * @return the interceptor
   * @throws NullPointerException if {@code openTelemetry} is null
   */
  public static WorkflowClientInterceptor clientInterceptor(OpenTelemetry openTelemetry) {
    TraceContext t = new TraceContext(Objects.requireNonNull(openTelemetry, "openTelemetry"));
    return new WorkflowClientInterceptorBase() {
      @Override
      public WorkflowClientCallsInterceptor workflowClientCallsInterceptor(
          WorkflowClientCallsInterceptor next) {
        return new WorkflowClientCallsInterceptorBase(next) {
          @Override
          public WorkflowStartOutput start(WorkflowStartInput input) {
            return super.start(
                new WorkflowStartInput(
                    input.getWorkflowId(),
                    input.getWorkflowType(),
                    t.inject(input.getHeader()),
                    input.getArguments(),
                    input.getOptions()));
          }
        };
      }
    };
  }

  /**
   * Returns the interceptor of a worker's factory: the workflow runs in the context its header
   * carries, its activities, child workflows and continue-as-new get the workflow's current
   * context, and each activity runs in the context its header carries.
   *
   * @param openTelemetry the application's OpenTelemetry (its propagators are used)
   * @return the interceptor
   * @throws NullPointerException if {@code openTelemetry} is null
   */
  public static WorkerInterceptor workerInterceptor(OpenTelemetry openTelemetry) {
    TraceContext t = new TraceContext(Objects.requireNonNull(openTelemetry, "openTelemetry"));
    return new WorkerInterceptorBase() {
      @Override
      public WorkflowInboundCallsInterceptor interceptWorkflow(
          WorkflowInboundCallsInterceptor next) {
        return t.new Inbound(next);
      }

      @Override
      public ActivityInboundCallsInterceptor interceptActivity(
          ActivityInboundCallsInterceptor next) {
        return new ActivityInboundCallsInterceptorBase(next) {
          @Override
          public ActivityOutput execute(ActivityInput input) {
            Scope scope = t.extract(input.getHeader()).makeCurrent();
            try {
              return super.execute(input);
            } finally {
              scope.close();
            }
          }
        };
      }
    };
  }

  /** The workflow in its header's context; its outbound calls carry the context on. */
  private final class Inbound extends WorkflowInboundCallsInterceptorBase {
    Inbound(WorkflowInboundCallsInterceptor next) {
      super(next);
    }

    @Override
    public void init(WorkflowOutboundCallsInterceptor outbound) {
      super.init(new Outbound(outbound));
    }

    @Override
    public WorkflowOutput execute(WorkflowInput input) {
      Scope scope = extract(input.getHeader()).makeCurrent();
      try {
        return super.execute(input);
      } finally {
        scope.close();
      }
    }
  }

  private final class Outbound extends WorkflowOutboundCallsInterceptorBase {
    Outbound(WorkflowOutboundCallsInterceptor next) {
      super(next);
    }

    @Override
    public <R> ActivityOutput<R> executeActivity(ActivityInput<R> input) {
      return super.executeActivity(
          new ActivityInput<>(
              input.getActivityName(),
              input.getResultClass(),
              input.getResultType(),
              input.getArgs(),
              input.getOptions(),
              inject(input.getHeader())));
    }

    @Override
    public <R> LocalActivityOutput<R> executeLocalActivity(LocalActivityInput<R> input) {
      return super.executeLocalActivity(
          new LocalActivityInput<>(
              input.getActivityName(),
              input.getResultClass(),
              input.getResultType(),
              input.getArgs(),
              input.getOptions(),
              inject(input.getHeader())));
    }

    @Override
    public <R> ChildWorkflowOutput<R> executeChildWorkflow(ChildWorkflowInput<R> input) {
      return super.executeChildWorkflow(
          new ChildWorkflowInput<>(
              input.getWorkflowId(),
              input.getWorkflowType(),
              input.getResultClass(),
              input.getResultType(),
              input.getArgs(),
              input.getOptions(),
              inject(input.getHeader())));
    }

    @Override
    public void continueAsNew(ContinueAsNewInput input) {
      super.continueAsNew(
          new ContinueAsNewInput(
              input.getWorkflowType(),
              input.getOptions(),
              input.getArgs(),
              inject(input.getHeader())));
    }

    @Override
    public Object newChildThread(Runnable runnable, boolean detached, String name) {
      return super.newChildThread(Context.current().wrap(runnable), detached, name);
    }
  }

  /** A copy of {@code header} with the current context in it. */
  Header inject(Header header) {
    Map<String, String> carrier = new LinkedHashMap<>();
    propagator.inject(Context.current(), carrier, Map::put);
    Map<String, Payload> values = new HashMap<>(header.getValues());
    if (!carrier.isEmpty()) {
      converter().toPayload(carrier).ifPresent(p -> values.put(HEADER, p));
    }
    return new Header(values);
  }

  /** The context {@code header} carries, or the root context. */
  Context extract(Header header) {
    Payload p = header.getValues().get(HEADER);
    if (p == null) {
      return Context.current();
    }
    @SuppressWarnings("unchecked")
    Map<String, String> carrier = converter().fromPayload(p, Map.class, Map.class);
    return propagator.extract(Context.current(), carrier, GETTER);
  }

  private static DataConverter converter() {
    return GlobalDataConverter.get();
  }
}
