package io.github.kimisdk.agents;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.kimisdk.CallEvent;
import io.github.kimisdk.CallListener;
import io.github.kimisdk.KimiClient;
import io.github.kimisdk.RetryPolicy;
import io.github.kimisdk.chat.AssistantMessage;
import io.github.kimisdk.chat.ChatCompletion;
import io.github.kimisdk.chat.ChatRequest;
import io.github.kimisdk.chat.ChatStream;
import io.github.kimisdk.chat.Message;
import io.github.kimisdk.chat.ToolMessage;
import io.github.kimisdk.chat.Usage;
import io.github.kimisdk.errors.ContextLengthExceededException;
import io.github.kimisdk.json.Json;
import io.github.kimisdk.json.JsonObject;
import io.github.kimisdk.model.Cost;
import io.github.kimisdk.model.ModelCatalog;
import io.github.kimisdk.model.ModelInfo;
import io.github.kimisdk.tool.JsonSchema;
import java.math.BigDecimal;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Currency;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Random;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Agent runs against {@link KimiRulesServer}, a strict server written from Kimi's documented rules
 * and not from the project's fake: kimi-k3 with a window of 8,192 tokens, every request judged
 * (each tool call answered before the next model call, {@code reasoning_content} on every assistant
 * message, prompt and output cap inside the window, the body under its cap). A run whose documents
 * overflow the window a few times over finishes through compactions, a parent fans four subagents
 * out under one spend limit, and a paused run resumes, each with no request refused; and the server
 * is shown to refuse each broken history it is there to catch.
 */
class AgentAgainstKimiRulesServerHttpTest {
  static final int WINDOW = 8_192;
  static final ModelInfo SMALL_K3 =
      ModelCatalog.defaults().lookup("kimi-k3").withContextWindow(WINDOW);

  /** Every step's output cap: a request weighs its prompt and this. */
  static final int CAP = 1_000;

  /** A document's size, by the server's count. */
  static final int DOCUMENT_TOKENS = 1_500;

  static final Currency USD = Currency.getInstance("USD");
  static final List<String> REGIONS = List.of("north", "south", "east", "west");

  final List<RunEvent> events = new CopyOnWriteArrayList<>();
  final List<CallEvent.End> calls = new CopyOnWriteArrayList<>();

  /** One listener object for every agent: a run tells each distinct listener once. */
  final AgentListener listener = events::add;

  KimiRulesServer server;
  KimiClient kimi;

  @BeforeEach
  void start() {
    server = KimiRulesServer.start(WINDOW, 2_097_152);
    kimi = client(server);
  }

  @AfterEach
  void stop() {
    kimi.close();
    server.close();
  }

  KimiClient client(KimiRulesServer s) {
    return KimiClient.builder()
        .apiKey("sk-rules-test")
        .baseUrl(s.baseUrl())
        .catalog(ModelCatalog.defaults().with(SMALL_K3))
        .retryPolicy(RetryPolicy.none()) // a refusal is seen, not retried
        .listener(
            new CallListener() {
              @Override
              public void onEnd(CallEvent.End e) {
                calls.add(e);
              }
            })
        .build();
  }

  // ------------------------------------------------------------------------------------------
  // The documents

  private static final String[] WORDS = {
    "the", "harbour", "records", "show", "that", "ships", "arrived", "early", "with", "grain",
    "and", "timber", "while", "the", "council", "argued", "about", "taxes", "for", "weeks",
    "before", "a", "new", "market", "opened", "near", "river", "gate", "where", "traders", "met"
  };

  static int checksum(String set, int index) {
    return 1000 + new Random(Objects.hash(set, index)).nextInt(9000);
  }

  /** Document {@code index} of {@code set}: its first line names it and its checksum. */
  static String document(String set, int index) {
    Random r = new Random(31L * Objects.hash(set, index));
    StringBuilder s =
        new StringBuilder(
            "document " + index + " of " + set + ", checksum=" + checksum(set, index) + ":");
    while (s.length() < DOCUMENT_TOKENS * 4) { // ASCII: a byte a character
      s.append(' ').append(WORDS[r.nextInt(WORDS.length)]);
    }
    return s.toString();
  }

  static String line(String set, int index) {
    return "document " + index + " of " + set + ", checksum=" + checksum(set, index);
  }

  static AgentTool readDocument(String set) {
    return AgentTool.of(
        "read_document",
        "Reads one document of the " + set + " set by its index",
        JsonSchema.object().required("index", JsonSchema.integer()).build(),
        (args, ctx) -> document(set, args.get("index").asInt()));
  }

  static String readTask(int count, String set) {
    return "Read documents 1 to "
        + count
        + " of "
        + set
        + " with read_document, one per turn, then name each document read with its checksum.";
  }

  Agent.Builder reader(String set) {
    return Agent.builder(kimi, "kimi-k3")
        .tool(readDocument(set))
        .request(b -> b.maxCompletionTokens(CAP))
        .key(TestKeys.KEY)
        .store(RunStore.inMemory())
        .maxSteps(60)
        .listener(listener);
  }

  List<RunEvent.Compacted> compactions(String runId) {
    return events.stream()
        .filter(e -> e instanceof RunEvent.Compacted c && c.runId().startsWith(runId))
        .map(e -> (RunEvent.Compacted) e)
        .toList();
  }

  long reads(String runId) {
    return events.stream()
        .filter(
            e ->
                e instanceof RunEvent.ToolStarted t
                    && t.tool().equals("read_document")
                    && t.runId().startsWith(runId))
        .count();
  }

  /** What the calls the server answered cost, by the usage it reported, at the client's prices. */
  BigDecimal spent() {
    BigDecimal total = BigDecimal.ZERO;
    for (CallEvent.End e : calls) {
      total = total.add(e.cost() == null ? BigDecimal.ZERO : e.cost().total());
    }
    return total;
  }

  /** The largest weight the server saw: its prompt count plus the request's output cap. */
  int largestRequest() {
    int largest = 0;
    for (KimiRulesServer.Exchange x : server.exchanges()) {
      int cap = x.request().get("max_completion_tokens").asInt();
      largest = Math.max(largest, x.promptTokens() + cap);
    }
    return largest;
  }

  void assertEveryRequestKeptKimisRules() {
    assertThat(server.violations()).as("requests the server refused").isEmpty();
    assertThat(server.exchanges())
        .isNotEmpty()
        .allSatisfy(x -> assertThat(x.status()).isEqualTo(200));
  }

  // ------------------------------------------------------------------------------------------
  // 1. Compaction

  @Test
  void aRunWhoseDocumentsOverflowTheWindowFinishesUnderTheThresholdByKimisRules() {
    int count = 12;
    Agent agent = reader("archive").build();

    RunResult r =
        agent.run(
            "archive",
            List.of(
                Message.system("You read documents and report."),
                Message.user(readTask(count, "archive"))));

    assertThat(r).isInstanceOf(RunResult.Answered.class);
    int documents = 0;
    for (int i = 1; i <= count; i++) {
      documents += KimiRules.tokens(document("archive", i));
    }
    assertThat(documents).as("the documents overflow the window").isGreaterThan(2 * WINDOW);
    // the answer names every document with its checksum: what was read survived the summaries
    String answer = ((RunResult.Answered) r).text();
    for (int i = 1; i <= count; i++) {
      assertThat(answer).contains(line("archive", i));
    }
    assertEveryRequestKeptKimisRules();
    List<RunEvent.Compacted> compactions = compactions("archive");
    assertThat(compactions).hasSizeGreaterThanOrEqualTo(2);
    long summaries = server.exchanges().stream().filter(x -> x.summary()).count();
    assertThat(summaries).as("the summary calls the server saw").isEqualTo(compactions.size());
    int threshold = (int) Math.floor(Compaction.DEFAULT_THRESHOLD * WINDOW);
    System.out.printf( // docs/agents.md quotes these
        "RULES-RUN %d documents, %d compactions, the largest request %d of a threshold of %d%n",
        count, compactions.size(), largestRequest(), threshold);
    assertThat(largestRequest())
        .as("the largest request, by the server's count, with its output cap")
        .isLessThanOrEqualTo(threshold);
    // each document read once: after each summary the model went on from the unread ones
    assertThat(reads("archive")).isEqualTo(count);
    assertThat(((RunResult.Answered) r).state().steps()).isEqualTo(count + 1);
  }

  @Test
  void withoutCompactionTheServerRefusesTheSameRunOverItsWindow() {
    Agent agent = reader("archive").compaction(Compaction.off()).build();

    RunResult r = agent.run("uncompacted", List.of(Message.user(readTask(12, "archive"))));

    assertThat(r).isInstanceOf(RunResult.Failed.class);
    assertThat(((RunResult.Failed) r).error())
        .isInstanceOf(ContextLengthExceededException.class)
        .hasMessageContaining("Your request exceeded model token limit: " + WINDOW);
    assertThat(server.violations())
        .singleElement()
        .satisfies(v -> assertThat(v.message()).contains("exceeded model token limit"));
  }

  @Test
  void aBodyOverTheServersByteCapIsCompactedBeforeItIsSent() {
    server.close();
    kimi.close();
    server = KimiRulesServer.start(WINDOW, 20_000);
    kimi = client(server);
    Agent agent =
        reader("ledger").compaction(Compaction.defaults().maxRequestBytes(16_384)).build();

    RunResult r = agent.run("bytes", List.of(Message.user(readTask(8, "ledger"))));

    assertThat(r).isInstanceOf(RunResult.Answered.class);
    assertEveryRequestKeptKimisRules();
    assertThat(compactions("bytes")).isNotEmpty();
    assertThat(server.exchanges())
        .allSatisfy(
            x ->
                assertThat(x.body().getBytes(StandardCharsets.UTF_8))
                    .hasSizeLessThanOrEqualTo(16_384));
    for (int i = 1; i <= 8; i++) {
      assertThat(((RunResult.Answered) r).text()).contains(line("ledger", i));
    }
  }

  // ------------------------------------------------------------------------------------------
  // 2. Subagents

  Agent child(String region) {
    return reader(region)
        .name("researcher-" + region, "1")
        .instructions("You read the documents of the " + region + " region.")
        .build();
  }

  Agent.Builder lead() {
    Agent.Builder b =
        Agent.builder(kimi, "kimi-k3")
            .name("lead", "1")
            .request(r -> r.maxCompletionTokens(CAP))
            .key(TestKeys.KEY)
            .store(RunStore.inMemory())
            .maxSteps(80)
            .maxConcurrentCalls(4)
            .listener(listener);
    for (String region : REGIONS) {
      b.tool(child(region).asTool("research_" + region, "Reads the documents of one region"));
    }
    return b;
  }

  static final String DELEGATE =
      "Delegate to research_north, research_south, research_east, research_west: each reads"
          + " documents 1 to 4.";

  @Test
  void aParentFansFourSubagentsOutTogetherUnderOneSpendLimitByKimisRules() {
    // all four together cost about USD 0.22; four worst cases in flight at once, about 0.14 more
    BigDecimal limit = new BigDecimal("0.50");
    Agent lead = lead().maxSpend(limit, USD).build();
    server.gateFirstCalls(REGIONS.size());

    RunResult r = lead.run("fan-out", List.of(Message.user(DELEGATE)));

    assertThat(r).isInstanceOf(RunResult.Answered.class);
    String answer = ((RunResult.Answered) r).text();
    for (String region : REGIONS) {
      for (int i = 1; i <= 4; i++) {
        assertThat(answer).contains(line(region, i));
      }
    }
    assertThat(reads("fan-out.")).isEqualTo(4L * REGIONS.size());
    assertThat(compactions("fan-out.")).as("the children's own compactions").isNotEmpty();
    assertEveryRequestKeptKimisRules();
    // the spend: what the server's usage costs, what the run saved, both under the limit
    RunState state = ((RunResult.Answered) r).state();
    BigDecimal saved = BigDecimal.ZERO;
    for (Map.Entry<String, Usage> u : state.usageByModel().entrySet()) {
      saved = saved.add(kimi.prices().cost(u.getKey(), u.getValue()).map(Cost::total).get());
    }
    assertThat(spent()).isPositive().isLessThanOrEqualTo(limit);
    assertThat(saved).isEqualByComparingTo(spent());
    assertThat(calls).hasSize(server.requestCount());
    // together: the server held each child's first request until all four were in flight
    Map<String, List<KimiRulesServer.Exchange>> byChild = new LinkedHashMap<>();
    for (KimiRulesServer.Exchange x : server.exchanges()) {
      if (x.conversation().startsWith("Read documents")) {
        byChild.computeIfAbsent(x.conversation(), k -> new ArrayList<>()).add(x);
      }
    }
    assertThat(byChild).hasSize(4);
    long lastArrived = Long.MIN_VALUE;
    long firstAnswered = Long.MAX_VALUE;
    for (List<KimiRulesServer.Exchange> xs : byChild.values()) {
      lastArrived = Math.max(lastArrived, xs.get(0).receivedNanos());
      firstAnswered = Math.min(firstAnswered, xs.get(0).answeredNanos());
    }
    assertThat(lastArrived)
        .as("the last child's first request arrived before any child's first was answered")
        .isLessThan(firstAnswered);
  }

  @Test
  void aSpendLimitTheFourCannotAllAffordIsNeverExceeded() {
    // all four would cost about USD 0.22: some child's next call cannot be afforded
    BigDecimal limit = new BigDecimal("0.12");
    Agent lead = lead().maxSpend(limit, USD).build();

    RunResult r = lead.run("tight", List.of(Message.user(DELEGATE)));

    assertThat(r).isInstanceOfAny(RunResult.Answered.class, RunResult.Stopped.class);
    assertThat(spent()).isPositive().isLessThanOrEqualTo(limit);
    assertThat(server.violations()).isEmpty();
    RunState state =
        r instanceof RunResult.Answered a ? a.state() : ((RunResult.Stopped) r).state();
    List<String> results =
        state.messages().stream()
            .filter(m -> m instanceof ToolMessage)
            .map(m -> ((ToolMessage) m).content())
            .toList();
    assertThat(results)
        .as("a child the limit stopped")
        .anyMatch(t -> t.contains("the spend limit"));
  }

  // ------------------------------------------------------------------------------------------
  // 3. A paused run, saved and resumed

  @Test
  void aPausedRunResumedWithApprovalKeepsEveryCallAnsweredBeforeTheNextModelCall() {
    List<Integer> published = Collections.synchronizedList(new ArrayList<>());
    AgentTool publish =
        AgentTool.of(
                "publish_report",
                "Publishes the report on the documents read",
                JsonSchema.object().required("documents", JsonSchema.integer()).build(),
                (args, ctx) -> {
                  published.add(args.get("documents").asInt());
                  return KimiRulesServer.PUBLISHED + ": " + args.get("documents").asInt();
                })
            .approval(Approval.always());
    RunStore store = RunStore.inMemory();
    String task = readTask(6, "annex") + " Then call publish_report.";
    Agent first = reader("annex").tool(publish).key(TestKeys.KEY).store(store).build();

    RunResult paused = first.run("annex", List.of(Message.user(task)));

    assertThat(paused).isInstanceOf(RunResult.Paused.class);
    assertThat(published).isEmpty();
    assertThat(compactions("annex")).isNotEmpty();
    int before = server.requestCount();
    Agent second = reader("annex").tool(publish).key(TestKeys.KEY).store(store).build();
    RunState saved = RunState.fromJson(second.load("annex").orElseThrow().toJson());
    RunResult done = second.resume(saved, List.of(Decision.approve(saved.pending().get(0))));

    assertThat(done).isInstanceOf(RunResult.Answered.class);
    assertThat(published).containsExactly(6);
    assertEveryRequestKeptKimisRules();
    // the one request after the resume carries the approved call's result
    List<KimiRulesServer.Exchange> after =
        server.exchanges().stream().filter(x -> x.seq() > before).toList();
    assertThat(after).hasSize(1);
    assertThat(after.get(0).body()).contains(KimiRulesServer.PUBLISHED + ": 6");
    for (int i = 1; i <= 6; i++) {
      assertThat(((RunResult.Answered) done).text()).contains(line("annex", i));
    }
  }

  /** The agent does not stream (RunDrive calls chat), but the server answers a stream as Kimi. */
  @Test
  void theServerStreamsMoonshotsChunksWhenAskedTo() {
    ChatRequest request =
        ChatRequest.builder("kimi-k3")
            .messages(List.of(Message.user(readTask(2, "x"))))
            .tools(List.of(readDocument("x").tool()))
            .maxCompletionTokens(100)
            .build();

    ChatCompletion c;
    try (ChatStream s = kimi.stream(request)) {
      c = s.toCompletion();
    }

    AssistantMessage m = c.choices().get(0).message();
    assertThat(m.reasoningContent()).isNotEmpty();
    assertThat(m.toolCalls())
        .singleElement()
        .satisfies(
            t -> {
              assertThat(t.id()).isEqualTo("functions.read_document:0");
              assertThat(t.arguments()).isEqualTo("{\"index\":1}");
            });
    assertThat(c.usage().promptTokens()).isEqualTo(server.exchanges().get(0).promptTokens());
    assertThat(server.exchanges().get(0).body()).contains("\"stream\":true");
    assertThat(server.violations()).isEmpty();
  }

  // ------------------------------------------------------------------------------------------
  // The server refuses what it is there to refuse

  HttpResponse<String> post(KimiRulesServer s, String body) throws Exception {
    HttpClient http = HttpClient.newHttpClient();
    HttpRequest req =
        HttpRequest.newBuilder(URI.create(s.baseUrl() + "/chat/completions"))
            .header("Authorization", "Bearer sk-rules-test")
            .header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString(body))
            .build();
    return http.send(req, HttpResponse.BodyHandlers.ofString());
  }

  static final String TOOLS =
      "[{\"type\":\"function\",\"function\":{\"name\":\"read_document\",\"parameters\":"
          + "{\"type\":\"object\",\"properties\":{\"index\":{\"type\":\"integer\"}}}}}]";

  static String request(String messages) {
    return "{\"model\":\"kimi-k3\",\"max_completion_tokens\":100,\"tools\":"
        + TOOLS
        + ",\"messages\":["
        + messages
        + "]}";
  }

  static final String USER = "{\"role\":\"user\",\"content\":\"Read documents 1 to 2 of x.\"}";
  static final String CALL =
      "{\"role\":\"assistant\",\"content\":\"\",\"reasoning_content\":\"r\",\"tool_calls\":[{\"id\":"
          + "\"functions.read_document:0\",\"type\":\"function\",\"function\":{\"name\":"
          + "\"read_document\",\"arguments\":\"{\\\"index\\\":1}\"}}]}";
  static final String RESULT =
      "{\"role\":\"tool\",\"tool_call_id\":\"functions.read_document:0\",\"name\":"
          + "\"read_document\",\"content\":\"document 1 of x, checksum=1234\"}";

  /** Asserts a 400 in Kimi's error shape whose message holds {@code words}, and its record. */
  void assertRefused(HttpResponse<String> res, String words) {
    assertThat(res.statusCode()).isEqualTo(400);
    JsonObject error = Json.parse(res.body()).get("error").asObject();
    assertThat(error.get("type").asString()).isEqualTo("invalid_request_error");
    assertThat(error.get("message").asString()).contains(words);
    assertThat(server.violations())
        .singleElement()
        .satisfies(v -> assertThat(v.message()).contains(words));
  }

  @Test
  void theServerRefusesACallWhoseResultIsMissing() throws Exception {
    assertRefused(
        post(server, request(USER + "," + CALL + "," + USER)), KimiRulesServer.TOOL_CALLS_RULE);
  }

  @Test
  void theServerRefusesAResultNoCallAskedFor() throws Exception {
    assertRefused(
        post(server, request(USER + "," + RESULT)), "which no assistant message before it called");
  }

  @Test
  void theServerRefusesACallWithoutItsReasoning() throws Exception {
    String bare = CALL.replace("\"reasoning_content\":\"r\",", "");
    assertRefused(
        post(server, request(USER + "," + bare + "," + RESULT)),
        "thinking is enabled but reasoning_content is missing in assistant tool call message at"
            + " index 1");
  }

  @Test
  void theServerRefusesAnAnswerWithoutItsReasoningUnlessThinkingIsOff() throws Exception {
    String answer = "{\"role\":\"assistant\",\"content\":\"done\"}";
    String messages = USER + "," + answer + "," + USER;
    assertRefused(
        post(server, request(messages)),
        "requires reasoning_content on every assistant message, but assistant message at index 1");
    String off =
        request(messages).replace("{\"model\"", "{\"thinking\":{\"type\":\"disabled\"},\"model\"");
    assertThat(post(server, off).statusCode()).isEqualTo(200);
  }

  @Test
  void theServerRefusesAPromptAndCapOverTheWindow() throws Exception {
    String longUser =
        "{\"role\":\"user\",\"content\":\"Read documents 1 to 2 of x. "
            + "y".repeat(34_000)
            + "\"}";
    assertRefused(
        post(server, request(longUser)), "Your request exceeded model token limit: " + WINDOW);
    // the cap counts: a prompt that fits alone does not fit with a cap that takes it past
    String fits =
        "{\"role\":\"user\",\"content\":\"Read documents 1 to 2 of x. "
            + "y".repeat(30_000)
            + "\"}";
    assertThat(post(server, request(fits)).statusCode()).isEqualTo(200);
    String capped =
        request(fits).replace("\"max_completion_tokens\":100", "\"max_completion_tokens\":1000");
    assertThat(post(server, capped).statusCode()).isEqualTo(400);
  }

  @Test
  void theServerRefusesABodyOverItsByteCap() throws Exception {
    server.close();
    server = KimiRulesServer.start(WINDOW, 20_000);
    String body = request("{\"role\":\"user\",\"content\":\"" + "z".repeat(25_000) + "\"}");
    HttpResponse<String> res = post(server, body);
    assertRefused(res, "total message size " + body.length() + " exceeds limit 20000");
  }

  @Test
  void theServerAcceptsAHistoryThatKeepsTheRules() throws Exception {
    HttpResponse<String> res = post(server, request(USER + "," + CALL + "," + RESULT));
    assertThat(res.statusCode()).isEqualTo(200);
    JsonObject body = Json.parse(res.body()).asObject();
    JsonObject message = body.get("choices").get(0).get("message").asObject();
    assertThat(message.get("reasoning_content").asString()).isNotEmpty();
    assertThat(message.get("tool_calls").get(0).get("function").get("arguments").asString())
        .isEqualTo("{\"index\":2}");
    assertThat(body.get("usage").get("prompt_tokens").asInt()).isPositive();
    assertThat(server.violations()).isEmpty();
  }
}
