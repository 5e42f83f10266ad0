package io.github.kimisdk.internal.client;

import io.github.kimisdk.KimiEventStream;
import io.github.kimisdk.ResponseMetadata;
import io.github.kimisdk.chat.ChatCompletionChunk;
import io.github.kimisdk.chat.ChatStream;
import io.github.kimisdk.internal.flow.StoppablePublisher;
import io.github.kimisdk.sse.ServerSentEvent;
import java.util.function.Supplier;

/**
 * The SDK's own streams: the one subclass each sealed public stream type permits, so that the
 * client makes its streams by a constructor of its own and {@code ChatStream.of} stays the user's
 * factory.
 */
public final class SdkStreams {

  private SdkStreams() {}

  /**
   * Returns the chat stream of a call.
   *
   * @param chunks the call's chunks (metered)
   * @param metadata the call's response metadata
   * @return the stream
   */
  public static ChatStream chat(
      StoppablePublisher<ChatCompletionChunk> chunks, Supplier<ResponseMetadata> metadata) {
    return new Chat(chunks, metadata);
  }

  /**
   * Returns the event stream of a call whose events pass through {@code events} (its listeners).
   *
   * @param events the call's events
   * @param metadata the call's response metadata
   * @return the stream
   */
  public static KimiEventStream events(
      StoppablePublisher<ServerSentEvent> events, Supplier<ResponseMetadata> metadata) {
    return new Events(events, metadata);
  }

  /** A chat stream of the SDK's. */
  public static final class Chat extends ChatStream {
    Chat(StoppablePublisher<ChatCompletionChunk> source, Supplier<ResponseMetadata> metadata) {
      super(source, metadata);
    }
  }

  /** An event stream of the SDK's. */
  public static final class Events extends KimiEventStream {
    Events(StoppablePublisher<ServerSentEvent> source, Supplier<ResponseMetadata> metadata) {
      super(source, metadata);
    }
  }
}
