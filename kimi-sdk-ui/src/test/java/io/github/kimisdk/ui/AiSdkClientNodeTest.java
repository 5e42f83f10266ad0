package io.github.kimisdk.ui;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import io.github.kimisdk.KimiClient;
import io.github.kimisdk.agents.AgentTool;
import io.github.kimisdk.agents.RunStore;
import io.github.kimisdk.chat.ChatRequest;
import io.github.kimisdk.foreign.ForeignProcess;
import io.github.kimisdk.foreign.Npm;
import io.github.kimisdk.json.Json;
import io.github.kimisdk.json.JsonArray;
import io.github.kimisdk.json.JsonObject;
import io.github.kimisdk.json.JsonString;
import io.github.kimisdk.json.JsonValue;
import io.github.kimisdk.testing.FakeKimiExtension;
import io.github.kimisdk.testing.FakeKimiServer;
import io.github.kimisdk.testing.FakeResponse;
import io.github.kimisdk.tool.JsonSchema;
import java.math.BigDecimal;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Currency;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * The AI SDK 7's own client code (from npm, in Node: {@code parseJsonEventStream} with the {@code
 * ai} package's chunk schema, {@code readUIMessageStream}, {@code validateUIMessages}) reads every
 * stream kimi-sdk writes: a plain chat, a thinking stream, an agent's tool loop with parallel
 * calls, an agent run that pauses for approval (approved, then its messages and its resumed
 * stream), one rejected, and one that ends by its spend limit; each part valid under the AI SDK's
 * schema, the texts and tool results those the fake and the tools gave. Pinned by {@code
 * src/test/node}'s lock file; skipped, with the reason, where Node or npm is missing.
 */
@Tag("slow") // installs npm packages and runs Node: mvn -B -P slow verify
@ExtendWith(FakeKimiExtension.class)
class AiSdkClientNodeTest {

  static final Path NODE_PROJECT = Path.of("src", "test", "node");

  @TempDir Path dir;

  /** Runs the check with {@code plan}; its result lines by name. */
  Map<String, JsonObject> check(JsonArray plan) throws Exception {
    Path installed = Npm.installLocked(NODE_PROJECT);
    String node = Npm.node();
    Files.copy(NODE_PROJECT.resolve("ui-stream-check.mjs"), dir.resolve("ui-stream-check.mjs"));
    Files.createSymbolicLink(dir.resolve("node_modules"), installed.resolve("node_modules"));
    Map<String, JsonObject> results = new HashMap<>();
    try (ForeignProcess p =
        ForeignProcess.start(
            dir, List.of(node, "ui-stream-check.mjs"), Map.of("PLAN", plan.toString()))) {
      p.await(Pattern.compile("\\{\"what\":\"(done|crash)\".*"), Duration.ofMinutes(3));
      assertThat(p.output()).as(p.output()).contains("{\"what\":\"done\"}");
      for (String line : p.output().split("\n")) {
        if (line.startsWith("{\"what\":")) {
          JsonObject o = Json.parse(line).asObject();
          results.put(o.get("what").asString(), o);
        }
      }
    }
    return results;
  }

  static JsonObject step(String name, String url, String chatId, String text, String extra) {
    JsonObject body = Json.parse(ChatRig.ask(chatId, JsonArray.of(), text)).asObject();
    JsonObject.Builder b = JsonObject.builder().put("name", name).put("url", url).put("body", body);
    if (extra != null) {
      b.put(extra, true);
    }
    return b.build();
  }

  /** Asserts what every read must be: 200, the header, valid parts, the end, no client error. */
  static JsonObject valid(Map<String, JsonObject> results, String what) {
    JsonObject r = results.get(what);
    assertThat(r).as(what + " in " + results.keySet()).isNotNull();
    assertThat(r.get("status").asInt()).as(what).isEqualTo(200);
    assertThat(r.get("header").asString()).as(what).isEqualTo("v1");
    assertThat(r.get("failures").asArray().values()).as(what + ": schema failures").isEmpty();
    assertThat(r.get("errors").asArray().values()).as(what + ": client errors").isEmpty();
    assertThat(r.get("done").asBoolean()).as(what + " ends with [DONE]").isTrue();
    return r;
  }

  static List<String> types(JsonObject r) {
    List<String> out = new ArrayList<>();
    r.get("types").asArray().forEach(t -> out.add(t.asString()));
    return out;
  }

  static List<JsonObject> parts(JsonObject r, String type) {
    List<JsonObject> out = new ArrayList<>();
    for (JsonValue p : r.get("message").get("parts").asArray()) {
      if (p.get("type").asString().equals(type)) {
        out.add(p.asObject());
      }
    }
    return out;
  }

  static String joined(JsonObject r, String type) {
    StringBuilder b = new StringBuilder();
    parts(r, type).forEach(p -> b.append(p.get("text").asString()));
    return b.toString();
  }

  @Test
  void theAiSdksClientReadsEveryStreamKimiSdkWrites(FakeKimiServer fake, KimiClient kimi)
      throws Exception {
    fake.enqueue(FakeResponse.reply("Plain hello."));
    fake.enqueue(FakeResponse.reply("Thought-through hello."));
    AgentTool weather =
        AgentTool.of(
                "weather",
                "The weather in a city",
                JsonSchema.object().required("city", JsonSchema.string()).build(),
                (args, ctx) -> "Sunny in " + args.get("city").asString())
            .asReadOnly();
    AgentTool time =
        AgentTool.of(
                "time",
                "The time in a city",
                JsonSchema.object().required("city", JsonSchema.string()).build(),
                (args, ctx) -> "12:00 in " + args.get("city").asString())
            .asReadOnly();
    AgentTool report =
        AgentTool.of(
                "report",
                "The quarter's long report",
                JsonSchema.object().build(),
                (args, ctx) -> "figure ".repeat(9_000))
            .asReadOnly();
    try (ChatRig payments =
            new ChatRig(kimi, RunStore.inMemory(), b -> b.tool(weather).tool(time));
        ChatRig budget =
            new ChatRig(
                kimi,
                RunStore.inMemory(),
                b ->
                    b.tool(report)
                        .maxSpend(new BigDecimal("0.0345"), Currency.getInstance("USD")))) {
      HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
      ExecutorService threads = Executors.newCachedThreadPool();
      server.setExecutor(threads);
      server.createContext("/plain", ChatRig.plainChat(kimi));
      server.createContext(
          "/thinking",
          UiHttpHandler.forChat(
              r -> kimi.stream(ChatRequest.builder("kimi-k3").messages(r.textHistory()).build())));
      server.start();
      try {
        String chat = "http://127.0.0.1:" + server.getAddress().getPort();
        JsonArray plan =
            JsonArray.of(
                step("plain", chat + "/plain", "p1", "Say hello", null),
                step("thinking", chat + "/thinking", "t1", "Think, then say hello", null),
                step(
                    "parallel",
                    payments.base(),
                    "par1",
                    "What are the weather and time for city=Paris?",
                    null),
                step(
                    "approval",
                    payments.base(),
                    "pay1",
                    "Please transfer to=acct-7 amount=100",
                    "approve"),
                step(
                    "rejection",
                    payments.base(),
                    "pay2",
                    "Please transfer to=acct-8 amount=5",
                    "reject"),
                step("budget", budget.base(), "bud1", "Please report on the quarter", null));
        Map<String, JsonObject> results = check(plan);

        JsonObject plain = valid(results, "plain");
        assertThat(joined(plain, "text")).isEqualTo("Plain hello.");
        assertThat(types(plain)).doesNotContain("reasoning-start");
        assertThat(plain.get("finish").get("finishReason").asString()).isEqualTo("stop");

        JsonObject thinking = valid(results, "thinking");
        assertThat(joined(thinking, "reasoning"))
            .isEqualTo("I will answer with the reply I was given.");
        assertThat(joined(thinking, "text")).isEqualTo("Thought-through hello.");

        JsonObject parallel = valid(results, "parallel");
        List<JsonObject> calls = parts(parallel, "tool-weather");
        calls.addAll(parts(parallel, "tool-time"));
        assertThat(calls).hasSize(2);
        assertThat(calls)
            .extracting(p -> p.get("output").asString())
            .containsExactlyInAnyOrder("Sunny in Paris", "12:00 in Paris");
        assertThat(calls)
            .allSatisfy(p -> assertThat(p.get("state").asString()).isEqualTo("output-available"));
        assertThat(joined(parallel, "text"))
            .isNotEmpty()
            .isEqualTo(payments.chat.agent().load("par1.1").orElseThrow().text());
        assertThat(types(parallel)).containsSubsequence("start-step", "finish-step", "start-step");

        JsonObject paused = valid(results, "approval");
        assertThat(paused.get("finish").get("finishReason").asString()).isEqualTo("tool-calls");
        JsonObject asked = parts(paused, "tool-transfer").get(0);
        assertThat(asked.get("state").asString()).isEqualTo("approval-requested");
        assertThat(asked.get("approval").get("token").asBoolean()).isTrue();
        assertThat(asked.get("input")).isEqualTo(Json.parse("{\"to\":\"acct-7\",\"amount\":100}"));
        JsonObject approved = valid(results, "approval-answered");
        JsonObject done = parts(approved, "tool-transfer").get(0);
        assertThat(done.get("state").asString()).isEqualTo("output-available");
        assertThat(done.get("output").asString())
            .isEqualTo("transferred 100 to acct-7 ([idempotency key])");
        assertThat(payments.bank.transfers()).contains("100 to acct-7");
        assertThat(joined(approved, "text"))
            .isEqualTo(
                payments
                    .chat
                    .agent()
                    .load("pay1.1")
                    .orElseThrow()
                    .text()
                    .replaceAll("kimi-[0-9a-f]{40}", "[idempotency key]"));
        JsonObject stored = results.get("approval-messages");
        assertThat(stored.get("valid").asBoolean()).as(stored.toString()).isTrue();
        JsonObject resumed = valid(results, "approval-resumed");
        assertThat(resumed.get("message").get("parts"))
            .isEqualTo(approved.get("message").get("parts"));

        JsonObject rejected = valid(results, "rejection-answered");
        assertThat(parts(rejected, "tool-transfer").get(0).get("state").asString())
            .isEqualTo("output-denied");
        assertThat(payments.bank.transfers()).doesNotContain("5 to acct-8");
        assertThat(results.get("rejection-messages").get("valid").asBoolean()).isTrue();

        JsonObject stopped = valid(results, "budget");
        JsonObject finish = stopped.get("finish").asObject();
        assertThat(finish.get("finishReason").asString()).isEqualTo("other");
        assertThat(finish.get("messageMetadata").get("limit").asString()).isEqualTo("spend");
        assertThat(finish.get("messageMetadata").get("status").asString()).isEqualTo("stopped");
        JsonObject result = parts(stopped, "tool-report").get(0);
        assertThat(result.get("outputLength").asInt()).isEqualTo("figure ".repeat(9_000).length());
        assertThat(stopped.get("message").get("metadata").get("cost").get("currency"))
            .isEqualTo(JsonString.of("USD"));
      } finally {
        server.stop(0);
        threads.shutdownNow();
      }
    }
  }
}
