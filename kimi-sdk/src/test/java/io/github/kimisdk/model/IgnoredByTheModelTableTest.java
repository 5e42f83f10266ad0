package io.github.kimisdk.model;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.kimisdk.chat.ChatRequest;
import io.github.kimisdk.chat.Thinking;
import java.util.List;
import java.util.Set;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The model's rules of what Kimi takes and ignores without a word, one row per case: a model, a
 * field or value, the fields marked deliberate, and the verdict, refused under its rule ({@code
 * ignored-field}: {@code thinking} on kimi-k3.1-pro, which takes no thinking field; {@code
 * unlisted-effort}: a {@code reasoning_effort} level the model does not list) or sent. Written out
 * from kimi-api.md ("Changes of 2026-11-28, fourth look"), not derived from the table, so a wrong
 * entry fails; a deliberate field lifts only these rules, never one Kimi answers with a 400.
 */
class IgnoredByTheModelTableTest {

  /**
   * One case.
   *
   * @param model the model id
   * @param what the setting, for the test's name
   * @param setting the request's settings
   * @param deliberate the fields marked deliberate
   * @param rule the rule the refusal names, or null when the request is sent
   * @param says what the one problem says besides the model and the rule, or null
   */
  record Case(
      String model,
      String what,
      UnaryOperator<ChatRequest.Builder> setting,
      Set<String> deliberate,
      String rule,
      String says) {

    @Override
    public String toString() {
      return model
          + " + "
          + what
          + (deliberate.isEmpty() ? "" : " (deliberate " + deliberate + ")")
          + " -> "
          + (rule == null ? "sent" : says == null ? "refused" : "refused: " + says);
    }
  }

  private static final Set<String> NONE = Set.of();
  private static final String IGNORED = "ignored-field";
  private static final String UNLISTED = "unlisted-effort";
  private static final String K31 = "kimi-k3.1-pro";
  private static final String K31_FAST = "kimi-k3.1-pro-highspeed";

  static Stream<Case> cases() {
    return Stream.of(
        // K3.1 takes no thinking field at all: every form of it is refused, and only for that
        refused(K31, "thinking enabled", b -> b.thinking(Thinking.enabled()), NONE, IGNORED),
        refused(K31, "thinking disabled", b -> b.thinking(Thinking.disabled()), NONE, IGNORED),
        refused(K31, "thinking keep all", b -> b.thinking(Thinking.preserved()), NONE, IGNORED),
        refused(
            K31,
            "thinking.effort high",
            b -> b.thinking(Thinking.enabled().withEffort("high")),
            NONE,
            IGNORED),
        refused(K31_FAST, "thinking disabled", b -> b.thinking(Thinking.disabled()), NONE, IGNORED),
        sent(K31, "thinking disabled", b -> b.thinking(Thinking.disabled()), Set.of("thinking")),
        sent(
            K31,
            "thinking.effort xhigh",
            b -> b.thinking(Thinking.enabled().withEffort("xhigh")),
            Set.of("thinking")),
        sent(K31, "no thinking", b -> b, NONE),
        // its effort is the top-level reasoning_effort, low|high|max
        sent(K31, "reasoning_effort low", b -> b.reasoningEffort("low"), NONE),
        sent(K31, "reasoning_effort high", b -> b.reasoningEffort("high"), NONE),
        sent(K31_FAST, "reasoning_effort max", b -> b.reasoningEffort("max"), NONE),
        refused(K31, "reasoning_effort medium", b -> b.reasoningEffort("medium"), NONE, UNLISTED),
        refused(
            K31_FAST, "reasoning_effort xhigh", b -> b.reasoningEffort("xhigh"), NONE, UNLISTED),
        sent(
            K31,
            "reasoning_effort medium",
            b -> b.reasoningEffort("medium"),
            Set.of("reasoning_effort")),
        // marking one field lifts only its own rule
        refusedSaying(
            K31,
            "thinking and reasoning_effort medium",
            b -> b.thinking(Thinking.enabled()).reasoningEffort("medium"),
            Set.of("thinking"),
            UNLISTED,
            "reasons at its default, max"),
        // K3 takes thinking (switchable, Moonshot's K3 contract), so only the effort rule applies
        sent("kimi-k3", "thinking disabled", b -> b.thinking(Thinking.disabled()), NONE),
        refused(
            "kimi-k3", "reasoning_effort medium", b -> b.reasoningEffort("medium"), NONE, UNLISTED),
        sent(
            "kimi-k3",
            "reasoning_effort medium",
            b -> b.reasoningEffort("medium"),
            Set.of("reasoning_effort")),
        sent("kimi-k3", "reasoning_effort max", b -> b.reasoningEffort("max"), NONE),
        refused(
            "k3", "reasoning_effort minimal", b -> b.reasoningEffort("minimal"), NONE, UNLISTED),
        // with thinking off K3 ignores any effort (its contract): left as the table's leniency
        sent(
            "kimi-k3",
            "thinking disabled, reasoning_effort medium",
            b -> b.thinking(Thinking.disabled()).reasoningEffort("medium"),
            NONE));
  }

  /** What Kimi answers with a 400 stays refused, whatever is marked deliberate. */
  static Stream<Case> rejectedWhateverIsMarked() {
    Set<String> both = Set.of("thinking", "reasoning_effort");
    return Stream.of(
        // an unlisted thinking.effort: Kimi Code answers 400 (or 429) for it
        refusedSaying(
            "kimi-k3",
            "thinking.effort medium",
            b -> b.thinking(Thinking.enabled().withEffort("medium")),
            both,
            null,
            "kimi-k3 accepts thinking.effort low, high, max: \"medium\"; use one of those"),
        // an effort on a model without levels
        refusedSaying(
            "kimi-k2.6",
            "reasoning_effort high",
            b -> b.reasoningEffort("high"),
            both,
            null,
            "kimi-k2.6 lists no effort levels"),
        // K3.1 reads no thinking switch, so it thinks, and takes only temperature 1
        refusedSaying(
            K31,
            "thinking disabled, temperature 0.6",
            b -> b.thinking(Thinking.disabled()).temperature(0.6),
            both,
            null,
            "kimi-k3.1-pro accepts only temperature 1.0"),
        // a switch a model that always thinks answers with a 400
        refusedSaying(
            "kimi-k2.7-code",
            "thinking disabled",
            b -> b.thinking(Thinking.disabled()),
            both,
            null,
            "kimi-k2.7-code always thinks and rejects thinking disabled"));
  }

  private static Case refused(
      String model,
      String what,
      UnaryOperator<ChatRequest.Builder> setting,
      Set<String> deliberate,
      String rule) {
    return new Case(model, what, setting, deliberate, rule, null);
  }

  private static Case refusedSaying(
      String model,
      String what,
      UnaryOperator<ChatRequest.Builder> setting,
      Set<String> deliberate,
      String rule,
      String says) {
    return new Case(model, what, setting, deliberate, rule == null ? "" : rule, says);
  }

  private static Case sent(
      String model,
      String what,
      UnaryOperator<ChatRequest.Builder> setting,
      Set<String> deliberate) {
    return new Case(model, what, setting, deliberate, null, null);
  }

  private static List<String> problems(Case c) {
    ChatRequest request = c.setting().apply(ChatRequest.builder(c.model()).addUser("hi")).build();
    ModelInfo m = ModelCatalog.defaults().lookup(c.model());
    if (c.deliberate().isEmpty()) {
      assertThat(m.problems(request, Set.of())).isEqualTo(m.problems(request));
    }
    return m.problems(request, c.deliberate());
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource({"cases", "rejectedWhateverIsMarked"})
  void refusesUnderTheRuleOrSends(Case c) {
    List<String> problems = problems(c);
    if (c.rule() == null) {
      assertThat(problems).isEmpty();
      return;
    }
    assertThat(problems).hasSize(1);
    String problem = problems.get(0);
    assertThat(problem).startsWith(c.model() + " ");
    if (!c.rule().isEmpty()) {
      assertThat(problem)
          .contains("(rule " + c.rule() + ")")
          .contains("KimiClient.Builder.deliberateFields");
    }
    if (c.says() != null) {
      assertThat(problem).contains(c.says());
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void namesTheFieldTheFixAndTheMarking(Case c) {
    List<String> problems = problems(c);
    if (c.rule() == null) {
      return;
    }
    String problem = problems.get(0);
    if (c.rule().equals(IGNORED)) {
      assertThat(problem)
          .isEqualTo(
              c.model()
                  + " takes no thinking field and ignores one (rule ignored-field): it always"
                  + " reasons, as deep as reasoning_effort says (low, high, max); leave thinking"
                  + " unset and set reasoningEffort instead, or mark \"thinking\" deliberate"
                  + " (KimiClient.Builder.deliberateFields) to send it as it is");
    } else {
      assertThat(problem)
          .matches(
              java.util.regex.Pattern.quote(c.model())
                  + " accepts reasoning_effort low, high, max: \"[a-z]+\"; Moonshot ignores a"
                  + " level the model does not list and reasons at its default, max \\(rule"
                  + " unlisted-effort\\); use one of those, or mark \"reasoning_effort\""
                  + " deliberate \\(KimiClient.Builder.deliberateFields\\) to send it as it is");
    }
  }
}
