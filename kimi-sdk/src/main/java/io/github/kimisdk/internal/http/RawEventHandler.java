package io.github.kimisdk.internal.http;

import io.github.kimisdk.ResponseMetadata;
import io.github.kimisdk.base.sse.SseEventHandler;
import io.github.kimisdk.sse.ServerSentEvent;
import java.nio.charset.StandardCharsets;

/**
 * Passes every event of a stream the SDK does not model on as it is; a {@code data: [DONE]} event
 * is passed on and ends the stream, as OpenAI-style servers end theirs. Failures become {@link
 * io.github.kimisdk.errors.KimiException}s.
 */
final class RawEventHandler implements SseEventHandler<ServerSentEvent> {

  private final ResponseMetadata metadata;
  private final ErrorFactory errors;

  RawEventHandler(ResponseMetadata metadata, ErrorFactory errors) {
    this.metadata = metadata;
    this.errors = errors;
  }

  @Override
  public void onEvent(
      String type,
      byte[] data,
      int off,
      int len,
      String lastEventId,
      Emitter<ServerSentEvent> out) {
    String text = new String(data, off, len, StandardCharsets.UTF_8);
    out.emit(new ServerSentEvent(type, text, lastEventId));
    if (text.strip().equals("[DONE]")) {
      out.complete();
    }
  }

  @Override
  public Throwable mapError(Throwable error) {
    return errors.failure(error, metadata, null);
  }
}
