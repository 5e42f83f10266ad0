package io.github.kimisdk.temporal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.kimisdk.agents.RunHost;
import io.github.kimisdk.chat.AssistantMessage;
import io.github.kimisdk.chat.CacheTtl;
import io.github.kimisdk.chat.ChatCompletion;
import io.github.kimisdk.chat.ChatRequest;
import io.github.kimisdk.chat.Choice;
import io.github.kimisdk.chat.FinishReason;
import io.github.kimisdk.chat.Message;
import io.github.kimisdk.chat.Prediction;
import io.github.kimisdk.chat.ResponseFormat;
import io.github.kimisdk.chat.Thinking;
import io.github.kimisdk.chat.ToolMessage;
import io.github.kimisdk.chat.Usage;
import io.github.kimisdk.json.Json;
import io.github.kimisdk.json.JsonObject;
import io.github.kimisdk.json.JsonString;
import io.github.kimisdk.tool.BuiltinTool;
import io.github.kimisdk.tool.FunctionTool;
import io.github.kimisdk.tool.JsonSchema;
import io.github.kimisdk.tool.ToolCall;
import io.github.kimisdk.tool.ToolChoice;
import java.lang.reflect.RecordComponent;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * What the workflow hands its activities survives the history: a request with every component of
 * {@link ChatRequest} set comes back equal (and a component added to the record fails this test
 * until the form writes it), a reply keeps what the loop reads, a tool call and its outcome come
 * back as they went, and a payload of another form or a later version is refused.
 */
class PayloadsTest {

  /** Every component of ChatRequest, as the form writes them: a new one must be added here. */
  static final List<String> WRITTEN =
      List.of(
          "model",
          "messages",
          "maxCompletionTokens",
          "temperature",
          "topP",
          "n",
          "presencePenalty",
          "frequencyPenalty",
          "stop",
          "stream",
          "includeUsage",
          "responseFormat",
          "tools",
          "toolChoice",
          "thinking",
          "reasoningEffort",
          "promptCacheKey",
          "safetyIdentifier",
          "extraBody",
          "logprobs",
          "topLogprobs",
          "prediction",
          "promptCacheTtl");

  static final AssistantMessage CALLING =
      new AssistantMessage(
          null,
          "I will transfer.",
          List.of(ToolCall.function("functions.transfer:0", "transfer", "{\"amount\":9}")),
          null,
          false,
          null,
          JsonObject.of("x_extra", JsonString.of("kept")));

  @Test
  void theFormWritesEveryComponentOfARequest() {
    assertThat(Arrays.stream(ChatRequest.class.getRecordComponents()).map(RecordComponent::getName))
        .containsExactlyElementsOf(WRITTEN);
  }

  @Test
  void aRequestWithEveryComponentSetComesBackEqual() {
    ChatRequest full =
        new ChatRequest(
            "kimi-k3",
            List.of(
                Message.system("be brief"),
                Message.user("pay"),
                CALLING,
                new ToolMessage("functions.transfer:0", "transfer", "transferred 9")),
            512,
            0.6,
            0.9,
            1,
            0.1,
            0.2,
            List.of("STOP"),
            true,
            true,
            ResponseFormat.jsonSchema(
                "answer", JsonSchema.object().required("a", JsonSchema.string()).build().toJson()),
            List.of(
                new FunctionTool(
                    "transfer",
                    "Moves money",
                    Json.parse("{\"type\":\"object\",\"properties\":{}}"),
                    Boolean.TRUE),
                new BuiltinTool("$web_search")),
            ToolChoice.function("transfer"),
            new Thinking(Thinking.Type.ENABLED, "all", "high"),
            "high",
            "run-1",
            "user-7",
            Map.of("x_flag", JsonString.of("on")),
            Boolean.TRUE,
            3,
            Prediction.of("transferred"),
            CacheTtl.values()[CacheTtl.values().length - 1]);

    ChatRequest back = Payloads.request(Payloads.request(full));

    assertThat(back).isEqualTo(full);
    assertThat(Payloads.request(Payloads.request(ChatRequest.of("kimi-k3", "hi"))))
        .isEqualTo(ChatRequest.of("kimi-k3", "hi"));
  }

  @Test
  void aReplyKeepsItsMessageReasoningUsageAndExtraMembers() {
    Usage usage = new Usage(100, 20, 120, 80, 10, JsonObject.of("x", JsonString.of("y")), 5);
    ChatCompletion reply =
        new ChatCompletion(
            "chatcmpl-1",
            "chat.completion",
            1_700_000_000L,
            "kimi-k3",
            List.of(new Choice(0, CALLING, FinishReason.TOOL_CALLS, null, null, null)),
            usage,
            "fp-1",
            JsonObject.of("x_top", JsonString.of("kept")),
            null);

    ChatCompletion back = Payloads.reply(Payloads.reply(reply));

    assertThat(back).isEqualTo(reply);
    assertThat(back.choices().get(0).message().reasoningContent()).isEqualTo("I will transfer.");
  }

  @Test
  void aToolCallAndItsOutcomeComeBackAsTheyWent() {
    RunHost.ToolJob job =
        new RunHost.ToolJob("run-1", 3, 1, "transfer", "{\"amount\":9}", "kimi-abc", true);
    RunHost.ToolOutcome out = new RunHost.ToolOutcome("Error: no funds", true);

    assertThat(Payloads.job(Payloads.job(job))).isEqualTo(job);
    assertThat(Payloads.outcome(Payloads.outcome(out))).isEqualTo(out);
    FunctionTool t = new FunctionTool("lookup", null, null, null);
    assertThat(Payloads.functionTools(Payloads.functionTools(List.of(t)))).containsExactly(t);
  }

  @Test
  void aPayloadOfAnotherFormOrALaterVersionIsRefused() {
    String job =
        Payloads.job(new RunHost.ToolJob("run-1", 1, 0, "notify", "{}", "kimi-abc", false));

    assertThatThrownBy(() -> Payloads.outcome(job))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("not a kimi-sdk.temporal.tool-outcome payload");
    assertThatThrownBy(() -> Payloads.job(job.replace("\"version\":1", "\"version\":2")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("this build reads 1");
  }
}
