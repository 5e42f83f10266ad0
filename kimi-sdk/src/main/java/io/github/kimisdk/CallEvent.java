package io.github.kimisdk;

import io.github.kimisdk.base.text.RecordText;
import io.github.kimisdk.chat.ChatRequest;
import io.github.kimisdk.chat.FinishReason;
import io.github.kimisdk.chat.Usage;
import io.github.kimisdk.errors.KimiException;
import io.github.kimisdk.errors.StreamException;
import io.github.kimisdk.host.ServedBy;
import io.github.kimisdk.model.Cost;
import java.net.URI;
import java.time.Duration;
import java.util.Objects;

/**
 * One moment of a call, as a {@link CallListener} hears it. Every event names its {@link Call} (id,
 * operation, model, endpoint, and for a chat the request as sent); no event holds the API key, and
 * no event's {@code toString} prints message contents. Times are measured from when the call's
 * first attempt was sent (for a stream: once consumed, not when built), on the real clock ({@link
 * System#nanoTime()}).
 *
 * <p>What an OpenTelemetry GenAI span needs is here: {@code gen_ai.request.model} and the request's
 * settings ({@code max_tokens}, {@code temperature}, ...) from {@link Call#request()}, {@code
 * server.address} and {@code server.port} from {@link Call#endpoint()}, {@code gen_ai.response.id}
 * and {@code gen_ai.response.model} from {@link End#responseId()} and {@link End#responseModel()},
 * and the usage from {@link End#usage()}.
 */
public sealed interface CallEvent {

  /**
   * Returns the call the event belongs to.
   *
   * @return the call
   */
  Call call();

  /** What kind of call it is. */
  enum Operation {
    /** A chat completion, not streamed ({@code KimiClient.chat}). */
    CHAT,
    /** A streamed chat completion ({@code KimiClient.stream}). */
    CHAT_STREAM,
    /** JSON sent to any endpoint ({@code KimiClient.request}). */
    REQUEST,
    /** An event stream from any endpoint ({@code KimiClient.requestEvents}). */
    REQUEST_EVENTS,
    /** A platform call: files, batches, models, balance, token counts. */
    PLATFORM
  }

  /**
   * Which call an event belongs to.
   *
   * @param id the call's number, unique within the process: the same as its interceptors' {@code
   *     KimiInterceptor.Chain.callId()}
   * @param operation the kind of call
   * @param model the model asked for; null when the call names none (most platform calls)
   * @param path the endpoint path below the base URL, without query, such as {@code
   *     chat/completions}
   * @param endpoint the URI called: the base URL and the path, without query (a call's query
   *     parameters are left out, so a key passed in one never shows), such as {@code
   *     https://api.moonshot.ai/v1/chat/completions}; its host and port are OpenTelemetry's {@code
   *     server.address} and {@code server.port} ({@link URI#getPort()} is -1 for the scheme's
   *     default port)
   * @param request the chat request as sent, after the client adapted it to its model ({@link
   *     KimiClient#adapt}) and set {@code stream}; null for calls that are not chats ({@link
   *     Operation#REQUEST}, {@link Operation#REQUEST_EVENTS}, {@link Operation#PLATFORM})
   */
  record Call(
      long id, Operation operation, String model, String path, URI endpoint, ChatRequest request) {
    /**
     * Checks the components.
     *
     * @param id the call's number
     * @param operation the kind of call
     * @param model the model, or null
     * @param path the path
     * @param endpoint the URI called
     * @param request the chat request as sent, or null
     */
    public Call {
      Objects.requireNonNull(operation, "operation");
      Objects.requireNonNull(path, "path");
      Objects.requireNonNull(endpoint, "endpoint");
    }

    /**
     * Returns the call without the request's contents: its id, operation, model, endpoint and, for
     * a chat, how many messages it sent.
     *
     * @return the description
     */
    @Override
    public String toString() {
      return RecordText.of("Call")
          .add("id", id)
          .add("operation", operation)
          .add("model", model)
          .add("endpoint", endpoint)
          .add("request", request == null ? null : request.messages().size() + " messages")
          .toString();
    }
  }

  /**
   * An attempt is about to be sent.
   *
   * @param call the call
   * @param attempt the attempt number, from 1
   * @param bodyBytes the size of the request body in bytes; 0 for none, -1 when unknown (a streamed
   *     upload)
   * @param estimatedPromptTokens the prompt tokens the client estimated for its rate limiter; null
   *     when it made no estimate
   */
  record Request(Call call, int attempt, long bodyBytes, Long estimatedPromptTokens)
      implements CallEvent {
    /** Returns the members that are set. */
    @Override
    public String toString() {
      return RecordText.of("Request")
          .add("call", call)
          .add("attempt", attempt)
          .add("bodyBytes", bodyBytes)
          .add("estimatedPromptTokens", estimatedPromptTokens)
          .toString();
    }
  }

  /**
   * An attempt's response headers arrived.
   *
   * @param call the call
   * @param attempt the attempt number, from 1
   * @param metadata the status and headers (request id, rate-limit headers)
   * @param timeToHeaders the time from the call's start to these headers
   */
  record Headers(Call call, int attempt, ResponseMetadata metadata, Duration timeToHeaders)
      implements CallEvent {}

  /**
   * The first chunk of a stream reached its consumer.
   *
   * @param call the call
   * @param timeToFirstChunk the time from the call's start to the first chunk, retries included
   */
  record FirstChunk(Call call, Duration timeToFirstChunk) implements CallEvent {}

  /**
   * An attempt failed and another follows after {@code delay}.
   *
   * @param call the call
   * @param attempt the number of the attempt that failed
   * @param failure why it failed: its status and error type, or the connection failure
   * @param delay the wait before the next attempt
   */
  record Retry(Call call, int attempt, KimiException failure, Duration delay)
      implements CallEvent {}

  /**
   * An attempt failed and the call moves to another target of the client's fallback chain ({@link
   * Target}): the next attempt goes there at once.
   *
   * @param call the call
   * @param attempt the number of the attempt that failed
   * @param failure why it failed: an overload, a full queue, a quota, or a request too long for the
   *     target's model
   * @param from the target it failed on
   * @param to the target of the next attempt
   */
  record Fallback(Call call, int attempt, KimiException failure, ServedBy from, ServedBy to)
      implements CallEvent {}

  /**
   * A call went elsewhere than it would have without routing: its conversation changed member on a
   * client with a group ({@link KimiClient.Builder#replica}), whatever moved it (its member full
   * for long, its failure, told then beside the {@link Fallback} of the failed attempt, a hedge, a
   * continuation elsewhere, the next place of the chain and back), a slow stream was hedged on
   * another target, or a cut stream was continued from what arrived (on a client of one target too,
   * from that target to itself).
   *
   * @param call the call
   * @param attempt the number of the attempt sent elsewhere
   * @param kind what happened
   * @param from the target the call was on, or would have gone to
   * @param to the target the attempt goes to
   * @param after how long the call waited for text before a hedge; zero for the other kinds
   */
  record Rerouted(Call call, int attempt, Reroute kind, ServedBy from, ServedBy to, Duration after)
      implements CallEvent {}

  /** What sent a call elsewhere ({@link Rerouted}). */
  enum Reroute {
    /**
     * Its conversation changed member: this attempt goes to another target than the one its
     * conversation's last attempt went to (the member that holds its prefix cache), whatever sent
     * it there: that member had no room for long, refused it for an overload or was down (beside a
     * {@link Fallback}), the attempt is a hedge ({@link #HEDGED}, told first) or a continuation
     * ({@link #CONTINUED}) on another target, or the conversation comes back to its group from the
     * chain's next place. Every change is told once, by the call that made it, and {@code from} is
     * the target the change before left it on; a conversation then stays on its new member. A reply
     * cut after it began never moves a conversation by itself. A conversation's first attempt moves
     * nothing; a single call is a conversation of one turn, so its hedge to another member is told
     * as a move too.
     */
    MOVED,
    /**
     * A stream brought nothing within the policy's hedge delay ({@link RetryPolicy#withHedging}),
     * its headers late or its first event: it went to another member or target, and its slow copy
     * was cancelled, before its headers too.
     */
    HEDGED,
    /**
     * A stream was cut after its text began ({@link RetryPolicy#withStreamContinuation}): it goes
     * on from what arrived, on the same or the next target, in the form that host continues an
     * answer.
     */
    CONTINUED
  }

  /**
   * The call succeeded.
   *
   * @param call the call
   * @param attempts how many attempts were sent
   * @param duration the time from the call's start to its end (for a stream, its last chunk)
   * @param metadata the last response's status and headers; null if none came
   * @param finishReason why the model stopped (the first choice's); null for other operations or
   *     when the reply gave none
   * @param usage the tokens the reply reported; null when it reported none
   * @param cost what the usage cost at the client's prices ({@link KimiClient#prices()}), cache
   *     writes at the time to live the request was sent with; null when the model has no price or
   *     there was no usage
   * @param timeToFirstChunk the time to a stream's first chunk; null for other calls
   * @param responseId the completion's {@code id} as the server sent it (for a stream, its chunks';
   *     over the Messages protocol, the message's {@code msg_} id); null for calls that are not
   *     chats or when the server sent none. Not the request id of the headers ({@link
   *     ResponseMetadata#requestId()})
   * @param responseModel the model the server named in its reply, which may differ from the one
   *     asked for ({@link Call#model()}); null for calls that are not chats or when the server
   *     named none
   */
  record End(
      Call call,
      int attempts,
      Duration duration,
      ResponseMetadata metadata,
      FinishReason finishReason,
      Usage usage,
      Cost cost,
      Duration timeToFirstChunk,
      String responseId,
      String responseModel)
      implements CallEvent {
    /** Returns the members that are set. */
    @Override
    public String toString() {
      return RecordText.of("End")
          .add("call", call)
          .add("attempts", attempts)
          .add("duration", duration)
          .add("metadata", metadata)
          .add("finishReason", finishReason)
          .add("usage", usage)
          .add("cost", cost)
          .add("timeToFirstChunk", timeToFirstChunk)
          .add("responseId", responseId)
          .add("responseModel", responseModel)
          .toString();
    }
  }

  /**
   * The call failed.
   *
   * @param call the call
   * @param attempts how many attempts were sent
   * @param duration the time from the call's start to its failure
   * @param failure the failure the caller sees (or, for a stream its consumer closed, would see); a
   *     stream's failure after chunks arrived carries them ({@link StreamException#partial()})
   */
  record Failure(Call call, int attempts, Duration duration, KimiException failure)
      implements CallEvent {}
}
