package io.github.kimisdk.batch;

import com.sun.management.GarbageCollectionNotificationInfo;
import io.github.kimisdk.KimiClient;
import io.github.kimisdk.chat.ChatRequest;
import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.lang.management.MemoryUsage;
import java.nio.file.Path;
import java.time.Duration;
import java.util.BitSet;
import java.util.HashSet;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.stream.LongStream;
import java.util.stream.Stream;
import javax.management.NotificationEmitter;
import javax.management.openmbean.CompositeData;

/**
 * A batch run in a JVM of its own, for {@link BatchRunKillHttpTest}: {@code rows} rows ({@code
 * row-i}, "Classify row i") through the fake at {@code baseUrl}, kept in {@code stateDir}, then
 * every result read back and checked: one per row, each under its own index. Prints its progress,
 * then one line a test reads: {@code results N ok N failed N duplicates N missing N}, then the heap
 * it used and its time.
 */
final class BatchRunChild {

  private BatchRunChild() {}

  /** The most heap in use right after a collection: what the run holds live, at most. */
  private static long liveAfterGc;

  public static void main(String[] args) {
    watchCollections();
    String baseUrl = args[0];
    Path state = Path.of(args[1]);
    int rows = Integer.parseInt(args[2]);
    int perBatch = Integer.parseInt(args[3]);
    long started = System.nanoTime();
    Stream<BatchRun.Row> source =
        LongStream.range(0, rows)
            .mapToObj(
                i -> BatchRun.Row.of("row-" + i, ChatRequest.of("kimi-k2.6", "Classify row " + i)));
    BatchRun.Options options =
        BatchRun.Options.builder(state)
            .maxRowsPerBatch(perBatch)
            .pollInterval(Duration.ofSeconds(1))
            .onProgress(
                p ->
                    System.out.println(
                        "progress "
                            + p.done()
                            + " of "
                            + p.rows()
                            + ", batches "
                            + p.batchesDone()
                            + " of "
                            + p.batches()))
            .build();
    long ok = 0;
    long failed = 0;
    long duplicates = 0;
    BitSet seen = new BitSet(rows);
    try (KimiClient kimi = KimiClient.builder().apiKey("sk-test").baseUrl(baseUrl).build();
        BatchRun run = BatchRun.open(kimi, source, options)) {
      run.await(Duration.ofHours(2));
      try (Stream<BatchRun.Result> results = run.results()) {
        for (BatchRun.Result r : (Iterable<BatchRun.Result>) results::iterator) {
          int i = (int) r.index();
          if (!r.customId().equals("row-" + i) || seen.get(i)) {
            duplicates++;
            continue;
          }
          seen.set(i);
          if (r.isSuccess() && r.completion().text().equals("You said: Classify row " + i)) {
            ok++;
          } else {
            failed++;
          }
        }
      }
    }
    long peak = 0;
    for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
      if (pool.getType() == MemoryType.HEAP) {
        peak += pool.getPeakUsage().getUsed();
      }
    }
    long live;
    synchronized (BatchRunChild.class) {
      live = liveAfterGc;
    }
    System.out.println(
        "results "
            + seen.cardinality()
            + " ok "
            + ok
            + " failed "
            + failed
            + " duplicates "
            + duplicates
            + " missing "
            + (rows - seen.cardinality()));
    System.out.printf(
        Locale.ROOT,
        "heap live after GC at most %.1f MB, peak %.1f MB (sum of the heap pools' peaks), max"
            + " %.1f MB; %.1f s%n",
        live / 1e6,
        peak / 1e6,
        Runtime.getRuntime().maxMemory() / 1e6,
        (System.nanoTime() - started) / 1e9);
  }

  /** Keeps the largest heap in use after any collection in {@link #liveAfterGc}. */
  private static void watchCollections() {
    Set<String> heapPools = new HashSet<>();
    for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
      if (pool.getType() == MemoryType.HEAP) {
        heapPools.add(pool.getName());
      }
    }
    for (GarbageCollectorMXBean gc : ManagementFactory.getGarbageCollectorMXBeans()) {
      ((NotificationEmitter) gc)
          .addNotificationListener(
              (n, handback) -> {
                if (!n.getType()
                    .equals(GarbageCollectionNotificationInfo.GARBAGE_COLLECTION_NOTIFICATION)) {
                  return;
                }
                GarbageCollectionNotificationInfo info =
                    GarbageCollectionNotificationInfo.from((CompositeData) n.getUserData());
                long used = 0;
                for (Map.Entry<String, MemoryUsage> e :
                    info.getGcInfo().getMemoryUsageAfterGc().entrySet()) {
                  if (heapPools.contains(e.getKey())) {
                    used += e.getValue().getUsed();
                  }
                }
                synchronized (BatchRunChild.class) {
                  liveAfterGc = Math.max(liveAfterGc, used);
                }
              },
              null,
              null);
    }
  }
}
