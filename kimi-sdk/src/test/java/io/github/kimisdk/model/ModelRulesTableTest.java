package io.github.kimisdk.model;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.kimisdk.chat.ChatRequest;
import io.github.kimisdk.chat.ContentPart;
import io.github.kimisdk.chat.Message;
import io.github.kimisdk.chat.Thinking;
import io.github.kimisdk.model.ModelInfo.ThinkingSupport;
import io.github.kimisdk.tool.Tool;
import io.github.kimisdk.tool.ToolChoice;
import java.util.List;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every built-in model against every rule of the one model table: sampling, thinking, keep, effort,
 * vision, video and tool choice. The expected rows are written out from kimi-api.md (sections 2.1,
 * 2.2, 2.5, 2.6 and 6, as of 2026-11), not derived from the catalog, so a wrong catalog entry
 * fails.
 */
class ModelRulesTableTest {

  static final ModelCatalog CATALOG = ModelCatalog.defaults();

  /** One model's expected rules. */
  record Row(
      String model,
      ThinkingSupport thinking,
      boolean fixesTemperature,
      boolean fixesTopP,
      boolean fixesN,
      boolean fixesPenalties,
      List<String> efforts,
      boolean keepAll,
      boolean vision,
      boolean video,
      boolean requiredWhileThinking,
      boolean thinkingField) {

    /** A model that takes the thinking field, as every model but K3.1 does. */
    Row(
        String model,
        ThinkingSupport thinking,
        boolean fixesTemperature,
        boolean fixesTopP,
        boolean fixesN,
        boolean fixesPenalties,
        List<String> efforts,
        boolean keepAll,
        boolean vision,
        boolean video,
        boolean requiredWhileThinking) {
      this(
          model,
          thinking,
          fixesTemperature,
          fixesTopP,
          fixesN,
          fixesPenalties,
          efforts,
          keepAll,
          vision,
          video,
          requiredWhileThinking,
          true);
    }

    boolean thinksByDefault() {
      return thinking != ThinkingSupport.NONE;
    }

    @Override
    public String toString() {
      return model;
    }
  }

  private static final ThinkingSupport A = ThinkingSupport.ALWAYS;
  private static final ThinkingSupport S = ThinkingSupport.SWITCHABLE;
  private static final ThinkingSupport N = ThinkingSupport.NONE;
  private static final List<String> K3_EFFORTS = List.of("low", "high", "max");

  static final List<Row> TABLE =
      List.of(
          plain("moonshot-v1-8k", false),
          plain("moonshot-v1-32k", false),
          plain("moonshot-v1-128k", false),
          plain("moonshot-v1-auto", false),
          plain("moonshot-v1-8k-vision-preview", true),
          plain("moonshot-v1-32k-vision-preview", true),
          plain("moonshot-v1-128k-vision-preview", true),
          plain("kimi-latest", true),
          plain("kimi-k2-0711-preview", false),
          plain("kimi-k2-0905-preview", false),
          plain("kimi-k2-turbo-preview", false),
          new Row(
              "kimi-k2-thinking",
              A,
              false,
              false,
              false,
              false,
              List.of(),
              false,
              false,
              false,
              false),
          new Row(
              "kimi-k2-thinking-turbo",
              A,
              false,
              false,
              false,
              false,
              List.of(),
              false,
              false,
              false,
              false),
          new Row("kimi-k2.5", S, true, true, true, true, List.of(), false, true, true, false),
          new Row("kimi-k2.6", S, true, true, true, true, List.of(), true, true, true, false),
          new Row(
              "kimi-k2.7-code", A, true, true, false, false, List.of(), true, true, true, false),
          new Row(
              "kimi-k2.7-code-highspeed",
              A,
              true,
              true,
              false,
              false,
              List.of(),
              true,
              true,
              true,
              false),
          new Row(
              "kimi-for-coding", A, true, true, false, false, List.of(), true, true, true, false),
          new Row(
              "kimi-for-coding-highspeed",
              A,
              true,
              true,
              false,
              false,
              List.of(),
              true,
              true,
              true,
              false),
          // K3 thinks unless thinking is disabled (Moonshot's K3 vendor contract)
          new Row("kimi-k3", S, true, true, true, true, K3_EFFORTS, true, true, true, true),
          new Row("k3", S, true, true, true, true, K3_EFFORTS, true, true, true, true),
          new Row("k3-256k", S, true, true, true, true, K3_EFFORTS, true, true, false, true),
          // K3.1 Pro (its quickstart, kimi-api.md fourth look): always reasoning, efforts
          // low|high|max, no thinking field at all (so no keep); media, sampling and required
          // inferred from K3
          new Row(
              "kimi-k3.1-pro",
              A,
              true,
              true,
              true,
              true,
              K3_EFFORTS,
              false,
              true,
              true,
              true,
              false),
          new Row(
              "kimi-k3.1-pro-highspeed",
              A,
              true,
              true,
              true,
              true,
              K3_EFFORTS,
              false,
              true,
              true,
              true,
              false));

  private static Row plain(String model, boolean vision) {
    return new Row(model, N, false, false, false, false, List.of(), false, vision, false, false);
  }

  static Stream<Row> rows() {
    return TABLE.stream();
  }

  private static List<String> problems(Row row, Consumer<ChatRequest.Builder> setting) {
    ChatRequest.Builder b = ChatRequest.builder(row.model()).addUser("hi");
    setting.accept(b);
    return CATALOG.lookup(row.model()).problems(b.build());
  }

  private static boolean mentions(List<String> problems, String word) {
    return problems.stream().anyMatch(p -> p.contains(word));
  }

  @Test
  void theTableCoversEveryBuiltInModel() {
    assertThat(CATALOG.models())
        .extracting(ModelInfo::id)
        .containsExactlyInAnyOrderElementsOf(TABLE.stream().map(Row::model).toList());
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("rows")
  void describesTheModel(Row row) {
    ModelInfo m = CATALOG.lookup(row.model());
    assertThat(m.known()).isTrue();
    assertThat(m.thinking()).isEqualTo(row.thinking());
    assertThat(m.thinkingField()).isEqualTo(row.thinkingField());
    assertThat(m.efforts()).isEqualTo(row.efforts());
    assertThat(m.defaultEffort()).isEqualTo(row.efforts().isEmpty() ? null : "max");
    assertThat(m.keepAll()).isEqualTo(row.keepAll());
    assertThat(m.vision()).isEqualTo(row.vision());
    assertThat(m.video()).isEqualTo(row.video());
    assertThat(m.requiredToolChoiceWhileThinking()).isEqualTo(row.requiredWhileThinking());
    assertThat(m.toolUse()).isTrue();
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("rows")
  void refusesOnlyTheSamplingValuesTheModelFixes(Row row) {
    assertThat(mentions(problems(row, b -> b.temperature(0.5)), "temperature"))
        .as("temperature 0.5")
        .isEqualTo(row.fixesTemperature());
    assertThat(mentions(problems(row, b -> b.topP(0.5)), "top_p"))
        .as("top_p 0.5")
        .isEqualTo(row.fixesTopP());
    assertThat(mentions(problems(row, b -> b.n(2)), "only n")).as("n 2").isEqualTo(row.fixesN());
    assertThat(mentions(problems(row, b -> b.presencePenalty(0.5)), "presence_penalty"))
        .as("presence_penalty 0.5")
        .isEqualTo(row.fixesPenalties());
    assertThat(mentions(problems(row, b -> b.frequencyPenalty(0.5)), "frequency_penalty"))
        .as("frequency_penalty 0.5")
        .isEqualTo(row.fixesPenalties());
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("rows")
  void adaptingDropsExactlyTheFixedValues(Row row) {
    ChatRequest asked =
        ChatRequest.builder(row.model())
            .addUser("hi")
            .temperature(0.5)
            .topP(0.5)
            .n(2)
            .presencePenalty(0.5)
            .frequencyPenalty(0.5)
            .build();
    ModelInfo.Adapted adapted =
        CATALOG.lookup(row.model()).adapt(asked, SamplingPolicy.ADAPT, ThinkingFallback.REJECT);
    ChatRequest r = adapted.request();
    assertThat(r.temperature() == null).isEqualTo(row.fixesTemperature());
    assertThat(r.topP() == null).isEqualTo(row.fixesTopP());
    assertThat(r.n() == null).isEqualTo(row.fixesN());
    assertThat(r.presencePenalty() == null).isEqualTo(row.fixesPenalties());
    assertThat(r.frequencyPenalty() == null).isEqualTo(row.fixesPenalties());
    int fixed =
        (row.fixesTemperature() ? 1 : 0)
            + (row.fixesTopP() ? 1 : 0)
            + (row.fixesN() ? 1 : 0)
            + (row.fixesPenalties() ? 2 : 0);
    assertThat(adapted.changes()).hasSize(fixed);
    assertThat(CATALOG.lookup(row.model()).problems(r)).isEmpty();
    assertThat(r.messages()).isEqualTo(asked.messages());
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("rows")
  void thinkingMayBeSwitchedOnlyWhereTheModelAllows(Row row) {
    if (!row.thinkingField()) {
      // no part of the object is judged: the one problem is that the model takes none
      for (Thinking t :
          List.of(
              Thinking.enabled(),
              Thinking.disabled(),
              Thinking.preserved(),
              Thinking.enabled().withEffort("medium"))) {
        assertThat(problems(row, b -> b.thinking(t)))
            .as(t.toString())
            .singleElement(org.assertj.core.api.InstanceOfAssertFactories.STRING)
            .startsWith(
                row.model() + " takes no thinking field and ignores one (rule ignored-field)");
      }
      return;
    }
    assertThat(mentions(problems(row, b -> b.thinking(Thinking.disabled())), "thinking disabled"))
        .isEqualTo(row.thinking() == A);
    assertThat(mentions(problems(row, b -> b.thinking(Thinking.enabled())), "does not think"))
        .isEqualTo(row.thinking() == N);
    assertThat(mentions(problems(row, b -> b.thinking(Thinking.preserved())), "thinking.keep"))
        .isEqualTo(!row.keepAll());
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("rows")
  void effortIsCheckedAgainstTheModelsLevels(Row row) {
    boolean anyLevel = row.thinksByDefault() && !row.efforts().isEmpty();
    for (String level : List.of("low", "high", "max", "medium", "xhigh")) {
      boolean ok = anyLevel && row.efforts().contains(level);
      assertThat(problems(row, b -> b.reasoningEffort(level)))
          .as("reasoning_effort " + level)
          .hasSize(ok ? 0 : 1);
      if (row.thinking() != N && row.thinkingField()) {
        assertThat(problems(row, b -> b.thinking(Thinking.enabled().withEffort(level))))
            .as("thinking.effort " + level)
            .hasSize(ok ? 0 : 1);
      }
    }
    assertThat(problems(row, b -> {})).isEmpty();
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("rows")
  void imagesAndVideoGoOnlyToModelsThatReadThem(Row row) {
    List<String> image =
        problems(
            row,
            b ->
                b.addMessage(
                    Message.user("look", ContentPart.imageUrl("data:image/png;base64,iVBORw0="))));
    assertThat(mentions(image, "does not accept images")).isEqualTo(!row.vision());
    List<String> video =
        problems(row, b -> b.addMessage(Message.user("watch", ContentPart.videoFile("file-1"))));
    assertThat(mentions(video, "does not accept video")).isEqualTo(!row.video());
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("rows")
  void toolChoiceFollowsThinking(Row row) {
    boolean requiredRefused = row.thinksByDefault() && !row.requiredWhileThinking();
    boolean namedRefused = row.thinksByDefault();
    checkChoice(row, ToolChoice.required(), requiredRefused);
    checkChoice(row, ToolChoice.function("ping"), namedRefused);
    checkChoice(row, ToolChoice.auto(), false);
    checkChoice(row, ToolChoice.none(), false);
  }

  private static void checkChoice(Row row, ToolChoice choice, boolean refused) {
    ChatRequest.Builder b =
        ChatRequest.builder(row.model())
            .addUser("hi")
            .addTool(Tool.function("ping", null, null))
            .toolChoice(choice);
    ModelInfo m = CATALOG.lookup(row.model());
    assertThat(m.acceptsToolChoice(choice, null)).as(choice.toString()).isEqualTo(!refused);
    if (refused) {
      assertThat(m.problems(b.build()))
          .as("problems of " + choice)
          .anyMatch(p -> p.contains("incompatible with thinking enabled"));
    } else {
      assertThat(m.problems(b.build())).as(choice.toString()).isEmpty();
    }
  }
}
