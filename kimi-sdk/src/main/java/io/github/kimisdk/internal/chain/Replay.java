package io.github.kimisdk.internal.chain;

import io.github.kimisdk.ResponseMetadata;
import io.github.kimisdk.chat.AssistantMessage;
import io.github.kimisdk.chat.ChatCompletion;
import io.github.kimisdk.chat.ChatCompletionChunk;
import io.github.kimisdk.chat.Choice;
import io.github.kimisdk.internal.http.StreamAttempt;
import io.github.kimisdk.tool.ToolCall;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Flow;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;

/**
 * A whole {@link ChatCompletion} a public interceptor answered a stream with, delivered as the
 * chunks it adds up to ({@link #chunks}): one per choice, carrying its whole message, its finish
 * reason and usage, the completion's usage on the last. A {@link
 * io.github.kimisdk.chat.ChatAccumulator} folds them back into an equal completion.
 *
 * <p>The subscription delivers by demand from a work-in-progress counter (one drain loop at a time,
 * whichever thread asks): {@code next} is the drain loop's alone; {@code demand} and {@code done}
 * are shared.
 */
public final class Replay implements Flow.Subscription, StreamAttempt<ChatCompletionChunk> {

  private final ChatCompletion answer;
  private final List<ChatCompletionChunk> items;
  private final AtomicLong demand = new AtomicLong();
  private final AtomicInteger wip = new AtomicInteger();
  private volatile Flow.Subscriber<? super ChatCompletionChunk> to; // set once, by start
  private volatile boolean done;
  private int next; // the drain loop's

  /**
   * Prepares the replay of {@code answer}; as a stream's attempt (one a per-attempt interceptor
   * answered), nothing is sent.
   *
   * @param answer the whole answer
   */
  public Replay(ChatCompletion answer) {
    this.answer = answer;
    this.items = chunks(answer);
  }

  /** Hands {@code events} its subscription; the chunks follow by demand. */
  @Override
  public void start(
      Flow.Subscriber<? super ChatCompletionChunk> events, Consumer<Throwable> failed) {
    to = events;
    events.onSubscribe(this);
  }

  @Override
  public ResponseMetadata metadata() {
    return answer.metadata();
  }

  @Override
  public void cancel() {
    done = true;
  }

  @Override
  public long idleNanos(long now, boolean dataEvents) {
    return 0; // every chunk is at hand
  }

  @Override
  public boolean progressed(boolean dataEvents) {
    return to != null;
  }

  @Override
  public void abort(Throwable cause) {}

  @Override
  public Throwable failureFor(Throwable cause) {
    return cause;
  }

  @Override
  public void ended(Throwable error) {}

  /**
   * Returns the chunks that add up to {@code c}.
   *
   * @param c the completion
   * @return one chunk per choice, at least one
   */
  static List<ChatCompletionChunk> chunks(ChatCompletion c) {
    List<ChatCompletionChunk> out = new ArrayList<>(Math.max(1, c.choices().size()));
    List<Choice> choices = c.choices();
    for (int i = 0; i < choices.size(); i++) {
      Choice ch = choices.get(i);
      AssistantMessage m = ch.message();
      List<ChatCompletionChunk.ToolCallDelta> calls = new ArrayList<>(m.toolCalls().size());
      for (int j = 0; j < m.toolCalls().size(); j++) {
        ToolCall t = m.toolCalls().get(j);
        calls.add(
            new ChatCompletionChunk.ToolCallDelta(
                j, t.id(), t.type(), t.name(), t.arguments(), t.additionalFields()));
      }
      ChatCompletionChunk.Delta delta =
          new ChatCompletionChunk.Delta(
              "assistant",
              m.content(),
              m.reasoningContent(),
              calls,
              m.reasoningSignature(),
              m.additionalFields());
      boolean last = i == choices.size() - 1;
      out.add(
          new ChatCompletionChunk(
              c.id(),
              c.created(),
              c.model(),
              List.of(
                  new ChatCompletionChunk.ChunkChoice(
                      ch.index(),
                      delta,
                      ch.finishReason(),
                      ch.usage(),
                      ch.logprobs(),
                      ch.additionalFields())),
              last ? c.usage() : null,
              c.systemFingerprint(),
              i == 0 ? c.additionalFields() : null));
    }
    if (out.isEmpty()) {
      out.add(
          new ChatCompletionChunk(
              c.id(),
              c.created(),
              c.model(),
              List.of(),
              c.usage(),
              c.systemFingerprint(),
              c.additionalFields()));
    }
    return out;
  }

  @Override
  public void request(long n) {
    if (n <= 0) {
      cancel();
      to.onError(
          new IllegalArgumentException("request(n) needs n > 0 (Reactive Streams 3.9): " + n));
      return;
    }
    demand.accumulateAndGet(n, (a, b) -> a + b < 0 ? Long.MAX_VALUE : a + b);
    drain();
  }

  private void drain() {
    if (wip.getAndIncrement() != 0) {
      return;
    }
    do {
      while (!done && next < items.size() && demand.get() > 0) {
        demand.decrementAndGet();
        to.onNext(items.get(next++));
      }
      if (!done && next == items.size()) {
        done = true;
        to.onComplete();
      }
    } while (wip.decrementAndGet() != 0);
  }
}
