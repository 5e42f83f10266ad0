package io.github.kimisdk.internal.client;

import io.github.kimisdk.RateLimit;
import io.github.kimisdk.RateLimitStore;
import java.time.Duration;
import java.util.function.Consumer;

/**
 * The in-process store, telling a test of each pause and give-back as it is asked for it: {@code
 * "pause N s, rpm R"} (the seconds, and the requests per minute Kimi stated, 0 for none) and {@code
 * "give back"}.
 */
final class HeardStore implements RateLimitStore {

  private final RateLimitStore local = RateLimitStore.inProcess();
  private final Consumer<String> heard;

  HeardStore(Consumer<String> heard) {
    this.heard = heard;
  }

  @Override
  public Duration tryTake(
      String account, String lease, RateLimit limits, long tokens, Duration leaseFor) {
    return local.tryTake(account, lease, limits, tokens, leaseFor);
  }

  @Override
  public void giveBack(String account, String lease) {
    heard.accept("give back");
    local.giveBack(account, lease);
  }

  @Override
  public void pause(String account, Duration pause, RateLimit stated) {
    heard.accept(
        "pause "
            + pause.toSeconds()
            + " s, rpm "
            + (stated == null ? 0 : stated.requestsPerMinute().orElse(0)));
    local.pause(account, pause, stated);
  }
}
