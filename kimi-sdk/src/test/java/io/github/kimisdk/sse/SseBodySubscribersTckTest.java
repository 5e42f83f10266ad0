package io.github.kimisdk.sse;

import io.github.kimisdk.base.sse.BodySubscriberTck;
import java.net.http.HttpResponse;
import java.util.concurrent.Flow;

/** The Reactive Streams TCK against the publisher of {@link SseBodySubscribers#ofEvents()}. */
class SseBodySubscribersTckTest extends BodySubscriberTck<ServerSentEvent> {

  @Override
  protected HttpResponse.BodySubscriber<Flow.Publisher<ServerSentEvent>> body() {
    return SseBodySubscribers.ofEvents();
  }
}
