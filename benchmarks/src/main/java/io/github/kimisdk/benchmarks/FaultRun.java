package io.github.kimisdk.benchmarks;

import io.github.kimisdk.CallEvent;
import io.github.kimisdk.CallListener;
import io.github.kimisdk.Endpoint;
import io.github.kimisdk.KimiClient;
import io.github.kimisdk.RetryPolicy;
import io.github.kimisdk.Target;
import io.github.kimisdk.Timeouts;
import io.github.kimisdk.benchmarks.FaultServer.Dialect;
import io.github.kimisdk.benchmarks.FaultServer.Fault;
import io.github.kimisdk.benchmarks.FaultServer.Ledger;
import io.github.kimisdk.benchmarks.FaultServer.Outcome;
import io.github.kimisdk.benchmarks.FaultServer.Req;
import io.github.kimisdk.chat.ChatCompletionChunk;
import io.github.kimisdk.chat.ChatRequest;
import io.github.kimisdk.chat.ChatStream;
import io.github.kimisdk.chat.Message;
import io.github.kimisdk.chat.Thinking;
import io.github.kimisdk.chat.UserMessage;
import io.github.kimisdk.errors.DecodingException;
import io.github.kimisdk.errors.InvalidRequestException;
import io.github.kimisdk.errors.KimiException;
import io.github.kimisdk.errors.MalformedChunkException;
import io.github.kimisdk.errors.StreamException;
import io.github.kimisdk.host.Host;
import io.github.kimisdk.host.ServedBy;
import io.github.kimisdk.host.TargetStatus;
import java.io.IOException;
import java.io.PrintStream;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Flow;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Issue 90's judge of the client under the faults real hosts produce, all at once: a vLLM replica A
 * and a replica B (one group) with Moonshot as fallback, each a {@link FaultServer} written from
 * the protocol (not the SDK's fake), and the client as docs/hosts.md describes it ({@link
 * #described}): hedging after 400 ms within a 0.05 budget, stream continuation on. Streamed calls
 * (and some not streamed, some turns of conversations) from many workers, every reply's text known
 * to the server, interleaved with the same calls through a client of one vLLM on the same faults
 * ({@link #single}). It judges eight checks ({@link Checks}):
 *
 * <ol>
 *   <li>every successful call's text is exactly the server's, each word once;
 *   <li>no hedged copy left open, and streams whose headers came late hedged about as often as
 *       those whose first token came late;
 *   <li>every failure one the docs allow (none that says no target takes the call because cut
 *       replies cooled the targets);
 *   <li>a conversation moved only off a member that was full, overloaded or down, never because a
 *       reply was cut;
 *   <li>calls per second at least 0.9 of the single-target client's;
 *   <li>nothing lost, nothing ended twice, the client idle afterwards;
 *   <li>every change of a conversation's member (the host its requests reach, by the servers'
 *       books) told as a {@code MOVED}, whatever moved it (issue 100);
 *   <li>every failure's status one that a server of the run sent (issue 100: a call sent nowhere
 *       reported 503 when the only answer any target gave was Moonshot's 429).
 * </ol>
 *
 * <p>And five scenarios, each a mode: {@code keepalive} (a slow Flow subscriber of a stream whose
 * first event follows 0.8 s of keep-alives), {@code busy-chain}, {@code busy-one}, {@code
 * dead-replica}, {@code cut-message}. Modes: {@code load}, those five, or {@code all} (the
 * default). Options: {@code --calls N} (3000), {@code --workers N} (48), {@code --seed N} (90),
 * {@code --rounds N} (3), {@code --fault-scale X} (1: each random fault's share times X), {@code
 * --strict} (exit 1 when a check misses its target), {@code --out FILE} (the table as Markdown
 * too).
 *
 * <pre>
 * java -cp benchmarks/target/benchmarks.jar io.github.kimisdk.benchmarks.FaultRun --strict
 * </pre>
 */
public final class FaultRun {

  static final String MODEL = "kimi-k3";

  /** The single-target client's calls are the described client's plus this: the same faults. */
  static final int SINGLE_OFFSET = 10_000_000;

  /** What each vLLM admits at once; past it, its busy 503. */
  static final int ADMITS = 40;

  /** The policy docs/hosts.md describes: hedging at 400 ms, budget 0.05, continuation on. */
  static final RetryPolicy DESCRIBED =
      RetryPolicy.defaults()
          .withHedging(Duration.ofMillis(400), 0.05)
          .withStreamContinuation(true)
          .withRateLimitWait(Duration.ofMillis(Long.getLong("faultrun.coolingWaitMs", 0)));

  /** The defaults, with an idle timeout of 2 s so that a stall of 3 s mid-stream is a failure. */
  static final Timeouts TIMEOUTS = Timeouts.defaults().withStreamIdle(Duration.ofSeconds(2));

  private FaultRun() {}

  // ---- the faults ----

  /**
   * The faults each request meets at random: a share in percent of every request, streamed or not,
   * first or a retry (26% in all). The refusals a docs-conforming client cools a target for (a
   * reset before any byte, a refused connection, a 502) come as the host's episodes instead, as
   * real hosts produce them: a restart, a burst, a full queue ({@link Described}).
   */
  static final Map<Fault, Integer> WEIGHTS = weights();

  private static Map<Fault, Integer> weights() {
    Map<Fault, Integer> w = new LinkedHashMap<>();
    w.put(Fault.CUT_BEFORE_TEXT, 3);
    w.put(Fault.CUT_AFTER_TEXT, 4);
    w.put(Fault.CUT_MID_EVENT, 2);
    w.put(Fault.RESET_AFTER_TEXT, 2);
    w.put(Fault.SLOW_FIRST_TOKEN, 4);
    w.put(Fault.LATE_HEADERS, 4);
    w.put(Fault.STALL, 2);
    w.put(Fault.SILENCE, 2);
    w.put(Fault.MALFORMED, 1);
    w.put(Fault.BUSY, 2);
    return w;
  }

  /**
   * The seeded script: the same fault for the same call and arrival, whichever client; {@code
   * scale} multiplies every share ({@code --fault-scale}).
   */
  static FaultServer.Script script(long seed, double scale) {
    return (call, arrival, stream, continuation) -> {
      SplittableRandom r =
          new SplittableRandom(FaultServer.mix(seed, call % SINGLE_OFFSET, arrival + 1000L));
      double roll = r.nextDouble() * 100;
      for (Map.Entry<Fault, Integer> e : WEIGHTS.entrySet()) {
        double share = e.getValue() * scale;
        if (roll < share) {
          return e.getKey();
        }
        roll -= share;
      }
      return Fault.WHOLE;
    };
  }

  /** The hosts of the described client: A and B vLLM replicas, M Moonshot. */
  static final class Described implements AutoCloseable {
    final Ledger ledger;
    final FaultServer a;
    final FaultServer b;
    final FaultServer m;

    Described(long seed, double scale) throws IOException {
      ledger = new Ledger(seed, script(seed, scale));
      a = new FaultServer("A", Dialect.VLLM, ledger, ADMITS).bursts(9000, 300);
      b = new FaultServer("B", Dialect.VLLM, ledger, ADMITS).restarts(15_000, 2000);
      m = new FaultServer("M", Dialect.MOONSHOT, ledger, 0);
    }

    List<FaultServer> servers() {
      return List.of(a, b, m);
    }

    @Override
    public void close() {
      servers().forEach(FaultServer::close);
    }
  }

  /** The host of the single-target client: one vLLM with A's bursts and B's restarts. */
  static final class Single implements AutoCloseable {
    final Ledger ledger;
    final FaultServer s;

    Single(long seed, double scale) throws IOException {
      ledger = new Ledger(seed, script(seed, scale));
      s =
          new FaultServer("S", Dialect.VLLM, ledger, ADMITS)
              .bursts(9000, 300)
              .restarts(15_000, 2000);
    }

    List<FaultServer> servers() {
      return List.of(s);
    }

    @Override
    public void close() {
      s.close();
    }
  }

  /** The client as docs/hosts.md describes it: A, its replica B, Moonshot as fallback. */
  static KimiClient described(Described d, CallListener listener) {
    return KimiClient.builder()
        .host(Host.vllm(d.a.baseUrl()))
        .replica(Target.of(Host.vllm(d.b.baseUrl())))
        .fallback(
            Target.of(Host.moonshot(Endpoint.of(d.m.baseUrl())), MODEL).apiKey("sk-fault-moonshot"))
        .retryPolicy(DESCRIBED)
        .timeouts(TIMEOUTS)
        .listener(listener)
        .build();
  }

  /** The baseline: one vLLM, the same policy and timeouts. */
  static KimiClient single(Single s, CallListener listener) {
    return KimiClient.builder()
        .host(Host.vllm(s.s.baseUrl()))
        .retryPolicy(DESCRIBED)
        .timeouts(TIMEOUTS)
        .listener(listener)
        .build();
  }

  // ---- the calls ----

  /** A unit of work of one worker: a single call, or the turns of a conversation in order. */
  record Job(int firstCall, int turns, boolean stream, boolean bad) {}

  /** Returns the jobs of {@code calls} calls: 12% conversations of 4 turns, 15% not streamed. */
  static List<Job> jobs(long seed, int calls) {
    SplittableRandom r = new SplittableRandom(seed * 31 + 7);
    List<Job> jobs = new ArrayList<>();
    int next = 1;
    while (next <= calls) {
      double roll = r.nextDouble();
      if (roll < 0.12 && next + 3 <= calls) {
        jobs.add(new Job(next, 4, true, false));
        next += 4;
      } else {
        boolean bad = r.nextInt(100) == 0;
        jobs.add(new Job(next, 1, r.nextInt(100) >= 15, bad));
        next++;
      }
    }
    return jobs;
  }

  /** The request of turn {@code turn} of a job, its calls numbered from {@code offset}. */
  static ChatRequest request(Job job, int turn, int offset, Ledger ledger) {
    ChatRequest.Builder b = ChatRequest.builder(MODEL).thinking(Thinking.disabled());
    int first = job.firstCall() + offset;
    if (job.turns() > 1) {
      b.addSystem("You keep conversation " + first + ".");
      for (int t = 0; t < turn; t++) {
        b.addUser("turn " + t + " fc-" + (first + t));
        b.addMessage(Message.assistant(ledger.fullText(first + t)));
      }
    }
    b.addUser(
        (job.turns() > 1 ? "turn " + turn + " " : "say ")
            + "fc-"
            + (first + turn)
            + (job.bad() ? "-bad" : ""));
    return b.build();
  }

  /** What one call ended with, on the caller's side. */
  static final class Result {
    final int call;
    final Job job;
    final boolean stream;
    volatile String text;
    volatile KimiException failure;
    volatile RuntimeException unexpected;
    volatile long endedAt;
    volatile int ends; // how many times the caller saw it end

    Result(int call, Job job, boolean stream) {
      this.call = call;
      this.job = job;
      this.stream = stream;
    }
  }

  /** One event a listener heard, for one call. */
  record Heard(String kind, int attempt, String from, String to, long at, String failure) {}

  /** The listener: reroutes, fallbacks and ends by call. */
  static final class Events implements CallListener {
    final Map<Integer, List<Heard>> byCall = new ConcurrentHashMap<>();
    final Map<Integer, AtomicInteger> ends = new ConcurrentHashMap<>();
    final Map<String, String> hostsByPort = new HashMap<>();

    Events(List<FaultServer> servers) {
      for (FaultServer s : servers) {
        hostsByPort.put(Integer.toString(s.port()), s.name);
      }
    }

    private String host(ServedBy s) {
      return s == null
          ? "?"
          : hostsByPort.getOrDefault(Integer.toString(s.baseUrl().getPort()), "?");
    }

    private void add(CallEvent.Call c, Heard h) {
      int call = callOf(c);
      if (call > 0) {
        byCall.computeIfAbsent(call, k -> new CopyOnWriteArrayList<>()).add(h);
      }
    }

    @Override
    public void onRerouted(CallEvent.Rerouted e) {
      add(
          e.call(),
          new Heard(
              e.kind().name(), e.attempt(), host(e.from()), host(e.to()), System.nanoTime(), null));
    }

    @Override
    public void onFallback(CallEvent.Fallback e) {
      add(
          e.call(),
          new Heard(
              "FALLBACK",
              e.attempt(),
              host(e.from()),
              host(e.to()),
              System.nanoTime(),
              e.failure().getClass().getSimpleName()));
    }

    @Override
    public void onEnd(CallEvent.End e) {
      ended(e.call());
    }

    @Override
    public void onFailure(CallEvent.Failure e) {
      ended(e.call());
    }

    private void ended(CallEvent.Call c) {
      int call = callOf(c);
      if (call > 0) {
        ends.computeIfAbsent(call, k -> new AtomicInteger()).incrementAndGet();
      }
    }

    List<Heard> heard(int call) {
      return byCall.getOrDefault(call, List.of());
    }
  }

  private static final Pattern TAG = Pattern.compile("fc-(\\d+)");

  /** The call's number from its request's last user message. */
  static int callOf(CallEvent.Call c) {
    if (c.request() == null) {
      return -1;
    }
    List<Message> ms = c.request().messages();
    for (int i = ms.size() - 1; i >= 0; i--) {
      if (ms.get(i) instanceof UserMessage u) {
        Matcher m = TAG.matcher(u.text());
        return m.find() ? Integer.parseInt(m.group(1)) : -1;
      }
    }
    return -1;
  }

  /** Runs {@code jobs} through {@code client} from {@code workers} threads; returns its wall. */
  static long runJobs(
      KimiClient client,
      List<Job> jobs,
      int offset,
      int workers,
      Ledger ledger,
      Map<Integer, Result> results,
      Duration bound)
      throws InterruptedException {
    ExecutorService pool = Executors.newFixedThreadPool(workers);
    long start = System.nanoTime();
    for (Job job : jobs) {
      for (int t = 0; t < job.turns(); t++) {
        int call = job.firstCall() + offset + t;
        results.put(call, new Result(call, job, job.stream()));
      }
      pool.execute(
          () -> {
            for (int t = 0; t < job.turns(); t++) {
              Result res = results.get(job.firstCall() + offset + t);
              ChatRequest req = request(job, t, offset, ledger);
              try {
                if (job.stream()) {
                  StringBuilder b = new StringBuilder();
                  try (ChatStream s = client.stream(req)) {
                    for (ChatCompletionChunk c : s) {
                      b.append(c.text());
                    }
                  }
                  res.text = b.toString();
                } else {
                  res.text = client.chat(req).text();
                }
              } catch (KimiException e) {
                res.failure = e;
              } catch (RuntimeException e) {
                res.unexpected = e;
              }
              res.endedAt = System.nanoTime();
              res.ends++;
            }
          });
    }
    pool.shutdown();
    if (!pool.awaitTermination(bound.toMillis(), TimeUnit.MILLISECONDS)) {
      pool.shutdownNow();
    }
    return System.nanoTime() - start;
  }

  // ---- the checks ----

  /** A check's outcome: its name, its figure, its target, and whether it met the target. */
  record Check(String name, String figure, String target, boolean met) {}

  /** What one client did: its results, its events, its wall. */
  static final class Load {
    final String name;
    final Ledger ledger;
    final Events events;
    final Map<Integer, Result> results = new ConcurrentHashMap<>();
    long wallNanos;
    int calls;

    Load(String name, Ledger ledger, Events events) {
      this.name = name;
      this.ledger = ledger;
      this.events = events;
    }

    /** Successful calls per second of the load's wall (a call that fails fast is no work done). */
    double callsPerSecond() {
      long ok = results.values().stream().filter(r -> r.text != null).count();
      return ok / (wallNanos / 1e9);
    }
  }

  /** The figures the checks are judged on, for one client. */
  static final class Figures {
    int succeeded;
    int failed;
    int unexpected;
    int wrongText;
    int wordTwice;
    int missingWords;
    final List<String> wrongExamples = new ArrayList<>();
    int hedges;
    int hedgedCopiesNotClosed;
    final List<String> hedgeExamples = new ArrayList<>();
    int leftOpen;
    int lateHeaders;
    int lateHeadersHedged;
    int slowToken;
    int slowTokenHedged;
    int allowedFailures;
    final Map<String, Integer> failureKinds = new TreeMap<>();

    /** "no target takes the call" failures by what each target last answered (noTargetCause). */
    final Map<String, Integer> noTargetCauses = new TreeMap<>();

    final Map<String, Integer> disallowed = new TreeMap<>();
    final List<String> disallowedExamples = new ArrayList<>();
    int moves;
    int movesAllowed;
    int movesAfterCut;
    final List<String> moveExamples = new ArrayList<>();

    /** Conversations whose member (the host their requests reached) changed, by the servers. */
    int conversationsChanged;

    /** Changes of a conversation's member the servers saw, and those no MOVED told. */
    int memberChanges;

    int untoldChanges;
    int conversationsUntold;
    final List<String> untoldExamples = new ArrayList<>();

    /**
     * Failures with a status (an error from a host, or naming every target): how many, and those
     * whose status no server of the run sent.
     */
    int failuresWithStatus;

    int statusesNotSent;
    final Set<Integer> sentStatuses = new java.util.TreeSet<>();
    final List<String> statusExamples = new ArrayList<>();
    int continued;
    int lost;
    int endedTwice;
    int listenerEndsNotOne;
    int serverRequests;
    final Map<Fault, Integer> faults = new TreeMap<>();
    final List<String> serverViolations = new ArrayList<>();
  }

  static Figures figures(Load load) {
    Figures f = new Figures();
    Ledger ledger = load.ledger;
    for (Req r : ledger.all) {
      f.serverRequests++;
      if (r.fault != null) {
        f.faults.merge(r.fault, 1, Integer::sum);
      }
    }
    f.serverViolations.addAll(ledger.violations);
    for (Result res : load.results.values()) {
      List<Heard> heard = load.events.heard(res.call);
      List<Req> reqs = ledger.requests(res.call);
      AtomicInteger ends = load.events.ends.get(res.call);
      int listenerEnds = ends == null ? 0 : ends.get();
      if (res.ends == 0) {
        f.lost++;
      } else if (res.ends > 1) {
        f.endedTwice++;
      }
      if (res.ends > 0 && listenerEnds != 1) {
        f.listenerEndsNotOne++;
      }
      for (Heard h : heard) {
        if (h.kind().equals("CONTINUED")) {
          f.continued++;
        }
      }
      // 2: hedges, and how the slow copy ended
      for (Heard h : heard) {
        if (!h.kind().equals("HEDGED")) {
          continue;
        }
        f.hedges++;
        Req slow = lastBefore(reqs, h.from(), h.at());
        // closed by the client; or aborted before it reached the server (null); or ended by the
        // server before the hand-over was told (it answered or refused as the client aborted it: a
        // race the client cannot win, and nothing of it reached the caller)
        boolean closed =
            slow == null
                || slow.outcome == Outcome.CLIENT_CLOSED_BEFORE_HEADERS
                || slow.outcome == Outcome.CLIENT_CLOSED_AFTER_HEADERS
                || (slow.outcome != Outcome.OPEN && slow.endedAt != 0 && slow.endedAt <= h.at());
        if (!closed) {
          f.hedgedCopiesNotClosed++;
          if (f.hedgeExamples.size() < 5) {
            f.hedgeExamples.add("call " + res.call + " hedged off " + h.from() + ": " + slow);
          }
        }
      }
      if (res.stream && !reqs.isEmpty()) {
        Fault first = reqs.get(0).fault;
        boolean hedged = heard.stream().anyMatch(h -> h.kind().equals("HEDGED"));
        if (first == Fault.LATE_HEADERS) {
          f.lateHeaders++;
          f.lateHeadersHedged += hedged ? 1 : 0;
        } else if (first == Fault.SLOW_FIRST_TOKEN) {
          f.slowToken++;
          f.slowTokenHedged += hedged ? 1 : 0;
        }
      }
      // 4: moves of a conversation
      if (res.job.turns() > 1) {
        for (Heard h : heard) {
          if (!h.kind().equals("MOVED") && !h.kind().equals("FALLBACK")) {
            continue;
          }
          f.moves++;
          if (h.kind().equals("MOVED") && (hedgedSo(heard, h) || h.from().equals("M"))) {
            f.movesAllowed++; // the hedge's own move, or back to the group from the next place
            continue;
          }
          String why = moveCause(ledger, reqs, h);
          if (why == null) {
            f.movesAllowed++;
          } else {
            f.movesAfterCut++;
            if (f.moveExamples.size() < 5) {
              f.moveExamples.add(
                  "call " + res.call + " " + h.kind() + " " + h.from() + "->" + h.to() + ": "
                      + why);
            }
          }
        }
      }
      if (res.unexpected != null) {
        f.unexpected++;
        f.failed++;
        count(f.disallowed, "unexpected " + res.unexpected.getClass().getSimpleName());
        example(f, res.call, res.unexpected.toString());
        continue;
      }
      if (res.failure != null && res.failure instanceof io.github.kimisdk.errors.ApiException a) {
        f.failuresWithStatus++;
        if (!sentStatuses(ledger).contains(a.status())) {
          f.statusesNotSent++;
          if (f.statusExamples.size() < 5) {
            f.statusExamples.add(
                "call " + res.call + ": status " + a.status() + ": " + oneLine(a.getMessage()));
          }
        }
      }
      if (res.failure != null) {
        f.failed++;
        count(f.failureKinds, res.failure.getClass().getSimpleName());
        String failedMessage = res.failure.getMessage();
        if (failedMessage != null && failedMessage.contains(NO_TARGET)) {
          count(f.noTargetCauses, noTargetCause(failedMessage));
        }
        String why = disallowed(ledger, res, reqs);
        if (why == null) {
          f.allowedFailures++;
        } else {
          count(f.disallowed, why);
          example(
              f,
              res.call,
              why
                  + ": "
                  + oneLine(res.failure.getMessage())
                  + " [attempts "
                  + res.failure.attempts()
                  + "; server: "
                  + reqs
                  + "; heard: "
                  + heard
                  + "]");
        }
        continue;
      }
      if (res.text == null) {
        continue; // lost
      }
      f.succeeded++;
      // a call meant to be refused with 400 whose requests never reached the server (a target
      // cooling, a connection refused) was never refused: it is judged as any other
      if (res.job.bad() && !reqs.isEmpty()) {
        count(f.disallowed, "a 400 request that succeeded");
      }
      String full = ledger.fullText(res.call);
      if (!res.text.equals(full)) {
        f.wrongText++;
        if (wordTwice(res.text)) {
          f.wordTwice++;
        }
        if (!res.text.isEmpty() && full.length() > res.text.length()) {
          f.missingWords++;
        }
        if (f.wrongExamples.size() < 5) {
          f.wrongExamples.add(
              "call "
                  + res.call
                  + " read \""
                  + abbreviate(res.text)
                  + "\" for \""
                  + abbreviate(full)
                  + "\"; server: "
                  + reqs
                  + "; heard: "
                  + heard);
        }
      }
    }
    memberChanges(load, f);
    f.sentStatuses.addAll(sentStatuses(ledger));
    f.leftOpen = ledger.open().size();
    return f;
  }

  /**
   * A call's requests in the order the client sent them, as near as the servers' books tell: by
   * arrival, but a hedge's slow copy that reached its host only after the hand-over was told (a
   * busy machine's connection being slow to open) in the place the client sent it, before the
   * hand-over.
   */
  static List<Req> sentOrder(List<Req> reqs, List<Heard> heard) {
    Map<Req, Long> sentBy = new HashMap<>();
    for (Req r : reqs) {
      long key = r.received;
      for (Heard h : heard) {
        if (h.kind().equals("HEDGED") && h.from().equals(r.host) && r.received > h.at()) {
          boolean slowCopy =
              r.outcome == Outcome.CLIENT_CLOSED_BEFORE_HEADERS
                  || r.outcome == Outcome.CLIENT_CLOSED_AFTER_HEADERS;
          if (slowCopy) {
            key = Math.min(key, h.at() - 1);
          }
        }
      }
      sentBy.put(r, key);
    }
    List<Req> out = new ArrayList<>(reqs);
    out.sort(java.util.Comparator.comparingLong(sentBy::get));
    return out;
  }

  /**
   * The HTTP statuses the run's servers sent, by their books: 200 for an answer, 400 for a request
   * refused, 502 for a burst's, vLLM's 503 and Moonshot's 429 for busy.
   */
  static Set<Integer> sentStatuses(Ledger ledger) {
    Set<Integer> sent = new HashSet<>();
    for (Req r : ledger.all) {
      Fault fault = r.fault;
      if (fault == null) {
        continue;
      }
      switch (fault) {
        case BAD_REQUEST -> sent.add(400);
        case BURST_502 -> sent.add(502);
        case BUSY -> sent.add(r.host.equals("M") ? 429 : 503);
        case RESET_BEFORE, RESTART -> {
          // no status: the connection was reset or refused
        }
        default -> sent.add(200);
      }
    }
    return sent;
  }

  /** Tells whether a MOVED heard is the move of a hedge heard with it (same attempt, same way). */
  static boolean hedgedSo(List<Heard> heard, Heard moved) {
    for (Heard h : heard) {
      if (h.kind().equals("HEDGED")
          && h.attempt() == moved.attempt()
          && h.from().equals(moved.from())
          && h.to().equals(moved.to())) {
        return true;
      }
    }
    return false;
  }

  /**
   * 7: every change of a conversation's member told. By the servers' books, a conversation's member
   * is the host its last request reached; each request of its turns that reached another host is a
   * change, told when the call of that request heard a MOVED to that host before the host received
   * it (a request the client sent that no server recorded, to a host restarting, leaves the change
   * to the host it went to next: a MOVED to that one tells it).
   */
  static void memberChanges(Load load, Figures f) {
    for (Result first : load.results.values()) {
      Job job = first.job;
      int offset = first.call >= SINGLE_OFFSET ? SINGLE_OFFSET : 0;
      if (job.turns() < 2 || first.call != job.firstCall() + offset) {
        continue;
      }
      String at = null;
      int changes = 0;
      int untold = 0;
      for (int t = 0; t < job.turns(); t++) {
        int call = first.call + t;
        List<Heard> heard = load.events.heard(call);
        Set<Heard> used = new HashSet<>();
        for (Req r : sentOrder(load.ledger.requests(call), heard)) {
          if (at != null && !r.host.equals(at)) {
            changes++;
            Heard told = null;
            for (Heard h : heard) {
              if (h.kind().equals("MOVED")
                  && h.to().equals(r.host)
                  && h.at() <= r.received
                  && !used.contains(h)) {
                told = h;
                break;
              }
            }
            if (told == null) {
              untold++;
              if (f.untoldExamples.size() < 5) {
                f.untoldExamples.add(
                    "call "
                        + call
                        + " (turn "
                        + t
                        + ") reached "
                        + r.host
                        + " after "
                        + at
                        + "; heard "
                        + heard);
              }
            } else {
              used.add(told);
            }
          }
          at = r.host;
        }
      }
      f.memberChanges += changes;
      f.untoldChanges += untold;
      f.conversationsChanged += changes > 0 ? 1 : 0;
      f.conversationsUntold += untold > 0 ? 1 : 0;
    }
  }

  private static void example(Figures f, int call, String text) {
    if (f.disallowedExamples.size() < 8) {
      f.disallowedExamples.add("call " + call + ": " + text);
    }
  }

  private static void count(Map<String, Integer> m, String key) {
    m.merge(key, 1, Integer::sum);
  }

  /** The latest request of a call at {@code host} received before {@code at}. */
  static Req lastBefore(List<Req> reqs, String host, long at) {
    Req last = null;
    for (Req r : reqs) {
      if (r.host.equals(host) && r.received <= at) {
        last = r;
      }
    }
    return last;
  }

  /**
   * Why a conversation's move is one the issue forbids, or null when its member may have been full,
   * overloaded or down. The server cannot see a member's room as the client learnt it, so a member
   * that refused any call (busy, a 502, a restart) in the window a refusal holds or cools it, or
   * teaches its room (60 s, the longest cooldown), may have been full or down; a move off a member
   * that refused nothing in that window, whose own last failure (or the call's own request there)
   * was a reply cut after it began, was made for the cut.
   */
  static String moveCause(Ledger ledger, List<Req> reqs, Heard h) {
    long since = h.at() - TimeUnit.SECONDS.toNanos(60);
    for (Req r : ledger.all) {
      if (r.host.equals(h.from())
          && r.received >= since
          && r.received <= h.at()
          && r.fault != null
          && r.fault.refusal()) {
        return null; // it refused a call: it may have been held, cooling, or learnt full
      }
    }
    Req own = lastBefore(reqs, h.from(), h.at());
    if (own != null && own.outcome != Outcome.COMPLETED && own.fault != null) {
      return own.fault.afterResponseBegan() ? "its own reply was cut (" + own.fault + ")" : null;
    }
    Req lastFailure = null;
    for (Req r : ledger.all) {
      if (r.host.equals(h.from())
          && r.received >= since
          && r.endedAt != 0
          && r.endedAt <= h.at()
          && r.fault != null
          && r.fault != Fault.WHOLE
          && r.fault != Fault.SLOW_FIRST_TOKEN
          && r.fault != Fault.LATE_HEADERS
          && (lastFailure == null || r.endedAt > lastFailure.endedAt)) {
        lastFailure = r;
      }
    }
    if (lastFailure != null && lastFailure.fault.afterResponseBegan()) {
      return "the member's last failure was a cut reply of call "
          + lastFailure.call
          + " ("
          + lastFailure.fault
          + ")";
    }
    return null;
  }

  private static final String NO_TARGET = "No target of the client's fallback chain takes the call";

  /**
   * Why a failure is not one the docs allow, or null when it is: a 400 not retried; a malformed
   * reply the server sent; a "no target takes the call" whose targets cooled on refusals (not on
   * cut replies); a failure after the policy's retries were spent on what the server did; a cut
   * stream not continued only for a reason the docs give.
   */
  static String disallowed(Ledger ledger, Result res, List<Req> reqs) {
    KimiException e = res.failure;
    String msg = e.getMessage() == null ? "" : e.getMessage();
    // a call meant to be refused with 400 whose requests never reached the server (a target
    // cooling, a connection refused) was never refused: it is judged as any other
    if (res.job.bad() && !reqs.isEmpty()) {
      if (!(e instanceof InvalidRequestException)) {
        return "a 400 reported as " + e.getClass().getSimpleName();
      }
      return reqs.size() == 1 ? null : "a 400 retried (" + reqs.size() + " requests)";
    }
    if (e instanceof InvalidRequestException) {
      return "a 400 the server never sent";
    }
    boolean malformedSent = reqs.stream().anyMatch(r -> r.fault == Fault.MALFORMED);
    if (e instanceof MalformedChunkException || e instanceof DecodingException) {
      return malformedSent ? null : "a malformed reply the server never sent";
    }
    if (msg.contains(NO_TARGET)) {
      String cut = cooledByCut(ledger, msg, res.endedAt);
      return cut == null ? null : "no target takes the call: " + cut;
    }
    // allowed once the policy's retries were spent on what the server did (the docs' own case,
    // for a cut stream too: "the policy has no retry left for it")
    if (e.attempts() >= 1 + DESCRIBED.maxRetries()) {
      return null;
    }
    if (e instanceof StreamException) {
      if (msg.contains("It was not continued") && msg.matches("(?s).*(retr|deadline).*")) {
        return null;
      }
      return "a cut stream not continued (" + e.getClass().getSimpleName() + ")";
    }
    return "gave up after "
        + e.attempts()
        + " attempt(s), retries unspent ("
        + e.getClass().getSimpleName()
        + ")";
  }

  /**
   * What each target of a "no target takes the call" failure last answered, in a few words: {@code
   * 0: HTTP 502, 1: no bytes, 2: HTTP 429}.
   */
  static String noTargetCause(String msg) {
    List<String> parts = new ArrayList<>();
    for (Matcher m : clauses(msg)) {
      String answer = m.group(4);
      String lower = answer.toLowerCase(Locale.ROOT);
      String kind;
      if (answer.startsWith("HTTP ")) {
        kind = answer.length() >= 8 ? answer.substring(0, 8) : answer;
      } else if (lower.contains("refused")) {
        kind = "refused";
      } else if (lower.contains("no bytes")) {
        kind = "no bytes";
      } else if (lower.contains("timed out") || lower.contains("timeout")) {
        kind = "timed out";
      } else {
        kind = answer.length() > 24 ? answer.substring(0, 24) : answer;
      }
      // the state is the clause's last part, after the host's own words (which may say "busy")
      String tail = lower.substring(lower.lastIndexOf(", ") + 1).trim();
      String state =
          tail.startsWith("probing")
              ? " probing"
              : tail.startsWith("cooling")
                  ? " cooling"
                  : tail.startsWith("busy for") ? " busy" : "";
      parts.add(m.group(1) + ": " + kind + state);
    }
    return parts.isEmpty() ? "unread" : String.join(", ", parts);
  }

  /** The clauses of a "no target takes the call" message, a target each, matched by CLAUSE. */
  static List<Matcher> clauses(String msg) {
    String body = msg.substring(msg.indexOf(NO_TARGET) + NO_TARGET.length());
    int hint = body.indexOf(". A call waits");
    if (hint >= 0) {
      body = body.substring(0, hint);
    }
    List<Matcher> out = new ArrayList<>();
    for (String clause : body.split("; (?=target \\d)")) {
      Matcher m = CLAUSE.matcher(clause.trim().replaceFirst("^:\\s*", ""));
      if (m.find()) {
        out.add(m);
      }
    }
    return out;
  }

  private static final Pattern CLAUSE =
      Pattern.compile("target (\\d+) \\((\\S+) at 127\\.0\\.0\\.1:(\\d+)[^)]*\\) answered (.*)");

  /**
   * Reads a "no target takes the call" message clause by clause: a target that cools or probes
   * after an answer that is not an HTTP refusal nor a refused connection is judged by the server's
   * books, its last failed request before the failure: a cut reply there is the forbidden cause.
   */
  static String cooledByCut(Ledger ledger, String msg, long at) {
    for (Matcher m : clauses(msg)) {
      String answer = m.group(4);
      if (answer.startsWith("HTTP ")
          || answer.toLowerCase(Locale.ROOT).contains("refused")
          || !(answer.contains("cooling") || answer.contains("probe"))) {
        continue;
      }
      String port = m.group(3);
      Req lastFailure = null;
      for (Req r : ledger.all) {
        if (r.fault != null
            && r.fault != Fault.WHOLE
            && r.fault != Fault.SLOW_FIRST_TOKEN
            && r.fault != Fault.LATE_HEADERS
            && r.endedAt != 0
            && r.endedAt <= at
            && portOf(r.host, ledger).equals(port)
            && (lastFailure == null || r.endedAt > lastFailure.endedAt)) {
          lastFailure = r;
        }
      }
      if (lastFailure != null
          && lastFailure.fault.afterResponseBegan()
          && !restartedBefore(ledger, port, at)) {
        return "target " + m.group(1) + " cooled after a cut reply (" + lastFailure.fault + ")";
      }
    }
    return null;
  }

  /** The ports of a ledger's hosts, set by the run. */
  static final Map<Ledger, Map<String, String>> PORTS = new ConcurrentHashMap<>();

  private static String portOf(String host, Ledger ledger) {
    return PORTS.getOrDefault(ledger, Map.of()).getOrDefault(host, "?");
  }

  static void ports(Ledger ledger, List<FaultServer> servers) {
    Map<String, String> m = new HashMap<>();
    Map<String, FaultServer> byPort = new HashMap<>();
    for (FaultServer s : servers) {
      m.put(s.name, Integer.toString(s.port()));
      byPort.put(Integer.toString(s.port()), s);
    }
    PORTS.put(ledger, m);
    SERVERS.put(ledger, byPort);
  }

  /** Each run's servers by their port, for the windows in which one was down (restarting). */
  private static final Map<Ledger, Map<String, FaultServer>> SERVERS =
      java.util.Collections.synchronizedMap(new java.util.WeakHashMap<>());

  /**
   * Tells whether the server on {@code port} restarted (its connections reset, before or after
   * their headers: a reset may drop headers the client had not read yet, so the client saw no
   * response) within the longest cooldown before {@code at}.
   */
  static boolean restartedBefore(Ledger ledger, String port, long at) {
    FaultServer s = SERVERS.getOrDefault(ledger, Map.of()).get(port);
    if (s == null) {
      return false;
    }
    long since = at - TimeUnit.SECONDS.toNanos(60);
    for (long[] w : s.downWindows()) {
      if (w[0] >= since && w[0] <= at) {
        return true;
      }
    }
    return false;
  }

  /** Tells whether some word of the reply's words (each carries its place) came twice. */
  static boolean wordTwice(String text) {
    Set<String> seen = new HashSet<>();
    Matcher m = WORD.matcher(text);
    while (m.find()) {
      if (!seen.add(m.group())) {
        return true;
      }
    }
    return false;
  }

  /** A word of a reply: letters then its place, found even where two copies run together. */
  private static final Pattern WORD = Pattern.compile("[^\\s\\d]+\\d+");

  private static String abbreviate(String s) {
    return s.length() <= 90 ? s : s.substring(0, 60) + " ... " + s.substring(s.length() - 25);
  }

  private static String oneLine(String s) {
    String t = s == null ? "" : s.replace('\n', ' ');
    return t.length() <= 400 ? t : t.substring(0, 400) + "...";
  }

  // ---- the load: the described client and the single one, interleaved ----

  /** The load's outcome: both clients' figures, the rounds' ratios, the idle checks. */
  static final class LoadReport {
    Load described;
    Load single;
    Figures df;
    Figures sf;
    final List<Double> roundRatios = new ArrayList<>();
    int openAfterIdle;
    String openAfterIdleDetail = "";
    int busyClientThreads;
    String busyThreadsDetail = "";
    int connectionsAfterClose;
    int idleConnectionsAfterClose;
    final List<Check> checks = new ArrayList<>();
  }

  static LoadReport load(
      long seed, int calls, int workers, int rounds, double scale, PrintStream log)
      throws Exception {
    LoadReport rep = new LoadReport();
    try (Described d = new Described(seed, scale);
        Single s = new Single(seed, scale)) {
      ports(d.ledger, d.servers());
      ports(s.ledger, s.servers());
      Events de = new Events(d.servers());
      Events se = new Events(s.servers());
      Load dl = new Load("described", d.ledger, de);
      Load sl = new Load("single", s.ledger, se);
      List<Job> jobs = jobs(seed, calls);
      KimiClient dc = described(d, de);
      KimiClient sc = single(s, se);
      try {
        for (int round = 0; round < rounds; round++) {
          List<Job> part = new ArrayList<>();
          int callsInPart = 0;
          for (int j = round; j < jobs.size(); j += rounds) {
            part.add(jobs.get(j));
            callsInPart += jobs.get(j).turns();
          }
          Duration bound = Duration.ofMinutes(10);
          boolean describedFirst = round % 2 == 0;
          long dw = 0;
          long sw = 0;
          for (int k = 0; k < 2; k++) {
            if ((k == 0) == describedFirst) {
              dw = runJobs(dc, part, 0, workers, d.ledger, dl.results, bound);
              log.printf(
                  Locale.ROOT,
                  "round %d described: %d calls in %.1f s%n",
                  round + 1,
                  callsInPart,
                  dw / 1e9);
            } else {
              sw = runJobs(sc, part, SINGLE_OFFSET, workers, s.ledger, sl.results, bound);
              log.printf(
                  Locale.ROOT,
                  "round %d single:    %d calls in %.1f s%n",
                  round + 1,
                  callsInPart,
                  sw / 1e9);
            }
          }
          dl.wallNanos += dw;
          sl.wallNanos += sw;
          dl.calls += callsInPart;
          sl.calls += callsInPart;
          double dRate = succeeded(dl.results, part, 0) / (double) dw;
          double sRate = succeeded(sl.results, part, SINGLE_OFFSET) / (double) sw;
          rep.roundRatios.add(sRate == 0 ? 0 : dRate / sRate);
        }
        // 6: the client idle afterwards: no request left open once every call ended
        int open = d.ledger.awaitQuiet(Duration.ofSeconds(15));
        rep.openAfterIdle = open + s.ledger.awaitQuiet(Duration.ofSeconds(1));
        List<String> openOnes = new ArrayList<>();
        for (Req r : d.ledger.open()) {
          openOnes.add(r.toString());
        }
        for (Req r : s.ledger.open()) {
          openOnes.add(r.toString());
        }
        rep.openAfterIdleDetail =
            String.join("; ", openOnes.subList(0, Math.min(5, openOnes.size())));
        busyThreads(rep);
      } finally {
        dc.close();
        sc.close();
      }
      rep.described = dl;
      rep.single = sl;
      rep.df = figures(dl);
      rep.sf = figures(sl);
      System.gc();
      int left = 0;
      int idle = 0;
      for (FaultServer fs : d.servers()) {
        left += fs.busyConnections();
        idle += fs.awaitNoConnection(Duration.ofSeconds(5));
      }
      left += s.s.busyConnections();
      idle += s.s.awaitNoConnection(Duration.ofSeconds(5));
      rep.connectionsAfterClose = left;
      rep.idleConnectionsAfterClose = idle;
    }
    judge(rep);
    return rep;
  }

  private static int succeeded(Map<Integer, Result> results, List<Job> part, int offset) {
    int n = 0;
    for (Job j : part) {
      for (int t = 0; t < j.turns(); t++) {
        Result r = results.get(j.firstCall() + offset + t);
        n += r != null && r.text != null ? 1 : 0;
      }
    }
    return n;
  }

  /**
   * Counts the client's threads that keep running once it is idle: running (not parked, not in a
   * native wait, not reading a socket: a connection read to its end or being closed) in at least
   * three of five samples 200 ms apart. A thread caught once on its way to rest is not busy.
   */
  static void busyThreads(LoadReport rep) throws InterruptedException {
    Map<Thread, Integer> seen = new java.util.HashMap<>();
    Map<Thread, String> where = new java.util.HashMap<>();
    for (int sample = 0; sample < 5; sample++) {
      for (Map.Entry<Thread, StackTraceElement[]> e : Thread.getAllStackTraces().entrySet()) {
        Thread t = e.getKey();
        if (!t.getName().startsWith("kimi") || t.getState() != Thread.State.RUNNABLE) {
          continue;
        }
        StackTraceElement[] st = e.getValue();
        boolean resting =
            st.length > 0
                && (st[0].isNativeMethod() || st[0].getClassName().startsWith("sun.nio.ch."));
        if (!resting) {
          seen.merge(t, 1, Integer::sum);
          where.put(t, t.getName() + " at " + (st.length > 0 ? st[0] : "?"));
        }
      }
      TimeUnit.MILLISECONDS.sleep(200);
    }
    List<String> names = new ArrayList<>();
    for (Map.Entry<Thread, Integer> e : seen.entrySet()) {
      if (e.getValue() >= 3) {
        names.add(where.get(e.getKey()));
      }
    }
    rep.busyClientThreads = names.size();
    rep.busyThreadsDetail = String.join(", ", names);
  }

  static void judge(LoadReport rep) {
    Figures d = rep.df;
    rep.checks.add(
        new Check(
            "1 exact text",
            d.wrongText
                + " of "
                + d.succeeded
                + " successful calls wrong ("
                + d.wordTwice
                + " with a word twice, "
                + d.missingWords
                + " short); "
                + rep.sf.wrongText
                + " of "
                + rep.sf.succeeded
                + " on one target",
            "0",
            d.wrongText == 0));
    double lateRate = d.lateHeaders == 0 ? 0 : (double) d.lateHeadersHedged / d.lateHeaders;
    double slowRate = d.slowToken == 0 ? 0 : (double) d.slowTokenHedged / d.slowToken;
    rep.checks.add(
        new Check(
            "2 hedged copies closed",
            d.hedges
                + " hedges, "
                + d.hedgedCopiesNotClosed
                + " slow copies the client did not close; "
                + rep.openAfterIdle
                + " requests open once idle",
            "0 and 0",
            d.hedgedCopiesNotClosed == 0 && rep.openAfterIdle == 0));
    rep.checks.add(
        new Check(
            "2 late headers hedged",
            String.format(
                Locale.ROOT,
                "%d of %d streams with late headers (%.2f), %d of %d with a late first token (%.2f)",
                d.lateHeadersHedged,
                d.lateHeaders,
                lateRate,
                d.slowTokenHedged,
                d.slowToken,
                slowRate),
            "late ≥ 0.5 × slow, and > 0",
            d.lateHeadersHedged > 0 && lateRate >= 0.5 * slowRate));
    int disallowed = d.failed - d.allowedFailures;
    rep.checks.add(
        new Check(
            "3 failures allowed",
            disallowed
                + " of "
                + d.failed
                + " failures not allowed "
                + d.disallowed
                + "; one target: "
                + (rep.sf.failed - rep.sf.allowedFailures)
                + " of "
                + rep.sf.failed,
            "0",
            disallowed == 0));
    rep.checks.add(
        new Check(
            "4 conversations moved only off a full, overloaded or down member",
            d.movesAfterCut
                + " of "
                + d.moves
                + " moves and fallbacks of conversation turns after a cut",
            "0",
            d.movesAfterCut == 0));
    double ratio =
        rep.single.callsPerSecond() == 0
            ? 0
            : rep.described.callsPerSecond() / rep.single.callsPerSecond();
    rep.checks.add(
        new Check(
            "5 throughput vs one target",
            String.format(
                Locale.ROOT,
                "%.2fx (%.1f vs %.1f successful calls/s; rounds %s)",
                ratio,
                rep.described.callsPerSecond(),
                rep.single.callsPerSecond(),
                rounds(rep.roundRatios)),
            "≥ 0.90x",
            ratio >= 0.9));
    rep.checks.add(
        new Check(
            "6 nothing lost, nothing twice, idle after",
            d.lost
                + " lost, "
                + d.endedTwice
                + " ended twice, "
                + d.listenerEndsNotOne
                + " calls the listener did not hear end exactly once; "
                + rep.busyClientThreads
                + " client threads busy once idle; "
                + rep.connectionsAfterClose
                + " connections serving after close ("
                + rep.idleConnectionsAfterClose
                + " open at all after close and a GC)",
            "0, 0, 0; 0; 0",
            d.lost == 0
                && d.endedTwice == 0
                && d.listenerEndsNotOne == 0
                && rep.busyClientThreads == 0
                && rep.connectionsAfterClose == 0));
    rep.checks.add(
        new Check(
            "7 every change of a conversation's member told",
            d.untoldChanges
                + " of "
                + d.memberChanges
                + " changes of member untold (in "
                + d.conversationsUntold
                + " of "
                + d.conversationsChanged
                + " conversations that changed member)",
            "0",
            d.untoldChanges == 0));
    rep.checks.add(
        new Check(
            "8 every failure's status one a server sent",
            d.statusesNotSent
                + " of "
                + d.failuresWithStatus
                + " failures with a status that no server sent (sent: "
                + d.sentStatuses
                + ")",
            "0",
            d.statusesNotSent == 0));
  }

  private static String rounds(List<Double> ratios) {
    List<String> out = new ArrayList<>();
    for (double r : ratios) {
      out.add(String.format(Locale.ROOT, "%.2f", r));
    }
    return String.join(", ", out);
  }

  // ---- the scenarios ----

  /** A scenario's outcome: a check of its own. */
  static Check keepAlive(int streams) throws Exception {
    FaultServer.Script script = (call, arrival, stream, continuation) -> Fault.KEEP_ALIVE_FIRST;
    Ledger ledger = new Ledger(90, script);
    try (FaultServer a = new FaultServer("K", Dialect.VLLM, ledger, 0);
        KimiClient client =
            KimiClient.builder()
                .host(Host.vllm(a.baseUrl()))
                .timeouts(
                    Timeouts.defaults()
                        .withStreamIdle(Duration.ofMillis(300))
                        .withFirstEvent(Duration.ofSeconds(20)))
                .build()) {
      AtomicInteger cut = new AtomicInteger();
      AtomicInteger exact = new AtomicInteger();
      List<String> errors = new CopyOnWriteArrayList<>();
      ExecutorService pool = Executors.newFixedThreadPool(4);
      CountDownLatch done = new CountDownLatch(streams);
      for (int i = 1; i <= streams; i++) {
        int call = i;
        pool.execute(
            () -> {
              ChatRequest req =
                  ChatRequest.builder(MODEL)
                      .thinking(Thinking.disabled())
                      .addUser("say fc-" + call)
                      .build();
              CompletableFuture<String> text = new CompletableFuture<>();
              client.stream(req).subscribe(new SlowFirst(text));
              try {
                String t = text.get(60, TimeUnit.SECONDS);
                if (t.equals(ledger.fullText(call))) {
                  exact.incrementAndGet();
                }
              } catch (Exception e) {
                cut.incrementAndGet();
                if (errors.size() < 2) {
                  errors.add(oneLine(String.valueOf(e.getCause() == null ? e : e.getCause())));
                }
              } finally {
                done.countDown();
              }
            });
      }
      done.await(5, TimeUnit.MINUTES);
      pool.shutdownNow();
      return new Check(
          "a keep-alive: slow subscriber, first event after 0.8 s of keep-alives",
          cut.get()
              + " of "
              + streams
              + " streams cut, "
              + exact.get()
              + " exact; "
              + (ledger.all.size() - streams)
              + " requests beyond one a stream"
              + (errors.isEmpty() ? "" : "; e.g. " + errors.get(0)),
          "0 cut",
          cut.get() == 0 && exact.get() == streams);
    }
  }

  /** A Flow subscriber that spends 150 ms on the first chunk, as an inline handler does. */
  static final class SlowFirst implements Flow.Subscriber<ChatCompletionChunk> {
    private final CompletableFuture<String> text;
    private final StringBuilder b = new StringBuilder();
    private Flow.Subscription sub;
    private boolean first = true;

    SlowFirst(CompletableFuture<String> text) {
      this.text = text;
    }

    @Override
    public void onSubscribe(Flow.Subscription s) {
      sub = s;
      s.request(1);
    }

    @Override
    public void onNext(ChatCompletionChunk c) {
      if (first) {
        first = false;
        try {
          TimeUnit.MILLISECONDS.sleep(150); // the handler's own work, as the case
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
      }
      b.append(c.text());
      sub.request(1);
    }

    @Override
    public void onError(Throwable t) {
      text.completeExceptionally(t);
    }

    @Override
    public void onComplete() {
      text.complete(b.toString());
    }
  }

  /** Calls that must fail: how long each took and whether its error says it waited. */
  static Check busy(boolean chain, int calls, Duration bound) throws Exception {
    FaultServer.Script script = (call, arrival, stream, continuation) -> Fault.BUSY;
    Ledger ledger = new Ledger(90, script);
    List<FaultServer> servers = new ArrayList<>();
    servers.add(new FaultServer("A", Dialect.VLLM, ledger, 0));
    if (chain) {
      servers.add(new FaultServer("B", Dialect.VLLM, ledger, 0));
      servers.add(new FaultServer("M", Dialect.MOONSHOT, ledger, 0));
    }
    KimiClient.Builder b = KimiClient.builder().host(Host.vllm(servers.get(0).baseUrl()));
    if (chain) {
      b.replica(Target.of(Host.vllm(servers.get(1).baseUrl())))
          .fallback(
              Target.of(Host.moonshot(Endpoint.of(servers.get(2).baseUrl())), MODEL)
                  .apiKey("sk-fault-moonshot"));
    }
    List<String> times = new ArrayList<>();
    int within = 0;
    int saysWaited = 0;
    String example = "";
    try (KimiClient client = b.build()) {
      for (int i = 1; i <= calls; i++) {
        ChatRequest req =
            ChatRequest.builder(MODEL).thinking(Thinking.disabled()).addUser("say fc-" + i).build();
        long start = System.nanoTime();
        CompletableFuture<?> f = client.chatAsync(req);
        String outcome;
        try {
          f.get(bound.toMillis(), TimeUnit.MILLISECONDS);
          outcome = "succeeded";
        } catch (TimeoutException e) {
          f.cancel(true);
          outcome = "still waiting";
        } catch (java.util.concurrent.ExecutionException e) {
          Throwable c = e.getCause();
          outcome = c.getClass().getSimpleName();
          String msg = String.valueOf(c.getMessage());
          if (msg.matches("(?is).*\\bwaited\\b.*")) {
            saysWaited++;
          }
          example = oneLine(msg);
        }
        double took = (System.nanoTime() - start) / 1e9;
        if (took <= 10 && !outcome.equals("succeeded")) {
          within++;
        }
        times.add(
            String.format(
                Locale.ROOT,
                "%s%.1f s (%s)",
                took > bound.toSeconds() - 0.5 ? ">" : "",
                took,
                outcome));
      }
    } finally {
      servers.forEach(FaultServer::close);
    }
    return new Check(
        chain
            ? "b two busy vLLM replicas and an overloaded Moonshot, defaults"
            : "c one busy vLLM alone, defaults",
        String.join(", ", times)
            + "; "
            + saysWaited
            + " of "
            + calls
            + " say how long they waited; "
            + ledger.all.size()
            + " requests; last: "
            + example,
        "each fails within 10 s, saying how long it waited",
        within == calls && saysWaited == calls);
  }

  /** A replica whose port is closed reads DOWN in checkTargets(). */
  static Check deadReplica() throws Exception {
    FaultServer.Script script = (call, arrival, stream, continuation) -> Fault.WHOLE;
    Ledger ledger = new Ledger(90, script);
    try (FaultServer a = new FaultServer("A", Dialect.VLLM, ledger, 0);
        FaultServer dead = new FaultServer("B", Dialect.VLLM, ledger, 0)) {
      dead.kill();
      try (KimiClient client =
          KimiClient.builder()
              .host(Host.vllm(a.baseUrl()))
              .replica(Target.of(Host.vllm(dead.baseUrl())))
              .build()) {
        int failed = 0;
        for (int i = 1; i <= 6; i++) {
          try {
            client.chat(
                ChatRequest.builder(MODEL)
                    .thinking(Thinking.disabled())
                    .addUser("say fc-" + i)
                    .build());
          } catch (KimiException e) {
            failed++;
          }
        }
        TargetStatus.Condition before = null;
        for (TargetStatus st : client.account().targets()) {
          if (st.target().host().endpoint().uri().getPort() == dead.port()) {
            before = st.condition();
          }
        }
        TargetStatus.Condition checked = null;
        String shown = "";
        for (TargetStatus st : client.account().checkTargets()) {
          if (st.target().host().endpoint().uri().getPort() == dead.port()) {
            checked = st.condition();
            shown = st.state() + (st.ping() == null ? "" : ", " + st.ping().status());
          }
        }
        return new Check(
            "d a dead replica in checkTargets()",
            "condition "
                + checked
                + " ("
                + shown
                + "); targets() said "
                + before
                + "; "
                + failed
                + " of 6 calls failed",
            "DOWN",
            checked == TargetStatus.Condition.DOWN);
      }
    }
  }

  /** A stream cut after its text began, on a client without continuation: what its error says. */
  static Check cutMessage() throws Exception {
    FaultServer.Script script = (call, arrival, stream, continuation) -> Fault.CUT_AFTER_TEXT;
    Ledger ledger = new Ledger(90, script);
    try (FaultServer a = new FaultServer("A", Dialect.VLLM, ledger, 0);
        FaultServer m = new FaultServer("M", Dialect.MOONSHOT, ledger, 0);
        KimiClient client =
            KimiClient.builder()
                .host(Host.vllm(a.baseUrl()))
                .fallback(
                    Target.of(Host.moonshot(Endpoint.of(m.baseUrl())), MODEL)
                        .apiKey("sk-fault-moonshot"))
                .build()) {
      String msg = "(no failure)";
      String type = "";
      try (ChatStream s =
          client.stream(
              ChatRequest.builder(MODEL)
                  .thinking(Thinking.disabled())
                  .addUser("say fc-1")
                  .build())) {
        for (ChatCompletionChunk c : s) {
          c.text();
        }
      } catch (KimiException e) {
        msg = String.valueOf(e.getMessage());
        type = e.getClass().getSimpleName();
      }
      String host = "127.0.0.1:" + a.port();
      List<String> missing = new ArrayList<>();
      if (!msg.contains("vLLM") || !msg.contains(host)) {
        missing.add("the host (vLLM at " + host + ")");
      }
      if (!msg.contains("target 0")) {
        missing.add("the target (target 0)");
      }
      if (!msg.contains("withStreamContinuation")) {
        missing.add("withStreamContinuation");
      }
      if (!msg.contains("resumeRequest()")) {
        missing.add("resumeRequest()");
      }
      if (msg.contains("jdk.internal") || msg.matches("(?s).*\\b(EOFException|IOException)\\b.*")) {
        missing.add("no JDK internal words");
      }
      return new Check(
          "e a cut stream's error without continuation",
          type
              + (missing.isEmpty() ? ", names all" : ", lacks " + String.join(", ", missing))
              + ": \""
              + oneLine(msg)
              + "\"",
          "host, target, withStreamContinuation, resumeRequest()",
          missing.isEmpty());
    }
  }

  // ---- the program ----

  public static void main(String[] args) throws Exception {
    String mode = "all";
    int calls = 3000;
    int workers = 48;
    long seed = 90;
    int rounds = 3;
    double scale = 1;
    boolean strict = false;
    Path out = null;
    for (int i = 0; i < args.length; i++) {
      switch (args[i]) {
        case "--calls" -> calls = Integer.parseInt(args[++i]);
        case "--workers" -> workers = Integer.parseInt(args[++i]);
        case "--seed" -> seed = Long.parseLong(args[++i]);
        case "--rounds" -> rounds = Integer.parseInt(args[++i]);
        case "--strict" -> strict = true;
        case "--fault-scale" -> scale = Double.parseDouble(args[++i]);
        case "--out" -> out = Path.of(args[++i]);
        default -> mode = args[i];
      }
    }
    PrintStream log = System.out;
    long start = System.nanoTime();
    log.printf(
        Locale.ROOT,
        "FaultRun %s: %d calls, %d workers, seed %d, %d rounds, fault scale %.2f; JDK %s, %d"
            + " cores, load %.1f%n",
        mode,
        calls,
        workers,
        seed,
        rounds,
        scale,
        System.getProperty("java.version"),
        Runtime.getRuntime().availableProcessors(),
        ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage());
    List<Check> checks = new ArrayList<>();
    LoadReport rep = null;
    if (mode.equals("all") || mode.equals("load")) {
      rep = load(seed, calls, workers, rounds, scale, log);
      checks.addAll(rep.checks);
    }
    if (mode.equals("all") || mode.equals("keepalive")) {
      checks.add(keepAlive(20));
    }
    if (mode.equals("all") || mode.equals("busy-chain")) {
      checks.add(busy(true, 3, Duration.ofSeconds(75)));
    }
    if (mode.equals("all") || mode.equals("busy-one")) {
      checks.add(busy(false, 3, Duration.ofSeconds(75)));
    }
    if (mode.equals("all") || mode.equals("dead-replica")) {
      checks.add(deadReplica());
    }
    if (mode.equals("all") || mode.equals("cut-message")) {
      checks.add(cutMessage());
    }
    String table = table(checks, rep);
    log.println();
    log.print(table);
    log.printf(
        Locale.ROOT,
        "%nran %.0f s; %d of %d checks met%n",
        (System.nanoTime() - start) / 1e9,
        checks.stream().filter(Check::met).count(),
        checks.size());
    if (out != null) {
      Files.writeString(out, table, StandardCharsets.UTF_8);
    }
    if (strict && checks.stream().anyMatch(c -> !c.met())) {
      System.exit(1);
    }
    System.exit(0);
  }

  /** The table of checks, then the load's detail, as Markdown. */
  static String table(List<Check> checks, LoadReport rep) {
    StringBuilder b = new StringBuilder();
    b.append("| check | figure | target | met |\n|---|---|---|---|\n");
    for (Check c : checks) {
      b.append("| ")
          .append(c.name())
          .append(" | ")
          .append(c.figure().replace("|", "/"))
          .append(" | ")
          .append(c.target())
          .append(" | ")
          .append(c.met() ? "yes" : "**no**")
          .append(" |\n");
    }
    if (rep != null) {
      b.append('\n');
      detail(b, "described (A + replica B, Moonshot fallback)", rep.described, rep.df);
      detail(b, "single target (one vLLM)", rep.single, rep.sf);
      if (!rep.openAfterIdleDetail.isEmpty()) {
        b.append("- requests open once idle: ").append(rep.openAfterIdleDetail).append('\n');
      }
      if (!rep.busyThreadsDetail.isEmpty()) {
        b.append("- client threads busy once idle: ").append(rep.busyThreadsDetail).append('\n');
      }
    }
    return b.toString();
  }

  private static void detail(StringBuilder b, String title, Load l, Figures f) {
    b.append(
        String.format(
            Locale.ROOT,
            "- %s: %d calls in %.1f s (%.1f successful calls/s): %d succeeded, %d failed (%d allowed), %d"
                + " lost; %d server requests %s; %d hedges, %d continuations%n",
            title,
            l.calls,
            l.wallNanos / 1e9,
            l.callsPerSecond(),
            f.succeeded,
            f.failed,
            f.allowedFailures,
            f.lost,
            f.serverRequests,
            f.faults,
            f.hedges,
            f.continued));
    b.append("  - failures by type: ").append(f.failureKinds).append('\n');
    if (!f.noTargetCauses.isEmpty()) {
      b.append("  - \"no target takes the call\" by what each target last answered: ")
          .append(f.noTargetCauses)
          .append('\n');
    }
    if (!f.disallowed.isEmpty()) {
      b.append("  - not allowed: ").append(f.disallowed).append('\n');
      for (String e : f.disallowedExamples) {
        b.append("    - ").append(e.replace("|", "/")).append('\n');
      }
    }
    for (String e : f.wrongExamples) {
      b.append("  - wrong text: ").append(e.replace("|", "/")).append('\n');
    }
    for (String e : f.hedgeExamples) {
      b.append("  - slow copy not closed by the client: ").append(e).append('\n');
    }
    for (String e : f.moveExamples) {
      b.append("  - move after a cut: ").append(e).append('\n');
    }
    for (String v : f.serverViolations.subList(0, Math.min(5, f.serverViolations.size()))) {
      b.append("  - server saw: ").append(v).append('\n');
    }
    if (!f.serverViolations.isEmpty()) {
      b.append("  - server violations: ").append(f.serverViolations.size()).append('\n');
    }
  }

  /** Today's date, for the results file's name. */
  static String today() {
    return LocalDate.now().toString();
  }
}
