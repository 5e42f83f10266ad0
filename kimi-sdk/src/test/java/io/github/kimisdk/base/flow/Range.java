package io.github.kimisdk.base.flow;

import java.util.concurrent.Flow;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/** A cold publisher of {@code 0..count-1} that emits on the requesting thread, by demand. */
final class Range implements Flow.Publisher<Integer> {
  private final long count;
  final AtomicBoolean cancelled = new AtomicBoolean();

  Range(long count) {
    this.count = count;
  }

  @Override
  public void subscribe(Flow.Subscriber<? super Integer> s) {
    s.onSubscribe(
        new Flow.Subscription() {
          private final AtomicLong demand = new AtomicLong();
          private long next;
          private boolean done;

          @Override
          public void request(long n) {
            if (n <= 0) {
              cancelled.set(true);
              s.onError(new IllegalArgumentException("n <= 0"));
              return;
            }
            if (demand.getAndAccumulate(n, (a, b) -> a + b < 0 ? Long.MAX_VALUE : a + b) != 0) {
              return; // the loop below, further up the stack or on another thread, emits them
            }
            long emitted = 0;
            while (true) {
              long d = demand.get();
              while (emitted != d && next < count && !cancelled.get()) {
                s.onNext((int) next++);
                emitted++;
              }
              if (next == count && !done && !cancelled.get()) {
                done = true;
                s.onComplete();
              }
              if (done || cancelled.get()) {
                return;
              }
              if (demand.addAndGet(-emitted) == 0) {
                return;
              }
              emitted = 0;
            }
          }

          @Override
          public void cancel() {
            cancelled.set(true);
          }
        });
  }
}
