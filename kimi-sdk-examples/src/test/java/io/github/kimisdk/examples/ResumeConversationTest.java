package io.github.kimisdk.examples;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.kimisdk.chat.AssistantMessage;
import io.github.kimisdk.chat.Conversation;
import io.github.kimisdk.chat.UserMessage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ResumeConversationTest {

  @Test
  void savesLoadsAndContinuesWithTheWholeHistoryUnderTheSameId(@TempDir Path dir) throws Exception {
    Path file = dir.resolve("trip.json");
    Captured c = new Captured();
    assertThat(ResumeConversation.run(new String[] {file.toString()}, Map.of(), c.out)).isZero();
    String text = c.text();
    Matcher id = Pattern.compile("\nid (\\S+)\n").matcher(text);
    assertThat(id.find()).as(text).isTrue();
    assertThat(text)
        .contains("== 1. A new conversation ==")
        .contains("> " + ResumeConversation.FIRST_TURNS.get(0) + "\nYou said: ")
        .contains("[sent 2 messages, prompt_cache_key " + id.group(1) + "]")
        .contains("[sent 4 messages, prompt_cache_key " + id.group(1) + "]")
        .containsPattern(
            "Saved 5 messages to " + Pattern.quote(file.toString()) + " \\([\\d,]+ bytes\\):")
        .contains("\"format\": \"kimi-sdk.conversation\"")
        .contains("== 2. Later, in another process: load the file and continue ==")
        .contains(
            "Loaded "
                + file
                + ": id "
                + id.group(1)
                + ", 5 messages (system, user, assistant, user, assistant)")
        .contains("> " + ResumeConversation.LATER + "\nYou said: " + ResumeConversation.LATER)
        .contains("[sent 6 messages, prompt_cache_key " + id.group(1) + "]")
        .contains("Saved 7 messages to " + file + ".")
        .doesNotContain("temporary");
    // the first turn finds nothing in the prefix cache; every later one finds the turns before it
    Matcher cache =
        Pattern.compile(
                "\\[cache\\] (\\d+) of (\\d+) prompt tokens from Kimi's prefix cache \\((\\d+)% hit\\)")
            .matcher(text);
    assertThat(text).containsOnlyOnce("[cache] none of ");
    int hits = 0;
    while (cache.find()) {
      hits++;
      assertThat(Integer.parseInt(cache.group(1)))
          .isGreaterThanOrEqualTo(256)
          .isLessThan(Integer.parseInt(cache.group(2)));
    }
    assertThat(hits).as("the second and third turns").isEqualTo(2);
    Matcher spent =
        Pattern.compile(
                "The whole conversation so far: ([\\d,]+) tokens \\(([\\d,]+) cached\\), USD 0\\.\\d+\n")
            .matcher(text);
    assertThat(spent.find()).as(text).isTrue();

    Conversation saved = Conversation.load(file);
    assertThat(saved.id()).isEqualTo(id.group(1));
    assertThat(saved.messages()).hasSize(7);
    assertThat(((UserMessage) saved.messages().get(5)).text()).isEqualTo(ResumeConversation.LATER);
    assertThat(((AssistantMessage) saved.messages().get(6)).text())
        .isEqualTo("You said: " + ResumeConversation.LATER);

    Captured again = new Captured();
    assertThat(ResumeConversation.run(new String[] {file.toString()}, Map.of(), again.out))
        .isZero();
    assertThat(again.text())
        .contains("== " + file + " exists: continuing the conversation saved there ==")
        .contains("id " + id.group(1) + ", 7 messages")
        .contains("[sent 8 messages")
        .contains("Saved 9 messages")
        .doesNotContain("A new conversation");
    Matcher later =
        Pattern.compile("The whole conversation so far: ([\\d,]+) tokens").matcher(again.text());
    assertThat(later.find()).isTrue();
    assertThat(tokens(later.group(1)))
        .as("the saved file keeps the tokens of the first run")
        .isGreaterThan(tokens(spent.group(1)));
  }

  static long tokens(String grouped) {
    return Long.parseLong(grouped.replace(",", ""));
  }

  @Test
  void withoutAFileUsesATemporaryOneAndSaysHowToKeepIt() {
    Captured c = new Captured();
    assertThat(ResumeConversation.run(new String[0], Map.of(), c.out)).isZero();
    Matcher saved = Pattern.compile("Saved 5 messages to (\\S+) \\(").matcher(c.text());
    assertThat(saved.find()).isTrue();
    assertThat(c.text()).contains(", a temporary file:").contains("Pass a file name");
    assertThat(Path.of(saved.group(1))).doesNotExist();
  }

  @Test
  void aFileThatIsNotAConversationIsRefusedWithTheReason(@TempDir Path dir) throws Exception {
    Path file = Files.writeString(dir.resolve("x.json"), "{\"messages\": []}");
    Captured c = new Captured();
    assertThat(ResumeConversation.run(new String[] {file.toString()}, Map.of(), c.out))
        .isEqualTo(1);
    assertThat(c.text())
        .contains("Cannot continue from " + file + ": not a saved conversation: expected");
  }
}
