package io.github.kimisdk.langchain4j.internal;

import dev.langchain4j.agent.tool.ToolExecutionRequest;
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
import io.github.kimisdk.KimiClient;
import io.github.kimisdk.chat.ChatAccumulator;
import io.github.kimisdk.chat.ChatCompletion;
import io.github.kimisdk.chat.ChatCompletionChunk;
import io.github.kimisdk.chat.ChatRequest;
import io.github.kimisdk.chat.ChatStream;
import io.github.kimisdk.tool.ToolCall;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.LoggerFactory;

/**
 * One streamed chat, from the SDK's {@link ChatStream} to a LangChain4j handler: reasoning deltas
 * to {@code onPartialThinking}, content to {@code onPartialResponse}, tool-call fragments to {@code
 * onPartialToolCall} (and {@code onCompleteToolCall} once a call's last fragment passed), then
 * {@code onCompleteResponse} or {@code onError}.
 *
 * <p>Thread model: {@link #start} hands the whole stream to an executor, and that one thread reads
 * every chunk and makes every callback, so a handler sees all its callbacks on one thread, never
 * the caller's. {@link #cancel()} may come from any thread (the handler's, through a context's
 * {@link StreamingHandle}, or another): it sets {@code cancelled} (volatile) and closes the stream
 * ({@code stream}, volatile, set once by the reading thread), which ends the reading thread's wait;
 * after a cancel no callback is made. An exception a callback throws is passed to {@code onError}
 * and the stream goes on, as LangChain4j's providers do; an exception {@code onError} throws is
 * logged and dropped.
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
  // reading thread only
  private final TreeMap<Integer, Call> calls = new TreeMap<>();
  private Call current;

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
    try {
      executor.execute(() -> chat.run(client, request));
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
    ChatAccumulator acc = new ChatAccumulator();
    try (ChatStream s = client.stream(request)) {
      stream = s;
      for (ChatCompletionChunk chunk : s) {
        if (cancelled) {
          return;
        }
        acc.add(chunk);
        for (ChatCompletionChunk.ChunkChoice choice : chunk.choices()) {
          if (choice.index() == 0) {
            delta(choice.delta());
          }
        }
      }
      if (cancelled) {
        return;
      }
      finishCalls();
      ChatCompletion completion = acc.toCompletion().withMetadata(s.metadata().orElse(null));
      ChatResponse response = Responses.toChatResponse(completion, requests());
      if (logResponse) {
        org.slf4j.Logger log = LoggerFactory.getLogger(KimiClient.LOGGER_NAME);
        if (log.isInfoEnabled()) {
          log.info("streamed response: {}", response);
        }
      }
      if (!cancelled) {
        deliver(() -> handler.onCompleteResponse(response));
      }
    } catch (RuntimeException e) {
      if (!cancelled) {
        fail(e);
      }
    }
  }

  private void delta(ChatCompletionChunk.Delta d) {
    String reasoning = d.reasoningContent();
    if (reasoning != null && !reasoning.isEmpty() && !cancelled) {
      deliver(
          () ->
              handler.onPartialThinking(
                  new PartialThinking(reasoning), new PartialThinkingContext(this)));
    }
    String content = d.content();
    if (content != null && !content.isEmpty() && !cancelled) {
      deliver(
          () ->
              handler.onPartialResponse(
                  new PartialResponse(content), new PartialResponseContext(this)));
    }
    for (ChatCompletionChunk.ToolCallDelta f : d.toolCalls()) {
      if (cancelled) {
        return;
      }
      toolCall(f);
    }
  }

  /** One fragment of a tool call: joined by index, as the SDK's accumulator joins them. */
  private void toolCall(ChatCompletionChunk.ToolCallDelta f) {
    Call call = callOf(f);
    if (current != null && current != call) {
      complete(current);
    }
    current = call;
    if (call.id == null && f.id() != null && !f.id().isBlank()) {
      call.id = f.id();
    }
    if (call.name == null && f.name() != null && !f.name().isEmpty()) {
      call.name = f.name();
    }
    String fragment = f.arguments();
    if (fragment != null && !fragment.isEmpty()) {
      call.arguments.append(fragment);
      if (call.name != null) {
        PartialToolCall partial =
            PartialToolCall.builder()
                .index(call.index)
                .id(call.id())
                .name(call.name)
                .partialArguments(fragment)
                .build();
        deliver(() -> handler.onPartialToolCall(partial, new PartialToolCallContext(this)));
      }
    }
  }

  private Call callOf(ChatCompletionChunk.ToolCallDelta f) {
    if (f.index() != null) {
      return calls.computeIfAbsent(f.index(), Call::new);
    }
    if (f.id() != null && !f.id().isBlank()) {
      for (Call c : calls.values()) {
        if (f.id().equals(c.id)) {
          return c;
        }
      }
      int next = calls.isEmpty() ? 0 : calls.lastKey() + 1;
      return calls.computeIfAbsent(next, Call::new);
    }
    return current != null ? current : calls.computeIfAbsent(0, Call::new);
  }

  private void finishCalls() {
    for (Call c : calls.values()) {
      complete(c);
    }
  }

  private void complete(Call c) {
    if (c.completed || c.name == null || cancelled) {
      return;
    }
    c.completed = true;
    CompleteToolCall complete = new CompleteToolCall(c.index, c.request());
    deliver(() -> handler.onCompleteToolCall(complete));
  }

  private List<ToolExecutionRequest> requests() {
    List<ToolExecutionRequest> out = new ArrayList<>(calls.size());
    for (Map.Entry<Integer, Call> e : calls.entrySet()) {
      out.add(e.getValue().request());
    }
    return out;
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

  /** A tool call as its fragments arrive. */
  private static final class Call {
    final int index;
    String id;
    String name;
    final StringBuilder arguments = new StringBuilder();
    boolean completed;

    Call(int index) {
      this.index = index;
    }

    /**
     * The call's id; a call whose stream sent it blank or not at all (as kimi-k3's may) gets one
     * shaped as the SDK's accumulator makes them ({@code name:index}), fixed at first use, so every
     * callback and the final message agree.
     */
    String id() {
      if (id == null) {
        String base = (name == null || name.isBlank() ? "call" : name) + ":" + index;
        id =
            base.length() > ToolCall.MAX_GENERATED_ID
                ? base.substring(base.length() - ToolCall.MAX_GENERATED_ID)
                : base;
      }
      return id;
    }

    ToolExecutionRequest request() {
      return Responses.toolRequest(id(), name, arguments.toString());
    }
  }
}
