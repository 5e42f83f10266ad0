package io.github.kimisdk.base.sse;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Flow;

/** A hand-driven HTTP body subscription: records requests and cancellation, delivers on command. */
final class FakeUpstream implements Flow.Subscription {
  private final Flow.Subscriber<List<ByteBuffer>> body;
  long requested;
  int cancels;

  FakeUpstream(Flow.Subscriber<List<ByteBuffer>> body) {
    this.body = body;
    body.onSubscribe(this);
  }

  @Override
  public synchronized void request(long n) {
    requested += n;
  }

  @Override
  public synchronized void cancel() {
    cancels++;
  }

  /** Delivers one list of buffers, one per chunk; fails if it was not requested. */
  void deliver(String... chunks) {
    synchronized (this) {
      if (requested == 0) {
        throw new AssertionError("delivered without upstream demand");
      }
      requested--;
    }
    List<ByteBuffer> list = new ArrayList<>();
    for (String chunk : chunks) {
      list.add(ByteBuffer.wrap(chunk.getBytes(StandardCharsets.UTF_8)).asReadOnlyBuffer());
    }
    body.onNext(list);
  }

  void complete() {
    body.onComplete();
  }

  void fail(Throwable error) {
    body.onError(error);
  }
}
