package io.github.kimisdk.agents;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.kimisdk.CallEvent;
import io.github.kimisdk.KimiClient;
import io.github.kimisdk.chat.AssistantMessage;
import io.github.kimisdk.chat.Message;
import io.github.kimisdk.chat.SystemMessage;
import io.github.kimisdk.chat.UserMessage;
import io.github.kimisdk.errors.ContextLengthExceededException;
import io.github.kimisdk.json.Json;
import io.github.kimisdk.json.JsonObject;
import io.github.kimisdk.json.JsonValue;
import io.github.kimisdk.model.ModelCatalog;
import io.github.kimisdk.model.ModelInfo;
import io.github.kimisdk.testing.FakeKimiExtension;
import io.github.kimisdk.testing.FakeKimiServer;
import io.github.kimisdk.testing.RecordedRequest;
import io.github.kimisdk.tool.JsonSchema;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.StringJoiner;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Issue 92's compaction, against the fake on loopback playing kimi-k3 with a small window (24,000
 * tokens), strict as Kimi: a run whose tool results overflow the window a few times over finishes,
 * every request the server took keeps Kimi's rules, and the largest stays under the threshold.
 */
@ExtendWith(FakeKimiExtension.class)
class AgentCompactionHttpTest {
  static final int WINDOW = 24_000;
  static final ModelInfo SMALL_K3 =
      ModelCatalog.defaults().lookup("kimi-k3").withContextWindow(WINDOW);
  static final int FILES = 12;

  final List<RunEvent> events = new ArrayList<>();
  final List<CallEvent.End> calls = new ArrayList<>();
  FakeKimiServer server;
  KimiClient kimi;

  @BeforeEach
  void smallWindow(FakeKimiServer server, FakeKimiExtension.Clients clients) {
    this.server = server.addModel(SMALL_K3);
    this.kimi =
        clients.build(
            b -> b.catalog(ModelCatalog.defaults().with(SMALL_K3)).listener(Recorded.ends(calls)));
  }

  /** A file of about {@code tokens} tokens of words, its first line naming it and a checksum. */
  static String file(String path, int tokens) {
    Random r = new Random(path.hashCode());
    StringBuilder s = new StringBuilder("file " + path + " checksum=" + (1000 + r.nextInt(9000)));
    String[] words = {"alpha", "bravo", "charlie", "delta", "echo", "foxtrot", "golf", "hotel"};
    while (s.length() < tokens * 4) {
      s.append(' ').append(words[r.nextInt(words.length)]).append(r.nextInt(100));
    }
    return s.toString();
  }

  AgentTool readFile(int tokens) {
    return AgentTool.of(
        "read_file",
        "Reads a file",
        JsonSchema.object().required("path", JsonSchema.string()).build(),
        (args, ctx) -> file(args.get("path").asString(), tokens));
  }

  AgentTool statFile() {
    return AgentTool.of(
        "stat_file",
        "Tells a file's size",
        JsonSchema.object().required("path", JsonSchema.string()).build(),
        (args, ctx) -> args.get("path").asString() + ": 4096 bytes");
  }

  Agent.Builder agent(AgentTool... tools) {
    Agent.Builder b =
        Agent.builder(kimi, "kimi-k3")
            .key(TestKeys.KEY)
            .store(RunStore.inMemory())
            .maxSteps(40)
            .listener(Recorded.into(events));
    for (AgentTool t : tools) {
      b.tool(t);
    }
    return b;
  }

  /** "read_file path=p1.txt then read_file path=p2.txt and stat_file path=p2.txt then ...". */
  static String task(int files) {
    StringJoiner j = new StringJoiner(" then ");
    for (int i = 1; i <= files; i++) {
      j.add(
          i % 3 == 2
              ? "read_file path=p" + i + ".txt and stat_file path=p" + i + ".txt"
              : "read_file path=p" + i + ".txt");
    }
    return j.toString();
  }

  List<RunEvent.Compacted> compactions() {
    return events.stream()
        .filter(e -> e instanceof RunEvent.Compacted)
        .map(e -> (RunEvent.Compacted) e)
        .toList();
  }

  @Test
  void aRunWhoseResultsOverflowTheWindowFinishesUnderTheThresholdByKimisRules() {
    Agent agent = agent(readFile(4_500), statFile()).build();
    int results = 0;
    for (int i = 1; i <= FILES; i++) {
      results += 4_500;
    }

    RunResult r =
        agent.run(
            "long-run",
            List.of(Message.system("You read files and report."), Message.user(task(FILES))));

    assertThat(r).isInstanceOf(RunResult.Answered.class);
    assertThat(results).as("the results overflow the window").isGreaterThan(2 * WINDOW);
    assertThat(compactions()).hasSizeGreaterThanOrEqualTo(2);
    // each summary was asked for with the history as it was sent: read from Kimi's prefix cache
    assertThat(compactions())
        .allSatisfy(c -> assertThat(c.report().usage().cachedTokens()).isPositive());
    int threshold = (int) Math.floor(Compaction.DEFAULT_THRESHOLD * WINDOW);
    // every request the server received: taken, by Kimi's rules, under the threshold
    assertThat(server.requests()).isNotEmpty();
    for (RecordedRequest req : server.requests()) {
      assertThat(req.status()).as(req.bodyText()).isEqualTo(200);
      KimisRules.check(req);
    }
    int largest = 0;
    synchronized (calls) {
      assertThat(calls).hasSize(server.requestCount());
      for (CallEvent.End e : calls) {
        Integer cap = e.call().request().maxCompletionTokens();
        int weight = e.usage().promptTokens() + (cap == null ? 0 : cap);
        largest = Math.max(largest, weight);
      }
    }
    assertThat(largest)
        .as("the largest request, prompt and output cap")
        .isLessThanOrEqualTo(threshold);
    // every call of the task was made, in order: 12 turns of reads, 4 stats
    long reads =
        events.stream()
            .filter(e -> e instanceof RunEvent.ToolStarted t && t.tool().equals("read_file"))
            .count();
    assertThat(reads).isEqualTo(FILES);
    assertThat(((RunResult.Answered) r).state().steps()).isEqualTo(FILES + 1);
  }

  @Test
  void theHistoryKeepsItsHeadItsRecentTurnsAndASummaryOfTheRest() {
    Agent agent = agent(readFile(4_500), statFile()).build();

    RunResult r =
        agent.run(
            "kept",
            List.of(Message.system("You read files and report."), Message.user(task(FILES))));

    List<Message> m = ((RunResult.Answered) r).state().messages();
    assertThat(m.get(0)).isInstanceOf(SystemMessage.class);
    assertThat(((UserMessage) m.get(1)).text()).isEqualTo(task(FILES));
    UserMessage summary = (UserMessage) m.get(2);
    assertThat(summary.text())
        .startsWith(Compactor.HEADER)
        .contains("Task: " + task(FILES)) // the model's summary
        .contains(Compactor.LEDGER)
        .contains("- read_file {\"path\":\"p1.txt\"} -> ok") // the ledger keeps the first calls
        .contains("checksum=");
    // every assistant message kept is the one the model sent, its reasoning with it
    for (Message x : m) {
      if (x instanceof AssistantMessage a) {
        assertThat(a.reasoningContent()).isNotNull().isNotEmpty();
      }
    }
    RunEvent.Compacted first = compactions().get(0);
    CompactionReport report = first.report();
    assertThat(report.summarized()).isPositive();
    assertThat(report.tokensAfter()).isLessThan(report.tokensBefore());
    assertThat(report.tokensBefore()).isGreaterThan((int) (Compaction.DEFAULT_THRESHOLD * WINDOW));
    assertThat(report.usage()).isNotNull();
    assertThat(report.cost()).isNotNull(); // kimi-k3 has a price
    assertThat(report.cacheGivenUp()).isPositive();
    // the summary request was the history sent before, to the cut, with the ask and no tool
    RecordedRequest ask =
        server.requests().stream()
            .filter(q -> q.bodyText().contains("Summarize the conversation so far"))
            .findFirst()
            .orElseThrow();
    JsonObject body = Json.parse(ask.bodyText()).asObject();
    assertThat(body.get("tool_choice").asString()).isEqualTo("none");
    assertThat(body.get("tools").asArray().size()).isEqualTo(2);
  }

  @Test
  void aToolResultOverItsLimitIsCutWithANoteWhenItArrives() {
    Agent agent =
        agent(readFile(60_000))
            .compaction(Compaction.defaults().maxToolResultTokens(2_000))
            .build();

    RunResult r = agent.run("cut", List.of(Message.user("read_file path=big.txt")));

    assertThat(r).isInstanceOf(RunResult.Answered.class);
    RunEvent.ToolResultCut cut =
        (RunEvent.ToolResultCut)
            events.stream().filter(e -> e instanceof RunEvent.ToolResultCut).findFirst().get();
    assertThat(cut.originalChars()).isGreaterThan(200_000);
    assertThat(cut.keptChars()).isLessThan(10_000);
    String sent = server.requests().get(1).bodyText();
    assertThat(sent)
        .contains("file big.txt checksum=") // its start
        .contains("kimi-sdk cut")
        .contains("over the limit of 2,000 tokens for one result");
    for (RecordedRequest req : server.requests()) {
      KimisRules.check(req);
    }
  }

  @Test
  void aBodyOverKimiCodesByteLimitIsCompactedBeforeItIsSent(
      FakeKimiServer server, FakeKimiExtension.Clients clients) {
    server.maxRequestBytes(120_000); // refuses as Kimi Code refuses a body over its limit
    Agent agent =
        agent(readFile(5_000), statFile())
            .compaction(Compaction.defaults().maxRequestBytes(100_000))
            .build();

    RunResult r = agent.run("bytes", List.of(Message.user(task(8))));

    assertThat(r).isInstanceOf(RunResult.Answered.class);
    assertThat(compactions()).isNotEmpty();
    for (RecordedRequest req : server.requests()) {
      assertThat(req.status()).isEqualTo(200);
      assertThat(req.body().length).isLessThanOrEqualTo(100_000);
    }
  }

  @Test
  void withoutCompactionTheSameRunFailsWithKimisTokenLimit() {
    Agent agent = agent(readFile(4_500), statFile()).compaction(Compaction.off()).build();

    RunResult r = agent.run("no-compaction", List.of(Message.user(task(FILES))));

    assertThat(r).isInstanceOf(RunResult.Failed.class);
    assertThat(((RunResult.Failed) r).error())
        .isInstanceOf(ContextLengthExceededException.class)
        .hasMessageContaining("exceeded model token limit");
    assertThat(compactions()).isEmpty();
  }

  @Test
  void aCompactedRunPausesIsSavedAndGoesOnInAnotherAgent() {
    RunStore store = RunStore.inMemory();
    List<String> published = new ArrayList<>();
    AgentTool publish =
        AgentTool.of(
                "publish_report",
                "Publishes the report",
                JsonSchema.object().required("path", JsonSchema.string()).build(),
                (args, ctx) -> {
                  published.add(args.get("path").asString());
                  return "published";
                })
            .approval(Approval.always());
    String task = task(FILES) + " then publish_report path=report.txt";
    Agent first =
        agent(readFile(4_500), statFile(), publish).key(TestKeys.KEY).store(store).build();

    RunResult paused = first.run("resumed", List.of(Message.user(task)));

    assertThat(paused).isInstanceOf(RunResult.Paused.class);
    assertThat(compactions()).isNotEmpty();
    assertThat(published).isEmpty();
    Agent second =
        agent(readFile(4_500), statFile(), publish).key(TestKeys.KEY).store(store).build();
    RunState saved = RunState.fromJson(second.load("resumed").orElseThrow().toJson());
    assertThat(((UserMessage) saved.messages().get(0)).text()).isEqualTo(task);
    assertThat(((UserMessage) saved.messages().get(1)).text()).startsWith(Compactor.HEADER);
    RunResult done = second.resume(saved, List.of(Decision.approve(saved.pending().get(0))));
    assertThat(done).isInstanceOf(RunResult.Answered.class);
    assertThat(published).containsExactly("report.txt");
    for (RecordedRequest req : server.requests()) {
      assertThat(req.status()).isEqualTo(200);
      KimisRules.check(req);
    }
  }

  /** The request the run sends with the summary has the fake plan the turn after it. */
  @Test
  void theModelGoesOnFromTheTurnAfterTheSummary() {
    Agent agent = agent(readFile(4_500), statFile()).build();

    agent.run("order", List.of(Message.user(task(FILES))));

    List<String> paths = new ArrayList<>();
    for (RunEvent e : events) {
      if (e instanceof RunEvent.Replied rep) {
        AssistantMessage a = rep.completion().choices().get(0).message();
        a.toolCalls().stream()
            .filter(c -> c.name().equals("read_file"))
            .forEach(
                c -> {
                  JsonValue args = Json.parse(c.arguments());
                  paths.add(args.get("path").asString());
                });
      }
    }
    List<String> expected = new ArrayList<>();
    for (int i = 1; i <= FILES; i++) {
      expected.add("p" + i + ".txt");
    }
    assertThat(paths).containsExactlyElementsOf(expected);
  }
}
