package io.github.kimisdk.benchmarks;

import io.github.kimisdk.chat.ChatCompletionChunk;
import io.github.kimisdk.internal.wire.chat.ChatCodec;
import io.github.kimisdk.json.Json;
import io.github.kimisdk.json.JsonString;
import io.github.kimisdk.testing.FakeKimiServer;
import io.github.kimisdk.testing.FakeResponse;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * One answer sent over both wires, for the Responses CPU-per-call figures: {@link #REASONING}
 * reasoning pieces and {@link #TEXT} text pieces taken from the recorded Kimi streams (as {@link
 * RecordedStream} takes them), and usage. {@link #chat} is the chat-completions stream of it (a
 * role chunk, a chunk per piece, a finish chunk carrying the usage, {@code [DONE]}); {@link
 * #responses} is what {@code FakeKimiServer}'s Responses face makes of exactly that stream, the
 * sequence OpenAI's servers send (openai-java's Responses client validates it: {@code
 * OpenAiResponsesAgainstFakeTest}): the response's start, the reasoning item with a {@code
 * reasoning_summary_text.delta} per piece, the message item with an {@code output_text.delta} per
 * piece, the {@code .done} events and item ends that repeat each whole text, and {@code
 * response.completed} with the whole output and the usage.
 */
final class ResponsesStream {

  /** Reasoning pieces per answer. */
  static final int REASONING = 20;

  /** Text pieces per answer. */
  static final int TEXT = 300;

  private static final String ID = "chatcmpl-5c1e93a0-4d6b-9e27-a1f0-2b8c7d3e6f10";

  /** The chat-completions stream. */
  final byte[] chat;

  /** Its chunks, {@code [DONE]} not counted. */
  final int chatChunks;

  /** The Responses stream of the same answer. */
  final byte[] responses;

  /** Its events. */
  final int events;

  /** Characters of text (not reasoning) in the answer, which every client must see. */
  final long contentChars;

  private ResponsesStream(
      byte[] chat, int chatChunks, byte[] responses, int events, long contentChars) {
    this.chat = chat;
    this.chatChunks = chatChunks;
    this.responses = responses;
    this.events = events;
    this.contentChars = contentChars;
  }

  /** The chunks kimi-sdk's iterator delivers for {@link #responses}: a piece each, then the end. */
  int responsesChunks() {
    return REASONING + TEXT + 1;
  }

  static ResponsesStream build() {
    List<String> reasoning = new ArrayList<>();
    List<String> text = new ArrayList<>();
    for (byte[] b : ChunkDecodeBenchmark.loadChunks()) {
      ChatCompletionChunk c = ChatCodec.decodeChunk(b, 0, b.length);
      if (c.choices().isEmpty()) {
        continue;
      }
      var d = c.choices().get(0).delta();
      if (d.reasoningContent() != null && !d.reasoningContent().isEmpty()) {
        reasoning.add(d.reasoningContent());
      }
      if (d.content() != null && !d.content().isEmpty()) {
        text.add(d.content());
      }
    }
    List<String> chunks = new ArrayList<>();
    chunks.add(chunk("{\"role\":\"assistant\",\"content\":\"\"}", null));
    for (int i = 0; i < REASONING; i++) {
      chunks.add(
          chunk(
              "{\"reasoning_content\":" + quoted(reasoning.get(i % reasoning.size())) + "}", null));
    }
    long contentChars = 0;
    for (int i = 0; i < TEXT; i++) {
      String t = text.get(i % text.size());
      contentChars += t.length();
      chunks.add(chunk("{\"content\":" + quoted(t) + "}", null));
    }
    chunks.add(
        chunk(
            "{}",
            "\"stop\",\"usage\":{\"prompt_tokens\":412,\"completion_tokens\":"
                + (REASONING + TEXT)
                + ",\"total_tokens\":"
                + (412 + REASONING + TEXT)
                + ",\"cached_tokens\":256}"));
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (String c : chunks) {
      out.writeBytes(("data: " + c + "\n\n").getBytes(StandardCharsets.UTF_8));
    }
    out.writeBytes("data: [DONE]\n\n".getBytes(StandardCharsets.UTF_8));
    byte[] chat = out.toByteArray();
    byte[] responses = translate(chat);
    int events = 0;
    for (String line : new String(responses, StandardCharsets.UTF_8).split("\n")) {
      if (line.startsWith("data: ")) {
        events++;
      }
    }
    return new ResponsesStream(chat, chunks.size(), responses, events, contentChars);
  }

  private static String chunk(String delta, String finish) {
    return "{\"id\":\""
        + ID
        + "\",\"object\":\"chat.completion.chunk\",\"created\":1787762066,\"model\":\"kimi-k3\","
        + "\"choices\":[{\"index\":0,\"delta\":"
        + delta
        + ",\"finish_reason\":"
        + (finish == null ? "null" : finish)
        + "}]}";
  }

  private static String quoted(String s) {
    return Json.write(JsonString.of(s));
  }

  /** What the fake's Responses face sends for a chat stream, asked by a plain streaming call. */
  private static byte[] translate(byte[] chat) {
    try (FakeKimiServer fake = new FakeKimiServer().start()) {
      fake.enqueue(FakeResponse.rawSse(new String(chat, StandardCharsets.UTF_8)));
      HttpClient http = HttpClient.newHttpClient();
      HttpRequest request =
          HttpRequest.newBuilder(URI.create(fake.baseUrl() + "/responses"))
              .header("Authorization", "Bearer sk-cpu-per-call")
              .header("Content-Type", "application/json")
              .POST(
                  HttpRequest.BodyPublishers.ofString(
                      "{\"model\":\"kimi-k3\",\"store\":false,\"input\":\"What is the weather in"
                          + " Beijing?\",\"stream\":true}"))
              .build();
      HttpResponse<byte[]> r = http.send(request, HttpResponse.BodyHandlers.ofByteArray());
      if (r.statusCode() != 200) {
        throw new IllegalStateException("the fake answered " + r.statusCode());
      }
      return r.body();
    } catch (IOException e) {
      throw new IllegalStateException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }
}
