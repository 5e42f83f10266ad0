package io.github.kimisdk.examples;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.kimisdk.KimiClient;
import io.github.kimisdk.chat.AssistantMessage;
import io.github.kimisdk.chat.Conversation;
import io.github.kimisdk.chat.Message;
import io.github.kimisdk.json.JsonArray;
import io.github.kimisdk.json.JsonObject;
import io.github.kimisdk.testing.FakeKimiExtension;
import io.github.kimisdk.testing.FakeKimiServer;
import io.github.kimisdk.testing.FakeResponse;
import io.github.kimisdk.testing.RecordedRequest;
import io.github.kimisdk.token.TokenEstimator;
import java.io.BufferedReader;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

@ExtendWith(FakeKimiExtension.class)
class KimiChatTest {

  private FakeKimiServer server;
  private KimiClient kimi;

  @BeforeEach
  void start(FakeKimiServer server, FakeKimiExtension.Clients clients) {
    this.server = server;
    kimi = clients.build(b -> b.apiKey("test-key"));
  }

  private String drive(KimiChat chat, String input) {
    return drive(chat, input, new Captured());
  }

  private String drive(KimiChat chat, String input, Captured c) {
    chat.run(new BufferedReader(new StringReader(input)));
    return c.text();
  }

  @Test
  void streamsRepliesKeepsTheConversationAndExitsOnEndOfInput() {
    Captured c = new Captured();
    KimiChat chat = new KimiChat(kimi, "kimi-k2.6", c.out);
    String transcript = drive(chat, "Hello\n\nHow are you?\n", c);
    assertThat(transcript)
        .isEqualTo(
            "you> kimi> You said: Hello\n"
                + "you> you> kimi> You said: How are you?\n"
                + "you> \nBye.\n");
    server.takeRequest();
    RecordedRequest second = server.takeRequest();
    JsonArray messages = (JsonArray) ((JsonObject) second.json()).get("messages");
    assertThat(messages.toString())
        .isEqualTo(
            "[{\"role\":\"user\",\"content\":\"Hello\"},"
                + "{\"role\":\"assistant\",\"content\":\"You said: Hello\"},"
                + "{\"role\":\"user\",\"content\":\"How are you?\"}]");
    assertThat(((JsonObject) second.json()).get("stream").toString()).isEqualTo("true");
  }

  @Test
  void commandsSwitchModelSetSystemPromptToggleThinkingAndShowUsage() {
    Captured c = new Captured();
    KimiChat chat = new KimiChat(kimi, "kimi-k2.6", c.out);
    String transcript =
        drive(
            chat,
            "/model kimi-k2.7-code\n/system Be brief.\n/thinking on\nWhy?\n/usage\n/help\n"
                + "/bogus\n/thinking maybe\n/quit\nnever sent\n",
            c);
    assertThat(transcript)
        .contains("Model set to kimi-k2.7-code.")
        .contains("System prompt set.")
        .contains("Thinking on.")
        .contains(
            "kimi> (thinking) The user wrote \"Why?\". I will repeat it back.\nkimi> You said: Why?\n")
        .containsPattern(
            "Last reply: \\d+ prompt \\+ \\d+ completion \\("
                + TokenEstimator.forKimi()
                    .estimate("The user wrote \"Why?\". I will repeat it back.")
                + " reasoning\\) = \\d+ tokens")
        .containsPattern("Conversation: 3 messages, id [0-9a-f-]{36}\n")
        .contains("/save FILE")
        .contains("Unknown command /bogus. /help lists the commands.")
        .contains("Usage: /thinking on|off (now on)")
        .endsWith("Bye.\n")
        .doesNotContain("never sent");
    assertThat(server.requestCount()).isEqualTo(1);
    JsonObject body = (JsonObject) server.takeRequest().json();
    assertThat(body.get("model").toString()).isEqualTo("\"kimi-k2.7-code\"");
    assertThat(body.get("thinking").toString()).isEqualTo("{\"type\":\"enabled\"}");
    assertThat(body.get("messages").toString())
        .startsWith("[{\"role\":\"system\",\"content\":\"Be brief.\"}");
  }

  @Test
  void countsOneMessageInTheSingular() {
    Captured c = new Captured();
    KimiChat chat = new KimiChat(kimi, "kimi-k2.6", c.out);
    assertThat(drive(chat, "/usage\n/system Be brief.\n/usage\n", c))
        .containsPattern("Conversation: 0 messages, id [0-9a-f-]{36}\n")
        .containsPattern("Conversation: 1 message, id [0-9a-f-]{36}\n");
  }

  @Test
  void savesLoadsAndContinuesTheConversationUnderItsId(@TempDir Path dir) throws Exception {
    Path file = dir.resolve("chat.json");
    Captured first = new Captured();
    KimiChat chat = new KimiChat(kimi, "kimi-k2.6", first.out);
    drive(
        chat,
        "/system You are a parrot.\n/thinking on\nHello\n/save " + file + "\n/usage\n",
        first);
    String id = chat.conversation().id();
    assertThat(first.text())
        .contains("Saved 3 messages to " + file + ".")
        .contains("Conversation: 3 messages, id " + id);
    Conversation saved = Conversation.load(file);
    assertThat(saved.id()).isEqualTo(id);
    assertThat(saved.messages()).isEqualTo(chat.history());
    assertThat(((AssistantMessage) saved.messages().get(2)).reasoningContent())
        .as("the reply is saved as received, reasoning included")
        .contains("I will repeat it back");

    Captured second = new Captured();
    KimiChat resumed = new KimiChat(kimi, "kimi-k2.7-code", second.out);
    drive(
        resumed,
        "/load "
            + file
            + "\nAgain\n/save "
            + file
            + "\n/load "
            + dir.resolve("missing.json")
            + "\n/usage\n",
        second);
    assertThat(second.text())
        .contains(
            "Loaded 3 messages from "
                + file
                + " (id "
                + id
                + ", system prompt \"You are a parrot.\").")
        .contains("kimi> You said: Again\n")
        .contains("Saved 5 messages to " + file + ".")
        .contains(
            "[error] Cannot use " + dir.resolve("missing.json") + ": no such file or directory.\n")
        .contains("Conversation: 5 messages, id " + id);
    server.takeRequest();
    JsonObject body = (JsonObject) server.takeRequest().json();
    assertThat(body.get("model").asString())
        .as("the model is the chat's own")
        .isEqualTo("kimi-k2.7-code");
    assertThat(body.get("prompt_cache_key").asString()).isEqualTo(id);
    JsonArray messages = (JsonArray) body.get("messages");
    assertThat(messages.size()).isEqualTo(4);
    assertThat(messages.get(0).toString())
        .isEqualTo("{\"role\":\"system\",\"content\":\"You are a parrot.\"}");
    assertThat(messages.get(2).get("reasoning_content").asString())
        .contains("I will repeat it back");
    assertThat(messages.get(3).toString()).isEqualTo("{\"role\":\"user\",\"content\":\"Again\"}");
    assertThat(Conversation.load(file).messages()).hasSize(5);
  }

  @Test
  void changingTheSystemPromptKeepsTheHistoryAndIdWhileClearKeepsOnlyThePrompt() {
    Captured c = new Captured();
    KimiChat chat = new KimiChat(kimi, "kimi-k2.6", c.out);
    drive(chat, "Hello\n/system Be brief.\n", c);
    String id = chat.conversation().id();
    assertThat(chat.history())
        .extracting(Message::role)
        .containsExactly("system", "user", "assistant");
    drive(chat, "/system Be very brief.\n", c);
    assertThat(chat.conversation().id()).isEqualTo(id);
    assertThat(chat.history().get(0)).isEqualTo(Message.system("Be very brief."));
    assertThat(chat.history()).hasSize(3);
    drive(chat, "/system\n", c);
    assertThat(chat.history()).extracting(Message::role).containsExactly("user", "assistant");
    drive(chat, "/system Be brief.\n/clear\nHi\n", c);
    assertThat(chat.conversation().id()).isNotEqualTo(id);
    assertThat(chat.history())
        .extracting(Message::role)
        .containsExactly("system", "user", "assistant");
    assertThat(c.text())
        .contains("System prompt set.")
        .contains("System prompt cleared.")
        .contains("Conversation cleared.");
  }

  @Test
  void saveMakesTheDirectoriesItNeeds(@TempDir Path dir) throws Exception {
    Path file = dir.resolve("target/sessions/chat.json");
    Captured c = new Captured();
    drive(new KimiChat(kimi, "kimi-k2.6", c.out), "Hello\n/save " + file + "\n", c);
    assertThat(c.text()).contains("Saved 2 messages to " + file + ".");
    assertThat(Conversation.load(file).size()).isEqualTo(2);
  }

  @Test
  void loadingAFileThatIsNotAConversationSaysSo(@TempDir Path dir) throws Exception {
    Path file = Files.writeString(dir.resolve("x.json"), "[1, 2");
    Captured c = new Captured();
    drive(new KimiChat(kimi, "kimi-k2.6", c.out), "/load " + file + "\n", c);
    assertThat(c.text()).contains("[error] " + file + " is not a conversation saved with /save");
  }

  @Test
  void aFailedReplyIsShownAndTheChatGoesOn() {
    server.enqueue(
        FakeResponse.error(
            401,
            "{\"error\":{\"type\":\"invalid_authentication_error\",\"message\":\"Bad key\"}}"));
    Captured c = new Captured();
    KimiChat chat = new KimiChat(kimi, "kimi-k2.6", c.out);
    drive(chat, "Hi\nHi again\n", c);
    assertThat(c.text())
        .contains(
            "kimi> \n[error] Kimi API error (HTTP 401, invalid_authentication_error): Bad key")
        .contains("kimi> You said: Hi again\n");
    assertThat(chat.history()).hasSize(2);
  }

  @Test
  void stopReplyEndsTheCurrentReplyKeepsItsTextAndTheChatGoesOn() throws Exception {
    String chunk =
        "{\"id\":\"c\",\"object\":\"chat.completion.chunk\",\"created\":1,\"model\":\"m\","
            + "\"choices\":[{\"index\":0,\"delta\":{\"content\":\"%s\"},\"finish_reason\":null}]}";
    // The second chunk would come 20 s later: only stopReply() can end this reply sooner.
    server.enqueue(
        FakeResponse.sse()
            .data(String.format(chunk, "Once upon"))
            .pause(Duration.ofSeconds(20))
            .data(String.format(chunk, " a time"))
            .done()
            .build());
    CountDownLatch firstPiece = new CountDownLatch(1);
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    PrintStream out =
        new PrintStream(bytes, true, StandardCharsets.UTF_8) {
          @Override
          public void print(String s) {
            super.print(s);
            if (s.contains("Once upon")) {
              firstPiece.countDown();
            }
          }
        };
    KimiChat chat = new KimiChat(kimi, "kimi-k2.6", out);
    Thread stopper =
        new Thread(
            () -> {
              try {
                if (firstPiece.await(30, TimeUnit.SECONDS)) {
                  chat.stopReply();
                }
              } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
              }
            });
    stopper.start();
    long start = System.nanoTime();
    chat.run(new BufferedReader(new StringReader("Tell a story\n/usage\n")));
    stopper.join();
    assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(15));
    assertThat(bytes.toString(StandardCharsets.UTF_8))
        .contains("kimi> Once upon\n[stopped]\n")
        .contains("Conversation: 2 messages")
        .doesNotContain("a time");
    assertThat(chat.history()).hasSize(2);
    assertThat(chat.history().get(1).toString()).contains("Once upon");
  }

  @Test
  void stopReplyWithNoReplyInProgressSaysHowToLeave() {
    Captured c = new Captured();
    KimiChat chat = new KimiChat(kimi, "kimi-k2.6", c.out);
    chat.stopReply();
    drive(chat, "Hi\n", c);
    assertThat(c.text())
        .startsWith("\n(no reply to stop: /quit or Ctrl-D leaves)\nyou> ")
        .contains("kimi> You said: Hi\n")
        .doesNotContain("[stopped]");
  }
}
