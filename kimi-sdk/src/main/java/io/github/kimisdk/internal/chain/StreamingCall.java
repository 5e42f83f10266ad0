package io.github.kimisdk.internal.chain;

import io.github.kimisdk.CallEvent;
import io.github.kimisdk.ResponseMetadata;
import io.github.kimisdk.Timeouts;
import io.github.kimisdk.base.flow.Futures;
import io.github.kimisdk.base.flow.IdleWatch;
import io.github.kimisdk.base.flow.Relay;
import io.github.kimisdk.base.flow.StoppablePublisher;
import io.github.kimisdk.chat.ChatAccumulator;
import io.github.kimisdk.chat.ChatCompletion;
import io.github.kimisdk.chat.ChatRequest;
import io.github.kimisdk.errors.KimiException;
import io.github.kimisdk.errors.StreamAbortedException;
import io.github.kimisdk.errors.StreamException;
import io.github.kimisdk.internal.http.AttemptObserver;
import io.github.kimisdk.internal.http.ErrorFactory;
import io.github.kimisdk.internal.http.StreamAttempt;
import io.github.kimisdk.internal.http.StreamIdleException;
import io.github.kimisdk.internal.limit.ConcurrencyGate;
import io.github.kimisdk.internal.limit.RateLimiter;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Flow;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.BiFunction;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * One streaming call with its retries, as a cold, single-subscriber publisher: every stream of the
 * SDK (a chat stream, the events of {@code requestEvents}) runs on it, built by the retrying
 * interceptor of the client's {@link Chain}. Subscribing hands the subscriber a {@link Relay}; each
 * attempt then passes the rest of the chain as a future (so the rate limiter gives it a permit of
 * its own, and a retry waits behind the pause a 429 started, like everyone's), and at the chain's
 * end it is sent and attaches its event stream to the relay; that future completes when the attempt
 * ends. An attempt that fails before an item reached the subscriber is retried as the {@link
 * Retrier} says, judged once its failure passed back up the chain (a permit is back before the
 * retry queues for the next); once an item has reached the subscriber, the stream's failure is
 * final and carries what arrived, unless the call is a chat stream whose policy continues cut
 * streams ({@link Continuing}): then a {@link StreamException} is judged as an attempt's failure
 * is, and unless the stream cannot go on from what arrived, the next attempt sends the call's
 * request with that text as a partial answer ({@link RetryState#request}), each attempt's chunks
 * passing a {@link Continuing.Seam} that keeps what the caller saw and joins a continuing attempt's
 * chunks to the stream, and the relay asks it for the demand the cut one left unmet. {@link #stop}
 * (a close, or the consumer's interrupt) fails the subscriber with a failure that says so and is
 * never retried nor continued.
 *
 * <p>Invariants (guarded by {@code this}): at most one attempt is in flight, {@code current}, and
 * {@code currentEnd} completes once it ended (a continuation too is sent only after the cut
 * attempt's end passed back up the chain); after {@code ended} nothing starts, an attempt still in
 * the chain ({@code pending}) is cancelled, and every timer the call armed is withdrawn. The call
 * arms the bounds of the whole call (total time, whole-call deadline) once, when it is subscribed;
 * each attempt arms its own idle watch when it starts ({@link #watch}), so a retried attempt is
 * bounded exactly as the first one was. Every way the call ends reports the attempts sent and the
 * earlier attempts' failures ({@link ErrorFactory#finish}).
 *
 * @param <T> the item type
 */
public final class StreamingCall<T> implements StoppablePublisher<T>, Relay.Owner {

  /** Sends one attempt through the part of the chain below the retrier. */
  @FunctionalInterface
  interface Attempts<T> {
    /**
     * Sends attempt {@code n}: through the interceptors below the retrier, then {@code launch} with
     * the attempt made at the chain's end, which starts it and returns its end.
     *
     * @param n the attempt number, from 1
     * @param here whether the attempt starts on the thread of a consumer that blocks for it
     * @param target the attempt's target: 0, the client's own, unless the call fell back
     * @param request the request the attempt sends in place of the call's (a cut stream's
     *     continuation), in Kimi's form; null for the call's own
     * @param permit the room the attempt holds in its target's gate, or null
     * @param launch starts the attempt, whose items it tells the attempt's observer ({@link
     *     AttemptObserver#item}) when it hears them; its future completes when the attempt ended
     * @return the attempt's end, as the interceptors passed it back
     */
    CompletableFuture<Void> send(
        int n,
        boolean here,
        int target,
        ChatRequest request,
        ConcurrencyGate.Permit permit,
        BiFunction<StreamAttempt<T>, AttemptObserver, CompletableFuture<Void>> launch);
  }

  /**
   * What one streaming call sends.
   *
   * @param attempts sends each attempt
   * @param resume builds the request that continues the stream after what arrived, for a chat
   *     stream's failure; null for other streams
   * @param continuing what continues a chat stream cut after its text began, when its policy says
   *     so ({@link io.github.kimisdk.RetryPolicy#continuesStreams()}); null for other streams
   */
  record Spec<T>(
      Attempts<T> attempts, Function<ChatCompletion, ChatRequest> resume, Continuing continuing) {

    /** Checks the spec. */
    Spec {
      Objects.requireNonNull(attempts, "attempts");
    }

    /** A stream that is never continued after a cut. */
    Spec(Attempts<T> attempts, Function<ChatCompletion, ChatRequest> resume) {
      this(attempts, resume, null);
    }
  }

  private final CallContext context;
  private final Retrier retrier;
  private final ErrorFactory errors;
  private final Spec<T> spec;
  private final BooleanSupplier clientClosed;
  private final AtomicBoolean subscribed = new AtomicBoolean();
  private final RetryState state; // the course of its attempts: failures, target (guarded by this)
  private final List<KimiException> failures;
  // A chat stream whose policy continues it after a cut: what continues it, and what reached the
  // caller across its attempts (guarded by itself); both null for any other stream.
  private final Continuing continuing;
  private final ChatAccumulator seen;

  private volatile StreamAttempt<T> current;
  private CompletableFuture<Void> currentEnd; // completes when the current attempt ended
  private CompletableFuture<Void> pending; // the current attempt as the chain passed it back
  private Relay<T> relay;
  private RuntimeException stopped;
  private boolean ended;
  private int attempts;
  private int launched; // the last attempt made at the chain's end
  private int judged; // the last attempt whose failure was judged
  private long started;
  private StreamException cut; // the cut of attempt cutAt, to be continued once it passed back up
  private int cutAt;
  private int cutTarget = -1; // the target a cut stream was on, until its continuation is sent
  // Hedging (RetryPolicy.withHedging): null when the call is not hedged. A hedge is armed per
  // attempt when it starts and withdrawn when the call ends; at most one per call.
  private final Duration hedgeAfter;
  private boolean hedged; // the call was hedged (once per call)
  private int hedgeOf = -1; // the attempt aborted for the hedge, until it is judged
  private Runnable withdrawHedge = () -> {};
  private boolean joined; // a cut was continued: each later attempt joins the caller's stream
  // The thread of a blocking consumer while it subscribes: its first attempt is sent on it.
  private Thread blockingThread;
  // Withdrawn when the stream ends, so no timer entry keeps the call, its parser or what arrived.
  private IdleWatch idle; // the idle watch of watched, the attempt running now
  private StreamAttempt<T> watched;
  private Runnable withdrawTotal = () -> {};
  private Runnable withdrawDeadline = () -> {};

  /**
   * Prepares a call; nothing is sent until it is subscribed to.
   *
   * @param context the clocks, failure mapping and timeouts the call runs on
   * @param retrier the call's retry rule and whole-call timeout
   * @param spec what is sent
   * @param clientClosed tells whether the client is closing, for the message of a stopped stream
   * @param state the call's course, when the chain keeps it (a call that may fall back); null for a
   *     new one
   */
  StreamingCall(
      CallContext context,
      Retrier retrier,
      Spec<T> spec,
      BooleanSupplier clientClosed,
      RetryState state) {
    this.context = context;
    this.retrier = retrier;
    this.state = state == null ? new RetryState() : state;
    this.failures = this.state.failures;
    this.errors = context.errors();
    this.spec = spec;
    this.clientClosed = clientClosed;
    this.continuing =
        spec.continuing() != null && retrier.policy().continuesStreams() ? spec.continuing() : null;
    this.seen = continuing == null ? null : new ChatAccumulator();
    this.hedgeAfter =
        spec.resume() != null && this.state.routing()
            ? retrier.policy().hedgeAfter().orElse(null)
            : null;
  }

  /**
   * Returns the metadata of the current attempt's response.
   *
   * @return the metadata, or null before its headers
   */
  public ResponseMetadata metadata() {
    StreamAttempt<T> c = current;
    return c == null ? null : c.metadata();
  }

  @Override
  public void subscribe(Flow.Subscriber<? super T> subscriber) {
    subscribe(subscriber, false);
  }

  /**
   * Subscribes like {@link #subscribe}, sending the first attempt on the calling thread (when no
   * rate limiter makes it wait for a permit): {@code HttpClient.send} instead of {@code sendAsync},
   * whose completion costs a new thread per call on a machine with fewer than 3 processors.
   */
  @Override
  public void subscribeBlocking(Flow.Subscriber<? super T> subscriber) {
    subscribe(subscriber, true);
  }

  private void subscribe(Flow.Subscriber<? super T> subscriber, boolean blocking) {
    Objects.requireNonNull(subscriber, "subscriber");
    if (!subscribed.compareAndSet(false, true)) {
      Relay.refuse(subscriber, "This stream was already subscribed; it can be consumed only once");
      return;
    }
    Relay<T> r = new Relay<>(subscriber, this);
    if (continuing != null) {
      r.continuable(); // a cut stream goes on in another attempt after items were delivered
    }
    RuntimeException early;
    synchronized (this) {
      relay = r;
      early = stopped;
      started = context.scheduler().nanoTime();
      state.started = started;
      if (blocking) {
        blockingThread = Thread.currentThread();
      }
    }
    r.start();
    if (early != null) {
      r.fail(early);
      return;
    }
    Runnable total =
        context
            .timeouts()
            .streamTotal()
            .map(t -> context.watchdog().schedule(() -> stopWith(errors.streamTotalTimeout(t)), t))
            .orElse(() -> {});
    Duration deadline = retrier.callTimeout();
    Runnable dead =
        deadline == null
            ? () -> {}
            : context.scheduler().schedule(() -> stopWith(retrier.timedOut(deadline)), deadline);
    boolean over;
    synchronized (this) {
      over = ended;
      withdrawTotal = total;
      withdrawDeadline = dead;
    }
    if (over) {
      withdrawTimers();
    }
    try {
      nextAttempt();
    } finally {
      synchronized (this) {
        blockingThread = null;
      }
    }
  }

  /**
   * Starts the next attempt through the chain below the retrier; its failure is judged once it
   * passed back up (the permits it held are back by then).
   */
  private void nextAttempt() {
    synchronized (this) {
      if (ended || stopped != null) {
        return;
      }
    }
    retrier.route(state, this::sendAttempt, this::giveUp);
  }

  /** Ends a call that found no target to send its next attempt to. */
  private void giveUp(KimiException k) {
    int made;
    synchronized (this) {
      if (ended || stopped != null) {
        return;
      }
      made = Math.max(attempts, 1);
    }
    relay.fail(retrier.finish(k, failures, made));
  }

  /** Sends the next attempt to the target the call's route chose ({@link Retrier#route}). */
  private void sendAttempt() {
    int n;
    int to;
    boolean here;
    int cutOn;
    ChatRequest request;
    ConcurrencyGate.Permit permit = state.permit;
    state.permit = null; // the attempt's now: its gate gives it back when the attempt ends
    synchronized (this) {
      if (ended || stopped != null) {
        if (permit != null) {
          permit.release();
        }
        return;
      }
      n = ++attempts;
      state.attempts = n;
      to = Math.max(state.target, 0);
      here = blockingThread == Thread.currentThread();
      cutOn = cutTarget;
      cutTarget = -1;
      request = state.request;
    }
    if (cutOn >= 0) {
      retrier.rerouted(
          n,
          CallEvent.Reroute.CONTINUED,
          continuing.served(cutOn),
          continuing.served(to),
          Duration.ZERO);
    }
    CompletableFuture<Void> f;
    try {
      f =
          spec.attempts()
              .send(n, here, to, request, permit, (attempt, heard) -> launch(attempt, n, heard));
    } catch (RuntimeException e) {
      f = CompletableFuture.failedFuture(e);
    }
    if (permit != null) {
      f.whenComplete((r, e) -> permit.release()); // given back by its gate; else here
    }
    boolean withdraw;
    synchronized (this) {
      // ended meanwhile: an attempt still in the chain (waiting for its permit) is withdrawn; one
      // that was made ends by the stream's end, which may still be on its way up the chain
      withdraw = ended && launched != n;
      if (!ended) {
        pending = f;
      }
    }
    if (withdraw) {
      f.cancel(false);
    }
    f.whenComplete(
        (r, error) -> {
          if (error != null) {
            Throwable out;
            try {
              out = judge(n, Futures.unwrap(error));
            } catch (RuntimeException bug) {
              out = bug; // delivered, never lost in this callback: the stream would wait forever
            }
            if (out != null) {
              relay.fail(out);
            }
          }
        });
  }

  /**
   * Starts attempt {@code n}, made at the chain's end, its items told to {@code heard} first when
   * it hears them; returns its end.
   */
  private CompletableFuture<Void> launch(StreamAttempt<T> call, int n, AttemptObserver heard) {
    CompletableFuture<Void> end = new CompletableFuture<>();
    boolean drop;
    boolean block;
    boolean join;
    synchronized (this) {
      drop = ended;
      if (!drop) {
        current = call;
        currentEnd = end;
        launched = n;
      }
      block = blockingThread == Thread.currentThread();
      join = joined;
    }
    if (drop) {
      return CompletableFuture.failedFuture(RateLimiter.CANCELLED);
    }
    watch(call);
    Flow.Subscriber<? super T> joined =
        continuing == null ? relay : new Continuing.Seam<>(relay, seen, join);
    Lane<T> events = new Lane<>(joined, heard == null || !heard.hearsItems() ? null : heard);
    armHedge(call, events, n);
    Consumer<Throwable> failed = error -> attemptFailed(call, end, error);
    if (block) {
      call.startBlocking(events, failed); // the iterator's thread waits for the items anyway
    } else {
      call.start(events, failed);
    }
    return end;
  }

  /**
   * Arms the idle watch of attempt {@code call}, in place of the last attempt's: every attempt is
   * watched from its own start, however the one before it ended (an idle watch that fired has
   * stopped for good), with the first-event budget until its first progress and the idle timeout
   * after, progress being what the timeouts' idle clock counts. The watch reaches only its own
   * attempt, so a check of an earlier one still queued on the timer can never abort a later one.
   */
  private void watch(StreamAttempt<T> call) {
    Timeouts t = context.timeouts();
    boolean dataEvents = t.idleClock() == Timeouts.IdleClock.DATA_EVENTS;
    Duration limit = t.streamIdle();
    Duration first = t.firstEvent().compareTo(limit) > 0 ? t.firstEvent() : limit;
    IdleWatch w =
        IdleWatch.start(
            context.watchdog(),
            first,
            () -> call.progressed(dataEvents),
            limit,
            now -> call.idleNanos(now, dataEvents),
            () -> call.abort(new StreamIdleException(idleMessage(call, dataEvents, first, limit))));
    IdleWatch old;
    boolean over;
    synchronized (this) {
      over = ended;
      old = idle;
      idle = over ? null : w;
      watched = over ? null : call;
    }
    if (old != null) {
      old.stop();
    }
    if (over) {
      w.stop();
    }
  }

  /** Says which budget an idle attempt ran out of, and which settings change it. */
  private static String idleMessage(
      StreamAttempt<?> call, boolean dataEvents, Duration first, Duration limit) {
    String what = dataEvents ? "no data event" : "no data";
    String keepAlives =
        dataEvents ? "; keep-alive comments and pings do not count (Timeouts.withIdleClock)" : "";
    if (!call.progressed(dataEvents)) {
      return what
          + " for "
          + ErrorFactory.human(first)
          + " after the response headers, waiting for the first one (Timeouts.withFirstEvent"
          + keepAlives
          + ")";
    }
    return what
        + " for "
        + ErrorFactory.human(limit)
        + " while the stream was read (Timeouts.withStreamIdle"
        + keepAlives
        + ")";
  }

  @Override
  public Throwable upstreamFailed(Throwable error, boolean delivered) {
    StreamAttempt<T> call;
    CompletableFuture<Void> end;
    synchronized (this) {
      call = current;
      end = currentEnd;
    }
    if (!delivered) {
      attemptFailed(call, end, error);
      return null; // judged once the failure passed back up the chain, as any attempt's
    }
    Throwable fatal = ErrorFactory.fatal(error);
    if (continuing != null && fatal == null) {
      // a chat stream that may go on from what arrived: judged, as any attempt's failure, once it
      // passed back up the chain (its permits are back before a continuation queues for its own)
      KimiException k = context.calls().kimi(error);
      boolean goesOn;
      synchronized (this) {
        goesOn = k instanceof StreamException && stopped == null && !ended;
        if (goesOn) {
          cut = (StreamException) k;
          cutAt = attempts;
        }
      }
      if (goesOn) {
        attemptFailed(call, end, k);
        return null;
      }
    }
    // an item reached the subscriber: final; the failure goes back up and is delivered here
    Throwable k = fatal != null ? fatal : context.calls().kimi(error);
    synchronized (this) {
      judged = attempts;
    }
    if (call != null) {
      call.ended(k);
    }
    if (end != null) {
      end.completeExceptionally(k);
    }
    if (fatal != null) {
      return fatal;
    }
    RuntimeException stop;
    int made;
    synchronized (this) {
      stop = stopped;
      made = attempts;
      if (stop == null && !ended) {
        failures.add((KimiException) k);
      }
    }
    if (stop != null) {
      return stop;
    }
    resumable(k, true);
    return errors.finish((KimiException) k, failures, made);
  }

  /** Ends a failed attempt before any of its items reached the subscriber. */
  private void attemptFailed(StreamAttempt<T> call, CompletableFuture<Void> end, Throwable error) {
    IdleWatch w = null;
    synchronized (this) {
      if (call != null && watched == call) {
        w = idle; // its watch ends with it; the next attempt arms its own
        idle = null;
        watched = null;
      }
    }
    if (w != null) {
      w.stop();
    }
    Throwable fatal = ErrorFactory.fatal(error);
    Throwable k = fatal != null ? fatal : context.calls().kimi(error);
    if (call != null) {
      call.ended(k);
    }
    if (end != null) {
      end.completeExceptionally(k); // judged once it passed back up the chain
    }
  }

  /**
   * Judges the failure of attempt {@code n}, delivered to no item: returns the failure to deliver,
   * or null when a retry was scheduled or the stream is over.
   */
  private Throwable judge(int n, Throwable error) {
    Error fatal = ErrorFactory.fatal(error);
    if (fatal != null) {
      return fatal; // never wrapped, never retried
    }
    if (handedOver(n)) {
      nextAttempt(); // the hedge: another target, at once
      return null;
    }
    boolean wasCut;
    synchronized (this) {
      wasCut = cut != null && cutAt == n;
    }
    if (wasCut) {
      return continueAfter(n);
    }
    KimiException k = context.calls().kimi(error);
    if (k instanceof StreamAbortedException a) {
      k = a.reason(); // the caller saw no item: report (and retry) the plain failure
    }
    RuntimeException stop;
    int made;
    synchronized (this) {
      stop = stopped;
      made = attempts;
      if (ended || n != made || n <= judged) {
        return null; // over, or an attempt already judged
      }
      judged = n;
      pending = null;
    }
    if (stop != null) {
      return stop; // closing is never retried
    }
    Retrier.Step step = retrier.failed(state, k); // the one rule, as a future call's
    if (step != null) {
      retrier.after(step, this::nextAttempt);
      return null;
    }
    return retrier.finish(retrier.ending(state, k), failures, made);
  }

  /**
   * Judges the cut of attempt {@code n}, after items reached the caller, once it passed back up the
   * chain: unless the stream cannot go on ({@link Continuing#refusal}), the next attempt sends the
   * call's request with what the caller saw as a partial answer where the call's route says (a cut
   * stays where it was: a retry of the same target, spending one of the policy's retries, after its
   * backoff, unless that target no longer takes calls); its chunks join the caller's stream ({@link
   * Continuing.Seam}). Returns the failure to deliver, saying why the stream was not continued, or
   * null when it goes on or the stream is over.
   */
  private Throwable continueAfter(int n) {
    StreamException c;
    ChatCompletion all;
    boolean before; // continued before: the failure carries all the caller saw
    String why;
    RuntimeException stop;
    int made;
    int from;
    KimiException reason;
    ChatRequest next = null;
    synchronized (this) {
      c = cut;
      cut = null;
      stop = stopped;
      made = attempts;
      if (ended || n != made || n <= judged) {
        return null;
      }
      judged = n;
      pending = null;
      from = Math.max(state.target, 0);
      before = joined;
      all = seenNow();
      // the plain failure is what the retrier judges, as for an attempt that delivered nothing
      reason = c instanceof StreamAbortedException a ? a.reason() : c;
      why = stop == null ? continuing.refusal(all, from) : null;
      if (stop == null && why == null) {
        try {
          next = continuing.request(all);
        } catch (IllegalArgumentException refused) {
          why = "the request cannot end with a partial answer (" + refused.getMessage() + ")";
        }
      }
    }
    if (stop != null) {
      return stop; // closing is never continued
    }
    if (why == null) {
      Retrier.Step step = retrier.failed(state, reason);
      synchronized (this) {
        if (step == null) {
          why = spent(reason);
          failures.remove(reason);
        } else {
          state.request = next;
          joined = true;
          cutTarget = from;
        }
      }
      if (step != null) {
        retrier.after(step, this::nextAttempt);
        return null;
      }
    }
    StreamException out =
        errors.restated(
            c,
            "It was not continued (RetryPolicy.withStreamContinuation): " + why + ".",
            before ? all.withMetadata(c.partial().metadata()) : c.partial());
    synchronized (this) {
      if (ended) {
        return null;
      }
      failures.add(out);
    }
    resumable(out, true);
    return retrier.finish(out, failures, made);
  }

  /** Says why a cut stream's failure {@code reason} has no retry left to continue it with. */
  private String spent(KimiException reason) {
    io.github.kimisdk.RetryPolicy p = retrier.policy();
    if (state.retries >= p.maxRetries()) {
      return "its retries are spent (RetryPolicy.maxRetries " + p.maxRetries() + ")";
    }
    if (!p.isRetryable(reason)) {
      return "the retry policy does not retry its failure";
    }
    return "no retry fits the retry policy's deadline or longest server wait";
  }

  /** What reached the caller so far, across the attempts of a continued stream. */
  private ChatCompletion seenNow() {
    synchronized (seen) {
      return seen.toCompletion();
    }
  }

  /** Gives a chat stream's failure, once items were delivered, the request that continues it. */
  private void resumable(Throwable failure, boolean delivered) {
    if (delivered && spec.resume() != null && failure instanceof StreamException se) {
      ChatRequest resume;
      try {
        resume = spec.resume().apply(se.partial());
      } catch (IllegalArgumentException refused) {
        return; // a request that cannot end with a partial answer (a JSON object's): none
      }
      errors.resumeRequest(se, resume);
    }
  }

  @Override
  public void ended(Throwable error, boolean cancelled) {
    StreamAttempt<T> call;
    CompletableFuture<Void> end;
    CompletableFuture<Void> f;
    boolean stop;
    synchronized (this) {
      ended = true;
      call = current;
      end = currentEnd;
      f = pending;
      pending = null;
      stop = stopped != null;
    }
    withdrawTimers();
    if (error == null && !cancelled && !stop) {
      retrier.succeeded(state); // a probe that streamed to its end makes its target available
    }
    retrier.ended(state); // a probe cancelled or failed after its first event ends here
    Throwable outcome = cancelled || stop ? RateLimiter.CANCELLED : error;
    if (end != null) { // the attempt's end goes back up the chain: its permit first
      if (outcome == null) {
        end.complete(null);
      } else {
        end.completeExceptionally(outcome);
      }
    }
    if (f != null) {
      f.cancel(false); // an attempt still in the chain, waiting for its permit
    }
    if (call != null) {
      if (cancelled || error != null) {
        call.cancel(); // an exchange still waiting for its headers
      }
      call.ended(outcome);
    }
  }

  /**
   * Tells whether attempt {@code n} ended because it was aborted for its hedge, and if so hands the
   * call over: no failure of its host, no retry spent.
   */
  private synchronized boolean handedOver(int n) {
    if (hedgeOf != n) {
      return false;
    }
    hedgeOf = -1;
    if (ended || stopped != null || n != attempts || n <= judged) {
      return false; // over: judged as any attempt (it will find nothing to do)
    }
    judged = n;
    pending = null; // the route sends the next attempt where the hand-over reserved
    return true;
  }

  /**
   * Arms the hedge of attempt {@code n}, from when it is sent: when it has delivered nothing after
   * the policy's hedge delay (its headers late or its first event), it is handed over ({@link
   * #hedge}).
   */
  private void armHedge(StreamAttempt<T> call, Lane<T> lane, int n) {
    if (hedgeAfter == null) {
      return;
    }
    synchronized (this) {
      if (hedged || ended) {
        return;
      }
    }
    Runnable w = context.scheduler().schedule(() -> hedge(call, lane, n), hedgeAfter);
    Runnable old;
    boolean over;
    synchronized (this) {
      old = withdrawHedge;
      withdrawHedge = w;
      over = ended;
    }
    old.run();
    if (over) {
      w.run();
    }
  }

  /**
   * Hedges attempt {@code n}, still the call's current one with nothing delivered after the hedge
   * delay. The route first reserves where the call goes (room or probe taken, a hedge spent from
   * the allowance): with nowhere to go, the slow attempt goes on. Then the attempt's lane closes,
   * so nothing it sends from now on reaches the caller (when it had passed an item meanwhile, the
   * reservation is undone and the attempt goes on). Then the slow attempt is aborted, before its
   * headers too (its request aborted, its connection closed, its permits back) and, judged, hands
   * over ({@link #handedOver}) without spending a retry or cooling its target: the next attempt
   * goes where the route reserved. The caller reads each word once, from the copy that answers.
   */
  private void hedge(StreamAttempt<T> call, Lane<T> lane, int n) {
    synchronized (this) {
      if (ended
          || stopped != null
          || hedged
          || current != call
          || launched != n
          || attempts != n
          || relay.delivered()) {
        return;
      }
    }
    Runnable undo = retrier.hedge(state, hedgeAfter);
    if (undo == null) {
      return; // nowhere to go: the slow copy goes on
    }
    boolean go;
    synchronized (this) {
      go = !ended && stopped == null && !hedged && current == call && attempts == n && lane.close();
      if (go) {
        hedged = true;
        hedgeOf = n;
      }
    }
    if (!go) {
      undo.run(); // it delivered (or ended) meanwhile: it is the caller's stream now
      return;
    }
    call.abort(
        new StreamIdleException(
            "no data for "
                + ErrorFactory.human(hedgeAfter)
                + " after the request was sent: hedged on another target"
                + " (RetryPolicy.withHedging)"));
  }

  /**
   * One attempt's items on their way to the caller, each told first to the attempt's observer when
   * it hears items, which a hand-over closes: the first item it passes makes the attempt the
   * caller's stream (a hedge can no longer close it), and once closed it passes no item, so an
   * attempt handed over never delivers a word after the copy that took over. Its subscription and
   * end pass through (the relay judges the end as an attempt's).
   */
  static final class Lane<T> implements Flow.Subscriber<T> {
    private static final int OPEN = 0;
    private static final int PASSING = 1;
    private static final int CLOSED = 2;
    private final java.util.concurrent.atomic.AtomicInteger state =
        new java.util.concurrent.atomic.AtomicInteger(OPEN);
    private final Flow.Subscriber<? super T> to;
    private final AttemptObserver heard; // hears every item first; null for none

    Lane(Flow.Subscriber<? super T> to, AttemptObserver heard) {
      this.to = to;
      this.heard = heard;
    }

    /** Closes the lane while it has passed nothing; false once it passed an item. */
    boolean close() {
      return state.compareAndSet(OPEN, CLOSED) || state.get() == CLOSED;
    }

    @Override
    public void onSubscribe(Flow.Subscription s) {
      to.onSubscribe(s);
    }

    @Override
    public void onNext(T item) {
      if (heard != null) {
        heard.item(item); // an item the host sent, passed on or not
      }
      if (state.get() == PASSING || state.compareAndSet(OPEN, PASSING)) {
        to.onNext(item);
      } // closed: handed over, dropped
    }

    @Override
    public void onError(Throwable error) {
      to.onError(error);
    }

    @Override
    public void onComplete() {
      if (state.get() == CLOSED) {
        // an answer that ended after it was handed over reached nobody: an attempt's failure,
        // which the call judges as the hand-over
        to.onError(new StreamIdleException("handed over before it ended"));
      } else {
        to.onComplete();
      }
    }
  }

  private void withdrawTimers() {
    IdleWatch w;
    Runnable total;
    Runnable deadline;
    Runnable hedge;
    synchronized (this) {
      hedge = withdrawHedge;
      withdrawHedge = () -> {};
      w = idle;
      idle = null;
      watched = null;
      total = withdrawTotal;
      deadline = withdrawDeadline;
      withdrawTotal = () -> {};
      withdrawDeadline = () -> {};
    }
    if (w != null) {
      w.stop();
    }
    total.run();
    deadline.run();
    hedge.run();
  }

  @Override
  public RuntimeException stop(InterruptedException interrupt) {
    return stopWith(errors.closed(interrupt, clientClosed.getAsBoolean()));
  }

  /**
   * Ends the stream with {@code reason} (a close, an interrupt, a total or whole-call timeout),
   * never retried; once items were delivered the failure carries what arrived.
   */
  private RuntimeException stopWith(KimiException reason) {
    Relay<T> r;
    StreamAttempt<T> call;
    synchronized (this) {
      if (stopped != null) {
        return stopped;
      }
      r = relay;
      call = current;
      if (r == null || ended || r.isEnded()) {
        stopped = reason; // not started (a later subscriber is failed at once) or over
        return reason;
      }
    }
    Throwable mapped = call == null ? reason : call.failureFor(reason);
    RuntimeException failure = mapped instanceof RuntimeException re ? re : reason;
    boolean before;
    synchronized (this) {
      before = joined;
    }
    if (before && failure instanceof StreamException se) {
      // a continued stream's failure carries all the caller saw, across its attempts
      ChatCompletion all = seenNow();
      failure = errors.restated(se, null, all.withMetadata(se.partial().metadata()));
    }
    resumable(failure, r.delivered());
    List<KimiException> earlier;
    int made;
    synchronized (this) {
      earlier = List.copyOf(failures);
      made = attempts;
    }
    if (failure instanceof KimiException k && made > 0) {
      errors.finish(k, earlier, made); // every attempt sent, the earlier failures suppressed
    }
    synchronized (this) {
      if (stopped == null) {
        stopped = failure;
      }
      failure = stopped;
    }
    r.fail(failure);
    return failure;
  }

  @Override
  public boolean isEnded() {
    Relay<T> r;
    synchronized (this) {
      if (ended) {
        return true;
      }
      r = relay;
    }
    return r != null && r.isEnded();
  }
}
