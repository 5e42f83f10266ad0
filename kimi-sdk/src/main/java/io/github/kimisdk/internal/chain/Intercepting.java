package io.github.kimisdk.internal.chain;

import io.github.kimisdk.CallEvent;
import io.github.kimisdk.ContextPropagator;
import io.github.kimisdk.KimiInterceptor;
import io.github.kimisdk.ResponseMetadata;
import io.github.kimisdk.base.flow.Futures;
import io.github.kimisdk.base.flow.StoppablePublisher;
import io.github.kimisdk.base.net.HeaderPolicy;
import io.github.kimisdk.base.text.UserCode;
import io.github.kimisdk.chat.CacheTtl;
import io.github.kimisdk.chat.ChatCompletion;
import io.github.kimisdk.chat.ChatCompletionChunk;
import io.github.kimisdk.chat.ChatRequest;
import io.github.kimisdk.errors.ConfigurationException;
import io.github.kimisdk.errors.KimiException;
import io.github.kimisdk.host.ServedBy;
import io.github.kimisdk.internal.config.TargetSettings;
import io.github.kimisdk.internal.http.AttemptObserver;
import io.github.kimisdk.internal.http.ServerText;
import io.github.kimisdk.internal.route.TargetParts;
import io.github.kimisdk.model.Price;
import io.github.kimisdk.token.RequestTokens;
import java.net.URI;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * The public interceptors ({@link KimiInterceptor}) of a chat call, as one layer of the {@link
 * Chain}: each runs its list in order, the first outermost, each with a {@link
 * KimiInterceptor.Chain} whose {@code proceed} runs the next one, and past the last, the rest of
 * the chain. The chain of a chat call that has public interceptors holds two of them (the client
 * chooses that chain per call); every other call takes the chain without them.
 *
 * <p>Where they sit, and why. The once-per-call layer is the chain's first, above {@link Observing}
 * and {@link Spending}: what an interceptor passes on is what the listeners hear as the request
 * sent and what the spend meter prices (a redacted request, a changed model), and what it answers
 * itself never reached a server, so no listener hears a call and nothing is spent; an interceptor
 * that measures (a tracing span) encloses the listeners' call. The once-per-attempt layer is just
 * below {@link Retrying}, above {@link Limiting} and {@link Authenticating}: it sees every attempt
 * with its number, and what it adds to one (a fresh trace context) goes out with it; an attempt it
 * answers takes no rate-limit permit and asks no credential for a key, which never reaches it
 * either way (the key is put on the attempt below it).
 *
 * <p>A changed request is prepared again as the call's first was ({@link ChatCalls#rewrite}):
 * adapted to its model, checked, encoded and charged. A stream's once-per-call layer runs when the
 * stream is consumed ({@link InterceptedStream}); its once-per-attempt layer completes each
 * attempt's {@code proceed} with what the stream delivered once the attempt ended, and replays an
 * attempt an interceptor answered ({@link Replay.Attempt}) instead of sending it.
 *
 * <p>Threads: {@code intercept} runs on the thread that runs this layer's hook; {@code proceed} may
 * run later on another thread, and then neither waits on nor sends from the thread that started the
 * call ({@link Sending#rewritten}), and a blocking call's first attempt is started there (see
 * {@link Chain.Futures#startNow}). {@code intercept}, and the stages an interceptor composes on
 * {@code proceed}'s future, run in the caller's context ({@link CallerContext}).
 */
public final class Intercepting implements Interceptor {

  /** The most characters of what an interceptor threw that its call's failure says. */
  static final int MAX_THROWN = 500;

  /** Prepares a call's request again after an interceptor changed it ({@link ChatCalls}). */
  @FunctionalInterface
  public interface Rewrite {
    /**
     * Returns the call that sends {@code changed} in place of {@code sending}'s request: adapted,
     * checked and made for each target as the call's first request was.
     *
     * @param sending the call
     * @param changed the request an interceptor passed on
     * @return the call, its attempt not yet refined
     */
    CallSpec rewrite(Sending sending, ChatRequest changed);
  }

  private final boolean perAttempt;
  private final Rewrite rewrite;
  private final Calls calls;
  private final InFlight inFlight;
  private final TargetParts[] parts;
  private final ServedBy own; // the client's own target, as KimiInterceptor.Chain.target() names it

  /**
   * Creates the layer of the interceptors that run once per attempt, or else once per call.
   *
   * @param perAttempt whether this is the layer below the retries
   * @param rewrite prepares a changed request
   * @param calls maps failures
   * @param inFlight tells whether the client closes
   * @param parts each target's machinery, for the target an attempt names
   */
  public Intercepting(
      boolean perAttempt, Rewrite rewrite, Calls calls, InFlight inFlight, TargetParts[] parts) {
    this.perAttempt = perAttempt;
    this.rewrite = rewrite;
    this.calls = calls;
    this.inFlight = inFlight;
    this.parts = parts;
    TargetSettings c = parts[0].settings;
    ServedBy self = c.target();
    this.own = self != null ? self : TargetSettings.served(0, parts[0].target);
  }

  /** Returns how the layer maps failures. */
  Calls calls() {
    return calls;
  }

  /** Tells whether the client is closing. */
  boolean closing() {
    return inFlight.isClosed();
  }

  @Override
  @SuppressWarnings("unchecked") // a chat's answer is a completion, a stream attempt's its end
  public <T> CompletableFuture<T> future(Sending sending, Chain.Futures<T> next) {
    Interception ic = sending.call().interception();
    KimiInterceptor[] list = ic == null ? null : ic.of(perAttempt);
    if (list == null || list.length == 0) {
      return next.proceed(sending);
    }
    if (perAttempt && sending.call().operation() == CallEvent.Operation.CHAT_STREAM) {
      return (CompletableFuture<T>) streamAttempt(sending, (Chain.Futures<Void>) next, list, ic);
    }
    Chain.Futures<ChatCompletion> rest = (Chain.Futures<ChatCompletion>) next;
    Function<Sending, CompletableFuture<ChatCompletion>> bottom =
        perAttempt
            ? rest::proceed
            : s -> {
              CompletableFuture<ChatCompletion> f = rest.proceed(s);
              rest.startNow(); // every interceptor below wrapped it; the callers above wait
              return f;
            };
    return (CompletableFuture<T>) run(list, 0, sending, bottom);
  }

  @Override
  public <T> StoppablePublisher<T> stream(Sending sending, Chain.Streams<T> next) {
    Interception ic = sending.call().interception();
    if (perAttempt || ic == null) {
      return next.proceed(sending);
    }
    @SuppressWarnings("unchecked") // the chain of a chat stream carries its chunks
    StoppablePublisher<T> out =
        (StoppablePublisher<T>)
            new InterceptedStream(
                this, sending, (Chain.Streams<ChatCompletionChunk>) next, ic.of(false), ic);
    return out;
  }

  /**
   * Runs one attempt of a stream through this layer: once the interceptors passed it on, its end,
   * as the attempt's own (so a permit is held exactly as long as the attempt runs); when one
   * answered it, the answer replayed in its place.
   */
  private CompletableFuture<Void> streamAttempt(
      Sending sending, Chain.Futures<Void> next, KimiInterceptor[] list, Interception ic) {
    // the attempt's end once the interceptors passed it on; set once, on whichever thread proceeds
    AtomicReference<CompletableFuture<Void>> sent = new AtomicReference<>();
    Function<Sending, CompletableFuture<ChatCompletion>> bottom =
        s -> {
          if (sent.get() != null) {
            return CompletableFuture.failedFuture(onceOnly());
          }
          CompletableFuture<Void> end = next.proceed(s);
          sent.set(end);
          CompletableFuture<ChatCompletion> delivered = new CompletableFuture<>();
          end.whenComplete(
              (v, e) -> {
                if (e != null) {
                  delivered.completeExceptionally(e);
                } else {
                  delivered.complete(ic.streamed());
                }
              });
          return Futures.cancelling(delivered, end);
        };
    CompletableFuture<ChatCompletion> answer = run(list, 0, sending, bottom);
    CompletableFuture<Void> out = new CompletableFuture<>();
    answer.whenComplete(
        (c, e) -> {
          CompletableFuture<Void> end = sent.get();
          if (end == null) { // answered, or failed, without proceeding
            if (e != null) {
              out.completeExceptionally(e);
            } else {
              forward(next.end(sending.at(sending.attempt().answered(c))), out);
            }
          } else {
            forward(end, out);
          }
        });
    return Futures.cancelling(out, answer);
  }

  private static <T> void forward(CompletableFuture<T> from, CompletableFuture<T> to) {
    from.whenComplete(
        (v, e) -> {
          if (e != null) {
            to.completeExceptionally(e);
          } else {
            to.complete(v);
          }
        });
  }

  /**
   * Runs {@code list[i]} with a chain whose {@code proceed} runs {@code list[i + 1]}, or past the
   * last one {@code bottom}; returns its answer, whose failure is a {@code KimiException}.
   */
  CompletableFuture<ChatCompletion> run(
      KimiInterceptor[] list,
      int i,
      Sending sending,
      Function<Sending, CompletableFuture<ChatCompletion>> bottom) {
    Link link = new Link(list, i, sending, bottom);
    KimiInterceptor interceptor = list[i];
    ServerText text = calls.errors().text();
    CompletableFuture<ChatCompletion> answer;
    ContextPropagator.Scope caller = sending.call().context().restore();
    try {
      answer = interceptor.intercept(link);
      if (answer == null) {
        throw new NullPointerException("intercept returned null instead of a future");
      }
    } catch (RuntimeException e) {
      answer = CompletableFuture.failedFuture(e);
    } finally {
      link.hookReturned();
      caller.close();
    }
    CompletableFuture<ChatCompletion> out = new CompletableFuture<>();
    answer.whenComplete(
        (c, e) -> {
          if (e != null) {
            out.completeExceptionally(failure(interceptor, e, link.passedUp, text));
          } else if (c == null) {
            out.completeExceptionally(
                failure(interceptor, new NullPointerException("the answer was null"), null, text));
          } else {
            out.complete(c);
          }
        });
    return Futures.cancelling(out, answer);
  }

  /**
   * Returns what a call fails with when an interceptor failed with {@code error}: the failure the
   * rest of the chain passed up ({@code passedUp}: a cancelled attempt's included, which the
   * retrier reads as such), a {@code KimiException} or an {@link Error} as it is, anything else as
   * the cause of a {@link ConfigurationException} that names the interceptor and says what it
   * threw: its class and message, the client's key redacted, escaped and cut ({@code text}).
   */
  private static Throwable failure(
      KimiInterceptor interceptor, Throwable error, Throwable passedUp, ServerText text) {
    Throwable t = Futures.unwrap(error);
    if (t == passedUp || t instanceof KimiException || t instanceof Error) {
      return t;
    }
    return new ConfigurationException(
        "The interceptor "
            + Interception.name(interceptor)
            + " failed the call: "
            + text.keep(UserCode.raw(t), MAX_THROWN),
        t);
  }

  /**
   * Runs the once-per-call interceptors of a call the client refused before sending ({@code
   * sending}: its request as adapted to its model), so that one that traces sees it: their {@code
   * proceed} fails with {@code refusal}, whatever request it is given. Returns a future that fails
   * with the refusal once they answered, whatever they answered; what they failed with instead is
   * added to it as suppressed.
   */
  public CompletableFuture<ChatCompletion> refused(Sending sending, KimiException refusal) {
    KimiInterceptor[] list = sending.call().interception().of(false);
    CompletableFuture<ChatCompletion> out = new CompletableFuture<>();
    run(list, 0, sending, s -> CompletableFuture.failedFuture(refusal))
        .whenComplete(
            (c, e) -> {
              Throwable t = e == null ? null : Futures.unwrap(e);
              if (t != null && t != refusal && !(t instanceof Error)) {
                refusal.addSuppressed(t);
              }
              out.completeExceptionally(refusal);
            });
    return out;
  }

  /**
   * The observers a once-per-attempt interceptor gave its attempt ({@code onResponse}, {@code
   * onChunk}): they hear it below every layer that retries, each in the caller's context on the
   * thread that reads the response; a failure of one is logged, and the attempt goes on.
   */
  private static final class Heard implements AttemptObserver {
    final List<Consumer<? super ResponseMetadata>> responses = new CopyOnWriteArrayList<>();
    final List<Consumer<? super ChatCompletionChunk>> chunks = new CopyOnWriteArrayList<>();
    private final KimiInterceptor by;
    private final CallerContext caller;

    Heard(KimiInterceptor by, CallerContext caller) {
      this.by = by;
      this.caller = caller;
    }

    @Override
    public void headers(int attempt, ResponseMetadata metadata, long atNanos) {
      tell(responses, metadata);
    }

    @Override
    public boolean hearsItems() {
      return !chunks.isEmpty();
    }

    @Override
    public void item(Object item) {
      if (item instanceof ChatCompletionChunk chunk) {
        tell(chunks, chunk);
      }
    }

    private <T> void tell(List<Consumer<? super T>> observers, T value) {
      if (observers.isEmpty()) {
        return;
      }
      ContextPropagator.Scope s = caller.restore();
      try {
        for (Consumer<? super T> o : observers) {
          try {
            o.accept(value);
          } catch (RuntimeException e) {
            Interception.observerFailed(by, e);
          }
        }
      } finally {
        s.close();
      }
    }
  }

  /** Why a stream's call or attempt cannot proceed twice. */
  static IllegalStateException onceOnly() {
    return new IllegalStateException(
        "A streamed call proceeds at most once per call, and once per attempt");
  }

  /** Returns {@code headers} checked as {@code RequestOptions} checks its own. */
  private static Map<String, String> checked(Map<String, String> headers) {
    for (Map.Entry<String, String> e : headers.entrySet()) {
      String problem =
          HeaderPolicy.problem(
              Objects.requireNonNull(e.getKey(), "header name"),
              Objects.requireNonNull(e.getValue(), "header value"),
              true);
      if (problem != null) {
        throw new ConfigurationException(problem);
      }
    }
    return Map.copyOf(headers);
  }

  /**
   * One interceptor's view of the call or attempt: made for one {@code intercept}, its {@code
   * proceed} may run on any thread, at any time until the call ended.
   */
  private final class Link implements KimiInterceptor.Chain {
    private final KimiInterceptor[] list;
    private final int index;
    private final Sending sending;
    private final Function<Sending, CompletableFuture<ChatCompletion>> bottom;
    private final Thread hookThread = Thread.currentThread();
    private volatile boolean inHook = true;
    private Heard heard; // the attempt's observers given through this chain; guarded by this
    // the failure the rest of the chain passed up through this link, passed on as it is
    private volatile Throwable passedUp;

    Link(
        KimiInterceptor[] list,
        int index,
        Sending sending,
        Function<Sending, CompletableFuture<ChatCompletion>> bottom) {
      this.list = list;
      this.index = index;
      this.sending = sending;
      this.bottom = bottom;
    }

    void hookReturned() {
      inHook = false;
    }

    @Override
    public ChatRequest request() {
      return sending.call().request();
    }

    @Override
    public boolean streamed() {
      return sending.call().operation() == CallEvent.Operation.CHAT_STREAM;
    }

    @Override
    public long callId() {
      return sending.call().interception().id();
    }

    @Override
    public int attempt() {
      return perAttempt ? sending.number() : 0;
    }

    @Override
    public ServedBy target() {
      int t = perAttempt ? sending.attempt().target() : 0;
      return t > 0 ? parts[t].settings.target() : own;
    }

    @Override
    public void onChunk(Consumer<? super ChatCompletionChunk> observer) {
      Objects.requireNonNull(observer, "observer");
      if (!streamed()) {
        return;
      }
      if (perAttempt) {
        heard().chunks.add(observer);
      } else {
        sending.call().interception().onChunk(observer, list[index]);
      }
    }

    @Override
    public void onResponse(Consumer<? super ResponseMetadata> observer) {
      Objects.requireNonNull(observer, "observer");
      if (perAttempt) {
        heard().responses.add(observer);
      }
    }

    /** The attempt's observers given through this chain, made when the first is given. */
    private synchronized Heard heard() {
      if (heard == null) {
        heard = new Heard(list[index], sending.call().context());
      }
      return heard;
    }

    @Override
    public Optional<String> tenant() {
      Call settings = sending.call().settings();
      Optional<String> named = settings.options().tenant();
      return named.isPresent() ? named : Optional.ofNullable(settings.tenant().account());
    }

    @Override
    public List<String> tags() {
      return sending.call().settings().options().tags();
    }

    @Override
    public long promptTokens() {
      Leg leg = leg();
      if (leg != null && leg.estimate != null) {
        return leg.estimate;
      }
      return RequestTokens.estimated().count(leg != null ? leg.sent : request()).total();
    }

    @Override
    public int maxOutputTokens() {
      TargetParts at = parts[targetIndex()];
      Leg leg = leg();
      ChatRequest sent = leg != null ? leg.sent : request();
      int modelDefault =
          at.settings
              .client()
              .catalog()
              .lookup(at.settings.host().kimiModel(sent.model()))
              .defaultMaxOutput();
      return leg != null
          ? leg.wire.outputCap(sent, modelDefault)
          : sent.maxCompletionTokens() != null ? sent.maxCompletionTokens() : modelDefault;
    }

    @Override
    public Optional<Price> price() {
      Leg leg = leg();
      return parts[targetIndex()].meter.price((leg != null ? leg.sent : request()).model());
    }

    @Override
    public CacheTtl cacheTtl() {
      Leg leg = leg();
      return parts[targetIndex()].meter.ttl(leg != null ? leg.sent : request());
    }

    private int targetIndex() {
      return perAttempt ? sending.attempt().target() : 0;
    }

    /**
     * The request as the attempt's target is sent it; for a once-per-call chain, the call's at the
     * client's own target, or null when it cannot be made (a call the client refused).
     */
    private Leg leg() {
      if (perAttempt) {
        return sending.attempt().leg();
      }
      Leg.Legs legs = sending.call().legs();
      if (legs == null) {
        return null;
      }
      try {
        return legs.leg(0, sending.call().request());
      } catch (RuntimeException refused) {
        return null;
      }
    }

    @Override
    public URI endpoint() {
      int t = perAttempt ? sending.attempt().target() : 0; // a fallback target's URL, or own
      return CallTrace.endpoint(parts[t].settings.endpoint().uri(), sending.call().path());
    }

    @Override
    public CompletableFuture<ChatCompletion> proceed(
        ChatRequest request, Map<String, String> headers) {
      Objects.requireNonNull(request, "request");
      Objects.requireNonNull(headers, "headers");
      boolean sameThread = inHook && Thread.currentThread() == hookThread;
      Map<String, String> added;
      try {
        added = headers.isEmpty() ? Map.of() : checked(headers);
      } catch (RuntimeException e) {
        return CompletableFuture.failedFuture(e); // the interceptor's: named by run()
      }
      Sending next;
      try {
        next = sending.rewritten(rewrite.rewrite(sending, request), added, sameThread);
      } catch (RuntimeException e) {
        return calls.failed(e); // the request's: a PreflightException, say
      }
      Heard h;
      synchronized (this) {
        h = heard;
      }
      if (h != null && next.attempt() != null) {
        next = next.at(next.attempt().heardBy(h));
      }
      CompletableFuture<ChatCompletion> rest =
          index + 1 < list.length ? run(list, index + 1, next, bottom) : bottom.apply(next);
      // noted before the interceptor's own stages run: they depend on this future, not on rest;
      // and they run in the caller's context, on whichever thread ends the rest
      CompletableFuture<ChatCompletion> out = new CompletableFuture<>();
      CallerContext context = sending.call().context();
      rest.whenComplete(
          (c, e) -> {
            ContextPropagator.Scope caller = context.restore();
            try {
              if (e != null) {
                passedUp = Futures.unwrap(e);
                out.completeExceptionally(e);
              } else {
                out.complete(c);
              }
            } finally {
              caller.close();
            }
          });
      return Futures.cancelling(out, rest);
    }

    /** Names the interceptor and the call's kind, never the request's content. */
    @Override
    public String toString() {
      return "KimiInterceptor.Chain["
          + (streamed() ? "stream" : "chat")
          + (perAttempt ? ", attempt " + sending.number() : "")
          + ", "
          + Interception.name(list[index])
          + "]";
    }
  }
}
