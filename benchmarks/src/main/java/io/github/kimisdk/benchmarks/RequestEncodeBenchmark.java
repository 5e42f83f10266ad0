package io.github.kimisdk.benchmarks;

import io.github.kimisdk.chat.AssistantMessage;
import io.github.kimisdk.chat.ChatRequest;
import io.github.kimisdk.chat.ContentPart;
import io.github.kimisdk.chat.Message;
import io.github.kimisdk.internal.wire.chat.ChatCodec;
import io.github.kimisdk.json.Json;
import io.github.kimisdk.tool.FunctionTool;
import io.github.kimisdk.tool.ToolCall;
import java.util.List;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Encodes chat completions request bodies with {@code ChatCodec.encodeRequest}, the one encode of
 * each call: a one-line question, and an agent's history of 25 messages (system, user turns,
 * assistant turns with reasoning and tool calls, tool results, an image) with four tools. Run two
 * builds' jars one after the other, in turn, to compare an encode before and after a change.
 */
@Warmup(iterations = 5, time = 2)
public class RequestEncodeBenchmark extends CodecBenchmark {

  private ChatRequest question;
  private ChatRequest history;

  /** Builds the two requests. */
  @Setup
  public void setUp() {
    question = ChatRequest.of("kimi-k2.6", "What is the capital of France?");
    ChatRequest.Builder b =
        ChatRequest.builder("kimi-k2.6")
            .addSystem("You are an agent. Use the tools; answer in one paragraph.")
            .addMessage(
                Message.user(
                    "Here is the receipt; book the same hotel again.",
                    ContentPart.imageFile("file-receipt-1")));
    for (int turn = 0; turn < 6; turn++) {
      ToolCall call =
          ToolCall.function(
              "functions.search:" + turn,
              "search",
              "{\"query\":\"hotel \\\"Lumi\\u00e8re\\\" room " + turn + "\",\"limit\":5}");
      b.addMessage(
          new AssistantMessage(
              null,
              "Turn " + turn + ": I need the next result before answering \u2014 search again.",
              List.of(call),
              null,
              false));
      b.addMessage(
          Message.tool(
              call,
              "{\"results\":[{\"name\":\"H\u00f4tel Lumi\u00e8re\",\"price\":\"\u20ac"
                  + (120 + turn)
                  + "\"}]}"));
      b.addMessage(Message.assistant("Found one at \u20ac" + (120 + turn) + ".", "", List.of()));
      b.addUser("Check the next date too.");
    }
    for (String name : List.of("search", "book", "cancel", "weather")) {
      b.addTool(
          new FunctionTool(
              name,
              "Does " + name + ".",
              Json.parse(
                  "{\"type\":\"object\",\"properties\":{\"query\":{\"type\":\"string\"},"
                      + "\"limit\":{\"type\":\"integer\"}},\"required\":[\"query\"]}"),
              null));
    }
    history = b.maxCompletionTokens(1024).stream(true).includeUsage(true).build();
  }

  /**
   * Encodes the one-line question.
   *
   * @return the body
   */
  @Benchmark
  public byte[] encodeQuestion() {
    return ChatCodec.encodeRequest(question);
  }

  /**
   * Encodes the agent's history of 25 messages and four tools.
   *
   * @return the body
   */
  @Benchmark
  public byte[] encodeHistory() {
    return ChatCodec.encodeRequest(history);
  }
}
