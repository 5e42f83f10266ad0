package io.github.kimisdk.langchain4j.internal;

import dev.langchain4j.agent.tool.ToolExecutionRequest;
import dev.langchain4j.model.chat.response.ChatResponse;
import dev.langchain4j.model.chat.response.CompleteToolCall;
import dev.langchain4j.model.chat.response.PartialResponse;
import dev.langchain4j.model.chat.response.PartialThinking;
import dev.langchain4j.model.chat.response.PartialToolCall;
import io.github.kimisdk.KimiClient;
import io.github.kimisdk.ResponseMetadata;
import io.github.kimisdk.chat.ChatAccumulator;
import io.github.kimisdk.chat.ChatCompletion;
import io.github.kimisdk.chat.ChatCompletionChunk;
import io.github.kimisdk.tool.ToolCall;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;
import org.slf4j.LoggerFactory;

/**
 * One streamed reply, chunk by chunk, as LangChain4j's streaming pieces, told to a {@link Sink} as
 * they arrive: reasoning deltas as {@link PartialThinking}, content as {@link PartialResponse},
 * tool-call fragments as {@link PartialToolCall} (joined by index, as the SDK's accumulator joins
 * them) and each call's {@link CompleteToolCall} once its last fragment passed; then, at {@link
 * #finish}, the calls still open and the whole {@link ChatResponse}. Both streaming paths read
 * their chunks through it: the handler path ({@link StreamingChat}) and the {@code Flow} path
 * ({@link EventPublisher}). It names no type LangChain4j added after 1.19.
 *
 * <p>Thread model: none of its own. It is used by one thread at a time, each use happening after
 * the previous one: the handler path's reading thread, or the {@code Flow} path's upstream signals,
 * which Reactive Streams serializes.
 */
final class StreamedReply {

  /** Where the pieces go, in the order the reply carries them. */
  interface Sink {
    /**
     * A piece of reasoning.
     *
     * @param thinking the piece
     */
    void thinking(PartialThinking thinking);

    /**
     * A piece of the answer's text.
     *
     * @param text the piece
     */
    void text(PartialResponse text);

    /**
     * A fragment of a tool call's arguments, with the call's index, id and name.
     *
     * @param call the fragment
     */
    void partialToolCall(PartialToolCall call);

    /**
     * A tool call whose last fragment passed.
     *
     * @param call the call
     */
    void completeToolCall(CompleteToolCall call);
  }

  private final Sink sink;
  private final boolean logResponse;
  private final ChatAccumulator acc = new ChatAccumulator();
  private final TreeMap<Integer, Call> calls = new TreeMap<>();
  private Call current;

  /**
   * Reads a reply into {@code sink}.
   *
   * @param sink where the pieces go
   * @param logResponse whether the whole reply is logged at {@code INFO} through SLF4J when it
   *     ended (the model's {@code logResponses}; the SDK logs none of a stream's chunks)
   */
  StreamedReply(Sink sink, boolean logResponse) {
    this.sink = sink;
    this.logResponse = logResponse;
  }

  /** Takes the next chunk: its first choice's deltas go to the sink. */
  void add(ChatCompletionChunk chunk) {
    acc.add(chunk);
    for (ChatCompletionChunk.ChunkChoice choice : chunk.choices()) {
      if (choice.index() == 0) {
        delta(choice.delta());
      }
    }
  }

  /**
   * Ends the reply: completes the calls still open, then returns the whole response.
   *
   * @param metadata the stream's response metadata, or null
   */
  ChatResponse finish(ResponseMetadata metadata) {
    for (Call c : calls.values()) {
      complete(c);
    }
    ChatCompletion completion = acc.toCompletion().withMetadata(metadata);
    List<ToolExecutionRequest> requests = new ArrayList<>(calls.size());
    for (Call c : calls.values()) {
      requests.add(c.request());
    }
    ChatResponse response = Responses.toChatResponse(completion, requests);
    if (logResponse) {
      org.slf4j.Logger log = LoggerFactory.getLogger(KimiClient.LOGGER_NAME);
      if (log.isInfoEnabled()) {
        log.info("streamed response: {}", response);
      }
    }
    return response;
  }

  private void delta(ChatCompletionChunk.Delta d) {
    String reasoning = d.reasoningContent();
    if (reasoning != null && !reasoning.isEmpty()) {
      sink.thinking(new PartialThinking(reasoning));
    }
    String content = d.content();
    if (content != null && !content.isEmpty()) {
      sink.text(new PartialResponse(content));
    }
    for (ChatCompletionChunk.ToolCallDelta f : d.toolCalls()) {
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
        sink.partialToolCall(
            PartialToolCall.builder()
                .index(call.index)
                .id(call.id())
                .name(call.name)
                .partialArguments(fragment)
                .build());
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

  private void complete(Call c) {
    if (c.completed || c.name == null) {
      return;
    }
    c.completed = true;
    sink.completeToolCall(new CompleteToolCall(c.index, c.request()));
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
