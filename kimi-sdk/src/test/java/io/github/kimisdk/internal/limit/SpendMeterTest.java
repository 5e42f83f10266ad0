package io.github.kimisdk.internal.limit;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.kimisdk.chat.CacheTtl;
import io.github.kimisdk.chat.Usage;
import io.github.kimisdk.model.PriceTable;
import io.github.kimisdk.model.Spend;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class SpendMeterTest {

  /** earlier (prompt, cached, completion) then later: what the later one adds, or nothing. */
  @ParameterizedTest(name = "{0}")
  @CsvSource(
      delimiter = '|',
      nullValues = "null",
      value = {
        "the same again            | 100, 90, 20 | 100, 90, 20  | null",
        "more completion tokens    | 100, 90, 20 | 100, 90, 25  | 0, 0, 5",
        "more prompt, some cached  | 100, 0, 20  | 150, 40, 20  | 50, 40, 0",
        "fewer tokens              | 100, 90, 20 | 100, 90, 10  | null",
        "cached moved from uncached| 100, 0, 20  | 100, 90, 20  | null",
        "a cached count lost       | 100, 90, 20 | 100, null, 20| null"
      })
  void aRepeatedUsageCountsOnlyWhatItAdds(
      String name, String earlier, String later, String expected) {
    Usage added = SpendMeter.added(usage(earlier), usage(later));
    if (expected == null) {
      assertThat(added).isNull();
    } else {
      Usage e = usage(expected);
      assertThat(added.promptTokens()).isEqualTo(e.promptTokens());
      assertThat(added.cachedTokens()).isEqualTo(e.cachedTokens());
      assertThat(added.completionTokens()).isEqualTo(e.completionTokens());
      assertThat(added.totalTokens()).isEqualTo(e.promptTokens() + e.completionTokens());
    }
  }

  private static Usage usage(String csv) {
    String[] p = csv.split(",");
    int prompt = Integer.parseInt(p[0].strip());
    Integer cached = p[1].strip().equals("null") ? null : Integer.parseInt(p[1].strip());
    int completion = Integer.parseInt(p[2].strip());
    return new Usage(prompt, completion, prompt + completion, cached, null);
  }

  private static final String[] MODELS = {"kimi-k3", "kimi-k2.6", "kimi-latest", "no-such-model"};

  /** A meter on the default table that counts how often it made the table. */
  private static SpendMeter meter(AtomicInteger made) {
    return new SpendMeter(
        () -> {
          made.incrementAndGet();
          return PriceTable.defaults();
        },
        null);
  }

  /** What the usages cost priced one by one on the default table, as the meter priced at once. */
  private static Spend priced(List<Object[]> counted) {
    Spend s = Spend.NONE;
    for (Object[] c : counted) {
      s = s.plus(PriceTable.defaults().spend((String) c[0], (Usage) c[1], (CacheTtl) c[2]));
    }
    return s;
  }

  /** Makes a usage, notes it in {@code counted} and counts it with {@code meter}. */
  private static void countOne(SpendMeter meter, List<Object[]> counted, Random random) {
    Object[] u = usage(random);
    counted.add(u);
    count(meter, u);
  }

  private static void count(SpendMeter meter, Object[] u) {
    meter.count((String) u[0], (Usage) u[1], (CacheTtl) u[2]);
  }

  private static Object[] usage(Random random) {
    int prompt = 1 + random.nextInt(5000);
    int completion = random.nextInt(2000);
    Integer cached = random.nextBoolean() ? random.nextInt(prompt + 1) : null;
    CacheTtl ttl = random.nextBoolean() ? CacheTtl.FIVE_MINUTES : CacheTtl.ONE_HOUR;
    return new Object[] {
      MODELS[random.nextInt(MODELS.length)],
      new Usage(prompt, completion, prompt + completion, cached, null),
      ttl
    };
  }

  @Test
  void makesTheTableOnlyWhenTheTotalIsReadAndPricesWhatWasCountedBefore() {
    AtomicInteger made = new AtomicInteger();
    SpendMeter meter = meter(made);
    Random random = new Random(62);
    List<Object[]> counted = new ArrayList<>();
    for (int i = 0; i < 5; i++) {
      countOne(meter, counted, random);
    }
    assertThat(made).hasValue(0);

    assertThat(meter.total()).isEqualTo(priced(counted));
    assertThat(made).hasValue(1);

    countOne(meter, counted, random); // the table made, a usage is priced as it is counted
    assertThat(meter.total()).isEqualTo(priced(counted));
    assertThat(made).hasValue(1);
  }

  @Test
  void makesTheTableWhenAskedForItAndPricesTheWaitingUsagesAtTheNextCount() {
    AtomicInteger made = new AtomicInteger();
    SpendMeter meter = meter(made);
    Random random = new Random(63);
    List<Object[]> counted = new ArrayList<>();
    countOne(meter, counted, random);

    assertThat(meter.prices()).isEqualTo(PriceTable.defaults());
    assertThat(made).hasValue(1);
    countOne(meter, counted, random);

    assertThat(meter.total()).isEqualTo(priced(counted));
    assertThat(made).hasValue(1);
  }

  @Test
  void keepsAtMostMaxUnpricedUsagesWaitingForTheTable() {
    AtomicInteger made = new AtomicInteger();
    SpendMeter meter = meter(made);
    Random random = new Random(64);
    List<Object[]> counted = new ArrayList<>();
    for (int i = 0; i < SpendMeter.MAX_UNPRICED; i++) {
      countOne(meter, counted, random);
    }
    assertThat(made).hasValue(0);

    countOne(meter, counted, random);

    assertThat(made).hasValue(1);
    assertThat(meter.total()).isEqualTo(priced(counted));
  }

  /**
   * Property, fixed seeds: threads count usages while another reads the total; every read holds at
   * least the usages counted before it began, and the last holds them all, priced as at once.
   */
  @Test
  void aTotalReadWhileOthersCountHoldsEveryUsageCountedBeforeIt() throws InterruptedException {
    for (int seed = 0; seed < 20; seed++) {
      AtomicInteger made = new AtomicInteger();
      SpendMeter meter = meter(made);
      int threads = 4;
      int each = 40; // 160 in all: past MAX_UNPRICED, so the bound is crossed under contention
      List<List<Object[]>> plans = new ArrayList<>();
      Random random = new Random(seed);
      for (int t = 0; t < threads; t++) {
        List<Object[]> plan = new ArrayList<>();
        for (int i = 0; i < each; i++) {
          plan.add(usage(random));
        }
        plans.add(plan);
      }
      AtomicInteger countedSoFar = new AtomicInteger();
      CountDownLatch start = new CountDownLatch(1);
      List<Thread> counters = new ArrayList<>();
      for (List<Object[]> plan : plans) {
        Thread th =
            new Thread(
                () -> {
                  awaitQuietly(start);
                  for (Object[] u : plan) {
                    count(meter, u);
                    countedSoFar.incrementAndGet();
                  }
                });
        th.start();
        counters.add(th);
      }
      start.countDown();
      while (countedSoFar.get() < threads * each) {
        int before = countedSoFar.get();
        assertThat(callsIn(meter.total())).as("seed %d", seed).isGreaterThanOrEqualTo(before);
      }
      for (Thread th : counters) {
        th.join();
      }
      List<Object[]> all = new ArrayList<>();
      plans.forEach(all::addAll);
      assertThat(meter.total()).as("seed %d", seed).isEqualTo(priced(all));
      assertThat(made).as("seed %d", seed).hasValue(1);
    }
  }

  /** Counts the usages in a total by their prompt tokens' lower bound: each has at least one. */
  private static long callsIn(Spend s) {
    return s.promptTokens();
  }

  private static void awaitQuietly(CountDownLatch latch) {
    try {
      latch.await();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
