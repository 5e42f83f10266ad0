package com.example.temporal;

import io.github.kimisdk.KimiClient;
import io.github.kimisdk.agents.Agent;
import io.github.kimisdk.agents.AgentTool;
import io.github.kimisdk.agents.Approval;
import io.github.kimisdk.temporal.KimiAgents;
import io.github.kimisdk.tool.JsonSchema;
import io.temporal.client.WorkflowClient;
import io.temporal.serviceclient.WorkflowServiceStubs;
import io.temporal.serviceclient.WorkflowServiceStubsOptions;
import io.temporal.worker.WorkerFactory;
import io.temporal.worker.WorkerOptions;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The worker: runs the "payments" agent (a transfer that needs a person's approval, and a
 * notification) on the task queue "agents", its model calls through {@code kimi}. A team runs
 * it on as many machines as it likes; each polls Temporal for work.
 *
 * <p>Alone: {@code java ... com.example.temporal.PaymentsWorker} (TEMPORAL_ADDRESS, default
 * 127.0.0.1:7233; MOONSHOT_API_KEY for Kimi, and KIMI_BASE_URL for another host, such as
 * FakeKimiServer as a process). The agent keeps no store, as KimiAgents requires: Temporal keeps
 * its runs.
 */
public final class PaymentsWorker implements AutoCloseable {
  static final String QUEUE = "agents";

  /** The bank: a transfer per idempotency key, made once, as a payment service keeps it. */
  private final Map<String, String> transfers = new ConcurrentHashMap<>();

  private final WorkflowServiceStubs service;
  private final WorkerFactory factory;

  PaymentsWorker(String temporal, KimiClient kimi) {
    AgentTool transfer =
        AgentTool.of(
                "transfer",
                "Moves money to an account",
                JsonSchema.object()
                    .required("to", JsonSchema.string())
                    .required("amount", JsonSchema.integer())
                    .build(),
                (args, ctx) ->
                    transfers.computeIfAbsent(
                        ctx.idempotencyKey(),
                        k ->
                            "transferred "
                                + args.get("amount").asLong()
                                + " to "
                                + args.get("to").asString()))
            .approval(Approval.always())
            .asIdempotent();
    AgentTool notify =
        AgentTool.of(
            "notify",
            "Tells an account holder",
            JsonSchema.object().required("to", JsonSchema.string()).build(),
            (args, ctx) -> "told " + args.get("to").asString());
    Agent payments =
        Agent.builder(kimi, "kimi-k3").name("payments", "1").tool(transfer).tool(notify).build();
    KimiAgents agents = KimiAgents.builder().agent("payments", payments).build();

    service =
        WorkflowServiceStubs.newServiceStubs(
            WorkflowServiceStubsOptions.newBuilder().setTarget(temporal).build());
    factory = WorkerFactory.newInstance(WorkflowClient.newInstance(service));
    agents.register(
        factory.newWorker(
            QUEUE,
            // the agent's bookkeeping may hold a workflow task past Temporal's default second
            WorkerOptions.newBuilder().setDefaultDeadlockDetectionTimeout(10_000).build()));
    factory.start();
  }

  /** The transfers made, by idempotency key. */
  Map<String, String> transfers() {
    return Map.copyOf(transfers);
  }

  @Override
  public void close() {
    factory.shutdownNow();
    service.shutdownNow();
  }

  public static void main(String[] args) throws Exception {
    String temporal = System.getenv().getOrDefault("TEMPORAL_ADDRESS", "127.0.0.1:7233");
    KimiClient kimi = KimiClient.fromEnv();
    PaymentsWorker worker = new PaymentsWorker(temporal, kimi);
    System.out.println("worker: running the payments agent on " + temporal + ", queue " + QUEUE);
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      worker.close();
      kimi.close();
    }));
    Thread.currentThread().join();
  }
}
