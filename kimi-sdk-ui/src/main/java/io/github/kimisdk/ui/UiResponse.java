package io.github.kimisdk.ui;

import io.github.kimisdk.chat.ChatCompletionChunk;
import io.github.kimisdk.chat.ChatStream;
import io.github.kimisdk.json.Json;
import io.github.kimisdk.json.JsonObject;
import io.github.kimisdk.json.JsonValue;
import io.github.kimisdk.model.PriceTable;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.Flow;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * What a page's request is answered with: a UI message stream, the AI SDK's server-sent events of
 * typed parts ({@code content-type: text/event-stream}, {@code x-vercel-ai-ui-message-stream: v1},
 * each part {@code data: JSON}, then {@code data: [DONE]}), or a refusal (a status and a JSON body
 * {@code {"error": "..."}}), or a chat's messages as JSON, or nothing ({@code 204}). A web
 * framework sends {@link #status()} and {@link #headers()}, then the body: {@link
 * #writeTo(OutputStream)} on a thread that may block (a servlet's {@code StreamingResponseBody},
 * the JDK's server), or {@link #events()} to a reactive framework that writes server-sent events
 * itself (WebFlux, through Reactor's {@code JdkFlowAdapter}). A body is sent once.
 *
 * <pre>{@code
 * // a chat stream, as the AI SDK's client reads it
 * UiResponse r = UiResponse.of(kimi.stream(request));
 * r.writeTo(out);           // blocks until the stream ends; the client going away cancels the call
 * }</pre>
 *
 * <p>Backpressure: a stream is written as fast as the client reads it. A chat stream is read from
 * Kimi only as the client reads (a client that goes away closes it, which cancels the call). An
 * agent run is written into a bounded log that any number of clients read at their own pace, from
 * its start (a page that reconnects) or where they joined: a client that goes away leaves the run
 * to go on ({@link AgentChat}). While a stream is quiet, {@code writeTo} sends a comment line every
 * 15 s, which the AI SDK's parser skips and which finds a client that went away.
 */
public final class UiResponse {

  /** The headers of a UI message stream, as the AI SDK's own server sends them. */
  public static final Map<String, String> STREAM_HEADERS =
      Map.of(
          "content-type", "text/event-stream",
          "cache-control", "no-cache",
          "x-vercel-ai-ui-message-stream", "v1",
          "x-accel-buffering", "no");

  static final long KEEP_ALIVE_MILLIS = 15_000;

  private static final System.Logger LOG = System.getLogger("io.github.kimisdk.ui");

  private final int status;
  private final Map<String, String> headers;
  private final byte[] body; // a whole body, or null for a stream
  private final Feed feed; // a stream, or null
  private final AtomicBoolean sent = new AtomicBoolean();

  private UiResponse(int status, Map<String, String> headers, byte[] body, Feed feed) {
    this.status = status;
    this.headers = headers;
    this.body = body;
    this.feed = feed;
  }

  /**
   * Returns a chat stream as a UI message stream: one assistant message of one step (its reasoning,
   * its text, each tool call's input as it streams, parallel calls included), ended by {@code
   * finish} with Kimi's finish reason and the usage as the message's metadata. Kimi's stream is
   * read only as the response is written; a failure of Kimi's is sent as an {@code error} part (a
   * fixed sentence by the kind of failure, never its message or a stack trace).
   *
   * @param stream the stream, consumed by this response; closed when the client goes away
   * @return the response, status 200
   * @throws NullPointerException if {@code stream} is null
   */
  public static UiResponse of(ChatStream stream) {
    return of(stream, null);
  }

  /**
   * Returns a chat stream as a UI message stream, with the reply's cost from {@code prices} in its
   * metadata ({@code cost}: {@code amount} and {@code currency}) beside its usage.
   *
   * @param stream the stream, consumed by this response
   * @param prices the prices (a client's {@link io.github.kimisdk.KimiClient#prices()}), or null
   *     for the usage alone
   * @return the response, status 200
   * @throws NullPointerException if {@code stream} is null
   */
  public static UiResponse of(ChatStream stream, PriceTable prices) {
    Objects.requireNonNull(stream, "stream must not be null");
    return new UiResponse(200, STREAM_HEADERS, null, new ChatFeed(stream, prices));
  }

  /** A stream read from a log (an agent run's). */
  static UiResponse stream(PartLog.Reader reader) {
    return new UiResponse(200, STREAM_HEADERS, null, new LogFeed(reader));
  }

  /** A refusal: the status and {@code {"error": message}}. */
  static UiResponse refusal(int status, String message) {
    return json(status, JsonObject.builder().put("error", message).build());
  }

  /** A JSON body. */
  static UiResponse json(int status, JsonValue value) {
    return new UiResponse(
        status,
        Map.of("content-type", "application/json", "cache-control", "no-cache"),
        Json.writeBytes(value),
        null);
  }

  /** No content: {@code 204}, which the AI SDK's client reads as "no stream to resume". */
  static UiResponse noContent() {
    return new UiResponse(204, Map.of(), new byte[0], null);
  }

  /**
   * Returns the HTTP status.
   *
   * @return 200 for a stream or a chat's messages; 204 when there is no stream to resume; 400, 401,
   *     404, 409, 413 or 503 for a refusal
   */
  public int status() {
    return status;
  }

  /**
   * Returns the headers to send, names in lower case.
   *
   * @return the headers, unmodifiable
   */
  public Map<String, String> headers() {
    return headers;
  }

  /**
   * Says whether the body is a stream (sent as it is made) rather than a whole body.
   *
   * @return true for a UI message stream
   */
  public boolean isStream() {
    return feed != null;
  }

  /**
   * Writes the body to {@code out}, flushing after each burst of parts: for a stream, until it ends
   * (blocking while the run or the chat stream makes its parts); for a whole body, at once. When
   * writing fails (the client went away), a chat stream is closed, which cancels Kimi's call, and
   * an agent run goes on.
   *
   * @param out where the body goes; not closed
   * @throws IOException if writing fails
   * @throws IllegalStateException if the body was already sent
   */
  public void writeTo(OutputStream out) throws IOException {
    writeTo(out, KEEP_ALIVE_MILLIS);
  }

  /** As {@link #writeTo(OutputStream)}, with a comment line after {@code keepAliveMillis} quiet. */
  void writeTo(OutputStream out, long keepAliveMillis) throws IOException {
    Objects.requireNonNull(out, "out must not be null");
    if (!sent.compareAndSet(false, true)) {
      throw new IllegalStateException("this response's body was already sent");
    }
    if (feed == null) {
      out.write(body);
      out.flush();
      return;
    }
    feed.writeTo(out, keepAliveMillis);
  }

  /**
   * Returns the body as a publisher of texts, for a reactive framework that writes server-sent
   * events itself and flushes each: for a stream, each part's {@code data} (its JSON, then {@code
   * [DONE]}), which the framework sends as {@code data:} events; for a whole body, its text as one
   * element. It honours its subscriber's demand: a chat stream is read from Kimi only as the
   * subscriber asks. A subscriber that cancels closes a chat stream (cancelling Kimi's call) and
   * leaves an agent run to go on. For WebFlux, a {@code Flux<String>} with the response's headers
   * (its content type {@code text/event-stream} picks Spring's event writer):
   *
   * <pre>{@code
   * ResponseEntity.BodyBuilder b = ResponseEntity.status(r.status());
   * r.headers().forEach(b::header);
   * return b.body(JdkFlowAdapter.flowPublisherToFlux(r.events()));
   * }</pre>
   *
   * @return the publisher; it takes one subscriber
   * @throws IllegalStateException if the body was already sent
   */
  public Flow.Publisher<String> events() {
    if (!sent.compareAndSet(false, true)) {
      throw new IllegalStateException("this response's body was already sent");
    }
    if (feed == null) {
      return new EventPublisher(new WholeFeed(body));
    }
    return new EventPublisher(feed);
  }

  /** Describes the response without its body. */
  @Override
  public String toString() {
    return "UiResponse["
        + status
        + (feed != null ? ", stream" : ", " + body.length + " bytes")
        + "]";
  }

  static byte[] frame(String part) {
    return Parts.event(part).getBytes(StandardCharsets.UTF_8);
  }

  /**
   * A body's parts as they come. {@link #poll} returns the next part (or {@link Parts#DONE}, or
   * null when none is there yet, having asked for more where a feed must); {@link #watch} tells
   * when there may be more; {@link #cancel} ends it.
   */
  abstract static class Feed {
    abstract String poll();

    abstract void watch(Runnable r);

    abstract void unwatch(Runnable r);

    void cancel() {}

    /** Writes the body, blocking, with a comment line after {@code keepAliveMillis} quiet. */
    abstract void writeTo(OutputStream out, long keepAliveMillis) throws IOException;
  }

  /** A whole body as a feed of one text, for {@link #events()}. */
  private static final class WholeFeed extends Feed {
    private byte[] body;

    WholeFeed(byte[] body) {
      this.body = body;
    }

    @Override
    String poll() {
      return null;
    }

    @Override
    void watch(Runnable r) {}

    @Override
    void unwatch(Runnable r) {}

    @Override
    void writeTo(OutputStream out, long keepAliveMillis) {
      throw new AssertionError();
    }

    byte[] take() {
      byte[] b = body;
      body = null;
      return b;
    }
  }

  /** An agent run's parts, read from its log. */
  private static final class LogFeed extends Feed {
    private final PartLog.Reader reader;

    LogFeed(PartLog.Reader reader) {
      this.reader = reader;
    }

    @Override
    String poll() {
      return reader.poll();
    }

    @Override
    void watch(Runnable r) {
      reader.log().watch(r);
    }

    @Override
    void unwatch(Runnable r) {
      reader.log().unwatch(r);
    }

    @Override
    void writeTo(OutputStream out, long keepAliveMillis) throws IOException {
      try {
        while (true) {
          String part = reader.await(keepAliveMillis);
          if (part == null) {
            out.write(Parts.KEEP_ALIVE.getBytes(StandardCharsets.UTF_8));
            out.flush();
            continue;
          }
          while (part != null) {
            out.write(frame(part));
            if (part.equals(Parts.DONE)) {
              out.flush();
              return;
            }
            part = reader.poll();
          }
          out.flush();
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new InterruptedIOException("interrupted while streaming the run's parts");
      }
    }
  }

  /** A chat stream's parts, read from Kimi only as they are sent. */
  private static final class ChatFeed extends Feed {
    private final ChatStream stream;
    private final PartLog log = new PartLog(Long.MAX_VALUE);
    private final PartLog.Reader reader = log.reader(0);
    private final ChatParts parts;
    private volatile Flow.Subscription upstream;
    private volatile boolean asked;

    ChatFeed(ChatStream stream, PriceTable prices) {
      this.stream = stream;
      this.parts = new ChatParts(log, "msg-" + Long.toHexString(System.nanoTime()), prices);
    }

    /**
     * The next part; when none is left and no chunk is on its way, asks Kimi's stream for one.
     * {@code asked} is cleared only once a chunk's parts are in the log, and read before the log:
     * so a chunk is asked for only once every part of the one before was read (one chunk, one
     * delta, when the reader keeps up), and one chunk at most is on its way. Called by one drain at
     * a time.
     */
    @Override
    String poll() {
      boolean idle = !asked; // before the log: the last chunk's parts are in it
      String part = reader.poll();
      if (part != null || !idle || log.ended()) {
        return part;
      }
      asked = true;
      Flow.Subscription s = upstream;
      if (s != null) {
        s.request(1);
        return null;
      }
      stream.subscribe(
          new Flow.Subscriber<ChatCompletionChunk>() {
            @Override
            public void onSubscribe(Flow.Subscription s) {
              upstream = s;
              s.request(1);
            }

            @Override
            public void onNext(ChatCompletionChunk c) {
              try {
                parts.chunk(c);
              } catch (RuntimeException e) {
                parts.fail(e); // the message ends with an error part, as a failed stream's does
                cancel();
              }
              asked = false;
              log.poke(); // a chunk may make no part: the reader asks for the next one
            }

            @Override
            public void onError(Throwable t) {
              parts.fail(t);
            }

            @Override
            public void onComplete() {
              parts.complete();
            }
          });
      return null;
    }

    @Override
    void watch(Runnable r) {
      log.watch(r);
    }

    @Override
    void unwatch(Runnable r) {
      log.unwatch(r);
    }

    @Override
    void cancel() {
      Flow.Subscription s = upstream;
      if (s != null) {
        s.cancel();
      }
      stream.close();
    }

    /**
     * Writes the parts as {@link #poll} reads them (a chunk asked for only when every part of the
     * one before was written), and a comment line while Kimi is quiet, which finds a client that
     * went away: then, or on any failure, the stream is closed, which cancels Kimi's call.
     */
    @Override
    void writeTo(OutputStream out, long keepAliveMillis) throws IOException {
      try {
        while (true) {
          long mark = log.mark(); // before the reads: a part or a chunk after them wakes the wait
          boolean wrote = false;
          for (String part = poll(); part != null; part = poll()) {
            out.write(frame(part));
            wrote = true;
            if (part.equals(Parts.DONE)) {
              out.flush();
              return;
            }
          }
          if (wrote) {
            out.flush();
          }
          if (!log.awaitTell(mark, keepAliveMillis)) {
            out.write(Parts.KEEP_ALIVE.getBytes(StandardCharsets.UTF_8));
            out.flush();
          }
        }
      } catch (InterruptedException e) {
        cancel();
        Thread.currentThread().interrupt();
        throw new InterruptedIOException("interrupted while streaming the chat's parts");
      } catch (IOException | RuntimeException e) {
        cancel(); // the client went away: cancel Kimi's call
        throw e;
      }
    }
  }

  /**
   * A feed as a {@code Flow.Publisher} of one subscriber: one drain loop serialises the signals and
   * honours the demand (Reactive Streams rules 1.1, 1.3, 3.9); parts are asked for only while there
   * is demand.
   */
  static final class EventPublisher implements Flow.Publisher<String> {
    private final Feed feed;
    private final AtomicBoolean taken = new AtomicBoolean();

    EventPublisher(Feed feed) {
      this.feed = feed;
    }

    @Override
    public void subscribe(Flow.Subscriber<? super String> subscriber) {
      Objects.requireNonNull(subscriber, "subscriber must not be null");
      if (!taken.compareAndSet(false, true)) {
        try {
          subscriber.onSubscribe(
              new Flow.Subscription() {
                @Override
                public void request(long n) {}

                @Override
                public void cancel() {}
              });
          subscriber.onError(new IllegalStateException("this body takes one subscriber"));
        } catch (Throwable e) {
          LOG.log(System.Logger.Level.WARNING, "a subscriber threw from its refusal", e);
        }
        return;
      }
      new Drain(feed, subscriber).start();
    }
  }

  /** The drain loop of one subscription. Guarded by {@code wip}: one thread drains at a time. */
  private static final class Drain implements Flow.Subscription, Runnable {
    private final Feed feed;
    private final Flow.Subscriber<? super String> subscriber;
    private final java.util.concurrent.atomic.AtomicInteger wip =
        new java.util.concurrent.atomic.AtomicInteger();
    private final java.util.concurrent.atomic.AtomicLong demand =
        new java.util.concurrent.atomic.AtomicLong();
    private volatile boolean cancelled;
    private volatile Throwable invalid;
    private volatile boolean done; // written by the drain alone

    Drain(Feed feed, Flow.Subscriber<? super String> subscriber) {
      this.feed = feed;
      this.subscriber = subscriber;
    }

    /**
     * Hands the subscriber its subscription, then watches the feed, unless the subscription ended
     * while {@code onSubscribe} ran (cancelled, or the whole stream sent): a watcher left on an
     * agent run's log would keep the subscriber as long as the log (rule 3.13). A subscriber that
     * throws from {@code onSubscribe} is cancelled (rule 2.13); {@code subscribe} returns normally
     * (rule 1.9).
     */
    void start() {
      try {
        subscriber.onSubscribe(this);
      } catch (Throwable e) {
        LOG.log(
            System.Logger.Level.WARNING,
            "a subscriber threw from onSubscribe; its stream was cancelled",
            e);
        cancel();
        return;
      }
      feed.watch(this);
      if (cancelled || done) {
        feed.unwatch(this); // cancel() or the end may have unwatched before the watch
        return;
      }
      run();
    }

    @Override
    public void request(long n) {
      if (n <= 0) {
        invalid = new IllegalArgumentException("request must be positive (rule 3.9): " + n);
      } else {
        demand.getAndAccumulate(n, (a, b) -> a + b < 0 ? Long.MAX_VALUE : a + b);
      }
      run();
    }

    @Override
    public void cancel() {
      if (!cancelled) {
        cancelled = true;
        feed.unwatch(this);
        feed.cancel();
      }
    }

    @Override
    public void run() {
      if (wip.getAndIncrement() != 0) {
        return;
      }
      int missed = 1;
      while (true) {
        drain();
        missed = wip.addAndGet(-missed);
        if (missed == 0) {
          return;
        }
      }
    }

    private void drain() {
      while (!done && !cancelled) {
        if (invalid != null) {
          done = true;
          feed.unwatch(this);
          feed.cancel();
          terminate(invalid);
          return;
        }
        if (feed instanceof WholeFeed w) {
          if (demand.get() == 0) {
            return;
          }
          done = true;
          if (next(new String(w.take(), StandardCharsets.UTF_8))) {
            terminate(null);
          }
          return;
        }
        if (demand.get() == 0) {
          return;
        }
        String part = feed.poll();
        if (part == null) {
          return;
        }
        demand.decrementAndGet();
        if (!next(part)) {
          return;
        }
        if (part.equals(Parts.DONE)) {
          done = true;
          feed.unwatch(this);
          terminate(null);
          return;
        }
      }
    }

    /**
     * Sends a part. A subscriber that throws is cancelled (rule 2.13) and its exception logged: it
     * must not reach the thread that made the part (an agent run's, whose log tells every reader on
     * it) nor the run's other readers.
     *
     * @return false if the subscriber threw
     */
    private boolean next(String part) {
      try {
        subscriber.onNext(part);
        return true;
      } catch (Throwable e) {
        LOG.log(
            System.Logger.Level.WARNING,
            "a subscriber threw from onNext; its stream was cancelled",
            e);
        cancel();
        return false;
      }
    }

    /** Sends onComplete ({@code error} null) or onError; a subscriber that throws is logged. */
    private void terminate(Throwable error) {
      try {
        if (error == null) {
          subscriber.onComplete();
        } else {
          subscriber.onError(error);
        }
      } catch (Throwable e) {
        LOG.log(System.Logger.Level.WARNING, "a subscriber threw from its last signal", e);
      }
    }
  }
}
