package io.github.kimisdk.agents;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.kimisdk.CallEvent;
import io.github.kimisdk.KimiClient;
import io.github.kimisdk.chat.Message;
import io.github.kimisdk.chat.ToolMessage;
import io.github.kimisdk.model.Cost;
import io.github.kimisdk.testing.FakeKimiExtension;
import io.github.kimisdk.testing.FakeKimiServer;
import io.github.kimisdk.testing.RecordedRequest;
import io.github.kimisdk.tool.JsonSchema;
import java.math.BigDecimal;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Currency;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Issue 92's subagents, against the fake on loopback (kimi-k3, every request judged by Kimi's
 * rules): a parent fans four children out in parallel under one spend limit, a child's approval
 * pauses the parent, a failed child is a tool error its parent reads.
 */
@ExtendWith(FakeKimiExtension.class)
class AgentSubagentsHttpTest {
  static final Currency USD = Currency.getInstance("USD");
  static final List<String> REGIONS = List.of("north", "south", "east", "west");

  final List<RunEvent> events = new ArrayList<>();
  final List<CallEvent.End> calls = new ArrayList<>();
  FakeKimiServer server;
  KimiClient kimi;

  @BeforeEach
  void client(FakeKimiServer server, FakeKimiExtension.Clients clients) {
    this.server = server;
    this.kimi = clients.build(b -> b.listener(Recorded.ends(calls)));
  }

  void record(RunEvent e) {
    synchronized (events) {
      events.add(e);
    }
  }

  /** A child agent whose one tool, lookup, runs {@code work} and answers for its region. */
  Agent child(String region, ToolHandler work) {
    return Agent.builder(kimi, "kimi-k3")
        .name("researcher-" + region, "1")
        .instructions("You look up sales figures for the " + region + " region.")
        .tool(
            AgentTool.of(
                "lookup",
                "Looks a figure up",
                JsonSchema.object().required("query", JsonSchema.string()).build(),
                work))
        .request(b -> b.maxCompletionTokens(1_000))
        .key(TestKeys.KEY)
        .store(RunStore.inMemory())
        .listener(this::record)
        .build();
  }

  /** A child for each of the four regions, its lookup the handler {@code work} gives the region. */
  List<Agent> children(Function<String, ToolHandler> work) {
    List<Agent> children = new ArrayList<>();
    for (String region : REGIONS) {
      children.add(child(region, work.apply(region)));
    }
    return children;
  }

  /** A subagent named payer whose one tool is {@code transfer}, on a store in memory. */
  Agent.Builder payer(AgentTool transfer) {
    return Agent.builder(kimi, "kimi-k3")
        .name("payer", "1")
        .tool(transfer)
        .key(TestKeys.KEY)
        .store(RunStore.inMemory());
  }

  Agent.Builder parent(List<Agent> children) {
    Agent.Builder b =
        Agent.builder(kimi, "kimi-k3")
            .name("lead", "1")
            .request(r -> r.maxCompletionTokens(1_000))
            .key(TestKeys.KEY)
            .store(RunStore.inMemory())
            .listener(this::record);
    for (int i = 0; i < children.size(); i++) {
      b.tool(children.get(i).asTool("research_" + REGIONS.get(i), "Researches one region"));
    }
    return b;
  }

  static final String TASK =
      "Use research_north research_south research_east research_west with task=sales-2026";

  /** What every call the server answered cost, at the client's prices. */
  BigDecimal spent() {
    BigDecimal total = BigDecimal.ZERO;
    synchronized (calls) {
      for (CallEvent.End e : calls) {
        total = total.add(e.cost() == null ? BigDecimal.ZERO : e.cost().total());
      }
    }
    return total;
  }

  @Test
  void aParentFansFourChildrenOutInParallelUnderOneSpendLimit() {
    CountDownLatch allStarted = new CountDownLatch(4);
    Map<String, Long> work = Map.of("north", 300L, "south", 500L, "east", 700L, "west", 900L);
    List<Agent> children =
        children(
            region ->
                (args, ctx) -> {
                  allStarted.countDown();
                  if (!allStarted.await(10, TimeUnit.SECONDS)) {
                    return "Error: the other researchers never started";
                  }
                  Thread.sleep(work.get(region)); // the region's own work
                  return region + " sold " + work.get(region) + " units";
                });
    BigDecimal limit = new BigDecimal("0.10");
    Agent lead = parent(children).maxSpend(limit, USD).maxSteps(20).build();

    long t0 = System.nanoTime();
    RunResult r = lead.run("fan-out", List.of(Message.user(TASK)));
    Duration wall = Duration.ofNanos(System.nanoTime() - t0);

    assertThat(r).isInstanceOf(RunResult.Answered.class);
    String answer = ((RunResult.Answered) r).text();
    for (String region : REGIONS) {
      assertThat(answer).contains(region + " sold " + work.get(region) + " units");
    }
    assertThat(spent()).as("what every call cost").isLessThanOrEqualTo(limit).isPositive();
    // the parent's saved usage holds its children's: the limit counted them
    RunState state = ((RunResult.Answered) r).state();
    BigDecimal saved = BigDecimal.ZERO;
    for (Map.Entry<String, io.github.kimisdk.chat.Usage> u : state.usageByModel().entrySet()) {
      saved = saved.add(kimi.prices().cost(u.getKey(), u.getValue()).map(Cost::total).get());
    }
    assertThat(saved).isEqualByComparingTo(spent());
    assertThat(state.toJson()).contains("\"child_steps\": 8");
    // in parallel: each child's tool waited for all four to start (the latch above) before its
    // work, so they overlapped; the wall is at least the slowest child's work (no ceiling on a
    // wall clock: a busy machine must not decide this test)
    assertThat(wall).isGreaterThanOrEqualTo(Duration.ofMillis(900));
    // the children's runs were runs: events under their own ids, every request by Kimi's rules
    assertThat(events)
        .anyMatch(e -> e instanceof RunEvent.ToolStarted t && t.runId().equals("fan-out.1.3"));
    for (RecordedRequest req : server.requests()) {
      assertThat(req.status()).isEqualTo(200);
      KimisRules.check(req);
    }
  }

  @Test
  void childrenAParentCannotAffordStopAndTheParentReadsWhy() {
    List<Agent> children = children(region -> (args, ctx) -> region + " sold 1 unit");
    // one call's worst case is about USD 0.016: the parent's first call and two children fit
    BigDecimal limit = new BigDecimal("0.04");
    Agent lead = parent(children).maxSpend(limit, USD).parallelism(4).build();

    RunResult r = lead.run("tight", List.of(Message.user(TASK)));

    assertThat(r).isInstanceOfAny(RunResult.Answered.class, RunResult.Stopped.class);
    assertThat(spent()).isLessThanOrEqualTo(limit);
    List<ToolMessage> results =
        r instanceof RunResult.Stopped s
            ? toolMessages(s.state())
            : toolMessages(((RunResult.Answered) r).state());
    assertThat(results).hasSize(4);
    assertThat(results)
        .anyMatch(t -> t.content().contains("agent stopped before it answered: the spend limit"));
  }

  static List<ToolMessage> toolMessages(RunState s) {
    return s.messages().stream()
        .filter(m -> m instanceof ToolMessage)
        .map(m -> (ToolMessage) m)
        .toList();
  }

  @Test
  void aChildsApprovalPausesTheParentWhoseSavedStateHoldsTheChilds() {
    Bank bank = new Bank();
    Agent payer = payer(bank.tool().approval(Approval.always())).listener(this::record).build();
    Agent notifier = child("north", (args, ctx) -> "noted");
    RunStore store = RunStore.inMemory();
    Agent.Builder lead =
        Agent.builder(kimi, "kimi-k3")
            .name("lead", "1")
            .key(TestKeys.KEY)
            .store(store)
            .tool(payer.asTool("pay", "Pays an invoice"))
            .tool(notifier.asTool("note", "Notes a payment"))
            .listener(this::record);

    RunResult r =
        lead.build()
            .run(
                "invoice-7",
                List.of(
                    Message.user("Use pay and note with task=\"transfer to=acct-7 amount=70\"")));

    assertThat(r).isInstanceOf(RunResult.Paused.class);
    RunResult.Paused paused = (RunResult.Paused) r;
    assertThat(paused.pending())
        .singleElement()
        .satisfies(
            p -> {
              assertThat(p.runId()).isEqualTo("invoice-7.1.0"); // the child's call, under its run
              assertThat(p.tool()).isEqualTo("transfer");
              assertThat(p.arguments()).contains("acct-7").contains("70");
            });
    assertThat(bank.requests()).isZero();
    String json = paused.state().toJson();
    assertThat(json).contains("\"version\": 3").contains("\"children\"").contains("invoice-7.1.0");
    // the note ran; its result is the parent's, its run no longer held
    assertThat(paused.state().toJson()).doesNotContain("invoice-7.1.1\"");

    // another program: the state moved as JSON, the decision made on the child's call
    RunState moved = RunState.fromJson(json);
    Agent second = lead.key(TestKeys.KEY).store(RunStore.inMemory()).build();
    RunResult done = second.resume(moved, List.of(Decision.approve(moved.pending().get(0))));

    assertThat(done).isInstanceOf(RunResult.Answered.class);
    assertThat(bank.transfers())
        .singleElement()
        .satisfies(
            t -> {
              assertThat(t.to()).isEqualTo("acct-7");
              assertThat(t.amount()).isEqualTo(70L);
              assertThat(t.key()).matches("kimi-[0-9a-f]{40}");
            });
    assertThat(((RunResult.Answered) done).text()).contains("transferred 70 to acct-7");
    for (RecordedRequest req : server.requests()) {
      assertThat(req.status()).isEqualTo(200);
      KimisRules.check(req);
    }
  }

  @Test
  void aFailedChildIsAToolErrorItsParentReads() {
    Agent broken =
        Agent.builder(kimi, "kimi-k9-unknown")
            .name("broken", "1")
            .tool(AgentTool.of("lookup", "Looks up", JsonSchema.object().build(), (a, c) -> "x"))
            .key(TestKeys.KEY)
            .store(RunStore.inMemory())
            .build();
    Agent lead =
        Agent.builder(kimi, "kimi-k3")
            .key(TestKeys.KEY)
            .store(RunStore.inMemory())
            .tool(broken.asTool("research", "Researches"))
            .build();

    RunResult r = lead.run("failing-child", List.of(Message.user("research task=anything")));

    assertThat(r).isInstanceOf(RunResult.Answered.class);
    ToolMessage result = toolMessages(((RunResult.Answered) r).state()).get(0);
    assertThat(result.content())
        .startsWith("Error: the research agent failed:")
        .contains("kimi-k9-unknown");
  }

  @Test
  void aStoreThatFailsInsideASubagentFailsTheRunAndItsResumeDoesTheEffectOnce() {
    Bank bank = new Bank();
    Agent payer = payer(bank.tool().asIdempotent()).build();
    RunStore store = RunStore.inMemory();
    // the subagent's first record (its transfer's intent) is written, then the store fails
    RunStore failing = new FailingStore(store, "c1-0/call/", 1);
    Agent.Builder lead =
        Agent.builder(kimi, "kimi-k3").name("lead", "1").tool(payer.asTool("pay", "Pays"));

    RunResult r =
        lead.key(TestKeys.KEY)
            .store(failing)
            .build()
            .run("crashy", List.of(Message.user("pay task=\"transfer to=acct-3 amount=30\"")));

    assertThat(r).isInstanceOf(RunResult.Failed.class);
    assertThat(((RunResult.Failed) r).error()).isInstanceOf(RunStoreException.class);
    assertThat(bank.requests()).isEqualTo(1); // the effect happened before the store failed
    Agent again = lead.key(TestKeys.KEY).store(store).build();
    RunResult done = again.resume(again.load("crashy").orElseThrow(), List.of());

    assertThat(done).isInstanceOf(RunResult.Answered.class);
    assertThat(bank.transfers()).hasSize(1); // run again with the same key: done once
    assertThat(bank.requests()).isEqualTo(2);
    assertThat(((RunResult.Answered) done).text()).contains("transferred 30 to acct-3");
  }

  @Test
  void theModelCallsInFlightAreHeldToTheParentsLimitAcrossItsChildren() {
    server.latency(Duration.ofMillis(600)); // each answer takes a while: the calls overlap
    List<Agent> children = children(region -> (args, ctx) -> region + " sold 1 unit");

    RunResult held =
        parent(children).maxConcurrentCalls(2).build().run("held", List.of(Message.user(TASK)));

    assertThat(held).isInstanceOf(RunResult.Answered.class);
    assertThat(server.peakConcurrency()).isLessThanOrEqualTo(2);
    RunResult free = parent(children).build().run("free", List.of(Message.user(TASK)));
    assertThat(free).isInstanceOf(RunResult.Answered.class);
    assertThat(server.peakConcurrency()).as("without the limit").isGreaterThan(2);
  }

  @Test
  void theParentsDeadlineStopsItsChildrenToo() {
    io.github.kimisdk.testing.FakeClock clock =
        new io.github.kimisdk.testing.FakeClock(java.time.Instant.parse("2026-11-27T10:00:00Z"));
    CountDownLatch allCalled = new CountDownLatch(4);
    List<Agent> children = new ArrayList<>();
    for (String region : REGIONS) {
      children.add(
          Agent.builder(kimi, "kimi-k3")
              .name("researcher-" + region, "1")
              .clock(clock)
              .tool(
                  AgentTool.of(
                      "lookup",
                      "Looks a figure up",
                      JsonSchema.object().required("query", JsonSchema.string()).build(),
                      (args, ctx) -> {
                        // every child made its first call; then the services take three minutes
                        allCalled.countDown();
                        if (!allCalled.await(10, TimeUnit.SECONDS)) {
                          return "Error: the other researchers never called";
                        }
                        clock.advance(Duration.ofMinutes(1));
                        return region + " sold 1 unit";
                      }))
              .key(TestKeys.KEY)
              .store(RunStore.inMemory())
              .build());
    }
    Agent lead = parent(children).clock(clock).timeLimit(Duration.ofSeconds(30)).build();

    RunResult r = lead.run("deadline", List.of(Message.user(TASK)));

    assertThat(r).isInstanceOf(RunResult.Stopped.class);
    assertThat(((RunResult.Stopped) r).limit()).isEqualTo(RunResult.Limit.TIME);
    // the parent's first call and the children's first: then the deadline had passed
    assertThat(server.requestCount()).isEqualTo(5);
    assertThat(toolMessages(((RunResult.Stopped) r).state()))
        .hasSize(4)
        .allMatch(t -> t.content().contains("the time limit"));
  }

  @Test
  void anAgentToolRefusesToRunOutsideARun() throws Exception {
    Agent alone = child("north", (a, c) -> "x");
    AgentTool tool = alone.asTool("research", "Researches");

    assertThat(tool.effect()).isEqualTo(AgentTool.Effect.IDEMPOTENT);
    assertThat(((io.github.kimisdk.tool.FunctionTool) tool.tool()).parameters().toString())
        .contains("task");
    org.assertj.core.api.Assertions.assertThatThrownBy(
            () -> tool.handler().call(io.github.kimisdk.json.JsonObject.of(), null))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("only inside another agent's run");
  }

  @Test
  void theTreesStepLimitBoundsTheChildrenTogether() {
    ConcurrentHashMap<String, Boolean> ran = new ConcurrentHashMap<>();
    List<Agent> children =
        children(
            region ->
                (args, ctx) -> {
                  ran.put(region, true);
                  return region + " sold 1 unit";
                });
    // five model calls for the whole tree: the parent's first, then four among the children,
    // who need two each to answer (a tool call, then the answer). Which child takes which of the
    // four depends on when each starts; that the five are shared is what holds.
    Agent lead = parent(children).maxSteps(5).build();

    RunResult r = lead.run("steps", List.of(Message.user(TASK)));

    assertThat(r).isInstanceOf(RunResult.Stopped.class);
    assertThat(((RunResult.Stopped) r).limit()).isEqualTo(RunResult.Limit.STEPS);
    assertThat(server.requestCount()).isEqualTo(5);
    List<ToolMessage> results = toolMessages(((RunResult.Stopped) r).state());
    assertThat(results).hasSize(4);
    long stopped =
        results.stream().filter(t -> t.content().contains("the limit on model calls")).count();
    assertThat(stopped).as("children stopped by the tree's limit").isGreaterThanOrEqualTo(2);
    assertThat(results)
        .allMatch(
            t ->
                t.content().contains("the limit on model calls")
                    || t.content().contains("sold 1 unit"));
  }
}
