package io.github.kimisdk.token;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.kimisdk.chat.AssistantMessage;
import io.github.kimisdk.chat.ChatRequest;
import io.github.kimisdk.chat.ContentPart;
import io.github.kimisdk.chat.Message;
import io.github.kimisdk.chat.SystemMessage;
import io.github.kimisdk.chat.Thinking;
import io.github.kimisdk.chat.UserMessage;
import io.github.kimisdk.chat.completions.MessageForm;
import io.github.kimisdk.json.Json;
import io.github.kimisdk.tool.FunctionTool;
import io.github.kimisdk.tool.ToolCall;
import java.util.List;
import org.junit.jupiter.api.Test;

class RequestTokensTest {

  static final KimiTokenizer TOK = Goldens.tokenizer();
  static final RequestTokens EXACT = RequestTokens.exact(TOK);
  static final String PNG = "data:image/png;base64,iVBORw0KGgo=";

  static int t(String s) {
    return TOK.count(s);
  }

  /** The generation prompt: {@code <|im_assistant|>assistant<|im_middle|>}. */
  static int generation() {
    return 2 + t("assistant");
  }

  static int defaultSystem() {
    return 3 + t("system") + t(RequestTokens.DEFAULT_SYSTEM_PROMPT);
  }

  @Test
  void countsSystemAndUserWithRoleMarkersAndGenerationPrompt() {
    ChatRequest r =
        ChatRequest.builder("kimi-k2.6").addSystem("Be brief.").addUser("Hello, Kimi!").build();
    RequestTokens.Count c = EXACT.count(r);
    int text = t("system") + t("Be brief.") + t("user") + t("Hello, Kimi!") + t("assistant");
    assertThat(c.text()).isEqualTo(text);
    assertThat(c.template()).isEqualTo(3 + 3 + 2);
    assertThat(c.media()).isZero();
    assertThat(c.exact()).isTrue();
    assertThat(c.total()).isEqualTo(text + 8);
    // pinned: "system", "user", "assistant" are one token each in Kimi's vocabulary
    assertThat(List.of(t("system"), t("user"), t("assistant"))).containsOnly(1);
    assertThat(c.total()).isEqualTo(8 + 3 + t("Be brief.") + t("Hello, Kimi!"));
  }

  @Test
  void aSystemMessageDeclaringToolsCountsAsAToolDeclarationWhereItStands() {
    FunctionTool time = new FunctionTool("get_time", "The time", null, null);
    ChatRequest plain = ChatRequest.builder("kimi-k3").addSystem("Be brief.").addUser("Hi").build();
    ChatRequest dynamic = plain.toBuilder().addMessage(Message.tools(time)).build();
    int declaration = 3 + t("tool_declare") + t(MessageForm.toolsJson(List.of(time)));
    assertThat(EXACT.count(dynamic).total()).isEqualTo(EXACT.count(plain).total() + declaration);
    ChatRequest global = plain.toBuilder().addTool(time).build();
    assertThat(EXACT.count(global).total())
        .as("the same declaration as in the request's tools")
        .isEqualTo(EXACT.count(dynamic).total());
  }

  @Test
  void addsTheTemplatesDefaultSystemMessageWhenTheFirstMessageIsNotSystem() {
    ChatRequest r = ChatRequest.of("kimi-k2.6", "你好，世界！");
    assertThat(EXACT.count(r).total())
        .isEqualTo(defaultSystem() + 3 + t("user") + t("你好，世界！") + generation());
    assertThat(t("你好，世界！")).isEqualTo(4);
  }

  @Test
  void usesTheMessageNameInsteadOfTheRole() {
    ChatRequest r =
        ChatRequest.builder("kimi-k2.6")
            .addSystem("s")
            .addMessage(new UserMessage(List.of(ContentPart.text("hi")), "Alexandra_Q"))
            .build();
    int named = EXACT.count(r).total();
    assertThat(
            named
                - EXACT
                    .count(ChatRequest.builder("kimi-k2.6").addSystem("s").addUser("hi").build())
                    .total())
        .isEqualTo(t("Alexandra_Q") - t("user"));
  }

  @Test
  void countsToolCallsWithSectionMarkersAndToolResultsAsReturnText() {
    ToolCall call =
        ToolCall.function("functions.get_weather:0", "get_weather", "{\"city\":\"Paris\"}");
    AssistantMessage asks = new AssistantMessage("Let me check.", null, List.of(call), null, false);
    Message result = Message.tool(call, "{\"temp\":21}");
    int assistant =
        3 + t("assistant") + t("Let me check.") + 2 + 3 + t(call.id()) + t(call.arguments());
    int tool = 3 + t("get_weather") + t("## Return of functions.get_weather:0\n{\"temp\":21}");
    assertThat(EXACT.countMessage(asks)).isEqualTo(assistant);
    assertThat(EXACT.countMessage(result)).isEqualTo(tool);
    ChatRequest r =
        ChatRequest.builder("kimi-k2-0905-preview")
            .addSystem("sys")
            .addUser("Weather in Paris?")
            .addMessage(asks)
            .addMessage(result)
            .build();
    int expected =
        3
            + t("system")
            + t("sys")
            + 3
            + t("user")
            + t("Weather in Paris?")
            + assistant
            + tool
            + generation();
    assertThat(EXACT.count(r).total()).isEqualTo(expected);
    assertThat(EXACT.count(r).template()).isEqualTo(3 + 3 + 3 + 5 + 3 + 2);
  }

  @Test
  void declaresToolsAsCompactJsonInAToolDeclareBlock() {
    FunctionTool weather =
        new FunctionTool(
            "get_weather",
            "Current weather",
            Json.parse(
                "{\"type\":\"object\",\"properties\":{\"city\":{\"type\":\"string\"}},"
                    + "\"required\":[\"city\"]}"),
            null);
    ChatRequest plain = ChatRequest.builder("kimi-k2.6").addSystem("s").addUser("hi").build();
    ChatRequest withTools = plain.toBuilder().addTool(weather).build();
    String json =
        "[{\"type\":\"function\",\"function\":{\"name\":\"get_weather\",\"description\":"
            + "\"Current weather\",\"parameters\":{\"type\":\"object\",\"properties\":{\"city\":"
            + "{\"type\":\"string\"}},\"required\":[\"city\"]}}}]";
    int declare = 3 + t("tool_declare") + t(json);
    assertThat(EXACT.count(withTools).total() - EXACT.count(plain).total()).isEqualTo(declare);
    assertThat(EXACT.overhead(withTools)).isEqualTo(declare + generation());
  }

  @Test
  void joinsTextPartsAndEstimatesEachImageAndVideo() {
    UserMessage u =
        new UserMessage(
            List.of(
                ContentPart.text("Compare "),
                ContentPart.text("these:"),
                ContentPart.imageUrl(PNG),
                ContentPart.text("and"),
                ContentPart.videoUrl("ms://file-123")),
            null);
    assertThat(EXACT.countMessage(u))
        .isEqualTo(3 + t("user") + t("Compare these:") + t("and") + 2_000 + 2_000);
    RequestTokens custom = EXACT.withMediaTokens(1_000, 5_000);
    RequestTokens.Count c =
        custom.count(ChatRequest.builder("kimi-k2.6").addSystem("s").addMessage(u).build());
    assertThat(c.media()).isEqualTo(6_000);
    assertThatThrownBy(() -> EXACT.withMediaTokens(-1, 0))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void countsReasoningOnlyAfterTheLastUserMessageUnlessKeptByThinking() {
    AssistantMessage old = new AssistantMessage("Four.", "2+2 is 4", List.of(), null, false);
    ToolCall call = ToolCall.function("c1", "lookup", "{}");
    AssistantMessage current =
        new AssistantMessage(null, "I should look it up", List.of(call), null, false);
    ChatRequest.Builder b =
        ChatRequest.builder("kimi-k2.6")
            .addSystem("s")
            .addUser("2+2?")
            .addMessage(old)
            .addUser("And the capital of France?")
            .addMessage(current)
            .addMessage(Message.tool(call, "Paris"));
    int withoutOld = EXACT.count(b.build()).total();
    int withAll = EXACT.count(b.thinking(Thinking.preserved()).build()).total();
    assertThat(withAll - withoutOld).isEqualTo(2 + t("2+2 is 4"));
    int sumOfMessages =
        b.build().messages().stream().mapToInt(EXACT::countMessage).sum()
            + EXACT.overhead(b.build());
    assertThat(sumOfMessages).isEqualTo(withAll);
  }

  @Test
  void countOfMessagesMatchesTheRequestWithoutTools() {
    ChatRequest r = ChatRequest.builder("kimi-k2.6").addUser("a").addUser("b").build();
    assertThat(EXACT.count(r.messages())).isEqualTo(EXACT.count(r).total());
    List<Message> withSystem = List.of(new SystemMessage("x", null), Message.user("y"));
    assertThat(EXACT.count(withSystem))
        .isEqualTo(3 + t("system") + t("x") + 3 + t("user") + t("y") + generation());
  }

  @Test
  void estimatorCountsTheSameTemplateWithEstimatedText() {
    TokenEstimator e = TokenEstimator.forKimi();
    RequestTokens est = RequestTokens.estimated(e);
    ChatRequest r =
        ChatRequest.builder("kimi-k2.6").addSystem("Be brief.").addUser("Hello, Kimi!").build();
    RequestTokens.Count c = est.count(r);
    assertThat(est.isExact()).isFalse();
    assertThat(c.exact()).isFalse();
    assertThat(c.template()).isEqualTo(8);
    assertThat(c.text())
        .isEqualTo(
            e.estimate("system")
                + e.estimate("Be brief.")
                + e.estimate("user")
                + e.estimate("Hello, Kimi!")
                + e.estimate("assistant"));
    assertThat(RequestTokens.estimated().count(r)).isEqualTo(c);
  }

  @Test
  void estimateStaysCloseToTheExactCountOnALongConversation() {
    ChatRequest.Builder b =
        ChatRequest.builder("kimi-k2.6").addSystem("You are a careful assistant.");
    for (int i = 0; i < 40; i++) {
      b.addUser("Question " + i + ": how does the garbage collector treat soft references?");
      b.addMessage(
          Message.assistant(
              "Soft references are cleared at the discretion of the collector in response to"
                  + " memory demand; answer "
                  + i
                  + "."));
    }
    ChatRequest r = b.build();
    int exact = EXACT.count(r).total();
    int estimate = RequestTokens.estimated().count(r).total();
    assertThat((double) estimate)
        .isCloseTo(exact, org.assertj.core.data.Percentage.withPercentage(15));
  }
}
