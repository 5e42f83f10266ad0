package io.github.kimisdk.benchmarks;

import io.github.kimisdk.CallEvent;
import io.github.kimisdk.CallListener;
import io.github.kimisdk.KimiClient;
import io.github.kimisdk.RetryPolicy;
import io.github.kimisdk.Timeouts;
import io.github.kimisdk.benchmarks.SoakServer.Attempt;
import io.github.kimisdk.benchmarks.SoakServer.Fault;
import io.github.kimisdk.benchmarks.SoakServer.Plan;
import io.github.kimisdk.chat.ChatCompletion;
import io.github.kimisdk.chat.ChatCompletionChunk;
import io.github.kimisdk.chat.ChatRequest;
import io.github.kimisdk.chat.ChatStream;
import io.github.kimisdk.chat.Message;
import io.github.kimisdk.chat.Usage;
import io.github.kimisdk.chat.UserMessage;
import io.github.kimisdk.errors.ConnectionException;
import io.github.kimisdk.errors.DecodingException;
import io.github.kimisdk.errors.EngineOverloadedException;
import io.github.kimisdk.errors.InvalidRequestException;
import io.github.kimisdk.errors.KimiException;
import io.github.kimisdk.errors.KimiTimeoutException;
import io.github.kimisdk.errors.MalformedChunkException;
import io.github.kimisdk.errors.RateLimitException;
import io.github.kimisdk.errors.ServerException;
import io.github.kimisdk.errors.StreamException;
import io.github.kimisdk.errors.TruncatedStreamException;
import io.github.kimisdk.model.Spend;
import java.io.IOException;
import java.io.PrintStream;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.BitSet;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicIntegerArray;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.BooleanSupplier;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import java.util.stream.Stream;

/**
 * The soak of issue 47: many mixed calls (blocking {@code chat}, {@code chatAsync}, streams read to
 * the end through their iterator, closed or left unclosed, and streams dropped without {@code
 * close()} after their first chunk) from many threads through one {@link KimiClient} configured as
 * a demanding user's (3 attempts, 20 to 200 ms backoff, 1 s stream idle timeout, 20 s total bound
 * for chats and streams, a {@link CallListener}), against {@link SoakServer}, which answers every
 * request with a seeded random fault. Each call is checked the moment it ends, against what the
 * server received and sent for it:
 *
 * <ul>
 *   <li><b>unfinished</b>: the call did not end within 30 s (the total bound and 10 s), or a
 *       dropped stream was never released (its listener heard no end, the collector having run);
 *   <li><b>past bounds</b>: the call took longer than its attempts allow (each attempt 1 s, a slow
 *       first byte its delay more, a silent response the idle timeout more, each wait its {@code
 *       Retry-After} or the longest backoff, and 2 s for the whole call), or ended by its 20 s
 *       total bound, or kept a silent response open past the idle timeout and 1.5 s (the server
 *       watches), or a dropped stream was released more than 5 s after it was dropped (the harness
 *       runs the collector while one waits, as a busy application's allocations would);
 *   <li><b>corrupt</b>: a reply whose id, content or usage differs from the server's whole reply, a
 *       success whose last attempt was not a whole reply, a failed stream whose {@code partial()}
 *       differs from what its consumer received, or received text the server never sent;
 *   <li><b>duplicated</b>: text of an earlier attempt delivered again, or an attempt sent after a
 *       whole reply;
 *   <li><b>lost</b>: a whole reply the server sent whose call failed;
 *   <li><b>unexpected</b>: a failure that is not the documented {@code KimiException} subclass for
 *       the last attempt's fault, a retryable fault not retried, a non-retryable one retried, a
 *       failure after chunks that is not a {@code StreamException}, a listener that heard no or two
 *       ends, or a warning the SDK logged;
 *   <li><b>wrong attempts</b>: {@code attempts()} of a failure, its suppressed failures, the
 *       listener's requests, or the attempts of its end event, differing from the requests the
 *       server received for the call.
 * </ul>
 *
 * <p>At the end it compares {@code kimi.spend()} with the usage of the replies delivered and of the
 * dropped streams as their listener heard it (in the end event, or in the failure's {@code
 * partial()} of one the SDK released after its usage passed: a stream's usage counts as it passes),
 * and heap after GC, live threads and file descriptors ({@code /proc/self/fd}) with their values
 * after the warm-up (the first tenth of the calls, at least two per thread): growth over 10% is a
 * violation (the server's own threads and sockets are not counted, and idle pooled connections are
 * closed before both counts). It prints a table and a last line such as {@code soak: 2000 calls, 0
 * unfinished, 0 past bounds, 0 corrupt, 0 duplicated, 0 lost, 0 unexpected, 0 wrong attempts; spend
 * equal; resources flat}, and exits 1 on any violation (2 on bad arguments).
 *
 * <p>The fault of every attempt and the shape of every call come from the seed alone ({@link
 * SoakServer#plan}), so a seed replays the same script whatever the threads' timing. Calls run on a
 * fixed pool of {@code concurrency} platform threads (the build targets Java 17); {@code --virtual}
 * runs each worker on a virtual thread instead where the JDK has them (21 and later).
 *
 * <pre>
 * java -cp benchmarks/target/benchmarks.jar io.github.kimisdk.benchmarks.Soak [calls] [seed]
 *     [concurrency] [--virtual] [--hold-ms 25000] [--concurrency-refusals 6]
 * </pre>
 *
 * Defaults: 500 calls, seed 47, concurrency 64, the server holding a silent response 25 s: longer
 * than the total bound, so that a client that leaves a silent response open ends that call by its
 * total bound, as the user saw (and its {@code attempts()} is checked on that path too).
 *
 * <p>{@code --concurrency-refusals P} makes it issue 84's storm: P percent of the attempts (4 in
 * the usual soak) are refused at random with Moonshot's 429 {@code rate_limit_reached_error}
 * "request reached organization max concurrency, please slow down", {@code Retry-After} 0 or 1,
 * whatever the client has in flight; the other faults keep their shares. The report's {@code
 * calls:} line then gives the calls per second over the calls' phases, the failed calls and the
 * call times, to compare two builds on the same server, seed and program.
 */
public final class Soak {

  /** How a call is made. */
  enum Shape {
    CHAT("chat"),
    CHAT_ASYNC("chatAsync"),
    STREAM("stream"),
    STREAM_UNCLOSED("stream, no close()"),
    STREAM_DROPPED("stream, dropped");

    final String label;

    Shape(String label) {
      this.label = label;
    }

    boolean streamed() {
      return this == STREAM || this == STREAM_UNCLOSED || this == STREAM_DROPPED;
    }
  }

  static final Duration IDLE = Duration.ofSeconds(1);
  static final Duration TOTAL = Duration.ofSeconds(20);
  static final int MAX_ATTEMPTS = 3;
  static final Duration MIN_BACKOFF = Duration.ofMillis(20);
  static final Duration MAX_BACKOFF = Duration.ofMillis(200);
  private static final long ATTEMPT_MS = 1_000;
  private static final long CALL_SLACK_MS = 2_000;
  private static final long HOLD_SLACK_MS = 1_500;
  private static final long UNFINISHED_MS = TOTAL.toMillis() + 10_000;
  private static final long RELEASE_MS = 5_000;
  private static final String MODEL = "kimi-k2.6";
  private static final int EXAMPLES = 10;

  private final int calls;
  private final long seed;
  private final SoakServer server;
  private final KimiClient kimi;
  private final Heard heard;
  private final Tally tally = new Tally();
  private final Map<Integer, Long> inFlight = new ConcurrentHashMap<>();
  private final LongAdder deliveredPrompt = new LongAdder();
  private final LongAdder deliveredCompletion = new LongAdder();
  private final WarningCounter warnings = new WarningCounter();
  private final StallMeter stalls = new StallMeter();
  private final BitSet dropped; // the calls whose stream was dropped after its first chunk; locked
  private final AtomicLongArray droppedAt; // when each was dropped (System.nanoTime)
  private final Map<Integer, Long> awaiting = new ConcurrentHashMap<>(); // dropped, end not heard
  private long collected = System.nanoTime(); // the monitor's last System.gc()

  private volatile boolean stopping; // set when a call is unfinished: no worker starts another

  private Soak(int calls, long seed, SoakServer server) {
    this.calls = calls;
    this.seed = seed;
    this.server = server;
    this.heard = new Heard(calls, seed, awaiting);
    this.dropped = new BitSet(calls);
    this.droppedAt = new AtomicLongArray(calls);
    this.kimi =
        KimiClient.builder()
            .apiKey("sk-soak-not-a-real-key")
            .baseUrl(server.baseUrl())
            .retryPolicy(
                RetryPolicy.defaults()
                    .withMaxRetries(MAX_ATTEMPTS - 1)
                    .withBackoff(MIN_BACKOFF, MAX_BACKOFF))
            .timeouts(
                // the first event waits no longer than any other: a silent attempt ends at IDLE
                Timeouts.defaults()
                    .withStreamIdle(IDLE)
                    .withFirstEvent(IDLE)
                    .withOverall(TOTAL)
                    .withStreamTotal(TOTAL))
            .listener(heard)
            .build();
  }

  /**
   * Runs the soak and exits with 0 when nothing was violated, 1 otherwise, 2 on bad arguments.
   *
   * @param args calls, seed, concurrency, {@code --virtual}, {@code --hold-ms N}
   * @throws Exception if the server cannot start
   */
  public static void main(String[] args) throws Exception {
    List<String> positional = new ArrayList<>();
    boolean virtual = false;
    long holdMillis = 25_000;
    int concurrencyRefusals = 0;
    try {
      for (int i = 0; i < args.length; i++) {
        if (args[i].equals("--virtual")) {
          virtual = true;
        } else if (args[i].equals("--hold-ms")) {
          holdMillis = Long.parseLong(args[++i]);
        } else if (args[i].equals("--concurrency-refusals")) {
          concurrencyRefusals = Integer.parseInt(args[++i]);
        } else {
          positional.add(args[i]);
        }
      }
      int calls = positional.size() > 0 ? Integer.parseInt(positional.get(0)) : 500;
      long seed = positional.size() > 1 ? Long.parseLong(positional.get(1)) : 47;
      int concurrency = positional.size() > 2 ? Integer.parseInt(positional.get(2)) : 64;
      if (calls < 1 || concurrency < 1 || holdMillis < 1 || holdMillis > 600_000) {
        throw new IllegalArgumentException(
            "need calls >= 1, concurrency >= 1, 0 < hold-ms <= 600000");
      }
      if (concurrencyRefusals < 0 || concurrencyRefusals > SoakServer.MAX_CONCURRENCY_REFUSALS) {
        throw new IllegalArgumentException(
            "need 0 <= concurrency-refusals <= " + SoakServer.MAX_CONCURRENCY_REFUSALS);
      }
      if (virtual && Runtime.version().feature() < 21) {
        throw new IllegalArgumentException("--virtual needs JDK 21 or later");
      }
      System.exit(
          run(calls, seed, concurrency, virtual, holdMillis, concurrencyRefusals, System.out));
    } catch (IllegalArgumentException | ArrayIndexOutOfBoundsException e) {
      System.err.println(
          "usage: Soak [calls] [seed] [concurrency] [--virtual] [--hold-ms N]"
              + " [--concurrency-refusals P]: "
              + e.getMessage());
      System.exit(2);
    }
  }

  /** Runs the soak, prints its report to {@code out} and returns the exit status. */
  static int run(
      int calls, long seed, int concurrency, boolean virtual, long holdMillis, PrintStream out)
      throws IOException, InterruptedException {
    return run(calls, seed, concurrency, virtual, holdMillis, 0, out);
  }

  /**
   * Runs the soak, {@code concurrencyRefusals} percent of the attempts refused for concurrency (0:
   * the usual soak), prints its report to {@code out} and returns the exit status.
   */
  static int run(
      int calls,
      long seed,
      int concurrency,
      boolean virtual,
      long holdMillis,
      int concurrencyRefusals,
      PrintStream out)
      throws IOException, InterruptedException {
    int warmup = Math.min(calls / 2, Math.max(calls / 10, 2 * concurrency));
    long started = System.nanoTime();
    try (SoakServer server =
        new SoakServer(seed, concurrencyRefusals, holdMillis, IDLE.toMillis() + HOLD_SLACK_MS)) {
      Soak soak = new Soak(calls, seed, server);
      ExecutorService workers =
          virtual
              ? DripServer.executor()
              : Executors.newFixedThreadPool(
                  concurrency,
                  r -> {
                    Thread t = new Thread(r, "soak-worker");
                    t.setDaemon(true);
                    return t;
                  });
      Thread meter = new Thread(soak.stalls, "soak-stall-meter");
      meter.setDaemon(true);
      meter.start();
      Logger sdkLog = Logger.getLogger("io.github.kimisdk");
      sdkLog.addHandler(soak.warnings);
      sdkLog.setUseParentHandlers(false); // counted and summed up, not printed one by one
      try {
        out.printf(
            Locale.ROOT,
            "soak: seed %d, %d calls (%d warm-up), %d %s; client %d attempts, backoff %d..%d ms,"
                + " idle %d s, total %d s; silent responses held %d ms%s%n",
            seed,
            calls,
            warmup,
            concurrency,
            virtual ? "virtual threads" : "platform threads",
            MAX_ATTEMPTS,
            MIN_BACKOFF.toMillis(),
            MAX_BACKOFF.toMillis(),
            IDLE.toSeconds(),
            TOTAL.toSeconds(),
            holdMillis,
            concurrencyRefusals == 0
                ? ""
                : "; " + concurrencyRefusals + "% of attempts refused for concurrency");
        long calling = System.nanoTime();
        boolean finished = soak.phase(workers, concurrency, 0, warmup, out);
        calling = System.nanoTime() - calling;
        Resources before =
            finished ? Resources.measure(server, holdMillis, soak::releasedDropped) : null;
        long second = System.nanoTime();
        finished = finished && soak.phase(workers, concurrency, warmup, calls, out);
        calling += System.nanoTime() - second;
        Resources after =
            finished ? Resources.measure(server, holdMillis, soak::releasedDropped) : null;
        return soak.report(out, before, after, calling, System.nanoTime() - started);
      } finally {
        sdkLog.removeHandler(soak.warnings);
        sdkLog.setUseParentHandlers(true);
        workers.shutdownNow();
        meter.interrupt();
        soak.kimi.close();
      }
    }
  }

  /**
   * Runs calls {@code from} to {@code to} on {@code concurrency} workers; returns false when some
   * call did not end within {@link #UNFINISHED_MS} (the run stops there).
   */
  private boolean phase(ExecutorService workers, int concurrency, int from, int to, PrintStream out)
      throws InterruptedException {
    long reported = System.nanoTime();
    AtomicInteger next = new AtomicInteger(from);
    CountDownLatch done = new CountDownLatch(concurrency);
    for (int w = 0; w < concurrency; w++) {
      workers.execute(
          () -> {
            try {
              for (int i; !stopping && (i = next.getAndIncrement()) < to; ) {
                try {
                  one(i);
                } catch (RuntimeException | Error e) { // the harness's own failure: counted, shown
                  tally.unexpected(i, "call " + i + ": the harness failed: " + e);
                }
              }
            } finally {
              done.countDown();
            }
          });
    }
    while (!done.await(250, TimeUnit.MILLISECONDS)) {
      long now = System.nanoTime();
      collectForDropped(now);
      if (now - reported > TimeUnit.SECONDS.toNanos(30)) {
        reported = now;
        out.printf(
            Locale.ROOT,
            "soak: %d of %d calls ended, %d violations so far%n",
            tally.endedCalls(),
            calls,
            tally.total());
      }
      List<Integer> stuck = new ArrayList<>();
      inFlight.forEach(
          (call, start) -> {
            if (now - start > TimeUnit.MILLISECONDS.toNanos(UNFINISHED_MS)) {
              stuck.add(call);
            }
          });
      if (!stuck.isEmpty()) {
        stopping = true;
        for (int call : stuck) {
          tally.unfinished(
              call,
              "still running after "
                  + UNFINISHED_MS
                  + " ms; "
                  + server.log(call).size()
                  + " requests so far");
        }
        tally.notStarted(Math.max(0, to - next.get()));
        return false;
      }
    }
    return true;
  }

  /**
   * Runs the collector (at most once a second) while a dropped stream has waited over half a second
   * for its end, as a busy application's allocations would; the SDK releases a dropped stream only
   * once a collection found it unreachable. Runs on the monitoring thread.
   */
  private void collectForDropped(long now) {
    if (now - collected < TimeUnit.SECONDS.toNanos(1)) {
      return;
    }
    for (long since : awaiting.values()) {
      if (now - since > TimeUnit.MILLISECONDS.toNanos(500)) {
        System.gc();
        collected = System.nanoTime();
        return;
      }
    }
  }

  /** Makes call {@code call} in its shape, then checks it. Runs on a worker. */
  private void one(int call) {
    Shape shape = shape(seed, call);
    ChatRequest request = ChatRequest.of(MODEL, "soak-" + call + ": answer in a few words");
    Outcome o = new Outcome(call, shape);
    long start = System.nanoTime();
    o.start = start;
    inFlight.put(call, start);
    try {
      switch (shape) {
        case CHAT:
          o.reply(kimi.chat(request));
          break;
        case CHAT_ASYNC:
          try {
            o.reply(kimi.chatAsync(request).get(UNFINISHED_MS, TimeUnit.MILLISECONDS));
          } catch (ExecutionException e) {
            o.failed(e.getCause());
          } catch (TimeoutException e) {
            o.unfinished = true;
          }
          break;
        case STREAM:
          try (ChatStream s = kimi.stream(request)) {
            read(s, o);
          }
          break;
        case STREAM_UNCLOSED:
          read(kimi.stream(request), o); // read to its end or failure, never closed
          break;
        case STREAM_DROPPED:
          readFirst(kimi.stream(request), o); // its first chunk, then forgotten: never closed
          break;
        default:
          throw new AssertionError(shape);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      o.failed(e);
    } catch (RuntimeException e) {
      o.failed(e);
    } finally {
      o.nanos = System.nanoTime() - start;
      inFlight.remove(call);
    }
    check(o);
  }

  private static void read(ChatStream s, Outcome o) {
    for (ChatCompletionChunk chunk : s) {
      o.received.append(chunk.text());
      o.chunks++;
      if (o.id == null) {
        o.id = chunk.id();
      } else if (!o.id.equals(chunk.id())) {
        o.mixedIds = o.id + " then " + chunk.id();
      }
      if (chunk.usage() != null) {
        o.usage = chunk.usage();
      }
    }
    o.ok = true;
    o.text = o.received.toString();
  }

  private void readFirst(ChatStream s, Outcome o) { // s is unreachable once this returns
    Iterator<ChatCompletionChunk> chunks = s.iterator();
    if (chunks.hasNext()) {
      ChatCompletionChunk chunk = chunks.next();
      o.received.append(chunk.text());
      o.chunks++;
      o.id = chunk.id();
      o.dropped = true;
      long now = System.nanoTime();
      droppedAt.set(o.call, now);
      synchronized (dropped) {
        dropped.set(o.call);
      }
      // awaits its end, unless the listener heard it already (it removes after counting)
      awaiting.put(o.call, now);
      if (heard.ends.get(o.call) > 0) {
        awaiting.remove(o.call);
      }
    } else {
      o.ok = true; // a stream without a chunk: checked as a reply (and found corrupt)
      o.text = "";
    }
  }

  /** The shape of call {@code call}: each as likely, from the seed. */
  static Shape shape(long seed, int call) {
    Shape[] all = Shape.values();
    return all[new SplittableRandom(seed ^ (0x5DEECE66DL * (call + 1))).nextInt(all.length)];
  }

  /** What a call's caller saw. Written by one worker, then read by the same one. */
  private static final class Outcome {
    final int call;
    final Shape shape;
    long start; // System.nanoTime when the call began
    long nanos;
    boolean ok;
    boolean unfinished;
    String id;
    String text;
    Usage usage;
    Throwable failure;
    final StringBuilder received = new StringBuilder(); // a stream's text as its consumer read it
    int chunks;
    String mixedIds;
    boolean dropped; // a chunk arrived and the stream was then forgotten

    Outcome(int call, Shape shape) {
      this.call = call;
      this.shape = shape;
    }

    void reply(ChatCompletion c) {
      ok = true;
      id = c.id();
      text = c.text();
      usage = c.usage();
    }

    void failed(Throwable t) {
      ok = false;
      failure = t;
    }
  }

  /**
   * Counts a violation of a timing kind ("past bounds", "lost": a reply cut by a timeout), unless
   * the harness's own timer thread stalled {@value StallMeter#STALL_MS} ms or more between {@code
   * from} and {@code to}: then the machine, not the SDK, held the call up, and it is listed as
   * stalled but not counted.
   */
  private void timing(String kind, int call, long from, long to, String what) {
    long stall = stalls.longestWithin(from, to);
    if (stall >= StallMeter.STALL_MS) {
      tally.stalled(call, kind + ", during a stall of " + stall + " ms: " + what);
    } else {
      tally.add(kind, call, what);
    }
  }

  /** Checks one ended call against the server's log of it, then lets the server forget it. */
  private void check(Outcome o) {
    int call = o.call;
    List<Attempt> attempts = server.log(call).attempts();
    server.forget(call);
    String who = "call " + call + " (" + o.shape.label + ")";
    int n = attempts.size();
    tally.ended(o, attempts);
    if (o.unfinished) {
      tally.unfinished(call, who + " did not end within " + UNFINISHED_MS + " ms");
      return;
    }
    if (n == 0) {
      tally.unexpected(call, who + " reached the server 0 times: " + describe(o.failure));
      return;
    }
    Attempt last = attempts.get(n - 1);
    Plan lastPlan = last.plan;
    String script = script(attempts);

    // bounds: the call's wall time, its total bound, and each silent response the client held
    long allowed = allowance(attempts);
    long took = TimeUnit.NANOSECONDS.toMillis(o.nanos);
    boolean byTotalBound = endedByTotalBound(o.failure);
    List<String> over = new ArrayList<>();
    if (byTotalBound) {
      over.add("ended by its total bound");
    } else if (took > allowed) {
      over.add("allowed " + allowed + " ms");
    }
    for (int k = 0; k < n; k++) {
      Attempt a = attempts.get(k);
      if (a.gaveUp || a.heldMillis > IDLE.toMillis() + HOLD_SLACK_MS) {
        over.add(
            "attempt "
                + (k + 1)
                + "'s silent response held open "
                + a.heldMillis
                + " ms"
                + (a.gaveUp ? ", until the server gave up" : "")
                + " (idle timeout "
                + IDLE.toMillis()
                + " ms)");
      }
    }
    if (!over.isEmpty()) {
      timing(
          "past bounds",
          call,
          o.start,
          o.start + o.nanos,
          who
              + " took "
              + took
              + " ms: "
              + String.join("; ", over)
              + "; it ended with "
              + (o.ok ? "a reply" : describe(o.failure))
              + "; server: "
              + script);
    }

    // attempts, as the server, the failure and the listener count them
    int heardRequests = heard.requests.get(call);
    int heardEnds = heard.ends.get(call);
    int heardAttempts = heard.attempts.get(call);
    if (heardRequests != n) {
      tally.wrongAttempts(
          call,
          who
              + ": the listener heard "
              + heardRequests
              + " requests, the server received "
              + n
              + "; server: "
              + script);
    }
    if (o.dropped) {
      // its end comes when it is released (checked at the end of the run, by releasedDropped)
    } else if (heardEnds != 1) {
      tally.unexpected(call, who + ": the listener heard " + heardEnds + " ends or failures");
    } else if (heardAttempts != n) {
      tally.wrongAttempts(
          call,
          who
              + ": the listener's end said "
              + heardAttempts
              + " attempts, the server received "
              + n
              + "; server: "
              + script);
    }
    for (int k = 0; k < n - 1; k++) {
      Fault f = attempts.get(k).plan.fault();
      if (f.whole()) {
        tally.duplicated(
            call,
            who
                + ": attempt "
                + (k + 2)
                + " was sent after attempt "
                + (k + 1)
                + " got a whole reply; server: "
                + script);
      } else if (!f.retried()) {
        tally.unexpected(
            call,
            who
                + ": retried after attempt "
                + (k + 1)
                + "'s "
                + f
                + ", which is not retryable; server: "
                + script);
      }
    }

    if (o.dropped) {
      checkDropped(o, who, lastPlan, script);
    } else if (o.ok) {
      checkReply(o, who, lastPlan, script);
    } else {
      checkFailure(o, who, n, last, script);
    }
  }

  private void checkReply(Outcome o, String who, Plan last, String script) {
    if (!last.fault().whole()) {
      tally.corrupt(
          o.call,
          who
              + " succeeded, but the server's last attempt was "
              + last.fault()
              + "; server: "
              + script);
      return;
    }
    SoakServer.Reply sent = last.reply();
    if (o.text == null || !o.text.equals(sent.content())) {
      if (o.text != null
          && o.text.length() > sent.content().length()
          && o.text.endsWith(sent.content())) {
        tally.duplicated(
            o.call,
            who + " received " + quote(o.text) + ", the server sent " + quote(sent.content()));
      } else {
        tally.corrupt(
            o.call,
            who + " received " + quote(o.text) + ", the server sent " + quote(sent.content()));
      }
      return;
    }
    if (!sent.id().equals(o.id) || o.mixedIds != null) {
      tally.corrupt(
          o.call,
          who
              + " received id "
              + (o.mixedIds != null ? o.mixedIds : o.id)
              + ", the server sent "
              + sent.id());
      return;
    }
    if (o.usage == null
        || o.usage.promptTokens() != sent.promptTokens()
        || o.usage.completionTokens() != sent.completionTokens()) {
      tally.corrupt(
          o.call,
          who
              + " received usage "
              + o.usage
              + ", the server sent "
              + sent.promptTokens()
              + "+"
              + sent.completionTokens());
      return;
    }
    deliveredPrompt.add(sent.promptTokens());
    deliveredCompletion.add(sent.completionTokens());
  }

  /** A stream dropped after its first chunk: that chunk must be the last attempt's. */
  private void checkDropped(Outcome o, String who, Plan last, String script) {
    String sent =
        last.fault().whole()
            ? last.reply().content()
            : last.fault() == Fault.CUT || last.fault() == Fault.MALFORMED ? last.keptText() : "";
    String received = o.received.toString();
    if (!sent.startsWith(received) || !last.reply().id().equals(o.id)) {
      tally.corrupt(
          o.call,
          who
              + " received "
              + quote(received)
              + " with id "
              + o.id
              + " first; its last attempt sent "
              + quote(sent)
              + " with id "
              + last.reply().id()
              + "; server: "
              + script);
    }
  }

  /**
   * Tells whether every dropped stream was released: its listener heard its end (a stream that had
   * ended by itself, or one the SDK stopped once it found it unreachable).
   */
  private boolean releasedDropped() {
    return awaiting.isEmpty();
  }

  /** Checks the dropped streams' ends, once the last measurement let the collector find them. */
  private void checkDroppedEnds() {
    synchronized (dropped) {
      for (int c = dropped.nextSetBit(0); c >= 0; c = dropped.nextSetBit(c + 1)) {
        String who = "call " + c + " (" + Shape.STREAM_DROPPED.label + ")";
        int ends = heard.ends.get(c);
        if (ends == 0) {
          tally.unfinished(
              c,
              who
                  + " never ended: dropped after its first chunk, it was not released (the listener"
                  + " heard no end after GC)");
        } else if (ends > 1) {
          tally.unexpected(c, who + ": the listener heard " + ends + " ends or failures");
        } else if (heard.endedAt.get(c) - droppedAt.get(c)
            > TimeUnit.MILLISECONDS.toNanos(RELEASE_MS)) {
          timing(
              "past bounds",
              c,
              droppedAt.get(c),
              heard.endedAt.get(c),
              who
                  + " was released "
                  + TimeUnit.NANOSECONDS.toMillis(heard.endedAt.get(c) - droppedAt.get(c))
                  + " ms after it was dropped (allowed "
                  + RELEASE_MS
                  + " ms for the collector to find it and the SDK to release it); it held its"
                  + " connection meanwhile");
        } else if (heard.attempts.get(c) != heard.requests.get(c)) {
          tally.wrongAttempts(
              c,
              who
                  + ": the listener's end said "
                  + heard.attempts.get(c)
                  + " attempts, the server received "
                  + heard.requests.get(c));
        }
      }
    }
  }

  private void checkFailure(Outcome o, String who, int n, Attempt last, String script) {
    Plan plan = last.plan;
    Throwable f = o.failure;
    if (!(f instanceof KimiException k)) {
      tally.unexpected(
          o.call, who + " failed with " + describe(f) + ", not a KimiException; server: " + script);
      return;
    }
    if (endedByTotalBound(k)) {
      // counted as past bounds; its type and retries follow from the bound, not the fault
    } else if (plan.fault().whole()) {
      timing(
          "lost",
          o.call,
          o.start,
          o.start + o.nanos,
          who
              + " failed with "
              + describe(f)
              + " though the server's last attempt sent a whole reply; server: "
              + script);
    } else {
      Class<? extends KimiException> expected = expected(plan, last.stream);
      if (!expected.isInstance(k)) {
        tally.unexpected(
            o.call,
            who
                + " failed with "
                + describe(k)
                + ", expected "
                + expected.getSimpleName()
                + " for "
                + plan.fault()
                + "; server: "
                + script);
      }
      boolean chunksArrived = o.chunks > 0;
      if (plan.fault().retried() && n < MAX_ATTEMPTS && !(last.stream && chunksArrived)) {
        tally.unexpected(
            o.call,
            who
                + " was not retried after attempt "
                + n
                + "'s "
                + plan.fault()
                + ": "
                + describe(k)
                + "; server: "
                + script);
      }
    }
    if (k.attempts() != n) {
      tally.wrongAttempts(
          o.call,
          who
              + ": attempts() "
              + k.attempts()
              + ", the server received "
              + n
              + " ("
              + describe(k)
              + "); server: "
              + script);
    } else if (k.getSuppressed().length != n - 1) {
      tally.wrongAttempts(
          o.call,
          who
              + ": "
              + k.getSuppressed().length
              + " suppressed failures after "
              + n
              + " attempts ("
              + describe(k)
              + "); server: "
              + script);
    }
    if (o.shape.streamed()) {
      String received = o.received.toString();
      if (k instanceof StreamException s) {
        String partial = s.partial().text();
        if (!partial.equals(received)) {
          tally.corrupt(
              o.call,
              who
                  + ": partial() "
                  + quote(partial)
                  + ", its consumer received "
                  + quote(received)
                  + " ("
                  + describe(k)
                  + ")");
        }
      } else if (o.chunks > 0) {
        tally.unexpected(
            o.call,
            who
                + " failed with "
                + describe(k)
                + " after "
                + o.chunks
                + " chunks, not a StreamException");
      }
      String sentText =
          plan.fault() == Fault.CUT || plan.fault() == Fault.MALFORMED ? plan.keptText() : "";
      if (!plan.fault().whole() && !sentText.startsWith(received)) {
        tally.corrupt(
            o.call,
            who
                + "'s consumer received "
                + quote(received)
                + ", but the last attempt sent "
                + quote(sentText)
                + "; server: "
                + script);
      }
    }
  }

  /** Tells whether a failure is a whole-call or stream-total timeout (the 20 s bound). */
  private static boolean endedByTotalBound(Throwable failure) {
    return failure instanceof KimiTimeoutException t
        && (t.getMessage().contains("Timeouts.withOverall")
            || t.getMessage().contains("Timeouts.withStreamTotal"));
  }

  /** The documented failure of an attempt that ended with {@code plan}'s fault. */
  static Class<? extends KimiException> expected(Plan plan, boolean stream) {
    switch (plan.fault()) {
      case RATE_LIMITED:
        return plan.overloaded() ? EngineOverloadedException.class : RateLimitException.class;
      case SERVER_ERROR:
        return ServerException.class;
      case RESET:
        return ConnectionException.class;
      case CUT:
        return stream ? TruncatedStreamException.class : ConnectionException.class;
      case BAD_REQUEST:
        return InvalidRequestException.class;
      case MALFORMED:
        return stream ? MalformedChunkException.class : DecodingException.class;
      case SILENCE:
        return stream ? TruncatedStreamException.class : KimiTimeoutException.class;
      default:
        throw new AssertionError(plan.fault());
    }
  }

  /** The longest a call with these attempts may take (see the class comment). */
  static long allowance(List<Attempt> attempts) {
    long ms = CALL_SLACK_MS;
    for (int k = 0; k < attempts.size(); k++) {
      Plan p = attempts.get(k).plan;
      ms += ATTEMPT_MS;
      if (attempts.get(k).stream) {
        ms +=
            p.dripFor(
                p.fault().whole()
                    ? p.pieces().size()
                    : p.fault() == Fault.CUT || p.fault() == Fault.MALFORMED ? p.keep() : 0);
      }
      if (p.fault() == Fault.SLOW) {
        ms += p.delayMillis();
      } else if (p.fault() == Fault.SILENCE) {
        ms += IDLE.toMillis();
      }
      if (k < attempts.size() - 1) {
        ms +=
            p.fault() == Fault.RATE_LIMITED
                ? p.retryAfter() * 1_000L + 250
                : MAX_BACKOFF.toMillis() + 50;
      }
    }
    return ms;
  }

  private static String script(List<Attempt> attempts) {
    StringBuilder s = new StringBuilder();
    for (Attempt a : attempts) {
      Plan p = a.plan;
      s.append(s.length() == 0 ? "" : ", ").append(p.fault());
      switch (p.fault()) {
        case RATE_LIMITED -> s.append("(Retry-After ").append(p.retryAfter()).append(')');
        case SERVER_ERROR -> s.append('(').append(p.status()).append(')');
        case SLOW -> s.append('(').append(p.delayMillis()).append(" ms)");
        case SILENCE -> s.append(a.heldMillis < 0 ? "(held)" : "(held " + a.heldMillis + " ms)");
        default -> {}
      }
    }
    return s.toString();
  }

  private static String describe(Throwable t) {
    if (t == null) {
      return "nothing";
    }
    String m = String.valueOf(t.getMessage());
    return t.getClass().getSimpleName()
        + " \""
        + (m.length() > 160 ? m.substring(0, 160) + "..." : m)
        + "\"";
  }

  private static String quote(String s) {
    return s == null ? "null" : "\"" + (s.length() > 80 ? s.substring(0, 80) + "..." : s) + "\"";
  }

  /**
   * Prints the report and returns the exit status; {@code calling} is the time of the calls' phases
   * (without the measurements of resources between and after them), {@code nanos} the whole run's.
   */
  private int report(PrintStream out, Resources before, Resources after, long calling, long nanos) {
    out.println();
    out.println(
        "shape                calls      ok  failed dropped  attempts   p50 ms   p99 ms   max ms");
    for (Shape s : Shape.values()) {
      out.printf(
          Locale.ROOT,
          "%-19s %6d  %6d  %6d  %6d  %8d  %7d  %7d  %7d%n",
          s.label,
          tally.calls(s),
          tally.ok(s),
          tally.failed(s),
          tally.dropped(s),
          tally.attempts(s),
          tally.percentile(s, 50),
          tally.percentile(s, 99),
          tally.percentile(s, 100));
    }
    out.println();
    out.println(
        "requests the server received, by fault: "
            + tally.faults()
            + " ("
            + server.requests()
            + " in all, "
            + server.connectionsAccepted()
            + " connections)");
    out.printf(
        Locale.ROOT,
        "calls: %d in %.1f s of calling, %.1f calls/s; %d failed; every call p50 %d ms, p99 %d ms,"
            + " max %d ms, %d over 15 s; %d requests, %d refused with a 429%n",
        tally.endedCalls(),
        calling / 1e9,
        tally.endedCalls() / (calling / 1e9),
        tally.failedCalls(),
        tally.percentileOfAll(50),
        tally.percentileOfAll(99),
        tally.percentileOfAll(100),
        tally.over(15_000),
        server.requests(),
        tally.fault(Fault.RATE_LIMITED));
    out.println("failures, by shape, last fault and type:");
    tally.failures().forEach((k, v) -> out.printf(Locale.ROOT, "  %-68s %6d%n", k, v));

    boolean flat = true;
    if (before != null && after != null) {
      out.println();
      out.println("resources          after warm-up     at end   change");
      flat &= resource(out, "heap after GC KiB", before.heapBytes / 1024, after.heapBytes / 1024);
      flat &= resource(out, "threads", before.threads, after.threads);
      if (before.fds >= 0) {
        flat &= resource(out, "descriptors", before.fds, after.fds);
      }
    } else {
      flat = false;
    }
    if (after != null) {
      checkDroppedEnds();
    }
    // A dropped stream's usage counts when it passed before the stream ended or was released:
    // its listener hears it in the end event, or in the failure's partial() when the SDK released
    // the stream after its usage passed (spend() counts a stream's usage as it passes)
    Spend spend = kimi.spend();
    long prompt = deliveredPrompt.sum() + heard.droppedPrompt.sum();
    long completion = deliveredCompletion.sum() + heard.droppedCompletion.sum();
    boolean spendEqual = spend.promptTokens() == prompt && spend.completionTokens() == completion;
    out.printf(
        Locale.ROOT,
        "%nspend(): %d prompt + %d completion tokens; delivered in whole replies %d + %d, and in"
            + " dropped streams (their listener's end, or failure's partial()) %d + %d%n",
        spend.promptTokens(),
        spend.completionTokens(),
        deliveredPrompt.sum(),
        deliveredCompletion.sum(),
        heard.droppedPrompt.sum(),
        heard.droppedCompletion.sum());
    int droppedCount;
    synchronized (dropped) {
      droppedCount = dropped.cardinality();
    }
    out.printf(
        Locale.ROOT,
        "dropped streams: %d; the SDK's warnings of streams dropped before their end: %d%n",
        droppedCount,
        warnings.abandoned.get());
    if (warnings.abandoned.get() > droppedCount) {
      tally.unexpected(
          -1,
          warnings.abandoned.get()
              + " warnings of dropped streams, but only "
              + droppedCount
              + " were dropped: "
              + warnings.firstAbandoned);
    }
    server
        .overheld()
        .forEach((call, what) -> tally.pastBoundsOnce(call, "call " + call + ": " + what));
    int warned = warnings.other.get();
    if (warned > 0) {
      tally.unexpected(-1, warned + " warnings logged by the SDK, the first: " + warnings.first);
    }
    if (heard.untagged.get() > 0) {
      tally.unexpected(
          -1, "the listener heard " + heard.untagged.get() + " requests without a soak tag");
    }
    if (server.untagged() > 0) {
      tally.unexpected(-1, server.untagged() + " requests without a soak tag");
    }
    out.printf(
        Locale.ROOT,
        "stalls of the harness's timer thread (%d ms ticks): longest %d ms, %d of %d ms or more%n",
        StallMeter.TICK_MS,
        stalls.longest(),
        stalls.count(),
        StallMeter.STALL_MS);
    tally.printViolations(out);
    out.printf(
        Locale.ROOT,
        "%nsoak: %d calls, %d unfinished, %d past bounds, %d corrupt, %d duplicated, %d lost,"
            + " %d unexpected, %d wrong attempts; spend %s; resources %s (%.1f s)%n",
        calls,
        tally.count("unfinished"),
        tally.count("past bounds"),
        tally.count("corrupt"),
        tally.count("duplicated"),
        tally.count("lost"),
        tally.count("unexpected"),
        tally.count("wrong attempts"),
        spendEqual ? "equal" : "NOT equal",
        before == null || after == null ? "not measured" : flat ? "flat" : "NOT flat",
        nanos / 1e9);
    return tally.total() == 0 && spendEqual && flat ? 0 : 1;
  }

  private static boolean resource(PrintStream out, String name, long before, long after) {
    double change = before == 0 ? 0 : 100.0 * (after - before) / before;
    boolean ok = change <= 10.0;
    out.printf(
        Locale.ROOT,
        "%-18s %13d %10d  %+6.1f%%%s%n",
        name,
        before,
        after,
        change,
        ok ? "" : "  over 10%");
    return ok;
  }

  /** The call's number from its request's {@code soak-<n>} tag, or -1. */
  private static int tag(CallEvent.Call call) {
    ChatRequest r = call.request();
    if (r == null) {
      return -1;
    }
    for (Message m : r.messages()) {
      if (m instanceof UserMessage u) {
        String t = u.text();
        if (t.startsWith("soak-")) {
          int end = t.indexOf(':');
          return Integer.parseInt(t.substring(5, end));
        }
      }
    }
    return -1;
  }

  /** The listener: what it heard for each call, by the call's number. Thread-safe. */
  private static final class Heard implements CallListener {
    final AtomicIntegerArray requests;
    final AtomicIntegerArray ends;
    final AtomicIntegerArray attempts;
    final AtomicLong untagged = new AtomicLong();
    final LongAdder droppedPrompt = new LongAdder();
    final LongAdder droppedCompletion = new LongAdder();
    final AtomicLongArray endedAt; // when the end or failure was heard (System.nanoTime)
    private final long seed;
    private final Map<Integer, Long> awaiting;

    Heard(int calls, long seed, Map<Integer, Long> awaiting) {
      this.seed = seed;
      this.awaiting = awaiting;
      endedAt = new AtomicLongArray(calls);
      requests = new AtomicIntegerArray(calls);
      ends = new AtomicIntegerArray(calls);
      attempts = new AtomicIntegerArray(calls);
    }

    @Override
    public void onRequest(CallEvent.Request e) {
      int call = tag(e.call());
      if (call < 0) {
        untagged.incrementAndGet();
      } else {
        requests.incrementAndGet(call);
      }
    }

    @Override
    public void onEnd(CallEvent.End e) {
      ended(e.call(), e.attempts());
      int call = tag(e.call());
      if (call >= 0 && e.usage() != null && shape(seed, call) == Shape.STREAM_DROPPED) {
        droppedPrompt.add(e.usage().promptTokens());
        droppedCompletion.add(e.usage().completionTokens());
      }
    }

    @Override
    public void onFailure(CallEvent.Failure e) {
      int call = tag(e.call());
      if (call >= 0) {
        if (shape(seed, call) == Shape.STREAM_DROPPED
            && e.failure() instanceof StreamException s
            && s.partial().usage() != null) {
          droppedPrompt.add(s.partial().usage().promptTokens());
          droppedCompletion.add(s.partial().usage().completionTokens());
        }
      }
      ended(e.call(), e.attempts());
    }

    private void ended(CallEvent.Call c, int n) {
      int call = tag(c);
      if (call >= 0) {
        endedAt.set(call, System.nanoTime());
        attempts.set(call, n);
        ends.incrementAndGet(call);
        awaiting.remove(call);
      }
    }
  }

  /**
   * Counts the SDK's warnings: a dropped stream's (expected, at most one per dropped stream) and
   * any other (a violation). It replaces the console output of the SDK's loggers during the run.
   */
  private static final class WarningCounter extends Handler {
    final AtomicInteger abandoned = new AtomicInteger();
    final AtomicInteger other = new AtomicInteger();
    volatile String firstAbandoned;
    volatile String first;

    @Override
    public void publish(LogRecord r) {
      if (r.getLevel().intValue() < Level.WARNING.intValue()) {
        return;
      }
      String what = r.getLoggerName() + ": " + r.getMessage();
      if (r.getLoggerName().endsWith(".AbandonedStreams")) {
        if (abandoned.getAndIncrement() == 0) {
          firstAbandoned = what;
        }
      } else if (other.getAndIncrement() == 0) {
        first = what;
      }
    }

    @Override
    public void flush() {}

    @Override
    public void close() {}
  }

  /**
   * A thread that sleeps in short ticks and records how late it wakes (jHiccup's idea): a late
   * wake-up is a stall of the whole JVM or machine (a collection, an overloaded CPU), which holds
   * every call up however correct the SDK. Keeps the last {@value #KEPT} stalls; thread-safe.
   */
  static final class StallMeter implements Runnable {
    static final long TICK_MS = 20;
    static final long STALL_MS = 250;
    private static final int KEPT = 4096;
    private final long[] from = new long[KEPT];
    private final long[] to = new long[KEPT];
    private int count;
    private long longest;

    @Override
    public void run() {
      long last = System.nanoTime();
      while (!Thread.currentThread().isInterrupted()) {
        try {
          Thread.sleep(TICK_MS);
        } catch (InterruptedException e) {
          return;
        }
        long now = System.nanoTime();
        long late = TimeUnit.NANOSECONDS.toMillis(now - last) - TICK_MS;
        record(last + TimeUnit.MILLISECONDS.toNanos(TICK_MS), now, late);
        last = now;
      }
    }

    private synchronized void record(long start, long end, long late) {
      longest = Math.max(longest, late);
      if (late >= STALL_MS) {
        from[count % KEPT] = start;
        to[count % KEPT] = end;
        count++;
      }
    }

    /** Returns the longest stall (ms) that overlaps {@code [start, end]}, or 0. */
    synchronized long longestWithin(long start, long end) {
      long worst = 0;
      for (int i = Math.max(0, count - KEPT); i < count; i++) {
        long f = from[i % KEPT];
        long t = to[i % KEPT];
        if (f <= end && t >= start) {
          worst = Math.max(worst, TimeUnit.NANOSECONDS.toMillis(t - f));
        }
      }
      return worst;
    }

    synchronized long longest() {
      return longest;
    }

    synchronized int count() {
      return count;
    }
  }

  /**
   * Heap after GC, live threads (the server's not counted) and open descriptors at a quiet time.
   */
  private record Resources(long heapBytes, int threads, int fds) {

    /** Measures once every call ended: idle connections closed first, then GC. */
    static Resources measure(SoakServer server, long holdMillis, BooleanSupplier released)
        throws InterruptedException {
      // dropped streams are released once the collector finds them unreachable: collect until
      // every one was (bounded; the SDK sweeps once a second)
      for (long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
          !released.getAsBoolean() && System.nanoTime() < end; ) {
        System.gc();
        Thread.sleep(100);
      }
      // the server's held responses end within their hold time
      server.closeIdle(Duration.ofMillis(holdMillis + 2_000));
      // the client closes its side of each connection when it sees the server's close: wait until
      // the count of descriptors stops falling (bounded)
      int fds = openFds();
      for (int stable = 0, rounds = 0; stable < 3 && rounds < 50; rounds++) {
        Thread.sleep(100);
        int now = openFds();
        stable = now == fds ? stable + 1 : 0;
        fds = now;
      }
      // heap after GC: the least of several collections over 2 s, since what a dropped stream
      // holds is let go by the SDK's sweep (once a second) after a collection found it unreachable
      long heap = Long.MAX_VALUE;
      for (int i = 0; i < 8; i++) {
        System.gc();
        heap = Math.min(heap, ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed());
        Thread.sleep(250);
      }
      int threads = 0;
      for (Thread t : Thread.getAllStackTraces().keySet()) {
        if (t.isAlive() && !t.getName().startsWith("soak-server")) {
          threads++;
        }
      }
      return new Resources(heap, threads, openFds() - server.openConnections());
    }

    private static int openFds() {
      Path dir = Path.of("/proc/self/fd");
      if (!Files.isDirectory(dir)) {
        return -1;
      }
      try (Stream<Path> s = Files.list(dir)) {
        return (int) s.count();
      } catch (IOException e) {
        return -1;
      }
    }
  }

  /** The run's counts, table and violations; thread-safe (every method is synchronized). */
  private static final class Tally {
    static final String STALLED = "stalled (not counted: the machine held these calls up)";
    private final Map<String, TreeMap<Integer, String>> violations = new TreeMap<>();
    private final Map<String, Integer> counts = new TreeMap<>();
    private final Map<String, BitSet> violators = new TreeMap<>();
    private final int[] calls = new int[Shape.values().length];
    private final int[] ok = new int[Shape.values().length];
    private final int[] droppedByShape = new int[Shape.values().length];
    private final long[] attemptsByShape = new long[Shape.values().length];
    private final long[] faults = new long[Fault.values().length];
    private final Map<String, Integer> failures = new TreeMap<>();
    private final long[][] histogram = new long[Shape.values().length][]; // calls by wall ms
    private int notStarted;

    Tally() {
      for (int s = 0; s < histogram.length; s++) {
        histogram[s] = new long[(int) UNFINISHED_MS + 1];
      }
    }

    synchronized void ended(Outcome o, List<Attempt> attempts) {
      int s = o.shape.ordinal();
      calls[s]++;
      if (o.ok) {
        ok[s]++;
      } else if (o.dropped) {
        droppedByShape[s]++;
      } else if (!attempts.isEmpty()) {
        Attempt last = attempts.get(attempts.size() - 1);
        failures.merge(
            String.format(
                Locale.ROOT,
                "%-19s %-13s -> %s",
                o.shape.label,
                last.plan.fault(),
                o.failure == null ? "?" : o.failure.getClass().getSimpleName()),
            1,
            Integer::sum);
      }
      attemptsByShape[s] += attempts.size();
      for (Attempt a : attempts) {
        faults[a.plan.fault().ordinal()]++;
      }
      long ms = TimeUnit.NANOSECONDS.toMillis(o.nanos);
      histogram[s][(int) Math.min(histogram[s].length - 1, ms)]++;
    }

    synchronized void unfinished(int call, String what) {
      add("unfinished", call, what);
    }

    synchronized void notStarted(int n) {
      notStarted += n;
      counts.merge("unfinished", n, Integer::sum);
    }

    /** Counts a call past its bounds unless it was already counted so. */
    synchronized void pastBoundsOnce(int call, String what) {
      BitSet seen = violators.get("past bounds");
      if (seen == null || !seen.get(call)) {
        add("past bounds", call, what);
      }
    }

    synchronized void corrupt(int call, String what) {
      add("corrupt", call, what);
    }

    synchronized void duplicated(int call, String what) {
      add("duplicated", call, what);
    }

    synchronized void unexpected(int call, String what) {
      add("unexpected", call, what);
    }

    synchronized void wrongAttempts(int call, String what) {
      add("wrong attempts", call, what);
    }

    /** Lists a timing violation the machine's stall explains: shown, not counted. */
    synchronized void stalled(int call, String what) {
      add(STALLED, call, what);
    }

    /** Counts a violating call once per kind, keeping the lowest-numbered calls' details. */
    synchronized void add(String kind, int call, String what) {
      if (call >= 0) {
        BitSet seen = violators.computeIfAbsent(kind, k -> new BitSet());
        if (seen.get(call)) {
          violations.get(kind).merge(call, what, (a, b) -> a.length() > 600 ? a : a + "; " + b);
          return;
        }
        seen.set(call);
      }
      counts.merge(kind, 1, Integer::sum);
      TreeMap<Integer, String> examples = violations.computeIfAbsent(kind, k -> new TreeMap<>());
      examples.merge(call, what, (a, b) -> a + "; " + b);
      if (examples.size() > EXAMPLES) {
        examples.pollLastEntry();
      }
    }

    synchronized int count(String kind) {
      return counts.getOrDefault(kind, 0);
    }

    synchronized int total() {
      return counts.entrySet().stream()
          .filter(e -> !e.getKey().equals(STALLED))
          .mapToInt(Map.Entry::getValue)
          .sum();
    }

    synchronized int endedCalls() {
      return Arrays.stream(calls).sum();
    }

    synchronized int calls(Shape s) {
      return calls[s.ordinal()];
    }

    synchronized int ok(Shape s) {
      return ok[s.ordinal()];
    }

    synchronized int failed(Shape s) {
      return calls[s.ordinal()] - ok[s.ordinal()] - droppedByShape[s.ordinal()];
    }

    synchronized int dropped(Shape s) {
      return droppedByShape[s.ordinal()];
    }

    synchronized long attempts(Shape s) {
      return attemptsByShape[s.ordinal()];
    }

    /** The {@code p}th percentile of a shape's wall times in ms; the last bucket means more. */
    synchronized long percentile(Shape s, double p) {
      long[] h = histogram[s.ordinal()];
      long rank = (long) Math.ceil(p / 100.0 * calls[s.ordinal()]);
      long seen = 0;
      for (int ms = 0; ms < h.length; ms++) {
        seen += h[ms];
        if (seen >= Math.max(1, rank)) {
          return ms;
        }
      }
      return 0;
    }

    /** The calls that failed (neither a reply nor a stream dropped after its first chunk). */
    synchronized int failedCalls() {
      int n = 0;
      for (Shape s : Shape.values()) {
        n += failed(s);
      }
      return n;
    }

    /** The {@code p}th percentile of every call's wall time in ms, whatever its shape. */
    synchronized long percentileOfAll(double p) {
      long rank = (long) Math.ceil(p / 100.0 * endedCalls());
      long seen = 0;
      for (int ms = 0; ms < histogram[0].length; ms++) {
        for (long[] h : histogram) {
          seen += h[ms];
        }
        if (seen >= Math.max(1, rank)) {
          return ms;
        }
      }
      return 0;
    }

    /** The calls that took longer than {@code ms}. */
    synchronized long over(long ms) {
      long n = 0;
      for (long[] h : histogram) {
        for (int t = (int) Math.min(ms + 1, h.length); t < h.length; t++) {
          n += h[t];
        }
      }
      return n;
    }

    /** The attempts the server answered with {@code f}. */
    synchronized long fault(Fault f) {
      return faults[f.ordinal()];
    }

    synchronized String faults() {
      StringBuilder s = new StringBuilder();
      for (Fault f : Fault.values()) {
        s.append(s.length() == 0 ? "" : ", ").append(f).append(' ').append(faults[f.ordinal()]);
      }
      return s.toString();
    }

    synchronized Map<String, Integer> failures() {
      return new TreeMap<>(failures);
    }

    synchronized void printViolations(PrintStream out) {
      if (notStarted > 0) {
        out.println(
            "\n" + notStarted + " calls never started: the run stopped at an unfinished call");
      }
      for (Map.Entry<String, TreeMap<Integer, String>> e : violations.entrySet()) {
        out.printf(
            Locale.ROOT,
            "%n%s: %d (the first %d by call number)%n",
            e.getKey(),
            counts.get(e.getKey()),
            e.getValue().size());
        e.getValue().forEach((call, what) -> out.println("  " + what));
      }
    }
  }
}
