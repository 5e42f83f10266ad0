package io.github.kimisdk.internal.chain;

import io.github.kimisdk.ResponseMetadata;
import io.github.kimisdk.internal.http.StreamAttempt;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Flow;
import java.util.function.Consumer;

/**
 * A streaming attempt the test drives by hand: it starts a stream ({@link #open}) or fails before
 * one ({@link #refuse}), then sends what the test says, in the calling thread, honouring the demand
 * it was given. It records how the machinery treated it.
 */
final class FakeAttempt implements StreamAttempt<String> {

  final int number;
  final List<Throwable> aborts = new ArrayList<>();
  final List<Throwable> ended = new ArrayList<>();
  volatile long idle;
  volatile boolean progressed; // set by send, or by the test: the first event came
  volatile Boolean dataEvents; // the idle clock the machinery asked with, last
  volatile boolean cancelled;
  private Flow.Subscriber<? super String> events;
  private Consumer<Throwable> failed;
  private long demand;
  private boolean open;

  FakeAttempt(int number) {
    this.number = number;
  }

  boolean started() {
    return events != null;
  }

  /** The answer is a stream: its subscriber is subscribed. */
  FakeAttempt open() {
    open = true;
    events.onSubscribe(
        new Flow.Subscription() {
          @Override
          public void request(long n) {
            demand += n;
          }

          @Override
          public void cancel() {
            cancelled = true;
          }
        });
    return this;
  }

  /** The attempt fails before its stream starts. */
  void refuse(Throwable error) {
    failed.accept(error);
  }

  /** Sends items; each needs demand. */
  FakeAttempt send(String... items) {
    for (String item : items) {
      if (demand <= 0) {
        throw new AssertionError("no demand for " + item);
      }
      demand--;
      progressed = true;
      events.onNext(item);
    }
    return this;
  }

  void complete() {
    events.onComplete();
  }

  void fail(Throwable error) {
    events.onError(error);
  }

  @Override
  public void start(Flow.Subscriber<? super String> events, Consumer<Throwable> failed) {
    this.events = events;
    this.failed = failed;
  }

  @Override
  public ResponseMetadata metadata() {
    return open
        ? new ResponseMetadata(200, Map.of("Msh-Request-Id", List.of("req-" + number)))
        : null;
  }

  @Override
  public void cancel() {
    cancelled = true;
  }

  @Override
  public long idleNanos(long now, boolean dataEvents) {
    this.dataEvents = dataEvents;
    return idle;
  }

  @Override
  public boolean progressed(boolean dataEvents) {
    this.dataEvents = dataEvents;
    return progressed;
  }

  @Override
  public void abort(Throwable cause) {
    aborts.add(cause);
    if (open) {
      events.onError(cause);
    }
  }

  @Override
  public Throwable failureFor(Throwable cause) {
    return cause;
  }

  @Override
  public void ended(Throwable error) {
    ended.add(error == null ? new Throwable("completed") : error);
  }
}
