package io.github.kimisdk.benchmarks;

import io.github.kimisdk.KimiClient;
import io.github.kimisdk.agents.Agent;
import io.github.kimisdk.agents.AgentTool;
import io.github.kimisdk.agents.JdbcRunStore;
import io.github.kimisdk.agents.RunResult;
import io.github.kimisdk.agents.RunStore;
import io.github.kimisdk.chat.Message;
import io.github.kimisdk.temporal.AgentRun;
import io.github.kimisdk.temporal.KimiAgentWorkflow;
import io.github.kimisdk.temporal.KimiAgents;
import io.github.kimisdk.temporal.RunOutcome;
import io.github.kimisdk.testing.FakeKimiServer;
import io.github.kimisdk.testing.FakeResponse;
import io.github.kimisdk.tool.JsonSchema;
import io.github.kimisdk.tool.ToolCall;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowOptions;
import io.temporal.client.WorkflowStub;
import io.temporal.serviceclient.WorkflowServiceStubs;
import io.temporal.serviceclient.WorkflowServiceStubsOptions;
import io.temporal.worker.WorkerFactory;
import io.temporal.worker.WorkerOptions;
import java.lang.management.ManagementFactory;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * What a step of an agent run costs on Temporal (kimi-sdk-temporal) against the same run on the
 * JDBC store (kimi-sdk-agents' {@code JdbcRunStore} on PostgreSQL): the same agent, the same
 * scripted model (FakeKimiServer on loopback, a tool call a step, then an answer), the same number
 * of steps, in interleaved rounds. On Temporal, the workflow's worker runs in this JVM and
 * Temporal's Java test server in a process of its own (in memory: a real server adds its database's
 * writes); on JDBC, the loop runs in this JVM and PostgreSQL (fsync on) from this machine's
 * binaries. Per step: the wall time, and the CPU of this JVM (the loop, the client, the worker or
 * the driver; not the servers').
 *
 * <p>Arguments: {@code [steps] [rounds]} (50 and 5 by default).
 */
public final class TemporalStepCost {
  private TemporalStepCost() {}

  public static void main(String[] args) throws Exception {
    int steps = args.length > 0 ? Integer.parseInt(args[0]) : 50;
    int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 5;
    Path home = Files.createTempDirectory("temporal-step-cost");
    Files.setPosixFilePermissions(home, PosixFilePermissions.fromString("rwxr-xr-x"));
    List<AutoCloseable> servers = new ArrayList<>();
    Map<String, AtomicInteger> calls = new ConcurrentHashMap<>();
    try (FakeKimiServer fake = new FakeKimiServer().start();
        KimiClient kimi = KimiClient.builder().apiKey("sk-bench").baseUrl(fake.baseUrl()).build()) {
      // each run's model calls ping until its run made `steps` of them, then it answers
      fake.respondWith(
          r -> {
            String body = r.bodyText();
            int at = body.indexOf("\"prompt_cache_key\":\"");
            String run = at < 0 ? "" : body.substring(at + 20, body.indexOf('"', at + 20));
            return calls.computeIfAbsent(run, k -> new AtomicInteger()).incrementAndGet() <= steps
                ? FakeResponse.toolCalls(ToolCall.function(null, "ping", "{}"))
                : FakeResponse.reply("pinged " + steps + " times");
          });
      AgentTool ping =
          AgentTool.of("ping", "Pings", JsonSchema.object().build(), (a, ctx) -> "pong")
              .asReadOnly();

      String pg = RunStoreCost.startPostgres(home.resolve("pg"), servers);
      RunStore jdbc = JdbcRunStore.of(RunStoreCost.postgres(pg, "kimi")).createTables();
      Agent onJdbc =
          Agent.builder(kimi, "kimi-k3")
              .name("pinger", "1")
              .tool(ping)
              .maxSteps(steps + 10)
              .unsealed() // measured as before the seal: its HMAC costs microseconds
              .store(jdbc)
              .build();
      Agent onTemporal =
          Agent.builder(kimi, "kimi-k3")
              .name("pinger", "1")
              .tool(ping)
              .maxSteps(steps + 10)
              .build();

      int port;
      try (ServerSocket s = new ServerSocket(0)) {
        port = s.getLocalPort();
      }
      Process server =
          new ProcessBuilder(
                  Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                  "-cp",
                  System.getProperty("java.class.path"),
                  "io.temporal.testserver.TestServer",
                  Integer.toString(port))
              .redirectErrorStream(true)
              .redirectOutput(home.resolve("temporal.log").toFile())
              .start();
      servers.add(() -> server.destroyForcibly().waitFor(30, TimeUnit.SECONDS));
      awaitPort(port);
      WorkflowServiceStubs service =
          WorkflowServiceStubs.newServiceStubs(
              WorkflowServiceStubsOptions.newBuilder().setTarget("127.0.0.1:" + port).build());
      servers.add(service::shutdownNow);
      WorkflowClient client = WorkflowClient.newInstance(service);
      WorkerFactory factory = WorkerFactory.newInstance(client);
      KimiAgents.builder()
          .agent("pinger", onTemporal)
          .build()
          .register(
              factory.newWorker(
                  "bench",
                  WorkerOptions.newBuilder().setDefaultDeadlockDetectionTimeout(30_000).build()));
      factory.start();
      servers.add(factory::shutdownNow);

      System.out.printf(
          "an agent run of %d steps (a model call and a tool call each), %d rounds after one"
              + " warm-up round each, interleaved%n",
          steps, rounds);
      long[] jdbcWall = new long[rounds];
      long[] jdbcCpu = new long[rounds];
      long[] tWall = new long[rounds];
      long[] tCpu = new long[rounds];
      for (int round = -1; round < rounds; round++) {
        String id = "r" + (round + 1);
        long[] j = measure(() -> runOnJdbc(onJdbc, "jdbc-" + id, steps));
        long[] t = measure(() -> runOnTemporal(client, "temporal-" + id, steps));
        if (round >= 0) {
          jdbcWall[round] = j[0] / (steps + 1);
          jdbcCpu[round] = j[1] / (steps + 1);
          tWall[round] = t[0] / (steps + 1);
          tCpu[round] = t[1] / (steps + 1);
          System.out.printf(
              "round %d: per step, wall %.2f ms on JDBC, %.2f ms on Temporal; this JVM's CPU %.2f"
                  + " ms, %.2f ms%n",
              round + 1,
              jdbcWall[round] / 1e6,
              tWall[round] / 1e6,
              jdbcCpu[round] / 1e6,
              tCpu[round] / 1e6);
        }
      }
      long jw = RunStoreCost.median(jdbcWall);
      long tw = RunStoreCost.median(tWall);
      long jc = RunStoreCost.median(jdbcCpu);
      long tc = RunStoreCost.median(tCpu);
      System.out.println();
      System.out.println(
          "| per step, median of rounds | JDBC store (PostgreSQL) | Temporal | Temporal - JDBC | Temporal / JDBC |");
      System.out.println("|---|---|---|---|---|");
      System.out.printf(
          "| wall | %.2f ms | %.2f ms | %+.2f ms | %.2fx |%n",
          jw / 1e6, tw / 1e6, (tw - jw) / 1e6, (double) tw / jw);
      System.out.printf(
          "| this JVM's CPU | %.2f ms | %.2f ms | %+.2f ms | %.2fx |%n",
          jc / 1e6, tc / 1e6, (tc - jc) / 1e6, (double) tc / jc);
    } finally {
      for (int i = servers.size() - 1; i >= 0; i--) {
        try {
          servers.get(i).close();
        } catch (Exception e) {
          System.err.println("closing: " + e);
        }
      }
    }
  }

  interface Run {
    void go() throws Exception;
  }

  /** Wall and this JVM's CPU time of a run, in nanoseconds. */
  static long[] measure(Run run) throws Exception {
    var os =
        (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
    long cpu = os.getProcessCpuTime();
    long t0 = System.nanoTime();
    run.go();
    return new long[] {System.nanoTime() - t0, os.getProcessCpuTime() - cpu};
  }

  static void runOnJdbc(Agent agent, String id, int steps) {
    RunResult r = agent.run(id, List.of(Message.user("ping the service " + steps + " times")));
    if (!(r instanceof RunResult.Answered a) || a.state().steps() != steps + 1) {
      throw new IllegalStateException("the JDBC run did not answer after its steps: " + r);
    }
  }

  static void runOnTemporal(WorkflowClient client, String id, int steps) {
    KimiAgentWorkflow wf =
        client.newWorkflowStub(
            KimiAgentWorkflow.class,
            WorkflowOptions.newBuilder().setTaskQueue("bench").setWorkflowId(id).build());
    WorkflowClient.start(
        wf::run,
        AgentRun.of("pinger", id, List.of(Message.user("ping the service " + steps + " times"))));
    RunOutcome o = WorkflowStub.fromTyped(wf).getResult(RunOutcome.class);
    if (!o.status().equals("answered") || o.runState().steps() != steps + 1) {
      throw new IllegalStateException("the Temporal run did not answer after its steps: " + o);
    }
  }

  static void awaitPort(int port) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(2);
    while (System.nanoTime() < deadline) {
      try (Socket s = new Socket("127.0.0.1", port)) {
        if (s.isConnected()) {
          return;
        }
      } catch (java.io.IOException e) {
        TimeUnit.MILLISECONDS.sleep(100);
      }
    }
    throw new IllegalStateException("Temporal's test server did not listen on " + port);
  }
}
