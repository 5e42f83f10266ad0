package io.github.kimisdk.base.flow;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Flow;

/** A subscription that records what its subscriber asks of it: each request and the cancels. */
final class RecordedSubscription implements Flow.Subscription {
  final List<Long> requests = new ArrayList<>();
  int cancels;

  @Override
  public synchronized void request(long n) {
    requests.add(n);
  }

  @Override
  public synchronized void cancel() {
    cancels++;
  }
}
