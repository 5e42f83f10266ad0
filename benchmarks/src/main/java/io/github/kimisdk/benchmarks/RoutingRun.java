package io.github.kimisdk.benchmarks;

import io.github.kimisdk.Endpoint;
import io.github.kimisdk.KimiClient;
import io.github.kimisdk.RateLimit;
import io.github.kimisdk.ResponseMetadata;
import io.github.kimisdk.RetryPolicy;
import io.github.kimisdk.Target;
import io.github.kimisdk.chat.ChatCompletion;
import io.github.kimisdk.chat.ChatCompletionChunk;
import io.github.kimisdk.chat.ChatRequest;
import io.github.kimisdk.chat.ChatStream;
import io.github.kimisdk.chat.Conversation;
import io.github.kimisdk.chat.Thinking;
import io.github.kimisdk.chat.Usage;
import io.github.kimisdk.errors.KimiException;
import io.github.kimisdk.errors.StreamException;
import io.github.kimisdk.host.Host;
import io.github.kimisdk.host.ServedBy;
import io.github.kimisdk.json.JsonArray;
import io.github.kimisdk.json.JsonBoolean;
import io.github.kimisdk.json.JsonObject;
import io.github.kimisdk.json.JsonString;
import io.github.kimisdk.json.JsonValue;
import io.github.kimisdk.testing.FakeKimiServer;
import io.github.kimisdk.testing.RecordedRequest;
import java.io.PrintStream;
import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.IntConsumer;
import java.util.function.ToDoubleFunction;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The routing scenarios of issue 86, against replicas of one model played by {@link FakeKimiServer}
 * in the vLLM dialect (each admitting 2 requests at once and answering a third 503, each answer 250
 * ms, each replica with its own prefix cache), through the client {@link #routed} makes, each
 * beside the same load on one replica held to its limit (the baseline the ratios use), in
 * interleaved rounds:
 *
 * <ul>
 *   <li>{@code conversations}: six conversations of eight turns at once: wall, 503s, the share of
 *       the cacheable prompt tokens served from a cache (cacheable: what one replica that served
 *       each conversation alone reports as cached, replayed after the round), whether both replicas
 *       answered, how many conversations switched replica and how often;
 *   <li>{@code singles}: 40 single calls from 8 threads: wall, 503s;
 *   <li>{@code slow-first-token}: 30 streamed calls, one at a time, one replica 3 s to its first
 *       chunk on every fifth stream (else 0.1 s, as the other): time to first text (p50, p95, max),
 *       extra requests (sent to the replicas beyond the calls), completion tokens of replies the
 *       caller never read (the client's spend beyond the replies read); its baseline is one healthy
 *       replica;
 *   <li>{@code cut-streams}: 10 streams, every second cut after 5 of its 12 chunks by the replica
 *       that serves it: how many finish without the caller retrying, and after the caller's own
 *       {@code resumeRequest()} how many have the exact text, each word once; with a second replica
 *       in the vLLM and in Moonshot's dialect, and the resume in Moonshot's form (what {@code
 *       resumeRequest()} sent to every host before issue 86) as a reference.
 * </ul>
 *
 * <p>It is a benchmark, not a test: it prints the figures, judges nothing and always exits 0 once
 * it ran. Arguments: the scenarios (all by default), {@code --rounds N} (3). The replicas are
 * in-process; the client is the only thing the routing work changes ({@link #routed}).
 *
 * <pre>
 * java -cp benchmarks/target/benchmarks.jar io.github.kimisdk.benchmarks.RoutingRun --rounds 3
 * </pre>
 */
public final class RoutingRun {

  /** A replica's service time, as issue 86 measured it. */
  static final Duration SERVICE = Duration.ofMillis(250);

  /** What each replica admits at once; past it, vLLM's 503. */
  static final int ADMITS = 2;

  static final String MODEL = "kimi-k3";

  private RoutingRun() {}

  // ---- the clients ----

  /**
   * How long a call may wait for a replica that cools down rather than fail: docs/hosts.md's
   * setting for a caller that would rather wait ({@code RetryPolicy.withRateLimitWait}). Without it
   * a call that finds both replicas refusing or cooling fails at once.
   */
  static final Duration WAIT = Duration.ofMinutes(1);

  /**
   * The client the routing is measured through: the first replica the client's own host and each
   * other its replica ({@code KimiClient.Builder.replica}), one group that shares the load, with
   * the {@link #ROUTED} policy. Before issue 86 this was {@link #chainWaiting}.
   *
   * @param replicas the replicas, each a vLLM
   * @return the client
   */
  static KimiClient routed(List<FakeKimiServer> replicas) {
    KimiClient.Builder b =
        KimiClient.builder().host(Host.vllm(replicas.get(0).baseUrl())).retryPolicy(ROUTED);
    for (FakeKimiServer r : replicas.subList(1, replicas.size())) {
      b.replica(Target.of(Host.vllm(r.baseUrl())));
    }
    return b.build();
  }

  /**
   * The routed client's policy: hedging after half a second without text within a quarter of extra
   * requests, cut streams continued, and waits for a busy replica within {@link #WAIT}.
   */
  static final RetryPolicy ROUTED =
      RetryPolicy.defaults()
          .withRateLimitWait(WAIT)
          .withHedging(Duration.ofMillis(500), 0.25)
          .withStreamContinuation(true);

  /** Issue 86's chain: the first replica the client's own host, the other a fallback target. */
  static KimiClient chainWaiting(List<FakeKimiServer> replicas) {
    return chain(replicas, RetryPolicy.defaults().withRateLimitWait(WAIT));
  }

  /** Today's chain with the default retry policy: a call fails when every replica cools. */
  static KimiClient chainWithTheDefaultPolicy(List<FakeKimiServer> replicas) {
    return chain(replicas, RetryPolicy.defaults());
  }

  private static KimiClient chain(List<FakeKimiServer> replicas, RetryPolicy policy) {
    KimiClient.Builder b =
        KimiClient.builder().host(Host.vllm(replicas.get(0).baseUrl())).retryPolicy(policy);
    for (FakeKimiServer r : replicas.subList(1, replicas.size())) {
      b.fallback(Target.of(Host.vllm(r.baseUrl())));
    }
    return b.build();
  }

  /**
   * The variant of today's chain: every target held to the replica's limit with {@code
   * RateLimit.maxConcurrency}, so a call waits for its target rather than spilling to the next.
   */
  static KimiClient chainEachHeldToItsLimit(List<FakeKimiServer> replicas) {
    RateLimit held = RateLimit.builder().maxConcurrency(ADMITS).build();
    KimiClient.Builder b =
        KimiClient.builder().host(Host.vllm(replicas.get(0).baseUrl())).rateLimit(held);
    for (FakeKimiServer r : replicas.subList(1, replicas.size())) {
      b.fallback(Target.of(Host.vllm(r.baseUrl())).rateLimit(held));
    }
    return b.build();
  }

  /** The baseline: the same load on one replica, the client held to its limit (no 503). */
  static KimiClient oneReplicaHeldToItsLimit(List<FakeKimiServer> one) {
    return KimiClient.builder()
        .host(Host.vllm(one.get(0).baseUrl()))
        .rateLimit(RateLimit.builder().maxConcurrency(ADMITS).build())
        .build();
  }

  /** Today's chain with a second replica in Moonshot's dialect (a Moonshot-compatible server). */
  static KimiClient routedToAMoonshotSecond(List<FakeKimiServer> replicas) {
    return KimiClient.builder()
        .host(Host.vllm(replicas.get(0).baseUrl()))
        .retryPolicy(ROUTED)
        .replica(
            Target.of(Host.moonshot(Endpoint.of(replicas.get(1).baseUrl()))).apiKey("sk-second"))
        .build();
  }

  /** Today's chain, but resuming in Moonshot's form on vLLM, as before issue 86's groundwork. */
  static KimiClient routedResumingInMoonshotsForm(List<FakeKimiServer> replicas) {
    Host first = Host.vllm(replicas.get(0).baseUrl()).withContinuation(Host.Continuation.PARTIAL);
    return KimiClient.builder()
        .host(first)
        .fallback(
            Target.of(
                Host.vllm(replicas.get(1).baseUrl()).withContinuation(Host.Continuation.PARTIAL)))
        .build();
  }

  // ---- the replicas ----

  /** Replicas of one model: vLLM, admitting 2, 250 ms per answer, then {@code more}. */
  static List<FakeKimiServer> replicas(int n, Duration service, Consumer<FakeKimiServer> more) {
    return FakeKimiServer.replicas(
        n,
        s -> {
          s.dialect("vllm").maxConcurrency(ADMITS).serviceTime(service);
          more.accept(s);
        });
  }

  static void close(List<FakeKimiServer> servers) {
    servers.forEach(FakeKimiServer::close);
  }

  /** The replica that answered, by the port of the target that served; 0 without a name. */
  static int replicaOf(ResponseMetadata metadata, List<FakeKimiServer> replicas) {
    ServedBy served = metadata == null ? null : metadata.servedBy();
    if (served == null) {
      return 0;
    }
    int port = served.baseUrl().getPort();
    for (int i = 0; i < replicas.size(); i++) {
      if (replicas.get(i).port() == port) {
        return i;
      }
    }
    return 0;
  }

  static int refusals(List<FakeKimiServer> replicas) {
    return replicas.stream().mapToInt(FakeKimiServer::rateLimitedCount).sum();
  }

  static int requests(List<FakeKimiServer> replicas) {
    return replicas.stream().mapToInt(FakeKimiServer::requestCount).sum();
  }

  // ---- the scenarios ----

  /**
   * What one run of a scenario measured: what every scenario measures, and what its own measures
   * (null where it measures none).
   *
   * @param client the client's name
   * @param wallSeconds the run's wall time
   * @param refusals the replicas' refusals past their limit (503s)
   * @param failed the calls that failed
   * @param served the calls each replica answered
   * @param cache the conversations' cache and replica switches
   * @param firstText the streams' time to first text
   * @param cut the cut streams' fate
   */
  record Figures(
      String client,
      double wallSeconds,
      int refusals,
      int failed,
      String served,
      Cache cache,
      FirstText firstText,
      Cut cut) {}

  /**
   * The share of the cacheable prompt tokens served from a cache (-1 when none was cacheable), the
   * conversations that switched replica, and the switches.
   */
  record Cache(double fromCache, int conversationsSwitched, int switches) {}

  /**
   * Time to first text (p50, p95, max, in seconds), the requests beyond the calls, and the
   * completion tokens of replies the caller never read.
   */
  record FirstText(double p50, double p95, double max, int extraRequests, long unusedTokens) {}

  /**
   * Streams that finished without the caller retrying, exact after the caller's resume, with a word
   * twice, and the requests beyond the calls (resumes, continuations, hedged copies, refusals); and
   * what the replicas recorded: the streams they cut, the cuts they were asked to continue (each
   * answer a replica read as going on from a call's partial text, counted once per call and text,
   * whichever replica and however many copies), the most of them for one call, and the requests
   * beyond each call's first and those continuations (hedged copies, retries of a refusal).
   */
  record Cut(
      int finishedUnaided,
      int exactAfterResume,
      int wordsTwice,
      int extraRequests,
      int cuts,
      int continuations,
      int mostContinuationsOfOneCall,
      int otherRequests) {}

  /**
   * Runs {@code task(0)} to {@code task(n - 1)} at once, each on a thread; returns the wall time.
   */
  static double atOnce(int n, IntConsumer task) throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(n);
    try {
      List<Future<?>> done = new ArrayList<>();
      long start = System.nanoTime();
      for (int i = 0; i < n; i++) {
        int which = i;
        done.add(pool.submit(() -> task.accept(which)));
      }
      for (Future<?> f : done) {
        f.get();
      }
      return (System.nanoTime() - start) / 1e9;
    } finally {
      pool.shutdownNow();
    }
  }

  /** The instructions of conversation {@code c}: its own, and long enough to be cached. */
  static String system(int c) {
    return ("Conversation " + c + ". You are a careful assistant for a travel agency. ")
        .repeat(30)
        .strip();
  }

  static ChatRequest.Builder thinkingOff(ChatRequest.Builder b) {
    return b.thinking(Thinking.disabled());
  }

  /** Six conversations of eight turns at once. */
  static Figures conversations(
      String name, Function<List<FakeKimiServer>, KimiClient> client, int replicaCount)
      throws Exception {
    int conversations = 6;
    int turns = 8;
    List<FakeKimiServer> replicas = replicas(replicaCount, SERVICE, s -> {});
    List<List<ChatRequest>> sent = new ArrayList<>();
    List<List<Integer>> servedBy = new ArrayList<>();
    AtomicLong cached = new AtomicLong();
    AtomicInteger failed = new AtomicInteger();
    for (int c = 0; c < conversations; c++) {
      sent.add(Collections.synchronizedList(new ArrayList<>()));
      servedBy.add(Collections.synchronizedList(new ArrayList<>()));
    }
    double wall;
    try (KimiClient kimi = client.apply(replicas)) {
      wall =
          atOnce(
              conversations,
              c -> {
                Conversation chat = Conversation.create().addSystem(system(c));
                for (int t = 0; t < turns; t++) {
                  chat.addUser("Turn " + t + ": where should I go next, and when?");
                  ChatRequest r = thinkingOff(chat.request(MODEL)).build();
                  try {
                    ChatCompletion reply = kimi.chat(r);
                    chat.addReply(reply);
                    sent.get(c).add(r);
                    servedBy.get(c).add(replicaOf(reply.metadata(), replicas));
                    Integer hit = reply.usage() == null ? null : reply.usage().cachedTokens();
                    cached.addAndGet(hit == null ? 0 : hit);
                  } catch (KimiException e) {
                    failed.incrementAndGet();
                    return; // the conversation ends with its first failed turn
                  }
                }
              });
    } finally {
      close(replicas);
    }
    long cacheable = cacheable(sent);
    int[] served = new int[replicaCount];
    int switched = 0;
    int switches = 0;
    for (List<Integer> where : servedBy) {
      int mine = 0;
      for (int i = 0; i < where.size(); i++) {
        served[where.get(i)]++;
        if (i > 0 && !where.get(i).equals(where.get(i - 1))) {
          mine++;
        }
      }
      switches += mine;
      switched += mine > 0 ? 1 : 0;
    }
    return new Figures(
        name,
        wall,
        refusals(replicas),
        failed.get(),
        Arrays.toString(served),
        new Cache(cacheable == 0 ? -1 : (double) cached.get() / cacheable, switched, switches),
        null,
        null);
  }

  /**
   * The cacheable prompt tokens of the requests sent: what one replica that served each
   * conversation alone reports as cached, replayed one request at a time on a fresh replica.
   */
  static long cacheable(List<List<ChatRequest>> sent) throws Exception {
    List<FakeKimiServer> alone = FakeKimiServer.replicas(1, s -> s.dialect("vllm"));
    long total = 0;
    try (KimiClient kimi = KimiClient.builder().host(Host.vllm(alone.get(0).baseUrl())).build()) {
      for (List<ChatRequest> conversation : sent) {
        for (ChatRequest r : conversation) {
          Integer c = kimi.chat(r).usage().cachedTokens();
          total += c == null ? 0 : c;
        }
      }
    } finally {
      close(alone);
    }
    return total;
  }

  /** 40 single calls from 8 threads. */
  static Figures singles(
      String name, Function<List<FakeKimiServer>, KimiClient> client, int replicaCount)
      throws Exception {
    int threads = 8;
    int each = 5;
    List<FakeKimiServer> replicas = replicas(replicaCount, SERVICE, s -> {});
    AtomicInteger failed = new AtomicInteger();
    int[] served = new int[replicaCount];
    double wall;
    try (KimiClient kimi = client.apply(replicas)) {
      wall =
          atOnce(
              threads,
              thread -> {
                for (int i = 0; i < each; i++) {
                  ChatRequest r =
                      thinkingOff(
                              ChatRequest.builder(MODEL).addUser("single call " + thread + "." + i))
                          .build();
                  try {
                    int where = replicaOf(kimi.chat(r).metadata(), replicas);
                    synchronized (served) {
                      served[where]++;
                    }
                  } catch (KimiException e) {
                    failed.incrementAndGet();
                  }
                }
              });
    } finally {
      close(replicas);
    }
    return new Figures(
        name, wall, refusals(replicas), failed.get(), Arrays.toString(served), null, null, null);
  }

  /** 30 streamed calls, one at a time, the first replica slow to its first chunk on every fifth. */
  static Figures slowFirstToken(
      String name,
      Function<List<FakeKimiServer>, KimiClient> client,
      int replicaCount,
      boolean slow)
      throws Exception {
    int calls = 30;
    List<FakeKimiServer> replicas = replicas(replicaCount, Duration.ofMillis(100), s -> {});
    if (slow) {
      replicas.get(0).slowFirstToken(5, Duration.ofSeconds(3));
    }
    List<Double> ttft = new ArrayList<>();
    long used = 0;
    long spent;
    int failed = 0;
    int[] served = new int[replicaCount];
    long start;
    long end;
    try (KimiClient kimi = client.apply(replicas)) {
      start = System.nanoTime();
      for (int i = 0; i < calls; i++) {
        ChatRequest r =
            thinkingOff(ChatRequest.builder(MODEL).addUser("stream " + i + " of the run")).build();
        long t0 = System.nanoTime();
        double first = -1;
        try (ChatStream s = kimi.stream(r)) {
          for (ChatCompletionChunk c : s) {
            if (first < 0 && !c.text().isEmpty()) {
              first = (System.nanoTime() - t0) / 1e9;
            }
            Usage u = c.usage();
            if (u != null) {
              used += u.completionTokens();
            }
          }
          served[replicaOf(s.metadata().orElse(null), replicas)]++;
        } catch (KimiException e) {
          failed++;
        }
        if (first >= 0) {
          ttft.add(first);
        }
      }
      end = System.nanoTime();
      spent = kimi.spend().completionTokens();
    } finally {
      close(replicas);
    }
    Collections.sort(ttft);
    return new Figures(
        name,
        (end - start) / 1e9,
        refusals(replicas),
        failed,
        Arrays.toString(served),
        null,
        new FirstText(
            percentile(ttft, 0.50),
            percentile(ttft, 0.95),
            ttft.isEmpty() ? -1 : ttft.get(ttft.size() - 1),
            requests(replicas) - calls,
            Math.max(0, spent - used)),
        null);
  }

  /** The nearest-rank percentile of sorted values; -1 for none. */
  static double percentile(List<Double> sorted, double p) {
    if (sorted.isEmpty()) {
      return -1;
    }
    int rank = (int) Math.ceil(p * sorted.size());
    return sorted.get(Math.max(0, Math.min(sorted.size() - 1, rank - 1)));
  }

  /** The words of call {@code i}: ten, each once, so that the reply is 12 chunks. */
  static String words(int i) {
    String[] w = {
      "alpha", "bravo", "charlie", "delta", "echo", "foxtrot", "golf", "hotel", "india", "juliet"
    };
    StringBuilder sb = new StringBuilder();
    for (String s : w) {
      sb.append(sb.length() == 0 ? "" : " ").append(s).append(i);
    }
    return sb.toString();
  }

  /** Whether a text has a word twice. */
  static boolean wordTwice(String text) {
    List<String> words = Arrays.asList(text.split(" "));
    return new HashSet<>(words).size() != words.size();
  }

  /** 10 streams, every second cut after 5 of its 12 chunks; the caller resumes the cut ones. */
  static Figures cutStreams(
      String name, Function<List<FakeKimiServer>, KimiClient> client, List<String> dialects)
      throws Exception {
    int calls = 10;
    List<FakeKimiServer> replicas = new ArrayList<>();
    for (String d : dialects) {
      replicas.addAll(
          FakeKimiServer.replicas(
              1, s -> s.dialect(d).maxConcurrency(ADMITS).serviceTime(SERVICE).cutStreams(2, 5)));
    }
    int unaided = 0;
    int exact = 0;
    int twice = 0;
    int failed = 0;
    int[] served = new int[replicas.size()];
    long start;
    long end;
    try (KimiClient kimi = client.apply(replicas)) {
      start = System.nanoTime();
      for (int i = 0; i < calls; i++) {
        ChatRequest r = thinkingOff(ChatRequest.builder(MODEL).addUser(words(i))).build();
        String expected = "You said: " + words(i);
        String text;
        try (ChatStream s = kimi.stream(r)) {
          text = s.toCompletion().text();
          unaided++;
          served[replicaOf(s.metadata().orElse(null), replicas)]++;
        } catch (StreamException cut) {
          Optional<ChatRequest> resume = cut.resumeRequest();
          try (ChatStream rest = kimi.stream(resume.orElseThrow())) {
            text = cut.partial().text() + rest.toCompletion().text();
            served[replicaOf(rest.metadata().orElse(null), replicas)]++;
          } catch (KimiException e) {
            failed++;
            continue;
          }
        } catch (KimiException e) {
          failed++;
          continue;
        }
        if (text.equals(expected)) {
          exact++;
        }
        if (wordTwice(text)) {
          twice++;
        }
      }
      end = System.nanoTime();
    } finally {
      close(replicas);
    }
    return new Figures(
        name,
        (end - start) / 1e9,
        refusals(replicas),
        failed,
        Arrays.toString(served),
        null,
        null,
        cut(replicas, calls, unaided, exact, twice));
  }

  /**
   * The cut streams' figures, with what the replicas recorded: each replica's cuts, and its
   * requests sorted by call (the call's words name it) into the call's first, its continuations
   * (answered: the replica read a last assistant message to go on from) and the others.
   */
  static Cut cut(List<FakeKimiServer> replicas, int calls, int unaided, int exact, int twice) {
    List<Set<String>> continued = new ArrayList<>();
    for (int i = 0; i < calls; i++) {
      continued.add(new HashSet<>());
    }
    int cuts = 0;
    for (FakeKimiServer r : replicas) {
      cuts += r.cutStreamCount();
      for (RecordedRequest q : r.requests()) {
        int call = callOf(q);
        String partial = q.status() == 200 ? partial(q) : null;
        if (call >= 0 && partial != null) {
          continued.get(call).add(partial);
        }
      }
    }
    int continuations = 0;
    int most = 0;
    for (Set<String> texts : continued) {
      continuations += texts.size();
      most = Math.max(most, texts.size());
    }
    int extra = requests(replicas) - calls;
    return new Cut(unaided, exact, twice, extra, cuts, continuations, most, extra - continuations);
  }

  /** The call a recorded request belongs to, by the words of its user message; -1 for none. */
  static int callOf(RecordedRequest q) {
    JsonObject read = q.asRead().orElse(null);
    JsonValue body = read != null ? read : q.json();
    if (!(body instanceof JsonObject o) || !(o.get("messages") instanceof JsonArray messages)) {
      return -1;
    }
    for (JsonValue m : messages.values()) {
      if (m instanceof JsonObject msg
          && msg.get("role") instanceof JsonString role
          && role.value().equals("user")
          && msg.get("content") instanceof JsonString text) {
        Matcher w = CALL_WORD.matcher(text.value());
        return w.find() ? Integer.parseInt(w.group(1)) : -1;
      }
    }
    return -1;
  }

  private static final Pattern CALL_WORD = Pattern.compile("\\balpha(\\d+)\\b");

  /**
   * The text the model behind a replica read a request as going on from: its last message an
   * assistant message marked {@code partial} (the fake's reading of its host's form, {@link
   * RecordedRequest#asRead()}); null when it continues nothing.
   */
  static String partial(RecordedRequest q) {
    JsonObject read = q.asRead().orElse(null);
    if (read == null || !(read.get("messages") instanceof JsonArray messages)) {
      return null;
    }
    List<JsonValue> all = messages.values();
    if (!all.isEmpty()
        && all.get(all.size() - 1) instanceof JsonObject last
        && last.get("role") instanceof JsonString role
        && role.value().equals("assistant")
        && last.get("partial") instanceof JsonBoolean partial
        && partial.value()) {
      return last.get("content") instanceof JsonString text ? text.value() : "";
    }
    return null;
  }

  // ---- the run ----

  /** A scenario run against one client: it returns that run's figures. */
  interface Run {
    Figures run() throws Exception;
  }

  /**
   * Runs the scenarios.
   *
   * @param args the scenarios ({@code conversations}, {@code singles}, {@code slow-first-token},
   *     {@code cut-streams}; all by default) and {@code --rounds N}
   * @throws Exception if the harness itself fails
   */
  public static void main(String[] args) throws Exception {
    int rounds = 3;
    List<String> scenarios = new ArrayList<>();
    for (int i = 0; i < args.length; i++) {
      if (args[i].equals("--rounds")) {
        rounds = Integer.parseInt(args[++i]);
      } else {
        scenarios.add(args[i]);
      }
    }
    if (scenarios.isEmpty()) {
      scenarios = List.of("conversations", "singles", "slow-first-token", "cut-streams");
    }
    run(scenarios, rounds, System.out);
  }

  static void run(List<String> scenarios, int rounds, PrintStream out) throws Exception {
    out.printf(
        Locale.ROOT,
        "RoutingRun: %d round(s), replicas in the vLLM dialect admitting %d, %d ms per answer;"
            + " java %s on %d cores, load average %.2f%n",
        rounds,
        ADMITS,
        SERVICE.toMillis(),
        System.getProperty("java.version"),
        Runtime.getRuntime().availableProcessors(),
        ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage());
    for (String scenario : scenarios) {
      Map<String, Run> clients = clientsOf(scenario);
      Map<String, List<Figures>> byClient = new TreeMap<>();
      List<String> order = new ArrayList<>(clients.keySet());
      for (int round = 0; round < rounds; round++) {
        // interleaved: each round in turn, the order reversed every other round
        List<String> now = new ArrayList<>(order);
        if (round % 2 == 1) {
          Collections.reverse(now);
        }
        for (String c : now) {
          Figures f = clients.get(c).run();
          byClient.computeIfAbsent(c, k -> new ArrayList<>()).add(f);
          out.println("  " + scenario + " round " + (round + 1) + ": " + line(f));
          out.flush();
        }
      }
      report(scenario, order, byClient, out);
    }
    out.printf(
        Locale.ROOT,
        "RoutingRun: done, load average %.2f%n",
        ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage());
  }

  /** A scenario of calls through the client a function makes of that many replicas. */
  interface Load {
    Figures run(String name, Function<List<FakeKimiServer>, KimiClient> client, int replicas)
        throws Exception;
  }

  /**
   * The clients of a load on replicas that refuse past their limit: today's chain (waiting, and
   * with the default policy), the chain held to each replica's limit, and the baseline.
   */
  static Map<String, Run> underLoad(Load load) {
    Map<String, Function<List<FakeKimiServer>, KimiClient>> clients = new LinkedHashMap<>();
    clients.put("routed", RoutingRun::routed);
    clients.put("chain, waiting", RoutingRun::chainWaiting);
    clients.put("chain, default policy", RoutingRun::chainWithTheDefaultPolicy);
    clients.put("chain held to 2 each", RoutingRun::chainEachHeldToItsLimit);
    clients.put("one replica (baseline)", RoutingRun::oneReplicaHeldToItsLimit);
    Map<String, Run> m = new LinkedHashMap<>();
    clients.forEach(
        (name, client) ->
            m.put(name, () -> load.run(name, client, name.endsWith("(baseline)") ? 1 : 2)));
    return m;
  }

  /** The clients each scenario runs, the baseline last. */
  static Map<String, Run> clientsOf(String scenario) {
    Map<String, Run> m = new LinkedHashMap<>();
    switch (scenario) {
      case "conversations" -> m.putAll(underLoad(RoutingRun::conversations));
      case "singles" -> m.putAll(underLoad(RoutingRun::singles));
      case "slow-first-token" -> {
        m.put("routed", () -> slowFirstToken("routed", RoutingRun::routed, 2, true));
        String baseline = "one healthy replica (baseline)";
        m.put(
            baseline,
            () -> slowFirstToken(baseline, RoutingRun::oneReplicaHeldToItsLimit, 1, false));
      }
      case "cut-streams" -> {
        Map<String, Function<List<FakeKimiServer>, KimiClient>> clients = new LinkedHashMap<>();
        Map<String, List<String>> dialects = new LinkedHashMap<>();
        clients.put("routed, second vLLM", RoutingRun::routed);
        dialects.put("routed, second vLLM", List.of("vllm", "vllm"));
        clients.put("routed, second Moonshot", RoutingRun::routedToAMoonshotSecond);
        dialects.put("routed, second Moonshot", List.of("vllm", "moonshot"));
        clients.put(
            "resume in Moonshot's form (before)", RoutingRun::routedResumingInMoonshotsForm);
        dialects.put("resume in Moonshot's form (before)", List.of("vllm", "vllm"));
        clients.put("one replica (baseline)", RoutingRun::oneReplicaHeldToItsLimit);
        dialects.put("one replica (baseline)", List.of("vllm"));
        clients.forEach(
            (name, client) -> m.put(name, () -> cutStreams(name, client, dialects.get(name))));
      }
      default -> throw new IllegalArgumentException("unknown scenario: " + scenario);
    }
    return m;
  }

  static String line(Figures f) {
    StringBuilder sb = new StringBuilder();
    sb.append(
        String.format(
            Locale.ROOT,
            "%-34s wall %6.2f s, 503s %3d, failed %d, served %s",
            f.client(),
            f.wallSeconds(),
            f.refusals(),
            f.failed(),
            f.served()));
    Cache c = f.cache();
    if (c != null) {
      if (c.fromCache() >= 0) {
        sb.append(String.format(Locale.ROOT, ", from cache %.2f", c.fromCache()));
      }
      sb.append(
          String.format(
              Locale.ROOT,
              ", switched %d of 6 (%d switches)",
              c.conversationsSwitched(),
              c.switches()));
    }
    FirstText t = f.firstText();
    if (t != null) {
      sb.append(
          String.format(
              Locale.ROOT,
              ", first text p50 %.2f s p95 %.2f s max %.2f s, extra requests %d, unused tokens %d",
              t.p50(),
              t.p95(),
              t.max(),
              t.extraRequests(),
              t.unusedTokens()));
    }
    Cut cut = f.cut();
    if (cut != null) {
      sb.append(
          String.format(
              Locale.ROOT,
              ", finished unaided %d of 10, exact after the caller's resume %d, a word twice %d,"
                  + " extra requests %d (the replicas cut %d, continued %d, other requests %d)",
              cut.finishedUnaided(),
              cut.exactAfterResume(),
              cut.wordsTwice(),
              cut.extraRequests(),
              cut.cuts(),
              cut.continuations(),
              cut.otherRequests()));
    }
    return sb.toString();
  }

  /** The median of a number over a list. */
  static <T> double median(List<T> runs, ToDoubleFunction<T> figure) {
    double[] v = runs.stream().mapToDouble(figure).sorted().toArray();
    return v.length % 2 == 1 ? v[v.length / 2] : (v[v.length / 2 - 1] + v[v.length / 2]) / 2;
  }

  /** Each figure's median over the rounds; what each replica served, as the last round. */
  static Figures medians(List<Figures> runs) {
    Figures last = runs.get(runs.size() - 1);
    List<Cache> caches = runs.stream().map(Figures::cache).toList();
    List<FirstText> texts = runs.stream().map(Figures::firstText).toList();
    List<Cut> cuts = runs.stream().map(Figures::cut).toList();
    return new Figures(
        last.client(),
        median(runs, Figures::wallSeconds),
        (int) Math.round(median(runs, Figures::refusals)),
        (int) Math.round(median(runs, Figures::failed)),
        last.served(),
        last.cache() == null
            ? null
            : new Cache(
                median(caches, Cache::fromCache),
                (int) Math.round(median(caches, Cache::conversationsSwitched)),
                (int) Math.round(median(caches, Cache::switches))),
        last.firstText() == null
            ? null
            : new FirstText(
                median(texts, FirstText::p50),
                median(texts, FirstText::p95),
                median(texts, FirstText::max),
                (int) Math.round(median(texts, FirstText::extraRequests)),
                Math.round(median(texts, FirstText::unusedTokens))),
        last.cut() == null
            ? null
            : new Cut(
                (int) Math.round(median(cuts, Cut::finishedUnaided)),
                (int) Math.round(median(cuts, Cut::exactAfterResume)),
                (int) Math.round(median(cuts, Cut::wordsTwice)),
                (int) Math.round(median(cuts, Cut::extraRequests)),
                (int) Math.round(median(cuts, Cut::cuts)),
                (int) Math.round(median(cuts, Cut::continuations)),
                (int) Math.round(median(cuts, Cut::mostContinuationsOfOneCall)),
                (int) Math.round(median(cuts, Cut::otherRequests))));
  }

  static void report(
      String scenario, List<String> order, Map<String, List<Figures>> byClient, PrintStream out) {
    String baseline = order.get(order.size() - 1);
    List<Figures> base = byClient.get(baseline);
    out.println();
    out.println("### " + scenario + " (medians of " + base.size() + " rounds)");
    out.println();
    out.println(
        "| client | wall (s) | vs baseline | 503s | failed | the other figures (served: the last"
            + " round) |");
    out.println("|---|---|---|---|---|---|");
    for (String c : order) {
      List<Figures> runs = byClient.get(c);
      double wall = median(runs, Figures::wallSeconds);
      // the ratio of each round's pair, then their median: the rounds interleave
      List<Double> ratios = new ArrayList<>();
      for (int i = 0; i < runs.size(); i++) {
        ratios.add(runs.get(i).wallSeconds() / base.get(i).wallSeconds());
      }
      Collections.sort(ratios);
      double ratio = ratios.get(ratios.size() / 2);
      String rest = line(medians(runs));
      rest = rest.substring(rest.indexOf("served"));
      double failed = median(runs, Figures::failed);
      out.printf(
          Locale.ROOT,
          "| %s | %.2f | %s | %.0f | %.0f | %s |%n",
          c,
          wall,
          failed > 0 ? "(calls failed)" : String.format(Locale.ROOT, "%.2fx", ratio),
          median(runs, Figures::refusals),
          failed,
          rest);
    }
    out.println();
    out.flush();
  }
}
