package io.github.kimisdk.langchain4j.internal;

import dev.langchain4j.model.chat.response.ChatResponse;
import dev.langchain4j.model.chat.response.CompleteToolCall;
import dev.langchain4j.model.chat.response.PartialResponse;
import dev.langchain4j.model.chat.response.PartialResponseContext;
import dev.langchain4j.model.chat.response.PartialThinking;
import dev.langchain4j.model.chat.response.PartialThinkingContext;
import dev.langchain4j.model.chat.response.PartialToolCall;
import dev.langchain4j.model.chat.response.PartialToolCallContext;
import dev.langchain4j.model.chat.response.StreamingChatResponseHandler;
import dev.langchain4j.model.chat.response.StreamingHandle;
import io.github.kimisdk.ContextPropagator;
import io.github.kimisdk.KimiClient;
import io.github.kimisdk.chat.ChatCompletionChunk;
import io.github.kimisdk.chat.ChatRequest;
import io.github.kimisdk.chat.ChatStream;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * One streamed chat, from the SDK's {@link ChatStream} to a LangChain4j handler: reasoning deltas
 * to {@code onPartialThinking}, content to {@code onPartialResponse}, tool-call fragments to {@code
 * onPartialToolCall} (and {@code onCompleteToolCall} once a call's last fragment passed), as {@link
 * StreamedReply} reads them, then {@code onCompleteResponse} or {@code onError}.
 *
 * <p>Thread model: {@link #start} hands the whole stream to an executor, and that one thread reads
 * every chunk and makes every callback, so a handler sees all its callbacks on one thread, never
 * the caller's, in the caller's context when the client has a propagator ({@code
 * KimiClient.captureContext()}: an MDC, a tracing context). {@link #cancel()} may come from any
 * thread (the handler's, through a context's {@link StreamingHandle}, or another): it sets {@code
 * cancelled} (volatile) and closes the stream ({@code stream}, volatile, set once by the reading
 * thread), which ends the reading thread's wait; after a cancel no callback is made. An exception a
 * callback throws is passed to {@code onError} and the stream goes on, as LangChain4j's providers
 * do; an exception {@code onError} throws is logged and dropped.
 */
public final class StreamingChat implements StreamingHandle {

  private static final System.Logger LOG = System.getLogger("io.github.kimisdk.langchain4j");

  /** The default executor: daemon threads, created as streams need them and kept a minute. */
  private static final class DefaultExecutor {
    static final ExecutorService INSTANCE = create();

    private static ExecutorService create() {
      AtomicInteger n = new AtomicInteger();
      return Executors.newCachedThreadPool(
          r -> {
            Thread t = new Thread(r, "kimi-langchain4j-stream-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
          });
    }
  }

  private final StreamingChatResponseHandler handler;
  private final boolean logResponse;
  private volatile boolean cancelled;
  private volatile ChatStream stream;

  private StreamingChat(StreamingChatResponseHandler handler, boolean logResponse) {
    this.handler = handler;
    this.logResponse = logResponse;
  }

  /**
   * Returns the executor streams run on when the model was given none.
   *
   * @return the shared executor
   */
  public static Executor defaultExecutor() {
    return DefaultExecutor.INSTANCE;
  }

  /**
   * Starts streaming {@code request} to {@code handler} on a thread of {@code executor}.
   *
   * @param client the client
   * @param request the request, with {@code stream} set
   * @param handler the handler
   * @param executor where the stream is read
   * @param logResponse whether the whole reply is logged at {@code INFO} through SLF4J when it
   *     ended (the model's {@code logResponses}; the SDK logs none of a stream's chunks)
   */
  public static void start(
      KimiClient client,
      ChatRequest request,
      StreamingChatResponseHandler handler,
      Executor executor,
      boolean logResponse) {
    StreamingChat chat = new StreamingChat(handler, logResponse);
    // the caller's context (the client's propagators): the stream is asked for, and every callback
    // made, in it on the executor's thread
    ContextPropagator.Captured caller = client.captureContext();
    try {
      executor.execute(
          () -> {
            ContextPropagator.Scope s = caller.restore();
            try {
              chat.run(client, request);
            } finally {
              s.close();
            }
          });
    } catch (RejectedExecutionException e) {
      chat.fail(e);
    }
  }

  @Override
  public void cancel() {
    cancelled = true;
    ChatStream s = stream;
    if (s != null) {
      s.close();
    }
  }

  @Override
  public boolean isCancelled() {
    return cancelled;
  }

  private void run(KimiClient client, ChatRequest request) {
    StreamedReply reply = new StreamedReply(new ToHandler(), logResponse);
    try (ChatStream s = client.stream(request)) {
      stream = s;
      for (ChatCompletionChunk chunk : s) {
        if (cancelled) {
          return;
        }
        reply.add(chunk);
      }
      if (cancelled) {
        return;
      }
      ChatResponse response = reply.finish(s.metadata().orElse(null));
      if (!cancelled) {
        deliver(() -> handler.onCompleteResponse(response));
      }
    } catch (RuntimeException e) {
      if (!cancelled) {
        fail(e);
      }
    }
  }

  /** The reply's pieces to the handler, with this stream's handle, until it is cancelled. */
  private final class ToHandler implements StreamedReply.Sink {
    @Override
    public void thinking(PartialThinking thinking) {
      if (!cancelled) {
        StreamingChat handle = StreamingChat.this;
        deliver(() -> handler.onPartialThinking(thinking, new PartialThinkingContext(handle)));
      }
    }

    @Override
    public void text(PartialResponse text) {
      if (!cancelled) {
        StreamingChat handle = StreamingChat.this;
        deliver(() -> handler.onPartialResponse(text, new PartialResponseContext(handle)));
      }
    }

    @Override
    public void partialToolCall(PartialToolCall call) {
      if (!cancelled) {
        StreamingChat handle = StreamingChat.this;
        deliver(() -> handler.onPartialToolCall(call, new PartialToolCallContext(handle)));
      }
    }

    @Override
    public void completeToolCall(CompleteToolCall call) {
      if (!cancelled) {
        deliver(() -> handler.onCompleteToolCall(call));
      }
    }
  }

  /** Runs a callback; what it throws goes to {@code onError}, and the stream goes on. */
  private void deliver(Runnable callback) {
    try {
      callback.run();
    } catch (RuntimeException e) {
      report(e);
    }
  }

  private void fail(Throwable failure) {
    report(Errors.map(failure));
  }

  private void report(Throwable error) {
    try {
      handler.onError(error);
    } catch (RuntimeException e) {
      LOG.log(System.Logger.Level.WARNING, "A streaming handler's onError threw; ignored", e);
    }
  }
}
