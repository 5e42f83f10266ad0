package io.github.kimisdk.chat;

import static io.github.kimisdk.base.text.RecordTexts.assertPrints;
import static org.assertj.core.api.Assertions.assertThat;

import io.github.kimisdk.ResponseMetadata;
import io.github.kimisdk.chat.ChatCompletionChunk.ChunkChoice;
import io.github.kimisdk.chat.ChatCompletionChunk.Delta;
import io.github.kimisdk.chat.ChatCompletionChunk.ToolCallDelta;
import io.github.kimisdk.json.Json;
import io.github.kimisdk.json.JsonObject;
import io.github.kimisdk.tool.ToolCall;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * What the chat records print in jshell and logs: the members that are set, nothing a parent
 * already shows. Each test is the table of one record type: a value, then its text.
 */
class ChatToStringTest {

  static final JsonObject EXTRA = (JsonObject) Json.parse("{\"x\":1}");
  static final Usage USAGE = Usage.of(31, 9, 40);
  static final AssistantMessage HI = Message.assistant("Hi");

  @Test
  void usage() {
    assertPrints(
        USAGE,
        "Usage[promptTokens=31, completionTokens=9, totalTokens=40]",
        Usage.of(0, 0, 0),
        "Usage[promptTokens=0, completionTokens=0, totalTokens=0]",
        new Usage(31, 9, 40, 20, 5, EXTRA, 3),
        "Usage[promptTokens=31, completionTokens=9, totalTokens=40, cachedTokens=20,"
            + " reasoningTokens=5, cacheWriteTokens=3, additionalFields={\"x\":1}]",
        new Usage(31, 9, 40, 0, null, JsonObject.of(), null),
        "Usage[promptTokens=31, completionTokens=9, totalTokens=40, cachedTokens=0]");
  }

  @Test
  void assistantMessage() {
    assertPrints(
        HI,
        "AssistantMessage[content=Hi]",
        new AssistantMessage(null, null, null, null, false),
        "AssistantMessage[]",
        new AssistantMessage("", "", List.of(), "", false, "", JsonObject.of()),
        "AssistantMessage[]",
        Message.partial("Dear", "Kimi"),
        "AssistantMessage[content=Dear, name=Kimi, partial=true]",
        new AssistantMessage(
            null,
            "think",
            List.of(ToolCall.function("c1", "now", "{}")),
            null,
            false,
            "sig",
            EXTRA),
        "AssistantMessage[reasoningContent=think, toolCalls=[ToolCall[id=c1, type=function,"
            + " name=now, arguments={}]], reasoningSignature=sig, additionalFields={\"x\":1}]");
  }

  @Test
  void choice() {
    assertPrints(
        new Choice(0, HI, FinishReason.STOP, null),
        "Choice[index=0, message=AssistantMessage[content=Hi], finishReason=stop]",
        new Choice(1, null, null, null),
        "Choice[index=1, message=AssistantMessage[]]",
        new Choice(0, HI, FinishReason.STOP, USAGE, new Logprobs(List.of()), EXTRA),
        "Choice[index=0, message=AssistantMessage[content=Hi], finishReason=stop,"
            + " usage=Usage[promptTokens=31, completionTokens=9, totalTokens=40],"
            + " logprobs=Logprobs[], additionalFields={\"x\":1}]");
  }

  @Test
  void chatCompletion() {
    ResponseMetadata ok = new ResponseMetadata(200, Map.of("msh-request-id", List.of("r-1")));
    assertPrints(
        new ChatCompletion(
            "c-1",
            "chat.completion",
            1_700_000_000,
            "kimi-k3",
            List.of(new Choice(0, HI, FinishReason.STOP, null)),
            USAGE,
            null),
        "ChatCompletion[id=c-1, created=1700000000, model=kimi-k3, choices=[Choice[index=0,"
            + " message=AssistantMessage[content=Hi], finishReason=stop]],"
            + " usage=Usage[promptTokens=31, completionTokens=9, totalTokens=40]]",
        // a stream's: the choice's usage is the completion's, shown once
        new ChatCompletion(
                "c-1",
                "chat.completion",
                0,
                "kimi-k3",
                List.of(new Choice(0, HI, FinishReason.STOP, Usage.of(31, 9, 40))),
                USAGE,
                "fp",
                EXTRA)
            .withMetadata(ok),
        "ChatCompletion[id=c-1, model=kimi-k3, choices=[Choice[index=0,"
            + " message=AssistantMessage[content=Hi], finishReason=stop]],"
            + " usage=Usage[promptTokens=31, completionTokens=9, totalTokens=40],"
            + " systemFingerprint=fp, additionalFields={\"x\":1},"
            + " metadata=ResponseMetadata[status=200, Msh-Request-Id=r-1]]",
        // a choice's usage that differs from the top level's is its own, and shown
        new ChatCompletion(
            null,
            "response",
            0,
            null,
            List.of(new Choice(0, HI, null, Usage.of(1, 1, 2))),
            USAGE,
            null),
        "ChatCompletion[object=response, choices=[Choice[index=0,"
            + " message=AssistantMessage[content=Hi], usage=Usage[promptTokens=1,"
            + " completionTokens=1, totalTokens=2]]], usage=Usage[promptTokens=31,"
            + " completionTokens=9, totalTokens=40]]",
        new ChatCompletion(null, null, 0, null, null, null, null),
        "ChatCompletion[]");
  }

  @Test
  void delta() {
    assertPrints(
        new Delta("assistant", "", null, null),
        "Delta[role=assistant]",
        Delta.EMPTY,
        "Delta[]",
        new Delta(null, " world", null, List.of()),
        "Delta[content= world]",
        new Delta(
            null,
            null,
            "hm",
            List.of(new ToolCallDelta(0, "c1", "function", "now", "")),
            "sig",
            EXTRA),
        "Delta[reasoningContent=hm, toolCalls=[ToolCallDelta[index=0, id=c1, type=function,"
            + " name=now]], reasoningSignature=sig, additionalFields={\"x\":1}]");
  }

  @Test
  void toolCallDelta() {
    assertPrints(
        new ToolCallDelta(0, null, null, null, "{\"ci"),
        "ToolCallDelta[index=0, arguments={\"ci]",
        new ToolCallDelta(null, null, null, null, null, EXTRA),
        "ToolCallDelta[additionalFields={\"x\":1}]");
  }

  @Test
  void chunkChoice() {
    assertPrints(
        new ChunkChoice(0, new Delta("assistant", "", null, null), null, null),
        "ChunkChoice[index=0, delta=Delta[role=assistant]]",
        new ChunkChoice(0, Delta.EMPTY, FinishReason.STOP, USAGE),
        "ChunkChoice[index=0, finishReason=stop, usage=Usage[promptTokens=31,"
            + " completionTokens=9, totalTokens=40]]",
        new ChunkChoice(2, null, null, null, new Logprobs(List.of()), EXTRA),
        "ChunkChoice[index=2, logprobs=Logprobs[], additionalFields={\"x\":1}]");
  }

  @Test
  void chatCompletionChunk() {
    assertPrints(
        // the first chunk of a stream
        new ChatCompletionChunk(
            "c-1",
            1_700_000_000,
            "kimi-k3",
            List.of(new ChunkChoice(0, new Delta("assistant", "", null, null), null, null)),
            null,
            null),
        "ChatCompletionChunk[id=c-1, created=1700000000, model=kimi-k3,"
            + " choices=[ChunkChoice[index=0, delta=Delta[role=assistant]]]]",
        // Kimi's finishing chunk: usage in the choice, where the chunk itself has none
        new ChatCompletionChunk(
            "c-1",
            0,
            "kimi-k3",
            List.of(new ChunkChoice(0, Delta.EMPTY, FinishReason.STOP, USAGE)),
            null,
            null),
        "ChatCompletionChunk[id=c-1, model=kimi-k3, choices=[ChunkChoice[index=0,"
            + " finishReason=stop, usage=Usage[promptTokens=31, completionTokens=9,"
            + " totalTokens=40]]]]",
        // usage at both levels: shown once, at the chunk's
        new ChatCompletionChunk(
            "c-1",
            0,
            null,
            List.of(new ChunkChoice(0, Delta.EMPTY, FinishReason.STOP, Usage.of(31, 9, 40))),
            USAGE,
            null),
        "ChatCompletionChunk[id=c-1, choices=[ChunkChoice[index=0, finishReason=stop]],"
            + " usage=Usage[promptTokens=31, completionTokens=9, totalTokens=40]]",
        // the trailing usage chunk of include_usage
        new ChatCompletionChunk("c-1", 0, null, List.of(), USAGE, "fp", EXTRA),
        "ChatCompletionChunk[id=c-1, usage=Usage[promptTokens=31, completionTokens=9,"
            + " totalTokens=40], systemFingerprint=fp, additionalFields={\"x\":1}]");
  }

  @Test
  void logprobs() {
    Logprobs.Alternative alt = new Logprobs.Alternative("Hi", -0.5, null);
    assertPrints(
        new Logprobs(List.of(new Logprobs.Token("Hi", -0.25, null, null))),
        "Logprobs[content=[Token[token=Hi, logprob=-0.25]]]",
        new Logprobs(
            List.of(new Logprobs.Token("Hi", 0.0, List.of(72, 105), List.of(alt))),
            List.of(),
            EXTRA),
        "Logprobs[content=[Token[token=Hi, logprob=0.0, bytes=[72, 105],"
            + " topLogprobs=[Alternative[token=Hi, logprob=-0.5]]]], additionalFields={\"x\":1}]",
        new Logprobs.Alternative(null, -1, List.of(1)),
        "Alternative[logprob=-1.0, bytes=[1]]");
  }

  @Test
  void messages() {
    assertPrints(
        Message.user("Say hi"),
        "UserMessage[content=[TextPart[text=Say hi]]]",
        new UserMessage(List.of(ContentPart.text("a")), "ann"),
        "UserMessage[content=[TextPart[text=a]], name=ann]",
        Message.system("Be brief."),
        "SystemMessage[content=Be brief.]",
        new SystemMessage("Be brief.", "ops"),
        "SystemMessage[content=Be brief., name=ops]",
        Message.tool("c1", null, "12:00"),
        "ToolMessage[toolCallId=c1, content=12:00]",
        Message.tool("c1", "now", ""),
        "ToolMessage[toolCallId=c1, name=now]");
  }

  @Test
  void requestSettings() {
    assertPrints(
        Thinking.enabled(),
        "Thinking[type=ENABLED]",
        Thinking.preserved().withEffort("high"),
        "Thinking[type=ENABLED, keep=all, effort=high]",
        ResponseFormat.jsonObject(),
        "ResponseFormat[type=JSON_OBJECT]",
        ResponseFormat.jsonSchema("w", Json.parse("{\"type\":\"object\"}"), true),
        "ResponseFormat[type=JSON_SCHEMA, name=w, schema={\"type\":\"object\"}, strict=true]",
        Prediction.of("abc"),
        "Prediction[text=abc]",
        Prediction.parts(List.of("a", "b")),
        "Prediction[parts=[a, b]]");
  }

  @Test
  void chatRequest() {
    assertPrints(
        ChatRequest.of("kimi-k2.6", "Say hi"),
        "ChatRequest[model=kimi-k2.6, messages=[UserMessage[content=[TextPart[text=Say hi]]]]]",
        ChatRequest.builder("kimi-k3").addUser("hi").maxCompletionTokens(100).stream(true)
            .includeUsage(true)
            .thinking(Thinking.disabled())
            .build(),
        "ChatRequest[model=kimi-k3, messages=[UserMessage[content=[TextPart[text=hi]]]],"
            + " maxCompletionTokens=100, stream=true, includeUsage=true,"
            + " thinking=Thinking[type=DISABLED]]");
  }

  @Test
  void recordsThatPrintAlikeStayUnequal() {
    // the text leaves out what equals and hashCode still compare
    AssistantMessage noReasoning = new AssistantMessage("Hi", null, List.of(), null, false);
    AssistantMessage emptyReasoning = new AssistantMessage("Hi", "", List.of(), null, false);
    assertThat(noReasoning.toString()).isEqualTo(emptyReasoning.toString());
    assertThat(noReasoning).isNotEqualTo(emptyReasoning);
    Choice withUsage = new Choice(0, HI, null, USAGE);
    Choice without = new Choice(0, HI, null, null);
    ChatCompletion a = new ChatCompletion("c", null, 0, null, List.of(withUsage), USAGE, null);
    ChatCompletion b = new ChatCompletion("c", null, 0, null, List.of(without), USAGE, null);
    assertThat(a.toString()).isEqualTo(b.toString());
    assertThat(a).isNotEqualTo(b);
    ChatCompletion same = new ChatCompletion("c", null, 0, null, List.of(withUsage), USAGE, null);
    assertThat(a).isEqualTo(same).hasSameHashCodeAs(same);
    assertThat(a.withMetadata(new ResponseMetadata(200, Map.of()))).isEqualTo(a);
  }
}
