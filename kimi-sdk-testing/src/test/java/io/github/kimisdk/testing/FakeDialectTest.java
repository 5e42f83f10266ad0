package io.github.kimisdk.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * {@link FakeDialect}'s declarations, one row per host: what each reads and writes, held to the
 * facts of the testing guide's table ("Hosts and overload"), and the ids it serves each model
 * under.
 */
class FakeDialectTest {

  @ParameterizedTest(name = "{0}")
  @CsvSource(
      delimiter = '|',
      value = {
        // dialect | switch | reply key | details | history keys | template ids | needs a key
        "MOONSHOT | THINKING_OBJECT | reasoning_content | false | - | false | true",
        "VLLM | CHAT_TEMPLATE_KWARGS | reasoning | false | reasoning | true | false",
        "SGLANG | CHAT_TEMPLATE_KWARGS | reasoning_content | false | reasoning_content | true |"
            + " false",
        "OPENROUTER | REASONING_OBJECT | reasoning | true | reasoning_details,reasoning | false |"
            + " true",
        "FIREWORKS | REASONING_EFFORT_AND_HISTORY | reasoning_content | false |"
            + " reasoning_content,reasoning | false | true",
        "TOGETHER | REASONING_ENABLED_AND_EFFORT | reasoning | false | reasoning,reasoning_content"
            + " | false | true",
      })
  void eachDialectDeclaresWhatItsHostReadsAndWrites(
      FakeDialect d,
      FakeDialect.Switch thinking,
      String replyKey,
      boolean details,
      String historyKeys,
      boolean templateIds,
      boolean needsKey) {
    assertThat(d.thinkingSwitch).isEqualTo(thinking);
    assertThat(d.replyKey).isEqualTo(replyKey);
    assertThat(d.reasoningDetails).isEqualTo(details);
    assertThat(d.historyKeys)
        .isEqualTo(historyKeys.equals("-") ? List.of() : Arrays.asList(historyKeys.split(",")));
    assertThat(d.templateToolIds).isEqualTo(templateIds);
    assertThat(d.needsKey).isEqualTo(needsKey);
  }

  @Test
  void everyDialectIsInTheTable() {
    assertThat(FakeDialect.values()).hasSize(6);
  }

  /** The code spans of a Markdown table cell, in order. */
  private static List<String> spans(String cell) {
    List<String> out = new ArrayList<>();
    Matcher m = Pattern.compile("`([^`]+)`").matcher(cell);
    while (m.find()) {
      out.add(m.group(1));
    }
    return out;
  }

  /** The lines of docs/testing.md from {@code first} on, which the guide must have. */
  static List<String> testingGuideFrom(String first) throws IOException {
    List<String> lines =
        Files.readAllLines(Path.of("..", "docs", "testing.md"), StandardCharsets.UTF_8);
    int at = lines.indexOf(first);
    assertThat(at).as("docs/testing.md has %s", first).isPositive();
    return lines.subList(at, lines.size());
  }

  @Test
  void theTestingGuidesOverloadTableHasOneRowOfThreeCellsPerDialect() throws IOException {
    List<String> table = testingGuideFrom("| dialect | `overloaded` | `queue-full` |");
    List<String> dialects = new ArrayList<>();
    for (String line : table.subList(2, table.size())) {
      if (!line.startsWith("|")) {
        break;
      }
      String[] cells = line.split("\\|");
      assertThat(cells).as("a row of dialect, overloaded, queue-full: %s", line).hasSize(4);
      dialects.add(FakeDialect.of(spans(cells[1]).get(0)).name());
    }
    assertThat(dialects)
        .as("each dialect once, in the order of the dialects' table")
        .containsExactly(
            Arrays.stream(FakeDialect.values()).map(Enum::name).toArray(String[]::new));
  }

  @Test
  void theTestingGuidesTableSaysWhatEachDialectDeclares() throws IOException {
    Map<FakeDialect, String[]> rows = new EnumMap<>(FakeDialect.class);
    for (String line : testingGuideFrom("## Hosts and overload")) {
      if (line.startsWith("## ") && !line.equals("## Hosts and overload")) {
        break;
      }
      if (line.startsWith("| `") && line.split("\\|").length == 10) {
        String[] cells = line.split("\\|");
        rows.putIfAbsent(FakeDialect.of(spans(cells[1]).get(0)), cells);
      }
    }
    assertThat(rows).as("a row per dialect").hasSize(FakeDialect.values().length);
    rows.forEach(
        (d, cells) -> {
          // | dialect | serves | unknown | thinking | replies | history | ids | errors | key |
          List<String> replies = new ArrayList<>(List.of(d.replyKey));
          if (d.reasoningDetails) {
            replies.add("reasoning_details");
          }
          assertThat(spans(cells[5])).as("%s's reasoning in replies", d).isEqualTo(replies);
          List<String> history = d.historyKeys.isEmpty() ? List.of(d.replyKey) : d.historyKeys;
          assertThat(spans(cells[6]).subList(0, history.size()))
              .as("%s's reasoning read in the history", d)
              .isEqualTo(history);
          assertThat(cells[7].contains("functions.NAME:IDX"))
              .as("%s's tool-call ids", d)
              .isEqualTo(d.templateToolIds);
          assertThat(cells[9].strip().equals("needed"))
              .as("%s needs a key", d)
              .isEqualTo(d.needsKey);
          String thinking = cells[4];
          String first = spans(thinking).isEmpty() ? "" : spans(thinking).get(0);
          assertThat(
                  switch (d.thinkingSwitch) {
                    case THINKING_OBJECT -> first.equals("thinking");
                    case CHAT_TEMPLATE_KWARGS ->
                        thinking.contains("chat_template_kwargs") || thinking.contains("as vLLM");
                    case REASONING_OBJECT, REASONING_ENABLED_AND_EFFORT ->
                        first.equals("reasoning");
                    case REASONING_EFFORT_AND_HISTORY -> first.equals("reasoning_effort");
                  })
              .as("%s's thinking switch: %s", d, thinking)
              .isTrue();
        });
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource({
    "moonshot, MOONSHOT",
    "Moonshot-CN, MOONSHOT",
    "kimi-code, MOONSHOT",
    " VLLM , VLLM",
    "sglang, SGLANG",
    "openrouter, OPENROUTER",
    "fireworks, FIREWORKS",
    "together, TOGETHER",
  })
  void readsTheNamesHostOfTakes(String name, FakeDialect dialect) {
    assertThat(FakeDialect.of(name)).isEqualTo(dialect);
  }

  @Test
  void anotherNameIsRefusedNamingThoseTaken() {
    assertThatThrownBy(() -> FakeDialect.of("tgi"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage(
            "unknown dialect 'tgi': use moonshot, vllm, sglang, openrouter, fireworks, together");
  }

  @ParameterizedTest(name = "{0} serves {1} as {2}")
  @CsvSource({
    "MOONSHOT, kimi-k3, kimi-k3",
    "VLLM, kimi-k3, moonshotai/Kimi-K3",
    "VLLM, kimi-k2.6, moonshotai/Kimi-K2.6",
    "VLLM, kimi-k3.1-pro, -",
    "VLLM, kimi-for-coding, -",
    "VLLM, my-kimi-finetune, my-kimi-finetune",
    "SGLANG, kimi-k3, moonshotai/Kimi-K3",
    "SGLANG, k3-256k, -",
    "OPENROUTER, kimi-k3, moonshotai/kimi-k3",
    "OPENROUTER, kimi-k2.6, moonshotai/kimi-k2.6",
    "FIREWORKS, kimi-k3, accounts/fireworks/models/kimi-k3",
    "FIREWORKS, kimi-k2.6, accounts/fireworks/models/kimi-k2p6",
    "TOGETHER, kimi-k3, moonshotai/kimi-k3",
    "TOGETHER, kimi-k2.6, moonshotai/Kimi-K2.6",
  })
  void servesEachModelUnderTheHostsId(FakeDialect d, String kimi, String host) {
    assertThat(d.hostId(kimi)).isEqualTo(host.equals("-") ? null : host);
  }
}
