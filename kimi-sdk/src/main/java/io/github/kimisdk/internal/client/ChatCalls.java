package io.github.kimisdk.internal.client;

import io.github.kimisdk.CallEvent;
import io.github.kimisdk.Host;
import io.github.kimisdk.RequestOptions;
import io.github.kimisdk.base.flow.LazyLogger;
import io.github.kimisdk.chat.ChatCompletion;
import io.github.kimisdk.chat.ChatCompletionChunk;
import io.github.kimisdk.chat.ChatRequest;
import io.github.kimisdk.chat.ChatStream;
import io.github.kimisdk.errors.PreflightException;
import io.github.kimisdk.internal.http.HttpTransport;
import io.github.kimisdk.internal.wire.Wire;
import io.github.kimisdk.internal.wire.Wires;
import io.github.kimisdk.model.ModelInfo;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * Chat calls, blocking-free and streamed: each request is adapted to its model, checked, encoded
 * once, charged to the rate limiter once, and its bytes sent by every attempt.
 */
final class ChatCalls {

  private static final System.Logger SAMPLING_LOG = LazyLogger.of("io.github.kimisdk.sampling");

  private final ClientCore core;
  private final ClientConfig config;
  private final HttpTransport transport;
  private final ModelWindows windows;
  private final ModelNotices notices;

  ChatCalls(ClientCore core) {
    this.core = core;
    this.config = core.config();
    this.transport = core.transport();
    this.windows = new ModelWindows(core);
    this.notices = new ModelNotices(config.catalog(), core.context().log());
  }

  /**
   * A request ready to send to one target: as its host reads it (its model id, its thinking switch,
   * ...), encoded once for that target's wire, charged once by that target's limiter.
   *
   * @param sent the request in the host's form
   * @param wire the protocol it is sent over
   * @param body its bytes
   * @param transport the target's transport
   * @param charge what the target's rate limiter charges for it
   */
  private record Leg(
      ChatRequest sent, Wire wire, byte[] body, HttpTransport transport, long charge) {}

  /** A request ready to send: adapted and checked, encoded once, charged once, described. */
  private record Ready(Sending sending, Leg first, ChainLegs legs) {

    /** The leg of {@code target}. */
    Leg leg(int target) {
      return target == 0 || legs == null ? first : legs.leg(target);
    }
  }

  /**
   * Adapts, checks, encodes and charges {@code request} once, against its model looked up once in
   * the client's table, and describes the call for the chain; throws if it cannot be sent. A model
   * the table marks retired or does not hold is warned about first, once per client and id. A
   * request that names the host's id of a model ({@link Host#kimiModel}) is judged by Kimi's rules
   * for that model. On a client with fallback targets the request is checked against every target's
   * model before anything is sent, and made for each target when first needed.
   */
  private Ready ready(
      ChatRequest request, Call call, CallEvent.Operation operation, boolean blocking) {
    Host host = config.host();
    String kimiId = host.kimiModel(request.model());
    if (!kimiId.equals(request.model())) {
      request = request.toBuilder().model(kimiId).build();
    }
    ModelInfo model = config.catalog().lookup(request.model());
    notices.before(model);
    ChatRequest sent = prepare(model, request, call);
    Leg first = leg(core, host, sent, model, call.tenant().limiter());
    Targets targets = core.targets();
    ChainLegs legs = targets == null ? null : new ChainLegs(targets, request, sent, call, first);
    RateLimiter limiter = call.tenant().limiter();
    Sending s =
        Sending.describe(operation, first.wire().chatPath(), call)
            .model(sent.model())
            .charge(first.charge(), estimate(limiter, sent, model, first.charge()))
            .takesSlot()
            .chat(sent)
            .blocking(blocking)
            .route(legs == null ? null : call.retrier().routedState(sent.model(), legs))
            .build();
    return new Ready(s, first, legs);
  }

  /** Makes the leg of one target: {@code sent} (Kimi's form) in {@code host}'s form, encoded. */
  private static Leg leg(
      ClientCore target, Host host, ChatRequest sent, ModelInfo model, RateLimiter limiter) {
    ChatRequest hosted = Dialect.translate(host, sent);
    Wire wire =
        Wires.get(target.config().wireProtocol(), host.speaksMoonshot() && model.responsesWire());
    byte[] body = target.transport().encode(wire, hosted);
    return new Leg(hosted, wire, body, target.transport(), charge(limiter, sent, model));
  }

  /**
   * The legs of a call of a client with fallback targets: each target's request, checked against
   * its model when the call starts (so a request a later target's model refuses fails before
   * anything is sent), made and encoded when the call first falls back to it.
   */
  private final class ChainLegs implements RetryState.Legs {
    private final Targets targets;
    private final Leg[] legs;
    private final ChatRequest[] checked; // each target's request in Kimi's form
    private final ModelInfo[] models;

    ChainLegs(Targets targets, ChatRequest request, ChatRequest sent, Call call, Leg first) {
      this.targets = targets;
      int n = targets.size();
      this.legs = new Leg[n];
      this.checked = new ChatRequest[n];
      this.models = new ModelInfo[n];
      legs[0] = first;
      checked[0] = sent;
      for (int t = 1; t < n; t++) {
        String asked = targets.get(t).model().orElse(request.model());
        if (asked.equals(sent.model())) {
          checked[t] = sent;
          models[t] = config.catalog().lookup(asked);
        } else {
          models[t] = config.catalog().lookup(asked);
          checked[t] = prepare(models[t], request.toBuilder().model(asked).build(), call);
        }
      }
    }

    /** The leg of target {@code t}, made now if this is its first use. */
    synchronized Leg leg(int t) {
      Leg l = legs[t];
      if (l == null) {
        ClientCore target = targets.route(t).core();
        l = ChatCalls.leg(target, targets.host(t), checked[t], models[t], target.limiter());
        legs[t] = l;
      }
      return l;
    }

    @Override
    public long charge(int t) {
      return leg(t).charge();
    }
  }

  /**
   * Sends a chat request; the future fails with a {@code KimiException}, cancelling aborts. When
   * {@code blocking}, the caller waits for it anyway: its first attempt is sent on this thread.
   */
  CompletableFuture<ChatCompletion> chat(ChatRequest request, Call call, boolean blocking) {
    ChatRequest once = request.stream() ? request.toBuilder().stream(false).build() : request;
    Ready r;
    try {
      r = ready(once, call, CallEvent.Operation.CHAT, blocking);
    } catch (RuntimeException e) {
      return core.calls().failed(e);
    }
    return core.chain()
        .future(
            r.sending(),
            a -> {
              Leg l = r.leg(a.target());
              return l.transport()
                  .chat(l.wire(), l.body(), a.attempt(), a.call().overrides(), a.here());
            });
  }

  /** Prepares a streaming chat call; a request that cannot be sent fails here, not later. */
  ChatStream stream(ChatRequest request, Call call) {
    ChatRequest streaming = request.stream() ? request : request.toBuilder().stream(true).build();
    Ready r;
    try {
      r = ready(streaming, call, CallEvent.Operation.CHAT_STREAM, false);
    } catch (RuntimeException e) {
      throw core.calls().kimi(e);
    }
    ChatRequest sent = r.sending().request();
    Chain.Opened<ChatCompletionChunk> opened =
        core.chain().stream(
            r.sending(),
            (a, n) -> {
              Leg l = r.leg(a.target());
              return l.transport().stream(l.wire(), l.sent(), l.body(), n, a.call().overrides());
            },
            partial -> Retrier.resume(sent, partial));
    return core.open(ChatStream.of(opened.stream(), opened.metadata()));
  }

  /** Returns the prompt tokens the rate limiter estimated, or null when it made no estimate. */
  private static Long estimate(
      RateLimiter limiter, ChatRequest request, ModelInfo model, long charge) {
    return limiter == null ? null : charge - limiter.outputCharge(request, model);
  }

  /**
   * Applies the client's (or the call's) policies and the model's rules to a request about to be
   * sent, against its {@link ModelInfo} (looked up once in the client's table): adapts it ({@link
   * ModelInfo#adapt}, each change logged at {@code DEBUG} on {@code io.github.kimisdk.sampling}),
   * then, when {@code modelChecks} is on, refuses it if the model would ({@link
   * ModelInfo#problems}), then, when a preflight budget is set, checks the context window: of a
   * model the table does not know, the window {@code GET /models} gives ({@link ModelWindows}),
   * else none. Each switch governs its own check only.
   *
   * @throws PreflightException if the model would reject the request, or it does not fit
   */
  private ChatRequest prepare(ModelInfo model, ChatRequest request, Call call) {
    request = adapt(model, request, call.options());
    if (config.modelChecks()) {
      List<String> problems = model.problems(request);
      if (!problems.isEmpty()) {
        throw new PreflightException(request.model(), problems);
      }
    }
    if (config.preflight() != null) {
      return config.preflight().preflight(request, windows.forBudget(model, call));
    }
    return request;
  }

  /**
   * Logs now the warning the first call with {@code model} would log (retired, or not in the
   * client's table), once per client and id, so that the first call does not repeat it.
   *
   * @return whether a warning was logged now
   */
  boolean warnAboutModel(String model) {
    return notices.now(model);
  }

  /**
   * Returns {@code request} as the client would send it, adapted to its model and, when {@code
   * modelChecks} is on, checked against it; for a request sent later, inside a batch.
   *
   * @throws PreflightException if the model would reject the request
   */
  ChatRequest checked(ChatRequest request, RequestOptions options) {
    ModelInfo model = config.catalog().lookup(request.model());
    ChatRequest adapted = adapt(model, request, options);
    if (config.modelChecks()) {
      List<String> problems = model.problems(adapted);
      if (!problems.isEmpty()) {
        throw new PreflightException(adapted.model(), problems);
      }
    }
    return adapted;
  }

  /** Returns {@code request} as the client sends it to its model, before the model checks. */
  ChatRequest adapt(ChatRequest request, RequestOptions options) {
    return adapt(config.catalog().lookup(request.model()), request, options);
  }

  private ChatRequest adapt(ModelInfo model, ChatRequest request, RequestOptions options) {
    if (request.promptCacheTtl() == null && config.promptCacheTtl() != null) {
      request = request.toBuilder().promptCacheTtl(config.promptCacheTtl()).build();
    }
    ModelInfo.Adapted adapted =
        model.adapt(
            request,
            options.samplingPolicy().orElse(config.samplingPolicy()),
            options.thinkingFallback().orElse(config.thinkingFallback()));
    if (adapted.changes().isEmpty()) {
      return request;
    }
    String id = request.model();
    SAMPLING_LOG.log(
        System.Logger.Level.DEBUG,
        () -> "Adapted the request for " + id + ": " + adapted.changes());
    return adapted.request();
  }

  /** Returns a chat request's rate-limit token charge; fails fast when it can never fit. */
  private static long charge(RateLimiter limiter, ChatRequest request, ModelInfo model) {
    if (limiter == null) {
      return 0;
    }
    long charge = limiter.charge(request, model);
    limiter.checkCharge(request, charge);
    return charge;
  }
}
