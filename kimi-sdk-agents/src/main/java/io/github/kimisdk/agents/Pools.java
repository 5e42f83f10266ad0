package io.github.kimisdk.agents;

import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/** The threads an agent runs its tool calls on: its own, daemon, ending when idle. */
final class Pools {
  private Pools() {}

  private static final AtomicInteger AGENTS = new AtomicInteger();

  /** A pool of {@code parallelism} daemon threads whose idle threads end after 10 seconds. */
  static ThreadPoolExecutor tools(int parallelism) {
    int id = AGENTS.incrementAndGet();
    AtomicInteger threads = new AtomicInteger();
    ThreadPoolExecutor pool =
        new ThreadPoolExecutor(
            parallelism,
            parallelism,
            10,
            TimeUnit.SECONDS,
            new LinkedBlockingQueue<>(),
            r -> {
              Thread t = new Thread(r, "kimi-agent-" + id + "-" + threads.incrementAndGet());
              t.setDaemon(true);
              return t;
            });
    pool.allowCoreThreadTimeOut(true);
    return pool;
  }
}
