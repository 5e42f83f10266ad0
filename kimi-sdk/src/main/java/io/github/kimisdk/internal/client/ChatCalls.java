package io.github.kimisdk.internal.client;

import io.github.kimisdk.CallEvent;
import io.github.kimisdk.RequestOptions;
import io.github.kimisdk.WireProtocol;
import io.github.kimisdk.base.flow.LazyLogger;
import io.github.kimisdk.chat.ChatCompletion;
import io.github.kimisdk.chat.ChatCompletionChunk;
import io.github.kimisdk.chat.ChatRequest;
import io.github.kimisdk.chat.ChatStream;
import io.github.kimisdk.errors.KimiException;
import io.github.kimisdk.errors.PreflightException;
import io.github.kimisdk.host.Host;
import io.github.kimisdk.internal.chain.Attempt;
import io.github.kimisdk.internal.chain.Call;
import io.github.kimisdk.internal.chain.CallSpec;
import io.github.kimisdk.internal.chain.Chain;
import io.github.kimisdk.internal.chain.Continuing;
import io.github.kimisdk.internal.chain.Interception;
import io.github.kimisdk.internal.chain.Leg;
import io.github.kimisdk.internal.chain.Replay;
import io.github.kimisdk.internal.chain.Sending;
import io.github.kimisdk.internal.config.ClientConfig;
import io.github.kimisdk.internal.config.TargetSettings;
import io.github.kimisdk.internal.http.HttpTransport;
import io.github.kimisdk.internal.limit.RateLimiter;
import io.github.kimisdk.internal.route.Dialect;
import io.github.kimisdk.internal.route.TargetParts;
import io.github.kimisdk.internal.wire.Wire;
import io.github.kimisdk.internal.wire.Wires;
import io.github.kimisdk.json.Json;
import io.github.kimisdk.json.JsonValue;
import io.github.kimisdk.model.ModelInfo;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;

/**
 * Chat calls, blocking-free and streamed: each request is adapted to its model and checked once,
 * then made, in one place, for each target it may go to ({@link TargetLegs}): in that target's
 * host's form, encoded once for its wire, charged once by its rate limiter; every attempt to a
 * target sends its bytes.
 */
public final class ChatCalls {

  private static final System.Logger SAMPLING_LOG = LazyLogger.of("io.github.kimisdk.sampling");

  private final ClientCore core;
  private final ClientConfig config;
  private final ModelWindows windows;
  private final ModelNotices notices;

  ChatCalls(ClientCore core) {
    this.core = core;
    this.config = core.config();
    this.windows = new ModelWindows(config.catalog(), core.exchanges(), core::call);
    this.notices = new ModelNotices(config.catalog(), core.context().log());
  }

  /**
   * Adapts and checks {@code request} once, against its model looked up once in the client's table,
   * makes it for each target ({@link TargetLegs}: the client's own now, so that what cannot be sent
   * fails here, each other target's when the call first goes there) and describes the call for the
   * chain; throws if it cannot be sent. A model the table marks retired or does not hold is warned
   * about first, once per client and id. A request that names the host's id of a model ({@link
   * Host#kimiModel}) is judged by Kimi's rules for that model, and is sent in the host's form
   * ({@link Dialect}). On a client with fallback targets the request is checked against every
   * target's model before anything is sent.
   */
  private CallSpec ready(
      ChatRequest request,
      Call call,
      CallEvent.Operation operation,
      boolean blocking,
      Interception interception) {
    String kimiId = config.host().kimiModel(request.model());
    if (!kimiId.equals(request.model())) {
      request = request.toBuilder().model(kimiId).build();
    }
    ModelInfo model = config.catalog().lookup(request.model());
    notices.before(model);
    ChatRequest sent = prepare(model, request, call, core.parts(0).settings);
    TargetLegs legs = new TargetLegs(request, sent, model, call);
    Leg own = legs.leg(0, sent);
    return CallSpec.chat(operation, own.wire.chatPath(), sent, call, blocking, interception, legs);
  }

  /**
   * Prepares {@code changed}, the request a public interceptor passed on in place of {@code
   * sending}'s, as {@link #ready} prepares a call's: adapted, checked and made for each target
   * again; {@code sending}'s own call when it is the same request.
   */
  CallSpec rewrite(Sending sending, ChatRequest changed) {
    CallSpec c = sending.call();
    if (changed == c.request()) {
      return c;
    }
    boolean streamed = c.operation() == CallEvent.Operation.CHAT_STREAM;
    ChatRequest r =
        changed.stream() == streamed ? changed : changed.toBuilder().stream(streamed).build();
    return ready(r, c.settings(), c.operation(), c.blocking(), null);
  }

  /**
   * A call's request at each of its targets, the client's own first: every target's checked against
   * its model when the call starts (so a request a later target's model refuses fails before
   * anything is sent), made, encoded and charged, the same way for every target, when the call
   * first goes there; an attempt's leg is made by the retrying layer ({@link Retrying}).
   */
  final class TargetLegs implements Leg.Legs {
    private final ChatRequest sent; // the client's own target's request, in Kimi's form
    private final Leg[] legs;
    private final ChatRequest[] checked; // each target's request in Kimi's form
    private final ModelInfo[] models;
    private final Call call;

    TargetLegs(ChatRequest request, ChatRequest sent, ModelInfo model, Call call) {
      this.sent = sent;
      this.call = call;
      int n = core.targetCount();
      this.legs = new Leg[n];
      this.checked = new ChatRequest[n];
      this.models = new ModelInfo[n];
      checked[0] = sent;
      models[0] = model;
      for (int t = 1; t < n; t++) {
        TargetParts target = core.parts(t);
        String asked = target.target.model().orElse(request.model());
        models[t] = config.catalog().lookup(asked);
        if (asked.equals(sent.model())) {
          checked[t] = sent;
          check(models[t], sent, target.settings, false); // its host's: the model's were checked
        } else {
          checked[t] =
              prepare(models[t], request.toBuilder().model(asked).build(), call, target.settings);
        }
        Dialect.check(target.settings.host(), checked[t]); // a strict host's refusal, now
      }
    }

    @Override
    public Leg leg(int t, ChatRequest request) {
      if (request != sent) { // a request a per-attempt interceptor changed: made afresh
        String asked = core.parts(t).target.model().orElse(request.model());
        ModelInfo m = config.catalog().lookup(asked);
        ChatRequest r =
            asked.equals(request.model())
                ? request
                : prepare(
                    m, request.toBuilder().model(asked).build(), call, core.parts(t).settings);
        return make(t, r, m);
      }
      synchronized (this) {
        Leg l = legs[t];
        if (l == null) {
          l = make(t, checked[t], models[t]);
          legs[t] = l;
        }
        return l;
      }
    }

    /** Makes target {@code t}'s leg: the one place a chat request is made for a target. */
    private Leg make(int t, ChatRequest kimiForm, ModelInfo model) {
      TargetParts target = core.parts(t);
      Host host = target.settings.host();
      ChatRequest hosted = Dialect.translate(host, kimiForm);
      Wire wire =
          Wires.get(target.settings.wireProtocol(), host.speaksMoonshot() && model.responsesWire());
      byte[] body = target.transport.encode(wire, hosted);
      // the client's own target counts against the call's account (a tenant's limiter)
      RateLimiter limiter = t == 0 ? call.tenant().limiter() : target.limiter;
      long charge = charge(limiter, kimiForm, model);
      return new Leg(
          body, wire, hosted, target.transport, charge, estimate(limiter, kimiForm, model, charge));
    }
  }

  /**
   * Sends a chat request; the future fails with a {@code KimiException}, cancelling aborts. When
   * {@code blocking}, the caller waits for it anyway: its first attempt is sent on this thread.
   */
  CompletableFuture<ChatCompletion> chat(ChatRequest request, Call call, boolean blocking) {
    ChatRequest once = request.stream() ? request.toBuilder().stream(false).build() : request;
    Interception interception = Interception.of(config.interceptors(), call.options());
    CallSpec s;
    try {
      s = ready(once, call, CallEvent.Operation.CHAT, blocking, interception);
    } catch (KimiException refusal) {
      return refused(once, call, CallEvent.Operation.CHAT, interception, refusal);
    } catch (RuntimeException e) {
      return core.calls().failed(e);
    }
    return core.chain(interception)
        .future(
            Sending.of(s),
            a -> {
              Attempt at = a.attempt();
              Leg l = at.leg();
              return l.transport.chat(l.wire, l.body, at.number(), at.overrides(), at.here());
            });
  }

  /** Prepares a streaming chat call; a request that cannot be sent fails here, not later. */
  ChatStream stream(ChatRequest request, Call call) {
    ChatRequest streaming = request.stream() ? request : request.toBuilder().stream(true).build();
    Interception interception = Interception.of(config.interceptors(), call.options());
    CallSpec s;
    try {
      s = ready(streaming, call, CallEvent.Operation.CHAT_STREAM, false, interception);
    } catch (KimiException refusal) {
      refused(streaming, call, CallEvent.Operation.CHAT_STREAM, interception, refusal);
      throw refusal;
    } catch (RuntimeException e) {
      throw core.calls().kimi(e);
    }
    Chain.Opened<ChatCompletionChunk> opened =
        core.chain(interception).stream(
            Sending.of(s),
            (a, n) -> {
              Attempt at = a.attempt();
              if (at.answer() != null) {
                return new Replay(at.answer());
              }
              Leg l = at.leg();
              return l.transport.stream(l.wire, l.sent, l.body, n, at.overrides());
            },
            Continuing::resume);
    return core.open(ChatStream.of(opened.stream(), opened.metadata()));
  }

  /**
   * Fails a call the client refused before sending ({@link #ready} threw {@code refusal}), after
   * its once-per-call public interceptors heard it ({@link Intercepting#refused}): with the request
   * as adapted to its model, as they would have seen it, and nothing sent.
   */
  private CompletableFuture<ChatCompletion> refused(
      ChatRequest request,
      Call call,
      CallEvent.Operation operation,
      Interception interception,
      KimiException refusal) {
    if (interception == null || interception.of(false).length == 0) {
      return core.calls().failed(refusal);
    }
    ChatRequest adapted;
    ModelInfo model;
    try {
      String kimiId = config.host().kimiModel(request.model());
      model = config.catalog().lookup(kimiId);
      adapted =
          adapt(
              model,
              kimiId.equals(request.model()) ? request : request.toBuilder().model(kimiId).build(),
              call.options());
    } catch (RuntimeException e) {
      return core.calls().failed(refusal); // not even adapted: nothing to show
    }
    Wire wire =
        Wires.get(config.wireProtocol(), config.host().speaksMoonshot() && model.responsesWire());
    CallSpec s =
        CallSpec.chat(operation, wire.chatPath(), adapted, call, false, interception, null);
    return core.calls()
        .propagation()
        .handOut(core.intercepting(false).refused(Sending.of(s), refusal));
  }

  /** Returns the prompt tokens the rate limiter estimated, or null when it made no estimate. */
  private static Long estimate(
      RateLimiter limiter, ChatRequest request, ModelInfo model, long charge) {
    return limiter == null ? null : charge - limiter.outputCharge(request, model);
  }

  /**
   * Applies the client's (or the call's) policies and the model's rules to a request about to be
   * sent to {@code target}, against its {@link ModelInfo} (looked up once in the client's table):
   * adapts it ({@link ModelInfo#adapt}, each change logged at {@code DEBUG} on {@code
   * io.github.kimisdk.sampling}), then, when {@code modelChecks} is on, refuses it if the model
   * would reject it or not act on part of it ({@link ModelInfo#problems(ChatRequest, Set)}), or the
   * target's host would take a field and ignore it ({@link #hostProblems}), then, when a preflight
   * budget is set, checks the context window: of a model the table does not know, the window {@code
   * GET /models} gives ({@link ModelWindows}), else none. Each switch governs its own check only.
   *
   * @throws PreflightException if the model would reject the request, or it does not fit
   */
  private ChatRequest prepare(
      ModelInfo model, ChatRequest request, Call call, TargetSettings target) {
    request = adapt(model, request, call.options());
    check(model, request, target, true);
    if (config.preflight() != null) {
      return config.preflight().preflight(request, windows.forBudget(model, call));
    }
    return request;
  }

  /**
   * Refuses {@code request}, in Kimi's form, when the model checks are on and it breaks a rule of
   * {@code model} ({@link ModelInfo#problems(ChatRequest, Set)}; when {@code modelRules}, else they
   * were checked already) or of {@code target}'s host ({@link #hostProblems}), the fields the
   * client marks deliberate sent as they are; every problem of both in one exception.
   *
   * @throws PreflightException naming each problem
   */
  private void check(
      ModelInfo model, ChatRequest request, TargetSettings target, boolean modelRules) {
    List<String> problems = problems(model, request, target, modelRules);
    if (!problems.isEmpty()) {
      throw new PreflightException(request.model(), problems);
    }
  }

  /** What {@link #check} refuses {@code request} for; empty when the model checks are off. */
  private List<String> problems(
      ModelInfo model, ChatRequest request, TargetSettings target, boolean modelRules) {
    if (!config.modelChecks()) {
      return List.of();
    }
    List<String> problems =
        modelRules ? model.problems(request, config.deliberateFields()) : List.of();
    List<String> ignored = hostProblems(model, request, target);
    if (ignored.isEmpty()) {
      return problems;
    }
    List<String> all = new ArrayList<>(problems);
    all.addAll(ignored);
    return List.copyOf(all);
  }

  /**
   * Lists what a call with {@code request} would be refused for before anything is sent to the
   * client's own target, in the words of its {@code PreflightException}: adapted as it is adapted,
   * then checked against its model and its host ({@link #check}); empty when nothing is found or
   * the model checks are off. A fallback target's rules are not looked at, nor the context budget.
   */
  List<String> problems(ChatRequest request, RequestOptions options) {
    String kimiId = config.host().kimiModel(request.model());
    ChatRequest asked =
        kimiId.equals(request.model()) ? request : request.toBuilder().model(kimiId).build();
    ModelInfo model = config.catalog().lookup(asked.model());
    return problems(model, adapt(model, asked, options), core.parts(0).settings, true);
  }

  /**
   * Lists the fields of {@code request} (in Kimi's form) that {@code target}'s host would take and
   * ignore ({@link Host#problems}), when the call goes to it over chat completions: on another wire
   * the extra body carries that wire's own fields. The fields the client marks deliberate are sent
   * as they are.
   */
  private List<String> hostProblems(ModelInfo model, ChatRequest request, TargetSettings target) {
    Host host = target.host();
    Wire wire = Wires.get(target.wireProtocol(), host.speaksMoonshot() && model.responsesWire());
    return wire == Wires.get(WireProtocol.CHAT_COMPLETIONS, false)
        ? host.problems(request, config.deliberateFields())
        : List.of();
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
   * modelChecks} is on, checked against it and the client's own host; for a request sent later,
   * inside a batch.
   *
   * @throws PreflightException if the model would reject the request
   */
  ChatRequest checked(ChatRequest request, RequestOptions options) {
    ModelInfo model = config.catalog().lookup(request.model());
    ChatRequest adapted = adapt(model, request, options);
    check(model, adapted, core.parts(0).settings, true);
    return adapted;
  }

  /**
   * Returns {@code request} as {@code host} reads it on the chat completions wire: adapted to its
   * model and checked as {@link #checked} does, translated by the host's {@link Dialect} and
   * encoded by {@code transport}, as a call to that host is sent; the body of one request of the
   * host check ({@link HostCheck}), for the client's own target or another.
   *
   * @throws PreflightException if the model would reject the request
   */
  JsonValue hosted(
      Host host, HttpTransport transport, ChatRequest request, RequestOptions options) {
    ChatRequest hosted = Dialect.translate(host, checked(request, options));
    return Json.parse(transport.encode(Wires.get(WireProtocol.CHAT_COMPLETIONS, false), hosted));
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
