package io.github.kimisdk.chat;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.kimisdk.FakeSuite;
import io.github.kimisdk.KimiClient;
import io.github.kimisdk.WireProtocol;
import io.github.kimisdk.testing.FakeKimiExtension;
import io.github.kimisdk.testing.FakeKimiServer;
import io.github.kimisdk.testing.FakeResponse;
import io.github.kimisdk.tool.ToolCall;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * What a user sees printing the replies of real calls, over each wire: no absent or empty member,
 * no usage twice, no key.
 */
@ExtendWith(FakeKimiExtension.class)
class ChatToStringHttpTest {

  /** Asserts {@code text} shows no absent or empty member and not the client's key. */
  static void readable(String text) {
    assertThat(text)
        .doesNotContain("=null")
        .doesNotContain("={}")
        .doesNotContain("=[]")
        .doesNotContain("=,")
        .doesNotContain("=]")
        .doesNotContain(FakeKimiExtension.KEY);
  }

  /** A client over {@code wire}, on the fake's face for it. */
  static KimiClient client(
      WireProtocol wire, FakeKimiServer server, FakeKimiExtension.Clients clients) {
    return clients.build(b -> FakeSuite.over(b, server, wire));
  }

  static int count(String text, String part) {
    return text.split(java.util.regex.Pattern.quote(part), -1).length - 1;
  }

  @ParameterizedTest
  @EnumSource(WireProtocol.class)
  void aPlainChatPrintsNoAbsentMember(
      WireProtocol wire, FakeKimiServer server, FakeKimiExtension.Clients clients) {
    KimiClient kimi = client(wire, server, clients);
    ChatCompletion reply = kimi.chat(ChatRequest.of("kimi-k2.6", "Say hi"));
    String text = reply.toString();
    readable(text);
    assertThat(text)
        .startsWith("ChatCompletion[id=")
        .contains("AssistantMessage[content=You said: Say hi")
        .contains("usage=Usage[promptTokens=");
    assertThat(count(text, "Usage[")).isEqualTo(1);
  }

  @ParameterizedTest
  @EnumSource(WireProtocol.class)
  void aStreamPrintsEachChunkOnceAndItsUsageOnce(
      WireProtocol wire, FakeKimiServer server, FakeKimiExtension.Clients clients) {
    KimiClient kimi = client(wire, server, clients);
    ChatRequest request =
        ChatRequest.builder("kimi-k2.6").addUser("hi there").includeUsage(true).build();
    List<String> chunks = new ArrayList<>();
    ChatCompletion folded;
    try (ChatStream s = kimi.stream(request)) {
      ChatAccumulator acc = new ChatAccumulator();
      for (ChatCompletionChunk c : s) {
        chunks.add(c.toString());
        acc.add(c);
      }
      folded = acc.toCompletion();
    }
    chunks.forEach(ChatToStringHttpTest::readable);
    assertThat(chunks.get(0)).doesNotContain("content=");
    readable(folded.toString());
    if (wire == WireProtocol.CHAT_COMPLETIONS) {
      // Kimi reports the usage in the finishing choice; the folded reply has it at the top too
      assertThat(folded.choices().get(0).usage()).isEqualTo(folded.usage()).isNotNull();
    }
    assertThat(count(folded.toString(), "Usage[")).isEqualTo(1);
    assertThat(folded.toString()).contains("reasoningContent=The user wrote");
  }

  @ParameterizedTest
  @EnumSource(WireProtocol.class)
  void aToolCallPrintsItsCallWithoutEmptyMembers(
      WireProtocol wire, FakeKimiServer server, FakeKimiExtension.Clients clients) {
    KimiClient kimi = client(wire, server, clients);
    server.enqueue(FakeResponse.toolCalls(ToolCall.function("call_1", "now", "{\"tz\":\"UTC\"}")));
    String text = kimi.chat(ChatRequest.of("kimi-k2.6", "What time is it?")).toString();
    readable(text);
    assertThat(text)
        .contains(
            "toolCalls=[ToolCall[id=call_1, type=function, name=now, arguments={\"tz\":\"UTC\"}]]");
  }
}
