package io.github.kimisdk.examples;

import io.github.kimisdk.KimiClient;
import io.github.kimisdk.KimiResponse;
import io.github.kimisdk.errors.KimiException;
import io.github.kimisdk.json.Json;
import io.github.kimisdk.json.JsonArray;
import io.github.kimisdk.json.JsonBoolean;
import io.github.kimisdk.json.JsonObject;
import io.github.kimisdk.json.JsonString;
import io.github.kimisdk.json.JsonValue;
import io.github.kimisdk.sse.EventStream;
import io.github.kimisdk.sse.ServerSentEvent;
import java.io.PrintStream;
import java.util.Map;

/**
 * Kimi's OpenAI-style Responses API ({@code POST /responses}), which the SDK does not model, called
 * through the client's escape hatch {@code kimi.request(...)}: the key, retries, rate limiter and
 * error classification of chat apply. Kimi's Responses API is stateless, so the request says {@code
 * store: false} and carries the whole conversation. First a plain call, then the same question
 * streamed with {@code kimi.requestEvents(...)}. Offline the fake answers both.
 *
 * <pre>
 * mvn -B -q -pl kimi-sdk-examples -am compile exec:java -Dexec.mainClass=io.github.kimisdk.examples.ResponsesApi
 * </pre>
 */
public final class ResponsesApi {

  static final String DEFAULT_PROMPT = "Name three rivers in one line.";

  private ResponsesApi() {}

  /**
   * Runs the example.
   *
   * @param args the prompt words (optional)
   */
  public static void main(String[] args) {
    String prompt = args.length == 0 ? DEFAULT_PROMPT : String.join(" ", args);
    ExampleSession.exit(run(prompt, System.getenv(), System.out));
  }

  static int run(String prompt, Map<String, String> env, PrintStream out) {
    try (ExampleSession session =
        ExampleSession.openChatCompletions(
            env,
            out,
            ExampleSession.DEFAULT_MODEL,
            "the Responses API lives beside chat completions, under the OpenAI-style base URL")) {
      KimiClient kimi = session.kimi();
      out.println("> " + prompt);
      try {
        KimiResponse<JsonValue> r = kimi.request("POST", "responses", body(session, prompt, false));
        JsonObject response = (JsonObject) r.value();
        out.println("[response] " + outputText(response));
        if (response.get("usage") instanceof JsonObject usage) {
          out.println("[usage] " + Json.write(usage));
        }
        out.println("[raw] " + r.body().length + " bytes");

        out.print("[streamed] ");
        try (EventStream events =
            kimi.requestEvents("POST", "responses", body(session, prompt, true))) {
          for (ServerSentEvent e : events) {
            if (e.event().equals("response.output_text.delta")
                && Json.parse(e.data()) instanceof JsonObject delta
                && delta.get("delta") instanceof JsonString piece) {
              out.print(piece.value());
              out.flush();
            }
          }
        }
        out.println();
        return 0;
      } catch (KimiException e) {
        out.println();
        out.println("Kimi call failed: " + e.getMessage());
        return 1;
      }
    }
  }

  private static JsonObject body(ExampleSession session, String prompt, boolean stream) {
    JsonObject.Builder b =
        JsonObject.builder()
            .put("model", JsonString.of(session.model()))
            .put("input", JsonString.of(prompt))
            .put("store", JsonBoolean.FALSE); // Kimi keeps no history: false, always
    if (stream) {
      b.put("stream", JsonBoolean.TRUE);
    }
    return b.build();
  }

  /** Joins the {@code output_text} parts of the response's messages. */
  static String outputText(JsonObject response) {
    StringBuilder sb = new StringBuilder();
    if (response.get("output") instanceof JsonArray items) {
      for (JsonValue item : items.values()) {
        if (item instanceof JsonObject o && o.get("content") instanceof JsonArray parts) {
          for (JsonValue p : parts.values()) {
            if (p instanceof JsonObject part
                && part.get("type") instanceof JsonString t
                && t.value().equals("output_text")
                && part.get("text") instanceof JsonString text) {
              sb.append(text.value());
            }
          }
        }
      }
    }
    return sb.toString();
  }
}
