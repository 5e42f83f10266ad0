package io.github.kimisdk.benchmarks;

import io.github.kimisdk.ResponseMetadata;
import io.github.kimisdk.WireProtocol;
import io.github.kimisdk.base.sse.SseEventHandler;
import io.github.kimisdk.chat.ChatCompletionChunk;
import io.github.kimisdk.chat.ChatRequest;
import io.github.kimisdk.internal.wire.Wire;
import io.github.kimisdk.internal.wire.Wires;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * The decode-inclusive floor: {@link CpuPerCallFloor}'s reading of the stream (the JDK's {@code
 * HttpClient}, {@code BodyHandlers.ofLines()}), and each event's payload then decoded, on the
 * calling thread, by the SDK's own event handler of the wire ({@code Wire.events}: the chat wire's
 * chunk decoder, the Responses wire's event reader) into the chunks a user of the SDK gets. It
 * prices what any client that hands its user typed chunks must do on top of the floor, so that the
 * SDK's figure against it is its machinery alone (the SSE parser, the hand-off to the caller's
 * thread, demand, retries, limits, listeners). Each payload is re-encoded from the line's string to
 * UTF-8 bytes first, which the SDK does not do: a few hundred nanoseconds a call more than the
 * decoding alone.
 */
final class CpuPerCallFloorDecode implements CpuPerCallClient.Call {

  static Object sink;

  private static final ResponseMetadata METADATA =
      new ResponseMetadata(200, Map.of("Content-Type", List.of("text/event-stream")));

  private final HttpClient http =
      HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
  private final HttpRequest request;
  private final Wire wire;
  private final ChatRequest chat = ChatRequest.of("kimi-k3", "What is the weather in Beijing?");

  /** The chat completions stream of {@code url}, decoded by the chat wire. */
  static CpuPerCallFloorDecode chat(String url) {
    return new CpuPerCallFloorDecode(
        url + "/chat/completions",
        "{\"model\":\"kimi-k3\",\"messages\":[{\"role\":\"user\",\"content\":"
            + "\"What is the weather in Beijing?\"}],\"stream\":true}",
        WireProtocol.CHAT_COMPLETIONS);
  }

  /** The Responses stream below {@code base}, decoded by the Responses wire. */
  static CpuPerCallFloorDecode responses(String base) {
    return new CpuPerCallFloorDecode(
        base + "/responses",
        "{\"model\":\"kimi-k3\",\"store\":false,\"input\":\"What is the weather in"
            + " Beijing?\",\"stream\":true}",
        WireProtocol.RESPONSES);
  }

  private CpuPerCallFloorDecode(String endpoint, String body, WireProtocol protocol) {
    request =
        HttpRequest.newBuilder(URI.create(endpoint))
            .header("Authorization", "Bearer sk-cpu-per-call")
            .header("Content-Type", "application/json")
            .header("Accept", "text/event-stream")
            .POST(HttpRequest.BodyPublishers.ofString(body))
            .build();
    wire = Wires.get(protocol, false);
  }

  @Override
  public long[] call() throws Exception {
    HttpResponse<Stream<String>> response = http.send(request, HttpResponse.BodyHandlers.ofLines());
    if (response.statusCode() != 200) {
      throw new IllegalStateException("HTTP " + response.statusCode());
    }
    SseEventHandler<ChatCompletionChunk> handler =
        wire.events(METADATA, ResponsesPathCpuTime.NoErrors.INSTANCE, 128, chat);
    Counter out = new Counter();
    String type = "message";
    try (Stream<String> lines = response.body()) {
      Iterator<String> it = lines.iterator();
      while (it.hasNext()) {
        String line = it.next();
        if (line.isEmpty()) {
          type = "message"; // an event ends at a blank line
        } else if (line.startsWith("event: ")) {
          type = line.substring(7);
        } else if (line.startsWith("data: ") && !out.complete) {
          byte[] data = line.getBytes(StandardCharsets.UTF_8); // "data: " is 6 bytes
          handler.onEvent(type, data, 6, data.length - 6, "", out);
        }
      }
    }
    if (!out.complete) {
      handler.onEndOfInput(out);
    }
    return new long[] {out.chunks, -1};
  }

  @Override
  public void close() {}

  /** Counts the chunks the handler emits, and whether it ended the stream. */
  private static final class Counter implements SseEventHandler.Emitter<ChatCompletionChunk> {
    long chunks;
    boolean complete;

    @Override
    public void emit(ChatCompletionChunk item) {
      sink = item;
      chunks++;
    }

    @Override
    public void complete() {
      complete = true;
    }

    @Override
    public void fail(Throwable error) {
      throw new IllegalStateException("the stream failed", error);
    }
  }
}
