package io.github.kimisdk.langchain4j.internal;

import dev.langchain4j.model.chat.response.ChatModelStreamingEvent;
import dev.langchain4j.model.chat.response.ChatResponse;
import dev.langchain4j.model.chat.response.CompleteResponse;
import dev.langchain4j.model.chat.response.CompleteToolCall;
import dev.langchain4j.model.chat.response.PartialResponse;
import dev.langchain4j.model.chat.response.PartialThinking;
import dev.langchain4j.model.chat.response.PartialToolCall;
import io.github.kimisdk.KimiClient;
import io.github.kimisdk.chat.ChatCompletionChunk;
import io.github.kimisdk.chat.ChatRequest;
import io.github.kimisdk.chat.ChatStream;
import java.util.Objects;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Flow;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;

/**
 * The {@code Flow} bridge: LangChain4j's reactive streaming ({@code StreamingChatModel.doChat(
 * ChatRequest)}, LangChain4j 1.20 and later) over the SDK's own {@code Flow} stream. It is the only
 * class of the module that names the types LangChain4j 1.20 added ({@link ChatModelStreamingEvent},
 * {@link CompleteResponse}), and only {@code KimiStreamingChatModel.doChat(ChatRequest)} loads it,
 * so the module keeps working on LangChain4j 1.19, where nothing calls that method.
 *
 * <p>The publisher is cold: each subscriber gets a call of its own. Its events are the reply's
 * pieces as {@link StreamedReply} reads them ({@link PartialThinking}, {@link PartialResponse},
 * {@link PartialToolCall}, {@link CompleteToolCall}), then one {@link CompleteResponse}, then
 * {@code onComplete}; a failure is {@code onError} with the exception the handler path reports (a
 * request Kimi cannot take as well, after {@code onSubscribe}: nothing is thrown). Demand is
 * honoured up to the connection: a chunk is asked of the SDK's stream only when the events of the
 * previous one were delivered and more are wanted. {@code cancel()} cancels the SDK's stream, which
 * closes the connection. A subscriber whose {@code onNext} throws (Reactive Streams rule 2.13) has
 * its stream cancelled and gets nothing more, as LangChain4j wants (no listener hears of it); the
 * exception is logged.
 */
public final class EventPublisher implements Flow.Publisher<ChatModelStreamingEvent> {

  private static final System.Logger LOG = System.getLogger("io.github.kimisdk.langchain4j");

  /**
   * The last event of every stream; resolved when this class is initialized, so that on a
   * LangChain4j without it (1.19) the first use fails at once, as a {@link LinkageError}, instead
   * of at a stream's end.
   */
  private static final Class<CompleteResponse> LAST = CompleteResponse.class;

  private final KimiClient client;
  private final Supplier<ChatRequest> request;
  private final boolean logResponse;

  /**
   * Creates the publisher of one request.
   *
   * @param client the client
   * @param request makes the SDK's request, with {@code stream} set, at each subscription; what it
   *     throws (a request Kimi cannot take) is the subscriber's {@code onError}
   * @param logResponse whether the whole reply is logged at {@code INFO} through SLF4J when it
   *     ended
   */
  public EventPublisher(KimiClient client, Supplier<ChatRequest> request, boolean logResponse) {
    this.client = client;
    this.request = request;
    this.logResponse = logResponse;
  }

  @Override
  public void subscribe(Flow.Subscriber<? super ChatModelStreamingEvent> subscriber) {
    Objects.requireNonNull(subscriber, "subscriber");
    new Bridge(subscriber, logResponse).start(client, request);
  }

  /**
   * One subscription: the subscriber's {@link Flow.Subscription} and the SDK stream's subscriber.
   *
   * <p>Thread model. Signals to the subscriber come from one drain loop at a time ({@code wip}, the
   * usual work-in-progress counter): whichever thread makes work (the subscriber's {@code request}
   * or {@code cancel}, the SDK's {@code onNext}, {@code onComplete}, {@code onError}) enters it,
   * and a thread finding it busy leaves its work to the thread inside, which loops again. The
   * events of a chunk wait in {@code queue}, written by the SDK's signals (serialized by Reactive
   * Streams), read by the loop. {@code awaiting} is set by the loop when it asks the stream for a
   * chunk and cleared by {@code onNext} after it queued the chunk's events, so a loop that reads it
   * clear then finds them queued. {@code subscriber} is cleared once the subscription ended, so a
   * cancelled subscriber is not held by the stream's machinery.
   */
  private static final class Bridge
      implements Flow.Subscription, Flow.Subscriber<ChatCompletionChunk>, StreamedReply.Sink {

    private volatile Flow.Subscriber<? super ChatModelStreamingEvent> subscriber;
    private final StreamedReply reply;
    private final Queue<ChatModelStreamingEvent> queue = new ConcurrentLinkedQueue<>();
    private final AtomicLong requested = new AtomicLong();
    private final AtomicInteger wip = new AtomicInteger();
    private volatile Flow.Subscription upstream;
    private volatile ChatStream stream;
    private volatile boolean awaiting;
    private volatile boolean upstreamDone;
    private volatile Throwable error;
    private volatile boolean cancelled;

    Bridge(Flow.Subscriber<? super ChatModelStreamingEvent> subscriber, boolean logResponse) {
      this.subscriber = subscriber;
      this.reply = new StreamedReply(this, logResponse);
    }

    /** Hands the subscriber its subscription, then starts the call. */
    void start(KimiClient client, Supplier<ChatRequest> request) {
      subscriber.onSubscribe(this);
      if (cancelled) {
        return;
      }
      ChatStream s;
      try {
        s = client.stream(request.get());
      } catch (RuntimeException e) {
        fail(Errors.map(e));
        return;
      }
      stream = s;
      s.subscribe(this);
    }

    // --- the subscriber's subscription ---------------------------------------------------------

    @Override
    public void request(long n) {
      if (n <= 0) {
        cancelUpstream();
        fail(
            new IllegalArgumentException(
                "request(" + n + "): a subscriber must request a positive number (rule 3.9)"));
        return;
      }
      long r;
      long next;
      do {
        r = requested.get();
        if (r == Long.MAX_VALUE) {
          break;
        }
        next = r + n < 0 ? Long.MAX_VALUE : r + n;
      } while (!requested.compareAndSet(r, next));
      drain();
    }

    @Override
    public void cancel() {
      cancelled = true;
      cancelUpstream();
      drain();
    }

    private void cancelUpstream() {
      Flow.Subscription u = upstream;
      if (u != null) {
        u.cancel();
      }
    }

    // --- the SDK stream's subscriber -----------------------------------------------------------

    @Override
    public void onSubscribe(Flow.Subscription subscription) {
      upstream = subscription;
      if (cancelled || error != null) {
        subscription.cancel(); // cancelled (or refused) before the stream started
        return;
      }
      drain();
    }

    @Override
    public void onNext(ChatCompletionChunk chunk) {
      try {
        reply.add(chunk);
      } catch (RuntimeException e) {
        cancelUpstream();
        fail(Errors.map(e));
        return;
      }
      awaiting = false; // after the chunk's events were queued: see the thread model
      drain();
    }

    @Override
    public void onError(Throwable failure) {
      fail(Errors.map(failure));
    }

    @Override
    public void onComplete() {
      ChatStream s = stream;
      try {
        ChatResponse response = reply.finish(s == null ? null : s.metadata().orElse(null));
        queue.add(LAST.cast(new CompleteResponse(response)));
      } catch (RuntimeException e) {
        fail(Errors.map(e));
        return;
      }
      upstreamDone = true;
      drain();
    }

    // --- the reply's pieces, queued as events --------------------------------------------------

    @Override
    public void thinking(PartialThinking thinking) {
      queue.add(thinking);
    }

    @Override
    public void text(PartialResponse text) {
      queue.add(text);
    }

    @Override
    public void partialToolCall(PartialToolCall call) {
      queue.add(call);
    }

    @Override
    public void completeToolCall(CompleteToolCall call) {
      queue.add(call);
    }

    // --- the drain loop ------------------------------------------------------------------------

    private void fail(Throwable failure) {
      if (error == null) {
        error = failure;
      }
      drain();
    }

    private void drain() {
      if (wip.getAndIncrement() != 0) {
        return;
      }
      int missed = 1;
      do {
        Flow.Subscriber<? super ChatModelStreamingEvent> s = subscriber;
        if (s != null) {
          drainTo(s);
        }
        missed = wip.addAndGet(-missed);
      } while (missed != 0);
    }

    /** One pass of the loop: deliver what is wanted, end the subscription, or ask for a chunk. */
    private void drainTo(Flow.Subscriber<? super ChatModelStreamingEvent> s) {
      if (cancelled) {
        end();
        return;
      }
      Throwable failure = error;
      if (failure != null) {
        end();
        s.onError(failure);
        return;
      }
      long wanted = requested.get();
      long emitted = 0;
      while (emitted != wanted) {
        ChatModelStreamingEvent event = queue.poll();
        if (event == null) {
          break;
        }
        try {
          s.onNext(event);
        } catch (RuntimeException e) {
          // rule 2.13: the subscriber broke the contract; its stream is cancelled, quietly
          LOG.log(
              System.Logger.Level.WARNING,
              "A subscriber's onNext threw; its Kimi stream is cancelled",
              e);
          cancelled = true;
          cancelUpstream();
          end();
          return;
        }
        emitted++;
        if (cancelled || error != null) {
          return; // the loop goes round again: the cancel or the failure called drain
        }
      }
      if (emitted != 0 && wanted != Long.MAX_VALUE) {
        requested.addAndGet(-emitted);
      }
      if (!queue.isEmpty()) {
        return; // more once more is wanted
      }
      if (upstreamDone) {
        end();
        s.onComplete();
        return;
      }
      Flow.Subscription u = upstream;
      if (u != null && !awaiting && requested.get() > 0 && queue.isEmpty()) {
        awaiting = true;
        u.request(1);
      }
    }

    /** Ends the subscription: no further signal, and nothing of the subscriber held. */
    private void end() {
      subscriber = null;
      queue.clear();
    }
  }
}
