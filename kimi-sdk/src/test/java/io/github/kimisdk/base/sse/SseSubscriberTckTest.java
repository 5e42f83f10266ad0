package io.github.kimisdk.base.sse;

import io.github.kimisdk.sse.SseLimits;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.Flow;

/** The Reactive Streams TCK against the publisher of {@link SseSubscriber}. */
class SseSubscriberTckTest extends BodySubscriberTck<String> {

  /** Emits each event's data as a string. */
  static final class DataHandler implements SseEventHandler<String> {
    @Override
    public void onEvent(
        String type, byte[] data, int off, int len, String lastEventId, Emitter<String> out) {
      out.emit(new String(data, off, len, StandardCharsets.UTF_8));
    }
  }

  @Override
  protected HttpResponse.BodySubscriber<Flow.Publisher<String>> body() {
    return new SseSubscriber<>(new DataHandler(), SseLimits.defaults());
  }
}
