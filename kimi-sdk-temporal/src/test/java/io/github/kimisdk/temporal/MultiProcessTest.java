package io.github.kimisdk.temporal;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.kimisdk.KimiClient;
import io.github.kimisdk.agents.KimisRules;
import io.github.kimisdk.agents.PendingCall;
import io.github.kimisdk.agents.RunState;
import io.github.kimisdk.chat.Message;
import io.github.kimisdk.testing.FakeKimiServer;
import io.github.kimisdk.testing.RecordedRequest;
import io.temporal.api.enums.v1.EventType;
import io.temporal.api.history.v1.HistoryEvent;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowOptions;
import io.temporal.client.WorkflowStub;
import io.temporal.common.WorkflowExecutionHistory;
import io.temporal.serviceclient.WorkflowServiceStubs;
import io.temporal.serviceclient.WorkflowServiceStubsOptions;
import io.temporal.testing.TestWorkflowEnvironment;
import io.temporal.testing.WorkflowReplayer;
import io.temporal.worker.Worker;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Temporal's test server as its own process, the workers as their own JVMs ({@link CrashWorker}),
 * decisions from a third ({@link DecideMain}), the fake on loopback in this JVM: two workers, four
 * runs of eight transfers each and 20 seeded {@code kill -9}s of workers, each restarted, with the
 * default timeouts ({@code AgentOptions.defaults()}, Temporal's default workflow task timeout), and
 * every run answers with each of its eight transfers made once, no kill costing a run more than 30
 * s of waiting (from the kill, or from the moment a worker was running again when the test had none
 * running, to the moment the step it lost began again: an activity's next attempt, or the next
 * workflow task); an approval by call id and digest from a third process is accepted and pays once,
 * one with another digest is refused by the validator and pays nothing, and a rejection reaches the
 * model. Every history replays; every request keeps Kimi's rules.
 */
@Tag("slow")
class MultiProcessTest {
  /** Eight turns of a transfer and a notification: enough work for the 20 kills to land. */
  static final String TASK = task(8);

  static final Path LOGS = Path.of("target", "multi-process");
  static final int RUNS = 4;
  static final int KILLS = 20;

  /**
   * The most one lost attempt can cost a step: the heartbeat timeout (10 s), the retry's longest
   * interval (10 s) and 2 s for a worker to take the task again.
   */
  static final long ONE_LOSS_MS = 22_000;

  /** The most a kill may cost a run: the longest gap between two events of its history. */
  static final Duration MOST_WAITING = Duration.ofSeconds(30);

  @TempDir static Path dir;
  static FakeKimiServer fake;
  static Process server;
  static int port;
  static WorkflowServiceStubs service;
  static WorkflowClient client;
  static final List<String> workflows = new ArrayList<>();

  record Line(int worker, String text, long at) {}

  /** A kill: the worker's slot and when it was dead. */
  record Kill(int worker, long at) {}

  /** A worker that began to poll: its slot and when it said so. */
  record Ready(int worker, long at) {}

  /** An activity's attempt as its worker began it. */
  record Attempt(int worker, String workflow, String activity, int attempt, long at) {}

  /**
   * What a kill cost a step: ms from the kill, ms from the moment a worker was running, and what
   * the step was (the attempts or tasks, the kill, the worker that ran), for a failure's message.
   */
  record Cost(long fromKill, long fromRunning, String what) {}

  static String task(int transfers) {
    List<String> turns = new ArrayList<>();
    for (int i = 1; i <= transfers; i++) {
      turns.add("transfer to=acct-" + i + " amount=" + (10 + i) + " and notify to=acct-" + i);
    }
    return String.join(" then ", turns);
  }

  @BeforeAll
  static void startTheServerProcess() throws Exception {
    fake = new FakeKimiServer().start();
    try (ServerSocket s = new ServerSocket(0)) {
      port = s.getLocalPort();
    }
    server =
        new ProcessBuilder(
                java(),
                "-cp",
                System.getProperty("java.class.path"),
                "io.temporal.testserver.TestServer",
                Integer.toString(port))
            .redirectErrorStream(true)
            .redirectOutput(Files.createDirectories(LOGS).resolve("server.log").toFile())
            .start();
    Instant deadline = Instant.now().plus(Duration.ofMinutes(2));
    while (!listening(port)) {
      assertThat(Instant.now()).as("the test server listens").isBefore(deadline);
      assertThat(server.isAlive()).as("the test server runs").isTrue();
      TimeUnit.MILLISECONDS.sleep(100); // waiting for a condition, bounded by the deadline
    }
    service = service(port);
    client = WorkflowClient.newInstance(service);
  }

  @AfterAll
  static void replayEveryHistoryAndStop() throws Exception {
    try {
      replayAll();
      for (RecordedRequest r : fake.requests()) {
        KimisRules.check(r);
      }
    } finally {
      if (service != null) {
        service.shutdownNow();
      }
      server.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
      fake.close();
    }
  }

  /** Stubs of the test server, patient with a loaded machine (its calls' default is 10 s). */
  static WorkflowServiceStubs service(int port) {
    return WorkflowServiceStubs.newServiceStubs(
        WorkflowServiceStubsOptions.newBuilder()
            .setTarget("127.0.0.1:" + port)
            .setSystemInfoTimeout(Duration.ofSeconds(60))
            .setRpcTimeout(Duration.ofSeconds(60))
            .build());
  }

  static boolean listening(int port) {
    try (Socket s = new Socket("127.0.0.1", port)) {
      return s.isConnected();
    } catch (IOException e) {
      return false;
    }
  }

  static String java() {
    return Path.of(System.getProperty("java.home"), "bin", "java").toString();
  }

  /** A worker JVM, its lines handed to {@code out} tagged with its slot. */
  static Process worker(int slot, Path bank, String kill, BlockingQueue<Line> out)
      throws IOException {
    Process p =
        new ProcessBuilder(
                java(),
                "-XX:TieredStopAtLevel=1",
                "-cp",
                System.getProperty("java.class.path"),
                CrashWorker.class.getName(),
                Integer.toString(port),
                fake.baseUrl(),
                bank.toString(),
                kill)
            .redirectErrorStream(true)
            .start();
    Thread reader =
        new Thread(
            () -> {
              try (BufferedReader in =
                  new BufferedReader(
                      new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
                String line;
                while ((line = in.readLine()) != null) {
                  out.add(new Line(slot, line, System.currentTimeMillis()));
                  synchronized (MultiProcessTest.class) {
                    Files.writeString(
                        Files.createDirectories(LOGS).resolve("workers.log"),
                        slot + " " + line + "\n",
                        StandardCharsets.UTF_8,
                        java.nio.file.StandardOpenOption.CREATE,
                        java.nio.file.StandardOpenOption.APPEND);
                  }
                }
              } catch (IOException e) {
                // the process was killed
              }
            });
    reader.setDaemon(true);
    reader.start();
    return p;
  }

  static WorkflowStub start(String agent, String id, String task) {
    KimiAgentWorkflow wf =
        client.newWorkflowStub(
            KimiAgentWorkflow.class,
            WorkflowOptions.newBuilder().setTaskQueue(CrashWorker.QUEUE).setWorkflowId(id).build());
    WorkflowClient.start(wf::run, AgentRun.of(agent, id, List.of(Message.user(task))));
    synchronized (workflows) {
      workflows.add(id);
    }
    return WorkflowStub.fromTyped(wf);
  }

  @Test
  void twoWorkersFourRunsAndTwentySeededKillsEveryRunAnswersEachTransferOnce() throws Exception {
    Path bank = Files.createDirectories(dir.resolve("bank-crash"));
    // each worker dies at a seeded count of the steps it takes (its model calls in the workflow,
    // their replies, its transfers' effects, before and after): progress needs deaths, so the
    // runs cannot end before the 20 kills, whatever the machine's speed. Which kind of step an
    // "any" point lands on is the machine's timing (a fresh worker's first steps are mostly the
    // runs' pending model calls), so every fifth point names its kind: a worker with such a point
    // makes steps of the other kinds freely, but none of the runs' 32 transfers can all be made
    // before it is reached (at most 21 of them fit in the lifetimes of the plan), so it is
    // reached, and the kills land inside the model call's activity and around a transfer's effect
    Random r = new Random(9900);
    List<String> named = List.of("effect-before:1", "effect-after:1", "chat-after:1");
    List<String> plan = new ArrayList<>();
    for (int i = 0; i < KILLS; i++) {
      plan.add(i % 5 == 4 ? named.get((i / 5) % named.size()) : "any:" + (1 + r.nextInt(3)));
    }
    BlockingQueue<Line> lines = new LinkedBlockingQueue<>();
    AtomicInteger next = new AtomicInteger();
    Process[] workers = new Process[2];
    Process[] standbys = new Process[2];
    String[] points = new String[2];
    for (int w = 0; w < 2; w++) {
      points[w] = plan.get(next.getAndIncrement());
      workers[w] = worker(w, bank, points[w], lines);
      standbys[w] = worker(w, bank, "standby", lines);
    }
    List<CompletableFuture<RunOutcome>> results = new ArrayList<>();
    for (int i = 0; i < RUNS; i++) {
      results.add(start("transfers", "crash-" + i, TASK).getResultAsync(RunOutcome.class));
    }
    CompletableFuture<Void> all =
        CompletableFuture.allOf(results.toArray(CompletableFuture[]::new));
    List<String> killed = new ArrayList<>();
    List<Kill> kills = new ArrayList<>();
    List<Attempt> attempts = new ArrayList<>();
    List<Ready> readies = new ArrayList<>();
    Instant deadline = Instant.now().plus(Duration.ofMinutes(25));
    try {
      while (!all.isDone() || !lines.isEmpty()) {
        assertThat(Instant.now()).as("the runs end; kills so far %s", killed).isBefore(deadline);
        Line l = lines.poll(200, TimeUnit.MILLISECONDS);
        if (l != null && l.text().equals("READY")) {
          readies.add(new Ready(l.worker(), l.at()));
        }
        if (l != null && l.text().startsWith("ATTEMPT ")) {
          String[] a = l.text().split(" ");
          attempts.add(
              new Attempt(l.worker(), a[1], a[2], Integer.parseInt(a[3]), Long.parseLong(a[4])));
        }
        if (l == null || !l.text().startsWith("KILL-POINT")) {
          continue;
        }
        workers[l.worker()].destroyForcibly(); // SIGKILL
        assertThat(workers[l.worker()].waitFor(30, TimeUnit.SECONDS)).isTrue();
        kills.add(new Kill(l.worker(), System.currentTimeMillis()));
        killed.add(points[l.worker()] + " (" + l.text().substring(11) + ")");
        int n = next.getAndIncrement();
        if (n < plan.size()) {
          points[l.worker()] = plan.get(n);
          workers[l.worker()] = go(standbys[l.worker()], points[l.worker()]);
          standbys[l.worker()] = worker(l.worker(), bank, "standby", lines);
        } else if (killed.size() < KILLS) {
          // past the plan, no worker takes this one's place until the other reaches its last
          // point: a worker that made steps freely could end the runs before the last kill
          points[l.worker()] = null;
          workers[l.worker()] = null;
        }
        if (killed.size() == KILLS) {
          for (int w = 0; w < 2; w++) {
            if (workers[w] == null || !workers[w].isAlive()) {
              points[w] = "none"; // the seeded kills are done: the workers finish the runs
              workers[w] = go(standbys[w], "none");
              standbys[w] = null;
            }
          }
        }
      }
    } finally {
      for (Process[] ps : List.of(workers, standbys)) {
        for (Process p : ps) {
          if (p != null) {
            p.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
          }
        }
      }
    }

    assertThat(killed).as("the seeded kills").hasSize(KILLS);
    assertThat(killed.stream().map(k -> k.substring(k.indexOf('(') + 1, k.indexOf(','))))
        .as("the kinds of points the kills landed at: %s", killed)
        .contains("effect-before", "effect-after", "chat-after");
    for (int i = 0; i < RUNS; i++) {
      RunOutcome o = results.get(i).get();
      assertThat(o.status()).as("run crash-%s", i).isEqualTo("answered");
      assertThat(o.text()).contains("acct-1").contains("acct-5").contains("acct-8");
    }
    // each run's eight transfers made once each, under the keys of its eight transfer calls
    Map<String, List<String>> byRun = new HashMap<>();
    try (Stream<Path> files = Files.list(bank)) {
      for (Path f : files.filter(f -> !f.getFileName().toString().startsWith(".")).toList()) {
        String[] what = Files.readString(f).split(" ");
        byRun.computeIfAbsent(what[0], k -> new ArrayList<>()).add(what[1] + ":" + what[3]);
      }
    }
    assertThat(byRun).as("kills %s", killed).hasSize(RUNS);
    for (int i = 0; i < RUNS; i++) {
      assertThat(byRun.get("crash-" + i))
          .as("run crash-%s's transfers (step:amount), kills %s", i, killed)
          .containsExactlyInAnyOrder(
              "1:11", "2:12", "3:13", "4:14", "5:15", "6:16", "7:17", "8:18");
    }
    // what each kill cost each run: from the kill to the moment the step it lost began again,
    // and the same from the moment a worker was running (this test restarts a killed worker as a
    // new JVM, and at times both are down at once: a fleet's other workers would be running)
    for (int i = 0; i < RUNS; i++) {
      String id = "crash-" + i;
      List<Cost> costs = costs(id, kills, attempts, readies);
      Cost longest =
          costs.stream()
              .max(java.util.Comparator.comparingLong(Cost::fromRunning))
              .orElse(new Cost(0, 0, "none"));
      System.out.println(
          "WAITING "
              + id
              + ": "
              + costs.size()
              + " steps lost to kills, each begun again after (from the kill, from a worker"
              + " running) "
              + costs.stream().map(c -> c.fromKill() + "/" + c.fromRunning()).toList()
              + " ms; in all "
              + costs.stream().mapToLong(Cost::fromKill).sum()
              + "/"
              + costs.stream().mapToLong(Cost::fromRunning).sum()
              + " ms");
      System.out.println("KILLS " + kills + "\nREADIES " + readies);
      assertThat(Duration.ofMillis(longest.fromRunning()))
          .as(
              "the longest wait a kill cost run %s, once a worker ran: %s; kills %s; readies %s;"
                  + " the run's attempts %s",
              id,
              longest.what(),
              kills,
              readies,
              attempts.stream().filter(a -> a.workflow().equals(id)).toList())
          .isLessThanOrEqualTo(MOST_WAITING);
    }
    assertThat(attempts).as("attempts the workers began").isNotEmpty();
  }

  /**
   * What the kills cost a run, one entry per step a kill took from it: an activity's attempt on a
   * worker that was killed, until its next attempt began (on any worker); a workflow task a worker
   * was killed in (timed out), until the next workflow task began. Each entry is {from the kill,
   * from the kill or the first moment after it that a worker was running, if none was}.
   */
  static List<Cost> costs(
      String id, List<Kill> kills, List<Attempt> attempts, List<Ready> readies) {
    List<Cost> out = new ArrayList<>();
    Map<String, List<Attempt>> byActivity = new HashMap<>();
    for (Attempt a : attempts) {
      if (a.workflow().equals(id)) {
        byActivity.computeIfAbsent(a.activity(), k -> new ArrayList<>()).add(a);
      }
    }
    for (List<Attempt> tries : byActivity.values()) {
      tries.sort(java.util.Comparator.comparingInt(Attempt::attempt));
      for (int n = 0; n + 1 < tries.size(); n++) {
        Attempt lost = tries.get(n);
        Attempt again = tries.get(n + 1);
        Kill k = killAfter(kills, lost.worker(), lost.at(), again.at());
        if (k != null
            && (again.attempt() > lost.attempt() + 1 || again.at() - k.at() > ONE_LOSS_MS)) {
          // attempts between the two were lost too, to later kills, without a line of theirs (a
          // worker killed as it began one): each kill's wait is counted, the first's up to the
          // kill that took the attempt without a line, the second's from it to the attempt that
          // began again. Which later kill took it the lines do not say, and kills that came while
          // the step waited out a heartbeat timeout and its backoff took nothing of it; so it is
          // the kill that splits the span most evenly (charging the last kill instead counted two
          // such kills, 14 s, against one step of run 12: 31.7 s where 17.9 and 20.1 s were spent).
          // Temporal's test server may also hand the same attempt again when the worker it gave it
          // to died before the attempt began: then no number is missing, but the step waits longer
          // than one loss can cost (ONE_LOSS_MS). Run 14: attempt 3 of a step, killed at 159,098,
          // began again as attempt 4 at 193,476, 34.4 s later; its sibling lost to the same kill
          // began at 173,037 on worker 0, which was killed at 173,242, where another run's attempt
          // that did leave a line was lost and began again 18.1 s later, as this one 20.2 s later
          Kill last = lostTo(kills, k.at(), again.at());
          if (last != null) {
            long upTo = running(k, last.at(), kills, readies);
            out.add(
                new Cost(
                    last.at() - k.at(),
                    Math.max(0, last.at() - upTo),
                    "activity "
                        + lost.activity()
                        + ": "
                        + lost
                        + " killed "
                        + k
                        + ", the attempt after it lost to "
                        + last
                        + ", a worker running at "
                        + upTo));
            k = last;
          }
        }
        // an attempt lost without a kill (its worker too slow to heartbeat) counts from its start
        long from = k == null ? lost.at() : k.at();
        long running = k == null ? from : running(k, again.at(), kills, readies);
        out.add(
            lost(
                id,
                "activity " + lost.activity() + ": " + lost,
                k,
                from,
                running,
                again.at(),
                "begun again as " + again));
      }
    }
    Instant started = null;
    boolean lost = false;
    for (WorkflowExecutionHistory h : executions(id)) {
      for (HistoryEvent e : h.getEvents()) {
        Instant at =
            Instant.ofEpochSecond(e.getEventTime().getSeconds(), e.getEventTime().getNanos());
        if (e.getEventType() == EventType.EVENT_TYPE_WORKFLOW_TASK_STARTED) {
          if (lost) {
            Kill k = killAfter(kills, -1, started.toEpochMilli(), at.toEpochMilli());
            long from = k == null ? started.toEpochMilli() : k.at();
            long running = k == null ? from : running(k, at.toEpochMilli(), kills, readies);
            out.add(
                lost(
                    id,
                    "workflow task started at " + started.toEpochMilli(),
                    k,
                    from,
                    running,
                    at.toEpochMilli(),
                    "the next began at " + at.toEpochMilli()));
            lost = false;
          }
          started = at;
        } else if (e.getEventType() == EventType.EVENT_TYPE_WORKFLOW_TASK_TIMED_OUT) {
          lost = true;
        }
      }
    }
    return out;
  }

  /**
   * What losing {@code step} cost run {@code id}: from {@code from} (the kill {@code k}, or the
   * step's start when no kill took it) and from {@code running} (when a worker ran again) to {@code
   * again}, when it began again ({@code how}); printed as a LONG-WAIT line when over 15 s.
   */
  static Cost lost(
      String id, String step, Kill k, long from, long running, long again, String how) {
    Cost c =
        new Cost(
            again - from,
            Math.max(0, again - running),
            step
                + (k == null ? " lost without a kill" : " killed " + k)
                + ", a worker running at "
                + running
                + ", "
                + how);
    if (c.fromRunning() > 15_000) {
      System.out.println("LONG-WAIT " + id + " " + c.what());
    }
    return c;
  }

  /**
   * From when a worker could take up what kill {@code k} lost, until {@code again}: the earliest
   * moment after the kill at which a worker had said it was ready and was not killed before {@code
   * again} (the one that took it up, at the latest). This test restarts a killed worker as a new
   * JVM, and at times both are down at once (a fleet's other workers would be running).
   */
  static long running(Kill k, long again, List<Kill> kills, List<Ready> readies) {
    long best = Long.MAX_VALUE;
    for (Ready r : readies) {
      if (r.at() > again) {
        continue;
      }
      long died = Long.MAX_VALUE;
      for (Kill other : kills) {
        if (other.worker() == r.worker() && other.at() >= r.at()) {
          died = Math.min(died, other.at());
        }
      }
      if (died >= again) {
        best = Math.min(best, Math.max(k.at(), r.at()));
      }
    }
    return best == Long.MAX_VALUE ? k.at() : best;
  }

  /**
   * Of the kills of any worker between {@code from} and {@code to}, the one that splits the span
   * most evenly (the smallest longer part); null if none.
   */
  static Kill lostTo(List<Kill> kills, long from, long to) {
    Kill best = null;
    long bestPart = Long.MAX_VALUE;
    for (Kill k : kills) {
      if (k.at() > from && k.at() <= to) {
        long part = Math.max(k.at() - from, to - k.at());
        if (part < bestPart) {
          best = k;
          bestPart = part;
        }
      }
    }
    return best;
  }

  /** The first kill of {@code worker} (any, for -1) between {@code from} and {@code to}. */
  static Kill killAfter(List<Kill> kills, int worker, long from, long to) {
    for (Kill k : kills) {
      if ((worker < 0 || k.worker() == worker) && k.at() >= from && k.at() <= to) {
        return k;
      }
    }
    return null;
  }

  /** Every execution of a run's continue-as-new chain, first to last. */
  static List<WorkflowExecutionHistory> executions(String id) {
    List<WorkflowExecutionHistory> out = new ArrayList<>();
    WorkflowExecutionHistory h = client.fetchHistory(id);
    String runId =
        h.getEvents().get(0).getWorkflowExecutionStartedEventAttributes().getFirstExecutionRunId();
    while (runId != null) {
      WorkflowExecutionHistory one = client.fetchHistory(id, runId);
      out.add(one);
      HistoryEvent end = one.getLastEvent();
      runId =
          end.getEventType() == EventType.EVENT_TYPE_WORKFLOW_EXECUTION_CONTINUED_AS_NEW
              ? end.getWorkflowExecutionContinuedAsNewEventAttributes().getNewExecutionRunId()
              : null;
    }
    return out;
  }

  /** The gaps between consecutive events of every execution of a run's history, in order. */
  static List<Duration> gaps(String id) {
    List<Duration> out = new ArrayList<>();
    Instant previous = null;
    for (WorkflowExecutionHistory one : executions(id)) {
      for (HistoryEvent e : one.getEvents()) {
        Instant at =
            Instant.ofEpochSecond(e.getEventTime().getSeconds(), e.getEventTime().getNanos());
        if (previous != null) {
          out.add(Duration.between(previous, at));
        }
        previous = at;
      }
    }
    return out;
  }

  /** Tells a standby worker its kill point: it polls at once. */
  static Process go(Process standby, String point) throws IOException {
    standby.getOutputStream().write((point + "\n").getBytes(StandardCharsets.UTF_8));
    standby.getOutputStream().flush();
    return standby;
  }

  @Test
  void anApprovalFromAThirdProcessByIdAndDigestPaysOnceAndAnotherDigestPaysNothing()
      throws Exception {
    Path bank = Files.createDirectories(dir.resolve("bank-approval"));
    BlockingQueue<Line> lines = new LinkedBlockingQueue<>();
    Process worker = worker(0, bank, "none", lines);
    try {
      WorkflowStub approved =
          start("payments", "approve-1", "transfer to=acct-7 amount=70 and notify to=acct-7");
      PendingCall call = awaitPending("approve-1");
      assertThat(call.tool()).isEqualTo("transfer");

      List<String> refused = decide("approve-1", "approve", call.id(), "0".repeat(64), "mallory");
      assertThat(refused)
          .anyMatch(
              s ->
                  s.startsWith("REFUSED")
                      && s.contains("the arguments changed since the decision was made"));
      assertThat(bankFiles(bank)).isEmpty();

      List<String> accepted =
          decide("approve-1", "approve", call.id(), call.argumentsSha256(), "alice");
      assertThat(accepted).contains("ACCEPTED");
      RunOutcome o = approved.getResult(RunOutcome.class);
      assertThat(o.status()).isEqualTo("answered");
      assertThat(bankFiles(bank)).singleElement().isEqualTo(call.idempotencyKey());

      WorkflowStub rejected =
          start("payments", "reject-1", "transfer to=acct-8 amount=80 and notify to=acct-8");
      PendingCall other = awaitPending("reject-1");
      List<String> rejection =
          decide("reject-1", "reject", other.id(), other.argumentsSha256(), "bob", "not today");
      assertThat(rejection).contains("ACCEPTED");
      RunOutcome ro = rejected.getResult(RunOutcome.class);
      assertThat(ro.status()).isEqualTo("answered");
      assertThat(bankFiles(bank)).hasSize(1);
      RecordedRequest last = fake.requests().get(fake.requestCount() - 1);
      assertThat(last.bodyText()).contains("rejected by a person: not today");
    } finally {
      worker.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
    }
  }

  static Set<String> bankFiles(Path bank) throws IOException {
    try (Stream<Path> files = Files.list(bank)) {
      Set<String> out = new HashSet<>();
      files.map(f -> f.getFileName().toString()).filter(n -> !n.startsWith(".")).forEach(out::add);
      return out;
    }
  }

  /** Waits, by querying the run, until it pauses; returns the call it waits on. */
  static PendingCall awaitPending(String id) throws InterruptedException {
    KimiAgentWorkflow wf = client.newWorkflowStub(KimiAgentWorkflow.class, id);
    Instant deadline = Instant.now().plus(Duration.ofMinutes(2));
    while (true) {
      String s = wf.state();
      if (s != null && RunState.fromJson(s).status() == RunState.Status.PAUSED) {
        return RunState.fromJson(s).pending().get(0);
      }
      assertThat(Instant.now()).as("run %s pauses", id).isBefore(deadline);
      TimeUnit.MILLISECONDS.sleep(100); // waiting for a condition, bounded by the deadline
    }
  }

  /** Runs the third process and returns its lines. */
  static List<String> decide(String id, String verdict, String call, String digest, String... more)
      throws Exception {
    List<String> command =
        new ArrayList<>(
            List.of(
                java(),
                "-cp",
                System.getProperty("java.class.path"),
                DecideMain.class.getName(),
                Integer.toString(port),
                id,
                verdict,
                call,
                digest));
    command.addAll(List.of(more));
    Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
    List<String> out = new ArrayList<>();
    try (BufferedReader in =
        new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
      String line;
      while ((line = in.readLine()) != null) {
        out.add(line);
      }
    }
    assertThat(p.waitFor(2, TimeUnit.MINUTES)).isTrue();
    return out;
  }

  /** Replays every execution of every workflow the tests ran, on this JVM's workflow. */
  static void replayAll() throws Exception {
    try (KimiClient kimi =
            KimiClient.builder().apiKey("sk-replay").baseUrl("http://127.0.0.1:9").build();
        TestWorkflowEnvironment env = TestWorkflowEnvironment.newInstance()) {
      Worker worker = GoldenHistoriesTest.replayWorker(env);
      CrashWorker.agents(
              kimi,
              dir,
              new CrashWorker.Point("none", -1, new AtomicInteger()),
              new AtomicInteger(),
              new AtomicInteger())
          .register(worker);
      List<WorkflowExecutionHistory> histories = new ArrayList<>();
      for (String id : workflows) {
        WorkflowExecutionHistory h = client.fetchHistory(id);
        String runId =
            h.getEvents()
                .get(0)
                .getWorkflowExecutionStartedEventAttributes()
                .getFirstExecutionRunId();
        while (runId != null) {
          WorkflowExecutionHistory one = client.fetchHistory(id, runId);
          histories.add(one);
          HistoryEvent end = one.getLastEvent();
          runId =
              end.getEventType() == EventType.EVENT_TYPE_WORKFLOW_EXECUTION_CONTINUED_AS_NEW
                  ? end.getWorkflowExecutionContinuedAsNewEventAttributes().getNewExecutionRunId()
                  : null;
        }
      }
      for (WorkflowExecutionHistory h : histories) {
        WorkflowReplayer.replayWorkflowExecution(h, worker);
      }
      assertThat(histories).hasSizeGreaterThanOrEqualTo(workflows.size());
    }
  }
}
