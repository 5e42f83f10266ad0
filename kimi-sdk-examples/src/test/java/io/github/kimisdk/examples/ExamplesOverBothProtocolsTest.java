package io.github.kimisdk.examples;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.StringReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Map;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Every example runs offline over both wire protocols, as {@code KIMI_PROTOCOL} picks them: over
 * Anthropic Messages it talks to the fake's {@code /anthropic} surface and prints the same answers,
 * or it says at start that it stays on chat completions, and why.
 */
class ExamplesOverBothProtocolsTest {

  /** A {@code KIMI_PROTOCOL} setting and the fake's base path the examples must then use. */
  enum Wire {
    CHAT_COMPLETIONS("chat-completions", "/v1"),
    MESSAGES("anthropic", "/anthropic"),
    RESPONSES("responses", "/v1");

    final Map<String, String> env;
    final String path;

    Wire(String setting, String path) {
      this.env = Map.of("KIMI_PROTOCOL", setting);
      this.path = path;
    }

    /** The line an example prints when it starts the fake on this protocol's surface. */
    Pattern fake() {
      return Pattern.compile(
          "using FakeKimiServer at http://127\\.0\\.0\\.1:\\d+" + Pattern.quote(path) + " \\(");
    }

    /** An error type as the fake reports it on this surface. */
    String errorType(String kimi, String anthropic) {
      return this == MESSAGES ? anthropic : kimi;
    }
  }

  static final Pattern CHAT_FAKE = Wire.CHAT_COMPLETIONS.fake();

  static final String STAYS =
      "KIMI_PROTOCOL=anthropic is not used here: this example stays on chat completions because ";

  @ParameterizedTest
  @EnumSource(Wire.class)
  void longRun(Wire wire) {
    Captured c = new Captured();
    assertThat(LongRun.run(wire.env, c.out)).isZero();
    assertThat(c.text())
        .containsPattern(wire.fake())
        .contains("[compacted] before step ")
        .contains("[run] 13 steps, ");
  }

  @ParameterizedTest
  @EnumSource(Wire.class)
  void subagents(Wire wire) {
    Captured c = new Captured();
    assertThat(Subagents.run(wire.env, c.out)).isZero();
    assertThat(c.text())
        .containsPattern(wire.fake())
        .contains("[start] research_west")
        .contains("[answer] From the tools: research_north says ");
  }

  @ParameterizedTest
  @EnumSource(Wire.class)
  void quickstart(Wire wire) {
    Captured c = new Captured();
    assertThat(Quickstart.run("Say hi", wire.env, c.out)).isZero();
    assertThat(c.text())
        .containsPattern(wire.fake())
        .contains("> Say hi\nYou said: Say hi\n")
        .contains("finish reason stop")
        .contains("[request id] fake-");
  }

  @ParameterizedTest
  @EnumSource(Wire.class)
  void streaming(Wire wire) {
    Captured c = new Captured();
    assertThat(Streaming.run("one two three", wire.env, c.out)).isZero();
    assertThat(c.text())
        .containsPattern(wire.fake())
        .contains("> one two three\nYou| said:| one| two| three\n")
        .containsPattern(
            "\\[usage\\] prompt \\d+, completion "
                + StreamingTest.ANSWER
                // Responses' usage always holds its details: a reasoning count of 0
                + (wire == Wire.RESPONSES ? " \\(reasoning 0\\)" : "")
                + ", total \\d+ tokens; finish reason stop");
  }

  @ParameterizedTest
  @EnumSource(Wire.class)
  void thinking(Wire wire) {
    Captured c = new Captured();
    assertThat(Thinking.run("Is 7 prime?", wire.env, c.out)).isZero();
    assertThat(c.text())
        .containsPattern(wire.fake())
        .contains(
            "--- reasoning ---\nThe user wrote \"Is 7 prime?\". I will repeat it back.\n"
                + "--- answer ---\nYou said: Is 7 prime?\n");
  }

  @ParameterizedTest
  @EnumSource(Wire.class)
  void vision(Wire wire) {
    Captured c = new Captured();
    assertThat(Vision.run(null, wire.env, c.out)).isZero();
    String base64 =
        java.util.Base64.getEncoder().encodeToString(Vision.redSquarePng(32)).substring(0, 18);
    assertThat(c.text())
        .containsPattern(wire.fake())
        .contains("You said: " + Vision.QUESTION)
        .contains(
            switch (wire) {
              case MESSAGES -> "[sent] image source base64 image/png " + base64;
              case RESPONSES -> "[sent] input_image data:image/png;base64," + base64;
              default -> "[sent] image_url data:image/png;base64," + base64;
            });
  }

  @ParameterizedTest
  @EnumSource(Wire.class)
  void partialMode(Wire wire) {
    Captured c = new Captured();
    assertThat(PartialMode.run(wire.env, c.out)).isZero();
    if (wire == Wire.RESPONSES) {
      assertThat(c.text())
          .startsWith(
              "KIMI_PROTOCOL=responses is not used here: this example stays on chat completions"
                  + " because the Responses wire has no prefill");
    }
    assertThat(c.text())
        .containsPattern(wire.fake())
        .contains("[prefill] 1. Kotlin\n1. Kotlin\n2. Scala\n3. Clojure\n[finish reason] stop")
        .contains("[round 1] +67 chars, finish reason length: \"A Java record is")
        .contains("[round 4] +26 chars, finish reason stop: \" as a point or a response.\"")
        .doesNotContain("[round 5]");
  }

  @ParameterizedTest
  @EnumSource(Wire.class)
  void responsesApiRunsOverTheResponsesWireAndSaysWhy(Wire wire) {
    Captured c = new Captured();
    assertThat(ResponsesApi.run("Say hi", wire.env, c.out)).isZero();
    String text = c.text();
    assertThat(text)
        .containsPattern(CHAT_FAKE)
        .contains("[wire] RESPONSES\n")
        .contains("[response] You said: Say hi\n")
        .contains("[streamed] You said: Say hi\n");
    if (wire == Wire.MESSAGES) {
      assertThat(text).startsWith("KIMI_PROTOCOL=anthropic is not used here");
    } else {
      assertThat(text).doesNotContain("KIMI_PROTOCOL");
    }
  }

  @ParameterizedTest
  @EnumSource(Wire.class)
  void jsonOutputStaysOnChatCompletionsAndSaysWhy(Wire wire) {
    Captured c = new Captured();
    assertThat(JsonOutput.run(wire.env, c.out)).isZero();
    String text = c.text();
    assertThat(text)
        .containsPattern(CHAT_FAKE)
        .contains(
            wire == Wire.RESPONSES
                ? "[sent] text.format {\"type\":\"json_object\"}"
                : "[sent] response_format {\"type\":\"json_object\"}")
        .contains("[check] all required fields present: true");
    if (wire == Wire.MESSAGES) {
      assertThat(text).startsWith(STAYS + "Kimi's Anthropic Messages protocol has no");
    } else {
      assertThat(text).doesNotContain("KIMI_PROTOCOL");
    }
  }

  @ParameterizedTest
  @EnumSource(Wire.class)
  void tokenCountingMakesNoCallOnEither(Wire wire) {
    Captured c = new Captured();
    assertThat(TokenCounting.run(new String[0], wire.env, c.out)).isZero();
    assertThat(c.text()).contains("No vocabulary").contains("Chinese").doesNotContain("Fake");
  }

  @ParameterizedTest
  @EnumSource(Wire.class)
  void errorHandling(Wire wire) {
    Captured c = new Captured();
    assertThat(ErrorHandling.run(wire.env, c.out)).isZero();
    assertThat(c.text())
        .containsPattern(wire.fake())
        .contains("  reply: You said: Hello\n")
        .contains("exception:  RateLimitException")
        .contains(
            "status 429, type "
                + wire.errorType("rate_limit_reached_error", "rate_limit_error")
                + ", retryable true, retry after 3 s")
        .contains("exception:  AuthenticationException")
        .contains(
            "status 401, type "
                + wire.errorType("invalid_authentication_error", "authentication_error"))
        .contains("exception:  TruncatedStreamException")
        .contains("kept text:  \"Once upon a time\"");
  }

  @ParameterizedTest
  @EnumSource(Wire.class)
  void toolCalling(Wire wire, @TempDir Path dir) throws Exception {
    Path file = Files.writeString(dir.resolve("notes.txt"), "one\ntwo\n");
    Captured c = new Captured();
    assertThat(
            ToolCalling.run(
                "Use calculator with expression=\"6*7\", then count_lines with path=\""
                    + file
                    + "\".",
                wire.env,
                c.out,
                Clock.systemUTC()))
        .isZero();
    assertThat(c.text())
        .containsPattern(wire.fake())
        .contains("[step 1] calculator -> 42\n")
        .contains("[step 2] count_lines -> 2 lines in " + file + "\n")
        .contains("[done] answered in 3 steps");
  }

  @ParameterizedTest
  @EnumSource(Wire.class)
  void contextBudgetingCountsOnChatCompletionsEitherWay(Wire wire) {
    Captured c = new Captured();
    assertThat(ContextBudgeting.run(new String[0], wire.env, c.out)).isZero();
    String text = c.text();
    assertThat(text)
        .containsPattern(wire.fake())
        .containsPattern(
            "by the server \\(POST /tokenizers/estimate-token-count\\): [0-9,]+ tokens \\(")
        .contains("chat requests the server received: 0\n")
        .contains("You said: " + ContextBudgeting.QUESTION);
    assertThat(text.contains("step 2 asks the server's token count through a second client"))
        .isEqualTo(wire == Wire.MESSAGES);
  }

  @ParameterizedTest
  @EnumSource(Wire.class)
  void chatWithDocumentStaysOnChatCompletionsAndSaysWhy(Wire wire) {
    Captured c = new Captured();
    assertThat(ChatWithDocument.run(new String[0], wire.env, c.out)).isZero();
    String text = c.text();
    assertThat(text)
        .containsPattern(CHAT_FAKE)
        .contains("4. > " + ChatWithDocument.DEFAULT_QUESTION + "\n")
        .containsPattern("5. deleted the upload \\S+: true");
    if (wire == Wire.MESSAGES) {
      assertThat(text).startsWith(STAYS + "files ");
    } else {
      assertThat(text).doesNotContain("KIMI_PROTOCOL");
    }
  }

  @ParameterizedTest
  @EnumSource(Wire.class)
  void bulkRunStaysOnChatCompletionsAndSaysWhy(Wire wire) {
    Captured c = new Captured();
    assertThat(BulkRun.run(new String[0], wire.env, c.out)).isZero();
    String text = c.text();
    assertThat(text)
        .containsPattern(CHAT_FAKE)
        .containsPattern("2,000 rows: 1,992 answered, 8 failed, in 4 batches, [0-9.]+ s\n");
    if (wire == Wire.MESSAGES) {
      assertThat(text).startsWith(STAYS + "the batch API ");
    } else {
      assertThat(text).doesNotContain("KIMI_PROTOCOL");
    }
  }

  @ParameterizedTest
  @EnumSource(Wire.class)
  void resumeConversation(Wire wire, @TempDir Path dir) {
    Path file = dir.resolve("trip.json");
    Captured c = new Captured();
    assertThat(ResumeConversation.run(new String[] {file.toString()}, wire.env, c.out)).isZero();
    assertThat(c.text())
        .containsPattern(wire.fake())
        .contains("5 messages (system, user, assistant, user, assistant)")
        .contains("> " + ResumeConversation.LATER + "\nYou said: " + ResumeConversation.LATER)
        .contains(
            wire == Wire.MESSAGES
                ? "[sent 6 messages; Anthropic Messages has no prompt_cache_key"
                : "[sent 6 messages, prompt_cache_key ")
        .contains("Saved 7 messages to " + file + ".");
  }

  @ParameterizedTest
  @EnumSource(Wire.class)
  void manyRequests(Wire wire) {
    Captured c = new Captured();
    assertThat(ManyRequests.run(4, wire.env, c.out)).isZero();
    assertThat(c.text())
        .containsPattern(wire.fake())
        .contains(
            " 5. Lima    failed: NotFoundException: Kimi API error (HTTP 404, "
                + wire.errorType("resource_not_found_error", "not_found_error")
                + "): Not found the model no-such-model")
        .contains("10. Riga    You said: " + ManyRequests.question("Riga") + "\n")
        .containsPattern("9 answered, 1 failed, in [0-9.]+ s; \\d+ tokens in all\n");
  }

  @ParameterizedTest
  @EnumSource(Wire.class)
  void kimiChat(Wire wire) {
    Captured c = new Captured();
    KimiChat.run(
        wire.env,
        new BufferedReader(new StringReader("Hello\n/thinking on\nWhy?\n/usage\n/quit\n")),
        c.out,
        false);
    assertThat(c.text())
        .containsPattern(wire.fake())
        .contains("kimi-chat with kimi-k3. /help for commands, Ctrl-D or /quit to leave.\n")
        .contains("you> kimi> You said: Hello\n")
        .contains("kimi> (thinking) The user wrote \"Why?\". I will repeat it back.\n")
        .contains("kimi> You said: Why?\n")
        .containsPattern("Conversation: 4 messages, id [0-9a-f-]{36}\n")
        .endsWith("Bye.\n");
  }

  @ParameterizedTest
  @EnumSource(Wire.class)
  void typedOutputStaysOnChatCompletionsAndSaysWhy(Wire wire) {
    Captured c = new Captured();
    assertThat(TypedOutput.run(wire.env, c.out)).as(c.text()).isZero();
    assertThat(c.text().contains(STAYS + "its structured reply is a response_format json_schema"))
        .isEqualTo(wire == Wire.MESSAGES);
    assertThat(c.text())
        .containsPattern(CHAT_FAKE)
        .contains("Weather[city=Paris, temperature=21.5, sky=CLEAR")
        .contains("[failed at] $.temperature\n")
        .contains("[tool] get_forecast(Forecast[city=Paris, days=3])\n")
        .contains("[tool errors] 0\n");
  }

  @ParameterizedTest
  @EnumSource(Wire.class)
  @Tag("multiprocess") // an MCP server as a child process: mvn -B -P slow verify
  void mcpToolCalling(Wire wire) {
    Captured c = new Captured();
    assertThat(McpToolCalling.run(McpToolCalling.DEFAULT_PROMPT, null, null, wire.env, c.out))
        .as(c.text())
        .isZero();
    assertThat(c.text())
        .containsPattern(wire.fake())
        .contains("[step 1] notes_add -> Saved note 1.\n")
        .contains("[step 2] notes_list -> 1. Buy milk\n")
        .contains("[done] answered in 3 steps\n");
  }
}
