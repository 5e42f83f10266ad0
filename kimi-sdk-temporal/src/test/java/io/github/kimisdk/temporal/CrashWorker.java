package io.github.kimisdk.temporal;

import io.github.kimisdk.CallEvent;
import io.github.kimisdk.CallListener;
import io.github.kimisdk.KimiClient;
import io.github.kimisdk.agents.Agent;
import io.github.kimisdk.agents.AgentTool;
import io.github.kimisdk.agents.Approval;
import io.github.kimisdk.agents.BankTools;
import io.github.kimisdk.agents.RunEvent;
import io.github.kimisdk.agents.ToolContext;
import io.temporal.activity.ActivityExecutionContext;
import io.temporal.activity.ActivityInfo;
import io.temporal.client.WorkflowClient;
import io.temporal.common.interceptors.ActivityInboundCallsInterceptor;
import io.temporal.common.interceptors.ActivityInboundCallsInterceptorBase;
import io.temporal.common.interceptors.WorkerInterceptorBase;
import io.temporal.serviceclient.WorkflowServiceStubs;
import io.temporal.worker.Worker;
import io.temporal.worker.WorkerFactory;
import io.temporal.worker.WorkerFactoryOptions;
import io.temporal.worker.WorkerOptions;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;

/**
 * A worker process for {@link MultiProcessTest}: it runs the agents of the test on the Temporal
 * server at {@code 127.0.0.1:PORT}, their model calls against the fake at {@code BASE_URL}, their
 * transfers against a bank of files (one file per idempotency key, made once). With a kill point
 * {@code KIND:K} it prints {@code KILL-POINT} at the K-th event of that kind and waits to be killed
 * with SIGKILL: {@code model-called} (in the workflow, before a model call is scheduled), {@code
 * chat-after} (in a model call's activity, the reply received), {@code effect-before} and {@code
 * effect-after} (in a transfer's activity, around its effect), or {@code any} (the K-th of all of
 * them, whichever it is: a worker with such a point makes at most K of those steps before it dies),
 * or {@code none}. The agents run with {@code AgentOptions.defaults()}: a killed worker's model and
 * tool calls are found by their heartbeat timeout.
 *
 * <p>Arguments: {@code PORT BASE_URL BANK_DIR KILL}; a KILL of {@code standby} starts the JVM,
 * prints {@code STANDBY}, and waits for the point on its standard input before it polls (a killed
 * worker's place is then taken at once, not after a JVM's start).
 */
public final class CrashWorker {
  static final String QUEUE = "agents";

  private CrashWorker() {}

  public static void main(String[] args) throws Exception {
    int port = Integer.parseInt(args[0]);
    String baseUrl = args[1];
    Path bank = Path.of(args[2]);
    AtomicInteger modelCalled = new AtomicInteger();
    AtomicInteger chats = new AtomicInteger();
    AtomicInteger effects = new AtomicInteger();
    Point point = new Point("none", -1, new AtomicInteger());

    KimiClient kimi =
        KimiClient.builder()
            .apiKey("sk-crash-test")
            .baseUrl(baseUrl)
            .listener(
                new CallListener() {
                  @Override
                  public void onEnd(CallEvent.End e) {
                    point.reached("chat-after", chats, "after a model call's reply");
                  }
                })
            .build();
    KimiAgents agents = agents(kimi, bank, point, modelCalled, effects);
    WorkflowServiceStubs service = MultiProcessTest.service(port);
    WorkerFactory factory =
        WorkerFactory.newInstance(
            WorkflowClient.newInstance(service),
            WorkerFactoryOptions.newBuilder().setWorkerInterceptors(new Attempts()).build());
    Worker worker =
        factory.newWorker(
            QUEUE,
            WorkerOptions.newBuilder()
                // Temporal's Java test server never moves a task off a dead worker's sticky queue
                // (a real server does, after this timeout): zero turns sticky execution off
                .setStickyQueueScheduleToStartTimeout(Duration.ZERO)
                .setDefaultDeadlockDetectionTimeout(60_000)
                .build());
    agents.register(worker);
    String kill = args[3];
    if (kill.equals("standby")) {
      // started ahead, so that a killed worker's place is taken at once: told its point on stdin
      System.out.println("STANDBY");
      System.out.flush();
      kill =
          new java.io.BufferedReader(
                  new java.io.InputStreamReader(System.in, StandardCharsets.UTF_8))
              .readLine();
    }
    point.set(kill);
    factory.start();
    System.out.println("READY");
    System.out.flush();
    while (true) {
      LockSupport.park();
    }
  }

  /**
   * Prints {@code ATTEMPT WORKFLOW_ID ACTIVITY_ID ATTEMPT EPOCH_MILLIS} as each activity attempt
   * starts on this worker: when a killed worker's attempt was tried again, and where.
   */
  static final class Attempts extends WorkerInterceptorBase {
    @Override
    public ActivityInboundCallsInterceptor interceptActivity(ActivityInboundCallsInterceptor next) {
      return new ActivityInboundCallsInterceptorBase(next) {
        private ActivityExecutionContext ctx;

        @Override
        public void init(ActivityExecutionContext context) {
          ctx = context;
          super.init(context);
        }

        @Override
        public ActivityOutput execute(ActivityInput input) {
          ActivityInfo i = ctx.getInfo();
          System.out.println(
              "ATTEMPT "
                  + i.getWorkflowId()
                  + " "
                  + i.getActivityId()
                  + " "
                  + i.getAttempt()
                  + " "
                  + System.currentTimeMillis());
          System.out.flush();
          return super.execute(input);
        }
      };
    }
  }

  /** Where this worker dies: at the {@code at}-th event of the kind {@code where}, or of any. */
  static final class Point {
    private volatile String where;
    private volatile int at;
    private final AtomicInteger any;

    Point(String where, int at, AtomicInteger any) {
      this.where = where;
      this.at = at;
      this.any = any;
    }

    /** Sets the point: {@code KIND:K}, or {@code none}. */
    void set(String kill) {
      String[] k = kill.split(":");
      at = k.length > 1 ? Integer.parseInt(k[1]) : -1;
      where = k[0];
    }

    /**
     * Counts an event; at the point, dies; past it (another thread of the dying worker), waits for
     * the kill too, so that a worker makes no step past its point.
     */
    void reached(String kind, AtomicInteger ofKind, String what) {
      int n =
          where.equals(kind)
              ? ofKind.incrementAndGet()
              : where.equals("any") ? any.incrementAndGet() : 0;
      if (n == at) {
        die(kind + ", " + what);
      } else if (at > 0 && n > at) {
        while (true) {
          LockSupport.park();
        }
      }
    }
  }

  /** The agents of the test: {@code transfers} (no approval) and {@code payments} (approval). */
  static KimiAgents agents(
      KimiClient kimi, Path bank, Point point, AtomicInteger modelCalled, AtomicInteger effects) {
    AtomicInteger effectsAfter = new AtomicInteger();
    AgentTool transfer =
        BankTools.transfer(
                (a, ctx) -> {
                  point.reached("effect-before", effects, "before a transfer's effect");
                  String r = transfer(bank, a.get("to").asString(), a.get("amount").asLong(), ctx);
                  point.reached("effect-after", effectsAfter, "after a transfer's effect");
                  return r;
                })
            .asIdempotent();
    AgentTool notify = BankTools.notifier();
    Agent transfers =
        Agent.builder(kimi, "kimi-k3")
            .name("transfers", "1")
            .tool(transfer)
            .tool(notify)
            .listener(
                e -> {
                  if (e instanceof RunEvent.ModelCalled) {
                    point.reached(
                        "model-called", modelCalled, "in the workflow, before a model call");
                  }
                })
            .build();
    Agent payments =
        Agent.builder(kimi, "kimi-k3")
            .name("payments", "1")
            .tool(transfer.approval(Approval.always()))
            .tool(notify)
            .build();
    // the default timeouts (a heartbeat timeout of 10 s finds a killed worker's call) and retry
    // intervals, without the default's ten attempts: the plan may land more kills on one call
    AgentOptions d = AgentOptions.defaults();
    AgentOptions options = d.modelCalls(untilDone(d.modelCalls)).toolCalls(untilDone(d.toolCalls));
    return KimiAgents.builder()
        .agent("transfers", transfers, options)
        .agent("payments", payments, options)
        .build();
  }

  /** {@code options} with no limit on the attempts. */
  static io.temporal.activity.ActivityOptions untilDone(
      io.temporal.activity.ActivityOptions options) {
    return io.temporal.activity.ActivityOptions.newBuilder(options)
        .setRetryOptions(
            io.temporal.common.RetryOptions.newBuilder(options.getRetryOptions())
                .setMaximumAttempts(0)
                .build())
        .build();
  }

  /**
   * A transfer: a file named by the key, made once and whole (its content written to a file of its
   * own, then linked under the key, which fails when the key was used: a kill in between leaves no
   * half-made transfer); its content says what was moved.
   */
  static String transfer(Path bank, String to, long amount, ToolContext ctx) {
    Path effect = bank.resolve(ctx.idempotencyKey());
    String what = ctx.runId() + " " + ctx.step() + " " + to + " " + amount;
    try {
      Path tmp = Files.createTempFile(bank, ".transfer-", ".tmp");
      try {
        Files.writeString(tmp, what, StandardCharsets.UTF_8);
        Files.createLink(effect, tmp);
      } catch (FileAlreadyExistsException done) {
        // a retry with the same key: the transfer was made, answer as the first time
      } finally {
        Files.deleteIfExists(tmp);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return "transferred " + amount + " to " + to;
  }

  static void die(String where) {
    System.out.println("KILL-POINT " + where);
    System.out.flush();
    while (true) {
      LockSupport.park();
    }
  }
}
