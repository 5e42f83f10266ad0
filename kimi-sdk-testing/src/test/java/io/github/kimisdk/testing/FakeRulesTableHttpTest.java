package io.github.kimisdk.testing;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.kimisdk.KimiClient;
import io.github.kimisdk.chat.ChatRequest;
import io.github.kimisdk.chat.ContentPart;
import io.github.kimisdk.chat.Message;
import io.github.kimisdk.chat.Thinking;
import io.github.kimisdk.errors.InvalidRequestException;
import io.github.kimisdk.errors.NotFoundException;
import io.github.kimisdk.json.Json;
import io.github.kimisdk.json.JsonObject;
import io.github.kimisdk.model.ModelCatalog;
import io.github.kimisdk.model.ModelInfo;
import io.github.kimisdk.platform.ChatResult;
import io.github.kimisdk.tool.FunctionTool;
import io.github.kimisdk.tool.ToolChoice;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The fake's rules held to the core's model table ({@link ModelCatalog#defaults()}): for every
 * model of the table and every request of a table of settings the client can build, the fake
 * refuses the request exactly when the table lists a problem with it that Kimi answers with a 400
 * ({@link ModelInfo#problems}), on every rule, with no exception, and takes and ignores exactly the
 * fields of the rules of what Kimi ignores ({@code thinking} on kimi-k3.1-pro, an unlisted {@code
 * reasoning_effort}: the problems a deliberate field lifts, {@link ModelInfo#problems(ChatRequest,
 * Set)}): where the evidence for a refusal is thin (kimi-k2.5 and k2.6 refusing {@code thinking}
 * beside {@code reasoning_effort}, or an effort with thinking off, which only a relay reported),
 * the table's leniency wins (issue 67). The fake serves by default exactly the models the table
 * does not retire. A rule copied into the fake and changed on one side fails here.
 */
@ExtendWith(FakeKimiExtension.class)
class FakeRulesTableHttpTest {

  /** A weather tool with one required argument, {@code city} (the cassette suite's too). */
  static final FunctionTool WEATHER =
      new FunctionTool(
          "get_weather",
          "The weather in a city",
          Json.parse(
              "{\"type\":\"object\",\"properties\":{\"city\":{\"type\":\"string\"}},"
                  + "\"required\":[\"city\"]}"),
          null);

  static final byte[] PNG = {
    (byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n', 0, 0, 0, 13, 'I', 'H', 'D', 'R'
  };

  static final byte[] MP4 = {0, 0, 0, 24, 'f', 't', 'y', 'p', 'm', 'p', '4', '2'};

  /** The thinking settings, each with and without a nested effort. */
  static final List<Thinking> THINKING =
      List.of(
          Thinking.enabled(),
          Thinking.disabled(),
          Thinking.preserved(),
          Thinking.enabled().withEffort("low"),
          Thinking.enabled().withEffort("medium"),
          Thinking.disabled().withEffort("high"));

  /** One setting each: sampling, efforts, tools and tool choice, media, dynamic tools. */
  static final List<UnaryOperator<ChatRequest.Builder>> SETTINGS =
      List.of(
          b -> b,
          b -> b.temperature(0.0),
          b -> b.temperature(0.3),
          b -> b.temperature(0.6),
          b -> b.temperature(1.0),
          b -> b.temperature(1.5),
          b -> b.topP(0.8),
          b -> b.topP(0.95),
          b -> b.n(1),
          b -> b.n(2),
          b -> b.presencePenalty(0.0),
          b -> b.presencePenalty(0.5),
          b -> b.frequencyPenalty(0.0),
          b -> b.frequencyPenalty(0.5),
          b -> b.reasoningEffort("low"),
          b -> b.reasoningEffort("high"),
          b -> b.reasoningEffort("medium"),
          b -> b.addTool(WEATHER),
          b -> b.addTool(WEATHER).toolChoice(ToolChoice.required()),
          b -> b.addTool(WEATHER).toolChoice(ToolChoice.function("get_weather")),
          b -> b.messages(List.of(Message.user("look", ContentPart.image(PNG)))),
          b -> b.messages(List.of(Message.user("watch", ContentPart.video(MP4)))),
          b -> b.messages(List.of(Message.tools(WEATHER), Message.user("weather in Paris?"))));

  @Test
  void refusesExactlyWhatTheTableRefusesForEveryModel(
      FakeKimiServer server, FakeKimiExtension.Clients clients) {
    ModelCatalog table = ModelCatalog.defaults();
    table.models().forEach(server::addModel); // the retired ones too: their rules are held here
    KimiClient kimi = clients.build(b -> b.modelChecks(false));
    List<UnaryOperator<ChatRequest.Builder>> cases = new ArrayList<>();
    for (Thinking t : THINKING) {
      for (UnaryOperator<ChatRequest.Builder> s : SETTINGS) {
        cases.add(b -> s.apply(b.thinking(t)));
      }
    }
    cases.addAll(SETTINGS);
    Random random = new Random(61);
    for (int i = 0; i < 40; i++) {
      UnaryOperator<ChatRequest.Builder> a = SETTINGS.get(random.nextInt(SETTINGS.size()));
      UnaryOperator<ChatRequest.Builder> c = SETTINGS.get(random.nextInt(SETTINGS.size()));
      Thinking t = random.nextBoolean() ? null : THINKING.get(random.nextInt(THINKING.size()));
      cases.add(b -> c.apply(a.apply(b.thinking(t))));
    }
    List<ChatRequest> requests = new ArrayList<>();
    for (ModelInfo m : oneOfEachRuleSet(table)) {
      for (UnaryOperator<ChatRequest.Builder> c : cases) {
        try {
          // the cache key tells the recorded request of each apart
          requests.add(
              c.apply(ChatRequest.builder(m.id()).addUser("hi"))
                  .promptCacheKey("case-" + requests.size())
                  .build());
        } catch (IllegalArgumentException notBuildable) {
          // the client cannot send it
        }
      }
    }
    // in parallel: each answer is independent of the others, and the loopback's round trips add up
    List<ChatResult> results = kimi.chatAll(requests, 32, null);
    Map<String, RecordedRequest> recorded = new HashMap<>();
    for (RecordedRequest r : server.requests()) {
      recorded.put(((JsonObject) r.json()).get("prompt_cache_key").toString(), r);
    }
    List<String> disagreements = new ArrayList<>();
    int refused = 0;
    int accepted = 0;
    int ignored = 0;
    for (ChatResult result : results) {
      ChatRequest request = result.request();
      ModelInfo m = table.lookup(request.model());
      List<String> problems = m.problems(request, IGNORED_BY_KIMI);
      Set<String> ignoredByTheTable = new TreeSet<>();
      for (String field : IGNORED_BY_KIMI) {
        if (m.problems(request, Set.of(field)).size() < m.problems(request).size()) {
          ignoredByTheTable.add(field);
        }
      }
      Set<String> ignoredByTheFake =
          new TreeSet<>(recorded.get("\"" + request.promptCacheKey() + "\"").ignoredFields());
      ignored += ignoredByTheFake.isEmpty() ? 0 : 1;
      if (!ignoredByTheFake.equals(ignoredByTheTable)) {
        disagreements.add(
            m.id()
                + " "
                + request
                + ": the table ignores "
                + ignoredByTheTable
                + ", the fake "
                + ignoredByTheFake);
      }
      boolean fakeRefuses =
          result.error() instanceof InvalidRequestException
              || result.error() instanceof NotFoundException;
      assertThat(fakeRefuses || result.error() == null)
          .as("answered or refused: %s", result.error())
          .isTrue();
      if (fakeRefuses) {
        refused++;
      } else {
        accepted++;
      }
      if (fakeRefuses != !problems.isEmpty()) {
        disagreements.add(
            m.id()
                + " "
                + request
                + ": the table says "
                + problems
                + ", the fake "
                + (fakeRefuses ? result.error().getMessage() : "answers"));
      }
    }
    assertThat(disagreements).isEmpty();
    // no verdict is vacuous
    assertThat(refused).isGreaterThan(300);
    assertThat(accepted).isGreaterThan(300);
    assertThat(ignored).isGreaterThan(30);
  }

  /** The fields whose rules are of what Kimi takes and ignores, which a deliberate mark lifts. */
  static final Set<String> IGNORED_BY_KIMI = Set.of("thinking", "reasoning_effort");

  /**
   * One model of each set of rules in the table (models that differ only in id, window, output or
   * retirement judge every request alike), so that every rule set is held at a fraction of the
   * calls.
   */
  static List<ModelInfo> oneOfEachRuleSet(ModelCatalog table) {
    Map<List<Object>, ModelInfo> first = new java.util.LinkedHashMap<>();
    for (ModelInfo m : table.models()) {
      first.putIfAbsent(
          List.of(
              m.thinking(),
              m.efforts(),
              m.keepAll(),
              m.preservedThinking(),
              m.vision(),
              m.video(),
              m.toolUse(),
              m.sampling(),
              m.requiredToolChoiceWhileThinking(),
              m.dynamicTools(),
              m.thinkingField(),
              m.known()),
          m);
    }
    return List.copyOf(first.values());
  }

  @Test
  void servesByDefaultExactlyTheModelsTheTableDoesNotRetire(FakeKimiExtension.Clients clients) {
    KimiClient kimi = clients.build(b -> b.modelChecks(false));
    List<ChatRequest> all = new ArrayList<>();
    ModelCatalog.defaults().models().forEach(m -> all.add(ChatRequest.of(m.id(), "hi")));
    for (ChatResult r : kimi.chatAll(all, 32, null)) {
      ModelInfo m = ModelCatalog.defaults().lookup(r.request().model());
      assertThat(r.error() == null ? "served" : r.error().getClass().getSimpleName())
          .as(m.id())
          .isEqualTo(m.retirement().isEmpty() ? "served" : "NotFoundException");
    }
  }
}
