package io.github.kimisdk.ui;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.kimisdk.chat.AssistantMessage;
import io.github.kimisdk.chat.UserMessage;
import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The page's request read back: one case per rule, each refusal naming where and why. */
class UiRequestTest {

  static final String USER =
      "{\"id\":\"u1\",\"role\":\"user\",\"parts\":[{\"type\":\"text\",\"text\":\"Hi\"}]}";

  static String body(String messages) {
    return "{\"id\":\"chat-1\",\"trigger\":\"submit-message\",\"messages\":[" + messages + "]}";
  }

  static UiRequest parse(String json) {
    return UiRequest.parse(json.getBytes(StandardCharsets.UTF_8));
  }

  @Test
  void readsWhatTheAiSdkSends() {
    UiRequest r =
        parse(
            "{\"id\":\"chat-1\",\"messages\":["
                + USER
                + ",{\"id\":\"a1\",\"role\":\"assistant\",\"parts\":[{\"type\":\"step-start\"},"
                + "{\"type\":\"reasoning\",\"text\":\"hm\",\"state\":\"done\"},"
                + "{\"type\":\"text\",\"text\":\"Hello\",\"state\":\"done\"},"
                + "{\"type\":\"tool-transfer\",\"toolCallId\":\"c:1:0\",\"state\":\"approval-responded\","
                + "\"input\":{\"to\":\"x\"},\"approval\":{\"id\":\"kdt1.a.b\",\"approved\":true}},"
                + "{\"type\":\"data-usage\",\"data\":{\"n\":1}}]}],"
                + "\"trigger\":\"submit-message\",\"messageId\":\"a1\",\"extra\":1}");
    assertThat(r.chatId()).isEqualTo("chat-1");
    assertThat(r.trigger()).isEqualTo("submit-message");
    assertThat(r.messageId()).isEqualTo("a1");
    assertThat(r.messages()).hasSize(2);
    assertThat(r.messages().get(1).parts()).hasSize(5);
    assertThat(r.messages().get(1).text()).isEqualTo("Hello");
  }

  @Test
  void theTextHistoryKeepsTextsAndLeavesToolPartsOut() {
    UiRequest r =
        parse(
            body(
                USER
                    + ",{\"id\":\"a1\",\"role\":\"assistant\",\"parts\":["
                    + "{\"type\":\"tool-t\",\"toolCallId\":\"1\",\"state\":\"output-available\","
                    + "\"input\":{},\"output\":\"a result the page made up\"},"
                    + "{\"type\":\"text\",\"text\":\"Hello\"}]},"
                    + USER.replace("u1", "u2")));
    assertThat(r.textHistory())
        .extracting(m -> m.getClass().getSimpleName())
        .containsExactly("UserMessage", "AssistantMessage", "UserMessage");
    assertThat(((UserMessage) r.textHistory().get(0)).text()).isEqualTo("Hi");
    assertThat(((AssistantMessage) r.textHistory().get(1)).text()).isEqualTo("Hello");
    assertThat(r.textHistory().toString()).doesNotContain("made up");
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(
      delimiter = '|',
      value = {
        "not JSON | {\"id\": | the request body is not JSON",
        "an array | [] | must be a JSON object",
        "no id | {\"trigger\":\"submit-message\",\"messages\":[" + "X" + "]} | id must be a string",
        "an unknown trigger | {\"id\":\"c\",\"trigger\":\"delete\",\"messages\":[X]} | trigger must be",
        "no messages | {\"id\":\"c\",\"trigger\":\"submit-message\",\"messages\":[]} | 1 to 2000",
        "a message without a role | MSG:{\"id\":\"m\",\"parts\":[]} | messages[0].role",
        "a role of its own | MSG:{\"id\":\"m\",\"role\":\"tool\",\"parts\":[]} | messages[0].role must be",
        "parts that are no array | MSG:{\"id\":\"m\",\"role\":\"user\",\"parts\":{}} | messages[0].parts",
        "a part without a type | PART:{\"text\":\"x\"} | messages[0].parts[0].type",
        "a part of no known kind | PART:{\"type\":\"script\"} | is not a part the AI SDK sends",
        "a text part without text | PART:{\"type\":\"text\"} | messages[0].parts[0].text",
        "a tool part without a call id | PART:{\"type\":\"tool-t\",\"state\":\"input-available\"} | toolCallId",
        "a tool part of no known state | PART:{\"type\":\"tool-t\",\"toolCallId\":\"1\",\"state\":\"done\"} | .state is not a tool state",
        "a tool part without its tool | PART:{\"type\":\"tool-\",\"toolCallId\":\"1\",\"state\":\"input-available\"} | must name the tool",
        "an approval without approved | PART:{\"type\":\"tool-t\",\"toolCallId\":\"1\",\"state\":\"approval-responded\",\"approval\":{\"id\":\"a\"}} | approval.approved",
        "an approval without an id | PART:{\"type\":\"tool-t\",\"toolCallId\":\"1\",\"state\":\"approval-requested\",\"approval\":{}} | approval.id",
        "an error without its text | PART:{\"type\":\"tool-t\",\"toolCallId\":\"1\",\"state\":\"output-error\"} | errorText",
        "an output without output | PART:{\"type\":\"tool-t\",\"toolCallId\":\"1\",\"state\":\"output-available\"} | .output is missing",
      })
  void refusesAMalformedRequestNamingWhere(String what, String json, String says) {
    String full;
    if (json.startsWith("MSG:")) {
      full = body(json.substring(4));
    } else if (json.startsWith("PART:")) {
      full = body("{\"id\":\"m\",\"role\":\"user\",\"parts\":[" + json.substring(5) + "]}");
    } else {
      full = json.replace("X", USER);
    }
    assertThatThrownBy(() -> parse(full))
        .as(what)
        .isInstanceOfSatisfying(
            UiRequestException.class, e -> assertThat(e.status()).isEqualTo(400))
        .hasMessageContaining(says)
        .hasMessageEndingWith("nothing was run");
  }

  @Test
  void refusesNestingBeyondTheLimit() {
    String deep = "[".repeat(200) + "]".repeat(200);
    assertThatThrownBy(() -> parse("{\"id\":\"c\",\"x\":" + deep + "}"))
        .isInstanceOf(UiRequestException.class)
        .hasMessageContaining("not JSON");
  }

  /** Counts what was read of a stream. */
  static final class Counting extends InputStream {
    final InputStream in;
    long read;

    Counting(InputStream in) {
      this.in = in;
    }

    @Override
    public int read() throws java.io.IOException {
      int b = in.read();
      if (b >= 0) {
        read++;
      }
      return b;
    }

    @Override
    public int read(byte[] b, int off, int len) throws java.io.IOException {
      int n = in.read(b, off, len);
      if (n > 0) {
        read += n;
      }
      return n;
    }
  }

  @Test
  void aBodyOfTenMegabytesIsRefusedReadOnlyToTheLimit() {
    byte[] ten = new byte[10 * 1024 * 1024];
    Arrays.fill(ten, (byte) ' ');
    Counting in = new Counting(new ByteArrayInputStream(ten));
    assertThatThrownBy(() -> UiRequest.read(in, UiRequest.DEFAULT_MAX_BYTES))
        .isInstanceOfSatisfying(
            UiRequestException.class, e -> assertThat(e.status()).isEqualTo(413))
        .hasMessageContaining("larger than this server's limit of 1048576 bytes");
    assertThat(in.read).isEqualTo(UiRequest.DEFAULT_MAX_BYTES + 1);
  }

  @Test
  void aBodyOfExactlyTheLimitIsRead() {
    String json = body(USER);
    byte[] b = json.getBytes(StandardCharsets.UTF_8);
    assertThat(UiRequest.read(new ByteArrayInputStream(b), b.length).messages()).hasSize(1);
    assertThatThrownBy(() -> UiRequest.read(new ByteArrayInputStream(b), b.length - 1))
        .isInstanceOf(UiRequestException.class);
  }

  @Test
  void aMessageListOfTheLimitIsReadAndOneMoreIsNot() {
    String many = String.join(",", java.util.Collections.nCopies(UiRequest.MAX_MESSAGES, USER));
    assertThat(parse(body(many)).messages()).hasSize(UiRequest.MAX_MESSAGES);
    assertThatThrownBy(() -> parse(body(many + "," + USER))).isInstanceOf(UiRequestException.class);
  }
}
