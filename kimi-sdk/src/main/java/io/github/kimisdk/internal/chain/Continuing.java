package io.github.kimisdk.internal.chain;

import io.github.kimisdk.chat.AssistantMessage;
import io.github.kimisdk.chat.ChatAccumulator;
import io.github.kimisdk.chat.ChatCompletion;
import io.github.kimisdk.chat.ChatCompletionChunk;
import io.github.kimisdk.chat.ChatRequest;
import io.github.kimisdk.chat.Message;
import io.github.kimisdk.chat.ResponseFormat;
import io.github.kimisdk.host.Host;
import io.github.kimisdk.host.ServedBy;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Flow;
import java.util.function.BiFunction;
import java.util.function.IntFunction;

/**
 * What a chat stream needs to go on from what arrived when it is cut ({@link
 * io.github.kimisdk.RetryPolicy#withStreamContinuation}): whether it may (the host's {@link
 * Host.Continuation}, the state of the answer, the request's shape), the request that continues it,
 * and the seam between its attempts ({@link Seam}), which makes the attempts read as one stream.
 * Stateless but for the request it was made for; a call's {@link Seam}s keep what the caller saw.
 */
public final class Continuing {

  private final ChatRequest request; // the call's request, in Kimi's form
  private final BiFunction<ChatRequest, ChatCompletion, ChatRequest> resume;
  private final IntFunction<Host> hosts;
  private final IntFunction<ServedBy> served;

  /**
   * Prepares the continuations of one chat stream.
   *
   * @param request the call's request, in Kimi's form
   * @param resume builds the request that continues {@code request} after what arrived
   * @param hosts each target's host
   * @param served each target as events name it
   */
  Continuing(
      ChatRequest request,
      BiFunction<ChatRequest, ChatCompletion, ChatRequest> resume,
      IntFunction<Host> hosts,
      IntFunction<ServedBy> served) {
    this.request = request;
    this.resume = resume;
    this.hosts = hosts;
    this.served = served;
  }

  /** Builds the request that continues {@code request} after {@code partial} arrived. */
  public static ChatRequest resume(ChatRequest request, ChatCompletion partial) {
    String text = partial.text();
    if (text.isEmpty()) {
      return request;
    }
    List<Message> messages = new ArrayList<>(request.messages());
    Message last = messages.isEmpty() ? null : messages.get(messages.size() - 1);
    if (last instanceof AssistantMessage a && a.partial() && a.content() != null) {
      messages.set(messages.size() - 1, Message.partial(a.content() + text, a.name()));
    } else {
      messages.add(Message.partial(text));
    }
    return request.toBuilder().messages(messages).build();
  }

  /**
   * Says why a stream of this request cut on target {@code target}, after the caller saw {@code
   * seen}, cannot go on from it; null when it can.
   *
   * @param seen what reached the caller, all attempts together
   * @param target the target the stream was cut on
   * @return the reason, a clause for the failure's message; null to continue
   */
  String refusal(ChatCompletion seen, int target) {
    if (request.n() != null && request.n() > 1) {
      return "the request asks for " + request.n() + " choices (n), which one answer cannot hold";
    }
    ResponseFormat f = request.responseFormat();
    if (f != null && f.type() != ResponseFormat.Type.TEXT) {
      return "the request asks for structured output (response_format "
          + f.type().name().toLowerCase(Locale.ROOT)
          + "), which a seam between two answers could break";
    }
    if (!seen.toolCalls().isEmpty()) {
      return "a tool call had begun, and a tool call cannot be continued";
    }
    if (seen.text().isEmpty() && !seen.reasoning().isEmpty()) {
      return "its reasoning was cut before the answer began, and reasoning cannot be continued";
    }
    Host host = hosts.apply(target);
    if (host.continuation() == Host.Continuation.NONE) {
      return "its host, "
          + host.name()
          + ", documents no way to continue an answer (Host.continuation() is NONE)";
    }
    return null;
  }

  /**
   * Returns the request that continues the stream after {@code seen}: the call's request with the
   * text that arrived as a last partial assistant message, in Kimi's form (each target's leg writes
   * it in its host's form).
   *
   * @param seen what reached the caller, all attempts together
   * @return the continuing request
   */
  ChatRequest request(ChatCompletion seen) {
    return resume.apply(request, seen);
  }

  /** Returns target {@code t} as events name it. */
  ServedBy served(int t) {
    return served.apply(t);
  }

  /**
   * Returns a continuing attempt's chunk as the caller reads it, or null to drop it: the caller's
   * stream already began, so its role is not said again, and reasoning the host may think again
   * before it goes on is not passed (the answer's reasoning is the one that came before its text);
   * a chunk left with nothing is dropped.
   *
   * @param c the chunk
   * @return the chunk joined to the stream, or null
   */
  static ChatCompletionChunk joined(ChatCompletionChunk c) {
    List<ChatCompletionChunk.ChunkChoice> kept = new ArrayList<>(c.choices().size());
    boolean changed = false;
    boolean anything = c.usage() != null;
    for (ChatCompletionChunk.ChunkChoice ch : c.choices()) {
      ChatCompletionChunk.Delta d = ch.delta();
      ChatCompletionChunk.ChunkChoice out = ch;
      if (d.role() != null || d.reasoningContent() != null || d.reasoningSignature() != null) {
        d =
            new ChatCompletionChunk.Delta(
                null, d.content(), null, d.toolCalls(), null, d.additionalFields());
        out =
            new ChatCompletionChunk.ChunkChoice(
                ch.index(), d, ch.finishReason(), ch.usage(), ch.logprobs(), ch.additionalFields());
        changed = true;
      }
      boolean empty =
          (d.content() == null || d.content().isEmpty())
              && d.toolCalls().isEmpty()
              && d.additionalFields().isEmpty()
              && ch.finishReason() == null
              && ch.usage() == null
              && ch.logprobs() == null
              && ch.additionalFields().isEmpty();
      if (empty) {
        changed = true;
      } else {
        kept.add(out);
        anything = true;
      }
    }
    if (!anything) {
      return null;
    }
    return changed
        ? new ChatCompletionChunk(
            c.id(),
            c.created(),
            c.model(),
            kept,
            c.usage(),
            c.systemFingerprint(),
            c.additionalFields())
        : c;
  }

  /**
   * One attempt's items on their way to the call's relay: each chunk that reaches the caller is
   * added to what the caller saw ({@code seen}, kept across the call's attempts), and a continuing
   * attempt's chunks are {@link #joined} to the stream first; a dropped chunk is asked for again
   * from the attempt, so the caller's demand is met. Signals arrive serially, one attempt after the
   * other; {@code seen} is locked only for a stop that reads it from another thread.
   */
  static final class Seam<T> implements Flow.Subscriber<T> {
    private final Flow.Subscriber<? super T> relay;
    private final ChatAccumulator seen;
    private final boolean continuing;
    private Flow.Subscription upstream;

    /**
     * Joins an attempt to the call's stream.
     *
     * @param relay the call's relay
     * @param seen what the caller saw, all attempts together
     * @param continuing whether the attempt continues a cut one
     */
    Seam(Flow.Subscriber<? super T> relay, ChatAccumulator seen, boolean continuing) {
      this.relay = relay;
      this.seen = seen;
      this.continuing = continuing;
    }

    @Override
    public void onSubscribe(Flow.Subscription s) {
      upstream = s;
      relay.onSubscribe(s);
    }

    @Override
    @SuppressWarnings("unchecked")
    public void onNext(T item) {
      if (item instanceof ChatCompletionChunk c) {
        ChatCompletionChunk j = continuing ? joined(c) : c;
        if (j == null) {
          upstream.request(1); // the caller asked for an item this one did not give
          return;
        }
        synchronized (seen) { // read by a stop on another thread
          seen.add(j);
        }
        item = (T) j;
      }
      relay.onNext(item);
    }

    @Override
    public void onError(Throwable error) {
      relay.onError(error);
    }

    @Override
    public void onComplete() {
      relay.onComplete();
    }
  }
}
