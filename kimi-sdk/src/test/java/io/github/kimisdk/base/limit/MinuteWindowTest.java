package io.github.kimisdk.base.limit;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class MinuteWindowTest {

  private static final long S = 1_000_000_000L;

  /**
   * One row per rule of the rolling-minute bucket: capacity, spends as "second:amount" pairs, then
   * a request for {@code amount} at {@code second}, and the expected wait in seconds.
   */
  @ParameterizedTest(name = "{0}")
  @CsvSource(
      delimiter = '|',
      value = {
        "empty bucket grants at once          | 10 | ''                | 0  | 1  | 0",
        "room left grants at once             | 10 | 0:9               | 0  | 1  | 0",
        "full bucket waits for the oldest     | 10 | 0:10              | 30 | 1  | 30",
        "a unit comes back exactly 60s later  | 10 | 0:10              | 60 | 1  | 0",
        "just before 60s still waits          | 10 | 0:10              | 59 | 1  | 1",
        "big charge waits for enough spends   | 10 | 0:4,10:3,20:3     | 25 | 6  | 45",
        "partial expiry frees the oldest      | 10 | 0:4,10:3,20:3     | 61 | 5  | 9",
        "all expired means a full bucket      | 10 | 0:4,10:3,20:3     | 90 | 10 | 0",
        "charge equal to capacity waits all   | 10 | 0:1,50:1          | 55 | 10 | 55",
        "zero charge never waits              | 1  | 0:1               | 1  | 0  | 0",
        "one request per minute               | 1  | 0:1               | 1  | 1  | 59",
        "tokens: a 2M bucket after 1.5M       | 2000000 | 0:1500000    | 10 | 600000 | 50",
      })
  void rollingMinuteBucket(
      String rule, long capacity, String spends, long at, long amount, long expectedWait) {
    MinuteWindow w = new MinuteWindow(capacity);
    if (!spends.isBlank()) {
      for (String s : spends.split(",")) {
        String[] p = s.split(":");
        w.take(Long.parseLong(p[1]), Long.parseLong(p[0]) * S);
      }
    }
    assertThat(w.waitFor(amount, at * S)).as(rule).isEqualTo(expectedWait * S);
  }

  @Test
  void aBucketNeverHoldsMoreThanItsCapacityInAnyMinute() {
    // property: greedy takers at pseudo-random times never exceed the capacity in a 60 s window
    java.util.Random random = new java.util.Random(42);
    MinuteWindow w = new MinuteWindow(7);
    List<long[]> taken = new ArrayList<>();
    long now = 0;
    for (int i = 0; i < 2_000; i++) {
      long amount = 1 + random.nextInt(3);
      now += random.nextInt(20) * S / 2;
      long wait = w.waitFor(amount, now);
      now += wait;
      assertThat(w.waitFor(amount, now)).isZero();
      w.take(amount, now);
      taken.add(new long[] {now, amount});
      long inWindow = 0;
      for (long[] t : taken) {
        if (now - t[0] < 60 * S) {
          inWindow += t[1];
        }
      }
      assertThat(inWindow).isLessThanOrEqualTo(7);
    }
  }
}
